//! The record layer: stored records and their index entries, the stored encoding, custom
//! fields, schema versions and migrations.

pub(crate) mod changes;
pub(crate) mod codec;
pub(crate) mod fields;
pub(crate) mod index;
pub(crate) mod integrity;
pub(crate) mod migrate;
pub(crate) mod record;
pub(crate) mod rescue;
pub(crate) mod tables;
