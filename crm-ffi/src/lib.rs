//! uniffi bindings of crm-core for Kotlin, Swift and Python.
//!
//! This crate only translates. It is split like the core's operations: one module per group
//! (`people`, `sales`, `activities`, `records`, `maintenance`) holds the group's records and
//! the methods of [`Crm`] that `crm_macros::uniffi_operations!` writes from the core's table
//! of that group. Most records are *remote* definitions: they restate the fields of the core's
//! own types so that uniffi can pass those types across the boundary directly (a field added
//! in the core and not here fails to compile). Types that travel in another form are custom
//! types, here: ids, record references, currencies and decimals as strings, dates as
//! `YYYY-MM-DD` strings, instants as the platform's timestamp type. Every method of [`Crm`] is
//! one call to `crm_core::Crm` (but `advance_clock`, which moves the test clock the options
//! made); errors are mapped once, in `From<crm_core::Error>`.
//! A panic anywhere below an exported call is caught by uniffi and raised as the language's
//! internal error, never an abort.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use chrono::Duration;
use crm_core::{
    ActivityId, CalendarId, CompanyId, ContactId, Currency, DealId, Decimal, EmploymentId,
    FieldValue, LeadId, PipelineId, PriceListId, ProductId, Progress, QuoteId, RecordRef,
    RelationId, StageId,
};

uniffi::setup_scaffolding!();

mod activities;
mod maintenance;
mod people;
mod records;
mod sales;

// ---- errors ----

/// Why an operation failed. Validation and conflict errors name the input field at fault;
/// nothing is written when an operation fails.
#[derive(Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CrmError {
    /// The record does not exist.
    #[error("{kind} {id} not found")]
    NotFound {
        /// The kind of record, such as `contact`.
        kind: String,
        /// The id or key looked for.
        id: String,
    },
    /// An input value is invalid.
    #[error("invalid {field}: {reason}")]
    Validation {
        /// The path of the input field, such as `emails[1].address`.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The write would break a uniqueness or consistency rule.
    #[error("{field} conflicts with {existing}: {reason}")]
    Conflict {
        /// The input field at fault.
        field: String,
        /// The id of the record in the way.
        existing: String,
        /// The rule.
        reason: String,
    },
    /// The CRM was closed (by `close`, or `closeCrm` in Kotlin); open it again to go on.
    #[error("{reason}")]
    Closed {
        /// What happened and what to do, for the exception's message.
        reason: String,
    },
    /// The storage failed; the transaction was rolled back.
    #[error("storage failure: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// The file is damaged: a stored value cannot be read. Nothing was written; other
    /// records may still be readable (`verify` lists what is damaged).
    #[error("the file is damaged: {reason}")]
    Corrupt {
        /// The table holding the damage (`contacts`, `search`…), when known (else empty).
        table: String,
        /// The record whose stored form is damaged (`contact_…`), when known.
        record: Option<String>,
        /// What could not be read.
        reason: String,
    },
    /// The operating system refused a read or a write (a full disk, a missing permission);
    /// the transaction was rolled back.
    #[error("input/output failure: {reason}")]
    Io {
        /// The operating system's description.
        reason: String,
    },
    /// The file was written by a newer version of the library and was left untouched.
    #[error("schema version {found} is newer than {supported}")]
    Version {
        /// The file's schema version.
        found: u32,
        /// The newest this library reads.
        supported: u32,
    },
    /// The progress callback cancelled the operation; nothing was written.
    #[error("{reason}")]
    Cancelled {
        /// What happened, for the exception's message.
        reason: String,
    },
}

