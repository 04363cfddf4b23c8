//! Listing records: filters on any field, sorting, cursor pagination, counts.
//!
//! Pagination is by key, not by offset: a cursor holds the sort key of the last record
//! returned (the sort value followed by the record id), and the next page starts strictly
//! after it. Every record that exists for the whole walk is returned exactly once, whatever is
//! inserted or deleted meanwhile; a record whose sort value changes during the walk may move
//! across the cursor. The cursor also names the listing and its filter and order
//! ([`cursor`]), so that a cursor is refused by any other query.
//!
//! A listing is planned in one of two ways, with the same results. When the filter names
//! something an index answers exactly (a tag, an owner, a company, an email address, …) the
//! matching ids are read from those indexes and intersected; when they are few they are
//! loaded, checked against the whole filter and sorted. Otherwise (or without such a
//! criterion) the sort index is walked from the cursor, skipping ids that are not candidates
//! without loading them, until the page is full.

use std::collections::BTreeSet;
use std::ops::Bound;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::queries::cursor;
use crate::records::fields::{self, FieldKind, FieldValue};
use crate::records::index::{self};
use crate::records::record::{self, Entity};
use crate::storage::store::{Flow, Reader, Table, prefix_end};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::order;
use crate::{values::input, values::normalize, values::text};

/// What to order a listing by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum SortBy {
    /// The display name (contacts) or name (companies), ignoring case and diacritics.
    #[default]
    Name,
    /// When the record was created.
    CreatedAt,
    /// When the record was last changed.
    UpdatedAt,
}

impl SortBy {
    /// Every sort order, in the order of a record kind's sort indexes.
    pub(crate) const ALL: [SortBy; 3] = [SortBy::Name, SortBy::CreatedAt, SortBy::UpdatedAt];

    fn position(self) -> usize {
        self as usize
    }

    fn letter(self) -> char {
        match self {
            SortBy::Name => 'n',
            SortBy::CreatedAt => 'c',
            SortBy::UpdatedAt => 'u',
        }
    }
}

/// The order of a listing. Ties are broken by id, so the order is total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Sort {
    /// The sort key.
    pub by: SortBy,
    /// Largest first.
    pub descending: bool,
}

/// Whether a listing shows archived records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Archived {
    /// Active records only.
    #[default]
    Exclude,
    /// Active and archived records.
    Include,
    /// Archived records only.
    Only,
}

/// A half-open range of instants: `since` included, `until` excluded; either may be open.
/// Bounds are in the years 1000 through 9999 (UTC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimeRange {
    /// The first instant included.
    pub since: Option<DateTime<Utc>>,
    /// The first instant excluded.
    pub until: Option<DateTime<Utc>>,
}

impl TimeRange {
    /// Refuses a bound outside the years 1000 through 9999, naming `field.since` or
    /// `field.until`.
    pub(crate) fn check(&self, field: &str) -> Result<()> {
        if let Some(t) = self.since {
            input::instant(&format!("{field}.since"), t)?;
        }
        if let Some(t) = self.until {
            input::instant(&format!("{field}.until"), t)?;
        }
        Ok(())
    }

    pub(crate) fn contains(&self, t: DateTime<Utc>) -> bool {
        self.since.is_none_or(|f| t >= f) && self.until.is_none_or(|u| t < u)
    }
}

/// A comparison of a [`Condition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Op {
    /// Equal (text ignores case and diacritics; a list field matches if any item does).
    Eq,
    /// Not equal (true when the field is empty; a list field matches if no item is equal).
    Ne,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Text contains the value (ignoring case and diacritics).
    Contains,
    /// Text starts with the value (ignoring case and diacritics).
    StartsWith,
    /// The field has a value (takes no value).
    Exists,
    /// The field has no value (takes no value).
    Missing,
}

/// One test on a field of a record: a standard field by name (`city`, `family_name`,
/// `created_at`, …) or a custom field as `custom.<key>`.
///
/// Contact fields: `given_name`, `family_name`, `display_name` (or `name`), `email`, `phone`,
/// `job_title`, `language`, `owner`, `source`, `lifecycle_stage`, `birthday` (date), `street`,
/// `city`, `region`, `postal_code`, `country`, `tag`, `created_at`, `updated_at`,
/// `archived_at` (datetimes).
///
/// Company fields: `name`, `domain`, `industry`, `size` (`2-10`, …), `kind` (`customer`, …),
/// `parent` (a company id), `owner`, `street`, `city`, `region`, `postal_code`, `country`,
/// `tag`, `created_at`, `updated_at`, `archived_at`.
///
/// Text fields take a [`FieldValue::Text`], `birthday` a [`FieldValue::Date`], instants a
/// [`FieldValue::DateTime`]; a custom field takes the value shape of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The field's name.
    pub field: String,
    /// The comparison.
    pub op: Op,
    /// The value compared with; absent for [`Op::Exists`] and [`Op::Missing`].
    #[serde(default)]
    pub value: Option<FieldValue>,
}

