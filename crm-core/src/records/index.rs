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

use std::ops::Bound;

use chrono::{DateTime, Utc};

use crate::storage::postings::REMOVE;
use crate::storage::store::{Flow, Reader, Table, Writer};
use crate::values::error::Result;

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
    /// Archived contacts (`[ix][id]`), so that a count need not read records (schema 11).
    pub(crate) const CONTACT_ARCHIVED: u8 = 0x09;

    pub(crate) const COMPANY_DOMAIN: u8 = 0x20;
    pub(crate) const COMPANY_TAG: u8 = 0x21;
    pub(crate) const COMPANY_OWNER: u8 = 0x22;
    pub(crate) const COMPANY_NAME: u8 = 0x23;
    pub(crate) const COMPANY_CREATED: u8 = 0x24;
    pub(crate) const COMPANY_UPDATED: u8 = 0x25;
    pub(crate) const COMPANY_PARENT: u8 = 0x26;
    pub(crate) const COMPANY_KIND: u8 = 0x27;
    /// Archived companies (schema 11).
    pub(crate) const COMPANY_ARCHIVED: u8 = 0x28;

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
    /// Archived leads (schema 11).
    pub(crate) const LEAD_ARCHIVED: u8 = 0x5A;

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
    /// Archived deals (schema 11).
    pub(crate) const DEAL_ARCHIVED: u8 = 0x6D;

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

pub(crate) use crate::storage::store::id_of_key;

/// The index and search entries of one record.
///
/// A `search` entry is `[kind][term][0x00][id]` (`kind` is a record kind's code, or the
/// products' own byte) with the field classes holding the term. All of a record's entries
/// end in its id, so the terms are kept without it, one after another in one buffer: a
/// contact has fifty-odd, and a vector each was a tenth of an import's instructions in
/// allocation alone.
#[derive(Debug, Default, Clone)]
pub(crate) struct Entries {
    /// Keys of the `index` table (their values are empty).
    pub(crate) index: Vec<Vec<u8>>,
    /// The record the search entries are of.
    id: u128,
    /// The search terms `[kind][term][0x00]`, one after another.
    terms: Vec<u8>,
    /// Where each search term is in `terms`, and the field classes holding it.
    search: Vec<Term>,
}

/// One search term of [`Entries`]: `terms[start..end]` held in fields `classes`.
#[derive(Debug, Clone, Copy)]
struct Term {
    start: usize,
    end: usize,
    /// The first eight bytes of the term, zero-padded, big-endian: terms compare by it
    /// first, without reaching into the buffer, and by their bytes only when it is equal.
    head: u64,
    classes: u8,
}

impl Term {
    fn new(terms: &[u8], start: usize, classes: u8) -> Term {
        let key = terms.get(start..).unwrap_or_default();
        let mut head = [0; 8];
        for (h, b) in head.iter_mut().zip(key) {
            *h = *b;
        }
        Term {
            start,
            end: terms.len(),
            head: u64::from_be_bytes(head),
            classes,
        }
    }
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

thread_local! {
    /// Emptied entry sets given back by [`Entries::recycle`]: a write takes its buffers from
    /// here, so that an import allocates them once, not twice per record (fresh 1 KiB and
    /// 2 KiB buffers went through malloc's slow path).
    static SPARE: std::cell::RefCell<Vec<Entries>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How many emptied entry sets [`SPARE`] keeps (a write holds two at a time).
const MAX_SPARE: usize = 4;

/// The largest term buffer kept for reuse; a larger one (a record with a long text) is freed.
const MAX_SPARE_BYTES: usize = 64 * 1024;

impl Entries {
    /// No entries yet, of record `id`.
    pub(crate) fn new(id: u128) -> Self {
        let spare = SPARE.with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.pop()));
        let mut e = spare.unwrap_or_else(|| Entries {
            terms: Vec::with_capacity(1024),
            search: Vec::with_capacity(64),
            ..Entries::default()
        });
        e.id = id;
        e
    }

