//! The scenario format and its Rust runner.
//!
//! A scenario is a JSON file under `tests/scenarios/`:
//!
//! ```json
//! {
//!   "description": "what the scenario shows",
//!   "open": { "now": "2026-11-22T09:00:00Z", "step_millis": 1000, "phone_region": "PL" },
//!   "steps": [
//!     { "op": "create_contact", "args": { "input": { "given_name": "Zofia" } },
//!       "save": "zofia", "expect": { "display_name": "Zofia" } },
//!     { "op": "get_contact", "args": { "id": "$zofia.id" }, "expect": { "given_name": "Zofia" } },
//!     { "op": "create_contact", "args": { "input": {} },
//!       "error": { "code": "validation", "field": "display_name" } }
//!   ]
//! }
//! ```
//!
//! Every runtime runs the same files the same way, once on each storage backend it has:
//! - The backends: in memory (every runtime), a file (a new file in a temporary directory:
//!   the Rust, Python and Kotlin runners), and the Origin Private File System (a new file
//!   name per scenario, inside Chromium's dedicated worker: the JavaScript runner there).
//!   WebAssembly in Node has no file system for the library, so Node runs in memory only.
//!   Each run starts from an empty store; a failure names the backend it happened on.
//! - The CRM is opened on the backend with a clock that starts at `open.now` and moves
//!   `open.step_millis` after every reading, sequential ids, and `open.phone_region` as the
//!   default phone region, so ids and timestamps are the same everywhere.
//! - `op` names a method of the binding's `Crm` (the Rust name; JavaScript and Kotlin use it
//!   in camelCase). `args` holds the arguments by name, in parameter order, in the JSON form
//!   of the core's types; an argument the bindings give a default (such as `limit` of
//!   `search_activities`) may be left out. An argument named `progress` is not data: `null`
//!   means a callback that never cancels, `{"cancel_at": n}` one that cancels once
//!   `done >= n`.
//! - A string `"$name.path.to.value"` anywhere in `args` or `expect` is replaced by that part
//!   of the result saved under `name` by an earlier step's `save`.
//! - `expect` is matched against the result as JSON: objects match when every expected key
//!   matches (extra keys are ignored), arrays need the same length and matching items, other
//!   values must be equal. `{"$len": n}` matches an array of `n` items; a result of bytes is
//!   seen as `{"bytes": <length>}`. Instants are compared as instants. An `expect` of `null`
//!   expects a null result; a step without `expect` checks nothing.
//! - `error` expects the step to fail with that error `code` (and `field`, when given).
//! - The step `{"op": "$reopen_from_backup", "args": {"backup": "name"}}` replaces the CRM by
//!   one opened from the bytes a `backup` step saved under `name`, on the same backend, on the
//!   same clock (which keeps its time: it is not reset to `open.now`) with sequential ids and
//!   the same phone region: in memory from the bytes (`open_bytes`), on a file by writing the
//!   bytes to a new file beside the first and opening that, in OPFS by restoring them to a new
//!   file name (`restoreOpfs`). The CRM it replaces is dropped (freed) without `close`.
//! - The step `{"op": "$advance_clock", "args": {"millis": n}}` moves the scenario's clock
//!   forward by `n` milliseconds (a whole number) without reading it, as time passing
//!   between operations does: deals rot, quotes expire, stage times and sales cycles grow.
//!   It changes nothing else and produces no result; it takes no `expect`, `error` or `save`.
//!   A reopened CRM reads the same clock, so advancing works before and after reopening.
//! - The steps `{"op": "$begin"}`, `{"op": "$commit"}` and `{"op": "$rollback"}` (no `args`)
//!   begin a transaction and commit it or roll it back; in between, every read and write runs
//!   in it and sees what it wrote (the bindings' handle from `begin()`; in Rust
//!   `Crm::begin` and `Transaction::run`), while `verify`, `compact` and `close` run on the
//!   CRM. `$commit` may `expect` or `error` like an operation (its result is `null`). A
//!   scenario may not reopen a backup, begin a second transaction, or end while one is open.
//! - The step `{"op": "$rescue", "args": {"backup": "name", "damage": ["text", …]}}` damages
//!   a copy of the bytes a `backup` step saved under `name`, then rescues it: for each text,
//!   the first byte of its first occurrence (as UTF-8) in the bytes is XORed with `0x01` (the
//!   step fails when a text is not there: pick texts that appear once, such as a name with
//!   its diacritics, which search terms do not keep). The binding's `rescue_bytes` is called
//!   on the result with sequential ids, the phone region and a clock of its own that starts
//!   where the scenario's stands (which the rescue does not move); its report is
//!   the step's result (`expect`, `error` and `save` as for an operation), and on success the
//!   CRM is replaced by one opened from the rescued bytes as `$reopen_from_backup` does.
//! - When the steps are done, the runner closes the CRM (`close`, which on a file writes the
//!   changes recent writes left aside into the tables; closing a closed CRM is harmless). A
//!   close that fails fails the scenario.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use crm_core::{Batch, Crm, Error, ManualClock, Progress, SequentialIds, Transaction};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// How a scenario's CRM is opened.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Open {
    /// The clock's first reading.
    pub now: DateTime<Utc>,
    /// How far the clock moves after each reading.
    pub step_millis: i64,
    /// The default phone region.
    pub phone_region: Option<String>,
}

