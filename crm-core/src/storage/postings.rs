//! Posting lists: how the `search` table stores which records hold which term.
//!
//! The records holding one term are kept in blocks of ascending ids. A block's key is the
//! term's prefix `[kind][term][0x00]` followed by the 16 big-endian bytes of the block's first
//! id; its value is `0x80 | classes` (the first posting's field classes), then, for every
//! further posting, a byte `(n - 1) << 4 | classes` and the `n` little-endian bytes of the
//! difference to the previous id (`n` from 1 to 16, the fewest that hold it; never 0). The
//! difference of two ids minted in different milliseconds is about 83 bits (11 bytes), of two
//! minted in the same millisecond a byte; a reader loads sixteen bytes and masks them, with no
//! loop and no branch on the bytes. A block is at most [`MAX_BLOCK`] bytes, so one change
//! rewrites a small value, while a term held by half a million records is a few thousand
//! sequential values rather than half a million keys.
//!
//! Blocks written before schema version 8 start with the bare classes (below 0x80) and hold
//! each difference as unsigned LEB128 before the posting's classes; [`decode`] still reads
//! them, as migrations up to version 8 run over such blocks, and version 8's migration
//! ([`repack`]) rewrites every one. A block of one posting of that form, `[classes]`, is the
//! one-key-per-term layout of schema version 2.
//!
//! Inside a write transaction, changes are not applied one by one: the transaction collects
//! them per term ([`crate::storage::store::Writer::post`]) and [`apply`] merges each term's changes into
//! its blocks in one pass, before anything reads the table and when the transaction commits.

use std::cmp::Ordering;
use std::ops::Bound;

use crate::storage::recent;
use crate::storage::store::{self, Flow, Reader, Table, Writer};
use crate::values::error::{Error, Result};

/// The largest block written, in bytes (a block of one posting may not be split further).
///
/// Three full blocks fill a 4 KiB redb leaf: a leaf holds a 4-byte header and, per entry, 8
/// bytes of offsets, the key (at most 50 bytes: kind, a term of at most 32 bytes, 0x00, id)
/// and the value, and 3 × (8 + 50 + 1300) + 4 = 4078. With 1 KiB blocks a leaf took three
/// full ones and left about 900 bytes empty, a fifth of the table's pages.
pub(crate) const MAX_BLOCK: usize = 1300;

/// A change to a posting list: the record id and its new field classes, or [`REMOVE`].
pub(crate) type Change = (u128, u8);

/// Collected changes, per term (`[kind][term][0x00]`), each term's in the order made.
pub(crate) type TermChanges = Vec<(Vec<u8>, Vec<Change>)>;

/// The field classes of a change that removes the posting.
pub(crate) const REMOVE: u8 = 0;

/// The first byte of a block of schema version 8 or later (see the module docs).
const PACKED: u8 = 0x80;

/// The field classes' bits in a posting's byte.
const CLASSES: u8 = 0x0F;

/// How many bytes hold `v` (at least one).
fn byte_len(v: u128) -> usize {
    let bits = 128 - v.leading_zeros() as usize;
    bits.max(1).div_ceil(8)
}

