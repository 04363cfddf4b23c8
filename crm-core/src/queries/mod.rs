//! Queries over records: listings with filters, sorting and cursors, and full-text search.

pub(crate) mod cursor;
pub(crate) mod query;
pub(crate) mod search;
