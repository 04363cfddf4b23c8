//! The storage layer seen from outside: files, closing, schema versions, transactions,
//! concurrency and crash consistency.

mod common;

use std::io;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use common::*;
use crm_core::*;

#[test]
fn the_handle_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>() {}
    assert_send_sync::<Crm>();
    assert_send::<Transaction>();
}

#[test]
fn a_file_keeps_its_data_across_opens_and_a_closed_handle_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firma.crm");
    let id = {
        let crm = Crm::open(&path).unwrap();
        let c = crm
            .create_contact(person("Zofia", "Łódzka", "zofia@firma.pl"))
            .unwrap();
        crm.close().unwrap();
        assert!(crm.is_closed());
        for err in [
            crm.get_contact(c.id).unwrap_err(),
            crm.create_contact(person("a", "b", "")).unwrap_err(),
            crm.search(&SearchQuery::new("zofia")).unwrap_err(),
            crm.verify().unwrap_err(),
        ] {
            assert_eq!(err, Error::Closed);
        }
        crm.close().unwrap();
        c.id
    };
    let crm = Crm::open(&path).unwrap();
    assert_eq!(crm.get_contact(id).unwrap().display_name, "Zofia Łódzka");
    assert_eq!(crm.search(&SearchQuery::new("lodzka")).unwrap().len(), 1);
    // A second handle on the same file is refused while the first is open.
    assert_eq!(Crm::open(&path).unwrap_err().code(), "storage");
}

fn set_raw_version(path: &std::path::Path, version: u32) {
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    {
        let mut meta = tx
            .open_table(redb::TableDefinition::<&[u8], &[u8]>::new("meta"))
            .unwrap();
        meta.insert(&b"schema_version"[..], &version.to_be_bytes()[..])
            .unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.crm");
    Crm::open(&path)
        .unwrap()
        .create_contact(person("Jan", "Nowak", ""))
        .unwrap();
    set_raw_version(&path, SCHEMA_VERSION + 1);
    let before = std::fs::read(&path).unwrap();
    let err = Crm::open(&path).unwrap_err();
    assert_eq!(
        err,
        Error::Version {
            found: SCHEMA_VERSION + 1,
            supported: SCHEMA_VERSION
        }
    );
    assert!(err.to_string().contains("upgrade"));
    assert!(
        std::fs::read(&path).unwrap() == before,
        "the refused file was modified"
    );
}

#[test]
fn a_redb_file_that_is_not_a_crm_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.redb");
    {
        let db = redb::Database::create(&path).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(redb::TableDefinition::<u64, u64>::new("something"))
            .unwrap()
            .insert(1, 2)
            .unwrap();
        tx.commit().unwrap();
    }
    let err = Crm::open(&path).unwrap_err();
    assert_eq!(err.code(), "storage");
    // Bytes that are not a database are damage, told apart from the system refusing a read.
    std::fs::write(dir.path().join("junk.crm"), b"not a database at all").unwrap();
    assert_eq!(
        Crm::open(dir.path().join("junk.crm")).unwrap_err().code(),
        "corrupt"
    );
    std::fs::write(dir.path().join("junk2.crm"), [b'x'; 8192]).unwrap();
    let err = Crm::open(dir.path().join("junk2.crm")).unwrap_err();
    assert_eq!(err.code(), "corrupt", "{err}");
    // The engine's own error is kept as the source, for logs; the message stays the library's.
    let cause = std::error::Error::source(&err).expect("the engine's error is kept");
    assert!(!cause.to_string().is_empty());
}

/// A copy, in a new temporary directory, of the fixture written by schema version `version`.
fn fixture(version: u32) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("v{version}.crm"));
    let source = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
        .join(format!("v{version}.crm"));
    std::fs::copy(source, &path).unwrap();
    (dir, path)
}

#[test]
fn the_version_1_fixture_opens_with_its_data() {
    let (_dir, path) = fixture(1);
    let crm = Crm::open(&path).unwrap();
    let zofia = crm
        .find_contact_by_email("ZOFIA@firma.pl")
        .unwrap()
        .expect("the fixture's contact");
    assert_eq!(zofia.display_name, "Zofia Wiśniewska");
    assert_eq!(zofia.phones[0].e164.as_deref(), Some("+48601234567"));
    assert_eq!(
        zofia.custom_fields["tier"],
        FieldValue::Text("Złoty".into())
    );
    let hits = crm.search(&SearchQuery::new("lodz")).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.label.as_str()).collect::<Vec<_>>(),
        vec!["Młyny Łódzkie", "Zofia Wiśniewska"]
    );
    let emp = crm.employments_of_contact(zofia.id).unwrap();
    assert_eq!(emp.len(), 1);
    assert_eq!(
        crm.get_company(emp[0].company).unwrap().name,
        "Młyny Łódzkie"
    );
    assert_eq!(
        crm.relations_of(zofia.id.into()).unwrap()[0].label,
        "manages"
    );
    // Version 2 added the sales tables and the default pipeline; the ids it minted stay
    // above the file's, and new sales records work at once.
    let p = crm.default_pipeline().unwrap();
    assert_eq!(p.stages.len(), 6);
    assert!(p.id.as_u128() > zofia.id.as_u128());
    let d = crm
        .create_deal(DealInput {
            title: "Młyny — migracja".into(),
            contacts: vec![DealContact {
                contact: zofia.id,
                role: None,
            }],
            ..DealInput::default()
        })
        .unwrap();
    assert_eq!(d.stage, p.stages[0].id);
    assert!(crm.verify().unwrap().is_ok());
    crm.close().unwrap();
    // Migrated once: reopening changes nothing.
    let again = Crm::open(&path).unwrap();
    assert_eq!(again.pipelines().unwrap().len(), 1);
    assert_eq!(again.get_deal(d.id).unwrap().title, "Młyny — migracja");
}

#[test]
fn the_version_2_fixture_opens_with_its_sales_data() {
    let (_dir, path) = fixture(2);
    let crm = Crm::open(&path).unwrap();
    // Version 3 packed the search terms into posting lists: search finds what it found.
    assert!(crm.verify().unwrap().is_ok());
    let hits = crm.search(&SearchQuery::new("lodz")).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.label.as_str()).collect::<Vec<_>>(),
        vec!["Młyny Łódzkie", "Zofia Wiśniewska"]
    );
    assert_eq!(crm.reporting_currency().unwrap(), Currency::PLN);
    let leads = crm.find_leads_by_email("lucja@mlyn-kalisz.pl").unwrap();
    assert_eq!(leads[0].status, LeadStatus::Converted);
    let deal_id = leads[0].conversion.as_ref().unwrap().deal.unwrap();
    let d = crm.get_deal(deal_id).unwrap();
    assert_eq!(d.status, StageKind::Won);
    assert_eq!(d.line_items.len(), 2);
    assert_eq!(d.closed_value, Some(Money::new(250_000, Currency::PLN)));
    assert_eq!(crm.deal_history(deal_id).unwrap().len(), 2);
    let q = crm.quotes_of_deal(deal_id).unwrap();
    assert_eq!(
        (q[0].number.as_str(), q[0].status),
        ("Q-2026-0001", QuoteStatus::Accepted)
    );
    assert_eq!(
        crm.find_product_by_sku("lic-std")
            .unwrap()
            .unwrap()
            .tax_rate,
        2300
    );
    assert_eq!(
        crm.convert_money(
            Money::new(100, Currency::EUR),
            Currency::PLN,
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
        )
        .unwrap(),
        Money::new(427, Currency::PLN)
    );
    assert_eq!(crm.pipelines().unwrap().len(), 2);
}

