//! `cordon tx ingest`, `cordon exposure`, `cordon trace`: the transaction store and tracing.
//!
//! The graph lives in a directory (`--graph DIR`, default: a `tx/` folder beside the store
//! file, e.g. `~/.local/share/cordon/tx/`). `tx ingest` writes it (memory-mapped columns, see
//! docs/transactions.md) and copies the label files given with `--labels` into it as
//! `labels/`, so later queries find them without repeating the option.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cordon_trace::{ExposureQuery, Graph, Labels, TraceQuery, UTXO_FILE, add_label_file};
use cordon_tx::{IngestOptions, TokenRegistry, TxStoreBuilder, ingest_csv};

use crate::Global;

/// Transaction store commands.
#[derive(Debug, clap::Args)]
pub(crate) struct TxArgs {
    #[command(subcommand)]
    cmd: TxCmd,
}

#[derive(Debug, clap::Subcommand)]
enum TxCmd {
    /// Read transfer exports (CSV, Parquet) into a memory-mapped graph directory.
    Ingest(IngestArgs),
}

/// `cordon tx ingest`.
#[derive(Debug, clap::Args)]
struct IngestArgs {
    /// Files to read: CSV (layout recognised from the header) or `.parquet`. A per-address
    /// export (no `from` column) is given as `FILE=OWNER_ADDRESS`.
    #[arg(value_name = "FILE[=OWNER]", required_unless_present = "utxo")]
    files: Vec<String>,
    /// UTXO transactions: a CSV with one row per input/output
    /// (`txid,block,timestamp,io,index,address,value,prev_txid,prev_vout`); `cordon trace
    /// --from TXID` then traces forward from that transaction's outputs.
    #[arg(long, value_name = "FILE")]
    utxo: Option<PathBuf>,
    /// Label files: CSV (`address,category,name,source` or the Bybit `address,kind,role,source`;
    /// impersonating-token rows also feed the token registry) or GraphSense TagPack YAML.
    #[arg(long, value_name = "FILE")]
    labels: Vec<PathBuf>,
    /// Chain slug for files that do not say.
    #[arg(long, default_value = "eth")]
    chain: String,
    /// Graph directory [default: tx/ beside the store].
    #[arg(long, value_name = "DIR")]
    graph: Option<PathBuf>,
    /// Also write the canonical transfer table as Parquet.
    #[arg(long, value_name = "FILE")]
    parquet_out: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// `cordon exposure ADDRESS`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExposureArgs {
    /// The address to assess.
    address: String,
    /// Graph directory [default: tx/ beside the store].
    #[arg(long, value_name = "DIR")]
    graph: Option<PathBuf>,
    /// Extra label files (CSV, TagPack YAML, or a directory of them).
    #[arg(long, value_name = "FILE")]
    labels: Vec<PathBuf>,
    /// Hop bound (1 = direct only).
    #[arg(long, default_value_t = 5)]
    max_hops: u32,
    /// received, sent or both.
    #[arg(long, default_value = "both")]
    direction: String,
    /// Paths shown per category.
    #[arg(long, default_value_t = 3)]
    top: usize,
    /// Excluded transfers of the address shown in text output (JSON lists up to 1,000).
    #[arg(long, default_value_t = 20)]
    excluded: usize,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

/// `cordon trace --from ADDRESS`.
#[derive(Debug, clap::Args)]
pub(crate) struct TraceArgs {
    /// The theft address whose outflows are stolen value (or, on a graph with UTXO
    /// transactions, the theft transaction id whose outputs are stolen).
    #[arg(long)]
    from: String,
    /// Only seed this asset (symbol or contract) at the source.
    #[arg(long)]
    asset: Option<String>,
    /// Taint rule: fifo, lifo, haircut (pro-rata), poison, libr, tfo; for UTXO: poison,
    /// haircut, fifo, lifo, tiho, seniority.
    #[arg(long, default_value = "haircut")]
    rule: String,
    /// Stop following beyond this many hops.
    #[arg(long, default_value_t = 32)]
    max_hops: u32,
    /// Contributing paths per sink in the JSON (`path`, then `other_paths`), 1 to 100.
    #[arg(long, default_value_t = 1)]
    paths: usize,
    /// Graph directory [default: tx/ beside the store].
    #[arg(long, value_name = "DIR")]
    graph: Option<PathBuf>,
    /// Extra label files (CSV, TagPack YAML, or a directory of them).
    #[arg(long, value_name = "FILE")]
    labels: Vec<PathBuf>,
    /// Sinks shown in text output.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// JSON output.
    #[arg(long)]
    json: bool,
    /// Graphviz DOT output.
    #[arg(long, conflicts_with = "json")]
    dot: bool,
}

fn graph_dir(g: &Global, explicit: &Option<PathBuf>) -> PathBuf {
    explicit.clone().unwrap_or_else(|| g.default_tx_dir())
}

/// Runs `cordon tx …`.
pub(crate) fn run_tx(g: &Global, args: &TxArgs) -> anyhow::Result<ExitCode> {
    let TxCmd::Ingest(a) = &args.cmd;
    let dir = graph_dir(g, &a.graph);
    let mut registry = TokenRegistry::with_defaults();
    let mut labels = Labels::new();
    for f in &a.labels {
        add_label_file(&mut labels, f, Some(&mut registry))?;
    }
    let mut b = TxStoreBuilder::new(registry);
    let mut reports = Vec::new();
    // A file that cannot be read at all is reported and the others still load (as a bad row
    // is within a file); when nothing loads, the existing graph is left untouched.
    let mut unreadable = Vec::new();
    for spec in &a.files {
        let (file, owner) = match spec.rsplit_once('=') {
            Some((f, o)) if !o.is_empty() && !Path::new(spec).exists() => (f, Some(o.to_string())),
            _ => (spec.as_str(), None),
        };
        let path = Path::new(file);
        let read = if path.extension().is_some_and(|e| e == "parquet") {
            cordon_tx::read_parquet(&mut b, path)
                .map(|n| serde_json::json!({"file": file, "layout": "parquet", "loaded": n}))
        } else {
            let opts = IngestOptions {
                chain: a.chain.clone(),
                owner,
            };
            ingest_csv(&mut b, path, &opts).map(|r| serde_json::json!(r))
        };
        match read {
            Ok(r) => reports.push(r),
            Err(e) => {
                reports.push(
                    serde_json::json!({"file": file, "error": e.to_string(), "code": e.code()}),
                );
                unreadable.push(e);
            }
        }
    }
    let store = b.build()?;
    if store.is_empty() && !a.files.is_empty() {
        // Every row was rejected: an empty graph would replace one that answers questions.
        for e in &unreadable {
            eprintln!("error[{}]: {e}", e.code());
        }
        for d in store.diagnostics() {
            eprintln!("{d}");
        }
        anyhow::bail!(
            "no transfer could be loaded from the {} files; the graph in {} is unchanged",
            a.files.len(),
            dir.display()
        );
    }
    store.save(&dir)?;
    let upath = dir.join(UTXO_FILE);
    let mut utxo_txs = None;
    if let Some(u) = &a.utxo {
        // Parsed first, so a broken file is refused before it replaces anything.
        let us = cordon_tx::UtxoStore::from_csv(u)?;
        for d in us.diagnostics() {
            eprintln!("{d}");
        }
        std::fs::copy(u, &upath)?;
        utxo_txs = Some(us.txs().len());
    } else if upath.exists() {
        std::fs::remove_file(&upath)?;
    }
    let ldir = dir.join("labels");
    std::fs::create_dir_all(&ldir)?;
    for (i, f) in a.labels.iter().enumerate().filter(|(_, f)| f.is_file()) {
        let name = f.file_name().map_or_else(
            || format!("{i}.csv"),
            |n| format!("{i}-{}", n.to_string_lossy()),
        );
        std::fs::copy(f, ldir.join(name))?;
    }
    if let Some(p) = &a.parquet_out {
        cordon_tx::write_parquet(&store, p)?;
    }
    let excluded = store.excluded().count();
    let errors = store
        .diagnostics()
        .iter()
        .filter(|d| d.severity == cordon_model::Severity::Error)
        .count();
    if a.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "graph": dir,
                "files": reports,
                "transfers": store.len(),
                "addresses": store.num_addresses(),
                "excluded": excluded,
                "labels": labels.len(),
                "utxo_transactions": utxo_txs,
                "diagnostics": store.diagnostics(),
            }))?
        );
    } else {
        for r in &reports {
            outln!("{r}");
        }
        for e in &unreadable {
            eprintln!("error[{}]: {e} (the file was skipped)", e.code());
        }
        for d in store.diagnostics() {
            eprintln!("{d}");
        }
        outln!(
            "{} transfers, {} addresses, {} excluded (failed, zero-value, impersonating, look-alike), {} labels -> {}",
            store.len(),
            store.num_addresses(),
            excluded,
            labels.len(),
            dir.display()
        );
        if let Some(n) = utxo_txs {
            outln!("{n} UTXO transactions");
        }
    }
    Ok(if errors > 0 || !unreadable.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `cordon exposure`.
pub(crate) fn run_exposure(g: &Global, a: &ExposureArgs) -> anyhow::Result<ExitCode> {
    let dir = graph_dir(g, &a.graph);
    let graph = Graph::open(&dir, &a.labels)?;
    let rep = graph.exposure(
        &a.address,
        &ExposureQuery {
            direction: a.direction.clone(),
            max_hops: a.max_hops,
            top: a.top,
        },
    )?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&rep)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "exposure of {} (≤ {} hops, {}, time-respecting){}",
        rep.address,
        rep.max_hops,
        rep.rule,
        if rep.truncated {
            " [TRUNCATED: lower bounds]"
        } else {
            ""
        }
    );
    for n in &rep.notes {
        outln!("  note: {n}");
    }
    let named = |a: &str| {
        rep.labels
            .get(a)
            .map_or_else(String::new, |l| format!(" ({}: {})", l.category, l.name))
    };
    if let Some(l) = rep.labels.get(&rep.address) {
        outln!(
            "  attributed: {}: {} (source: {}; confidence: {})",
            l.category,
            l.name,
            l.source,
            l.confidence.name
        );
    }
    if rep.entries.is_empty() {
        outln!("  no exposure to attributed addresses");
    }
    for e in &rep.entries {
        outln!(
            "  {:<10} {:<8} {:<10} direct {}  indirect {}  (min {} hops)",
            e.category.name(),
            format!("{:?}", e.direction).to_lowercase(),
            e.asset,
            e.direct,
            e.indirect,
            e.min_hops
        );
        for p in &e.paths {
            outln!(
                "    path {} via {} hops to {}{}:",
                p.amount,
                p.hops,
                p.counterparty,
                named(&p.counterparty)
            );
            for s in &p.steps {
                outln!(
                    "      {} {} {} -> {} {} {} (tainted {})",
                    s.time,
                    s.tx_hash,
                    s.from,
                    s.to,
                    s.amount,
                    s.asset,
                    s.tainted
                );
            }
        }
    }
    if rep.excluded_total > 0 {
        let reasons: Vec<String> = rep
            .excluded_by_reason
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        outln!(
            "  excluded transfers of this address (never counted): {} ({})",
            rep.excluded_total,
            reasons.join(", ")
        );
        for x in rep.excluded.iter().take(a.excluded) {
            let t = &x.transfer;
            outln!(
                "    {} {} {} {}{} {} {}: {}{}",
                t.time,
                t.tx_hash,
                if x.direction == cordon_trace::Direction::Sent {
                    "sent to"
                } else {
                    "received from"
                },
                x.counterparty,
                named(&x.counterparty),
                t.amount,
                t.asset,
                t.reasons.join(","),
                t.detail
                    .as_deref()
                    .map_or(String::new(), |d| format!(" ({d})"))
            );
        }
        let shown = rep.excluded.len().min(a.excluded);
        if rep.excluded_total > shown {
            outln!(
                "    … {} more (use --excluded N, or --json for up to {})",
                rep.excluded_total - shown,
                cordon_trace::ExposureOptions::default().max_excluded
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `cordon trace`.
pub(crate) fn run_trace(g: &Global, a: &TraceArgs) -> anyhow::Result<ExitCode> {
    let dir = graph_dir(g, &a.graph);
    let graph = Graph::open(&dir, &a.labels)?;
    let q = TraceQuery {
        from: a.from.clone(),
        asset: a.asset.clone(),
        rule: a.rule.clone(),
        max_hops: a.max_hops,
        paths_per_sink: a.paths,
    };
    if graph.is_utxo_seed(&a.from) {
        return run_trace_utxo(&graph, a, &q);
    }
    let rep = graph.trace(&q)?;
    if a.dot {
        out!("{}", graph.dot(&rep));
        return Ok(ExitCode::SUCCESS);
    }
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&rep)?);
        return Ok(ExitCode::SUCCESS);
    }
    let r = &rep.trace;
    outln!(
        "trace from {} under {} ({} accounts carried taint)",
        r.source,
        r.rule,
        r.accounts_touched
    );
    for (asset, amt) in &r.introduced {
        outln!("  introduced {amt} base units of {asset}");
    }
    outln!(
        "  main path (largest recipient each hop): {}",
        rep.main_path.join(" -> ")
    );
    outln!("  sinks [LIBR lower, {} point, TFO upper]:", r.rule);
    for s in r.sinks.iter().take(a.top) {
        let bounds = rep.interval_of(s);
        outln!(
            "    {:<17} {} {} {} [{} .. {}] hops {}{}",
            format!("{:?}", s.kind).to_lowercase(),
            s.address,
            s.taint,
            s.asset,
            bounds.map_or("?", |b| b.lower.as_str()),
            bounds.map_or("?", |b| b.upper.as_str()),
            s.hops,
            s.label
                .as_ref()
                .map_or(String::new(), |l| format!("  ({l})"))
        );
    }
    if r.sinks.len() > a.top {
        outln!("    … {} more sinks (use --json)", r.sinks.len() - a.top);
    }
    if !r.excluded.is_empty() {
        outln!(
            "  excluded transfers touching traced addresses (never carry taint): {}",
            r.excluded.len()
        );
        for e in r.excluded.iter().take(5) {
            outln!(
                "    {} {} {} {} {} -> {}: {}",
                e.time,
                e.tx_hash,
                e.amount,
                e.asset,
                e.from,
                e.to,
                e.reasons.join(",")
            );
        }
    }
    if !rep.patterns.is_empty() {
        outln!("  laundering patterns among the accounts that passed taint on:");
        for p in rep.patterns.iter().take(a.top) {
            outln!("    {p}");
        }
        if rep.patterns.len() > a.top {
            outln!("    … {} more (use --json)", rep.patterns.len() - a.top);
        }
    }
    if !r.sinks_omitted.is_empty() {
        for s in &r.sinks_omitted {
            outln!(
                "  + {} more {} sinks of {} holding {} (summarised)",
                s.count,
                format!("{:?}", s.kind).to_lowercase(),
                s.asset,
                s.taint
            );
        }
    }
    for inf in r.swap_inferences.iter().take(5) {
        outln!(
            "  inference: {} funded {} with {} from swap {} (amount reconciliation)",
            inf.account,
            inf.funded_tx,
            inf.amount,
            inf.swap_tx
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_trace_utxo(graph: &Graph, a: &TraceArgs, q: &TraceQuery) -> anyhow::Result<ExitCode> {
    if a.dot {
        anyhow::bail!("--dot draws account traces; use --json for a UTXO trace");
    }
    let r = graph.trace_utxo(q)?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "UTXO trace from {} under {:?}: {} sat seeded, {} sat to fees",
        a.from,
        r.rule,
        r.seeded,
        r.fees
    );
    for s in r.sinks.iter().take(a.top) {
        outln!(
            "    {:<9} {}:{} {} {} sat",
            s.kind,
            s.outpoint.txid,
            s.outpoint.vout,
            s.address,
            s.taint
        );
    }
    if r.sinks.len() > a.top {
        outln!("    … {} more sinks (use --json)", r.sinks.len() - a.top);
    }
    Ok(ExitCode::SUCCESS)
}
