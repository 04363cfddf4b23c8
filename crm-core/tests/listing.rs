//! Listings: filters on any field, sorting, cursor pagination, counts.

mod common;

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use common::*;
use crm_core::*;

fn names(page: &Page<Contact>) -> Vec<&str> {
    page.items.iter().map(|c| c.display_name.as_str()).collect()
}

fn query(filter: ContactFilter) -> ContactQuery {
    ContactQuery {
        filter,
        ..ContactQuery::default()
    }
}

/// Eight contacts in Poland, Romania and France with tags, owners and an employer.
fn sample() -> (Crm, CompanyId) {
    let crm = crm();
    let firm_id = crm.create_company(firm("Firma", "firma.pl")).unwrap().id;
    type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a [&'a str], &'a str);
    let rows: [Row; 8] = [
        ("Zofia", "Wiśniewska", "Łódź", "PL", &["vip", "łódź"], "u1"),
        ("Adam", "Żak", "Kraków", "PL", &["vip"], "u2"),
        ("Élodie", "Martin", "Lyon", "FR", &[], "u1"),
        ("Ștefan", "Ionescu", "Cluj-Napoca", "RO", &["partner"], "u2"),
        ("Ana", "Popa", "București", "RO", &["vip", "partner"], "u1"),
        ("Łukasz", "Nowak", "Łódź", "PL", &[], "u3"),
        ("Chloé", "Bernard", "Paris", "FR", &["vip"], "u3"),
        ("Bogdan", "Ene", "Iași", "RO", &[], "u2"),
    ];
    for (i, (g, f, city, country, tags, owner)) in rows.iter().enumerate() {
        let c = crm
            .create_contact(ContactInput {
                addresses: vec![Address {
                    city: Some(city.to_string()),
                    country: Some(country.to_string()),
                    ..Address::default()
                }],
                tags: tags.iter().map(|t| t.to_string()).collect(),
                owner: Some(owner.to_string()),
                birthday: NaiveDate::from_ymd_opt(1980 + i as i32, 1, 15),
                ..person(g, f, &format!("{}@example.com", i))
            })
            .unwrap();
        if i % 2 == 0 {
            crm.link_contact_to_company(EmploymentInput {
                contact: c.id,
                company: firm_id,
                role: None,
                title: None,
                primary: false,
            })
            .unwrap();
        }
    }
    (crm, firm_id)
}

#[test]
fn sorts_by_folded_name_and_by_time_both_ways() {
    let (crm, _) = sample();
    let asc = crm.list_contacts(&ContactQuery::default()).unwrap();
    assert_eq!(
        names(&asc),
        vec![
            "Adam Żak",
            "Ana Popa",
            "Bogdan Ene",
            "Chloé Bernard",
            "Élodie Martin",
            "Łukasz Nowak",
            "Ștefan Ionescu",
            "Zofia Wiśniewska"
        ]
    );
    let desc = crm
        .list_contacts(&ContactQuery {
            sort: Sort {
                by: SortBy::Name,
                descending: true,
            },
            ..ContactQuery::default()
        })
        .unwrap();
    assert_eq!(
        names(&desc),
        names(&asc).into_iter().rev().collect::<Vec<_>>()
    );
    let by_created = crm
        .list_contacts(&ContactQuery {
            sort: Sort {
                by: SortBy::CreatedAt,
                descending: true,
            },
            ..ContactQuery::default()
        })
        .unwrap();
    assert_eq!(by_created.items[0].display_name, "Bogdan Ene");
    assert!(
        by_created
            .items
            .windows(2)
            .all(|w| w[0].created_at > w[1].created_at)
    );
}

