//! The record kinds each engine walks: the API lists them here, so that the engines below the
//! domains (search, integrity checks) never name a domain.

use crate::people::company::Company;
use crate::people::contact::Contact;
use crate::queries::search::SearchKind;
use crate::sales::deal::Deal;
use crate::sales::lead::Lead;

/// The kinds full-text search finds, in the order their hits rank on equal scores.
pub(crate) const SEARCHED: [SearchKind; 4] = [
    SearchKind::of::<Contact>(),
    SearchKind::of::<Company>(),
    SearchKind::of::<Lead>(),
    SearchKind::of::<Deal>(),
];
