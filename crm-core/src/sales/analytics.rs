//! The figures a sales manager asks for: pipeline value, weighted forecast, win rates, sales
//! cycle and velocity, deals at risk or closing, and a leaderboard.
//!
//! Every amount is in the CRM's reporting currency. Open deals are converted at the latest
//! rate on or before today (UTC); a won deal counts with the value frozen when it closed, or,
//! when none was frozen (no rate then, or the reporting currency changed since), its amount
//! at the close date's rate. A deal whose amount cannot be converted (no rate for its
//! currency) is left out of the sums and listed as `unpriced`, so a missing rate never makes
//! a report fail or silently shrink. Weighted amounts are rounded per deal, half away from
//! zero, so the weighted sum of a group is the sum of its deals'. Sums are kept in 128 bits,
//! so deals at the largest amount add up exactly (a figure is refused only beyond what an
//! `i64` of minor units holds, naming the figure); a deal whose converted amount is beyond
//! ±(2^53 − 1) minor units, the most every runtime holds, fails the report with a validation
//! error naming that deal's amount (`deal_….amount`), the rate's currencies and date.
//! Percentages and days are exact decimals rounded to two places. Archived deals are left
//! out of every figure.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::queries::query::TimeRange;
use crate::records::index::{self, ix};
use crate::records::record;
use crate::records::tables;
use crate::sales::deal::{self, Deal};
use crate::sales::fx::{self, div_round};
use crate::sales::pipeline::{self, Pipeline, StageKind};
use crate::storage::store::{Flow, Reader, Table};
use crate::values::context::Ctx;
use crate::values::decimal::Decimal;
use crate::values::error::{Error, Result};
use crate::values::id::{DealId, PipelineId, StageId};
use crate::values::input;
use crate::values::money::{Currency, Money};
use crate::values::order;

/// The open deals of one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// The open deals of one pipeline, per stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// The length of the periods of a forecast.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Period {
    /// Calendar months, named `2026-11`.
    #[default]
    Month,
    /// Calendar quarters, named `2026-Q4`.
    Quarter,
}

/// What a forecast covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ForecastQuery {
    /// Months or quarters.
    pub period: Period,
    /// Only this pipeline's deals.
    pub pipeline: Option<PipelineId>,
    /// Only this owner's deals.
    pub owner: Option<String>,
    /// Only deals expected to close on or after this day (days are in the years 1000 through
    /// 9999).
    pub since: Option<NaiveDate>,
    /// Only deals expected to close on or before this day.
    pub until: Option<NaiveDate>,
}

/// One owner's open deals expected to close in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// The open deals expected to close in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ForecastPeriod {
    /// The period's name: `2026-11` or `2026-Q4`.
    pub period: String,
    /// Its first day.
    pub starts: NaiveDate,
    /// How many deals.
    pub deals: u64,
    /// The sum of their amounts.
    pub value: Money,
    /// The sum of amount × probability.
    pub weighted: Money,
    /// The same per owner, by owner (deals without an owner last).
    pub owners: Vec<OwnerForecast>,
}

/// The weighted forecast of open deals by expected close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// How win rates are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum GroupBy {
    /// By the deal's owner.
    Owner,
    /// By the deal's pipeline.
    Pipeline,
    /// By the deal's source.
    Source,
}

/// Which closed deals a win rate counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WinRateQuery {
    /// Deals closed in this range.
    pub closed: TimeRange,
    /// Only this pipeline's deals.
    pub pipeline: Option<PipelineId>,
    /// A grouping besides the overall figure.
    pub group_by: Option<GroupBy>,
}

/// Won and lost deals of a group, and the share won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// Win rates over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WinRates {
    /// Every deal counted.
    pub overall: WinRate,
    /// Per group, by group (deals without one last); empty without `group_by`.
    pub groups: Vec<WinRate>,
}

/// Which deals the sales cycle is measured on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SalesCycleQuery {
    /// Deals closed in this range.
    pub closed: TimeRange,
    /// Only this pipeline's deals.
    pub pipeline: Option<PipelineId>,
}

