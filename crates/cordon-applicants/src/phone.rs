//! Phone numbers: E.164 form, country and line type, from libphonenumber's metadata (the
//! `phonenumber` crate).
//!
//! The crate matches its patterns through one process-wide, mutex-guarded regex cache, which
//! serialises every thread and recompiles patterns when the cache overflows: about 50 µs a
//! number. Numbers already in international form (`+` and digits) are therefore classified
//! here with the same metadata compiled once into plain regexes, following the crate's own
//! algorithm (`source_for` and `number_type`); anything else goes through the crate's parser.

use std::collections::HashMap;
use std::sync::OnceLock;

use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use phonenumber::{Mode, Type};
use regex::Regex;

/// Facts about one valid number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneFacts {
    /// E.164 form.
    pub e164: String,
    /// ISO alpha-2 of the number's country, upper case.
    pub country: Option<String>,
    /// Whether libphonenumber classes it as VoIP.
    pub voip: bool,
}

/// A descriptor's national-number pattern and possible lengths.
#[derive(Debug)]
struct Pattern {
    regex: Regex,
    lengths: Vec<u16>,
}

impl Pattern {
    fn of(d: &Descriptor) -> Option<Pattern> {
        Some(Pattern {
            regex: compile(&d.national_number().to_string())?,
            lengths: d.possible_length().to_vec(),
        })
    }

    /// The crate's `Descriptor::is_match`: a possible length and a match at the start.
    fn is_match(&self, national: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16)))
            && self.regex.is_match(national)
    }
}

/// A metadata pattern (written across lines, with insignificant whitespace), anchored at the
/// start: the crate accepts a match that starts the number (`find` at 0), which an anchored
/// pattern tests without scanning the rest.
fn compile(source: &str) -> Option<Regex> {
    let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
    Regex::new(&format!("^(?:{compact})")).ok()
}

/// One region's patterns, in the order `number_type` tries them.
#[derive(Debug)]
struct Region {
    /// ISO code, or `None` for non-geographic numbers (`001`).
    country: Option<String>,
    leading_digits: Option<Regex>,
    /// What the crate's parser may strip as a national (or carrier) prefix even after a
    /// country code: numbers starting with it (for the code's main region or the number's) are
    /// left to the crate.
    national_prefix: Option<Regex>,
    general: Pattern,
    /// Premium, toll-free, shared cost: classified before VoIP.
    before_voip: Vec<Pattern>,
    voip: Option<Pattern>,
    /// Personal, pager, UAN, voicemail, fixed line, mobile.
    after_voip: Vec<Pattern>,
}

impl Region {
    fn of(meta: &Metadata) -> Option<Region> {
        let d = meta.descriptors();
        let general = Pattern::of(d.general())?;
        let patterns = |xs: &[Option<&Descriptor>]| -> Vec<Pattern> {
            xs.iter().flatten().filter_map(|x| Pattern::of(x)).collect()
        };
        let id = meta.id();
        Some(Region {
            country: (id != "001").then(|| id.to_ascii_uppercase()),
            leading_digits: meta.leading_digits().and_then(|r| compile(&r.to_string())),
            national_prefix: match (meta.national_prefix_for_parsing(), meta.national_prefix()) {
                (Some(r), _) => compile(&r.to_string()),
                (None, Some(p)) => compile(&regex::escape(p)),
                (None, None) => None,
            },
            general,
            before_voip: patterns(&[d.premium_rate(), d.toll_free(), d.shared_cost()]),
            voip: d.voip().and_then(Pattern::of),
            after_voip: patterns(&[
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
                d.fixed_line(),
                d.mobile(),
            ]),
        })
    }

    /// Whether `number_type` would be anything but `Unknown`, and whether it would be VoIP.
    fn classify(&self, national: &str) -> Option<bool> {
        if !self.general.is_match(national) {
            return None;
        }
        if self.before_voip.iter().any(|p| p.is_match(national)) {
            return Some(false);
        }
        if self.voip.as_ref().is_some_and(|p| p.is_match(national)) {
            return Some(true);
        }
        self.after_voip
            .iter()
            .any(|p| p.is_match(national))
            .then_some(false)
    }
}

/// Country calling code → its regions, in the metadata's order.
fn regions() -> &'static HashMap<u16, Vec<Region>> {
    static REGIONS: OnceLock<HashMap<u16, Vec<Region>>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        let mut by_code: HashMap<u16, Vec<Region>> = HashMap::new();
        for code in 1..1000u16 {
            let Some(ids) = DATABASE.region(&code) else {
                continue;
            };
            let regions = ids
                .iter()
                .filter_map(|id| {
                    if *id == "001" {
                        DATABASE.by_code(&code)?.into_iter().next()
                    } else {
                        DATABASE.by_id(*id)
                    }
                })
                .filter_map(Region::of)
                .collect();
            by_code.insert(code, regions);
        }
        by_code
    })
}

