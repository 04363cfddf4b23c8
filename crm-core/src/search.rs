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
//! otherwise. The records scoring 16 are in the word's own posting list; those scoring 8 are
//! in that list or in the word's name-prefix list (`index::NAME_PREFIX`), which holds, in id
//! order, every record with a name term starting with the word. Merging the two in id order
//! gives the results in their final order, so reading stops after `limit` of them. Only when
//! fewer than `limit` records score 8 or more are all matches scored as above.
//!
//! With several words, the records matching the longest one are scored in full; a shorter
//! word of at most three characters is looked up in its own list and its name-prefix list
//! only, restricted to those records. That settles its score where it is 16 or 8 (or 4 as the
//! whole term of another field) and leaves it open otherwise (no match, 2 or 4). Records
//! settled for every word give the `limit`-th best score; an open record is loaded and scored
//! from its own terms only when 4 per open word could still bring it to that score (when
//! more than a few could, or the longest word matches fewer records than the limit, the
//! shorter words' postings are read for those records, as without the lists).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::company::Company;
use crate::contact::Contact;
use crate::deal::Deal;
use crate::error::{Error, Result};
use crate::id::RecordRef;
use crate::index::{self, field_class};
use crate::lead::Lead;
use crate::postings;
use crate::record::{self, RecordKind};
use crate::store::{Flow, Reader};
use crate::text;

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
/// from the word's posting list and its name-prefix list (see the module docs); `None` when
/// fewer than `limit` records score 8 or more, so that lower scores must be looked at.
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
    // The word as a whole term: in a name scores 16, in an email or phone 8.
    let mut best: Ranked = Vec::new();
    let mut whole: Vec<Vec<u128>> = Vec::with_capacity(kinds.len());
    for &kind in kinds {
        let mut in_contact_fields = Vec::new();
        postings::scan(r, &key(kind.code()), |_, id, classes| {
            if classes & field_class::NAME != 0 {
                best.push((16, kind, id));
            } else if classes & (field_class::EMAIL | field_class::PHONE) != 0 {
                in_contact_fields.push(id);
            }
            Ok(Flow::Continue(()))
        })?;
        whole.push(in_contact_fields);
    }
    if best.len() >= limit {
        best.truncate(limit);
        return Ok(Some(best));
    }
    let mut need = limit - best.len();
    for (&kind, whole) in kinds.iter().zip(&whole) {
        if need == 0 {
            break;
        }
        // Scoring 8, in id order: a name term starting with the word (unless the word is one
        // of its name terms: those are above), or the word is one of its email or phone terms.
        let top: Vec<u128> = best.iter().filter(|b| b.1 == kind).map(|b| b.2).collect();
        let mut taken: Vec<u128> = Vec::with_capacity(need);
        let mut next = whole.iter().copied().peekable();
        postings::scan(r, &key(index::NAME_PREFIX | kind.code()), |_, id, _| {
            while let Some(w) = next.next_if(|&w| w < id) {
                if taken.len() == need {
                    return Ok(Flow::Break(()));
                }
                taken.push(w);
            }
            next.next_if_eq(&id);
            if taken.len() < need && top.binary_search(&id).is_err() {
                taken.push(id);
            }
            Ok(if taken.len() == need {
                Flow::Break(())
            } else {
                Flow::Continue(())
            })
        })?;
        taken.extend(next.take(need - taken.len()));
        need -= taken.len();
        best.extend(taken.into_iter().map(|id| (8, kind, id)));
    }
    Ok((need == 0).then_some(best))
}

/// The score of one word for each record of a kind holding a term that starts with it; with
/// `only`, for the records it accepts (the others' postings are skipped, not collected).
fn word_scores(
    r: &mut impl Reader,
    kind: RecordKind,
    word: &str,
    only: Option<&dyn Fn(u128) -> bool>,
) -> Result<HashMap<u128, u32>> {
    let mut prefix = Vec::with_capacity(word.len() + 1);
    prefix.push(kind.code());
    prefix.extend_from_slice(word.as_bytes());
    let mut scores: HashMap<u128, u32> = HashMap::new();
    postings::scan(r, &prefix, |term, id, classes| {
        if only.is_some_and(|keep| !keep(id)) {
            return Ok(Flow::Continue(()));
        }
        let whole = term.len() == prefix.len();
        let score = weight(classes) * if whole { 2 } else { 1 };
        let entry = scores.entry(id).or_insert(0);
        *entry = (*entry).max(score);
        Ok(Flow::Continue(()))
    })?;
    Ok(scores)
}