/// The average time closed deals spent in one open stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// How long deals take to close and how fast the pipeline turns into revenue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SalesCycle {
    /// The reporting currency of every amount.
    pub currency: Currency,
    /// Won deals measured.
    pub won: u64,
    /// Lost deals in the same range (for the win rate).
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
    /// Pipeline velocity: open deals × average won value × win rate ÷ average cycle days,
    /// as money per day.
    pub velocity_per_day: Option<Money>,
    /// Won deals whose value could not be converted (left out of the values).
    pub unpriced: Vec<DealId>,
}

/// Open deals expected to close in a range of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClosingQuery {
    /// The first day (days are in the years 1000 through 9999).
    pub since: NaiveDate,
    /// The last day (included).
    pub until: NaiveDate,
    /// Only this owner's deals.
    #[serde(default)]
    pub owner: Option<String>,
    /// Only this pipeline's deals.
    #[serde(default)]
    pub pipeline: Option<PipelineId>,
}

/// One owner's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// Owners ranked by the value they won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Leaderboard {
    /// The reporting currency of every amount.
    pub currency: Currency,
    /// By won value, then deals won, then owner.
    pub rows: Vec<LeaderboardRow>,
    /// Won deals whose value could not be converted (left out of the values).
    pub unpriced: Vec<DealId>,
}

/// A figure that does not fit the money a report returns (an `i64` of minor units), naming
/// the figure: it takes more than a thousand deals at the largest amount to get there.
fn beyond(figure: String) -> Error {
    Error::validation(
        figure,
        "is beyond ±9,223,372,036,854,775,807 minor units, the most a report returns",
    )
}

/// A sum of minor units, kept in 128 bits so that no number of deals overflows it: each
/// value is at most 2^53 − 1 (what every runtime holds), so 2^74 of them would be needed.
#[derive(Debug, Clone, Copy, Default)]
struct Total(i128);

impl Total {
    fn add(&mut self, minor: i64) {
        self.0 += i128::from(minor);
    }

    /// The sum as money, or an error naming the figure when it does not fit.
    fn money(self, currency: Currency, figure: impl FnOnce() -> String) -> Result<Money> {
        exact(self.0, currency, figure)
    }
}

/// Minor units as money, or an error naming the figure when they do not fit.
fn exact(minor: i128, currency: Currency, figure: impl FnOnce() -> String) -> Result<Money> {
    i64::try_from(minor)
        .map(|m| Money::new(m, currency))
        .map_err(|_| beyond(figure()))
}

/// The field an error about a deal's converted amount names.
fn amount_of(deal: DealId) -> impl FnOnce() -> String {
    move || format!("{deal}.amount")
}

/// `part / whole` in percent with two decimals.
fn percent(part: u64, whole: u64) -> Option<Decimal> {
    if whole == 0 {
        return None;
    }
    let hundredths = div_round(i128::from(part) * 10_000, i128::from(whole))?;
    Decimal::new(i64::try_from(hundredths).ok()?, 2).ok()
}

/// Seconds as days with two decimals.
fn days(seconds: i128, count: i128) -> Option<Decimal> {
    if count == 0 {
        return None;
    }
    let hundredths = div_round(seconds * 100, count * 86_400)?;
    Decimal::new(i64::try_from(hundredths).ok()?, 2).ok()
}

/// Amount × probability, rounded half away from zero.
fn weighted(minor: i64, probability: u8) -> i64 {
    // |minor| × 100 fits an i128 and the quotient is no larger than |minor|.
    div_round(i128::from(minor) * i128::from(probability), 100).map_or(0, |w| w as i64)
}

/// The deals with a status, active ones only, presented.
fn deals_with_status(r: &mut impl Reader, ctx: &Ctx, status: StageKind) -> Result<Vec<Deal>> {
    let code = deal::status_code(status);
    let ids = index::ids_with_prefix(r, &index::raw_prefix(ix::DEAL_STATUS, &[code]))?;
    let mut out = Vec::with_capacity(ids.len());
    for raw in ids {
        let d = deal::load(r, DealId::from_u128(raw))?;
        if d.archived_at.is_none() {
            out.push(d);
        }
    }
    deal::present_all(r, ctx, &mut out)?;
    Ok(out)
}

