//! WebAssembly bindings of crm-core for browsers, workers and Node.
//!
//! This crate only translates: every method of [`Crm`] converts its arguments from
//! JavaScript values (the core's serde form, checked against the generated TypeScript types),
//! calls one `crm_core::Crm` method, and converts the result back. Errors are thrown as
//! JavaScript `Error` objects named `CrmError` carrying `code`, `field`, `reason` and
//! `existing`. The clock reads `Date.now()` (the standard library has none here) and ids are
//! seeded from `Math.random()` unless the options ask for a manual clock (which
//! [`Crm::advance_clock`] moves) and sequential ids.
//! The operations are split like the core's: one module per group (`people`, `sales`,
//! `activities`, `records`, `maintenance`), each the methods `crm_macros::wasm_operations!`
//! writes from the core's table of that group with the readers below (`arg`, `text`, `parse`…,
//! `out`, the progress `Listener`). This file keeps what is the binding's own: errors, the
//! readers, the options, the constructors and the test clock.
//! In a dedicated worker, [`Crm::open_opfs`] keeps the database in the Origin Private File
//! System, so it survives page reloads.

mod activities;
mod maintenance;
mod opfs;
mod people;
mod records;
mod sales;
mod shape;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const BINDING_TYPES: &'static str = r#"
/** The methods of `Crm` that TypeScript types better than wasm-bindgen writes them. */
export interface Crm {
    /**
     * Runs `body` in one transaction, with a handle that runs every call in it: all of what it
     * does is committed when it returns, and none when it throws (the exception is rethrown).
     * Returns what `body` returns. `body` must be synchronous: one that returns a promise is
     * refused and rolled back (use `begin()` to keep a transaction open across awaits).
     */
    batch<T>(body: (tx: Crm) => T): T;
}

/** How to open a CRM. Every field is optional. */
export interface OpenOptions {
    /** Start a manual clock at this instant (RFC 3339) instead of reading `Date.now()`; `advanceClock` moves it. */
    clock_start?: string | null;
    /** With `clock_start`: how far the clock moves after each reading, in milliseconds. */
    clock_step_millis?: number;
    /** Use sequential ids instead of random ones (for tests). */
    sequential_ids?: boolean;
    /** The country national phone numbers are read in, such as `"PL"`. */
    default_phone_region?: string | null;
    /** The page cache size in bytes. */
    cache_size?: number | null;
}

/** A rescued CRM (`Crm.rescueBytes`): the new file's bytes, and what was saved and lost. */
export interface RescuedBytes {
    /** The new CRM's bytes, which `Crm.openBytes` opens. */
    bytes: Uint8Array;
    /** What was saved and what could not be. */
    report: RescueReport;
}

/** Told how far a long operation has got; return `false` to cancel it. */
export type ProgressCallback = (progress: Progress) => boolean | void;

/** The kinds of failure: `internal` is a bug of the library, the rest are the core's error kinds. */
export type CrmErrorCode = "not_found" | "validation" | "conflict" | "closed" | "storage" | "corrupt" | "io" | "version" | "cancelled" | "internal";

/** What every `CrmError` has. */
export interface CrmErrorBase extends Error {
    name: "CrmError";
    /** What kind of failure. */
    code: CrmErrorCode;
}

/** The record asked for does not exist. */
export interface NotFoundError extends CrmErrorBase { code: "not_found"; }

/** An input value is invalid; nothing was written. */
export interface ValidationError extends CrmErrorBase {
    code: "validation";
    /** The full path of the input value at fault, such as `filter.conditions[0].value` or `emails[1].address`. */
    field: string;
    /** Why, without the value given. */
    reason: string;
}

/** The write would break a uniqueness or consistency rule; nothing was written. */
export interface ConflictError extends CrmErrorBase {
    code: "conflict";
    /** The input field at fault. */
    field: string;
    /** The id of the record in the way. */
    existing: string;
    /** The rule. */
    reason: string;
}

/** The file is damaged: a stored value cannot be read. */
export interface CorruptError extends CrmErrorBase {
    code: "corrupt";
    /** The table holding the damage (empty when not known). */
    table: string;
    /** The record whose stored form is damaged, when known. */
    record?: string;
    /** What could not be read. */
    reason: string;
}