/// Facts of a number in international form (`+`, then digits and separators), by the
/// compiled metadata; `None` when it is not a valid number written that way.
fn classify_international(raw: &str) -> Option<PhoneFacts> {
    let rest = raw.trim().strip_prefix('+')?;
    let mut digits = String::with_capacity(16);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '/' => {}
            _ => return None,
        }
    }
    if digits.len() > 17 {
        return None;
    }
    let table = regions();
    // Calling codes are prefix-free: at most one length names a code.
    let (code_len, regions) = (1..=3).find_map(|k| {
        let code: u16 = digits.get(..k)?.parse().ok()?;
        Some((k, table.get(&code)?))
    })?;
    let national = digits.get(code_len..)?;
    // The crate's `source_for`: one region, or the first whose leading digits (or, without
    // them, whose patterns) fit.
    let region = if regions.len() == 1 {
        regions.first()?
    } else {
        regions.iter().find(|r| match &r.leading_digits {
            Some(ld) => ld.is_match(national),
            None => r.classify(national).is_some(),
        })?
    };
    // The parser strips with the calling code's main region's metadata.
    if [regions.first(), Some(region)]
        .into_iter()
        .flatten()
        .any(|r| {
            r.national_prefix
                .as_ref()
                .is_some_and(|p| p.is_match(national))
        })
    {
        return None;
    }
    let voip = region.classify(national)?;
    Some(PhoneFacts {
        e164: format!("+{digits}"),
        country: region.country.clone(),
        voip,
    })
}

fn parse(raw: &str, region: Option<&str>) -> Option<phonenumber::PhoneNumber> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 64 {
        return None;
    }
    let id = region.and_then(|r| r.parse::<phonenumber::country::Id>().ok());
    let n = phonenumber::parse(id, raw).ok()?;
    phonenumber::is_valid(&n).then_some(n)
}

/// The E.164 form of a valid number; numbers without a country code are read in `region`.
pub fn e164(raw: &str, region: Option<&str>) -> Option<String> {
    if let Some(f) = classify_international(raw) {
        return Some(f.e164);
    }
    parse(raw, region).map(|n| n.format().mode(Mode::E164).to_string())
}

/// Country and line type of an E.164 number.
pub fn facts(e164: &str) -> Option<PhoneFacts> {
    if let Some(f) = classify_international(e164) {
        return Some(f);
    }
    let n = parse(e164, None)?;
    let country = n.country().id().map(|id| id.as_ref().to_ascii_uppercase());
    let voip = matches!(n.number_type(&DATABASE), Type::Voip);
    Some(PhoneFacts {
        e164: n.format().mode(Mode::E164).to_string(),
        country,
        voip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crate's own answer, for comparison.
    fn slow(raw: &str) -> Option<PhoneFacts> {
        let n = parse(raw, None)?;
        Some(PhoneFacts {
            e164: n.format().mode(Mode::E164).to_string(),
            country: n.country().id().map(|id| id.as_ref().to_ascii_uppercase()),
            voip: matches!(n.number_type(&DATABASE), Type::Voip),
        })
    }

    #[test]
    fn uk_numbers() {
        let m = facts("+447400123456").unwrap();
        assert_eq!(m.country.as_deref(), Some("GB"), "{m:?}");
        assert!(!m.voip);
        assert!(facts("+445612345678").unwrap().voip);
        assert_eq!(
            e164("(202) 555-0143", Some("US")).as_deref(),
            Some("+12025550143")
        );
    }

    #[test]
    fn compiled_metadata_agrees_with_the_crate() {
        // Every valid international number the fast path accepts, the crate reads the same
        // way (country, VoIP, E.164), across calling codes and lengths.
        let mut h = 0x1234_5678_9ABC_DEF0u64;
        let (mut accepted, mut valid) = (0, 0);
        let samples = [
            "1", "44", "49", "33", "39", "7", "86", "852", "82", "81", "61", "64", "91", "55",
            "52", "34", "31", "46", "47", "358", "380", "375", "971", "966", "90", "20", "27",
            "234", "800", "870", "979",
        ];
        for round in 0..1_000u64 {
            h = h
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let code = samples[(round % samples.len() as u64) as usize];
            let len = 6 + (h >> 60) as usize % 8;
            let body: String = (0..len)
                .map(|k| char::from(b'0' + ((h >> (4 * k)) % 10) as u8))
                .collect();
            let raw = format!("+{code}{body}");
            let fast = classify_international(&raw);
            let reference = slow(&raw);
            if reference.is_some() {
                valid += 1;
            }
            if let Some(f) = fast {
                accepted += 1;
                let r = reference.unwrap_or_else(|| panic!("{raw}: only the fast path accepts it"));
                assert_eq!((&f.e164, f.voip), (&r.e164, r.voip), "{raw}");
                // The crate looks the region up without a national number's leading zeros
                // (Italy's 0 is part of the number), then finds none: it says nothing.
                if r.country.is_some() || !f.e164.starts_with("+390") {
                    assert_eq!(f.country, r.country, "{raw}");
                }
            }
        }
        assert!(
            accepted * 10 > valid * 8,
            "only {accepted} of {valid} valid samples"
        );
        for raw in [
            "+12025550143",
            "+1 416 555 0199",
            "+44 20 7946 0000",
            "+82 2 1234 5678",
        ] {
            assert_eq!(facts(raw), slow(raw), "{raw}");
        }
    }
}
