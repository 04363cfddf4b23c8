//! kill -9 during writes.
//!
//! The parent runs rounds. In each, a child process (this program, `child`) opens a CRM file
//! and writes random operations to it until the parent kills it with SIGKILL after a random
//! delay. Before each operation the child logs what it is about to do (`I …`) and after the
//! operation returned, what it did (`A …`): an acknowledged write. The parent then opens the
//! file, verifies it, reads every record, and compares with what the log says: every
//! acknowledged write must be there; the one operation in flight may be there entirely or not
//! at all (a batch never in part); nothing else may have changed.
//!
//! Rounds cycle through three starts: a file that does not exist yet (killed within a few
//! milliseconds, while it is created), a copy of a version-1 file (killed while it migrates
//! on open, or just after), and the long-lived file of earlier rounds. The operations cover
//! contacts, companies, deals and activities: creates, updates, deletes, batches of several
//! kinds, compaction, a backup written to a file, and closing and reopening.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crm_core::{
    ActivityId, ActivityInput, ActivityKind, CompanyId, CompanyInput, ContactId, ContactInput, Crm,
    DealId, DealInput, Email,
};

use crate::Options;
use crate::model::{self, State};
use crate::rng::Rng;

/// The version-1 file of the storage tests (schema version 1: migrated on open).
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crm-core/tests/fixtures/v1.crm"
);

#[derive(Default)]
struct Tally {
    rounds: u64,
    acknowledged: u64,
    lost: u64,
    unopenable: u64,
    unverified: u64,
    half_batches: u64,
    in_flight_kept: u64,
    in_flight_dropped: u64,
    backups_checked: u64,
    /// Rounds killed after the child began opening and before it had opened.
    killed_opening: u64,
}

pub(crate) fn run(options: &Options) -> bool {
    let rounds = options.number("rounds", 60);
    let seed = options.number("seed", 1);
    let dir = options.dir("kill");
    let exe = std::env::current_exe().expect("the program knows its path");
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    let work = dir.join("work.crm");
    let mut work_state = State::new();
    let fixture_state = match Crm::builder().open_bytes(std::fs::read(FIXTURE).unwrap_or_default())
    {
        Ok(crm) => model::read_all(&crm).unwrap_or_default(),
        Err(e) => {
            eprintln!("the fixture {FIXTURE} does not open: {e}");
            return false;
        }
    };
    let started = std::time::Instant::now();
    for round in 0..rounds {
        let (file, base, delay_ms) = match round % 4 {
            0 => {
                let file = dir.join(format!("new-{round}.crm"));
                (file, State::new(), rng.below(8))
            }
            1 => {
                let file = dir.join(format!("old-{round}.crm"));
                if std::fs::copy(FIXTURE, &file).is_err() {
                    eprintln!("cannot copy {FIXTURE}");
                    return false;
                }
                (file, fixture_state.clone(), rng.below(40))
            }
            _ => (work.clone(), work_state.clone(), 20 + rng.below(300)),
        };
        let log = dir.join(format!("log-{round}.txt"));
        let backup = dir.join("backup.crm");
        let _ = std::fs::remove_file(&backup);
        let child = Command::new(&exe)
            .args(["child", "--round", &round.to_string(), "--seed"])
            .arg((seed.wrapping_mul(1_000_003) ^ round).to_string())
            .arg("--file")
            .arg(&file)
            .arg("--log")
            .arg(&log)
            .arg("--backup")
            .arg(&backup)
            .stdout(Stdio::null())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                eprintln!("cannot start the child: {e}");
                return false;
            }
        };
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        tally.rounds += 1;
        let found = check(round, &file, &log, base, &mut tally);
        if std::fs::metadata(&backup).is_ok() {
            tally.backups_checked += 1;
            match Crm::open(&backup).and_then(|c| c.verify()) {
                Ok(report) if report.is_ok() => {}
                Ok(report) => {
                    eprintln!(
                        "round {round}: the backup has problems: {:?}",
                        report.problems
                    );
                    tally.unverified += 1;
                }
                Err(e) => {
                    eprintln!("round {round}: the backup does not open: {e}");
                    tally.unopenable += 1;
                }
            }
        }
        if let (Some(found), true) = (found, file == work) {
            work_state = found;
        }
    }
    println!(
        "kill -9: {} rounds in {:.1} s; acknowledged writes checked {}; writes lost {}; \
         unopenable files {}; files with verify problems {}; half-written batches {}; \
         in-flight operations found committed {} and not {}; backups checked {}; \
         rounds killed while opening (creating or migrating) {}; records in the long-lived \
         file {}",
        tally.rounds,
        started.elapsed().as_secs_f64(),
        tally.acknowledged,
        tally.lost,
        tally.unopenable,
        tally.unverified,
        tally.half_batches,
        tally.in_flight_kept,
        tally.in_flight_dropped,
        tally.backups_checked,
        tally.killed_opening,
        work_state.len()
    );
    tally.lost == 0 && tally.unopenable == 0 && tally.unverified == 0 && tally.half_batches == 0
}