/// Converts amounts into the reporting currency at one date, caching the rate per currency.
struct Converter {
    to: Currency,
    date: NaiveDate,
    ratios: BTreeMap<Currency, Option<fx::Ratio>>,
}

impl Converter {
    fn new(to: Currency, date: NaiveDate) -> Self {
        Converter {
            to,
            date,
            ratios: BTreeMap::new(),
        }
    }

    /// A deal's amount in the reporting currency; `None` when no rate converts it, an error
    /// naming the deal's amount when the result is beyond what every runtime holds.
    fn convert(&mut self, r: &mut impl Reader, deal: DealId, m: Money) -> Result<Option<Money>> {
        let ratio = match self.ratios.get(&m.currency()) {
            Some(found) => *found,
            None => {
                let found = match fx::ratio(r, m.currency(), self.to, self.date) {
                    Ok(ratio) => Some(ratio),
                    Err(Error::NotFound { .. }) => None,
                    Err(e) => return Err(e),
                };
                self.ratios.insert(m.currency(), found);
                found
            }
        };
        match ratio {
            Some(ratio) => match fx::apply(m, self.to, ratio) {
                Some(converted) => Ok(Some(converted)),
                None => Err(fx::unrepresentable(amount_of(deal)(), m, self.to, &ratio)),
            },
            None => Ok(None),
        }
    }
}

/// An open deal's amount in the reporting currency; `Some(0)` without an amount.
fn open_value(r: &mut impl Reader, conv: &mut Converter, d: &Deal) -> Result<Option<i64>> {
    match d.amount {
        None => Ok(Some(0)),
        Some(a) => Ok(conv.convert(r, d.id, a)?.map(|m| m.amount_minor())),
    }
}

/// A won deal's value in the reporting currency; `Some(0)` without an amount.
fn won_value(r: &mut impl Reader, reporting: Currency, d: &Deal) -> Result<Option<i64>> {
    value_when_won(r, reporting, d.id, d.closed_value, d.amount, d.closed_at)
}

/// A won deal's value in the reporting currency: its frozen value when it is in that
/// currency, else its amount at the rate of its close date; `None` when no rate converts it,
/// an error naming the deal's amount when the result is beyond what every runtime holds.
fn value_when_won(
    r: &mut impl Reader,
    reporting: Currency,
    deal: DealId,
    closed_value: Option<Money>,
    amount: Option<Money>,
    closed_at: Option<DateTime<Utc>>,
) -> Result<Option<i64>> {
    if let Some(v) = closed_value.filter(|v| v.currency() == reporting) {
        return Ok(Some(v.amount_minor()));
    }
    let (Some(a), Some(closed)) = (amount, closed_at) else {
        return Ok(Some(0));
    };
    Ok(
        fx::convert_stored(r, a, reporting, closed.date_naive(), amount_of(deal))?
            .map(|m| m.amount_minor()),
    )
}

/// The fields of a stored deal that the per-owner figures read. Decoding only these skips the
/// title, contacts, line items, tags and custom fields of every closed deal (the fields keep
/// their numbers from [`Deal`]; the others are skipped as unknown).
/// An optional instant, as the closed-deal figures carry it.
type ClosedAt = Option<DateTime<Utc>>;

#[derive(minicbor::Decode)]
struct ClosedFacts<'b> {
    #[n(3)]
    status: StageKind,
    #[b(6)]
    owner: Option<&'b str>,
    #[n(7)]
    amount: Option<Money>,
    #[n(12)]
    #[cbor(with = "crate::records::codec::opt_instant", has_nil)]
    closed_at: Option<DateTime<Utc>>,
    #[n(13)]
    closed_value: Option<Money>,
    #[n(23)]
    #[cbor(with = "crate::records::codec::opt_instant", has_nil)]
    archived_at: Option<DateTime<Utc>>,
}

