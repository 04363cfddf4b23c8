//! Full-text search across contacts, companies, leads and deals.
//!
//! Every active record's words are folded (lower case, no diacritics: "Łódź" is stored as
//! `lodz`) and kept in the `search` table's posting lists (`postings.rs`): per kind and term,
//! the ids holding it, each with a byte saying in which fields the term occurs. A query is folded the same way and split into words; each word
//! matches the terms it is a prefix of, so results appear as the user types. A record is found
//! when every word matches one of its terms. Its score adds, for each word, the weight of the
//! best field it matched in (name 8, email or domain 4, phone 4, anything else 2), doubled when
//! the word is a whole term rather than a prefix. Results are ordered by score, then by kind
//! (contacts first), then by id (oldest first).
//!
//! A query of one word of at most three characters matches a large part of a big file ("k"
//! may match half a million contacts), but its best results are found without scoring all of
//! them. With one word, a record scores 16 when the word is one of its name terms, 8 when a
//! name term starts with it or the word is one of its email or phone terms, and less
//! otherwise. The records scoring 16 are the word's short name-term list (`index::NAME_TERM`:
//! the records holding it as a whole name term), short even when the word's own list is long
//! ("ro" is a term of every `.ro` email address). Those scoring 8 are in the word's own list
//! (an email or phone term) or in its name-prefix list (`index::NAME_PREFIX`), which holds, in
//! id order, every record with a name term starting with the word. Merging the two in id
//! order gives the results in their final order, so reading stops after `limit` of them. Only
//! when fewer than `limit` records score 8 or more are all matches scored as above.
//!
//! Other queries (several words, or a longer one) read, per kind, the posting lists of every
//! term each word starts, side by side in id order, a few blocks at a time (more as a list
//! goes on); the ids that every word has in the window read so far are matches, scored as
//! above. A list adds at most 8 (a name) or 16 (a name, whole word) to a score; once `limit`
//! matches are held, a list that cannot lift a record above the worst of them, given what the
//! other words can add, is not read further, and when a word has no list left the kind is
//! done. A later record can then at best tie the worst, and a tie goes to the earlier kind and
//! the lower id, which were read first. So "mar popa" over the benchmark's million contacts
//! reads about 5,000 of the 206,000 postings of its terms (every Maria, Marek… and every
//! Popa). A word that starts more than [`SIDE_BY_SIDE_TERMS`] terms would need as many lists
//! open, and such a query is scored in full instead.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use crate::records::index::{self, field_class};
use crate::records::record::Entity;
use crate::storage::postings;
use crate::storage::recent::Recent;
use crate::storage::store::{Flow, Reader, Table};
use crate::values::error::{Error, Result};
use crate::values::id::RecordKind;
use crate::values::id::{IdMap, RecordRef};
use crate::values::text;

/// A full-text query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SearchQuery {
    /// What the user typed.
    pub text: String,
    /// Which kinds of records to search; all when empty.
    pub kinds: Vec<RecordKind>,
    /// How many results at most, from 1 to 1,000 (20 by default).
    pub limit: u32,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            kinds: Vec::new(),
            limit: 20,
        }
    }
}

