//! The one place where the storage engine's errors become the public [`Error`]: damage,
//! the operating system, or another failure of the engine. Every redb error type converts
//! into redb's own `Error` first, so one match classifies them all.

#[cfg(not(target_arch = "wasm32"))]
use crate::values::context::foreign_panic;
use crate::values::error::{Error, Result};

/// The storage engine's error as the caller sees it.
pub(crate) fn from_engine(e: redb::Error) -> Error {
    let public = classify(&e);
    public.caused_by(e)
}

fn classify(e: &redb::Error) -> Error {
    match e {
        redb::Error::Corrupted(reason) => Error::corrupt("", reason.clone()),
        // Bytes that are not a database (redb says so as invalid data), or a file shorter than
        // its own header says, are damage, not the system refusing a read.
        redb::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            Error::corrupt("", io.to_string())
        }
        redb::Error::Io(io) => Error::Io {
            reason: io.to_string(),
            source: None,
        },
        redb::Error::PreviousIo => Error::Io {
            reason: "an earlier write to the file failed; open it again".into(),
            source: None,
        },
        redb::Error::DatabaseAlreadyOpen => {
            Error::storage("the file is already open (by this process or another)")
        }
        other => Error::storage(other),
    }
}

macro_rules! storage_from {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Error {
            fn from(err: $t) -> Error {
                from_engine(err.into())
            }
        }
    )*};
}

storage_from!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::CompactionError,
    redb::CursorError,
);

/// A storage engine handle (a table, a write cursor) whose destructor is skipped while the
/// thread unwinds from a panic: the handle is leaked instead.
///
/// redb's table and cursor destructors lock their transaction's state; a panic on a damaged
/// page while that lock was held poisons it, and the destructors then panic again while the
/// first panic unwinds, which aborts the process before [`contain`] can catch anything
/// (found by the damaged-allocator fixture once migrations wrote to it). The transaction is
/// given up after such a panic anyway; what is leaked is a handle's memory.
pub(crate) struct Unwinding<T>(Option<T>);

impl<T> Unwinding<T> {
    /// Wraps a handle.
    pub(crate) fn new(handle: T) -> Self {
        Unwinding(Some(handle))
    }

    /// The handle, to be consumed (a cursor's `close`).
    pub(crate) fn into_inner(mut self) -> T {
        self.0.take().unwrap_or_else(|| unreachable!())
    }
}

impl<T> std::ops::Deref for Unwinding<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // Present from `new` until the drop.
        self.0.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl<T> std::ops::DerefMut for Unwinding<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.0.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl<T> Drop for Unwinding<T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            std::mem::forget(self.0.take());
        }
    }
}

/// Runs `f`, turning a panic inside it into [`Error::Corrupt`].
///
/// redb trusts the pages it reads: on a damaged file some of its checks are assertions, and
/// a B-tree walk over a damaged page can index out of bounds. Every call into the engine runs
/// under this, so that such a panic ends the one operation with a typed error instead of
/// unwinding into the caller (or across a language boundary). The transaction it happened in
/// is given up; later operations begin their own. A panic of the caller's own code (a
/// progress callback, a clock, an id source: see `values::context::foreign`) is let through
/// unchanged. Where panics abort instead of unwinding (`wasm32`), this cannot catch them.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn contain<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    thread_local! {
        static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }
    DEPTH.set(DEPTH.get() + 1);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    DEPTH.set(DEPTH.get() - 1);
    match caught {
        Ok(result) => result,
        // A caller's callback panicked: that is the caller's, not damage.
        Err(payload) if foreign_panic(DEPTH.get() == 0) => std::panic::resume_unwind(payload),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            Err(Error::corrupt(
                "",
                format!("the storage engine stopped on data it could not read ({what})"),
            ))
        }
    }
}

/// On `wasm32` a panic aborts and cannot be caught: [`contain`] runs `f` as it is, and what
/// keeps damaged bytes from reaching a panic there is the checksum every stored value carries
/// (`records/codec.rs`), checked before it is decoded. Damage to redb's own pages (B-tree
/// branches, the header) is not covered by it.
#[cfg(target_arch = "wasm32")]
pub(crate) fn contain<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    f()
}
