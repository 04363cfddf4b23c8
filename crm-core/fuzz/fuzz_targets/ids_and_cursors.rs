//! Strings read as typed ids, record references and listing cursors: a typed error or a
//! value, never a panic. The cursors go to the listings of one CRM kept across inputs.
#![no_main]

use std::sync::LazyLock;

use crm_core::{
    ActivityId, ActivityQuery, CompanyId, CompanyInput, CompanyQuery, ContactId, ContactInput,
    ContactQuery, Crm, DealId, DealQuery, LeadId, LeadQuery, PipelineId, RecordRef, StageId,
};
use libfuzzer_sys::fuzz_target;

static CRM: LazyLock<Crm> = LazyLock::new(|| {
    let crm = Crm::open_in_memory().expect("an in-memory CRM");
    for i in 0..5 {
        crm.create_contact(ContactInput {
            given_name: Some(format!("Ștefan {i}")),
            ..ContactInput::default()
        })
        .expect("a contact");
        crm.create_company(CompanyInput {
            name: format!("Łódź {i}"),
            ..CompanyInput::default()
        })
        .expect("a company");
    }
    crm
});

fuzz_target!(|s: &str| {
    let _ = s.parse::<ContactId>();
    let _ = s.parse::<CompanyId>();
    let _ = s.parse::<DealId>();
    let _ = s.parse::<LeadId>();
    let _ = s.parse::<ActivityId>();
    let _ = s.parse::<PipelineId>();
    let _ = s.parse::<StageId>();
    let _ = s.parse::<RecordRef>();
    let cursor = Some(s.to_string());
    let crm = &*CRM;
    let _ = crm.list_contacts(&ContactQuery {
        cursor: cursor.clone(),
        ..ContactQuery::default()
    });
    let _ = crm.list_companies(&CompanyQuery {
        cursor: cursor.clone(),
        ..CompanyQuery::default()
    });
    let _ = crm.list_deals(&DealQuery {
        cursor: cursor.clone(),
        ..DealQuery::default()
    });
    let _ = crm.list_leads(&LeadQuery {
        cursor: cursor.clone(),
        ..LeadQuery::default()
    });
    let _ = crm.list_activities(&ActivityQuery {
        cursor,
        ..ActivityQuery::default()
    });
});
