//! People and organisations: contacts, companies, and the links between records.

pub(crate) mod checks;
pub(crate) mod company;
pub(crate) mod contact;
pub(crate) mod relation;