/// One logged operation, as the parent replays it.
#[derive(Debug, Clone)]
enum Op {
    /// The CRM opened.
    Open,
    /// Records created: (typed id, value). In an intent line the ids are not known: `-`.
    Create(Vec<(String, String)>),
    Update(String, String),
    Delete(String),
    /// Compaction, a backup, closing and reopening: nothing changes.
    Other,
}

fn parse(words: &[&str]) -> Option<Op> {
    Some(match *words.first()? {
        "open" => Op::Open,
        "create" => Op::Create(
            words[1..]
                .chunks(2)
                .map(|p| (p[0].to_string(), p.get(1).unwrap_or(&"").to_string()))
                .collect(),
        ),
        "update" => Op::Update(words.get(1)?.to_string(), words.get(2)?.to_string()),
        "delete" => Op::Delete(words.get(1)?.to_string()),
        _ => Op::Other,
    })
}

/// Checks the file after a round; what it holds, when it opened.
fn check(round: u64, file: &Path, log: &Path, base: State, tally: &mut Tally) -> Option<State> {
    let mut expected = base;
    let mut in_flight: Option<Op> = None;
    let mut opened = false;
    if let Ok(text) = std::fs::read(log) {
        // Only whole lines count: the kill can cut the last one anywhere, even where what is
        // left still parses (an acknowledgment whose last value lost its end).
        let text = String::from_utf8_lossy(&text);
        for line in text.split_inclusive('\n') {
            let Some(line) = line.strip_suffix('\n') else {
                break;
            };
            let words: Vec<&str> = line.split(' ').collect();
            let (Some(&mark), Some(op)) = (words.first(), parse(&words[1.min(words.len())..]))
            else {
                // A line cut by the kill: the operation is in flight at most.
                break;
            };
            match mark {
                "I" => in_flight = Some(op),
                "A" => {
                    in_flight = None;
                    tally.acknowledged += 1;
                    match op {
                        Op::Open => opened = true,
                        Op::Create(records) => expected.extend(records),
                        Op::Update(id, value) => {
                            expected.insert(id, value);
                        }
                        Op::Delete(id) => {
                            expected.remove(&id);
                        }
                        Op::Other => {}
                    }
                }
                _ => break,
            }
        }
    }
    if !opened {
        tally.killed_opening += 1;
    }
    if std::fs::metadata(file).is_err() {
        if opened {
            eprintln!("round {round}: the file opened by the child is gone");
            tally.unopenable += 1;
        }
        return None;
    }
    let crm = match Crm::open(file) {
        Ok(crm) => crm,
        Err(e) => {
            eprintln!("round {round}: the file does not open: {e}");
            tally.unopenable += 1;
            return None;
        }
    };
    match crm.verify() {
        Ok(report) if report.is_ok() => {}
        Ok(report) => {
            eprintln!("round {round}: verify: {:?}", report.problems);
            tally.unverified += 1;
        }
        Err(e) => {
            eprintln!("round {round}: verify failed: {e}");
            tally.unverified += 1;
        }
    }
    let found = match model::read_all(&crm) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("round {round}: reading failed: {e}");
            tally.unverified += 1;
            return None;
        }
    };
    let _ = crm.close();
    // The records the operation in flight would create, by value (their ids are unknown).
    let new_values: Vec<&str> = match &in_flight {
        Some(Op::Create(records)) => records.iter().map(|(_, v)| v.as_str()).collect(),
        _ => Vec::new(),
    };
    let mut created_in_flight = 0;
    let ids: std::collections::BTreeSet<&String> = expected.keys().chain(found.keys()).collect();
    let mut in_flight_seen = false;
    for id in ids {
        let (want, got) = (expected.get(id), found.get(id));
        if want == got {
            continue;
        }
        let explained = match (&in_flight, want, got) {
            (Some(Op::Update(i, v)), Some(_), Some(g)) if i == id && g == v => true,
            (Some(Op::Delete(i)), Some(_), None) if i == id => true,
            (Some(Op::Create(_)), None, Some(g)) if new_values.contains(&g.as_str()) => {
                created_in_flight += 1;
                true
            }
            _ => false,
        };
        if explained {
            in_flight_seen = true;
        } else {
            eprintln!("round {round}: {id}: expected {want:?}, found {got:?}");
            tally.lost += 1;
        }
    }
    if created_in_flight != 0 && created_in_flight != new_values.len() {
        eprintln!(
            "round {round}: {created_in_flight} of the {} records of the batch in flight",
            new_values.len()
        );
        tally.half_batches += 1;
    }
    match in_flight {
        Some(Op::Create(_) | Op::Update(..) | Op::Delete(_)) if in_flight_seen => {
            tally.in_flight_kept += 1
        }
        Some(Op::Create(_) | Op::Update(..) | Op::Delete(_)) => tally.in_flight_dropped += 1,
        _ => {}
    }
    Some(found)
}

