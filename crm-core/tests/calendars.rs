//! Calendars, agendas, recurring events across daylight-saving changes, free/busy and
//! reminders, through the public API.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Warsaw;
use common::*;
use crm_core::*;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn warsaw(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Warsaw
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn field_of<T: std::fmt::Debug>(r: Result<T>) -> String {
    match r {
        Err(e) => e.field().unwrap_or("").to_string(),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

fn weekly(weekdays: Vec<Weekday>) -> Recurrence {
    Recurrence {
        frequency: Frequency::Weekly,
        interval: 1,
        weekdays,
        position: None,
        until: None,
        count: None,
        exceptions: vec![],
    }
}

fn personal(crm: &Crm, owner: &str) -> Calendar {
    crm.create_calendar(CalendarInput {
        name: format!("{owner}'s calendar"),
        owner: Some(owner.into()),
        time_zone: Some("Europe/Warsaw".into()),
        ..CalendarInput::default()
    })
    .unwrap()
}

#[test]
fn a_weekly_meeting_keeps_its_local_time_across_daylight_saving_changes() {
    let crm = crm();
    let cal = personal(&crm, "maria");
    // Mondays and Wednesdays at 09:00 in Warsaw, from Monday 16 March 2026, ten times,
    // except Wednesday 25 March. Summer time starts on Sunday 29 March.
    let mut rule = weekly(vec![Weekday::Monday, Weekday::Wednesday]);
    rule.count = Some(10);
    rule.exceptions = vec![warsaw(2026, 3, 25, 9, 0)];
    let standup = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Meeting,
            subject: "Stand-up".into(),
            owner: Some("maria".into()),
            starts_at: Some(warsaw(2026, 3, 16, 9, 0)),
            ends_at: Some(warsaw(2026, 3, 16, 9, 15)),
            time_zone: Some("Europe/Warsaw".into()),
            calendar: Some(cal.id),
            recurrence: Some(rule),
            ..ActivityInput::default()
        })
        .unwrap();
    let all = crm
        .activity_occurrences(standup.id, at(2026, 1, 1, 0, 0), None)
        .unwrap();
    let expected: Vec<DateTime<Utc>> = [
        (3, 16),
        (3, 18),
        (3, 23),
        (3, 30),
        (4, 1),
        (4, 6),
        (4, 8),
        (4, 13),
        (4, 15),
    ]
    .into_iter()
    .map(|(m, d)| warsaw(2026, m, d, 9, 0))
    .collect();
    assert_eq!(
        all.iter().map(|o| o.starts_at).collect::<Vec<_>>(),
        expected,
        "ten generated, one removed"
    );
    assert_eq!(all[2].starts_at, at(2026, 3, 23, 8, 0), "winter: UTC+1");
    assert_eq!(all[3].starts_at, at(2026, 3, 30, 7, 0), "summer: UTC+2");
    assert!(
        all.iter()
            .all(|o| o.ends_at - o.starts_at == Duration::minutes(15))
    );
    // The agenda of a week shows the week's instances, for the calendar and for its owner.
    for q in [
        AgendaQuery {
            calendar: Some(cal.id),
            user: None,
            from: at(2026, 3, 29, 0, 0),
            until: at(2026, 4, 5, 0, 0),
            include_cancelled: false,
        },
        AgendaQuery {
            calendar: None,
            user: Some("maria".into()),
            from: at(2026, 3, 29, 0, 0),
            until: at(2026, 4, 5, 0, 0),
            include_cancelled: false,
        },
    ] {
        let week = crm.agenda(&q).unwrap();
        assert_eq!(
            week.iter().map(|e| e.starts_at).collect::<Vec<_>>(),
            vec![at(2026, 3, 30, 7, 0), at(2026, 4, 1, 7, 0)]
        );
        assert!(week.iter().all(|e| e.activity.id == standup.id));
    }
}

#[test]
fn expanding_a_series_that_never_ends_needs_an_end() {
    let crm = crm();
    let daily = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Call,
            subject: "Daily check".into(),
            starts_at: Some(at(2026, 11, 23, 8, 0)),
            recurrence: Some(Recurrence {
                frequency: Frequency::Daily,
                ..weekly(vec![])
            }),
            ..ActivityInput::default()
        })
        .unwrap();
    assert_eq!(
        field_of(crm.activity_occurrences(daily.id, at(2026, 11, 1, 0, 0), None)),
        "until"
    );
    let week = crm
        .activity_occurrences(
            daily.id,
            at(2026, 11, 1, 0, 0),
            Some(at(2026, 11, 30, 0, 0)),
        )
        .unwrap();
    assert_eq!(week.len(), 7, "23 to 29 November");
    // Fifty years of a daily series is more than one query returns.
    assert_eq!(
        field_of(crm.activity_occurrences(
            daily.id,
            at(2026, 11, 1, 0, 0),
            Some(at(2076, 11, 30, 0, 0))
        )),
        "until"
    );
    assert_eq!(
        field_of(crm.activity_occurrences(
            daily.id,
            at(2026, 11, 30, 0, 0),
            Some(at(2026, 11, 1, 0, 0))
        )),
        "until"
    );
}

