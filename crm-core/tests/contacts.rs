//! Contacts through the public API: creation, normalization, validation, uniqueness,
//! archive and restore, tags, deletion.

mod common;

use chrono::NaiveDate;
use common::*;
use crm_core::*;

#[test]
fn a_contact_is_stored_normalized_and_read_back() {
    let crm = crm();
    let created = crm
        .create_contact(ContactInput {
            given_name: Some("  Zofia ".into()),
            family_name: Some("Wiśniewska\u{a0}Kowalczyk".into()),
            emails: vec![
                Email {
                    address: "zofia@Wisniewska.PL".into(),
                    label: Some("home".into()),
                    primary: false,
                },
                Email {
                    address: " z.wisniewska@firma.pl ".into(),
                    label: Some("work".into()),
                    primary: true,
                },
            ],
            phones: vec![Phone::new("601 234 567"), Phone::new("+33 6 12 34 56 78")],
            addresses: vec![Address {
                city: Some("Łódź".into()),
                country: Some("pl".into()),
                ..Address::default()
            }],
            birthday: NaiveDate::from_ymd_opt(1988, 2, 29),
            language: Some("pl_pl".into()),
            job_title: Some("Dyrektor handlowy".into()),
            owner: Some("user-7".into()),
            source: Some("targi".into()),
            lifecycle_stage: Some("customer".into()),
            tags: vec!["VIP".into(), "vip".into(), "Łódź".into()],
            ..ContactInput::default()
        })
        .unwrap();
    assert_eq!(created.display_name, "Zofia Wiśniewska Kowalczyk");
    assert_eq!(created.emails[0].address, "zofia@wisniewska.pl");
    assert_eq!(created.emails[1].address, "z.wisniewska@firma.pl");
    assert_eq!(created.primary_email(), Some("z.wisniewska@firma.pl"));
    assert_eq!(created.phones[0].e164.as_deref(), Some("+48601234567"));
    assert_eq!(created.phones[0].number, "601 234 567");
    assert_eq!(created.phones[1].e164.as_deref(), Some("+33612345678"));
    assert_eq!(created.addresses[0].country.as_deref(), Some("PL"));
    assert_eq!(created.language.as_deref(), Some("pl-PL"));
    assert_eq!(created.tags, vec!["VIP", "Łódź"]);
    // Opening the CRM read the clock once, to create the default pipeline.
    assert_eq!(created.created_at, start() + chrono::Duration::seconds(1));
    assert_eq!(created.created_at, created.updated_at);
    assert!(created.id.to_string().starts_with("contact_"));
    assert_eq!(crm.get_contact(created.id).unwrap(), created);
}

#[test]
fn the_first_email_is_primary_and_the_name_can_come_from_it() {
    let crm = crm();
    let c = crm
        .create_contact(ContactInput {
            emails: vec![Email::new("biuro@firma.pl"), Email::new("kontakt@firma.pl")],
            ..ContactInput::default()
        })
        .unwrap();
    assert!(c.emails[0].primary && !c.emails[1].primary);
    assert_eq!(c.display_name, "biuro@firma.pl");
    let named = crm.create_contact(person("Ștefan", "", "")).unwrap();
    assert_eq!(named.display_name, "Ștefan");
}

#[test]
fn nfc_and_nfd_spellings_are_stored_the_same() {
    let crm = crm();
    let composed = crm
        .create_contact(person("\u{218}tefan", "Ionescu", ""))
        .unwrap();
    let decomposed = crm
        .create_contact(person("S\u{326}tefan", "Ionescu", ""))
        .unwrap();
    assert_eq!(composed.given_name, decomposed.given_name);
}