/** The storage, or the system under it, failed; the transaction was rolled back. */
export interface StorageError extends CrmErrorBase {
    code: "storage" | "io";
    /** What failed. */
    reason: string;
}

/** The CRM was closed, the file is newer than this library, the progress callback cancelled, or a bug of the library (`internal`). */
export interface OtherCrmError extends CrmErrorBase { code: "closed" | "version" | "cancelled" | "internal"; }

/**
 * What every method throws: an `Error` named `CrmError`, one of these by its `code`.
 * `e instanceof CrmError` tells it from other exceptions and narrows it; then `e.code`
 * narrows it further (`field` and `reason` exist on `validation`, `existing` on `conflict`).
 */
export type CrmError = NotFoundError | ValidationError | ConflictError | CorruptError | StorageError | OtherCrmError;
"#;

// ---- errors ----

/// The message of the last panic, kept for the package's JavaScript layer: a panic aborts the
/// WebAssembly instance, and the JavaScript layer turns that into a `CrmError` with code
/// `internal` carrying this message.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

#[wasm_bindgen(start)]
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let mut last = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner());
        *last = Some(info.to_string());
    }));
}

/// Takes the message of the last panic, if one happened.
#[wasm_bindgen(js_name = takeLastPanic)]
pub fn take_last_panic() -> Option<String> {
    LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take()
}

fn set(obj: &JsValue, key: &str, value: impl Into<JsValue>) {
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

/// A thrown `CrmError`.
fn crm_error(code: &str, message: &str) -> js_sys::Error {
    let e = js_sys::Error::new(message);
    e.set_name("CrmError");
    set(&e, "code", code);
    e
}

fn throw(e: crm_core::Error) -> JsValue {
    let err = crm_error(e.code(), &e.to_string());
    match &e {
        crm_core::Error::Validation { field, reason } => {
            set(&err, "field", field.as_str());
            set(&err, "reason", reason.as_str());
        }
        crm_core::Error::Conflict {
            field,
            existing,
            reason,
        } => {
            set(&err, "field", field.as_str());
            set(&err, "existing", existing.as_str());
            set(&err, "reason", reason.as_str());
        }
        crm_core::Error::Corrupt {
            table,
            record,
            reason,
            ..
        } => {
            set(&err, "table", table.as_str());
            if let Some(record) = record {
                set(&err, "record", record.as_str());
            }
            set(&err, "reason", reason.as_str());
        }
        crm_core::Error::Storage { reason, .. } | crm_core::Error::Io { reason, .. } => {
            set(&err, "reason", reason.as_str());
        }
        _ => {}
    }
    err.into()
}

fn invalid(field: &str, reason: impl Into<String>) -> JsValue {
    throw(crm_core::Error::validation(field, reason))
}

/// Reads an argument given in the core's JSON form. It goes through JSON text on purpose:
/// whole numbers stay exact whatever their size (the core's own range check then speaks),
/// and what `JSON.stringify` accepts is accepted (a `Date` becomes its ISO string). A value
/// of the wrong shape is refused naming its full path below the argument
/// (`filter.conditions[0].op`, or the argument's name for the argument itself) and, for an
/// unknown name, the names allowed (see [`shape`]).
fn arg<T: DeserializeOwned>(field: &str, value: &JsValue) -> Result<T, JsValue> {
    shape::read(&json(field, value)?).map_err(|e| misshapen(field, e))
}

/// An argument as a JSON value (`null` when it is `undefined`). This and [`misshapen`] are
/// kept out of `arg`, which is compiled once per type: the JSON text is parsed here, once for
/// every type, and each type is read from the parsed value, whose reader is far smaller per
/// type than one over the text (it was 172 KB of the WebAssembly build, 60 copies).
fn json(field: &str, value: &JsValue) -> Result<serde_json::Value, JsValue> {
    if value.is_undefined() {
        return Ok(serde_json::Value::Null);
    }
    let json =
        js_sys::JSON::stringify(value).map_err(|_| invalid(field, "cannot be written as JSON"))?;
    let text = json.as_string().unwrap_or_else(|| "null".into());
    serde_json::from_str(&text).map_err(|_| invalid(field, "cannot be read back as JSON"))
}

/// The refusal of an argument that does not have the shape of its type: a `validation` error
/// on the path of the value at fault.
fn misshapen(field: &str, e: shape::Refusal) -> JsValue {
    match e.path().as_str() {
        "" => invalid(field, e.reason),
        // An item of a list argument: `tags[0]`.
        path if path.starts_with('[') => invalid(&format!("{field}{path}"), e.reason),
        path => invalid(path, e.reason),
    }
}

/// Reads a string argument (an id, an address, a key).
fn text(field: &str, value: &JsValue) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| invalid(field, "must be a string"))
}

