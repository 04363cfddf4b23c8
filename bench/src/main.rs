//! `crm-bench`: the library against SQLite and raw redb, on the same data, in the same run.
//!
//! ```text
//! cargo run --release -p crm-bench -- [--contacts N] [--runs R] [--quick] [--dir DIR] [--out FILE]
//! ```
//!
//! Each run imports the same seeded data into each engine in its own process (so peak
//! memory is each engine's own), runs every workload, checks that the engines found the same
//! records and figures, and then opens each file once more in a fresh process (cold open plus
//! first query). Cheap reads (gets, searches) run in [`PASSES`] passes within a run, each
//! figure the median of the passes. The table gives, per figure, the median over the runs
//! and the minimum, and the ratios library/SQLite and library/raw redb of the medians.
//! `--quick` (10,000 contacts, fewer operations) is the correctness smoke test CI runs; it
//! never asserts on time.

mod data;
mod engine;
mod library;
mod rawredb;
mod sqlite;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use engine::{Engine, OwnerFigures, Result, err};

const SEED: u64 = 0x00C0_FFEE;
const ENGINES: [&str; 3] = ["library", "sqlite", "raw"];

/// How much of each workload a run does.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Plan {
    contacts: u64,
    lookups: u64,
    queries_per_kind: u64,
    pages: u64,
    upsert_batches: u64,
    singles: u64,
}

impl Plan {
    fn new(contacts: u64, quick: bool) -> Plan {
        Plan {
            contacts,
            lookups: if quick { 2_000 } else { 20_000 },
            queries_per_kind: if quick { 10 } else { 50 },
            pages: 20,
            upsert_batches: if quick { 10 } else { 100 },
            singles: if quick { 100 } else { 1_000 },
        }
    }
}

/// What one engine found, for comparison with the others.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Checks {
    names: Vec<Option<String>>,
    searches: Vec<(String, Vec<u64>, u64)>,
    pages: Vec<u64>,
    analytics: Vec<OwnerFigures>,
    count_after_writes: u64,
    titles: Vec<Option<String>>,
}

/// One engine's figures in one run.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Report {
    figures: BTreeMap<String, f64>,
    checks: Checks,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn micros(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e6
}

/// How many times the cheap read workloads (gets, searches) are repeated within a run; each
/// figure is the median of the passes, and the first pass (the first touch of the pages
/// since the import) is also reported for gets by id and for all searches.
const PASSES: usize = 5;

fn median(v: Vec<f64>) -> f64 {
    percentile(&sorted(v), 50.0)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// The peak resident memory of this process, in bytes (Linux).
fn peak_rss() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib * 1024.0)
}

