//! The people group: contacts, companies, employments, relation types and relations.
//!
//! Its records restate the core's (uniffi remote types: a field added in the core and not
//! here fails to compile), but for the few this crate defines itself, said so where they are;
//! its operations are written from the core's `people_operations!` table.

use crm_core::{
    Address, Archived, Company, CompanyId, CompanyInput, CompanySize, Condition, Contact,
    ContactId, ContactInput, Direction, Email, Employment, EmploymentId, EmploymentInput,
    EmploymentUpdate, Phone, RecordKind, RecordRef, Relation, RelationId, RelationInput,
    RelationType, RelationView, RelationshipKind, TimeRange,
};

use crate::records::Sort;
use crate::{Crm, CrmError, CustomFields, Date, Timestamp, in_transaction};

// The operations of the people table: same names, parameters and docs as the core's, each one
// line over `self.inner` (see crm-macros for how the types map).
crm_core::people_operations!(crm_macros::uniffi_operations);

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
