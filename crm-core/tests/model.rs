//! Model-based test: random sequences of operations run against the CRM and against a plain
//! in-memory model; afterwards every lookup, filter, sort, page, count and search agrees with
//! the model, and `verify` finds the indexes in step with the records.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use crm_core::*;
use proptest::prelude::*;

const GIVEN: [&str; 5] = ["Łucja", "Ștefan", "François", "Zoë", "Jan"];
const FAMILY: [&str; 4] = ["Kowalska", "Popescu", "Lefèvre", "Nowak"];
const EMAILS: [&str; 4] = ["a1@firma.pl", "A1@FIRMA.PL", "b2@firma.ro", "c3@firma.fr"];
const TAGS: [&str; 3] = ["vip", "partner", "klucz"];
const OWNERS: [&str; 2] = ["u1", "u2"];
const FIRMS: [&str; 4] = ["Orlen", "Dacia", "Renault", "Młyny"];
const QUERIES: [&str; 10] = [
    "luc", "ste", "fra", "zoe", "jan", "kow", "pop", "lef", "now", "mly",
];

#[derive(Debug, Clone)]
struct ContactSpec {
    given: usize,
    family: usize,
    email: Option<usize>,
    tags: Vec<usize>,
    owner: Option<usize>,
}

#[derive(Debug, Clone)]
enum Op {
    CreateContact(ContactSpec),
    UpdateContact(usize, ContactSpec),
    Archive(usize),
    Restore(usize),
    DeleteContact(usize),
    CreateCompany(usize, Option<usize>),
    SetParent(usize, Option<usize>),
    DeleteCompany(usize),
    Link(usize, usize, bool),
    Unlink(usize),
    Relate(usize, usize),
    Unrelate(usize),
}

fn spec() -> impl Strategy<Value = ContactSpec> {
    (
        0..GIVEN.len(),
        0..FAMILY.len(),
        proptest::option::of(0..EMAILS.len()),
        proptest::collection::vec(0..TAGS.len(), 0..3),
        proptest::option::of(0..OWNERS.len()),
    )
        .prop_map(|(given, family, email, tags, owner)| ContactSpec {
            given,
            family,
            email,
            tags,
            owner,
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => spec().prop_map(Op::CreateContact),
        2 => (0..8usize, spec()).prop_map(|(i, s)| Op::UpdateContact(i, s)),
        1 => (0..8usize).prop_map(Op::Archive),
        1 => (0..8usize).prop_map(Op::Restore),
        1 => (0..8usize).prop_map(Op::DeleteContact),
        2 => (0..FIRMS.len(), proptest::option::of(0..6usize)).prop_map(|(n, p)| Op::CreateCompany(n, p)),
        1 => (0..6usize, proptest::option::of(0..6usize)).prop_map(|(c, p)| Op::SetParent(c, p)),
        1 => (0..6usize).prop_map(Op::DeleteCompany),
        2 => (0..8usize, 0..6usize, any::<bool>()).prop_map(|(c, f, p)| Op::Link(c, f, p)),
        1 => (0..8usize).prop_map(Op::Unlink),
        2 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::Relate(a, b)),
        1 => (0..8usize).prop_map(Op::Unrelate),
    ]
}

#[derive(Debug, Clone)]
struct MContact {
    spec: ContactSpec,
    archived: bool,
}

impl MContact {
    fn name(&self) -> String {
        format!("{} {}", GIVEN[self.spec.given], FAMILY[self.spec.family])
    }
    fn email_key(&self) -> Option<String> {
        self.spec.email.map(|e| EMAILS[e].to_lowercase())
    }
    fn tags(&self) -> BTreeSet<&'static str> {
        self.spec.tags.iter().map(|&t| TAGS[t]).collect()
    }
}

