//! The binding seen from Rust, run in Node by wasm-bindgen-test-runner:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=<target>/tools/bin/wasm-bindgen-test-runner
//! cargo test -p crm-wasm --target wasm32-unknown-unknown` (scripts/bindings-js.sh does it).
//!
//! Only what the binding adds is tested here: options, the clock, errors as `CrmError`
//! objects, argument names in errors, progress callbacks, backups. Business rules are the
//! scenarios' job.
#![cfg(target_arch = "wasm32")]

use chrono::{DateTime, Utc};
use crm_wasm::Crm;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

const START: &str = "2026-11-22T09:00:00Z";

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("valid JSON in the test")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).expect("an object")
}

fn string(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

/// Options as the binding receives them: an object, or nothing.
fn opts(v: JsValue) -> Option<js_sys::Object> {
    (!v.is_undefined()).then(|| v.unchecked_into())
}

fn fixed() -> Option<js_sys::Object> {
    opts(json(&format!(
        r#"{{"clock_start": "{START}", "clock_step_millis": 1000, "sequential_ids": true, "default_phone_region": "PL"}}"#
    )))
}

fn instant(v: &JsValue, key: &str) -> DateTime<Utc> {
    let s = string(v, key).unwrap_or_else(|| panic!("{key} is not a string"));
    DateTime::parse_from_rfc3339(&s)
        .unwrap_or_else(|e| panic!("{key} = {s:?} is not RFC 3339: {e}"))
        .with_timezone(&Utc)
}

/// The thrown value must be a JavaScript `Error` named `CrmError`; returns (code, field).
#[track_caller]
fn crm_error<T>(r: Result<T, JsValue>) -> (String, Option<String>) {
    let Err(thrown) = r else {
        panic!("the call should throw")
    };
    let e = thrown
        .dyn_ref::<js_sys::Error>()
        .unwrap_or_else(|| panic!("not an Error: {thrown:?}"));
    assert_eq!(String::from(e.name()), "CrmError");
    assert!(!String::from(e.message()).is_empty());
    let code = string(&thrown, "code").expect("a string code");
    (code, string(&thrown, "field"))
}

#[track_caller]
fn validation_on<T>(r: Result<T, JsValue>, field: &str) {
    assert_eq!(
        crm_error(r),
        ("validation".to_string(), Some(field.to_string()))
    );
}

fn count(crm: &Crm) -> f64 {
    crm.count_contacts(json("{}")).expect("count")
}

fn throwing(thrown: JsValue) -> Closure<dyn FnMut(JsValue) -> Result<bool, JsValue>> {
    Closure::new(move |_progress: JsValue| Err(thrown.clone()))
}

fn callback(c: &Closure<dyn FnMut(JsValue) -> Result<bool, JsValue>>) -> js_sys::Function {
    c.as_ref().unchecked_ref::<js_sys::Function>().clone()
}

#[wasm_bindgen_test]
fn without_options_the_clock_is_date_now_and_ids_are_random() {
    for options in [JsValue::UNDEFINED, JsValue::NULL, json("{}")] {
        let a = Crm::open_in_memory(opts(options.clone())).expect("opens");
        let before = js_sys::Date::now();
        let c = a
            .create_contact(json(r#"{"given_name": "Zofia"}"#))
            .unwrap();
        let after = js_sys::Date::now();
        let created = instant(&c, "created_at").timestamp_millis() as f64;
        assert!(
            before - 1.0 <= created && created <= after + 1.0,
            "created_at {created} is not between {before} and {after}"
        );
        let b = Crm::open_in_memory(opts(options)).unwrap();
        let d = b
            .create_contact(json(r#"{"given_name": "Zofia"}"#))
            .unwrap();
        assert_ne!(string(&c, "id"), string(&d, "id"), "random ids differ");
    }
}

#[wasm_bindgen_test]
fn options_set_the_clock_the_ids_and_the_phone_region() {
    let a = Crm::open_in_memory(fixed()).unwrap();
    let c = a
        .create_contact(json(
            r#"{"given_name": "Zofia", "phones": [{"number": "601 234 567"}]}"#,
        ))
        .unwrap();
    // Opening a new CRM reads the clock once (for its default pipeline).
    assert_eq!(
        instant(&c, "created_at").to_rfc3339(),
        "2026-11-22T09:00:01+00:00"
    );
    let phone = js_sys::Array::from(&get(&c, "phones")).get(0);
    assert_eq!(string(&phone, "e164").as_deref(), Some("+48601234567"));
    let later = a.create_contact(json(r#"{"given_name": "Jan"}"#)).unwrap();
    assert!(
        instant(&later, "created_at") > instant(&c, "created_at"),
        "the clock steps"
    );

    let b = Crm::open_in_memory(fixed()).unwrap();
    let d = b
        .create_contact(json(r#"{"given_name": "Zofia"}"#))
        .unwrap();
    assert_eq!(string(&c, "id"), string(&d, "id"), "sequential ids repeat");
}

#[wasm_bindgen_test]
fn bad_options_are_a_validation_error_on_the_option() {
    for (bad, field) in [
        (json(r#"{"clock_start": "yesterday"}"#), "clock_start"),
        (json(r#"{"sequential_ids": "yes"}"#), "sequential_ids"),
        (json(r#"{"sequentail_ids": true}"#), "sequentail_ids"),
        (JsValue::from(5), "options"),
    ] {
        validation_on(Crm::open_in_memory(opts(bad)), field);
    }
}

#[wasm_bindgen_test]
fn errors_are_crm_errors_with_code_field_reason_and_existing() {
    let crm = Crm::open_in_memory(fixed()).unwrap();
    validation_on(crm.create_contact(json("{}")), "display_name");
    let r = crm.create_contact(json("{}"));
    let thrown = r.unwrap_err();
    assert!(thrown.is_instance_of::<js_sys::Error>());
    assert!(string(&thrown, "reason").is_some_and(|r| !r.is_empty()));

    let first = crm
        .create_contact(json(r#"{"emails": [{"address": "ana@dacia.ro"}]}"#))
        .unwrap();
    let thrown = crm
        .create_contact(json(r#"{"emails": [{"address": "ANA@dacia.ro"}]}"#))
        .unwrap_err();
    assert_eq!(string(&thrown, "code").as_deref(), Some("conflict"));
    assert_eq!(
        string(&thrown, "field").as_deref(),
        Some("emails[0].address")
    );
    assert_eq!(string(&thrown, "existing"), string(&first, "id"));

    let missing = crm.get_contact("contact_00000000000000000000000000".into());
    assert_eq!(crm_error(missing), ("not_found".to_string(), None));

    crm.close().unwrap();
    assert_eq!(crm_error(crm.verify()).0, "closed");
}

#[wasm_bindgen_test]
fn a_shape_error_names_the_argument_and_not_the_value() {
    let crm = Crm::open_in_memory(fixed()).unwrap();
    validation_on(crm.create_contact(JsValue::from(5)), "input");
    validation_on(crm.list_contacts(JsValue::from_str("all")), "query");
    // Below the argument, the path of the value at fault.
    validation_on(
        crm.count_contacts(json(r#"{"archived": "sometimes"}"#)),
        "archived",
    );
    validation_on(crm.search(json(r#"{"text": 5}"#)), "text");
    validation_on(crm.field_defs(JsValue::from_str("planet")), "kind");
    validation_on(crm.import_records(JsValue::from(7), None), "data");
    validation_on(crm.define_relation_type(json("{}")), "key");
    validation_on(
        crm.list_contacts(json(
            r#"{"filter": {"conditions": [{"field": "given_name", "op": "eq", "value": {"txt": "Ana"}}]}}"#,
        )),
        "filter.conditions[0].value",
    );
    // An unknown name is refused listing the names allowed (they are not personal data).
    let thrown = crm
        .count_contacts(json(r#"{"archived": "sometimes"}"#))
        .unwrap_err();
    let reason = string(&thrown, "reason").unwrap_or_default();
    assert!(
        reason.contains("exclude") && reason.contains("include") && reason.contains("only"),
        "{reason}"
    );
    let thrown = crm
        .create_contact(json(r#"{"given_name": "Ana", "emial": ["a@b.pl"]}"#))
        .unwrap_err();
    assert_eq!(string(&thrown, "field").as_deref(), Some("emial"));
    let reason = string(&thrown, "reason").unwrap_or_default();
    assert!(
        reason.contains("emails") && reason.contains("given_name"),
        "{reason}"
    );
    // A required field left out of a deal names it.
    validation_on(crm.create_deal(json("{}")), "title");
    let c = crm
        .create_contact(json(r#"{"given_name": "Ana"}"#))
        .unwrap();
    let id = string(&c, "id").unwrap();
    validation_on(crm.update_contact(id.into(), JsValue::TRUE), "input");

    let thrown = crm
        .create_contact(json(r#"{"emails": "secret.person@example.com"}"#))
        .unwrap_err();
    for key in ["message", "reason"] {
        let text = string(&thrown, key).unwrap_or_default();
        assert!(!text.is_empty(), "{key} is empty");
        assert!(
            !text.contains("secret.person"),
            "{key} quotes the input: {text}"
        );
    }
}

#[wasm_bindgen_test]
fn ids_that_do_not_parse_are_a_validation_error_on_the_argument() {
    let crm = Crm::open_in_memory(fixed()).unwrap();
    let company = crm.create_company(json(r#"{"name": "Dacia"}"#)).unwrap();
    let company_id = string(&company, "id").unwrap();
    validation_on(crm.get_contact("nope".into()), "id");
    validation_on(crm.get_contact(company_id.clone().into()), "id");
    validation_on(crm.get_company("".into()), "id");
    validation_on(crm.delete_contact("contact_".into()), "id");
    validation_on(crm.relations_of("nope".into()), "record");
    validation_on(crm.unrelate(company_id.into()).map(|_| ()), "id");
    // A record reference takes either kind.
    assert!(
        crm.relations_of(string(&company, "id").unwrap().into())
            .is_ok()
    );
}

#[wasm_bindgen_test]
fn a_throwing_progress_callback_is_rethrown_and_nothing_is_written() {
    let crm = Crm::open_in_memory(fixed()).unwrap();
    let data =
        json(r#"{"contacts": [{"given_name": "A"}, {"given_name": "B"}, {"given_name": "C"}]}"#);

    let thrown: JsValue = js_sys::Error::new("stop right there").into();
    let cb = throwing(thrown.clone());
    let err = crm
        .import_records(data.clone(), Some(callback(&cb)))
        .expect_err("the import fails");
    assert!(
        js_sys::Object::is(&err, &thrown),
        "the callback's own exception: {err:?}"
    );
    assert_eq!(count(&crm), 0.0, "nothing was written");

    // A thrown non-Error value comes back as it was thrown.
    let cb = throwing(JsValue::from_str("plain string"));
    let err = crm
        .import_records(data.clone(), Some(callback(&cb)))
        .unwrap_err();
    assert_eq!(err.as_string().as_deref(), Some("plain string"));
    assert_eq!(count(&crm), 0.0);

    let cb = throwing(thrown.clone());
    let err = crm.backup(Some(callback(&cb))).unwrap_err();
    assert!(js_sys::Object::is(&err, &thrown));

    // Returning false cancels.
    let cancel = js_sys::Function::new_with_args("p", "return false");
    let (code, _) = crm_error(crm.import_records(data.clone(), Some(cancel.clone())));
    assert_eq!(code, "cancelled");
    assert_eq!(crm_error(crm.backup(Some(cancel))).0, "cancelled");
    assert_eq!(count(&crm), 0.0);

    // Anything but false continues; the callback sees numbers.
    let seen = js_sys::Array::new();
    let record = js_sys::Function::new_with_args(
        "p",
        "this.push(p); if (typeof p.done !== 'number' || typeof p.total !== 'number') throw new Error('not numbers');",
    )
    .bind0(&seen);
    let report = crm.import_records(data, Some(record)).unwrap();
    assert_eq!(js_sys::Array::from(&get(&report, "contacts")).length(), 3);
    assert!(seen.length() > 0, "the callback was called");
    assert_eq!(count(&crm), 3.0);
}

#[wasm_bindgen_test]
fn a_backup_reopens_with_open_bytes() {
    let crm = Crm::open_in_memory(fixed()).unwrap();
    let ana = crm
        .create_contact(json(r#"{"given_name": "Ana", "family_name": "Popescu"}"#))
        .unwrap();
    crm.create_company(json(r#"{"name": "Dacia"}"#)).unwrap();
    let bytes = crm.backup(None).unwrap();
    assert!(!bytes.is_empty());

    let copy = Crm::open_bytes(js_sys::Uint8Array::from(&bytes[..]).into(), None).unwrap();
    let again = copy
        .get_contact(string(&ana, "id").unwrap().into())
        .unwrap();
    assert_eq!(
        string(&again, "display_name").as_deref(),
        Some("Ana Popescu")
    );
    assert_eq!(count(&copy), 1.0);
    assert_eq!(copy.count_companies(json("{}")).unwrap(), 1.0);
    assert!(
        js_sys::Array::from(&get(&copy.verify().unwrap(), "problems")).length() == 0,
        "the copy verifies"
    );
    // The copy is independent of the original.
    copy.create_contact(json(r#"{"given_name": "Jan"}"#))
        .unwrap();
    assert_eq!(count(&copy), 2.0);
    assert_eq!(count(&crm), 1.0);

    let (code, _) = crm_error(Crm::open_bytes(
        js_sys::Uint8Array::from(&[1u8, 2, 3, 4][..]).into(),
        None,
    ));
    assert!(code == "corrupt", "garbage bytes: {code}");
}

#[wasm_bindgen_test]
fn advance_clock_moves_the_manual_clock_and_needs_one() {
    let crm = Crm::open_in_memory(fixed()).unwrap();
    let at = crm.advance_clock(JsValue::from(0)).unwrap();
    assert_eq!(
        crm.advance_clock(JsValue::from(0)).unwrap(),
        at,
        "0 only reads"
    );
    let later = crm.advance_clock(JsValue::from(86_400_000)).unwrap();
    let c = crm
        .create_contact(json(r#"{"given_name": "Zofia"}"#))
        .unwrap();
    assert_eq!(instant(&c, "created_at").to_rfc3339(), {
        let t: DateTime<Utc> = later.parse().expect("RFC 3339");
        t.to_rfc3339()
    });
    let day = instant(&c, "created_at") - at.parse::<DateTime<Utc>>().unwrap();
    assert_eq!(day.num_milliseconds(), 86_400_000);
    validation_on(crm.advance_clock(JsValue::from(0.5)), "millis");
    validation_on(crm.advance_clock(JsValue::UNDEFINED), "millis");

    let real = Crm::open_in_memory(None).unwrap();
    validation_on(real.advance_clock(JsValue::from(1000)), "clock_start");
}

#[wasm_bindgen_test]
fn unknown_currencies_and_ids_of_other_kinds_are_validation_errors() {
    let crm = Crm::open_in_memory(fixed()).unwrap();
    validation_on(crm.set_reporting_currency("XYZ".into()), "currency");
    validation_on(crm.exchange_rates("EUR".into(), "EURO".into()), "quote");
    validation_on(
        crm.convert_money(
            json(r#"{"amount_minor": 100, "currency": "EUR"}"#),
            "??".into(),
            "2026-11-22".into(),
        ),
        "to",
    );
    let lead = crm
        .create_lead(json(r#"{"company_name": "Pop SRL"}"#))
        .unwrap();
    validation_on(crm.get_deal(get(&lead, "id")), "id");
    validation_on(crm.deals_at_risk("pipeline_".into()), "pipeline");
    assert!(crm.deals_at_risk(JsValue::NULL).is_ok());
    assert!(crm.deals_at_risk(JsValue::UNDEFINED).is_ok());
}