impl Condition {
    /// A condition comparing `field` with `value`.
    pub fn new(field: &str, op: Op, value: impl Into<FieldValue>) -> Condition {
        Condition {
            field: field.to_string(),
            op,
            value: Some(value.into()),
        }
    }

    /// `field` equals `value`.
    pub fn eq(field: &str, value: impl Into<FieldValue>) -> Condition {
        Condition::new(field, Op::Eq, value)
    }

    /// `field` has a value.
    pub fn exists(field: &str) -> Condition {
        Condition {
            field: field.to_string(),
            op: Op::Exists,
            value: None,
        }
    }

    /// `field` has no value.
    pub fn missing(field: &str) -> Condition {
        Condition {
            field: field.to_string(),
            op: Op::Missing,
            value: None,
        }
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "{T}Page"))]
pub struct Page<T> {
    /// The records of this page.
    pub items: Vec<T>,
    /// Pass this as the next query's cursor to get the following page; `None` on the last.
    pub next_cursor: Option<String>,
}

fn default_limit() -> u32 {
    50
}

/// A page request: which records, in which order, how many, and where the previous page
/// ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    default,
    bound(deserialize = "F: Deserialize<'de> + Default"),
    deny_unknown_fields
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(
        bound = "F: schemars::JsonSchema + Default",
        rename = "ListQuery_for_{F}"
    )
)]
pub struct ListQuery<F> {
    /// Which records.
    pub filter: F,
    /// In which order.
    pub sort: Sort,
    /// How many per page, from 1 to 1,000 (50 by default).
    pub limit: u32,
    /// Where the previous page ended: its `next_cursor`, from the same listing with the same filter and order
    /// (any other cursor is refused).
    pub cursor: Option<String>,
}

impl<F: Default> Default for ListQuery<F> {
    fn default() -> Self {
        ListQuery {
            filter: F::default(),
            sort: Sort::default(),
            limit: default_limit(),
            cursor: None,
        }
    }
}

/// The type of a standard field, which decides the values it compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    Text,
    Email,
    Phone,
    Date,
    Instant,
}

/// The values a record holds in a standard field.
pub(crate) enum Vals<'a> {
    Texts(Vec<&'a str>),
    Owned(Vec<String>),
    Phones(Vec<String>),
    Date(Option<NaiveDate>),
    Instant(Option<DateTime<Utc>>),
}

/// A record kind that can be listed: implemented by each domain for its kinds, so that
/// [`list_records`] and [`count_records`] serve them all.
pub(crate) trait Listed: Entity {
    /// The standard fields of the kind.
    type Field: Copy;
    /// What a listing of the kind may ask for (serialized into its cursors' fingerprint).
    type Filter: Serialize;
    /// The index bytes of the name, created and updated sort indexes.
    const SORT_INDEXES: [u8; 3];
    /// The index byte of the tag index.
    const TAG_INDEX: u8;
    /// The index byte of the owner index.
    const OWNER_INDEX: u8;
    /// The index byte of the archived records (`[byte][id]`).
    const ARCHIVED_INDEX: u8;

    /// Appends the sort key: the sort value then the 16 id bytes. Its index entry is this key
    /// behind the sort index byte.
    fn sort_key(&self, by: SortBy, out: &mut Vec<u8>);
    /// A standard field by name.
    fn parse_field(name: &str) -> Option<(Self::Field, FieldType)>;
    /// The values of a standard field.
    fn read(&self, field: Self::Field) -> Vals<'_>;
    /// The index prefix that holds exactly the records whose `field` equals `value`, for the
    /// fields where an index agrees with [`Op::Eq`].
    fn index_lookup(field: Self::Field, value: &str, region: Option<&str>) -> Option<Vec<u8>>;
    /// Checks a filter against the kind and its custom field definitions, and reads the ids
    /// that the kind's own criteria allow (through [`plan`]).
    fn plan(r: &mut impl Reader, ctx: &Ctx, f: &Self::Filter) -> Result<Plan<Self::Field>>;
}

