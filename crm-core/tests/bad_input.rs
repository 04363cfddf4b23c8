//! Arbitrary input never panics, and refused input changes nothing.

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use common::*;
use crm_core::*;
use proptest::prelude::*;

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Any text, weighted towards the kinds of strings that break parsers.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        "\\PC{0,40}",
        "[a-zA-Z0-9@._+ -]{0,30}",
        Just(String::new()),
        Just("\u{0}\u{7f}\r\n\t".to_string()),
        Just("x".repeat(5000)),
        Just("Ș\u{326}\u{301}\u{301}".to_string()),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn value() -> impl Strategy<Value = FieldValue> {
    prop_oneof![
        text().prop_map(FieldValue::Text),
        any::<i64>().prop_map(FieldValue::Integer),
        any::<bool>().prop_map(FieldValue::Boolean),
        (-400_000i32..400_000).prop_map(|d| FieldValue::Date(
            NaiveDate::from_num_days_from_ce_opt(d).unwrap_or_default()
        )),
        proptest::collection::vec(text(), 0..3).prop_map(FieldValue::List),
        (
            any::<i64>(),
            prop::sample::select(vec!["PLN", "JPY", "BHD", "EUR"])
        )
            .prop_map(|(a, c)| FieldValue::Money(Money::new(a, Currency::new(c).unwrap()))),
    ]
}

fn contact_input() -> impl Strategy<Value = ContactInput> {
    (
        (opt_text(), opt_text(), opt_text()),
        proptest::collection::vec((text(), opt_text(), any::<bool>()), 0..3),
        proptest::collection::vec((text(), opt_text()), 0..3),
        proptest::collection::vec((opt_text(), opt_text(), opt_text()), 0..2),
        (opt_text(), opt_text(), opt_text(), opt_text()),
        proptest::collection::vec(text(), 0..3),
        proptest::collection::btree_map(
            prop::sample::select(vec!["score", "tier", "nope"]).prop_map(String::from),
            value(),
            0..3,
        ),
        proptest::option::of(-800_000i32..800_000),
    )
        .prop_map(
            |(names, emails, phones, addresses, misc, tags, custom, birthday)| ContactInput {
                given_name: names.0,
                family_name: names.1,
                display_name: names.2,
                emails: emails
                    .into_iter()
                    .map(|(address, label, primary)| Email {
                        address,
                        label,
                        primary,
                    })
                    .collect(),
                phones: phones
                    .into_iter()
                    .map(|(number, label)| Phone {
                        number,
                        label,
                        e164: None,
                    })
                    .collect(),
                addresses: addresses
                    .into_iter()
                    .map(|(street, city, country)| Address {
                        street,
                        city,
                        country,
                        ..Address::default()
                    })
                    .collect(),
                language: misc.0,
                job_title: misc.1,
                owner: misc.2,
                lifecycle_stage: misc.3,
                tags,
                custom_fields: custom,
                birthday: birthday.and_then(NaiveDate::from_num_days_from_ce_opt),
                ..ContactInput::default()
            },
        )
}

fn company_input() -> impl Strategy<Value = CompanyInput> {
    (
        text(),
        proptest::collection::vec(text(), 0..3),
        opt_text(),
        proptest::collection::vec(text(), 0..2),
    )
        .prop_map(|(name, domains, industry, tags)| CompanyInput {
            name,
            domains,
            industry,
            tags,
            ..CompanyInput::default()
        })
}

fn condition() -> impl Strategy<Value = Condition> {
    let fields = vec![
        "given_name",
        "email",
        "phone",
        "birthday",
        "created_at",
        "tag",
        "city",
        "custom.score",
        "custom.tier",
        "nope",
        "",
        "custom.",
    ];
    let ops = vec![
        Op::Eq,
        Op::Ne,
        Op::Lt,
        Op::Gte,
        Op::Contains,
        Op::StartsWith,
        Op::Exists,
        Op::Missing,
    ];
    (
        prop::sample::select(fields),
        prop::sample::select(ops),
        proptest::option::of(value()),
    )
        .prop_map(|(field, op, value)| Condition {
            field: field.to_string(),
            op,
            value,
        })
}

