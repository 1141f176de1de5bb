//! String and date similarity, allocation-free for the short values linkage compares.

/// Longest value compared on the stack; longer values fall back to heap buffers.
const STACK: usize = 64;

/// Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4), on bytes for ASCII and on chars
/// otherwise.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a.is_ascii() && b.is_ascii() {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() <= 64 && b.len() <= 64 {
            let j = jaro_bits(a, b);
            let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
            return j + prefix as f64 * 0.1 * (1.0 - j);
        }
        jw_slice(a, b)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        jw_slice(&a, &b)
    }
}

fn jw_slice<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    let j = jaro(a, b);
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    j + prefix as f64 * 0.1 * (1.0 - j)
}

/// Bit-parallel Jaro for ASCII strings of at most 64 bytes: per character of `b` a mask of its
/// positions, so each character of `a` finds its match with a few word operations.
fn jaro_bits(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut pm = [0u64; 128];
    for (j, &c) in b.iter().enumerate() {
        if let Some(m) = pm.get_mut(usize::from(c & 0x7F)) {
            *m |= 1 << j;
        }
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let full = |n: usize| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    let mut used_b = 0u64;
    let mut matched_a = 0u64;
    for (i, &c) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        if lo >= hi {
            continue;
        }
        let range = full(hi) & !full(lo);
        let cand = pm.get(usize::from(c & 0x7F)).copied().unwrap_or(0) & range & !used_b;
        if cand != 0 {
            used_b |= cand & cand.wrapping_neg();
            matched_a |= 1 << i;
        }
    }
    let m = used_b.count_ones();
    if m == 0 {
        return 0.0;
    }
    let mut transpositions = 0u32;
    let (mut ma, mut mb) = (matched_a, used_b);
    while ma != 0 {
        let i = ma.trailing_zeros() as usize;
        let j = mb.trailing_zeros() as usize;
        if a.get(i) != b.get(j) {
            transpositions += 1;
        }
        ma &= ma - 1;
        mb &= mb - 1;
    }
    let m = f64::from(m);
    (m / a.len() as f64 + m / b.len() as f64 + (m - f64::from(transpositions / 2)) / m) / 3.0
}

