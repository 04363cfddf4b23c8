//! Activities and communication: calls, meetings, tasks, calendars, recurrence, timelines.

pub(crate) mod activity;
pub(crate) mod calendar;
pub(crate) mod checks;
pub(crate) mod listing;
pub(crate) mod recurrence;
pub(crate) mod timeline;
