//! What `verify` checks of leads, deals and their stage changes, pipelines, products, price
//! lists and quotes: links between them and to people, deals' places in their pipelines,
//! their stage histories, and the sums of their lines.

use std::collections::{BTreeSet, HashMap};

use crate::records::integrity::{Verifier, Verify};
use crate::records::record::Record;
use crate::records::tables;
use crate::sales::deal::{Deal, StageChange};
use crate::sales::lead::Lead;
use crate::sales::lineitem;
use crate::sales::pipeline::Pipeline;
use crate::sales::product::{PriceList, Product};
use crate::sales::quote::Quote;
use crate::storage::store::AnyTx;
use crate::values::error::Result;
use crate::values::id::{
    DealId, LeadId, PipelineId, PriceListId, ProductId, QuoteId, RecordKind, RecordRef,
};

/// The sales domain's records, between collecting and checking.
#[derive(Default)]
pub(crate) struct Checks {
    leads: Vec<Lead>,
    deals: Vec<Deal>,
    changes: Vec<StageChange>,
    pipelines: Vec<Pipeline>,
    products: Vec<Product>,
    price_lists: Vec<PriceList>,
    quotes: Vec<Quote>,
}

impl Verify for Checks {
    fn collect(&mut self, r: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()> {
        self.leads = v.entity_records(r)?;
        self.deals = v.entity_records(r)?;
        self.changes = v.records(r)?;
        self.pipelines = v.records(r)?;
        self.products = v.records(r)?;
        self.price_lists = v.records(r)?;
        self.quotes = v.records(r)?;
        v.present(RecordKind::Lead, self.leads.iter().map(Record::raw_id));
        v.present(RecordKind::Deal, self.deals.iter().map(Record::raw_id));
        v.name_ids(tables::LEADS, |raw| LeadId::from_u128(raw).to_string());
        v.name_ids(tables::DEALS, |raw| DealId::from_u128(raw).to_string());
        v.name_ids(tables::PIPELINES, |raw| {
            PipelineId::from_u128(raw).to_string()
        });
        v.name_ids(tables::PRODUCTS, |raw| {
            ProductId::from_u128(raw).to_string()
        });
        v.name_ids(tables::PRICE_LISTS, |raw| {
            PriceListId::from_u128(raw).to_string()
        });
        v.name_ids(tables::QUOTES, |raw| QuoteId::from_u128(raw).to_string());
        Ok(())
    }

    fn check(&mut self, _: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()> {
        let product_ids: BTreeSet<u128> = self.products.iter().map(Record::raw_id).collect();
        let list_ids: BTreeSet<u128> = self.price_lists.iter().map(Record::raw_id).collect();
        let quote_ids: BTreeSet<u128> = self.quotes.iter().map(Record::raw_id).collect();
        if self.pipelines.iter().filter(|p| p.is_default).count() != 1 {
            v.problem("there is not exactly one default pipeline");
        }
        for l in &self.leads {
            if let Some(c) = &l.conversion {
                let links = [
                    c.contact.map(RecordRef::Contact),
                    c.company.map(RecordRef::Company),
                    c.deal.map(RecordRef::Deal),
                ];
                if links
                    .into_iter()
                    .flatten()
                    .filter(|x| !v.exists(*x))
                    .count()
                    > 0
                {
                    v.flaw(
                        l,
                        format!("{} was converted into a record that does not exist", l.id),
                    );
                }
            }
        }
        let mut history: HashMap<u128, Vec<&StageChange>> = HashMap::new();
        for c in &self.changes {
            if !v.exists(RecordRef::Deal(c.deal)) {
                v.flaw(
                    c,
                    format!("a stage change names {}, which does not exist", c.deal),
                );
            }
            history.entry(c.deal.as_u128()).or_default().push(c);
        }
        for d in &self.deals {
            let stage = self
                .pipelines
                .iter()
                .find(|p| p.id == d.pipeline)
                .and_then(|p| p.stage(d.stage));
            match stage {
                None => v.flaw(
                    d,
                    format!("{} is in a stage its pipeline does not have", d.id),
                ),
                Some(st) if st.archived => v.flaw(d, format!("{} is in an archived stage", d.id)),
                Some(st) if st.kind != d.status => v.flaw(
                    d,
                    format!("{} has a status other than its stage's kind", d.id),
                ),
                Some(_) => {}
            }
            let mut links: Vec<RecordRef> = d.company.map(RecordRef::Company).into_iter().collect();
            links.extend(d.contacts.iter().map(|c| RecordRef::Contact(c.contact)));
            links.extend(d.origin.map(RecordRef::Deal));
            if links.into_iter().filter(|x| !v.exists(*x)).count() > 0
                || d.price_list
                    .is_some_and(|l| !list_ids.contains(&l.as_u128()))
                || d.line_items.iter().any(|l| {
                    l.product
                        .is_some_and(|p| !product_ids.contains(&p.as_u128()))
                })
            {
                v.flaw(d, format!("{} names a record that does not exist", d.id));
            }
            if lineitem::totals(&d.line_items).ok() != Some(d.totals) {
                v.flaw(
                    d,
                    format!("{} has totals other than the sums of its lines", d.id),
                );
            }
            match history.get(&d.raw_id()).and_then(|h| h.last()) {
                Some(last) if last.to_stage == d.stage => {}
                _ => v.flaw(
                    d,
                    format!(
                        "{} has a stage history that does not end in its stage",
                        d.id
                    ),
                ),
            }
        }
        for l in &self.price_lists {
            if l.entries
                .iter()
                .any(|e| !product_ids.contains(&e.product.as_u128()))
            {
                v.flaw(l, format!("{} prices a product that does not exist", l.id));
            }
        }
        for q in &self.quotes {
            if !v.exists(RecordRef::Deal(q.deal))
                | q.superseded_by
                    .is_some_and(|x| !quote_ids.contains(&x.as_u128()))
            {
                v.flaw(q, format!("{} names a record that does not exist", q.id));
            }
        }
        Ok(())
    }
}
