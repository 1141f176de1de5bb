//! `cordon serve`: the screening service.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "CORDON_LISTEN")]
    listen: SocketAddr,
    /// List directory that `POST /admin/reload` and the update job re-ingest.
    #[arg(long, value_name = "DIR", env = "CORDON_LISTS")]
    lists: Option<PathBuf>,
    /// Run the update job every this many seconds (0 = never).
    #[arg(long, default_value_t = 3600, env = "CORDON_RELOAD_SECS")]
    reload_every: u64,
    /// The service directory (audit trail, keys, decisions) [default: beside the store].
    #[arg(long, value_name = "DIR", env = "CORDON_SERVICE_DIR")]
    service_dir: Option<PathBuf>,
    /// Answer without API keys (local experiments only; every caller is "anonymous").
    #[arg(long)]
    no_auth: bool,
    /// Time limit per request, seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Worker threads [default: one per core].
    #[arg(long)]
    threads: Option<usize>,
    /// The transaction graph `cordon tx ingest` writes, for `/exposure` and `/trace`
    /// [default: tx/ beside the store]. Reloads pick up a re-ingested graph.
    #[arg(long, value_name = "DIR", env = "CORDON_TX")]
    tx: Option<PathBuf>,
    /// Applicant red-flag rules (YAML) for `/applicants/screen` [default: the built-in rules].
    #[arg(long, value_name = "FILE", env = "CORDON_APPLICANT_RULES")]
    applicant_rules: Option<PathBuf>,
    /// IP database for applicant screening: a MaxMind .mmdb or CSV ranges; repeat to combine.
    #[arg(long, value_name = "FILE")]
    ipdb: Vec<PathBuf>,
    /// The platform's accounts (applicant records, JSON lines or CSV): `/applicants/screen`
    /// links each sign-up to the accounts it shares a person with. Reloads read it again when
    /// it changed.
    #[arg(long, value_name = "FILE", env = "CORDON_APPLICANT_ACCOUNTS")]
    applicant_accounts: Option<PathBuf>,
    /// The organisation named as producer of the TAXII collections' objects.
    #[arg(long, env = "CORDON_PRODUCER", default_value = "Cordon")]
    producer: String,
    /// TLP 2.0 marking of the TAXII collections: clear, green, amber, amber+strict or red.
    #[arg(long, default_value = "amber", value_parser = crate::stix::parse_tlp)]
    taxii_tlp: cordon_stix::Tlp,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    init_logs();
    let started = std::time::Instant::now();
    let store = global.store()?;
    let mut config = cordon_server::Config::default()
        .auth(!args.no_auth)
        .lists_dir(args.lists.clone())
        .timeout(Duration::from_secs(args.timeout.max(1)))
        .tx_dir(Some(
            args.tx.clone().unwrap_or_else(|| global.default_tx_dir()),
        ))
        .applicant_files(args.applicant_rules.clone(), args.ipdb.clone())
        .applicant_accounts(args.applicant_accounts.clone())
        .taxii(cordon_server::TaxiiConfig {
            producer: args.producer.clone(),
            tlp: args.taxii_tlp,
        });
    if let Some(d) = &args.service_dir {
        config = config.service_dir(d);
    }
    let state = cordon_server::AppState::open(store, config)?;
    if !args.no_auth {
        let keys = cordon_server::Keys::load(&state.dir().keys())?;
        if keys.active().next().is_none() {
            tracing::warn!(
                "no API keys: every request will get 401; create one with `cordon keys create NAME --role screen`"
            );
        }
    }
    let snap = state.snapshot();
    tracing::info!(
        entities = snap.len(),
        lists = snap.lists.len(),
        ms = started.elapsed().as_millis() as u64,
        service_dir = %state.dir().root().display(),
        "lists loaded"
    );
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(t) = args.threads {
        rt.worker_threads(t.max(1));
    }
    let rt = rt.build()?;
    let every = (args.reload_every > 0).then(|| Duration::from_secs(args.reload_every));
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        // The bound address, not the requested one: with port 0 the system picks a free port.
        let addr = listener.local_addr().unwrap_or(args.listen);
        tracing::info!(addr = %addr, "listening");
        cordon_server::serve(state, listener, every).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CORDON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,cordon_server=info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
