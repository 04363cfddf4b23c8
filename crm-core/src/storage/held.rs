//! The `index` changes a write transaction holds until it writes them: key → present (added)
//! or not (removed), the newest change of a key winning.
//!
//! A large import holds millions of them. In one `BTreeMap`, each costs a heap allocation and
//! about a hundred bytes, and each insert walks a tree far larger than the CPU caches. Here,
//! changes are appended, unsorted, to one buffer ([`FRESH`] keys at most); when it is full,
//! or when something reads the held changes, they are sorted into a buffer in key order (a
//! *run*, the last change of a key winning), and the newest run is merged into the one
//! before it (in place, see [`Run::merge_newer`]) while that one is less than twice as long.
//! So there are about log2(n / [`FRESH`]) runs, a held key costs its bytes and nine more,
//! and an insert costs an append plus, spread over all inserts, one sort and a few
//! sequential merge passes. Reads merge the runs, newest first. (A map of the newest
//! changes, which this replaced, cost an allocation and a walk of a 32,768-key tree per
//! insert; without it the benchmark's import of a million contacts went from 68 to 52 s.)
//!
//! A read of one *group* (the keys of one value: a key without the [`ID_LEN`]-byte record id
//! that ends it, such as the contacts with one email address), asked for every contact an
//! import creates, first asks a Bloom filter of the held groups ([`HeldIndex::may_hold_group`])
//! and searches the layers only when the group may be held. The filter covers the index bytes
//! that have been read this way: the first such read of an index byte adds the held keys of
//! that byte (one contiguous range of each layer), later inserts of it add theirs. So the
//! other indexes cost an insert one array lookup, and the filter's size follows the keys it
//! covers: it doubles, rebuilt from the layers, when they pass a thirty-second of its bits.
//! A false positive costs more than a search: the read sorts the newest changes into a short
//! run, and short runs cost more merge passes (one answer in 250 wrong, as with two probes
//! and half the bits, made the runs of a 300,000-contact import start at about 1,500 keys
//! rather than [`FRESH`], and a fifth more merging).

use std::collections::BTreeMap;
use std::iter::Peekable;
use std::ops::Bound;

/// How many unsorted newest changes are held before they are sorted into a run.
pub(crate) const FRESH: usize = 1 << 15;

/// The smallest group filter, in 64-bit words (one in tests, so that they see it grow).
const MIN_WORDS: usize = if cfg!(test) { 1 } else { 1 << 10 };

/// The length of the record id that ends every `index` key; a key without it is its group.
pub(crate) const ID_LEN: usize = 16;

/// Held `index` changes (see the module docs).
pub(crate) struct HeldIndex {
    /// The newest changes, in the order they came (a key may come more than once; the last
    /// change wins). Sorted into a run when full or when something reads the held changes.
    fresh: Run,
    /// Older changes, packed; the oldest first.
    runs: Vec<Run>,
    /// How many keys `fresh` takes before it is packed.
    fresh_max: usize,
    /// Keys held, counting a key once in each layer that holds it.
    count: usize,
    /// The groups of the held keys of some index bytes.
    groups: Groups,
}

/// A Bloom filter of key groups (three probes per group, 32 to 64 bits each), for the index
/// bytes it tracks.
struct Groups {
    /// The index bytes whose held keys are all in the filter.
    tracked: [bool; 256],
    /// The filter; its length is a power of two (or zero before any byte is tracked).
    bits: Vec<u64>,
    /// Groups added since the filter was last built.
    added: usize,
}

/// Every byte, in order, to borrow one-byte keys from.
static BYTES: [u8; 256] = {
    let mut all = [0; 256];
    let mut b = 0;
    while b < 256 {
        all[b] = b as u8;
        b += 1;
    }
    all
};

/// The keys starting with `byte`.
fn byte_range(byte: u8) -> (Bound<&'static [u8]>, Bound<&'static [u8]>) {
    let b = usize::from(byte);
    let end = BYTES
        .get(b + 1..b + 2)
        .map_or(Bound::Unbounded, Bound::Excluded);
    (Bound::Included(&BYTES[b..b + 1]), end)
}

/// The group of an `index` key: the key without its record id.
fn group_of(key: &[u8]) -> &[u8] {
    &key[..key.len().saturating_sub(ID_LEN)]
}

impl Groups {
    fn new() -> Groups {
        Groups {
            tracked: [false; 256],
            bits: Vec::new(),
            added: 0,
        }
    }

