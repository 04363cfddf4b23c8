#!/usr/bin/env bash
# Builds and tests the npm package of crm-wasm, installing what a fresh machine lacks and
# skipping what is there: the wasm32 target, wasm-bindgen-cli (at the version of Cargo.lock,
# into <target>/tools), the npm dev dependencies of bindings/js (npm ci), Debian's chromium.
# Then: the package (scripts/build-npm.sh), the wasm-bindgen tests in Node, the Node tests,
# a tsc check of the declarations, the browser test. Stops at the first failure.
#
# Usage: scripts/bindings-js.sh [step…]   (default: every step, in this order)
#   steps: target wasm-bindgen npm chromium build wasm-test node-test types browser
# Honours CARGO_TARGET_DIR (default: <repo>/target). Needs node and npm (Node 20 or later).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
export CARGO_TARGET_DIR=$TARGET_DIR
TOOLS=$TARGET_DIR/tools
JS=$ROOT/bindings/js
PKG=$JS/pkg

ALL_STEPS=(target wasm-bindgen npm chromium build wasm-test node-test types browser)
STEPS=("$@")
[ ${#STEPS[@]} -gt 0 ] || STEPS=("${ALL_STEPS[@]}")
for s in "${STEPS[@]}"; do
  [[ " ${ALL_STEPS[*]} " == *" $s "* ]] || { echo "unknown step: $s (steps: ${ALL_STEPS[*]})" >&2; exit 2; }
done

now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1fs", ms / 1000 }'; }
START=$(now_ms)
STEP_T0=$START
SUMMARY=()
CURRENT=
on_exit() {
  local rc=$?
  echo
  echo "== bindings-js summary"
  printf '  %s\n' "${SUMMARY[@]}"
  if [ $rc -ne 0 ] && [ -n "$CURRENT" ]; then
    local counts=
    case $CURRENT in node-test|browser) counts=$(node_counts 2>/dev/null || true) ;; esac
    printf '  %-13s %8s  FAILED %s\n' "$CURRENT" "$(secs $(( $(now_ms) - STEP_T0 )))" "$counts"
  fi
  echo "  total: $(secs $(( $(now_ms) - START )))"
  if [ -f "$PKG/crm_wasm_bg.wasm" ]; then
    echo "  crm_wasm_bg.wasm: $(wc -c < "$PKG/crm_wasm_bg.wasm") bytes raw, $(gzip -9 -c "$PKG/crm_wasm_bg.wasm" | wc -c) bytes gzip -9"
  fi
  exit $rc
}
trap on_exit EXIT

# step NAME DESCRIPTION: runs the function step_NAME, timing it.
step() {
  local name=$1 what=$2
  [[ " ${STEPS[*]} " == *" $name "* ]] || return 0
  CURRENT=$name
  printf '\n== %s: %s\n' "$name" "$what"
  STEP_T0=$(now_ms)
  "step_${name//-/_}"
  local took; took=$(secs $(( $(now_ms) - STEP_T0 )))
  echo "-- $name done in $took"
  SUMMARY+=("$(printf '%-13s %8s  %s' "$name" "$took" "${NOTE:-}")")
  NOTE=
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

step_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    NOTE="present"; echo "wasm32-unknown-unknown is installed"
  else
    rustup target add wasm32-unknown-unknown; NOTE="installed"
  fi
}

WB_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print; exit }' Cargo.lock)
step_wasm_bindgen() {
  [ -n "$WB_VERSION" ] || { echo "no wasm-bindgen in Cargo.lock" >&2; return 1; }
  local have=
  [ -x "$TOOLS/bin/wasm-bindgen" ] && have=$("$TOOLS/bin/wasm-bindgen" --version 2>/dev/null || true)
  if [ "$have" = "wasm-bindgen $WB_VERSION" ] && [ -x "$TOOLS/bin/wasm-bindgen-test-runner" ]; then
    NOTE="present ($have)"; echo "$have is installed in $TOOLS"
  else
    # Without --locked: the CLI's own lock file wants releases the registry here lacks.
    cargo install --root "$TOOLS" wasm-bindgen-cli --version "$WB_VERSION" --force
    NOTE="installed $WB_VERSION"
  fi
}

step_npm() {
  command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 or later" >&2; return 1; }
  local stamp=$JS/node_modules/.crm-installed want
  want=$(cat "$JS/package.json" "$JS/package-lock.json" | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    NOTE="current"; echo "bindings/js/node_modules matches package-lock.json"
  else
    (cd "$JS" && npm ci --no-audit --no-fund)
    echo "$want" > "$stamp"
    NOTE="npm ci"
  fi
}

step_chromium() {
  if [ -x /usr/bin/chromium ]; then
    NOTE="present"; echo "/usr/bin/chromium is installed"
  else
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
    NOTE="installed"
  fi
}

step_build() {
  "$ROOT/scripts/build-npm.sh"
  NOTE="$(wc -c < "$PKG/crm_wasm_bg.wasm") B raw, $(gzip -9 -c "$PKG/crm_wasm_bg.wasm" | wc -c) B gzip"
}

# Runs a command with its output shown and kept in $OUT_LOG.
OUT_LOG=$TARGET_DIR/bindings-js-step.log
logged() { mkdir -p "$TARGET_DIR"; "$@" 2>&1 | tee "$OUT_LOG"; return "${PIPESTATUS[0]}"; }
node_counts() { grep -E '^ℹ (tests|pass|fail) ' "$OUT_LOG" | awk '{ printf "%s %s ", $3, $2 }'; }

step_wasm_test() {
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$TOOLS/bin/wasm-bindgen-test-runner \
    logged cargo test -p crm-wasm --target wasm32-unknown-unknown
  NOTE="$(awk '/^test result:/ { p += $4; f += $6 } END { printf "%d passed, %d failed", p, f }' "$OUT_LOG")"
}

step_node_test() {
  local n; n=$(find "$ROOT/tests/scenarios" -name '*.json' | wc -l)
  (cd "$JS" && logged node --test --test-reporter=spec test/scenarios.test.mjs test/binding.test.mjs test/readme.test.mjs)
  NOTE="$n scenario files; $(node_counts)"
}

step_types() {
  (cd "$JS" && node_modules/.bin/tsc -p test/types --noEmit)
  NOTE="tsc $(cd "$JS" && node_modules/.bin/tsc --version)"
}

step_browser() {
  (cd "$JS" && logged node --test --test-reporter=spec test/browser/browser.test.mjs)
  NOTE="$(/usr/bin/chromium --version 2>/dev/null | head -1); $(node_counts)"
}

step target "the wasm32-unknown-unknown target"
step wasm-bindgen "wasm-bindgen-cli $WB_VERSION in ${TOOLS#$ROOT/}"
step npm "npm dev dependencies of bindings/js"
step chromium "Debian's chromium"
step build "the npm package in bindings/js/pkg"
step wasm-test "wasm-bindgen tests of crm-wasm in Node"
step node-test "Node tests: scenarios and binding"
step types "tsc --noEmit of a TypeScript usage file"
step browser "headless Chromium: page, worker, OPFS"
CURRENT=
