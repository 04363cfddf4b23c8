//! The maintenance group: bulk import, backup, and the handle itself (verify, compact,
//! close). Its operations are written from the
//! core's `maintenance_operations!` table: camelCase methods, TypeScript types derived from the Rust
//! types, arguments read with the crate's readers (see crm-macros for how the types map).

use crate::{Crm, Listener, arg, callback, not_run, out, throw};

crm_core::maintenance_operations!(crm_macros::wasm_operations);
