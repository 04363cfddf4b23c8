//! The `Crm` handle, its builder, and the ways of working inside one transaction: [`Batch`]
//! (read and write, committed together; [`Crm::batch`], or across calls through a
//! [`Transaction`] from [`Crm::begin`]) and [`Snapshot`] (a consistent read view). Both
//! dereference to [`View`], whose methods are the reads.
//!
//! Every operation is listed once, in the table of its group (`people.rs`, `sales.rs`,
//! `activities.rs`, `records.rs`, `maintenance.rs`), and expanded in that file by
//! `crm_macros::core_operations` (and in the bindings by their own macros): each read goes to
//! `View` and `Crm`, each write to `Batch` and `Crm`. A method on `Crm` runs in its own
//! transaction. `verify`, `compact` and `close` are written by hand on `Crm`.

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::ThreadId;

use crate::api::migrations;
use crate::api::{activities, kinds, maintenance, people, records, sales};
use crate::records::integrity::IntegrityReport;
use crate::records::tables;
use crate::sales::pipeline::{self};
#[cfg(not(target_arch = "wasm32"))]
use crate::storage::files;
use crate::storage::store::{AnyTx, Location, OpenWrite, Store, WriteTx, Writer};
use crate::values::clock::{Clock, SystemClock};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::{IdSource, RandomIds};

/// Options for opening a CRM: clock, id source, cache size, default phone region.
#[derive(Debug, Default)]
pub struct CrmBuilder {
    clock: Option<Arc<dyn Clock>>,
    ids: Option<Arc<dyn IdSource>>,
    cache_size: Option<usize>,
    phone_region: Option<String>,
}

impl CrmBuilder {
    /// Where timestamps come from (the system clock by default).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Where ids come from ([`RandomIds`] by default).
    pub fn id_source(mut self, ids: Arc<dyn IdSource>) -> Self {
        self.ids = Some(ids);
        self
    }

    /// The size of the page cache in bytes (redb's default when not set).
    pub fn cache_size(mut self, bytes: usize) -> Self {
        self.cache_size = Some(bytes);
        self
    }

    /// The country (ISO 3166-1 alpha-2) in which national phone numbers are read when a
    /// contact has no address country, such as `PL`.
    pub fn default_phone_region(mut self, region: &str) -> Self {
        self.phone_region = Some(region.to_string());
        self
    }

    /// Opens the CRM file at `path`, creating it if it does not exist.
    pub fn open(self, path: impl AsRef<Path>) -> Result<Crm> {
        self.open_at(Location::File(path.as_ref()))
    }

    /// Opens a new CRM that lives in memory and disappears when closed.
    pub fn open_in_memory(self) -> Result<Crm> {
        self.open_at(Location::Memory)
    }

    /// Opens an in-memory CRM holding a copy of a backup made by [`Crm::backup`] (or the
    /// bytes of a CRM file). Older schema versions are migrated; the bytes given are not
    /// changed.
    pub fn open_bytes(self, bytes: Vec<u8>) -> Result<Crm> {
        self.open_at(Location::Bytes(bytes))
    }

    /// Opens a CRM whose bytes live in a caller-provided redb storage backend (for example
    /// browser storage).
    pub fn open_backend(self, backend: impl redb::StorageBackend) -> Result<Crm> {
        self.open_at(Location::Backend(Box::new(backend)))
    }

    /// The clock, id source and phone region the CRM works with.
    pub(crate) fn context(&mut self) -> Result<Ctx> {
        let phone_region = match &self.phone_region {
            Some(r) => Some(
                crate::values::normalize::country_code(r)
                    .map_err(|reason| Error::validation("phone_region", reason))?,
            ),
            None => None,
        };
        let clock = match self.clock.clone() {
            Some(c) => c,
            None if cfg!(all(target_arch = "wasm32", target_os = "unknown")) => {
                return Err(Error::validation(
                    "clock",
                    "this platform has no system clock: give the builder one",
                ));
            }
            None => Arc::new(SystemClock),
        };
        let ids = self
            .ids
            .clone()
            .unwrap_or_else(|| Arc::new(RandomIds::new()));
        Ok(Ctx {
            clock,
            ids,
            phone_region,
            floor: Arc::new(std::sync::Mutex::new(0)),
        })
    }

    fn open_at(mut self, location: Location<'_>) -> Result<Crm> {
        let ctx = self.context()?;
        if let Location::File(path) = &location {
            #[cfg(not(target_arch = "wasm32"))]
            if files::unfinished(path) {
                // A new file appears only complete: built under another name, then renamed.
                files::create_whole(path, |temp| {
                    let store = Store::open(Location::File(temp), self.cache_size)?;
                    migrations::prepare(&store, &ctx)
                })?;
            }
            migrations::refuse_newer_file(path)?;
        }
        let store = Store::open(location, self.cache_size)?;
        migrations::prepare(&store, &ctx)?;
        ctx.raise_floor(store.read(highest_id)?);
        Ok(Crm {
            engine: RwLock::new(Some(Arc::new(Engine {
                store,
                ctx,
                writers: Mutex::default(),
            }))),
        })
    }
}

