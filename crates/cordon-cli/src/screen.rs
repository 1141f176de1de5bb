//! `cordon screen`: one name, or a batch file, against every list in the store. Every screening
//! is recorded in the service's audit trail (the one `cordon serve` writes, beside the store)
//! before it is answered, so that `cordon decide` and `cordon audit export --subject` find it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::Context;
use cordon_match::{Matcher, Options, Query, QueryError, RawQuery, ScreenResult};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::Global;
use crate::table::Table;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The name to screen (any script).
    #[arg(
        value_name = "NAME",
        required_unless_present = "input",
        conflicts_with = "input"
    )]
    name: Option<String>,
    /// Ingest this directory first (files the store already holds are skipped).
    #[arg(long, value_name = "DIR")]
    lists: Option<PathBuf>,
    /// Person, Organization, Company, Vessel or Any.
    #[arg(long, default_value = "Any")]
    schema: String,
    /// Birth date: 1965, 1965-06 or 1965-06-29.
    #[arg(long, value_name = "D")]
    birth_date: Option<String>,
    /// Country (ISO code or name).
    #[arg(long, value_name = "CC")]
    country: Option<String>,
    /// Nationality (ISO code or name).
    #[arg(long, value_name = "CC")]
    nationality: Option<String>,
    /// male, female or other.
    #[arg(long, value_name = "G")]
    gender: Option<String>,
    /// Passport, national id, IMO, registration number or crypto address.
    #[arg(long, value_name = "X")]
    id_number: Option<String>,
    /// At most this many results per query.
    #[arg(long, default_value_t = 10, value_name = "N")]
    limit: usize,
    /// Score at or above which a result is a match.
    #[arg(long, default_value_t = cordon_match::DEFAULT_THRESHOLD, value_name = "T")]
    threshold: f64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Batch input: JSON lines or CSV (`id,name,schema,birth_date,country,nationality,gender,id_number`).
    #[arg(long, value_name = "FILE", requires = "output")]
    input: Option<PathBuf>,
    /// Batch output: JSON lines `{"id": …, "results": […]}`, one per input line, in input order.
    #[arg(long, value_name = "FILE", requires = "input")]
    output: Option<PathBuf>,
    /// The service directory whose audit trail records the screening [default: beside the store].
    #[arg(long, value_name = "DIR")]
    service_dir: Option<PathBuf>,
}

#[derive(Serialize)]
struct ListRef {
    source: String,
    version: u32,
}

/// The audit trail screenings are recorded in, and what its records name besides the
/// screenings: the list versions screened against and who asked.
struct Trail {
    log: cordon_server::CliAppender,
    key: String,
    lists: BTreeMap<String, cordon_server::ListRef>,
}

/// The index, and each returned record's content hash (computed once, when first returned),
/// which the trail records and a later decision is made on.
struct Screener<'m> {
    matcher: &'m Matcher,
    /// Per record of the matcher, its hash once computed.
    hashes: Vec<OnceLock<String>>,
}

/// What the trail keeps of one query: its subject key and each result's id, score, match flag
/// and entity hash (the members a `/match` query's record has).
#[derive(Serialize)]
struct Audited<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    subject: String,
    results: Vec<Brief<'a>>,
}

#[derive(Serialize)]
struct Brief<'a> {
    id: String,
    score: f64,
    #[serde(rename = "match")]
    is_match: bool,
    entity_hash: &'a str,
}

impl Trail {
    fn open(
        global: &Global,
        service_dir: Option<&PathBuf>,
        sources: &[cordon_store::SourceVersion],
    ) -> anyhow::Result<Trail> {
        let dir = crate::audit::service_dir(global, service_dir);
        dir.create()?;
        let path = dir.audit();
        let log = cordon_server::CliAppender::open(&path).with_context(|| {
            format!(
                "cannot open the audit trail {}; nothing is screened",
                path.display()
            )
        })?;
        Ok(Trail {
            log,
            key: crate::audit::cli_caller(),
            lists: cordon_server::list_refs(sources),
        })
    }

