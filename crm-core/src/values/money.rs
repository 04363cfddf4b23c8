//! Amounts of money: an ISO 4217 [`Currency`] and an exact [`Money`] amount in minor units.
//!
//! Money is never a float. An amount is a whole number of the currency's minor unit (cents
//! for EUR, yen for JPY, fils for BHD), so adding, storing and printing it is exact, and every
//! operation that could overflow is checked and reported as an error instead.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::values::error::{Error, Result};

/// The active codes of ISO 4217 table A.1 (list one, as published on 2026-01-01) that have an
/// official minor unit, each with that minor unit.
///
/// Sorted by code: lookups binary-search it, and the position order of [`Currency`] is then
/// the alphabetical order of the codes.
///
/// Left out on purpose, because the standard gives them no minor unit ("N.A."), so an amount
/// counted in minor units means nothing for them: the precious metals (XAU, XAG, XPT, XPD),
/// the bond-market units (XBA, XBB, XBC, XBD), the accounting units XDR, XSU and XUA, the
/// testing code XTS and the "no currency" code XXX.
///
/// Kept although withdrawn (ISO 4217 list three), because a CRM holds past deals and quotes
/// in them: BGN (Bulgaria, until 2026), HRK (Croatia, until 2023), LTL, LVL, EEK and SKK (the
/// Baltic states and Slovakia before the euro), ANG, CUC, SLL and ZWL. Older withdrawn codes,
/// such as DEM or FRF, are refused.
// One row per line would make the table ~170 lines long for no gain in reading it.
#[rustfmt::skip]
const TABLE: [(&str, u8); 175] = [
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2),
    ("ARS", 2), ("AUD", 2), ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2),
    ("BDT", 2), ("BGN", 2), ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2),
    ("BOB", 2), ("BOV", 2), ("BRL", 2), ("BSD", 2), ("BTN", 2), ("BWP", 2),
    ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHE", 2), ("CHF", 2),
    ("CHW", 2), ("CLF", 4), ("CLP", 0), ("CNY", 2), ("COP", 2), ("COU", 2),
    ("CRC", 2), ("CUC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0),
    ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EEK", 2), ("EGP", 2), ("ERN", 2),
    ("ETB", 2), ("EUR", 2), ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2),
    ("GHS", 2), ("GIP", 2), ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2),
    ("HKD", 2), ("HNL", 2), ("HRK", 2), ("HTG", 2), ("HUF", 2), ("IDR", 2),
    ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0), ("JMD", 2),
    ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0),
    ("KPW", 2), ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2),
    ("LBP", 2), ("LKR", 2), ("LRD", 2), ("LSL", 2), ("LTL", 2), ("LVL", 2),
    ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2), ("MMK", 2),
    ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2),
    ("MXN", 2), ("MXV", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2),
    ("NIO", 2), ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2),
    ("PEN", 2), ("PGK", 2), ("PHP", 2), ("PKR", 2), ("PLN", 2), ("PYG", 0),
    ("QAR", 2), ("RON", 2), ("RSD", 2), ("RUB", 2), ("RWF", 0), ("SAR", 2),
    ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2), ("SGD", 2), ("SHP", 2),
    ("SKK", 2), ("SLE", 2), ("SLL", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2),
    ("STN", 2), ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2),
    ("TMT", 2), ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2),
    ("TZS", 2), ("UAH", 2), ("UGX", 0), ("USD", 2), ("USN", 2), ("UYI", 0),
    ("UYU", 2), ("UYW", 4), ("UZS", 2), ("VED", 2), ("VES", 2), ("VND", 0),
    ("VUV", 0), ("WST", 2), ("XAD", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2),
    ("XOF", 0), ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
    ("ZWL", 2),
];

/// The reason given when a code is not in [`TABLE`].
const NOT_ISO: &str = "is not an ISO 4217 currency code";

/// Finds `code` in [`TABLE`].
///
/// Only the associated constants of [`Currency`] call this, so it is evaluated at compile
/// time and a constant naming a code missing from the table fails the build instead of
/// misbehaving at run time.
const fn table_position(code: &str) -> u8 {
    let mut rest: &[(&str, u8)] = &TABLE;
    let mut position: u8 = 0;
    while let [(candidate, _), tail @ ..] = rest {
        if same_code(candidate.as_bytes(), code.as_bytes()) {
            return position;
        }
        rest = tail;
        position = match position.checked_add(1) {
            Some(next) => next,
            None => break,
        };
    }
    panic!("a Currency constant names a code that is not in the table");
}

