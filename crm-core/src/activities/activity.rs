//! Activities: calls, meetings, tasks, notes, emails and other exchanges, linked to any
//! number of records, with participants, a channel and a direction, and follow-up chains.
//!
//! An activity appears on the timeline of every record it links to and of every contact
//! taking part in it. Meetings and calls with a time can sit in a calendar, repeat
//! (`recurrence`) and carry reminders. Completing an activity can create the next one; the
//! new one `follows` the old, and the chain can be walked both ways.

use std::ops::Bound;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::activities::recurrence::{self, Recurrence};
use crate::records::codec;
use crate::records::index::{self, Entries, field_class, ix};
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::storage::store::{self, Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::{ActivityId, CalendarId, ContactId, RecordRef};
use crate::values::order;
use crate::{storage::postings, values::input, values::normalize, values::text};

/// What kind of exchange an activity is.
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
pub enum ActivityKind {
    /// A phone or video call.
    #[n(0)]
    Call,
    /// A meeting.
    #[n(1)]
    Meeting,
    /// A task: something to do by a due date.
    #[n(2)]
    Task,
    /// A note.
    #[n(3)]
    Note,
    /// An email.
    #[n(4)]
    Email,
    /// Anything else; `other_kind` names it.
    #[n(5)]
    Other,
}

/// Where an activity stands.
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
pub enum ActivityStatus {
    /// To happen, or to do.
    #[n(0)]
    Planned,
    /// Happened, or done.
    #[n(1)]
    Done,
    /// Called off.
    #[n(2)]
    Cancelled,
}

/// The channel an exchange went through.
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
pub enum Channel {
    /// Email.
    #[n(0)]
    Email,
    /// Telephone.
    #[n(1)]
    Phone,
    /// Live chat.
    #[n(2)]
    Chat,
    /// Social networks.
    #[n(3)]
    Social,
    /// A form on a web site.
    #[n(4)]
    WebForm,
    /// Face to face.
    #[n(5)]
    InPerson,
    /// Messaging apps and text messages.
    #[n(6)]
    Messaging,
    /// The firm's mobile app.
    #[n(7)]
    MobileApp,
    /// Post.
    #[n(8)]
    Letter,
    /// Any other channel.
    #[n(9)]
    Other,
}

impl Channel {
    /// Every channel, in code order.
    pub const ALL: [Channel; 10] = [
        Channel::Email,
        Channel::Phone,
        Channel::Chat,
        Channel::Social,
        Channel::WebForm,
        Channel::InPerson,
        Channel::Messaging,
        Channel::MobileApp,
        Channel::Letter,
        Channel::Other,
    ];
}

/// Who started an exchange.
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
pub enum InteractionDirection {
    /// From the customer to the firm.
    #[n(0)]
    Inbound,
    /// From the firm to the customer.
    #[n(1)]
    Outbound,
}

/// How urgent a task is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Priority {
    /// Can wait.
    #[n(0)]
    Low,
    /// The default.
    #[default]
    #[n(1)]
    Normal,
    /// First.
    #[n(2)]
    High,
}

/// A participant's answer to an invitation.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ParticipantStatus {
    /// Not answered yet.
    #[default]
    #[n(0)]
    NeedsAction,
    /// Coming.
    #[n(1)]
    Accepted,
    /// Maybe coming.
    #[n(2)]
    Tentative,
    /// Not coming.
    #[n(3)]
    Declined,
}

/// Someone taking part in an activity: a contact, a user of the app, or a guest known only
/// by an email address. Exactly one of `contact`, `user` and `email` is set.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Participant {
    /// A contact.
    #[n(0)]
    pub contact: Option<ContactId>,
    /// The id of a user.
    #[n(1)]
    pub user: Option<String>,
    /// A guest's email address.
    #[n(2)]
    pub email: Option<String>,
    /// A guest's display name.
    #[n(3)]
    pub name: Option<String>,
    /// Their answer to the invitation.
    #[n(4)]
    #[cbor(default)]
    pub status: ParticipantStatus,
}

impl Default for Participant {
    fn default() -> Self {
        Participant {
            contact: None,
            user: None,
            email: None,
            name: None,
            status: ParticipantStatus::NeedsAction,
        }
    }
}

