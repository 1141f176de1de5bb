//! `cordon applicants screen|link`: DPRK IT-worker screening of applicant/account records.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use cordon_applicants::{
    Applicant, Format, IpDb, ListIndex, Population, ReadLimits, ReadOutcome, Rules, Screener,
    read_records, read_records_chunked,
};
use cordon_model::Severity;
use indicatif::{ProgressBar, ProgressStyle};

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Red flags, list hits, linked accounts and a risk report per record (JSON lines).
    Screen(ScreenArgs),
    /// Clusters of linked accounts with the reasons of each link (JSON lines).
    Link(LinkArgs),
}

#[derive(Debug, clap::Args)]
struct ScreenArgs {
    /// Applicant records: JSON lines, or CSV when the name ends in .csv (docs/applicants.md).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// One JSON line per record: {"id","risk","level","indicators","list_hits","cluster","actions"}.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
    /// Rules file (YAML) [default: the built-in rules/itworker-rules.yaml].
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// IP database: a MaxMind .mmdb or CSV ranges; repeat to combine.
    #[arg(long, value_name = "FILE")]
    ipdb: Vec<PathBuf>,
    /// Skip list screening (no store needed).
    #[arg(long)]
    no_lists: bool,
    /// Population statistics to judge rarity against (saved by `link --save-population`).
    #[arg(long, value_name = "FILE")]
    population: Option<PathBuf>,
    /// The service directory whose audit trail records the screening [default: beside the store].
    #[arg(long, value_name = "DIR")]
    service_dir: Option<PathBuf>,
}

/// Reports recorded per audit record (a record stays about a megabyte at most).
const AUDIT_CHUNK: usize = 2048;

#[derive(Debug, clap::Args)]
struct LinkArgs {
    /// Applicant records: JSON lines, or CSV when the name ends in .csv.
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// One JSON line per cluster of two or more records: {"cluster","members","score","links"}.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
    /// Rules file (its `link` section) [default: built in].
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Population statistics to judge rarity against (saved by `--save-population`).
    #[arg(long, value_name = "FILE")]
    population: Option<PathBuf>,
    /// Save the statistics of the input (its size and value counts, as hashes) to judge later
    /// batches against.
    #[arg(long, value_name = "FILE")]
    save_population: Option<PathBuf>,
    /// Accounts seen before (earlier batches' records, same format as --input): link the input
    /// records to them (and to each other) and write the clusters holding an input record.
    /// Rarity is judged against these accounts' statistics.
    #[arg(long, value_name = "FILE", conflicts_with = "population")]
    known: Option<PathBuf>,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Sub::Screen(a) => screen(global, a),
        Sub::Link(a) => link(a),
    }
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(Duration::from_millis(120));
    pb.set_message(msg.to_owned());
    pb
}

fn rules(path: Option<&Path>) -> anyhow::Result<Rules> {
    Ok(match path {
        Some(p) => Rules::load(p)?,
        None => Rules::default_rules(),
    })
}

/// A screener with the rules and, when given, the population statistics.
fn screener(rules_path: Option<&Path>, population: Option<&Path>) -> anyhow::Result<Screener> {
    let mut s = Screener::new(rules(rules_path)?);
    if let Some(p) = population {
        let file =
            File::open(p).with_context(|| format!("cannot open --population {}", p.display()))?;
        let stats: Population = serde_json::from_reader(BufReader::new(file)).with_context(|| {
            format!(
                "--population {}: not population statistics saved by `cordon applicants link --save-population`",
                p.display()
            )
        })?;
        s = s.with_population(stats);
    }
    Ok(s)
}

/// Records read per chunk when screening streams the input.
const READ_CHUNK: usize = 16_384;

/// Prints a chunk's diagnostics; returns its records and the number of lines rejected.
fn report(out: ReadOutcome) -> (Vec<Applicant>, usize) {
    let mut rejected = 0;
    for d in &out.diagnostics {
        if d.severity == Severity::Error {
            rejected += 1;
        }
        eprintln!("{d}");
    }
    (out.records.into_iter().map(|(_, a)| a).collect(), rejected)
}

/// Reads the input, printing every diagnostic; returns the records and the number rejected.
fn read(input: &Path) -> anyhow::Result<(Vec<Applicant>, usize)> {
    let pb = spinner(&format!("reading {}", input.display()));
    let file =
        File::open(input).with_context(|| format!("cannot open --input {}", input.display()))?;
    let out = read_records(
        BufReader::new(file),
        Format::from_path(input),
        Some(input),
        &ReadLimits::default(),
    );
    pb.finish_and_clear();
    Ok(report(out))
}

fn writer(path: &Path, flag: &str) -> anyhow::Result<BufWriter<File>> {
    Ok(BufWriter::new(File::create(path).with_context(|| {
        format!("cannot create {flag} {}", path.display())
    })?))
}

