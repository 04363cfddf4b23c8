//! The storage layer: the only module that speaks to redb.
//!
//! Every table maps byte keys to byte values. Record tables are keyed by the 16 big-endian
//! bytes of the id (so they iterate in creation order); the `index` table holds every
//! secondary index as composite keys with an empty value, one leading byte naming the index
//! (see `index.rs`); the `search` table holds the full-text terms as posting lists (see
//! `postings.rs`). The domain code reads
//! through [`Reader`] and writes through [`Writer`], implemented by a read snapshot and by a
//! write transaction alike, so that a query runs unchanged inside a batch.

use std::any::Any;
use std::collections::BTreeMap;
use std::ops::{Bound, ControlFlow};
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};

use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition, TableHandle};

use crate::storage::errors::{Unwinding, contain};
#[cfg(not(target_arch = "wasm32"))]
use crate::storage::files;
use crate::storage::held::{self, HeldIndex};
use crate::storage::postings;
use crate::storage::recent::{self, Recent};
use crate::values::error::{Error, Result};

/// What a scan callback returns: go on, or stop early.
pub(crate) type Flow = ControlFlow<()>;

/// A table of a CRM file: its name in the file, and its slot among the tables a transaction
/// keeps open. The storage layer declares its own four ([`Table::META`], [`Table::INDEX`],
/// [`Table::SEARCH`], [`Table::RECENT`]); the tables of records are declared above it
/// (`records/tables.rs`), which also checks that no two tables share a name or a slot.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table {
    name: &'static str,
    slot: u8,
}

/// How many tables a file may have: the slots of the tables a transaction keeps open.
pub(crate) const MAX_TABLES: usize = 32;

impl PartialEq for Table {
    fn eq(&self, other: &Table) -> bool {
        self.slot == other.slot
    }
}

impl Eq for Table {}

impl Table {
    /// A table named `name` in the file, kept open in slot `slot` (below [`MAX_TABLES`],
    /// unique in the file).
    pub(crate) const fn new(name: &'static str, slot: u8) -> Table {
        assert!((slot as usize) < MAX_TABLES, "a table slot is out of range");
        Table { name, slot }
    }

    /// Schema version and other file-wide settings.
    pub(crate) const META: Table = Table::new("meta", 0);
    /// Every secondary index, one leading byte per index.
    pub(crate) const INDEX: Table = Table::new("index", 7);
    /// Full-text search terms, as posting lists (see `postings.rs`).
    pub(crate) const SEARCH: Table = Table::new("search", 8);
    /// The index and posting changes of recent small commits (see `recent.rs`).
    pub(crate) const RECENT: Table = Table::new("recent", 20);

    /// The tables of the storage layer itself.
    #[cfg(test)]
    pub(crate) const OWN: [Table; 4] = [Table::META, Table::INDEX, Table::SEARCH, Table::RECENT];

    /// The name of the table in the file.
    pub(crate) fn name(self) -> &'static str {
        self.name
    }

    /// The slot of the table among those a transaction keeps open.
    pub(crate) fn slot(self) -> usize {
        usize::from(self.slot)
    }

    fn def(self) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
        TableDefinition::new(self.name)
    }
}

/// A value decoded from a table that a write transaction keeps for later reads, until that
/// table is written ([`Reader::kept`]).
pub(crate) type Kept = Arc<dyn Any + Send + Sync>;

/// Read access, shared by snapshots and write transactions.
pub(crate) trait Reader {
    /// Calls `f` with the value stored under `key`, if any.
    fn get<T>(
        &mut self,
        t: Table,
        key: &[u8],
        f: impl FnOnce(&[u8]) -> Result<T>,
    ) -> Result<Option<T>>;

    /// Calls `f` for each entry in `range`, in key order (or reverse), until it breaks.
    fn scan(
        &mut self,
        t: Table,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        reverse: bool,
        f: impl FnMut(&[u8], &[u8]) -> Result<Flow>,
    ) -> Result<()>;

    /// The number of entries of a table (kept by redb in the tree header: constant time). For
    /// the `index` and `search` tables, without the recent changes not yet folded into them.
    fn len(&mut self, t: Table) -> Result<u64>;

    /// The recent changes not yet folded into the `index` and `search` tables (see
    /// `recent.rs`), as reads of the `search` table see them (a write transaction first writes
    /// the postings it holds, folding the recent changes in). Reads of the `index` table merge
    /// them already; posting-list readers ([`postings::scan`]) merge their postings.
    fn recent(&mut self) -> Result<Arc<Recent>>;

    /// The value kept under `key` for table `t` by this reader, if any. A write transaction
    /// keeps what [`Reader::keep`] offers it (decoded values that every write reads, such as a
    /// record kind's custom field definitions) until it writes `t`; a snapshot keeps none.
    fn kept(&mut self, _t: Table, _key: u8) -> Option<Kept> {
        None
    }

    /// Offers `value`, just decoded from table `t`, for keeping under `key`.
    fn keep(&mut self, _t: Table, _key: u8, _value: Kept) {}

    /// Whether `key` is present.
    fn contains(&mut self, t: Table, key: &[u8]) -> Result<bool> {
        Ok(self.get(t, key, |_| Ok(()))?.is_some())
    }

    /// Calls `f` for each entry whose key starts with `prefix`.
    fn scan_prefix(
        &mut self,
        t: Table,
        prefix: &[u8],
        reverse: bool,
        f: impl FnMut(&[u8], &[u8]) -> Result<Flow>,
    ) -> Result<()> {
        let end = prefix_end(prefix);
        let upper = match &end {
            Some(end) => Bound::Excluded(end.as_slice()),
            None => Bound::Unbounded,
        };
        self.scan(t, (Bound::Included(prefix), upper), reverse, f)
    }

    /// Calls `f` for each `index` entry of `group`, in key order: the keys of one value, which
    /// are `group` followed by a record id (a text value with its closing `0x00`, or a
    /// fixed-width value), so that no key of another group starts with it. A write
    /// transaction then searches its held changes only when they may hold the group (see
    /// [`HeldIndex::may_hold_group`]).
    fn scan_group(
        &mut self,
        group: &[u8],
        f: impl FnMut(&[u8], &[u8]) -> Result<Flow>,
    ) -> Result<()> {
        self.scan_prefix(Table::INDEX, group, false, f)
    }
}

/// Write access: only a write transaction has it.
pub(crate) trait Writer: Reader {
    /// Stores `value` under `key`, replacing what was there; returns whether a value was
    /// replaced.
    fn put(&mut self, t: Table, key: &[u8], value: &[u8]) -> Result<bool>;
    /// Removes `key`; returns whether it was present.
    fn remove(&mut self, t: Table, key: &[u8]) -> Result<bool>;
    /// How many puts, removes and posts this transaction has made so far.
    fn mutations(&self) -> u64;
    /// Adds an entry (with an empty value) to the `index` table. Like [`Writer::post`], the
    /// change is held by the transaction and written in key order at commit (or when many are
    /// held); reads in the transaction see it at once.
    fn index_add(&mut self, key: &[u8]) -> Result<()>;
    /// Removes an entry from the `index` table, held like [`Writer::index_add`].
    fn index_remove(&mut self, key: &[u8]) -> Result<()>;
    /// Records that the record `id` holds the search term `term` (`[kind][term][0x00]`) in the
    /// fields `classes`, or no longer holds it when `classes` is [`postings::REMOVE`]. The
    /// change reaches the `search` table's posting lists before anything reads that table and
    /// at the latest when the transaction commits.
    fn post(&mut self, term: &[u8], id: u128, classes: u8) -> Result<()>;
}

