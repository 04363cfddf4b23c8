//! What every operation may consult besides the store: the clock, the id source, settings.

#[cfg(not(target_arch = "wasm32"))]
use std::cell::Cell;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, SubsecRound, Utc};

use crate::values::clock::Clock;
use crate::values::id::IdSource;

/// The injected services of an open CRM.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdSource>,
    /// The region national phone numbers are read in when a record gives no country.
    pub(crate) phone_region: Option<String>,
    /// The highest id minted or stored so far: no id at or below it is minted again, even by
    /// an id source that restarts (sequential ids after reopening a backup) or a clock that
    /// moved back.
    pub(crate) floor: Arc<Mutex<u128>>,
}

impl Ctx {
    /// The current instant, to the microsecond (the precision stored).
    pub(crate) fn now(&self) -> DateTime<Utc> {
        foreign(|| self.clock.now()).trunc_subsecs(6)
    }

    /// A new raw id for a record created at `now`.
    pub(crate) fn mint(&self, now: DateTime<Utc>) -> u128 {
        let id = foreign(|| self.ids.next_id(now));
        let mut floor = self.floor.lock().unwrap_or_else(|e| e.into_inner());
        let id = if id > *floor {
            id
        } else {
            floor.saturating_add(1)
        };
        *floor = id;
        id
    }

    /// Makes sure no id at or below `raw` is minted from now on.
    pub(crate) fn raise_floor(&self, raw: u128) {
        let mut floor = self.floor.lock().unwrap_or_else(|e| e.into_inner());
        *floor = (*floor).max(raw);
    }

    /// A context on the system clock and random ids, for unit tests of internals.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Ctx {
        Ctx {
            clock: Arc::new(crate::values::clock::SystemClock),
            ids: Arc::new(crate::values::id::RandomIds::new()),
            phone_region: None,
            floor: Arc::new(Mutex::new(0)),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    /// Whether the panic unwinding on this thread began in code the library does not own.
    static FOREIGN_PANIC: Cell<bool> = const { Cell::new(false) };
}

/// Runs code the library does not own: a caller's progress callback, clock or id source. A
/// panic in it is marked as the caller's, so that the storage layer, which turns panics of
/// the storage engine on damaged bytes into errors, lets it through unchanged (a binding
/// then reports it as its language's own failure). On `wasm32` a panic aborts: nothing to mark.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn foreign<T>(f: impl FnOnce() -> T) -> T {
    struct Mark;
    impl Drop for Mark {
        fn drop(&mut self) {
            if std::thread::panicking() {
                FOREIGN_PANIC.set(true);
            }
        }
    }
    let _mark = Mark;
    f()
}

/// See the native [`foreign`].
#[cfg(target_arch = "wasm32")]
pub(crate) fn foreign<T>(f: impl FnOnce() -> T) -> T {
    f()
}

/// Whether the panic being caught began in [`foreign`] code; `clear` forgets it (when it
/// leaves the library).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn foreign_panic(clear: bool) -> bool {
    if clear {
        FOREIGN_PANIC.replace(false)
    } else {
        FOREIGN_PANIC.get()
    }
}
