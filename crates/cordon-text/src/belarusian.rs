//! Russian-written names read the way Belarusian names are romanised.
//!
//! The EU's Belarus regime (Council Regulation (EC) No 765/2006) lists a person under the
//! Russian spelling of the name and a Latin spelling made from the Belarusian one:
//! `Олег Леонидович СЛИЖЕВСКИЙ` is `Aleh Leanidavich SLIZHEUSKI` (Belarusian Алег
//! Леанідавіч Слiжэўскi). No letter-for-letter system turns the one into the other: the
//! languages differ in sounds, not only in letters. [`latin_reading`] rebuilds the
//! Belarusian reading:
//!
//! - given names (and the patronymics made from them) through a glossary of their Belarusian
//!   forms ([`GIVEN_NAMES`]): `Николай` → `Mikalai`, `Сергеевич` → `Siarheevich`;
//! - other words through the regular correspondences: г is h (`Гомель` → `Homel`), в after a
//!   vowel and before a consonant or the end is ў, romanised u (`Иванов` → `Ivanou`,
//!   `-вский` → `-uski`), the hard ж ш ч р ц take ы where Russian writes и (`Шишкин` →
//!   `Shyshkin`), д and т soften to дз and ц before е ё и ю я ь (`Тертель` → `Tsertsel`), and
//!   the unstressed о of the patronymic suffixes and of the surname ending -енко is а
//!   (akanne: `-ович` → `-avich`, `-овна` → `-auna`, `Лукашенко` → `Lukashenka`).
//!
//! The reading is written in either of two Latin alphabets ([`Alphabet`]): the letters
//! Belarusian passports and the EU annex use (BGN/PCGN 1979 for Belarusian, diacritics
//! dropped, ў as u: х kh, ц ts, ч ch, ш sh, ж zh, я ia, ю iu, е e), or the Belarusian national
//! Latin alphabet of the 2007 official romanisation, which other list spellings follow
//! (`Dzmitry Yaŭhienavič ŠAŬCOŬ`: ц c, ч č, ш š, ж ž, х ch, й j, е je/ie, ў ŭ), its
//! diacritics dropped as a cleaned Latin name drops them.
//!
//! ```
//! use cordon_text::belarusian::latin_reading;
//! assert_eq!(
//!     latin_reading("Олег Леонидович СЛИЖЕВСКИЙ").as_deref(),
//!     Some("aleh leanidavich slizheuski")
//! );
//! ```

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::translit::{self, Spaces, Spelling};

