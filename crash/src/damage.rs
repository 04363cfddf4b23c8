//! Damaged copies of a CRM file: each is opened, verified, read and written to, and how it
//! ended is classified.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crm_core::{
    ActivityId, ActivityInput, ActivityKind, CompanyId, CompanyInput, ContactId, ContactInput, Crm,
    DealId, DealInput, Email, Error, SearchQuery,
};

use crate::Options;
use crate::model::{self, State};
use crate::rng::Rng;

/// Panics seen by the hook: those the library contained and those that reached the suite.
static PANICS: AtomicU64 = AtomicU64::new(0);

const CLASSES: [&str; 5] = [
    "flipped bytes",
    "flipped header",
    "truncated",
    "zeroed page",
    "appended bytes",
];

/// How one damaged copy ended, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// A panic reached the caller.
    Panic,
    /// A record was read back changed, or went missing, and nothing reported damage.
    Silent,
    /// The open was refused with a typed error.
    Refused,
    /// The file opened; verify or a read reported damage with a typed error.
    Reported,
    /// The file opened and everything read back as written (the damage hit unused bytes).
    Unharmed,
}

pub(crate) fn run(options: &Options) -> bool {
    let copies = options.number("copies", 100);
    let contacts = options.number("contacts", 1000);
    let seed = options.number("seed", 1);
    let strict = options.flag("strict");
    let dir = options.dir("damage");
    std::panic::set_hook(Box::new(|_| {
        PANICS.fetch_add(1, Ordering::SeqCst);
    }));
    let base = dir.join("base.crm");
    let model = match build(&base, contacts) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("building the file failed: {e}");
            return false;
        }
    };
    let bytes = std::fs::read(&base).expect("the base file was just written");
    println!(
        "damage: {contacts} contacts, {} records, file of {} bytes, {copies} copies, seed {seed}",
        model.len(),
        bytes.len()
    );
    let mut rng = Rng::new(seed);
    let mut table: BTreeMap<(&str, Outcome), u64> = BTreeMap::new();
    let mut codes: BTreeMap<String, u64> = BTreeMap::new();
    // A file of its own for each copy: after redb panics during a write on a damaged file,
    // the library leaks the engine's handles (see crm-core's storage::errors::Unwinding), so
    // this process keeps that file open and locked until it exits.
    let copy_path = |n: u64| dir.join(format!("copy-{n}.crm"));
    let rescued_path = dir.join("rescued.crm");
    let mut rescue = Rescues::default();
    for n in 0..copies {
        let class = CLASSES[(n % CLASSES.len() as u64) as usize];
        let damaged = damage(&bytes, class, &mut rng);
        if std::env::var_os("CRM_CRASH_VERBOSE").is_some() {
            eprintln!("copy {n}: {class}");
        }
        let copy = copy_path(n);
        if n > 0 {
            let _ = std::fs::remove_file(copy_path(n - 1));
        }
        if std::fs::write(&copy, &damaged).is_err() {
            eprintln!("cannot write {}", copy.display());
            return false;
        }
        let outcome = match std::panic::catch_unwind(|| try_copy(&copy, &model)) {
            Ok((outcome, seen)) => {
                for code in seen {
                    *codes.entry(code).or_default() += 1;
                }
                outcome
            }
            Err(_) => Outcome::Panic,
        };
        *table.entry((class, outcome)).or_default() += 1;
        // The copy as damaged, again: the checks above wrote to it (a new file: the old one
        // may still be held).
        let _ = std::fs::remove_file(&rescued_path);
        let _ = std::fs::remove_file(&copy);
        if std::fs::write(&copy, &damaged).is_err() {
            eprintln!("cannot write {}", copy.display());
            return false;
        }
        match std::panic::catch_unwind(|| rescue_copy(&copy, &rescued_path, &model)) {
            Ok(r) => rescue.add(r),
            Err(_) => rescue.panics += 1,
        }
    }
    let escaped = table
        .iter()
        .filter(|((_, o), _)| *o == Outcome::Panic)
        .map(|(_, n)| n)
        .sum::<u64>();
    let silent = table
        .iter()
        .filter(|((_, o), _)| *o == Outcome::Silent)
        .map(|(_, n)| n)
        .sum::<u64>();
    println!("| damage | unharmed | reported | refused at open | silent change | panic |");
    println!("|---|---:|---:|---:|---:|---:|");
    for class in CLASSES {
        let n = |o| table.get(&(class, o)).copied().unwrap_or(0);
        println!(
            "| {class} | {} | {} | {} | {} | {} |",
            n(Outcome::Unharmed),
            n(Outcome::Reported),
            n(Outcome::Refused),
            n(Outcome::Silent),
            n(Outcome::Panic)
        );
    }
    println!(
        "errors seen, by code: {}",
        codes
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let contained = PANICS.load(Ordering::SeqCst) - escaped;
    println!(
        "copies {copies}; panics reaching the caller {escaped}; panics contained by the \
         library {contained}; copies with a silent change {silent}"
    );
    println!(
        "rescue: {} of {copies} copies rescued ({} refused: nothing readable), {} of {} \
         records saved in them ({:.1}%), {} rescued files not verifying clean, {} records \
         changed or invented, {} panics reaching the caller",
        rescue.rescued,
        rescue.refused,
        rescue.saved,
        rescue.expected,
        100.0 * rescue.saved as f64 / rescue.expected.max(1) as f64,
        rescue.unclean,
        rescue.changed,
        rescue.panics
    );
    escaped == 0
        && (!strict || silent == 0)
        && rescue.panics == 0
        && rescue.changed == 0
        && rescue.unclean == 0
}