/// The records of one kind matching every word, with their scores.
fn matches_of_kind(
    r: &mut impl Reader,
    kind: RecordKind,
    words: &[String],
) -> Result<HashMap<u128, u32>> {
    let mut found: Option<HashMap<u128, u32>> = None;
    for word in words {
        // After the first word only records already found can match.
        let this = match &found {
            None => word_scores(r, kind, word, None)?,
            Some(f) => word_scores(r, kind, word, Some(&|id| f.contains_key(&id)))?,
        };
        found = Some(match found {
            None => this,
            Some(before) => before
                .into_iter()
                .filter_map(|(id, s)| this.get(&id).map(|t| (id, s + t)))
                .collect(),
        });
        if found.as_ref().is_some_and(HashMap::is_empty) {
            break;
        }
    }
    Ok(found.unwrap_or_default())
}

pub(crate) fn search(r: &mut impl Reader, q: &SearchQuery) -> Result<Vec<SearchHit>> {
    if !(1..=1000).contains(&q.limit) {
        return Err(Error::validation("limit", "must be from 1 to 1,000"));
    }
    let mut words = text::terms(&q.text);
    words.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    words.dedup();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let kinds = if q.kinds.is_empty() {
        RecordKind::ALL.to_vec()
    } else {
        q.kinds.clone()
    };
    let kinds: Vec<RecordKind> = RecordKind::ALL
        .into_iter()
        .filter(|k| kinds.contains(k))
        .collect();
    let short = match words.as_slice() {
        [word] if word.chars().count() <= index::NAME_PREFIX_CHARS => {
            best_by_name_prefix(r, &kinds, word, q.limit as usize)?
        }
        _ => None,
    };
    let ranked = match short {
        Some(ranked) => ranked,
        None if words.len() > 1 && words.len() <= 32 => {
            best_of_several_words(r, &kinds, &words, q.limit as usize)?
        }
        None => score_all(r, &kinds, &words, q.limit as usize)?,
    };
    label(r, ranked)
}

/// How many records of uncertain score [`best_of_several_words`] loads at most before it
/// reads the postings of their open words instead.
const MAX_LOADED: usize = 64;

/// A record matching the first word: its score so far, and the words (bit `i` for word `i`)
/// it matches, if at all, only in fields other than names, emails and phones, or as a prefix
/// of an email or phone term: each adds 0 (no match), 2 or 4.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: u32,
    open: u32,
}

impl Candidate {
    fn at_most(self) -> u32 {
        self.score + 4 * self.open.count_ones()
    }
}

