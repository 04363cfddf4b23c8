//! Timelines and the customer journey.
//!
//! A record's timeline merges, in time order, its creation, the activities that link to it
//! (or in which it takes part), a deal's stage changes, and the record's own changes. A
//! change is a [`RecordChange`] written in the same transaction as every edit of a contact,
//! company, lead or deal made through its update, tag and archive operations (imports and
//! the clean-up after a deletion elsewhere are not recorded): which fields changed, and for
//! contacts and leads the stage (lifecycle stage, status) before and after. Values are not
//! kept: that is the audit log's job, with its access rules.
//!
//! The customer journey of a contact is the done activities on its timeline that went
//! through a channel, oldest first, each with the contact's lifecycle stage at that time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::activities::activity::{
    self, Activity, ActivityKind, ActivityStatus, Channel, InteractionDirection,
};
use crate::queries::cursor;
use crate::records::changes::{RecordChange, changes_of};
use crate::records::index::{self, ix};
use crate::sales::deal::{self, StageChange};
use crate::storage::store::{Reader, Table};
use crate::values::error::{Error, Result};
use crate::values::id::{ActivityId, ContactId, RecordRef};
use crate::values::order;
use crate::{people::company, people::contact, sales::lead};

/// One page of a record's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TimelineQuery {
    /// The record.
    pub record: RecordRef,
    /// At most this many entries (1 to 1,000; 50 when absent).
    #[serde(default = "default_limit")]
    pub limit: u32,
    /// Where the previous page ended: its `next_cursor`, from the same record's timeline in the same order
    /// (any other cursor is refused).
    #[serde(default)]
    pub cursor: Option<String>,
    /// Oldest first instead of newest first.
    #[serde(default)]
    pub oldest_first: bool,
}

fn default_limit() -> u32 {
    50
}

impl TimelineQuery {
    /// The first page, newest first.
    pub fn new(record: impl Into<RecordRef>) -> TimelineQuery {
        TimelineQuery {
            record: record.into(),
            limit: default_limit(),
            cursor: None,
            oldest_first: false,
        }
    }
}

/// What a timeline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum TimelineEntryKind {
    /// The record was created.
    Created,
    /// An activity (`activity` is set).
    Activity,
    /// A deal changed stage (`stage_change` is set).
    StageChange,
    /// The record's fields changed (`change` is set).
    Change,
}

/// One entry of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimelineEntry {
    /// When it happened (an activity's start, else due time, else completion, else creation).
    pub at: DateTime<Utc>,
    /// What it is.
    pub kind: TimelineEntryKind,
    /// The activity, for activity entries.
    pub activity: Option<Activity>,
    /// The stage change, for stage change entries.
    pub stage_change: Option<StageChange>,
    /// The change, for change entries.
    pub change: Option<RecordChange>,
}

/// A timeline page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimelinePage {
    /// The entries of this page.
    pub items: Vec<TimelineEntry>,
    /// Pass this as the next query's cursor to get the following page; `None` on the last.
    pub next_cursor: Option<String>,
}

/// The creation time of any record kind, or `NotFound`.
fn created_at(r: &mut impl Reader, rec: RecordRef) -> Result<DateTime<Utc>> {
    Ok(match rec {
        RecordRef::Contact(id) => contact::get(r, id)?.created_at,
        RecordRef::Company(id) => company::get(r, id)?.created_at,
        RecordRef::Lead(id) => lead::get(r, id)?.created_at,
        RecordRef::Deal(id) => deal::load(r, id)?.created_at,
    })
}

/// A position on a timeline: time, kind, key. Every entry has a distinct one.
type Position = (i64, TimelineEntryKind, u128);

fn kind_code(k: TimelineEntryKind) -> char {
    match k {
        TimelineEntryKind::Created => 'c',
        TimelineEntryKind::Activity => 'a',
        TimelineEntryKind::StageChange => 's',
        TimelineEntryKind::Change => 'u',
    }
}

fn encode_cursor(oldest_first: bool, p: Position) -> String {
    format!(
        "{}{}.{}.{:032x}",
        if oldest_first { 'o' } else { 'n' },
        p.0,
        kind_code(p.1),
        p.2
    )
}

