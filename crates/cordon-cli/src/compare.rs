//! `cordon compare`: score two names and explain the score.

use std::process::ExitCode;

use crate::table::Table;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Person, Organization, Company, Vessel or Any.
    #[arg(long, default_value = "Any")]
    schema: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// First name.
    name1: String,
    /// Second name.
    name2: String,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let schema = cordon_match::parse_schema(&args.schema)
        .map_err(|e| anyhow::anyhow!("error[{}]: {e}", e.code()))?;
    for n in [&args.name1, &args.name2] {
        cordon_match::Query::new(n)
            .map_err(|e| anyhow::anyhow!("error[{}]: {n:?}: {e}", e.code()))?;
    }
    let c = cordon_match::compare(&args.name1, &args.name2, schema);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&c)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "score {:.3} ({}; threshold {:.2}); name similarity {:.3} by {}",
        c.score,
        if c.is_match { "MATCH" } else { "no match" },
        cordon_match::DEFAULT_THRESHOLD,
        c.name_score,
        c.method
    );
    outln!("compared: {:?} ↔ {:?}", c.forms.0, c.forms.1);
    let mut t = Table::new(&["name 1", "name 2", "score", "rule"]);
    for a in &c.alignment {
        let row = if scales_whole_name(a) {
            [
                WHOLE_NAME.to_owned(),
                String::new(),
                format!("×{:.2}", a.score),
            ]
        } else {
            [
                a.query.to_string(),
                a.candidate.to_string(),
                format!("{:.2}", a.score),
            ]
        };
        t.row(row.into_iter().chain([a.rule.to_owned()]).collect());
    }
    out!("{}", t.render());
    Ok(ExitCode::SUCCESS)
}

/// How a reader's table names the part of an alignment that is no pair of words.
pub(crate) const WHOLE_NAME: &str = "(whole name)";

/// Whether an aligned part is a rule that scales the whole alignment (its `score` the factor):
/// the JSON gives it empty `query` and `candidate` (docs/screening.md), a table names it.
pub(crate) fn scales_whole_name(a: &cordon_match::Aligned) -> bool {
    a.query.is_empty() && a.candidate.is_empty()
}
