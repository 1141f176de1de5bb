//! `cordon ingest`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use cordon_lists::SourcePlan;
use cordon_store::{IngestObserver, IngestOptions, IngestReport, IngestStatus, SourceOutcome};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::Global;
use crate::table::Table;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Directory to read lists from (searched recursively; formats detected by content).
    #[arg(long, value_name = "DIR")]
    lists: PathBuf,
    /// Store a new version even for unchanged files.
    #[arg(long)]
    force: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Progress bars on a terminal; nothing otherwise (indicatif hides itself off a TTY).
struct Bars {
    multi: MultiProgress,
    current: Mutex<Option<ProgressBar>>,
}

impl IngestObserver for Bars {
    fn source_started(&self, plan: &SourcePlan, bytes: u64) {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:<28} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(plan.source_id.clone());
        bar.set_message(format!(
            "{} file(s), {:.1} MB",
            plan.files.len(),
            bytes as f64 / 1e6
        ));
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        if let Ok(mut c) = self.current.lock() {
            *c = Some(bar);
        }
    }

    fn entities_parsed(&self, _source: &str, count: u64) {
        if let Ok(c) = self.current.lock()
            && let Some(bar) = c.as_ref()
        {
            bar.set_message(format!("{count} entities"));
        }
    }

    fn source_finished(&self, outcome: &SourceOutcome) {
        if let Ok(mut c) = self.current.lock()
            && let Some(bar) = c.take()
        {
            bar.finish_and_clear();
        }
        let _ = outcome;
    }
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    if !args.lists.is_dir() {
        anyhow::bail!("--lists {}: not a directory", args.lists.display());
    }
    let store = global.store()?;
    let bars = Bars {
        multi: MultiProgress::new(),
        current: Mutex::new(None),
    };
    let report = cordon_store::ingest_dir_with(
        &store,
        &args.lists,
        &IngestOptions::default().force(args.force),
        &bars,
    );
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, 5);
        eprintln!("store: {}", store.path().display());
    }
    Ok(if report.has_failures() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints the outcome table and, per source, its first `max_warnings` warnings.
pub(crate) fn print_report(report: &IngestReport, max_warnings: usize) {
    let mut t = Table::new(&[
        "source",
        "format",
        "status",
        "version",
        "entities",
        "published",
        "warnings",
        "ms",
    ]);
    for s in &report.sources {
        let (status, version) = match &s.status {
            IngestStatus::Stored { version } => ("stored", version.to_string()),
            IngestStatus::Unchanged { version } => ("unchanged", version.to_string()),
            IngestStatus::Failed { .. } => ("FAILED", "-".to_owned()),
        };
        t.row(vec![
            s.source.clone(),
            s.format.clone(),
            status.to_owned(),
            version,
            s.entity_count.to_string(),
            s.publication_date.clone().unwrap_or_else(|| "-".into()),
            s.warning_count.to_string(),
            s.elapsed_ms.to_string(),
        ]);
    }
    out!("{}", t.render());
    for d in &report.planning {
        eprintln!("{d}");
    }
    for s in &report.sources {
        if let IngestStatus::Failed { code, message } = &s.status {
            eprintln!(
                "error[{code}]: source {}: {message} (its last good version stays current)",
                s.source
            );
        }
        for w in s.warnings.iter().take(max_warnings) {
            eprintln!("{}: {w}", s.source);
        }
        if s.warning_count > s.warnings.len().min(max_warnings) as u64 {
            eprintln!(
                "{}: … {} more warnings (see `cordon lists --json`)",
                s.source,
                s.warning_count - s.warnings.len().min(max_warnings) as u64
            );
        }
    }
}
