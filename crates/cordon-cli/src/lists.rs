//! `cordon lists`.

use std::process::ExitCode;

use serde::Serialize;

use crate::Global;
use crate::table::Table;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Row {
    source: String,
    #[serde(flatten)]
    state: cordon_store::SourceState,
    current: Option<cordon_store::SourceVersion>,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let store = global.store()?;
    let mut rows = Vec::new();
    for (source, state) in store.source_states()? {
        let current = state
            .current
            .map(|v| store.version(&source, v))
            .transpose()?;
        rows.push(Row {
            source,
            state,
            current,
        });
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new(&[
        "source",
        "version",
        "format",
        "entities",
        "published",
        "ingested",
        "last error",
    ]);
    for r in &rows {
        let c = r.current.as_ref();
        t.row(vec![
            r.source.clone(),
            c.map_or("-".into(), |c| c.version.to_string()),
            c.map_or("-".into(), |c| c.format.clone()),
            c.map_or("0".into(), |c| c.entity_count.to_string()),
            c.and_then(|c| c.publication_date.clone())
                .unwrap_or_else(|| "-".into()),
            c.map_or("-".into(), |c| c.ingested_at.clone()),
            r.state
                .last_error
                .as_ref()
                .map_or(String::new(), |e| format!("{} ({})", e.code, e.at)),
        ]);
    }
    out!("{}", t.render());
    if rows.is_empty() {
        eprintln!(
            "the store {} holds no lists yet: run `cordon ingest --lists DIR`",
            global.db_path().display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
