//! Checks shared by the record kinds: free text, owners, tags, addresses, dates and instants.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::values::error::{Error, Result};
use crate::{values::normalize, values::text};

/// The first year of the dates and instants the library accepts.
///
/// Every calendar date and instant a caller passes (a birthday, a deal's expected close, an
/// activity's times, a quote's validity, an exchange rate's day, a custom date, a query's
/// range…) must fall in the years 1000 through 9999 inclusive, instants in UTC: four-digit
/// years, which iCalendar, ISO 8601 and JavaScript's `Date` all represent, so a value written
/// from any runtime reads back and exports the same everywhere. Others are refused with
/// [`Error::Validation`] naming the field.
pub(crate) const MIN_YEAR: i32 = 1000;
/// The last year of the dates and instants the library accepts (see [`MIN_YEAR`]).
pub(crate) const MAX_YEAR: i32 = 9999;

/// Why a date or instant outside the years the library accepts is refused.
pub(crate) const OUT_OF_RANGE: &str = "must be in the years 1000 through 9999";

/// Whether a calendar date is in the years [`MIN_YEAR`] through [`MAX_YEAR`].
pub(crate) fn in_range(d: NaiveDate) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&d.year())
}

/// Refuses a calendar date outside the years [`MIN_YEAR`] through [`MAX_YEAR`].
pub(crate) fn date(field: &str, d: NaiveDate) -> Result<NaiveDate> {
    if in_range(d) {
        Ok(d)
    } else {
        Err(Error::validation(field, OUT_OF_RANGE))
    }
}

/// Refuses an instant outside the years [`MIN_YEAR`] through [`MAX_YEAR`] (in UTC).
pub(crate) fn instant(field: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
    date(field, t.date_naive()).map(|_| t)
}

/// [`date`] for an optional date.
pub(crate) fn opt_date(field: &str, d: Option<NaiveDate>) -> Result<Option<NaiveDate>> {
    d.map(|d| date(field, d)).transpose()
}

/// [`instant`] for an optional instant.
pub(crate) fn opt_instant(field: &str, t: Option<DateTime<Utc>>) -> Result<Option<DateTime<Utc>>> {
    t.map(|t| instant(field, t)).transpose()
}

/// Longest single-line text field (names, titles, sources), in characters.
pub(crate) const MAX_LINE_CHARS: usize = 200;
/// Longest tag, in characters.
pub(crate) const MAX_TAG_CHARS: usize = 64;
/// Most tags on one record.
pub(crate) const MAX_TAGS: usize = 100;

/// Cleans an optional single-line text: blank becomes `None`, too long is refused.
pub(crate) fn line(field: &str, value: Option<&str>) -> Result<Option<String>> {
    line_named(|| field.to_string(), value)
}

/// [`line`] for a field whose name is built (`phones[3].label`): only when it is refused,
/// so that valid input, the import's case, formats no names.
pub(crate) fn line_named(
    field: impl FnOnce() -> String,
    value: Option<&str>,
) -> Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let clean = text::clean(value);
    if clean.is_empty() {
        return Ok(None);
    }
    if clean.chars().count() > MAX_LINE_CHARS {
        return Err(Error::validation(field(), "is longer than 200 characters"));
    }
    Ok(Some(clean))
}

/// Longest multi-line text (an activity's body), in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 100_000;

/// Cleans an optional multi-line text: blank becomes `None`, longer than
/// [`MAX_TEXT_CHARS`] is refused.
pub(crate) fn text(field: &str, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let clean = text::clean_multiline(value);
    if clean.trim().is_empty() {
        return Ok(None);
    }
    if clean.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::validation(
            field,
            "is longer than 100,000 characters",
        ));
    }
    Ok(Some(clean))
}

/// Cleans the tags of a record: blank tags are refused, duplicates (ignoring case and
/// diacritics) keep their first spelling.
pub(crate) fn tags(field: &str, tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    let mut folded: Vec<String> = Vec::with_capacity(tags.len());
    for (i, tag) in tags.iter().enumerate() {
        let clean = text::clean(tag);
        if clean.is_empty() || clean.chars().count() > MAX_TAG_CHARS {
            return Err(Error::validation(
                format!("{field}[{i}]"),
                "must be 1 to 64 characters",
            ));
        }
        let key = text::fold(&clean);
        if !folded.contains(&key) {
            folded.push(key);
            out.push(clean);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Error::validation(field, "holds more than 100 tags"));
    }
    Ok(out)
}

/// Adds and removes tags (compared without case or diacritics), keeping existing spellings.
pub(crate) fn retag(current: &[String], add: &[String], remove: &[String]) -> Result<Vec<String>> {
    let remove: Vec<String> = tags("remove", remove)?
        .iter()
        .map(|t| text::fold(t))
        .collect();
    let add = tags("add", add)?;
    let merged: Vec<String> = current
        .iter()
        .chain(add.iter())
        .filter(|t| !remove.contains(&text::fold(t)))
        .cloned()
        .collect();
    tags("tags", &merged)
}

