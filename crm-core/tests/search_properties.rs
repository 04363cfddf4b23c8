//! Property test of the ranking: the best `k` results of a query are the first `k` of all its
//! results. With one short word the library stops reading after `k` results taken from the
//! name-prefix lists; with a limit above the number of records it scores every match instead,
//! so the second answer is the reference for the first. Names, emails and phones come from a
//! few short syllables, so that words are whole terms of some records, prefixes of others,
//! and found in names, emails, phones and tags at once; edits, archiving and deletions in between
//! check that the lists follow every write. Queries of several words are checked against
//! single-word searches scored in full: found by every word, scored by the sum.

mod common;

use common::*;
use crm_core::*;
use proptest::prelude::*;

const SYLLABLES: [&str; 10] = [
    "A", "An", "Ann", "Anna", "Ab", "B", "Ba", "Łu", "Łucja", "Lu",
];
const PHONES: [&str; 3] = ["601 234 567", "602 111 222", "700 800 900"];
const QUERIES: [&str; 16] = [
    "a", "an", "ann", "ab", "b", "ba", "l", "lu", "luc", "Ł", "6", "60", "601", "anna", "x", "an b",
];

#[derive(Debug, Clone)]
enum Op {
    Contact {
        given: usize,
        family: usize,
        email: Option<usize>,
        phone: Option<usize>,
        /// A tag: a term in a field other than names, email and phone.
        tag: Option<usize>,
    },
    Company(usize, usize),
    Lead(usize, usize),
    Rename(usize, usize, usize),
    Archive(usize),
    Delete(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let s = || 0..SYLLABLES.len();
    prop_oneof![
        4 => (
            s(),
            s(),
            proptest::option::of(s()),
            proptest::option::of(0..PHONES.len()),
            proptest::option::of(s()),
        )
            .prop_map(|(given, family, email, phone, tag)| Op::Contact {
                given,
                family,
                email,
                phone,
                tag,
            }),
        1 => (s(), s()).prop_map(|(a, b)| Op::Company(a, b)),
        1 => (s(), s()).prop_map(|(a, b)| Op::Lead(a, b)),
        1 => (0..30usize, s(), s()).prop_map(|(i, a, b)| Op::Rename(i, a, b)),
        1 => (0..30usize).prop_map(Op::Archive),
        1 => (0..30usize).prop_map(Op::Delete),
    ]
}

fn apply(crm: &Crm, contacts: &mut Vec<ContactId>, n: usize, op: &Op) {
    let nth = |i: usize| contacts.get(i % contacts.len().max(1)).copied();
    match *op {
        Op::Contact {
            given,
            family,
            email,
            phone,
            tag,
        } => {
            let email = email
                .map(|e| format!("{}@{}{n}.pl", SYLLABLES[e], SYLLABLES[family]))
                .unwrap_or_default();
            let mut input = person(SYLLABLES[given], SYLLABLES[family], &email);
            input.phones = phone.map(|p| Phone::new(PHONES[p])).into_iter().collect();
            input.tags = tag.map(|t| SYLLABLES[t].to_string()).into_iter().collect();
            if let Ok(c) = crm.create_contact(input) {
                contacts.push(c.id);
            }
        }
        Op::Company(a, b) => {
            let name = format!("{} {}", SYLLABLES[a], SYLLABLES[b]);
            crm.create_company(firm(&name, "")).unwrap();
        }
        Op::Lead(a, b) => {
            crm.create_lead(LeadInput {
                given_name: Some(SYLLABLES[a].into()),
                company_name: Some(SYLLABLES[b].into()),
                ..LeadInput::default()
            })
            .unwrap();
        }
        Op::Rename(i, a, b) => {
            if let Some(id) = nth(i) {
                // The whole record is replaced: its email and phone go too.
                crm.update_contact(id, person(SYLLABLES[a], SYLLABLES[b], ""))
                    .unwrap();
            }
        }
        Op::Archive(i) => {
            if let Some(id) = nth(i) {
                let _ = crm.archive_contact(id);
            }
        }
        Op::Delete(i) => {
            if let Some(id) = nth(i) {
                crm.delete_contact(id).unwrap();
                contacts.retain(|c| *c != id);
            }
        }
    }
}

/// Queries of several words, answered from each word's own scores.
const SEVERAL: [&str; 9] = [
    "an b", "a lu", "ann ba", "anna b", "luc an", "an 60", "ab ba", "anna ann", "an b lu",
];

/// The results of several words from single-word searches scored in full (a limit above the
/// number of records): a record is found when every word finds it, its score is the sum, and
/// results are ordered by score, then kind, then id.
fn several_words_model(crm: &Crm, text: &str) -> Vec<(RecordRef, u32)> {
    let mut found: Option<std::collections::HashMap<RecordRef, u32>> = None;
    for word in text.split(' ') {
        let scores: std::collections::HashMap<RecordRef, u32> = search(crm, word, 1000)
            .into_iter()
            .map(|h| (h.record, h.score))
            .collect();
        found = Some(match found {
            None => scores,
            Some(before) => before
                .into_iter()
                .filter_map(|(r, s)| scores.get(&r).map(|t| (r, s + t)))
                .collect(),
        });
    }
    let rank = |r: &RecordRef| {
        let kind = RecordKind::ALL.iter().position(|k| *k == r.kind());
        (kind, r.to_string())
    };
    let mut out: Vec<(RecordRef, u32)> = found.unwrap_or_default().into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| rank(&a.0).cmp(&rank(&b.0))));
    out
}

