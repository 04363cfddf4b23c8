#!/usr/bin/env bash
# Runs every test of the workspace in every runtime (Rust, Node, Chromium, Python, Kotlin),
# installing what a fresh machine lacks and skipping what is there: the wasm32 target,
# wasm-bindgen-cli, npm packages, Debian's chromium and libjna-java, maturin and pytest.
# This is the README's test command; .ci/run calls it after the format and lint checks.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
start=$(date +%s)

step "toolchain: the wasm32 target (skipped when present)"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

step "unit, integration, property and doc tests of every crate"
cargo test --workspace

step "the quickstart, on a fresh file"
# In the target directory (CARGO_TARGET_DIR when set), which exists once cargo has built.
TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo run -q -p crm-core --example quickstart -- "$TARGET_DIR/quickstart.crm"

step "crash suites, CI size: kill -9 during writes, and damaged copies of a file (long: README, Crash safety)"
cargo build -q --release -p crm-crash
"$TARGET_DIR/release/crm-crash" kill --rounds 80
"$TARGET_DIR/release/crm-crash" damage --copies 100 --contacts 1000

step "fuzzing, CI size: the iCalendar reader, bytes opened as a CRM, ids and cursors, rescue (20 s each; long: README)"
FUZZ_SECONDS=20 scripts/fuzz.sh ical open_bytes ids_and_cursors rescue

step "benchmark smoke test: library, SQLite and raw redb find the same records (10k, no timing asserted)"
cargo run -q -p crm-bench -- --quick

step "Python, Kotlin and Swift bindings (uniffi): wheel, JAR, scenario runners, binding tests"
scripts/bindings-ffi.sh

step "JavaScript binding (WebAssembly): npm package, wasm-bindgen tests, Node, TypeScript, Chromium"
scripts/bindings-js.sh

step "API docs build without broken links"
RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps -p crm-core

echo
echo "All tests passed in $(( $(date +%s) - start ))s."