#[test]
fn filters_combine() {
    let (crm, firm_id) = sample();
    let list = |f: ContactFilter| {
        names(&crm.list_contacts(&query(f)).unwrap())
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let f = ContactFilter::default;
    assert_eq!(
        list(ContactFilter {
            tags_all: vec!["VIP".into(), "Lodz".into()],
            ..f()
        }),
        vec!["Zofia Wiśniewska"]
    );
    assert_eq!(
        list(ContactFilter {
            tags_any: vec!["partner".into()],
            ..f()
        }),
        vec!["Ana Popa", "Ștefan Ionescu"]
    );
    assert_eq!(
        list(ContactFilter {
            owner: Some("u3".into()),
            ..f()
        }),
        vec!["Chloé Bernard", "Łukasz Nowak"]
    );
    assert_eq!(
        list(ContactFilter {
            company: Some(firm_id),
            ..f()
        }),
        vec![
            "Ana Popa",
            "Chloé Bernard",
            "Élodie Martin",
            "Zofia Wiśniewska"
        ]
    );
    assert_eq!(
        list(ContactFilter {
            company: Some(firm_id),
            tags_all: vec!["vip".into()],
            owner: Some("u1".into()),
            ..f()
        }),
        vec!["Ana Popa", "Zofia Wiśniewska"]
    );
    assert_eq!(
        list(ContactFilter {
            conditions: vec![Condition::eq("city", "lodz")],
            ..f()
        }),
        vec!["Łukasz Nowak", "Zofia Wiśniewska"]
    );
    assert_eq!(
        list(ContactFilter {
            conditions: vec![Condition::eq("country", "ro")],
            ..f()
        })
        .len(),
        3
    );
    assert_eq!(
        list(ContactFilter {
            conditions: vec![Condition::new("family_name", Op::StartsWith, "wis")],
            ..f()
        }),
        vec!["Zofia Wiśniewska"]
    );
    assert_eq!(
        list(ContactFilter {
            conditions: vec![Condition::new("city", Op::Contains, "napoca")],
            ..f()
        }),
        vec!["Ștefan Ionescu"]
    );
    assert_eq!(
        list(ContactFilter {
            conditions: vec![Condition::eq("email", "3@EXAMPLE.com")],
            ..f()
        }),
        vec!["Ștefan Ionescu"]
    );
    assert_eq!(
        list(ContactFilter {
            conditions: vec![Condition::eq("tag", "PARTNER")],
            ..f()
        })
        .len(),
        2
    );
    assert_eq!(
        list(ContactFilter {
            conditions: vec![Condition::new("tag", Op::Ne, "vip")],
            ..f()
        })
        .len(),
        4
    );
    assert_eq!(
        list(ContactFilter {
            conditions: vec![Condition::missing("tag")],
            ..f()
        })
        .len(),
        3
    );
    let born = |op, y| Condition::new("birthday", op, NaiveDate::from_ymd_opt(y, 1, 15).unwrap());
    assert_eq!(
        list(ContactFilter {
            conditions: vec![born(Op::Gte, 1985), born(Op::Lt, 1987)],
            ..f()
        }),
        vec!["Chloé Bernard", "Łukasz Nowak"]
    );
    // Created and updated ranges: the clock steps a second per reading.
    let all = crm
        .list_contacts(&ContactQuery {
            sort: Sort {
                by: SortBy::CreatedAt,
                descending: false,
            },
            ..ContactQuery::default()
        })
        .unwrap();
    let third = all.items[2].created_at;
    let range = TimeRange {
        since: Some(third),
        until: Some(third + Duration::seconds(1)),
    };
    assert_eq!(
        list(ContactFilter {
            created: range,
            ..f()
        }),
        vec![all.items[2].display_name.clone()]
    );
    assert_eq!(
        crm.count_contacts(&ContactFilter {
            updated: TimeRange {
                since: Some(third),
                until: None
            },
            ..f()
        })
        .unwrap(),
        6
    );
}

#[test]
fn bad_filters_name_the_field() {
    let (crm, _) = sample();
    let err = |f: ContactFilter| crm.list_contacts(&query(f)).unwrap_err();
    let f = ContactFilter::default;
    assert_eq!(
        err(ContactFilter {
            conditions: vec![Condition::eq("shoe_size", "42")],
            ..f()
        })
        .field(),
        Some("conditions[0].field")
    );
    assert_eq!(
        err(ContactFilter {
            conditions: vec![Condition::eq("custom.nope", "42")],
            ..f()
        })
        .field(),
        Some("conditions[0].field")
    );
    assert_eq!(
        err(ContactFilter {
            conditions: vec![Condition::eq("birthday", "1980")],
            ..f()
        })
        .field(),
        Some("conditions[0].value")
    );
    assert_eq!(
        err(ContactFilter {
            conditions: vec![Condition::new("phone", Op::Lt, "1")],
            ..f()
        })
        .field(),
        Some("conditions[0].op")
    );
    let mut exists_with_value = Condition::exists("city");
    exists_with_value.value = Some("x".into());
    assert_eq!(
        err(ContactFilter {
            conditions: vec![exists_with_value],
            ..f()
        })
        .field(),
        Some("conditions[0].value")
    );
    let bad_limit = crm
        .list_contacts(&ContactQuery {
            limit: 0,
            ..ContactQuery::default()
        })
        .unwrap_err();
    assert_eq!(bad_limit.field(), Some("limit"));
    let page = crm
        .list_contacts(&ContactQuery {
            limit: 2,
            ..ContactQuery::default()
        })
        .unwrap();
    let other_order = ContactQuery {
        limit: 2,
        sort: Sort {
            by: SortBy::UpdatedAt,
            descending: false,
        },
        cursor: page.next_cursor,
        ..ContactQuery::default()
    };
    assert_eq!(
        crm.list_contacts(&other_order).unwrap_err().field(),
        Some("cursor")
    );
    let garbage = ContactQuery {
        cursor: Some("na$$".into()),
        ..ContactQuery::default()
    };
    assert_eq!(
        crm.list_contacts(&garbage).unwrap_err().field(),
        Some("cursor")
    );
}

/// Walks every page of `q`, inserting a contact before each page is fetched.
fn walk_while_inserting(crm: &Crm, mut q: ContactQuery) -> Vec<ContactId> {
    let mut seen = Vec::new();
    let mut n = 0;
    loop {
        crm.create_contact(person(&format!("Inserted{n}"), "Meanwhile", ""))
            .unwrap();
        n += 1;
        let page = crm.list_contacts(&q).unwrap();
        seen.extend(page.items.iter().map(|c| c.id));
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return seen,
        }
    }
}