#[test]
fn the_version_3_fixture_opens_and_takes_activities() {
    let (_dir, path) = fixture(3);
    let crm = Crm::open(&path).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    let zofia = crm
        .find_contact_by_email("zofia@firma.pl")
        .unwrap()
        .unwrap();
    assert_eq!(
        crm.search(&SearchQuery::new("lodz")).unwrap().len(),
        2,
        "its data is there"
    );
    // Version 4 added the activity tables: usable at once.
    let call = crm
        .create_activity(ActivityInput {
            kind: ActivityKind::Call,
            subject: "Po migracji".into(),
            links: vec![zofia.id.into()],
            ..ActivityInput::default()
        })
        .unwrap();
    let page = crm.timeline(&TimelineQuery::new(zofia.id)).unwrap();
    assert_eq!(page.items[0].activity.as_ref().unwrap().id, call.id);
    crm.close().unwrap();
    let again = Crm::open(&path).unwrap();
    assert_eq!(again.get_activity(call.id).unwrap().subject, "Po migracji");
    assert!(again.verify().unwrap().is_ok());
}

#[test]
fn the_version_4_fixture_gets_name_prefix_lists() {
    let (_dir, path) = fixture(4);
    let crm = Crm::open(&path).unwrap();
    // `verify` recomputes every search entry, the new name prefixes included.
    let report = crm.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
    let names = |q: &str| -> Vec<String> {
        crm.search(&SearchQuery::new(q))
            .unwrap()
            .into_iter()
            .map(|h| h.label)
            .collect()
    };
    // One short word is answered from the name-prefix lists built by the migration.
    assert_eq!(names("zo"), ["Zofia Wiśniewska"]);
    // Names first (the company, the converted lead, its deal); then the lead and contact
    // whose email domain starts with it.
    assert_eq!(
        names("ml"),
        [
            "Młyny Łódzkie",
            "Młyn Kalisz",
            "Łucja Dąbrowska",
            "Młyn Kalisz",
            "Łucja Dąbrowska"
        ]
    );
    let agenda = crm
        .find_contact_by_email("zofia@firma.pl")
        .unwrap()
        .map(|z| crm.timeline(&TimelineQuery::new(z.id)).unwrap().items.len());
    assert!(agenda.unwrap() >= 2, "its activities are there");
    crm.close().unwrap();
}

#[test]
fn the_version_5_fixture_opens_and_keeps_small_commits_across_reopening() {
    let (_dir, path) = fixture(5);
    // The later migrations are small commits too (version 7 posts the fixture's short name
    // terms): they may leave changes in the `recent` table of their own.
    drop(Crm::open(&path).unwrap());
    let migrated = recent_len(&path);
    let crm = Crm::open(&path).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    let zofia = crm
        .find_contact_by_email("zofia@firma.pl")
        .unwrap()
        .unwrap();
    let ida = crm
        .create_contact(person("Ida", "Żmijewska", "ida@firma.pl"))
        .unwrap();
    // Dropped without closing: the new contact's index entries and postings wait in the
    // `recent` table, and are read back by the next open.
    drop(crm);
    assert_eq!(recent_len(&path), migrated + 1);
    let crm = Crm::open(&path).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    assert_eq!(
        crm.find_contact_by_email("ida@firma.pl")
            .unwrap()
            .map(|c| c.id),
        Some(ida.id)
    );
    let found = |q: &str| -> Vec<String> {
        crm.search(&SearchQuery::new(q))
            .unwrap()
            .into_iter()
            .map(|h| h.label)
            .collect()
    };
    assert_eq!(found("zmij"), ["Ida Żmijewska"]);
    assert_eq!(found("zo"), ["Zofia Wiśniewska"]);
    assert_eq!(
        crm.get_contact(zofia.id).unwrap().display_name,
        "Zofia Wiśniewska"
    );
    // Closing writes them into the tables.
    crm.close().unwrap();
    assert_eq!(recent_len(&path), 0);
    let crm = Crm::open(&path).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    let hits = crm.search(&SearchQuery::new("zmij")).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].label, "Ida Żmijewska");
}

#[test]
fn the_version_6_fixture_gets_short_name_term_lists() {
    let (_dir, path) = fixture(6);
    let crm = Crm::open(&path).unwrap();
    // `verify` recomputes every search entry, the new short name-term lists included.
    let report = crm.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
    let ola = crm
        .create_contact(person("Ola", "Nowak", "jan@nowak.pl"))
        .unwrap();
    let scored = |q: &str| -> Vec<(String, u32)> {
        crm.search(&SearchQuery::new(q))
            .unwrap()
            .into_iter()
            .map(|h| (h.label, h.score))
            .collect()
    };
    // "jan" is a whole name term of the fixture's Jan Kowalski (16, from the list the
    // migration built) and an email term of Ola Nowak (8).
    assert_eq!(
        scored("jan"),
        [
            ("Jan Kowalski".to_string(), 16),
            ("Ola Nowak".to_string(), 8)
        ]
    );
    assert_eq!(scored("ola"), [("Ola Nowak".to_string(), 16)]);
    crm.close().unwrap();
    let crm = Crm::open(&path).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    assert_eq!(crm.get_contact(ola.id).unwrap().display_name, "Ola Nowak");
}

/// The first byte and length of every block of the `search` table of a closed file.
fn search_blocks(path: &std::path::Path) -> Vec<(u8, usize)> {
    use redb::{ReadableDatabase, ReadableTable};
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_read().unwrap();
    let table = tx
        .open_table(redb::TableDefinition::<&[u8], &[u8]>::new("search"))
        .unwrap();
    table
        .iter()
        .unwrap()
        .map(|e| {
            let (_, v) = e.unwrap();
            (v.value()[0], v.value().len())
        })
        .collect()
}

#[test]
fn the_version_7_fixture_gets_packed_posting_blocks() {
    let (_dir, path) = fixture(7);
    // The fixture holds blocks of several postings in the older form ("firma" is a term of
    // both email addresses).
    let before = search_blocks(&path);
    assert!(before.iter().any(|&(first, len)| first < 0x80 && len > 1));
    let crm = Crm::open(&path).unwrap();
    let report = crm.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(
        labels_of(&crm, "firma"),
        ["Zofia Wiśniewska", "Jan Kowalski"]
    );
    let ola = crm
        .create_contact(person("Ola", "Nowak", "ola@firma.pl"))
        .unwrap();
    assert_eq!(labels_of(&crm, "firma pl").len(), 3);
    crm.close().unwrap();
    // Every block is in the version-8 form now, and none was lost.
    let after = search_blocks(&path);
    assert!(after.iter().all(|&(first, _)| first >= 0x80), "{after:?}");
    assert!(after.len() >= before.len());
    let crm = Crm::open(&path).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    assert_eq!(labels_of(&crm, "ola"), ["Ola Nowak"]);
    assert_eq!(crm.get_contact(ola.id).unwrap().display_name, "Ola Nowak");
}