fn jaro<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut sa = [false; STACK];
    let mut sb = [false; STACK];
    let mut ha;
    let mut hb;
    let (ma, mb): (&mut [bool], &mut [bool]) = if a.len() <= STACK && b.len() <= STACK {
        (&mut sa[..a.len()], &mut sb[..b.len()])
    } else {
        ha = vec![false; a.len()];
        hb = vec![false; b.len()];
        (&mut ha[..], &mut hb[..])
    };
    let mut matches = 0usize;
    for (i, x) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !mb[j] && b[j] == *x {
                ma[i] = true;
                mb[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut k = 0usize;
    let mut transpositions = 0usize;
    for (i, x) in a.iter().enumerate() {
        if ma[i] {
            while k < b.len() && !mb[k] {
                k += 1;
            }
            if k < b.len() && b[k] != *x {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Levenshtein distance, giving up early: returns `max + 1` as soon as the distance must exceed
/// `max`.
pub fn levenshtein_within(a: &str, b: &str, max: u32) -> u32 {
    if a.is_ascii() && b.is_ascii() {
        edit_within(a.as_bytes(), b.as_bytes(), max, false)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        edit_within(&a, &b, max, false)
    }
}

/// Damerau-Levenshtein (optimal string alignment: adjacent transpositions cost 1) distance,
/// capped at `max + 1`.
pub fn damerau_within(a: &str, b: &str, max: u32) -> u32 {
    if a.is_ascii() && b.is_ascii() {
        edit_within(a.as_bytes(), b.as_bytes(), max, true)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        edit_within(&a, &b, max, true)
    }
}

fn edit_within<T: PartialEq>(a: &[T], b: &[T], max: u32, transpose: bool) -> u32 {
    let cap = max.saturating_add(1);
    if a.len().abs_diff(b.len()) > max as usize {
        return cap;
    }
    let n = b.len();
    let mut s0 = [0u32; STACK + 1];
    let mut s1 = [0u32; STACK + 1];
    let mut s2 = [0u32; STACK + 1];
    let (mut h0, mut h1, mut h2);
    let (mut prev2, mut prev, mut cur): (&mut [u32], &mut [u32], &mut [u32]) = if n <= STACK {
        (&mut s0[..=n], &mut s1[..=n], &mut s2[..=n])
    } else {
        h0 = vec![0u32; n + 1];
        h1 = vec![0u32; n + 1];
        h2 = vec![0u32; n + 1];
        (&mut h0[..], &mut h1[..], &mut h2[..])
    };
    for (j, p) in prev.iter_mut().enumerate() {
        *p = j as u32;
    }
    for i in 1..=a.len() {
        cur[0] = i as u32;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if transpose && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return cap;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n].min(cap)
}

/// A calendar date read from `YYYYMMDD`, `YYYY-MM-DD` or `YYYY/MM/DD` (month or day may be
/// missing: `YYYY`, `YYYY-MM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ymd {
    /// Year.
    pub year: i32,
    /// Month 1-12, 0 when unknown.
    pub month: u8,
    /// Day 1-31, 0 when unknown.
    pub day: u8,
}

impl Ymd {
    /// Parses a date; `None` for anything that is not a real calendar date.
    pub fn parse(s: &str) -> Option<Ymd> {
        let b = s.trim().as_bytes();
        let digits = |x: &[u8]| -> Option<u32> {
            if x.is_empty() || !x.iter().all(u8::is_ascii_digit) {
                return None;
            }
            x.iter().try_fold(0u32, |acc, d| {
                acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
            })
        };
        let (y, m, d) = match b.len() {
            4 => (digits(b)?, 0, 0),
            6 => (digits(b.get(..4)?)?, digits(b.get(4..6)?)?, 0),
            8 => (
                digits(b.get(..4)?)?,
                digits(b.get(4..6)?)?,
                digits(b.get(6..8)?)?,
            ),
            7 if matches!(b.get(4), Some(b'-' | b'/')) => {
                (digits(b.get(..4)?)?, digits(b.get(5..7)?)?, 0)
            }
            10 if matches!(b.get(4), Some(b'-' | b'/')) && b.get(7) == b.get(4) => (
                digits(b.get(..4)?)?,
                digits(b.get(5..7)?)?,
                digits(b.get(8..10)?)?,
            ),
            _ => return None,
        };
        let ymd = Ymd {
            year: i32::try_from(y).ok()?,
            month: u8::try_from(m).ok()?,
            day: u8::try_from(d).ok()?,
        };
        ymd.valid().then_some(ymd)
    }

    fn valid(self) -> bool {
        if self.month > 12 || (self.month == 0 && self.day != 0) {
            return false;
        }
        self.day == 0 || self.day <= days_in_month(self.year, self.month)
    }

    /// Days since 1970-01-01 (unknown month/day taken as 1).
    pub fn days(self) -> i64 {
        days_from_civil(self.year, self.month.max(1), self.day.max(1))
    }
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Howard Hinnant's days-from-civil.
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_reference_values() {
        // Reference values from Winkler (1990) / strsim's test-suite.
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 1e-3);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.8133).abs() < 1e-3);
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert_eq!(jaro_winkler("abc", ""), 0.0);
        assert!((jaro_winkler("zoë", "zoe") - jaro_winkler("zoa", "zoe")).abs() < 1e-12);
    }

    #[test]
    fn bit_parallel_jaro_equals_the_plain_one() {
        let words = [
            "martha",
            "marhta",
            "dwayne",
            "duane",
            "dixon",
            "dicksonx",
            "a",
            "ab",
            "ba",
            "aaaa",
            "abcabcabc",
            "cbacbacba",
            "",
            "jellyfish",
            "smellyfish",
        ];
        for x in words {
            for y in words {
                let plain = jw_slice(x.as_bytes(), y.as_bytes());
                assert!((jaro_winkler(x, y) - plain).abs() < 1e-12, "{x} {y}");
            }
        }
    }

    #[test]
    fn edit_distances_match_definitions() {
        assert_eq!(levenshtein_within("kitten", "sitting", 5), 3);
        assert_eq!(levenshtein_within("kitten", "sitting", 2), 3);
        assert_eq!(levenshtein_within("abcdef", "", 2), 3);
        assert_eq!(damerau_within("ca", "ac", 3), 1);
        assert_eq!(levenshtein_within("ca", "ac", 3), 2);
        assert_eq!(damerau_within("1234567", "1243567", 2), 1);
        let long_a = "a".repeat(100);
        let long_b = format!("{}b", "a".repeat(99));
        assert_eq!(levenshtein_within(&long_a, &long_b, 3), 1);
    }

    #[test]
    fn dates_parse_only_real_days() {
        assert_eq!(
            Ymd::parse("19560409"),
            Some(Ymd {
                year: 1956,
                month: 4,
                day: 9
            })
        );
        assert!(Ymd::parse("19560230").is_none());
        assert!(Ymd::parse("20000229").is_some());
        assert!(Ymd::parse("19000229").is_none());
        assert!(Ymd::parse("1956-13-01").is_none());
        assert_eq!(Ymd::parse("1956").map(|d| d.month), Some(0));
        assert_eq!(
            Ymd::parse("1970-01-02").map(Ymd::days),
            Some(1),
            "epoch offset"
        );
    }
}