impl From<crm_core::Error> for CrmError {
    fn from(e: crm_core::Error) -> Self {
        use crm_core::Error as E;
        match e {
            E::NotFound { kind, id } => CrmError::NotFound {
                kind: kind.into(),
                id,
            },
            E::Validation { field, reason } => CrmError::Validation { field, reason },
            E::Conflict {
                field,
                existing,
                reason,
            } => CrmError::Conflict {
                field,
                existing,
                reason,
            },
            E::Closed => CrmError::Closed {
                reason: "the CRM is closed: it was closed on this or another handle; open it \
                         again to go on"
                    .into(),
            },
            E::Corrupt {
                table,
                record,
                reason,
                ..
            } => CrmError::Corrupt {
                table,
                record,
                reason,
            },
            E::Io { reason, .. } => CrmError::Io { reason },
            E::Version { found, supported } => CrmError::Version { found, supported },
            E::Cancelled => CrmError::Cancelled {
                reason: "cancelled by the progress listener: nothing was written".into(),
            },
            other => CrmError::Storage {
                reason: other.to_string(),
            },
        }
    }
}

/// A lift failure that foreign code sees as a typed validation error.
fn invalid(field: &str, reason: &str) -> uniffi::deps::anyhow::Error {
    CrmError::Validation {
        field: field.into(),
        reason: reason.into(),
    }
    .into()
}

fn parsed<T: std::str::FromStr<Err = crm_core::Error>>(s: &str) -> uniffi::Result<T> {
    s.parse()
        .map_err(|e: crm_core::Error| CrmError::from(e).into())
}

// ---- custom types ----

