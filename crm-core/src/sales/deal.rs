//! Deals: sales opportunities moving through the stages of a pipeline.
//!
//! Every stage change is a record of its own (from, to, when, by whom), written in the same
//! transaction as the deal; a deal's history and its time in each stage come from them. A
//! deal's status follows the kind of its stage: moving into a won or lost stage closes it
//! (and freezes its value in the reporting currency at that day's rate), moving back into an
//! open stage reopens it. Its probability is the stage's unless it has its own, which is
//! kept across stage changes; it is rotten when it has sat in an open stage longer than the
//! stage allows.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::queries::query::{
    self, Archived, Condition, FieldType, ListQuery, Listed, Plan, SortBy, TimeRange, Vals,
};
use crate::queries::search::Searched;
use crate::records::codec;
use crate::records::fields::{self, FieldValue, MAX_EXACT_INTEGER};
use crate::records::index::{self, Entries, field_class, ix};
use crate::records::record::Forget;
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::sales::lineitem::{self, LineItem, LineItemInput, Totals};
use crate::sales::pipeline::{self, Pipeline, StageKind};
use crate::sales::product;
use crate::storage::store::{Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::RecordKind;
use crate::values::id::{CompanyId, ContactId, DealId, PipelineId, PriceListId, StageId};
use crate::values::money::Money;
use crate::{sales::fx, values::input, values::text};
use std::collections::BTreeSet;

/// A contact taking part in a deal.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DealContact {
    /// The contact.
    #[n(0)]
    pub contact: ContactId,
    /// Their part in the deal, such as `decision maker`, `champion`.
    #[n(1)]
    #[serde(default)]
    pub role: Option<String>,
}

/// A stored deal.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Deal {
    /// The deal's id, `deal_…`.
    #[cbor(skip)]
    pub id: DealId,
    /// What is being sold to whom.
    #[n(0)]
    pub title: String,
    /// Its pipeline.
    #[n(1)]
    pub pipeline: PipelineId,
    /// Its stage in that pipeline.
    #[n(2)]
    pub stage: StageId,
    /// Open, won or lost: the kind of its stage.
    #[n(3)]
    pub status: StageKind,
    /// The customer.
    #[n(4)]
    pub company: Option<CompanyId>,
    /// The people involved, with their roles.
    #[n(5)]
    pub contacts: Vec<DealContact>,
    /// The id of the owning user.
    #[n(6)]
    pub owner: Option<String>,
    /// The value of the deal; its currency is the deal's.
    #[n(7)]
    pub amount: Option<Money>,
    /// When it is expected to close.
    #[n(8)]
    #[cbor(with = "codec::opt_date", has_nil)]
    pub expected_close: Option<NaiveDate>,
    /// Its own probability in percent, kept across stage changes; the stage's when absent.
    #[n(9)]
    pub probability_override: Option<u8>,
    /// The probability in effect: the override, or the stage's. Computed when read.
    #[cbor(skip)]
    pub probability: u8,
    /// Where the deal came from.
    #[n(10)]
    pub source: Option<String>,
    /// Why it was lost.
    #[n(11)]
    pub lost_reason: Option<String>,
    /// When it was won or lost; absent while open.
    #[n(12)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub closed_at: Option<DateTime<Utc>>,
    /// Its amount in the reporting currency at the rate of the day it closed, frozen then
    /// (absent without an amount or a rate). A deal whose converted amount would be beyond
    /// ±(2^53 − 1) minor units is not moved to a won stage (a validation error names its
    /// `deal_….amount`); a lost one closes without it.
    #[n(13)]
    pub closed_value: Option<Money>,
    /// Its lines, priced.
    #[n(14)]
    pub line_items: Vec<LineItem>,
    /// The sums of its lines; absent without lines.
    #[n(15)]
    pub totals: Option<Totals>,
    /// The price list its products are priced from.
    #[n(16)]
    pub price_list: Option<PriceListId>,
    /// The won deal this one follows up on.
    #[n(17)]
    pub origin: Option<DealId>,
    /// Tags.
    #[n(18)]
    pub tags: Vec<String>,
    /// Values of custom fields, by key.
    #[n(19)]
    pub custom_fields: BTreeMap<String, FieldValue>,
    /// When it entered its current stage.
    #[n(20)]
    #[cbor(with = "codec::instant")]
    pub stage_entered_at: DateTime<Utc>,
    /// Whether it has sat in its open stage longer than the stage allows. Computed when read.
    #[cbor(skip)]
    pub rotten: bool,
    /// When it was created.
    #[n(21)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[n(22)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
    /// When it was archived.
    #[n(23)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub archived_at: Option<DateTime<Utc>>,
}

