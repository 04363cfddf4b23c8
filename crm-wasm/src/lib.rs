//! WebAssembly bindings of crm-core for browsers, workers and Node.
//!
//! This crate only translates: every method of [`Crm`] converts its arguments from
//! JavaScript values (the core's serde form, checked against the generated TypeScript types),
//! calls one `crm_core::Crm` method, and converts the result back. Errors are thrown as
//! JavaScript `Error` objects named `CrmError` carrying `code`, `field`, `reason` and
//! `existing`. The clock reads `Date.now()` (the standard library has none here) and ids are
//! seeded from `Math.random()` unless the options ask for a manual clock (which
//! [`Crm::advance_clock`] moves) and sequential ids.
//! In a dedicated worker, [`Crm::open_opfs`] keeps the database in the Origin Private File
//! System, so it survives page reloads.

mod opfs;

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

/** Told how far a long operation has got; return `false` to cancel it. */
export type ProgressCallback = (progress: Progress) => boolean | void;

/** What every method throws: an `Error` named `CrmError` with these properties. */
export interface CrmError extends Error {
    name: "CrmError";
    /** What kind of failure: `internal` is a bug of the library, the rest are the core's error kinds. */
    code: "not_found" | "validation" | "conflict" | "closed" | "storage" | "corrupt" | "io" | "version" | "cancelled" | "internal";
    /** The input field at fault, for `validation` and `conflict`. */
    field?: string;
    /** Why, without the values you gave. */
    reason?: string;
    /** The id of the record in the way, for `conflict`. */
    existing?: string;
    /** The table holding the damage, for `corrupt` (empty when not known). */
    table?: string;
    /** The record whose stored form is damaged, for `corrupt`, when known. */
    record?: string;
}
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
        } => {
            set(&err, "table", table.as_str());
            if let Some(record) = record {
                set(&err, "record", record.as_str());
            }
            set(&err, "reason", reason.as_str());
        }
        crm_core::Error::Storage { reason } | crm_core::Error::Io { reason } => {
            set(&err, "reason", reason.as_str());
        }
        _ => {}
    }
    err.into()
}

/// serde's messages can quote the input; keep the shape of the complaint, not the values.
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match (c, quoted) {
            ('"' | '`', false) => {
                quoted = true;
                out.push('…');
            }
            ('"' | '`', true) => quoted = false,
            (c, false) => out.push(c),
            (_, true) => {}
        }
    }
    out
}

fn invalid(field: &str, reason: impl Into<String>) -> JsValue {
    throw(crm_core::Error::validation(field, reason))
}