struct Engine {
    store: Store,
    ctx: Ctx,
    /// The threads that have a write of this CRM open (a batch, a [`Transaction`]): another
    /// write begun on one of them would wait for itself.
    writers: Mutex<Vec<ThreadId>>,
}

/// The highest id the file holds, record keys and stage ids alike: the floor for minting.
pub(crate) fn highest_id(r: &mut impl crate::storage::store::Reader) -> Result<u128> {
    Ok(crate::storage::store::highest_id(r, &tables::MINTED)?.max(pipeline::highest_stage_id(r)?))
}

/// An open CRM: a file or an in-memory database with contacts, companies, relations, custom
/// fields and search.
///
/// `Crm` is `Send + Sync`: share it between threads behind an `Arc`. Reads run in parallel on
/// consistent snapshots while one write commits at a time. Every method is one transaction:
/// a record and all its indexes change together or not at all; [`Crm::batch`] groups many
/// operations into one.
pub struct Crm {
    engine: RwLock<Option<Arc<Engine>>>,
}

impl std::fmt::Debug for Crm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crm")
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl Crm {
    /// Opens the CRM file at `path` with default options, creating it if needed.
    pub fn open(path: impl AsRef<Path>) -> Result<Crm> {
        Crm::builder().open(path)
    }

    /// Opens a new, empty in-memory CRM with default options.
    pub fn open_in_memory() -> Result<Crm> {
        Crm::builder().open_in_memory()
    }

    /// Options for opening a CRM.
    pub fn builder() -> CrmBuilder {
        CrmBuilder::default()
    }

    /// The schema version of files written by this library.
    pub const SCHEMA_VERSION: u32 = migrations::SCHEMA_VERSION;

    /// Closes the handle. Every later call returns [`Error::Closed`]; the file is released
    /// once operations already running on other threads finish. Closing twice is harmless.
    ///
    /// The index and search changes that recent single writes left aside (see
    /// ARCHITECTURE.md, *Recent changes*) are first written into the tables in one
    /// transaction, so that the next open has nothing to read back. Called inside a batch,
    /// it does not wait for that batch: the changes stay aside, as safe as before. If writing
    /// them fails, the handle is closed all the same, the changes stay aside, and the error is
    /// returned.
    pub fn close(&self) -> Result<()> {
        let mut slot = self.engine.write().unwrap_or_else(|e| e.into_inner());
        if let Some(engine) = slot.take() {
            if let Ok(_mark) = WriterMark::enter(&engine) {
                engine.store.fold()?;
            }
        }
        Ok(())
    }

    /// Whether [`Crm::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.engine
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }

    fn engine(&self) -> Result<Arc<Engine>> {
        self.engine
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or(Error::Closed)
    }

    /// Runs `f` in one write transaction: everything it does is committed together when it
    /// returns `Ok`, and nothing is when it returns `Err` (or when an operation inside failed
    /// after it had started writing). Inside `f`, use the batch's methods, which also read
    /// what the batch has written; a write through the `Crm` itself on the same thread is
    /// refused (it would wait for the batch forever), and a read through it sees the state
    /// before the batch. [`Crm::begin`] is the same for code that cannot give a closure.
    pub fn batch<T>(&self, f: impl FnOnce(&mut Batch<'_, '_>) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut value = None;
        self.batch_dyn(&mut |b| {
            if let Some(f) = f.take() {
                value = Some(f(b)?);
            }
            Ok(())
        })?;
        value.ok_or_else(|| Error::storage("a batch returned nothing"))
    }

    /// [`Crm::batch`] with `f` as a trait object, so that its body is compiled once rather
    /// than once per caller (see `Store::write_dyn`).
    fn batch_dyn(&self, f: &mut dyn FnMut(&mut Batch<'_, '_>) -> Result<()>) -> Result<()> {
        let mut t = self.begin()?;
        t.run_dyn(f)?;
        t.commit()
    }

    /// Begins a write transaction that stays open across calls, for code that cannot give
    /// the CRM a closure (the bindings' batches): each [`Transaction::run`] runs operations in
    /// it, and [`Transaction::commit`] commits all of them, or nothing. [`Crm::batch`] is the
    /// same in one call. While it is open, a write through the `Crm` on the thread that began
    /// it is refused (it would wait for itself); writes on other threads wait until it ends.
    pub fn begin(&self) -> Result<Transaction> {
        let engine = self.engine()?;
        let mark = WriterMark::enter(&engine)?;
        let open = engine.store.begin()?;
        Ok(Transaction {
            open: Some(open),
            failed: None,
            mark,
        })
    }

    /// Runs `f` on a consistent snapshot of the last committed state.
    pub fn read<T>(&self, f: impl FnOnce(&mut Snapshot<'_>) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut value = None;
        self.read_dyn(&mut |s| {
            if let Some(f) = f.take() {
                value = Some(f(s)?);
            }
            Ok(())
        })?;
        value.ok_or_else(|| Error::storage("a read returned nothing"))
    }

    /// [`Crm::read`] with `f` as a trait object (see [`Crm::batch_dyn`]).
    fn read_dyn(&self, f: &mut dyn FnMut(&mut Snapshot<'_>) -> Result<()>) -> Result<()> {
        let engine = self.engine()?;
        engine.store.read(|r| {
            f(&mut Snapshot {
                view: View {
                    tx: AnyTx::Read(r),
                    ctx: &engine.ctx,
                },
            })
        })
    }

    /// Checks that every index agrees with the records and every link points somewhere.
    ///
    /// Bytes found after the end of the database when the file was opened (appended by a copy
    /// or a tool) are ignored, and reported here as a problem until [`Crm::compact`] cuts them
    /// off.
    pub fn verify(&self) -> Result<IntegrityReport> {
        let mut report = self.read(|s| kinds::verify(&mut s.view.tx))?;
        let ignored = self.engine()?.store.ignored_bytes();
        if ignored > 0 {
            report.problems.insert(
                0,
                format!(
                    "the file holds {ignored} bytes after the end of its data, ignored                      (compact removes them)"
                ),
            );
        }
        Ok(report)
    }

    /// Gives unused space back: moves the stored pages to the start of the file and cuts off
    /// the free end. The file grows by doubling and keeps space freed by deletes, so it can
    /// be up to twice the size of what it holds; call this after a large import or cleanup.
    /// Other operations wait while it runs. It is refused (a `storage` error, nothing
    /// changed) while another operation of this CRM is running, or inside a batch.
    pub fn compact(&self) -> Result<()> {
        let engine = self.engine()?;
        let _mark = WriterMark::enter(&engine)?;
        engine.store.fold()?;
        engine.store.compact()
    }
}

/// Marks the thread that makes it as writing through one engine, until dropped (wherever it
/// is dropped: a [`Transaction`] may end on another thread).
struct WriterMark {
    engine: Arc<Engine>,
    thread: ThreadId,
}

impl WriterMark {
    fn enter(engine: &Arc<Engine>) -> Result<WriterMark> {
        let thread = std::thread::current().id();
        let mut writers = engine.writers.lock().unwrap_or_else(|e| e.into_inner());
        if writers.contains(&thread) {
            return Err(Error::validation(
                "batch",
                "this thread has a batch or transaction of this CRM open: use it, or end it first",
            ));
        }
        writers.push(thread);
        Ok(WriterMark {
            engine: Arc::clone(engine),
            thread,
        })
    }
}

impl Drop for WriterMark {
    fn drop(&mut self) {
        let mut writers = self
            .engine
            .writers
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(i) = writers.iter().position(|t| *t == self.thread) {
            writers.swap_remove(i);
        }
    }
}

/// A write transaction that stays open across calls; see [`Crm::begin`]. Dropped without
/// [`Transaction::commit`], it is rolled back.
pub struct Transaction {
    open: Option<OpenWrite>,
    /// The error of an operation that failed after it had written something: the transaction
    /// can then only be rolled back.
    failed: Option<Error>,
    mark: WriterMark,
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("open", &self.open.is_some())
            .field("failed", &self.failed)
            .finish()
    }
}

