//! What a CRM holds, as the suites compare it: every record's typed id and one value that
//! changes when the record is updated (a contact's given name, a company's name, a deal's
//! title, an activity's subject).

use std::collections::BTreeMap;

use crm_core::{ActivityQuery, CompanyQuery, ContactQuery, Crm, DealQuery, Result};

/// Typed id (`contact_…`) → value.
pub(crate) type State = BTreeMap<String, String>;

/// Every record of the four kinds the suites write, read through the listings.
pub(crate) fn read_all(crm: &Crm) -> Result<State> {
    let mut state = State::new();
    let mut cursor = None;
    loop {
        let page = crm.list_contacts(&ContactQuery {
            limit: 500,
            cursor,
            ..ContactQuery::default()
        })?;
        for c in page.items {
            state.insert(c.id.to_string(), c.given_name.unwrap_or_default());
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let mut cursor = None;
    loop {
        let page = crm.list_companies(&CompanyQuery {
            limit: 500,
            cursor,
            ..CompanyQuery::default()
        })?;
        for c in page.items {
            state.insert(c.id.to_string(), c.name);
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let mut cursor = None;
    loop {
        let page = crm.list_deals(&DealQuery {
            limit: 500,
            cursor,
            ..DealQuery::default()
        })?;
        for d in page.items {
            state.insert(d.id.to_string(), d.title);
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let mut cursor = None;
    loop {
        let page = crm.list_activities(&ActivityQuery {
            limit: 500,
            cursor,
            ..ActivityQuery::default()
        })?;
        for a in page.items {
            state.insert(a.id.to_string(), a.subject);
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    Ok(state)
}
