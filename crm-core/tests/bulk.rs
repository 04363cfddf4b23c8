//! Long operations: imports in one transaction and backups, with progress and cancel.

mod common;

use common::*;
use crm_core::*;

fn data(n: usize) -> ImportData {
    ImportData {
        companies: vec![firm("Młyny Łódzkie", "mlyny.pl"), firm("Dacia", "dacia.ro")],
        contacts: (0..n)
            .map(|i| person(&format!("Osoba{i}"), "Import", &format!("o{i}@import.pl")))
            .collect(),
        employments: vec![
            ImportEmployment {
                contact: 0,
                company: 1,
                title: Some("CEO".into()),
                ..ImportEmployment::default()
            },
            ImportEmployment {
                contact: 1,
                company: 0,
                ..ImportEmployment::default()
            },
        ],
    }
}

#[test]
fn an_import_writes_everything_and_reports_progress() {
    let crm = crm();
    let mut seen = Vec::new();
    let report = crm
        .import_records(data(600), &mut |p| {
            seen.push(p);
            true
        })
        .unwrap();
    assert_eq!(
        (
            report.companies.len(),
            report.contacts.len(),
            report.employments.len()
        ),
        (2, 600, 2)
    );
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 600);
    let e = crm.employments_of_contact(report.contacts[0]).unwrap();
    assert_eq!(
        (e[0].company, e[0].title.as_deref(), e[0].primary),
        (report.companies[1], Some("CEO"), true)
    );
    assert_eq!(
        seen.first(),
        Some(&Progress {
            done: 0,
            total: 604
        })
    );
    assert_eq!(
        seen.last(),
        Some(&Progress {
            done: 604,
            total: 604
        })
    );
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done));
    assert!(
        seen.len() >= 4,
        "progress is reported along the way: {seen:?}"
    );
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn a_refused_record_or_a_cancel_leaves_nothing() {
    let crm = crm();
    let mut bad = data(10);
    bad.contacts[7].emails[0].address = "not an email".into();
    refused(&crm, "validation", "contacts[7].emails[0].address", |c| {
        c.import_records(bad.clone(), &mut |_| true)
    });
    let mut dup = data(10);
    dup.contacts[9].emails[0].address = "O3@import.pl".into();
    refused(&crm, "conflict", "contacts[9].emails[0].address", |c| {
        c.import_records(dup.clone(), &mut |_| true)
    });
    let mut link = data(10);
    link.employments[1].company = 5;
    refused(&crm, "validation", "employments[1].company", |c| {
        c.import_records(link.clone(), &mut |_| true)
    });

    let before = dump(&crm);
    let mut calls = 0;
    let err = crm
        .import_records(data(1000), &mut |p| {
            calls += 1;
            p.done < 500
        })
        .unwrap_err();
    assert_eq!(err, Error::Cancelled);
    assert!(calls >= 2);
    assert_eq!(dump(&crm), before);
}

#[test]
fn a_backup_reopens_with_the_same_data() {
    let crm = crm();
    crm.import_records(data(300), &mut |_| true).unwrap();
    crm.define_field(FieldDef::new(
        RecordKind::Contact,
        "tier",
        "Tier",
        FieldKind::Text,
    ))
    .unwrap();
    let mut last = None;
    let bytes = crm
        .backup(&mut |p| {
            last = Some(p);
            true
        })
        .unwrap();
    let last = last.unwrap();
    assert_eq!(last.done, last.total);
    assert!(
        last.total > 300 * 5,
        "records, indexes and search terms are all copied"
    );

    let copy = builder().0.open_bytes(bytes.clone()).unwrap();
    assert_eq!(dump(&copy), dump(&crm));
    assert!(copy.verify().unwrap().is_ok());
    assert_eq!(copy.search(&SearchQuery::new("osoba299")).unwrap().len(), 1);
    // The copy is independent of the original and writable.
    copy.create_contact(person("Nowa", "Osoba", "")).unwrap();
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 300);

    // Written to disk, the bytes are a CRM file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.crm");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(dump(&Crm::open(&path).unwrap()), dump(&crm));

    assert_eq!(
        crm.backup(&mut |p| p.done < 100).unwrap_err(),
        Error::Cancelled
    );
    assert_eq!(
        builder()
            .0
            .open_bytes(b"garbage".to_vec())
            .unwrap_err()
            .code(),
        "corrupt"
    );
}