#[derive(Debug, Default)]
struct Model {
    contacts: BTreeMap<ContactId, MContact>,
    companies: BTreeMap<CompanyId, (usize, Option<CompanyId>)>,
    /// In creation order: (id, contact, company, primary).
    employments: Vec<(EmploymentId, ContactId, CompanyId, bool)>,
    relations: Vec<(RelationId, ContactId, ContactId)>,
}

impl Model {
    fn email_taken(&self, key: &Option<String>, except: Option<ContactId>) -> bool {
        key.is_some()
            && self
                .contacts
                .iter()
                .any(|(id, c)| Some(*id) != except && !c.archived && &c.email_key() == key)
    }

    fn nth_contact(&self, i: usize) -> Option<ContactId> {
        self.contacts.keys().nth(i).copied()
    }

    fn nth_company(&self, i: usize) -> Option<CompanyId> {
        self.companies.keys().nth(i).copied()
    }

    fn settle_primary(&mut self, contact: ContactId, chosen: Option<EmploymentId>) {
        let chosen = chosen.or_else(|| {
            self.employments
                .iter()
                .filter(|e| e.1 == contact)
                .map(|e| e.0)
                .min()
        });
        for e in self.employments.iter_mut().filter(|e| e.1 == contact) {
            e.3 = Some(e.0) == chosen;
        }
    }

    fn ancestors_include(&self, start: Option<CompanyId>, target: CompanyId) -> bool {
        let mut next = start;
        while let Some(p) = next {
            if p == target {
                return true;
            }
            next = self.companies.get(&p).and_then(|c| c.1);
        }
        false
    }
}

fn input(s: &ContactSpec) -> ContactInput {
    ContactInput {
        given_name: Some(GIVEN[s.given].into()),
        family_name: Some(FAMILY[s.family].into()),
        emails: s
            .email
            .map(|e| vec![Email::new(EMAILS[e])])
            .unwrap_or_default(),
        tags: s.tags.iter().map(|&t| TAGS[t].to_string()).collect(),
        owner: s.owner.map(|o| OWNERS[o].to_string()),
        ..ContactInput::default()
    }
}

