//! Activities: calls, meetings, tasks, notes, emails and other exchanges, linked to any
//! number of records, with participants, a channel and a direction, and follow-up chains.
//!
//! An activity appears on the timeline of every record it links to and of every contact
//! taking part in it. Meetings and calls with a time can sit in a calendar, repeat
//! (`recurrence`) and carry reminders. Completing an activity can create the next one; the
//! new one `follows` the old, and the chain can be walked both ways.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::codec;
use crate::id::{ActivityId, CalendarId, ContactId, RecordRef};
use crate::recurrence::Recurrence;

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
#[serde(default, deny_unknown_fields)]
pub struct ActivityInput {
    /// What kind of exchange; required.
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
    /// When it starts.
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