/// What a caller provides to create or replace a deal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Required although the serde form defaults every field: the core refuses it empty.
#[cfg_attr(feature = "schema", schemars(extend("required" = ["title"])))]
#[serde(default, deny_unknown_fields)]
pub struct DealInput {
    /// What is being sold to whom; required.
    pub title: String,
    /// The pipeline; the default pipeline when absent.
    pub pipeline: Option<PipelineId>,
    /// The stage, of that pipeline; its first open stage when absent.
    pub stage: Option<StageId>,
    /// The customer.
    pub company: Option<CompanyId>,
    /// The people involved.
    pub contacts: Vec<DealContact>,
    /// The id of the owning user.
    pub owner: Option<String>,
    /// The value; not negative. Its currency is the deal's (the lines' when absent).
    pub amount: Option<Money>,
    /// When it is expected to close: a day in the years 1000 through 9999.
    pub expected_close: Option<NaiveDate>,
    /// The deal's own probability in percent (0 to 100); the stage's when absent.
    pub probability: Option<u8>,
    /// Where it came from.
    pub source: Option<String>,
    /// Why it was lost.
    pub lost_reason: Option<String>,
    /// Its lines; all in the deal's currency.
    pub line_items: Vec<LineItemInput>,
    /// The price list its products are priced from.
    pub price_list: Option<PriceListId>,
    /// Tags.
    pub tags: Vec<String>,
    /// Values of custom fields, by key.
    pub custom_fields: BTreeMap<String, FieldValue>,
}

/// A move of a deal to another stage of its pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DealMove {
    /// The stage to move to.
    pub stage: StageId,
    /// Why it was lost, when the stage is a lost one.
    #[serde(default)]
    pub lost_reason: Option<String>,
    /// The id of the user making the move.
    #[serde(default)]
    pub by: Option<String>,
}

/// One change of a deal's stage.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageChange {
    /// The change's own key (time-ordered).
    #[serde(skip)]
    #[cbor(skip)]
    pub(crate) key: u128,
    /// The deal.
    #[n(0)]
    pub deal: DealId,
    /// The stage it left; absent for the stage it was created in.
    #[n(1)]
    pub from_stage: Option<StageId>,
    /// The stage it entered.
    #[n(2)]
    pub to_stage: StageId,
    /// When.
    #[n(3)]
    #[cbor(with = "codec::instant")]
    pub at: DateTime<Utc>,
    /// The id of the user who moved it.
    #[n(4)]
    pub by: Option<String>,
}

/// How long a deal has spent in one stage, over all its visits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageTime {
    /// The stage.
    pub stage: StageId,
    /// How many times the deal entered it.
    pub visits: u32,
    /// The time spent in it, in seconds (until now for the current stage).
    pub seconds: u64,
}

impl Record for Deal {
    const TABLE: Table = tables::DEALS;
    const NAME: &'static str = "deal";
    const ID_PREFIX: &'static str = "deal";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = DealId::from_u128(raw);
    }
    fn entries(&self, out: &mut Entries) {
        let id = self.raw_id();
        if self.archived_at.is_some() {
            out.index.push(index::raw_key(ix::DEAL_ARCHIVED, &[], id));
        }
        let mut stage = self.pipeline.to_bytes().to_vec();
        stage.extend_from_slice(&self.stage.to_bytes());
        out.index.push(index::raw_key(ix::DEAL_STAGE, &stage, id));
        out.index.push(index::raw_key(
            ix::DEAL_PIPELINE,
            &self.pipeline.to_bytes(),
            id,
        ));
        out.index.push(index::raw_key(
            ix::DEAL_STATUS,
            &[status_code(self.status)],
            id,
        ));
        if let Some(o) = &self.owner {
            out.index.push(index::text_key(ix::DEAL_OWNER, o, id));
        }
        for t in &self.tags {
            out.index
                .push(index::text_key(ix::DEAL_TAG, &text::fold(t), id));
        }
        if let Some(c) = self.company {
            out.index
                .push(index::raw_key(ix::DEAL_COMPANY, &c.to_bytes(), id));
        }
        for c in &self.contacts {
            out.index
                .push(index::raw_key(ix::DEAL_CONTACT, &c.contact.to_bytes(), id));
        }
        if let Some(l) = self.price_list {
            out.index
                .push(index::raw_key(ix::DEAL_PRICE_LIST, &l.to_bytes(), id));
        }
        if let Some(o) = self.origin {
            out.index
                .push(index::raw_key(ix::DEAL_ORIGIN, &o.to_bytes(), id));
        }
        if let Some(d) = self.expected_close {
            let mut k = Vec::with_capacity(4);
            index::push_date(&mut k, d);
            out.index
                .push(index::raw_key(ix::DEAL_EXPECTED_CLOSE, &k, id));
        }
        for (by, ix) in SortBy::ALL.into_iter().zip(<Deal as Listed>::SORT_INDEXES) {
            let mut k = vec![ix];
            self.sort_key(by, &mut k);
            out.index.push(k);
        }
        if self.archived_at.is_none() {
            let mut add = |s: &str, class: u8| {
                text::for_each_term(s, |t| out.add_term(RecordKind::Deal.code(), t, class));
            };
            add(&self.title, field_class::NAME);
            for s in self.tags.iter().chain(&self.source) {
                add(s, field_class::OTHER);
            }
            for v in self.custom_fields.values() {
                query::custom_search_text(v, |s| add(s, field_class::OTHER));
            }
        }
    }
}

