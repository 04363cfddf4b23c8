//! The iCalendar reader on arbitrary text: no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    crm_core::fuzzing::parse_ical(text);
});