/// The criteria every kind's filter has.
pub(crate) struct Common<'a> {
    pub(crate) archived: Archived,
    pub(crate) tags_all: &'a [String],
    pub(crate) tags_any: &'a [String],
    pub(crate) owner: Option<&'a str>,
    pub(crate) created: TimeRange,
    pub(crate) updated: TimeRange,
    pub(crate) conditions: &'a [Condition],
}

/// A plan from the criteria every filter has and the ids the kind's own criteria allow
/// (`None`: no such criterion).
pub(crate) fn plan<R: Listed>(
    r: &mut impl Reader,
    ctx: &Ctx,
    c: Common<'_>,
    restrict: Option<BTreeSet<u128>>,
) -> Result<Plan<R::Field>> {
    c.created.check("created")?;
    c.updated.check("updated")?;
    Ok(Plan {
        archived: c.archived,
        tags_all: folded_tags("tags_all", c.tags_all)?,
        tags_any: folded_tags("tags_any", c.tags_any)?,
        owner: c.owner.map(str::trim).map(str::to_string),
        created: c.created,
        updated: c.updated,
        conditions: check_conditions::<R>(r, ctx, c.conditions)?,
        restrict,
    })
}

/// One page of the records of a kind matching a query.
pub(crate) fn list_records<R: Listed>(
    r: &mut impl Reader,
    ctx: &Ctx,
    q: &ListQuery<R::Filter>,
) -> Result<Page<R>> {
    let plan = R::plan(r, ctx, &q.filter)?;
    let tag = cursor::Tag::new(R::NAME, &(&q.filter, q.sort));
    list(r, ctx, &plan, q.sort, q.limit, q.cursor.as_deref(), tag)
}

/// How many records of a kind match a filter.
pub(crate) fn count_records<R: Listed>(
    r: &mut impl Reader,
    ctx: &Ctx,
    f: &R::Filter,
) -> Result<u64> {
    let plan = R::plan(r, ctx, f)?;
    count::<R>(r, ctx, &plan)
}

/// Calls `f` with the text a custom value contributes to full-text search.
pub(crate) fn custom_search_text(v: &FieldValue, mut f: impl FnMut(&str)) {
    match v {
        FieldValue::Text(s) => f(s),
        FieldValue::List(items) => items.iter().for_each(|s| f(s)),
        _ => {}
    }
}

pub(crate) fn id_set(r: &mut impl Reader, prefix: &[u8]) -> Result<BTreeSet<u128>> {
    Ok(index::ids_with_prefix(r, prefix)?.into_iter().collect())
}

// ---- checked filters ----

enum Target<F> {
    Standard(F, FieldType),
    Custom(String, FieldKind),
}

enum Operand {
    None,
    /// Folded text.
    Text(String),
    /// The lookup key of an email address.
    Email(String),
    /// The lookup key of a phone number (`None` when it cannot be read: matches nothing).
    Phone(Option<String>),
    Date(NaiveDate),
    Instant(DateTime<Utc>),
    Value(FieldValue),
}

struct Checked<F> {
    target: Target<F>,
    op: Op,
    operand: Operand,
    /// The raw text of a text operand, for index lookups.
    raw: Option<String>,
}

/// A filter validated against the record kind and the custom field definitions.
pub(crate) struct Plan<F> {
    archived: Archived,
    tags_all: Vec<String>,
    tags_any: Vec<String>,
    owner: Option<String>,
    created: TimeRange,
    updated: TimeRange,
    conditions: Vec<Checked<F>>,
    /// Ids the kind-specific criteria allow (a company's people, a parent's subsidiaries…).
    restrict: Option<BTreeSet<u128>>,
}

fn is_text_kind(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Text
            | FieldKind::LongText
            | FieldKind::SingleSelect { .. }
            | FieldKind::Url
            | FieldKind::Email
            | FieldKind::Phone
    )
}

