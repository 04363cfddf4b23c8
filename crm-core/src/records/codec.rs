//! The stored form of records: CBOR through minicbor's derive, with numbered fields.
//!
//! Each stored struct numbers its fields (`#[n(3)]`) the way Protocol Buffers does: names are
//! not stored, unknown numbers are skipped when decoding, and a missing optional field decodes
//! as `None`. A field added later is therefore read from older records as absent, and an older
//! library reading a newer record ignores what it does not know. Renaming a Rust field is free;
//! reusing a number for another meaning is not. See ARCHITECTURE.md.

use chrono::{DateTime, NaiveDate, Utc};
use minicbor::data::Type;
use minicbor::decode::{Decoder, Error as DecodeError};
use minicbor::encode::{Encoder, Error as EncodeError, Write};

use crate::values::error::{Error, Result};

/// The first byte of a stored value whose checksum covers its key and its CBOR (schema
/// version 10): `0xFE` is not well-formed as the start of a CBOR item, so it never starts a
/// value written without a checksum.
const KEYED: u8 = 0xFE;
/// The first byte of a value whose checksum covers its CBOR only (schema version 9, until the
/// version-10 migration marks it anew): `0xFF` is CBOR's "break", which never starts an item.
/// A value starting with neither was written before checksums (version 8 and older) and is
/// read as it is.
const MARK: u8 = 0xFF;
/// The mark and the CRC-32 that follows it.
const HEAD: usize = 5;

/// Encodes a record stored under `key` into `out` (cleared first), reusing its allocation:
/// the mark, the CRC-32 (IEEE, little-endian) of the key then the CBOR, then the CBOR.
/// Reading checks the checksum, so a changed byte, of the value or of its key, is reported as
/// damage instead of being read back as other data (or as another record).
pub(crate) fn encode_into<T: minicbor::Encode<()>>(key: &[u8], value: &T, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&[KEYED, 0, 0, 0, 0]);
    // Writing into a Vec cannot fail: its error type is `Infallible`.
    let _ = minicbor::encode(value, &mut *out);
    let crc = crc32(key, &out[HEAD..]);
    out[1..HEAD].copy_from_slice(&crc.to_le_bytes());
}

/// A stored value of an older version with the current checksum (unchanged if it has one).
/// A version-9 value whose checksum does not match is left as it is, so that it is still
/// reported as damaged.
pub(crate) fn mark(key: &[u8], stored: &[u8]) -> Vec<u8> {
    let cbor = match stored.first() {
        Some(&KEYED) => return stored.to_vec(),
        Some(&MARK) => match body("value", key, stored) {
            Ok(cbor) => cbor,
            Err(_) => return stored.to_vec(),
        },
        _ => stored,
    };
    let mut out = Vec::with_capacity(cbor.len() + HEAD);
    out.push(KEYED);
    out.extend_from_slice(&crc32(key, cbor).to_le_bytes());
    out.extend_from_slice(cbor);
    out
}

/// Whether a stored value carries a checksum (of either version).
pub(crate) fn is_marked(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(&KEYED | &MARK))
}

/// The CBOR of a value stored under `key`, after checking its checksum.
pub(crate) fn body<'b>(what: &'static str, key: &[u8], bytes: &'b [u8]) -> Result<&'b [u8]> {
    let covered: &[u8] = match bytes.first() {
        Some(&KEYED) => key,
        Some(&MARK) => &[],
        _ => return Ok(bytes),
    };
    let damaged = || Error::corrupt("", format!("a stored {what} does not match its checksum"));
    let (head, cbor) = (bytes.get(1..HEAD).ok_or_else(damaged)?, &bytes[HEAD..]);
    if head != crc32(covered, cbor).to_le_bytes() {
        return Err(damaged());
    }
    Ok(cbor)
}

/// CRC-32 (IEEE 802.3, the checksum of zip and PNG) of `a` then `b`.
#[cfg(not(target_arch = "wasm32"))]
fn crc32(a: &[u8], b: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(a);
    h.update(b);
    h.finalize()
}

/// CRC-32 (IEEE 802.3) from one table of 256 entries: the same checksum as `crc32fast`, whose
/// sixteen tables would cost the WebAssembly package about 16 KB.
#[cfg(target_arch = "wasm32")]
fn crc32(a: &[u8], b: &[u8]) -> u32 {
    crc32_small(a, b)
}

