//! Activities, follow-ups, tasks, timelines and the customer journey, through the public API.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use crm_core::*;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn call(subject: &str, links: Vec<RecordRef>) -> ActivityInput {
    ActivityInput {
        kind: ActivityKind::Call,
        subject: subject.into(),
        links,
        ..ActivityInput::default()
    }
}

fn field_of<T: std::fmt::Debug>(r: Result<T>) -> String {
    match r {
        Err(e) => e.field().unwrap_or("").to_string(),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

#[test]
fn an_activity_appears_on_the_timeline_of_every_linked_record_and_contact_taking_part() {
    let crm = crm();
    let ana = crm
        .create_contact(person("Ana", "Pop", "ana@firma.ro"))
        .unwrap();
    let jan = crm
        .create_contact(person("Jan", "Nowak", "jan@firma.pl"))
        .unwrap();
    let firm = crm.create_company(firm("Młyny", "mlyny.pl")).unwrap();
    let deal = crm
        .create_deal(DealInput {
            title: "Młyny – licencje".into(),
            ..DealInput::default()
        })
        .unwrap();
    let meeting = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Meeting,
            subject: "Prezentacja".into(),
            starts_at: Some(at(2026, 11, 24, 10, 0)),
            ends_at: Some(at(2026, 11, 24, 11, 0)),
            participants: vec![
                Participant {
                    contact: Some(jan.id),
                    status: ParticipantStatus::Accepted,
                    ..Participant::default()
                },
                Participant {
                    email: Some("Gosc@Example.com".into()),
                    ..Participant::default()
                },
            ],
            links: vec![firm.id.into(), RecordRef::Deal(deal.id), ana.id.into()],
            ..ActivityInput::default()
        })
        .unwrap();
    assert_eq!(
        meeting.channel,
        Some(Channel::InPerson),
        "a meeting's default"
    );
    assert_eq!(meeting.status, ActivityStatus::Planned);
    assert_eq!(
        meeting.participants[1].email.as_deref(),
        Some("Gosc@example.com")
    );
    for r in [
        RecordRef::from(ana.id),
        jan.id.into(),
        firm.id.into(),
        RecordRef::Deal(deal.id),
    ] {
        let page = crm.timeline(&TimelineQuery::new(r)).unwrap();
        let acts: Vec<_> = page
            .items
            .iter()
            .filter_map(|e| e.activity.as_ref())
            .map(|a| a.id)
            .collect();
        assert_eq!(acts, vec![meeting.id], "on the timeline of {r:?}");
        let created = page.items.last().unwrap();
        assert_eq!(created.kind, TimelineEntryKind::Created);
    }
    // A deal's timeline also shows its stage changes.
    let deal_page = crm
        .timeline(&TimelineQuery::new(RecordRef::Deal(deal.id)))
        .unwrap();
    assert!(
        deal_page
            .items
            .iter()
            .any(|e| e.kind == TimelineEntryKind::StageChange)
    );
    // Unlinking takes it off the timeline.
    let mut input = meeting.to_input();
    input.links = vec![firm.id.into()];
    crm.update_activity(meeting.id, input).unwrap();
    let ana_page = crm.timeline(&TimelineQuery::new(ana.id)).unwrap();
    assert!(ana_page.items.iter().all(|e| e.activity.is_none()));
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn bad_activities_are_refused_naming_the_field_and_change_nothing() {
    let crm = crm();
    let ana = crm
        .create_contact(person("Ana", "Pop", "ana@firma.ro"))
        .unwrap();
    let before = dump(&crm);
    let base = || ActivityInput {
        kind: ActivityKind::Meeting,
        subject: "Spotkanie".into(),
        starts_at: Some(at(2026, 12, 1, 10, 0)),
        links: vec![ana.id.into()],
        ..ActivityInput::default()
    };
    let cases: Vec<(ActivityInput, &str)> = vec![
        (
            ActivityInput {
                ends_at: Some(at(2026, 12, 1, 9, 0)),
                ..base()
            },
            "ends_at",
        ),
        (
            ActivityInput {
                starts_at: None,
                ends_at: Some(at(2026, 12, 1, 9, 0)),
                ..base()
            },
            "ends_at",
        ),
        (
            ActivityInput {
                ends_at: Some(at(2028, 12, 1, 9, 0)),
                ..base()
            },
            "ends_at",
        ),
        (
            ActivityInput {
                links: vec![ana.id.into(), RecordRef::Deal(DealId::from_u128(999))],
                ..base()
            },
            "links[1]",
        ),
        (
            ActivityInput {
                links: vec![ana.id.into(), ana.id.into()],
                ..base()
            },
            "links[1]",
        ),
        (
            ActivityInput {
                subject: "  ".into(),
                ..base()
            },
            "subject",
        ),
        (
            ActivityInput {
                other_kind: Some("wizyta".into()),
                ..base()
            },
            "other_kind",
        ),
        (
            ActivityInput {
                time_zone: Some("Europe/Łódź".into()),
                ..base()
            },
            "time_zone",
        ),
        (
            ActivityInput {
                participants: vec![Participant {
                    contact: Some(ana.id),
                    email: Some("ana@firma.ro".into()),
                    ..Participant::default()
                }],
                ..base()
            },
            "participants[0]",
        ),
        (
            ActivityInput {
                participants: vec![Participant {
                    contact: Some(ContactId::from_u128(77)),
                    ..Participant::default()
                }],
                ..base()
            },
            "participants[0].contact",
        ),
        (
            ActivityInput {
                participants: vec![Participant {
                    email: Some("not an email".into()),
                    ..Participant::default()
                }],
                ..base()
            },
            "participants[0].email",
        ),
        (
            ActivityInput {
                calendar: Some(CalendarId::from_u128(5)),
                ..base()
            },
            "calendar",
        ),
        (
            ActivityInput {
                reminders: vec![15, 50_000],
                ..base()
            },
            "reminders[1]",
        ),
        (
            ActivityInput {
                starts_at: None,
                recurrence: Some(Recurrence {
                    frequency: Frequency::Daily,
                    interval: 1,
                    weekdays: vec![],
                    position: None,
                    until: None,
                    count: None,
                    exceptions: vec![],
                }),
                ..base()
            },
            "recurrence",
        ),
        (
            ActivityInput {
                recurrence: Some(Recurrence {
                    frequency: Frequency::Weekly,
                    interval: 0,
                    weekdays: vec![],
                    position: None,
                    until: None,
                    count: None,
                    exceptions: vec![],
                }),
                ..base()
            },
            "recurrence.interval",
        ),
        (
            ActivityInput {
                all_day: true,
                ..base()
            },
            "starts_at",
        ),
    ];
    for (input, field) in cases {
        assert_eq!(field_of(crm.create_activity(input)), field);
    }
    assert_eq!(dump(&crm), before);
    // Inside a batch too: the refused operation writes nothing, the batch goes on.
    crm.batch(|b| {
        assert!(
            b.create_activity(ActivityInput {
                ends_at: Some(at(2026, 12, 1, 9, 0)),
                ..base()
            })
            .is_err()
        );
        Ok(())
    })
    .unwrap();
    assert_eq!(dump(&crm), before);
}

#[test]
fn completing_a_call_plans_the_next_one_and_the_chain_walks_both_ways() {
    let (b, clock) = builder();
    let crm = b.open_in_memory().unwrap();
    let ana = crm
        .create_contact(person("Ana", "Pop", "ana@firma.ro"))
        .unwrap();
    let first = crm
        .create_activity(ActivityInput {
            starts_at: Some(at(2026, 11, 22, 12, 0)),
            ends_at: Some(at(2026, 11, 22, 12, 15)),
            owner: Some("maria".into()),
            direction: Some(InteractionDirection::Outbound),
            ..call("Pierwszy telefon", vec![ana.id.into()])
        })
        .unwrap();
    clock.set(at(2026, 11, 22, 12, 20));
    let done = crm
        .complete_activity(
            first.id,
            Completion {
                outcome: Some("call back".into()),
                next: Some(NextActivity {
                    in_days: 3,
                    ..NextActivity::default()
                }),
            },
        )
        .unwrap();
    assert_eq!(done.activity.status, ActivityStatus::Done);
    assert_eq!(done.activity.outcome.as_deref(), Some("call back"));
    assert_eq!(done.activity.completed_at, Some(at(2026, 11, 22, 12, 20)));
    let second = done.next.unwrap();
    assert_eq!(second.kind, ActivityKind::Call);
    assert_eq!(second.follows, Some(first.id));
    assert_eq!(second.starts_at, Some(at(2026, 11, 25, 12, 20)));
    assert_eq!(
        second.ends_at,
        Some(at(2026, 11, 25, 12, 35)),
        "as long as the first"
    );
    assert_eq!(second.links, vec![RecordRef::from(ana.id)]);
    assert_eq!(second.owner.as_deref(), Some("maria"));
    assert_eq!(second.status, ActivityStatus::Planned);
    // A task next, due in two days.
    let third = crm
        .complete_activity(
            second.id,
            Completion {
                outcome: Some("wants an offer".into()),
                next: Some(NextActivity {
                    kind: Some(ActivityKind::Task),
                    subject: Some("Send the offer".into()),
                    in_days: 2,
                    ..NextActivity::default()
                }),
            },
        )
        .unwrap()
        .next
        .unwrap();
    assert_eq!(third.kind, ActivityKind::Task);
    assert!(third.due_at.is_some() && third.starts_at.is_none());
    let ids = |v: Vec<Activity>| v.into_iter().map(|a| a.id).collect::<Vec<_>>();
    for from in [first.id, second.id, third.id] {
        assert_eq!(
            ids(crm.activity_chain(from).unwrap()),
            vec![first.id, second.id, third.id]
        );
    }
    assert_eq!(ids(crm.follow_ups(first.id).unwrap()), vec![second.id]);
    assert_eq!(crm.get_activity(third.id).unwrap().follows, Some(second.id));
    // Completing twice is refused; reopening makes it planned again.
    assert_eq!(
        field_of(crm.complete_activity(first.id, Completion::default())),
        "status"
    );
    let reopened = crm.reopen_activity(first.id).unwrap();
    assert_eq!(reopened.status, ActivityStatus::Planned);
    assert_eq!(reopened.completed_at, None);
    // A follow-up that would be refused leaves the first activity planned.
    let bad = crm.complete_activity(
        first.id,
        Completion {
            next: Some(NextActivity {
                subject: Some(" ".repeat(3)),
                ..NextActivity::default()
            }),
            ..Completion::default()
        },
    );
    assert!(bad.is_err());
    assert_eq!(
        crm.get_activity(first.id).unwrap().status,
        ActivityStatus::Planned
    );
    // Deleting the middle one unlinks the chain.
    crm.delete_activity(second.id).unwrap();
    assert_eq!(crm.get_activity(third.id).unwrap().follows, None);
    assert_eq!(ids(crm.activity_chain(first.id).unwrap()), vec![first.id]);
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn task_lists_per_owner_overdue_due_today_open_and_done() {
    let (b, clock) = builder();
    let crm = b.open_in_memory().unwrap();
    // 2026-11-22 09:00 UTC is 10:00 in Warsaw.
    let task = |subject: &str, owner: &str, due: Option<DateTime<Utc>>, p: Priority| {
        crm.create_activity(ActivityInput {
            kind: ActivityKind::Task,
            subject: subject.into(),
            owner: Some(owner.into()),
            due_at: due,
            priority: Some(p),
            ..ActivityInput::default()
        })
        .unwrap()
    };
    let late = task("late", "maria", Some(at(2026, 11, 20, 8, 0)), Priority::Low);
    let today_low = task(
        "today low",
        "maria",
        Some(at(2026, 11, 22, 15, 0)),
        Priority::Low,
    );
    let today_high = task(
        "today high",
        "maria",
        Some(at(2026, 11, 22, 15, 0)),
        Priority::High,
    );
    // 23:30 UTC on the 22nd is already the 23rd in Warsaw.
    let tomorrow = task(
        "tomorrow",
        "maria",
        Some(at(2026, 11, 22, 23, 30)),
        Priority::Normal,
    );
    let undated = task("someday", "maria", None, Priority::High);
    let other = task(
        "not hers",
        "jan",
        Some(at(2026, 11, 20, 8, 0)),
        Priority::High,
    );
    clock.set(at(2026, 11, 22, 9, 0));
    let list = |list: TaskList, tz: Option<&str>| {
        crm.tasks(&TaskQuery {
            owner: "maria".into(),
            list,
            time_zone: tz.map(Into::into),
        })
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect::<Vec<_>>()
    };
    assert_eq!(list(TaskList::Overdue, None), vec![late.id]);
    assert_eq!(
        list(TaskList::DueToday, None),
        vec![today_high.id, today_low.id, tomorrow.id],
        "in UTC 23:30 is still today; high priority first at equal times"
    );
    assert_eq!(
        list(TaskList::DueToday, Some("Europe/Warsaw")),
        vec![today_high.id, today_low.id]
    );
    assert_eq!(
        list(TaskList::Open, None),
        vec![
            late.id,
            today_high.id,
            today_low.id,
            tomorrow.id,
            undated.id
        ]
    );
    assert!(list(TaskList::Done, None).is_empty());
    crm.complete_activity(late.id, Completion::default())
        .unwrap();
    crm.complete_activity(undated.id, Completion::default())
        .unwrap();
    assert_eq!(list(TaskList::Done, None), vec![undated.id, late.id]);
    assert!(list(TaskList::Overdue, None).is_empty());
    crm.reopen_activity(late.id).unwrap();
    assert_eq!(list(TaskList::Overdue, None), vec![late.id]);
    crm.cancel_activity(late.id).unwrap();
    assert!(list(TaskList::Overdue, None).is_empty());
    assert_eq!(
        crm.tasks(&TaskQuery {
            owner: "jan".into(),
            list: TaskList::Overdue,
            time_zone: None
        })
        .unwrap()[0]
            .id,
        other.id
    );
    assert_eq!(
        field_of(crm.tasks(&TaskQuery {
            owner: " ".into(),
            list: TaskList::Open,
            time_zone: None
        })),
        "owner"
    );
}

#[test]
fn timelines_record_changes_and_page_through_everything_once() {
    let crm = crm();
    let ana = crm
        .create_contact(person("Ana", "Pop", "ana@firma.ro"))
        .unwrap();
    let mut input = ana.to_input();
    input.lifecycle_stage = Some("lead".into());
    crm.update_contact(ana.id, input.clone()).unwrap();
    input.lifecycle_stage = Some("customer".into());
    input.job_title = Some("CEO".into());
    crm.update_contact(ana.id, input.clone()).unwrap();
    // An update that changes nothing records nothing.
    crm.update_contact(ana.id, input).unwrap();
    crm.add_contact_tags(ana.id, &["vip".into()]).unwrap();
    for i in 0..7 {
        crm.create_activity(ActivityInput {
            kind: ActivityKind::Note,
            subject: format!("note {i}"),
            links: vec![ana.id.into()],
            ..ActivityInput::default()
        })
        .unwrap();
    }
    let all = crm
        .timeline(&TimelineQuery {
            limit: 1000,
            ..TimelineQuery::new(ana.id)
        })
        .unwrap();
    assert_eq!(all.next_cursor, None);
    let kinds: Vec<_> = all.items.iter().map(|e| e.kind).collect();
    assert_eq!(kinds.len(), 1 + 3 + 7);
    assert_eq!(kinds.last(), Some(&TimelineEntryKind::Created));
    let changes: Vec<&RecordChange> = all.items.iter().filter_map(|e| e.change.as_ref()).collect();
    assert_eq!(changes.len(), 3);
    // Newest first: tags, then stage to customer, then to lead.
    assert_eq!(changes[0].fields, vec!["tags".to_string()]);
    assert_eq!(changes[1].stage_from.as_deref(), Some("lead"));
    assert_eq!(changes[1].stage_to.as_deref(), Some("customer"));
    assert!(changes[1].fields.contains(&"job_title".to_string()));
    assert_eq!(changes[2].stage_from, None);
    assert_eq!(changes[2].stage_to.as_deref(), Some("lead"));
    assert!(all.items.windows(2).all(|w| w[0].at >= w[1].at));
    // Pages of 3, both ways, give the same entries once each.
    for oldest_first in [false, true] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = crm
                .timeline(&TimelineQuery {
                    record: ana.id.into(),
                    limit: 3,
                    cursor,
                    oldest_first,
                })
                .unwrap();
            assert!(page.items.len() <= 3);
            seen.extend(page.items);
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let mut expected = all.items.clone();
        if oldest_first {
            expected.reverse();
        }
        assert_eq!(seen, expected);
    }
    assert_eq!(
        field_of(crm.timeline(&TimelineQuery {
            cursor: Some("o123.a.00".into()),
            ..TimelineQuery::new(ana.id)
        })),
        "cursor"
    );
    assert_eq!(
        field_of(crm.timeline(&TimelineQuery {
            limit: 0,
            ..TimelineQuery::new(ana.id)
        })),
        "limit"
    );
    assert!(matches!(
        crm.timeline(&TimelineQuery::new(ContactId::from_u128(5))),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn the_customer_journey_lists_touchpoints_with_channel_and_stage() {
    let crm = crm();
    let ana = crm
        .create_contact(person("Ana", "Pop", "ana@firma.ro"))
        .unwrap();
    let log = |kind, channel, direction, when| {
        crm.create_activity(ActivityInput {
            kind,
            subject: format!("{channel:?}"),
            starts_at: Some(when),
            channel,
            direction: Some(direction),
            status: Some(ActivityStatus::Done),
            links: vec![ana.id.into()],
            ..ActivityInput::default()
        })
        .unwrap()
    };
    use InteractionDirection::*;
    let web = log(
        ActivityKind::Other,
        Some(Channel::WebForm),
        Inbound,
        at(2026, 1, 5, 10, 0),
    );
    // The stage changes now (2026-11-22): everything before it was while she was a lead.
    let mut input = ana.to_input();
    input.lifecycle_stage = Some("customer".into());
    crm.update_contact(ana.id, input).unwrap();
    let _planned = crm
        .create_activity(ActivityInput {
            starts_at: Some(at(2026, 12, 1, 10, 0)),
            ..call("not yet", vec![ana.id.into()])
        })
        .unwrap();
    let _no_channel = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Note,
            subject: "internal".into(),
            status: Some(ActivityStatus::Done),
            links: vec![ana.id.into()],
            ..ActivityInput::default()
        })
        .unwrap();
    let email = log(ActivityKind::Email, None, Outbound, at(2026, 2, 1, 9, 0));
    let call1 = log(ActivityKind::Call, None, Outbound, at(2026, 3, 1, 9, 0));
    let call2 = log(ActivityKind::Call, None, Inbound, at(2026, 12, 24, 9, 0));
    let j = crm.customer_journey(ana.id).unwrap();
    let order: Vec<_> = j.touchpoints.iter().map(|t| t.activity).collect();
    assert_eq!(order, vec![web.id, email.id, call1.id, call2.id]);
    assert_eq!(j.first_touch.as_ref().unwrap().activity, web.id);
    assert_eq!(j.last_touch.as_ref().unwrap().activity, call2.id);
    assert_eq!(j.touchpoints[1].channel, Channel::Email);
    assert_eq!(
        j.touchpoints[0].stage, None,
        "no stage before the first change"
    );
    assert_eq!(j.touchpoints[3].stage.as_deref(), Some("customer"));
    let counts: Vec<_> = j.channels.iter().map(|c| (c.channel, c.count)).collect();
    assert_eq!(
        counts,
        vec![
            (Channel::Email, 1),
            (Channel::Phone, 2),
            (Channel::WebForm, 1)
        ]
    );
}

#[test]
fn deleting_a_record_takes_it_out_of_activities() {
    let crm = crm();
    let ana = crm
        .create_contact(person("Ana", "Pop", "ana@firma.ro"))
        .unwrap();
    let firm = crm.create_company(firm("Młyny", "mlyny.pl")).unwrap();
    let m = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Meeting,
            subject: "Spotkanie".into(),
            starts_at: Some(at(2026, 12, 1, 10, 0)),
            participants: vec![Participant {
                contact: Some(ana.id),
                ..Participant::default()
            }],
            links: vec![ana.id.into(), firm.id.into()],
            ..ActivityInput::default()
        })
        .unwrap();
    let mut input = ana.to_input();
    input.job_title = Some("CFO".into());
    crm.update_contact(ana.id, input).unwrap();
    crm.delete_contact(ana.id).unwrap();
    let m = crm.get_activity(m.id).unwrap();
    assert_eq!(m.links, vec![RecordRef::from(firm.id)]);
    assert!(m.participants.is_empty());
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn participants_answer_invitations() {
    let crm = crm();
    let ana = crm
        .create_contact(person("Ana", "Pop", "ana@firma.ro"))
        .unwrap();
    let m = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Meeting,
            subject: "Spotkanie".into(),
            starts_at: Some(at(2026, 12, 1, 10, 0)),
            participants: vec![
                Participant {
                    contact: Some(ana.id),
                    ..Participant::default()
                },
                Participant {
                    user: Some("maria".into()),
                    ..Participant::default()
                },
            ],
            ..ActivityInput::default()
        })
        .unwrap();
    let m2 = crm
        .respond_to_activity(
            m.id,
            ParticipantResponse {
                contact: Some(ana.id),
                status: ParticipantStatus::Accepted,
                ..ParticipantResponse::default()
            },
        )
        .unwrap();
    assert_eq!(m2.participants[0].status, ParticipantStatus::Accepted);
    assert_eq!(m2.participants[1].status, ParticipantStatus::NeedsAction);
    assert_eq!(
        field_of(crm.respond_to_activity(
            m.id,
            ParticipantResponse {
                user: Some("jan".into()),
                status: ParticipantStatus::Accepted,
                ..ParticipantResponse::default()
            },
        )),
        "response"
    );
    let _ = Duration::zero();
}

