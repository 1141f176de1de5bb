//! Korean names: Hangul syllables, surnames, romanisation and a shared phonetic key.
//!
//! Every Korean syllable, whether written in Hangul (`정`), Revised Romanization (`jeong`),
//! McCune–Reischauer (`chŏng`, `cho'ng`), the DPRK's official spelling (`jong`) or a passport
//! spelling (`jung`, `chung`), maps to one **syllable key** (`JOQ`). The key folds exactly the
//! distinctions the romanisation systems disagree on: plain/aspirated/tense consonants
//! (ㄱ/ㅋ/ㄲ → `K`), voicing (g/k, b/p, d/t, j/ch), the ㅓ/ㅗ/ㅜ/ㅡ vowels that MR without breves
//! and passports write as `o` or `u`, r/l, and the initial-sound rule (두음법칙) that separates
//! North and South Korean spelling (리/이, 로/노, 류/유, 녀/여): a syllable-initial ㄹ is dropped
//! before `i`/`y` and becomes ㄴ elsewhere; a syllable-initial ㄴ is dropped before `i`/`y`.
//! It keeps what carries identity: the vowel class, the final consonant, the glide.
//!
//! ```
//! use cordon_text::korean::{hangul_keys, parse_latin};
//!
//! let hangul: Vec<String> = hangul_keys("김정은").iter().map(|s| s.key.to_string()).collect();
//! assert_eq!(hangul, ["KIM", "JOQ", "ON"]);
//! let latin = parse_latin("jongun").unwrap();
//! assert_eq!(latin.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), ["JOQ", "ON"]);
//! assert_eq!(parse_latin("ri").unwrap()[0].key, parse_latin("lee").unwrap()[0].key);
//! assert!(parse_latin("smith").is_none());
//! ```

use std::fmt;

const S_BASE: u32 = 0xAC00;
const S_COUNT: u32 = 11172;

/// Whether `c` is a precomposed Hangul syllable (가–힣).
pub fn is_hangul_syllable(c: char) -> bool {
    (S_BASE..S_BASE + S_COUNT).contains(&(c as u32))
}

/// Whether the text contains a Hangul syllable.
pub fn has_hangul(s: &str) -> bool {
    s.chars().any(is_hangul_syllable)
}

/// The (initial, medial, final) jamo indices of a Hangul syllable.
pub fn decompose(c: char) -> Option<(usize, usize, usize)> {
    let s = (c as u32).checked_sub(S_BASE)?;
    if s >= S_COUNT {
        return None;
    }
    let s = s as usize;
    Some((s / 588, (s % 588) / 28, s % 28))
}

// Key letters: K T P J S H M N L (consonant classes), Q (final ng), vowels A E I O U W Y.
const INITIAL_KEY: [&str; 19] = [
    "K", "K", "N", "T", "T", "L", "M", "P", "P", "S", "S", "", "J", "J", "J", "K", "T", "P", "H",
];
const MEDIAL_KEY: [&str; 21] = [
    "A", "AE", "YA", "YAE", "O", "E", "YO", "YE", "O", "WA", "WE", "WE", "YO", "O", "WO", "WE",
    "WI", "YO", "O", "UI", "I",
];
const FINAL_KEY: [&str; 28] = [
    "", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M", "P", "P",
    "T", "T", "Q", "T", "T", "K", "T", "P", "T",
];

// Revised Romanization (syllable in isolation, word-initial values).
const RR_INITIAL: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const RR_MEDIAL: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
const RR_FINAL: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];
// McCune–Reischauer (syllable in isolation; names are romanised syllable by syllable).
const MR_INITIAL: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch'", "k'", "t'",
    "p'", "h",
];
const MR_MEDIAL: [&str; 21] = [
    "a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u", "wŏ", "we",
    "wi", "yu", "ŭ", "ŭi", "i",
];

/// Hangul initial consonant letters, for explanations.
const INITIAL_JAMO: [char; 19] = [
    'ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ',
    'ㅌ', 'ㅍ', 'ㅎ',
];

/// A short ASCII string held inline (syllable keys are at most 7 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Key {
    len: u8,
    buf: [u8; 7],
}

impl Key {
    /// A key of `len` (at most 7) letters packed little-endian in `bits`.
    fn from_bits(bits: u64, len: u32) -> Key {
        let mut buf = [0u8; 7];
        let bytes = bits.to_le_bytes();
        buf.copy_from_slice(bytes.get(..7).unwrap_or(&[0; 7]));
        Key {
            len: len.min(7) as u8,
            buf,
        }
    }

    /// The whole key as one integer: its letters and, in the top byte, its length. Two keys are
    /// equal exactly when their integers are.
    fn packed(&self) -> u64 {
        self.bits() | u64::from(self.len) << 56
    }

    /// The letters packed little-endian, as [`Key::from_bits`] takes them.
    fn bits(&self) -> u64 {
        let mut b = [0u8; 8];
        if let Some(head) = b.get_mut(..7) {
            head.copy_from_slice(&self.buf);
        }
        u64::from_le_bytes(b)
    }

    fn push(&mut self, s: &str) -> bool {
        for b in s.bytes() {
            let Some(slot) = self.buf.get_mut(self.len as usize) else {
                return false;
            };
            *slot = b;
            self.len += 1;
        }
        true
    }

    /// The key as a string.
    pub fn as_str(&self) -> &str {
        let bytes = self.buf.get(..self.len as usize).unwrap_or(&[]);
        std::str::from_utf8(bytes).unwrap_or("")
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len as usize).unwrap_or(&[])
    }

    /// The key with the distinctions katakana cannot write folded: a final `ng` becomes `n`
    /// (both are `ン`) and `ae` becomes `e` (`ヘ` is 혜 or 해).
    fn kana_folded(&self) -> Key {
        // Most keys have nothing to fold: found by comparing all their bytes at once (a
        // katakana name's syllables are folded for every pair of readings compared).
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        // High bit set in each byte that may be zero (never clear in one that is).
        let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
        let bits = self.bits();
        let a = zeros(bits ^ (ONES * u64::from(b'A')));
        let e = zeros(bits ^ (ONES * u64::from(b'E')));
        if (a << 8) & e == 0 && self.as_bytes().last() != Some(&b'Q') {
            return *self;
        }
        let mut k = Key::default();
        let b = self.as_bytes();
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            let next = b.get(i + 1).copied();
            if c == b'A' && next == Some(b'E') {
                k.push("E");
                i += 2;
                continue;
            }
            let c = if c == b'Q' && next.is_none() { b'N' } else { c };
            if let Some(slot) = k.buf.get_mut(k.len as usize) {
                *slot = c;
                k.len += 1;
            }
            i += 1;
        }
        k
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Where a syllable was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SylSource {
    /// A Hangul syllable.
    Hangul(char),
    /// Latin letters (any romanisation).
    Latin,
    /// Latin letters produced from Japanese kana: `ン` hides the n/ng difference.
    Kana,
}

/// One Korean syllable, from any script, reduced to its [key](self).
///
/// Plain data (`Copy`): its text is one of the finitely many a syllable can have, kept once
/// for the program ([`hangul_text`], [`latin_syllable`]), so that the readings and buffers that
/// hold syllables copy and drop them as bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syllable {
    /// The phonetic key after the initial-sound rule.
    pub key: Key,
    /// The source text of the syllable (`정`, `jong`, `cho'ng`).
    pub text: &'static str,
    /// Where it was read from.
    pub source: SylSource,
    /// Whether the initial-sound rule changed the key (an initial ㄹ/ㄴ, `r`/`l`/`n`).
    pub initial_rule: bool,
}

impl Syllable {
    /// The Hangul syllable, when read from Hangul.
    pub fn hangul(&self) -> Option<char> {
        match self.source {
            SylSource::Hangul(c) => Some(c),
            _ => None,
        }
    }

    /// The key with what katakana cannot distinguish folded (final n/ng, ae/e), for
    /// comparison with kana-derived syllables.
    pub fn kana_folded(&self) -> Key {
        self.key.kana_folded()
    }
}

/// Applies the initial-sound rule to a raw syllable key (initial consonant + vowel + final).
/// Returns the new key and whether it changed.
fn initial_rule(raw: Key) -> (Key, bool) {
    let b = raw.as_bytes();
    let (Some(&first), next) = (b.first(), b.get(1).copied()) else {
        return (raw, false);
    };
    let front_vowel = matches!(next, Some(b'I' | b'Y'));
    let bits = raw.bits();
    match first {
        // The initial dropped: the other letters move down one place.
        b'L' | b'N' if front_vowel => (Key::from_bits(bits >> 8, u32::from(raw.len) - 1), true),
        b'L' if next.is_some_and(is_vowel_key) => (
            Key::from_bits((bits & !0xff) | u64::from(b'N'), u32::from(raw.len)),
            true,
        ),
        _ => (raw, false),
    }
}

fn is_vowel_key(b: u8) -> bool {
    matches!(b, b'A' | b'E' | b'I' | b'O' | b'U' | b'W' | b'Y')
}

/// The syllable of a Hangul character, or `None` for any other character.
pub fn hangul_syllable(c: char) -> Option<Syllable> {
    let (i, m, f) = decompose(c)?;
    // At most 1 + 3 + 1 letters: the key always fits.
    let mut raw = Key::default();
    raw.push(INITIAL_KEY.get(i)?);
    raw.push(MEDIAL_KEY.get(m)?);
    raw.push(FINAL_KEY.get(f)?);
    let (key, changed) = initial_rule(raw);
    Some(Syllable {
        key,
        text: hangul_text(c)?,
        source: SylSource::Hangul(c),
        initial_rule: changed,
    })
}

/// The text of Hangul syllable `c` (`None` for any other character), from one string of
/// every Hangul syllable.
fn hangul_text(c: char) -> Option<&'static str> {
    use std::sync::OnceLock;
    static ALL: OnceLock<String> = OnceLock::new();
    let all = ALL.get_or_init(|| ('\u{AC00}'..='\u{D7A3}').collect());
    let at = (c as usize).checked_sub(0xAC00)? * 3;
    all.get(at..at + 3)
}

