//! The people group: contacts, companies, employments, relation types and relations. Its operations are written from the
//! core's `people_operations!` table: camelCase methods, TypeScript types derived from the Rust
//! types, arguments read with the crate's readers (see crm-macros for how the types map).

use crate::{Crm, arg, not_run, out, parse, text, throw};

crm_core::people_operations!(crm_macros::wasm_operations);
