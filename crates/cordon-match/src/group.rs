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

use cordon_model::{DateValue, Entity, Schema, prop};
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

/// A word carried by the names of more records of one kind on some list than this is a
/// common one (`Petrov`, `Valerievich`, and a family's surname): a name needs a rarer word to
/// be one person's by the name alone, however few records hold the whole name.
const MAX_RECORDS_PER_RARE_WORD: u32 = 4;
/// A person's name joins on a shared regime alone only with this many words: a surname, a
/// given name and a patronymic or second surname.
const MIN_WORDS_NAME_ALONE: usize = 3;

/// Sanctions regimes, each by the words its programmes carry on the five lists (OFAC's
/// programme codes, the EU's `EU-XXX`, the UK's and the UN's regime names, Japan's sheet
/// names). Records under no common regime are not joined by their names.
const REGIMES: &[&[&str]] = &[
    // Russia and its war on Ukraine: the EU's and OFAC's Ukraine programmes, Japan's Crimea
    // sheets.
    &[
        "EU-RUS",
        "EU-UKR",
        "RUSSIA",
        "UKRAINE-EO",
        "ロシア",
        "クリミア",
    ],
    &["EU-BLR", "BELARUS", "ベラルーシ"],
    &["EU-IRN", "IRAN", "IFSR", "IRGC", "イラン"],
    &["EU-PRK", "DPRK", "KOREA", "北朝鮮"],
    // ISIL and Al-Qaida; Japan lists them on its Taliban sheet.
    &[
        "EU-TAQA",
        "AL-QAIDA",
        "ISIL",
        "SDGT",
        "FTO",
        "COUNTER-TERRORISM",
        "EU-TERR",
        "タリバーン",
        "テロリスト",
    ],
    &["EU-AFG", "TALIBAN", "AFGHANISTAN", "タリバーン"],
    &["EU-SYR", "SYRIA", "シリア"],
    &["EU-IRQ", "IRAQ", "イラク"],
    &["EU-COD", "DRC", "DRCONGO", "CONGO", "コンゴ"],
    &["EU-LBY", "LIBYA", "リビア"],
    &["EU-SOM", "SOMALIA", "ソマリア"],
    &["EU-CAF", "CAR", "CENTRAL AFRICAN", "中央アフリカ"],
    &["EU-SDN", "EU-SSD", "SUDAN", "SOUTHSUDAN", "スーダン"],
    &["EU-YEM", "YEMEN", "イエメン"],
    &["EU-HTI", "HAITI", "ハイチ"],
    &["EU-VEN", "VENEZUELA"],
    &["EU-MMR", "BURMA", "MYANMAR"],
    &["EU-NIC", "NICARAGUA"],
    &["EU-CYB", "CYBER"],
    &["EU-HR", "GLOMAG", "GLOBAL HUMAN RIGHTS"],
    &["EU-CHEM", "CHEMICAL"],
];

/// The regimes (bits of [`REGIMES`]) a programme falls under. A programme word counts only
/// as a whole word (`CAR`, not `CARIBBEAN`; `DPRK3` is `DPRK`'s).
fn program_regimes(program: &str) -> u32 {
    let upper = program.to_uppercase();
    let text = upper.as_bytes();
    let mut bits = 0u32;
    for (bit, words) in REGIMES.iter().enumerate() {
        // Programme names are short: a plain scan beats building a searcher per word.
        let found = words.iter().any(|w| {
            let w = w.as_bytes();
            (0..=text.len().saturating_sub(w.len())).any(|at| {
                text.get(at..at + w.len()) == Some(w)
                    && !at
                        .checked_sub(1)
                        .and_then(|b| text.get(b))
                        .is_some_and(u8::is_ascii_alphabetic)
                    && !text.get(at + w.len()).is_some_and(u8::is_ascii_alphabetic)
            })
        });
        if found {
            bits |= 1 << bit;
        }
    }
    bits
}

/// [`program_regimes`] of every programme the records name, each read once (a few hundred
/// programmes name tens of thousands of records).
fn regimes_by_program(entities: &[Entity]) -> FxHashMap<&str, u32> {
    let mut out: FxHashMap<&str, u32> = FxHashMap::default();
    for p in entities.iter().flat_map(|e| e.get(prop::PROGRAM)) {
        if !out.contains_key(p.as_str()) {
            out.insert(p, program_regimes(p));
        }
    }
    out
}