fn check_pipeline(r: &mut impl Reader, id: Option<PipelineId>) -> Result<()> {
    if let Some(id) = id {
        if record::load::<Pipeline>(r, id.as_u128())?.is_none() {
            return Err(Error::validation("pipeline", "is not an existing pipeline"));
        }
    }
    Ok(())
}

/// The open value of every pipeline, per stage.
pub(crate) fn pipeline_values(r: &mut impl Reader, ctx: &Ctx) -> Result<Vec<PipelineValue>> {
    let reporting = fx::reporting_currency(r)?;
    let mut conv = Converter::new(reporting, ctx.now().date_naive());
    let zero = Money::zero(reporting);
    let mut out: Vec<PipelineValue> = pipeline::all(r)?
        .into_iter()
        .map(|p| PipelineValue {
            pipeline: p.id,
            stages: p
                .active_stages()
                .filter(|s| s.kind == StageKind::Open)
                .map(|s| StageValue {
                    stage: s.id,
                    name: s.name.clone(),
                    probability: s.probability,
                    deals: 0,
                    value: zero,
                    weighted: zero,
                })
                .collect(),
            name: p.name,
            deals: 0,
            value: zero,
            weighted: zero,
            unpriced: Vec::new(),
        })
        .collect();
    // Value and weighted sums per pipeline, and per stage of each, beside `out`.
    let mut sums: Vec<([Total; 2], Vec<[Total; 2]>)> = out
        .iter()
        .map(|p| {
            (
                <[Total; 2]>::default(),
                vec![<[Total; 2]>::default(); p.stages.len()],
            )
        })
        .collect();
    for d in deals_with_status(r, ctx, StageKind::Open)? {
        let Some(i) = out.iter().position(|p| p.pipeline == d.pipeline) else {
            continue;
        };
        let p = &mut out[i];
        p.deals += 1;
        let Some(value) = open_value(r, &mut conv, &d)? else {
            p.unpriced.push(d.id);
            continue;
        };
        let w = weighted(value, d.probability);
        let (total, stages) = &mut sums[i];
        total[0].add(value);
        total[1].add(w);
        if let Some(j) = p.stages.iter().position(|s| s.stage == d.stage) {
            p.stages[j].deals += 1;
            stages[j][0].add(value);
            stages[j][1].add(w);
        }
    }
    for (p, (total, stages)) in out.iter_mut().zip(sums) {
        let id = p.pipeline;
        p.value = total[0].money(reporting, || format!("{id}.value"))?;
        p.weighted = total[1].money(reporting, || format!("{id}.weighted"))?;
        for (s, sum) in p.stages.iter_mut().zip(stages) {
            let stage = s.stage;
            s.value = sum[0].money(reporting, || format!("{stage}.value"))?;
            s.weighted = sum[1].money(reporting, || format!("{stage}.weighted"))?;
        }
    }
    Ok(out)
}

/// The first day and name of the period holding `d`.
fn period_of(period: Period, d: NaiveDate) -> (NaiveDate, String) {
    match period {
        Period::Month => (
            d.with_day(1).unwrap_or(d),
            format!("{:04}-{:02}", d.year(), d.month()),
        ),
        Period::Quarter => {
            let q = (d.month() - 1) / 3;
            (
                NaiveDate::from_ymd_opt(d.year(), q * 3 + 1, 1).unwrap_or(d),
                format!("{:04}-Q{}", d.year(), q + 1),
            )
        }
    }
}