/// The labels of a search's hits, best first.
fn labels_of(crm: &Crm, q: &str) -> Vec<String> {
    crm.search(&SearchQuery::new(q))
        .unwrap()
        .into_iter()
        .map(|h| h.label)
        .collect()
}

/// How many values the `recent` table of a closed file holds.
fn recent_len(path: &std::path::Path) -> u64 {
    use redb::{ReadableDatabase, ReadableTableMetadata};
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_read().unwrap();
    let table = tx
        .open_table(redb::TableDefinition::<&[u8], &[u8]>::new("recent"))
        .unwrap();
    table.len().unwrap()
}

/// Single creates, updates and deletes each commit on their own, so their index entries and
/// postings gather in the `recent` table until there are enough to fold into the big tables
/// (or the handle is closed). Across reopenings and folds, every lookup agrees with what was
/// done.
#[test]
fn small_commits_agree_across_reopening_and_folding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firma.crm");
    let mut crm = Crm::open(&path).unwrap();
    // Index i → (id, family name), for the contacts alive. Names end in "z" so that no name's
    // word starts with another's.
    let mut alive: std::collections::BTreeMap<usize, (ContactId, String)> = Default::default();
    let mut deleted = Vec::new();
    let (mut commits, mut held, mut folded) = (0, Vec::new(), false);
    for i in 0..1200 {
        commits += 1;
        let c = crm
            .create_contact(person(
                &format!("Imię{i}z"),
                "Nowak",
                &format!("k{i}@firma.pl"),
            ))
            .unwrap();
        alive.insert(i, (c.id, "Nowak".into()));
        if i % 4 == 3 {
            let family = format!("Kowal{i}z");
            if let Some((id, name)) = alive.get_mut(&(i - 2)) {
                crm.update_contact(*id, person(&format!("Imię{}z", i - 2), &family, ""))
                    .unwrap();
                *name = family;
                commits += 1;
            }
        }
        if i % 7 == 6 {
            if let Some((id, _)) = alive.remove(&(i - 3)) {
                crm.delete_contact(id).unwrap();
                deleted.push(i - 3);
                commits += 1;
            }
        }
        if i % 150 == 149 {
            // Dropped, not closed (which would fold): one value per commit until a fold.
            drop(crm);
            let n = recent_len(&path);
            folded |= n < commits;
            held.push(n);
            crm = Crm::open(&path).unwrap();
            let report = crm.verify().unwrap();
            assert!(report.is_ok(), "after {i}: {report:?}");
        }
    }
    // Changes were held between reopenings, and folded at least once.
    assert!(held.iter().any(|&n| n > 0), "{held:?}");
    assert!(folded, "{held:?} after {commits} commits");
    let search = |q: &str| -> Vec<ContactId> {
        crm.search(&SearchQuery::new(q))
            .unwrap()
            .into_iter()
            .filter_map(|h| match h.record {
                RecordRef::Contact(id) => Some(id),
                _ => None,
            })
            .collect()
    };
    for (i, (id, family)) in &alive {
        assert_eq!(search(&format!("imię{i}z")), [*id], "contact {i}");
        let by_email = crm
            .find_contact_by_email(&format!("k{i}@firma.pl"))
            .unwrap();
        if family == "Nowak" {
            assert_eq!(by_email.map(|c| c.id), Some(*id), "contact {i}");
        } else {
            // The update gave no email: the old one is gone from the index.
            assert!(by_email.is_none(), "contact {i}");
            assert_eq!(search(&family.to_lowercase()), [*id], "contact {i}");
        }
    }
    for i in deleted {
        assert!(search(&format!("imię{i}z")).is_empty(), "deleted {i}");
        assert!(
            crm.find_contact_by_email(&format!("k{i}@firma.pl"))
                .unwrap()
                .is_none()
        );
    }
    let nowak = crm.count_contacts(&ContactFilter::default()).unwrap();
    assert_eq!(nowak, alive.len() as u64);
}