#[test]
fn activities_are_found_by_the_words_of_their_subject_body_and_outcome() {
    let crm = crm();
    let note = |subject: &str, body: Option<&str>, when| {
        crm.create_activity(ActivityInput {
            kind: ActivityKind::Note,
            subject: subject.into(),
            body: body.map(Into::into),
            starts_at: Some(when),
            ..ActivityInput::default()
        })
        .unwrap()
    };
    let a = note(
        "Spotkanie w Łodzi",
        Some("Omówić ofertę pilotażu"),
        at(2026, 11, 1, 9, 0),
    );
    let b = note(
        "Telefon",
        Some("Pilotaż przesunięty na styczeń"),
        at(2026, 11, 5, 9, 0),
    );
    let c = note("Ștefan: umowa", None, at(2026, 11, 3, 9, 0));
    let ids = |text: &str, limit| {
        crm.search_activities(text, limit)
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("pilot", 50), vec![b.id, a.id], "newest first");
    assert_eq!(ids("PILOTAZ lodz", 50), vec![a.id]);
    assert_eq!(ids("stefan", 50), vec![c.id]);
    assert_eq!(ids("pilot", 1), vec![b.id]);
    assert_eq!(ids("nothing", 50), vec![]);
    let mut input = b.to_input();
    input.body = None;
    input.outcome = Some("wants a pilot".into());
    crm.update_activity(b.id, input).unwrap();
    assert_eq!(
        ids("przesuniety", 50),
        vec![],
        "the old body's words are gone"
    );
    assert_eq!(ids("wants pilot", 50), vec![b.id]);
    crm.delete_activity(a.id).unwrap();
    assert_eq!(ids("pilot", 50), vec![b.id]);
    assert_eq!(field_of(crm.search_activities("pilot", 0)), "limit");
    assert!(crm.verify().unwrap().is_ok());
}
