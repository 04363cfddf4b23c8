//! The activities operations (activities and tasks, timelines and the customer journey, calendars,
//! agendas, free/busy, reminders, iCalendar import and export), each described once in
//! `activities_operations!`: its docs, parameters, result and body. `crm-macros` expands the table
//! into the core's methods (`api/crm.rs`), the uniffi and wasm-bindgen bindings and the Rust
//! scenario runner; its crate docs give the table's grammar and how each target maps the types.

/// Hands the activities table to the macro named:
/// `activities_operations!(crm_macros::uniffi_operations)` expands to
/// `crm_macros::uniffi_operations! { group activities; reads { … } … }`. Names in the table resolve
/// where this is invoked. Public only so that the bindings and the scenario runner can expand it.
#[macro_export]
#[doc(hidden)]
macro_rules! activities_operations {
    ($($target:ident)::+) => {
        $($target)::+! {
            group activities;
            reads {
                // activities and tasks
                /// The activity with this id.
                fn get_activity(id: ActivityId) -> Activity = |r, ctx| activity::get(r, id);
                /// Activities whose subject, body, location, outcome or kind name has a word
                /// starting with each word of `text` (ignoring case and diacritics), newest first,
                /// at most `limit` (1 to 1,000).
                fn search_activities(
                    text: &str,
                    #[default(50)] limit: u32,
                ) -> Vec<Activity> = |r, ctx| {
                    activity::search(r, text, limit)
                };
                /// The activities planned on completing this one.
                fn follow_ups(id: ActivityId) -> Vec<Activity> = |r, ctx| {
                    activity::follow_ups(r, id)
                };
                /// The chain of follow-ups this activity belongs to, from its first activity on, in
                /// the order they were created.
                fn activity_chain(id: ActivityId) -> Vec<Activity> = |r, ctx| {
                    activity::chain(r, id)
                };
                /// One page of the activities matching a filter, by their time (start, else due
                /// time, else creation), newest first unless the query asks for oldest first.
                fn list_activities(query: &ActivityQuery) -> Page<Activity> = |r, ctx| {
                    listing::list(r, query)
                };
                /// How many activities match a filter.
                fn count_activities(filter: &ActivityFilter) -> u64 = |r, ctx| {
                    listing::count(r, filter)
                };
                /// An owner's open, overdue, due-today or done tasks.
                fn tasks(query: &TaskQuery) -> Vec<Activity> = |r, ctx| {
                    activity::tasks(r, ctx, query)
                };
                /// The occurrences of an activity from `from` on (until `until` when given; a
                /// series that never ends needs it).
                fn activity_occurrences(
                    id: ActivityId,
                    from: DateTime<Utc>,
                    until: Option<DateTime<Utc>>,
                ) -> Vec<TimeSpan> = |r, ctx| {
                    calendar::occurrences_of(r, id, from, until)
                };

                // timelines
                /// One page of a record's timeline: its creation, its activities, a deal's stage
                /// changes and the record's changes, newest first unless asked otherwise.
                fn timeline(query: &TimelineQuery) -> TimelinePage = |r, ctx| {
                    timeline::timeline(r, query)
                };
                /// A contact's journey: its done exchanges with a channel, oldest first, with its
                /// lifecycle stage at each, counts per channel, and the first and last touch.
                fn customer_journey(contact: ContactId) -> Journey = |r, ctx| {
                    timeline::journey(r, contact)
                };

                // calendars
                /// The calendar with this id.
                fn get_calendar(id: CalendarId) -> Calendar = |r, ctx| calendar::get(r, id);
                /// Every calendar, in the order they were created.
                fn calendars() -> Vec<Calendar> = |r, ctx| calendar::all(r);
                /// The event occurrences of a calendar or a user in a range, by start.
                fn agenda(query: &AgendaQuery) -> Vec<EventInstance> = |r, ctx| {
                    calendar::agenda(r, query)
                };
                /// When a user is busy in a range.
                fn free_busy(query: &FreeBusyQuery) -> Vec<TimeSpan> = |r, ctx| {
                    calendar::free_busy(r, query)
                };
                /// The reminders due in a range, in time order.
                fn reminders_due(query: &ReminderQuery) -> Vec<DueReminder> = |r, ctx| {
                    calendar::reminders_due(r, query)
                };
                /// A calendar, or its events in a range, as the text of an iCalendar (`.ics`) file.
                fn export_ical(export: &IcalExport) -> String = |r, ctx| {
                    ical::export_ical(r, ctx, export)
                };
            }
            writes {
                // activities
                /// Records an activity: a call, meeting, task, note, email or other exchange.
                fn create_activity(input: ActivityInput) -> Activity = |w, ctx| {
                    activity::create(w, ctx, &input)
                };
                /// Replaces the editable fields of an activity (see [`Activity::to_input`]); an
                /// update that changes nothing writes nothing.
                fn update_activity(id: ActivityId, input: ActivityInput) -> Activity = |w, ctx| {
                    activity::update(w, ctx, id, &input)
                };
                /// Marks a planned activity done, and plans the next one when asked (it follows
                /// this one).
                fn complete_activity(
                    id: ActivityId,
                    completion: Completion,
                ) -> CompletedActivity = |w, ctx| {
                    activity::complete(w, ctx, id, &completion)
                };
                /// Sets a done or cancelled activity back to planned.
                fn reopen_activity(id: ActivityId) -> Activity = |w, ctx| {
                    activity::reopen(w, ctx, id)
                };
                /// Calls an activity off.
                fn cancel_activity(id: ActivityId) -> Activity = |w, ctx| {
                    activity::cancel(w, ctx, id)
                };
                /// Records a participant's answer to an invitation.
                fn respond_to_activity(
                    id: ActivityId,
                    response: ParticipantResponse,
                ) -> Activity = |w, ctx| {
                    activity::respond(w, ctx, id, &response)
                };
                /// Deletes an activity; its follow-ups stay, without the link back.
                fn delete_activity(id: ActivityId) -> () = |w, ctx| activity::delete(w, ctx, id);

                // calendars
                /// Creates a calendar.
                fn create_calendar(input: CalendarInput) -> Calendar = |w, ctx| {
                    calendar::create(w, ctx, &input)
                };
                /// Replaces a calendar's name, owner, members and time zone.
                fn update_calendar(id: CalendarId, input: CalendarInput) -> Calendar = |w, ctx| {
                    calendar::update(w, ctx, id, &input)
                };
                /// Deletes a calendar; its activities stay, outside any calendar.
                fn delete_calendar(id: CalendarId) -> () = |w, ctx| calendar::delete(w, ctx, id);
                /// Imports the text of an iCalendar (`.ics`) file into a calendar in one
                /// transaction; what could not be imported is reported, never fatal.
                fn import_ical(calendar: CalendarId, ics: &str) -> IcalImportReport = |w, ctx| {
                    ical::import_ical(w, ctx, calendar, ics)
                };
            }
        }
    };
}

use chrono::{DateTime, Utc};

use crate::activities::activity::{
    self, Activity, ActivityInput, CompletedActivity, Completion, ParticipantResponse, TaskQuery,
};
use crate::activities::calendar::{
    self, AgendaQuery, Calendar, CalendarInput, DueReminder, EventInstance, FreeBusyQuery,
    ReminderQuery, TimeSpan,
};
use crate::activities::listing::{self, ActivityFilter, ActivityQuery};
use crate::activities::timeline::{self, Journey, TimelinePage, TimelineQuery};
use crate::api::crm::{Batch, Crm, View};
use crate::formats::ical::{self, IcalExport, IcalImportReport};
use crate::queries::query::Page;
use crate::values::error::Result;
use crate::values::id::{ActivityId, CalendarId, ContactId};

crate::activities_operations!(crm_macros::core_operations);