#[test]
fn agendas_find_long_events_that_started_before_the_range_and_skip_cancelled_ones() {
    let crm = crm();
    let cal = personal(&crm, "maria");
    let event = |subject: &str, s, e| {
        crm.create_activity(ActivityInput {
            kind: ActivityKind::Meeting,
            subject: subject.into(),
            starts_at: Some(s),
            ends_at: Some(e),
            calendar: Some(cal.id),
            ..ActivityInput::default()
        })
        .unwrap()
    };
    let fair = event("Targi", at(2026, 11, 1, 8, 0), at(2026, 11, 20, 16, 0));
    let before = event("Before", at(2026, 11, 9, 8, 0), at(2026, 11, 10, 0, 0));
    let inside = event("Inside", at(2026, 11, 12, 8, 0), at(2026, 11, 12, 9, 0));
    let after = event("After", at(2026, 11, 17, 0, 0), at(2026, 11, 17, 1, 0));
    let cancelled = event("Off", at(2026, 11, 13, 8, 0), at(2026, 11, 13, 9, 0));
    crm.cancel_activity(cancelled.id).unwrap();
    let q = |include_cancelled| AgendaQuery {
        calendar: Some(cal.id),
        user: None,
        from: at(2026, 11, 10, 0, 0),
        until: at(2026, 11, 17, 0, 0),
        include_cancelled,
    };
    let ids = |v: Vec<EventInstance>| v.into_iter().map(|e| e.activity.id).collect::<Vec<_>>();
    assert_eq!(
        ids(crm.agenda(&q(false)).unwrap()),
        vec![fair.id, inside.id]
    );
    assert_eq!(
        ids(crm.agenda(&q(true)).unwrap()),
        vec![fair.id, inside.id, cancelled.id]
    );
    let _ = (before, after);
    assert_eq!(
        field_of(crm.agenda(&AgendaQuery {
            calendar: None,
            ..q(false)
        })),
        "calendar"
    );
    // Deleting the calendar keeps its activities.
    crm.delete_calendar(cal.id).unwrap();
    assert_eq!(crm.get_activity(inside.id).unwrap().calendar, None);
    assert!(crm.calendars().unwrap().is_empty());
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn free_busy_merges_a_users_events_and_ignores_declined_all_day_and_cancelled_ones() {
    let crm = crm();
    let meeting = |s, e, participants: Vec<Participant>, owner: Option<&str>| {
        crm.create_activity(ActivityInput {
            kind: ActivityKind::Meeting,
            subject: "m".into(),
            owner: owner.map(Into::into),
            starts_at: Some(s),
            ends_at: Some(e),
            participants,
            time_zone: Some("Europe/Warsaw".into()),
            ..ActivityInput::default()
        })
        .unwrap()
    };
    let jan = |status| Participant {
        user: Some("jan".into()),
        status,
        ..Participant::default()
    };
    meeting(
        at(2026, 12, 1, 9, 0),
        at(2026, 12, 1, 10, 0),
        vec![],
        Some("jan"),
    );
    meeting(
        at(2026, 12, 1, 9, 30),
        at(2026, 12, 1, 11, 0),
        vec![jan(ParticipantStatus::Accepted)],
        Some("maria"),
    );
    meeting(
        at(2026, 12, 1, 11, 0),
        at(2026, 12, 1, 11, 30),
        vec![jan(ParticipantStatus::Tentative)],
        None,
    );
    meeting(
        at(2026, 12, 1, 13, 0),
        at(2026, 12, 1, 14, 0),
        vec![jan(ParticipantStatus::Declined)],
        Some("maria"),
    );
    let off = meeting(
        at(2026, 12, 1, 15, 0),
        at(2026, 12, 1, 16, 0),
        vec![],
        Some("jan"),
    );
    crm.cancel_activity(off.id).unwrap();
    crm.create_activity(ActivityInput {
        kind: ActivityKind::Other,
        subject: "Urlop".into(),
        owner: Some("jan".into()),
        all_day: true,
        starts_at: Some(warsaw(2026, 12, 1, 0, 0)),
        time_zone: Some("Europe/Warsaw".into()),
        ..ActivityInput::default()
    })
    .unwrap();
    // Runs past the range's end: clipped.
    meeting(
        at(2026, 12, 1, 17, 0),
        at(2026, 12, 1, 19, 0),
        vec![],
        Some("jan"),
    );
    let busy = crm
        .free_busy(&FreeBusyQuery {
            user: "jan".into(),
            from: at(2026, 12, 1, 0, 0),
            until: at(2026, 12, 1, 18, 0),
        })
        .unwrap();
    let spans: Vec<_> = busy.iter().map(|b| (b.starts_at, b.ends_at)).collect();
    assert_eq!(
        spans,
        vec![
            (at(2026, 12, 1, 9, 0), at(2026, 12, 1, 11, 30)),
            (at(2026, 12, 1, 17, 0), at(2026, 12, 1, 18, 0)),
        ]
    );
}

#[test]
fn reminders_fall_due_for_single_and_recurring_activities() {
    let crm = crm();
    let call = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Call,
            subject: "Call Ana".into(),
            owner: Some("maria".into()),
            starts_at: Some(at(2026, 12, 1, 10, 0)),
            reminders: vec![15, 60],
            ..ActivityInput::default()
        })
        .unwrap();
    let mut rule = weekly(vec![]);
    rule.count = Some(3);
    let weekly_review = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Meeting,
            subject: "Review".into(),
            owner: Some("jan".into()),
            starts_at: Some(warsaw(2026, 11, 24, 9, 0)),
            time_zone: Some("Europe/Warsaw".into()),
            reminders: vec![30],
            recurrence: Some(rule),
            ..ActivityInput::default()
        })
        .unwrap();
    let task = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Task,
            subject: "Send offer".into(),
            owner: Some("maria".into()),
            due_at: Some(at(2026, 12, 1, 12, 0)),
            reminders: vec![120],
            ..ActivityInput::default()
        })
        .unwrap();
    let due = |from, until, owner: Option<&str>| {
        crm.reminders_due(&ReminderQuery {
            from,
            until,
            owner: owner.map(Into::into),
        })
        .unwrap()
        .into_iter()
        .map(|r| (r.remind_at, r.activity, r.minutes_before))
        .collect::<Vec<_>>()
    };
    assert_eq!(
        due(at(2026, 12, 1, 8, 0), at(2026, 12, 1, 10, 0), None),
        vec![
            (at(2026, 12, 1, 9, 0), call.id, 60),
            (at(2026, 12, 1, 9, 45), call.id, 15),
        ],
        "the task's reminder is at 10:00, the range's end"
    );
    assert_eq!(
        due(
            at(2026, 12, 1, 10, 0),
            at(2026, 12, 1, 10, 1),
            Some("maria")
        ),
        vec![(at(2026, 12, 1, 10, 0), task.id, 120)]
    );
    assert_eq!(
        due(at(2026, 11, 20, 0, 0), at(2026, 12, 31, 0, 0), Some("jan")),
        vec![
            (at(2026, 11, 24, 7, 30), weekly_review.id, 30),
            (at(2026, 12, 1, 7, 30), weekly_review.id, 30),
            (at(2026, 12, 8, 7, 30), weekly_review.id, 30),
        ]
    );
    // Done activities remind no one.
    crm.complete_activity(call.id, Completion::default())
        .unwrap();
    assert!(due(at(2026, 12, 1, 8, 0), at(2026, 12, 1, 10, 0), None).is_empty());
}

