//! WebAssembly bindings of crm-core for browsers, workers and Node.
//!
//! This crate only translates: every method of [`Crm`] converts its arguments from
//! JavaScript values (the core's serde form, checked against the generated TypeScript types),
//! calls one `crm_core::Crm` method, and converts the result back. Errors are thrown as
//! JavaScript `Error` objects named `CrmError` carrying `code`, `field`, `reason` and
//! `existing`. The clock reads `Date.now()` (the standard library has none here) and ids are
//! seeded from `Math.random()` unless the options ask for a manual clock and sequential ids.
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
    /** Start a manual clock at this instant (RFC 3339) instead of reading `Date.now()`. */
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
    code: "not_found" | "validation" | "conflict" | "closed" | "storage" | "version" | "cancelled" | "internal";
    /** The input field at fault, for `validation` and `conflict`. */
    field?: string;
    /** Why, without the values you gave. */
    reason?: string;
    /** The id of the record in the way, for `conflict`. */
    existing?: string;
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

fn builder(options: Option<js_sys::Object>) -> Result<crm_core::CrmBuilder, JsValue> {
    let o: OpenOptions = match options {
        Some(o) if !o.is_null() => arg("options", &o)?,
        _ => OpenOptions::default(),
    };
    let mut b = crm_core::Crm::builder();
    b = match o.clock_start {
        Some(start) => b.clock(Arc::new(crm_core::ManualClock::stepping(
            start,
            Duration::milliseconds(o.clock_step_millis),
        ))),
        None => b.clock(Arc::new(JsClock)),
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
    Ok(b)
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
        Ok(Crm {
            inner: builder(options)?.open_in_memory().map_err(throw)?,
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
        Ok(Crm {
            inner: builder(options)?
                .open_bytes(self::bytes(&bytes)?)
                .map_err(throw)?,
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
        let b = builder(options)?;
        let name = text("name", &name)?;
        let backend = opfs::OpfsBackend::open(&name, None).await?;
        Ok(Crm {
            inner: b.open_backend(backend).map_err(throw)?,
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
        let b = builder(options)?;
        let name = text("name", &name)?;
        let bytes = self::bytes(&bytes)?;
        let backend = opfs::OpfsBackend::open(&name, Some(&bytes)).await?;
        Ok(Crm {
            inner: b.open_backend(backend).map_err(throw)?,
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

    /// One page of contacts.
    #[wasm_bindgen(js_name = listContacts, unchecked_return_type = "ContactPage")]
    pub fn list_contacts(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.list_contacts(&arg("query", &query)?))
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

    /// Creates a contact.
    #[wasm_bindgen(js_name = createContact, unchecked_return_type = "Contact")]
    pub fn create_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContactInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        out(self.inner.create_contact(arg("input", &input)?))
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
}
