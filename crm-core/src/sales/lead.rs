//! Leads: prospects as captured (from a web form, an event, a cold call…), before they are
//! qualified into a contact, a company and perhaps a deal.
//!
//! A lead keeps what was captured as it was. Converting it creates (or finds) the contact and
//! company it becomes, links them, optionally opens a deal, and marks the lead converted with
//! links to all of them, in one transaction. A converted lead is not converted again, and a
//! disqualified one is not converted at all.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::people::company::{self, Company, CompanyInput, RelationshipKind};
use crate::people::contact::{self, Contact, ContactInput, Email, Phone};
use crate::people::relation::{self, EmploymentInput};
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
use crate::sales::deal::{self, Deal, DealContact, DealInput};
use crate::storage::store::{Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::RecordKind;
use crate::values::id::{CompanyId, ContactId, DealId, LeadId, RecordRef};
use crate::values::input;
use crate::{values::normalize, values::text};
use std::collections::BTreeSet;

/// Where a lead came from.
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
pub enum LeadSource {
    /// A form on the firm's web site.
    #[n(0)]
    WebForm,
    /// Recommended by a customer or partner.
    #[n(1)]
    Referral,
    /// Met at a trade fair, conference or meetup.
    #[n(2)]
    Event,
    /// Found by calling.
    #[n(3)]
    ColdCall,
    /// Answered a marketing campaign.
    #[n(4)]
    Campaign,
    /// Answered an advertisement.
    #[n(5)]
    Advertising,
    /// Came through social media.
    #[n(6)]
    SocialMedia,
    /// Brought by a partner.
    #[n(7)]
    Partner,
    /// Anywhere else.
    #[n(8)]
    Other,
}

impl LeadSource {
    /// Every source, in code order.
    pub const ALL: [LeadSource; 9] = [
        LeadSource::WebForm,
        LeadSource::Referral,
        LeadSource::Event,
        LeadSource::ColdCall,
        LeadSource::Campaign,
        LeadSource::Advertising,
        LeadSource::SocialMedia,
        LeadSource::Partner,
        LeadSource::Other,
    ];

    /// The snake-case name, as in JSON: `web_form`, `cold_call`.
    pub fn name(self) -> &'static str {
        match self {
            LeadSource::WebForm => "web_form",
            LeadSource::Referral => "referral",
            LeadSource::Event => "event",
            LeadSource::ColdCall => "cold_call",
            LeadSource::Campaign => "campaign",
            LeadSource::Advertising => "advertising",
            LeadSource::SocialMedia => "social_media",
            LeadSource::Partner => "partner",
            LeadSource::Other => "other",
        }
    }

    fn code(self) -> u8 {
        self as u8
    }
}

/// Where a lead is in qualification.
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
pub enum LeadStatus {
    /// Captured, not yet worked on.
    #[n(0)]
    New,
    /// Someone has reached out.
    #[n(1)]
    Contacted,
    /// Worth pursuing.
    #[n(2)]
    Qualified,
    /// Not worth pursuing, with a reason.
    #[n(3)]
    Disqualified,
    /// Converted into a contact (and company and deal); set only by converting.
    #[n(4)]
    Converted,
}

impl LeadStatus {
    /// Every status, in code order.
    pub const ALL: [LeadStatus; 5] = [
        LeadStatus::New,
        LeadStatus::Contacted,
        LeadStatus::Qualified,
        LeadStatus::Disqualified,
        LeadStatus::Converted,
    ];

    /// The snake-case name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Contacted => "contacted",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Disqualified => "disqualified",
            LeadStatus::Converted => "converted",
        }
    }

    fn code(self) -> u8 {
        self as u8
    }
}

