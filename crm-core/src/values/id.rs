//! Record ids: 128-bit, time-ordered, typed per record kind, with a readable string form.
//!
//! An id is a ULID: 48 bits of milliseconds since the Unix epoch followed by 80 bits that are
//! random (or a counter, with [`SequentialIds`]). Ids of one source strictly increase, so the
//! B-tree of every record table grows at its right edge and a listing in id order is creation
//! order. The string form is the kind's prefix, an underscore, and 26 characters of Crockford
//! base32: `contact_01jd8x6v2c0000000000000001`.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::values::error::{Error, Result, serde_reason};

/// A kind of record that has ids. Implemented by the marker types of this module.
pub trait IdKind: 'static {
    /// The prefix of the string form, such as `contact`.
    const PREFIX: &'static str;
    /// The name used in error messages, such as `contact`.
    const NAME: &'static str;
}

macro_rules! id_kinds {
    ($($(#[$doc:meta])* $marker:ident => $alias:ident, $prefix:literal, $name:literal;)*) => {$(
        #[doc = concat!("Marker for ids of ", $name, " records.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $marker {}
        impl IdKind for $marker {
            const PREFIX: &'static str = $prefix;
            const NAME: &'static str = $name;
        }
        $(#[$doc])*
        pub type $alias = Id<$marker>;
    )*
        /// The prefix and name of every kind of id, to tell an id of another kind from a
        /// malformed one.
        const ID_KINDS: &[(&str, &str)] = &[$(($prefix, $name)),*];
    };
}

id_kinds! {
    /// The id of a contact: `contact_…`.
    ContactKind => ContactId, "contact", "contact";
    /// The id of a company: `company_…`.
    CompanyKind => CompanyId, "company", "company";
    /// The id of a contact's employment at a company: `employment_…`.
    EmploymentKind => EmploymentId, "employment", "employment";
    /// The id of a typed relation between two records: `relation_…`.
    RelationKind => RelationId, "relation", "relation";
    /// The id of a lead: `lead_…`.
    LeadKind => LeadId, "lead", "lead";
    /// The id of a deal: `deal_…`.
    DealKind => DealId, "deal", "deal";
    /// The id of a sales pipeline: `pipeline_…`.
    PipelineKind => PipelineId, "pipeline", "pipeline";
    /// The id of a stage of a pipeline: `stage_…`.
    StageIdKind => StageId, "stage", "stage";
    /// The id of a product: `product_…`.
    ProductKind => ProductId, "product", "product";
    /// The id of a price list: `pricelist_…`.
    PriceListKind => PriceListId, "pricelist", "price list";
    /// The id of a quote: `quote_…`.
    QuoteKind => QuoteId, "quote", "quote";
    /// The id of an activity (call, meeting, task, note, email…): `activity_…`.
    ActivityIdKind => ActivityId, "activity", "activity";
    /// The id of a calendar: `calendar_…`.
    CalendarKind => CalendarId, "calendar", "calendar";
}

/// A 128-bit, time-ordered id of a record of kind `K`.
pub struct Id<K: IdKind> {
    raw: u128,
    kind: PhantomData<fn() -> K>,
}

impl<K: IdKind> Id<K> {
    /// Wraps a raw 128-bit value.
    pub const fn from_u128(raw: u128) -> Self {
        Id {
            raw,
            kind: PhantomData,
        }
    }

    /// The raw 128-bit value.
    pub const fn as_u128(self) -> u128 {
        self.raw
    }

    /// The big-endian bytes of the id; they sort like the ids.
    pub const fn to_bytes(self) -> [u8; 16] {
        self.raw.to_be_bytes()
    }

    /// Rebuilds an id from its big-endian bytes.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self::from_u128(u128::from_be_bytes(bytes))
    }

    /// The millisecond timestamp the id was minted at.
    pub fn timestamp(self) -> Option<DateTime<Utc>> {
        let millis = i64::try_from(self.raw >> 80).ok()?;
        DateTime::from_timestamp_millis(millis)
    }
}

// Manual impls: derives would require `K` itself to implement the traits.
impl<K: IdKind> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: IdKind> Copy for Id<K> {}
impl<K: IdKind> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<K: IdKind> Eq for Id<K> {}
impl<K: IdKind> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: IdKind> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl<K: IdKind> std::hash::Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

/// The nil id (all zero bits). No id source ever mints it; it only fills the id of a record
/// that is being decoded before its key is attached.
impl<K: IdKind> Default for Id<K> {
    fn default() -> Self {
        Self::from_u128(0)
    }
}

impl<K: IdKind> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(K::PREFIX)?;
        f.write_str("_")?;
        f.write_str(&encode_base32(self.raw))
    }
}