/// A day as a number that orders dates (not a count of days: months are 32 days long).
fn day_number((year, month, day): (u16, u8, u8)) -> u32 {
    u32::from(year) * 416 + u32::from(month) * 32 + u32::from(day)
}

/// The days a birth date allows: a circa date a year either side, and `YYYY-01-01`, how many
/// lists write a year alone, its whole year.
fn birth_span(d: &DateValue) -> (u32, u32) {
    let year = |y: u16| (day_number((y, 1, 1)), day_number((y, 12, 31)));
    match d {
        DateValue::Exact(p) if (p.month, p.day) == (Some(1), Some(1)) => year(p.year),
        DateValue::Circa(p) => (
            year(p.year.saturating_sub(1)).0,
            year(p.year.saturating_add(1)).1,
        ),
        _ => {
            let (from, to) = d.bounds();
            (day_number(from), day_number(to))
        }
    }
}

/// What a record says beyond its names, read once, to tell whether two records conflict.
#[derive(Default)]
struct Facts {
    /// Its birth dates as spans of days ([`birth_span`]).
    births: SmallVec<[(u32, u32); 2]>,
    gender: Option<String>,
    /// Its identifier numbers, each with the index of its property in [`identifier_props`].
    numbers: SmallVec<[(u8, String); 2]>,
    /// The regimes of its programmes ([`program_regimes`]).
    regimes: u32,
}

impl Facts {
    fn of(e: &Entity, regimes: &FxHashMap<&str, u32>) -> Facts {
        let births = if e.schema == Schema::Person {
            e.birth_dates().iter().map(birth_span).collect()
        } else {
            SmallVec::new()
        };
        let mut numbers = SmallVec::new();
        for (k, p) in identifier_props(e.schema).iter().enumerate() {
            for v in e.get(p) {
                for n in identifier_numbers(v) {
                    numbers.push((k as u8, n));
                }
            }
        }
        Facts {
            births,
            gender: e.get(prop::GENDER).first().map(|g| g.trim().to_lowercase()),
            numbers,
            regimes: e.get(prop::PROGRAM).iter().fold(0, |bits, p| {
                bits | regimes.get(p.as_str()).copied().unwrap_or(0)
            }),
        }
    }

    /// Whether some birth date of each allows the same day.
    fn born_alike(&self, other: &Facts) -> bool {
        overlap(&self.births, &other.births, |span| span)
    }
}

/// Whether some span of `a` and some span of `b` overlap, each read through `widen`.
fn overlap(a: &[(u32, u32)], b: &[(u32, u32)], widen: impl Fn((u32, u32)) -> (u32, u32)) -> bool {
    a.iter().any(|&x| {
        let (from, to) = widen(x);
        b.iter().any(|&y| {
            let (o_from, o_to) = widen(y);
            from <= o_to && o_from <= to
        })
    })
}

/// A span of days widened to whole years and a year either side (as screening reads a birth
/// year off by one: neither for nor against).
fn years_near((from, to): (u32, u32)) -> (u32, u32) {
    let year = |d: u32| u16::try_from(d / 416).unwrap_or(u16::MAX);
    (
        day_number((year(from).saturating_sub(1), 1, 1)),
        day_number((year(to).saturating_add(1), 12, 31)),
    )
}

/// Whether two groups of records cannot be one, by what their records say together (a group
/// is one person with every birth date its lists give): birth dates that allow no common day
/// (under [`ConflictCheck::Person`], years more than one apart: a shared identifier outweighs
/// a day, a month or a year a list wrote wrong), different genders, or (under [`ConflictCheck::All`])
/// identifier numbers of one kind on both and none shared.
fn groups_conflict<'f>(a: &[&'f Facts], b: &[&'f Facts], check: ConflictCheck) -> bool {
    if check == ConflictCheck::None {
        return false;
    }
    let births = |g: &[&Facts]| -> SmallVec<[(u32, u32); 4]> {
        g.iter().flat_map(|f| f.births.iter().copied()).collect()
    };
    let (births_a, births_b) = (births(a), births(b));
    if !births_a.is_empty() && !births_b.is_empty() {
        let agree = if check == ConflictCheck::All {
            overlap(&births_a, &births_b, |span| span)
        } else {
            overlap(&births_a, &births_b, years_near)
        };
        if !agree {
            return true;
        }
    }
    let genders = |g: &[&'f Facts]| -> SmallVec<[&'f str; 2]> {
        g.iter().filter_map(|f| f.gender.as_deref()).collect()
    };
    let (genders_a, genders_b) = (genders(a), genders(b));
    if !genders_a.is_empty()
        && !genders_b.is_empty()
        && !genders_a.iter().any(|g| genders_b.contains(g))
    {
        return true;
    }
    let numbers = |g: &[&Facts]| -> SmallVec<[(u8, String); 4]> {
        g.iter().flat_map(|f| f.numbers.iter().cloned()).collect()
    };
    check == ConflictCheck::All && {
        let (numbers_a, numbers_b) = (numbers(a), numbers(b));
        numbers_a
            .iter()
            .any(|(k, _)| numbers_b.iter().any(|(ok, _)| ok == k))
            && !numbers_a
                .iter()
                .any(|(_, n)| numbers_b.iter().any(|(_, on)| on == n))
    }
}

