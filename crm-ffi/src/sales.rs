//! The sales group: leads, pipelines, deals, products, price lists, quotes, exchange rates and
//! the reporting currency, and the sales reports.
//!
//! Its records restate the core's (uniffi remote types: a field added in the core and not
//! here fails to compile), but for the few this crate defines itself, said so where they are;
//! its operations are written from the core's `sales_operations!` table.

use crm_core::{
    Archived, ClosingQuery, Company, CompanyChoice, CompanyId, Condition, Contact, ContactChoice,
    ContactId, Conversion, ConvertedLead, Currency, Deal, DealContact, DealId, DealInput, DealMove,
    Decimal, Discount, ExchangeRate, FollowUpInput, Forecast, ForecastPeriod, GroupBy, Lead,
    LeadId, LeadInput, LeadSource, LeadStatus, Leaderboard, LeaderboardRow, LineItem,
    LineItemInput, Money, OwnerForecast, Period, Pipeline, PipelineId, PipelineInput,
    PipelineValue, PriceList, PriceListEntry, PriceListId, PriceListInput, Product, ProductId,
    ProductInput, Quote, QuoteAcceptance, QuoteId, QuoteInput, QuoteStatus, SalesCycle,
    SalesCycleQuery, Stage, StageDuration, StageId, StageInput, StageKind, StageTime, StageValue,
    TaxRate, TimeRange, Totals, WinRate, WinRateQuery, WinRates,
};

use crate::records::Sort;
use crate::{Crm, CrmError, CustomFields, Date, Timestamp, in_transaction};

// The operations of the sales table: same names, parameters and docs as the core's, each one
// line over `self.inner` (see crm-macros for how the types map).
crm_core::sales_operations!(crm_macros::uniffi_operations);

/// Which leads to list.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct LeadFilter {
    /// Archived leads (excluded when absent).
    #[uniffi(default = None)]
    pub archived: Option<Archived>,
    /// Having all these tags.
    #[uniffi(default)]
    pub tags_all: Vec<String>,
    /// Having any of these tags.
    #[uniffi(default)]
    pub tags_any: Vec<String>,
    /// Having one of these statuses.
    #[uniffi(default)]
    pub statuses_any: Vec<LeadStatus>,
    /// Coming from one of these sources.
    #[uniffi(default)]
    pub sources_any: Vec<LeadSource>,
    /// Scoring at least this much.
    #[uniffi(default = None)]
    pub min_score: Option<u8>,
    /// Owned by this user.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Created in this range.
    #[uniffi(default)]
    pub created: TimeRange,
    /// Last changed in this range.
    #[uniffi(default)]
    pub updated: TimeRange,
    /// Tests on any field.
    #[uniffi(default)]
    pub conditions: Vec<Condition>,
}

impl From<LeadFilter> for crm_core::LeadFilter {
    fn from(f: LeadFilter) -> Self {
        crm_core::LeadFilter {
            archived: f.archived.unwrap_or_default(),
            tags_all: f.tags_all,
            tags_any: f.tags_any,
            statuses_any: f.statuses_any,
            sources_any: f.sources_any,
            min_score: f.min_score,
            owner: f.owner,
            created: f.created,
            updated: f.updated,
            conditions: f.conditions,
        }
    }
}

/// Which deals to list.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct DealFilter {
    /// Archived deals (excluded when absent).
    #[uniffi(default = None)]
    pub archived: Option<Archived>,
    /// Having all these tags.
    #[uniffi(default)]
    pub tags_all: Vec<String>,
    /// Having any of these tags.
    #[uniffi(default)]
    pub tags_any: Vec<String>,
    /// In this pipeline.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// In this stage.
    #[uniffi(default = None)]
    pub stage: Option<StageId>,
    /// Open, won or lost (any of these).
    #[uniffi(default)]
    pub statuses_any: Vec<StageKind>,
    /// With this customer.
    #[uniffi(default = None)]
    pub company: Option<CompanyId>,
    /// With this contact taking part.
    #[uniffi(default = None)]
    pub contact: Option<ContactId>,
    /// Owned by this user.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Created in this range.
    #[uniffi(default)]
    pub created: TimeRange,
    /// Last changed in this range.
    #[uniffi(default)]
    pub updated: TimeRange,
    /// Tests on any field.
    #[uniffi(default)]
    pub conditions: Vec<Condition>,
}

