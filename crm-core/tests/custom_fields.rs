//! Custom fields: definitions, validation of values on every write, and definition changes
//! that migrate existing values or are refused.

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use common::*;
use crm_core::*;

fn values(pairs: &[(&str, FieldValue)]) -> BTreeMap<String, FieldValue> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn with_fields(given: &str, pairs: &[(&str, FieldValue)]) -> ContactInput {
    ContactInput {
        custom_fields: values(pairs),
        ..person(given, "Test", "")
    }
}

#[test]
fn every_kind_of_field_validates_its_values() {
    let crm = crm();
    let defs = [
        ("note", FieldKind::Text),
        ("bio", FieldKind::LongText),
        ("visits", FieldKind::Integer),
        ("discount", FieldKind::Decimal),
        ("newsletter", FieldKind::Boolean),
        ("first_order", FieldKind::Date),
        ("last_call", FieldKind::DateTime),
        (
            "tier",
            FieldKind::SingleSelect {
                options: vec!["Złoty".into(), "Srebrny".into()],
            },
        ),
        (
            "interests",
            FieldKind::MultiSelect {
                options: vec!["wino".into(), "sery".into()],
            },
        ),
        (
            "budget",
            FieldKind::Money {
                currency: Some(Currency::PLN),
            },
        ),
        ("site", FieldKind::Url),
        ("assistant_email", FieldKind::Email),
        ("fax", FieldKind::Phone),
        ("stars", FieldKind::Rating { max: 5 }),
    ];
    for (key, kind) in &defs {
        crm.define_field(FieldDef::new(RecordKind::Contact, key, key, kind.clone()))
            .unwrap();
    }
    let good = [
        ("note", FieldValue::Text("ok".into())),
        ("bio", FieldValue::Text("line one\nline two".into())),
        ("visits", FieldValue::Integer(3)),
        ("discount", FieldValue::Decimal("12.5".parse().unwrap())),
        ("newsletter", FieldValue::Boolean(true)),
        (
            "first_order",
            FieldValue::Date(NaiveDate::from_ymd_opt(2024, 5, 1).unwrap()),
        ),
        ("last_call", FieldValue::DateTime(start())),
        ("tier", FieldValue::Text("zloty".into())),
        ("interests", FieldValue::List(vec!["SERY".into()])),
        (
            "budget",
            FieldValue::Money(Money::new(150_000, Currency::PLN)),
        ),
        ("site", FieldValue::Text("HTTPS://Example.PL/a".into())),
        (
            "assistant_email",
            FieldValue::Text("asystent@firma.pl".into()),
        ),
        ("fax", FieldValue::Text("+48 22 123 45 67".into())),
        ("stars", FieldValue::Integer(5)),
    ];
    let c = crm.create_contact(with_fields("Good", &good)).unwrap();
    assert_eq!(
        c.custom_fields["tier"],
        FieldValue::Text("Złoty".into()),
        "the option's spelling is stored"
    );
    assert_eq!(
        c.custom_fields["interests"],
        FieldValue::List(vec!["sery".into()])
    );
    assert_eq!(
        c.custom_fields["site"],
        FieldValue::Text("https://example.pl/a".into())
    );
    let bad = [
        ("note", FieldValue::Integer(1)),
        ("visits", FieldValue::Text("3".into())),
        ("newsletter", FieldValue::Text("yes".into())),
        ("tier", FieldValue::Text("Brązowy".into())),
        ("interests", FieldValue::List(vec!["piwo".into()])),
        ("budget", FieldValue::Money(Money::new(100, Currency::EUR))),
        ("site", FieldValue::Text("ftp://example.pl".into())),
        ("assistant_email", FieldValue::Text("nope".into())),
        ("fax", FieldValue::Text("brak".into())),
        ("stars", FieldValue::Integer(6)),
        ("stars", FieldValue::Integer(0)),
    ];
    for (key, value) in bad {
        refused(&crm, "validation", &format!("custom_fields.{key}"), |c| {
            c.create_contact(with_fields("Bad", &[(key, value.clone())]))
        });
    }
}

