//! iCalendar in and out of a calendar: [`export_ical`] writes a calendar's activities as an
//! iCalendar file, [`import_ical`] reads one into a calendar. The text format itself (content
//! lines, time zones, recurrence rules) is in [`text`].

pub(crate) mod text;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::activities::activity::{self, ActivityInput, ActivityKind};
use crate::activities::calendar::{Calendar, check_range, get, in_calendar, instances};
use crate::activities::recurrence;
use crate::people::contact::{self, Contact};
use crate::records::record;
use crate::storage::store::{Reader, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::{ActivityId, CalendarId};
use crate::values::order;

pub use text::IcalSkipped;

/// What to export as iCalendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IcalExport {
    /// The calendar.
    pub calendar: CalendarId,
    /// Only events with an occurrence from this instant on (instants are in the years 1000
    /// through 9999).
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Only events with an occurrence before this instant.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
}

/// A calendar (or the part of it in a range) as an iCalendar file. A repeating event with an
/// occurrence in the range is exported whole; contacts taking part are exported with their
/// primary email address.
pub(crate) fn export_ical(r: &mut impl Reader, ctx: &Ctx, q: &IcalExport) -> Result<String> {
    let cal = get(r, q.calendar)?;
    check_range(q.from, q.until)?;
    let from = q.from.unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut out = Vec::new();
    let mut contacts: HashMap<u128, Option<Contact>> = HashMap::new();
    for mut a in in_calendar(r, cal.id)? {
        if (q.from.is_some() || q.until.is_some())
            && instances(&a, from, q.until, 1).is_ok_and(|i| i.is_empty())
        {
            continue;
        }
        for p in &mut a.participants {
            if let Some(c) = p.contact {
                let raw = c.as_u128();
                let contact = match contacts.entry(raw) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(record::load::<Contact>(r, raw)?)
                    }
                };
                if let Some(contact) = contact {
                    p.email = contact.primary_email().map(str::to_string);
                    p.name = Some(contact.display_name.clone());
                }
            }
        }
        out.push(a);
    }
    Ok(text::export(Some(&cal.name), &out, ctx.now()))
}

/// What importing an iCalendar file did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IcalImportReport {
    /// The activities created, in file order.
    pub created: Vec<ActivityId>,
    /// The activities whose UID was already known, in file order (rewritten only where the
    /// file changed something).
    pub updated: Vec<ActivityId>,
    /// What was left out or approximated, and why.
    pub skipped: Vec<IcalSkipped>,
}

/// Imports an iCalendar file into a calendar, in one transaction. Events and to-dos whose
/// UID is already known update that activity in place (importing a file twice adds no
/// copies); others are created, owned by the calendar's owner. Attendees whose email
/// address belongs to a contact take part as that contact. A changed occurrence of a
/// repeating event becomes an activity of its own, and an exception of the series.
/// Components that cannot be read, or that the library refuses, are reported as skipped.
pub(crate) fn import_ical(
    w: &mut impl Writer,
    ctx: &Ctx,
    calendar: CalendarId,
    text: &str,
) -> Result<IcalImportReport> {
    let cal = get(w, calendar)?;
    let zone = recurrence::zone(Some(&cal.time_zone), "time_zone")?;
    let parsed = text::parse(text, zone);
    let mut report = IcalImportReport {
        skipped: parsed.skipped,
        ..IcalImportReport::default()
    };
    let (masters, changed): (Vec<_>, Vec<_>) = parsed
        .items
        .into_iter()
        .partition(|i| i.recurrence_id.is_none());
    for item in masters.into_iter().chain(changed) {
        let component = if item.input.kind == ActivityKind::Task {
            "VTODO"
        } else {
            "VEVENT"
        };
        let uid = item.input.ical_uid.clone();
        match import_one(w, ctx, &cal, item.input, item.recurrence_id) {
            Ok((id, created)) => {
                if created {
                    report.created.push(id);
                } else {
                    report.updated.push(id);
                }
            }
            Err(e @ (Error::Validation { .. } | Error::Conflict { .. })) => {
                report.skipped.push(IcalSkipped {
                    line: item.line,
                    component: component.into(),
                    uid,
                    reason: e.to_string(),
                });
            }
            Err(e) => return Err(e),
        }
    }
    order::sort_by_key(&mut report.skipped, |s| s.line);
    Ok(report)
}

fn import_one(
    w: &mut impl Writer,
    ctx: &Ctx,
    cal: &Calendar,
    mut input: ActivityInput,
    recurrence_id: Option<DateTime<Utc>>,
) -> Result<(ActivityId, bool)> {
    input.calendar = Some(cal.id);
    for p in &mut input.participants {
        if let Some(email) = &p.email {
            if let Some(c) = contact::by_email(w, email)? {
                p.contact = Some(c.id);
                p.email = None;
                p.name = None;
            }
        }
    }
    if let (Some(at), Some(uid)) = (recurrence_id, input.ical_uid.clone()) {
        // A changed occurrence: the series skips it, and it is kept on its own.
        if let Some(master) = activity::by_uid(w, &uid)? {
            if let Some(rule) = &master.recurrence {
                if !rule.exceptions.contains(&at) {
                    let mut m = master.to_input();
                    if let Some(r) = &mut m.recurrence {
                        r.exceptions.push(at);
                    }
                    activity::update(w, ctx, master.id, &m)?;
                }
            }
        }
        input.ical_uid = Some(format!("{uid}/{}", at.format("%Y%m%dT%H%M%SZ")));
    }
    let existing = match &input.ical_uid {
        Some(uid) => activity::by_uid(w, uid)?,
        None => None,
    };
    match existing {
        Some(old) => {
            // What the file does not carry stays as it was.
            input.links = old.links.clone();
            input.owner = input.owner.or(old.owner.clone());
            if input.channel.is_none() {
                input.channel = old.channel;
            }
            if input.direction.is_none() {
                input.direction = old.direction;
            }
            if input.outcome.is_none() {
                input.outcome = old.outcome.clone();
            }
            let a = activity::update(w, ctx, old.id, &input)?;
            Ok((a.id, false))
        }
        None => {
            input.owner = input.owner.or(cal.owner.clone());
            let a = activity::create(w, ctx, &input)?;
            Ok((a.id, true))
        }
    }
}