#[cfg(test)]
fn push_varint(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
fn varint_len(v: u128) -> usize {
    let bits = 128 - v.leading_zeros() as usize;
    bits.max(1).div_ceil(7)
}

/// Reads an unsigned LEB128 value of at most 128 bits from the front of `rest` (blocks
/// written before schema version 8).
///
/// Ids made in the same millisecond differ by one byte; others by about eleven, as the 80 bits
/// after the time are random. So a one-byte value is taken at once, and a longer one eight bytes
/// at a time: the bytes' 7-bit groups are put side by side with masks and shifts, rather than
/// shifted one by one into a u128.
#[inline]
fn read_varint(rest: &mut &[u8]) -> Result<u128> {
    let bytes = *rest;
    if let Some(&b) = bytes.first() {
        if b < 0x80 {
            *rest = &bytes[1..];
            return Ok(u128::from(b));
        }
    }
    let mut value = 0u128;
    let mut at = 0;
    if let Some(eight) = bytes.first_chunk::<8>() {
        let word = u64::from_le_bytes(*eight);
        // The high bit of each byte that ends the value.
        let ends = !word & 0x8080_8080_8080_8080;
        let len = if ends == 0 {
            8
        } else {
            ends.trailing_zeros() as usize / 8 + 1
        };
        let kept = if len == 8 {
            word
        } else {
            word & ((1 << (8 * len)) - 1)
        };
        value = u128::from(seven_bit_groups(kept));
        if ends != 0 {
            *rest = &bytes[len..];
            return Ok(value);
        }
        at = 8;
        // The next eight bytes the same way, when the value ends among them and within
        // 128 bits (at most 18 bytes); anything else is left to the checked loop below.
        if let Some(eight) = bytes.get(8..).and_then(|b| b.first_chunk::<8>()) {
            let word = u64::from_le_bytes(*eight);
            let ends = !word & 0x8080_8080_8080_8080;
            let len = ends.trailing_zeros() as usize / 8 + 1;
            if ends != 0 && len < 8 {
                let kept = word & ((1 << (8 * len)) - 1);
                value |= u128::from(seven_bit_groups(kept)) << 56;
                *rest = &bytes[8 + len..];
                return Ok(value);
            }
        }
    }
    while let Some(&b) = bytes.get(at) {
        let shift = 7 * at as u32;
        if shift >= 128 || (shift == 126 && b > 0b11) {
            return Err(corrupt());
        }
        value |= u128::from(b & 0x7F) << shift;
        at += 1;
        if b & 0x80 == 0 {
            *rest = &bytes[at..];
            return Ok(value);
        }
    }
    Err(corrupt())
}

/// The low seven bits of each byte of `x` (little-endian), packed into 56 bits.
fn seven_bit_groups(x: u64) -> u64 {
    let x = x & 0x7F7F_7F7F_7F7F_7F7F;
    let x = ((x & 0x7F00_7F00_7F00_7F00) >> 1) | (x & 0x007F_007F_007F_007F);
    let x = ((x & 0x3FFF_0000_3FFF_0000) >> 2) | (x & 0x0000_3FFF_0000_3FFF);
    ((x & 0x0FFF_FFFF_0000_0000) >> 4) | (x & 0x0000_0000_0FFF_FFFF)
}

fn corrupt() -> Error {
    Error::corrupt("search", "a posting block is damaged")
}

/// Calls `f` with each posting (id, classes) of the block that starts at `first`, until it
/// breaks; returns whether it broke.
#[inline]
pub(crate) fn decode(
    first: u128,
    block: &[u8],
    mut f: impl FnMut(u128, u8) -> Result<Flow>,
) -> Result<bool> {
    let (&head, mut rest) = block.split_first().ok_or_else(corrupt)?;
    if head & PACKED == 0 {
        return decode_leb128(first, block, f);
    }
    let mut id = first;
    if f(id, head & CLASSES)?.is_break() {
        return Ok(true);
    }
    while let Some((&byte, tail)) = rest.split_first() {
        let n = usize::from(byte >> 4) + 1;
        let delta = match tail.first_chunk::<16>() {
            // Sixteen bytes at hand: the difference is the first `n` of them.
            Some(sixteen) => u128::from_le_bytes(*sixteen) & (u128::MAX >> (128 - 8 * n)),
            None => {
                let mut sixteen = [0u8; 16];
                sixteen[..n].copy_from_slice(tail.get(..n).ok_or_else(corrupt)?);
                u128::from_le_bytes(sixteen)
            }
        };
        rest = &tail[n..];
        if delta == 0 {
            return Err(corrupt());
        }
        id = id.checked_add(delta).ok_or_else(corrupt)?;
        if f(id, byte & CLASSES)?.is_break() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// [`decode`] for a block written before schema version 8.
fn decode_leb128(
    first: u128,
    block: &[u8],
    mut f: impl FnMut(u128, u8) -> Result<Flow>,
) -> Result<bool> {
    let (&classes, mut rest) = block.split_first().ok_or_else(corrupt)?;
    let mut id = first;
    if f(id, classes)?.is_break() {
        return Ok(true);
    }
    while !rest.is_empty() {
        let delta = read_varint(&mut rest)?;
        let (&classes, tail) = rest.split_first().ok_or_else(corrupt)?;
        rest = tail;
        if delta == 0 {
            return Err(corrupt());
        }
        id = id.checked_add(delta).ok_or_else(corrupt)?;
        if f(id, classes)?.is_break() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The block of `postings` (ascending ids, at least one; classes of at most four bits); its
/// first id goes in the key.
pub(crate) fn encode(postings: &[Change], out: &mut Vec<u8>) {
    out.clear();
    let mut previous = None;
    for &(id, classes) in postings {
        debug_assert_eq!(
            classes & !CLASSES,
            0,
            "field classes of more than four bits"
        );
        let classes = classes & CLASSES;
        match previous {
            None => out.push(PACKED | classes),
            Some(p) => {
                let delta: u128 = id - p;
                let n = byte_len(delta);
                out.push(((n - 1) as u8) << 4 | classes);
                out.extend_from_slice(&delta.to_le_bytes()[..n]);
            }
        }
        previous = Some(id);
    }
}

/// Splits ascending `postings` into runs that each encode in at most `max` bytes.
fn pieces(postings: &[Change], max: usize) -> Vec<&[Change]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, &(id, _)) in postings.iter().enumerate() {
        let cost = if i == start {
            1
        } else {
            byte_len(id - postings[i - 1].0) + 1
        };
        if i > start && size + cost > max {
            out.push(&postings[start..i]);
            start = i;
            size = 1;
        } else {
            size += cost;
        }
    }
    if start < postings.len() {
        out.push(&postings[start..]);
    }
    out
}

/// `[kind][term][0x00][id]`.
fn block_key(term: &[u8], first: u128) -> Vec<u8> {
    let mut k = Vec::with_capacity(term.len() + 16);
    k.extend_from_slice(term);
    k.extend_from_slice(&first.to_be_bytes());
    k
}

/// The term of a block key: `[kind][term][0x00]`, without the id.
fn term_of(key: &[u8]) -> Result<&[u8]> {
    let len = key.len().checked_sub(16).ok_or_else(corrupt)?;
    Ok(&key[..len])
}

fn first_of(key: &[u8]) -> Result<u128> {
    store::id_of_key(key).ok_or_else(corrupt)
}

/// The ids, ascending, of the records of search kind `kind` that have, for every word of
/// `text`, a term starting with it (the longest words are read first).
pub(crate) fn ids_with_every_word(r: &mut impl Reader, kind: u8, text: &str) -> Result<Vec<u128>> {
    let mut words = crate::values::text::terms(text);
    words.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    words.dedup();
    let mut found: Option<Vec<u128>> = None;
    for word in &words {
        let mut prefix = vec![kind];
        prefix.extend_from_slice(word.as_bytes());
        let mut ids = Vec::new();
        scan(r, &prefix, |_, id, _| {
            ids.push(id);
            Ok(Flow::Continue(()))
        })?;
        ids.sort_unstable();
        ids.dedup();
        found = Some(match found {
            None => ids,
            Some(before) => before
                .into_iter()
                .filter(|id| ids.binary_search(id).is_ok())
                .collect(),
        });
    }
    Ok(found.unwrap_or_default())
}

/// Calls `f` with the term part of the key (`[kind][term]`, without the 0x00), the id and the
/// field classes of every posting whose term starts with `prefix` (`[kind][word]`; with the
/// 0x00 appended, of that one term): terms in byte order, ids ascending within a term. The
/// recent changes not yet folded into the table (see `recent.rs`) are merged in.
pub(crate) fn scan(
    r: &mut impl Reader,
    prefix: &[u8],
    mut f: impl FnMut(&[u8], u128, u8) -> Result<Flow>,
) -> Result<()> {
    let recent = r.recent()?;
    let mut pending = recent.postings_with_prefix(prefix).peekable();
    if pending.peek().is_none() {
        // Nothing to merge: the common case, kept free of the merge's per-posting work.
        return scan_table(r, prefix, f).map(drop);
    }
    let stopped = scan_table(r, prefix, |term, id, classes| {
        let mut classes = classes;
        // Recent changes that come before this posting, or replace it.
        while let Some(&(k, changed)) = pending.peek() {
            let (t, i) = recent::split_posting_key(k)?;
            match (t, i).cmp(&(term, id)) {
                Ordering::Less => {
                    pending.next();
                    if changed != REMOVE && f(t, i, changed)?.is_break() {
                        return Ok(Flow::Break(()));
                    }
                }
                Ordering::Equal => {
                    pending.next();
                    classes = changed;
                    break;
                }
                Ordering::Greater => break,
            }
        }
        if classes == REMOVE {
            return Ok(Flow::Continue(()));
        }
        f(term, id, classes)
    })?;
    if !stopped {
        for (k, changed) in pending {
            let (t, i) = recent::split_posting_key(k)?;
            if changed != REMOVE && f(t, i, changed)?.is_break() {
                break;
            }
        }
    }
    Ok(())
}

/// [`scan`] over the `search` table alone; returns whether `f` stopped it.
fn scan_table(
    r: &mut impl Reader,
    prefix: &[u8],
    mut f: impl FnMut(&[u8], u128, u8) -> Result<Flow>,
) -> Result<bool> {
    let mut stopped = false;
    r.scan_prefix(Table::SEARCH, prefix, false, |key, block| {
        let first = first_of(key)?;
        // The term runs up to the 0x00 before the 16 id bytes.
        let term = key.get(..key.len() - 17).ok_or_else(corrupt)?;
        stopped = decode(first, block, |id, classes| f(term, id, classes))?;
        Ok(if stopped {
            Flow::Break(())
        } else {
            Flow::Continue(())
        })
    })?;
    Ok(stopped)
}

/// The terms (`[kind][term][0x00]`) that start with `prefix` (`[kind][word]`), in the table or
/// in the recent changes, in byte order; `None` when there are more than `max`. Each term
/// costs one descent of the table: the scan after a term starts past all of its blocks.
pub(crate) fn terms(
    r: &mut impl Reader,
    recent: &recent::Recent,
    prefix: &[u8],
    max: usize,
) -> Result<Option<Vec<Vec<u8>>>> {
    let end = store::prefix_end(prefix);
    let upper = match &end {
        Some(e) => Bound::Excluded(e.as_slice()),
        None => Bound::Unbounded,
    };
    let mut found: Vec<Vec<u8>> = Vec::new();
    let mut from = prefix.to_vec();
    while found.len() <= max {
        let mut term = None;
        r.scan(
            Table::SEARCH,
            (Bound::Included(&from), upper),
            false,
            |key, _| {
                term = Some(term_of(key)?.to_vec());
                Ok(Flow::Break(()))
            },
        )?;
        let Some(term) = term else { break };
        from = store::prefix_end(&term).ok_or_else(corrupt)?;
        found.push(term);
    }
    let mut from = prefix.to_vec();
    while let Some((key, _)) = recent
        .postings
        .range::<[u8], _>((Bound::Included(from.as_slice()), upper))
        .next()
    {
        let term = term_of(key)?.to_vec();
        from = store::prefix_end(&term).ok_or_else(corrupt)?;
        found.push(term);
    }
    found.sort_unstable();
    found.dedup();
    Ok((found.len() <= max).then_some(found))
}

/// One term's postings read in id order a chunk at a time. Each chunk is one scan of the table
/// from the block where the previous one stopped, with the recent changes in its id range
/// merged in, so that several lists can be read side by side and left as soon as a search
/// has what it needs.
pub(crate) struct TermReader {
    /// `[kind][term][0x00]`.
    term: Vec<u8>,
    /// The smallest key past the term's blocks.
    end: Vec<u8>,
    /// The key of the next block to read; `None` once the table's blocks are all read.
    next: Option<Vec<u8>>,
    /// The last id of the previous chunk: the recent changes up to it are merged already.
    after: Option<u128>,
    /// Whether the list is read to its end.
    finished: bool,
    /// The postings of the table in the chunk being read, before the recent changes.
    table: Vec<Change>,
}

impl TermReader {
    /// A reader at the start of the list of `term` (`[kind][term][0x00]`).
    pub(crate) fn new(term: Vec<u8>) -> Result<TermReader> {
        Ok(TermReader {
            end: store::prefix_end(&term).ok_or_else(corrupt)?,
            next: Some(term.clone()),
            term,
            after: None,
            finished: false,
            table: Vec::new(),
        })
    }

    /// Whether the list is read to its end: the last chunk has been handed out.
    pub(crate) fn finished(&self) -> bool {
        self.finished
    }

    /// Replaces `out` with the next postings in id order: whole blocks, until at least `min`
    /// are read or the list ends. Returns false, with `out` empty, once the list has no more.
    pub(crate) fn next_chunk(
        &mut self,
        r: &mut impl Reader,
        recent: &recent::Recent,
        min: usize,
        out: &mut Vec<Change>,
    ) -> Result<bool> {
        out.clear();
        while out.is_empty() && !self.finished {
            self.table.clear();
            let mut next = None;
            if let Some(from) = self.next.take() {
                let table = &mut self.table;
                let range = (
                    Bound::Included(from.as_slice()),
                    Bound::Excluded(&self.end[..]),
                );
                r.scan(Table::SEARCH, range, false, |key, block| {
                    if table.len() >= min.max(1) {
                        next = Some(key.to_vec());
                        return Ok(Flow::Break(()));
                    }
                    decode(first_of(key)?, block, |id, classes| {
                        table.push((id, classes));
                        Ok(Flow::Continue(()))
                    })?;
                    Ok(Flow::Continue(()))
                })?;
            }
            self.next = next;
            // The table's postings up to `last` are all read (the next block starts above it);
            // the recent changes from after the previous chunk up to it go with this chunk.
            let last = match self.next {
                Some(_) => self.table.last().map(|p| p.0),
                None => None,
            };
            let mut changes = Vec::new();
            if !recent.postings.is_empty() {
                let key = |id: u128| block_key(&self.term, id);
                let lower = match self.after {
                    Some(a) => Bound::Excluded(key(a)),
                    None => Bound::Included(self.term.clone()),
                };
                let upper = match last {
                    Some(l) => Bound::Included(key(l)),
                    None => Bound::Excluded(self.end.clone()),
                };
                for (k, &c) in recent.postings.range::<Vec<u8>, _>((lower, upper)) {
                    changes.push((recent::split_posting_key(k)?.1, c));
                }
            }
            if changes.is_empty() {
                std::mem::swap(out, &mut self.table);
            } else {
                let mut changes = changes.into_iter().peekable();
                for &(id, classes) in &self.table {
                    let mut classes = classes;
                    while let Some((changed, c)) = changes.next_if(|&(changed, _)| changed <= id) {
                        if changed == id {
                            classes = c;
                        } else if c != REMOVE {
                            out.push((changed, c));
                        }
                    }
                    if classes != REMOVE {
                        out.push((id, classes));
                    }
                }
                out.extend(changes.filter(|&(_, c)| c != REMOVE));
            }
            self.after = last;
            self.finished = self.next.is_none();
        }
        Ok(!out.is_empty())
    }
}

/// A stored block: its first id and its bytes.
type Block = (u128, Vec<u8>);

/// Merges `changes` (in the order they were made; the last change of an id wins) into the
/// blocks of `term` (`[kind][term][0x00]`).
pub(crate) fn apply(w: &mut impl Writer, term: &[u8], changes: Vec<Change>) -> Result<()> {
    apply_with(w, term, changes, MAX_BLOCK)
}

/// [`apply`] with blocks of at most `max` bytes (tests write small blocks).
pub(crate) fn apply_with(
    w: &mut impl Writer,
    term: &[u8],
    mut changes: Vec<Change>,
    max: usize,
) -> Result<()> {
    settle(&mut changes);
    let term_end = store::prefix_end(term).ok_or_else(corrupt)?;
    let mut old: Vec<Change> = Vec::new();
    let mut merged: Vec<Change> = Vec::new();
    let mut value = Vec::new();
    // The term's last block. Changes from its first id on all go to it, in one step: that is
    // every change of a new term and, ids growing with time, of an import's terms, which
    // then cost one search of the table rather than two or three.
    let mut last = edge_block(w, (Bound::Included(term), Bound::Excluded(&term_end)), true)?;
    let mut i = 0;
    while i < changes.len() {
        let id = changes[i].0;
        // The block taking the changes from `id` on, and the first id of the block after it,
        // which bounds them. The last block takes every change left, ending the loop.
        let tail = last.as_ref().is_none_or(|(first, _)| *first <= id);
        let (block, next) = if tail {
            (last.take(), None)
        } else {
            block_of(w, term, &term_end, id)?
        };
        let end = next.map_or(changes.len(), |n| {
            i + changes[i..].partition_point(|c| c.0 < n)
        });
        old.clear();
        if let Some((first, bytes)) = &block {
            decode(*first, bytes, |id, classes| {
                old.push((id, classes));
                Ok(Flow::Continue(()))
            })?;
        }
        merge(&old, &changes[i..end], &mut merged);
        if let Some((first, _)) = &block {
            if merged.first().map(|m| m.0) != Some(*first) {
                w.remove(Table::SEARCH, &block_key(term, *first))?;
            }
        }
        for piece in pieces(&merged, max) {
            encode(piece, &mut value);
            w.put(Table::SEARCH, &block_key(term, piece[0].0), &value)?;
        }
        i = end;
    }
    Ok(())
}

/// The block of `term` holding `id` (the last one starting at or before it, else the term's
/// first), and the first id of the block after that one.
fn block_of(
    r: &mut impl Reader,
    term: &[u8],
    term_end: &[u8],
    id: u128,
) -> Result<(Option<Block>, Option<u128>)> {
    let at = block_key(term, id);
    let mut block = edge_block(r, (Bound::Included(term), Bound::Included(&at)), true)?;
    if block.is_none() {
        block = edge_block(r, (Bound::Included(term), Bound::Excluded(term_end)), false)?;
    }
    let mut next: Option<u128> = None;
    if let Some((first, _)) = &block {
        let after = block_key(term, *first);
        r.scan(
            Table::SEARCH,
            (Bound::Excluded(&after), Bound::Excluded(term_end)),
            false,
            |k, _| {
                next = Some(first_of(k)?);
                Ok(Flow::Break(()))
            },
        )?;
    }
    Ok((block, next))
}

/// The first block of the `search` table in `range`, in the scan's direction.
fn edge_block(
    r: &mut impl Reader,
    range: (Bound<&[u8]>, Bound<&[u8]>),
    reverse: bool,
) -> Result<Option<Block>> {
    let mut block = None;
    r.scan(Table::SEARCH, range, reverse, |k, v| {
        block = Some((first_of(k)?, v.to_vec()));
        Ok(Flow::Break(()))
    })?;
    Ok(block)
}

/// Sorts `changes` by id, keeping only the last change of each id (they are in the order
/// made).
fn settle(changes: &mut Vec<Change>) {
    // A stable sort keeps each id's changes in the order made; keep the last.
    changes.sort_by_key(|c| c.0);
    changes.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            kept.1 = later.1;
            true
        } else {
            false
        }
    });
}