#[test]
fn pages_return_every_record_once_while_others_are_inserted() {
    let (crm, firm_id) = sample();
    let before: BTreeSet<ContactId> = crm
        .list_contacts(&ContactQuery {
            limit: 1000,
            ..ContactQuery::default()
        })
        .unwrap()
        .items
        .iter()
        .map(|c| c.id)
        .collect();
    for sort in [
        Sort {
            by: SortBy::Name,
            descending: false,
        },
        Sort {
            by: SortBy::Name,
            descending: true,
        },
        Sort {
            by: SortBy::CreatedAt,
            descending: false,
        },
        Sort {
            by: SortBy::UpdatedAt,
            descending: true,
        },
    ] {
        for filter in [
            ContactFilter::default(),
            ContactFilter {
                company: Some(firm_id),
                ..ContactFilter::default()
            },
        ] {
            let expected: BTreeSet<ContactId> = crm
                .list_contacts(&ContactQuery {
                    filter: filter.clone(),
                    limit: 1000,
                    ..ContactQuery::default()
                })
                .unwrap()
                .items
                .iter()
                .map(|c| c.id)
                .collect();
            let seen = walk_while_inserting(
                &crm,
                ContactQuery {
                    filter,
                    sort,
                    limit: 3,
                    cursor: None,
                },
            );
            let unique: BTreeSet<ContactId> = seen.iter().copied().collect();
            assert_eq!(unique.len(), seen.len(), "a record came twice in {sort:?}");
            assert!(
                expected.is_subset(&unique),
                "a record was missed in {sort:?}"
            );
            assert!(
                before
                    .iter()
                    .filter(|id| expected.contains(id))
                    .all(|id| unique.contains(id))
            );
        }
    }
}

