//! The physical limit: redb holding the library's record bytes by id, with no index at all.
//!
//! Records are the library's own types (`crm_core::Contact`, `Company`, `Employment`, `Deal`)
//! encoded with minicbor as the library stores them, under a 16-byte big-endian id. Only the
//! workloads that need no index run here: import, reads by id, writes by id, a full scan for
//! the deals analytics, file size and cold open.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use crm_core::{
    Address, Company, CompanyId, Contact, ContactId, Currency, Deal, DealId, Email, Employment,
    EmploymentId, FieldValue, Money, Phone, PipelineId, StageId, StageKind,
};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};

use crate::data::{self, Status};
use crate::engine::{Engine, OwnerFigures, Result, dir_size, err};

const CONTACTS: TableDefinition<u128, &[u8]> = TableDefinition::new("contacts");
const COMPANIES: TableDefinition<u128, &[u8]> = TableDefinition::new("companies");
const EMPLOYMENTS: TableDefinition<u128, &[u8]> = TableDefinition::new("employments");
const DEALS: TableDefinition<u128, &[u8]> = TableDefinition::new("deals");

/// Id spaces, so the kinds' ids never collide (they share nothing, but stay readable).
const CONTACT_BASE: u128 = 1 << 100;
const COMPANY_BASE: u128 = 2 << 100;
const EMPLOYMENT_BASE: u128 = 3 << 100;
const DEAL_BASE: u128 = 4 << 100;

/// The raw redb engine.
pub struct RawRedb {
    db: Database,
    buf: Vec<u8>,
}

fn now() -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000, 0)
        .single()
        .unwrap_or_default()
}

/// Contact `i` as the library's record.
pub fn contact_record(c: &data::Contact, i: u64) -> Contact {
    let mut custom = BTreeMap::new();
    if !c.notes.is_empty() {
        custom.insert("notes".to_string(), FieldValue::Text(c.notes.clone()));
    }
    let mut phone = Phone::new(&c.phone);
    phone.e164 = Some(c.e164.clone());
    Contact {
        id: ContactId::from_u128(CONTACT_BASE + u128::from(i)),
        given_name: Some(c.given.clone()),
        family_name: Some(c.family.clone()),
        display_name: c.display_name(),
        emails: vec![Email {
            address: c.email.clone(),
            label: None,
            primary: true,
        }],
        phones: vec![phone],
        addresses: vec![Address {
            city: Some(c.city.into()),
            country: Some(c.country.into()),
            ..Address::default()
        }],
        birthday: None,
        language: None,
        job_title: Some(c.title.into()),
        owner: Some(c.owner.clone()),
        source: None,
        lifecycle_stage: None,
        tags: c.tags.clone(),
        custom_fields: custom,
        created_at: now(),
        updated_at: now(),
        archived_at: None,
    }
}

fn company_record(c: data::Company, i: u64) -> Company {
    Company {
        id: CompanyId::from_u128(COMPANY_BASE + u128::from(i)),
        name: c.name,
        domains: vec![c.domain],
        industry: None,
        size: None,
        addresses: Vec::new(),
        kinds: Vec::new(),
        parent: None,
        owner: Some(c.owner),
        tags: Vec::new(),
        custom_fields: BTreeMap::new(),
        created_at: now(),
        updated_at: now(),
        archived_at: None,
    }
}

fn employment_record(contact: u64, company: u64) -> Employment {
    Employment {
        id: EmploymentId::from_u128(EMPLOYMENT_BASE + u128::from(contact)),
        contact: ContactId::from_u128(CONTACT_BASE + u128::from(contact)),
        company: CompanyId::from_u128(COMPANY_BASE + u128::from(company)),
        role: None,
        title: None,
        primary: true,
        created_at: now(),
        updated_at: now(),
    }
}