/// A stored activity.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Activity {
    /// The activity's id, `activity_…`.
    #[cbor(skip)]
    pub id: ActivityId,
    /// What kind of exchange it is.
    #[n(0)]
    pub kind: ActivityKind,
    /// The name of an `other` kind, such as `site visit`.
    #[n(1)]
    pub other_kind: Option<String>,
    /// A one-line summary.
    #[n(2)]
    pub subject: String,
    /// Notes, the text of an email, minutes.
    #[n(3)]
    pub body: Option<String>,
    /// The id of the user it belongs to.
    #[n(4)]
    pub owner: Option<String>,
    /// Who takes part.
    #[n(5)]
    pub participants: Vec<Participant>,
    /// When it starts (or started).
    #[n(6)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends; not before `starts_at`.
    #[n(7)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub ends_at: Option<DateTime<Utc>>,
    /// Whether it takes whole days: then `starts_at` and `ends_at` are midnights in its time
    /// zone and `ends_at` is the first midnight after it.
    #[n(8)]
    #[cbor(default)]
    pub all_day: bool,
    /// When a task is due.
    #[n(9)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub due_at: Option<DateTime<Utc>>,
    /// The IANA time zone its local times are in (`Europe/Warsaw`); UTC when absent.
    /// Recurrences repeat at the same local time in it.
    #[n(10)]
    pub time_zone: Option<String>,
    /// Where it takes place.
    #[n(11)]
    pub location: Option<String>,
    /// Planned, done or cancelled.
    #[n(12)]
    pub status: ActivityStatus,
    /// When it was marked done.
    #[n(13)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub completed_at: Option<DateTime<Utc>>,
    /// What came of it, such as `call back` or `interested`.
    #[n(14)]
    pub outcome: Option<String>,
    /// The channel it went through.
    #[n(15)]
    pub channel: Option<Channel>,
    /// Who started it.
    #[n(16)]
    pub direction: Option<InteractionDirection>,
    /// How urgent it is.
    #[n(17)]
    #[cbor(default)]
    pub priority: Priority,
    /// The records it concerns; it appears on each one's timeline.
    #[n(18)]
    pub links: Vec<RecordRef>,
    /// The calendar it sits in.
    #[n(19)]
    pub calendar: Option<CalendarId>,
    /// Reminders, in minutes before the start (or before the due time of a task).
    #[n(20)]
    pub reminders: Vec<u32>,
    /// How it repeats.
    #[n(21)]
    pub recurrence: Option<Recurrence>,
    /// The activity whose completion created this one.
    #[n(22)]
    pub follows: Option<ActivityId>,
    /// Its iCalendar `UID`: kept from an imported file, so that importing the file again
    /// updates it rather than adding a copy.
    #[n(23)]
    pub ical_uid: Option<String>,
    /// When it was created.
    #[n(24)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[n(25)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
}

/// What a caller provides to create or replace an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Required although the serde form defaults every field: the core refuses it empty.
#[cfg_attr(feature = "schema", schemars(extend("required" = ["subject"])))]
#[serde(default, deny_unknown_fields)]
pub struct ActivityInput {
    /// What kind of exchange; a note when absent.
    pub kind: ActivityKind,
    /// The name of an `other` kind (only with `other`).
    pub other_kind: Option<String>,
    /// A one-line summary; required.
    pub subject: String,
    /// Notes, text, minutes.
    pub body: Option<String>,
    /// The id of the user it belongs to.
    pub owner: Option<String>,
    /// Who takes part.
    pub participants: Vec<Participant>,
    /// When it starts. Every instant of an activity (`starts_at`, `ends_at`, `due_at`, the
    /// recurrence's `until` and exceptions) is in the years 1000 through 9999 (UTC).
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends; needs `starts_at`, not before it, at most 366 days after it.
    pub ends_at: Option<DateTime<Utc>>,
    /// Whether it takes whole days (its times must then be midnights in its time zone).
    pub all_day: bool,
    /// When a task is due.
    pub due_at: Option<DateTime<Utc>>,
    /// The IANA time zone of its local times.
    pub time_zone: Option<String>,
    /// Where it takes place.
    pub location: Option<String>,
    /// Planned unless given.
    pub status: Option<ActivityStatus>,
    /// What came of it.
    pub outcome: Option<String>,
    /// The channel; for calls `phone`, emails `email` and meetings `in_person` when absent.
    pub channel: Option<Channel>,
    /// Who started it.
    pub direction: Option<InteractionDirection>,
    /// How urgent it is (`normal` when absent).
    pub priority: Option<Priority>,
    /// The records it concerns; each must exist.
    pub links: Vec<RecordRef>,
    /// The calendar it sits in; it must exist, and the activity needs a start.
    pub calendar: Option<CalendarId>,
    /// Reminders, in minutes before the start or due time (at most 4 weeks).
    pub reminders: Vec<u32>,
    /// How it repeats; needs `starts_at`.
    pub recurrence: Option<Recurrence>,
    /// Its iCalendar `UID`.
    pub ical_uid: Option<String>,
}

impl Default for ActivityInput {
    fn default() -> Self {
        ActivityInput {
            kind: ActivityKind::Note,
            other_kind: None,
            subject: String::new(),
            body: None,
            owner: None,
            participants: Vec::new(),
            starts_at: None,
            ends_at: None,
            all_day: false,
            due_at: None,
            time_zone: None,
            location: None,
            status: None,
            outcome: None,
            channel: None,
            direction: None,
            priority: None,
            links: Vec::new(),
            calendar: None,
            reminders: Vec::new(),
            recurrence: None,
            ical_uid: None,
        }
    }
}

