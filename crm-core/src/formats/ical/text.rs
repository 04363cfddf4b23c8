//! iCalendar (RFC 5545) files: activities out ([`export`]) and in ([`parse`]).
//!
//! # Why the content-line layer is written here
//!
//! The two maintained parser crates were tried against this library's needs and neither
//! fits, so the small layer they would provide (unfolding, `NAME;PARAM=a,"b:c":value`,
//! case-insensitive names, text unescaping; about 150 lines) is written here:
//!
//! - `icalendar` (0.17) needs Rust 1.88 (the workspace supports 1.85); on
//!   `wasm32-unknown-unknown` it depends on `uuid` with its `js` feature, which brings
//!   `wasm-bindgen` and `js-sys` into this crate, and the architecture test forbids those in
//!   `crm-core`; its parser reads a whole calendar or fails, and reports no line numbers.
//! - `ical` (0.11) keeps no line number on a parsed property, turns one malformed property
//!   into an error for the whole calendar, trims trailing spaces off values, and brings a
//!   second `thiserror` major version.
//!
//! Here every component is read on its own, a bad one is reported by line and the rest of
//! the file is still imported, and nothing can panic. The whole file is read in one pass
//! and every step is linear in its size.
//!
//! # Export
//!
//! A task becomes a `VTODO`; any other activity with a start becomes a `VEVENT`. **Activities
//! without a start that are not tasks (notes, logged emails without a time) are not
//! exported**: iCalendar has nothing to show them on. Times are written to the second:
//!
//! - all-day: `VALUE=DATE` dates in the activity's zone, `DTEND` the day after the last day;
//! - with a time zone: `TZID=<IANA name>` local times, and one generated `VTIMEZONE` per zone
//!   used, listing every offset change (found by searching chrono-tz's offsets day by day)
//!   in the years the exported times in that zone span (at most 100 years), so that readers
//!   that do not know IANA names still get the offsets right for those years;
//! - without a time zone: UTC (`…Z`).
//!
//! An instant in the repeated hour of a fall-back change is written as its local time and
//! reads back as the first of the two instants with that local time (RFC 5545's rule).
//!
//! Both kinds carry `UID` (the activity's `ical_uid`, else `<activity id>@crm-core`),
//! `DTSTAMP`, `CREATED`, `LAST-MODIFIED`, `SUMMARY`, `DESCRIPTION`, `LOCATION`, `STATUS`,
//! `PRIORITY` (1 high, 5 normal, 9 low), `RRULE`, `EXDATE` (in `DTSTART`'s form) and one
//! `ATTENDEE` per participant that has an email address (others, such as users without one,
//! are left out; `ORGANIZER` is not written). A `VTODO` has `DUE` (a date for an all-day task
//! due at midnight) and `COMPLETED`; a task's `ends_at` is not exported (a `VTODO` has no
//! end). Each reminder becomes a `VALARM` (`ACTION:DISPLAY`): `TRIGGER:-PT<n>M` before the
//! start, or for a task with a due time `TRIGGER;RELATED=END:-PT<n>M` before `DUE`; a task
//! with neither a start nor a due time has nothing to anchor reminders to, and they are left
//! out, as is a rule without a start. An all-day series' `UNTIL` is a date (RFC 5545 wants
//! `DTSTART`'s value type) and reads back as the end of that local day: the same instances.
//! A rule with both `until` and `count` has no RFC 5545 form; both are written.
//!
//! Private properties keep what iCalendar has no place for, so that export then import gives
//! the same activity: `X-CRM-KIND`, `X-CRM-OTHER-KIND`, `X-CRM-CHANNEL`, `X-CRM-DIRECTION`,
//! `X-CRM-OUTCOME`, `X-CRM-STATUS`, and `X-CRM-TIME-ZONE` (the activity's zone, empty for
//! none) when no `DTSTART` or `DUE` date-time carries it (all-day events, undated tasks).
//! Text is escaped (`\\`, `\;`, `\,`, `\n`; a carriage return becomes a newline), parameter
//! values use RFC 6868's `^n`, `^^`, `^'`, lines are folded at 75 octets without splitting a
//! UTF-8 character, and end with CRLF.
//!
//! # Import
//!
//! `VEVENT` → a `meeting` (unless `X-CRM-KIND` names another kind), `VTODO` → a `task`.
//! `VJOURNAL`, `VFREEBUSY` and unknown components are skipped with a reason. Read:
//! `SUMMARY` (`(no subject)` when missing or blank), `DESCRIPTION`, `LOCATION`, `DTSTART`,
//! `DTEND` or `DURATION` (an all-day event without either lasts one day), `DUE` (or `DTSTART`
//! plus `DURATION` for a `VTODO`), `STATUS` (`CANCELLED` → cancelled, a `VTODO`'s `COMPLETED`
//! → done with no outcome; `X-CRM-STATUS` wins; else the status is left to its default),
//! `PRIORITY` (1–4 high, 0 or 5 normal, 6–9 low), `ATTENDEE` (`mailto:` address, `CN` unless
//! it only repeats the address, `PARTSTAT`), `RRULE`, `EXDATE` (any number of properties,
//! comma lists, dates or date-times, with `TZID`), `RECURRENCE-ID` (an item with
//! `recurrence_id` set), `VALARM`s and the `X-CRM-*` properties above. `COMPLETED` is read
//! only as a status: an activity's completion time is set by the library. Properties with no
//! counterpart (`ORGANIZER`, `CLASS`, `TRANSP`, `SEQUENCE`, `CATEGORIES`, `URL`, `ATTACH`,
//! `X-…`) are ignored silently.
//!
//! Time zones: `TZID`s that are IANA names (any case, also at the end of a `/…/Europe/Berlin`
//! path) are used directly; over 80 Windows names ("W. Europe Standard Time",
//! "Central European Standard Time", …) map to IANA zones. Another `TZID` is looked up by the
//! `X-LIC-LOCATION` of its `VTIMEZONE`; failing that its times are read at the `VTIMEZONE`'s
//! standard offset as a fixed offset (as `Etc/GMT±n` when it is whole hours), and without a
//! `VTIMEZONE` in the importing calendar's zone; both add a note. Floating times (no `Z`, no
//! `TZID`) and dates are in the calendar's zone (`default_tz`) unless `X-CRM-TIME-ZONE` says
//! otherwise; an all-day event starts at local midnight. A local time in a spring-forward
//! gap is read with the offset before the gap, an ambiguous one as the earlier instant.
//!
//! Rules: `FREQ` `DAILY`, `WEEKLY`, `MONTHLY` or `YEARLY`, `INTERVAL`, `COUNT` or `UNTIL`
//! (a date means the end of that local day), `BYDAY` (plain weekdays; with `MONTHLY` also one
//! weekday with a position such as `2TU`, or weekdays with one `BYSETPOS`), and parts that
//! add nothing (`BYMONTH` of the start's month with `YEARLY`, `BYMONTHDAY` of the start's day
//! with `MONTHLY` or `YEARLY`, `WKST` where it cannot change the instances). Anything else
//! (`FREQ=HOURLY` and finer, `BYHOUR`, `BYMINUTE`, `BYSECOND`, `BYYEARDAY`, `BYWEEKNO`, other
//! `BYMONTH` and `BYMONTHDAY`, `BYDAY` with `YEARLY`, several positions, `WKST` other than
//! `MO` on a weekly rule with an interval and several weekdays, `COUNT` with `UNTIL`,
//! `EXRULE`, several `RRULE`s) skips the whole event with a reason naming the part: a
//! repeating event is never imported as a single one. `RDATE` is noted and left out (the
//! event is imported without the extra dates).
//!
//! Alarms: a `TRIGGER` that is a duration before the start (or, for a task with a due time,
//! before `DUE` with `RELATED=END`) becomes a reminder in whole minutes, rounded up; absolute
//! triggers, triggers after the start, triggers relative to an event's end, and reminders
//! more than four weeks ahead are noted and left out.
//!
//! A component with a bad value (a date that does not parse, an end before the start, an
//! unknown `FREQ`), without `DTSTART` (events), or without its `END` is skipped with its
//! line and the reason. A line that is not a content line is noted and ignored. Files may use
//! LF or CRLF, start with a byte order mark, use lower-case names and contain blank lines;
//! a file without `BEGIN:VCALENDAR` gives one skipped entry and nothing else.

use std::collections::{BTreeMap, HashMap};

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeDelta, TimeZone, Timelike, Utc,
};
use chrono_tz::{GapInfo, OffsetComponents, OffsetName, Tz};
use serde::{Deserialize, Serialize};

use crate::activities::activity::{
    Activity, ActivityInput, ActivityKind, ActivityStatus, Channel, InteractionDirection,
    Participant, ParticipantStatus, Priority,
};
use crate::activities::recurrence::{Frequency, Recurrence, Weekday};
use crate::values::order;

/// A part of an iCalendar file that was not imported, and why.
///
/// Parts imported only approximately (a time zone read as a fixed offset, a rule's extra
/// `RDATE`s left out) are reported the same way; `reason` says what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IcalSkipped {
    /// The 1-based line of the original file where the component or property starts.
    pub line: u32,
    /// The component concerned: `VEVENT`, `VTODO`, `VALARM`, `VJOURNAL`, `VTIMEZONE`, …
    pub component: String,
    /// The `UID` of the event or task concerned, when it has one.
    pub uid: Option<String>,
    /// Why it was not imported, or how it was approximated.
    pub reason: String,
}

/// One activity read from a file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IcalItem {
    /// The activity: `ical_uid` set from `UID`; participants carry an email address, a name
    /// and a status only; no calendar and no links.
    pub(crate) input: ActivityInput,
    /// The 1-based line of its `BEGIN:VEVENT` or `BEGIN:VTODO`.
    pub(crate) line: u32,
    /// For a changed instance of a repeating event (`RECURRENCE-ID`): the start of the
    /// instance it replaces.
    pub(crate) recurrence_id: Option<DateTime<Utc>>,
}

/// What a file held.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IcalParsed {
    /// The events and tasks, in file order.
    pub(crate) items: Vec<IcalItem>,
    /// What was left out or approximated, by line.
    pub(crate) skipped: Vec<IcalSkipped>,
    /// The calendar's name (`X-WR-CALNAME`).
    pub(crate) calendar_name: Option<String>,
}

/// The furthest ahead a reminder may be, in minutes (four weeks).
const MAX_REMINDER_MINUTES: i64 = 4 * 7 * 24 * 60;

/// The most years a generated `VTIMEZONE` lists offset changes for.
const MAX_TIMEZONE_YEARS: i32 = 100;

/// The subject of an event or task without a `SUMMARY`.
const NO_SUBJECT: &str = "(no subject)";

/// Components that sit directly in a `VCALENDAR`: one of them beginning inside another
/// means the other lacks its `END`.
const CALENDAR_COMPONENTS: [&str; 6] = [
    "VEVENT",
    "VTODO",
    "VJOURNAL",
    "VFREEBUSY",
    "VTIMEZONE",
    "VAVAILABILITY",
];

// ---------------------------------------------------------------------------------------------
// Content lines
// ---------------------------------------------------------------------------------------------

/// A property parameter, `NAME=value,"value"`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Param {
    /// The name, upper case.
    name: String,
    /// The values, unquoted and RFC 6868-decoded.
    values: Vec<String>,
}

/// One unfolded content line, `NAME;PARAM=…:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Prop {
    /// The physical line it starts on.
    line: u32,
    /// The name, upper case.
    name: String,
    /// The parameters, in file order.
    params: Vec<Param>,
    /// The raw value (still escaped).
    value: String,
}

impl Prop {
    /// The first value of a parameter.
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.values.first())
            .map(String::as_str)
    }

    /// Whether a parameter has this value, ignoring case.
    fn param_is(&self, name: &str, value: &str) -> bool {
        self.param(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
    }
}

/// Splits a file into logical lines with the number of the physical line each starts on:
/// strips a byte order mark and carriage returns, joins folded lines (a line starting with a
/// space or a tab continues the previous one, less that character) and drops blank lines.
fn unfold(text: &str) -> Vec<(u32, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<(u32, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let number = u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.is_empty() {
            continue;
        }
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            if let Some((_, last)) = lines.last_mut() {
                last.push_str(rest);
                continue;
            }
        }
        lines.push((number, raw.to_string()));
    }
    lines
}

/// The index of the first byte from `from` on that `keep` refuses (or the length).
fn scan(bytes: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    let mut i = from;
    while let Some(&c) = bytes.get(i) {
        if !keep(c) {
            break;
        }
        i += 1;
    }
    i
}

/// Reads a logical line as `NAME *(;PARAM=value *(,value)) : value`; `None` when it is not
/// one. Names are made upper case; quoted parameter values may hold `;`, `:` and `,`.
fn parse_line(line: u32, text: &str) -> Option<Prop> {
    let b = text.as_bytes();
    let name_end = scan(b, 0, |c| c.is_ascii_alphanumeric() || c == b'-');
    if name_end == 0 {
        return None;
    }
    let name = text.get(..name_end)?.to_ascii_uppercase();
    let mut i = name_end;
    let mut params = Vec::new();
    loop {
        match b.get(i) {
            Some(b':') => break,
            Some(b';') => {
                let start = i + 1;
                let end = scan(b, start, |c| !matches!(c, b'=' | b';' | b':'));
                let pname = text.get(start..end)?.trim().to_ascii_uppercase();
                i = end;
                let mut values = Vec::new();
                if b.get(i) == Some(&b'=') {
                    loop {
                        i += 1; // past `=` or `,`
                        if b.get(i) == Some(&b'"') {
                            let s = i + 1;
                            let e = scan(b, s, |c| c != b'"');
                            if e >= b.len() {
                                return None;
                            }
                            values.push(decode_param(text.get(s..e)?));
                            i = e + 1;
                        } else {
                            let e = scan(b, i, |c| !matches!(c, b',' | b';' | b':'));
                            values.push(decode_param(text.get(i..e)?));
                            i = e;
                        }
                        if b.get(i) != Some(&b',') {
                            break;
                        }
                    }
                }
                params.push(Param {
                    name: pname,
                    values,
                });
            }
            _ => return None,
        }
    }
    let value = text.get(i + 1..)?.to_string();
    Some(Prop {
        line,
        name,
        params,
        value,
    })
}

/// Decodes RFC 6868's `^n` (newline), `^^` (`^`) and `^'` (`"`) in a parameter value.
fn decode_param(s: &str) -> String {
    if !s.contains('^') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let decoded = match (c, chars.peek()) {
            ('^', Some('n' | 'N')) => '\n',
            ('^', Some('^')) => '^',
            ('^', Some('\'')) => '"',
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push(decoded);
        chars.next();
    }
    out
}

