//! Products (with a unit price per currency and a tax rate) and price lists.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::records::codec;
use crate::records::fields::MAX_EXACT_INTEGER;
use crate::records::index::{self, Entries, field_class, ix};
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::storage::postings;
use crate::storage::store::{Flow, Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::{PriceListId, ProductId};
use crate::values::money::{Currency, Money};
use crate::values::order;
use crate::{values::input, values::text};

/// A tax rate in basis points: 2300 is 23 %, at most 10000 (100 %).
pub type TaxRate = u32;

/// A product or service the firm sells.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Product {
    /// The product's id, `product_…`.
    #[cbor(skip)]
    pub id: ProductId,
    /// The stock-keeping unit, unique ignoring case.
    #[n(0)]
    pub sku: String,
    /// The name shown on quotes.
    #[n(1)]
    pub name: String,
    /// A longer description.
    #[n(2)]
    pub description: Option<String>,
    /// The unit price in each currency it is sold in (one per currency).
    #[n(3)]
    pub prices: Vec<Money>,
    /// The tax rate in basis points (2300 = 23 %).
    #[n(4)]
    pub tax_rate: TaxRate,
    /// When it was created.
    #[n(5)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[n(6)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
    /// When it was archived; archived products leave product listings and search (lines
    /// that name one keep working).
    #[n(7)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub archived_at: Option<DateTime<Utc>>,
}

/// What a caller provides to create or replace a product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Required although the serde form defaults every field: the core refuses it empty.
#[cfg_attr(feature = "schema", schemars(extend("required" = ["sku", "name"])))]
#[serde(default, deny_unknown_fields)]
pub struct ProductInput {
    /// The stock-keeping unit, unique ignoring case.
    pub sku: String,
    /// The name.
    pub name: String,
    /// A longer description.
    pub description: Option<String>,
    /// Unit prices, at most one per currency, none negative.
    pub prices: Vec<Money>,
    /// The tax rate in basis points (2300 = 23 %).
    pub tax_rate: TaxRate,
}

/// A named set of unit prices in one currency, used instead of the products' own prices.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PriceList {
    /// The price list's id, `pricelist_…`.
    #[cbor(skip)]
    pub id: PriceListId,
    /// The name, such as `Partners 2026`.
    #[n(0)]
    pub name: String,
    /// The currency of every price in it.
    #[n(1)]
    pub currency: Currency,
    /// The prices, one per product.
    #[n(2)]
    pub entries: Vec<PriceListEntry>,
    /// When it was created.
    #[n(3)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[n(4)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
}

/// One product's price in a price list.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PriceListEntry {
    /// The product.
    #[n(0)]
    pub product: ProductId,
    /// Its unit price, in the list's currency.
    #[n(1)]
    pub unit_price: Money,
}

/// What a caller provides to create or replace a price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PriceListInput {
    /// The name.
    pub name: String,
    /// The currency of every price.
    pub currency: Currency,
    /// The prices, one per product.
    #[serde(default)]
    pub entries: Vec<PriceListEntry>,
}

impl Record for Product {
    const TABLE: Table = tables::PRODUCTS;
    const NAME: &'static str = "product";
    const ID_PREFIX: &'static str = "product";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = ProductId::from_u128(raw);
    }
    fn entries(&self, out: &mut Entries) {
        let id = self.raw_id();
        out.index
            .push(index::text_key(ix::PRODUCT_SKU, &text::fold(&self.sku), id));
        let mut name = vec![ix::PRODUCT_NAME];
        index::push_text(&mut name, &text::fold(&self.name), index::MAX_SORT_BYTES);
        name.extend_from_slice(&id.to_be_bytes());
        out.index.push(name);
        if self.archived_at.is_none() {
            let mut add = |s: &str, class: u8| {
                text::for_each_term(s, |t| out.add_term(PRODUCT_SEARCH_KIND, t, class));
            };
            add(&self.name, field_class::NAME);
            add(&self.sku, field_class::NAME);
        }
    }
}

/// Products are searched on their own (see `search_products`), under a kind byte of their
/// own in the search table.
const PRODUCT_SEARCH_KIND: u8 = 0x10;

impl Record for PriceList {
    const TABLE: Table = tables::PRICE_LISTS;
    const NAME: &'static str = "price list";
    const ID_PREFIX: &'static str = "pricelist";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = PriceListId::from_u128(raw);
    }
    fn entries(&self, _: &mut Entries) {}
}