/// Byte equality of two three-letter codes, usable in `const fn` (where `==` on slices is not).
const fn same_code(a: &[u8], b: &[u8]) -> bool {
    match (a, b) {
        ([a0, a1, a2], [b0, b1, b2]) => *a0 == *b0 && *a1 == *b1 && *a2 == *b2,
        _ => false,
    }
}

/// An active ISO 4217 currency that has a minor unit, such as EUR or JPY.
///
/// Stored as a one-byte position in the library's currency table, so it is `Copy`, cheap to
/// compare and hash. Ordering is the alphabetical order of the codes.
///
/// The metals (XAU, XAG, XPT, XPD), the other codes without a minor unit (XBA, XBB, XBC, XBD,
/// XDR, XSU, XUA) and the test codes XTS and XXX are not currencies here: ISO 4217 gives
/// them no minor unit, so no amount in minor units can be expressed in them.
///
/// Serialized with serde as its code string (`"EUR"`) and with minicbor as a CBOR text
/// string of its code; both refuse codes that are not in the table.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency(u8);

impl Currency {
    /// The euro (2 minor digits).
    pub const EUR: Currency = Currency(table_position("EUR"));
    /// The Polish złoty (2 minor digits).
    pub const PLN: Currency = Currency(table_position("PLN"));
    /// The Romanian leu (2 minor digits).
    pub const RON: Currency = Currency(table_position("RON"));
    /// The US dollar (2 minor digits).
    pub const USD: Currency = Currency(table_position("USD"));
    /// The pound sterling (2 minor digits).
    pub const GBP: Currency = Currency(table_position("GBP"));
    /// The Swiss franc (2 minor digits).
    pub const CHF: Currency = Currency(table_position("CHF"));
    /// The Japanese yen (no minor digits).
    pub const JPY: Currency = Currency(table_position("JPY"));

    /// Looks up an active ISO 4217 code, ignoring ASCII case (`"eur"` gives [`Currency::EUR`]).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] on field `currency` when `code` is not an active ISO 4217 code
    /// with a minor unit.
    pub fn new(code: &str) -> Result<Currency> {
        let not_iso = || Error::validation("currency", NOT_ISO);
        let upper = <[u8; 3]>::try_from(code.as_bytes())
            .map_err(|_| not_iso())?
            .map(|b| b.to_ascii_uppercase());
        // Codes compare as big-endian numbers: the same order as the bytes, without a
        // `memcmp` call per probe (stored money decodes its currency through here).
        let key = |b: &[u8]| b.iter().fold(0u32, |k, &c| k << 8 | u32::from(c));
        let wanted = key(&upper);
        let position = TABLE
            .binary_search_by(|(candidate, _)| key(candidate.as_bytes()).cmp(&wanted))
            .map_err(|_| not_iso())?;
        u8::try_from(position).map(Currency).map_err(|_| not_iso())
    }

    /// The canonical upper-case code, such as `"EUR"`.
    pub fn code(&self) -> &'static str {
        self.entry().0
    }

    /// The number of decimal digits of the minor unit (the ISO 4217 exponent): 2 for EUR,
    /// 0 for JPY, 3 for BHD, 4 for CLF.
    pub fn minor_digits(&self) -> u8 {
        self.entry().1
    }

    /// Every supported currency, in alphabetical order of the code.
    pub fn all() -> impl Iterator<Item = Currency> {
        (0..=u8::MAX).take(TABLE.len()).map(Currency)
    }

    fn entry(self) -> (&'static str, u8) {
        // Every `Currency` is made from a position inside `TABLE`, so the fallback is never
        // taken; it is there so that no code path can panic.
        TABLE
            .get(usize::from(self.0))
            .copied()
            .unwrap_or(("XXX", 0))
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The code says more than the table position the value holds.
        f.debug_tuple("Currency").field(&self.code()).finish()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = Error;

    fn from_str(s: &str) -> Result<Currency> {
        Currency::new(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Currency, D::Error> {
        struct CodeVisitor;

        impl serde::de::Visitor<'_> for CodeVisitor {
            type Value = Currency;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 4217 currency code")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Currency, E> {
                Currency::new(v).map_err(crate::values::error::serde_reason)
            }
        }

        deserializer.deserialize_str(CodeVisitor)
    }
}