/// Russian given names (lower case) and the romanised Belarusian form of the same name, as
/// Belarusian orthography spells it (Аляксандр, Мікалай, Сяргей, Уладзімір, Ірына, Вольга…),
/// in passport letters and in the national alphabet (diacritics dropped). Patronymics are
/// made from the Russian stem ([`push_patronymic`]).
pub(crate) const GIVEN_NAMES: &[(&str, &str, &str)] = &[
    ("александр", "aliaksandr", "aliaksandr"),
    ("алексей", "aliaksei", "aliaksiej"),
    ("анатолий", "anatol", "anatol"),
    ("андрей", "andrei", "andrej"),
    ("антон", "anton", "anton"),
    ("аркадий", "arkadz", "arkadz"),
    ("артём", "artsiom", "arciom"),
    ("артем", "artsiom", "arciom"),
    ("борис", "barys", "barys"),
    ("вадим", "vadzim", "vadzim"),
    ("валентин", "valiantsin", "valiancin"),
    ("валерий", "valery", "valieryj"),
    ("василий", "vasil", "vasil"),
    ("виктор", "viktar", "viktar"),
    ("виталий", "vital", "vital"),
    ("владимир", "uladzimir", "uladzimir"),
    ("владислав", "uladzislau", "uladzislau"),
    ("вячеслав", "viachaslau", "viacaslau"),
    ("геннадий", "hienadz", "hienadz"),
    ("георгий", "heorhi", "hieorhij"),
    ("григорий", "ryhor", "ryhor"),
    ("денис", "dzianis", "dzianis"),
    ("дмитрий", "dzmitry", "dzmitryj"),
    ("евгений", "yauhen", "jauhien"),
    ("иван", "ivan", "ivan"),
    ("игорь", "ihar", "ihar"),
    ("илья", "illia", "ilja"),
    ("иосиф", "iosif", "iosif"),
    ("кирилл", "kiryl", "kiryl"),
    ("константин", "kanstantsin", "kanstancin"),
    ("леонид", "leanid", "lieanid"),
    ("максим", "maksim", "maksim"),
    ("михаил", "mikhail", "michail"),
    ("николай", "mikalai", "mikalaj"),
    ("олег", "aleh", "alieh"),
    ("павел", "pavel", "paviel"),
    ("пётр", "piotr", "piotr"),
    ("петр", "piotr", "piotr"),
    ("роман", "raman", "raman"),
    ("сергей", "siarhei", "siarhiej"),
    ("семён", "siamion", "siamion"),
    ("семен", "siamion", "siamion"),
    ("станислав", "stanislau", "stanislau"),
    ("степан", "stsiapan", "sciapan"),
    ("тимофей", "tsimafei", "cimafiej"),
    ("фёдор", "fiodar", "fiodar"),
    ("федор", "fiodar", "fiodar"),
    ("юрий", "yury", "juryj"),
    ("яков", "yakau", "jakau"),
    // Women's names.
    ("алла", "ala", "ala"),
    ("анна", "hanna", "hanna"),
    ("валентина", "valiantsina", "valiancina"),
    ("вера", "vera", "viera"),
    ("виктория", "viktoryia", "viktoryja"),
    ("галина", "halina", "halina"),
    ("екатерина", "katsiaryna", "kaciaryna"),
    ("елена", "alena", "aliena"),
    ("ирина", "iryna", "iryna"),
    ("лариса", "larysa", "larysa"),
    ("лидия", "lidzia", "lidzija"),
    ("людмила", "liudmila", "liudmila"),
    ("марина", "maryna", "maryna"),
    ("мария", "maryia", "maryja"),
    ("надежда", "nadzeya", "nadzieja"),
    ("наталья", "natallia", "natallia"),
    ("наталия", "natallia", "natallia"),
    ("нина", "nina", "nina"),
    ("ольга", "volha", "volha"),
    ("светлана", "sviatlana", "sviatlana"),
    ("татьяна", "tatsiana", "tacciana"),
    ("юлия", "yulia", "julija"),
];

/// Russian patronymic suffixes and their Belarusian romanisation in passport letters and in
/// the national alphabet, longest first: the unstressed о of `-ович`/`-овна` is а (akanne),
/// в before a consonant is ў (u). The Russian suffix is letters, matched against a word's
/// letters as they are (counting and decoding a `&str` suffix for every word was an eighth of
/// the readings' cost).
const PATRONYMIC_SUFFIXES: &[(&[char], &str, &str)] = &[
    (&['ь', 'е', 'в', 'и', 'ч'], "evich", "jevic"),
    (&['ь', 'е', 'в', 'н', 'а'], "euna", "jeuna"),
    (&['о', 'в', 'и', 'ч'], "avich", "avic"),
    (&['е', 'в', 'и', 'ч'], "evich", "ievic"),
    (&['о', 'в', 'н', 'а'], "auna", "auna"),
    (&['е', 'в', 'н', 'а'], "euna", "ieuna"),
];

/// The Latin letters a Belarusian reading is written in (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// Passports' and the EU annex's letters: х kh, ц ts, ч ch, ш sh, ж zh, й i.
    Passport,
    /// The national Latin alphabet (2007), diacritics dropped: х ch, ц c, ч c, ш s, ж z, й j.
    National,
}

/// The Belarusian reading of a Russian-written name in passport letters, lower-case ASCII, or
/// `None` when the text is not Russian Cyrillic (Belarusian or Ukrainian letters: the national
/// system reads those already) or has no Cyrillic letter.
pub fn latin_reading(s: &str) -> Option<String> {
    readings_of_lowered(&translit::lowered_cyrillic(s)).map(|[passport, _]| passport.text)
}

/// [`latin_reading`] in the national Latin alphabet.
pub fn national_latin_reading(s: &str) -> Option<String> {
    readings_of_lowered(&translit::lowered_cyrillic(s)).map(|[_, national]| national.text)
}

