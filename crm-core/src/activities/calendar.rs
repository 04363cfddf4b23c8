//! Calendars, agendas, free/busy, reminders, and iCalendar in and out.
//!
//! A calendar is a named record with a time zone: personal (an owner, no members) or a
//! team's (members). Activities with a time sit in at most one calendar, and also appear in
//! the agenda of their owner and of the users taking part who did not decline. The `AGENDA`
//! index keys hold each scope's (calendar or user) events by start and end; repeating
//! events are listed apart (`AGENDA_SERIES`) and expanded per query. An event lasts at most
//! 366 days, so a range query reads the keys from 366 days before the range's start.

use std::ops::Bound;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::activities::activity::{self, Activity, ActivityStatus};
use crate::activities::recurrence;
use crate::records::codec;
use crate::records::index::{self, Entries, ix};
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::storage::store::{Flow, Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::{ActivityId, CalendarId};
use crate::values::input;
use crate::values::order;

/// Most event instances one query returns.
pub(crate) const MAX_INSTANCES: usize = 10_000;

/// A stored calendar.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Calendar {
    /// The calendar's id, `calendar_…`.
    #[cbor(skip)]
    pub id: CalendarId,
    /// Its name.
    #[n(0)]
    pub name: String,
    /// The user whose calendar it is (or who manages a team calendar).
    #[n(1)]
    pub owner: Option<String>,
    /// The users of a team calendar; empty for a personal one.
    #[n(2)]
    pub members: Vec<String>,
    /// The IANA time zone it shows and imports floating times in.
    #[n(3)]
    pub time_zone: String,
    /// When it was created.
    #[n(4)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[n(5)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
}

/// What a caller provides to create or replace a calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Required although the serde form defaults every field: the core refuses it empty.
#[cfg_attr(feature = "schema", schemars(extend("required" = ["name"])))]
#[serde(default, deny_unknown_fields)]
pub struct CalendarInput {
    /// Its name; required.
    pub name: String,
    /// The user whose calendar it is; a personal calendar (without members) needs one.
    pub owner: Option<String>,
    /// The users of a team calendar.
    pub members: Vec<String>,
    /// An IANA time zone; UTC when absent.
    pub time_zone: Option<String>,
}

impl Record for Calendar {
    const TABLE: Table = tables::CALENDARS;
    const NAME: &'static str = "calendar";
    const ID_PREFIX: &'static str = "calendar";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = CalendarId::from_u128(raw);
    }
    fn entries(&self, _: &mut Entries) {}
}

fn build(input: &CalendarInput) -> Result<Calendar> {
    let name = input::line("name", Some(&input.name))?
        .ok_or_else(|| Error::validation("name", "is required"))?;
    let owner = input::owner("owner", input.owner.as_deref())?;
    let mut members: Vec<String> = Vec::with_capacity(input.members.len());
    for (i, m) in input.members.iter().enumerate() {
        let field = format!("members[{i}]");
        let m = input::owner(&field, Some(m))?
            .ok_or_else(|| Error::validation(field.clone(), "is blank"))?;
        if members.contains(&m) {
            return Err(Error::validation(field, "appears twice"));
        }
        members.push(m);
    }
    if owner.is_none() && members.is_empty() {
        return Err(Error::validation(
            "owner",
            "is required for a personal calendar (one without members)",
        ));
    }
    let zone = recurrence::zone(input.time_zone.as_deref(), "time_zone")?;
    Ok(Calendar {
        id: CalendarId::default(),
        name,
        owner,
        members,
        time_zone: zone.name().to_string(),
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    })
}

pub(crate) fn get(r: &mut impl Reader, id: CalendarId) -> Result<Calendar> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn all(r: &mut impl Reader) -> Result<Vec<Calendar>> {
    let mut out = Vec::new();
    record::for_each::<Calendar>(r, |c| {
        out.push(c);
        Ok(Flow::Continue(()))
    })?;
    Ok(out)
}

