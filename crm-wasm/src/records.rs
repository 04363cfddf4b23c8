//! The records group: custom field definitions and full-text search. Its operations are written from the
//! core's `records_operations!` table: camelCase methods, TypeScript types derived from the Rust
//! types, arguments read with the crate's readers (see crm-macros for how the types map).

use crate::{Crm, arg, not_run, out, text, throw};

crm_core::records_operations!(crm_macros::wasm_operations);
