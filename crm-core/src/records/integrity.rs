//! A full check that the stored data agrees with itself (`Crm::verify`): every index and
//! search entry matches a record, every record has its entries, every custom value fits its
//! definition, and what each domain requires of its records holds (links point at records,
//! one primary email, a deal's history ends in its stage…).
//!
//! The engine here reads records and recomputes their entries; what a domain requires beyond
//! that is its [`Verify`], which the API gives [`verify`] for every domain. Problems are
//! described by record ids (`contact_…`) and index bytes, never by content.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use serde::{Deserialize, Serialize};

use crate::records::index::{self, Entries};
use crate::records::record::{self, Entity, Record};
use crate::records::{codec, fields};
use crate::storage::errors::contain;
use crate::storage::postings;
use crate::storage::store::{AnyTx, Flow, Reader, Table, Writer};
use crate::values::error::{Error, Result};
use crate::values::id::{RecordKind, RecordRef};

/// What [`crate::Crm::verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntegrityReport {
    /// Records checked, of every kind.
    pub records: u64,
    /// Entries of the secondary indexes.
    pub index_entries: u64,
    /// Entries of the full-text index.
    pub search_entries: u64,
    /// Each problem found, in words without personal data. Empty when all is well.
    pub problems: Vec<String>,
}

