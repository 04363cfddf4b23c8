#!/usr/bin/env bash
# Builds what a user of each language ships, optimised (release profiles), into
# <target>/release-artifacts/:
#
#   scripts/release.sh npm      crm-core-wasm-<version>.tgz   the npm package (npm pack of
#                               bindings/js/pkg, built by scripts/build-npm.sh: wasm-release
#                               profile, wasm-opt)
#   scripts/release.sh python   crm_ffi-<version>-*.whl       the wheel (maturin --release)
#   scripts/release.sh kotlin   crm-ffi-<version>.jar         the Kotlin binding with
#                               libcrm_ffi.so inside (JNA loads it from the class path, under
#                               linux-x86-64/); needs JNA and kotlin-stdlib beside it at run time
#   scripts/release.sh swift    swift/                        the Swift package sources
#                               (Package.swift, Sources/) and libcrm_ffi.a of this platform
#   scripts/release.sh all      all four (the default)
#
# The tools are those the test scripts install (scripts/bindings-ffi.sh and
# scripts/bindings-js.sh): run one of them once on a fresh machine first. The debug builds
# the tests use are 3-5x slower across the boundary; these are what to measure and ship.
# Honours CARGO_TARGET_DIR (default: <repo>/target).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
export CARGO_TARGET_DIR=$TARGET
OUT=$TARGET/release-artifacts
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
mkdir -p "$OUT"

ffi_release() {
  cargo build --release -p crm-ffi
  cargo build --release -p uniffi-bindgen
}

npm() {
  scripts/build-npm.sh
  (cd bindings/js/pkg && command npm pack --pack-destination "$OUT" >/dev/null)
  ls -l "$OUT"/crm-core-wasm-*.tgz
}

python() {
  local venv=$TARGET/venv
  if [ ! -x "$venv/bin/maturin" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --disable-pip-version-check -q maturin
  fi
  rm -f "$OUT"/crm_ffi-*.whl
  (cd bindings/python && "$venv/bin/maturin" build --release --out "$OUT")
  ls -l "$OUT"/crm_ffi-*.whl
}

kotlin() {
  ffi_release
  local kotlinc=$ROOT/bindings/kotlin/node_modules/kotlin-compiler/bin/kotlinc
  if [ ! -x "$kotlinc" ]; then
    (cd bindings/kotlin && command npm ci --no-audit --no-fund)
  fi
  local gen=$TARGET/release-artifacts/.kotlin
  rm -rf "$gen" && mkdir -p "$gen/classes/linux-x86-64"
  "$TARGET/release/uniffi-bindgen" generate --library "$TARGET/release/libcrm_ffi.so" \
    --language kotlin --no-format --out-dir "$gen/src"
  python3 scripts/kotlin-call-status.py "$gen/src/uniffi/crm_ffi/crm_ffi.kt"
  "$kotlinc" -nowarn -jvm-target 1.8 -cp /usr/share/java/jna.jar -d "$gen/classes" \
    $(find "$gen/src" -name '*.kt')
  cp "$TARGET/release/libcrm_ffi.so" "$gen/classes/linux-x86-64/"
  rm -f "$OUT/crm-ffi-$VERSION.jar"
  (cd "$gen/classes" && jar cf "$OUT/crm-ffi-$VERSION.jar" .)
  rm -rf "$gen"
  ls -l "$OUT/crm-ffi-$VERSION.jar"
}

swift() {
  ffi_release
  local dest=$OUT/swift
  rm -rf "$dest" && mkdir -p "$dest"
  cp bindings/swift/Package.swift bindings/swift/README.md "$dest/"
  cp -r bindings/swift/Sources "$dest/Sources"
  cp "$TARGET/release/libcrm_ffi.a" "$dest/"
  echo "swift package sources and libcrm_ffi.a ($(uname -m) $(uname -s)) in $dest"
  echo "(an Apple platform's library is built there: cargo build --release -p crm-ffi --target <apple target>)"
}

what=${1:-all}
case $what in
  npm | python | kotlin | swift) "$what" ;;
  all) npm; python; kotlin; swift ;;
  -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) echo "unknown artifact: $what (npm, python, kotlin, swift or all)" >&2; exit 2 ;;
esac