/// Reads an id or other string-typed value; a refusal names the argument.
fn parse<T: std::str::FromStr<Err = crm_core::Error>>(
    field: &str,
    value: &JsValue,
) -> Result<T, JsValue> {
    text(field, value)?.parse().map_err(|e| refused(field, e))
}

/// A refusal to parse `field`, naming it (kept out of `parse`, which is compiled once per type).
fn refused(field: &str, e: crm_core::Error) -> JsValue {
    throw(match e {
        crm_core::Error::Validation { reason, .. } => crm_core::Error::validation(field, reason),
        other => other,
    })
}

/// Reads an optional id or other string-typed value: `null` and `undefined` are absent.
fn parse_optional<T: std::str::FromStr<Err = crm_core::Error>>(
    field: &str,
    value: &JsValue,
) -> Result<Option<T>, JsValue> {
    if value.is_null_or_undefined() {
        Ok(None)
    } else {
        parse(field, value).map(Some)
    }
}

/// Reads an optional string argument: `null` and `undefined` are absent.
fn text_optional(field: &str, value: &JsValue) -> Result<Option<String>, JsValue> {
    if value.is_null_or_undefined() {
        Ok(None)
    } else {
        text(field, value).map(Some)
    }
}

/// Reads the bytes of a backup: a `Uint8Array` or an array of numbers.
fn bytes(value: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(array) = value.dyn_ref::<js_sys::Uint8Array>() {
        Ok(array.to_vec())
    } else if js_sys::Array::is_array(value) {
        arg("bytes", value)
    } else {
        Err(invalid("bytes", "must be a Uint8Array"))
    }
}

/// Reads an optional progress callback.
fn callback(value: Option<js_sys::Function>) -> Result<Option<js_sys::Function>, JsValue> {
    match value {
        Some(f) if !f.is_function() => Err(invalid("progress", "must be a function")),
        other => Ok(other),
    }
}

/// Writes a result in the core's serde form: `null` for absent values, plain objects for maps.
fn out<T: Serialize>(result: crm_core::Result<T>) -> Result<JsValue, JsValue> {
    let value = result.map_err(throw)?;
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(unconvertible)
}

/// The error of a result that cannot be written (kept out of `out`, compiled once per type).
fn unconvertible(e: serde_wasm_bindgen::Error) -> JsValue {
    crm_error("internal", &format!("a result could not be converted: {e}")).into()
}

// ---- options, clock, progress ----

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OpenOptions {
    clock_start: Option<DateTime<Utc>>,
    clock_step_millis: i64,
    sequential_ids: bool,
    default_phone_region: Option<String>,
    cache_size: Option<usize>,
}

/// Reads the time from JavaScript.
#[derive(Debug)]
struct JsClock;

impl crm_core::Clock for JsClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
}

/// A builder as the options say, and the manual clock it was given, if `clock_start` asked
/// for one (kept so that `advanceClock` can move it).
fn builder(
    options: Option<js_sys::Object>,
) -> Result<(crm_core::CrmBuilder, Option<Arc<crm_core::ManualClock>>), JsValue> {
    let o: OpenOptions = match options {
        Some(o) if !o.is_null() => arg("options", &o)?,
        _ => OpenOptions::default(),
    };
    let mut b = crm_core::Crm::builder();
    let manual = match o.clock_start {
        Some(start) => {
            let step = Duration::try_milliseconds(o.clock_step_millis)
                .ok_or_else(|| invalid("options", "clock_step_millis is out of range"))?;
            let clock = Arc::new(crm_core::ManualClock::stepping(start, step));
            b = b.clock(clock.clone());
            Some(clock)
        }
        None => {
            b = b.clock(Arc::new(JsClock));
            None
        }
    };
    b = if o.sequential_ids {
        b.id_source(Arc::new(crm_core::SequentialIds::new()))
    } else {
        let seed = (js_sys::Math::random() * 2f64.powi(32)) as u64
            ^ ((js_sys::Math::random() * 2f64.powi(32)) as u64) << 32;
        b.id_source(Arc::new(crm_core::RandomIds::from_seed(seed)))
    };
    if let Some(r) = &o.default_phone_region {
        b = b.default_phone_region(r);
    }
    if let Some(bytes) = o.cache_size {
        b = b.cache_size(bytes);
    }
    Ok((b, manual))
}

