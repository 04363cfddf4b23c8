//! The records group: custom field definitions and full-text search, and the records every
//! group shares (money, record kinds, field values, conditions and sorting of listings).
//!
//! Its records restate the core's (uniffi remote types: a field added in the core and not
//! here fails to compile), but for the few this crate defines itself, said so where they are;
//! its operations are written from the core's `records_operations!` table.

use crm_core::{
    Archived, Condition, Currency, Decimal, FieldDef, FieldKind, FieldValue, Money, Op, RecordKind,
    RecordRef, SearchHit, SearchQuery, SortBy, TimeRange,
};

use crate::{Crm, CrmError, Date, Timestamp, in_transaction};

// The operations of the records table: same names, parameters and docs as the core's, each one
// line over `self.inner` (see crm-macros for how the types map).
crm_core::records_operations!(crm_macros::uniffi_operations);

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
