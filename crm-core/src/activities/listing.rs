//! Listing activities: by kind, status, owner, record, calendar, channel, direction and time,
//! in time order, paged by cursor, and counted.
//!
//! An activity's time is [`Activity::when`]: its start, else its due time, else its creation
//! (the time timelines sort by). A listing that names a record reads that record's timeline
//! index, which holds exactly its activities; other listings read the activities table. The
//! matching activities are ordered by time, then id, and a page starts strictly after its
//! cursor (the time and id of the last activity of the page before), so each activity present
//! for the whole walk appears once, whatever is inserted or deleted meanwhile. A cursor is
//! accepted only by an activity listing with the same filter and order (`queries/cursor.rs`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::activities::activity::{
    Activity, ActivityKind, ActivityStatus, Channel, InteractionDirection,
};
use crate::activities::calendar;
use crate::queries::cursor;
use crate::queries::query::{Page, TimeRange};
use crate::records::index::{self, ix};
use crate::records::record;
use crate::storage::store::{Flow, Reader};
use crate::values::error::{Error, Result};
use crate::values::id::{CalendarId, RecordRef};
use crate::values::input;
use crate::values::order;

/// Which activities to list. All criteria given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActivityFilter {
    /// Activities of at least one of these kinds.
    pub kinds_any: Vec<ActivityKind>,
    /// Activities in at least one of these statuses.
    pub statuses_any: Vec<ActivityStatus>,
    /// Activities owned by this user.
    pub owner: Option<String>,
    /// Activities on this record's timeline: linking it, or with it (a contact) taking part
    /// (`NotFound` when there is no such record).
    pub record: Option<RecordRef>,
    /// Activities in this calendar (`NotFound` when there is no such calendar).
    pub calendar: Option<CalendarId>,
    /// Activities through at least one of these channels.
    pub channels_any: Vec<Channel>,
    /// Activities in this direction (inbound or outbound).
    pub direction: Option<InteractionDirection>,
    /// Activities whose time (start, else due time, else creation) is in this range.
    pub when: TimeRange,
}

/// A page request for activities: which, in which order, how many, and where the previous
/// page ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActivityQuery {
    /// Which activities.
    pub filter: ActivityFilter,
    /// Oldest first instead of newest first.
    pub oldest_first: bool,
    /// How many per page, from 1 to 1,000 (50 by default).
    pub limit: u32,
    /// Where the previous page ended: its `next_cursor`, from an activity listing with the same filter and order
    /// (any other cursor is refused).
    pub cursor: Option<String>,
}

impl Default for ActivityQuery {
    fn default() -> Self {
        ActivityQuery {
            filter: ActivityFilter::default(),
            oldest_first: false,
            limit: 50,
            cursor: None,
        }
    }
}

/// The filter with its owner cleaned the way activities store it.
struct Checked<'a> {
    f: &'a ActivityFilter,
    owner: Option<String>,
}

impl Checked<'_> {
    /// Checks a filter: its times, its owner, and that the records it names exist.
    fn new<'f>(r: &mut impl Reader, f: &'f ActivityFilter) -> Result<Checked<'f>> {
        f.when.check("when")?;
        if let Some(rec) = f.record {
            record::must_exist(r, rec, "record")?;
        }
        if let Some(c) = f.calendar {
            calendar::get(r, c).map_err(|e| e.naming("calendar"))?;
        }
        Ok(Checked {
            f,
            owner: input::owner("owner", f.owner.as_deref())?,
        })
    }

    fn matches(&self, a: &Activity) -> bool {
        let f = self.f;
        (f.kinds_any.is_empty() || f.kinds_any.contains(&a.kind))
            && (f.statuses_any.is_empty() || f.statuses_any.contains(&a.status))
            && (self.owner.is_none() || a.owner == self.owner)
            && f.record.is_none_or(|r| a.on_timelines().contains(&r))
            && (f.calendar.is_none() || a.calendar == f.calendar)
            && (f.channels_any.is_empty() || a.channel.is_some_and(|c| f.channels_any.contains(&c)))
            && (f.direction.is_none() || a.direction == f.direction)
            && f.when.contains(a.when())
    }
}

/// Calls `f` with every activity that may match (those on the filter's record's timeline, or
/// all of them), until it breaks.
fn candidates(
    r: &mut impl Reader,
    f: &ActivityFilter,
    mut visit: impl FnMut(Activity) -> Flow,
) -> Result<()> {
    match f.record {
        Some(rec) => {
            let ids =
                index::ids_with_prefix(r, &index::raw_prefix(ix::ACTIVITY_ON, &rec.key_bytes()))?;
            for raw in ids {
                if let Some(a) = record::load::<Activity>(r, raw)? {
                    if visit(a).is_break() {
                        break;
                    }
                }
            }
            Ok(())
        }
        None => record::for_each::<Activity>(r, |a| Ok(visit(a))),
    }
}

/// An activity's place in the listing order: its time, then its id.
type Key = (DateTime<Utc>, u128);

fn encode_cursor(key: Key) -> String {
    format!("a{}.{:032x}", key.0.timestamp_micros(), key.1)
}

fn decode_cursor(cursor: &str) -> Result<Key> {
    let bad = || Error::validation("cursor", "is not a cursor of an activity listing");
    let (micros, id) = cursor
        .strip_prefix('a')
        .and_then(|c| c.split_once('.'))
        .ok_or_else(bad)?;
    let at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(bad)?;
    let id = u128::from_str_radix(id, 16).map_err(|_| bad())?;
    Ok((at, id))
}

/// One page of the activities matching a query, newest first unless asked otherwise.
pub(crate) fn list(r: &mut impl Reader, q: &ActivityQuery) -> Result<Page<Activity>> {
    if !(1..=1000).contains(&q.limit) {
        return Err(Error::validation("limit", "must be from 1 to 1,000"));
    }
    let tag = cursor::Tag::new("activity", &(&q.filter, q.oldest_first));
    let after = q
        .cursor
        .as_deref()
        .map(|c| decode_cursor(tag.open(c)?))
        .transpose()?;
    let check = Checked::new(r, &q.filter)?;
    let beyond = |key: Key| match after {
        None => true,
        Some(c) if q.oldest_first => key > c,
        Some(c) => key < c,
    };
    let mut found: Vec<(Key, Activity)> = Vec::new();
    candidates(r, &q.filter, |a| {
        let key = (a.when(), a.id.as_u128());
        if beyond(key) && check.matches(&a) {
            found.push((key, a));
        }
        Flow::Continue(())
    })?;
    order::sort_by_key(&mut found, |(key, _)| *key);
    if !q.oldest_first {
        found.reverse();
    }
    let limit = q.limit as usize;
    let next_cursor = (found.len() > limit).then(|| tag.seal(&encode_cursor(found[limit - 1].0)));
    found.truncate(limit);
    Ok(Page {
        items: found.into_iter().map(|(_, a)| a).collect(),
        next_cursor,
    })
}

/// How many activities match a filter.
pub(crate) fn count(r: &mut impl Reader, f: &ActivityFilter) -> Result<u64> {
    let check = Checked::new(r, f)?;
    let mut n = 0u64;
    candidates(r, f, |a| {
        n += u64::from(check.matches(&a));
        Flow::Continue(())
    })?;
    Ok(n)
}
