//! `cordon stix export` and `cordon stix import`: indicators out as a STIX 2.1 bundle or a MISP
//! event; an agency's bundle in as a versioned watch-list.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use cordon_lists::{Format, Role, SourceFile, SourcePlan};
use cordon_stix::time::{parse_time, stix_time};
use cordon_stix::{BundleBuilder, ExportOptions, Tlp};
use cordon_store::{IngestObserver, IngestOptions, IngestStatus, SourceOutcome, Store};

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Write the DPRK list indicators and/or findings as a STIX 2.1 bundle (or a MISP event).
    Export(ExportArgs),
    /// Read a STIX 2.1 bundle into the store as a watch-list (a new version when it changed).
    Import(ImportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum What {
    /// Entities of the stored lists (DPRK-linked ones unless --all-entities) and their wallets.
    Lists,
    /// Applicant clusters and reports, and traces, from --findings files.
    Findings,
    /// Both.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    /// A STIX 2.1 bundle.
    Stix,
    /// A MISP event (core format JSON).
    Misp,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// What to export.
    #[arg(long, value_enum, default_value = "lists")]
    what: What,
    /// TLP 2.0 marking of every object: clear, green, amber, amber+strict or red.
    #[arg(long, default_value = "amber", value_parser = parse_tlp)]
    tlp: Tlp,
    /// Output format.
    #[arg(long, value_enum, default_value = "stix")]
    format: OutputFormat,
    /// Findings to export: the JSON written by `cordon applicants link|screen` and `cordon
    /// trace --json` (repeatable).
    #[arg(long = "findings", value_name = "FILE")]
    findings: Vec<PathBuf>,
    /// Only these stored sources (repeatable). By default every list except bundles imported
    /// with `cordon stix import` or `cordon taxii pull`, which are re-shared only when named
    /// here (their producer marked them with their own TLP).
    #[arg(long = "source", value_name = "SOURCE")]
    sources: Vec<String>,
    /// Export every entity, not only the DPRK-linked ones.
    #[arg(long)]
    all_entities: bool,
    /// The producing organisation (the bundle's identity).
    #[arg(long, env = "CORDON_PRODUCER", default_value = "Cordon")]
    producer: String,
    /// `created`/`modified` of the objects (RFC 3339) [default: the latest ingest of the lists
    /// exported and the latest change of the findings files, so an unchanged export is
    /// byte-identical].
    #[arg(long, value_name = "TIME")]
    timestamp: Option<String>,
    /// Where to write (`-` for standard output).
    #[arg(long, short, value_name = "FILE")]
    output: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The bundle (JSON, at most 64 MiB).
    file: PathBuf,
    /// The watch-list id [default: stix-<file name>].
    #[arg(long = "as", value_name = "LIST-ID")]
    list_id: Option<String>,
    /// Store a new version even when the bundle is unchanged.
    #[arg(long)]
    force: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn parse_tlp(s: &str) -> Result<Tlp, String> {
    Tlp::parse(s).ok_or_else(|| {
        format!("unknown TLP level {s:?}: expected clear, green, amber, amber+strict or red")
    })
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Export(a) => export(global, a),
        Command::Import(a) => import(global, a),
    }
}

fn export(global: &Global, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let lists = args.what != What::Findings;
    let findings = args.what != What::Lists;
    if findings && args.findings.is_empty() {
        bail!("--what findings|all needs at least one --findings FILE");
    }
    if !findings && !args.findings.is_empty() {
        bail!("--findings is read only with --what findings or --what all");
    }
    let mut latest = Vec::new();
    let mut entities = Vec::new();
    let mut shared_imports = BTreeSet::new();
    if lists {
        let store = global.store()?;
        let sources = store.sources()?;
        if sources.is_empty() {
            bail!(
                "the store {} holds no lists; run `cordon ingest --lists DIR` first",
                store.path().display()
            );
        }
        let imported: BTreeSet<String> = sources
            .iter()
            .filter(|s| s.format == Format::StixBundle.name())
            .map(|s| s.source.clone())
            .collect();
        for s in &args.sources {
            if !sources.iter().any(|v| &v.source == s) {
                bail!("--source {s}: no such source in the store (see `cordon lists`)");
            }
        }
        let chosen: Vec<String> = if args.sources.is_empty() {
            sources
                .iter()
                .filter(|s| !imported.contains(&s.source))
                .map(|s| s.source.clone())
                .collect()
        } else {
            args.sources.clone()
        };
        latest.extend(
            sources
                .iter()
                .filter(|s| chosen.contains(&s.source))
                .filter_map(|s| parse_time(&s.ingested_at)),
        );
        shared_imports = imported;
        entities = store.merged_current_entities(&chosen)?;
    }
    let mut documents = Vec::new();
    for f in &args.findings {
        let data = std::fs::read(f).with_context(|| format!("--findings {}", f.display()))?;
        if let Some(t) = std::fs::metadata(f)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| jiff::Timestamp::try_from(m).ok())
        {
            latest.push(t);
        }
        documents.push((f, data));
    }
    let timestamp = match &args.timestamp {
        Some(t) => {
            parse_time(t).with_context(|| format!("--timestamp {t:?} is not an RFC 3339 time"))?
        }
        None => latest
            .into_iter()
            .max()
            .unwrap_or_else(jiff::Timestamp::now),
    };
    let opts = ExportOptions {
        producer: args.producer.clone(),
        tlp: args.tlp,
        timestamp: stix_time(timestamp),
        // An imported bundle's own designation references travel in its entities' notes.
        exclude_datasets: shared_imports,
        all_entities: args.all_entities,
    };
    let mut b = BundleBuilder::new(opts);
    b.entities(&entities);
    let mut problems = 0usize;
    for (path, data) in &documents {
        let diags = cordon_stix::findings::add_findings(&mut b, path, data)?;
        problems += diags.len();
        for d in diags {
            eprintln!("{d}");
        }
    }
    let bundle = b.finish();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in &bundle.objects {
        *counts.entry(o.kind.as_str()).or_default() += 1;
    }
    let tlp = args.tlp.name().to_ascii_uppercase();
    let (text, summary) = match args.format {
        OutputFormat::Stix => {
            let by_type: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
            let summary = format!(
                "{} STIX objects, TLP:{tlp} ({})",
                bundle.objects.len(),
                by_type.join(", ")
            );
            (bundle.to_json(), summary)
        }
        OutputFormat::Misp => {
            let info = format!(
                "{}: DPRK-related indicators ({})",
                args.producer,
                match args.what {
                    What::Lists => "sanctions lists",
                    What::Findings => "findings",
                    What::All => "sanctions lists and findings",
                }
            );
            let date = stix_time(timestamp)
                .get(..10)
                .unwrap_or_default()
                .to_owned();
            let event = cordon_stix::misp::misp_event(&bundle, &info, &date, args.tlp);
            let n = |k: &str| event["Event"][k].as_array().map_or(0, Vec::len);
            let summary = format!(
                "MISP event with {} attributes and {} coin-address objects, tlp:{}",
                n("Attribute"),
                n("Object"),
                args.tlp.name()
            );
            let mut s = serde_json::to_string_pretty(&event)?;
            s.push('\n');
            (s, summary)
        }
    };
    write_output(&args.output, text.as_bytes())?;
    eprintln!("{}: {summary}", args.output.display());
    if lists && !counts.contains_key("indicator") {
        eprintln!(
            "warning: no list entity was exported (no DPRK-linked entity in the chosen sources)"
        );
    }
    Ok(if problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes the whole output or nothing: a temporary file renamed into place. A path that is not
/// a regular file (`/dev/null`, a named pipe, a symlink) is written in place: renaming over it
/// would replace the device or pipe with a file (as root, `--output /dev/null` would turn the
/// machine's `/dev/null` into a regular file).
pub(crate) fn write_output(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        return match out.write_all(bytes).and_then(|()| out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        };
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()))
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            anyhow::anyhow!("cannot write {}: {e}", path.display())
        })
}

