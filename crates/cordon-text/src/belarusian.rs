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
//! The Latin letters are those of the Belarusian national system as Belarusian passports and
//! the EU annex write them (BGN/PCGN 1979 for Belarusian, diacritics dropped, ў as u):
//! х kh, ц ts, ч ch, ш sh, ж zh, я ia, ю iu, е e.
//!
//! ```
//! use cordon_text::belarusian::latin_reading;
//! assert_eq!(
//!     latin_reading("Олег Леонидович СЛИЖЕВСКИЙ").as_deref(),
//!     Some("aleh leanidavich slizheuski")
//! );
//! ```

use std::sync::OnceLock;

use crate::translit;

/// Russian given names (lower case) and the romanised Belarusian form of the same name, as
/// Belarusian orthography spells it (Аляксандр, Мікалай, Сяргей, Уладзімір, Ірына, Вольга…)
/// and Belarusian passports romanise it. Patronymics are made from the Russian stem
/// ([`patronymic`]).
pub(crate) const GIVEN_NAMES: &[(&str, &str)] = &[
    ("александр", "aliaksandr"),
    ("алексей", "aliaksei"),
    ("анатолий", "anatol"),
    ("андрей", "andrei"),
    ("антон", "anton"),
    ("аркадий", "arkadz"),
    ("артём", "artsiom"),
    ("артем", "artsiom"),
    ("борис", "barys"),
    ("вадим", "vadzim"),
    ("валентин", "valiantsin"),
    ("валерий", "valery"),
    ("василий", "vasil"),
    ("виктор", "viktar"),
    ("виталий", "vital"),
    ("владимир", "uladzimir"),
    ("владислав", "uladzislau"),
    ("вячеслав", "viachaslau"),
    ("геннадий", "hienadz"),
    ("георгий", "heorhi"),
    ("григорий", "ryhor"),
    ("денис", "dzianis"),
    ("дмитрий", "dzmitry"),
    ("евгений", "yauhen"),
    ("иван", "ivan"),
    ("игорь", "ihar"),
    ("илья", "illia"),
    ("иосиф", "iosif"),
    ("кирилл", "kiryl"),
    ("константин", "kanstantsin"),
    ("леонид", "leanid"),
    ("максим", "maksim"),
    ("михаил", "mikhail"),
    ("николай", "mikalai"),
    ("олег", "aleh"),
    ("павел", "pavel"),
    ("пётр", "piotr"),
    ("петр", "piotr"),
    ("роман", "raman"),
    ("сергей", "siarhei"),
    ("семён", "siamion"),
    ("семен", "siamion"),
    ("станислав", "stanislau"),
    ("степан", "stsiapan"),
    ("тимофей", "tsimafei"),
    ("фёдор", "fiodar"),
    ("федор", "fiodar"),
    ("юрий", "yury"),
    ("яков", "yakau"),
    // Women's names.
    ("алла", "ala"),
    ("анна", "hanna"),
    ("валентина", "valiantsina"),
    ("вера", "vera"),
    ("виктория", "viktoryia"),
    ("галина", "halina"),
    ("екатерина", "katsiaryna"),
    ("елена", "alena"),
    ("ирина", "iryna"),
    ("лариса", "larysa"),
    ("лидия", "lidzia"),
    ("людмила", "liudmila"),
    ("марина", "maryna"),
    ("мария", "maryia"),
    ("надежда", "nadzeya"),
    ("наталья", "natallia"),
    ("наталия", "natallia"),
    ("нина", "nina"),
    ("ольга", "volha"),
    ("светлана", "sviatlana"),
    ("татьяна", "tatsiana"),
    ("юлия", "yulia"),
];

/// Russian patronymic suffixes and their Belarusian romanisation, longest first: the
/// unstressed о of `-ович`/`-овна` is а (akanne), в before a consonant is ў (u).
const PATRONYMIC_SUFFIXES: &[(&str, &str)] = &[
    ("ьевич", "evich"),
    ("ьевна", "euna"),
    ("ович", "avich"),
    ("евич", "evich"),
    ("овна", "auna"),
    ("евна", "euna"),
];

/// The Belarusian reading of a Russian-written name, lower-case ASCII, or `None` when the text
/// is not Russian Cyrillic (Belarusian or Ukrainian letters: the national system reads those
/// already) or has no Cyrillic letter.
pub fn latin_reading(s: &str) -> Option<String> {
    reading_of_lowered(&translit::lowered_cyrillic(s))
}

/// [`latin_reading`] of text already lowered by [`translit::lowered_cyrillic`] (the name's
/// transliterations lowered it first).
pub(crate) fn reading_of_lowered(lowered: &[char]) -> Option<String> {
    if !lowered.iter().any(|&c| is_cyrillic(c))
        || lowered
            .iter()
            .any(|c| matches!(c, 'і' | 'ї' | 'є' | 'ґ' | 'ў'))
    {
        return None;
    }
    // About the bytes of the Cyrillic text (two per letter) and half as many again.
    let mut out = String::with_capacity(3 * lowered.len());
    // The word's letters, and the same as text for the glossary, for every word in turn.
    let (mut word, mut text): (Vec<char>, String) = (Vec::new(), String::new());
    for &c in lowered.iter().chain(std::iter::once(&' ')) {
        if is_cyrillic(c) {
            word.push(c);
            text.push(c);
            continue;
        }
        if !word.is_empty() {
            push_word(&word, &text, &mut out);
            word.clear();
            text.clear();
        }
        if c.is_whitespace() || c == '-' {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase().filter(char::is_ascii));
        }
    }
    out.truncate(out.trim_end().len());
    (!out.is_empty()).then_some(out)
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