    /// The three bit positions of a group (double hashing: the second half of the hash is the
    /// stride).
    fn probes(&self, group: &[u8]) -> [usize; 3] {
        use std::hash::BuildHasher;
        let h = foldhash::fast::FixedState::with_seed(0x5EED).hash_one(group);
        let mask = self.bits.len() * 64 - 1;
        let (a, b) = (h as usize, (h >> 32) as usize | 1);
        [
            a & mask,
            a.wrapping_add(b) & mask,
            a.wrapping_add(2 * b) & mask,
        ]
    }

    fn add(&mut self, group: &[u8]) {
        for bit in self.probes(group) {
            self.bits[bit / 64] |= 1 << (bit % 64);
        }
        self.added += 1;
    }

    fn may_hold(&self, group: &[u8]) -> bool {
        self.probes(group)
            .iter()
            .all(|&bit| self.bits[bit / 64] & (1 << (bit % 64)) != 0)
    }
}

/// Keys in ascending order, each with whether it is present, packed into one buffer.
#[derive(Default)]
pub(crate) struct Run {
    bytes: Vec<u8>,
    /// Where each key ends in `bytes`.
    ends: Vec<usize>,
    present: Vec<bool>,
}

/// One layer's changes in a range, in the scan's direction.
pub(crate) type Layer<'a> = Peekable<Box<dyn Iterator<Item = (&'a [u8], bool)> + 'a>>;

/// The changes of `map` in `range` (none when the range is empty), in the scan's direction.
pub(crate) fn map_range<'a>(
    map: &'a BTreeMap<Vec<u8>, bool>,
    range: (Bound<&[u8]>, Bound<&[u8]>),
    reverse: bool,
) -> Layer<'a> {
    let layer: Box<dyn Iterator<Item = _>> = if crate::storage::store::range_is_empty(&range) {
        // `BTreeMap::range` panics on a range whose start lies after its end.
        Box::new(std::iter::empty())
    } else {
        let in_range = map.range::<[u8], _>(range).map(|(k, &p)| (k.as_slice(), p));
        if reverse {
            Box::new(in_range.rev())
        } else {
            Box::new(in_range)
        }
    };
    layer.peekable()
}