#[test]
fn required_fields_take_their_default_or_refuse() {
    let crm = crm();
    let existing = crm.create_contact(person("Old", "Record", "")).unwrap();
    refused(&crm, "conflict", "required", |c| {
        c.define_field(
            FieldDef::new(RecordKind::Contact, "segment", "Segment", FieldKind::Text)
                .required(None),
        )
    });
    crm.define_field(
        FieldDef::new(RecordKind::Contact, "segment", "Segment", FieldKind::Text)
            .required(Some("SMB".into())),
    )
    .unwrap();
    assert_eq!(
        crm.get_contact(existing.id).unwrap().custom_fields["segment"],
        FieldValue::Text("SMB".into())
    );
    let new = crm.create_contact(person("New", "Record", "")).unwrap();
    assert_eq!(new.custom_fields["segment"], FieldValue::Text("SMB".into()));
    assert!(crm.verify().unwrap().is_ok());
}

/// A batch reads a kind's definitions once and keeps them: a definition added, changed or
/// deleted in the same batch must still rule the writes after it.
#[test]
fn definitions_changed_inside_a_batch_rule_the_writes_after_them() {
    let crm = crm();
    let note = |v: &str| [("note", FieldValue::Text(v.into()))];
    let (with_note, defaulted, late) = crm
        .batch(|b| {
            b.create_contact(person("Before", "Definitions", ""))?;
            let early = b.create_contact(with_fields("Early", &note("x")));
            assert!(early.is_err(), "no field note yet: {early:?}");
            b.define_field(FieldDef::new(
                RecordKind::Contact,
                "note",
                "Note",
                FieldKind::Text,
            ))?;
            let with_note = b.create_contact(with_fields("With", &note("kept")))?;
            b.define_field(
                FieldDef::new(RecordKind::Contact, "segment", "Segment", FieldKind::Text)
                    .required(Some("SMB".into())),
            )?;
            let defaulted = b.create_contact(person("Defaulted", "Segment", ""))?;
            b.delete_field(RecordKind::Contact, "segment")?;
            let late = b.create_contact(person("Late", "Contact", ""))?;
            b.delete_field(RecordKind::Contact, "note")?;
            let gone = b.create_contact(with_fields("Gone", &note("x")));
            assert!(gone.is_err(), "field note deleted: {gone:?}");
            Ok((with_note, defaulted, late))
        })
        .unwrap();
    assert_eq!(
        with_note.custom_fields["note"],
        FieldValue::Text("kept".into())
    );
    assert_eq!(
        defaulted.custom_fields["segment"],
        FieldValue::Text("SMB".into())
    );
    assert!(!late.custom_fields.contains_key("segment"));
    assert!(crm.field_defs(RecordKind::Contact).unwrap().is_empty());
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn definition_changes_migrate_or_are_refused() {
    let crm = crm();
    let def = FieldDef::new(
        RecordKind::Company,
        "employees",
        "Employees",
        FieldKind::Integer,
    );
    crm.define_field(def.clone()).unwrap();
    let co = crm
        .create_company(CompanyInput {
            custom_fields: values(&[("employees", 120.into())]),
            ..firm("Alpha", "")
        })
        .unwrap();
    // Integer to decimal keeps the meaning: migrated.
    crm.update_field(FieldDef {
        kind: FieldKind::Decimal,
        ..def.clone()
    })
    .unwrap();
    assert_eq!(
        crm.get_company(co.id).unwrap().custom_fields["employees"],
        FieldValue::Decimal(Decimal::from_i64(120))
    );
    // Decimal to boolean does not: refused, naming the record in the way.
    let err = refused(&crm, "conflict", "kind", |c| {
        c.update_field(FieldDef {
            kind: FieldKind::Boolean,
            ..def.clone()
        })
    });
    let Error::Conflict { existing, .. } = err else {
        unreachable!()
    };
    assert_eq!(existing, co.id.to_string());

    let tier = FieldDef::new(
        RecordKind::Company,
        "tier",
        "Tier",
        FieldKind::SingleSelect {
            options: vec!["Gold".into(), "Silver".into()],
        },
    );
    crm.define_field(tier.clone()).unwrap();
    crm.update_company(
        co.id,
        CompanyInput {
            custom_fields: values(&[("tier", "Gold".into())]),
            ..co.to_input()
        },
    )
    .unwrap();
    // Removing an option in use is refused; removing an unused one is fine.
    refused(&crm, "conflict", "kind", |c| {
        c.update_field(FieldDef {
            kind: FieldKind::SingleSelect {
                options: vec!["Silver".into()],
            },
            ..tier.clone()
        })
    });
    crm.update_field(FieldDef {
        kind: FieldKind::SingleSelect {
            options: vec!["Gold".into()],
        },
        ..tier.clone()
    })
    .unwrap();
    // Single to multi select wraps the value.
    crm.update_field(FieldDef {
        kind: FieldKind::MultiSelect {
            options: vec!["Gold".into(), "Bronze".into()],
        },
        ..tier.clone()
    })
    .unwrap();
    assert_eq!(
        crm.get_company(co.id).unwrap().custom_fields["tier"],
        FieldValue::List(vec!["Gold".into()])
    );
    // Deleting the definition deletes the values.
    crm.delete_field(RecordKind::Company, "tier").unwrap();
    assert!(
        !crm.get_company(co.id)
            .unwrap()
            .custom_fields
            .contains_key("tier")
    );
    assert_eq!(
        crm.delete_field(RecordKind::Company, "tier")
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(crm.field_defs(RecordKind::Company).unwrap().len(), 1);
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn bad_definitions_are_refused() {
    let crm = crm();
    crm.define_field(FieldDef::new(
        RecordKind::Contact,
        "nip",
        "NIP",
        FieldKind::Text,
    ))
    .unwrap();
    refused(&crm, "conflict", "key", |c| {
        c.define_field(FieldDef::new(
            RecordKind::Contact,
            "nip",
            "NIP",
            FieldKind::Text,
        ))
    });
    refused(&crm, "validation", "key", |c| {
        c.define_field(FieldDef::new(
            RecordKind::Contact,
            "1abc",
            "x",
            FieldKind::Text,
        ))
    });
    refused(&crm, "validation", "label", |c| {
        c.define_field(FieldDef::new(
            RecordKind::Contact,
            "abc",
            "",
            FieldKind::Text,
        ))
    });
    refused(&crm, "validation", "kind.options", |c| {
        c.define_field(FieldDef::new(
            RecordKind::Contact,
            "abc",
            "x",
            FieldKind::SingleSelect { options: vec![] },
        ))
    });
    refused(&crm, "validation", "default", |c| {
        c.define_field(
            FieldDef::new(RecordKind::Contact, "abc", "x", FieldKind::Integer)
                .required(Some("x".into())),
        )
    });
    // The same key may exist on another record kind.
    crm.define_field(FieldDef::new(
        RecordKind::Company,
        "nip",
        "NIP",
        FieldKind::Text,
    ))
    .unwrap();
}

#[test]
fn custom_values_are_searchable_and_filterable() {
    let crm = crm();
    crm.define_field(FieldDef::new(
        RecordKind::Contact,
        "hobby",
        "Hobby",
        FieldKind::Text,
    ))
    .unwrap();
    crm.define_field(FieldDef::new(
        RecordKind::Contact,
        "score",
        "Score",
        FieldKind::Integer,
    ))
    .unwrap();
    let a = crm
        .create_contact(with_fields(
            "Ana",
            &[("hobby", "żeglarstwo".into()), ("score", 80.into())],
        ))
        .unwrap();
    crm.create_contact(with_fields("Ion", &[("score", 20.into())]))
        .unwrap();
    assert_eq!(
        crm.search(&SearchQuery::new("zeglar")).unwrap()[0].record,
        RecordRef::Contact(a.id)
    );
    let filter = ContactFilter {
        conditions: vec![Condition::new("custom.score", Op::Gte, 50i64)],
        ..ContactFilter::default()
    };
    assert_eq!(crm.count_contacts(&filter).unwrap(), 1);
    let filter = ContactFilter {
        conditions: vec![Condition::missing("custom.hobby")],
        ..ContactFilter::default()
    };
    assert_eq!(crm.count_contacts(&filter).unwrap(), 1);
}
