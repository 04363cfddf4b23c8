//! Reading what can still be read of a damaged database, for a rescue (`records/rescue.rs`).
//!
//! The damaged bytes are never written: the database is opened over an [`Overlay`], which
//! reads them and keeps whatever the engine writes (redb repairs its allocator state when it
//! opens a file that was not closed cleanly) in memory. When the engine refuses the bytes as
//! they are, repairs of redb's header are tried over the overlay (see [`open_damaged`]): its
//! magic number put back, a truncated file read as if padded with zeros to the length its
//! header claims, and a damaged primary commit slot given up for the commit before.
//!
//! [`Store::salvage`] then walks a table in spite of damaged pages: forwards until the walk
//! fails, backwards from the end until it fails again, then probes the keys between by
//! halving, within a budget of reads. What stays unread is reported as [`Gap`]s.

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex};

use crate::storage::store::{Flow, Location, Reader, Store, Table};
use crate::values::error::{Error, Result};

/// redb's magic number, the first bytes of every database file.
pub(crate) const MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

/// Where the database whose header starts `head` (at least 32 bytes) ends: what its header
/// says its regions take (see redb's `header.rs` and `layout.rs`; the test of appended bytes
/// in `tests/storage.rs` fails if that format changes). `None` when the header does not say.
pub(crate) fn claimed_end(head: &[u8]) -> Option<u64> {
    let word = |at: usize| -> Option<u64> {
        let b = head.get(at..at + 4)?;
        Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let (page, region_header, region_data) = (word(12)?, word(16)?, word(20)?);
    let (full_regions, trailing) = (word(24)?, word(28)?);
    if page == 0 || region_data == 0 || full_regions + u64::from(trailing > 0) == 0 {
        return None;
    }
    let region = region_header.checked_add(region_data)?.checked_mul(page)?;
    let mut end = page.checked_add(full_regions.checked_mul(region)?)?;
    if trailing > 0 {
        end = end.checked_add(region_header.checked_add(trailing)?.checked_mul(page)?)?;
    }
    Some(end)
}

/// The damaged bytes: in memory, or a file read in place.
pub(crate) enum Damaged {
    /// Bytes in memory.
    Bytes(Vec<u8>),
    /// A file, opened for reading only.
    #[cfg(not(target_arch = "wasm32"))]
    File(Mutex<std::fs::File>, u64),
}

impl Damaged {
    /// Opens the file at `path` for reading.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn file(path: &std::path::Path) -> Result<Damaged> {
        let io = |e: std::io::Error| unreadable(e);
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        Ok(Damaged::File(Mutex::new(file), len))
    }

    fn len(&self) -> u64 {
        match self {
            Damaged::Bytes(b) => b.len() as u64,
            #[cfg(not(target_arch = "wasm32"))]
            Damaged::File(_, len) => *len,
        }
    }

    /// Reads `out.len()` bytes at `offset`; what lies beyond the end reads as zeros.
    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        out.fill(0);
        let len = self.len();
        if offset >= len {
            return Ok(());
        }
        let n = usize::try_from((len - offset).min(out.len() as u64)).unwrap_or(out.len());
        match self {
            Damaged::Bytes(b) => {
                let start = usize::try_from(offset).map_err(std::io::Error::other)?;
                out[..n].copy_from_slice(&b[start..start + n]);
                Ok(())
            }
            #[cfg(not(target_arch = "wasm32"))]
            Damaged::File(file, _) => {
                use std::io::{Read, Seek};
                let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
                file.seek(std::io::SeekFrom::Start(offset))?;
                file.read_exact(&mut out[..n])
            }
        }
    }
}

const BLOCK: u64 = 4096;

/// A storage backend over damaged bytes that are never written: writes are kept in memory,
/// by blocks, and read back over the bytes below.
#[derive(Debug)]
struct Overlay {
    below: Arc<Damaged>,
    state: Mutex<OverlayState>,
}

impl std::fmt::Debug for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Damaged({} bytes)", self.len())
    }
}

