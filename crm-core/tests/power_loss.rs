//! Power loss and I/O faults, model-based (redb's `fuzz_redb.rs` is the pattern).
//!
//! A backend keeps two images of the file: what reads see, and what the last `sync_data` made
//! durable. Random sequences of operations (creates, updates, deletes, batches, compaction)
//! run against a CRM on it and against a plain map, the model. At random points the test
//!
//! - cuts the power: the CRM is dropped while the backend refuses every write, and the file
//!   comes back as the durable image plus a random subset of the writes made since the last
//!   sync (a disk writes back its cache in any order);
//! - injects a fault: the next write, length change or sync fails (an I/O error, or a full
//!   disk), once; the operation reports an error and the CRM is reopened.
//!
//! After each: the file opens, `verify` is clean, and what it holds equals the model at the
//! last acknowledged commit, or, for the one operation whose commit failed or was cut, the
//! model with or without it. `CRM_POWER_CASES` sets the number of sequences (32 by default).

mod common;

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};

use common::*;
use crm_core::*;
use redb::StorageBackend;

/// The two images, and what the backend does next.
#[derive(Default)]
struct Disk {
    /// What reads see.
    current: Vec<u8>,
    /// What the last sync made durable.
    durable: Vec<u8>,
    /// Writes (offset, bytes) and length changes since the last sync, in order.
    pending: Vec<Pending>,
    /// The power is off: every call fails.
    dead: bool,
    /// Cut the power at the n-th next write, length change or sync (1 = the next one).
    die_in: u32,
    /// Fail the n-th next write, length change or sync (1 = the next one).
    fault_in: u32,
    /// The fault is a full disk rather than an I/O error.
    full: bool,
    faults: u64,
}

#[derive(Clone)]
enum Pending {
    Write(u64, Vec<u8>),
    Len(u64),
}

#[derive(Clone, Default)]
struct PowerBackend(Arc<Mutex<Disk>>);

impl std::fmt::Debug for PowerBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PowerBackend")
    }
}

impl PowerBackend {
    fn disk(&self) -> std::sync::MutexGuard<'_, Disk> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts down to an injected fault; the error when it is this call.
    fn fault(disk: &mut Disk) -> io::Result<()> {
        if disk.die_in > 0 {
            disk.die_in -= 1;
            if disk.die_in == 0 {
                disk.dead = true;
            }
        }
        if disk.dead {
            return Err(io::Error::other("the power is off"));
        }
        if disk.fault_in > 0 {
            disk.fault_in -= 1;
            if disk.fault_in == 0 {
                disk.faults += 1;
                return Err(if disk.full {
                    io::Error::new(io::ErrorKind::StorageFull, "injected: the disk is full")
                } else {
                    io::Error::other("injected I/O error")
                });
            }
        }
        Ok(())
    }
}

impl StorageBackend for PowerBackend {
    fn len(&self) -> io::Result<u64> {
        Ok(self.disk().current.len() as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let disk = self.disk();
        let start = offset as usize;
        let src = disk
            .current
            .get(start..start + out.len())
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "read past the end"))?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let mut disk = self.disk();
        Self::fault(&mut disk)?;
        disk.current.resize(len as usize, 0);
        disk.pending.push(Pending::Len(len));
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        let mut disk = self.disk();
        Self::fault(&mut disk)?;
        disk.durable = disk.current.clone();
        disk.pending.clear();
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut disk = self.disk();
        Self::fault(&mut disk)?;
        let start = offset as usize;
        if disk.current.len() < start + data.len() {
            return Err(io::Error::other("write past the end"));
        }
        disk.current[start..start + data.len()].copy_from_slice(data);
        disk.pending.push(Pending::Write(offset, data.to_vec()));
        Ok(())
    }
}

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

type Model = BTreeMap<ContactId, String>;

fn open(disk: &PowerBackend) -> Crm {
    builder()
        .0
        .open_backend(disk.clone())
        .unwrap_or_else(|e| panic!("the file does not open: {e}"))
}

/// Every contact and its given name.
fn state(crm: &Crm) -> Model {
    let page = crm
        .list_contacts(&ContactQuery {
            limit: 1000,
            ..ContactQuery::default()
        })
        .unwrap();
    assert!(page.next_cursor.is_none());
    page.items
        .into_iter()
        .map(|c| (c.id, c.given_name.unwrap_or_default()))
        .collect()
}

/// What an operation that reported a failure may still have done: a commit can reach the
/// file although the call failed after it (the power went during the last sync).
enum Effect {
    Nothing,
    /// Contacts created with these given names (their ids are unknown).
    Create(Vec<String>),
    Update(ContactId, String),
    Delete(ContactId),
}

/// One random operation: the model after it when it committed, or what it would have done.
fn operate(crm: &Crm, model: &Model, rng: &mut Rng, n: u64) -> (Result<Model>, Effect) {
    let mut after = model.clone();
    let ids: Vec<ContactId> = model.keys().copied().collect();
    let name = format!("Ștefan{n}");
    match rng.below(10) {
        0..=3 => {
            let result = crm.create_contact(person(&name, "Łódzki", "")).map(|c| {
                after.insert(c.id, name.clone());
                after
            });
            (result, Effect::Create(vec![name]))
        }
        4 | 5 if !ids.is_empty() => {
            let id = ids[rng.below(ids.len() as u64) as usize];
            let result = crm
                .update_contact(id, person(&name, "Łódzki", ""))
                .map(|_| {
                    after.insert(id, name.clone());
                    after
                });
            (result, Effect::Update(id, name))
        }
        6 if !ids.is_empty() => {
            let id = ids[rng.below(ids.len() as u64) as usize];
            let result = crm.delete_contact(id).map(|()| {
                after.remove(&id);
                after
            });
            (result, Effect::Delete(id))
        }
        7 => (crm.compact().map(|()| after), Effect::Nothing),
        _ => {
            let names: Vec<String> = (0..3).map(|k| format!("{name}-{k}")).collect();
            let result = crm
                .batch(|b| {
                    let mut made = Vec::new();
                    for name in &names {
                        made.push((
                            b.create_contact(person(name, "Zięba", ""))?.id,
                            name.clone(),
                        ));
                    }
                    Ok(made)
                })
                .map(|made| {
                    after.extend(made);
                    after
                });
            (result, Effect::Create(names))
        }
    }
}

