//! The records operations (custom field definitions and full-text search), each described once in
//! `records_operations!`: its docs, parameters, result and body. `crm-macros` expands the table
//! into the core's methods (`api/crm.rs`), the uniffi and wasm-bindgen bindings and the Rust
//! scenario runner; its crate docs give the table's grammar and how each target maps the types.

/// Hands the records table to the macro named: `records_operations!(crm_macros::uniffi_operations)`
/// expands to `crm_macros::uniffi_operations! { group records; reads { … } … }`. Names in the table
/// resolve where this is invoked. Public only so that the bindings and the scenario runner can
/// expand it.
#[macro_export]
#[doc(hidden)]
macro_rules! records_operations {
    ($($target:ident)::+) => {
        $($target)::+! {
            group records;
            reads {
                // custom fields
                /// The custom field definitions of a record kind, by key.
                fn field_defs(kind: RecordKind) -> Vec<FieldDef> = |r, ctx| {
                    Ok(fields::defs(r, kind)?.to_vec())
                };

                // search
                /// Full-text search across contacts, companies, leads and deals.
                fn search(query: &SearchQuery) -> Vec<SearchHit> = |r, ctx| {
                    search::search(r, &kinds::SEARCHED, query)
                };
            }
            writes {
                // custom fields
                /// Defines a custom field. When it is required, existing records get its default,
                /// or the definition is refused if it has none and records exist.
                fn define_field(
                    definition: FieldDef,
                ) -> FieldDef = |w, ctx| match definition.record_kind {
                    RecordKind::Contact => fields::define::<Contact>(w, &definition),
                    RecordKind::Company => fields::define::<Company>(w, &definition),
                    RecordKind::Lead => fields::define::<Lead>(w, &definition),
                    RecordKind::Deal => fields::define::<Deal>(w, &definition),
                };
                /// Changes a custom field definition: existing values are converted where that
                /// keeps their meaning, or the change is refused naming a record in the way.
                fn update_field(
                    definition: FieldDef,
                ) -> FieldDef = |w, ctx| match definition.record_kind {
                    RecordKind::Contact => fields::update::<Contact>(w, &definition),
                    RecordKind::Company => fields::update::<Company>(w, &definition),
                    RecordKind::Lead => fields::update::<Lead>(w, &definition),
                    RecordKind::Deal => fields::update::<Deal>(w, &definition),
                };
                /// Deletes a custom field definition and every value records hold for it.
                fn delete_field(kind: RecordKind, key: &str) -> () = |w, ctx| match kind {
                    RecordKind::Contact => fields::delete::<Contact>(w, key),
                    RecordKind::Company => fields::delete::<Company>(w, key),
                    RecordKind::Lead => fields::delete::<Lead>(w, key),
                    RecordKind::Deal => fields::delete::<Deal>(w, key),
                };
            }
        }
    };
}

use crate::api::crm::{Batch, Crm, View};
use crate::api::kinds;
use crate::people::company::Company;
use crate::people::contact::Contact;
use crate::queries::search::{self, SearchHit, SearchQuery};
use crate::records::fields::{self, FieldDef};
use crate::sales::deal::Deal;
use crate::sales::lead::Lead;
use crate::values::error::Result;
use crate::values::id::RecordKind;

crate::records_operations!(crm_macros::core_operations);