/// What a converted lead became.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Conversion {
    /// The contact it became (absent once that contact is deleted).
    #[n(0)]
    pub contact: Option<ContactId>,
    /// The company, if any.
    #[n(1)]
    pub company: Option<CompanyId>,
    /// The deal opened, if any.
    #[n(2)]
    pub deal: Option<DealId>,
    /// When it was converted.
    #[n(3)]
    #[cbor(with = "codec::instant")]
    pub converted_at: DateTime<Utc>,
    /// The id of the user who converted it.
    #[n(4)]
    pub by: Option<String>,
}

/// A stored lead.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Lead {
    /// The lead's id, `lead_…`.
    #[cbor(skip)]
    pub id: LeadId,
    /// Given name of the person.
    #[n(0)]
    pub given_name: Option<String>,
    /// Family name of the person.
    #[n(1)]
    pub family_name: Option<String>,
    /// The name shown for the lead: the person's name, else the company's, else the email.
    #[n(2)]
    pub display_name: String,
    /// The person's email address.
    #[n(3)]
    pub email: Option<String>,
    /// The person's phone number, as captured.
    #[n(4)]
    pub phone: Option<String>,
    /// The person's job title.
    #[n(5)]
    pub job_title: Option<String>,
    /// The company's name, as captured.
    #[n(6)]
    pub company_name: Option<String>,
    /// The company's web domain (a pasted URL is reduced to its domain).
    #[n(7)]
    pub web_domain: Option<String>,
    /// Where the lead came from.
    #[n(8)]
    pub source: Option<LeadSource>,
    /// More about the source: the campaign, the event, who referred it.
    #[n(9)]
    pub source_detail: Option<String>,
    /// Where it is in qualification.
    #[n(10)]
    pub status: LeadStatus,
    /// Why it was disqualified (only for disqualified leads).
    #[n(11)]
    pub disqualified_reason: Option<String>,
    /// How promising it is, from 0 to 100.
    #[n(12)]
    pub score: u8,
    /// The id of the owning user.
    #[n(13)]
    pub owner: Option<String>,
    /// Tags.
    #[n(14)]
    pub tags: Vec<String>,
    /// Values of custom fields, by key.
    #[n(15)]
    pub custom_fields: BTreeMap<String, FieldValue>,
    /// What it became, once converted.
    #[n(16)]
    pub conversion: Option<Conversion>,
    /// When it was created.
    #[n(17)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[n(18)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
    /// When it was archived.
    #[n(19)]
    #[cbor(with = "codec::opt_instant", has_nil)]
    pub archived_at: Option<DateTime<Utc>>,
}

impl Lead {
    /// The editable part of the lead, to change and pass to `update_lead`.
    pub fn to_input(&self) -> LeadInput {
        LeadInput {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            job_title: self.job_title.clone(),
            company_name: self.company_name.clone(),
            web_domain: self.web_domain.clone(),
            source: self.source,
            source_detail: self.source_detail.clone(),
            status: Some(self.status),
            disqualified_reason: self.disqualified_reason.clone(),
            score: Some(self.score),
            owner: self.owner.clone(),
            tags: self.tags.clone(),
            custom_fields: self.custom_fields.clone(),
        }
    }
}

/// What a caller provides to create or replace a lead. It needs a name, a company name or an
/// email address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LeadInput {
    /// Given name of the person.
    pub given_name: Option<String>,
    /// Family name of the person.
    pub family_name: Option<String>,
    /// The person's email address.
    pub email: Option<String>,
    /// The person's phone number.
    pub phone: Option<String>,
    /// The person's job title.
    pub job_title: Option<String>,
    /// The company's name.
    pub company_name: Option<String>,
    /// The company's web domain or site address.
    pub web_domain: Option<String>,
    /// Where the lead came from.
    pub source: Option<LeadSource>,
    /// More about the source.
    pub source_detail: Option<String>,
    /// The status; `new` when creating and unchanged when updating if absent. `converted` is
    /// set only by converting.
    pub status: Option<LeadStatus>,
    /// Why it was disqualified; required for, and only for, disqualified leads.
    pub disqualified_reason: Option<String>,
    /// How promising it is, from 0 to 100; 0 when creating and unchanged when updating if
    /// absent.
    pub score: Option<u8>,
    /// The id of the owning user.
    pub owner: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Values of custom fields, by key.
    pub custom_fields: BTreeMap<String, FieldValue>,
}