/// Writes the fixture of the current schema version. Run it when the version changes:
/// `cargo test -p crm-core --test storage write_fixture -- --ignored`, then rename the file.
#[test]
#[ignore]
fn write_fixture() {
    let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
        .join(format!("v{SCHEMA_VERSION}.crm"));
    let _ = std::fs::remove_file(&path);
    // Built in memory and written as a compact backup: the same file, a fraction of the size.
    let crm = builder().0.open_in_memory().unwrap();
    crm.define_field(FieldDef::new(
        RecordKind::Contact,
        "tier",
        "Tier",
        FieldKind::SingleSelect {
            options: vec!["Złoty".into(), "Srebrny".into()],
        },
    ))
    .unwrap();
    let mut input = person("Zofia", "Wiśniewska", "zofia@firma.pl");
    input.phones = vec![Phone::new("601 234 567")];
    input.addresses = vec![Address {
        city: Some("Łódź".into()),
        country: Some("PL".into()),
        ..Address::default()
    }];
    input.custom_fields.insert("tier".into(), "Złoty".into());
    let zofia = crm.create_contact(input).unwrap();
    let jan = crm
        .create_contact(person("Jan", "Kowalski", "jan@firma.pl"))
        .unwrap();
    let mlyny = crm
        .create_company(firm("Młyny Łódzkie", "mlyny.pl"))
        .unwrap();
    crm.link_contact_to_company(EmploymentInput {
        contact: zofia.id,
        company: mlyny.id,
        role: None,
        title: Some("CEO".into()),
        primary: true,
    })
    .unwrap();
    crm.relate(RelationInput {
        relation_type: "reports_to".into(),
        record: jan.id.into(),
        other: zofia.id.into(),
    })
    .unwrap();
    // Since version 2: sales.
    crm.set_reporting_currency(Currency::PLN).unwrap();
    crm.set_exchange_rate(ExchangeRate {
        date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        base: Currency::EUR,
        quote: Currency::PLN,
        rate: "4.2735".parse().unwrap(),
    })
    .unwrap();
    crm.create_pipeline(PipelineInput {
        name: "Odnowienia".into(),
        stages: vec![
            StageInput {
                rotten_after_days: Some(30),
                ..StageInput::open("Do odnowienia", 60)
            },
            StageInput {
                kind: StageKind::Won,
                ..StageInput::open("Odnowione", 100)
            },
            StageInput {
                kind: StageKind::Lost,
                ..StageInput::open("Utracone", 0)
            },
        ],
    })
    .unwrap();
    let licence = crm
        .create_product(ProductInput {
            sku: "LIC-STD".into(),
            name: "Licencja".into(),
            prices: vec![Money::new(49_900, Currency::PLN)],
            tax_rate: 2300,
            ..ProductInput::default()
        })
        .unwrap();
    let lead = crm
        .create_lead(LeadInput {
            given_name: Some("Łucja".into()),
            family_name: Some("Dąbrowska".into()),
            email: Some("lucja@mlyn-kalisz.pl".into()),
            company_name: Some("Młyn Kalisz".into()),
            source: Some(LeadSource::Event),
            score: Some(80),
            ..LeadInput::default()
        })
        .unwrap();
    let done = crm
        .convert_lead(
            lead.id,
            LeadConversion {
                deal: Some(DealInput {
                    title: "Młyn Kalisz".into(),
                    amount: Some(Money::new(250_000, Currency::PLN)),
                    line_items: vec![
                        LineItemInput {
                            product: Some(licence.id),
                            description: None,
                            quantity: "4".parse().unwrap(),
                            unit_price: None,
                            discount: Some(Discount::Percent { basis_points: 500 }),
                            tax_rate: None,
                        },
                        LineItemInput {
                            product: None,
                            description: Some("Wdrożenie".into()),
                            quantity: "1".parse().unwrap(),
                            unit_price: Some(Money::new(60_380, Currency::PLN)),
                            discount: None,
                            tax_rate: Some(2300),
                        },
                    ],
                    ..DealInput::default()
                }),
                ..LeadConversion::default()
            },
        )
        .unwrap();
    let deal = done.deal.unwrap();
    let quote = crm
        .create_quote(
            deal.id,
            QuoteInput {
                valid_until: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                notes: None,
            },
        )
        .unwrap();
    crm.send_quote(quote.id).unwrap();
    crm.accept_quote(quote.id, QuoteAcceptance::default())
        .unwrap();
    let won = crm.default_pipeline().unwrap().stages[4].id;
    crm.move_deal(
        deal.id,
        DealMove {
            stage: won,
            lost_reason: None,
            by: Some("ana".into()),
        },
    )
    .unwrap();
    // Since version 4: activities, calendars and record changes.
    let calendar = crm
        .create_calendar(CalendarInput {
            name: "Sprzedaż".into(),
            owner: Some("ana".into()),
            members: Vec::new(),
            time_zone: Some("Europe/Warsaw".into()),
        })
        .unwrap();
    crm.create_activity(ActivityInput {
        kind: ActivityKind::Meeting,
        subject: "Spotkanie w Łodzi".into(),
        owner: Some("ana".into()),
        starts_at: Some("2026-03-30T07:00:00Z".parse().unwrap()),
        ends_at: Some("2026-03-30T08:00:00Z".parse().unwrap()),
        time_zone: Some("Europe/Warsaw".into()),
        links: vec![zofia.id.into(), deal.id.into()],
        calendar: Some(calendar.id),
        reminders: vec![15],
        ..ActivityInput::default()
    })
    .unwrap();
    crm.create_activity(ActivityInput {
        kind: ActivityKind::Task,
        subject: "Wysłać umowę".into(),
        owner: Some("ana".into()),
        due_at: Some("2026-04-02T10:00:00Z".parse().unwrap()),
        links: vec![jan.id.into()],
        ..ActivityInput::default()
    })
    .unwrap();
    assert!(crm.verify().unwrap().is_ok());
    std::fs::write(&path, crm.backup(&mut |_| true).unwrap()).unwrap();
    crm.close().unwrap();
}

/// An id source that always answers the same id.
#[derive(Debug)]
struct StuckIds;

impl IdSource for StuckIds {
    fn next_id(&self, _: chrono::DateTime<chrono::Utc>) -> u128 {
        42
    }
}

#[test]
fn ids_are_never_minted_twice_even_by_a_source_that_repeats() {
    // Sequential ids restart when a backup is reopened with the same clock: the new records
    // must not land on the ids of the restored ones.
    let crm = crm();
    let first = crm
        .create_contact(person("Jan", "Nowak", "jan@firma.pl"))
        .unwrap();
    let bytes = crm.backup(&mut |_| true).unwrap();
    let reopened = builder().0.open_bytes(bytes).unwrap();
    let second = reopened
        .create_contact(person("Anna", "Nowak", "anna@firma.pl"))
        .unwrap();
    assert!(second.id > first.id);
    assert_eq!(
        reopened.get_contact(first.id).unwrap().display_name,
        "Jan Nowak"
    );
    assert!(reopened.verify().unwrap().is_ok());

    let stuck = Crm::builder()
        .id_source(std::sync::Arc::new(StuckIds))
        .open_in_memory()
        .unwrap();
    let a = stuck.create_contact(person("A", "A", "")).unwrap();
    let b = stuck.create_company(firm("B", "")).unwrap();
    let c = stuck.create_contact(person("C", "C", "")).unwrap();
    // 42 to 48 went to the default pipeline and its six stages.
    assert_eq!(
        (a.id.as_u128(), b.id.as_u128(), c.id.as_u128()),
        (49, 50, 51)
    );
    assert_eq!(stuck.count_contacts(&ContactFilter::default()).unwrap(), 2);
    assert!(stuck.verify().unwrap().is_ok());
}

#[test]
fn a_batch_commits_everything_or_nothing() {
    let crm = crm();
    crm.create_contact(person("Jan", "Nowak", "jan@firma.pl"))
        .unwrap();
    let before = dump(&crm);
    let err = crm
        .batch(|b| {
            b.create_contact(person("Anna", "Nowak", "anna@firma.pl"))?;
            b.create_company(firm("Firma", "firma.pl"))?;
            // The batch sees its own writes.
            assert!(b.find_contact_by_email("anna@firma.pl")?.is_some());
            b.create_contact(person("Janek", "Nowak", "JAN@firma.pl"))
        })
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(dump(&crm), before);
    let n = crm
        .batch(|b| {
            for i in 0..50 {
                b.create_contact(person(
                    &format!("Osoba{i}"),
                    "Import",
                    &format!("osoba{i}@import.pl"),
                ))?;
            }
            // A refused operation inside a batch can be recovered from: nothing of it was written.
            assert!(b.create_contact(ContactInput::default()).is_err());
            b.count_contacts(&ContactFilter::default())
        })
        .unwrap();
    assert_eq!(n, 51);
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 51);
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn a_write_through_the_crm_inside_its_own_batch_is_refused_not_deadlocked() {
    let crm = crm();
    let other = common::crm();
    let err = crm
        .batch(|b| {
            b.create_contact(person("Anna", "Nowak", ""))?;
            // Another CRM may be written meanwhile; this one only through the batch.
            other.create_contact(person("Jan", "Nowak", ""))?;
            crm.create_contact(person("Ewa", "Nowak", ""))
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("batch"));
    assert_eq!(
        crm.count_contacts(&ContactFilter::default()).unwrap(),
        0,
        "the batch rolled back"
    );
    assert_eq!(other.count_contacts(&ContactFilter::default()).unwrap(), 1);
    // The guard is gone once the batch ends.
    crm.create_contact(person("Ewa", "Nowak", "")).unwrap();
}

#[test]
fn readers_are_not_blocked_by_a_writer_and_see_committed_state_only() {
    let crm = Arc::new(crm());
    crm.create_contact(person("Jan", "Nowak", "")).unwrap();
    let (inside_tx, inside_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let writer = {
        let crm = crm.clone();
        std::thread::spawn(move || {
            crm.batch(|b| {
                b.create_contact(person("Anna", "Nowak", ""))?;
                inside_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                Ok(())
            })
        })
    };
    inside_rx.recv().unwrap();
    // The write transaction is open and holds an uncommitted contact: reads go on, without it.
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 1);
    assert_eq!(crm.search(&SearchQuery::new("anna")).unwrap().len(), 0);
    release_tx.send(()).unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 2);
}