#[test]
fn bad_input_is_refused_by_field_and_changes_nothing() {
    let crm = crm();
    crm.create_contact(person("Jan", "Kowalski", "jan@firma.pl"))
        .unwrap();
    let with = |f: fn(&mut ContactInput)| {
        let mut input = person("Anna", "Nowak", "anna@firma.pl");
        f(&mut input);
        input
    };
    let cases: Vec<(&str, ContactInput)> = vec![
        ("display_name", ContactInput::default()),
        (
            "emails[0].address",
            with(|i| i.emails[0].address = "not an email".into()),
        ),
        (
            "emails[1].address",
            with(|i| i.emails.push(Email::new("ANNA@firma.pl"))),
        ),
        (
            "emails",
            with(|i| {
                i.emails[0].primary = true;
                i.emails.push(Email {
                    address: "b@firma.pl".into(),
                    label: None,
                    primary: true,
                });
            }),
        ),
        (
            "phones[0].number",
            with(|i| i.phones.push(Phone::new("call me"))),
        ),
        (
            "addresses[0].country",
            with(|i| {
                i.addresses.push(Address {
                    country: Some("UK".into()),
                    ..Address::default()
                })
            }),
        ),
        (
            "addresses[0]",
            with(|i| i.addresses.push(Address::default())),
        ),
        (
            "birthday",
            with(|i| i.birthday = NaiveDate::from_ymd_opt(2030, 1, 1)),
        ),
        ("language", with(|i| i.language = Some("polish!".into()))),
        ("given_name", with(|i| i.given_name = Some("x".repeat(201)))),
        (
            "tags[1]",
            with(|i| i.tags = vec!["ok".into(), "   ".into()]),
        ),
        ("owner", with(|i| i.owner = Some("a\u{0}b".into()))),
        (
            "custom_fields.nope",
            with(|i| {
                i.custom_fields
                    .insert("nope".into(), FieldValue::Integer(1));
            }),
        ),
    ];
    for (field, input) in cases {
        refused(&crm, "validation", field, |c| {
            c.create_contact(input.clone())
        });
    }
}