/// Runs every workload on one engine.
fn work<E: Engine>(dir: &Path, plan: Plan, library_checks: Option<&Checks>) -> Result<Report> {
    let n = plan.contacts;
    let mut report = Report::default();
    let mut fig = |name: &str, value: f64| {
        report.figures.insert(name.to_string(), value);
    };
    let mut e = E::open(dir, true)?;

    let t = Instant::now();
    e.import(SEED, n)?;
    fig("import_s", t.elapsed().as_secs_f64());
    fig("file_bytes", e.file_size(dir)? as f64);

    // Reads by id: the name must be the generated one.
    let mut r = data::Rng::at(SEED, 10, 0);
    let picks: Vec<u64> = (0..plan.lookups).map(|_| r.below(n)).collect();
    let mut names = Vec::new();
    let mut passes = Vec::new();
    for pass in 0..PASSES {
        let t = Instant::now();
        for &i in &picks {
            let name = e.get_by_id(i)?;
            if pass == 0 && names.len() < 100 {
                names.push(name);
            }
        }
        passes.push(micros(t) / plan.lookups as f64);
    }
    fig("get_by_id_first_us", passes[0]);
    fig("get_by_id_us", median(passes));
    for (k, name) in names.iter().enumerate() {
        let want = data::contact(SEED, n, picks[k], 0).display_name();
        if name.as_deref() != Some(want.as_str()) {
            return Err(format!(
                "contact {} read as {name:?}, not {want:?}",
                picks[k]
            ));
        }
    }
    let mut checks = Checks {
        names,
        ..Checks::default()
    };

    if e.indexed() {
        let emails: Vec<(u64, String)> = picks
            .iter()
            .map(|&i| (i, data::contact(SEED, n, i, 0).email.to_uppercase()))
            .collect();
        let mut found = Vec::with_capacity(emails.len());
        let mut passes = Vec::new();
        for pass in 0..PASSES {
            let t = Instant::now();
            for (_, email) in &emails {
                let got = e.get_by_email(email)?;
                if pass == 0 {
                    found.push(got);
                }
            }
            passes.push(micros(t) / plan.lookups as f64);
        }
        fig("get_by_email_us", median(passes));
        for ((i, email), got) in emails.iter().zip(found) {
            if got != Some(*i) {
                return Err(format!("{email} found {got:?}, not contact {i}"));
            }
        }

        // Each pass times every query once; a figure is the median of the passes' figures.
        let queries = data::search_queries(SEED, n, plan.queries_per_kind);
        let mut by_pass: Vec<BTreeMap<&str, Vec<f64>>> = Vec::new();
        let mut tops = Vec::new();
        for pass in 0..PASSES {
            let mut by_class: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
            for (class, q) in &queries {
                let t = Instant::now();
                let top = e.search(q, 50)?;
                by_class.entry(class).or_default().push(micros(t));
                if pass == 0 {
                    tops.push(top);
                }
            }
            by_pass.push(by_class);
        }
        for ((_, q), top) in queries.into_iter().zip(tops) {
            let count = e.search_count(&q, 1000)?;
            if let Some(lib) = library_checks {
                // The library ranks its own way: each of its top 50 must match here too.
                if let Some((_, lib_top, _)) = lib.searches.iter().find(|(lq, _, _)| *lq == q) {
                    for &i in lib_top {
                        if !e.search_matches(&q, i)? {
                            return Err(format!(
                                "the library found contact {i} for {q:?}; SQLite does not match it"
                            ));
                        }
                    }
                }
            }
            checks.searches.push((q, top, count));
        }
        let mut per_pass: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for by_class in by_pass {
            let mut all = Vec::new();
            for (class, times) in by_class {
                let s = sorted(times);
                let key = class.replace(' ', "_");
                for p in [50, 99] {
                    per_pass
                        .entry(format!("search_{key}_p{p}_us"))
                        .or_default()
                        .push(percentile(&s, f64::from(p)));
                }
                all.extend(s);
            }
            per_pass
                .entry("search_all_p99_us".into())
                .or_default()
                .push(percentile(&sorted(all), 99.0));
        }
        fig(
            "search_all_p99_first_us",
            per_pass
                .get("search_all_p99_us")
                .and_then(|v| v.first().copied())
                .unwrap_or(f64::NAN),
        );
        for (key, passes) in per_pass {
            fig(&key, median(passes));
        }

        let mut cursor = None;
        let mut times = Vec::new();
        for _ in 0..plan.pages {
            let t = Instant::now();
            let (ids, next) = e.page("vip", cursor)?;
            times.push(micros(t));
            checks.pages.extend(ids);
            cursor = next;
            if cursor.is_none() {
                break;
            }
        }
        fig("page_p50_us", percentile(&sorted(times), 50.0));
    }

    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        checks.analytics = e.analytics()?;
        times.push(micros(t) / 1000.0);
    }
    fig("analytics_ms", percentile(&sorted(times), 50.0));

    // Batched upserts: half replace existing contacts, half create new ones.
    let mut r = data::Rng::at(SEED, 11, 0);
    let mut updated = Vec::new();
    let t = Instant::now();
    for b in 0..plan.upsert_batches {
        let updates: Vec<u64> = (0..500).map(|_| r.below(n)).collect();
        let creates: Vec<u64> = (0..500).map(|k| n + b * 500 + k).collect();
        e.upsert(SEED, n, &updates, &creates, 1 + b)?;
        updated.extend(updates.iter().take(2).map(|&i| (i, b)));
    }
    fig(
        "upsert_batch_ms",
        t.elapsed().as_secs_f64() * 1e3 / plan.upsert_batches as f64,
    );

    // Single durable writes.
    let base = n + plan.upsert_batches * 500;
    let mut creates = Vec::new();
    for k in 0..plan.singles {
        let t = Instant::now();
        e.create_one(SEED, n, base + k)?;
        creates.push(micros(t));
    }
    let mut updates = Vec::new();
    for k in 0..plan.singles {
        let i = r.below(n);
        let t = Instant::now();
        e.update_one(SEED, n, i, 1_000_000 + k)?;
        updates.push(micros(t));
    }
    let mut deletes = Vec::new();
    for k in 0..plan.singles {
        let t = Instant::now();
        e.delete_one(base + k)?;
        deletes.push(micros(t));
    }
    for (name, times) in [
        ("create", creates),
        ("update", updates),
        ("delete", deletes),
    ] {
        let s = sorted(times);
        fig(&format!("single_{name}_p50_us"), percentile(&s, 50.0));
        fig(&format!("single_{name}_p99_us"), percentile(&s, 99.0));
    }
    checks.count_after_writes = e.count()?;
    let mut seen = std::collections::HashSet::new();
    for (i, _) in updated.iter().rev() {
        if seen.insert(*i) && checks.titles.len() < 50 {
            checks.titles.push(e.title_of(*i)?);
        }
    }
    // Each engine's own way of giving space back: the library's `compact`, redb's
    // `compact`, SQLite's `VACUUM`.
    let t = Instant::now();
    let compacted = e.compact(dir)?;
    fig("compact_s", t.elapsed().as_secs_f64());
    fig("compacted_bytes", compacted as f64);
    if e.count()? != checks.count_after_writes {
        return Err("compaction changed the number of contacts".into());
    }
    fig("peak_rss_bytes", peak_rss());
    report.checks = checks;
    Ok(report)
}