/// What must not conflict for a join ([`Facts::conflict`]), checked between every two
/// records of the two groups it would merge.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ConflictCheck {
    /// Nothing: a ship's IMO number is the ship.
    None,
    /// Birth years and gender: the evidence that joins (a shared reference, identifier or
    /// birth date) outweighs identifiers a list may have from another year and a birth date
    /// a list wrote wrong by a day, a month or a year.
    Person,
    /// Everything, identifiers too: the join rests on a name.
    All,
}

/// Union-find over the records, which refuses a join that would put two records whose facts
/// conflict into one group.
struct Joiner<'a> {
    parent: Vec<u32>,
    /// Per root, its group's records.
    members: Vec<SmallVec<[u32; 1]>>,
    facts: &'a [Facts],
}

impl<'a> Joiner<'a> {
    fn new(facts: &'a [Facts]) -> Self {
        let n = facts.len() as u32;
        Joiner {
            parent: (0..n).collect(),
            members: (0..n).map(|i| SmallVec::from_elem(i, 1)).collect(),
            facts,
        }
    }

    fn root(&mut self, x: u32) -> u32 {
        find(&mut self.parent, x)
    }

    /// Joins the groups of `a` and `b` unless they conflict ([`groups_conflict`]); whether
    /// they are now one group.
    fn join(&mut self, a: u32, b: u32, check: ConflictCheck) -> bool {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return true;
        }
        let (ga, gb) = (
            self.members.get(ra as usize).map_or(&[][..], |m| &m[..]),
            self.members.get(rb as usize).map_or(&[][..], |m| &m[..]),
        );
        let facts_of = |g: &[u32]| -> SmallVec<[&Facts; 4]> {
            g.iter()
                .filter_map(|&x| self.facts.get(x as usize))
                .collect()
        };
        if groups_conflict(&facts_of(ga), &facts_of(gb), check) {
            return false;
        }
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        let moved = self
            .members
            .get_mut(gone as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        if let Some(slot) = self.members.get_mut(keep as usize) {
            slot.extend(moved);
        }
        if let Some(slot) = self.parent.get_mut(gone as usize) {
            *slot = keep;
        }
        true
    }
}

/// Legal forms by the law they are of: two organisations whose names carry forms of no common
/// law (`BitRiver LLC`, `BITRIVER AG`) are a group's companies in two countries, not one.
/// Forms any law has (`company`, `co`, `corporation`, `inc`) are in none.
const LEGAL_FORM_FAMILIES: &[&[&str]] = &[
    // Russian and other CIS forms, and how lists translate them.
    &[
        "llc", "ooo", "jsc", "ojsc", "cjsc", "pjsc", "zao", "oao", "pao", "ao", "tov", "too", "llp",
    ],
    &["ag", "gmbh", "kg"],
    &["ltd", "limited", "plc"],
    &["sa", "sarl", "srl", "spa", "sas", "ltda"],
    &["bv", "nv"],
    &["fze", "fzco", "fzc", "fzllc", "dmcc"],
    &["pte", "pty", "pvt", "bhd", "sdn", "tbk"],
    &["kk", "kabushiki", "kaisha", "yugen", "gk"],
];

/// The families ([`LEGAL_FORM_FAMILIES`], as bits) of the legal forms in a name.
fn legal_form_families(n: &PreparedName) -> u32 {
    let mut bits = 0;
    for t in n.forms.first().into_iter().flat_map(|f| &f.tokens) {
        if t.class == TokenClass::LegalForm
            && let Some(family) = LEGAL_FORM_FAMILIES
                .iter()
                .position(|forms| forms.contains(&t.latin.as_str()))
        {
            bits |= 1 << family;
        }
    }
    bits
}