#[test]
fn counts_agree_with_listings() {
    let (crm, firm_id) = sample();
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 8);
    assert_eq!(
        crm.count_contacts(&ContactFilter {
            company: Some(firm_id),
            ..ContactFilter::default()
        })
        .unwrap(),
        4
    );
    assert_eq!(
        crm.count_contacts(&ContactFilter {
            tags_all: vec!["vip".into()],
            ..ContactFilter::default()
        })
        .unwrap(),
        4
    );
    assert_eq!(crm.count_companies(&CompanyFilter::default()).unwrap(), 1);
}

#[test]
fn companies_filter_by_kind_parent_and_fields() {
    let crm = crm();
    let parent = crm.create_company(firm("Grupa", "grupa.pl")).unwrap();
    let kinds = |k: &[RelationshipKind]| k.to_vec();
    for (name, k, p) in [
        (
            "Alfa",
            kinds(&[RelationshipKind::Customer]),
            Some(parent.id),
        ),
        (
            "Beta",
            kinds(&[RelationshipKind::Supplier, RelationshipKind::Partner]),
            Some(parent.id),
        ),
        ("Gamma", kinds(&[RelationshipKind::Competitor]), None),
    ] {
        crm.create_company(CompanyInput {
            kinds: k,
            parent: p,
            size: Some(CompanySize::UpTo50),
            ..firm(name, "")
        })
        .unwrap();
    }
    let list = |f: CompanyFilter| {
        crm.list_companies(&CompanyQuery {
            filter: f,
            ..CompanyQuery::default()
        })
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
    };
    let f = CompanyFilter::default;
    assert_eq!(
        list(CompanyFilter {
            parent: Some(parent.id),
            ..f()
        }),
        vec!["Alfa", "Beta"]
    );
    assert_eq!(
        list(CompanyFilter {
            kinds_any: vec![RelationshipKind::Partner, RelationshipKind::Competitor],
            ..f()
        }),
        vec!["Beta", "Gamma"]
    );
    assert_eq!(
        list(CompanyFilter {
            kinds_any: vec![RelationshipKind::Partner],
            parent: Some(parent.id),
            ..f()
        }),
        vec!["Beta"]
    );
    assert_eq!(
        list(CompanyFilter {
            conditions: vec![Condition::eq("size", "11-50")],
            ..f()
        })
        .len(),
        3
    );
    assert_eq!(
        list(CompanyFilter {
            conditions: vec![Condition::eq("kind", "supplier")],
            ..f()
        }),
        vec!["Beta"]
    );
    assert_eq!(
        list(CompanyFilter {
            conditions: vec![Condition::eq("parent", parent.id.to_string().as_str())],
            ..f()
        })
        .len(),
        2
    );
    assert_eq!(
        list(CompanyFilter {
            conditions: vec![Condition::eq("domain", "grupa.pl")],
            ..f()
        }),
        vec!["Grupa"]
    );
}