impl<K: IdKind> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<K: IdKind> FromStr for Id<K> {
    type Err = Error;

    /// Parses `prefix_base32`. Case-insensitive; the prefix must be this kind's. A refusal
    /// names the kind as the field (the caller knows the input's path and may rename it) and
    /// tells an id of another kind from a string that is no id at all.
    fn from_str(s: &str) -> Result<Self> {
        let refused = |reason: String| Error::validation(K::NAME.replace(' ', "_"), reason);
        let malformed = || {
            refused(format!(
                "is not a well-formed {} id: one is `{}_` then 26 letters and digits",
                K::NAME,
                K::PREFIX
            ))
        };
        let (prefix, body) = s.split_once('_').ok_or_else(malformed)?;
        if !prefix.eq_ignore_ascii_case(K::PREFIX) {
            return Err(match kind_of_prefix(prefix) {
                Some(other) if decode_base32(body).is_some() => refused(format!(
                    "is the id of a {other}, where the id of a {} is expected",
                    K::NAME
                )),
                _ => malformed(),
            });
        }
        decode_base32(body)
            .map(Self::from_u128)
            .ok_or_else(malformed)
    }
}

impl<K: IdKind> serde::Serialize for Id<K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de, K: IdKind> serde::Deserialize<'de> for Id<K> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde_reason)
    }
}

/// The name of the kind whose ids have this prefix, if one has.
fn kind_of_prefix(prefix: &str) -> Option<&'static str> {
    ID_KINDS
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(prefix))
        .map(|&(_, name)| name)
}

impl<C, K: IdKind> minicbor::Encode<C> for Id<K> {
    fn encode<W: minicbor::encode::Write>(
        &self,
        e: &mut minicbor::Encoder<W>,
        _: &mut C,
    ) -> std::result::Result<(), minicbor::encode::Error<W::Error>> {
        e.bytes(&self.to_bytes())?;
        Ok(())
    }
}

impl<'b, C, K: IdKind> minicbor::Decode<'b, C> for Id<K> {
    fn decode(
        d: &mut minicbor::Decoder<'b>,
        _: &mut C,
    ) -> std::result::Result<Self, minicbor::decode::Error> {
        let bytes: [u8; 16] = d
            .bytes()?
            .try_into()
            .map_err(|_| minicbor::decode::Error::message("an id has 16 bytes"))?;
        Ok(Self::from_bytes(bytes))
    }
}

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A raw id in the typed form (`prefix_…`), for messages about records whose type is known
/// only by its prefix.
pub(crate) fn id_text(prefix: &str, raw: u128) -> String {
    format!("{prefix}_{}", encode_base32(raw))
}

fn encode_base32(mut raw: u128) -> String {
    let mut out = [0u8; 26];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(raw & 31) as usize];
        raw >>= 5;
    }
    out.iter().map(|&b| b as char).collect()
}

fn decode_base32(s: &str) -> Option<u128> {
    if s.len() != 26 {
        return None;
    }
    let mut raw: u128 = 0;
    for (i, c) in s.bytes().enumerate() {
        let v = match c.to_ascii_lowercase() {
            c @ b'0'..=b'9' => c - b'0',
            // Crockford's alphabet reads I and L as 1 and O as 0.
            b'i' | b'l' => 1,
            b'o' => 0,
            c => ALPHABET.iter().position(|&a| a == c)? as u8,
        };
        // 26 characters hold 130 bits; the first may only carry the top 3 of the 128.
        if i == 0 && v > 7 {
            return None;
        }
        raw = (raw << 5) | u128::from(v);
    }
    Some(raw)
}

/// Where new ids come from. Inject one with [`crate::CrmBuilder::id_source`] to make ids
/// deterministic in tests and scenarios.
pub trait IdSource: Send + Sync + fmt::Debug {
    /// Mints the next raw id for a record created at `now`. Ids of one source must strictly
    /// increase.
    fn next_id(&self, now: DateTime<Utc>) -> u128;
}

/// The ULID state shared by both sources: the last id minted, so that ids strictly increase
/// even when the clock stands still or goes backwards.
#[derive(Debug, Default)]
struct Monotonic {
    last: Mutex<u128>,
}

