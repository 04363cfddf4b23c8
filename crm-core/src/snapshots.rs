//! Snapshot tests of the stored form of every record type.
//!
//! Each record is encoded and compared with the hex committed under
//! `crm-core/tests/snapshots/`; the committed bytes must also decode back to the same value.
//! A failing snapshot means the file format changed: that needs a schema version and a
//! migration (see `migrate.rs`), not just a new snapshot. To accept an intended change, run
//! with `UPDATE_SNAPSHOTS=1`.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};

use crate::activities::activity::{
    Activity, ActivityKind, ActivityStatus, Channel, InteractionDirection, Participant,
    ParticipantStatus, Priority,
};
use crate::activities::calendar::Calendar;
use crate::activities::recurrence::{Frequency, Recurrence, Weekday};
use crate::people::company::{Company, CompanySize, RelationshipKind};
use crate::people::contact::{Contact, Email, Phone};
use crate::people::relation::{Employment, Relation, RelationType};
use crate::records::changes::RecordChange;
use crate::records::codec;
use crate::records::fields::{FieldDef, FieldKind, FieldValue};
use crate::sales::deal::{Deal, DealContact, StageChange};
use crate::sales::lead::{Conversion, Lead, LeadSource, LeadStatus};
use crate::sales::lineitem::{self, Discount};
use crate::sales::pipeline::{Pipeline, Stage, StageKind};
use crate::sales::product::{PriceList, PriceListEntry, Product};
use crate::sales::quote::{Quote, QuoteStatus};
use crate::values::id::RecordKind;
use crate::values::id::{
    ActivityId, CalendarId, CompanyId, ContactId, DealId, EmploymentId, LeadId, PipelineId,
    PriceListId, ProductId, QuoteId, RecordRef, RelationId, StageId,
};
use crate::values::input::Address;
use crate::values::money::{Currency, Money};

fn t(h: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, h, 30, 15).unwrap() + chrono::Duration::microseconds(123_456)
}

