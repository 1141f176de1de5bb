//! `cordon rescreen`: re-screen monitored subjects after list changes (the server does this
//! itself after each update; this command is for when it is not running, since the store
//! file can be open in one process only).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Register subjects from this file first (JSON lines, or CSV if it ends in .csv).
    #[arg(long, value_name = "FILE")]
    subjects: Option<PathBuf>,
    /// The service directory [default: beside the store].
    #[arg(long, value_name = "DIR")]
    service_dir: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let dir = crate::audit::service_dir(global, args.service_dir.as_ref());
    dir.create()?;
    let store = global.store()?;
    if let Some(path) = &args.subjects {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let subjects = cordon_server::parse_subjects(&text, is_csv, "cli")
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        cordon_server::register(&dir, &subjects)?;
        eprintln!("registered {} subjects", subjects.len());
    }
    let snapshot = cordon_server::Snapshot::build(&store, 1)?;
    let decisions = cordon_server::Decisions::load(&dir.decisions())?;
    let report = cordon_server::rescreen(
        &snapshot,
        None,
        Some(&store),
        &dir,
        Some(&decisions),
        cordon_match::DEFAULT_THRESHOLD,
    )?;
    let queued = cordon_server::open_from_cli(&dir, report.review.clone())?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    if queued > 0 {
        eprintln!("{queued} new hits queued for review");
    }
    outln!(
        "{} subjects; changed sources: {}; {} entries touched; {} re-screened; {} alerts",
        report.subjects,
        if report.changed_sources.is_empty() {
            "none".to_owned()
        } else {
            report.changed_sources.join(", ")
        },
        report.touched_entities,
        report.rescreened,
        report.alerts.len()
    );
    for a in &report.alerts {
        let kind = match a.kind {
            cordon_server::AlertKind::New => "NEW",
            cordon_server::AlertKind::Vanished => "VANISHED",
        };
        outln!(
            "{kind:<9} {} -> {} {} ({:.3})",
            a.subject,
            a.entity_id,
            a.caption,
            a.score
        );
    }
    Ok(ExitCode::SUCCESS)
}