/// Checks a unit price: not negative, within what every runtime holds exactly.
pub(crate) fn check_price(field: &str, m: Money) -> Result<Money> {
    if m.amount_minor() < 0 {
        return Err(Error::validation(field, "cannot be negative"));
    }
    if m.amount_minor() > MAX_EXACT_INTEGER {
        return Err(Error::validation(field, "is too large"));
    }
    Ok(m)
}

/// Checks a tax rate in basis points.
pub(crate) fn check_tax_rate(field: &str, rate: TaxRate) -> Result<TaxRate> {
    if rate > 10_000 {
        return Err(Error::validation(
            field,
            "must be from 0 to 10000 basis points (100 %)",
        ));
    }
    Ok(rate)
}

fn build(input: &ProductInput) -> Result<Product> {
    let sku = input::line("sku", Some(&input.sku))?
        .ok_or_else(|| Error::validation("sku", "is required"))?;
    let name = input::line("name", Some(&input.name))?
        .ok_or_else(|| Error::validation("name", "is required"))?;
    let mut prices: Vec<Money> = Vec::with_capacity(input.prices.len());
    for (i, p) in input.prices.iter().enumerate() {
        let p = check_price(&format!("prices[{i}]"), *p)?;
        if prices.iter().any(|q| q.currency() == p.currency()) {
            return Err(Error::validation(
                format!("prices[{i}]"),
                "repeats a currency",
            ));
        }
        prices.push(p);
    }
    Ok(Product {
        id: ProductId::default(),
        sku,
        name,
        description: input
            .description
            .as_deref()
            .map(text::clean_multiline)
            .filter(|d| !d.is_empty()),
        prices,
        tax_rate: check_tax_rate("tax_rate", input.tax_rate)?,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
        archived_at: None,
    })
}

fn check_unique_sku(r: &mut impl Reader, p: &Product) -> Result<()> {
    let others =
        index::ids_with_prefix(r, &index::text_prefix(ix::PRODUCT_SKU, &text::fold(&p.sku)))?;
    match others.into_iter().find(|&o| o != p.raw_id()) {
        Some(other) => Err(Error::Conflict {
            field: "sku".into(),
            existing: ProductId::from_u128(other).to_string(),
            reason: "another product has this SKU".into(),
        }),
        None => Ok(()),
    }
}

pub(crate) fn create(w: &mut impl Writer, ctx: &Ctx, input: &ProductInput) -> Result<Product> {
    let now = ctx.now();
    let mut p = build(input)?;
    p.id = ProductId::from_u128(ctx.mint(now));
    p.created_at = now;
    p.updated_at = now;
    check_unique_sku(w, &p)?;
    record::save(w, None, &p)?;
    Ok(p)
}

pub(crate) fn get(r: &mut impl Reader, id: ProductId) -> Result<Product> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn update(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: ProductId,
    input: &ProductInput,
) -> Result<Product> {
    let old = get(w, id)?;
    let mut p = build(input)?;
    p.id = id;
    p.created_at = old.created_at;
    p.updated_at = ctx.now().max(old.updated_at);
    p.archived_at = old.archived_at;
    check_unique_sku(w, &p)?;
    record::save(w, Some(&old), &p)?;
    Ok(p)
}

pub(crate) fn set_archived(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: ProductId,
    archived: bool,
) -> Result<Product> {
    let old = get(w, id)?;
    if old.archived_at.is_some() == archived {
        return Ok(old);
    }
    let now = ctx.now().max(old.updated_at);
    let p = Product {
        archived_at: archived.then_some(now),
        updated_at: now,
        ..old.clone()
    };
    record::save(w, Some(&old), &p)?;
    Ok(p)
}

/// The product with this SKU (ignoring case), archived or not.
pub(crate) fn by_sku(r: &mut impl Reader, sku: &str) -> Result<Option<Product>> {
    let ids = index::ids_with_prefix(
        r,
        &index::text_prefix(ix::PRODUCT_SKU, &text::fold(sku.trim())),
    )?;
    match ids.first() {
        Some(&raw) => record::load(r, raw),
        None => Ok(None),
    }
}

/// Every product by name (ignoring case and diacritics), archived ones when asked.
pub(crate) fn all(r: &mut impl Reader, include_archived: bool) -> Result<Vec<Product>> {
    let ids = index::ids_with_prefix(r, &[ix::PRODUCT_NAME])?;
    let mut out = Vec::with_capacity(ids.len());
    for raw in ids {
        let p: Product = record::require(r, raw, ProductId::from_u128(raw))?;
        if include_archived || p.archived_at.is_none() {
            out.push(p);
        }
    }
    Ok(out)
}