/// [`latin_reading`] and [`national_latin_reading`] of text already lowered by
/// [`translit::lowered_cyrillic`] (the name's transliterations lowered it first), in one pass:
/// the words and their glossary look-ups are the same for both alphabets. Each reading is
/// plain words ([`Spelling`]): its words are lower-case ASCII letters and digits, between
/// single spaces.
pub(crate) fn readings_of_lowered(lowered: &[char]) -> Option<[Spelling; 2]> {
    // About the bytes of the Cyrillic text (two per letter) and half as many again.
    let mut outs = [(); 2].map(|_| String::with_capacity(3 * lowered.len()));
    let mut spaces = [Spaces::default(); 2];
    // Whether every space's offset fits [`Spaces`] (else the readings are read as any text).
    let mut fits = true;
    let mut word_start = None;
    // The text is asked whether it is Russian Cyrillic as its letters are read, not in passes
    // of its own before: nearly every name asked is.
    let mut has_cyrillic = false;
    for (i, &c) in lowered.iter().chain(std::iter::once(&' ')).enumerate() {
        if is_cyrillic(c) {
            if matches!(c, 'і' | 'ї' | 'є' | 'ґ' | 'ў') {
                return None;
            }
            has_cyrillic = true;
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = word_start.take() {
            push_word(lowered.get(start..i).unwrap_or_default(), &mut outs);
        }
        for (out, spaces) in outs.iter_mut().zip(&mut spaces) {
            if c.is_whitespace() || c == '-' {
                if !out.is_empty() && !out.ends_with(' ') {
                    fits &= spaces.push(out.len());
                    out.push(' ');
                }
            } else if c.is_alphanumeric() {
                out.extend(c.to_lowercase().filter(char::is_ascii));
            }
        }
    }
    // No space but the one after the last word is at the end.
    for (out, spaces) in outs.iter_mut().zip(&mut spaces) {
        if out.ends_with(' ') {
            out.pop();
            spaces.pop();
        }
    }
    // Both alphabets write a letter or digit for the same words: empty together.
    let [passport, national] = outs;
    let [passport_spaces, national_spaces] = spaces;
    (has_cyrillic && !passport.is_empty()).then_some([
        Spelling {
            text: passport,
            spaces: fits.then_some(passport_spaces),
        },
        Spelling {
            text: national,
            spaces: fits.then_some(national_spaces),
        },
    ])
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

/// A given name's Belarusian form in passport letters and in the national alphabet.
// Keyed by letters, not text: a word is a run of the lowered name's letters, looked up as it
// is (spelling each word out as a `String` first cost more than the look-up).
fn given_name(word: &[char]) -> Option<(&'static str, &'static str)> {
    // Hashed once: every word of a Russian name is looked up, a patronymic's stem up to four
    // times, and most are no given name. Its keys are unique (a test checks).
    type ByRussian = FxHashMap<Box<[char]>, (&'static str, &'static str)>;
    static BY_RUSSIAN: OnceLock<ByRussian> = OnceLock::new();
    BY_RUSSIAN
        .get_or_init(|| {
            GIVEN_NAMES
                .iter()
                .map(|&(ru, passport, national)| (ru.chars().collect(), (passport, national)))
                .collect()
        })
        .get(word)
        .copied()
}

/// One word (lowered Cyrillic letters): a given name from the glossary, a patronymic made from
/// one, else the regular correspondences letter by letter.
/// `outs` are the passport and the national reading.
fn push_word(word: &[char], outs: &mut [String; 2]) {
    let [passport, national] = outs;
    if let Some((p, n)) = given_name(word) {
        passport.push_str(p);
        national.push_str(n);
        return;
    }
    if push_patronymic(word, outs) {
        return;
    }
    push_letters(word, outs);
}

/// Letters of a father's name looked up without a heap buffer: a patronymic's stem and an
/// ending of up to two letters (the longest given name in [`GIVEN_NAMES`] has ten).
const KEY_ON_STACK: usize = 16;

/// `word` less Russian suffix `suffix` when it ends so and keeps two letters at least.
fn patronymic_stem<'a>(word: &'a [char], suffix: &[char]) -> Option<&'a [char]> {
    let stem = word.strip_suffix(suffix)?;
    (stem.len() >= 2).then_some(stem)
}

