//! The baseline: SQLite through rusqlite, configured fairly.
//!
//! The same logical schema as the library keeps, with an index for every index the library
//! maintains on contacts, companies, employments and deals; a contentless FTS5 table (prefix
//! indexes for 1, 2 and 3 characters) for the text search, fed with the same folded text the
//! library indexes so that both find the same records; WAL with `synchronous=FULL` (durable
//! commits, as the library's); cached prepared statements; and a page cache of the size of
//! redb's default (1 GiB). A contact's rowid is its logical index + 1. Each contact row read
//! is built into owned values ([`ContactRow`]), as the library hands over whole records.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::data::{self, Status};
use crate::engine::{Engine, OwnerFigures, Result, dir_size, err};

/// A contact row built into owned values, as an app keeping its contacts in SQLite reads
/// them, and as the library and raw redb hand over a whole decoded record. (Its tags, in
/// their own table, are not read: the library's record holds them.)
#[allow(dead_code)] // Built as an app would; only some fields are looked at afterwards.
struct ContactRow {
    id: i64,
    given: Option<String>,
    family: Option<String>,
    display: String,
    name_key: String,
    email: String,
    email_key: String,
    phone: Option<String>,
    e164: Option<String>,
    city: Option<String>,
    country: Option<String>,
    title: Option<String>,
    owner: Option<String>,
    stage: Option<String>,
    notes: Option<String>,
    created: i64,
    updated: i64,
}

impl ContactRow {
    /// The row of a `SELECT c.*` (or `*`) from `contact`, by column position; through
    /// `black_box`, so that the compiler cannot skip copying the columns no caller looks at.
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<ContactRow> {
        Ok(std::hint::black_box(ContactRow {
            id: r.get(0)?,
            given: r.get(1)?,
            family: r.get(2)?,
            display: r.get(3)?,
            name_key: r.get(4)?,
            email: r.get(5)?,
            email_key: r.get(6)?,
            phone: r.get(7)?,
            e164: r.get(8)?,
            city: r.get(9)?,
            country: r.get(10)?,
            title: r.get(11)?,
            owner: r.get(12)?,
            stage: r.get(13)?,
            notes: r.get(14)?,
            created: r.get(15)?,
            updated: r.get(16)?,
        }))
    }
}

/// redb's default page cache, in KiB (SQLite takes a negative `cache_size` as KiB).
const CACHE_KIB: i64 = 1024 * 1024;

