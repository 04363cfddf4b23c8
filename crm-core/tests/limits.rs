//! Input at the edges of what the library accepts, through the public API: dates and instants
//! outside the years 1000 through 9999. Each refusal names its field and changes nothing.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use crm_core::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The first day and instant the library accepts, and the last.
fn first_day() -> NaiveDate {
    day(1000, 1, 1)
}
fn last_day() -> NaiveDate {
    day(9999, 12, 31)
}
fn first_instant() -> DateTime<Utc> {
    first_day().and_hms_opt(0, 0, 0).unwrap().and_utc()
}
fn last_instant() -> DateTime<Utc> {
    last_day()
        .and_hms_micro_opt(23, 59, 59, 999_999)
        .unwrap()
        .and_utc()
}
/// Just outside: the day before the first, the day after the last, and far outside.
fn days_outside() -> [NaiveDate; 4] {
    [
        day(999, 12, 31),
        day(10000, 1, 1),
        day(-5000, 1, 1),
        day(1, 1, 1),
    ]
}
fn instants_outside() -> [DateTime<Utc>; 4] {
    [
        first_instant() - Duration::microseconds(1),
        last_instant() + Duration::microseconds(1),
        day(-5000, 6, 1).and_hms_opt(12, 0, 0).unwrap().and_utc(),
        DateTime::<Utc>::MAX_UTC,
    ]
}

#[test]
fn birthdays_are_in_the_years_1000_to_9999() {
    let crm = crm();
    for d in days_outside() {
        refused(&crm, "validation", "birthday", |c| {
            c.create_contact(ContactInput {
                birthday: Some(d),
                ..person("Zofia", "Nowak", "")
            })
        });
    }
    let c = crm
        .create_contact(ContactInput {
            birthday: Some(first_day()),
            ..person("Zofia", "Nowak", "")
        })
        .unwrap();
    assert_eq!(c.birthday, Some(first_day()));
    refused(&crm, "validation", "birthday", |crm| {
        crm.update_contact(
            c.id,
            ContactInput {
                birthday: Some(day(999, 12, 31)),
                ..c.to_input()
            },
        )
    });
}