    /// Appends one record and waits until it is on disk; returns its `seq`.
    fn record(
        &mut self,
        endpoint: &str,
        query: impl Serialize,
        results: impl Serialize,
    ) -> anyhow::Result<u64> {
        self.append_with(endpoint, |log, about| log.append(about, query, results))
    }

    /// [`Trail::record`] with `results` already serialised.
    fn record_raw(
        &mut self,
        endpoint: &str,
        query: impl Serialize,
        results: &str,
    ) -> anyhow::Result<u64> {
        self.append_with(endpoint, |log, about| log.append_raw(about, query, results))
    }

    /// Runs one append of the log with what this run's records say about themselves.
    fn append_with(
        &mut self,
        endpoint: &str,
        append: impl FnOnce(
            &mut cordon_server::CliAppender,
            &cordon_server::CliRecord<'_>,
        ) -> Result<u64, cordon_server::ServiceError>,
    ) -> anyhow::Result<u64> {
        let about = cordon_server::CliRecord {
            lists: &self.lists,
            key: &self.key,
            endpoint,
        };
        let appended = append(&mut self.log, &about);
        appended.with_context(|| self.unrecorded())
    }

    fn path(&self) -> &Path {
        self.log.path()
    }

    fn unrecorded(&self) -> String {
        format!(
            "cannot record the screening in the audit trail {}; nothing is answered",
            self.path().display()
        )
    }
}

impl<'m> Screener<'m> {
    fn new(matcher: &'m Matcher) -> Screener<'m> {
        Screener {
            matcher,
            hashes: (0..matcher.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The hash of the record that stands for the result's id (the one the service's
    /// snapshot hashes, so that decisions compare equal).
    fn entity_hash(&self, r: &ScreenResult) -> &str {
        let i = r.record as usize;
        match (self.hashes.get(i), self.matcher.entities().get(i)) {
            (Some(cell), Some(e)) => cell.get_or_init(|| cordon_server::entity_hash(e)),
            _ => "",
        }
    }

    fn audited<'a>(&'a self, q: &'a Query, results: &[ScreenResult]) -> Audited<'a> {
        Audited {
            id: q.id.as_deref(),
            subject: subject(q),
            results: results
                .iter()
                .map(|r| Brief {
                    id: r.id.clone(),
                    score: r.score,
                    is_match: r.is_match,
                    entity_hash: self.entity_hash(r),
                })
                .collect(),
        }
    }

    /// What a batch record keeps of one screened input line (layout [`BATCH_LAYOUT`]).
    fn line_record<'a>(
        &'a self,
        line: u64,
        q: &'a Query,
        results: &'a [ScreenResult],
    ) -> LineRecord<'a> {
        LineRecord {
            line,
            query: q,
            subject: subject(q),
            results: results
                .iter()
                .map(|r| (r.id.as_str(), r.score, r.is_match, self.entity_hash(r)))
                .collect(),
        }
    }
}

/// The subject key a screening is recorded under (the service's, for the same query).
fn subject(q: &Query) -> String {
    let schema = q.schema.map_or("Any", |s| s.as_str());
    let date = q.birth_date.as_ref().map(ToString::to_string);
    cordon_server::subject_key(schema, [q.name.as_str()], date.as_deref())
}

/// The layout of a `cli.screen.batch` record, named in its `query` as `layout`. Layout 2:
/// `query` is `{"layout", "input", "threshold"}` and `results` an array with one member per
/// input line of the chunk, `{"line", "query", "subject", "results": [[id, score, match,
/// entity_hash], …]}` for a screened line and `{"line", "id", "rejected"}` for a rejected
/// one. Records without `layout` (before 2026-12-06) hold the queries in `query.queries` and
/// `results` as an object keyed by line number, each result an object; they still verify and
/// are still read by `cordon decide` and `cordon audit export --subject`.
const BATCH_LAYOUT: u32 = 2;

/// A screened input line in a batch record: its query, subject key and each result's id,
/// score, match flag and entity hash, in that order (an array: the record is written for
/// every screening, and the members' names repeated on each result were half its size).
#[derive(Serialize)]
struct LineRecord<'a> {
    line: u64,
    query: &'a Query,
    subject: String,
    results: Vec<(&'a str, f64, bool, &'a str)>,
}

/// A rejected input line in a batch record.
#[derive(Serialize)]
struct RejectedLine<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    rejected: &'a str,
}