impl Transaction {
    /// Runs `f` in the transaction: operations through the batch it is given, which also read
    /// what the transaction has written so far. Nothing is committed until
    /// [`Transaction::commit`]. When `f` (or an operation in it) fails after writing
    /// something, the transaction can only be rolled back: later calls and the commit return
    /// that error.
    pub fn run<T>(&mut self, f: impl FnOnce(&mut Batch<'_, '_>) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut value = None;
        self.run_dyn(&mut |b| {
            if let Some(f) = f.take() {
                value = Some(f(b)?);
            }
            Ok(())
        })?;
        value.ok_or_else(|| Error::storage("a transaction's body returned nothing"))
    }

    /// [`Transaction::run`] with `f` as a trait object (see [`Crm::batch_dyn`]).
    fn run_dyn(&mut self, f: &mut dyn FnMut(&mut Batch<'_, '_>) -> Result<()>) -> Result<()> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let open = self.open.as_mut().ok_or_else(ended)?;
        let ctx = &self.mark.engine.ctx;
        let failed = &mut self.failed;
        let before = open.mutations();
        let result = open.run(&mut |w| {
            f(&mut Batch {
                view: View {
                    tx: AnyTx::Write(w),
                    ctx,
                },
                failed: &mut *failed,
            })
        });
        if let Err(e) = &result {
            if open.mutations() != before && failed.is_none() {
                *failed = Some(e.clone());
            }
        }
        match (result, failed.as_ref()) {
            (Ok(()), Some(e)) => Err(e.clone()),
            (result, _) => result,
        }
    }

    /// Commits everything the transaction did, durably; or, when an operation failed after
    /// writing, rolls it all back and returns that error.
    pub fn commit(mut self) -> Result<()> {
        let open = self.open.take().ok_or_else(ended)?;
        if let Some(e) = self.failed.take() {
            Store::roll_back(open);
            return Err(e);
        }
        self.mark.engine.store.commit(open)
    }

    /// Rolls the transaction back: nothing it did is kept.
    pub fn rollback(mut self) {
        if let Some(open) = self.open.take() {
            Store::roll_back(open);
        }
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if let Some(open) = self.open.take() {
            Store::roll_back(open);
        }
    }
}