#[derive(Debug)]
struct OverlayState {
    len: u64,
    /// The bytes below are read only up to here (the shortest length set so far): a length
    /// cut then grown again reads zeros.
    cut: u64,
    blocks: HashMap<u64, Box<[u8]>>,
}

impl Overlay {
    fn new(below: Arc<Damaged>, len: u64) -> Overlay {
        let cut = below.len().min(len);
        Overlay {
            below,
            state: Mutex::new(OverlayState {
                len,
                cut,
                blocks: HashMap::new(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, OverlayState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The bytes below at `offset`, as far as they are not cut off.
    fn read_below(&self, cut: u64, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        self.below.read(offset, out)?;
        if offset + out.len() as u64 > cut {
            let keep = usize::try_from(cut.saturating_sub(offset)).unwrap_or(0);
            out[keep..].fill(0);
        }
        Ok(())
    }
}

/// The part of one block that a read or write of the overlay touches.
struct Span {
    /// The block.
    block: u64,
    /// The bytes of the block touched.
    within: std::ops::Range<usize>,
    /// The offset of the first of them in the file.
    at: u64,
    /// Where they are in the caller's buffer.
    from: usize,
}

/// The blocks that `len` bytes at `offset` touch, in order; an error when they go beyond
/// `end`, the overlay's length.
fn spans(offset: u64, len: usize, end: u64) -> std::io::Result<impl Iterator<Item = Span>> {
    let stop = offset.checked_add(len as u64).ok_or_else(beyond_end)?;
    if stop > end {
        return Err(beyond_end());
    }
    let mut at = offset;
    Ok(std::iter::from_fn(move || {
        (at < stop).then(|| {
            let start = (at % BLOCK) as usize;
            let n = (BLOCK - at % BLOCK).min(stop - at) as usize;
            let span = Span {
                block: at / BLOCK,
                within: start..start + n,
                at,
                from: (at - offset) as usize,
            };
            at += n as u64;
            span
        })
    }))
}

fn beyond_end() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "read beyond the end")
}

impl redb::StorageBackend for Overlay {
    fn len(&self) -> std::io::Result<u64> {
        Ok(self.state().len)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        let state = self.state();
        for Span {
            block,
            within,
            at,
            from,
        } in spans(offset, out.len(), state.len)?
        {
            let n = within.len();
            match state.blocks.get(&block) {
                Some(b) => out[from..from + n].copy_from_slice(&b[within]),
                None => self.read_below(state.cut, at, &mut out[from..from + n])?,
            }
        }
        Ok(())
    }

    fn set_len(&self, len: u64) -> std::io::Result<()> {
        let mut state = self.state();
        if len < state.len {
            state.blocks.retain(|&b, _| b * BLOCK < len);
            if let Some(b) = state.blocks.get_mut(&(len / BLOCK)) {
                b[(len % BLOCK) as usize..].fill(0);
            }
            state.cut = state.cut.min(len);
        }
        state.len = len;
        Ok(())
    }

    fn sync_data(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        let mut state = self.state();
        for Span {
            block,
            within,
            from,
            ..
        } in spans(offset, data.len(), state.len)?
        {
            if !state.blocks.contains_key(&block) {
                let mut b = vec![0u8; BLOCK as usize].into_boxed_slice();
                self.read_below(state.cut, block * BLOCK, &mut b)?;
                state.blocks.insert(block, b);
            }
            if let Some(b) = state.blocks.get_mut(&block) {
                let n = within.len();
                b[within].copy_from_slice(&data[from..from + n]);
            }
        }
        Ok(())
    }
}

/// Where redb's header keeps its flags (after the magic number), and the flag saying the
/// primary commit slot was written with two-phase commit: redb then refuses a primary slot
/// whose checksum fails instead of falling back to the secondary one, the commit before.
const GOD_BYTE: u64 = MAGIC.len() as u64;

/// The most a short file is padded by beyond its own length (see [`open_damaged`]).
const PAD_MAX: u64 = 64 << 20;
const TWO_PHASE_COMMIT: u8 = 4;

/// Opens damaged bytes for reading what can be read, never writing them. When the engine
/// refuses them as they are, repairs of the header are tried, the least first, alone then
/// together: its magic number put back; a truncated file read as if padded with zeros to the
/// length its header claims; the two-phase-commit flag cleared, so that a damaged primary
/// commit slot gives way to the secondary one (the commit before the last: what the last one
/// changed may then be missing or older). Returns the store and the repairs it took, in
/// words; the error is the one of opening the bytes as they are.
pub(crate) fn open_damaged(damaged: Damaged) -> Result<(Store, Vec<String>)> {
    let below = Arc::new(damaged);
    let len = below.len();
    let mut head = [0u8; 32];
    below.read(0, &mut head).map_err(unreadable)?;
    let claimed = claimed_end(&head);
    // Bytes after the end the header claims are not the database's.
    let first_len = claimed.map_or(len, |c| c.min(len));
    let can_magic = head[..MAGIC.len()] != MAGIC;
    let padded = pad_to(claimed, len);
    let can_phase = head[GOD_BYTE as usize] & TWO_PHASE_COMMIT != 0;
    let mut first_error = None;
    // Each try is a set of repairs (magic, padding, commit slot), fewest first.
    let mut tries: Vec<[bool; 3]> = (0u8..8)
        .map(|m| [m & 1 != 0, m & 2 != 0, m & 4 != 0])
        .filter(|&[m, p, o]| (!m || can_magic) && (!p || padded.is_some()) && (!o || can_phase))
        .collect();
    tries.sort_by_key(|t| t.iter().filter(|&&x| x).count());
    for [magic, pad, phase] in tries {
        let overlay = Overlay::new(
            Arc::clone(&below),
            padded.filter(|_| pad).unwrap_or(first_len),
        );
        let mut repairs = Vec::new();
        if magic {
            redb::StorageBackend::write(&overlay, 0, &MAGIC).map_err(Error::storage)?;
            repairs
                .push("the file's header was damaged: its magic number was put back".to_string());
        }
        if pad {
            repairs.push(format!(
                "the file ends {} bytes short of what its header says: the rest was read as zeros",
                padded.unwrap_or(len) - len
            ));
        }
        if phase {
            let god = head[GOD_BYTE as usize] & !TWO_PHASE_COMMIT;
            redb::StorageBackend::write(&overlay, GOD_BYTE, &[god]).map_err(Error::storage)?;
            repairs.push(
                "the file's last commit could not be read: it was read as of the commit before"
                    .to_string(),
            );
        }
        match Store::open_lenient(Location::Backend(Box::new(overlay))) {
            Ok(store) => return Ok((store, repairs)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| Error::storage("the damaged file could not be opened")))
}

/// The length a file of `len` bytes is padded to when its header claims `claimed`: a file cut
/// short is padded back to its claim, but a claim far beyond the file's length is a damaged
/// header, not a short file (redb sizes its allocator state by the length, so padding to a
/// damaged claim could take gigabytes of memory: a damaged copy in the crash suite did).
fn pad_to(claimed: Option<u64>, len: u64) -> Option<u64> {
    claimed.filter(|&c| c > len && c - len <= len.max(PAD_MAX))
}

/// A part of a table that could not be read: between the last key read before it and the
/// first key read after it (`None`: the table's start or end), and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Gap {
    /// The last key read before the part, if any.
    pub(crate) after: Option<Vec<u8>>,
    /// The first key read after the part, if any.
    pub(crate) before: Option<Vec<u8>>,
    /// What stopped the reads (the engine's words).
    pub(crate) reason: String,
}

/// How many reads one table's walk may try within unreadable parts, beyond the first two.
const PROBES: usize = 128;

type Owned = Bound<Vec<u8>>;

/// What [`Store::salvage`] calls with each entry it reads.
pub(crate) type Salvaged<'a> = dyn FnMut(&[u8], &[u8]) -> Result<()> + 'a;

fn borrowed(b: &Owned) -> Bound<&[u8]> {
    match b {
        Bound::Included(k) => Bound::Included(k),
        Bound::Excluded(k) => Bound::Excluded(k),
        Bound::Unbounded => Bound::Unbounded,
    }
}

fn key_of(b: &Owned) -> Option<&[u8]> {
    match b {
        Bound::Included(k) | Bound::Excluded(k) => Some(k),
        Bound::Unbounded => None,
    }
}

/// The first 16 bytes of `key` (padded with `pad`) as a number, for halving the keys between
/// two bounds.
fn as_number(key: Option<&[u8]>, pad: u8) -> u128 {
    let mut b = [pad; 16];
    if let Some(k) = key {
        let n = k.len().min(16);
        b[..n].copy_from_slice(&k[..n]);
        if k.len() < 16 {
            b[k.len()..].fill(0);
        }
    }
    u128::from_be_bytes(b)
}

/// A key strictly between `lo` and `hi`, about halfway, if there is one.
fn midpoint(lo: &Owned, hi: &Owned) -> Option<Vec<u8>> {
    let (a, b) = (as_number(key_of(lo), 0), as_number(key_of(hi), 0xFF));
    let mid = a.checked_add(b.checked_sub(a)? / 2)?;
    let key = mid.to_be_bytes().to_vec();
    let above = key_of(lo).is_none_or(|k| key.as_slice() > k);
    let below = key_of(hi).is_none_or(|k| key.as_slice() < k);
    (above && below && mid > a && mid < b).then_some(key)
}

impl Store {
    /// Calls `f` with every entry of `table` that can be read, in key order within each
    /// readable part, and returns the parts that could not be read. A table that does not
    /// exist has nothing to read. An error of `f` ends the walk and is returned.
    pub(crate) fn salvage(&self, table: Table, f: &mut Salvaged<'_>) -> Result<Vec<Gap>> {
        // A file of an older version lacks the tables added since.
        if let Ok(names) = self.table_names() {
            if !names.iter().any(|n| n == table.name()) {
                return Ok(Vec::new());
            }
        }
        let mut todo: Vec<(Owned, Owned)> = vec![(Bound::Unbounded, Bound::Unbounded)];
        let mut gaps: Vec<(Owned, Owned, String)> = Vec::new();
        let mut probes = 0usize;
        while let Some((lo, hi)) = todo.pop() {
            // Forwards, until the walk fails.
            let (last, error) = self.walk(table, &lo, &hi, false, f)?;
            let Some(error) = error else { continue };
            let lo = last.map_or(lo, Bound::Excluded);
            // Backwards from the end, down to what was read.
            let (first, error2) = self.walk(table, &lo, &hi, true, f)?;
            if error2.is_none() {
                continue;
            }
            let hi = first.map_or(hi, Bound::Excluded);
            probes += 2;
            match midpoint(&lo, &hi).filter(|_| probes <= PROBES) {
                Some(mid) => {
                    // The lower half is popped first, so that gaps come in key order.
                    todo.push((Bound::Included(mid.clone()), hi));
                    todo.push((lo, Bound::Excluded(mid)));
                }
                None => gaps.push((lo, hi, reason(&error))),
            }
        }
        // Neighbouring parts that failed alike are one gap.
        let mut merged: Vec<Gap> = Vec::new();
        let mut upper: Option<Owned> = None;
        for (lo, hi, reason) in gaps {
            let joins =
                matches!((&upper, &lo), (Some(Bound::Excluded(a)), Bound::Included(b)) if a == b);
            match merged.last_mut() {
                Some(last) if joins => last.before = key_of(&hi).map(<[u8]>::to_vec),
                _ => merged.push(Gap {
                    after: key_of(&lo).map(<[u8]>::to_vec),
                    before: key_of(&hi).map(<[u8]>::to_vec),
                    reason,
                }),
            }
            upper = Some(hi);
        }
        Ok(merged)
    }

    /// Walks `table` between `lo` and `hi` in one direction, calling `f`, until the end or a
    /// failure to read; returns the last key read and the failure.
    fn walk(
        &self,
        table: Table,
        lo: &Owned,
        hi: &Owned,
        reverse: bool,
        f: &mut Salvaged<'_>,
    ) -> Result<(Option<Vec<u8>>, Option<Error>)> {
        let mut last: Option<Vec<u8>> = None;
        let mut failed: Option<Error> = None;
        let read = self.read(|r| {
            r.scan(table, (borrowed(lo), borrowed(hi)), reverse, |k, v| {
                if let Err(e) = f(k, v) {
                    failed = Some(e);
                    return Ok(Flow::Break(()));
                }
                last = Some(k.to_vec());
                Ok(Flow::Continue(()))
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        Ok((last, read.err()))
    }
}

fn unreadable(e: std::io::Error) -> Error {
    Error::Io {
        reason: format!("the damaged file cannot be read: {e}"),
        source: None,
    }
    .caused_by(e)
}

fn reason(e: &Error) -> String {
    match e {
        Error::Corrupt { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redb::StorageBackend;

    #[test]
    fn the_overlay_reads_the_bytes_below_and_keeps_writes_to_itself() {
        let below = Arc::new(Damaged::Bytes((0..=255u8).cycle().take(10_000).collect()));
        let o = Overlay::new(Arc::clone(&below), 10_000);
        o.write(4090, &[7; 10]).unwrap();
        let mut out = [0u8; 12];
        o.read(4089, &mut out).unwrap();
        assert_eq!(out[0], (4089 % 256) as u8);
        assert_eq!(&out[1..11], &[7; 10]);
        assert_eq!(out[11], (4100 % 256) as u8);
        // Cut, then grown: zeros where the bytes below were cut off.
        o.set_len(5000).unwrap();
        o.set_len(9000).unwrap();
        let mut tail = [1u8; 8];
        o.read(4996, &mut tail).unwrap();
        assert_eq!(
            &tail[..4],
            &[
                (4996 % 256) as u8,
                (4997 % 256) as u8,
                (4998 % 256) as u8,
                (4999 % 256) as u8
            ]
        );
        assert_eq!(&tail[4..], &[0; 4]);
        assert!(o.read(8999, &mut [0; 2]).is_err());
        match &*below {
            Damaged::Bytes(b) => assert_eq!(b[4090], (4090 % 256) as u8),
            #[cfg(not(target_arch = "wasm32"))]
            Damaged::File(..) => unreachable!(),
        }
    }

    #[test]
    fn a_short_file_is_padded_to_its_claim_but_never_far_beyond_its_length() {
        assert_eq!(pad_to(Some(1 << 20), 700_000), Some(1 << 20));
        assert_eq!(pad_to(Some(1 << 20), 1 << 20), None);
        assert_eq!(pad_to(None, 4096), None);
        assert_eq!(pad_to(Some(1 << 40), 4 << 20), None);
        assert_eq!(pad_to(Some(3 << 30), 2 << 30), Some(3 << 30));
    }

    #[test]
    fn midpoints_fall_strictly_between_their_bounds() {
        let k = |n: u128| n.to_be_bytes().to_vec();
        assert_eq!(
            midpoint(&Bound::Excluded(k(10)), &Bound::Excluded(k(20))),
            Some(k(15))
        );
        assert_eq!(
            midpoint(&Bound::Excluded(k(10)), &Bound::Excluded(k(11))),
            None
        );
        assert!(midpoint(&Bound::Unbounded, &Bound::Unbounded).is_some());
        // Short keys: only a key that sorts between them.
        let m = midpoint(
            &Bound::Excluded(b"a".to_vec()),
            &Bound::Excluded(b"c".to_vec()),
        );
        assert!(m.is_none_or(|m| m.as_slice() > b"a".as_slice() && m.as_slice() < b"c".as_slice()));
    }
}