/// Layers of changes as one, in the scan's direction: on a key several layers hold, the
/// change of the first (the newest) one.
pub(crate) fn newest<'a>(
    layers: Vec<Layer<'a>>,
    reverse: bool,
) -> impl Iterator<Item = (&'a [u8], bool)> + 'a {
    Newest { layers, reverse }
}

impl Run {
    fn with_capacity(keys: usize, bytes: usize) -> Run {
        Run {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(keys),
            present: Vec::with_capacity(keys),
        }
    }

    /// The changes of `fresh`, taken in the order they came, sorted: of the changes of one
    /// key, the last wins. Keys compare by their first eight bytes (zero-padded, which never
    /// orders two keys against their bytes: where two heads differ, so do the keys at that
    /// byte, or the shorter one has ended there), then by the rest.
    fn sorted(fresh: &Run) -> Run {
        let head = |key: &[u8]| {
            let mut head = [0; 8];
            for (h, b) in head.iter_mut().zip(key) {
                *h = *b;
            }
            u64::from_be_bytes(head)
        };
        let mut order: Vec<(u64, usize)> =
            (0..fresh.len()).map(|i| (head(fresh.key(i)), i)).collect();
        // Of equal keys, the later change first.
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| fresh.key(a.1).cmp(fresh.key(b.1)))
                .then(b.1.cmp(&a.1))
        });
        let mut run = Run::with_capacity(fresh.len(), fresh.bytes.len());
        let mut last: Option<&[u8]> = None;
        for (_, i) in order {
            let key = fresh.key(i);
            if last != Some(key) {
                run.push(key, fresh.present[i]);
                last = Some(key);
            }
        }
        run
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.present.clear();
    }

    /// The changes of `map`, packed.
    fn of(map: &BTreeMap<Vec<u8>, bool>) -> Run {
        let mut run = Run::with_capacity(map.len(), map.keys().map(Vec::len).sum());
        for (key, &present) in map {
            run.push(key, present);
        }
        run
    }

    /// How many keys the run holds.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn key(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    fn push(&mut self, key: &[u8], present: bool) {
        self.bytes.extend_from_slice(key);
        self.ends.push(self.bytes.len());
        self.present.push(present);
    }

    /// The number of leading keys for which `before` holds (it must hold for a prefix).
    fn count_while(&self, before: impl Fn(&[u8]) -> bool) -> usize {
        self.search(0, self.len(), before)
    }

    /// [`Run::count_while`], knowing that `before` holds for the first `from` keys: it
    /// probes past `from` in steps of 1, 2, 4, … until `before` fails, then searches the
    /// last step, so that the end of a short range (a prefix scan's) is found in a few
    /// probes near its start rather than by a search of the whole run.
    fn count_while_from(&self, from: usize, before: impl Fn(&[u8]) -> bool) -> usize {
        let (mut lo, mut step) = (from, 1);
        while lo < self.len() {
            let probe = (lo + step - 1).min(self.len() - 1);
            if !before(self.key(probe)) {
                return self.search(lo, probe, before);
            }
            lo = probe + 1;
            step *= 2;
        }
        lo
    }

    /// The first position in `lo..hi` where `before` fails, or `hi`.
    fn search(&self, mut lo: usize, mut hi: usize, before: impl Fn(&[u8]) -> bool) -> usize {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if before(self.key(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    fn get(&self, key: &[u8]) -> Option<bool> {
        let i = self.count_while(|k| k < key);
        (i < self.len() && self.key(i) == key).then(|| self.present[i])
    }

    /// The keys and marks from position `from` up to `to`.
    fn slice(&self, from: usize, to: usize) -> impl DoubleEndedIterator<Item = (&[u8], bool)> {
        (from..to).map(|i| (self.key(i), self.present[i]))
    }

    /// Every key with its mark, in ascending order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (&[u8], bool)> {
        self.slice(0, self.len())
    }

    /// The keys of `range`, in the scan's direction.
    fn range<'a>(&'a self, range: (Bound<&[u8]>, Bound<&[u8]>), reverse: bool) -> Layer<'a> {
        let from = match range.0 {
            Bound::Included(b) => self.count_while(|k| k < b),
            Bound::Excluded(b) => self.count_while(|k| k <= b),
            Bound::Unbounded => 0,
        };
        // Unless the range is empty (then `to.max(from)` is `from`), its end is not before
        // its start.
        let to = match range.1 {
            Bound::Included(b) => self.count_while_from(from, |k| k <= b),
            Bound::Excluded(b) => self.count_while_from(from, |k| k < b),
            Bound::Unbounded => self.len(),
        };
        let keys = self.slice(from, to.max(from));
        let layer: Box<dyn Iterator<Item = _>> = if reverse {
            Box::new(keys.rev())
        } else {
            Box::new(keys)
        };
        layer.peekable()
    }

    /// Merges `newer` into this run (the older one); `newer`'s mark wins on a key both hold.
    ///
    /// The merge runs in place from the back: this run's buffers grow by `newer`'s length
    /// and each key is moved at most once, toward the end, so the keys smaller than all of
    /// `newer`'s stay where they are. A merge into a fresh buffer cost a new allocation the
    /// size of both runs, and for large runs (past the allocator's `mmap` threshold) the
    /// kernel zeroed every page of it on first touch: the page faults of those merges took
    /// about 4 % of the samples of a million-contact import's profile.
    fn merge_newer(&mut self, newer: &Run) {
        let (old_len, old_bytes) = (self.len(), self.bytes.len());
        let total = old_len + newer.len();
        let total_bytes = old_bytes + newer.bytes.len();
        self.bytes.resize(total_bytes, 0);
        self.ends.resize(total, 0);
        self.present.resize(total, false);
        // `i` and `j` keys of this run and of `newer` are left; the output is written down
        // from slot `k` and byte `b`, which stay at or above what is left of this run (its
        // keys are read before they can be overwritten).
        let (mut i, mut j, mut k, mut b) = (old_len, newer.len(), total, total_bytes);
        while j > 0 {
            let new_key = newer.key(j - 1);
            let old_start = if i > 1 { self.ends[i - 2] } else { 0 };
            let order = if i > 0 {
                self.bytes[old_start..self.ends[i - 1]].cmp(new_key)
            } else {
                std::cmp::Ordering::Less
            };
            k -= 1;
            if order == std::cmp::Ordering::Greater {
                let end = self.ends[i - 1];
                let len = end - old_start;
                self.bytes.copy_within(old_start..end, b - len);
                self.ends[k] = b;
                self.present[k] = self.present[i - 1];
                b -= len;
                i -= 1;
                continue;
            }
            if order == std::cmp::Ordering::Equal {
                // The older change of the key is dropped.
                i -= 1;
            }
            self.bytes[b - new_key.len()..b].copy_from_slice(new_key);
            self.ends[k] = b;
            self.present[k] = newer.present[j - 1];
            b -= new_key.len();
            j -= 1;
        }
        // This run's first `i` keys are in place; when keys of both runs were equal, a gap
        // is left between them and the merged ones, which move down over it.
        let kept_bytes = if i > 0 { self.ends[i - 1] } else { 0 };
        if k > i {
            let gap = b - kept_bytes;
            self.bytes.copy_within(b..total_bytes, kept_bytes);
            self.bytes.truncate(total_bytes - gap);
            for slot in k..total {
                self.ends[slot] -= gap;
            }
            self.ends.copy_within(k..total, i);
            self.ends.truncate(total - (k - i));
            self.present.copy_within(k..total, i);
            self.present.truncate(total - (k - i));
        }
    }
}

