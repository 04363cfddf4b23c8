//! Rescue: copying every readable record of a damaged file into a new one, and telling what
//! could not be saved (SQLite's `.recover` is the anchor).
//!
//! The engine here knows no domain: the API hands it the domains' checks ([`Verify`]), how
//! to take a lost record out of the records that name it (the same reactions a delete runs),
//! and what a file must hold from its creation (built-in relation types, a default pipeline).
//! In the new file's one write transaction it:
//!
//! 1. copies, table by table, every stored value that can be read ([`Store::salvage`]) and
//!    whose checksum matches, marked as the current format stores it;
//! 2. puts back what a file must hold, where it was lost;
//! 3. runs the domains' checks: a value that does not decode is left out; the records that
//!    were lost but are still named elsewhere are taken out of what names them (a deal loses
//!    a lost contact from its contacts); a record that is still inconsistent (a deal whose
//!    pipeline was lost, a stage change whose deal was lost) is left out; until nothing is
//!    found, a few rounds at most;
//! 4. writes the `index` and `search` entries the saved records call for, since the damaged
//!    file's own cannot be trusted.
//!
//! The new file then verifies clean; what the checks still find is reported.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::records::codec;
use crate::records::integrity::{self, Verifier, Verify};
use crate::records::tables;
use crate::storage::salvage::Gap;
use crate::storage::store::{AnyTx, Store, Table, WriteTx, Writer};
use crate::values::error::Result;
use crate::values::id::RecordRef;

/// What [`crate::CrmBuilder::rescue_file`] saved of a damaged file, and what it could not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RescueReport {
    /// Records (and custom field definitions, relation types, exchange rates) written to the
    /// new file.
    pub saved: u64,
    /// Stored values found damaged: a checksum that does not match, or a value that does not
    /// decode. They are not in the new file.
    pub damaged: u64,
    /// Readable records left out because they depend on records that were lost (a stage
    /// change of a lost deal, a deal whose pipeline was lost).
    pub left_out: u64,
    /// Lost records that saved records still named, taken out of them as a delete would (a
    /// deal that named a lost contact keeps its other contacts).
    pub mended: u64,
    /// Parts of tables that could not be read at all (their records are lost without being
    /// counted: how many there were cannot be known).
    pub unreadable_parts: u64,
    /// For each table of records, how many were saved and how many found damaged.
    pub tables: Vec<TableRescue>,
    /// What opening the damaged file took, in words: its header's magic number put back, a
    /// short file read as if padded, its last commit unreadable and the one before it read
    /// instead (what the last commit changed is then missing or older). Empty when it opened
    /// as it was.
    pub repairs: Vec<String>,
    /// What could not be saved, in words without personal data (records by typed id), at
    /// most a hundred; then what the new file's check still finds, if anything.
    pub problems: Vec<String>,
}

impl RescueReport {
    /// Whether everything was saved as it was: nothing damaged, left out or unreadable, and
    /// the file opened without repairs.
    pub fn is_complete(&self) -> bool {
        self.damaged == 0
            && self.left_out == 0
            && self.unreadable_parts == 0
            && self.repairs.is_empty()
    }
}

/// How much of one table a rescue saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TableRescue {
    /// The table's name (`contacts`, `deals`, …).
    pub table: String,
    /// Values written to the new file.
    pub saved: u64,
    /// Values found damaged, left out.
    pub damaged: u64,
}

/// At most this many problems are described.
const MAX_PROBLEMS: usize = 100;

/// How many rounds of checks step 3 runs at most (each round can lose records that others
/// name: a lost deal's quotes, then nothing more).
const ROUNDS: usize = 8;

/// What the API gives the rescue: the domains, and what they do.
pub(crate) struct Domains<'a> {
    /// The domains' checks, fresh for each round.
    pub(crate) checks: &'a dyn Fn() -> Vec<Box<dyn Verify>>,
    /// Takes a lost record out of every record that names it (as a delete does).
    pub(crate) forget: &'a dyn Fn(&mut WriteTx<'_>, RecordRef) -> Result<()>,
    /// Puts back what every file holds from its creation, where it is missing.
    pub(crate) restore: &'a dyn Fn(&mut WriteTx<'_>) -> Result<()>,
}

