//! The record-change log: a [`RecordChange`] is written in the same transaction as every edit
//! of a contact, company, lead or deal made through its update, tag and archive operations
//! (imports and the clean-up after a deletion elsewhere are not recorded): which fields
//! changed, and for kinds with a stage (a contact's lifecycle stage, a lead's status) the stage
//! before and after. Values are not kept. Timelines read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::records::codec;
use crate::records::index::{self, Entries, ix};
use crate::records::integrity::{Verifier, Verify};
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::storage::store::{AnyTx, Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::RecordRef;

/// A change to a record made through an operation.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordChange {
    /// The change's own key (time-ordered).
    #[serde(skip)]
    #[cbor(skip)]
    pub(crate) key: u128,
    /// The record that changed.
    #[n(0)]
    pub record: RecordRef,
    /// When.
    #[n(1)]
    #[cbor(with = "codec::instant")]
    pub at: DateTime<Utc>,
    /// The names of the fields that changed, as in the record's serialized form
    /// (`archived_at` for archiving and restoring, `tags` for tagging).
    #[n(2)]
    pub fields: Vec<String>,
    /// The stage before (a contact's lifecycle stage, a lead's status), when it changed.
    #[n(3)]
    pub stage_from: Option<String>,
    /// The stage after, when it changed.
    #[n(4)]
    pub stage_to: Option<String>,
}

impl Record for RecordChange {
    const TABLE: Table = tables::CHANGES;
    const NAME: &'static str = "record change";
    const ID_PREFIX: &'static str = "record_change";

    fn raw_id(&self) -> u128 {
        self.key
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.key = raw;
    }
    fn entries(&self, out: &mut Entries) {
        out.index.push(index::raw_key(
            ix::CHANGE_OF,
            &self.record.key_bytes(),
            self.key,
        ));
    }
}

/// Records which fields of a record changed between two versions (nothing when none did,
/// `updated_at` aside), and the values of `stage_field` (the kind's stage, such as a contact's
/// lifecycle stage) before and after when it is one of them.
pub(crate) fn note_change<T: Serialize>(
    w: &mut impl Writer,
    ctx: &Ctx,
    rec: RecordRef,
    stage_field: Option<&str>,
    (old, new): (&T, &T),
    at: DateTime<Utc>,
) -> Result<()> {
    let as_map = |v: &T| match serde_json::to_value(v) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        _ => Err(Error::storage("a record does not serialize as a map")),
    };
    let (before, after) = (as_map(old)?, as_map(new)?);
    let mut fields: Vec<String> = after
        .iter()
        .filter(|(k, v)| k.as_str() != "updated_at" && before.get(k.as_str()) != Some(v))
        .map(|(k, _)| k.clone())
        .collect();
    fields.extend(
        before
            .keys()
            .filter(|k| !after.contains_key(k.as_str()))
            .cloned(),
    );
    if fields.is_empty() {
        return Ok(());
    }
    let text = |m: &serde_json::Map<String, serde_json::Value>, f: &str| {
        m.get(f).and_then(|v| v.as_str()).map(str::to_string)
    };
    let (stage_from, stage_to) = match stage_field {
        Some(f) if fields.iter().any(|x| x == f) => (text(&before, f), text(&after, f)),
        _ => (None, None),
    };
    let change = RecordChange {
        key: ctx.mint(at),
        record: rec,
        at,
        fields,
        stage_from,
        stage_to,
    };
    record::save(w, None, &change)
}

/// The changes recorded for a record, oldest first.
pub(crate) fn changes_of(r: &mut impl Reader, rec: RecordRef) -> Result<Vec<RecordChange>> {
    let keys = index::ids_with_prefix(r, &index::raw_prefix(ix::CHANGE_OF, &rec.key_bytes()))?;
    keys.into_iter()
        .map(|k| record::require::<RecordChange>(r, k, "record change"))
        .collect()
}

/// Removes the changes of a record being deleted.
pub(crate) fn forget(w: &mut impl Writer, rec: RecordRef) -> Result<()> {
    for c in changes_of(w, rec)? {
        record::erase(w, &c)?;
    }
    Ok(())
}

/// What `verify` checks of the change log: each change is of a record that exists.
#[derive(Default)]
pub(crate) struct Checks {
    changes: Vec<RecordChange>,
}

impl Verify for Checks {
    fn collect(&mut self, r: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()> {
        self.changes = v.records(r)?;
        Ok(())
    }

    fn check(&mut self, _: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()> {
        for c in &self.changes {
            if !v.exists(c.record) {
                v.flaw(
                    c,
                    format!(
                        "a recorded change of {} remains, which does not exist",
                        c.record
                    ),
                );
            }
        }
        Ok(())
    }
}