/// The smallest key greater than every key starting with `prefix`, or `None` when there is
/// none (the prefix is empty or all `0xFF`).
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xFF {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

fn get_in<T: ReadableTable<&'static [u8], &'static [u8]>, V>(
    table: &T,
    key: &[u8],
    f: impl FnOnce(&[u8]) -> Result<V>,
) -> Result<Option<V>> {
    match table.get(key)? {
        Some(v) => f(v.value()).map(Some),
        None => Ok(None),
    }
}

/// What a scan calls with each key and value, until it breaks.
type Visit<'f> = dyn FnMut(&[u8], &[u8]) -> Result<Flow> + 'f;

/// Calls `f` with the entries of `range` in `table`, until it breaks. `f` is a trait object,
/// as in [`scan_merged`]: generic, these two were compiled once per caller's closure, 130
/// copies and 150 KB of the WebAssembly build.
fn scan_table<T: ReadableTable<&'static [u8], &'static [u8]>>(
    table: &T,
    range: (Bound<&[u8]>, Bound<&[u8]>),
    reverse: bool,
    f: &mut Visit<'_>,
) -> Result<()> {
    if range_is_empty(&range) {
        return Ok(());
    }
    let iter = table.range::<&[u8]>(range)?;
    if reverse {
        for item in iter.rev() {
            let (k, v) = item?;
            if f(k.value(), v.value())?.is_break() {
                break;
            }
        }
    } else {
        for item in iter {
            let (k, v) = item?;
            if f(k.value(), v.value())?.is_break() {
                break;
            }
        }
    }
    Ok(())
}

// redb panics on a range whose start lies after its end; such a range is simply empty.
pub(crate) fn range_is_empty(range: &(Bound<&[u8]>, Bound<&[u8]>)) -> bool {
    match range {
        (Bound::Included(a), Bound::Included(b)) => a > b,
        (Bound::Included(a), Bound::Excluded(b))
        | (Bound::Excluded(a), Bound::Included(b))
        | (Bound::Excluded(a), Bound::Excluded(b)) => a >= b,
        _ => false,
    }
}

/// A consistent read-only snapshot of the database.
pub(crate) struct ReadTx {
    tx: redb::ReadTransaction,
    tables: [Option<redb::ReadOnlyTable<&'static [u8], &'static [u8]>>; MAX_TABLES],
    /// The recent changes as of this snapshot.
    recent: Arc<Recent>,
    /// The store's [`Idle::generation`] when the snapshot began.
    generation: u64,
}

impl ReadTx {
    fn table(&mut self, t: Table) -> Result<&redb::ReadOnlyTable<&'static [u8], &'static [u8]>> {
        let slot = &mut self.tables[t.slot()];
        if slot.is_none() {
            *slot = Some(self.tx.open_table(t.def())?);
        }
        slot.as_ref()
            .ok_or_else(|| Error::storage("table not open"))
    }
}

impl ReadTx {
    /// [`Reader::scan`] with `f` as a trait object, compiled once rather than once per
    /// caller's closure (as [`scan_table`]).
    fn scan_dyn(
        &mut self,
        t: Table,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        reverse: bool,
        f: &mut Visit<'_>,
    ) -> Result<()> {
        if t == Table::INDEX && !self.recent.index.is_empty() {
            let recent = Arc::clone(&self.recent);
            let held = held::map_range(&recent.index, range, reverse);
            return scan_merged(self.table(t)?, held, range, reverse, f);
        }
        scan_table(self.table(t)?, range, reverse, f)
    }
}

impl Reader for ReadTx {
    fn get<T>(
        &mut self,
        t: Table,
        key: &[u8],
        f: impl FnOnce(&[u8]) -> Result<T>,
    ) -> Result<Option<T>> {
        if t == Table::INDEX {
            match self.recent.index.get(key) {
                Some(true) => return f(&[]).map(Some),
                Some(false) => return Ok(None),
                None => {}
            }
        }
        get_in(self.table(t)?, key, f)
    }

    fn scan(
        &mut self,
        t: Table,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        reverse: bool,
        mut f: impl FnMut(&[u8], &[u8]) -> Result<Flow>,
    ) -> Result<()> {
        self.scan_dyn(t, range, reverse, &mut f)
    }

    fn len(&mut self, t: Table) -> Result<u64> {
        Ok(self.table(t)?.len()?)
    }

    fn recent(&mut self) -> Result<Arc<Recent>> {
        Ok(Arc::clone(&self.recent))
    }
}

/// A read snapshot or a write transaction, read through one type. The read operations of a
/// snapshot and of a batch run on it, so that each read (a listing, a search, a report) is
/// compiled once for both kinds of transaction rather than once for each: in the WebAssembly
/// build, reading in a batch from JavaScript had doubled the read code (296 KB raw, 38 KB
/// gzipped).
pub(crate) enum AnyTx<'a, 't> {
    /// A snapshot of the last commit.
    Read(&'a mut ReadTx),
    /// A write transaction, read with what it has written.
    Write(&'a mut WriteTx<'t>),
}

impl Reader for AnyTx<'_, '_> {
    fn get<T>(
        &mut self,
        t: Table,
        key: &[u8],
        f: impl FnOnce(&[u8]) -> Result<T>,
    ) -> Result<Option<T>> {
        match self {
            AnyTx::Read(r) => r.get(t, key, f),
            AnyTx::Write(w) => w.get(t, key, f),
        }
    }

    fn scan(
        &mut self,
        t: Table,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        reverse: bool,
        f: impl FnMut(&[u8], &[u8]) -> Result<Flow>,
    ) -> Result<()> {
        match self {
            AnyTx::Read(r) => r.scan(t, range, reverse, f),
            AnyTx::Write(w) => w.scan(t, range, reverse, f),
        }
    }

    fn len(&mut self, t: Table) -> Result<u64> {
        match self {
            AnyTx::Read(r) => r.len(t),
            AnyTx::Write(w) => w.len(t),
        }
    }

    fn recent(&mut self) -> Result<Arc<Recent>> {
        match self {
            AnyTx::Read(r) => r.recent(),
            AnyTx::Write(w) => w.recent(),
        }
    }

    fn kept(&mut self, t: Table, key: u8) -> Option<Kept> {
        match self {
            AnyTx::Read(r) => r.kept(t, key),
            AnyTx::Write(w) => w.kept(t, key),
        }
    }

    fn keep(&mut self, t: Table, key: u8, value: Kept) {
        match self {
            AnyTx::Read(r) => r.keep(t, key, value),
            AnyTx::Write(w) => w.keep(t, key, value),
        }
    }

    fn scan_group(
        &mut self,
        group: &[u8],
        f: impl FnMut(&[u8], &[u8]) -> Result<Flow>,
    ) -> Result<()> {
        match self {
            AnyTx::Read(r) => r.scan_group(group, f),
            AnyTx::Write(w) => w.scan_group(group, f),
        }
    }
}

/// How many search postings a transaction collects before merging them into the table: about
/// 128 MiB of changes (64 MiB on 32-bit targets such as WebAssembly, whose whole address
/// space is 4 GiB), so that a bulk import of any size runs in bounded memory.
///
/// When they are many next to the `search` table, they go to a table of their own (a spill,
/// see [`WriteTx::spill_postings`]) and are merged once, at the end. Before spills each
/// early write merged into a larger table: at a million contacts, twice this bound and four
/// times [`INDEX_HELD`]'s had taken the import from 62.2 to 54.6 s for 600 MiB more peak
/// memory, but doubling it again made no difference (39.7/39.0 s against 40.0/38.8).
#[cfg(target_pointer_width = "64")]
const POSTINGS_HELD: usize = 1 << 22;
#[cfg(not(target_pointer_width = "64"))]
const POSTINGS_HELD: usize = 1 << 21;

/// How many `index` changes a transaction holds before writing them: packed (`held.rs`), about
/// 800 MiB (100 MiB on 32-bit targets); see [`POSTINGS_HELD`].
///
/// An import of a million contacts makes 11.1 million; at half this bound it wrote them
/// early once, and its last flush then wrote the table anew over those. Holding them all
/// took that import from 41.7/44.8/43.0 s to 39.1/39.5/39.0 s (interleaved runs) for about
/// 150 MB more peak memory (1.39–1.53 GB, from 1.24–1.35), about what merging the held runs
/// in place had saved.
#[cfg(target_pointer_width = "64")]
const INDEX_HELD: usize = 1 << 24;
#[cfg(not(target_pointer_width = "64"))]
const INDEX_HELD: usize = 1 << 21;

/// The name of a transaction's `n`th spill of search postings ([`WriteTx::spill_postings`]).
fn spill_name(n: usize) -> String {
    format!("search.spill.{n}")
}

/// A table of a write transaction, as redb opens it.
type RedbTable<'t> = redb::Table<'t, &'static [u8], &'static [u8]>;

/// The tables of one write transaction, opened on first use, the search postings it has
/// collected but not yet merged (see `postings.rs`), and the `index` changes it holds.
///
/// Index entries are written at commit, sorted, rather than as each record is saved: each leaf
/// is touched in one pass, an import into an empty index appends to the B-tree (which fills
/// its leaves), and many changes to a large table are written by writing it anew
/// ([`WriteTx::rewrite`]), where random inserts would leave leaves half full after splits.
/// Reads in the transaction merge the held changes with the recent changes and the table.
///
/// At commit ([`WriteTx::finish`]), a small transaction adds what it holds to the recent
/// changes; a large one, or one that had to write to the `index` or `search` table directly
/// (to read posting lists it changed, say), first folds the recent changes in, then writes
/// everything to the tables.
pub(crate) struct WriteTx<'t> {
    tx: &'t redb::WriteTransaction,
    tables: [Option<Unwinding<RedbTable<'t>>>; MAX_TABLES],
    mutations: u64,
    postings: foldhash::HashMap<Vec<u8>, Vec<postings::Change>>,
    postings_held: usize,
    /// Held `index` changes: key → present (added) or not (removed).
    index: HeldIndex,
    /// Values decoded from tables, by table and key, until that table is written
    /// ([`Reader::kept`]).
    kept: Vec<(Table, u8, Kept)>,
    /// The recent changes not folded into the tables; empty once folded.
    recent: Arc<Recent>,
    /// Whether this transaction folded the recent changes into what it holds, so that the
    /// `recent` table must be emptied at commit.
    folded: bool,
    /// Whether this transaction wrote `index` or `search` changes to the tables directly.
    direct: bool,
    /// Whether an earlier flush merged many changes into the `index` (0) or `search` (1)
    /// table in place, so that the last one writes it anew.
    spilled: [bool; 2],
    /// How many tables of earlier postings flushes (spills, see [`WriteTx::spill_postings`])
    /// are waiting to be merged into the `search` table.
    spills: usize,
    limits: Limits,
}

/// What a [`WriteTx`] holds between two calls of an [`OpenWrite`]: everything but its tables,
/// which borrow the redb transaction and are opened again by the next call.
struct Held {
    mutations: u64,
    postings: foldhash::HashMap<Vec<u8>, Vec<postings::Change>>,
    postings_held: usize,
    index: HeldIndex,
    kept: Vec<(Table, u8, Kept)>,
    recent: Arc<Recent>,
    folded: bool,
    direct: bool,
    spilled: [bool; 2],
    spills: usize,
    limits: Limits,
}

/// A write transaction that outlives one call: the redb transaction, and between calls what
/// its [`WriteTx`] holds. [`OpenWrite::run`] runs a body on it; [`Store::commit`] ends it.
/// Dropped without being committed, it is rolled back.
pub(crate) struct OpenWrite {
    /// Always present until [`Store::commit`] or the drop takes it.
    tx: Option<redb::WriteTransaction>,
    held: Option<Held>,
}

impl Drop for OpenWrite {
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take() {
            give_up(tx);
        }
    }
}

/// Rolls `tx` back, under [`contain`]: redb's rollback writes the allocator's state back and
/// can panic on a damaged file (found by the `open_bytes` fuzz target: a migration on open
/// that failed on a damaged record, then panicked while rolling back). A failure or a panic
/// there leaves nothing behind: uncommitted pages are never visible.
fn give_up(tx: redb::WriteTransaction) {
    let _ = contain(move || Ok(tx.abort()?));
}

impl OpenWrite {
    /// Runs `f` on the transaction, with its tables opened as `f` needs them (and closed when
    /// it returns: a body that runs many operations should run them in one call).
    pub(crate) fn run(&mut self, f: &mut dyn FnMut(&mut WriteTx<'_>) -> Result<()>) -> Result<()> {
        let held = self
            .held
            .take()
            .ok_or_else(|| Error::storage("a write transaction was used after it failed"))?;
        let tx = self
            .tx
            .as_ref()
            .ok_or_else(|| Error::storage("a write transaction was used after it ended"))?;
        // After a panic the transaction is given up: `held` stays empty.
        let (result, held) = contain(|| {
            let mut w = WriteTx::resume(tx, held);
            let result = f(&mut w);
            Ok((result, w.suspend()))
        })?;
        self.held = Some(held);
        result
    }

    /// How many puts, removes and posts the transaction has made so far.
    pub(crate) fn mutations(&self) -> u64 {
        self.held.as_ref().map_or(0, |h| h.mutations)
    }
}

/// When a write transaction folds the recent changes, and when it writes a table anew.
#[derive(Clone, Copy)]
struct Limits {
    /// How many recent changes may be held before they are folded into the tables.
    recent_max: usize,
    /// Changes to a table are written by writing it anew when they number at least its
    /// entries divided by this; never when it is 0 (see [`WriteTx::rewrite`]).
    rewrite_share: u64,
    /// How many `index` changes a transaction holds before writing them.
    index_held: usize,
    /// How many of the newest held `index` changes are kept in a map (see `held.rs`).
    index_fresh: usize,
    /// How many search postings a transaction collects before merging them.
    postings_held: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            recent_max: recent::MAX,
            rewrite_share: 16,
            index_held: INDEX_HELD,
            index_fresh: held::FRESH,
            postings_held: POSTINGS_HELD,
        }
    }
}

