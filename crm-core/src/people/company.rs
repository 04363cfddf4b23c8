//! Companies: the organisations a firm deals with, in a parent/subsidiary hierarchy.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::queries::query::{
    self, Archived, Condition, FieldType, ListQuery, Listed, Plan, SortBy, TimeRange, Vals,
};
use crate::queries::search::Searched;
use crate::records::codec;
use crate::records::fields::{self, FieldValue};
use crate::records::index::{self, Entries, field_class, ix};
use crate::records::record::Forget;
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::storage::store::{Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::RecordKind;
use crate::values::id::{CompanyId, RecordRef};
use crate::values::input::{self, Address};
use crate::values::order;
use crate::{values::normalize, values::text};
use std::collections::BTreeSet;

/// What a company is to the firm. A company can be several at once.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[serde(rename_all = "snake_case")]
#[cbor(index_only)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum RelationshipKind {
    /// Buys from the firm.
    #[n(0)]
    Customer,
    /// Might buy from the firm.
    #[n(1)]
    Prospect,
    /// Works with the firm.
    #[n(2)]
    Partner,
    /// Supplies goods to the firm.
    #[n(3)]
    Supplier,
    /// Sells services or software to the firm.
    #[n(4)]
    Vendor,
    /// Resells the firm's products.
    #[n(5)]
    Reseller,
    /// Newspapers, magazines, broadcasters, bloggers.
    #[n(6)]
    Press,
    /// Competes with the firm.
    #[n(7)]
    Competitor,
    /// Used to buy from the firm.
    #[n(8)]
    FormerCustomer,
}

impl RelationshipKind {
    /// Every kind, in code order.
    pub const ALL: [RelationshipKind; 9] = [
        RelationshipKind::Customer,
        RelationshipKind::Prospect,
        RelationshipKind::Partner,
        RelationshipKind::Supplier,
        RelationshipKind::Vendor,
        RelationshipKind::Reseller,
        RelationshipKind::Press,
        RelationshipKind::Competitor,
        RelationshipKind::FormerCustomer,
    ];

    /// The snake-case name, as in JSON: `customer`, `former_customer`.
    pub fn name(self) -> &'static str {
        match self {
            RelationshipKind::Customer => "customer",
            RelationshipKind::Prospect => "prospect",
            RelationshipKind::Partner => "partner",
            RelationshipKind::Supplier => "supplier",
            RelationshipKind::Vendor => "vendor",
            RelationshipKind::Reseller => "reseller",
            RelationshipKind::Press => "press",
            RelationshipKind::Competitor => "competitor",
            RelationshipKind::FormerCustomer => "former_customer",
        }
    }

    fn code(self) -> u8 {
        self as u8
    }
}

/// How many people a company employs, in the usual bands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[cbor(index_only)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum CompanySize {
    /// One person.
    #[serde(rename = "1")]
    #[n(0)]
    One,
    /// 2 to 10 people.
    #[serde(rename = "2-10")]
    #[n(1)]
    UpTo10,
    /// 11 to 50 people.
    #[serde(rename = "11-50")]
    #[n(2)]
    UpTo50,
    /// 51 to 200 people.
    #[serde(rename = "51-200")]
    #[n(3)]
    UpTo200,
    /// 201 to 500 people.
    #[serde(rename = "201-500")]
    #[n(4)]
    UpTo500,
    /// 501 to 1,000 people.
    #[serde(rename = "501-1000")]
    #[n(5)]
    UpTo1000,
    /// 1,001 to 5,000 people.
    #[serde(rename = "1001-5000")]
    #[n(6)]
    UpTo5000,
    /// 5,001 to 10,000 people.
    #[serde(rename = "5001-10000")]
    #[n(7)]
    UpTo10000,
    /// More than 10,000 people.
    #[serde(rename = "10001+")]
    #[n(8)]
    Over10000,
}

impl CompanySize {
    /// The band as written in JSON: `1`, `2-10`, … `10001+`.
    pub fn name(self) -> &'static str {
        match self {
            CompanySize::One => "1",
            CompanySize::UpTo10 => "2-10",
            CompanySize::UpTo50 => "11-50",
            CompanySize::UpTo200 => "51-200",
            CompanySize::UpTo500 => "201-500",
            CompanySize::UpTo1000 => "501-1000",
            CompanySize::UpTo5000 => "1001-5000",
            CompanySize::UpTo10000 => "5001-10000",
            CompanySize::Over10000 => "10001+",
        }
    }
}