fn check_condition<R: Listed>(
    defs: &[fields::FieldDef],
    c: &Condition,
    region: Option<&str>,
) -> std::result::Result<Checked<R::Field>, (&'static str, &'static str)> {
    let target = if let Some(key) = c.field.strip_prefix("custom.") {
        let def = defs
            .iter()
            .find(|d| d.key == key)
            .ok_or(("field", "is not a defined custom field"))?;
        Target::Custom(key.to_string(), def.kind.clone())
    } else {
        let (f, ty) =
            R::parse_field(&c.field).ok_or(("field", "is not a field of this record kind"))?;
        Target::Standard(f, ty)
    };
    let needs_value = !matches!(c.op, Op::Exists | Op::Missing);
    let value = match (&c.value, needs_value) {
        (None, false) => {
            return Ok(Checked {
                target,
                op: c.op,
                operand: Operand::None,
                raw: None,
            });
        }
        (Some(_), false) => return Err(("value", "must be absent for exists and missing")),
        (None, true) => return Err(("value", "is required for this comparison")),
        (Some(v), true) => v.clone(),
    };
    let textual = matches!(c.op, Op::Contains | Op::StartsWith);
    let ordered = matches!(c.op, Op::Lt | Op::Lte | Op::Gt | Op::Gte);
    let raw = value.as_text().map(str::to_string);
    let operand = match (&target, value) {
        (Target::Standard(_, FieldType::Text), FieldValue::Text(s)) => {
            Operand::Text(text::fold(&s))
        }
        (Target::Standard(_, FieldType::Email), FieldValue::Text(s)) => {
            Operand::Email(normalize::email_key(s.trim()))
        }
        (Target::Standard(_, FieldType::Phone), FieldValue::Text(s)) => {
            if ordered {
                return Err(("op", "phone numbers do not compare by order"));
            }
            if textual {
                Operand::Text(s.chars().filter(char::is_ascii_digit).collect())
            } else {
                Operand::Phone(normalize::phone_key(&s, region))
            }
        }
        (_, FieldValue::Date(d)) if !input::in_range(d) => {
            return Err(("value", input::OUT_OF_RANGE));
        }
        (_, FieldValue::DateTime(t)) if !input::in_range(t.date_naive()) => {
            return Err(("value", input::OUT_OF_RANGE));
        }
        (Target::Standard(_, FieldType::Date), FieldValue::Date(d)) if !textual => Operand::Date(d),
        (Target::Standard(_, FieldType::Instant), FieldValue::DateTime(t)) if !textual => {
            Operand::Instant(t)
        }
        (Target::Standard(_, FieldType::Date | FieldType::Instant), _) if textual => {
            return Err(("op", "only text fields take contains and starts_with"));
        }
        (Target::Standard(_, FieldType::Date), _) => return Err(("value", "must be a date value")),
        (Target::Standard(_, FieldType::Instant), _) => {
            return Err(("value", "must be a datetime value"));
        }
        (Target::Standard(..), _) => return Err(("value", "must be a text value")),
        (Target::Custom(_, kind), value) => {
            let list = matches!(kind, FieldKind::MultiSelect { .. });
            if textual && !(is_text_kind(kind) || list) {
                return Err(("op", "only text fields take contains and starts_with"));
            }
            if ordered && (list || matches!(kind, FieldKind::Boolean)) {
                return Err(("op", "this field does not compare by order"));
            }
            match (kind, value) {
                (k, FieldValue::Text(s)) if is_text_kind(k) || list => {
                    Operand::Text(text::fold(&s))
                }
                (FieldKind::Integer | FieldKind::Rating { .. }, v @ FieldValue::Integer(_)) => {
                    Operand::Value(v)
                }
                (FieldKind::Decimal, v @ (FieldValue::Decimal(_) | FieldValue::Integer(_))) => {
                    Operand::Value(v)
                }
                (FieldKind::Boolean, v @ FieldValue::Boolean(_)) => Operand::Value(v),
                (FieldKind::Date, v @ FieldValue::Date(_)) => Operand::Value(v),
                (FieldKind::DateTime, v @ FieldValue::DateTime(_)) => Operand::Value(v),
                (FieldKind::Money { .. }, v @ FieldValue::Money(_)) => Operand::Value(v),
                _ => return Err(("value", "does not fit the custom field's kind")),
            }
        }
    };
    Ok(Checked {
        target,
        op: c.op,
        operand,
        raw,
    })
}

fn check_conditions<R: Listed>(
    r: &mut impl Reader,
    ctx: &Ctx,
    conditions: &[Condition],
) -> Result<Vec<Checked<R::Field>>> {
    let defs = fields::defs(r, R::KIND)?;
    conditions
        .iter()
        .enumerate()
        .map(|(i, c)| {
            check_condition::<R>(&defs, c, ctx.phone_region.as_deref()).map_err(|(part, reason)| {
                Error::validation(format!("conditions[{i}].{part}"), reason)
            })
        })
        .collect()
}

