//! Exchange rates by date, the CRM's reporting currency, and exact conversion of money.
//!
//! A rate says that on its date (and until the next rate of the pair) one unit of `base` is
//! worth `rate` units of `quote`. Converting looks up the latest rate of the pair on or
//! before the date asked for, directly or inverted (a EUR→PLN rate also converts PLN→EUR).
//! The arithmetic is exact (128-bit integers over the decimal rate) and rounds once, half
//! away from zero, to the target currency's minor unit: converting there and back differs
//! from the start by at most the rounding of each leg.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::records::codec;
use crate::records::fields::MAX_EXACT_INTEGER;
use crate::records::tables;
use crate::storage::store::{Flow, Reader, Table, Writer};
use crate::values::decimal::Decimal;
use crate::values::error::{Error, Result};
use crate::values::input;
use crate::values::money::{Currency, Money};

/// The value of one currency in another on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExchangeRate {
    /// The first day the rate applies (until the pair's next rate), in the years 1000 through
    /// 9999.
    pub date: NaiveDate,
    /// The currency priced.
    pub base: Currency,
    /// The currency it is priced in.
    pub quote: Currency,
    /// How many units of `quote` one unit of `base` is worth; more than zero.
    pub rate: Decimal,
}

const REPORTING_KEY: &[u8] = b"reporting_currency";

/// The reporting currency of a CRM that has neither had one set nor seen a priced deal (the
/// first priced deal's currency becomes it).
pub const DEFAULT_REPORTING_CURRENCY: Currency = Currency::EUR;

fn rate_key(base: Currency, quote: Currency, date: Option<NaiveDate>) -> Vec<u8> {
    let mut k = Vec::with_capacity(10);
    k.extend_from_slice(base.code().as_bytes());
    k.extend_from_slice(quote.code().as_bytes());
    if let Some(d) = date {
        // Days from the common era, sign-flipped so that byte order is date order.
        k.extend_from_slice(&((d.num_days_from_ce() as u32) ^ (1 << 31)).to_be_bytes());
    }
    k
}

fn date_of_key(key: &[u8]) -> Option<NaiveDate> {
    let raw: [u8; 4] = key.get(6..10)?.try_into().ok()?;
    let days = (u32::from_be_bytes(raw) ^ (1 << 31)) as i32;
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// The reporting currency of the CRM: the one set, else the first priced deal's, else EUR.
pub(crate) fn reporting_currency(r: &mut impl Reader) -> Result<Currency> {
    Ok(stored_reporting_currency(r)?.unwrap_or(DEFAULT_REPORTING_CURRENCY))
}

/// Makes `currency` the reporting currency when none is stored yet. Called with the currency
/// of every priced deal before it is valued, so that a CRM whose deals are all in dollars
/// reports in dollars without being told (a silent default of euros valued none of them).
pub(crate) fn adopt_reporting_currency(w: &mut impl Writer, currency: Currency) -> Result<()> {
    if stored_reporting_currency(w)?.is_none() {
        set_reporting_currency(w, currency)?;
    }
    Ok(())
}

/// Keeps the reporting currency a file has been reporting in: the default, once a deal
/// exists (for files of schema version 10 and older, which did not adopt a deal's currency).
pub(crate) fn keep_default_reporting_currency(w: &mut impl Writer) -> Result<()> {
    if w.len(tables::DEALS)? > 0 {
        adopt_reporting_currency(w, DEFAULT_REPORTING_CURRENCY)?;
    }
    Ok(())
}

fn stored_reporting_currency(r: &mut impl Reader) -> Result<Option<Currency>> {
    r.get(Table::META, REPORTING_KEY, |b| {
        let code = std::str::from_utf8(b)
            .map_err(|_| Error::corrupt("meta", "the reporting currency is not readable"))?;
        Currency::new(code)
            .map_err(|_| Error::corrupt("meta", "the reporting currency is not readable"))
    })
}

pub(crate) fn set_reporting_currency(w: &mut impl Writer, currency: Currency) -> Result<Currency> {
    w.put(Table::META, REPORTING_KEY, currency.code().as_bytes())?;
    Ok(currency)
}

pub(crate) fn set_rate(w: &mut impl Writer, rate: &ExchangeRate) -> Result<ExchangeRate> {
    input::date("date", rate.date)?;
    if rate.base == rate.quote {
        return Err(Error::validation("quote", "is the same currency as base"));
    }
    if rate.rate.mantissa() <= 0 {
        return Err(Error::validation("rate", "must be more than zero"));
    }
    let key = rate_key(rate.base, rate.quote, Some(rate.date));
    w.put(tables::RATES, &key, &codec::encode(&key, &rate.rate))?;
    Ok(*rate)
}

/// The rates of a pair as entered (not inverted), oldest first.
pub(crate) fn rates(
    r: &mut impl Reader,
    base: Currency,
    quote: Currency,
) -> Result<Vec<ExchangeRate>> {
    let mut out = Vec::new();
    r.scan_prefix(
        tables::RATES,
        &rate_key(base, quote, None),
        false,
        |k, v| {
            let date = date_of_key(k)
                .ok_or_else(|| Error::corrupt("rates", "a rate key is not readable"))?;
            let rate: Decimal = codec::decode("exchange rate", k, v)?;
            out.push(ExchangeRate {
                date,
                base,
                quote,
                rate,
            });
            Ok(Flow::Continue(()))
        },
    )?;
    Ok(out)
}

/// The latest rate of `base`→`quote` on or before `date`, as entered.
fn latest(
    r: &mut impl Reader,
    base: Currency,
    quote: Currency,
    date: NaiveDate,
) -> Result<Option<(NaiveDate, Decimal)>> {
    let lower = rate_key(base, quote, None);
    let upper = {
        let mut k = rate_key(base, quote, Some(date));
        k.push(0xFF);
        k
    };
    let mut found = None;
    r.scan(
        tables::RATES,
        (
            std::ops::Bound::Included(&lower[..]),
            std::ops::Bound::Excluded(&upper[..]),
        ),
        true,
        |k, v| {
            let day = date_of_key(k)
                .ok_or_else(|| Error::corrupt("rates", "a rate key is not readable"))?;
            found = Some((day, codec::decode::<Decimal>("exchange rate", k, v)?));
            Ok(Flow::Break(()))
        },
    )?;
    Ok(found)
}

/// A rate as the exact fraction `numerator / denominator` of quote units per base unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ratio {
    pub(crate) numerator: i128,
    pub(crate) denominator: i128,
    /// The date of the rate used.
    pub(crate) date: NaiveDate,
}

