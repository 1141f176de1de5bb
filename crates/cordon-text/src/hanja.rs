//! Hanja (CJK ideographs as used in Korean) → Hangul readings.
//!
//! The table is generated from Unicode's Unihan `kHangul` field by
//! `scripts/gen_hanja_table.py` (see [`UNIHAN_VERSION`]). Unihan distinguishes the reading
//! taught in schools from readings used in personal names (金: 금 in words, 김 as a surname),
//! and lists the North Korean form of readings affected by the initial-sound rule next to the
//! South Korean one (李: 리, 이). The generator adds the South Korean word-initial form where
//! Unihan omits it and lets simplified characters borrow the readings of their traditional
//! variants.
//!
//! ```
//! use cordon_text::hanja;
//! assert_eq!(hanja::readings('金'), &['금', '김']);
//! let forms = hanja::to_hangul_forms("李容浩");
//! assert!(forms.iter().any(|f| f == "이용호") && forms.iter().any(|f| f == "리용호"));
//! ```

#[path = "hanja_table.rs"]
mod table;

use table::HANJA;

/// Version of the Unihan data the reading table was generated from.
pub const UNIHAN_VERSION: &str = table::UNIHAN_VERSION;

/// At most this many forms come out of [`to_hangul_forms`]: a three-syllable name with two
/// readings per syllable already has eight, and longer products are noise for a matcher.
pub const MAX_FORMS: usize = 16;

/// Texts with more Hanja than this get only their most likely reading.
const MAX_NAME_HANJA: usize = 12;

/// Readings considered per character in [`to_hangul_forms`]; later ones are rare.
const MAX_READINGS_PER_CHAR: usize = 4;

fn entry(c: char) -> Option<&'static (char, &'static [char], u8)> {
    HANJA
        .binary_search_by_key(&c, |e| e.0)
        .ok()
        .and_then(|i| HANJA.get(i))
}

/// The Hangul readings of a Hanja character, most common first; surname readings included
/// (金 → 금, 김). Both sides of the initial-sound rule are listed (李 → 리, 이; 盧 → 로, 노).
/// Empty for characters with no Korean reading.
pub fn readings(c: char) -> &'static [char] {
    entry(c).map_or(&[], |e| e.1)
}

/// Whether Unihan marks `reading` as a reading of `c` used in personal names (金 → 김).
pub fn is_name_reading(c: char, reading: char) -> bool {
    entry(c).is_some_and(|&(_, rs, mask)| {
        rs.iter()
            .position(|&r| r == reading)
            .is_some_and(|i| i < 8 && mask & (1 << i) != 0)
    })
}

/// Whether the text contains at least one character with a Korean reading.
pub fn has_hanja(s: &str) -> bool {
    s.chars().any(|c| entry(c).is_some())
}

/// The plausible Hangul readings of a Hanja name, most likely first, at most [`MAX_FORMS`].
///
/// Each character with a Korean reading is replaced by one of its readings; other characters
/// (spaces, Hangul, Latin) are kept. The first Hanja character is taken as the surname, so its
/// name readings come first (金正恩 → 김정은 before 금정은). Forms are ranked by the sum of
/// the readings' ranks, so the all-most-common form is first and one-off variants follow.
/// Texts with more than 12 Hanja get only the most likely form. Empty when the text has no
/// character with a Korean reading.
pub fn to_hangul_forms(s: &str) -> Vec<String> {
    // Best-first beam over positions: with additive costs, the k best full forms only
    // extend the k best prefixes, so truncating after each position is exact.
    let mut beam: Vec<(u32, String)> = vec![(0, String::with_capacity(s.len()))];
    let mut next: Vec<(u32, String)> = Vec::with_capacity(MAX_FORMS * MAX_READINGS_PER_CHAR);
    let mut seen_hanja = false;
    let width = beam_width(s);
    for c in s.chars() {
        let Some(&(_, rs, mask)) = entry(c) else {
            for (_, form) in &mut beam {
                form.push(c);
            }
            continue;
        };
        let surname = !seen_hanja;
        seen_hanja = true;
        let (order, n) = ordered(rs, mask, surname);
        next.clear();
        for (cost, form) in &beam {
            for (rank, &r) in order.iter().take(n).enumerate() {
                let mut f = String::with_capacity(form.len() + 3);
                f.push_str(form);
                f.push(r);
                next.push((cost + rank as u32, f));
            }
        }
        next.sort_by_key(|e| e.0);
        next.truncate(width);
        std::mem::swap(&mut beam, &mut next);
    }
    if !seen_hanja {
        return Vec::new();
    }
    beam.into_iter().map(|(_, f)| f).collect()
}

/// How many forms [`to_hangul_forms`] gives of `s`, without building them: a comparison that
/// leaves the readings out still counts them towards a name's forms.
pub fn hangul_form_count(s: &str) -> usize {
    let width = beam_width(s);
    // The beam's length, as it grows character by character; none before the first Hanja.
    let mut count: Option<usize> = None;
    for c in s.chars() {
        if let Some(&(_, rs, mask)) = entry(c) {
            let n = ordered(rs, mask, count.is_none()).1;
            count = Some((count.unwrap_or(1) * n).min(width));
        }
    }
    count.unwrap_or(0)
}

/// How many forms the beam of [`to_hangul_forms`] keeps: past a name's length, alternatives
/// multiply without adding anything a matcher can use, and copying a beam of long strings
/// per character would be quadratic.
fn beam_width(s: &str) -> usize {
    if s.chars()
        .filter(|&c| entry(c).is_some())
        .nth(MAX_NAME_HANJA)
        .is_some()
    {
        1
    } else {
        MAX_FORMS
    }
}

