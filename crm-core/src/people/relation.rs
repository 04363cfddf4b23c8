//! Links between records: a contact's employments at companies, and typed relations between
//! two contacts or two companies, each readable from both ends.
//!
//! A company's place in a group is its `parent` field (see `company.rs`), not a relation, so
//! that it has one value and cycles can be refused.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::people::company::Company;
use crate::people::contact::Contact;
use crate::records::codec;
use crate::records::index::{self, Entries, ix};
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::storage::store::{Flow, Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::RecordKind;
use crate::values::id::{CompanyId, ContactId, EmploymentId, RecordRef, RelationId};
use crate::values::input;
use crate::values::text;

/// A contact's position at a company.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Employment {
    /// The employment's id.
    #[cbor(skip)]
    pub id: EmploymentId,
    /// The person.
    #[n(0)]
    pub contact: ContactId,
    /// The company.
    #[n(1)]
    pub company: CompanyId,
    /// The contact's role towards the firm, such as `decision maker` or `billing`.
    #[n(2)]
    pub role: Option<String>,
    /// The contact's job title at this company, such as `CFO`.
    #[n(3)]
    pub title: Option<String>,
    /// Whether this is the contact's primary employer. A contact with employments has
    /// exactly one primary.
    #[n(4)]
    #[cbor(default)]
    pub primary: bool,
    /// When the link was made.
    #[n(5)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When the link was last changed.
    #[n(6)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
}

/// What a caller provides to link a contact to a company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EmploymentInput {
    /// The person.
    pub contact: ContactId,
    /// The company.
    pub company: CompanyId,
    /// The contact's role towards the firm.
    #[serde(default)]
    pub role: Option<String>,
    /// The contact's job title at this company.
    #[serde(default)]
    pub title: Option<String>,
    /// Make this the contact's primary employer (the first employment always is).
    #[serde(default)]
    pub primary: bool,
}

/// The changeable part of an employment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EmploymentUpdate {
    /// The contact's role towards the firm.
    pub role: Option<String>,
    /// The contact's job title at this company.
    pub title: Option<String>,
    /// Whether this is the primary employer. Unsetting it passes the primary mark to the
    /// contact's oldest other employment; the only employment stays primary.
    pub primary: bool,
}

impl Record for Employment {
    const TABLE: Table = tables::EMPLOYMENTS;
    const NAME: &'static str = "employment";
    const ID_PREFIX: &'static str = "employment";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = EmploymentId::from_u128(raw);
    }
    fn entries(&self, out: &mut Entries) {
        let id = self.raw_id();
        out.index.push(index::raw_key(
            ix::EMPLOYMENT_BY_CONTACT,
            &self.contact.to_bytes(),
            id,
        ));
        out.index.push(index::raw_key(
            ix::EMPLOYMENT_BY_COMPANY,
            &self.company.to_bytes(),
            id,
        ));
    }
}

/// A kind of relation between two records of the same kind, with a name for each direction:
/// `referred_by` reads "Ana referred by Jan" one way and "Jan referred Ana" the other.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelationType {
    /// The key relations are stored under: 1–64 lowercase ASCII letters, digits or
    /// underscores, starting with a letter.
    #[n(0)]
    pub key: String,
    /// How the relation reads from its `from` record, such as `referred by`.
    #[n(1)]
    pub name: String,
    /// How it reads from its `to` record, such as `referred`.
    #[n(2)]
    pub reverse_name: String,
    /// The kind of both records.
    #[n(3)]
    pub record_kind: RecordKind,
    /// Whether the library defines it (built-in types cannot be deleted).
    #[serde(default)]
    #[n(4)]
    #[cbor(default)]
    pub built_in: bool,
}

impl RelationType {
    /// A caller-defined relation type.
    pub fn new(key: &str, name: &str, reverse_name: &str, record_kind: RecordKind) -> RelationType {
        RelationType {
            key: key.to_string(),
            name: name.to_string(),
            reverse_name: reverse_name.to_string(),
            record_kind,
            built_in: false,
        }
    }
}