impl Default for Open {
    fn default() -> Self {
        Open {
            now: DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z")
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
            step_millis: 1000,
            phone_region: Some("PL".into()),
        }
    }
}

/// One step of a scenario.
#[derive(Debug, Clone, Deserialize)]
pub struct Step {
    /// The operation.
    pub op: String,
    /// Its arguments, by name.
    #[serde(default)]
    pub args: Map<String, Value>,
    /// The expected result; an `expect` of `null` expects a null result.
    #[serde(default, deserialize_with = "present")]
    pub expect: Option<Value>,
    /// The expected error.
    #[serde(default)]
    pub error: Option<ExpectedError>,
    /// The name to save the result under.
    #[serde(default)]
    pub save: Option<String>,
}

/// Reads a value that is present in the file, `null` included, as `Some`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// An expected error.
#[derive(Debug, Clone, Deserialize)]
pub struct ExpectedError {
    /// The error code, such as `validation`.
    pub code: String,
    /// The field, when the error names one.
    #[serde(default)]
    pub field: Option<String>,
}

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    /// What the scenario shows.
    pub description: String,
    /// How the CRM is opened.
    #[serde(default)]
    pub open: Open,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The directory of the scenario files.
pub fn scenario_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
}

/// Every scenario file, by name, sorted.
pub fn load_all() -> Vec<(String, Scenario)> {
    let mut files: Vec<_> = std::fs::read_dir(scenario_dir())
        .expect("the scenarios directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a readable scenario");
            let s: Scenario =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                s,
            )
        })
        .collect()
}

/// The clock of a scenario: it starts at `open.now` and moves `open.step_millis` after every
/// reading. One clock serves the whole scenario, across reopenings.
pub fn clock(o: &Open) -> Arc<ManualClock> {
    Arc::new(ManualClock::stepping(
        o.now,
        Duration::milliseconds(o.step_millis),
    ))
}

/// Where a scenario's CRM is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// In memory: `open_in_memory`, and `open_bytes` to reopen a backup.
    Memory,
    /// Files in this directory (which must exist): `open(path)` on a new file, and to reopen a
    /// backup, its bytes written to another new file there and opened the same way.
    File(PathBuf),
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::Memory => f.write_str("memory"),
            Backend::File(dir) => write!(f, "file in {}", dir.display()),
        }
    }
}