const SCHEMA: &str = "
CREATE TABLE company (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    domain TEXT NOT NULL,
    owner TEXT,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX company_domain ON company(domain);
CREATE INDEX company_owner ON company(owner);
CREATE INDEX company_name ON company(name_key);
CREATE INDEX company_created ON company(created);
CREATE INDEX company_updated ON company(updated);

CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    given TEXT,
    family TEXT,
    display TEXT NOT NULL,
    name_key TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    phone TEXT,
    e164 TEXT,
    city TEXT,
    country TEXT,
    title TEXT,
    owner TEXT,
    stage TEXT,
    notes TEXT,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX contact_email ON contact(email_key);
CREATE INDEX contact_phone ON contact(e164);
CREATE INDEX contact_owner ON contact(owner);
CREATE INDEX contact_stage ON contact(stage);
CREATE INDEX contact_name ON contact(name_key);
CREATE INDEX contact_created ON contact(created);
CREATE INDEX contact_updated ON contact(updated);

CREATE TABLE contact_tag (
    tag TEXT NOT NULL,
    contact INTEGER NOT NULL,
    PRIMARY KEY (tag, contact)
) WITHOUT ROWID;
CREATE INDEX contact_tag_by_contact ON contact_tag(contact);

CREATE TABLE employment (
    contact INTEGER NOT NULL,
    company INTEGER NOT NULL,
    is_primary INTEGER NOT NULL,
    PRIMARY KEY (contact, company)
) WITHOUT ROWID;
CREATE INDEX employment_by_company ON employment(company);

CREATE TABLE deal (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    company INTEGER,
    owner TEXT,
    stage INTEGER NOT NULL,
    status TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);
CREATE INDEX deal_stage ON deal(stage);
CREATE INDEX deal_status ON deal(status);
CREATE INDEX deal_owner ON deal(owner);
CREATE INDEX deal_company ON deal(company);
CREATE INDEX deal_name ON deal(title_key);
CREATE INDEX deal_created ON deal(created);
CREATE INDEX deal_updated ON deal(updated);

CREATE TABLE stage_change (
    deal INTEGER NOT NULL,
    at INTEGER NOT NULL,
    to_stage INTEGER NOT NULL,
    PRIMARY KEY (deal, at)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE contact_fts USING fts5(
    name, email, phone, other,
    content='', contentless_delete=1, prefix='1 2 3'
);
";

/// The SQLite engine.
pub struct Sqlite {
    db: Connection,
    /// A stand-in for the clock: microseconds, increasing with every write.
    now: i64,
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The four FTS columns of a contact, folded as the library folds them.
fn fts_columns(c: &data::Contact) -> [String; 4] {
    let f = crm_core::fold_text;
    let name = format!("{} {} {}", f(&c.given), f(&c.family), f(&c.display_name()));
    let phone = format!("{} {}", digits(&c.phone), c.e164.trim_start_matches('+'));
    let mut other = f(c.title);
    for t in &c.tags {
        other.push(' ');
        other.push_str(&f(t));
    }
    other.push(' ');
    other.push_str(&f(c.city));
    other.push(' ');
    other.push_str(&f(&c.notes));
    [name, f(&c.email), phone, other]
}

/// The FTS5 query for what the user typed: every word a prefix, all required.
fn fts_query(text: &str) -> String {
    let folded = crm_core::fold_text(text);
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

impl Sqlite {
    fn tick(&mut self) -> i64 {
        self.now += 1;
        self.now
    }

    fn insert_contact(
        tx: &Connection,
        now: i64,
        i: u64,
        c: &data::Contact,
        company_rowid: Option<i64>,
    ) -> Result<()> {
        let id = i as i64 + 1;
        let display = c.display_name();
        tx.prepare_cached(
            "INSERT INTO contact (id, given, family, display, name_key, email, email_key, phone,
             e164, city, country, title, owner, stage, notes, created, updated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULL, ?14, ?15, ?15)",
        )
        .map_err(err)?
        .execute(params![
            id,
            c.given,
            c.family,
            display,
            crm_core::fold_text(&display),
            c.email,
            c.email.to_lowercase(),
            c.phone,
            c.e164,
            c.city,
            c.country,
            c.title,
            c.owner,
            c.notes,
            now
        ])
        .map_err(err)?;
        let mut tag = tx
            .prepare_cached("INSERT INTO contact_tag (tag, contact) VALUES (?1, ?2)")
            .map_err(err)?;
        for t in &c.tags {
            tag.execute(params![t, id]).map_err(err)?;
        }
        if let Some(company) = company_rowid {
            tx.prepare_cached(
                "INSERT INTO employment (contact, company, is_primary) VALUES (?1, ?2, 1)",
            )
            .map_err(err)?
            .execute(params![id, company])
            .map_err(err)?;
        }
        let [name, email, phone, other] = fts_columns(c);
        tx.prepare_cached(
            "INSERT INTO contact_fts (rowid, name, email, phone, other) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(err)?
        .execute(params![id, name, email, phone, other])
        .map_err(err)?;
        Ok(())
    }

    fn remove_contact(tx: &Connection, i: u64) -> Result<()> {
        let id = i as i64 + 1;
        for sql in [
            "DELETE FROM contact_tag WHERE contact = ?1",
            "DELETE FROM employment WHERE contact = ?1",
            "DELETE FROM contact_fts WHERE rowid = ?1",
            "DELETE FROM contact WHERE id = ?1",
        ] {
            tx.prepare_cached(sql)
                .map_err(err)?
                .execute([id])
                .map_err(err)?;
        }
        Ok(())
    }

    /// Replaces a contact: its row, tags, employment and text, as an app would.
    fn replace_contact(tx: &Connection, now: i64, i: u64, c: &data::Contact) -> Result<()> {
        let company = c.company.map(|c| c as i64 + 1);
        Self::remove_contact(tx, i)?;
        Self::insert_contact(tx, now, i, c, company)
    }

    fn index_of_rowid(id: i64) -> u64 {
        (id - 1) as u64
    }
}

impl Engine for Sqlite {
    fn open(dir: &Path, fresh: bool) -> Result<Self> {
        let path = dir.join("sqlite.db");
        if fresh {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(dir.join(format!("sqlite.db{ext}")));
            }
        }
        let db = Connection::open(&path).map_err(err)?;
        db.execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA cache_size = -{CACHE_KIB};
             PRAGMA temp_store = MEMORY;"
        ))
        .map_err(err)?;
        db.set_prepared_statement_cache_capacity(64);
        if fresh {
            db.execute_batch(SCHEMA).map_err(err)?;
        }
        Ok(Sqlite { db, now: 0 })
    }

    fn import(&mut self, seed: u64, contacts: u64) -> Result<()> {
        let (companies, deals) = data::sizes(contacts);
        let now = self.tick();
        let tx = self.db.transaction().map_err(err)?;
        {
            let mut company = tx
                .prepare_cached(
                    "INSERT INTO company (id, name, name_key, domain, owner, created, updated)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                )
                .map_err(err)?;
            for i in 0..companies {
                let c = data::company(seed, i);
                company
                    .execute(params![
                        i as i64 + 1,
                        c.name,
                        crm_core::fold_text(&c.name),
                        c.domain,
                        c.owner,
                        now
                    ])
                    .map_err(err)?;
            }
            for i in 0..contacts {
                let c = data::contact(seed, contacts, i, 0);
                Self::insert_contact(&tx, now, i, &c, c.company.map(|c| c as i64 + 1))?;
            }
            let mut deal = tx
                .prepare_cached(
                    "INSERT INTO deal (id, title, title_key, company, owner, stage, status,
                     amount, currency, created, updated)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'EUR', ?9, ?9)",
                )
                .map_err(err)?;
            let mut change = tx
                .prepare_cached("INSERT INTO stage_change (deal, at, to_stage) VALUES (?1, ?2, ?3)")
                .map_err(err)?;
            for i in 0..deals {
                let d = data::deal(seed, contacts, i);
                let (stage, status) = match d.status {
                    Status::Open(s) => (i64::from(s), "open"),
                    Status::Won => (4, "won"),
                    Status::Lost => (5, "lost"),
                };
                deal.execute(params![
                    i as i64 + 1,
                    d.title,
                    crm_core::fold_text(&d.title),
                    d.company as i64 + 1,
                    d.owner,
                    stage,
                    status,
                    d.amount,
                    now
                ])
                .map_err(err)?;
                change
                    .execute(params![i as i64 + 1, now, stage])
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    fn get_by_id(&mut self, i: u64) -> Result<Option<String>> {
        // The whole row, as the library reads the whole record.
        self.db
            .prepare_cached("SELECT * FROM contact WHERE id = ?1")
            .map_err(err)?
            .query_row([i as i64 + 1], ContactRow::read)
            .optional()
            .map(|row| row.map(|row| row.display))
            .map_err(err)
    }

    fn get_by_email(&mut self, email: &str) -> Result<Option<u64>> {
        self.db
            .prepare_cached("SELECT * FROM contact WHERE email_key = ?1")
            .map_err(err)?
            .query_row([email.to_lowercase()], ContactRow::read)
            .optional()
            .map(|row| row.map(|row| Self::index_of_rowid(row.id)))
            .map_err(err)
    }

    fn search(&mut self, text: &str, limit: usize) -> Result<Vec<u64>> {
        let q = fts_query(text);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        // Ranked by bm25 with the library's field weights, and the records fetched.
        let mut stmt = self
            .db
            .prepare_cached(
                "SELECT c.* FROM (
                     SELECT rowid AS id, bm25(contact_fts, 8.0, 4.0, 4.0, 2.0) AS score
                     FROM contact_fts WHERE contact_fts MATCH ?1
                     ORDER BY score LIMIT ?2
                 ) AS hit JOIN contact c ON c.id = hit.id ORDER BY hit.score",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![q, limit as i64], ContactRow::read)
            .map_err(err)?;
        rows.map(|r| r.map(|row| Self::index_of_rowid(row.id)).map_err(err))
            .collect()
    }

    fn search_matches(&mut self, text: &str, i: u64) -> Result<bool> {
        let q = fts_query(text);
        self.db
            .prepare_cached("SELECT 1 FROM contact_fts WHERE contact_fts MATCH ?1 AND rowid = ?2")
            .map_err(err)?
            .query_row(params![q, i as i64 + 1], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(err)
    }

    fn search_count(&mut self, text: &str, cap: u64) -> Result<u64> {
        let q = fts_query(text);
        self.db
            .prepare_cached(
                "SELECT count(*) FROM (SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?1 LIMIT ?2)",
            )
            .map_err(err)?
            .query_row(params![q, cap as i64], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(err)
    }

    fn page(&mut self, tag: &str, cursor: Option<String>) -> Result<(Vec<u64>, Option<String>)> {
        // Keyset pagination on (name_key, id), as the library's cursor.
        let (after_key, after_id) = match &cursor {
            Some(c) => {
                let (k, id) = c.rsplit_once('\u{1}').ok_or("bad cursor")?;
                (k.to_string(), id.parse::<i64>().map_err(err)?)
            }
            None => (String::new(), 0),
        };
        let mut stmt = self
            .db
            .prepare_cached(
                "SELECT c.* FROM contact c JOIN contact_tag t ON t.contact = c.id
                 WHERE t.tag = ?1 AND (c.name_key, c.id) > (?2, ?3)
                 ORDER BY c.name_key, c.id LIMIT 50",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![tag, after_key, after_id], |r| {
                ContactRow::read(r).map(|row| (row.id, row.name_key))
            })
            .map_err(err)?;
        let rows: Vec<(i64, String)> = rows.collect::<rusqlite::Result<_>>().map_err(err)?;
        let next = (rows.len() == 50)
            .then(|| rows.last().map(|(id, k)| format!("{k}\u{1}{id}")))
            .flatten();
        Ok((
            rows.into_iter()
                .map(|(id, _)| Self::index_of_rowid(id))
                .collect(),
            next,
        ))
    }

    fn analytics(&mut self) -> Result<Vec<OwnerFigures>> {
        let mut stmt = self
            .db
            .prepare_cached(
                "SELECT owner,
                        coalesce(sum(CASE WHEN status = 'won' THEN amount END), 0),
                        sum(status = 'won'), sum(status = 'lost')
                 FROM deal WHERE status IN ('won', 'lost')
                 GROUP BY owner ORDER BY owner",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(OwnerFigures {
                    owner: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    won_value: r.get(1)?,
                    won: r.get::<_, i64>(2)? as u64,
                    lost: r.get::<_, i64>(3)? as u64,
                })
            })
            .map_err(err)?;
        let mut out: Vec<OwnerFigures> = rows.collect::<rusqlite::Result<_>>().map_err(err)?;
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
        let now = self.tick();
        let tx = self.db.transaction().map_err(err)?;
        for &i in updates {
            Self::replace_contact(&tx, now, i, &data::contact(seed, contacts, i, version))?;
        }
        for &i in creates {
            let c = data::contact(seed, contacts, i, 0);
            Self::insert_contact(&tx, now, i, &c, c.company.map(|c| c as i64 + 1))?;
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
        let tx = self.db.transaction().map_err(err)?;
        Self::remove_contact(&tx, i)?;
        tx.commit().map_err(err)
    }

    fn count(&mut self) -> Result<u64> {
        self.db
            .prepare_cached("SELECT count(*) FROM contact")
            .map_err(err)?
            .query_row([], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(err)
    }

    fn title_of(&mut self, i: u64) -> Result<Option<String>> {
        self.db
            .prepare_cached("SELECT title FROM contact WHERE id = ?1")
            .map_err(err)?
            .query_row([i as i64 + 1], |r| r.get::<_, Option<String>>(0))
            .optional()
            .map(Option::flatten)
            .map_err(err)
    }

    fn file_size(&mut self, dir: &Path) -> Result<u64> {
        self.db
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(err)?;
        dir_size(dir)
    }

    fn compact(&mut self, dir: &Path) -> Result<u64> {
        self.db.execute_batch("VACUUM;").map_err(err)?;
        self.file_size(dir)
    }
}

/// Opens the database again and reads one contact by email: the cold-open workload.
pub fn cold_open(dir: &Path, email: &str) -> Result<Option<u64>> {
    let mut s = Sqlite::open(dir, false)?;
    s.get_by_email(email)
}