fn deal_record(d: data::Deal, i: u64) -> Deal {
    let (stage, status, probability) = match d.status {
        Status::Open(s) => (u128::from(s), StageKind::Open, [10, 20, 50, 80][s as usize]),
        Status::Won => (4, StageKind::Won, 100),
        Status::Lost => (5, StageKind::Lost, 0),
    };
    let amount = Money::new(d.amount, Currency::EUR);
    let closed = status != StageKind::Open;
    Deal {
        id: DealId::from_u128(DEAL_BASE + u128::from(i)),
        title: d.title,
        pipeline: PipelineId::from_u128(1),
        stage: StageId::from_u128(2 + stage),
        status,
        company: Some(CompanyId::from_u128(COMPANY_BASE + u128::from(d.company))),
        contacts: Vec::new(),
        owner: Some(d.owner),
        amount: Some(amount),
        expected_close: None,
        probability_override: None,
        probability,
        source: None,
        lost_reason: None,
        closed_at: closed.then(now),
        closed_value: (status == StageKind::Won).then_some(amount),
        line_items: Vec::new(),
        totals: None,
        price_list: None,
        origin: None,
        tags: Vec::new(),
        custom_fields: BTreeMap::new(),
        stage_entered_at: now(),
        rotten: false,
        created_at: now(),
        updated_at: now(),
        archived_at: None,
    }
}

fn encode<T: minicbor::Encode<()>>(value: &T, buf: &mut Vec<u8>) {
    buf.clear();
    // Writing into a Vec cannot fail.
    let _ = minicbor::encode(value, &mut *buf);
}

impl RawRedb {
    fn put_contact(
        &mut self,
        tx: &redb::WriteTransaction,
        seed: u64,
        contacts: u64,
        i: u64,
        version: u64,
    ) -> Result<()> {
        let c = data::contact(seed, contacts, i, version);
        encode(&contact_record(&c, i), &mut self.buf);
        let mut t = tx.open_table(CONTACTS).map_err(err)?;
        t.insert(CONTACT_BASE + u128::from(i), self.buf.as_slice())
            .map_err(err)?;
        if version == 0
            && let Some(company) = c.company
        {
            encode(&employment_record(i, company), &mut self.buf);
            let mut e = tx.open_table(EMPLOYMENTS).map_err(err)?;
            e.insert(EMPLOYMENT_BASE + u128::from(i), self.buf.as_slice())
                .map_err(err)?;
        }
        Ok(())
    }
}

impl Engine for RawRedb {
    fn open(dir: &Path, fresh: bool) -> Result<Self> {
        let path = dir.join("raw.redb");
        let db = if fresh {
            let _ = std::fs::remove_file(&path);
            Database::create(&path).map_err(err)?
        } else {
            Database::open(&path).map_err(err)?
        };
        Ok(RawRedb {
            db,
            buf: Vec::with_capacity(4096),
        })
    }

    fn indexed(&self) -> bool {
        false
    }

