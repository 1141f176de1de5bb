//! Russian organisation names read the way Latin-script lists translate them: the commonest
//! organisation words in English, every other word transliterated
//! (`Конструкторское бюро машиностроения` → `design bureau mechanical engineering`), as
//! [`crate::chinese::organisation_form`] does for Chinese.

use crate::translit;

/// Stems of Russian organisation words (lower case) and their usual English rendering in list
/// names. A word is glossed when it is a stem followed by an inflectional ending
/// ([`ENDINGS`]); longer stems are tried first.
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

/// Russian noun and adjective endings a glossed stem may carry.
const ENDINGS: &[&str] = &[
    "", "а", "ы", "у", "е", "и", "о", "я", "ю", "й", "ом", "ой", "ий", "ый", "ая", "ое", "ого",
    "ому", "ых", "ым", "ые", "ую", "ей", "ем", "ия", "ии", "ию", "ие", "ов", "ам", "ами", "ах",
    "ях", "ям", "ями", "ьи", "ья",
];

/// Whole words: `и` (and), `имени`/`им` (named after).
const WORDS: &[(&str, &str)] = &[
    ("и", "and"),
    ("имени", "named after"),
    ("им", "named after"),
];

/// The English rendering of a (lower-case) Russian organisation word, if it is one.
fn gloss(word: &str) -> Option<&'static str> {
    if let Some((_, en)) = WORDS.iter().find(|(w, _)| *w == word) {
        return Some(en);
    }
    STEMS
        .iter()
        .filter(|(stem, _)| {
            word.strip_prefix(stem)
                .is_some_and(|ending| ENDINGS.contains(&ending))
        })
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

/// The English-keyed reading of a Cyrillic organisation name (see the module doc); `None`
/// when no word of it is a known organisation word.
pub fn organisation_form(s: &str) -> Option<String> {
    let lowered = s.to_lowercase();
    let mut out = String::with_capacity(s.len() * 2);
    let mut glossed = false;
    for word in lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        if let Some(en) = gloss(word) {
            out.push_str(en);
            glossed = true;
        } else {
            let word = place_stem(word).unwrap_or(word);
            // BGN/PCGN, the system English translations of names follow (`Bryansk`).
            let forms = translit::latin_forms_tagged(word);
            if let Some((_, latin)) = forms
                .iter()
                .find(|(system, _)| *system == translit::System::BgnPcgn)
                .or(forms.first())
            {
                out.push_str(latin);
            }
        }
    }
    glossed.then_some(out)
}

/// Whether a word is one of the English renderings above (an organisation word, not a name).
pub fn is_org_gloss(word: &str) -> bool {
    STEMS
        .iter()
        .chain(WORDS)
        .any(|(_, en)| en.split(' ').any(|w| w == word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_words_in_english_the_rest_transliterated() {
        assert_eq!(
            organisation_form("Конструкторское бюро машиностроения").as_deref(),
            Some("design bureau mechanical engineering")
        );
        assert_eq!(
            organisation_form("Брянский электромеханический завод").as_deref(),
            Some("bryansk electromechanical plant")
        );
        assert_eq!(
            organisation_form("ао «Научно-Производственное Объединение «Марс»").as_deref(),
            Some("ao scientific production association mars")
        );
        // A stem inside a name is no organisation word (`Газпром` is not `gas`).
        assert_eq!(organisation_form("Газпром"), None);
        assert_eq!(organisation_form("Иван Петров"), None);
    }

    #[test]
    fn glossed_words_are_known() {
        assert!(is_org_gloss("bureau") && is_org_gloss("engineering") && !is_org_gloss("mars"));
    }
}
