//! uniffi bindings of crm-core for Kotlin, Swift and Python.
//!
//! This crate only translates. The records below are *remote* definitions: they restate the
//! fields of the core's own types so that uniffi can pass those types across the boundary
//! directly (a field added in the core and not here fails to compile). Types that travel in
//! another form are custom types: ids, record references, currencies and decimals as strings,
//! dates as `YYYY-MM-DD` strings, instants as the platform's timestamp type. Every method of
//! [`Crm`] is one call to `crm_core::Crm`; errors are mapped once, in `From<crm_core::Error>`.
//! A panic anywhere below an exported call is caught by uniffi and raised as the language's
//! internal error, never an abort.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::Duration;
use crm_core::{
    Address, Archived, Company, CompanyId, CompanyInput, CompanySize, Condition, Contact,
    ContactId, ContactInput, Currency, Decimal, Direction, Email, Employment, EmploymentId,
    EmploymentInput, EmploymentUpdate, FieldDef, FieldKind, FieldValue, ImportData,
    ImportEmployment, ImportReport, IntegrityReport, Money, Op, Phone, Progress, RecordKind,
    RecordRef, Relation, RelationId, RelationInput, RelationType, RelationView, RelationshipKind,
    SearchHit, SearchQuery, SortBy, TimeRange,
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

/// How to open a CRM. Every field is optional.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct OpenOptions {
    /// Start a manual clock at this instant instead of reading the system clock (for tests).
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

fn builder(o: Option<OpenOptions>) -> crm_core::CrmBuilder {
    let o = o.unwrap_or_default();
    let mut b = crm_core::Crm::builder();
    if let Some(start) = o.clock_start {
        let step = Duration::milliseconds(i64::try_from(o.clock_step_millis).unwrap_or(i64::MAX));
        b = b.clock(Arc::new(crm_core::ManualClock::stepping(start, step)));
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
    b
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
}

type R<T> = Result<T, CrmError>;

#[uniffi::export]
impl Crm {
    /// Opens (or creates) the CRM file at `path`.
    #[uniffi::constructor(default(options = None))]
    pub fn open(path: String, options: Option<OpenOptions>) -> R<Arc<Self>> {
        Ok(Arc::new(Crm {
            inner: builder(options).open(path)?,
        }))
    }

    /// Opens a new CRM in memory.
    #[uniffi::constructor(default(options = None))]
    pub fn open_in_memory(options: Option<OpenOptions>) -> R<Arc<Self>> {
        Ok(Arc::new(Crm {
            inner: builder(options).open_in_memory()?,
        }))
    }

    /// Opens an in-memory CRM holding a copy of a backup.
    #[uniffi::constructor(default(options = None))]
    pub fn open_bytes(bytes: Vec<u8>, options: Option<OpenOptions>) -> R<Arc<Self>> {
        Ok(Arc::new(Crm {
            inner: builder(options).open_bytes(bytes)?,
        }))
    }

    /// Closes the CRM; later calls fail with `Closed`.
    pub fn close(&self) -> R<()> {
        Ok(self.inner.close()?)
    }

    /// Checks that every index agrees with the records.
    pub fn verify(&self) -> R<IntegrityReport> {
        Ok(self.inner.verify()?)
    }

    /// A copy of the whole database as bytes (see `open_bytes`).
    #[uniffi::method(default(progress = None))]
    pub fn backup(&self, progress: Option<Arc<dyn ProgressListener>>) -> R<Vec<u8>> {
        Ok(self.inner.backup(&mut listener(progress))?)
    }

    /// Imports companies, contacts and their links in one transaction.
    #[uniffi::method(default(progress = None))]
    pub fn import_records(
        &self,
        data: ImportData,
        progress: Option<Arc<dyn ProgressListener>>,
    ) -> R<ImportReport> {
        Ok(self.inner.import_records(data, &mut listener(progress))?)
    }

    /// The contact with this id.
    pub fn get_contact(&self, id: ContactId) -> R<Contact> {
        Ok(self.inner.get_contact(id)?)
    }

    /// The active contact with this email address (without case).
    pub fn find_contact_by_email(&self, email: String) -> R<Option<Contact>> {
        Ok(self.inner.find_contact_by_email(&email)?)
    }

    /// The active contacts with this phone number.
    pub fn find_contacts_by_phone(&self, phone: String) -> R<Vec<Contact>> {
        Ok(self.inner.find_contacts_by_phone(&phone)?)
    }

    /// One page of contacts.
    pub fn list_contacts(&self, query: ContactQuery) -> R<ContactPage> {
        Ok(self.inner.list_contacts(&query.into())?)
    }

    /// How many contacts match.
    pub fn count_contacts(&self, filter: ContactFilter) -> R<u64> {
        Ok(self.inner.count_contacts(&filter.into())?)
    }

    /// The company with this id.
    pub fn get_company(&self, id: CompanyId) -> R<Company> {
        Ok(self.inner.get_company(id)?)
    }

    /// The active companies with this web domain.
    pub fn find_companies_by_domain(&self, domain: String) -> R<Vec<Company>> {
        Ok(self.inner.find_companies_by_domain(&domain)?)
    }

    /// One page of companies.
    pub fn list_companies(&self, query: CompanyQuery) -> R<CompanyPage> {
        Ok(self.inner.list_companies(&query.into())?)
    }

    /// How many companies match.
    pub fn count_companies(&self, filter: CompanyFilter) -> R<u64> {
        Ok(self.inner.count_companies(&filter.into())?)
    }

    /// The direct subsidiaries of a company.
    pub fn subsidiaries(&self, id: CompanyId) -> R<Vec<Company>> {
        Ok(self.inner.subsidiaries(id)?)
    }

    /// The parents of a company, nearest first.
    pub fn ancestors(&self, id: CompanyId) -> R<Vec<Company>> {
        Ok(self.inner.ancestors(id)?)
    }

    /// An employment by id.
    pub fn get_employment(&self, id: EmploymentId) -> R<Employment> {
        Ok(self.inner.get_employment(id)?)
    }

    /// The companies a contact is linked to.
    pub fn employments_of_contact(&self, id: ContactId) -> R<Vec<Employment>> {
        Ok(self.inner.employments_of_contact(id)?)
    }

    /// The people linked to a company.
    pub fn employments_at_company(&self, id: CompanyId) -> R<Vec<Employment>> {
        Ok(self.inner.employments_at_company(id)?)
    }

    /// Every relation type.
    pub fn relation_types(&self) -> R<Vec<RelationType>> {
        Ok(self.inner.relation_types()?)
    }

    /// The relations of a record, seen from it.
    pub fn relations_of(&self, record: RecordRef) -> R<Vec<RelationView>> {
        Ok(self.inner.relations_of(record)?)
    }

    /// The custom field definitions of a record kind.
    pub fn field_defs(&self, kind: RecordKind) -> R<Vec<FieldDef>> {
        Ok(self.inner.field_defs(kind)?)
    }

    /// Full-text search.
    pub fn search(&self, query: SearchQuery) -> R<Vec<SearchHit>> {
        Ok(self.inner.search(&query)?)
    }

    /// Creates a contact.
    pub fn create_contact(&self, input: ContactInput) -> R<Contact> {
        Ok(self.inner.create_contact(input)?)
    }

    /// Replaces a contact's editable fields.
    pub fn update_contact(&self, id: ContactId, input: ContactInput) -> R<Contact> {
        Ok(self.inner.update_contact(id, input)?)
    }

    /// Adds tags to a contact.
    pub fn add_contact_tags(&self, id: ContactId, tags: Vec<String>) -> R<Contact> {
        Ok(self.inner.add_contact_tags(id, &tags)?)
    }

    /// Removes tags from a contact.
    pub fn remove_contact_tags(&self, id: ContactId, tags: Vec<String>) -> R<Contact> {
        Ok(self.inner.remove_contact_tags(id, &tags)?)
    }

    /// Archives a contact.
    pub fn archive_contact(&self, id: ContactId) -> R<Contact> {
        Ok(self.inner.archive_contact(id)?)
    }

    /// Restores an archived contact.
    pub fn restore_contact(&self, id: ContactId) -> R<Contact> {
        Ok(self.inner.restore_contact(id)?)
    }

    /// Deletes a contact and its links.
    pub fn delete_contact(&self, id: ContactId) -> R<()> {
        Ok(self.inner.delete_contact(id)?)
    }

    /// Creates a company.
    pub fn create_company(&self, input: CompanyInput) -> R<Company> {
        Ok(self.inner.create_company(input)?)
    }

    /// Replaces a company's editable fields.
    pub fn update_company(&self, id: CompanyId, input: CompanyInput) -> R<Company> {
        Ok(self.inner.update_company(id, input)?)
    }

    /// Adds tags to a company.
    pub fn add_company_tags(&self, id: CompanyId, tags: Vec<String>) -> R<Company> {
        Ok(self.inner.add_company_tags(id, &tags)?)
    }

    /// Removes tags from a company.
    pub fn remove_company_tags(&self, id: CompanyId, tags: Vec<String>) -> R<Company> {
        Ok(self.inner.remove_company_tags(id, &tags)?)
    }

    /// Archives a company.
    pub fn archive_company(&self, id: CompanyId) -> R<Company> {
        Ok(self.inner.archive_company(id)?)
    }

    /// Restores an archived company.
    pub fn restore_company(&self, id: CompanyId) -> R<Company> {
        Ok(self.inner.restore_company(id)?)
    }

    /// Deletes a company and its links; subsidiaries lose their parent.
    pub fn delete_company(&self, id: CompanyId) -> R<()> {
        Ok(self.inner.delete_company(id)?)
    }

    /// Links a contact to a company.
    pub fn link_contact_to_company(&self, input: EmploymentInput) -> R<Employment> {
        Ok(self.inner.link_contact_to_company(input)?)
    }

    /// Changes an employment.
    pub fn update_employment(&self, id: EmploymentId, update: EmploymentUpdate) -> R<Employment> {
        Ok(self.inner.update_employment(id, update)?)
    }

    /// Removes an employment.
    pub fn unlink_employment(&self, id: EmploymentId) -> R<()> {
        Ok(self.inner.unlink_employment(id)?)
    }

    /// Defines a relation type.
    pub fn define_relation_type(&self, relation_type: RelationType) -> R<RelationType> {
        Ok(self.inner.define_relation_type(relation_type)?)
    }

    /// Deletes an unused relation type.
    pub fn delete_relation_type(&self, key: String) -> R<()> {
        Ok(self.inner.delete_relation_type(&key)?)
    }

    /// Relates two records.
    pub fn relate(&self, input: RelationInput) -> R<Relation> {
        Ok(self.inner.relate(input)?)
    }

    /// Removes a relation.
    pub fn unrelate(&self, id: RelationId) -> R<()> {
        Ok(self.inner.unrelate(id)?)
    }

    /// Defines a custom field.
    pub fn define_field(&self, definition: FieldDef) -> R<FieldDef> {
        Ok(self.inner.define_field(definition)?)
    }

    /// Changes a custom field definition (values migrate or the change is refused).
    pub fn update_field(&self, definition: FieldDef) -> R<FieldDef> {
        Ok(self.inner.update_field(definition)?)
    }

    /// Deletes a custom field and its values.
    pub fn delete_field(&self, kind: RecordKind, key: String) -> R<()> {
        Ok(self.inner.delete_field(kind, &key)?)
    }
}
