//! Japanese hiragana/katakana → romaji.
//!
//! [`to_romaji`] is modified Hepburn in plain ASCII, the way Japanese passports write it:
//! long vowels are not marked (`グループ` → `gurupu`), sokuon doubles the next consonant
//! (`マッチャ` → `matcha`), and `ン` before a vowel or `y` is written `n'`.
//!
//! The Japan MOF list writes Korean names in katakana (`キム・ジョンウン`). Japanese
//! syllabification adds vowels a Korean name does not have (キム is `kimu` in Hepburn, 김 is
//! `kim`), so [`korean_name_forms`] re-segments katakana into Korean syllables and romanises
//! those instead.
//!
//! ```
//! use cordon_text::kana;
//! assert_eq!(kana::to_romaji("ラザルス・グループ"), "razarusu gurupu");
//! assert_eq!(kana::korean_name_forms("キム・ジョンウン")[0], "kim jong-un");
//! ```

use std::borrow::Cow;

use compact_str::CompactString;
use smallvec::SmallVec;

use unicode_normalization::UnicodeNormalization;

use crate::normalize;

/// At most this many forms come out of [`korean_name_forms`].
pub const MAX_KOREAN_FORMS: usize = 4;

/// Whether the text contains any kana (hiragana, katakana, half-width katakana).
pub fn has_kana(s: &str) -> bool {
    s.chars().any(is_kana)
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{3099}'..='\u{309F}' | '\u{30A1}'..='\u{30FA}'
        | '\u{30FC}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}')
}

/// Modified Hepburn romaji of a kana string, lower case.
///
/// Hiragana, katakana and half-width katakana are romanised; `・`, `･` and (full-width)
/// spaces become single spaces; ASCII letters are lower-cased; every other character passes
/// through unchanged, so the output is ASCII exactly when the input is kana, ASCII and those
/// separators. Long-vowel marks are dropped, sokuon doubles the next consonant (`ッ` at the
/// end or before a vowel is dropped), and `ン` before a vowel or `y` is `n'`. Idempotent.
pub fn to_romaji(s: &str) -> String {
    with_cut(s, |s, cut| romaji_of(&cut.tokens(), s.len()))
}

/// Which of a name's Korean forms [`korean_forms_and_romaji`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KoreanForms {
    /// None (an organisation's name).
    None,
    /// Every one.
    All,
    /// Only when one of them could read as a Korean person's name
    /// ([`cannot_read_as_korean_name`]): a comparison scores the Korean forms of any other
    /// katakana name only against a name that faces Korean.
    IfNameShaped,
}

/// The first `max_korean` of [`korean_name_forms`] (as `korean` asks) and [`to_romaji`] of the
/// same text, which is cut into morae once for both.
pub(crate) fn korean_forms_and_romaji(
    s: &str,
    korean: KoreanForms,
    max_korean: usize,
) -> (Vec<String>, String) {
    let korean = if has_kana(s) {
        korean
    } else {
        KoreanForms::None
    };
    with_cut(s, |s, cut| {
        let tokens = cut.tokens();
        let romaji = romaji_of(&tokens, s.len());
        if korean == KoreanForms::None {
            return (Vec::new(), romaji);
        }
        if korean == KoreanForms::IfNameShaped
            && cannot_read_as_korean_name(&tokens)
            && !romaji_may_read_as_korean_name(&romaji)
        {
            return (Vec::new(), romaji);
        }
        (
            korean_forms(&tokens, max_korean.min(MAX_KOREAN_FORMS), s.len()),
            romaji,
        )
    })
}

/// Whether the romaji form may read as a Korean person's name (a surname and one or two
/// given syllables), which makes the katakana name Korean-shaped as its Korean forms would:
/// read as Latin, a word can join two kana syllables into one (`チェウンアリ`, cut
/// `che·un·a·ri`, has the romaji `cheun'ari`, read `cheun·a·ri`), so the kana alone
/// ([`cannot_read_as_korean_name`]) do not decide. A reading takes every word: each must read
/// as Korean syllables, two or three in all.
fn romaji_may_read_as_korean_name(romaji: &str) -> bool {
    // Most romaji asked here (four kana syllables or more) have too many vowels to be read:
    // counted, they spare the Korean parse of each word (a tenth of a katakana name's cost).
    if romaji.is_ascii() && vowel_runs(romaji) > 3 {
        return false;
    }
    let mut syllables = Vec::new();
    for word in romaji.split_whitespace() {
        if !crate::korean::parse_latin_into(word, &mut syllables) || syllables.len() > 3 {
            return false;
        }
    }
    syllables.len() >= 2
}

/// The runs of vowel letters (`a e i o u`) in ASCII text, a word's apostrophes skipped as the
/// Korean parse skips them: no fewer syllables than this can be parsed from it
/// (`korean::parse_latin_into`), since a syllable's vowel letters stand together (its nucleus
/// is a `y` or `w` and vowels in a row, its initial and final are consonants).
fn vowel_runs(text: &str) -> usize {
    let mut runs = 0;
    let mut in_run = false;
    for &b in text.as_bytes() {
        if matches!(b, b'\'' | b'`') {
            continue;
        }
        // Lower case by its bit: of every byte, only `A E I O U` become vowels by it, as by
        // `to_ascii_lowercase` (which, with `is_vowel` of a `char` and the apostrophes
        // filtered by an adapter, cost more).
        let vowel = matches!(b | 0x20, b'a' | b'e' | b'i' | b'o' | b'u');
        runs += usize::from(vowel && !in_run);
        in_run = vowel;
    }
    runs
}