/// Wraps a JavaScript progress callback. A callback that throws cancels the operation and its
/// exception is rethrown to the caller.
struct Listener {
    callback: Option<js_sys::Function>,
    thrown: Option<JsValue>,
}

impl Listener {
    fn new(callback: Option<js_sys::Function>) -> Self {
        Listener {
            callback,
            thrown: None,
        }
    }

    fn call(&mut self, p: crm_core::Progress) -> bool {
        let Some(f) = &self.callback else { return true };
        let arg = p
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .unwrap_or(JsValue::NULL);
        match f.call1(&JsValue::NULL, &arg) {
            Ok(v) => v != JsValue::FALSE,
            Err(e) => {
                self.thrown = Some(e);
                false
            }
        }
    }

    /// The callback's own exception, if it threw, instead of the core's cancellation.
    fn finish<T>(self, result: crm_core::Result<T>) -> Result<T, JsValue> {
        match (result, self.thrown) {
            (Err(crm_core::Error::Cancelled), Some(thrown)) => Err(thrown),
            (r, _) => r.map_err(throw),
        }
    }
}

/// Every operation of `Crm` by its Rust (snake_case) name; each is a method here in
/// camelCase.
#[wasm_bindgen]
pub fn operations() -> Vec<String> {
    crm_core::OPERATIONS.iter().map(|s| s.to_string()).collect()
}

// ---- the CRM ----

/// An open CRM. Every method is one transaction and throws a `CrmError` on failure, unless
/// the handle is one that `begin()` made, whose reads and writes all run in its transaction.
#[wasm_bindgen]
pub struct Crm {
    inner: Rc<crm_core::Crm>,
    /// The manual clock of `clock_start`, which `advanceClock` moves.
    clock: Option<Arc<crm_core::ManualClock>>,
    /// For a handle of `begin()` or `batch()`: its transaction, until committed or rolled
    /// back (shared with `batch()`, which ends it when its callback returns).
    tx: Option<Rc<RefCell<Option<crm_core::Transaction>>>>,
}

impl Crm {
    /// A handle on a newly opened CRM.
    fn opened(inner: crm_core::Crm, clock: Option<Arc<crm_core::ManualClock>>) -> Crm {
        Crm {
            inner: Rc::new(inner),
            clock,
            tx: None,
        }
    }

    /// The transaction this handle runs its reads and writes in, when `begin()` made it.
    fn transaction(&self) -> Option<&RefCell<Option<crm_core::Transaction>>> {
        self.tx.as_deref()
    }

    /// A new handle running its reads and writes in `tx`.
    fn in_tx(&self, tx: Rc<RefCell<Option<crm_core::Transaction>>>) -> Crm {
        Crm {
            inner: Rc::clone(&self.inner),
            clock: self.clock.clone(),
            tx: Some(tx),
        }
    }

    /// Runs a read: in this handle's transaction when `begin()` made it, else on a snapshot of
    /// the last commit. One function for every read (the call is a trait object).
    fn reading(&self, f: &mut dyn FnMut(&mut crm_core::View<'_, '_>)) -> Result<(), JsValue> {
        match self.transaction() {
            Some(tx) => in_transaction(tx, |b| {
                f(b);
                Ok(())
            }),
            None => self.inner.read(|s| {
                f(s);
                Ok(())
            }),
        }
        .map_err(throw)
    }

    /// Runs a write: in this handle's transaction when `begin()` made it, else in a
    /// transaction of its own, committed when `f` says the write succeeded (it returns `true`)
    /// and rolled back when not. One function for every write (the call is a trait object).
    fn writing(
        &self,
        f: &mut dyn FnMut(&mut crm_core::Batch<'_, '_>) -> bool,
    ) -> Result<(), JsValue> {
        let mut ok = true;
        let done = match self.transaction() {
            // In a transaction, a refused write has written nothing: the transaction goes on.
            Some(tx) => in_transaction(tx, |b| {
                ok = f(b);
                Ok(())
            }),
            None => self.inner.batch(|b| {
                ok = f(b);
                if ok {
                    Ok(())
                } else {
                    Err(crm_core::Error::Cancelled)
                }
            }),
        };
        match done {
            // The write's own error is what `f` left for its caller.
            Err(_) if !ok => Ok(()),
            done => done.map_err(throw),
        }
    }

