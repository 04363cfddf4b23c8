//! The maintenance group: bulk import, backup, and the handle itself (verify, compact, close).
//!
//! Its records restate the core's (uniffi remote types: a field added in the core and not
//! here fails to compile), but for the few this crate defines itself, said so where they are;
//! its operations are written from the core's `maintenance_operations!` table.

use crm_core::{
    CompanyId, CompanyInput, ContactId, ContactInput, EmploymentId, ImportData, ImportEmployment,
    ImportReport, IntegrityReport, Progress, RescueReport, RescuedBytes, TableRescue,
};

use crate::{Crm, CrmError, OpenOptions, ProgressListener, builder, in_transaction, listener};

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

/// What a rescue saved of a damaged file, and what it could not.
#[uniffi::remote(Record)]
pub struct RescueReport {
    /// Records (and custom field definitions, relation types, exchange rates) written to the
    /// new file.
    pub saved: u64,
    /// Stored values found damaged (a checksum that does not match, a value that does not
    /// decode); they are not in the new file.
    pub damaged: u64,
    /// Readable records left out because they depend on records that were lost.
    pub left_out: u64,
    /// Lost records that saved records still named, taken out of them as a delete would.
    pub mended: u64,
    /// Parts of tables that could not be read at all.
    pub unreadable_parts: u64,
    /// For each table of records, how many were saved and found damaged.
    pub tables: Vec<TableRescue>,
    /// What opening the damaged file took (its header repaired, an older commit read), in
    /// words; empty when it opened as it was.
    pub repairs: Vec<String>,
    /// What could not be saved, by typed id, without personal data.
    pub problems: Vec<String>,
}

/// How much of one table a rescue saved.
#[uniffi::remote(Record)]
pub struct TableRescue {
    /// The table's name (`contacts`, `deals`, …).
    pub table: String,
    /// Values written to the new file.
    pub saved: u64,
    /// Values found damaged, left out.
    pub damaged: u64,
}

/// A rescued CRM as bytes, with what was saved and lost.
#[uniffi::remote(Record)]
pub struct RescuedBytes {
    /// The new CRM file's bytes, which `Crm.open_bytes` opens.
    pub bytes: Vec<u8>,
    /// What was saved and what could not be.
    pub report: RescueReport,
}

/// Copies every readable record of the damaged CRM file at `from` into a new file at `to`
/// (which must not exist) and reports what could not be saved; `from` is never written.
/// Records that depend on lost ones are taken out of them as a delete would, or left out and
/// named in the report; the new file verifies clean. `options` gives the clock and ids the
/// rescue's own changes use.
#[uniffi::export(default(options = None))]
pub fn rescue_file(
    from: String,
    to: String,
    options: Option<OpenOptions>,
) -> Result<RescueReport, CrmError> {
    let (b, _) = builder(options)?;
    Ok(b.rescue_file(from, to)?)
}

/// `rescue_file` from the bytes of a damaged CRM file into the bytes of a new one.
#[uniffi::export(default(options = None))]
pub fn rescue_bytes(
    bytes: Vec<u8>,
    options: Option<OpenOptions>,
) -> Result<RescuedBytes, CrmError> {
    let (b, _) = builder(options)?;
    Ok(b.rescue_bytes(bytes)?)
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