impl From<DealFilter> for crm_core::DealFilter {
    fn from(f: DealFilter) -> Self {
        crm_core::DealFilter {
            archived: f.archived.unwrap_or_default(),
            tags_all: f.tags_all,
            tags_any: f.tags_any,
            pipeline: f.pipeline,
            stage: f.stage,
            statuses_any: f.statuses_any,
            company: f.company,
            contact: f.contact,
            owner: f.owner,
            created: f.created,
            updated: f.updated,
            conditions: f.conditions,
        }
    }
}

/// A page request for leads.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LeadQuery {
    /// Which leads.
    #[uniffi(default)]
    pub filter: LeadFilter,
    /// In which order.
    #[uniffi(default)]
    pub sort: Sort,
    /// How many, 1 to 1,000.
    #[uniffi(default = 50)]
    pub limit: u32,
    /// Where the previous page ended.
    #[uniffi(default = None)]
    pub cursor: Option<String>,
}

impl From<LeadQuery> for crm_core::LeadQuery {
    fn from(q: LeadQuery) -> Self {
        crm_core::ListQuery {
            filter: q.filter.into(),
            sort: q.sort.into(),
            limit: q.limit,
            cursor: q.cursor,
        }
    }
}

/// A page request for deals.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DealQuery {
    /// Which deals.
    #[uniffi(default)]
    pub filter: DealFilter,
    /// In which order.
    #[uniffi(default)]
    pub sort: Sort,
    /// How many, 1 to 1,000.
    #[uniffi(default = 50)]
    pub limit: u32,
    /// Where the previous page ended.
    #[uniffi(default = None)]
    pub cursor: Option<String>,
}

impl From<DealQuery> for crm_core::DealQuery {
    fn from(q: DealQuery) -> Self {
        crm_core::ListQuery {
            filter: q.filter.into(),
            sort: q.sort.into(),
            limit: q.limit,
            cursor: q.cursor,
        }
    }
}

/// How to convert a lead.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct LeadConversion {
    /// The contact it becomes (matched by email when absent).
    #[uniffi(default = None)]
    pub contact: Option<ContactChoice>,
    /// The company it becomes (matched by web domain when absent).
    #[uniffi(default = None)]
    pub company: Option<CompanyChoice>,
    /// A deal to open. Its company and contacts default to those of the conversion, its owner
    /// and source to the lead's.
    #[uniffi(default = None)]
    pub deal: Option<DealInput>,
    /// The id of the user converting it.
    #[uniffi(default = None)]
    pub by: Option<String>,
}

impl From<LeadConversion> for crm_core::LeadConversion {
    fn from(c: LeadConversion) -> Self {
        crm_core::LeadConversion {
            contact: c.contact.unwrap_or_default(),
            company: c.company.unwrap_or_default(),
            deal: c.deal,
            by: c.by,
        }
    }
}

/// Which open deals a forecast counts, and by what period.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ForecastQuery {
    /// Months or quarters (months when absent).
    #[uniffi(default = None)]
    pub period: Option<Period>,
    /// Only this pipeline's deals.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// Only this owner's deals.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Only deals expected to close on or after this day.
    #[uniffi(default = None)]
    pub since: Option<Date>,
    /// Only deals expected to close on or before this day.
    #[uniffi(default = None)]
    pub until: Option<Date>,
}

impl From<ForecastQuery> for crm_core::ForecastQuery {
    fn from(q: ForecastQuery) -> Self {
        crm_core::ForecastQuery {
            period: q.period.unwrap_or_default(),
            pipeline: q.pipeline,
            owner: q.owner,
            since: q.since,
            until: q.until,
        }
    }
}

/// A page of leads.
pub type LeadPage = crm_core::Page<Lead>;

/// A page of leads.
#[uniffi::remote(Record)]
pub struct LeadPage {
    /// The leads.
    pub items: Vec<Lead>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<String>,
}

/// A page of deals.
pub type DealPage = crm_core::Page<Deal>;

/// A page of deals.
#[uniffi::remote(Record)]
pub struct DealPage {
    /// The deals.
    pub items: Vec<Deal>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<String>,
}

// ---- leads ----

/// Where a lead came from.
#[uniffi::remote(Enum)]
pub enum LeadSource {
    /// A form on the firm's web site.
    WebForm,
    /// Recommended by a customer or partner.
    Referral,
    /// Met at a trade fair, conference or meetup.
    Event,
    /// Found by calling.
    ColdCall,
    /// Answered a marketing campaign.
    Campaign,
    /// Answered an advertisement.
    Advertising,
    /// Came through social media.
    SocialMedia,
    /// Brought by a partner.
    Partner,
    /// Anywhere else.
    Other,
}