impl SearchQuery {
    /// A query for `text` across every kind, with the default limit.
    pub fn new(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.to_string(),
            ..SearchQuery::default()
        }
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SearchHit {
    /// The record found.
    pub record: RecordRef,
    /// Its display name (contact) or name (company).
    pub label: String,
    /// How well it matched; higher is better.
    pub score: u32,
}

fn weight(classes: u8) -> u32 {
    if classes & field_class::NAME != 0 {
        8
    } else if classes & (field_class::EMAIL | field_class::PHONE) != 0 {
        4
    } else {
        2
    }
}

/// Ranked matches: score, kind, id.
type Ranked = Vec<(u32, RecordKind, u128)>;

/// The `limit` best matches of one word of at most [`index::NAME_PREFIX_CHARS`] characters,
/// from the word's short name-term, name-prefix and own posting lists (see the module docs);
/// `None` when fewer than `limit` records score 8 or more, so that lower scores must be
/// looked at.
fn best_by_name_prefix(
    r: &mut impl Reader,
    kinds: &[RecordKind],
    word: &str,
    limit: usize,
) -> Result<Option<Ranked>> {
    let key = |byte: u8| {
        let mut k = Vec::with_capacity(word.len() + 2);
        k.push(byte);
        k.extend_from_slice(word.as_bytes());
        k.push(0);
        k
    };
    // The word as a whole name term scores 16; those come first, in kind and id order.
    let mut best: Ranked = Vec::new();
    for &kind in kinds {
        postings::scan(r, &key(index::NAME_TERM | kind.code()), |_, id, _| {
            best.push((16, kind, id));
            Ok(if best.len() < limit {
                Flow::Continue(())
            } else {
                Flow::Break(())
            })
        })?;
        if best.len() == limit {
            return Ok(Some(best));
        }
    }
    let recent = r.recent()?;
    let mut need = limit - best.len();
    for &kind in kinds {
        if need == 0 {
            break;
        }
        // Scoring 8, in id order: a name term starting with the word (unless the word is one
        // of its name terms: those are above), or the word is one of its email or phone terms
        // (and none of its name terms). Both lists are read only as far as needed.
        let top: Vec<u128> = best.iter().filter(|b| b.1 == kind).map(|b| b.2).collect();
        let mut prefixed = List::new(key(index::NAME_PREFIX | kind.code()), 1)?;
        let mut whole = List::new(key(kind.code()), 1)?;
        let mut taken: Vec<u128> = Vec::with_capacity(need);
        while taken.len() < need {
            prefixed.refill(r, &recent, need)?;
            whole.refill(r, &recent, need)?;
            let p = prefixed.head().map(|(id, _)| id);
            let w = whole.posting();
            let (id, scores_8) = match (p, w) {
                (None, None) => break,
                (Some(p), Some((w, _))) if p == w => {
                    prefixed.at += 1;
                    whole.at += 1;
                    (p, true)
                }
                (Some(p), Some((w, _))) if p < w => {
                    prefixed.at += 1;
                    (p, true)
                }
                (Some(p), None) => {
                    prefixed.at += 1;
                    (p, true)
                }
                (_, Some((w, classes))) => {
                    whole.at += 1;
                    let contact_field = field_class::EMAIL | field_class::PHONE;
                    (w, classes & contact_field != 0)
                }
            };
            if scores_8 && top.binary_search(&id).is_err() {
                taken.push(id);
            }
        }
        need -= taken.len();
        best.extend(taken.into_iter().map(|id| (8, kind, id)));
    }
    Ok((need == 0).then_some(best))
}

/// The records of one kind matching every word, with their scores.
fn matches_of_kind(r: &mut impl Reader, kind: RecordKind, words: &[String]) -> Result<IdMap<u32>> {
    let mut found: Option<IdMap<u32>> = None;
    let mut prefix = Vec::new();
    for word in words {
        prefix.clear();
        prefix.push(kind.code());
        prefix.extend_from_slice(word.as_bytes());
        // After the first word only records already found can match, so the others' postings
        // are checked against them rather than collected.
        let mut this: IdMap<u32> = IdMap::default();
        postings::scan(r, &prefix, |term, id, classes| {
            if found.as_ref().is_some_and(|f| !f.contains_key(&id)) {
                return Ok(Flow::Continue(()));
            }
            let whole = term.len() == prefix.len();
            let score = weight(classes) * if whole { 2 } else { 1 };
            let entry = this.entry(id).or_insert(0);
            *entry = (*entry).max(score);
            Ok(Flow::Continue(()))
        })?;
        found = Some(match found {
            None => this,
            Some(before) => before
                .into_iter()
                .filter_map(|(id, s)| this.get(&id).map(|t| (id, s + t)))
                .collect(),
        });
        if found.as_ref().is_some_and(IdMap::is_empty) {
            break;
        }
    }
    Ok(found.unwrap_or_default())
}

/// A record kind that full-text search finds. Each domain implements it for its kinds, and
/// the API gives search the list of them ([`SearchKind`]).
pub(crate) trait Searched: Entity {
    /// A hit's label (a display name, a title), decoded alone from the stored record.
    fn label(key: &[u8], stored: &[u8]) -> Result<String>;
}

/// One kind of record as search walks them: what [`Searched`] says of it.
#[derive(Clone, Copy)]
pub(crate) struct SearchKind {
    kind: RecordKind,
    table: Table,
    label: fn(&[u8], &[u8]) -> Result<String>,
}

impl SearchKind {
    /// The kind `R`.
    pub(crate) const fn of<R: Searched>() -> SearchKind {
        SearchKind {
            kind: <R as Entity>::KIND,
            table: R::TABLE,
            label: R::label,
        }
    }
}

/// The records of the kinds `all` (those the query names, or all of them) that match every
/// word of the query, best first.
pub(crate) fn search(
    r: &mut impl Reader,
    all: &[SearchKind],
    q: &SearchQuery,
) -> Result<Vec<SearchHit>> {
    if !(1..=1000).contains(&q.limit) {
        return Err(Error::validation("limit", "must be from 1 to 1,000"));
    }
    let mut words = text::terms(&q.text);
    words.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    words.dedup();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut kinds: Vec<RecordKind> = all
        .iter()
        .map(|k| k.kind)
        .filter(|k| q.kinds.is_empty() || q.kinds.contains(k))
        .collect();
    kinds.sort();
    let short = match words.as_slice() {
        [word] if word.chars().count() <= index::NAME_PREFIX_CHARS => {
            best_by_name_prefix(r, &kinds, word, q.limit as usize)?
        }
        _ => None,
    };
    let ranked = match short {
        Some(ranked) => ranked,
        None => match best_in_id_order(r, &kinds, &words, q.limit as usize, CHUNK)? {
            Some(ranked) => ranked,
            None => score_all(r, &kinds, &words, q.limit as usize)?,
        },
    };
    label(r, all, ranked)
}

/// How many terms a word may match for its lists to be read side by side: a word matching
/// more (one or two letters, say) is read whole by [`score_all`].
const SIDE_BY_SIDE_TERMS: usize = 32;

/// How many postings are read from a list at a time, at least, at first: in whole blocks, so
/// a chunk is one or a few blocks. Each further chunk of the list is twice as long, up to
/// [`MAX_GROWTH`] times this: most searches stop within the first chunks, and one that reads
/// a list to its end then begins a new scan of the table every few thousand postings rather
/// than every hundred.
const CHUNK: usize = 128;

/// How many times [`CHUNK`] a list's chunks grow to, at most.
const MAX_GROWTH: usize = 8;

/// One term's posting list as [`best_in_id_order`] reads it: a chunk at a time.
struct List {
    reader: postings::TermReader,
    /// What a match of the term multiplies its field weight by: 2 for the whole word, else 1.
    whole: u32,
    chunk: Vec<postings::Change>,
    /// The next posting of `chunk`.
    at: usize,
    /// How many times the first chunk's length the next chunk is, at least.
    growth: usize,
}

impl List {
    /// The list of `term` (`[kind][term][0x00]`), unread; `whole` as in [`List::whole`].
    fn new(term: Vec<u8>, whole: u32) -> Result<List> {
        Ok(List {
            reader: postings::TermReader::new(term)?,
            whole,
            chunk: Vec::new(),
            at: 0,
            growth: 1,
        })
    }