fn folded_tags(field: &str, tags: &[String]) -> Result<Vec<String>> {
    Ok(input::tags(field, tags)?
        .iter()
        .map(|t| text::fold(t))
        .collect())
}

/// Narrows `restrict` to `ids`.
pub(crate) fn narrow(restrict: &mut Option<BTreeSet<u128>>, ids: BTreeSet<u128>) {
    *restrict = Some(match restrict.take() {
        Some(set) => set.intersection(&ids).copied().collect(),
        None => ids,
    });
}

// ---- evaluation ----

fn compare_op(op: Op, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Op::Eq => ord == Equal,
        Op::Ne => ord != Equal,
        Op::Lt => ord == Less,
        Op::Lte => ord != Greater,
        Op::Gt => ord == Greater,
        Op::Gte => ord != Less,
        _ => false,
    }
}

/// Applies `op` to a field holding `items` (each already in comparable form).
fn over_items<T>(items: &[T], op: Op, test: impl Fn(&T) -> bool) -> bool {
    match op {
        Op::Exists => !items.is_empty(),
        Op::Missing => items.is_empty(),
        // "not equal" holds when no item is equal, including when there is none.
        Op::Ne => !items.iter().any(test),
        _ => items.iter().any(test),
    }
}

fn text_test(op: Op, item: &str, operand: &str) -> bool {
    match op {
        Op::Contains => item.contains(operand),
        Op::StartsWith => item.starts_with(operand),
        Op::Ne => item == operand,
        _ => compare_op(op, item.cmp(operand)),
    }
}

fn eval_standard(vals: Vals<'_>, op: Op, operand: &Operand) -> bool {
    match (vals, operand) {
        (Vals::Texts(items), Operand::Text(x)) => {
            let folded: Vec<String> = items.iter().map(|s| text::fold(s)).collect();
            over_items(&folded, op, |s| text_test(op, s, x))
        }
        (Vals::Owned(items), Operand::Text(x)) => {
            let folded: Vec<String> = items.iter().map(|s| text::fold(s)).collect();
            over_items(&folded, op, |s| text_test(op, s, x))
        }
        (Vals::Texts(items), Operand::Email(x)) => {
            let keys: Vec<String> = items.iter().map(|s| normalize::email_key(s)).collect();
            over_items(&keys, op, |s| text_test(op, s, x))
        }
        (Vals::Phones(keys), Operand::Phone(x)) => match x {
            Some(x) => over_items(&keys, op, |k| k == x),
            None => over_items(&keys, op, |_| false),
        },
        (Vals::Phones(keys), Operand::Text(digits)) => {
            let digits_of: Vec<String> = keys
                .iter()
                .map(|k| k.chars().filter(char::is_ascii_digit).collect())
                .collect();
            over_items(&digits_of, op, |d| text_test(op, d, digits))
        }
        (Vals::Date(d), Operand::Date(x)) => {
            over_items(d.as_slice(), op, |d| compare_op(eq_for_ne(op), d.cmp(x)))
        }
        (Vals::Instant(t), Operand::Instant(x)) => {
            over_items(t.as_slice(), op, |t| compare_op(eq_for_ne(op), t.cmp(x)))
        }
        (Vals::Texts(items), Operand::None) => over_items(&items, op, |_| true),
        (Vals::Owned(items), Operand::None) => over_items(&items, op, |_| true),
        (Vals::Phones(items), Operand::None) => over_items(&items, op, |_| true),
        (Vals::Date(d), Operand::None) => over_items(d.as_slice(), op, |_| true),
        (Vals::Instant(t), Operand::None) => over_items(t.as_slice(), op, |_| true),
        _ => false,
    }
}

/// Within `over_items`, `Ne` tests each item for equality (and negates the whole).
fn eq_for_ne(op: Op) -> Op {
    if op == Op::Ne { Op::Eq } else { op }
}

