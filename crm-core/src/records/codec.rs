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

/// Encodes a record into `out` (cleared first), reusing its allocation.
pub(crate) fn encode_into<T: minicbor::Encode<()>>(value: &T, out: &mut Vec<u8>) {
    out.clear();
    // Writing into a Vec cannot fail: its error type is `Infallible`.
    let _ = minicbor::encode(value, &mut *out);
}

/// Encodes a record into a new buffer.
pub(crate) fn encode<T: minicbor::Encode<()>>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(value, &mut out);
    out
}

/// Decodes a stored record; a failure means the file is damaged or was written by something
/// else, and is reported as a storage error naming what could not be read.
pub(crate) fn decode<'b, T: minicbor::Decode<'b, ()>>(
    what: &'static str,
    bytes: &'b [u8],
) -> Result<T> {
    minicbor::decode(bytes).map_err(|e| {
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
