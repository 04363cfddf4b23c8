//! Pure values at the bottom of the crate: ids, money, decimals, text folding, normalized
//! contact data, the clock and the injected context, and the public error. Nothing here reads
//! or writes the store.

pub(crate) mod clock;
pub(crate) mod context;
pub mod decimal;
pub(crate) mod error;
pub(crate) mod id;
pub(crate) mod input;
pub mod money;
pub(crate) mod normalize;
pub(crate) mod order;
#[cfg(feature = "schema")]
pub(crate) mod schema;
pub(crate) mod text;