/// What a committed write transaction does to the recent changes.
pub(crate) enum RecentAfter {
    /// They stay as they were.
    Same,
    /// These changes join them.
    Add(u64, Vec<u8>),
    /// They were folded into the tables: none are left.
    Folded,
}

impl<'t> WriteTx<'t> {
    /// A write transaction on `tx` that holds what `held` held, with no table open yet.
    fn resume(tx: &'t redb::WriteTransaction, held: Held) -> Self {
        let Held {
            mutations,
            postings,
            postings_held,
            index,
            kept,
            recent,
            folded,
            direct,
            spilled,
            spills,
            limits,
        } = held;
        WriteTx {
            tx,
            tables: [const { None }; MAX_TABLES],
            mutations,
            postings,
            postings_held,
            index,
            kept,
            recent,
            folded,
            direct,
            spilled,
            spills,
            limits,
        }
    }

    /// What the transaction holds, its tables closed.
    fn suspend(self) -> Held {
        let WriteTx {
            tx: _,
            tables: _,
            mutations,
            postings,
            postings_held,
            index,
            kept,
            recent,
            folded,
            direct,
            spilled,
            spills,
            limits,
        } = self;
        Held {
            mutations,
            postings,
            postings_held,
            index,
            kept,
            recent,
            folded,
            direct,
            spilled,
            spills,
            limits,
        }
    }

    fn new(tx: &'t redb::WriteTransaction, recent: Arc<Recent>, limits: Limits) -> Self {
        WriteTx {
            tx,
            tables: [const { None }; MAX_TABLES],
            mutations: 0,
            postings: foldhash::HashMap::default(),
            postings_held: 0,
            index: HeldIndex::new(limits.index_fresh),
            kept: Vec::new(),
            recent,
            folded: false,
            direct: false,
            spilled: [false; 2],
            spills: 0,
            limits,
        }
    }

    /// Writes what the transaction holds (index changes and search postings), with the recent
    /// changes folded in.
    ///
    /// This is the transaction's last flush: a table that earlier flushes merged many changes
    /// into in place is written anew (see [`WriteTx::rewrite`]).
    pub(crate) fn flush(&mut self) -> Result<()> {
        self.write_index(true)?;
        self.write_postings(true)
    }

    /// Moves the recent changes under the ones this transaction holds (which are newer), so
    /// that writing what it holds writes them too, and the tables can be written directly.
    fn fold(&mut self) {
        if self.folded {
            return;
        }
        self.folded = true;
        self.direct = true;
        if self.recent.is_empty() {
            return;
        }
        let recent = std::mem::take(&mut self.recent);
        self.index.insert_older(&recent.index);
        let mut by_term: BTreeMap<&[u8], Vec<postings::Change>> = BTreeMap::new();
        for (key, &classes) in &recent.postings {
            if let Ok((term, id)) = recent::split_posting_key(key) {
                // The term with its 0x00, as `post` receives it.
                let term = &key[..term.len() + 1];
                by_term.entry(term).or_default().push((id, classes));
            }
        }
        for (term, mut changes) in by_term {
            self.postings_held += changes.len();
            match self.postings.get_mut(term) {
                Some(held) => {
                    changes.append(held);
                    *held = changes;
                }
                None => {
                    self.postings.insert(term.to_vec(), changes);
                }
            }
        }
    }

    /// Ends the transaction before its commit: adds what it holds to the recent changes (as a
    /// value of the `recent` table) when that keeps them under the store's limit, else writes
    /// everything, recent changes included, to the tables and empties the `recent` table.
    pub(crate) fn finish(mut self) -> Result<RecentAfter> {
        let held = self.index.len() + self.postings_held;
        if !self.direct && held + self.recent.len() <= self.limits.recent_max {
            if held == 0 {
                return Ok(RecentAfter::Same);
            }
            let mut value = Vec::new();
            for (key, present) in self
                .index
                .range((Bound::Unbounded, Bound::Unbounded), false)
            {
                recent::encode_index(&mut value, key, present);
            }
            for (term, changes) in &self.postings {
                for &(id, classes) in changes {
                    recent::encode_posting(&mut value, term, id, classes);
                }
            }
            let key = self.recent.last + 1;
            self.table(Table::RECENT)?
                .insert(&key.to_be_bytes()[..], value.as_slice())?;
            return Ok(RecentAfter::Add(key, value));
        }
        let had_commits = self.recent.commits > 0 || self.folded;
        self.fold();
        self.flush()?;
        if had_commits {
            self.table(Table::RECENT)?.retain(|_, _| false)?;
        }
        Ok(RecentAfter::Folded)
    }

    /// Writes the held `index` changes in key order, before the transaction's last flush.
    fn flush_index(&mut self) -> Result<()> {
        self.write_index(false)
    }

    /// Writes the held `index` changes in key order: in place when they are few next to the
    /// table or more may follow, else (and at the `last` flush after large merges in place) by
    /// writing the table anew (see [`WriteTx::rewrite`]).
    fn write_index(&mut self, last: bool) -> Result<()> {
        self.fold();
        if self.index.is_empty() && !(last && self.spilled[0]) {
            return Ok(());
        }
        let held = self.index.take();
        if self.anew(Table::INDEX, held.len(), last)? {
            return self.rewrite(Table::INDEX, |old, out| {
                let mut held = held.iter().peekable();
                while let Some(entry) = old.next()? {
                    let key = entry.key();
                    while let Some((added, present)) = held.next_if(|&(h, _)| h < key) {
                        if present {
                            out.push(added, &[])?;
                        }
                    }
                    // A held change of a stored key replaces it.
                    if held.next_if(|&(h, _)| h == key).is_none_or(|(_, p)| p) {
                        out.push(key, entry.value())?;
                    }
                }
                for (added, present) in held {
                    if present {
                        out.push(added, &[])?;
                    }
                }
                Ok(())
            });
        }
        let table = self.table(Table::INDEX)?;
        for (key, present) in held.iter() {
            if present {
                table.insert(key, &[][..])?;
            } else {
                table.remove(key)?;
            }
        }
        Ok(())
    }

    fn hold_index(&mut self, key: &[u8], present: bool) -> Result<()> {
        self.mutations += 1;
        self.index.insert(key, present);
        if self.index.len() >= self.limits.index_held {
            self.flush_index()?;
        }
        Ok(())
    }

    /// Merges the collected postings into the `search` table, before the transaction's last
    /// flush.
    pub(crate) fn flush_postings(&mut self) -> Result<()> {
        self.write_postings(false)
    }

    /// Merges the collected postings into the `search` table, term by term in key order: in
    /// place or by writing the table anew, as [`WriteTx::write_index`] decides.
    fn write_postings(&mut self, last: bool) -> Result<()> {
        if self.postings_held == 0 && self.spills == 0 && !(last && self.spilled[1]) {
            return Ok(());
        }
        self.fold();
        let (terms, held) = self.take_postings();
        if self.spills > 0 {
            return self.merge_spills(terms);
        }
        if self.anew(Table::SEARCH, held, last)? {
            return self.rewrite(Table::SEARCH, |old, out| postings::rewrite(old, out, terms));
        }
        for (term, changes) in terms {
            postings::apply(self, &term, changes)?;
        }
        Ok(())
    }

    /// Writes the collected postings out of memory when they reach the bound, before the
    /// transaction's last flush: in place when they are few next to the `search` table (see
    /// [`WriteTx::anew`]), else to a table of their own, a *spill*, that the last flush (or
    /// the first read of the `search` table) merges with the others and the `search` table
    /// in one pass ([`postings::merge_spills`]).
    ///
    /// Merged in place, each of a large import's flushes inserted a few hundred thousand
    /// terms' blocks between those of the flushes before, a descent of an ever larger tree
    /// each (and with redb's cache full of the transaction's pages, a write of one evicted):
    /// at a million contacts the eight flushes took about a sixth of the import. A spill is
    /// written in key order through a cursor, like a new table.
    fn spill_postings(&mut self) -> Result<()> {
        self.fold();
        let share = self.limits.rewrite_share;
        let len = self.table(Table::SEARCH)?.len()?;
        let worth = share > 0 && (self.postings_held as u64).saturating_mul(share) >= len;
        if !worth && self.spills == 0 {
            return self.flush_postings();
        }
        self.direct = true;
        let (terms, _) = self.take_postings();
        let name = spill_name(self.spills);
        let mut table = Unwinding::new(
            self.tx
                .open_table(TableDefinition::<&[u8], &[u8]>::new(&name))?,
        );
        let mut out = Appender::new(&mut table)?;
        postings::spill(&mut out, terms)?;
        out.cursor.into_inner().close()?;
        self.spills += 1;
        Ok(())
    }

    /// The collected postings, sorted by term, and how many they are; none are left.
    fn take_postings(&mut self) -> (postings::TermChanges, usize) {
        let mut terms: Vec<_> = std::mem::take(&mut self.postings).into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        (terms, std::mem::take(&mut self.postings_held))
    }

