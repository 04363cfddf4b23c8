//! The activities group: activities and tasks, timelines and the customer journey, calendars,
//! agendas, free/busy, reminders, iCalendar import and export.
//!
//! Its records restate the core's (uniffi remote types: a field added in the core and not
//! here fails to compile), but for the few this crate defines itself, said so where they are;
//! its operations are written from the core's `activities_operations!` table.

use crm_core::{
    Activity, ActivityFilter, ActivityId, ActivityKind, ActivityQuery, ActivityStatus, AgendaQuery,
    Calendar, CalendarId, CalendarInput, Channel, ChannelCount, CompletedActivity, Completion,
    ContactId, DueReminder, EventInstance, FreeBusyQuery, Frequency, IcalExport, IcalImportReport,
    IcalSkipped, InteractionDirection, Journey, NextActivity, Participant, ParticipantStatus,
    Priority, RecordRef, Recurrence, ReminderQuery, TaskList, TaskQuery, TimeRange, TimeSpan,
    TimelineEntryKind, TimelineQuery, Touchpoint, Weekday,
};

use crate::sales::StageChange;
use crate::{Crm, CrmError, Timestamp, in_transaction};

// The operations of the activities table: same names, parameters and docs as the core's, each one
// line over `self.inner` (see crm-macros for how the types map).
crm_core::activities_operations!(crm_macros::uniffi_operations);

// ---- activities ----

/// What kind of exchange an activity is.
#[uniffi::remote(Enum)]
pub enum ActivityKind {
    /// A phone or video call.
    Call,
    /// A meeting.
    Meeting,
    /// A task: something to do by a due date.
    Task,
    /// A note.
    Note,
    /// An email.
    Email,
    /// Anything else; `other_kind` names it.
    Other,
}

/// Where an activity stands.
#[uniffi::remote(Enum)]
pub enum ActivityStatus {
    /// To happen, or to do.
    Planned,
    /// Happened, or done.
    Done,
    /// Called off.
    Cancelled,
}

/// The channel an exchange went through.
#[uniffi::remote(Enum)]
pub enum Channel {
    /// Email.
    Email,
    /// Telephone.
    Phone,
    /// Live chat.
    Chat,
    /// Social networks.
    Social,
    /// A form on a web site.
    WebForm,
    /// Face to face.
    InPerson,
    /// Messaging apps and text messages.
    Messaging,
    /// The firm's mobile app.
    MobileApp,
    /// Post.
    Letter,
    /// Any other channel.
    Other,
}

/// Who started an exchange.
#[uniffi::remote(Enum)]
pub enum InteractionDirection {
    /// From the customer to the firm.
    Inbound,
    /// From the firm to the customer.
    Outbound,
}

/// How urgent a task is.
#[uniffi::remote(Enum)]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    Normal,
    /// First.
    High,
}

/// A participant's answer to an invitation.
#[uniffi::remote(Enum)]
pub enum ParticipantStatus {
    /// Not answered yet.
    NeedsAction,
    /// Coming.
    Accepted,
    /// Maybe coming.
    Tentative,
    /// Not coming.
    Declined,
}

/// Someone taking part in an activity: a contact, a user of the app, or a guest known only
/// by an email address. Exactly one of `contact`, `user` and `email` is set.
#[uniffi::remote(Record)]
pub struct Participant {
    /// A contact.
    pub contact: Option<ContactId>,
    /// The id of a user.
    pub user: Option<String>,
    /// A guest's email address.
    pub email: Option<String>,
    /// A guest's display name.
    pub name: Option<String>,
    /// Their answer to the invitation.
    pub status: ParticipantStatus,
}

/// How often a recurring event repeats.
#[uniffi::remote(Enum)]
pub enum Frequency {
    /// Every `interval` days.
    Daily,
    /// Every `interval` weeks (weeks start on Monday).
    Weekly,
    /// Every `interval` months.
    Monthly,
    /// Every `interval` years.
    Yearly,
}

/// A day of the week.
#[uniffi::remote(Enum)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

