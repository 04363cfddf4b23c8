//! Properties of the sales side: line sums equal totals, conversions round-trip within the
//! documented rounding, money never overflows into a panic, a deal's time in its stages adds up
//! to its age, and any sequence of sales operations keeps the indexes in agreement.

mod common;

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use common::*;
use crm_core::*;
use proptest::prelude::*;

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![
        Just("EUR"),
        Just("PLN"),
        Just("JPY"),
        Just("BHD"),
        Just("RON"),
        Just("CLF"),
        Just("KRW"),
    ]
    .prop_map(|c| Currency::new(c).unwrap())
}

/// Quantities from tiny fractions to large counts, zero included.
fn quantity() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000, 0u8..5).prop_map(|(m, s)| Decimal::new(m, s).unwrap())
}

fn discount(c: Currency) -> impl Strategy<Value = Option<Discount>> {
    prop_oneof![
        Just(None),
        (0u32..=10_000).prop_map(|bp| Some(Discount::Percent { basis_points: bp })),
        (0i64..1_000).prop_map(move |a| Some(Discount::Amount {
            amount: Money::new(a, c)
        })),
    ]
}

fn line_in(c: Currency) -> impl Strategy<Value = (Decimal, i64, Option<Discount>, u32)> {
    (
        quantity(),
        prop_oneof![0i64..1_000_000, 0i64..i64::MAX],
        discount(c),
        0u32..=10_000,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    /// Every line holds its own arithmetic, the totals are the sums of the lines to the unit,
    /// and nothing panics, however large.
    #[test]
    fn totals_are_the_sums_of_the_lines(
        c in currency(),
        lines in proptest::collection::vec(currency().prop_flat_map(line_in), 1..12),
    ) {
        let mut priced = Vec::new();
        for (q, price, d, tax) in lines {
            // The discount is in the strategy's currency; move it into the line's.
            let d = d.map(|d| match d {
                Discount::Amount { amount } => Discount::Amount {
                    amount: Money::new(amount.amount_minor(), c),
                },
                other => other,
            });
            match price_line(None, "x".into(), q, Money::new(price, c), d, tax) {
                Ok(l) => {
                    prop_assert_eq!(l.net.amount_minor(), l.subtotal.amount_minor() - l.discount_amount.amount_minor());
                    prop_assert_eq!(l.gross.amount_minor(), l.net.amount_minor() + l.tax.amount_minor());
                    prop_assert!(l.discount_amount.amount_minor() <= l.subtotal.amount_minor());
                    prop_assert!(l.net.amount_minor() >= 0 && l.tax.amount_minor() >= 0);
                    priced.push(l);
                }
                Err(e) => prop_assert_eq!(e.code(), "validation"),
            }
        }
        match totals(&priced) {
            Ok(Some(t)) => {
                let sum = |f: fn(&LineItem) -> Money| priced.iter().map(|l| i128::from(f(l).amount_minor())).sum::<i128>();
                prop_assert_eq!(i128::from(t.net.amount_minor()), sum(|l| l.net));
                prop_assert_eq!(i128::from(t.tax.amount_minor()), sum(|l| l.tax));
                prop_assert_eq!(i128::from(t.gross.amount_minor()), sum(|l| l.gross));
                prop_assert_eq!(t.gross.amount_minor(), t.net.amount_minor() + t.tax.amount_minor());
            }
            Ok(None) => prop_assert!(priced.is_empty()),
            Err(e) => prop_assert_eq!(e.code(), "validation"),
        }
    }

    /// Converting there and back differs from the start by at most the rounding of each leg:
    /// half a minor unit of the target, carried back, plus half a minor unit of the start.
    #[test]
    fn conversion_round_trips_within_the_rounding(
        from in currency(),
        to in currency(),
        amount in -1_000_000_000_000i64..1_000_000_000_000,
        mantissa in 1i64..100_000_000,
        scale in 0u8..9,
    ) {
        prop_assume!(from != to);
        let crm = crm();
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let rate = Decimal::new(mantissa, scale).unwrap();
        crm.set_exchange_rate(ExchangeRate { date: day, base: from, quote: to, rate }).unwrap();
        let start = Money::new(amount, from);
        let Ok(there) = crm.convert_money(start, to, day) else {
            // Too large for the target is an error, never a panic.
            return Ok(());
        };
        let back = crm.convert_money(there, from, day).unwrap();
        let diff = (i128::from(back.amount_minor()) - i128::from(amount)).abs();
        // 2·|diff| ≤ 1 + 10^(dx − dy) / r, with r = mantissa / 10^scale, in integers.
        let dx = 10i128.pow(u32::from(from.minor_digits()));
        let dy = 10i128.pow(u32::from(to.minor_digits()));
        let num = i128::from(mantissa);
        let den = 10i128.pow(u32::from(scale));
        prop_assert!(
            2 * diff * num * dy <= num * dy + den * dx,
            "{start} → {there} → {back} at {rate}"
        );
    }

    /// Money arithmetic and conversion refuse overflow with an error.
    #[test]
    fn money_never_overflows_into_a_panic(a in any::<i64>(), b in any::<i64>(), k in any::<i64>()) {
        let x = Money::new(a, Currency::EUR);
        let y = Money::new(b, Currency::EUR);
        match x.checked_add(y) {
            Ok(s) => prop_assert_eq!(i128::from(s.amount_minor()), i128::from(a) + i128::from(b)),
            Err(e) => prop_assert!(i128::from(a) + i128::from(b) > i128::from(i64::MAX) || i128::from(a) + i128::from(b) < i128::from(i64::MIN), "{e}"),
        }
        match x.checked_mul_int(k) {
            Ok(p) => prop_assert_eq!(i128::from(p.amount_minor()), i128::from(a) * i128::from(k)),
            Err(_) => prop_assert!(i64::try_from(i128::from(a) * i128::from(k)).is_err()),
        }
        prop_assert!(x.checked_add(Money::new(b, Currency::PLN)).is_err());
    }
}

/// An operation on the deals of a test CRM.
#[derive(Debug, Clone)]
enum Op {
    Create { amount: i64, pln: bool, lines: u8 },
    Move { deal: usize, stage: usize },
    Wait { seconds: i64 },
    Update { deal: usize, amount: i64 },
    Archive { deal: usize },
    Delete { deal: usize },
    Quote { deal: usize },
    Accept { deal: usize },
    FollowUp { deal: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0i64..10_000_000, any::<bool>(), 0u8..3).prop_map(|(amount, pln, lines)| Op::Create { amount, pln, lines }),
        4 => (any::<usize>(), 0usize..6).prop_map(|(deal, stage)| Op::Move { deal, stage }),
        3 => (1i64..400_000).prop_map(|seconds| Op::Wait { seconds }),
        1 => (any::<usize>(), 0i64..10_000_000).prop_map(|(deal, amount)| Op::Update { deal, amount }),
        1 => any::<usize>().prop_map(|deal| Op::Archive { deal }),
        1 => any::<usize>().prop_map(|deal| Op::Delete { deal }),
        1 => any::<usize>().prop_map(|deal| Op::Quote { deal }),
        1 => any::<usize>().prop_map(|deal| Op::Accept { deal }),
        1 => any::<usize>().prop_map(|deal| Op::FollowUp { deal }),
    ]
}

