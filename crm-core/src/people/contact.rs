//! Contacts: the people a firm deals with.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::people::relation;
use crate::queries::query::{
    self, Archived, Condition, FieldType, ListQuery, Listed, Plan, SortBy, TimeRange, Vals,
};
use crate::queries::search::Searched;
use crate::records::codec;
use crate::records::fields::{self, FieldValue};
use crate::records::index::{self, Entries, field_class, ix};
use crate::records::record::Forget;
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::storage::store::{Flow, Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::RecordKind;
use crate::values::id::{CompanyId, ContactId, RecordRef};
use crate::values::input::{self, Address};
use crate::{values::normalize, values::text};

/// An email address of a contact.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Email {
    /// The address. Stored trimmed with its domain lower-cased; compared without case.
    #[n(0)]
    pub address: String,
    /// What the address is for, such as `work` or `home`.
    #[n(1)]
    pub label: Option<String>,
    /// Whether this is the contact's main address. Exactly one address of a contact is
    /// primary: when none is marked, the first one is.
    #[n(2)]
    #[cbor(default)]
    pub primary: bool,
}

impl Email {
    /// A work address, not marked primary.
    pub fn new(address: &str) -> Email {
        Email {
            address: address.to_string(),
            label: None,
            primary: false,
        }
    }
}

/// A phone number of a contact.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Phone {
    /// The number as typed.
    #[n(0)]
    pub number: String,
    /// What the number is for, such as `mobile` or `office`.
    #[n(1)]
    pub label: Option<String>,
    /// The E.164 form (`+48601234567`) when the number could be read, computed by the library
    /// on every write (a value given on input is ignored). National numbers are read in the
    /// country of the contact's first address, or the CRM's default phone region.
    #[n(2)]
    pub e164: Option<String>,
}

impl Phone {
    /// A number without a label.
    pub fn new(number: &str) -> Phone {
        Phone {
            number: number.to_string(),
            label: None,
            e164: None,
        }
    }
}

/// What a caller provides to create or replace a contact. Every field is optional, but a
/// contact needs a name or an email address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactInput {
    /// Given (first) name.
    pub given_name: Option<String>,
    /// Family (last) name.
    pub family_name: Option<String>,
    /// The name to show; when absent it is made from the given and family names, or the
    /// primary email address.
    pub display_name: Option<String>,
    /// Email addresses; unique among active contacts, ignoring case.
    pub emails: Vec<Email>,
    /// Phone numbers.
    pub phones: Vec<Phone>,
    /// Postal addresses.
    pub addresses: Vec<Address>,
    /// Date of birth; not in the future.
    pub birthday: Option<NaiveDate>,
    /// Preferred language as a BCP 47 tag, such as `pl`, `ro-RO`, `fr-CA`.
    pub language: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// The id of the user (of the host application) who owns the contact.
    pub owner: Option<String>,
    /// Where the contact came from, such as `web form` or `trade fair`.
    pub source: Option<String>,
    /// Lifecycle stage, such as `lead`, `customer` (free text for now).
    pub lifecycle_stage: Option<String>,
    /// Tags; compared without case or diacritics.
    pub tags: Vec<String>,
    /// Values of custom fields, by key.
    pub custom_fields: BTreeMap<String, FieldValue>,
}

