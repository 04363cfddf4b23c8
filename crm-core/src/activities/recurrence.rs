//! Recurring events: the rule (a subset of RFC 5545's RRULE) and its expansion over a range.
//!
//! A [`Recurrence`] is read against its event's start and IANA time zone. The series is cut
//! into *periods* (a day, a Monday-first week, a month or a year, every `interval`-th one
//! counted from the start's), each period names its candidate local dates, and every
//! candidate takes the start's local wall-clock time. A local time that does not exist
//! (spring forward) is read with the offset before the gap, so it moves forward by the gap's
//! length; an ambiguous one (fall back) is the earlier instant. The start itself is always
//! the first instance; candidates at or before it, or at or before the previous instance, are
//! dropped, so instances strictly increase.
//!
//! [`expand`] lists the instances that overlap a range. Without `count` it jumps straight to
//! the period holding the range's start, so a series begun decades ago costs what a new one
//! does; with `count` it walks from the start (at most 10,000 instances). Every walk ends at
//! the range, at `until` or `count`, at the end of chrono's dates, or after
//! [`MAX_EMPTY_PERIODS`] periods in a row without an instance (a rule that can never produce
//! another one). [`validate`] checks and normalizes a rule given by a caller, [`zone`] reads
//! a time zone name, and [`last_start`] finds where a finite series ends, to index it.

use std::borrow::Cow;
use std::collections::VecDeque;

use chrono::{
    DateTime, Datelike, Days, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    SubsecRound, TimeZone, Utc,
};
use chrono_tz::{GapInfo, Tz};
use serde::{Deserialize, Serialize};

use crate::records::codec;
use crate::values::error::{Error, Result};
use crate::values::input;
use crate::values::order;

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
    /// The last instant an instance may start at (inclusive), in the years 1000 through 9999.
    #[n(4)]
    #[serde(default)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub until: Option<DateTime<Utc>>,
    /// How many instances the rule generates.
    #[n(5)]
    #[serde(default)]
    pub count: Option<u32>,
    /// Starts of removed instances (each in the years 1000 through 9999).
    #[n(6)]
    #[serde(default)]
    #[cbor(with = "codec::instants", has_nil)]
    pub exceptions: Vec<DateTime<Utc>>,
}

/// The default `interval`.
fn one() -> u32 {
    1
}

/// The largest `interval` [`validate`] accepts.
const MAX_INTERVAL: u32 = 1000;

/// The largest `count` [`validate`] accepts. The expansion reads a larger count (which only
/// an unvalidated rule can hold) as this one, so that no rule walks further.
const MAX_COUNT: u32 = 10_000;

/// The most exceptions a rule may hold.
const MAX_EXCEPTIONS: usize = 1000;

/// The largest `position` from either end of the month.
const MAX_POSITION: i8 = 5;

/// How many periods in a row without an instance a walk examines before it decides that the
/// rule will produce no more (a daily rule every 7 days on a weekday the start is not on).
/// Rules that can produce instances leave far shorter runs: the longest, a 29 February or a
/// fifth weekday of a fixed month, skip tens of periods.
const MAX_EMPTY_PERIODS: u32 = 10_000;

/// Days added around a bound before it is turned into a period: more than any UTC offset
/// plus any daylight-saving gap, so that no period holding an instance near the bound is
/// skipped.
const MARGIN: Days = Days::new(3);

/// Checks a rule given by a caller and returns it normalized: weekdays sorted Monday first
/// without repeats, `until` and the exceptions cut to the microsecond (the precision the
/// library stores), exceptions sorted without repeats.
///
/// `field` is the rule's path in the input, such as `recurrence`; an error names the part at
/// fault below it, such as `recurrence.interval`.
pub(crate) fn validate(rule: &Recurrence, field: &str) -> Result<Recurrence> {
    let invalid = |part: &str, reason: &str| Error::validation(format!("{field}.{part}"), reason);
    if rule.interval == 0 || rule.interval > MAX_INTERVAL {
        return Err(invalid("interval", "must be between 1 and 1000"));
    }
    if rule
        .count
        .is_some_and(|count| count == 0 || count > MAX_COUNT)
    {
        return Err(invalid("count", "must be between 1 and 10000"));
    }
    if rule.count.is_some() && rule.until.is_some() {
        return Err(invalid(
            "until",
            "cannot be combined with count; give one of them",
        ));
    }
    if let Some(position) = rule.position {
        if rule.frequency != Frequency::Monthly || rule.weekdays.is_empty() {
            return Err(invalid(
                "position",
                "needs the monthly frequency and weekdays",
            ));
        }
        if position == 0 || !(-MAX_POSITION..=MAX_POSITION).contains(&position) {
            return Err(invalid(
                "position",
                "must be 1 to 5, or -1 to -5 counting from the end of the month",
            ));
        }
    }
    if rule.frequency == Frequency::Yearly && !rule.weekdays.is_empty() {
        return Err(invalid(
            "weekdays",
            "cannot be used with the yearly frequency",
        ));
    }
    if rule.exceptions.len() > MAX_EXCEPTIONS {
        return Err(invalid("exceptions", "holds more than 1000 instants"));
    }
    if let Some(until) = rule.until {
        input::instant(&format!("{field}.until"), until)?;
    }
    for (i, t) in rule.exceptions.iter().enumerate() {
        input::instant(&format!("{field}.exceptions[{i}]"), *t)?;
    }
    let mut weekdays = rule.weekdays.clone();
    order::sort_unstable(&mut weekdays);
    weekdays.dedup();
    let mut exceptions: Vec<DateTime<Utc>> =
        rule.exceptions.iter().map(|t| t.trunc_subsecs(6)).collect();
    order::sort_unstable(&mut exceptions);
    exceptions.dedup();
    Ok(Recurrence {
        frequency: rule.frequency,
        interval: rule.interval,
        weekdays,
        position: rule.position,
        until: rule.until.map(|t| t.trunc_subsecs(6)),
        count: rule.count,
        exceptions,
    })
}

/// Reads an IANA time zone name (`Europe/Warsaw`); UTC when there is none. An unknown name is
/// a validation error on `field`.
pub(crate) fn zone(name: Option<&str>, field: &str) -> Result<Tz> {
    match name {
        None => Ok(Tz::UTC),
        Some(name) => name.parse::<Tz>().map_err(|_| {
            Error::validation(field, "is not an IANA time zone such as Europe/Warsaw")
        }),
    }
}

/// The starts of the instances of the series that begins at `start`, lasts `duration` each
/// time and repeats by `rule` in `tz`, which overlap `[from, to)`, in ascending order.
///
/// An instance `[s, s + duration)` overlaps when `s < to` and `s + duration > from`; with a
/// zero (or negative) duration, when `from <= s < to`. The start is always the first
/// instance, even off the rule or after `until`. Exceptions are removed after `count` has
/// counted them. Without `to` the rule's own end bounds the list.
///
/// `range_field` names the range in errors: it needs an end when the rule has none, and it
/// may hold at most `limit` instances. A rule `validate` would refuse is still expanded
/// without panicking: an interval of 0 reads as 1, a count above 10,000 as 10,000, weekdays
/// of a yearly rule and a position outside a monthly rule with weekdays are ignored, and a
/// position with no matching day yields nothing.
#[allow(
    clippy::too_many_arguments,
    reason = "the series, the range and the error's field are all independent inputs"
)]
pub(crate) fn expand(
    start: DateTime<Utc>,
    duration: Duration,
    tz: Tz,
    rule: &Recurrence,
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
    limit: usize,
    range_field: &str,
) -> Result<Vec<DateTime<Utc>>> {
    if to.is_none() && rule.until.is_none() && rule.count.is_none() {
        return Err(Error::validation(
            range_field,
            "needs an end: the event repeats forever",
        ));
    }
    let series = Series::new(start, tz, rule);
    let count = rule.count.map(clamp_count);
    // Without a count nothing before the range needs to be seen: start at the period that may
    // hold the first instance still running at `from`.
    let lower = if duration > Duration::zero() {
        from.checked_sub_signed(duration)
    } else {
        Some(from)
    };
    let first = match (count, lower) {
        (None, Some(lower)) => series.period_from(lower),
        _ => 0,
    };
    let upper = match (to, rule.until) {
        (Some(to), Some(until)) => Some(to.min(until)),
        (to, until) => to.or(until),
    };
    let last = upper.map_or(u64::MAX, |upper| series.period_until(upper));
    // `validate` sorts the exceptions; sort a copy only of a rule that skipped it.
    let exceptions = if rule.exceptions.is_sorted() {
        Cow::Borrowed(rule.exceptions.as_slice())
    } else {
        let mut sorted = rule.exceptions.clone();
        order::sort_unstable(&mut sorted);
        Cow::Owned(sorted)
    };

    let mut found = Vec::new();
    for (n, s) in series.instances(first, last).enumerate() {
        if count.is_some_and(|count| n >= count) {
            break;
        }
        if n > 0 && rule.until.is_some_and(|until| s > until) {
            break;
        }
        if to.is_some_and(|to| s >= to) {
            break;
        }
        if !overlaps(s, duration, from) || exceptions.binary_search(&s).is_ok() {
            continue;
        }
        if found.len() >= limit {
            return Err(Error::validation(
                range_field,
                format!("holds more than {limit} instances; ask for a shorter range"),
            ));
        }
        found.push(s);
    }
    Ok(found)
}