fn import(global: &Global, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    if !args.file.is_file() {
        bail!("{}: no such file", args.file.display());
    }
    let list_id = match &args.list_id {
        Some(id) => id.clone(),
        None => {
            let stem = args.file.file_stem().unwrap_or_default().to_string_lossy();
            format!("stix-{}", slug(&stem))
        }
    };
    let file = SourceFile::on_disk(&args.file, Role::Primary);
    ingest_bundle(global, &list_id, file, args.force, args.json)
}

/// A name as a source-id fragment (`ROK advisory` → `rok-advisory`).
pub(crate) fn slug(name: &str) -> String {
    let s: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-');
    if s.is_empty() {
        "bundle".into()
    } else {
        s.to_owned()
    }
}

/// Source ids the store accepts for a watch-list: lower-case letters, digits and `-`.
fn check_list_id(id: &str) -> anyhow::Result<()> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-');
    if !ok {
        bail!("list id {id:?}: use 1–64 lower-case letters, digits and '-' (e.g. rok-mofa-2026)");
    }
    Ok(())
}

struct Quiet;
impl IngestObserver for Quiet {}

/// Stores a bundle as the watch-list `list_id` (shared by `stix import` and `taxii pull`): a
/// new version when it changed; on any error the previous version stays current. A stored
/// bundle is archived beside the store under its sha256, so the exact input of every version
/// can be shown later.
pub(crate) fn ingest_bundle(
    global: &Global,
    list_id: &str,
    file: SourceFile,
    force: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    check_list_id(list_id)?;
    let store = global.store()?;
    if let Some(cur) = store.sources()?.into_iter().find(|s| s.source == list_id)
        && cur.format != Format::StixBundle.name()
    {
        bail!(
            "{list_id} is a {} list, not a shared bundle; choose another id with --as",
            cur.format
        );
    }
    let plan = SourcePlan {
        source_id: list_id.to_owned(),
        format: Format::StixBundle,
        files: vec![file],
    };
    let outcomes = cordon_store::ingest_plans(
        &store,
        std::slice::from_ref(&plan),
        &IngestOptions::default().force(force),
        &Quiet,
    );
    let Some(outcome) = outcomes.into_iter().next() else {
        bail!("nothing was ingested");
    };
    let archived = match (&outcome.status, plan.files.first()) {
        (IngestStatus::Stored { .. }, Some(file)) => {
            // Read only once stored: a refused file may be huge.
            let data = file.bytes().map_err(|e| anyhow::anyhow!("{e}"))?;
            Some(archive(&store, list_id, &data)?)
        }
        _ => None,
    };
    report(&store, &outcome, archived.as_deref(), json)?;
    Ok(match outcome.status {
        IngestStatus::Failed { .. } => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// `<store>.sharing/received/<list-id>/<sha256>.json`.
fn archive(store: &Store, list_id: &str, data: &[u8]) -> anyhow::Result<PathBuf> {
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(data));
    let db = store.path();
    let stem = db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cordon".into());
    let dir = db
        .with_file_name(format!("{stem}.sharing"))
        .join("received")
        .join(list_id);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{sha}.json"));
    if !path.exists() {
        write_output(&path, data)?;
    }
    Ok(path)
}

fn report(
    store: &Store,
    outcome: &SourceOutcome,
    archived: Option<&Path>,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        let mut v = serde_json::to_value(outcome)?;
        if let (Some(m), Some(p)) = (v.as_object_mut(), archived) {
            m.insert("archived".into(), p.display().to_string().into());
        }
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    crate::ingest::print_report(
        &cordon_store::IngestReport {
            planning: Vec::new(),
            sources: vec![outcome.clone()],
        },
        usize::MAX,
    );
    if let Some(p) = archived {
        eprintln!("bundle kept at {}", p.display());
    }
    if let IngestStatus::Stored { .. } | IngestStatus::Unchanged { .. } = outcome.status {
        eprintln!(
            "{}: screening (`cordon screen`, `cordon address`, `cordon applicants`) uses it now; store {}",
            outcome.source,
            store.path().display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::FileTypeExt;

    use super::write_output;

    #[test]
    fn regression_output_to_a_named_pipe_keeps_the_pipe() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo unavailable: skipped");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_output(&fifo, b"bundle").unwrap();
        // Checked before joining: a replaced pipe leaves the reader waiting for a writer.
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the pipe was replaced by a file");
        assert_eq!(reader.join().unwrap(), b"bundle");
    }

    #[test]
    fn output_to_a_regular_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, b"old and longer").unwrap();
        write_output(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