/// The rate converting `from` into `to` on `date`: the pair's latest rate on or before the
/// date, or the inverse of the reverse pair's.
pub(crate) fn ratio(
    r: &mut impl Reader,
    from: Currency,
    to: Currency,
    date: NaiveDate,
) -> Result<Ratio> {
    if from == to {
        return Ok(Ratio {
            numerator: 1,
            denominator: 1,
            date,
        });
    }
    let direct = latest(r, from, to, date)?;
    let inverse = latest(r, to, from, date)?;
    let pow = |scale: u8| 10i128.pow(u32::from(scale));
    // The most recent of the two applies.
    match (direct, inverse) {
        (Some((d1, rate)), other) if other.is_none_or(|(d2, _)| d1 >= d2) => Ok(Ratio {
            numerator: i128::from(rate.mantissa()),
            denominator: pow(rate.scale()),
            date: d1,
        }),
        (_, Some((d2, rate))) => Ok(Ratio {
            numerator: pow(rate.scale()),
            denominator: i128::from(rate.mantissa()),
            date: d2,
        }),
        _ => Err(Error::NotFound {
            kind: "exchange rate",
            id: format!("{from}/{to} on or before {date}"),
        }),
    }
}

/// `numerator / denominator` rounded half away from zero; `denominator` is positive.
pub(crate) fn div_round(numerator: i128, denominator: i128) -> Option<i128> {
    let q = numerator / denominator;
    let rem = numerator % denominator;
    if rem.checked_abs()?.checked_mul(2)? >= denominator {
        q.checked_add(numerator.signum())
    } else {
        Some(q)
    }
}