#[test]
fn deal_quote_and_rate_dates_are_in_the_years_1000_to_9999() {
    let crm = crm();
    for d in days_outside() {
        refused(&crm, "validation", "expected_close", |c| {
            c.create_deal(DealInput {
                title: "Far".into(),
                expected_close: Some(d),
                ..DealInput::default()
            })
        });
        refused(&crm, "validation", "date", |c| {
            c.set_exchange_rate(ExchangeRate {
                date: d,
                base: Currency::EUR,
                quote: Currency::PLN,
                rate: "4".parse().unwrap(),
            })
        });
        let e = crm
            .convert_money(Money::new(100, Currency::EUR), Currency::PLN, d)
            .unwrap_err();
        assert_eq!((e.code(), e.field()), ("validation", Some("date")));
    }
    for d in [first_day(), last_day()] {
        crm.set_exchange_rate(ExchangeRate {
            date: d,
            base: Currency::EUR,
            quote: Currency::PLN,
            rate: "4".parse().unwrap(),
        })
        .unwrap();
    }
    let deal = crm
        .create_deal(DealInput {
            title: "Last".into(),
            expected_close: Some(last_day()),
            line_items: vec![LineItemInput {
                product: None,
                description: Some("Licencja".into()),
                quantity: "1".parse().unwrap(),
                unit_price: Some(Money::new(10_000, Currency::PLN)),
                discount: None,
                tax_rate: None,
            }],
            ..DealInput::default()
        })
        .unwrap();
    assert_eq!(deal.expected_close, Some(last_day()));
    crm.create_deal(DealInput {
        title: "First".into(),
        expected_close: Some(first_day()),
        ..DealInput::default()
    })
    .unwrap();
    refused(&crm, "validation", "valid_until", |c| {
        c.create_quote(
            deal.id,
            QuoteInput {
                valid_until: day(10000, 1, 1),
                notes: None,
            },
        )
    });
    let q = crm
        .create_quote(
            deal.id,
            QuoteInput {
                valid_until: last_day(),
                notes: None,
            },
        )
        .unwrap();
    assert_eq!(q.valid_until, last_day());
    // Reports refuse ranges outside the years too.
    let e = crm
        .deals_closing(&ClosingQuery {
            since: day(999, 1, 1),
            until: last_day(),
            owner: None,
            pipeline: None,
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("since"));
    assert_eq!(
        crm.deals_closing(&ClosingQuery {
            since: first_day(),
            until: last_day(),
            owner: None,
            pipeline: None,
        })
        .unwrap()
        .len(),
        2
    );
    let e = crm
        .forecast(&ForecastQuery {
            until: Some(day(10000, 1, 1)),
            ..ForecastQuery::default()
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("until"));
    let e = crm
        .leaderboard(TimeRange {
            since: Some(instants_outside()[0]),
            until: None,
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("closed.since"));
}

#[test]
fn activity_instants_are_in_the_years_1000_to_9999() {
    let crm = crm();
    let meeting = |starts_at| ActivityInput {
        kind: ActivityKind::Meeting,
        subject: "Spotkanie".into(),
        starts_at: Some(starts_at),
        ..ActivityInput::default()
    };
    for t in instants_outside() {
        refused(&crm, "validation", "starts_at", |c| {
            c.create_activity(meeting(t))
        });
        refused(&crm, "validation", "due_at", |c| {
            c.create_activity(ActivityInput {
                kind: ActivityKind::Task,
                subject: "Zadanie".into(),
                due_at: Some(t),
                ..ActivityInput::default()
            })
        });
        refused(&crm, "validation", "recurrence.until", |c| {
            c.create_activity(ActivityInput {
                recurrence: Some(Recurrence {
                    frequency: Frequency::Yearly,
                    interval: 1,
                    weekdays: vec![],
                    position: None,
                    until: Some(t),
                    count: None,
                    exceptions: vec![],
                }),
                ..meeting(first_instant())
            })
        });
    }
    let first = crm.create_activity(meeting(first_instant())).unwrap();
    assert_eq!(first.starts_at, Some(first_instant()));
    refused(&crm, "validation", "ends_at", |c| {
        c.create_activity(ActivityInput {
            ends_at: Some(last_instant() + Duration::hours(1)),
            ..meeting(last_instant() - Duration::hours(1))
        })
    });
    let last = crm
        .create_activity(ActivityInput {
            ends_at: Some(last_instant()),
            ..meeting(last_instant() - Duration::hours(1))
        })
        .unwrap();
    assert_eq!(last.ends_at, Some(last_instant()));
    refused(&crm, "validation", "next.at", |c| {
        c.complete_activity(
            first.id,
            Completion {
                outcome: None,
                next: Some(NextActivity {
                    at: Some(instants_outside()[1]),
                    ..NextActivity::default()
                }),
            },
        )
    });
    // Queries over time refuse bounds outside the years.
    let e = crm
        .agenda(&AgendaQuery {
            calendar: None,
            user: Some("ana".into()),
            from: instants_outside()[0],
            until: first_instant() + Duration::days(1),
            include_cancelled: false,
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("from"));
    let e = crm
        .activity_occurrences(first.id, first_instant(), Some(instants_outside()[1]))
        .unwrap_err();
    assert_eq!(e.field(), Some("until"));
    let e = crm
        .list_activities(&ActivityQuery {
            filter: ActivityFilter {
                when: TimeRange {
                    since: None,
                    until: Some(instants_outside()[1]),
                },
                ..ActivityFilter::default()
            },
            ..ActivityQuery::default()
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("when.until"));
    let page = crm
        .list_activities(&ActivityQuery {
            filter: ActivityFilter {
                when: TimeRange {
                    since: Some(first_instant()),
                    until: Some(last_instant()),
                },
                ..ActivityFilter::default()
            },
            ..ActivityQuery::default()
        })
        .unwrap();
    assert_eq!(page.items.len(), 2);
}

#[test]
fn custom_dates_and_listing_ranges_are_in_the_years_1000_to_9999() {
    let crm = crm();
    crm.define_field(FieldDef::new(
        RecordKind::Contact,
        "met",
        "Met",
        FieldKind::Date,
    ))
    .unwrap();
    crm.define_field(FieldDef::new(
        RecordKind::Contact,
        "seen",
        "Seen",
        FieldKind::DateTime,
    ))
    .unwrap();
    let with = |key: &str, v: FieldValue| ContactInput {
        custom_fields: BTreeMap::from([(key.to_string(), v)]),
        ..person("Ana", "Popa", "")
    };
    for d in days_outside() {
        refused(&crm, "validation", "custom_fields.met", |c| {
            c.create_contact(with("met", FieldValue::Date(d)))
        });
    }
    for t in instants_outside() {
        refused(&crm, "validation", "custom_fields.seen", |c| {
            c.create_contact(with("seen", FieldValue::DateTime(t)))
        });
    }
    crm.create_contact(with("met", FieldValue::Date(last_day())))
        .unwrap();
    crm.create_contact(with("seen", FieldValue::DateTime(first_instant())))
        .unwrap();
    let listing = |filter: ContactFilter| {
        crm.list_contacts(&ContactQuery {
            filter,
            ..ContactQuery::default()
        })
    };
    let e = listing(ContactFilter {
        created: TimeRange {
            since: Some(instants_outside()[2]),
            until: None,
        },
        ..ContactFilter::default()
    })
    .unwrap_err();
    assert_eq!(e.field(), Some("created.since"));
    let e = listing(ContactFilter {
        conditions: vec![Condition::new("birthday", Op::Lt, day(10000, 1, 1))],
        ..ContactFilter::default()
    })
    .unwrap_err();
    assert_eq!(e.field(), Some("conditions[0].value"));
    let e = listing(ContactFilter {
        conditions: vec![Condition::new(
            "custom.seen",
            Op::Gt,
            FieldValue::DateTime(instants_outside()[0]),
        )],
        ..ContactFilter::default()
    })
    .unwrap_err();
    assert_eq!(e.field(), Some("conditions[0].value"));
    let found = listing(ContactFilter {
        conditions: vec![Condition::new("custom.met", Op::Lte, last_day())],
        ..ContactFilter::default()
    })
    .unwrap();
    assert_eq!(found.items.len(), 1);
}