/// Which contact a lead becomes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ContactChoice {
    /// The active contact with the lead's email address, or a new one when there is none.
    #[default]
    MatchByEmail,
    /// A new contact from the lead's details.
    New,
    /// An existing contact.
    Existing {
        /// The contact.
        contact: ContactId,
    },
}

/// Which company a lead becomes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum CompanyChoice {
    /// The active company with the lead's web domain, or a new one from its company name
    /// when there is none; no company when the lead has neither.
    #[default]
    MatchByDomain,
    /// A new company from the lead's company name and web domain.
    New,
    /// An existing company.
    Existing {
        /// The company.
        company: CompanyId,
    },
    /// No company.
    Skip,
}

/// How to convert a lead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LeadConversion {
    /// The contact it becomes.
    pub contact: ContactChoice,
    /// The company it becomes.
    pub company: CompanyChoice,
    /// A deal to open. Its company and contacts default to those of the conversion, its
    /// owner and source to the lead's.
    pub deal: Option<DealInput>,
    /// The id of the user converting it.
    pub by: Option<String>,
}

/// The outcome of a conversion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConvertedLead {
    /// The lead, now converted.
    pub lead: Lead,
    /// The contact it became.
    pub contact: Contact,
    /// Whether that contact was created by the conversion.
    pub contact_created: bool,
    /// The company it became, if any.
    pub company: Option<Company>,
    /// Whether that company was created by the conversion.
    pub company_created: bool,
    /// The deal opened, if any.
    pub deal: Option<Deal>,
}

impl Record for Lead {
    const TABLE: Table = tables::LEADS;
    const NAME: &'static str = "lead";
    const ID_PREFIX: &'static str = "lead";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = LeadId::from_u128(raw);
    }
    fn entries(&self, out: &mut Entries) {
        let id = self.raw_id();
        if self.archived_at.is_some() {
            out.index.push(index::raw_key(ix::LEAD_ARCHIVED, &[], id));
        }
        if let Some(e) = &self.email {
            out.index.push(index::text_key(
                ix::LEAD_EMAIL,
                &normalize::email_key(e),
                id,
            ));
        }
        out.index
            .push(index::raw_key(ix::LEAD_STATUS, &[self.status.code()], id));
        if let Some(s) = self.source {
            out.index
                .push(index::raw_key(ix::LEAD_SOURCE, &[s.code()], id));
        }
        out.index
            .push(index::raw_key(ix::LEAD_SCORE, &[self.score], id));
        if let Some(o) = &self.owner {
            out.index.push(index::text_key(ix::LEAD_OWNER, o, id));
        }
        for t in &self.tags {
            out.index
                .push(index::text_key(ix::LEAD_TAG, &text::fold(t), id));
        }
        if let Some(c) = &self.conversion {
            let became = [
                c.contact.map(RecordRef::Contact),
                c.company.map(RecordRef::Company),
                c.deal.map(RecordRef::Deal),
            ];
            for b in became.into_iter().flatten() {
                out.index
                    .push(index::raw_key(ix::LEAD_BECAME, &b.key_bytes(), id));
            }
        }
        for (by, ix) in SortBy::ALL.into_iter().zip(<Lead as Listed>::SORT_INDEXES) {
            let mut k = vec![ix];
            self.sort_key(by, &mut k);
            out.index.push(k);
        }
        if self.archived_at.is_none() {
            let mut add = |s: &str, class: u8| {
                text::for_each_term(s, |t| out.add_term(RecordKind::Lead.code(), t, class));
            };
            add(&self.display_name, field_class::NAME);
            for s in self.company_name.iter() {
                add(s, field_class::NAME);
            }
            for s in self.email.iter().chain(&self.web_domain) {
                add(s, field_class::EMAIL);
            }
            for s in self
                .job_title
                .iter()
                .chain(&self.source_detail)
                .chain(&self.tags)
            {
                add(s, field_class::OTHER);
            }
            for v in self.custom_fields.values() {
                query::custom_search_text(v, |s| add(s, field_class::OTHER));
            }
        }
    }
}