impl Monotonic {
    fn next(&self, now: DateTime<Utc>, tail: impl FnOnce() -> u128) -> u128 {
        const TAIL_MASK: u128 = (1 << 80) - 1;
        let millis =
            u128::from(u64::try_from(now.timestamp_millis()).unwrap_or(0) & 0xFFFF_FFFF_FFFF);
        let candidate = (millis << 80) | (tail() & TAIL_MASK);
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let id = if candidate > *last {
            candidate
        } else {
            last.wrapping_add(1)
        };
        *last = id;
        id
    }
}

/// Random ULIDs: the default id source. Ids made on different devices do not collide.
#[derive(Debug)]
pub struct RandomIds {
    state: Monotonic,
    rng: Mutex<u64>,
}

impl RandomIds {
    /// A source seeded from the operating system's randomness where there is one.
    pub fn new() -> Self {
        Self::from_seed(os_seed())
    }

    /// A source seeded by the caller (for example with bytes from `crypto.getRandomValues`
    /// on platforms without operating-system randomness).
    pub fn from_seed(seed: u64) -> Self {
        RandomIds {
            state: Monotonic::default(),
            rng: Mutex::new(seed),
        }
    }

    fn random80(&self) -> u128 {
        let mut state = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        let hi = splitmix64(&mut state);
        let lo = splitmix64(&mut state);
        (u128::from(hi) << 64 | u128::from(lo)) & ((1 << 80) - 1)
    }
}

impl Default for RandomIds {
    fn default() -> Self {
        Self::new()
    }
}

impl IdSource for RandomIds {
    fn next_id(&self, now: DateTime<Utc>) -> u128 {
        self.state.next(now, || self.random80())
    }
}

/// Deterministic ids: the clock's milliseconds followed by a counter starting at 1. With a
/// fixed clock the ids of a scenario are the same on every run and in every runtime.
#[derive(Debug, Default)]
pub struct SequentialIds {
    state: Monotonic,
    counter: Mutex<u128>,
}

impl SequentialIds {
    /// A source whose counter starts at 1.
    pub fn new() -> Self {
        Self::default()
    }
}

impl IdSource for SequentialIds {
    fn next_id(&self, now: DateTime<Utc>) -> u128 {
        self.state.next(now, || {
            let mut c = self.counter.lock().unwrap_or_else(|e| e.into_inner());
            *c += 1;
            *c
        })
    }
}

/// The SplitMix64 generator: tiny, fast, and good enough to spread ids; it is not used for
/// anything secret.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn os_seed() -> u64 {
    // std's hasher keys come from the operating system's randomness on every platform that
    // has one; mixing in the address of a local and the time separates processes further.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let local = 0u8;
    h.write_usize(std::ptr::addr_of!(local) as usize);
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(d.as_nanos());
    }
    h.finish()
}

/// A reference to a record of any kind, as used by relations and search results. Its string
/// form is the record's id, whose prefix says the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordRef {
    /// A contact.
    Contact(ContactId),
    /// A company.
    Company(CompanyId),
    /// A lead.
    Lead(LeadId),
    /// A deal.
    Deal(DealId),
}

impl RecordRef {
    /// The kind of record referred to.
    pub fn kind(self) -> RecordKind {
        match self {
            RecordRef::Contact(_) => RecordKind::Contact,
            RecordRef::Company(_) => RecordKind::Company,
            RecordRef::Lead(_) => RecordKind::Lead,
            RecordRef::Deal(_) => RecordKind::Deal,
        }
    }

    /// The raw id.
    pub fn raw(self) -> u128 {
        match self {
            RecordRef::Contact(id) => id.as_u128(),
            RecordRef::Company(id) => id.as_u128(),
            RecordRef::Lead(id) => id.as_u128(),
            RecordRef::Deal(id) => id.as_u128(),
        }
    }

    /// 17 bytes that sort by kind then id: used in index keys.
    pub(crate) fn key_bytes(self) -> [u8; 17] {
        let mut out = [0u8; 17];
        out[0] = self.kind().code();
        out[1..].copy_from_slice(&self.raw().to_be_bytes());
        out
    }

    pub(crate) fn from_parts(kind: RecordKind, raw: u128) -> RecordRef {
        match kind {
            RecordKind::Contact => RecordRef::Contact(Id::from_u128(raw)),
            RecordKind::Company => RecordRef::Company(Id::from_u128(raw)),
            RecordKind::Lead => RecordRef::Lead(Id::from_u128(raw)),
            RecordKind::Deal => RecordRef::Deal(Id::from_u128(raw)),
        }
    }
}

