//! `cordon show`.

use std::process::ExitCode;

use cordon_model::{Entity, Schema, prop};

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The entity id (e.g. `ofac-27307`, `un-KPi.033`, `uk-DPR0001`).
    id: String,
    /// Print FtM JSON (with `linked` entities: wallets held, or the holder of a wallet).
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let store = global.store()?;
    let Some(entity) = store.entity(&args.id)? else {
        eprintln!(
            "error[not-found]: no entity {:?} in any current list version",
            args.id
        );
        return Ok(ExitCode::from(1));
    };
    let mut linked = store.entities_with(prop::HOLDER, &entity.id)?;
    if entity.schema == Schema::CryptoWallet {
        for holder in entity.get(prop::HOLDER) {
            if let Some(h) = store.entity(holder)? {
                linked.push(h);
            }
        }
    }
    let sources: Vec<_> = entity
        .datasets
        .iter()
        .filter_map(|d| store.source_state(d).ok().flatten().and_then(|s| s.current).and_then(|v| store.version(d, v).ok()))
        .map(|v| serde_json::json!({"source": v.source, "version": v.version, "publication_date": v.publication_date, "content_hash": v.content_hash}))
        .collect();
    if args.json {
        let mut value = serde_json::to_value(&entity)?;
        if let Some(obj) = value.as_object_mut() {
            obj.insert("sources".into(), serde_json::Value::Array(sources));
            obj.insert("linked".into(), serde_json::to_value(&linked)?);
        }
        outln!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_entity(&entity);
        for s in &sources {
            outln!(
                "  source: {} v{} (published {})",
                s["source"].as_str().unwrap_or(""),
                s["version"],
                s["publication_date"].as_str().unwrap_or("-")
            );
        }
        if !linked.is_empty() {
            outln!("linked:");
            for l in &linked {
                outln!("  {} [{}] {}", l.id, l.schema, l.caption);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_entity(e: &Entity) {
    outln!("{} [{}] {}", e.id, e.schema, e.caption);
    for (p, values) in &e.properties {
        for v in values {
            outln!("  {p}: {v}");
        }
    }
}
