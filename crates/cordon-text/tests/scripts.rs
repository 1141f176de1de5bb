//! Script conversion against real list data: the Japan MOF list writes DPRK names in
//! katakana next to their Latin spelling, so each row is a labelled pair.

use std::path::PathBuf;

use calamine::{Data, Reader, open_workbook_auto};
use cordon_text::kana;

fn shared_data() -> PathBuf {
    std::env::var_os("CORDON_SHARED_DATA").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
        PathBuf::from,
    )
}

/// (katakana, Latin) name pairs from the DPRK individuals sheets (15, 17, 35).
fn japan_dprk_pairs() -> Option<Vec<(String, String)>> {
    let dir = shared_data().join("lists/jp");
    let path = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "xlsx"))?;
    let mut wb = open_workbook_auto(&path).ok()?;
    let mut pairs = Vec::new();
    for name in wb.sheet_names() {
        if !(name.starts_with("15.") || name.starts_with("17.") || name.starts_with("35.")) {
            continue;
        }
        let Ok(range) = wb.worksheet_range(&name) else {
            continue;
        };
        for row in range.rows() {
            let (Some(Data::String(ja)), Some(Data::String(en))) = (row.get(2), row.get(3)) else {
                continue;
            };
            let ja = ja.lines().next().unwrap_or("").trim();
            let en = en.lines().next().unwrap_or("").trim();
            if kana::has_kana(ja) && en.is_ascii() && !en.is_empty() {
                pairs.push((ja.to_owned(), en.to_owned()));
            }
        }
    }
    Some(pairs)
}

/// A loose key for spellings that differ only where katakana cannot tell Korean sounds
/// apart (voicing, aspiration, ㄴ/ㅇ, ㅐ/ㅔ, r/l) or where romanisations differ in
/// punctuation. The matcher does this properly; here it only separates near-misses of the
/// conversion from real errors.
fn loose(s: &str) -> String {
    let letters: String = s
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut out = letters;
    for (from, to) in [
        ("ch", "j"),
        ("ng", "n"),
        ("ae", "e"),
        ("oe", "e"),
        ("eo", "o"),
        ("wo", "o"),
        ("sh", "s"),
        ("k", "g"),
        ("p", "b"),
        ("t", "d"),
        ("r", "l"),
        ("h", ""),
        ("w", ""),
    ] {
        out = out.replace(from, to);
    }
    out
}

#[test]
fn japan_list_katakana_korean_names_match_their_latin_spelling() {
    let Some(pairs) = japan_dprk_pairs() else {
        eprintln!("shared data not found; set CORDON_SHARED_DATA");
        return;
    };
    assert!(pairs.len() > 50, "only {} pairs read", pairs.len());
    let mut korean_hits = 0;
    let mut hepburn_hits = 0;
    let mut misses = Vec::new();
    for (ja, en) in &pairs {
        let target = loose(en);
        if kana::korean_name_forms(ja)
            .iter()
            .any(|f| loose(f) == target)
        {
            korean_hits += 1;
        } else {
            misses.push(format!("{ja} → {:?} vs {en}", kana::korean_name_forms(ja)));
        }
        if loose(&kana::to_romaji(ja)) == target {
            hepburn_hits += 1;
        }
    }
    let rate = f64::from(korean_hits) / pairs.len() as f64;
    eprintln!(
        "{} pairs: Korean forms agree on {korean_hits} ({:.1}%), plain Hepburn on {hepburn_hits}",
        pairs.len(),
        rate * 100.0
    );
    for m in &misses {
        eprintln!("  miss: {m}");
    }
    // Katakana loses distinctions no converter can restore, so not every pair can agree,
    // but the Korean re-segmentation must beat Hepburn by far and agree on most names.
    assert!(
        korean_hits > 3 * hepburn_hits.max(1),
        "{korean_hits} vs {hepburn_hits}"
    );
    assert!(rate >= 0.8, "agreement {rate:.3}");
}
