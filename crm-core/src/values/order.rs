//! Sorting, compiled once for the WebAssembly package.
//!
//! The standard library's sorts are generic over the element and the comparison, so each
//! call site on a new type brings its own copy of the sorting code (several kilobytes each):
//! 176 KB of the package's code was sorting. On `wasm32` these functions sort the positions
//! of the elements through one comparison trait object, with one copy of the sort for all
//! callers, and then move the elements into place. Elsewhere they are the standard library's
//! sorts. Both are stable. Hot paths of the storage layer and search keep their own sorts.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`.
pub(crate) fn sort_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(cmp);
    #[cfg(target_arch = "wasm32")]
    sort_by_positions(v, cmp);
}

/// Sorts `v` stably by the key `key` gives each element.
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably in its natural order.
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    #[cfg(not(target_arch = "wasm32"))]
    v.sort();
    #[cfg(target_arch = "wasm32")]
    sort_by_positions(v, T::cmp);
}

/// Sorts `v` in its natural order, equal elements in any order (the standard library's
/// unstable sort, but on `wasm32`).
pub(crate) fn sort_unstable<T: Ord>(v: &mut [T]) {
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_unstable();
    #[cfg(target_arch = "wasm32")]
    sort_by_positions(v, T::cmp);
}

/// The `wasm32` sort: the positions are sorted (one copy of the sort), then the elements are
/// moved along the cycles of the permutation.
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn sort_by_positions<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    // Position `j` takes the element at `order[j]`; each cycle is walked once.
    for start in 0..v.len() {
        if order[start] == usize::MAX {
            continue;
        }
        let mut j = start;
        loop {
            let k = order[j];
            order[j] = usize::MAX;
            if k == start {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorting_positions_is_the_standard_stable_sort(
            items in proptest::collection::vec((0u8..6, any::<u16>()), 0..200),
        ) {
            let mut ours = items.clone();
            sort_by_positions(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = items.clone();
            std.sort_by_key(|a| a.0);
            prop_assert_eq!(ours, std);
        }
    }
}