uniffi::custom_type!(ContactId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(CompanyId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(EmploymentId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(RelationId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(LeadId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(DealId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(PipelineId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(StageId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(ProductId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(PriceListId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(QuoteId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(ActivityId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(CalendarId, String, { remote, lower: |id| id.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(RecordRef, String, { remote, lower: |r| r.to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(Currency, String, { remote, lower: |c| c.code().to_string(), try_lift: |s| parsed(&s) });
uniffi::custom_type!(Decimal, String, { remote, lower: |d| d.to_string(), try_lift: |s| parsed(&s) });

/// An instant in UTC (Python `datetime`, Kotlin `Instant`, Swift `Date`).
pub type Timestamp = chrono::DateTime<chrono::Utc>;
uniffi::custom_type!(Timestamp, SystemTime, {
    remote,
    lower: |t| t.into(),
    try_lift: |t| Ok(t.into()),
});

/// A calendar date written `YYYY-MM-DD`.
pub type Date = chrono::NaiveDate;
uniffi::custom_type!(Date, String, {
    remote,
    lower: |d| d.format("%Y-%m-%d").to_string(),
    try_lift: |s| s.parse().map_err(|_| invalid("date", "is not a date written YYYY-MM-DD")),
});

/// The values of a record's custom fields, by key.
pub type CustomFields = BTreeMap<String, FieldValue>;
uniffi::custom_type!(CustomFields, HashMap<String, FieldValue>, {
    remote,
    lower: |m| m.into_iter().collect(),
    try_lift: |m| Ok(m.into_iter().collect()),
});

// ---- callbacks and options ----

/// Receives the progress of a long operation (import, backup).
#[uniffi::export(foreign)]
pub trait ProgressListener: Send + Sync {
    /// Called along the way; return `false` to cancel (nothing is then written).
    fn on_progress(&self, progress: Progress) -> bool;
}

/// Turns an optional listener into the core's callback.
fn listener(l: Option<Arc<dyn ProgressListener>>) -> impl FnMut(Progress) -> bool {
    move |p| l.as_ref().is_none_or(|l| l.on_progress(p))
}

/// A number of milliseconds as a duration; refused when too large.
fn duration_millis(field: &str, millis: u64) -> R<Duration> {
    i64::try_from(millis)
        .ok()
        .and_then(Duration::try_milliseconds)
        .ok_or_else(|| CrmError::Validation {
            field: field.into(),
            reason: "is too large".into(),
        })
}

/// How to open a CRM. Every field is optional.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct OpenOptions {
    /// Start a manual clock at this instant instead of reading the system clock (for tests);
    /// `Crm.advance_clock` moves it.
    #[uniffi(default = None)]
    pub clock_start: Option<Timestamp>,
    /// With `clock_start`: how far the clock moves after each reading, in milliseconds.
    #[uniffi(default = 0)]
    pub clock_step_millis: u64,
    /// Use sequential ids instead of random ones (for tests).
    #[uniffi(default = false)]
    pub sequential_ids: bool,
    /// The country national phone numbers are read in, such as `PL`.
    #[uniffi(default = None)]
    pub default_phone_region: Option<String>,
    /// The page cache size in bytes.
    #[uniffi(default = None)]
    pub cache_size: Option<u64>,
}

/// The core's builder for these options, and the manual clock `clock_start` asked for, if
/// any (kept so that `advance_clock` can move it).
fn builder(
    o: Option<OpenOptions>,
) -> R<(crm_core::CrmBuilder, Option<Arc<crm_core::ManualClock>>)> {
    let o = o.unwrap_or_default();
    let mut b = crm_core::Crm::builder();
    let mut clock = None;
    if let Some(start) = o.clock_start {
        let step = duration_millis("clock_step_millis", o.clock_step_millis)?;
        let manual = Arc::new(crm_core::ManualClock::stepping(start, step));
        b = b.clock(manual.clone());
        clock = Some(manual);
    }
    if o.sequential_ids {
        b = b.id_source(Arc::new(crm_core::SequentialIds::new()));
    }
    if let Some(region) = &o.default_phone_region {
        b = b.default_phone_region(region);
    }
    if let Some(bytes) = o.cache_size {
        b = b.cache_size(usize::try_from(bytes).unwrap_or(usize::MAX));
    }
    Ok((b, clock))
}

/// Every operation of `Crm` by its Rust (snake_case) name; the scenario runners check that
/// the binding has a method for each.
#[uniffi::export]
pub fn operations() -> Vec<String> {
    crm_core::OPERATIONS.iter().map(|s| s.to_string()).collect()
}

// ---- the CRM ----

/// An open CRM. Safe to share between threads; every method is one transaction, unless the
/// handle is one that `begin` made, whose reads and writes all run in its transaction.
#[derive(uniffi::Object)]
pub struct Crm {
    inner: Arc<crm_core::Crm>,
    /// The manual clock it reads, when opened with one.
    clock: Option<Arc<crm_core::ManualClock>>,
    /// For a handle of `begin`: its transaction, until committed or rolled back.
    tx: Option<Mutex<Option<crm_core::Transaction>>>,
}

impl Crm {
    /// A handle on a newly opened CRM.
    fn opened(inner: crm_core::Crm, clock: Option<Arc<crm_core::ManualClock>>) -> Arc<Crm> {
        Arc::new(Crm {
            inner: Arc::new(inner),
            clock,
            tx: None,
        })
    }

    /// The transaction this handle runs its reads and writes in, when `begin` made it.
    fn transaction(&self) -> Option<&Mutex<Option<crm_core::Transaction>>> {
        self.tx.as_ref()
    }

    /// Takes this handle's transaction out, to end it.
    fn end(&self) -> R<crm_core::Transaction> {
        let tx = self.tx.as_ref().ok_or_else(|| CrmError::Validation {
            field: "transaction".into(),
            reason: "this handle is not a transaction: `begin` one".into(),
        })?;
        let mut slot = tx.try_lock().map_err(|_| busy())?;
        Ok(slot.take().ok_or_else(ended)?)
    }
}

/// Runs one operation in a handle's transaction. A transaction runs one call at a time: a call
/// made while another runs (from a progress listener, or another thread) is refused.
fn in_transaction<T>(
    tx: &Mutex<Option<crm_core::Transaction>>,
    f: impl FnOnce(&mut crm_core::Batch<'_, '_>) -> crm_core::Result<T>,
) -> crm_core::Result<T> {
    let mut slot = match tx.try_lock() {
        Ok(slot) => slot,
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => {
            return Err(crm_core::Error::validation(
                "transaction",
                "is running another call: a transaction runs one call at a time",
            ));
        }
    };
    slot.as_mut().ok_or_else(ended)?.run(f)
}

fn busy() -> CrmError {
    CrmError::Validation {
        field: "transaction".into(),
        reason: "is running another call: a transaction runs one call at a time".into(),
    }
}

fn ended() -> crm_core::Error {
    crm_core::Error::validation("transaction", "has ended: it was committed or rolled back")
}

type R<T> = Result<T, CrmError>;

#[uniffi::export]
impl Crm {
    /// Opens (or creates) the CRM file at `path`.
    #[uniffi::constructor(default(options = None))]
    pub fn open(path: String, options: Option<OpenOptions>) -> R<Arc<Self>> {
        let (b, clock) = builder(options)?;
        Ok(Crm::opened(b.open(path)?, clock))
    }

    /// Opens a new CRM in memory.
    #[uniffi::constructor(default(options = None))]
    pub fn open_in_memory(options: Option<OpenOptions>) -> R<Arc<Self>> {
        let (b, clock) = builder(options)?;
        Ok(Crm::opened(b.open_in_memory()?, clock))
    }

    /// Opens an in-memory CRM holding a copy of a backup.
    #[uniffi::constructor(default(options = None))]
    pub fn open_bytes(bytes: Vec<u8>, options: Option<OpenOptions>) -> R<Arc<Self>> {
        let (b, clock) = builder(options)?;
        Ok(Crm::opened(b.open_bytes(bytes)?, clock))
    }

    /// Moves the manual clock that `clock_start` started forward by `millis` milliseconds
    /// (time passing, for tests: deals rot, quotes expire) and returns the instant it now
    /// stands at, the next one an operation reads; `advance_clock(0)` only reads it. To reopen
    /// a backup on continuous time, give that instant as the new CRM's `clock_start`. Refused
    /// with a validation error on `clock_start` when the CRM reads the system clock.
    pub fn advance_clock(&self, millis: u64) -> R<Timestamp> {
        let clock = self.clock.as_ref().ok_or_else(|| CrmError::Validation {
            field: "clock_start".into(),
            reason: "the CRM was opened without a manual clock".into(),
        })?;
        Ok(clock.advance_and_peek(duration_millis("millis", millis)?))
    }

    /// Begins a transaction (a batch): the handle it returns runs every read and write in it,
    /// and each read sees what the transaction wrote; `commit` keeps all of it, `rollback` (or
    /// dropping the handle) none. Meanwhile this handle works outside it: its reads see the
    /// state before the transaction, and a write through it on the same thread is refused
    /// (it would wait for the transaction). An operation that fails after writing leaves the
    /// transaction able only to roll back: `commit` then fails with that error.
    pub fn begin(&self) -> R<Arc<Crm>> {
        Ok(Arc::new(Crm {
            inner: Arc::clone(&self.inner),
            clock: self.clock.clone(),
            tx: Some(Mutex::new(Some(self.inner.begin()?))),
        }))
    }

    /// Commits the transaction of a handle that `begin` made: everything it did is kept,
    /// durably. Later calls on this handle fail.
    pub fn commit(&self) -> R<()> {
        Ok(self.end()?.commit()?)
    }

    /// Rolls the transaction of a handle that `begin` made back: nothing it did is kept.
    /// Later calls on this handle fail.
    pub fn rollback(&self) -> R<()> {
        self.end()?.rollback();
        Ok(())
    }

    /// Whether this handle is a transaction that `begin` made and that has not ended yet.
    pub fn in_transaction(&self) -> bool {
        self.tx
            .as_ref()
            .is_some_and(|tx| tx.try_lock().map_or(true, |slot| slot.is_some()))
    }
}