/// When a recurring event repeats: a subset of RFC 5545's RRULE, read in the event's time
/// zone. `daily`: every `interval` days (only on `weekdays` if given); `weekly`: every
/// `interval` weeks on `weekdays` (the start's weekday when empty); `monthly`: on the start's
/// day of the month, or on `weekdays` of the month (the `position`-th of them, 1 = first,
/// -1 = last); `yearly`: on the start's month and day. The first instance is the event's own
/// start; `until` (inclusive) or `count` ends the series.
#[uniffi::remote(Record)]
pub struct Recurrence {
    /// How often.
    pub frequency: Frequency,
    /// Every how many days, weeks, months or years.
    #[uniffi(default = 1)]
    pub interval: u32,
    /// The weekdays it falls on.
    #[uniffi(default)]
    pub weekdays: Vec<Weekday>,
    /// With `monthly` and `weekdays`: which of those weekdays of the month (1 to 5, or -1 to
    /// -5 counting from the end).
    #[uniffi(default = None)]
    pub position: Option<i8>,
    /// The last instant an instance may start at (inclusive).
    #[uniffi(default = None)]
    pub until: Option<Timestamp>,
    /// How many instances the rule generates.
    #[uniffi(default = None)]
    pub count: Option<u32>,
    /// Starts of removed instances.
    #[uniffi(default)]
    pub exceptions: Vec<Timestamp>,
}

/// A stored activity.
#[uniffi::remote(Record)]
pub struct Activity {
    /// The id, `activity_…`.
    pub id: ActivityId,
    /// What kind of exchange it is.
    pub kind: ActivityKind,
    /// The name of an `other` kind, such as `site visit`.
    pub other_kind: Option<String>,
    /// A one-line summary.
    pub subject: String,
    /// Notes, the text of an email, minutes.
    pub body: Option<String>,
    /// The id of the user it belongs to.
    pub owner: Option<String>,
    /// Who takes part.
    pub participants: Vec<Participant>,
    /// When it starts (or started).
    pub starts_at: Option<Timestamp>,
    /// When it ends.
    pub ends_at: Option<Timestamp>,
    /// Whether it takes whole days (its times are then midnights in its time zone).
    pub all_day: bool,
    /// When a task is due.
    pub due_at: Option<Timestamp>,
    /// The IANA time zone its local times are in; UTC when absent.
    pub time_zone: Option<String>,
    /// Where it takes place.
    pub location: Option<String>,
    /// Planned, done or cancelled.
    pub status: ActivityStatus,
    /// When it was marked done.
    pub completed_at: Option<Timestamp>,
    /// What came of it, such as `call back` or `interested`.
    pub outcome: Option<String>,
    /// The channel it went through.
    pub channel: Option<Channel>,
    /// Who started it.
    pub direction: Option<InteractionDirection>,
    /// How urgent it is.
    pub priority: Priority,
    /// The records it concerns; it appears on each one's timeline.
    pub links: Vec<RecordRef>,
    /// The calendar it sits in.
    pub calendar: Option<CalendarId>,
    /// Reminders, in minutes before the start (or the due time of a task).
    pub reminders: Vec<u32>,
    /// How it repeats.
    pub recurrence: Option<Recurrence>,
    /// The activity whose completion created this one.
    pub follows: Option<ActivityId>,
    /// Its iCalendar `UID`.
    pub ical_uid: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

// The records below are this crate's own, for the enum fields the core's serde form lets a
// caller leave out (uniffi cannot give an enum field a default): optional here, absent = the
// core's default.

/// Someone to take part in an activity; exactly one of `contact`, `user` and `email`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ParticipantInput {
    /// A contact.
    #[uniffi(default = None)]
    pub contact: Option<ContactId>,
    /// The id of a user.
    #[uniffi(default = None)]
    pub user: Option<String>,
    /// A guest's email address.
    #[uniffi(default = None)]
    pub email: Option<String>,
    /// A guest's display name.
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// Their answer to the invitation (not answered yet when absent).
    #[uniffi(default = None)]
    pub status: Option<ParticipantStatus>,
}

