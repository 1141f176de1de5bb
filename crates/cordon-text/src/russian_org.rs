//! Russian organisation names read the way Latin-script lists translate them: the commonest
//! organisation words in English, every other word transliterated
//! (`Конструкторское бюро машиностроения` → `design bureau mechanical engineering`), as
//! [`crate::chinese::organisation_form`] does for Chinese.

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

use crate::translit;

/// Stems of Russian organisation words (lower case) and their usual English rendering in list
/// names. A word is glossed when it is a stem followed by an inflectional ending
/// ([`is_ending`]); longer stems are tried first.
const STEMS: &[(&str, &str)] = &[
    ("научн", "scientific"),
    ("исследовательск", "research"),
    ("производственн", "production"),
    ("объединени", "association"),
    ("предприяти", "enterprise"),
    ("институт", "institute"),
    ("завод", "plant"),
    ("конструкторск", "design"),
    ("бюро", "bureau"),
    ("корпораци", "corporation"),
    ("центр", "center"),
    ("концерн", "concern"),
    ("компани", "company"),
    ("государственн", "state"),
    ("федеральн", "federal"),
    ("техническ", "technical"),
    ("технологическ", "technological"),
    ("технологи", "technologies"),
    ("инженерн", "engineering"),
    ("машиностроени", "mechanical engineering"),
    ("машиностроительн", "machine building"),
    ("электромеханическ", "electromechanical"),
    ("приборостроени", "instrument making"),
    ("приборостроительн", "instrument making"),
    ("оптик", "optical"),
    ("физическ", "physical"),
    ("физик", "physics"),
    ("измерени", "measurements"),
    ("систем", "systems"),
    ("связ", "communications"),
    ("управлени", "control"),
    ("специальн", "special"),
    ("российск", "russian"),
    ("всероссийск", "all russian"),
    ("академи", "academy"),
    ("наук", "sciences"),
    ("университет", "university"),
    ("банк", "bank"),
    ("групп", "group"),
    ("холдинг", "holding"),
    ("ракетн", "rocket"),
    ("тактическ", "tactical"),
    ("комплекс", "complex"),
    ("вертолетн", "helicopter"),
    ("вертолётн", "helicopter"),
    ("судоремонтн", "ship repair"),
    ("судостроительн", "shipbuilding"),
    ("авиационн", "aviation"),
    ("военн", "military"),
    ("флот", "fleet"),
    ("движени", "movement"),
    ("фонд", "foundation"),
    ("общественн", "public"),
    ("международн", "international"),
    ("агентств", "agency"),
    ("министерств", "ministry"),
    ("торгов", "trading"),
    ("энергетическ", "energy"),
    ("нефтян", "oil"),
    ("газов", "gas"),
    ("электронн", "electronic"),
    ("химическ", "chemical"),
    ("металлургическ", "metallurgical"),
    ("транспортн", "transport"),
    ("промышленн", "industrial"),
    ("медицинск", "medical"),
    ("информационн", "information"),
];

/// The renderings above that say what kind of organisation a name is. Latin-script lists often
/// translate only these and transliterate the rest, the descriptive words the glossary also
/// knows among them (`Энергетические технологии группа компаний` →
/// `Energeticheskie Tekhnologii Group of Companies`).
const KINDS: &[&str] = &[
    "institute",
    "plant",
    "bureau",
    "corporation",
    "center",
    "concern",
    "company",
    "association",
    "enterprise",
    "academy",
    "university",
    "bank",
    "group",
    "holding",
    "foundation",
    "agency",
    "ministry",
    "complex",
    "movement",
    "fleet",
    "and",
];

/// Whether `ending` is a Russian noun or adjective ending a glossed stem may carry.
// A `match` on the text, told apart by length and bytes, rather than a list compared ending by
// ending (a `memcmp` call each, for every stem a word begins with).
fn is_ending(ending: &str) -> bool {
    matches!(
        ending,
        "" | "а"
            | "ы"
            | "у"
            | "е"
            | "и"
            | "о"
            | "я"
            | "ю"
            | "й"
            | "ом"
            | "ой"
            | "ий"
            | "ый"
            | "ая"
            | "ое"
            | "ого"
            | "ому"
            | "ых"
            | "ым"
            | "ые"
            | "ую"
            | "ей"
            | "ем"
            | "ия"
            | "ии"
            | "ию"
            | "ие"
            | "ов"
            | "ам"
            | "ами"
            | "ах"
            | "ях"
            | "ям"
            | "ями"
            | "ьи"
            | "ья"
    )
}

/// Whole words: `и` (and), `имени`/`им` (named after).
const WORDS: &[(&str, &str)] = &[
    ("и", "and"),
    ("имени", "named after"),
    ("им", "named after"),
];

