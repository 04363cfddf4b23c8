//! The public API: `Crm`, its builder, `Batch` and `Snapshot`, and every operation.

pub(crate) mod crm;
pub(crate) mod kinds;
pub(crate) mod migrations;
pub(crate) mod operation_table;
pub(crate) mod reactions;