/// Applies a ratio to an amount: exact, then rounded once to the target's minor unit. `None`
/// when the result is beyond ±(2^53 − 1) minor units, what every runtime holds exactly, like
/// every amount the library accepts (a deal's frozen value is stored from here, and
/// JavaScript could not read a larger one).
pub(crate) fn apply(money: Money, to: Currency, ratio: Ratio) -> Option<Money> {
    let from_digits = u32::from(money.currency().minor_digits());
    let to_digits = u32::from(to.minor_digits());
    // amount × rate × 10^(to − from), kept as one fraction until the single rounding.
    let mut numerator = i128::from(money.amount_minor()).checked_mul(ratio.numerator)?;
    let mut denominator = ratio.denominator;
    if to_digits >= from_digits {
        numerator = numerator.checked_mul(10i128.pow(to_digits - from_digits))?;
    } else {
        denominator = denominator.checked_mul(10i128.pow(from_digits - to_digits))?;
    }
    let minor = div_round(numerator, denominator)?;
    if minor.unsigned_abs() > MAX_EXACT_INTEGER as u128 {
        return None;
    }
    Some(Money::new(minor as i64, to))
}

/// The error of an amount that cannot be converted at a rate: `field` names it (`amount`
/// for a caller's, `deal_….amount` for a stored deal's).
pub(crate) fn unrepresentable(field: String, money: Money, to: Currency, ratio: &Ratio) -> Error {
    Error::validation(
        field,
        format!(
            "converted from {} into {to} at the rate of {} is beyond ±9,007,199,254,740,991 \
             minor units, the largest amount every runtime holds exactly",
            money.currency(),
            ratio.date
        ),
    )
}

/// Converts money into another currency at the rate of a date (in the years 1000 through
/// 9999); `NotFound` without a rate, `Validation` on `amount` when the result is too large.
pub(crate) fn convert(
    r: &mut impl Reader,
    money: Money,
    to: Currency,
    date: NaiveDate,
) -> Result<Money> {
    input::date("date", date)?;
    let ratio = ratio(r, money.currency(), to, date)?;
    apply(money, to, ratio).ok_or_else(|| unrepresentable("amount".into(), money, to, &ratio))
}

/// Converts a stored amount at the rate of a date: `None` when no rate converts it, an error
/// naming `field` (see [`unrepresentable`]) when the result is too large.
pub(crate) fn convert_stored(
    r: &mut impl Reader,
    money: Money,
    to: Currency,
    date: NaiveDate,
    field: impl FnOnce() -> String,
) -> Result<Option<Money>> {
    let ratio = match ratio(r, money.currency(), to, date) {
        Ok(ratio) => ratio,
        Err(Error::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    match apply(money, to, ratio) {
        Some(m) => Ok(Some(m)),
        None => Err(unrepresentable(field(), money, to, &ratio)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio_of(num: i128, den: i128) -> Ratio {
        Ratio {
            numerator: num,
            denominator: den,
            date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        }
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round(5, 2), Some(3));
        assert_eq!(div_round(-5, 2), Some(-3));
        assert_eq!(div_round(4, 3), Some(1));
        assert_eq!(div_round(-4, 3), Some(-1));
        assert_eq!(div_round(0, 7), Some(0));
    }

    #[test]
    fn conversion_respects_minor_digits() {
        // 1 EUR = 4.2735 PLN: 10.00 EUR is 42.74 PLN (42.735 rounded away from zero).
        let r = ratio_of(42735, 10000);
        let pln = apply(Money::new(1000, Currency::EUR), Currency::PLN, r).unwrap();
        assert_eq!(pln.amount_minor(), 4274);
        // 1 EUR = 161.5 JPY: 1.00 EUR is 162 JPY (161.5 away from zero); JPY has no minor unit.
        let jpy = apply(
            Money::new(100, Currency::EUR),
            Currency::JPY,
            ratio_of(1615, 10),
        )
        .unwrap();
        assert_eq!(jpy.amount_minor(), 162);
        // Back: 162 JPY at 1/161.5 is 1.003 EUR → 1.00 EUR.
        let back = apply(jpy, Currency::EUR, ratio_of(10, 1615)).unwrap();
        assert_eq!(back.amount_minor(), 100);
        assert!(
            apply(
                Money::new(i64::MAX, Currency::JPY),
                Currency::new("BHD").unwrap(),
                ratio_of(i128::from(i64::MAX), 1)
            )
            .is_none()
        );
        // The largest amount every runtime holds, and one minor unit more.
        let max = MAX_EXACT_INTEGER;
        assert!(
            apply(
                Money::new(max, Currency::EUR),
                Currency::PLN,
                ratio_of(1, 1)
            )
            .is_some()
        );
        assert!(
            apply(
                Money::new(max, Currency::EUR),
                Currency::PLN,
                ratio_of(2, 1)
            )
            .is_none()
        );
    }
}
