#!/usr/bin/env bash
# Runs every test of the workspace, installing what a fresh machine lacks (idempotently).
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
cargo run -q -p crm-core --example quickstart -- target/quickstart.crm

step "the WebAssembly binding builds for wasm32-unknown-unknown"
cargo build -q -p crm-wasm --target wasm32-unknown-unknown

step "API docs build without broken links"
RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps -p crm-core

echo
echo "All tests passed in $(( $(date +%s) - start ))s."