    /// Takes this handle's transaction out, to end it.
    fn end(&self) -> Result<crm_core::Transaction, JsValue> {
        let tx = self.tx.as_ref().ok_or_else(|| {
            invalid(
                "transaction",
                "this handle is not a transaction: begin() one",
            )
        })?;
        let mut slot = tx.try_borrow_mut().map_err(|_| throw(busy()))?;
        slot.take().ok_or_else(|| throw(ended()))
    }
}

/// Runs one operation in a handle's transaction. A transaction runs one call at a time: a call
/// made from inside another (a progress callback) is refused.
fn in_transaction<T>(
    tx: &RefCell<Option<crm_core::Transaction>>,
    f: impl FnOnce(&mut crm_core::Batch<'_, '_>) -> crm_core::Result<T>,
) -> crm_core::Result<T> {
    let mut slot = tx.try_borrow_mut().map_err(|_| busy())?;
    slot.as_mut().ok_or_else(ended)?.run(f)
}

/// What an operation returns when `reading` or `writing` did not run its call (they always do
/// unless they fail first, which the caller has already reported).
fn not_run<T>() -> crm_core::Result<T> {
    Err(crm_core::Error::Storage {
        reason: "the operation did not run".into(),
        source: None,
    })
}

fn busy() -> crm_core::Error {
    crm_core::Error::validation(
        "transaction",
        "is running another call: a transaction runs one call at a time",
    )
}

fn ended() -> crm_core::Error {
    crm_core::Error::validation("transaction", "has ended: it was committed or rolled back")
}

#[wasm_bindgen]
impl Crm {
    /// Opens a new CRM in memory.
    #[wasm_bindgen(js_name = openInMemory)]
    pub fn open_in_memory(
        #[wasm_bindgen(unchecked_optional_param_type = "OpenOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> Result<Crm, JsValue> {
        let (b, clock) = builder(options)?;
        Ok(Crm::opened(b.open_in_memory().map_err(throw)?, clock))
    }

    /// Opens an in-memory CRM holding a copy of a backup made by `backup()`.
    #[wasm_bindgen(js_name = openBytes)]
    pub fn open_bytes(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | number[]")] bytes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> Result<Crm, JsValue> {
        let (b, clock) = builder(options)?;
        Ok(Crm::opened(
            b.open_bytes(self::bytes(&bytes)?).map_err(throw)?,
            clock,
        ))
    }

