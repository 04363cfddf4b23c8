//! The `Crm` handle, its builder, and the two ways of working inside one transaction:
//! [`Batch`] (read and write, committed together) and [`Snapshot`] (a consistent read view).
//!
//! Every operation is listed once, in the `operations!` invocation at the end of this file or
//! in the operation table (`operation_table.rs`, expanded here by `crm_macros::core_operations`
//! and in the bindings by their own macros); both give each read to `Snapshot`, `Batch` and
//! `Crm`, and each write to `Batch` and `Crm`. A method on `Crm` runs in its own transaction.

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::ThreadId;

use chrono::{DateTime, NaiveDate, Utc};

use crate::activities::activity::{
    self, Activity, ActivityInput, CompletedActivity, Completion, ParticipantResponse, TaskQuery,
};
use crate::activities::calendar::{
    self, AgendaQuery, Calendar, CalendarInput, DueReminder, EventInstance, FreeBusyQuery,
    ReminderQuery, TimeSpan,
};
use crate::activities::timeline::{self, Journey, TimelinePage, TimelineQuery};
use crate::api::migrations;
use crate::api::{kinds, reactions};
use crate::formats::bulk::{self, ImportData, ImportReport, Progress};
use crate::formats::ical::{self, IcalExport, IcalImportReport};
use crate::people::company::{self, Company, CompanyFilter, CompanyInput, CompanyQuery};
use crate::people::contact::{self, Contact, ContactFilter, ContactInput, ContactQuery};
use crate::people::relation::{
    self, Employment, EmploymentInput, EmploymentUpdate, Relation, RelationInput, RelationType,
    RelationView,
};
use crate::queries::query::{self, Page, TimeRange};
use crate::queries::search::{self, SearchHit, SearchQuery};
use crate::records::fields::{self, FieldDef};
use crate::records::integrity::IntegrityReport;
use crate::records::tables;
use crate::sales::analytics::{
    self, ClosingQuery, Forecast, ForecastQuery, Leaderboard, PipelineValue, SalesCycle,
    SalesCycleQuery, WinRateQuery, WinRates,
};
use crate::sales::deal::{
    self, Deal, DealFilter, DealInput, DealMove, DealQuery, FollowUpInput, StageChange, StageTime,
};
use crate::sales::fx::{self, ExchangeRate};
use crate::sales::lead::{
    self, ConvertedLead, Lead, LeadConversion, LeadFilter, LeadInput, LeadQuery,
};
use crate::sales::pipeline::{self, Pipeline, PipelineInput, StageInput};
use crate::sales::product::{self, PriceList, PriceListInput, Product, ProductInput};
use crate::sales::quote::{self, Quote, QuoteAcceptance, QuoteInput};
use crate::storage::store::{Location, OpenWrite, ReadTx, Store, WriteTx, Writer};
use crate::values::clock::{Clock, SystemClock};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::RecordKind;
use crate::values::id::{
    ActivityId, CalendarId, CompanyId, ContactId, DealId, EmploymentId, IdSource, LeadId,
    PipelineId, PriceListId, ProductId, QuoteId, RandomIds, RecordRef, RelationId, StageId,
};
use crate::values::money::{Currency, Money};

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

    fn open_at(self, location: Location<'_>) -> Result<Crm> {
        let phone_region = match self.phone_region {
            Some(r) => Some(
                crate::values::normalize::country_code(&r)
                    .map_err(|reason| Error::validation("phone_region", reason))?,
            ),
            None => None,
        };
        let clock = match self.clock {
            Some(c) => c,
            None if cfg!(all(target_arch = "wasm32", target_os = "unknown")) => {
                return Err(Error::validation(
                    "clock",
                    "this platform has no system clock: give the builder one",
                ));
            }
            None => Arc::new(SystemClock),
        };
        let ids = self.ids.unwrap_or_else(|| Arc::new(RandomIds::new()));
        if let Location::File(path) = &location {
            migrations::refuse_newer_file(path)?;
        }
        let store = Store::open(location, self.cache_size)?;
        let ctx = Ctx {
            clock,
            ids,
            phone_region,
            floor: Arc::new(std::sync::Mutex::new(0)),
        };
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
    /// before the batch.
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
                r,
                ctx: &engine.ctx,
            })
        })
    }

    /// Checks that every index agrees with the records and every link points somewhere.
    pub fn verify(&self) -> Result<IntegrityReport> {
        self.read(|s| kinds::verify(s.r))
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
                w,
                ctx,
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

/// A write transaction in progress; see [`Crm::batch`] and [`Transaction::run`].
pub struct Batch<'a, 't> {
    w: &'a mut WriteTx<'t>,
    ctx: &'a Ctx,
    /// The error of an operation that failed after it had written something: the batch can
    /// then only be rolled back.
    failed: &'a mut Option<Error>,
}

impl Batch<'_, '_> {
    fn run<T>(&mut self, op: impl FnOnce(&mut WriteTx<'_>, &Ctx) -> Result<T>) -> Result<T> {
        if let Some(e) = &*self.failed {
            return Err(e.clone());
        }
        let before = self.w.mutations();
        let result = op(self.w, self.ctx);
        if let Err(e) = &result {
            if self.w.mutations() != before {
                *self.failed = Some(e.clone());
            }
        }
        result
    }
}

/// A consistent read-only view; see [`Crm::read`].
pub struct Snapshot<'a> {
    r: &'a mut ReadTx,
    ctx: &'a Ctx,
}

macro_rules! operations {
    (
        reads { $(
            $(#[$rdoc:meta])*
            fn $rname:ident($($rarg:ident: $rty:ty),*) -> $rret:ty = |$rr:ident, $rctx:ident| $rbody:expr;
        )* }
        writes { $(
            $(#[$wdoc:meta])*
            fn $wname:ident($($warg:ident: $wty:ty),*) -> $wret:ty = |$ww:ident, $wctx:ident| $wbody:expr;
        )* }
        others { $($other:ident),* $(,)? }
    ) => {
        /// The operations of this table by name: reads, writes, then the rest.
        const OPERATIONS_HERE: &[&str] = &[$(stringify!($rname),)* $(stringify!($wname),)* $(stringify!($other),)*];

        impl Snapshot<'_> {$(
            $(#[$rdoc])*
            pub fn $rname(&mut self, $($rarg: $rty),*) -> Result<$rret> {
                let ($rr, $rctx) = (&mut *self.r, self.ctx);
                let _ = &$rctx;
                $rbody
            }
        )*}

        impl Batch<'_, '_> {
            $(
                $(#[$rdoc])*
                pub fn $rname(&mut self, $($rarg: $rty),*) -> Result<$rret> {
                    let ($rr, $rctx) = (&mut *self.w, self.ctx);
                    let _ = &$rctx;
                    $rbody
                }
            )*
            $(
                $(#[$wdoc])*
                pub fn $wname(&mut self, $($warg: $wty),*) -> Result<$wret> {
                    self.run(|$ww, $wctx| {
                        let _ = &$wctx;
                        $wbody
                    })
                }
            )*
        }

        impl Crm {
            $(
                $(#[$rdoc])*
                pub fn $rname(&self, $($rarg: $rty),*) -> Result<$rret> {
                    self.read(|s| s.$rname($($rarg),*))
                }
            )*
            $(
                $(#[$wdoc])*
                pub fn $wname(&self, $($warg: $wty),*) -> Result<$wret> {
                    self.batch(|b| b.$wname($($warg),*))
                }
            )*
        }
    };
}

operations! {
    reads {
        /// The contact with this id.
        fn get_contact(id: ContactId) -> Contact = |r, ctx| contact::get(r, id);
        /// The active contact holding this email address (compared without case).
        fn find_contact_by_email(email: &str) -> Option<Contact> = |r, ctx| contact::by_email(r, email);
        /// The active contacts with this phone number (compared in E.164 form when it can be
        /// read, national numbers in the default phone region).
        fn find_contacts_by_phone(phone: &str) -> Vec<Contact> = |r, ctx| contact::by_phone(r, ctx, phone);
        /// How many contacts match a filter.
        fn count_contacts(filter: &ContactFilter) -> u64 = |r, ctx| {
            query::count_records::<Contact>(r, ctx, filter)
        };
        /// The company with this id.
        fn get_company(id: CompanyId) -> Company = |r, ctx| company::get(r, id);
        /// The active companies with this web domain (a pasted URL is reduced to its domain).
        fn find_companies_by_domain(domain: &str) -> Vec<Company> = |r, ctx| company::by_domain(r, domain);
        /// One page of companies matching a filter, in the requested order.
        fn list_companies(query: &CompanyQuery) -> Page<Company> = |r, ctx| {
            query::list_records::<Company>(r, ctx, query)
        };
        /// How many companies match a filter.
        fn count_companies(filter: &CompanyFilter) -> u64 = |r, ctx| {
            query::count_records::<Company>(r, ctx, filter)
        };
        /// The direct subsidiaries of a company.
        fn subsidiaries(id: CompanyId) -> Vec<Company> = |r, ctx| {
            company::get(r, id)?;
            company::subsidiaries(r, id)
        };
        /// The parent, grandparent… of a company, nearest first.
        fn ancestors(id: CompanyId) -> Vec<Company> = |r, ctx| company::ancestors(r, id);
        /// An employment by id.
        fn get_employment(id: EmploymentId) -> Employment = |r, ctx| relation::get_employment(r, id);
        /// The companies a contact is linked to, oldest link first.
        fn employments_of_contact(id: ContactId) -> Vec<Employment> = |r, ctx| relation::employments_of_contact(r, id);
        /// The people linked to a company, oldest link first.
        fn employments_at_company(id: CompanyId) -> Vec<Employment> = |r, ctx| relation::employments_at_company(r, id);
        /// Every relation type, built-in and defined, by key.
        fn relation_types() -> Vec<RelationType> = |r, ctx| relation::relation_types(r);
        /// The relations of a record as seen from it: outgoing then incoming.
        fn relations_of(record: RecordRef) -> Vec<RelationView> = |r, ctx| relation::relations_of(r, record);
        /// The custom field definitions of a record kind, by key.
        fn field_defs(kind: RecordKind) -> Vec<FieldDef> = |r, ctx| Ok(fields::defs(r, kind)?.to_vec());
        /// Full-text search across contacts, companies, leads and deals.
        fn search(query: &SearchQuery) -> Vec<SearchHit> = |r, ctx| search::search(r, &kinds::SEARCHED, query);
        /// The lead with this id.
        fn get_lead(id: LeadId) -> Lead = |r, ctx| lead::get(r, id);
        /// The leads (archived ones too) captured with this email address, oldest first.
        fn find_leads_by_email(email: &str) -> Vec<Lead> = |r, ctx| lead::by_email(r, email);
        /// One page of leads matching a filter, in the requested order.
        fn list_leads(query: &LeadQuery) -> Page<Lead> = |r, ctx| {
            query::list_records::<Lead>(r, ctx, query)
        };
        /// How many leads match a filter.
        fn count_leads(filter: &LeadFilter) -> u64 = |r, ctx| {
            query::count_records::<Lead>(r, ctx, filter)
        };
        /// The pipeline with this id.
        fn get_pipeline(id: PipelineId) -> Pipeline = |r, ctx| pipeline::get(r, id);
        /// Every pipeline, in the order they were created.
        fn pipelines() -> Vec<Pipeline> = |r, ctx| pipeline::all(r);
        /// The pipeline new deals go to when they name none.
        fn default_pipeline() -> Pipeline = |r, ctx| pipeline::default(r);
        /// The deal with this id.
        fn get_deal(id: DealId) -> Deal = |r, ctx| deal::get(r, ctx, id);
        /// One page of deals matching a filter, in the requested order.
        fn list_deals(query: &DealQuery) -> Page<Deal> = |r, ctx| {
            let mut page = query::list_records::<Deal>(r, ctx, query)?;
            deal::present_all(r, ctx, &mut page.items)?;
            Ok(page)
        };
        /// How many deals match a filter.
        fn count_deals(filter: &DealFilter) -> u64 = |r, ctx| {
            query::count_records::<Deal>(r, ctx, filter)
        };
        /// Every stage change of a deal, oldest first (the first is the stage it was created in).
        fn deal_history(id: DealId) -> Vec<StageChange> = |r, ctx| deal::history_of(r, id);
        /// The time a deal spent in each stage it visited, in order of first visit; the
        /// seconds add up to the deal's age.
        fn deal_stage_times(id: DealId) -> Vec<StageTime> = |r, ctx| deal::time_in_stages(r, ctx, id);
        /// The product with this id.
        fn get_product(id: ProductId) -> Product = |r, ctx| product::get(r, id);
        /// The product with this SKU (ignoring case), archived or not.
        fn find_product_by_sku(sku: &str) -> Option<Product> = |r, ctx| product::by_sku(r, sku);
        /// Every product by name; archived ones too when asked.
        fn products(include_archived: bool) -> Vec<Product> = |r, ctx| product::all(r, include_archived);
        /// Active products whose name or SKU has words starting with each word of `text`.
        fn search_products(text: &str) -> Vec<Product> = |r, ctx| product::search(r, text);
        /// The price list with this id.
        fn get_price_list(id: PriceListId) -> PriceList = |r, ctx| product::get_price_list(r, id);
        /// Every price list, in the order they were created.
        fn price_lists() -> Vec<PriceList> = |r, ctx| product::price_lists(r);
        /// The quote (one version) with this id.
        fn get_quote(id: QuoteId) -> Quote = |r, ctx| quote::get(r, ctx, id);
        /// Every quote of a deal, every version, oldest first.
        fn quotes_of_deal(deal: DealId) -> Vec<Quote> = |r, ctx| quote::of_deal(r, ctx, deal);
        /// Every version of the quote with this number (ignoring case), oldest first.
        fn find_quotes_by_number(number: &str) -> Vec<Quote> = |r, ctx| quote::by_number(r, ctx, number);
        /// The currency reports are in (EUR until one is set).
        fn reporting_currency() -> Currency = |r, ctx| fx::reporting_currency(r);
        /// The rates entered for a pair, oldest first (not their inverses).
        fn exchange_rates(base: Currency, quote: Currency) -> Vec<ExchangeRate> = |r, ctx| fx::rates(r, base, quote);
        /// Converts money at the latest rate on or before `date` (or the inverse of the reverse
        /// pair's), rounding once, half away from zero, to the target's minor unit.
        fn convert_money(money: Money, to: Currency, date: NaiveDate) -> Money = |r, ctx| fx::convert(r, money, to, date);
        /// The open value of every pipeline, per stage, in the reporting currency.
        fn pipeline_values() -> Vec<PipelineValue> = |r, ctx| analytics::pipeline_values(r, ctx);
        /// The weighted forecast of open deals per month or quarter of expected close, per
        /// owner, in the reporting currency.
        fn forecast(query: &ForecastQuery) -> Forecast = |r, ctx| analytics::forecast(r, ctx, query);
        /// Won / (won + lost) over the deals closed in a range, overall and per owner,
        /// pipeline or source.
        fn win_rates(query: &WinRateQuery) -> WinRates = |r, ctx| analytics::win_rates(r, ctx, query);
        /// Days to close (average and median), average time per stage and pipeline velocity.
        fn sales_cycle(query: &SalesCycleQuery) -> SalesCycle = |r, ctx| analytics::sales_cycle(r, ctx, query);
        /// Open deals that sat in their stage longer than it allows (of one pipeline if given).
        fn deals_at_risk(pipeline: Option<PipelineId>) -> Vec<Deal> = |r, ctx| analytics::deals_at_risk(r, ctx, pipeline);
        /// Open deals expected to close between two days.
        fn deals_closing(query: &ClosingQuery) -> Vec<Deal> = |r, ctx| analytics::deals_closing(r, ctx, query);
        /// Owners ranked by the value of the deals they won in a range.
        fn leaderboard(closed: TimeRange) -> Leaderboard = |r, _ctx| analytics::leaderboard(r, &closed);
        /// A copy of the whole database as bytes: a compact CRM file that
        /// [`CrmBuilder::open_bytes`] or [`Crm::open`] (once written to disk) opens again.
        /// `progress` is told how many entries are copied and returns `false` to cancel.
        fn backup(progress: &mut dyn FnMut(Progress) -> bool) -> Vec<u8> = |r, ctx| bulk::backup(r, progress);
        /// The activity with this id.
        fn get_activity(id: ActivityId) -> Activity = |r, ctx| activity::get(r, id);
        /// One page of a record's timeline: its creation, its activities, a deal's stage
        /// changes and the record's changes, newest first unless asked otherwise.
        fn timeline(query: &TimelineQuery) -> TimelinePage = |r, ctx| timeline::timeline(r, query);
        /// A contact's journey: its done exchanges with a channel, oldest first, with its
        /// lifecycle stage at each, counts per channel, and the first and last touch.
        fn customer_journey(contact: ContactId) -> Journey = |r, ctx| timeline::journey(r, contact);
        /// The activities planned on completing this one.
        fn follow_ups(id: ActivityId) -> Vec<Activity> = |r, ctx| activity::follow_ups(r, id);
        /// The chain of follow-ups this activity belongs to, from its first activity on, in
        /// the order they were created.
        fn activity_chain(id: ActivityId) -> Vec<Activity> = |r, ctx| activity::chain(r, id);
        /// An owner's open, overdue, due-today or done tasks.
        fn tasks(query: &TaskQuery) -> Vec<Activity> = |r, ctx| activity::tasks(r, ctx, query);
        /// The occurrences of an activity from `from` on (until `until` when given; a series
        /// that never ends needs it).
        fn activity_occurrences(id: ActivityId, from: DateTime<Utc>, until: Option<DateTime<Utc>>) -> Vec<TimeSpan> = |r, ctx| {
            calendar::occurrences_of(r, id, from, until)
        };
        /// The calendar with this id.
        fn get_calendar(id: CalendarId) -> Calendar = |r, ctx| calendar::get(r, id);
        /// Every calendar, in the order they were created.
        fn calendars() -> Vec<Calendar> = |r, ctx| calendar::all(r);
        /// The event occurrences of a calendar or a user in a range, by start.
        fn agenda(query: &AgendaQuery) -> Vec<EventInstance> = |r, ctx| calendar::agenda(r, query);
        /// When a user is busy in a range.
        fn free_busy(query: &FreeBusyQuery) -> Vec<TimeSpan> = |r, ctx| calendar::free_busy(r, query);
        /// The reminders due in a range, in time order.
        fn reminders_due(query: &ReminderQuery) -> Vec<DueReminder> = |r, ctx| calendar::reminders_due(r, query);
        /// A calendar, or its events in a range, as an iCalendar (`.ics`) file.
        fn export_ical(export: &IcalExport) -> String = |r, ctx| ical::export_ical(r, ctx, export);
    }
    writes {
        /// Replaces the editable fields of a contact (see [`Contact::to_input`]).
        fn update_contact(id: ContactId, input: ContactInput) -> Contact = |w, ctx| contact::update(w, ctx, id, &input);
        /// Adds tags to a contact (existing ones are kept).
        fn add_contact_tags(id: ContactId, tags: &[String]) -> Contact = |w, ctx| contact::retag(w, ctx, id, tags, &[]);
        /// Removes tags from a contact (compared without case or diacritics).
        fn remove_contact_tags(id: ContactId, tags: &[String]) -> Contact = |w, ctx| contact::retag(w, ctx, id, &[], tags);
        /// Archives a contact: it leaves search and default listings and frees its email
        /// addresses. Archiving an archived contact changes nothing.
        fn archive_contact(id: ContactId) -> Contact = |w, ctx| contact::set_archived(w, ctx, id, true);
        /// Restores an archived contact; refused if another active contact took one of its
        /// email addresses meanwhile.
        fn restore_contact(id: ContactId) -> Contact = |w, ctx| contact::set_archived(w, ctx, id, false);
        /// Deletes a contact with its employments and relations.
        fn delete_contact(id: ContactId) -> () = |w, ctx| contact::delete(w, ctx, id, reactions::forget);
        /// Creates a company.
        fn create_company(input: CompanyInput) -> Company = |w, ctx| company::create(w, ctx, &input);
        /// Replaces the editable fields of a company (see [`Company::to_input`]).
        fn update_company(id: CompanyId, input: CompanyInput) -> Company = |w, ctx| company::update(w, ctx, id, &input);
        /// Adds tags to a company (existing ones are kept).
        fn add_company_tags(id: CompanyId, tags: &[String]) -> Company = |w, ctx| company::retag(w, ctx, id, tags, &[]);
        /// Removes tags from a company (compared without case or diacritics).
        fn remove_company_tags(id: CompanyId, tags: &[String]) -> Company = |w, ctx| company::retag(w, ctx, id, &[], tags);
        /// Archives a company: it leaves search and default listings.
        fn archive_company(id: CompanyId) -> Company = |w, ctx| company::set_archived(w, ctx, id, true);
        /// Restores an archived company.
        fn restore_company(id: CompanyId) -> Company = |w, ctx| company::set_archived(w, ctx, id, false);
        /// Deletes a company with its employments and relations; its subsidiaries lose their
        /// parent.
        fn delete_company(id: CompanyId) -> () = |w, ctx| company::delete(w, ctx, id, reactions::forget);
        /// Links a contact to a company. The first link of a contact is its primary one.
        fn link_contact_to_company(input: EmploymentInput) -> Employment = |w, ctx| relation::link(w, ctx, &input);
        /// Changes the role, title or primary mark of an employment.
        fn update_employment(id: EmploymentId, update: EmploymentUpdate) -> Employment = |w, ctx| {
            relation::update_employment(w, ctx, id, &update)
        };
        /// Removes an employment; if it was primary, the contact's oldest other one becomes so.
        fn unlink_employment(id: EmploymentId) -> () = |w, ctx| relation::unlink(w, ctx, id);
        /// Defines a new relation type.
        fn define_relation_type(relation_type: RelationType) -> RelationType = |w, ctx| {
            relation::define_type(w, &relation_type)
        };
        /// Deletes a relation type that no relation uses (built-in types stay).
        fn delete_relation_type(key: &str) -> () = |w, ctx| relation::delete_type(w, key);
        /// Relates two records of the same kind.
        fn relate(input: RelationInput) -> Relation = |w, ctx| relation::relate(w, ctx, &input);
        /// Removes a relation.
        fn unrelate(id: RelationId) -> () = |w, ctx| relation::unrelate(w, id);
        /// Creates a lead (status `new` unless given).
        fn create_lead(input: LeadInput) -> Lead = |w, ctx| lead::create(w, ctx, &input);
        /// Replaces the editable fields of a lead (see [`Lead::to_input`]).
        fn update_lead(id: LeadId, input: LeadInput) -> Lead = |w, ctx| lead::update(w, ctx, id, &input);
        /// Adds tags to a lead.
        fn add_lead_tags(id: LeadId, tags: &[String]) -> Lead = |w, ctx| lead::retag(w, ctx, id, tags, &[]);
        /// Removes tags from a lead.
        fn remove_lead_tags(id: LeadId, tags: &[String]) -> Lead = |w, ctx| lead::retag(w, ctx, id, &[], tags);
        /// Archives a lead: it leaves search and default listings.
        fn archive_lead(id: LeadId) -> Lead = |w, ctx| lead::set_archived(w, ctx, id, true);
        /// Restores an archived lead.
        fn restore_lead(id: LeadId) -> Lead = |w, ctx| lead::set_archived(w, ctx, id, false);
        /// Deletes a lead with its relations (what it was converted into stays).
        fn delete_lead(id: LeadId) -> () = |w, ctx| lead::delete(w, ctx, id, reactions::forget);
        /// Converts a lead into a contact, a company (new or matched, as chosen) and
        /// optionally a deal, all in one transaction. Converting twice is refused, and so is
        /// converting a disqualified lead.
        fn convert_lead(id: LeadId, conversion: LeadConversion) -> ConvertedLead = |w, ctx| {
            lead::convert(w, ctx, id, &conversion)
        };
        /// Creates a pipeline with its stages (at least one open, one won and one lost).
        fn create_pipeline(input: PipelineInput) -> Pipeline = |w, ctx| pipeline::create(w, ctx, &input, false);
        /// Renames a pipeline.
        fn rename_pipeline(id: PipelineId, name: &str) -> Pipeline = |w, ctx| pipeline::rename(w, ctx, id, name);
        /// Makes a pipeline the one new deals go to when they name none.
        fn set_default_pipeline(id: PipelineId) -> Pipeline = |w, ctx| pipeline::set_default(w, ctx, id);
        /// Adds a stage at a position (0 is first; the end when absent).
        fn add_stage(pipeline: PipelineId, stage: StageInput, position: Option<u32>) -> Pipeline = |w, ctx| {
            pipeline::add_stage(w, ctx, pipeline, &stage, position)
        };
        /// Changes a stage; a stage holding deals keeps its kind.
        fn update_stage(pipeline: PipelineId, stage: StageId, input: StageInput) -> Pipeline = |w, ctx| {
            pipeline::update_stage(w, ctx, pipeline, stage, &input)
        };
        /// Puts the active stages of a pipeline in a new order (every one listed once).
        fn reorder_stages(pipeline: PipelineId, order: &[StageId]) -> Pipeline = |w, ctx| {
            pipeline::reorder(w, ctx, pipeline, order)
        };
        /// Archives a stage, moving its deals to `move_to` first (refused without it when
        /// the stage holds deals).
        fn archive_stage(pipeline: PipelineId, stage: StageId, move_to: Option<StageId>) -> Pipeline = |w, ctx| {
            pipeline::archive_stage(w, ctx, pipeline, stage, move_to)
        };
        /// Deletes a pipeline that holds no deals and is not the default.
        fn delete_pipeline(id: PipelineId) -> () = |w, ctx| pipeline::delete(w, id);
        /// Creates a deal, recording the stage it starts in.
        fn create_deal(input: DealInput) -> Deal = |w, ctx| deal::create(w, ctx, &input);
        /// Replaces the editable fields of a deal; a new stage or pipeline is recorded as a
        /// stage change.
        fn update_deal(id: DealId, input: DealInput) -> Deal = |w, ctx| deal::update(w, ctx, id, &input);
        /// Moves a deal to another stage of its pipeline, recording the change. A won or lost
        /// stage closes it (freezing its value in the reporting currency); an open one
        /// reopens it.
        fn move_deal(id: DealId, target: DealMove) -> Deal = |w, ctx| deal::move_to(w, ctx, id, &target);
        /// Adds tags to a deal.
        fn add_deal_tags(id: DealId, tags: &[String]) -> Deal = |w, ctx| deal::retag(w, ctx, id, tags, &[]);
        /// Removes tags from a deal.
        fn remove_deal_tags(id: DealId, tags: &[String]) -> Deal = |w, ctx| deal::retag(w, ctx, id, &[], tags);
        /// Archives a deal: it leaves search, default listings and every report.
        fn archive_deal(id: DealId) -> Deal = |w, ctx| deal::set_archived(w, ctx, id, true);
        /// Restores an archived deal.
        fn restore_deal(id: DealId) -> Deal = |w, ctx| deal::set_archived(w, ctx, id, false);
        /// Deletes a deal with its stage history, quotes and relations.
        fn delete_deal(id: DealId) -> () = |w, ctx| deal::delete(w, ctx, id, reactions::forget);
        /// Opens a follow-up or upsell deal for a won deal's customer (same company and
        /// contacts, the won deal as its origin).
        fn open_follow_up(won: DealId, input: FollowUpInput) -> Deal = |w, ctx| deal::follow_up(w, ctx, won, &input);
        /// Creates a product.
        fn create_product(input: ProductInput) -> Product = |w, ctx| product::create(w, ctx, &input);
        /// Replaces a product.
        fn update_product(id: ProductId, input: ProductInput) -> Product = |w, ctx| product::update(w, ctx, id, &input);
        /// Archives a product: it leaves `products` and `search_products` (lines that name it
        /// keep working).
        fn archive_product(id: ProductId) -> Product = |w, ctx| product::set_archived(w, ctx, id, true);
        /// Restores an archived product.
        fn restore_product(id: ProductId) -> Product = |w, ctx| product::set_archived(w, ctx, id, false);
        /// Creates a price list.
        fn create_price_list(input: PriceListInput) -> PriceList = |w, ctx| product::create_price_list(w, ctx, &input);
        /// Replaces a price list.
        fn update_price_list(id: PriceListId, input: PriceListInput) -> PriceList = |w, ctx| {
            product::update_price_list(w, ctx, id, &input)
        };
        /// Deletes a price list that no deal uses.
        fn delete_price_list(id: PriceListId) -> () = |w, ctx| product::delete_price_list(w, id);
        /// Makes a quote (version 1, a new number) from a deal's current lines.
        fn create_quote(deal: DealId, input: QuoteInput) -> Quote = |w, ctx| quote::create(w, ctx, deal, &input);
        /// Makes the next version of a quote from its deal's current lines; the revised
        /// version is superseded.
        fn revise_quote(id: QuoteId, input: QuoteInput) -> Quote = |w, ctx| quote::revise(w, ctx, id, &input);
        /// Marks a draft quote as sent.
        fn send_quote(id: QuoteId) -> Quote = |w, ctx| quote::send(w, ctx, id);
        /// Records the customer's acceptance of a quote, setting the deal's amount to its net
        /// total when asked.
        fn accept_quote(id: QuoteId, acceptance: QuoteAcceptance) -> Quote = |w, ctx| quote::accept(w, ctx, id, &acceptance);
        /// Deletes one version of a quote.
        fn delete_quote(id: QuoteId) -> () = |w, ctx| quote::delete(w, ctx, id);
        /// Sets the currency reports are in. Values frozen in another currency are converted
        /// again at their close date's rate.
        fn set_reporting_currency(currency: Currency) -> Currency = |w, ctx| fx::set_reporting_currency(w, currency);
        /// Enters (or replaces) the rate of a currency pair from a date on.
        fn set_exchange_rate(rate: ExchangeRate) -> ExchangeRate = |w, ctx| fx::set_rate(w, &rate);
        /// Defines a custom field. When it is required, existing records get its default, or
        /// the definition is refused if it has none and records exist.
        fn define_field(definition: FieldDef) -> FieldDef = |w, ctx| match definition.record_kind {
            RecordKind::Contact => fields::define::<Contact>(w, &definition),
            RecordKind::Company => fields::define::<Company>(w, &definition),
            RecordKind::Lead => fields::define::<Lead>(w, &definition),
            RecordKind::Deal => fields::define::<Deal>(w, &definition),
        };
        /// Changes a custom field definition: existing values are converted where that keeps
        /// their meaning, or the change is refused naming a record in the way.
        fn update_field(definition: FieldDef) -> FieldDef = |w, ctx| match definition.record_kind {
            RecordKind::Contact => fields::update::<Contact>(w, &definition),
            RecordKind::Company => fields::update::<Company>(w, &definition),
            RecordKind::Lead => fields::update::<Lead>(w, &definition),
            RecordKind::Deal => fields::update::<Deal>(w, &definition),
        };
        /// Deletes a custom field definition and every value records hold for it.
        fn delete_field(kind: RecordKind, key: &str) -> () = |w, ctx| match kind {
            RecordKind::Contact => fields::delete::<Contact>(w, key),
            RecordKind::Company => fields::delete::<Company>(w, key),
            RecordKind::Lead => fields::delete::<Lead>(w, key),
            RecordKind::Deal => fields::delete::<Deal>(w, key),
        };
        /// Imports companies, contacts and the links between them in one transaction: all of
        /// it, or nothing if one record is refused (the error's field says which, such as
        /// `contacts[17].emails[0].address`) or if `progress` returns `false`.
        fn import_records(data: ImportData, progress: &mut dyn FnMut(Progress) -> bool) -> ImportReport = |w, ctx| {
            bulk::import_records(w, ctx, &data, progress)
        };
        /// Records an activity: a call, meeting, task, note, email or other exchange.
        fn create_activity(input: ActivityInput) -> Activity = |w, ctx| activity::create(w, ctx, &input);
        /// Replaces the editable fields of an activity (see [`Activity::to_input`]); an update
        /// that changes nothing writes nothing.
        fn update_activity(id: ActivityId, input: ActivityInput) -> Activity = |w, ctx| activity::update(w, ctx, id, &input);
        /// Marks a planned activity done, and plans the next one when asked (it follows this
        /// one).
        fn complete_activity(id: ActivityId, completion: Completion) -> CompletedActivity = |w, ctx| {
            activity::complete(w, ctx, id, &completion)
        };
        /// Sets a done or cancelled activity back to planned.
        fn reopen_activity(id: ActivityId) -> Activity = |w, ctx| activity::reopen(w, ctx, id);
        /// Calls an activity off.
        fn cancel_activity(id: ActivityId) -> Activity = |w, ctx| activity::cancel(w, ctx, id);
        /// Records a participant's answer to an invitation.
        fn respond_to_activity(id: ActivityId, response: ParticipantResponse) -> Activity = |w, ctx| {
            activity::respond(w, ctx, id, &response)
        };
        /// Deletes an activity; its follow-ups stay, without the link back.
        fn delete_activity(id: ActivityId) -> () = |w, ctx| activity::delete(w, ctx, id);
        /// Creates a calendar.
        fn create_calendar(input: CalendarInput) -> Calendar = |w, ctx| calendar::create(w, ctx, &input);
        /// Replaces a calendar's name, owner, members and time zone.
        fn update_calendar(id: CalendarId, input: CalendarInput) -> Calendar = |w, ctx| calendar::update(w, ctx, id, &input);
        /// Deletes a calendar; its activities stay, outside any calendar.
        fn delete_calendar(id: CalendarId) -> () = |w, ctx| calendar::delete(w, ctx, id);
        /// Imports an iCalendar (`.ics`) file into a calendar in one transaction; what could
        /// not be imported is reported, never fatal.
        fn import_ical(calendar: CalendarId, ics: &str) -> IcalImportReport = |w, ctx| {
            ical::import_ical(w, ctx, calendar, ics)
        };
    }
    others { verify, compact, close }
}

crate::operation_table!(crm_macros::core_operations);

/// Every operation of [`Crm`] that the bindings expose and the scenario suite covers, by its
/// Rust name: those of the `operations!` table above (reads, writes, then the rest), then
/// those of the operation table (`operation_table.rs`, reads then writes).
pub const OPERATIONS: &[&str] = &concat::<{ OPERATIONS_HERE.len() + TABLE_OPERATIONS.len() }>(
    OPERATIONS_HERE,
    TABLE_OPERATIONS,
);

/// `a` then `b`, as an array of `N = a.len() + b.len()` names (at compile time).
const fn concat<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}