    /// Empties these entries and keeps their buffers for the next [`Entries::new`]. An empty
    /// set that never had buffers (`Entries::default()`) is not kept.
    pub(crate) fn recycle(mut self) {
        if self.terms.capacity() == 0 || self.terms.capacity() > MAX_SPARE_BYTES {
            return;
        }
        self.index.clear();
        self.terms.clear();
        self.search.clear();
        SPARE.with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                if s.len() < MAX_SPARE {
                    s.push(self);
                }
            }
        });
    }

    /// The record the search entries are of.
    pub(crate) fn id(&self) -> u128 {
        self.id
    }

    /// Adds a search entry: `term` of kind `kind` (a record kind's code, or the products'
    /// own byte), held in fields `classes`.
    pub(crate) fn add_term(&mut self, kind: u8, term: &str, classes: u8) {
        let start = self.terms.len();
        self.terms.push(kind);
        self.terms.extend_from_slice(term.as_bytes());
        self.terms.push(0);
        self.search.push(Term::new(&self.terms, start, classes));
    }

    /// The search entries in order: each key without its id, `[kind][term][0x00]`, and the
    /// field classes holding the term.
    pub(crate) fn terms(&self) -> impl Iterator<Item = (&[u8], u8)> + '_ {
        self.search.iter().map(|t| (self.key(t), t.classes))
    }

    fn key(&self, t: &Term) -> &[u8] {
        self.terms.get(t.start..t.end).unwrap_or_default()
    }

    /// Adds the name-prefix entries of one search entry, and its short name-term entry
    /// when the term has at most [`NAME_PREFIX_CHARS`] characters (none unless it is a
    /// record kind's term held in a name).
    fn add_name_lists(&mut self, t: Term) {
        let key = self.key(&t);
        let Some(&kind) = key.first() else {
            return;
        };
        let record_kind = crate::values::id::RecordKind::from_code(kind).is_some();
        if t.classes & field_class::NAME == 0 || !record_kind || key.len() < 3 {
            return;
        }
        let Ok(term) = std::str::from_utf8(&key[1..key.len() - 1]) else {
            return;
        };
        let mut ends = [0; NAME_PREFIX_CHARS];
        let later_chars = term.char_indices().skip(1).map(|(i, _)| i);
        let mut n = 0;
        for (slot, end) in ends.iter_mut().zip(later_chars.chain([term.len()])) {
            *slot = end;
            n += 1;
        }
        let short = term.chars().nth(NAME_PREFIX_CHARS).is_none();
        let (body, len) = (t.start + 1, term.len());
        for end in ends.into_iter().take(n) {
            self.copy_term(NAME_PREFIX | kind, body..body + end);
        }
        if short {
            self.copy_term(NAME_TERM | kind, body..body + len);
        }
    }

    /// Adds a search entry held in a name: `byte`, then the bytes `from` of `terms`.
    fn copy_term(&mut self, byte: u8, from: std::ops::Range<usize>) {
        let start = self.terms.len();
        self.terms.push(byte);
        self.terms.extend_from_within(from);
        self.terms.push(0);
        self.search
            .push(Term::new(&self.terms, start, field_class::NAME));
    }

    /// Adds the name-prefix and short name-term entries of the search terms held in names
    /// ([`NAME_PREFIX`], [`NAME_TERM`]), sorts the keys, drops duplicates and merges the field
    /// classes of repeated terms.
    pub(crate) fn normalize(&mut self) {
        for i in 0..self.search.len() {
            let t = self.search[i];
            self.add_name_lists(t);
        }
        self.index.sort_unstable();
        self.index.dedup();
        let Entries { terms, search, .. } = self;
        let key = |t: &Term| terms.get(t.start..t.end).unwrap_or_default();
        // Heads never order two terms against their bytes: where two heads differ, the terms
        // differ at that byte, or the shorter one has ended there (its padding sorts first).
        search.sort_unstable_by(|a, b| a.head.cmp(&b.head).then_with(|| key(a).cmp(key(b))));
        search.dedup_by(|later, kept| {
            if later.head == kept.head && key(later) == key(kept) {
                kept.classes |= later.classes;
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
    fn whole(k: &Vec<u8>) -> &[u8] {
        k
    }
    merge(
        &old.index,
        &new.index,
        whole,
        whole,
        |change| match change {
            Change::Removed(k) => w.index_remove(k),
            Change::Added(k) => w.index_add(k),
            Change::Kept(_, _) => Ok(()),
        },
    )?;
    merge(
        &old.search,
        &new.search,
        |t| old.key(t),
        |t| new.key(t),
        |change| match change {
            Change::Removed(t) => w.post(old.key(t), old.id, REMOVE),
            Change::Added(t) => w.post(new.key(t), new.id, t.classes),
            Change::Kept(before, after) if before.classes != after.classes => {
                w.post(new.key(after), new.id, after.classes)
            }
            Change::Kept(_, _) => Ok(()),
        },
    )
}

enum Change<'a, T> {
    Removed(&'a T),
    Added(&'a T),
    Kept(&'a T, &'a T),
}

/// Walks two sorted lists together: `old_key` and `new_key` give the keys of their items.
fn merge<'a, 'k, T>(
    old: &'a [T],
    new: &'a [T],
    old_key: impl Fn(&'a T) -> &'k [u8],
    new_key: impl Fn(&'a T) -> &'k [u8],
    mut f: impl FnMut(Change<'a, T>) -> Result<()>,
) -> Result<()> {
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) => match old_key(a).cmp(new_key(b)) {
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

/// The ids at the end of every index key starting with `prefix`, in key order.
pub(crate) fn ids_with_prefix(r: &mut impl Reader, prefix: &[u8]) -> Result<Vec<u128>> {
    let mut out = Vec::new();
    r.scan_prefix(Table::INDEX, prefix, false, |key, _| {
        out.extend(id_of_key(key));
        Ok(Flow::Continue(()))
    })?;
    Ok(out)
}

/// The ids at the end of every index key of `group` (see [`Reader::scan_group`]), in key
/// order.
pub(crate) fn ids_in_group(r: &mut impl Reader, group: &[u8]) -> Result<Vec<u128>> {
    let mut out = Vec::new();
    r.scan_group(group, |key, _| {
        out.extend(id_of_key(key));
        Ok(Flow::Continue(()))
    })?;
    Ok(out)
}

/// The ids at the end of every index key in `range`, in key order (or reverse).
pub(crate) fn ids_in_range(
    r: &mut impl Reader,
    range: (Bound<&[u8]>, Bound<&[u8]>),
    reverse: bool,
) -> Result<Vec<u128>> {
    let mut out = Vec::new();
    r.scan(Table::INDEX, range, reverse, |key, _| {
        out.extend(id_of_key(key));
        Ok(Flow::Continue(()))
    })?;
    Ok(out)
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
        let mut e = Entries::new(7);
        e.index = vec![vec![2], vec![1], vec![2]];
        e.add_term(0x10, "b", 1);
        e.add_term(0x10, "a", 2);
        e.add_term(0x10, "b", 8);
        e.normalize();
        assert_eq!(e.index, vec![vec![1], vec![2]]);
        let terms: Vec<(&[u8], u8)> = e.terms().collect();
        assert_eq!(terms, [(&b"\x10a\0"[..], 2), (&b"\x10b\0"[..], 9)]);
    }

    #[test]
    fn names_get_lists_of_their_first_characters() {
        let mut e = Entries::new(7);
        e.add_term(1, "łódź", field_class::NAME);
        e.add_term(1, "lo", field_class::NAME | field_class::EMAIL);
        e.add_term(1, "lodz", field_class::OTHER);
        e.add_term(0x10, "lodz", field_class::NAME);
        e.normalize();
        let list = |byte: u8| -> Vec<(String, u8)> {
            e.terms()
                .filter(|(k, _)| k[0] == byte | 1)
                .map(|(k, c)| {
                    assert_eq!(k.last(), Some(&0));
                    (String::from_utf8(k[1..k.len() - 1].to_vec()).unwrap(), c)
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
        assert_eq!(e.terms().count(), 4 + 5 + 1, "products get no name lists");
        assert_eq!(e.id(), 7);
    }
}