pub(crate) fn create(w: &mut impl Writer, ctx: &Ctx, input: &CalendarInput) -> Result<Calendar> {
    let mut c = build(input)?;
    let now = ctx.now();
    c.id = CalendarId::from_u128(ctx.mint(now));
    c.created_at = now;
    c.updated_at = now;
    record::save(w, None, &c)?;
    Ok(c)
}

pub(crate) fn update(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: CalendarId,
    input: &CalendarInput,
) -> Result<Calendar> {
    let old = get(w, id)?;
    let mut c = build(input)?;
    c.id = id;
    c.created_at = old.created_at;
    c.updated_at = ctx.now().max(old.updated_at);
    record::save(w, Some(&old), &c)?;
    Ok(c)
}

/// Deletes a calendar; its activities stay, outside any calendar.
pub(crate) fn delete(w: &mut impl Writer, ctx: &Ctx, id: CalendarId) -> Result<()> {
    let old = get(w, id)?;
    for a in in_calendar(w, id)? {
        let new = Activity {
            calendar: None,
            updated_at: ctx.now().max(a.updated_at),
            ..a.clone()
        };
        record::save(w, Some(&a), &new)?;
    }
    record::erase(w, &old)
}

/// Every activity of a calendar, in id order.
pub(crate) fn in_calendar(r: &mut impl Reader, id: CalendarId) -> Result<Vec<Activity>> {
    let scope = activity::calendar_scope(id);
    let mut ids = index::ids_with_prefix(r, &index::raw_prefix(ix::AGENDA, &scope))?;
    ids.extend(index::ids_with_prefix(
        r,
        &index::raw_prefix(ix::AGENDA_SERIES, &scope),
    )?);
    order::sort_unstable(&mut ids);
    ids.dedup();
    ids.into_iter()
        .map(|raw| activity::get(r, ActivityId::from_u128(raw)))
        .collect()
}

/// A range of time: from `from` (included) to `until` (excluded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgendaQuery {
    /// A calendar's events; give this or `user`.
    #[serde(default)]
    pub calendar: Option<CalendarId>,
    /// A user's events (owned, or taking part without having declined); give this or
    /// `calendar`.
    #[serde(default)]
    pub user: Option<String>,
    /// The first instant of the range (the range's instants are in the years 1000 through
    /// 9999).
    pub from: DateTime<Utc>,
    /// The first instant after the range.
    pub until: DateTime<Utc>,
    /// Whether cancelled events are listed too.
    #[serde(default)]
    pub include_cancelled: bool,
}

/// One occurrence of an event in a range: the activity, and this occurrence's times (a
/// repeating event has one per instance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EventInstance {
    /// The activity.
    pub activity: Activity,
    /// When this occurrence starts (a task's due time).
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
}