/// Where a lead is in qualification.
#[uniffi::remote(Enum)]
pub enum LeadStatus {
    /// Captured, not yet worked on.
    New,
    /// Someone has reached out.
    Contacted,
    /// Worth pursuing.
    Qualified,
    /// Not worth pursuing, with a reason.
    Disqualified,
    /// Converted into a contact (and company and deal); set only by converting.
    Converted,
}

/// What a converted lead became.
#[uniffi::remote(Record)]
pub struct Conversion {
    /// The contact it became (absent once that contact is deleted).
    pub contact: Option<ContactId>,
    /// The company, if any.
    pub company: Option<CompanyId>,
    /// The deal opened, if any.
    pub deal: Option<DealId>,
    /// When it was converted.
    pub converted_at: Timestamp,
    /// The id of the user who converted it.
    pub by: Option<String>,
}

/// A stored lead.
#[uniffi::remote(Record)]
pub struct Lead {
    /// The id, `lead_…`.
    pub id: LeadId,
    /// Given name of the person.
    pub given_name: Option<String>,
    /// Family name of the person.
    pub family_name: Option<String>,
    /// The name shown: the person's name, else the company's, else the email.
    pub display_name: String,
    /// The person's email address.
    pub email: Option<String>,
    /// The person's phone number, as captured.
    pub phone: Option<String>,
    /// The person's job title.
    pub job_title: Option<String>,
    /// The company's name, as captured.
    pub company_name: Option<String>,
    /// The company's web domain.
    pub web_domain: Option<String>,
    /// Where the lead came from.
    pub source: Option<LeadSource>,
    /// More about the source: the campaign, the event, who referred it.
    pub source_detail: Option<String>,
    /// Where it is in qualification.
    pub status: LeadStatus,
    /// Why it was disqualified.
    pub disqualified_reason: Option<String>,
    /// How promising it is, from 0 to 100.
    pub score: u8,
    /// The owning user's id.
    pub owner: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom field values.
    pub custom_fields: CustomFields,
    /// What it became, once converted.
    pub conversion: Option<Conversion>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was archived.
    pub archived_at: Option<Timestamp>,
}

/// What to create or replace a lead with; needs a name, a company name or an email address.
#[uniffi::remote(Record)]
pub struct LeadInput {
    /// Given name of the person.
    #[uniffi(default = None)]
    pub given_name: Option<String>,
    /// Family name of the person.
    #[uniffi(default = None)]
    pub family_name: Option<String>,
    /// The person's email address.
    #[uniffi(default = None)]
    pub email: Option<String>,
    /// The person's phone number.
    #[uniffi(default = None)]
    pub phone: Option<String>,
    /// The person's job title.
    #[uniffi(default = None)]
    pub job_title: Option<String>,
    /// The company's name.
    #[uniffi(default = None)]
    pub company_name: Option<String>,
    /// The company's web domain or site address.
    #[uniffi(default = None)]
    pub web_domain: Option<String>,
    /// Where the lead came from.
    #[uniffi(default = None)]
    pub source: Option<LeadSource>,
    /// More about the source.
    #[uniffi(default = None)]
    pub source_detail: Option<String>,
    /// The status; `new` when creating and unchanged when updating if absent.
    #[uniffi(default = None)]
    pub status: Option<LeadStatus>,
    /// Why it was disqualified; required for, and only for, disqualified leads.
    #[uniffi(default = None)]
    pub disqualified_reason: Option<String>,
    /// How promising it is, 0 to 100; 0 when creating and unchanged when updating if absent.
    #[uniffi(default = None)]
    pub score: Option<u8>,
    /// The owning user's id.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Tags.
    #[uniffi(default)]
    pub tags: Vec<String>,
    /// Custom field values by key.
    #[uniffi(default)]
    pub custom_fields: CustomFields,
}

/// Which contact a lead becomes.
#[uniffi::remote(Enum)]
pub enum ContactChoice {
    /// The active contact with the lead's email address, or a new one when there is none.
    MatchByEmail,
    /// A new contact from the lead's details.
    New,
    /// An existing contact.
    Existing {
        /// The contact.
        contact: ContactId,
    },
}

