//! The maintenance group: bulk import, backup, and the handle itself (verify, compact, close).
//!
//! Its records restate the core's (uniffi remote types: a field added in the core and not
//! here fails to compile), but for the few this crate defines itself, said so where they are;
//! its operations are written from the core's `maintenance_operations!` table.

use crm_core::{
    CompanyId, CompanyInput, ContactId, ContactInput, EmploymentId, ImportData, ImportEmployment,
    ImportReport, IntegrityReport, Progress,
};

use crate::{Crm, CrmError, ProgressListener, in_transaction, listener};

// The operations of the maintenance table: same names, parameters and docs as the core's, each one
// line over `self.inner` (see crm-macros for how the types map).
crm_core::maintenance_operations!(crm_macros::uniffi_operations);

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
