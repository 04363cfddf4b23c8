//! The sales operations (leads, pipelines, deals, products, price lists, quotes, exchange rates and
//! the reporting currency, and the sales reports), each described once in `sales_operations!`: its
//! docs, parameters, result and body. `crm-macros` expands the table into the core's methods
//! (`api/crm.rs`), the uniffi and wasm-bindgen bindings and the Rust scenario runner; its crate
//! docs give the table's grammar and how each target maps the types.

/// Hands the sales table to the macro named: `sales_operations!(crm_macros::uniffi_operations)`
/// expands to `crm_macros::uniffi_operations! { group sales; reads { … } … }`. Names in the table
/// resolve where this is invoked. Public only so that the bindings and the scenario runner can
/// expand it.
#[macro_export]
#[doc(hidden)]
macro_rules! sales_operations {
    ($($target:ident)::+) => {
        $($target)::+! {
            group sales;
            reads {
                // leads
                /// The lead with this id.
                fn get_lead(id: LeadId) -> Lead = |r, ctx| lead::get(r, id);
                /// The leads (archived ones too) captured with this email address, oldest first.
                fn find_leads_by_email(email: &str) -> Vec<Lead> = |r, ctx| {
                    lead::by_email(r, email)
                };
                /// One page of leads matching a filter, in the requested order.
                fn list_leads(query: &LeadQuery) -> Page<Lead> = |r, ctx| {
                    query::list_records::<Lead>(r, ctx, query)
                };
                /// How many leads match a filter.
                fn count_leads(filter: &LeadFilter) -> u64 = |r, ctx| {
                    query::count_records::<Lead>(r, ctx, filter)
                };

                // pipelines
                /// The pipeline with this id.
                fn get_pipeline(id: PipelineId) -> Pipeline = |r, ctx| pipeline::get(r, id);
                /// Every pipeline, in the order they were created.
                fn pipelines() -> Vec<Pipeline> = |r, ctx| pipeline::all(r);
                /// The pipeline new deals go to when they name none.
                fn default_pipeline() -> Pipeline = |r, ctx| pipeline::default(r);

                // deals
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
                /// Every stage change of a deal, oldest first (the first is the stage it was
                /// created in).
                fn deal_history(id: DealId) -> Vec<StageChange> = |r, ctx| deal::history_of(r, id);
                /// The time a deal spent in each stage it visited, in order of first visit; the
                /// seconds add up to the deal's age.
                fn deal_stage_times(id: DealId) -> Vec<StageTime> = |r, ctx| {
                    deal::time_in_stages(r, ctx, id)
                };

                // products and price lists
                /// The product with this id.
                fn get_product(id: ProductId) -> Product = |r, ctx| product::get(r, id);
                /// The product with this SKU (ignoring case), archived or not, if there is one.
                fn find_product_by_sku(sku: &str) -> Option<Product> = |r, ctx| {
                    product::by_sku(r, sku)
                };
                /// Every product by name; archived ones too when asked.
                fn products(include_archived: bool) -> Vec<Product> = |r, ctx| {
                    product::all(r, include_archived)
                };
                /// Active products whose name or SKU has words starting with each word of `text`.
                fn search_products(text: &str) -> Vec<Product> = |r, ctx| product::search(r, text);
                /// The price list with this id.
                fn get_price_list(id: PriceListId) -> PriceList = |r, ctx| {
                    product::get_price_list(r, id)
                };
                /// Every price list, in the order they were created.
                fn price_lists() -> Vec<PriceList> = |r, ctx| product::price_lists(r);

                // quotes
                /// The quote (one version) with this id.
                fn get_quote(id: QuoteId) -> Quote = |r, ctx| quote::get(r, ctx, id);
                /// Every quote of a deal, every version, oldest first.
                fn quotes_of_deal(deal: DealId) -> Vec<Quote> = |r, ctx| {
                    quote::of_deal(r, ctx, deal)
                };
                /// Every version of the quote with this number (ignoring case), oldest first.
                fn find_quotes_by_number(number: &str) -> Vec<Quote> = |r, ctx| {
                    quote::by_number(r, ctx, number)
                };

                // money
                /// The currency reports are in: the one set, else the first priced deal's, else EUR.
                fn reporting_currency() -> Currency = |r, ctx| fx::reporting_currency(r);
                /// The rates entered for a pair, oldest first (not their inverses).
                fn exchange_rates(base: Currency, quote: Currency) -> Vec<ExchangeRate> = |r, ctx| {
                    fx::rates(r, base, quote)
                };
                /// Converts money at the latest rate on or before `date` (or the inverse of the
                /// reverse pair's), rounding once, half away from zero, to the target's minor unit.
                fn convert_money(money: Money, to: Currency, date: NaiveDate) -> Money = |r, ctx| {
                    fx::convert(r, money, to, date)
                };

                // reports
                /// The open value of every pipeline, per stage, in the reporting currency.
                fn pipeline_values() -> Vec<PipelineValue> = |r, ctx| {
                    analytics::pipeline_values(r, ctx)
                };
                /// The weighted forecast of open deals per month or quarter of expected close, per
                /// owner, in the reporting currency.
                fn forecast(query: &ForecastQuery) -> Forecast = |r, ctx| {
                    analytics::forecast(r, ctx, query)
                };
                /// Won / (won + lost) over the deals closed in a range, overall and per owner,
                /// pipeline or source.
                fn win_rates(query: &WinRateQuery) -> WinRates = |r, ctx| {
                    analytics::win_rates(r, ctx, query)
                };
                /// Days to close (average and median), average time per stage and pipeline
                /// velocity.
                fn sales_cycle(query: &SalesCycleQuery) -> SalesCycle = |r, ctx| {
                    analytics::sales_cycle(r, ctx, query)
                };
                /// Open deals that sat in their stage longer than it allows (of one pipeline if
                /// given).
                fn deals_at_risk(pipeline: Option<PipelineId>) -> Vec<Deal> = |r, ctx| {
                    analytics::deals_at_risk(r, ctx, pipeline)
                };
                /// Open deals expected to close between two days.
                fn deals_closing(query: &ClosingQuery) -> Vec<Deal> = |r, ctx| {
                    analytics::deals_closing(r, ctx, query)
                };
                /// Owners ranked by the value of the deals they won in a range.
                fn leaderboard(closed: TimeRange) -> Leaderboard = |r, _ctx| {
                    analytics::leaderboard(r, &closed)
                };
            }
            writes {
                // leads
                /// Creates a lead (status `new` unless given).
                fn create_lead(input: LeadInput) -> Lead = |w, ctx| lead::create(w, ctx, &input);
                /// Replaces the editable fields of a lead (see [`Lead::to_input`]).
                fn update_lead(id: LeadId, input: LeadInput) -> Lead = |w, ctx| {
                    lead::update(w, ctx, id, &input)
                };
                /// Adds tags to a lead.
                fn add_lead_tags(id: LeadId, tags: &[String]) -> Lead = |w, ctx| {
                    lead::retag(w, ctx, id, tags, &[])
                };
                /// Removes tags from a lead.
                fn remove_lead_tags(id: LeadId, tags: &[String]) -> Lead = |w, ctx| {
                    lead::retag(w, ctx, id, &[], tags)
                };
                /// Archives a lead: it leaves search and default listings.
                fn archive_lead(id: LeadId) -> Lead = |w, ctx| lead::set_archived(w, ctx, id, true);
                /// Restores an archived lead.
                fn restore_lead(id: LeadId) -> Lead = |w, ctx| {
                    lead::set_archived(w, ctx, id, false)
                };
                /// Deletes a lead with its relations (what it was converted into stays).
                fn delete_lead(id: LeadId) -> () = |w, ctx| {
                    lead::delete(w, ctx, id, reactions::forget)
                };
                /// Converts a lead into a contact, a company (new or matched, as chosen) and
                /// optionally a deal, all in one transaction. Converting twice is refused, and so
                /// is converting a disqualified lead.
                fn convert_lead(
                    id: LeadId,
                    conversion: LeadConversion,
                ) -> ConvertedLead = |w, ctx| {
                    lead::convert(w, ctx, id, &conversion)
                };

                // pipelines
                /// Creates a pipeline with its stages (at least one open, one won and one lost).
                fn create_pipeline(input: PipelineInput) -> Pipeline = |w, ctx| {
                    pipeline::create(w, ctx, &input, false)
                };
                /// Renames a pipeline.
                fn rename_pipeline(id: PipelineId, name: &str) -> Pipeline = |w, ctx| {
                    pipeline::rename(w, ctx, id, name)
                };
                /// Makes a pipeline the one new deals go to when they name none.
                fn set_default_pipeline(id: PipelineId) -> Pipeline = |w, ctx| {
                    pipeline::set_default(w, ctx, id)
                };
                /// Adds a stage at a position (0 is first; the end when absent).
                fn add_stage(
                    pipeline: PipelineId,
                    stage: StageInput,
                    position: Option<u32>,
                ) -> Pipeline = |w, ctx| {
                    pipeline::add_stage(w, ctx, pipeline, &stage, position)
                };
                /// Changes a stage; a stage holding deals keeps its kind.
                fn update_stage(
                    pipeline: PipelineId,
                    stage: StageId,
                    input: StageInput,
                ) -> Pipeline = |w, ctx| {
                    pipeline::update_stage(w, ctx, pipeline, stage, &input)
                };
                /// Puts the active stages of a pipeline in a new order (every one listed once).
                fn reorder_stages(pipeline: PipelineId, order: &[StageId]) -> Pipeline = |w, ctx| {
                    pipeline::reorder(w, ctx, pipeline, order)
                };
                /// Archives a stage, moving its deals to `move_to` first (refused without it when
                /// the stage holds deals).
                fn archive_stage(
                    pipeline: PipelineId,
                    stage: StageId,
                    move_to: Option<StageId>,
                ) -> Pipeline = |w, ctx| {
                    pipeline::archive_stage(w, ctx, pipeline, stage, move_to)
                };
                /// Deletes a pipeline that holds no deals and is not the default.
                fn delete_pipeline(id: PipelineId) -> () = |w, ctx| pipeline::delete(w, id);

                // deals
                /// Creates a deal, recording the stage it starts in.
                fn create_deal(input: DealInput) -> Deal = |w, ctx| deal::create(w, ctx, &input);
                /// Replaces the editable fields of a deal; a new stage or pipeline is recorded as a
                /// stage change.
                fn update_deal(id: DealId, input: DealInput) -> Deal = |w, ctx| {
                    deal::update(w, ctx, id, &input)
                };
                /// Moves a deal to another stage of its pipeline, recording the change. A won or
                /// lost stage closes it (freezing its value in the reporting currency); an open one
                /// reopens it.
                fn move_deal(id: DealId, target: DealMove) -> Deal = |w, ctx| {
                    deal::move_to(w, ctx, id, &target)
                };
                /// Adds tags to a deal.
                fn add_deal_tags(id: DealId, tags: &[String]) -> Deal = |w, ctx| {
                    deal::retag(w, ctx, id, tags, &[])
                };
                /// Removes tags from a deal.
                fn remove_deal_tags(id: DealId, tags: &[String]) -> Deal = |w, ctx| {
                    deal::retag(w, ctx, id, &[], tags)
                };
                /// Archives a deal: it leaves search, default listings and every report.
                fn archive_deal(id: DealId) -> Deal = |w, ctx| deal::set_archived(w, ctx, id, true);
                /// Restores an archived deal.
                fn restore_deal(id: DealId) -> Deal = |w, ctx| {
                    deal::set_archived(w, ctx, id, false)
                };
                /// Deletes a deal with its stage history, quotes and relations.
                fn delete_deal(id: DealId) -> () = |w, ctx| {
                    deal::delete(w, ctx, id, reactions::forget)
                };
                /// Opens a follow-up or upsell deal for a won deal's customer (same company and
                /// contacts, the won deal as its origin).
                fn open_follow_up(won: DealId, input: FollowUpInput) -> Deal = |w, ctx| {
                    deal::follow_up(w, ctx, won, &input)
                };

                // products and price lists
                /// Creates a product.
                fn create_product(input: ProductInput) -> Product = |w, ctx| {
                    product::create(w, ctx, &input)
                };
                /// Replaces a product.
                fn update_product(id: ProductId, input: ProductInput) -> Product = |w, ctx| {
                    product::update(w, ctx, id, &input)
                };
                /// Archives a product: it leaves product listings and search (lines that name it
                /// keep working).
                fn archive_product(id: ProductId) -> Product = |w, ctx| {
                    product::set_archived(w, ctx, id, true)
                };
                /// Restores an archived product.
                fn restore_product(id: ProductId) -> Product = |w, ctx| {
                    product::set_archived(w, ctx, id, false)
                };
                /// Creates a price list.
                fn create_price_list(input: PriceListInput) -> PriceList = |w, ctx| {
                    product::create_price_list(w, ctx, &input)
                };
                /// Replaces a price list.
                fn update_price_list(
                    id: PriceListId,
                    input: PriceListInput,
                ) -> PriceList = |w, ctx| {
                    product::update_price_list(w, ctx, id, &input)
                };
                /// Deletes a price list that no deal uses.
                fn delete_price_list(id: PriceListId) -> () = |w, ctx| {
                    product::delete_price_list(w, id)
                };

                // quotes
                /// Makes a quote (version 1, a new number) from a deal's current lines.
                fn create_quote(deal: DealId, input: QuoteInput) -> Quote = |w, ctx| {
                    quote::create(w, ctx, deal, &input)
                };
                /// Makes the next version of a quote from its deal's current lines; the revised
                /// version is superseded.
                fn revise_quote(id: QuoteId, input: QuoteInput) -> Quote = |w, ctx| {
                    quote::revise(w, ctx, id, &input)
                };
                /// Marks a draft quote as sent.
                fn send_quote(id: QuoteId) -> Quote = |w, ctx| quote::send(w, ctx, id);
                /// Records the customer's acceptance of a quote, setting the deal's amount to its
                /// net total when asked.
                fn accept_quote(id: QuoteId, acceptance: QuoteAcceptance) -> Quote = |w, ctx| {
                    quote::accept(w, ctx, id, &acceptance)
                };
                /// Records the customer's rejection of a quote, with an optional reason.
                fn reject_quote(id: QuoteId, reason: Option<&str>) -> Quote = |w, ctx| {
                    quote::reject(w, ctx, id, reason)
                };
                /// Deletes one version of a quote.
                fn delete_quote(id: QuoteId) -> () = |w, ctx| quote::delete(w, ctx, id);

                // money
                /// Sets the currency reports are in. Values frozen in another currency are
                /// converted again at their close date's rate.
                fn set_reporting_currency(currency: Currency) -> Currency = |w, ctx| {
                    fx::set_reporting_currency(w, currency)
                };
                /// Enters (or replaces) the rate of a currency pair from a date on.
                fn set_exchange_rate(rate: ExchangeRate) -> ExchangeRate = |w, ctx| {
                    fx::set_rate(w, &rate)
                };
            }
        }
    };
}

use chrono::NaiveDate;

use crate::api::crm::{Batch, Crm, View};
use crate::api::reactions;
use crate::queries::query::{self, Page, TimeRange};
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
use crate::values::error::Result;
use crate::values::id::{DealId, LeadId, PipelineId, PriceListId, ProductId, QuoteId, StageId};
use crate::values::money::{Currency, Money};

crate::sales_operations!(crm_macros::core_operations);