    /// Writes the `search` table anew from itself, the spills and the collected postings
    /// `terms` (sorted), then deletes the spills.
    fn merge_spills(&mut self, terms: postings::TermChanges) -> Result<()> {
        let names: Vec<String> = (0..self.spills).map(spill_name).collect();
        self.spills = 0;
        // Every block is read and written: the table's leaves end up full.
        self.spilled[1] = false;
        let tx = self.tx;
        let mut tables = Vec::with_capacity(names.len());
        for name in &names {
            tables.push(Unwinding::new(
                tx.open_table(TableDefinition::<&[u8], &[u8]>::new(name))?,
            ));
        }
        self.rewrite(Table::SEARCH, |old, out| {
            let mut spills: Vec<Entries<'_, '_>> =
                tables.iter_mut().map(|t| Entries::new(t)).collect();
            postings::merge_spills(old, &mut spills, out, terms)
        })?;
        drop(tables);
        for name in &names {
            tx.delete_table(TableDefinition::<&[u8], &[u8]>::new(name))?;
        }
        Ok(())
    }

    /// Readies table `t` for a put or remove in this transaction: the held `index` changes
    /// are written first (a write must land over them), the recent changes are folded in and
    /// spills merged before the `search` table is written directly (the direct write is the
    /// newer), and the values kept from `t` are dropped ([`Reader::kept`]).
    fn before_write(&mut self, t: Table) -> Result<()> {
        self.mutations += 1;
        if t == Table::INDEX {
            self.flush_index()?;
        } else if t == Table::SEARCH {
            self.fold();
            if self.spills > 0 {
                self.flush_postings()?;
            }
        }
        if !self.kept.is_empty() {
            self.kept.retain(|(kt, _, _)| *kt != t);
        }
        Ok(())
    }

    /// The table `t`, after merging collected postings when `t` is the search table.
    fn table_to_read(
        &mut self,
        t: Table,
    ) -> Result<&mut redb::Table<'t, &'static [u8], &'static [u8]>> {
        if t == Table::SEARCH {
            self.flush_postings()?;
        }
        self.table(t)
    }

    /// Whether `changes` changes to table `t` (`index` or `search`) are to be written by
    /// writing it anew ([`WriteTx::rewrite`]) rather than in place.
    ///
    /// It is worth it when they are at least a sixteenth of its entries. But a large import
    /// flushes several times, and writing the whole table anew at each flush would cost the
    /// square of its size; so only the last flush does, and an earlier one merges in place
    /// (noting that it did, when it split leaves of a non-empty table), or for the `search`
    /// table writes a spill ([`WriteTx::spill_postings`]). Into an empty table
    /// the changes are written the same way, through redb's write cursor: inserting them key
    /// by key fills the leaves too, but each insert descends the tree, and that took a
    /// quarter of the instructions of an import of 30,000 contacts.
    fn anew(&mut self, t: Table, changes: usize, last: bool) -> Result<bool> {
        let slot = usize::from(t == Table::SEARCH);
        if last && std::mem::take(&mut self.spilled[slot]) {
            return Ok(true);
        }
        let share = self.limits.rewrite_share;
        let len = self.table(t)?.len()?;
        let worth = share > 0 && (changes as u64).saturating_mul(share) >= len;
        if worth && !last && len > 0 {
            self.spilled[slot] = true;
        }
        Ok(worth && changes > 0 && (last || len == 0))
    }

    /// Writes table `t` anew: `merge` reads the old table's entries in key order and pushes
    /// the new table's entries, in strictly ascending key order, then the new table takes the
    /// old one's place (in this transaction, so a failure leaves the old one).
    ///
    /// Merging many changes into a large table in place inserts them between its entries, and
    /// redb splits each full leaf it inserts into in half, so that after a few such merges
    /// (the flushes of a large import) every leaf is about half empty. A table written in key
    /// order through a cursor has full leaves, takes about half the pages, and costs one
    /// sequential pass, which is cheaper than inserting a sixteenth of its size in place.
    pub(crate) fn rewrite(
        &mut self,
        t: Table,
        merge: impl FnOnce(&mut Entries<'_, '_>, &mut Appender<'_>) -> Result<()>,
    ) -> Result<()> {
        self.direct = true;
        // The open handle must be closed before the table is replaced.
        self.tables[t.slot()] = None;
        let name = format!("{}.rewrite", t.name());
        let new_def = TableDefinition::<&[u8], &[u8]>::new(&name);
        {
            let mut old = Unwinding::new(self.tx.open_table(t.def())?);
            let mut new = Unwinding::new(self.tx.open_table(new_def)?);
            let mut out = Appender::new(&mut new)?;
            let mut entries = Entries::new(&mut old);
            merge(&mut entries, &mut out)?;
            out.cursor.into_inner().close()?;
        }
        self.tx.delete_table(t.def())?;
        self.tx.rename_table(new_def, t.def())?;
        Ok(())
    }

    /// Scans the `index` table as if the held and recent changes were written; without the
    /// held ones when `held` is false (none is in `range`). `f` is a trait object, so that this
    /// is compiled once rather than once per caller's closure (as [`scan_table`]).
    fn scan_index(
        &mut self,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        held: bool,
        reverse: bool,
        f: &mut Visit<'_>,
    ) -> Result<()> {
        let t = Table::INDEX;
        let held = held && !self.index.is_empty();
        if !held && self.recent.index.is_empty() {
            return scan_table(&*self.table_to_read(t)?, range, reverse, f);
        }
        self.table(t)?;
        let table = self.tables[t.slot()]
            .as_deref()
            .ok_or_else(|| Error::storage("table not open"))?;
        // The transaction's own changes over the recent ones.
        let mut layers = if held {
            self.index.layers(range, reverse)
        } else {
            Vec::new()
        };
        layers.push(held::map_range(&self.recent.index, range, reverse));
        scan_merged(table, held::newest(layers, reverse), range, reverse, f)
    }

    /// [`Reader::scan`] with `f` as a trait object (see [`WriteTx::scan_index`]).
    fn scan_dyn(
        &mut self,
        t: Table,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        reverse: bool,
        f: &mut Visit<'_>,
    ) -> Result<()> {
        if t == Table::INDEX {
            return self.scan_index(range, true, reverse, f);
        }
        scan_table(&*self.table_to_read(t)?, range, reverse, f)
    }

    fn table(&mut self, t: Table) -> Result<&mut redb::Table<'t, &'static [u8], &'static [u8]>> {
        let slot = &mut self.tables[t.slot()];
        if slot.is_none() {
            *slot = Some(Unwinding::new(self.tx.open_table(t.def())?));
        }
        slot.as_deref_mut()
            .ok_or_else(|| Error::storage("table not open"))
    }
}

impl Reader for WriteTx<'_> {
    fn kept(&mut self, t: Table, key: u8) -> Option<Kept> {
        let (_, _, value) = self.kept.iter().find(|(kt, k, _)| *kt == t && *k == key)?;
        Some(Arc::clone(value))
    }

    fn keep(&mut self, t: Table, key: u8, value: Kept) {
        self.kept.retain(|(kt, k, _)| *kt != t || *k != key);
        self.kept.push((t, key, value));
    }

    fn get<T>(
        &mut self,
        t: Table,
        key: &[u8],
        f: impl FnOnce(&[u8]) -> Result<T>,
    ) -> Result<Option<T>> {
        if t == Table::INDEX {
            match self
                .index
                .get(key)
                .or_else(|| self.recent.index.get(key).copied())
            {
                Some(true) => return f(&[]).map(Some),
                Some(false) => return Ok(None),
                None => {}
            }
        }
        get_in(&*self.table_to_read(t)?, key, f)
    }

    fn scan(
        &mut self,
        t: Table,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        reverse: bool,
        mut f: impl FnMut(&[u8], &[u8]) -> Result<Flow>,
    ) -> Result<()> {
        self.scan_dyn(t, range, reverse, &mut f)
    }

    fn scan_group(
        &mut self,
        group: &[u8],
        mut f: impl FnMut(&[u8], &[u8]) -> Result<Flow>,
    ) -> Result<()> {
        let end = prefix_end(group);
        let upper = end.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
        let held = self.index.may_hold_group(group);
        self.scan_index((Bound::Included(group), upper), held, false, &mut f)
    }

    fn len(&mut self, t: Table) -> Result<u64> {
        if t == Table::INDEX {
            self.flush_index()?;
        }
        Ok(self.table_to_read(t)?.len()?)
    }

    fn recent(&mut self) -> Result<Arc<Recent>> {
        self.flush_postings()?;
        Ok(Arc::clone(&self.recent))
    }
}

/// The entries of a table being written anew ([`WriteTx::rewrite`]), in key order. They are
/// read a chunk at a time and removed from the old table as they are read, so that its pages
/// (when this transaction wrote them, as in an import) are free for the new table: the file
/// does not have to hold both.
pub(crate) struct Entries<'a, 't> {
    table: &'a mut redb::Table<'t, &'static [u8], &'static [u8]>,
    chunk: std::collections::VecDeque<Entry>,
    /// Whether the old table is empty.
    done: bool,
}

/// One entry of [`Entries`].
pub(crate) struct Entry(Vec<u8>, Vec<u8>);

impl Entry {
    pub(crate) fn key(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn value(&self) -> &[u8] {
        &self.1
    }
}

/// How many entries [`Entries`] reads (and removes) at a time.
const REWRITE_CHUNK: usize = 16_384;

impl<'a, 't> Entries<'a, 't> {
    /// The entries of `table`, none read yet.
    fn new(table: &'a mut redb::Table<'t, &'static [u8], &'static [u8]>) -> Self {
        Entries {
            table,
            chunk: std::collections::VecDeque::new(),
            done: false,
        }
    }

    /// The next entry, or `None` after the last.
    pub(crate) fn next(&mut self) -> Result<Option<Entry>> {
        if self.chunk.is_empty() && !self.done {
            // Everything before was removed: the chunk is the table's first entries.
            for item in self.table.range::<&[u8]>(..)?.take(REWRITE_CHUNK) {
                let (k, v) = item?;
                self.chunk
                    .push_back(Entry(k.value().to_vec(), v.value().to_vec()));
            }
            self.done = self.chunk.len() < REWRITE_CHUNK;
            if let Some(last) = self.chunk.back() {
                self.table
                    .retain_in::<&[u8], _>(..=last.key(), |_, _| false)?;
            }
        }
        Ok(self.chunk.pop_front())
    }
}

/// Where a table being written anew ([`WriteTx::rewrite`]) receives its entries.
pub(crate) struct Appender<'a> {
    cursor: Unwinding<redb::CursorMut<'a, &'static [u8], &'static [u8]>>,
}

impl<'a> Appender<'a> {
    /// Appends to the end of `table`.
    fn new(table: &'a mut redb::Table<'_, &'static [u8], &'static [u8]>) -> Result<Self> {
        Ok(Appender {
            cursor: Unwinding::new(table.upper_bound_mut(Bound::<&[u8]>::Unbounded)?),
        })
    }