impl From<ParticipantInput> for crm_core::Participant {
    fn from(p: ParticipantInput) -> Self {
        crm_core::Participant {
            contact: p.contact,
            user: p.user,
            email: p.email,
            name: p.name,
            status: p.status.unwrap_or_default(),
        }
    }
}

/// What to create or replace an activity with.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActivityInput {
    /// What kind of exchange (a note when absent).
    #[uniffi(default = None)]
    pub kind: Option<ActivityKind>,
    /// The name of an `other` kind (only with `other`).
    #[uniffi(default = None)]
    pub other_kind: Option<String>,
    /// A one-line summary; required.
    pub subject: String,
    /// Notes, text, minutes.
    #[uniffi(default = None)]
    pub body: Option<String>,
    /// The id of the user it belongs to.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Who takes part.
    #[uniffi(default)]
    pub participants: Vec<ParticipantInput>,
    /// When it starts.
    #[uniffi(default = None)]
    pub starts_at: Option<Timestamp>,
    /// When it ends; needs `starts_at`, not before it, at most 366 days after it.
    #[uniffi(default = None)]
    pub ends_at: Option<Timestamp>,
    /// Whether it takes whole days (its times must then be midnights in its time zone).
    #[uniffi(default = false)]
    pub all_day: bool,
    /// When a task is due.
    #[uniffi(default = None)]
    pub due_at: Option<Timestamp>,
    /// The IANA time zone of its local times.
    #[uniffi(default = None)]
    pub time_zone: Option<String>,
    /// Where it takes place.
    #[uniffi(default = None)]
    pub location: Option<String>,
    /// Planned unless given.
    #[uniffi(default = None)]
    pub status: Option<ActivityStatus>,
    /// What came of it.
    #[uniffi(default = None)]
    pub outcome: Option<String>,
    /// The channel; for calls `phone`, emails `email` and meetings `in_person` when absent.
    #[uniffi(default = None)]
    pub channel: Option<Channel>,
    /// Who started it.
    #[uniffi(default = None)]
    pub direction: Option<InteractionDirection>,
    /// How urgent it is (`normal` when absent).
    #[uniffi(default = None)]
    pub priority: Option<Priority>,
    /// The records it concerns; each must exist.
    #[uniffi(default)]
    pub links: Vec<RecordRef>,
    /// The calendar it sits in; it must exist, and the activity needs a start.
    #[uniffi(default = None)]
    pub calendar: Option<CalendarId>,
    /// Reminders, in minutes before the start or due time (at most 4 weeks).
    #[uniffi(default)]
    pub reminders: Vec<u32>,
    /// How it repeats; needs `starts_at`.
    #[uniffi(default = None)]
    pub recurrence: Option<Recurrence>,
    /// Its iCalendar `UID`.
    #[uniffi(default = None)]
    pub ical_uid: Option<String>,
}

impl From<ActivityInput> for crm_core::ActivityInput {
    fn from(i: ActivityInput) -> Self {
        let default = crm_core::ActivityInput::default();
        crm_core::ActivityInput {
            kind: i.kind.unwrap_or(default.kind),
            other_kind: i.other_kind,
            subject: i.subject,
            body: i.body,
            owner: i.owner,
            participants: i.participants.into_iter().map(Into::into).collect(),
            starts_at: i.starts_at,
            ends_at: i.ends_at,
            all_day: i.all_day,
            due_at: i.due_at,
            time_zone: i.time_zone,
            location: i.location,
            status: i.status,
            outcome: i.outcome,
            channel: i.channel,
            direction: i.direction,
            priority: i.priority,
            links: i.links,
            calendar: i.calendar,
            reminders: i.reminders,
            recurrence: i.recurrence,
            ical_uid: i.ical_uid,
        }
    }
}