impl From<ContactId> for RecordRef {
    fn from(id: ContactId) -> Self {
        RecordRef::Contact(id)
    }
}

impl From<CompanyId> for RecordRef {
    fn from(id: CompanyId) -> Self {
        RecordRef::Company(id)
    }
}

impl From<LeadId> for RecordRef {
    fn from(id: LeadId) -> Self {
        RecordRef::Lead(id)
    }
}

impl From<DealId> for RecordRef {
    fn from(id: DealId) -> Self {
        RecordRef::Deal(id)
    }
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordRef::Contact(id) => id.fmt(f),
            RecordRef::Company(id) => id.fmt(f),
            RecordRef::Lead(id) => id.fmt(f),
            RecordRef::Deal(id) => id.fmt(f),
        }
    }
}

impl FromStr for RecordRef {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let prefix = s.split_once('_').map(|(p, _)| p).unwrap_or_default();
        let is = |p: &str| prefix.eq_ignore_ascii_case(p);
        if is(ContactKind::PREFIX) {
            s.parse().map(RecordRef::Contact)
        } else if is(CompanyKind::PREFIX) {
            s.parse().map(RecordRef::Company)
        } else if is(LeadKind::PREFIX) {
            s.parse().map(RecordRef::Lead)
        } else if is(DealKind::PREFIX) {
            s.parse().map(RecordRef::Deal)
        } else {
            Err(Error::validation(
                "record",
                match kind_of_prefix(prefix) {
                    Some(other) => format!(
                        "is the id of a {other}, where that of a contact, company, lead or \
                         deal is expected"
                    ),
                    None => "is not the id of a contact, company, lead or deal".into(),
                },
            ))
        }
    }
}

impl serde::Serialize for RecordRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for RecordRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde_reason)
    }
}

impl<C> minicbor::Encode<C> for RecordRef {
    fn encode<W: minicbor::encode::Write>(
        &self,
        e: &mut minicbor::Encoder<W>,
        _: &mut C,
    ) -> std::result::Result<(), minicbor::encode::Error<W::Error>> {
        e.bytes(&self.key_bytes())?;
        Ok(())
    }
}

impl<'b, C> minicbor::Decode<'b, C> for RecordRef {
    fn decode(
        d: &mut minicbor::Decoder<'b>,
        _: &mut C,
    ) -> std::result::Result<Self, minicbor::decode::Error> {
        let bad = || minicbor::decode::Error::message("a record reference has 17 bytes");
        let bytes: [u8; 17] = d.bytes()?.try_into().map_err(|_| bad())?;
        let [code, rest @ ..] = bytes;
        let kind = RecordKind::from_code(code).ok_or_else(bad)?;
        Ok(RecordRef::from_parts(kind, u128::from_be_bytes(rest)))
    }
}

/// Hashes raw record ids for in-memory maps keyed by id: one multiply of the id's two halves
/// folded together. Ids are minted by the library (their low bits random or counting), not
/// chosen by a caller, so the default hasher's protection against chosen keys buys nothing
/// here, while its cost dominated the scoring of a search over tens of thousands of records.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(ID_HASH_K);
        }
    }

    fn write_u128(&mut self, id: u128) {
        self.0 = (self.0 ^ (id as u64) ^ ((id >> 64) as u64)).wrapping_mul(ID_HASH_K);
    }

    fn finish(&self) -> u64 {
        // The multiply carries low bits up; fold the high ones back for the bucket index.
        self.0 ^ (self.0 >> 29)
    }
}

/// An odd constant with well-spread bits (2^64 divided by the golden ratio).
const ID_HASH_K: u64 = 0x9E37_79B9_7F4A_7C15;

/// A hash map keyed by raw record ids ([`IdHasher`]).
pub(crate) type IdMap<V> =
    std::collections::HashMap<u128, V, std::hash::BuildHasherDefault<IdHasher>>;

/// The kinds of records that carry custom fields and take part in relations and search.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[serde(rename_all = "snake_case")]
#[cbor(index_only)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum RecordKind {
    /// A person.
    #[n(1)]
    Contact,
    /// An organisation.
    #[n(2)]
    Company,
    /// A prospect not yet qualified into a contact, company and deal.
    #[n(3)]
    Lead,
    /// A sales opportunity in a pipeline.
    #[n(4)]
    Deal,
}