/// Encodes a parameter value: RFC 6868 for `^`, `"` and newlines (carriage returns and
/// other control characters are dropped), always in double quotes.
fn encode_param(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Unescapes a text value: `\n` or `\N` → newline, `\x` → `x` (which covers `\\`, `\;`,
/// `\,` and the `\:` some producers write).
fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes a text value: `\`, `;`, `,` and line breaks (CRLF, LF or CR → `\n`).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            c => out.push(c),
        }
    }
    out
}

/// A value shown in a reason: quoted, and cut at 40 characters.
fn shown(s: &str) -> String {
    let head: String = s.chars().take(40).collect();
    if s.chars().nth(40).is_some() {
        format!("{head:?}…")
    } else {
        format!("{head:?}")
    }
}

// ---------------------------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------------------------

/// A component read from the file, its properties and the indexes of its subcomponents.
#[derive(Debug, Clone)]
struct Comp {
    /// The name, upper case (`VEVENT`).
    name: String,
    /// The line of its `BEGIN`.
    line: u32,
    /// Its properties, in file order.
    props: Vec<Prop>,
    /// Its subcomponents (indexes into [`Tree::comps`]), in file order.
    children: Vec<usize>,
    /// Why it is incomplete, when its `END` is missing.
    broken: Option<String>,
    /// Lines inside it that could not be read, and why.
    bad_lines: Vec<(u32, String)>,
}

impl Comp {
    /// Its first property of this name.
    fn prop(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }

    /// Its properties of this name.
    fn props<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Prop> + 'a {
        self.props.iter().filter(move |p| p.name == name)
    }

    /// A text property, unescaped; `None` when missing or blank.
    fn text(&self, name: &str) -> Option<String> {
        let v = unescape(&self.prop(name)?.value);
        (!v.trim().is_empty()).then_some(v)
    }

    /// Its `UID`.
    fn uid(&self) -> Option<String> {
        self.text("UID")
    }
}

/// Every component of a file, flat (so that no nesting depth costs stack).
#[derive(Debug, Default)]
struct Tree {
    /// The components in the order their `BEGIN` lines come.
    comps: Vec<Comp>,
    /// The components outside any other.
    roots: Vec<usize>,
}

impl Tree {
    /// Reads a file into components. Never fails: a line that is not a content line is kept
    /// as a note on the component it is in, a component whose `END` is missing is marked
    /// broken where that shows (another calendar component begins, an enclosing component
    /// ends, or the file ends).
    fn read(text: &str) -> Tree {
        let lines = unfold(text);
        let last_line = lines.last().map_or(0, |(n, _)| *n);
        let mut tree = Tree::default();
        let mut stack: Vec<usize> = Vec::new();
        // How many components of each name are open, so that an `END` that matches none is
        // recognised without searching the stack.
        let mut open: HashMap<String, usize> = HashMap::new();
        for (line, raw) in lines {
            let Some(prop) = parse_line(line, &raw) else {
                tree.note(
                    &stack,
                    line,
                    "is not a content line (NAME:value) and was ignored",
                );
                continue;
            };
            match prop.name.as_str() {
                "BEGIN" => {
                    let name = prop.value.trim().to_ascii_uppercase();
                    if name.is_empty() {
                        tree.note(&stack, line, "is a BEGIN without a name and was ignored");
                        continue;
                    }
                    let keep = if name == "VCALENDAR" {
                        0
                    } else if CALENDAR_COMPONENTS.contains(&name.as_str()) {
                        usize::from(
                            stack
                                .first()
                                .and_then(|&i| tree.comps.get(i))
                                .is_some_and(|c| c.name == "VCALENDAR"),
                        )
                    } else {
                        stack.len()
                    };
                    tree.close(&mut stack, &mut open, keep, |open| {
                        format!("no END:{open} before BEGIN:{name} on line {line}")
                    });
                    let idx = tree.comps.len();
                    tree.comps.push(Comp {
                        name: name.clone(),
                        line,
                        props: Vec::new(),
                        children: Vec::new(),
                        broken: None,
                        bad_lines: Vec::new(),
                    });
                    match stack.last().and_then(|&p| tree.comps.get_mut(p)) {
                        Some(parent) => parent.children.push(idx),
                        None => tree.roots.push(idx),
                    }
                    *open.entry(name).or_insert(0) += 1;
                    stack.push(idx);
                }
                "END" => {
                    let name = prop.value.trim().to_ascii_uppercase();
                    if open.get(&name).copied().unwrap_or(0) == 0 {
                        tree.note(
                            &stack,
                            line,
                            "is an END without a matching BEGIN and was ignored",
                        );
                        continue;
                    }
                    while let Some(idx) = stack.pop() {
                        let Some(comp) = tree.comps.get_mut(idx) else {
                            break;
                        };
                        if let Some(n) = open.get_mut(&comp.name) {
                            *n = n.saturating_sub(1);
                        }
                        if comp.name == name {
                            break;
                        }
                        comp.broken = Some(format!(
                            "no END:{} before END:{name} on line {line}",
                            comp.name
                        ));
                    }
                }
                _ => {
                    if let Some(comp) = stack.last().and_then(|&i| tree.comps.get_mut(i)) {
                        comp.props.push(prop);
                    }
                }
            }
        }
        tree.close(&mut stack, &mut open, 0, |open| {
            format!("no END:{open}: the file ends at line {last_line}")
        });
        tree
    }

    /// Notes a line that could not be read on the innermost open component (lines outside
    /// every component are ignored).
    fn note(&mut self, stack: &[usize], line: u32, why: &str) {
        if let Some(comp) = stack.last().and_then(|&i| self.comps.get_mut(i)) {
            comp.bad_lines.push((line, why.to_string()));
        }
    }

    /// Marks the open components above depth `keep` broken, with the reason `why` gives for
    /// each name, and closes them.
    fn close(
        &mut self,
        stack: &mut Vec<usize>,
        open: &mut HashMap<String, usize>,
        keep: usize,
        why: impl Fn(&str) -> String,
    ) {
        while stack.len() > keep {
            let Some(idx) = stack.pop() else { break };
            if let Some(comp) = self.comps.get_mut(idx) {
                if let Some(n) = open.get_mut(&comp.name) {
                    *n = n.saturating_sub(1);
                }
                comp.broken = Some(why(&comp.name));
            }
        }
    }

    /// A component by index.
    fn get(&self, idx: usize) -> Option<&Comp> {
        self.comps.get(idx)
    }
}

// ---------------------------------------------------------------------------------------------
// Time zones and values
// ---------------------------------------------------------------------------------------------

/// The zone a local time is read in or written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    /// UTC, and no time zone on the activity.
    Utc,
    /// An IANA zone, named on the activity.
    Tz(Tz),
    /// A fixed offset that no IANA zone names; no time zone on the activity.
    Fixed(FixedOffset),
}

impl Zone {
    /// The activity's `time_zone` for it.
    fn name(self) -> Option<String> {
        match self {
            Zone::Tz(tz) => Some(tz.name().to_string()),
            Zone::Utc | Zone::Fixed(_) => None,
        }
    }

    /// The instant of a local time: an ambiguous one is the earlier instant, one in a gap is
    /// read with the offset before the gap (RFC 5545, 3.3.5).
    fn to_utc(self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self {
            Zone::Utc => Some(local.and_utc()),
            Zone::Fixed(off) => minus_offset(local, off.local_minus_utc()),
            Zone::Tz(tz) => match tz.from_local_datetime(&local) {
                LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
                LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
                LocalResult::None => {
                    let before = GapInfo::new(&local, &tz)
                        .and_then(|g| g.begin)
                        .map(|(_, o)| o.fix().local_minus_utc());
                    let offset = match before {
                        Some(o) => o,
                        None => {
                            let probe = local.checked_sub_signed(TimeDelta::try_days(1)?)?;
                            tz.offset_from_utc_datetime(&probe).fix().local_minus_utc()
                        }
                    };
                    minus_offset(local, offset)
                }
            },
        }
    }

    /// The local time of an instant (the UTC time at the very ends of chrono's range, where
    /// the local one does not exist; chrono's own conversion would panic there).
    fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        let utc = t.naive_utc();
        let offset = match self {
            Zone::Utc => return utc,
            Zone::Tz(tz) => tz.offset_from_utc_datetime(&utc).fix(),
            Zone::Fixed(off) => off,
        };
        utc.checked_add_offset(offset).unwrap_or(utc)
    }

    /// The instant of local midnight starting a date.
    fn midnight(self, d: NaiveDate) -> Option<DateTime<Utc>> {
        self.to_utc(d.and_time(NaiveTime::MIN))
    }
}

/// `local - offset` as an instant.
fn minus_offset(local: NaiveDateTime, offset_secs: i32) -> Option<DateTime<Utc>> {
    local
        .checked_sub_signed(TimeDelta::try_seconds(i64::from(offset_secs))?)
        .map(|n| n.and_utc())
}

/// A fixed offset as a zone: `Etc/GMT±n` when it is whole hours (so the activity still names
/// a zone), else a bare offset.
fn fixed_zone(secs: i32) -> Option<Zone> {
    if secs % 3600 == 0 {
        let hours = secs / 3600;
        let name = if hours == 0 {
            "Etc/GMT".to_string()
        } else {
            format!("Etc/GMT{:+}", -hours)
        };
        if let Ok(tz) = name.parse::<Tz>() {
            return Some(Zone::Tz(tz));
        }
    }
    FixedOffset::east_opt(secs).map(Zone::Fixed)
}

/// The longest name [`iana`] looks up (IANA names are at most 32 characters).
const MAX_ZONE_NAME: usize = 64;

/// An IANA zone by name, exact or ignoring case.
fn iana(name: &str) -> Option<Tz> {
    let name = name.trim();
    if name.is_empty() || name.len() > MAX_ZONE_NAME {
        return None;
    }
    name.parse::<Tz>().ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .copied()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
    })
}

/// Windows time zone names (as Outlook and Exchange write them in `TZID`) and the IANA zone
/// CLDR's `windowsZones` maps each to for the world ("001") territory.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("UTC-11", "Etc/GMT+11"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("Pacific Standard Time (Mexico)", "America/Tijuana"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time (Mexico)", "America/Mazatlan"),
    ("Mountain Standard Time", "America/Denver"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Central Standard Time", "America/Chicago"),
    ("Canada Central Standard Time", "America/Regina"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Eastern Standard Time (Mexico)", "America/Cancun"),
    ("Eastern Standard Time", "America/New_York"),
    ("US Eastern Standard Time", "America/Indiana/Indianapolis"),
    ("Venezuela Standard Time", "America/Caracas"),
    ("Paraguay Standard Time", "America/Asuncion"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Central Brazilian Standard Time", "America/Cuiaba"),
    ("SA Western Standard Time", "America/La_Paz"),
    ("Pacific SA Standard Time", "America/Santiago"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("Argentina Standard Time", "America/Argentina/Buenos_Aires"),
    ("SA Eastern Standard Time", "America/Cayenne"),
    ("Greenland Standard Time", "America/Nuuk"),
    ("Montevideo Standard Time", "America/Montevideo"),
    ("UTC-02", "Etc/GMT+2"),
    ("Azores Standard Time", "Atlantic/Azores"),
    ("Cape Verde Standard Time", "Atlantic/Cape_Verde"),
    ("UTC", "Etc/UTC"),
    ("Coordinated Universal Time", "Etc/UTC"),
    ("tzone://Microsoft/Utc", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("FLE Standard Time", "Europe/Kyiv"),
    ("Jordan Standard Time", "Asia/Amman"),
    ("Middle East Standard Time", "Asia/Beirut"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Afghanistan Standard Time", "Asia/Kabul"),
    ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("West Asia Standard Time", "Asia/Tashkent"),
    ("India Standard Time", "Asia/Kolkata"),
    ("Sri Lanka Standard Time", "Asia/Colombo"),
    ("Nepal Standard Time", "Asia/Kathmandu"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("Myanmar Standard Time", "Asia/Yangon"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
    ("North Asia Standard Time", "Asia/Krasnoyarsk"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("Cen. Australia Standard Time", "Australia/Adelaide"),
    ("AUS Central Standard Time", "Australia/Darwin"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("Tasmania Standard Time", "Australia/Hobart"),
    ("West Pacific Standard Time", "Pacific/Port_Moresby"),
    ("Vladivostok Standard Time", "Asia/Vladivostok"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("Fiji Standard Time", "Pacific/Fiji"),
    ("Tonga Standard Time", "Pacific/Tongatapu"),
];

/// The IANA zone a `TZID` names by itself: an IANA name (any case), the IANA name at the end
/// of a `/vendor/…/Europe/Berlin` path, or a Windows name.
fn known_zone(tzid: &str) -> Option<Tz> {
    let tzid = tzid.trim().trim_matches('"');
    if let Some(tz) = iana(tzid) {
        return Some(tz);
    }
    if let Some((_, iana_name)) = WINDOWS_ZONES
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(tzid))
    {
        return iana(iana_name);
    }
    tzid.match_indices('/')
        .filter_map(|(i, _)| tzid.get(i + 1..))
        .filter(|rest| rest.len() <= MAX_ZONE_NAME && rest.contains('/'))
        .find_map(iana)
}

/// A UTC offset, `±HHMM` or `±HHMMSS`, in seconds.
fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let (sign, digits) = match s.as_bytes().first() {
        Some(b'+') => (1, s.get(1..)?),
        Some(b'-') => (-1, s.get(1..)?),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let part = |r: std::ops::Range<usize>| digits.get(r).and_then(|d| d.parse::<i32>().ok());
    let secs = if digits.len() == 6 { part(4..6)? } else { 0 };
    let total = part(0..2)? * 3600 + part(2..4)? * 60 + secs;
    (total < 86_400).then_some(sign * total)
}

/// A UTC offset as `±HHMM` (`±HHMMSS` when it has seconds).
fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// A `DATE` or `DATE-TIME` value as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateVal {
    /// `YYYYMMDD`.
    Date(NaiveDate),
    /// `YYYYMMDDTHHMMSS`: floating, or in the `TZID` parameter's zone.
    Local(NaiveDateTime),
    /// `YYYYMMDDTHHMMSSZ`.
    Utc(NaiveDateTime),
}

/// Reads a `DATE` or `DATE-TIME` value (a leap second is read as second 59).
fn parse_date_val(s: &str) -> Option<DateVal> {
    let s = s.trim();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(4..6)?, num(6..8)?)?;
    let b = s.as_bytes();
    match b.len() {
        8 => Some(DateVal::Date(date)),
        15 | 16 => {
            if !matches!(b.get(8), Some(b'T' | b't')) {
                return None;
            }
            let time = NaiveTime::from_hms_opt(num(9..11)?, num(11..13)?, num(13..15)?.min(59))?;
            let at = date.and_time(time);
            match b.get(15) {
                None => Some(DateVal::Local(at)),
                Some(b'Z' | b'z') => Some(DateVal::Utc(at)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A duration: whole days (weeks included; nominal, so a day over a daylight-saving change
/// keeps the local time) and seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dur {
    /// Whether it points back in time.
    negative: bool,
    /// Days (and weeks × 7).
    days: i64,
    /// Hours, minutes and seconds, in seconds.
    seconds: i64,
}

impl Dur {
    /// Its length in seconds, a day counting 24 hours, signed.
    fn total_seconds(self) -> Option<i64> {
        let t = self.days.checked_mul(86_400)?.checked_add(self.seconds)?;
        Some(if self.negative { -t } else { t })
    }

    /// The instant this long after `start`, days counted in local time in `zone`.
    fn after(self, start: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
        let sign = if self.negative { -1 } else { 1 };
        let t = if self.days == 0 {
            start
        } else {
            let days = TimeDelta::try_days(self.days.checked_mul(sign)?)?;
            zone.to_utc(zone.local(start).checked_add_signed(days)?)?
        };
        t.checked_add_signed(TimeDelta::try_seconds(self.seconds.checked_mul(sign)?)?)
    }
}

/// Reads a duration, `[+-]P[nW][nD][T[nH][nM][nS]]`.
fn parse_duration(s: &str) -> Option<Dur> {
    let s = s.trim();
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    let (mut days, mut seconds) = (0i64, 0i64);
    let mut in_time = false;
    let mut any = false;
    let mut any_time = false;
    let mut num: Option<i64> = None;
    for c in rest.chars() {
        if let Some(d) = c.to_digit(10) {
            num = Some(
                num.unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(i64::from(d))?,
            );
            continue;
        }
        let (unit_days, unit_secs) = match (c.to_ascii_uppercase(), in_time) {
            ('T', false) if num.is_none() => {
                in_time = true;
                continue;
            }
            ('W', false) => (7, 0),
            ('D', false) => (1, 0),
            ('H', true) => (0, 3600),
            ('M', true) => (0, 60),
            ('S', true) => (0, 1),
            _ => return None,
        };
        let n = num.take()?;
        days = days.checked_add(n.checked_mul(unit_days)?)?;
        seconds = seconds.checked_add(n.checked_mul(unit_secs)?)?;
        any = true;
        any_time |= in_time;
    }
    (any && num.is_none() && in_time == any_time).then_some(Dur {
        negative,
        days,
        seconds,
    })
}

/// `YYYYMMDD`.
fn format_date(d: NaiveDate) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// `YYYYMMDDTHHMMSS`.
fn format_local(t: NaiveDateTime) -> String {
    format!(
        "{}T{:02}{:02}{:02}",
        format_date(t.date()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `YYYYMMDDTHHMMSSZ`.
fn format_utc(t: DateTime<Utc>) -> String {
    format!("{}Z", format_local(t.naive_utc()))
}

// ---------------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------------

/// The serde name of a kind.
fn kind_name(k: ActivityKind) -> &'static str {
    match k {
        ActivityKind::Call => "call",
        ActivityKind::Meeting => "meeting",
        ActivityKind::Task => "task",
        ActivityKind::Note => "note",
        ActivityKind::Email => "email",
        ActivityKind::Other => "other",
    }
}

/// The serde name of a status.
fn status_name(s: ActivityStatus) -> &'static str {
    match s {
        ActivityStatus::Planned => "planned",
        ActivityStatus::Done => "done",
        ActivityStatus::Cancelled => "cancelled",
    }
}

/// The serde name of a channel.
fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Email => "email",
        Channel::Phone => "phone",
        Channel::Chat => "chat",
        Channel::Social => "social",
        Channel::WebForm => "web_form",
        Channel::InPerson => "in_person",
        Channel::Messaging => "messaging",
        Channel::MobileApp => "mobile_app",
        Channel::Letter => "letter",
        Channel::Other => "other",
    }
}

/// The serde name of a direction.
fn direction_name(d: InteractionDirection) -> &'static str {
    match d {
        InteractionDirection::Inbound => "inbound",
        InteractionDirection::Outbound => "outbound",
    }
}

/// The value whose name (as `name` gives it) matches, ignoring case.
fn by_name<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, s: &str) -> Option<T> {
    let s = s.trim();
    all.iter()
        .copied()
        .find(|v| name(*v).eq_ignore_ascii_case(s))
}

/// Every kind.
const KINDS: [ActivityKind; 6] = [
    ActivityKind::Call,
    ActivityKind::Meeting,
    ActivityKind::Task,
    ActivityKind::Note,
    ActivityKind::Email,
    ActivityKind::Other,
];

/// Every status.
const STATUSES: [ActivityStatus; 3] = [
    ActivityStatus::Planned,
    ActivityStatus::Done,
    ActivityStatus::Cancelled,
];

/// Every direction.
const DIRECTIONS: [InteractionDirection; 2] = [
    InteractionDirection::Inbound,
    InteractionDirection::Outbound,
];

/// Every weekday, Monday first.
const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// The RRULE code of a weekday (`MO`).
fn weekday_code(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

/// The RRULE name of a frequency.
fn frequency_name(f: Frequency) -> &'static str {
    match f {
        Frequency::Daily => "DAILY",
        Frequency::Weekly => "WEEKLY",
        Frequency::Monthly => "MONTHLY",
        Frequency::Yearly => "YEARLY",
    }
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

/// Reads an iCalendar file. Never fails and never panics: what cannot be imported is listed
/// in `skipped` with its line and the reason, and a file that is not iCalendar at all gives
/// one skipped entry. Floating times and dates are read in `default_tz`. See the module docs
/// for what is read.
pub(crate) fn parse(text: &str, default_tz: Tz) -> IcalParsed {
    let tree = Tree::read(text);
    let mut out = IcalParsed {
        items: Vec::new(),
        skipped: Vec::new(),
        calendar_name: None,
    };
    let calendars: Vec<usize> = tree
        .roots
        .iter()
        .copied()
        .filter(|&i| tree.get(i).is_some_and(|c| c.name == "VCALENDAR"))
        .collect();
    if calendars.is_empty() {
        let line = text
            .strip_prefix('\u{feff}')
            .unwrap_or(text)
            .split('\n')
            .position(|l| !l.trim().is_empty())
            .map_or(1, |i| {
                u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX)
            });
        out.skipped.push(IcalSkipped {
            line,
            component: "VCALENDAR".into(),
            uid: None,
            reason: "not an iCalendar file: it has no BEGIN:VCALENDAR line".into(),
        });
        return out;
    }
    for &root in &tree.roots {
        let Some(comp) = tree.get(root) else { continue };
        if comp.name == "VCALENDAR" {
            read_calendar(&tree, comp, default_tz, &mut out);
        } else {
            out.skipped.push(IcalSkipped {
                line: comp.line,
                component: comp.name.clone(),
                uid: comp.uid(),
                reason: format!("{} outside any VCALENDAR is not imported", comp.name),
            });
        }
    }
    order::sort_by_key(&mut out.skipped, |s| s.line);
    out
}

/// A `VTIMEZONE`, as far as import uses it.
#[derive(Debug, Clone)]
struct VTimezone {
    /// The line of its `BEGIN`.
    line: u32,
    /// Its `X-LIC-LOCATION` (an IANA name, as Mozilla and Google write it).
    location: Option<String>,
    /// The `TZOFFSETTO` of its latest `STANDARD` observance (of any observance if there is
    /// no `STANDARD`), in seconds.
    standard_offset: Option<i32>,
}

/// What reading one `VCALENDAR` keeps: its time zones and notes about them.
struct Ctx {
    /// The zone of floating times and dates.
    default_tz: Tz,
    /// The calendar's `VTIMEZONE`s by `TZID`.
    vtimezones: HashMap<String, VTimezone>,
    /// `TZID`s already resolved.
    zones: HashMap<String, Zone>,
    /// Notes about time zones (one per `TZID`).
    notes: Vec<IcalSkipped>,
}

impl Ctx {
    /// Notes a `VTIMEZONE`.
    fn add_vtimezone(&mut self, tree: &Tree, comp: &Comp) {
        let skip = |reason: String| IcalSkipped {
            line: comp.line,
            component: "VTIMEZONE".into(),
            uid: None,
            reason,
        };
        if let Some(reason) = &comp.broken {
            self.notes.push(skip(reason.clone()));
            return;
        }
        let Some(tzid) = comp
            .prop("TZID")
            .map(|p| unescape(p.value.trim()).trim().to_string())
        else {
            self.notes
                .push(skip("a VTIMEZONE without TZID is ignored".into()));
            return;
        };
        let mut latest_standard: Option<(&str, i32)> = None;
        let mut any = None;
        for child in comp.children.iter().filter_map(|&i| tree.get(i)) {
            let Some(to) = child
                .prop("TZOFFSETTO")
                .and_then(|p| parse_offset(&p.value))
            else {
                continue;
            };
            any = any.or(Some(to));
            if child.name == "STANDARD" {
                let start = child.prop("DTSTART").map_or("", |p| p.value.trim());
                if latest_standard.is_none_or(|(s, _)| start >= s) {
                    latest_standard = Some((start, to));
                }
            }
        }
        self.vtimezones.entry(tzid).or_insert(VTimezone {
            line: comp.line,
            location: comp.text("X-LIC-LOCATION"),
            standard_offset: latest_standard.map(|(_, o)| o).or(any),
        });
    }

    /// The zone a `TZID` stands for (see the module docs); notes an approximation once.
    fn resolve(&mut self, tzid: &str, line: u32) -> Zone {
        let tzid = tzid.trim();
        if let Some(zone) = self.zones.get(tzid) {
            return *zone;
        }
        let zone = self.lookup(tzid, line);
        self.zones.insert(tzid.to_string(), zone);
        zone
    }

    /// [`Ctx::resolve`] without the cache.
    fn lookup(&mut self, tzid: &str, line: u32) -> Zone {
        if let Some(tz) = known_zone(tzid) {
            return Zone::Tz(tz);
        }
        let vtz = self.vtimezones.get(tzid).cloned();
        if let Some(vtz) = &vtz {
            if let Some(tz) = vtz.location.as_deref().and_then(known_zone) {
                return Zone::Tz(tz);
            }
            if let Some((secs, zone)) = vtz
                .standard_offset
                .and_then(|secs| fixed_zone(secs).map(|z| (secs, z)))
            {
                self.notes.push(IcalSkipped {
                    line: vtz.line,
                    component: "VTIMEZONE".into(),
                    uid: None,
                    reason: format!(
                        "TZID {} is neither an IANA nor a known Windows time zone: its times \
                         were read at the standard offset {} of its VTIMEZONE, without \
                         daylight saving time",
                        shown(tzid),
                        format_offset(secs)
                    ),
                });
                return zone;
            }
        }
        self.notes.push(IcalSkipped {
            line: vtz.map_or(line, |v| v.line),
            component: "VTIMEZONE".into(),
            uid: None,
            reason: format!(
                "TZID {} is not a known time zone and the file gives no offset for it: its \
                 times were read in {}",
                shown(tzid),
                self.default_tz.name()
            ),
        });
        Zone::Tz(self.default_tz)
    }

    /// Reads one `DATE` or `DATE-TIME` value of a property: a `Z` time is UTC, a local time
    /// is in the property's `TZID`, else in `floating`.
    fn read_value(&mut self, prop: &Prop, value: &str, floating: Zone) -> Result<When, String> {
        let bad = || {
            format!(
                "{} on line {}: {} is not a date or a date-time",
                prop.name,
                prop.line,
                shown(value)
            )
        };
        match parse_date_val(value).ok_or_else(bad)? {
            DateVal::Date(d) => Ok(When::Date(d)),
            DateVal::Utc(t) => Ok(When::At(t.and_utc(), Zone::Utc)),
            DateVal::Local(t) => {
                let zone = match prop.param("TZID") {
                    Some(tzid) => self.resolve(tzid, prop.line),
                    None => floating,
                };
                zone.to_utc(t).map(|at| When::At(at, zone)).ok_or_else(bad)
            }
        }
    }

    /// Reads a property's single date or date-time.
    fn read(&mut self, prop: &Prop, floating: Zone) -> Result<When, String> {
        self.read_value(prop, &prop.value, floating)
    }
}

/// A date or an instant read from a property.
#[derive(Debug, Clone, Copy)]
enum When {
    /// A whole day, in the item's zone.
    Date(NaiveDate),
    /// An instant, and the zone it was written in.
    At(DateTime<Utc>, Zone),
}

/// Reads one `VCALENDAR` into `out`.
fn read_calendar(tree: &Tree, cal: &Comp, default_tz: Tz, out: &mut IcalParsed) {
    if out.calendar_name.is_none() {
        out.calendar_name = cal.text("X-WR-CALNAME");
    }
    if let Some(reason) = &cal.broken {
        out.skipped.push(IcalSkipped {
            line: cal.line,
            component: "VCALENDAR".into(),
            uid: None,
            reason: format!("{reason}; the complete components before it were read"),
        });
    }
    for (line, why) in &cal.bad_lines {
        out.skipped.push(IcalSkipped {
            line: *line,
            component: "VCALENDAR".into(),
            uid: None,
            reason: format!("line {line} {why}"),
        });
    }
    let mut ctx = Ctx {
        default_tz,
        vtimezones: HashMap::new(),
        zones: HashMap::new(),
        notes: Vec::new(),
    };
    let children: Vec<&Comp> = cal.children.iter().filter_map(|&i| tree.get(i)).collect();
    for comp in children.iter().filter(|c| c.name == "VTIMEZONE") {
        ctx.add_vtimezone(tree, comp);
    }
    for comp in children {
        let reason = match comp.name.as_str() {
            "VEVENT" | "VTODO" => match read_item(&mut ctx, tree, comp) {
                Ok((item, notes)) => {
                    out.items.push(item);
                    out.skipped.extend(notes);
                    continue;
                }
                Err(reason) => reason,
            },
            "VTIMEZONE" => continue,
            "VJOURNAL" => "journal entries (VJOURNAL) are not imported".to_string(),
            "VFREEBUSY" => "free/busy time (VFREEBUSY) is not imported".to_string(),
            other => format!("{other} components are not imported"),
        };
        out.skipped.push(IcalSkipped {
            line: comp.line,
            component: comp.name.clone(),
            uid: comp.uid(),
            reason,
        });
    }
    out.skipped.append(&mut ctx.notes);
}

/// Reads a `VEVENT` or `VTODO` into an item and notes on parts left out, or the reason the
/// whole component is skipped.
fn read_item(
    ctx: &mut Ctx,
    tree: &Tree,
    comp: &Comp,
) -> Result<(IcalItem, Vec<IcalSkipped>), String> {
    if let Some(reason) = &comp.broken {
        return Err(reason.clone());
    }
    let todo = comp.name == "VTODO";
    let uid = comp.uid();
    let mut notes = Vec::new();
    let note = |line: u32, component: &str, reason: String| IcalSkipped {
        line,
        component: component.to_string(),
        uid: uid.clone(),
        reason,
    };
    for (line, why) in &comp.bad_lines {
        notes.push(note(*line, &comp.name, format!("line {line} {why}")));
    }

    // Zones: a date-time with a TZID or Z carries its own; floating times and dates are in
    // X-CRM-TIME-ZONE's zone (empty = UTC), else in the calendar's.
    let hint = match comp.prop("X-CRM-TIME-ZONE") {
        None => None,
        Some(p) => {
            let v = unescape(&p.value);
            if v.trim().is_empty() {
                Some(Zone::Utc)
            } else if let Some(tz) = iana(&v) {
                Some(Zone::Tz(tz))
            } else {
                let why = format!(
                    "X-CRM-TIME-ZONE {} is not an IANA time zone; ignored",
                    shown(&v)
                );
                notes.push(note(p.line, &comp.name, why));
                None
            }
        }
    };
    let floating = hint.unwrap_or(Zone::Tz(ctx.default_tz));
    let start = comp
        .prop("DTSTART")
        .map(|p| ctx.read(p, floating))
        .transpose()?;
    let due = match comp.prop("DUE") {
        Some(p) if todo => Some(ctx.read(p, floating)?),
        _ => None,
    };
    if !todo && start.is_none() {
        return Err("it has no DTSTART (an event needs a start)".into());
    }
    let zone = match (start, due) {
        (Some(When::At(_, z)), _) | (_, Some(When::At(_, z))) => z,
        (Some(_), _) | (_, Some(_)) => floating,
        (None, None) => hint.unwrap_or(Zone::Utc),
    };
    let midnight = |d: NaiveDate| {
        zone.midnight(d)
            .ok_or_else(|| format!("the date {d} has no midnight in its time zone"))
    };
    let all_day = matches!(start, Some(When::Date(_)))
        || (start.is_none() && matches!(due, Some(When::Date(_))));
    let starts_at = match start {
        Some(When::Date(d)) => Some(midnight(d)?),
        Some(When::At(t, _)) => Some(t),
        None => None,
    };
    let start_local = starts_at.map(|t| zone.local(t));
    let next_midnight = |t: DateTime<Utc>| {
        zone.local(t)
            .date()
            .succ_opt()
            .and_then(|d| zone.midnight(d))
            .ok_or_else(|| "its dates are out of range".to_string())
    };

    // End (events) and due time (tasks).
    let mut ends_at = None;
    let mut due_at = match due {
        Some(When::Date(d)) => Some(midnight(d)?),
        Some(When::At(t, _)) => Some(t),
        None => None,
    };
    if let Some(start_t) = starts_at {
        let end_prop = if todo { None } else { comp.prop("DTEND") };
        let duration = comp.prop("DURATION");
        let mut end_line = None;
        if let Some(p) = end_prop {
            end_line = Some(p.line);
            // A floating DTEND of a zoned event is read in the event's zone.
            ends_at = Some(match (ctx.read(p, zone)?, all_day) {
                (When::Date(d), true) => midnight(d)?,
                (When::At(t, _), false) => t,
                (When::Date(_), false) => {
                    return Err(format!(
                        "DTEND on line {} is a date but DTSTART is a date-time",
                        p.line
                    ));
                }
                (When::At(..), true) => {
                    return Err(format!(
                        "DTEND on line {} is a date-time but DTSTART is a date",
                        p.line
                    ));
                }
            });
        } else if let Some(p) = duration.filter(|_| !todo || due_at.is_none()) {
            end_line = Some(p.line);
            let bad = || {
                format!(
                    "DURATION on line {}: {} is not a duration",
                    p.line,
                    shown(&p.value)
                )
            };
            let end = parse_duration(&p.value)
                .ok_or_else(bad)?
                .after(start_t, zone)
                .ok_or_else(bad)?;
            if todo {
                due_at = Some(end);
            } else {
                ends_at = Some(end);
            }
        } else if all_day && !todo {
            ends_at = Some(next_midnight(start_t)?);
        }
        if let Some(end) = ends_at.or(due_at) {
            if end < start_t {
                return Err(match end_line.or(comp.prop("DUE").map(|p| p.line)) {
                    Some(l) if todo => format!("it is due before it starts (line {l})"),
                    Some(l) => format!("it ends before it starts (line {l})"),
                    None => "it ends before it starts".into(),
                });
            }
        }
        if all_day && !todo && ends_at == Some(start_t) {
            ends_at = Some(next_midnight(start_t)?);
        }
    }

    // Repetition.
    if let Some(p) = comp.prop("EXRULE") {
        return Err(format!("EXRULE on line {} is not supported", p.line));
    }
    let mut rules = comp.props("RRULE");
    let recurrence = match (rules.next(), start_local) {
        (None, _) => None,
        (Some(p), None) => return Err(format!("RRULE on line {} needs a DTSTART", p.line)),
        (Some(p), Some(local)) => {
            if let Some(second) = rules.next() {
                return Err(format!(
                    "several RRULEs (lines {} and {}) are not supported",
                    p.line, second.line
                ));
            }
            let mut rule = parse_rrule(&p.value, local, zone)
                .map_err(|why| format!("RRULE on line {}: {why}", p.line))?;
            for ex in comp.props("EXDATE") {
                for v in ex.value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                    let at = match ctx.read_value(ex, v, zone)? {
                        When::At(t, _) => t,
                        When::Date(d) if all_day => midnight(d)?,
                        When::Date(d) => {
                            zone.to_utc(d.and_time(local.time())).ok_or_else(|| {
                                format!("EXDATE on line {}: {} is out of range", ex.line, shown(v))
                            })?
                        }
                    };
                    rule.exceptions.push(at);
                }
            }
            Some(rule)
        }
    };
    if recurrence.is_none() {
        for p in comp.props("EXDATE") {
            let why = format!("EXDATE on line {} without an RRULE is ignored", p.line);
            notes.push(note(p.line, &comp.name, why));
        }
    }
    for p in comp.props("RDATE") {
        let why = format!(
            "RDATE on line {} (extra dates of a series) is not supported; imported without them",
            p.line
        );
        notes.push(note(p.line, &comp.name, why));
    }
    let recurrence_id = match comp.prop("RECURRENCE-ID") {
        None => None,
        Some(p) => {
            if p.param_is("RANGE", "THISANDFUTURE") {
                let why = format!(
                    "RECURRENCE-ID on line {} with RANGE=THISANDFUTURE changes later instances \
                     too; imported as a change of this instance only",
                    p.line
                );
                notes.push(note(p.line, &comp.name, why));
            }
            Some(match ctx.read(p, zone)? {
                When::At(t, _) => t,
                When::Date(d) => match start_local.filter(|_| !all_day) {
                    Some(local) => zone.to_utc(d.and_time(local.time())).ok_or_else(|| {
                        format!("RECURRENCE-ID on line {} is out of range", p.line)
                    })?,
                    None => midnight(d)?,
                },
            })
        }
    };

    // People.
    let mut participants = Vec::new();
    for p in comp.props("ATTENDEE") {
        let value = p.value.trim();
        let email = value
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
            .and_then(|_| value.get(7..))
            .map(str::trim)
            .filter(|e| !e.is_empty());
        let Some(email) = email else {
            let why = format!(
                "ATTENDEE on line {} has no mailto: address; left out",
                p.line
            );
            notes.push(note(p.line, &comp.name, why));
            continue;
        };
        let name = p
            .param("CN")
            .filter(|n| !n.trim().is_empty() && !n.trim().eq_ignore_ascii_case(email))
            .map(str::to_string);
        let status = match p
            .param("PARTSTAT")
            .map(|s| s.trim().to_ascii_uppercase())
            .as_deref()
        {
            Some("ACCEPTED") => ParticipantStatus::Accepted,
            Some("TENTATIVE") => ParticipantStatus::Tentative,
            Some("DECLINED") => ParticipantStatus::Declined,
            _ => ParticipantStatus::NeedsAction,
        };
        participants.push(Participant {
            contact: None,
            user: None,
            email: Some(email.to_string()),
            name,
            status,
        });
    }

    // Reminders.
    let mut reminders = Vec::new();
    for child in comp.children.iter().filter_map(|&i| tree.get(i)) {
        if child.name != "VALARM" {
            let why = format!("{} inside {} is not imported", child.name, comp.name);
            notes.push(note(child.line, &child.name, why));
            continue;
        }
        match alarm_minutes(child, todo, starts_at.is_some(), due_at.is_some()) {
            Ok(m) => reminders.push(m),
            Err(why) => notes.push(note(child.line, "VALARM", why)),
        }
    }

    // What the kind, status and private properties say.
    let x_value = |name: &str| -> Option<(u32, String)> {
        let p = comp.prop(name)?;
        let v = unescape(&p.value);
        (!v.trim().is_empty()).then_some((p.line, v))
    };
    let mut invalid = Vec::new();
    let mut pick = |name: &str, found: Option<(u32, String)>, ok: bool| {
        if let (Some((line, v)), false) = (found, ok) {
            invalid.push((
                line,
                format!("{name} {} is not a known value; ignored", shown(&v)),
            ));
        }
    };
    let x_kind = x_value("X-CRM-KIND");
    let kind = if todo {
        ActivityKind::Task
    } else {
        let parsed = x_kind
            .as_ref()
            .and_then(|(_, v)| by_name(&KINDS, kind_name, v));
        pick(
            "X-CRM-KIND",
            x_kind.clone(),
            x_kind.is_none() || parsed.is_some(),
        );
        parsed.unwrap_or(ActivityKind::Meeting)
    };
    let other_kind = x_value("X-CRM-OTHER-KIND")
        .map(|(_, v)| v)
        .filter(|_| kind == ActivityKind::Other);
    let x_channel = x_value("X-CRM-CHANNEL");
    let channel = x_channel
        .as_ref()
        .and_then(|(_, v)| by_name(&Channel::ALL, channel_name, v));
    pick(
        "X-CRM-CHANNEL",
        x_channel.clone(),
        x_channel.is_none() || channel.is_some(),
    );
    let x_direction = x_value("X-CRM-DIRECTION");
    let direction = x_direction
        .as_ref()
        .and_then(|(_, v)| by_name(&DIRECTIONS, direction_name, v));
    pick(
        "X-CRM-DIRECTION",
        x_direction.clone(),
        x_direction.is_none() || direction.is_some(),
    );
    let x_status = x_value("X-CRM-STATUS");
    let crm_status = x_status
        .as_ref()
        .and_then(|(_, v)| by_name(&STATUSES, status_name, v));
    pick(
        "X-CRM-STATUS",
        x_status.clone(),
        x_status.is_none() || crm_status.is_some(),
    );
    let outcome = x_value("X-CRM-OUTCOME").map(|(_, v)| v);
    for (line, why) in invalid {
        notes.push(note(line, &comp.name, why));
    }
    let ical_status = comp
        .prop("STATUS")
        .map(|p| p.value.trim().to_ascii_uppercase());
    let status = crm_status.or(match ical_status.as_deref() {
        Some("CANCELLED") => Some(ActivityStatus::Cancelled),
        Some("COMPLETED") if todo => Some(ActivityStatus::Done),
        None if todo && comp.prop("COMPLETED").is_some() => Some(ActivityStatus::Done),
        _ => None,
    });
    let priority = match comp.prop("PRIORITY") {
        None => None,
        Some(p) => match p.value.trim().parse::<u8>() {
            Ok(0 | 5) => Some(Priority::Normal),
            Ok(1..=4) => Some(Priority::High),
            Ok(6..=9) => Some(Priority::Low),
            _ => {
                let why = format!(
                    "PRIORITY on line {}: {} is not 0 to 9; ignored",
                    p.line,
                    shown(&p.value)
                );
                notes.push(note(p.line, &comp.name, why));
                None
            }
        },
    };

    let input = ActivityInput {
        kind,
        other_kind,
        subject: comp
            .text("SUMMARY")
            .unwrap_or_else(|| NO_SUBJECT.to_string()),
        body: comp.text("DESCRIPTION"),
        owner: None,
        participants,
        starts_at,
        ends_at,
        all_day,
        due_at,
        time_zone: zone.name(),
        location: comp.text("LOCATION"),
        status,
        outcome,
        channel,
        direction,
        priority,
        links: Vec::new(),
        calendar: None,
        reminders,
        recurrence,
        ical_uid: uid,
    };
    let item = IcalItem {
        input,
        line: comp.line,
        recurrence_id,
    };
    Ok((item, notes))
}

/// The minutes before the start (or before the due time of a task that has one) an alarm
/// rings at, or why it cannot be a reminder.
fn alarm_minutes(alarm: &Comp, todo: bool, has_start: bool, has_due: bool) -> Result<u32, String> {
    if let Some(reason) = &alarm.broken {
        return Err(reason.clone());
    }
    let Some(p) = alarm.prop("TRIGGER") else {
        return Err("an alarm without TRIGGER is not imported".into());
    };
    if p.param_is("VALUE", "DATE-TIME") || parse_date_val(&p.value).is_some() {
        return Err(format!(
            "the alarm on line {} rings at a fixed time; only reminders before the start are \
             supported",
            p.line
        ));
    }
    let bad = || {
        format!(
            "TRIGGER on line {}: {} is not a duration",
            p.line,
            shown(&p.value)
        )
    };
    let total = parse_duration(&p.value)
        .and_then(Dur::total_seconds)
        .ok_or_else(bad)?;
    let related_end = p.param_is("RELATED", "END");
    let anchor_problem = match (todo, related_end) {
        (false, true) => Some("is relative to the end of the event"),
        (true, true) if !has_due => Some("is relative to the due time of a task without one"),
        (true, false) if has_due => Some(
            "is relative to the start of a task with a due time (a task's reminders are before \
             its due time)",
        ),
        (true, false) if !has_start => Some("is relative to the start of a task without one"),
        _ => None,
    };
    if let Some(problem) = anchor_problem {
        return Err(format!(
            "the alarm on line {} {problem}; not supported",
            p.line
        ));
    }
    if total > 0 {
        return Err(format!(
            "the alarm on line {} rings after the {}; only reminders before it are supported",
            p.line,
            if related_end { "due time" } else { "start" }
        ));
    }
    let minutes = total.unsigned_abs().div_ceil(60);
    if minutes > MAX_REMINDER_MINUTES.unsigned_abs() {
        return Err(format!(
            "the alarm on line {} rings more than four weeks ahead; not supported",
            p.line
        ));
    }
    u32::try_from(minutes).map_err(|_| bad())
}

/// Reads an `RRULE` value for an event starting at `start` (local time in `zone`) into a
/// [`Recurrence`], or says which part is not supported (see the module docs).
fn parse_rrule(value: &str, start: NaiveDateTime, zone: Zone) -> Result<Recurrence, String> {
    let mut freq = None;
    let mut interval = None;
    let mut count = None;
    let mut until = None;
    let mut byday: Option<Vec<(Option<i32>, Weekday)>> = None;
    let mut bysetpos: Option<i32> = None;
    let mut bymonth: Option<(String, Vec<i32>)> = None;
    let mut bymonthday: Option<(String, Vec<i32>)> = None;
    let mut wkst = None;
    let mut seen: Vec<String> = Vec::new();
    for part in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, val)) = part.split_once('=') else {
            return Err(format!("{} is not NAME=VALUE", shown(part)));
        };
        let key = key.trim().to_ascii_uppercase();
        let val = val.trim();
        if seen.contains(&key) {
            return Err(format!("{key} is given twice"));
        }
        match key.as_str() {
            "FREQ" => {
                freq = Some(match val.to_ascii_uppercase().as_str() {
                    "DAILY" => Frequency::Daily,
                    "WEEKLY" => Frequency::Weekly,
                    "MONTHLY" => Frequency::Monthly,
                    "YEARLY" => Frequency::Yearly,
                    f @ ("HOURLY" | "MINUTELY" | "SECONDLY") => {
                        return Err(format!(
                            "FREQ={f} is not supported (only DAILY, WEEKLY, MONTHLY and YEARLY)"
                        ));
                    }
                    _ => return Err(format!("FREQ={} is not a frequency", shown(val))),
                });
            }
            "INTERVAL" => interval = Some(positive(&key, val)?),
            "COUNT" => count = Some(positive(&key, val)?),
            "UNTIL" => until = Some(parse_until(val, zone)?),
            "BYDAY" => byday = Some(parse_byday(val)?),
            "BYSETPOS" => {
                let n = val.parse::<i32>().map_err(|_| {
                    format!(
                        "BYSETPOS={} is not supported (one position only)",
                        shown(val)
                    )
                })?;
                bysetpos = Some(n);
            }
            "BYMONTH" => bymonth = Some((val.to_string(), int_list(&key, val)?)),
            "BYMONTHDAY" => bymonthday = Some((val.to_string(), int_list(&key, val)?)),
            "WKST" => {
                let code = val.to_ascii_uppercase();
                wkst = Some(
                    WEEKDAYS
                        .into_iter()
                        .find(|d| weekday_code(*d) == code)
                        .ok_or_else(|| format!("WKST={} is not a weekday", shown(val)))?,
                );
            }
            "BYHOUR" | "BYMINUTE" | "BYSECOND" | "BYYEARDAY" | "BYWEEKNO" => {
                return Err(format!("{key}={} is not supported", shown(val)));
            }
            _ => return Err(format!("{key} is not supported")),
        }
        seen.push(key);
    }
    let frequency = freq.ok_or("it has no FREQ")?;
    let interval = interval.unwrap_or(1);
    if count.is_some() && until.is_some() {
        return Err("COUNT together with UNTIL is not supported".into());
    }
    let start_month = i32::try_from(start.month()).unwrap_or(0);
    let start_day = i32::try_from(start.day()).unwrap_or(0);
    if let Some((raw, months)) = &bymonth {
        if !(frequency == Frequency::Yearly && months.as_slice() == [start_month]) {
            return Err(format!(
                "BYMONTH={} is not supported (only the start's own month, with FREQ=YEARLY)",
                shown(raw)
            ));
        }
    }
    if let Some((raw, days)) = &bymonthday {
        let redundant = days.as_slice() == [start_day]
            && (frequency == Frequency::Yearly
                || (frequency == Frequency::Monthly && byday.is_none()));
        if !redundant {
            return Err(format!(
                "BYMONTHDAY={} is not supported (only the start's own day, with FREQ=MONTHLY or \
                 YEARLY)",
                shown(raw)
            ));
        }
    }
    let check_position = |n: i32| -> Result<i8, String> {
        i8::try_from(n)
            .ok()
            .filter(|p| (1..=5).contains(&p.unsigned_abs()))
            .ok_or_else(|| format!("position {n} is not supported (1 to 5 or -1 to -5)"))
    };
    let mut weekdays = Vec::new();
    let mut position = None;
    match (frequency, byday, bysetpos) {
        (_, None, Some(_)) => return Err("BYSETPOS without BYDAY is not supported".into()),
        (_, None, None) => {}
        (Frequency::Yearly, Some(_), _) => {
            return Err("BYDAY with FREQ=YEARLY is not supported".into());
        }
        (Frequency::Daily | Frequency::Weekly, Some(_), Some(_)) => {
            return Err("BYSETPOS is only supported with FREQ=MONTHLY".into());
        }
        (Frequency::Daily | Frequency::Weekly, Some(days), None) => {
            if days.iter().any(|(n, _)| n.is_some()) {
                return Err(
                    "BYDAY with a position (such as 2TU) is only supported with FREQ=MONTHLY"
                        .into(),
                );
            }
            weekdays = days.into_iter().map(|(_, d)| d).collect();
        }
        (Frequency::Monthly, Some(days), setpos) => {
            let plain = days.iter().all(|(n, _)| n.is_none());
            match (days.as_slice(), setpos) {
                ([(Some(n), d)], None) => {
                    position = Some(check_position(*n)?);
                    weekdays = vec![*d];
                }
                (_, Some(n)) if plain => {
                    position = Some(check_position(n)?);
                    weekdays = days.into_iter().map(|(_, d)| d).collect();
                }
                (_, None) if plain => weekdays = days.into_iter().map(|(_, d)| d).collect(),
                _ => {
                    return Err(
                        "BYDAY with several positions (or with BYSETPOS) is not supported".into(),
                    );
                }
            }
        }
    }
    if let Some(w) = wkst {
        if w != Weekday::Monday
            && frequency == Frequency::Weekly
            && interval > 1
            && weekdays.len() > 1
        {
            return Err(format!(
                "WKST={} with INTERVAL={interval} and several weekdays is not supported (weeks \
                 start on Monday)",
                weekday_code(w)
            ));
        }
    }
    Ok(Recurrence {
        frequency,
        interval,
        weekdays,
        position,
        until,
        count,
        exceptions: Vec::new(),
    })
}

/// A positive integer rule part.
fn positive(key: &str, val: &str) -> Result<u32, String> {
    val.parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{key}={} is not a positive number", shown(val)))
}

/// A list of integers, `1,-2`.
fn int_list(key: &str, val: &str) -> Result<Vec<i32>, String> {
    val.split(',')
        .map(|v| v.trim().parse::<i32>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| format!("{key}={} is not a list of numbers", shown(val)))
}

/// `UNTIL`: a UTC time, a local time in the event's zone, or a date (the end of that local
/// day).
fn parse_until(val: &str, zone: Zone) -> Result<DateTime<Utc>, String> {
    let bad = || format!("UNTIL={} is not a date or a date-time", shown(val));
    match parse_date_val(val).ok_or_else(bad)? {
        DateVal::Utc(t) => Ok(t.and_utc()),
        DateVal::Local(t) => zone.to_utc(t).ok_or_else(bad),
        DateVal::Date(d) => d
            .succ_opt()
            .and_then(|next| zone.midnight(next))
            .and_then(|t| t.checked_sub_signed(TimeDelta::try_seconds(1)?))
            .ok_or_else(bad),
    }
}

/// `BYDAY`: weekdays, each with an optional position (`-1SU`).
fn parse_byday(val: &str) -> Result<Vec<(Option<i32>, Weekday)>, String> {
    let bad = || format!("BYDAY={} is not a list of weekdays", shown(val));
    val.split(',')
        .map(|item| {
            let item = item.trim();
            let cut = item.len().checked_sub(2).ok_or_else(bad)?;
            let (pos, code) = (
                item.get(..cut).ok_or_else(bad)?,
                item.get(cut..).ok_or_else(bad)?,
            );
            let code = code.to_ascii_uppercase();
            let day = WEEKDAYS
                .into_iter()
                .find(|d| weekday_code(*d) == code)
                .ok_or_else(bad)?;
            let pos = match pos.trim() {
                "" => None,
                p => Some(p.parse::<i32>().ok().filter(|n| *n != 0).ok_or_else(bad)?),
            };
            Ok((pos, day))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// Writes activities as an iCalendar file (see the module docs for what is written and what
/// is left out). `now` is the `DTSTAMP`.
pub(crate) fn export(
    calendar_name: Option<&str>,
    activities: &[Activity],
    now: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//crm-core//EN",
        "CALSCALE:GREGORIAN",
    ] {
        emit(&mut out, line);
    }
    if let Some(name) = calendar_name {
        emit(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    }
    let plans: Vec<Plan<'_>> = activities.iter().filter_map(Plan::new).collect();
    let mut zones: BTreeMap<&'static str, (Tz, i32, i32)> = BTreeMap::new();
    for plan in &plans {
        if let (Zone::Tz(tz), true) = (plan.zone, plan.uses_tzid()) {
            for year in plan.years() {
                let entry = zones.entry(tz.name()).or_insert((tz, year, year));
                entry.1 = entry.1.min(year);
                entry.2 = entry.2.max(year);
            }
        }
    }
    for (tz, first, last) in zones.into_values() {
        write_vtimezone(&mut out, tz, first, last);
    }
    for plan in &plans {
        plan.write(&mut out, now);
    }
    emit(&mut out, "END:VCALENDAR");
    out
}

/// Appends one content line, folded at 75 octets (continuation lines start with a space)
/// without splitting a character, and CRLF.
fn emit(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = 75;
    while rest.len() > limit {
        let mut cut = limit;
        while cut > 0 && !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let Some((head, tail)) = rest.split_at_checked(cut) else {
            break;
        };
        out.push_str(head);
        out.push_str("\r\n ");
        rest = tail;
        limit = 74;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

/// Drops control characters from a value that is not escaped text (an email address).
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// How one activity is exported.
struct Plan<'a> {
    /// The activity.
    a: &'a Activity,
    /// Whether it is a `VTODO`.
    todo: bool,
    /// The zone its local times are written in.
    zone: Zone,
}

impl<'a> Plan<'a> {
    /// The plan for an activity; `None` for one that is not exported (not a task and
    /// without a start).
    fn new(a: &'a Activity) -> Option<Plan<'a>> {
        let todo = a.kind == ActivityKind::Task;
        if !todo && a.starts_at.is_none() {
            return None;
        }
        let zone = a
            .time_zone
            .as_deref()
            .and_then(iana)
            .map_or(Zone::Utc, Zone::Tz);
        Some(Plan { a, todo, zone })
    }

    /// Whether `DUE` is written as a date: an all-day task due at local midnight.
    fn due_is_date(&self) -> bool {
        self.a.all_day
            && self
                .a
                .due_at
                .is_some_and(|d| self.zone.local(d).time() == NaiveTime::MIN)
    }

    /// Whether a `DTSTART` or `DUE` date-time carries the zone (else `X-CRM-TIME-ZONE` does).
    fn zone_carried(&self) -> bool {
        (self.a.starts_at.is_some() && !self.a.all_day)
            || (self.todo && self.a.due_at.is_some() && !self.due_is_date())
    }

    /// Whether any value is written with `TZID` (and the zone's `VTIMEZONE` is needed).
    fn uses_tzid(&self) -> bool {
        matches!(self.zone, Zone::Tz(_)) && self.zone_carried()
    }

    /// The local years of the times written (the rule's end included).
    fn years(&self) -> Vec<i32> {
        let a = self.a;
        let rule = a.recurrence.as_ref();
        a.starts_at
            .into_iter()
            .chain(a.ends_at)
            .chain(a.due_at)
            .chain(rule.and_then(|r| r.until))
            .chain(rule.map(|r| r.exceptions.clone()).unwrap_or_default())
            .map(|t| self.zone.local(t).year())
            .collect()
    }

    /// `;PARAMS` and the value of a time: a date, a `TZID` local time or UTC.
    fn time(&self, t: DateTime<Utc>, as_date: bool) -> (String, String) {
        let local = self.zone.local(t);
        match (as_date, self.zone) {
            (true, _) => (";VALUE=DATE".into(), format_date(local.date())),
            (false, Zone::Tz(tz)) => (format!(";TZID={}", tz.name()), format_local(local)),
            (false, _) => (String::new(), format_utc(t)),
        }
    }

    /// Writes the `VEVENT` or `VTODO`.
    fn write(&self, out: &mut String, now: DateTime<Utc>) {
        let a = self.a;
        let component = if self.todo { "VTODO" } else { "VEVENT" };
        emit(out, &format!("BEGIN:{component}"));
        let uid = a
            .ical_uid
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| format!("{}@crm-core", a.id));
        emit(out, &format!("UID:{}", escape(&uid)));
        emit(out, &format!("DTSTAMP:{}", format_utc(now)));
        emit(out, &format!("CREATED:{}", format_utc(a.created_at)));
        emit(out, &format!("LAST-MODIFIED:{}", format_utc(a.updated_at)));
        let text = |out: &mut String, name: &str, v: Option<&str>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                emit(out, &format!("{name}:{}", escape(v)));
            }
        };
        text(out, "SUMMARY", Some(&a.subject));
        text(out, "DESCRIPTION", a.body.as_deref());
        text(out, "LOCATION", a.location.as_deref());
        let time = |out: &mut String, name: &str, t: DateTime<Utc>, as_date: bool| {
            let (params, value) = self.time(t, as_date);
            emit(out, &format!("{name}{params}:{value}"));
        };
        if let Some(start) = a.starts_at {
            time(out, "DTSTART", start, a.all_day);
            if !self.todo {
                match (a.ends_at, a.all_day) {
                    (Some(end), false) => time(out, "DTEND", end, false),
                    (end, true) => {
                        let first = self.zone.local(start).date();
                        let last = end.map_or(first, |e| {
                            let l = self.zone.local(e);
                            match l.time() == NaiveTime::MIN {
                                true => l.date(),
                                false => l.date().succ_opt().unwrap_or(l.date()),
                            }
                        });
                        let day_after = first.succ_opt().unwrap_or(first);
                        let end_date = last.max(day_after);
                        emit(out, &format!("DTEND;VALUE=DATE:{}", format_date(end_date)));
                    }
                    (None, false) => {}
                }
            }
        }
        if self.todo {
            if let Some(due) = a.due_at {
                time(out, "DUE", due, self.due_is_date());
            }
            if let Some(done) = a.completed_at {
                emit(out, &format!("COMPLETED:{}", format_utc(done)));
            }
        }
        let status = match (self.todo, a.status) {
            (_, ActivityStatus::Cancelled) => "CANCELLED",
            (true, ActivityStatus::Planned) => "NEEDS-ACTION",
            (true, ActivityStatus::Done) => "COMPLETED",
            (false, _) => "CONFIRMED",
        };
        emit(out, &format!("STATUS:{status}"));
        let priority = match a.priority {
            Priority::High => 1,
            Priority::Normal => 5,
            Priority::Low => 9,
        };
        emit(out, &format!("PRIORITY:{priority}"));
        if let (Some(rule), Some(_)) = (&a.recurrence, a.starts_at) {
            emit(out, &format!("RRULE:{}", self.rrule(rule)));
            if !rule.exceptions.is_empty() {
                let (params, _) = self.time(
                    rule.exceptions.first().copied().unwrap_or_default(),
                    a.all_day,
                );
                let values: Vec<String> = rule
                    .exceptions
                    .iter()
                    .map(|t| self.time(*t, a.all_day).1)
                    .collect();
                emit(out, &format!("EXDATE{params}:{}", values.join(",")));
            }
        }
        for p in &a.participants {
            let Some(email) = p
                .email
                .as_deref()
                .map(clean)
                .filter(|e| !e.trim().is_empty())
            else {
                continue;
            };
            let mut line = String::from("ATTENDEE");
            if let Some(name) = p.name.as_deref().filter(|n| !n.trim().is_empty()) {
                line.push_str(";CN=");
                line.push_str(&encode_param(name));
            }
            let partstat = match p.status {
                ParticipantStatus::NeedsAction => "NEEDS-ACTION",
                ParticipantStatus::Accepted => "ACCEPTED",
                ParticipantStatus::Tentative => "TENTATIVE",
                ParticipantStatus::Declined => "DECLINED",
            };
            line.push_str(";PARTSTAT=");
            line.push_str(partstat);
            line.push_str(":mailto:");
            line.push_str(&email);
            emit(out, &line);
        }
        emit(out, &format!("X-CRM-KIND:{}", kind_name(a.kind)));
        if a.kind == ActivityKind::Other {
            text(out, "X-CRM-OTHER-KIND", a.other_kind.as_deref());
        }
        if let Some(c) = a.channel {
            emit(out, &format!("X-CRM-CHANNEL:{}", channel_name(c)));
        }
        if let Some(d) = a.direction {
            emit(out, &format!("X-CRM-DIRECTION:{}", direction_name(d)));
        }
        text(out, "X-CRM-OUTCOME", a.outcome.as_deref());
        emit(out, &format!("X-CRM-STATUS:{}", status_name(a.status)));
        if !self.zone_carried() && (a.all_day || a.time_zone.is_some()) {
            let name = self.zone.name().unwrap_or_default();
            emit(out, &format!("X-CRM-TIME-ZONE:{}", escape(&name)));
        }
        let trigger = match (self.todo, a.due_at, a.starts_at) {
            (true, Some(_), _) => Some("TRIGGER;RELATED=END"),
            (_, _, Some(_)) => Some("TRIGGER"),
            _ => None,
        };
        if let Some(trigger) = trigger {
            for minutes in &a.reminders {
                emit(out, "BEGIN:VALARM");
                emit(out, "ACTION:DISPLAY");
                let description = if a.subject.trim().is_empty() {
                    "Reminder"
                } else {
                    &a.subject
                };
                emit(out, &format!("DESCRIPTION:{}", escape(description)));
                emit(out, &format!("{trigger}:-PT{minutes}M"));
                emit(out, "END:VALARM");
            }
        }
        emit(out, &format!("END:{component}"));
    }

    /// The `RRULE` value.
    fn rrule(&self, r: &Recurrence) -> String {
        let mut parts = vec![format!("FREQ={}", frequency_name(r.frequency))];
        if r.interval != 1 {
            parts.push(format!("INTERVAL={}", r.interval));
        }
        let codes = || {
            r.weekdays
                .iter()
                .map(|d| weekday_code(*d))
                .collect::<Vec<_>>()
                .join(",")
        };
        match (r.frequency, r.position, r.weekdays.as_slice()) {
            (_, _, []) => {}
            (Frequency::Monthly, Some(n), [d]) => {
                parts.push(format!("BYDAY={n}{}", weekday_code(*d)))
            }
            (Frequency::Monthly, Some(n), _) => {
                parts.push(format!("BYDAY={}", codes()));
                parts.push(format!("BYSETPOS={n}"));
            }
            _ => parts.push(format!("BYDAY={}", codes())),
        }
        if let Some(until) = r.until {
            let value = if self.a.all_day {
                format_date(self.zone.local(until).date())
            } else {
                format_utc(until)
            };
            parts.push(format!("UNTIL={value}"));
        }
        if let Some(count) = r.count {
            parts.push(format!("COUNT={count}"));
        }
        parts.join(";")
    }
}

/// Writes a `VTIMEZONE` for an IANA zone: the observance in effect at the start of
/// `first_year`, then every offset change up to the end of `last_year` (at most
/// [`MAX_TIMEZONE_YEARS`] years), found by comparing offsets a day apart and bisecting to
/// the second.
fn write_vtimezone(out: &mut String, tz: Tz, first_year: i32, last_year: i32) {
    let last_year = last_year.clamp(first_year, first_year.saturating_add(MAX_TIMEZONE_YEARS));
    emit(out, "BEGIN:VTIMEZONE");
    emit(out, &format!("TZID:{}", tz.name()));
    emit(out, &format!("X-LIC-LOCATION:{}", tz.name()));
    let state = |t: i64| -> (i32, bool, String) {
        let at = DateTime::from_timestamp(t, 0)
            .unwrap_or_default()
            .naive_utc();
        let o = tz.offset_from_utc_datetime(&at);
        (
            o.fix().local_minus_utc(),
            !o.dst_offset().is_zero(),
            o.abbreviation().unwrap_or_default().to_string(),
        )
    };
    let observance = |out: &mut String, onset: i64, from: i32, to: (i32, bool, String)| {
        let kind = if to.1 { "DAYLIGHT" } else { "STANDARD" };
        let local = DateTime::from_timestamp(onset.saturating_add(i64::from(from)), 0)
            .unwrap_or_default()
            .naive_utc();
        emit(out, &format!("BEGIN:{kind}"));
        emit(out, &format!("DTSTART:{}", format_local(local)));
        emit(out, &format!("TZOFFSETFROM:{}", format_offset(from)));
        emit(out, &format!("TZOFFSETTO:{}", format_offset(to.0)));
        if !to.2.is_empty() {
            emit(out, &format!("TZNAME:{}", escape(&to.2)));
        }
        emit(out, &format!("END:{kind}"));
    };
    let year_start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| Zone::Tz(tz).midnight(d))
            .map(|t| t.timestamp())
    };
    let (Some(begin), Some(end)) = (
        year_start(first_year),
        year_start(last_year.saturating_add(1)),
    ) else {
        let now = state(0);
        observance(out, 0, now.0, now);
        emit(out, "END:VTIMEZONE");
        return;
    };
    let mut current = state(begin);
    observance(out, begin, current.0, current.clone());
    let same = |a: &(i32, bool, String), b: &(i32, bool, String)| a.0 == b.0 && a.1 == b.1;
    let mut t = begin;
    while t < end {
        let next = t.saturating_add(86_400);
        if same(&state(next), &current) {
            t = next;
            continue;
        }
        // state(lo) is the current observance, state(hi) is not.
        let (mut lo, mut hi) = (t, next);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if same(&state(mid), &current) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let to = state(hi);
        observance(out, hi, current.0, to.clone());
        current = to;
        t = hi;
    }
    emit(out, "END:VTIMEZONE");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::id::ActivityId;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;
    use proptest::sample::subsequence;

    const WARSAW: Tz = chrono_tz::Europe::Warsaw;
    const NEW_YORK: Tz = chrono_tz::America::New_York;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// The 1-based line of the first line containing `needle`.
    fn line_of(text: &str, needle: &str) -> u32 {
        let i = text.lines().position(|l| l.contains(needle)).unwrap();
        u32::try_from(i + 1).unwrap()
    }

    fn person(email: &str, name: Option<&str>, status: ParticipantStatus) -> Participant {
        Participant {
            contact: None,
            user: None,
            email: Some(email.into()),
            name: name.map(Into::into),
            status,
        }
    }

    fn skipped_for<'a>(p: &'a IcalParsed, uid: &str) -> Vec<&'a IcalSkipped> {
        p.skipped
            .iter()
            .filter(|s| s.uid.as_deref() == Some(uid))
            .collect()
    }

    fn item<'a>(p: &'a IcalParsed, uid: &str) -> &'a IcalItem {
        p.items
            .iter()
            .find(|i| i.input.ical_uid.as_deref() == Some(uid))
            .unwrap_or_else(|| panic!("no item {uid}: {p:#?}"))
    }

    // -----------------------------------------------------------------------------------------
    // Fixtures
    // -----------------------------------------------------------------------------------------

    const GOOGLE: &str = "\
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:PUBLISH
X-WR-CALNAME:Sales team
X-WR-TIMEZONE:Europe/Warsaw
BEGIN:VTIMEZONE
TZID:Europe/Warsaw
X-LIC-LOCATION:Europe/Warsaw
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
DTSTART;TZID=Europe/Warsaw:20240108T090000
DTEND;TZID=Europe/Warsaw:20240108T093000
RRULE:FREQ=WEEKLY;WKST=SU;UNTIL=20240325T075959Z;BYDAY=MO
EXDATE;TZID=Europe/Warsaw:20240122T090000
EXDATE;TZID=Europe/Warsaw:20240205T090000,20240212T090000
DTSTAMP:20240301T120000Z
ORGANIZER;CN=Anna Nowak:mailto:anna.nowak@example.pl
UID:7kukuqrfedlm2f9t8nkr3vs1ck@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Anna No
 wak;X-NUM-GUESTS=0:mailto:anna.nowak@example.pl
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=jan
 .kowalski@example.com;X-NUM-GUESTS=0:mailto:jan.kowalski@example.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;CN=\"Piotr Wi
 śniewski\";X-NUM-GUESTS=0:mailto:piotr@example.pl
CREATED:20231220T101010Z
DESCRIPTION:Weekly pipeline review.\\nAgenda: deals\\, forecasts\\; risks.
LAST-MODIFIED:20240301T115959Z
LOCATION:Sala 2\\, ul. Marszałkowska 1\\, Warszawa
SEQUENCE:3
STATUS:CONFIRMED
SUMMARY:Pipeline review
TRANSP:OPAQUE
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:This is an event reminder
TRIGGER:-P0DT0H10M0S
END:VALARM
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20240214
DTEND;VALUE=DATE:20240216
DTSTAMP:20240301T120000Z
UID:3q0c1ocbh0s4b6u5ljmdn0v0ab@google.com
CREATED:20240110T090000Z
DESCRIPTION:
LAST-MODIFIED:20240110T090000Z
LOCATION:
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Trade fair
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
DTSTART:20240220T130000Z
DTEND:20240220T134500Z
DTSTAMP:20240301T120000Z
UID:0a1b2c3d4e5f@google.com
STATUS:CANCELLED
SUMMARY:Demo for Kraków branch
END:VEVENT
END:VCALENDAR
";

    const OUTLOOK: &str = "\
BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
VERSION:2.0
METHOD:PUBLISH
X-CALSTART:20240109T090000Z
X-WR-RELCALID:{0000002E-9C1D-4A6B-8E0B-5E3C0D1F2A3B}
X-WR-CALNAME:Kalendarz
BEGIN:VTIMEZONE
TZID:Central European Standard Time
BEGIN:STANDARD
DTSTART:16011028T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0530
TZOFFSETTO:+0530
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
CLASS:PUBLIC
CREATED:20240105T083000Z
DESCRIPTION:Monthly review with the distributor.\\n\\nAgenda:\\n- volumes\\n- p
 rices\\n
DTEND;TZID=\"Central European Standard Time\":20240109T113000
DTSTAMP:20240105T083000Z
DTSTART;TZID=\"Central European Standard Time\":20240109T100000
LAST-MODIFIED:20240105T083000Z
LOCATION:Microsoft Teams Meeting
PRIORITY:5
RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=2TU
SEQUENCE:0
SUMMARY;LANGUAGE=pl-PL:Przegląd miesięczny
TRANSP:OPAQUE
UID:040000008200E00074C5B7101A82E00800000000D0B5C2A1E43FDA010000000000000000100
 00000F1B2C3D4E5F60718293A4B5C6D7E8F
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-DISALLOW-COUNTER:FALSE
BEGIN:VALARM
TRIGGER:-PT15M
ACTION:DISPLAY
DESCRIPTION:Reminder
END:VALARM
END:VEVENT
BEGIN:VEVENT
CLASS:PUBLIC
DTSTART;TZID=\"Customized Time Zone\":20240111T150000
DTEND;TZID=\"Customized Time Zone\":20240111T160000
SUMMARY:Call with the Pune office
UID:040000008200E00074C5B7101A82E0080000000011111111
PRIORITY:1
BEGIN:VALARM
TRIGGER;RELATED=END:-PT5M
ACTION:DISPLAY
DESCRIPTION:Reminder
END:VALARM
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=W. Europe Standard Time:20240112T080000
DTEND;TZID=W. Europe Standard Time:20240112T083000
SUMMARY:Berlin sync
UID:outlook-berlin-1
ATTENDEE;CN=Max Mustermann;RSVP=TRUE:mailto:max@example.de
ATTENDEE;CN=Room 4;CUTYPE=RESOURCE:urn:uuid:7d1f0c6e-room-4
END:VEVENT
END:VCALENDAR
";

    const APPLE: &str = "\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//macOS 14.3.1//EN
CALSCALE:GREGORIAN
X-WR-CALNAME:Przypomnienia
BEGIN:VTODO
CREATED:20240301T101500Z
DTSTAMP:20240301T101600Z
DUE;VALUE=DATE:20240315
LAST-MODIFIED:20240301T101600Z
PRIORITY:1
SEQUENCE:0
STATUS:NEEDS-ACTION
SUMMARY:Send the offer to ACME
UID:5A2B9C7E-1F3D-4E5A-9B8C-7D6E5F4A3B2C
X-APPLE-SORT-ORDER:731000000
END:VTODO
BEGIN:VTODO
COMPLETED:20240302T090000Z
CREATED:20240228T080000Z
DTSTAMP:20240302T090000Z
DTSTART;TZID=Europe/Warsaw:20240301T090000
DUE;TZID=Europe/Warsaw:20240301T170000
LAST-MODIFIED:20240302T090000Z
PERCENT-COMPLETE:100
PRIORITY:9
STATUS:COMPLETED
SUMMARY:Call back Mr Kowalski
UID:9F8E7D6C-5B4A-3928-1706-F5E4D3C2B1A0
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Reminder
TRIGGER;VALUE=DATE-TIME:20240301T080000Z
UID:ALARM-1
X-WR-ALARMUID:ALARM-1
END:VALARM
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Reminder
TRIGGER;RELATED=END:-PT1H
END:VALARM
END:VTODO
BEGIN:VTODO
DTSTAMP:20240302T090000Z
SUMMARY:Think about Q3
UID:C0FFEE00-0000-4000-8000-000000000001
PRIORITY:0
END:VTODO
END:VCALENDAR
";

    const OVERRIDE: &str = "\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example Corp//Scheduler 2.1//EN
BEGIN:VEVENT
UID:standup-1@example.com
DTSTAMP:20240301T000000Z
DTSTART;TZID=America/New_York:20240304T093000
DTEND;TZID=America/New_York:20240304T094500
RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20240329
RDATE;TZID=America/New_York:20240309T093000
SUMMARY:Stand-up
END:VEVENT
BEGIN:VEVENT
UID:standup-1@example.com
DTSTAMP:20240301T000000Z
RECURRENCE-ID;TZID=America/New_York:20240306T093000
DTSTART;TZID=America/New_York:20240306T110000
DTEND;TZID=America/New_York:20240306T111500
SUMMARY:Stand-up (moved)
END:VEVENT
END:VCALENDAR
";

    const BROKEN: &str = "\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:bad-start
DTSTART:2024-13-45T10:00
SUMMARY:Bad start
END:VEVENT
BEGIN:VEVENT
UID:hourly
DTSTART:20240105T100000Z
RRULE:FREQ=HOURLY;INTERVAL=2
SUMMARY:Hourly
END:VEVENT
BEGIN:VEVENT
UID:byhour
DTSTART:20240105T100000Z
RRULE:FREQ=DAILY;BYHOUR=10,14
END:VEVENT
BEGIN:VEVENT
UID:bymonth
DTSTART:20240105T100000Z
RRULE:FREQ=YEARLY;BYMONTH=1,7
END:VEVENT
BEGIN:VEVENT
UID:count-until
DTSTART:20240105T100000Z
RRULE:FREQ=DAILY;COUNT=5;UNTIL=20240201T000000Z
END:VEVENT
BEGIN:VEVENT
UID:positions
DTSTART:20240101T100000Z
RRULE:FREQ=MONTHLY;BYDAY=1MO,3MO
END:VEVENT
BEGIN:VEVENT
UID:wkst
DTSTART:20240102T100000Z
RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=TU,TH
END:VEVENT
BEGIN:VEVENT
UID:freq
DTSTART:20240102T100000Z
RRULE:FREQ=FORTNIGHTLY
END:VEVENT
BEGIN:VEVENT
UID:backwards
DTSTART:20240102T100000Z
DTEND:20240102T090000Z
END:VEVENT
BEGIN:VEVENT
UID:no-start
SUMMARY:No start
END:VEVENT
BEGIN:VJOURNAL
UID:journal-1
DTSTART;VALUE=DATE:20240102
SUMMARY:Diary
END:VJOURNAL
BEGIN:VFREEBUSY
UID:fb-1
END:VFREEBUSY
BEGIN:X-CUSTOM-THING
END:X-CUSTOM-THING
BEGIN:VEVENT
UID:fine
DTSTART:20240102T100000Z
RRULE:FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=2
THIS LINE IS BROKEN
SUMMARY:Fine
END:VEVENT
END:VCALENDAR
";

    const ZONES: &str = "\
BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VTIMEZONE
TZID:(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna
X-LIC-LOCATION:Europe/Amsterdam
BEGIN:STANDARD
DTSTART:16011028T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:ams
DTSTART;TZID=\"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\":2
 0240705T100000
END:VEVENT
BEGIN:VEVENT
UID:mystery
DTSTART;TZID=Mars/Olympus_Mons:20240705T100000
SUMMARY:Unknown zone
END:VEVENT
BEGIN:VEVENT
UID:mozilla
DTSTART;TZID=/mozilla.org/20070129_1/Europe/Berlin:20240105T100000
DTEND:20240105T113000
SUMMARY:Old Thunderbird
END:VEVENT
BEGIN:VEVENT
UID:floating
DTSTART:20240705T100000
DTEND:20240705T110000
RRULE:FREQ=WEEKLY;COUNT=3
EXDATE;VALUE=DATE:20240712
SUMMARY:Floating
BEGIN:VALARM
TRIGGER:PT5M
END:VALARM
BEGIN:VALARM
TRIGGER:-PT90S
END:VALARM
BEGIN:VALARM
TRIGGER;RELATED=START:-P1DT2H
END:VALARM
BEGIN:VALARM
TRIGGER:-P5W
END:VALARM
END:VEVENT
END:VCALENDAR
";

    // -----------------------------------------------------------------------------------------
    // Import of real-world files
    // -----------------------------------------------------------------------------------------

    #[test]
    fn google_export() {
        let p = parse(GOOGLE, WARSAW);
        assert_eq!(p.skipped, vec![], "{:#?}", p.skipped);
        assert_eq!(p.calendar_name.as_deref(), Some("Sales team"));
        assert_eq!(p.items.len(), 3);
        let weekly = &p.items[0];
        assert_eq!(weekly.line, line_of(GOOGLE, "BEGIN:VEVENT"));
        assert_eq!(weekly.recurrence_id, None);
        assert_eq!(
            weekly.input,
            ActivityInput {
                kind: ActivityKind::Meeting,
                subject: "Pipeline review".into(),
                body: Some("Weekly pipeline review.\nAgenda: deals, forecasts; risks.".into()),
                participants: vec![
                    person(
                        "anna.nowak@example.pl",
                        Some("Anna Nowak"),
                        ParticipantStatus::Accepted
                    ),
                    person(
                        "jan.kowalski@example.com",
                        None,
                        ParticipantStatus::NeedsAction
                    ),
                    person(
                        "piotr@example.pl",
                        Some("Piotr Wiśniewski"),
                        ParticipantStatus::Declined
                    ),
                ],
                starts_at: Some(at("2024-01-08T08:00:00Z")),
                ends_at: Some(at("2024-01-08T08:30:00Z")),
                time_zone: Some("Europe/Warsaw".into()),
                location: Some("Sala 2, ul. Marszałkowska 1, Warszawa".into()),
                reminders: vec![10],
                recurrence: Some(Recurrence {
                    frequency: Frequency::Weekly,
                    interval: 1,
                    weekdays: vec![Weekday::Monday],
                    position: None,
                    until: Some(at("2024-03-25T07:59:59Z")),
                    count: None,
                    exceptions: vec![
                        at("2024-01-22T08:00:00Z"),
                        at("2024-02-05T08:00:00Z"),
                        at("2024-02-12T08:00:00Z"),
                    ],
                }),
                ical_uid: Some("7kukuqrfedlm2f9t8nkr3vs1ck@google.com".into()),
                ..ActivityInput::default()
            }
        );
        let fair = &p.items[1].input;
        assert_eq!(fair.subject, "Trade fair");
        assert!(fair.all_day);
        assert_eq!(fair.starts_at, Some(at("2024-02-13T23:00:00Z")));
        assert_eq!(fair.ends_at, Some(at("2024-02-15T23:00:00Z")));
        assert_eq!(fair.time_zone.as_deref(), Some("Europe/Warsaw"));
        assert_eq!((fair.body.clone(), fair.location.clone()), (None, None));
        let demo = &p.items[2].input;
        assert_eq!(demo.status, Some(ActivityStatus::Cancelled));
        assert_eq!(demo.time_zone, None);
        assert_eq!(demo.starts_at, Some(at("2024-02-20T13:00:00Z")));
        assert_eq!(demo.ends_at, Some(at("2024-02-20T13:45:00Z")));
        assert_eq!(demo.subject, "Demo for Kraków branch");

        // CRLF line ends read the same; dates follow the calendar's zone.
        assert_eq!(parse(&GOOGLE.replace('\n', "\r\n"), WARSAW), p);
        let in_new_york = parse(GOOGLE, NEW_YORK);
        assert_eq!(
            in_new_york.items[1].input.starts_at,
            Some(at("2024-02-14T05:00:00Z"))
        );
        assert_eq!(
            in_new_york.items[1].input.time_zone.as_deref(),
            Some("America/New_York")
        );
        assert_eq!(in_new_york.items[0].input, p.items[0].input);
    }

    #[test]
    fn outlook_export() {
        let p = parse(OUTLOOK, NEW_YORK);
        assert_eq!(p.calendar_name.as_deref(), Some("Kalendarz"));
        assert_eq!(p.items.len(), 3, "{:#?}", p.skipped);
        let monthly = &p.items[0].input;
        assert_eq!(
            *monthly,
            ActivityInput {
                kind: ActivityKind::Meeting,
                subject: "Przegląd miesięczny".into(),
                body: Some(
                    "Monthly review with the distributor.\n\nAgenda:\n- volumes\n- prices\n".into()
                ),
                starts_at: Some(at("2024-01-09T09:00:00Z")),
                ends_at: Some(at("2024-01-09T10:30:00Z")),
                time_zone: Some("Europe/Warsaw".into()),
                location: Some("Microsoft Teams Meeting".into()),
                priority: Some(Priority::Normal),
                reminders: vec![15],
                recurrence: Some(Recurrence {
                    frequency: Frequency::Monthly,
                    interval: 1,
                    weekdays: vec![Weekday::Tuesday],
                    position: Some(2),
                    until: None,
                    count: Some(10),
                    exceptions: vec![],
                }),
                ical_uid: Some(
                    "040000008200E00074C5B7101A82E00800000000D0B5C2A1E43FDA01000000000000000010000000F1B2C3D4E5F60718293A4B5C6D7E8F".into()
                ),
                ..ActivityInput::default()
            }
        );
        // A zone Outlook made up: read at its fixed offset, with a note.
        let pune = &p.items[1].input;
        assert_eq!(pune.starts_at, Some(at("2024-01-11T09:30:00Z")));
        assert_eq!(pune.ends_at, Some(at("2024-01-11T10:30:00Z")));
        assert_eq!(pune.time_zone, None);
        assert_eq!(pune.priority, Some(Priority::High));
        assert_eq!(pune.reminders, Vec::<u32>::new());
        let berlin = &p.items[2].input;
        assert_eq!(berlin.time_zone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(berlin.starts_at, Some(at("2024-01-12T07:00:00Z")));
        assert_eq!(
            berlin.participants,
            vec![person(
                "max@example.de",
                Some("Max Mustermann"),
                ParticipantStatus::NeedsAction
            )]
        );

        let got: Vec<(u32, &str, Option<&str>)> = p
            .skipped
            .iter()
            .map(|s| (s.line, s.component.as_str(), s.uid.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (line_of(OUTLOOK, "TZID:Customized") - 1, "VTIMEZONE", None),
                (
                    line_of(OUTLOOK, "RELATED=END") - 1,
                    "VALARM",
                    Some("040000008200E00074C5B7101A82E0080000000011111111")
                ),
                (
                    line_of(OUTLOOK, "urn:uuid"),
                    "VEVENT",
                    Some("outlook-berlin-1")
                ),
            ]
        );
        assert!(
            p.skipped[0].reason.contains("standard offset +0530"),
            "{}",
            p.skipped[0].reason
        );
        assert!(
            p.skipped[1].reason.contains("end of the event"),
            "{}",
            p.skipped[1].reason
        );
        assert!(
            p.skipped[2].reason.contains("no mailto"),
            "{}",
            p.skipped[2].reason
        );
    }

    #[test]
    fn apple_reminders() {
        let p = parse(APPLE, WARSAW);
        assert_eq!(p.items.len(), 3);
        assert_eq!(
            p.items[0].input,
            ActivityInput {
                kind: ActivityKind::Task,
                subject: "Send the offer to ACME".into(),
                all_day: true,
                due_at: Some(at("2024-03-14T23:00:00Z")),
                time_zone: Some("Europe/Warsaw".into()),
                priority: Some(Priority::High),
                ical_uid: Some("5A2B9C7E-1F3D-4E5A-9B8C-7D6E5F4A3B2C".into()),
                ..ActivityInput::default()
            }
        );
        let done = &p.items[1].input;
        assert_eq!(done.status, Some(ActivityStatus::Done));
        assert_eq!(done.outcome, None);
        assert_eq!(done.priority, Some(Priority::Low));
        assert_eq!(done.starts_at, Some(at("2024-03-01T08:00:00Z")));
        assert_eq!(done.due_at, Some(at("2024-03-01T16:00:00Z")));
        assert!(!done.all_day);
        assert_eq!(done.reminders, vec![60]);
        let undated = &p.items[2].input;
        assert_eq!(
            (undated.starts_at, undated.due_at, undated.time_zone.clone()),
            (None, None, None)
        );
        assert_eq!(undated.priority, Some(Priority::Normal));
        assert_eq!(p.skipped.len(), 1);
        let s = &p.skipped[0];
        assert_eq!(
            (s.line, s.component.as_str()),
            (line_of(APPLE, "BEGIN:VALARM"), "VALARM")
        );
        assert_eq!(
            s.uid.as_deref(),
            Some("9F8E7D6C-5B4A-3928-1706-F5E4D3C2B1A0")
        );
        assert!(s.reason.contains("fixed time"), "{}", s.reason);
    }

    #[test]
    fn changed_instance_of_a_series() {
        let p = parse(OVERRIDE, WARSAW);
        assert_eq!(p.items.len(), 2);
        let master = &p.items[0];
        assert_eq!(master.recurrence_id, None);
        assert_eq!(master.input.starts_at, Some(at("2024-03-04T14:30:00Z")));
        assert_eq!(
            master.input.recurrence,
            Some(Recurrence {
                frequency: Frequency::Daily,
                interval: 1,
                weekdays: WEEKDAYS[..5].to_vec(),
                position: None,
                // The end of 29 March in New York, which is on summer time by then.
                until: Some(at("2024-03-30T03:59:59Z")),
                count: None,
                exceptions: vec![],
            })
        );
        let moved = &p.items[1];
        assert_eq!(moved.recurrence_id, Some(at("2024-03-06T14:30:00Z")));
        assert_eq!(
            moved.input.ical_uid.as_deref(),
            Some("standup-1@example.com")
        );
        assert_eq!(moved.input.subject, "Stand-up (moved)");
        assert_eq!(moved.input.starts_at, Some(at("2024-03-06T16:00:00Z")));
        assert_eq!(moved.input.ends_at, Some(at("2024-03-06T16:15:00Z")));
        assert_eq!(moved.input.recurrence, None);
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].line, line_of(OVERRIDE, "RDATE"));
        assert!(
            p.skipped[0].reason.starts_with("RDATE on line 10"),
            "{}",
            p.skipped[0].reason
        );
    }

    #[test]
    fn broken_components_are_skipped_with_line_and_reason() {
        let p = parse(BROKEN, WARSAW);
        let uids: Vec<_> = p
            .items
            .iter()
            .map(|i| i.input.ical_uid.as_deref())
            .collect();
        assert_eq!(uids, vec![Some("fine")]);
        assert_eq!(
            p.items[0].input.recurrence.as_ref().map(|r| r.frequency),
            Some(Frequency::Yearly)
        );
        let expect = [
            (
                "bad-start",
                "VEVENT",
                "DTSTART on line 6: \"2024-13-45T10:00\" is not a date",
            ),
            (
                "hourly",
                "VEVENT",
                "RRULE on line 12: FREQ=HOURLY is not supported",
            ),
            ("byhour", "VEVENT", "BYHOUR=\"10,14\" is not supported"),
            ("bymonth", "VEVENT", "BYMONTH=\"1,7\" is not supported"),
            ("count-until", "VEVENT", "COUNT together with UNTIL"),
            ("positions", "VEVENT", "several positions"),
            ("wkst", "VEVENT", "WKST=SU with INTERVAL=2"),
            ("freq", "VEVENT", "FREQ=\"FORTNIGHTLY\" is not a frequency"),
            ("backwards", "VEVENT", "ends before it starts (line 48)"),
            ("no-start", "VEVENT", "no DTSTART"),
            ("journal-1", "VJOURNAL", "VJOURNAL"),
            ("fb-1", "VFREEBUSY", "VFREEBUSY"),
        ];
        for (uid, component, reason) in expect {
            let s = skipped_for(&p, uid);
            assert_eq!(s.len(), 1, "{uid}: {s:#?}");
            assert_eq!(s[0].component, component);
            assert_eq!(
                s[0].line,
                line_of(BROKEN, &format!("UID:{uid}")) - 1,
                "{uid}"
            );
            assert!(s[0].reason.contains(reason), "{uid}: {}", s[0].reason);
        }
        let custom = p
            .skipped
            .iter()
            .find(|s| s.component == "X-CUSTOM-THING")
            .unwrap();
        assert_eq!(custom.line, line_of(BROKEN, "BEGIN:X-CUSTOM-THING"));
        let note = &skipped_for(&p, "fine")[0];
        assert_eq!(note.line, line_of(BROKEN, "THIS LINE"));
        assert!(
            note.reason.contains("not a content line"),
            "{}",
            note.reason
        );
        assert_eq!(p.skipped.len(), expect.len() + 2);
        assert!(p.skipped.windows(2).all(|w| w[0].line <= w[1].line));
    }

    #[test]
    fn not_icalendar_at_all() {
        for text in [
            "",
            "\n\n   \n",
            "Hello,\nthis is not a calendar.\n",
            "BEGIN:VCARD\nVERSION:4.0\nFN:Anna Nowak\nEND:VCARD\n",
            "\u{feff}\u{0}\u{1}binary?",
        ] {
            let p = parse(text, WARSAW);
            assert_eq!(p.items, vec![]);
            assert_eq!(p.skipped.len(), 1, "{text:?}: {:#?}", p.skipped);
            assert_eq!(p.skipped[0].component, "VCALENDAR");
            assert!(p.skipped[0].reason.contains("not an iCalendar file"));
        }
        assert_eq!(parse("\n\nhello", WARSAW).skipped[0].line, 3);
    }

    #[test]
    fn truncated_file() {
        let text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:ok-1\nDTSTART:20240105T100000Z\n\
                    SUMMARY:Complete\nEND:VEVENT\nBEGIN:VEVENT\nUID:cut-1\nDTSTART:20240106T100000Z\n\
                    SUMMARY:Cut off\n";
        let p = parse(text, WARSAW);
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.items[0].input.subject, "Complete");
        let got: Vec<_> = p
            .skipped
            .iter()
            .map(|s| {
                (
                    s.line,
                    s.component.as_str(),
                    s.uid.as_deref(),
                    s.reason.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    1,
                    "VCALENDAR",
                    None,
                    "no END:VCALENDAR: the file ends at line 11; the complete components before \
                     it were read"
                ),
                (
                    8,
                    "VEVENT",
                    Some("cut-1"),
                    "no END:VEVENT: the file ends at line 11"
                ),
            ]
        );
    }

    #[test]
    fn missing_end_inside_a_calendar() {
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:first\nDTSTART:20240105T100000Z\n\
                    BEGIN:VEVENT\nUID:second\nDTSTART:20240106T100000Z\nEND:VEVENT\nEND:VEVENT\n\
                    END:VCALENDAR\n";
        let p = parse(text, WARSAW);
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.items[0].input.ical_uid.as_deref(), Some("second"));
        let first = skipped_for(&p, "first");
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].line, 2);
        assert_eq!(
            first[0].reason,
            "no END:VEVENT before BEGIN:VEVENT on line 5"
        );
        // The stray END:VEVENT on line 9 is noted on the calendar.
        let stray: Vec<_> = p.skipped.iter().filter(|s| s.line == 9).collect();
        assert_eq!(stray.len(), 1);
        assert!(stray[0].reason.contains("END without a matching BEGIN"));
    }

    #[test]
    fn lenient_reading() {
        let text = "\u{feff}begin:vcalendar\nversion:2.0\n\n\nbegin:vevent\r\nuid:lower-1\n\
                    dtstart;tzid=europe/warsaw:20240105t100000\nduration:PT1H30M\n\
                    summary:lower\n\tcase\nx-crm-kind:Call\n\nend:vevent\nend:vcalendar";
        let p = parse(text, NEW_YORK);
        assert_eq!(p.skipped, vec![]);
        let i = &p.items[0];
        assert_eq!(i.line, 5);
        assert_eq!(i.input.kind, ActivityKind::Call);
        assert_eq!(i.input.subject, "lowercase");
        assert_eq!(i.input.time_zone.as_deref(), Some("Europe/Warsaw"));
        assert_eq!(i.input.starts_at, Some(at("2024-01-05T09:00:00Z")));
        assert_eq!(i.input.ends_at, Some(at("2024-01-05T10:30:00Z")));
    }

    #[test]
    fn time_zone_fallbacks_floating_times_and_alarms() {
        let p = parse(ZONES, NEW_YORK);
        assert_eq!(p.items.len(), 4, "{:#?}", p.skipped);
        let ams = item(&p, "ams");
        assert_eq!(ams.input.time_zone.as_deref(), Some("Europe/Amsterdam"));
        assert_eq!(ams.input.starts_at, Some(at("2024-07-05T08:00:00Z")));
        assert_eq!(ams.input.subject, NO_SUBJECT);
        let mystery = item(&p, "mystery");
        assert_eq!(mystery.input.time_zone.as_deref(), Some("America/New_York"));
        assert_eq!(mystery.input.starts_at, Some(at("2024-07-05T14:00:00Z")));
        let mozilla = item(&p, "mozilla");
        assert_eq!(mozilla.input.time_zone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(mozilla.input.starts_at, Some(at("2024-01-05T09:00:00Z")));
        assert_eq!(mozilla.input.ends_at, Some(at("2024-01-05T10:30:00Z")));
        let floating = &item(&p, "floating").input;
        assert_eq!(floating.time_zone.as_deref(), Some("America/New_York"));
        assert_eq!(floating.starts_at, Some(at("2024-07-05T14:00:00Z")));
        assert_eq!(floating.ends_at, Some(at("2024-07-05T15:00:00Z")));
        let rule = floating.recurrence.as_ref().unwrap();
        assert_eq!((rule.count, rule.frequency), (Some(3), Frequency::Weekly));
        // A date in EXDATE of a timed series means the instance on that day.
        assert_eq!(rule.exceptions, vec![at("2024-07-12T14:00:00Z")]);
        // 90 s round up to 2 minutes; one day and two hours are 1560 minutes.
        assert_eq!(floating.reminders, vec![2, 1560]);

        let mystery_note = p
            .skipped
            .iter()
            .find(|s| s.reason.contains("Mars"))
            .unwrap();
        assert_eq!(mystery_note.line, line_of(ZONES, "Mars"));
        assert!(mystery_note.reason.contains("read in America/New_York"));
        let alarms: Vec<_> = skipped_for(&p, "floating");
        assert_eq!(alarms.len(), 2, "{alarms:#?}");
        assert!(
            alarms[0].reason.contains("after the start"),
            "{}",
            alarms[0].reason
        );
        assert!(
            alarms[1].reason.contains("four weeks"),
            "{}",
            alarms[1].reason
        );
        assert_eq!(p.skipped.len(), 3);
    }

    #[test]
    fn content_lines() {
        let prop = parse_line(7, "ATTENDEE;CN=\"Doe, John: ^'JD^' ^^\";ROLE=REQ-PARTICIPANT;X-A=a,\"b;c\",d:mailto:j@x.org").unwrap();
        assert_eq!(prop.line, 7);
        assert_eq!(prop.name, "ATTENDEE");
        assert_eq!(prop.param("CN"), Some("Doe, John: \"JD\" ^"));
        assert_eq!(prop.params[2].values, vec!["a", "b;c", "d"]);
        assert_eq!(prop.value, "mailto:j@x.org");
        assert_eq!(parse_line(1, "summary:a:b").unwrap().value, "a:b");
        assert_eq!(parse_line(1, "X-EMPTY:").unwrap().value, "");
        for bad in [
            "no colon",
            ":value",
            "NAME;P=\"unterminated:x",
            "NAME;P=\"q\"x:y",
            "NA ME:x",
        ] {
            assert_eq!(parse_line(1, bad), None, "{bad}");
        }
        assert_eq!(unescape(r"a\\b\;c\,d\ne\Nf\:g\"), "a\\b;c,d\ne\nf:g\\");
        assert_eq!(escape("a\\b;c,d\ne\r\nf\rg"), r"a\\b\;c\,d\ne\nf\ng");
        assert_eq!(decode_param("^n^^^'^x"), "\n^\"^x");
        assert_eq!(encode_param("a\"b^c\nd\re"), "\"a^'b^^c^nde\"");
        let lines = unfold("A:1\r\n 2\r\n\t3\r\n\r\nB:x\n");
        assert_eq!(
            lines,
            vec![(1, "A:123".to_string()), (5, "B:x".to_string())]
        );
    }

    #[test]
    fn values() {
        assert_eq!(
            parse_date_val("20240229"),
            Some(DateVal::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()))
        );
        assert_eq!(parse_date_val("20230229"), None);
        assert!(matches!(
            parse_date_val("20240101T235960Z"),
            Some(DateVal::Utc(_))
        ));
        for bad in [
            "2024-01-01",
            "20240101T2400",
            "20240101X100000",
            "+2024010",
            "20240101T10000Z0",
        ] {
            assert_eq!(parse_date_val(bad), None, "{bad}");
        }
        let d = |s| parse_duration(s).and_then(Dur::total_seconds);
        assert_eq!(d("-PT15M"), Some(-900));
        assert_eq!(d("P1W"), Some(7 * 86_400));
        assert_eq!(d("-P0DT0H10M0S"), Some(-600));
        assert_eq!(d("+P1DT1S"), Some(86_401));
        for bad in [
            "PT",
            "P",
            "15M",
            "PT1D",
            "P1H",
            "P1DT",
            "P99999999999999999999D",
            "P1M",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
        assert_eq!(parse_offset("+0530"), Some(19_800));
        assert_eq!(parse_offset("-023045"), Some(-9045));
        assert_eq!(parse_offset("0100"), None);
        assert_eq!(format_offset(-9045), "-023045");
        assert_eq!(format_offset(3600), "+0100");
        assert_eq!(fixed_zone(3600), Some(Zone::Tz(chrono_tz::Etc::GMTMinus1)));
        assert_eq!(
            fixed_zone(-5 * 3600).and_then(Zone::name).as_deref(),
            Some("Etc/GMT+5")
        );
        assert!(matches!(fixed_zone(19_800), Some(Zone::Fixed(_))));
        // A spring-forward gap is read with the offset before it, a repeated hour as the first.
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let w = Zone::Tz(WARSAW);
        assert_eq!(
            w.to_utc(local("2024-03-31 02:30")),
            Some(at("2024-03-31T01:30:00Z"))
        );
        assert_eq!(
            w.to_utc(local("2024-10-27 02:30")),
            Some(at("2024-10-27T00:30:00Z"))
        );
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for t in [DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MIN_UTC] {
            for zone in [
                Zone::Utc,
                Zone::Tz(chrono_tz::Pacific::Kiritimati),
                Zone::Tz(NEW_YORK),
            ] {
                let _ = zone.local(t);
            }
            let mut a = activity(1);
            a.kind = ActivityKind::Task;
            a.starts_at = Some(t);
            a.due_at = Some(t);
            a.all_day = true;
            a.time_zone = Some("Pacific/Kiritimati".into());
            a.recurrence = Some(Recurrence {
                frequency: Frequency::Daily,
                interval: 1,
                weekdays: vec![],
                position: None,
                until: Some(t),
                count: None,
                exceptions: vec![t],
            });
            let text = export(None, &[a.clone()], t);
            let _ = parse(&text, WARSAW);
            a.all_day = false;
            let _ = parse(&export(None, &[a], t), WARSAW);
        }
        let huge = "BEGIN:VCALENDAR\nBEGIN:VTODO\nDTSTART;TZID=Pacific/Kiritimati:99991231T230000\n\
                    DURATION:P99999999W\nBEGIN:VALARM\nTRIGGER:-P99999999W\nEND:VALARM\nEND:VTODO\n\
                    BEGIN:VEVENT\nDTSTART:00000101T000000\nDURATION:-P99999999W\nEND:VEVENT\n\
                    END:VCALENDAR\n";
        let p = parse(huge, NEW_YORK);
        assert_eq!(p.items.len(), 0, "{p:#?}");
        assert_eq!(p.skipped.len(), 2, "{p:#?}");
    }

    #[test]
    fn time_zone_names() {
        for (windows, name) in WINDOWS_ZONES.iter().filter(|(w, _)| iana(w).is_none()) {
            assert!(iana(name).is_some(), "{windows} → {name}");
            assert_eq!(known_zone(windows), iana(name), "{windows}");
        }
        assert_eq!(
            known_zone("w. europe standard time"),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(known_zone("\"Europe/Warsaw\""), Some(WARSAW));
        assert_eq!(known_zone("AMERICA/NEW_YORK"), Some(NEW_YORK));
        assert_eq!(known_zone("Customized Time Zone"), None);
        assert_eq!(known_zone("Berlin"), None);
    }

    #[test]
    fn enum_names_are_the_serde_names() {
        let serde_name = |v: serde_json::Value| v.as_str().unwrap().to_string();
        for k in KINDS {
            assert_eq!(kind_name(k), serde_name(serde_json::to_value(k).unwrap()));
        }
        for s in STATUSES {
            assert_eq!(status_name(s), serde_name(serde_json::to_value(s).unwrap()));
        }
        for c in Channel::ALL {
            assert_eq!(
                channel_name(c),
                serde_name(serde_json::to_value(c).unwrap())
            );
        }
        for d in DIRECTIONS {
            assert_eq!(
                direction_name(d),
                serde_name(serde_json::to_value(d).unwrap())
            );
        }
    }

    #[test]
    fn rrule_subset() {
        let start = NaiveDate::from_ymd_opt(2024, 1, 9)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let rule = |v: &str| parse_rrule(v, start, Zone::Tz(WARSAW));
        let ok = |v: &str| rule(v).unwrap_or_else(|e| panic!("{v}: {e}"));
        let r = ok("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;INTERVAL=2");
        assert_eq!((r.interval, r.position, r.weekdays.len()), (2, Some(-1), 5));
        let r = ok("freq=monthly;byday=-1fr;");
        assert_eq!(
            (r.position, r.weekdays.clone()),
            (Some(-1), vec![Weekday::Friday])
        );
        assert_eq!(ok("FREQ=MONTHLY;BYMONTHDAY=9").weekdays, vec![]);
        assert_eq!(ok("FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=TU").interval, 2);
        assert_eq!(ok("FREQ=WEEKLY;WKST=SU;BYDAY=TU,TH").weekdays.len(), 2);
        assert_eq!(
            ok("FREQ=YEARLY;UNTIL=20300109").until,
            Some(at("2030-01-09T22:59:59Z"))
        );
        assert_eq!(
            ok("FREQ=DAILY;UNTIL=20240120T100000").until,
            Some(at("2024-01-20T09:00:00Z"))
        );
        for (bad, why) in [
            ("FREQ=MINUTELY", "FREQ=MINUTELY is not supported"),
            ("INTERVAL=2", "no FREQ"),
            ("FREQ=DAILY;FREQ=WEEKLY", "FREQ is given twice"),
            (
                "FREQ=DAILY;INTERVAL=0",
                "INTERVAL=\"0\" is not a positive number",
            ),
            ("FREQ=DAILY;COUNT=-1", "COUNT"),
            ("FREQ=MONTHLY;BYMONTHDAY=-1", "BYMONTHDAY=\"-1\""),
            ("FREQ=MONTHLY;BYMONTHDAY=9;BYDAY=TU", "BYMONTHDAY"),
            ("FREQ=DAILY;BYMONTHDAY=9", "BYMONTHDAY"),
            ("FREQ=MONTHLY;BYMONTH=1", "BYMONTH"),
            ("FREQ=YEARLY;BYMONTH=2", "BYMONTH"),
            ("FREQ=YEARLY;BYDAY=2TU", "BYDAY with FREQ=YEARLY"),
            ("FREQ=YEARLY;BYYEARDAY=100", "BYYEARDAY"),
            ("FREQ=YEARLY;BYWEEKNO=20", "BYWEEKNO"),
            ("FREQ=DAILY;BYMINUTE=5", "BYMINUTE"),
            ("FREQ=DAILY;BYSECOND=5", "BYSECOND"),
            ("FREQ=WEEKLY;BYDAY=1TU", "only supported with FREQ=MONTHLY"),
            ("FREQ=WEEKLY;BYDAY=TU;BYSETPOS=1", "BYSETPOS is only"),
            ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS without BYDAY"),
            ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=1,2", "one position only"),
            ("FREQ=MONTHLY;BYDAY=6TU", "position 6"),
            ("FREQ=MONTHLY;BYDAY=0TU", "BYDAY"),
            ("FREQ=MONTHLY;BYDAY=XX", "BYDAY"),
            ("FREQ=MONTHLY;BYDAY=2TU;BYSETPOS=1", "several positions"),
            ("FREQ=DAILY;X-NAME=1", "X-NAME is not supported"),
            ("FREQ=DAILY;UNTIL=tomorrow", "UNTIL"),
            ("FREQ=DAILY;WKST=XY", "WKST"),
            ("FREQ", "not NAME=VALUE"),
        ] {
            let e = rule(bad).expect_err(bad);
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    // -----------------------------------------------------------------------------------------
    // Export
    // -----------------------------------------------------------------------------------------

    fn activity(raw_id: u128) -> Activity {
        Activity {
            id: ActivityId::from_u128(raw_id),
            kind: ActivityKind::Meeting,
            other_kind: None,
            subject: "Subject".into(),
            body: None,
            owner: None,
            participants: vec![],
            starts_at: None,
            ends_at: None,
            all_day: false,
            due_at: None,
            time_zone: None,
            location: None,
            status: ActivityStatus::Planned,
            completed_at: None,
            outcome: None,
            channel: None,
            direction: None,
            priority: Priority::Normal,
            links: vec![],
            calendar: None,
            reminders: vec![],
            recurrence: None,
            follows: None,
            ical_uid: None,
            created_at: at("2024-01-02T03:04:05Z"),
            updated_at: at("2024-01-03T03:04:05Z"),
        }
    }

    /// What import gives back for an exported activity (`None`: it is not exported).
    fn expected(a: &Activity) -> Option<ActivityInput> {
        let todo = a.kind == ActivityKind::Task;
        if !todo && a.starts_at.is_none() {
            return None;
        }
        let zone = a
            .time_zone
            .as_deref()
            .and_then(iana)
            .map_or(Zone::Utc, Zone::Tz);
        let nonblank = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
        let ends_at = match (todo, a.all_day, a.starts_at) {
            (true, _, _) => None,
            (false, true, Some(s)) => Some(a.ends_at.unwrap_or_else(|| {
                zone.midnight(zone.local(s).date().succ_opt().unwrap())
                    .unwrap()
            })),
            _ => a.ends_at,
        };
        let anchored = a.starts_at.is_some() || (todo && a.due_at.is_some());
        Some(ActivityInput {
            kind: a.kind,
            other_kind: if a.kind == ActivityKind::Other {
                nonblank(&a.other_kind)
            } else {
                None
            },
            subject: if a.subject.trim().is_empty() {
                NO_SUBJECT.into()
            } else {
                a.subject.clone()
            },
            body: nonblank(&a.body),
            owner: None,
            participants: a
                .participants
                .iter()
                .filter_map(|p| {
                    let email = p.email.clone().filter(|e| !e.trim().is_empty())?;
                    let name = p
                        .name
                        .clone()
                        .filter(|n| !n.trim().is_empty() && !n.trim().eq_ignore_ascii_case(&email));
                    Some(Participant {
                        contact: None,
                        user: None,
                        email: Some(email),
                        name,
                        status: p.status,
                    })
                })
                .collect(),
            starts_at: a.starts_at,
            ends_at,
            all_day: a.all_day && anchored,
            due_at: if todo { a.due_at } else { None },
            time_zone: zone.name(),
            location: nonblank(&a.location),
            status: Some(a.status),
            outcome: nonblank(&a.outcome),
            channel: a.channel,
            direction: a.direction,
            priority: Some(a.priority),
            links: vec![],
            calendar: None,
            reminders: if anchored {
                a.reminders.clone()
            } else {
                vec![]
            },
            recurrence: a.recurrence.clone().filter(|_| a.starts_at.is_some()),
            ical_uid: Some(
                a.ical_uid
                    .clone()
                    .filter(|u| !u.trim().is_empty())
                    .unwrap_or_else(|| format!("{}@crm-core", a.id)),
            ),
        })
    }

    /// Exports, imports, and compares with [`expected`].
    fn round_trip(activities: &[Activity], default_tz: Tz) -> Result<(), TestCaseError> {
        let text = export(
            Some("Round, trip; calendar"),
            activities,
            at("2024-06-01T12:00:00Z"),
        );
        let parsed = parse(&text, default_tz);
        prop_assert_eq!(&parsed.skipped, &vec![], "{}", text);
        prop_assert_eq!(
            parsed.calendar_name.as_deref(),
            Some("Round, trip; calendar")
        );
        let want: Vec<ActivityInput> = activities.iter().filter_map(expected).collect();
        let got: Vec<ActivityInput> = parsed.items.iter().map(|i| i.input.clone()).collect();
        prop_assert_eq!(got, want, "{}", text);
        prop_assert!(parsed.items.iter().all(|i| i.recurrence_id.is_none()));
        Ok(())
    }

    /// Activities covering every exported field.
    fn showcase() -> Vec<Activity> {
        let mut weekly = activity(1);
        weekly.subject = "Weekly sync; pipeline, forecast \\ risks: “quoted” — żółć 😀".into();
        weekly.body = Some("Line one\nLine two, with a comma; and a semicolon\n\n".into());
        weekly.location = Some("Sala 2, Warszawa".into());
        weekly.starts_at = Some(at("2024-01-08T08:00:00Z"));
        weekly.ends_at = Some(at("2024-01-08T08:30:00Z"));
        weekly.time_zone = Some("Europe/Warsaw".into());
        weekly.participants = vec![
            person(
                "anna@example.pl",
                Some("Nowak, Anna \"Ania\" ^"),
                ParticipantStatus::Accepted,
            ),
            person("jan@example.pl", None, ParticipantStatus::Tentative),
            person(
                "piotr@example.pl",
                Some("Piotr\nW."),
                ParticipantStatus::Declined,
            ),
            person(
                "ewa@example.pl",
                Some("Ewa"),
                ParticipantStatus::NeedsAction,
            ),
            Participant {
                user: Some("user-7".into()),
                ..Participant::default()
            },
        ];
        weekly.reminders = vec![0, 15, 1440];
        weekly.channel = Some(Channel::InPerson);
        weekly.recurrence = Some(Recurrence {
            frequency: Frequency::Weekly,
            interval: 2,
            weekdays: vec![Weekday::Monday, Weekday::Thursday],
            position: None,
            until: Some(at("2024-12-31T22:59:59Z")),
            count: None,
            exceptions: vec![at("2024-01-22T08:00:00Z"), at("2024-07-01T07:00:00Z")],
        });

        let mut monthly = activity(2);
        monthly.kind = ActivityKind::Call;
        monthly.starts_at = Some(at("2024-01-09T15:00:00Z"));
        monthly.ends_at = Some(at("2024-01-09T15:20:00Z"));
        monthly.time_zone = Some("America/New_York".into());
        monthly.channel = Some(Channel::Phone);
        monthly.direction = Some(InteractionDirection::Outbound);
        monthly.outcome = Some("call back, in May".into());
        monthly.status = ActivityStatus::Done;
        monthly.ical_uid = Some("call-2@example.com".into());
        monthly.recurrence = Some(Recurrence {
            frequency: Frequency::Monthly,
            interval: 1,
            weekdays: vec![Weekday::Tuesday],
            position: Some(2),
            until: None,
            count: Some(12),
            exceptions: vec![],
        });

        let mut last_workday = activity(3);
        last_workday.kind = ActivityKind::Other;
        last_workday.other_kind = Some("site visit".into());
        last_workday.starts_at = Some(at("2024-01-31T09:00:00Z"));
        last_workday.channel = Some(Channel::WebForm);
        last_workday.direction = Some(InteractionDirection::Inbound);
        last_workday.recurrence = Some(Recurrence {
            frequency: Frequency::Monthly,
            interval: 3,
            weekdays: WEEKDAYS[..5].to_vec(),
            position: Some(-1),
            until: None,
            count: None,
            exceptions: vec![at("2024-04-30T09:00:00Z")],
        });

        let mut all_day = activity(4);
        all_day.kind = ActivityKind::Meeting;
        all_day.all_day = true;
        all_day.time_zone = Some("Australia/Lord_Howe".into());
        let lh = Zone::Tz(chrono_tz::Australia::Lord_Howe);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        all_day.starts_at = lh.midnight(day(2024, 4, 6));
        all_day.ends_at = lh.midnight(day(2024, 4, 9));
        all_day.status = ActivityStatus::Cancelled;
        all_day.recurrence = Some(Recurrence {
            frequency: Frequency::Yearly,
            interval: 1,
            weekdays: vec![],
            position: None,
            until: lh
                .midnight(day(2030, 4, 7))
                .map(|t| t - TimeDelta::seconds(1)),
            count: None,
            exceptions: vec![lh.midnight(day(2026, 4, 6)).unwrap()],
        });

        let mut all_day_utc = activity(5);
        all_day_utc.kind = ActivityKind::Note;
        all_day_utc.all_day = true;
        all_day_utc.starts_at = Some(at("2024-05-01T00:00:00Z"));
        all_day_utc.ends_at = Some(at("2024-05-02T00:00:00Z"));
        all_day_utc.recurrence = Some(Recurrence {
            frequency: Frequency::Daily,
            interval: 1,
            weekdays: vec![Weekday::Saturday, Weekday::Sunday],
            position: None,
            until: None,
            count: Some(4),
            exceptions: vec![at("2024-05-05T00:00:00Z")],
        });

        let mut email = activity(6);
        email.kind = ActivityKind::Email;
        email.channel = Some(Channel::Email);
        email.starts_at = Some(at("2024-02-01T10:11:12Z"));
        email.body = Some("x".repeat(300));

        let mut task_due = activity(7);
        task_due.kind = ActivityKind::Task;
        task_due.subject = "Send the offer".into();
        task_due.due_at = Some(at("2024-03-15T16:00:00Z"));
        task_due.time_zone = Some("Europe/Warsaw".into());
        task_due.priority = Priority::High;
        task_due.reminders = vec![60, 1440];

        let mut task_done = activity(8);
        task_done.kind = ActivityKind::Task;
        task_done.starts_at = Some(at("2024-03-01T08:00:00Z"));
        task_done.due_at = Some(at("2024-03-01T16:00:00Z"));
        task_done.status = ActivityStatus::Done;
        task_done.completed_at = Some(at("2024-03-01T15:00:00Z"));
        task_done.outcome = Some("sent".into());
        task_done.priority = Priority::Low;

        let mut task_all_day = activity(9);
        task_all_day.kind = ActivityKind::Task;
        task_all_day.all_day = true;
        task_all_day.time_zone = Some("Asia/Kolkata".into());
        let kolkata = Zone::Tz(chrono_tz::Asia::Kolkata);
        task_all_day.starts_at = kolkata.midnight(day(2024, 3, 10));
        task_all_day.due_at = kolkata.midnight(day(2024, 3, 12));
        task_all_day.reminders = vec![30];

        let mut task_undated = activity(10);
        task_undated.kind = ActivityKind::Task;
        task_undated.time_zone = Some("Pacific/Chatham".into());
        task_undated.status = ActivityStatus::Cancelled;

        let mut task_undated_utc = activity(11);
        task_undated_utc.kind = ActivityKind::Task;
        task_undated_utc.all_day = true;

        let mut task_start_only = activity(12);
        task_start_only.kind = ActivityKind::Task;
        task_start_only.starts_at = Some(at("2024-03-01T08:00:00Z"));
        task_start_only.time_zone = Some("UTC".into());
        task_start_only.reminders = vec![5];

        let mut note = activity(13);
        note.kind = ActivityKind::Note;
        note.subject = "A note without a time is not exported".into();

        vec![
            weekly,
            monthly,
            last_workday,
            all_day,
            all_day_utc,
            email,
            task_due,
            task_done,
            task_all_day,
            task_undated,
            task_undated_utc,
            task_start_only,
            note,
        ]
    }

    #[test]
    fn round_trip_of_every_field() {
        let activities = showcase();
        assert_eq!(
            activities.iter().filter_map(expected).count(),
            activities.len() - 1
        );
        for tz in [WARSAW, NEW_YORK, chrono_tz::Asia::Tokyo] {
            round_trip(&activities, tz).unwrap();
        }
    }

    #[test]
    fn exported_text() {
        let mut a = activity(0x0191_0000_0000_0000_0000_0000_0000_0001);
        a.subject = "Call, Anna; re: offer".into();
        a.kind = ActivityKind::Call;
        a.starts_at = Some(at("2024-01-08T08:00:00Z"));
        a.ends_at = Some(at("2024-01-08T08:15:00Z"));
        a.reminders = vec![10];
        a.participants = vec![person(
            "anna@example.pl",
            Some("Anna"),
            ParticipantStatus::Accepted,
        )];
        let mut t = activity(2);
        t.kind = ActivityKind::Task;
        t.subject = "Due".into();
        t.due_at = Some(at("2024-01-09T10:00:00Z"));
        t.ical_uid = Some("task-2".into());
        t.priority = Priority::High;
        t.reminders = vec![30];
        let text = export(None, &[a.clone(), t], at("2024-06-01T12:00:00Z"));
        let want = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crm-core//EN\r\nCALSCALE:GREGORIAN\r\n\
             BEGIN:VEVENT\r\nUID:{}@crm-core\r\nDTSTAMP:20240601T120000Z\r\n\
             CREATED:20240102T030405Z\r\nLAST-MODIFIED:20240103T030405Z\r\n\
             SUMMARY:Call\\, Anna\\; re: offer\r\nDTSTART:20240108T080000Z\r\n\
             DTEND:20240108T081500Z\r\nSTATUS:CONFIRMED\r\nPRIORITY:5\r\n\
             ATTENDEE;CN=\"Anna\";PARTSTAT=ACCEPTED:mailto:anna@example.pl\r\n\
             X-CRM-KIND:call\r\nX-CRM-STATUS:planned\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n\
             DESCRIPTION:Call\\, Anna\\; re: offer\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\n\
             END:VEVENT\r\n\
             BEGIN:VTODO\r\nUID:task-2\r\nDTSTAMP:20240601T120000Z\r\n\
             CREATED:20240102T030405Z\r\nLAST-MODIFIED:20240103T030405Z\r\nSUMMARY:Due\r\n\
             DUE:20240109T100000Z\r\nSTATUS:NEEDS-ACTION\r\nPRIORITY:1\r\nX-CRM-KIND:task\r\n\
             X-CRM-STATUS:planned\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Due\r\n\
             TRIGGER;RELATED=END:-PT30M\r\nEND:VALARM\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
            a.id
        );
        assert_eq!(text, want);
    }

    #[test]
    fn generated_vtimezone() {
        let mut a = activity(1);
        a.starts_at = Some(at("2024-06-03T08:00:00Z"));
        a.time_zone = Some("Europe/Warsaw".into());
        let text = export(None, &[a], at("2024-06-01T12:00:00Z"));
        let block: Vec<&str> = text
            .split("\r\n")
            .skip_while(|l| *l != "BEGIN:VTIMEZONE")
            .take_while(|l| *l != "BEGIN:VEVENT")
            .collect();
        assert_eq!(
            block,
            [
                "BEGIN:VTIMEZONE",
                "TZID:Europe/Warsaw",
                "X-LIC-LOCATION:Europe/Warsaw",
                "BEGIN:STANDARD",
                "DTSTART:20240101T000000",
                "TZOFFSETFROM:+0100",
                "TZOFFSETTO:+0100",
                "TZNAME:CET",
                "END:STANDARD",
                "BEGIN:DAYLIGHT",
                "DTSTART:20240331T020000",
                "TZOFFSETFROM:+0100",
                "TZOFFSETTO:+0200",
                "TZNAME:CEST",
                "END:DAYLIGHT",
                "BEGIN:STANDARD",
                "DTSTART:20241027T030000",
                "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0100",
                "TZNAME:CET",
                "END:STANDARD",
                "END:VTIMEZONE",
            ]
        );
        assert!(text.contains("\r\nDTSTART;TZID=Europe/Warsaw:20240603T100000\r\n"));
        // One VTIMEZONE per zone, spanning the years used; none for UTC or all-day events.
        let mut b = activity(2);
        b.starts_at = Some(at("2026-01-01T08:00:00Z"));
        b.time_zone = Some("Europe/Warsaw".into());
        b.recurrence = Some(Recurrence {
            frequency: Frequency::Yearly,
            interval: 1,
            weekdays: vec![],
            position: None,
            until: Some(at("2028-01-01T08:00:00Z")),
            count: None,
            exceptions: vec![],
        });
        let mut c = activity(3);
        c.starts_at = Some(at("2025-01-01T08:00:00Z"));
        c.all_day = true;
        c.time_zone = Some("America/New_York".into());
        let mut d = activity(4);
        d.starts_at = Some(at("2025-01-01T08:00:00Z"));
        let mut e = activity(5);
        e.starts_at = Some(at("2025-01-01T08:00:00Z"));
        e.time_zone = Some("Asia/Tokyo".into());
        let text = export(None, &[b, c, d, e, activity(6)], at("2024-06-01T12:00:00Z"));
        assert_eq!(text.matches("BEGIN:VTIMEZONE").count(), 2);
        assert_eq!(text.matches("TZID:Europe/Warsaw\r\n").count(), 1);
        assert_eq!(text.matches("BEGIN:DAYLIGHT").count(), 3);
        assert!(text.contains("TZID:Asia/Tokyo\r\n"));
        assert!(!text.contains("TZID:America/New_York"));
        assert!(text.contains("\r\nX-CRM-TIME-ZONE:America/New_York\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 4);
    }

    #[test]
    fn long_lines_are_folded_without_splitting_characters() {
        let mut a = activity(1);
        a.starts_at = Some(at("2024-06-03T08:00:00Z"));
        a.subject = "żółć ".repeat(40) + "😀😀😀";
        a.body = Some("a".repeat(200));
        let text = export(None, &[a.clone()], at("2024-06-01T12:00:00Z"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        for line in text.split_terminator("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
        assert!(text.contains("\r\n ż") || text.contains("\r\n ó") || text.contains("\r\n ł"));
        let p = parse(&text, WARSAW);
        assert_eq!(p.items[0].input.subject, a.subject);
        assert_eq!(p.items[0].input.body, a.body);
    }

    #[test]
    fn large_and_hostile_inputs_take_linear_time() {
        let started = std::time::Instant::now();
        let nested = "BEGIN:VCALENDAR\n".to_string() + &"BEGIN:VALARM\n".repeat(50_000);
        assert_eq!(parse(&nested, WARSAW).items, vec![]);
        let stray = "BEGIN:VCALENDAR\n".to_string()
            + &"BEGIN:X\n".repeat(30_000)
            + &"END:Y\n".repeat(30_000);
        assert!(parse(&stray, WARSAW).items.is_empty());
        let events = "BEGIN:VCALENDAR\n".to_string()
            + &"BEGIN:VEVENT\nDTSTART:20240101T100000Z\nEND:VEVENT\n".repeat(20_000)
            + "END:VCALENDAR\n";
        assert_eq!(parse(&events, WARSAW).items.len(), 20_000);
        let long = format!(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20240101T100000Z\nSUMMARY:{}\nX-P{}:x\n\
             RRULE:FREQ=DAILY{}\nEND:VEVENT\nEND:VCALENDAR\n",
            "a".repeat(1_000_000),
            ";A=\"b\"".repeat(100_000),
            ";X-A=1".repeat(100_000),
        );
        let p = parse(&long, WARSAW);
        assert_eq!(
            p.skipped.len(),
            1,
            "{:?}",
            p.skipped.first().map(|s| &s.reason)
        );
        let slashes = format!(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID={}:20240101T100000\nEND:VEVENT\n\
             END:VCALENDAR\n",
            "/a".repeat(200_000)
        );
        assert_eq!(parse(&slashes, WARSAW).items.len(), 1);
        let folded = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20240101T100000Z\nSUMMARY:"
            .to_string()
            + &"\n x".repeat(200_000)
            + "\nEND:VEVENT\nEND:VCALENDAR\n";
        assert_eq!(parse(&folded, WARSAW).items[0].input.subject.len(), 200_000);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    // -----------------------------------------------------------------------------------------
    // Properties
    // -----------------------------------------------------------------------------------------

    const ZONE_NAMES: [Option<&str>; 7] = [
        None,
        Some("Europe/Warsaw"),
        Some("America/New_York"),
        Some("Australia/Lord_Howe"),
        Some("Asia/Kolkata"),
        Some("UTC"),
        Some("Pacific/Chatham"),
    ];

    fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 ,;:\\\\\"'^\\n\\t.łóźżŁÓ€😀-]{1,40}"
    }

    fn local_time() -> impl Strategy<Value = NaiveDateTime> {
        (
            2000i32..2040,
            1u32..=12,
            1u32..=28,
            0u32..24,
            0u32..60,
            0u32..60,
        )
            .prop_map(|(y, mo, d, h, mi, s)| {
                NaiveDate::from_ymd_opt(y, mo, d)
                    .unwrap()
                    .and_hms_opt(h, mi, s)
                    .unwrap()
            })
    }

    fn participant() -> impl Strategy<Value = Participant> {
        (
            option::weighted(0.8, "[a-z]{1,8}@[a-z]{1,8}\\.(pl|com)"),
            option::of("[a-zA-Z ,;:\"'^\\nłó€]{1,20}"),
            0usize..4,
            any::<bool>(),
        )
            .prop_map(|(email, name, status, user)| Participant {
                contact: None,
                user: (user || email.is_none()).then(|| "user-1".to_string()),
                email,
                name,
                status: [
                    ParticipantStatus::NeedsAction,
                    ParticipantStatus::Accepted,
                    ParticipantStatus::Tentative,
                    ParticipantStatus::Declined,
                ][status],
            })
    }

    /// What a random rule is made of; [`build`] turns it into a rule for a start.
    #[derive(Debug, Clone)]
    struct RuleSeed {
        frequency: usize,
        interval: u32,
        weekdays: Vec<Weekday>,
        position: Option<(bool, i8)>,
        end: usize,
        until_days: i64,
        count: u32,
        exceptions: Vec<i64>,
    }

    fn rule_seed() -> impl Strategy<Value = RuleSeed> {
        (
            0usize..4,
            1u32..4,
            subsequence(WEEKDAYS.to_vec(), 0..=3),
            option::of((any::<bool>(), prop_oneof![-5i8..=-1, 1i8..=5])),
            0usize..3,
            1i64..800,
            1u32..40,
            vec(1i64..200, 0..3),
        )
            .prop_map(
                |(frequency, interval, weekdays, position, end, until_days, count, exceptions)| {
                    RuleSeed {
                        frequency,
                        interval,
                        weekdays,
                        position,
                        end,
                        until_days,
                        count,
                        exceptions,
                    }
                },
            )
    }

    /// The activity a random seed stands for: times are built from local times in its zone
    /// (whole seconds; midnights when all-day), tasks have no end, rules sit on a start.
    #[allow(clippy::too_many_arguments)]
    fn build(
        (id, kind, other_kind, subject, body, location): (
            u128,
            usize,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
        ),
        (zone_name, all_day, has_start, start, length, has_end, has_due, due_after): (
            usize,
            bool,
            bool,
            NaiveDateTime,
            i64,
            bool,
            bool,
            i64,
        ),
        (status, outcome, channel, direction, priority, uid): (
            usize,
            Option<String>,
            Option<usize>,
            Option<bool>,
            usize,
            Option<String>,
        ),
        (participants, reminders, rule): (Vec<Participant>, Vec<u32>, Option<RuleSeed>),
    ) -> Activity {
        let mut a = activity(id);
        a.kind = KINDS[kind];
        a.other_kind = other_kind;
        a.subject = subject;
        a.body = body;
        a.location = location;
        a.time_zone = ZONE_NAMES[zone_name].map(str::to_string);
        let zone = a
            .time_zone
            .as_deref()
            .and_then(iana)
            .map_or(Zone::Utc, Zone::Tz);
        a.all_day = all_day;
        let todo = a.kind == ActivityKind::Task;
        let instant = |local: NaiveDateTime| {
            if all_day {
                zone.midnight(local.date()).unwrap()
            } else {
                zone.to_utc(local).unwrap()
            }
        };
        let later = |local: NaiveDateTime, minutes: i64| {
            if all_day {
                local + TimeDelta::days(minutes / 1440 + 1)
            } else {
                local + TimeDelta::minutes(minutes)
            }
        };
        if has_start || !todo {
            a.starts_at = Some(instant(start));
            if has_end && !todo {
                a.ends_at = Some(instant(later(start, length)).max(instant(start)));
            }
            if all_day && !todo {
                a.ends_at = Some(instant(later(start, length)));
            }
        }
        if todo && has_due {
            a.due_at = Some(match a.starts_at {
                Some(s) => instant(later(start, due_after)).max(s),
                None => instant(later(start, due_after)),
            });
        }
        a.status = STATUSES[status];
        a.outcome = outcome;
        a.channel = channel.map(|c| Channel::ALL[c]);
        a.direction = direction.map(|d| DIRECTIONS[usize::from(d)]);
        a.priority = [Priority::Low, Priority::Normal, Priority::High][priority];
        a.ical_uid = uid;
        a.participants = participants;
        a.reminders = reminders;
        a.completed_at = (a.status == ActivityStatus::Done).then(|| at("2024-05-05T05:05:05Z"));
        if let (Some(seed), Some(s)) = (rule, a.starts_at) {
            let frequency = [
                Frequency::Daily,
                Frequency::Weekly,
                Frequency::Monthly,
                Frequency::Yearly,
            ][seed.frequency];
            let (weekdays, position) = match (frequency, seed.position, seed.weekdays.as_slice()) {
                (Frequency::Yearly, _, _) => (vec![], None),
                (Frequency::Monthly, Some((true, n)), [d, ..]) => (vec![*d], Some(n)),
                (Frequency::Monthly, Some((false, n)), [_, ..]) => (seed.weekdays.clone(), Some(n)),
                _ => (seed.weekdays.clone(), None),
            };
            let local = zone.local(s);
            let until = (seed.end == 1).then(|| {
                if all_day {
                    let last = local.date() + TimeDelta::days(seed.until_days);
                    zone.midnight(last.succ_opt().unwrap()).unwrap() - TimeDelta::seconds(1)
                } else {
                    s + TimeDelta::seconds(seed.until_days * 86_400 + 17)
                }
            });
            a.recurrence = Some(Recurrence {
                frequency,
                interval: seed.interval,
                weekdays,
                position,
                until,
                count: (seed.end == 2).then_some(seed.count),
                exceptions: seed
                    .exceptions
                    .iter()
                    .map(|days| instant(local + TimeDelta::days(*days)))
                    .collect(),
            });
        }
        a
    }

    fn arb_activity() -> impl Strategy<Value = Activity> {
        (
            (
                any::<u128>(),
                0usize..6,
                option::of(text()),
                text(),
                option::of(text()),
                option::of(text()),
            ),
            (
                0usize..7,
                any::<bool>(),
                any::<bool>(),
                local_time(),
                0i64..5000,
                any::<bool>(),
                any::<bool>(),
                0i64..5000,
            ),
            (
                0usize..3,
                option::of(text()),
                option::of(0usize..10),
                option::of(any::<bool>()),
                0usize..3,
                option::of(text()),
            ),
            (
                vec(participant(), 0..4),
                vec(0u32..=40_320, 0..3),
                option::of(rule_seed()),
            ),
        )
            .prop_map(|(a, b, c, d)| build(a, b, c, d))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn random_activities_round_trip(
            activities in vec(arb_activity(), 1..4),
            tz in prop_oneof![Just(WARSAW), Just(NEW_YORK), Just(chrono_tz::Asia::Tokyo)],
        ) {
            round_trip(&activities, tz)?;
        }

        #[test]
        fn parse_never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = parse(&text, WARSAW);
        }

        #[test]
        fn parse_never_panics_on_calendar_like_text(
            parts in vec(
                prop_oneof![
                    Just("BEGIN:VCALENDAR".to_string()),
                    Just("END:VCALENDAR".to_string()),
                    Just("BEGIN:VEVENT".to_string()),
                    Just("END:VEVENT".to_string()),
                    Just("BEGIN:VTODO".to_string()),
                    Just("BEGIN:VALARM".to_string()),
                    Just("END:VALARM".to_string()),
                    Just("BEGIN:VTIMEZONE".to_string()),
                    Just("DTSTART;TZID=Europe/Warsaw:20240101T100000".to_string()),
                    Just("DTSTART;VALUE=DATE:20240101".to_string()),
                    Just("RRULE:FREQ=MONTHLY;BYDAY=2TU".to_string()),
                    Just("TRIGGER:-PT15M".to_string()),
                    "[A-Z-]{1,12}(;[A-Z]{1,5}=(\"[^\"]{0,5}\"|[a-z0-9,]{0,5})){0,2}:[ -~]{0,20}",
                    "[ -~\\t]{0,30}",
                    "[ \\t][^\\n]{0,10}",
                ],
                0..60,
            ),
            crlf in any::<bool>(),
        ) {
            let text = parts.join(if crlf { "\r\n" } else { "\n" });
            let _ = parse(&text, NEW_YORK);
        }

        #[test]
        fn parse_never_panics_on_damaged_files(
            which in 0usize..7,
            edits in vec((0usize..4, any::<usize>(), any::<u8>()), 1..8),
        ) {
            let exported = export(Some("x"), &showcase(), at("2024-06-01T12:00:00Z"));
            let source = [GOOGLE, OUTLOOK, APPLE, OVERRIDE, BROKEN, ZONES, exported.as_str()][which];
            let mut lines: Vec<Vec<u8>> = source.split('\n').map(|l| l.as_bytes().to_vec()).collect();
            for (op, at_index, byte) in edits {
                let i = at_index % lines.len().max(1);
                match op {
                    0 if !lines.is_empty() => { lines.remove(i); }
                    1 if !lines.is_empty() => { let l = lines[i].clone(); lines.insert(i, l); }
                    2 if !lines.is_empty() && !lines[i].is_empty() => {
                        let j = (at_index / 7) % lines[i].len();
                        lines[i][j] = byte;
                    }
                    _ if !lines.is_empty() => {
                        let j = (at_index / 7) % (lines[i].len() + 1);
                        lines[i].insert(j, byte);
                    }
                    _ => {}
                }
            }
            let text = String::from_utf8_lossy(&lines.join(&b'\n')).into_owned();
            let parsed = parse(&text, WARSAW);
            prop_assert!(parsed.skipped.windows(2).all(|w| w[0].line <= w[1].line));
        }
    }
}
