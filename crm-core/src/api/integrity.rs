//! A full check that the stored data agrees with itself: every index entry matches a record,
//! every record has its entries, every link points at a record, every custom value fits its
//! definition. Problems are described by index and record id only, never by content.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::activities::activity::Activity;
use crate::activities::calendar::Calendar;
use crate::people::company::Company;
use crate::people::contact::Contact;
use crate::people::relation::{self, Employment, Relation};
use crate::records::changes::RecordChange;
use crate::records::fields;
use crate::records::index::{self, Entries};
use crate::records::record::{self, Entity, Record};
use crate::sales::deal::{Deal, StageChange};
use crate::sales::lead::Lead;
use crate::sales::lineitem;
use crate::sales::pipeline::Pipeline;
use crate::sales::product::{PriceList, Product};
use crate::sales::quote::Quote;
use crate::storage::postings;
use crate::storage::store::{Flow, Reader, Table};
use crate::values::error::Result;
use crate::values::id::RecordRef;
use crate::values::normalize;

/// What [`crate::Crm::verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntegrityReport {
    /// Records checked, of every kind.
    pub records: u64,
    /// Entries of the secondary indexes.
    pub index_entries: u64,
    /// Entries of the full-text index.
    pub search_entries: u64,
    /// Each problem found, in words without personal data. Empty when all is well.
    pub problems: Vec<String>,
}

impl IntegrityReport {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

const MAX_PROBLEMS: usize = 100;

struct Expected {
    index: BTreeSet<Vec<u8>>,
    search: BTreeMap<Vec<u8>, u8>,
    report: IntegrityReport,
}

impl Expected {
    fn problem(&mut self, p: String) {
        if self.report.problems.len() < MAX_PROBLEMS {
            self.report.problems.push(p);
        }
    }