/// The child: opens the file and writes until killed.
pub(crate) fn child(options: &Options) -> bool {
    let arg = |name: &str| -> PathBuf {
        PathBuf::from(
            options
                .value(name)
                .unwrap_or_else(|| panic!("the child needs --{name}")),
        )
    };
    let (file, log, backup) = (arg("file"), arg("log"), arg("backup"));
    let round = options.number("round", 0);
    let mut rng = Rng::new(options.number("seed", 1));
    let mut log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .expect("the log opens");
    let mut say = |line: String| {
        // Unbuffered: what was written survives the kill (it is in the page cache).
        log.write_all(format!("{line}\n").as_bytes())
            .expect("the log takes a line");
    };
    say("I open".into());
    let mut crm = Crm::open(&file).expect("the child opens the file");
    say("A open".into());
    let mut ids: Vec<String> = model::read_all(&crm)
        .expect("the child reads the file")
        .into_keys()
        .collect();
    for seq in 0.. {
        let value = format!("r{round}-{seq}-Łódź");
        let roll = rng.below(100);
        let result: crm_core::Result<()> = if roll < 35 {
            let kind = rng.below(4);
            say(format!("I create - {value}"));
            let id = create(&crm, kind, &value);
            id.map(|id| {
                say(format!("A create {id} {value}"));
                ids.push(id);
            })
        } else if roll < 55 && !ids.is_empty() {
            let id = ids[rng.pick(ids.len())].clone();
            say(format!("I update {id} {value}"));
            update(&crm, &id, &value).map(|()| say(format!("A update {id} {value}")))
        } else if roll < 70 && !ids.is_empty() {
            let at = rng.pick(ids.len());
            let id = ids[at].clone();
            say(format!("I delete {id}"));
            delete(&crm, &id).map(|()| {
                say(format!("A delete {id}"));
                ids.swap_remove(at);
            })
        } else if roll < 88 {
            let n = 2 + rng.below(6) as usize;
            let values: Vec<String> = (0..n).map(|k| format!("{value}-b{k}")).collect();
            let intent: Vec<String> = values.iter().map(|v| format!("- {v}")).collect();
            say(format!("I create {}", intent.join(" ")));
            let kinds: Vec<u64> = (0..n).map(|_| rng.below(4)).collect();
            crm.batch(|b| {
                let mut made = Vec::new();
                for (v, &kind) in values.iter().zip(&kinds) {
                    made.push((create(&mut *b, kind, v)?, v.clone()));
                }
                Ok(made)
            })
            .map(|made| {
                let done: Vec<String> = made.iter().map(|(id, v)| format!("{id} {v}")).collect();
                say(format!("A create {}", done.join(" ")));
                ids.extend(made.into_iter().map(|(id, _)| id));
            })
        } else if roll < 92 {
            say("I compact".into());
            crm.compact().map(|()| say("A compact".into()))
        } else if roll < 96 {
            say("I backup".into());
            crm.backup(&mut |_| true).and_then(|bytes| {
                // How an app keeps a backup: written beside, then renamed.
                let temp = backup.with_extension("tmp");
                std::fs::write(&temp, &bytes)
                    .and_then(|()| File::open(&temp)?.sync_all())
                    .and_then(|()| std::fs::rename(&temp, &backup))
                    .map_err(|e| crm_core::Error::Io {
                        reason: e.to_string(),
                        source: None,
                    })?;
                say("A backup".into());
                Ok(())
            })
        } else {
            say("I reopen".into());
            crm.close().and_then(|()| {
                crm = Crm::open(&file)?;
                say("A reopen".into());
                Ok(())
            })
        };
        if let Err(e) = result {
            eprintln!("the child's operation failed: {e}");
            return false;
        }
    }
    true
}