/// A stored contact.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contact {
    /// The contact's id.
    #[cbor(skip)]
    pub id: ContactId,
    /// Given (first) name.
    #[n(0)]
    pub given_name: Option<String>,
    /// Family (last) name.
    #[n(1)]
    pub family_name: Option<String>,
    /// The name shown for the contact.
    #[n(2)]
    pub display_name: String,
    /// Email addresses, the primary one marked.
    #[n(3)]
    pub emails: Vec<Email>,
    /// Phone numbers.
    #[n(4)]
    pub phones: Vec<Phone>,
    /// Postal addresses.
    #[n(5)]
    pub addresses: Vec<Address>,
    /// Date of birth: not in the future, and in the years 1000 through 9999.
    #[n(6)]
    #[cbor(with = "codec::opt_date", has_nil)]
    pub birthday: Option<NaiveDate>,
    /// Preferred language (BCP 47).
    #[n(7)]
    pub language: Option<String>,
    /// Job title.
    #[n(8)]
    pub job_title: Option<String>,
    /// The id of the owning user.
    #[n(9)]
    pub owner: Option<String>,
    /// Where the contact came from.
    #[n(10)]
    pub source: Option<String>,
    /// Lifecycle stage.
    #[n(11)]
    pub lifecycle_stage: Option<String>,
    /// Tags.
    #[n(12)]
    pub tags: Vec<String>,
    /// Values of custom fields, by key.
    #[n(13)]
    pub custom_fields: BTreeMap<String, FieldValue>,
    /// When the contact was created.
    #[n(14)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When the contact was last changed.
    #[n(15)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
    /// When the contact was archived; archived contacts are hidden from search and listings
    /// (unless asked for) and do not hold their email addresses.
    #[n(16)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub archived_at: Option<DateTime<Utc>>,
}

impl Contact {
    /// The primary email address, if the contact has any.
    pub fn primary_email(&self) -> Option<&str> {
        self.emails
            .iter()
            .find(|e| e.primary)
            .or(self.emails.first())
            .map(|e| e.address.as_str())
    }

    /// Whether the contact is archived.
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// The editable part of the contact, to change and pass to `update_contact`.
    pub fn to_input(&self) -> ContactInput {
        let derived = derived_name(
            self.given_name.as_deref(),
            self.family_name.as_deref(),
            &self.emails,
        );
        ContactInput {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            display_name: (Some(&self.display_name) != derived.as_ref())
                .then(|| self.display_name.clone()),
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            addresses: self.addresses.clone(),
            birthday: self.birthday,
            language: self.language.clone(),
            job_title: self.job_title.clone(),
            owner: self.owner.clone(),
            source: self.source.clone(),
            lifecycle_stage: self.lifecycle_stage.clone(),
            tags: self.tags.clone(),
            custom_fields: self.custom_fields.clone(),
        }
    }
}

fn derived_name(given: Option<&str>, family: Option<&str>, emails: &[Email]) -> Option<String> {
    let joined = [given, family]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !joined.is_empty() {
        return Some(joined);
    }
    emails
        .iter()
        .find(|e| e.primary)
        .or(emails.first())
        .map(|e| e.address.clone())
}

impl Record for Contact {
    const TABLE: Table = tables::CONTACTS;
    const NAME: &'static str = "contact";
    const ID_PREFIX: &'static str = "contact";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }

    fn set_raw_id(&mut self, raw: u128) {
        self.id = ContactId::from_u128(raw);
    }

    fn entries(&self, out: &mut Entries) {
        let id = self.raw_id();
        if self.archived_at.is_some() {
            out.index
                .push(index::raw_key(ix::CONTACT_ARCHIVED, &[], id));
        }
        for e in &self.emails {
            out.index.push(index::text_key(
                ix::CONTACT_EMAIL,
                &normalize::email_key(&e.address),
                id,
            ));
        }
        for p in &self.phones {
            if let Some(key) = phone_key(p) {
                out.index.push(index::text_key(ix::CONTACT_PHONE, &key, id));
            }
        }
        for t in &self.tags {
            out.index
                .push(index::text_key(ix::CONTACT_TAG, &text::fold(t), id));
        }
        if let Some(o) = &self.owner {
            out.index.push(index::text_key(ix::CONTACT_OWNER, o, id));
        }
        if let Some(s) = &self.lifecycle_stage {
            out.index
                .push(index::text_key(ix::CONTACT_STAGE, &text::fold(s), id));
        }
        for (by, ix) in SortBy::ALL
            .into_iter()
            .zip(<Contact as Listed>::SORT_INDEXES)
        {
            let mut k = vec![ix];
            self.sort_key(by, &mut k);
            out.index.push(k);
        }
        if self.archived_at.is_none() {
            self.search_terms(out);
        }
    }
}

