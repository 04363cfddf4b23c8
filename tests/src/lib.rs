//! Cross-crate tests of the CRM workspace, and the scenario suite's format and Rust runner.

pub mod scenario;
pub mod typescript;
