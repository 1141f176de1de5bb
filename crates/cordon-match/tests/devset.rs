//! Golden run over the labelled development set `tests/data/pairs.csv` (built by
//! `scripts/make_screen_devset.py` from the real lists; the `source` column names the list
//! record of every positive). Fails when a group's F1 drops below its floor.

use std::collections::BTreeMap;

#[derive(Default, Debug)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
}

impl Counts {
    fn f1(&self) -> f64 {
        let p = if self.tp + self.fp == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fp)
        };
        let r = if self.tp + self.fn_ == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fn_)
        };
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn accuracy(&self) -> f64 {
        f64::from(self.tp + self.tn) / f64::from((self.tp + self.fp + self.fn_ + self.tn).max(1))
    }
}

fn run() -> BTreeMap<String, Counts> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pairs.csv");
    let mut rdr = csv::Reader::from_path(path).expect("pairs.csv");
    let mut by: BTreeMap<String, Counts> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("csv row");
        let (group, schema, q, c, label) = (&rec[0], &rec[1], &rec[2], &rec[3], &rec[4] == "1");
        let schema = cordon_match::parse_schema(schema).expect("schema");
        let m = cordon_match::compare(q, c, schema).is_match;
        for g in [group, "ALL"] {
            let e = by.entry(g.to_owned()).or_default();
            match (label, m) {
                (true, true) => e.tp += 1,
                (false, true) => e.fp += 1,
                (true, false) => e.fn_ += 1,
                (false, false) => e.tn += 1,
            }
        }
    }
    by
}

#[test]
fn devset_groups_meet_their_floors() {
    let by = run();
    for (g, c) in &by {
        eprintln!("{g:18} F1 {:.3} acc {:.3} {c:?}", c.f1(), c.accuracy());
    }
    // Korean groups: F1 ≥ 0.97 where there are positives; negative-only groups by accuracy.
    for g in ["korean-hangul", "korean-variants", "katakana"] {
        assert!(by[g].f1() >= 0.95, "{g}: F1 {:.3}", by[g].f1());
    }
    for g in ["korean-hangul", "korean-variants"] {
        assert!(by[g].f1() >= 0.97, "{g}: F1 {:.3}", by[g].f1());
    }
    for g in ["korean-near-miss", "korean-common"] {
        assert!(
            by[g].accuracy() >= 0.99,
            "{g}: accuracy {:.3}",
            by[g].accuracy()
        );
    }
    for g in ["company", "typo", "katakana-other"] {
        assert!(by[g].f1() >= 0.95, "{g}: F1 {:.3}", by[g].f1());
    }
    // Arabic-script and Cyrillic originals: consonant skeletons and legal-form phrases keep
    // these above their previous 0.64 and 0.85; Persian readings, edge titles, Arabic legal
    // abbreviations (arabic 0.881 → 0.912) and Russian organisation words (cyrillic 0.881 →
    // 0.889) above 0.90 and 0.88 since 2026-12-06.
    assert!(
        by["arabic"].f1() >= 0.90,
        "arabic: F1 {:.3}",
        by["arabic"].f1()
    );
    assert!(
        by["cyrillic"].f1() >= 0.88,
        "cyrillic: F1 {:.3}",
        by["cyrillic"].f1()
    );
    // Non-Korean katakana: parenthesised alternatives (0.958 → 0.964).
    assert!(
        by["katakana-other"].f1() >= 0.96,
        "katakana-other: F1 {:.3}",
        by["katakana-other"].f1()
    );
    // Chinese company names: mostly translations; the glossary form lifts the rest (was 0.18;
    // trade compounds and official place pinyin 0.621 → 0.632 on 2026-12-06).
    assert!(by["han"].f1() >= 0.63, "han: F1 {:.3}", by["han"].f1());
    assert!(by["ALL"].f1() >= 0.95, "ALL: F1 {:.3}", by["ALL"].f1());
    // Nothing on the list may flip into a false positive silently.
    assert!(by["ALL"].fp <= 5, "{:?}", by["ALL"]);
}