#[test]
fn threads_share_one_handle() {
    let crm = Arc::new(crm());
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let crm = crm.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    crm.create_contact(person(
                        &format!("W{t}"),
                        &format!("N{i}"),
                        &format!("w{t}.{i}@x.pl"),
                    ))
                    .unwrap();
                }
            })
        })
        .collect();
    let reader = {
        let crm = crm.clone();
        std::thread::spawn(move || {
            for _ in 0..50 {
                // Within one snapshot, a listing and a count agree.
                crm.read(|s| {
                    let all = s.list_contacts(&ContactQuery {
                        limit: 1000,
                        ..ContactQuery::default()
                    })?;
                    assert_eq!(
                        all.items.len() as u64,
                        s.count_contacts(&ContactFilter::default())?
                    );
                    Ok(())
                })
                .unwrap();
            }
        })
    };
    for w in writers {
        w.join().unwrap();
    }
    reader.join().unwrap();
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 100);
    assert!(crm.verify().unwrap().is_ok());
}

/// An in-memory backend that shares its bytes and can be told to fail: after `budget` more
/// writes, a write stores only half its bytes and every later write or sync fails, like a
/// disk that died mid-commit.
#[derive(Debug, Clone)]
struct FlakyBackend {
    bytes: Arc<Mutex<Vec<u8>>>,
    budget: Arc<AtomicI64>,
}

impl FlakyBackend {
    fn new() -> Self {
        FlakyBackend {
            bytes: Arc::new(Mutex::new(Vec::new())),
            budget: Arc::new(AtomicI64::new(i64::MAX)),
        }
    }
    fn spend(&self) -> bool {
        self.budget.fetch_sub(1, Ordering::SeqCst) > 0
    }
    fn copy(&self) -> FlakyBackend {
        FlakyBackend {
            bytes: Arc::new(Mutex::new(self.bytes.lock().unwrap().clone())),
            budget: Arc::new(AtomicI64::new(i64::MAX)),
        }
    }
}

impl StorageBackend for FlakyBackend {
    fn len(&self) -> io::Result<u64> {
        Ok(self.bytes.lock().unwrap().len() as u64)
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let bytes = self.bytes.lock().unwrap();
        let start = offset as usize;
        let src = bytes
            .get(start..start + out.len())
            .ok_or_else(|| io::Error::other("read past the end"))?;
        out.copy_from_slice(src);
        Ok(())
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        if !self.spend() {
            return Err(io::Error::other("injected failure"));
        }
        self.bytes.lock().unwrap().resize(len as usize, 0);
        Ok(())
    }
    fn sync_data(&self) -> io::Result<()> {
        if self.budget.load(Ordering::SeqCst) <= 0 {
            Err(io::Error::other("injected failure"))
        } else {
            Ok(())
        }
    }
    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let ok = self.spend();
        let mut bytes = self.bytes.lock().unwrap();
        let start = offset as usize;
        let n = if ok { data.len() } else { data.len() / 2 };
        if bytes.len() < start + data.len() {
            return Err(io::Error::other("write past the end"));
        }
        bytes[start..start + n].copy_from_slice(&data[..n]);
        if ok {
            Ok(())
        } else {
            Err(io::Error::other("injected failure"))
        }
    }
}

fn reopen(backend: &FlakyBackend) -> Crm {
    builder().0.open_backend(backend.copy()).unwrap()
}

#[test]
fn a_failing_disk_never_leaves_a_half_written_record() {
    let backend = FlakyBackend::new();
    let crm = builder().0.open_backend(backend.clone()).unwrap();
    let co = crm.create_company(firm("Firma", "firma.pl")).unwrap();
    let jan = crm
        .create_contact(person("Jan", "Kowalski", "jan@firma.pl"))
        .unwrap();
    drop(crm);
    let mut failures = 0;
    for budget in 0.. {
        let disk = backend.copy();
        let crm = builder().0.open_backend(disk.clone()).unwrap();
        disk.budget.store(budget, Ordering::SeqCst);
        // One operation that touches several records and indexes.
        let result = crm.batch(|b| {
            let anna = b.create_contact(person("Anna", "Łódzka", "anna@firma.pl"))?;
            b.link_contact_to_company(EmploymentInput {
                contact: anna.id,
                company: co.id,
                role: None,
                title: None,
                primary: true,
            })?;
            b.relate(RelationInput {
                relation_type: "reports_to".into(),
                record: anna.id.into(),
                other: jan.id.into(),
            })?;
            b.add_contact_tags(jan.id, &["zespół".into()])
        });
        drop(crm);
        let after = reopen(&disk);
        let report = after.verify().unwrap();
        assert!(report.is_ok(), "budget {budget}: {:?}", report.problems);
        let anna = after.find_contact_by_email("anna@firma.pl").unwrap();
        let tagged = !after.get_contact(jan.id).unwrap().tags.is_empty();
        match result {
            Ok(_) => {
                assert!(anna.is_some() && tagged);
                assert_eq!(after.relations_of(jan.id.into()).unwrap().len(), 1);
                break;
            }
            Err(e) => {
                failures += 1;
                assert_eq!(e.code(), "io", "{e}");
                // Either all of the batch is there (the commit reached the disk before the
                // error) or none of it.
                assert_eq!(
                    anna.is_some(),
                    tagged,
                    "budget {budget}: half a batch survived"
                );
                assert_eq!(
                    anna.is_some(),
                    !after.relations_of(jan.id.into()).unwrap().is_empty()
                );
            }
        }
    }
    assert!(
        failures > 3,
        "the injected failures never hit the commit ({failures})"
    );
}

#[test]
fn a_backup_is_compacted() {
    // redb reserves a megabyte for a new database; the backup gives back what is unused.
    let crm = crm();
    crm.create_contact(person("Jan", "Nowak", "jan@firma.pl"))
        .unwrap();
    let bytes = crm.backup(&mut |_| true).unwrap();
    assert!(bytes.len() < 256 * 1024, "{} bytes", bytes.len());
    let copy = builder().0.open_bytes(bytes).unwrap();
    assert_eq!(copy.count_contacts(&ContactFilter::default()).unwrap(), 1);
    assert!(copy.verify().unwrap().is_ok());
}

