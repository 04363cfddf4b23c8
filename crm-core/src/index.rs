//! Secondary index and search-term keys, and the diff that keeps them in step with records.
//!
//! All secondary indexes share the `index` table. A key is one byte naming the index, the
//! indexed value in an order-preserving encoding, and the 16 bytes of the record id:
//! `[index][value][0x00][id]` for text (values never contain 0x00) and
//! `[index][8-byte instant][id]` for instants. The id at the end makes every key unique and
//! lets a scan read the record id without touching the record. A record's search terms are
//! computed as `[kind][term][0x00][id]` with a byte saying which fields of the record hold the
//! term; the `search` table keeps them as posting lists per term (see `postings.rs`).
//!
//! A record's entries are a pure function of the stored record: on every write the entries of
//! the old and new versions are computed, sorted and merged, and only the difference is
//! written, in the same transaction as the record.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::postings::REMOVE;
use crate::store::Writer;

/// One byte per index. Numbers are part of the file format: never reuse one.
pub(crate) mod ix {
    pub(crate) const CONTACT_EMAIL: u8 = 0x01;
    pub(crate) const CONTACT_PHONE: u8 = 0x02;
    pub(crate) const CONTACT_TAG: u8 = 0x03;
    pub(crate) const CONTACT_OWNER: u8 = 0x04;
    pub(crate) const CONTACT_STAGE: u8 = 0x05;
    pub(crate) const CONTACT_NAME: u8 = 0x06;
    pub(crate) const CONTACT_CREATED: u8 = 0x07;
    pub(crate) const CONTACT_UPDATED: u8 = 0x08;

    pub(crate) const COMPANY_DOMAIN: u8 = 0x20;
    pub(crate) const COMPANY_TAG: u8 = 0x21;
    pub(crate) const COMPANY_OWNER: u8 = 0x22;
    pub(crate) const COMPANY_NAME: u8 = 0x23;
    pub(crate) const COMPANY_CREATED: u8 = 0x24;
    pub(crate) const COMPANY_UPDATED: u8 = 0x25;
    pub(crate) const COMPANY_PARENT: u8 = 0x26;
    pub(crate) const COMPANY_KIND: u8 = 0x27;

    pub(crate) const EMPLOYMENT_BY_CONTACT: u8 = 0x40;
    pub(crate) const EMPLOYMENT_BY_COMPANY: u8 = 0x41;
    pub(crate) const RELATION_BY_FROM: u8 = 0x42;
    pub(crate) const RELATION_BY_TO: u8 = 0x43;
    pub(crate) const RELATION_BY_TYPE: u8 = 0x44;

    pub(crate) const LEAD_EMAIL: u8 = 0x50;
    pub(crate) const LEAD_STATUS: u8 = 0x51;
    pub(crate) const LEAD_SOURCE: u8 = 0x52;
    pub(crate) const LEAD_OWNER: u8 = 0x53;
    pub(crate) const LEAD_TAG: u8 = 0x54;
    pub(crate) const LEAD_NAME: u8 = 0x55;
    pub(crate) const LEAD_CREATED: u8 = 0x56;
    pub(crate) const LEAD_UPDATED: u8 = 0x57;
    /// What a converted lead became: `[index][record kind and id][lead id]`.
    pub(crate) const LEAD_BECAME: u8 = 0x58;
    pub(crate) const LEAD_SCORE: u8 = 0x59;

    pub(crate) const DEAL_STAGE: u8 = 0x60;
    pub(crate) const DEAL_STATUS: u8 = 0x61;
    pub(crate) const DEAL_OWNER: u8 = 0x62;
    pub(crate) const DEAL_TAG: u8 = 0x63;
    pub(crate) const DEAL_COMPANY: u8 = 0x64;
    pub(crate) const DEAL_CONTACT: u8 = 0x65;
    pub(crate) const DEAL_ORIGIN: u8 = 0x66;
    pub(crate) const DEAL_EXPECTED_CLOSE: u8 = 0x67;
    pub(crate) const DEAL_NAME: u8 = 0x68;
    pub(crate) const DEAL_CREATED: u8 = 0x69;
    pub(crate) const DEAL_UPDATED: u8 = 0x6A;
    pub(crate) const DEAL_PIPELINE: u8 = 0x6B;
    pub(crate) const DEAL_PRICE_LIST: u8 = 0x6C;

    pub(crate) const STAGE_CHANGE_BY_DEAL: u8 = 0x70;

