//! Rescue of damaged CRM files (`CrmBuilder::rescue_file`, `rescue_bytes`): what is readable
//! is saved whole, what depends on lost records is mended or left out and reported, the new
//! file verifies clean, and no saved record differs from what was written.

mod common;

use common::*;
use crm_core::*;
use proptest::prelude::*;

/// A CRM with companies, contacts employed there, deals naming both and activities linking
/// them; returned as the bytes of a backup, with the ids made.
struct Sample {
    bytes: Vec<u8>,
    contacts: Vec<Contact>,
    deals: Vec<Deal>,
}

fn sample(contacts: usize) -> Sample {
    let crm = crm();
    let mut made = Vec::new();
    let mut deals = Vec::new();
    crm.batch(|b| {
        let mut firms = Vec::new();
        for i in 0..contacts.div_ceil(10) {
            firms
                .push(b.create_company(firm(&format!("Firma {i} Łódź"), &format!("firma{i}.pl")))?);
        }
        for i in 0..contacts {
            let c = b.create_contact(person(
                &format!("Ștefan{i:04}"),
                "Kowalski",
                &format!("s{i}@firma{}.pl", i / 10),
            ))?;
            b.link_contact_to_company(EmploymentInput {
                contact: c.id,
                company: firms[i / 10].id,
                role: None,
                title: None,
                primary: true,
            })?;
            made.push(c);
        }
        for (i, pair) in made.chunks(2).enumerate() {
            let deal = b.create_deal(DealInput {
                title: format!("Umowa {i}"),
                company: Some(firms[i * 2 / 10].id),
                contacts: pair
                    .iter()
                    .map(|c| DealContact {
                        contact: c.id,
                        role: None,
                    })
                    .collect(),
                ..DealInput::default()
            })?;
            b.create_activity(ActivityInput {
                kind: ActivityKind::Call,
                subject: format!("Rozmowa {i}"),
                links: pair.iter().map(|c| RecordRef::Contact(c.id)).collect(),
                ..ActivityInput::default()
            })?;
            deals.push(deal);
        }
        Ok(())
    })
    .unwrap();
    let bytes = crm.backup(&mut |_| true).unwrap();
    Sample {
        bytes,
        contacts: made,
        deals,
    }
}

fn rescue(bytes: Vec<u8>) -> (Crm, RescueReport) {
    let rescued = builder().0.rescue_bytes(bytes).unwrap();
    let crm = builder().0.open_bytes(rescued.bytes).unwrap();
    (crm, rescued.report)
}

/// Where `needle` first appears in `bytes`.
fn find(bytes: &[u8], needle: &str) -> usize {
    bytes
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap_or_else(|| panic!("{needle} is not in the file"))
}

#[test]
fn an_intact_file_is_rescued_whole() {
    let s = sample(40);
    let original = builder().0.open_bytes(s.bytes.clone()).unwrap();
    let (crm, report) = rescue(s.bytes.clone());
    assert!(report.is_complete(), "{report:?}");
    assert!(report.problems.is_empty(), "{report:?}");
    assert_eq!(report.mended, 0);
    let contacts = report
        .tables
        .iter()
        .find(|t| t.table == "contacts")
        .unwrap();
    assert_eq!((contacts.saved, contacts.damaged), (40, 0));
    assert_eq!(dump(&crm), dump(&original));
    assert!(crm.verify().unwrap().is_ok());
    // Search works on the rebuilt entries.
    let hits = crm.search(&SearchQuery::new("Stefan0007")).unwrap();
    assert_eq!(hits.len(), 1);
}

#[test]
fn a_damaged_contact_is_reported_and_taken_out_of_what_names_it() {
    let s = sample(40);
    let mut bytes = s.bytes.clone();
    let at = find(&bytes, "Ștefan0007");
    bytes[at + 3] ^= 0x20;
    // The damage is caught on reading it in the damaged file itself.
    let damaged = builder().0.open_bytes(bytes.clone()).unwrap();
    assert!(matches!(
        damaged.get_contact(s.contacts[7].id),
        Err(Error::Corrupt { .. })
    ));

    let (crm, report) = rescue(bytes);
    assert_eq!(report.damaged, 1, "{report:?}");
    assert_eq!(report.left_out, 0, "{report:?}");
    assert_eq!(report.unreadable_parts, 0);
    assert!(report.mended >= 1, "{report:?}");
    assert!(
        report.problems[0].starts_with(&format!("{} is damaged", s.contacts[7].id)),
        "{report:?}"
    );
    for p in &report.problems {
        assert!(!p.contains("Ștefan") && !p.contains("Stefan"), "{p}");
    }
    assert!(crm.verify().unwrap().is_ok(), "{:?}", crm.verify());
    assert!(matches!(
        crm.get_contact(s.contacts[7].id),
        Err(Error::NotFound { .. })
    ));
    // Every other contact, whole.
    for c in s.contacts.iter().filter(|c| c.id != s.contacts[7].id) {
        assert_eq!(&crm.get_contact(c.id).unwrap(), c);
    }
    // The deal that named the lost contact keeps the other one.
    let deal = crm.get_deal(s.deals[3].id).unwrap();
    assert_eq!(
        deal.contacts.iter().map(|c| c.contact).collect::<Vec<_>>(),
        vec![s.contacts[6].id]
    );
    assert!(
        crm.employments_of_contact(s.contacts[7].id)
            .map_or(true, |e| e.is_empty())
    );
}