/// Compaction gives back what deletes freed, keeps every record and index whole, and is
/// refused inside a batch.
#[test]
fn compact_shrinks_the_file_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.crm");
    let crm = builder().0.open(&path).unwrap();
    let notes = "Łódź, ul. Piotrkowska — spotkanie w sprawie umowy ramowej. ".repeat(3);
    let ids = crm
        .batch(|b| {
            (0..3000)
                .map(|i| {
                    let mut input =
                        person("Jan", &format!("Kowalski{i}"), &format!("j{i}@firma.pl"));
                    input.job_title = Some(notes.clone());
                    b.create_contact(input).map(|c| c.id)
                })
                .collect::<Result<Vec<_>>>()
        })
        .unwrap();
    crm.batch(|b| ids[100..].iter().try_for_each(|&id| b.delete_contact(id)))
        .unwrap();
    let before = std::fs::metadata(&path).unwrap().len();
    // Refused inside a batch, where the batch's own transaction is open.
    let err = crm.batch(|_| crm.compact()).unwrap_err();
    assert_eq!(err.code(), "validation");
    crm.compact().unwrap();
    let after = std::fs::metadata(&path).unwrap().len();
    assert!(after * 2 < before, "{before} -> {after} bytes");
    assert!(crm.verify().unwrap().is_ok());
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 100);
    assert_eq!(
        crm.find_contact_by_email("j42@firma.pl")
            .unwrap()
            .unwrap()
            .id,
        ids[42]
    );
    assert_eq!(
        crm.search(&SearchQuery::new("kowalski99")).unwrap().len(),
        1
    );
    crm.close().unwrap();
    assert_eq!(crm.compact().unwrap_err().code(), "closed");
    // The compacted file opens again.
    let again = Crm::open(&path).unwrap();
    assert!(again.verify().unwrap().is_ok());
}

#[test]
fn ids_minted_after_reopening_a_backup_stay_above_every_stored_id() {
    // A clock that stands still and ids that restart at 1 after reopening: only the floor,
    // the highest id stored, keeps new ids from landing on old ones, whatever kind minted
    // them last (activities, calendars and record changes included).
    let clock = Arc::new(ManualClock::stepping(
        common::start(),
        chrono::Duration::zero(),
    ));
    let open = |bytes: Option<Vec<u8>>| {
        let b = Crm::builder()
            .clock(clock.clone())
            .id_source(Arc::new(SequentialIds::new()));
        match bytes {
            Some(bytes) => b.open_bytes(bytes),
            None => b.open_in_memory(),
        }
        .unwrap()
    };
    let crm = open(None);
    let zofia = crm
        .create_contact(common::person("Zofia", "Nowak", "z@example.pl"))
        .unwrap();
    crm.update_contact(
        zofia.id,
        ContactInput {
            job_title: Some("CEO".into()),
            ..zofia.to_input()
        },
    )
    .unwrap();
    let calendar = crm
        .create_calendar(CalendarInput {
            name: "Sales".into(),
            owner: Some("ana".into()),
            ..CalendarInput::default()
        })
        .unwrap();
    let mut before = vec![calendar.id.to_string()];
    for i in 0..5 {
        let a = crm
            .create_activity(ActivityInput {
                subject: format!("call {i}"),
                calendar: Some(calendar.id),
                starts_at: Some(common::start()),
                ..ActivityInput::default()
            })
            .unwrap();
        before.push(a.id.to_string());
    }
    let copy = open(Some(crm.backup(&mut |_| true).unwrap()));
    for i in 0..8 {
        let a = copy
            .create_activity(ActivityInput {
                subject: format!("again {i}"),
                ..ActivityInput::default()
            })
            .unwrap();
        assert!(!before.contains(&a.id.to_string()));
    }
    copy.create_calendar(CalendarInput {
        name: "Support".into(),
        owner: Some("ana".into()),
        ..CalendarInput::default()
    })
    .unwrap();
    copy.update_contact(
        zofia.id,
        ContactInput {
            job_title: Some("CTO".into()),
            ..zofia.to_input()
        },
    )
    .unwrap();
    assert_eq!(copy.verify().unwrap().problems, Vec::<String>::new());
}

#[test]
fn a_transaction_commits_everything_it_ran_or_nothing() {
    let crm = crm();
    let mut tx = crm.begin().unwrap();
    let anna = tx
        .run(|b| b.create_contact(person("Anna", "Nowak", "anna@firma.pl")))
        .unwrap();
    // A later call sees what the earlier one wrote; the CRM does not, until the commit.
    let found = tx
        .run(|b| b.find_contact_by_email("anna@firma.pl"))
        .unwrap();
    assert_eq!(found.map(|c| c.id), Some(anna.id));
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 0);
    tx.run(|b| {
        b.create_contact(person("Jan", "Kowalski", "jan@firma.pl"))?;
        b.create_company(firm("Firma", "firma.pl"))
    })
    .unwrap();
    tx.commit().unwrap();
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 2);
    assert_eq!(crm.search(&SearchQuery::new("firma")).unwrap().len(), 3);
    assert!(crm.verify().unwrap().is_ok());

    // Rolled back, or dropped: nothing stays.
    let mut tx = crm.begin().unwrap();
    tx.run(|b| b.create_contact(person("Ola", "Lis", "ola@firma.pl")))
        .unwrap();
    tx.rollback();
    let mut tx = crm.begin().unwrap();
    tx.run(|b| b.create_contact(person("Ewa", "Lis", "ewa@firma.pl")))
        .unwrap();
    drop(tx);
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 2);
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn a_transaction_that_failed_after_writing_only_rolls_back() {
    let crm = crm();
    let mut tx = crm.begin().unwrap();
    // A refused operation writes nothing: the transaction goes on.
    assert_eq!(
        tx.run(|b| b.create_contact(ContactInput::default()))
            .unwrap_err()
            .code(),
        "validation"
    );
    tx.run(|b| b.create_contact(person("Anna", "Nowak", "anna@firma.pl")))
        .unwrap();
    // A body that fails after writing leaves the transaction able only to roll back.
    let err = tx
        .run(|b| {
            b.create_contact(person("Jan", "Kowalski", "jan@firma.pl"))?;
            Err::<(), _>(Error::validation("mine", "the caller gave up"))
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("mine"));
    assert_eq!(
        tx.run(|b| b.count_contacts(&ContactFilter::default()))
            .unwrap_err()
            .field(),
        Some("mine")
    );
    assert_eq!(tx.commit().unwrap_err().field(), Some("mine"));
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 0);
}