/// Loads the store (ingesting `--lists` first) and builds the index.
fn load(
    global: &Global,
    lists: Option<&Path>,
) -> anyhow::Result<(Matcher, Vec<cordon_store::SourceVersion>)> {
    let store = global.store()?;
    if let Some(dir) = lists {
        if !dir.is_dir() {
            anyhow::bail!("--lists {}: not a directory", dir.display());
        }
        let report = cordon_store::ingest_dir(&store, dir, &cordon_store::IngestOptions::default());
        for s in &report.sources {
            match &s.status {
                cordon_store::IngestStatus::Stored { version } => eprintln!(
                    "ingested {} version {version}: {} entities",
                    s.source, s.entity_count
                ),
                cordon_store::IngestStatus::Failed { code, message } => eprintln!(
                    "error[{code}]: source {}: {message} (its last good version stays current)",
                    s.source
                ),
                cordon_store::IngestStatus::Unchanged { .. } => {}
            }
        }
    }
    let t = Instant::now();
    let sources = store.sources()?;
    let entities = store.current_entities()?;
    if entities.is_empty() {
        anyhow::bail!(
            "the store {} holds no lists; run `cordon ingest --lists DIR` or pass --lists DIR",
            store.path().display()
        );
    }
    // The store's page cache holds every page just read (~40 MB): freed before the index is
    // built, it is memory the build reuses instead of memory beside it.
    drop(store);
    let matcher = Matcher::build(entities);
    tracing_note(&format!(
        "indexed {} entities ({} names) from {} sources in {} ms",
        matcher.len(),
        matcher.name_count(),
        sources.len(),
        t.elapsed().as_millis()
    ));
    Ok((matcher, sources))
}

fn tracing_note(msg: &str) {
    if std::env::var_os("CORDON_VERBOSE").is_some() {
        eprintln!("{msg}");
    }
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        anyhow::bail!("--threshold {}: must be between 0 and 1", args.threshold);
    }
    let opts = Options {
        threshold: args.threshold,
        limit: args.limit.max(1),
        ..Options::default()
    };
    if let (Some(input), Some(output)) = (&args.input, &args.output) {
        let (matcher, sources) = load(global, args.lists.as_deref())?;
        let mut trail = Trail::open(global, args.service_dir.as_ref(), &sources)?;
        return batch(&mut trail, &Screener::new(&matcher), input, output, &opts);
    }
    let raw = RawQuery {
        id: None,
        name: args.name.clone(),
        schema: Some(args.schema.clone()),
        birth_date: args.birth_date.clone(),
        country: args.country.clone(),
        nationality: args.nationality.clone(),
        gender: args.gender.clone(),
        id_number: args.id_number.clone(),
    };
    let query = raw
        .validate()
        .map_err(|e| anyhow::anyhow!("error[{}]: {e}", e.code()))?;
    let (matcher, sources) = load(global, args.lists.as_deref())?;
    let mut trail = Trail::open(global, args.service_dir.as_ref(), &sources)?;
    let screener = Screener::new(&matcher);
    let results = matcher.screen(&query, &opts);
    let audited = screener.audited(&query, &results);
    let subject = audited.subject.clone();
    let audit_seq = trail.record(
        "cli.screen",
        json!({"query": query, "threshold": opts.threshold}),
        BTreeMap::from([("q", audited)]),
    )?;
    if args.json {
        let lists: Vec<ListRef> = sources
            .into_iter()
            .map(|s| ListRef {
                source: s.source,
                version: s.version,
            })
            .collect();
        let out = json!({
            "query": query,
            "threshold": opts.threshold,
            "results": results,
            "lists": lists,
            "subject": subject,
            "audit_seq": audit_seq,
        });
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_results(&results);
        eprintln!(
            "subject {subject}: recorded in the audit trail {} as record {audit_seq} \
             (`cordon decide --subject {subject} --entity ID` records a decision on a result)",
            trail.path().display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_results(results: &[ScreenResult]) {
    if results.is_empty() {
        outln!("no results");
        return;
    }
    let mut t = Table::new(&[
        "score",
        "match",
        "id",
        "schema",
        "matched name",
        "lists",
        "group",
    ]);
    for r in results {
        t.row(vec![
            format!("{:.3}", r.score),
            if r.is_match { "MATCH" } else { "-" }.to_owned(),
            r.id.clone(),
            r.schema.to_string(),
            r.matched_name.clone(),
            r.datasets.join(","),
            r.group.clone().unwrap_or_default(),
        ]);
    }
    out!("{}", t.render());
    for r in results.iter().filter(|r| r.is_match).take(3) {
        outln!("");
        outln!("{} — {} ({})", r.id, r.caption, r.explanation.method);
        let parts: Vec<String> = r
            .explanation
            .alignment
            .iter()
            .map(|a| {
                if crate::compare::scales_whole_name(a) {
                    format!(
                        "{} ×{:.2} [{}]",
                        crate::compare::WHOLE_NAME,
                        a.score,
                        a.rule
                    )
                } else {
                    format!("{}={} {:.2} [{}]", a.query, a.candidate, a.score, a.rule)
                }
            })
            .collect();
        outln!(
            "  name {:.3}: {}",
            r.explanation.name_score,
            parts.join("; ")
        );
        for e in &r.explanation.evidence {
            outln!(
                "  {} {:+.2}: {} (query {}, list {})",
                e.feature,
                e.weight,
                e.detail,
                e.query,
                e.candidate
            );
        }
        if !r.explanation.same_as.is_empty() {
            outln!("  same as: {}", r.explanation.same_as.join(", "));
        }
    }
}

/// One input line, parsed or rejected.
struct Line {
    number: u64,
    query: Result<Query, (Option<String>, String, &'static str)>,
}

fn parse_json_lines(bytes: &[u8]) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let number = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let query = match std::str::from_utf8(raw) {
            Err(e) => Err((
                None,
                format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()),
                "invalid-utf8",
            )),
            Ok(text) => match serde_json::from_str::<RawQuery>(text) {
                Err(e) => Err((None, format!("malformed JSON: {e}"), "bad-json")),
                Ok(rq) => validate(&rq),
            },
        };
        out.push(Line { number, query });
    }
    out
}