    /// Appends an entry; its key must sort above every key pushed before.
    pub(crate) fn push(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        Ok(self.cursor.insert_before(key, value)?)
    }
}

/// Scans `table` as if the held changes `held` (key → present, in `range`, in the scan's
/// direction) were written.
fn scan_merged<'h, T: ReadableTable<&'static [u8], &'static [u8]>>(
    table: &T,
    mut held: impl Iterator<Item = (&'h [u8], bool)>,
    range: (Bound<&[u8]>, Bound<&[u8]>),
    reverse: bool,
    f: &mut Visit<'_>,
) -> Result<()> {
    if range_is_empty(&range) {
        return Ok(());
    }
    let mut next_held = held.next();
    // Whether held key `h` comes before stored key `k` in the scan's direction.
    let before = |h: &[u8], k: &[u8]| if reverse { h > k } else { h < k };
    let iter = table.range::<&[u8]>(range)?;
    let mut stored: Box<dyn Iterator<Item = _>> = if reverse {
        Box::new(iter.rev())
    } else {
        Box::new(iter)
    };
    loop {
        let item = stored.next().transpose()?;
        let key = item.as_ref().map(|(k, _)| k.value());
        // Held keys before this stored one (or all that are left, at the end).
        while let Some((h, present)) = next_held {
            if key.is_some_and(|k| !before(h, k)) {
                break;
            }
            next_held = held.next();
            if present && f(h, &[])?.is_break() {
                return Ok(());
            }
        }
        let Some((k, v)) = &item else {
            return Ok(());
        };
        let mut shown = true;
        if let Some((h, present)) = next_held {
            if h == k.value() {
                shown = present;
                next_held = held.next();
            }
        }
        if shown && f(k.value(), v.value())?.is_break() {
            return Ok(());
        }
    }
}

impl Writer for WriteTx<'_> {
    fn put(&mut self, t: Table, key: &[u8], value: &[u8]) -> Result<bool> {
        self.before_write(t)?;
        Ok(self.table(t)?.insert(key, value)?.is_some())
    }

    fn remove(&mut self, t: Table, key: &[u8]) -> Result<bool> {
        self.before_write(t)?;
        Ok(self.table(t)?.remove(key)?.is_some())
    }

    fn mutations(&self) -> u64 {
        self.mutations
    }

    fn index_add(&mut self, key: &[u8]) -> Result<()> {
        self.hold_index(key, true)
    }

    fn index_remove(&mut self, key: &[u8]) -> Result<()> {
        self.hold_index(key, false)
    }

    fn post(&mut self, term: &[u8], id: u128, classes: u8) -> Result<()> {
        self.mutations += 1;
        match self.postings.get_mut(term) {
            Some(changes) => changes.push((id, classes)),
            None => {
                self.postings.insert(term.to_vec(), vec![(id, classes)]);
            }
        }
        self.postings_held += 1;
        if self.postings_held >= self.limits.postings_held {
            self.spill_postings()?;
        }
        Ok(())
    }
}

/// The record id at the end of an index or search key.
pub(crate) fn id_of_key(key: &[u8]) -> Option<u128> {
    let start = key.len().checked_sub(16)?;
    let bytes: [u8; 16] = key.get(start..)?.try_into().ok()?;
    Some(u128::from_be_bytes(bytes))
}

/// The highest key of `tables` (record tables, keyed by id), read as an id: the floor for
/// minting new ones.
pub(crate) fn highest_id(r: &mut impl Reader, tables: &[Table]) -> Result<u128> {
    let mut highest = 0u128;
    for &t in tables {
        r.scan(t, (Bound::Unbounded, Bound::Unbounded), true, |k, _| {
            if let Ok(bytes) = <[u8; 16]>::try_from(k) {
                highest = highest.max(u128::from_be_bytes(bytes));
            }
            Ok(Flow::Break(()))
        })?;
    }
    Ok(highest)
}

/// Where the bytes of a database live.
pub(crate) enum Location<'a> {
    File(&'a Path),
    Memory,
    /// In memory, starting from the bytes of a backup.
    Bytes(Vec<u8>),
    Backend(Box<dyn redb::StorageBackend>),
}

/// A database held in memory whose bytes can be read out (for backups).
#[derive(Debug, Clone, Default)]
pub(crate) struct MemoryBackend(Arc<RwLock<Vec<u8>>>);

impl MemoryBackend {
    fn with_bytes(bytes: Vec<u8>) -> Self {
        MemoryBackend(Arc::new(RwLock::new(bytes)))
    }

    fn bytes(&self) -> Vec<u8> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

fn out_of_range() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "read past the end of the database",
    )
}

