use std::fmt;
use std::str::FromStr;

/// A calendar date known to a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    /// Four-digit year.
    pub year: u16,
    /// 1–12, when known.
    pub month: Option<u8>,
    /// 1–31, when known (only with a month).
    pub day: Option<u8>,
}

/// A date as a list states it: exact to some precision, approximate, or a range.
///
/// Canonical text forms: `1965`, `1965-06`, `1965-06-29`; `~1965` for circa; `1960/1965` for a
/// range (ISO 8601 interval). [`FromStr`] also accepts the forms lists use (`29 Jun 1965`,
/// `29.06.1965`, `circa 1965`, `1960 to 1965`, `between 1960 and 1965`, `1965年6月29日`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateValue {
    /// Known to the stated precision.
    Exact(PartialDate),
    /// "circa", "approximately".
    Circa(PartialDate),
    /// Somewhere between two dates, inclusive.
    Range(PartialDate, PartialDate),
}

/// A date that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {0:?} as a date")]
pub struct DateError(pub String);

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

impl PartialDate {
    /// A date, if the parts are in range (years 1000–2999).
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Option<Self> {
        if !(1000..=2999).contains(&year) {
            return None;
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return None;
        }
        match (month, day) {
            (None, Some(_)) => return None,
            (Some(m), Some(d)) if d == 0 || d > days_in_month(year, m) => return None,
            _ => {}
        }
        Some(PartialDate { year, month, day })
    }

    /// The earliest full date this can be, as (year, month, day).
    pub fn earliest(&self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The latest full date this can be, as (year, month, day).
    pub fn latest(&self) -> (u16, u8, u8) {
        let m = self.month.unwrap_or(12);
        (
            self.year,
            m,
            self.day.unwrap_or_else(|| days_in_month(self.year, m)),
        )
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateValue::Exact(d) => write!(f, "{d}"),
            DateValue::Circa(d) => write!(f, "~{d}"),
            DateValue::Range(a, b) => write!(f, "{a}/{b}"),
        }
    }
}

impl DateValue {
    /// The earliest and latest full dates the value allows.
    pub fn bounds(&self) -> ((u16, u8, u8), (u16, u8, u8)) {
        match self {
            DateValue::Exact(d) | DateValue::Circa(d) => (d.earliest(), d.latest()),
            DateValue::Range(a, b) => (a.earliest(), b.latest()),
        }
    }

    /// Whether the value is approximate (circa or a range).
    pub fn is_fuzzy(&self) -> bool {
        !matches!(self, DateValue::Exact(_))
    }
}

impl FromStr for DateValue {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_date(s).ok_or_else(|| DateError(s.to_owned()))
    }
}

/// Parses every date in a text that may hold several, separated by `;`, ` or `, `alt.` or
/// newlines (as OFAC remarks do: `DOB 15 Jan 1983; alt. DOB 1984`). Unreadable parts are skipped.
pub fn parse_dates(text: &str) -> Vec<DateValue> {
    let mut out = Vec::new();
    for part in text.split([';', '\n', '|']).flat_map(|p| p.split(" or ")) {
        let part = part.trim();
        let part = strip_prefix_ci(part, "alt.").unwrap_or(part).trim();
        let part = strip_prefix_ci(part, "dob").unwrap_or(part).trim();
        if let Some(d) = parse_date(part)
            && !out.contains(&d)
        {
            out.push(d);
        }
    }
    out
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn parse_date(s: &str) -> Option<DateValue> {
    let s = s.trim().trim_end_matches('.').trim();
    if s.is_empty() {
        return None;
    }
    if let Some(rest) = s.strip_prefix('~') {
        return parse_partial(rest).map(DateValue::Circa);
    }
    let lower = s.to_lowercase();
    for prefix in [
        "circa",
        "approximately",
        "approx.",
        "approx",
        "about",
        "ca.",
        "c.",
        "ca ",
    ] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            // "circa 1979-1982" is a range stated loosely: keep it as the range.
            return match parse_date(rest) {
                Some(DateValue::Exact(d)) => Some(DateValue::Circa(d)),
                other => other,
            };
        }
    }
    if let Some(rest) = lower.strip_prefix("between")
        && let Some((a, b)) = rest.split_once(" and ")
    {
        return range(a, b);
    }
    for sep in [" to ", " - ", " – ", "/", "～", "~"] {
        if let Some((a, b)) = lower.split_once(sep)
            && let Some(r) = range(a, b)
        {
            return Some(r);
        }
    }
    // 1960-1965: two bare years.
    if let Some((a, b)) = lower.split_once('-')
        && a.trim().len() == 4
        && b.trim().len() == 4
        && let Some(r) = range(a, b)
    {
        return Some(r);
    }
    parse_partial(&lower).map(DateValue::Exact)
}

fn range(a: &str, b: &str) -> Option<DateValue> {
    let (a, b) = (parse_partial(a.trim())?, parse_partial(b.trim())?);
    if a.earliest() > b.latest() {
        return None;
    }
    Some(if a == b {
        DateValue::Exact(a)
    } else {
        DateValue::Range(a, b)
    })
}