impl Contact {
    fn search_terms(&self, out: &mut Entries) {
        let mut add = |s: &str, class: u8| {
            text::for_each_term(s, |t| out.add_term(RecordKind::Contact.code(), t, class));
        };
        for name in [&self.given_name, &self.family_name].into_iter().flatten() {
            add(name, field_class::NAME);
        }
        add(&self.display_name, field_class::NAME);
        for e in &self.emails {
            add(&e.address, field_class::EMAIL);
        }
        for p in &self.phones {
            add(&digits(&p.number), field_class::PHONE);
            if let Some(e164) = &p.e164 {
                add(e164.strip_prefix('+').unwrap_or(e164), field_class::PHONE);
            }
        }
        for s in [&self.job_title].into_iter().flatten().chain(&self.tags) {
            add(s, field_class::OTHER);
        }
        for a in &self.addresses {
            for s in [&a.street, &a.city, &a.postal_code].into_iter().flatten() {
                add(s, field_class::OTHER);
            }
        }
        for v in self.custom_fields.values() {
            query::custom_search_text(v, |s| add(s, field_class::OTHER));
        }
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn phone_key(p: &Phone) -> Option<String> {
    p.e164
        .clone()
        .or_else(|| normalize::phone_key(&p.number, None))
}

record::impl_entity!(Contact, RecordKind::Contact, Some("lifecycle_stage"));

/// The fields a contact listing can filter on, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContactField {
    GivenName,
    FamilyName,
    DisplayName,
    Email,
    Phone,
    JobTitle,
    Language,
    Owner,
    Source,
    LifecycleStage,
    Birthday,
    Street,
    City,
    Region,
    PostalCode,
    Country,
    Tag,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

/// Which contacts to list. All criteria must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactFilter {
    /// Whether archived contacts are shown.
    pub archived: Archived,
    /// Contacts with every one of these tags.
    pub tags_all: Vec<String>,
    /// Contacts with at least one of these tags.
    pub tags_any: Vec<String>,
    /// Contacts linked to this company (`NotFound` when there is no such company).
    pub company: Option<CompanyId>,
    /// Contacts owned by this user.
    pub owner: Option<String>,
    /// Contacts created in this range.
    pub created: TimeRange,
    /// Contacts last changed in this range.
    pub updated: TimeRange,
    /// Further tests on any field.
    pub conditions: Vec<Condition>,
}

/// A page request for contacts.
pub type ContactQuery = ListQuery<ContactFilter>;

impl Searched for Contact {
    fn label(key: &[u8], stored: &[u8]) -> Result<String> {
        /// The contact's display name alone (field 2): decoding it skips the rest of the record.
        #[derive(minicbor::Decode)]
        struct Label {
            #[n(2)]
            label: String,
        }
        codec::decode::<Label>(Self::NAME, key, stored).map(|l| l.label)
    }
}

impl Listed for Contact {
    type Field = ContactField;
    type Filter = ContactFilter;
    const SORT_INDEXES: [u8; 3] = [ix::CONTACT_NAME, ix::CONTACT_CREATED, ix::CONTACT_UPDATED];
    const TAG_INDEX: u8 = ix::CONTACT_TAG;
    const OWNER_INDEX: u8 = ix::CONTACT_OWNER;
    const ARCHIVED_INDEX: u8 = ix::CONTACT_ARCHIVED;

    fn sort_key(&self, by: SortBy, out: &mut Vec<u8>) {
        match by {
            SortBy::Name => {
                index::push_text(out, &text::fold(&self.display_name), index::MAX_SORT_BYTES)
            }
            SortBy::CreatedAt => index::push_instant(out, self.created_at),
            SortBy::UpdatedAt => index::push_instant(out, self.updated_at),
        }
        out.extend_from_slice(&self.raw_id().to_be_bytes());
    }

