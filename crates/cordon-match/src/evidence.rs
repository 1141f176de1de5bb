//! Evidence beyond the name: birth date, country, gender, identifiers.

use cordon_model::{DateValue, Entity, prop};
use serde::Serialize;

use crate::query::Query;

/// One piece of evidence for or against a candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// `birth_date`, `country`, `gender` or `identifier`.
    pub feature: &'static str,
    /// The query's value.
    pub query: String,
    /// The list's value that decided it.
    pub candidate: String,
    /// What was found (`same birth date`, `birth year off by one`, `different gender` …).
    pub detail: &'static str,
    /// Added to the score (negative against).
    pub weight: f64,
}

/// Score added for each birth-date relation.
pub mod weights {
    /// Same full date.
    pub const DOB_DAY: f64 = 0.08;
    /// Same year and month.
    pub const DOB_MONTH: f64 = 0.06;
    /// Same year (or the query's date inside the list's range).
    pub const DOB_YEAR: f64 = 0.04;
    /// Within one year: neither for nor against.
    pub const DOB_NEAR: f64 = 0.0;
    /// Same year, different day or month.
    pub const DOB_DAY_CONFLICT: f64 = -0.08;
    /// More than a year apart.
    pub const DOB_CONFLICT: f64 = -0.25;
    /// A shared country.
    pub const COUNTRY: f64 = 0.03;
    /// The list names countries and none is the query's.
    pub const COUNTRY_CONFLICT: f64 = -0.08;
    /// Different gender.
    pub const GENDER_CONFLICT: f64 = -0.2;
    /// Same identifier: decisive, lifts the score to at least [`ID_FLOOR`].
    pub const ID_MATCH: f64 = 0.3;
    /// Score floor on an identifier match.
    pub const ID_FLOOR: f64 = 0.97;
}

/// Identifier properties compared exactly.
pub(crate) const ID_PROPS: &[&str] = &[
    prop::PASSPORT_NUMBER,
    prop::ID_NUMBER,
    prop::TAX_NUMBER,
    prop::REGISTRATION_NUMBER,
    prop::IMO_NUMBER,
    prop::MMSI,
    prop::SWIFT_BIC,
    prop::LEI_CODE,
    prop::PUBLIC_KEY,
    prop::CALL_SIGN,
    prop::SERIAL_NUMBER,
];

/// Country properties of a candidate.
pub(crate) const COUNTRY_PROPS: &[&str] = &[
    prop::NATIONALITY,
    prop::CITIZENSHIP,
    prop::COUNTRY,
    prop::JURISDICTION,
    prop::FLAG,
];

/// An identifier in comparable form: letters and digits only, upper case; `IMO 9123456` →
/// `9123456`. `None` when fewer than 4 characters remain (too short to be decisive).
pub fn normalize_id(s: &str) -> Option<String> {
    let out: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    let out = without_imo_prefix(out);
    (out.chars().count() >= 4).then_some(out)
}

/// An upper-case identifier without the `IMO` its digits may be written after (`IMO5878589`
/// → `5878589`).
pub(crate) fn without_imo_prefix(id: String) -> String {
    match id.strip_prefix("IMO") {
        Some(rest) if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) => {
            rest.to_owned()
        }
        _ => id,
    }
}

/// The most [`evaluate`] can add to any candidate's score for this query (identifiers aside,
/// which lift a score to [`weights::ID_FLOOR`]): the best birth-date relation and a shared
/// country, where the query has them.
pub(crate) fn most_support(q: &Query) -> f64 {
    let date = if q.birth_date.is_some() {
        weights::DOB_DAY
            .max(weights::DOB_MONTH)
            .max(weights::DOB_YEAR)
            .max(weights::DOB_NEAR)
    } else {
        0.0
    };
    let country = if q.country.is_some() || q.nationality.is_some() {
        weights::COUNTRY
    } else {
        0.0
    };
    date + country
}