fn search(crm: &Crm, text: &str, limit: u32) -> Vec<SearchHit> {
    crm.search(&SearchQuery {
        text: text.into(),
        kinds: Vec::new(),
        limit,
    })
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96)
    ))]

    #[test]
    fn the_best_k_are_the_first_k_of_all_results(
        ops in proptest::collection::vec(op(), 1..50),
        limits in proptest::collection::vec(1u32..12, 3),
    ) {
        let crm = crm();
        let mut contacts = Vec::new();
        for (n, op) in ops.iter().enumerate() {
            apply(&crm, &mut contacts, n, op);
        }
        for q in QUERIES {
            let all = search(&crm, q, 1000);
            for &k in &limits {
                let best = search(&crm, q, k);
                let want = &all[..all.len().min(k as usize)];
                prop_assert_eq!(&best[..], want, "{:?} limit {}", q, k);
            }
        }
        for q in SEVERAL {
            let want = several_words_model(&crm, q);
            for k in limits.iter().copied().chain([1000]) {
                let got: Vec<(RecordRef, u32)> = search(&crm, q, k)
                    .into_iter()
                    .map(|h| (h.record, h.score))
                    .collect();
                prop_assert_eq!(&got[..], &want[..want.len().min(k as usize)], "{:?} limit {}", q, k);
            }
        }
        let report = crm.verify().unwrap();
        prop_assert!(report.is_ok(), "{:?}", report);
    }
}

#[test]
fn several_words_over_many_records_rank_like_their_words_summed() {
    // 900 Kowalskas: fifteen named Anna, the others found by "an" in their email (a whole
    // term, or a prefix) or not at all, so that the ranks of "an" are all taken.
    let crm = crm();
    for i in 0..900 {
        let given = if i % 60 == 0 { "Anna" } else { "Zofia" };
        let email = match i % 3 {
            0 => format!("an{i}@firma.pl"),
            1 => format!("bo{i}@an.pl"),
            _ => format!("bo{i}@firma.pl"),
        };
        crm.create_contact(person(given, "Kowalska", &email))
            .unwrap();
    }
    for q in [
        "kowal an",
        "kowalska an",
        "an kowalska firma",
        "kowalska fi an",
    ] {
        let want = several_words_model(&crm, q);
        assert!(want.len() >= 300, "{q}: {}", want.len());
        for k in [1, 10, 11, 50, 1000] {
            let got: Vec<(RecordRef, u32)> = search(&crm, q, k)
                .into_iter()
                .map(|h| (h.record, h.score))
                .collect();
            assert_eq!(got, want[..want.len().min(k as usize)], "{q} limit {k}");
        }
    }
}