fn eval_custom(value: Option<&FieldValue>, op: Op, operand: &Operand) -> bool {
    let items: Vec<&FieldValue> = match value {
        Some(FieldValue::List(_)) | None => Vec::new(),
        Some(v) => vec![v],
    };
    match (value, operand) {
        (Some(FieldValue::List(list)), Operand::Text(x)) => {
            let folded: Vec<String> = list.iter().map(|s| text::fold(s)).collect();
            over_items(&folded, op, |s| text_test(op, s, x))
        }
        (Some(FieldValue::List(list)), Operand::None) => over_items(list, op, |_| true),
        (_, Operand::Text(x)) => {
            let folded: Vec<String> = items
                .iter()
                .filter_map(|v| v.as_text())
                .map(text::fold)
                .collect();
            over_items(&folded, op, |s| text_test(op, s, x))
        }
        (_, Operand::Value(x)) => over_items(&items, op, |v| {
            v.compare(x)
                .is_some_and(|ord| compare_op(eq_for_ne(op), ord))
        }),
        (_, Operand::None) => over_items(&items, op, |_| true),
        _ => false,
    }
}

fn matches<R: Listed>(rec: &R, plan: &Plan<R::Field>) -> bool {
    let archived_ok = match plan.archived {
        Archived::Exclude => rec.archived_at().is_none(),
        Archived::Include => true,
        Archived::Only => rec.archived_at().is_some(),
    };
    if !archived_ok
        || !plan.created.contains(rec.created_at())
        || !plan.updated.contains(rec.updated_at())
        || plan
            .restrict
            .as_ref()
            .is_some_and(|ids| !ids.contains(&rec.raw_id()))
        || plan
            .owner
            .as_deref()
            .is_some_and(|o| rec.owner() != Some(o))
    {
        return false;
    }
    let tags: Vec<String> = rec.tags().iter().map(|t| text::fold(t)).collect();
    if !plan.tags_all.iter().all(|t| tags.contains(t)) {
        return false;
    }
    if !plan.tags_any.is_empty() && !plan.tags_any.iter().any(|t| tags.contains(t)) {
        return false;
    }
    plan.conditions.iter().all(|c| match &c.target {
        Target::Standard(f, _) => eval_standard(rec.read(*f), c.op, &c.operand),
        Target::Custom(key, _) => eval_custom(rec.custom_fields().get(key), c.op, &c.operand),
    })
}

/// The ids that indexes say can match, when the filter has an indexed criterion.
fn candidates<R: Listed>(
    r: &mut impl Reader,
    ctx: &Ctx,
    plan: &Plan<R::Field>,
) -> Result<Option<BTreeSet<u128>>> {
    let mut sets: Vec<BTreeSet<u128>> = Vec::new();
    if let Some(ids) = &plan.restrict {
        sets.push(ids.clone());
    }
    for tag in &plan.tags_all {
        sets.push(id_set(r, &index::text_prefix(R::TAG_INDEX, tag))?);
    }
    if !plan.tags_any.is_empty() {
        let mut any = BTreeSet::new();
        for tag in &plan.tags_any {
            any.extend(id_set(r, &index::text_prefix(R::TAG_INDEX, tag))?);
        }
        sets.push(any);
    }
    if let Some(owner) = &plan.owner {
        sets.push(id_set(r, &index::text_prefix(R::OWNER_INDEX, owner))?);
    }
    for c in &plan.conditions {
        if let (Target::Standard(f, _), Op::Eq, Some(raw)) = (&c.target, c.op, &c.raw) {
            if let Some(prefix) = R::index_lookup(*f, raw, ctx.phone_region.as_deref()) {
                sets.push(id_set(r, &prefix)?);
            }
        }
    }
    order::sort_by_key(&mut sets, BTreeSet::len);
    let mut iter = sets.into_iter();
    Ok(iter
        .next()
        .map(|first| iter.fold(first, |acc, s| acc.intersection(&s).copied().collect())))
}

// ---- cursors ----

/// A cursor's position: the order's letters, then the sort key of the last record in hex.
fn encode_cursor(sort: Sort, key: &[u8]) -> String {
    let mut s = String::with_capacity(2 + key.len() * 2);
    s.push(sort.by.letter());
    s.push(if sort.descending { 'd' } else { 'a' });
    for b in key {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The sort key a cursor's position holds.
fn decode_cursor(cursor: &str, sort: Sort) -> Result<Vec<u8>> {
    let bad = || Error::validation("cursor", "is not a cursor of a listing in this order");
    let mut chars = cursor.chars();
    if chars.next() != Some(sort.by.letter())
        || chars.next() != Some(if sort.descending { 'd' } else { 'a' })
    {
        return Err(bad());
    }
    let hex = chars.as_str().as_bytes();
    if hex.len() % 2 != 0 || hex.len() < 34 {
        return Err(bad());
    }
    hex.chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).map_err(|_| bad())?;
            u8::from_str_radix(s, 16).map_err(|_| bad())
        })
        .collect()
}

