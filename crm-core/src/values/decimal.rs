//! Exact decimal numbers for custom fields of type "decimal".
//!
//! A [`Decimal`] is `mantissa × 10^-scale` with an `i64` mantissa and a scale of 0 to 18. It
//! is never a float, so what a user types in is what is stored and shown back.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::values::error::{Error, Result};

/// An exact decimal number: `mantissa × 10^-scale`, with at most 18 decimal places.
///
/// The representation is canonical: trailing zeros of the fraction are dropped when a value is
/// made, so `1.50` is stored as mantissa 15, scale 1, exactly like `1.5`. Equality, hashing
/// and ordering are therefore by numeric value.
///
/// Shown as plain decimal text (`12.5`, `-0.001`, `42`). Serialized with serde as that text
/// (a JSON string); deserializing also takes a JSON integer but refuses a JSON float, which
/// may already have lost precision. With minicbor it is the array `[mantissa, scale]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i64,
    scale: u8,
}

/// The field name every error of this module is reported under.
const FIELD: &str = "decimal";

fn not_a_number() -> Error {
    Error::validation(FIELD, "is not a decimal number")
}

fn too_many_digits() -> Error {
    Error::validation(FIELD, "has too many digits")
}

fn too_many_places() -> Error {
    Error::validation(FIELD, "has more than 18 decimal places")
}

impl Decimal {
    /// The largest number of decimal places a [`Decimal`] can have.
    pub const MAX_SCALE: u8 = 18;

    /// The number `mantissa × 10^-scale`, such as `Decimal::new(125, 1)` for 12.5.
    ///
    /// The result is canonical, so `Decimal::new(150, 2)` has mantissa 15 and scale 1.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] on field `decimal` when `scale` is above [`Decimal::MAX_SCALE`].
    pub fn new(mantissa: i64, scale: u8) -> Result<Decimal> {
        if scale > Self::MAX_SCALE {
            return Err(too_many_places());
        }
        Ok(Self::canonical(mantissa, scale))
    }

    /// The whole number `value`.
    pub const fn from_i64(value: i64) -> Decimal {
        // A scale of 0 has no fraction digits to drop, so this is already canonical.
        Decimal {
            mantissa: value,
            scale: 0,
        }
    }

    /// The canonical mantissa: the value is `mantissa() × 10^-scale()`.
    pub const fn mantissa(&self) -> i64 {
        self.mantissa
    }

    /// The canonical number of decimal places, 0 to [`Decimal::MAX_SCALE`]; never counts
    /// trailing zeros.
    pub const fn scale(&self) -> u8 {
        self.scale
    }