/// The `limit` best matches of several words (longest first), without reading every posting
/// of the shorter ones. The records matching the first word are scored in full. A later word
/// of at most three characters is looked up in its own posting list and its name-prefix list
/// only: that settles its score when it is 16 or 8 (and when it is the whole term of another
/// field, 4), and leaves it open (0, 2 or 4) otherwise. The records settled for every word
/// give the score `k` of the `limit`-th best; only open records that could still reach `k`
/// are loaded and scored from their own terms; when more than [`MAX_LOADED`] could, the open
/// words' postings are read instead, for those records only.
fn best_of_several_words(
    r: &mut impl Reader,
    kinds: &[RecordKind],
    words: &[String],
    limit: usize,
) -> Result<Ranked> {
    let mut settled: Ranked = Vec::new();
    let mut open: Vec<(Candidate, RecordKind, u128)> = Vec::new();
    for &kind in kinds {
        let mut found: HashMap<u128, Candidate> = word_scores(r, kind, &words[0], None)?
            .into_iter()
            .map(|(id, score)| (id, Candidate { score, open: 0 }))
            .collect();
        for (i, word) in words.iter().enumerate().skip(1) {
            if found.is_empty() {
                break;
            }
            // A long word, or too few records for the lists to settle `limit` of them: its
            // postings, for the records found so far.
            if word.chars().count() > index::NAME_PREFIX_CHARS || found.len() < limit {
                let scores = word_scores(r, kind, word, Some(&|id| found.contains_key(&id)))?;
                found.retain(|id, c| match scores.get(id) {
                    Some(s) => {
                        c.score += s;
                        true
                    }
                    None => false,
                });
                continue;
            }
            let mut levels: HashMap<u128, u32> = HashMap::new();
            let mut key = vec![kind.code()];
            key.extend_from_slice(word.as_bytes());
            key.push(0);
            postings::scan(r, &key, |_, id, classes| {
                if found.contains_key(&id) {
                    levels.insert(id, weight(classes) * 2);
                }
                Ok(Flow::Continue(()))
            })?;
            key[0] = index::NAME_PREFIX | kind.code();
            postings::scan(r, &key, |_, id, _| {
                if found.contains_key(&id) {
                    let level = levels.entry(id).or_insert(0);
                    *level = (*level).max(8);
                }
                Ok(Flow::Continue(()))
            })?;
            for (id, c) in found.iter_mut() {
                match levels.get(id) {
                    Some(level) => c.score += level,
                    None => c.open |= 1 << i,
                }
            }
        }
        for (id, c) in found {
            if c.open == 0 {
                settled.push((c.score, kind, id));
            } else {
                open.push((c, kind, id));
            }
        }
    }
    let order = |a: &(u32, RecordKind, u128), b: &(u32, RecordKind, u128)| {
        b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    };
    settled.sort_by(order);
    // Records that cannot reach the `limit`-th settled score cannot be among the best.
    let bar = limit
        .checked_sub(1)
        .and_then(|i| settled.get(i))
        .map_or(0, |s| s.0);
    open.retain(|(c, _, _)| c.at_most() >= bar);
    if open.len() > MAX_LOADED {
        // Too many to load one by one: each open word's postings, for the open records only.
        for &kind in kinds {
            let mut left: HashMap<u128, Candidate> = open
                .iter()
                .filter(|o| o.1 == kind)
                .map(|o| (o.2, o.0))
                .collect();
            for (i, word) in words.iter().enumerate().skip(1) {
                let bit = 1 << i;
                let keep = |id: u128| left.get(&id).is_some_and(|c| c.open & bit != 0);
                let scores = word_scores(r, kind, word, Some(&keep))?;
                left.retain(|id, c| {
                    if c.open & bit == 0 {
                        return true;
                    }
                    c.open &= !bit;
                    scores.get(id).map(|s| c.score += s).is_some()
                });
            }
            settled.extend(left.into_iter().map(|(id, c)| (c.score, kind, id)));
        }
        settled.sort_by(order);
        settled.truncate(limit);
        return Ok(settled);
    }
    for (c, kind, id) in open {
        let mut score = c.score;
        let terms = terms_of(r, kind, id)?;
        for (i, word) in words.iter().enumerate() {
            if c.open & (1 << i) == 0 {
                continue;
            }
            let level = terms
                .iter()
                .filter(|(term, _)| term.starts_with(word.as_bytes()))
                .map(|(term, classes)| {
                    weight(*classes) * if term.len() == word.len() { 2 } else { 1 }
                })
                .max();
            match level {
                Some(level) => score += level,
                None => {
                    score = 0;
                    break;
                }
            }
        }
        if score > 0 {
            settled.push((score, kind, id));
        }
    }
    settled.sort_by(order);
    settled.truncate(limit);
    Ok(settled)
}

/// The search terms (folded) of one record, with their field classes.
fn terms_of(r: &mut impl Reader, kind: RecordKind, raw: u128) -> Result<Vec<(Vec<u8>, u8)>> {
    let entries = match kind {
        RecordKind::Contact => record::load::<Contact>(r, raw)?.map(|x| record::entries_of(&x)),
        RecordKind::Company => record::load::<Company>(r, raw)?.map(|x| record::entries_of(&x)),
        RecordKind::Lead => record::load::<Lead>(r, raw)?.map(|x| record::entries_of(&x)),
        RecordKind::Deal => record::load::<Deal>(r, raw)?.map(|x| record::entries_of(&x)),
    };
    let entries =
        entries.ok_or_else(|| Error::storage("a search posting names a missing record"))?;
    Ok(entries
        .search
        .into_iter()
        .filter(|(key, _)| key.first() == Some(&kind.code()) && key.len() >= 18)
        .map(|(key, classes)| (key[1..key.len() - 17].to_vec(), classes))
        .collect())
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
fn label(r: &mut impl Reader, ranked: Ranked) -> Result<Vec<SearchHit>> {
    ranked
        .into_iter()
        .map(|(score, kind, raw)| {
            let record = RecordRef::from_parts(kind, raw);
            let label = match record {
                RecordRef::Contact(id) => record::require::<Contact>(r, raw, id)?.display_name,
                RecordRef::Company(id) => record::require::<Company>(r, raw, id)?.name,
                RecordRef::Lead(id) => record::require::<Lead>(r, raw, id)?.display_name,
                RecordRef::Deal(id) => record::require::<Deal>(r, raw, id)?.title,
            };
            Ok(SearchHit {
                record,
                label,
                score,
            })
        })
        .collect()
}
