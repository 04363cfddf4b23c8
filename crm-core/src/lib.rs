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

mod activity;
mod analytics;
mod bulk;
mod calendar;
mod clock;
mod codec;
mod company;
mod contact;
mod context;
mod crm;
mod deal;
pub mod decimal;
mod error;
mod fields;
mod fx;
mod held;
mod ical;
mod id;
mod index;
mod input;
mod integrity;
mod lead;
mod lineitem;
mod migrate;
pub mod money;
mod normalize;
mod operation_table;
mod pipeline;
mod postings;
mod product;
mod query;
mod quote;
mod recent;
mod record;
mod recurrence;
mod relation;
#[cfg(feature = "schema")]
mod schema;
mod search;
#[cfg(test)]
mod snapshots;
mod store;
mod text;
mod timeline;

pub use activity::{
    Activity, ActivityInput, ActivityKind, ActivityStatus, Channel, CompletedActivity, Completion,
    InteractionDirection, NextActivity, Participant, ParticipantResponse, ParticipantStatus,
    Priority, TaskList, TaskQuery,
};
pub use analytics::{
    ClosingQuery, Forecast, ForecastPeriod, ForecastQuery, GroupBy, Leaderboard, LeaderboardRow,
    OwnerForecast, Period, PipelineValue, SalesCycle, SalesCycleQuery, StageDuration, StageValue,
    WinRate, WinRateQuery, WinRates,
};
pub use bulk::{ImportData, ImportEmployment, ImportReport, Progress};
pub use calendar::{
    AgendaQuery, Calendar, CalendarInput, DueReminder, EventInstance, FreeBusyQuery, IcalExport,
    IcalImportReport, ReminderQuery, TimeSpan,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use company::{Company, CompanyInput, CompanySize, RelationshipKind};
pub use contact::{Contact, ContactInput, Email, Phone};
pub use crm::{Batch, Crm, CrmBuilder, OPERATIONS, Snapshot};
pub use deal::{Deal, DealContact, DealInput, DealMove, FollowUpInput, StageChange, StageTime};
pub use decimal::Decimal;
pub use error::{Error, Result};
pub use fields::{FieldDef, FieldKind, FieldValue, MAX_EXACT_INTEGER};
pub use fx::{DEFAULT_REPORTING_CURRENCY, ExchangeRate};
pub use ical::IcalSkipped;
pub use id::{
    ActivityId, ActivityIdKind, CalendarId, CalendarKind, CompanyId, CompanyKind, ContactId,
    ContactKind, DealId, DealKind, EmploymentId, EmploymentKind, Id, IdKind, IdSource, LeadId,
    LeadKind, PipelineId, PipelineKind, PriceListId, PriceListKind, ProductId, ProductKind,
    QuoteId, QuoteKind, RandomIds, RecordRef, RelationId, RelationKind, SequentialIds, StageId,
    StageIdKind,
};
pub use input::Address;
pub use integrity::IntegrityReport;
pub use lead::{
    CompanyChoice, ContactChoice, Conversion, ConvertedLead, Lead, LeadConversion, LeadInput,
    LeadSource, LeadStatus,
};
pub use lineitem::{Discount, LineItem, LineItemInput, Totals, price_line, totals};
pub use migrate::SCHEMA_VERSION;
pub use money::{Currency, Money};
pub use pipeline::{Pipeline, PipelineInput, Stage, StageInput, StageKind};
pub use product::{PriceList, PriceListEntry, PriceListInput, Product, ProductInput, TaxRate};
pub use query::{
    Archived, CompanyFilter, CompanyQuery, Condition, ContactFilter, ContactQuery, DealFilter,
    DealQuery, LeadFilter, LeadQuery, ListQuery, Op, Page, Sort, SortBy, TimeRange,
};
pub use quote::{Quote, QuoteAcceptance, QuoteInput, QuoteStatus};
pub use record::RecordKind;
pub use recurrence::{Frequency, Recurrence, Weekday};
pub use relation::{
    Direction, Employment, EmploymentInput, EmploymentUpdate, Relation, RelationInput,
    RelationType, RelationView,
};
pub use search::{SearchHit, SearchQuery};
pub use timeline::{
    ChannelCount, Journey, RecordChange, TimelineEntry, TimelineEntryKind, TimelinePage,
    TimelineQuery, Touchpoint,
};

/// Text as the library compares it: lower case, without diacritics or control characters
/// ("Łódź" → "lodz", "Ștefan" → "stefan"). Listings sort names by it and search matches
/// words by it; apps use it to sort or match the same way.
pub fn fold_text(s: &str) -> String {
    text::fold(s)
}

/// Where the bytes of a database live: implement this to keep a CRM somewhere other than a
/// file or memory (the browser binding keeps it in the Origin Private File System).
pub use redb::StorageBackend;
