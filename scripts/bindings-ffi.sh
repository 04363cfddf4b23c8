#!/usr/bin/env bash
# Builds the uniffi binding (crm-ffi), generates its Python, Kotlin and Swift sources, and tests
# them: the Python wheel (maturin) with pytest, the Kotlin JAR (kotlinc, no Gradle) with its
# scenario runner and binding tests, and the committed Swift sources against a fresh generation.
# Installs what a fresh Debian machine lacks, skipping what is there (a venv under the target
# directory, Debian's libjna-java, npm's kotlin-compiler under bindings/kotlin/node_modules).
#
#   scripts/bindings-ffi.sh                 # build, generate, test; fails on the first failure
#   scripts/bindings-ffi.sh --update-swift  # the same, rewriting bindings/swift/ instead of checking it
#
# Honours CARGO_TARGET_DIR (default: <repo>/target). Outputs, all under the target directory:
#   debug/libcrm_ffi.so            the library the Kotlin tests load
#   bindings-ffi/{python,kotlin,swift}/  the generated sources
#   wheels/crm_ffi-*.whl           the Python wheel (dev profile; see bindings/python/README.md)
#   venv/                          the Python environment the wheel is tested in
#   kotlin/crm-ffi.jar             the Kotlin binding (kotlin/crm-ffi-tests.jar: its tests)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

UPDATE_SWIFT=0
for arg in "$@"; do
  case $arg in
    --update-swift) UPDATE_SWIFT=1 ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
export CARGO_TARGET_DIR=$TARGET # so that maturin and every cargo below agree
LIB_DIR=$TARGET/debug
LIB=$LIB_DIR/libcrm_ffi.so
GEN=$TARGET/bindings-ffi
VENV=$TARGET/venv
KOTLIN_OUT=$TARGET/kotlin
KOTLIN_HOME=$ROOT/bindings/kotlin/node_modules/kotlin-compiler
JNA=/usr/share/java/jna.jar
SWIFT=$ROOT/bindings/swift

# ---- timing and failure reporting ----
START=$(date +%s)
PART=""
PART_START=0
TIMES=()
part() {
  finish_part
  PART=$1
  PART_START=$(date +%s)
  printf '\n== %s\n' "$PART"
}
finish_part() {
  if [ -n "$PART" ]; then
    local took=$(($(date +%s) - PART_START))
    TIMES+=("$(printf '%-8s %4ss' "$PART" "$took")")
    printf -- '-- %s took %ss\n' "$PART" "$took"
  fi
  PART=""
}
trap 'rc=$?; if [ $rc -ne 0 ]; then echo; echo "FAILED in part: ${PART:-setup} (exit $rc)" >&2; fi' EXIT
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- build and generate ----
part build
# Two cargo invocations on purpose: uniffi's `cli` feature (needed by uniffi-bindgen) must
# not be unified into the cdylib that ships.
cargo build -p crm-ffi
cargo build -p uniffi-bindgen
BINDGEN=$TARGET/debug/uniffi-bindgen

part generate
rm -rf "$GEN"
"$BINDGEN" generate --library "$LIB" --language python --out-dir "$GEN/python"
# crm-ffi/uniffi.toml renames two names that do not compile in Kotlin (see its comments).
"$BINDGEN" generate --library "$LIB" --language kotlin --no-format --out-dir "$GEN/kotlin"
# Every call reuses its call-status structures instead of allocating them (see the script).
python3 scripts/kotlin-call-status.py "$GEN/kotlin/uniffi/crm_ffi/crm_ffi.kt"
"$BINDGEN" generate --library "$LIB" --language swift --no-format --out-dir "$GEN/swift"

# ---- Python ----
part python
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import maturin, pytest' 2>/dev/null; then
  "$VENV/bin/pip" install --disable-pip-version-check -q maturin pytest
fi
rm -f "$TARGET"/wheels/crm_ffi-*.whl
# maturin runs `cargo run --bin uniffi-bindgen` at the workspace root to generate the module
# (uniffi-bindgen is a default member for this reason).
(cd bindings/python && "$VENV/bin/maturin" build --profile dev --out "$TARGET/wheels")
WHEEL=$(ls "$TARGET"/wheels/crm_ffi-*.whl)
echo "wheel: $WHEEL"
"$VENV/bin/pip" install --disable-pip-version-check -q --force-reinstall --no-deps "$WHEEL"
# The wheel's module must be what uniffi-bindgen generates from the library built above.
# (maturin puts it in a subpackage, below the package's own __init__.py and _pythonic.py.)
INSTALLED=$("$VENV/bin/python" -c 'import crm_ffi.crm_ffi.crm_ffi as m; print(m.__file__)')
if ! cmp -s "$INSTALLED" "$GEN/python/crm_ffi.py"; then
  echo "the wheel's crm_ffi.py differs from the one generated from $LIB" >&2
  exit 1
fi
(cd "$ROOT" && "$VENV/bin/python" -m pytest bindings/python/tests -p no:cacheprovider)