/// Checks a range of instants: each in the years 1000 through 9999, `until` after `from`.
pub(crate) fn check_range(from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Result<()> {
    input::opt_instant("from", from)?;
    input::opt_instant("until", until)?;
    if let (Some(from), Some(until)) = (from, until) {
        if until <= from {
            return Err(Error::validation("until", "must be after from"));
        }
    }
    Ok(())
}

/// The occurrences of a scope's events that overlap `[from, until)`, by start then id.
fn occurrences(
    r: &mut impl Reader,
    scope: &[u8],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    include_cancelled: bool,
) -> Result<Vec<EventInstance>> {
    check_range(Some(from), Some(until))?;
    let mut lower = index::raw_prefix(ix::AGENDA, scope);
    let head = lower.len();
    let mut upper = lower.clone();
    index::push_instant(
        &mut lower,
        from.checked_sub_signed(Duration::days(activity::MAX_EVENT_DAYS))
            .unwrap_or(DateTime::<Utc>::MIN_UTC),
    );
    index::push_instant(&mut upper, until);
    let mut hits: Vec<(DateTime<Utc>, DateTime<Utc>, u128)> = Vec::new();
    r.scan(
        Table::INDEX,
        (Bound::Included(&lower[..]), Bound::Excluded(&upper[..])),
        false,
        |k, _| {
            let start = k.get(head..).and_then(index::read_instant);
            let end = k.get(head + 8..).and_then(index::read_instant);
            if let (Some(s), Some(e), Some(id)) = (start, end, index::id_of_key(k)) {
                let overlaps = if s == e { s >= from } else { e > from };
                if overlaps && s < until {
                    hits.push((s, e, id));
                }
            }
            Ok(Flow::Continue(()))
        },
    )?;
    let mut out = Vec::with_capacity(hits.len());
    for (s, e, raw) in hits {
        let a = activity::get(r, ActivityId::from_u128(raw))?;
        if include_cancelled || a.status != ActivityStatus::Cancelled {
            out.push(EventInstance {
                activity: a,
                starts_at: s,
                ends_at: e,
            });
        }
    }
    for raw in index::ids_with_prefix(r, &index::raw_prefix(ix::AGENDA_SERIES, scope))? {
        let a = activity::get(r, ActivityId::from_u128(raw))?;
        if !include_cancelled && a.status == ActivityStatus::Cancelled {
            continue;
        }
        for (s, e) in instances(
            &a,
            from,
            Some(until),
            MAX_INSTANCES.saturating_sub(out.len()),
        )? {
            out.push(EventInstance {
                activity: a.clone(),
                starts_at: s,
                ends_at: e,
            });
        }
    }
    if out.len() > MAX_INSTANCES {
        return Err(too_many());
    }
    order::sort_by_key(&mut out, |e| (e.starts_at, e.activity.id));
    Ok(out)
}

fn too_many() -> Error {
    Error::validation(
        "until",
        format!("the range holds more than {MAX_INSTANCES} events; ask for a shorter one"),
    )
}

/// The occurrences (start, end) of one activity overlapping `[from, until)`.
pub(crate) fn instances(
    a: &Activity,
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    limit: usize,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    let Some((start, end)) = a.span() else {
        return Ok(Vec::new());
    };
    let length = end - start;
    match &a.recurrence {
        None => {
            let overlaps = if start == end {
                start >= from
            } else {
                end > from
            };
            Ok(if overlaps && until.is_none_or(|u| start < u) {
                vec![(start, end)]
            } else {
                Vec::new()
            })
        }
        Some(rule) => {
            let zone = recurrence::zone(a.time_zone.as_deref(), "time_zone")?;
            if recurrence::last_start(start, zone, rule).is_some_and(|last| last + length < from) {
                // The series ended before the range.
                return Ok(Vec::new());
            }
            let starts =
                recurrence::expand(start, length, zone, rule, from, until, limit, "until")?;
            Ok(starts.into_iter().map(|s| (s, s + length)).collect())
        }
    }
}

/// The occurrences of one activity from `from` on.
pub(crate) fn occurrences_of(
    r: &mut impl Reader,
    id: ActivityId,
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
) -> Result<Vec<TimeSpan>> {
    check_range(Some(from), until)?;
    let a = activity::get(r, id)?;
    Ok(instances(&a, from, until, MAX_INSTANCES)?
        .into_iter()
        .map(|(starts_at, ends_at)| TimeSpan { starts_at, ends_at })
        .collect())
}

pub(crate) fn agenda(r: &mut impl Reader, q: &AgendaQuery) -> Result<Vec<EventInstance>> {
    let scope = match (&q.calendar, &q.user) {
        (Some(c), None) => {
            get(r, *c)?;
            activity::calendar_scope(*c)
        }
        (None, Some(u)) => activity::user_scope(&user(u)?),
        _ => {
            return Err(Error::validation(
                "calendar",
                "give either a calendar or a user",
            ));
        }
    };
    occurrences(r, &scope, q.from, q.until, q.include_cancelled)
}

fn user(u: &str) -> Result<String> {
    input::owner("user", Some(u))?.ok_or_else(|| Error::validation("user", "is required"))
}

/// A user's busy times over a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FreeBusyQuery {
    /// The user.
    pub user: String,
    /// The first instant of the range (the range's instants are in the years 1000 through
    /// 9999).
    pub from: DateTime<Utc>,
    /// The first instant after the range.
    pub until: DateTime<Utc>,
}

/// A stretch of time: an occurrence of an event, or a time a user is busy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimeSpan {
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
}

