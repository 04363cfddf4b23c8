//! The schema versions of a CRM file: the steps that bring a file of each version to the
//! next (`records/migrate.rs` runs them). To change the stored format: add a step at the end
//! of [`STEPS`], keep a file written by the previous version under `crm-core/tests/fixtures/`,
//! and extend the migration test that opens it.

use crate::people::company::Company;
use crate::people::contact::Contact;
use crate::people::relation;
use crate::records::index;
use crate::records::migrate::{self, Step, add_index_entries, add_name_entries, create_tables};
use crate::sales::deal::Deal;
use crate::sales::lead::Lead;
use crate::sales::{fx, pipeline};
use crate::storage::store::{Store, WriteTx};
use crate::values::context::Ctx;
use crate::values::error::Result;

/// The schema version this library writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = STEPS.len() as u32;

/// `STEPS[n]` migrates a version-`n` file to version `n + 1`.
const STEPS: [Step; 11] = [
    create_v1,
    sales_v2,
    migrate::posting_lists_v3,
    activities_v4,
    name_prefixes_v5,
    recent_v6,
    name_terms_v7,
    migrate::packed_postings_v8,
    migrate::checksums_v9,
    migrate::keyed_checksums_v10,
    counts_and_currency_v11,
];

/// Brings the file to [`SCHEMA_VERSION`], or refuses it.
pub(crate) fn prepare(store: &Store, ctx: &Ctx) -> Result<()> {
    migrate::prepare(store, ctx, &STEPS, |w| crate::api::crm::highest_id(w))
}

/// Refuses a file written by a newer version before it is opened for writing.
pub(crate) fn refuse_newer_file(path: &std::path::Path) -> Result<()> {
    migrate::refuse_newer_file(path, SCHEMA_VERSION)
}

/// Version 1: the tables, and the built-in relation types.
fn create_v1(w: &mut WriteTx<'_>, ctx: &Ctx) -> Result<()> {
    create_tables(w, ctx)?;
    for t in relation::built_in_types() {
        relation::put_type(w, &t)?;
    }
    Ok(())
}

/// Version 2: the sales tables (leads, deals and their stage changes, pipelines, products,
/// price lists, quotes, exchange rates) and the default sales pipeline.
fn sales_v2(w: &mut WriteTx<'_>, ctx: &Ctx) -> Result<()> {
    create_tables(w, ctx)?;
    if pipeline::all(w)?.is_empty() {
        pipeline::create_default(w, ctx)?;
    }
    Ok(())
}

/// Version 4: the tables of activities, calendars and record changes. Nothing to convert,
/// but an older library must not open the file: it would delete records without clearing
/// the activities that link to them.
fn activities_v4(w: &mut WriteTx<'_>, ctx: &Ctx) -> Result<()> {
    create_tables(w, ctx)
}

/// Version 5: the name-prefix lists of the search table (`index::NAME_PREFIX`), built from
/// every contact, company, lead and deal.
fn name_prefixes_v5(w: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
    add_name_lists(w, index::NAME_PREFIX)
}

/// Version 6: the `recent` table, where small commits leave their index and posting changes
/// until they are folded into the big tables (see `recent.rs`). An older library would not
/// read them.
fn recent_v6(w: &mut WriteTx<'_>, ctx: &Ctx) -> Result<()> {
    create_tables(w, ctx)
}

/// Version 7: the short name-term lists of the search table (`index::NAME_TERM`), built from
/// every contact, company, lead and deal.
fn name_terms_v7(w: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
    add_name_lists(w, index::NAME_TERM)
}

/// Version 11:
/// - A CRM without a reporting currency now takes its first priced deal's. A file that has
///   deals keeps reporting in the default it has reported in (and frozen closed deals in), now
///   stored; a file without deals adopts its first deal's currency.
/// - Archived contacts, companies, leads and deals have an index of their own
///   (`ix::*_ARCHIVED`), so that counts answer from the indexes without reading records.
fn counts_and_currency_v11(w: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
    fx::keep_default_reporting_currency(w)?;
    add_index_entries::<Contact>(w, index::ix::CONTACT_ARCHIVED)?;
    add_index_entries::<Company>(w, index::ix::COMPANY_ARCHIVED)?;
    add_index_entries::<Lead>(w, index::ix::LEAD_ARCHIVED)?;
    add_index_entries::<Deal>(w, index::ix::DEAL_ARCHIVED)
}

/// Posts the entries of the search table under the kind bytes `byte | code` (name-prefix or
/// short name-term lists) of every contact, company, lead and deal.
fn add_name_lists(w: &mut WriteTx<'_>, byte: u8) -> Result<()> {
    add_name_entries::<Contact>(w, byte)?;
    add_name_entries::<Company>(w, byte)?;
    add_name_entries::<Lead>(w, byte)?;
    add_name_entries::<Deal>(w, byte)
}