/// The start of the series' last instance when it ends (by `until` or `count`; exceptions are
/// not looked at), or `None` when it repeats forever. A series whose `until` comes before its
/// start is the start alone.
pub(crate) fn last_start(start: DateTime<Utc>, tz: Tz, rule: &Recurrence) -> Option<DateTime<Utc>> {
    let series = Series::new(start, tz, rule);
    if let Some(count) = rule.count {
        let last = rule
            .until
            .map_or(u64::MAX, |until| series.period_until(until));
        return series
            .instances(0, last)
            .take(clamp_count(count))
            .enumerate()
            .take_while(|&(n, s)| n == 0 || rule.until.is_none_or(|until| s <= until))
            .last()
            .map(|(_, s)| s);
    }
    let until = rule.until?;
    // Look back from `until`'s period, further each time a stretch holds no instance.
    let last = series.period_until(until);
    let mut back: u64 = 16;
    loop {
        let first = last.saturating_sub(back);
        let found = series
            .instances(first, last)
            .skip(1)
            .take_while(|&s| s <= until)
            .last();
        if found.is_some() {
            return found;
        }
        if first == 0 {
            return Some(start);
        }
        back = back.saturating_mul(16);
    }
}

/// A count as a number of instances, read as at most [`MAX_COUNT`] and at least 1 (the start
/// is always an instance).
fn clamp_count(count: u32) -> usize {
    usize::try_from(count.clamp(1, MAX_COUNT)).unwrap_or(usize::MAX)
}

/// Whether an instance starting at `s` and lasting `duration` is still running at `from`.
fn overlaps(s: DateTime<Utc>, duration: Duration, from: DateTime<Utc>) -> bool {
    if duration > Duration::zero() {
        s.checked_add_signed(duration).is_none_or(|end| end > from)
    } else {
        s >= from
    }
}

/// The instant of a local date and time in `tz`: a time in a daylight-saving gap is read
/// with the offset before the gap (so it moves forward by the gap's length), an ambiguous
/// one is the earlier instant. `None` outside chrono's range.
fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let at = |offset: <Tz as TimeZone>::Offset| {
        local
            .checked_sub_offset(offset.fix())
            .map(|utc| utc.and_utc())
    };
    match tz.offset_from_local_datetime(&local) {
        LocalResult::Single(offset) => at(offset),
        LocalResult::Ambiguous(a, b) => match (at(a), at(b)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
        LocalResult::None => {
            let (_, before) = GapInfo::new(&local, &tz)?.begin?;
            at(before)
        }
    }
}

/// The bit of a weekday in a set of weekdays (Monday is bit 0).
fn bit(day: Weekday) -> u8 {
    match day {
        Weekday::Monday => 1,
        Weekday::Tuesday => 1 << 1,
        Weekday::Wednesday => 1 << 2,
        Weekday::Thursday => 1 << 3,
        Weekday::Friday => 1 << 4,
        Weekday::Saturday => 1 << 5,
        Weekday::Sunday => 1 << 6,
    }
}

/// The bit of a chrono weekday in a set of weekdays (Monday is bit 0).
fn chrono_bit(day: chrono::Weekday) -> u8 {
    1 << day.num_days_from_monday()
}

/// The date with the given number of days since the common era (1 is 0001-01-01), when
/// chrono can hold it.
fn date_of_day(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day).ok()?)
}

/// The number of days of the month that begins on `first`.
fn days_in_month(first: NaiveDate) -> u32 {
    match first.month() {
        4 | 6 | 9 | 11 => 30,
        2 if first.leap_year() => 29,
        2 => 28,
        _ => 31,
    }
}

/// A rule read against its start and time zone, ready to list candidates period by period.
struct Series {
    /// The time zone the rule is read in.
    tz: Tz,
    /// The first instance.
    start: DateTime<Utc>,
    /// The start's local date and time, or `None` when they fall outside chrono's dates (the
    /// series is then the start alone).
    anchor: Option<Anchor>,
    /// How often.
    frequency: Frequency,
    /// Every how many periods, at least 1.
    interval: u64,
    /// The weekdays, as bits (see [`bit`]); never empty for a weekly rule, always empty for
    /// a yearly one.
    weekdays: u8,
    /// The position among a month's matching days, for a monthly rule with weekdays.
    position: Option<i8>,
}

/// The start's local date and wall-clock time, and the numbers periods are counted from.
struct Anchor {
    /// The start's local date.
    date: NaiveDate,
    /// The start's local wall-clock time, which every instance keeps.
    time: NaiveTime,
    /// The date's number of days since the common era.
    day: i64,
    /// The day number of the Monday of the date's week.
    monday: i64,
    /// The date's month, counted as `year * 12 + month - 1`.
    month: i64,
    /// The date's year.
    year: i64,
}

impl Series {
    /// Reads `rule` against `start` in `tz`.
    fn new(start: DateTime<Utc>, tz: Tz, rule: &Recurrence) -> Series {
        let utc = start.naive_utc();
        let anchor = utc
            .checked_add_offset(tz.offset_from_utc_datetime(&utc).fix())
            .map(|local| {
                let date = local.date();
                let day = i64::from(date.num_days_from_ce());
                Anchor {
                    date,
                    time: local.time(),
                    day,
                    monday: day - i64::from(date.weekday().num_days_from_monday()),
                    month: i64::from(date.year()) * 12 + i64::from(date.month0()),
                    year: i64::from(date.year()),
                }
            });
        let mut weekdays = rule.weekdays.iter().fold(0, |set, &day| set | bit(day));
        match rule.frequency {
            Frequency::Weekly if weekdays == 0 => {
                weekdays = anchor
                    .as_ref()
                    .map_or(0, |anchor| chrono_bit(anchor.date.weekday()));
            }
            Frequency::Yearly => weekdays = 0,
            _ => {}
        }
        let position = match rule.frequency {
            Frequency::Monthly if weekdays != 0 => rule.position,
            _ => None,
        };
        Series {
            tz,
            start,
            anchor,
            frequency: rule.frequency,
            interval: u64::from(rule.interval.max(1)),
            weekdays,
            position,
        }
    }

