//! WebAssembly bindings of crm-core for browsers and Node.
//!
//! A first, small surface: open an in-memory CRM, create contacts from JSON, search. Every
//! method is a line or two over the core; records cross as JSON text. The full typed API
//! comes with the bindings issue.

use std::sync::Arc;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Date.now()`: the standard library has no clock on `wasm32-unknown-unknown`.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// Reads the time from JavaScript.
#[derive(Debug)]
struct JsClock;

impl crm_core::Clock for JsClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(date_now() as i64).unwrap_or_default()
    }
}

fn js_error(e: crm_core::Error) -> JsError {
    JsError::new(&format!("{}: {e}", e.code()))
}

fn json_error(e: serde_json::Error) -> JsError {
    JsError::new(&format!("validation: invalid input: {e}"))
}

/// An open CRM.
#[wasm_bindgen]
pub struct Crm {
    inner: crm_core::Crm,
}

#[wasm_bindgen]
impl Crm {
    /// Opens a new in-memory CRM; `seed` seeds the id generator (pass random bits).
    #[wasm_bindgen(js_name = openInMemory)]
    pub fn open_in_memory(seed: f64) -> Result<Crm, JsError> {
        let inner = crm_core::Crm::builder()
            .clock(Arc::new(JsClock))
            .id_source(Arc::new(crm_core::RandomIds::from_seed(seed.to_bits())))
            .open_in_memory()
            .map_err(js_error)?;
        Ok(Crm { inner })
    }

    /// Creates a contact from a JSON `ContactInput`; returns the stored contact as JSON.
    #[wasm_bindgen(js_name = createContact)]
    pub fn create_contact(&self, input: &str) -> Result<String, JsError> {
        let input = serde_json::from_str(input).map_err(json_error)?;
        let contact = self.inner.create_contact(input).map_err(js_error)?;
        serde_json::to_string(&contact).map_err(json_error)
    }

    /// Full-text search; returns the hits as JSON.
    pub fn search(&self, text: &str) -> Result<String, JsError> {
        let hits = self
            .inner
            .search(&crm_core::SearchQuery::new(text))
            .map_err(js_error)?;
        serde_json::to_string(&hits).map_err(json_error)
    }

    /// Closes the CRM; later calls fail with a `closed` error.
    pub fn close(&self) -> Result<(), JsError> {
        self.inner.close().map_err(js_error)
    }
}
