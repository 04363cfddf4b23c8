//! The people operations (contacts, companies, employments, relation types and relations), each
//! described once in `people_operations!`: its docs, parameters, result and body. `crm-macros`
//! expands the table into the core's methods (`api/crm.rs`), the uniffi and wasm-bindgen bindings
//! and the Rust scenario runner; its crate docs give the table's grammar and how each target maps
//! the types.

/// Hands the people table to the macro named: `people_operations!(crm_macros::uniffi_operations)`
/// expands to `crm_macros::uniffi_operations! { group people; reads { … } … }`. Names in the table
/// resolve where this is invoked. Public only so that the bindings and the scenario runner can
/// expand it.
#[macro_export]
#[doc(hidden)]
macro_rules! people_operations {
    ($($target:ident)::+) => {
        $($target)::+! {
            group people;
            reads {
                // contacts
                /// The contact with this id.
                fn get_contact(id: ContactId) -> Contact = |r, ctx| contact::get(r, id);
                /// The active contact holding this email address (compared without case), if there
                /// is one.
                fn find_contact_by_email(email: &str) -> Option<Contact> = |r, ctx| {
                    contact::by_email(r, email)
                };
                /// The active contacts with this phone number (compared in E.164 form when it can
                /// be read, national numbers in the default phone region).
                fn find_contacts_by_phone(phone: &str) -> Vec<Contact> = |r, ctx| {
                    contact::by_phone(r, ctx, phone)
                };
                /// One page of contacts matching a filter, in the requested order.
                fn list_contacts(query: &ContactQuery) -> Page<Contact> = |r, ctx| {
                    query::list_records::<Contact>(r, ctx, query)
                };
                /// How many contacts match a filter.
                fn count_contacts(filter: &ContactFilter) -> u64 = |r, ctx| {
                    query::count_records::<Contact>(r, ctx, filter)
                };

                // companies
                /// The company with this id.
                fn get_company(id: CompanyId) -> Company = |r, ctx| company::get(r, id);
                /// The active companies with this web domain (a pasted URL is reduced to its
                /// domain).
                fn find_companies_by_domain(domain: &str) -> Vec<Company> = |r, ctx| {
                    company::by_domain(r, domain)
                };
                /// One page of companies matching a filter, in the requested order.
                fn list_companies(query: &CompanyQuery) -> Page<Company> = |r, ctx| {
                    query::list_records::<Company>(r, ctx, query)
                };
                /// How many companies match a filter.
                fn count_companies(filter: &CompanyFilter) -> u64 = |r, ctx| {
                    query::count_records::<Company>(r, ctx, filter)
                };
                /// The direct subsidiaries of a company.
                fn subsidiaries(id: CompanyId) -> Vec<Company> = |r, ctx| {
                    company::get(r, id)?;
                    company::subsidiaries(r, id)
                };
                /// The parent, grandparent… of a company, nearest first.
                fn ancestors(id: CompanyId) -> Vec<Company> = |r, ctx| company::ancestors(r, id);

                // employments
                /// An employment by id.
                fn get_employment(id: EmploymentId) -> Employment = |r, ctx| {
                    relation::get_employment(r, id)
                };
                /// The companies a contact is linked to, oldest link first.
                fn employments_of_contact(id: ContactId) -> Vec<Employment> = |r, ctx| {
                    relation::employments_of_contact(r, id)
                };
                /// The people linked to a company, oldest link first.
                fn employments_at_company(id: CompanyId) -> Vec<Employment> = |r, ctx| {
                    relation::employments_at_company(r, id)
                };

                // relation types and relations
                /// Every relation type, built-in and defined, by key.
                fn relation_types() -> Vec<RelationType> = |r, ctx| relation::relation_types(r);
                /// The relations of a record as seen from it: outgoing then incoming.
                fn relations_of(record: RecordRef) -> Vec<RelationView> = |r, ctx| {
                    relation::relations_of(r, record)
                };
            }
            writes {
                // contacts
                /// Creates a contact.
                fn create_contact(input: ContactInput) -> Contact = |w, ctx| {
                    contact::create(w, ctx, &input)
                };
                /// Replaces the editable fields of a contact (see [`Contact::to_input`]).
                fn update_contact(id: ContactId, input: ContactInput) -> Contact = |w, ctx| {
                    contact::update(w, ctx, id, &input)
                };
                /// Adds tags to a contact (existing ones are kept).
                fn add_contact_tags(id: ContactId, tags: &[String]) -> Contact = |w, ctx| {
                    contact::retag(w, ctx, id, tags, &[])
                };
                /// Removes tags from a contact (compared without case or diacritics).
                fn remove_contact_tags(id: ContactId, tags: &[String]) -> Contact = |w, ctx| {
                    contact::retag(w, ctx, id, &[], tags)
                };
                /// Archives a contact: it leaves search and default listings and frees its email
                /// addresses. Archiving an archived contact changes nothing.
                fn archive_contact(id: ContactId) -> Contact = |w, ctx| {
                    contact::set_archived(w, ctx, id, true)
                };
                /// Restores an archived contact; refused if another active contact took one of its
                /// email addresses meanwhile.
                fn restore_contact(id: ContactId) -> Contact = |w, ctx| {
                    contact::set_archived(w, ctx, id, false)
                };
                /// Deletes a contact with its employments and relations.
                fn delete_contact(id: ContactId) -> () = |w, ctx| {
                    contact::delete(w, ctx, id, reactions::forget)
                };

                // companies
                /// Creates a company.
                fn create_company(input: CompanyInput) -> Company = |w, ctx| {
                    company::create(w, ctx, &input)
                };
                /// Replaces the editable fields of a company (see [`Company::to_input`]).
                fn update_company(id: CompanyId, input: CompanyInput) -> Company = |w, ctx| {
                    company::update(w, ctx, id, &input)
                };
                /// Adds tags to a company (existing ones are kept).
                fn add_company_tags(id: CompanyId, tags: &[String]) -> Company = |w, ctx| {
                    company::retag(w, ctx, id, tags, &[])
                };
                /// Removes tags from a company (compared without case or diacritics).
                fn remove_company_tags(id: CompanyId, tags: &[String]) -> Company = |w, ctx| {
                    company::retag(w, ctx, id, &[], tags)
                };
                /// Archives a company: it leaves search and default listings.
                fn archive_company(id: CompanyId) -> Company = |w, ctx| {
                    company::set_archived(w, ctx, id, true)
                };
                /// Restores an archived company.
                fn restore_company(id: CompanyId) -> Company = |w, ctx| {
                    company::set_archived(w, ctx, id, false)
                };
                /// Deletes a company with its employments and relations; its subsidiaries lose
                /// their parent.
                fn delete_company(id: CompanyId) -> () = |w, ctx| {
                    company::delete(w, ctx, id, reactions::forget)
                };

                // employments
                /// Links a contact to a company. The first link of a contact is its primary one.
                fn link_contact_to_company(input: EmploymentInput) -> Employment = |w, ctx| {
                    relation::link(w, ctx, &input)
                };
                /// Changes the role, title or primary mark of an employment.
                fn update_employment(
                    id: EmploymentId,
                    update: EmploymentUpdate,
                ) -> Employment = |w, ctx| {
                    relation::update_employment(w, ctx, id, &update)
                };
                /// Removes an employment; if it was primary, the contact's oldest other one becomes
                /// so.
                fn unlink_employment(id: EmploymentId) -> () = |w, ctx| {
                    relation::unlink(w, ctx, id)
                };

                // relation types and relations
                /// Defines a new relation type.
                fn define_relation_type(relation_type: RelationType) -> RelationType = |w, ctx| {
                    relation::define_type(w, &relation_type)
                };
                /// Deletes a relation type that no relation uses (built-in types stay).
                fn delete_relation_type(key: &str) -> () = |w, ctx| relation::delete_type(w, key);
                /// Relates two records of the same kind.
                fn relate(input: RelationInput) -> Relation = |w, ctx| {
                    relation::relate(w, ctx, &input)
                };
                /// Removes a relation.
                fn unrelate(id: RelationId) -> () = |w, ctx| relation::unrelate(w, id);
            }
        }
    };
}

use crate::api::crm::{Batch, Crm, View};
use crate::api::reactions;
use crate::people::company::{self, Company, CompanyFilter, CompanyInput, CompanyQuery};
use crate::people::contact::{self, Contact, ContactFilter, ContactInput, ContactQuery};
use crate::people::relation::{
    self, Employment, EmploymentInput, EmploymentUpdate, Relation, RelationInput, RelationType,
    RelationView,
};
use crate::queries::query::{self, Page};
use crate::values::error::Result;
use crate::values::id::{CompanyId, ContactId, EmploymentId, RecordRef, RelationId};

crate::people_operations!(crm_macros::core_operations);
