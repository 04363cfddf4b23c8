//! uniffi bindings of crm-core for Kotlin, Swift and Python.
//!
//! This crate only translates. The records below are *remote* definitions: they restate the
//! fields of the core's own types so that uniffi can pass those types across the boundary
//! directly (a field added in the core and not here fails to compile). Types that travel in
//! another form are custom types: ids, record references, currencies and decimals as strings,
//! dates as `YYYY-MM-DD` strings, instants as the platform's timestamp type. Every method of
//! [`Crm`] is one call to `crm_core::Crm` (but `advance_clock`, which moves the test clock the
//! options made); errors are mapped once, in `From<crm_core::Error>`.
//! A panic anywhere below an exported call is caught by uniffi and raised as the language's
//! internal error, never an abort.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::Duration;
use crm_core::{
    Activity, ActivityId, ActivityKind, ActivityStatus, Address, AgendaQuery, Archived, Calendar,
    CalendarId, CalendarInput, Channel, ChannelCount, ClosingQuery, Company, CompanyChoice,
    CompanyId, CompanyInput, CompanySize, CompletedActivity, Completion, Condition, Contact,
    ContactChoice, ContactId, ContactInput, Conversion, ConvertedLead, Currency, Deal, DealContact,
    DealId, DealInput, DealMove, Decimal, Direction, Discount, DueReminder, Email, Employment,
    EmploymentId, EmploymentInput, EmploymentUpdate, EventInstance, ExchangeRate, FieldDef,
    FieldKind, FieldValue, FollowUpInput, Forecast, ForecastPeriod, FreeBusyQuery, Frequency,
    GroupBy, IcalExport, IcalImportReport, IcalSkipped, ImportData, ImportEmployment, ImportReport,
    IntegrityReport, InteractionDirection, Journey, Lead, LeadId, LeadInput, LeadSource,
    LeadStatus, Leaderboard, LeaderboardRow, LineItem, LineItemInput, Money, NextActivity, Op,
    OwnerForecast, Participant, ParticipantStatus, Period, Phone, Pipeline, PipelineId,
    PipelineInput, PipelineValue, PriceList, PriceListEntry, PriceListId, PriceListInput, Priority,
    Product, ProductId, ProductInput, Progress, Quote, QuoteAcceptance, QuoteId, QuoteInput,
    QuoteStatus, RecordKind, RecordRef, Recurrence, Relation, RelationId, RelationInput,
    RelationType, RelationView, RelationshipKind, ReminderQuery, SalesCycle, SalesCycleQuery,
    SearchHit, SearchQuery, SortBy, Stage, StageDuration, StageId, StageInput, StageKind,
    StageTime, StageValue, TaskList, TaskQuery, TaxRate, TimeRange, TimeSpan, TimelineEntryKind,
    TimelineQuery, Totals, Touchpoint, Weekday, WinRate, WinRateQuery, WinRates,
};

uniffi::setup_scaffolding!();

// ---- errors ----

/// Why an operation failed. Validation and conflict errors name the input field at fault;
/// nothing is written when an operation fails.
#[derive(Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CrmError {
    /// The record does not exist.
    #[error("{kind} {id} not found")]
    NotFound {
        /// The kind of record, such as `contact`.
        kind: String,
        /// The id or key looked for.
        id: String,
    },
    /// An input value is invalid.
    #[error("invalid {field}: {reason}")]
    Validation {
        /// The path of the input field, such as `emails[1].address`.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The write would break a uniqueness or consistency rule.
    #[error("{field} conflicts with {existing}: {reason}")]
    Conflict {
        /// The input field at fault.
        field: String,
        /// The id of the record in the way.
        existing: String,
        /// The rule.
        reason: String,
    },
    /// The CRM was closed.
    #[error("the CRM handle is closed")]
    Closed,
    /// The storage failed; the transaction was rolled back.
    #[error("storage failure: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// The file is damaged: a stored value cannot be read. Nothing was written; other
    /// records may still be readable (`verify` lists what is damaged).
    #[error("the file is damaged: {reason}")]
    Corrupt {
        /// The table holding the damage (`contacts`, `search`…), when known (else empty).
        table: String,
        /// The record whose stored form is damaged (`contact_…`), when known.
        record: Option<String>,
        /// What could not be read.
        reason: String,
    },
    /// The operating system refused a read or a write (a full disk, a missing permission);
    /// the transaction was rolled back.
    #[error("input/output failure: {reason}")]
    Io {
        /// The operating system's description.
        reason: String,
    },
    /// The file was written by a newer version of the library and was left untouched.
    #[error("schema version {found} is newer than {supported}")]
    Version {
        /// The file's schema version.
        found: u32,
        /// The newest this library reads.
        supported: u32,
    },
    /// The progress callback cancelled the operation; nothing was written.
    #[error("cancelled")]
    Cancelled,
}

impl From<crm_core::Error> for CrmError {
    fn from(e: crm_core::Error) -> Self {
        use crm_core::Error as E;
        match e {
            E::NotFound { kind, id } => CrmError::NotFound {
                kind: kind.into(),
                id,
            },
            E::Validation { field, reason } => CrmError::Validation { field, reason },
            E::Conflict {
                field,
                existing,
                reason,
            } => CrmError::Conflict {
                field,
                existing,
                reason,
            },
            E::Closed => CrmError::Closed,
            E::Corrupt {
                table,
                record,
                reason,
            } => CrmError::Corrupt {
                table,
                record,
                reason,
            },
            E::Io { reason } => CrmError::Io { reason },
            E::Version { found, supported } => CrmError::Version { found, supported },
            E::Cancelled => CrmError::Cancelled,
            other => CrmError::Storage {
                reason: other.to_string(),
            },
        }
    }
}

/// A lift failure that foreign code sees as a typed validation error.
fn invalid(field: &str, reason: &str) -> uniffi::deps::anyhow::Error {
    CrmError::Validation {
        field: field.into(),
        reason: reason.into(),
    }
    .into()
}

fn parsed<T: std::str::FromStr<Err = crm_core::Error>>(s: &str) -> uniffi::Result<T> {
    s.parse()
        .map_err(|e: crm_core::Error| CrmError::from(e).into())
}

// ---- custom types ----