fn validate(rq: &RawQuery) -> Result<Query, (Option<String>, String, &'static str)> {
    let id = rq.id.clone();
    if id.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err((None, "missing field \"id\"".into(), "missing-id"));
    }
    rq.validate()
        .map_err(|e: QueryError| (id, e.to_string(), e.code()))
}

fn parse_csv(bytes: &[u8]) -> anyhow::Result<Vec<Line>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = rdr
        .byte_headers()
        .context("cannot read the CSV header line")?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_ascii_lowercase())
        .collect();
    if !headers.iter().any(|h| h == "name") {
        anyhow::bail!(
            "the CSV header has no `name` column (found: {})",
            headers.join(",")
        );
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let cols = [
        col("id"),
        col("name"),
        col("schema"),
        col("birth_date"),
        col("country"),
        col("nationality"),
        col("gender"),
        col("id_number"),
    ];
    let mut out = Vec::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        let number = rdr.position().line();
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Err(e) => {
                out.push(Line {
                    number: e.position().map_or(number, |p| p.line()),
                    query: Err((None, format!("malformed CSV: {e}"), "bad-csv")),
                });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
            Ok(true) => {}
        }
        let number = rec.position().map_or(number, |p| p.line());
        let mut fields: [Option<String>; 8] = Default::default();
        let mut bad = None;
        for (slot, c) in fields.iter_mut().zip(cols) {
            let Some(v) = c.and_then(|c| rec.get(c)) else {
                continue;
            };
            match std::str::from_utf8(v) {
                Ok(s) => *slot = Some(s.to_owned()),
                Err(e) => {
                    bad = Some(format!(
                        "invalid UTF-8 in column {} at byte {}",
                        c.and_then(|c| headers.get(c)).map_or("?", String::as_str),
                        e.valid_up_to()
                    ));
                }
            }
        }
        let [
            id,
            name,
            schema,
            birth_date,
            country,
            nationality,
            gender,
            id_number,
        ] = fields;
        let query = match bad {
            Some(msg) => Err((id, msg, "invalid-utf8")),
            None => validate(&RawQuery {
                id,
                name,
                schema,
                birth_date,
                country,
                nationality,
                gender,
                id_number,
            }),
        };
        out.push(Line { number, query });
    }
    Ok(out)
}

