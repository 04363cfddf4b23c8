//! Custom fields: typed definitions per record kind, and the values records hold for them.
//!
//! Values are validated on every write against the definitions. Changing or adding a
//! definition checks every existing value first: values that convert to the new kind are
//! migrated (an integer field becoming decimal, a single select becoming multi select, a
//! required field with a default filling the records that lack it); if any value would become
//! invalid the change is refused with a [`Error::Conflict`] naming the first record in the way,
//! and nothing is written.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use crate::records::codec;
use crate::records::record::{self, Entity};
use crate::records::tables;
use crate::storage::store::{Flow, Reader, Writer};
use crate::values::decimal::Decimal;
use crate::values::error::{Error, Result};
use crate::values::id::RecordKind;
use crate::values::input;
use crate::values::money::{Currency, Money};
use crate::values::normalize;
use crate::values::text;

/// The type of a custom field.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum FieldKind {
    /// One line of text (up to 1,000 characters). Value: [`FieldValue::Text`].
    #[n(0)]
    Text,
    /// Several lines of text (up to 64 KiB). Value: [`FieldValue::Text`].
    #[n(1)]
    LongText,
    /// A whole number. Value: [`FieldValue::Integer`].
    #[n(2)]
    Integer,
    /// An exact decimal number. Value: [`FieldValue::Decimal`] (an integer is accepted).
    #[n(3)]
    Decimal,
    /// Yes or no. Value: [`FieldValue::Boolean`].
    #[n(4)]
    Boolean,
    /// A calendar date, in the years 1000 through 9999. Value: [`FieldValue::Date`].
    #[n(5)]
    Date,
    /// An instant, kept to the microsecond, in the years 1000 through 9999 (UTC). Value:
    /// [`FieldValue::DateTime`].
    #[n(6)]
    DateTime,
    /// One of a list of options. Value: [`FieldValue::Text`] equal to an option (compared
    /// without case or diacritics; the option's spelling is stored).
    #[n(7)]
    SingleSelect {
        /// The allowed options, in display order.
        #[n(0)]
        options: Vec<String>,
    },
    /// Any number of a list of options. Value: [`FieldValue::List`].
    #[n(8)]
    MultiSelect {
        /// The allowed options, in display order.
        #[n(0)]
        options: Vec<String>,
    },
    /// An amount of money, in one currency if given. Value: [`FieldValue::Money`].
    #[n(9)]
    Money {
        /// The currency every value must have, if the field fixes one.
        #[n(0)]
        currency: Option<Currency>,
    },
    /// An http or https address. Value: [`FieldValue::Text`].
    #[n(10)]
    Url,
    /// An email address. Value: [`FieldValue::Text`].
    #[n(11)]
    Email,
    /// A phone number. Value: [`FieldValue::Text`].
    #[n(12)]
    Phone,
    /// A rating from 1 to `max`. Value: [`FieldValue::Integer`].
    #[n(13)]
    Rating {
        /// The highest rating, from 1 to 10.
        #[n(0)]
        max: u8,
    },
}

