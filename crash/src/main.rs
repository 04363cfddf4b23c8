//! The crash and damage suites of the library, run through its public API.
//!
//! - `crm-crash kill [--rounds N] [--dir D] [--seed S]`: a child process writes random
//!   operations over every record kind (creates, updates, deletes, batches, compaction,
//!   backups) to a CRM file, logging each operation before it starts and once it returned;
//!   the parent kills it with SIGKILL at a random moment, opens the file, verifies it, and
//!   checks that every acknowledged write is there, that nothing else changed, and that no
//!   batch is half written. Some rounds kill the child while it creates a new file or migrates
//!   an old one on open.
//! - `crm-crash damage [--copies N] [--contacts N] [--dir D] [--seed S]`: damaged copies of a
//!   file (flipped bytes, a flipped header, truncation, a zeroed page, appended bytes) are
//!   opened, verified and read; every outcome is classified, and panics and silently changed
//!   records are counted.
//!
//! Both print their figures and exit with status 1 when something was lost, a file could not
//! be opened, or anything panicked (or, for `damage`, a record read back changed without an
//! error, when `--strict` is given).

mod damage;
mod kill;
mod model;
mod rng;

use std::path::PathBuf;
use std::process::ExitCode;

/// The options every suite reads: `--name value` pairs after the subcommand.
pub(crate) struct Options {
    args: Vec<String>,
}

impl Options {
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        let flag = format!("--{name}");
        self.args
            .iter()
            .position(|a| *a == flag)
            .and_then(|i| self.args.get(i + 1))
            .map(String::as_str)
    }

    /// A number option, or `default`.
    pub(crate) fn number(&self, name: &str, default: u64) -> u64 {
        match self.value(name) {
            Some(v) => v.parse().unwrap_or_else(|_| {
                eprintln!("--{name} takes a number, not {v:?}");
                std::process::exit(2)
            }),
            None => default,
        }
    }

    /// A flag without a value.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.args.iter().any(|a| *a == format!("--{name}"))
    }

    /// The working directory (created; emptied of earlier runs' files by each suite).
    pub(crate) fn dir(&self, suite: &str) -> PathBuf {
        let dir = self
            .value("dir")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join(format!("crm-crash-{suite}")));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| {
            eprintln!("cannot create {}: {e}", dir.display());
            std::process::exit(2)
        });
        dir
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprintln!(
            "usage: crm-crash kill [--rounds N] [--seed S] [--dir D]\n       \
             crm-crash damage [--copies N] [--contacts N] [--seed S] [--dir D] [--strict]"
        );
        return ExitCode::from(2);
    }
    let command = args.remove(0);
    let options = Options { args };
    let ok = match command.as_str() {
        "kill" => kill::run(&options),
        "damage" => damage::run(&options),
        "child" => kill::child(&options),
        other => {
            eprintln!("unknown suite {other:?}: kill or damage");
            return ExitCode::from(2);
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