/// A batch output line for a query that was screened.
#[derive(Serialize)]
struct BatchResults<'a> {
    id: Option<&'a str>,
    results: &'a [ScreenResult],
}

/// Queries screened between two writes of the output file.
const BATCH_CHUNK: usize = 2048;

/// One output line of a batch (newline included) and the line's member of the chunk's audit
/// record, both serialised by the worker that screened it.
type Screened = (Vec<u8>, String);

/// One output line of a batch (newline included): the query's results, or the reason its
/// input line was rejected; and what the audit trail keeps of the line.
fn batch_line(screener: &Screener<'_>, l: &Line, opts: &Options) -> serde_json::Result<Screened> {
    let (mut bytes, record) = match &l.query {
        // Serialised straight from the results (no JSON tree in between: that cost a fifth
        // of a screening).
        Ok(q) => {
            let results = screener.matcher.screen(q, opts);
            let bytes = serde_json::to_vec(&BatchResults {
                id: q.id.as_deref(),
                results: &results,
            })?;
            let record = serde_json::to_string(&screener.line_record(l.number, q, &results))?;
            (bytes, record)
        }
        Err((id, msg, code)) => (
            serde_json::to_vec(&json!({
                "id": id,
                "line": l.number,
                "error": {"code": code, "message": msg},
                "results": [],
            }))?,
            serde_json::to_string(&RejectedLine {
                line: l.number,
                id: id.as_deref(),
                rejected: code,
            })?,
        ),
    };
    bytes.push(b'\n');
    Ok((bytes, record))
}

/// The audit record of one chunk of a batch (layout [`BATCH_LAYOUT`]): the input file and
/// threshold, and each line's member as its worker serialised it.
fn record_chunk(
    trail: &mut Trail,
    input: &Path,
    threshold: f64,
    out: &[Screened],
) -> anyhow::Result<u64> {
    let mut results =
        String::with_capacity(out.iter().map(|(_, r)| r.len() + 1).sum::<usize>() + 2);
    results.push('[');
    for (i, (_, r)) in out.iter().enumerate() {
        if i > 0 {
            results.push(',');
        }
        results.push_str(r);
    }
    results.push(']');
    let query = json!({
        "layout": BATCH_LAYOUT,
        "input": input.display().to_string(),
        "threshold": threshold,
    });
    trail.record_raw("cli.screen.batch", query, &results)
}

/// Bytes of output written per `write`: a chunk's lines (~3 kB each) go out in a few large
/// writes, not one or two lines per system call.
const OUTPUT_BUFFER: usize = 1 << 20;