/// The value of a custom field. Its shape must fit the field's [`FieldKind`].
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum FieldValue {
    /// Text, select option, url, email or phone.
    #[n(0)]
    Text(#[n(0)] String),
    /// Integer or rating.
    #[n(1)]
    Integer(#[n(0)] i64),
    /// Exact decimal.
    #[n(2)]
    Decimal(#[n(0)] Decimal),
    /// Yes or no.
    #[n(3)]
    Boolean(#[n(0)] bool),
    /// A calendar date.
    #[n(4)]
    Date(
        #[n(0)]
        #[cbor(with = "codec::date")]
        NaiveDate,
    ),
    /// An instant (kept to the microsecond).
    #[serde(rename = "datetime")]
    #[n(5)]
    DateTime(
        #[n(0)]
        #[cbor(with = "codec::instant")]
        DateTime<Utc>,
    ),
    /// The options chosen in a multi select.
    #[n(6)]
    List(#[n(0)] Vec<String>),
    /// An amount of money.
    #[n(7)]
    Money(#[n(0)] Money),
}

impl From<&str> for FieldValue {
    fn from(s: &str) -> Self {
        FieldValue::Text(s.to_string())
    }
}
impl From<String> for FieldValue {
    fn from(s: String) -> Self {
        FieldValue::Text(s)
    }
}
impl From<i64> for FieldValue {
    fn from(n: i64) -> Self {
        FieldValue::Integer(n)
    }
}
impl From<bool> for FieldValue {
    fn from(b: bool) -> Self {
        FieldValue::Boolean(b)
    }
}
impl From<NaiveDate> for FieldValue {
    fn from(d: NaiveDate) -> Self {
        FieldValue::Date(d)
    }
}
impl From<DateTime<Utc>> for FieldValue {
    fn from(t: DateTime<Utc>) -> Self {
        FieldValue::DateTime(t)
    }
}
impl From<Money> for FieldValue {
    fn from(m: Money) -> Self {
        FieldValue::Money(m)
    }
}
impl From<Decimal> for FieldValue {
    fn from(d: Decimal) -> Self {
        FieldValue::Decimal(d)
    }
}

impl FieldValue {
    /// The text of a text value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Orders two values of the same shape; `None` for values that do not compare (different
    /// shapes, or money in different currencies).
    pub fn compare(&self, other: &FieldValue) -> Option<Ordering> {
        use FieldValue as V;
        match (self, other) {
            (V::Text(a), V::Text(b)) => Some(text::fold(a).cmp(&text::fold(b))),
            (V::Integer(a), V::Integer(b)) => Some(a.cmp(b)),
            (V::Decimal(a), V::Decimal(b)) => Some(a.cmp(b)),
            (V::Integer(a), V::Decimal(b)) => Some(Decimal::from_i64(*a).cmp(b)),
            (V::Decimal(a), V::Integer(b)) => Some(a.cmp(&Decimal::from_i64(*b))),
            (V::Boolean(a), V::Boolean(b)) => Some(a.cmp(b)),
            (V::Date(a), V::Date(b)) => Some(a.cmp(b)),
            (V::DateTime(a), V::DateTime(b)) => Some(a.cmp(b)),
            (V::Money(a), V::Money(b)) if a.currency() == b.currency() => {
                Some(a.amount_minor().cmp(&b.amount_minor()))
            }
            _ => None,
        }
    }
}

/// The definition of a custom field of one record kind.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The kind of record the field belongs to.
    #[n(0)]
    pub record_kind: RecordKind,
    /// The key values are stored under: 1–64 lowercase ASCII letters, digits or underscores,
    /// starting with a letter. Fixed once defined.
    #[n(1)]
    pub key: String,
    /// The name shown to users.
    #[n(2)]
    pub label: String,
    /// The type of the values.
    #[n(3)]
    pub kind: FieldKind,
    /// Whether every record must have a value.
    #[serde(default)]
    #[n(4)]
    #[cbor(default)]
    pub required: bool,
    /// The value given to records that do not set one, when the field is required.
    #[serde(default)]
    #[n(5)]
    pub default: Option<FieldValue>,
    /// A longer explanation shown to users.
    #[serde(default)]
    #[n(6)]
    pub description: Option<String>,
}

impl FieldDef {
    /// A new optional field definition without a default.
    pub fn new(record_kind: RecordKind, key: &str, label: &str, kind: FieldKind) -> FieldDef {
        FieldDef {
            record_kind,
            key: key.to_string(),
            label: label.to_string(),
            kind,
            required: false,
            default: None,
            description: None,
        }
    }

    /// Makes the field required, with an optional default for records that lack a value.
    pub fn required(mut self, default: Option<FieldValue>) -> FieldDef {
        self.required = true;
        self.default = default;
        self
    }
}

const MAX_TEXT_CHARS: usize = 1_000;
const MAX_LONG_TEXT_BYTES: usize = 64 * 1024;
const MAX_LABEL_CHARS: usize = 100;
const MAX_OPTIONS: usize = 500;

fn def_key(kind: RecordKind, key: &str) -> Vec<u8> {
    let mut k = vec![kind.code()];
    k.extend_from_slice(key.as_bytes());
    k
}

/// The field path of a custom value in errors: `custom_fields.<key>`.
pub(crate) fn value_field(key: &str) -> String {
    format!("custom_fields.{key}")
}

/// The definitions of one record kind, by key (kept by a write transaction between its
/// writes of them: [`Reader::kept`]; every create and edit of a record reads its kind's).
pub(crate) fn defs(r: &mut impl Reader, kind: RecordKind) -> Result<Arc<[FieldDef]>> {
    let kept = r.kept(tables::FIELD_DEFS, kind.code());
    if let Some(defs) = kept
        .as_ref()
        .and_then(|k| k.downcast_ref::<Arc<[FieldDef]>>())
    {
        return Ok(Arc::clone(defs));
    }
    let mut out = Vec::new();
    r.scan_prefix(tables::FIELD_DEFS, &[kind.code()], false, |k, bytes| {
        out.push(codec::decode::<FieldDef>(
            "custom field definition",
            k,
            bytes,
        )?);
        Ok(Flow::Continue(()))
    })?;
    let defs: Arc<[FieldDef]> = out.into();
    r.keep(tables::FIELD_DEFS, kind.code(), Arc::new(Arc::clone(&defs)));
    Ok(defs)
}

/// One definition, if it exists.
pub(crate) fn find_def(
    r: &mut impl Reader,
    kind: RecordKind,
    key: &str,
) -> Result<Option<FieldDef>> {
    let key = def_key(kind, key);
    r.get(tables::FIELD_DEFS, &key, |bytes| {
        codec::decode::<FieldDef>("custom field definition", &key, bytes)
    })
}

fn check_key(key: &str) -> Result<()> {
    let ok = (1..=64).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::validation(
            "key",
            "must be 1 to 64 lowercase letters, digits or underscores, starting with a letter",
        ))
    }
}

fn check_options(options: &[String]) -> Result<Vec<String>> {
    if options.is_empty() || options.len() > MAX_OPTIONS {
        return Err(Error::validation(
            "kind.options",
            "must list 1 to 500 options",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(options.len());
    for (i, option) in options.iter().enumerate() {
        let field = || format!("kind.options[{i}]");
        let clean = text::clean(option);
        if clean.is_empty() || clean.chars().count() > MAX_LABEL_CHARS {
            return Err(Error::validation(field(), "must be 1 to 100 characters"));
        }
        if !seen.insert(text::fold(&clean)) {
            return Err(Error::validation(field(), "repeats another option"));
        }
        out.push(clean);
    }
    Ok(out)
}

/// Validates and normalizes a definition.
pub(crate) fn check_def(def: &FieldDef) -> Result<FieldDef> {
    check_key(&def.key)?;
    let label = text::clean(&def.label);
    if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        return Err(Error::validation("label", "must be 1 to 100 characters"));
    }
    let kind = match &def.kind {
        FieldKind::SingleSelect { options } => FieldKind::SingleSelect {
            options: check_options(options)?,
        },
        FieldKind::MultiSelect { options } => FieldKind::MultiSelect {
            options: check_options(options)?,
        },
        FieldKind::Rating { max } if !(1..=10).contains(max) => {
            return Err(Error::validation("kind.max", "must be from 1 to 10"));
        }
        other => other.clone(),
    };
    let default = match &def.default {
        Some(v) => Some(
            check_value(&kind, v.clone()).map_err(|reason| Error::validation("default", reason))?,
        ),
        None => None,
    };
    let description = def
        .description
        .as_deref()
        .map(text::clean_multiline)
        .filter(|d| !d.is_empty());
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_TEXT_CHARS)
    {
        return Err(Error::validation(
            "description",
            "is longer than 1,000 characters",
        ));
    }
    Ok(FieldDef {
        record_kind: def.record_kind,
        key: def.key.clone(),
        label,
        kind,
        required: def.required,
        default,
        description,
    })
}

fn pick_option(options: &[String], value: &str) -> Option<String> {
    let wanted = text::fold(value);
    options.iter().find(|o| text::fold(o) == wanted).cloned()
}

/// The largest integer every runtime holds exactly: JavaScript numbers are doubles.
pub const MAX_EXACT_INTEGER: i64 = (1 << 53) - 1;

/// Refuses integers (and amounts in minor units) that JavaScript could not hold exactly, so
/// that a value written from any runtime reads back the same in every other.
fn within_exact_range(n: i64) -> std::result::Result<i64, &'static str> {
    if n.unsigned_abs() <= MAX_EXACT_INTEGER as u64 {
        Ok(n)
    } else {
        Err("is beyond ±9,007,199,254,740,991, the largest integer every runtime holds exactly")
    }
}

/// Validates a value against a field kind and returns its stored form, or the reason it is
/// refused.
pub(crate) fn check_value(
    kind: &FieldKind,
    value: FieldValue,
) -> std::result::Result<FieldValue, &'static str> {
    use FieldValue as V;
    match (kind, value) {
        (FieldKind::Text, V::Text(s)) => {
            let s = text::clean(&s);
            match s.chars().count() {
                0 => Err("is empty"),
                n if n > MAX_TEXT_CHARS => Err("is longer than 1,000 characters"),
                _ => Ok(V::Text(s)),
            }
        }
        (FieldKind::LongText, V::Text(s)) => {
            let s = text::clean_multiline(&s);
            match s.len() {
                0 => Err("is empty"),
                n if n > MAX_LONG_TEXT_BYTES => Err("is longer than 64 KiB"),
                _ => Ok(V::Text(s)),
            }
        }
        (FieldKind::Integer, V::Integer(n)) => within_exact_range(n).map(V::Integer),
        (FieldKind::Decimal, V::Decimal(d)) => Ok(V::Decimal(d)),
        (FieldKind::Decimal, V::Integer(n)) => {
            within_exact_range(n).map(|n| V::Decimal(Decimal::from_i64(n)))
        }
        (FieldKind::Boolean, V::Boolean(b)) => Ok(V::Boolean(b)),
        (FieldKind::Date, V::Date(d)) if !input::in_range(d) => Err(input::OUT_OF_RANGE),
        (FieldKind::DateTime, V::DateTime(t)) if !input::in_range(t.date_naive()) => {
            Err(input::OUT_OF_RANGE)
        }
        (FieldKind::Date, V::Date(d)) => Ok(V::Date(d)),
        (FieldKind::DateTime, V::DateTime(t)) => Ok(V::DateTime(t.trunc_subsecs(6))),
        (FieldKind::SingleSelect { options }, V::Text(s)) => pick_option(options, &s)
            .map(V::Text)
            .ok_or("is not one of the field's options"),
        (FieldKind::MultiSelect { options }, V::List(items)) => {
            let mut chosen: Vec<String> = Vec::with_capacity(items.len());
            for item in &items {
                let option = pick_option(options, item)
                    .ok_or("holds a value that is not one of the field's options")?;
                if !chosen.contains(&option) {
                    chosen.push(option);
                }
            }
            Ok(V::List(chosen))
        }
        (FieldKind::Money { currency }, V::Money(m)) => match currency {
            Some(c) if *c != m.currency() => Err("is not in the field's currency"),
            _ => within_exact_range(m.amount_minor()).map(|_| V::Money(m)),
        },
        (FieldKind::Url, V::Text(s)) => normalize::url(&s).map(V::Text),
        (FieldKind::Email, V::Text(s)) => normalize::email(&s).map(V::Text),
        (FieldKind::Phone, V::Text(s)) => {
            let s = text::clean(&s);
            if s.chars().count() > 64 || normalize::phone_key(&s, None).is_none() {
                Err("is not a phone number")
            } else {
                Ok(V::Text(s))
            }
        }
        (FieldKind::Rating { max }, V::Integer(n)) => {
            if n >= 1 && n <= i64::from(*max) {
                Ok(V::Integer(n))
            } else {
                Err("is outside the field's rating scale")
            }
        }
        (kind, _) => Err(shape_reason(kind)),
    }
}

fn shape_reason(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Text
        | FieldKind::LongText
        | FieldKind::Url
        | FieldKind::Email
        | FieldKind::Phone => "must be a text value",
        FieldKind::SingleSelect { .. } => "must be a text value naming one option",
        FieldKind::MultiSelect { .. } => "must be a list of options",
        FieldKind::Integer | FieldKind::Rating { .. } => "must be an integer value",
        FieldKind::Decimal => "must be a decimal value",
        FieldKind::Boolean => "must be a boolean value",
        FieldKind::Date => "must be a date value",
        FieldKind::DateTime => "must be a datetime value",
        FieldKind::Money { .. } => "must be a money value",
    }
}

/// Converts a stored value to a new field kind, when that can be done without losing meaning.
fn convert(value: &FieldValue, to: &FieldKind) -> Option<FieldValue> {
    let candidate = match (value, to) {
        (FieldValue::Text(s), FieldKind::MultiSelect { .. }) => FieldValue::List(vec![s.clone()]),
        (FieldValue::List(items), k)
            if !matches!(k, FieldKind::MultiSelect { .. }) && items.len() == 1 =>
        {
            FieldValue::Text(items[0].clone())
        }
        (v, _) => v.clone(),
    };
    check_value(to, candidate).ok()
}

/// Validates the custom values of a record against the definitions of its kind: unknown keys
/// and invalid values are refused, missing required values take the default or are refused.
pub(crate) fn check_values(
    defs: &[FieldDef],
    values: &BTreeMap<String, FieldValue>,
) -> Result<BTreeMap<String, FieldValue>> {
    let mut out = BTreeMap::new();
    for (key, value) in values {
        let def = defs
            .iter()
            .find(|d| &d.key == key)
            .ok_or_else(|| Error::validation(value_field(key), "is not a defined custom field"))?;
        let value = check_value(&def.kind, value.clone())
            .map_err(|reason| Error::validation(value_field(key), reason))?;
        out.insert(key.clone(), value);
    }
    for def in defs.iter().filter(|d| d.required) {
        if out.contains_key(&def.key) {
            continue;
        }
        match &def.default {
            Some(v) => {
                out.insert(def.key.clone(), v.clone());
            }
            None => return Err(Error::validation(value_field(&def.key), "is required")),
        }
    }
    Ok(out)
}

/// How the values of existing records change under a new or changed definition.
fn migrate<R: Entity>(
    w: &mut impl Writer,
    key: &str,
    plan: impl Fn(Option<&FieldValue>) -> Step,
) -> Result<()> {
    let mut changes: Vec<(R, R)> = Vec::new();
    let mut refusal = None;
    record::for_each::<R>(w, |rec| {
        match plan(rec.custom_fields().get(key)) {
            Step::Keep => {}
            Step::Set(value) => {
                let mut new = rec.clone();
                match value {
                    Some(v) => new.custom_fields_mut().insert(key.to_string(), v),
                    None => new.custom_fields_mut().remove(key),
                };
                changes.push((rec, new));
            }
            Step::Refuse(field, reason) => {
                refusal = Some(Error::Conflict {
                    field: field.into(),
                    existing: crate::values::id::RecordRef::from_parts(R::KIND, rec.raw_id())
                        .to_string(),
                    reason: reason.into(),
                });
                return Ok(Flow::Break(()));
            }
        }
        Ok(Flow::Continue(()))
    })?;
    if let Some(e) = refusal {
        return Err(e);
    }
    for (old, new) in &changes {
        record::save(w, Some(old), new)?;
    }
    Ok(())
}

enum Step {
    Keep,
    Set(Option<FieldValue>),
    Refuse(&'static str, &'static str),
}

/// Defines a new custom field; existing records of its kind are checked (and given the
/// default when the field is required).
pub(crate) fn define<R: Entity>(w: &mut impl Writer, def: &FieldDef) -> Result<FieldDef> {
    let def = check_def(def)?;
    if find_def(w, def.record_kind, &def.key)?.is_some() {
        return Err(Error::Conflict {
            field: "key".into(),
            existing: def.key.clone(),
            reason: "a custom field with this key already exists".into(),
        });
    }
    if def.required {
        migrate::<R>(w, &def.key, |current| match (current, &def.default) {
            (Some(_), _) => Step::Keep,
            (None, Some(d)) => Step::Set(Some(d.clone())),
            (None, None) => Step::Refuse(
                "required",
                "existing records have no value and the field has no default",
            ),
        })?;
    }
    let key = def_key(def.record_kind, &def.key);
    w.put(tables::FIELD_DEFS, &key, &codec::encode(&key, &def))?;
    Ok(def)
}

/// Replaces a definition, migrating existing values or refusing the change.
pub(crate) fn update<R: Entity>(w: &mut impl Writer, def: &FieldDef) -> Result<FieldDef> {
    let def = check_def(def)?;
    let old = find_def(w, def.record_kind, &def.key)?
        .ok_or_else(|| Error::not_found("custom field", &def.key))?;
    // Only a new kind (or options, or scale) or a field becoming required can invalidate
    // stored values; a new label or description cannot.
    if old.kind != def.kind || (def.required && !old.required) {
        migrate::<R>(w, &def.key, |current| match current {
            Some(v) => match convert(v, &def.kind) {
                Some(new) if &new == v => Step::Keep,
                Some(new) => Step::Set(Some(new)),
                None => Step::Refuse("kind", "an existing value does not fit the new definition"),
            },
            None if def.required => match &def.default {
                Some(d) => Step::Set(Some(d.clone())),
                None => Step::Refuse(
                    "required",
                    "existing records have no value and the field has no default",
                ),
            },
            None => Step::Keep,
        })?;
    }
    let key = def_key(def.record_kind, &def.key);
    w.put(tables::FIELD_DEFS, &key, &codec::encode(&key, &def))?;
    Ok(def)
}

/// Deletes a definition and the values records hold for it.
pub(crate) fn delete<R: Entity>(w: &mut impl Writer, key: &str) -> Result<()> {
    if find_def(w, R::KIND, key)?.is_none() {
        return Err(Error::not_found("custom field", key));
    }
    migrate::<R>(w, key, |current| match current {
        Some(_) => Step::Set(None),
        None => Step::Keep,
    })?;
    w.remove(tables::FIELD_DEFS, &def_key(R::KIND, key))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_against_their_kind() {
        let select = FieldKind::SingleSelect {
            options: vec!["Złoty".into(), "Srebrny".into()],
        };
        assert_eq!(check_value(&select, "zloty".into()), Ok("Złoty".into()));
        assert!(check_value(&select, "Brązowy".into()).is_err());
        assert!(check_value(&FieldKind::Rating { max: 5 }, 6.into()).is_err());
        assert_eq!(
            check_value(&FieldKind::Rating { max: 5 }, 5.into()),
            Ok(5.into())
        );
        assert_eq!(
            check_value(&FieldKind::Integer, "5".into()),
            Err("must be an integer value")
        );
        assert_eq!(
            check_value(&FieldKind::Decimal, 5.into()),
            Ok(FieldValue::Decimal(Decimal::from_i64(5)))
        );
        let multi = FieldKind::MultiSelect {
            options: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            check_value(
                &multi,
                FieldValue::List(vec!["B".into(), "a".into(), "b".into()])
            ),
            Ok(FieldValue::List(vec!["b".into(), "a".into()]))
        );
        let pln = FieldKind::Money {
            currency: Some(Currency::PLN),
        };
        assert!(check_value(&pln, Money::new(100, Currency::EUR).into()).is_err());
        assert!(check_value(&FieldKind::Url, "ftp://x.pl".into()).is_err());
        assert!(check_value(&FieldKind::Text, "  ".into()).is_err());
        assert_eq!(
            check_value(&FieldKind::Integer, MAX_EXACT_INTEGER.into()),
            Ok(MAX_EXACT_INTEGER.into())
        );
        assert!(check_value(&FieldKind::Integer, (-MAX_EXACT_INTEGER - 1).into()).is_err());
        assert!(check_value(&FieldKind::Decimal, i64::MIN.into()).is_err());
        let any = FieldKind::Money { currency: None };
        assert!(
            check_value(
                &any,
                Money::new(MAX_EXACT_INTEGER + 1, Currency::JPY).into()
            )
            .is_err()
        );
    }

    #[test]
    fn definitions_are_normalized_and_checked() {
        let mut def = FieldDef::new(
            RecordKind::Contact,
            "tier",
            "  Tier ",
            FieldKind::SingleSelect {
                options: vec![" Gold ".into(), "Silver".into()],
            },
        );
        let ok = check_def(&def).unwrap();
        assert_eq!(ok.label, "Tier");
        assert_eq!(
            ok.kind,
            FieldKind::SingleSelect {
                options: vec!["Gold".into(), "Silver".into()]
            }
        );
        def.key = "Tier".into();
        assert_eq!(check_def(&def).unwrap_err().field(), Some("key"));
        def.key = "tier".into();
        def.kind = FieldKind::SingleSelect {
            options: vec!["Gold".into(), "gold".into()],
        };
        assert_eq!(
            check_def(&def).unwrap_err().field(),
            Some("kind.options[1]")
        );
        def.kind = FieldKind::Rating { max: 0 };
        assert_eq!(check_def(&def).unwrap_err().field(), Some("kind.max"));
        def.kind = FieldKind::Rating { max: 5 };
        def.default = Some(9.into());
        assert_eq!(check_def(&def).unwrap_err().field(), Some("default"));
    }

    #[test]
    fn conversions_keep_meaning() {
        assert_eq!(
            convert(&3.into(), &FieldKind::Decimal),
            Some(FieldValue::Decimal(Decimal::from_i64(3)))
        );
        let multi = FieldKind::MultiSelect {
            options: vec!["a".into()],
        };
        assert_eq!(
            convert(&"a".into(), &multi),
            Some(FieldValue::List(vec!["a".into()]))
        );
        assert_eq!(convert(&"x".into(), &FieldKind::Integer), None);
        assert_eq!(
            convert(&FieldValue::List(vec!["a".into()]), &FieldKind::Text),
            Some("a".into())
        );
    }
}