    fn parse_field(name: &str) -> Option<(ContactField, FieldType)> {
        use ContactField as F;
        use FieldType as T;
        Some(match name {
            "given_name" => (F::GivenName, T::Text),
            "family_name" => (F::FamilyName, T::Text),
            "display_name" | "name" => (F::DisplayName, T::Text),
            "email" => (F::Email, T::Email),
            "phone" => (F::Phone, T::Phone),
            "job_title" => (F::JobTitle, T::Text),
            "language" => (F::Language, T::Text),
            "owner" => (F::Owner, T::Text),
            "source" => (F::Source, T::Text),
            "lifecycle_stage" => (F::LifecycleStage, T::Text),
            "birthday" => (F::Birthday, T::Date),
            "street" => (F::Street, T::Text),
            "city" => (F::City, T::Text),
            "region" => (F::Region, T::Text),
            "postal_code" => (F::PostalCode, T::Text),
            "country" => (F::Country, T::Text),
            "tag" => (F::Tag, T::Text),
            "created_at" => (F::CreatedAt, T::Instant),
            "updated_at" => (F::UpdatedAt, T::Instant),
            "archived_at" => (F::ArchivedAt, T::Instant),
            _ => return None,
        })
    }

    fn read(&self, field: ContactField) -> Vals<'_> {
        use ContactField as F;
        fn one(s: &Option<String>) -> Vec<&str> {
            s.iter().map(String::as_str).collect()
        }
        let addr = |part: fn(&Address) -> &Option<String>| {
            self.addresses
                .iter()
                .filter_map(|a| part(a).as_deref())
                .collect::<Vec<_>>()
        };
        match field {
            F::GivenName => Vals::Texts(one(&self.given_name)),
            F::FamilyName => Vals::Texts(one(&self.family_name)),
            F::DisplayName => Vals::Texts(vec![&self.display_name]),
            F::Email => Vals::Texts(self.emails.iter().map(|e| e.address.as_str()).collect()),
            F::Phone => Vals::Phones(self.phones.iter().filter_map(phone_key).collect()),
            F::JobTitle => Vals::Texts(one(&self.job_title)),
            F::Language => Vals::Texts(one(&self.language)),
            F::Owner => Vals::Texts(one(&self.owner)),
            F::Source => Vals::Texts(one(&self.source)),
            F::LifecycleStage => Vals::Texts(one(&self.lifecycle_stage)),
            F::Birthday => Vals::Date(self.birthday),
            F::Street => Vals::Texts(addr(|a| &a.street)),
            F::City => Vals::Texts(addr(|a| &a.city)),
            F::Region => Vals::Texts(addr(|a| &a.region)),
            F::PostalCode => Vals::Texts(addr(|a| &a.postal_code)),
            F::Country => Vals::Texts(addr(|a| &a.country)),
            F::Tag => Vals::Texts(self.tags.iter().map(String::as_str).collect()),
            F::CreatedAt => Vals::Instant(Some(self.created_at)),
            F::UpdatedAt => Vals::Instant(Some(self.updated_at)),
            F::ArchivedAt => Vals::Instant(self.archived_at),
        }
    }

    fn index_lookup(field: ContactField, value: &str, region: Option<&str>) -> Option<Vec<u8>> {
        match field {
            ContactField::Email => Some(index::text_prefix(
                ix::CONTACT_EMAIL,
                &normalize::email_key(value.trim()),
            )),
            ContactField::Phone => normalize::phone_key(value, region)
                .map(|k| index::text_prefix(ix::CONTACT_PHONE, &k)),
            ContactField::Tag => Some(index::text_prefix(ix::CONTACT_TAG, &text::fold(value))),
            ContactField::LifecycleStage => {
                Some(index::text_prefix(ix::CONTACT_STAGE, &text::fold(value)))
            }
            _ => None,
        }
    }

    fn plan(r: &mut impl Reader, ctx: &Ctx, f: &ContactFilter) -> Result<Plan<ContactField>> {
        let restrict = match f.company {
            Some(company) => {
                record::must_exist(r, RecordRef::Company(company), "company")?;
                Some(relation::contact_ids_at(r, company)?.into_iter().collect())
            }
            None => None,
        };
        query::plan::<Self>(
            r,
            ctx,
            query::Common {
                archived: f.archived,
                tags_all: &f.tags_all,
                tags_any: &f.tags_any,
                owner: f.owner.as_deref(),
                created: f.created,
                updated: f.updated,
                conditions: &f.conditions,
            },
            restrict,
        )
    }
}