    /// Reads the next chunk once this one is used up: at least `min` postings the first time,
    /// twice as many as the time before after that (up to [`MAX_GROWTH`] times `min`).
    fn refill(&mut self, r: &mut impl Reader, recent: &Recent, min: usize) -> Result<()> {
        if self.at == self.chunk.len() && !self.reader.finished() {
            self.at = 0;
            let min = min.saturating_mul(self.growth);
            self.growth = (self.growth * 2).min(MAX_GROWTH);
            self.reader.next_chunk(r, recent, min, &mut self.chunk)?;
        }
        Ok(())
    }

    /// The highest score a posting of the list can have.
    fn bound(&self) -> u32 {
        8 * self.whole
    }

    /// The next posting: its id and field classes.
    fn posting(&self) -> Option<postings::Change> {
        self.chunk.get(self.at).copied()
    }

    /// The next posting, with its score.
    fn head(&self) -> Option<(u128, u32)> {
        let (id, classes) = self.posting()?;
        Some((id, weight(classes) * self.whole))
    }
}

/// Appends to `out` (ascending ids, each once with its best score) the postings of `lists` up
/// to id `end`, merged.
fn merge_until(lists: &mut [List], end: u128, out: &mut Vec<(u128, u32)>) {
    if let [list] = lists {
        let rest = &list.chunk[list.at..];
        let n = rest.partition_point(|p| p.0 <= end);
        out.extend(
            rest[..n]
                .iter()
                .map(|&(id, c)| (id, weight(c) * list.whole)),
        );
        list.at += n;
        return;
    }
    if let [a, b] = lists {
        // Two lists (a word starting two terms, the common case after one): a plain merge.
        let xs = &a.chunk[a.at..];
        let ys = &b.chunk[b.at..];
        let (nx, ny) = (
            xs.partition_point(|p| p.0 <= end),
            ys.partition_point(|p| p.0 <= end),
        );
        let (xs, ys) = (&xs[..nx], &ys[..ny]);
        let (wa, wb) = (a.whole, b.whole);
        let (mut i, mut j) = (0, 0);
        while i < nx && j < ny {
            let ((x, cx), (y, cy)) = (xs[i], ys[j]);
            if x < y {
                out.push((x, weight(cx) * wa));
                i += 1;
            } else if y < x {
                out.push((y, weight(cy) * wb));
                j += 1;
            } else {
                out.push((x, (weight(cx) * wa).max(weight(cy) * wb)));
                i += 1;
                j += 1;
            }
        }
        out.extend(xs[i..].iter().map(|&(id, c)| (id, weight(c) * wa)));
        out.extend(ys[j..].iter().map(|&(id, c)| (id, weight(c) * wb)));
        a.at += nx;
        b.at += ny;
        return;
    }
    loop {
        let mut next: Option<(usize, u128, u32)> = None;
        for (i, list) in lists.iter().enumerate() {
            if let Some((id, score)) = list.head() {
                if id <= end && next.is_none_or(|n| id < n.1) {
                    next = Some((i, id, score));
                }
            }
        }
        let Some((i, id, score)) = next else { return };
        lists[i].at += 1;
        match out.last_mut() {
            Some(last) if last.0 == id => last.1 = last.1.max(score),
            _ => out.push((id, score)),
        }
    }
}

/// Sets `out` to the ids both in `a` and in `b` (ascending, each once), each with the sum of
/// its two scores.
///
/// Lists of similar density interleave unpredictably, so the step is taken without a branch
/// on which side is behind (a mispredicted branch per posting cost a quarter of a two-word
/// search); only the rare match branches.
fn intersect(a: &[(u128, u32)], b: &[(u128, u32)], out: &mut Vec<(u128, u32)>) {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while let (Some(&(x, sx)), Some(&(y, sy))) = (a.get(i), b.get(j)) {
        if x == y {
            out.push((x, sx + sy));
        }
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
}

/// Leaves out the lists that can no longer lift a record above the score `worst`. A list adds
/// at most 8 (a name) times its `whole` to a record's score, and the other words at most their
/// best lists' bound, so a record whose word is matched through the list, or through a list of
/// lower bound, cannot score above `worst` when the sum does not: the list is not read further,
/// and such a record is either not found or found with a score no higher than the worst, and
/// then loses the tie (it comes later).
fn prune(lists: &mut [Vec<List>], worst: u32) {
    loop {
        let bounds: Vec<u32> = lists
            .iter()
            .map(|l| l.iter().map(List::bound).max().unwrap_or(0))
            .collect();
        let total: u32 = bounds.iter().sum();
        let mut left_out = false;
        for (of_word, bound) in lists.iter_mut().zip(bounds) {
            let others = total - bound;
            let before = of_word.len();
            of_word.retain(|l| l.bound() + others > worst);
            left_out |= of_word.len() < before;
        }
        if !left_out {
            return;
        }
    }
}

/// A match found by [`best_in_id_order`], ordered worst first: the lowest score, then the
/// latest found (reading goes through the kinds in order and each kind in id order, so a later
/// match loses a tie).
type Found = Reverse<(u32, Reverse<u64>, usize, u128)>;

/// The best `limit` matches of `words`, from each word's posting lists read side by side in id
/// order: a record is found when every word has a posting for it in the same window of ids.
/// Once `limit` matches are found, the lists that can no longer lift a record above the worst
/// of them are left ([`prune`]): a later record only ties it at best, and loses the tie. When
/// no list of a word is left, or none at the start of a kind, reading stops. `None` when a word
/// matches more than [`SIDE_BY_SIDE_TERMS`] terms. `chunk` is the number of postings read from
/// a list at a time.
fn best_in_id_order(
    r: &mut impl Reader,
    kinds: &[RecordKind],
    words: &[String],
    limit: usize,
    chunk: usize,
) -> Result<Option<Ranked>> {
    let recent = r.recent()?;
    let mut best: BinaryHeap<Found> = BinaryHeap::with_capacity(limit + 1);
    let mut found = 0u64;
    let worst = |best: &BinaryHeap<Found>| match best.peek() {
        Some(Reverse((score, ..))) if best.len() == limit => Some(*score),
        _ => None,
    };
    let mut merged: Vec<Vec<(u128, u32)>> = vec![Vec::new(); words.len()];
    let mut both: Vec<(u128, u32)> = Vec::new();
    for (k, &kind) in kinds.iter().enumerate() {
        let mut lists: Vec<Vec<List>> = Vec::with_capacity(words.len());
        for word in words {
            let mut prefix = vec![kind.code()];
            prefix.extend_from_slice(word.as_bytes());
            let Some(terms) = postings::terms(r, &recent, &prefix, SIDE_BY_SIDE_TERMS)? else {
                return Ok(None);
            };
            if terms.is_empty() {
                // No record of the kind has the word.
                break;
            }
            let mut of_word: Vec<List> = Vec::with_capacity(terms.len());
            for term in terms {
                let whole = if term.len() == prefix.len() + 1 { 2 } else { 1 };
                of_word.push(List::new(term, whole)?);
            }
            lists.push(of_word);
        }
        if lists.len() < words.len() {
            continue;
        }
        if let Some(worst) = worst(&best) {
            prune(&mut lists, worst);
        }
        loop {
            for list in lists.iter_mut().flatten() {
                list.refill(r, &recent, chunk)?;
            }
            // A word with nothing left to read ends the kind's matches.
            if lists.iter().any(|l| l.iter().all(|l| l.head().is_none())) {
                break;
            }
            // Every list is read up to `end` (a finished reader's chunk holds all the rest): the
            // postings up to it can be matched.
            let end = lists
                .iter()
                .flatten()
                .filter(|l| !l.reader.finished())
                .filter_map(|l| l.chunk.last().map(|p| p.0))
                .min()
                .unwrap_or(u128::MAX);
            for (of_word, out) in lists.iter_mut().zip(&mut merged) {
                out.clear();
                merge_until(of_word, end, out);
            }
            let Some((first, rest)) = merged.split_first_mut() else {
                break;
            };
            for other in rest.iter() {
                intersect(first, other, &mut both);
                std::mem::swap(first, &mut both);
            }
            for &(id, score) in first.iter() {
                best.push(Reverse((score, Reverse(found), k, id)));
                found += 1;
                if best.len() > limit {
                    best.pop();
                }
            }
            if end == u128::MAX {
                break;
            }
            if let Some(worst) = worst(&best) {
                prune(&mut lists, worst);
            }
        }
    }
    Ok(Some(
        best.into_sorted_vec()
            .into_iter()
            .map(|Reverse((score, _, k, id))| (score, kinds[k], id))
            .collect(),
    ))
}

/// Every match scored, the best `limit` of them.
fn score_all(
    r: &mut impl Reader,
    kinds: &[RecordKind],
    words: &[String],
    limit: usize,
) -> Result<Ranked> {
    let mut ranked: Ranked = Vec::new();
    for &kind in kinds {
        ranked.extend(
            matches_of_kind(r, kind, words)?
                .into_iter()
                .map(|(id, score)| (score, kind, id)),
        );
    }
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    ranked.truncate(limit);
    Ok(ranked)
}

/// The hits of ranked matches, with their records' labels.
fn label(r: &mut impl Reader, all: &[SearchKind], ranked: Ranked) -> Result<Vec<SearchHit>> {
    ranked
        .into_iter()
        .map(|(score, kind, raw)| {
            let record = RecordRef::from_parts(kind, raw);
            let k = all
                .iter()
                .find(|k| k.kind == kind)
                .ok_or_else(|| Error::storage("a search hit of a kind not searched"))?;
            let label = r
                .get(k.table, &raw.to_be_bytes(), |bytes| {
                    (k.label)(&raw.to_be_bytes(), bytes)
                })?
                .ok_or_else(|| {
                    Error::corrupt(
                        "search",
                        format!("a posting names {record}, which does not exist"),
                    )
                })?;
            Ok(SearchHit {
                record,
                label,
                score,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::store::{Location, Store, Writer};
    use proptest::prelude::*;

    const TERMS: [&str; 8] = ["an", "ann", "anna", "anka", "b", "ba", "bab", "bo"];
    const WORDS: [&str; 8] = ["a", "an", "ann", "anna", "b", "ba", "bo", "x"];
    const KINDS: [RecordKind; 2] = [RecordKind::Contact, RecordKind::Company];

    /// Ids close together (a byte apart) and far apart (up to nineteen bytes).
    fn id(i: u16) -> u128 {
        if i < 100 {
            u128::from(i)
        } else {
            u128::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)
        }
    }

    fn term(kind: usize, term: usize) -> Vec<u8> {
        let mut t = vec![KINDS[kind].code()];
        t.extend_from_slice(TERMS[term].as_bytes());
        t.push(0);
        t
    }

    /// (kind, term, id, classes: 0 removes).
    type Posting = (usize, usize, u16, u8);

    fn posting() -> impl Strategy<Value = Posting> {
        (0..KINDS.len(), 0..TERMS.len(), 0u16..300, 0u8..16)
    }

    fn query() -> impl Strategy<Value = (Vec<String>, Vec<RecordKind>, usize)> {
        (
            prop::collection::vec(prop::sample::select(&WORDS[..]), 1..4),
            prop::sample::subsequence(&KINDS[..], 1..=2),
            prop_oneof![1usize..10, Just(1000)],
        )
            .prop_map(|(words, kinds, limit)| {
                let mut words: Vec<String> = words.into_iter().map(String::from).collect();
                words.sort();
                words.dedup();
                (words, kinds, limit)
            })
    }

    /// Both answers of a query: lists read side by side, and every match scored.
    fn both(
        r: &mut impl Reader,
        (words, kinds, limit): &(Vec<String>, Vec<RecordKind>, usize),
        chunk: usize,
    ) -> (Option<Ranked>, Ranked) {
        let side_by_side = best_in_id_order(r, kinds, words, *limit, chunk).unwrap();
        (side_by_side, score_all(r, kinds, words, *limit).unwrap())
    }

    proptest! {
        /// Reading the lists side by side, a chunk at a time, and leaving those that cannot
        /// change the results finds what scoring every match finds: over blocks of a few
        /// postings, with recent changes (added, changed and removed postings) merged over
        /// them, and inside a write transaction that holds changes of its own.
        #[test]
        fn side_by_side_finds_what_scoring_all_finds(
            table in prop::collection::vec(posting(), 0..400),
            recent in prop::collection::vec(posting(), 0..30),
            held in prop::collection::vec(posting(), 0..20),
            max in 3usize..40,
            chunk in 1usize..5,
            queries in prop::collection::vec(query(), 1..8),
        ) {
            let store = Store::open(Location::Memory, None).unwrap();
            store.write(|w| Store::create_tables(w, &crate::records::tables::ALL)).unwrap();
            store.write(|w| {
                for k in 0..KINDS.len() {
                    for t in 0..TERMS.len() {
                        let changes = table
                            .iter()
                            .filter(|p| p.0 == k && p.1 == t)
                            .map(|p| (id(p.2), p.3))
                            .collect();
                        postings::apply_with(w, &term(k, t), changes, max)?;
                    }
                }
                Ok(())
            }).unwrap();
            // Small commits: their postings stay in the recent changes.
            for p in &recent {
                store.write(|w| w.post(&term(p.0, p.1), id(p.2), p.3)).unwrap();
            }
            store.read(|r| {
                // The small commits' postings are read from the recent changes.
                assert!(recent.is_empty() || !r.recent()?.postings.is_empty());
                for q in &queries {
                    let (got, want) = both(r, q, chunk);
                    assert_eq!(got, Some(want), "{q:?}");
                }
                Ok(())
            }).unwrap();
            store.write(|w| {
                for p in &held {
                    w.post(&term(p.0, p.1), id(p.2), p.3)?;
                }
                for q in &queries {
                    let (got, want) = both(w, q, chunk);
                    assert_eq!(got, Some(want), "{q:?}");
                }
                Ok(())
            }).unwrap();
        }
    }

    #[test]
    fn a_word_of_many_terms_is_scored_in_full() {
        let store = Store::open(Location::Memory, None).unwrap();
        store
            .write(|w| Store::create_tables(w, &crate::records::tables::ALL))
            .unwrap();
        store
            .write(|w| {
                for t in 0..=SIDE_BY_SIDE_TERMS {
                    w.post(format!("\x01a{t}\x00").as_bytes(), 1, 1)?;
                }
                Ok(())
            })
            .unwrap();
        store
            .read(|r| {
                let words = ["a".to_string()];
                let kinds = [RecordKind::Contact];
                assert_eq!(best_in_id_order(r, &kinds, &words, 10, CHUNK)?, None);
                let one_less = ["a1".to_string()];
                assert!(best_in_id_order(r, &kinds, &one_less, 10, CHUNK)?.is_some());
                Ok(())
            })
            .unwrap();
    }
}