impl redb::StorageBackend for MemoryBackend {
    fn len(&self) -> std::result::Result<u64, std::io::Error> {
        Ok(self.0.read().unwrap_or_else(|e| e.into_inner()).len() as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> std::result::Result<(), std::io::Error> {
        let bytes = self.0.read().unwrap_or_else(|e| e.into_inner());
        let start = usize::try_from(offset).map_err(|_| out_of_range())?;
        let end = start.checked_add(out.len()).ok_or_else(out_of_range)?;
        out.copy_from_slice(bytes.get(start..end).ok_or_else(out_of_range)?);
        Ok(())
    }

    fn set_len(&self, len: u64) -> std::result::Result<(), std::io::Error> {
        let len = usize::try_from(len)
            .map_err(|_| std::io::Error::other("database too large for memory"))?;
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .resize(len, 0);
        Ok(())
    }

    fn sync_data(&self) -> std::result::Result<(), std::io::Error> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> std::result::Result<(), std::io::Error> {
        let mut bytes = self.0.write().unwrap_or_else(|e| e.into_inner());
        let start = usize::try_from(offset).map_err(|_| out_of_range())?;
        let end = start.checked_add(data.len()).ok_or_else(out_of_range)?;
        bytes
            .get_mut(start..end)
            .ok_or_else(out_of_range)?
            .copy_from_slice(data);
        Ok(())
    }
}

/// Copies `tables` as `r` sees them into a new database and returns its bytes: a compact,
/// cleanly closed file that [`Location::Bytes`] (or a file) opens again. `step` is called once
/// per entry copied and may stop the copy with an error.
pub(crate) fn copy_to_bytes(
    r: &mut impl Reader,
    tables: &[Table],
    mut step: impl FnMut() -> Result<()>,
) -> Result<Vec<u8>> {
    let memory = MemoryBackend::default();
    {
        let mut db = redb::Database::builder().create_with_backend(memory.clone())?;
        let tx = db.begin_write()?;
        {
            let mut copy = WriteTx::new(
                &tx,
                Arc::default(),
                Limits {
                    recent_max: 0,
                    ..Limits::default()
                },
            );
            for &t in tables {
                copy.table(t)?;
                if t == Table::RECENT {
                    // Folded into the copy's tables below.
                    continue;
                }
                // Keys arrive sorted, so the copy's B-trees are filled densely. (Reads of the
                // `index` table include the recent changes already.)
                r.scan_prefix(t, &[], false, |k, v| {
                    copy.put(t, k, v)?;
                    step()?;
                    Ok(Flow::Continue(()))
                })?;
            }
            for (key, &classes) in &r.recent()?.postings {
                let (term, id) = recent::split_posting_key(key)?;
                copy.post(&key[..term.len() + 1], id, classes)?;
                step()?;
            }
            copy.fold();
            copy.flush()?;
        }
        tx.commit()?;
        // A new redb database reserves a megabyte; compaction returns what the data does
        // not use, so a small CRM makes a small backup.
        db.compact()?;
    }
    Ok(memory.bytes())
}

/// An open database. The lock is only taken to begin a transaction (shared) or to compact
/// (exclusive): redb's transactions do not borrow the database.
pub(crate) struct Store {
    /// The snapshot of the last read, kept for the next one while nothing is committed (first,
    /// so that it is dropped before the database).
    idle: Mutex<Idle>,
    /// `None` only while the store is dropped (see its `Drop`).
    db: RwLock<Option<redb::Database>>,
    /// The recent changes as of the last commit. A writer holds this lock exclusively from
    /// before its commit until it has replaced them, so that every transaction begun (under
    /// the lock, shared) sees the recent changes of its own snapshot.
    recent: RwLock<Arc<Recent>>,
    /// When transactions fold recent changes and write tables anew (other than the defaults
    /// only in tests).
    limits: Limits,
    /// Bytes after the end of the database, ignored (see [`Store::ignored_bytes`]).
    ignored: Arc<AtomicU64>,
}

impl Drop for Store {
    /// Closing a database writes its allocator state, which reads pages: on a damaged file
    /// redb can panic there too, so the database is dropped under [`contain`] (after the kept
    /// snapshot, which refers to it).
    fn drop(&mut self) {
        let idle = self.idle.get_mut().unwrap_or_else(|e| e.into_inner());
        drop(idle.snapshot.take());
        let db = self.db.get_mut().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(db) = db {
            let _ = contain(move || {
                drop(db);
                Ok(())
            });
        }
    }
}

/// A read snapshot kept between reads.
///
/// Beginning a redb read transaction, opening a table and dropping both cost about a fifth of
/// a `get_contact` over a million contacts, so a read hands its snapshot, with the tables it
/// opened, to the next read, as long as no write has committed since: the snapshot is then
/// the one the next read would begin. A commit (and a compaction, which needs no transaction
/// open) drops it, so that it never holds back pages a writer frees, nor makes a commit copy
/// the recent changes it still refers to.
#[derive(Default)]
struct Idle {
    /// How many commits and compactions have retired the kept snapshot; a snapshot begun under
    /// an older generation is not kept.
    generation: u64,
    snapshot: Option<ReadTx>,
}

impl Store {
    /// Opens (or creates) the database. Nothing is written here: creating the tables is the
    /// first migration's work, so that a file from a newer version stays untouched.
    pub(crate) fn open(location: Location<'_>, cache_size: Option<usize>) -> Result<Store> {
        Self::open_with(location, cache_size, false)
    }

    /// Opens a database only to read what can be read of it (see `salvage.rs`): recent
    /// changes that cannot be loaded are left out rather than refusing the database.
    pub(crate) fn open_lenient(location: Location<'_>) -> Result<Store> {
        Self::open_with(location, None, true)
    }

    fn open_with(
        location: Location<'_>,
        cache_size: Option<usize>,
        lenient: bool,
    ) -> Result<Store> {
        let mut builder = redb::Database::builder();
        if let Some(bytes) = cache_size {
            builder.set_cache_size(bytes);
        }
        let mut ignored = Arc::new(AtomicU64::new(0));
        let db = contain(|| {
            Ok(match location {
                Location::File(path) => open_file(&builder, path, &mut ignored)?,
                Location::Memory => {
                    builder.create_with_backend(redb::backends::InMemoryBackend::new())?
                }
                Location::Bytes(bytes) => {
                    builder.create_with_backend(MemoryBackend::with_bytes(bytes))?
                }
                Location::Backend(backend) => builder.create_with_backend(BoxedBackend(backend))?,
            })
        })?;
        let recent = match contain(|| load_recent(&db)) {
            Ok(recent) => recent,
            Err(_) if lenient => Recent::default(),
            Err(e) => {
                // Dropped on its own, under `contain`: redb's `Drop` can panic on a damaged
                // file, and a panic while the error is being returned would leak it.
                let _ = contain(move || {
                    drop(db);
                    Ok(())
                });
                return Err(e);
            }
        };
        Ok(Store {
            idle: Mutex::new(Idle::default()),
            db: RwLock::new(Some(db)),
            recent: RwLock::new(Arc::new(recent)),
            limits: Limits::default(),
            ignored,
        })
    }

    /// How many bytes after the end of the database the file holds and the store ignores (0
    /// once a compaction or growth of the file has cut them off or written over them).
    pub(crate) fn ignored_bytes(&self) -> u64 {
        self.ignored.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Runs `f` on the database.
    fn with_db<T>(&self, f: impl FnOnce(&redb::Database) -> Result<T>) -> Result<T> {
        let db = self.db.read().unwrap_or_else(|e| e.into_inner());
        f(db.as_ref().ok_or(Error::Closed)?)
    }

    /// Writes the recent changes into the `index` and `search` tables and empties the `recent`
    /// table, in one transaction (nothing is done when there are none).
    pub(crate) fn fold(&self) -> Result<()> {
        if self.recent_now().is_empty() {
            return Ok(());
        }
        self.write(|w| {
            w.fold();
            Ok(())
        })
    }

    /// Moves every page toward the start of the file and cuts off the free end. redb grows a
    /// file by doubling it, and does not give back space freed in the middle, so after a large
    /// import or many deletes the file can be up to twice what it holds. New transactions wait
    /// while this runs; it fails (changing nothing) if one is still open.
    pub(crate) fn compact(&self) -> Result<()> {
        let mut db = self.db.write().unwrap_or_else(|e| e.into_inner());
        let db = db.as_mut().ok_or(Error::Closed)?;
        self.retire_idle();
        match contain(|| Ok(db.compact()))? {
            Ok(_) => Ok(()),
            Err(redb::CompactionError::TransactionInProgress) => Err(Error::storage(
                "cannot compact while another read or write of this CRM is running",
            )),
            Err(other) => Err(other.into()),
        }
    }

    /// Sets how many recent changes are held before being folded into the tables.
    #[cfg(test)]
    pub(crate) fn set_recent_max(&mut self, max: usize) {
        self.limits.recent_max = max;
    }

    /// Sets the share of a table's entries from which changes are written by writing it anew
    /// (0: never).
    #[cfg(test)]
    pub(crate) fn set_rewrite_share(&mut self, share: u64) {
        self.limits.rewrite_share = share;
    }

    /// Sets how many index changes and postings a transaction holds before writing them.
    #[cfg(test)]
    pub(crate) fn set_held(&mut self, held: usize) {
        self.limits.index_held = held;
        self.limits.postings_held = held;
    }

    /// Sets how many of the newest held index changes are kept in a map, not packed.
    #[cfg(test)]
    pub(crate) fn set_index_fresh(&mut self, fresh: usize) {
        self.limits.index_fresh = fresh;
    }

    fn recent_now(&self) -> std::sync::RwLockReadGuard<'_, Arc<Recent>> {
        self.recent.read().unwrap_or_else(|e| e.into_inner())
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Idle> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops the kept snapshot, and makes every snapshot begun before too old to be kept when
    /// its read ends (see [`Idle`]).
    fn retire_idle(&self) {
        let old = {
            let mut idle = self.idle();
            idle.generation += 1;
            idle.snapshot.take()
        };
        drop(old);
    }

    /// Runs `f` on a snapshot of the last committed state.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&mut ReadTx) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut value = None;
        self.read_dyn(&mut |r| {
            if let Some(f) = f.take() {
                value = Some(f(r)?);
            }
            Ok(())
        })?;
        value.ok_or_else(|| Error::storage("a read returned nothing"))
    }

    /// [`Store::read`] with `f` as a trait object, so that its body is compiled once rather
    /// than once per caller (as with [`Store::write_dyn`]).
    fn read_dyn(&self, f: &mut dyn FnMut(&mut ReadTx) -> Result<()>) -> Result<()> {
        let kept = self.idle().snapshot.take();
        let mut r = match kept {
            Some(r) => r,
            None => {
                let recent = self.recent_now();
                // Under the lock a writer takes to commit, so the generation is the snapshot's.
                let generation = self.idle().generation;
                ReadTx {
                    tx: contain(|| self.with_db(|db| Ok(db.begin_read()?)))?,
                    tables: [const { None }; MAX_TABLES],
                    recent: Arc::clone(&recent),
                    generation,
                }
            }
        };
        // A snapshot that a panic went through is not kept.
        let result = match contain(|| Ok(f(&mut r))) {
            Ok(result) => result,
            Err(e) => {
                drop(r);
                return Err(e);
            }
        };
        let mut idle = self.idle();
        if idle.generation == r.generation && idle.snapshot.is_none() {
            idle.snapshot = Some(r);
        } else {
            drop(idle);
            drop(r);
        }
        result
    }

    /// Runs `f` in a write transaction, committed (durably) when `f` succeeds and rolled back
    /// when it fails.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut WriteTx<'_>) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut value = None;
        self.write_dyn(&mut |w| {
            if let Some(f) = f.take() {
                value = Some(f(w)?);
            }
            Ok(())
        })?;
        value.ok_or_else(|| Error::storage("a write returned nothing"))
    }

    /// [`Store::write`] with `f` as a trait object: generic, this body (transaction, commit,
    /// recent changes) was compiled once per caller, 78 copies and 130 KB of the WebAssembly
    /// build.
    fn write_dyn(&self, f: &mut dyn FnMut(&mut WriteTx<'_>) -> Result<()>) -> Result<()> {
        let mut open = self.begin()?;
        match open.run(f) {
            Ok(()) => self.commit(open),
            Err(e) => {
                Self::roll_back(open);
                Err(e)
            }
        }
    }

    /// Begins a write transaction that stays open across calls (see [`OpenWrite`]); it waits
    /// for the one before to end.
    pub(crate) fn begin(&self) -> Result<OpenWrite> {
        let tx = contain(|| self.with_db(|db| Ok(db.begin_write()?)))?;
        // The previous writer replaced the recent changes before letting go of the lock.
        let recent = Arc::clone(&self.recent_now());
        let held = WriteTx::new(&tx, recent, self.limits).suspend();
        Ok(OpenWrite {
            tx: Some(tx),
            held: Some(held),
        })
    }

    /// Commits a write transaction (durably), after writing or setting aside what it holds.
    /// On failure it is rolled back.
    pub(crate) fn commit(&self, mut open: OpenWrite) -> Result<()> {
        let (Some(tx), held) = (open.tx.take(), open.held.take()) else {
            return Err(Error::storage(
                "a write transaction was used after it ended",
            ));
        };
        let finished = match held {
            Some(held) => contain(|| WriteTx::resume(&tx, held).finish()),
            None => Err(Error::storage(
                "a write transaction was used after it failed",
            )),
        };
        let after = match finished {
            Ok(after) => after,
            Err(e) => {
                // The caller's error matters more than a failure to roll back, which leaves
                // nothing behind anyway: uncommitted pages are never visible.
                give_up(tx);
                return Err(e);
            }
        };
        let mut recent = self.recent.write().unwrap_or_else(|e| e.into_inner());
        // Readers begun from here on wait for the lock, and see this commit.
        self.retire_idle();
        contain(|| Ok(tx.commit()?))?;
        match after {
            RecentAfter::Same => {}
            RecentAfter::Add(key, changes) => {
                // Copied only when a reader still holds the previous ones.
                Arc::make_mut(&mut recent).add(key, &changes)?;
            }
            RecentAfter::Folded => *recent = Arc::default(),
        }
        Ok(())
    }

    /// Rolls a write transaction back: nothing it wrote is kept.
    pub(crate) fn roll_back(open: OpenWrite) {
        drop(open);
    }

    /// The names of the tables present in the file.
    pub(crate) fn table_names(&self) -> Result<Vec<String>> {
        contain(|| {
            self.with_db(|db| {
                let tx = db.begin_read()?;
                let names = tx.list_tables()?.map(|t| t.name().to_string()).collect();
                Ok(names)
            })
        })
    }

    /// Opens every table in `w` so that later read snapshots find them all.
    pub(crate) fn create_tables(w: &mut WriteTx<'_>, tables: &[Table]) -> Result<()> {
        for &t in tables {
            w.table(t)?;
        }
        Ok(())
    }
}

/// The recent changes stored in the `recent` table of `db` (none when the file has no such
/// table yet).
fn load_recent(db: &redb::Database) -> Result<Recent> {
    let tx = db.begin_read()?;
    let table = match tx.open_table(Table::RECENT.def()) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Recent::default()),
        Err(e) => return Err(e.into()),
    };
    let mut recent = Recent::default();
    for item in table.iter()? {
        let (k, v) = item?;
        let key = <[u8; 8]>::try_from(k.value())
            .map_err(|_| Error::corrupt("recent", "a key is not a sequence number"))?;
        recent.add(u64::from_be_bytes(key), v.value())?;
    }
    Ok(recent)
}