    /// Parses plain decimal text such as `"12.5"`, `"-0.001"` or `"+42"`.
    ///
    /// The accepted form is an optional `+` or `-`, one or more ASCII digits, and optionally a
    /// `.` followed by one or more digits. There is no exponent and no grouping separator.
    /// Trailing zeros of the fraction do not count towards the 18 decimal places.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] on field `decimal` when the text is not such a number, has more
    /// than 18 significant decimal places, or has too many digits for the mantissa.
    pub fn parse(s: &str) -> Result<Decimal> {
        let (negative, unsigned) = if let Some(rest) = s.strip_prefix('-') {
            (true, rest)
        } else if let Some(rest) = s.strip_prefix('+') {
            (false, rest)
        } else {
            (false, s)
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) if all_digits(fraction) => (whole, fraction),
            Some(_) => return Err(not_a_number()),
            None => (unsigned, ""),
        };
        if !all_digits(whole) {
            return Err(not_a_number());
        }
        // Trailing zeros add no value, so "1.5000" is 1.5 and is not refused for its length.
        let fraction = fraction.trim_end_matches('0');
        let scale = u8::try_from(fraction.len())
            .ok()
            .filter(|scale| *scale <= Self::MAX_SCALE)
            .ok_or_else(too_many_places)?;
        let mut magnitude: u64 = 0;
        for digit in whole.bytes().chain(fraction.bytes()) {
            magnitude = push_digit(magnitude, digit).ok_or_else(too_many_digits)?;
        }
        // Building the negative from the magnitude lets `i64::MIN` through, whose magnitude
        // does not fit in a positive `i64`.
        let mantissa = if negative {
            0i64.checked_sub_unsigned(magnitude)
        } else {
            i64::try_from(magnitude).ok()
        }
        .ok_or_else(too_many_digits)?;
        Ok(Self::canonical(mantissa, scale))
    }

    /// Drops trailing zeros of the fraction so that every value has one representation and
    /// the derived `PartialEq`/`Hash` compare numeric values.
    const fn canonical(mut mantissa: i64, mut scale: u8) -> Decimal {
        while let (Some(shorter), Some(0), Some(divided)) = (
            scale.checked_sub(1),
            mantissa.checked_rem(10),
            mantissa.checked_div(10),
        ) {
            scale = shorter;
            mantissa = divided;
        }
        Decimal { mantissa, scale }
    }

    /// The value as a whole number of `10^-scale` units, where `scale >= self.scale`.
    fn widened_to(self, scale: u8) -> i128 {
        // |mantissa| < 2^63 and the factor is at most 10^18 < 2^60, so the product stays
        // below 2^123 and neither saturating operation ever saturates.
        let factor = 10i128.saturating_pow(u32::from(scale.saturating_sub(self.scale)));
        i128::from(self.mantissa).saturating_mul(factor)
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.widened_to(scale).cmp(&other.widened_to(scale))
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Decimal {
    /// Prints the canonical form: `12.5`, `-0.001`, `42`, `0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = usize::from(self.scale);
        // Zero-padding to one more digit than the scale leaves at least one digit before the
        // point: mantissa 1, scale 3 is "0001", printed "0.001".
        let padded = format!("{digits:0>width$}", width = scale.saturating_add(1));
        let split = padded.len().saturating_sub(scale);
        // The padded text is ASCII and `split` is within it, so the fallback is never taken.
        let (whole, fraction) = padded.split_at_checked(split).unwrap_or((&padded, ""));
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        f.write_str(whole)?;
        if !fraction.is_empty() {
            f.write_str(".")?;
            f.write_str(fraction)?;
        }
        Ok(())
    }
}

impl FromStr for Decimal {
    type Err = Error;

    fn from_str(s: &str) -> Result<Decimal> {
        Decimal::parse(s)
    }
}

impl From<i64> for Decimal {
    fn from(value: i64) -> Decimal {
        Decimal::from_i64(value)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    /// Reads decimal text or an integer. Needs a self-describing format such as JSON,
    /// because which of the two was written is only known from the data.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        struct DecimalVisitor;

        impl serde::de::Visitor<'_> for DecimalVisitor {
            type Value = Decimal;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number as a string such as \"12.5\", or an integer")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
                Decimal::parse(v).map_err(crate::values::error::serde_reason)
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal::from_i64(v))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
                i64::try_from(v)
                    .map(Decimal::from_i64)
                    .map_err(|_| crate::values::error::serde_reason(too_many_digits()))
            }

            fn visit_f64<E: serde::de::Error>(self, _v: f64) -> Result<Decimal, E> {
                // The float has already been rounded to binary by the parser, so taking it
                // would store a number the sender never wrote.
                Err(E::custom(
                    "a decimal must be a string such as \"12.5\" or an integer, not a \
                     floating-point number, which may have lost precision",
                ))
            }
        }

        deserializer.deserialize_any(DecimalVisitor)
    }
}

impl<C> minicbor::Encode<C> for Decimal {
    fn encode<W: minicbor::encode::Write>(
        &self,
        e: &mut minicbor::Encoder<W>,
        _ctx: &mut C,
    ) -> Result<(), minicbor::encode::Error<W::Error>> {
        e.array(2)?.i64(self.mantissa)?.u8(self.scale)?;
        Ok(())
    }
}