/// The relation types every new CRM has.
pub(crate) fn built_in_types() -> Vec<RelationType> {
    let t = |key: &str, name: &str, reverse: &str, kind| RelationType {
        built_in: true,
        ..RelationType::new(key, name, reverse, kind)
    };
    vec![
        t(
            "referred_by",
            "referred by",
            "referred",
            RecordKind::Contact,
        ),
        t("reports_to", "reports to", "manages", RecordKind::Contact),
        t(
            "assistant_of",
            "assistant of",
            "assisted by",
            RecordKind::Contact,
        ),
        t(
            "partner_of",
            "partner of",
            "partner of",
            RecordKind::Company,
        ),
        t(
            "supplier_of",
            "supplier of",
            "customer of",
            RecordKind::Company,
        ),
    ]
}

/// A typed, directed relation between two records of the same kind.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Relation {
    /// The relation's id.
    #[cbor(skip)]
    pub id: RelationId,
    /// The key of its [`RelationType`].
    #[n(0)]
    pub relation_type: String,
    /// The record the type's `name` reads from ("Ana" in "Ana referred by Jan").
    #[n(1)]
    pub record: RecordRef,
    /// The other record, which the type's `reverse_name` reads from.
    #[n(2)]
    pub other: RecordRef,
    /// When the relation was made.
    #[n(3)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
}

/// What a caller provides to relate two records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelationInput {
    /// The key of the relation type.
    pub relation_type: String,
    /// The record the type's name reads from ("Ana" in "Ana referred by Jan").
    pub record: RecordRef,
    /// The other record ("Jan").
    pub other: RecordRef,
}

/// Which end of a relation a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Direction {
    /// The record is the relation's `record`: the type's name applies.
    Outgoing,
    /// The record is the relation's `other`: the type's reverse name applies.
    Incoming,
}

/// A relation as seen from one of its records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RelationView {
    /// The relation's id.
    pub relation: RelationId,
    /// The key of its type.
    pub relation_type: String,
    /// How it reads from this side, such as `manages`.
    pub label: String,
    /// The record at the other end.
    pub other: RecordRef,
    /// Which end this record is.
    pub direction: Direction,
}

impl Record for Relation {
    const TABLE: Table = tables::RELATIONS;
    const NAME: &'static str = "relation";
    const ID_PREFIX: &'static str = "relation";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = RelationId::from_u128(raw);
    }
    fn entries(&self, out: &mut Entries) {
        let id = self.raw_id();
        out.index.push(index::raw_key(
            ix::RELATION_BY_FROM,
            &self.record.key_bytes(),
            id,
        ));
        out.index.push(index::raw_key(
            ix::RELATION_BY_TO,
            &self.other.key_bytes(),
            id,
        ));
        out.index.push(index::text_key(
            ix::RELATION_BY_TYPE,
            &self.relation_type,
            id,
        ));
    }
}

// ---- employments ----

fn employments_by(r: &mut impl Reader, index_byte: u8, raw: u128) -> Result<Vec<Employment>> {
    // Keys are `[index][16-byte contact or company id][employment id]`: a whole group.
    let ids = index::ids_in_group(r, &index::raw_prefix(index_byte, &raw.to_be_bytes()))?;
    ids.into_iter()
        .map(|e| record::require(r, e, EmploymentId::from_u128(e)))
        .collect()
}

/// The employments of a contact, in the order they were made.
pub(crate) fn employments_of_contact(
    r: &mut impl Reader,
    contact: ContactId,
) -> Result<Vec<Employment>> {
    record::require::<Contact>(r, contact.as_u128(), contact)?;
    employments_by(r, ix::EMPLOYMENT_BY_CONTACT, contact.as_u128())
}

/// The people linked to a company, in the order they were linked.
pub(crate) fn employments_at_company(
    r: &mut impl Reader,
    company: CompanyId,
) -> Result<Vec<Employment>> {
    record::require::<Company>(r, company.as_u128(), company)?;
    employments_by(r, ix::EMPLOYMENT_BY_COMPANY, company.as_u128())
}

