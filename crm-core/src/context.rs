//! What every operation may consult besides the store: the clock, the id source, settings.

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};

use crate::clock::Clock;
use crate::id::IdSource;

/// The injected services of an open CRM.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdSource>,
    /// The region national phone numbers are read in when a record gives no country.
    pub(crate) phone_region: Option<String>,
}

impl Ctx {
    /// The current instant, to the microsecond (the precision stored).
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now().trunc_subsecs(6)
    }

    /// A new raw id for a record created at `now`.
    pub(crate) fn mint(&self, now: DateTime<Utc>) -> u128 {
        self.ids.next_id(now)
    }
}