impl RecordKind {
    /// Every kind, in code order.
    pub const ALL: [RecordKind; 4] = [
        RecordKind::Contact,
        RecordKind::Company,
        RecordKind::Lead,
        RecordKind::Deal,
    ];

    /// The lower-case name: `contact`, `company`.
    pub fn name(self) -> &'static str {
        match self {
            RecordKind::Contact => "contact",
            RecordKind::Company => "company",
            RecordKind::Lead => "lead",
            RecordKind::Deal => "deal",
        }
    }

    /// The one-byte code used in keys. Part of the file format.
    pub(crate) fn code(self) -> u8 {
        match self {
            RecordKind::Contact => 1,
            RecordKind::Company => 2,
            RecordKind::Lead => 3,
            RecordKind::Deal => 4,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for RecordKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        RecordKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                Error::validation(
                    "kind",
                    "is not a record kind (contact, company, lead, deal)",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn string_form_round_trips_and_names_its_kind() {
        let id = ContactId::from_u128(0x0193_5a4f_1c2d_0000_0000_0000_0000_0001);
        let s = id.to_string();
        assert!(s.starts_with("contact_"), "{s}");
        assert_eq!(s.len(), "contact_".len() + 26);
        assert_eq!(s.parse::<ContactId>().unwrap(), id);
        assert_eq!(s.to_uppercase().parse::<ContactId>().unwrap(), id);
        let err = s.parse::<CompanyId>().unwrap_err();
        assert_eq!(err.field(), Some("company"));
        assert!(
            err.to_string()
                .contains("is the id of a contact, where the id of a company is expected"),
            "{err}"
        );
        // A string that is no id at all says so, and how one looks.
        for bad in ["Won", "company_short", "nokind_01jd9x0000000000000000000z"] {
            let err = bad.parse::<CompanyId>().unwrap_err();
            assert_eq!(err.field(), Some("company"));
            assert!(
                err.to_string().contains("is not a well-formed company id"),
                "{bad}: {err}"
            );
        }
        let err = "Won".parse::<PriceListId>().unwrap_err();
        assert_eq!(err.field(), Some("price_list"));
        let err = s
            .replace("contact", "quote")
            .parse::<RecordRef>()
            .unwrap_err();
        assert_eq!(err.field(), Some("record"));
        assert!(err.to_string().contains("is the id of a quote"), "{err}");
    }

    #[test]
    fn bad_strings_are_refused() {
        for bad in [
            "",
            "contact",
            "contact_",
            "contact_0000",
            "contact_8zzzzzzzzzzzzzzzzzzzzzzzzz",
            "contact_0000000000000000000000000u",
            "contact_00000000000000000000000000_",
            "company_00000000000000000000000001",
            "contact_0000000000000000000000000ü",
        ] {
            assert!(bad.parse::<ContactId>().is_err(), "{bad}");
        }
        let max = ContactId::from_u128(u128::MAX);
        assert_eq!(max.to_string().parse::<ContactId>().unwrap(), max);
    }

    #[test]
    fn ids_strictly_increase_and_sort_by_time() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        for source in [&RandomIds::new() as &dyn IdSource, &SequentialIds::new()] {
            let mut last = 0;
            for step in [0i64, 0, 0, -5000, 1, 1] {
                let id = source.next_id(t + chrono::Duration::milliseconds(step));
                assert!(id > last);
                last = id;
            }
        }
        let a = ContactId::from_u128(SequentialIds::new().next_id(t));
        assert_eq!(a.timestamp(), Some(t));
        assert!(a.to_string() < ContactId::from_u128(a.as_u128() + 1).to_string());
    }

    #[test]
    fn record_refs_parse_by_prefix() {
        let c = RecordRef::Contact(ContactId::from_u128(7));
        let k = RecordRef::Company(CompanyId::from_u128(7));
        assert_eq!(c.to_string().parse::<RecordRef>().unwrap(), c);
        assert_eq!(k.to_string().parse::<RecordRef>().unwrap(), k);
        let l = RecordRef::Lead(LeadId::from_u128(7));
        let d = RecordRef::Deal(DealId::from_u128(7));
        assert_eq!(l.to_string().parse::<RecordRef>().unwrap(), l);
        assert_eq!(d.to_string().parse::<RecordRef>().unwrap(), d);
        assert!(
            "quote_00000000000000000000000001"
                .parse::<RecordRef>()
                .is_err()
        );
    }
}