pub(crate) fn status_code(s: StageKind) -> u8 {
    match s {
        StageKind::Open => 0,
        StageKind::Won => 1,
        StageKind::Lost => 2,
    }
}

record::impl_entity!(Deal, RecordKind::Deal);

impl Record for StageChange {
    const TABLE: Table = tables::STAGE_CHANGES;
    const NAME: &'static str = "stage change";
    const ID_PREFIX: &'static str = "stage_change";

    fn raw_id(&self) -> u128 {
        self.key
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.key = raw;
    }
    fn entries(&self, out: &mut Entries) {
        out.index.push(index::raw_key(
            ix::STAGE_CHANGE_BY_DEAL,
            &self.deal.to_bytes(),
            self.key,
        ));
    }
}

/// The fields a deal listing can filter on, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DealField {
    Title,
    Owner,
    Source,
    LostReason,
    Status,
    Tag,
    ExpectedClose,
    ClosedAt,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

/// Which deals to list. All criteria must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DealFilter {
    /// Whether archived deals are shown.
    pub archived: Archived,
    /// Deals with every one of these tags.
    pub tags_all: Vec<String>,
    /// Deals with at least one of these tags.
    pub tags_any: Vec<String>,
    /// Deals in this pipeline (`NotFound` when there is no such pipeline).
    pub pipeline: Option<PipelineId>,
    /// Deals in this stage (of `pipeline`, when given).
    pub stage: Option<StageId>,
    /// Deals open, won or lost.
    pub statuses_any: Vec<StageKind>,
    /// Deals with this customer (`NotFound` when there is no such company).
    pub company: Option<CompanyId>,
    /// Deals this contact takes part in (`NotFound` when there is no such contact).
    pub contact: Option<ContactId>,
    /// Deals owned by this user.
    pub owner: Option<String>,
    /// Deals created in this range.
    pub created: TimeRange,
    /// Deals last changed in this range.
    pub updated: TimeRange,
    /// Further tests on any field.
    pub conditions: Vec<Condition>,
}

/// A page request for deals.
pub type DealQuery = ListQuery<DealFilter>;

impl Searched for Deal {
    fn label(key: &[u8], stored: &[u8]) -> Result<String> {
        /// The deal's title alone (field 0): decoding it skips the rest of the record.
        #[derive(minicbor::Decode)]
        struct Label {
            #[n(0)]
            label: String,
        }
        codec::decode::<Label>(Self::NAME, key, stored).map(|l| l.label)
    }
}

impl Listed for Deal {
    type Field = DealField;
    type Filter = DealFilter;
    const SORT_INDEXES: [u8; 3] = [ix::DEAL_NAME, ix::DEAL_CREATED, ix::DEAL_UPDATED];
    const TAG_INDEX: u8 = ix::DEAL_TAG;
    const OWNER_INDEX: u8 = ix::DEAL_OWNER;
    const ARCHIVED_INDEX: u8 = ix::DEAL_ARCHIVED;

    fn sort_key(&self, by: SortBy, out: &mut Vec<u8>) {
        match by {
            SortBy::Name => index::push_text(out, &text::fold(&self.title), index::MAX_SORT_BYTES),
            SortBy::CreatedAt => index::push_instant(out, self.created_at),
            SortBy::UpdatedAt => index::push_instant(out, self.updated_at),
        }
        out.extend_from_slice(&self.raw_id().to_be_bytes());
    }

    fn parse_field(name: &str) -> Option<(DealField, FieldType)> {
        use DealField as F;
        use FieldType as T;
        Some(match name {
            "title" | "name" => (F::Title, T::Text),
            "owner" => (F::Owner, T::Text),
            "source" => (F::Source, T::Text),
            "lost_reason" => (F::LostReason, T::Text),
            "status" => (F::Status, T::Text),
            "tag" => (F::Tag, T::Text),
            "expected_close" => (F::ExpectedClose, T::Date),
            "closed_at" => (F::ClosedAt, T::Instant),
            "created_at" => (F::CreatedAt, T::Instant),
            "updated_at" => (F::UpdatedAt, T::Instant),
            "archived_at" => (F::ArchivedAt, T::Instant),
            _ => return None,
        })
    }