#[test]
fn calendars_are_personal_or_shared_by_a_team() {
    let crm = crm();
    let team = crm
        .create_calendar(CalendarInput {
            name: "Sprzedaż".into(),
            members: vec!["maria".into(), "jan".into()],
            ..CalendarInput::default()
        })
        .unwrap();
    assert_eq!(team.time_zone, "UTC");
    assert_eq!(
        field_of(crm.create_calendar(CalendarInput {
            name: "x".into(),
            ..CalendarInput::default()
        })),
        "owner"
    );
    assert_eq!(
        field_of(crm.create_calendar(CalendarInput {
            name: "x".into(),
            members: vec!["a".into(), "a".into()],
            ..CalendarInput::default()
        })),
        "members[1]"
    );
    assert_eq!(
        field_of(crm.create_calendar(CalendarInput {
            name: "x".into(),
            owner: Some("a".into()),
            time_zone: Some("Mars/Olympus".into()),
            ..CalendarInput::default()
        })),
        "time_zone"
    );
    let renamed = crm
        .update_calendar(
            team.id,
            CalendarInput {
                name: "Sprzedaż PL".into(),
                members: vec!["maria".into()],
                time_zone: Some("Europe/Warsaw".into()),
                ..CalendarInput::default()
            },
        )
        .unwrap();
    assert_eq!(crm.get_calendar(team.id).unwrap(), renamed);
    assert_eq!(crm.calendars().unwrap(), vec![renamed]);
}