/// Which company a lead becomes.
#[uniffi::remote(Enum)]
pub enum CompanyChoice {
    /// The active company with the lead's web domain, or a new one from its company name when
    /// there is none; no company when the lead has neither.
    MatchByDomain,
    /// A new company from the lead's company name and web domain.
    New,
    /// An existing company.
    Existing {
        /// The company.
        company: CompanyId,
    },
    /// No company.
    Skip,
}

/// The outcome of a conversion.
#[uniffi::remote(Record)]
pub struct ConvertedLead {
    /// The lead, now converted.
    pub lead: Lead,
    /// The contact it became.
    pub contact: Contact,
    /// Whether that contact was created by the conversion.
    pub contact_created: bool,
    /// The company it became, if any.
    pub company: Option<Company>,
    /// Whether that company was created by the conversion.
    pub company_created: bool,
    /// The deal opened, if any.
    pub deal: Option<Deal>,
}

// ---- pipelines and deals ----

/// Whether a stage is open, or closes a deal as won or lost.
#[uniffi::remote(Enum)]
pub enum StageKind {
    /// The deal is still being worked on.
    Open,
    /// The deal was won.
    Won,
    /// The deal was lost.
    Lost,
}

/// A stage of a pipeline.
#[uniffi::remote(Record)]
pub struct Stage {
    /// The id, `stage_…`.
    pub id: StageId,
    /// The name, unique in its pipeline.
    pub name: String,
    /// The chance, in percent, that a deal in this stage is won.
    pub probability: u8,
    /// Open, won or lost.
    pub kind: StageKind,
    /// An open deal that stays longer than this many days is rotten.
    pub rotten_after_days: Option<u32>,
    /// Archived stages take no new deals and hold none.
    pub archived: bool,
}

/// What to add or change a stage with.
#[uniffi::remote(Record)]
pub struct StageInput {
    /// The name, unique in the pipeline (ignoring case and diacritics).
    pub name: String,
    /// The chance, in percent (0 to 100), that a deal in this stage is won.
    pub probability: u8,
    /// Open, won or lost.
    pub kind: StageKind,
    /// For open stages: days after which a deal sitting here is rotten.
    #[uniffi(default = None)]
    pub rotten_after_days: Option<u32>,
}