    fn read(&self, field: DealField) -> Vals<'_> {
        use DealField as F;
        match field {
            F::Title => Vals::Texts(vec![&self.title]),
            F::Owner => Vals::Texts(self.owner.iter().map(String::as_str).collect()),
            F::Source => Vals::Texts(self.source.iter().map(String::as_str).collect()),
            F::LostReason => Vals::Texts(self.lost_reason.iter().map(String::as_str).collect()),
            F::Status => Vals::Texts(vec![match self.status {
                StageKind::Open => "open",
                StageKind::Won => "won",
                StageKind::Lost => "lost",
            }]),
            F::Tag => Vals::Texts(self.tags.iter().map(String::as_str).collect()),
            F::ExpectedClose => Vals::Date(self.expected_close),
            F::ClosedAt => Vals::Instant(self.closed_at),
            F::CreatedAt => Vals::Instant(Some(self.created_at)),
            F::UpdatedAt => Vals::Instant(Some(self.updated_at)),
            F::ArchivedAt => Vals::Instant(self.archived_at),
        }
    }

    fn index_lookup(field: DealField, value: &str, _region: Option<&str>) -> Option<Vec<u8>> {
        match field {
            DealField::Tag => Some(index::text_prefix(ix::DEAL_TAG, &text::fold(value))),
            _ => None,
        }
    }

    fn plan(r: &mut impl Reader, ctx: &Ctx, f: &DealFilter) -> Result<Plan<DealField>> {
        let mut restrict: Option<BTreeSet<u128>> = None;
        match (f.pipeline, f.stage) {
            (Some(p), Some(s)) => {
                if pipeline::get(r, p)
                    .map_err(|e| e.naming("pipeline"))?
                    .stage(s)
                    .is_none()
                {
                    return Err(Error::validation("stage", "is not a stage of the pipeline"));
                }
                query::narrow(&mut restrict, ids_in_stage(r, p, s)?.into_iter().collect())
            }
            (Some(p), None) => {
                pipeline::get(r, p).map_err(|e| e.naming("pipeline"))?;
                query::narrow(&mut restrict, ids_in_pipeline(r, p)?.into_iter().collect())
            }
            (None, Some(s)) => {
                // A stage id belongs to one pipeline: find it.
                let owner = crate::sales::pipeline::all(r)?
                    .into_iter()
                    .find(|p| p.stage(s).is_some())
                    .ok_or_else(|| Error::validation("stage", "is not a stage of any pipeline"))?;
                query::narrow(
                    &mut restrict,
                    ids_in_stage(r, owner.id, s)?.into_iter().collect(),
                );
            }
            (None, None) => {}
        }
        if !f.statuses_any.is_empty() {
            let mut any = BTreeSet::new();
            for s in &f.statuses_any {
                any.extend(index::ids_with_prefix(
                    r,
                    &index::raw_prefix(ix::DEAL_STATUS, &[status_code(*s)]),
                )?);
            }
            query::narrow(&mut restrict, any);
        }
        if let Some(c) = f.company {
            record::must_exist(r, crate::values::id::RecordRef::Company(c), "company")?;
            query::narrow(
                &mut restrict,
                query::id_set(r, &index::raw_prefix(ix::DEAL_COMPANY, &c.to_bytes()))?,
            );
        }
        if let Some(c) = f.contact {
            record::must_exist(r, crate::values::id::RecordRef::Contact(c), "contact")?;
            query::narrow(
                &mut restrict,
                query::id_set(r, &index::raw_prefix(ix::DEAL_CONTACT, &c.to_bytes()))?,
            );
        }
        query::plan::<Self>(
            r,
            ctx,
            query::Common {
                archived: f.archived,
                tags_all: &f.tags_all,
                tags_any: &f.tags_any,
                owner: f.owner.as_deref(),
                created: f.created,
                updated: f.updated,
                conditions: &f.conditions,
            },
            restrict,
        )
    }
}

/// Fills the values computed when read: the probability in effect and whether it is rotten.
pub(crate) fn present(deal: &mut Deal, pipeline: &Pipeline, now: DateTime<Utc>) {
    let stage = pipeline.stage(deal.stage);
    deal.probability = deal
        .probability_override
        .or(stage.map(|s| s.probability))
        .unwrap_or(0);
    deal.rotten = deal.status == StageKind::Open
        && stage.and_then(|s| s.rotten_after_days).is_some_and(|days| {
            now.signed_duration_since(deal.stage_entered_at)
                .num_seconds()
                > i64::from(days) * 86_400
        });
}

/// Presents deals, loading each pipeline once.
pub(crate) fn present_all(r: &mut impl Reader, ctx: &Ctx, deals: &mut [Deal]) -> Result<()> {
    let now = ctx.now();
    let mut pipelines: HashMap<PipelineId, Pipeline> = HashMap::new();
    for d in deals {
        let p = match pipelines.entry(d.pipeline) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(pipeline::get(r, d.pipeline)?),
        };
        present(d, p, now);
    }
    Ok(())
}

/// Loads a deal without presenting it.
pub(crate) fn load(r: &mut impl Reader, id: DealId) -> Result<Deal> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn get(r: &mut impl Reader, ctx: &Ctx, id: DealId) -> Result<Deal> {
    let mut d = load(r, id)?;
    present_all(r, ctx, std::slice::from_mut(&mut d))?;
    Ok(d)
}

