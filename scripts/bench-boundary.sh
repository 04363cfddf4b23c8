#!/usr/bin/env bash
# The cost of a call across each binding's boundary: get_contact, create_contact, a page of 50
# contacts and a count of them, from Node (the npm package), Python (the wheel) and Kotlin (the JAR), against the
# same calls in Rust, in one run, all release builds, on the same 10,000 contacts (a backup made
# by bench/src/bin/boundary.rs that every runtime opens in memory). Prints a Markdown table of
# microseconds per call and the ratio to native.
#
#   scripts/bench-boundary.sh [--contacts N]
#
# Builds the release artifacts first (scripts/release.sh npm python kotlin: a few minutes the
# first time); needs what scripts/bindings-ffi.sh and scripts/bindings-js.sh install. Python
# runs in its own venv (<target>/venv-bench) with the release wheel. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
export CARGO_TARGET_DIR=$TARGET
CONTACTS=10000
while [ $# -gt 0 ]; do
  case $1 in
    --contacts) CONTACTS=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
DATA=$TARGET/bench-boundary
RESULTS=$DATA/results.jsonl
mkdir -p "$DATA"
: > "$RESULTS"

echo "== release builds" >&2
cargo build -q --release -p crm-bench --bin boundary
scripts/release.sh npm >&2
scripts/release.sh python >&2
scripts/release.sh kotlin >&2
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

echo "== data: $CONTACTS contacts" >&2
"$TARGET/release/boundary" prepare "$DATA" "$CONTACTS"

echo "== native" >&2
"$TARGET/release/boundary" native "$DATA" | tee -a "$RESULTS" >&2

echo "== node $(node --version)" >&2
node bench/boundary/node.mjs "$ROOT/bindings/js/pkg" "$DATA" | tee -a "$RESULTS" >&2

echo "== python" >&2
VENV=$TARGET/venv-bench
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --disable-pip-version-check -q --force-reinstall --no-deps \
  "$TARGET"/release-artifacts/crm_ffi-*.whl
"$VENV/bin/python" bench/boundary/python.py "$DATA" | tee -a "$RESULTS" >&2

echo "== kotlin" >&2
KLIB=$ROOT/bindings/kotlin/node_modules/kotlin-compiler/lib
JAR=$TARGET/release-artifacts/crm-ffi-$VERSION.jar
JNA=/usr/share/java/jna.jar
"$ROOT/bindings/kotlin/node_modules/kotlin-compiler/bin/kotlinc" -nowarn -jvm-target 1.8 \
  -cp "$JAR:$JNA" -d "$DATA/boundary-kt.jar" bench/boundary/Boundary.kt
java -cp "$DATA/boundary-kt.jar:$JAR:$JNA:$KLIB/kotlin-stdlib.jar" BoundaryKt "$DATA" |
  tee -a "$RESULTS" >&2

python3 - "$RESULTS" "$CONTACTS" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
native = next(r for r in rows if r["runtime"] == "native")
ops = ["get_contact", "create_contact", "page_of_50", "count"]
print(f"Calls across the boundary, {int(sys.argv[2]):,} contacts in memory, release builds "
      "(µs per call; × native in the same run):\n")
print("| runtime | " + " | ".join(ops) + " |")
print("|---|" + "---:|" * len(ops))
for r in rows:
    cells = []
    for op in ops:
        us = r[op] / 1000
        cells.append(f"{us:.1f}" if r is native else f"{us:.1f} ({r[op] / native[op]:.1f}×)")
    print(f"| {r['runtime']} | " + " | ".join(cells) + " |")
PY
