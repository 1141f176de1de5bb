//! Cross-list grouping: records on different lists that are the same person or organisation.
//!
//! Two records are joined when the data supports it:
//! - persons or organisations whose records cite the same UN Security Council reference number
//!   (`KPi.033`), or one is the UN record with that reference, with names that agree at least
//!   loosely (a record that cites another's reference in a remark is not that record); a
//!   ship's record cites its owner's reference, so ships are not joined by it;
//! - persons: the same name (compared by Korean syllable keys or by folded tokens, in any
//!   order) and the same full birth date;
//! - persons: the same full birth date (not a `YYYY-01-01` that stands for a year) and names
//!   of two words or more that agree better than a screening match needs
//!   (`GUCHAYEV Zaurbek` = `GUCHAEV ZAURBEK SALIMOVICH`);
//! - the same identifier number (passport, national id, tax or registration number, IMO,
//!   MMSI) on records of the same kind, with names that agree at least loosely (a vessel's
//!   IMO number alone: ships are renamed);
//! - a record that says it transposes a UN designation (the UK list's `Designation source: UN`)
//!   and exactly one UN record of its kind with the same name (in any of their names);
//! - organisations, vessels: the same name of at least two distinctive words and 10 letters.
//!
//! Only groups spanning two or more sources are reported; the group id is the UN reference
//! when there is one, else the smallest member id.

use cordon_model::{Entity, Schema, prop};
use cordon_text::TokenClass;
use std::hash::Hasher;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::evidence::without_imo_prefix;
use crate::names::{NameWords, PreparedName, score_ceiling, score_names_with};

/// An identifier carried by more records than this is not one record's (a placeholder, a
/// number a list attached to everyone of a network): it joins nothing.
const MAX_RECORDS_PER_IDENTIFIER: usize = 4;
/// How well two records' names must agree for a shared identifier or UN reference to join
/// them ([`NameCheck::Loose`]).
const NAME_FLOOR_WITH_IDENTIFIER: f64 = 0.5;
/// At most this many names of a record are compared with another's (aliases run to dozens).
const NAMES_COMPARED: usize = 8;
/// A birth date shared by more persons than this is a placeholder (`1900-01-01`): it joins
/// nothing on its own.
const MAX_PERSONS_PER_BIRTH_DATE: usize = 64;
/// How well the names of two persons born the same day must agree to be one person
/// ([`NameCheck::Close`]): above a screening match, since nothing else vouches for it.
const NAME_FLOOR_WITH_BIRTH_DATE: f64 = 0.8;

/// Group assignment for every entity of an index.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    of: Vec<Option<u32>>,
    ids: Vec<String>,
    members: Vec<Vec<u32>>,
}

/// Finds UN reference numbers (`KPi.033`, `QDe.001`) in a text.
pub fn un_references(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    // Every reference has its dot fourth: look only around the dots (notes run to kilobytes).
    for dot in memchr::memchr_iter(b'.', b) {
        let Some(i) = dot.checked_sub(3) else {
            continue;
        };
        let w = b.get(i..i + 7).unwrap_or(&[]);
        let ok = matches!(w, [a, c, k, b'.', d1, d2, d3]
            if a.is_ascii_uppercase() && c.is_ascii_uppercase() && (*k == b'i' || *k == b'e')
            && d1.is_ascii_digit() && d2.is_ascii_digit() && d3.is_ascii_digit());
        let boundary_before = i == 0 || !b.get(i - 1).is_some_and(u8::is_ascii_alphanumeric);
        let boundary_after = !b.get(i + 7).is_some_and(u8::is_ascii_digit);
        if ok
            && boundary_before
            && boundary_after
            && let Some(r) = s.get(i..i + 7)
        {
            out.push(r.to_owned());
        }
    }
    out
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while let Some(&p) = parent.get(x as usize) {
        if p == x {
            break;
        }
        let gp = parent.get(p as usize).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(x as usize) {
            *slot = gp;
        }
        x = gp;
    }
    x
}