/// The validated content of an input, and the pipeline it lives in.
struct Built {
    deal: Deal,
    pipeline: Pipeline,
}

/// Validates an input; a deal without a pipeline goes to `current` (the deal's own, when
/// updating) or else to the default pipeline.
fn build(r: &mut impl Reader, input: &DealInput, current: Option<PipelineId>) -> Result<Built> {
    let title = input::line("title", Some(&input.title))?
        .ok_or_else(|| Error::validation("title", "is required"))?;
    let pipeline = match input.pipeline.or(current) {
        Some(id) => record::load::<Pipeline>(r, id.as_u128())?
            .ok_or_else(|| Error::validation("pipeline", "is not an existing pipeline"))?,
        None => pipeline::default(r)?,
    };
    let stage = match input.stage {
        Some(s) => pipeline
            .stage(s)
            .filter(|s| !s.archived)
            .ok_or_else(|| {
                Error::validation("stage", "is not an active stage of the deal's pipeline")
            })?
            .clone(),
        None => pipeline
            .first_open_stage()
            .ok_or_else(|| Error::validation("pipeline", "has no open stage"))?
            .clone(),
    };
    if let Some(c) = input.company {
        if !r.contains(tables::COMPANIES, &c.to_bytes())? {
            return Err(Error::validation("company", "is not an existing company"));
        }
    }
    let mut contacts: Vec<DealContact> = Vec::with_capacity(input.contacts.len());
    for (i, c) in input.contacts.iter().enumerate() {
        if !r.contains(tables::CONTACTS, &c.contact.to_bytes())? {
            return Err(Error::validation(
                format!("contacts[{i}].contact"),
                "is not an existing contact",
            ));
        }
        if contacts.iter().any(|x| x.contact == c.contact) {
            return Err(Error::validation(
                format!("contacts[{i}].contact"),
                "appears twice",
            ));
        }
        contacts.push(DealContact {
            contact: c.contact,
            role: input::line_named(|| format!("contacts[{i}].role"), c.role.as_deref())?,
        });
    }
    if let Some(a) = input.amount {
        if a.amount_minor() < 0 {
            return Err(Error::validation("amount", "cannot be negative"));
        }
        if a.amount_minor() > MAX_EXACT_INTEGER {
            return Err(Error::validation("amount", "is too large"));
        }
    }
    if input.probability.is_some_and(|p| p > 100) {
        return Err(Error::validation("probability", "must be from 0 to 100"));
    }
    let price_list = match input.price_list {
        Some(id) => Some(
            record::load::<product::PriceList>(r, id.as_u128())?
                .ok_or_else(|| Error::validation("price_list", "is not an existing price list"))?,
        ),
        None => None,
    };
    // The deal's currency: its amount's, else its price list's, else its first line's price.
    let currency = input
        .amount
        .map(|a| a.currency())
        .or(price_list.as_ref().map(|l| l.currency))
        .or_else(|| {
            input
                .line_items
                .iter()
                .find_map(|l| l.unit_price.map(|p| p.currency()))
        });
    if let (Some(list), Some(c)) = (&price_list, currency) {
        if list.currency != c {
            return Err(Error::validation(
                "price_list",
                "is in another currency than the deal",
            ));
        }
    }
    let line_items = match (currency, input.line_items.is_empty()) {
        (_, true) => Vec::new(),
        (Some(c), false) => lineitem::price_lines(r, &input.line_items, c, price_list.as_ref())?,
        (None, false) => {
            return Err(Error::validation(
                "amount",
                "is needed to know the deal's currency when no line gives a unit price",
            ));
        }
    };
    let totals = lineitem::totals(&line_items)?;
    // Without an amount of its own, a deal with lines is worth their net total.
    let amount = input.amount.or(totals.map(|t| t.net));
    let defs = fields::defs(r, RecordKind::Deal)?;
    let deal = Deal {
        id: DealId::default(),
        title,
        pipeline: pipeline.id,
        stage: stage.id,
        status: stage.kind,
        company: input.company,
        contacts,
        owner: input::owner("owner", input.owner.as_deref())?,
        amount,
        expected_close: input::opt_date("expected_close", input.expected_close)?,
        probability_override: input.probability,
        probability: 0,
        source: input::line("source", input.source.as_deref())?,
        lost_reason: input::line("lost_reason", input.lost_reason.as_deref())?,
        closed_at: None,
        closed_value: None,
        line_items,
        totals,
        price_list: input.price_list,
        origin: None,
        tags: input::tags("tags", &input.tags)?,
        custom_fields: fields::check_values(&defs, &input.custom_fields)?,
        stage_entered_at: DateTime::<Utc>::UNIX_EPOCH,
        rotten: false,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
        archived_at: None,
    };
    Ok(Built { deal, pipeline })
}