/// The syllables of the Hangul characters in `s` (other characters are skipped).
pub fn hangul_keys(s: &str) -> Vec<Syllable> {
    s.chars().filter_map(hangul_syllable).collect()
}

/// The keys of `syllables` run together (`광`, `선` → `KWAQSON`).
pub fn joined_keys(syllables: &[Syllable]) -> compact_str::CompactString {
    // Four syllables of at most seven letters: a word's keys fit on the stack.
    // Keys are at most seven letters: each is copied as one eight-byte word (the byte past
    // its end is overwritten by the next key), not through a `memcpy` call.
    let mut buf = [0u8; 40];
    let mut len = 0;
    for s in syllables {
        match buf.get_mut(len..len + 8) {
            Some(slot) if len + usize::from(s.key.len) <= 32 => {
                slot.copy_from_slice(&s.key.bits().to_le_bytes());
            }
            _ => return syllables.iter().map(|s| s.key.as_str()).collect(),
        }
        len += usize::from(s.key.len);
    }
    buf.get(..len)
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(compact_str::CompactString::from)
        .unwrap_or_default()
}

/// Revised Romanization of a single Hangul syllable (word-initial values; `None` for others).
pub fn rr(c: char) -> Option<String> {
    let (i, m, f) = decompose(c)?;
    let mut s = String::new();
    s.push_str(RR_INITIAL.get(i)?);
    s.push_str(RR_MEDIAL.get(m)?);
    s.push_str(RR_FINAL.get(f)?);
    Some(s)
}

/// McCune–Reischauer of a single Hangul syllable, with breves and apostrophes (`정` → `chŏng`).
pub fn mr(c: char) -> Option<String> {
    let (i, m, f) = decompose(c)?;
    let mut s = String::new();
    s.push_str(MR_INITIAL.get(i)?);
    s.push_str(MR_MEDIAL.get(m)?);
    s.push_str(RR_FINAL.get(f)?);
    Some(s)
}

/// The DPRK's official spelling of a syllable in a name (`정` → `jong`, `은` → `un`,
/// `리` → `ri`): McCune–Reischauer without breves or apostrophes, with `j` for ㅈ.
pub fn dprk(c: char) -> Option<String> {
    let (i, _, _) = decompose(c)?;
    let m = mr(c)?;
    let plain: String = m
        .chars()
        .filter(|&ch| ch != '\'')
        .map(|ch| match ch {
            'ŏ' => 'o',
            'ŭ' => 'u',
            other => other,
        })
        .collect();
    // ㅈ is written j, ㅉ jj; ㅊ stays ch.
    Some(match i {
        12 => plain.replacen("ch", "j", 1),
        13 => plain.replacen("tch", "jj", 1),
        _ => plain,
    })
}

/// A romanisation of a whole Hangul string, syllable by syllable (RR), other characters kept.
pub fn romanize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    romanize_into(s, &mut out);
    out
}

/// [`romanize`], appended to `out`.
pub(crate) fn romanize_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match decompose(c) {
            Some((i, m, f)) => {
                for part in [RR_INITIAL.get(i), RR_MEDIAL.get(m), RR_FINAL.get(f)]
                    .into_iter()
                    .flatten()
                {
                    out.push_str(part);
                }
            }
            None => out.push(c),
        }
    }
}

/// The Hangul initial consonant letter of a syllable, for explanations.
pub fn initial_jamo(c: char) -> Option<char> {
    decompose(c).and_then(|(i, _, _)| INITIAL_JAMO.get(i).copied())
}

/// Compound (two-syllable) Korean surnames.
pub const COMPOUND_SURNAMES: &[&str] = &[
    "남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "어금", "망절", "강전", "소봉",
    "장곡",
];

/// Common Korean single-syllable surnames (North and South Korean forms).
const SURNAMES: &str = "김이리박최정강조윤장임림한오서신권황안송류유전홍고문양량손배백허유남심노로하곽성차주우구민진지엄채원천방공현함변염여려추도소석선설마길연위표명기반라나왕금옥육인맹제모탁국어은편용예봉경사부황가복태목형피두감음빈동온호범좌";

/// Whether a Hangul string (one syllable, or two for a compound) is a known surname. Both
/// sides of the initial-sound rule count (렴 and 염, 리 and 이).
pub fn is_hangul_surname(s: &str) -> bool {
    let mut it = s.chars();
    match (it.next(), it.next(), it.next()) {
        (Some(c), None, None) => {
            SURNAMES.contains(c) || hangul_syllable(c).is_some_and(|syl| is_surname_key(&syl.key))
        }
        (Some(_), Some(_), None) => COMPOUND_SURNAMES.contains(&s),
        _ => false,
    }
}

/// Splits a Hangul person name written without spaces into (surname, given name): compound
/// surnames first when at least one syllable is left for the given name (`남궁민수` →
/// `남궁` + `민수`), otherwise the first syllable.
pub fn split_hangul_name(s: &str) -> (&str, &str) {
    let n = s.chars().count();
    if n >= 3 {
        for c in COMPOUND_SURNAMES {
            if let Some(rest) = s.strip_prefix(c) {
                return (&s[..c.len()], rest);
            }
        }
    }
    match s.char_indices().nth(1) {
        Some((i, _)) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

/// Whether the key of a single Latin or Hangul syllable is the key of a common Korean surname
/// (`kim`, `ri`, `lee`, `yi`, `park`, `choe`, `jung`…).
pub fn is_surname_key(key: &Key) -> bool {
    // Asked of every candidate surname word of every form: whole keys as integers are
    // compared in a register, not as a length and a byte slice.
    surname_packed_keys().binary_search(&key.packed()).is_ok()
}

/// [`surname_keys`] as [`Key::packed`] integers, in order.
fn surname_packed_keys() -> &'static [u64] {
    use std::sync::OnceLock;
    static PACKED: OnceLock<Vec<u64>> = OnceLock::new();
    PACKED.get_or_init(|| {
        let mut v: Vec<u64> = surname_keys().iter().map(Key::packed).collect();
        v.sort_unstable();
        v
    })
}

/// Whether two keys of three letters or more differ in exactly one letter (`kin` / `kim`).
pub fn one_letter_apart(a: &Key, b: &Key) -> bool {
    a.len == b.len && a.len >= 3 && a.buf.iter().zip(&b.buf).filter(|(x, y)| x != y).count() == 1
}

/// Whether the key of a single syllable is no surname's but one letter from the key of a
/// surname of three letters or more (`kin`, `kem` from 김 `kim`; `jan` from 장 `jang`): what a
/// one-letter slip in a romanised surname leaves. Shorter surnames (`o`, `ri`, `ma`) are one
/// letter from most syllables, so a slip in them cannot be told from another word.
pub fn is_slipped_surname_key(key: &Key) -> bool {
    key.len >= 3 && !is_surname_key(key) && surname_keys().iter().any(|s| one_letter_apart(s, key))
}

fn surname_keys() -> &'static [Key] {
    use std::sync::OnceLock;
    static KEYS: OnceLock<Vec<Key>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut v: Vec<Key> = SURNAMES
            .chars()
            .filter_map(hangul_syllable)
            .map(|s| s.key)
            .collect();
        v.sort();
        v.dedup();
        v
    })
}

/// Whether a Latin token is a compound surname written as one word (`namgung`, `hwangbo`).
pub fn compound_surname_keys(syls: &[Syllable]) -> bool {
    use std::sync::OnceLock;
    static KEYS: OnceLock<Vec<(Key, Key)>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        COMPOUND_SURNAMES
            .iter()
            .filter_map(|s| {
                let k = hangul_keys(s);
                match k.as_slice() {
                    [a, b] => Some((a.key, b.key)),
                    _ => None,
                }
            })
            .collect()
    });
    match syls {
        [a, b] => keys.iter().any(|(x, y)| *x == a.key && *y == b.key),
        _ => false,
    }
}

// Latin syllable grammar: (initial)(vowel)(final), longest alternatives first.
const L_INITIALS: &[(&str, &str)] = &[
    ("tch", "J"),
    ("ch", "J"),
    ("jj", "J"),
    ("kk", "K"),
    ("kh", "K"),
    ("gh", "K"),
    ("tt", "T"),
    ("th", "T"),
    ("pp", "P"),
    ("ph", "P"),
    ("ss", "S"),
    ("sh", "S"),
    ("rh", "L"),
    ("j", "J"),
    ("k", "K"),
    ("g", "K"),
    ("t", "T"),
    ("d", "T"),
    ("p", "P"),
    ("b", "P"),
    ("s", "S"),
    ("h", "H"),
    ("m", "M"),
    ("n", "N"),
    ("r", "L"),
    ("l", "L"),
    ("", ""),
];
const L_VOWELS: &[(&str, &str)] = &[
    ("yeo", "YO"),
    ("yae", "YAE"),
    ("yoo", "YO"),
    ("you", "YO"),
    ("wae", "WE"),
    ("weo", "WO"),
    ("woo", "O"),
    ("eui", "UI"),
    ("yo", "YO"),
    ("yu", "YO"),
    ("ya", "YA"),
    ("ye", "YE"),
    ("yi", "I"),
    ("wo", "WO"),
    ("wa", "WA"),
    ("we", "WE"),
    ("wi", "WI"),
    ("wu", "O"),
    ("oe", "WE"),
    ("oi", "WE"),
    ("ui", "UI"),
    ("eo", "O"),
    ("eu", "O"),
    ("ae", "AE"),
    ("ai", "AE"),
    ("oo", "O"),
    ("ou", "O"),
    ("ee", "I"),
    ("a", "A"),
    ("e", "E"),
    ("i", "I"),
    ("o", "O"),
    ("u", "O"),
];
const L_FINALS: &[(&str, &str)] = &[
    ("ng", "Q"),
    ("ck", "K"),
    ("rk", "K"),
    ("hn", "N"),
    ("hm", "M"),
    ("n", "N"),
    ("m", "M"),
    ("l", "L"),
    ("k", "K"),
    ("g", "K"),
    ("p", "P"),
    ("b", "P"),
    ("t", "T"),
    ("d", "T"),
    // Silent letters of passport spellings: Park, Ahn, Oh, Sohn, Hur.
    ("r", ""),
    ("h", ""),
    ("", ""),
];

