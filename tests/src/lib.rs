//! Cross-crate tests of the CRM workspace.
