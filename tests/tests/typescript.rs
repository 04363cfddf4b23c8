//! The npm package's TypeScript declarations are generated from the Rust types: this test
//! fails when `crm-wasm/src/types.d.ts` is not what the current types generate.

#[test]
fn the_typescript_declarations_are_current() {
    let fresh = crm_tests::typescript::generate();
    let path = crm_tests::typescript::path();
    if std::env::var_os("UPDATE_TYPES").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run UPDATE_TYPES=1 cargo test -p crm-tests --test typescript",
        path.display()
    );
}