/// Opens an existing file in this fresh process and answers one query.
fn cold(engine: &str, dir: &Path, contacts: u64) -> Result<f64> {
    let i = contacts / 2;
    let email = data::contact(SEED, contacts, i, 0).email;
    let t = Instant::now();
    let found = match engine {
        "library" => library::cold_open(dir, &email)?,
        "sqlite" => sqlite::cold_open(dir, &email)?,
        _ => rawredb::cold_open(dir, i)?.map(|_| i),
    };
    let us = micros(t);
    if found != Some(i) {
        return Err(format!(
            "cold open of {engine} found {found:?}, not contact {i}"
        ));
    }
    Ok(us)
}

fn worker(args: &[String]) -> Result<()> {
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|p| args.get(p + 1))
            .ok_or_else(|| format!("worker: missing {name}"))
    };
    let engine = get("--engine")?.as_str();
    let dir = PathBuf::from(get("--dir")?);
    let plan: Plan = serde_json::from_str(get("--plan")?).map_err(err)?;
    if args.iter().any(|a| a == "--cold") {
        println!("{}", cold(engine, &dir, plan.contacts)?);
        return Ok(());
    }
    let library_checks: Option<Checks> = match get("--library-checks") {
        Ok(path) => Some(serde_json::from_slice(&std::fs::read(path).map_err(err)?).map_err(err)?),
        Err(_) => None,
    };
    let report = match engine {
        "library" => work::<library::Library>(&dir, plan, None)?,
        "sqlite" => work::<sqlite::Sqlite>(&dir, plan, library_checks.as_ref())?,
        "raw" => work::<rawredb::RawRedb>(&dir, plan, None)?,
        other => return Err(format!("unknown engine {other}")),
    };
    println!("{}", serde_json::to_string(&report).map_err(err)?);
    Ok(())
}

