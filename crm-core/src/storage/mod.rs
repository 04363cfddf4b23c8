//! The storage layer: byte tables over redb, held index changes, recent changes and posting
//! lists. It names no domain table or type: tables are handles declared above it.

pub(crate) mod errors;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod files;
pub(crate) mod held;
pub(crate) mod postings;
pub(crate) mod recent;
pub(crate) mod salvage;
pub(crate) mod store;