/// A record's name keys, for [`join_by_name_and_regime`].
#[derive(Default)]
struct RecordKeys {
    /// Of its names.
    names: SmallVec<[String; 2]>,
    /// Of its names and aliases.
    all: SmallVec<[String; 2]>,
    /// The families of its names' legal forms ([`legal_form_families`]).
    legal_forms: u32,
}

/// The joins a name makes with little else: persons or organisations on two lists under a
/// common regime ([`program_regimes`]) with a name or alias that reads the same (every word
/// but legal forms, in any order; weak aliases and previous names aside), where neither list
/// holds another record of that name, the name has a rare word ([`MAX_RECORDS_PER_RARE_WORD`])
/// and nothing conflicts: birth dates, gender, identifiers of one kind, and for organisations
/// their legal forms ([`LEGAL_FORM_FAMILIES`]). A person's records must also share a birth
/// date (to a year: `~1968`, `1960/1962`), unless one of them gives none and the name has
/// three words or more and is not a Korean name (a few hundred syllables make every North
/// Korean name). An organisation's name needs two words and five letters (`Strela`, arrow,
/// names many). Ships are left out: their names are reused, and they are renamed.
fn join_by_name_and_regime<'a, I>(
    entities: &[Entity],
    facts: &[Facts],
    names_of: &(impl Fn(usize) -> I + Sync),
    joiner: &mut Joiner<'_>,
) where
    I: Iterator<Item = &'a PreparedName>,
{
    // Per record: the keys of its names (the Japan list gives two, in Latin letters and in
    // katakana) and of its names and aliases, each after its kind's tag; and for an
    // organisation, its names' legal forms' families.
    let own_keys: Vec<RecordKeys> = entities
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            let tag = kind_tag(e.schema);
            if !matches!(tag, "p" | "o") || facts.get(i).is_none_or(|f| f.regimes == 0) {
                return RecordKeys::default();
            }
            // `names_of` gives names, then aliases, then previous names and weak aliases.
            let names = e.get(prop::NAME).len().max(1);
            let with_aliases = names + e.get(prop::ALIAS).len();
            let mut legal_forms = 0;
            let mut name_keys: SmallVec<[String; 2]> = SmallVec::new();
            let mut all: SmallVec<[String; 2]> = SmallVec::new();
            for (k, n) in names_of(i).take(with_aliases).enumerate() {
                let Some(key) = name_key_of(n, true) else {
                    continue;
                };
                let key = format!("{tag}:{key}");
                if k < names {
                    if tag == "o" {
                        legal_forms |= legal_form_families(n);
                    }
                    name_keys.push(key.clone());
                }
                all.push(key);
            }
            for keys in [&mut name_keys, &mut all] {
                keys.sort_unstable();
                keys.dedup();
            }
            RecordKeys {
                names: name_keys,
                all,
                legal_forms,
            }
        })
        .collect();
    let word_hash = |tag: &str, list: &str, word: &str| {
        let mut h = rustc_hash::FxHasher::default();
        h.write(tag.as_bytes());
        h.write_u8(0);
        h.write(list.as_bytes());
        h.write_u8(0);
        h.write(word.as_bytes());
        h.finish()
    };
    let mut by_key: FxHashMap<&str, SmallVec<[u32; 2]>> = FxHashMap::default();
    // Per (kind, list, word), hashed, how many records carry it (two words of one hash only
    // make both commoner: no join comes of it).
    let mut records_per_word: FxHashMap<u64, u32> = FxHashMap::default();
    let mut most_per_list: FxHashMap<u64, u32> = FxHashMap::default();
    for (i, (e, keys)) in entities.iter().zip(&own_keys).enumerate() {
        let list = e.datasets.first().map_or("", String::as_str);
        // Words are counted in names, not aliases: a record's aliases spell its own name
        // again, and would make its words look common.
        let mut words: SmallVec<[(&str, &str); 8]> = keys
            .names
            .iter()
            .filter_map(|k| k.split_at_checked(2))
            .filter_map(|(tag, k)| Some((tag, k.strip_prefix("t:")?)))
            .flat_map(|(tag, k)| k.split(' ').map(move |w| (tag, w)))
            .collect();
        words.sort_unstable();
        words.dedup();
        for (tag, w) in words {
            let n = records_per_word.entry(word_hash(tag, list, w)).or_default();
            *n += 1;
            let most = most_per_list.entry(word_hash(tag, "", w)).or_default();
            *most = (*most).max(*n);
        }
        for k in &keys.all {
            by_key.entry(k.as_str()).or_default().push(i as u32);
        }
    }
    let mut keys: Vec<(&&str, &SmallVec<[u32; 2]>)> =
        by_key.iter().filter(|(_, m)| m.len() >= 2).collect();
    keys.sort_unstable();
    for (key, members) in keys {
        let entity = |i: u32| entities.get(i as usize);
        // Two records of that name on one list: which one another list's is, is not known
        // (unless they are already one group: a list that lists a company under two acts).
        let mut ambiguous = false;
        for (k, &a) in members.iter().enumerate() {
            for &b in members.get(k + 1..).unwrap_or_default() {
                let same_list = entity(a)
                    .zip(entity(b))
                    .is_some_and(|(ea, eb)| !from_other_lists(ea, eb));
                if same_list && joiner.root(a) != joiner.root(b) {
                    ambiguous = true;
                }
            }
        }
        if ambiguous {
            continue;
        }
        let (tag, name) = key.split_at(2);
        let rare = name.strip_prefix("t:").is_some_and(|words| {
            words.split(' ').any(|w| {
                w.chars().count() >= 3
                    && most_per_list
                        .get(&word_hash(tag, "", w))
                        .is_some_and(|&n| n <= MAX_RECORDS_PER_RARE_WORD)
            })
        });
        let words = name.split(' ').count();
        // `rare` holds only for a name of words (`t:` and the words), not Korean syllables.
        let letters = name.chars().skip(2).filter(|c| c.is_alphanumeric()).count();
        if !rare || (tag == "o:" && (letters < 5 || words < 2)) {
            continue;
        }
        for (k, &a) in members.iter().enumerate() {
            for &b in members.get(k + 1..).unwrap_or_default() {
                let (Some(fa), Some(fb)) = (facts.get(a as usize), facts.get(b as usize)) else {
                    continue;
                };
                let forms = |i: u32| own_keys.get(i as usize).map_or(0, |k| k.legal_forms);
                let (forms_a, forms_b) = (forms(a), forms(b));
                if fa.regimes & fb.regimes == 0
                    || (forms_a != 0 && forms_b != 0 && forms_a & forms_b == 0)
                {
                    continue;
                }
                let evidence = tag == "o:"
                    || if !fa.births.is_empty() && !fb.births.is_empty() {
                        fa.born_alike(fb)
                    } else {
                        words >= MIN_WORDS_NAME_ALONE
                    };
                if evidence {
                    joiner.join(a, b, ConflictCheck::All);
                }
            }
        }
    }
}

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
    name_key_of(n, false)
}