impl HeldIndex {
    /// Nothing held; up to `fresh_max` (at least one) of the newest changes are kept unsorted.
    pub(crate) fn new(fresh_max: usize) -> HeldIndex {
        HeldIndex {
            fresh: Run::default(),
            runs: Vec::new(),
            fresh_max: fresh_max.max(1),
            count: 0,
            groups: Groups::new(),
        }
    }

    /// Keys held, counting a key once in each run that holds it and once per change not yet
    /// sorted into a run (so at least the number of distinct keys).
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Holds a change, replacing an earlier one of the same key.
    ///
    /// The change is appended to the unsorted newest ones: an import's keys are nearly all
    /// new, and sorting many at once costs less than keeping a map of them in order (a
    /// search, a node and an allocation per key).
    pub(crate) fn insert(&mut self, key: &[u8], present: bool) {
        self.fresh.push(key, present);
        self.count += 1;
        if key
            .first()
            .is_some_and(|&b| self.groups.tracked[usize::from(b)])
        {
            self.add_group(key);
        }
        if self.fresh.len() >= self.fresh_max {
            self.pack();
        }
    }

    /// Holds `older` changes under all those held (which are newer).
    pub(crate) fn insert_older(&mut self, older: &BTreeMap<Vec<u8>, bool>) {
        if older.is_empty() {
            return;
        }
        let run = Run::of(older);
        self.count += run.len();
        // Held before their groups are added, so that a rebuild of the filter on the way
        // reads them.
        self.runs.insert(0, run);
        for key in older.keys() {
            if key
                .first()
                .is_some_and(|&b| self.groups.tracked[usize::from(b)])
            {
                self.add_group(key);
            }
        }
    }

    /// Whether a change of a key of `group` may be held (`false`: certainly none). Every key
    /// starting with `group` must be of it (`group` is a key's group, see [`ID_LEN`]), which is
    /// what makes the filter's answer hold for a scan of the prefix `group`.
    pub(crate) fn may_hold_group(&mut self, group: &[u8]) -> bool {
        let Some(&byte) = group.first() else {
            return !self.is_empty();
        };
        if self.is_empty() {
            return false;
        }
        if !self.groups.tracked[usize::from(byte)] {
            self.groups.tracked[usize::from(byte)] = true;
            self.add_byte(byte);
        }
        self.groups.may_hold(group)
    }

    /// Adds the group of `key` (of a tracked byte) to the filter, first doubling the filter
    /// when it holds a thirty-second as many groups as bits.
    fn add_group(&mut self, key: &[u8]) {
        if self.groups.added * 32 >= self.groups.bits.len() * 64 {
            self.rebuild(self.groups.added * 2);
        }
        self.groups.add(group_of(key));
    }

    /// Tracks `byte`: adds its held keys, building the filter anew at a size for them.
    fn add_byte(&mut self, byte: u8) {
        self.pack();
        let keys: usize = self
            .runs_layers(byte_range(byte), false)
            .into_iter()
            .map(Iterator::count)
            .sum();
        self.rebuild(self.groups.added + keys);
    }

