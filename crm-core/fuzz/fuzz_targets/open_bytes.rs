//! Arbitrary bytes opened as a CRM file (in memory), then verified, listed and searched: a
//! typed error or a result, never a panic reaching the caller. The library turns panics of
//! the storage engine on damaged pages into errors; libFuzzer's hook would abort on those
//! contained panics, so the target installs a quiet one, and a panic that escapes the
//! library still aborts (libfuzzer-sys catches it and aborts).
#![no_main]

use crm_core::{ContactQuery, Crm, SearchQuery};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
        let Ok(crm) = Crm::builder().open_bytes(data.to_vec()) else {
            return;
        };
        let _ = crm.verify();
        let _ = crm.list_contacts(&ContactQuery::default());
        let _ = crm.search(&SearchQuery::new("a"));
        let _ = crm.pipelines();
    }
);