/// A patronymic as its father's name in Belarusian (from the glossary when the name is in
/// it, else by the letter rules) and the Belarusian suffix, pushed to `out`; false when `word`
/// is none.
fn push_patronymic(word: &[char], outs: &mut [String; 2]) -> bool {
    let Some((stem, passport_suffix, national_suffix)) =
        PATRONYMIC_SUFFIXES
            .iter()
            .find_map(|&(ru, passport, national)| {
                patronymic_stem(word, ru).map(|stem| (stem, passport, national))
            })
    else {
        return false;
    };
    // The father's name as the glossary keys it: `Леонид-ович`, `Никола-евич` (Николай),
    // `Дмитри-евич` (Дмитрий), `Игор-евич` (Игорь), `Юр-ьевич` (Юрий).
    let mut key: smallvec::SmallVec<[char; KEY_ON_STACK]> = smallvec::SmallVec::new();
    let mut with_ending = |ending: &str| {
        key.clear();
        key.extend_from_slice(stem);
        key.extend(ending.chars());
        given_name(&key)
    };
    let from_glossary = given_name(stem)
        .map(|be| (be, false))
        .or_else(|| with_ending("й").map(|be| (be, stem.last() != Some(&'и'))))
        .or_else(|| with_ending("ь").map(|be| (be, false)))
        .or_else(|| with_ending("ий").map(|be| (be, false)));
    match from_glossary {
        Some(((p, n), merges)) => {
            let [passport, national] = outs;
            // Николай → Мікалаевіч: the name's final й merges into the suffix's glide.
            passport.push_str(if merges {
                p.strip_suffix('i').unwrap_or(p)
            } else {
                p
            });
            passport.push_str(passport_suffix);
            push_national_patronymic(n, national_suffix, national);
        }
        None => {
            push_letters(stem, outs);
            let [passport, national] = outs;
            passport.push_str(passport_suffix);
            national.push_str(national_suffix);
        }
    }
    true
}

/// A patronymic made from the father's Belarusian name `be` (national alphabet): Belarusian
/// takes the suffix from that name's ending, not from the Russian one — a name in й merges it
/// into the glide (Мікалай → Мікалаевіч, `mikalajevic`), a soft л or дзь keeps -евіч
/// (Васіль → Васілевіч), a hard consonant takes -авіч (Ігар → Ігаравіч where Russian writes
/// Игоревич, Яўген → Яўгенавіч for Евгеньевич).
fn push_national_patronymic(be: &str, suffix: &str, out: &mut String) {
    let feminine = suffix.ends_with("una");
    if let Some(stem) = be.strip_suffix('j') {
        out.push_str(stem);
        out.push_str(if feminine { "jeuna" } else { "jevic" });
    } else if be.ends_with(['l', 'z']) {
        out.push_str(be);
        out.push_str(if feminine { "ieuna" } else { "ievic" });
    } else if be.ends_with(['a', 'e', 'i', 'o', 'u', 'y']) {
        out.push_str(be);
        out.push_str(if feminine { "jeuna" } else { "jevic" });
    } else {
        out.push_str(be);
        out.push_str(if feminine { "auna" } else { "avic" });
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'а' | 'е' | 'ё' | 'и' | 'о' | 'у' | 'ы' | 'э' | 'ю' | 'я')
}

/// Before these, Belarusian д and т are дз and ц (dzekanne, tsekanne).
fn softens(c: Option<char>) -> bool {
    matches!(c, Some('е' | 'ё' | 'и' | 'ю' | 'я' | 'ь'))
}

