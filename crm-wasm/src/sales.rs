//! The sales group: leads, pipelines, deals, products, price lists, quotes, exchange rates
//! and the reporting currency, and the sales reports. Its operations are written from the
//! core's `sales_operations!` table: camelCase methods, TypeScript types derived from the Rust
//! types, arguments read with the crate's readers (see crm-macros for how the types map).

use crate::{Crm, arg, not_run, out, parse, parse_optional, text, text_optional, throw};

crm_core::sales_operations!(crm_macros::wasm_operations);
