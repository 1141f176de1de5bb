//! What cross-list grouping leaves out: for every person, organisation and vessel record in no
//! cross-list group, the best-scoring record of another list, by the matcher's own screening
//! (the record's first name, its schema and birth date), to draw a labelled sample of likely
//! missed pairs from.
//!
//! ```text
//! cargo run --release -p cordon-match --example group_review -- --db /tmp/cordon.redb --out FILE
//! ```
//!
//! `--jsonl FILE` instead of `--db` reads an FtM export; `--groups FILE` takes the groups from
//! a `screen_latency --groups` file (another build's) instead of this build's. Each output
//! line: record id, its caption, the best other-list record's id, caption and score, and that
//! record's group (or `-`), tab-separated.

use cordon_match::{Matcher, Options, Query};
use cordon_model::{Entity, Schema};
use rustc_hash::FxHashMap;

use cordon_alloc as _;

#[path = "support/load.rs"]
mod load;

/// The list a record comes from, by its first dataset's family (`ofac-sdn` → `ofac`).
fn list_of(e: &Entity) -> &str {
    e.datasets
        .first()
        .and_then(|d| d.split('-').next())
        .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(source), Some(path), Some(out)) = (
        args.first(),
        args.get(1),
        args.iter()
            .position(|a| a == "--out")
            .and_then(|i| args.get(i + 1)),
    ) else {
        eprintln!(
            "usage: group_review (--db STORE.redb | --jsonl ENTITIES.jsonl) --out FILE [--groups FILE]"
        );
        std::process::exit(2)
    };
    let (db, jsonl) = if source == "--db" {
        (Some(path.as_str()), None)
    } else {
        (None, Some(path.as_str()))
    };
    let m = Matcher::build(load::entities(db, jsonl));
    let from_file = args
        .iter()
        .position(|a| a == "--groups")
        .and_then(|i| args.get(i + 1))
        .map(|f| {
            std::fs::read_to_string(f).unwrap_or_else(|e| {
                eprintln!("{f}: {e}");
                std::process::exit(2)
            })
        });
    let groups: FxHashMap<&str, &str> = match &from_file {
        Some(text) => text
            .lines()
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let group = cols.next()?;
                Some((cols.next()?, group))
            })
            .collect(),
        None => m
            .entities()
            .iter()
            .filter_map(|e| Some((e.id.as_str(), m.group_of(&e.id)?)))
            .collect(),
    };
    let by_id: FxHashMap<&str, &Entity> = m.entities().iter().map(|e| (e.id.as_str(), e)).collect();
    let opts = Options {
        limit: 20,
        ..Options::default()
    };
    let mut lines = String::new();
    for e in m.entities() {
        let screened = matches!(
            e.schema,
            Schema::Person
                | Schema::Organization
                | Schema::Company
                | Schema::LegalEntity
                | Schema::Vessel
        );
        if !screened || groups.contains_key(e.id.as_str()) || e.caption.is_empty() {
            continue;
        }
        let Ok(mut q) = Query::new(&e.caption) else {
            continue;
        };
        q.schema = Some(e.schema);
        q.birth_date = e.birth_dates().first().copied();
        let best = m.screen(&q, &opts).into_iter().find(|r| {
            by_id
                .get(r.id.as_str())
                .is_some_and(|c| list_of(c) != list_of(e))
        });
        if let Some(r) = best {
            lines.push_str(&format!(
                "{}\t{}\t{}\t{}\t{:.3}\t{}\n",
                e.id,
                e.caption,
                r.id,
                r.caption,
                r.score,
                groups.get(r.id.as_str()).copied().unwrap_or("-")
            ));
        }
    }
    if let Err(e) = std::fs::write(out, lines) {
        eprintln!("{out}: {e}");
        std::process::exit(2)
    }
}