/// What a caller provides to create or replace a company.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// Required although the serde form defaults every field: the core refuses it empty.
#[cfg_attr(feature = "schema", schemars(extend("required" = ["name"])))]
pub struct CompanyInput {
    /// The company's name; required.
    pub name: String,
    /// Web domains, such as `example.pl`; pasted URLs are reduced to their domain.
    pub domains: Vec<String>,
    /// Industry, such as `logistics`.
    pub industry: Option<String>,
    /// Number of employees, as a band.
    pub size: Option<CompanySize>,
    /// Postal addresses.
    pub addresses: Vec<Address>,
    /// What the company is to the firm; several at once.
    pub kinds: Vec<RelationshipKind>,
    /// The parent company; cycles are refused.
    pub parent: Option<CompanyId>,
    /// The id of the user (of the host application) who owns the company.
    pub owner: Option<String>,
    /// Tags; compared without case or diacritics.
    pub tags: Vec<String>,
    /// Values of custom fields, by key.
    pub custom_fields: BTreeMap<String, FieldValue>,
}

/// A stored company.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Company {
    /// The company's id.
    #[cbor(skip)]
    pub id: CompanyId,
    /// The company's name.
    #[n(0)]
    pub name: String,
    /// Web domains, lower case, without `www.`.
    #[n(1)]
    pub domains: Vec<String>,
    /// Industry.
    #[n(2)]
    pub industry: Option<String>,
    /// Number of employees, as a band.
    #[n(3)]
    pub size: Option<CompanySize>,
    /// Postal addresses.
    #[n(4)]
    pub addresses: Vec<Address>,
    /// What the company is to the firm, in code order, without repeats.
    #[n(5)]
    pub kinds: Vec<RelationshipKind>,
    /// The parent company.
    #[n(6)]
    pub parent: Option<CompanyId>,
    /// The id of the owning user.
    #[n(7)]
    pub owner: Option<String>,
    /// Tags.
    #[n(8)]
    pub tags: Vec<String>,
    /// Values of custom fields, by key.
    #[n(9)]
    pub custom_fields: BTreeMap<String, FieldValue>,
    /// When the company was created.
    #[n(10)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When the company was last changed.
    #[n(11)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
    /// When the company was archived; archived companies are hidden from search and listings
    /// unless asked for.
    #[n(12)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub archived_at: Option<DateTime<Utc>>,
}

impl Company {
    /// Whether the company is archived.
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// The editable part of the company, to change and pass to `update_company`.
    pub fn to_input(&self) -> CompanyInput {
        CompanyInput {
            name: self.name.clone(),
            domains: self.domains.clone(),
            industry: self.industry.clone(),
            size: self.size,
            addresses: self.addresses.clone(),
            kinds: self.kinds.clone(),
            parent: self.parent,
            owner: self.owner.clone(),
            tags: self.tags.clone(),
            custom_fields: self.custom_fields.clone(),
        }
    }
}

impl Record for Company {
    const TABLE: Table = tables::COMPANIES;
    const NAME: &'static str = "company";
    const ID_PREFIX: &'static str = "company";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }

    fn set_raw_id(&mut self, raw: u128) {
        self.id = CompanyId::from_u128(raw);
    }

    fn entries(&self, out: &mut Entries) {
        let id = self.raw_id();
        if self.archived_at.is_some() {
            out.index
                .push(index::raw_key(ix::COMPANY_ARCHIVED, &[], id));
        }
        for d in &self.domains {
            out.index.push(index::text_key(ix::COMPANY_DOMAIN, d, id));
        }
        for t in &self.tags {
            out.index
                .push(index::text_key(ix::COMPANY_TAG, &text::fold(t), id));
        }
        if let Some(o) = &self.owner {
            out.index.push(index::text_key(ix::COMPANY_OWNER, o, id));
        }
        if let Some(p) = self.parent {
            out.index
                .push(index::raw_key(ix::COMPANY_PARENT, &p.to_bytes(), id));
        }
        for k in &self.kinds {
            out.index
                .push(index::raw_key(ix::COMPANY_KIND, &[k.code()], id));
        }
        for (by, ix) in SortBy::ALL
            .into_iter()
            .zip(<Company as Listed>::SORT_INDEXES)
        {
            let mut k = vec![ix];
            self.sort_key(by, &mut k);
            out.index.push(k);
        }
        if self.archived_at.is_none() {
            self.search_terms(out);
        }
    }
}

