//! # crm-core
//!
//! An embeddable CRM engine: contacts and companies with relations, tags and typed custom
//! fields, found by any field or by free text, stored in one file (or in memory) through
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

mod bulk;
mod clock;
mod codec;
mod company;
mod contact;
mod context;
mod crm;
pub mod decimal;
mod error;
mod fields;
mod id;
mod index;
mod input;
mod integrity;
mod migrate;
pub mod money;
mod normalize;
mod query;
mod record;
mod relation;
#[cfg(feature = "schema")]
mod schema;
mod search;
#[cfg(test)]
mod snapshots;
mod store;
mod text;

pub use bulk::{ImportData, ImportEmployment, ImportReport, Progress};
pub use clock::{Clock, ManualClock, SystemClock};
pub use company::{Company, CompanyInput, CompanySize, RelationshipKind};
pub use contact::{Contact, ContactInput, Email, Phone};
pub use crm::{Batch, Crm, CrmBuilder, OPERATIONS, Snapshot};
pub use decimal::Decimal;
pub use error::{Error, Result};
pub use fields::{FieldDef, FieldKind, FieldValue, MAX_EXACT_INTEGER};
pub use id::{
    CompanyId, CompanyKind, ContactId, ContactKind, EmploymentId, EmploymentKind, Id, IdKind,
    IdSource, RandomIds, RecordRef, RelationId, RelationKind, SequentialIds,
};
pub use input::Address;
pub use integrity::IntegrityReport;
pub use migrate::SCHEMA_VERSION;
pub use money::{Currency, Money};
pub use query::{
    Archived, CompanyFilter, CompanyQuery, Condition, ContactFilter, ContactQuery, ListQuery, Op,
    Page, Sort, SortBy, TimeRange,
};
pub use record::RecordKind;
pub use relation::{
    Direction, Employment, EmploymentInput, EmploymentUpdate, Relation, RelationInput,
    RelationType, RelationView,
};
pub use search::{SearchHit, SearchQuery};

/// Where the bytes of a database live: implement this to keep a CRM somewhere other than a
/// file or memory (the browser binding keeps it in the Origin Private File System).
pub use redb::StorageBackend;
