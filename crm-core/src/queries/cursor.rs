//! The cursors of paged listings, tied to the query they came from.
//!
//! A cursor is an opaque string `<listing>.<fingerprint>.<position>`: the listing that made
//! it (`contact`, `company`, `lead`, `deal`, `activity`, `timeline`), a fingerprint of the
//! query's filter and order, and the listing's own position (where the page ended). A
//! listing accepts only its own cursors made for the same filter and order, and refuses any
//! other with [`Error::Validation`] on `cursor`: a contact listing's cursor given to a
//! company listing, or a cursor carried over to a query with another filter, whose position
//! would skip or repeat records without a word. The page size is not part of the
//! fingerprint, so it may change between pages.
//!
//! The fingerprint is 32 bits of FNV-1a over the JSON value of the filter and order (serde's,
//! the same from every binding): it tells queries apart, it is no secret. Cursors made before
//! the fingerprint existed are refused.

use serde::Serialize;

use crate::values::error::{Error, Result};

/// The listing a cursor belongs to, and the fingerprint of its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tag {
    listing: &'static str,
    fingerprint: u32,
}

impl Tag {
    /// The tag of a `listing` for the query whose filter and order are `query`.
    pub(crate) fn new(listing: &'static str, query: &impl Serialize) -> Tag {
        let mut hash = Fnv(0x811c_9dc5);
        hash.write(listing.as_bytes());
        // The library's filters always serialize; were one not to, every page of a walk
        // would still get the same fingerprint. Through a JSON value rather than JSON text:
        // serde_json's text writer would add its formatting code to the WebAssembly package.
        if let Ok(value) = serde_json::to_value(query) {
            hash.value(&value);
        }
        Tag {
            listing,
            fingerprint: hash.0,
        }
    }

    /// A cursor of this listing and query at `position` (the listing's own encoding).
    pub(crate) fn seal(&self, position: &str) -> String {
        format!("{}.{:08x}.{position}", self.listing, self.fingerprint)
    }

    /// The position a cursor holds, when it was made by this listing for the same query.
    pub(crate) fn open<'a>(&self, cursor: &'a str) -> Result<&'a str> {
        let mut parts = cursor.splitn(3, '.');
        let (Some(listing), Some(fingerprint), Some(position)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::validation(
                "cursor",
                "is not a cursor of this listing",
            ));
        };
        if listing != self.listing {
            return Err(Error::validation(
                "cursor",
                "is not a cursor of this listing",
            ));
        }
        if u32::from_str_radix(fingerprint, 16).ok() != Some(self.fingerprint)
            || fingerprint.len() != 8
        {
            return Err(Error::validation(
                "cursor",
                "comes from a listing with another filter or order",
            ));
        }
        Ok(position)
    }
}

/// 32-bit FNV-1a, fed through `std::io::Write` so that serde writes into it directly.
struct Fnv(u32);

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u32::from(*b)).wrapping_mul(0x0100_0193);
        }
    }
}

impl Fnv {
    /// Feeds a JSON value, each part tagged and strings and lists with their lengths, so that
    /// different values give different byte streams.
    fn value(&mut self, v: &serde_json::Value) {
        use serde_json::Value;
        match v {
            Value::Null => self.write(b"n"),
            Value::Bool(b) => self.write(if *b { b"t" } else { b"f" }),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    self.write(b"i");
                    self.write(&i.to_le_bytes());
                } else if let Some(u) = n.as_u64() {
                    self.write(b"u");
                    self.write(&u.to_le_bytes());
                } else {
                    self.write(b"d");
                    self.write(&n.as_f64().unwrap_or(0.0).to_bits().to_le_bytes());
                }
            }
            Value::String(s) => self.text(s),
            Value::Array(items) => {
                self.write(b"[");
                self.write(&(items.len() as u64).to_le_bytes());
                for item in items {
                    self.value(item);
                }
            }
            Value::Object(fields) => {
                self.write(b"{");
                self.write(&(fields.len() as u64).to_le_bytes());
                for (key, item) in fields {
                    self.text(key);
                    self.value(item);
                }
            }
        }
    }

    fn text(&mut self, s: &str) {
        self.write(b"s");
        self.write(&(s.len() as u64).to_le_bytes());
        self.write(s.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_opens_only_in_its_listing_and_query() {
        let tag = Tag::new("contact", &("filter", 1));
        let c = tag.seal("na00ff");
        assert_eq!(tag.open(&c), Ok("na00ff"));
        assert_eq!(Tag::new("contact", &("filter", 1)).open(&c), Ok("na00ff"));
        let other_listing = Tag::new("company", &("filter", 1)).open(&c).unwrap_err();
        assert_eq!(other_listing.field(), Some("cursor"));
        let other_query = Tag::new("contact", &("filter", 2)).open(&c).unwrap_err();
        assert_eq!(other_query.field(), Some("cursor"));
        assert_ne!(other_listing, other_query);
        for bad in [
            "",
            "contact",
            "contact.",
            "na00ff",
            "contact.zz.na00ff",
            "ł.ł.ł",
        ] {
            assert_eq!(tag.open(bad).unwrap_err().field(), Some("cursor"), "{bad}");
        }
        // The position may hold dots of its own.
        assert_eq!(tag.open(&tag.seal("a1.ff")), Ok("a1.ff"));
    }

    #[test]
    fn the_fingerprint_is_fnv_1a() {
        // The reference value of FNV-1a 32 for "a".
        let mut h = Fnv(0x811c_9dc5);
        h.write(b"a");
        assert_eq!(h.0, 0xe40c_292c);
    }
}