/// A path in `dir` named after `stem` where no file is yet (`stem.crm`, `stem-2.crm`, ...).
fn new_file(dir: &Path, stem: &str) -> PathBuf {
    (1u32..)
        .map(|n| match n {
            1 => dir.join(format!("{stem}.crm")),
            n => dir.join(format!("{stem}-{n}.crm")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("{stem}.crm")))
}

/// Opens a CRM as a scenario says, on the scenario's clock, on `backend`: a new, empty one,
/// or one holding a copy of backup `bytes` (in memory from the bytes; on a file by writing
/// them to a new file in the backend's directory and opening it).
pub fn open(
    o: &Open,
    clock: &Arc<ManualClock>,
    backend: &Backend,
    bytes: Option<Vec<u8>>,
) -> Result<Crm, String> {
    let mut b = Crm::builder()
        .clock(clock.clone())
        .id_source(Arc::new(SequentialIds::new()));
    if let Some(r) = &o.phone_region {
        b = b.default_phone_region(r);
    }
    let opened = match (backend, bytes) {
        (Backend::Memory, Some(bytes)) => b.open_bytes(bytes),
        (Backend::Memory, None) => b.open_in_memory(),
        (Backend::File(dir), Some(bytes)) => {
            let path = new_file(dir, "reopened");
            std::fs::write(&path, bytes)
                .map_err(|e| format!("writing the backup to {}: {e}", path.display()))?;
            b.open(&path)
        }
        (Backend::File(dir), None) => b.open(new_file(dir, "scenario")),
    };
    opened.map_err(|e| format!("the scenario's CRM does not open: {e}"))
}

/// Damages `bytes` where `text` first appears (see the `$rescue` step).
pub fn damage(bytes: &mut [u8], text: &str) -> Result<(), String> {
    let needle = text.as_bytes();
    let at = bytes
        .windows(needle.len().max(1))
        .position(|w| w == needle)
        .ok_or_else(|| format!("{text:?} is not in the backup"))?;
    bytes[at] ^= 0x01;
    Ok(())
}

/// Replaces every `"$name.path"` string in `v` by the saved value it names.
pub fn resolve(v: &Value, saved: &BTreeMap<String, Value>) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) if s.starts_with('$') => {
            let mut parts = s[1..].split('.');
            let name = parts.next().unwrap_or_default();
            let mut cur = saved
                .get(name)
                .ok_or_else(|| format!("nothing saved as {name:?}"))?;
            for p in parts {
                cur = match cur {
                    Value::Object(m) => m.get(p),
                    Value::Array(a) => p.parse::<usize>().ok().and_then(|i| a.get(i)),
                    _ => None,
                }
                .ok_or_else(|| format!("{s} does not resolve"))?;
            }
            cur.clone()
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| resolve(x, saved))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| Ok((k.clone(), resolve(x, saved)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn instant(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Whether `actual` matches `expected` (see the module docs); the error says where not.
pub fn matches(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    let fail = || Err(format!("{path}: expected {expected}, got {actual}"));
    match (expected, actual) {
        (Value::Object(e), _) if e.len() == 1 && e.contains_key("$len") => {
            let n = e["$len"].as_u64();
            match actual {
                Value::Array(a) if Some(a.len() as u64) == n => Ok(()),
                _ => fail(),
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let av = a.get(k).unwrap_or(&Value::Null);
                matches(ev, av, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                matches(ev, av, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::String(_), Value::String(_))
            if instant(expected).is_some() && instant(actual).is_some() =>
        {
            if instant(expected) == instant(actual) {
                Ok(())
            } else {
                fail()
            }
        }
        _ if expected == actual => Ok(()),
        _ => fail(),
    }
}

/// The result of one operation, as JSON, or the error it failed with. Byte results are
/// returned separately so that a later step can reopen them.
pub enum Outcome {
    /// A JSON result.
    Value(Value),
    /// The bytes of a backup.
    Bytes(Vec<u8>),
}

fn arg<T: DeserializeOwned>(args: &Map<String, Value>, name: &str) -> Result<T, Error> {
    let v = args.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v).map_err(|e| {
        Error::validation(name, format!("the scenario's argument does not parse: {e}"))
    })
}

fn progress(args: &Map<String, Value>) -> impl FnMut(Progress) -> bool + use<> {
    let cancel_at = args
        .get("progress")
        .and_then(|p| p.get("cancel_at"))
        .and_then(Value::as_u64);
    move |p: Progress| cancel_at.is_none_or(|n| p.done < n)
}

fn value<T: serde::Serialize>(r: crm_core::Result<T>) -> Result<Outcome, Error> {
    r.map(|v| Outcome::Value(serde_json::to_value(v).unwrap_or(Value::Null)))
}

// `dispatch_people`, `dispatch_sales`…: the operations of each of crm-core's tables, written
// from it.
crm_core::people_operations!(crm_macros::scenario_operations);
crm_core::sales_operations!(crm_macros::scenario_operations);
crm_core::activities_operations!(crm_macros::scenario_operations);
crm_core::records_operations!(crm_macros::scenario_operations);
crm_core::maintenance_operations!(crm_macros::scenario_operations);

/// Runs one operation by name. `None` when the name is not an operation.
pub fn dispatch(crm: &Crm, op: &str, a: &Map<String, Value>) -> Option<Result<Outcome, Error>> {
    dispatch_people(crm, op, a)
        .or_else(|| dispatch_sales(crm, op, a))
        .or_else(|| dispatch_activities(crm, op, a))
        .or_else(|| dispatch_records(crm, op, a))
        .or_else(|| dispatch_maintenance(crm, op, a))
}

/// Runs one read or write by name in a transaction's batch. `None` when the name is not a read
/// or a write (the handle's own operations, such as `verify`, run on the CRM).
pub fn dispatch_in_batch(
    b: &mut Batch<'_, '_>,
    op: &str,
    a: &Map<String, Value>,
) -> Option<Result<Outcome, Error>> {
    dispatch_people_in_batch(b, op, a)
        .or_else(|| dispatch_sales_in_batch(b, op, a))
        .or_else(|| dispatch_activities_in_batch(b, op, a))
        .or_else(|| dispatch_records_in_batch(b, op, a))
        .or_else(|| dispatch_maintenance_in_batch(b, op, a))
}

/// Runs one operation by name: in the transaction when one is open, else on the CRM. `None`
/// when the name is not an operation.
fn dispatch_on(
    crm: &Crm,
    tx: Option<&mut Transaction>,
    op: &str,
    a: &Map<String, Value>,
) -> Option<Result<Outcome, Error>> {
    match tx {
        Some(tx) => match tx.run(|b| Ok(dispatch_in_batch(b, op, a))) {
            Ok(Some(outcome)) => Some(outcome),
            Ok(None) => dispatch(crm, op, a),
            Err(e) => Some(Err(e)),
        },
        None => dispatch(crm, op, a),
    }
}

/// Runs a scenario on `backend`; the error names the backend and says which step failed and
/// how.
pub fn run(scenario: &Scenario, backend: &Backend) -> Result<(), String> {
    run_steps(scenario, backend).map_err(|e| format!("on {backend}: {e}"))
}

fn run_steps(scenario: &Scenario, backend: &Backend) -> Result<(), String> {
    let clock = clock(&scenario.open);
    let mut crm = open(&scenario.open, &clock, backend, None)?;
    let mut saved: BTreeMap<String, Value> = BTreeMap::new();
    let mut bytes: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut tx: Option<Transaction> = None;
    for (i, step) in scenario.steps.iter().enumerate() {
        let at = |msg: String| format!("step {i} ({}): {msg}", step.op);
        if step.op == "$advance_clock" {
            if step.expect.is_some() || step.error.is_some() || step.save.is_some() {
                return Err(at("takes no expect, error or save".into()));
            }
            let millis = step
                .args
                .get("millis")
                .and_then(Value::as_i64)
                .filter(|m| *m >= 0)
                .ok_or_else(|| at("args.millis must be a whole, non-negative number".into()))?;
            clock.advance(Duration::milliseconds(millis));
            continue;
        }
        if step.op == "$reopen_from_backup" {
            let name = step
                .args
                .get("backup")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let b = bytes
                .get(name)
                .cloned()
                .ok_or_else(|| at(format!("no backup saved as {name:?}")))?;
            if tx.is_some() {
                return Err(at("a transaction is open".into()));
            }
            crm = open(&scenario.open, &clock, backend, Some(b)).map_err(at)?;
            continue;
        }
        if step.op == "$rescue" {
            if tx.is_some() {
                return Err(at("a transaction is open".into()));
            }
            let name = step
                .args
                .get("backup")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let mut b = bytes
                .get(name)
                .cloned()
                .ok_or_else(|| at(format!("no backup saved as {name:?}")))?;
            let texts = step.args.get("damage").and_then(Value::as_array);
            for text in texts.into_iter().flatten() {
                let text = text.as_str().unwrap_or_default();
                damage(&mut b, text).map_err(at)?;
            }
            // The rescue reads a clock of its own, starting where the scenario's stands, so
            // that the scenario's clock is where every runtime's is after the step.
            let now = clock.advance_and_peek(Duration::zero());
            let own = ManualClock::stepping(now, Duration::milliseconds(scenario.open.step_millis));
            let mut builder = Crm::builder()
                .clock(Arc::new(own))
                .id_source(Arc::new(SequentialIds::new()));
            if let Some(r) = &scenario.open.phone_region {
                builder = builder.default_phone_region(r);
            }
            let rescued = builder.rescue_bytes(b);
            let rescued = match (rescued, &step.error) {
                (Ok(r), None) => r,
                (Ok(_), Some(e)) => {
                    return Err(at(format!(
                        "expected error {} but the rescue worked",
                        e.code
                    )));
                }
                (Err(err), Some(e)) if err.code() == e.code => continue,
                (Err(err), _) => return Err(at(format!("failed: {err}"))),
            };
            let v = serde_json::to_value(&rescued.report).unwrap_or(Value::Null);
            if let Some(e) = &step.expect {
                let e = resolve(e, &saved).map_err(at)?;
                matches(&e, &v, "result").map_err(at)?;
            }
            if let Some(name) = &step.save {
                saved.insert(name.clone(), v);
            }
            crm = open(&scenario.open, &clock, backend, Some(rescued.bytes)).map_err(at)?;
            continue;
        }
        let args = match resolve(&Value::Object(step.args.clone()), &saved).map_err(at)? {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let outcome = match step.op.as_str() {
            "$begin" if tx.is_some() => return Err(at("a transaction is already open".into())),
            "$begin" => crm.begin().map(|t| {
                tx = Some(t);
                Outcome::Value(Value::Null)
            }),
            "$commit" | "$rollback" => {
                let t = tx
                    .take()
                    .ok_or_else(|| at("no transaction is open".into()))?;
                if step.op == "$commit" {
                    t.commit().map(|()| Outcome::Value(Value::Null))
                } else {
                    t.rollback();
                    Ok(Outcome::Value(Value::Null))
                }
            }
            op => dispatch_on(&crm, tx.as_mut(), op, &args)
                .ok_or_else(|| at("not an operation".into()))?,
        };
        match (outcome, &step.error) {
            (Ok(result), None) => {
                let v = match result {
                    Outcome::Value(v) => v,
                    Outcome::Bytes(b) => {
                        let v = json!({ "bytes": b.len() });
                        if let Some(name) = &step.save {
                            bytes.insert(name.clone(), b);
                        }
                        v
                    }
                };
                if let Some(e) = &step.expect {
                    let e = resolve(e, &saved).map_err(at)?;
                    matches(&e, &v, "result").map_err(at)?;
                }
                if let Some(name) = &step.save {
                    saved.insert(name.clone(), v);
                }
            }
            (Ok(result), Some(e)) => {
                let shown = match result {
                    Outcome::Value(v) => v.to_string(),
                    Outcome::Bytes(b) => format!("{} bytes", b.len()),
                };
                return Err(at(format!("expected error {} but got {shown}", e.code)));
            }
            (Err(err), Some(e)) => {
                if err.code() != e.code || (e.field.is_some() && err.field() != e.field.as_deref())
                {
                    return Err(at(format!(
                        "expected error {}/{:?}, got {}/{:?}: {err}",
                        e.code,
                        e.field,
                        err.code(),
                        err.field()
                    )));
                }
            }
            (Err(err), None) => return Err(at(format!("failed: {err}"))),
        }
    }
    if tx.is_some() {
        return Err("the steps ended with a transaction open".into());
    }
    crm.close().map_err(|e| format!("closing at the end: {e}"))
}