/// Active products whose name or SKU has words starting with each word of `text`.
pub(crate) fn search(r: &mut impl Reader, query_text: &str) -> Result<Vec<Product>> {
    let mut out = Vec::new();
    for raw in postings::ids_with_every_word(r, PRODUCT_SEARCH_KIND, query_text)? {
        out.push(record::require::<Product>(
            r,
            raw,
            ProductId::from_u128(raw),
        )?);
    }
    order::sort_by(&mut out, |a, b| {
        text::fold(&a.name)
            .cmp(&text::fold(&b.name))
            .then(a.id.cmp(&b.id))
    });
    Ok(out)
}

fn build_price_list(r: &mut impl Reader, input: &PriceListInput) -> Result<PriceList> {
    let name = input::line("name", Some(&input.name))?
        .ok_or_else(|| Error::validation("name", "is required"))?;
    let mut entries: Vec<PriceListEntry> = Vec::with_capacity(input.entries.len());
    for (i, e) in input.entries.iter().enumerate() {
        let at = |part: &str| format!("entries[{i}].{part}");
        if !r.contains(tables::PRODUCTS, &e.product.to_bytes())? {
            return Err(Error::validation(
                at("product"),
                "is not an existing product",
            ));
        }
        if entries.iter().any(|x| x.product == e.product) {
            return Err(Error::validation(at("product"), "appears twice"));
        }
        if e.unit_price.currency() != input.currency {
            return Err(Error::validation(
                at("unit_price"),
                "is not in the price list's currency",
            ));
        }
        entries.push(PriceListEntry {
            product: e.product,
            unit_price: check_price(&at("unit_price"), e.unit_price)?,
        });
    }
    Ok(PriceList {
        id: PriceListId::default(),
        name,
        currency: input.currency,
        entries,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    })
}

pub(crate) fn create_price_list(
    w: &mut impl Writer,
    ctx: &Ctx,
    input: &PriceListInput,
) -> Result<PriceList> {
    let now = ctx.now();
    let mut list = build_price_list(w, input)?;
    list.id = PriceListId::from_u128(ctx.mint(now));
    list.created_at = now;
    list.updated_at = now;
    record::save(w, None, &list)?;
    Ok(list)
}

pub(crate) fn get_price_list(r: &mut impl Reader, id: PriceListId) -> Result<PriceList> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn update_price_list(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: PriceListId,
    input: &PriceListInput,
) -> Result<PriceList> {
    let old = get_price_list(w, id)?;
    let mut list = build_price_list(w, input)?;
    list.id = id;
    list.created_at = old.created_at;
    list.updated_at = ctx.now().max(old.updated_at);
    record::save(w, Some(&old), &list)?;
    Ok(list)
}

/// Every price list, in the order they were created.
pub(crate) fn price_lists(r: &mut impl Reader) -> Result<Vec<PriceList>> {
    let mut out = Vec::new();
    record::for_each::<PriceList>(r, |l| {
        out.push(l);
        Ok(Flow::Continue(()))
    })?;
    Ok(out)
}

/// The unit price of a product for a line item in `currency`: from the price list when one
/// is given (its currency must match), else from the product's own prices.
pub(crate) fn unit_price(
    product: &Product,
    price_list: Option<&PriceList>,
    currency: Currency,
) -> std::result::Result<Money, &'static str> {
    match price_list {
        Some(list) => {
            if list.currency != currency {
                return Err("the deal's price list is in another currency");
            }
            list.entries
                .iter()
                .find(|e| e.product == product.id)
                .map(|e| e.unit_price)
                .ok_or("the deal's price list has no price for this product")
        }
        None => product
            .prices
            .iter()
            .find(|p| p.currency() == currency)
            .copied()
            .ok_or("the product has no price in this currency: give a unit price"),
    }
}

/// Deletes a price list that no deal uses.
pub(crate) fn delete_price_list(w: &mut impl Writer, id: PriceListId) -> Result<()> {
    let old = get_price_list(w, id)?;
    let users = index::ids_with_prefix(w, &index::raw_prefix(ix::DEAL_PRICE_LIST, &id.to_bytes()))?;
    if let Some(&deal) = users.first() {
        return Err(Error::Conflict {
            field: "price_list".into(),
            existing: crate::values::id::DealId::from_u128(deal).to_string(),
            reason: "deals are priced from this price list".into(),
        });
    }
    record::erase(w, &old)
}
