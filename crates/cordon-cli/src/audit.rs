//! `cordon audit`: export and verify the service's audit trail (safe while the server runs).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Write the records (after verifying the chain up to them) to standard output.
    Export {
        /// Only records at or after this time (2026-11-25 or 2026-11-25T08:00:00Z).
        #[arg(long)]
        since: Option<String>,
        /// Only records about this subject key (the `subject` of a screening response): its
        /// screenings, its registration for monitoring and the decisions on its hits.
        #[arg(long)]
        subject: Option<String>,
        /// jsonl (the stored lines) or csv.
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// The service directory [default: beside the store].
        #[arg(long, value_name = "DIR")]
        service_dir: Option<PathBuf>,
    },
    /// Verify the whole chain; print the record count and the head hash.
    Verify {
        /// The service directory [default: beside the store].
        #[arg(long, value_name = "DIR")]
        service_dir: Option<PathBuf>,
    },
}

/// Who the audit trail names for what the CLI records: `cli:$USER`.
pub(crate) fn cli_caller() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

pub(crate) fn service_dir(global: &Global, dir: Option<&PathBuf>) -> cordon_server::ServiceDir {
    match dir {
        Some(d) => cordon_server::ServiceDir::new(d),
        None => cordon_server::ServiceDir::for_db(&global.db_path()),
    }
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Cmd::Export {
            since,
            subject,
            format,
            service_dir: dir,
        } => {
            let filter = cordon_server::ExportFilter {
                since: since
                    .as_deref()
                    .map(cordon_server::parse_since)
                    .transpose()?,
                subject: subject.clone(),
            };
            let format = match format.as_str() {
                "jsonl" => cordon_server::ExportFormat::Jsonl,
                "csv" => cordon_server::ExportFormat::Csv,
                other => anyhow::bail!("unknown format {other:?} (expected jsonl or csv)"),
            };
            let path = service_dir(global, dir.as_ref()).audit();
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let v = cordon_server::export(&path, &filter, format, &mut out)?;
            drop(out);
            eprintln!("{} records verified; head {}", v.records, v.head);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Verify { service_dir: dir } => {
            let path = service_dir(global, dir.as_ref()).audit();
            match cordon_server::read_verified(&path, |_, _| Ok(())) {
                Ok(v) => {
                    outln!("ok: {} records, head {}", v.records, v.head);
                    if v.torn_bytes > 0 {
                        outln!(
                            "note: {} bytes of an unfinished last write (never answered) are ignored",
                            v.torn_bytes
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    outln!("FAILED: {e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}