/// One entry of a grammar table, compiled for matching: its letters packed little-endian
/// into an integer, so that matching at a position is one mask and compare against the
/// position's next three letters packed the same way (letters are never zero, so an entry
/// cannot match past the end of the word).
#[derive(Clone, Copy, Debug)]
struct Piece {
    packed: u32,
    mask: u32,
    len: usize,
    /// A doubled letter (initials `kk`, `ss` …).
    doubled: bool,
    /// Starts with `g` (initials `g`, `gh`).
    starts_g: bool,
    /// The final `ng`.
    ng: bool,
    /// A final that passport spellings write with a silent letter (`r`, `h`, `hn`, `hm`).
    silent: bool,
    /// The entry's place in its table, for [`latin_syllable`].
    index: u16,
}

impl Piece {
    fn new(text: &'static str, index: u16) -> Piece {
        let b = text.as_bytes();
        let packed = b
            .iter()
            .take(3)
            .enumerate()
            .fold(0u32, |p, (i, &c)| p | u32::from(c) << (8 * i));
        let len = b.len().min(3);
        let first = b.first().copied();
        Piece {
            packed,
            mask: if len == 0 {
                0
            } else {
                u32::MAX >> (32 - 8 * len)
            },
            len,
            doubled: len == 2 && first == b.get(1).copied(),
            starts_g: first == Some(b'g'),
            ng: text == "ng",
            silent: matches!(text, "r" | "h" | "hn" | "hm"),
            index,
        }
    }

    #[inline]
    fn matches(&self, next3: u32) -> bool {
        next3 & self.mask == self.packed
    }
}

/// The entries of a grammar table that can match text starting with each byte, in table
/// order (so that ties between equally good parses are broken as the table orders them), plus
/// the empty entry when the table has one. Trying only these instead of the whole table at
/// every position is what makes parsing cheap.
struct ByFirstByte {
    /// Every byte's entries, one after another.
    pieces: Vec<Piece>,
    /// Byte `b`'s entries are `pieces[starts[b]..starts[b + 1]]`; the end of the word is
    /// byte 256.
    starts: Vec<usize>,
}

impl ByFirstByte {
    fn new(table: &[(&'static str, &'static str)]) -> ByFirstByte {
        let mut entries = vec![Vec::new(); 257];
        for (index, &(text, _)) in (0u16..).zip(table) {
            let slot = text.as_bytes().first().map_or(256, |&b| usize::from(b));
            if let Some(v) = entries.get_mut(slot) {
                v.push(Piece::new(text, index));
            }
        }
        // The empty entry matches before any byte; it comes last in every table.
        let empty = entries.get(256).cloned().unwrap_or_default();
        for v in entries.iter_mut().take(256) {
            v.extend_from_slice(&empty);
        }
        let mut starts = Vec::with_capacity(258);
        let mut pieces = Vec::new();
        for v in entries {
            starts.push(pieces.len());
            pieces.extend(v);
        }
        starts.push(pieces.len());
        ByFirstByte { pieces, starts }
    }

    /// Entries to try where the next three letters are `next3` (packed as in [`Piece`]).
    #[inline]
    fn candidates(&self, next3: u32) -> &[Piece] {
        let slot = match next3 & 0xff {
            0 => 256,
            b => b as usize,
        };
        match (self.starts.get(slot), self.starts.get(slot + 1)) {
            (Some(&from), Some(&to)) => self.pieces.get(from..to).unwrap_or(&[]),
            _ => &[],
        }
    }
}

struct Grammar {
    initials: ByFirstByte,
    vowels: ByFirstByte,
    finals: ByFirstByte,
}

fn grammar() -> &'static Grammar {
    use std::sync::OnceLock;
    static G: OnceLock<Grammar> = OnceLock::new();
    G.get_or_init(|| Grammar {
        initials: ByFirstByte::new(L_INITIALS),
        vowels: ByFirstByte::new(L_VOWELS),
        finals: ByFirstByte::new(L_FINALS),
    })
}