fn parse_partial(s: &str) -> Option<PartialDate> {
    let s = s.trim().trim_end_matches('.').trim();
    if s.is_empty() {
        return None;
    }
    // Japanese 1965年6月29日
    if s.contains('年') {
        let (y, rest) = s.split_once('年')?;
        let y = y.trim().parse().ok()?;
        let (m, rest) = match rest.split_once('月') {
            Some((m, r)) => (Some(m.trim().parse().ok()?), r),
            None => (None, ""),
        };
        let d = match rest.split_once('日') {
            Some((d, _)) => Some(d.trim().parse().ok()?),
            None => None,
        };
        return PartialDate::new(y, m, d);
    }
    // ISO: 1965, 1965-06, 1965-06-29 (also with T… time suffix)
    let iso = s.split(['T', 't']).next().unwrap_or(s);
    let parts: Vec<&str> = iso.split('-').collect();
    if parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let y = parts[0].parse().ok()?;
        let m = match parts.get(1) {
            Some(m) => Some(m.parse::<u8>().ok()?),
            None => None,
        };
        let d = match parts.get(2) {
            Some(d) => Some(d.parse::<u8>().ok()?),
            None => None,
        };
        if parts.len() > 3 {
            return None;
        }
        return PartialDate::new(y, m, d);
    }
    // Numeric day-first: 29.06.1965, 29/06/1965, 06.1965
    if s.contains(['.', '/'])
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'/')
    {
        let nums: Vec<&str> = s.split(['.', '/']).collect();
        return match nums.as_slice() {
            [d, m, y] if y.len() == 4 => PartialDate::new(
                y.parse().ok()?,
                Some(m.parse().ok()?),
                Some(d.parse().ok()?),
            ),
            [m, y] if y.len() == 4 => {
                PartialDate::new(y.parse().ok()?, Some(m.parse().ok()?), None)
            }
            _ => None,
        };
    }
    // Words: 29 Jun 1965, Jun 1965, June 29, 1965, 29-Jun-1965
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    let month_of = |w: &str| {
        let w = w.to_lowercase();
        MONTHS
            .iter()
            .position(|m| w.starts_with(m))
            .map(|i| i as u8 + 1)
    };
    match words.as_slice() {
        [d, m, y] if d.bytes().all(|b| b.is_ascii_digit()) => {
            PartialDate::new(y.parse().ok()?, Some(month_of(m)?), Some(d.parse().ok()?))
        }
        [m, d, y] => PartialDate::new(y.parse().ok()?, Some(month_of(m)?), Some(d.parse().ok()?)),
        [m, y] => PartialDate::new(y.parse().ok()?, Some(month_of(m)?), None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        s.parse::<DateValue>()
            .map(|d| d.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn list_forms() {
        assert_eq!(canon("1965"), "1965");
        assert_eq!(canon("1965-06"), "1965-06");
        assert_eq!(canon("1965-06-29"), "1965-06-29");
        assert_eq!(canon("29 Jun 1965"), "1965-06-29");
        assert_eq!(canon("29 June 1965"), "1965-06-29");
        assert_eq!(canon("June 29, 1965"), "1965-06-29");
        assert_eq!(canon("Jun 1965"), "1965-06");
        assert_eq!(canon("29.06.1965"), "1965-06-29");
        assert_eq!(canon("13.10.1944"), "1944-10-13");
        assert_eq!(canon("29/06/1965"), "1965-06-29");
        assert_eq!(canon("circa 1965"), "~1965");
        assert_eq!(canon("Circa 29 Jun 1965"), "~1965-06-29");
        assert_eq!(canon("1962 to 1964"), "1962/1964");
        assert_eq!(canon("between 1960 and 1965"), "1960/1965");
        assert_eq!(canon("1960-1965"), "1960/1965");
        assert_eq!(canon("1960/1965"), "1960/1965");
        assert_eq!(canon("~1965-06"), "~1965-06");
        assert_eq!(canon("1965年6月29日"), "1965-06-29");
        assert_eq!(canon("1984-01-08T00:00:00"), "1984-01-08");
        assert_eq!(canon("circa 1979-1982"), "1979/1982");
    }

    #[test]
    fn rejects_impossible() {
        assert!("1965-02-30".parse::<DateValue>().is_err());
        assert!("31 Apr 1990".parse::<DateValue>().is_err());
        assert!("1965-13".parse::<DateValue>().is_err());
        assert!("12345".parse::<DateValue>().is_err());
        assert!("1970 to 1960".parse::<DateValue>().is_err());
        assert!("".parse::<DateValue>().is_err());
        assert!("hello".parse::<DateValue>().is_err());
    }

    #[test]
    fn several_in_one_text() {
        let ds = parse_dates("15 Jan 1983; alt. DOB 1984; circa 1965");
        let s: Vec<String> = ds.iter().map(ToString::to_string).collect();
        assert_eq!(s, ["1983-01-15", "1984", "~1965"]);
    }

    #[test]
    fn bounds() {
        let d: DateValue = "1964-02".parse().unwrap();
        assert_eq!(d.bounds(), ((1964, 2, 1), (1964, 2, 29)));
    }

    proptest::proptest! {
        #[test]
        fn canonical_form_round_trips(y in 1000u16..2999, m in 1u8..=12, d in 1u8..=28, kind in 0u8..3) {
            let p = PartialDate::new(y, Some(m), Some(d)).unwrap();
            let v = match kind { 0 => DateValue::Exact(p), 1 => DateValue::Circa(p), _ => DateValue::Range(PartialDate::new(y, None, None).unwrap(), p) };
            let s = v.to_string();
            let back: DateValue = s.parse().unwrap();
            proptest::prop_assert_eq!(back.to_string(), s);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<DateValue>();
            let _ = parse_dates(&s);
        }
    }
}