uniffi::custom_type!(ContactId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(CompanyId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(EmploymentId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(RelationId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(LeadId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(DealId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(PipelineId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(StageId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(ProductId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(PriceListId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(QuoteId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(ActivityId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(CalendarId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(RecordRef, String, { remote, lower: |r| r.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(Currency, String, { remote, lower: |c| c.code().to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(Decimal, String, { remote, lower: |d| d.to_string(), try_lift: |s| parsed(&s) });

/// An instant in UTC (Python `datetime`, Kotlin `Instant`, Swift `Date`).
pub type Timestamp = chrono::DateTime<chrono::Utc>;
uniffi::custom_type!(Timestamp, SystemTime, {
    remote,
    lower: |t| t.into(),
    try_lift: |t| Ok(t.into()),
});

/// A calendar date written `YYYY-MM-DD`.
pub type Date = chrono::NaiveDate;
uniffi::custom_type!(Date, String, {
    remote,
    lower: |d| d.format("%Y-%m-%d").to_string(),
    try_lift: |s| s.parse().map_err(|_| invalid("date", "is not a date written YYYY-MM-DD")),
});

/// The values of a record's custom fields, by key.
pub type CustomFields = BTreeMap<String, FieldValue>;
uniffi::custom_type!(CustomFields, HashMap<String, FieldValue>, {
    remote,
    lower: |m| m.into_iter().collect(),
    try_lift: |m| Ok(m.into_iter().collect()),
});

// ---- records and enums, restated from the core ----

/// An amount of money in minor units (grosze, bani, cents) with its currency.
#[uniffi::remote(Record)]
pub struct Money {
    /// The amount in the currency's minor unit.
    pub amount_minor: i64,
    /// ISO 4217 code, such as `PLN`.
    pub currency: Currency,
}

/// The kinds of records.
#[uniffi::remote(Enum)]
pub enum RecordKind {
    /// A person.
    Contact,
    /// An organisation.
    Company,
    /// A prospect not yet qualified into a contact, company and deal.
    Lead,
    /// A sales opportunity in a pipeline.
    Deal,
}

/// An email address of a contact.
#[uniffi::remote(Record)]
pub struct Email {
    /// The address; compared without case.
    pub address: String,
    /// What it is for, such as `work`.
    #[uniffi(default = None)]
    pub label: Option<String>,
    /// The contact's main address (the first one when none is marked).
    #[uniffi(default = false)]
    pub primary: bool,
}

/// A phone number of a contact.
#[uniffi::remote(Record)]
pub struct Phone {
    /// The number as typed.
    pub number: String,
    /// What it is for, such as `mobile`.
    #[uniffi(default = None)]
    pub label: Option<String>,
    /// The E.164 form, computed by the library (ignored on input).
    #[uniffi(default = None)]
    pub e164: Option<String>,
}

/// A postal address; at least one part is required.
#[uniffi::remote(Record)]
pub struct Address {
    /// What it is for, such as `billing`.
    #[uniffi(default = None)]
    pub label: Option<String>,
    /// Street and number.
    #[uniffi(default = None)]
    pub street: Option<String>,
    /// City.
    #[uniffi(default = None)]
    pub city: Option<String>,
    /// Region or voivodeship.
    #[uniffi(default = None)]
    pub region: Option<String>,
    /// Postal code.
    #[uniffi(default = None)]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code, such as `PL`.
    #[uniffi(default = None)]
    pub country: Option<String>,
}

/// The value of a custom field.
#[uniffi::remote(Enum)]
pub enum FieldValue {
    /// Text, select option, url, email or phone.
    Text(String),
    /// Integer or rating.
    Integer(i64),
    /// Exact decimal, written as text.
    Decimal(Decimal),
    /// Yes or no.
    Boolean(bool),
    /// A date.
    Date(Date),
    /// An instant.
    DateTime(Timestamp),
    /// Options of a multi select.
    List(Vec<String>),
    /// Money.
    Money(Money),
}

/// The type of a custom field.
#[uniffi::remote(Enum)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    LongText,
    /// A whole number.
    Integer,
    /// An exact decimal.
    Decimal,
    /// Yes or no.
    Boolean,
    /// A date.
    Date,
    /// An instant.
    DateTime,
    /// One of the options.
    SingleSelect {
        /// The options.
        options: Vec<String>,
    },
    /// Any of the options.
    MultiSelect {
        /// The options.
        options: Vec<String>,
    },
    /// Money, in one currency if given.
    Money {
        /// The currency every value must have.
        currency: Option<Currency>,
    },
    /// An http(s) address.
    Url,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A rating from 1 to `max`.
    Rating {
        /// The highest rating (1 to 10).
        max: u8,
    },
}

/// The definition of a custom field.
#[uniffi::remote(Record)]
pub struct FieldDef {
    /// The kind of record it belongs to.
    pub record_kind: RecordKind,
    /// Lowercase key values are stored under.
    pub key: String,
    /// The name shown to users.
    pub label: String,
    /// The type of the values.
    pub kind: FieldKind,
    /// Whether every record must have a value.
    #[uniffi(default = false)]
    pub required: bool,
    /// The value of records that set none, when required.
    #[uniffi(default = None)]
    pub default: Option<FieldValue>,
    /// An explanation for users.
    #[uniffi(default = None)]
    pub description: Option<String>,
}

/// What to create or replace a contact with; needs a name or an email address.
#[uniffi::remote(Record)]
pub struct ContactInput {
    /// Given name.
    #[uniffi(default = None)]
    pub given_name: Option<String>,
    /// Family name.
    #[uniffi(default = None)]
    pub family_name: Option<String>,
    /// The name to show; made from the others when absent.
    #[uniffi(default = None)]
    pub display_name: Option<String>,
    /// Email addresses, unique among active contacts.
    #[uniffi(default)]
    pub emails: Vec<Email>,
    /// Phone numbers.
    #[uniffi(default)]
    pub phones: Vec<Phone>,
    /// Postal addresses.
    #[uniffi(default)]
    pub addresses: Vec<Address>,
    /// Date of birth.
    #[uniffi(default = None)]
    pub birthday: Option<Date>,
    /// Preferred language (BCP 47, such as `ro-RO`).
    #[uniffi(default = None)]
    pub language: Option<String>,
    /// Job title.
    #[uniffi(default = None)]
    pub job_title: Option<String>,
    /// The owning user's id.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Where the contact came from.
    #[uniffi(default = None)]
    pub source: Option<String>,
    /// Lifecycle stage.
    #[uniffi(default = None)]
    pub lifecycle_stage: Option<String>,
    /// Tags.
    #[uniffi(default)]
    pub tags: Vec<String>,
    /// Custom field values by key.
    #[uniffi(default)]
    pub custom_fields: CustomFields,
}

/// A stored contact.
#[uniffi::remote(Record)]
pub struct Contact {
    /// The id, `contact_…`.
    pub id: ContactId,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// The name shown.
    pub display_name: String,
    /// Email addresses.
    pub emails: Vec<Email>,
    /// Phone numbers.
    pub phones: Vec<Phone>,
    /// Postal addresses.
    pub addresses: Vec<Address>,
    /// Date of birth.
    pub birthday: Option<Date>,
    /// Preferred language.
    pub language: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// The owning user's id.
    pub owner: Option<String>,
    /// Where the contact came from.
    pub source: Option<String>,
    /// Lifecycle stage.
    pub lifecycle_stage: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom field values.
    pub custom_fields: CustomFields,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was archived.
    pub archived_at: Option<Timestamp>,
}

/// What a company is to the firm.
#[uniffi::remote(Enum)]
pub enum RelationshipKind {
    /// Buys from the firm.
    Customer,
    /// Might buy.
    Prospect,
    /// Works with the firm.
    Partner,
    /// Supplies goods.
    Supplier,
    /// Sells services or software to the firm.
    Vendor,
    /// Resells the firm's products.
    Reseller,
    /// Press.
    Press,
    /// Competitor.
    Competitor,
    /// Used to buy.
    FormerCustomer,
}

/// Employees, in bands.
#[uniffi::remote(Enum)]
pub enum CompanySize {
    /// 1.
    One,
    /// 2–10.
    UpTo10,
    /// 11–50.
    UpTo50,
    /// 51–200.
    UpTo200,
    /// 201–500.
    UpTo500,
    /// 501–1,000.
    UpTo1000,
    /// 1,001–5,000.
    UpTo5000,
    /// 5,001–10,000.
    UpTo10000,
    /// More than 10,000.
    Over10000,
}

/// What to create or replace a company with.
#[uniffi::remote(Record)]
pub struct CompanyInput {
    /// The name; required.
    pub name: String,
    /// Web domains (pasted URLs are reduced to the domain).
    #[uniffi(default)]
    pub domains: Vec<String>,
    /// Industry.
    #[uniffi(default = None)]
    pub industry: Option<String>,
    /// Employees band.
    #[uniffi(default = None)]
    pub size: Option<CompanySize>,
    /// Postal addresses.
    #[uniffi(default)]
    pub addresses: Vec<Address>,
    /// What the company is to the firm.
    #[uniffi(default)]
    pub kinds: Vec<RelationshipKind>,
    /// The parent company; cycles are refused.
    #[uniffi(default = None)]
    pub parent: Option<CompanyId>,
    /// The owning user's id.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Tags.
    #[uniffi(default)]
    pub tags: Vec<String>,
    /// Custom field values by key.
    #[uniffi(default)]
    pub custom_fields: CustomFields,
}

/// A stored company.
#[uniffi::remote(Record)]
pub struct Company {
    /// The id, `company_…`.
    pub id: CompanyId,
    /// The name.
    pub name: String,
    /// Web domains.
    pub domains: Vec<String>,
    /// Industry.
    pub industry: Option<String>,
    /// Employees band.
    pub size: Option<CompanySize>,
    /// Postal addresses.
    pub addresses: Vec<Address>,
    /// What the company is to the firm.
    pub kinds: Vec<RelationshipKind>,
    /// The parent company.
    pub parent: Option<CompanyId>,
    /// The owning user's id.
    pub owner: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom field values.
    pub custom_fields: CustomFields,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was archived.
    pub archived_at: Option<Timestamp>,
}

/// A contact's position at a company.
#[uniffi::remote(Record)]
pub struct Employment {
    /// The id, `employment_…`.
    pub id: EmploymentId,
    /// The person.
    pub contact: ContactId,
    /// The company.
    pub company: CompanyId,
    /// Role towards the firm.
    pub role: Option<String>,
    /// Job title there.
    pub title: Option<String>,
    /// The contact's primary employer.
    pub primary: bool,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A link to make between a contact and a company.
#[uniffi::remote(Record)]
pub struct EmploymentInput {
    /// The person.
    pub contact: ContactId,
    /// The company.
    pub company: CompanyId,
    /// Role towards the firm.
    #[uniffi(default = None)]
    pub role: Option<String>,
    /// Job title there.
    #[uniffi(default = None)]
    pub title: Option<String>,
    /// Make it the primary employer.
    #[uniffi(default = false)]
    pub primary: bool,
}

/// The changeable part of an employment.
#[uniffi::remote(Record)]
pub struct EmploymentUpdate {
    /// Role towards the firm.
    #[uniffi(default = None)]
    pub role: Option<String>,
    /// Job title there.
    #[uniffi(default = None)]
    pub title: Option<String>,
    /// Whether it is the primary employer.
    #[uniffi(default = false)]
    pub primary: bool,
}

/// A kind of relation with a name for each direction.
#[uniffi::remote(Record)]
pub struct RelationType {
    /// Lowercase key.
    pub key: String,
    /// How it reads from `from`, such as `reports to`.
    pub name: String,
    /// How it reads from `to`, such as `manages`.
    pub reverse_name: String,
    /// The kind of both ends.
    pub record_kind: RecordKind,
    /// Defined by the library.
    #[uniffi(default = false)]
    pub built_in: bool,
}

/// A typed, directed relation.
#[uniffi::remote(Record)]
pub struct Relation {
    /// The id, `relation_…`.
    pub id: RelationId,
    /// The key of its type.
    pub relation_type: String,
    /// The record the name reads from.
    pub record: RecordRef,
    /// The other record, which the reverse name reads from.
    pub other: RecordRef,
    /// When it was made.
    pub created_at: Timestamp,
}

/// Two records to relate.
#[uniffi::remote(Record)]
pub struct RelationInput {
    /// The key of the relation type.
    pub relation_type: String,
    /// The record the name reads from.
    pub record: RecordRef,
    /// The other record.
    pub other: RecordRef,
}

/// Which end of a relation a record is.
#[uniffi::remote(Enum)]
pub enum Direction {
    /// The record is the relation's `record`.
    Outgoing,
    /// The record is the relation's `other`.
    Incoming,
}

/// A relation seen from one of its records.
#[uniffi::remote(Record)]
pub struct RelationView {
    /// The relation's id.
    pub relation: RelationId,
    /// The key of its type.
    pub relation_type: String,
    /// How it reads from this side.
    pub label: String,
    /// The record at the other end.
    pub other: RecordRef,
    /// Which end this record is.
    pub direction: Direction,
}

/// What to order a listing by.
#[uniffi::remote(Enum)]
pub enum SortBy {
    /// Name, ignoring case and diacritics.
    Name,
    /// Creation time.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// Whether a listing shows archived records.
#[uniffi::remote(Enum)]
pub enum Archived {
    /// Active only.
    Exclude,
    /// All.
    Include,
    /// Archived only.
    Only,
}

/// From (included) until (excluded).
#[uniffi::remote(Record)]
pub struct TimeRange {
    /// First instant included.
    #[uniffi(default = None)]
    pub since: Option<Timestamp>,
    /// First instant excluded.
    #[uniffi(default = None)]
    pub until: Option<Timestamp>,
}

/// A comparison.
#[uniffi::remote(Enum)]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Less than.
    Lt,
    /// Less or equal.
    Lte,
    /// Greater than.
    Gt,
    /// Greater or equal.
    Gte,
    /// Text contains.
    Contains,
    /// Text starts with.
    StartsWith,
    /// Has a value.
    Exists,
    /// Has no value.
    Missing,
}

/// A test on a field: a standard field by name or `custom.<key>`.
#[uniffi::remote(Record)]
pub struct Condition {
    /// The field's name.
    pub field: String,
    /// The comparison.
    pub op: Op,
    /// The value compared with (none for exists and missing).
    #[uniffi(default = None)]
    pub value: Option<FieldValue>,
}

// The request records below are this crate's own, not mirrors: uniffi cannot give an enum
// field a default value, so their enum fields are optional here (absent = the core's
// default) and converted into the core's types.

/// The order of a listing.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct Sort {
    /// The key (by name when absent).
    #[uniffi(default = None)]
    pub by: Option<SortBy>,
    /// Largest first.
    #[uniffi(default = false)]
    pub descending: bool,
}

impl From<Sort> for crm_core::Sort {
    fn from(s: Sort) -> Self {
        crm_core::Sort {
            by: s.by.unwrap_or_default(),
            descending: s.descending,
        }
    }
}

/// Which contacts to list.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ContactFilter {
    /// Archived contacts (excluded when absent).
    #[uniffi(default = None)]
    pub archived: Option<Archived>,
    /// Having all these tags.
    #[uniffi(default)]
    pub tags_all: Vec<String>,
    /// Having any of these tags.
    #[uniffi(default)]
    pub tags_any: Vec<String>,
    /// Linked to this company.
    #[uniffi(default = None)]
    pub company: Option<CompanyId>,
    /// Owned by this user.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Created in this range.
    #[uniffi(default)]
    pub created: TimeRange,
    /// Last changed in this range.
    #[uniffi(default)]
    pub updated: TimeRange,
    /// Tests on any field.
    #[uniffi(default)]
    pub conditions: Vec<Condition>,
}

impl From<ContactFilter> for crm_core::ContactFilter {
    fn from(f: ContactFilter) -> Self {
        crm_core::ContactFilter {
            archived: f.archived.unwrap_or_default(),
            tags_all: f.tags_all,
            tags_any: f.tags_any,
            company: f.company,
            owner: f.owner,
            created: f.created,
            updated: f.updated,
            conditions: f.conditions,
        }
    }
}

/// Which companies to list.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct CompanyFilter {
    /// Archived companies (excluded when absent).
    #[uniffi(default = None)]
    pub archived: Option<Archived>,
    /// Having all these tags.
    #[uniffi(default)]
    pub tags_all: Vec<String>,
    /// Having any of these tags.
    #[uniffi(default)]
    pub tags_any: Vec<String>,
    /// Being any of these kinds.
    #[uniffi(default)]
    pub kinds_any: Vec<RelationshipKind>,
    /// Subsidiaries of this company.
    #[uniffi(default = None)]
    pub parent: Option<CompanyId>,
    /// Owned by this user.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Created in this range.
    #[uniffi(default)]
    pub created: TimeRange,
    /// Last changed in this range.
    #[uniffi(default)]
    pub updated: TimeRange,
    /// Tests on any field.
    #[uniffi(default)]
    pub conditions: Vec<Condition>,
}

impl From<CompanyFilter> for crm_core::CompanyFilter {
    fn from(f: CompanyFilter) -> Self {
        crm_core::CompanyFilter {
            archived: f.archived.unwrap_or_default(),
            tags_all: f.tags_all,
            tags_any: f.tags_any,
            kinds_any: f.kinds_any,
            parent: f.parent,
            owner: f.owner,
            created: f.created,
            updated: f.updated,
            conditions: f.conditions,
        }
    }
}

/// A page request for contacts.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ContactQuery {
    /// Which contacts.
    #[uniffi(default)]
    pub filter: ContactFilter,
    /// In which order.
    #[uniffi(default)]
    pub sort: Sort,
    /// How many, 1 to 1,000.
    #[uniffi(default = 50)]
    pub limit: u32,
    /// Where the previous page ended.
    #[uniffi(default = None)]
    pub cursor: Option<String>,
}

impl From<ContactQuery> for crm_core::ContactQuery {
    fn from(q: ContactQuery) -> Self {
        crm_core::ListQuery {
            filter: q.filter.into(),
            sort: q.sort.into(),
            limit: q.limit,
            cursor: q.cursor,
        }
    }
}

/// A page request for companies.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CompanyQuery {
    /// Which companies.
    #[uniffi(default)]
    pub filter: CompanyFilter,
    /// In which order.
    #[uniffi(default)]
    pub sort: Sort,
    /// How many, 1 to 1,000.
    #[uniffi(default = 50)]
    pub limit: u32,
    /// Where the previous page ended.
    #[uniffi(default = None)]
    pub cursor: Option<String>,
}

impl From<CompanyQuery> for crm_core::CompanyQuery {
    fn from(q: CompanyQuery) -> Self {
        crm_core::ListQuery {
            filter: q.filter.into(),
            sort: q.sort.into(),
            limit: q.limit,
            cursor: q.cursor,
        }
    }
}

/// A page of contacts.
pub type ContactPage = crm_core::Page<Contact>;

/// A page of contacts.
#[uniffi::remote(Record)]
pub struct ContactPage {
    /// The contacts.
    pub items: Vec<Contact>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<String>,
}

/// A page of companies.
pub type CompanyPage = crm_core::Page<Company>;

/// A page of companies.
#[uniffi::remote(Record)]
pub struct CompanyPage {
    /// The companies.
    pub items: Vec<Company>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<String>,
}

/// Which leads to list.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct LeadFilter {
    /// Archived leads (excluded when absent).
    #[uniffi(default = None)]
    pub archived: Option<Archived>,
    /// Having all these tags.
    #[uniffi(default)]
    pub tags_all: Vec<String>,
    /// Having any of these tags.
    #[uniffi(default)]
    pub tags_any: Vec<String>,
    /// Having one of these statuses.
    #[uniffi(default)]
    pub statuses_any: Vec<LeadStatus>,
    /// Coming from one of these sources.
    #[uniffi(default)]
    pub sources_any: Vec<LeadSource>,
    /// Scoring at least this much.
    #[uniffi(default = None)]
    pub min_score: Option<u8>,
    /// Owned by this user.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Created in this range.
    #[uniffi(default)]
    pub created: TimeRange,
    /// Last changed in this range.
    #[uniffi(default)]
    pub updated: TimeRange,
    /// Tests on any field.
    #[uniffi(default)]
    pub conditions: Vec<Condition>,
}

impl From<LeadFilter> for crm_core::LeadFilter {
    fn from(f: LeadFilter) -> Self {
        crm_core::LeadFilter {
            archived: f.archived.unwrap_or_default(),
            tags_all: f.tags_all,
            tags_any: f.tags_any,
            statuses_any: f.statuses_any,
            sources_any: f.sources_any,
            min_score: f.min_score,
            owner: f.owner,
            created: f.created,
            updated: f.updated,
            conditions: f.conditions,
        }
    }
}

/// Which deals to list.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct DealFilter {
    /// Archived deals (excluded when absent).
    #[uniffi(default = None)]
    pub archived: Option<Archived>,
    /// Having all these tags.
    #[uniffi(default)]
    pub tags_all: Vec<String>,
    /// Having any of these tags.
    #[uniffi(default)]
    pub tags_any: Vec<String>,
    /// In this pipeline.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// In this stage.
    #[uniffi(default = None)]
    pub stage: Option<StageId>,
    /// Open, won or lost (any of these).
    #[uniffi(default)]
    pub statuses_any: Vec<StageKind>,
    /// With this customer.
    #[uniffi(default = None)]
    pub company: Option<CompanyId>,
    /// With this contact taking part.
    #[uniffi(default = None)]
    pub contact: Option<ContactId>,
    /// Owned by this user.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Created in this range.
    #[uniffi(default)]
    pub created: TimeRange,
    /// Last changed in this range.
    #[uniffi(default)]
    pub updated: TimeRange,
    /// Tests on any field.
    #[uniffi(default)]
    pub conditions: Vec<Condition>,
}

impl From<DealFilter> for crm_core::DealFilter {
    fn from(f: DealFilter) -> Self {
        crm_core::DealFilter {
            archived: f.archived.unwrap_or_default(),
            tags_all: f.tags_all,
            tags_any: f.tags_any,
            pipeline: f.pipeline,
            stage: f.stage,
            statuses_any: f.statuses_any,
            company: f.company,
            contact: f.contact,
            owner: f.owner,
            created: f.created,
            updated: f.updated,
            conditions: f.conditions,
        }
    }
}

/// A page request for leads.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LeadQuery {
    /// Which leads.
    #[uniffi(default)]
    pub filter: LeadFilter,
    /// In which order.
    #[uniffi(default)]
    pub sort: Sort,
    /// How many, 1 to 1,000.
    #[uniffi(default = 50)]
    pub limit: u32,
    /// Where the previous page ended.
    #[uniffi(default = None)]
    pub cursor: Option<String>,
}

impl From<LeadQuery> for crm_core::LeadQuery {
    fn from(q: LeadQuery) -> Self {
        crm_core::ListQuery {
            filter: q.filter.into(),
            sort: q.sort.into(),
            limit: q.limit,
            cursor: q.cursor,
        }
    }
}

/// A page request for deals.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DealQuery {
    /// Which deals.
    #[uniffi(default)]
    pub filter: DealFilter,
    /// In which order.
    #[uniffi(default)]
    pub sort: Sort,
    /// How many, 1 to 1,000.
    #[uniffi(default = 50)]
    pub limit: u32,
    /// Where the previous page ended.
    #[uniffi(default = None)]
    pub cursor: Option<String>,
}

impl From<DealQuery> for crm_core::DealQuery {
    fn from(q: DealQuery) -> Self {
        crm_core::ListQuery {
            filter: q.filter.into(),
            sort: q.sort.into(),
            limit: q.limit,
            cursor: q.cursor,
        }
    }
}

/// How to convert a lead.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct LeadConversion {
    /// The contact it becomes (matched by email when absent).
    #[uniffi(default = None)]
    pub contact: Option<ContactChoice>,
    /// The company it becomes (matched by web domain when absent).
    #[uniffi(default = None)]
    pub company: Option<CompanyChoice>,
    /// A deal to open. Its company and contacts default to those of the conversion, its owner
    /// and source to the lead's.
    #[uniffi(default = None)]
    pub deal: Option<DealInput>,
    /// The id of the user converting it.
    #[uniffi(default = None)]
    pub by: Option<String>,
}

impl From<LeadConversion> for crm_core::LeadConversion {
    fn from(c: LeadConversion) -> Self {
        crm_core::LeadConversion {
            contact: c.contact.unwrap_or_default(),
            company: c.company.unwrap_or_default(),
            deal: c.deal,
            by: c.by,
        }
    }
}

/// Which open deals a forecast counts, and by what period.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ForecastQuery {
    /// Months or quarters (months when absent).
    #[uniffi(default = None)]
    pub period: Option<Period>,
    /// Only this pipeline's deals.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// Only this owner's deals.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Only deals expected to close on or after this day.
    #[uniffi(default = None)]
    pub since: Option<Date>,
    /// Only deals expected to close on or before this day.
    #[uniffi(default = None)]
    pub until: Option<Date>,
}

impl From<ForecastQuery> for crm_core::ForecastQuery {
    fn from(q: ForecastQuery) -> Self {
        crm_core::ForecastQuery {
            period: q.period.unwrap_or_default(),
            pipeline: q.pipeline,
            owner: q.owner,
            since: q.since,
            until: q.until,
        }
    }
}

/// A page of leads.
pub type LeadPage = crm_core::Page<Lead>;

/// A page of leads.
#[uniffi::remote(Record)]
pub struct LeadPage {
    /// The leads.
    pub items: Vec<Lead>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<String>,
}

/// A page of deals.
pub type DealPage = crm_core::Page<Deal>;

/// A page of deals.
#[uniffi::remote(Record)]
pub struct DealPage {
    /// The deals.
    pub items: Vec<Deal>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<String>,
}

/// A full-text query.
#[uniffi::remote(Record)]
pub struct SearchQuery {
    /// What the user typed.
    pub text: String,
    /// Kinds to search; all when empty.
    #[uniffi(default)]
    pub kinds: Vec<RecordKind>,
    /// At most this many results, 1 to 1,000.
    #[uniffi(default = 20)]
    pub limit: u32,
}

/// A search result.
#[uniffi::remote(Record)]
pub struct SearchHit {
    /// The record found.
    pub record: RecordRef,
    /// Its name.
    pub label: String,
    /// Higher is better.
    pub score: u32,
}

/// What an integrity check found.
#[uniffi::remote(Record)]
pub struct IntegrityReport {
    /// Records checked.
    pub records: u64,
    /// Secondary index entries.
    pub index_entries: u64,
    /// Search entries.
    pub search_entries: u64,
    /// Problems, empty when all is well.
    pub problems: Vec<String>,
}

/// How far a long operation has got.
#[uniffi::remote(Record)]
pub struct Progress {
    /// Units done.
    pub done: u64,
    /// Units in all.
    pub total: u64,
}

/// A link between an imported contact and company, by position.
#[uniffi::remote(Record)]
pub struct ImportEmployment {
    /// Position in `contacts`.
    pub contact: u32,
    /// Position in `companies`.
    pub company: u32,
    /// Role towards the firm.
    #[uniffi(default = None)]
    pub role: Option<String>,
    /// Job title.
    #[uniffi(default = None)]
    pub title: Option<String>,
    /// Primary employer.
    #[uniffi(default = false)]
    pub primary: bool,
}

/// Records to import in one transaction.
#[uniffi::remote(Record)]
pub struct ImportData {
    /// Companies.
    #[uniffi(default)]
    pub companies: Vec<CompanyInput>,
    /// Contacts.
    #[uniffi(default)]
    pub contacts: Vec<ContactInput>,
    /// Links between them.
    #[uniffi(default)]
    pub employments: Vec<ImportEmployment>,
}

/// The ids given to imported records, in input order.
#[uniffi::remote(Record)]
pub struct ImportReport {
    /// Companies.
    pub companies: Vec<CompanyId>,
    /// Contacts.
    pub contacts: Vec<ContactId>,
    /// Employments.
    pub employments: Vec<EmploymentId>,
}

// ---- leads ----

/// Where a lead came from.
#[uniffi::remote(Enum)]
pub enum LeadSource {
    /// A form on the firm's web site.
    WebForm,
    /// Recommended by a customer or partner.
    Referral,
    /// Met at a trade fair, conference or meetup.
    Event,
    /// Found by calling.
    ColdCall,
    /// Answered a marketing campaign.
    Campaign,
    /// Answered an advertisement.
    Advertising,
    /// Came through social media.
    SocialMedia,
    /// Brought by a partner.
    Partner,
    /// Anywhere else.
    Other,
}

/// Where a lead is in qualification.
#[uniffi::remote(Enum)]
pub enum LeadStatus {
    /// Captured, not yet worked on.
    New,
    /// Someone has reached out.
    Contacted,
    /// Worth pursuing.
    Qualified,
    /// Not worth pursuing, with a reason.
    Disqualified,
    /// Converted into a contact (and company and deal); set only by converting.
    Converted,
}

/// What a converted lead became.
#[uniffi::remote(Record)]
pub struct Conversion {
    /// The contact it became (absent once that contact is deleted).
    pub contact: Option<ContactId>,
    /// The company, if any.
    pub company: Option<CompanyId>,
    /// The deal opened, if any.
    pub deal: Option<DealId>,
    /// When it was converted.
    pub converted_at: Timestamp,
    /// The id of the user who converted it.
    pub by: Option<String>,
}

/// A stored lead.
#[uniffi::remote(Record)]
pub struct Lead {
    /// The id, `lead_…`.
    pub id: LeadId,
    /// Given name of the person.
    pub given_name: Option<String>,
    /// Family name of the person.
    pub family_name: Option<String>,
    /// The name shown: the person's name, else the company's, else the email.
    pub display_name: String,
    /// The person's email address.
    pub email: Option<String>,
    /// The person's phone number, as captured.
    pub phone: Option<String>,
    /// The person's job title.
    pub job_title: Option<String>,
    /// The company's name, as captured.
    pub company_name: Option<String>,
    /// The company's web domain.
    pub web_domain: Option<String>,
    /// Where the lead came from.
    pub source: Option<LeadSource>,
    /// More about the source: the campaign, the event, who referred it.
    pub source_detail: Option<String>,
    /// Where it is in qualification.
    pub status: LeadStatus,
    /// Why it was disqualified.
    pub disqualified_reason: Option<String>,
    /// How promising it is, from 0 to 100.
    pub score: u8,
    /// The owning user's id.
    pub owner: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom field values.
    pub custom_fields: CustomFields,
    /// What it became, once converted.
    pub conversion: Option<Conversion>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was archived.
    pub archived_at: Option<Timestamp>,
}

/// What to create or replace a lead with; needs a name, a company name or an email address.
#[uniffi::remote(Record)]
pub struct LeadInput {
    /// Given name of the person.
    #[uniffi(default = None)]
    pub given_name: Option<String>,
    /// Family name of the person.
    #[uniffi(default = None)]
    pub family_name: Option<String>,
    /// The person's email address.
    #[uniffi(default = None)]
    pub email: Option<String>,
    /// The person's phone number.
    #[uniffi(default = None)]
    pub phone: Option<String>,
    /// The person's job title.
    #[uniffi(default = None)]
    pub job_title: Option<String>,
    /// The company's name.
    #[uniffi(default = None)]
    pub company_name: Option<String>,
    /// The company's web domain or site address.
    #[uniffi(default = None)]
    pub web_domain: Option<String>,
    /// Where the lead came from.
    #[uniffi(default = None)]
    pub source: Option<LeadSource>,
    /// More about the source.
    #[uniffi(default = None)]
    pub source_detail: Option<String>,
    /// The status; `new` when creating and unchanged when updating if absent.
    #[uniffi(default = None)]
    pub status: Option<LeadStatus>,
    /// Why it was disqualified; required for, and only for, disqualified leads.
    #[uniffi(default = None)]
    pub disqualified_reason: Option<String>,
    /// How promising it is, 0 to 100; 0 when creating and unchanged when updating if absent.
    #[uniffi(default = None)]
    pub score: Option<u8>,
    /// The owning user's id.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Tags.
    #[uniffi(default)]
    pub tags: Vec<String>,
    /// Custom field values by key.
    #[uniffi(default)]
    pub custom_fields: CustomFields,
}

/// Which contact a lead becomes.
#[uniffi::remote(Enum)]
pub enum ContactChoice {
    /// The active contact with the lead's email address, or a new one when there is none.
    MatchByEmail,
    /// A new contact from the lead's details.
    New,
    /// An existing contact.
    Existing {
        /// The contact.
        contact: ContactId,
    },
}

/// Which company a lead becomes.
#[uniffi::remote(Enum)]
pub enum CompanyChoice {
    /// The active company with the lead's web domain, or a new one from its company name when
    /// there is none; no company when the lead has neither.
    MatchByDomain,
    /// A new company from the lead's company name and web domain.
    New,
    /// An existing company.
    Existing {
        /// The company.
        company: CompanyId,
    },
    /// No company.
    Skip,
}

/// The outcome of a conversion.
#[uniffi::remote(Record)]
pub struct ConvertedLead {
    /// The lead, now converted.
    pub lead: Lead,
    /// The contact it became.
    pub contact: Contact,
    /// Whether that contact was created by the conversion.
    pub contact_created: bool,
    /// The company it became, if any.
    pub company: Option<Company>,
    /// Whether that company was created by the conversion.
    pub company_created: bool,
    /// The deal opened, if any.
    pub deal: Option<Deal>,
}

// ---- pipelines and deals ----

/// Whether a stage is open, or closes a deal as won or lost.
#[uniffi::remote(Enum)]
pub enum StageKind {
    /// The deal is still being worked on.
    Open,
    /// The deal was won.
    Won,
    /// The deal was lost.
    Lost,
}

/// A stage of a pipeline.
#[uniffi::remote(Record)]
pub struct Stage {
    /// The id, `stage_…`.
    pub id: StageId,
    /// The name, unique in its pipeline.
    pub name: String,
    /// The chance, in percent, that a deal in this stage is won.
    pub probability: u8,
    /// Open, won or lost.
    pub kind: StageKind,
    /// An open deal that stays longer than this many days is rotten.
    pub rotten_after_days: Option<u32>,
    /// Archived stages take no new deals and hold none.
    pub archived: bool,
}

/// What to add or change a stage with.
#[uniffi::remote(Record)]
pub struct StageInput {
    /// The name, unique in the pipeline (ignoring case and diacritics).
    pub name: String,
    /// The chance, in percent (0 to 100), that a deal in this stage is won.
    pub probability: u8,
    /// Open, won or lost.
    pub kind: StageKind,
    /// For open stages: days after which a deal sitting here is rotten.
    #[uniffi(default = None)]
    pub rotten_after_days: Option<u32>,
}

/// A sales pipeline.
#[uniffi::remote(Record)]
pub struct Pipeline {
    /// The id, `pipeline_…`.
    pub id: PipelineId,
    /// The name.
    pub name: String,
    /// Its stages in order, archived ones included.
    pub stages: Vec<Stage>,
    /// Whether new deals go here when they name no pipeline.
    pub is_default: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What to create a pipeline with.
#[uniffi::remote(Record)]
pub struct PipelineInput {
    /// The name.
    pub name: String,
    /// The stages in order: at least one open, one won and one lost.
    pub stages: Vec<StageInput>,
}

/// A contact taking part in a deal.
#[uniffi::remote(Record)]
pub struct DealContact {
    /// The contact.
    pub contact: ContactId,
    /// Their part in the deal, such as `decision maker`.
    #[uniffi(default = None)]
    pub role: Option<String>,
}

/// A stored deal.
#[uniffi::remote(Record)]
pub struct Deal {
    /// The id, `deal_…`.
    pub id: DealId,
    /// What is being sold to whom.
    pub title: String,
    /// Its pipeline.
    pub pipeline: PipelineId,
    /// Its stage in that pipeline.
    pub stage: StageId,
    /// Open, won or lost: the kind of its stage.
    pub status: StageKind,
    /// The customer.
    pub company: Option<CompanyId>,
    /// The people involved, with their roles.
    pub contacts: Vec<DealContact>,
    /// The owning user's id.
    pub owner: Option<String>,
    /// The value of the deal; its currency is the deal's.
    pub amount: Option<Money>,
    /// When it is expected to close.
    pub expected_close: Option<Date>,
    /// Its own probability in percent, kept across stage changes.
    pub probability_override: Option<u8>,
    /// The probability in effect: the override, or the stage's.
    pub probability: u8,
    /// Where the deal came from.
    pub source: Option<String>,
    /// Why it was lost.
    pub lost_reason: Option<String>,
    /// When it was won or lost; absent while open.
    pub closed_at: Option<Timestamp>,
    /// Its amount in the reporting currency at the rate of the day it closed.
    pub closed_value: Option<Money>,
    /// Its lines, priced.
    pub line_items: Vec<LineItem>,
    /// The sums of its lines; absent without lines.
    pub totals: Option<Totals>,
    /// The price list its products are priced from.
    pub price_list: Option<PriceListId>,
    /// The won deal this one follows up on.
    pub origin: Option<DealId>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom field values.
    pub custom_fields: CustomFields,
    /// When it entered its current stage.
    pub stage_entered_at: Timestamp,
    /// Whether it has sat in its open stage longer than the stage allows.
    pub rotten: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was archived.
    pub archived_at: Option<Timestamp>,
}

/// What to create or replace a deal with.
#[uniffi::remote(Record)]
pub struct DealInput {
    /// What is being sold to whom; required.
    pub title: String,
    /// The pipeline; the default pipeline when absent.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// The stage, of that pipeline; its first open stage when absent.
    #[uniffi(default = None)]
    pub stage: Option<StageId>,
    /// The customer.
    #[uniffi(default = None)]
    pub company: Option<CompanyId>,
    /// The people involved.
    #[uniffi(default)]
    pub contacts: Vec<DealContact>,
    /// The owning user's id.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// The value; not negative. Its currency is the deal's (the lines' when absent).
    #[uniffi(default = None)]
    pub amount: Option<Money>,
    /// When it is expected to close.
    #[uniffi(default = None)]
    pub expected_close: Option<Date>,
    /// The deal's own probability in percent (0 to 100); the stage's when absent.
    #[uniffi(default = None)]
    pub probability: Option<u8>,
    /// Where it came from.
    #[uniffi(default = None)]
    pub source: Option<String>,
    /// Why it was lost.
    #[uniffi(default = None)]
    pub lost_reason: Option<String>,
    /// Its lines; all in the deal's currency.
    #[uniffi(default)]
    pub line_items: Vec<LineItemInput>,
    /// The price list its products are priced from.
    #[uniffi(default = None)]
    pub price_list: Option<PriceListId>,
    /// Tags.
    #[uniffi(default)]
    pub tags: Vec<String>,
    /// Custom field values by key.
    #[uniffi(default)]
    pub custom_fields: CustomFields,
}

/// A move of a deal to another stage of its pipeline.
#[uniffi::remote(Record)]
pub struct DealMove {
    /// The stage to move to.
    pub stage: StageId,
    /// Why it was lost, when the stage is a lost one.
    #[uniffi(default = None)]
    pub lost_reason: Option<String>,
    /// The id of the user making the move.
    #[uniffi(default = None)]
    pub by: Option<String>,
}

/// One change of a deal's stage. (This crate's own record: the core's has a private key.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StageChange {
    /// The deal.
    pub deal: DealId,
    /// The stage it left; absent for the stage it was created in.
    pub from_stage: Option<StageId>,
    /// The stage it entered.
    pub to_stage: StageId,
    /// When.
    pub at: Timestamp,
    /// The id of the user who moved it.
    pub by: Option<String>,
}

impl From<crm_core::StageChange> for StageChange {
    fn from(c: crm_core::StageChange) -> Self {
        StageChange {
            deal: c.deal,
            from_stage: c.from_stage,
            to_stage: c.to_stage,
            at: c.at,
            by: c.by,
        }
    }
}

/// How long a deal has spent in one stage, over all its visits.
#[uniffi::remote(Record)]
pub struct StageTime {
    /// The stage.
    pub stage: StageId,
    /// How many times the deal entered it.
    pub visits: u32,
    /// The time spent in it, in seconds (until now for the current stage).
    pub seconds: u64,
}

/// What a follow-up deal gets beyond what it copies from the won deal.
#[uniffi::remote(Record)]
pub struct FollowUpInput {
    /// What is being sold this time; required.
    pub title: String,
    /// The pipeline; the won deal's when absent.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// The stage; the pipeline's first open stage when absent.
    #[uniffi(default = None)]
    pub stage: Option<StageId>,
    /// The value.
    #[uniffi(default = None)]
    pub amount: Option<Money>,
    /// When it is expected to close.
    #[uniffi(default = None)]
    pub expected_close: Option<Date>,
    /// The owner; the won deal's when absent.
    #[uniffi(default = None)]
    pub owner: Option<String>,
}

// ---- products, line items, quotes ----

/// A product or service sold.
#[uniffi::remote(Record)]
pub struct Product {
    /// The id, `product_…`.
    pub id: ProductId,
    /// The stock-keeping unit, unique ignoring case.
    pub sku: String,
    /// The name shown on quotes.
    pub name: String,
    /// A longer description.
    pub description: Option<String>,
    /// The unit price in each currency it is sold in (one per currency).
    pub prices: Vec<Money>,
    /// The tax rate in basis points (2300 = 23 %).
    pub tax_rate: TaxRate,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was archived; archived products are not offered for new line items.
    pub archived_at: Option<Timestamp>,
}

/// What to create or replace a product with.
#[uniffi::remote(Record)]
pub struct ProductInput {
    /// The stock-keeping unit, unique ignoring case.
    pub sku: String,
    /// The name.
    pub name: String,
    /// A longer description.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// Unit prices, at most one per currency, none negative.
    #[uniffi(default)]
    pub prices: Vec<Money>,
    /// The tax rate in basis points (2300 = 23 %).
    #[uniffi(default = 0)]
    pub tax_rate: TaxRate,
}

/// A product's price in a price list.
#[uniffi::remote(Record)]
pub struct PriceListEntry {
    /// The product.
    pub product: ProductId,
    /// Its unit price, in the list's currency.
    pub unit_price: Money,
}

/// A list of prices in one currency, such as for partners.
#[uniffi::remote(Record)]
pub struct PriceList {
    /// The id, `pricelist_…`.
    pub id: PriceListId,
    /// The name, such as `Partners 2026`.
    pub name: String,
    /// The currency of every price in it.
    pub currency: Currency,
    /// The prices, one per product.
    pub entries: Vec<PriceListEntry>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What to create or replace a price list with.
#[uniffi::remote(Record)]
pub struct PriceListInput {
    /// The name.
    pub name: String,
    /// The currency of every price.
    pub currency: Currency,
    /// The prices, one per product.
    #[uniffi(default)]
    pub entries: Vec<PriceListEntry>,
}

/// A discount on a line.
#[uniffi::remote(Enum)]
pub enum Discount {
    /// A share of the line's subtotal, in basis points (1000 = 10 %, at most 10000).
    Percent {
        /// The share in basis points.
        basis_points: u32,
    },
    /// A fixed amount off the line, in the line's currency, at most its subtotal.
    Amount {
        /// The amount off.
        amount: Money,
    },
}

/// A line to put on a deal.
#[uniffi::remote(Record)]
pub struct LineItemInput {
    /// The product sold, if any (its name, price and tax rate are the defaults).
    #[uniffi(default = None)]
    pub product: Option<ProductId>,
    /// What is sold; required without a product.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// How many; not negative, fractions allowed.
    pub quantity: Decimal,
    /// The price of one unit; the product's (or the deal's price list's) when absent.
    #[uniffi(default = None)]
    pub unit_price: Option<Money>,
    /// A discount on the line.
    #[uniffi(default = None)]
    pub discount: Option<Discount>,
    /// The tax rate in basis points; the product's when absent, else 0.
    #[uniffi(default = None)]
    pub tax_rate: Option<TaxRate>,
}

/// A priced line of a deal or quote.
#[uniffi::remote(Record)]
pub struct LineItem {
    /// The product sold, if any.
    pub product: Option<ProductId>,
    /// What is sold.
    pub description: String,
    /// How many.
    pub quantity: Decimal,
    /// The price of one unit.
    pub unit_price: Money,
    /// The discount given.
    pub discount: Option<Discount>,
    /// The tax rate in basis points.
    pub tax_rate: TaxRate,
    /// Quantity × unit price.
    pub subtotal: Money,
    /// The amount the discount takes off.
    pub discount_amount: Money,
    /// Subtotal less discount.
    pub net: Money,
    /// Tax on the net amount.
    pub tax: Money,
    /// Net plus tax.
    pub gross: Money,
}

/// The sums of a deal's or quote's lines.
#[uniffi::remote(Record)]
pub struct Totals {
    /// The sum of the lines' net amounts.
    pub net: Money,
    /// The sum of the lines' tax.
    pub tax: Money,
    /// The sum of the lines' gross amounts.
    pub gross: Money,
}

/// Where a quote is.
#[uniffi::remote(Enum)]
pub enum QuoteStatus {
    /// Being prepared.
    Draft,
    /// Sent to the customer.
    Sent,
    /// Accepted by the customer.
    Accepted,
    /// Rejected by the customer.
    Rejected,
    /// Sent, and its valid-until date has passed.
    Expired,
}

/// One version of a quote.
#[uniffi::remote(Record)]
pub struct Quote {
    /// The id, `quote_…` (each version has its own).
    pub id: QuoteId,
    /// The deal quoted.
    pub deal: DealId,
    /// The number shown to the customer, `Q-2026-0001`, shared by all versions.
    pub number: String,
    /// The version, from 1.
    pub version: u32,
    /// The status in effect (a sent quote past its date reads as expired).
    pub status: QuoteStatus,
    /// The currency of every amount.
    pub currency: Currency,
    /// The lines offered, as they were on the deal.
    pub line_items: Vec<LineItem>,
    /// Their totals.
    pub totals: Totals,
    /// The last day the offer holds.
    pub valid_until: Date,
    /// Notes for the customer.
    pub notes: Option<String>,
    /// Why the customer rejected it.
    pub rejection_reason: Option<String>,
    /// The later version that replaced this one.
    pub superseded_by: Option<QuoteId>,
    /// When it was sent.
    pub sent_at: Option<Timestamp>,
    /// When it was accepted or rejected.
    pub decided_at: Option<Timestamp>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What a new quote or version gets besides the deal's lines.
#[uniffi::remote(Record)]
pub struct QuoteInput {
    /// The last day the offer holds; not before today.
    pub valid_until: Date,
    /// Notes for the customer.
    #[uniffi(default = None)]
    pub notes: Option<String>,
}

/// How a quote is accepted.
#[uniffi::remote(Record)]
pub struct QuoteAcceptance {
    /// Whether the deal's amount becomes the quote's net total.
    #[uniffi(default = false)]
    pub set_deal_amount: bool,
}

/// The rate of a currency pair from a date on.
#[uniffi::remote(Record)]
pub struct ExchangeRate {
    /// The first day the rate applies (until the pair's next rate).
    pub date: Date,
    /// The currency priced.
    pub base: Currency,
    /// The currency it is priced in.
    pub quote: Currency,
    /// How many units of `quote` one unit of `base` is worth; more than zero.
    pub rate: Decimal,
}

// ---- reports ----

/// The open deals of one stage.
#[uniffi::remote(Record)]
pub struct StageValue {
    /// The stage.
    pub stage: StageId,
    /// Its name.
    pub name: String,
    /// Its probability in percent.
    pub probability: u8,
    /// How many open deals are in it.
    pub deals: u64,
    /// The sum of their amounts.
    pub value: Money,
    /// The sum of amount × probability.
    pub weighted: Money,
}

/// The open value of one pipeline, in the reporting currency.
#[uniffi::remote(Record)]
pub struct PipelineValue {
    /// The pipeline.
    pub pipeline: PipelineId,
    /// Its name.
    pub name: String,
    /// Its active open stages, in order.
    pub stages: Vec<StageValue>,
    /// How many open deals it holds.
    pub deals: u64,
    /// The sum of their amounts.
    pub value: Money,
    /// The sum of amount × probability.
    pub weighted: Money,
    /// Open deals whose amount could not be converted (left out of the sums).
    pub unpriced: Vec<DealId>,
}

/// The length of a forecast's periods.
#[uniffi::remote(Enum)]
pub enum Period {
    /// Calendar months, named `2026-11`.
    Month,
    /// Calendar quarters, named `2026-Q4`.
    Quarter,
}

/// One owner's share of a forecast period.
#[uniffi::remote(Record)]
pub struct OwnerForecast {
    /// The owner; absent for deals without one.
    pub owner: Option<String>,
    /// How many deals.
    pub deals: u64,
    /// The sum of their amounts.
    pub value: Money,
    /// The sum of amount × probability.
    pub weighted: Money,
}

/// The deals expected to close in one period.
#[uniffi::remote(Record)]
pub struct ForecastPeriod {
    /// The period's name: `2026-11` or `2026-Q4`.
    pub period: String,
    /// Its first day.
    pub starts: Date,
    /// How many deals.
    pub deals: u64,
    /// The sum of their amounts.
    pub value: Money,
    /// The sum of amount × probability.
    pub weighted: Money,
    /// The same per owner, by owner (deals without an owner last).
    pub owners: Vec<OwnerForecast>,
}

/// The weighted forecast of open deals.
#[uniffi::remote(Record)]
pub struct Forecast {
    /// The reporting currency of every amount.
    pub currency: Currency,
    /// The periods holding deals, in order.
    pub periods: Vec<ForecastPeriod>,
    /// Open deals (matching the query) without an expected close date.
    pub undated: u64,
    /// Deals whose amount could not be converted (left out of the sums).
    pub unpriced: Vec<DealId>,
}

/// A grouping of win rates.
#[uniffi::remote(Enum)]
pub enum GroupBy {
    /// By the deal's owner.
    Owner,
    /// By the deal's pipeline.
    Pipeline,
    /// By the deal's source.
    Source,
}

/// Which closed deals a win rate counts.
#[uniffi::remote(Record)]
pub struct WinRateQuery {
    /// Deals closed in this range.
    #[uniffi(default)]
    pub closed: TimeRange,
    /// Only this pipeline's deals.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// A grouping besides the overall figure.
    #[uniffi(default = None)]
    pub group_by: Option<GroupBy>,
}

/// Won and lost deals of a group.
#[uniffi::remote(Record)]
pub struct WinRate {
    /// The owner, pipeline id or source of the group; absent for the overall figure and for
    /// deals without one.
    pub group: Option<String>,
    /// Deals won.
    pub won: u64,
    /// Deals lost.
    pub lost: u64,
    /// won / (won + lost), in percent with two decimals; absent without closed deals.
    pub win_rate: Option<Decimal>,
}

/// Win rates overall and per group.
#[uniffi::remote(Record)]
pub struct WinRates {
    /// Every deal counted.
    pub overall: WinRate,
    /// Per group, by group (deals without one last); empty without `group_by`.
    pub groups: Vec<WinRate>,
}

/// Which closed deals the sales cycle measures.
#[uniffi::remote(Record)]
pub struct SalesCycleQuery {
    /// Deals closed in this range.
    #[uniffi(default)]
    pub closed: TimeRange,
    /// Only this pipeline's deals.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
}

/// The average time closed deals spent in a stage.
#[uniffi::remote(Record)]
pub struct StageDuration {
    /// The pipeline.
    pub pipeline: PipelineId,
    /// The stage.
    pub stage: StageId,
    /// Its name.
    pub name: String,
    /// How many of the closed deals passed through it.
    pub deals: u64,
    /// Their average total time in it, in days.
    pub average_days: Decimal,
}

/// How long deals take to close, and pipeline velocity.
#[uniffi::remote(Record)]
pub struct SalesCycle {
    /// The reporting currency of every amount.
    pub currency: Currency,
    /// Won deals measured.
    pub won: u64,
    /// Lost deals in the same range.
    pub lost: u64,
    /// Average days from creation to close of the won deals.
    pub average_days: Option<Decimal>,
    /// Median days from creation to close of the won deals.
    pub median_days: Option<Decimal>,
    /// Average time the closed deals spent in each open stage they passed through.
    pub stages: Vec<StageDuration>,
    /// Open deals now (in the pipeline asked for).
    pub open_deals: u64,
    /// The average value of the won deals.
    pub average_won_value: Option<Money>,
    /// won / (won + lost) in percent.
    pub win_rate: Option<Decimal>,
    /// Open deals × average won value × win rate ÷ average cycle days, as money per day.
    pub velocity_per_day: Option<Money>,
    /// Won deals whose value could not be converted (left out of the values).
    pub unpriced: Vec<DealId>,
}

/// Open deals expected to close between two days.
#[uniffi::remote(Record)]
pub struct ClosingQuery {
    /// The first day.
    pub since: Date,
    /// The last day (included).
    pub until: Date,
    /// Only this owner's deals.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Only this pipeline's deals.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
}

/// One owner's row of the leaderboard.
#[uniffi::remote(Record)]
pub struct LeaderboardRow {
    /// The owner; absent for deals without one.
    pub owner: Option<String>,
    /// Deals won.
    pub won: u64,
    /// Their value.
    pub won_value: Money,
    /// Deals lost.
    pub lost: u64,
    /// won / (won + lost) in percent.
    pub win_rate: Option<Decimal>,
}

/// Owners ranked by the value of the deals they won.
#[uniffi::remote(Record)]
pub struct Leaderboard {
    /// The reporting currency of every amount.
    pub currency: Currency,
    /// By won value, then deals won, then owner.
    pub rows: Vec<LeaderboardRow>,
    /// Won deals whose value could not be converted (left out of the values).
    pub unpriced: Vec<DealId>,
}

// ---- activities ----

/// What kind of exchange an activity is.
#[uniffi::remote(Enum)]
pub enum ActivityKind {
    /// A phone or video call.
    Call,
    /// A meeting.
    Meeting,
    /// A task: something to do by a due date.
    Task,
    /// A note.
    Note,
    /// An email.
    Email,
    /// Anything else; `other_kind` names it.
    Other,
}

/// Where an activity stands.
#[uniffi::remote(Enum)]
pub enum ActivityStatus {
    /// To happen, or to do.
    Planned,
    /// Happened, or done.
    Done,
    /// Called off.
    Cancelled,
}

/// The channel an exchange went through.
#[uniffi::remote(Enum)]
pub enum Channel {
    /// Email.
    Email,
    /// Telephone.
    Phone,
    /// Live chat.
    Chat,
    /// Social networks.
    Social,
    /// A form on a web site.
    WebForm,
    /// Face to face.
    InPerson,
    /// Messaging apps and text messages.
    Messaging,
    /// The firm's mobile app.
    MobileApp,
    /// Post.
    Letter,
    /// Any other channel.
    Other,
}

/// Who started an exchange.
#[uniffi::remote(Enum)]
pub enum InteractionDirection {
    /// From the customer to the firm.
    Inbound,
    /// From the firm to the customer.
    Outbound,
}

/// How urgent a task is.
#[uniffi::remote(Enum)]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    Normal,
    /// First.
    High,
}

/// A participant's answer to an invitation.
#[uniffi::remote(Enum)]
pub enum ParticipantStatus {
    /// Not answered yet.
    NeedsAction,
    /// Coming.
    Accepted,
    /// Maybe coming.
    Tentative,
    /// Not coming.
    Declined,
}

/// Someone taking part in an activity: a contact, a user of the app, or a guest known only
/// by an email address. Exactly one of `contact`, `user` and `email` is set.
#[uniffi::remote(Record)]
pub struct Participant {
    /// A contact.
    pub contact: Option<ContactId>,
    /// The id of a user.
    pub user: Option<String>,
    /// A guest's email address.
    pub email: Option<String>,
    /// A guest's display name.
    pub name: Option<String>,
    /// Their answer to the invitation.
    pub status: ParticipantStatus,
}

/// How often a recurring event repeats.
#[uniffi::remote(Enum)]
pub enum Frequency {
    /// Every `interval` days.
    Daily,
    /// Every `interval` weeks (weeks start on Monday).
    Weekly,
    /// Every `interval` months.
    Monthly,
    /// Every `interval` years.
    Yearly,
}

/// A day of the week.
#[uniffi::remote(Enum)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

/// When a recurring event repeats: a subset of RFC 5545's RRULE, read in the event's time
/// zone. `daily`: every `interval` days (only on `weekdays` if given); `weekly`: every
/// `interval` weeks on `weekdays` (the start's weekday when empty); `monthly`: on the start's
/// day of the month, or on `weekdays` of the month (the `position`-th of them, 1 = first,
/// -1 = last); `yearly`: on the start's month and day. The first instance is the event's own
/// start; `until` (inclusive) or `count` ends the series.
#[uniffi::remote(Record)]
pub struct Recurrence {
    /// How often.
    pub frequency: Frequency,
    /// Every how many days, weeks, months or years.
    #[uniffi(default = 1)]
    pub interval: u32,
    /// The weekdays it falls on.
    #[uniffi(default)]
    pub weekdays: Vec<Weekday>,
    /// With `monthly` and `weekdays`: which of those weekdays of the month (1 to 5, or -1 to
    /// -5 counting from the end).
    #[uniffi(default = None)]
    pub position: Option<i8>,
    /// The last instant an instance may start at (inclusive).
    #[uniffi(default = None)]
    pub until: Option<Timestamp>,
    /// How many instances the rule generates.
    #[uniffi(default = None)]
    pub count: Option<u32>,
    /// Starts of removed instances.
    #[uniffi(default)]
    pub exceptions: Vec<Timestamp>,
}

/// A stored activity.
#[uniffi::remote(Record)]
pub struct Activity {
    /// The id, `activity_…`.
    pub id: ActivityId,
    /// What kind of exchange it is.
    pub kind: ActivityKind,
    /// The name of an `other` kind, such as `site visit`.
    pub other_kind: Option<String>,
    /// A one-line summary.
    pub subject: String,
    /// Notes, the text of an email, minutes.
    pub body: Option<String>,
    /// The id of the user it belongs to.
    pub owner: Option<String>,
    /// Who takes part.
    pub participants: Vec<Participant>,
    /// When it starts (or started).
    pub starts_at: Option<Timestamp>,
    /// When it ends.
    pub ends_at: Option<Timestamp>,
    /// Whether it takes whole days (its times are then midnights in its time zone).
    pub all_day: bool,
    /// When a task is due.
    pub due_at: Option<Timestamp>,
    /// The IANA time zone its local times are in; UTC when absent.
    pub time_zone: Option<String>,
    /// Where it takes place.
    pub location: Option<String>,
    /// Planned, done or cancelled.
    pub status: ActivityStatus,
    /// When it was marked done.
    pub completed_at: Option<Timestamp>,
    /// What came of it, such as `call back` or `interested`.
    pub outcome: Option<String>,
    /// The channel it went through.
    pub channel: Option<Channel>,
    /// Who started it.
    pub direction: Option<InteractionDirection>,
    /// How urgent it is.
    pub priority: Priority,
    /// The records it concerns; it appears on each one's timeline.
    pub links: Vec<RecordRef>,
    /// The calendar it sits in.
    pub calendar: Option<CalendarId>,
    /// Reminders, in minutes before the start (or the due time of a task).
    pub reminders: Vec<u32>,
    /// How it repeats.
    pub recurrence: Option<Recurrence>,
    /// The activity whose completion created this one.
    pub follows: Option<ActivityId>,
    /// Its iCalendar `UID`.
    pub ical_uid: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

// The records below are this crate's own, for the enum fields the core's serde form lets a
// caller leave out (uniffi cannot give an enum field a default): optional here, absent = the
// core's default.

/// Someone to take part in an activity; exactly one of `contact`, `user` and `email`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ParticipantInput {
    /// A contact.
    #[uniffi(default = None)]
    pub contact: Option<ContactId>,
    /// The id of a user.
    #[uniffi(default = None)]
    pub user: Option<String>,
    /// A guest's email address.
    #[uniffi(default = None)]
    pub email: Option<String>,
    /// A guest's display name.
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// Their answer to the invitation (not answered yet when absent).
    #[uniffi(default = None)]
    pub status: Option<ParticipantStatus>,
}

impl From<ParticipantInput> for crm_core::Participant {
    fn from(p: ParticipantInput) -> Self {
        crm_core::Participant {
            contact: p.contact,
            user: p.user,
            email: p.email,
            name: p.name,
            status: p.status.unwrap_or_default(),
        }
    }
}

/// What to create or replace an activity with.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActivityInput {
    /// What kind of exchange (a note when absent).
    #[uniffi(default = None)]
    pub kind: Option<ActivityKind>,
    /// The name of an `other` kind (only with `other`).
    #[uniffi(default = None)]
    pub other_kind: Option<String>,
    /// A one-line summary; required.
    pub subject: String,
    /// Notes, text, minutes.
    #[uniffi(default = None)]
    pub body: Option<String>,
    /// The id of the user it belongs to.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Who takes part.
    #[uniffi(default)]
    pub participants: Vec<ParticipantInput>,
    /// When it starts.
    #[uniffi(default = None)]
    pub starts_at: Option<Timestamp>,
    /// When it ends; needs `starts_at`, not before it, at most 366 days after it.
    #[uniffi(default = None)]
    pub ends_at: Option<Timestamp>,
    /// Whether it takes whole days (its times must then be midnights in its time zone).
    #[uniffi(default = false)]
    pub all_day: bool,
    /// When a task is due.
    #[uniffi(default = None)]
    pub due_at: Option<Timestamp>,
    /// The IANA time zone of its local times.
    #[uniffi(default = None)]
    pub time_zone: Option<String>,
    /// Where it takes place.
    #[uniffi(default = None)]
    pub location: Option<String>,
    /// Planned unless given.
    #[uniffi(default = None)]
    pub status: Option<ActivityStatus>,
    /// What came of it.
    #[uniffi(default = None)]
    pub outcome: Option<String>,
    /// The channel; for calls `phone`, emails `email` and meetings `in_person` when absent.
    #[uniffi(default = None)]
    pub channel: Option<Channel>,
    /// Who started it.
    #[uniffi(default = None)]
    pub direction: Option<InteractionDirection>,
    /// How urgent it is (`normal` when absent).
    #[uniffi(default = None)]
    pub priority: Option<Priority>,
    /// The records it concerns; each must exist.
    #[uniffi(default)]
    pub links: Vec<RecordRef>,
    /// The calendar it sits in; it must exist, and the activity needs a start.
    #[uniffi(default = None)]
    pub calendar: Option<CalendarId>,
    /// Reminders, in minutes before the start or due time (at most 4 weeks).
    #[uniffi(default)]
    pub reminders: Vec<u32>,
    /// How it repeats; needs `starts_at`.
    #[uniffi(default = None)]
    pub recurrence: Option<Recurrence>,
    /// Its iCalendar `UID`.
    #[uniffi(default = None)]
    pub ical_uid: Option<String>,
}

impl From<ActivityInput> for crm_core::ActivityInput {
    fn from(i: ActivityInput) -> Self {
        let default = crm_core::ActivityInput::default();
        crm_core::ActivityInput {
            kind: i.kind.unwrap_or(default.kind),
            other_kind: i.other_kind,
            subject: i.subject,
            body: i.body,
            owner: i.owner,
            participants: i.participants.into_iter().map(Into::into).collect(),
            starts_at: i.starts_at,
            ends_at: i.ends_at,
            all_day: i.all_day,
            due_at: i.due_at,
            time_zone: i.time_zone,
            location: i.location,
            status: i.status,
            outcome: i.outcome,
            channel: i.channel,
            direction: i.direction,
            priority: i.priority,
            links: i.links,
            calendar: i.calendar,
            reminders: i.reminders,
            recurrence: i.recurrence,
            ical_uid: i.ical_uid,
        }
    }
}

/// A participant's answer to an invitation, naming them as in `Participant`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ParticipantResponse {
    /// The contact answering.
    #[uniffi(default = None)]
    pub contact: Option<ContactId>,
    /// The user answering.
    #[uniffi(default = None)]
    pub user: Option<String>,
    /// The guest answering, by email address.
    #[uniffi(default = None)]
    pub email: Option<String>,
    /// The answer (not answered yet when absent).
    #[uniffi(default = None)]
    pub status: Option<ParticipantStatus>,
}

impl From<ParticipantResponse> for crm_core::ParticipantResponse {
    fn from(r: ParticipantResponse) -> Self {
        crm_core::ParticipantResponse {
            contact: r.contact,
            user: r.user,
            email: r.email,
            status: r.status.unwrap_or_default(),
        }
    }
}

/// The activity a completion plans next. It copies the completed one's links, participants
/// (their answers reset), owner, channel, time zone, calendar and reminders.
#[uniffi::remote(Record)]
pub struct NextActivity {
    /// Its kind; the completed activity's when absent.
    #[uniffi(default = None)]
    pub kind: Option<ActivityKind>,
    /// Its subject; the completed activity's when absent.
    #[uniffi(default = None)]
    pub subject: Option<String>,
    /// Its body.
    #[uniffi(default = None)]
    pub body: Option<String>,
    /// How many days after the completion it is planned (a task is due then, anything else
    /// starts then, lasting as long as the completed one).
    #[uniffi(default = 0)]
    pub in_days: u32,
    /// The exact instant instead of `in_days`.
    #[uniffi(default = None)]
    pub at: Option<Timestamp>,
    /// Its owner; the completed activity's when absent.
    #[uniffi(default = None)]
    pub owner: Option<String>,
}

/// What completing an activity records, and the activity it leads to.
#[uniffi::remote(Record)]
pub struct Completion {
    /// What came of it; the activity's own outcome is kept when absent.
    #[uniffi(default = None)]
    pub outcome: Option<String>,
    /// The next activity to plan, which will follow this one.
    #[uniffi(default = None)]
    pub next: Option<NextActivity>,
}

/// A completed activity and the one planned after it.
#[uniffi::remote(Record)]
pub struct CompletedActivity {
    /// The completed activity.
    pub activity: Activity,
    /// The follow-up, when one was asked for.
    pub next: Option<Activity>,
}

/// Which of an owner's tasks to list.
#[uniffi::remote(Enum)]
pub enum TaskList {
    /// Every planned task, soonest due first (tasks without a due time last).
    Open,
    /// Planned tasks whose due time has passed, oldest first.
    Overdue,
    /// Planned tasks due today (in the query's time zone), including those already past.
    DueToday,
    /// Done tasks, most recently done first.
    Done,
}

/// A list of one owner's tasks.
#[uniffi::remote(Record)]
pub struct TaskQuery {
    /// The owner's user id.
    pub owner: String,
    /// Which tasks.
    pub list: TaskList,
    /// The IANA time zone that says when today starts; UTC when absent.
    #[uniffi(default = None)]
    pub time_zone: Option<String>,
}

// ---- calendars ----

/// A stored calendar.
#[uniffi::remote(Record)]
pub struct Calendar {
    /// The id, `calendar_…`.
    pub id: CalendarId,
    /// Its name.
    pub name: String,
    /// The user whose calendar it is (or who manages a team calendar).
    pub owner: Option<String>,
    /// The users of a team calendar; empty for a personal one.
    pub members: Vec<String>,
    /// The IANA time zone it shows and imports floating times in.
    pub time_zone: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What to create or replace a calendar with.
#[uniffi::remote(Record)]
pub struct CalendarInput {
    /// Its name; required.
    pub name: String,
    /// The user whose calendar it is; a personal calendar (without members) needs one.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// The users of a team calendar.
    #[uniffi(default)]
    pub members: Vec<String>,
    /// An IANA time zone; UTC when absent.
    #[uniffi(default = None)]
    pub time_zone: Option<String>,
}

/// The events of a calendar or a user in a range: from `from` (included) to `until`
/// (excluded).
#[uniffi::remote(Record)]
pub struct AgendaQuery {
    /// A calendar's events; give this or `user`.
    #[uniffi(default = None)]
    pub calendar: Option<CalendarId>,
    /// A user's events (owned, or taking part without having declined); give this or
    /// `calendar`.
    #[uniffi(default = None)]
    pub user: Option<String>,
    /// The first instant of the range.
    pub from: Timestamp,
    /// The first instant after the range.
    pub until: Timestamp,
    /// Whether cancelled events are listed too.
    #[uniffi(default = false)]
    pub include_cancelled: bool,
}

/// One occurrence of an event in a range (a repeating event has one per instance).
#[uniffi::remote(Record)]
pub struct EventInstance {
    /// The activity.
    pub activity: Activity,
    /// When this occurrence starts (a task's due time).
    pub starts_at: Timestamp,
    /// When it ends.
    pub ends_at: Timestamp,
}

/// A user's busy times over a range.
#[uniffi::remote(Record)]
pub struct FreeBusyQuery {
    /// The user.
    pub user: String,
    /// The first instant of the range.
    pub from: Timestamp,
    /// The first instant after the range.
    pub until: Timestamp,
}

/// A stretch of time: an occurrence of an event, or a time a user is busy.
#[uniffi::remote(Record)]
pub struct TimeSpan {
    /// When it starts.
    pub starts_at: Timestamp,
    /// When it ends.
    pub ends_at: Timestamp,
}

/// Which reminders to list.
#[uniffi::remote(Record)]
pub struct ReminderQuery {
    /// The first instant of the range.
    pub from: Timestamp,
    /// The first instant after the range.
    pub until: Timestamp,
    /// Only the reminders of this user's activities.
    #[uniffi(default = None)]
    pub owner: Option<String>,
}

/// A reminder that falls due.
#[uniffi::remote(Record)]
pub struct DueReminder {
    /// When to remind.
    pub remind_at: Timestamp,
    /// The activity.
    pub activity: ActivityId,
    /// Its subject.
    pub subject: String,
    /// Its owner, who is reminded.
    pub owner: Option<String>,
    /// The start (or due time) of the occurrence it reminds of.
    pub starts_at: Timestamp,
    /// How long before it, in minutes.
    pub minutes_before: u32,
}

/// What to export as iCalendar.
#[uniffi::remote(Record)]
pub struct IcalExport {
    /// The calendar.
    pub calendar: CalendarId,
    /// Only events with an occurrence from this instant on.
    #[uniffi(default = None)]
    pub from: Option<Timestamp>,
    /// Only events with an occurrence before this instant.
    #[uniffi(default = None)]
    pub until: Option<Timestamp>,
}

/// A part of an iCalendar file that was not imported (or only approximately), and why.
#[uniffi::remote(Record)]
pub struct IcalSkipped {
    /// The 1-based line of the file where the component or property starts.
    pub line: u32,
    /// The component concerned: `VEVENT`, `VTODO`, `VALARM`, …
    pub component: String,
    /// The `UID` of the event or task concerned, when it has one.
    pub uid: Option<String>,
    /// Why it was not imported, or how it was approximated.
    pub reason: String,
}

/// What importing an iCalendar file did.
#[uniffi::remote(Record)]
pub struct IcalImportReport {
    /// The activities created, in file order.
    pub created: Vec<ActivityId>,
    /// The activities updated (their UID was already known), in file order.
    pub updated: Vec<ActivityId>,
    /// What was left out or approximated, and why.
    pub skipped: Vec<IcalSkipped>,
}

// ---- timelines and journeys ----

/// A change to a record made through an operation. (This crate's own record: the core's has
/// a private key.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecordChange {
    /// The record that changed.
    pub record: RecordRef,
    /// When.
    pub at: Timestamp,
    /// The names of the fields that changed (`archived_at` for archiving and restoring,
    /// `tags` for tagging).
    pub fields: Vec<String>,
    /// The stage before (a contact's lifecycle stage, a lead's status), when it changed.
    pub stage_from: Option<String>,
    /// The stage after, when it changed.
    pub stage_to: Option<String>,
}

impl From<crm_core::RecordChange> for RecordChange {
    fn from(c: crm_core::RecordChange) -> Self {
        RecordChange {
            record: c.record,
            at: c.at,
            fields: c.fields,
            stage_from: c.stage_from,
            stage_to: c.stage_to,
        }
    }
}

/// One page of a record's timeline.
#[uniffi::remote(Record)]
pub struct TimelineQuery {
    /// The record.
    pub record: RecordRef,
    /// At most this many entries, 1 to 1,000.
    #[uniffi(default = 50)]
    pub limit: u32,
    /// Where the previous page ended (its `next_cursor`).
    #[uniffi(default = None)]
    pub cursor: Option<String>,
    /// Oldest first instead of newest first.
    #[uniffi(default = false)]
    pub oldest_first: bool,
}

/// What a timeline entry is.
#[uniffi::remote(Enum)]
pub enum TimelineEntryKind {
    /// The record was created.
    Created,
    /// An activity (`activity` is set).
    Activity,
    /// A deal changed stage (`stage_change` is set).
    StageChange,
    /// The record's fields changed (`change` is set).
    Change,
}

/// One entry of a timeline. (This crate's own record: the core's holds records with private
/// keys.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimelineEntry {
    /// When it happened (an activity's start, else due time, else completion, else creation).
    pub at: Timestamp,
    /// What it is.
    pub kind: TimelineEntryKind,
    /// The activity, for activity entries.
    pub activity: Option<Activity>,
    /// The stage change, for stage change entries.
    pub stage_change: Option<StageChange>,
    /// The change, for change entries.
    pub change: Option<RecordChange>,
}

impl From<crm_core::TimelineEntry> for TimelineEntry {
    fn from(e: crm_core::TimelineEntry) -> Self {
        TimelineEntry {
            at: e.at,
            kind: e.kind,
            activity: e.activity,
            stage_change: e.stage_change.map(Into::into),
            change: e.change.map(Into::into),
        }
    }
}

/// A timeline page. (This crate's own record, holding its own entries.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimelinePage {
    /// The entries of this page.
    pub items: Vec<TimelineEntry>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<String>,
}

impl From<crm_core::TimelinePage> for TimelinePage {
    fn from(p: crm_core::TimelinePage) -> Self {
        TimelinePage {
            items: p.items.into_iter().map(Into::into).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// One exchange with a contact on its journey.
#[uniffi::remote(Record)]
pub struct Touchpoint {
    /// When it happened.
    pub at: Timestamp,
    /// The activity.
    pub activity: ActivityId,
    /// Its kind.
    pub kind: ActivityKind,
    /// Its channel.
    pub channel: Channel,
    /// Who started it.
    pub direction: Option<InteractionDirection>,
    /// Its subject.
    pub subject: String,
    /// The contact's lifecycle stage at that time.
    pub stage: Option<String>,
}

/// How many touchpoints went through one channel.
#[uniffi::remote(Record)]
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// The number of touchpoints.
    pub count: u64,
}

/// A contact's journey: every done exchange with a channel, oldest first.
#[uniffi::remote(Record)]
pub struct Journey {
    /// The contact.
    pub contact: ContactId,
    /// The touchpoints, oldest first.
    pub touchpoints: Vec<Touchpoint>,
    /// Touchpoints per channel, for the channels used, in channel order.
    pub channels: Vec<ChannelCount>,
    /// The first touchpoint.
    pub first_touch: Option<Touchpoint>,
    /// The latest touchpoint.
    pub last_touch: Option<Touchpoint>,
}

// ---- callbacks and options ----

/// Receives the progress of a long operation (import, backup).
#[uniffi::export(foreign)]
pub trait ProgressListener: Send + Sync {
    /// Called along the way; return `false` to cancel (nothing is then written).
    fn on_progress(&self, progress: Progress) -> bool;
}

/// Turns an optional listener into the core's callback.
fn listener(l: Option<Arc<dyn ProgressListener>>) -> impl FnMut(Progress) -> bool {
    move |p| l.as_ref().is_none_or(|l| l.on_progress(p))
}

/// A number of milliseconds as a duration; refused when too large.
fn duration_millis(field: &str, millis: u64) -> R<Duration> {
    i64::try_from(millis)
        .ok()
        .and_then(Duration::try_milliseconds)
        .ok_or_else(|| CrmError::Validation {
            field: field.into(),
            reason: "is too large".into(),
        })
}

/// How to open a CRM. Every field is optional.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct OpenOptions {
    /// Start a manual clock at this instant instead of reading the system clock (for tests);
    /// `Crm.advance_clock` moves it.
    #[uniffi(default = None)]
    pub clock_start: Option<Timestamp>,
    /// With `clock_start`: how far the clock moves after each reading, in milliseconds.
    #[uniffi(default = 0)]
    pub clock_step_millis: u64,
    /// Use sequential ids instead of random ones (for tests).
    #[uniffi(default = false)]
    pub sequential_ids: bool,
    /// The country national phone numbers are read in, such as `PL`.
    #[uniffi(default = None)]
    pub default_phone_region: Option<String>,
    /// The page cache size in bytes.
    #[uniffi(default = None)]
    pub cache_size: Option<u64>,
}

/// The core's builder for these options, and the manual clock `clock_start` asked for, if
/// any (kept so that `advance_clock` can move it).
fn builder(
    o: Option<OpenOptions>,
) -> R<(crm_core::CrmBuilder, Option<Arc<crm_core::ManualClock>>)> {
    let o = o.unwrap_or_default();
    let mut b = crm_core::Crm::builder();
    let mut clock = None;
    if let Some(start) = o.clock_start {
        let step = duration_millis("clock_step_millis", o.clock_step_millis)?;
        let manual = Arc::new(crm_core::ManualClock::stepping(start, step));
        b = b.clock(manual.clone());
        clock = Some(manual);
    }
    if o.sequential_ids {
        b = b.id_source(Arc::new(crm_core::SequentialIds::new()));
    }
    if let Some(region) = &o.default_phone_region {
        b = b.default_phone_region(region);
    }
    if let Some(bytes) = o.cache_size {
        b = b.cache_size(usize::try_from(bytes).unwrap_or(usize::MAX));
    }
    Ok((b, clock))
}

/// Every operation of `Crm` by its Rust (snake_case) name; the scenario runners check that
/// the binding has a method for each.
#[uniffi::export]
pub fn operations() -> Vec<String> {
    crm_core::OPERATIONS.iter().map(|s| s.to_string()).collect()
}

// ---- the CRM ----

/// An open CRM. Safe to share between threads; every method is one transaction.
#[derive(uniffi::Object)]
pub struct Crm {
    inner: crm_core::Crm,
    /// The manual clock it reads, when opened with one.
    clock: Option<Arc<crm_core::ManualClock>>,
}

type R<T> = Result<T, CrmError>;

#[uniffi::export]
impl Crm {
    /// Opens (or creates) the CRM file at `path`.
    #[uniffi::constructor(default(options = None))]
    pub fn open(path: String, options: Option<OpenOptions>) -> R<Arc<Self>> {
        let (b, clock) = builder(options)?;
        Ok(Arc::new(Crm {
            inner: b.open(path)?,
            clock,
        }))
    }

    /// Opens a new CRM in memory.
    #[uniffi::constructor(default(options = None))]
    pub fn open_in_memory(options: Option<OpenOptions>) -> R<Arc<Self>> {
        let (b, clock) = builder(options)?;
        Ok(Arc::new(Crm {
            inner: b.open_in_memory()?,
            clock,
        }))
    }

    /// Opens an in-memory CRM holding a copy of a backup.
    #[uniffi::constructor(default(options = None))]
    pub fn open_bytes(bytes: Vec<u8>, options: Option<OpenOptions>) -> R<Arc<Self>> {
        let (b, clock) = builder(options)?;
        Ok(Arc::new(Crm {
            inner: b.open_bytes(bytes)?,
            clock,
        }))
    }

    /// Moves the manual clock that `clock_start` started forward by `millis` milliseconds
    /// (time passing, for tests: deals rot, quotes expire) and returns the instant it now
    /// stands at, the next one an operation reads; `advance_clock(0)` only reads it. To reopen
    /// a backup on continuous time, give that instant as the new CRM's `clock_start`. Refused
    /// with a validation error on `clock_start` when the CRM reads the system clock.
    pub fn advance_clock(&self, millis: u64) -> R<Timestamp> {
        let clock = self.clock.as_ref().ok_or_else(|| CrmError::Validation {
            field: "clock_start".into(),
            reason: "the CRM was opened without a manual clock".into(),
        })?;
        Ok(clock.advance_and_peek(duration_millis("millis", millis)?))
    }
}

// The operations of crm-core's tables, one per group, written from them by `crm_macros`: same
// names, parameters and docs as the core's, each one line over `self.inner` (see the crate docs
// of crm-macros for how types map).
crm_core::people_operations!(crm_macros::uniffi_operations);
crm_core::sales_operations!(crm_macros::uniffi_operations);
crm_core::activities_operations!(crm_macros::uniffi_operations);
crm_core::records_operations!(crm_macros::uniffi_operations);
crm_core::maintenance_operations!(crm_macros::uniffi_operations);
