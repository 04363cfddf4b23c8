//! The public API: `Crm`, its builder, `Batch` and `Snapshot`, and every operation, described
//! once in the table of its group (`people`, `sales`, `activities`, `records`, `maintenance`).

pub(crate) mod activities;
pub(crate) mod crm;
pub(crate) mod kinds;
pub(crate) mod maintenance;
pub(crate) mod migrations;
pub(crate) mod people;
pub(crate) mod reactions;
pub(crate) mod records;
pub(crate) mod rescue;
pub(crate) mod sales;
