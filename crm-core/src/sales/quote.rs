//! Quotes: a deal's line items as offered to the customer, numbered and versioned.
//!
//! A quote copies the deal's lines and totals when it is made, so later changes to the deal
//! do not change what was offered. Quotes are numbered `Q-2026-0001` (a counter per year of
//! creation); revising a quote makes the next version under the same number, with the deal's
//! current lines, and the earlier version is superseded. A quote is a draft until sent; a
//! sent or draft quote can be accepted or rejected. A sent quote whose valid-until date has
//! passed (in UTC) reads as expired and can no longer be accepted. Accepting a quote can set
//! the deal's amount to the quote's net total.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::records::codec;
use crate::records::index::{self, Entries, ix};
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::sales::deal::{self, Deal};
use crate::sales::lineitem::{LineItem, Totals};
use crate::storage::store::{Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::{DealId, QuoteId};
use crate::values::money::Currency;
use crate::values::order;
use crate::{values::input, values::text};

/// Where a quote is in its life.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[serde(rename_all = "snake_case")]
#[cbor(index_only)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum QuoteStatus {
    /// Being prepared.
    #[n(0)]
    Draft,
    /// Sent to the customer.
    #[n(1)]
    Sent,
    /// Accepted by the customer.
    #[n(2)]
    Accepted,
    /// Rejected by the customer.
    #[n(3)]
    Rejected,
    /// Sent, and its valid-until date has passed. Never stored: a sent quote reads as
    /// expired from the day after its valid-until date.
    #[n(4)]
    Expired,
}

/// A stored quote.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Quote {
    /// The quote's id, `quote_…` (each version has its own).
    #[cbor(skip)]
    pub id: QuoteId,
    /// The deal quoted.
    #[n(0)]
    pub deal: DealId,
    /// The number shown to the customer, `Q-2026-0001`, shared by all versions.
    #[n(1)]
    pub number: String,
    /// The version, from 1.
    #[n(2)]
    pub version: u32,
    /// The status in effect (a sent quote past its date reads as expired).
    #[n(3)]
    pub status: QuoteStatus,
    /// The currency of every amount.
    #[n(4)]
    pub currency: Currency,
    /// The lines offered, as they were on the deal.
    #[n(5)]
    pub line_items: Vec<LineItem>,
    /// Their totals.
    #[n(6)]
    pub totals: Totals,
    /// The last day the offer holds.
    #[n(7)]
    #[cbor(with = "codec::date")]
    pub valid_until: NaiveDate,
    /// Notes for the customer.
    #[n(8)]
    pub notes: Option<String>,
    /// Why the customer rejected it.
    #[n(9)]
    pub rejection_reason: Option<String>,
    /// The later version that replaced this one.
    #[n(10)]
    pub superseded_by: Option<QuoteId>,
    /// When it was sent.
    #[n(11)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was accepted or rejected.
    #[n(12)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub decided_at: Option<DateTime<Utc>>,
    /// When it was created.
    #[n(13)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[n(14)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
}

/// What a caller provides to make a quote (or a new version of one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    /// The last day the offer holds; not before today, and in the years 1000 through 9999.
    pub valid_until: NaiveDate,
    /// Notes for the customer.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A decision on a quote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct QuoteAcceptance {
    /// Whether the deal's amount becomes the quote's net total.
    pub set_deal_amount: bool,
}

impl Record for Quote {
    const TABLE: Table = tables::QUOTES;
    const NAME: &'static str = "quote";
    const ID_PREFIX: &'static str = "quote";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = QuoteId::from_u128(raw);
    }
    fn entries(&self, out: &mut Entries) {
        let id = self.raw_id();
        out.index
            .push(index::raw_key(ix::QUOTE_BY_DEAL, &self.deal.to_bytes(), id));
        out.index.push(index::text_key(
            ix::QUOTE_NUMBER,
            &text::fold(&self.number),
            id,
        ));
    }
}

/// Sets the status in effect on `today`.
fn present(q: &mut Quote, today: NaiveDate) {
    if q.status == QuoteStatus::Sent && today > q.valid_until {
        q.status = QuoteStatus::Expired;
    }
}

/// Loads a quote as stored.
fn load(r: &mut impl Reader, id: QuoteId) -> Result<Quote> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn get(r: &mut impl Reader, ctx: &Ctx, id: QuoteId) -> Result<Quote> {
    let mut q = load(r, id)?;
    present(&mut q, ctx.now().date_naive());
    Ok(q)
}