type StemsByStart = FxHashMap<[char; 2], Vec<(&'static str, &'static str)>>;

/// The stems of [`STEMS`] by their first two letters: a word is checked against the few
/// that begin as it does.
fn stems_by_start() -> &'static StemsByStart {
    static BY_START: OnceLock<StemsByStart> = OnceLock::new();
    BY_START.get_or_init(|| {
        let mut by = StemsByStart::default();
        for &(stem, en) in STEMS {
            if let Some(start) = start_of(stem) {
                by.entry(start).or_default().push((stem, en));
            }
        }
        by
    })
}

fn start_of(word: &str) -> Option<[char; 2]> {
    let mut chars = word.chars();
    Some([chars.next()?, chars.next()?])
}

/// The English rendering of a (lower-case) Russian organisation word, if it is one.
fn gloss(word: &str) -> Option<&'static str> {
    if let Some((_, en)) = WORDS.iter().find(|(w, _)| *w == word) {
        return Some(en);
    }
    stems_by_start()
        .get(&start_of(word)?)?
        .iter()
        .filter(|(stem, _)| word.strip_prefix(stem).is_some_and(is_ending))
        .max_by_key(|(stem, _)| stem.len())
        .map(|(_, en)| *en)
}

/// A place adjective (`Брянский`, `Саратовская`) as the place name lists use
/// (`Bryansk`, `Saratov…`): the adjective ending dropped after `ск`.
fn place_stem(word: &str) -> Option<&str> {
    ["ского", "ский", "ская", "ское", "ской", "ских"]
        .iter()
        .find_map(|e| word.strip_suffix(e))
        .filter(|stem| stem.chars().count() >= 3)
        .map(|stem| {
            let at = word.len() - stem.len() + "ск".len();
            word.get(..at).unwrap_or(word)
        })
}

/// A letter or digit of a lower-case name, Cyrillic, ASCII and the quotation marks and dashes
/// of General Punctuation (`«Марс»` is often typed `‘Марс’`) settled without Unicode tables
/// (a test checks that block has no letter or digit).
fn is_word_char(c: char) -> bool {
    match c {
        'а'..='я' | 'ё' | 'a'..='z' | '0'..='9' => true,
        '\u{0}'..='\u{7f}' | GENERAL_PUNCTUATION_START..=GENERAL_PUNCTUATION_END => false,
        _ => c.is_alphanumeric(),
    }
}

/// The General Punctuation block: spaces, dashes, quotation marks, no letter or digit.
const GENERAL_PUNCTUATION_START: char = '\u{2000}';
const GENERAL_PUNCTUATION_END: char = '\u{206F}';

/// The words of lower-case `s` (runs of [`is_word_char`]), each with its gloss; `None` at an
/// upper-case character when `lower_case_only` (the caller lowers the text and asks again).
// One pass over the characters: `str::split` with a character predicate asked for each word
// anew where the last one ended. Names reach here cleaned (lower case), other callers may not:
// the case is asked in the same pass, the letters a cleaned Russian name is made of settled
// without Unicode tables.
fn glossed_words(s: &str, lower_case_only: bool) -> Option<Vec<(&str, Option<&'static str>)>> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let word_char = match c {
            'а'..='я' | 'ё' | 'a'..='z' | '0'..='9' => true,
            ' ' => false,
            _ if lower_case_only && c.is_uppercase() => return None,
            _ => is_word_char(c),
        };
        if word_char {
            start.get_or_insert(i);
        } else if let Some(w) = start.take().and_then(|from| s.get(from..i)) {
            words.push((w, gloss(w)));
        }
    }
    Some(words)
}

/// The English-keyed readings of a Cyrillic organisation name (see the module doc): every
/// known organisation word in English, and, when that one translates more than the kind of
/// organisation ([`KINDS`]), one with only those words in English and every other word
/// transliterated whole (a list translating the kind of organisation and spelling out the
/// rest). `None` when no word of it is a known organisation word.
pub fn organisation_forms(s: &str) -> Option<(String, Option<String>)> {
    let lowered;
    let words = match glossed_words(s, true) {
        Some(words) => words,
        None => {
            lowered = s.to_lowercase();
            glossed_words(&lowered, false).unwrap_or_default()
        }
    };
    // Most Cyrillic names (people's) have no organisation word: nothing is transliterated
    // for them.
    if words.iter().all(|(_, en)| en.is_none()) {
        return None;
    }
    let is_kind = |en: &str| KINDS.contains(&en);
    let mixed = words.iter().any(|(_, en)| en.is_some_and(is_kind));
    let mut out = String::with_capacity(s.len() * 2);
    let mut kinds_only = mixed.then(|| String::with_capacity(s.len() * 2));
    for (word, en) in words {
        let kind = en.filter(|en| is_kind(en));
        let place = place_stem(word);
        // The whole word transliterated, made once for both forms.
        let whole = (kind.is_none() && (kinds_only.is_some() || (en.is_none() && place.is_none())))
            .then(|| translit::russian_bgn(word));
        match (en, place) {
            (Some(en), _) => push_word(&mut out, en),
            (None, Some(stem)) => push_word(&mut out, &translit::russian_bgn(stem)),
            (None, None) => push_word(&mut out, whole.as_deref().unwrap_or_default()),
        }
        // A list that spells the name out spells its place adjectives out too.
        if let Some(k) = kinds_only.as_mut() {
            push_word(k, kind.or(whole.as_deref()).unwrap_or_default());
        }
    }
    // Only kinds glossed and no place adjective: the same text.
    let kinds_only = kinds_only.filter(|k| *k != out);
    Some((out, kinds_only))
}