/// Sets `out` to the postings `old` (ascending ids) with the settled `changes` applied: a
/// change of an id already there replaces it, [`REMOVE`] removes it.
fn merge(old: &[Change], changes: &[Change], out: &mut Vec<Change>) {
    out.clear();
    let (mut a, mut b) = (0, 0);
    loop {
        let change = match (old.get(a).copied(), changes.get(b).copied()) {
            (Some(o), Some(c)) if o.0 < c.0 => {
                out.push(o);
                a += 1;
                continue;
            }
            (Some(o), Some(c)) => {
                if o.0 == c.0 {
                    a += 1;
                }
                b += 1;
                c
            }
            (None, Some(c)) => {
                b += 1;
                c
            }
            (Some(o), None) => {
                out.push(o);
                a += 1;
                continue;
            }
            (None, None) => return,
        };
        if change.1 != REMOVE {
            out.push(change);
        }
    }
}

/// Writes every block of the `search` table that was written before schema version 8 in the
/// present form: same key, same postings (see the module docs). Blocks already in it are
/// copied. For version 8's migration, through [`store::WriteTx::rewrite`].
pub(crate) fn repack(
    old: &mut store::Entries<'_, '_>,
    out: &mut store::Appender<'_>,
) -> Result<()> {
    let (mut postings, mut value) = (Vec::new(), Vec::new());
    while let Some(e) = old.next()? {
        if e.value().first().is_some_and(|&b| b & PACKED != 0) {
            out.push(e.key(), e.value())?;
            continue;
        }
        postings.clear();
        decode(first_of(e.key())?, e.value(), |id, classes| {
            if classes & !CLASSES != 0 {
                return Err(corrupt());
            }
            postings.push((id, classes));
            Ok(Flow::Continue(()))
        })?;
        encode(&postings, &mut value);
        out.push(e.key(), &value)?;
    }
    Ok(())
}