fn batch(
    trail: &mut Trail,
    screener: &Screener<'_>,
    input: &Path,
    output: &Path,
    opts: &Options,
) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(input).with_context(|| format!("cannot read --input {}", input.display()))?;
    let is_csv = input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        || bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b != b'{');
    let lines = if is_csv {
        parse_csv(&bytes).with_context(|| format!("--input {}", input.display()))?
    } else {
        parse_json_lines(&bytes)
    };
    let file = File::create(output)
        .with_context(|| format!("cannot create --output {}", output.display()))?;
    let mut w = BufWriter::with_capacity(OUTPUT_BUFFER, file);
    let bar = ProgressBar::new(lines.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} queries {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let errors = lines.iter().filter(|l| l.query.is_err()).count() as u64;
    // A chunk is recorded in the audit trail and written out by a second thread while the
    // next chunk is screened: the record's fsync does not hold up screening. A chunk's lines
    // reach the output file only once its audit record is on disk; one chunk waits at most.
    let (out_file, progress) = (&mut w, bar.clone());
    let written = std::thread::scope(|scope| -> anyhow::Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Screened>>(1);
        let threshold = opts.threshold;
        let trail = &mut *trail;
        let writer = scope.spawn(move || -> anyhow::Result<()> {
            for out in rx {
                record_chunk(trail, input, threshold, &out)?;
                for (bytes, _) in &out {
                    out_file.write_all(bytes)?;
                }
                out_file.flush()?;
                progress.inc(out.len() as u64);
            }
            Ok(())
        });
        for chunk in lines.chunks(BATCH_CHUNK) {
            for l in chunk {
                if let Err((_, msg, code)) = &l.query {
                    eprintln!(
                        "error[{code}]: {} line {}: {msg}",
                        input.display(),
                        l.number
                    );
                }
            }
            // Each worker screens its query and serialises its output line itself: the JSON
            // is built in parallel, and a query's results are freed once serialised.
            let out: Vec<Screened> = chunk
                .par_iter()
                .map(|l| batch_line(screener, l, opts))
                .collect::<serde_json::Result<_>>()?;
            // A closed channel: the writer stopped on an error, which `join` returns.
            if tx.send(out).is_err() {
                break;
            }
        }
        drop(tx);
        writer
            .join()
            .map_err(|_| anyhow::anyhow!("the audit and output writer stopped"))?
    });
    written?;
    bar.finish_and_clear();
    eprintln!(
        "screened {} queries ({} rejected) in {:.2} s → {}; recorded in the audit trail {}",
        lines.len() as u64 - errors,
        errors,
        started.elapsed().as_secs_f64(),
        output.display(),
        trail.path().display()
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Entity, Schema, prop};

    #[test]
    fn regression_an_id_on_several_sources_is_hashed_from_its_last_record() {
        let m = Matcher::build(
            ["uk-2", "ofac-1", "uk-2", "un-3"]
                .iter()
                .enumerate()
                .map(|(i, &id)| {
                    let mut e = Entity::new(id, Schema::Person);
                    e.add(prop::NAME, "KIM Jong Un");
                    e.add(prop::NOTES, format!("record {i}"));
                    e
                })
                .collect(),
        );
        let s = Screener::new(&m);
        let q = RawQuery {
            name: Some("KIM Jong Un".into()),
            ..Default::default()
        }
        .validate()
        .expect("a query");
        let results = m.screen(&q, &Options::default());
        assert_eq!(results.len(), 3);
        for r in &results {
            let &last = m.records(&r.id).last().expect("a record");
            let e = &m.entities()[last as usize];
            assert_eq!(s.entity_hash(r), cordon_server::entity_hash(e), "{}", r.id);
        }
        let uk = results.iter().find(|r| r.id == "uk-2").expect("uk-2");
        let &first = m.records("uk-2").first().expect("a record");
        assert_ne!(
            s.entity_hash(uk),
            cordon_server::entity_hash(&m.entities()[first as usize])
        );
    }

    #[test]
    fn json_lines_errors_name_their_line() {
        let input = b"{\"id\":\"q1\",\"name\":\"Kim Jong Un\"}\n\n{bad json\n{\"id\":\"q3\",\"name\":\"\"}\n\xff\xfe\n{\"id\":\"q5\",\"name\":\"x\",\"country\":\"zz\"}\n";
        let lines = parse_json_lines(input);
        let got: Vec<(u64, Option<&str>)> = lines
            .iter()
            .map(|l| (l.number, l.query.as_ref().err().map(|e| e.2)))
            .collect();
        assert_eq!(
            got,
            [
                (1, None),
                (3, Some("bad-json")),
                (4, Some("empty-name")),
                (5, Some("invalid-utf8")),
                (6, Some("unknown-country"))
            ]
        );
    }

    #[test]
    fn csv_rows() {
        let input = b"id,name,schema,birth_date\nq1,Kim Jong Un,Person,1984\nq2,\xff,Person,\nq3,Ri Yong Ho,Planet,\n";
        let lines = parse_csv(input).unwrap();
        let got: Vec<(u64, Option<&str>)> = lines
            .iter()
            .map(|l| (l.number, l.query.as_ref().err().map(|e| e.2)))
            .collect();
        assert_eq!(
            got,
            [
                (2, None),
                (3, Some("invalid-utf8")),
                (4, Some("unknown-schema"))
            ]
        );
    }
}
