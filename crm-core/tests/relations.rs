//! Employments and typed relations through the public API.

mod common;

use common::*;
use crm_core::*;

fn link(contact: ContactId, company: CompanyId, primary: bool) -> EmploymentInput {
    EmploymentInput {
        contact,
        company,
        role: Some("decydent".into()),
        title: Some("CFO".into()),
        primary,
    }
}

#[test]
fn a_contact_has_exactly_one_primary_employer() {
    let crm = crm();
    let ana = crm.create_contact(person("Ana", "Ionescu", "")).unwrap();
    let a = crm.create_company(firm("Alpha", "")).unwrap();
    let b = crm.create_company(firm("Beta", "")).unwrap();
    let c = crm.create_company(firm("Gamma", "")).unwrap();
    let ea = crm
        .link_contact_to_company(link(ana.id, a.id, false))
        .unwrap();
    assert!(ea.primary, "the first employment is primary");
    let eb = crm
        .link_contact_to_company(link(ana.id, b.id, false))
        .unwrap();
    assert!(!eb.primary);
    let ec = crm
        .link_contact_to_company(link(ana.id, c.id, true))
        .unwrap();
    assert!(ec.primary);
    let primaries = |crm: &Crm| {
        crm.employments_of_contact(ana.id)
            .unwrap()
            .iter()
            .filter(|e| e.primary)
            .map(|e| e.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(primaries(&crm), vec![ec.id]);
    let stored = crm.employments_of_contact(ana.id).unwrap();
    assert!(
        stored.contains(&eb) && stored.contains(&ec),
        "link returns the employment as stored"
    );
    assert_eq!(
        ec.updated_at, ec.created_at,
        "a new employment is saved once"
    );
    crm.update_employment(
        eb.id,
        EmploymentUpdate {
            primary: true,
            ..EmploymentUpdate::default()
        },
    )
    .unwrap();
    assert_eq!(primaries(&crm), vec![eb.id]);
    crm.update_employment(eb.id, EmploymentUpdate::default())
        .unwrap();
    assert_eq!(
        primaries(&crm),
        vec![ea.id],
        "unsetting passes the mark to the oldest other"
    );
    crm.unlink_employment(ea.id).unwrap();
    assert_eq!(primaries(&crm), vec![eb.id]);
    let people = crm.employments_at_company(b.id).unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(
        people[0].title.as_deref(),
        None,
        "the update replaced role and title"
    );
    refused(&crm, "conflict", "company", |crm| {
        crm.link_contact_to_company(link(ana.id, b.id, false))
    });
    refused(&crm, "validation", "company", |crm| {
        crm.link_contact_to_company(link(ana.id, CompanyId::from_u128(5), false))
    });
    refused(&crm, "validation", "contact", |crm| {
        crm.link_contact_to_company(link(ContactId::from_u128(5), a.id, false))
    });
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn relations_read_from_both_sides_with_their_names() {
    let crm = crm();
    let boss = crm.create_contact(person("Maria", "Popescu", "")).unwrap();
    let dev = crm.create_contact(person("Ion", "Vasile", "")).unwrap();
    let rel = crm
        .relate(RelationInput {
            relation_type: "reports_to".into(),
            record: dev.id.into(),
            other: boss.id.into(),
        })
        .unwrap();
    let from_dev = crm.relations_of(dev.id.into()).unwrap();
    assert_eq!(from_dev.len(), 1);
    assert_eq!(from_dev[0].label, "reports to");
    assert_eq!(from_dev[0].other, RecordRef::Contact(boss.id));
    assert_eq!(from_dev[0].direction, Direction::Outgoing);
    let from_boss = crm.relations_of(boss.id.into()).unwrap();
    assert_eq!(from_boss[0].label, "manages");
    assert_eq!(from_boss[0].direction, Direction::Incoming);
    assert_eq!(from_boss[0].relation, rel.id);
    refused(&crm, "conflict", "other", |c| {
        c.relate(RelationInput {
            relation_type: "reports_to".into(),
            record: dev.id.into(),
            other: boss.id.into(),
        })
    });
    refused(&crm, "validation", "other", |c| {
        c.relate(RelationInput {
            relation_type: "reports_to".into(),
            record: dev.id.into(),
            other: dev.id.into(),
        })
    });
    refused(&crm, "validation", "relation_type", |c| {
        c.relate(RelationInput {
            relation_type: "nope".into(),
            record: dev.id.into(),
            other: boss.id.into(),
        })
    });
    crm.unrelate(rel.id).unwrap();
    assert!(crm.relations_of(boss.id.into()).unwrap().is_empty());
}

#[test]
fn relation_types_are_typed_by_record_kind() {
    let crm = crm();
    let keys: Vec<String> = crm
        .relation_types()
        .unwrap()
        .into_iter()
        .map(|t| t.key)
        .collect();
    for built_in in ["referred_by", "reports_to", "partner_of", "supplier_of"] {
        assert!(keys.contains(&built_in.to_string()), "{built_in}");
    }
    let t = crm
        .define_relation_type(RelationType::new(
            "distributor_for",
            "distributor for",
            "distributed by",
            RecordKind::Company,
        ))
        .unwrap();
    assert!(!t.built_in);
    let p = crm.create_contact(person("Jean", "Martin", "")).unwrap();
    let a = crm.create_company(firm("Alpha", "")).unwrap();
    let b = crm.create_company(firm("Beta", "")).unwrap();
    refused(&crm, "validation", "record", |c| {
        c.relate(RelationInput {
            relation_type: "distributor_for".into(),
            record: p.id.into(),
            other: b.id.into(),
        })
    });
    let r = crm
        .relate(RelationInput {
            relation_type: "distributor_for".into(),
            record: a.id.into(),
            other: b.id.into(),
        })
        .unwrap();
    assert_eq!(
        crm.relations_of(b.id.into()).unwrap()[0].label,
        "distributed by"
    );
    refused(&crm, "conflict", "key", |c| {
        c.delete_relation_type("distributor_for")
    });
    refused(&crm, "validation", "key", |c| {
        c.delete_relation_type("reports_to")
    });
    refused(&crm, "conflict", "key", |c| {
        c.define_relation_type(RelationType::new(
            "distributor_for",
            "x",
            "y",
            RecordKind::Company,
        ))
    });
    refused(&crm, "validation", "key", |c| {
        c.define_relation_type(RelationType::new("Bad Key", "x", "y", RecordKind::Company))
    });
    refused(&crm, "validation", "reverse_name", |c| {
        c.define_relation_type(RelationType::new("ok_key", "x", " ", RecordKind::Company))
    });
    crm.unrelate(r.id).unwrap();
    crm.delete_relation_type("distributor_for").unwrap();
    assert_eq!(
        crm.delete_relation_type("distributor_for")
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn deleting_either_end_removes_the_relation() {
    let crm = crm();
    let a = crm.create_company(firm("Alpha", "")).unwrap();
    let b = crm.create_company(firm("Beta", "")).unwrap();
    crm.relate(RelationInput {
        relation_type: "supplier_of".into(),
        record: a.id.into(),
        other: b.id.into(),
    })
    .unwrap();
    crm.delete_company(b.id).unwrap();
    assert!(crm.relations_of(a.id.into()).unwrap().is_empty());
    assert_eq!(
        crm.relations_of(b.id.into()).unwrap_err().code(),
        "not_found"
    );
    assert!(crm.verify().unwrap().is_ok());
}
