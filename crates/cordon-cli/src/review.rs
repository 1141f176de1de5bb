//! `cordon review`: the shared review queue (`review.jsonl` in the service directory), read
//! while the server runs: the same items as `GET /review`.

use std::path::PathBuf;
use std::process::ExitCode;

use cordon_server::{Review, ReviewFilter};

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// open, closed or all.
    #[arg(long, default_value = "open", value_parser = ["open", "closed", "all"])]
    status: String,
    /// One subject key.
    #[arg(long)]
    subject: Option<String>,
    /// Items opened at or after this time (2026-12-01 or RFC 3339).
    #[arg(long)]
    since: Option<String>,
    /// screening, registration, alert, address or applicant.
    #[arg(long, value_parser = ["screening", "registration", "alert", "address", "applicant"])]
    origin: Option<String>,
    /// Newest first (default: oldest first, the order to work in).
    #[arg(long)]
    newest: bool,
    /// Items to show at most.
    #[arg(long, default_value_t = 100)]
    limit: usize,
    /// One JSON object per line (the items of `GET /review`).
    #[arg(long)]
    json: bool,
    /// The service directory [default: beside the store].
    #[arg(long, value_name = "DIR")]
    service_dir: Option<PathBuf>,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let dir = crate::audit::service_dir(global, args.service_dir.as_ref());
    let filter = ReviewFilter {
        open: match args.status.as_str() {
            "open" => Some(true),
            "closed" => Some(false),
            _ => None,
        },
        subject: args.subject.clone(),
        since: args
            .since
            .as_deref()
            .map(cordon_server::parse_since)
            .transpose()?,
        origin: args
            .origin
            .as_deref()
            .map(|o| {
                o.parse()
                    .map_err(|()| anyhow::anyhow!("unknown origin {o:?}"))
            })
            .transpose()?,
        newest_first: args.newest,
    };
    let queue = Review::load(&dir.review())?;
    let (items, total) = queue.list(&filter, 0, args.limit);
    for i in &items {
        if args.json {
            outln!("{}", serde_json::to_string(i)?);
            continue;
        }
        let status = match &i.closed {
            None => "open".to_owned(),
            Some(c) => match (c.verdict, &c.by) {
                (Some(v), Some(by)) => format!("closed: {} by {by}", word(&v)),
                _ => "closed: no longer listed".to_owned(),
            },
        };
        outln!(
            "{}\t{}\t{}\t{} ({})\t{:.2}\t{}\t{}",
            i.opened,
            i.subject,
            i.entity_id,
            i.caption,
            i.datasets.join(","),
            i.score,
            word(&i.origin),
            status
        );
    }
    eprintln!(
        "{} of {total} items shown; {} open in all",
        items.len(),
        queue.open_count()
    );
    Ok(ExitCode::SUCCESS)
}

/// A unit enum's name as the API spells it (`true_match`, `screening`).
fn word(v: &impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