/// A postal address. Every part is optional but an address must have at least one.
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Address {
    /// What the address is for, such as `work`, `home`, `billing`.
    #[n(0)]
    pub label: Option<String>,
    /// Street, number, flat: one or more lines.
    #[n(1)]
    pub street: Option<String>,
    /// City or locality.
    #[n(2)]
    pub city: Option<String>,
    /// Region, voivodeship, county, département.
    #[n(3)]
    pub region: Option<String>,
    /// Postal code as written locally.
    #[n(4)]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code, such as `PL`, `RO`, `FR`.
    #[n(5)]
    pub country: Option<String>,
}

/// Checks and cleans a list of addresses.
pub(crate) fn addresses(field: &str, list: &[Address]) -> Result<Vec<Address>> {
    if list.len() > 20 {
        return Err(Error::validation(field, "holds more than 20 addresses"));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        let at = |part: &str| format!("{field}[{i}].{part}");
        let street = match a.street.as_deref().map(text::clean_multiline) {
            Some(s) if s.chars().count() > 500 => {
                return Err(Error::validation(
                    at("street"),
                    "is longer than 500 characters",
                ));
            }
            Some(s) if !s.is_empty() => Some(s),
            _ => None,
        };
        let country = match a
            .country
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(c) => Some(
                normalize::country_code(c)
                    .map_err(|reason| Error::validation(at("country"), reason))?,
            ),
            None => None,
        };
        let clean = Address {
            label: line_named(|| at("label"), a.label.as_deref())?,
            street,
            city: line_named(|| at("city"), a.city.as_deref())?,
            region: line_named(|| at("region"), a.region.as_deref())?,
            postal_code: line_named(|| at("postal_code"), a.postal_code.as_deref())?,
            country,
        };
        let Address {
            label: _,
            street,
            city,
            region,
            postal_code,
            country,
        } = &clean;
        if [street, city, region, postal_code, country]
            .iter()
            .all(|p| p.is_none())
        {
            return Err(Error::validation(format!("{field}[{i}]"), "is empty"));
        }
        out.push(clean);
    }
    Ok(out)
}

/// Checks an owner reference: the id of a user of the host application.
pub(crate) fn owner(field: &str, owner: Option<&str>) -> Result<Option<String>> {
    let Some(owner) = owner.map(str::trim).filter(|o| !o.is_empty()) else {
        return Ok(None);
    };
    if owner.len() > 128 || owner.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            "must be at most 128 bytes without control characters",
        ));
    }
    Ok(Some(owner.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_instants_have_four_digit_years() {
        let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        assert!(date("d", day(1000)).is_ok());
        assert!(date("d", NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()).is_ok());
        assert_eq!(date("d", day(999)).unwrap_err().field(), Some("d"));
        assert_eq!(date("d", day(10000)).unwrap_err().field(), Some("d"));
        assert_eq!(date("d", day(-5000)).unwrap_err().field(), Some("d"));
        let at = |y, h| day(y).and_hms_opt(h, 0, 0).unwrap().and_utc();
        assert!(instant("t", at(1000, 0)).is_ok());
        assert!(instant("t", DateTime::<Utc>::MIN_UTC).is_err());
        assert!(instant("t", DateTime::<Utc>::MAX_UTC).is_err());
        let last = NaiveDate::from_ymd_opt(9999, 12, 31)
            .unwrap()
            .and_hms_micro_opt(23, 59, 59, 999_999)
            .unwrap()
            .and_utc();
        assert!(instant("t", last).is_ok());
        assert!(instant("t", last + chrono::Duration::microseconds(1)).is_err());
        assert!(instant("t", at(1000, 0) - chrono::Duration::microseconds(1)).is_err());
        assert_eq!(opt_date("d", None), Ok(None));
    }

    #[test]
    fn tags_dedupe_without_case_or_diacritics() {
        let t = tags(
            "tags",
            &["VIP".into(), " vip ".into(), "Łódź".into(), "lodz".into()],
        )
        .unwrap();
        assert_eq!(t, vec!["VIP".to_string(), "Łódź".to_string()]);
        assert_eq!(
            tags("tags", &["ok".into(), " ".into()])
                .unwrap_err()
                .field(),
            Some("tags[1]")
        );
        let r = retag(&t, &["nowy".into()], &["vip".into()]).unwrap();
        assert_eq!(r, vec!["Łódź".to_string(), "nowy".to_string()]);
    }

    #[test]
    fn addresses_need_a_part_and_a_real_country() {
        let ok = addresses(
            "addresses",
            &[Address {
                city: Some(" Łódź ".into()),
                country: Some("pl".into()),
                ..Address::default()
            }],
        )
        .unwrap();
        assert_eq!(ok[0].city.as_deref(), Some("Łódź"));
        assert_eq!(ok[0].country.as_deref(), Some("PL"));
        let e = addresses(
            "addresses",
            &[Address {
                label: Some("home".into()),
                ..Address::default()
            }],
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("addresses[0]"));
        let e = addresses(
            "addresses",
            &[Address {
                country: Some("UK".into()),
                ..Address::default()
            }],
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("addresses[0].country"));
    }
}