fn name_key(n: &PreparedName) -> Option<String> {
    let f = n.forms.first()?;
    if let Some(r) = f.korean.first() {
        let s: Vec<&str> = r.surname.iter().map(|s| s.key.as_str()).collect();
        let g: Vec<&str> = r.given.iter().map(|s| s.key.as_str()).collect();
        return Some(format!("k:{}|{}", s.join("."), g.join(".")));
    }
    let mut toks: Vec<&str> = f
        .tokens
        .iter()
        .filter(|t| matches!(t.class, TokenClass::Word | TokenClass::Number))
        .map(|t| t.latin.as_str())
        .collect();
    toks.sort_unstable();
    Some(format!("t:{}", toks.join(" ")))
}

/// Records of one kind (person, ship, organisation) are joined only with their kind.
fn kind_tag(schema: Schema) -> &'static str {
    match schema {
        Schema::Person => "p",
        Schema::Vessel => "v",
        Schema::Company | Schema::Organization | Schema::LegalEntity => "o",
        _ => "x",
    }
}

/// The properties that carry a record's identifier numbers.
fn identifier_props(schema: Schema) -> &'static [&'static str] {
    match schema {
        Schema::Person => &[prop::PASSPORT_NUMBER, prop::ID_NUMBER, prop::TAX_NUMBER],
        Schema::Vessel => &[prop::IMO_NUMBER, prop::MMSI],
        Schema::Company | Schema::Organization | Schema::LegalEntity => &[
            prop::REGISTRATION_NUMBER,
            prop::TAX_NUMBER,
            prop::ID_NUMBER,
            prop::IMO_NUMBER,
        ],
        _ => &[],
    }
}

/// How well two records' names must agree for a piece of evidence to join them.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum NameCheck {
    /// The evidence decides alone (a ship's IMO number).
    None,
    /// At least loosely: the evidence decides, the names only stop a number copied onto the
    /// wrong record.
    Loose,
    /// Closely, by names of two words or more: nothing else vouches for it.
    Close,
}

/// The identifier numbers in one value as the lists write them (`RL 2274078`,
/// `M2719127 (Australia)`, `B/011641`, `Russian foreign travel passport number 620169661`,
/// `IMO5878589`), upper-case alphanumerics only: the whole value when it is a number with a
/// prefix or separators, and each word of it with at least five digits. Shorter numbers are
/// not told apart from dates and house numbers.
pub(crate) fn identifier_numbers(value: &str) -> Vec<String> {
    let is_number = |s: &str| s.len() >= 6 && s.bytes().filter(u8::is_ascii_digit).count() >= 5;
    let mut out = Vec::new();
    // Without the parenthesised remarks (`(Australia)`, `(valid until …)`).
    let mut bare = String::with_capacity(value.len());
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    // The whole value, unless it has words in it (a long word of letters is prose).
    let has_prose = bare
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w.chars().count() >= 4);
    if !has_prose {
        let whole: String = bare
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let whole = without_imo_prefix(whole);
        if is_number(&whole) && whole.len() <= 24 {
            out.push(whole);
        }
    }
    for word in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        let word = without_imo_prefix(word.to_ascii_uppercase());
        if is_number(&word) && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// Whether two records' names agree as `check` demands: any of the first
/// [`NAMES_COMPARED`] names of one against any of the other's.
fn names_agree<'a>(
    a: impl Iterator<Item = &'a PreparedName>,
    b: impl Iterator<Item = &'a PreparedName>,
    check: NameCheck,
) -> bool {
    let (floor, close) = match check {
        NameCheck::None => return true,
        NameCheck::Loose => (NAME_FLOOR_WITH_IDENTIFIER, false),
        NameCheck::Close => (NAME_FLOOR_WITH_BIRTH_DATE, true),
    };
    // A one-word alias (`Muhammad`) says too little to join on by name alone.
    let usable = |n: &&PreparedName| {
        !close
            || n.forms
                .first()
                .is_some_and(|f| f.strong_tokens().nth(1).is_some())
    };
    let b: SmallVec<[(&PreparedName, SoundKeys); 8]> = b
        .take(NAMES_COMPARED)
        .filter(usable)
        .map(|n| (n, sound_keys(n)))
        .collect();
    a.take(NAMES_COMPARED).filter(usable).any(|q| {
        let words = NameWords::new(q);
        let q_sounds = sound_keys(q);
        b.iter().any(|(c, c_sounds)| {
            // Two names that close share the sound of a word: most pairs of persons born on
            // one day are turned away here, before scoring.
            (!close || shares_a_sound(&q_sounds, c_sounds))
                && score_ceiling(q, c) >= floor
                && score_names_with(q, &words, c).score >= floor
        })
    })
}