    fn import(&mut self, seed: u64, contacts: u64) -> Result<()> {
        let (companies, deals) = data::sizes(contacts);
        let tx = self.db.begin_write().map_err(err)?;
        {
            let mut t = tx.open_table(COMPANIES).map_err(err)?;
            for i in 0..companies {
                encode(&company_record(data::company(seed, i), i), &mut self.buf);
                t.insert(COMPANY_BASE + u128::from(i), self.buf.as_slice())
                    .map_err(err)?;
            }
            let mut t = tx.open_table(CONTACTS).map_err(err)?;
            let mut e = tx.open_table(EMPLOYMENTS).map_err(err)?;
            for i in 0..contacts {
                let c = data::contact(seed, contacts, i, 0);
                encode(&contact_record(&c, i), &mut self.buf);
                t.insert(CONTACT_BASE + u128::from(i), self.buf.as_slice())
                    .map_err(err)?;
                if let Some(company) = c.company {
                    encode(&employment_record(i, company), &mut self.buf);
                    e.insert(EMPLOYMENT_BASE + u128::from(i), self.buf.as_slice())
                        .map_err(err)?;
                }
            }
            let mut t = tx.open_table(DEALS).map_err(err)?;
            for i in 0..deals {
                encode(
                    &deal_record(data::deal(seed, contacts, i), i),
                    &mut self.buf,
                );
                t.insert(DEAL_BASE + u128::from(i), self.buf.as_slice())
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    fn get_by_id(&mut self, i: u64) -> Result<Option<String>> {
        let tx = self.db.begin_read().map_err(err)?;
        let t = tx.open_table(CONTACTS).map_err(err)?;
        let Some(bytes) = t.get(CONTACT_BASE + u128::from(i)).map_err(err)? else {
            return Ok(None);
        };
        let c: Contact = std::hint::black_box(minicbor::decode(bytes.value()).map_err(err)?);
        Ok(Some(c.display_name))
    }

    fn get_by_email(&mut self, _: &str) -> Result<Option<u64>> {
        Err("raw redb has no index".into())
    }

    fn search(&mut self, _: &str, _: usize) -> Result<Vec<u64>> {
        Err("raw redb has no index".into())
    }

    fn search_matches(&mut self, _: &str, _: u64) -> Result<bool> {
        Err("raw redb has no index".into())
    }

    fn search_count(&mut self, _: &str, _: u64) -> Result<u64> {
        Err("raw redb has no index".into())
    }

    fn page(&mut self, _: &str, _: Option<String>) -> Result<(Vec<u64>, Option<String>)> {
        Err("raw redb has no index".into())
    }

    fn analytics(&mut self) -> Result<Vec<OwnerFigures>> {
        // A full scan decoding every deal: what any query costs without an index.
        let tx = self.db.begin_read().map_err(err)?;
        let t = tx.open_table(DEALS).map_err(err)?;
        let mut by_owner: BTreeMap<String, OwnerFigures> = BTreeMap::new();
        for row in t.iter().map_err(err)? {
            let (_, bytes) = row.map_err(err)?;
            let d: Deal = minicbor::decode(bytes.value()).map_err(err)?;
            if d.status == StageKind::Open {
                continue;
            }
            let owner = d.owner.unwrap_or_default();
            let f = by_owner.entry(owner.clone()).or_insert(OwnerFigures {
                owner,
                won_value: 0,
                won: 0,
                lost: 0,
            });
            if d.status == StageKind::Won {
                f.won += 1;
                f.won_value += d.amount.map_or(0, |m| m.amount_minor());
            } else {
                f.lost += 1;
            }
        }
        Ok(by_owner.into_values().collect())
    }

    fn upsert(
        &mut self,
        seed: u64,
        contacts: u64,
        updates: &[u64],
        creates: &[u64],
        version: u64,
    ) -> Result<()> {
        let tx = self.db.begin_write().map_err(err)?;
        for &i in updates {
            self.put_contact(&tx, seed, contacts, i, version)?;
        }
        for &i in creates {
            self.put_contact(&tx, seed, contacts, i, 0)?;
        }
        tx.commit().map_err(err)
    }

    fn create_one(&mut self, seed: u64, contacts: u64, i: u64) -> Result<()> {
        self.upsert(seed, contacts, &[], &[i], 0)
    }

    fn update_one(&mut self, seed: u64, contacts: u64, i: u64, version: u64) -> Result<()> {
        self.upsert(seed, contacts, &[i], &[], version)
    }

    fn delete_one(&mut self, i: u64) -> Result<()> {
        let tx = self.db.begin_write().map_err(err)?;
        {
            let mut t = tx.open_table(CONTACTS).map_err(err)?;
            t.remove(CONTACT_BASE + u128::from(i)).map_err(err)?;
            let mut e = tx.open_table(EMPLOYMENTS).map_err(err)?;
            e.remove(EMPLOYMENT_BASE + u128::from(i)).map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    fn count(&mut self) -> Result<u64> {
        let tx = self.db.begin_read().map_err(err)?;
        let t = tx.open_table(CONTACTS).map_err(err)?;
        t.len().map_err(err)
    }

    fn title_of(&mut self, i: u64) -> Result<Option<String>> {
        let tx = self.db.begin_read().map_err(err)?;
        let t = tx.open_table(CONTACTS).map_err(err)?;
        let Some(bytes) = t.get(CONTACT_BASE + u128::from(i)).map_err(err)? else {
            return Ok(None);
        };
        let c: Contact = minicbor::decode(bytes.value()).map_err(err)?;
        Ok(c.job_title)
    }

    fn file_size(&mut self, dir: &Path) -> Result<u64> {
        dir_size(dir)
    }

    fn compact(&mut self, dir: &Path) -> Result<u64> {
        self.db.compact().map_err(err)?;
        dir_size(dir)
    }
}

/// Opens the file again and reads one contact by id: the cold-open workload (raw redb has
/// no email index).
pub fn cold_open(dir: &Path, i: u64) -> Result<Option<String>> {
    let mut r = RawRedb::open(dir, false)?;
    r.get_by_id(i)
}
