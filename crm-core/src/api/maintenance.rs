//! The maintenance operations (bulk import, backup, and the handle itself: verify, compact, close),
//! each described once in `maintenance_operations!`: its docs, parameters, result and body. `crm-
//! macros` expands the table into the core's methods (`api/crm.rs`), the uniffi and wasm-bindgen
//! bindings and the Rust scenario runner; its crate docs give the table's grammar and how each
//! target maps the types.

/// Hands the maintenance table to the macro named:
/// `maintenance_operations!(crm_macros::uniffi_operations)` expands to
/// `crm_macros::uniffi_operations! { group maintenance; reads { … } … }`. Names in the table
/// resolve where this is invoked. Public only so that the bindings and the scenario runner can
/// expand it.
#[macro_export]
#[doc(hidden)]
macro_rules! maintenance_operations {
    ($($target:ident)::+) => {
        $($target)::+! {
            group maintenance;
            reads {
                /// A copy of the whole database as bytes: a compact CRM file, which
                /// [`CrmBuilder::open_bytes`] opens again. `progress` is told how many entries are
                /// copied and returns `false` to cancel.
                fn backup(progress: &mut dyn FnMut(Progress) -> bool) -> Vec<u8> = |r, ctx| {
                    bulk::backup(r, progress)
                };
            }
            writes {
                /// Imports companies, contacts and the links between them in one transaction: all
                /// of it, or nothing if one record is refused (the error's field says which, such
                /// as `contacts[17].emails[0].address`) or if `progress` returns `false`.
                fn import_records(
                    data: ImportData,
                    progress: &mut dyn FnMut(Progress) -> bool,
                ) -> ImportReport = |w, ctx| {
                    bulk::import_records(w, ctx, &data, progress)
                };
            }
            handle {
                /// Checks that every index agrees with the records and every link points somewhere.
                fn verify() -> IntegrityReport;
                /// Gives unused space in the database back, after a large import or cleanup (the
                /// file grows by doubling and keeps the space that deletes free, so it can be up to
                /// twice the size of what it holds). Refused, changing nothing, while another
                /// operation of this CRM is running.
                fn compact() -> ();
                /// Closes the CRM and releases its file; every later call fails with a `closed`
                /// error. Closing twice is harmless.
                fn close() -> ();
            }
        }
    };
}

#[cfg(doc)]
use crate::api::crm::CrmBuilder;
use crate::api::crm::{Batch, Crm, View};
use crate::formats::bulk::{self, ImportData, ImportReport, Progress};
use crate::values::error::Result;

crate::maintenance_operations!(crm_macros::core_operations);
