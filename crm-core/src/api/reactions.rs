//! Reactions across domains: what the rest of the CRM does when something happens to a
//! record that other domains hold on to. They live here, above every domain, so that a
//! domain never reaches into the ones declared after it; the domains' operations take them as
//! arguments (a kind's `delete` takes [`forget`]).

use crate::activities::activity;
use crate::people::relation;
use crate::records::changes;
use crate::sales::{deal, lead};
use crate::storage::store::Writer;
use crate::values::context::Ctx;
use crate::values::error::Result;
use crate::values::id::RecordRef;

/// Takes a record about to be deleted out of everything that holds on to it, in the caller's
/// transaction: its employments and relations (a contact losing its primary employer gets
/// its oldest other one), the deals naming it as company, contact or origin, the leads
/// converted into it, the activities linking it or in which it takes part, and its recorded
/// changes.
pub(crate) fn forget<W: Writer>(w: &mut W, ctx: &Ctx, rec: RecordRef) -> Result<()> {
    relation::detach(w, ctx, rec)?;
    deal::forget(w, ctx, rec)?;
    lead::forget(w, ctx, rec)?;
    activity::forget(w, ctx, rec)?;
    changes::forget(w, rec)
}