#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn crc32_small(a: &[u8], b: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    let mut crc = !0u32;
    for &byte in a.iter().chain(b) {
        crc = TABLE[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// Encodes a record stored under `key` into a new buffer.
pub(crate) fn encode<T: minicbor::Encode<()>>(key: &[u8], value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(key, value, &mut out);
    out
}

/// Decodes a value stored under `key`; a failure means the file is damaged or was written by
/// something else, and is reported as a storage error naming what could not be read.
pub(crate) fn decode<'b, T: minicbor::Decode<'b, ()>>(
    what: &'static str,
    key: &[u8],
    bytes: &'b [u8],
) -> Result<T> {
    minicbor::decode(body(what, key, bytes)?).map_err(|e| {
        let reason = format!("a stored {what} cannot be read: {e}");
        Error::corrupt("", reason).caused_by(e)
    })
}

fn datetime_from_micros(micros: i64) -> std::result::Result<DateTime<Utc>, DecodeError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| DecodeError::message("instant out of range"))
}

fn date_from_days(days: i32) -> std::result::Result<NaiveDate, DecodeError> {
    NaiveDate::from_num_days_from_ce_opt(days)
        .ok_or_else(|| DecodeError::message("date out of range"))
}

/// An instant as microseconds since the Unix epoch (the precision the library keeps).
pub(crate) mod instant {
    use super::*;

    pub(crate) fn encode<Ctx, W: Write>(
        v: &DateTime<Utc>,
        e: &mut Encoder<W>,
        _: &mut Ctx,
    ) -> std::result::Result<(), EncodeError<W::Error>> {
        e.i64(v.timestamp_micros())?;
        Ok(())
    }

    pub(crate) fn decode<Ctx>(
        d: &mut Decoder<'_>,
        _: &mut Ctx,
    ) -> std::result::Result<DateTime<Utc>, DecodeError> {
        datetime_from_micros(d.i64()?)
    }
}

/// An optional instant; absent or null decodes as `None`.
pub(crate) mod opt_instant {
    use super::*;

    pub(crate) fn encode<Ctx, W: Write>(
        v: &Option<DateTime<Utc>>,
        e: &mut Encoder<W>,
        _: &mut Ctx,
    ) -> std::result::Result<(), EncodeError<W::Error>> {
        match v {
            Some(t) => e.i64(t.timestamp_micros())?,
            None => e.null()?,
        };
        Ok(())
    }

    pub(crate) fn decode<Ctx>(
        d: &mut Decoder<'_>,
        _: &mut Ctx,
    ) -> std::result::Result<Option<DateTime<Utc>>, DecodeError> {
        if d.datatype()? == Type::Null {
            d.skip()?;
            return Ok(None);
        }
        datetime_from_micros(d.i64()?).map(Some)
    }

    pub(crate) fn nil() -> Option<Option<DateTime<Utc>>> {
        Some(None)
    }

    pub(crate) fn is_nil(v: &Option<DateTime<Utc>>) -> bool {
        v.is_none()
    }
}

/// A list of instants; absent decodes as empty.
pub(crate) mod instants {
    use super::*;

    pub(crate) fn encode<Ctx, W: Write>(
        v: &[DateTime<Utc>],
        e: &mut Encoder<W>,
        _: &mut Ctx,
    ) -> std::result::Result<(), EncodeError<W::Error>> {
        e.array(v.len() as u64)?;
        for t in v {
            e.i64(t.timestamp_micros())?;
        }
        Ok(())
    }

    pub(crate) fn decode<Ctx>(
        d: &mut Decoder<'_>,
        _: &mut Ctx,
    ) -> std::result::Result<Vec<DateTime<Utc>>, DecodeError> {
        let mut out = Vec::new();
        for t in d.array_iter::<i64>()? {
            out.push(datetime_from_micros(t?)?);
        }
        Ok(out)
    }

    pub(crate) fn nil() -> Option<Vec<DateTime<Utc>>> {
        Some(Vec::new())
    }

    pub(crate) fn is_nil(v: &[DateTime<Utc>]) -> bool {
        v.is_empty()
    }
}

/// A calendar date as days since 0001-01-01 (day 1).
pub(crate) mod date {
    use super::*;

