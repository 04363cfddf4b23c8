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

use serde::{Deserialize, Serialize};

use crate::codec;
use crate::company::Company;
use crate::contact::Contact;
use crate::deal::Deal;
use crate::error::{Error, Result};
use crate::id::{IdMap, RecordRef};
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
        None => score_all(r, &kinds, &words, q.limit as usize)?,
    };
    label(r, ranked)
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

/// A stored record's label alone: field 2 of a contact or lead (its display name). Decoding
/// it skips the rest of the record, notes and custom fields included.
#[derive(minicbor::Decode)]
struct DisplayName {
    #[n(2)]
    label: String,
}

/// A stored record's label alone: field 0 of a company (its name) or deal (its title).
#[derive(minicbor::Decode)]
struct FirstField {
    #[n(0)]
    label: String,
}

/// The label of the stored record `raw` of kind `R`, through the partial view `V`.
fn stored_label<R: record::Record, V: for<'b> minicbor::Decode<'b, ()>>(
    r: &mut impl Reader,
    raw: u128,
    display: impl std::fmt::Display,
    label: fn(V) -> String,
) -> Result<String> {
    r.get(R::TABLE, &raw.to_be_bytes(), |bytes| {
        codec::decode::<V>(R::NAME, bytes).map(label)
    })?
    .ok_or_else(|| Error::not_found(R::NAME, display))
}

/// The hits of ranked matches, with their records' labels.
fn label(r: &mut impl Reader, ranked: Ranked) -> Result<Vec<SearchHit>> {
    ranked
        .into_iter()
        .map(|(score, kind, raw)| {
            let record = RecordRef::from_parts(kind, raw);
            let label = match record {
                RecordRef::Contact(id) => {
                    stored_label::<Contact, DisplayName>(r, raw, id, |v| v.label)?
                }
                RecordRef::Company(id) => {
                    stored_label::<Company, FirstField>(r, raw, id, |v| v.label)?
                }
                RecordRef::Lead(id) => stored_label::<Lead, DisplayName>(r, raw, id, |v| v.label)?,
                RecordRef::Deal(id) => stored_label::<Deal, FirstField>(r, raw, id, |v| v.label)?,
            };
            Ok(SearchHit {
                record,
                label,
                score,
            })
        })
        .collect()
}
