//! Name text for screening: normalisation, scripts, Korean names and transliteration.
//!
//! [`analyze`] turns a raw name into the [`NameForm`]s a matcher compares: tokens with an ASCII
//! spelling, a phonetic key and a class (word, legal form, generic word, number), plus Korean
//! readings (surname and given-name syllables keyed so that Hangul, Revised Romanization,
//! McCune–Reischauer, DPRK and passport spellings meet), plus extra forms for Hanja readings,
//! katakana, pinyin and Cyrillic/Greek/Arabic transliterations.
//!
//! ```
//! use cordon_text::{analyze, NameKind};
//!
//! let hangul = analyze("김정은", NameKind::Person);
//! let latin = analyze("KIM, Jong-un", NameKind::Person);
//! let key = |f: &cordon_text::NameForm| {
//!     let r = &f.korean[0];
//!     r.syllables().iter().map(|s| s.key.to_string()).collect::<Vec<_>>()
//! };
//! assert_eq!(key(&hangul[0]), key(&latin[0]));
//! ```
//!
//! Module map:
//! - [`normalize`]: Unicode cleanup, scripts, token classes (legal forms, titles, numbers).
//! - [`korean`]: Hangul syllables, surnames, RR/MR/DPRK spellings, the syllable key.
//! - [`name`]: name analysis into forms.
//! - [`hanja`]: Hanja → Hangul readings, from Unicode's Unihan `kHangul` data.
//! - [`kana`]: Japanese kana → Hepburn romaji (the Japan MOF list writes Korean names in katakana).
//! - [`chinese`]: Chinese characters → toneless pinyin forms.
//! - [`skeleton`]: consonant skeletons for Arabic-script and katakana names against Latin.
//! - [`translit`]: Cyrillic, Greek and Arabic → Latin, under several systems each.
//! - [`belarusian`]: Russian-written names read as Belarusian is romanised (EU Belarus regime).

pub mod belarusian;
pub mod chinese;
pub mod hanja;
pub mod kana;
pub mod korean;
pub mod name;
pub mod normalize;
pub mod russian_org;
pub mod skeleton;
pub mod translit;

pub use name::{
    Analyzer, Conversions, FormNotes, KoreanReading, NameForm, NameKind, Token, Via,
    WordAlternative, analyze, analyze_with_case,
};
pub use normalize::{Script, TokenClass};