/// Writes the `search` table anew from its `old` entries and the collected changes of
/// `terms` (`[kind][term][0x00]` → changes in the order made; sorted by term): the blocks of
/// a term without changes are copied, those of a term with changes are merged with them and
/// cut into blocks again. See [`store::WriteTx`]'s `rewrite`.
pub(crate) fn rewrite(
    old: &mut store::Entries<'_, '_>,
    out: &mut store::Appender<'_>,
    terms: TermChanges,
) -> Result<()> {
    rewrite_with(old, out, terms, MAX_BLOCK)
}

fn rewrite_with(
    old: &mut store::Entries<'_, '_>,
    out: &mut store::Appender<'_>,
    terms: TermChanges,
    max: usize,
) -> Result<()> {
    /// The term of a block key, with its 0x00: keys sort by it first.
    fn term_of(key: &[u8]) -> Result<&[u8]> {
        key.get(..key.len().wrapping_sub(16)).ok_or_else(corrupt)
    }
    let mut entry = old.next()?;
    let (mut postings, mut merged, mut value) = (Vec::new(), Vec::new(), Vec::new());
    for (term, mut changes) in terms {
        settle(&mut changes);
        postings.clear();
        while let Some(e) = &entry {
            let key = e.key();
            match term_of(key)?.cmp(&term) {
                Ordering::Less => out.push(key, e.value())?,
                Ordering::Equal => {
                    decode(first_of(key)?, e.value(), |id, classes| {
                        postings.push((id, classes));
                        Ok(Flow::Continue(()))
                    })?;
                }
                Ordering::Greater => break,
            }
            entry = old.next()?;
        }
        merge(&postings, &changes, &mut merged);
        for piece in pieces(&merged, max) {
            encode(piece, &mut value);
            out.push(&block_key(&term, piece[0].0), &value)?;
        }
    }
    while let Some(e) = entry {
        out.push(e.key(), e.value())?;
        entry = old.next()?;
    }
    Ok(())
}

