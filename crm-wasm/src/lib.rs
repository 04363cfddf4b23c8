//! crm-wasm