impl Activity {
    /// The input that recreates this activity's editable fields, for an update that changes
    /// a few of them.
    pub fn to_input(&self) -> ActivityInput {
        ActivityInput {
            kind: self.kind,
            other_kind: self.other_kind.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            owner: self.owner.clone(),
            participants: self.participants.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            all_day: self.all_day,
            due_at: self.due_at,
            time_zone: self.time_zone.clone(),
            location: self.location.clone(),
            status: Some(self.status),
            outcome: self.outcome.clone(),
            channel: self.channel,
            direction: self.direction,
            priority: Some(self.priority),
            links: self.links.clone(),
            calendar: self.calendar,
            reminders: self.reminders.clone(),
            recurrence: self.recurrence.clone(),
            ical_uid: self.ical_uid.clone(),
        }
    }

    /// The instant it sits at on a timeline: its start, else its due time, else when it was
    /// done, else when it was recorded.
    pub fn when(&self) -> DateTime<Utc> {
        self.starts_at
            .or(self.due_at)
            .or(self.completed_at)
            .unwrap_or(self.created_at)
    }

    /// The records whose timelines it appears on: its links and its contacts taking part.
    pub(crate) fn on_timelines(&self) -> Vec<RecordRef> {
        let mut out = self.links.clone();
        for p in &self.participants {
            if let Some(c) = p.contact {
                let r = RecordRef::Contact(c);
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        out
    }

    /// The span it takes in a calendar: start to end (a start alone or a due time is an
    /// instant), or `None` without a time.
    pub(crate) fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        match (self.starts_at, self.due_at) {
            (Some(s), _) => Some((s, self.ends_at.unwrap_or(s))),
            (None, Some(d)) => Some((d, d)),
            (None, None) => None,
        }
    }

    /// The calendars and users whose agendas it appears in: its calendar, its owner and the
    /// users taking part who did not decline.
    pub(crate) fn scopes(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        if let Some(c) = self.calendar {
            out.push(calendar_scope(c));
        }
        let users = self.owner.iter().chain(
            self.participants
                .iter()
                .filter(|p| p.status != ParticipantStatus::Declined)
                .filter_map(|p| p.user.as_ref()),
        );
        for u in users {
            let s = user_scope(u);
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }
}

/// The agenda scope of a calendar.
pub(crate) fn calendar_scope(c: CalendarId) -> Vec<u8> {
    let mut s = vec![1];
    s.extend_from_slice(&c.to_bytes());
    s
}

/// The agenda scope of a user.
pub(crate) fn user_scope(user: &str) -> Vec<u8> {
    let mut s = vec![2];
    index::push_text(&mut s, user, usize::MAX);
    s
}

impl Record for Activity {
    const TABLE: Table = tables::ACTIVITIES;
    const NAME: &'static str = "activity";
    const ID_PREFIX: &'static str = "activity";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = ActivityId::from_u128(raw);
    }
    fn entries(&self, out: &mut Entries) {
        let id = self.raw_id();
        let mut when = Vec::with_capacity(8);
        index::push_instant(&mut when, self.when());
        for r in self.on_timelines() {
            let mut v = r.key_bytes().to_vec();
            v.extend_from_slice(&when);
            out.index.push(index::raw_key(ix::ACTIVITY_ON, &v, id));
        }
        if let (ActivityKind::Task, Some(owner)) = (self.kind, &self.owner) {
            let mut v = Vec::new();
            index::push_text(&mut v, owner, usize::MAX);
            match self.status {
                ActivityStatus::Planned => {
                    v.push(0);
                    match self.due_at {
                        Some(d) => index::push_instant(&mut v, d),
                        None => v.extend_from_slice(&[0xFF; 8]),
                    }
                }
                ActivityStatus::Done => {
                    v.push(1);
                    index::push_instant(&mut v, self.completed_at.unwrap_or(self.updated_at));
                }
                ActivityStatus::Cancelled => v.clear(),
            }
            if !v.is_empty() {
                out.index.push(index::raw_key(ix::TASK_BY_OWNER, &v, id));
            }
        }
        if let Some(o) = self.follows {
            out.index
                .push(index::raw_key(ix::ACTIVITY_FOLLOWS, &o.to_bytes(), id));
        }
        if let Some(uid) = &self.ical_uid {
            out.index.push(index::text_key(ix::ACTIVITY_UID, uid, id));
        }
        if let Some((start, end)) = self.span() {
            for scope in self.scopes() {
                if self.recurrence.is_some() {
                    out.index
                        .push(index::raw_key(ix::AGENDA_SERIES, &scope, id));
                } else {
                    let mut v = scope;
                    index::push_instant(&mut v, start);
                    index::push_instant(&mut v, end);
                    out.index.push(index::raw_key(ix::AGENDA, &v, id));
                }
            }
        }
        let mut add = |s: &str, class: u8| {
            text::for_each_term(s, |t| out.add_term(SEARCH_KIND, t, class));
        };
        add(&self.subject, field_class::NAME);
        for s in [&self.other_kind, &self.location, &self.outcome, &self.body]
            .into_iter()
            .flatten()
        {
            add(s, field_class::OTHER);
        }
        if let (ActivityStatus::Planned, Some(base), false) = (
            self.status,
            self.starts_at.or(self.due_at),
            self.reminders.is_empty(),
        ) {
            if self.recurrence.is_some() {
                out.index.push(index::raw_key(ix::REMINDER_SERIES, &[], id));
            } else {
                for &m in &self.reminders {
                    let mut v = Vec::with_capacity(8);
                    index::push_instant(&mut v, base - Duration::minutes(i64::from(m)));
                    out.index.push(index::raw_key(ix::REMINDER, &v, id));
                }
            }
        }
    }
}

/// The `search` table's kind byte for activities (record kinds use 1 to 4, products 0x10).
const SEARCH_KIND: u8 = 0x11;

/// Activities whose subject, body, location, outcome or kind name has, for every word of
/// `text`, a word starting with it (ignoring case and diacritics); newest first.
pub(crate) fn search(r: &mut impl Reader, query_text: &str, limit: u32) -> Result<Vec<Activity>> {
    if !(1..=1000).contains(&limit) {
        return Err(Error::validation("limit", "must be from 1 to 1,000"));
    }
    let mut out = postings::ids_with_every_word(r, SEARCH_KIND, query_text)?
        .into_iter()
        .map(|raw| get(r, ActivityId::from_u128(raw)))
        .collect::<Result<Vec<_>>>()?;
    order::sort_by_key(&mut out, |a| std::cmp::Reverse((a.when(), a.id)));
    out.truncate(limit as usize);
    Ok(out)
}

/// Longest event: a year and a day. Calendar queries look this far back for events that
/// started before the range and still run in it.
pub(crate) const MAX_EVENT_DAYS: i64 = 366;
/// Earliest reminder: four weeks before.
const MAX_REMINDER_MINUTES: u32 = 4 * 7 * 24 * 60;
/// Most reminders, participants and links on one activity.
const MAX_ITEMS: usize = 200;

/// Checks an input and builds the activity it describes (id, times of creation and status
/// left for the caller). `field` prefixes the paths in errors.
pub(crate) fn build(r: &mut impl Reader, input: &ActivityInput) -> Result<Activity> {
    let subject = input::line("subject", Some(&input.subject))?
        .ok_or_else(|| Error::validation("subject", "is required"))?;
    let other_kind = input::line("other_kind", input.other_kind.as_deref())?;
    if other_kind.is_some() && input.kind != ActivityKind::Other {
        return Err(Error::validation(
            "other_kind",
            "is only for activities of the other kind",
        ));
    }
    let zone = recurrence::zone(input.time_zone.as_deref(), "time_zone")?;
    let time_zone = input
        .time_zone
        .as_deref()
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .map(|_| zone.name().to_string());
    // Instants are kept to the microsecond, as stored: exceptions of a series compare equal.
    let micros = |t: Option<DateTime<Utc>>| t.map(|t| t.trunc_subsecs(6));
    let starts_at = input::opt_instant("starts_at", micros(input.starts_at))?;
    let mut ends_at = input::opt_instant("ends_at", micros(input.ends_at))?;
    let due_at = input::opt_instant("due_at", micros(input.due_at))?;
    if let Some(end) = ends_at {
        let start =
            starts_at.ok_or_else(|| Error::validation("ends_at", "needs a start (starts_at)"))?;
        if end < start {
            return Err(Error::validation("ends_at", "is before the start"));
        }
        if end - start > Duration::days(MAX_EVENT_DAYS) {
            return Err(Error::validation(
                "ends_at",
                "is more than 366 days after the start",
            ));
        }
    }
    if input.all_day {
        let start =
            starts_at.ok_or_else(|| Error::validation("all_day", "needs a start (starts_at)"))?;
        let midnight = |t: DateTime<Utc>| t.with_timezone(&zone).time() == chrono::NaiveTime::MIN;
        if !midnight(start) {
            return Err(Error::validation(
                "starts_at",
                "must be a midnight in the time zone for an all-day activity",
            ));
        }
        match ends_at {
            Some(end) if !midnight(end) || end == start => {
                return Err(Error::validation(
                    "ends_at",
                    "must be a later midnight in the time zone for an all-day activity",
                ));
            }
            Some(_) => {}
            None => ends_at = Some(next_midnight(start, zone)),
        }
    }
    let mut participants: Vec<Participant> = Vec::with_capacity(input.participants.len());
    if input.participants.len() > MAX_ITEMS {
        return Err(Error::validation(
            "participants",
            "has more than 200 entries",
        ));
    }
    for (i, p) in input.participants.iter().enumerate() {
        participants.push(participant(r, &format!("participants[{i}]"), p)?);
        let last = participants.len() - 1;
        if participants[..last]
            .iter()
            .any(|q| same_person(q, &participants[last]))
        {
            return Err(Error::validation(
                format!("participants[{i}]"),
                "appears twice",
            ));
        }
    }
    if input.links.len() > MAX_ITEMS {
        return Err(Error::validation("links", "has more than 200 entries"));
    }
    let mut links: Vec<RecordRef> = Vec::with_capacity(input.links.len());
    for (i, l) in input.links.iter().enumerate() {
        if !record::exists(r, *l)? {
            return Err(Error::validation(
                format!("links[{i}]"),
                format!("is not an existing {}", l.kind()),
            ));
        }
        if links.contains(l) {
            return Err(Error::validation(format!("links[{i}]"), "appears twice"));
        }
        links.push(*l);
    }
    let has_time = starts_at.is_some() || due_at.is_some();
    if let Some(c) = input.calendar {
        if !r.contains(tables::CALENDARS, &c.to_bytes())? {
            return Err(Error::validation("calendar", "is not an existing calendar"));
        }
        if !has_time {
            return Err(Error::validation(
                "calendar",
                "needs a start (starts_at) or a due time (due_at)",
            ));
        }
    }
    let mut reminders = input.reminders.clone();
    if reminders.len() > MAX_ITEMS {
        return Err(Error::validation("reminders", "has more than 200 entries"));
    }
    if let Some(i) = reminders.iter().position(|&m| m > MAX_REMINDER_MINUTES) {
        return Err(Error::validation(
            format!("reminders[{i}]"),
            "is more than four weeks (40,320 minutes) before",
        ));
    }
    if !reminders.is_empty() && !has_time {
        return Err(Error::validation(
            "reminders",
            "need a start (starts_at) or a due time (due_at)",
        ));
    }
    order::sort_unstable(&mut reminders);
    reminders.dedup();
    let recurrence = match &input.recurrence {
        Some(rule) => {
            if starts_at.is_none() {
                return Err(Error::validation(
                    "recurrence",
                    "needs a start (starts_at): instances repeat it",
                ));
            }
            Some(recurrence::validate(rule, "recurrence")?)
        }
        None => None,
    };
    let ical_uid = input::line("ical_uid", input.ical_uid.as_deref())?;
    let channel = input.channel.or(match input.kind {
        ActivityKind::Call => Some(Channel::Phone),
        ActivityKind::Email => Some(Channel::Email),
        ActivityKind::Meeting => Some(Channel::InPerson),
        _ => None,
    });
    Ok(Activity {
        id: ActivityId::default(),
        kind: input.kind,
        other_kind,
        subject,
        body: input::text("body", input.body.as_deref())?,
        owner: input::owner("owner", input.owner.as_deref())?,
        participants,
        starts_at,
        ends_at,
        all_day: input.all_day,
        due_at,
        time_zone,
        location: input::line("location", input.location.as_deref())?,
        status: input.status.unwrap_or(ActivityStatus::Planned),
        completed_at: None,
        outcome: input::line("outcome", input.outcome.as_deref())?,
        channel,
        direction: input.direction,
        priority: input.priority.unwrap_or_default(),
        links,
        calendar: input.calendar,
        reminders,
        recurrence,
        follows: None,
        ical_uid,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    })
}

/// The first midnight after `t` in `zone`.
pub(crate) fn next_midnight(t: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let day = t.with_timezone(&zone).date_naive();
    day.succ_opt()
        .and_then(|d| local_midnight(d, zone))
        .unwrap_or(t + Duration::days(1))
}

/// The first instant of a local day (midnight, or the end of a gap that swallows it).
pub(crate) fn local_midnight(day: chrono::NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    (0..=24).find_map(|h| {
        zone.from_local_datetime(
            &day.and_hms_opt(0, 0, 0)?
                .checked_add_signed(Duration::hours(h))?,
        )
        .earliest()
        .map(|t| t.with_timezone(&Utc))
    })
}

fn participant(r: &mut impl Reader, field: &str, p: &Participant) -> Result<Participant> {
    if !names_one_person(p) {
        return Err(Error::validation(
            field,
            "must name exactly one of contact, user and email",
        ));
    }
    if let Some(c) = p.contact {
        if !r.contains(tables::CONTACTS, &c.to_bytes())? {
            return Err(Error::validation(
                format!("{field}.contact"),
                "is not an existing contact",
            ));
        }
    }
    let email = match &p.email {
        Some(e) => Some(
            normalize::email(e).map_err(|why| Error::validation(format!("{field}.email"), why))?,
        ),
        None => None,
    };
    let user = input::owner(&format!("{field}.user"), p.user.as_deref())?;
    if p.user.is_some() && user.is_none() {
        return Err(Error::validation(format!("{field}.user"), "is blank"));
    }
    Ok(Participant {
        contact: p.contact,
        user,
        email,
        name: input::line_named(|| format!("{field}.name"), p.name.as_deref())?,
        status: p.status,
    })
}

/// Whether exactly one of a participant's contact, user and email is set.
fn names_one_person(p: &Participant) -> bool {
    usize::from(p.contact.is_some())
        + usize::from(p.user.is_some())
        + usize::from(p.email.is_some())
        == 1
}

fn same_person(a: &Participant, b: &Participant) -> bool {
    (a.contact.is_some() && a.contact == b.contact)
        || (a.user.is_some() && a.user == b.user)
        || (a.email.is_some()
            && a.email.as_deref().map(normalize::email_key)
                == b.email.as_deref().map(normalize::email_key))
}

/// Refuses a UID another activity already has.
fn check_uid(r: &mut impl Reader, a: &Activity) -> Result<()> {
    if let Some(uid) = &a.ical_uid {
        if let Some(other) = by_uid(r, uid)? {
            if other.id != a.id {
                return Err(Error::Conflict {
                    field: "ical_uid".into(),
                    existing: other.id.to_string(),
                    reason: "another activity has this iCalendar UID".into(),
                });
            }
        }
    }
    Ok(())
}

/// The activity with an iCalendar UID.
pub(crate) fn by_uid(r: &mut impl Reader, uid: &str) -> Result<Option<Activity>> {
    let ids = index::ids_with_prefix(r, &index::text_prefix(ix::ACTIVITY_UID, uid))?;
    match ids.first() {
        Some(&raw) => record::load(r, raw),
        None => Ok(None),
    }
}

pub(crate) fn get(r: &mut impl Reader, id: ActivityId) -> Result<Activity> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn create(w: &mut impl Writer, ctx: &Ctx, input: &ActivityInput) -> Result<Activity> {
    let mut a = build(w, input)?;
    check_uid(w, &a)?;
    let now = ctx.now();
    a.id = ActivityId::from_u128(ctx.mint(now));
    a.created_at = now;
    a.updated_at = now;
    if a.status == ActivityStatus::Done {
        a.completed_at = Some(now);
    }
    record::save(w, None, &a)?;
    Ok(a)
}

pub(crate) fn update(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: ActivityId,
    input: &ActivityInput,
) -> Result<Activity> {
    let old = get(w, id)?;
    let mut a = build(w, input)?;
    a.id = id;
    check_uid(w, &a)?;
    let now = ctx.now().max(old.updated_at);
    a.follows = old.follows;
    a.created_at = old.created_at;
    a.updated_at = now;
    a.completed_at = match (a.status, old.status) {
        (ActivityStatus::Done, ActivityStatus::Done) => old.completed_at,
        (ActivityStatus::Done, _) => Some(now),
        _ => None,
    };
    let unchanged = Activity {
        updated_at: old.updated_at,
        ..a.clone()
    } == old;
    if unchanged {
        // Nothing changed (an iCalendar file imported again): nothing is written.
        return Ok(old);
    }
    record::save(w, Some(&old), &a)?;
    Ok(a)
}

/// What completing an activity records, and the activity it leads to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Completion {
    /// What came of it, such as `call back`; the activity's own outcome is kept when absent.
    pub outcome: Option<String>,
    /// The next activity to plan, which will follow this one.
    pub next: Option<NextActivity>,
}