/// Reads an argument given in the core's JSON form. It goes through JSON text on purpose:
/// whole numbers stay exact whatever their size (the core's own range check then speaks),
/// and what `JSON.stringify` accepts is accepted (a `Date` becomes its ISO string).
fn arg<T: DeserializeOwned>(field: &str, value: &JsValue) -> Result<T, JsValue> {
    let text = if value.is_undefined() {
        None
    } else {
        let json = js_sys::JSON::stringify(value)
            .map_err(|_| invalid(field, "cannot be written as JSON"))?;
        json.as_string()
    };
    serde_json::from_str(text.as_deref().unwrap_or("null")).map_err(|e| {
        let shown = without_values(&e.to_string());
        invalid(field, format!("does not have the expected shape: {shown}"))
    })
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
    text(field, value)?.parse().map_err(|e: crm_core::Error| {
        throw(match e {
            crm_core::Error::Validation { reason, .. } => {
                crm_core::Error::validation(field, reason)
            }
            other => other,
        })
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
        .map_err(|e| crm_error("internal", &format!("a result could not be converted: {e}")).into())
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

/// An open CRM. Every method is one transaction and throws a `CrmError` on failure.
#[wasm_bindgen]
pub struct Crm {
    inner: crm_core::Crm,
    /// The manual clock of `clock_start`, which `advanceClock` moves.
    clock: Option<Arc<crm_core::ManualClock>>,
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
        Ok(Crm {
            inner: b.open_in_memory().map_err(throw)?,
            clock,
        })
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
        Ok(Crm {
            inner: b.open_bytes(self::bytes(&bytes)?).map_err(throw)?,
            clock,
        })
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
        Ok(Crm {
            inner: b.open_backend(backend).map_err(throw)?,
            clock,
        })
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
        Ok(Crm {
            inner: b.open_backend(backend).map_err(throw)?,
            clock,
        })
    }

    /// Closes the CRM (and releases its OPFS file); later calls throw `closed`.
    pub fn close(&self) -> Result<(), JsValue> {
        self.inner.close().map_err(throw)
    }

    /// Checks that every index agrees with the records.
    #[wasm_bindgen(unchecked_return_type = "IntegrityReport")]
    pub fn verify(&self) -> Result<JsValue, JsValue> {
        out(self.inner.verify())
    }

    /// Gives unused space in the database back (after a large import or cleanup).
    pub fn compact(&self) -> Result<(), JsValue> {
        self.inner.compact().map_err(throw)
    }

    /// A copy of the whole database as bytes (see `openBytes`, `restoreOpfs`).
    pub fn backup(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ProgressCallback")] progress: Option<
            js_sys::Function,
        >,
    ) -> Result<Vec<u8>, JsValue> {
        let mut l = Listener::new(callback(progress)?);
        let r = self.inner.backup(&mut |p| l.call(p));
        l.finish(r)
    }

    /// Imports companies, contacts and their links in one transaction.
    #[wasm_bindgen(js_name = importRecords, unchecked_return_type = "ImportReport")]
    pub fn import_records(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ImportData")] data: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ProgressCallback")] progress: Option<
            js_sys::Function,
        >,
    ) -> Result<JsValue, JsValue> {
        let data = arg("data", &data)?;
        let mut l = Listener::new(callback(progress)?);
        let r = self.inner.import_records(data, &mut |p| l.call(p));
        out(Ok(l.finish(r)?))
    }

    /// The contact with this id.
    #[wasm_bindgen(js_name = getContact, unchecked_return_type = "Contact")]
    pub fn get_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_contact(parse("id", &id)?))
    }

    /// The active contact with this email address (without case), or `null`.
    #[wasm_bindgen(js_name = findContactByEmail, unchecked_return_type = "Contact | null")]
    pub fn find_contact_by_email(&self, email: JsValue) -> Result<JsValue, JsValue> {
        out(self.inner.find_contact_by_email(&text("email", &email)?))
    }

    /// The active contacts with this phone number.
    #[wasm_bindgen(js_name = findContactsByPhone, unchecked_return_type = "Contact[]")]
    pub fn find_contacts_by_phone(&self, phone: JsValue) -> Result<JsValue, JsValue> {
        out(self.inner.find_contacts_by_phone(&text("phone", &phone)?))
    }

    /// How many contacts match.
    #[wasm_bindgen(js_name = countContacts)]
    pub fn count_contacts(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactFilter")] filter: JsValue,
    ) -> Result<f64, JsValue> {
        Ok(self
            .inner
            .count_contacts(&arg("filter", &filter)?)
            .map_err(throw)? as f64)
    }

    /// The company with this id.
    #[wasm_bindgen(js_name = getCompany, unchecked_return_type = "Company")]
    pub fn get_company(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_company(parse("id", &id)?))
    }

    /// The active companies with this web domain.
    #[wasm_bindgen(js_name = findCompaniesByDomain, unchecked_return_type = "Company[]")]
    pub fn find_companies_by_domain(&self, domain: JsValue) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .find_companies_by_domain(&text("domain", &domain)?))
    }

    /// One page of companies.
    #[wasm_bindgen(js_name = listCompanies, unchecked_return_type = "CompanyPage")]
    pub fn list_companies(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.list_companies(&arg("query", &query)?))
    }

    /// How many companies match.
    #[wasm_bindgen(js_name = countCompanies)]
    pub fn count_companies(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyFilter")] filter: JsValue,
    ) -> Result<f64, JsValue> {
        Ok(self
            .inner
            .count_companies(&arg("filter", &filter)?)
            .map_err(throw)? as f64)
    }

    /// The direct subsidiaries of a company.
    #[wasm_bindgen(unchecked_return_type = "Company[]")]
    pub fn subsidiaries(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.subsidiaries(parse("id", &id)?))
    }

    /// The parents of a company, nearest first.
    #[wasm_bindgen(unchecked_return_type = "Company[]")]
    pub fn ancestors(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.ancestors(parse("id", &id)?))
    }

    /// An employment by id.
    #[wasm_bindgen(js_name = getEmployment, unchecked_return_type = "Employment")]
    pub fn get_employment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EmploymentId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_employment(parse("id", &id)?))
    }

    /// The companies a contact is linked to.
    #[wasm_bindgen(js_name = employmentsOfContact, unchecked_return_type = "Employment[]")]
    pub fn employments_of_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.employments_of_contact(parse("id", &id)?))
    }

    /// The people linked to a company.
    #[wasm_bindgen(js_name = employmentsAtCompany, unchecked_return_type = "Employment[]")]
    pub fn employments_at_company(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.employments_at_company(parse("id", &id)?))
    }

    /// Every relation type.
    #[wasm_bindgen(js_name = relationTypes, unchecked_return_type = "RelationType[]")]
    pub fn relation_types(&self) -> Result<JsValue, JsValue> {
        out(self.inner.relation_types())
    }

    /// The relations of a record, seen from it.
    #[wasm_bindgen(js_name = relationsOf, unchecked_return_type = "RelationView[]")]
    pub fn relations_of(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecordRef")] record: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.relations_of(parse("record", &record)?))
    }

    /// The custom field definitions of a record kind.
    #[wasm_bindgen(js_name = fieldDefs, unchecked_return_type = "FieldDef[]")]
    pub fn field_defs(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecordKind")] kind: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.field_defs(arg("kind", &kind)?))
    }

    /// Full-text search.
    #[wasm_bindgen(unchecked_return_type = "SearchHit[]")]
    pub fn search(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SearchQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.search(&arg("query", &query)?))
    }

    /// Replaces a contact's editable fields.
    #[wasm_bindgen(js_name = updateContact, unchecked_return_type = "Contact")]
    pub fn update_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ContactInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .update_contact(parse("id", &id)?, arg("input", &input)?))
    }

    /// Adds tags to a contact.
    #[wasm_bindgen(js_name = addContactTags, unchecked_return_type = "Contact")]
    pub fn add_contact_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .add_contact_tags(parse("id", &id)?, &arg::<Vec<String>>("tags", &tags)?))
    }

    /// Removes tags from a contact.
    #[wasm_bindgen(js_name = removeContactTags, unchecked_return_type = "Contact")]
    pub fn remove_contact_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .remove_contact_tags(parse("id", &id)?, &arg::<Vec<String>>("tags", &tags)?))
    }

    /// Archives a contact.
    #[wasm_bindgen(js_name = archiveContact, unchecked_return_type = "Contact")]
    pub fn archive_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.archive_contact(parse("id", &id)?))
    }

    /// Restores an archived contact.
    #[wasm_bindgen(js_name = restoreContact, unchecked_return_type = "Contact")]
    pub fn restore_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.restore_contact(parse("id", &id)?))
    }

    /// Deletes a contact and its links.
    #[wasm_bindgen(js_name = deleteContact)]
    pub fn delete_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.delete_contact(parse("id", &id)?).map_err(throw)
    }

    /// Creates a company.
    #[wasm_bindgen(js_name = createCompany, unchecked_return_type = "Company")]
    pub fn create_company(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.create_company(arg("input", &input)?))
    }

    /// Replaces a company's editable fields.
    #[wasm_bindgen(js_name = updateCompany, unchecked_return_type = "Company")]
    pub fn update_company(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CompanyInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .update_company(parse("id", &id)?, arg("input", &input)?))
    }

    /// Adds tags to a company.
    #[wasm_bindgen(js_name = addCompanyTags, unchecked_return_type = "Company")]
    pub fn add_company_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .add_company_tags(parse("id", &id)?, &arg::<Vec<String>>("tags", &tags)?))
    }

    /// Removes tags from a company.
    #[wasm_bindgen(js_name = removeCompanyTags, unchecked_return_type = "Company")]
    pub fn remove_company_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .remove_company_tags(parse("id", &id)?, &arg::<Vec<String>>("tags", &tags)?))
    }

    /// Archives a company.
    #[wasm_bindgen(js_name = archiveCompany, unchecked_return_type = "Company")]
    pub fn archive_company(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.archive_company(parse("id", &id)?))
    }

    /// Restores an archived company.
    #[wasm_bindgen(js_name = restoreCompany, unchecked_return_type = "Company")]
    pub fn restore_company(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.restore_company(parse("id", &id)?))
    }

    /// Deletes a company and its links; subsidiaries lose their parent.
    #[wasm_bindgen(js_name = deleteCompany)]
    pub fn delete_company(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompanyId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.delete_company(parse("id", &id)?).map_err(throw)
    }

    /// Links a contact to a company.
    #[wasm_bindgen(js_name = linkContactToCompany, unchecked_return_type = "Employment")]
    pub fn link_contact_to_company(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EmploymentInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.link_contact_to_company(arg("input", &input)?))
    }

    /// Changes an employment.
    #[wasm_bindgen(js_name = updateEmployment, unchecked_return_type = "Employment")]
    pub fn update_employment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EmploymentId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EmploymentUpdate")] update: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .update_employment(parse("id", &id)?, arg("update", &update)?))
    }

    /// Removes an employment.
    #[wasm_bindgen(js_name = unlinkEmployment)]
    pub fn unlink_employment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EmploymentId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner
            .unlink_employment(parse("id", &id)?)
            .map_err(throw)
    }

    /// Defines a relation type.
    #[wasm_bindgen(js_name = defineRelationType, unchecked_return_type = "RelationType")]
    pub fn define_relation_type(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RelationType")] relation_type: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .define_relation_type(arg("relation_type", &relation_type)?))
    }

    /// Deletes an unused relation type.
    #[wasm_bindgen(js_name = deleteRelationType)]
    pub fn delete_relation_type(&self, key: JsValue) -> Result<(), JsValue> {
        self.inner
            .delete_relation_type(&text("key", &key)?)
            .map_err(throw)
    }

    /// Relates two records.
    #[wasm_bindgen(unchecked_return_type = "Relation")]
    pub fn relate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RelationInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.relate(arg("input", &input)?))
    }

    /// Removes a relation.
    pub fn unrelate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RelationId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.unrelate(parse("id", &id)?).map_err(throw)
    }

    /// Defines a custom field.
    #[wasm_bindgen(js_name = defineField, unchecked_return_type = "FieldDef")]
    pub fn define_field(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FieldDef")] definition: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.define_field(arg("definition", &definition)?))
    }

    /// Changes a custom field definition (values migrate or the change is refused).
    #[wasm_bindgen(js_name = updateField, unchecked_return_type = "FieldDef")]
    pub fn update_field(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FieldDef")] definition: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.update_field(arg("definition", &definition)?))
    }

    /// Deletes a custom field and its values.
    #[wasm_bindgen(js_name = deleteField)]
    pub fn delete_field(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecordKind")] kind: JsValue,
        key: JsValue,
    ) -> Result<(), JsValue> {
        self.inner
            .delete_field(arg("kind", &kind)?, &text("key", &key)?)
            .map_err(throw)
    }

    // ---- leads ----

    /// The lead with this id.
    #[wasm_bindgen(js_name = getLead, unchecked_return_type = "Lead")]
    pub fn get_lead(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_lead(parse("id", &id)?))
    }

    /// The leads (archived ones too) captured with this email address, oldest first.
    #[wasm_bindgen(js_name = findLeadsByEmail, unchecked_return_type = "Lead[]")]
    pub fn find_leads_by_email(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.find_leads_by_email(&text("email", &email)?))
    }

    /// One page of leads.
    #[wasm_bindgen(js_name = listLeads, unchecked_return_type = "LeadPage")]
    pub fn list_leads(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.list_leads(&arg("query", &query)?))
    }

    /// How many leads match.
    #[wasm_bindgen(js_name = countLeads)]
    pub fn count_leads(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadFilter")] filter: JsValue,
    ) -> Result<f64, JsValue> {
        Ok(self
            .inner
            .count_leads(&arg("filter", &filter)?)
            .map_err(throw)? as f64)
    }

    /// Creates a lead (status `new` unless given).
    #[wasm_bindgen(js_name = createLead, unchecked_return_type = "Lead")]
    pub fn create_lead(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.create_lead(arg("input", &input)?))
    }

    /// Replaces a lead's editable fields.
    #[wasm_bindgen(js_name = updateLead, unchecked_return_type = "Lead")]
    pub fn update_lead(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "LeadInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .update_lead(parse("id", &id)?, arg("input", &input)?))
    }

    /// Adds tags to a lead.
    #[wasm_bindgen(js_name = addLeadTags, unchecked_return_type = "Lead")]
    pub fn add_lead_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .add_lead_tags(parse("id", &id)?, &arg::<Vec<String>>("tags", &tags)?))
    }

    /// Removes tags from a lead.
    #[wasm_bindgen(js_name = removeLeadTags, unchecked_return_type = "Lead")]
    pub fn remove_lead_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .remove_lead_tags(parse("id", &id)?, &arg::<Vec<String>>("tags", &tags)?))
    }

    /// Archives a lead.
    #[wasm_bindgen(js_name = archiveLead, unchecked_return_type = "Lead")]
    pub fn archive_lead(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.archive_lead(parse("id", &id)?))
    }

    /// Restores an archived lead.
    #[wasm_bindgen(js_name = restoreLead, unchecked_return_type = "Lead")]
    pub fn restore_lead(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.restore_lead(parse("id", &id)?))
    }

    /// Deletes a lead and its relations (what it was converted into stays).
    #[wasm_bindgen(js_name = deleteLead)]
    pub fn delete_lead(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.delete_lead(parse("id", &id)?).map_err(throw)
    }

    /// Converts a lead into a contact, a company and optionally a deal, in one transaction.
    #[wasm_bindgen(js_name = convertLead, unchecked_return_type = "ConvertedLead")]
    pub fn convert_lead(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LeadId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "LeadConversion")] conversion: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .convert_lead(parse("id", &id)?, arg("conversion", &conversion)?))
    }

    // ---- pipelines ----

    /// The pipeline with this id.
    #[wasm_bindgen(js_name = getPipeline, unchecked_return_type = "Pipeline")]
    pub fn get_pipeline(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_pipeline(parse("id", &id)?))
    }

    /// Every pipeline, in the order they were created.
    #[wasm_bindgen(unchecked_return_type = "Pipeline[]")]
    pub fn pipelines(&self) -> Result<JsValue, JsValue> {
        out(self.inner.pipelines())
    }

    /// The pipeline new deals go to when they name none.
    #[wasm_bindgen(js_name = defaultPipeline, unchecked_return_type = "Pipeline")]
    pub fn default_pipeline(&self) -> Result<JsValue, JsValue> {
        out(self.inner.default_pipeline())
    }

    /// Creates a pipeline with its stages (at least one open, one won and one lost).
    #[wasm_bindgen(js_name = createPipeline, unchecked_return_type = "Pipeline")]
    pub fn create_pipeline(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.create_pipeline(arg("input", &input)?))
    }

    /// Renames a pipeline.
    #[wasm_bindgen(js_name = renamePipeline, unchecked_return_type = "Pipeline")]
    pub fn rename_pipeline(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .rename_pipeline(parse("id", &id)?, &text("name", &name)?))
    }

    /// Makes a pipeline the one new deals go to when they name none.
    #[wasm_bindgen(js_name = setDefaultPipeline, unchecked_return_type = "Pipeline")]
    pub fn set_default_pipeline(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.set_default_pipeline(parse("id", &id)?))
    }

    /// Adds a stage at a position (0 is first; the end when absent).
    #[wasm_bindgen(js_name = addStage, unchecked_return_type = "Pipeline")]
    pub fn add_stage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineId")] pipeline: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StageInput")] stage: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] position: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.add_stage(
            parse("pipeline", &pipeline)?,
            arg("stage", &stage)?,
            arg("position", &position)?,
        ))
    }

    /// Changes a stage; a stage holding deals keeps its kind.
    #[wasm_bindgen(js_name = updateStage, unchecked_return_type = "Pipeline")]
    pub fn update_stage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineId")] pipeline: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StageId")] stage: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StageInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.update_stage(
            parse("pipeline", &pipeline)?,
            parse("stage", &stage)?,
            arg("input", &input)?,
        ))
    }

    /// Puts the active stages of a pipeline in a new order (every one listed once).
    #[wasm_bindgen(js_name = reorderStages, unchecked_return_type = "Pipeline")]
    pub fn reorder_stages(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineId")] pipeline: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StageId[]")] order: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.reorder_stages(
            parse("pipeline", &pipeline)?,
            &arg::<Vec<crm_core::StageId>>("order", &order)?,
        ))
    }

    /// Archives a stage, moving its deals to `move_to` first (required when it holds deals).
    #[wasm_bindgen(js_name = archiveStage, unchecked_return_type = "Pipeline")]
    pub fn archive_stage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineId")] pipeline: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StageId")] stage: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "StageId | null")] move_to: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.archive_stage(
            parse("pipeline", &pipeline)?,
            parse("stage", &stage)?,
            parse_optional("move_to", &move_to)?,
        ))
    }

    /// Deletes a pipeline that holds no deals and is not the default.
    #[wasm_bindgen(js_name = deletePipeline)]
    pub fn delete_pipeline(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.delete_pipeline(parse("id", &id)?).map_err(throw)
    }

    // ---- deals ----

    /// The deal with this id.
    #[wasm_bindgen(js_name = getDeal, unchecked_return_type = "Deal")]
    pub fn get_deal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_deal(parse("id", &id)?))
    }

    /// One page of deals.
    #[wasm_bindgen(js_name = listDeals, unchecked_return_type = "DealPage")]
    pub fn list_deals(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.list_deals(&arg("query", &query)?))
    }

    /// How many deals match.
    #[wasm_bindgen(js_name = countDeals)]
    pub fn count_deals(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealFilter")] filter: JsValue,
    ) -> Result<f64, JsValue> {
        Ok(self
            .inner
            .count_deals(&arg("filter", &filter)?)
            .map_err(throw)? as f64)
    }

    /// Every stage change of a deal, oldest first (the first is the stage it was created in).
    #[wasm_bindgen(js_name = dealHistory, unchecked_return_type = "StageChange[]")]
    pub fn deal_history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.deal_history(parse("id", &id)?))
    }

    /// The time a deal spent in each stage it visited, in order of first visit.
    #[wasm_bindgen(js_name = dealStageTimes, unchecked_return_type = "StageTime[]")]
    pub fn deal_stage_times(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.deal_stage_times(parse("id", &id)?))
    }

    /// Creates a deal, recording the stage it starts in.
    #[wasm_bindgen(js_name = createDeal, unchecked_return_type = "Deal")]
    pub fn create_deal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.create_deal(arg("input", &input)?))
    }

    /// Replaces a deal's editable fields; a new stage or pipeline is recorded as a change.
    #[wasm_bindgen(js_name = updateDeal, unchecked_return_type = "Deal")]
    pub fn update_deal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DealInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .update_deal(parse("id", &id)?, arg("input", &input)?))
    }

    /// Moves a deal to another stage of its pipeline; a won or lost stage closes it.
    #[wasm_bindgen(js_name = moveDeal, unchecked_return_type = "Deal")]
    pub fn move_deal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DealMove")] target: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .move_deal(parse("id", &id)?, arg("target", &target)?))
    }

    /// Adds tags to a deal.
    #[wasm_bindgen(js_name = addDealTags, unchecked_return_type = "Deal")]
    pub fn add_deal_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .add_deal_tags(parse("id", &id)?, &arg::<Vec<String>>("tags", &tags)?))
    }

    /// Removes tags from a deal.
    #[wasm_bindgen(js_name = removeDealTags, unchecked_return_type = "Deal")]
    pub fn remove_deal_tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] tags: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .remove_deal_tags(parse("id", &id)?, &arg::<Vec<String>>("tags", &tags)?))
    }

    /// Archives a deal: it leaves search, default listings and every report.
    #[wasm_bindgen(js_name = archiveDeal, unchecked_return_type = "Deal")]
    pub fn archive_deal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.archive_deal(parse("id", &id)?))
    }

    /// Restores an archived deal.
    #[wasm_bindgen(js_name = restoreDeal, unchecked_return_type = "Deal")]
    pub fn restore_deal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.restore_deal(parse("id", &id)?))
    }

    /// Deletes a deal with its stage history, quotes and relations.
    #[wasm_bindgen(js_name = deleteDeal)]
    pub fn delete_deal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.delete_deal(parse("id", &id)?).map_err(throw)
    }

    /// Opens a follow-up deal for a won deal's customer.
    #[wasm_bindgen(js_name = openFollowUp, unchecked_return_type = "Deal")]
    pub fn open_follow_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] won: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FollowUpInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .open_follow_up(parse("won", &won)?, arg("input", &input)?))
    }

    // ---- products and price lists ----

    /// The product with this id.
    #[wasm_bindgen(js_name = getProduct, unchecked_return_type = "Product")]
    pub fn get_product(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProductId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_product(parse("id", &id)?))
    }

    /// The product with this SKU (ignoring case), archived or not, or `null`.
    #[wasm_bindgen(js_name = findProductBySku, unchecked_return_type = "Product | null")]
    pub fn find_product_by_sku(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] sku: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.find_product_by_sku(&text("sku", &sku)?))
    }

    /// Every product by name; archived ones too when asked.
    #[wasm_bindgen(unchecked_return_type = "Product[]")]
    pub fn products(
        &self,
        #[wasm_bindgen(unchecked_param_type = "boolean")] include_archived: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .products(arg("include_archived", &include_archived)?))
    }

    /// Active products whose name or SKU has words starting with each word of `text`.
    #[wasm_bindgen(js_name = searchProducts, unchecked_return_type = "Product[]")]
    pub fn search_products(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.search_products(&self::text("text", &text)?))
    }

    /// Creates a product.
    #[wasm_bindgen(js_name = createProduct, unchecked_return_type = "Product")]
    pub fn create_product(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProductInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.create_product(arg("input", &input)?))
    }

    /// Replaces a product.
    #[wasm_bindgen(js_name = updateProduct, unchecked_return_type = "Product")]
    pub fn update_product(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProductId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ProductInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .update_product(parse("id", &id)?, arg("input", &input)?))
    }

    /// Archives a product: it leaves `products` and `searchProducts` (lines naming it keep
    /// working).
    #[wasm_bindgen(js_name = archiveProduct, unchecked_return_type = "Product")]
    pub fn archive_product(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProductId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.archive_product(parse("id", &id)?))
    }

    /// Restores an archived product.
    #[wasm_bindgen(js_name = restoreProduct, unchecked_return_type = "Product")]
    pub fn restore_product(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProductId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.restore_product(parse("id", &id)?))
    }

    /// The price list with this id.
    #[wasm_bindgen(js_name = getPriceList, unchecked_return_type = "PriceList")]
    pub fn get_price_list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PriceListId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_price_list(parse("id", &id)?))
    }

    /// Every price list, in the order they were created.
    #[wasm_bindgen(js_name = priceLists, unchecked_return_type = "PriceList[]")]
    pub fn price_lists(&self) -> Result<JsValue, JsValue> {
        out(self.inner.price_lists())
    }

    /// Creates a price list.
    #[wasm_bindgen(js_name = createPriceList, unchecked_return_type = "PriceList")]
    pub fn create_price_list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PriceListInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.create_price_list(arg("input", &input)?))
    }

    /// Replaces a price list.
    #[wasm_bindgen(js_name = updatePriceList, unchecked_return_type = "PriceList")]
    pub fn update_price_list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PriceListId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PriceListInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .update_price_list(parse("id", &id)?, arg("input", &input)?))
    }

    /// Deletes a price list that no deal uses.
    #[wasm_bindgen(js_name = deletePriceList)]
    pub fn delete_price_list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PriceListId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner
            .delete_price_list(parse("id", &id)?)
            .map_err(throw)
    }

    // ---- quotes ----

    /// The quote (one version) with this id.
    #[wasm_bindgen(js_name = getQuote, unchecked_return_type = "Quote")]
    pub fn get_quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuoteId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_quote(parse("id", &id)?))
    }

    /// Every quote of a deal, every version, oldest first.
    #[wasm_bindgen(js_name = quotesOfDeal, unchecked_return_type = "Quote[]")]
    pub fn quotes_of_deal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] deal: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.quotes_of_deal(parse("deal", &deal)?))
    }

    /// Every version of the quote with this number (ignoring case), oldest first.
    #[wasm_bindgen(js_name = findQuotesByNumber, unchecked_return_type = "Quote[]")]
    pub fn find_quotes_by_number(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.find_quotes_by_number(&text("number", &number)?))
    }

    /// Makes a quote (version 1, a new number) from a deal's current lines.
    #[wasm_bindgen(js_name = createQuote, unchecked_return_type = "Quote")]
    pub fn create_quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DealId")] deal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "QuoteInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .create_quote(parse("deal", &deal)?, arg("input", &input)?))
    }

    /// Makes the next version of a quote from its deal's current lines.
    #[wasm_bindgen(js_name = reviseQuote, unchecked_return_type = "Quote")]
    pub fn revise_quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuoteId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "QuoteInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .revise_quote(parse("id", &id)?, arg("input", &input)?))
    }

    /// Marks a draft quote as sent.
    #[wasm_bindgen(js_name = sendQuote, unchecked_return_type = "Quote")]
    pub fn send_quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuoteId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.send_quote(parse("id", &id)?))
    }

    /// Records the customer's acceptance of a quote.
    #[wasm_bindgen(js_name = acceptQuote, unchecked_return_type = "Quote")]
    pub fn accept_quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuoteId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "QuoteAcceptance")] acceptance: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .accept_quote(parse("id", &id)?, arg("acceptance", &acceptance)?))
    }

    /// Deletes one version of a quote.
    #[wasm_bindgen(js_name = deleteQuote)]
    pub fn delete_quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuoteId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.delete_quote(parse("id", &id)?).map_err(throw)
    }

    // ---- money ----

    /// The currency reports are in (EUR until one is set).
    #[wasm_bindgen(js_name = reportingCurrency, unchecked_return_type = "Currency")]
    pub fn reporting_currency(&self) -> Result<JsValue, JsValue> {
        out(self.inner.reporting_currency())
    }

    /// Sets the currency reports are in.
    #[wasm_bindgen(js_name = setReportingCurrency, unchecked_return_type = "Currency")]
    pub fn set_reporting_currency(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Currency")] currency: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .set_reporting_currency(parse("currency", &currency)?))
    }

    /// The rates entered for a pair, oldest first (not their inverses).
    #[wasm_bindgen(js_name = exchangeRates, unchecked_return_type = "ExchangeRate[]")]
    pub fn exchange_rates(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Currency")] base: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Currency")] quote: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .exchange_rates(parse("base", &base)?, parse("quote", &quote)?))
    }

    /// Enters (or replaces) the rate of a currency pair from a date on.
    #[wasm_bindgen(js_name = setExchangeRate, unchecked_return_type = "ExchangeRate")]
    pub fn set_exchange_rate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ExchangeRate")] rate: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.set_exchange_rate(arg("rate", &rate)?))
    }

    /// Converts money at the latest rate on or before `date` (`YYYY-MM-DD`).
    #[wasm_bindgen(js_name = convertMoney, unchecked_return_type = "Money")]
    pub fn convert_money(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Money")] money: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Currency")] to: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] date: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.convert_money(
            arg("money", &money)?,
            parse("to", &to)?,
            arg("date", &date)?,
        ))
    }

    // ---- reports ----

    /// The open value of every pipeline, per stage, in the reporting currency.
    #[wasm_bindgen(js_name = pipelineValues, unchecked_return_type = "PipelineValue[]")]
    pub fn pipeline_values(&self) -> Result<JsValue, JsValue> {
        out(self.inner.pipeline_values())
    }

    /// The weighted forecast of open deals per month or quarter, per owner.
    #[wasm_bindgen(unchecked_return_type = "Forecast")]
    pub fn forecast(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ForecastQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.forecast(&arg("query", &query)?))
    }

    /// Won / (won + lost) over the deals closed in a range, overall and per group.
    #[wasm_bindgen(js_name = winRates, unchecked_return_type = "WinRates")]
    pub fn win_rates(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WinRateQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.win_rates(&arg("query", &query)?))
    }

    /// Days to close, average time per stage and pipeline velocity.
    #[wasm_bindgen(js_name = salesCycle, unchecked_return_type = "SalesCycle")]
    pub fn sales_cycle(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SalesCycleQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.sales_cycle(&arg("query", &query)?))
    }

    /// Open deals that sat in their stage longer than it allows (of one pipeline if given).
    #[wasm_bindgen(js_name = dealsAtRisk, unchecked_return_type = "Deal[]")]
    pub fn deals_at_risk(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "PipelineId | null")] pipeline: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .deals_at_risk(parse_optional("pipeline", &pipeline)?))
    }

    /// Open deals expected to close between two days.
    #[wasm_bindgen(js_name = dealsClosing, unchecked_return_type = "Deal[]")]
    pub fn deals_closing(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ClosingQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.deals_closing(&arg("query", &query)?))
    }

    /// Owners ranked by the value of the deals they won in a range.
    #[wasm_bindgen(unchecked_return_type = "Leaderboard")]
    pub fn leaderboard(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TimeRange")] closed: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.leaderboard(arg("closed", &closed)?))
    }

    // ---- activities and timelines ----

    /// The activity with this id.
    #[wasm_bindgen(js_name = getActivity, unchecked_return_type = "Activity")]
    pub fn get_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_activity(parse("id", &id)?))
    }

    /// One page of a record's timeline: its creation, its activities, a deal's stage changes
    /// and the record's changes, newest first unless asked otherwise.
    #[wasm_bindgen(unchecked_return_type = "TimelinePage")]
    pub fn timeline(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TimelineQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.timeline(&arg("query", &query)?))
    }

    /// A contact's journey: its done exchanges with a channel, oldest first.
    #[wasm_bindgen(js_name = customerJourney, unchecked_return_type = "Journey")]
    pub fn customer_journey(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactId")] contact: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.customer_journey(parse("contact", &contact)?))
    }

    /// The activities planned on completing this one.
    #[wasm_bindgen(js_name = followUps, unchecked_return_type = "Activity[]")]
    pub fn follow_ups(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.follow_ups(parse("id", &id)?))
    }

    /// The chain of follow-ups this activity belongs to, from its first activity on.
    #[wasm_bindgen(js_name = activityChain, unchecked_return_type = "Activity[]")]
    pub fn activity_chain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.activity_chain(parse("id", &id)?))
    }

    /// An owner's open, overdue, due-today or done tasks.
    #[wasm_bindgen(unchecked_return_type = "Activity[]")]
    pub fn tasks(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TaskQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.tasks(&arg("query", &query)?))
    }

    /// The occurrences of an activity from `from` on (RFC 3339), until `until` when given (a
    /// series that never ends needs it).
    #[wasm_bindgen(js_name = activityOccurrences, unchecked_return_type = "TimeSpan[]")]
    pub fn activity_occurrences(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] from: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] until: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.activity_occurrences(
            parse("id", &id)?,
            arg("from", &from)?,
            arg("until", &until)?,
        ))
    }

    /// Records an activity: a call, meeting, task, note, email or other exchange.
    #[wasm_bindgen(js_name = createActivity, unchecked_return_type = "Activity")]
    pub fn create_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.create_activity(arg("input", &input)?))
    }

    /// Replaces an activity's editable fields.
    #[wasm_bindgen(js_name = updateActivity, unchecked_return_type = "Activity")]
    pub fn update_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ActivityInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .update_activity(parse("id", &id)?, arg("input", &input)?))
    }

    /// Marks a planned activity done, and plans the next one when asked.
    #[wasm_bindgen(js_name = completeActivity, unchecked_return_type = "CompletedActivity")]
    pub fn complete_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Completion")] completion: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .complete_activity(parse("id", &id)?, arg("completion", &completion)?))
    }

    /// Sets a done or cancelled activity back to planned.
    #[wasm_bindgen(js_name = reopenActivity, unchecked_return_type = "Activity")]
    pub fn reopen_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.reopen_activity(parse("id", &id)?))
    }

    /// Calls an activity off.
    #[wasm_bindgen(js_name = cancelActivity, unchecked_return_type = "Activity")]
    pub fn cancel_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.cancel_activity(parse("id", &id)?))
    }

    /// Records a participant's answer to an invitation.
    #[wasm_bindgen(js_name = respondToActivity, unchecked_return_type = "Activity")]
    pub fn respond_to_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ParticipantResponse")] response: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .respond_to_activity(parse("id", &id)?, arg("response", &response)?))
    }

    /// Deletes an activity; its follow-ups stay, without the link back.
    #[wasm_bindgen(js_name = deleteActivity)]
    pub fn delete_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ActivityId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.delete_activity(parse("id", &id)?).map_err(throw)
    }

    // ---- calendars ----

    /// The calendar with this id.
    #[wasm_bindgen(js_name = getCalendar, unchecked_return_type = "Calendar")]
    pub fn get_calendar(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CalendarId")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.get_calendar(parse("id", &id)?))
    }

    /// Every calendar, in the order they were created.
    #[wasm_bindgen(unchecked_return_type = "Calendar[]")]
    pub fn calendars(&self) -> Result<JsValue, JsValue> {
        out(self.inner.calendars())
    }

    /// The event occurrences of a calendar or a user in a range, by start.
    #[wasm_bindgen(unchecked_return_type = "EventInstance[]")]
    pub fn agenda(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AgendaQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.agenda(&arg("query", &query)?))
    }

    /// When a user is busy in a range.
    #[wasm_bindgen(js_name = freeBusy, unchecked_return_type = "TimeSpan[]")]
    pub fn free_busy(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FreeBusyQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.free_busy(&arg("query", &query)?))
    }

    /// The reminders due in a range, in time order.
    #[wasm_bindgen(js_name = remindersDue, unchecked_return_type = "DueReminder[]")]
    pub fn reminders_due(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReminderQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.reminders_due(&arg("query", &query)?))
    }

    /// A calendar, or its events in a range, as the text of an iCalendar (`.ics`) file.
    #[wasm_bindgen(js_name = exportIcal)]
    pub fn export_ical(
        &self,
        #[wasm_bindgen(unchecked_param_type = "IcalExport")] ical_export: JsValue,
    ) -> Result<String, JsValue> {
        self.inner
            .export_ical(&arg("export", &ical_export)?)
            .map_err(throw)
    }

    /// Creates a calendar.
    #[wasm_bindgen(js_name = createCalendar, unchecked_return_type = "Calendar")]
    pub fn create_calendar(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CalendarInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.create_calendar(arg("input", &input)?))
    }

    /// Replaces a calendar's name, owner, members and time zone.
    #[wasm_bindgen(js_name = updateCalendar, unchecked_return_type = "Calendar")]
    pub fn update_calendar(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CalendarId")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CalendarInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .update_calendar(parse("id", &id)?, arg("input", &input)?))
    }

    /// Deletes a calendar; its activities stay, outside any calendar.
    #[wasm_bindgen(js_name = deleteCalendar)]
    pub fn delete_calendar(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CalendarId")] id: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.delete_calendar(parse("id", &id)?).map_err(throw)
    }

    /// Imports the text of an iCalendar (`.ics`) file into a calendar in one transaction; what
    /// could not be imported is reported, never fatal.
    #[wasm_bindgen(js_name = importIcal, unchecked_return_type = "IcalImportReport")]
    pub fn import_ical(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CalendarId")] calendar: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] ics: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self
            .inner
            .import_ical(parse("calendar", &calendar)?, &text("ics", &ics)?))
    }

    // ---- the test clock ----

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
}

// The operations of crm-core's operation table, written from it by `crm_macros` in the style
// of the methods above (camelCase names, TypeScript types derived from the Rust types, the
// same argument readers, so the same refusals). The rest are still written above by hand.
crm_core::operation_table!(crm_macros::wasm_operations);