fn check_limit(limit: u32) -> Result<usize> {
    if (1..=1000).contains(&limit) {
        Ok(limit as usize)
    } else {
        Err(Error::validation("limit", "must be from 1 to 1,000"))
    }
}

/// Walks index keys in `range` (keys of the `index` table) a chunk at a time, so that `f` may
/// read the store between chunks.
fn walk_index<Rd: Reader>(
    r: &mut Rd,
    mut lower: Bound<Vec<u8>>,
    mut upper: Bound<Vec<u8>>,
    reverse: bool,
    mut f: impl FnMut(&mut Rd, &[u8]) -> Result<Flow>,
) -> Result<()> {
    const CHUNK: usize = 256;
    loop {
        let mut keys: Vec<Vec<u8>> = Vec::with_capacity(CHUNK);
        let range = (
            lower.as_ref().map(Vec::as_slice),
            upper.as_ref().map(Vec::as_slice),
        );
        r.scan(Table::INDEX, range, reverse, |k, _| {
            keys.push(k.to_vec());
            Ok(if keys.len() == CHUNK {
                Flow::Break(())
            } else {
                Flow::Continue(())
            })
        })?;
        let done = keys.len() < CHUNK;
        for k in &keys {
            if f(r, k)?.is_break() {
                return Ok(());
            }
        }
        match keys.pop() {
            Some(last) if !done => {
                if reverse {
                    upper = Bound::Excluded(last);
                } else {
                    lower = Bound::Excluded(last);
                }
            }
            _ => return Ok(()),
        }
    }
}

/// Whether walking the sort index beats loading and sorting every candidate. Loading all
/// candidates costs one record read each; walking reads about `want × total / candidates`
/// sort keys (a key is far cheaper to read than a record) and loads only candidates met.
fn worth_streaming(candidates: usize, want: usize, total: u64) -> bool {
    let c = candidates as u128;
    c * c * 8 > (want as u128) * u128::from(total)
}

/// One page of records of kind `R` matching `plan`.
pub(crate) fn list<R: Listed>(
    r: &mut impl Reader,
    ctx: &Ctx,
    plan: &Plan<R::Field>,
    sort: Sort,
    limit: u32,
    cursor: Option<&str>,
    tag: cursor::Tag,
) -> Result<Page<R>> {
    let limit = check_limit(limit)?;
    let after = cursor
        .map(|c| decode_cursor(tag.open(c)?, sort))
        .transpose()?;
    let want = limit + 1;
    let mut hits: Vec<(Vec<u8>, R)> = Vec::with_capacity(want.min(1024));
    let beyond_cursor = |key: &[u8]| match &after {
        None => true,
        Some(a) if sort.descending => key < a.as_slice(),
        Some(a) => key > a.as_slice(),
    };
    let candidates = candidates::<R>(r, ctx, plan)?;
    let total = r.len(R::TABLE)?;
    match candidates {
        Some(ids) if !worth_streaming(ids.len(), want, total) => {
            for raw in ids {
                let Some(rec) = record::load::<R>(r, raw)? else {
                    continue;
                };
                if !matches(&rec, plan) {
                    continue;
                }
                let mut key = Vec::new();
                rec.sort_key(sort.by, &mut key);
                if beyond_cursor(&key) {
                    hits.push((key, rec));
                }
            }
            order::sort_by(&mut hits, |a, b| a.0.cmp(&b.0));
            if sort.descending {
                hits.reverse();
            }
            hits.truncate(want);
        }
        candidates => {
            let ix = R::SORT_INDEXES[sort.by.position()];
            let with_ix = |key: &[u8]| [&[ix][..], key].concat();
            let start = Bound::Included(vec![ix]);
            let end = prefix_end(&[ix]).map_or(Bound::Unbounded, Bound::Excluded);
            let (lower, upper) = match (&after, sort.descending) {
                (None, _) => (start, end),
                (Some(a), false) => (Bound::Excluded(with_ix(a)), end),
                (Some(a), true) => (start, Bound::Excluded(with_ix(a))),
            };
            walk_index(r, lower, upper, sort.descending, |r, key| {
                let raw = index::id_of_key(key)
                    .ok_or_else(|| Error::corrupt("index", "a sort key has no id"))?;
                // Ids outside the candidate set cannot match: skip them without a load.
                if candidates.as_ref().is_some_and(|ids| !ids.contains(&raw)) {
                    return Ok(Flow::Continue(()));
                }
                let rec: R = record::load(r, raw)?.ok_or_else(|| {
                    Error::corrupt("index", "a sort index names a missing record")
                })?;
                if matches(&rec, plan) {
                    hits.push((key[1..].to_vec(), rec));
                }
                Ok(if hits.len() == want {
                    Flow::Break(())
                } else {
                    Flow::Continue(())
                })
            })?;
        }
    }
    let next_cursor = if hits.len() > limit {
        hits.truncate(limit);
        hits.last()
            .map(|(key, _)| tag.seal(&encode_cursor(sort, key)))
    } else {
        None
    };
    Ok(Page {
        items: hits.into_iter().map(|(_, rec)| rec).collect(),
        next_cursor,
    })
}

