//! The layer rule of `crm-core`, checked on its source: a module refers through `crate::` only
//! to its own layer and the layers below it (see ARCHITECTURE.md, *Architecture invariants*).
//!
//! The folders of `crm-core/src`, bottom first: `values`, `storage`, `records`, `queries`, the
//! domains in the order they are declared (`people`, `sales`, `activities`), `formats`, `api`.
//! A domain builds on the domains declared before it, never on a later one. The crate root
//! (`lib.rs`, and test-only modules beside it) sits above everything. A module below the root
//! names what it uses by its full path (`crate::people::contact::Contact`), never through the
//! root's re-exports (`crate::Contact`), which would hide the layer it comes from.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The folders of `crm-core/src`, bottom first.
const LAYERS: &[&str] = &[
    "values",
    "storage",
    "records",
    "queries",
    "people",
    "sales",
    "activities",
    "formats",
    "api",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crm-core/src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a readable source folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The rank of a layer folder, or `None` for a name that is not one.
fn rank(name: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == name)
}

/// The source without comments (doc links name items without depending on them) and without
/// the contents of string literals.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut prev = '\0';
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_string && c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' && !(prev == '\'' && chars.get(i + 1) == Some(&'\'')) {
                in_string = !in_string;
                kept.push(c);
            } else if !in_string {
                kept.push(c);
            }
            prev = if prev == '\\' && c == '\\' { '\0' } else { c };
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// The first path segment of every `crate::` (or `$crate::`) reference in `code`, with the
/// members of `crate::{…}` groups.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at + "crate::".len();
        from = start;
        let before = code[..from - "crate::".len()].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if bytes.get(start) == Some(&b'{') {
            // A group: the first identifier of each member at depth one.
            let mut depth = 0usize;
            let mut expect_head = true;
            let mut head = String::new();
            for &b in &bytes[start..] {
                let c = b as char;
                match c {
                    '{' => {
                        depth += 1;
                        if depth == 1 {
                            expect_head = true;
                        }
                    }
                    '}' => {
                        if depth == 1 && !head.is_empty() {
                            out.insert(std::mem::take(&mut head));
                        }
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        if !head.is_empty() {
                            out.insert(std::mem::take(&mut head));
                        }
                        expect_head = true;
                    }
                    c if depth == 1 && expect_head && (c.is_alphanumeric() || c == '_') => {
                        head.push(c);
                    }
                    c if depth == 1 && expect_head && !c.is_whitespace() => {
                        if !head.is_empty() {
                            out.insert(std::mem::take(&mut head));
                        }
                        expect_head = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = code[start..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // `crate::name!` invokes an exported macro, which lives at the crate root.
            let is_macro = code[start + name.len()..].starts_with('!');
            if !name.is_empty() && !is_macro {
                out.insert(name);
            }
        }
    }
    out
}

/// Every reference that breaks the rule, as `file -> target`.
fn violations() -> Vec<String> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 20, "the core's sources were found: {files:?}");
    let mut out = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(&root)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        // A file directly in src/ is the crate root or a test-only module beside it.
        let Some((folder, _)) = rel.split_once('/') else {
            continue;
        };
        let own = rank(folder).unwrap_or_else(|| {
            panic!(
                "{rel}: the folder {folder} is not a layer; add it to LAYERS and ARCHITECTURE.md"
            )
        });
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        for target in crate_refs(&code_of(&text)) {
            match rank(&target) {
                Some(r) if r <= own => {}
                Some(_) => out.push(format!("{rel} -> {target}")),
                None => out.push(format!("{rel} -> {target} (through the crate root)")),
            }
        }
    }
    out
}

#[test]
fn each_layer_refers_only_to_itself_and_the_layers_below() {
    let found = violations();
    assert!(
        found.is_empty(),
        "references against the layer rule (a module may name only its own layer and those \
         below it, by full path; a reaction across domains goes to api/reactions.rs, per-kind \
         behaviour an engine needs to a trait the domain implements):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_reference_reader_sees_groups_paths_and_macros() {
    let code = code_of(
        "use crate::{values::{id::X, text}, storage::store::Y};\n\
         fn f() { crate::people::contact::get(); $crate::records::record::load(); }\n\
         crate::operation_table!(crm_macros::core_operations);\n\
         // crate::api::crm is only a comment\n\
         let s = \"crate::sales::deal in a string\";\n",
    );
    let refs: Vec<String> = crate_refs(&code).into_iter().collect();
    assert_eq!(refs, ["people", "records", "storage", "values"]);
}