impl IntegrityReport {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The reason of an error, without where it happened (the problem says that).
fn reason_of(e: &Error) -> String {
    match e {
        Error::Corrupt { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

/// At most this many problems are described; the check goes on counting entries.
const MAX_PROBLEMS: usize = 100;

/// What one domain checks of its records, beside their index and search entries (which
/// [`Verifier::records`] checks). Implemented in each domain, given by the API to [`verify`].
pub(crate) trait Verify {
    /// Reads the domain's records through [`Verifier::records`] (or
    /// [`Verifier::entity_records`]) and tells the verifier which records of the linkable kinds
    /// exist ([`Verifier::present`]).
    fn collect(&mut self, r: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()>;
    /// Checks what the domain's records require of each other and of the records of other
    /// domains ([`Verifier::exists`]), once every domain has collected.
    fn check(&mut self, r: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()>;
}

/// How a raw id of some table is shown: as a typed id (`contact_…`).
pub(crate) type NameId = fn(u128) -> String;

/// The entries the records call for, the records present, and the report so far.
#[derive(Default)]
pub(crate) struct Verifier {
    index: BTreeSet<Vec<u8>>,
    search: BTreeMap<Vec<u8>, u8>,
    present: HashMap<RecordKind, BTreeSet<u128>>,
    /// How to name an id of each record table, for problems found in the tables.
    names: Vec<(Table, NameId)>,
    /// The records found damaged or inconsistent, by table and raw id (a rescue leaves them
    /// out; see [`Verifier::flaw`]).
    flawed: Vec<(Table, u128)>,
    /// The stored values that do not decode, by table and raw id (also in `flawed`).
    undecodable: Vec<(Table, u128)>,
    /// The records of the linkable kinds that some record names and that do not exist.
    missing: BTreeSet<RecordRef>,
    report: IntegrityReport,
}

impl Verifier {
    /// Notes a problem (in words without personal data).
    pub(crate) fn problem(&mut self, p: impl Into<String>) {
        if self.report.problems.len() < MAX_PROBLEMS {
            self.report.problems.push(p.into());
        }
    }

    /// Notes a problem of one record that makes it inconsistent (it names records that do not
    /// exist, its stage is not in its pipeline…): a rescue leaves such a record out.
    pub(crate) fn flaw<R: Record>(&mut self, rec: &R, p: impl Into<String>) {
        self.flawed.push((R::TABLE, rec.raw_id()));
        self.problem(p);
    }

    /// The records found damaged or inconsistent so far, by table and raw id.
    pub(crate) fn flawed(&self) -> &[(Table, u128)] {
        &self.flawed
    }

    /// The stored values found not to decode, by table and raw id.
    pub(crate) fn undecodable(&self) -> &[(Table, u128)] {
        &self.undecodable
    }

    /// The records of the linkable kinds that records named and that do not exist.
    pub(crate) fn missing(&self) -> &BTreeSet<RecordRef> {
        &self.missing
    }

    /// An id of `table` as a typed id (`contact_…`) when a domain told how to name it.
    pub(crate) fn name(&self, table: Table, raw: u128) -> String {
        self.names.iter().find(|(t, _)| *t == table).map_or_else(
            || format!("an entry of the {} table", table.name()),
            |(_, n)| n(raw),
        )
    }

    /// Every record of kind `R`, in id order, with the entries each calls for noted.
    ///
    /// A record that does not decode is a problem naming its id, and the check goes on; so is
    /// a table whose pages cannot be walked to the end (the records read before are kept).
    pub(crate) fn records<R: Record>(&mut self, r: &mut impl Reader) -> Result<Vec<R>> {
        let mut all = Vec::new();
        self.walk(r, R::TABLE, R::ID_PREFIX, &mut |raw, bytes| {
            let mut rec: R = codec::decode(R::NAME, &raw.to_be_bytes(), bytes)?;
            rec.set_raw_id(raw);
            all.push(rec);
            Ok(())
        })?;
        for rec in &all {
            self.report.records += 1;
            self.add(record::entries_of(rec));
        }
        Ok(all)
    }

    /// Decodes every value of `table` through `decode` (a trait object, so that this is
    /// compiled once rather than once per kind); what does not decode, and a table that cannot
    /// be walked to its end, are problems.
    fn walk(
        &mut self,
        r: &mut impl Reader,
        table: Table,
        prefix: &'static str,
        decode: &mut dyn FnMut(u128, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let mut damaged = Vec::new();
        let mut flawed = Vec::new();
        let walked = contain(|| {
            r.scan(
                table,
                (Bound::Unbounded, Bound::Unbounded),
                false,
                |key, bytes| {
                    match index::id_of_key(key) {
                        None => damaged
                            .push(format!("a key of the {} table is not an id", table.name())),
                        Some(raw) => {
                            if let Err(e) = decode(raw, bytes) {
                                flawed.push((table, raw));
                                damaged.push(format!(
                                    "{}: {}",
                                    crate::values::id::id_text(prefix, raw),
                                    reason_of(&e)
                                ));
                            }
                        }
                    }
                    Ok(Flow::Continue(()))
                },
            )
        });
        for p in damaged {
            self.problem(p);
        }
        self.flawed.extend(flawed.iter().copied());
        self.undecodable.extend(flawed);
        match walked {
            Ok(()) => Ok(()),
            Err(e @ Error::Corrupt { .. }) => {
                self.problem(format!(
                    "the {} table cannot be read to its end: {}",
                    table.name(),
                    reason_of(&e)
                ));
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    /// [`Verifier::records`] for a kind with custom fields, whose values are checked against
    /// the kind's definitions.
    pub(crate) fn entity_records<R: Entity>(&mut self, r: &mut impl Reader) -> Result<Vec<R>> {
        let defs = fields::defs(r, R::KIND)?;
        let all = self.records::<R>(r)?;
        for rec in &all {
            match fields::check_values(&defs, rec.custom_fields()) {
                Ok(v) if &v == rec.custom_fields() => {}
                _ => self.problem(format!(
                    "{} has custom values that do not fit their definitions",
                    RecordRef::from_parts(R::KIND, rec.raw_id())
                )),
            }
        }
        Ok(all)
    }

    /// Tells the verifier that the records `ids` of `kind` exist, for [`Verifier::exists`].
    pub(crate) fn present(&mut self, kind: RecordKind, ids: impl IntoIterator<Item = u128>) {
        self.present.entry(kind).or_default().extend(ids);
    }

    /// Whether a record of one of the linkable kinds exists (as the domains told); one that
    /// does not is noted as missing.
    pub(crate) fn exists(&mut self, rec: RecordRef) -> bool {
        let found = self
            .present
            .get(&rec.kind())
            .is_some_and(|ids| ids.contains(&rec.raw()));
        if !found {
            self.missing.insert(rec);
        }
        found
    }

    /// Tells the verifier how to name an id of `table` (a typed id, `contact_…`) in problems.
    pub(crate) fn name_ids(&mut self, table: Table, name: NameId) {
        self.names.push((table, name));
    }

    fn add(&mut self, e: Entries) {
        for (term, classes) in e.terms() {
            let mut key = term.to_vec();
            key.extend_from_slice(&e.id().to_be_bytes());
            *self.search.entry(key).or_insert(0) |= classes;
        }
        self.index.extend(e.index);
    }

    /// How an id appears in a problem: as the typed id of the record holding it, when one
    /// does.
    fn name_of(&self, r: &mut impl Reader, raw: u128) -> Result<String> {
        for &(table, name) in &self.names {
            if r.contains(table, &raw.to_be_bytes())? {
                return Ok(name(raw));
            }
        }
        Ok("a record that does not exist".into())
    }

    /// Makes the `index` and `search` tables hold exactly the entries the records call for:
    /// what is missing is added, what no record calls for is removed.
    pub(crate) fn write_entries(&self, w: &mut impl Writer) -> Result<()> {
        let mut extra = Vec::new();
        let mut found = BTreeSet::new();
        w.scan_prefix(Table::INDEX, &[], false, |k, _| {
            if self.index.contains(k) {
                found.insert(k.to_vec());
            } else {
                extra.push(k.to_vec());
            }
            Ok(Flow::Continue(()))
        })?;
        for k in extra {
            w.index_remove(&k)?;
        }
        for k in self.index.iter().filter(|k| !found.contains(*k)) {
            w.index_add(k)?;
        }
        let mut current: BTreeMap<Vec<u8>, u8> = BTreeMap::new();
        postings::scan(w, &[], |term, id, classes| {
            let mut key = term.to_vec();
            key.push(0);
            key.extend_from_slice(&id.to_be_bytes());
            current.insert(key, classes);
            Ok(Flow::Continue(()))
        })?;
        let split = |key: &[u8]| -> (usize, u128) {
            let at = key.len().saturating_sub(16);
            (at, index::id_of_key(key).unwrap_or(0))
        };
        for key in current.keys().filter(|k| !self.search.contains_key(*k)) {
            let (at, id) = split(key);
            w.post(&key[..at], id, postings::REMOVE)?;
        }
        for (key, &classes) in &self.search {
            if current.get(key) != Some(&classes) {
                let (at, id) = split(key);
                w.post(&key[..at], id, classes)?;
            }
        }
        Ok(())
    }

    /// The report of a full check: [`Verifier::compare_tables`].
    pub(crate) fn report(self, r: &mut impl Reader) -> Result<IntegrityReport> {
        self.compare_tables(r)
    }

    /// Compares the entries the records call for with the `index` and `search` tables.
    fn compare_tables(mut self, r: &mut impl Reader) -> Result<IntegrityReport> {
        let mut extra_index = 0u64;
        let mut found_index = BTreeSet::new();
        r.scan_prefix(Table::INDEX, &[], false, |k, _| {
            if !self.index.contains(k) {
                extra_index += 1;
            }
            found_index.insert(k.to_vec());
            Ok(Flow::Continue(()))
        })?;
        self.report.index_entries = found_index.len() as u64;
        let missing: Vec<Vec<u8>> = self
            .index
            .iter()
            .filter(|k| !found_index.contains(*k))
            .take(MAX_PROBLEMS)
            .cloned()
            .collect();
        for k in missing {
            let owner = self.name_of(r, index::id_of_key(&k).unwrap_or(0))?;
            self.problem(format!(
                "missing index {:#04x} entry of {owner}",
                k.first().copied().unwrap_or(0)
            ));
        }
        if extra_index > 0 {
            self.problem(format!("{extra_index} index entries match no record"));
        }

        let mut found_search: BTreeMap<Vec<u8>, u8> = BTreeMap::new();
        let mut key = Vec::new();
        let mut out_of_order = 0u64;
        postings::scan(r, &[], |term, id, classes| {
            key.clear();
            key.extend_from_slice(term);
            key.push(0);
            key.extend_from_slice(&id.to_be_bytes());
            // Postings come in key order; blocks of one term that overlap break that.
            if found_search
                .last_key_value()
                .is_some_and(|(last, _)| *last >= key)
            {
                out_of_order += 1;
            }
            found_search.insert(key.clone(), classes);
            Ok(Flow::Continue(()))
        })?;
        if out_of_order > 0 {
            self.problem(format!(
                "{out_of_order} search postings are out of order (their blocks overlap)"
            ));
        }
        self.report.search_entries = found_search.len() as u64;
        if found_search != self.search {
            let missing = self
                .search
                .keys()
                .filter(|k| !found_search.contains_key(*k))
                .count();
            let extra = found_search
                .keys()
                .filter(|k| !self.search.contains_key(*k))
                .count();
            self.problem(format!(
                "the search index disagrees with the records: {missing} entries missing, {extra} extra, the rest differ in fields"
            ));
        }
        Ok(self.report)
    }
}

/// Checks the whole file: each domain collects its records, then checks them, then the
/// `index` and `search` tables are compared with the entries the records call for.
pub(crate) fn verify(
    r: &mut AnyTx<'_, '_>,
    domains: &mut [Box<dyn Verify>],
) -> Result<IntegrityReport> {
    check(r, domains)?.compare_tables(r)
}

/// Each domain collects its records, then checks them; the verifier then holds the entries
/// the records call for and what was found.
pub(crate) fn check(r: &mut AnyTx<'_, '_>, domains: &mut [Box<dyn Verify>]) -> Result<Verifier> {
    let mut v = Verifier::default();
    for d in domains.iter_mut() {
        d.collect(r, &mut v)?;
    }
    for d in domains.iter_mut() {
        d.check(r, &mut v)?;
    }
    Ok(v)
}