record::impl_entity!(Lead, RecordKind::Lead, Some("status"));

/// The fields a lead listing can filter on, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeadField {
    Name,
    GivenName,
    FamilyName,
    Email,
    Phone,
    JobTitle,
    CompanyName,
    WebDomain,
    Source,
    SourceDetail,
    Status,
    DisqualifiedReason,
    Owner,
    Tag,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

fn opt(s: &Option<String>) -> Vals<'_> {
    Vals::Texts(s.iter().map(String::as_str).collect())
}

/// Which leads to list. All criteria must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LeadFilter {
    /// Whether archived leads are shown.
    pub archived: Archived,
    /// Leads with every one of these tags.
    pub tags_all: Vec<String>,
    /// Leads with at least one of these tags.
    pub tags_any: Vec<String>,
    /// Leads with one of these statuses.
    pub statuses_any: Vec<LeadStatus>,
    /// Leads from one of these sources.
    pub sources_any: Vec<LeadSource>,
    /// Leads scoring at least this much.
    pub min_score: Option<u8>,
    /// Leads owned by this user.
    pub owner: Option<String>,
    /// Leads created in this range.
    pub created: TimeRange,
    /// Leads last changed in this range.
    pub updated: TimeRange,
    /// Further tests on any field.
    pub conditions: Vec<Condition>,
}

/// A page request for leads.
pub type LeadQuery = ListQuery<LeadFilter>;

impl Searched for Lead {
    fn label(key: &[u8], stored: &[u8]) -> Result<String> {
        /// The lead's display name alone (field 2): decoding it skips the rest of the record.
        #[derive(minicbor::Decode)]
        struct Label {
            #[n(2)]
            label: String,
        }
        codec::decode::<Label>(Self::NAME, key, stored).map(|l| l.label)
    }
}

impl Listed for Lead {
    type Field = LeadField;
    type Filter = LeadFilter;
    const SORT_INDEXES: [u8; 3] = [ix::LEAD_NAME, ix::LEAD_CREATED, ix::LEAD_UPDATED];
    const TAG_INDEX: u8 = ix::LEAD_TAG;
    const OWNER_INDEX: u8 = ix::LEAD_OWNER;
    const ARCHIVED_INDEX: u8 = ix::LEAD_ARCHIVED;

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

    fn parse_field(name: &str) -> Option<(LeadField, FieldType)> {
        use FieldType as T;
        use LeadField as F;
        Some(match name {
            "name" | "display_name" => (F::Name, T::Text),
            "given_name" => (F::GivenName, T::Text),
            "family_name" => (F::FamilyName, T::Text),
            "email" => (F::Email, T::Email),
            "phone" => (F::Phone, T::Text),
            "job_title" => (F::JobTitle, T::Text),
            "company_name" => (F::CompanyName, T::Text),
            "web_domain" => (F::WebDomain, T::Text),
            "source" => (F::Source, T::Text),
            "source_detail" => (F::SourceDetail, T::Text),
            "status" => (F::Status, T::Text),
            "disqualified_reason" => (F::DisqualifiedReason, T::Text),
            "owner" => (F::Owner, T::Text),
            "tag" => (F::Tag, T::Text),
            "created_at" => (F::CreatedAt, T::Instant),
            "updated_at" => (F::UpdatedAt, T::Instant),
            "archived_at" => (F::ArchivedAt, T::Instant),
            _ => return None,
        })
    }