/// The user's busy periods within the range: their timed events (planned or done, not
/// all-day, not declined), clipped to the range, overlapping ones merged.
pub(crate) fn free_busy(r: &mut impl Reader, q: &FreeBusyQuery) -> Result<Vec<TimeSpan>> {
    let scope = activity::user_scope(&user(&q.user)?);
    let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> =
        occurrences(r, &scope, q.from, q.until, false)?
            .into_iter()
            .filter(|e| !e.activity.all_day && e.ends_at > e.starts_at)
            .map(|e| (e.starts_at.max(q.from), e.ends_at.min(q.until)))
            .collect();
    order::sort(&mut spans);
    let mut out: Vec<TimeSpan> = Vec::new();
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.ends_at => last.ends_at = last.ends_at.max(e),
            _ => out.push(TimeSpan {
                starts_at: s,
                ends_at: e,
            }),
        }
    }
    Ok(out)
}

/// Which reminders to list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReminderQuery {
    /// The first instant of the range (the range's instants are in the years 1000 through
    /// 9999).
    pub from: DateTime<Utc>,
    /// The first instant after the range.
    pub until: DateTime<Utc>,
    /// Only the reminders of this user's activities.
    #[serde(default)]
    pub owner: Option<String>,
}

/// A reminder that falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DueReminder {
    /// When to remind.
    pub remind_at: DateTime<Utc>,
    /// The activity.
    pub activity: ActivityId,
    /// Its subject.
    pub subject: String,
    /// Its owner, who is reminded.
    pub owner: Option<String>,
    /// The start (or due time) of the occurrence it reminds of.
    pub starts_at: DateTime<Utc>,
    /// How long before it, in minutes.
    pub minutes_before: u32,
}

/// Reminders of planned activities due in `[from, until)`, in time order.
pub(crate) fn reminders_due(r: &mut impl Reader, q: &ReminderQuery) -> Result<Vec<DueReminder>> {
    check_range(Some(q.from), Some(q.until))?;
    let owner = match &q.owner {
        Some(o) => Some(user(o)?),
        None => None,
    };
    let mut lower = vec![ix::REMINDER];
    index::push_instant(&mut lower, q.from);
    let mut upper = vec![ix::REMINDER];
    index::push_instant(&mut upper, q.until);
    let mut ids = index::ids_in_range(
        r,
        (Bound::Included(&lower[..]), Bound::Excluded(&upper[..])),
        false,
    )?;
    order::sort_unstable(&mut ids);
    ids.dedup();
    ids.extend(index::ids_with_prefix(r, &[ix::REMINDER_SERIES])?);
    let mut out = Vec::new();
    for raw in ids {
        let a = activity::get(r, ActivityId::from_u128(raw))?;
        if owner.is_some() && a.owner != owner {
            continue;
        }
        for &m in &a.reminders {
            let before = Duration::minutes(i64::from(m));
            let (Some(from), Some(until)) = (
                q.from.checked_add_signed(before),
                q.until.checked_add_signed(before),
            ) else {
                continue;
            };
            let starts: Vec<DateTime<Utc>> = match (&a.recurrence, a.starts_at.or(a.due_at)) {
                (Some(rule), Some(start)) => {
                    let zone = recurrence::zone(a.time_zone.as_deref(), "time_zone")?;
                    recurrence::expand(
                        start,
                        Duration::zero(),
                        zone,
                        rule,
                        from,
                        Some(until),
                        MAX_INSTANCES,
                        "until",
                    )?
                }
                (None, Some(start)) if start >= from && start < until => vec![start],
                _ => Vec::new(),
            };
            for s in starts {
                out.push(DueReminder {
                    remind_at: s - before,
                    activity: a.id,
                    subject: a.subject.clone(),
                    owner: a.owner.clone(),
                    starts_at: s,
                    minutes_before: m,
                });
            }
            if out.len() > MAX_INSTANCES {
                return Err(too_many());
            }
        }
    }
    order::sort_by(&mut out, |a, b| {
        (a.remind_at, a.activity, a.minutes_before).cmp(&(
            b.remind_at,
            b.activity,
            b.minutes_before,
        ))
    });
    Ok(out)
}
