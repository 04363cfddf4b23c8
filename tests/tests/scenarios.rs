//! Runs every scenario file natively on each storage backend (in memory, and on a file in a
//! temporary directory), and checks that the suite covers every operation.

use std::collections::BTreeSet;

use crm_tests::scenario::{self, Backend, dispatch};

/// Runs every scenario on the backend `backend` makes for it (one call per scenario).
fn every_scenario_passes_on(backend: impl Fn() -> (Backend, Option<tempfile::TempDir>)) {
    let all = scenario::load_all();
    assert!(!all.is_empty());
    let failures: Vec<String> = all
        .iter()
        .filter_map(|(name, s)| {
            // The directory, if any, lives until the scenario is done.
            let (backend, _dir) = backend();
            scenario::run(s, &backend)
                .err()
                .map(|e| format!("{name}: {e}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_scenario_passes_in_memory() {
    every_scenario_passes_on(|| (Backend::Memory, None));
}

#[test]
fn every_scenario_passes_on_a_file() {
    every_scenario_passes_on(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        (Backend::File(dir.path().to_path_buf()), Some(dir))
    });
}

#[test]
fn every_operation_has_a_scenario_and_a_runner_arm() {
    let used: BTreeSet<String> = scenario::load_all()
        .into_iter()
        .flat_map(|(_, s)| s.steps.into_iter().map(|st| st.op))
        .collect();
    let crm = crm_core::Crm::open_in_memory().unwrap();
    let mut missing = Vec::new();
    for op in crm_core::OPERATIONS {
        if !used.contains(*op) {
            missing.push(format!("{op} has no scenario"));
        }
        if *op != "close" && dispatch(&crm, op, &Default::default()).is_none() {
            missing.push(format!("{op} is missing from the Rust runner"));
        }
    }
    for op in &used {
        if !op.starts_with('$') && !crm_core::OPERATIONS.contains(&op.as_str()) {
            missing.push(format!("scenarios use {op}, which is not an operation"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