    /// Copies every readable record of the bytes of a damaged CRM file into a new one, and
    /// reports what could not be saved: `{ bytes, report }`, where `openBytes(bytes)` opens
    /// the new CRM. Records that depend on lost ones are taken out of them as a delete would,
    /// or left out and named in the report; the new CRM verifies clean. In WebAssembly a
    /// panic cannot be contained: damage to the storage engine's own pages (rather than to
    /// records, which checksums catch) can still stop it with a `RuntimeError`.
    #[wasm_bindgen(js_name = rescueBytes, unchecked_return_type = "RescuedBytes")]
    pub fn rescue_bytes(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | number[]")] bytes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> Result<JsValue, JsValue> {
        let (b, _) = builder(options)?;
        let rescued = b.rescue_bytes(self::bytes(&bytes)?).map_err(throw)?;
        let out = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&out, &key.into(), value);
        set(
            "bytes",
            &js_sys::Uint8Array::from(&rescued.bytes[..]).into(),
        )?;
        set("report", &self::out(Ok(rescued.report))?)?;
        Ok(out.into())
    }

    /// Opens (or creates) the CRM file `name` in the Origin Private File System. Only in a
    /// dedicated worker, where synchronous access handles exist; the data survives reloads.
    #[wasm_bindgen(js_name = openOpfs)]
    pub async fn open_opfs(
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> Result<Crm, JsValue> {
        let (b, clock) = builder(options)?;
        let name = text("name", &name)?;
        let backend = opfs::OpfsBackend::open(&name, None).await?;
        Ok(Crm::opened(b.open_backend(backend).map_err(throw)?, clock))
    }

    /// Replaces the OPFS file `name` by the bytes of a backup, then opens it.
    #[wasm_bindgen(js_name = restoreOpfs)]
    pub async fn restore_opfs(
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | number[]")] bytes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> Result<Crm, JsValue> {
        let (b, clock) = builder(options)?;
        let name = text("name", &name)?;
        let bytes = self::bytes(&bytes)?;
        let backend = opfs::OpfsBackend::open(&name, Some(&bytes)).await?;
        Ok(Crm::opened(b.open_backend(backend).map_err(throw)?, clock))
    }

    /// Moves the manual clock that `clock_start` started forward by `millis` milliseconds
    /// (back when negative) and returns the instant it now stands at, the next one an
    /// operation reads (RFC 3339); `advanceClock(0)` only reads it. The clock belongs to this
    /// handle, so this works after `close()` too. Throws a `validation` error on
    /// `clock_start` when the CRM was opened without one (its clock is `Date.now()`).
    #[wasm_bindgen(js_name = advanceClock)]
    pub fn advance_clock(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] millis: JsValue,
    ) -> Result<String, JsValue> {
        let clock = self
            .clock
            .as_ref()
            .ok_or_else(|| invalid("clock_start", "the CRM was opened without a manual clock"))?;
        let by = Duration::try_milliseconds(arg("millis", &millis)?)
            .ok_or_else(|| invalid("millis", "is out of range"))?;
        let now = clock.advance_and_peek(by);
        Ok(now.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }

    /// Begins a transaction: the handle it returns runs every read and write in it, and each
    /// read sees what the transaction wrote; `commit()` keeps all of it, `rollback()` none.
    /// Meanwhile this handle works outside it: its reads see the state before the
    /// transaction, and a write through it is refused (it would wait for the transaction).
    /// An operation that fails after writing leaves the transaction able only to roll back.
    pub fn begin(&self) -> Result<Crm, JsValue> {
        let tx = self.inner.begin().map_err(throw)?;
        Ok(self.in_tx(Rc::new(RefCell::new(Some(tx)))))
    }

    /// Commits the transaction of a handle that `begin()` made: everything it did is kept.
    /// Later calls on this handle throw.
    pub fn commit(&self) -> Result<(), JsValue> {
        self.end()?.commit().map_err(throw)
    }

    /// Rolls the transaction of a handle that `begin()` made back: nothing it did is kept.
    /// Later calls on this handle throw.
    pub fn rollback(&self) -> Result<(), JsValue> {
        self.end()?.rollback();
        Ok(())
    }

    /// Whether this handle is a transaction that `begin()` made and that has not ended.
    #[wasm_bindgen(js_name = inTransaction)]
    pub fn in_transaction(&self) -> bool {
        self.tx
            .as_ref()
            .is_some_and(|tx| tx.try_borrow().map_or(true, |slot| slot.is_some()))
    }

    /// Runs `body` in one transaction, with a handle that runs every call in it: all of what
    /// it does is committed when it returns, and none when it throws (the exception is
    /// rethrown). Returns what `body` returns. `body` must be synchronous: one that returns a
    /// promise is refused and rolled back.
    #[wasm_bindgen(skip_typescript)]
    pub fn batch(&self, body: js_sys::Function) -> Result<JsValue, JsValue> {
        let tx = Rc::new(RefCell::new(Some(self.inner.begin().map_err(throw)?)));
        let handle = JsValue::from(self.in_tx(Rc::clone(&tx)));
        let result = body.call1(&JsValue::NULL, &handle);
        let open = tx.borrow_mut().take();
        match (result, open) {
            (Ok(value), Some(t)) if value.is_instance_of::<js_sys::Promise>() => {
                t.rollback();
                Err(invalid(
                    "body",
                    "returned a promise: a batch's body must be synchronous (use begin() to \
                     keep a transaction open across awaits)",
                ))
            }
            (Ok(value), Some(t)) => {
                t.commit().map_err(throw)?;
                Ok(value)
            }
            (Err(thrown), Some(t)) => {
                t.rollback();
                Err(thrown)
            }
            // The body ended the transaction itself.
            (result, None) => result,
        }
    }
}
