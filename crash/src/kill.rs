//! kill -9 during writes (filled in below).

use crate::Options;

pub(crate) fn run(_options: &Options) -> bool {
    true
}

pub(crate) fn child(_options: &Options) -> bool {
    true
}