/// Applies `op` to both; they must agree on whether it is refused.
fn apply(crm: &Crm, m: &mut Model, op: &Op) {
    match op {
        Op::CreateContact(s) => {
            let refused = m.email_taken(&s.email.map(|e| EMAILS[e].to_lowercase()), None);
            match crm.create_contact(input(s)) {
                Ok(c) => {
                    assert!(!refused);
                    m.contacts.insert(
                        c.id,
                        MContact {
                            spec: s.clone(),
                            archived: false,
                        },
                    );
                }
                Err(e) => assert!(refused && e.code() == "conflict", "{e}"),
            }
        }
        Op::UpdateContact(i, s) => {
            let Some(id) = m.nth_contact(*i) else { return };
            let archived = m.contacts[&id].archived;
            let refused =
                !archived && m.email_taken(&s.email.map(|e| EMAILS[e].to_lowercase()), Some(id));
            match crm.update_contact(id, input(s)) {
                Ok(_) => {
                    assert!(!refused);
                    m.contacts.insert(
                        id,
                        MContact {
                            spec: s.clone(),
                            archived,
                        },
                    );
                }
                Err(e) => assert!(refused && e.code() == "conflict", "{e}"),
            }
        }
        Op::Archive(i) => {
            let Some(id) = m.nth_contact(*i) else { return };
            crm.archive_contact(id).unwrap();
            m.contacts.get_mut(&id).unwrap().archived = true;
        }
        Op::Restore(i) => {
            let Some(id) = m.nth_contact(*i) else { return };
            let c = m.contacts[&id].clone();
            let refused = c.archived && m.email_taken(&c.email_key(), Some(id));
            match crm.restore_contact(id) {
                Ok(_) => {
                    assert!(!refused);
                    m.contacts.get_mut(&id).unwrap().archived = false;
                }
                Err(e) => assert!(refused && e.code() == "conflict", "{e}"),
            }
        }
        Op::DeleteContact(i) => {
            let Some(id) = m.nth_contact(*i) else { return };
            crm.delete_contact(id).unwrap();
            m.contacts.remove(&id);
            m.employments.retain(|e| e.1 != id);
            m.relations.retain(|r| r.1 != id && r.2 != id);
        }
        Op::CreateCompany(name, parent) => {
            let parent = parent.and_then(|p| m.nth_company(p));
            let c = crm
                .create_company(CompanyInput {
                    parent,
                    ..firm(FIRMS[*name], "")
                })
                .unwrap();
            m.companies.insert(c.id, (*name, parent));
        }
        Op::SetParent(i, parent) => {
            let Some(id) = m.nth_company(*i) else { return };
            let parent = parent.and_then(|p| m.nth_company(p));
            let refused = parent == Some(id) || m.ancestors_include(parent, id);
            let current = crm.get_company(id).unwrap();
            match crm.update_company(
                id,
                CompanyInput {
                    parent,
                    ..current.to_input()
                },
            ) {
                Ok(_) => {
                    assert!(!refused);
                    m.companies.get_mut(&id).unwrap().1 = parent;
                }
                Err(e) => assert!(refused && e.field() == Some("parent"), "{e}"),
            }
        }
        Op::DeleteCompany(i) => {
            let Some(id) = m.nth_company(*i) else { return };
            crm.delete_company(id).unwrap();
            m.companies.remove(&id);
            for c in m.companies.values_mut() {
                if c.1 == Some(id) {
                    c.1 = None;
                }
            }
            let lost: Vec<_> = m
                .employments
                .iter()
                .filter(|e| e.2 == id && e.3)
                .map(|e| e.1)
                .collect();
            m.employments.retain(|e| e.2 != id);
            for contact in lost {
                m.settle_primary(contact, None);
            }
        }
        Op::Link(c, f, primary) => {
            let (Some(contact), Some(company)) = (m.nth_contact(*c), m.nth_company(*f)) else {
                return;
            };
            let refused = m
                .employments
                .iter()
                .any(|e| e.1 == contact && e.2 == company);
            let input = EmploymentInput {
                contact,
                company,
                role: None,
                title: None,
                primary: *primary,
            };
            match crm.link_contact_to_company(input) {
                Ok(e) => {
                    assert!(!refused);
                    let first = !m.employments.iter().any(|x| x.1 == contact);
                    m.employments.push((e.id, contact, company, false));
                    let current = m
                        .employments
                        .iter()
                        .find(|x| x.1 == contact && x.3)
                        .map(|x| x.0);
                    m.settle_primary(
                        contact,
                        if *primary || first {
                            Some(e.id)
                        } else {
                            current
                        },
                    );
                }
                Err(e) => assert!(refused && e.code() == "conflict", "{e}"),
            }
        }
        Op::Unlink(i) => {
            let Some(&(id, contact, _, primary)) = m.employments.get(*i) else {
                return;
            };
            crm.unlink_employment(id).unwrap();
            m.employments.retain(|e| e.0 != id);
            if primary {
                m.settle_primary(contact, None);
            }
        }
        Op::Relate(a, b) => {
            let (Some(from), Some(to)) = (m.nth_contact(*a), m.nth_contact(*b)) else {
                return;
            };
            let refused = from == to || m.relations.iter().any(|r| r.1 == from && r.2 == to);
            let input = RelationInput {
                relation_type: "referred_by".into(),
                record: from.into(),
                other: to.into(),
            };
            match crm.relate(input) {
                Ok(r) => {
                    assert!(!refused);
                    m.relations.push((r.id, from, to));
                }
                Err(e) => assert!(refused, "{e}"),
            }
        }
        Op::Unrelate(i) => {
            let Some(&(id, _, _)) = m.relations.get(*i) else {
                return;
            };
            crm.unrelate(id).unwrap();
            m.relations.retain(|r| r.0 != id);
        }
    }
}

