//! The library, natively, through its public API.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;

use crm_core::{
    Address, CompanyId, CompanyInput, ContactFilter, ContactId, ContactInput, ContactQuery, Crm,
    Currency, DealInput, Email, EmploymentInput, FieldDef, FieldKind, FieldValue, Money, Phone,
    RecordKind, SearchQuery, Sort, SortBy, StageId, TimeRange,
};

use crate::data::{self, Status};
use crate::engine::{Engine, OwnerFigures, Result, dir_size, err, index_of_email};

/// The library with the ids it gave to the logical records.
pub struct Library {
    crm: Crm,
    /// The id of logical contact `i` at `contacts[i]`: a plain array, as SQLite and raw redb
    /// compute their keys from `i` without a lookup.
    contacts: Vec<Option<ContactId>>,
}

fn input(c: &data::Contact) -> ContactInput {
    let mut custom = BTreeMap::new();
    if !c.notes.is_empty() {
        custom.insert("notes".to_string(), FieldValue::Text(c.notes.clone()));
    }
    ContactInput {
        given_name: Some(c.given.clone()),
        family_name: Some(c.family.clone()),
        emails: vec![Email {
            address: c.email.clone(),
            label: None,
            primary: true,
        }],
        phones: vec![Phone::new(&c.phone)],
        addresses: vec![Address {
            city: Some(c.city.into()),
            country: Some(c.country.into()),
            ..Address::default()
        }],
        job_title: Some(c.title.into()),
        owner: Some(c.owner.clone()),
        tags: c.tags.clone(),
        custom_fields: custom,
        ..ContactInput::default()
    }
}

impl Library {
    fn id(&self, i: u64) -> Result<ContactId> {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.contacts.get(i).copied().flatten())
            .ok_or_else(|| format!("no contact {i}"))
    }

    /// Records (or with `None`, forgets) the id of logical contact `i`.
    fn set_id(&mut self, i: u64, id: Option<ContactId>) {
        let i = i as usize;
        if self.contacts.len() <= i {
            self.contacts.resize(i + 1, None);
        }
        self.contacts[i] = id;
    }
}

impl Engine for Library {
    fn open(dir: &Path, fresh: bool) -> Result<Self> {
        let path = dir.join("library.crm");
        if fresh {
            let _ = std::fs::remove_file(&path);
        }
        let crm = Crm::open(&path).map_err(err)?;
        if fresh {
            crm.define_field(FieldDef::new(
                RecordKind::Contact,
                "notes",
                "Notes",
                FieldKind::LongText,
            ))
            .map_err(err)?;
        }
        Ok(Library {
            crm,
            contacts: Vec::new(),
        })
    }

    fn import(&mut self, seed: u64, contacts: u64) -> Result<()> {
        let (companies, deals) = data::sizes(contacts);
        let stages: Vec<StageId> = self
            .crm
            .default_pipeline()
            .map_err(err)?
            .stages
            .iter()
            .map(|s| s.id)
            .collect();
        let ids = self
            .crm
            .batch(|b| {
                let mut company_ids: Vec<CompanyId> = Vec::with_capacity(companies as usize);
                for i in 0..companies {
                    let c = data::company(seed, i);
                    company_ids.push(
                        b.create_company(CompanyInput {
                            name: c.name,
                            domains: vec![c.domain],
                            owner: Some(c.owner),
                            ..CompanyInput::default()
                        })?
                        .id,
                    );
                }
                let mut contact_ids = Vec::with_capacity(contacts as usize);
                for i in 0..contacts {
                    let c = data::contact(seed, contacts, i, 0);
                    let id = b.create_contact(input(&c))?.id;
                    if let Some(company) = c.company {
                        b.link_contact_to_company(EmploymentInput {
                            contact: id,
                            company: company_ids[company as usize],
                            role: None,
                            title: None,
                            primary: true,
                        })?;
                    }
                    contact_ids.push(Some(id));
                }
                for i in 0..deals {
                    let d = data::deal(seed, contacts, i);
                    let stage = match d.status {
                        Status::Open(s) => stages[s as usize],
                        Status::Won => stages[4],
                        Status::Lost => stages[5],
                    };
                    b.create_deal(DealInput {
                        title: d.title,
                        stage: Some(stage),
                        company: Some(company_ids[d.company as usize]),
                        owner: Some(d.owner),
                        amount: Some(Money::new(d.amount, Currency::EUR)),
                        ..DealInput::default()
                    })?;
                }
                Ok(contact_ids)
            })
            .map_err(err)?;
        self.contacts = ids;
        Ok(())
    }

    fn get_by_id(&mut self, i: u64) -> Result<Option<String>> {
        let id = self.id(i)?;
        let c = black_box(self.crm.get_contact(id).map_err(err)?);
        Ok(Some(c.display_name))
    }