/// Writes through a CRM or a batch alike.
trait Writes {
    fn contact(&mut self, input: ContactInput) -> crm_core::Result<String>;
    fn company(&mut self, input: CompanyInput) -> crm_core::Result<String>;
    fn deal(&mut self, input: DealInput) -> crm_core::Result<String>;
    fn activity(&mut self, input: ActivityInput) -> crm_core::Result<String>;
}

impl Writes for &Crm {
    fn contact(&mut self, input: ContactInput) -> crm_core::Result<String> {
        Ok(self.create_contact(input)?.id.to_string())
    }
    fn company(&mut self, input: CompanyInput) -> crm_core::Result<String> {
        Ok(self.create_company(input)?.id.to_string())
    }
    fn deal(&mut self, input: DealInput) -> crm_core::Result<String> {
        Ok(self.create_deal(input)?.id.to_string())
    }
    fn activity(&mut self, input: ActivityInput) -> crm_core::Result<String> {
        Ok(self.create_activity(input)?.id.to_string())
    }
}

impl Writes for &mut crm_core::Batch<'_, '_> {
    fn contact(&mut self, input: ContactInput) -> crm_core::Result<String> {
        Ok(self.create_contact(input)?.id.to_string())
    }
    fn company(&mut self, input: CompanyInput) -> crm_core::Result<String> {
        Ok(self.create_company(input)?.id.to_string())
    }
    fn deal(&mut self, input: DealInput) -> crm_core::Result<String> {
        Ok(self.create_deal(input)?.id.to_string())
    }
    fn activity(&mut self, input: ActivityInput) -> crm_core::Result<String> {
        Ok(self.create_activity(input)?.id.to_string())
    }
}

fn create(mut w: impl Writes, kind: u64, value: &str) -> crm_core::Result<String> {
    match kind {
        0 => w.contact(ContactInput {
            given_name: Some(value.into()),
            family_name: Some("Ștefănescu".into()),
            emails: vec![Email::new(&format!(
                "{}@example.ro",
                value.replace('-', ".")
            ))],
            ..ContactInput::default()
        }),
        1 => w.company(CompanyInput {
            name: value.into(),
            ..CompanyInput::default()
        }),
        2 => w.deal(DealInput {
            title: value.into(),
            ..DealInput::default()
        }),
        _ => w.activity(ActivityInput {
            kind: ActivityKind::Call,
            subject: value.into(),
            ..ActivityInput::default()
        }),
    }
}

fn update(crm: &Crm, id: &str, value: &str) -> crm_core::Result<()> {
    if id.starts_with("contact_") {
        let c = crm.get_contact(id.parse::<ContactId>()?)?;
        let mut input = c.to_input();
        input.given_name = Some(value.into());
        crm.update_contact(c.id, input).map(drop)
    } else if id.starts_with("company_") {
        let c = crm.get_company(id.parse::<CompanyId>()?)?;
        let mut input = c.to_input();
        input.name = value.into();
        crm.update_company(c.id, input).map(drop)
    } else if id.starts_with("deal_") {
        // The suite's deals have a title only (and the default pipeline's first stage).
        let d = crm.get_deal(id.parse::<DealId>()?)?;
        let input = DealInput {
            title: value.into(),
            ..DealInput::default()
        };
        crm.update_deal(d.id, input).map(drop)
    } else {
        let a = crm.get_activity(id.parse::<ActivityId>()?)?;
        let mut input = a.to_input();
        input.subject = value.into();
        crm.update_activity(a.id, input).map(drop)
    }
}

fn delete(crm: &Crm, id: &str) -> crm_core::Result<()> {
    if id.starts_with("contact_") {
        crm.delete_contact(id.parse()?)
    } else if id.starts_with("company_") {
        crm.delete_company(id.parse()?)
    } else if id.starts_with("deal_") {
        crm.delete_deal(id.parse()?)
    } else {
        crm.delete_activity(id.parse()?)
    }
}