fn decode_cursor(cursor: &str, oldest_first: bool) -> Result<Position> {
    let bad = || Error::validation("cursor", "is not a cursor of this timeline's order");
    let rest = cursor
        .strip_prefix(if oldest_first { 'o' } else { 'n' })
        .ok_or_else(bad)?;
    let mut parts = rest.split('.');
    let (Some(at), Some(kind), Some(key), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let at: i64 = at.parse().map_err(|_| bad())?;
    let kind = [
        TimelineEntryKind::Created,
        TimelineEntryKind::Activity,
        TimelineEntryKind::StageChange,
        TimelineEntryKind::Change,
    ]
    .into_iter()
    .find(|k| kind.len() == 1 && kind.starts_with(kind_code(*k)))
    .ok_or_else(bad)?;
    if key.len() != 32 {
        return Err(bad());
    }
    let key = u128::from_str_radix(key, 16).map_err(|_| bad())?;
    Ok((at, kind, key))
}

/// The activities on a record's timeline as (when, id), in time order.
fn activity_positions(r: &mut impl Reader, rec: RecordRef) -> Result<Vec<(DateTime<Utc>, u128)>> {
    let prefix = index::raw_prefix(ix::ACTIVITY_ON, &rec.key_bytes());
    let mut out = Vec::new();
    r.scan_prefix(Table::INDEX, &prefix, false, |k, _| {
        let when = k.get(prefix.len()..).and_then(index::read_instant);
        if let (Some(when), Some(id)) = (when, index::id_of_key(k)) {
            out.push((when, id));
        }
        Ok(crate::storage::store::Flow::Continue(()))
    })?;
    Ok(out)
}

pub(crate) fn timeline(r: &mut impl Reader, q: &TimelineQuery) -> Result<TimelinePage> {
    if q.limit == 0 || q.limit > 1000 {
        return Err(Error::validation("limit", "must be from 1 to 1000"));
    }
    let tag = cursor::Tag::new("timeline", &(q.record, q.oldest_first));
    let after = q
        .cursor
        .as_deref()
        .map(|c| decode_cursor(tag.open(c)?, q.oldest_first))
        .transpose()?;
    let created = created_at(r, q.record)?;
    let mut positions: Vec<Position> = vec![(
        created.timestamp_micros(),
        TimelineEntryKind::Created,
        q.record.raw(),
    )];
    for (when, id) in activity_positions(r, q.record)? {
        positions.push((when.timestamp_micros(), TimelineEntryKind::Activity, id));
    }
    let mut stage_changes = Vec::new();
    if let RecordRef::Deal(id) = q.record {
        stage_changes = deal::history(r, id)?;
        for c in &stage_changes {
            positions.push((
                c.at.timestamp_micros(),
                TimelineEntryKind::StageChange,
                c.key,
            ));
        }
    }
    let changes = changes_of(r, q.record)?;
    for c in &changes {
        positions.push((c.at.timestamp_micros(), TimelineEntryKind::Change, c.key));
    }
    order::sort_unstable(&mut positions);
    if !q.oldest_first {
        positions.reverse();
    }
    let beyond = |p: &Position| match &after {
        None => true,
        Some(a) if q.oldest_first => p > a,
        Some(a) => p < a,
    };
    let limit = q.limit as usize;
    let page: Vec<Position> = positions
        .into_iter()
        .filter(beyond)
        .take(limit + 1)
        .collect();
    let next_cursor =
        (page.len() > limit).then(|| tag.seal(&encode_cursor(q.oldest_first, page[limit - 1])));
    let mut items = Vec::with_capacity(limit);
    for &(at, kind, key) in page.iter().take(limit) {
        let at = DateTime::from_timestamp_micros(at)
            .ok_or_else(|| Error::corrupt("index", "a timeline instant is out of range"))?;
        let mut entry = TimelineEntry {
            at,
            kind,
            activity: None,
            stage_change: None,
            change: None,
        };
        match kind {
            TimelineEntryKind::Created => {}
            TimelineEntryKind::Activity => {
                entry.activity = Some(activity::get(r, ActivityId::from_u128(key))?);
            }
            TimelineEntryKind::StageChange => {
                entry.stage_change = stage_changes.iter().find(|c| c.key == key).cloned();
            }
            TimelineEntryKind::Change => {
                entry.change = changes.iter().find(|c| c.key == key).cloned();
            }
        }
        items.push(entry);
    }
    Ok(TimelinePage { items, next_cursor })
}

/// One exchange with a contact on its journey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Touchpoint {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The activity.
    pub activity: ActivityId,
    /// Its kind.
    pub kind: ActivityKind,
    /// Its channel.
    pub channel: Channel,
    /// Who started it.
    pub direction: Option<InteractionDirection>,
    /// Its subject.
    pub subject: String,
    /// The contact's lifecycle stage at that time.
    pub stage: Option<String>,
}

/// How many touchpoints went through one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// The number of touchpoints.
    pub count: u64,
}

/// A contact's journey: every done exchange with a channel, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Journey {
    /// The contact.
    pub contact: ContactId,
    /// The touchpoints, oldest first.
    pub touchpoints: Vec<Touchpoint>,
    /// Touchpoints per channel, for the channels used, in channel order.
    pub channels: Vec<ChannelCount>,
    /// The first touchpoint.
    pub first_touch: Option<Touchpoint>,
    /// The latest touchpoint.
    pub last_touch: Option<Touchpoint>,
}

pub(crate) fn journey(r: &mut impl Reader, id: ContactId) -> Result<Journey> {
    let current = contact::get(r, id)?.lifecycle_stage;
    let rec = RecordRef::Contact(id);
    let stage_moves: Vec<RecordChange> = changes_of(r, rec)?
        .into_iter()
        .filter(|c| c.fields.iter().any(|f| f == "lifecycle_stage"))
        .collect();
    let stage_at = |t: DateTime<Utc>| -> Option<String> {
        match stage_moves.iter().rev().find(|c| c.at <= t) {
            Some(c) => c.stage_to.clone(),
            None => match stage_moves.first() {
                Some(c) => c.stage_from.clone(),
                None => current.clone(),
            },
        }
    };
    let mut touchpoints = Vec::new();
    for (_, raw) in activity_positions(r, rec)? {
        let a = activity::get(r, ActivityId::from_u128(raw))?;
        let (ActivityStatus::Done, Some(channel)) = (a.status, a.channel) else {
            continue;
        };
        let at = a.when();
        touchpoints.push(Touchpoint {
            at,
            activity: a.id,
            kind: a.kind,
            channel,
            direction: a.direction,
            subject: a.subject,
            stage: stage_at(at),
        });
    }
    let channels = Channel::ALL
        .into_iter()
        .map(|channel| ChannelCount {
            channel,
            count: touchpoints.iter().filter(|t| t.channel == channel).count() as u64,
        })
        .filter(|c| c.count > 0)
        .collect();
    Ok(Journey {
        contact: id,
        first_touch: touchpoints.first().cloned(),
        last_touch: touchpoints.last().cloned(),
        touchpoints,
        channels,
    })
}