    fn read(&self, field: LeadField) -> Vals<'_> {
        use LeadField as F;
        match field {
            F::Name => Vals::Texts(vec![&self.display_name]),
            F::GivenName => opt(&self.given_name),
            F::FamilyName => opt(&self.family_name),
            F::Email => opt(&self.email),
            F::Phone => opt(&self.phone),
            F::JobTitle => opt(&self.job_title),
            F::CompanyName => opt(&self.company_name),
            F::WebDomain => opt(&self.web_domain),
            F::Source => Vals::Texts(self.source.iter().map(|s| s.name()).collect()),
            F::SourceDetail => opt(&self.source_detail),
            F::Status => Vals::Texts(vec![self.status.name()]),
            F::DisqualifiedReason => opt(&self.disqualified_reason),
            F::Owner => opt(&self.owner),
            F::Tag => Vals::Texts(self.tags.iter().map(String::as_str).collect()),
            F::CreatedAt => Vals::Instant(Some(self.created_at)),
            F::UpdatedAt => Vals::Instant(Some(self.updated_at)),
            F::ArchivedAt => Vals::Instant(self.archived_at),
        }
    }

    fn index_lookup(field: LeadField, value: &str, _region: Option<&str>) -> Option<Vec<u8>> {
        match field {
            LeadField::Email => Some(index::text_prefix(
                ix::LEAD_EMAIL,
                &normalize::email_key(value.trim()),
            )),
            LeadField::Tag => Some(index::text_prefix(ix::LEAD_TAG, &text::fold(value))),
            LeadField::Owner => Some(index::text_prefix(ix::LEAD_OWNER, value.trim())),
            LeadField::Status => LeadStatus::ALL
                .into_iter()
                .find(|s| s.name() == text::fold(value))
                .map(|s| index::raw_prefix(ix::LEAD_STATUS, &[s.code()])),
            LeadField::Source => LeadSource::ALL
                .into_iter()
                .find(|s| s.name() == text::fold(value))
                .map(|s| index::raw_prefix(ix::LEAD_SOURCE, &[s.code()])),
            _ => None,
        }
    }

    fn plan(r: &mut impl Reader, ctx: &Ctx, f: &LeadFilter) -> Result<Plan<LeadField>> {
        let mut restrict: Option<BTreeSet<u128>> = None;
        if !f.statuses_any.is_empty() {
            let mut any = BTreeSet::new();
            for s in &f.statuses_any {
                any.extend(ids_with_status(r, *s)?);
            }
            query::narrow(&mut restrict, any);
        }
        if !f.sources_any.is_empty() {
            let mut any = BTreeSet::new();
            for s in &f.sources_any {
                any.extend(ids_from_source(r, *s)?);
            }
            query::narrow(&mut restrict, any);
        }
        if let Some(min) = f.min_score {
            if min > 100 {
                return Err(Error::validation("min_score", "must be from 0 to 100"));
            }
            query::narrow(
                &mut restrict,
                ids_scoring_at_least(r, min)?.into_iter().collect(),
            );
        }
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

/// Validates an input into the editable part of a lead; `current` is the stored lead when
/// updating.
fn build(r: &mut impl Reader, input: &LeadInput, current: Option<&Lead>) -> Result<Lead> {
    let given_name = input::line("given_name", input.given_name.as_deref())?;
    let family_name = input::line("family_name", input.family_name.as_deref())?;
    let company_name = input::line("company_name", input.company_name.as_deref())?;
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => Some(normalize::email(e).map_err(|reason| Error::validation("email", reason))?),
        None => None,
    };
    let web_domain = match input
        .web_domain
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => Some(
            normalize::web_domain(d).map_err(|reason| Error::validation("web_domain", reason))?,
        ),
        None => None,
    };
    let person = [given_name.as_deref(), family_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let display_name = if !person.is_empty() {
        person
    } else if let Some(c) = company_name.clone().or(email.clone()) {
        c
    } else {
        return Err(Error::validation(
            "given_name",
            "a lead needs a name, a company name or an email address",
        ));
    };
    let was_converted = current.is_some_and(|l| l.status == LeadStatus::Converted);
    let status = input
        .status
        .or(current.map(|l| l.status))
        .unwrap_or(LeadStatus::New);
    if was_converted && status != LeadStatus::Converted {
        return Err(Error::validation(
            "status",
            "the lead is converted; its status no longer changes",
        ));
    }
    if !was_converted && status == LeadStatus::Converted {
        return Err(Error::validation(
            "status",
            "is set to converted only by converting the lead",
        ));
    }
    let disqualified_reason =
        input::line("disqualified_reason", input.disqualified_reason.as_deref())?;
    match (status == LeadStatus::Disqualified, &disqualified_reason) {
        (true, None) => {
            return Err(Error::validation(
                "disqualified_reason",
                "is required when the status is disqualified",
            ));
        }
        (false, Some(_)) => {
            return Err(Error::validation(
                "disqualified_reason",
                "is kept only for disqualified leads",
            ));
        }
        _ => {}
    }
    let score = input.score.or(current.map(|l| l.score)).unwrap_or_default();
    if score > 100 {
        return Err(Error::validation("score", "must be from 0 to 100"));
    }
    let defs = fields::defs(r, RecordKind::Lead)?;
    Ok(Lead {
        id: LeadId::default(),
        given_name,
        family_name,
        display_name,
        email,
        phone: input::line("phone", input.phone.as_deref())?,
        job_title: input::line("job_title", input.job_title.as_deref())?,
        company_name,
        web_domain,
        source: input.source,
        source_detail: input::line("source_detail", input.source_detail.as_deref())?,
        status,
        disqualified_reason,
        score,
        owner: input::owner("owner", input.owner.as_deref())?,
        tags: input::tags("tags", &input.tags)?,
        custom_fields: fields::check_values(&defs, &input.custom_fields)?,
        conversion: current.and_then(|l| l.conversion.clone()),
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
        archived_at: None,
    })
}

