//! Companies through the public API: domains, kinds, sizes, the parent hierarchy, deletion.

mod common;

use common::*;
use crm_core::*;

#[test]
fn a_company_is_stored_normalized() {
    let crm = crm();
    let c = crm
        .create_company(CompanyInput {
            name: " Transport  Łódź Sp. z o.o. ".into(),
            domains: vec![
                "https://www.Transport-Lodz.PL/o-nas?x=1".into(),
                "transport-lodz.pl".into(),
            ],
            industry: Some("logistyka".into()),
            size: Some(CompanySize::UpTo200),
            kinds: vec![
                RelationshipKind::Supplier,
                RelationshipKind::Customer,
                RelationshipKind::Customer,
            ],
            tags: vec!["kluczowy".into()],
            ..CompanyInput::default()
        })
        .unwrap();
    assert_eq!(c.name, "Transport Łódź Sp. z o.o.");
    assert_eq!(c.domains, vec!["transport-lodz.pl"]);
    assert_eq!(
        c.kinds,
        vec![RelationshipKind::Customer, RelationshipKind::Supplier]
    );
    assert_eq!(crm.get_company(c.id).unwrap(), c);
    let found = crm
        .find_companies_by_domain("http://transport-lodz.pl")
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, c.id);
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["size"], "51-200");
    assert_eq!(json["kinds"][0], "customer");
}

#[test]
fn bad_company_input_is_refused_by_field() {
    let crm = crm();
    refused(&crm, "validation", "name", |c| {
        c.create_company(firm("  ", ""))
    });
    refused(&crm, "validation", "domains[0]", |c| {
        c.create_company(firm("Firma", "not a domain"))
    });
    refused(&crm, "validation", "parent", |c| {
        c.create_company(CompanyInput {
            parent: Some(CompanyId::from_u128(99)),
            ..firm("Firma", "")
        })
    });
}

#[test]
fn the_hierarchy_refuses_cycles_and_reads_both_ways() {
    let crm = crm();
    let group = crm.create_company(firm("Grupa Orlen", "")).unwrap();
    let mid = crm
        .create_company(CompanyInput {
            parent: Some(group.id),
            ..firm("Orlen Lietuva", "")
        })
        .unwrap();
    let leaf = crm
        .create_company(CompanyInput {
            parent: Some(mid.id),
            ..firm("Orlen Eesti", "")
        })
        .unwrap();
    assert_eq!(
        crm.subsidiaries(group.id)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        vec![mid.id]
    );
    assert_eq!(
        crm.ancestors(leaf.id)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        vec![mid.id, group.id]
    );
    refused(&crm, "validation", "parent", |c| {
        c.update_company(
            group.id,
            CompanyInput {
                parent: Some(leaf.id),
                ..group.to_input()
            },
        )
    });
    refused(&crm, "validation", "parent", |c| {
        c.update_company(
            mid.id,
            CompanyInput {
                parent: Some(mid.id),
                ..mid.to_input()
            },
        )
    });
    // Deleting the middle company orphans its subsidiary instead of leaving a dangling parent.
    crm.delete_company(mid.id).unwrap();
    assert_eq!(crm.get_company(leaf.id).unwrap().parent, None);
    assert!(crm.subsidiaries(group.id).unwrap().is_empty());
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn deleting_a_company_moves_primary_employment_on() {
    let crm = crm();
    let ana = crm.create_contact(person("Ana", "Ionescu", "")).unwrap();
    let first = crm.create_company(firm("Dacia", "dacia.ro")).unwrap();
    let second = crm.create_company(firm("Petrom", "petrom.ro")).unwrap();
    let link = |company| EmploymentInput {
        contact: ana.id,
        company,
        role: None,
        title: None,
        primary: false,
    };
    crm.link_contact_to_company(link(first.id)).unwrap();
    crm.link_contact_to_company(link(second.id)).unwrap();
    crm.delete_company(first.id).unwrap();
    let left = crm.employments_of_contact(ana.id).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].company, second.id);
    assert!(left[0].primary);
    assert!(crm.find_companies_by_domain("dacia.ro").unwrap().is_empty());
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn archive_and_restore_a_company() {
    let crm = crm();
    let c = crm
        .create_company(firm("Société Générale", "societegenerale.fr"))
        .unwrap();
    crm.archive_company(c.id).unwrap();
    assert!(crm.search(&SearchQuery::new("societe")).unwrap().is_empty());
    assert!(
        crm.find_companies_by_domain("societegenerale.fr")
            .unwrap()
            .is_empty()
    );
    crm.restore_company(c.id).unwrap();
    assert_eq!(crm.search(&SearchQuery::new("societe")).unwrap().len(), 1);
    let tagged = crm.add_company_tags(c.id, &["banque".into()]).unwrap();
    assert_eq!(tagged.tags, vec!["banque"]);
    assert!(
        crm.remove_company_tags(c.id, &["BANQUE".into()])
            .unwrap()
            .tags
            .is_empty()
    );
}
