//! Where the library reads the time. Inject a [`ManualClock`] to make timestamps deterministic.

use std::fmt;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// A source of the current instant, in UTC.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock.
///
/// Not available on `wasm32-unknown-unknown`, where the standard library has no clock: the
/// WebAssembly binding injects one that reads `Date.now()`.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        {
            DateTime::<Utc>::from(std::time::SystemTime::now())
        }
        // Never reached through the builder, which refuses to open without a clock on this
        // target; the epoch keeps the function total instead of panicking.
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        {
            DateTime::<Utc>::UNIX_EPOCH
        }
    }
}

/// A clock that only moves when told to, and optionally by a fixed step at every reading.
#[derive(Debug)]
pub struct ManualClock {
    state: Mutex<(DateTime<Utc>, Duration)>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self::stepping(start, Duration::zero())
    }

    /// A clock that starts at `start` and moves forward by `step` after every reading, so that
    /// consecutive writes get distinct, predictable timestamps.
    pub fn stepping(start: DateTime<Utc>, step: Duration) -> Self {
        ManualClock {
            state: Mutex::new((start, step)),
        }
    }

    /// Sets the time.
    pub fn set(&self, now: DateTime<Utc>) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0 = now;
    }

    /// Moves the time forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 = state.0.checked_add_signed(by).unwrap_or(state.0);
    }

    /// Moves the time like [`ManualClock::advance`] and returns the instant the next reading
    /// will give, without taking a step.
    pub fn advance_and_peek(&self, by: Duration) -> DateTime<Utc> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 = state.0.checked_add_signed(by).unwrap_or(state.0);
        state.0
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = state.0;
        state.0 = now.checked_add_signed(state.1).unwrap_or(now);
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn manual_clock_steps() {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let c = ManualClock::stepping(t, Duration::seconds(1));
        assert_eq!(c.now(), t);
        assert_eq!(c.now(), t + Duration::seconds(1));
        c.advance(Duration::hours(1));
        assert_eq!(c.now(), t + Duration::seconds(2) + Duration::hours(1));
        c.set(t);
        assert_eq!(c.now(), t);
        let next = c.advance_and_peek(Duration::minutes(1));
        assert_eq!(next, t + Duration::seconds(1) + Duration::minutes(1));
        assert_eq!(c.now(), next);
    }
}