pub(crate) fn create(w: &mut impl Writer, ctx: &Ctx, input: &LeadInput) -> Result<Lead> {
    let now = ctx.now();
    let mut lead = build(w, input, None)?;
    lead.id = LeadId::from_u128(ctx.mint(now));
    lead.created_at = now;
    lead.updated_at = now;
    record::save(w, None, &lead)?;
    Ok(lead)
}

pub(crate) fn get(r: &mut impl Reader, id: LeadId) -> Result<Lead> {
    record::require(r, id.as_u128(), id)
}

pub(crate) fn update(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: LeadId,
    input: &LeadInput,
) -> Result<Lead> {
    let old = get(w, id)?;
    let mut lead = build(w, input, Some(&old))?;
    lead.id = id;
    lead.created_at = old.created_at;
    lead.updated_at = ctx.now().max(old.updated_at);
    lead.archived_at = old.archived_at;
    record::save_edit(w, ctx, &old, &lead)?;
    Ok(lead)
}

pub(crate) fn retag(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: LeadId,
    add: &[String],
    remove: &[String],
) -> Result<Lead> {
    let old = get(w, id)?;
    record::retag(w, ctx, old, add, remove)
}

pub(crate) fn set_archived(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: LeadId,
    archived: bool,
) -> Result<Lead> {
    let old = get(w, id)?;
    record::set_archived(w, ctx, old, archived, |_, _| Ok(()))
}

/// Deletes a lead and its relations; what it was converted into stays.
pub(crate) fn delete<W: Writer>(w: &mut W, ctx: &Ctx, id: LeadId, forget: Forget<W>) -> Result<()> {
    let old = get(w, id)?;
    forget(w, ctx, RecordRef::Lead(id))?;
    record::erase(w, &old)
}