/// Ids of the contacts linked to a company (used by listings).
pub(crate) fn contact_ids_at(r: &mut impl Reader, company: CompanyId) -> Result<Vec<u128>> {
    Ok(
        employments_by(r, ix::EMPLOYMENT_BY_COMPANY, company.as_u128())?
            .into_iter()
            .map(|e| e.contact.as_u128())
            .collect(),
    )
}

/// Gives the primary mark to `primary` (an employment id) among a contact's employments, or to
/// the oldest one when `primary` is `None`, and saves those that change.
fn settle_primary(
    w: &mut impl Writer,
    ctx: &Ctx,
    contact: ContactId,
    primary: Option<u128>,
) -> Result<()> {
    let all = employments_by(w, ix::EMPLOYMENT_BY_CONTACT, contact.as_u128())?;
    let chosen = primary.or_else(|| all.iter().map(Employment::raw_id).min());
    mark_primary(w, ctx, all, chosen)
}

/// Saves those of `all` (one contact's employments) whose primary mark is not `chosen`'s.
fn mark_primary(
    w: &mut impl Writer,
    ctx: &Ctx,
    all: Vec<Employment>,
    chosen: Option<u128>,
) -> Result<()> {
    for e in all {
        let should = Some(e.raw_id()) == chosen;
        if e.primary != should {
            let mut changed = e.clone();
            changed.primary = should;
            changed.updated_at = ctx.now().max(e.updated_at);
            record::save(w, Some(&e), &changed)?;
        }
    }
    Ok(())
}

pub(crate) fn link(w: &mut impl Writer, ctx: &Ctx, input: &EmploymentInput) -> Result<Employment> {
    if !w.contains(tables::CONTACTS, &input.contact.to_bytes())? {
        return Err(Error::validation("contact", "is not an existing contact"));
    }
    if !w.contains(tables::COMPANIES, &input.company.to_bytes())? {
        return Err(Error::validation("company", "is not an existing company"));
    }
    let role = input::line("role", input.role.as_deref())?;
    let title = input::line("title", input.title.as_deref())?;
    let current = employments_by(w, ix::EMPLOYMENT_BY_CONTACT, input.contact.as_u128())?;
    if let Some(e) = current.iter().find(|e| e.company == input.company) {
        return Err(Error::Conflict {
            field: "company".into(),
            existing: e.id.to_string(),
            reason: "the contact is already linked to this company".into(),
        });
    }
    let now = ctx.now();
    let id = ctx.mint(now);
    // The primary mark goes to the new employment when asked or when it is the only one, else
    // stays where it is (or, when none has it, goes to the oldest).
    let chosen = if input.primary || current.is_empty() {
        id
    } else {
        let marked = current.iter().find(|e| e.primary).map(Employment::raw_id);
        let oldest = current.iter().map(Employment::raw_id).chain([id]).min();
        marked.or(oldest).unwrap_or(id)
    };
    let employment = Employment {
        id: EmploymentId::from_u128(id),
        contact: input.contact,
        company: input.company,
        role,
        title,
        primary: chosen == id,
        created_at: now,
        updated_at: now,
    };
    // Saved once with its final mark; the others' marks follow.
    record::save(w, None, &employment)?;
    mark_primary(w, ctx, current, Some(chosen))?;
    Ok(employment)
}

pub(crate) fn get_employment(r: &mut impl Reader, id: EmploymentId) -> Result<Employment> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn update_employment(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: EmploymentId,
    update: &EmploymentUpdate,
) -> Result<Employment> {
    let old = get_employment(w, id)?;
    let mut e = old.clone();
    e.role = input::line("role", update.role.as_deref())?;
    e.title = input::line("title", update.title.as_deref())?;
    if e != old {
        e.updated_at = ctx.now().max(old.updated_at);
        record::save(w, Some(&old), &e)?;
    }
    if update.primary != old.primary {
        let primary = if update.primary {
            Some(id.as_u128())
        } else {
            employments_by(w, ix::EMPLOYMENT_BY_CONTACT, old.contact.as_u128())?
                .iter()
                .map(Employment::raw_id)
                .filter(|&other| other != id.as_u128())
                .min()
                .or(Some(id.as_u128()))
        };
        settle_primary(w, ctx, old.contact, primary)?;
    }
    get_employment(w, id)
}

