#!/usr/bin/env python3
"""Rewrites, in the Kotlin that uniffi-bindgen 0.32 generates, the one helper every call into
Rust goes through, so that it reuses its call-status structures instead of allocating one per
native call.

Measured on this project (BENCHMARKS.md): a call that does nothing took 15-20 µs from the JVM,
of which allocating the JNA `Structure` that carries the call status (and the `RustBuffer`
inside it, each with native memory and a cleaner) took 11-14 µs, twice a call (the handle is
cloned by a native call first). Reused, the two native calls take 2-3 µs. A status is taken
from a per-thread free list and given back when the call returns, so nested calls (a progress
listener calling into the CRM) and threads each use their own; its fields are reset before
each use, as a fresh one would be.

    scripts/kotlin-call-status.py <generated crm_ffi.kt>

Rewrites the file in place; fails (exit 1) when the helper is not the one it knows, so that a
uniffi upgrade cannot silently leave the slow path or break the fast one.
"""

import sys

ORIGINAL = """private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    var status = UniffiRustCallStatus()
    val return_value = callback(status)
    uniffiCheckCallStatus(errorHandler, status)
    return return_value
}
"""

REWRITTEN = """private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    val status = UniffiCallStatuses.take()
    try {
        val return_value = callback(status)
        uniffiCheckCallStatus(errorHandler, status)
        return return_value
    } finally {
        UniffiCallStatuses.give(status)
    }
}

// Added by scripts/kotlin-call-status.py (crm): call statuses are reused, per thread, instead
// of allocating a JNA Structure (and the RustBuffer in it) for every native call, which cost
// most of a call's time.
internal object UniffiCallStatuses {
    private val free = ThreadLocal.withInitial { java.util.ArrayDeque<UniffiRustCallStatus>() }

    fun take(): UniffiRustCallStatus {
        val status = free.get().pollFirst() ?: return UniffiRustCallStatus()
        status.code = UNIFFI_CALL_SUCCESS
        status.error_buf.capacity = 0
        status.error_buf.len = 0
        status.error_buf.data = null
        return status
    }

    fun give(status: UniffiRustCallStatus) {
        free.get().addFirst(status)
    }
}
"""


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.count(ORIGINAL) != 1:
        print(f"{path}: uniffiRustCallWithError is not the helper this script rewrites "
              "(uniffi changed?); see scripts/kotlin-call-status.py", file=sys.stderr)
        return 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(ORIGINAL, REWRITTEN))
    return 0


if __name__ == "__main__":
    sys.exit(main())