#[test]
fn exporting_a_calendar_and_importing_it_gives_the_same_events() {
    let crm = crm();
    let ana = crm
        .create_contact(person("Ana", "Pop", "ana@firma.ro"))
        .unwrap();
    let cal = personal(&crm, "maria");
    let mut monthly = Recurrence {
        frequency: Frequency::Monthly,
        weekdays: vec![Weekday::Tuesday],
        position: Some(2),
        until: Some(warsaw(2027, 6, 30, 23, 0)),
        ..weekly(vec![])
    };
    monthly.exceptions = vec![warsaw(2027, 1, 12, 14, 0)];
    let inputs = vec![
        ActivityInput {
            kind: ActivityKind::Meeting,
            subject: "Przegląd; miesięczny, z Aną".into(),
            body: Some("Agenda:\n1. Liczby\n2. Plany".into()),
            owner: Some("maria".into()),
            starts_at: Some(warsaw(2026, 12, 8, 14, 0)),
            ends_at: Some(warsaw(2026, 12, 8, 15, 30)),
            time_zone: Some("Europe/Warsaw".into()),
            location: Some("Łódź, Piotrkowska 1".into()),
            participants: vec![
                Participant {
                    contact: Some(ana.id),
                    status: ParticipantStatus::Accepted,
                    ..Participant::default()
                },
                Participant {
                    email: Some("gosc@example.com".into()),
                    name: Some("Gość".into()),
                    status: ParticipantStatus::Tentative,
                    ..Participant::default()
                },
            ],
            reminders: vec![15, 1440],
            recurrence: Some(monthly),
            calendar: Some(cal.id),
            ..ActivityInput::default()
        },
        ActivityInput {
            kind: ActivityKind::Other,
            other_kind: Some("urlop".into()),
            subject: "Urlop".into(),
            owner: Some("maria".into()),
            all_day: true,
            starts_at: Some(warsaw(2026, 12, 24, 0, 0)),
            ends_at: Some(warsaw(2026, 12, 28, 0, 0)),
            time_zone: Some("Europe/Warsaw".into()),
            calendar: Some(cal.id),
            ..ActivityInput::default()
        },
        ActivityInput {
            kind: ActivityKind::Task,
            subject: "Wyślij umowę".into(),
            owner: Some("maria".into()),
            due_at: Some(at(2026, 12, 10, 16, 0)),
            priority: Some(Priority::High),
            reminders: vec![60],
            calendar: Some(cal.id),
            ..ActivityInput::default()
        },
        ActivityInput {
            kind: ActivityKind::Call,
            subject: "Telefon".into(),
            owner: Some("maria".into()),
            starts_at: Some(at(2026, 12, 11, 9, 0)),
            ends_at: Some(at(2026, 12, 11, 9, 20)),
            direction: Some(InteractionDirection::Outbound),
            status: Some(ActivityStatus::Cancelled),
            calendar: Some(cal.id),
            ..ActivityInput::default()
        },
    ];
    let originals: Vec<Activity> = inputs
        .into_iter()
        .map(|i| crm.create_activity(i).unwrap())
        .collect();
    let ics = crm
        .export_ical(&IcalExport {
            calendar: cal.id,
            from: None,
            until: None,
        })
        .unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(
        ics.contains("mailto:ana@firma.ro"),
        "contacts go out with their email"
    );
    let copy = personal(&crm, "maria");
    let report = crm.import_ical(copy.id, &ics).unwrap();
    assert_eq!(report.skipped, vec![]);
    assert_eq!(report.created.len(), originals.len());
    let comparable = |a: &Activity| {
        let mut i = a.to_input();
        i.calendar = None;
        i.ical_uid = None;
        i
    };
    for (orig, id) in originals.iter().zip(&report.created) {
        let back = crm.get_activity(*id).unwrap();
        assert_eq!(back.calendar, Some(copy.id));
        assert_eq!(comparable(&back), comparable(orig), "{}", orig.subject);
    }
    // Importing the same file again finds the same activities, and changes nothing.
    let before: Vec<Activity> = report
        .created
        .iter()
        .map(|id| crm.get_activity(*id).unwrap())
        .collect();
    let again = crm.import_ical(copy.id, &ics).unwrap();
    assert_eq!(again.created, vec![]);
    assert_eq!(again.updated, report.created);
    for a in &before {
        assert_eq!(
            &crm.get_activity(a.id).unwrap(),
            a,
            "untouched: {}",
            a.subject
        );
    }
    // A range exports only the events with an occurrence in it.
    let december_11 = crm
        .export_ical(&IcalExport {
            calendar: cal.id,
            from: Some(at(2026, 12, 11, 0, 0)),
            until: Some(at(2026, 12, 12, 0, 0)),
        })
        .unwrap();
    assert!(december_11.contains("SUMMARY:Telefon"));
    assert!(!december_11.contains("Urlop"));
    assert!(!december_11.contains("Przegl"));
}