#[test]
fn power_losses_and_io_faults_never_lose_a_commit_or_half_apply_one() {
    let cases: u64 = std::env::var("CRM_POWER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let (mut losses, mut faults, mut ops, mut uncertain_kept) = (0u64, 0u64, 0u64, 0u64);
    for case in 0..cases {
        let mut rng = Rng(case.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5EED);
        let disk = PowerBackend::default();
        let mut crm = open(&disk);
        let mut model = Model::new();
        for step in 0..60u64 {
            let roll = rng.below(100);
            if roll < 15 {
                // Power loss, at a random write, length change or sync of the next operation
                // (or after it, when it makes fewer).
                disk.disk().die_in = 1 + rng.below(12) as u32;
                let (result, effect) = operate(&crm, &model, &mut rng, case * 1000 + step);
                ops += 1;
                disk.disk().dead = true;
                drop(crm);
                power_cut(&disk, &mut rng);
                losses += 1;
                crm = open(&disk);
                match result {
                    // Acknowledged before the power went: it must be there.
                    Ok(after) => {
                        check(&crm, &after, &Effect::Nothing, case, step);
                        model = after;
                    }
                    Err(_) => {
                        let (found, applied) = check(&crm, &model, &effect, case, step);
                        uncertain_kept += u64::from(applied);
                        model = found;
                    }
                }
                continue;
            }
            if roll < 30 {
                let mut d = disk.disk();
                d.fault_in = 1 + rng.below(6) as u32;
                d.full = rng.below(2) == 0;
            }
            let before = disk.disk().faults;
            let (result, effect) = operate(&crm, &model, &mut rng, case * 1000 + step);
            ops += 1;
            let faulted = disk.disk().faults > before;
            disk.disk().fault_in = 0;
            match result {
                Ok(after) => model = after,
                Err(e) => {
                    assert!(
                        faulted,
                        "case {case} step {step}: failed with no fault: {e}"
                    );
                    assert!(
                        matches!(e.code(), "io" | "storage" | "corrupt"),
                        "case {case} step {step}: {e}"
                    );
                    faults += 1;
                    // The commit may or may not have reached the file: reopen and see.
                    drop(crm);
                    crm = open(&disk);
                    let (found, applied) = check(&crm, &model, &effect, case, step);
                    uncertain_kept += u64::from(applied);
                    model = found;
                }
            }
        }
        drop(crm);
    }
    eprintln!(
        "power loss: {cases} sequences, {ops} operations, {losses} power losses and {faults} \
         failed operations survived ({uncertain_kept} of them found committed)"
    );
}

/// What comes back after the power is cut: the durable image and, in the order they were
/// made, a random subset of the writes and length changes made since the last sync.
fn power_cut(disk: &PowerBackend, rng: &mut Rng) {
    let mut d = disk.disk();
    let mut image = d.durable.clone();
    for p in d.pending.clone() {
        if rng.below(2) == 0 {
            continue;
        }
        match p {
            Pending::Len(len) => image.resize(len as usize, 0),
            Pending::Write(off, bytes) => {
                let (start, end) = (off as usize, off as usize + bytes.len());
                if image.len() < end {
                    image.resize(end, 0);
                }
                image[start..end].copy_from_slice(&bytes);
            }
        }
    }
    d.current = image.clone();
    d.durable = image;
    d.pending.clear();
    d.dead = false;
    d.die_in = 0;
}

/// The file verifies and holds `model`, or `model` with `effect` applied whole; which one it
/// holds, and whether the effect was applied.
fn check(crm: &Crm, model: &Model, effect: &Effect, case: u64, step: u64) -> (Model, bool) {
    let report = crm.verify().unwrap();
    assert!(
        report.is_ok(),
        "case {case} step {step}: {:?}",
        report.problems
    );
    let found = state(crm);
    if &found == model {
        return (found, false);
    }
    let mut with = model.clone();
    match effect {
        Effect::Nothing => {}
        Effect::Update(id, name) => {
            if model.contains_key(id) {
                with.insert(*id, name.clone());
            }
        }
        Effect::Delete(id) => {
            with.remove(id);
        }
        Effect::Create(names) => {
            let new: Vec<(ContactId, String)> = found
                .iter()
                .filter(|(id, name)| !model.contains_key(id) && names.contains(name))
                .map(|(id, name)| (*id, name.clone()))
                .collect();
            // A batch is there whole or not at all.
            if new.len() == names.len() {
                with.extend(new);
            }
        }
    }
    if found == with {
        return (found, true);
    }
    let differ = |m: &Model| {
        let mut out: Vec<String> = Vec::new();
        for (id, v) in m {
            if found.get(id) != Some(v) {
                out.push(format!("{id}: model {v:?}, file {:?}", found.get(id)));
            }
        }
        for (id, v) in &found {
            if !m.contains_key(id) {
                out.push(format!("{id}: not in the model, file {v:?}"));
            }
        }
        out
    };
    panic!(
        "case {case} step {step}: the file differs from the model: {:?}; from the model with \
         the failed operation: {:?}",
        differ(model),
        differ(&with)
    );
}
