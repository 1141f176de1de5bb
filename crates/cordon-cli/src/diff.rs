//! `cordon diff`.

use std::process::ExitCode;

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The source id (see `cordon lists`).
    source: String,
    /// The older version [default: the one before TO].
    from: Option<u32>,
    /// The newer version [default: current].
    to: Option<u32>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let store = global.store()?;
    let d = store.diff(&args.source, args.from, args.to)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{} v{} -> v{}: {} added, {} removed, {} changed",
        d.source,
        d.from,
        d.to,
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    for e in &d.added {
        outln!("+ {} [{}] {}", e.id, e.schema, e.caption);
    }
    for e in &d.removed {
        outln!("- {} [{}] {}", e.id, e.schema, e.caption);
    }
    for c in &d.changed {
        outln!(
            "~ {} [{}] {}",
            c.entity.id,
            c.entity.schema,
            c.entity.caption
        );
        for p in &c.changes {
            for v in &p.removed {
                outln!("    - {}: {v}", p.property);
            }
            for v in &p.added {
                outln!("    + {}: {v}", p.property);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