#[test]
fn an_open_transaction_refuses_writes_on_its_thread_and_holds_back_other_threads() {
    let crm = Arc::new(crm());
    let mut tx = crm.begin().unwrap();
    tx.run(|b| b.create_contact(person("Anna", "Nowak", "anna@firma.pl")))
        .unwrap();
    // On the thread that began it, a write through the CRM would wait for itself.
    let err = crm
        .create_contact(person("Jan", "Kowalski", "jan@firma.pl"))
        .unwrap_err();
    assert_eq!(err.field(), Some("batch"));
    assert_eq!(crm.begin().unwrap_err().field(), Some("batch"));
    // Reads go on, and see the state before the transaction.
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 0);
    // Another thread's write waits for the transaction to end.
    let (sent, received) = mpsc::channel();
    let other = {
        let crm = Arc::clone(&crm);
        std::thread::spawn(move || {
            let r = crm.create_contact(person("Ewa", "Lis", "ewa@firma.pl"));
            sent.send(()).unwrap();
            r.map(|c| c.id)
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(received.try_recv().is_err(), "the other write went through");
    // The transaction may end on another thread than the one that began it.
    std::thread::spawn(move || tx.commit())
        .join()
        .unwrap()
        .unwrap();
    other.join().unwrap().unwrap();
    assert_eq!(crm.count_contacts(&ContactFilter::default()).unwrap(), 2);
    // Its thread writes again once it is over.
    crm.create_contact(person("Jan", "Kowalski", "jan@firma.pl"))
        .unwrap();
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn a_file_left_by_an_interrupted_creation_is_created_afresh_and_other_files_are_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    // What a process killed while redb created the file in place left: zero bytes.
    let path = dir.path().join("first-launch.crm");
    std::fs::write(&path, vec![0u8; 1 << 20]).unwrap();
    let crm = Crm::open(&path).unwrap();
    let jan = crm
        .create_contact(person("Jan", "Kowalski", "jan@firma.pl"))
        .unwrap();
    crm.close().unwrap();
    let crm = Crm::open(&path).unwrap();
    assert_eq!(crm.get_contact(jan.id).unwrap().id, jan.id);
    crm.close().unwrap();
    // An empty file too; no temporary file is left beside either.
    let empty = dir.path().join("empty.crm");
    std::fs::write(&empty, b"").unwrap();
    Crm::open(&empty).unwrap().close().unwrap();
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["empty.crm", "first-launch.crm"]);
    // A file with one byte that is not zero holds something: it is refused, not replaced.
    let mut almost = vec![0u8; 1 << 20];
    almost[4096] = 7;
    let other = dir.path().join("other.crm");
    std::fs::write(&other, &almost).unwrap();
    assert_eq!(Crm::open(&other).unwrap_err().code(), "corrupt");
    assert_eq!(std::fs::read(&other).unwrap(), almost);
}

#[test]
fn bytes_appended_to_a_file_are_ignored_reported_by_verify_and_cut_off_by_compact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("padded.crm");
    let crm = Crm::open(&path).unwrap();
    let jan = crm
        .create_contact(person("Jan", "Kowalski", "jan@firma.pl"))
        .unwrap();
    crm.close().unwrap();
    let clean_len = std::fs::metadata(&path).unwrap().len();
    for (n, tail) in [(1usize, 0x5a_u8), (4096, 0), (10_000, 0xff)] {
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(clean_len as usize);
        bytes.extend(std::iter::repeat_n(tail, n));
        std::fs::write(&path, &bytes).unwrap();
        let crm = Crm::open(&path).unwrap_or_else(|e| panic!("{n} bytes appended: {e}"));
        assert_eq!(crm.get_contact(jan.id).unwrap().id, jan.id);
        let report = crm.verify().unwrap();
        if n % 4096 != 0 {
            // A length that is a whole number of pages is a valid layout for redb: the extra
            // pages are free space, not an error.
            assert!(
                report
                    .problems
                    .iter()
                    .any(|p| p.contains(&format!("{n} bytes after"))),
                "{n}: {:?}",
                report.problems
            );
        }
        crm.close().unwrap();
    }
    // Written to and compacted, the file is whole again.
    let crm = Crm::open(&path).unwrap();
    crm.create_contact(person("Ana", "Popescu", "ana@firma.ro"))
        .unwrap();
    crm.compact().unwrap();
    assert!(crm.verify().unwrap().is_ok());
    crm.close().unwrap();
    let crm = Crm::open(&path).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    assert_eq!(crm.get_contact(jan.id).unwrap().id, jan.id);
}

/// Replaces the first occurrence of `from` in any value of `table` with `to` (same length),
/// below the library: what a bad sector or a stray write does. Returns whether it found one.
fn overwrite_in_values(path: &std::path::Path, table: &str, from: &[u8], to: &[u8]) -> bool {
    use redb::ReadableTable;
    assert_eq!(from.len(), to.len());
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    let mut found = false;
    {
        let mut t = tx
            .open_table(redb::TableDefinition::<&[u8], &[u8]>::new(table))
            .unwrap();
        let mut changed = Vec::new();
        for item in t.iter().unwrap() {
            let (k, v) = item.unwrap();
            let v = v.value().to_vec();
            if let Some(at) = v.windows(from.len()).position(|w| w == from) {
                let mut new = v.clone();
                new[at..at + to.len()].copy_from_slice(to);
                changed.push((k.value().to_vec(), new));
                break;
            }
        }
        for (k, v) in changed {
            t.insert(&k[..], &v[..]).unwrap();
            found = true;
        }
    }
    tx.commit().unwrap();
    found
}

#[test]
fn the_version_8_fixture_gets_checksums_and_a_changed_byte_is_then_damage() {
    let (_dir, path) = fixture(8);
    // Before the migration a changed name is read back as if it had been written so.
    let (_old, old_path) = fixture(8);
    assert!(overwrite_in_values(
        &old_path,
        "contacts",
        "Zofia".as_bytes(),
        b"Zofib"
    ));
    let crm = Crm::open(&old_path).unwrap();
    let zofia = crm
        .find_contact_by_email("zofia@firma.pl")
        .unwrap()
        .unwrap();
    assert_eq!(
        zofia.given_name.as_deref(),
        Some("Zofib"),
        "read back changed, no error"
    );
    crm.close().unwrap();

    let crm = Crm::open(&path).unwrap();
    let report = crm.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
    let zofia = crm
        .find_contact_by_email("zofia@firma.pl")
        .unwrap()
        .unwrap();
    assert_eq!(zofia.given_name.as_deref(), Some("Zofia"));
    crm.close().unwrap();
    // Migrated: the same change is now found, by a read and by verify.
    assert!(overwrite_in_values(
        &path,
        "contacts",
        "Zofia".as_bytes(),
        b"Zofib"
    ));
    let crm = Crm::open(&path).unwrap();
    let err = crm.get_contact(zofia.id).unwrap_err();
    assert_eq!(err.code(), "corrupt", "{err}");
    assert!(err.to_string().contains(&zofia.id.to_string()), "{err}");
    let report = crm.verify().unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains(&zofia.id.to_string()) && p.contains("checksum")),
        "{:?}",
        report.problems
    );
    // Every other record still reads.
    assert!(crm.find_contact_by_email("jan@firma.pl").unwrap().is_some());
}

/// Moves the first value of `table` whose bytes hold `holding` to a key with one bit
/// changed (what a damaged byte of a key does); returns the new key.
fn move_to_damaged_key(path: &std::path::Path, table: &str, holding: &[u8]) -> Vec<u8> {
    use redb::ReadableTable;
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_write().unwrap();
    let moved;
    {
        let mut t = tx
            .open_table(redb::TableDefinition::<&[u8], &[u8]>::new(table))
            .unwrap();
        let (key, value) = t
            .iter()
            .unwrap()
            .map(|e| e.unwrap())
            .map(|(k, v)| (k.value().to_vec(), v.value().to_vec()))
            .find(|(_, v)| v.windows(holding.len()).any(|w| w == holding))
            .expect("a value holding the bytes");
        let mut other = key.clone();
        other[15] ^= 0x04;
        t.remove(&key[..]).unwrap();
        t.insert(&other[..], &value[..]).unwrap();
        moved = other;
    }
    tx.commit().unwrap();
    moved
}