/// The activity a completion plans next. It copies the completed one's links, participants
/// (their answers reset), owner, channel, time zone, calendar and reminders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NextActivity {
    /// Its kind; the completed activity's when absent.
    pub kind: Option<ActivityKind>,
    /// Its subject; the completed activity's when absent.
    pub subject: Option<String>,
    /// Its body.
    pub body: Option<String>,
    /// How many days after the completion it is planned (a task is due then, anything else
    /// starts then, lasting as long as the completed one).
    pub in_days: u32,
    /// The exact instant instead of `in_days`, in the years 1000 through 9999.
    pub at: Option<DateTime<Utc>>,
    /// Its owner; the completed activity's when absent.
    pub owner: Option<String>,
}

/// A completed activity and the one planned after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CompletedActivity {
    /// The completed activity.
    pub activity: Activity,
    /// The follow-up, when one was asked for.
    pub next: Option<Activity>,
}

/// Marks a planned activity done, and plans the next one if asked.
pub(crate) fn complete(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: ActivityId,
    c: &Completion,
) -> Result<CompletedActivity> {
    let old = get(w, id)?;
    if old.status != ActivityStatus::Planned {
        return Err(Error::validation(
            "status",
            "only a planned activity can be completed",
        ));
    }
    let now = ctx.now().max(old.updated_at);
    let mut done = old.clone();
    done.status = ActivityStatus::Done;
    done.completed_at = Some(now);
    done.updated_at = now;
    if let Some(o) = input::line("outcome", c.outcome.as_deref())? {
        done.outcome = Some(o);
    }
    let next = match &c.next {
        Some(n) => Some(next_input(&done, n, now)?),
        None => None,
    };
    // Validate the next one before writing anything.
    let next = match next {
        Some(input) => {
            let mut a = build(w, &input)?;
            a.id = ActivityId::from_u128(ctx.mint(now));
            a.follows = Some(id);
            a.created_at = now;
            a.updated_at = now;
            Some(a)
        }
        None => None,
    };
    record::save(w, Some(&old), &done)?;
    if let Some(a) = &next {
        record::save(w, None, a)?;
    }
    Ok(CompletedActivity {
        activity: done,
        next,
    })
}

