//! Architecture invariants, checked on the dependency graph recorded in `Cargo.lock` (which
//! covers every target, so a dependency pulled in only for WebAssembly counts too).

use std::collections::{BTreeMap, BTreeSet};

/// Package name → names of its dependencies, from the workspace's lock file.
fn lock_graph() -> BTreeMap<String, Vec<String>> {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"))
        .expect("Cargo.lock");
    let mut graph = BTreeMap::new();
    for block in lock.split("[[package]]").skip(1) {
        let mut name = None;
        let mut deps = Vec::new();
        let mut in_deps = false;
        for line in block.lines().map(str::trim) {
            if let Some(n) = line.strip_prefix("name = ") {
                name = Some(n.trim_matches('"').to_string());
            } else if line.starts_with("dependencies = [") {
                in_deps = true;
            } else if in_deps && line == "]" {
                in_deps = false;
            } else if in_deps {
                // Entries read "name", "name version" or "name version (source)".
                if let Some(dep) = line
                    .trim_matches(|c| c == '"' || c == ',')
                    .split_whitespace()
                    .next()
                {
                    deps.push(dep.trim_matches('"').to_string());
                }
            }
        }
        if let Some(name) = name {
            graph.entry(name).or_insert_with(Vec::new).extend(deps);
        }
    }
    graph
}

/// Every package `root` depends on, directly or not.
fn closure(root: &str) -> BTreeSet<String> {
    let graph = lock_graph();
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(p) = todo.pop() {
        for d in graph.get(&p).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

#[test]
fn the_core_imports_neither_uniffi_nor_wasm_bindgen() {
    let deps = closure("crm-core");
    assert!(deps.contains("redb"), "the lock file was read: {deps:?}");
    for forbidden in ["uniffi", "wasm-bindgen", "js-sys", "web-sys"] {
        assert!(
            !deps.iter().any(|d| d == forbidden
                || d.starts_with(&format!("{forbidden}_"))
                || d.starts_with(&format!("{forbidden}-"))),
            "crm-core depends on {forbidden} (on some target)"
        );
    }
}

#[test]
fn the_bindings_depend_on_the_core() {
    for binding in ["crm-wasm", "crm-ffi"] {
        assert!(closure(binding).contains("crm-core"), "{binding}");
    }
    assert!(closure("crm-ffi").contains("uniffi"));
    assert!(closure("crm-wasm").contains("wasm-bindgen"));
}