/// Writes collected changes to an empty table (a spill, see [`store::WriteTx`]'s
/// `spill_postings`) as blocks, term by term in key order (`terms` is sorted): each term's
/// changes settled (one per id, ascending) and cut into blocks like a posting list's, but
/// with the removals kept (field classes [`REMOVE`]), for [`merge_spills`] to apply.
pub(crate) fn spill(out: &mut store::Appender<'_>, terms: TermChanges) -> Result<()> {
    let mut value = Vec::new();
    for (term, mut changes) in terms {
        settle(&mut changes);
        for piece in pieces(&changes, MAX_BLOCK) {
            encode(piece, &mut value);
            out.push(&block_key(&term, piece[0].0), &value)?;
        }
    }
    Ok(())
}

/// Writes the `search` table anew from its `old` entries, the changes of earlier flushes
/// written to `spills` (oldest first, each as [`spill`] wrote it) and the collected changes
/// of `terms` (the newest; sorted by term), all read in key order at once: a term only the
/// old table holds keeps its blocks; any other is merged from every source, older changes
/// under newer ones, and cut into blocks again.
pub(crate) fn merge_spills(
    old: &mut store::Entries<'_, '_>,
    spills: &mut [store::Entries<'_, '_>],
    out: &mut store::Appender<'_>,
    terms: TermChanges,
) -> Result<()> {
    let mut old_head = old.next()?;
    let mut heads = Vec::with_capacity(spills.len());
    for spill in spills.iter_mut() {
        heads.push(spill.next()?);
    }
    let mut held = terms.into_iter().peekable();
    let (mut postings, mut changes, mut merged, mut value) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    loop {
        // The smallest term any source holds next.
        let mut term: Option<Vec<u8>> = held.peek().map(|(t, _)| t.clone());
        for head in old_head.iter().chain(heads.iter().flatten()) {
            let t = term_of(head.key())?;
            if term.as_deref().is_none_or(|best| t < best) {
                term = Some(t.to_vec());
            }
        }
        let Some(term) = term else {
            return Ok(());
        };
        let in_spills = heads
            .iter()
            .flatten()
            .any(|h| term_of(h.key()).is_ok_and(|t| t == term.as_slice()));
        let in_held = held.peek().is_some_and(|(t, _)| *t == term);
        postings.clear();
        while let Some(e) = old_head.take_if(|e| term_of(e.key()).is_ok_and(|t| t == term)) {
            if !in_spills && !in_held {
                out.push(e.key(), e.value())?;
            } else {
                decode(first_of(e.key())?, e.value(), |id, classes| {
                    postings.push((id, classes));
                    Ok(Flow::Continue(()))
                })?;
            }
            old_head = old.next()?;
        }
        if !in_spills && !in_held {
            continue;
        }
        for (head, spill) in heads.iter_mut().zip(spills.iter_mut()) {
            changes.clear();
            while let Some(e) = head.take_if(|e| term_of(e.key()).is_ok_and(|t| t == term)) {
                decode(first_of(e.key())?, e.value(), |id, classes| {
                    changes.push((id, classes));
                    Ok(Flow::Continue(()))
                })?;
                *head = spill.next()?;
            }
            if !changes.is_empty() {
                merge(&postings, &changes, &mut merged);
                std::mem::swap(&mut postings, &mut merged);
            }
        }
        if let Some((_, mut newest)) = held.next_if(|(t, _)| *t == term) {
            settle(&mut newest);
            merge(&postings, &newest, &mut merged);
            std::mem::swap(&mut postings, &mut merged);
        }
        for piece in pieces(&postings, MAX_BLOCK) {
            encode(piece, &mut value);
            out.push(&block_key(&term, piece[0].0), &value)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::store::{Location, Store};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// A block as schema versions 3 to 7 wrote it: classes, then per posting the LEB128
    /// difference and the classes.
    fn encode_leb128(postings: &[Change]) -> Vec<u8> {
        let mut out = vec![postings[0].1];
        for w in postings.windows(2) {
            push_varint(&mut out, w[1].0 - w[0].0);
            out.push(w[1].1);
        }
        out
    }

    fn decoded(first: u128, block: &[u8]) -> Result<Vec<Change>> {
        let mut back = Vec::new();
        decode(first, block, |id, c| {
            back.push((id, c));
            Ok(Flow::Continue(()))
        })?;
        Ok(back)
    }

    #[test]
    fn a_block_has_the_documented_bytes() {
        let mut out = Vec::new();
        let postings = [(1000, 1), (1001, 8), (1001 + 300, 9)];
        encode(&postings, &mut out);
        // 0x80 | classes 1; one byte, classes 8: delta 1; two bytes, classes 9: delta 300 =
        // 0x012C, little-endian.
        assert_eq!(out, vec![0x81, 0x08, 0x01, 0x19, 0x2C, 0x01]);
        assert_eq!(decoded(1000, &out).unwrap(), postings);
        // The same postings as versions 3 to 7 wrote them read the same.
        let legacy = encode_leb128(&postings);
        assert_eq!(legacy, vec![1, 1, 8, 0xAC, 0x02, 9]);
        assert_eq!(decoded(1000, &legacy).unwrap(), postings);
        // The widest delta round-trips, in both forms.
        let widest = [(0, 1), (u128::MAX, 2)];
        encode(&widest, &mut out);
        assert_eq!(out.len(), 1 + 1 + 16);
        assert_eq!(decoded(0, &out).unwrap(), widest);
        assert_eq!(decoded(0, &encode_leb128(&widest)).unwrap(), widest);
    }

    proptest! {
        /// Every difference of every length reads back as written, whatever follows it in the
        /// block (none to sixteen bytes: the fast path needs sixteen at hand), and is never
        /// longer than its LEB128 form, so a block rewritten by version 8 still fits.
        #[test]
        fn differences_read_back(
            bits in 1u32..=128,
            raw in any::<u128>(),
            classes in 1u8..16,
            more in prop::collection::vec((1u128..300, 1u8..16), 0..3),
        ) {
            let first = 5u128;
            let delta = (raw >> (128 - bits)).max(1);
            let Some(second) = first.checked_add(delta) else { return Ok(()) };
            let mut postings = vec![(first, 1), (second, classes)];
            for (d, c) in more {
                let Some(next) = postings.last().unwrap().0.checked_add(d) else { break };
                postings.push((next, c));
            }
            let mut out = Vec::new();
            encode(&postings, &mut out);
            prop_assert_eq!(decoded(first, &out).unwrap(), postings.clone());
            prop_assert!(out.len() <= encode_leb128(&postings).len());
            // Cut anywhere inside the second posting's bytes, the block is damaged.
            let second_end = 2 + byte_len(delta);
            for cut in 2..second_end {
                prop_assert!(decoded(first, &out[..cut]).is_err(), "cut at {}", cut);
            }
        }

        /// Every value of every length reads back as written, with the bytes after it (none
        /// to sixteen: the fast paths need eight or sixteen bytes at hand) left, and a value
        /// cut short is an error (the difference of blocks before version 8).
        #[test]
        fn varints_read_back(
            bits in 0u32..=128,
            raw in any::<u128>(),
            after in prop::collection::vec(any::<u8>(), 0..17),
        ) {
            let v = if bits == 0 { 0 } else { raw >> (128 - bits) };
            let mut bytes = Vec::new();
            push_varint(&mut bytes, v);
            prop_assert_eq!(bytes.len(), varint_len(v));
            let len = bytes.len();
            bytes.extend_from_slice(&after);
            let mut rest = &bytes[..];
            prop_assert_eq!(read_varint(&mut rest).unwrap(), v);
            prop_assert_eq!(rest, &after[..]);
            let mut cut = &bytes[..len - 1];
            prop_assert!(read_varint(&mut cut).is_err());
        }
    }

    #[test]
    fn damaged_blocks_are_errors_not_panics() {
        for bad in [
            &[][..],
            // Before version 8: a varint cut short, a zero difference, no classes after it,
            // a varint past 128 bits.
            &[1, 0x80][..],
            &[1, 0, 1][..],
            &[1, 5][..],
            &[
                1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 1,
            ][..],
            // Version 8: bytes missing, a zero difference (short and long).
            &[0x81, 0x11, 1][..],
            &[0x81, 0xF1][..],
            &[0x81, 0x01, 0][..],
            &[
                0x81, 0x11, 0, 0, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
            ][..],
        ] {
            let r = decode(5, bad, |_, _| Ok(Flow::Continue(())));
            assert_eq!(r.unwrap_err().code(), "corrupt", "{bad:?}");
        }
        // An id past u128::MAX is damage too.
        assert!(decode(u128::MAX, &[1, 1, 1], |_, _| Ok(Flow::Continue(()))).is_err());
        assert!(decode(u128::MAX, &[0x81, 0x01, 1], |_, _| Ok(Flow::Continue(()))).is_err());
    }

    #[test]
    fn repacking_rewrites_the_older_blocks_alone() {
        let store = Store::open(Location::Memory, None).unwrap();
        store
            .write(|w| Store::create_tables(w, &Table::OWN))
            .unwrap();
        let far = 1u128 << 90;
        let old = [(10, 1), (11, 8), (far, 9), (far + 300, 2)];
        let single = [(7u128, 4)];
        let mut packed = Vec::new();
        encode(&[(20, 1), (21, 2)], &mut packed);
        store
            .write(|w| {
                w.put(
                    Table::SEARCH,
                    &block_key(b"\x01ab\x00", 10),
                    &encode_leb128(&old),
                )?;
                // A block of one posting is the same in both forms but for the 0x80.
                w.put(
                    Table::SEARCH,
                    &block_key(b"\x01ab\x00", 7),
                    &encode_leb128(&single),
                )?;
                w.put(Table::SEARCH, &block_key(b"\x01ac\x00", 20), &packed)?;
                w.rewrite(Table::SEARCH, repack)
            })
            .unwrap();
        let blocks = store
            .read(|r| {
                let mut blocks = Vec::new();
                r.scan_prefix(Table::SEARCH, b"\x01", false, |k, v| {
                    blocks.push((k.to_vec(), v.to_vec()));
                    Ok(Flow::Continue(()))
                })?;
                Ok(blocks)
            })
            .unwrap();
        assert_eq!(blocks.len(), 3);
        assert!(blocks.iter().all(|(_, v)| v[0] & PACKED != 0), "{blocks:?}");
        assert_eq!(decoded(7, &blocks[0].1).unwrap(), single);
        assert_eq!(decoded(10, &blocks[1].1).unwrap(), old);
        assert_eq!(blocks[2].1, packed);
        // Classes of more than four bits cannot be packed: damage, not a silent change.
        let r = store.write(|w| {
            w.put(Table::SEARCH, &block_key(b"\x01ad\x00", 1), &[0x11])?;
            w.rewrite(Table::SEARCH, repack)
        });
        assert_eq!(r.unwrap_err().code(), "corrupt");
    }

    #[test]
    fn pieces_fit_the_limit() {
        let postings: Vec<Change> = (0..1000u128).map(|i| (i * 1000, 1)).collect();
        let ps = pieces(&postings, 64);
        assert!(ps.len() > 1);
        let mut buf = Vec::new();
        for p in &ps {
            encode(p, &mut buf);
            assert!(buf.len() <= 64);
        }
        assert_eq!(ps.iter().map(|p| p.len()).sum::<usize>(), 1000);
    }

    fn stored(store: &Store, term: &[u8]) -> (BTreeMap<u128, u8>, usize) {
        store
            .read(|r| {
                let mut out = BTreeMap::new();
                let mut blocks = 0;
                r.scan_prefix(Table::SEARCH, term, false, |_, _| {
                    blocks += 1;
                    Ok(Flow::Continue(()))
                })?;
                scan(r, term, |t, id, c| {
                    assert_eq!(t, &term[..term.len() - 1]);
                    assert!(out.insert(id, c).is_none(), "id {id} twice");
                    Ok(Flow::Continue(()))
                })?;
                Ok((out, blocks))
            })
            .unwrap()
    }

    proptest! {
        /// Whatever the changes, the blocks hold exactly the model's postings, in order, each
        /// once, and no block is longer than the limit unless it holds one posting.
        #[test]
        fn blocks_follow_the_changes(
            rounds in prop::collection::vec(
                (prop::collection::vec((0u128..400, 0u8..4), 0..60), any::<bool>()), 1..8),
            max in 3usize..40,
        ) {
            let store = Store::open(Location::Memory, None).unwrap();
            store.write(|w| Store::create_tables(w, &Table::OWN)).unwrap();
            let term = b"\x01abc\x00".to_vec();
            // Neighbouring terms must be left alone.
            store.write(|w| apply_with(w, b"\x01abd\x00", vec![(7, 1)], max)).unwrap();
            store.write(|w| apply_with(w, b"\x01ab\x00", vec![(9, 2)], max)).unwrap();
            let mut model: BTreeMap<u128, u8> = BTreeMap::new();
            for (round, anew) in rounds {
                let changes: Vec<Change> =
                    round.iter().map(|&(id, c)| (id * 1_000_003, c)).collect();
                for &(id, c) in &changes {
                    if c == REMOVE { model.remove(&id); } else { model.insert(id, c); }
                }
                // In place, or by writing the table anew.
                if anew {
                    let terms = vec![(term.clone(), changes)];
                    store.write(|w| {
                        w.rewrite(Table::SEARCH, |old, out| rewrite_with(old, out, terms, max))
                    }).unwrap();
                } else {
                    store.write(|w| apply_with(w, &term, changes, max)).unwrap();
                }
                let (found, _) = stored(&store, &term);
                prop_assert_eq!(&found, &model);
                store.read(|r| r.scan_prefix(Table::SEARCH, &term, false, |k, v| {
                    let mut n = 0;
                    decode(first_of(k)?, v, |_, _| { n += 1; Ok(Flow::Continue(())) })?;
                    assert!(v.len() <= max || n == 1, "block of {} bytes", v.len());
                    Ok(Flow::Continue(()))
                })).unwrap();
            }
            prop_assert_eq!(stored(&store, b"\x01abd\x00").0, BTreeMap::from([(7, 1)]));
            prop_assert_eq!(stored(&store, b"\x01ab\x00").0, BTreeMap::from([(9, 2)]));
        }
    }

    #[test]
    fn appending_in_order_fills_blocks() {
        let store = Store::open(Location::Memory, None).unwrap();
        store
            .write(|w| Store::create_tables(w, &Table::OWN))
            .unwrap();
        let term = b"\x01warszawa\x00";
        for round in 0..20u128 {
            let changes = (0..500u128).map(|i| (round * 500 + i, 8)).collect();
            store.write(|w| apply(w, term, changes)).unwrap();
        }
        let (found, blocks) = stored(&store, term);
        assert_eq!(found.len(), 10_000);
        // 10,000 postings of 2 bytes fit in 20 blocks of 1,024 bytes; a few more are allowed
        // where a round's end left a block short.
        assert!(blocks <= 40, "{blocks} blocks");
    }
}