/// A participant's answer to an invitation, naming them as in `Participant`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ParticipantResponse {
    /// The contact answering.
    #[uniffi(default = None)]
    pub contact: Option<ContactId>,
    /// The user answering.
    #[uniffi(default = None)]
    pub user: Option<String>,
    /// The guest answering, by email address.
    #[uniffi(default = None)]
    pub email: Option<String>,
    /// The answer (not answered yet when absent).
    #[uniffi(default = None)]
    pub status: Option<ParticipantStatus>,
}

impl From<ParticipantResponse> for crm_core::ParticipantResponse {
    fn from(r: ParticipantResponse) -> Self {
        crm_core::ParticipantResponse {
            contact: r.contact,
            user: r.user,
            email: r.email,
            status: r.status.unwrap_or_default(),
        }
    }
}

/// The activity a completion plans next. It copies the completed one's links, participants
/// (their answers reset), owner, channel, time zone, calendar and reminders.
#[uniffi::remote(Record)]
pub struct NextActivity {
    /// Its kind; the completed activity's when absent.
    #[uniffi(default = None)]
    pub kind: Option<ActivityKind>,
    /// Its subject; the completed activity's when absent.
    #[uniffi(default = None)]
    pub subject: Option<String>,
    /// Its body.
    #[uniffi(default = None)]
    pub body: Option<String>,
    /// How many days after the completion it is planned (a task is due then, anything else
    /// starts then, lasting as long as the completed one).
    #[uniffi(default = 0)]
    pub in_days: u32,
    /// The exact instant instead of `in_days`.
    #[uniffi(default = None)]
    pub at: Option<Timestamp>,
    /// Its owner; the completed activity's when absent.
    #[uniffi(default = None)]
    pub owner: Option<String>,
}

/// What completing an activity records, and the activity it leads to.
#[uniffi::remote(Record)]
pub struct Completion {
    /// What came of it; the activity's own outcome is kept when absent.
    #[uniffi(default = None)]
    pub outcome: Option<String>,
    /// The next activity to plan, which will follow this one.
    #[uniffi(default = None)]
    pub next: Option<NextActivity>,
}

/// A completed activity and the one planned after it.
#[uniffi::remote(Record)]
pub struct CompletedActivity {
    /// The completed activity.
    pub activity: Activity,
    /// The follow-up, when one was asked for.
    pub next: Option<Activity>,
}

/// Which of an owner's tasks to list.
#[uniffi::remote(Enum)]
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

/// Which activities to list. All criteria given must hold.
#[uniffi::remote(Record)]
pub struct ActivityFilter {
    /// Activities of at least one of these kinds.
    #[uniffi(default)]
    pub kinds_any: Vec<ActivityKind>,
    /// Activities in at least one of these statuses.
    #[uniffi(default)]
    pub statuses_any: Vec<ActivityStatus>,
    /// Activities owned by this user.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Activities on this record's timeline: linking it, or with it (a contact) taking part.
    #[uniffi(default = None)]
    pub record: Option<RecordRef>,
    /// Activities in this calendar.
    #[uniffi(default = None)]
    pub calendar: Option<CalendarId>,
    /// Activities through at least one of these channels.
    #[uniffi(default)]
    pub channels_any: Vec<Channel>,
    /// Activities in this direction.
    #[uniffi(default = None)]
    pub direction: Option<InteractionDirection>,
    /// Activities whose time (start, else due time, else creation) is in this range.
    #[uniffi(default)]
    pub when: TimeRange,
}

/// A page request for activities, by their time.
#[uniffi::remote(Record)]
pub struct ActivityQuery {
    /// Which activities.
    #[uniffi(default)]
    pub filter: ActivityFilter,
    /// Oldest first instead of newest first.
    #[uniffi(default = false)]
    pub oldest_first: bool,
    /// How many, 1 to 1,000.
    #[uniffi(default = 50)]
    pub limit: u32,
    /// Where the previous page ended.
    #[uniffi(default = None)]
    pub cursor: Option<String>,
}

/// A page of activities.
pub type ActivityPage = crm_core::Page<Activity>;

/// A page of activities.
#[uniffi::remote(Record)]
pub struct ActivityPage {
    /// The activities.
    pub items: Vec<Activity>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<String>,
}

