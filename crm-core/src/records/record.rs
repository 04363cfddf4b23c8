//! What every stored record kind shares: loading, saving with its index entries, erasing.

use std::collections::BTreeMap;
use std::ops::Bound;

use chrono::{DateTime, Utc};

use crate::records::changes;
use crate::records::codec;
use crate::records::fields::FieldValue;
use crate::records::index::{self, Entries};
use crate::records::tables;
use crate::storage::store::{Flow, Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::{RecordKind, RecordRef, id_text};
use crate::values::input;

/// A stored record kind: its table, its index entries, its custom fields.
pub(crate) trait Record:
    Sized + Clone + minicbor::Encode<()> + for<'b> minicbor::Decode<'b, ()>
{
    /// The table holding the records.
    const TABLE: Table;
    /// The name used in errors.
    const NAME: &'static str;
    /// The prefix of the record's id in messages (`contact` for `contact_…`).
    const ID_PREFIX: &'static str;

    /// The raw id.
    fn raw_id(&self) -> u128;
    /// Attaches the id read from the key (ids are not repeated inside the value).
    fn set_raw_id(&mut self, raw: u128);
    /// Appends the record's index and search entries (not yet normalized).
    fn entries(&self, out: &mut Entries);
}

/// A record kind users work with: custom fields, tags, an owner, timestamps, archiving.
/// Implemented with [`impl_entity!`] by the kinds whose structs name those fields alike.
pub(crate) trait Entity: Record {
    /// The kind, for custom-field definitions.
    const KIND: RecordKind;
    /// The field holding the kind's stage in its serialized form (a contact's lifecycle stage,
    /// a lead's status), whose values the change log records.
    const STAGE_FIELD: Option<&'static str> = None;
    fn custom_fields(&self) -> &BTreeMap<String, FieldValue>;
    fn custom_fields_mut(&mut self) -> &mut BTreeMap<String, FieldValue>;
    fn tags(&self) -> &[String];
    fn set_tags(&mut self, tags: Vec<String>);
    fn owner(&self) -> Option<&str>;
    fn created_at(&self) -> DateTime<Utc>;
    fn updated_at(&self) -> DateTime<Utc>;
    fn set_updated_at(&mut self, at: DateTime<Utc>);
    fn archived_at(&self) -> Option<DateTime<Utc>>;
    fn set_archived_at(&mut self, at: Option<DateTime<Utc>>);
}

/// Implements [`Entity`] for a struct with fields `custom_fields`, `tags`, `owner`,
/// `created_at`, `updated_at` and `archived_at`; a third argument names its stage field.
macro_rules! impl_entity {
    ($t:ty, $kind:expr) => {
        $crate::records::record::impl_entity!($t, $kind, None);
    };
    ($t:ty, $kind:expr, $stage:expr) => {
        impl $crate::records::record::Entity for $t {
            const KIND: $crate::values::id::RecordKind = $kind;
            const STAGE_FIELD: Option<&'static str> = $stage;
            fn custom_fields(
                &self,
            ) -> &std::collections::BTreeMap<String, $crate::records::fields::FieldValue> {
                &self.custom_fields
            }
            fn custom_fields_mut(
                &mut self,
            ) -> &mut std::collections::BTreeMap<String, $crate::records::fields::FieldValue> {
                &mut self.custom_fields
            }
            fn tags(&self) -> &[String] {
                &self.tags
            }
            fn set_tags(&mut self, tags: Vec<String>) {
                self.tags = tags;
            }
            fn owner(&self) -> Option<&str> {
                self.owner.as_deref()
            }
            fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
                self.created_at
            }
            fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
                self.updated_at
            }
            fn set_updated_at(&mut self, at: chrono::DateTime<chrono::Utc>) {
                self.updated_at = at;
            }
            fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
                self.archived_at
            }
            fn set_archived_at(&mut self, at: Option<chrono::DateTime<chrono::Utc>>) {
                self.archived_at = at;
            }
        }
    };
}
pub(crate) use impl_entity;

