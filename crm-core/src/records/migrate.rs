//! Schema versions and how a file is brought from its version to the library's.
//!
//! The `meta` table records the schema version of the file. Opening runs, in one write
//! transaction, every step from the file's version to the newest: step `n` turns a
//! version-`n` file into a version-`n + 1` one. A new, empty file is version 0, so creating a
//! file and upgrading one are the same path. A file whose version is newer than this library's
//! is refused before anything is written.
//!
//! The list of steps is the API's (`api/migrations.rs`), since steps create what domains need
//! (the default pipeline, built-in relation types); the steps that only rework the stored
//! form of indexes and posting lists are here.

use std::ops::Bound;

use crate::records::index::Entries;
use crate::records::record::{self, Record};
use crate::records::{codec, index, tables};
use crate::storage::postings;
use crate::storage::store::{Flow, Reader, Store, Table, WriteTx, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};

const VERSION_KEY: &[u8] = b"schema_version";

/// A migration step; it mints ids and reads the time through the context like any operation.
pub(crate) type Step = fn(&mut WriteTx<'_>, &Ctx) -> Result<()>;

/// The highest id a file holds, the floor above which ids minted by a step stay.
pub(crate) type Floor = fn(&mut WriteTx<'_>) -> Result<u128>;

/// A step that creates every table missing from the file.
pub(crate) fn create_tables(w: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
    Store::create_tables(w, &tables::ALL)
}

/// Version 8: posting blocks that hold each id difference in whole bytes after a byte of its
/// length and field classes (`postings.rs`), read without a loop over the bytes. Every block
/// of the older form is rewritten; the steps before this one read and write both forms.
pub(crate) fn packed_postings_v8(w: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
    w.flush_postings()?;
    w.rewrite(Table::SEARCH, postings::repack)
}

/// Version 9: every stored record (and custom field definition, relation type and exchange
/// rate) carries a checksum of its value (`codec.rs`). Version 10 replaced that checksum by
/// one that also covers the key and marks every value anew, so a file older than version 9
/// is marked once, by that step: nothing is done here.
pub(crate) fn checksums_v9(_: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
    Ok(())
}

/// Version 10: the checksum of every stored value covers its key too, so that a changed byte
/// of a key is not read back as another record (found by the rescue's property test). Each
/// table of them is written anew with every value marked the current way; a version-9 value
/// whose checksum does not match is kept as it is, so that it is still reported as damaged.
pub(crate) fn keyed_checksums_v10(w: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
    for t in tables::CODED {
        w.rewrite(t, |old, out| {
            while let Some(e) = old.next()? {
                out.push(e.key(), &codec::mark(e.key(), e.value()))?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Calls `each` with the entries of every record of kind `R`, reading ten thousand records at
/// a time so that memory stays bounded on large files (for a schema version that adds
/// entries).
fn for_each_entries<R: Record>(
    w: &mut WriteTx<'_>,
    mut each: impl FnMut(&mut WriteTx<'_>, &R, &Entries) -> Result<()>,
) -> Result<()> {
    const AT_A_TIME: usize = 10_000;
    let mut after = None;
    loop {
        let mut records: Vec<R> = Vec::new();
        record::for_each_after(w, after, |record: R| {
            records.push(record);
            Ok(if records.len() < AT_A_TIME {
                Flow::Continue(())
            } else {
                Flow::Break(())
            })
        })?;
        let Some(last) = records.last() else {
            return Ok(());
        };
        after = Some(last.raw_id());
        for record in &records {
            each(w, record, &record::entries_of(record))?;
        }
    }
}

/// Posts the entries under `byte | code` of every record of a kind.
pub(crate) fn add_name_entries<R: Record>(w: &mut WriteTx<'_>, byte: u8) -> Result<()> {
    for_each_entries::<R>(w, |w, record, entries| {
        for (term, classes) in entries.terms() {
            if term.first().is_some_and(|k| k & 0xF0 == byte) {
                w.post(term, record.raw_id(), classes)?;
            }
        }
        Ok(())
    })
}

/// Adds the index entries of every record of kind `R` whose index byte is `byte` (an index
/// added by a schema version).
pub(crate) fn add_index_entries<R: Record>(w: &mut WriteTx<'_>, byte: u8) -> Result<()> {
    for_each_entries::<R>(w, |w, _, entries| {
        for key in &entries.index {
            if key.first() == Some(&byte) {
                w.index_add(key)?;
            }
        }
        Ok(())
    })
}

/// Version 3: the search table as posting lists (`postings.rs`). Every version-2 entry is
/// already a block of one posting; this packs each term's postings into full blocks, a
/// hundred thousand entries at a time so that memory stays bounded on large files.
pub(crate) fn posting_lists_v3(w: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
    const AT_A_TIME: usize = 100_000;
    let mut after: Option<Vec<u8>> = None;
    loop {
        let mut entries: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let lower = after.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
        w.scan(Table::SEARCH, (lower, Bound::Unbounded), false, |k, v| {
            entries.push((k.to_vec(), v.to_vec()));
            Ok(if entries.len() < AT_A_TIME {
                Flow::Continue(())
            } else {
                Flow::Break(())
            })
        })?;
        let Some((last, _)) = entries.last() else {
            return Ok(());
        };
        after = Some(last.clone());
        for (k, _) in &entries {
            w.remove(Table::SEARCH, k)?;
        }
        for (k, v) in &entries {
            let first = index::id_of_key(k)
                .ok_or_else(|| Error::corrupt("search", "an entry has no record id"))?;
            let term = &k[..k.len() - 16];
            postings::decode(first, v, |id, classes| {
                w.post(term, id, classes)?;
                Ok(Flow::Continue(()))
            })?;
        }
        // Packed blocks start at ids already passed, so they sort before the next entries.
        w.flush()?;
    }
}

/// Records `version` as the file's schema version (a file a rescue writes is built at the
/// current version directly).
pub(crate) fn stamp(w: &mut WriteTx<'_>, version: u32) -> Result<()> {
    w.put(Table::META, VERSION_KEY, &version.to_be_bytes())
        .map(drop)
}

/// The version recorded in the file; `None` for a file without CRM tables.
pub(crate) fn file_version(store: &Store) -> Result<Option<u32>> {
    if !store.table_names()?.iter().any(|n| n == Table::META.name()) {
        return Ok(None);
    }
    let found = store.read(|r| r.get(Table::META, VERSION_KEY, decode_version))?;
    found
        .map(Some)
        .ok_or_else(|| Error::corrupt("meta", "the file has no schema version"))
}

fn decode_version(bytes: &[u8]) -> Result<u32> {
    let raw: [u8; 4] = bytes
        .try_into()
        .map_err(|_| Error::corrupt("meta", "the schema version is not readable"))?;
    Ok(u32::from_be_bytes(raw))
}

fn refuse_newer(version: u32, supported: u32) -> Result<()> {
    if version > supported {
        Err(Error::Version {
            found: version,
            supported,
        })
    } else {
        Ok(())
    }
}

/// Refuses a file written by a version newer than `supported` before it is opened for
/// writing, which would already change its bytes.
pub(crate) fn refuse_newer_file(path: &std::path::Path, supported: u32) -> Result<()> {
    match crate::storage::store::peek(path, Table::META, VERSION_KEY) {
        Some(bytes) => refuse_newer(decode_version(&bytes)?, supported),
        None => Ok(()),
    }
}

/// Brings the file to the version after `steps`, or refuses it.
pub(crate) fn prepare(store: &Store, ctx: &Ctx, steps: &[Step], floor: Floor) -> Result<()> {
    let supported = u32::try_from(steps.len()).map_err(Error::storage)?;
    let from = match file_version(store)? {
        Some(v) => {
            refuse_newer(v, supported)?;
            v
        }
        None if store.table_names()?.is_empty() => 0,
        None => {
            return Err(Error::storage(
                "the file is a redb database but not a CRM file",
            ));
        }
    };
    run_steps(store, ctx, from, steps, floor)
}

/// Runs `steps[from..]` and records the new version, all in one transaction.
fn run_steps(store: &Store, ctx: &Ctx, from: u32, steps: &[Step], floor: Floor) -> Result<()> {
    let target = u32::try_from(steps.len()).map_err(Error::storage)?;
    if from >= target {
        return Ok(());
    }
    store.write(|w| {
        // Ids minted by a step stay above those the file already holds.
        if from > 0 {
            ctx.raise_floor(floor(w)?);
        }
        for step in &steps[from as usize..] {
            step(w, ctx)?;
        }
        w.put(Table::META, VERSION_KEY, &target.to_be_bytes())
            .map(drop)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::store::Location;

    fn ctx() -> Ctx {
        Ctx::for_tests()
    }

    fn mark(w: &mut WriteTx<'_>, key: &[u8]) -> Result<()> {
        w.put(Table::META, key, b"done").map(drop)
    }
    fn no_floor(_: &mut WriteTx<'_>) -> Result<u128> {
        Ok(0)
    }
    fn step_a(w: &mut WriteTx<'_>, ctx: &Ctx) -> Result<()> {
        create_tables(w, ctx)?;
        mark(w, b"a")
    }
    fn step_b(w: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
        mark(w, b"b")
    }
    fn step_c(w: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
        mark(w, b"c")
    }
    fn failing(_: &mut WriteTx<'_>, _: &Ctx) -> Result<()> {
        Err(Error::storage("step failed"))
    }

    fn marks(store: &Store) -> Vec<Vec<u8>> {
        store
            .read(|r| {
                let mut out = Vec::new();
                for k in [b"a", b"b", b"c"] {
                    if r.contains(Table::META, k)? {
                        out.push(k.to_vec());
                    }
                }
                Ok(out)
            })
            .unwrap()
    }

    #[test]
    fn steps_run_in_order_from_the_file_version() {
        let store = Store::open(Location::Memory, None).unwrap();
        run_steps(&store, &ctx(), 0, &[step_a, step_b], no_floor).unwrap();
        assert_eq!(file_version(&store).unwrap(), Some(2));
        assert_eq!(marks(&store), vec![b"a".to_vec(), b"b".to_vec()]);
        // From version 2 only the third step runs.
        store
            .write(|w| w.remove(Table::META, b"a").map(drop))
            .unwrap();
        run_steps(&store, &ctx(), 2, &[step_a, step_b, step_c], no_floor).unwrap();
        assert_eq!(file_version(&store).unwrap(), Some(3));
        assert_eq!(marks(&store), vec![b"b".to_vec(), b"c".to_vec()]);
    }

    /// A version-2 search table (one key per term and record) becomes packed blocks holding
    /// the same postings, across the migration's rounds of entries.
    #[test]
    fn version_3_packs_version_2_search_entries() {
        let store = Store::open(Location::Memory, None).unwrap();
        run_steps(&store, &ctx(), 0, &[create_tables, create_tables], no_floor).unwrap();
        let terms: [&[u8]; 3] = [b"\x01ala\x00", b"\x01alan\x00", b"\x02ala\x00"];
        let mut expected = Vec::new();
        store
            .write(|w| {
                for (n, term) in terms.iter().enumerate() {
                    // More postings than one round of the migration takes.
                    let count = if n == 0 { 120_000u128 } else { 3 };
                    for i in 0..count {
                        let id = (i + 1) * 7;
                        let mut key = term.to_vec();
                        key.extend_from_slice(&id.to_be_bytes());
                        w.put(Table::SEARCH, &key, &[1 << (i % 4)])?;
                        expected.push((term[..term.len() - 1].to_vec(), id, 1u8 << (i % 4)));
                    }
                }
                Ok(())
            })
            .unwrap();
        run_steps(
            &store,
            &ctx(),
            2,
            &[create_tables, create_tables, posting_lists_v3],
            no_floor,
        )
        .unwrap();
        assert_eq!(file_version(&store).unwrap(), Some(3));
        let (found, blocks) = store
            .read(|r| {
                let mut found = Vec::new();
                postings::scan(r, &[], |term, id, classes| {
                    found.push((term.to_vec(), id, classes));
                    Ok(Flow::Continue(()))
                })?;
                Ok((found, r.len(Table::SEARCH)?))
            })
            .unwrap();
        assert_eq!(found, expected);
        // 120,000 postings of 2 bytes pack into about 240 blocks, not 120,000 keys.
        assert!(blocks < 500, "{blocks} blocks");
    }

    #[test]
    fn a_failing_step_leaves_the_file_at_its_version() {
        let store = Store::open(Location::Memory, None).unwrap();
        run_steps(&store, &ctx(), 0, &[step_a], no_floor).unwrap();
        let err = run_steps(&store, &ctx(), 1, &[step_a, step_b, failing], no_floor).unwrap_err();
        assert_eq!(err.code(), "storage");
        assert_eq!(file_version(&store).unwrap(), Some(1));
        assert_eq!(marks(&store), vec![b"a".to_vec()]);
    }
}