fn next_input(done: &Activity, n: &NextActivity, now: DateTime<Utc>) -> Result<ActivityInput> {
    let kind = n.kind.unwrap_or(done.kind);
    let at = match n.at {
        Some(t) => input::instant("next.at", t)?,
        None => now
            .checked_add_signed(Duration::days(i64::from(n.in_days)))
            .and_then(|t| input::instant("next.in_days", t).ok())
            .ok_or_else(|| Error::validation("next.in_days", "is too far ahead"))?,
    };
    let (starts_at, ends_at, due_at) = if kind == ActivityKind::Task {
        (None, None, Some(at))
    } else {
        let length = match (done.starts_at, done.ends_at) {
            (Some(s), Some(e)) if !done.all_day => Some(e - s),
            _ => None,
        };
        (Some(at), length.map(|l| at + l), None)
    };
    let has_time = starts_at.is_some() || due_at.is_some();
    Ok(ActivityInput {
        kind,
        other_kind: if kind == ActivityKind::Other {
            done.other_kind.clone()
        } else {
            None
        },
        subject: n.subject.clone().unwrap_or_else(|| done.subject.clone()),
        body: n.body.clone(),
        owner: n.owner.clone().or_else(|| done.owner.clone()),
        participants: done
            .participants
            .iter()
            .map(|p| Participant {
                status: ParticipantStatus::NeedsAction,
                ..p.clone()
            })
            .collect(),
        starts_at,
        ends_at,
        all_day: false,
        due_at,
        time_zone: done.time_zone.clone(),
        location: done.location.clone(),
        status: None,
        outcome: None,
        channel: if kind == done.kind {
            done.channel
        } else {
            None
        },
        direction: done.direction,
        priority: Some(done.priority),
        links: done.links.clone(),
        calendar: done.calendar.filter(|_| has_time),
        reminders: done.reminders.clone(),
        recurrence: None,
        ical_uid: None,
    })
}

