//! Cross-list grouping on the real lists, against a labelled sample of record pairs.
//!
//! `tests/data/group_pairs.csv` holds 300 pairs of records of two lists, each labelled by
//! reading both records (`same` = 1 when they are one person or organisation), with the
//! evidence or the reason. Where each pair was drawn from (`drawn_from`): the groups of main
//! before these rules (`main-group`, `screen_latency --groups` at `5dabe2e`); the pairs the
//! rules of 2026-12-06 joined (`new-join`, `new-join-2`, `new-join-3`, `new-join-alias`);
//! each ungrouped record's best other-list screening match (`missed-candidate`, the
//! `group_review` example); and persons of one name whose lists give birth years more than
//! two apart (`same-name-other-birth`). Pairs whose truth the lists cannot show (a ship of one
//! name on two lists, no IMO number on one) are left out (docs/benchmarks/screen.md,
//! "Cross-list grouping (2026-12-06)").

use std::path::PathBuf;

use cordon_match::Matcher;
use cordon_store::{IngestOptions, Store, ingest_dir};
use rustc_hash::FxHashMap;

/// `../shared/data` beside the repository (override with `CORDON_SHARED_DATA`).
fn lists_dir() -> PathBuf {
    let data = std::env::var_os("CORDON_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    data.join("lists")
}

struct Pair {
    a: String,
    b: String,
    same: bool,
    drawn_from: String,
    reason: String,
}

fn sample() -> Vec<Pair> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/group_pairs.csv");
    let mut rdr = csv::Reader::from_path(path).expect("group_pairs.csv");
    rdr.deserialize::<(String, String, u8, String, String)>()
        .map(|r| {
            let (a, b, same, drawn_from, reason) = r.expect("group_pairs.csv row");
            Pair {
                a,
                b,
                same: same == 1,
                drawn_from,
                reason,
            }
        })
        .collect()
}

/// Every list ingested into a fresh store, read back and indexed, as `cordon screen` does.
fn matcher_over_all_lists() -> Matcher {
    let dir = lists_dir();
    assert!(
        dir.is_dir(),
        "{} not found: the real lists are needed (set CORDON_SHARED_DATA to the shared data folder)",
        dir.display()
    );
    let db = std::env::temp_dir().join(format!("cordon-grouping-{}.redb", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = Store::open(&db).expect("temporary store");
    let report = ingest_dir(&store, &dir, &IngestOptions::default());
    assert!(!report.has_failures(), "{report:?}");
    let entities = store.current_entities().expect("entities");
    drop(store);
    let _ = std::fs::remove_file(&db);
    Matcher::build(entities)
}

#[test]
fn grouping_joins_no_labelled_different_pair_and_keeps_its_recall() {
    let m = matcher_over_all_lists();
    let groups: FxHashMap<&str, &str> = m
        .entities()
        .iter()
        .filter_map(|e| Some((e.id.as_str(), m.group_of(&e.id)?)))
        .collect();
    let pairs = sample();
    assert!(pairs.len() >= 300, "{} pairs", pairs.len());
    let joined = |p: &Pair| {
        groups
            .get(p.a.as_str())
            .is_some_and(|g| groups.get(p.b.as_str()) == Some(g))
    };
    let wrong: Vec<String> = pairs
        .iter()
        .filter(|p| !p.same && joined(p))
        .map(|p| format!("{} + {}: {}", p.a, p.b, p.reason))
        .collect();
    let mut by_source: FxHashMap<&str, (u32, u32)> = FxHashMap::default();
    for p in pairs.iter().filter(|p| p.same) {
        let slot = by_source.entry(p.drawn_from.as_str()).or_default();
        slot.1 += 1;
        if joined(p) {
            slot.0 += 1;
        }
    }
    let (found, positives) = by_source
        .values()
        .fold((0, 0), |(f, n), &(sf, sn)| (f + sf, n + sn));
    let recall = f64::from(found) / f64::from(positives.max(1));
    let mut sources: Vec<_> = by_source.iter().collect();
    sources.sort();
    println!(
        "grouping sample: {} pairs, {positives} the same; joined {found} of them (recall {recall:.3}), \
         {} wrongly; by where drawn from (joined/same): {sources:?}",
        pairs.len(),
        wrong.len()
    );
    // A wrong group is worse than a missing one: an analyst clears a record because its
    // group was cleared.
    assert!(wrong.is_empty(), "joined but not the same: {wrong:#?}");
    assert!(recall >= 0.77, "recall {recall:.3} ({found}/{positives})");
}