/// The first [`MAX_READINGS_PER_CHAR`] readings in the order to try them: for a surname,
/// name readings first (金 → 김, 금).
fn ordered(rs: &[char], mask: u8, surname: bool) -> ([char; MAX_READINGS_PER_CHAR], usize) {
    let is_name = |i: usize| i < 8 && mask & (1 << i) != 0;
    let mut out = ['\0'; MAX_READINGS_PER_CHAR];
    let mut n = 0;
    let passes: &[bool] = if surname && mask != 0 {
        &[true, false]
    } else {
        &[]
    };
    let mut push = |r: char| {
        if let Some(slot) = out.get_mut(n) {
            *slot = r;
            n += 1;
        }
    };
    if passes.is_empty() {
        rs.iter().for_each(|&r| push(r));
    } else {
        for &want_name in passes {
            for (i, &r) in rs.iter().enumerate() {
                if is_name(i) == want_name {
                    push(r);
                }
            }
        }
    }
    (out, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn forms(s: &str) -> Vec<String> {
        to_hangul_forms(s)
    }

    #[test]
    fn table_is_sorted_and_unique_for_binary_search() {
        assert!(HANJA.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(HANJA.len() > 8_000, "{} entries", HANJA.len());
    }

    #[test]
    fn surname_readings_include_both_initial_sound_forms() {
        assert_eq!(readings('金'), &['금', '김']);
        for (hanja, north, south) in [
            ('李', '리', '이'),
            ('柳', '류', '유'),
            ('盧', '로', '노'),
            ('林', '림', '임'),
            ('梁', '량', '양'),
            ('龍', '룡', '용'),
        ] {
            let rs = readings(hanja);
            assert!(
                rs.contains(&north) && rs.contains(&south),
                "{hanja}: {rs:?}"
            );
        }
        assert!(is_name_reading('金', '김'));
        assert!(!is_name_reading('金', '금'));
    }

    #[test]
    fn initial_sound_rule_added_where_unihan_omits_it() {
        // 女 is listed only as 녀 in kHangul; 여 comes from the generator's rule.
        assert!(readings('女').contains(&'여'));
    }

    #[test]
    fn simplified_characters_borrow_traditional_readings() {
        assert_eq!(readings('吴'), readings('吳'));
        assert!(readings('吴').contains(&'오'));
    }

    #[test]
    fn non_hanja_have_no_readings() {
        assert!(readings('a').is_empty());
        assert!(readings('김').is_empty());
        assert!(!has_hanja("Kim Jong Un 김정은"));
        assert!(has_hanja("金正恩"));
    }

    #[test]
    fn kim_jong_un_reads_with_the_surname_reading_first() {
        let f = forms("金正恩");
        assert_eq!(f.first().map(String::as_str), Some("김정은"));
        assert!(f.iter().any(|x| x == "금정은"));
    }

    #[test]
    fn ri_yong_ho_has_north_and_south_spellings() {
        let f = forms("李容浩");
        assert!(f.iter().any(|x| x == "이용호"), "{f:?}");
        assert!(f.iter().any(|x| x == "리용호"), "{f:?}");
    }

    #[test]
    fn choe_ryong_hae_has_north_and_south_spellings() {
        let f = forms("崔龍海");
        assert!(f.iter().any(|x| x == "최룡해"), "{f:?}");
        assert!(f.iter().any(|x| x == "최용해"), "{f:?}");
    }

    #[test]
    fn non_hanja_characters_are_kept_in_place() {
        assert_eq!(
            forms("金 正恩").first().map(String::as_str),
            Some("김 정은")
        );
        assert!(forms("Kim").is_empty());
        assert!(forms("").is_empty());
    }

    #[test]
    fn long_text_gets_one_form() {
        let long = forms(&"金正恩".repeat(5));
        assert_eq!(long.len(), 1);
        assert!(long[0].starts_with("김정은금정은"), "{long:?}");
        let huge = "金".repeat(10_000);
        assert_eq!(forms(&huge).len(), 1);
    }

    #[test]
    fn forms_are_bounded_and_distinct() {
        let f = forms("金李柳盧林梁樂龍金李柳");
        assert!(f.len() <= MAX_FORMS);
        let mut d = f.clone();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), f.len());
    }

    #[test]
    fn every_reading_is_a_hangul_syllable() {
        let syllables = '\u{AC00}'..='\u{D7A3}';
        for (c, rs, _) in HANJA {
            assert!(!rs.is_empty(), "{c}");
            assert!(rs.iter().all(|r| syllables.contains(r)), "{c}: {rs:?}");
        }
    }

    #[test]
    fn hangul_form_count_is_the_number_of_forms() {
        // One form, a few, a beam cut at its width, one past a name's length, none.
        for s in [
            "金正恩",
            "金行",
            "樂說復車度北行金",
            "樂說復車度北行金樂說復車度北",
            "Kim 金",
            "Kim",
            "",
        ] {
            assert_eq!(hangul_form_count(s), to_hangul_forms(s).len(), "{s}");
        }
        assert_eq!(hangul_form_count("樂說復車度北行金"), MAX_FORMS);
        assert_eq!(hangul_form_count("樂說復車度北行金樂說復車度北"), 1);
    }

    proptest! {
        #[test]
        fn never_panics_and_output_has_no_hanja(
            s in prop_oneof!["\\PC{0,40}", "[\u{4E00}-\u{9FFF}\u{F900}-\u{FAFF}가-힣a ]{0,20}"]
        ) {
            let f = to_hangul_forms(&s);
            prop_assert!(f.len() <= MAX_FORMS);
            prop_assert_eq!(hangul_form_count(&s), f.len());
            for form in &f {
                prop_assert!(!has_hanja(form));
                prop_assert_eq!(to_hangul_forms(form), Vec::<String>::new());
            }
        }
    }
}
