//! Recent changes: the index entries and search postings of small commits, kept out of the
//! big tables until enough of them have gathered to be written together.
//!
//! A contact touches about a dozen keys of the `index` table and dozens of posting lists, each
//! in a different leaf of a large B-tree. Writing them in place costs a durable single create
//! about a hundred page copies. A small transaction instead appends its changes, as one value,
//! to the `recent` table (keyed by a sequence number, so one commit touches one leaf), and the
//! store keeps all of them in memory as a [`Recent`]: every read of the `index` table and of
//! posting lists merges it over the table. When the changes held would pass [`MAX`], the
//! committing transaction folds them into the tables (sorted, each leaf touched once: terms
//! shared by many records, whose newest postings all land in the last block of their list,
//! are written once for the whole group) and empties the `recent` table.
//!
//! The `recent` table is the durable form; [`Recent`] is rebuilt from it when a file is opened.
//! Replaying it is idempotent: a change already folded sets what the table already holds.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::values::error::{Error, Result};

/// The number of changes (index entries and postings) held before they are folded into the
/// tables.
pub(crate) const MAX: usize = 8_192;

const INDEX_ADD: u8 = 1;
const INDEX_REMOVE: u8 = 2;
const POSTING: u8 = 3;

/// The changes of the commits in the `recent` table, as reads merge them over the tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recent {
    /// `index` changes: key → present (added) or not (removed).
    pub(crate) index: BTreeMap<Vec<u8>, bool>,
    /// Posting changes, keyed `[kind][term][0x00][id]` (the order of posting lists), with the
    /// posting's new field classes or [`crate::storage::postings::REMOVE`].
    pub(crate) postings: BTreeMap<Vec<u8>, u8>,
    /// The key of the last value in the `recent` table (0 when there is none yet).
    pub(crate) last: u64,
    /// How many values the `recent` table holds.
    pub(crate) commits: u64,
}

fn corrupt() -> Error {
    Error::corrupt("recent", "a value is damaged")
}

fn push_len(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_len(bytes: &mut &[u8]) -> Result<usize> {
    let mut v = 0usize;
    let mut shift = 0u32;
    loop {
        let (&b, rest) = bytes.split_first().ok_or_else(corrupt)?;
        *bytes = rest;
        if shift > 28 {
            return Err(corrupt());
        }
        v |= usize::from(b & 0x7F) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8]> {
    if bytes.len() < n {
        return Err(corrupt());
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

/// Appends an `index` change to a value of the `recent` table.
pub(crate) fn encode_index(out: &mut Vec<u8>, key: &[u8], present: bool) {
    out.push(if present { INDEX_ADD } else { INDEX_REMOVE });
    push_len(out, key.len());
    out.extend_from_slice(key);
}

/// Appends a posting change (`term` is `[kind][term][0x00]`) to a value of the `recent`
/// table.
pub(crate) fn encode_posting(out: &mut Vec<u8>, term: &[u8], id: u128, classes: u8) {
    out.push(POSTING);
    push_len(out, term.len() + 16);
    out.extend_from_slice(term);
    out.extend_from_slice(&id.to_be_bytes());
    out.push(classes);
}

/// Splits a posting key into its term part `[kind][term]` (without the 0x00) and its id.
pub(crate) fn split_posting_key(key: &[u8]) -> Result<(&[u8], u128)> {
    let at = key.len().checked_sub(17).ok_or_else(corrupt)?;
    let id = <[u8; 16]>::try_from(&key[at + 1..]).map_err(|_| corrupt())?;
    Ok((&key[..at], u128::from_be_bytes(id)))
}

impl Recent {
    /// How many changes are held.
    pub(crate) fn len(&self) -> usize {
        self.index.len() + self.postings.len()
    }

    /// Whether no change is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.index.is_empty() && self.postings.is_empty()
    }

    /// Adds the changes of one value of the `recent` table, stored under `key`, over those held
    /// (later changes of a key replace earlier ones).
    pub(crate) fn add(&mut self, key: u64, value: &[u8]) -> Result<()> {
        let mut rest = value;
        while let Some((&tag, tail)) = rest.split_first() {
            rest = tail;
            let len = read_len(&mut rest)?;
            let k = take(&mut rest, len)?.to_vec();
            match tag {
                INDEX_ADD => {
                    self.index.insert(k, true);
                }
                INDEX_REMOVE => {
                    self.index.insert(k, false);
                }
                POSTING => {
                    if k.len() < 18 {
                        return Err(corrupt());
                    }
                    let classes = take(&mut rest, 1)?[0];
                    self.postings.insert(k, classes);
                }
                _ => return Err(corrupt()),
            }
        }
        self.last = self.last.max(key);
        self.commits += 1;
        Ok(())
    }

    /// The held posting changes whose key starts with `prefix`, in key order.
    pub(crate) fn postings_with_prefix<'a>(
        &'a self,
        prefix: &[u8],
    ) -> impl Iterator<Item = (&'a Vec<u8>, u8)> + 'a {
        let upper = match crate::storage::store::prefix_end(prefix) {
            Some(end) => Bound::Excluded(end),
            None => Bound::Unbounded,
        };
        self.postings
            .range::<Vec<u8>, _>((Bound::Included(prefix.to_vec()), upper))
            .map(|(k, &c)| (k, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_decode_to_the_changes_encoded_and_damage_is_an_error() {
        let mut value = Vec::new();
        encode_index(&mut value, b"\x01abc", true);
        encode_posting(&mut value, b"\x01kowal\x00", 7, 3);
        encode_index(&mut value, b"\x01abc", false);
        let mut recent = Recent::default();
        recent.add(4, &value).unwrap();
        assert_eq!(recent.index.get(&b"\x01abc"[..]), Some(&false));
        let key = [&b"\x01kowal\x00"[..], &7u128.to_be_bytes()].concat();
        assert_eq!(recent.postings.get(&key), Some(&3));
        assert_eq!(split_posting_key(&key).unwrap(), (&b"\x01kowal"[..], 7));
        assert_eq!((recent.last, recent.commits, recent.len()), (4, 1, 2));
        // A value cut between two changes is whole; cut inside one, it is damaged.
        for cut in 1..value.len() {
            let whole = cut == 6 || cut == 32;
            assert_eq!(
                Recent::default().add(1, &value[..cut]).is_ok(),
                whole,
                "cut at {cut}"
            );
        }
        assert!(Recent::default().add(1, &[9, 0]).is_err());
    }
}
