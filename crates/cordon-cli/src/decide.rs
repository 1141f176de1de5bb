//! `cordon decide`: record an analyst decision on a hit, in the audit trail and the decisions
//! file (safe while the server runs).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The subject key (the `subject` of a screening response).
    #[arg(long)]
    subject: String,
    /// The list entry's id.
    #[arg(long)]
    entity: String,
    /// true_match or false_positive.
    #[arg(long)]
    verdict: String,
    /// Why.
    #[arg(long, default_value = "")]
    note: String,
    /// Who decided [default: cli:$USER].
    #[arg(long)]
    by: Option<String>,
    /// The service directory [default: beside the store].
    #[arg(long, value_name = "DIR")]
    service_dir: Option<PathBuf>,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let dir = crate::audit::service_dir(global, args.service_dir.as_ref());
    let verdict: cordon_server::Verdict = args.verdict.parse()?;
    // The decision is on what the analyst saw: the entry as the subject's latest screening
    // returned it, read from the audit trail (the store may be held by the running server).
    let Some(seen) = cordon_server::last_seen(&dir.audit(), &args.subject, &args.entity)? else {
        anyhow::bail!(
            "no screening of subject {} returned {} (see the audit trail); screen it first",
            args.subject,
            args.entity
        );
    };
    let by = args.by.clone().unwrap_or_else(crate::audit::cli_caller);
    let d = cordon_server::Decision {
        time: jiff::Timestamp::now().to_string(),
        subject: args.subject.clone(),
        entity_id: args.entity.clone(),
        verdict,
        note: args.note.clone(),
        by,
        entity_hash: seen.entity_hash,
        audit_seq: None,
    }
    .record_from_cli(&dir, &seen.lists)?;
    // The hit leaves the shared review queue (a running server reads this within a second).
    cordon_server::close_from_cli(&dir, &d)?;
    outln!("{}", serde_json::to_string(&d)?);
    Ok(ExitCode::SUCCESS)
}