    pub(crate) const PRODUCT_SKU: u8 = 0x80;
    pub(crate) const PRODUCT_NAME: u8 = 0x81;

    pub(crate) const QUOTE_BY_DEAL: u8 = 0x90;
    pub(crate) const QUOTE_NUMBER: u8 = 0x91;

    /// An activity on a record's timeline: `[index][record kind and id][8-byte when][id]`.
    pub(crate) const ACTIVITY_ON: u8 = 0xA0;
    /// Tasks per owner: `[index][owner][0x00][0 planned / 1 done][8-byte due or done][id]`.
    pub(crate) const TASK_BY_OWNER: u8 = 0xA1;
    /// Follow-ups: `[index][origin id][id]`.
    pub(crate) const ACTIVITY_FOLLOWS: u8 = 0xA2;
    /// iCalendar UIDs: `[index][uid][0x00][id]`.
    pub(crate) const ACTIVITY_UID: u8 = 0xA3;
    /// Timed activities that do not repeat, per calendar and per user:
    /// `[index][scope][8-byte start][8-byte end][id]`.
    pub(crate) const AGENDA: u8 = 0xA4;
    /// Repeating activities per calendar and per user: `[index][scope][id]`.
    pub(crate) const AGENDA_SERIES: u8 = 0xA5;
    /// Reminders of activities that do not repeat: `[index][8-byte remind at][id]`.
    pub(crate) const REMINDER: u8 = 0xA6;
    /// Repeating activities with reminders: `[index][id]`.
    pub(crate) const REMINDER_SERIES: u8 = 0xA7;
    /// Record changes per record: `[index][record kind and id][change key]`.
    pub(crate) const CHANGE_OF: u8 = 0xA8;
}

/// Which fields of a record hold a search term (the value of a `search` entry).
pub(crate) mod field_class {
    pub(crate) const NAME: u8 = 1;
    pub(crate) const EMAIL: u8 = 2;
    pub(crate) const PHONE: u8 = 4;
    pub(crate) const OTHER: u8 = 8;
}

/// The longest text value kept in a sort key; longer names sort by this prefix, then by id.
pub(crate) const MAX_SORT_BYTES: usize = 64;

/// Appends a date in 4 bytes that sort like the dates (days from the common era, sign bit
/// flipped, big-endian).
pub(crate) fn push_date(out: &mut Vec<u8>, d: chrono::NaiveDate) {
    use chrono::Datelike;
    out.extend_from_slice(&((d.num_days_from_ce() as u32) ^ (1 << 31)).to_be_bytes());
}

/// Appends an instant in 8 bytes that sort like the instants (sign bit flipped, big-endian).
pub(crate) fn push_instant(out: &mut Vec<u8>, t: DateTime<Utc>) {
    let flipped = (t.timestamp_micros() as u64) ^ (1 << 63);
    out.extend_from_slice(&flipped.to_be_bytes());
}

/// Reads an instant written by [`push_instant`] from the first 8 bytes.
pub(crate) fn read_instant(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let raw: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
    DateTime::from_timestamp_micros((u64::from_be_bytes(raw) ^ (1 << 63)) as i64)
}

/// Appends a text value and its terminator. The value must not contain 0x00; every caller
/// passes folded or validated text, and a stray 0x00 is dropped rather than trusted.
pub(crate) fn push_text(out: &mut Vec<u8>, s: &str, max: usize) {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.extend(s.as_bytes()[..end].iter().copied().filter(|&b| b != 0));
    out.push(0);
}