/// Sets a done or cancelled activity back to planned.
pub(crate) fn reopen(w: &mut impl Writer, ctx: &Ctx, id: ActivityId) -> Result<Activity> {
    set_status(w, ctx, id, ActivityStatus::Planned)
}

/// Calls a planned activity off.
pub(crate) fn cancel(w: &mut impl Writer, ctx: &Ctx, id: ActivityId) -> Result<Activity> {
    set_status(w, ctx, id, ActivityStatus::Cancelled)
}

fn set_status(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: ActivityId,
    status: ActivityStatus,
) -> Result<Activity> {
    let old = get(w, id)?;
    if old.status == status {
        return Ok(old);
    }
    let mut new = old.clone();
    new.status = status;
    new.completed_at = None;
    new.updated_at = ctx.now().max(old.updated_at);
    record::save(w, Some(&old), &new)?;
    Ok(new)
}

/// A participant's answer to an invitation, naming them as in [`Participant`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ParticipantResponse {
    /// The contact answering.
    pub contact: Option<ContactId>,
    /// The user answering.
    pub user: Option<String>,
    /// The guest answering, by email address.
    pub email: Option<String>,
    /// The answer.
    pub status: ParticipantStatus,
}

/// Records a participant's answer.
pub(crate) fn respond(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: ActivityId,
    response: &ParticipantResponse,
) -> Result<Activity> {
    let old = get(w, id)?;
    let who = Participant {
        contact: response.contact,
        user: response.user.clone(),
        email: response.email.clone(),
        name: None,
        status: response.status,
    };
    if !names_one_person(&who) {
        return Err(Error::validation(
            "response",
            "must name exactly one of contact, user and email",
        ));
    }
    let mut new = old.clone();
    let p = new
        .participants
        .iter_mut()
        .find(|p| same_person(p, &who))
        .ok_or_else(|| Error::validation("response", "does not name a participant"))?;
    if p.status == response.status {
        return Ok(old);
    }
    p.status = response.status;
    new.updated_at = ctx.now().max(old.updated_at);
    record::save(w, Some(&old), &new)?;
    Ok(new)
}