/// What the rescues of the damaged copies gave, summed.
#[derive(Default)]
struct Rescues {
    rescued: u64,
    refused: u64,
    /// Records of the model read back from the rescued files, and how many the model holds
    /// (over the copies rescued).
    saved: u64,
    expected: u64,
    unclean: u64,
    changed: u64,
    panics: u64,
}

/// How one rescue ended.
enum Rescue {
    Refused,
    Done {
        saved: u64,
        expected: u64,
        clean: bool,
        changed: u64,
    },
}

impl Rescues {
    fn add(&mut self, r: Rescue) {
        match r {
            Rescue::Refused => self.refused += 1,
            Rescue::Done {
                saved,
                expected,
                clean,
                changed,
            } => {
                self.rescued += 1;
                self.saved += saved;
                self.expected += expected;
                self.unclean += u64::from(!clean);
                self.changed += changed;
            }
        }
    }
}

/// Rescues the damaged copy at `path` into `to` and compares what was saved with the model:
/// every record read back must be one that was written, unchanged, and the file must verify
/// clean.
fn rescue_copy(path: &Path, to: &Path, model: &State) -> Rescue {
    if let Err(e) = Crm::builder().rescue_file(path, to) {
        if std::env::var_os("CRM_CRASH_VERBOSE").is_some() {
            eprintln!("  rescue refused: {e}");
        }
        return Rescue::Refused;
    }
    let Ok(crm) = Crm::open(to) else {
        return Rescue::Done {
            saved: 0,
            expected: model.len() as u64,
            clean: false,
            changed: 0,
        };
    };
    let report = crm.verify();
    let clean = report.as_ref().is_ok_and(|r| r.is_ok());
    if !clean && std::env::var_os("CRM_CRASH_VERBOSE").is_some() {
        eprintln!("  rescued file does not verify clean: {report:?}");
    }
    let state = model::read_all(&crm).unwrap_or_default();
    let changed = state
        .iter()
        .filter(|(id, value)| model.get(*id) != Some(*value))
        .count() as u64;
    let _ = crm.close();
    Rescue::Done {
        saved: state.len() as u64 - changed,
        expected: model.len() as u64,
        clean,
        changed,
    }
}

/// A CRM file of `contacts` contacts with companies, deals and activities; what it holds.
fn build(path: &Path, contacts: u64) -> crm_core::Result<State> {
    let crm = Crm::open(path)?;
    crm.batch(|b| {
        let mut firms = Vec::new();
        for i in 0..contacts.div_ceil(20) {
            let firm = b.create_company(CompanyInput {
                name: format!("Firma {i} Łódź"),
                domains: vec![format!("firma{i}.pl")],
                ..CompanyInput::default()
            })?;
            firms.push(firm.id);
        }
        for i in 0..contacts {
            b.create_contact(ContactInput {
                given_name: Some(format!("Ștefan{i}")),
                family_name: Some(format!("Kowalski{}", i % 97)),
                emails: vec![Email::new(&format!("p{i}@firma{}.pl", i / 20))],
                tags: vec![format!("t{}", i % 7)],
                ..ContactInput::default()
            })?;
        }
        for i in 0..contacts / 10 {
            b.create_deal(DealInput {
                title: format!("Umowa {i}"),
                company: firms.get(i as usize % firms.len().max(1)).copied(),
                ..DealInput::default()
            })?;
            b.create_activity(ActivityInput {
                kind: ActivityKind::Task,
                subject: format!("Zadanie {i}"),
                ..ActivityInput::default()
            })?;
        }
        Ok(())
    })?;
    let state = model::read_all(&crm)?;
    crm.close()?;
    Ok(state)
}

