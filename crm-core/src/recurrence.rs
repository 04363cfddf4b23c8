//! Recurring events: the rule (a subset of RFC 5545's RRULE) and its expansion over a range.
//!
//! TYPES ONLY for now; the expansion is being written (see `expand`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::codec;

/// How often a recurring event repeats.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Frequency {
    /// Every `interval` days.
    #[n(0)]
    Daily,
    /// Every `interval` weeks (weeks start on Monday).
    #[n(1)]
    Weekly,
    /// Every `interval` months.
    #[n(2)]
    Monthly,
    /// Every `interval` years.
    #[n(3)]
    Yearly,
}

/// A day of the week.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Weekday {
    /// Monday.
    #[n(0)]
    Monday,
    /// Tuesday.
    #[n(1)]
    Tuesday,
    /// Wednesday.
    #[n(2)]
    Wednesday,
    /// Thursday.
    #[n(3)]
    Thursday,
    /// Friday.
    #[n(4)]
    Friday,
    /// Saturday.
    #[n(5)]
    Saturday,
    /// Sunday.
    #[n(6)]
    Sunday,
}

/// When a recurring event repeats: a subset of RFC 5545's RRULE, read in the event's time
/// zone (so a 09:00 meeting stays at 09:00 local time across daylight-saving changes).
///
/// - `daily`: every `interval` days; with `weekdays`, only on those days (`FREQ=DAILY;BYDAY=…`).
/// - `weekly`: every `interval` weeks on `weekdays` (the start's weekday when empty).
/// - `monthly`: on the start's day of the month (months without that day are skipped); with
///   `weekdays`, on those weekdays of the month, and with `position` only on the n-th of them
///   (1 = first, -1 = last: "the second Tuesday" is `weekdays: [tuesday], position: 2`).
/// - `yearly`: on the start's month and day (29 February only in leap years).
///
/// The first instance is the event's own start. `until` (inclusive) or `count` (instances
/// generated, exceptions included, as in RFC 5545) ends the series; with neither it never
/// ends. `exceptions` are the starts of instances that were removed.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Recurrence {
    /// How often.
    #[n(0)]
    pub frequency: Frequency,
    /// Every how many days, weeks, months or years; 1 when absent.
    #[n(1)]
    #[serde(default = "one")]
    #[cbor(default)]
    pub interval: u32,
    /// The weekdays it falls on (see the type's docs).
    #[n(2)]
    #[serde(default)]
    pub weekdays: Vec<Weekday>,
    /// With `monthly` and `weekdays`: which of those weekdays of the month (1 to 5, or -1 to
    /// -5 counting from the end).
    #[n(3)]
    #[serde(default)]
    pub position: Option<i8>,
    /// The last instant an instance may start at (inclusive).
    #[n(4)]
    #[serde(default)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub until: Option<DateTime<Utc>>,
    /// How many instances the rule generates.
    #[n(5)]
    #[serde(default)]
    pub count: Option<u32>,
    /// Starts of removed instances.
    #[n(6)]
    #[serde(default)]
    #[cbor(with = "codec::instants", has_nil)]
    pub exceptions: Vec<DateTime<Utc>>,
}

fn one() -> u32 {
    1
}