/// Which field an error about a deal's amount names: the caller's input (`amount`) when the
/// operation was given it, else the stored deal's (`deal_….amount`).
#[derive(Debug, Clone, Copy)]
enum AmountOf {
    Input,
    Stored,
}

impl AmountOf {
    fn field(self, deal: DealId) -> String {
        match self {
            AmountOf::Input => "amount".into(),
            AmountOf::Stored => format!("{deal}.amount"),
        }
    }
}

/// Sets what closing or reopening changes when a deal enters a stage of `kind` at `now`.
fn settle_status(
    r: &mut impl Reader,
    deal: &mut Deal,
    kind: StageKind,
    now: DateTime<Utc>,
    amount_of: AmountOf,
) -> Result<()> {
    deal.status = kind;
    match kind {
        StageKind::Open => {
            deal.closed_at = None;
            deal.closed_value = None;
        }
        StageKind::Won | StageKind::Lost => {
            deal.closed_at = Some(now);
            deal.closed_value = close_value(r, deal, now, amount_of)?;
        }
    }
    Ok(())
}

/// A closed deal's amount in the reporting currency at the rate of the day it closed.
/// Without a rate for that day the value is not frozen; reports then convert at the close
/// date's rate if one is entered later. When the converted amount is beyond what every
/// runtime holds, a won deal is refused (an error naming the deal's amount, see
/// [`fx::unrepresentable`]) rather than left without its value; a lost deal's value, which no
/// report reads, is left empty.
fn close_value(
    r: &mut impl Reader,
    deal: &Deal,
    closed: DateTime<Utc>,
    amount_of: AmountOf,
) -> Result<Option<Money>> {
    let Some(amount) = deal.amount else {
        return Ok(None);
    };
    let reporting = fx::reporting_currency(r)?;
    let field = || amount_of.field(deal.id);
    match fx::convert_stored(r, amount, reporting, closed.date_naive(), field) {
        Err(Error::Validation { .. }) if deal.status != StageKind::Won => Ok(None),
        other => other,
    }
}

/// A priced deal's currency becomes the reporting currency when none is set yet.
fn adopt_currency(w: &mut impl Writer, deal: &Deal) -> Result<()> {
    match deal.amount {
        Some(amount) => fx::adopt_reporting_currency(w, amount.currency()),
        None => Ok(()),
    }
}

fn record_change(
    w: &mut impl Writer,
    ctx: &Ctx,
    deal: DealId,
    from: Option<StageId>,
    to: StageId,
    at: DateTime<Utc>,
    by: Option<String>,
) -> Result<()> {
    let change = StageChange {
        key: ctx.mint(at),
        deal,
        from_stage: from,
        to_stage: to,
        at,
        by,
    };
    record::save(w, None, &change)
}

pub(crate) fn create(w: &mut impl Writer, ctx: &Ctx, input: &DealInput) -> Result<Deal> {
    create_with_origin(w, ctx, input, None)
}

fn create_with_origin(
    w: &mut impl Writer,
    ctx: &Ctx,
    input: &DealInput,
    origin: Option<DealId>,
) -> Result<Deal> {
    let now = ctx.now();
    let Built { mut deal, pipeline } = build(w, input, None)?;
    adopt_currency(w, &deal)?;
    deal.id = DealId::from_u128(ctx.mint(now));
    deal.origin = origin;
    deal.created_at = now;
    deal.updated_at = now;
    deal.stage_entered_at = now;
    let kind = deal.status;
    settle_status(w, &mut deal, kind, now, AmountOf::Input)?;
    record::save(w, None, &deal)?;
    record_change(w, ctx, deal.id, None, deal.stage, now, None)?;
    present(&mut deal, &pipeline, now);
    Ok(deal)
}

/// Writes a deal whose stage may have changed, recording the stage change, and with `edit`
/// the fields changed (a plain move is on the timeline as its stage change).
fn save_moved(
    w: &mut impl Writer,
    ctx: &Ctx,
    old: &Deal,
    mut new: Deal,
    by: Option<String>,
    edit: bool,
    amount_of: AmountOf,
) -> Result<Deal> {
    let now = ctx.now().max(old.updated_at);
    new.updated_at = now;
    if new.stage != old.stage {
        let kind = new.status;
        new.stage_entered_at = now;
        settle_status(w, &mut new, kind, now, amount_of)?;
        record::save(w, Some(old), &new)?;
        record_change(w, ctx, new.id, Some(old.stage), new.stage, now, by)?;
    } else {
        record::save(w, Some(old), &new)?;
    }
    if edit {
        crate::records::changes::note_change(
            w,
            ctx,
            crate::values::id::RecordRef::Deal(new.id),
            <Deal as record::Entity>::STAGE_FIELD,
            (old, &new),
            now,
        )?;
    }
    let pipeline = pipeline::get(w, new.pipeline)?;
    present(&mut new, &pipeline, now);
    Ok(new)
}