    fn add(&mut self, e: Entries) {
        for (term, classes) in e.terms() {
            let mut key = term.to_vec();
            key.extend_from_slice(&e.id().to_be_bytes());
            *self.search.entry(key).or_insert(0) |= classes;
        }
        self.index.extend(e.index);
    }
}

fn collect<R: Record>(
    r: &mut impl Reader,
    exp: &mut Expected,
    mut check: impl FnMut(&R, &mut Expected),
) -> Result<Vec<R>> {
    let mut all = Vec::new();
    record::for_each::<R>(r, |rec| {
        all.push(rec);
        Ok(Flow::Continue(()))
    })?;
    for rec in &all {
        exp.report.records += 1;
        exp.add(record::entries_of(rec));
        check(rec, exp);
    }
    Ok(all)
}

fn check_custom<R: Entity>(defs: &[fields::FieldDef], rec: &R, exp: &mut Expected) {
    match fields::check_values(defs, rec.custom_fields()) {
        Ok(v) if &v == rec.custom_fields() => {}
        _ => exp.problem(format!(
            "{} has custom values that do not fit their definitions",
            RecordRef::from_parts(R::KIND, rec.raw_id())
        )),
    }
}

pub(crate) fn verify(r: &mut impl Reader) -> Result<IntegrityReport> {
    let mut exp = Expected {
        index: BTreeSet::new(),
        search: BTreeMap::new(),
        report: IntegrityReport::default(),
    };
    let contact_defs = fields::defs(r, crate::values::id::RecordKind::Contact)?;
    let company_defs = fields::defs(r, crate::values::id::RecordKind::Company)?;
    let contacts = collect::<Contact>(r, &mut exp, |c, exp| check_custom(&contact_defs, c, exp))?;
    let companies = collect::<Company>(r, &mut exp, |c, exp| check_custom(&company_defs, c, exp))?;
    let employments = collect::<Employment>(r, &mut exp, |_, _| {})?;
    let relations = collect::<Relation>(r, &mut exp, |_, _| {})?;
    let lead_defs = fields::defs(r, crate::values::id::RecordKind::Lead)?;
    let deal_defs = fields::defs(r, crate::values::id::RecordKind::Deal)?;
    let leads = collect::<Lead>(r, &mut exp, |l, exp| check_custom(&lead_defs, l, exp))?;
    let deals = collect::<Deal>(r, &mut exp, |d, exp| check_custom(&deal_defs, d, exp))?;
    let changes = collect::<StageChange>(r, &mut exp, |_, _| {})?;
    let pipelines = collect::<Pipeline>(r, &mut exp, |_, _| {})?;
    let products = collect::<Product>(r, &mut exp, |_, _| {})?;
    let price_lists = collect::<PriceList>(r, &mut exp, |_, _| {})?;
    let quotes = collect::<Quote>(r, &mut exp, |_, _| {})?;
    let activities = collect::<Activity>(r, &mut exp, |_, _| {})?;
    let calendars = collect::<Calendar>(r, &mut exp, |_, _| {})?;
    let record_changes = collect::<RecordChange>(r, &mut exp, |_, _| {})?;

    let contact_ids: BTreeSet<u128> = contacts.iter().map(Record::raw_id).collect();
    let company_ids: BTreeMap<u128, Option<u128>> = companies
        .iter()
        .map(|c| (c.raw_id(), c.parent.map(|p| p.as_u128())))
        .collect();

    let mut active_emails: HashMap<String, u128> = HashMap::new();
    for c in contacts.iter().filter(|c| c.archived_at.is_none()) {
        for e in &c.emails {
            if let Some(other) = active_emails.insert(normalize::email_key(&e.address), c.raw_id())
            {
                if other != c.raw_id() {
                    exp.problem(format!(
                        "{} and {} share an email address while both active",
                        c.id,
                        crate::values::id::ContactId::from_u128(other)
                    ));
                }
            }
        }
        if !c.emails.is_empty() && c.emails.iter().filter(|e| e.primary).count() != 1 {
            exp.problem(format!("{} does not have exactly one primary email", c.id));
        }
    }
    for c in &companies {
        let mut seen = BTreeSet::new();
        let mut next = c.parent.map(|p| p.as_u128());
        while let Some(p) = next {
            if !seen.insert(p) || p == c.raw_id() {
                exp.problem(format!("{} has a cycle in its parent chain", c.id));
                break;
            }
            match company_ids.get(&p) {
                Some(parent) => next = *parent,
                None => {
                    exp.problem(format!("{} has a parent that does not exist", c.id));
                    break;
                }
            }
        }
    }
    let mut primaries: HashMap<u128, usize> = HashMap::new();
    for e in &employments {
        if !contact_ids.contains(&e.contact.as_u128())
            || !company_ids.contains_key(&e.company.as_u128())
        {
            exp.problem(format!("{} links a record that does not exist", e.id));
        }
        *primaries.entry(e.contact.as_u128()).or_insert(0) += usize::from(e.primary);
    }
    for (contact, n) in primaries {
        if n != 1 {
            exp.problem(format!(
                "{} has {n} primary employments",
                crate::values::id::ContactId::from_u128(contact)
            ));
        }
    }
    let lead_ids: BTreeSet<u128> = leads.iter().map(Record::raw_id).collect();
    let deal_ids: BTreeSet<u128> = deals.iter().map(Record::raw_id).collect();
    let present = |end: RecordRef| match end {
        RecordRef::Contact(id) => contact_ids.contains(&id.as_u128()),
        RecordRef::Company(id) => company_ids.contains_key(&id.as_u128()),
        RecordRef::Lead(id) => lead_ids.contains(&id.as_u128()),
        RecordRef::Deal(id) => deal_ids.contains(&id.as_u128()),
    };
    check_sales(
        &mut exp,
        &present,
        Sales {
            leads: &leads,
            deals: &deals,
            changes: &changes,
            pipelines: &pipelines,
            products: &products,
            price_lists: &price_lists,
            quotes: &quotes,
        },
    );
    let calendar_ids: BTreeSet<u128> = calendars.iter().map(Record::raw_id).collect();
    let activity_ids: BTreeSet<u128> = activities.iter().map(Record::raw_id).collect();
    for a in &activities {
        let contacts_taking_part = a
            .participants
            .iter()
            .filter_map(|p| p.contact)
            .map(RecordRef::Contact);
        if !a
            .links
            .iter()
            .copied()
            .chain(contacts_taking_part)
            .all(&present)
        {
            exp.problem(format!("{} links a record that does not exist", a.id));
        }
        if a.calendar
            .is_some_and(|c| !calendar_ids.contains(&c.as_u128()))
        {
            exp.problem(format!("{} is in a calendar that does not exist", a.id));
        }
        if a.follows
            .is_some_and(|f| !activity_ids.contains(&f.as_u128()))
        {
            exp.problem(format!("{} follows an activity that does not exist", a.id));
        }
    }
    for c in &record_changes {
        if !present(c.record) {
            exp.problem(format!(
                "a change ({:032x}) is of a record that does not exist",
                c.raw_id()
            ));
        }
    }
    let types = relation::relation_types(r)?;
    for rel in &relations {
        if !present(rel.record) || !present(rel.other) {
            exp.problem(format!("{} links a record that does not exist", rel.id));
        }
        if !types.iter().any(|t| t.key == rel.relation_type) {
            exp.problem(format!(
                "{} has a relation type that does not exist",
                rel.id
            ));
        }
    }

    let mut extra_index = 0u64;
    let mut found_index = BTreeSet::new();
    r.scan_prefix(Table::INDEX, &[], false, |k, _| {
        if !exp.index.contains(k) {
            extra_index += 1;
        }
        found_index.insert(k.to_vec());
        Ok(Flow::Continue(()))
    })?;
    exp.report.index_entries = found_index.len() as u64;
    let missing_index: Vec<&Vec<u8>> = exp
        .index
        .iter()
        .filter(|k| !found_index.contains(*k))
        .collect();
    let describe = |k: &[u8]| {
        format!(
            "index {:#04x} entry for id {:032x}",
            k.first().copied().unwrap_or(0),
            index::id_of_key(k).unwrap_or(0)
        )
    };
    let missing: Vec<String> = missing_index
        .iter()
        .map(|k| format!("missing {}", describe(k)))
        .collect();
    for m in missing {
        exp.problem(m);
    }
    if extra_index > 0 {
        exp.problem(format!("{extra_index} index entries match no record"));
    }

    let mut found_search: BTreeMap<Vec<u8>, u8> = BTreeMap::new();
    let mut key = Vec::new();
    let mut out_of_order = 0u64;
    postings::scan(r, &[], |term, id, classes| {
        key.clear();
        key.extend_from_slice(term);
        key.push(0);
        key.extend_from_slice(&id.to_be_bytes());
        // Postings come in key order; blocks of one term that overlap break that.
        if found_search
            .last_key_value()
            .is_some_and(|(last, _)| *last >= key)
        {
            out_of_order += 1;
        }
        found_search.insert(key.clone(), classes);
        Ok(Flow::Continue(()))
    })?;
    if out_of_order > 0 {
        exp.problem(format!(
            "{out_of_order} search postings are out of order (their blocks overlap)"
        ));
    }
    exp.report.search_entries = found_search.len() as u64;
    if found_search != exp.search {
        let missing = exp
            .search
            .keys()
            .filter(|k| !found_search.contains_key(*k))
            .count();
        let extra = found_search
            .keys()
            .filter(|k| !exp.search.contains_key(*k))
            .count();
        exp.problem(format!(
            "the search index disagrees with the records: {missing} entries missing, {extra} extra, the rest differ in fields"
        ));
    }
    Ok(exp.report)
}

/// The sales records, for [`check_sales`].
struct Sales<'a> {
    leads: &'a [Lead],
    deals: &'a [Deal],
    changes: &'a [StageChange],
    pipelines: &'a [Pipeline],
    products: &'a [Product],
    price_lists: &'a [PriceList],
    quotes: &'a [Quote],
}

