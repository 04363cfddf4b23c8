//! Arbitrary bytes rescued (`CrmBuilder::rescue_bytes`): a typed error, or a new CRM that
//! opens and verifies clean; never a panic. Panics the library contains stay quiet (see
//! `open_bytes.rs`); one that escapes aborts.
#![no_main]

use crm_core::{ContactQuery, Crm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
        let Ok(rescued) = Crm::builder().rescue_bytes(data.to_vec()) else {
            return;
        };
        let crm = Crm::builder()
            .open_bytes(rescued.bytes)
            .expect("a rescued CRM opens");
        let report = crm.verify().expect("a rescued CRM verifies");
        assert!(report.is_ok(), "a rescued CRM has problems: {report:?}");
        crm.list_contacts(&ContactQuery::default())
            .expect("a rescued CRM lists its contacts");
    }
);