fn stored_of_deal(r: &mut impl Reader, deal: DealId) -> Result<Vec<Quote>> {
    let ids = index::ids_with_prefix(r, &index::raw_prefix(ix::QUOTE_BY_DEAL, &deal.to_bytes()))?;
    ids.into_iter()
        .map(|raw| record::require(r, raw, QuoteId::from_u128(raw)))
        .collect()
}

/// The quotes of a deal, every version, oldest first.
pub(crate) fn of_deal(r: &mut impl Reader, ctx: &Ctx, deal: DealId) -> Result<Vec<Quote>> {
    deal::load(r, deal)?;
    let today = ctx.now().date_naive();
    let mut out = stored_of_deal(r, deal)?;
    for q in &mut out {
        present(q, today);
    }
    Ok(out)
}

/// Every version of the quote with this number (ignoring case), oldest first.
pub(crate) fn by_number(r: &mut impl Reader, ctx: &Ctx, number: &str) -> Result<Vec<Quote>> {
    let ids = index::ids_with_prefix(
        r,
        &index::text_prefix(ix::QUOTE_NUMBER, &text::fold(number.trim())),
    )?;
    let today = ctx.now().date_naive();
    let mut out = Vec::with_capacity(ids.len());
    for raw in ids {
        let mut q: Quote = record::require(r, raw, QuoteId::from_u128(raw))?;
        present(&mut q, today);
        out.push(q);
    }
    order::sort_by_key(&mut out, |q| q.version);
    Ok(out)
}

/// The next quote number of a year, counted in the meta table.
fn next_number(w: &mut impl Writer, year: i32) -> Result<String> {
    let key = format!("quote_counter_{year}");
    let last = w
        .get(Table::META, key.as_bytes(), |b| {
            <[u8; 4]>::try_from(b)
                .map(u32::from_be_bytes)
                .map_err(|_| Error::corrupt("meta", "a quote counter is not readable"))
        })?
        .unwrap_or(0);
    let next = last
        .checked_add(1)
        .ok_or_else(|| Error::storage("the quote counter is exhausted"))?;
    w.put(Table::META, key.as_bytes(), &next.to_be_bytes())?;
    Ok(format!("Q-{year}-{next:04}"))
}

fn check_input(ctx: &Ctx, input: &QuoteInput) -> Result<Option<String>> {
    input::date("valid_until", input.valid_until)?;
    if input.valid_until < ctx.now().date_naive() {
        return Err(Error::validation("valid_until", "is in the past"));
    }
    Ok(input
        .notes
        .as_deref()
        .map(text::clean_multiline)
        .filter(|n| !n.is_empty()))
}

/// A new quote version of `deal`'s current lines.
fn snapshot(
    ctx: &Ctx,
    deal: &Deal,
    number: String,
    version: u32,
    input: &QuoteInput,
) -> Result<Quote> {
    let notes = check_input(ctx, input)?;
    let (Some(totals), Some(first)) = (deal.totals, deal.line_items.first()) else {
        return Err(Error::validation(
            "deal",
            "has no line items to quote: add lines to the deal first",
        ));
    };
    let now = ctx.now();
    Ok(Quote {
        id: QuoteId::from_u128(ctx.mint(now)),
        deal: deal.id,
        number,
        version,
        status: QuoteStatus::Draft,
        currency: first.unit_price.currency(),
        line_items: deal.line_items.clone(),
        totals,
        valid_until: input.valid_until,
        notes,
        rejection_reason: None,
        superseded_by: None,
        sent_at: None,
        decided_at: None,
        created_at: now,
        updated_at: now,
    })
}

pub(crate) fn create(
    w: &mut impl Writer,
    ctx: &Ctx,
    deal: DealId,
    input: &QuoteInput,
) -> Result<Quote> {
    let d = deal::load(w, deal)?;
    // Validate before a number is used up.
    check_input(ctx, input)?;
    if d.line_items.is_empty() {
        return Err(Error::validation(
            "deal",
            "has no line items to quote: add lines to the deal first",
        ));
    }
    let number = next_number(w, ctx.now().year())?;
    let q = snapshot(ctx, &d, number, 1, input)?;
    record::save(w, None, &q)?;
    Ok(q)
}