/// `bytes` with one kind of damage.
fn damage(bytes: &[u8], class: &str, rng: &mut Rng) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let flip = |out: &mut Vec<u8>, at: usize, rng: &mut Rng| {
        out[at] ^= 1 + rng.below(255) as u8;
    };
    match class {
        "flipped bytes" => {
            for _ in 0..1 + rng.below(8) {
                let at = rng.pick(out.len());
                flip(&mut out, at, rng);
            }
        }
        "flipped header" => {
            for _ in 0..1 + rng.below(4) {
                let at = rng.pick(512.min(out.len()));
                flip(&mut out, at, rng);
            }
        }
        "truncated" => out.truncate(rng.pick(out.len())),
        "zeroed page" => {
            let page = rng.pick(out.len() / 4096) * 4096;
            out[page..page + 4096].fill(0);
        }
        _ => {
            for _ in 0..1 + rng.below(16384) {
                out.push(rng.next() as u8);
            }
        }
    }
    out
}

/// Opens, verifies, reads and writes one copy; how it ended, and the error codes seen.
fn try_copy(path: &Path, model: &State) -> (Outcome, Vec<String>) {
    let mut codes = Vec::new();
    let seen = |e: Error, codes: &mut Vec<String>| {
        if std::env::var_os("CRM_CRASH_VERBOSE").is_some() {
            eprintln!("  {e}");
        }
        codes.push(e.code().to_string())
    };
    let crm = match Crm::open(path) {
        Ok(crm) => crm,
        Err(e) => {
            seen(e, &mut codes);
            return (Outcome::Refused, codes);
        }
    };
    let mut reported = false;
    match crm.verify() {
        Ok(report) if report.is_ok() => {}
        Ok(_) => {
            reported = true;
            codes.push("verify problems".into());
        }
        Err(e) => {
            reported = true;
            seen(e, &mut codes);
        }
    }
    let mut changed = false;
    let mut missing = false;
    match model::read_all(&crm) {
        Ok(state) => {
            for (id, value) in model {
                match state.get(id) {
                    Some(v) if v != value => changed = true,
                    Some(_) => {}
                    None => missing = true,
                }
            }
            if state.keys().any(|id| !model.contains_key(id)) {
                missing = true;
            }
        }
        Err(e) => {
            reported = true;
            seen(e, &mut codes);
        }
    }
    for (id, value) in model.iter().step_by(3) {
        match get(&crm, id) {
            Ok(v) if v != *value => changed = true,
            Ok(_) => {}
            Err(e) if e.code() == "not_found" => missing = true,
            Err(e) => {
                reported = true;
                seen(e, &mut codes);
            }
        }
    }
    for text in ["Ștefan1", "stefan", "Kowalski3", "firma1.pl"] {
        if let Err(e) = crm.search(&SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }) {
            reported = true;
            seen(e, &mut codes);
        }
    }
    if let Err(e) = crm.create_contact(ContactInput {
        given_name: Some("Nowy".into()),
        ..ContactInput::default()
    }) {
        reported = true;
        seen(e, &mut codes);
    }
    let _ = crm.close();
    let outcome = if changed || (missing && !reported) {
        Outcome::Silent
    } else if reported || missing {
        Outcome::Reported
    } else {
        Outcome::Unharmed
    };
    (outcome, codes)
}

/// The value of the record with typed id `id`.
fn get(crm: &Crm, id: &str) -> crm_core::Result<String> {
    if id.starts_with("contact_") {
        Ok(crm
            .get_contact(id.parse::<ContactId>()?)?
            .given_name
            .unwrap_or_default())
    } else if id.starts_with("company_") {
        Ok(crm.get_company(id.parse::<CompanyId>()?)?.name)
    } else if id.starts_with("deal_") {
        Ok(crm.get_deal(id.parse::<DealId>()?)?.title)
    } else {
        Ok(crm.get_activity(id.parse::<ActivityId>()?)?.subject)
    }
}