/// Reads one value from a file without opening it for writing (a writable open rewrites parts
/// of the file even when nothing is committed). `None` when the file cannot be read that way:
/// the normal open then reports why.
pub(crate) fn peek(path: &Path, t: Table, key: &[u8]) -> Option<Vec<u8>> {
    let read = || {
        let db = redb::Builder::new().open_read_only(path).ok()?;
        let tx = db.begin_read().ok()?;
        let table = tx.open_table(t.def()).ok()?;
        let value = table.get(key).ok()??;
        Some(value.value().to_vec())
    };
    contain(|| Ok(read())).ok().flatten()
}

/// Opens the database in the file at `path`. Bytes appended after a whole database (a copy
/// gone wrong, a tool that pads files) are ignored, the way SQLite ignores them: `verify`
/// reports them (`ignored`) and `compact` cuts them off.
#[cfg(not(target_arch = "wasm32"))]
fn open_file(
    builder: &redb::Builder,
    path: &Path,
    ignored: &mut Arc<AtomicU64>,
) -> Result<redb::Database> {
    let error = match builder.create(path) {
        Ok(db) => return Ok(db),
        Err(e) => open_error(e),
    };
    let Some(end) = files::database_end(path) else {
        return Err(error);
    };
    let file = files::TrimmedFile::open(path, end)?;
    let tail = file.ignored();
    match builder.create_with_backend(file) {
        Ok(db) => {
            *ignored = tail;
            Ok(db)
        }
        Err(_) => Err(error),
    }
}

/// Opens the database in the file at `path` (a platform without files reports why).
#[cfg(target_arch = "wasm32")]
fn open_file(
    builder: &redb::Builder,
    path: &Path,
    _: &mut Arc<AtomicU64>,
) -> Result<redb::Database> {
    builder.create(path).map_err(open_error)
}

fn open_error(e: redb::DatabaseError) -> Error {
    e.into()
}

/// redb wants a sized backend; this forwards to a boxed one.
#[derive(Debug)]
struct BoxedBackend(Box<dyn redb::StorageBackend>);

impl redb::StorageBackend for BoxedBackend {
    fn len(&self) -> std::result::Result<u64, std::io::Error> {
        self.0.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> std::result::Result<(), std::io::Error> {
        self.0.read(offset, out)
    }
    fn set_len(&self, len: u64) -> std::result::Result<(), std::io::Error> {
        self.0.set_len(len)
    }
    fn sync_data(&self) -> std::result::Result<(), std::io::Error> {
        self.0.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> std::result::Result<(), std::io::Error> {
        self.0.write(offset, data)
    }
    fn close(&self) -> std::result::Result<(), std::io::Error> {
        self.0.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Reads keys in a range, in a direction, at most so many.
    type ScanFn<'a> = dyn FnMut((Bound<&[u8]>, Bound<&[u8]>), bool, usize) -> Vec<Vec<u8>> + 'a;

    fn key(n: u8) -> Vec<u8> {
        vec![n / 16, n % 16]
    }

    proptest! {
        /// Inside a transaction, held index changes read exactly like written ones: every
        /// range, both directions, stopping early, point reads; after commit, the same.
        #[test]
        fn held_index_changes_read_like_written_ones(
            committed in prop::collection::btree_set(0u8..64, 0..30),
            changes in prop::collection::vec((0u8..64, any::<bool>()), 0..60),
            ranges in prop::collection::vec((0u8..70, 0u8..70, 0usize..4, any::<bool>(), 1usize..8), 1..12),
        ) {
            let store = Store::open(Location::Memory, None).unwrap();
            store.write(|w| Store::create_tables(w, &Table::OWN)).unwrap();
            store.write(|w| {
                for &n in &committed { w.index_add(&key(n))?; }
                Ok(())
            }).unwrap();
            let mut model: BTreeSet<Vec<u8>> = committed.iter().map(|&n| key(n)).collect();
            let check = |r: &mut ScanFn<'_>, model: &BTreeSet<Vec<u8>>| {
                for &(a, b, kind, reverse, limit) in &ranges {
                    let (a, b) = (key(a), key(b));
                    let range: (Bound<&[u8]>, Bound<&[u8]>) = match kind {
                        0 => (Bound::Included(&a), Bound::Excluded(&b)),
                        1 => (Bound::Excluded(&a), Bound::Included(&b)),
                        2 => (Bound::Unbounded, Bound::Included(&b)),
                        _ => (Bound::Included(&a), Bound::Unbounded),
                    };
                    let mut want: Vec<Vec<u8>> = if range_is_empty(&range) {
                        Vec::new()
                    } else {
                        model.range::<[u8], _>(range).cloned().collect()
                    };
                    if reverse { want.reverse(); }
                    want.truncate(limit);
                    assert_eq!(r(range, reverse, limit), want, "{range:?} reverse {reverse}");
                }
            };
            store.write(|w| {
                for &(n, add) in &changes {
                    if add { w.index_add(&key(n))?; model.insert(key(n)); }
                    else { w.index_remove(&key(n))?; model.remove(&key(n)); }
                }
                check(&mut |range, reverse, limit| {
                    let mut seen = Vec::new();
                    w.scan(Table::INDEX, range, reverse, |k, v| {
                        assert!(v.is_empty());
                        seen.push(k.to_vec());
                        Ok(if seen.len() < limit { Flow::Continue(()) } else { Flow::Break(()) })
                    }).unwrap();
                    seen
                }, &model);
                for n in 0u8..64 {
                    assert_eq!(w.contains(Table::INDEX, &key(n))?, model.contains(&key(n)));
                }
                assert_eq!(w.len(Table::INDEX)?, model.len() as u64);
                Ok(())
            }).unwrap();
            store.read(|r| {
                check(&mut |range, reverse, limit| {
                    let mut seen = Vec::new();
                    r.scan(Table::INDEX, range, reverse, |k, _| {
                        seen.push(k.to_vec());
                        Ok(if seen.len() < limit { Flow::Continue(()) } else { Flow::Break(()) })
                    }).unwrap();
                    seen
                }, &model);
                Ok(())
            }).unwrap();
        }
    }

    /// `[byte][value][16-byte id]`: one group per byte and value.
    fn group_key(byte: u8, value: u8, id: u8) -> Vec<u8> {
        let mut k = vec![byte, value];
        k.extend_from_slice(&u128::from(id).to_be_bytes());
        k
    }

    proptest! {
        /// `scan_group` reads a group's keys like a prefix scan does, in a write transaction
        /// (held changes, with early writes and a small map; recent changes of earlier small
        /// commits; reads between the changes, so that the group filter tracks index bytes
        /// before and after their keys are held) and in a read snapshot.
        #[test]
        fn group_scans_read_like_prefix_scans(
            commits in prop::collection::vec(
                prop::collection::vec((0u8..3, 0u8..6, 0u8..4, any::<bool>(), any::<bool>()), 0..40),
                1..4,
            ),
            held in 2usize..40,
            fresh in 1usize..8,
        ) {
            let mut store = Store::open(Location::Memory, None).unwrap();
            store.set_held(held);
            store.set_index_fresh(fresh);
            store.set_recent_max(30);
            store.write(|w| Store::create_tables(w, &Table::OWN)).unwrap();
            let mut model: BTreeSet<Vec<u8>> = BTreeSet::new();
            let groups: Vec<Vec<u8>> =
                (0u8..3).flat_map(|b| (0u8..6).map(move |v| vec![b, v])).collect();
            let expect = |model: &BTreeSet<Vec<u8>>, g: &[u8]| -> Vec<Vec<u8>> {
                model.iter().filter(|k| k.starts_with(g)).cloned().collect()
            };
            for changes in &commits {
                store.write(|w| {
                    for &(b, v, id, add, read) in changes {
                        let k = group_key(b, v, id);
                        if add { w.index_add(&k)?; model.insert(k); }
                        else { w.index_remove(&k)?; model.remove(&k); }
                        if read {
                            let g = [b, (v + 1) % 6];
                            let mut seen = Vec::new();
                            w.scan_group(&g, |k, _| { seen.push(k.to_vec()); Ok(Flow::Continue(())) })?;
                            assert_eq!(seen, expect(&model, &g), "group {g:?}");
                        }
                    }
                    for g in &groups {
                        let mut seen = Vec::new();
                        w.scan_group(g, |k, _| { seen.push(k.to_vec()); Ok(Flow::Continue(())) })?;
                        assert_eq!(seen, expect(&model, g), "group {g:?}");
                    }
                    Ok(())
                }).unwrap();
                store.read(|r| {
                    for g in &groups {
                        let mut seen = Vec::new();
                        r.scan_group(g, |k, _| { seen.push(k.to_vec()); Ok(Flow::Continue(())) })?;
                        assert_eq!(seen, expect(&model, g), "group {g:?}");
                    }
                    Ok(())
                }).unwrap();
            }
        }
    }

    /// One change in the recent-changes test: an index entry added or removed, or a posting.
    #[derive(Debug, Clone)]
    enum Op {
        Index(u8, bool),
        Post(u8, u8, u8),
        /// Reads posting lists inside the transaction (which writes its postings directly).
        ReadPostings,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u8..40, any::<bool>()).prop_map(|(k, add)| Op::Index(k, add)),
            6 => (0u8..6, 0u8..12, 0u8..4).prop_map(|(t, id, c)| Op::Post(t, id, c)),
            1 => Just(Op::ReadPostings),
        ]
    }

    /// `[1][term letters][0x00]`: terms "a", "aa", "ab", "b", … so that prefixes hold several.
    fn term(t: u8) -> Vec<u8> {
        let name: &[u8] = [&b"a"[..], b"aa", b"ab", b"b", b"ba", b"c"][usize::from(t)];
        [&[1u8][..], name, &[0]].concat()
    }

    /// Every index key and every posting (prefix "\x01" and "\x01a"), read through `r`.
    fn contents(r: &mut impl Reader) -> (Vec<Vec<u8>>, Postings) {
        (index_keys(r), posting_lists(r))
    }

    type Postings = Vec<(Vec<u8>, u128, u8)>;

    fn index_keys(r: &mut impl Reader) -> Vec<Vec<u8>> {
        let mut keys = Vec::new();
        r.scan_prefix(Table::INDEX, &[], false, |k, _| {
            keys.push(k.to_vec());
            Ok(Flow::Continue(()))
        })
        .unwrap();
        let mut reversed = Vec::new();
        r.scan_prefix(Table::INDEX, &[], true, |k, _| {
            reversed.push(k.to_vec());
            Ok(Flow::Continue(()))
        })
        .unwrap();
        reversed.reverse();
        assert_eq!(keys, reversed);
        for k in 0u8..40 {
            assert_eq!(
                r.contains(Table::INDEX, &key(k)).unwrap(),
                keys.contains(&key(k))
            );
        }
        keys
    }