/// Links between sales records, deals' places in their pipelines, their stage histories and
/// the sums of their lines.
fn check_sales(exp: &mut Expected, present: &dyn Fn(RecordRef) -> bool, s: Sales<'_>) {
    let product_ids: BTreeSet<u128> = s.products.iter().map(Record::raw_id).collect();
    let list_ids: BTreeSet<u128> = s.price_lists.iter().map(Record::raw_id).collect();
    let quote_ids: BTreeSet<u128> = s.quotes.iter().map(Record::raw_id).collect();
    if s.pipelines.iter().filter(|p| p.is_default).count() != 1 {
        exp.problem("there is not exactly one default pipeline".into());
    }
    for l in s.leads {
        if let Some(c) = &l.conversion {
            let links = [
                c.contact.map(RecordRef::Contact),
                c.company.map(RecordRef::Company),
                c.deal.map(RecordRef::Deal),
            ];
            if links.into_iter().flatten().any(|x| !present(x)) {
                exp.problem(format!(
                    "{} was converted into a record that does not exist",
                    l.id
                ));
            }
        }
    }
    let mut history: HashMap<u128, Vec<&StageChange>> = HashMap::new();
    for c in s.changes {
        if !present(RecordRef::Deal(c.deal)) {
            exp.problem(format!(
                "a stage change names {}, which does not exist",
                c.deal
            ));
        }
        history.entry(c.deal.as_u128()).or_default().push(c);
    }
    for d in s.deals {
        let stage = s
            .pipelines
            .iter()
            .find(|p| p.id == d.pipeline)
            .and_then(|p| p.stage(d.stage));
        match stage {
            None => exp.problem(format!("{} is in a stage its pipeline does not have", d.id)),
            Some(st) if st.archived => exp.problem(format!("{} is in an archived stage", d.id)),
            Some(st) if st.kind != d.status => {
                exp.problem(format!("{} has a status other than its stage's kind", d.id))
            }
            Some(_) => {}
        }
        let mut links: Vec<RecordRef> = d.company.map(RecordRef::Company).into_iter().collect();
        links.extend(d.contacts.iter().map(|c| RecordRef::Contact(c.contact)));
        links.extend(d.origin.map(RecordRef::Deal));
        if links.into_iter().any(|x| !present(x))
            || d.price_list
                .is_some_and(|l| !list_ids.contains(&l.as_u128()))
            || d.line_items.iter().any(|l| {
                l.product
                    .is_some_and(|p| !product_ids.contains(&p.as_u128()))
            })
        {
            exp.problem(format!("{} names a record that does not exist", d.id));
        }
        if lineitem::totals(&d.line_items).ok() != Some(d.totals) {
            exp.problem(format!(
                "{} has totals other than the sums of its lines",
                d.id
            ));
        }
        match history.get(&d.raw_id()).and_then(|h| h.last()) {
            Some(last) if last.to_stage == d.stage => {}
            _ => exp.problem(format!(
                "{} has a stage history that does not end in its stage",
                d.id
            )),
        }
    }
    for l in s.price_lists {
        if l.entries
            .iter()
            .any(|e| !product_ids.contains(&e.product.as_u128()))
        {
            exp.problem(format!("{} prices a product that does not exist", l.id));
        }
    }
    for q in s.quotes {
        if !present(RecordRef::Deal(q.deal))
            || q.superseded_by
                .is_some_and(|x| !quote_ids.contains(&x.as_u128()))
        {
            exp.problem(format!("{} names a record that does not exist", q.id));
        }
    }
}
