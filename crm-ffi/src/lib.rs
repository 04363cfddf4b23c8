//! crm-ffi
