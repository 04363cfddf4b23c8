//! Long operations: importing many records in one transaction, and backing the whole
//! database up as bytes. Both report progress through a callback that can cancel them.

use serde::{Deserialize, Serialize};

use crate::people::company::{self, CompanyInput};
use crate::people::contact::{self, ContactInput};
use crate::people::relation::{self, EmploymentInput};
use crate::records::tables;
use crate::storage::store::{self, Flow, Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::{CompanyId, ContactId, EmploymentId};

/// How far a long operation has got. The callback receiving it returns `false` to cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Progress {
    /// Units done so far (records imported, entries copied).
    pub done: u64,
    /// Units in all.
    pub total: u64,
}

/// How often a long operation reports progress, in units.
const PROGRESS_EVERY: u64 = 256;

/// Calls `progress` every [`PROGRESS_EVERY`] units and at the end; a `false` cancels.
pub(crate) struct Reporter<'p> {
    callback: &'p mut dyn FnMut(Progress) -> bool,
    done: u64,
    total: u64,
}

impl<'p> Reporter<'p> {
    pub(crate) fn new(callback: &'p mut dyn FnMut(Progress) -> bool, total: u64) -> Self {
        Reporter {
            callback,
            done: 0,
            total,
        }
    }

    /// Counts one unit done; reports on every [`PROGRESS_EVERY`]th.
    pub(crate) fn step(&mut self) -> Result<()> {
        self.done += 1;
        if self.done % PROGRESS_EVERY == 0 {
            self.report()?;
        }
        Ok(())
    }

    /// Reports the current figures.
    pub(crate) fn report(&mut self) -> Result<()> {
        let p = Progress {
            done: self.done,
            total: self.total,
        };
        if crate::values::context::foreign(|| (self.callback)(p)) {
            Ok(())
        } else {
            Err(Error::Cancelled)
        }
    }
}

/// A link to make between an imported contact and an imported company, by their positions in
/// [`ImportData`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ImportEmployment {
    /// Position of the contact in `ImportData::contacts`.
    pub contact: u32,
    /// Position of the company in `ImportData::companies`.
    pub company: u32,
    /// The contact's role towards the firm.
    pub role: Option<String>,
    /// The contact's job title at the company.
    pub title: Option<String>,
    /// Make this the contact's primary employer.
    pub primary: bool,
}

/// Records to import in one transaction: all of them, or (on the first refusal, or when the
/// progress callback cancels) none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ImportData {
    /// Companies, created first.
    pub companies: Vec<CompanyInput>,
    /// Contacts.
    pub contacts: Vec<ContactInput>,
    /// Links between the contacts and companies above.
    pub employments: Vec<ImportEmployment>,
}

/// The ids given to imported records, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportReport {
    /// Ids of the imported companies.
    pub companies: Vec<CompanyId>,
    /// Ids of the imported contacts.
    pub contacts: Vec<ContactId>,
    /// Ids of the employments made.
    pub employments: Vec<EmploymentId>,
}

pub(crate) fn import_records(
    w: &mut impl Writer,
    ctx: &Ctx,
    data: &ImportData,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<ImportReport> {
    let total = (data.companies.len() + data.contacts.len() + data.employments.len()) as u64;
    let mut reporter = Reporter::new(progress, total);
    reporter.report()?;
    let mut report = ImportReport::default();
    for (i, input) in data.companies.iter().enumerate() {
        let c = company::create(w, ctx, input).map_err(|e| e.within(&format!("companies[{i}]")))?;
        report.companies.push(c.id);
        reporter.step()?;
    }
    for (i, input) in data.contacts.iter().enumerate() {
        let c = contact::create(w, ctx, input).map_err(|e| e.within(&format!("contacts[{i}]")))?;
        report.contacts.push(c.id);
        reporter.step()?;
    }
    for (i, link) in data.employments.iter().enumerate() {
        let at = |part: &str| format!("employments[{i}].{part}");
        let contact = *report.contacts.get(link.contact as usize).ok_or_else(|| {
            Error::validation(at("contact"), "is not the position of an imported contact")
        })?;
        let company = *report.companies.get(link.company as usize).ok_or_else(|| {
            Error::validation(at("company"), "is not the position of an imported company")
        })?;
        let input = EmploymentInput {
            contact,
            company,
            role: link.role.clone(),
            title: link.title.clone(),
            primary: link.primary,
        };
        let e =
            relation::link(w, ctx, &input).map_err(|e| e.within(&format!("employments[{i}]")))?;
        report.employments.push(e.id);
        reporter.step()?;
    }
    reporter.report()?;
    Ok(report)
}

pub(crate) fn backup(
    r: &mut impl Reader,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Vec<u8>> {
    let mut total = 0;
    for t in tables::ALL {
        total += if t == Table::RECENT {
            // Not copied: its changes are, in the tables they belong to.
            r.recent()?.postings.len() as u64
        } else if t == Table::INDEX {
            // Read with the recent changes merged in, so counted that way.
            let mut n = 0;
            r.scan_prefix(t, &[], false, |_, _| {
                n += 1;
                Ok(Flow::Continue(()))
            })?;
            n
        } else {
            r.len(t)?
        };
    }
    let mut reporter = Reporter::new(progress, total);
    reporter.report()?;
    let bytes = store::copy_to_bytes(r, &tables::ALL, || reporter.step())?;
    reporter.report()?;
    Ok(bytes)
}
