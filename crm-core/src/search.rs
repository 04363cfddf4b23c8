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

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::company::Company;
use crate::contact::Contact;
use crate::deal::Deal;
use crate::error::{Error, Result};
use crate::id::RecordRef;
use crate::index::field_class;
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

/// The records of one kind matching every word, with their scores.
fn matches_of_kind(
    r: &mut impl Reader,
    kind: RecordKind,
    words: &[String],
) -> Result<HashMap<u128, u32>> {
    let mut found: Option<HashMap<u128, u32>> = None;
    let mut prefix = Vec::new();
    for word in words {
        prefix.clear();
        prefix.push(kind.code());
        prefix.extend_from_slice(word.as_bytes());
        // After the first word only records already found can match, so the others' postings
        // are checked against them rather than collected.
        let mut this: HashMap<u128, u32> = HashMap::new();
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
    let mut ranked: Vec<(u32, RecordKind, u128)> = Vec::new();
    for kind in RecordKind::ALL.into_iter().filter(|k| kinds.contains(k)) {
        ranked.extend(
            matches_of_kind(r, kind, &words)?
                .into_iter()
                .map(|(id, score)| (score, kind, id)),
        );
    }
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    ranked.truncate(q.limit as usize);
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