impl<'b, C> minicbor::Decode<'b, C> for Decimal {
    fn decode(
        d: &mut minicbor::Decoder<'b>,
        _ctx: &mut C,
    ) -> Result<Decimal, minicbor::decode::Error> {
        let start = d.position();
        if d.array()? != Some(2) {
            return Err(minicbor::decode::Error::message(
                "expected a decimal as a 2-element array",
            )
            .at(start));
        }
        let mantissa = d.i64()?;
        let scale_at = d.position();
        let scale = d.u8()?;
        // `new` checks the scale and makes the value canonical, so a non-canonical encoding
        // such as [150, 2] still decodes to the same value as [15, 1].
        Decimal::new(mantissa, scale)
            .map_err(|err| minicbor::decode::Error::custom(err).at(scale_at))
    }
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
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};

    fn dec(mantissa: i64, scale: u8) -> Decimal {
        match Decimal::new(mantissa, scale) {
            Ok(d) => d,
            Err(err) => panic!("{mantissa}e-{scale}: {err}"),
        }
    }

    fn hash_of(d: Decimal) -> u64 {
        let mut hasher = DefaultHasher::new();
        d.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn parse_and_display_table() {
        // Input, canonical mantissa and scale, canonical text.
        let cases = [
            ("12.5", 125, 1, "12.5"),
            ("12.50", 125, 1, "12.5"),
            ("+12.5", 125, 1, "12.5"),
            ("-0.001", -1, 3, "-0.001"),
            ("42", 42, 0, "42"),
            ("420", 420, 0, "420"),
            ("007", 7, 0, "7"),
            ("0", 0, 0, "0"),
            ("-0", 0, 0, "0"),
            ("0.000", 0, 0, "0"),
            ("-0.0", 0, 0, "0"),
            ("1.000000000000000000000000", 1, 0, "1"),
            ("0.000000000000000001", 1, 18, "0.000000000000000001"),
            ("-0.000000000000000001", -1, 18, "-0.000000000000000001"),
            ("9223372036854775807", i64::MAX, 0, "9223372036854775807"),
            ("-9223372036854775808", i64::MIN, 0, "-9223372036854775808"),
            (
                "-9.223372036854775808",
                i64::MIN,
                18,
                "-9.223372036854775808",
            ),
        ];
        for (input, mantissa, scale, shown) in cases {
            assert_eq!(Decimal::parse(input), Ok(dec(mantissa, scale)), "{input}");
            let d = dec(mantissa, scale);
            assert_eq!((d.mantissa(), d.scale()), (mantissa, scale), "{input}");
            assert_eq!(d.to_string(), shown);
            assert_eq!(shown.parse::<Decimal>(), Ok(d));
        }
    }

    #[test]
    fn parse_errors_table() {
        let not_number = Error::validation("decimal", "is not a decimal number");
        let too_many_digits = Error::validation("decimal", "has too many digits");
        let too_many_places = Error::validation("decimal", "has more than 18 decimal places");
        let cases = [
            ("", &not_number),
            ("-", &not_number),
            ("+", &not_number),
            (".", &not_number),
            ("1.", &not_number),
            (".5", &not_number),
            ("-.5", &not_number),
            ("1e5", &not_number),
            ("1E-5", &not_number),
            ("1,5", &not_number),
            ("1 000", &not_number),
            ("1_000", &not_number),
            (" 1", &not_number),
            ("1 ", &not_number),
            ("0x10", &not_number),
            ("NaN", &not_number),
            ("inf", &not_number),
            ("--1", &not_number),
            ("+-1", &not_number),
            ("1.2.3", &not_number),
            ("١٢", &not_number),
            ("0.0000000000000000001", &too_many_places),
            ("1.1234567890123456789", &too_many_places),
            ("0.9223372036854775807", &too_many_places),
            ("9223372036854775808", &too_many_digits),
            ("-9223372036854775809", &too_many_digits),
            ("92233720368547758.08", &too_many_digits),
            ("99999999999999999999999999999999", &too_many_digits),
        ];
        for (input, expected) in cases {
            assert_eq!(Decimal::parse(input).as_ref(), Err(expected), "{input:?}");
        }
        let prefixed = Decimal::parse("x").map_err(|e| e.within("custom_fields.price"));
        assert_eq!(
            prefixed.err().as_ref().and_then(Error::field),
            Some("custom_fields.price.decimal")
        );
    }

    #[test]
    fn new_is_canonical_and_checks_the_scale() {
        let cases = [
            ((150, 2), (15, 1)),
            ((100, 2), (1, 0)),
            ((0, 18), (0, 0)),
            ((-2500, 3), (-25, 1)),
            ((i64::MIN, 18), (i64::MIN, 18)),
            ((7, 0), (7, 0)),
            ((70, 0), (70, 0)),
        ];
        for ((m, s), (cm, cs)) in cases {
            let d = dec(m, s);
            assert_eq!((d.mantissa(), d.scale()), (cm, cs), "{m}e-{s}");
        }
        for scale in [19, 20, u8::MAX] {
            assert_eq!(
                Decimal::new(1, scale),
                Err(Error::validation(
                    "decimal",
                    "has more than 18 decimal places"
                ))
            );
        }
        assert_eq!(Decimal::from_i64(-42), dec(-42, 0));
        assert_eq!(Decimal::from(10), dec(1000, 2));
    }

    #[test]
    fn equality_hash_and_order_are_by_value() {
        assert_eq!(dec(150, 2), dec(15, 1));
        assert_eq!(hash_of(dec(150, 2)), hash_of(dec(15, 1)));
        assert_eq!(Decimal::parse("1.50"), Decimal::parse("1.5"));
        let ascending = [
            dec(i64::MIN, 0),
            dec(-10, 0),
            dec(-15, 1),
            dec(-1, 3),
            dec(0, 0),
            dec(1, 18),
            dec(999_999_999_999_999_999, 18),
            dec(1, 0),
            dec(15, 1),
            dec(2, 0),
            dec(i64::MAX, 18),
            dec(10, 0),
            dec(i64::MAX, 0),
        ];
        for pair in ascending.windows(2) {
            if let [a, b] = pair {
                assert!(a < b, "{a} < {b}");
                assert_eq!(b.cmp(a), Ordering::Greater);
            }
        }
    }

    #[test]
    fn serde_json_table() -> std::result::Result<(), serde_json::Error> {
        let cases = [
            (dec(125, 1), r#""12.5""#),
            (dec(-1, 3), r#""-0.001""#),
            (dec(42, 0), r#""42""#),
            (dec(i64::MIN, 18), r#""-9.223372036854775808""#),
        ];
        for (d, json) in cases {
            assert_eq!(serde_json::to_string(&d)?, json);
            assert_eq!(serde_json::from_str::<Decimal>(json)?, d);
        }
        assert_eq!(serde_json::from_str::<Decimal>("42")?, dec(42, 0));
        assert_eq!(serde_json::from_str::<Decimal>("-7")?, dec(-7, 0));
        assert_eq!(serde_json::from_str::<Decimal>(r#""12.50""#)?, dec(125, 1));

        let float = serde_json::from_str::<Decimal>("12.5")
            .err()
            .map(|e| e.to_string());
        assert!(
            float
                .as_deref()
                .is_some_and(|m| m.contains("floating-point")),
            "{float:?}"
        );
        for bad in [
            r#""1e5""#,
            r#""abc""#,
            "18446744073709551615",
            "true",
            "null",
            "[1]",
        ] {
            assert!(serde_json::from_str::<Decimal>(bad).is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn minicbor_table() -> std::result::Result<(), Box<dyn std::error::Error>> {
        // A 2-element array (0x82) of mantissa 125 (0x18 0x7d) and scale 1.
        assert_eq!(minicbor::to_vec(dec(125, 1))?, b"\x82\x18\x7d\x01");
        assert_eq!(minicbor::to_vec(dec(-1, 3))?, b"\x82\x20\x03");
        for d in [
            dec(125, 1),
            dec(-1, 3),
            dec(0, 0),
            dec(i64::MIN, 18),
            dec(i64::MAX, 7),
        ] {
            let bytes = minicbor::to_vec(d)?;
            assert_eq!(minicbor::decode::<Decimal>(&bytes)?, d);
        }
        // A non-canonical encoding still decodes to the same value.
        assert_eq!(
            minicbor::decode::<Decimal>(b"\x82\x18\x96\x02")?,
            dec(15, 1)
        );
        let refused: [&[u8]; 7] = [
            b"\x82\x01\x13",         // scale 19
            b"\x82\x01\x18\xff",     // scale 255
            b"\x82\x01\x19\x01\x00", // scale 256
            b"\x83\x01\x01\x01",     // three elements
            b"\x9f\x01\x01\xff",     // indefinite array
            b"\x82\x01",             // truncated
            b"\x63abc",              // not an array
        ];
        for bytes in refused {
            assert!(minicbor::decode::<Decimal>(bytes).is_err(), "{bytes:?}");
        }
        Ok(())
    }

    fn any_decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0..=Decimal::MAX_SCALE).prop_map(|(m, s)| dec(m, s))
    }

    /// The exact comparison of `a = ma / 10^sa` and `b = mb / 10^sb` by cross-multiplying,
    /// independent of how `Ord` for `Decimal` scales its operands.
    fn exact_cmp(a: Decimal, b: Decimal) -> Ordering {
        let pow = |s: u8| 10i128.pow(u32::from(s));
        let left = i128::from(a.mantissa()) * pow(b.scale());
        let right = i128::from(b.mantissa()) * pow(a.scale());
        left.cmp(&right)
    }

    proptest! {
        #[test]
        fn parse_reads_back_display(d in any_decimal()) {
            prop_assert_eq!(Decimal::parse(&d.to_string()), Ok(d));
        }

        #[test]
        fn order_matches_exact_fractions(a in any_decimal(), b in any_decimal()) {
            prop_assert_eq!(a.cmp(&b), exact_cmp(a, b));
            prop_assert_eq!(a == b, exact_cmp(a, b) == Ordering::Equal);
            if a == b {
                prop_assert_eq!(hash_of(a), hash_of(b));
            }
        }

        #[test]
        fn rescaled_values_are_equal(m in -1_000_000_000i64..1_000_000_000, s in 0u8..=9, extra in 0u8..=9) {
            let widened = m * 10i64.pow(u32::from(extra));
            prop_assert_eq!(dec(widened, s + extra), dec(m, s));
        }

        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = Decimal::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_number_like_text(s in "[-+]?[0-9.eE+-]{0,45}") {
            if let Ok(d) = Decimal::parse(&s) {
                prop_assert_eq!(Decimal::parse(&d.to_string()), Ok(d));
            }
        }

        #[test]
        fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = minicbor::decode::<Decimal>(&bytes);
            let mut array = vec![0x82];
            array.extend_from_slice(&bytes);
            if let Ok(d) = minicbor::decode::<Decimal>(&array) {
                prop_assert!(d.scale() <= Decimal::MAX_SCALE);
            }
        }

        #[test]
        fn encodings_round_trip(d in any_decimal()) {
            let json = serde_json::to_string(&d).unwrap_or_default();
            prop_assert_eq!(serde_json::from_str::<Decimal>(&json).ok(), Some(d));
            let cbor = minicbor::to_vec(d).unwrap_or_default();
            prop_assert_eq!(minicbor::decode::<Decimal>(&cbor).ok(), Some(d));
        }
    }
}