fn given_name(word: &str) -> Option<&'static str> {
    // The table reads in alphabetical order (ё after е), not in byte order: searched in a
    // sorted copy. Its keys are unique (a test checks).
    static SORTED: OnceLock<Vec<(&str, &str)>> = OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut v = GIVEN_NAMES.to_vec();
        v.sort_unstable_by_key(|(ru, _)| *ru);
        v
    });
    sorted
        .binary_search_by(|(ru, _)| (*ru).cmp(word))
        .ok()
        .and_then(|i| sorted.get(i))
        .map(|(_, be)| *be)
}

/// One word: a given name from the glossary, a patronymic made from one, else the regular
/// correspondences letter by letter.
/// `text` is `word`'s letters as a string.
fn push_word(word: &[char], text: &str, out: &mut String) {
    if let Some(be) = given_name(text) {
        out.push_str(be);
        return;
    }
    if push_patronymic(text, out) {
        return;
    }
    push_letters(word, out);
}

/// A patronymic as its father's name in Belarusian (from the glossary when the name is in
/// it, else by the letter rules) and the Belarusian suffix, pushed to `out`; false when `word`
/// is none.
fn push_patronymic(word: &str, out: &mut String) -> bool {
    let Some((stem, suffix)) = PATRONYMIC_SUFFIXES.iter().find_map(|(ru, be)| {
        word.strip_suffix(ru)
            .filter(|stem| stem.chars().count() >= 2)
            .map(|stem| (stem, *be))
    }) else {
        return false;
    };
    // The father's name as the glossary keys it: `Леонид-ович`, `Никола-евич` (Николай),
    // `Дмитри-евич` (Дмитрий), `Игор-евич` (Игорь), `Юр-ьевич` (Юрий).
    let mut key = String::with_capacity(stem.len() + 4);
    let mut with_ending = |ending: &str| {
        key.clear();
        key.push_str(stem);
        key.push_str(ending);
        given_name(&key)
    };
    let from_glossary = given_name(stem)
        .map(|be| (be, false))
        .or_else(|| with_ending("й").map(|be| (be, !stem.ends_with('и'))))
        .or_else(|| with_ending("ь").map(|be| (be, false)))
        .or_else(|| with_ending("ий").map(|be| (be, false)));
    match from_glossary {
        // Николай → Мікалаевіч: the name's final й merges into the suffix's glide.
        Some((be, true)) => out.push_str(be.strip_suffix('i').unwrap_or(be)),
        Some((be, false)) => out.push_str(be),
        None => {
            let chars: Vec<char> = stem.chars().collect();
            push_letters(&chars, out);
        }
    }
    out.push_str(suffix);
    true
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'а' | 'е' | 'ё' | 'и' | 'о' | 'у' | 'ы' | 'э' | 'ю' | 'я')
}

/// Before these, Belarusian д and т are дз and ц (dzekanne, tsekanne).
fn softens(c: Option<char>) -> bool {
    matches!(c, Some('е' | 'ё' | 'и' | 'ю' | 'я' | 'ь'))
}

/// A word by the regular Russian → Belarusian correspondences, romanised.
fn push_letters(word: &[char], out: &mut String) {
    let n = word.len();
    // -енко: the final о is unstressed, so а (Лукашенко → Lukashenka).
    let enko = word.ends_with(&['е', 'н', 'к', 'о']);
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
            'е' if glide => "ye",
            'е' => "e",
            'ё' if glide => "yo",
            'ё' => "io",
            'ж' => "zh",
            'з' => "z",
            // -ий: і after к г х (-скі), ы elsewhere (Дзмітрый).
            'и' if next == Some('й') && i + 2 == n => {
                if prev.is_some_and(|p| matches!(p, 'к' | 'г' | 'х')) {
                    "i"
                } else {
                    "y"
                }
            }
            // ж ш ч р ц are hard in Belarusian: ы where Russian writes и.
            'и' if prev.is_some_and(|p| matches!(p, 'ж' | 'ш' | 'ч' | 'р' | 'ц')) => "y",
            'и' => "i",
            'й' if prev == Some('и') && i + 1 == n => "",
            'й' if prev.is_none() => "y",
            'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' if enko && i + 1 == n => "a",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' if softens(next) => "ts",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'э' => "e",
            'ю' if glide => "yu",
            'ю' => "iu",
            'я' if glide => "ya",
            'я' => "ia",
            _ => "",
        };
        out.push_str(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(s: &str) -> String {
        latin_reading(s).unwrap_or_default()
    }

    #[test]
    fn glossary_has_unique_keys_and_ascii_forms() {
        let mut keys: Vec<&str> = GIVEN_NAMES.iter().map(|(ru, _)| *ru).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), GIVEN_NAMES.len());
        assert!(
            GIVEN_NAMES
                .iter()
                .all(|(_, be)| be.bytes().all(|b| b.is_ascii_lowercase()))
        );
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
    fn regular_correspondences() {
        assert_eq!(reading("Иванов"), "ivanou");
        assert_eq!(reading("Лукашенко"), "lukashenka");
        assert_eq!(reading("Шишкин"), "shyshkin");
        assert_eq!(reading("Тертель"), "tsertsel");
        assert_eq!(reading("Гомель"), "homel");
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
}