/// Validates an input into the editable part of a contact.
fn build(
    r: &mut impl Reader,
    ctx: &Ctx,
    input: &ContactInput,
    today: NaiveDate,
) -> Result<Contact> {
    let given_name = input::line("given_name", input.given_name.as_deref())?;
    let family_name = input::line("family_name", input.family_name.as_deref())?;
    let addresses = input::addresses("addresses", &input.addresses)?;
    let emails = check_emails(&input.emails)?;
    let region = addresses
        .iter()
        .find_map(|a| a.country.clone())
        .or_else(|| ctx.phone_region.clone());
    let phones = check_phones(&input.phones, region.as_deref())?;
    let display_name = match input::line("display_name", input.display_name.as_deref())? {
        Some(name) => name,
        None => derived_name(given_name.as_deref(), family_name.as_deref(), &emails).ok_or_else(
            || Error::validation("display_name", "a contact needs a name or an email address"),
        )?,
    };
    input::opt_date("birthday", input.birthday)?;
    if input.birthday.is_some_and(|b| b > today) {
        return Err(Error::validation("birthday", "is in the future"));
    }
    let language = match input
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        Some(l) => Some(
            normalize::language_tag(l).map_err(|reason| Error::validation("language", reason))?,
        ),
        None => None,
    };
    let defs = fields::defs(r, RecordKind::Contact)?;
    Ok(Contact {
        id: ContactId::default(),
        given_name,
        family_name,
        display_name,
        emails,
        phones,
        addresses,
        birthday: input.birthday,
        language,
        job_title: input::line("job_title", input.job_title.as_deref())?,
        owner: input::owner("owner", input.owner.as_deref())?,
        source: input::line("source", input.source.as_deref())?,
        lifecycle_stage: input::line("lifecycle_stage", input.lifecycle_stage.as_deref())?,
        tags: input::tags("tags", &input.tags)?,
        custom_fields: fields::check_values(&defs, &input.custom_fields)?,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
        archived_at: None,
    })
}

fn check_emails(list: &[Email]) -> Result<Vec<Email>> {
    if list.len() > 50 {
        return Err(Error::validation("emails", "holds more than 50 addresses"));
    }
    let mut out: Vec<Email> = Vec::with_capacity(list.len());
    let mut keys: Vec<String> = Vec::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        let address = normalize::email(&e.address)
            .map_err(|reason| Error::validation(format!("emails[{i}].address"), reason))?;
        let key = normalize::email_key(&address);
        if keys.contains(&key) {
            return Err(Error::validation(
                format!("emails[{i}].address"),
                "appears twice",
            ));
        }
        keys.push(key);
        out.push(Email {
            address,
            label: input::line_named(|| format!("emails[{i}].label"), e.label.as_deref())?,
            primary: e.primary,
        });
    }
    match out.iter().filter(|e| e.primary).count() {
        0 => {
            if let Some(first) = out.first_mut() {
                first.primary = true;
            }
        }
        1 => {}
        _ => {
            return Err(Error::validation(
                "emails",
                "more than one address is marked primary",
            ));
        }
    }
    Ok(out)
}

fn check_phones(list: &[Phone], region: Option<&str>) -> Result<Vec<Phone>> {
    if list.len() > 50 {
        return Err(Error::validation("phones", "holds more than 50 numbers"));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let number = text::clean(&p.number);
        let e164 = normalize::phone_e164(&number, region);
        // A number with an E.164 form has its digits, so phone_key would find it: it is
        // asked only of the others.
        if number.chars().count() > 64
            || (e164.is_none() && normalize::phone_key(&number, None).is_none())
        {
            return Err(Error::validation(
                format!("phones[{i}].number"),
                "is not a phone number",
            ));
        }
        out.push(Phone {
            e164,
            number,
            label: input::line_named(|| format!("phones[{i}].label"), p.label.as_deref())?,
        });
    }
    Ok(out)
}