/// Copies what can be read of `source` into `w`, a transaction on a new, empty file of the
/// current schema (its tables created), and reports what was saved and lost. `unmarked`
/// says whether the source predates checksums (schema version 8 or older), whose values
/// carry none: from a newer file a value without one is damage (a damaged page read as
/// entries can hold any bytes, and a lone byte is well-formed CBOR).
pub(crate) fn rescue(
    source: &Store,
    w: &mut WriteTx<'_>,
    d: &Domains<'_>,
    unmarked: bool,
) -> Result<RescueReport> {
    let mut report = RescueReport::default();
    // Step 1: every readable value whose checksum matches.
    let mut damaged: Vec<(Table, Vec<u8>, String)> = Vec::new();
    let mut gaps: Vec<(Table, Gap)> = Vec::new();
    for t in tables::CODED {
        let mut counts = TableRescue {
            table: t.name().to_string(),
            ..TableRescue::default()
        };
        let ids = tables::MINTED.contains(&t);
        let found = source.salvage(t, &mut |key, value| {
            match readable(key, value, unmarked, ids) {
                Ok(()) => {
                    w.put(t, key, &codec::mark(key, value))?;
                    counts.saved += 1;
                }
                Err(reason) => {
                    counts.damaged += 1;
                    damaged.push((t, key.to_vec(), reason));
                }
            }
            Ok(())
        })?;
        gaps.extend(found.into_iter().map(|g| (t, g)));
        report.tables.push(counts);
    }
    // Step 2.
    (d.restore)(w)?;

    // Step 3.
    let mut undecodable: Vec<(Table, u128)> = Vec::new();
    let mut left_out: Vec<(Table, u128)> = Vec::new();
    let mut forgotten: BTreeSet<RecordRef> = BTreeSet::new();
    for _ in 0..ROUNDS {
        let v = check(w, d)?;
        let missing: Vec<RecordRef> = v.missing().difference(&forgotten).copied().collect();
        if !missing.is_empty() {
            // Taking lost records out of what names them reads the entries: this round's
            // are written first. The records it mends are checked again next round.
            v.write_entries(w)?;
            for rec in missing {
                let before = w.mutations();
                (d.forget)(w, rec)?;
                if w.mutations() > before {
                    report.mended += 1;
                }
                forgotten.insert(rec);
            }
            continue;
        }
        if v.flawed().is_empty() {
            break;
        }
        for &(table, raw) in v.flawed() {
            if !w.remove(table, &raw.to_be_bytes())? {
                continue;
            }
            if v.undecodable().contains(&(table, raw)) {
                undecodable.push((table, raw));
            } else {
                left_out.push((table, raw));
            }
        }
    }
    // Step 4.
    let v = check(w, d)?;
    v.write_entries(w)?;

    let mut problems = Vec::new();
    for (t, g) in &gaps {
        let side = |k: &Option<Vec<u8>>| {
            k.as_deref()
                .and_then(crate::storage::store::id_of_key)
                .map(|raw| v.name(*t, raw))
        };
        let place = match (side(&g.after), side(&g.before)) {
            (Some(a), Some(b)) => format!("between {a} and {b}"),
            (Some(a), None) => format!("after {a}"),
            (None, Some(b)) => format!("before {b}"),
            (None, None) => "at all".to_string(),
        };
        problems.push(format!(
            "the {} table could not be read {place}: {}",
            t.name(),
            g.reason
        ));
    }
    for (t, key, reason) in &damaged {
        let name = crate::storage::store::id_of_key(key).map_or_else(
            || format!("an entry of the {} table", t.name()),
            |raw| v.name(*t, raw),
        );
        problems.push(format!("{name} is damaged: {reason}"));
    }
    for &(t, raw) in &undecodable {
        problems.push(format!("{} is damaged: it does not decode", v.name(t, raw)));
    }
    for &(t, raw) in &left_out {
        problems.push(format!(
            "{} was left out: it depends on records that were lost",
            v.name(t, raw)
        ));
    }
    let remaining = v.report(&mut AnyTx::Write(w))?;
    problems.extend(
        remaining
            .problems
            .into_iter()
            .map(|p| format!("the new file still has a problem: {p}")),
    );

    for &(table, _) in undecodable.iter().chain(&left_out) {
        if let Some(t) = report.tables.iter_mut().find(|c| c.table == table.name()) {
            t.saved = t.saved.saturating_sub(1);
        }
    }
    for &(table, _) in &undecodable {
        if let Some(t) = report.tables.iter_mut().find(|c| c.table == table.name()) {
            t.damaged += 1;
        }
    }
    report.damaged = (damaged.len() + undecodable.len()) as u64;
    report.left_out = left_out.len() as u64;
    report.unreadable_parts = gaps.len() as u64;
    report.saved = report.tables.iter().map(|t| t.saved).sum();
    problems.truncate(MAX_PROBLEMS);
    report.problems = problems;
    Ok(report)
}

/// Runs every domain's checks over `w`.
fn check(w: &mut WriteTx<'_>, d: &Domains<'_>) -> Result<Verifier> {
    integrity::check(&mut AnyTx::Write(w), &mut (d.checks)())
}

/// Whether a stored value can be copied: its key is an id in a table of records, its checksum
/// matches (a value of a file from before checksums has none: `unmarked`), and it is one
/// well-formed CBOR item. Whether it decodes as its kind is left to the domains' checks.
fn readable(
    key: &[u8],
    value: &[u8],
    unmarked: bool,
    ids: bool,
) -> std::result::Result<(), String> {
    if ids && key.len() != 16 {
        return Err("its key is not an id".into());
    }
    if !unmarked && !codec::is_marked(value) {
        return Err("it has no checksum".into());
    }
    let cbor = codec::body("value", key, value).map_err(|e| match e {
        crate::values::error::Error::Corrupt { reason, .. } => reason,
        other => other.to_string(),
    })?;
    let mut d = minicbor::Decoder::new(cbor);
    match d.skip() {
        Ok(()) if d.position() == cbor.len() => Ok(()),
        Ok(()) => Err("a stored value has bytes after its end".into()),
        Err(e) => Err(format!("a stored value cannot be read: {e}")),
    }
}
