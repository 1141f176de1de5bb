//! Name text for screening: normalisation, scripts and transliteration.
//!
//! Module map (owners fill these in):
//! - [`hanja`]: Hanja → Hangul readings, from Unicode's Unihan `kHangul` data.
//! - [`kana`]: Japanese kana → Hepburn romaji (the Japan MOF list writes Korean names in katakana).
//! - [`chinese`]: Chinese characters → toneless pinyin forms.
//! - [`translit`]: Cyrillic, Greek and Arabic → Latin, under several systems each.

pub mod chinese;
pub mod hanja;
pub mod kana;
pub mod translit;