/// Refuses the contact if another active contact holds one of its email addresses.
fn check_unique_emails(r: &mut impl Reader, contact: &Contact) -> Result<()> {
    if contact.archived_at.is_some() {
        return Ok(());
    }
    for (i, e) in contact.emails.iter().enumerate() {
        let prefix = index::text_prefix(ix::CONTACT_EMAIL, &normalize::email_key(&e.address));
        let mut others = Vec::new();
        r.scan_group(&prefix, |key, _| {
            if let Some(raw) = index::id_of_key(key).filter(|&raw| raw != contact.raw_id()) {
                others.push(raw);
            }
            Ok(Flow::Continue(()))
        })?;
        for raw in others {
            let other: Option<Contact> = record::load(r, raw)?;
            if other.is_some_and(|o| o.archived_at.is_none()) {
                return Err(Error::Conflict {
                    field: format!("emails[{i}].address"),
                    existing: ContactId::from_u128(raw).to_string(),
                    reason: "another active contact has this email address".into(),
                });
            }
        }
    }
    Ok(())
}

pub(crate) fn create(w: &mut impl Writer, ctx: &Ctx, input: &ContactInput) -> Result<Contact> {
    let now = ctx.now();
    let mut contact = build(w, ctx, input, now.date_naive())?;
    contact.id = ContactId::from_u128(ctx.mint(now));
    contact.created_at = now;
    contact.updated_at = now;
    check_unique_emails(w, &contact)?;
    record::save(w, None, &contact)?;
    Ok(contact)
}

pub(crate) fn get(r: &mut impl Reader, id: ContactId) -> Result<Contact> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn update(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: ContactId,
    input: &ContactInput,
) -> Result<Contact> {
    let old = get(w, id)?;
    let now = ctx.now();
    let mut contact = build(w, ctx, input, now.date_naive())?;
    contact.id = id;
    contact.created_at = old.created_at;
    contact.updated_at = now.max(old.updated_at);
    contact.archived_at = old.archived_at;
    check_unique_emails(w, &contact)?;
    record::save_edit(w, ctx, &old, &contact)?;
    Ok(contact)
}

pub(crate) fn retag(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: ContactId,
    add: &[String],
    remove: &[String],
) -> Result<Contact> {
    let old = get(w, id)?;
    record::retag(w, ctx, old, add, remove)
}

pub(crate) fn set_archived(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: ContactId,
    archived: bool,
) -> Result<Contact> {
    let old = get(w, id)?;
    record::set_archived(w, ctx, old, archived, check_unique_emails)
}

pub(crate) fn delete<W: Writer>(
    w: &mut W,
    ctx: &Ctx,
    id: ContactId,
    forget: Forget<W>,
) -> Result<()> {
    let old = get(w, id)?;
    forget(w, ctx, RecordRef::Contact(id))?;
    record::erase(w, &old)
}

/// The active contact holding an email address.
pub(crate) fn by_email(r: &mut impl Reader, email: &str) -> Result<Option<Contact>> {
    let prefix = index::text_prefix(ix::CONTACT_EMAIL, &normalize::email_key(email.trim()));
    let found = index::ids_with_prefix(r, &prefix)?;
    for raw in found {
        if let Some(c) = record::load::<Contact>(r, raw)?.filter(|c| c.archived_at.is_none()) {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// The active contacts with a phone number, compared in E.164 form when it can be read.
pub(crate) fn by_phone(r: &mut impl Reader, ctx: &Ctx, phone: &str) -> Result<Vec<Contact>> {
    let Some(key) = normalize::phone_key(phone, ctx.phone_region.as_deref()) else {
        return Ok(Vec::new());
    };
    let ids = index::ids_with_prefix(r, &index::text_prefix(ix::CONTACT_PHONE, &key))?;
    let mut out = Vec::with_capacity(ids.len());
    for raw in ids {
        if let Some(c) = record::load::<Contact>(r, raw)?.filter(|c| c.archived_at.is_none()) {
            out.push(c);
        }
    }
    Ok(out)
}
