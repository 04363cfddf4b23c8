//! # crm-core
//!
//! An embeddable CRM engine: contacts and companies with relations, tags and typed custom
//! fields, found by any field or by free text; leads, pipelines and deals, products, quotes,
//! exact multi-currency money and sales forecasts; activities, timelines, calendars with
//! recurring events and iCalendar in and out; stored in one file (or in memory) through
//! [redb](https://docs.rs/redb). No server: add the crate and open a file.
//!
//! ```
//! use crm_core::{ContactInput, Crm, Email, SearchQuery};
//!
//! # fn main() -> crm_core::Result<()> {
//! let crm = Crm::open_in_memory()?;
//! let ana = crm.create_contact(ContactInput {
//!     given_name: Some("Ștefan".into()),
//!     family_name: Some("Popescu".into()),
//!     emails: vec![Email::new("stefan.popescu@example.ro")],
//!     ..ContactInput::default()
//! })?;
//! let hits = crm.search(&SearchQuery::new("stefan"))?;
//! assert_eq!(hits[0].label, "Ștefan Popescu");
//! assert_eq!(crm.find_contact_by_email("STEFAN.POPESCU@example.ro")?.unwrap().id, ana.id);
//! # Ok(())
//! # }
//! ```
//!
//! Every operation commits in one transaction: a record and all of its indexes change
//! together or not at all. [`Crm::batch`] groups many operations into one transaction.
//! Errors are [`Error`] values that name the input field at fault; invalid input changes
//! nothing. See `ARCHITECTURE.md` in the repository for how the pieces fit.

mod activities;
mod api;
mod formats;
mod people;
mod queries;
mod records;
mod sales;
#[cfg(test)]
mod snapshots;
mod storage;
mod values;

pub use values::{decimal, money};

pub use activities::activity::{
    Activity, ActivityInput, ActivityKind, ActivityStatus, Channel, CompletedActivity, Completion,
    InteractionDirection, NextActivity, Participant, ParticipantResponse, ParticipantStatus,
    Priority, TaskList, TaskQuery,
};
pub use activities::calendar::{
    AgendaQuery, Calendar, CalendarInput, DueReminder, EventInstance, FreeBusyQuery, ReminderQuery,
    TimeSpan,
};
pub use activities::listing::{ActivityFilter, ActivityQuery};
pub use activities::recurrence::{Frequency, Recurrence, Weekday};
pub use activities::timeline::{
    ChannelCount, Journey, TimelineEntry, TimelineEntryKind, TimelinePage, TimelineQuery,
    Touchpoint,
};
pub use api::crm::{Batch, Crm, CrmBuilder, OPERATIONS, Snapshot, Transaction, View};
pub use api::migrations::SCHEMA_VERSION;
pub use api::rescue::RescuedBytes;
pub use formats::bulk::{ImportData, ImportEmployment, ImportReport, Progress};
pub use formats::ical::{IcalExport, IcalImportReport, IcalSkipped};
pub use people::company::{
    Company, CompanyFilter, CompanyInput, CompanyQuery, CompanySize, RelationshipKind,
};
pub use people::contact::{Contact, ContactFilter, ContactInput, ContactQuery, Email, Phone};
pub use people::relation::{
    Direction, Employment, EmploymentInput, EmploymentUpdate, Relation, RelationInput,
    RelationType, RelationView,
};
pub use queries::query::{Archived, Condition, ListQuery, Op, Page, Sort, SortBy, TimeRange};
pub use queries::search::{SearchHit, SearchQuery};
pub use records::changes::RecordChange;
pub use records::fields::{FieldDef, FieldKind, FieldValue, MAX_EXACT_INTEGER};
pub use records::integrity::IntegrityReport;
pub use records::rescue::{RescueReport, TableRescue};

pub use sales::analytics::{
    ClosingQuery, Forecast, ForecastPeriod, ForecastQuery, GroupBy, Leaderboard, LeaderboardRow,
    OwnerForecast, Period, PipelineValue, SalesCycle, SalesCycleQuery, StageDuration, StageValue,
    WinRate, WinRateQuery, WinRates,
};
pub use sales::deal::{
    Deal, DealContact, DealFilter, DealInput, DealMove, DealQuery, FollowUpInput, StageChange,
    StageTime,
};
pub use sales::fx::{DEFAULT_REPORTING_CURRENCY, ExchangeRate};
pub use sales::lead::{
    CompanyChoice, ContactChoice, Conversion, ConvertedLead, Lead, LeadConversion, LeadFilter,
    LeadInput, LeadQuery, LeadSource, LeadStatus,
};
pub use sales::lineitem::{Discount, LineItem, LineItemInput, Totals, price_line, totals};
pub use sales::pipeline::{Pipeline, PipelineInput, Stage, StageInput, StageKind};
pub use sales::product::{
    PriceList, PriceListEntry, PriceListInput, Product, ProductInput, TaxRate,
};
pub use sales::quote::{Quote, QuoteAcceptance, QuoteInput, QuoteStatus};
pub use values::clock::{Clock, ManualClock, SystemClock};
pub use values::decimal::Decimal;
pub use values::error::{Error, Result};
pub use values::id::{
    ActivityId, ActivityIdKind, CalendarId, CalendarKind, CompanyId, CompanyKind, ContactId,
    ContactKind, DealId, DealKind, EmploymentId, EmploymentKind, Id, IdKind, IdSource, LeadId,
    LeadKind, PipelineId, PipelineKind, PriceListId, PriceListKind, ProductId, ProductKind,
    QuoteId, QuoteKind, RandomIds, RecordKind, RecordRef, RelationId, RelationKind, SequentialIds,
    StageId, StageIdKind,
};
pub use values::input::Address;
pub use values::money::{Currency, Money};

/// Text as the library compares it: lower case, without diacritics or control characters
/// ("Łódź" → "lodz", "Ștefan" → "stefan"). Listings sort names by it and search matches
/// words by it; apps use it to sort or match the same way.
pub fn fold_text(s: &str) -> String {
    values::text::fold(s)
}

/// Where the bytes of a database live: implement this to keep a CRM somewhere other than a
/// file or memory (the browser binding keeps it in the Origin Private File System).
pub use redb::StorageBackend;

/// Entry points for the fuzz targets (`crm-core/fuzz/`), built only with the `fuzzing`
/// feature: the layers a fuzzer should reach without opening a CRM for every input.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    /// Reads `text` as iCalendar (no CRM involved); how many events and tasks it held.
    pub fn parse_ical(text: &str) -> usize {
        let parsed = crate::formats::ical::text::parse(text, chrono_tz::Tz::UTC);
        parsed.items.len() + parsed.skipped.len()
    }
}
