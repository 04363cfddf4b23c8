//! Shared helpers of the integration tests: deterministic CRMs, sample data, a state dump.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crm_core::*;

/// The instant every deterministic test CRM starts at.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
}

/// A builder with a clock that advances one second per reading and sequential ids.
pub fn builder() -> (CrmBuilder, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::stepping(start(), Duration::seconds(1)));
    let b = Crm::builder()
        .clock(clock.clone())
        .id_source(Arc::new(SequentialIds::new()))
        .default_phone_region("PL");
    (b, clock)
}

/// An in-memory CRM with a deterministic clock and ids.
pub fn crm() -> Crm {
    builder().0.open_in_memory().unwrap()
}

/// A contact input with a name and one email address.
pub fn person(given: &str, family: &str, email: &str) -> ContactInput {
    ContactInput {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        emails: if email.is_empty() {
            vec![]
        } else {
            vec![Email::new(email)]
        },
        ..ContactInput::default()
    }
}

/// A company input with a name and one domain.
pub fn firm(name: &str, domain: &str) -> CompanyInput {
    CompanyInput {
        name: name.into(),
        domains: if domain.is_empty() {
            vec![]
        } else {
            vec![domain.into()]
        },
        ..CompanyInput::default()
    }
}

/// Everything a CRM holds, as JSON text: equal dumps mean equal states.
pub fn dump(crm: &Crm) -> String {
    let all = |sort| ContactQuery {
        filter: ContactFilter {
            archived: Archived::Include,
            ..ContactFilter::default()
        },
        sort,
        limit: 1000,
        cursor: None,
    };
    let contacts = crm.list_contacts(&all(Sort::default())).unwrap().items;
    let companies = crm
        .list_companies(&CompanyQuery {
            filter: CompanyFilter {
                archived: Archived::Include,
                ..CompanyFilter::default()
            },
            limit: 1000,
            ..CompanyQuery::default()
        })
        .unwrap()
        .items;
    let mut employments = Vec::new();
    let mut relations = Vec::new();
    for c in &contacts {
        employments.extend(crm.employments_of_contact(c.id).unwrap());
        relations.push(crm.relations_of(c.id.into()).unwrap());
    }
    for c in &companies {
        relations.push(crm.relations_of(c.id.into()).unwrap());
    }
    let fields: Vec<_> = RecordKind::ALL
        .iter()
        .map(|k| crm.field_defs(*k).unwrap())
        .collect();
    let leads = crm
        .list_leads(&LeadQuery {
            filter: LeadFilter {
                archived: Archived::Include,
                ..LeadFilter::default()
            },
            limit: 1000,
            ..LeadQuery::default()
        })
        .unwrap()
        .items;
    let deals = crm
        .list_deals(&DealQuery {
            filter: DealFilter {
                archived: Archived::Include,
                ..DealFilter::default()
            },
            limit: 1000,
            ..DealQuery::default()
        })
        .unwrap()
        .items;
    let mut histories = Vec::new();
    let mut quotes = Vec::new();
    for d in &deals {
        histories.push(crm.deal_history(d.id).unwrap());
        quotes.push(crm.quotes_of_deal(d.id).unwrap());
    }
    let mut rates = Vec::new();
    for a in ["EUR", "PLN", "USD", "JPY", "RON", "GBP", "CHF", "BHD"] {
        for b in ["EUR", "PLN", "USD", "JPY", "RON", "GBP", "CHF", "BHD"] {
            rates.extend(
                crm.exchange_rates(Currency::new(a).unwrap(), Currency::new(b).unwrap())
                    .unwrap(),
            );
        }
    }
    let mut timelines = Vec::new();
    let records = (contacts.iter().map(|c| RecordRef::from(c.id)))
        .chain(companies.iter().map(|c| RecordRef::from(c.id)))
        .chain(leads.iter().map(|l| RecordRef::Lead(l.id)))
        .chain(deals.iter().map(|d| RecordRef::Deal(d.id)));
    for r in records {
        let mut q = TimelineQuery::new(r);
        q.limit = 1000;
        timelines.push(crm.timeline(&q).unwrap());
    }
    serde_json::to_string_pretty(&serde_json::json!({
        "timelines": timelines,
        "calendars": crm.calendars().unwrap(),
        "contacts": contacts,
        "companies": companies,
        "employments": employments,
        "relations": relations,
        "relation_types": crm.relation_types().unwrap(),
        "fields": fields,
        "leads": leads,
        "deals": deals,
        "histories": histories,
        "quotes": quotes,
        "pipelines": crm.pipelines().unwrap(),
        "products": crm.products(true).unwrap(),
        "price_lists": crm.price_lists().unwrap(),
        "reporting_currency": crm.reporting_currency().unwrap(),
        "rates": rates,
    }))
    .unwrap()
}

/// Asserts that `op` fails with a validation or conflict error on `field` and changes nothing.
#[track_caller]
pub fn refused<T: std::fmt::Debug>(
    crm: &Crm,
    code: &str,
    field: &str,
    op: impl FnOnce(&Crm) -> Result<T>,
) -> Error {
    let before = dump(crm);
    let err = op(crm).expect_err("the operation should have been refused");
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(err.field(), Some(field), "{err}");
    assert_eq!(dump(crm), before, "a refused operation changed the CRM");
    assert!(crm.verify().unwrap().is_ok());
    err
}