#[test]
fn emails_are_unique_among_active_contacts_ignoring_case() {
    let crm = crm();
    let jan = crm
        .create_contact(person("Jan", "Kowalski", "Jan.Kowalski@Firma.pl"))
        .unwrap();
    let err = refused(&crm, "conflict", "emails[0].address", |c| {
        c.create_contact(person("Janusz", "Kowalski", "jan.kowalski@firma.pl"))
    });
    let Error::Conflict {
        existing, reason, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(existing, &jan.id.to_string());
    assert!(
        !reason.contains("kowalski"),
        "no personal data in messages: {reason}"
    );
    assert!(!err.to_string().to_lowercase().contains("kowalski"));

    // Archiving frees the address; restoring while another contact holds it is refused.
    crm.archive_contact(jan.id).unwrap();
    let janusz = crm
        .create_contact(person("Janusz", "Kowalski", "JAN.KOWALSKI@firma.pl"))
        .unwrap();
    refused(&crm, "conflict", "emails[0].address", |c| {
        c.restore_contact(jan.id)
    });
    crm.delete_contact(janusz.id).unwrap();
    let restored = crm.restore_contact(jan.id).unwrap();
    assert!(!restored.is_archived());
    assert_eq!(
        crm.find_contact_by_email("JAN.kowalski@FIRMA.PL")
            .unwrap()
            .unwrap()
            .id,
        jan.id
    );
}

#[test]
fn updates_replace_fields_and_keep_identity() {
    let crm = crm();
    let c = crm
        .create_contact(person("Marie", "Dubois", "marie@exemple.fr"))
        .unwrap();
    let mut input = c.to_input();
    assert_eq!(
        input.display_name, None,
        "a derived name is not frozen by to_input"
    );
    input.family_name = Some("Lefèvre".into());
    input.job_title = Some("Directrice".into());
    let updated = crm.update_contact(c.id, input).unwrap();
    assert_eq!(updated.display_name, "Marie Lefèvre");
    assert_eq!(updated.created_at, c.created_at);
    assert!(updated.updated_at > c.updated_at);
    assert_eq!(updated.id, c.id);
    // Updating to its own addresses is not a conflict with itself.
    crm.update_contact(c.id, updated.to_input()).unwrap();
    let missing = ContactId::from_u128(42);
    let err = crm
        .update_contact(missing, person("a", "b", ""))
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[test]
fn tags_are_added_and_removed_without_case_or_diacritics() {
    let crm = crm();
    let c = crm
        .create_contact(person("Łukasz", "Zieliński", ""))
        .unwrap();
    let c2 = crm
        .add_contact_tags(c.id, &["Łódź".into(), "VIP".into()])
        .unwrap();
    assert_eq!(c2.tags, vec!["Łódź", "VIP"]);
    let c3 = crm.add_contact_tags(c.id, &["lodz".into()]).unwrap();
    assert_eq!(c3.tags, vec!["Łódź", "VIP"]);
    assert_eq!(
        c3.updated_at, c2.updated_at,
        "a no-op does not touch the record"
    );
    let c4 = crm.remove_contact_tags(c.id, &["LODZ".into()]).unwrap();
    assert_eq!(c4.tags, vec!["VIP"]);
}

#[test]
fn archived_contacts_leave_lookups_and_default_listings() {
    let crm = crm();
    let c = crm
        .create_contact(ContactInput {
            phones: vec![Phone::new("+40 721 234 567")],
            ..person("Ioana", "Popa", "ioana@firma.ro")
        })
        .unwrap();
    assert_eq!(
        crm.find_contacts_by_phone("0040721234567").unwrap().len(),
        1
    );
    crm.archive_contact(c.id).unwrap();
    assert!(
        crm.find_contact_by_email("ioana@firma.ro")
            .unwrap()
            .is_none()
    );
    assert!(
        crm.find_contacts_by_phone("+40721234567")
            .unwrap()
            .is_empty()
    );
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 0);
    let only = ContactFilter {
        archived: Archived::Only,
        ..ContactFilter::default()
    };
    assert_eq!(crm.count_contacts(&only).unwrap(), 1);
    assert!(crm.get_contact(c.id).unwrap().is_archived());
    // Archiving twice is harmless and keeps the first instant.
    let again = crm.archive_contact(c.id).unwrap();
    assert_eq!(
        again.archived_at,
        crm.get_contact(c.id).unwrap().archived_at
    );
}

#[test]
fn phones_are_found_by_any_spelling() {
    let crm = crm();
    let c = crm
        .create_contact(ContactInput {
            phones: vec![Phone::new("(0) 601-234-567")],
            ..person("Piotr", "Nowak", "")
        })
        .unwrap();
    for spelling in [
        "601 234 567",
        "+48 601 234 567",
        "0048601234567",
        "+48-601-234-567",
    ] {
        let found = crm.find_contacts_by_phone(spelling).unwrap();
        assert_eq!(found.len(), 1, "{spelling}");
        assert_eq!(found[0].id, c.id);
    }
    assert!(crm.find_contacts_by_phone("nonsense").unwrap().is_empty());
}

#[test]
fn deleting_a_contact_removes_it_and_its_links() {
    let crm = crm();
    let a = crm
        .create_contact(person("Anna", "Nowak", "anna@firma.pl"))
        .unwrap();
    let b = crm.create_contact(person("Jan", "Nowak", "")).unwrap();
    let co = crm.create_company(firm("Firma", "firma.pl")).unwrap();
    crm.link_contact_to_company(EmploymentInput {
        contact: a.id,
        company: co.id,
        role: None,
        title: None,
        primary: false,
    })
    .unwrap();
    crm.relate(RelationInput {
        relation_type: "reports_to".into(),
        record: a.id.into(),
        other: b.id.into(),
    })
    .unwrap();
    crm.delete_contact(a.id).unwrap();
    assert_eq!(crm.get_contact(a.id).unwrap_err().code(), "not_found");
    assert!(crm.relations_of(b.id.into()).unwrap().is_empty());
    assert!(crm.employments_at_company(co.id).unwrap().is_empty());
    assert!(
        crm.find_contact_by_email("anna@firma.pl")
            .unwrap()
            .is_none()
    );
    assert!(crm.search(&SearchQuery::new("anna")).unwrap().is_empty());
    assert_eq!(crm.delete_contact(a.id).unwrap_err().code(), "not_found");
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn historical_currencies_stay_valid() {
    // A CRM keeps last year's deals: withdrawn codes such as BGN and HRK must still parse.
    assert_eq!(Currency::new("bgn").unwrap().minor_digits(), 2);
    assert_eq!(Currency::new("HRK").unwrap().code(), "HRK");
    assert!(Currency::new("DEM").is_err());
}