/// A sales pipeline.
#[uniffi::remote(Record)]
pub struct Pipeline {
    /// The id, `pipeline_…`.
    pub id: PipelineId,
    /// The name.
    pub name: String,
    /// Its stages in order, archived ones included.
    pub stages: Vec<Stage>,
    /// Whether new deals go here when they name no pipeline.
    pub is_default: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What to create a pipeline with.
#[uniffi::remote(Record)]
pub struct PipelineInput {
    /// The name.
    pub name: String,
    /// The stages in order: at least one open, one won and one lost.
    pub stages: Vec<StageInput>,
}

/// A contact taking part in a deal.
#[uniffi::remote(Record)]
pub struct DealContact {
    /// The contact.
    pub contact: ContactId,
    /// Their part in the deal, such as `decision maker`.
    #[uniffi(default = None)]
    pub role: Option<String>,
}

/// A stored deal.
#[uniffi::remote(Record)]
pub struct Deal {
    /// The id, `deal_…`.
    pub id: DealId,
    /// What is being sold to whom.
    pub title: String,
    /// Its pipeline.
    pub pipeline: PipelineId,
    /// Its stage in that pipeline.
    pub stage: StageId,
    /// Open, won or lost: the kind of its stage.
    pub status: StageKind,
    /// The customer.
    pub company: Option<CompanyId>,
    /// The people involved, with their roles.
    pub contacts: Vec<DealContact>,
    /// The owning user's id.
    pub owner: Option<String>,
    /// The value of the deal; its currency is the deal's.
    pub amount: Option<Money>,
    /// When it is expected to close.
    pub expected_close: Option<Date>,
    /// Its own probability in percent, kept across stage changes.
    pub probability_override: Option<u8>,
    /// The probability in effect: the override, or the stage's.
    pub probability: u8,
    /// Where the deal came from.
    pub source: Option<String>,
    /// Why it was lost.
    pub lost_reason: Option<String>,
    /// When it was won or lost; absent while open.
    pub closed_at: Option<Timestamp>,
    /// Its amount in the reporting currency at the rate of the day it closed.
    pub closed_value: Option<Money>,
    /// Its lines, priced.
    pub line_items: Vec<LineItem>,
    /// The sums of its lines; absent without lines.
    pub totals: Option<Totals>,
    /// The price list its products are priced from.
    pub price_list: Option<PriceListId>,
    /// The won deal this one follows up on.
    pub origin: Option<DealId>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom field values.
    pub custom_fields: CustomFields,
    /// When it entered its current stage.
    pub stage_entered_at: Timestamp,
    /// Whether it has sat in its open stage longer than the stage allows.
    pub rotten: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was archived.
    pub archived_at: Option<Timestamp>,
}

/// What to create or replace a deal with.
#[uniffi::remote(Record)]
pub struct DealInput {
    /// What is being sold to whom; required.
    pub title: String,
    /// The pipeline; the default pipeline when absent.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// The stage, of that pipeline; its first open stage when absent.
    #[uniffi(default = None)]
    pub stage: Option<StageId>,
    /// The customer.
    #[uniffi(default = None)]
    pub company: Option<CompanyId>,
    /// The people involved.
    #[uniffi(default)]
    pub contacts: Vec<DealContact>,
    /// The owning user's id.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// The value; not negative. Its currency is the deal's (the lines' when absent).
    #[uniffi(default = None)]
    pub amount: Option<Money>,
    /// When it is expected to close.
    #[uniffi(default = None)]
    pub expected_close: Option<Date>,
    /// The deal's own probability in percent (0 to 100); the stage's when absent.
    #[uniffi(default = None)]
    pub probability: Option<u8>,
    /// Where it came from.
    #[uniffi(default = None)]
    pub source: Option<String>,
    /// Why it was lost.
    #[uniffi(default = None)]
    pub lost_reason: Option<String>,
    /// Its lines; all in the deal's currency.
    #[uniffi(default)]
    pub line_items: Vec<LineItemInput>,
    /// The price list its products are priced from.
    #[uniffi(default = None)]
    pub price_list: Option<PriceListId>,
    /// Tags.
    #[uniffi(default)]
    pub tags: Vec<String>,
    /// Custom field values by key.
    #[uniffi(default)]
    pub custom_fields: CustomFields,
}

/// A move of a deal to another stage of its pipeline.
#[uniffi::remote(Record)]
pub struct DealMove {
    /// The stage to move to.
    pub stage: StageId,
    /// Why it was lost, when the stage is a lost one.
    #[uniffi(default = None)]
    pub lost_reason: Option<String>,
    /// The id of the user making the move.
    #[uniffi(default = None)]
    pub by: Option<String>,
}

/// One change of a deal's stage. (This crate's own record: the core's has a private key.)
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StageChange {
    /// The deal.
    pub deal: DealId,
    /// The stage it left; absent for the stage it was created in.
    pub from_stage: Option<StageId>,
    /// The stage it entered.
    pub to_stage: StageId,
    /// When.
    pub at: Timestamp,
    /// The id of the user who moved it.
    pub by: Option<String>,
}

impl From<crm_core::StageChange> for StageChange {
    fn from(c: crm_core::StageChange) -> Self {
        StageChange {
            deal: c.deal,
            from_stage: c.from_stage,
            to_stage: c.to_stage,
            at: c.at,
            by: c.by,
        }
    }
}

/// How long a deal has spent in one stage, over all its visits.
#[uniffi::remote(Record)]
pub struct StageTime {
    /// The stage.
    pub stage: StageId,
    /// How many times the deal entered it.
    pub visits: u32,
    /// The time spent in it, in seconds (until now for the current stage).
    pub seconds: u64,
}

/// What a follow-up deal gets beyond what it copies from the won deal.
#[uniffi::remote(Record)]
pub struct FollowUpInput {
    /// What is being sold this time; required.
    pub title: String,
    /// The pipeline; the won deal's when absent.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// The stage; the pipeline's first open stage when absent.
    #[uniffi(default = None)]
    pub stage: Option<StageId>,
    /// The value.
    #[uniffi(default = None)]
    pub amount: Option<Money>,
    /// When it is expected to close.
    #[uniffi(default = None)]
    pub expected_close: Option<Date>,
    /// The owner; the won deal's when absent.
    #[uniffi(default = None)]
    pub owner: Option<String>,
}

// ---- products, line items, quotes ----

/// A product or service sold.
#[uniffi::remote(Record)]
pub struct Product {
    /// The id, `product_…`.
    pub id: ProductId,
    /// The stock-keeping unit, unique ignoring case.
    pub sku: String,
    /// The name shown on quotes.
    pub name: String,
    /// A longer description.
    pub description: Option<String>,
    /// The unit price in each currency it is sold in (one per currency).
    pub prices: Vec<Money>,
    /// The tax rate in basis points (2300 = 23 %).
    pub tax_rate: TaxRate,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was archived; archived products are not offered for new line items.
    pub archived_at: Option<Timestamp>,
}

/// What to create or replace a product with.
#[uniffi::remote(Record)]
pub struct ProductInput {
    /// The stock-keeping unit, unique ignoring case.
    pub sku: String,
    /// The name.
    pub name: String,
    /// A longer description.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// Unit prices, at most one per currency, none negative.
    #[uniffi(default)]
    pub prices: Vec<Money>,
    /// The tax rate in basis points (2300 = 23 %).
    #[uniffi(default = 0)]
    pub tax_rate: TaxRate,
}

/// A product's price in a price list.
#[uniffi::remote(Record)]
pub struct PriceListEntry {
    /// The product.
    pub product: ProductId,
    /// Its unit price, in the list's currency.
    pub unit_price: Money,
}

/// A list of prices in one currency, such as for partners.
#[uniffi::remote(Record)]
pub struct PriceList {
    /// The id, `pricelist_…`.
    pub id: PriceListId,
    /// The name, such as `Partners 2026`.
    pub name: String,
    /// The currency of every price in it.
    pub currency: Currency,
    /// The prices, one per product.
    pub entries: Vec<PriceListEntry>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What to create or replace a price list with.
#[uniffi::remote(Record)]
pub struct PriceListInput {
    /// The name.
    pub name: String,
    /// The currency of every price.
    pub currency: Currency,
    /// The prices, one per product.
    #[uniffi(default)]
    pub entries: Vec<PriceListEntry>,
}

/// A discount on a line.
#[uniffi::remote(Enum)]
pub enum Discount {
    /// A share of the line's subtotal, in basis points (1000 = 10 %, at most 10000).
    Percent {
        /// The share in basis points.
        basis_points: u32,
    },
    /// A fixed amount off the line, in the line's currency, at most its subtotal.
    Amount {
        /// The amount off.
        amount: Money,
    },
}

/// A line to put on a deal.
#[uniffi::remote(Record)]
pub struct LineItemInput {
    /// The product sold, if any (its name, price and tax rate are the defaults).
    #[uniffi(default = None)]
    pub product: Option<ProductId>,
    /// What is sold; required without a product.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// How many; not negative, fractions allowed.
    pub quantity: Decimal,
    /// The price of one unit; the product's (or the deal's price list's) when absent.
    #[uniffi(default = None)]
    pub unit_price: Option<Money>,
    /// A discount on the line.
    #[uniffi(default = None)]
    pub discount: Option<Discount>,
    /// The tax rate in basis points; the product's when absent, else 0.
    #[uniffi(default = None)]
    pub tax_rate: Option<TaxRate>,
}

/// A priced line of a deal or quote.
#[uniffi::remote(Record)]
pub struct LineItem {
    /// The product sold, if any.
    pub product: Option<ProductId>,
    /// What is sold.
    pub description: String,
    /// How many.
    pub quantity: Decimal,
    /// The price of one unit.
    pub unit_price: Money,
    /// The discount given.
    pub discount: Option<Discount>,
    /// The tax rate in basis points.
    pub tax_rate: TaxRate,
    /// Quantity × unit price.
    pub subtotal: Money,
    /// The amount the discount takes off.
    pub discount_amount: Money,
    /// Subtotal less discount.
    pub net: Money,
    /// Tax on the net amount.
    pub tax: Money,
    /// Net plus tax.
    pub gross: Money,
}

/// The sums of a deal's or quote's lines.
#[uniffi::remote(Record)]
pub struct Totals {
    /// The sum of the lines' net amounts.
    pub net: Money,
    /// The sum of the lines' tax.
    pub tax: Money,
    /// The sum of the lines' gross amounts.
    pub gross: Money,
}

/// Where a quote is.
#[uniffi::remote(Enum)]
pub enum QuoteStatus {
    /// Being prepared.
    Draft,
    /// Sent to the customer.
    Sent,
    /// Accepted by the customer.
    Accepted,
    /// Rejected by the customer.
    Rejected,
    /// Sent, and its valid-until date has passed.
    Expired,
}

/// One version of a quote.
#[uniffi::remote(Record)]
pub struct Quote {
    /// The id, `quote_…` (each version has its own).
    pub id: QuoteId,
    /// The deal quoted.
    pub deal: DealId,
    /// The number shown to the customer, `Q-2026-0001`, shared by all versions.
    pub number: String,
    /// The version, from 1.
    pub version: u32,
    /// The status in effect (a sent quote past its date reads as expired).
    pub status: QuoteStatus,
    /// The currency of every amount.
    pub currency: Currency,
    /// The lines offered, as they were on the deal.
    pub line_items: Vec<LineItem>,
    /// Their totals.
    pub totals: Totals,
    /// The last day the offer holds.
    pub valid_until: Date,
    /// Notes for the customer.
    pub notes: Option<String>,
    /// Why the customer rejected it.
    pub rejection_reason: Option<String>,
    /// The later version that replaced this one.
    pub superseded_by: Option<QuoteId>,
    /// When it was sent.
    pub sent_at: Option<Timestamp>,
    /// When it was accepted or rejected.
    pub decided_at: Option<Timestamp>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What a new quote or version gets besides the deal's lines.
#[uniffi::remote(Record)]
pub struct QuoteInput {
    /// The last day the offer holds; not before today.
    pub valid_until: Date,
    /// Notes for the customer.
    #[uniffi(default = None)]
    pub notes: Option<String>,
}

/// How a quote is accepted.
#[uniffi::remote(Record)]
pub struct QuoteAcceptance {
    /// Whether the deal's amount becomes the quote's net total.
    #[uniffi(default = false)]
    pub set_deal_amount: bool,
}

/// The rate of a currency pair from a date on.
#[uniffi::remote(Record)]
pub struct ExchangeRate {
    /// The first day the rate applies (until the pair's next rate).
    pub date: Date,
    /// The currency priced.
    pub base: Currency,
    /// The currency it is priced in.
    pub quote: Currency,
    /// How many units of `quote` one unit of `base` is worth; more than zero.
    pub rate: Decimal,
}

// ---- reports ----

/// The open deals of one stage.
#[uniffi::remote(Record)]
pub struct StageValue {
    /// The stage.
    pub stage: StageId,
    /// Its name.
    pub name: String,
    /// Its probability in percent.
    pub probability: u8,
    /// How many open deals are in it.
    pub deals: u64,
    /// The sum of their amounts.
    pub value: Money,
    /// The sum of amount × probability.
    pub weighted: Money,
}

/// The open value of one pipeline, in the reporting currency.
#[uniffi::remote(Record)]
pub struct PipelineValue {
    /// The pipeline.
    pub pipeline: PipelineId,
    /// Its name.
    pub name: String,
    /// Its active open stages, in order.
    pub stages: Vec<StageValue>,
    /// How many open deals it holds.
    pub deals: u64,
    /// The sum of their amounts.
    pub value: Money,
    /// The sum of amount × probability.
    pub weighted: Money,
    /// Open deals whose amount could not be converted (left out of the sums).
    pub unpriced: Vec<DealId>,
}

/// The length of a forecast's periods.
#[uniffi::remote(Enum)]
pub enum Period {
    /// Calendar months, named `2026-11`.
    Month,
    /// Calendar quarters, named `2026-Q4`.
    Quarter,
}

/// One owner's share of a forecast period.
#[uniffi::remote(Record)]
pub struct OwnerForecast {
    /// The owner; absent for deals without one.
    pub owner: Option<String>,
    /// How many deals.
    pub deals: u64,
    /// The sum of their amounts.
    pub value: Money,
    /// The sum of amount × probability.
    pub weighted: Money,
}

/// The deals expected to close in one period.
#[uniffi::remote(Record)]
pub struct ForecastPeriod {
    /// The period's name: `2026-11` or `2026-Q4`.
    pub period: String,
    /// Its first day.
    pub starts: Date,
    /// How many deals.
    pub deals: u64,
    /// The sum of their amounts.
    pub value: Money,
    /// The sum of amount × probability.
    pub weighted: Money,
    /// The same per owner, by owner (deals without an owner last).
    pub owners: Vec<OwnerForecast>,
}

/// The weighted forecast of open deals.
#[uniffi::remote(Record)]
pub struct Forecast {
    /// The reporting currency of every amount.
    pub currency: Currency,
    /// The periods holding deals, in order.
    pub periods: Vec<ForecastPeriod>,
    /// Open deals (matching the query) without an expected close date.
    pub undated: u64,
    /// Deals whose amount could not be converted (left out of the sums).
    pub unpriced: Vec<DealId>,
}

/// A grouping of win rates.
#[uniffi::remote(Enum)]
pub enum GroupBy {
    /// By the deal's owner.
    Owner,
    /// By the deal's pipeline.
    Pipeline,
    /// By the deal's source.
    Source,
}

/// Which closed deals a win rate counts.
#[uniffi::remote(Record)]
pub struct WinRateQuery {
    /// Deals closed in this range.
    #[uniffi(default)]
    pub closed: TimeRange,
    /// Only this pipeline's deals.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
    /// A grouping besides the overall figure.
    #[uniffi(default = None)]
    pub group_by: Option<GroupBy>,
}

/// Won and lost deals of a group.
#[uniffi::remote(Record)]
pub struct WinRate {
    /// The owner, pipeline id or source of the group; absent for the overall figure and for
    /// deals without one.
    pub group: Option<String>,
    /// Deals won.
    pub won: u64,
    /// Deals lost.
    pub lost: u64,
    /// won / (won + lost), in percent with two decimals; absent without closed deals.
    pub win_rate: Option<Decimal>,
}

/// Win rates overall and per group.
#[uniffi::remote(Record)]
pub struct WinRates {
    /// Every deal counted.
    pub overall: WinRate,
    /// Per group, by group (deals without one last); empty without `group_by`.
    pub groups: Vec<WinRate>,
}

/// Which closed deals the sales cycle measures.
#[uniffi::remote(Record)]
pub struct SalesCycleQuery {
    /// Deals closed in this range.
    #[uniffi(default)]
    pub closed: TimeRange,
    /// Only this pipeline's deals.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
}

/// The average time closed deals spent in a stage.
#[uniffi::remote(Record)]
pub struct StageDuration {
    /// The pipeline.
    pub pipeline: PipelineId,
    /// The stage.
    pub stage: StageId,
    /// Its name.
    pub name: String,
    /// How many of the closed deals passed through it.
    pub deals: u64,
    /// Their average total time in it, in days.
    pub average_days: Decimal,
}

/// How long deals take to close, and pipeline velocity.
#[uniffi::remote(Record)]
pub struct SalesCycle {
    /// The reporting currency of every amount.
    pub currency: Currency,
    /// Won deals measured.
    pub won: u64,
    /// Lost deals in the same range.
    pub lost: u64,
    /// Average days from creation to close of the won deals.
    pub average_days: Option<Decimal>,
    /// Median days from creation to close of the won deals.
    pub median_days: Option<Decimal>,
    /// Average time the closed deals spent in each open stage they passed through.
    pub stages: Vec<StageDuration>,
    /// Open deals now (in the pipeline asked for).
    pub open_deals: u64,
    /// The average value of the won deals.
    pub average_won_value: Option<Money>,
    /// won / (won + lost) in percent.
    pub win_rate: Option<Decimal>,
    /// Open deals × average won value × win rate ÷ average cycle days, as money per day.
    pub velocity_per_day: Option<Money>,
    /// Won deals whose value could not be converted (left out of the values).
    pub unpriced: Vec<DealId>,
}

/// Open deals expected to close between two days.
#[uniffi::remote(Record)]
pub struct ClosingQuery {
    /// The first day.
    pub since: Date,
    /// The last day (included).
    pub until: Date,
    /// Only this owner's deals.
    #[uniffi(default = None)]
    pub owner: Option<String>,
    /// Only this pipeline's deals.
    #[uniffi(default = None)]
    pub pipeline: Option<PipelineId>,
}

/// One owner's row of the leaderboard.
#[uniffi::remote(Record)]
pub struct LeaderboardRow {
    /// The owner; absent for deals without one.
    pub owner: Option<String>,
    /// Deals won.
    pub won: u64,
    /// Their value.
    pub won_value: Money,
    /// Deals lost.
    pub lost: u64,
    /// won / (won + lost) in percent.
    pub win_rate: Option<Decimal>,
}

/// Owners ranked by the value of the deals they won.
#[uniffi::remote(Record)]
pub struct Leaderboard {
    /// The reporting currency of every amount.
    pub currency: Currency,
    /// By won value, then deals won, then owner.
    pub rows: Vec<LeaderboardRow>,
    /// Won deals whose value could not be converted (left out of the values).
    pub unpriced: Vec<DealId>,
}