    /// Builds the filter anew from the held keys of the tracked bytes, with room for `groups`
    /// of them (at least 32 bits each).
    fn rebuild(&mut self, groups: usize) {
        self.pack();
        let words = (groups * 32 / 64 + 1).next_power_of_two().max(MIN_WORDS);
        let mut filter = Groups {
            tracked: self.groups.tracked,
            bits: vec![0; words],
            added: 0,
        };
        for byte in 0..=u8::MAX {
            if filter.tracked[usize::from(byte)] {
                for layer in self.runs_layers(byte_range(byte), false) {
                    for (key, _) in layer {
                        filter.add(group_of(key));
                    }
                }
            }
        }
        self.groups = filter;
    }

    /// The held change of `key`.
    pub(crate) fn get(&mut self, key: &[u8]) -> Option<bool> {
        self.pack();
        self.runs.iter().rev().find_map(|run| run.get(key))
    }

    /// The held changes in `range`, in the scan's direction.
    pub(crate) fn range<'a>(
        &'a mut self,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        reverse: bool,
    ) -> impl Iterator<Item = (&'a [u8], bool)> + 'a {
        newest(self.layers(range, reverse), reverse)
    }

    /// The held changes in `range` layer by layer, the newest first (see [`newest`]).
    pub(crate) fn layers<'a>(
        &'a mut self,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        reverse: bool,
    ) -> Vec<Layer<'a>> {
        self.pack();
        self.runs_layers(range, reverse)
    }

    /// The runs' changes in `range`, the newest run first (the unsorted changes are not read:
    /// callers pack them first).
    fn runs_layers<'a>(
        &'a self,
        range: (Bound<&[u8]>, Bound<&[u8]>),
        reverse: bool,
    ) -> Vec<Layer<'a>> {
        self.runs
            .iter()
            .rev()
            .map(|run| run.range(range, reverse))
            .collect()
    }

    /// Everything held, in one run; nothing is held afterwards.
    pub(crate) fn take(&mut self) -> Run {
        self.pack();
        self.count = 0;
        self.groups = Groups::new();
        let mut merged = self.runs.pop().unwrap_or_default();
        while let Some(mut older) = self.runs.pop() {
            older.merge_newer(&merged);
            merged = older;
        }
        merged
    }

    /// Sorts the unsorted changes into the newest run, then merges runs of similar lengths.
    fn pack(&mut self) {
        if self.fresh.len() == 0 {
            return;
        }
        let run = Run::sorted(&self.fresh);
        self.count -= self.fresh.len() - run.len();
        // The buffers are kept for the next changes.
        self.fresh.clear();
        self.runs.push(run);
        while let [.., older, newer] = self.runs.as_mut_slice() {
            if older.len() >= 2 * newer.len() {
                break;
            }
            let before = older.len() + newer.len();
            older.merge_newer(newer);
            self.count -= before - older.len();
            self.runs.pop();
        }
    }
}

/// What [`newest`] returns.
struct Newest<'a> {
    layers: Vec<Layer<'a>>,
    reverse: bool,
}