#[test]
fn a_file_whose_header_is_damaged_is_refused_by_open_and_rescued() {
    let s = sample(20);
    let mut bytes = s.bytes.clone();
    bytes[0] ^= 0xFF;
    assert!(builder().0.open_bytes(bytes.clone()).is_err());
    let (crm, report) = rescue(bytes);
    assert_eq!(
        (report.damaged, report.left_out, report.unreadable_parts),
        (0, 0, 0),
        "{report:?}"
    );
    assert_eq!(report.repairs.len(), 1, "{report:?}");
    assert!(report.repairs[0].contains("magic number"), "{report:?}");
    assert!(!report.is_complete());
    assert_eq!(
        crm.list_contacts(&ContactQuery::default())
            .unwrap()
            .items
            .len(),
        20
    );
}

#[test]
fn a_zeroed_page_loses_only_what_it_held() {
    let s = sample(300);
    let mut bytes = s.bytes.clone();
    let at = find(&bytes, "Ștefan0150") / 4096 * 4096;
    bytes[at..at + 4096].fill(0);
    let (crm, report) = rescue(bytes);
    assert!(!report.is_complete(), "{report:?}");
    assert!(crm.verify().unwrap().is_ok(), "{:?}", crm.verify());
    let saved = crm
        .list_contacts(&ContactQuery {
            limit: 1000,
            ..ContactQuery::default()
        })
        .unwrap()
        .items;
    assert!(saved.len() >= 250 && saved.len() < 300, "{}", saved.len());
    for c in &saved {
        let original = s.contacts.iter().find(|o| o.id == c.id).unwrap();
        assert_eq!(c, original);
    }
}

/// A file cut short loses the pages redb keeps its allocator state and newest tree pages in:
/// the rescue reads it as if padded with zeros, and when the engine still cannot open it (it
/// needs those pages before any table is read), refuses with a typed error. What it saves is
/// whole.
#[test]
fn a_truncated_file_is_rescued_or_refused_with_a_typed_error() {
    let s = sample(300);
    for cut in [
        s.bytes.len() * 3 / 4,
        s.bytes.len() - 4096,
        s.bytes.len() - 100,
    ] {
        let bytes = s.bytes[..cut].to_vec();
        assert!(builder().0.open_bytes(bytes.clone()).is_err());
        let rescued = match builder().0.rescue_bytes(bytes) {
            Ok(r) => r,
            Err(e) => {
                assert_eq!(e.code(), "corrupt", "{e}");
                continue;
            }
        };
        assert!(
            rescued.report.repairs.iter().any(|r| r.contains("short")),
            "{:?}",
            rescued.report
        );
        let crm = builder().0.open_bytes(rescued.bytes).unwrap();
        assert!(crm.verify().unwrap().is_ok());
        for c in crm.list_contacts(&ContactQuery::default()).unwrap().items {
            assert_eq!(Some(&c), s.contacts.iter().find(|o| o.id == c.id));
        }
    }
}

/// A damaged primary commit slot: redb refuses it (the file was written with two-phase
/// commit), and the rescue reads the commit before it.
#[test]
fn a_damaged_commit_slot_is_read_as_of_the_commit_before() {
    let s = sample(50);
    let mut bytes = s.bytes.clone();
    let primary = usize::from(bytes[9] & 1);
    bytes[64 + 128 * primary + 40] ^= 0x5A;
    assert!(builder().0.open_bytes(bytes.clone()).is_err());
    let rescued = builder().0.rescue_bytes(bytes).unwrap();
    assert!(
        rescued
            .report
            .repairs
            .iter()
            .any(|r| r.contains("commit before")),
        "{:?}",
        rescued.report
    );
    let crm = builder().0.open_bytes(rescued.bytes).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    for c in crm.list_contacts(&ContactQuery::default()).unwrap().items {
        assert_eq!(Some(&c), s.contacts.iter().find(|o| o.id == c.id));
    }
}

