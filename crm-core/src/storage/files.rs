//! Creating a new file so that it appears only complete.
//!
//! redb creates a database in place: it sizes the file, then writes its header. A process
//! killed in between (an app killed on its first launch) leaves a file of zero bytes that no
//! later open accepts. A new CRM file is therefore built under a temporary name beside the
//! final one and takes the final name in one step once it is complete and synced. A file
//! that holds only zero bytes, or none, is what such an interruption left with the older way
//! of creating; it holds no data and is created afresh the same way. Any other file is opened
//! as it is and never replaced.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::values::error::{Error, Result};

/// Larger files are never taken for an unfinished creation (redb sizes a new file to about a
/// megabyte).
const UNFINISHED_MAX: u64 = 64 << 20;

/// Temporary files of creations older than this are taken for leftovers of a killed process
/// and removed.
const STALE_AFTER: Duration = Duration::from_secs(600);

const SUFFIX: &str = ".creating";

/// Whether `path` holds nothing a CRM could have written: it does not exist, is empty, or
/// holds only zero bytes. A file that cannot be inspected counts as finished, so that the
/// normal open reports why it cannot be read.
pub(crate) fn unfinished(path: &Path) -> bool {
    let len = match fs::metadata(path) {
        Ok(meta) if meta.is_file() => meta.len(),
        Ok(_) => return false,
        Err(e) => return e.kind() == std::io::ErrorKind::NotFound,
    };
    if len > UNFINISHED_MAX {
        return false;
    }
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut buf = vec![0u8; 64 << 10];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return true,
            Ok(n) if buf[..n].iter().all(|&b| b == 0) => {}
            Ok(_) | Err(_) => return false,
        }
    }
}

/// Creates the file at `path`: `build` writes a complete file at the temporary path it is
/// given and closes it; that file is synced and then takes `path`'s place. When another
/// process finished creating `path` first, its file is kept and the temporary one removed.
pub(crate) fn create_whole(path: &Path, build: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let temp = temporary(path)?;
    remove_stale(path);
    let result = build(&temp).and_then(|()| publish(&temp, path));
    // Gone already when it was renamed; otherwise a leftover of a failed build or a link.
    let _ = fs::remove_file(&temp);
    result
}

/// `.<name>.<process>.<nanos>.creating` beside `path`.
fn temporary(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::validation("path", "names no file"))?
        .to_string_lossy();
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    Ok(path.with_file_name(format!(".{name}.{}.{nanos}{SUFFIX}", std::process::id())))
}

/// Removes temporary files of creations of `path` that a killed process left behind.
fn remove_stale(path: &Path) {
    let (Some(dir), Some(name)) = (directory(path), path.file_name()) else {
        return;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if !(file.starts_with(&prefix) && file.ends_with(SUFFIX)) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Syncs `temp` and gives it the name `path`: without replacing a file that appeared
/// meanwhile when `path` did not exist (a hard link fails if the name is taken), replacing
/// `path` when it is an unfinished file.
fn publish(temp: &Path, path: &Path) -> Result<()> {
    fs::File::open(temp)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    if fs::symlink_metadata(path).is_err() {
        match fs::hard_link(temp, path) {
            Ok(()) => return sync_directory(path),
            // Another process created it first: theirs is the file.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
            // A file system without hard links: a rename, which replaces.
            Err(_) => {}
        }
    }
    if fs::symlink_metadata(path).is_ok() && !unfinished(path) {
        return Ok(());
    }
    fs::rename(temp, path).map_err(io)?;
    sync_directory(path)
}

fn directory(path: &Path) -> Option<&Path> {
    match path.parent() {
        Some(p) if p.as_os_str().is_empty() => Some(Path::new(".")),
        other => other,
    }
}

/// Makes the new name durable (on systems where a directory can be opened and synced).
fn sync_directory(path: &Path) -> Result<()> {
    #[cfg(unix)]
    if let Some(dir) = directory(path) {
        fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn io(e: std::io::Error) -> Error {
    Error::Io {
        reason: e.to_string(),
        source: None,
    }
    .caused_by(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absent_empty_and_zero_files_are_unfinished() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.crm");
        assert!(unfinished(&p));
        fs::write(&p, b"").unwrap();
        assert!(unfinished(&p));
        fs::write(&p, vec![0u8; 1 << 20]).unwrap();
        assert!(unfinished(&p));
        let mut data = vec![0u8; 1 << 20];
        data[(1 << 20) - 1] = 1;
        fs::write(&p, data).unwrap();
        assert!(!unfinished(&p));
        assert!(!unfinished(dir.path()));
    }

    #[test]
    fn a_name_taken_meanwhile_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.crm");
        create_whole(&p, |t| {
            // Another process finishes first.
            fs::write(&p, b"theirs").unwrap();
            fs::write(t, b"ours").map_err(io)
        })
        .unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"theirs");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temporary file left"
        );
    }

    #[test]
    fn a_failed_build_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.crm");
        let err = create_whole(&p, |t| {
            fs::write(t, b"half").unwrap();
            Err(Error::storage("killed"))
        })
        .unwrap_err();
        assert_eq!(err.code(), "storage");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

/// Where the database in the file at `path` ends, when bytes follow it: what redb's header
/// says its regions take (see redb's `header.rs` and `layout.rs`; the test of appended bytes
/// in `tests/storage.rs` fails if that format changes). `None` when the file does not start
/// with a redb header or holds nothing after its end.
pub(crate) fn database_end(path: &Path) -> Option<u64> {
    use crate::storage::salvage::{MAGIC, claimed_end};
    let mut head = [0u8; 32];
    let mut file = fs::File::open(path).ok()?;
    file.read_exact(&mut head).ok()?;
    if head[..9] != MAGIC {
        return None;
    }
    let end = claimed_end(&head)?;
    let len = file.metadata().ok()?.len();
    (end < len).then_some(end)
}

/// A file seen as ending at `end`: the bytes after it are left alone until the engine sets a
/// length, which cuts them off (or grows over them). Opened without redb's file lock.
#[derive(Debug)]
pub(crate) struct TrimmedFile {
    file: std::sync::Mutex<fs::File>,
    end: std::sync::atomic::AtomicU64,
    /// How many bytes after `end` are ignored (0 once a length was set).
    ignored: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl TrimmedFile {
    /// Opens `path` for reading and writing, seen as ending at `end`.
    pub(crate) fn open(path: &Path, end: u64) -> Result<TrimmedFile> {
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        Ok(TrimmedFile {
            file: std::sync::Mutex::new(file),
            end: std::sync::atomic::AtomicU64::new(end),
            ignored: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(
                len.saturating_sub(end),
            )),
        })
    }

    /// How many bytes after the database are ignored, shared with the store.
    pub(crate) fn ignored(&self) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
        std::sync::Arc::clone(&self.ignored)
    }

    fn file(&self) -> std::sync::MutexGuard<'_, fs::File> {
        self.file.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl redb::StorageBackend for TrimmedFile {
    fn len(&self) -> std::io::Result<u64> {
        Ok(self.end.load(std::sync::atomic::Ordering::SeqCst))
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        use std::io::Seek;
        let mut file = self.file();
        file.seek(std::io::SeekFrom::Start(offset))?;
        file.read_exact(out)
    }

    fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.file().set_len(len)?;
        self.end.store(len, std::sync::atomic::Ordering::SeqCst);
        self.ignored.store(0, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    fn sync_data(&self) -> std::io::Result<()> {
        self.file().sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        use std::io::{Seek, Write};
        let mut file = self.file();
        file.seek(std::io::SeekFrom::Start(offset))?;
        file.write_all(data)
    }
}
