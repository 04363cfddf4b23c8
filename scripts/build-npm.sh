#!/usr/bin/env bash
# Builds the npm package of crm-wasm into bindings/js/pkg/ (build output, not committed):
# a size-tuned release build for wasm32, wasm-bindgen (--target web), wasm-opt from the npm
# package binaryen, the hand-written ESM entry point, package.json and README.
#
# Needs: the wasm32-unknown-unknown target, wasm-bindgen-cli in <target>/tools/bin at the
# version of Cargo.lock, and `npm ci` done in bindings/js (scripts/bindings-js.sh installs
# all three). Honours CARGO_TARGET_DIR (default: <repo>/target).
#   WASM_OPT_PASSES  wasm-opt's passes (default: the list below)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
JS=$ROOT/bindings/js
PKG=$JS/pkg
WASM_BINDGEN=$TARGET_DIR/tools/bin/wasm-bindgen
WASM_OPT=$JS/node_modules/.bin/wasm-opt
# What users download is the gzipped file, so the passes are chosen for its size. Measured on
# this crate (rustc opt-level z, December 2026, at the commit adding rescue): -O1 1,008,962 B
# gzip; this list 979,373. -O1's memory-packing splits the data segments, which gzip then
# compresses worse (about 22 KB of the difference), and -O1 does not reorder functions
# (about 9 KB). -Os and -Oz were larger still (in November: -O1 483,942, -Os 529,956, -Oz
# 530,726; the heavier passes fold away repetition gzip would have compressed). rustc
# opt-level s did worse at every level.
WASM_OPT_PASSES=${WASM_OPT_PASSES:---strip-debug --dce --remove-unused-module-elements \
--duplicate-function-elimination --precompute --optimize-instructions --simplify-locals \
--coalesce-locals --reorder-locals --remove-unused-brs --remove-unused-names --merge-blocks \
--code-folding --directize --simplify-globals --reorder-functions --vacuum --remove-unused-brs \
--merge-blocks}
MAX_GZIP=1000000 # bytes: the package's WebAssembly must stay under 1 MB gzipped

die() { echo "build-npm: $*" >&2; exit 1; }
[ -x "$WASM_BINDGEN" ] || die "$WASM_BINDGEN is missing (scripts/bindings-js.sh installs it)"
[ -x "$WASM_OPT" ] || die "$WASM_OPT is missing (run npm ci in bindings/js)"

echo "build-npm: cargo build -p crm-wasm --target wasm32-unknown-unknown --profile wasm-release"
cargo build -p crm-wasm --target wasm32-unknown-unknown --profile wasm-release
WASM=$TARGET_DIR/wasm32-unknown-unknown/wasm-release/crm_wasm.wasm
[ -f "$WASM" ] || die "$WASM was not built"

OUT=$TARGET_DIR/npm-build
rm -rf "$OUT" "$PKG"
mkdir -p "$OUT" "$PKG"
echo "build-npm: wasm-bindgen --target web"
"$WASM_BINDGEN" --target web --out-dir "$OUT" "$WASM"

# The features the Rust compiler's wasm32 target enables by default (and wasm-bindgen's
# glue relies on: reference types for its externref table). Not --all-features: it lets
# wasm-opt emit stringref and other proposals Node 20 and browsers reject.
FEATURES=(--enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int
  --enable-bulk-memory --enable-reference-types --enable-multivalue)
echo "build-npm: wasm-opt $WASM_OPT_PASSES"
# shellcheck disable=SC2086 # a list of flags
"$WASM_OPT" $WASM_OPT_PASSES "${FEATURES[@]}" "$OUT/crm_wasm_bg.wasm" -o "$PKG/crm_wasm_bg.wasm"

cp "$OUT/crm_wasm.js" "$OUT/crm_wasm.d.ts" "$OUT/crm_wasm_bg.wasm.d.ts" "$PKG/"
cp "$JS/src/index.js" "$JS/src/index.d.ts" "$PKG/"
cp "$JS/src/npm-README.md" "$PKG/README.md"

VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)
[ -n "$VERSION" ] || die "no version in Cargo.toml's [workspace.package]"
cat > "$PKG/package.json" <<JSON
{
  "name": "@crm/core-wasm",
  "version": "$VERSION",
  "description": "An embeddable CRM (contacts, companies, relations, custom fields, search; leads, pipelines, deals, products, quotes, multi-currency sales reports) compiled to WebAssembly, for Node, pages and workers (OPFS storage).",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./index.js",
  "types": "./index.d.ts",
  "exports": {
    ".": {
      "types": "./index.d.ts",
      "default": "./index.js"
    },
    "./crm_wasm_bg.wasm": "./crm_wasm_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": [
    "index.js",
    "index.d.ts",
    "crm_wasm.js",
    "crm_wasm.d.ts",
    "crm_wasm_bg.wasm",
    "crm_wasm_bg.wasm.d.ts",
    "README.md"
  ],
  "engines": {
    "node": ">=20"
  }
}
JSON

# The optimised module must still load and work in this Node.
echo "build-npm: smoke test in Node $(node --version)"
node --input-type=module -e "
  import { init, Crm, operations } from '$PKG/index.js';
  await init();
  const crm = Crm.openInMemory({});
  const c = crm.createContact({ given_name: 'Zofia', family_name: 'Łódzka' });
  if (crm.search({ text: 'lodzka' })[0]?.record !== c.id) throw new Error('search failed');
  if (operations().length === 0) throw new Error('no operations');
  crm.close();
"

RAW=$(wc -c < "$PKG/crm_wasm_bg.wasm")
GZ=$(gzip -9 -c "$PKG/crm_wasm_bg.wasm" | wc -c)
BEFORE_RAW=$(wc -c < "$OUT/crm_wasm_bg.wasm")
BEFORE_GZ=$(gzip -9 -c "$OUT/crm_wasm_bg.wasm" | wc -c)
echo "build-npm: before wasm-opt: $BEFORE_RAW bytes raw, $BEFORE_GZ bytes gzip -9"
echo "build-npm: crm_wasm_bg.wasm: $RAW bytes raw, $GZ bytes gzip -9 ($((RAW / 1024)) KiB / $((GZ / 1024)) KiB)"
[ "$GZ" -lt "$MAX_GZIP" ] || die "the WebAssembly is $GZ bytes gzipped, over the $MAX_GZIP limit"
echo "build-npm: package ready in ${PKG#$ROOT/}"