/// A CRM with custom fields and a little data, for inputs to bounce off.
fn seeded() -> Crm {
    let crm = crm();
    crm.define_field(FieldDef::new(
        RecordKind::Contact,
        "score",
        "Score",
        FieldKind::Rating { max: 5 },
    ))
    .unwrap();
    crm.define_field(FieldDef::new(
        RecordKind::Contact,
        "tier",
        "Tier",
        FieldKind::SingleSelect {
            options: vec!["Złoty".into()],
        },
    ))
    .unwrap();
    crm.create_contact(person("Zofia", "Nowak", "zofia@firma.pl"))
        .unwrap();
    crm.create_company(firm("Firma", "firma.pl")).unwrap();
    crm
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn contact_writes_never_panic_and_refusals_change_nothing(input in contact_input()) {
        let crm = seeded();
        let before = dump(&crm);
        match crm.create_contact(input.clone()) {
            Ok(c) => {
                // What was accepted reads back the same and updates to itself.
                prop_assert_eq!(crm.get_contact(c.id).unwrap(), c.clone());
                prop_assert!(crm.update_contact(c.id, c.to_input()).is_ok());
            }
            Err(e) => {
                prop_assert!(matches!(e.code(), "validation" | "conflict"), "{e}");
                prop_assert!(e.field().is_some());
                prop_assert_eq!(dump(&crm), before);
            }
        }
        prop_assert!(crm.verify().unwrap().is_ok());
    }

    #[test]
    fn company_writes_never_panic(input in company_input()) {
        let crm = seeded();
        let before = dump(&crm);
        if let Err(e) = crm.create_company(input) {
            prop_assert_eq!(e.code(), "validation");
            prop_assert_eq!(dump(&crm), before);
        }
        prop_assert!(crm.verify().unwrap().is_ok());
    }

    #[test]
    fn queries_never_panic(
        text in text(),
        conditions in proptest::collection::vec(condition(), 0..3),
        cursor in opt_text(),
        limit in 0u32..1100,
        tags in proptest::collection::vec(text(), 0..2),
    ) {
        let crm = seeded();
        let _ = crm.search(&SearchQuery { text: text.clone(), kinds: vec![], limit });
        let q = ContactQuery {
            filter: ContactFilter { conditions: conditions.clone(), tags_any: tags.clone(), owner: Some(text.clone()), ..ContactFilter::default() },
            sort: Sort::default(),
            limit,
            cursor: cursor.clone(),
        };
        if let Err(e) = crm.list_contacts(&q) {
            prop_assert_eq!(e.code(), "validation");
        }
        let _ = crm.count_contacts(&q.filter);
        let cq = CompanyQuery {
            filter: CompanyFilter { conditions, tags_all: tags, ..CompanyFilter::default() },
            limit,
            cursor,
            ..CompanyQuery::default()
        };
        let _ = crm.list_companies(&cq);
        let _ = crm.find_contact_by_email(&text);
        let _ = crm.find_contacts_by_phone(&text);
        let _ = crm.find_companies_by_domain(&text);
        let _ = text.parse::<ContactId>();
        let _ = text.parse::<RecordRef>();
        let _ = text.parse::<Decimal>();
        let _ = Currency::new(&text);
    }

    #[test]
    fn field_definitions_never_panic(
        key in text(),
        label in text(),
        options in proptest::collection::vec(text(), 0..4),
        max in any::<u8>(),
        default in proptest::option::of(value()),
        values in proptest::collection::vec(value(), 0..3),
    ) {
        let crm = seeded();
        for kind in [
            FieldKind::SingleSelect { options: options.clone() },
            FieldKind::MultiSelect { options: options.clone() },
            FieldKind::Rating { max },
            FieldKind::Text,
            FieldKind::Url,
            FieldKind::Phone,
            FieldKind::Email,
        ] {
            let def = FieldDef { record_kind: RecordKind::Contact, key: key.clone(), label: label.clone(), kind, required: default.is_some(), default: default.clone(), description: None };
            if let Ok(def) = crm.define_field(def) {
                for v in &values {
                    let custom: BTreeMap<String, FieldValue> = [(def.key.clone(), v.clone())].into();
                    let _ = crm.create_contact(ContactInput { custom_fields: custom, ..person("A", "B", "") });
                }
                let _ = crm.update_field(FieldDef { kind: FieldKind::Integer, ..def.clone() });
                crm.delete_field(RecordKind::Contact, &def.key).unwrap();
            }
        }
        prop_assert!(crm.verify().unwrap().is_ok());
    }
}
