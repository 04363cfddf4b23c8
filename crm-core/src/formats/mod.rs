//! Formats in and out: iCalendar, bulk import.

pub(crate) mod bulk;
pub(crate) mod ical;