fn spawn(args: &[&str]) -> Result<String> {
    let exe = std::env::current_exe().map_err(err)?;
    let out = Command::new(exe).args(args).output().map_err(err)?;
    if !out.status.success() {
        return Err(format!(
            "worker {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Differences between two engines' findings, described.
fn compare(a: &str, x: &Checks, b: &str, y: &Checks) -> Vec<String> {
    let mut out = Vec::new();
    if x.names != y.names {
        out.push(format!("{a} and {b} read different names by id"));
    }
    if x.analytics != y.analytics {
        out.push(format!("{a} and {b} disagree on the deals analytics"));
    }
    if x.count_after_writes != y.count_after_writes {
        out.push(format!(
            "{a} holds {} contacts after the writes, {b} {}",
            x.count_after_writes, y.count_after_writes
        ));
    }
    if x.titles != y.titles {
        out.push(format!("{a} and {b} disagree on updated titles"));
    }
    if !x.searches.is_empty() && !y.searches.is_empty() {
        for ((q, _, n), (_, _, m)) in x.searches.iter().zip(&y.searches) {
            if n != m {
                out.push(format!("{q:?}: {a} counts {n} matches, {b} {m}"));
            }
        }
        if x.pages != y.pages {
            out.push(format!("{a} and {b} page the vip contacts differently"));
        }
    }
    out
}

struct Args {
    plan: Plan,
    runs: usize,
    dir: Option<PathBuf>,
    out: Option<PathBuf>,
}

fn parse_args(args: &[String]) -> Result<Args> {
    let mut contacts = None;
    let mut runs = None;
    let mut quick = false;
    let mut dir = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--contacts" => {
                contacts = Some(
                    value()?
                        .replace(['_', ','], "")
                        .parse::<u64>()
                        .map_err(err)?,
                )
            }
            "--runs" => runs = Some(value()?.parse::<usize>().map_err(err)?),
            "--quick" => quick = true,
            "--dir" => dir = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--help" | "-h" => {
                return Err(
                    "usage: crm-bench [--contacts N] [--runs R] [--quick] [--dir DIR] [--out FILE]"
                        .into(),
                );
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let contacts = contacts.unwrap_or(if quick { 10_000 } else { 100_000 });
    if contacts < 100 {
        return Err("--contacts must be at least 100".into());
    }
    Ok(Args {
        plan: Plan::new(contacts, quick),
        runs: runs.unwrap_or(if quick { 1 } else { 5 }).max(1),
        dir,
        out,
    })
}

/// The rows of the table: figure key, label, unit scale and unit.
const ROWS: &[(&str, &str, f64, &str)] = &[
    ("import_s", "bulk import (one transaction)", 1.0, "s"),
    ("upsert_batch_ms", "upserts, per batch of 1,000", 1.0, "ms"),
    (
        "single_create_p50_us",
        "single durable create p50",
        1.0,
        "µs",
    ),
    (
        "single_create_p99_us",
        "single durable create p99",
        1.0,
        "µs",
    ),
    (
        "single_update_p50_us",
        "single durable update p50",
        1.0,
        "µs",
    ),
    (
        "single_update_p99_us",
        "single durable update p99",
        1.0,
        "µs",
    ),
    (
        "single_delete_p50_us",
        "single durable delete p50",
        1.0,
        "µs",
    ),
    (
        "single_delete_p99_us",
        "single durable delete p99",
        1.0,
        "µs",
    ),
    ("get_by_id_us", "get by id", 1.0, "µs"),
    ("get_by_id_first_us", "get by id, first pass", 1.0, "µs"),
    ("get_by_email_us", "get by email", 1.0, "µs"),
    (
        "search_1_letter_p50_us",
        "search top 50, 1 letter, p50",
        1.0,
        "µs",
    ),
    (
        "search_1_letter_p99_us",
        "search top 50, 1 letter, p99",
        1.0,
        "µs",
    ),
    (
        "search_2_letters_p50_us",
        "search top 50, 2 letters, p50",
        1.0,
        "µs",
    ),
    (
        "search_2_letters_p99_us",
        "search top 50, 2 letters, p99",
        1.0,
        "µs",
    ),
    (
        "search_3_letters_p50_us",
        "search top 50, 3 letters, p50",
        1.0,
        "µs",
    ),
    (
        "search_3_letters_p99_us",
        "search top 50, 3 letters, p99",
        1.0,
        "µs",
    ),
    (
        "search_two_words_p50_us",
        "search top 50, two words, p50",
        1.0,
        "µs",
    ),
    (
        "search_two_words_p99_us",
        "search top 50, two words, p99",
        1.0,
        "µs",
    ),
    (
        "search_all_p99_us",
        "search top 50, all queries, p99",
        1.0,
        "µs",
    ),
    (
        "search_all_p99_first_us",
        "search top 50, all queries, p99, first pass",
        1.0,
        "µs",
    ),
    (
        "page_p50_us",
        "tag filter + name sort, page of 50, p50",
        1.0,
        "µs",
    ),
    ("analytics_ms", "deals analytics per owner", 1.0, "ms"),
    ("cold_open_us", "cold open + first query", 1.0, "µs"),
    (
        "file_bytes",
        "file size after import",
        1.0 / 1_048_576.0,
        "MiB",
    ),
    (
        "compact_s",
        "compaction (VACUUM for SQLite), at the end",
        1.0,
        "s",
    ),
    (
        "compacted_bytes",
        "file size after compaction",
        1.0 / 1_048_576.0,
        "MiB",
    ),
    (
        "peak_rss_bytes",
        "peak memory (RSS)",
        1.0 / 1_048_576.0,
        "MiB",
    ),
];

fn fmt(v: f64) -> String {
    if v.is_nan() {
        "–".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn table(args: &Args, runs: &[BTreeMap<&str, Report>]) -> String {
    let stat = |engine: &str, key: &str| -> Option<(f64, f64)> {
        let mut v: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.get(engine)?.figures.get(key).copied())
            .collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let median = if v.len() % 2 == 1 {
            v[v.len() / 2]
        } else {
            (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
        };
        Some((median, v[0]))
    };
    let p = args.plan;
    let (companies, deals) = data::sizes(p.contacts);
    let mut s = format!(
        "{} contacts, {companies} companies, {deals} deals; {} run(s), median (min); \
         {} lookups, {} queries per class, {} upsert batches, {} single writes of each kind.\n\n\
         | workload | library | SQLite | raw redb | library/SQLite | library/raw redb |\n\
         |---|---:|---:|---:|---:|---:|\n",
        p.contacts,
        runs.len(),
        p.lookups,
        p.queries_per_kind,
        p.upsert_batches,
        p.singles
    );
    for &(key, label, scale, unit) in ROWS {
        let cells: Vec<Option<(f64, f64)>> = ENGINES.iter().map(|e| stat(e, key)).collect();
        let cell = |c: &Option<(f64, f64)>| match c {
            Some((m, min)) if runs.len() > 1 => {
                format!("{} ({})", fmt(m * scale), fmt(min * scale))
            }
            Some((m, _)) => fmt(m * scale),
            None => "–".into(),
        };
        let ratio = |a: &Option<(f64, f64)>, b: &Option<(f64, f64)>| match (a, b) {
            (Some((x, _)), Some((y, _))) if *y > 0.0 => format!("{:.2}×", x / y),
            _ => "–".into(),
        };
        s.push_str(&format!(
            "| {label} ({unit}) | {} | {} | {} | {} | {} |\n",
            cell(&cells[0]),
            cell(&cells[1]),
            cell(&cells[2]),
            ratio(&cells[0], &cells[1]),
            ratio(&cells[0], &cells[2]),
        ));
    }
    s
}

fn orchestrate(args: &[String]) -> Result<()> {
    let args = parse_args(args)?;
    let plan_json = serde_json::to_string(&args.plan).map_err(err)?;
    let scratch = match &args.dir {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(err)?;
            tempfile::tempdir_in(d).map_err(err)?
        }
        None => tempfile::tempdir().map_err(err)?,
    };
    let mut runs = Vec::new();
    for run in 0..args.runs {
        let mut reports: BTreeMap<&str, Report> = BTreeMap::new();
        let checks_path = scratch.path().join("library-checks.json");
        for engine in ENGINES {
            let dir = scratch.path().join(format!("{engine}-{run}"));
            std::fs::create_dir_all(&dir).map_err(err)?;
            let dir_s = dir.to_string_lossy().to_string();
            let checks_s = checks_path.to_string_lossy().to_string();
            let mut wargs = vec![
                "worker", "--engine", engine, "--dir", &dir_s, "--plan", &plan_json,
            ];
            if engine == "sqlite" {
                wargs.extend(["--library-checks", &checks_s]);
            }
            eprintln!("run {}/{}: {engine}…", run + 1, args.runs);
            let mut report: Report = serde_json::from_str(&spawn(&wargs)?).map_err(err)?;
            let cold_us: f64 = spawn(&[
                "worker", "--cold", "--engine", engine, "--dir", &dir_s, "--plan", &plan_json,
            ])?
            .parse()
            .map_err(err)?;
            report.figures.insert("cold_open_us".into(), cold_us);
            if engine == "library" {
                std::fs::write(
                    &checks_path,
                    serde_json::to_vec(&report.checks).map_err(err)?,
                )
                .map_err(err)?;
            }
            std::fs::remove_dir_all(&dir).map_err(err)?;
            reports.insert(engine, report);
        }
        let mut problems = Vec::new();
        for (a, b) in [("library", "sqlite"), ("library", "raw")] {
            problems.extend(compare(a, &reports[a].checks, b, &reports[b].checks));
        }
        if !problems.is_empty() {
            return Err(format!(
                "the engines disagree:\n  {}",
                problems.join("\n  ")
            ));
        }
        runs.push(reports);
        // The table so far, so that a long run leaves its figures even if stopped.
        if let Some(path) = &args.out {
            std::fs::write(path, table(&args, &runs)).map_err(err)?;
        }
    }
    println!("{}", table(&args, &runs));
    eprintln!("all engines found the same records and figures in every run");
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("worker") {
        worker(&args[1..])
    } else {
        orchestrate(&args)
    };
    if let Err(e) = result {
        eprintln!("crm-bench: {e}");
        std::process::exit(1);
    }
}