    /// The series' instants in ascending order: the start, then the candidates of periods
    /// `first..=last` that come after it.
    fn instances(&self, first: u64, last: u64) -> Instances<'_> {
        Instances {
            series: self,
            started: false,
            period: first,
            last_period: last,
            dates: Vec::new(),
            ready: VecDeque::new(),
            previous: self.start,
            empty: 0,
            done: false,
        }
    }

    /// The period holding `date`, or 0 for a date before the start's period.
    fn period_of(&self, anchor: &Anchor, date: NaiveDate) -> u64 {
        let day = i64::from(date.num_days_from_ce());
        let elapsed = match self.frequency {
            Frequency::Daily => day - anchor.day,
            Frequency::Weekly => (day - anchor.monday).div_euclid(7),
            Frequency::Monthly => {
                i64::from(date.year()) * 12 + i64::from(date.month0()) - anchor.month
            }
            Frequency::Yearly => i64::from(date.year()) - anchor.year,
        };
        u64::try_from(elapsed).map_or(0, |elapsed| elapsed / self.interval)
    }

    /// The first period that may hold an instance starting at or after `t`.
    fn period_from(&self, t: DateTime<Utc>) -> u64 {
        let date = t.naive_utc().date();
        self.anchor.as_ref().map_or(0, |anchor| {
            self.period_of(
                anchor,
                date.checked_sub_days(MARGIN).unwrap_or(NaiveDate::MIN),
            )
        })
    }

    /// The last period that may hold an instance starting at or before `t`.
    fn period_until(&self, t: DateTime<Utc>) -> u64 {
        let date = t.naive_utc().date();
        self.anchor.as_ref().map_or(0, |anchor| {
            self.period_of(
                anchor,
                date.checked_add_days(MARGIN).unwrap_or(NaiveDate::MAX),
            )
        })
    }

    /// Adds the candidate dates of period `k` to `out`, in ascending order. Returns false when
    /// the period reaches past chrono's dates: no period after it exists.
    fn period_dates(&self, anchor: &Anchor, k: u64, out: &mut Vec<NaiveDate>) -> bool {
        let Some(step) = k
            .checked_mul(self.interval)
            .and_then(|step| i64::try_from(step).ok())
        else {
            return false;
        };
        match self.frequency {
            Frequency::Daily => {
                let Some(date) = anchor.day.checked_add(step).and_then(date_of_day) else {
                    return false;
                };
                if self.weekdays == 0 || self.weekdays & chrono_bit(date.weekday()) != 0 {
                    out.push(date);
                }
                true
            }
            Frequency::Weekly => {
                let Some(monday) = step
                    .checked_mul(7)
                    .and_then(|days| anchor.monday.checked_add(days))
                else {
                    return false;
                };
                for (offset, day) in (0..7).zip(monday..) {
                    if self.weekdays & (1 << offset) == 0 {
                        continue;
                    }
                    match date_of_day(day) {
                        Some(date) => out.push(date),
                        None if day > anchor.day => return false,
                        None => {}
                    }
                }
                true
            }
            Frequency::Monthly => {
                let Some(month) = anchor.month.checked_add(step) else {
                    return false;
                };
                let first = i32::try_from(month.div_euclid(12)).ok().and_then(|year| {
                    let month = u32::try_from(month.rem_euclid(12)).ok()?;
                    NaiveDate::from_ymd_opt(year, month + 1, 1)
                });
                let Some(first) = first else {
                    return false;
                };
                if self.weekdays == 0 {
                    out.extend(first.with_day(anchor.date.day()));
                    return true;
                }
                let lead = first.weekday().num_days_from_monday();
                let days = (0..days_in_month(first))
                    .filter(|day| self.weekdays & (1 << ((lead + day) % 7)) != 0)
                    .filter_map(|day| first.with_day(day + 1));
                match self.position {
                    None => out.extend(days),
                    Some(position) => {
                        let days: Vec<NaiveDate> = days.collect();
                        let nth = usize::from(position.unsigned_abs());
                        let index = if position > 0 {
                            nth.checked_sub(1)
                        } else {
                            days.len().checked_sub(nth)
                        };
                        out.extend(index.and_then(|index| days.get(index)));
                    }
                }
                true
            }
            Frequency::Yearly => {
                let Some(year) = anchor
                    .year
                    .checked_add(step)
                    .and_then(|year| i32::try_from(year).ok())
                else {
                    return false;
                };
                if NaiveDate::from_ymd_opt(year, 1, 1).is_none() {
                    return false;
                }
                out.extend(NaiveDate::from_ymd_opt(
                    year,
                    anchor.date.month(),
                    anchor.date.day(),
                ));
                true
            }
        }
    }
}

/// The walk over a series' instants (see [`Series::instances`]).
struct Instances<'a> {
    /// The series walked.
    series: &'a Series,
    /// Whether the start was returned.
    started: bool,
    /// The next period to look at.
    period: u64,
    /// The last period to look at.
    last_period: u64,
    /// The current period's candidate dates (kept to reuse its allocation).
    dates: Vec<NaiveDate>,
    /// Instants found and not returned yet.
    ready: VecDeque<DateTime<Utc>>,
    /// The latest instant found: a candidate must come after it.
    previous: DateTime<Utc>,
    /// How many periods in a row held no instance.
    empty: u32,
    /// Whether no period is left to look at.
    done: bool,
}

impl Instances<'_> {
    /// Looks at the next period, moving its instants to `ready`, or finds that the walk is
    /// over.
    fn advance(&mut self) {
        let series = self.series;
        let Some(anchor) = &series.anchor else {
            self.done = true;
            return;
        };
        if self.period > self.last_period {
            self.done = true;
            return;
        }
        self.dates.clear();
        let more = series.period_dates(anchor, self.period, &mut self.dates);
        let before = self.ready.len();
        for date in &self.dates {
            let instant = resolve(series.tz, date.and_time(anchor.time));
            if let Some(instant) = instant.filter(|&instant| instant > self.previous) {
                self.ready.push_back(instant);
                self.previous = instant;
            }
        }
        if self.ready.len() > before {
            self.empty = 0;
        } else {
            self.empty += 1;
        }
        match self.period.checked_add(1) {
            Some(next) if more && self.empty < MAX_EMPTY_PERIODS => self.period = next,
            _ => self.done = true,
        }
    }
}