/// A deterministic automaton over a word's letters (as [`parse_latin_into`] reads them,
/// apostrophes skipped) that accepts exactly the words the syllable grammar can split: one to
/// [`MAX_TOKEN_SYLLABLES`] syllables of [`L_INITIALS`], [`L_VOWELS`] and [`L_FINALS`], a silent
/// final only at the end. It ignores `n'` boundaries, so the parser may still turn away a word
/// it accepts, never the other way round. Many Latin words of a name (organisation words,
/// transliterated Cyrillic and Arabic, typos) fall into [`WORD_DEAD`]: that proves "no parse"
/// for one table lookup a letter instead of the search over every split.
///
/// State `s`'s successor on lower-case ASCII letter `l` is `WORD_STEPS[s][l & 31]`. The table
/// is the minimal automaton of that grammar, derived from the three tables by
/// `tests::word_automaton_of_the_grammar`, which fails (and prints the table to paste here)
/// when the grammar changes.
#[rustfmt::skip]
static WORD_STEPS: [[u8; 32]; WORD_STATES] = [
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 2, 3, 4, 3, 5, 0, 6, 3, 7, 8, 9, 3, 3, 3, 10, 11, 0, 6, 12, 13, 14, 0, 15, 0, 16, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 19, 18, 7, 0, 18, 20, 7, 21, 18, 18, 18, 22, 23, 18, 0, 24, 25, 18, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 2, 0, 0, 0, 5, 0, 0, 0, 7, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 14, 0, 15, 0, 16, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 19, 18, 7, 0, 18, 20, 29, 21, 18, 18, 18, 22, 7, 18, 0, 24, 25, 18, 14, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 2, 0, 0, 0, 5, 0, 0, 3, 7, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 14, 0, 15, 0, 16, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 19, 18, 30, 0, 18, 20, 29, 21, 18, 18, 18, 22, 23, 18, 0, 24, 25, 18, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 2, 0, 0, 0, 5, 0, 0, 0, 7, 3, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 14, 0, 15, 0, 16, 0, 0, 0, 0, 0, 0],
    [0, 2, 0, 0, 0, 5, 0, 0, 3, 7, 0, 3, 0, 0, 0, 10, 0, 0, 0, 0, 0, 14, 0, 15, 0, 16, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 19, 18, 7, 0, 18, 20, 7, 21, 18, 18, 18, 22, 7, 18, 0, 24, 25, 18, 7, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 2, 0, 0, 0, 5, 0, 0, 3, 7, 0, 0, 0, 0, 0, 10, 3, 0, 0, 0, 0, 14, 0, 15, 0, 16, 0, 0, 0, 0, 0, 0],
    [0, 2, 0, 0, 0, 5, 0, 0, 3, 7, 0, 0, 0, 0, 0, 10, 0, 0, 0, 3, 0, 14, 0, 15, 0, 16, 0, 0, 0, 0, 0, 0],
    [0, 2, 0, 4, 0, 5, 0, 0, 3, 7, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 3, 14, 0, 15, 0, 16, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 19, 18, 30, 0, 18, 20, 7, 21, 18, 18, 18, 22, 23, 18, 0, 24, 25, 18, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 31, 0, 0, 0, 32, 0, 0, 0, 7, 0, 0, 0, 0, 0, 32, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 31, 0, 0, 0, 32, 0, 0, 0, 7, 0, 0, 0, 0, 0, 33, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 34, 35, 36, 35, 29, 0, 35, 37, 29, 38, 35, 35, 35, 39, 40, 35, 0, 41, 42, 35, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 17, 46, 47, 46, 30, 0, 48, 46, 29, 21, 49, 46, 46, 46, 23, 50, 0, 48, 25, 51, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 46, 0, 0, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 17, 0, 0, 0, 30, 0, 0, 0, 29, 0, 0, 0, 52, 52, 23, 0, 0, 0, 0, 0, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 17, 0, 0, 0, 30, 0, 0, 0, 29, 46, 0, 0, 0, 0, 23, 0, 0, 0, 0, 0, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 17, 46, 47, 46, 30, 0, 18, 46, 29, 21, 49, 46, 46, 46, 23, 50, 0, 48, 25, 51, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 34, 35, 36, 35, 29, 0, 35, 37, 29, 38, 35, 35, 35, 39, 29, 35, 0, 41, 42, 35, 29, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 17, 0, 0, 0, 30, 0, 0, 46, 29, 0, 18, 0, 0, 0, 23, 0, 0, 0, 0, 0, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 17, 0, 0, 0, 30, 0, 0, 46, 29, 0, 0, 0, 0, 0, 23, 0, 0, 0, 46, 0, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 34, 35, 36, 35, 53, 0, 35, 37, 29, 38, 35, 35, 35, 39, 40, 35, 0, 41, 42, 35, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 54, 0, 0, 0, 55, 0, 0, 0, 29, 0, 0, 0, 0, 0, 55, 0, 0, 0, 0, 0, 29, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 54, 0, 0, 0, 55, 0, 0, 0, 29, 0, 0, 0, 0, 0, 56, 0, 0, 0, 0, 0, 29, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 34, 35, 36, 35, 53, 0, 35, 37, 57, 38, 35, 35, 35, 39, 40, 35, 0, 41, 42, 35, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 34, 35, 36, 35, 29, 0, 35, 37, 57, 38, 35, 35, 35, 39, 29, 35, 0, 41, 42, 35, 26, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 19, 18, 7, 0, 18, 20, 29, 21, 18, 18, 18, 22, 23, 18, 0, 24, 25, 18, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 19, 18, 30, 0, 18, 20, 29, 21, 18, 18, 18, 22, 7, 18, 0, 24, 25, 18, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 17, 18, 19, 18, 30, 0, 18, 20, 29, 21, 18, 18, 18, 22, 7, 18, 0, 24, 25, 18, 7, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 58, 59, 60, 59, 57, 0, 59, 61, 57, 62, 59, 59, 59, 63, 64, 59, 0, 65, 66, 59, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 34, 70, 71, 70, 53, 0, 72, 70, 57, 38, 73, 70, 70, 70, 40, 74, 0, 72, 42, 75, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 70, 0, 0, 35, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 34, 0, 0, 0, 53, 0, 0, 0, 57, 0, 0, 0, 52, 52, 40, 0, 0, 0, 0, 0, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 34, 0, 0, 0, 53, 0, 0, 0, 57, 70, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 34, 70, 71, 70, 53, 0, 35, 70, 57, 38, 73, 70, 70, 70, 40, 74, 0, 72, 42, 75, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 58, 59, 60, 59, 57, 0, 59, 61, 57, 62, 59, 59, 59, 63, 57, 59, 0, 65, 66, 59, 57, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 34, 0, 0, 0, 53, 0, 0, 70, 57, 0, 35, 0, 0, 0, 40, 0, 0, 0, 0, 0, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 34, 0, 0, 0, 53, 0, 0, 70, 57, 0, 0, 0, 0, 0, 40, 0, 0, 0, 70, 0, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 58, 59, 60, 59, 76, 0, 59, 61, 57, 62, 59, 59, 59, 63, 64, 59, 0, 65, 66, 59, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 77, 0, 0, 0, 78, 0, 0, 0, 57, 0, 0, 0, 0, 0, 78, 0, 0, 0, 0, 0, 57, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 77, 0, 0, 0, 78, 0, 0, 0, 57, 0, 0, 0, 0, 0, 79, 0, 0, 0, 0, 0, 57, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 17, 0, 0, 0, 30, 0, 0, 0, 29, 0, 0, 0, 0, 0, 23, 0, 0, 0, 0, 0, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 46, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 17, 0, 0, 0, 30, 0, 0, 46, 29, 0, 0, 0, 0, 0, 23, 0, 0, 0, 0, 0, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 17, 0, 0, 0, 30, 0, 0, 46, 29, 0, 46, 0, 0, 0, 23, 0, 0, 0, 0, 0, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 17, 0, 0, 0, 30, 0, 0, 46, 29, 0, 0, 0, 0, 0, 23, 46, 0, 0, 0, 0, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 17, 0, 47, 0, 30, 0, 0, 46, 29, 0, 0, 0, 0, 0, 23, 0, 0, 0, 0, 46, 26, 0, 27, 0, 28, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 58, 59, 60, 59, 57, 0, 59, 61, 80, 62, 59, 59, 59, 63, 57, 59, 0, 65, 66, 59, 43, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 34, 35, 36, 35, 29, 0, 35, 37, 57, 38, 35, 35, 35, 39, 40, 35, 0, 41, 42, 35, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 34, 35, 36, 35, 53, 0, 35, 37, 57, 38, 35, 35, 35, 39, 29, 35, 0, 41, 42, 35, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 34, 35, 36, 35, 53, 0, 35, 37, 57, 38, 35, 35, 35, 39, 29, 35, 0, 41, 42, 35, 29, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 58, 59, 60, 59, 76, 0, 59, 61, 80, 62, 59, 59, 59, 63, 64, 59, 0, 65, 66, 59, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 0, 52, 81, 52, 80, 0, 52, 82, 80, 0, 52, 52, 52, 83, 0, 52, 0, 84, 0, 52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 58, 85, 86, 85, 76, 0, 87, 85, 80, 62, 88, 85, 85, 85, 64, 89, 0, 87, 66, 90, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 85, 0, 0, 59, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 58, 0, 0, 0, 76, 0, 0, 0, 80, 0, 0, 0, 52, 52, 64, 0, 0, 0, 0, 0, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 58, 0, 0, 0, 76, 0, 0, 0, 80, 85, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 58, 85, 86, 85, 76, 0, 59, 85, 80, 62, 88, 85, 85, 85, 64, 89, 0, 87, 66, 90, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 0, 52, 81, 52, 80, 0, 52, 82, 80, 0, 52, 52, 52, 83, 80, 52, 0, 84, 0, 52, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 58, 0, 0, 0, 76, 0, 0, 85, 80, 0, 59, 0, 0, 0, 64, 0, 0, 0, 0, 0, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 58, 0, 0, 0, 76, 0, 0, 85, 80, 0, 0, 0, 0, 0, 64, 0, 0, 0, 85, 0, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 0, 52, 81, 52, 0, 0, 52, 82, 80, 0, 52, 52, 52, 83, 0, 52, 0, 84, 0, 52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 91, 0, 0, 0, 92, 0, 0, 0, 80, 0, 0, 0, 0, 0, 92, 0, 0, 0, 0, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 91, 0, 0, 0, 92, 0, 0, 0, 80, 0, 0, 0, 0, 0, 93, 0, 0, 0, 0, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 34, 0, 0, 0, 53, 0, 0, 0, 57, 0, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 70, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 34, 0, 0, 0, 53, 0, 0, 70, 57, 0, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 34, 0, 0, 0, 53, 0, 0, 70, 57, 0, 70, 0, 0, 0, 40, 0, 0, 0, 0, 0, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 34, 0, 0, 0, 53, 0, 0, 70, 57, 0, 0, 0, 0, 0, 40, 70, 0, 0, 0, 0, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 34, 0, 71, 0, 53, 0, 0, 70, 57, 0, 0, 0, 0, 0, 40, 0, 0, 0, 0, 70, 43, 0, 44, 0, 45, 0, 0, 0, 0, 0, 0],
    [0, 0, 52, 81, 52, 80, 0, 52, 82, 0, 0, 52, 52, 52, 83, 80, 52, 0, 84, 0, 52, 67, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 58, 59, 60, 59, 57, 0, 59, 61, 80, 62, 59, 59, 59, 63, 64, 59, 0, 65, 66, 59, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 58, 59, 60, 59, 76, 0, 59, 61, 80, 62, 59, 59, 59, 63, 57, 59, 0, 65, 66, 59, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 58, 59, 60, 59, 76, 0, 59, 61, 80, 62, 59, 59, 59, 63, 57, 59, 0, 65, 66, 59, 57, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 0, 52, 81, 52, 0, 0, 52, 82, 0, 0, 52, 52, 52, 83, 0, 52, 0, 84, 0, 52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 52, 52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 58, 0, 0, 0, 76, 0, 0, 0, 80, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 85, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 58, 0, 0, 0, 76, 0, 0, 85, 80, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 58, 0, 0, 0, 76, 0, 0, 85, 80, 0, 85, 0, 0, 0, 64, 0, 0, 0, 0, 0, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 58, 0, 0, 0, 76, 0, 0, 85, 80, 0, 0, 0, 0, 0, 64, 85, 0, 0, 0, 0, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 58, 0, 86, 0, 76, 0, 0, 85, 80, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 85, 67, 0, 68, 0, 69, 0, 0, 0, 0, 0, 0],
    [0, 0, 52, 81, 52, 80, 0, 52, 82, 0, 0, 52, 52, 52, 83, 0, 52, 0, 84, 0, 52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 52, 81, 52, 0, 0, 52, 82, 0, 0, 52, 52, 52, 83, 80, 52, 0, 84, 0, 52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 52, 81, 52, 0, 0, 52, 82, 0, 0, 52, 52, 52, 83, 80, 52, 0, 84, 0, 52, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
];
/// Bit `s` is set where the word may end in state `s`.
static WORD_ENDS: u128 = 0x381df00baff00bafe5d644a4;
const WORD_STATES: usize = 94;
/// No way to a parse from here.
const WORD_DEAD: u8 = 0;
const WORD_START: u8 = 1;

/// Whether the automaton accepts `letters` (lower-case ASCII letters, apostrophes dropped):
/// when not, the parser finds no split. False for no letters.
#[inline]
fn may_parse(letters: &[u8]) -> bool {
    let mut state = WORD_START;
    for &letter in letters {
        state = word_step(state, letter);
        if state == WORD_DEAD {
            return false;
        }
    }
    word_may_end(state)
}

#[inline]
fn word_step(state: u8, letter: u8) -> u8 {
    WORD_STEPS
        .get(usize::from(state))
        .and_then(|row| row.get(usize::from(letter & 31)))
        .copied()
        .unwrap_or(WORD_DEAD)
}

#[inline]
fn word_may_end(state: u8) -> bool {
    WORD_ENDS >> state & 1 == 1
}

/// The number of a Latin syllable in [`latin_syllable`]: its initial's, vowel's and final's
/// places in their tables.
fn latin_syllable_index(ini: &Piece, vow: &Piece, fin: &Piece) -> u16 {
    (ini.index * L_VOWELS.len() as u16 + vow.index) * L_FINALS.len() as u16 + fin.index
}

/// The text and raw key (before the initial-sound rule) of Latin syllable number `index`
/// ([`latin_syllable_index`]): its initial, vowel and final spelt one after another, from one
/// string of every syllable the grammar can read, and their keys run together.
fn latin_syllable(index: u16) -> (&'static str, Key) {
    use std::sync::OnceLock;
    /// Every syllable's text, one after another, and per syllable where its text starts, its
    /// length and its raw key.
    type Syllables = (String, Vec<(u32, u8, Key)>);
    static ALL: OnceLock<Syllables> = OnceLock::new();
    let (all, at) = ALL.get_or_init(|| {
        let mut all = String::new();
        let mut at = Vec::new();
        for (ini, ini_key) in L_INITIALS {
            for (vow, vow_key) in L_VOWELS {
                for (fin, fin_key) in L_FINALS {
                    let from = all.len();
                    all.push_str(ini);
                    all.push_str(vow);
                    all.push_str(fin);
                    // At most 1 + 3 + 1 key letters: the key always fits.
                    let mut key = Key::default();
                    key.push(ini_key);
                    key.push(vow_key);
                    key.push(fin_key);
                    at.push((from as u32, (all.len() - from) as u8, key));
                }
            }
        }
        (all, at)
    });
    at.get(usize::from(index))
        .and_then(|&(from, len, key)| {
            Some((
                all.get(from as usize..from as usize + usize::from(len))?,
                key,
            ))
        })
        .unwrap_or(("", Key::default()))
}