fn every_value() -> BTreeMap<String, FieldValue> {
    [
        ("a_text", FieldValue::Text("Zażółć".into())),
        ("b_integer", FieldValue::Integer(-42)),
        ("c_decimal", FieldValue::Decimal("12.345".parse().unwrap())),
        ("d_boolean", FieldValue::Boolean(true)),
        (
            "e_date",
            FieldValue::Date(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()),
        ),
        ("f_datetime", FieldValue::DateTime(t(8))),
        (
            "g_list",
            FieldValue::List(vec!["wino".into(), "sery".into()]),
        ),
        (
            "h_money",
            FieldValue::Money(Money::new(123_450, Currency::PLN)),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn address() -> Address {
    Address {
        label: Some("biuro".into()),
        street: Some("ul. Piotrkowska 1".into()),
        city: Some("Łódź".into()),
        region: Some("łódzkie".into()),
        postal_code: Some("90-001".into()),
        country: Some("PL".into()),
    }
}

fn contact() -> Contact {
    Contact {
        id: ContactId::from_u128(1),
        given_name: Some("Ștefan".into()),
        family_name: Some("Popescu".into()),
        display_name: "Ștefan Popescu".into(),
        emails: vec![Email {
            address: "stefan@exemplu.ro".into(),
            label: Some("work".into()),
            primary: true,
        }],
        phones: vec![Phone {
            number: "0721 234 567".into(),
            label: Some("mobile".into()),
            e164: Some("+40721234567".into()),
        }],
        addresses: vec![address()],
        birthday: NaiveDate::from_ymd_opt(1985, 3, 1),
        language: Some("ro-RO".into()),
        job_title: Some("Director".into()),
        owner: Some("user-1".into()),
        source: Some("referral".into()),
        lifecycle_stage: Some("customer".into()),
        tags: vec!["VIP".into()],
        custom_fields: every_value(),
        created_at: t(9),
        updated_at: t(10),
        archived_at: Some(t(11)),
    }
}

fn company() -> Company {
    Company {
        id: CompanyId::from_u128(2),
        name: "Société Générale".into(),
        domains: vec!["societegenerale.fr".into()],
        industry: Some("banque".into()),
        size: Some(CompanySize::Over10000),
        addresses: vec![address()],
        kinds: vec![RelationshipKind::Customer, RelationshipKind::FormerCustomer],
        parent: Some(CompanyId::from_u128(3)),
        owner: Some("user-2".into()),
        tags: vec!["banque".into()],
        custom_fields: every_value(),
        created_at: t(9),
        updated_at: t(10),
        archived_at: None,
    }
}

fn employment() -> Employment {
    Employment {
        id: EmploymentId::from_u128(4),
        contact: ContactId::from_u128(1),
        company: CompanyId::from_u128(2),
        role: Some("decision maker".into()),
        title: Some("CFO".into()),
        primary: true,
        created_at: t(9),
        updated_at: t(10),
    }
}

fn relation() -> Relation {
    Relation {
        id: RelationId::from_u128(5),
        relation_type: "reports_to".into(),
        record: RecordRef::Contact(ContactId::from_u128(1)),
        other: RecordRef::Contact(ContactId::from_u128(6)),
        created_at: t(9),
    }
}

fn relation_type() -> RelationType {
    RelationType {
        key: "reports_to".into(),
        name: "reports to".into(),
        reverse_name: "manages".into(),
        record_kind: RecordKind::Contact,
        built_in: true,
    }
}

fn field_defs() -> Vec<FieldDef> {
    let kinds = [
        FieldKind::Text,
        FieldKind::LongText,
        FieldKind::Integer,
        FieldKind::Decimal,
        FieldKind::Boolean,
        FieldKind::Date,
        FieldKind::DateTime,
        FieldKind::SingleSelect {
            options: vec!["Złoty".into()],
        },
        FieldKind::MultiSelect {
            options: vec!["a".into(), "b".into()],
        },
        FieldKind::Money {
            currency: Some(Currency::EUR),
        },
        FieldKind::Url,
        FieldKind::Email,
        FieldKind::Phone,
        FieldKind::Rating { max: 5 },
    ];
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| FieldDef {
            record_kind: RecordKind::Company,
            key: format!("field_{i}"),
            label: format!("Pole {i}"),
            kind,
            required: i % 2 == 0,
            default: (i == 0).then(|| FieldValue::Text("domyślny".into())),
            description: Some("opis".into()),
        })
        .collect()
}

fn lead() -> Lead {
    Lead {
        id: LeadId::from_u128(20),
        given_name: Some("Łucja".into()),
        family_name: Some("Dąbrowska".into()),
        display_name: "Łucja Dąbrowska".into(),
        email: Some("lucja@mlyn.pl".into()),
        phone: Some("601 234 567".into()),
        job_title: Some("Prezes".into()),
        company_name: Some("Młyn Kalisz".into()),
        web_domain: Some("mlyn.pl".into()),
        source: Some(LeadSource::Event),
        source_detail: Some("Targi Poznańskie".into()),
        status: LeadStatus::Converted,
        disqualified_reason: None,
        score: 80,
        owner: Some("user-1".into()),
        tags: vec!["targi".into()],
        custom_fields: every_value(),
        conversion: Some(Conversion {
            contact: Some(ContactId::from_u128(1)),
            company: Some(CompanyId::from_u128(2)),
            deal: Some(DealId::from_u128(21)),
            converted_at: t(12),
            by: Some("user-1".into()),
        }),
        created_at: t(9),
        updated_at: t(12),
        archived_at: None,
    }
}

fn lines() -> Vec<lineitem::LineItem> {
    vec![
        lineitem::price_line(
            Some(ProductId::from_u128(30)),
            "Licencja".into(),
            "2.5".parse().unwrap(),
            Money::new(49_900, Currency::PLN),
            Some(Discount::Percent { basis_points: 1000 }),
            2300,
        )
        .unwrap(),
        lineitem::price_line(
            None,
            "Wdrożenie".into(),
            "1".parse().unwrap(),
            Money::new(100_000, Currency::PLN),
            Some(Discount::Amount {
                amount: Money::new(5_000, Currency::PLN),
            }),
            0,
        )
        .unwrap(),
    ]
}

fn deal() -> Deal {
    let line_items = lines();
    Deal {
        id: DealId::from_u128(21),
        title: "Młyn Kalisz — licencje".into(),
        pipeline: PipelineId::from_u128(22),
        stage: StageId::from_u128(23),
        status: StageKind::Won,
        company: Some(CompanyId::from_u128(2)),
        contacts: vec![DealContact {
            contact: ContactId::from_u128(1),
            role: Some("decision maker".into()),
        }],
        owner: Some("user-1".into()),
        amount: Some(Money::new(207_275, Currency::PLN)),
        expected_close: NaiveDate::from_ymd_opt(2026, 12, 31),
        probability_override: Some(35),
        probability: 0,
        source: Some("event".into()),
        lost_reason: None,
        closed_at: Some(t(13)),
        closed_value: Some(Money::new(48_502, Currency::EUR)),
        totals: lineitem::totals(&line_items).unwrap(),
        line_items,
        price_list: Some(PriceListId::from_u128(31)),
        origin: Some(DealId::from_u128(24)),
        tags: vec!["fleet".into()],
        custom_fields: every_value(),
        stage_entered_at: t(13),
        rotten: false,
        created_at: t(9),
        updated_at: t(13),
        archived_at: None,
    }
}

fn stage_change() -> StageChange {
    StageChange {
        key: 25,
        deal: DealId::from_u128(21),
        from_stage: Some(StageId::from_u128(26)),
        to_stage: StageId::from_u128(23),
        at: t(13),
        by: Some("user-1".into()),
    }
}

fn activity() -> Activity {
    Activity {
        id: ActivityId::from_u128(40),
        kind: ActivityKind::Other,
        other_kind: Some("wizyta".into()),
        subject: "Spotkanie w Łodzi".into(),
        body: Some("Omówić ofertę.\nDrugi wiersz".into()),
        owner: Some("user-1".into()),
        participants: vec![
            Participant {
                contact: Some(ContactId::from_u128(1)),
                status: ParticipantStatus::Accepted,
                ..Participant::default()
            },
            Participant {
                user: Some("user-2".into()),
                status: ParticipantStatus::Tentative,
                ..Participant::default()
            },
            Participant {
                email: Some("gość@example.pl".into()),
                name: Some("Gość".into()),
                status: ParticipantStatus::Declined,
                ..Participant::default()
            },
        ],
        starts_at: Some(t(9)),
        ends_at: Some(t(10)),
        all_day: false,
        due_at: Some(t(11)),
        time_zone: Some("Europe/Warsaw".into()),
        location: Some("Piotrkowska 1".into()),
        status: ActivityStatus::Done,
        completed_at: Some(t(12)),
        outcome: Some("call back".into()),
        channel: Some(Channel::InPerson),
        direction: Some(InteractionDirection::Outbound),
        priority: Priority::High,
        links: vec![
            RecordRef::Company(CompanyId::from_u128(2)),
            RecordRef::Deal(DealId::from_u128(21)),
        ],
        calendar: Some(CalendarId::from_u128(41)),
        reminders: vec![10, 60],
        recurrence: Some(Recurrence {
            frequency: Frequency::Monthly,
            interval: 2,
            weekdays: vec![Weekday::Tuesday, Weekday::Thursday],
            position: Some(-1),
            until: None,
            count: Some(12),
            exceptions: vec![t(14)],
        }),
        follows: Some(ActivityId::from_u128(39)),
        ical_uid: Some("abc@example.com".into()),
        created_at: t(7),
        updated_at: t(12),
    }
}

fn calendar() -> Calendar {
    Calendar {
        id: CalendarId::from_u128(41),
        name: "Zespół sprzedaży".into(),
        owner: Some("user-1".into()),
        members: vec!["user-1".into(), "user-2".into()],
        time_zone: "Europe/Warsaw".into(),
        created_at: t(6),
        updated_at: t(7),
    }
}

fn record_change() -> RecordChange {
    RecordChange {
        key: 42,
        record: RecordRef::Contact(ContactId::from_u128(1)),
        at: t(15),
        fields: vec!["lifecycle_stage".into(), "tags".into()],
        stage_from: Some("lead".into()),
        stage_to: Some("customer".into()),
    }
}

fn pipeline() -> Pipeline {
    Pipeline {
        id: PipelineId::from_u128(22),
        name: "Sprzedaż".into(),
        stages: vec![
            Stage {
                id: StageId::from_u128(26),
                name: "Oferta".into(),
                probability: 50,
                kind: StageKind::Open,
                rotten_after_days: Some(14),
                archived: false,
            },
            Stage {
                id: StageId::from_u128(23),
                name: "Wygrana".into(),
                probability: 100,
                kind: StageKind::Won,
                rotten_after_days: None,
                archived: true,
            },
        ],
        is_default: true,
        created_at: t(9),
        updated_at: t(10),
    }
}

fn product() -> Product {
    Product {
        id: ProductId::from_u128(30),
        sku: "LIC-STD".into(),
        name: "Licencja".into(),
        description: Some("Roczna".into()),
        prices: vec![
            Money::new(49_900, Currency::PLN),
            Money::new(11_900, Currency::EUR),
        ],
        tax_rate: 2300,
        created_at: t(9),
        updated_at: t(10),
        archived_at: Some(t(11)),
    }
}

fn price_list() -> PriceList {
    PriceList {
        id: PriceListId::from_u128(31),
        name: "Partnerzy".into(),
        currency: Currency::PLN,
        entries: vec![PriceListEntry {
            product: ProductId::from_u128(30),
            unit_price: Money::new(39_900, Currency::PLN),
        }],
        created_at: t(9),
        updated_at: t(10),
    }
}

fn quote() -> Quote {
    let line_items = lines();
    Quote {
        id: QuoteId::from_u128(32),
        deal: DealId::from_u128(21),
        number: "Q-2026-0001".into(),
        version: 2,
        status: QuoteStatus::Accepted,
        currency: Currency::PLN,
        totals: lineitem::totals(&line_items).unwrap().unwrap(),
        line_items,
        valid_until: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        notes: Some("Płatność 30 dni".into()),
        rejection_reason: None,
        superseded_by: Some(QuoteId::from_u128(33)),
        sent_at: Some(t(10)),
        decided_at: Some(t(11)),
        created_at: t(9),
        updated_at: t(11),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    let s = s.trim();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Compares the encoding of `value` with the committed snapshot, and decodes the snapshot.
fn check<T>(name: &str, value: &T, attach_id: impl Fn(&mut T))
where
    T: minicbor::Encode<()> + for<'b> minicbor::Decode<'b, ()> + PartialEq + std::fmt::Debug,
{
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.cbor.hex"));
    // The snapshot is of the CBOR; the checksum framing around it is `codec.rs`'s own test.
    let stored = codec::encode(&[], value);
    let encoded = codec::body("snapshot", &[], &stored).unwrap().to_vec();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, hex(&encoded) + "\n").unwrap();
    }
    let committed = std::fs::read_to_string(&path)
        .map(|s| unhex(&s))
        .unwrap_or_else(|_| panic!("no snapshot of {name}: run once with UPDATE_SNAPSHOTS=1"));
    assert!(
        encoded == committed,
        "the stored form of {name} changed: bump the schema version and add a migration"
    );
    let mut decoded: T = codec::decode("snapshot", &[], &committed).unwrap();
    attach_id(&mut decoded);
    assert_eq!(
        &decoded, value,
        "the committed {name} no longer decodes to the same value"
    );
}

#[test]
fn stored_forms_match_their_snapshots() {
    check("contact", &contact(), |c| c.id = ContactId::from_u128(1));
    check("company", &company(), |c| c.id = CompanyId::from_u128(2));
    check("employment", &employment(), |e| {
        e.id = EmploymentId::from_u128(4)
    });
    check("relation", &relation(), |r| r.id = RelationId::from_u128(5));
    check("relation_type", &relation_type(), |_| {});
    for (i, def) in field_defs().iter().enumerate() {
        check(&format!("field_def_{i}"), def, |_| {});
    }
    check("lead", &lead(), |l| l.id = LeadId::from_u128(20));
    check("deal", &deal(), |d| d.id = DealId::from_u128(21));
    check("stage_change", &stage_change(), |c| c.key = 25);
    check("pipeline", &pipeline(), |p| {
        p.id = PipelineId::from_u128(22)
    });
    check("product", &product(), |p| p.id = ProductId::from_u128(30));
    check("price_list", &price_list(), |l| {
        l.id = PriceListId::from_u128(31)
    });
    check("quote", &quote(), |q| q.id = QuoteId::from_u128(32));
    check("activity", &activity(), |a| {
        a.id = ActivityId::from_u128(40)
    });
    check("calendar", &calendar(), |c| {
        c.id = CalendarId::from_u128(41)
    });
    check("record_change", &record_change(), |c| c.key = 42);
}

#[test]
fn records_tolerate_fields_added_later_and_absent_optional_fields() {
    let bytes = minicbor::to_vec(relation()).unwrap();
    // A relation is a CBOR array of 4 fields (header 0x84). A newer library adds a fifth
    // field: an older one must skip it.
    assert_eq!(bytes[0], 0x84);
    let mut newer = bytes.clone();
    newer[0] = 0x85;
    newer.extend_from_slice(&[0x66, b'f', b'u', b't', b'u', b'r', b'e']);
    let mut decoded: Relation = codec::decode("relation", &[], &newer).unwrap();
    decoded.id = relation().id;
    assert_eq!(decoded, relation());

    // A record written before an optional field existed decodes with `None` there:
    // `archived_at` is the company's last field, an 8-byte integer (0x1b and 8 bytes).
    let mut company = company();
    company.archived_at = Some(t(12));
    let mut older = minicbor::to_vec(&company).unwrap();
    let header = older[0];
    assert_eq!(header, 0x8d, "13 fields");
    older[0] = header - 1;
    older.truncate(older.len() - 9);
    assert_eq!(
        older.get(older.len() - 9),
        Some(&0x1b),
        "the field before is updated_at"
    );
    let decoded: Company = codec::decode("company", &[], &older).unwrap();
    assert_eq!(decoded.archived_at, None);
    assert_eq!(decoded.updated_at, company.updated_at);
    assert_eq!(decoded.name, company.name);
}