/// A word by the regular Russian → Belarusian correspondences, romanised in both alphabets
/// (`outs`: the passport reading, the national one) in one pass: a letter's neighbours and the
/// rules that read them are the same for both, only some spellings differ.
fn push_letters(word: &[char], outs: &mut [String; 2]) {
    let [passport, national] = outs;
    // A spelling both alphabets share.
    let both = |t: &'static str| (t, t);
    let n = word.len();
    // -енко: the final о is unstressed, so а (Лукашенко → Lukashenka).
    let enko = word.ends_with(&['е', 'н', 'к', 'о']);
    // Whether a final -ий was read as -і (after к г х: -скі), whose й no alphabet writes;
    // after ы (Дзмітрый) the national alphabet writes it (`-yj`), passports do not.
    let mut soft_i = false;
    for (i, &c) in word.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| word.get(p)).copied();
        let next = word.get(i + 1).copied();
        let glide = prev.is_none_or(|p| is_vowel(p) || matches!(p, 'ь' | 'ъ'));
        // The passport spelling and the national one of the same sound.
        let (p, nat): (&str, &str) = match c {
            'а' => both("a"),
            'б' => both("b"),
            // ў: в after a vowel, before a consonant or at the end.
            'в' if prev.is_some_and(is_vowel) && next.is_none_or(|n| !is_vowel(n)) => both("u"),
            'в' => both("v"),
            'г' => both("h"),
            'д' if softens(next) => both("dz"),
            'д' => both("d"),
            'е' if glide => ("ye", "je"),
            // After the hard ж ш ч р ц Belarusian writes э (Лукашэнка).
            'е' if prev.is_some_and(|p| matches!(p, 'ж' | 'ш' | 'ч' | 'р' | 'ц')) => {
                both("e")
            }
            'е' => ("e", "ie"),
            'ё' if glide => ("yo", "jo"),
            'ё' => both("io"),
            'ж' => ("zh", "z"),
            'з' => both("z"),
            // -ий: і after к г х (-скі), ы elsewhere (Дзмітрый).
            'и' if next == Some('й') && i + 2 == n => {
                soft_i = prev.is_some_and(|p| matches!(p, 'к' | 'г' | 'х'));
                both(if soft_i { "i" } else { "y" })
            }
            // ж ш ч р ц are hard in Belarusian: ы where Russian writes и.
            'и' if prev.is_some_and(|p| matches!(p, 'ж' | 'ш' | 'ч' | 'р' | 'ц')) => {
                both("y")
            }
            'и' => both("i"),
            'й' if prev == Some('и') && i + 1 == n => ("", if soft_i { "" } else { "j" }),
            'й' if prev.is_none() => ("y", "j"),
            'й' => ("i", "j"),
            'к' => both("k"),
            'л' => both("l"),
            'м' => both("m"),
            'н' => both("n"),
            'о' if enko && i + 1 == n => both("a"),
            'о' => both("o"),
            'п' => both("p"),
            'р' => both("r"),
            'с' => both("s"),
            'т' if softens(next) => ("ts", "c"),
            'т' => both("t"),
            'у' => both("u"),
            'ф' => both("f"),
            'х' => ("kh", "ch"),
            'ц' => ("ts", "c"),
            'ч' => ("ch", "c"),
            'ш' => ("sh", "s"),
            'щ' => ("shch", "sc"),
            'ъ' | 'ь' => both(""),
            'ы' => both("y"),
            'э' => both("e"),
            'ю' if glide => ("yu", "ju"),
            'ю' => both("iu"),
            'я' if glide => ("ya", "ja"),
            'я' => both("ia"),
            _ => both(""),
        };
        translit::push_spelling(passport, p);
        translit::push_spelling(national, nat);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The letter rules in one alphabet, as [`push_letters`] read them before it spelt both
    /// alphabets in one pass: the oracle it is checked against.
    fn letters_in_one_alphabet(word: &[char], alphabet: Alphabet, out: &mut String) {
        let national = alphabet == Alphabet::National;
        // The passport spelling or the national one of the same sound.
        let pick =
            |passport: &'static str, nat: &'static str| if national { nat } else { passport };
        let n = word.len();
        // -енко: the final о is unstressed, so а (Лукашенко → Lukashenka).
        let enko = word.ends_with(&['е', 'н', 'к', 'о']);
        // Whether a final -ий was read as -і (after к г х: -скі), whose й no alphabet writes;
        // after ы (Дзмітрый) the national alphabet writes it (`-yj`), passports do not.
        let mut soft_i = false;
        for (i, &c) in word.iter().enumerate() {
            let prev = i.checked_sub(1).and_then(|p| word.get(p)).copied();
            let next = word.get(i + 1).copied();
            let glide = prev.is_none_or(|p| is_vowel(p) || matches!(p, 'ь' | 'ъ'));
            let t: &str = match c {
                'а' => "a",
                'б' => "b",
                // ў: в after a vowel, before a consonant or at the end.
                'в' if prev.is_some_and(is_vowel) && next.is_none_or(|n| !is_vowel(n)) => "u",
                'в' => "v",
                'г' => "h",
                'д' if softens(next) => "dz",
                'д' => "d",
                'е' if glide => pick("ye", "je"),
                // After the hard ж ш ч р ц Belarusian writes э (Лукашэнка).
                'е' if prev.is_some_and(|p| matches!(p, 'ж' | 'ш' | 'ч' | 'р' | 'ц')) => "e",
                'е' => pick("e", "ie"),
                'ё' if glide => pick("yo", "jo"),
                'ё' => "io",
                'ж' => pick("zh", "z"),
                'з' => "z",
                // -ий: і after к г х (-скі), ы elsewhere (Дзмітрый).
                'и' if next == Some('й') && i + 2 == n => {
                    soft_i = prev.is_some_and(|p| matches!(p, 'к' | 'г' | 'х'));
                    if soft_i { "i" } else { "y" }
                }
                // ж ш ч р ц are hard in Belarusian: ы where Russian writes и.
                'и' if prev.is_some_and(|p| matches!(p, 'ж' | 'ш' | 'ч' | 'р' | 'ц')) => "y",
                'и' => "i",
                'й' if prev == Some('и') && i + 1 == n && (soft_i || !national) => "",
                'й' if prev.is_none() => pick("y", "j"),
                'й' => pick("i", "j"),
                'к' => "k",
                'л' => "l",
                'м' => "m",
                'н' => "n",
                'о' if enko && i + 1 == n => "a",
                'о' => "o",
                'п' => "p",
                'р' => "r",
                'с' => "s",
                'т' if softens(next) => pick("ts", "c"),
                'т' => "t",
                'у' => "u",
                'ф' => "f",
                'х' => pick("kh", "ch"),
                'ц' => pick("ts", "c"),
                'ч' => pick("ch", "c"),
                'ш' => pick("sh", "s"),
                'щ' => pick("shch", "sc"),
                'ъ' | 'ь' => "",
                'ы' => "y",
                'э' => "e",
                'ю' if glide => pick("yu", "ju"),
                'ю' => "iu",
                'я' if glide => pick("ya", "ja"),
                'я' => "ia",
                _ => "",
            };
            translit::push_spelling(out, t);
        }
    }

    fn reading(s: &str) -> String {
        latin_reading(s).unwrap_or_default()
    }

    #[test]
    fn glossary_has_unique_keys_and_ascii_forms() {
        let mut keys: Vec<&str> = GIVEN_NAMES.iter().map(|(ru, _, _)| *ru).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), GIVEN_NAMES.len());
        assert!(GIVEN_NAMES.iter().all(|(_, passport, national)| {
            (passport.bytes().chain(national.bytes())).all(|b| b.is_ascii_lowercase())
        }));
    }

    #[test]
    fn eu_belarus_annex_spellings() {
        assert_eq!(
            reading("Олег Леонидович СЛИЖЕВСКИЙ"),
            "aleh leanidavich slizheuski"
        );
        assert_eq!(reading("Ирина Леонидовна МАЙКО"), "iryna leanidauna maiko");
        assert_eq!(
            reading("Николай Васильевич СЕРГЕЕВИЧ"),
            "mikalai vasilevich siarheevich"
        );
        assert_eq!(
            reading("Геннадий Андреевич БОГДАН"),
            "hienadz andreevich bohdan"
        );
    }

    #[test]
    fn patronymics_follow_the_fathers_belarusian_name() {
        assert_eq!(reading("Александрович"), "aliaksandravich");
        assert_eq!(reading("Николаевич"), "mikalaevich");
        assert_eq!(reading("Сергеевна"), "siarheeuna");
        assert_eq!(reading("Дмитриевич"), "dzmitryevich");
        assert_eq!(reading("Юрьевич"), "yuryevich");
        assert_eq!(reading("Игоревич"), "iharevich");
        // Not in the glossary: the letter rules.
        assert_eq!(reading("Тарасович"), "tarasavich");
    }

    #[test]
    fn patronymic_stems_keep_two_letters() {
        let letters = |s: &str| s.chars().collect::<Vec<char>>();
        assert_eq!(
            patronymic_stem(&letters("юрьевич"), &letters("ьевич")),
            Some(&letters("юр")[..])
        );
        assert_eq!(patronymic_stem(&letters("юрьевич"), &letters("ович")), None);
        assert_eq!(patronymic_stem(&letters("юьевич"), &letters("ьевич")), None);
        assert_eq!(patronymic_stem(&letters("ич"), &letters("ьевич")), None);
    }

    #[test]
    fn regular_correspondences() {
        assert_eq!(reading("Иванов"), "ivanou");
        assert_eq!(reading("Лукашенко"), "lukashenka");
        assert_eq!(reading("Шишкин"), "shyshkin");
        assert_eq!(reading("Тертель"), "tsertsel");
        assert_eq!(reading("Гомель"), "homel");
    }

    fn national(s: &str) -> String {
        national_latin_reading(s).unwrap_or_default()
    }

    /// The 2007 national alphabet's letters (ц c, ч č, ш š, ж ž, х ch, й j, е ie/je, я ia/ja),
    /// diacritics dropped; the patronymic's suffix from the father's Belarusian name.
    #[test]
    fn national_latin_alphabet_readings() {
        assert_eq!(
            national("Тимофей Сергеевич ЦИТКО"),
            "cimafiej siarhiejevic cytko"
        );
        assert_eq!(
            national("Александр Григорьевич ЛУКАШЕНКО"),
            "aliaksandr ryhoravic lukasenka"
        );
        assert_eq!(national("Евгеньевич"), "jauhienavic");
        assert_eq!(national("Николаевна"), "mikalajeuna");
        assert_eq!(national("Васильевич"), "vasilievic");
        assert_eq!(national("Дмитрий Шишкин"), "dzmitryj syskin");
        assert_eq!(national("Смоленский Хомич"), "smolienski chomic");
        assert_eq!(national("Тарасович Яковлев"), "tarasavic jakoulieu");
    }

    #[test]
    fn latin_lookalike_letters_read_as_cyrillic() {
        assert_eq!(
            reading("Олег Ниĸолаевич БЕЛЯКОВ"),
            "aleh mikalaevich beliakou"
        );
    }

    #[test]
    fn only_russian_cyrillic_is_read() {
        assert_eq!(latin_reading("Kim Jong Un"), None);
        assert_eq!(latin_reading("Аляксандр Лукашэнка ў"), None);
        assert_eq!(latin_reading("Іван Петренко"), None);
        assert_eq!(latin_reading(""), None);
        assert_eq!(reading("Иван-Петров 2"), "ivan petrou 2");
    }

    proptest::proptest! {
        /// Both alphabets spelt in one pass spell as each alone did: every letter, beside
        /// every neighbour the rules read (glides, -ий, -енко, в before a consonant, soft д т).
        #[test]
        fn letters_in_both_alphabets_as_in_each_alone(
            word in proptest::prop_oneof![
                "[а-яё]{0,12}",
                "(ий|ый|кий|ей|енко|ов|ев|в|ь|ъ|й|и|е|ё|ю|я|д|т|ж|р|о|а|у){0,8}",
            ]
        ) {
            let letters: Vec<char> = word.chars().collect();
            let mut both = [String::new(), String::new()];
            push_letters(&letters, &mut both);
            let [passport, national] = both;
            let mut want = String::new();
            letters_in_one_alphabet(&letters, Alphabet::Passport, &mut want);
            proptest::prop_assert_eq!(passport, want);
            let mut want = String::new();
            letters_in_one_alphabet(&letters, Alphabet::National, &mut want);
            proptest::prop_assert_eq!(national, want);
        }
    }
}