/// Every word the Latin grammar spells as one syllable (its initials, vowels and finals
/// run together), each once: a closed vocabulary that name analysis makes once
/// (`name::latin_syllable_word`), since most words of a romanised Korean name are one syllable.
pub(crate) fn latin_syllable_words() -> Vec<&'static str> {
    let syllables = L_INITIALS.len() * L_VOWELS.len() * L_FINALS.len();
    let mut words: Vec<&'static str> = (0u16..)
        .take(syllables)
        .map(|index| latin_syllable(index).0)
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The syllable of a parse that Latin syllable number `index` ([`latin_syllable_index`]) is,
/// its key after the initial-sound rule.
fn parsed_syllable(index: u16) -> Syllable {
    let (text, raw) = latin_syllable(index);
    let (key, changed) = initial_rule(raw);
    Syllable {
        key,
        text,
        source: SylSource::Latin,
        initial_rule: changed,
    }
}

/// The number ([`latin_syllable_index`]) of the syllable that spells `letters` whole, if one
/// does: the first in the grammar's table order, as the parser would find it, of every
/// syllable of at most eight letters, looked up by its letters packed into an integer.
fn one_syllable_word(letters: &[u8]) -> Option<u16> {
    use std::sync::OnceLock;
    static BY_LETTERS: OnceLock<rustc_hash::FxHashMap<u64, u16>> = OnceLock::new();
    let packed = |text: &[u8]| {
        let mut eight = [0u8; 8];
        eight.get_mut(..text.len())?.copy_from_slice(text);
        Some(u64::from_le_bytes(eight))
    };
    let by_letters = BY_LETTERS.get_or_init(|| {
        let mut by_letters = rustc_hash::FxHashMap::default();
        // Syllable numbers run in the grammar's table order (initial, vowel, final).
        let syllables = L_INITIALS.len() * L_VOWELS.len() * L_FINALS.len();
        for index in (0u16..).take(syllables) {
            if let Some(text) = packed(latin_syllable(index).0.as_bytes()) {
                by_letters.entry(text).or_insert(index);
            }
        }
        by_letters
    });
    by_letters.get(&packed(letters)?).copied()
}

/// At most this many syllables per Latin token; longer words are not Korean names.
const MAX_TOKEN_SYLLABLES: usize = 4;
/// Longest Latin token read as Korean (four long syllables).
const MAX_TOKEN_BYTES: usize = 24;

/// A character of a romanised Korean word as the parser reads it: a lower-case ASCII letter
/// (breves and accents dropped), [`APOSTROPHE`], or [`NOT_KOREAN`] for a character no
/// romanisation of Korean writes.
#[inline]
const fn latin_letter(c: char) -> u8 {
    match c {
        'ŏ' | 'ő' | 'ò' | 'ó' | 'ô' => b'o',
        'ŭ' | 'ù' | 'ú' | 'û' => b'u',
        'é' | 'è' | 'ê' | 'ë' => b'e',
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´' => APOSTROPHE,
        'f' | 'q' | 'v' | 'x' | 'z' | 'F' | 'Q' | 'V' | 'X' | 'Z' => NOT_KOREAN,
        c if c.is_ascii_lowercase() => c as u8,
        c if c.is_ascii_uppercase() => c.to_ascii_lowercase() as u8,
        _ => NOT_KOREAN,
    }
}

const APOSTROPHE: u8 = b'\'';
const NOT_KOREAN: u8 = 0;

/// [`latin_letter`] of every ASCII character; every byte has an entry (none beyond ASCII's),
/// so that a byte is looked up unchecked.
static ASCII_LATIN_LETTERS: [u8; 256] = {
    let mut table = [NOT_KOREAN; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = latin_letter(b as u8 as char);
        b += 1;
    }
    table
};

/// Parses one lower-case Latin token (apostrophes and breves already removed or not: both are
/// accepted) into Korean syllables, or `None` when it cannot be read as romanised Korean.
///
/// Where the split is ambiguous, a consonant between two vowels starts the next syllable,
/// except `ng`, which ends the previous one (`jongun` → `jong·un`, `hana` → `ha·na`).
pub fn parse_latin(token: &str) -> Option<Vec<Syllable>> {
    let mut out = Vec::with_capacity(MAX_TOKEN_SYLLABLES);
    parse_latin_into(token, &mut out).then_some(out)
}

/// [`parse_latin`], appending the syllables to `out` (left as it was when the token cannot be
/// read as Korean): name analysis parses every Latin word of a name's forms into one buffer.
pub(crate) fn parse_latin_into(token: &str, out: &mut Vec<Syllable>) -> bool {
    // Zeros after the word, so that every position a syllable can reach has three letters
    // to pack (a syllable is at most 3 + 3 + 2 letters).
    let mut buf = [0u8; MAX_TOKEN_BYTES + 12];
    let mut n = 0usize;
    // `n'` (MR `Han'guk`, Hepburn `jon'un`) marks a syllable boundary after the n.
    let mut boundaries: u32 = 0;
    // Takes the next letter as `latin_letter` reads it; false when the word cannot be Korean.
    let mut take = |letter: u8| match letter {
        NOT_KOREAN => false,
        APOSTROPHE => {
            if n > 0 && buf.get(n - 1) == Some(&b'n') {
                boundaries |= 1 << n;
            }
            true
        }
        letter => match buf.get_mut(n).filter(|_| n < MAX_TOKEN_BYTES) {
            Some(slot) => {
                *slot = letter;
                n += 1;
                true
            }
            None => false,
        },
    };
    // Nearly every token is ASCII: its bytes are read through a table, not decoded, in a loop
    // of their own rather than one that asks at every letter which way to read it.
    let read = if token.is_ascii() {
        token.bytes().all(|byte| {
            take(
                ASCII_LATIN_LETTERS
                    .get(usize::from(byte))
                    .copied()
                    .unwrap_or(NOT_KOREAN),
            )
        })
    } else {
        token.chars().all(|c| take(latin_letter(c)))
    };
    if !read {
        return false;
    }
    let Some(b) = buf.get(..n) else {
        return false;
    };
    if !may_parse(b) {
        return false;
    }
    // A word the grammar reads as one syllable is its own best parse: one syllable costs
    // `SYLLABLE_COST`, two at least twice that, and no boundary is marked inside it.
    if boundaries == 0
        && let Some(index) = one_syllable_word(b)
    {
        out.push(parsed_syllable(index));
        return true;
    }
    // The letters at i, i + 1 and i + 2, packed as in `Piece`: one load, read where needed.
    let next3_at = |i: usize| {
        buf.get(i..i + 4)
            .and_then(|four| <[u8; 4]>::try_from(four).ok())
            .map_or(0, |four| u32::from_le_bytes(four) & 0x00ff_ffff)
    };
    let g = grammar();
    // The best parse of b[..i]: its cost (`NO_PARSE` for none), syllable count and the start
    // of its last syllable, and that syllable's raw key.
    const NO_PARSE: u32 = u32::MAX;
    // What a syllable adds to a parse's cost before the penalties for where it splits.
    const SYLLABLE_COST: u32 = 10;
    let mut best_cost = [NO_PARSE; MAX_TOKEN_BYTES + 1];
    // Counts and positions are at most `MAX_TOKEN_BYTES`: bytes keep the arrays small.
    let mut best_back = [(0u8, 0u8); MAX_TOKEN_BYTES + 1];
    let mut best_text = [0u16; MAX_TOKEN_BYTES + 1];
    best_cost[0] = 0;
    for start in 0..n {
        let (Some(&cost), Some(&(count, _))) = (best_cost.get(start), best_back.get(start)) else {
            continue;
        };
        let count = usize::from(count);
        if cost == NO_PARSE {
            continue;
        }
        if count >= MAX_TOKEN_SYLLABLES {
            continue;
        }
        // Every syllable costs at least `SYLLABLE_COST`: a parse through `start` cannot beat
        // the whole word's best so far (ties keep the first found), nor change the syllables
        // of the best parse, whose earlier syllables end where a cheaper parse does.
        if best_cost
            .get(n)
            .is_some_and(|&whole| cost + SYLLABLE_COST >= whole)
        {
            continue;
        }
        let after_syllable = count > 0;
        let after_n = after_syllable && start > 0 && b.get(start - 1) == Some(&b'n');
        let from_start = next3_at(start);
        for ini in g.initials.candidates(from_start) {
            if !ini.matches(from_start) {
                continue;
            }
            // What the initial adds to every syllable it starts, whatever its vowel and final.
            let mut ini_cost = cost + SYLLABLE_COST;
            if after_syllable {
                if ini.len == 0 {
                    ini_cost += 2;
                }
                // `rakkyom` reads as rak·kyom, not ra·kkyom.
                if ini.doubled {
                    ini_cost += 3;
                }
            }
            // `jongun` reads as jong·un, not jon·gun.
            if ini.starts_g && after_n {
                ini_cost += 4;
            }
            let after_ini = start + ini.len;
            let from_vowel = next3_at(after_ini);
            for vow in g.vowels.candidates(from_vowel) {
                if !vow.matches(from_vowel) {
                    continue;
                }
                let after_vow = after_ini + vow.len;
                let from_final = next3_at(after_vow);
                for fin in g.finals.candidates(from_final) {
                    if !fin.matches(from_final) {
                        continue;
                    }
                    let end = after_vow + fin.len;
                    // A marked boundary may not fall inside a syllable.
                    if boundaries != 0 && end > start + 1 {
                        let mask = ((1u64 << (end - start - 1)) - 1) << (start + 1);
                        if u64::from(boundaries) & mask != 0 {
                            continue;
                        }
                    }
                    let next_is_vowel = b.get(end).is_some_and(|c| {
                        matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'w' | b'y')
                    });
                    // Passport spellings write a silent letter at the end of a name word
                    // only (Park, Ahn, Oh, Kahm): inside a word it reads another language
                    // (`Mahmut` is no mah·mut or mahm·ut, `Ahmad` no ah·mad).
                    if fin.silent && end < n {
                        continue;
                    }
                    // A final consonant before a vowel is normally the next initial.
                    let mut cand = ini_cost;
                    if fin.len > 0 && next_is_vowel {
                        cand += if fin.ng || boundaries & (1 << end) != 0 {
                            1
                        } else {
                            6
                        };
                    }
                    if let Some(slot) = best_cost.get_mut(end)
                        && cand < *slot
                    {
                        *slot = cand;
                        // The syllable's text and key follow from its pieces: the walk below
                        // reads them for the syllables of the best parse only.
                        if let (Some(back), Some(t)) =
                            (best_back.get_mut(end), best_text.get_mut(end))
                        {
                            *t = latin_syllable_index(ini, vow, fin);
                            // Both below `MAX_TOKEN_BYTES`, which fits a byte.
                            *back = ((count + 1) as u8, start as u8);
                        }
                    }
                }
            }
        }
    }
    // Walk the back-pointers from the end.
    if best_cost.get(n).is_none_or(|&c| c == NO_PARSE) {
        return false;
    }
    let first = out.len();
    let mut end = n;
    while end > 0 {
        let (Some(&(_, s)), Some(&index)) = (best_back.get(end), best_text.get(end)) else {
            out.truncate(first);
            return false;
        };
        let s = usize::from(s);
        out.push(parsed_syllable(index));
        end = s;
    }
    if let Some(added) = out.get_mut(first..) {
        added.reverse();
    }
    true
}

