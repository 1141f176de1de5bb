//! Cross-list grouping: records on different lists that are the same person or organisation.
//!
//! Two records are joined when the data supports it:
//! - both cite the same UN Security Council reference number (`KPi.033`), or one is the UN
//!   record with that reference;
//! - persons: the same name (compared by Korean syllable keys or by folded tokens, in any
//!   order) and the same full birth date;
//! - organisations, vessels: the same name of at least two distinctive words and 10 letters.
//!
//! Only groups spanning two or more sources are reported; the group id is the UN reference
//! when there is one, else the smallest member id.

use cordon_model::{Entity, Schema, prop};
use cordon_text::TokenClass;
use rustc_hash::FxHashMap;

use crate::names::PreparedName;

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

impl Groups {
    pub(crate) fn build<'a>(
        entities: &[Entity],
        first_name: impl Fn(usize) -> Option<&'a PreparedName>,
    ) -> Groups {
        let n = entities.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        let mut keys: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut un_ref_of: FxHashMap<u32, String> = FxHashMap::default();
        for (i, e) in entities.iter().enumerate() {
            let i32_ = i as u32;
            let mut refs = un_references(&e.id);
            for values in e.properties.values() {
                for v in values {
                    if v.len() >= 7 {
                        refs.extend(un_references(v));
                    }
                }
            }
            refs.sort();
            refs.dedup();
            // A record citing many references (a remark listing associates) is not one of them.
            if refs.len() == 1
                && let Some(r) = refs.pop()
            {
                keys.entry(format!("un:{r}")).or_default().push(i32_);
                un_ref_of.insert(i32_, r);
            }
            let Some(name) = first_name(i).and_then(name_key) else {
                continue;
            };
            match e.schema {
                Schema::Person => {
                    for d in e.get(prop::BIRTH_DATE) {
                        if d.len() == 10 && d.as_bytes().get(4) == Some(&b'-') {
                            keys.entry(format!("p:{name}:{d}")).or_default().push(i32_);
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
                    let (a, b) = (find(&mut parent, first), find(&mut parent, m));
                    if a != b
                        && let Some(slot) = parent.get_mut(a.max(b) as usize)
                    {
                        *slot = a.min(b);
                    }
                }
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
                .find_map(|m| un_ref_of.get(m).cloned())
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

    proptest::proptest! {
        #[test]
        fn dot_search_finds_what_the_window_scan_found(s in "[KPQDie.0-9 a]{0,40}") {
            proptest::prop_assert_eq!(un_references(&s), un_references_by_window(&s));
        }
    }
}