/// Makes the next version of a quote from its deal's current lines; the version revised
/// (the latest one) is superseded.
pub(crate) fn revise(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: QuoteId,
    input: &QuoteInput,
) -> Result<Quote> {
    let old = load(w, id)?;
    if let Some(later) = old.superseded_by {
        return Err(Error::Conflict {
            field: "quote".into(),
            existing: later.to_string(),
            reason: "a later version exists: revise that one".into(),
        });
    }
    if matches!(old.status, QuoteStatus::Accepted | QuoteStatus::Rejected) {
        return Err(Error::validation(
            "quote",
            "has been decided on: make a new quote instead",
        ));
    }
    let d = deal::load(w, old.deal)?;
    let next = snapshot(ctx, &d, old.number.clone(), old.version + 1, input)?;
    record::save(w, None, &next)?;
    let superseded = Quote {
        superseded_by: Some(next.id),
        updated_at: ctx.now().max(old.updated_at),
        ..old.clone()
    };
    record::save(w, Some(&old), &superseded)?;
    Ok(next)
}

/// Loads a quote that can still change status: not superseded, not decided, not expired.
fn open_quote(r: &mut impl Reader, ctx: &Ctx, id: QuoteId) -> Result<Quote> {
    let q = load(r, id)?;
    if let Some(later) = q.superseded_by {
        return Err(Error::Conflict {
            field: "quote".into(),
            existing: later.to_string(),
            reason: "a later version replaced this quote".into(),
        });
    }
    match q.status {
        QuoteStatus::Accepted | QuoteStatus::Rejected => {
            return Err(Error::validation("quote", "has already been decided on"));
        }
        _ if ctx.now().date_naive() > q.valid_until => {
            return Err(Error::validation(
                "valid_until",
                "has passed: revise the quote with a new date",
            ));
        }
        _ => {}
    }
    Ok(q)
}

fn save_status(w: &mut impl Writer, ctx: &Ctx, old: &Quote, new: Quote) -> Result<Quote> {
    let mut new = new;
    new.updated_at = ctx.now().max(old.updated_at);
    record::save(w, Some(old), &new)?;
    Ok(new)
}

/// Marks a draft quote as sent.
pub(crate) fn send(w: &mut impl Writer, ctx: &Ctx, id: QuoteId) -> Result<Quote> {
    let old = open_quote(w, ctx, id)?;
    if old.status != QuoteStatus::Draft {
        return Err(Error::validation("quote", "has already been sent"));
    }
    let new = Quote {
        status: QuoteStatus::Sent,
        sent_at: Some(ctx.now()),
        ..old.clone()
    };
    save_status(w, ctx, &old, new)
}

/// Records the customer's acceptance; the deal's amount becomes the quote's net total when
/// asked. Another accepted quote of the same deal is refused.
pub(crate) fn accept(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: QuoteId,
    how: &QuoteAcceptance,
) -> Result<Quote> {
    let old = open_quote(w, ctx, id)?;
    if let Some(other) = stored_of_deal(w, old.deal)?
        .into_iter()
        .find(|q| q.status == QuoteStatus::Accepted)
    {
        return Err(Error::Conflict {
            field: "quote".into(),
            existing: other.id.to_string(),
            reason: "another quote of this deal was accepted".into(),
        });
    }
    let now = ctx.now();
    let new = Quote {
        status: QuoteStatus::Accepted,
        decided_at: Some(now),
        ..old.clone()
    };
    let new = save_status(w, ctx, &old, new)?;
    if how.set_deal_amount {
        deal::set_amount(w, ctx, old.deal, new.totals.net)?;
    }
    Ok(new)
}

/// Records the customer's rejection, with a reason if given.
pub(crate) fn reject(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: QuoteId,
    reason: Option<&str>,
) -> Result<Quote> {
    let old = open_quote(w, ctx, id)?;
    let new = Quote {
        status: QuoteStatus::Rejected,
        rejection_reason: input::line("reason", reason)?,
        decided_at: Some(ctx.now()),
        ..old.clone()
    };
    save_status(w, ctx, &old, new)
}

/// Deletes one version of a quote; the version it superseded, if any, is current again.
pub(crate) fn delete(w: &mut impl Writer, ctx: &Ctx, id: QuoteId) -> Result<()> {
    let old = load(w, id)?;
    for q in stored_of_deal(w, old.deal)? {
        if q.superseded_by == Some(id) {
            let current = Quote {
                superseded_by: old.superseded_by,
                updated_at: ctx.now().max(q.updated_at),
                ..q.clone()
            };
            record::save(w, Some(&q), &current)?;
        }
    }
    record::erase(w, &old)
}

/// Deletes every quote of a deal being deleted.
pub(crate) fn delete_of_deal(w: &mut impl Writer, deal: DealId) -> Result<()> {
    for q in stored_of_deal(w, deal)? {
        record::erase(w, &q)?;
    }
    Ok(())
}