/// Whether no Korean form of a katakana name (its `tokens`, cut into Korean syllables as
/// `parts`) can read as a Korean person's name of the usual shape, a surname and one or two
/// given-name syllables, once analysed (`name::analyze`; the reading the matcher calls
/// Korean-shaped). A Korean form writes each syllable as a word of its own, and a reading
/// takes the syllables of every word, the surname's word and the given name from all the
/// others, each word one syllable at least: four syllables leave three or more to the given
/// name. Not decided (false) where the analysis could keep fewer words than syllables or drop
/// the romaji in favour of a Korean form: text that is not kana, a first or last syllable
/// that spells a title (a run of titles at a name's edge is dropped), or no word of two
/// syllables (the romaji of one-syllable words can spell a Korean form exactly, a duplicate
/// form is dropped, and the Korean form read from kana stands in its place).
fn cannot_read_as_korean_name(tokens: &[Token<'_>]) -> bool {
    /// Syllables that leave at least three to the given name.
    const TOO_MANY_SYLLABLES: usize = 4;
    let mut syllables = 0usize;
    let mut two_syllable_word = false;
    let (mut first, mut last) = (None, None);
    let mut word = 0usize;
    for t in tokens {
        let moras = match t {
            Token::Kana(moras) => moras,
            Token::Sep => continue,
            Token::Text(_) => return false,
        };
        // Tokens of kana are the name's words: a separator stands between two.
        let surname = if word == 0 {
            korean_surname(moras)
        } else {
            None
        };
        word += 1;
        let mut in_word = 0usize;
        let mut i = 0;
        let mut next = || match surname {
            Some(r) => (i == 0).then(|| {
                i = 1;
                KoreanSyllable {
                    hepburn: r,
                    end: SyllableEnd::Open,
                }
            }),
            None => next_korean_syllable(moras, &mut i),
        };
        while let Some(syllable) = next() {
            syllables += 1;
            in_word += 1;
            two_syllable_word |= in_word > 1;
            first.get_or_insert(syllable);
            last = Some(syllable);
        }
    }
    // Only a run of titles at an edge of a name is dropped (no syllable is long enough to be a
    // misspelt title): its first or last word is one. Asked last: most names are decided
    // by their syllables.
    syllables >= TOO_MANY_SYLLABLES
        && two_syllable_word
        && !first.is_some_and(KoreanSyllable::spells_title)
        && !last.is_some_and(KoreanSyllable::spells_title)
}

/// [`to_romaji`] of text cut into tokens.
fn romaji_of(tokens: &[Token<'_>], len_hint: usize) -> String {
    let mut out = String::with_capacity(len_hint);
    for token in tokens {
        match token {
            Token::Sep => push_space(&mut out),
            Token::Text(t) => push_lower(&mut out, t),
            Token::Kana(moras) => {
                let mut rest = moras.iter();
                while let Some(m) = rest.next() {
                    let next = rest.as_slice().first().map(|n| n.romaji);
                    match m.kind {
                        Kind::Sokuon => {
                            if let Some(c) = next.and_then(|n| n.chars().next())
                                && !is_vowel(c)
                            {
                                out.push(if next.is_some_and(|n| n.starts_with("ch")) {
                                    't'
                                } else {
                                    c
                                });
                            }
                        }
                        Kind::N => {
                            out.push('n');
                            if next
                                .and_then(|n| n.chars().next())
                                .is_some_and(|c| is_vowel(c) || c == 'y')
                            {
                                out.push('\'');
                            }
                        }
                        Kind::Long => {}
                        Kind::Mora => out.push_str(m.romaji),
                    }
                }
            }
        }
    }
    trim_trailing_space(&mut out);
    out
}

/// Latin forms of a Korean name written in katakana, closer to Korean romanisation than
/// Hepburn, most likely first, at most [`MAX_KOREAN_FORMS`]; the Hepburn form is not
/// included (take it from [`to_romaji`]). Empty when the text has no kana.
///
/// Each katakana token is cut into Korean syllables: an onset mora, then a final consonant
/// where Japanese adds a vowel after one (ク → k, ム → m, ル → l, プ → p after a vowel in the
/// same token: `キム` → `kim`, `チョル` → `chol`, `パク` → `pak`) or `ン`. Syllables are joined
/// with `-` so the boundaries survive (`ジョンウン` → `jong-un`); tokens are separated by
/// spaces. Korean has no f or sh, so `フ` → `h` (`フィ` → `hwi`) and `シ` → `si`.
///
/// `ン` stands for both Korean finals ㄴ (n) and ㅇ (ng). The first form guesses ng after an
/// `o`/`yo` vowel (정 jong, 영 yong, 룡 ryong) and n elsewhere (은 un, 진 jin); later forms
/// flip the guess for one syllable at a time. Katakana also merges ㅔ/ㅐ (`ヘ` is 혜 or 해)
/// and ㅈ/ㅊ voicing (`チャン` for Jang): those stay `e` and `ch`, for the matcher to treat
/// as compatible.
pub fn korean_name_forms(s: &str) -> Vec<String> {
    if !has_kana(s) {
        return Vec::new();
    }
    with_cut(s, |s, cut| {
        korean_forms(&cut.tokens(), MAX_KOREAN_FORMS, s.len())
    })
}

/// The first `max` Korean forms of text cut into tokens, each syllable written as it is cut
/// (no [`Part`] of it kept: building the parts and reading them back was a fifth of the
/// forms' cost).
fn korean_forms(tokens: &[Token<'_>], max: usize, len_hint: usize) -> Vec<String> {
    let mut forms = NasalForms::with_capacity(len_hint);
    let mut first_word = true;
    for token in tokens {
        let surname = first_word && !matches!(token, Token::Sep);
        first_word &= matches!(token, Token::Sep);
        match token {
            Token::Sep => push_space(&mut forms.first),
            Token::Text(t) => push_lower(&mut forms.first, t),
            Token::Kana(moras) => match surname.then(|| korean_surname(moras)).flatten() {
                Some(r) => forms.first.push_str(r),
                None => {
                    let (mut i, mut n) = (0, 0);
                    while let Some(syllable) = next_korean_syllable(moras, &mut i) {
                        if n > 0 {
                            forms.first.push('-');
                        }
                        n += 1;
                        let stem = syllable.stem();
                        forms.first.push_str(stem);
                        match syllable.end {
                            SyllableEnd::Open => {}
                            SyllableEnd::Final(last) => forms.first.push_str(last),
                            SyllableEnd::Nasal => forms.push_nasal(ng_likely(stem)),
                        }
                    }
                }
            },
        }
    }
    forms.expand(max)
}

/// Expands Korean syllable parts into forms: the ㄴ/ㅇ guesses as made, then each guess
/// flipped alone, in order, at most `max` distinct non-empty forms. The Korean reading of
/// Cyrillic in `translit` cuts its text into parts.
pub(crate) fn expand_nasal_forms(parts: &[Part], max: usize, len_hint: usize) -> Vec<String> {
    let mut forms = NasalForms::with_capacity(len_hint);
    for p in parts {
        match p {
            Part::Fixed(t) => {
                if t == " " {
                    push_space(&mut forms.first);
                } else {
                    forms.first.push_str(t);
                }
            }
            Part::Nasal { stem, ng_guess } => {
                forms.first.push_str(stem);
                forms.push_nasal(*ng_guess);
            }
        }
    }
    forms.expand(max)
}

/// The first of a name's Korean forms as it is written, and where each of its ambiguous
/// nasals' finals starts in it.
///
/// Each flipped form is the first with one final changed in place (`n` ↔ `ng`). A nasal
/// writes letters, never a space, so every other piece is written, spaced and trimmed in a
/// flipped form as in the first: writing each form piece by piece again was a fifth of the
/// cost of a katakana name's Korean forms.
struct NasalForms {
    first: String,
    /// Where each nasal's final starts in `first`, and whether it is `ng` there.
    finals: SmallVec<[(usize, bool); 8]>,
}

impl NasalForms {
    fn with_capacity(len_hint: usize) -> Self {
        NasalForms {
            first: String::with_capacity(len_hint),
            finals: SmallVec::new(),
        }
    }

    /// The final of a syllable ending in ㄴ or ㅇ, after its stem: `ng` if `ng_guess`.
    fn push_nasal(&mut self, ng_guess: bool) {
        self.finals.push((self.first.len(), ng_guess));
        self.first.push_str(if ng_guess { "ng" } else { "n" });
    }

    /// The first form, then each guess flipped alone, in order, at most `max` distinct
    /// non-empty forms.
    fn expand(self, max: usize) -> Vec<String> {
        let NasalForms { mut first, finals } = self;
        trim_trailing_space(&mut first);
        // Trimmed in place: a copy of the trimmed text was an allocation per form.
        let leading = first.len() - first.trim_start().len();
        first.drain(..leading);
        let mut forms: Vec<String> = Vec::with_capacity(max);
        // A text with a nasal is never empty.
        if max == 0 || first.is_empty() {
            return forms;
        }
        forms.push(first);
        for (at, ng) in finals {
            if forms.len() >= max {
                break;
            }
            // The `g` of the final, after its `n`.
            let g = at - leading + 1;
            let Some((before, after)) =
                forms.first().and_then(|f| Some((f.get(..g)?, f.get(g..)?)))
            else {
                break;
            };
            // Written around the `g` into room for it: a copy of the first form has none, and
            // inserting the `g` grew it again.
            let mut flipped = String::with_capacity(before.len() + after.len() + 1);
            flipped.push_str(before);
            if ng {
                flipped.push_str(after.get(1..).unwrap_or_default());
            } else {
                flipped.push('g');
                flipped.push_str(after);
            }
            if !forms.contains(&flipped) {
                forms.push(flipped);
            }
        }
        forms
    }
}

/// Whether a Korean syllable romanised as `stem` + nasal more likely ends in ㅇ (ng) than ㄴ:
/// after an o/yo vowel (정 jong, 영 yong, 룡 ryong) but not after w (원 won).
pub(crate) fn ng_likely(stem: &str) -> bool {
    let vowel = stem.trim_start_matches(|c: char| !is_vowel(c));
    matches!(vowel, "o" | "yo") && !stem.starts_with('w')
}

/// A piece of a Korean-name form: fixed text (`" "` is a collapsible space) or a syllable
/// ending in an ambiguous nasal.
pub(crate) enum Part {
    /// Text as is.
    Fixed(Cow<'static, str>),
    /// A syllable ending in ㄴ or ㅇ.
    Nasal {
        /// Onset and vowel.
        stem: Cow<'static, str>,
        /// Whether the final is more likely ㅇ (ng) than ㄴ (n).
        ng_guess: bool,
    },
}

/// One Korean syllable of a katakana word: onset and vowel, and how it ends.
#[derive(Clone, Copy)]
struct KoreanSyllable {
    /// Onset and vowel as Hepburn writes them (or a surname's reading), spelt the Korean way
    /// only when asked ([`KoreanSyllable::stem`]): whether a name can read as Korean spells
    /// only its first and last syllables.
    hepburn: &'static str,
    end: SyllableEnd,
}

#[derive(Clone, Copy)]
enum SyllableEnd {
    /// In the vowel.
    Open,
    /// In a consonant Japanese writes with a vowel after it (`k`, `m`, `l`, `p`).
    Final(&'static str),
    /// In ㄴ or ㅇ (`ン`).
    Nasal,
}

impl KoreanSyllable {
    /// Onset and vowel as Korean romanisations spell them.
    fn stem(self) -> &'static str {
        koreanise(self.hepburn)
    }

    /// Whether the syllable, as written in a Korean form, spells a title (with either nasal).
    fn spells_title(self) -> bool {
        let spelt = |end: &str| {
            let mut t = CompactString::from(self.stem());
            t.push_str(end);
            normalize::is_title(&t)
        };
        match self.end {
            SyllableEnd::Open => normalize::is_title(self.stem()),
            SyllableEnd::Final(fc) => spelt(fc),
            SyllableEnd::Nasal => spelt("n") || spelt("ng"),
        }
    }
}

/// The Korean syllable of a word of katakana (its `moras`) that starts at mora `*i` or after,
/// `*i` moved past it; `None` at the word's end. Read by the forms ([`korean_forms`]) and by
/// whether they can read as a Korean name ([`cannot_read_as_korean_name`]) in loops of their
/// own: through an iterator, with `chain` and `flatten` around it for a surname, the walk
/// cost a katakana name about 200 instructions more.
fn next_korean_syllable(moras: &[Mora], i: &mut usize) -> Option<KoreanSyllable> {
    loop {
        let m = moras.get(*i)?;
        *i += 1;
        let onset = match m.kind {
            Kind::Mora => m.romaji,
            // A stray ン/ッ/ー with no vowel before it in this token.
            Kind::N => "n",
            Kind::Sokuon | Kind::Long => continue,
        };
        let mut hepburn = onset;
        // グワ/クワ spell one syllable (광 gwang), not two.
        let onset_letters = two_letters(onset);
        if matches!(onset_letters, GU | KU)
            && moras.get(*i).is_some_and(|n| two_letters(n.romaji) == WA)
        {
            *i += 1;
            hepburn = if onset_letters == GU { "gwa" } else { "kwa" };
        }
        // Skip long-vowel marks between the onset and a final.
        while moras.get(*i).is_some_and(|m| m.kind == Kind::Long) {
            *i += 1;
        }
        let final_consonant = match moras.get(*i).map(|n| (n.kind, two_letters(n.romaji))) {
            Some((Kind::N, _)) if m.kind == Kind::Mora => {
                *i += 1;
                let end = SyllableEnd::Nasal;
                return Some(KoreanSyllable { hepburn, end });
            }
            Some((Kind::Mora, KU)) => Some("k"),
            Some((Kind::Mora, MU)) => Some("m"),
            Some((Kind::Mora, RU)) => Some("l"),
            Some((Kind::Mora, PU)) => Some("p"),
            _ => None,
        };
        let end = match final_consonant {
            Some(fc) if m.kind == Kind::Mora => {
                *i += 1;
                SyllableEnd::Final(fc)
            }
            _ => SyllableEnd::Open,
        };
        return Some(KoreanSyllable { hepburn, end });
    }
}

/// A romaji of two letters as one number, 0 for any other length: the morae a syllable's
/// reading asks about are told apart by one comparison each rather than a string's.
fn two_letters(romaji: &str) -> u16 {
    match *romaji.as_bytes() {
        [a, b] => u16::from_le_bytes([a, b]),
        _ => 0,
    }
}

const GU: u16 = u16::from_le_bytes(*b"gu");
const KU: u16 = u16::from_le_bytes(*b"ku");
const MU: u16 = u16::from_le_bytes(*b"mu");
const PU: u16 = u16::from_le_bytes(*b"pu");
const RU: u16 = u16::from_le_bytes(*b"ru");
const WA: u16 = u16::from_le_bytes(*b"wa");

/// Every word a Korean form ([`korean_name_forms`]) writes for kana: each syllable is a word of
/// its own (a mora's onset and vowel as [`koreanise`] spells it, open or with any final
/// consonant or nasal), and so is each surname [`korean_surname`] reads. A closed vocabulary,
/// which name analysis makes once (`name::vocabulary_word`) rather than once per form.
pub(crate) fn korean_syllable_words() -> Vec<String> {
    const ENDS: [&str; 7] = ["", "k", "m", "l", "p", "n", "ng"];
    let katakana = || ('\u{30A1}'..='\u{30FA}').chain('\u{31F0}'..='\u{31FF}');
    let mut stems: Vec<&'static str> = vec!["gwa", "kwa"];
    for c in katakana() {
        stems.push(koreanise(single(c)));
        stems.extend(katakana().filter_map(|small| digraph(c, small).map(koreanise)));
    }
    stems.retain(|s| !s.is_empty());
    stems.sort_unstable();
    stems.dedup();
    let mut words: Vec<String> = stems
        .iter()
        .flat_map(|stem| ENDS.iter().map(move |end| format!("{stem}{end}")))
        .chain(["n".to_owned()])
        .chain(SURNAME_READINGS.iter().map(|&r| r.to_owned()))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The readings of [`korean_surname`].
const SURNAME_READINGS: [&str; 3] = ["choe", "pae", "paek"];

/// Surnames whose katakana hides the Korean vowel: チェ is 최 (Choe) far more often than
/// 채, ペ/ペク are 배/백 (Pae/Paek).
fn korean_surname(moras: &[Mora]) -> Option<&'static str> {
    match moras {
        [m] if m.romaji == "che" => Some(SURNAME_READINGS[0]),
        [m] if m.romaji == "pe" => Some(SURNAME_READINGS[1]),
        [m, k] if m.romaji == "pe" && k.romaji == "ku" => Some(SURNAME_READINGS[2]),
        _ => None,
    }
}

/// Hepburn mora → the spelling Korean romanisations use for the same sound.
fn koreanise(romaji: &'static str) -> &'static str {
    // Only morae that begin with one of these letters are spelt otherwise: the others are
    // turned away by their first letter, not compared with each spelling.
    if !matches!(
        romaji.as_bytes().first(),
        Some(b's' | b'f' | b't' | b'w' | b'u')
    ) {
        return romaji;
    }
    match romaji {
        "shi" => "si",
        "sha" => "sya",
        "shu" => "syu",
        "sho" => "syo",
        "she" => "sye",
        "fu" => "hu",
        "fa" => "hwa",
        "fi" => "hwi",
        "fe" => "hwe",
        "fo" => "hwo",
        "tsu" => "chu",
        "wi" | "ui" => "wi",
        _ => romaji,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Mora,
    N,
    Sokuon,
    Long,
}

#[derive(Clone, Copy, Debug)]
struct Mora {
    romaji: &'static str,
    kind: Kind,
}

enum Token<'a> {
    Sep,
    Text(&'a str),
    Kana(&'a [Mora]),
}

/// Where a token of [`Cut`] lies: in the text, or in the morae.
enum Piece<'a> {
    Sep,
    Text(&'a str),
    Kana(usize, usize),
}

/// Text cut into tokens, the morae of all its kana runs in one buffer: a name is cut for every
/// analysis, and a buffer per word cost an allocation each.
struct Cut<'a> {
    moras: SmallVec<[Mora; 32]>,
    pieces: SmallVec<[Piece<'a>; 8]>,
    /// The text has a character NFKC folds ([`folds_under_nfkc`]): it is to be cut again
    /// once folded ([`with_cut`]).
    folds_under_nfkc: bool,
}

impl<'a> Cut<'a> {
    /// A cut with nothing read into it yet.
    fn empty() -> Self {
        Cut {
            moras: SmallVec::new(),
            pieces: SmallVec::new(),
            folds_under_nfkc: false,
        }
    }

    /// The cut of `s`, returned (the tests'; an analysis reads its cut where it keeps it:
    /// [`with_cut`]).
    #[cfg(test)]
    fn of(s: &'a str) -> Self {
        let mut cut = Cut::empty();
        cut.read(s);
        cut
    }

    /// Cuts `s` into this empty cut, in one pass over its characters, each decoded once and
    /// seen there for whether NFKC folds it (a pass of its own for that cost a tenth of the
    /// cut). A kana that a small kana after it may join into a digraph is held until the next
    /// character says, rather than the next character peeked at through an iterator (2 % of
    /// the cut).
    fn read(&mut self, s: &'a str) {
        let mut folds = false;
        // The run being read and where it starts: a byte of `s` for text, a mora otherwise.
        let mut run: Option<(Run, usize)> = None;
        let mut held: Option<char> = None;
        for (at, c) in s.char_indices() {
            // Nearly every character of a katakana name is a katakana letter, which is kana,
            // no separator, its own katakana and not folded by NFKC: one range check.
            let (kind, c) = if ('ァ'..='ヺ').contains(&c) {
                (Run::Kana, c)
            } else {
                folds |= folds_under_nfkc(c);
                (Run::of(c), to_katakana(c))
            };
            if let Some(h) = held.take() {
                if let Some(r) = Some(c)
                    .filter(|&n| matches!(n, 'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ャ' | 'ュ' | 'ョ'))
                    .and_then(|n| digraph(h, n))
                {
                    self.moras.push(Mora {
                        romaji: r,
                        kind: Kind::Mora,
                    });
                    continue;
                }
                self.push_single(h);
            }
            let start = match run {
                Some((k, start)) if k == kind => start,
                _ => {
                    if let Some(ended) = run {
                        self.end_run(s, ended, at);
                    }
                    let start = if kind == Run::Text {
                        at
                    } else {
                        self.moras.len()
                    };
                    run = Some((kind, start));
                    start
                }
            };
            if kind == Run::Kana {
                held = self.push_kana(c, start);
            }
        }
        if let Some(h) = held {
            self.push_single(h);
        }
        if let Some(ended) = run {
            self.end_run(s, ended, s.len());
        }
        self.folds_under_nfkc = folds;
    }

    /// Adds the mora of katakana `c` of a run whose morae start at `run_start`, or returns
    /// `c` when a small kana after it may make a digraph of it (its mora is then added by
    /// the next character: [`digraph`] or [`Cut::push_single`]).
    fn push_kana(&mut self, c: char, run_start: usize) -> Option<char> {
        let mora = match c {
            // Iteration marks repeat the previous mora of the same run.
            'ヽ' | 'ヾ' => match self.moras.last() {
                Some(&m) if self.moras.len() > run_start => m,
                _ => return None,
            },
            _ => match mark_mora(c) {
                Some(mora) => mora,
                None => return Some(c),
            },
        };
        self.moras.push(mora);
        None
    }

    /// Adds the mora of katakana `c` on its own, if it has one.
    fn push_single(&mut self, c: char) {
        let romaji = single(c);
        if !romaji.is_empty() {
            self.moras.push(Mora {
                romaji,
                kind: Kind::Mora,
            });
        }
    }

    /// Adds the piece of a run (`start` as [`Cut::read`] keeps it) that ends at byte `end`.
    fn end_run(&mut self, s: &'a str, (kind, start): (Run, usize), end: usize) {
        self.pieces.push(match kind {
            Run::Sep => Piece::Sep,
            Run::Kana => Piece::Kana(start, self.moras.len()),
            Run::Text => Piece::Text(s.get(start..end).unwrap_or_default()),
        });
    }

    fn tokens(&self) -> SmallVec<[Token<'_>; 8]> {
        self.pieces
            .iter()
            .map(|p| match *p {
                Piece::Sep => Token::Sep,
                Piece::Text(t) => Token::Text(t),
                Piece::Kana(from, to) => Token::Kana(self.moras.get(from..to).unwrap_or(&[])),
            })
            .collect()
    }
}

/// Half-width katakana and decomposed voicing marks, which are folded with NFKC before kana
/// are read.
fn folds_under_nfkc(c: char) -> bool {
    matches!(c, '\u{FF61}'..='\u{FF9F}' | '\u{3099}'..='\u{309C}')
}

/// `read` of `s` and its cut, `s` folded with NFKC first when it has a character that folds
/// ([`folds_under_nfkc`]): only then, so the common case costs no allocation and one cut.
fn with_cut<R>(s: &str, read: impl FnOnce(&str, &Cut<'_>) -> R) -> R {
    // Read where it is kept: a cut returned by value is a kilobyte of inline morae copied.
    let mut cut = Cut::empty();
    cut.read(s);
    if !cut.folds_under_nfkc {
        return read(s, &cut);
    }
    let folded: String = s.nfkc().collect();
    let mut folded_cut = Cut::empty();
    folded_cut.read(&folded);
    read(&folded, &folded_cut)
}

/// The mora of a katakana that is one whatever surrounds it (the sokuon, the moraic n, the
/// prolonged sound mark); `None` for every other.
fn mark_mora(c: char) -> Option<Mora> {
    let (romaji, kind) = match c {
        'ッ' => ("", Kind::Sokuon),
        'ン' => ("n", Kind::N),
        'ー' => ("", Kind::Long),
        _ => return None,
    };
    Some(Mora { romaji, kind })
}

/// Which run of a [`Cut`] a character belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Sep,
    Kana,
    Text,
}

impl Run {
    fn of(c: char) -> Self {
        if is_sep(c) {
            Run::Sep
        } else if is_kana(c) {
            Run::Kana
        } else {
            Run::Text
        }
    }
}

fn is_sep(c: char) -> bool {
    matches!(
        c,
        '・' | '･' | '\u{3000}' | ' ' | '\t' | '\n' | '\r' | '゠' | '＝' | '='
    )
}

fn to_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'i' | 'u' | 'e' | 'o')
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

fn trim_trailing_space(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
}

fn push_lower(out: &mut String, t: &str) {
    out.extend(t.chars().map(|c| c.to_ascii_lowercase()));
}

/// A katakana with a small kana after it, as one mora.
fn digraph(c: char, small: char) -> Option<&'static str> {
    // u-column + small ya/yo: the rows below give small a/o instead.
    match (c, small) {
        ('ヴ', 'ャ') => return Some("vya"),
        ('ヴ', 'ョ') => return Some("vyo"),
        ('フ', 'ャ') => return Some("fya"),
        ('フ', 'ョ') => return Some("fyo"),
        _ => {}
    }
    let row: [&'static str; 5] = match c {
        'キ' => ["kya", "kyu", "kyo", "kye", "kyi"],
        'ギ' => ["gya", "gyu", "gyo", "gye", "gyi"],
        'シ' => ["sha", "shu", "sho", "she", "shi"],
        'ジ' | 'ヂ' => ["ja", "ju", "jo", "je", "ji"],
        'チ' => ["cha", "chu", "cho", "che", "chi"],
        'ニ' => ["nya", "nyu", "nyo", "nye", "nyi"],
        'ヒ' => ["hya", "hyu", "hyo", "hye", "hyi"],
        'ビ' => ["bya", "byu", "byo", "bye", "byi"],
        'ピ' => ["pya", "pyu", "pyo", "pye", "pyi"],
        'ミ' => ["mya", "myu", "myo", "mye", "myi"],
        'リ' => ["rya", "ryu", "ryo", "rye", "ryi"],
        'イ' => ["ya", "yu", "yo", "ye", "yi"],
        // u-column + small vowel: the consonant with that vowel.
        'フ' => ["fa", "fyu", "fo", "fe", "fi"],
        'ヴ' => ["va", "vyu", "vo", "ve", "vi"],
        'ウ' => ["wa", "wyu", "wo", "we", "wi"],
        'ク' => ["kwa", "kyu", "kwo", "kwe", "kwi"],
        'グ' => ["gwa", "gyu", "gwo", "gwe", "gwi"],
        'ツ' => ["tsa", "tsu", "tso", "tse", "tsi"],
        'ス' => ["sa", "syu", "so", "se", "si"],
        'ズ' => ["za", "zyu", "zo", "ze", "zi"],
        'テ' => ["ta", "tyu", "to", "te", "ti"],
        'デ' => ["da", "dyu", "do", "de", "di"],
        'ト' => ["ta", "tu", "to", "te", "ti"],
        'ド' => ["da", "du", "do", "de", "di"],
        _ => return None,
    };
    let idx = match small {
        'ャ' | 'ァ' => 0,
        'ュ' => 1,
        'ョ' | 'ォ' => 2,
        'ェ' => 3,
        'ィ' => 4,
        'ゥ' if matches!(c, 'ト' | 'ド') => 1,
        _ => return None,
    };
    row.get(idx).copied()
}

/// One katakana (or katakana-extension) character on its own.
fn single(c: char) -> &'static str {
    match c {
        'ア' | 'ァ' => "a",
        'イ' | 'ィ' | 'ヰ' => "i",
        'ウ' | 'ゥ' => "u",
        'エ' | 'ェ' | 'ヱ' => "e",
        'オ' | 'ォ' | 'ヲ' => "o",
        'カ' | 'ヵ' => "ka",
        'キ' => "ki",
        'ク' | 'ㇰ' => "ku",
        'ケ' | 'ヶ' => "ke",
        'コ' => "ko",
        'ガ' => "ga",
        'ギ' => "gi",
        'グ' => "gu",
        'ゲ' => "ge",
        'ゴ' => "go",
        'サ' => "sa",
        'シ' | 'ㇱ' => "shi",
        'ス' | 'ㇲ' => "su",
        'セ' => "se",
        'ソ' => "so",
        'ザ' => "za",
        'ジ' | 'ヂ' => "ji",
        'ズ' | 'ヅ' => "zu",
        'ゼ' => "ze",
        'ゾ' => "zo",
        'タ' => "ta",
        'チ' => "chi",
        'ツ' => "tsu",
        'テ' => "te",
        'ト' | 'ㇳ' => "to",
        'ダ' => "da",
        'デ' => "de",
        'ド' => "do",
        'ナ' => "na",
        'ニ' => "ni",
        'ヌ' | 'ㇴ' => "nu",
        'ネ' => "ne",
        'ノ' => "no",
        'ハ' | 'ㇵ' => "ha",
        'ヒ' | 'ㇶ' => "hi",
        'フ' | 'ㇷ' => "fu",
        'ヘ' | 'ㇸ' => "he",
        'ホ' | 'ㇹ' => "ho",
        'バ' => "ba",
        'ビ' => "bi",
        'ブ' => "bu",
        'ベ' => "be",
        'ボ' => "bo",
        'パ' => "pa",
        'ピ' => "pi",
        'プ' => "pu",
        'ペ' => "pe",
        'ポ' => "po",
        'マ' => "ma",
        'ミ' => "mi",
        'ム' | 'ㇺ' => "mu",
        'メ' => "me",
        'モ' => "mo",
        'ヤ' | 'ャ' => "ya",
        'ユ' | 'ュ' => "yu",
        'ヨ' | 'ョ' => "yo",
        'ラ' | 'ㇻ' => "ra",
        'リ' | 'ㇼ' => "ri",
        'ル' | 'ㇽ' => "ru",
        'レ' | 'ㇾ' => "re",
        'ロ' | 'ㇿ' => "ro",
        'ワ' | 'ヮ' => "wa",
        'ヴ' => "vu",
        'ヷ' => "va",
        'ヸ' => "vi",
        'ヹ' => "ve",
        'ヺ' => "vo",
        'ヿ' => "koto",
        'ゟ' => "yori",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::iter::Peekable;

    /// Every word a Korean form writes for kana of one or two characters, or three with a
    /// mark, small kana or ワ between (digraphs, long vowels, グワ), is in the vocabulary that
    /// name analysis makes once: a word missing would only be made again, never differ.
    #[test]
    fn korean_forms_write_words_of_the_syllable_vocabulary() {
        let vocabulary = korean_syllable_words();
        let katakana: Vec<char> = ('\u{30A1}'..='\u{30FA}')
            .chain('\u{31F0}'..='\u{31FF}')
            .collect();
        let middles = [
            'ー', 'ン', 'ッ', 'ワ', 'ャ', 'ュ', 'ョ', 'ァ', 'ィ', 'ェ', 'ォ', 'ゥ',
        ];
        let mut names = Vec::new();
        for &a in &katakana {
            names.push(a.to_string());
            for &b in &katakana {
                names.push(format!("{a}{b}"));
                names.extend(middles.iter().map(|m| format!("{a}{m}{b}")));
            }
        }
        let mut missing = Vec::new();
        for name in &names {
            for form in korean_name_forms(name) {
                for word in form.split([' ', '-']) {
                    if vocabulary.binary_search(&word.to_owned()).is_err() {
                        missing.push((name, word.to_owned()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn hepburn_basics() {
        assert_eq!(to_romaji("ラザルス・グループ"), "razarusu gurupu");
        assert_eq!(to_romaji("キム・ジョンウン"), "kimu jon'un");
        assert_eq!(to_romaji("とうきょう"), "toukyou");
        assert_eq!(to_romaji("シャ シュ ショ チャ ジョ"), "sha shu sho cha jo");
        assert_eq!(
            to_romaji("ファ ウィ ウォ ヴァ ティ ドゥ クァ"),
            "fa wi wo va ti du kwa"
        );
    }

    #[test]
    fn sokuon_doubles_the_next_consonant() {
        assert_eq!(to_romaji("マッチャ"), "matcha");
        assert_eq!(to_romaji("ハッジ・ハイルッラー"), "hajji hairurra");
        assert_eq!(to_romaji("アッ"), "a");
    }

    #[test]
    fn n_before_vowel_or_y_is_marked() {
        assert_eq!(to_romaji("キンエン"), "kin'en");
        assert_eq!(to_romaji("コンヤ"), "kon'ya");
        assert_eq!(to_romaji("シンブン"), "shinbun");
    }

    #[test]
    fn half_width_and_decomposed_kana_are_folded() {
        assert_eq!(to_romaji("ﾗｻﾞﾙｽ･ｸﾞﾙｰﾌﾟ"), "razarusu gurupu");
        assert_eq!(to_romaji("カ\u{3099}"), "ga");
    }

    #[test]
    fn separators_and_latin_text() {
        assert_eq!(to_romaji("キム\u{3000}ジョンウン"), "kimu jon'un");
        assert_eq!(to_romaji("トゥルパル＝アリ"), "turuparu ari");
        assert_eq!(to_romaji("APT38・ラザルス"), "apt38 razarusu");
    }

    #[test]
    fn real_japan_list_names_romanise() {
        // Names as written in the Japan MOF list (shisantouketsu).
        assert_eq!(
            to_romaji("アブドゥル・ハキム・ムラード"),
            "abuduru hakimu murado"
        );
        assert_eq!(to_romaji("イーゴリ・セーチン"), "igori sechin");
        assert_eq!(
            to_romaji("ヴャチェスラフ・ヴォロジン"),
            "vyachesurafu vorojin"
        );
    }

    fn first(s: &str) -> String {
        korean_name_forms(s).into_iter().next().unwrap_or_default()
    }

    #[test]
    fn korean_names_drop_japanese_epenthetic_vowels() {
        // Pairs from the Japan MOF list, katakana next to its own Latin spelling.
        assert_eq!(first("キム・ジョンウン"), "kim jong-un");
        assert_eq!(first("キム・ハクソン"), "kim hak-song");
        assert_eq!(first("パク・ドチュン"), "pak do-chun");
        assert_eq!(first("クァク・ジョンチョル"), "kwak jong-chol");
        assert_eq!(first("キム・ミョンギ"), "kim myong-gi");
        assert_eq!(first("チェ・フィ"), "choe hwi");
        assert_eq!(first("ペク・セボン"), "paek se-bong");
        assert_eq!(first("リ・ヨンム"), "ri yong-mu");
        assert_eq!(first("キム・スキル"), "kim su-kil");
        assert_eq!(first("リ・ホンソプ"), "ri hong-sop");
        assert_eq!(first("キム・ジョンシク"), "kim jong-sik");
        assert!(korean_name_forms("キム・グワンイル").contains(&"kim gwang-il".to_owned()));
    }

    #[test]
    fn korean_n_ng_ambiguity_yields_alternatives() {
        let f = korean_name_forms("ヒョン・グァンイル");
        assert_eq!(f.first().map(String::as_str), Some("hyong gwan-il"));
        assert!(f.iter().any(|x| x == "hyon gwan-il"), "{f:?}");
        assert!(f.iter().any(|x| x == "hyong gwang-il"), "{f:?}");
        assert!(f.len() <= MAX_KOREAN_FORMS);
        let f = korean_name_forms("チェ・リョンヘ");
        assert_eq!(
            f,
            vec!["choe ryong-he".to_owned(), "choe ryon-he".to_owned()]
        );
        // Only the first word is read as a surname.
        assert_eq!(first("キム・チェ"), "kim che");
    }

    #[test]
    fn korean_forms_need_kana() {
        assert!(korean_name_forms("Kim Jong Un").is_empty());
        assert!(korean_name_forms("").is_empty());
        assert_eq!(first("ン"), "n");
        assert_eq!(first("ーッ"), "");
    }

    /// Text cut into tokens, cut into Korean syllable parts for [`expand_nasal_forms`]: how
    /// the Korean forms of kana were first made, the test oracle of [`korean_forms`], which
    /// writes them as it cuts.
    fn korean_parts(tokens: &[Token<'_>]) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut first_word = true;
        for token in tokens {
            let surname = first_word && !matches!(token, Token::Sep);
            first_word &= matches!(token, Token::Sep);
            match token {
                Token::Sep => parts.push(Part::Fixed(Cow::Borrowed(" "))),
                Token::Text(t) => {
                    let mut lower = String::with_capacity(t.len());
                    push_lower(&mut lower, t);
                    parts.push(Part::Fixed(Cow::Owned(lower)));
                }
                Token::Kana(moras) => match surname.then(|| korean_surname(moras)).flatten() {
                    Some(r) => parts.push(Part::Fixed(Cow::Borrowed(r))),
                    None => {
                        let mut i = 0;
                        let syllables = std::iter::from_fn(|| next_korean_syllable(moras, &mut i));
                        for (n, syllable) in syllables.enumerate() {
                            if n > 0 {
                                parts.push(Part::Fixed(Cow::Borrowed("-")));
                            }
                            let (stem, end) = (syllable.stem(), syllable.end);
                            parts.push(match end {
                                SyllableEnd::Open => Part::Fixed(Cow::Borrowed(stem)),
                                SyllableEnd::Final(last) => {
                                    Part::Fixed(Cow::Owned(format!("{stem}{last}")))
                                }
                                SyllableEnd::Nasal => Part::Nasal {
                                    stem: Cow::Borrowed(stem),
                                    ng_guess: ng_likely(stem),
                                },
                            });
                        }
                    }
                },
            }
        }
        parts
    }

    /// [`cannot_read_as_korean_name`] as first written, on the Korean syllable parts.
    fn cannot_read_as_korean_name_from_parts(tokens: &[Token<'_>], parts: &[Part]) -> bool {
        if tokens.iter().any(|t| matches!(t, Token::Text(_))) {
            return false;
        }
        let is_syllable = |p: &&Part| !matches!(p, Part::Fixed(t) if t == " " || t == "-");
        let spells_title = |p: &Part| match p {
            Part::Fixed(t) => normalize::is_title(t),
            Part::Nasal { stem, .. } => ["n", "ng"]
                .iter()
                .any(|nasal| normalize::is_title(&format!("{stem}{nasal}"))),
        };
        if parts.iter().find(is_syllable).is_some_and(spells_title)
            || parts.iter().rfind(is_syllable).is_some_and(spells_title)
        {
            return false;
        }
        let (mut syllables, mut in_word) = (0usize, 0usize);
        let mut two_syllable_word = false;
        for p in parts {
            match p {
                Part::Fixed(t) if t == " " => in_word = 0,
                Part::Fixed(t) if t == "-" => {}
                _ => {
                    syllables += 1;
                    in_word += 1;
                    two_syllable_word |= in_word > 1;
                }
            }
        }
        syllables >= 4 && two_syllable_word
    }

    #[test]
    fn regression_korean_shape_read_from_morae_as_from_parts() {
        for s in [
            "ゲン・ホン・ジョンウン",
            "セルゲイ・イワノフ",
            "ナ・ミ・ホ・ア",
            "チェ・ヨンゴン",
            "ペク・セボン",
            "ホン・ソンム",
            "グワンジン・キム",
            "アレクサンドル",
        ] {
            with_cut(s, |_, cut| {
                let tokens = cut.tokens();
                assert_eq!(
                    cannot_read_as_korean_name(&tokens),
                    cannot_read_as_korean_name_from_parts(&tokens, &korean_parts(&tokens)),
                    "{s}"
                );
            });
        }
    }

    proptest! {
        /// Whether a katakana name can read as Korean, decided from its morae, is what its
        /// Korean syllable parts decided.
        #[test]
        fn korean_shape_read_from_morae_as_from_parts(
            s in "[ァ-ヺぁ-ゖｦ-ﾟ・ー ]{0,16}|(ゲン|ホン|ドク|クワ|グワ|ン|ッ|ー|キム|チェ|ペク|ペ|・|ソン|ム|ル|プ){0,8}"
        ) {
            let (read, from_parts) = with_cut(&s, |_, cut| {
                let tokens = cut.tokens();
                (
                    cannot_read_as_korean_name(&tokens),
                    cannot_read_as_korean_name_from_parts(&tokens, &korean_parts(&tokens)),
                )
            });
            prop_assert_eq!(read, from_parts);
        }
    }

    #[test]
    fn regression_vowel_runs_bound_the_korean_parse() {
        assert_eq!(vowel_runs("cheun'ari"), 3);
        assert_eq!(vowel_runs("serugei iwanofu"), 7);
        assert_eq!(vowel_runs("a'e"), 1);
        assert_eq!(vowel_runs("kim jong-un"), 3);
        assert!(!romaji_may_read_as_korean_name("serugei iwanofu"));
        assert!(romaji_may_read_as_korean_name("cheun'ari"));
    }

    proptest! {
        /// No word parses into fewer Korean syllables than it has runs of vowels: the count
        /// may turn a romaji away before the parse.
        #[test]
        fn vowel_runs_bound_the_korean_parse(
            word in "([bcdghjklmnprstwy]{0,2}[aeiouAEIOU]{1,3}[nglkmpthr]{0,2}['`]?){1,4}|[a-z'`]{1,12}"
        ) {
            let mut syllables = Vec::new();
            if crate::korean::parse_latin_into(&word, &mut syllables) {
                prop_assert!(syllables.len() >= vowel_runs(&word), "{} {:?}", word, syllables.len());
            }
        }
    }

    /// The tokens of a cut, spelt out to be compared.
    fn described(tokens: &[Token<'_>]) -> Vec<String> {
        tokens
            .iter()
            .map(|t| match t {
                Token::Sep => "separator".to_owned(),
                Token::Text(text) => format!("text {text}"),
                Token::Kana(moras) => format!("{moras:?}"),
            })
            .collect()
    }

    /// [`Cut::read`]'s morae of a run as first written, peeking at each next character: the
    /// oracle of the cut in the tests. Appends the morae of the run of kana `chars` starts
    /// with to `out` (which may hold earlier runs' morae), and leaves `chars` at the first
    /// character after the run.
    fn push_moras(
        chars: &mut Peekable<impl Iterator<Item = (usize, char)>>,
        out: &mut SmallVec<[Mora; 32]>,
    ) {
        let start = out.len();
        while let Some((_, c)) = chars.next_if(|&(_, c)| is_kana(c)) {
            let c = to_katakana(c);
            let mora = match c {
                _ if let Some(mora) = mark_mora(c) => mora,
                // Iteration marks repeat the previous mora of the same run.
                'ヽ' | 'ヾ' => match out.last() {
                    Some(&m) if out.len() > start => m,
                    _ => continue,
                },
                // Only a small vowel or y kana after it can make a digraph.
                _ => match chars
                    .peek()
                    .map(|&(_, n)| to_katakana(n))
                    .filter(|&n| matches!(n, 'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ャ' | 'ュ' | 'ョ'))
                    .and_then(|n| digraph(c, n))
                {
                    Some(r) => {
                        chars.next();
                        Mora {
                            romaji: r,
                            kind: Kind::Mora,
                        }
                    }
                    None => Mora {
                        romaji: single(c),
                        kind: Kind::Mora,
                    },
                },
            };
            if !mora.romaji.is_empty() || mora.kind != Kind::Mora {
                out.push(mora);
            }
        }
    }

    /// [`Cut::of`] as first written, in two passes: where each run ends, then its morae.
    fn cut_in_two_passes(s: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if is_sep(c) {
                rest = rest.trim_start_matches(is_sep);
                tokens.push("separator".to_owned());
            } else if is_kana(c) {
                let end = rest.find(|c| !is_kana(c)).unwrap_or(rest.len());
                let (kana, tail) = rest.split_at(end);
                rest = tail;
                let mut moras = SmallVec::new();
                push_moras(&mut kana.char_indices().peekable(), &mut moras);
                tokens.push(format!("{:?}", moras.as_slice()));
            } else {
                let end = rest.find(|c| is_sep(c) || is_kana(c)).unwrap_or(rest.len());
                let (text, tail) = rest.split_at(end);
                rest = tail;
                tokens.push(format!("text {text}"));
            }
        }
        tokens
    }

    /// [`expand_nasal_forms`] as first written: every form written part by part, the flipped
    /// final chosen as it is written. The test oracle of the forms changed in place.
    fn nasal_forms_written_in_full(parts: &[Part], max: usize) -> Vec<String> {
        let nasals = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| matches!(p, Part::Nasal { .. }))
            .map(|(i, _)| i);
        let mut forms: Vec<String> = Vec::new();
        for flip in std::iter::once(None).chain(nasals.map(Some)) {
            if forms.len() >= max {
                break;
            }
            let mut f = String::new();
            for (i, p) in parts.iter().enumerate() {
                match p {
                    Part::Fixed(t) if t == " " => push_space(&mut f),
                    Part::Fixed(t) => f.push_str(t),
                    Part::Nasal { stem, ng_guess } => {
                        f.push_str(stem);
                        let ng = *ng_guess != (flip == Some(i));
                        f.push_str(if ng { "ng" } else { "n" });
                    }
                }
            }
            let f = f.trim().to_owned();
            if !f.is_empty() && !forms.contains(&f) {
                forms.push(f);
            }
        }
        forms
    }

    /// Parts of every kind, a space at either end, nasals with an empty stem and side by
    /// side: the forms changed in place are those written in full.
    #[test]
    fn regression_nasal_forms_in_place_as_in_full() {
        let fixed = |t: &'static str| Part::Fixed(Cow::Borrowed(t));
        let nasal = |stem: &'static str, ng_guess| Part::Nasal {
            stem: Cow::Borrowed(stem),
            ng_guess,
        };
        let cases: Vec<Vec<Part>> = vec![
            vec![],
            vec![fixed(" "), fixed(" ")],
            vec![
                fixed(" "),
                nasal("jo", true),
                fixed("-"),
                nasal("u", false),
                fixed(" "),
            ],
            vec![
                nasal("", false),
                nasal("", true),
                fixed(" "),
                nasal("n", false),
            ],
            vec![
                fixed("kim"),
                fixed(" "),
                fixed("chol"),
                fixed(" "),
                nasal("yo", true),
            ],
        ];
        for parts in &cases {
            for max in 0..=MAX_KOREAN_FORMS + 1 {
                assert_eq!(
                    expand_nasal_forms(parts, max, 0),
                    nasal_forms_written_in_full(parts, max)
                );
            }
        }
    }

    /// Korean forms written as the kana are cut are those of the parts: a surname read
    /// whole, finals, nasals of both guesses, text that is not kana, separators at the edges.
    #[test]
    fn regression_korean_forms_written_as_cut() {
        for s in [
            "キム・ジョンウン",
            "チェ・ヨンゴン",
            "ペク・セボン",
            "・ABC・パク・ソンム・",
            "グワンジン ン",
        ] {
            with_cut(s, |s, cut| {
                let tokens = cut.tokens();
                for max in 0..=MAX_KOREAN_FORMS {
                    assert_eq!(
                        korean_forms(&tokens, max, s.len()),
                        nasal_forms_written_in_full(&korean_parts(&tokens), max),
                        "{s}"
                    );
                }
            });
        }
    }

    /// The cut reads a katakana letter after one range check: every character of the range
    /// must answer the tests it skips as the cut assumes.
    #[test]
    fn katakana_letters_are_kana_unfolded_and_their_own_katakana() {
        for c in 'ァ'..='ヺ' {
            assert!(is_kana(c) && !is_sep(c) && !folds_under_nfkc(c), "{c}");
            assert_eq!(to_katakana(c), c);
            assert!(Run::of(c) == Run::Kana, "{c}");
        }
    }

    /// A syllable's reading tells the morae it asks about by [`two_letters`]: every romaji a
    /// mora can have (each katakana alone and with each small kana after it, and the marks)
    /// is told apart as comparing its text told it.
    #[test]
    fn two_letters_tell_morae_as_their_text() {
        let katakana = || ('\u{30A1}'..='\u{30FF}').chain('\u{31F0}'..='\u{31FF}');
        let mut romaji: Vec<&'static str> = vec!["", "n"];
        for c in katakana() {
            romaji.push(single(c));
            romaji.extend(katakana().filter_map(|small| digraph(c, small)));
        }
        for r in romaji {
            for (code, text) in [
                (GU, "gu"),
                (KU, "ku"),
                (MU, "mu"),
                (PU, "pu"),
                (RU, "ru"),
                (WA, "wa"),
            ] {
                assert_eq!(two_letters(r) == code, r == text, "{r} {text}");
            }
        }
    }

    /// [`vowel_runs`] tells a vowel by its bit of lower case: as `to_ascii_lowercase` and
    /// [`is_vowel`] tell it, for every byte.
    #[test]
    fn vowels_by_their_lower_case_bit_as_by_lowering() {
        for b in 0..=u8::MAX {
            let by_bit = matches!(b | 0x20, b'a' | b'e' | b'i' | b'o' | b'u');
            assert_eq!(by_bit, is_vowel(char::from(b.to_ascii_lowercase())), "{b}");
        }
    }

    #[test]
    fn regression_cut_in_one_pass_as_in_two() {
        for s in [
            "キム・ジョンウン",
            "ラザルス・グループ",
            "ｷﾑ ジョンウン",
            "AB・ヽヾキャ x",
            "ッー",
        ] {
            assert_eq!(described(&Cut::of(s).tokens()), cut_in_two_passes(s), "{s}");
        }
    }

    proptest! {
        /// The cut notices a character NFKC folds wherever it stands: in a run of kana (a
        /// digraph's small kana too), of separators or of other text.
        #[test]
        fn cut_notices_what_nfkc_folds(s in "[ァ-ヺぁ-ゖｦ-ﾟ・ーヽヾ ａ-ｚa-zA-Z\u{3099}-\u{309c}㋐-㋾｡-･=＝]{0,24}") {
            prop_assert_eq!(Cut::of(&s).folds_under_nfkc, s.chars().any(folds_under_nfkc));
        }
    }

    proptest! {
        #[test]
        fn cut_in_one_pass_as_in_two(s in "[ァ-ヺぁ-ゖｦ-ﾟ・ーヽヾ ａ-ｚa-zA-Z\u{3099}-\u{309c}㋐-㋾｡-･=＝]{0,24}") {
            prop_assert_eq!(described(&Cut::of(&s).tokens()), cut_in_two_passes(&s));
        }
    }

    proptest! {
        /// The Korean forms of kana, and of any parts, changed in place are those written
        /// in full.
        #[test]
        fn nasal_forms_in_place_as_in_full(
            s in "[ァ-ヺ・ー ンa-z]{0,16}",
            pieces in proptest::collection::vec((0u8..4, "[a-z ]{0,3}", any::<bool>()), 0..12),
        ) {
            let cut = Cut::of(&s);
            let tokens = cut.tokens();
            let parts = korean_parts(&tokens);
            for max in 0..=MAX_KOREAN_FORMS {
                let in_full = nasal_forms_written_in_full(&parts, max);
                prop_assert_eq!(&korean_forms(&tokens, max, s.len()), &in_full);
                prop_assert_eq!(expand_nasal_forms(&parts, max, s.len()), in_full);
            }
            let texts: Vec<String> = pieces.iter().map(|(_, t, _)| t.clone()).collect();
            let parts: Vec<Part> = pieces
                .iter()
                .zip(&texts)
                .map(|((kind, _, ng_guess), t)| match kind {
                    0 => Part::Fixed(Cow::Borrowed(" ")),
                    1 => Part::Fixed(Cow::Owned(t.clone())),
                    2 => Part::Fixed(Cow::Borrowed("pak")),
                    _ => Part::Nasal {
                        stem: Cow::Owned(t.clone()),
                        ng_guess: *ng_guess,
                    },
                })
                .collect();
            for max in 0..=MAX_KOREAN_FORMS {
                prop_assert_eq!(
                    expand_nasal_forms(&parts, max, 0),
                    nasal_forms_written_in_full(&parts, max)
                );
            }
        }
    }

    proptest! {
        #[test]
        fn one_cut_for_both_forms(s in "[ァ-ヺぁ-ゖｦ-ﾟ・ー ａ-ｚa-zA-Z\u{3099}-\u{309c}㋐-㋾｡-･]{0,16}") {
            for (korean, max) in [KoreanForms::None, KoreanForms::All, KoreanForms::IfNameShaped]
                .into_iter()
                .flat_map(|korean| [(korean, 2), (korean, MAX_KOREAN_FORMS)])
            {
                let (forms, romaji) = korean_forms_and_romaji(&s, korean, max);
                let mut want = if korean == KoreanForms::None {
                    Vec::new()
                } else {
                    korean_name_forms(&s)
                };
                want.truncate(max);
                if korean != KoreanForms::IfNameShaped || !forms.is_empty() {
                    prop_assert_eq!(forms, want);
                }
                prop_assert_eq!(romaji, to_romaji(&s));
            }
        }
    }

    proptest! {
        #[test]
        fn romaji_never_panics_and_is_idempotent(s in prop_oneof!["\\PC{0,40}", "[\u{3041}-\u{30FF}\u{FF61}-\u{FF9F} ・]{0,30}"]) {
            let r = to_romaji(&s);
            prop_assert!(!has_kana(&r));
            prop_assert_eq!(to_romaji(&r), r.clone());
            if s.chars().all(|c| is_kana(c) || c.is_ascii() || is_sep(c)) {
                prop_assert!(r.is_ascii(), "{:?} -> {:?}", s, r);
                prop_assert_eq!(r.to_ascii_lowercase(), r.clone());
            }
        }

        #[test]
        fn korean_forms_are_bounded_lower_ascii(
            s in prop_oneof!["[\u{30A1}-\u{30FC}・]{0,30}", "\\PC{0,30}"]
        ) {
            let forms = korean_name_forms(&s);
            prop_assert!(forms.len() <= MAX_KOREAN_FORMS);
            for f in &forms {
                if s.chars().all(|c| is_kana(c) || is_sep(c)) {
                    prop_assert!(f.is_ascii() && f.to_ascii_lowercase() == *f, "{:?} -> {:?}", s, f);
                }
                prop_assert!(!has_kana(f));
                prop_assert!(!f.starts_with(' ') && !f.ends_with(' '));
            }
        }
    }
}