/// `word` after the words already in `out`.
fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}

/// Whether a word is one of the English renderings above (an organisation word, not a name).
// Hashed: every word of a glossed form is asked, and a binary search compared it with seven
// renderings or so, a `memcmp` call each.
pub fn is_org_gloss(word: &str) -> bool {
    static RENDERINGS: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    RENDERINGS
        .get_or_init(|| {
            STEMS
                .iter()
                .chain(WORDS)
                .flat_map(|(_, en)| en.split(' '))
                .collect()
        })
        .contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn organisation_forms_glossed(s: &str) -> Option<String> {
        organisation_forms(s).map(|(glossed, _)| glossed)
    }

    fn kinds_only(s: &str) -> Option<String> {
        organisation_forms(s).and_then(|(_, kinds_only)| kinds_only)
    }

    #[test]
    fn kinds_of_organisation_in_english_every_other_word_spelt_out() {
        assert_eq!(
            kinds_only("Энергетические технологии группа компаний АО").as_deref(),
            Some("energeticheskiye tekhnologii group company ao")
        );
        assert_eq!(
            kinds_only("Брянский электромеханический завод").as_deref(),
            Some("bryanskiy elektromekhanicheskiy plant")
        );
        // A place adjective spelt out beside the kind (`Voskresenskiy … Plant`).
        assert_eq!(
            kinds_only("Воскресенский агрегатный завод").as_deref(),
            Some("voskresenskiy agregatnyy plant")
        );
        // Only kinds glossed, or no kind: the glossed form and the transliterations cover it.
        assert_eq!(kinds_only("Банк Россия"), None);
        assert_eq!(kinds_only("Научные технологии"), None);
        assert_eq!(kinds_only("Газпром"), None);
    }

    #[test]
    fn organisation_words_in_english_the_rest_transliterated() {
        assert_eq!(
            organisation_forms_glossed("Конструкторское бюро машиностроения").as_deref(),
            Some("design bureau mechanical engineering")
        );
        assert_eq!(
            organisation_forms_glossed("Брянский электромеханический завод").as_deref(),
            Some("bryansk electromechanical plant")
        );
        assert_eq!(
            organisation_forms_glossed("ао «Научно-Производственное Объединение «Марс»").as_deref(),
            Some("ao scientific production association mars")
        );
        // A stem inside a name is no organisation word (`Газпром` is not `gas`).
        assert_eq!(organisation_forms_glossed("Газпром"), None);
        assert_eq!(organisation_forms_glossed("Иван Петров"), None);
    }

    #[test]
    fn general_punctuation_has_no_letter_or_digit() {
        for c in GENERAL_PUNCTUATION_START..=GENERAL_PUNCTUATION_END {
            assert!(!c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn words_as_split_between_other_characters() {
        for s in [
            "",
            " ",
            "ооо ‘авиационные системы и комплексы’",
            "ао «научно-производственное объединение «марс»",
            "  банк  россия 2 ",
            "завод№1",
            "x",
        ] {
            let split: Vec<&str> = s
                .split(|c: char| !is_word_char(c))
                .filter(|w| !w.is_empty())
                .collect();
            let words: Vec<&str> = glossed_words(s, true)
                .into_iter()
                .flatten()
                .map(|(w, _)| w)
                .collect();
            assert_eq!(words, split, "{s:?}");
        }
    }

    #[test]
    fn upper_case_names_are_read_lowered() {
        for s in [
            "АО «Научно-Производственное Объединение «Марс»",
            "Банк РОССИЯ",
            "ZAVOD Завод",
        ] {
            assert_eq!(glossed_words(s, true), None, "{s:?}");
            assert_eq!(
                organisation_forms(s),
                organisation_forms(&s.to_lowercase()),
                "{s:?}"
            );
        }
    }

    #[test]
    fn glossed_words_are_known() {
        assert!(is_org_gloss("bureau") && is_org_gloss("engineering") && !is_org_gloss("mars"));
    }
}