impl<C> minicbor::Encode<C> for Currency {
    fn encode<W: minicbor::encode::Write>(
        &self,
        e: &mut minicbor::Encoder<W>,
        _ctx: &mut C,
    ) -> Result<(), minicbor::encode::Error<W::Error>> {
        e.str(self.code())?;
        Ok(())
    }
}

impl<'b, C> minicbor::Decode<'b, C> for Currency {
    fn decode(
        d: &mut minicbor::Decoder<'b>,
        _ctx: &mut C,
    ) -> Result<Currency, minicbor::decode::Error> {
        let at = d.position();
        let code = d.str()?;
        Currency::new(code).map_err(|err| minicbor::decode::Error::custom(err).at(at))
    }
}

/// An exact amount of money: a whole number of minor units of one [`Currency`].
///
/// `Money::new(123450, Currency::PLN)` is 1234.50 PLN. Arithmetic is checked: combining
/// currencies or overflowing `i64` is an error, never a wrong number or a panic.
///
/// Serialized with serde as `{"amount_minor": 123450, "currency": "PLN"}` and with minicbor
/// as the array `[amount_minor, currency]`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Money {
    /// The amount in the currency's minor unit (grosze, bani, cents; yen for JPY).
    #[n(0)]
    pub amount_minor: i64,
    /// The currency.
    #[n(1)]
    pub currency: Currency,
}

fn too_large() -> Error {
    Error::validation("amount", "the amount is too large")
}

fn mixed_currencies() -> Error {
    Error::validation("currency", "cannot combine amounts in different currencies")
}

impl Money {
    /// An amount of `amount_minor` minor units of `currency` (cents for EUR, yen for JPY).
    pub const fn new(amount_minor: i64, currency: Currency) -> Money {
        Money {
            amount_minor,
            currency,
        }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    /// The amount in minor units.
    pub const fn amount_minor(&self) -> i64 {
        self.amount_minor
    }

    /// The currency of the amount.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// Parses a plain decimal number of major units, such as `"1234.5"` or `"-0.05"`.
    ///
    /// The accepted form is strict: an optional leading `-`, one or more ASCII digits, and
    /// optionally a `.` followed by one to [`Currency::minor_digits`] digits. There is no `+`,
    /// no exponent, no grouping and no `,` as decimal mark, so an amount is never guessed.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] on field `amount` when the text is not such a number, has more
    /// decimal places than the currency allows, or does not fit.
    pub fn parse(s: &str, currency: Currency) -> Result<Money> {
        let not_number = || Error::validation("amount", "is not a decimal number");
        let (negative, unsigned) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) if all_digits(fraction) => (whole, fraction),
            Some(_) => return Err(not_number()),
            None => (unsigned, ""),
        };
        if !all_digits(whole) {
            return Err(not_number());
        }
        let allowed = usize::from(currency.minor_digits());
        if fraction.len() > allowed {
            return Err(Error::validation(
                "amount",
                "has more decimal places than the currency allows",
            ));
        }
        // Reading the digits as one integer, padded to the currency's exponent, gives the
        // amount in minor units without any division or float.
        let mut magnitude: u64 = 0;
        for digit in whole.bytes().chain(fraction.bytes()) {
            magnitude = push_digit(magnitude, digit).ok_or_else(too_large)?;
        }
        for _ in fraction.len()..allowed {
            magnitude = magnitude.checked_mul(10).ok_or_else(too_large)?;
        }
        // Building the negative from the magnitude lets `i64::MIN` through, whose magnitude
        // does not fit in a positive `i64`.
        let amount = if negative {
            0i64.checked_sub_unsigned(magnitude)
        } else {
            i64::try_from(magnitude).ok()
        }
        .ok_or_else(too_large)?;
        Ok(Money::new(amount, currency))
    }

    /// The number part of the amount in major units with every minor digit shown, such as
    /// `"1234.50"`, `"1500"` (JPY) or `"-0.005"` (BHD). [`Money::parse`] reads it back.
    pub fn to_decimal_string(&self) -> String {
        let digits = self.amount_minor.unsigned_abs().to_string();
        let scale = usize::from(self.currency.minor_digits());
        // Zero-padding to one more digit than the scale leaves at least one digit before the
        // point: 5 fils is "0005", printed "0.005".
        let padded = format!("{digits:0>width$}", width = scale.saturating_add(1));
        let split = padded.len().saturating_sub(scale);
        // The padded text is ASCII and `split` is within it, so the fallback is never taken.
        let (whole, fraction) = padded.split_at_checked(split).unwrap_or((&padded, ""));
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        if fraction.is_empty() {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{fraction}")
        }
    }

    /// The sum of two amounts of the same currency.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] on field `currency` when the currencies differ, or on field
    /// `amount` when the sum overflows.
    pub fn checked_add(self, other: Money) -> Result<Money> {
        let currency = self.common_currency(other)?;
        self.amount_minor
            .checked_add(other.amount_minor)
            .map(|amount| Money::new(amount, currency))
            .ok_or_else(too_large)
    }

    /// `self` minus `other`, both of the same currency.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] on field `currency` when the currencies differ, or on field
    /// `amount` when the difference overflows.
    pub fn checked_sub(self, other: Money) -> Result<Money> {
        let currency = self.common_currency(other)?;
        self.amount_minor
            .checked_sub(other.amount_minor)
            .map(|amount| Money::new(amount, currency))
            .ok_or_else(too_large)
    }

    /// The amount with its sign flipped.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] on field `amount` for the one amount whose negation does not fit
    /// (`i64::MIN` minor units).
    pub fn checked_neg(self) -> Result<Money> {
        self.amount_minor
            .checked_neg()
            .map(|amount| Money::new(amount, self.currency))
            .ok_or_else(too_large)
    }

    /// The amount multiplied by a whole number, such as a quantity.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] on field `amount` when the product overflows.
    pub fn checked_mul_int(self, factor: i64) -> Result<Money> {
        self.amount_minor
            .checked_mul(factor)
            .map(|amount| Money::new(amount, self.currency))
            .ok_or_else(too_large)
    }

    fn common_currency(self, other: Money) -> Result<Currency> {
        if self.currency == other.currency {
            Ok(self.currency)
        } else {
            Err(mixed_currencies())
        }
    }
}