/// The leads (archived ones too) captured with an email address, oldest first.
pub(crate) fn by_email(r: &mut impl Reader, email: &str) -> Result<Vec<Lead>> {
    let prefix = index::text_prefix(ix::LEAD_EMAIL, &normalize::email_key(email.trim()));
    let ids = index::ids_with_prefix(r, &prefix)?;
    ids.into_iter()
        .map(|raw| record::require(r, raw, LeadId::from_u128(raw)))
        .collect()
}

/// Ids of the leads with a status (used by listings).
pub(crate) fn ids_with_status(r: &mut impl Reader, status: LeadStatus) -> Result<Vec<u128>> {
    index::ids_with_prefix(r, &index::raw_prefix(ix::LEAD_STATUS, &[status.code()]))
}

/// Ids of the leads from a source (used by listings).
pub(crate) fn ids_from_source(r: &mut impl Reader, source: LeadSource) -> Result<Vec<u128>> {
    index::ids_with_prefix(r, &index::raw_prefix(ix::LEAD_SOURCE, &[source.code()]))
}

/// Ids of the leads scoring at least `min` (used by listings).
pub(crate) fn ids_scoring_at_least(r: &mut impl Reader, min: u8) -> Result<Vec<u128>> {
    let mut out = Vec::new();
    for score in min..=100 {
        out.extend(index::ids_with_prefix(
            r,
            &index::raw_prefix(ix::LEAD_SCORE, &[score]),
        )?);
    }
    Ok(out)
}

/// The contact input a lead becomes.
fn contact_input(lead: &Lead) -> ContactInput {
    ContactInput {
        given_name: lead.given_name.clone(),
        family_name: lead.family_name.clone(),
        display_name: None,
        emails: lead.email.iter().map(|e| Email::new(e)).collect(),
        phones: lead.phone.iter().map(|p| Phone::new(p)).collect(),
        job_title: lead.job_title.clone(),
        owner: lead.owner.clone(),
        source: lead.source.map(|s| s.name().to_string()),
        tags: lead.tags.clone(),
        ..ContactInput::default()
    }
}

fn new_company(w: &mut impl Writer, ctx: &Ctx, lead: &Lead) -> Result<Option<Company>> {
    let Some(name) = &lead.company_name else {
        return Ok(None);
    };
    let input = CompanyInput {
        name: name.clone(),
        domains: lead.web_domain.iter().cloned().collect(),
        kinds: vec![RelationshipKind::Prospect],
        owner: lead.owner.clone(),
        ..CompanyInput::default()
    };
    company::create(w, ctx, &input)
        .map(Some)
        .map_err(|e| e.within("company"))
}

