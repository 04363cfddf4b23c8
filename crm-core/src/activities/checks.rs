//! What `verify` checks of activities and calendars: the records an activity links to or
//! involves exist, and so do its calendar and the activity it follows.

use std::collections::BTreeSet;

use crate::activities::activity::Activity;
use crate::activities::calendar::Calendar;
use crate::records::integrity::{Verifier, Verify};
use crate::records::record::Record;
use crate::records::tables;
use crate::storage::store::AnyTx;
use crate::values::error::Result;
use crate::values::id::{ActivityId, CalendarId, RecordRef};

/// The activities domain's records, between collecting and checking.
#[derive(Default)]
pub(crate) struct Checks {
    activities: Vec<Activity>,
    calendars: Vec<Calendar>,
}

impl Verify for Checks {
    fn collect(&mut self, r: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()> {
        self.activities = v.records(r)?;
        self.calendars = v.records(r)?;
        v.name_ids(tables::ACTIVITIES, |raw| {
            ActivityId::from_u128(raw).to_string()
        });
        v.name_ids(tables::CALENDARS, |raw| {
            CalendarId::from_u128(raw).to_string()
        });
        Ok(())
    }

    fn check(&mut self, _: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()> {
        let calendar_ids: BTreeSet<u128> = self.calendars.iter().map(Record::raw_id).collect();
        let activity_ids: BTreeSet<u128> = self.activities.iter().map(Record::raw_id).collect();
        for a in &self.activities {
            let contacts_taking_part = a
                .participants
                .iter()
                .filter_map(|p| p.contact)
                .map(RecordRef::Contact);
            if a.links
                .iter()
                .copied()
                .chain(contacts_taking_part)
                .filter(|x| !v.exists(*x))
                .count()
                > 0
            {
                v.flaw(a, format!("{} links a record that does not exist", a.id));
            }
            if a.calendar
                .is_some_and(|c| !calendar_ids.contains(&c.as_u128()))
            {
                v.flaw(a, format!("{} is in a calendar that does not exist", a.id));
            }
            if a.follows
                .is_some_and(|f| !activity_ids.contains(&f.as_u128()))
            {
                v.flaw(
                    a,
                    format!("{} follows an activity that does not exist", a.id),
                );
            }
        }
        Ok(())
    }
}