/// Adds and removes tags of a record; a change that changes nothing writes nothing.
pub(crate) fn retag<R: Entity + serde::Serialize>(
    w: &mut impl Writer,
    ctx: &Ctx,
    old: R,
    add: &[String],
    remove: &[String],
) -> Result<R> {
    let tags = input::retag(old.tags(), add, remove)?;
    if tags == old.tags() {
        return Ok(old);
    }
    let mut new = old.clone();
    new.set_tags(tags);
    new.set_updated_at(ctx.now().max(old.updated_at()));
    save_edit(w, ctx, &old, &new)?;
    Ok(new)
}

/// Archives or restores a record (archiving twice keeps the first instant). `check` sees the
/// record as it would be saved and may refuse it.
pub(crate) fn set_archived<R: Entity + serde::Serialize, W: Writer>(
    w: &mut W,
    ctx: &Ctx,
    old: R,
    archived: bool,
    check: impl FnOnce(&mut W, &R) -> Result<()>,
) -> Result<R> {
    if old.archived_at().is_some() == archived {
        return Ok(old);
    }
    let now = ctx.now().max(old.updated_at());
    let mut new = old.clone();
    new.set_archived_at(archived.then_some(now));
    new.set_updated_at(now);
    check(w, &new)?;
    save_edit(w, ctx, &old, &new)?;
    Ok(new)
}

/// What the rest of the CRM takes out of itself when the record `RecordRef` is about to be
/// deleted (its links, the records naming it, its recorded changes). The API gives it to each
/// kind's delete (`api/reactions.rs`), so that no domain reaches into the ones declared after
/// it.
pub(crate) type Forget<W> = fn(&mut W, &Ctx, RecordRef) -> Result<()>;

/// A decoding error of the stored record `raw` of kind `R`, told as damage to that record.
fn damaged<R: Record>(e: Error, raw: u128) -> Error {
    e.in_table(R::TABLE.name(), Some(id_text(R::ID_PREFIX, raw)))
}

/// Loads a record, or `None` when there is no record with that id.
pub(crate) fn load<R: Record>(r: &mut impl Reader, raw: u128) -> Result<Option<R>> {
    r.get(R::TABLE, &raw.to_be_bytes(), |bytes| {
        let mut record: R =
            codec::decode(R::NAME, &raw.to_be_bytes(), bytes).map_err(|e| damaged::<R>(e, raw))?;
        record.set_raw_id(raw);
        Ok(record)
    })
}

/// Calls `f` with the id and stored bytes of each record of `table` with the given ids
/// (sorted, ascending), for callers that decode a partial view of the stored type. Ids
/// without a record are skipped.
///
/// When the ids are dense in the table (more than one record in eight) it walks the table
/// once from the first id to the last, which is much cheaper than a B-tree descent per id;
/// otherwise it looks each id up.
pub(crate) fn for_each_stored(
    r: &mut impl Reader,
    table: Table,
    ids: &[u128],
    mut f: impl FnMut(u128, &[u8]) -> Result<()>,
) -> Result<()> {
    let (Some(first), Some(last)) = (ids.first(), ids.last()) else {
        return Ok(());
    };
    if (ids.len() as u64).saturating_mul(8) < r.len(table)? {
        for &raw in ids {
            r.get(table, &raw.to_be_bytes(), |bytes| f(raw, bytes))?;
        }
        return Ok(());
    }
    let (from, to) = (first.to_be_bytes(), last.to_be_bytes());
    let mut next = 0;
    r.scan(
        table,
        (Bound::Included(&from[..]), Bound::Included(&to[..])),
        false,
        |key, value| {
            let Ok(raw) = <[u8; 16]>::try_from(key).map(u128::from_be_bytes) else {
                return Ok(Flow::Continue(()));
            };
            while next < ids.len() && ids[next] < raw {
                next += 1;
            }
            if ids.get(next) == Some(&raw) {
                f(raw, value)?;
            }
            Ok(Flow::Continue(()))
        },
    )
}

