//! The activities group: activities and tasks, timelines and the customer journey,
//! calendars, agendas, free/busy, reminders, iCalendar import and export. Its operations are written from the
//! core's `activities_operations!` table: camelCase methods, TypeScript types derived from the Rust
//! types, arguments read with the crate's readers (see crm-macros for how the types map).

use crate::{Crm, arg, not_run, out, parse, text, throw};

crm_core::activities_operations!(crm_macros::wasm_operations);