impl Company {
    fn search_terms(&self, out: &mut Entries) {
        let mut add = |s: &str, class: u8| {
            text::for_each_term(s, |t| out.add_term(RecordKind::Company.code(), t, class));
        };
        add(&self.name, field_class::NAME);
        for d in &self.domains {
            add(d, field_class::EMAIL);
        }
        for s in self.industry.iter().chain(&self.tags) {
            add(s, field_class::OTHER);
        }
        for a in &self.addresses {
            for s in [&a.street, &a.city, &a.postal_code].into_iter().flatten() {
                add(s, field_class::OTHER);
            }
        }
        for v in self.custom_fields.values() {
            query::custom_search_text(v, |s| add(s, field_class::OTHER));
        }
    }
}

record::impl_entity!(Company, RecordKind::Company);

/// The fields a company listing can filter on, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompanyField {
    Name,
    Domain,
    Industry,
    Size,
    Kind,
    Parent,
    Owner,
    Street,
    City,
    Region,
    PostalCode,
    Country,
    Tag,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

/// Which companies to list. All criteria must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CompanyFilter {
    /// Whether archived companies are shown.
    pub archived: Archived,
    /// Companies with every one of these tags.
    pub tags_all: Vec<String>,
    /// Companies with at least one of these tags.
    pub tags_any: Vec<String>,
    /// Companies that are at least one of these kinds.
    pub kinds_any: Vec<RelationshipKind>,
    /// Direct subsidiaries of this company (`NotFound` when there is no such company).
    pub parent: Option<CompanyId>,
    /// Companies owned by this user.
    pub owner: Option<String>,
    /// Companies created in this range.
    pub created: TimeRange,
    /// Companies last changed in this range.
    pub updated: TimeRange,
    /// Further tests on any field.
    pub conditions: Vec<Condition>,
}

/// A page request for companies.
pub type CompanyQuery = ListQuery<CompanyFilter>;

impl Searched for Company {
    fn label(key: &[u8], stored: &[u8]) -> Result<String> {
        /// The company's name alone (field 0): decoding it skips the rest of the record.
        #[derive(minicbor::Decode)]
        struct Label {
            #[n(0)]
            label: String,
        }
        codec::decode::<Label>(Self::NAME, key, stored).map(|l| l.label)
    }
}

impl Listed for Company {
    type Field = CompanyField;
    type Filter = CompanyFilter;
    const SORT_INDEXES: [u8; 3] = [ix::COMPANY_NAME, ix::COMPANY_CREATED, ix::COMPANY_UPDATED];
    const TAG_INDEX: u8 = ix::COMPANY_TAG;
    const OWNER_INDEX: u8 = ix::COMPANY_OWNER;
    const ARCHIVED_INDEX: u8 = ix::COMPANY_ARCHIVED;

    fn sort_key(&self, by: SortBy, out: &mut Vec<u8>) {
        match by {
            SortBy::Name => index::push_text(out, &text::fold(&self.name), index::MAX_SORT_BYTES),
            SortBy::CreatedAt => index::push_instant(out, self.created_at),
            SortBy::UpdatedAt => index::push_instant(out, self.updated_at),
        }
        out.extend_from_slice(&self.raw_id().to_be_bytes());
    }

    fn parse_field(name: &str) -> Option<(CompanyField, FieldType)> {
        use CompanyField as F;
        use FieldType as T;
        Some(match name {
            "name" => (F::Name, T::Text),
            "domain" => (F::Domain, T::Text),
            "industry" => (F::Industry, T::Text),
            "size" => (F::Size, T::Text),
            "kind" => (F::Kind, T::Text),
            "parent" => (F::Parent, T::Text),
            "owner" => (F::Owner, T::Text),
            "street" => (F::Street, T::Text),
            "city" => (F::City, T::Text),
            "region" => (F::Region, T::Text),
            "postal_code" => (F::PostalCode, T::Text),
            "country" => (F::Country, T::Text),
            "tag" => (F::Tag, T::Text),
            "created_at" => (F::CreatedAt, T::Instant),
            "updated_at" => (F::UpdatedAt, T::Instant),
            "archived_at" => (F::ArchivedAt, T::Instant),
            _ => return None,
        })
    }