/// A list of one owner's tasks.
#[uniffi::remote(Record)]
pub struct TaskQuery {
    /// The owner's user id.
    pub owner: String,
    /// Which tasks.
    pub list: TaskList,
    /// The IANA time zone that says when today starts; UTC when absent.
    #[uniffi(default = None)]
    pub time_zone: Option<String>,
}

// ---- calendars ----

/// A stored calendar.
#[uniffi::remote(Record)]
pub struct Calendar {
    /// The id, `calendar_…`.
    pub id: CalendarId,
    /// Its name.
    pub name: String,
    /// The user whose calendar it is (or who manages a team calendar).
    pub owner: Option<String>,
    /// The users of a team calendar; empty for a personal one.
    pub members: Vec<String>,
    /// The IANA time zone it shows and imports floating times in.
    pub time_zone: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What to create or replace a calendar with.
#[uniffi::remote(Record)]
pub struct CalendarInput {
    /// Its name; required.
    pub name: String,
    /// The user whose calendar it is; a personal calendar (without members) needs one.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// The users of a team calendar.
    #[uniffi(default)]
    pub members: Vec<String>,
    /// An IANA time zone; UTC when absent.
    #[uniffi(default = None)]
    pub time_zone: Option<String>,
}

/// The events of a calendar or a user in a range: from `from` (included) to `until`
/// (excluded).
#[uniffi::remote(Record)]
pub struct AgendaQuery {
    /// A calendar's events; give this or `user`.
    #[uniffi(default = None)]
    pub calendar: Option<CalendarId>,
    /// A user's events (owned, or taking part without having declined); give this or
    /// `calendar`.
    #[uniffi(default = None)]
    pub user: Option<String>,
    /// The first instant of the range.
    pub from: Timestamp,
    /// The first instant after the range.
    pub until: Timestamp,
    /// Whether cancelled events are listed too.
    #[uniffi(default = false)]
    pub include_cancelled: bool,
}

/// One occurrence of an event in a range (a repeating event has one per instance).
#[uniffi::remote(Record)]
pub struct EventInstance {
    /// The activity.
    pub activity: Activity,
    /// When this occurrence starts (a task's due time).
    pub starts_at: Timestamp,
    /// When it ends.
    pub ends_at: Timestamp,
}

/// A user's busy times over a range.
#[uniffi::remote(Record)]
pub struct FreeBusyQuery {
    /// The user.
    pub user: String,
    /// The first instant of the range.
    pub from: Timestamp,
    /// The first instant after the range.
    pub until: Timestamp,
}

/// A stretch of time: an occurrence of an event, or a time a user is busy.
#[uniffi::remote(Record)]
pub struct TimeSpan {
    /// When it starts.
    pub starts_at: Timestamp,
    /// When it ends.
    pub ends_at: Timestamp,
}

/// Which reminders to list.
#[uniffi::remote(Record)]
pub struct ReminderQuery {
    /// The first instant of the range.
    pub from: Timestamp,
    /// The first instant after the range.
    pub until: Timestamp,
    /// Only the reminders of this user's activities.
    #[uniffi(default = None)]
    pub owner: Option<String>,
}

/// A reminder that falls due.
#[uniffi::remote(Record)]
pub struct DueReminder {
    /// When to remind.
    pub remind_at: Timestamp,
    /// The activity.
    pub activity: ActivityId,
    /// Its subject.
    pub subject: String,
    /// Its owner, who is reminded.
    pub owner: Option<String>,
    /// The start (or due time) of the occurrence it reminds of.
    pub starts_at: Timestamp,
    /// How long before it, in minutes.
    pub minutes_before: u32,
}

/// What to export as iCalendar.
#[uniffi::remote(Record)]
pub struct IcalExport {
    /// The calendar.
    pub calendar: CalendarId,
    /// Only events with an occurrence from this instant on.
    #[uniffi(default = None)]
    pub from: Option<Timestamp>,
    /// Only events with an occurrence before this instant.
    #[uniffi(default = None)]
    pub until: Option<Timestamp>,
}

/// A part of an iCalendar file that was not imported (or only approximately), and why.
#[uniffi::remote(Record)]
pub struct IcalSkipped {
    /// The 1-based line of the file where the component or property starts.
    pub line: u32,
    /// The component concerned: `VEVENT`, `VTODO`, `VALARM`, …
    pub component: String,
    /// The `UID` of the event or task concerned, when it has one.
    pub uid: Option<String>,
    /// Why it was not imported, or how it was approximated.
    pub reason: String,
}

/// What importing an iCalendar file did.
#[uniffi::remote(Record)]
pub struct IcalImportReport {
    /// The activities created, in file order.
    pub created: Vec<ActivityId>,
    /// The activities updated (their UID was already known), in file order.
    pub updated: Vec<ActivityId>,
    /// What was left out or approximated, and why.
    pub skipped: Vec<IcalSkipped>,
}

// ---- timelines and journeys ----

/// A change to a record made through an operation. (This crate's own record: the core's has
/// a private key.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecordChange {
    /// The record that changed.
    pub record: RecordRef,
    /// When.
    pub at: Timestamp,
    /// The names of the fields that changed (`archived_at` for archiving and restoring,
    /// `tags` for tagging).
    pub fields: Vec<String>,
    /// The stage before (a contact's lifecycle stage, a lead's status), when it changed.
    pub stage_from: Option<String>,
    /// The stage after, when it changed.
    pub stage_to: Option<String>,
}