impl Iterator for Instances<'_> {
    type Item = DateTime<Utc>;

    fn next(&mut self) -> Option<DateTime<Utc>> {
        if !self.started {
            self.started = true;
            return Some(self.series.start);
        }
        loop {
            if let Some(instant) = self.ready.pop_front() {
                return Some(instant);
            }
            if self.done {
                return None;
            }
            self.advance();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;
    use chrono_tz::America::New_York;
    use chrono_tz::Asia::Kolkata;
    use chrono_tz::Australia::{Lord_Howe, Sydney};
    use chrono_tz::Europe::Warsaw;
    use proptest::prelude::*;

    const ALL_DAYS: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The zones of the property tests: no daylight saving, both hemispheres' changes, and
    /// Lord Howe's half-hour one.
    const ZONES: [Tz; 6] = [Tz::UTC, Warsaw, New_York, Sydney, Kolkata, Lord_Howe];

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn rule(frequency: Frequency) -> Recurrence {
        Recurrence {
            frequency,
            interval: 1,
            weekdays: Vec::new(),
            position: None,
            until: None,
            count: None,
            exceptions: Vec::new(),
        }
    }

    /// The instant of a local time given as `2026-01-05 09:00` (the earlier when ambiguous).
    fn local_start(tz: Tz, s: &str) -> DateTime<Utc> {
        let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        tz.from_local_datetime(&local)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Instants as local times, `2026-01-05 Mon 09:00`.
    fn local(tz: Tz, instants: &[DateTime<Utc>]) -> Vec<String> {
        instants
            .iter()
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %a %H:%M").to_string())
            .collect()
    }

    /// The whole of a finite series.
    fn series(start: DateTime<Utc>, tz: Tz, rule: &Recurrence) -> Vec<DateTime<Utc>> {
        expand(
            start,
            Duration::zero(),
            tz,
            rule,
            start,
            None,
            100_000,
            "range",
        )
        .unwrap()
    }

    fn series_local(start: &str, tz: Tz, rule: &Recurrence) -> Vec<String> {
        local(tz, &series(local_start(tz, start), tz, rule))
    }

    #[test]
    fn validate_normalizes() {
        let mut r = rule(Frequency::Weekly);
        r.weekdays = vec![Weekday::Friday, Weekday::Monday, Weekday::Friday];
        r.exceptions = vec![
            at("2026-01-09T10:00:00.000000700Z"),
            at("2026-01-05T10:00:00Z"),
            at("2026-01-09T10:00:00Z"),
        ];
        r.until = Some(at("2026-12-31T23:59:59.999999999Z"));
        let v = validate(&r, "recurrence").unwrap();
        assert_eq!(v.weekdays, vec![Weekday::Monday, Weekday::Friday]);
        assert_eq!(
            v.exceptions,
            vec![at("2026-01-05T10:00:00Z"), at("2026-01-09T10:00:00Z")]
        );
        assert_eq!(v.until, Some(at("2026-12-31T23:59:59.999999Z")));
        assert_eq!(validate(&v, "recurrence").unwrap(), v);
    }

    #[test]
    fn validate_refuses() {
        let field = |r: &Recurrence| {
            validate(r, "recurrence")
                .unwrap_err()
                .field()
                .map(String::from)
        };
        let with = |f: &dyn Fn(&mut Recurrence)| {
            let mut r = rule(Frequency::Monthly);
            f(&mut r);
            field(&r)
        };
        let interval = Some("recurrence.interval".to_string());
        assert_eq!(with(&|r| r.interval = 0), interval);
        assert_eq!(with(&|r| r.interval = 1001), interval);
        assert!(
            validate(
                &Recurrence {
                    interval: 1000,
                    ..rule(Frequency::Daily)
                },
                "r"
            )
            .is_ok()
        );
        let count = Some("recurrence.count".to_string());
        assert_eq!(with(&|r| r.count = Some(0)), count);
        assert_eq!(with(&|r| r.count = Some(10_001)), count);
        assert_eq!(
            with(&|r| {
                r.count = Some(3);
                r.until = Some(at("2027-01-01T00:00:00Z"));
            }),
            Some("recurrence.until".to_string())
        );
        let position = Some("recurrence.position".to_string());
        assert_eq!(with(&|r| r.position = Some(1)), position);
        assert_eq!(
            with(&|r| {
                r.frequency = Frequency::Weekly;
                r.weekdays = vec![Weekday::Monday];
                r.position = Some(1);
            }),
            position
        );
        for bad in [0, 6, -6, i8::MIN] {
            assert_eq!(
                with(&|r| {
                    r.weekdays = vec![Weekday::Monday];
                    r.position = Some(bad);
                }),
                position
            );
        }
        assert_eq!(
            with(&|r| {
                r.frequency = Frequency::Yearly;
                r.weekdays = vec![Weekday::Monday];
            }),
            Some("recurrence.weekdays".to_string())
        );
        assert_eq!(
            with(&|r| r.exceptions = vec![at("2026-01-01T00:00:00Z"); 1001]),
            Some("recurrence.exceptions".to_string())
        );
        let err = validate(
            &Recurrence {
                interval: 0,
                ..rule(Frequency::Daily)
            },
            "recurrence",
        );
        assert_eq!(err.unwrap_err().code(), "validation");
    }

    #[test]
    fn zones() {
        assert_eq!(zone(None, "time_zone").unwrap(), Tz::UTC);
        assert_eq!(zone(Some("Europe/Warsaw"), "time_zone").unwrap(), Warsaw);
        let err = zone(Some("Europe/Atlantis"), "time_zone").unwrap_err();
        assert_eq!(
            err,
            Error::validation(
                "time_zone",
                "is not an IANA time zone such as Europe/Warsaw"
            )
        );
        assert!(zone(Some(""), "time_zone").is_err());
    }

    #[test]
    fn daily() {
        let r = Recurrence {
            interval: 2,
            count: Some(4),
            ..rule(Frequency::Daily)
        };
        assert_eq!(
            series_local("2026-01-30 10:00", Tz::UTC, &r),
            [
                "2026-01-30 Fri 10:00",
                "2026-02-01 Sun 10:00",
                "2026-02-03 Tue 10:00",
                "2026-02-05 Thu 10:00"
            ]
        );
    }

    #[test]
    fn daily_on_weekdays() {
        let workdays = ALL_DAYS[..5].to_vec();
        let r = Recurrence {
            weekdays: workdays.clone(),
            count: Some(4),
            ..rule(Frequency::Daily)
        };
        assert_eq!(
            series_local("2026-01-02 08:00", Tz::UTC, &r),
            [
                "2026-01-02 Fri 08:00",
                "2026-01-05 Mon 08:00",
                "2026-01-06 Tue 08:00",
                "2026-01-07 Wed 08:00"
            ]
        );
        // Every other day, when that day is a working day.
        let r = Recurrence {
            interval: 2,
            weekdays: workdays,
            count: Some(5),
            ..rule(Frequency::Daily)
        };
        assert_eq!(
            series_local("2026-01-02 08:00", Tz::UTC, &r),
            [
                "2026-01-02 Fri 08:00",
                "2026-01-06 Tue 08:00",
                "2026-01-08 Thu 08:00",
                "2026-01-12 Mon 08:00",
                "2026-01-14 Wed 08:00"
            ]
        );
    }

    #[test]
    fn weekly() {
        let r = Recurrence {
            interval: 2,
            weekdays: vec![Weekday::Thursday, Weekday::Tuesday],
            count: Some(6),
            ..rule(Frequency::Weekly)
        };
        assert_eq!(
            series_local("2026-01-06 09:00", Tz::UTC, &r),
            [
                "2026-01-06 Tue 09:00",
                "2026-01-08 Thu 09:00",
                "2026-01-20 Tue 09:00",
                "2026-01-22 Thu 09:00",
                "2026-02-03 Tue 09:00",
                "2026-02-05 Thu 09:00"
            ]
        );
        // Without weekdays: the start's weekday.
        let r = Recurrence {
            count: Some(3),
            ..rule(Frequency::Weekly)
        };
        assert_eq!(
            series_local("2026-01-07 18:15", Tz::UTC, &r),
            [
                "2026-01-07 Wed 18:15",
                "2026-01-14 Wed 18:15",
                "2026-01-21 Wed 18:15"
            ]
        );
    }

    #[test]
    fn weekly_start_off_the_rule_and_weeks_from_monday() {
        // The start counts even when it is not on the rule's weekdays.
        let r = Recurrence {
            weekdays: vec![Weekday::Tuesday],
            count: Some(3),
            ..rule(Frequency::Weekly)
        };
        assert_eq!(
            series_local("2026-01-05 09:00", Tz::UTC, &r),
            [
                "2026-01-05 Mon 09:00",
                "2026-01-06 Tue 09:00",
                "2026-01-13 Tue 09:00"
            ]
        );
        // Weeks start on Monday and the interval counts from the start's week: the start's
        // Monday (5 January) is before the start, the next week of the series is the 19th.
        let r = Recurrence {
            interval: 2,
            weekdays: vec![Weekday::Monday],
            count: Some(3),
            ..rule(Frequency::Weekly)
        };
        assert_eq!(
            series_local("2026-01-07 09:00", Tz::UTC, &r),
            [
                "2026-01-07 Wed 09:00",
                "2026-01-19 Mon 09:00",
                "2026-02-02 Mon 09:00"
            ]
        );
        // A Sunday start is the end of its week (WKST=MO).
        let r = Recurrence {
            interval: 2,
            weekdays: vec![Weekday::Sunday, Weekday::Monday],
            count: Some(5),
            ..rule(Frequency::Weekly)
        };
        assert_eq!(
            series_local("2026-01-11 09:00", Tz::UTC, &r),
            [
                "2026-01-11 Sun 09:00",
                "2026-01-19 Mon 09:00",
                "2026-01-25 Sun 09:00",
                "2026-02-02 Mon 09:00",
                "2026-02-08 Sun 09:00"
            ]
        );
    }

    #[test]
    fn monthly_skips_months_without_the_day() {
        let r = Recurrence {
            count: Some(5),
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            series_local("2026-01-31 12:00", Tz::UTC, &r),
            [
                "2026-01-31 Sat 12:00",
                "2026-03-31 Tue 12:00",
                "2026-05-31 Sun 12:00",
                "2026-07-31 Fri 12:00",
                "2026-08-31 Mon 12:00"
            ]
        );
        let r = Recurrence {
            interval: 3,
            count: Some(3),
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            series_local("2026-11-30 12:00", Tz::UTC, &r),
            [
                "2026-11-30 Mon 12:00",
                "2027-05-30 Sun 12:00",
                "2027-08-30 Mon 12:00"
            ]
        );
    }

    #[test]
    fn monthly_positions() {
        let second_tuesday = Recurrence {
            weekdays: vec![Weekday::Tuesday],
            position: Some(2),
            count: Some(4),
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            series_local("2026-01-13 10:00", Tz::UTC, &second_tuesday),
            [
                "2026-01-13 Tue 10:00",
                "2026-02-10 Tue 10:00",
                "2026-03-10 Tue 10:00",
                "2026-04-14 Tue 10:00"
            ]
        );
        // Started after January's second Tuesday: the start, then February's.
        assert_eq!(
            series_local("2026-01-20 10:00", Tz::UTC, &second_tuesday)[..2],
            ["2026-01-20 Tue 10:00", "2026-02-10 Tue 10:00"]
        );
        let last_friday = Recurrence {
            weekdays: vec![Weekday::Friday],
            position: Some(-1),
            count: Some(4),
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            series_local("2026-01-30 16:00", Tz::UTC, &last_friday),
            [
                "2026-01-30 Fri 16:00",
                "2026-02-27 Fri 16:00",
                "2026-03-27 Fri 16:00",
                "2026-04-24 Fri 16:00"
            ]
        );
        // BYSETPOS over several weekdays: the last working day of the month.
        let last_workday = Recurrence {
            weekdays: ALL_DAYS[..5].to_vec(),
            position: Some(-1),
            count: Some(5),
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            series_local("2026-01-30 16:00", Tz::UTC, &last_workday),
            [
                "2026-01-30 Fri 16:00",
                "2026-02-27 Fri 16:00",
                "2026-03-31 Tue 16:00",
                "2026-04-30 Thu 16:00",
                "2026-05-29 Fri 16:00"
            ]
        );
        // Without a position: every such weekday of every other month.
        let r = Recurrence {
            interval: 2,
            weekdays: vec![Weekday::Monday, Weekday::Thursday],
            count: Some(5),
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            series_local("2026-02-23 08:00", Tz::UTC, &r),
            [
                "2026-02-23 Mon 08:00",
                "2026-02-26 Thu 08:00",
                "2026-04-02 Thu 08:00",
                "2026-04-06 Mon 08:00",
                "2026-04-09 Thu 08:00"
            ]
        );
        // The fifth Monday exists only in some months.
        let fifth_monday = Recurrence {
            weekdays: vec![Weekday::Monday],
            position: Some(5),
            count: Some(3),
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            series_local("2026-03-30 08:00", Tz::UTC, &fifth_monday),
            [
                "2026-03-30 Mon 08:00",
                "2026-06-29 Mon 08:00",
                "2026-08-31 Mon 08:00"
            ]
        );
    }

    #[test]
    fn yearly() {
        let r = Recurrence {
            count: Some(3),
            ..rule(Frequency::Yearly)
        };
        assert_eq!(
            series_local("2024-02-29 08:00", Tz::UTC, &r),
            [
                "2024-02-29 Thu 08:00",
                "2028-02-29 Tue 08:00",
                "2032-02-29 Sun 08:00"
            ]
        );
        let r = Recurrence {
            interval: 2,
            count: Some(3),
            ..rule(Frequency::Yearly)
        };
        assert_eq!(
            series_local("2026-03-15 08:00", Tz::UTC, &r),
            [
                "2026-03-15 Sun 08:00",
                "2028-03-15 Wed 08:00",
                "2030-03-15 Fri 08:00"
            ]
        );
    }

    #[test]
    fn count_until_and_exceptions() {
        let start = at("2026-01-01T09:00:00Z");
        let until = |t: &str| Recurrence {
            until: Some(at(t)),
            ..rule(Frequency::Daily)
        };
        // `until` is inclusive.
        assert_eq!(
            series(start, Tz::UTC, &until("2026-01-04T09:00:00Z")).len(),
            4
        );
        assert_eq!(
            series(start, Tz::UTC, &until("2026-01-04T08:59:59Z")).len(),
            3
        );
        // An `until` before the start leaves the start alone.
        assert_eq!(
            series(start, Tz::UTC, &until("2025-01-01T00:00:00Z")),
            [start]
        );
        // `count` counts the exceptions too.
        let r = Recurrence {
            count: Some(3),
            exceptions: vec![at("2026-01-02T09:00:00Z"), at("2026-01-02T10:00:00Z")],
            ..rule(Frequency::Daily)
        };
        assert_eq!(
            series(start, Tz::UTC, &r),
            [at("2026-01-01T09:00:00Z"), at("2026-01-03T09:00:00Z")]
        );
        // The start itself can be an exception.
        let r = Recurrence {
            count: Some(2),
            exceptions: vec![start],
            ..rule(Frequency::Daily)
        };
        assert_eq!(series(start, Tz::UTC, &r), [at("2026-01-02T09:00:00Z")]);
    }

    #[test]
    fn last_starts() {
        let start = at("2026-01-01T09:00:00Z");
        assert_eq!(last_start(start, Tz::UTC, &rule(Frequency::Daily)), None);
        let r = Recurrence {
            count: Some(3),
            exceptions: vec![at("2026-01-03T09:00:00Z")],
            ..rule(Frequency::Daily)
        };
        assert_eq!(
            last_start(start, Tz::UTC, &r),
            Some(at("2026-01-03T09:00:00Z"))
        );
        let r = Recurrence {
            until: Some(at("2026-01-04T08:00:00Z")),
            ..rule(Frequency::Daily)
        };
        assert_eq!(
            last_start(start, Tz::UTC, &r),
            Some(at("2026-01-03T09:00:00Z"))
        );
        // Far away, and the last months lack the day.
        let r = Recurrence {
            until: Some(at("2526-06-30T23:00:00Z")),
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            last_start(at("2026-01-31T09:00:00Z"), Tz::UTC, &r),
            Some(at("2526-05-31T09:00:00Z"))
        );
        let r = Recurrence {
            until: Some(at("2025-01-01T00:00:00Z")),
            ..rule(Frequency::Daily)
        };
        assert_eq!(last_start(start, Tz::UTC, &r), Some(start));
        // In local time: a Warsaw series ending in summer.
        let r = Recurrence {
            until: Some(at("2026-07-01T00:00:00Z")),
            ..rule(Frequency::Weekly)
        };
        assert_eq!(
            last_start(local_start(Warsaw, "2026-01-05 09:00"), Warsaw, &r),
            Some(at("2026-06-29T07:00:00Z"))
        );
    }

    #[test]
    fn warsaw_meeting_keeps_its_local_time() {
        let r = Recurrence {
            weekdays: vec![Weekday::Monday],
            ..rule(Frequency::Weekly)
        };
        let start = at("2026-01-05T08:00:00Z");
        assert_eq!(local(Warsaw, &[start]), ["2026-01-05 Mon 09:00"]);
        let march = expand(
            start,
            Duration::hours(1),
            Warsaw,
            &r,
            at("2026-03-16T00:00:00Z"),
            Some(at("2026-04-07T00:00:00Z")),
            100,
            "range",
        )
        .unwrap();
        assert_eq!(
            march,
            [
                at("2026-03-16T08:00:00Z"),
                at("2026-03-23T08:00:00Z"),
                at("2026-03-30T07:00:00Z"),
                at("2026-04-06T07:00:00Z")
            ]
        );
        let october = expand(
            start,
            Duration::hours(1),
            Warsaw,
            &r,
            at("2026-10-12T00:00:00Z"),
            Some(at("2026-11-03T00:00:00Z")),
            100,
            "range",
        )
        .unwrap();
        assert_eq!(
            october,
            [
                at("2026-10-12T07:00:00Z"),
                at("2026-10-19T07:00:00Z"),
                at("2026-10-26T08:00:00Z"),
                at("2026-11-02T08:00:00Z")
            ]
        );
        assert!(
            local(Warsaw, &october)
                .iter()
                .all(|t| t.ends_with("Mon 09:00"))
        );
    }

    #[test]
    fn new_york_gap_and_overlap() {
        // 02:30 does not exist on 8 March 2026: it is read as 02:30 EST, which is 03:30 EDT.
        let r = Recurrence {
            count: Some(4),
            ..rule(Frequency::Daily)
        };
        let spring = series(local_start(New_York, "2026-03-06 02:30"), New_York, &r);
        assert_eq!(
            spring,
            [
                at("2026-03-06T07:30:00Z"),
                at("2026-03-07T07:30:00Z"),
                at("2026-03-08T07:30:00Z"),
                at("2026-03-09T06:30:00Z")
            ]
        );
        assert_eq!(
            local(New_York, &spring),
            [
                "2026-03-06 Fri 02:30",
                "2026-03-07 Sat 02:30",
                "2026-03-08 Sun 03:30",
                "2026-03-09 Mon 02:30"
            ]
        );
        // 01:30 happens twice on 1 November 2026: the first (EDT) is taken.
        let r = Recurrence {
            count: Some(3),
            ..rule(Frequency::Daily)
        };
        let autumn = series(local_start(New_York, "2026-10-31 01:30"), New_York, &r);
        assert_eq!(
            autumn,
            [
                at("2026-10-31T05:30:00Z"),
                at("2026-11-01T05:30:00Z"),
                at("2026-11-02T06:30:00Z")
            ]
        );
        // A series started at the second 01:30 goes on from there.
        let second = at("2026-11-01T06:30:00Z");
        assert_eq!(local(New_York, &[second]), ["2026-11-01 Sun 01:30"]);
        assert_eq!(series(second, New_York, &r)[1], at("2026-11-02T06:30:00Z"));
    }

    #[test]
    fn half_hour_gap_moves_by_half_an_hour() {
        // Lord Howe Island moves from +10:30 to +11:00 at 02:00 on 4 October 2026.
        let r = Recurrence {
            count: Some(3),
            ..rule(Frequency::Daily)
        };
        let found = series(local_start(Lord_Howe, "2026-10-03 02:15"), Lord_Howe, &r);
        assert_eq!(
            found,
            [
                at("2026-10-02T15:45:00Z"),
                at("2026-10-03T15:45:00Z"),
                at("2026-10-04T15:15:00Z")
            ]
        );
        assert_eq!(
            local(Lord_Howe, &found),
            [
                "2026-10-03 Sat 02:15",
                "2026-10-04 Sun 02:45",
                "2026-10-05 Mon 02:15"
            ]
        );
    }

    #[test]
    fn range_overlap() {
        let start = at("2026-01-01T09:00:00Z");
        let daily = rule(Frequency::Daily);
        let run = |duration: Duration, from: &str, to: &str| {
            expand(
                start,
                duration,
                Tz::UTC,
                &daily,
                at(from),
                Some(at(to)),
                100,
                "range",
            )
            .unwrap()
        };
        // Still running at `from`; starting exactly at `to` is outside.
        assert_eq!(
            run(
                Duration::hours(2),
                "2026-01-03T10:00:00Z",
                "2026-01-05T09:00:00Z"
            ),
            [at("2026-01-03T09:00:00Z"), at("2026-01-04T09:00:00Z")]
        );
        // Ending exactly at `from` is outside.
        assert_eq!(
            run(
                Duration::hours(1),
                "2026-01-03T10:00:00Z",
                "2026-01-04T09:00:01Z"
            ),
            [at("2026-01-04T09:00:00Z")]
        );
        // A zero duration counts at `from`.
        assert_eq!(
            run(
                Duration::zero(),
                "2026-01-03T09:00:00Z",
                "2026-01-04T09:00:00Z"
            ),
            [at("2026-01-03T09:00:00Z")]
        );
        // Three-day instances overlap several days of the range.
        assert_eq!(
            run(
                Duration::days(3),
                "2026-01-10T00:00:00Z",
                "2026-01-11T00:00:00Z"
            )
            .len(),
            4
        );
        assert!(
            run(
                Duration::hours(1),
                "2026-01-05T00:00:00Z",
                "2026-01-04T00:00:00Z"
            )
            .is_empty()
        );
        assert!(
            run(
                Duration::hours(1),
                "2025-01-01T00:00:00Z",
                "2025-12-31T00:00:00Z"
            )
            .is_empty()
        );
    }

    #[test]
    fn range_errors() {
        let start = at("2026-01-01T09:00:00Z");
        let daily = rule(Frequency::Daily);
        let from = at("2026-01-01T00:00:00Z");
        assert_eq!(
            expand(
                start,
                Duration::zero(),
                Tz::UTC,
                &daily,
                from,
                None,
                100,
                "range"
            ),
            Err(Error::validation(
                "range",
                "needs an end: the event repeats forever"
            ))
        );
        let to = Some(at("2026-01-11T00:00:00Z"));
        assert_eq!(
            expand(
                start,
                Duration::zero(),
                Tz::UTC,
                &daily,
                from,
                to,
                9,
                "range"
            ),
            Err(Error::validation(
                "range",
                "holds more than 9 instances; ask for a shorter range"
            ))
        );
        assert_eq!(
            expand(
                start,
                Duration::zero(),
                Tz::UTC,
                &daily,
                from,
                to,
                10,
                "range"
            )
            .unwrap()
            .len(),
            10
        );
        // With an end of its own the range may be open.
        let r = Recurrence {
            count: Some(3),
            ..rule(Frequency::Daily)
        };
        assert_eq!(
            expand(start, Duration::zero(), Tz::UTC, &r, from, None, 3, "range")
                .unwrap()
                .len(),
            3
        );
    }

    #[test]
    fn old_series_skip_to_the_range() {
        // Started 30 years ago in Warsaw: 09:00 local in July is 07:00Z.
        let start = local_start(Warsaw, "1996-01-01 09:00");
        let week = expand(
            start,
            Duration::hours(1),
            Warsaw,
            &rule(Frequency::Daily),
            at("2026-07-06T00:00:00Z"),
            Some(at("2026-07-13T00:00:00Z")),
            100,
            "range",
        )
        .unwrap();
        assert_eq!(week.len(), 7);
        assert_eq!(week[0], at("2026-07-06T07:00:00Z"));
        assert_eq!(week[6], at("2026-07-12T07:00:00Z"));
        // Started 200,000 years ago: walking every day would take minutes.
        let ancient = NaiveDate::from_ymd_opt(-200_000, 1, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        for frequency in [Frequency::Daily, Frequency::Weekly, Frequency::Monthly] {
            let found = expand(
                ancient.and_utc(),
                Duration::hours(1),
                Tz::UTC,
                &rule(frequency),
                at("2026-01-01T00:00:00Z"),
                Some(at("2026-01-08T00:00:00Z")),
                100,
                "range",
            )
            .unwrap();
            assert!(
                !found.is_empty()
                    && found
                        .iter()
                        .all(|t| t.format("%H:%M").to_string() == "09:00")
            );
        }
    }

    #[test]
    fn rules_that_produce_nothing_more_stop() {
        // Every 7 days from a Monday, but only on Tuesdays: never again.
        let r = Recurrence {
            interval: 7,
            weekdays: vec![Weekday::Tuesday],
            until: Some(at("9999-01-01T00:00:00Z")),
            ..rule(Frequency::Daily)
        };
        let start = at("2026-01-05T09:00:00Z");
        assert_eq!(series(start, Tz::UTC, &r), [start]);
        assert_eq!(last_start(start, Tz::UTC, &r), Some(start));
        let r = Recurrence {
            until: None,
            count: Some(5),
            ..r
        };
        assert_eq!(series(start, Tz::UTC, &r), [start]);
    }

    #[test]
    fn chrono_limits() {
        let max = DateTime::<Utc>::MAX_UTC;
        let min = DateTime::<Utc>::MIN_UTC;
        // The local start is beyond chrono's dates: the start alone.
        let r = Recurrence {
            count: Some(3),
            ..rule(Frequency::Daily)
        };
        assert_eq!(series(max, Kolkata, &r), [max]);
        assert_eq!(last_start(max, Kolkata, &r), Some(max));
        assert_eq!(series(min, New_York, &r), [min]);
        // Near the end the series stops with chrono's dates.
        let near = max - Duration::days(1);
        for frequency in [
            Frequency::Daily,
            Frequency::Weekly,
            Frequency::Monthly,
            Frequency::Yearly,
        ] {
            let r = Recurrence {
                count: Some(10),
                ..rule(frequency)
            };
            let found = series(near, Tz::UTC, &r);
            assert!(found.len() <= 2 && found[0] == near);
            let r = Recurrence {
                until: Some(max),
                ..rule(frequency)
            };
            assert!(last_start(near, Tz::UTC, &r).is_some());
            let huge = Recurrence {
                interval: u32::MAX,
                until: Some(max),
                ..rule(frequency)
            };
            assert_eq!(series(min, Tz::UTC, &huge)[0], min);
        }
    }

    // ---- The naive model: every local day from the start's date, judged by the rule's
    // definition, converted by a separate reading of the same daylight-saving rule.

    /// A local time in `tz`: ambiguous → the earlier; in a gap → with the offset in force
    /// just before the gap, found by stepping back minute by minute.
    fn model_resolve(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        let mut probe = local;
        loop {
            probe -= TimeDelta::minutes(1);
            if let Some(t) = tz.from_local_datetime(&probe).latest() {
                let offset = i64::from(t.offset().fix().local_minus_utc());
                return (local - TimeDelta::seconds(offset)).and_utc();
            }
        }
    }

    struct Model<'a> {
        tz: Tz,
        rule: &'a Recurrence,
        start: DateTime<Utc>,
        date: NaiveDate,
        time: NaiveTime,
    }

    impl<'a> Model<'a> {
        fn new(start: DateTime<Utc>, tz: Tz, rule: &'a Recurrence) -> Self {
            let local = start.with_timezone(&tz).naive_local();
            Model {
                tz,
                rule,
                start,
                date: local.date(),
                time: local.time(),
            }
        }

        fn on(&self, days: &[Weekday], d: NaiveDate) -> bool {
            days.iter().any(|w| {
                ALL_DAYS.iter().position(|x| x == w)
                    == Some(d.weekday().num_days_from_monday() as usize)
            })
        }

        /// Whether the rule, as its docs define it, puts an instance on local day `d`.
        fn day_matches(&self, d: NaiveDate) -> bool {
            let r = self.rule;
            let interval = i64::from(r.interval);
            let days = &r.weekdays;
            match r.frequency {
                Frequency::Daily => {
                    (d - self.date).num_days() % interval == 0
                        && (days.is_empty() || self.on(days, d))
                }
                Frequency::Weekly => {
                    let monday = |d: NaiveDate| {
                        d - TimeDelta::days(i64::from(d.weekday().num_days_from_monday()))
                    };
                    let weeks = (monday(d) - monday(self.date)).num_days() / 7;
                    let days = if days.is_empty() {
                        vec![ALL_DAYS[self.date.weekday().num_days_from_monday() as usize]]
                    } else {
                        days.clone()
                    };
                    weeks % interval == 0 && self.on(&days, d)
                }
                Frequency::Monthly => {
                    let months = i64::from(d.year() - self.date.year()) * 12 + i64::from(d.month())
                        - i64::from(self.date.month());
                    if months % interval != 0 {
                        return false;
                    }
                    if days.is_empty() {
                        return d.day() == self.date.day();
                    }
                    if !self.on(days, d) {
                        return false;
                    }
                    let same_month = |e: &NaiveDate| e.month() == d.month() && self.on(days, *e);
                    match r.position {
                        None => true,
                        Some(p) if p > 0 => {
                            let nth = d
                                .with_day(1)
                                .unwrap()
                                .iter_days()
                                .take_while(|e| *e <= d)
                                .filter(same_month)
                                .count();
                            nth == p as usize
                        }
                        Some(p) => {
                            let nth = d
                                .iter_days()
                                .take_while(|e| e.month() == d.month())
                                .filter(same_month)
                                .count();
                            nth == p.unsigned_abs() as usize
                        }
                    }
                }
                Frequency::Yearly => {
                    (d.year() - self.date.year()) % r.interval as i32 == 0
                        && d.month() == self.date.month()
                        && d.day() == self.date.day()
                }
            }
        }

        /// Every instance up to local day `end`, `count` and `until` applied, exceptions not
        /// removed.
        fn instances(&self, end: NaiveDate) -> Vec<DateTime<Utc>> {
            let mut out = vec![self.start];
            let count = self.rule.count.map_or(usize::MAX, |c| c as usize);
            for d in self.date.iter_days().skip(1).take_while(|d| *d <= end) {
                if out.len() >= count {
                    break;
                }
                if !self.day_matches(d) {
                    continue;
                }
                let t = model_resolve(self.tz, d.and_time(self.time));
                if t <= *out.last().unwrap() {
                    continue;
                }
                if self.rule.until.is_some_and(|u| t > u) {
                    break;
                }
                out.push(t);
            }
            out
        }

        /// Whether `s` is one of the rule's instants (not looking at count and until).
        fn is_instant(&self, s: DateTime<Utc>) -> bool {
            let date = s.with_timezone(&self.tz).date_naive();
            s == self.start
                || [date, date.pred_opt().unwrap()].into_iter().any(|d| {
                    d > self.date
                        && self.day_matches(d)
                        && model_resolve(self.tz, d.and_time(self.time)) == s
                })
        }
    }

    /// How a generated rule ends.
    #[derive(Debug, Clone)]
    enum End {
        Never,
        Count(u32),
        /// Days and seconds after the start.
        Until(i64, i64),
        /// One of the first instances (within 1200 days), moved by some seconds.
        UntilInstance(prop::sample::Index, i64),
    }

    /// How a property test picks its start date.
    #[derive(Debug, Clone)]
    enum Pick {
        /// Days after 1 January 2019.
        Day(i64),
        /// Some days before one of the zone's clock changes in a year (any day of the year
        /// in a zone without changes).
        BeforeChange(i32, prop::sample::Index, i64),
        /// A day from the 28th on (or the month's last) of a month after January 2019.
        Late(u32, u32),
    }

    impl Pick {
        fn date(&self, tz: Tz) -> NaiveDate {
            match self {
                Pick::Day(day) => {
                    NaiveDate::from_ymd_opt(2019, 1, 1).unwrap() + TimeDelta::days(*day)
                }
                Pick::BeforeChange(year, i, back) => {
                    let changes = changes(tz, *year);
                    let day = if changes.is_empty() {
                        NaiveDate::from_yo_opt(*year, 1 + i.index(365) as u32).unwrap()
                    } else {
                        changes[i.index(changes.len())]
                    };
                    day - TimeDelta::days(*back)
                }
                Pick::Late(months, day) => {
                    let first =
                        NaiveDate::from_ymd_opt(2019 + (months / 12) as i32, 1 + months % 12, 1)
                            .unwrap();
                    (28..=*day).rev().find_map(|d| first.with_day(d)).unwrap()
                }
            }
        }
    }

    /// The days of `year` on which `tz` changes its offset.
    fn changes(tz: Tz, year: i32) -> Vec<NaiveDate> {
        let offset = |d: NaiveDate| {
            let noon = d.and_hms_opt(12, 0, 0).unwrap();
            tz.offset_from_utc_datetime(&noon).fix()
        };
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter(|d| offset(*d) != offset(d.succ_opt().unwrap()))
            .map(|d| d.succ_opt().unwrap())
            .collect()
    }

    /// One generated case of the model property: a series and a window over it.
    #[derive(Debug, Clone)]
    struct Case {
        /// Index into [`ZONES`].
        zone: usize,
        pick: Pick,
        /// The start's local hour and minute.
        clock: (u32, u32),
        /// Take the later instant when the start's local time is ambiguous.
        later: bool,
        frequency: Frequency,
        interval: u32,
        /// Weekdays as bits, Monday first.
        mask: u8,
        position: Option<i8>,
        end: End,
        /// Where the window starts: near one of the first instances, or days after the start.
        aim: Option<prop::sample::Index>,
        from_day: i64,
        from_second: i64,
        /// The window's length; open when `None` and the rule ends.
        hours: Option<i64>,
        minutes: i64,
        /// Exceptions taken from real instances, and one maybe not.
        picks: Vec<prop::sample::Index>,
        stray: Option<i64>,
    }

    fn arb_case() -> impl Strategy<Value = Case> {
        let clock = prop_oneof![
            3 => prop::sample::select(vec![
                (0u32, 0u32),
                (1, 0),
                (1, 30),
                (2, 0),
                (2, 15),
                (2, 30),
                (2, 45),
                (3, 0),
                (9, 0),
                (23, 30),
            ]),
            1 => (0..24u32, 0..60u32),
        ];
        let pick = prop_oneof![
            (0..2922i64).prop_map(Pick::Day),
            (2019..=2026, any::<prop::sample::Index>(), 0..15i64)
                .prop_map(|(y, i, back)| Pick::BeforeChange(y, i, back)),
            (0..96u32, 28..=31u32).prop_map(|(months, day)| Pick::Late(months, day)),
        ];
        let position = prop_oneof![
            Just(None),
            (1..=5i8).prop_map(Some),
            (-5..=-1i8).prop_map(Some)
        ];
        let end = prop_oneof![
            2 => Just(End::Never),
            1 => (1..=40u32).prop_map(End::Count),
            1 => (0..1200i64, 0..86_400i64).prop_map(|(d, s)| End::Until(d, s)),
            1 => (any::<prop::sample::Index>(), -1..=1i64)
                .prop_map(|(i, s)| End::UntilInstance(i, s)),
        ];
        let series = (
            0..ZONES.len(),
            pick,
            clock,
            any::<bool>(),
            arb_frequency(),
            1..=4u32,
            prop_oneof![Just(0u8), 1..128u8],
            position,
            end,
        );
        let window = (
            prop::option::of(any::<prop::sample::Index>()),
            prop_oneof![3 => -60..400i64, 1 => 400..6000i64],
            -86_400..21_600i64,
            prop::option::of(prop_oneof![Just(0i64), 1..2880i64]),
            prop::sample::select(vec![0i64, 30, 1440, 4320]),
            prop::collection::vec(any::<prop::sample::Index>(), 0..4),
            prop::option::of(0..3_000_000i64),
        );
        (series, window).prop_map(|(series, window)| {
            let (zone, pick, clock, later, frequency, interval, mask, position, end) = series;
            let (aim, from_day, from_second, hours, minutes, picks, stray) = window;
            Case {
                zone,
                pick,
                clock,
                later,
                frequency,
                interval,
                mask,
                position,
                end,
                aim,
                from_day,
                from_second,
                hours,
                minutes,
                picks,
                stray,
            }
        })
    }

    /// Whether an instance at `s` lasting `duration` meets `[from, to)`, written out apart
    /// from the code under test.
    fn in_window(
        s: DateTime<Utc>,
        duration: TimeDelta,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> bool {
        let running = if duration.num_seconds() > 0 {
            s + duration > from
        } else {
            s >= from
        };
        running && to.is_none_or(|to| s < to)
    }

    fn weekdays_of(mask: u8) -> Vec<Weekday> {
        // Reversed, so that the expansion also sees unsorted weekdays.
        ALL_DAYS
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, d)| *d)
            .collect()
    }

    fn arb_frequency() -> impl Strategy<Value = Frequency> {
        prop_oneof![
            Just(Frequency::Daily),
            Just(Frequency::Weekly),
            Just(Frequency::Monthly),
            Just(Frequency::Yearly),
        ]
    }

    /// An instant anywhere in chrono's range, often near either end of it or near today.
    fn arb_instant() -> impl Strategy<Value = DateTime<Utc>> {
        let min = DateTime::<Utc>::MIN_UTC.timestamp();
        let max = DateTime::<Utc>::MAX_UTC.timestamp();
        prop_oneof![
            min..=max,
            (0..2_000_000i64).prop_map(move |s| min + s),
            (0..2_000_000i64).prop_map(move |s| max - s),
            1_500_000_000..1_900_000_000i64,
        ]
        .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
    }

    /// Properties (a) and (b) for one case: every instance returned is one of the rule's,
    /// and the expansion over the window is exactly the naive model's instances in it. Also
    /// `last_start` against the model's whole series.
    fn check_against_model(case: &Case) -> std::result::Result<(), TestCaseError> {
        let tz = ZONES[case.zone];
        let (hour, minute) = case.clock;
        let local = case.pick.date(tz).and_hms_opt(hour, minute, 0).unwrap();
        let start = match tz.from_local_datetime(&local) {
            LocalResult::Ambiguous(_, later) if case.later => later.with_timezone(&Utc),
            _ => model_resolve(tz, local),
        };
        let mut rule = Recurrence {
            interval: case.interval,
            ..rule(case.frequency)
        };
        if case.frequency != Frequency::Yearly {
            rule.weekdays = weekdays_of(case.mask);
        }
        if case.frequency == Frequency::Monthly && !rule.weekdays.is_empty() {
            rule.position = case.position;
        }
        match &case.end {
            End::Never => {}
            End::Count(count) => rule.count = Some(*count),
            End::Until(days, seconds) => {
                rule.until = Some(start + TimeDelta::days(*days) + TimeDelta::seconds(*seconds));
            }
            End::UntilInstance(i, seconds) => {
                let first = Model::new(start, tz, &rule)
                    .instances(start.date_naive() + TimeDelta::days(1200));
                rule.until = Some(first[i.index(first.len())] + TimeDelta::seconds(*seconds));
            }
        }

        // The whole series when it ends, or its beginning up to past `from_day`; the window
        // starts near one of these instances or `from_day` days after the start.
        let model = Model::new(start, tz, &rule);
        let far = start.date_naive() + TimeDelta::days(2000 * 366);
        let ends = rule.count.is_some() || rule.until.is_some();
        let reach = match rule.until {
            Some(until) => until.date_naive() + TimeDelta::days(3),
            None if ends => far,
            None => start.date_naive() + TimeDelta::days(case.from_day.max(0) + 40),
        };
        let early = model.instances(reach);
        let near = match &case.aim {
            Some(i) => early[i.index(early.len())],
            None => start + TimeDelta::days(case.from_day),
        };
        let from = near + TimeDelta::seconds(case.from_second);
        let to = match (case.hours, ends) {
            (Some(hours), _) => Some(from + TimeDelta::hours(hours)),
            (None, false) => Some(from + TimeDelta::days(30)),
            (None, true) => None,
        };
        let duration = TimeDelta::minutes(case.minutes);

        let horizon = [to, rule.until]
            .into_iter()
            .flatten()
            .map(|t| t.date_naive() + TimeDelta::days(3))
            .min()
            .unwrap_or(far);
        let all = model.instances(horizon);
        rule.exceptions = case.picks.iter().map(|i| all[i.index(all.len())]).collect();
        rule.exceptions
            .extend(case.stray.map(|m| start + TimeDelta::minutes(m)));
        let rule = validate(&rule, "recurrence").unwrap();
        let model = Model::new(start, tz, &rule);

        let expected: Vec<DateTime<Utc>> = all
            .iter()
            .copied()
            .filter(|&s| in_window(s, duration, from, to) && !rule.exceptions.contains(&s))
            .collect();
        let found = expand(start, duration, tz, &rule, from, to, 100_000, "range").unwrap();

        // (a) each one is an instant of the rule, in the window, not removed, in order.
        for (i, &s) in found.iter().enumerate() {
            prop_assert!(model.is_instant(s), "{} is not an instance", s);
            prop_assert!(in_window(s, duration, from, to));
            prop_assert!(!rule.exceptions.contains(&s));
            prop_assert!(i == 0 || found[i - 1] < s);
        }
        // (b) none is missing.
        prop_assert_eq!(&found, &expected);

        // The series' end is the model's last instance (exceptions do not matter).
        let last = if ends { early.last().copied() } else { None };
        prop_assert_eq!(last_start(start, tz, &rule), last);
        Ok(())
    }

    /// One generated input of the no-panic property: anything at all.
    #[derive(Debug, Clone)]
    struct Wild {
        rule: Recurrence,
        start: DateTime<Utc>,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
        seconds: i64,
        limit: usize,
        zone: prop::sample::Index,
        name: String,
    }

    fn arb_wild() -> impl Strategy<Value = Wild> {
        let rule = (
            arb_frequency(),
            prop_oneof![0..10u32, any::<u32>()],
            prop::collection::vec(prop::sample::select(ALL_DAYS.to_vec()), 0..10),
            any::<Option<i8>>(),
            prop::option::of(arb_instant()),
            prop::option::of(prop_oneof![0..50u32, any::<u32>()]),
            prop::collection::vec(arb_instant(), 0..4),
        )
            .prop_map(
                |(frequency, interval, weekdays, position, until, count, exceptions)| Recurrence {
                    frequency,
                    interval,
                    weekdays,
                    position,
                    until,
                    count,
                    exceptions,
                },
            );
        (
            rule,
            arb_instant(),
            arb_instant(),
            prop::option::of(arb_instant()),
            prop_oneof![Just(0i64), -100_000..100_000i64, any::<i64>()],
            0..30usize,
            any::<prop::sample::Index>(),
            ".{0,20}",
        )
            .prop_map(|(rule, start, from, to, seconds, limit, zone, name)| Wild {
                rule,
                start,
                from,
                to,
                seconds,
                limit,
                zone,
                name,
            })
    }

    /// Property (c) for one input: nothing panics, and what comes back is well formed.
    fn check_wild(wild: &Wild) -> std::result::Result<(), TestCaseError> {
        let tz = chrono_tz::TZ_VARIANTS[wild.zone.index(chrono_tz::TZ_VARIANTS.len())];
        let rule = &wild.rule;
        let _ = validate(rule, "recurrence");
        let _ = zone(Some(&wild.name), "time_zone");
        let duration = TimeDelta::try_seconds(wild.seconds).unwrap_or(TimeDelta::MAX);
        let (start, to) = (wild.start, wild.to);
        if let Ok(found) = expand(
            start, duration, tz, rule, wild.from, to, wild.limit, "range",
        ) {
            prop_assert!(found.len() <= wild.limit);
            prop_assert!(found.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(
                found
                    .iter()
                    .all(|&s| s >= start && to.is_none_or(|to| s < to))
            );
        }
        let last = last_start(start, tz, rule);
        prop_assert_eq!(last.is_some(), rule.count.is_some() || rule.until.is_some());
        prop_assert!(last.is_none_or(|last| last >= start));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// (a) and (b): see [`check_against_model`].
        #[test]
        fn expansion_matches_the_naive_model(case in arb_case()) {
            check_against_model(&case)?;
        }

        /// (c) nothing panics or runs away, whatever the rule, the dates and the zone.
        #[test]
        fn no_input_panics(wild in arb_wild()) {
            check_wild(&wild)?;
        }
    }
}