fn fold(s: &str) -> String {
    // The model's own folding, enough for its fixed names.
    s.to_lowercase()
        .replace('ł', "l")
        .replace('ș', "s")
        .replace('ç', "c")
        .replace(['è', 'ë'], "e")
}

/// Every page of a query, checking no record comes twice.
fn all_pages(crm: &Crm, mut q: ContactQuery) -> Vec<ContactId> {
    let mut out = Vec::new();
    loop {
        let page = crm.list_contacts(&q).unwrap();
        assert!(page.items.len() <= q.limit as usize);
        out.extend(page.items.iter().map(|c| c.id));
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    let unique: BTreeSet<_> = out.iter().collect();
    assert_eq!(unique.len(), out.len(), "a record came twice");
    out
}

fn check(crm: &Crm, m: &Model) {
    assert!(
        crm.verify().unwrap().is_ok(),
        "{:?}",
        crm.verify().unwrap().problems
    );
    for (id, c) in &m.contacts {
        let stored = crm.get_contact(*id).unwrap();
        assert_eq!(stored.display_name, c.name());
        assert_eq!(stored.is_archived(), c.archived);
        assert_eq!(
            stored
                .tags
                .iter()
                .map(String::as_str)
                .collect::<BTreeSet<_>>(),
            c.tags()
        );
    }
    for email in EMAILS {
        let want = m
            .contacts
            .iter()
            .find(|(_, c)| !c.archived && c.email_key().as_deref() == Some(&email.to_lowercase()));
        assert_eq!(
            crm.find_contact_by_email(email).unwrap().map(|c| c.id),
            want.map(|(id, _)| *id)
        );
    }
    // Filters × sorts × page sizes against the model.
    type Pred = Box<dyn Fn(&ContactId, &MContact) -> bool>;
    let mut filters: Vec<(ContactFilter, Pred)> = vec![
        (ContactFilter::default(), Box::new(|_, c| !c.archived)),
        (
            ContactFilter {
                archived: Archived::Only,
                ..Default::default()
            },
            Box::new(|_, c| c.archived),
        ),
        (
            ContactFilter {
                archived: Archived::Include,
                ..Default::default()
            },
            Box::new(|_, _| true),
        ),
        (
            ContactFilter {
                tags_all: vec!["VIP".into()],
                ..Default::default()
            },
            Box::new(|_, c| !c.archived && c.tags().contains("vip")),
        ),
        (
            ContactFilter {
                tags_any: vec!["partner".into(), "klucz".into()],
                owner: Some("u1".into()),
                ..Default::default()
            },
            Box::new(|_, c| {
                !c.archived
                    && c.spec.owner == Some(0)
                    && (c.tags().contains("partner") || c.tags().contains("klucz"))
            }),
        ),
        (
            ContactFilter {
                conditions: vec![Condition::eq("family_name", "kowalska")],
                ..Default::default()
            },
            Box::new(|_, c| !c.archived && c.spec.family == 0),
        ),
        (
            ContactFilter {
                conditions: vec![Condition::eq("email", "a1@firma.pl")],
                ..Default::default()
            },
            Box::new(|_, c| !c.archived && c.email_key().as_deref() == Some("a1@firma.pl")),
        ),
    ];
    for company in m.companies.keys() {
        let company = *company;
        let employed: BTreeSet<ContactId> = m
            .employments
            .iter()
            .filter(|e| e.2 == company)
            .map(|e| e.1)
            .collect();
        filters.push((
            ContactFilter {
                company: Some(company),
                archived: Archived::Include,
                ..Default::default()
            },
            Box::new(move |id, _| employed.contains(id)),
        ));
    }
    for (filter, pred) in &filters {
        let expected: Vec<(&ContactId, &MContact)> =
            m.contacts.iter().filter(|(id, c)| pred(id, c)).collect();
        assert_eq!(crm.count_contacts(filter).unwrap(), expected.len() as u64);
        for (sort, limit) in [
            (
                Sort {
                    by: SortBy::Name,
                    descending: false,
                },
                3,
            ),
            (
                Sort {
                    by: SortBy::Name,
                    descending: true,
                },
                2,
            ),
            (
                Sort {
                    by: SortBy::CreatedAt,
                    descending: false,
                },
                1000,
            ),
            (
                Sort {
                    by: SortBy::CreatedAt,
                    descending: true,
                },
                4,
            ),
        ] {
            let got = all_pages(
                crm,
                ContactQuery {
                    filter: filter.clone(),
                    sort,
                    limit,
                    cursor: None,
                },
            );
            let mut want: Vec<(String, ContactId)> = expected
                .iter()
                .map(|(id, c)| {
                    (
                        if sort.by == SortBy::Name {
                            fold(&c.name())
                        } else {
                            String::new()
                        },
                        **id,
                    )
                })
                .collect();
            want.sort();
            if sort.descending {
                want.reverse();
            }
            assert_eq!(
                got,
                want.into_iter().map(|(_, id)| id).collect::<Vec<_>>(),
                "{filter:?} {sort:?}"
            );
        }
    }
    // Search against the model's names.
    for q in QUERIES {
        let got: BTreeSet<RecordRef> = crm
            .search(&SearchQuery {
                limit: 1000,
                ..SearchQuery::new(q)
            })
            .unwrap()
            .into_iter()
            .map(|h| h.record)
            .collect();
        let mut want: BTreeSet<RecordRef> = m
            .contacts
            .iter()
            .filter(|(_, c)| !c.archived && fold(&c.name()).split(' ').any(|w| w.starts_with(q)))
            .map(|(id, _)| RecordRef::Contact(*id))
            .collect();
        want.extend(
            m.companies
                .iter()
                .filter(|(_, c)| fold(FIRMS[c.0]).starts_with(q))
                .map(|(id, _)| RecordRef::Company(*id)),
        );
        assert_eq!(got, want, "search {q}");
    }
    // Employments and relations, from both sides.
    for id in m.contacts.keys() {
        let got: Vec<(EmploymentId, CompanyId, bool)> = crm
            .employments_of_contact(*id)
            .unwrap()
            .into_iter()
            .map(|e| (e.id, e.company, e.primary))
            .collect();
        let want: Vec<_> = m
            .employments
            .iter()
            .filter(|e| e.1 == *id)
            .map(|e| (e.0, e.2, e.3))
            .collect();
        assert_eq!(got, want);
        let views = crm.relations_of((*id).into()).unwrap();
        let got: BTreeSet<(RelationId, RecordRef, Direction)> = views
            .iter()
            .map(|v| (v.relation, v.other, v.direction))
            .collect();
        let mut want = BTreeSet::new();
        for r in &m.relations {
            if r.1 == *id {
                want.insert((r.0, RecordRef::Contact(r.2), Direction::Outgoing));
            }
            if r.2 == *id {
                want.insert((r.0, RecordRef::Contact(r.1), Direction::Incoming));
            }
        }
        assert_eq!(got, want);
    }
    for (id, (_, parent)) in &m.companies {
        assert_eq!(crm.get_company(*id).unwrap().parent, *parent);
        let children: BTreeSet<CompanyId> = crm
            .subsidiaries(*id)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        let want: BTreeSet<CompanyId> = m
            .companies
            .iter()
            .filter(|(_, c)| c.1 == Some(*id))
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(children, want);
    }
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    // 64 cases by default; PROPTEST_CASES=5000 for a longer hunt.
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn the_crm_agrees_with_a_plain_model(ops in proptest::collection::vec(op(), 1..40)) {
        let crm = crm();
        let mut model = Model::default();
        for op in &ops {
            apply(&crm, &mut model, op);
        }
        check(&crm, &model);
    }

}