/// How many records of kind `R` match `plan`.
pub(crate) fn count<R: Listed>(
    r: &mut impl Reader,
    ctx: &Ctx,
    plan: &Plan<R::Field>,
) -> Result<u64> {
    if let Some(n) = count_from_indexes::<R>(r, ctx, plan)? {
        return Ok(n);
    }
    let mut n = 0u64;
    match candidates::<R>(r, ctx, plan)? {
        Some(ids) => {
            for raw in ids {
                if record::load::<R>(r, raw)?.is_some_and(|rec| matches(&rec, plan)) {
                    n += 1;
                }
            }
        }
        None => record::for_each::<R>(r, |rec| {
            if matches(&rec, plan) {
                n += 1;
            }
            Ok(Flow::Continue(()))
        })?,
    }
    Ok(n)
}

/// A count the indexes answer without reading a record, when every criterion of the plan is
/// one an index holds exactly (tags, owner, an equality an index answers, the kind's own
/// criteria), archived records being told by their own index: with no criterion, the table's
/// length (which the storage keeps) less the archived records (or only those); else the
/// candidates' ids, told apart the same way. `None` when some criterion needs the records
/// (a time range, a comparison other than equality, a custom field).
fn count_from_indexes<R: Listed>(
    r: &mut impl Reader,
    ctx: &Ctx,
    plan: &Plan<R::Field>,
) -> Result<Option<u64>> {
    let region = ctx.phone_region.as_deref();
    let exact = plan.created == TimeRange::default()
        && plan.updated == TimeRange::default()
        && plan
            .conditions
            .iter()
            .all(|c| match (&c.target, c.op, &c.raw) {
                (Target::Standard(f, _), Op::Eq, Some(raw)) => {
                    R::index_lookup(*f, raw, region).is_some()
                }
                _ => false,
            });
    if !exact {
        return Ok(None);
    }
    let archived = match plan.archived {
        Archived::Include => BTreeSet::new(),
        _ => id_set(r, &[R::ARCHIVED_INDEX])?,
    };
    let n = match candidates::<R>(r, ctx, plan)? {
        None => {
            let all = r.len(R::TABLE)?;
            let archived = archived.len() as u64;
            match plan.archived {
                Archived::Include => all,
                Archived::Only => archived,
                Archived::Exclude => all.saturating_sub(archived),
            }
        }
        Some(ids) => ids
            .iter()
            .filter(|id| match plan.archived {
                Archived::Include => true,
                Archived::Only => archived.contains(id),
                Archived::Exclude => !archived.contains(id),
            })
            .count() as u64,
    };
    Ok(Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_other_orders() {
        let sort = Sort {
            by: SortBy::CreatedAt,
            descending: true,
        };
        let key: Vec<u8> = (0..24).collect();
        let c = encode_cursor(sort, &key);
        assert_eq!(decode_cursor(&c, sort).unwrap(), key);
        assert!(decode_cursor(&c, Sort::default()).is_err());
        assert!(decode_cursor("cdzz", sort).is_err());
        assert!(decode_cursor("cdłłłł", sort).is_err());
        assert!(decode_cursor("", sort).is_err());
    }

    #[test]
    fn ne_holds_when_nothing_is_equal() {
        assert!(over_items::<&str>(&[], Op::Ne, |_| true));
        assert!(!over_items(&["a"], Op::Ne, |s| *s == "a"));
        assert!(over_items(&["b"], Op::Ne, |s| *s == "a"));
    }
}
