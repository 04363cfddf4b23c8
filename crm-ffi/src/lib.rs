//! uniffi bindings of crm-core for Kotlin, Swift and Python.
//!
//! A first, small surface: open a CRM file or an in-memory CRM, create a contact, search.
//! Every exported method is a line or two over the core. The full API comes with the bindings
//! issue.

use std::sync::Arc;

uniffi::setup_scaffolding!();

/// Errors of the CRM, by kind. Mapped in one place from the core's error.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum CrmError {
    /// The record does not exist.
    #[error("{reason}")]
    NotFound {
        /// What was not found.
        reason: String,
    },
    /// An input value is invalid; nothing was written.
    #[error("{field}: {reason}")]
    Validation {
        /// The input field at fault.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The write conflicts with an existing record; nothing was written.
    #[error("{field}: {reason}")]
    Conflict {
        /// The input field at fault.
        field: String,
        /// The id of the record in the way.
        existing: String,
        /// What the rule is.
        reason: String,
    },
    /// The handle was closed.
    #[error("closed")]
    Closed,
    /// Any other failure: storage, version, cancellation.
    #[error("{code}: {reason}")]
    Other {
        /// The core's error code.
        code: String,
        /// The message.
        reason: String,
    },
}

impl From<crm_core::Error> for CrmError {
    fn from(e: crm_core::Error) -> Self {
        match e {
            crm_core::Error::NotFound { .. } => CrmError::NotFound {
                reason: e.to_string(),
            },
            crm_core::Error::Validation { field, reason } => CrmError::Validation { field, reason },
            crm_core::Error::Conflict {
                field,
                existing,
                reason,
            } => CrmError::Conflict {
                field,
                existing,
                reason,
            },
            crm_core::Error::Closed => CrmError::Closed,
            other => CrmError::Other {
                code: other.code().to_string(),
                reason: other.to_string(),
            },
        }
    }
}

/// A search result.
#[derive(Debug, uniffi::Record)]
pub struct SearchHit {
    /// The id of the record found (`contact_…` or `company_…`).
    pub id: String,
    /// Its name.
    pub label: String,
    /// How well it matched.
    pub score: u32,
}

/// An open CRM.
#[derive(uniffi::Object)]
pub struct Crm {
    inner: crm_core::Crm,
}

#[uniffi::export]
impl Crm {
    /// Opens (or creates) the CRM file at `path`.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Self>, CrmError> {
        Ok(Arc::new(Crm {
            inner: crm_core::Crm::open(path)?,
        }))
    }

    /// Opens a new in-memory CRM.
    #[uniffi::constructor]
    pub fn open_in_memory() -> Result<Arc<Self>, CrmError> {
        Ok(Arc::new(Crm {
            inner: crm_core::Crm::open_in_memory()?,
        }))
    }

    /// Creates a contact with a name and an optional email address; returns its id.
    pub fn create_contact(
        &self,
        given_name: String,
        family_name: String,
        email: Option<String>,
    ) -> Result<String, CrmError> {
        let input = crm_core::ContactInput {
            given_name: Some(given_name),
            family_name: Some(family_name),
            emails: email.iter().map(|e| crm_core::Email::new(e)).collect(),
            ..crm_core::ContactInput::default()
        };
        Ok(self.inner.create_contact(input)?.id.to_string())
    }

    /// Full-text search across contacts and companies.
    pub fn search(&self, text: String) -> Result<Vec<SearchHit>, CrmError> {
        let hits = self.inner.search(&crm_core::SearchQuery::new(&text))?;
        Ok(hits
            .into_iter()
            .map(|h| SearchHit {
                id: h.record.to_string(),
                label: h.label,
                score: h.score,
            })
            .collect())
    }

    /// Closes the CRM; later calls fail with `CrmError::Closed`.
    pub fn close(&self) -> Result<(), CrmError> {
        Ok(self.inner.close()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exported_object_works_natively() {
        let crm = Crm::open_in_memory().unwrap();
        let id = crm
            .create_contact(
                "Ștefan".into(),
                "Popescu".into(),
                Some("stefan@exemplu.ro".into()),
            )
            .unwrap();
        assert!(id.starts_with("contact_"));
        let hits = crm.search("stefan".into()).unwrap();
        assert_eq!(hits[0].id, id);
        let dup = crm
            .create_contact("S".into(), "P".into(), Some("STEFAN@exemplu.ro".into()))
            .unwrap_err();
        assert!(matches!(dup, CrmError::Conflict { ref existing, .. } if *existing == id));
        crm.close().unwrap();
        assert!(matches!(crm.search("x".into()), Err(CrmError::Closed)));
    }
}