/// Converts a lead into a contact, perhaps a company and perhaps a deal, in the caller's
/// transaction.
pub(crate) fn convert(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: LeadId,
    how: &LeadConversion,
) -> Result<ConvertedLead> {
    let old = get(w, id)?;
    if let Some(c) = &old.conversion {
        let became = c
            .contact
            .map(|x| x.to_string())
            .or(c.company.map(|x| x.to_string()))
            .or(c.deal.map(|x| x.to_string()))
            .unwrap_or_else(|| id.to_string());
        return Err(Error::Conflict {
            field: "lead".into(),
            existing: became,
            reason: "the lead was already converted".into(),
        });
    }
    if old.status == LeadStatus::Disqualified {
        return Err(Error::validation(
            "status",
            "a disqualified lead cannot be converted; requalify it first",
        ));
    }
    let by = input::owner("by", how.by.as_deref())?;

    let (company, company_created) = match &how.company {
        CompanyChoice::Skip => (None, false),
        CompanyChoice::Existing { company: cid } => {
            let c = record::load::<Company>(w, cid.as_u128())?.ok_or_else(|| {
                Error::validation("company.company", "is not an existing company")
            })?;
            (Some(c), false)
        }
        CompanyChoice::New => {
            let c = new_company(w, ctx, &old)?.ok_or_else(|| {
                Error::validation("company", "the lead has no company name to create one from")
            })?;
            (Some(c), true)
        }
        CompanyChoice::MatchByDomain => {
            let found = match &old.web_domain {
                Some(d) => company::by_domain(w, d)?.into_iter().next(),
                None => None,
            };
            match found {
                Some(c) => (Some(c), false),
                None => {
                    let c = new_company(w, ctx, &old)?;
                    let created = c.is_some();
                    (c, created)
                }
            }
        }
    };

    let (contact, contact_created) = match &how.contact {
        ContactChoice::Existing { contact: cid } => {
            let c = record::load::<Contact>(w, cid.as_u128())?.ok_or_else(|| {
                Error::validation("contact.contact", "is not an existing contact")
            })?;
            (c, false)
        }
        ContactChoice::New => (create_contact(w, ctx, &old)?, true),
        ContactChoice::MatchByEmail => {
            let found = match &old.email {
                Some(e) => contact::by_email(w, e)?,
                None => None,
            };
            match found {
                Some(c) => (c, false),
                None => (create_contact(w, ctx, &old)?, true),
            }
        }
    };

    if let Some(c) = &company {
        let linked = relation::employments_of_contact(w, contact.id)?
            .iter()
            .any(|e| e.company == c.id);
        if !linked {
            relation::link(
                w,
                ctx,
                &EmploymentInput {
                    contact: contact.id,
                    company: c.id,
                    role: None,
                    title: old.job_title.clone(),
                    primary: false,
                },
            )
            .map_err(|e| e.within("contact"))?;
        }
    }

    let deal = match &how.deal {
        Some(d) => {
            let mut input = d.clone();
            if input.company.is_none() {
                input.company = company.as_ref().map(|c| c.id);
            }
            if input.contacts.is_empty() {
                input.contacts = vec![DealContact {
                    contact: contact.id,
                    role: None,
                }];
            }
            if input.owner.is_none() {
                input.owner = old.owner.clone();
            }
            if input.source.is_none() {
                input.source = old.source.map(|s| s.name().to_string());
            }
            Some(deal::create(w, ctx, &input).map_err(|e| e.within("deal"))?)
        }
        None => None,
    };

    let now = ctx.now().max(old.updated_at);
    let mut lead = old.clone();
    lead.status = LeadStatus::Converted;
    lead.conversion = Some(Conversion {
        contact: Some(contact.id),
        company: company.as_ref().map(|c| c.id),
        deal: deal.as_ref().map(|d| d.id),
        converted_at: now,
        by,
    });
    lead.updated_at = now;
    record::save_edit(w, ctx, &old, &lead)?;
    // The link made above may have changed the contact's primary employer.
    let contact = contact::get(w, contact.id)?;
    Ok(ConvertedLead {
        lead,
        contact,
        contact_created,
        company,
        company_created,
        deal,
    })
}

fn create_contact(w: &mut impl Writer, ctx: &Ctx, lead: &Lead) -> Result<Contact> {
    contact::create(w, ctx, &contact_input(lead)).map_err(|e| e.within("contact"))
}

/// Removes a deleted contact, company or deal from the conversions that name it.
pub(crate) fn forget(w: &mut impl Writer, ctx: &Ctx, rec: RecordRef) -> Result<()> {
    let ids = index::ids_with_prefix(w, &index::raw_prefix(ix::LEAD_BECAME, &rec.key_bytes()))?;
    for lead_id in ids {
        let old: Lead = get(w, LeadId::from_u128(lead_id))?;
        let mut new = old.clone();
        if let Some(c) = &mut new.conversion {
            match rec {
                RecordRef::Contact(id) if c.contact == Some(id) => c.contact = None,
                RecordRef::Company(id) if c.company == Some(id) => c.company = None,
                RecordRef::Deal(id) if c.deal == Some(id) => c.deal = None,
                _ => {}
            }
        }
        if new != old {
            new.updated_at = ctx.now().max(old.updated_at);
            record::save(w, Some(&old), &new)?;
        }
    }
    Ok(())
}