/// A `search` table key: `[kind][term][0x00][id]` (`kind` is a record kind's code, or the
/// products' own byte).
pub(crate) fn search_key(kind: u8, term: &str, id: u128) -> Vec<u8> {
    let mut k = Vec::with_capacity(term.len() + 18);
    k.push(kind);
    k.extend_from_slice(term.as_bytes());
    k.push(0);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// `[index][text][0x00][id]`.
pub(crate) fn text_key(index: u8, value: &str, id: u128) -> Vec<u8> {
    let mut k = Vec::with_capacity(value.len() + 18);
    k.push(index);
    push_text(&mut k, value, usize::MAX);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// `[index][text][0x00]`: the prefix of all keys of one text value.
pub(crate) fn text_prefix(index: u8, value: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(value.len() + 2);
    k.push(index);
    push_text(&mut k, value, usize::MAX);
    k
}

/// `[index][bytes][id]` for fixed-width values (ids, instants, kind codes).
pub(crate) fn raw_key(index: u8, value: &[u8], id: u128) -> Vec<u8> {
    let mut k = Vec::with_capacity(value.len() + 17);
    k.push(index);
    k.extend_from_slice(value);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// `[index][bytes]`: the prefix of all keys of one fixed-width value.
pub(crate) fn raw_prefix(index: u8, value: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(value.len() + 1);
    k.push(index);
    k.extend_from_slice(value);
    k
}

/// The record id at the end of an index or search key.
pub(crate) fn id_of_key(key: &[u8]) -> Option<u128> {
    let start = key.len().checked_sub(16)?;
    let bytes: [u8; 16] = key.get(start..)?.try_into().ok()?;
    Some(u128::from_be_bytes(bytes))
}

/// The index and search entries of one record.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Entries {
    /// Keys of the `index` table (their values are empty).
    pub(crate) index: Vec<Vec<u8>>,
    /// Keys of the `search` table with the field classes holding the term.
    pub(crate) search: Vec<(Vec<u8>, u8)>,
}

/// The search kind byte of the name-prefix lists: `NAME_PREFIX | code` for a record kind's
/// code (1 to 4). For every term a contact, company, lead or deal holds in a name, its first
/// one, two and three characters are kept as terms of their own under this byte, so that the
/// best matches of a short word are the first ids of one list (`search.rs`).
pub(crate) const NAME_PREFIX: u8 = 0x20;

/// How many leading characters of a name term get a name-prefix list.
pub(crate) const NAME_PREFIX_CHARS: usize = 3;

/// The search kind byte of the short name-term lists: `NAME_TERM | code` for a record kind's
/// code (1 to 4). Every term of at most [`NAME_PREFIX_CHARS`] characters that a contact,
/// company, lead or deal holds in a name is kept again under this byte, so that the records
/// holding a short word as a whole name term (the best matches of that word) are one short
/// list, even when the word's own list is long because other fields hold it ("ro" is a term
/// of every `.ro` email address).
pub(crate) const NAME_TERM: u8 = 0x40;

/// Appends to `out` the name-prefix entries of one search entry, and its short name-term entry
/// when the term has at most [`NAME_PREFIX_CHARS`] characters (none unless it is a record
/// kind's term held in a name).
fn push_name_lists(key: &[u8], classes: u8, out: &mut Vec<(Vec<u8>, u8)>) {
    let kind = key.first().copied().unwrap_or(0);
    let record_kind = crate::record::RecordKind::from_code(kind).is_some();
    if classes & field_class::NAME == 0 || !record_kind || key.len() < 18 {
        return;
    }
    let (head, id) = key.split_at(key.len() - 16);
    let Ok(term) = std::str::from_utf8(&head[1..head.len() - 1]) else {
        return;
    };
    let list = |byte: u8, end: usize| {
        let mut k = Vec::with_capacity(end + 18);
        k.push(byte | kind);
        k.extend_from_slice(&term.as_bytes()[..end]);
        k.push(0);
        k.extend_from_slice(id);
        (k, field_class::NAME)
    };
    let ends = term.char_indices().skip(1).map(|(i, _)| i);
    for end in ends.chain([term.len()]).take(NAME_PREFIX_CHARS) {
        out.push(list(NAME_PREFIX, end));
    }
    if term.chars().nth(NAME_PREFIX_CHARS).is_none() {
        out.push(list(NAME_TERM, term.len()));
    }
}

impl Entries {
    /// Adds the name-prefix and short name-term entries of the search terms held in names
    /// ([`NAME_PREFIX`], [`NAME_TERM`]), sorts the keys, drops duplicates and merges the field
    /// classes of repeated terms.
    pub(crate) fn normalize(&mut self) {
        let mut prefixes = Vec::new();
        for (key, classes) in &self.search {
            push_name_lists(key, *classes, &mut prefixes);
        }
        self.search.append(&mut prefixes);
        self.index.sort_unstable();
        self.index.dedup();
        self.search.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.search.dedup_by(|later, kept| {
            if later.0 == kept.0 {
                kept.1 |= later.1;
                true
            } else {
                false
            }
        });
    }
}

/// Writes the difference between two normalized entry sets: removes what only `old` has, puts
/// what only `new` has or what changed.
pub(crate) fn apply_diff(w: &mut impl Writer, old: &Entries, new: &Entries) -> Result<()> {
    merge(
        &old.index,
        &new.index,
        |k| k.as_slice(),
        |change| match change {
            Change::Removed(k) => w.index_remove(k),
            Change::Added(k) => w.index_add(k),
            Change::Kept(_, _) => Ok(()),
        },
    )?;
    merge(
        &old.search,
        &new.search,
        |e| e.0.as_slice(),
        |change| match change {
            Change::Removed(e) => post(w, &e.0, REMOVE),
            Change::Added(e) => post(w, &e.0, e.1),
            Change::Kept(before, after) if before.1 != after.1 => post(w, &after.0, after.1),
            Change::Kept(_, _) => Ok(()),
        },
    )
}

/// Hands a search entry `[kind][term][0x00][id]` to the transaction's posting lists.
fn post(w: &mut impl Writer, key: &[u8], classes: u8) -> Result<()> {
    let split = key.len().saturating_sub(16);
    let id = id_of_key(key).unwrap_or(0);
    w.post(&key[..split], id, classes)
}

enum Change<'a, T> {
    Removed(&'a T),
    Added(&'a T),
    Kept(&'a T, &'a T),
}

fn merge<'a, T>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> &[u8],
    mut f: impl FnMut(Change<'a, T>) -> Result<()>,
) -> Result<()> {
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) => match key(a).cmp(key(b)) {
                std::cmp::Ordering::Less => {
                    f(Change::Removed(a))?;
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    f(Change::Added(b))?;
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    f(Change::Kept(a, b))?;
                    i += 1;
                    j += 1;
                }
            },
            (Some(a), None) => {
                f(Change::Removed(a))?;
                i += 1;
            }
            (None, Some(b)) => {
                f(Change::Added(b))?;
                j += 1;
            }
            (None, None) => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_sort_like_their_bytes() {
        let times = [
            Utc.with_ymd_and_hms(1901, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
        ];
        let keys: Vec<Vec<u8>> = times
            .iter()
            .map(|t| {
                let mut k = Vec::new();
                push_instant(&mut k, *t);
                k
            })
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn shorter_text_sorts_first_and_ids_come_back() {
        let a = text_key(1, "ab", 5);
        let b = text_key(1, "abc", 1);
        assert!(a < b);
        assert_eq!(id_of_key(&a), Some(5));
        assert_eq!(id_of_key(&[1, 2]), None);
        let mut t = Vec::new();
        push_text(&mut t, "łódź", 3);
        assert_eq!(t, "ł".bytes().chain([0]).collect::<Vec<u8>>());
    }

    #[test]
    fn normalize_merges_field_classes() {
        let mut e = Entries {
            index: vec![vec![2], vec![1], vec![2]],
            search: vec![(vec![1], 1), (vec![0], 2), (vec![1], 8)],
        };
        e.normalize();
        assert_eq!(e.index, vec![vec![1], vec![2]]);
        assert_eq!(e.search, vec![(vec![0], 2), (vec![1], 9)]);
    }

    #[test]
    fn names_get_lists_of_their_first_characters() {
        let mut e = Entries {
            index: Vec::new(),
            search: vec![
                (search_key(1, "łódź", 7), field_class::NAME),
                (
                    search_key(1, "lo", 7),
                    field_class::NAME | field_class::EMAIL,
                ),
                (search_key(1, "lodz", 7), field_class::OTHER),
                (search_key(0x10, "lodz", 7), field_class::NAME),
            ],
        };
        e.normalize();
        let list = |byte: u8| -> Vec<(String, u8)> {
            e.search
                .iter()
                .filter(|(k, _)| k[0] == byte | 1)
                .map(|(k, c)| {
                    assert_eq!(id_of_key(k), Some(7));
                    (String::from_utf8(k[1..k.len() - 17].to_vec()).unwrap(), *c)
                })
                .collect()
        };
        let name = field_class::NAME;
        // Only a name term of at most three characters is kept again as a short name term.
        assert_eq!(list(NAME_TERM), [("lo".to_string(), name)]);
        assert_eq!(
            list(NAME_PREFIX),
            [
                ("l", name),
                ("lo", name),
                ("ł", name),
                ("łó", name),
                ("łód", name)
            ]
            .map(|(t, c)| (t.to_string(), c))
        );
        assert_eq!(e.search.len(), 4 + 5 + 1, "products get no name lists");
    }
}