/// Deletes an activity; the activities that followed it keep their place but lose the link.
pub(crate) fn delete(w: &mut impl Writer, ctx: &Ctx, id: ActivityId) -> Result<()> {
    let old = get(w, id)?;
    for raw in follow_up_ids(w, id)? {
        let f = get(w, ActivityId::from_u128(raw))?;
        let changed = Activity {
            follows: None,
            updated_at: ctx.now().max(f.updated_at),
            ..f.clone()
        };
        record::save(w, Some(&f), &changed)?;
    }
    record::erase(w, &old)
}

fn follow_up_ids(r: &mut impl Reader, id: ActivityId) -> Result<Vec<u128>> {
    index::ids_with_prefix(r, &index::raw_prefix(ix::ACTIVITY_FOLLOWS, &id.to_bytes()))
}

/// The activities a completed one led to, directly.
pub(crate) fn follow_ups(r: &mut impl Reader, id: ActivityId) -> Result<Vec<Activity>> {
    get(r, id)?;
    follow_up_ids(r, id)?
        .into_iter()
        .map(|raw| get(r, ActivityId::from_u128(raw)))
        .collect()
}

/// The whole chain an activity belongs to: from the first activity (which follows none)
/// through every follow-up, in the order they were created.
pub(crate) fn chain(r: &mut impl Reader, id: ActivityId) -> Result<Vec<Activity>> {
    let mut root = get(r, id)?;
    let mut up = std::collections::HashSet::from([root.id]);
    while let Some(origin) = root.follows {
        if !up.insert(origin) {
            break;
        }
        root = get(r, origin)?;
    }
    let mut seen = std::collections::HashSet::from([root.id]);
    let mut out = vec![root.clone()];
    let mut todo = vec![root.id];
    while let Some(next) = todo.pop() {
        for raw in follow_up_ids(r, next)? {
            let a = get(r, ActivityId::from_u128(raw))?;
            if seen.insert(a.id) {
                todo.push(a.id);
                out.push(a);
            }
        }
    }
    order::sort_by_key(&mut out, |a| a.id);
    Ok(out)
}