#[test]
fn the_version_9_fixture_gets_checksums_of_keys_and_a_changed_key_is_then_damage() {
    // Before the migration, a record whose key changed reads back as another record.
    let (_old, old_path) = fixture(9);
    let key = move_to_damaged_key(&old_path, "contacts", "Zofia".as_bytes());
    let id = ContactId::from_u128(u128::from_be_bytes(key.clone().try_into().unwrap()));
    let crm = Crm::open(&old_path).unwrap();
    // (Opening migrated it: the moved value was marked under its new key.)
    assert_eq!(
        crm.get_contact(id).unwrap().given_name.as_deref(),
        Some("Zofia")
    );
    crm.close().unwrap();

    let (_dir, path) = fixture(9);
    let crm = Crm::open(&path).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    let zofia = crm
        .find_contact_by_email("zofia@firma.pl")
        .unwrap()
        .unwrap();
    assert_eq!(zofia.given_name.as_deref(), Some("Zofia"));
    crm.close().unwrap();
    drop(crm);
    // Migrated: the same damage is found, by a read and by verify.
    let key = move_to_damaged_key(&path, "contacts", "Zofia".as_bytes());
    let moved = ContactId::from_u128(u128::from_be_bytes(key.try_into().unwrap()));
    let crm = Crm::open(&path).unwrap();
    let err = crm.get_contact(moved).unwrap_err();
    assert_eq!(err.code(), "corrupt", "{err}");
    let report = crm.verify().unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains(&moved.to_string()) && p.contains("checksum")),
        "{:?}",
        report.problems
    );
    assert!(crm.find_contact_by_email("jan@firma.pl").unwrap().is_some());
}

#[test]
fn a_panic_in_the_callers_callback_is_the_callers_not_damage() {
    let crm = builder().0.open_in_memory().unwrap();
    crm.create_contact(person("Jan", "Kowalski", "jan@firma.pl"))
        .unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crm.backup(&mut |_| panic!("the caller's own failure"))
    }));
    let payload = caught.expect_err("the panic reaches the caller");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"the caller's own failure")
    );
    // The CRM goes on working, and a later failure is not taken for the caller's.
    assert_eq!(crm.backup(&mut |_| true).map(|b| !b.is_empty()), Ok(true));
}

/// Found by the `open_bytes` fuzz target: a file whose allocator state is damaged opens and
/// reads, and redb panicked when the handle was dropped (closing writes the allocator state).
#[test]
fn a_damaged_allocator_does_not_panic_when_the_crm_is_dropped() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/damaged/allocator.crm"
    ))
    .unwrap();
    let outcome = std::panic::catch_unwind(|| {
        if let Ok(crm) = Crm::builder().open_bytes(bytes) {
            let _ = crm.verify();
            let _ = crm.list_contacts(&ContactQuery::default());
            let _ = crm.pipelines();
            let _ = crm.close();
        }
    });
    assert!(outcome.is_ok(), "a panic reached the caller");
}

/// Found by the `open_bytes` fuzz target: opening this file migrates it, the migration stops
/// on a damaged record, and redb panicked while rolling the migration back (its rollback
/// writes the allocator's state). The open is refused as `Corrupt`; no panic reaches the
/// caller.
#[test]
fn a_rollback_that_fails_on_a_damaged_file_is_contained() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/damaged/rollback.crm"
    ))
    .unwrap();
    let outcome = std::panic::catch_unwind(|| Crm::builder().open_bytes(bytes).map(drop));
    match outcome {
        Ok(Err(Error::Corrupt { .. })) => {}
        Ok(other) => panic!("expected Corrupt, got {other:?}"),
        Err(_) => panic!("a panic reached the caller"),
    }
}

/// Written by schema version 10: two contacts tagged `vip`, one of them archived, an archived
/// company, and a won deal of 12,000.00 USD, with no reporting currency set (which then meant
/// EUR: the deal was valued at nothing).
#[test]
fn the_version_10_fixture_keeps_reporting_in_euros_and_a_new_crm_adopts_its_first_deal_currency() {
    let (_dir, path) = fixture(10);
    let crm = Crm::open(&path).unwrap();
    assert!(crm.verify().unwrap().is_ok());
    // Version 11 indexes archived records, which counts answer from.
    let contacts = |archived, tags: &[&str]| {
        crm.count_contacts(&ContactFilter {
            archived,
            tags_all: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        })
        .unwrap()
    };
    assert_eq!(contacts(Archived::Exclude, &[]), 1);
    assert_eq!(contacts(Archived::Only, &[]), 1);
    assert_eq!(contacts(Archived::Include, &[]), 2);
    assert_eq!(contacts(Archived::Exclude, &["VIP"]), 1);
    assert_eq!(contacts(Archived::Only, &["vip"]), 1);
    let companies = |archived| {
        crm.count_companies(&CompanyFilter {
            archived,
            ..Default::default()
        })
        .unwrap()
    };
    assert_eq!(
        (companies(Archived::Exclude), companies(Archived::Only)),
        (0, 1)
    );
    let won = crm.list_deals(&DealQuery::default()).unwrap().items;
    assert_eq!(won.len(), 1);
    assert_eq!(won[0].amount, Some(Money::new(1_200_000, Currency::USD)));
    // The file goes on reporting in what it reported in, now stored: a later deal in
    // another currency does not change it.
    assert_eq!(crm.reporting_currency().unwrap(), Currency::EUR);
    crm.create_deal(DealInput {
        title: "Zloty".into(),
        amount: Some(Money::new(100, Currency::PLN)),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(crm.reporting_currency().unwrap(), Currency::EUR);
    crm.close().unwrap();

    // A new CRM reports in its first priced deal's currency, so that a won dollar deal is
    // worth its dollars (not listed as unpriced in euros).
    let crm = Crm::open_in_memory().unwrap();
    assert_eq!(crm.reporting_currency().unwrap(), Currency::EUR);
    crm.create_deal(DealInput {
        title: "No amount yet".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        crm.reporting_currency().unwrap(),
        Currency::EUR,
        "unset still"
    );
    let deal = crm
        .create_deal(DealInput {
            title: "Łódź office".into(),
            amount: Some(Money::new(1_200_000, Currency::USD)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(crm.reporting_currency().unwrap(), Currency::USD);
    let won = crm
        .default_pipeline()
        .unwrap()
        .stages
        .iter()
        .find(|s| s.kind == StageKind::Won)
        .unwrap()
        .id;
    let deal = crm
        .move_deal(
            deal.id,
            DealMove {
                stage: won,
                lost_reason: None,
                by: None,
            },
        )
        .unwrap();
    assert_eq!(
        deal.closed_value,
        Some(Money::new(1_200_000, Currency::USD))
    );
    // One set explicitly is kept.
    crm.set_reporting_currency(Currency::PLN).unwrap();
    crm.create_deal(DealInput {
        title: "Another".into(),
        amount: Some(Money::new(5, Currency::USD)),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(crm.reporting_currency().unwrap(), Currency::PLN);
}
