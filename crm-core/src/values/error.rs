//! The public error type of the library, and the one place where the storage engine's errors
//! become it.
//!
//! Every variant is something a caller can act on. Messages never carry personal data: a
//! duplicate email is reported by the id of the contact that holds it, not by the address.
//! Failures below the domain are told apart: a damaged file ([`Error::Corrupt`]), the
//! operating system refusing a read or write ([`Error::Io`]), and anything else the storage
//! engine reports ([`Error::Storage`]). The engine's errors are classified once, in
//! `storage/errors.rs`.

use std::fmt;
use std::sync::Arc;

/// The underlying error of a failure below the domain, kept so that logs and debuggers can
/// walk the chain ([`std::error::Error::source`]). Two causes always compare equal: an
/// [`Error`]'s equality is decided by what a caller can act on, not by the engine's wording.
#[derive(Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl Cause {
    /// The underlying error.
    pub fn error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, _: &Cause) -> bool {
        true
    }
}

impl Eq for Cause {}

/// What went wrong, in a form a caller can act on.
///
/// Bindings map each variant to their language's error with [`Error::code`] as a stable,
/// machine-readable kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The record does not exist (or was deleted).
    #[error("{kind} {id} not found")]
    NotFound {
        /// The kind of record looked for, such as `contact` or `custom field`.
        kind: &'static str,
        /// The id or key that was looked for.
        id: String,
    },
    /// An input value is invalid; nothing was written.
    #[error("invalid {field}: {reason}")]
    Validation {
        /// The path of the offending input field, such as `emails[1].address`.
        field: String,
        /// Why the value was refused.
        reason: String,
    },
    /// The write would break a uniqueness or consistency rule; nothing was written.
    #[error("{field} conflicts with {existing}: {reason}")]
    Conflict {
        /// The input field that conflicts.
        field: String,
        /// The id (or key) of the existing record the input conflicts with.
        existing: String,
        /// What the rule is.
        reason: String,
    },
    /// The handle was closed; open the CRM again.
    #[error("the CRM handle is closed")]
    Closed,
    /// The storage engine failed for another reason than damage or the operating system (a
    /// file opened twice, a value too large, a bug); the transaction was rolled back.
    #[error("storage failure: {reason}")]
    Storage {
        /// The engine's description of the failure.
        reason: String,
        /// The engine's own error, kept for logs and debugging (`std::error::Error::source`).
        source: Option<Cause>,
    },
    /// The file is damaged: a stored value or page cannot be read. Nothing was written; other
    /// records may still be readable (`verify` lists what is damaged).
    #[error("the file is damaged{}: {reason}", Self::place(table, record))]
    Corrupt {
        /// The table holding the damage (`contacts`, `search`…), when known.
        table: String,
        /// The record whose stored form is damaged (`contact_…`), when known.
        record: Option<String>,
        /// What could not be read.
        reason: String,
        /// The engine's own error, when the damage was reported by it.
        source: Option<Cause>,
    },
    /// The operating system refused a read or a write (a full disk, a missing permission, a
    /// failing device); the transaction was rolled back.
    #[error("input/output failure: {reason}")]
    Io {
        /// The operating system's description of the failure.
        reason: String,
        /// The operating system's error as the engine passed it on.
        source: Option<Cause>,
    },
    /// The file was written by a newer version of the library and was left untouched.
    #[error(
        "the file has schema version {found} but this library reads versions up to {supported}; \
         upgrade the library to open it"
    )]
    Version {
        /// The schema version recorded in the file.
        found: u32,
        /// The newest schema version this library understands.
        supported: u32,
    },
    /// The operation was cancelled by the caller (for example from a progress callback).
    #[error("the operation was cancelled; nothing was written")]
    Cancelled,
}