fn money(amount: i64, pln: bool) -> Money {
    Money::new(amount, if pln { Currency::PLN } else { Currency::EUR })
}

fn input(amount: i64, pln: bool, lines: u8) -> DealInput {
    DealInput {
        title: format!("Deal {amount}"),
        amount: (lines == 0).then(|| money(amount, pln)),
        line_items: (0..lines)
            .map(|i| LineItemInput {
                product: None,
                description: Some(format!("line {i}")),
                quantity: Decimal::new(i64::from(i) + 1, 1).unwrap(),
                unit_price: Some(money(amount, pln)),
                discount: None,
                tax_rate: Some(2300),
            })
            .collect(),
        owner: Some(if pln { "ana" } else { "bob" }.into()),
        expected_close: NaiveDate::from_ymd_opt(2026, 12, 1 + (amount % 28) as u32),
        ..DealInput::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    /// Whatever happens to deals, each deal's time in its stages adds up to its age, the
    /// indexes agree with the records, and the reports run.
    #[test]
    fn stage_history_adds_up_and_indexes_agree(ops in proptest::collection::vec(op(), 1..40)) {
        let clock = Arc::new(ManualClock::new(start()));
        let crm = Crm::builder()
            .clock(clock.clone())
            .id_source(Arc::new(SequentialIds::new()))
            .open_in_memory()
            .unwrap();
        crm.set_exchange_rate(ExchangeRate {
            date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            base: Currency::EUR,
            quote: Currency::PLN,
            rate: "4.25".parse().unwrap(),
        }).unwrap();
        let stages: Vec<StageId> = crm.default_pipeline().unwrap().stages.iter().map(|s| s.id).collect();
        let mut deals: Vec<DealId> = Vec::new();
        let pick = |deals: &[DealId], i: usize| (!deals.is_empty()).then(|| deals[i % deals.len()]);
        for op in ops {
            // Every write happens at its own second, so changes are ordered.
            clock.advance(Duration::seconds(1));
            match op {
                Op::Create { amount, pln, lines } => deals.push(crm.create_deal(input(amount, pln, lines)).unwrap().id),
                Op::Move { deal, stage } => if let Some(d) = pick(&deals, deal) {
                    crm.move_deal(d, DealMove { stage: stages[stage], lost_reason: None, by: None }).unwrap();
                },
                Op::Wait { seconds } => clock.advance(Duration::seconds(seconds)),
                Op::Update { deal, amount } => if let Some(d) = pick(&deals, deal) {
                    let current = crm.get_deal(d).unwrap();
                    let pln = current.amount.is_some_and(|a| a.currency() == Currency::PLN);
                    crm.update_deal(d, input(amount, pln, 0)).unwrap();
                },
                Op::Archive { deal } => if let Some(d) = pick(&deals, deal) {
                    crm.archive_deal(d).unwrap();
                },
                Op::Delete { deal } => if let Some(d) = pick(&deals, deal) {
                    crm.delete_deal(d).unwrap();
                    deals.retain(|x| *x != d);
                },
                Op::Quote { deal } => if let Some(d) = pick(&deals, deal) {
                    let until = QuoteInput { valid_until: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(), notes: None };
                    match crm.create_quote(d, until) {
                        Ok(_) => {}
                        Err(e) => prop_assert_eq!(e.field(), Some("deal")),
                    }
                },
                Op::Accept { deal } => if let Some(d) = pick(&deals, deal) {
                    if let Some(q) = crm.quotes_of_deal(d).unwrap().last() {
                        let _ = crm.accept_quote(q.id, QuoteAcceptance { set_deal_amount: true });
                    }
                },
                Op::FollowUp { deal } => if let Some(d) = pick(&deals, deal) {
                    let f = FollowUpInput { title: "more".into(), ..FollowUpInput::default() };
                    match crm.open_follow_up(d, f) {
                        Ok(up) => deals.push(up.id),
                        Err(e) => prop_assert_eq!(e.field(), Some("deal")),
                    }
                },
            }
        }
        for d in &deals {
            let deal = crm.get_deal(*d).unwrap();
            let times = crm.deal_stage_times(*d).unwrap();
            let total: u64 = times.iter().map(|t| t.seconds).sum();
            let age = (clock.now() - deal.created_at).num_seconds();
            prop_assert_eq!(i64::try_from(total).unwrap(), age);
            prop_assert_eq!(times.iter().map(|t| t.visits).sum::<u32>() as usize, crm.deal_history(*d).unwrap().len());
        }
        let report = crm.verify().unwrap();
        prop_assert!(report.is_ok(), "{:?}", report.problems);
        crm.pipeline_values().unwrap();
        crm.forecast(&ForecastQuery::default()).unwrap();
        crm.sales_cycle(&SalesCycleQuery::default()).unwrap();
        crm.leaderboard(TimeRange::default()).unwrap();
    }
}