/// Loads a record or fails with [`Error::NotFound`].
pub(crate) fn require<R: Record>(
    r: &mut impl Reader,
    raw: u128,
    display: impl std::fmt::Display,
) -> Result<R> {
    load(r, raw)?.ok_or_else(|| Error::not_found(R::NAME, display))
}

/// Calls `f` with every record of a kind, in id order, until it breaks.
pub(crate) fn for_each<R: Record>(
    r: &mut impl Reader,
    f: impl FnMut(R) -> Result<crate::storage::store::Flow>,
) -> Result<()> {
    for_each_after(r, None, f)
}

/// Calls `f` with every record of a kind whose id is above `after` (all when `None`), in id
/// order, until it breaks.
pub(crate) fn for_each_after<R: Record>(
    r: &mut impl Reader,
    after: Option<u128>,
    mut f: impl FnMut(R) -> Result<crate::storage::store::Flow>,
) -> Result<()> {
    let after = after.map(u128::to_be_bytes);
    let lower = after
        .as_ref()
        .map_or(Bound::Unbounded, |a| Bound::Excluded(&a[..]));
    r.scan(R::TABLE, (lower, Bound::Unbounded), false, |key, bytes| {
        let raw = index::id_of_key(key)
            .ok_or_else(|| Error::corrupt(R::TABLE.name(), "a record key is not an id"))?;
        let mut record: R =
            codec::decode(R::NAME, &raw.to_be_bytes(), bytes).map_err(|e| damaged::<R>(e, raw))?;
        record.set_raw_id(raw);
        f(record)
    })
}

/// The normalized entries of a record.
pub(crate) fn entries_of<R: Record>(record: &R) -> Entries {
    let mut e = Entries::new(record.raw_id());
    record.entries(&mut e);
    e.normalize();
    e
}

/// Writes a record and exactly the index changes between `old` and `new`.
pub(crate) fn save<R: Record>(w: &mut impl Writer, old: Option<&R>, new: &R) -> Result<()> {
    let before = old.map(entries_of).unwrap_or_default();
    let after = entries_of(new);
    let key = new.raw_id().to_be_bytes();
    let replaced = w.put(R::TABLE, &key, &codec::encode(&key, new))?;
    if replaced != old.is_some() {
        // A new record landing on an existing id would silently replace it (an id source
        // that repeats itself); the caller's transaction is rolled back instead.
        return Err(Error::storage(format!(
            "a new {} was given an id already in use (the id source repeats itself)",
            R::NAME
        )));
    }
    index::apply_diff(w, &before, &after)?;
    before.recycle();
    after.recycle();
    Ok(())
}

/// Writes an edit of a record made through an operation, recording which fields changed
/// ([`changes::note_change`]).
pub(crate) fn save_edit<R: Entity + serde::Serialize>(
    w: &mut impl Writer,
    ctx: &Ctx,
    old: &R,
    new: &R,
) -> Result<()> {
    save(w, Some(old), new)?;
    let rec = crate::values::id::RecordRef::from_parts(R::KIND, new.raw_id());
    changes::note_change(w, ctx, rec, R::STAGE_FIELD, (old, new), new.updated_at())
}

/// Removes a record and all of its index entries.
pub(crate) fn erase<R: Record>(w: &mut impl Writer, old: &R) -> Result<()> {
    w.remove(R::TABLE, &old.raw_id().to_be_bytes())?;
    let before = entries_of(old);
    index::apply_diff(w, &before, &Entries::default())?;
    before.recycle();
    Ok(())
}

/// Whether the record `rec` exists.
pub(crate) fn exists(r: &mut impl Reader, rec: RecordRef) -> Result<bool> {
    r.contains(tables::of(rec.kind()), &rec.raw().to_be_bytes())
}

/// Fails with [`Error::Validation`] on `field` unless the record `rec` exists: a filter
/// naming a record that does not exist is refused as a write naming one is, rather than
/// matching nothing.
pub(crate) fn must_exist(r: &mut impl Reader, rec: RecordRef, field: &str) -> Result<()> {
    if exists(r, rec)? {
        Ok(())
    } else {
        Err(Error::not_found(rec.kind().name(), rec).naming(field))
    }
}