/// The weighted forecast of open deals by expected close.
pub(crate) fn forecast(r: &mut impl Reader, ctx: &Ctx, q: &ForecastQuery) -> Result<Forecast> {
    check_pipeline(r, q.pipeline)?;
    input::opt_date("since", q.since)?;
    input::opt_date("until", q.until)?;
    if let (Some(s), Some(u)) = (q.since, q.until) {
        if s > u {
            return Err(Error::validation("until", "is before since"));
        }
    }
    let owner = q.owner.as_deref().map(str::trim);
    let reporting = fx::reporting_currency(r)?;
    let mut conv = Converter::new(reporting, ctx.now().date_naive());
    let zero = Money::zero(reporting);
    let mut periods: BTreeMap<NaiveDate, ForecastPeriod> = BTreeMap::new();
    // Value and weighted sums per period, and per owner of each (in `owners`' order).
    let mut sums: BTreeMap<NaiveDate, ([Total; 2], Vec<[Total; 2]>)> = BTreeMap::new();
    let mut undated = 0;
    let mut unpriced = Vec::new();
    for d in deals_with_status(r, ctx, StageKind::Open)? {
        if q.pipeline.is_some_and(|p| p != d.pipeline)
            || owner.is_some_and(|o| d.owner.as_deref() != Some(o))
        {
            continue;
        }
        let Some(close) = d.expected_close else {
            undated += 1;
            continue;
        };
        if q.since.is_some_and(|s| close < s) || q.until.is_some_and(|u| close > u) {
            continue;
        }
        let Some(value) = open_value(r, &mut conv, &d)? else {
            unpriced.push(d.id);
            continue;
        };
        let w = weighted(value, d.probability);
        let (starts, name) = period_of(q.period, close);
        let p = periods.entry(starts).or_insert_with(|| ForecastPeriod {
            period: name,
            starts,
            deals: 0,
            value: zero,
            weighted: zero,
            owners: Vec::new(),
        });
        p.deals += 1;
        let (total, owners) = sums.entry(starts).or_default();
        total[0].add(value);
        total[1].add(w);
        let i = match p.owners.iter().position(|o| o.owner == d.owner) {
            Some(i) => i,
            None => {
                p.owners.push(OwnerForecast {
                    owner: d.owner.clone(),
                    deals: 0,
                    value: zero,
                    weighted: zero,
                });
                owners.push(<[Total; 2]>::default());
                p.owners.len() - 1
            }
        };
        p.owners[i].deals += 1;
        owners[i][0].add(value);
        owners[i][1].add(w);
    }
    for (starts, (total, owners)) in sums {
        let Some(p) = periods.get_mut(&starts) else {
            continue;
        };
        let name = p.period.clone();
        p.value = total[0].money(reporting, || format!("periods[{name}].value"))?;
        p.weighted = total[1].money(reporting, || format!("periods[{name}].weighted"))?;
        for (o, sum) in p.owners.iter_mut().zip(owners) {
            o.value = sum[0].money(reporting, || format!("periods[{name}].owners.value"))?;
            o.weighted = sum[1].money(reporting, || format!("periods[{name}].owners.weighted"))?;
        }
    }
    let mut periods: Vec<ForecastPeriod> = periods.into_values().collect();
    for p in &mut periods {
        order::sort_by(&mut p.owners, |a, b| owner_order(&a.owner, &b.owner));
    }
    Ok(Forecast {
        currency: reporting,
        periods,
        undated,
        unpriced,
    })
}

