//! What `verify` checks of contacts, companies, employments and relations.

use std::collections::{BTreeMap, HashMap};

use crate::people::company::Company;
use crate::people::contact::Contact;
use crate::people::relation::{self, Employment, Relation};
use crate::records::integrity::{Verifier, Verify};
use crate::records::record::Record;
use crate::records::tables;
use crate::storage::store::AnyTx;
use crate::values::error::Result;
use crate::values::id::{CompanyId, ContactId, EmploymentId, RecordKind, RecordRef, RelationId};
use crate::values::normalize;

/// The people domain's records, between collecting and checking.
#[derive(Default)]
pub(crate) struct Checks {
    contacts: Vec<Contact>,
    companies: Vec<Company>,
    employments: Vec<Employment>,
    relations: Vec<Relation>,
}

impl Verify for Checks {
    fn collect(&mut self, r: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()> {
        self.contacts = v.entity_records(r)?;
        self.companies = v.entity_records(r)?;
        self.employments = v.records(r)?;
        self.relations = v.records(r)?;
        v.present(
            RecordKind::Contact,
            self.contacts.iter().map(Record::raw_id),
        );
        v.present(
            RecordKind::Company,
            self.companies.iter().map(Record::raw_id),
        );
        v.name_ids(tables::CONTACTS, |raw| {
            ContactId::from_u128(raw).to_string()
        });
        v.name_ids(tables::COMPANIES, |raw| {
            CompanyId::from_u128(raw).to_string()
        });
        v.name_ids(tables::EMPLOYMENTS, |raw| {
            EmploymentId::from_u128(raw).to_string()
        });
        v.name_ids(tables::RELATIONS, |raw| {
            RelationId::from_u128(raw).to_string()
        });
        Ok(())
    }

    fn check(&mut self, r: &mut AnyTx<'_, '_>, v: &mut Verifier) -> Result<()> {
        let mut active_emails: HashMap<String, u128> = HashMap::new();
        for c in self.contacts.iter().filter(|c| c.archived_at.is_none()) {
            for e in &c.emails {
                if let Some(other) =
                    active_emails.insert(normalize::email_key(&e.address), c.raw_id())
                {
                    if other != c.raw_id() {
                        v.problem(format!(
                            "{} and {} share an email address while both active",
                            c.id,
                            ContactId::from_u128(other)
                        ));
                    }
                }
            }
            if !c.emails.is_empty() && c.emails.iter().filter(|e| e.primary).count() != 1 {
                v.problem(format!("{} does not have exactly one primary email", c.id));
            }
        }
        let parents: BTreeMap<u128, Option<u128>> = self
            .companies
            .iter()
            .map(|c| (c.raw_id(), c.parent.map(|p| p.as_u128())))
            .collect();
        for c in &self.companies {
            let mut seen = std::collections::BTreeSet::new();
            let mut next = c.parent.map(|p| p.as_u128());
            while let Some(p) = next {
                if !seen.insert(p) || p == c.raw_id() {
                    v.problem(format!("{} has a cycle in its parent chain", c.id));
                    break;
                }
                match parents.get(&p) {
                    Some(parent) => next = *parent,
                    None => {
                        // Noted as missing: a rescue takes it out of its subsidiaries.
                        v.exists(RecordRef::Company(CompanyId::from_u128(p)));
                        v.flaw(c, format!("{} has a parent that does not exist", c.id));
                        break;
                    }
                }
            }
        }
        let mut primaries: HashMap<u128, usize> = HashMap::new();
        for e in &self.employments {
            let contact = v.exists(RecordRef::Contact(e.contact));
            if !contact | !v.exists(RecordRef::Company(e.company)) {
                v.flaw(e, format!("{} links a record that does not exist", e.id));
            }
            *primaries.entry(e.contact.as_u128()).or_insert(0) += usize::from(e.primary);
        }
        for (contact, n) in primaries {
            if n != 1 {
                v.problem(format!(
                    "{} has {n} primary employments",
                    ContactId::from_u128(contact)
                ));
            }
        }
        let types = relation::relation_types(r)?;
        for rel in &self.relations {
            let record = v.exists(rel.record);
            if !record | !v.exists(rel.other) {
                v.flaw(
                    rel,
                    format!("{} links a record that does not exist", rel.id),
                );
            }
            if !types.iter().any(|t| t.key == rel.relation_type) {
                v.flaw(
                    rel,
                    format!("{} has a relation type that does not exist", rel.id),
                );
            }
        }
        Ok(())
    }
}
