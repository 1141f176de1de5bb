//! `cordon address`: validate addresses and screen them against the stored lists' wallets
//! and GraphSense TagPacks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cordon_address::Checksum;
use cordon_wallets::{
    Hit, Screening, ScreeningStatus, SourceInfo, Validity, WalletIndex, WalletIndexBuilder,
    read_tagpack,
};

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Addresses to check (any supported chain; the chain is detected from the shape).
    #[arg(required = true, value_name = "ADDRESS")]
    addresses: Vec<String>,
    /// Print JSON: `{"results": [...], "index": {...}}`.
    #[arg(long)]
    json: bool,
    /// Also screen against every GraphSense TagPack (`*.yaml`, `*.yml`) in this directory.
    #[arg(long, value_name = "DIR")]
    tagpacks: Option<PathBuf>,
    /// Screen against TagPacks only; do not open the store.
    #[arg(long)]
    no_lists: bool,
}

/// Exit status 1 when an address is invalid or a TagPack could not be read.
pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let mut problems = Vec::new();
    let index = build_index(global, args, &mut problems)?;
    let results: Vec<Screening> = args.addresses.iter().map(|a| index.screen(a)).collect();
    if args.json {
        let value = serde_json::json!({
            "results": results,
            "index": index.stats(),
            "problems": problems,
        });
        outln!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        for p in &problems {
            eprintln!("warning: {p}");
        }
        for r in &results {
            print_screening(r);
        }
    }
    let failed =
        !problems.is_empty() || results.iter().any(|r| r.status == ScreeningStatus::Invalid);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn build_index(
    global: &Global,
    args: &Args,
    problems: &mut Vec<String>,
) -> anyhow::Result<WalletIndex> {
    let mut b = WalletIndexBuilder::new();
    if !args.no_lists {
        let store = global.store()?;
        // Older versions of each source count too: an address a source dropped between two
        // of its versions is formerly listed.
        for current in store.sources()? {
            for v in store.versions(&current.source)? {
                if v.version == current.version {
                    continue;
                }
                let wallets = store.entities(&v.source, v.version)?;
                b.source_entities(
                    SourceInfo {
                        id: format!("{}@{}", v.source, v.version),
                        version: Some(v.version),
                        as_of: v.publication_date.clone(),
                    },
                    &wallets,
                );
            }
            b.source(SourceInfo {
                id: current.source.clone(),
                version: Some(current.version),
                as_of: current.publication_date.clone(),
            });
        }
        let entities = store.current_entities()?;
        let wallets = entities
            .iter()
            .filter(|e| e.schema == cordon_model::Schema::CryptoWallet)
            .count();
        // Screening against an empty store must not look like a clean result.
        if wallets == 0 {
            problems.push(format!(
                "[no-list-wallets] the store {} holds no list wallets: run `cordon ingest --lists DIR` first, or pass --no-lists",
                store.path().display()
            ));
        }
        b.entities(&entities);
    }
    if let Some(dir) = &args.tagpacks {
        let mut diagnostics = Vec::new();
        for path in tagpack_files(dir)? {
            match read_tagpack(&path, &mut diagnostics) {
                Ok(pack) => {
                    b.tagpack(&pack);
                }
                Err(e) => problems.push(format!("[{}] {e}", e.code())),
            }
        }
        // Bad addresses inside TagPacks are data problems of the pack, not of this run.
        for d in diagnostics {
            eprintln!("note: {d}");
        }
    }
    Ok(b.build())
}

fn tagpack_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read TagPack directory {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        })
        .collect();
    files.sort();
    Ok(files)
}

fn print_screening(r: &Screening) {
    outln!("{}", r.input.trim());
    match (&r.address, &r.error) {
        (Some(a), _) => {
            let chains: Vec<&str> = a.chains().iter().map(|c| c.slug()).collect();
            let checksum = match a.checksum() {
                Checksum::Verified => "checksum ok",
                Checksum::Uncased => "no EIP-55 checksum (single case): typos are not detectable",
                Checksum::None => "format has no checksum: typos are not detectable",
            };
            outln!(
                "  valid on: {} ({}, {checksum})",
                chains.join(", "),
                a.kind().as_str()
            );
            outln!("  canonical: {}", a.display_form());
        }
        (None, Some(e)) => outln!("  INVALID [{}]: {}", e.code, e.message),
        (None, None) => {}
    }
    let status = match r.status {
        ScreeningStatus::Listed => "LISTED",
        ScreeningStatus::FormerlyListed => "FORMERLY LISTED (not listed now)",
        ScreeningStatus::Attributed => "attributed (TagPack, not a list)",
        ScreeningStatus::NoHit => "no hit",
        ScreeningStatus::Invalid => "not screened",
    };
    outln!("  status: {status}");
    for h in &r.hits {
        print_hit(h);
    }
}

fn print_hit(h: &Hit) {
    let cats: Vec<&str> = h.categories.iter().map(|c| c.as_str()).collect();
    let confidence = match h.confidence.level {
        Some(l) => format!("{} ({l})", h.confidence.name),
        None => h.confidence.name.clone(),
    };
    outln!(
        "  - {}: {} | confidence {confidence} | {}",
        h.authority,
        cats.join(", "),
        validity_text(&h.validity)
    );
    for holder in &h.holders {
        outln!(
            "      holder: {}{}",
            holder.id,
            holder
                .name
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default()
        );
    }
    if !h.programs.is_empty() {
        outln!("      programs: {}", h.programs.join(", "));
    }
    if let Some(l) = &h.label {
        outln!("      label: {l}");
    }
    for s in &h.sources {
        let mut line = format!("      source: {}", s.id);
        if let Some(v) = s.version {
            line.push_str(&format!(" v{v}"));
        }
        if let Some(n) = s.line {
            line.push_str(&format!(":{n}"));
        }
        line.push_str(&format!(" ({})", s.as_of.as_deref().unwrap_or("undated")));
        line.push_str(&format!(" as {}", s.listed_as));
        if s.match_kind == cordon_wallets::MatchKind::CaseFolded {
            line.push_str(" [source spelling invalid; matched ignoring case]");
        }
        outln!("{line}");
    }
    if let Some(u) = &h.url {
        outln!("      url: {u}");
    }
}

fn validity_text(v: &Validity) -> String {
    match v {
        Validity::Listed { since } => match since {
            Some(d) => format!("listed since {d}"),
            None => "listed".into(),
        },
        Validity::FormerlyListed {
            last_listed_in,
            last_listed_as_of,
            absent_from,
            absent_as_of,
            delisted_on,
            ..
        } => {
            let mut t = format!(
                "formerly listed: last in {last_listed_in} ({}), absent from {absent_from} ({})",
                last_listed_as_of.as_deref().unwrap_or("undated"),
                absent_as_of.as_deref().unwrap_or("undated")
            );
            if let Some(d) = delisted_on {
                t.push_str(&format!("; delisted {d}"));
            }
            t
        }
        Validity::Attributed { as_of } => match as_of {
            Some(d) => format!("attributed as of {d}"),
            None => "attributed".into(),
        },
    }
}
