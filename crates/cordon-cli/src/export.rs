//! `cordon export`.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::Global;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    /// FollowTheMoney JSON lines.
    Ftm,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "ftm")]
    format: ExportFormat,
    /// Only these sources (repeatable); default all.
    #[arg(long = "source", value_name = "SOURCE")]
    sources: Vec<String>,
    /// Write here instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let store = global.store()?;
    // One record per id: an entity listed by several sources is merged, as `show` does.
    let merged = store.merged_current_entities(&args.sources)?;
    let out: Box<dyn Write> = match &args.output {
        Some(p) => {
            Box::new(std::fs::File::create(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(out);
    let written = match args.format {
        ExportFormat::Ftm => cordon_lists::write_ftm(&mut out, merged.iter()),
    }
    .and_then(|()| out.flush());
    match written {
        // The reader went away (`cordon export | head`): not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        other => {
            other?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