    fn read(&self, field: CompanyField) -> Vals<'_> {
        use CompanyField as F;
        let addr = |part: fn(&Address) -> &Option<String>| {
            self.addresses
                .iter()
                .filter_map(|a| part(a).as_deref())
                .collect::<Vec<_>>()
        };
        match field {
            F::Name => Vals::Texts(vec![&self.name]),
            F::Domain => Vals::Texts(self.domains.iter().map(String::as_str).collect()),
            F::Industry => Vals::Texts(self.industry.iter().map(String::as_str).collect()),
            F::Size => Vals::Texts(self.size.iter().map(|s| s.name()).collect()),
            F::Kind => Vals::Texts(self.kinds.iter().map(|k| k.name()).collect()),
            F::Parent => Vals::Owned(self.parent.iter().map(|p| p.to_string()).collect()),
            F::Owner => Vals::Texts(self.owner.iter().map(String::as_str).collect()),
            F::Street => Vals::Texts(addr(|a| &a.street)),
            F::City => Vals::Texts(addr(|a| &a.city)),
            F::Region => Vals::Texts(addr(|a| &a.region)),
            F::PostalCode => Vals::Texts(addr(|a| &a.postal_code)),
            F::Country => Vals::Texts(addr(|a| &a.country)),
            F::Tag => Vals::Texts(self.tags.iter().map(String::as_str).collect()),
            F::CreatedAt => Vals::Instant(Some(self.created_at)),
            F::UpdatedAt => Vals::Instant(Some(self.updated_at)),
            F::ArchivedAt => Vals::Instant(self.archived_at),
        }
    }

    fn index_lookup(field: CompanyField, value: &str, _region: Option<&str>) -> Option<Vec<u8>> {
        match field {
            CompanyField::Domain => normalize::web_domain(value)
                .ok()
                .map(|d| index::text_prefix(ix::COMPANY_DOMAIN, &d)),
            CompanyField::Tag => Some(index::text_prefix(ix::COMPANY_TAG, &text::fold(value))),
            CompanyField::Owner => Some(index::text_prefix(ix::COMPANY_OWNER, value.trim())),
            _ => None,
        }
    }

    fn plan(r: &mut impl Reader, ctx: &Ctx, f: &CompanyFilter) -> Result<Plan<CompanyField>> {
        let mut restrict: Option<BTreeSet<u128>> = None;
        if let Some(parent) = f.parent {
            record::must_exist(r, RecordRef::Company(parent), "parent")?;
            restrict = Some(ids_of_children(r, parent)?.into_iter().collect());
        }
        if !f.kinds_any.is_empty() {
            let mut any = BTreeSet::new();
            for kind in &f.kinds_any {
                any.extend(ids_of_kind(r, *kind)?);
            }
            restrict = Some(match restrict {
                Some(set) => set.intersection(&any).copied().collect(),
                None => any,
            });
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

fn build(r: &mut impl Reader, input: &CompanyInput) -> Result<Company> {
    let name = input::line("name", Some(&input.name))?
        .ok_or_else(|| Error::validation("name", "is required"))?;
    if input.domains.len() > 20 {
        return Err(Error::validation("domains", "holds more than 20 domains"));
    }
    let mut domains: Vec<String> = Vec::with_capacity(input.domains.len());
    for (i, d) in input.domains.iter().enumerate() {
        let d = normalize::web_domain(d)
            .map_err(|reason| Error::validation(format!("domains[{i}]"), reason))?;
        if !domains.contains(&d) {
            domains.push(d);
        }
    }
    let mut kinds = input.kinds.clone();
    order::sort_unstable(&mut kinds);
    kinds.dedup();
    let defs = fields::defs(r, RecordKind::Company)?;
    Ok(Company {
        id: CompanyId::default(),
        name,
        domains,
        industry: input::line("industry", input.industry.as_deref())?,
        size: input.size,
        addresses: input::addresses("addresses", &input.addresses)?,
        kinds,
        parent: input.parent,
        owner: input::owner("owner", input.owner.as_deref())?,
        tags: input::tags("tags", &input.tags)?,
        custom_fields: fields::check_values(&defs, &input.custom_fields)?,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
        archived_at: None,
    })
}

/// Refuses a parent that does not exist or that would close a cycle.
fn check_parent(r: &mut impl Reader, id: CompanyId, parent: Option<CompanyId>) -> Result<()> {
    let mut next = parent;
    let mut steps = 0usize;
    while let Some(p) = next {
        if p == id {
            return Err(Error::validation(
                "parent",
                "would make the company its own ancestor",
            ));
        }
        let company: Company = record::load(r, p.as_u128())?.ok_or_else(|| {
            if Some(p) == parent {
                Error::validation("parent", "is not an existing company")
            } else {
                Error::corrupt("companies", "a parent chain names a missing company")
            }
        })?;
        next = company.parent;
        steps += 1;
        // A stored chain is acyclic by construction; the bound only guards a damaged file.
        if steps > 100_000 {
            return Err(Error::storage("a parent chain does not end"));
        }
    }
    Ok(())
}

pub(crate) fn create(w: &mut impl Writer, ctx: &Ctx, input: &CompanyInput) -> Result<Company> {
    let now = ctx.now();
    let mut company = build(w, input)?;
    company.id = CompanyId::from_u128(ctx.mint(now));
    company.created_at = now;
    company.updated_at = now;
    check_parent(w, company.id, company.parent)?;
    record::save(w, None, &company)?;
    Ok(company)
}

pub(crate) fn get(r: &mut impl Reader, id: CompanyId) -> Result<Company> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn update(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: CompanyId,
    input: &CompanyInput,
) -> Result<Company> {
    let old = get(w, id)?;
    let mut company = build(w, input)?;
    company.id = id;
    company.created_at = old.created_at;
    company.updated_at = ctx.now().max(old.updated_at);
    company.archived_at = old.archived_at;
    check_parent(w, id, company.parent)?;
    record::save_edit(w, ctx, &old, &company)?;
    Ok(company)
}

pub(crate) fn retag(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: CompanyId,
    add: &[String],
    remove: &[String],
) -> Result<Company> {
    let old = get(w, id)?;
    record::retag(w, ctx, old, add, remove)
}

pub(crate) fn set_archived(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: CompanyId,
    archived: bool,
) -> Result<Company> {
    let old = get(w, id)?;
    record::set_archived(w, ctx, old, archived, |_, _| Ok(()))
}

/// Deletes a company: its employments and relations go with it, and its subsidiaries lose
/// their parent (they are not deleted).
pub(crate) fn delete<W: Writer>(
    w: &mut W,
    ctx: &Ctx,
    id: CompanyId,
    forget: Forget<W>,
) -> Result<()> {
    let old = get(w, id)?;
    orphan_subsidiaries(w, ctx, id)?;
    forget(w, ctx, RecordRef::Company(id))?;
    record::erase(w, &old)
}

/// The subsidiaries of a company that goes lose their parent (they are not deleted).
pub(crate) fn orphan_subsidiaries(w: &mut impl Writer, ctx: &Ctx, id: CompanyId) -> Result<()> {
    let now = ctx.now();
    for child in subsidiaries(w, id)? {
        let mut orphan = child.clone();
        orphan.parent = None;
        orphan.updated_at = now.max(child.updated_at);
        record::save(w, Some(&child), &orphan)?;
    }
    Ok(())
}

/// The direct subsidiaries of a company, in id order.
pub(crate) fn subsidiaries(r: &mut impl Reader, id: CompanyId) -> Result<Vec<Company>> {
    let ids = index::ids_with_prefix(r, &index::raw_prefix(ix::COMPANY_PARENT, &id.to_bytes()))?;
    ids.into_iter()
        .map(|raw| record::require(r, raw, CompanyId::from_u128(raw)))
        .collect()
}

/// The chain of parents of a company, nearest first.
pub(crate) fn ancestors(r: &mut impl Reader, id: CompanyId) -> Result<Vec<Company>> {
    let mut out: Vec<Company> = Vec::new();
    let mut next = get(r, id)?.parent;
    while let Some(p) = next {
        if out.len() > 100_000 {
            return Err(Error::storage("a parent chain does not end"));
        }
        let company = get(r, p)?;
        next = company.parent;
        out.push(company);
    }
    Ok(out)
}

/// Companies with a web domain (pasted URLs are reduced to their domain first).
pub(crate) fn by_domain(r: &mut impl Reader, domain: &str) -> Result<Vec<Company>> {
    let Ok(domain) = normalize::web_domain(domain) else {
        return Ok(Vec::new());
    };
    let ids = index::ids_with_prefix(r, &index::text_prefix(ix::COMPANY_DOMAIN, &domain))?;
    let mut out = Vec::with_capacity(ids.len());
    for raw in ids {
        if let Some(c) = record::load::<Company>(r, raw)?.filter(|c| c.archived_at.is_none()) {
            out.push(c);
        }
    }
    Ok(out)
}

/// Ids of companies of a relationship kind (used by listings).
pub(crate) fn ids_of_kind(r: &mut impl Reader, kind: RelationshipKind) -> Result<Vec<u128>> {
    index::ids_with_prefix(r, &index::raw_prefix(ix::COMPANY_KIND, &[kind.code()]))
}

/// Ids of the direct subsidiaries of a company (used by listings).
pub(crate) fn ids_of_children(r: &mut impl Reader, parent: CompanyId) -> Result<Vec<u128>> {
    index::ids_with_prefix(
        r,
        &index::raw_prefix(ix::COMPANY_PARENT, &parent.to_bytes()),
    )
}
