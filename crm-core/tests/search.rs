//! Full-text search: case- and diacritic-insensitive, prefix as you type, several words,
//! ranked, kept in step with every write.

mod common;

use common::*;
use crm_core::*;

fn labels(crm: &Crm, q: &str) -> Vec<String> {
    crm.search(&SearchQuery::new(q))
        .unwrap()
        .into_iter()
        .map(|h| h.label)
        .collect()
}

fn sample() -> Crm {
    let crm = crm();
    for (g, f, e) in [
        ("Ștefan", "Popescu", "stefan@exemplu.ro"),
        ("François", "Lefèvre", "f.lefevre@exemple.fr"),
        ("Łucja", "Łódzka", "lucja@firma.pl"),
        ("Stefania", "Kowalska", "stefania@firma.pl"),
        ("Jan", "Stefański", ""),
    ] {
        crm.create_contact(person(g, f, e)).unwrap();
    }
    crm.create_company(CompanyInput {
        addresses: vec![Address {
            city: Some("Łódź".into()),
            ..Address::default()
        }],
        ..firm("Łódzkie Młyny", "mlyny.pl")
    })
    .unwrap();
    crm
}

#[test]
fn diacritics_and_case_do_not_matter() {
    let crm = sample();
    assert_eq!(labels(&crm, "stefan popescu"), vec!["Ștefan Popescu"]);
    assert_eq!(labels(&crm, "FRANCOIS"), vec!["François Lefèvre"]);
    assert_eq!(labels(&crm, "lefevre"), vec!["François Lefèvre"]);
    // "lodz" is a prefix of the names Łódzka and Łódzkie, and the company's city as a word.
    assert_eq!(labels(&crm, "Łódź"), vec!["Łucja Łódzka", "Łódzkie Młyny"]);
    assert_eq!(labels(&crm, "lodz"), labels(&crm, "ŁÓDŹ"));
    assert_eq!(labels(&crm, "lodzki"), vec!["Łódzkie Młyny"]);
}

#[test]
fn prefixes_match_as_you_type_and_rank_names_first() {
    let crm = sample();
    // "stefan" is a whole given name of Ștefan, a prefix of Stefania and of Stefański.
    let hits = crm.search(&SearchQuery::new("stef")).unwrap();
    assert_eq!(hits.len(), 3);
    let exact = crm.search(&SearchQuery::new("stefan")).unwrap();
    assert_eq!(
        exact[0].label, "Ștefan Popescu",
        "a whole-word match ranks first"
    );
    assert!(exact[0].score > exact[1].score);
    // Several words must all match.
    assert_eq!(labels(&crm, "stef kow"), vec!["Stefania Kowalska"]);
    assert!(labels(&crm, "stef nobody").is_empty());
    // Emails and domains are searchable too, below names.
    assert_eq!(labels(&crm, "exemple"), vec!["François Lefèvre"]);
    assert_eq!(labels(&crm, "mlyny"), vec!["Łódzkie Młyny"]);
    assert!(labels(&crm, "").is_empty());
    assert!(labels(&crm, "  ,.; ").is_empty());
}

#[test]
fn kinds_and_limits_narrow_the_results() {
    let crm = sample();
    let companies = crm
        .search(&SearchQuery {
            kinds: vec![RecordKind::Company],
            ..SearchQuery::new("lodz")
        })
        .unwrap();
    assert_eq!(companies.len(), 1);
    assert!(matches!(companies[0].record, RecordRef::Company(_)));
    let one = crm
        .search(&SearchQuery {
            limit: 1,
            ..SearchQuery::new("stef")
        })
        .unwrap();
    assert_eq!(one.len(), 1);
    let err = crm
        .search(&SearchQuery {
            limit: 0,
            ..SearchQuery::new("stef")
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("limit"));
}

#[test]
fn the_index_follows_updates_in_the_same_transaction() {
    let crm = sample();
    let id = crm
        .find_contact_by_email("lucja@firma.pl")
        .unwrap()
        .unwrap()
        .id;
    let mut input = crm.get_contact(id).unwrap().to_input();
    input.family_name = Some("Wrocławska".into());
    crm.update_contact(id, input).unwrap();
    assert!(labels(&crm, "lodzka").is_empty());
    assert_eq!(labels(&crm, "wroclaw"), vec!["Łucja Wrocławska"]);
    crm.archive_contact(id).unwrap();
    assert!(labels(&crm, "wroclaw").is_empty());
    crm.restore_contact(id).unwrap();
    assert_eq!(labels(&crm, "wroclaw"), vec!["Łucja Wrocławska"]);
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn every_kind_is_labelled_with_its_name() {
    let crm = crm();
    let mut input = person("Ana", "Zorrilla", "ana@zorro.ro");
    input.display_name = Some("Doamna Zorrilla".into());
    let contact = crm.create_contact(input).unwrap();
    let company = crm.create_company(firm("Zorro Distribuție", "")).unwrap();
    let lead = crm
        .create_lead(LeadInput {
            given_name: Some("Zoé".into()),
            family_name: Some("Zorrino".into()),
            ..LeadInput::default()
        })
        .unwrap();
    let deal = crm
        .create_deal(DealInput {
            title: "Zorro renewal".into(),
            ..DealInput::default()
        })
        .unwrap();
    let hits: Vec<(RecordRef, String)> = crm
        .search(&SearchQuery::new("zorr"))
        .unwrap()
        .into_iter()
        .map(|h| (h.record, h.label))
        .collect();
    assert_eq!(
        hits,
        vec![
            (
                RecordRef::Contact(contact.id),
                "Doamna Zorrilla".to_string()
            ),
            (
                RecordRef::Company(company.id),
                "Zorro Distribuție".to_string()
            ),
            (RecordRef::Lead(lead.id), lead.display_name.clone()),
            (RecordRef::Deal(deal.id), "Zorro renewal".to_string()),
        ]
    );
    assert_eq!(lead.display_name, "Zoé Zorrino");
}
