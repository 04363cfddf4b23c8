//! Rescue of a damaged CRM file (`records/rescue.rs` is the engine): what the API gives it
//! (the domains' checks, the reactions a delete runs, what a new file holds) and the builder's
//! two ways in, from a file into a new file and from bytes into bytes.

use crate::api::crm::CrmBuilder;
use crate::api::kinds;
use crate::api::migrations::SCHEMA_VERSION;
use crate::people::{company, relation};
use crate::records::migrate;
use crate::records::rescue::{self, Domains, RescueReport};
use crate::records::tables;
use crate::sales::pipeline;
use crate::storage::salvage::{self, Damaged};
use crate::storage::store::{self, Location, Store, WriteTx};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::RecordRef;

/// A rescued CRM as bytes ([`CrmBuilder::rescue_bytes`]), with what was saved and lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RescuedBytes {
    /// The new CRM file's bytes, which [`CrmBuilder::open_bytes`] opens.
    pub bytes: Vec<u8>,
    /// What was saved and what could not be.
    pub report: RescueReport,
}

impl CrmBuilder {
    /// Copies every readable record of the damaged CRM file at `from` into a new file at `to`,
    /// and reports what could not be saved. `from` is only read, never written, even when
    /// the storage engine would repair it on opening. `to` must not exist: it appears only
    /// once it is complete. Records that depend on lost ones are taken out of them as a
    /// delete would, or left out and named in the report; the new file verifies clean.
    ///
    /// Refused with `validation` on `to` when a file is there, with `version` when `from` was
    /// written by a newer version of the library, and with the error of opening `from` when
    /// not even its structure can be read.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn rescue_file(
        mut self,
        from: impl AsRef<std::path::Path>,
        to: impl AsRef<std::path::Path>,
    ) -> Result<RescueReport> {
        let (from, to) = (from.as_ref(), to.as_ref());
        if to.exists() {
            return Err(Error::validation(
                "to",
                "a file is already there: rescue into a new file",
            ));
        }
        let ctx = self.context()?;
        let (source, repairs) = salvage::open_damaged(Damaged::file(from)?)?;
        let mut report = None;
        crate::storage::files::create_whole(to, |temp| {
            let target = Store::open(Location::File(temp), None)?;
            report = Some(rescue_into(&source, &target, &ctx, repairs)?);
            Ok(())
        })?;
        report.ok_or_else(|| Error::storage("the rescue wrote nothing"))
    }

    /// [`CrmBuilder::rescue_file`] from the bytes of a damaged CRM file into the bytes of a
    /// new one. On `wasm32`, where a panic cannot be contained, damage to the storage
    /// engine's own pages (rather than to records, which checksums catch) can still abort.
    pub fn rescue_bytes(mut self, bytes: Vec<u8>) -> Result<RescuedBytes> {
        let ctx = self.context()?;
        let (source, repairs) = salvage::open_damaged(Damaged::Bytes(bytes))?;
        let target = Store::open(Location::Memory, None)?;
        let report = rescue_into(&source, &target, &ctx, repairs)?;
        let bytes = target.read(|r| store::copy_to_bytes(r, &tables::ALL, || Ok(())))?;
        Ok(RescuedBytes { bytes, report })
    }
}

/// Checks the version of `source`, then rescues it into `target`, a new database, in one
/// transaction; `repairs` are what opening `source` took (see [`RescueReport::repairs`]).
fn rescue_into(
    source: &Store,
    target: &Store,
    ctx: &Ctx,
    repairs: Vec<String>,
) -> Result<RescueReport> {
    // A version that cannot be read is taken for this library's.
    let version = migrate::file_version(source)
        .ok()
        .flatten()
        .unwrap_or(SCHEMA_VERSION);
    if version > SCHEMA_VERSION {
        return Err(Error::Version {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    // Values carry checksums from version 9 on.
    let unmarked = version < 9;
    let mut report = target.write(|w| {
        Store::create_tables(w, &tables::ALL)?;
        migrate::stamp(w, SCHEMA_VERSION)?;
        let forget = |w: &mut WriteTx<'_>, rec: RecordRef| {
            if let RecordRef::Company(id) = rec {
                company::orphan_subsidiaries(w, ctx, id)?;
            }
            crate::api::reactions::forget(w, ctx, rec)
        };
        let restore = |w: &mut WriteTx<'_>| restore(w, ctx);
        rescue::rescue(
            source,
            w,
            &Domains {
                checks: &kinds::checks,
                forget: &forget,
                restore: &restore,
            },
            unmarked,
        )
    })?;
    report.repairs = repairs;
    Ok(report)
}

/// Puts back what every CRM file holds from its creation where a rescue lost it: the
/// built-in relation types, and a default pipeline (the first one, or a new one when none
/// was saved).
fn restore(w: &mut WriteTx<'_>, ctx: &Ctx) -> Result<()> {
    ctx.raise_floor(crate::api::crm::highest_id(w)?);
    let types = relation::relation_types(w)?;
    for t in relation::built_in_types() {
        if !types.iter().any(|have| have.key == t.key) {
            relation::put_type(w, &t)?;
        }
    }
    let pipelines = pipeline::all(w)?;
    match pipelines.iter().filter(|p| p.is_default).count() {
        1 => {}
        _ => match pipelines.first() {
            Some(first) => {
                pipeline::set_default(w, ctx, first.id)?;
            }
            None => {
                pipeline::create_default(w, ctx)?;
            }
        },
    }
    Ok(())
}