/// Evaluates the query's non-name fields against a candidate.
pub(crate) fn evaluate(q: &Query, e: &Entity) -> Vec<Evidence> {
    let mut out = Vec::new();
    if let Some(d) = &q.birth_date {
        let dates = e.birth_dates();
        if let Some(ev) = birth_date(d, &dates) {
            out.push(ev);
        }
    }
    let q_countries: Vec<&str> = q
        .country
        .iter()
        .chain(q.nationality.iter())
        .map(String::as_str)
        .collect();
    if !q_countries.is_empty() {
        let cands: Vec<&str> = COUNTRY_PROPS
            .iter()
            .flat_map(|p| e.get(p))
            .map(String::as_str)
            .collect();
        if let Some(shared) = q_countries.iter().find(|c| cands.contains(c)) {
            out.push(Evidence {
                feature: "country",
                query: (*shared).to_owned(),
                candidate: (*shared).to_owned(),
                detail: "same country",
                weight: weights::COUNTRY,
            });
        } else if !cands.is_empty() {
            out.push(Evidence {
                feature: "country",
                query: q_countries.join(","),
                candidate: cands.join(","),
                detail: "different country",
                weight: weights::COUNTRY_CONFLICT,
            });
        }
    }
    // The candidate's gender is looked up only when the query has one: a property lookup
    // per candidate is a tenth of a name-only screening.
    if let Some(g) = &q.gender
        && let Some(cg) = e.first(prop::GENDER)
    {
        let cg = cg.to_ascii_lowercase();
        if !cg.is_empty() && cg != "unknown" && *g != cg {
            out.push(Evidence {
                feature: "gender",
                query: g.clone(),
                candidate: cg,
                detail: "different gender",
                weight: weights::GENDER_CONFLICT,
            });
        }
    }
    if let Some(qid) = q.id_number.as_deref().and_then(normalize_id) {
        let hit = ID_PROPS
            .iter()
            .flat_map(|p| e.get(p))
            .find(|v| normalize_id(v).is_some_and(|n| n == qid));
        if let Some(v) = hit {
            out.push(Evidence {
                feature: "identifier",
                query: q.id_number.clone().unwrap_or_default(),
                candidate: v.clone(),
                detail: "same identifier",
                weight: weights::ID_MATCH,
            });
        }
    }
    out
}

fn birth_date(q: &DateValue, dates: &[DateValue]) -> Option<Evidence> {
    let mut best: Option<Evidence> = None;
    for d in dates {
        let (detail, weight) = relate(q, d);
        let ev = Evidence {
            feature: "birth_date",
            query: q.to_string(),
            candidate: d.to_string(),
            detail,
            weight,
        };
        if best.as_ref().is_none_or(|b| ev.weight > b.weight) {
            best = Some(ev);
        }
    }
    best
}