/// A cursor is refused by every listing but the one that made it, and by the same listing
/// with another filter or order; the page size may change between pages.
#[test]
fn cursors_are_tied_to_their_listing_and_query() {
    let (crm, firm_id) = sample();
    for i in 0..3 {
        crm.create_company(firm(&format!("Firma {i}"), "")).unwrap();
        crm.create_deal(DealInput {
            title: format!("Umowa {i}"),
            ..DealInput::default()
        })
        .unwrap();
        crm.create_lead(LeadInput {
            given_name: Some(format!("Lead {i}")),
            ..LeadInput::default()
        })
        .unwrap();
        crm.create_activity(ActivityInput {
            subject: format!("Notatka {i}"),
            links: vec![firm_id.into()],
            ..ActivityInput::default()
        })
        .unwrap();
    }
    let small = |cursor: Option<String>| (2, cursor);
    let contacts = |filter: ContactFilter, (limit, cursor): (u32, Option<String>)| {
        crm.list_contacts(&ContactQuery {
            filter,
            limit,
            cursor,
            ..ContactQuery::default()
        })
    };
    let companies = |(limit, cursor): (u32, Option<String>)| {
        crm.list_companies(&CompanyQuery {
            limit,
            cursor,
            ..CompanyQuery::default()
        })
    };
    let deals = |(limit, cursor): (u32, Option<String>)| {
        crm.list_deals(&DealQuery {
            limit,
            cursor,
            ..DealQuery::default()
        })
    };
    let leads = |(limit, cursor): (u32, Option<String>)| {
        crm.list_leads(&LeadQuery {
            limit,
            cursor,
            ..LeadQuery::default()
        })
    };
    let activities = |oldest_first: bool, (limit, cursor): (u32, Option<String>)| {
        crm.list_activities(&ActivityQuery {
            limit,
            cursor,
            oldest_first,
            ..ActivityQuery::default()
        })
    };
    let timeline = |record: RecordRef, (limit, cursor): (u32, Option<String>)| {
        crm.timeline(&TimelineQuery {
            record,
            limit,
            cursor,
            oldest_first: false,
        })
    };
    let c = contacts(ContactFilter::default(), small(None))
        .unwrap()
        .next_cursor
        .unwrap();
    let cursors = [
        c.clone(),
        companies(small(None)).unwrap().next_cursor.unwrap(),
        deals(small(None)).unwrap().next_cursor.unwrap(),
        leads(small(None)).unwrap().next_cursor.unwrap(),
        activities(false, small(None)).unwrap().next_cursor.unwrap(),
        timeline(firm_id.into(), small(None))
            .unwrap()
            .next_cursor
            .unwrap(),
    ];
    let field = |e: Error| (e.code(), e.field().map(str::to_string));
    let refused = ("validation", Some("cursor".to_string()));
    for (i, cursor) in cursors.iter().enumerate() {
        let at = |c: &String| small(Some(c.clone()));
        let results = [
            contacts(ContactFilter::default(), at(cursor)).map(|_| ()),
            companies(at(cursor)).map(|_| ()),
            deals(at(cursor)).map(|_| ()),
            leads(at(cursor)).map(|_| ()),
            activities(false, at(cursor)).map(|_| ()),
            timeline(firm_id.into(), at(cursor)).map(|_| ()),
        ];
        for (j, result) in results.into_iter().enumerate() {
            if i == j {
                assert!(result.is_ok(), "listing {j} refused its own cursor");
            } else {
                assert_eq!(
                    result.map_err(field),
                    Err(refused.clone()),
                    "listing {j} took the cursor of listing {i}"
                );
            }
        }
    }
    // The same listing with another filter or order refuses it; another page size does not.
    let e = contacts(
        ContactFilter {
            owner: Some("u1".into()),
            ..ContactFilter::default()
        },
        small(Some(c.clone())),
    )
    .unwrap_err();
    assert_eq!(field(e), refused);
    let e = crm
        .list_contacts(&ContactQuery {
            sort: Sort {
                by: SortBy::Name,
                descending: true,
            },
            limit: 2,
            cursor: Some(c.clone()),
            ..ContactQuery::default()
        })
        .unwrap_err();
    assert_eq!(field(e), refused);
    assert_eq!(
        contacts(ContactFilter::default(), (1000, Some(c)))
            .unwrap()
            .items
            .len(),
        6
    );
    let a = activities(false, small(None)).unwrap().next_cursor;
    assert_eq!(field(activities(true, small(a)).unwrap_err()), refused);
    let contact = crm.list_contacts(&ContactQuery::default()).unwrap().items[0].id;
    let t = timeline(firm_id.into(), small(None)).unwrap().next_cursor;
    assert_eq!(
        field(timeline(contact.into(), small(t)).unwrap_err()),
        refused
    );
}