/// By name, with the absent group last.
fn owner_order(a: &Option<String>, b: &Option<String>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// The closed deals (won then lost) closed in a range, of a pipeline if given.
fn closed_deals(
    r: &mut impl Reader,
    ctx: &Ctx,
    closed: &TimeRange,
    pipeline: Option<PipelineId>,
) -> Result<(Vec<Deal>, Vec<Deal>)> {
    check_pipeline(r, pipeline)?;
    closed.check("closed")?;
    let keep = |d: &Deal| {
        pipeline.is_none_or(|p| p == d.pipeline) && d.closed_at.is_some_and(|t| closed.contains(t))
    };
    let won = deals_with_status(r, ctx, StageKind::Won)?
        .into_iter()
        .filter(keep)
        .collect();
    let lost = deals_with_status(r, ctx, StageKind::Lost)?
        .into_iter()
        .filter(keep)
        .collect();
    Ok((won, lost))
}

fn win_rate(group: Option<String>, won: u64, lost: u64) -> WinRate {
    WinRate {
        group,
        won,
        lost,
        win_rate: percent(won, won + lost),
    }
}

/// Won / (won + lost) over the deals closed in a range, overall and per group.
pub(crate) fn win_rates(r: &mut impl Reader, ctx: &Ctx, q: &WinRateQuery) -> Result<WinRates> {
    let (won, lost) = closed_deals(r, ctx, &q.closed, q.pipeline)?;
    let overall = win_rate(None, won.len() as u64, lost.len() as u64);
    let mut groups: Vec<WinRate> = Vec::new();
    if let Some(by) = q.group_by {
        let key = |d: &Deal| match by {
            GroupBy::Owner => d.owner.clone(),
            GroupBy::Pipeline => Some(d.pipeline.to_string()),
            GroupBy::Source => d.source.clone(),
        };
        let mut counts: BTreeMap<Option<String>, (u64, u64)> = BTreeMap::new();
        for d in &won {
            counts.entry(key(d)).or_default().0 += 1;
        }
        for d in &lost {
            counts.entry(key(d)).or_default().1 += 1;
        }
        groups = counts
            .into_iter()
            .map(|(g, (w, l))| win_rate(g, w, l))
            .collect();
        order::sort_by(&mut groups, |a, b| owner_order(&a.group, &b.group));
    }
    Ok(WinRates { overall, groups })
}

/// Days to close, time per stage and velocity, over the deals closed in a range.
pub(crate) fn sales_cycle(
    r: &mut impl Reader,
    ctx: &Ctx,
    q: &SalesCycleQuery,
) -> Result<SalesCycle> {
    let (won, lost) = closed_deals(r, ctx, &q.closed, q.pipeline)?;
    let reporting = fx::reporting_currency(r)?;
    let now = ctx.now();
    // Creation to close, per won deal.
    let mut cycles: Vec<i128> = won
        .iter()
        .filter_map(|d| d.closed_at)
        .zip(won.iter().map(|d| d.created_at))
        .map(|(closed, created)| i128::from((closed - created).num_seconds().max(0)))
        .collect();
    order::sort_unstable(&mut cycles);
    let total: i128 = cycles.iter().sum();
    let n = cycles.len() as i128;
    let median = match cycles.len() {
        0 => None,
        len if len % 2 == 1 => days(cycles[len / 2], 1),
        len => days(cycles[len / 2 - 1] + cycles[len / 2], 2),
    };
    // Time in each open stage, over every closed deal that passed through it.
    let pipelines: Vec<Pipeline> = pipeline::all(r)?;
    let mut per_stage: BTreeMap<StageId, (i128, u64)> = BTreeMap::new();
    for d in won.iter().chain(&lost) {
        for t in deal::stage_times(&deal::history(r, d.id)?, now) {
            let open = pipelines
                .iter()
                .find(|p| p.id == d.pipeline)
                .and_then(|p| p.stage(t.stage))
                .is_some_and(|s| s.kind == StageKind::Open);
            if open {
                let e = per_stage.entry(t.stage).or_default();
                e.0 += i128::from(t.seconds);
                e.1 += 1;
            }
        }
    }
    let mut stages = Vec::new();
    for p in &pipelines {
        for s in &p.stages {
            if let Some(&(seconds, deals)) = per_stage.get(&s.id) {
                stages.push(StageDuration {
                    pipeline: p.id,
                    stage: s.id,
                    name: s.name.clone(),
                    deals,
                    average_days: days(seconds, i128::from(deals)).unwrap_or(Decimal::from_i64(0)),
                });
            }
        }
    }
    // Values of the won deals.
    let mut value_sum: i128 = 0;
    let mut valued: i128 = 0;
    let mut unpriced = Vec::new();
    for d in &won {
        match won_value(r, reporting, d)? {
            Some(v) => {
                value_sum += i128::from(v);
                valued += 1;
            }
            None => unpriced.push(d.id),
        }
    }
    let average_won_value = if valued == 0 {
        None
    } else {
        let avg = div_round(value_sum, valued).ok_or_else(|| beyond("average_won_value".into()))?;
        Some(exact(avg, reporting, || "average_won_value".into())?)
    };
    let open_deals = deals_with_status(r, ctx, StageKind::Open)?
        .iter()
        .filter(|d| q.pipeline.is_none_or(|p| p == d.pipeline))
        .count() as u64;
    let (w, l) = (won.len() as u64, lost.len() as u64);
    // open × (value_sum / valued) × (w / (w + l)) ÷ (total / n / 86400), in one fraction.
    let velocity = if valued > 0 && total > 0 && w + l > 0 {
        let numerator = i128::from(open_deals)
            .checked_mul(value_sum)
            .and_then(|x| x.checked_mul(i128::from(w)))
            .and_then(|x| x.checked_mul(n))
            .and_then(|x| x.checked_mul(86_400));
        let denominator = valued
            .checked_mul(i128::from(w + l))
            .and_then(|x| x.checked_mul(total));
        match (numerator, denominator) {
            (Some(num), Some(den)) => {
                let v = div_round(num, den).ok_or_else(|| beyond("velocity_per_day".into()))?;
                Some(exact(v, reporting, || "velocity_per_day".into())?)
            }
            _ => return Err(beyond("velocity_per_day".into())),
        }
    } else {
        None
    };
    Ok(SalesCycle {
        currency: reporting,
        won: w,
        lost: l,
        average_days: days(total, n),
        median_days: median,
        stages,
        open_deals,
        average_won_value,
        win_rate: percent(w, w + l),
        velocity_per_day: velocity,
        unpriced,
    })
}

/// Open deals that sat in their stage longer than it allows, longest first.
pub(crate) fn deals_at_risk(
    r: &mut impl Reader,
    ctx: &Ctx,
    pipeline: Option<PipelineId>,
) -> Result<Vec<Deal>> {
    check_pipeline(r, pipeline)?;
    let mut out: Vec<Deal> = deals_with_status(r, ctx, StageKind::Open)?
        .into_iter()
        .filter(|d| d.rotten && pipeline.is_none_or(|p| p == d.pipeline))
        .collect();
    order::sort_by_key(&mut out, |d| (d.stage_entered_at, d.id));
    Ok(out)
}

/// Open deals expected to close between two days (both included), by expected close.
pub(crate) fn deals_closing(r: &mut impl Reader, ctx: &Ctx, q: &ClosingQuery) -> Result<Vec<Deal>> {
    input::date("since", q.since)?;
    input::date("until", q.until)?;
    if q.until < q.since {
        return Err(Error::validation("until", "is before since"));
    }
    check_pipeline(r, q.pipeline)?;
    let owner = q.owner.as_deref().map(str::trim);
    let mut lower = vec![ix::DEAL_EXPECTED_CLOSE];
    index::push_date(&mut lower, q.since);
    let mut upper = vec![ix::DEAL_EXPECTED_CLOSE];
    index::push_date(&mut upper, q.until);
    upper.push(0xFF);
    let mut ids = Vec::new();
    r.scan(
        Table::INDEX,
        (
            std::ops::Bound::Included(&lower[..]),
            std::ops::Bound::Excluded(&upper[..]),
        ),
        false,
        |k, _| {
            ids.extend(index::id_of_key(k));
            Ok(Flow::Continue(()))
        },
    )?;
    let mut out = Vec::new();
    for raw in ids {
        let d = deal::load(r, DealId::from_u128(raw))?;
        if d.status == StageKind::Open
            && d.archived_at.is_none()
            && q.pipeline.is_none_or(|p| p == d.pipeline)
            && owner.is_none_or(|o| d.owner.as_deref() == Some(o))
        {
            out.push(d);
        }
    }
    deal::present_all(r, ctx, &mut out)?;
    Ok(out)
}

/// Owners ranked by the value of the deals they won in a range.
pub(crate) fn leaderboard(r: &mut impl Reader, closed: &TimeRange) -> Result<Leaderboard> {
    closed.check("closed")?;
    let reporting = fx::reporting_currency(r)?;
    let mut closed_deals = Vec::new();
    for status in [StageKind::Won, StageKind::Lost] {
        let code = deal::status_code(status);
        closed_deals.extend(index::ids_with_prefix(
            r,
            &index::raw_prefix(ix::DEAL_STATUS, &[code]),
        )?);
    }
    order::sort_unstable(&mut closed_deals);
    // Won, value, lost per owner (`None`: deals without one). Owners are looked up by the
    // bytes of the stored record, so a deal costs no allocation unless it needs a rate.
    let mut owners: BTreeMap<String, (u64, Total, u64)> = BTreeMap::new();
    let mut no_owner = (0, Total::default(), 0);
    // Won deals in another currency: (id, owner, amount, closed at), converted afterwards.
    let mut to_convert: Vec<(u128, Option<String>, Option<Money>, ClosedAt)> = Vec::new();
    record::for_each_stored(r, tables::DEALS, &closed_deals, |raw, bytes| {
        let f: ClosedFacts = crate::records::codec::decode("deal", &raw.to_be_bytes(), bytes)?;
        if f.archived_at.is_some() || !f.closed_at.is_some_and(|t| closed.contains(t)) {
            return Ok(());
        }
        let row = match f.owner {
            Some(o) => match owners.get_mut(o) {
                Some(row) => row,
                None => owners.entry(o.to_string()).or_default(),
            },
            None => &mut no_owner,
        };
        match f.status {
            StageKind::Won => {
                row.0 += 1;
                match f.closed_value.filter(|v| v.currency() == reporting) {
                    Some(v) => row.1.add(v.amount_minor()),
                    None => {
                        to_convert.push((raw, f.owner.map(str::to_string), f.amount, f.closed_at))
                    }
                }
            }
            StageKind::Lost => row.2 += 1,
            StageKind::Open => {}
        }
        Ok(())
    })?;
    // In id order, as the index lists them: `unpriced` comes out oldest first.
    let mut unpriced = Vec::new();
    for (raw, owner, amount, closed_at) in to_convert {
        let row = match owner {
            Some(o) => owners.entry(o).or_default(),
            None => &mut no_owner,
        };
        match value_when_won(
            r,
            reporting,
            DealId::from_u128(raw),
            None,
            amount,
            closed_at,
        )? {
            Some(v) => row.1.add(v),
            None => unpriced.push(DealId::from_u128(raw)),
        }
    }
    let mut rows: BTreeMap<Option<String>, (u64, Total, u64)> =
        owners.into_iter().map(|(o, row)| (Some(o), row)).collect();
    if no_owner.0 + no_owner.2 > 0 {
        rows.insert(None, no_owner);
    }
    let mut rows: Vec<LeaderboardRow> = rows
        .into_iter()
        .map(|(owner, (won, value, lost))| {
            Ok(LeaderboardRow {
                won_value: value.money(reporting, || "rows.won_value".into())?,
                owner,
                won,
                lost,
                win_rate: percent(won, won + lost),
            })
        })
        .collect::<Result<_>>()?;
    order::sort_by(&mut rows, |a, b| {
        b.won_value
            .amount_minor()
            .cmp(&a.won_value.amount_minor())
            .then(b.won.cmp(&a.won))
            .then_with(|| owner_order(&a.owner, &b.owner))
    });
    Ok(Leaderboard {
        currency: reporting,
        rows,
        unpriced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_named_by_calendar() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(period_of(Period::Month, d).1, "2026-11");
        assert_eq!(period_of(Period::Quarter, d).1, "2026-Q4");
        assert_eq!(
            period_of(Period::Quarter, d).0,
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
        );
    }

    #[test]
    fn percentages_and_days_round_half_away_from_zero() {
        assert_eq!(percent(2, 3).unwrap().to_string(), "66.67");
        assert_eq!(percent(1, 8).unwrap().to_string(), "12.5");
        assert_eq!(percent(0, 0), None);
        assert_eq!(days(86_400 * 3, 2).unwrap().to_string(), "1.5");
        assert_eq!(weighted(999, 50), 500);
        assert_eq!(weighted(-999, 50), -500);
    }
}