pub(crate) fn unlink(w: &mut impl Writer, ctx: &Ctx, id: EmploymentId) -> Result<()> {
    let old = get_employment(w, id)?;
    record::erase(w, &old)?;
    if old.primary {
        settle_primary(w, ctx, old.contact, None)?;
    }
    Ok(())
}

// ---- relation types ----

fn check_type(t: &RelationType) -> Result<RelationType> {
    let key_ok = (1..=64).contains(&t.key.len())
        && t.key.starts_with(|c: char| c.is_ascii_lowercase())
        && t.key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !key_ok {
        return Err(Error::validation(
            "key",
            "must be 1 to 64 lowercase letters, digits or underscores, starting with a letter",
        ));
    }
    let name = |field: &str, v: &str| {
        let clean = text::clean(v);
        if clean.is_empty() || clean.chars().count() > 100 {
            Err(Error::validation(field, "must be 1 to 100 characters"))
        } else {
            Ok(clean)
        }
    };
    Ok(RelationType {
        key: t.key.clone(),
        name: name("name", &t.name)?,
        reverse_name: name("reverse_name", &t.reverse_name)?,
        record_kind: t.record_kind,
        built_in: false,
    })
}

pub(crate) fn find_type(r: &mut impl Reader, key: &str) -> Result<Option<RelationType>> {
    r.get(tables::RELATION_TYPES, key.as_bytes(), |b| {
        codec::decode("relation type", key.as_bytes(), b)
    })
}

pub(crate) fn relation_types(r: &mut impl Reader) -> Result<Vec<RelationType>> {
    let mut out = Vec::new();
    r.scan_prefix(tables::RELATION_TYPES, &[], false, |k, b| {
        out.push(codec::decode("relation type", k, b)?);
        Ok(Flow::Continue(()))
    })?;
    Ok(out)
}

/// Stores a relation type without checks (built-in types at creation of the file).
pub(crate) fn put_type(w: &mut impl Writer, t: &RelationType) -> Result<()> {
    w.put(
        tables::RELATION_TYPES,
        t.key.as_bytes(),
        &codec::encode(t.key.as_bytes(), t),
    )
    .map(drop)
}

pub(crate) fn define_type(w: &mut impl Writer, t: &RelationType) -> Result<RelationType> {
    let t = check_type(t)?;
    if find_type(w, &t.key)?.is_some() {
        return Err(Error::Conflict {
            field: "key".into(),
            existing: t.key.clone(),
            reason: "a relation type with this key already exists".into(),
        });
    }
    put_type(w, &t)?;
    Ok(t)
}

pub(crate) fn delete_type(w: &mut impl Writer, key: &str) -> Result<()> {
    let t = find_type(w, key)?.ok_or_else(|| Error::not_found("relation type", key))?;
    if t.built_in {
        return Err(Error::validation("key", "is a built-in relation type"));
    }
    let in_use = index::ids_with_prefix(w, &index::text_prefix(ix::RELATION_BY_TYPE, key))?;
    if let Some(&raw) = in_use.first() {
        return Err(Error::Conflict {
            field: "key".into(),
            existing: RelationId::from_u128(raw).to_string(),
            reason: "relations of this type exist; remove them first".into(),
        });
    }
    w.remove(tables::RELATION_TYPES, key.as_bytes())?;
    Ok(())
}

// ---- relations ----

fn relations_by(r: &mut impl Reader, index_byte: u8, rec: RecordRef) -> Result<Vec<Relation>> {
    let ids = index::ids_with_prefix(r, &index::raw_prefix(index_byte, &rec.key_bytes()))?;
    ids.into_iter()
        .map(|raw| record::require(r, raw, RelationId::from_u128(raw)))
        .collect()
}