/// Which romanisation system a Latin syllable's spelling follows for a Hangul syllable, for
/// explanations: `"Revised Romanization"`, `"McCune–Reischauer"`, `"DPRK spelling"` or
/// `"passport spelling"`.
pub fn system_of(hangul: char, latin: &str) -> &'static str {
    // Compared character by character against the tables: explaining a score names the system
    // of every syllable, and spelling each system out was a tenth of explaining.
    const PASSPORT: &str = "passport spelling";
    let Some((i, m, f)) = decompose(hangul) else {
        return PASSPORT;
    };
    let (Some(rr_initial), Some(rr_medial), Some(coda), Some(mr_initial), Some(mr_medial)) = (
        RR_INITIAL.get(i),
        RR_MEDIAL.get(m),
        RR_FINAL.get(f),
        MR_INITIAL.get(i),
        MR_MEDIAL.get(m),
    ) else {
        return PASSPORT;
    };
    let lowered;
    let l = if latin
        .bytes()
        .all(|b| !b.is_ascii_uppercase() && b.is_ascii())
    {
        latin
    } else {
        lowered = latin.to_lowercase();
        lowered.as_str()
    };
    let without_breves = |c: char| match c {
        'ŏ' => 'o',
        'ŭ' => 'u',
        c => c,
    };
    let plain = |s: &'static str| s.chars().filter(|&c| c != '\'').map(without_breves);
    let l_plain = || {
        l.chars()
            .filter(|&c| c != '\'' && c != '’')
            .map(without_breves)
    };
    let mr = || {
        mr_initial
            .chars()
            .chain(mr_medial.chars())
            .chain(coda.chars())
    };
    if l.chars().eq(rr_initial
        .chars()
        .chain(rr_medial.chars())
        .chain(coda.chars()))
    {
        return "Revised Romanization";
    }
    // Breves written as apostrophes (`chong'`).
    let apostrophes = mr().flat_map(|c| {
        let (letter, mark) = match c {
            'ŏ' => ('o', Some('\'')),
            'ŭ' => ('u', Some('\'')),
            c => (c, None),
        };
        std::iter::once(letter).chain(mark)
    });
    if l.chars().eq(mr())
        || l_plain().eq(plain(mr_initial).chain(plain(mr_medial)).chain(plain(coda)))
        || l.chars().eq(apostrophes)
    {
        return "McCune–Reischauer";
    }
    // The DPRK writes ㅈ j and ㅉ jj where McCune–Reischauer has ch and tch.
    let dprk_initial: &mut dyn Iterator<Item = char> = match i {
        12 => &mut "j".chars(),
        13 => &mut "jj".chars(),
        _ => &mut plain(mr_initial),
    };
    if l_plain().eq(dprk_initial.chain(plain(mr_medial)).chain(plain(coda))) {
        return "DPRK spelling";
    }
    PASSPORT
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    /// [`is_surname_key`] against the search of the table of keys it replaced, for the key of
    /// every Hangul syllable and of every syllable of parsed Latin words.
    #[test]
    fn regression_surname_key_lookup_is_the_table_search() {
        let old = |key: &Key| surname_keys().binary_search(key).is_ok();
        let mut keys: Vec<Key> = ('\u{AC00}'..='\u{D7A3}')
            .filter_map(hangul_syllable)
            .map(|s| s.key)
            .collect();
        for w in [
            "kim", "ri", "lee", "yi", "park", "pak", "choe", "choi", "jung", "jeong", "chong", "o",
            "oh", "namgung", "hwangbo", "kin", "kem", "jan", "han", "yun", "ryu", "yu",
        ] {
            keys.extend(
                parse_latin(w)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| s.key),
            );
        }
        let mut hits = 0;
        for k in &keys {
            assert_eq!(is_surname_key(k), old(k), "{k:?}");
            hits += usize::from(old(k));
        }
        assert!(hits > 50, "{hits}");
    }

    /// A syllable's text from the string of every Hangul syllable is the character itself.
    #[test]
    fn regression_hangul_syllable_text_is_its_character() {
        for c in '\u{AC00}'..='\u{D7A3}' {
            assert_eq!(
                hangul_syllable(c).map(|s| s.text),
                Some(c.to_string().as_str())
            );
        }
        assert_eq!(hangul_text('\u{D7A4}'), None);
        assert_eq!(hangul_text('a'), None);
    }

    /// The syllables' texts of a parsed word, one after another, are the word's letters as
    /// the parser reads them (breves, accents and apostrophes dropped).
    #[test]
    fn regression_latin_syllable_texts_spell_the_word() {
        for (word, letters) in [
            ("kimjongun", "kimjongun"),
            ("Ch'oe", "choe"),
            ("Chŏng", "chong"),
            ("Han'guk", "hanguk"),
            ("tchaengyeoul", "tchaengyeoul"),
            ("ryu", "ryu"),
        ] {
            let texts: String = parse_latin(word)
                .unwrap_or_default()
                .iter()
                .map(|s| s.text)
                .collect();
            assert_eq!(texts, letters, "{word}");
        }
    }

    proptest::proptest! {
        /// [`Key::kana_folded`] as first written (byte by byte, no test for keys with nothing
        /// to fold), for keys of the letters it folds and others, any length.
        #[test]
        fn kana_folded_as_first_written(
            letters in proptest::collection::vec(
                proptest::sample::select(b"AEQNOY".to_vec()),
                0..=7,
            ),
        ) {
            let bits = letters
                .iter()
                .enumerate()
                .fold(0u64, |p, (i, &c)| p | u64::from(c) << (8 * i));
            let key = Key::from_bits(bits, letters.len() as u32);
            let mut first = Key::default();
            let b = key.as_bytes();
            let mut i = 0;
            while let Some(&c) = b.get(i) {
                let next = b.get(i + 1).copied();
                if c == b'A' && next == Some(b'E') {
                    first.push("E");
                    i += 2;
                    continue;
                }
                first.push(if c == b'Q' && next.is_none() { "N" } else { std::str::from_utf8(std::slice::from_ref(&c)).unwrap_or("") });
                i += 1;
            }
            proptest::prop_assert_eq!(key.kana_folded(), first);
        }

        /// [`is_surname_key`] against the table search it replaced, for keys of any letters.
        #[test]
        fn surname_key_lookup_is_the_table_search_for_any_key(
            letters in proptest::collection::vec(b'A'..=b'Z', 0..=7),
        ) {
            let bits = letters
                .iter()
                .enumerate()
                .fold(0u64, |p, (i, &c)| p | u64::from(c) << (8 * i));
            let key = Key::from_bits(bits, letters.len() as u32);
            proptest::prop_assert_eq!(
                is_surname_key(&key),
                surname_keys().binary_search(&key).is_ok()
            );
        }
    }

    fn keys(s: &str) -> Vec<String> {
        parse_latin(s)
            .unwrap_or_default()
            .iter()
            .map(|s| s.key.to_string())
            .collect()
    }

    fn hk(s: &str) -> Vec<String> {
        hangul_keys(s).iter().map(|s| s.key.to_string()).collect()
    }

    #[test]
    fn romanisations_share_keys() {
        for (h, latins) in [
            ("김", &["kim", "gim", "ghim"][..]),
            (
                "정",
                &[
                    "jong", "jeong", "chong", "chŏng", "cho'ng", "jung", "chung", "cheong",
                ],
            ),
            ("은", &["un", "eun", "ŭn", "u'n"]),
            ("이", &["ri", "lee", "yi", "rhee", "i", "li"]),
            ("리", &["ri", "lee", "yi"]),
            ("박", &["pak", "park", "bak"]),
            ("최", &["choe", "choi", "chwe"]),
            ("룡", &["ryong", "yong", "lyong"]),
            ("류", &["ryu", "yu", "yoo", "you", "lyu"]),
            ("노", &["no", "noh", "roh", "ro"]),
            ("안", &["an", "ahn"]),
            ("철", &["chol", "ch'ol", "cheol", "ch'ŏl"]),
            ("우", &["u", "woo", "wu"]),
            ("권", &["kwon", "gwon", "kwŏn"]),
        ] {
            let want = hk(h);
            for l in latins {
                assert_eq!(keys(l), want, "{h} vs {l}");
            }
        }
    }

    #[test]
    fn given_names_split_into_syllables() {
        assert_eq!(keys("jongun"), ["JOQ", "ON"]);
        assert_eq!(keys("hana"), ["HA", "NA"]);
        assert_eq!(keys("ryonghae"), ["YOQ", "HAE"]);
        assert_eq!(hk("최룡해"), ["JWE", "YOQ", "HAE"]);
    }

    #[test]
    fn near_misses_keep_distinct_keys() {
        assert_ne!(keys("un"), keys("il"));
        assert_ne!(keys("jong"), keys("yo"));
        assert_ne!(hk("은"), hk("일"));
    }

    #[test]
    fn non_korean_words_do_not_parse() {
        for w in ["smith", "sunny", "xavier", "mohammed123"] {
            assert!(parse_latin(w).is_none(), "{w}");
        }
    }

    #[test]
    fn regression_silent_letters_end_a_word() {
        // Passport spellings' silent letters close a word; inside one they read another
        // language, whose words then keep their ordinary typo tolerance.
        for w in ["park", "ahn", "oh", "sohn", "hur", "kahm"] {
            assert!(parse_latin(w).is_some_and(|s| s.len() == 1), "{w}");
        }
        for w in ["mahmut", "mahmit", "ahmad", "rahman", "farhad", "ohne"] {
            assert!(parse_latin(w).is_none(), "{w}");
        }
    }

    #[test]
    fn slipped_surnames() {
        let key = |w: &str| parse_latin(w).unwrap()[0].key;
        for w in ["kin", "kem", "jan", "pek"] {
            assert!(is_slipped_surname_key(&key(w)), "{w}");
        }
        // Real surnames and slips of short surnames (`so` / `son`, `ti` / `ji`) are not.
        for w in ["kim", "son", "so", "rim", "ri", "ti", "u", "hwang"] {
            assert!(!is_slipped_surname_key(&key(w)), "{w}");
        }
        assert!(one_letter_apart(&key("kin"), &key("kim")));
        assert!(!one_letter_apart(&key("so"), &key("son")));
    }

    #[test]
    fn regression_f_is_no_korean_letter() {
        // No romanisation of Korean writes f (ㅍ is p or ph): pinyin `Fu`, Hepburn `fuifui`
        // (フイフイ) and `Fatima` are not Korean words, and a name holding one is compared
        // word by word instead of by Korean syllables.
        for w in ["fu", "fuifui", "fatima", "Fei", "hafiz"] {
            assert!(parse_latin(w).is_none(), "{w}");
        }
        assert!(parse_latin("pu").is_some());
    }

    #[test]
    fn surnames() {
        assert_eq!(split_hangul_name("김정은"), ("김", "정은"));
        assert_eq!(split_hangul_name("남궁민수"), ("남궁", "민수"));
        assert_eq!(split_hangul_name("황보석"), ("황보", "석"));
        assert!(is_hangul_surname("리"));
        assert!(is_hangul_surname("렴"));
        for s in ["kim", "lee", "ri", "park", "choe", "jung", "ryu", "o", "oh"] {
            let p = parse_latin(s).unwrap();
            assert!(is_surname_key(&p[0].key), "{s}");
        }
        assert!(compound_surname_keys(&parse_latin("namgung").unwrap()));
    }

    #[test]
    fn one_syllable_words_are_read_whole() {
        for w in ["a", "kim", "chol", "hyeong", "tchyeong"] {
            let index = one_syllable_word(w.as_bytes());
            assert_eq!(index.map(|i| latin_syllable(i).0), Some(w), "{w}");
        }
        for w in ["", "hana", "jongun", "mohammed", "tchyeongs"] {
            assert_eq!(one_syllable_word(w.as_bytes()), None, "{w}");
        }
    }

    /// The syllable parser written plainly: every grammar entry tried at every position with
    /// `starts_with`, in table order. The real parser must agree with it on every input.
    fn reference_parse(token: &str) -> Option<Vec<(String, String)>> {
        let mut b: Vec<u8> = Vec::new();
        let mut boundaries = 0u32;
        for c in token.chars() {
            let mapped = match latin_letter(c) {
                NOT_KOREAN => return None,
                APOSTROPHE => {
                    if b.last() == Some(&b'n') {
                        boundaries |= 1 << b.len();
                    }
                    continue;
                }
                letter => letter,
            };
            if b.len() == MAX_TOKEN_BYTES {
                return None;
            }
            b.push(mapped);
        }
        let n = b.len();
        if n == 0 {
            return None;
        }
        let mut best: Vec<Option<(u32, usize, usize, String)>> = vec![None; n + 1];
        best[0] = Some((0, 0, 0, String::new()));
        for start in 0..n {
            let Some((cost, count, last_start, _)) = best[start].clone() else {
                continue;
            };
            if count >= MAX_TOKEN_SYLLABLES {
                continue;
            }
            let prev_final = (count > 0).then(|| (b[start - 1], start - last_start));
            for (ini, ik) in L_INITIALS {
                if !b[start..].starts_with(ini.as_bytes()) {
                    continue;
                }
                let after_ini = start + ini.len();
                for (vow, vk) in L_VOWELS {
                    if !b[after_ini..].starts_with(vow.as_bytes()) {
                        continue;
                    }
                    let after_vow = after_ini + vow.len();
                    for (fin, fk) in L_FINALS {
                        if !b[after_vow..].starts_with(fin.as_bytes()) {
                            continue;
                        }
                        let end = after_vow + fin.len();
                        if (start + 1..end).any(|i| boundaries & (1 << i) != 0) {
                            continue;
                        }
                        let next_is_vowel = b.get(end).is_some_and(|c| b"aeiouwy".contains(c));
                        let mut c = 10;
                        if !fin.is_empty() && next_is_vowel {
                            c += if *fin == "ng" || boundaries & (1 << end) != 0 {
                                1
                            } else {
                                6
                            };
                        }
                        if matches!(*fin, "r" | "h" | "hn" | "hm") && end < n {
                            continue;
                        }
                        if ini.is_empty() && prev_final.is_some() {
                            c += 2;
                        }
                        if ini.len() == 2 && ini[..1] == ini[1..] && prev_final.is_some() {
                            c += 3;
                        }
                        if ini.starts_with('g') && prev_final.is_some_and(|(l, _)| l == b'n') {
                            c += 4;
                        }
                        let cand = cost + c;
                        if best[end].as_ref().is_none_or(|(bc, ..)| cand < *bc) {
                            best[end] = Some((cand, count + 1, start, format!("{ik}{vk}{fk}")));
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        let mut end = n;
        while end > 0 {
            let (_, _, s, raw) = best[end].clone()?;
            let text = String::from_utf8(b[s..end].to_vec()).ok()?;
            let mut key = Key::default();
            key.push(&raw);
            out.push((initial_rule(key).0.to_string(), text));
            end = s;
        }
        out.reverse();
        Some(out)
    }

    /// Whether [`may_parse`] turns `token` away, read letter by letter as the parser reads it.
    fn automaton_rejects(token: &str) -> bool {
        let mut letters = Vec::new();
        for c in token.chars() {
            match latin_letter(c) {
                NOT_KOREAN => return false,
                APOSTROPHE => {}
                letter => letters.push(letter),
            }
        }
        !may_parse(&letters)
    }

    /// The minimal automaton of the syllable grammar, states numbered in the order a
    /// breadth-first walk from the start meets them (letters in order), the dead state 0:
    /// `(steps, ends)` as [`WORD_STEPS`] and [`WORD_ENDS`] hold them.
    fn word_automaton() -> (Vec<[u8; 32]>, u128) {
        use std::collections::{BTreeSet, HashMap};
        let tables = [L_INITIALS, L_VOWELS, L_FINALS];
        // (syllables before, table, entry, letters of the entry read).
        type Item = (usize, usize, usize, usize);
        let text = |t: usize, e: usize| tables[t][e].0;
        let close = |items: Vec<Item>| -> Vec<Item> {
            let mut set: BTreeSet<Item> = items.iter().copied().collect();
            let mut todo = items;
            while let Some((before, t, e, read)) = todo.pop() {
                if read < text(t, e).len() {
                    continue;
                }
                let next: Vec<Item> = match t {
                    0 | 1 => (0..tables[t + 1].len())
                        .map(|q| (before, t + 1, q, 0))
                        .collect(),
                    _ if !Piece::new(text(t, e), 0).silent && before + 1 < MAX_TOKEN_SYLLABLES => {
                        (0..L_INITIALS.len())
                            .map(|q| (before + 1, 0, q, 0))
                            .collect()
                    }
                    _ => Vec::new(),
                };
                for item in next {
                    if set.insert(item) {
                        todo.push(item);
                    }
                }
            }
            set.into_iter().collect()
        };
        let ends = |set: &[Item]| {
            set.iter()
                .any(|&(_, t, e, read)| t == 2 && read == text(t, e).len())
        };
        // The subset construction.
        let start = close((0..L_INITIALS.len()).map(|q| (0, 0, q, 0)).collect());
        let mut sets: Vec<Vec<Item>> = vec![Vec::new(), start.clone()];
        let mut ids: HashMap<Vec<Item>, usize> = HashMap::from([(Vec::new(), 0), (start, 1)]);
        let mut steps: Vec<[usize; 32]> = Vec::new();
        let mut at = 0;
        while at < sets.len() {
            let mut row = [0usize; 32];
            for letter in b'a'..=b'z' {
                let moved: Vec<Item> = sets[at]
                    .iter()
                    .filter(|&&(_, t, e, read)| text(t, e).as_bytes().get(read) == Some(&letter))
                    .map(|&(before, t, e, read)| (before, t, e, read + 1))
                    .collect();
                let to = close(moved);
                let n = ids.len();
                let id = *ids.entry(to.clone()).or_insert(n);
                if id == n {
                    sets.push(to);
                }
                row[usize::from(letter & 31)] = id;
            }
            steps.push(row);
            at += 1;
        }
        // Moore's minimisation: split classes by their successors' classes until stable.
        let mut class: Vec<usize> = sets.iter().map(|s| usize::from(ends(s))).collect();
        loop {
            let mut by_signature: HashMap<(usize, Vec<usize>), usize> = HashMap::new();
            let refined: Vec<usize> = (0..sets.len())
                .map(|s| {
                    let signature = (class[s], steps[s].iter().map(|&t| class[t]).collect());
                    let n = by_signature.len();
                    *by_signature.entry(signature).or_insert(n)
                })
                .collect();
            let stable = by_signature.len() == class.iter().collect::<BTreeSet<_>>().len();
            class = refined;
            if stable {
                break;
            }
        }
        // Renumbered breadth first from the start, the dead class first.
        let mut number: HashMap<usize, u8> = HashMap::from([(class[0], WORD_DEAD)]);
        let mut order = vec![0usize];
        let mut at = 0;
        number.insert(class[1], WORD_START);
        order.push(1);
        while at < order.len() {
            for letter in b'a'..=b'z' {
                let to = steps[order[at]][usize::from(letter & 31)];
                if let std::collections::hash_map::Entry::Vacant(slot) = number.entry(class[to]) {
                    slot.insert(order.len() as u8);
                    order.push(to);
                }
            }
            at += 1;
        }
        let rows = order
            .iter()
            .map(|&s| {
                let mut row = [WORD_DEAD; 32];
                for letter in b'a'..=b'z' {
                    let slot = usize::from(letter & 31);
                    row[slot] = number[&class[steps[s][slot]]];
                }
                row
            })
            .collect();
        let ends = order.iter().enumerate().fold(0u128, |bits, (i, &s)| {
            bits | u128::from(ends(&sets[s])) << i
        });
        (rows, ends)
    }

    /// [`WORD_STEPS`] and [`WORD_ENDS`] are the grammar's automaton.
    #[test]
    fn word_automaton_of_the_grammar() {
        let (steps, ends) = word_automaton();
        if steps != WORD_STEPS || ends != WORD_ENDS {
            let mut table = String::new();
            for row in &steps {
                table.push_str(&format!("    {row:?},\n"));
            }
            panic!(
                "the syllable grammar changed: {} states\n#[rustfmt::skip]
static WORD_STEPS: [[u8; 32]; WORD_STATES] = [\n{table}];\nstatic WORD_ENDS: u128 = {ends:#x};",
                steps.len()
            );
        }
    }

    /// The automaton's rejection is exact: a word it turns away has no parse by the plain
    /// grammar, a word without an apostrophe it lets through has one, and the parser with it
    /// answers as the plain grammar does. Checked on every
    /// word of up to four letters a romanisation can write, which is every path of up to
    /// four steps through the automaton.
    #[test]
    fn regression_rejected_short_words_have_no_parse() {
        let letters = b"abcdeghijklmnoprstuwy'";
        let mut words = vec![String::new()];
        let (mut rejected, mut total) = (0, 0);
        for _ in 0..4 {
            let longer: Vec<String> = words
                .iter()
                .flat_map(|w| {
                    letters
                        .iter()
                        .map(move |&l| format!("{w}{}", char::from(l)))
                })
                .collect();
            for w in &longer {
                let plain = reference_parse(w);
                if automaton_rejects(w) {
                    assert_eq!(plain, None, "{w}");
                    rejected += 1;
                } else if !w.contains('\'') {
                    // Without a marked boundary the automaton is the grammar: what it lets
                    // through parses.
                    assert!(plain.is_some(), "{w}");
                }
                assert_eq!(parsed(w), plain, "{w}");
                total += 1;
            }
            words = longer;
        }
        // Most short letter strings are no Korean word: the automaton must see that.
        assert!(rejected * 2 > total, "{rejected} of {total}");
        assert!(!may_parse(b""));
    }

    /// The same on every word of the dev pairs' names, Latin and converted.
    #[test]
    fn regression_rejected_dev_pair_words_have_no_parse() {
        let pairs = include_str!("../../cordon-match/tests/data/pairs.csv");
        let mut rejected = 0;
        let mut seen = std::collections::HashSet::new();
        for line in pairs.lines().skip(1) {
            let names = line.split(',').skip(2).take(2);
            for word in names.flat_map(|n| n.split(|c: char| c.is_whitespace() || c == '-')) {
                let word = word.to_lowercase();
                if !seen.insert(word.clone()) {
                    continue;
                }
                let plain = reference_parse(&word);
                if automaton_rejects(&word) {
                    assert_eq!(plain, None, "{word}");
                    rejected += 1;
                }
                assert_eq!(parsed(&word), plain, "{word}");
            }
        }
        assert!(rejected > 0);
    }

    fn parsed(token: &str) -> Option<Vec<(String, String)>> {
        parse_latin(token).map(|v| {
            v.iter()
                .map(|s| (s.key.to_string(), s.text.to_string()))
                .collect()
        })
    }

    proptest::proptest! {
        #[test]
        fn parser_agrees_with_the_plain_grammar(
            token in proptest::prop_oneof![
                "[a-z]{1,26}",
                "[aeiouwyngkjchrlsmdtbp'’]{1,14}",
                "(kim|jong|un|ri|yong|ho|choe|ryong|hae|park|lee|ahn|oh|sun|nam|kang|han'guk)+",
                "[a-zA-Z'`’ŏŭé]{1,16}",
                "\\PC{0,12}",
            ]
        ) {
            proptest::prop_assert_eq!(parsed(&token), reference_parse(&token));
            if let Some(syllables) = parse_latin(&token) {
                let keys: String = syllables.iter().map(|s| s.key.as_str()).collect();
                proptest::prop_assert_eq!(joined_keys(&syllables).to_string(), keys);
            }
        }

        /// Words of the grammar's own pieces, with stray letters and apostrophes between
        /// them: the automaton's rejection never turns away a word the plain grammar parses.
        #[test]
        fn automaton_rejects_only_what_has_no_parse(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(
                        L_INITIALS
                            .iter()
                            .chain(L_VOWELS)
                            .chain(L_FINALS)
                            .map(|&(text, _)| text)
                            .collect::<Vec<_>>()
                    ).prop_map(str::to_owned),
                    "[a-z'’ŏŭ]",
                ],
                1..12,
            )
        ) {
            let word: String = pieces.concat();
            let plain = reference_parse(&word);
            if automaton_rejects(&word) {
                proptest::prop_assert_eq!(&plain, &None);
            }
            proptest::prop_assert_eq!(parsed(&word), plain);
        }

        #[test]
        fn joined_keys_of_hangul_words(word in "[가-힣]{0,12}") {
            let syllables = hangul_keys(&word);
            let keys: String = syllables.iter().map(|s| s.key.as_str()).collect();
            proptest::prop_assert_eq!(joined_keys(&syllables).to_string(), keys);
        }
    }

    #[test]
    fn systems() {
        assert_eq!(rr('정').unwrap(), "jeong");
        assert_eq!(mr('정').unwrap(), "chŏng");
        assert_eq!(dprk('정').unwrap(), "jong");
        assert_eq!(system_of('정', "jeong"), "Revised Romanization");
        assert_eq!(system_of('정', "chŏng"), "McCune–Reischauer");
        assert_eq!(system_of('정', "chong'"), "McCune–Reischauer");
        assert_eq!(system_of('정', "JEONG"), "Revised Romanization");
        assert_eq!(system_of('정', "chong"), "McCune–Reischauer");
        assert_eq!(system_of('정', "jong"), "DPRK spelling");
        assert_eq!(system_of('정', "jung"), "passport spelling");
    }

    /// [`system_of`] as first written, spelling each system out.
    fn system_of_by_strings(hangul: char, latin: &str) -> &'static str {
        let l = latin.to_lowercase();
        let plain: String = l
            .chars()
            .filter(|&c| c != '\'' && c != '’')
            .map(|c| match c {
                'ŏ' => 'o',
                'ŭ' => 'u',
                c => c,
            })
            .collect();
        if rr(hangul).is_some_and(|r| r == l) {
            return "Revised Romanization";
        }
        if let Some(m) = mr(hangul) {
            let m_plain: String = m
                .chars()
                .filter(|&c| c != '\'')
                .map(|c| match c {
                    'ŏ' => 'o',
                    'ŭ' => 'u',
                    c => c,
                })
                .collect();
            if m == l || m_plain == plain || m.replace('ŏ', "o'").replace('ŭ', "u'") == l {
                return "McCune–Reischauer";
            }
        }
        if dprk(hangul).is_some_and(|d| d == plain) {
            return "DPRK spelling";
        }
        "passport spelling"
    }

    #[test]
    fn system_of_agrees_with_the_spelled_out_systems_on_every_syllable() {
        for h in '가'..='힣' {
            let mut spellings = vec![String::new(), "JUNG".to_owned(), "x’".to_owned()];
            for s in [rr(h), mr(h), dprk(h)].into_iter().flatten() {
                spellings.push(s.replace('ŏ', "o'").replace('ŭ', "u'"));
                spellings.push(s.replace('\'', "’"));
                spellings.push(s.to_uppercase());
                spellings.push(format!("{s}h"));
                spellings.push(s.chars().skip(1).collect());
                spellings.push(s);
            }
            for latin in &spellings {
                assert_eq!(
                    system_of(h, latin),
                    system_of_by_strings(h, latin),
                    "{h} {latin:?}"
                );
            }
        }
        assert_eq!(system_of('a', "a"), system_of_by_strings('a', "a"));
    }
}