fn screen(global: &Global, args: &ScreenArgs) -> anyhow::Result<ExitCode> {
    let mut ipdb = IpDb::new();
    for p in &args.ipdb {
        ipdb.add_file(p)?;
    }
    let mut screener = screener(args.rules.as_deref(), args.population.as_deref())?.with_ipdb(ipdb);
    let mut lists = std::collections::BTreeMap::new();
    if !args.no_lists {
        let pb = spinner("indexing lists");
        let store = global.store()?;
        let entities = store.current_entities()?;
        lists = cordon_server::list_refs(&store.sources()?);
        pb.finish_and_clear();
        if entities.is_empty() {
            anyhow::bail!(
                "the store {} holds no lists; run `cordon ingest --lists DIR` first, or pass --no-lists",
                global.db_path().display()
            );
        }
        screener = screener.with_lists(ListIndex::build(entities));
    }
    // The input streams: a reader thread parses chunks while screening reads the previous
    // ones, and a chunk's records are dropped once screened (only their findings stay).
    let file = File::open(&args.input)
        .with_context(|| format!("cannot open --input {}", args.input.display()))?;
    let pb = spinner("screening and linking: reading records");
    let (tx, rx) = std::sync::mpsc::sync_channel::<ReadOutcome>(1);
    let (mut read, mut rejected) = (0usize, 0usize);
    // Each record's subject key, kept while its record is read: the records are dropped once
    // screened, and the audit trail names subjects.
    let mut subjects: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let batch = std::thread::scope(|scope| {
        let input = &args.input;
        scope.spawn(move || {
            read_records_chunked(
                BufReader::new(file),
                Format::from_path(input),
                Some(input),
                &ReadLimits::default(),
                READ_CHUNK,
                // A closed channel means screening failed; the reader stops being read.
                &mut |chunk| drop(tx.send(chunk)),
            );
        });
        // Owned by the iterator: if screening fails, dropping it closes the channel.
        let chunks = rx.into_iter().map(|chunk| {
            let (apps, bad) = report(chunk);
            read += apps.len();
            rejected += bad;
            subjects.extend(
                apps.iter()
                    .map(|a| (a.id.clone(), cordon_server::applicant_subject_key(a))),
            );
            pb.set_message(format!("screening and linking: {read} records read"));
            apps
        });
        screener.screen_stream(chunks, &mut |phase| {
            pb.set_message(format!("screening and linking: {phase}"));
        })
    })?;
    pb.finish_and_clear();
    // Recorded before it is answered: nothing is written out unless the trail holds it.
    let dir = crate::audit::service_dir(global, args.service_dir.as_ref());
    dir.create()?;
    let by = crate::audit::cli_caller();
    let unrecorded = || {
        format!(
            "cannot record the screening in the audit trail {}; nothing is written",
            dir.audit().display()
        )
    };
    let mut log = cordon_server::CliAppender::open(&dir.audit()).with_context(unrecorded)?;
    let about = cordon_server::CliRecord {
        lists: &lists,
        key: &by,
        endpoint: "cli.applicants.screen",
    };
    for reports in batch.applicants.chunks(AUDIT_CHUNK) {
        let audited: Vec<serde_json::Value> = reports
            .iter()
            .map(|r| {
                cordon_server::audited_applicant_report(r, subjects.get(&r.id).map(String::as_str))
            })
            .collect();
        log.append(
            &about,
            serde_json::json!({
                "input": args.input.display().to_string(),
                "records": reports.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
                "rejected": rejected,
            }),
            serde_json::json!({"applicants": audited, "clusters": batch.clusters.len()}),
        )
        .with_context(unrecorded)?;
    }
    let bar = ProgressBar::new(batch.applicants.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("writing {bar:30} {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut w = writer(&args.output, "--output")?;
    let mut high = 0;
    for r in &batch.applicants {
        r.write_line(&mut w)?;
        high += usize::from(r.level == "high");
        bar.inc(1);
    }
    w.flush()?;
    bar.finish_and_clear();
    eprintln!(
        "screened {} records ({} high risk, {} clusters, {} raised); {} rejected",
        batch.applicants.len(),
        high,
        batch.clusters.len(),
        batch.clusters.iter().filter(|c| c.raised).count(),
        rejected
    );
    Ok(if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn link(args: &LinkArgs) -> anyhow::Result<ExitCode> {
    let screener = screener(args.rules.as_deref(), args.population.as_deref())?;
    let (apps, rejected) = read(&args.input)?;
    let (clusters, known_rejected) = match &args.known {
        Some(path) => {
            let (known, known_rejected) = read(path)?;
            let pb = spinner(&format!("indexing {} known accounts", known.len()));
            let known = screener.known_accounts(known)?;
            pb.set_message(format!(
                "linking {} records to {} known accounts",
                apps.len(),
                known.len()
            ));
            let linked = screener.link_to_known(&apps, &known)?;
            pb.finish_and_clear();
            (linked.clusters, known_rejected)
        }
        None => {
            let pb = spinner(&format!("linking {} records", apps.len()));
            let linked = screener.link(&apps)?;
            pb.finish_and_clear();
            (linked.clusters, 0)
        }
    };
    let mut w = writer(&args.output, "--output")?;
    for c in &clusters {
        c.write_line(&mut w)?;
    }
    w.flush()?;
    if let Some(path) = &args.save_population {
        let stats = screener.population_of(&apps)?;
        let mut w = writer(path, "--save-population")?;
        serde_json::to_writer(&mut w, &stats)?;
        w.flush()?;
    }
    eprintln!(
        "linked {} records into {} clusters; {} rejected",
        apps.len(),
        clusters.len(),
        rejected + known_rejected
    );
    Ok(if rejected + known_rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