    fn posting_lists(r: &mut impl Reader) -> Postings {
        let mut posts = Vec::new();
        postings::scan(r, &[1], |t, id, c| {
            posts.push((t.to_vec(), id, c));
            Ok(Flow::Continue(()))
        })
        .unwrap();
        let mut under_a = Vec::new();
        postings::scan(r, &[1, b'a'], |t, id, c| {
            under_a.push((t.to_vec(), id, c));
            Ok(Flow::Continue(()))
        })
        .unwrap();
        let expected: Vec<_> = posts.iter().filter(|p| p.0[1] == b'a').cloned().collect();
        assert_eq!(under_a, expected);
        posts
    }

    proptest! {
        /// Small commits leave their changes in the recent changes, folded into the tables when
        /// there are more than the limit: reads inside and outside transactions, after reopening
        /// and in a backup always see exactly the changes made.
        #[test]
        fn recent_changes_read_like_written_ones(
            transactions in prop::collection::vec(
                (prop::collection::vec(op(), 0..8), any::<bool>(), 0u8..10), 1..25),
            max in 0usize..30,
            // Never, always, sometimes (the default) and mostly: the tables are written anew.
            share in prop::sample::select(vec![0u64, u64::MAX, 16, 2]),
            // Flushes in the middle of transactions, or only at their end.
            held in prop::sample::select(vec![1usize, 3, 1 << 21]),
            // Held index changes packed into runs at once, every other one, or never.
            fresh in prop::sample::select(vec![1usize, 2, 1 << 15]),
        ) {
            let memory = MemoryBackend::default();
            let open = || {
                let mut store =
                    Store::open(Location::Backend(Box::new(memory.clone())), None).unwrap();
                store.set_recent_max(max);
                store.set_rewrite_share(share);
                store.set_held(held);
                store.set_index_fresh(fresh);
                store
            };
            let mut store = open();
            store.write(|w| Store::create_tables(w, &Table::OWN)).unwrap();
            let mut index: BTreeSet<Vec<u8>> = BTreeSet::new();
            let mut posts: BTreeMap<(Vec<u8>, u128), u8> = BTreeMap::new();
            let model = |index: &BTreeSet<Vec<u8>>, posts: &BTreeMap<(Vec<u8>, u128), u8>| {
                let keys: Vec<Vec<u8>> = index.iter().cloned().collect();
                let p: Vec<(Vec<u8>, u128, u8)> = posts
                    .iter()
                    .map(|((t, id), &c)| (t[..t.len() - 1].to_vec(), *id, c))
                    .collect();
                (keys, p)
            };
            for (ops, fails, reopen) in transactions {
                let (mut i2, mut p2) = (index.clone(), posts.clone());
                let result: Result<()> = store.write(|w| {
                    for op in &ops {
                        match *op {
                            Op::Index(k, true) => { w.index_add(&key(k))?; i2.insert(key(k)); }
                            Op::Index(k, false) => { w.index_remove(&key(k))?; i2.remove(&key(k)); }
                            Op::Post(t, id, c) => {
                                w.post(&term(t), u128::from(id) + 1, c)?;
                                if c == postings::REMOVE { p2.remove(&(term(t), u128::from(id) + 1)); }
                                else { p2.insert((term(t), u128::from(id) + 1), c); }
                            }
                            Op::ReadPostings => {
                                // Reading posting lists in a transaction that changed some
                                // writes them to the table first.
                                assert_eq!(posting_lists(w), model(&i2, &p2).1);
                            }
                        }
                        assert_eq!(index_keys(w), model(&i2, &p2).0);
                    }
                    if fails { Err(Error::validation("x", "refused")) } else { Ok(()) }
                });
                prop_assert_eq!(result.is_err(), fails);
                if !fails {
                    index = i2;
                    posts = p2;
                }
                if reopen == 0 {
                    drop(store);
                    store = open();
                }
                let seen = store.read(|r| Ok(contents(r))).unwrap();
                prop_assert_eq!(&seen, &model(&index, &posts));
                let recent = store.recent_now().len();
                prop_assert!(recent <= max, "{} recent changes over {}", recent, max);
            }
            let backup = store.read(|r| copy_to_bytes(r, &Table::OWN, || Ok(()))).unwrap();
            let copy = Store::open(Location::Bytes(backup), None).unwrap();
            prop_assert!(copy.recent_now().is_empty());
            prop_assert_eq!(copy.read(|r| Ok(contents(r))).unwrap(), model(&index, &posts));
        }
    }

    /// redb's statistics of a table.
    fn stats(store: &Store, t: Table) -> redb::TableStats {
        store
            .with_db(|db| {
                let tx = db.begin_read()?;
                let table = tx.open_table(t.def())?;
                Ok(table.stats()?)
            })
            .unwrap()
    }

    /// Leaf pages and stored bytes of a table.
    fn pages(store: &Store, t: Table) -> (u64, u64) {
        let stats = stats(store, t);
        (stats.leaf_pages(), stats.stored_bytes())
    }

    /// A transaction that flushes its changes several times, each between the entries the
    /// ones before wrote, leaves the tables with full leaves: it writes them anew at the end.
    #[test]
    fn a_large_transaction_leaves_full_leaves() {
        let fill = |share: u64| {
            let mut store = Store::open(Location::Memory, None).unwrap();
            store.set_held(4_000);
            store.set_rewrite_share(share);
            store
                .write(|w| Store::create_tables(w, &Table::OWN))
                .unwrap();
            store
                .write(|w| {
                    for i in 0..40_000u32 {
                        // A bijection of u32: every flush lands between the keys before it.
                        let key = i.wrapping_mul(2_654_435_761).to_be_bytes();
                        w.index_add(&key)?;
                        w.post(b"\x01term\x00", u128::from(i % 2_000) + 1, 1)?;
                        w.post(&[&b"\x01t"[..], &key, &[0]].concat(), 1, 1)?;
                    }
                    Ok(())
                })
                .unwrap();
            assert_eq!(store.read(|r| r.len(Table::INDEX)).unwrap(), 40_000);
            (pages(&store, Table::INDEX), pages(&store, Table::SEARCH))
        };
        let (index, search) = fill(16);
        let (index_in_place, search_in_place) = fill(0);
        // The same entries…
        assert_eq!((index.1, search.1), (index_in_place.1, search_in_place.1));
        // …in far fewer pages: merges in place leave leaves about half full.
        assert!(
            index.0 * 10 < index_in_place.0 * 7,
            "{index:?} {index_in_place:?}"
        );
        assert!(
            search.0 * 10 < search_in_place.0 * 8,
            "{search:?} {search_in_place:?}"
        );
    }

    /// The blocks of a long posting list fill the leaves holding them (see
    /// `postings::MAX_BLOCK`).
    #[test]
    fn posting_blocks_fill_their_leaves() {
        let store = Store::open(Location::Memory, None).unwrap();
        store
            .write(|w| Store::create_tables(w, &Table::OWN))
            .unwrap();
        store
            .write(|w| {
                for i in 1..=300_000u128 {
                    w.post(b"\x01term\x00", i * 1_000, 1)?;
                }
                Ok(())
            })
            .unwrap();
        let stats = stats(&store, Table::SEARCH);
        let used = stats.stored_bytes() + stats.metadata_bytes();
        let held = stats.leaf_pages() * 4096;
        assert!(used * 100 > held * 95, "{used} bytes in {held}");
    }

    #[test]
    fn prefix_end_is_the_next_key_after_the_prefix() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[1, 0xFF]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xFF, 0xFF]), None);
        assert_eq!(prefix_end(&[]), None);
    }

    #[test]
    fn a_read_keeps_its_snapshot_for_the_next_until_a_commit() {
        let store = Store::open(Location::Memory, None).unwrap();
        store
            .write(|w| Store::create_tables(w, &Table::OWN))
            .unwrap();
        let get = |store: &Store| {
            store
                .read(|r| r.get(Table::META, b"a", |v| Ok(v.to_vec())))
                .unwrap()
        };
        assert_eq!(get(&store), None);
        assert!(store.idle().snapshot.is_some(), "kept for the next read");
        store
            .write(|w| w.put(Table::META, b"a", b"1").map(drop))
            .unwrap();
        assert!(store.idle().snapshot.is_none(), "dropped by the commit");
        assert_eq!(get(&store), Some(b"1".to_vec()));
        // A read during which a write commits does not keep its (older) snapshot.
        store
            .read(|_| store.write(|w| w.put(Table::META, b"a", b"2").map(drop)))
            .unwrap();
        assert!(store.idle().snapshot.is_none());
        assert_eq!(get(&store), Some(b"2".to_vec()));
        // Compaction needs every transaction closed: the kept snapshot goes first.
        assert!(store.idle().snapshot.is_some());
        store.compact().unwrap();
        assert_eq!(get(&store), Some(b"2".to_vec()));
    }

    #[test]
    fn reads_see_a_snapshot_and_writes_roll_back_on_error() {
        let store = Store::open(Location::Memory, None).unwrap();
        store
            .write(|w| Store::create_tables(w, &Table::OWN))
            .unwrap();
        store
            .write(|w| {
                w.put(Table::META, b"a", b"1")?;
                w.put(Table::META, b"b", b"2").map(drop)
            })
            .unwrap();
        let failed: Result<()> = store.write(|w| {
            w.put(Table::META, b"c", b"3")?;
            Err(Error::validation("x", "refused"))
        });
        assert!(failed.is_err());
        let mut seen = Vec::new();
        store
            .read(|r| {
                r.scan_prefix(Table::META, b"", false, |k, v| {
                    seen.push((k.to_vec(), v.to_vec()));
                    Ok(Flow::Continue(()))
                })
            })
            .unwrap();
        assert_eq!(
            seen,
            vec![
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), b"2".to_vec())
            ]
        );
        let reversed_range_is_empty = store
            .read(|r| {
                let mut n = 0;
                r.scan(
                    Table::META,
                    (Bound::Included(b"b"), Bound::Excluded(b"a")),
                    false,
                    |_, _| {
                        n += 1;
                        Ok(Flow::Continue(()))
                    },
                )?;
                Ok(n)
            })
            .unwrap();
        assert_eq!(reversed_range_is_empty, 0);
    }
}