    pub(crate) fn encode<Ctx, W: Write>(
        v: &NaiveDate,
        e: &mut Encoder<W>,
        _: &mut Ctx,
    ) -> std::result::Result<(), EncodeError<W::Error>> {
        use chrono::Datelike;
        e.i32(v.num_days_from_ce())?;
        Ok(())
    }

    pub(crate) fn decode<Ctx>(
        d: &mut Decoder<'_>,
        _: &mut Ctx,
    ) -> std::result::Result<NaiveDate, DecodeError> {
        date_from_days(d.i32()?)
    }
}

/// An optional calendar date; absent or null decodes as `None`.
pub(crate) mod opt_date {
    use super::*;

    pub(crate) fn encode<Ctx, W: Write>(
        v: &Option<NaiveDate>,
        e: &mut Encoder<W>,
        ctx: &mut Ctx,
    ) -> std::result::Result<(), EncodeError<W::Error>> {
        match v {
            Some(day) => super::date::encode(day, e, ctx),
            None => {
                e.null()?;
                Ok(())
            }
        }
    }

    pub(crate) fn decode<Ctx>(
        d: &mut Decoder<'_>,
        _: &mut Ctx,
    ) -> std::result::Result<Option<NaiveDate>, DecodeError> {
        if d.datatype()? == Type::Null {
            d.skip()?;
            return Ok(None);
        }
        date_from_days(d.i32()?).map(Some)
    }

    pub(crate) fn nil() -> Option<Option<NaiveDate>> {
        Some(None)
    }

    pub(crate) fn is_nil(v: &Option<NaiveDate>) -> bool {
        v.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_checksum_is_crc32() {
        assert_eq!(crc32(b"", b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"1234", b"56789"), 0xCBF4_3926);
        assert_eq!(crc32_small(b"12345", b"6789"), 0xCBF4_3926);
        assert_eq!(crc32(b"", b""), 0);
    }

    #[test]
    fn a_changed_byte_of_value_or_key_is_damage_and_older_values_still_read() {
        let key = 7u128.to_be_bytes();
        let stored = encode(&key, &"Łódź".to_string());
        assert_eq!(decode::<String>("text", &key, &stored).unwrap(), "Łódź");
        for at in 0..stored.len() {
            for bit in 0..8 {
                let mut bad = stored.clone();
                bad[at] ^= 1 << bit;
                assert_ne!(
                    decode::<String>("text", &key, &bad).ok().as_deref(),
                    Some("Łódź"),
                    "byte {at} bit {bit}"
                );
                if at > 0 {
                    let err = decode::<String>("text", &key, &bad).unwrap_err();
                    assert_eq!(err.code(), "corrupt");
                }
            }
        }
        // The same value read under another key (a changed byte of the key) is damage.
        for at in 0..key.len() {
            let mut other = key;
            other[at] ^= 1;
            let err = decode::<String>("text", &other, &stored).unwrap_err();
            assert_eq!(err.code(), "corrupt");
        }
        // Written before checksums: plain CBOR, read as it is, and marked by the migration.
        let old = minicbor::to_vec("Ștefan").unwrap();
        assert_eq!(decode::<String>("text", &key, &old).unwrap(), "Ștefan");
        let marked = mark(&key, &old);
        assert_eq!(marked, encode(&key, &"Ștefan".to_string()));
        assert_eq!(mark(&key, &marked), marked);
        assert!(decode::<String>("text", &key, &[KEYED, 1, 2]).is_err());
        // Written by version 9: a checksum of the CBOR alone, read and marked anew; one that
        // does not match stays damaged.
        let mut v9 = vec![MARK];
        v9.extend_from_slice(&crc32(b"", &old).to_le_bytes());
        v9.extend_from_slice(&old);
        assert_eq!(decode::<String>("text", &key, &v9).unwrap(), "Ștefan");
        assert_eq!(mark(&key, &v9), marked);
        let mut bad = v9.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(mark(&key, &bad), bad);
        assert!(decode::<String>("text", &key, &bad).is_err());
    }

    proptest! {
        #[test]
        fn both_checksums_agree(
            a in proptest::collection::vec(any::<u8>(), 0..40),
            b in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            prop_assert_eq!(crc32(&a, &b), crc32_small(&a, &b));
        }
    }
}