#[test]
fn rescue_file_never_writes_the_damaged_file_nor_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (
        dir.path().join("damaged.crm"),
        dir.path().join("rescued.crm"),
    );
    let s = sample(30);
    let mut bytes = s.bytes.clone();
    let at = find(&bytes, "Ștefan0003");
    bytes[at + 4] ^= 1;
    std::fs::write(&from, &bytes).unwrap();

    let report = builder().0.rescue_file(&from, &to).unwrap();
    assert_eq!(report.damaged, 1);
    assert_eq!(
        std::fs::read(&from).unwrap(),
        bytes,
        "the damaged file changed"
    );
    let crm = builder().0.open(&to).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    assert_eq!(
        crm.list_contacts(&ContactQuery::default())
            .unwrap()
            .items
            .len(),
        29
    );
    drop(crm);

    // A second rescue into the same place is refused, changing nothing.
    let before = std::fs::read(&to).unwrap();
    match builder().0.rescue_file(&from, &to) {
        Err(Error::Validation { field, .. }) => assert_eq!(field, "to"),
        other => panic!("expected a refusal on `to`, got {other:?}"),
    }
    assert_eq!(std::fs::read(&to).unwrap(), before);
    // A missing file is an I/O error, and nothing is created.
    let missing = dir.path().join("missing.crm");
    let elsewhere = dir.path().join("elsewhere.crm");
    assert!(matches!(
        builder().0.rescue_file(&missing, &elsewhere),
        Err(Error::Io { .. })
    ));
    assert!(!elsewhere.exists());
}

#[test]
fn a_file_of_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.crm");
    let crm = builder().0.open(&path).unwrap();
    crm.create_contact(person("Anna", "Nowak", "anna@example.pl"))
        .unwrap();
    crm.close().unwrap();
    drop(crm);
    {
        let db = redb::Database::open(&path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut meta = tx
                .open_table(redb::TableDefinition::<&[u8], &[u8]>::new("meta"))
                .unwrap();
            meta.insert(
                &b"schema_version"[..],
                &(SCHEMA_VERSION + 1).to_be_bytes()[..],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    match builder().0.rescue_bytes(bytes) {
        Err(Error::Version { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected a version error, got {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the damage, a rescue either refuses with an error or writes a file that opens
    /// and verifies clean, in which every record is one that was written, unchanged.
    #[test]
    fn a_rescue_never_invents_or_changes_a_record(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..12),
        zero in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        thread_local! {
            static SAMPLE: Sample = sample(120);
        }
        let (bytes, contacts, deals) = SAMPLE.with(|s| (s.bytes.clone(), s.contacts.clone(), s.deals.clone()));
        let mut damaged = bytes;
        for (at, x) in flips {
            let i = at.index(damaged.len());
            damaged[i] ^= x;
        }
        if let Some(page) = zero {
            let at = page.index(damaged.len() / 4096) * 4096;
            damaged[at..at + 4096].fill(0);
        }
        let outcome = std::panic::catch_unwind(|| builder().0.rescue_bytes(damaged));
        let Ok(result) = outcome else {
            return Err(TestCaseError::fail("a panic reached the caller"));
        };
        let Ok(rescued) = result else { return Ok(()) };
        let crm = builder().0.open_bytes(rescued.bytes).unwrap();
        let report = crm.verify().unwrap();
        prop_assert!(report.is_ok(), "{:?} after {:?}", report, rescued.report);
        let all = |cursor| ContactQuery { limit: 1000, cursor, ..ContactQuery::default() };
        for c in crm.list_contacts(&all(None)).unwrap().items {
            prop_assert_eq!(Some(&c), contacts.iter().find(|o| o.id == c.id));
        }
        for d in crm.list_deals(&DealQuery { limit: 1000, ..DealQuery::default() }).unwrap().items {
            let original = deals.iter().find(|o| o.id == d.id);
            prop_assert!(original.is_some());
            let original = original.unwrap();
            prop_assert_eq!(&d.title, &original.title);
            // Only contacts that were lost are gone from it.
            for c in &d.contacts {
                prop_assert!(original.contacts.contains(c));
            }
        }
    }
}

/// Files of versions from before checksums carry none: their values are read as they are,
/// and the rescued file has them all, in the current version.
#[test]
fn files_of_older_versions_are_rescued_whole() {
    for version in [1, 5, 8, 9] {
        let bytes = std::fs::read(format!(
            "{}/tests/fixtures/v{version}.crm",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let original = builder().0.open_bytes(bytes.clone()).unwrap();
        let rescued = builder().0.rescue_bytes(bytes).unwrap();
        assert!(
            rescued.report.is_complete(),
            "v{version}: {:?}",
            rescued.report
        );
        let crm = builder().0.open_bytes(rescued.bytes).unwrap();
        assert!(crm.verify().unwrap().is_ok(), "v{version}");
        let all = ContactQuery {
            filter: ContactFilter {
                archived: Archived::Include,
                ..ContactFilter::default()
            },
            ..ContactQuery::default()
        };
        let before = original.list_contacts(&all).unwrap().items;
        assert!(!before.is_empty());
        assert_eq!(crm.list_contacts(&all).unwrap().items, before, "v{version}");
    }
}