impl fmt::Display for Money {
    /// Shows the exact amount and the code, such as `1234.50 PLN` or `-0.005 BHD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// The total of `items`, all of which must be in `currency`; zero when there are none.
///
/// The running total is kept in `i128`, so the result depends only on the items and not on
/// their order: a list whose total fits in `i64` always succeeds even when a partial sum
/// would not have fitted.
///
/// # Errors
///
/// [`Error::Validation`] on field `currency` when an item is in another currency, or on field
/// `amount` when the total does not fit in `i64`.
pub fn sum<'a>(currency: Currency, items: impl IntoIterator<Item = &'a Money>) -> Result<Money> {
    let mut total: i128 = 0;
    for item in items {
        if item.currency != currency {
            return Err(mixed_currencies());
        }
        total = total
            .checked_add(i128::from(item.amount_minor))
            .ok_or_else(too_large)?;
    }
    i64::try_from(total)
        .map(|amount| Money::new(amount, currency))
        .map_err(|_| too_large())
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `acc * 10 + digit`, or `None` on overflow or when `digit` is not an ASCII digit.
fn push_digit(acc: u64, digit: u8) -> Option<u64> {
    let value = digit.checked_sub(b'0').filter(|v| *v <= 9)?;
    acc.checked_mul(10)?.checked_add(u64::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn validation(field: &str, reason: &str) -> Error {
        Error::validation(field, reason)
    }

    fn code(c: &str) -> Currency {
        match Currency::new(c) {
            Ok(currency) => currency,
            Err(err) => panic!("{c}: {err}"),
        }
    }

    #[test]
    fn table_is_sorted_unique_and_well_formed() {
        for pair in TABLE.windows(2) {
            if let [(a, _), (b, _)] = pair {
                assert!(a < b, "{a} must come before {b}");
            }
        }
        for (c, digits) in TABLE {
            assert!(
                c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()),
                "{c}"
            );
            assert!(matches!(digits, 0 | 2 | 3 | 4), "{c} has {digits} digits");
        }
        assert_eq!(Currency::all().count(), TABLE.len());
    }

    #[test]
    fn all_round_trips_and_is_ordered_by_code() {
        let all: Vec<Currency> = Currency::all().collect();
        for c in &all {
            assert_eq!(Currency::new(c.code()), Ok(*c));
            assert_eq!(Currency::new(&c.code().to_ascii_lowercase()), Ok(*c));
        }
        for pair in all.windows(2) {
            if let [a, b] = pair {
                assert!(a < b && a.code() < b.code());
            }
        }
    }

    #[test]
    fn minor_digits_follow_iso_4217() {
        let cases = [
            ("JPY", 0),
            ("KRW", 0),
            ("ISK", 0),
            ("VND", 0),
            ("XAF", 0),
            ("XOF", 0),
            ("XPF", 0),
            ("CLP", 0),
            ("PYG", 0),
            ("UGX", 0),
            ("RWF", 0),
            ("KMF", 0),
            ("GNF", 0),
            ("DJF", 0),
            ("VUV", 0),
            ("BIF", 0),
            ("UYI", 0),
            ("PLN", 2),
            ("EUR", 2),
            ("RON", 2),
            ("USD", 2),
            ("GBP", 2),
            ("CHF", 2),
            ("CHE", 2),
            ("CHW", 2),
            ("USN", 2),
            ("COU", 2),
            ("MXV", 2),
            ("BOV", 2),
            ("XCG", 2),
            ("ZWG", 2),
            ("SLE", 2),
            ("VED", 2),
            ("BHD", 3),
            ("KWD", 3),
            ("JOD", 3),
            ("OMR", 3),
            ("TND", 3),
            ("LYD", 3),
            ("IQD", 3),
            ("CLF", 4),
            ("UYW", 4),
        ];
        for (c, digits) in cases {
            assert_eq!(code(c).minor_digits(), digits, "{c}");
        }
    }

    #[test]
    fn constants_name_their_codes() {
        let cases = [
            (Currency::EUR, "EUR"),
            (Currency::PLN, "PLN"),
            (Currency::RON, "RON"),
            (Currency::USD, "USD"),
            (Currency::GBP, "GBP"),
            (Currency::CHF, "CHF"),
            (Currency::JPY, "JPY"),
        ];
        for (c, name) in cases {
            assert_eq!(c.code(), name);
            assert_eq!(c.to_string(), name);
            assert_eq!(name.parse::<Currency>(), Ok(c));
        }
        assert_eq!(format!("{:?}", Currency::EUR), "Currency(\"EUR\")");
    }

    #[test]
    fn lookup_is_case_insensitive_and_canonical() {
        for input in ["eur", "EUR", "Eur", "eUr"] {
            assert_eq!(Currency::new(input), Ok(Currency::EUR));
        }
        assert_eq!(code("pln").code(), "PLN");
    }

    #[test]
    fn unknown_and_excluded_codes_are_refused() {
        let refused = [
            "", "E", "EU", "EURO", " EUR", "EUR ", "ABC", "123", "€", "ÉUR", "EU\u{0}",
            // No minor unit in ISO 4217.
            "XAU", "XAG", "XPT", "XPD", "XDR", "XSU", "XUA", "XBA", "XBB", "XBC", "XBD",
            // Testing and "no currency".
            "XTS", "XXX", // Withdrawn long before any CRM data of ours.
            "DEM", "FRF", "ITL",
        ];
        for input in refused {
            assert_eq!(
                Currency::new(input),
                Err(validation("currency", "is not an ISO 4217 currency code")),
                "{input:?}"
            );
        }
    }

    #[test]
    fn parse_and_display_table() {
        let cases = [
            ("1234.5", Currency::PLN, 123_450, "1234.50 PLN"),
            ("1234.50", Currency::PLN, 123_450, "1234.50 PLN"),
            ("-0.05", Currency::PLN, -5, "-0.05 PLN"),
            ("0", Currency::EUR, 0, "0.00 EUR"),
            ("-0", Currency::EUR, 0, "0.00 EUR"),
            ("-0.00", Currency::EUR, 0, "0.00 EUR"),
            ("007.1", Currency::EUR, 710, "7.10 EUR"),
            ("1500", Currency::JPY, 1500, "1500 JPY"),
            ("-1500", Currency::JPY, -1500, "-1500 JPY"),
            ("-0.005", code("BHD"), -5, "-0.005 BHD"),
            ("12.345", code("BHD"), 12_345, "12.345 BHD"),
            ("1", code("BHD"), 1000, "1.000 BHD"),
            ("1.2345", code("CLF"), 12_345, "1.2345 CLF"),
            (
                "92233720368547758.07",
                Currency::EUR,
                i64::MAX,
                "92233720368547758.07 EUR",
            ),
            (
                "-92233720368547758.08",
                Currency::EUR,
                i64::MIN,
                "-92233720368547758.08 EUR",
            ),
            (
                "9223372036854775807",
                Currency::JPY,
                i64::MAX,
                "9223372036854775807 JPY",
            ),
            (
                "-9223372036854775808",
                Currency::JPY,
                i64::MIN,
                "-9223372036854775808 JPY",
            ),
        ];
        for (input, currency, minor, shown) in cases {
            let money = Money::parse(input, currency);
            assert_eq!(money, Ok(Money::new(minor, currency)), "{input}");
            let money = Money::new(minor, currency);
            assert_eq!(money.to_string(), shown);
            assert_eq!(format!("{} {}", money.to_decimal_string(), currency), shown);
            assert_eq!(
                Money::parse(&money.to_decimal_string(), currency),
                Ok(money)
            );
        }
    }

    #[test]
    fn parse_errors_table() {
        let not_number = validation("amount", "is not a decimal number");
        let too_precise = validation("amount", "has more decimal places than the currency allows");
        let too_large = validation("amount", "the amount is too large");
        let cases = [
            ("", Currency::EUR, &not_number),
            ("-", Currency::EUR, &not_number),
            ("+1", Currency::EUR, &not_number),
            ("1.", Currency::EUR, &not_number),
            (".5", Currency::EUR, &not_number),
            ("-.5", Currency::EUR, &not_number),
            ("1,50", Currency::EUR, &not_number),
            ("1 234,50", Currency::EUR, &not_number),
            ("1 234.50", Currency::EUR, &not_number),
            ("1_000", Currency::EUR, &not_number),
            ("1e3", Currency::EUR, &not_number),
            (" 1", Currency::EUR, &not_number),
            ("1 ", Currency::EUR, &not_number),
            ("--1", Currency::EUR, &not_number),
            ("1.2.3", Currency::EUR, &not_number),
            ("1.-2", Currency::EUR, &not_number),
            ("١٢", Currency::EUR, &not_number),
            ("NaN", Currency::EUR, &not_number),
            ("1.234", Currency::PLN, &too_precise),
            ("1.000", Currency::PLN, &too_precise),
            ("1.5", Currency::JPY, &too_precise),
            ("1.0", Currency::JPY, &too_precise),
            ("0.0001", code("BHD"), &too_precise),
            ("92233720368547758.08", Currency::EUR, &too_large),
            ("-92233720368547758.09", Currency::EUR, &too_large),
            ("9223372036854775808", Currency::JPY, &too_large),
            ("99999999999999999999999999", Currency::JPY, &too_large),
        ];
        for (input, currency, expected) in cases {
            assert_eq!(
                Money::parse(input, currency).as_ref(),
                Err(expected),
                "{input:?}"
            );
        }
    }

    #[test]
    fn arithmetic_table() {
        let eur = |m| Money::new(m, Currency::EUR);
        let mixed = validation("currency", "cannot combine amounts in different currencies");
        let too_large = validation("amount", "the amount is too large");
        let pln = Money::new(1, Currency::PLN);

        assert_eq!(eur(150).checked_add(eur(-50)), Ok(eur(100)));
        assert_eq!(eur(150).checked_sub(eur(200)), Ok(eur(-50)));
        assert_eq!(eur(150).checked_neg(), Ok(eur(-150)));
        assert_eq!(eur(150).checked_mul_int(-3), Ok(eur(-450)));
        assert_eq!(Money::zero(Currency::EUR), eur(0));

        assert_eq!(eur(1).checked_add(pln), Err(mixed.clone()));
        assert_eq!(eur(1).checked_sub(pln), Err(mixed.clone()));
        assert_eq!(eur(i64::MAX).checked_add(eur(1)), Err(too_large.clone()));
        assert_eq!(eur(i64::MIN).checked_sub(eur(1)), Err(too_large.clone()));
        assert_eq!(eur(i64::MIN).checked_neg(), Err(too_large.clone()));
        assert_eq!(eur(i64::MAX).checked_mul_int(2), Err(too_large.clone()));
        assert_eq!(eur(-1).checked_mul_int(i64::MIN), Err(too_large));

        let prefixed = eur(1).checked_add(pln).map_err(|e| e.within("deals[3]"));
        assert_eq!(
            prefixed.err().as_ref().and_then(Error::field),
            Some("deals[3].currency")
        );
    }

    #[test]
    fn sum_table() {
        let eur = |m| Money::new(m, Currency::EUR);
        assert_eq!(sum(Currency::EUR, &[]), Ok(eur(0)));
        assert_eq!(sum(Currency::EUR, &[eur(1), eur(2), eur(-4)]), Ok(eur(-1)));
        // A partial sum overflows but the total fits: still exact.
        assert_eq!(
            sum(Currency::EUR, &[eur(i64::MAX), eur(1), eur(-1)]),
            Ok(eur(i64::MAX))
        );
        assert_eq!(
            sum(Currency::EUR, &[eur(i64::MAX), eur(1)]),
            Err(validation("amount", "the amount is too large"))
        );
        assert_eq!(
            sum(Currency::PLN, &[eur(1)]),
            Err(validation(
                "currency",
                "cannot combine amounts in different currencies"
            ))
        );
        assert_eq!(
            sum(Currency::PLN, Vec::<&Money>::new()),
            Ok(Money::zero(Currency::PLN))
        );
    }

    #[test]
    fn serde_json_table() -> std::result::Result<(), serde_json::Error> {
        let cases = [
            (
                Money::new(123_450, Currency::PLN),
                r#"{"amount_minor":123450,"currency":"PLN"}"#,
            ),
            (
                Money::new(-5, code("BHD")),
                r#"{"amount_minor":-5,"currency":"BHD"}"#,
            ),
            (
                Money::new(i64::MIN, Currency::JPY),
                r#"{"amount_minor":-9223372036854775808,"currency":"JPY"}"#,
            ),
        ];
        for (money, json) in cases {
            assert_eq!(serde_json::to_string(&money)?, json);
            assert_eq!(serde_json::from_str::<Money>(json)?, money);
        }
        assert_eq!(serde_json::to_string(&Currency::EUR)?, r#""EUR""#);
        assert_eq!(serde_json::from_str::<Currency>(r#""eur""#)?, Currency::EUR);
        for bad in [r#""XAU""#, r#""EURO""#, "1", "null"] {
            assert!(serde_json::from_str::<Currency>(bad).is_err(), "{bad}");
        }
        let unknown = serde_json::from_str::<Money>(r#"{"amount_minor":1,"currency":"ABC"}"#);
        let message = unknown.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("is not an ISO 4217 currency code"),
            "{message}"
        );
        assert!(!message.contains("ABC"), "{message}");
        assert!(serde_json::from_str::<Money>(r#"{"amount_minor":1.5,"currency":"EUR"}"#).is_err());
        Ok(())
    }

    #[test]
    fn minicbor_table() -> std::result::Result<(), Box<dyn std::error::Error>> {
        // A CBOR text string of length 3 (0x63) followed by the code.
        assert_eq!(minicbor::to_vec(Currency::EUR)?, b"\x63EUR");
        // A 2-element array (0x82): the amount, then the currency.
        assert_eq!(
            minicbor::to_vec(Money::new(5, Currency::EUR))?,
            b"\x82\x05\x63EUR"
        );
        assert_eq!(
            minicbor::to_vec(Money::new(-1, Currency::JPY))?,
            b"\x82\x20\x63JPY"
        );
        let cases = [
            Money::new(123_450, Currency::PLN),
            Money::new(-5, code("BHD")),
            Money::new(i64::MAX, code("CLF")),
            Money::new(i64::MIN, Currency::JPY),
            Money::zero(Currency::CHF),
        ];
        for money in cases {
            let bytes = minicbor::to_vec(money)?;
            assert_eq!(minicbor::decode::<Money>(&bytes)?, money);
        }
        for currency in Currency::all() {
            let bytes = minicbor::to_vec(currency)?;
            assert_eq!(minicbor::decode::<Currency>(&bytes)?, currency);
        }
        // Unknown code, lower case is still accepted, wrong type, truncated.
        assert!(minicbor::decode::<Currency>(b"\x63XAU").is_err());
        assert_eq!(minicbor::decode::<Currency>(b"\x63eur")?, Currency::EUR);
        assert!(minicbor::decode::<Currency>(b"\x05").is_err());
        assert!(minicbor::decode::<Currency>(b"\x63EU").is_err());
        assert!(minicbor::decode::<Money>(b"\x82\x05\x63XXX").is_err());
        assert!(minicbor::decode::<Money>(b"\x81\x05").is_err());
        Ok(())
    }

    fn any_currency() -> impl Strategy<Value = Currency> {
        prop::sample::select(Currency::all().collect::<Vec<_>>())
    }

    fn any_money() -> impl Strategy<Value = Money> {
        (any::<i64>(), any_currency()).prop_map(|(m, c)| Money::new(m, c))
    }

    /// Amounts mixing the extremes with small values, so that sums both fit and overflow.
    fn amount() -> impl Strategy<Value = i64> {
        prop_oneof![
            any::<i64>(),
            -1_000i64..1_000,
            (i64::MAX - 1_000)..=i64::MAX,
            i64::MIN..=(i64::MIN + 1_000),
            any::<i64>().prop_map(|m| m / 64),
        ]
    }

    proptest! {
        #[test]
        fn parse_reads_back_the_number(money in any_money()) {
            let text = money.to_decimal_string();
            prop_assert_eq!(Money::parse(&text, money.currency()), Ok(money));
            prop_assert_eq!(money.to_string(), format!("{} {}", text, money.currency()));
        }

        #[test]
        fn add_is_commutative(a in amount(), b in amount(), c in any_currency()) {
            let (a, b) = (Money::new(a, c), Money::new(b, c));
            prop_assert_eq!(a.checked_add(b), b.checked_add(a));
        }

        #[test]
        fn add_is_associative_when_it_succeeds(
            a in amount(), b in amount(), c in amount(), currency in any_currency()
        ) {
            let [a, b, c] = [a, b, c].map(|m| Money::new(m, currency));
            let left = a.checked_add(b).and_then(|ab| ab.checked_add(c));
            let right = b.checked_add(c).and_then(|bc| a.checked_add(bc));
            if let (Ok(left), Ok(right)) = (left, right) {
                prop_assert_eq!(left, right);
            }
        }

        #[test]
        fn sum_is_exact_or_an_error(amounts in prop::collection::vec(amount(), 0..40)) {
            let items: Vec<Money> = amounts.iter().map(|m| Money::new(*m, Currency::EUR)).collect();
            let exact: i128 = amounts.iter().map(|m| i128::from(*m)).sum();
            let expected = i64::try_from(exact)
                .map(|m| Money::new(m, Currency::EUR))
                .map_err(|_| validation("amount", "the amount is too large"));
            prop_assert_eq!(sum(Currency::EUR, &items), expected);
        }

        #[test]
        fn sub_undoes_add(a in amount(), b in amount()) {
            let (a, b) = (Money::new(a, Currency::USD), Money::new(b, Currency::USD));
            if let Ok(total) = a.checked_add(b) {
                prop_assert_eq!(total.checked_sub(b), Ok(a));
            }
        }

        #[test]
        fn parse_never_panics(s in any::<String>(), c in any_currency()) {
            let _ = Money::parse(&s, c);
            let _ = Currency::new(&s);
        }

        #[test]
        fn parse_never_panics_on_number_like_text(s in "-?[0-9.,-]{0,30}", c in any_currency()) {
            if let Ok(money) = Money::parse(&s, c) {
                prop_assert_eq!(Money::parse(&money.to_decimal_string(), c), Ok(money));
            }
        }

        #[test]
        fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = minicbor::decode::<Money>(&bytes);
            let _ = minicbor::decode::<Currency>(&bytes);
        }

        #[test]
        fn encodings_round_trip(money in any_money()) {
            let json = serde_json::to_string(&money);
            prop_assert!(json.is_ok());
            let json = json.unwrap_or_default();
            prop_assert_eq!(serde_json::from_str::<Money>(&json).ok(), Some(money));
            let cbor = minicbor::to_vec(money).unwrap_or_default();
            prop_assert_eq!(minicbor::decode::<Money>(&cbor).ok(), Some(money));
        }
    }
}