/// A name's key ([`name_key`]); `with_generic` keeps the words common in organisation names
/// (`group`, `oil`, `trading`), which tell `GAZ Group` from `GAZ-OIL OOO`.
fn name_key_of(n: &PreparedName, with_generic: bool) -> Option<String> {
    let f = n.forms.first()?;
    if let Some(r) = f.korean.first() {
        let s: Vec<&str> = r.surname().iter().map(|s| s.key.as_str()).collect();
        let g: Vec<&str> = r.given().iter().map(|s| s.key.as_str()).collect();
        return Some(format!("k:{}|{}", s.join("."), g.join(".")));
    }
    let mut toks: Vec<&str> = f
        .tokens
        .iter()
        .filter(|t| match t.class {
            TokenClass::Word | TokenClass::Number => true,
            TokenClass::Generic => with_generic,
            TokenClass::LegalForm => false,
        })
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

/// Whether all the words (legal forms aside) of a name of one record, two at least, are
/// words of a name of the other's.
fn name_words_contained<'a>(
    a: impl Iterator<Item = &'a PreparedName>,
    b: impl Iterator<Item = &'a PreparedName>,
) -> bool {
    let words = |n: &PreparedName| -> Option<SmallVec<[String; 4]>> {
        let key = name_key_of(n, true)?;
        let words = key.strip_prefix("t:")?;
        Some(words.split(' ').map(str::to_owned).collect())
    };
    let b: SmallVec<[SmallVec<[String; 4]>; 2]> = b.filter_map(words).collect();
    a.filter_map(words).any(|wa| {
        b.iter().any(|wb| {
            let (small, big) = if wa.len() <= wb.len() {
                (&wa, wb)
            } else {
                (wb, &wa)
            };
            small.len() >= 2 && small.iter().all(|w| big.contains(w))
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
            keys.extend(r.syllables().iter().map(|s| hash(b'k', s.key.as_str())));
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

/// Whether a record says it transposes a UN Security Council designation: the UK list's
/// `Designation source: UN` (or `UK|UN`), the Japan list's UN listing date.
fn transposes_un_designation(e: &Entity) -> bool {
    e.get(prop::NOTES).iter().any(|n| {
        n.starts_with(prop::UN_LISTING_DATE_NOTE)
            || n.strip_prefix(prop::DESIGNATION_SOURCE_NOTE)
                .is_some_and(|source| source.split('|').any(|s| s.trim() == "UN"))
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
        let regimes = regimes_by_program(entities);
        let facts: Vec<Facts> = entities
            .par_iter()
            .map(|e| Facts::of(e, &regimes))
            .collect();
        let mut joiner = Joiner::new(&facts);
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
            for (_, number) in facts.get(i).map_or(&[][..], |f| &f.numbers[..]) {
                let slot = identifiers
                    .entry(format!("{}:{number}", kind_tag(e.schema)))
                    .or_default();
                if !slot.contains(&i32_) {
                    slot.push(i32_);
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
        for members in keys.values() {
            if let Some((&first, rest)) = members.split_first() {
                for &m in rest {
                    joiner.join(first, m, ConflictCheck::Person);
                }
            }
        }
        // The fuzzy joins: pairs of records from different lists whose names agree well
        // enough for the evidence they share. Each pair is judged on its two records alone,
        // so the pairs are judged in parallel and joined after, in any order.
        let entity = |i: u32| entities.get(i as usize);
        let mut pairs: Vec<(u32, u32, NameCheck)> = Vec::new();
        let add_pairs = |pairs: &mut Vec<_>, members: &[u32], check: NameCheck| {
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
            add_pairs(&mut pairs, members, NameCheck::Loose);
        }
        for (key, members) in &identifiers {
            if (2..=MAX_RECORDS_PER_IDENTIFIER).contains(&members.len()) {
                // A ship keeps its IMO number through every renaming.
                let check = if key.starts_with("v:") {
                    NameCheck::None
                } else {
                    NameCheck::Loose
                };
                add_pairs(&mut pairs, members, check);
            }
        }
        for members in birth_dates.values() {
            if (2..=MAX_PERSONS_PER_BIRTH_DATE).contains(&members.len()) {
                add_pairs(&mut pairs, members, NameCheck::Close);
            }
        }
        // A pair that several pieces of evidence name is judged by the least demanding.
        pairs.sort_unstable_by_key(|&(a, b, check)| (a, b, check as u8));
        pairs.dedup_by_key(|&mut (a, b, _)| (a, b));
        let own_names = |i: u32| {
            let own = entity(i).map_or(1, |e| e.get(prop::NAME).len().max(1));
            names_of(i as usize).take(own)
        };
        let agreed: Vec<(u32, u32, ConflictCheck)> = pairs
            .par_iter()
            .filter_map(|&(a, b, check)| {
                if names_agree(names_of(a as usize), names_of(b as usize), check) {
                    let conflicts = if check == NameCheck::None {
                        ConflictCheck::None
                    } else {
                        ConflictCheck::Person
                    };
                    return Some((a, b, conflicts));
                }
                // Persons born the same day, under one regime, one list's name all in the
                // other's (`Dmitriy Gonchar`, `Dmitriy Alekseevich GONCHAR`): a list that
                // leaves out the patronymic scores below the floor.
                let same_regime = facts
                    .get(a as usize)
                    .zip(facts.get(b as usize))
                    .is_some_and(|(fa, fb)| fa.regimes & fb.regimes != 0);
                (check == NameCheck::Close
                    && same_regime
                    && name_words_contained(own_names(a), own_names(b)))
                .then_some((a, b, ConflictCheck::All))
            })
            .collect();
        for (a, b, conflicts) in agreed {
            joiner.join(a, b, conflicts);
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
                joiner.join(i, u, ConflictCheck::Person);
            }
        }
        join_by_name_and_regime(entities, &facts, &names_of, &mut joiner);
        let mut parent = joiner.parent;
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

    #[test]
    fn programmes_of_five_lists_fall_under_their_regime() {
        let russia = program_regimes("EU-UKR");
        assert_ne!(russia, 0);
        for p in [
            "RUSSIA-EO14024",
            "UKRAINE-EO13660",
            "Russia",
            "JP-MOF クリミア等（個人）",
        ] {
            assert_eq!(program_regimes(p), russia, "{p}");
        }
        let dprk = program_regimes("DPRK3");
        assert_ne!(dprk, 0);
        assert_eq!(
            program_regimes("Democratic People's Republic of Korea"),
            dprk
        );
        assert_eq!(program_regimes("JP-MOF 北朝鮮(協調；個人)"), dprk);
        // A programme word counts as a whole word only.
        assert_eq!(program_regimes("CARIBBEAN"), 0);
        assert_ne!(program_regimes("CAR"), 0);
        assert_eq!(program_regimes("NPWMD"), 0);
    }

    fn facts(births: &[&str], gender: Option<&str>, passports: &[&str]) -> Facts {
        let mut e = Entity::new("x", Schema::Person);
        for b in births {
            e.add(prop::BIRTH_DATE, *b);
        }
        if let Some(g) = gender {
            e.add(prop::GENDER, g);
        }
        for p in passports {
            e.add(prop::PASSPORT_NUMBER, *p);
        }
        Facts::of(&e, &FxHashMap::default())
    }

    #[test]
    fn what_conflicts_depends_on_the_evidence_that_joins() {
        let conflict = |a: &Facts, b: &Facts, check| groups_conflict(&[a], &[b], check);
        let day = facts(&["1965-05-21"], None, &[]);
        let other_day = facts(&["1965-03-21"], None, &[]);
        let next_year = facts(&["1966-05-21"], None, &[]);
        let decade = facts(&["1975-05-21"], None, &[]);
        // A shared identifier outweighs a day, a month or a year a list wrote wrong.
        assert!(!conflict(&day, &other_day, ConflictCheck::Person));
        assert!(!conflict(&day, &next_year, ConflictCheck::Person));
        assert!(conflict(&day, &decade, ConflictCheck::Person));
        // A name does not.
        assert!(conflict(&day, &other_day, ConflictCheck::All));
        assert!(!conflict(
            &day,
            &facts(&["1965"], None, &[]),
            ConflictCheck::All
        ));
        // `~1966` allows 1965; `1965-01-01` is the year 1965.
        assert!(!conflict(
            &day,
            &facts(&["~1966"], None, &[]),
            ConflictCheck::All
        ));
        assert!(!conflict(
            &day,
            &facts(&["1965-01-01"], None, &[]),
            ConflictCheck::All
        ));
        assert!(!conflict(&day, &decade, ConflictCheck::None));
        // Gender, and identifiers of one kind none shared.
        let male = facts(&[], Some("male"), &["K47201906"]);
        assert!(conflict(
            &male,
            &facts(&[], Some("female"), &[]),
            ConflictCheck::Person
        ));
        let other_passport = facts(&[], None, &["K99999999"]);
        assert!(!conflict(&male, &other_passport, ConflictCheck::Person));
        assert!(conflict(&male, &other_passport, ConflictCheck::All));
        assert!(!conflict(&male, &facts(&[], None, &[]), ConflictCheck::All));
        // A group's records together: a third list's two dates bridge the others.
        let both = facts(&["1969-02-05", "1970-02-05"], None, &[]);
        let first = facts(&["1969-02-05"], None, &[]);
        let second = facts(&["1970-02-05"], None, &[]);
        assert!(!groups_conflict(
            &[&first, &both],
            &[&second],
            ConflictCheck::All
        ));
        assert!(conflict(&first, &second, ConflictCheck::All));
    }

    #[test]
    fn legal_forms_of_different_laws_fall_in_different_families() {
        let families = |name: &str| {
            legal_form_families(&PreparedName::new(
                name,
                cordon_text::NameKind::Organization,
            ))
        };
        assert_ne!(families("BitRiver LLC"), 0);
        assert_eq!(families("BitRiver LLC"), families("OOO BitRiver"));
        assert_eq!(families("BITRIVER AG") & families("BitRiver LLC"), 0);
        // `company` is every law's.
        assert_eq!(families("Hirbod Company"), 0);
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