/// Removes a record being deleted from the activities that link to it or count it among
/// their participants.
pub(crate) fn forget(w: &mut impl Writer, ctx: &Ctx, rec: RecordRef) -> Result<()> {
    let prefix = index::raw_prefix(ix::ACTIVITY_ON, &rec.key_bytes());
    let mut ids = index::ids_with_prefix(w, &prefix)?;
    order::sort_unstable(&mut ids);
    ids.dedup();
    for raw in ids {
        let old = get(w, ActivityId::from_u128(raw))?;
        let mut new = old.clone();
        new.links.retain(|l| *l != rec);
        new.participants
            .retain(|p| p.contact.is_none_or(|c| RecordRef::Contact(c) != rec));
        new.updated_at = ctx.now().max(old.updated_at);
        record::save(w, Some(&old), &new)?;
    }
    Ok(())
}

/// Which of an owner's tasks to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum TaskList {
    /// Every planned task, soonest due first (tasks without a due time last).
    Open,
    /// Planned tasks whose due time has passed, oldest first.
    Overdue,
    /// Planned tasks due today (in the query's time zone), including those already past.
    DueToday,
    /// Done tasks, most recently done first.
    Done,
}

/// A list of one owner's tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskQuery {
    /// The owner's user id.
    pub owner: String,
    /// Which tasks.
    pub list: TaskList,
    /// The IANA time zone that says when today starts; UTC when absent.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// An owner's tasks; planned ones in due order, equal due times by priority (high first).
pub(crate) fn tasks(r: &mut impl Reader, ctx: &Ctx, q: &TaskQuery) -> Result<Vec<Activity>> {
    let owner = input::owner("owner", Some(&q.owner))?
        .ok_or_else(|| Error::validation("owner", "is required"))?;
    let zone = recurrence::zone(q.time_zone.as_deref(), "time_zone")?;
    let mut prefix = vec![ix::TASK_BY_OWNER];
    index::push_text(&mut prefix, &owner, usize::MAX);
    prefix.push(u8::from(q.list == TaskList::Done));
    let now = ctx.now();
    let (from, until) = match q.list {
        TaskList::Open | TaskList::Done => (None, None),
        TaskList::Overdue => (None, Some(now)),
        TaskList::DueToday => {
            let today = now.with_timezone(&zone).date_naive();
            let start = local_midnight(today, zone).unwrap_or(now);
            (Some(start), Some(next_midnight(start, zone)))
        }
    };
    let mut lower = prefix.clone();
    if let Some(f) = from {
        index::push_instant(&mut lower, f);
    }
    let upper = match until {
        Some(u) => {
            let mut k = prefix.clone();
            index::push_instant(&mut k, u);
            Bound::Excluded(k)
        }
        None => match store::prefix_end(&prefix) {
            Some(end) => Bound::Excluded(end),
            None => Bound::Unbounded,
        },
    };
    let ids = index::ids_in_range(
        r,
        (
            Bound::Included(lower.as_slice()),
            upper.as_ref().map(Vec::as_slice),
        ),
        q.list == TaskList::Done,
    )?;
    let mut out = ids
        .into_iter()
        .map(|raw| get(r, ActivityId::from_u128(raw)))
        .collect::<Result<Vec<_>>>()?;
    if q.list != TaskList::Done {
        // Stable: the index order (due, then id) within one priority.
        order::sort_by(&mut out, |a, b| {
            a.due_at
                .is_none()
                .cmp(&b.due_at.is_none())
                .then(a.due_at.cmp(&b.due_at))
                .then(b.priority.cmp(&a.priority))
        });
    }
    Ok(out)
}
