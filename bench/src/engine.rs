//! What every engine implements: the workloads, in terms of the logical records of
//! [`crate::data`] (contact `i`, company `i`, deal `i`), so that results compare across engines.

use std::path::Path;

/// A benchmark failure (engine errors are turned into text: this is a measuring tool).
pub type Result<T> = std::result::Result<T, String>;

/// Turns any error into the harness's.
pub fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// One owner's results over the closed deals.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct OwnerFigures {
    /// The owner.
    pub owner: String,
    /// Value won, in euro cents.
    pub won_value: i64,
    /// Deals won.
    pub won: u64,
    /// Deals lost.
    pub lost: u64,
}

/// A storage engine under test.
pub trait Engine: Sized {
    /// Opens (creating when `fresh`) the engine's files under `dir`.
    fn open(dir: &Path, fresh: bool) -> Result<Self>;

    /// Imports `contacts` contacts with their companies, employments and deals in one
    /// transaction.
    fn import(&mut self, seed: u64, contacts: u64) -> Result<()>;

    /// The display name of contact `i`, read by its id.
    fn get_by_id(&mut self, i: u64) -> Result<Option<String>>;

    /// Whether the engine has indexes (raw redb has none: only by-id workloads apply).
    fn indexed(&self) -> bool {
        true
    }

    /// The contact holding `email`, as its logical index.
    fn get_by_email(&mut self, email: &str) -> Result<Option<u64>>;

    /// The top `limit` contacts for a search, their records fetched, as logical indexes.
    fn search(&mut self, text: &str, limit: usize) -> Result<Vec<u64>>;

    /// Whether contact `i` matches a search (for checking another engine's results).
    fn search_matches(&mut self, text: &str, i: u64) -> Result<bool>;

    /// How many contacts match a search, counting up to `cap`.
    fn search_count(&mut self, text: &str, cap: u64) -> Result<u64>;

    /// Pages of 50 contacts tagged `tag`, by name: the page after `cursor` and the next
    /// cursor.
    fn page(&mut self, tag: &str, cursor: Option<String>) -> Result<(Vec<u64>, Option<String>)>;

    /// Won value, won and lost deals per owner, by owner.
    fn analytics(&mut self) -> Result<Vec<OwnerFigures>>;

    /// One transaction of upserts: contact `i` is replaced by its version `version` for each
    /// `update`, and contact `i` is created for each `create`.
    fn upsert(
        &mut self,
        seed: u64,
        contacts: u64,
        updates: &[u64],
        creates: &[u64],
        version: u64,
    ) -> Result<()>;

    /// Creates contact `i`, durably, on its own.
    fn create_one(&mut self, seed: u64, contacts: u64, i: u64) -> Result<()>;

    /// Replaces contact `i` by its version `version`, durably, on its own.
    fn update_one(&mut self, seed: u64, contacts: u64, i: u64, version: u64) -> Result<()>;

    /// Deletes contact `i`, durably, on its own.
    fn delete_one(&mut self, i: u64) -> Result<()>;

    /// How many contacts there are.
    fn count(&mut self) -> Result<u64>;

    /// The job title of contact `i` (to check upserts).
    fn title_of(&mut self, i: u64) -> Result<Option<String>>;

    /// Brings the files to rest (checkpoint) and returns their total size in bytes.
    fn file_size(&mut self, dir: &Path) -> Result<u64>;

    /// Gives unused space back with the engine's own tool and returns the files' size.
    fn compact(&mut self, dir: &Path) -> Result<u64>;
}

/// The logical index of a contact from its generated email (`given.family.<i>@domain`).
pub fn index_of_email(email: &str) -> Option<u64> {
    let local = email.split('@').next()?;
    local.rsplit('.').next()?.parse().ok()
}

/// The total size of the regular files under `dir`.
pub fn dir_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for e in std::fs::read_dir(dir).map_err(err)? {
        let m = e.map_err(err)?.metadata().map_err(err)?;
        if m.is_file() {
            total += m.len();
        }
    }
    Ok(total)
}