pub(crate) fn update(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: DealId,
    input: &DealInput,
) -> Result<Deal> {
    let old = load(w, id)?;
    let Built { mut deal, .. } = build(w, input, Some(old.pipeline))?;
    adopt_currency(w, &deal)?;
    // Without a stage (and in the same pipeline) the deal stays where it is.
    if input.stage.is_none() && input.pipeline.is_none_or(|p| p == old.pipeline) {
        deal.pipeline = old.pipeline;
        deal.stage = old.stage;
        deal.status = old.status;
    }
    deal.id = id;
    deal.origin = old.origin;
    deal.created_at = old.created_at;
    deal.stage_entered_at = old.stage_entered_at;
    deal.closed_at = old.closed_at;
    deal.closed_value = old.closed_value;
    deal.archived_at = old.archived_at;
    if let (Some(closed), true) = (old.closed_at, deal.amount != old.amount) {
        // A closed deal whose amount is corrected is valued again at its close date's rate.
        deal.closed_value = close_value(w, &deal, closed, AmountOf::Input)?;
    }
    save_moved(w, ctx, &old, deal, None, true, AmountOf::Input)
}

/// Sets a deal's amount (from an accepted quote); a closed deal is valued again at its close
/// date's rate.
pub(crate) fn set_amount(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: DealId,
    amount: Money,
) -> Result<Deal> {
    let old = load(w, id)?;
    let mut new = old.clone();
    new.amount = Some(amount);
    adopt_currency(w, &new)?;
    if let Some(closed) = old.closed_at {
        new.closed_value = close_value(w, &new, closed, AmountOf::Stored)?;
    }
    save_moved(w, ctx, &old, new, None, true, AmountOf::Stored)
}

pub(crate) fn move_to(w: &mut impl Writer, ctx: &Ctx, id: DealId, m: &DealMove) -> Result<Deal> {
    let old = load(w, id)?;
    let pipeline = pipeline::get(w, old.pipeline)?;
    let stage = pipeline
        .stage(m.stage)
        .filter(|s| !s.archived)
        .ok_or_else(|| {
            Error::validation("stage", "is not an active stage of the deal's pipeline")
        })?;
    let mut new = old.clone();
    new.stage = stage.id;
    new.status = stage.kind;
    if let Some(reason) = input::line("lost_reason", m.lost_reason.as_deref())? {
        new.lost_reason = Some(reason);
    }
    let by = input::owner("by", m.by.as_deref())?;
    save_moved(w, ctx, &old, new, by, false, AmountOf::Stored)
}

/// Moves deals (of one pipeline) to a stage, recording each change (archiving a stage).
pub(crate) fn move_many(
    w: &mut impl Writer,
    ctx: &Ctx,
    ids: &[u128],
    stage: StageId,
) -> Result<()> {
    for &raw in ids {
        let m = DealMove {
            stage,
            lost_reason: None,
            by: None,
        };
        move_to(w, ctx, DealId::from_u128(raw), &m)?;
    }
    Ok(())
}

/// The ids of the deals (open or closed) in a pipeline.
pub(crate) fn ids_in_pipeline(r: &mut impl Reader, pipeline: PipelineId) -> Result<Vec<u128>> {
    index::ids_with_prefix(
        r,
        &index::raw_prefix(ix::DEAL_PIPELINE, &pipeline.to_bytes()),
    )
}

/// The ids of the deals in a stage.
pub(crate) fn ids_in_stage(
    r: &mut impl Reader,
    pipeline: PipelineId,
    stage: StageId,
) -> Result<Vec<u128>> {
    let mut prefix = pipeline.to_bytes().to_vec();
    prefix.extend_from_slice(&stage.to_bytes());
    index::ids_with_prefix(r, &index::raw_prefix(ix::DEAL_STAGE, &prefix))
}

pub(crate) fn retag(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: DealId,
    add: &[String],
    remove: &[String],
) -> Result<Deal> {
    let old = load(w, id)?;
    let mut d = record::retag(w, ctx, old, add, remove)?;
    present_all(w, ctx, std::slice::from_mut(&mut d))?;
    Ok(d)
}

pub(crate) fn set_archived(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: DealId,
    archived: bool,
) -> Result<Deal> {
    let old = load(w, id)?;
    let mut d = record::set_archived(w, ctx, old, archived, |_, _| Ok(()))?;
    present_all(w, ctx, std::slice::from_mut(&mut d))?;
    Ok(d)
}

