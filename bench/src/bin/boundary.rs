//! The cost of a call across each binding's boundary, against the same call in Rust: the
//! native half of `scripts/bench-boundary.sh`.
//!
//! `boundary prepare DIR N` writes `DIR/crm.bytes` (a backup of a CRM holding N contacts
//! with names, emails, phones and tags, made with a fixed clock and sequential ids) and
//! `DIR/ids.txt` (their ids, one a line). Every runtime opens that backup in memory, so each
//! measures the same records. `boundary native DIR` then runs the workload in Rust and prints
//! one JSON line of nanoseconds per call; the Node, Python and Kotlin programs in
//! `bench/boundary/` run the same workload and print the same line.
//!
//! The workload: `get_contact` over the ids (stride 7, wrapping), `create_contact` of a
//! contact with a name, an email and a tag, `list_contacts` of the first page of 50 by name,
//! and `count_contacts` with no filter (archived ones left out). The whole workload runs twice (the first round warms up caches and a JIT); the
//! second is reported.

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use crm_core::*;

const GETS: usize = 20_000;
const CREATES: usize = 5_000;
const PAGES: usize = 2_000;
const COUNTS: usize = 2_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["prepare", dir, n] => n.parse().map_err(err).and_then(|n| prepare(dir, n)),
        ["native", dir] => native(dir),
        _ => Err("usage: boundary prepare DIR N | boundary native DIR".to_string()),
    };
    if let Err(e) = result {
        eprintln!("boundary: {e}");
        std::process::exit(1);
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn prepare(dir: &str, n: usize) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(err)?;
    let crm = Crm::builder()
        .clock(Arc::new(ManualClock::stepping(
            "2026-11-22T09:00:00Z".parse().map_err(err)?,
            chrono::Duration::milliseconds(1),
        )))
        .id_source(Arc::new(SequentialIds::new()))
        .open_in_memory()
        .map_err(err)?;
    const GIVEN: [&str; 8] = [
        "Zofia", "Ștefan", "Ana", "Jan", "Łucja", "Mihai", "Ewa", "Ion",
    ];
    const FAMILY: [&str; 8] = [
        "Wiśniewska",
        "Popescu",
        "Kowalski",
        "Ionescu",
        "Nowak",
        "Dumitru",
        "Zieliński",
        "Rusu",
    ];
    let contacts = (0..n)
        .map(|i| ContactInput {
            given_name: Some(GIVEN[i % 8].to_string()),
            family_name: Some(format!("{} {i}", FAMILY[(i / 8) % 8])),
            emails: vec![Email {
                address: format!("person{i}@firma.pl"),
                ..Default::default()
            }],
            phones: vec![Phone {
                number: format!("+4860{i:07}"),
                ..Default::default()
            }],
            tags: vec![if i % 3 == 0 { "vip" } else { "lead" }.to_string()],
            ..Default::default()
        })
        .collect();
    let report = crm
        .import_records(
            ImportData {
                contacts,
                ..Default::default()
            },
            &mut |_| true,
        )
        .map_err(err)?;
    let bytes = crm.backup(&mut |_| true).map_err(err)?;
    std::fs::write(format!("{dir}/crm.bytes"), bytes).map_err(err)?;
    let mut ids = std::fs::File::create(format!("{dir}/ids.txt")).map_err(err)?;
    for id in report.contacts {
        writeln!(ids, "{id}").map_err(err)?;
    }
    Ok(())
}

fn native(dir: &str) -> Result<(), String> {
    let bytes = std::fs::read(format!("{dir}/crm.bytes")).map_err(err)?;
    let ids: Vec<ContactId> = std::fs::read_to_string(format!("{dir}/ids.txt"))
        .map_err(err)?
        .lines()
        .map(|l| l.parse().map_err(err))
        .collect::<Result<_, _>>()?;
    let crm = Crm::builder().open_bytes(bytes).map_err(err)?;
    let query = ContactQuery {
        limit: 50,
        sort: Sort {
            by: SortBy::Name,
            descending: false,
        },
        ..Default::default()
    };
    let (mut gets, mut creates, mut pages, mut counts) = (0.0, 0.0, 0.0, 0.0);
    for round in 0..2 {
        let start = Instant::now();
        for i in 0..GETS {
            let c = crm.get_contact(ids[(i * 7) % ids.len()]).map_err(err)?;
            std::hint::black_box(c);
        }
        gets = per_call(start, GETS);
        let start = Instant::now();
        for i in 0..CREATES {
            let c = crm
                .create_contact(ContactInput {
                    given_name: Some("Nowy".into()),
                    family_name: Some(format!("Kontakt {i}")),
                    emails: vec![Email {
                        address: format!("new{}@firma.pl", i + round * CREATES),
                        ..Default::default()
                    }],
                    tags: vec!["new".into()],
                    ..Default::default()
                })
                .map_err(err)?;
            std::hint::black_box(c);
        }
        creates = per_call(start, CREATES);
        let start = Instant::now();
        for _ in 0..PAGES {
            let page = crm.list_contacts(&query).map_err(err)?;
            std::hint::black_box(page);
        }
        pages = per_call(start, PAGES);
        let start = Instant::now();
        for _ in 0..COUNTS {
            let n = crm.count_contacts(&ContactFilter::default()).map_err(err)?;
            std::hint::black_box(n);
        }
        counts = per_call(start, COUNTS);
    }
    println!(
        "{{\"runtime\": \"native\", \"get_contact\": {gets:.0}, \"create_contact\": {creates:.0}, \"page_of_50\": {pages:.0}, \"count\": {counts:.0}}}"
    );
    Ok(())
}

fn per_call(start: Instant, calls: usize) -> f64 {
    start.elapsed().as_nanos() as f64 / calls as f64
}