/// How two birth dates relate, at the precision both have.
fn relate(q: &DateValue, c: &DateValue) -> (&'static str, f64) {
    let ((qy0, qm0, qd0), (qy1, qm1, qd1)) = q.bounds();
    let ((cy0, cm0, cd0), (cy1, cm1, cd1)) = c.bounds();
    let exact = |d: &DateValue| match d {
        DateValue::Exact(p) => Some(*p),
        _ => None,
    };
    if let (Some(a), Some(b)) = (exact(q), exact(c))
        && a.year == b.year
    {
        {
            return match (a.month, b.month, a.day, b.day) {
                (Some(m1), Some(m2), Some(d1), Some(d2)) if m1 == m2 && d1 == d2 => {
                    ("same birth date", weights::DOB_DAY)
                }
                (Some(m1), Some(m2), _, _) if m1 == m2 && (a.day.is_none() || b.day.is_none()) => {
                    ("same birth month", weights::DOB_MONTH)
                }
                (Some(m1), Some(m2), _, _) if m1 != m2 => {
                    // Day and month swapped (05-06 vs 06-05) is a transcription slip.
                    if a.day == Some(m2) && b.day == Some(m1) {
                        ("birth day and month swapped", weights::DOB_NEAR)
                    } else {
                        ("same birth year, different day", weights::DOB_DAY_CONFLICT)
                    }
                }
                (Some(_), Some(_), Some(_), Some(_)) => {
                    ("same birth year, different day", weights::DOB_DAY_CONFLICT)
                }
                _ => ("same birth year", weights::DOB_YEAR),
            };
        }
    }
    // Overlapping intervals: circa, ranges, or a year against a full date.
    let overlap = (qy0, qm0, qd0) <= (cy1, cm1, cd1) && (cy0, cm0, cd0) <= (qy1, qm1, qd1);
    if overlap {
        return ("birth date within the listed range", weights::DOB_YEAR);
    }
    let gap = if qy1 < cy0 {
        cy0 - qy1
    } else {
        qy0.saturating_sub(cy1)
    };
    if gap <= 1 {
        return ("birth year off by one", weights::DOB_NEAR);
    }
    ("different birth date", weights::DOB_CONFLICT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::Schema;

    fn rel(a: &str, b: &str) -> &'static str {
        relate(&a.parse().unwrap(), &b.parse().unwrap()).0
    }

    #[test]
    fn birth_dates() {
        assert_eq!(rel("1984-01-08", "1984-01-08"), "same birth date");
        assert_eq!(rel("1984", "1984-01-08"), "same birth year");
        assert_eq!(rel("1984-01", "1984-01-08"), "same birth month");
        assert_eq!(rel("1985", "1984-01-08"), "birth year off by one");
        assert_eq!(rel("1990", "1984-01-08"), "different birth date");
        assert_eq!(
            rel("1984-01-09", "1984-01-08"),
            "same birth year, different day"
        );
        assert_eq!(
            rel("1984-05-06", "1984-06-05"),
            "birth day and month swapped"
        );
        assert_eq!(rel("1947", "circa 1946"), "birth year off by one");
        assert_eq!(
            rel("1946", "circa 1946"),
            "birth date within the listed range"
        );
    }

    /// Screening skips names that cannot reach the minimum score with the most the query's
    /// evidence can add: a result is lost if any candidate gets more.
    #[test]
    fn evidence_never_adds_more_than_its_most() {
        let dates = [
            "1984-01-08",
            "1984-01",
            "1984",
            "1985",
            "1990-05-06",
            "circa 1946",
        ];
        let countries = ["kp", "ru", "cn"];
        let mut entities = Vec::new();
        for d in dates {
            for c in countries {
                let mut e = Entity::new("x", Schema::Person);
                e.add(prop::BIRTH_DATE, d);
                e.add(prop::NATIONALITY, c);
                e.add(prop::GENDER, "male");
                entities.push(e);
            }
        }
        entities.push(Entity::new("bare", Schema::Person));
        for d in dates.iter().map(|d| d.parse().ok()).chain([None]) {
            for c in countries
                .iter()
                .map(|c| Some((*c).to_owned()))
                .chain([None])
            {
                for g in [Some("female".to_owned()), None] {
                    let q = Query {
                        birth_date: d,
                        country: c.clone(),
                        nationality: c.clone(),
                        gender: g,
                        ..Query::default()
                    };
                    let most = most_support(&q);
                    let mut reached = 0.0_f64;
                    for e in &entities {
                        let support: f64 =
                            evaluate(&q, e).iter().map(|ev| ev.weight.max(0.0)).sum();
                        assert!(support <= most, "{q:?} / {e:?}: {support} > {most}");
                        reached = reached.max(support);
                    }
                    // A full date is matched to the day by some candidate: then the most is
                    // reached (a partial date can only be matched as far as it goes).
                    let full_date = d.as_ref().is_none_or(|d| d.to_string().len() == 10);
                    if full_date {
                        assert!((reached - most).abs() < 1e-12, "{q:?}: {reached} < {most}");
                    }
                }
            }
        }
    }

    #[test]
    fn ids() {
        assert_eq!(normalize_id("IMO 9123456").as_deref(), Some("9123456"));
        assert_eq!(normalize_id("pd-123 45").as_deref(), Some("PD12345"));
        assert_eq!(normalize_id("12"), None);
    }
}