impl From<crm_core::RecordChange> for RecordChange {
    fn from(c: crm_core::RecordChange) -> Self {
        RecordChange {
            record: c.record,
            at: c.at,
            fields: c.fields,
            stage_from: c.stage_from,
            stage_to: c.stage_to,
        }
    }
}

/// One page of a record's timeline.
#[uniffi::remote(Record)]
pub struct TimelineQuery {
    /// The record.
    pub record: RecordRef,
    /// At most this many entries, 1 to 1,000.
    #[uniffi(default = 50)]
    pub limit: u32,
    /// Where the previous page ended (its `next_cursor`).
    #[uniffi(default = None)]
    pub cursor: Option<String>,
    /// Oldest first instead of newest first.
    #[uniffi(default = false)]
    pub oldest_first: bool,
}

/// What a timeline entry is.
#[uniffi::remote(Enum)]
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

/// One entry of a timeline. (This crate's own record: the core's holds records with private
/// keys.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimelineEntry {
    /// When it happened (an activity's start, else due time, else completion, else creation).
    pub at: Timestamp,
    /// What it is.
    pub kind: TimelineEntryKind,
    /// The activity, for activity entries.
    pub activity: Option<Activity>,
    /// The stage change, for stage change entries.
    pub stage_change: Option<StageChange>,
    /// The change, for change entries.
    pub change: Option<RecordChange>,
}

impl From<crm_core::TimelineEntry> for TimelineEntry {
    fn from(e: crm_core::TimelineEntry) -> Self {
        TimelineEntry {
            at: e.at,
            kind: e.kind,
            activity: e.activity,
            stage_change: e.stage_change.map(Into::into),
            change: e.change.map(Into::into),
        }
    }
}

/// A timeline page. (This crate's own record, holding its own entries.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimelinePage {
    /// The entries of this page.
    pub items: Vec<TimelineEntry>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<String>,
}

impl From<crm_core::TimelinePage> for TimelinePage {
    fn from(p: crm_core::TimelinePage) -> Self {
        TimelinePage {
            items: p.items.into_iter().map(Into::into).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// One exchange with a contact on its journey.
#[uniffi::remote(Record)]
pub struct Touchpoint {
    /// When it happened.
    pub at: Timestamp,
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
#[uniffi::remote(Record)]
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// The number of touchpoints.
    pub count: u64,
}

/// A contact's journey: every done exchange with a channel, oldest first.
#[uniffi::remote(Record)]
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
