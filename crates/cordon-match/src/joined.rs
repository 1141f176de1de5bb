//! Names a list writes together in one field: Japan's alias cells (`Korea Changgwang Credit
//! Bank, Changgwang Credit Bank`, `LLC CST, a.k.a. ZALA Aero`), the EU's annexes (`AO VNII
//! Signal, JSC VNII Signal`), OFAC's and the UN's `;` lists. Compared whole, a field's part
//! scores as a name with many words missing; each part is indexed as a name of its own.

use cordon_text::TokenClass;

use crate::names::PreparedName;

/// Alias markers that open a part (`a.k.a. ZALA Aero`), folded to lower case.
const MARKERS: [&str; 5] = ["a.k.a.", "f.k.a.", "a/k/a", "aka ", "fka "];

/// How a field was split: what its parts must show to be names of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Split {
    /// At `;` or an alias marker: the list says each part is a name.
    Marked,
    /// At `, ` alone, which also separates a name from its legal form (`TOYS FACTORY, S.A. DE
    /// C.V.`), a place (`…, BEOGRAD STARI GRAD`) or a person's surname from the given names.
    Comma,
}

/// The parts of a field that joins several names, and how it was split; `None` when it is one
/// name. Separators inside parentheses (`ISIL (ISIL-SEA, ISIL-South East Asia)`) do not split.
/// A person's field with a single comma is `SURNAME, Given`, and one with a digit carries a
/// birth date or a passport, not names.
pub(crate) fn split(field: &str, person: bool) -> Option<(Vec<&str>, Split)> {
    if !field.contains([',', ';']) || (person && field.contains(|c: char| c.is_ascii_digit())) {
        return None;
    }
    let mut parts = Vec::new();
    let (mut depth, mut from, mut marked) = (0i32, 0, false);
    let mut commas = 0;
    for (i, c) in field.char_indices() {
        match c {
            '(' | '（' | '[' => depth += 1,
            ')' | '）' | ']' => depth -= 1,
            ';' | ',' if depth == 0 => {
                let next = field.get(i + 1..).unwrap_or_default();
                if c == ',' && !next.starts_with(' ') && !starts_with_marker(next) {
                    continue;
                }
                marked |= c == ';' || starts_with_marker(next.trim_start());
                commas += usize::from(c == ',');
                parts.push(field.get(from..i).unwrap_or_default());
                from = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if depth != 0 || parts.is_empty() {
        return None;
    }
    parts.push(field.get(from..).unwrap_or_default());
    let how = if marked { Split::Marked } else { Split::Comma };
    if person && how == Split::Comma && commas == 1 {
        return None;
    }
    let parts: Vec<&str> = parts.into_iter().map(strip_marker).collect();
    parts.iter().all(|p| !p.is_empty()).then_some((parts, how))
}

fn starts_with_marker(s: &str) -> bool {
    MARKERS.iter().any(|m| {
        s.get(..m.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(m))
    })
}

fn strip_marker(part: &str) -> &str {
    let p = part.trim();
    let rest = MARKERS
        .iter()
        .find_map(|m| {
            p.get(..m.len())
                .filter(|head| head.eq_ignore_ascii_case(m))
                .and_then(|_| p.get(m.len()..))
        })
        .unwrap_or(p);
    rest.trim()
}

/// Whether an analysed part is a name of its own: a word that is no legal form or generic
/// word (`S.A. DE C.V.` and `JOINT STOCK COMPANY` are not), and after a bare comma two words
/// at least (`Moscow, Russia` are places).
pub(crate) fn is_name(part: &PreparedName, how: Split) -> bool {
    let Some(form) = part.forms.first() else {
        return false;
    };
    let words = form
        .tokens
        .iter()
        .filter(|t| matches!(t.class, TokenClass::Word | TokenClass::Number))
        .count();
    words >= 1 && (how == Split::Marked || form.tokens.len() >= 2)
}

/// Whether the parts a bare comma split are variants of one name: each shares a word (no
/// legal form or generic word) with another. A comma also lists distinct organisations
/// (`Tactical Missile Corporation, TRV Engineering`: the parent and the entity), which are not
/// the entity's names.
pub(crate) fn are_variants(parts: &[&PreparedName]) -> bool {
    let words = |p: &PreparedName| -> Vec<String> {
        p.forms
            .first()
            .map(|f| {
                f.tokens
                    .iter()
                    .filter(|t| t.class == TokenClass::Word)
                    .map(|t| t.latin.to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let words: Vec<Vec<String>> = parts.iter().map(|p| words(p)).collect();
    words.iter().enumerate().all(|(i, w)| {
        words
            .iter()
            .enumerate()
            .any(|(j, o)| i != j && w.iter().any(|x| o.contains(x)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_text::NameKind;

    fn parts(field: &str, person: bool) -> Option<Vec<&str>> {
        split(field, person).map(|(p, _)| p)
    }

    #[test]
    fn comma_joined_aliases_split() {
        assert_eq!(
            parts("AO VNII Signal, JSC VNII Signal", false),
            Some(vec!["AO VNII Signal", "JSC VNII Signal"])
        );
        assert_eq!(
            split("LLC CST, a.k.a. ZALA Aero,a.k.a. OOO TsST", false),
            Some((vec!["LLC CST", "ZALA Aero", "OOO TsST"], Split::Marked))
        );
        assert_eq!(
            split("Qasim Soleimani; Qasem Sulaimani", true),
            Some((vec!["Qasim Soleimani", "Qasem Sulaimani"], Split::Marked))
        );
    }

    #[test]
    fn one_name_with_commas_stays_whole() {
        assert_eq!(parts("KIM, Jong Un", true), None);
        assert_eq!(parts("Fjamel Moustfa (born 1973, Tiaret)", true), None);
        assert_eq!(
            parts("Abid Hammadou, born 12 Dec. 1965, Algeria", true),
            None
        );
        assert_eq!(parts("ISIL (ISIL-SEA, ISIL-South East Asia)", false), None);
        assert_eq!(parts("Yury（Yuri, Yurii） Slyusar", true), None);
        assert_eq!(parts("CO.,LTD", false), None);
        assert_eq!(parts("No separator", false), None);
        assert_eq!(parts("Trailing,", false), None);
    }

    /// Whether each part of an organisation's field is a name of its own.
    fn named(field: &str) -> Vec<bool> {
        let (parts, how) = split(field, false).expect("a joined field");
        parts
            .iter()
            .map(|s| is_name(&PreparedName::new(s, NameKind::Organization), how))
            .collect()
    }

    #[test]
    fn legal_forms_and_single_words_after_a_comma_are_no_names() {
        assert_eq!(named("TOYS FACTORY, S.A. DE C.V."), vec![true, false]);
        assert_eq!(
            named("MOLECULAR INSTITUTE, JOINT STOCK COMPANY"),
            vec![true, false]
        );
        assert_eq!(named("Moscow, Russia Trading"), vec![false, true]);
        assert_eq!(named("VTA Command, a.k.a. VTA"), vec![true, true]);
        assert_eq!(
            named(
                "OOO TsST, a.k.a. Limited Liability Company CST, a.k.a. ZALA Aero, a.k.a. LLC CST"
            ),
            vec![true, true, true, true]
        );
    }

    #[test]
    fn a_parent_beside_the_entity_is_no_variant() {
        let variants = |field: &str| {
            let (parts, _) = split(field, false).expect("a joined field");
            let prepared: Vec<PreparedName> = parts
                .iter()
                .map(|s| PreparedName::new(s, NameKind::Organization))
                .collect();
            are_variants(&prepared.iter().collect::<Vec<_>>())
        };
        assert!(variants("AO VNII Signal, JSC VNII Signal"));
        assert!(variants(
            "Korea Changgwang Credit Bank, Changgwang Credit Bank"
        ));
        assert!(!variants(
            "Changgwang Credit Bank, Changgwang Bank, KCCB Trading"
        ));
        assert!(!variants("Tactical Missile Corporation, TRV Engineering"));
    }
}
