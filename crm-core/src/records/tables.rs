//! The tables of a CRM file beside the storage layer's own (`meta`, `index`, `search`,
//! `recent`). Their names are part of the file format; their slots only number the tables a
//! transaction keeps open. A record table is keyed by the 16 big-endian bytes of the id.

use crate::storage::store::Table;
use crate::values::id::RecordKind;

/// Contacts.
pub(crate) const CONTACTS: Table = Table::new("contacts", 1);
/// Companies.
pub(crate) const COMPANIES: Table = Table::new("companies", 2);
/// Employments: a contact's links to companies.
pub(crate) const EMPLOYMENTS: Table = Table::new("employments", 3);
/// Typed relations between two records of the same kind.
pub(crate) const RELATIONS: Table = Table::new("relations", 4);
/// The relation types defined besides the built-in ones.
pub(crate) const RELATION_TYPES: Table = Table::new("relation_types", 5);
/// Custom field definitions, by record kind and key.
pub(crate) const FIELD_DEFS: Table = Table::new("field_defs", 6);
/// Leads.
pub(crate) const LEADS: Table = Table::new("leads", 9);
/// Deals.
pub(crate) const DEALS: Table = Table::new("deals", 10);
/// The stage changes of deals, by their own time-ordered key.
pub(crate) const STAGE_CHANGES: Table = Table::new("stage_changes", 11);
/// Pipelines with their stages.
pub(crate) const PIPELINES: Table = Table::new("pipelines", 12);
/// Products.
pub(crate) const PRODUCTS: Table = Table::new("products", 13);
/// Price lists.
pub(crate) const PRICE_LISTS: Table = Table::new("price_lists", 14);
/// Quotes.
pub(crate) const QUOTES: Table = Table::new("quotes", 15);
/// Exchange rates, keyed by currency pair then date.
pub(crate) const RATES: Table = Table::new("rates", 16);
/// Calls, meetings, tasks, notes, emails.
pub(crate) const ACTIVITIES: Table = Table::new("activities", 17);
/// Calendars.
pub(crate) const CALENDARS: Table = Table::new("calendars", 18);
/// What changed in records, by their own time-ordered key.
pub(crate) const CHANGES: Table = Table::new("changes", 19);

/// Every table of a CRM file, the storage layer's included.
pub(crate) const ALL: [Table; 21] = [
    Table::META,
    CONTACTS,
    COMPANIES,
    EMPLOYMENTS,
    RELATIONS,
    RELATION_TYPES,
    FIELD_DEFS,
    Table::INDEX,
    Table::SEARCH,
    LEADS,
    DEALS,
    STAGE_CHANGES,
    PIPELINES,
    PRODUCTS,
    PRICE_LISTS,
    QUOTES,
    RATES,
    ACTIVITIES,
    CALENDARS,
    CHANGES,
    Table::RECENT,
];

/// The tables whose values are encoded by `codec.rs`, each with its checksum: every table but
/// the storage layer's own.
pub(crate) const CODED: [Table; 17] = [
    CONTACTS,
    COMPANIES,
    EMPLOYMENTS,
    RELATIONS,
    RELATION_TYPES,
    FIELD_DEFS,
    LEADS,
    DEALS,
    STAGE_CHANGES,
    PIPELINES,
    PRODUCTS,
    PRICE_LISTS,
    QUOTES,
    RATES,
    ACTIVITIES,
    CALENDARS,
    CHANGES,
];

/// The tables keyed by ids minted by the library (stage ids live inside pipelines): their
/// highest key is the floor for minting new ids.
pub(crate) const MINTED: [Table; 14] = [
    CONTACTS,
    COMPANIES,
    EMPLOYMENTS,
    RELATIONS,
    LEADS,
    DEALS,
    STAGE_CHANGES,
    PIPELINES,
    PRODUCTS,
    PRICE_LISTS,
    QUOTES,
    ACTIVITIES,
    CALENDARS,
    CHANGES,
];

/// The table of the records of a kind.
pub(crate) fn of(kind: RecordKind) -> Table {
    match kind {
        RecordKind::Contact => CONTACTS,
        RecordKind::Company => COMPANIES,
        RecordKind::Lead => LEADS,
        RecordKind::Deal => DEALS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_tables_share_a_name_or_a_slot() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.name(), b.name());
                assert_ne!(a.slot(), b.slot(), "{} and {}", a.name(), b.name());
            }
        }
        for t in MINTED {
            assert!(ALL.contains(&t), "{}", t.name());
        }
    }
}