/// The sounds of a name's words in all its forms, sorted: the phonetic key of each strong
/// word and each Korean syllable key, hashed.
type SoundKeys = SmallVec<[u64; 16]>;

fn sound_keys(n: &PreparedName) -> SoundKeys {
    let hash = |tag: u8, s: &str| {
        let mut h = rustc_hash::FxHasher::default();
        h.write_u8(tag);
        h.write(s.as_bytes());
        h.finish()
    };
    let mut keys = SoundKeys::new();
    for f in &n.forms {
        keys.extend(
            f.strong_tokens()
                .filter(|t| !t.key.is_empty())
                .map(|t| hash(b'w', &t.key)),
        );
        for r in &f.korean {
            keys.extend(
                r.surname
                    .iter()
                    .chain(&r.given)
                    .map(|s| hash(b'k', s.key.as_str())),
            );
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Whether two sorted key lists have a key in common.
fn shares_a_sound(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Whether a record says it transposes a UN Security Council designation.
fn transposes_un_designation(e: &Entity) -> bool {
    e.get(prop::NOTES).iter().any(|n| {
        n.strip_prefix(prop::DESIGNATION_SOURCE_NOTE)
            .is_some_and(|source| source.trim() == "UN")
    })
}

/// Whether two records are one by their datasets: records of one list are not joined here
/// (a list does not list one person twice on purpose).
fn from_other_lists(a: &Entity, b: &Entity) -> bool {
    !a.datasets.iter().any(|d| b.datasets.contains(d))
}

impl Groups {
    /// `names_of(i)`: entity `i`'s analysed names, its first name first.
    pub(crate) fn build<'a, I>(entities: &[Entity], names_of: impl Fn(usize) -> I + Sync) -> Groups
    where
        I: Iterator<Item = &'a PreparedName>,
    {
        let n = entities.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        let mut keys: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut identifiers: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut birth_dates: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
        let mut un_refs: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        // UN records by kind and name key, and the records that transpose a UN designation
        // without citing its reference.
        let mut un_names: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut from_un: Vec<u32> = Vec::new();
        // The UN records, by their own reference: a group holding one is named after it.
        let mut own_un_ref: FxHashMap<u32, String> = FxHashMap::default();
        for (i, e) in entities.iter().enumerate() {
            let i32_ = i as u32;
            // The UN record itself, or a record citing one reference (a record citing many,
            // a remark listing associates, is not one of them).
            let own = un_references(&e.id).pop();
            let reference = own.clone().or_else(|| {
                let mut refs: Vec<String> = e
                    .properties
                    .values()
                    .flatten()
                    .filter(|v| v.len() >= 7)
                    .flat_map(|v| un_references(v))
                    .collect();
                refs.sort();
                refs.dedup();
                (refs.len() == 1).then(|| refs.pop()).flatten()
            });
            // The UN designates persons and organisations; a ship (or wallet) citing a
            // reference cites its owner's, which several ships share.
            if let Some(r) = &reference
                && let tag @ ("p" | "o") = kind_tag(e.schema)
            {
                un_refs.entry(format!("{tag}:{r}")).or_default().push(i32_);
            }
            let by_name =
                |n: &PreparedName| name_key(n).map(|k| format!("{}:{k}", kind_tag(e.schema)));
            if let Some(r) = own {
                own_un_ref.insert(i32_, r);
                for key in names_of(i).filter_map(by_name) {
                    let slot = un_names.entry(key).or_default();
                    if !slot.contains(&i32_) {
                        slot.push(i32_);
                    }
                }
            } else if reference.is_none() && transposes_un_designation(e) {
                from_un.push(i32_);
            }
            for p in identifier_props(e.schema) {
                for v in e.get(p) {
                    for number in identifier_numbers(v) {
                        let slot = identifiers
                            .entry(format!("{}:{number}", kind_tag(e.schema)))
                            .or_default();
                        if !slot.contains(&i32_) {
                            slot.push(i32_);
                        }
                    }
                }
            }
            let Some(name) = names_of(i).next().and_then(name_key) else {
                continue;
            };
            match e.schema {
                Schema::Person => {
                    for d in e.get(prop::BIRTH_DATE) {
                        if d.len() == 10 && d.as_bytes().get(4) == Some(&b'-') {
                            keys.entry(format!("p:{name}:{d}")).or_default().push(i32_);
                            // `YYYY-01-01` is how many lists write a year alone.
                            if !d.ends_with("-01-01") {
                                let slot = birth_dates.entry(d).or_default();
                                if !slot.contains(&i32_) {
                                    slot.push(i32_);
                                }
                            }
                        }
                    }
                }
                Schema::CryptoWallet | Schema::LegalEntity => {}
                s => {
                    let letters = name.chars().filter(|c| c.is_alphanumeric()).count();
                    if name.starts_with("t:") && name.matches(' ').count() >= 1 && letters >= 10 {
                        let class = if s == Schema::Vessel { "v" } else { "o" };
                        keys.entry(format!("{class}:{name}"))
                            .or_default()
                            .push(i32_);
                    }
                }
            }
        }
        let join = |parent: &mut [u32], a: u32, b: u32| {
            let (a, b) = (find(parent, a), find(parent, b));
            if a != b
                && let Some(slot) = parent.get_mut(a.max(b) as usize)
            {
                *slot = a.min(b);
            }
        };
        for members in keys.values() {
            if let Some((&first, rest)) = members.split_first() {
                for &m in rest {
                    join(&mut parent, first, m);
                }
            }
        }
        // The fuzzy joins: pairs of records from different lists whose names agree well
        // enough for the evidence they share. Each pair is judged on its two records alone,
        // so the pairs are judged in parallel and joined after, in any order.
        let entity = |i: u32| entities.get(i as usize);
        let mut pairs: Vec<(u32, u32, NameCheck)> = Vec::new();
        let mut add_pairs = |members: &[u32], check: NameCheck| {
            for (k, &a) in members.iter().enumerate() {
                for &b in members.get(k + 1..).unwrap_or_default() {
                    if let (Some(ea), Some(eb)) = (entity(a), entity(b))
                        && from_other_lists(ea, eb)
                    {
                        pairs.push((a.min(b), a.max(b), check));
                    }
                }
            }
        };
        for members in un_refs.values() {
            add_pairs(members, NameCheck::Loose);
        }
        for (key, members) in &identifiers {
            if (2..=MAX_RECORDS_PER_IDENTIFIER).contains(&members.len()) {
                // A ship keeps its IMO number through every renaming.
                let check = if key.starts_with("v:") {
                    NameCheck::None
                } else {
                    NameCheck::Loose
                };
                add_pairs(members, check);
            }
        }
        for members in birth_dates.values() {
            if (2..=MAX_PERSONS_PER_BIRTH_DATE).contains(&members.len()) {
                add_pairs(members, NameCheck::Close);
            }
        }
        // A pair that several pieces of evidence name is judged by the least demanding.
        pairs.sort_unstable_by_key(|&(a, b, check)| (a, b, check as u8));
        pairs.dedup_by_key(|&mut (a, b, _)| (a, b));
        let agreed: Vec<(u32, u32)> = pairs
            .par_iter()
            .filter(|&&(a, b, check)| {
                names_agree(names_of(a as usize), names_of(b as usize), check)
            })
            .map(|&(a, b, _)| (a, b))
            .collect();
        for (a, b) in agreed {
            join(&mut parent, a, b);
        }
        for &i in &from_un {
            let tag = entity(i).map_or("x", |e| kind_tag(e.schema));
            let mut found: SmallVec<[u32; 2]> = SmallVec::new();
            for key in names_of(i as usize).filter_map(name_key) {
                for &u in un_names
                    .get(&format!("{tag}:{key}"))
                    .map_or(&[][..], Vec::as_slice)
                {
                    if !found.contains(&u) {
                        found.push(u);
                    }
                }
            }
            // Two UN records of that name: which one it transposes is not known.
            if let [u] = found[..] {
                join(&mut parent, i, u);
            }
        }
        let mut by_root: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for i in 0..n as u32 {
            let r = find(&mut parent, i);
            by_root.entry(r).or_default().push(i);
        }
        let mut g = Groups {
            of: vec![None; n],
            ids: Vec::new(),
            members: Vec::new(),
        };
        let mut roots: Vec<_> = by_root.into_values().filter(|m| m.len() > 1).collect();
        roots.sort();
        for members in roots {
            let mut sources: Vec<&str> = members
                .iter()
                .filter_map(|&m| entities.get(m as usize))
                .flat_map(|e| e.datasets.iter().map(String::as_str))
                .collect();
            sources.sort_unstable();
            sources.dedup();
            if sources.len() < 2 {
                continue;
            }
            let id = members
                .iter()
                .find_map(|m| own_un_ref.get(m).cloned())
                .map(|r| format!("un:{r}"))
                .or_else(|| {
                    members
                        .iter()
                        .filter_map(|&m| entities.get(m as usize).map(|e| e.id.clone()))
                        .min()
                })
                .unwrap_or_default();
            let gi = g.ids.len() as u32;
            g.ids.push(id);
            for &m in &members {
                if let Some(slot) = g.of.get_mut(m as usize) {
                    *slot = Some(gi);
                }
            }
            g.members.push(members);
        }
        g
    }

    pub(crate) fn group(&self, entity: usize) -> Option<&str> {
        let gi = (*self.of.get(entity)?)?;
        self.ids.get(gi as usize).map(String::as_str)
    }

    pub(crate) fn members(&self, entity: usize) -> &[u32] {
        self.of
            .get(entity)
            .copied()
            .flatten()
            .and_then(|gi| self.members.get(gi as usize))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_un_references() {
        assert_eq!(
            un_references("UN Ref KPi.033; also KPe.001."),
            ["KPi.033", "KPe.001"]
        );
        assert!(un_references("XKPi.0334").is_empty());
        assert!(un_references("").is_empty());
        assert_eq!(
            un_references("KPi.033KPi.034 .QDe.001"),
            ["KPi.033", "QDe.001"]
        );
    }

    /// The scan every window at a time that the dot search replaced.
    fn un_references_by_window(s: &str) -> Vec<String> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i + 7 <= b.len() {
            let w = &b[i..i + 7];
            let ok = matches!(w, [a, c, k, b'.', d1, d2, d3]
                if a.is_ascii_uppercase() && c.is_ascii_uppercase() && (*k == b'i' || *k == b'e')
                && d1.is_ascii_digit() && d2.is_ascii_digit() && d3.is_ascii_digit());
            let before = i == 0 || !b[i - 1].is_ascii_alphanumeric();
            let after = !b.get(i + 7).is_some_and(u8::is_ascii_digit);
            if ok && before && after {
                out.push(s[i..i + 7].to_owned());
                i += 7;
            } else {
                i += 1;
            }
        }
        out
    }

    #[test]
    fn finds_identifier_numbers_as_lists_write_them() {
        // The number as one, and its long part alone (another list may leave the series out).
        assert_eq!(identifier_numbers("RL 2274078"), ["RL2274078", "2274078"]);
        assert_eq!(identifier_numbers("M2719127 (Australia)"), ["M2719127"]);
        assert_eq!(identifier_numbers("B/011641"), ["B011641", "011641"]);
        assert_eq!(identifier_numbers("IMO5878589"), ["5878589"]);
        assert_eq!(identifier_numbers("IMO 5878589"), ["5878589"]);
        assert_eq!(
            identifier_numbers("Russian foreign travel passport number 620169661"),
            ["620169661"]
        );
        // Separators within one number: the whole value, and each long part.
        assert_eq!(identifier_numbers("5003 593303"), ["5003593303", "593303"]);
        // Dates and short numbers are not identifiers.
        assert!(identifier_numbers("issued on 31.7.2012").is_empty());
        assert!(identifier_numbers("No 3440").is_empty());
        assert!(identifier_numbers("").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn identifier_numbers_are_upper_case_alphanumerics(s in "\\PC{0,40}") {
            for n in identifier_numbers(&s) {
                proptest::prop_assert!(n.len() >= 6);
                proptest::prop_assert!(n.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            }
        }

        #[test]
        fn dot_search_finds_what_the_window_scan_found(s in "[KPQDie.0-9 a]{0,40}") {
            proptest::prop_assert_eq!(un_references(&s), un_references_by_window(&s));
        }
    }
}