    fn get_by_email(&mut self, email: &str) -> Result<Option<u64>> {
        let c = black_box(self.crm.find_contact_by_email(email).map_err(err)?);
        Ok(c.and_then(|c| c.primary_email().and_then(index_of_email)))
    }

    fn search(&mut self, text: &str, limit: usize) -> Result<Vec<u64>> {
        let q = SearchQuery {
            text: text.into(),
            kinds: vec![RecordKind::Contact],
            limit: limit as u32,
        };
        self.crm
            .read(|s| {
                let hits = s.search(&q)?;
                let mut out = Vec::with_capacity(hits.len());
                for h in hits {
                    if let crm_core::RecordRef::Contact(id) = h.record {
                        let c = black_box(s.get_contact(id)?);
                        out.extend(c.primary_email().and_then(index_of_email));
                    }
                }
                Ok(out)
            })
            .map_err(err)
    }

    fn search_matches(&mut self, _: &str, _: u64) -> Result<bool> {
        Err("the library is the engine checked, not the checker".into())
    }

    fn search_count(&mut self, text: &str, cap: u64) -> Result<u64> {
        Ok(self.search(text, cap.min(1000) as usize)?.len() as u64)
    }

    fn page(&mut self, tag: &str, cursor: Option<String>) -> Result<(Vec<u64>, Option<String>)> {
        let page = black_box(
            self.crm
                .list_contacts(&ContactQuery {
                    filter: ContactFilter {
                        tags_all: vec![tag.into()],
                        ..ContactFilter::default()
                    },
                    sort: Sort {
                        by: SortBy::Name,
                        descending: false,
                    },
                    limit: 50,
                    cursor,
                })
                .map_err(err)?,
        );
        let ids = page
            .items
            .iter()
            .filter_map(|c| c.primary_email().and_then(index_of_email))
            .collect();
        Ok((ids, page.next_cursor))
    }

    fn analytics(&mut self) -> Result<Vec<OwnerFigures>> {
        let board = self.crm.leaderboard(TimeRange::default()).map_err(err)?;
        let mut out: Vec<OwnerFigures> = board
            .rows
            .into_iter()
            .map(|r| OwnerFigures {
                owner: r.owner.unwrap_or_default(),
                won_value: r.won_value.amount_minor(),
                won: r.won,
                lost: r.lost,
            })
            .collect();
        out.sort();
        Ok(out)
    }

    fn upsert(
        &mut self,
        seed: u64,
        contacts: u64,
        updates: &[u64],
        creates: &[u64],
        version: u64,
    ) -> Result<()> {
        let mut updated = Vec::with_capacity(updates.len());
        for &i in updates {
            updated.push((
                self.id(i)?,
                input(&data::contact(seed, contacts, i, version)),
            ));
        }
        let created = self
            .crm
            .batch(|b| {
                for (id, input) in updated {
                    b.update_contact(id, input)?;
                }
                let mut out = Vec::with_capacity(creates.len());
                for &i in creates {
                    out.push((
                        i,
                        b.create_contact(input(&data::contact(seed, contacts, i, 0)))?
                            .id,
                    ));
                }
                Ok(out)
            })
            .map_err(err)?;
        for (i, id) in created {
            self.set_id(i, Some(id));
        }
        Ok(())
    }

    fn create_one(&mut self, seed: u64, contacts: u64, i: u64) -> Result<()> {
        let c = self
            .crm
            .create_contact(input(&data::contact(seed, contacts, i, 0)))
            .map_err(err)?;
        self.set_id(i, Some(c.id));
        Ok(())
    }

    fn update_one(&mut self, seed: u64, contacts: u64, i: u64, version: u64) -> Result<()> {
        let id = self.id(i)?;
        self.crm
            .update_contact(id, input(&data::contact(seed, contacts, i, version)))
            .map_err(err)?;
        Ok(())
    }

    fn delete_one(&mut self, i: u64) -> Result<()> {
        let id = self.id(i)?;
        self.crm.delete_contact(id).map_err(err)?;
        self.set_id(i, None);
        Ok(())
    }

    fn count(&mut self) -> Result<u64> {
        self.crm
            .count_contacts(&ContactFilter::default())
            .map_err(err)
    }

    fn title_of(&mut self, i: u64) -> Result<Option<String>> {
        let id = self.id(i)?;
        Ok(self.crm.get_contact(id).map_err(err)?.job_title)
    }

    fn file_size(&mut self, dir: &Path) -> Result<u64> {
        dir_size(dir)
    }

    fn compact(&mut self, dir: &Path) -> Result<u64> {
        self.crm.compact().map_err(err)?;
        dir_size(dir)
    }
}

/// Opens the file again and reads one contact by email: the cold-open workload.
pub fn cold_open(dir: &Path, email: &str) -> Result<Option<u64>> {
    let crm = Crm::open(dir.join("library.crm")).map_err(err)?;
    let c = black_box(crm.find_contact_by_email(email).map_err(err)?);
    Ok(c.and_then(|c| c.primary_email().and_then(index_of_email)))
}