# ---- Kotlin ----
part kotlin
if [ ! -f "$JNA" ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjna-java
fi
if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
  (cd bindings/kotlin && npm ci --no-audit --no-fund)
fi
KOTLINC=$KOTLIN_HOME/bin/kotlinc
KLIB=$KOTLIN_HOME/lib
mkdir -p "$KOTLIN_OUT"
# Bytecode for Java 8 (kotlinc's default), so that any consumer can inline the binding's
# inline functions (`use`).
KOTLINC_FLAGS=(-nowarn -jvm-target 1.8)
# Compiles $1 (a jar) from the other arguments unless the inputs are unchanged since the last
# compile (a stamp of the checksums of the sources and the class path's jars, and the flags,
# beside the jar).
compile_jar() {
  local jar=$1 cp=$2
  shift 2
  local stamp
  # shellcheck disable=SC2086 # the class path, one word per jar
  stamp=$( (sha256sum "$@" ${cp//:/ }; echo "$cp ${KOTLINC_FLAGS[*]}"; cat "$KOTLIN_HOME/build.txt") |
    sha256sum | cut -d' ' -f1)
  if [ -f "$jar" ] && [ "$(cat "$jar.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$(basename "$jar"): up to date"
    return
  fi
  rm -f "$jar" "$jar.stamp"
  "$KOTLINC" "${KOTLINC_FLAGS[@]}" -cp "$cp" -d "$jar" "$@"
  echo "$stamp" > "$jar.stamp"
}
KOTLIN_SRC=$(find "$GEN/kotlin" -name '*.kt' | sort)
TEST_SRC=$(find bindings/kotlin/src/test/kotlin -name '*.kt' | sort)
# shellcheck disable=SC2086 # one word per source file
compile_jar "$KOTLIN_OUT/crm-ffi.jar" "$JNA" $KOTLIN_SRC
# shellcheck disable=SC2086
compile_jar "$KOTLIN_OUT/crm-ffi-tests.jar" "$KOTLIN_OUT/crm-ffi.jar:$JNA:$KLIB/kotlin-reflect.jar" $TEST_SRC
RUN_CP=$KOTLIN_OUT/crm-ffi-tests.jar:$KOTLIN_OUT/crm-ffi.jar:$JNA:$KLIB/kotlin-stdlib.jar:$KLIB/kotlin-reflect.jar
java -Djna.library.path="$LIB_DIR" -cp "$RUN_CP" ScenarioRunnerKt "$ROOT/tests/scenarios" "$ROOT/crm-ffi/uniffi.toml"
java -Djna.library.path="$LIB_DIR" -cp "$RUN_CP" BindingTestKt
# The kotlin blocks of bindings/kotlin/README.md as one program (scripts/readme-kotlin.py), run
# in an empty directory (the README writes files): the README's Tour stays true.
python3 scripts/readme-kotlin.py bindings/kotlin/README.md "$KOTLIN_OUT/readme/Readme.kt"
compile_jar "$KOTLIN_OUT/crm-ffi-readme.jar" "$KOTLIN_OUT/crm-ffi.jar:$JNA" "$KOTLIN_OUT/readme/Readme.kt"
rm -rf "$KOTLIN_OUT/readme/run" && mkdir -p "$KOTLIN_OUT/readme/run"
(cd "$KOTLIN_OUT/readme/run" && java -Djna.library.path="$LIB_DIR" \
  -cp "$KOTLIN_OUT/crm-ffi-readme.jar:$KOTLIN_OUT/crm-ffi.jar:$JNA:$KLIB/kotlin-stdlib.jar" ReadmeKt)

# ---- Swift ----
part swift
# The committed package: Sources/CrmFFI/crm_ffi.swift (the Swift API) and, for the C module
# it imports, Sources/crm_ffiFFI/{crm_ffiFFI.h,module.modulemap}. Package.swift and README.md
# are written by hand.
FRESH=$GEN/swift-package
rm -rf "$FRESH"
mkdir -p "$FRESH/Sources/CrmFFI" "$FRESH/Sources/crm_ffiFFI"
cp "$GEN/swift/crm_ffi.swift" "$FRESH/Sources/CrmFFI/crm_ffi.swift"
cp "$GEN/swift/crm_ffiFFI.h" "$FRESH/Sources/crm_ffiFFI/crm_ffiFFI.h"
cp "$GEN/swift/crm_ffiFFI.modulemap" "$FRESH/Sources/crm_ffiFFI/module.modulemap"
if [ "$(find "$GEN/swift" -type f | wc -l)" != 3 ]; then
  echo "uniffi-bindgen generated Swift files this script does not place:" >&2
  find "$GEN/swift" -type f >&2
  exit 1
fi
if [ "$UPDATE_SWIFT" = 1 ]; then
  rm -rf "$SWIFT/Sources"
  mkdir -p "$SWIFT"
  cp -r "$FRESH/Sources" "$SWIFT/Sources"
  echo "bindings/swift/Sources rewritten from the generated sources"
elif ! diff -r "$FRESH/Sources" "$SWIFT/Sources" > "$GEN/swift.diff"; then
  head -n 40 "$GEN/swift.diff" >&2
  echo >&2
  echo "bindings/swift/Sources is not what uniffi-bindgen generates from crm-ffi today" >&2
  echo "(full diff: $GEN/swift.diff). Run scripts/bindings-ffi.sh --update-swift and commit it." >&2
  exit 1
else
  echo "bindings/swift/Sources is up to date (it cannot be compiled here: no Swift toolchain)"
fi
finish_part

echo
echo "bindings-ffi: all parts passed"
for t in "${TIMES[@]}"; do echo "  $t"; done
echo "  total    $(($(date +%s) - START))s"