/// Deletes a deal with its stage history, quotes and relations; follow-ups lose their origin
/// and leads their link to it.
pub(crate) fn delete<W: Writer>(w: &mut W, ctx: &Ctx, id: DealId, forget: Forget<W>) -> Result<()> {
    let old = load(w, id)?;
    for change in history(w, id)? {
        record::erase(w, &change)?;
    }
    crate::sales::quote::delete_of_deal(w, id)?;
    for raw in index::ids_with_prefix(w, &index::raw_prefix(ix::DEAL_ORIGIN, &id.to_bytes()))? {
        let follow: Deal = load(w, DealId::from_u128(raw))?;
        let changed = Deal {
            origin: None,
            updated_at: ctx.now().max(follow.updated_at),
            ..follow.clone()
        };
        record::save(w, Some(&follow), &changed)?;
    }
    forget(w, ctx, crate::values::id::RecordRef::Deal(id))?;
    record::erase(w, &old)
}

/// The stage changes of a deal, oldest first.
pub(crate) fn history(r: &mut impl Reader, id: DealId) -> Result<Vec<StageChange>> {
    let keys = index::ids_with_prefix(
        r,
        &index::raw_prefix(ix::STAGE_CHANGE_BY_DEAL, &id.to_bytes()),
    )?;
    keys.into_iter()
        .map(|k| record::require::<StageChange>(r, k, "stage change"))
        .collect()
}

pub(crate) fn history_of(r: &mut impl Reader, id: DealId) -> Result<Vec<StageChange>> {
    load(r, id)?;
    history(r, id)
}

/// Time spent in each stage, from the history: each visit lasts until the next change, the
/// current one until `now`. The seconds add up to the deal's age.
pub(crate) fn stage_times(changes: &[StageChange], now: DateTime<Utc>) -> Vec<StageTime> {
    let mut out: Vec<StageTime> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        let until = changes.get(i + 1).map_or(now, |next| next.at);
        let seconds = u64::try_from(until.signed_duration_since(c.at).num_seconds()).unwrap_or(0);
        match out.iter_mut().find(|t| t.stage == c.to_stage) {
            Some(t) => {
                t.visits += 1;
                t.seconds += seconds;
            }
            None => out.push(StageTime {
                stage: c.to_stage,
                visits: 1,
                seconds,
            }),
        }
    }
    out
}

pub(crate) fn time_in_stages(r: &mut impl Reader, ctx: &Ctx, id: DealId) -> Result<Vec<StageTime>> {
    load(r, id)?;
    Ok(stage_times(&history(r, id)?, ctx.now()))
}

/// What a follow-up deal gets beyond what it copies from the won deal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Required although the serde form defaults every field: the core refuses it empty.
#[cfg_attr(feature = "schema", schemars(extend("required" = ["title"])))]
#[serde(default, deny_unknown_fields)]
pub struct FollowUpInput {
    /// What is being sold this time; required.
    pub title: String,
    /// The pipeline; the won deal's when absent.
    pub pipeline: Option<PipelineId>,
    /// The stage; the pipeline's first open stage when absent.
    pub stage: Option<StageId>,
    /// The value.
    pub amount: Option<Money>,
    /// When it is expected to close: a day in the years 1000 through 9999.
    pub expected_close: Option<NaiveDate>,
    /// The owner; the won deal's when absent.
    pub owner: Option<String>,
}

/// Opens a follow-up or upsell deal for a won deal's customer: same company and contacts,
/// with the won deal as its origin.
pub(crate) fn follow_up(
    w: &mut impl Writer,
    ctx: &Ctx,
    won: DealId,
    f: &FollowUpInput,
) -> Result<Deal> {
    let origin = load(w, won)?;
    if origin.status != StageKind::Won {
        return Err(Error::validation(
            "deal",
            "is not won: follow-ups are opened from won deals",
        ));
    }
    let input = DealInput {
        title: f.title.clone(),
        pipeline: f.pipeline.or(Some(origin.pipeline)),
        stage: f.stage,
        company: origin.company,
        contacts: origin.contacts.clone(),
        owner: f.owner.clone().or(origin.owner.clone()),
        amount: f.amount,
        expected_close: f.expected_close,
        source: Some("follow-up".into()),
        ..DealInput::default()
    };
    create_with_origin(w, ctx, &input, Some(won))
}

/// Removes a deleted contact or company from the deals that named it.
pub(crate) fn forget(
    w: &mut impl Writer,
    ctx: &Ctx,
    rec: crate::values::id::RecordRef,
) -> Result<()> {
    let (index_byte, raw) = match rec {
        crate::values::id::RecordRef::Contact(id) => (ix::DEAL_CONTACT, id.as_u128()),
        crate::values::id::RecordRef::Company(id) => (ix::DEAL_COMPANY, id.as_u128()),
        _ => return Ok(()),
    };
    for deal in index::ids_with_prefix(w, &index::raw_prefix(index_byte, &raw.to_be_bytes()))? {
        let old: Deal = load(w, DealId::from_u128(deal))?;
        let mut new = old.clone();
        new.contacts.retain(|c| c.contact.as_u128() != raw);
        if new.company.is_some_and(|c| c.as_u128() == raw) {
            new.company = None;
        }
        new.updated_at = ctx.now().max(old.updated_at);
        record::save(w, Some(&old), &new)?;
    }
    Ok(())
}