pub(crate) fn relate(w: &mut impl Writer, ctx: &Ctx, input: &RelationInput) -> Result<Relation> {
    let t = find_type(w, &input.relation_type)?
        .ok_or_else(|| Error::validation("relation_type", "is not a defined relation type"))?;
    for (field, end) in [("record", input.record), ("other", input.other)] {
        if end.kind() != t.record_kind {
            return Err(Error::validation(
                field,
                format!("must be a {} for this relation type", t.record_kind.name()),
            ));
        }
        if !record::exists(w, end)? {
            return Err(Error::validation(field, "is not an existing record"));
        }
    }
    if input.record == input.other {
        return Err(Error::validation(
            "other",
            "a record cannot be related to itself",
        ));
    }
    if let Some(same) = relations_by(w, ix::RELATION_BY_FROM, input.record)?
        .into_iter()
        .find(|r| r.other == input.other && r.relation_type == t.key)
    {
        return Err(Error::Conflict {
            field: "other".into(),
            existing: same.id.to_string(),
            reason: "the records are already related this way".into(),
        });
    }
    let now = ctx.now();
    let relation = Relation {
        id: RelationId::from_u128(ctx.mint(now)),
        relation_type: t.key,
        record: input.record,
        other: input.other,
        created_at: now,
    };
    record::save(w, None, &relation)?;
    Ok(relation)
}

pub(crate) fn unrelate(w: &mut impl Writer, id: RelationId) -> Result<()> {
    let old: Relation = record::require(w, id.as_u128(), id)?;
    record::erase(w, &old)
}

/// The relations of a record, from its point of view: outgoing then incoming, each in the
/// order they were made.
pub(crate) fn relations_of(r: &mut impl Reader, rec: RecordRef) -> Result<Vec<RelationView>> {
    if !record::exists(r, rec)? {
        return Err(Error::not_found(rec.kind().name(), rec));
    }
    let types = relation_types(r)?;
    let label = |key: &str, outgoing: bool| {
        types
            .iter()
            .find(|t| t.key == key)
            .map(|t| {
                if outgoing {
                    t.name.clone()
                } else {
                    t.reverse_name.clone()
                }
            })
            .unwrap_or_else(|| key.to_string())
    };
    let mut out = Vec::new();
    for rel in relations_by(r, ix::RELATION_BY_FROM, rec)? {
        out.push(RelationView {
            relation: rel.id,
            label: label(&rel.relation_type, true),
            relation_type: rel.relation_type,
            other: rel.other,
            direction: Direction::Outgoing,
        });
    }
    for rel in relations_by(r, ix::RELATION_BY_TO, rec)? {
        out.push(RelationView {
            relation: rel.id,
            label: label(&rel.relation_type, false),
            relation_type: rel.relation_type,
            other: rel.record,
            direction: Direction::Incoming,
        });
    }
    Ok(out)
}

/// Removes every employment and relation of a record that is about to be deleted (one of
/// the reactions to a deletion, `api/reactions.rs`). Contacts that lose their primary
/// employer get their oldest remaining one as primary.
pub(crate) fn detach(w: &mut impl Writer, ctx: &Ctx, rec: RecordRef) -> Result<()> {
    match rec {
        RecordRef::Contact(id) => {
            for e in employments_by(w, ix::EMPLOYMENT_BY_CONTACT, id.as_u128())? {
                record::erase(w, &e)?;
            }
        }
        RecordRef::Company(id) => {
            for e in employments_by(w, ix::EMPLOYMENT_BY_COMPANY, id.as_u128())? {
                record::erase(w, &e)?;
                if e.primary {
                    settle_primary(w, ctx, e.contact, None)?;
                }
            }
        }
        RecordRef::Lead(_) | RecordRef::Deal(_) => {}
    }
    let mut relations = relations_by(w, ix::RELATION_BY_FROM, rec)?;
    relations.extend(relations_by(w, ix::RELATION_BY_TO, rec)?);
    for rel in &relations {
        record::erase(w, rel)?;
    }
    Ok(())
}