impl Error {
    /// A stable, machine-readable name for the kind of error: `not_found`, `validation`,
    /// `conflict`, `closed`, `storage`, `corrupt`, `io`, `version` or `cancelled`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Validation { .. } => "validation",
            Error::Conflict { .. } => "conflict",
            Error::Closed => "closed",
            Error::Storage { .. } => "storage",
            Error::Corrupt { .. } => "corrupt",
            Error::Io { .. } => "io",
            Error::Version { .. } => "version",
            Error::Cancelled => "cancelled",
        }
    }

    /// The input field the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } | Error::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Builds a [`Error::Validation`].
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Validation {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Builds a [`Error::NotFound`].
    pub fn not_found(kind: &'static str, id: impl fmt::Display) -> Error {
        Error::NotFound {
            kind,
            id: id.to_string(),
        }
    }

    /// A record that `field` names and that does not exist, refused as a write refuses it:
    /// [`Error::NotFound`] becomes [`Error::Validation`] on `field` ("is not an existing
    /// company"); any other error is kept.
    pub(crate) fn naming(self, field: &str) -> Error {
        match self {
            Error::NotFound { kind, .. } => {
                Error::validation(field, format!("is not an existing {kind}"))
            }
            other => other,
        }
    }

    /// A [`Error::Storage`] with no underlying error (a rule of the library, not the engine).
    pub(crate) fn storage(err: impl fmt::Display) -> Error {
        Error::Storage {
            reason: err.to_string(),
            source: None,
        }
    }

    /// A [`Error::Corrupt`] of a table (`""` when not known yet, see [`Error::in_table`]).
    pub(crate) fn corrupt(table: &str, reason: impl Into<String>) -> Error {
        Error::Corrupt {
            table: table.to_string(),
            record: None,
            reason: reason.into(),
            source: None,
        }
    }

    /// Keeps `cause` as the error's [`std::error::Error::source`] when the error is one of
    /// the failures below the domain (storage, damage, input/output).
    pub(crate) fn caused_by(
        mut self,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        if let Error::Storage { source, .. }
        | Error::Corrupt { source, .. }
        | Error::Io { source, .. } = &mut self
        {
            *source = Some(Cause(Arc::new(cause)));
        }
        self
    }

    /// Says where damage was found, when the error is [`Error::Corrupt`] and does not say yet:
    /// the table, and the record when known.
    pub(crate) fn in_table(self, at: &str, id: Option<String>) -> Error {
        match self {
            Error::Corrupt {
                table,
                record,
                reason,
                source,
            } => Error::Corrupt {
                table: if table.is_empty() {
                    at.to_string()
                } else {
                    table
                },
                record: record.or(id),
                reason,
                source,
            },
            other => other,
        }
    }

    fn place(table: &str, record: &Option<String>) -> String {
        match (table.is_empty(), record) {
            (_, Some(r)) if !table.is_empty() => format!(" (table {table}, record {r})"),
            (_, Some(r)) => format!(" (record {r})"),
            (false, None) => format!(" (table {table})"),
            (true, None) => String::new(),
        }
    }

    /// Prefixes the field of a validation or conflict error with `prefix` (for example a
    /// position in a batch or a parent field), leaving other errors unchanged.
    pub fn within(self, prefix: &str) -> Error {
        match self {
            Error::Validation { field, reason } => Error::Validation {
                field: join_field(prefix, &field),
                reason,
            },
            Error::Conflict {
                field,
                existing,
                reason,
            } => Error::Conflict {
                field: join_field(prefix, &field),
                existing,
                reason,
            },
            other => other,
        }
    }
}

fn join_field(prefix: &str, field: &str) -> String {
    if field.is_empty() {
        prefix.to_string()
    } else if field.starts_with('[') {
        format!("{prefix}{field}")
    } else {
        format!("{prefix}.{field}")
    }
}

/// The result type of every fallible operation of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A refusal to parse a value, as a serde error: its reason alone, because the deserializer
/// knows the value's path better than the parser's field name (`invalid currency: is not…`
/// would repeat the field the path already names).
pub(crate) fn serde_reason<E: serde::de::Error>(e: Error) -> E {
    match e {
        Error::Validation { reason, .. } => E::custom(reason),
        other => E::custom(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_prefixes_fields() {
        let e = Error::validation("address", "bad").within("emails[1]");
        assert_eq!(e.field(), Some("emails[1].address"));
        let e = Error::validation("[2]", "bad").within("tags");
        assert_eq!(e.field(), Some("tags[2]"));
        assert_eq!(Error::Closed.within("x"), Error::Closed);
    }
}