impl<'a> Iterator for Newest<'a> {
    type Item = (&'a [u8], bool);

    fn next(&mut self) -> Option<Self::Item> {
        let mut best: Option<(&'a [u8], bool)> = None;
        for layer in &mut self.layers {
            if let Some(&(key, present)) = layer.peek() {
                let first = best.is_none_or(|(b, _)| key != b && (key < b) != self.reverse);
                if first {
                    best = Some((key, present));
                }
            }
        }
        let (key, _) = best?;
        for layer in &mut self.layers {
            layer.next_if(|&(k, _)| k == key);
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bound() -> impl Strategy<Value = Bound<Vec<u8>>> {
        prop_oneof![
            Just(Bound::Unbounded),
            prop::collection::vec(0u8..4, 0..3).prop_map(Bound::Included),
            prop::collection::vec(0u8..4, 0..3).prop_map(Bound::Excluded),
        ]
    }

    fn as_ref(b: &Bound<Vec<u8>>) -> Bound<&[u8]> {
        match b {
            Bound::Included(k) => Bound::Included(k.as_slice()),
            Bound::Excluded(k) => Bound::Excluded(k.as_slice()),
            Bound::Unbounded => Bound::Unbounded,
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(Vec<u8>, bool),
        Older(Vec<(Vec<u8>, bool)>),
        Take,
    }

    fn op() -> impl Strategy<Value = Op> {
        let key = || prop::collection::vec(0u8..4, 0..4);
        prop_oneof![
            8 => (key(), any::<bool>()).prop_map(|(k, p)| Op::Insert(k, p)),
            1 => prop::collection::vec((key(), any::<bool>()), 0..6).prop_map(Op::Older),
            1 => Just(Op::Take),
        ]
    }

    proptest! {
        /// Whatever the map's size, reads, ranges both ways and the run taken at the end agree
        /// with one map of the newest change per key, and the count is never below its size.
        #[test]
        fn held_changes_read_like_one_map(
            ops in prop::collection::vec(op(), 0..120),
            fresh in 1usize..5,
            ranges in prop::collection::vec((bound(), bound()), 1..6),
        ) {
            let mut held = HeldIndex::new(fresh);
            let mut model: BTreeMap<Vec<u8>, bool> = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, p) => {
                        held.insert(&k, p);
                        model.insert(k, p);
                    }
                    Op::Older(older) => {
                        let older: BTreeMap<Vec<u8>, bool> = older.into_iter().collect();
                        held.insert_older(&older);
                        for (k, p) in older {
                            model.entry(k).or_insert(p);
                        }
                    }
                    Op::Take => {
                        let run = held.take();
                        let taken: Vec<(Vec<u8>, bool)> =
                            run.iter().map(|(k, p)| (k.to_vec(), p)).collect();
                        let expected: Vec<(Vec<u8>, bool)> = std::mem::take(&mut model)
                            .into_iter()
                            .collect();
                        prop_assert_eq!(taken, expected);
                        prop_assert!(held.is_empty());
                    }
                }
                prop_assert!(held.len() >= model.len());
                prop_assert_eq!(held.is_empty(), model.is_empty());
                for k in 0u8..4 {
                    prop_assert_eq!(held.get(&[k]), model.get(&[k][..]).copied());
                }
            }
            for (lo, hi) in &ranges {
                let range = (as_ref(lo), as_ref(hi));
                if crate::storage::store::range_is_empty(&range) {
                    prop_assert_eq!(held.range(range, false).count(), 0);
                    prop_assert_eq!(held.range(range, true).count(), 0);
                    continue;
                }
                let expected: Vec<(Vec<u8>, bool)> = model
                    .range::<[u8], _>(range)
                    .map(|(k, &p)| (k.clone(), p))
                    .collect();
                let forward: Vec<(Vec<u8>, bool)> =
                    held.range(range, false).map(|(k, p)| (k.to_vec(), p)).collect();
                let mut backward: Vec<(Vec<u8>, bool)> =
                    held.range(range, true).map(|(k, p)| (k.to_vec(), p)).collect();
                backward.reverse();
                prop_assert_eq!(&forward, &expected);
                prop_assert_eq!(&backward, &expected);
            }
            let all: Vec<(Vec<u8>, bool)> = held.take().iter().map(|(k, p)| (k.to_vec(), p)).collect();
            prop_assert_eq!(all, model.into_iter().collect::<Vec<_>>());
        }

        /// The group filter never denies a group whose keys are held (added or removed),
        /// whichever index bytes were read before and after inserts, folds of older changes,
        /// takes and the filter's growth.
        #[test]
        fn group_filter_never_misses_a_held_group(
            ops in prop::collection::vec(group_op(), 0..300),
            fresh in 1usize..6,
        ) {
            let mut held = HeldIndex::new(fresh);
            let mut model: BTreeMap<Vec<u8>, bool> = BTreeMap::new();
            for op in ops {
                match op {
                    GroupOp::Insert(k, p) => {
                        held.insert(&k, p);
                        model.insert(k, p);
                    }
                    GroupOp::Older(older) => {
                        let older: BTreeMap<Vec<u8>, bool> = older.into_iter().collect();
                        held.insert_older(&older);
                        for (k, p) in older {
                            model.entry(k).or_insert(p);
                        }
                    }
                    GroupOp::Take => {
                        held.take();
                        model.clear();
                    }
                    GroupOp::Read(group) => {
                        let holds = model.keys().any(|k| group_of(k) == group.as_slice());
                        let may = held.may_hold_group(&group);
                        prop_assert!(may || !holds, "group {:?} is held", group);
                    }
                }
            }
        }
    }

    /// A key of index byte 0 to 2, a two-byte value, and a record id.
    fn group_key(byte: u8, value: u16, id: u8) -> Vec<u8> {
        let mut key = vec![byte];
        key.extend_from_slice(&value.to_be_bytes());
        key.extend_from_slice(&u128::from(id).to_be_bytes());
        key
    }

    #[derive(Debug, Clone)]
    enum GroupOp {
        Insert(Vec<u8>, bool),
        Older(Vec<(Vec<u8>, bool)>),
        Take,
        Read(Vec<u8>),
    }

    fn group_op() -> impl Strategy<Value = GroupOp> {
        let key = || (0u8..3, 0u16..40, 0u8..3).prop_map(|(b, v, id)| group_key(b, v, id));
        prop_oneof![
            12 => (key(), any::<bool>()).prop_map(|(k, p)| GroupOp::Insert(k, p)),
            1 => prop::collection::vec((key(), any::<bool>()), 0..6).prop_map(GroupOp::Older),
            1 => Just(GroupOp::Take),
            6 => key().prop_map(|k| GroupOp::Read(group_of(&k).to_vec())),
        ]
    }

    /// Changes of one key not yet sorted into a run: the last wins, and it is held once.
    /// (The proptest reads after every change, so it sorts at most one change at a time.)
    #[test]
    fn the_last_unsorted_change_of_a_key_wins() {
        let mut held = HeldIndex::new(64);
        for (key, present) in [(b"b", true), (b"a", false), (b"b", false), (b"a", true)] {
            held.insert(key, present);
        }
        held.insert(b"b", true);
        assert_eq!(held.len(), 5, "unsorted changes count once each");
        assert_eq!(held.get(b"a"), Some(true));
        assert_eq!(held.get(b"b"), Some(true));
        assert_eq!(held.len(), 2, "sorted, each key is held once");
        held.insert(b"a", false);
        let all: Vec<(Vec<u8>, bool)> = held.take().iter().map(|(k, p)| (k.to_vec(), p)).collect();
        assert_eq!(all, [(b"a".to_vec(), false), (b"b".to_vec(), true)]);
    }

    /// Up to 40 changes of keys of up to four bytes from a three-letter alphabet.
    fn changes() -> impl Strategy<Value = BTreeMap<Vec<u8>, bool>> {
        prop::collection::btree_map(prop::collection::vec(0u8..3, 0..5), any::<bool>(), 0..40)
    }

    proptest! {
        /// A merge in place holds every key of both runs once, in order, with the newer
        /// run's mark where both hold one; keys of every length, equal ones and prefixes of
        /// others included.
        #[test]
        fn a_merge_in_place_keeps_every_key_once(
            older in changes(),
            newer in changes(),
        ) {
            let mut run = Run::of(&older);
            run.merge_newer(&Run::of(&newer));
            let mut model = older;
            model.extend(newer);
            let merged: Vec<(Vec<u8>, bool)> = run.iter().map(|(k, p)| (k.to_vec(), p)).collect();
            let expected: Vec<(Vec<u8>, bool)> = model.into_iter().collect();
            prop_assert_eq!(run.len(), expected.len());
            prop_assert_eq!(run.bytes.len(), expected.iter().map(|(k, _)| k.len()).sum::<usize>());
            prop_assert_eq!(merged, expected);
        }
    }

    /// The filter answers `false` for nearly all groups that are not held (so reads skip the
    /// layers), at every size it passes through as it grows.
    #[test]
    fn group_filter_denies_nearly_all_absent_groups() {
        let mut held = HeldIndex::new(64);
        let group = |v: u32| {
            let mut g = vec![7];
            g.extend_from_slice(&v.to_be_bytes());
            g
        };
        held.insert(&[group(0), vec![0; ID_LEN]].concat(), true);
        assert!(held.may_hold_group(&group(0)));
        let mut worst = 0;
        for v in 1..20_000 {
            held.insert(&[group(v), vec![0; ID_LEN]].concat(), true);
            if v % 1_000 == 0 {
                let absent = (1_000_000..1_005_000).filter(|&a| held.may_hold_group(&group(a)));
                worst = worst.max(absent.count());
            }
        }
        for v in 0..20_000 {
            assert!(held.may_hold_group(&group(v)));
        }
        // Three probes and 32 to 64 bits per group: about 0.07 % at worst. Two probes and 16
        // to 32 bits, before, let up to 1.4 % through, and each such read sorted the newest
        // changes into a short run of their own.
        assert!(worst < 10, "{worst} of 5,000");
        held.take();
        assert!(!held.may_hold_group(&group(0)));
    }
}