/// The error of a transaction used after it ended.
fn ended() -> Error {
    Error::validation("transaction", "has already ended")
}

/// What every read runs on: a snapshot or a write transaction, and the CRM's context. The
/// reads are its methods, so that a [`Snapshot`] and a [`Batch`] (which dereference to it) share
/// one copy of each; a write transaction's reads see what it has written.
pub struct View<'a, 't> {
    pub(super) tx: AnyTx<'a, 't>,
    pub(super) ctx: &'a Ctx,
}

/// A write transaction in progress; see [`Crm::batch`] and [`Transaction::run`]. Its reads
/// are those of [`View`], which it dereferences to.
pub struct Batch<'a, 't> {
    view: View<'a, 't>,
    /// The error of an operation that failed after it had written something: the batch can
    /// then only be rolled back.
    failed: &'a mut Option<Error>,
}

impl Batch<'_, '_> {
    pub(super) fn run<T>(
        &mut self,
        op: impl FnOnce(&mut WriteTx<'_>, &Ctx) -> Result<T>,
    ) -> Result<T> {
        if let Some(e) = &*self.failed {
            return Err(e.clone());
        }
        let ctx = self.view.ctx;
        let AnyTx::Write(w) = &mut self.view.tx else {
            return Err(Error::storage("a batch without a write transaction"));
        };
        let before = w.mutations();
        let result = op(w, ctx);
        if let Err(e) = &result {
            if w.mutations() != before {
                *self.failed = Some(e.clone());
            }
        }
        result
    }
}

impl<'a, 't> std::ops::Deref for Batch<'a, 't> {
    type Target = View<'a, 't>;
    fn deref(&self) -> &View<'a, 't> {
        &self.view
    }
}

impl<'a, 't> std::ops::DerefMut for Batch<'a, 't> {
    fn deref_mut(&mut self) -> &mut View<'a, 't> {
        &mut self.view
    }
}

/// A consistent read-only view of the last commit; see [`Crm::read`]. Its reads are those of
/// [`View`], which it dereferences to.
pub struct Snapshot<'a> {
    view: View<'a, 'static>,
}

impl<'a> std::ops::Deref for Snapshot<'a> {
    type Target = View<'a, 'static>;
    fn deref(&self) -> &View<'a, 'static> {
        &self.view
    }
}

impl<'a> std::ops::DerefMut for Snapshot<'a> {
    fn deref_mut(&mut self) -> &mut View<'a, 'static> {
        &mut self.view
    }
}

/// Every operation of [`Crm`] that the bindings expose and the scenario suite covers, by its
/// Rust name, group by group (each group's table lists its reads, its writes, then the methods
/// of `Crm` written by hand here: `verify`, `compact`, `close`).
pub const OPERATIONS: &[&str] = &concat::<
    {
        people::PEOPLE_OPERATIONS.len()
            + sales::SALES_OPERATIONS.len()
            + activities::ACTIVITIES_OPERATIONS.len()
            + records::RECORDS_OPERATIONS.len()
            + maintenance::MAINTENANCE_OPERATIONS.len()
    },
>(&[
    people::PEOPLE_OPERATIONS,
    sales::SALES_OPERATIONS,
    activities::ACTIVITIES_OPERATIONS,
    records::RECORDS_OPERATIONS,
    maintenance::MAINTENANCE_OPERATIONS,
]);

/// The lists one after another, as an array of `N` names, their total length (at compile time).
const fn concat<const N: usize>(lists: &[&[&'static str]]) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut list, mut i, mut n) = (0, 0, 0);
    while list < lists.len() {
        if i < lists[list].len() {
            out[n] = lists[list][i];
            n += 1;
            i += 1;
        } else {
            list += 1;
            i = 0;
        }
    }
    assert!(n == N, "N is the total length of the lists");
    out
}