/// A filter naming a record that does not exist is refused as a write naming one is (a
/// `Validation` error on the filter's field), in listings and counts alike, rather than giving
/// an empty page.
#[test]
fn filters_naming_missing_records_are_refused_on_their_field() {
    let (crm, firm_id) = sample();
    let gone_firm = crm.create_company(firm("Znika", "")).unwrap().id;
    crm.delete_company(gone_firm).unwrap();
    let gone_contact = crm.create_contact(person("Znika", "", "")).unwrap().id;
    crm.delete_contact(gone_contact).unwrap();
    let gone_pipeline = crm
        .create_pipeline(PipelineInput {
            name: "Znika".into(),
            stages: crm
                .default_pipeline()
                .unwrap()
                .stages
                .iter()
                .map(|s| StageInput {
                    name: s.name.clone(),
                    kind: s.kind,
                    probability: s.probability,
                    rotten_after_days: None,
                })
                .collect(),
        })
        .unwrap()
        .id;
    crm.delete_pipeline(gone_pipeline).unwrap();
    let gone_calendar = crm
        .create_calendar(CalendarInput {
            name: "Znika".into(),
            owner: Some("u1".into()),
            ..CalendarInput::default()
        })
        .unwrap()
        .id;
    crm.delete_calendar(gone_calendar).unwrap();
    let kind = |e: Error| match e {
        Error::Validation { field, reason } => {
            assert!(reason.starts_with("is not an existing"), "{reason}");
            field
        }
        other => panic!("expected a validation error, got {other:?}"),
    };
    let contacts = ContactFilter {
        company: Some(gone_firm),
        ..ContactFilter::default()
    };
    assert_eq!(
        kind(crm.list_contacts(&query(contacts.clone())).unwrap_err()),
        "company"
    );
    assert_eq!(kind(crm.count_contacts(&contacts).unwrap_err()), "company");
    let companies = CompanyFilter {
        parent: Some(gone_firm),
        ..CompanyFilter::default()
    };
    assert_eq!(kind(crm.count_companies(&companies).unwrap_err()), "parent");
    let deal_filters = [
        (
            DealFilter {
                company: Some(gone_firm),
                ..DealFilter::default()
            },
            "company",
        ),
        (
            DealFilter {
                contact: Some(gone_contact),
                ..DealFilter::default()
            },
            "contact",
        ),
        (
            DealFilter {
                pipeline: Some(gone_pipeline),
                ..DealFilter::default()
            },
            "pipeline",
        ),
    ];
    for (filter, expected) in deal_filters {
        assert_eq!(kind(crm.count_deals(&filter).unwrap_err()), expected);
        let e = crm
            .list_deals(&DealQuery {
                filter,
                ..DealQuery::default()
            })
            .unwrap_err();
        assert_eq!(kind(e), expected);
    }
    // A stage of another pipeline is refused, not an empty page.
    let default = crm.default_pipeline().unwrap();
    let other = crm
        .create_pipeline(PipelineInput {
            name: "Inna".into(),
            stages: default
                .stages
                .iter()
                .map(|s| StageInput {
                    name: s.name.clone(),
                    kind: s.kind,
                    probability: s.probability,
                    rotten_after_days: None,
                })
                .collect(),
        })
        .unwrap();
    let e = crm
        .count_deals(&DealFilter {
            pipeline: Some(default.id),
            stage: Some(other.stages[0].id),
            ..DealFilter::default()
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("stage"));
    let activity_filters = [
        (
            ActivityFilter {
                record: Some(gone_contact.into()),
                ..ActivityFilter::default()
            },
            "record",
        ),
        (
            ActivityFilter {
                calendar: Some(gone_calendar),
                ..ActivityFilter::default()
            },
            "calendar",
        ),
    ];
    for (filter, expected) in activity_filters {
        assert_eq!(kind(crm.count_activities(&filter).unwrap_err()), expected);
        let e = crm
            .list_activities(&ActivityQuery {
                filter,
                ..ActivityQuery::default()
            })
            .unwrap_err();
        assert_eq!(kind(e), expected);
    }
    // Records that exist still filter as before.
    let at_firm = ContactFilter {
        company: Some(firm_id),
        ..ContactFilter::default()
    };
    assert!(crm.count_contacts(&at_firm).unwrap() > 0);
}
