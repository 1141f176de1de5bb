//! Screening queries, options and their validation.

use cordon_model::{DateValue, Schema, country};
use serde::{Deserialize, Serialize};

/// Longest accepted query name, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;

/// The default score at or above which a result is a `match`. See `docs/screening.md`.
pub const DEFAULT_THRESHOLD: f64 = 0.70;

/// What to screen: a name and optional evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Query {
    /// The caller's id for the query (batch input), echoed in output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name to screen.
    pub name: String,
    /// Restrict to entities that can be this kind of thing; `None` = any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
    /// Birth date, any precision.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "date_text")]
    pub birth_date: Option<DateValue>,
    /// Country of residence or registration, ISO alpha-2 lower case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Nationality, ISO alpha-2 lower case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// `male`, `female` or `other`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// A passport, national id, IMO, registration number or crypto address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

fn date_text<S: serde::Serializer>(d: &Option<DateValue>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// A query field that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The name has no letters or digits.
    #[error("the name is empty (no letters or digits)")]
    EmptyName,
    /// The name is longer than [`MAX_QUERY_CHARS`].
    #[error("the name has {0} characters; at most {MAX_QUERY_CHARS} are accepted")]
    NameTooLong(usize),
    /// Unknown schema.
    #[error(
        "unknown schema {0:?} (expected Person, Organization, Company, LegalEntity, Vessel, Aircraft, CryptoWallet or Any)"
    )]
    UnknownSchema(String),
    /// Unreadable birth date.
    #[error("cannot read birth date {0:?} (expected e.g. 1965, 1965-06 or 1965-06-29)")]
    BadDate(String),
    /// Unknown country.
    #[error("unknown country {0:?} in field {1} (expected an ISO 3166 code or a country name)")]
    UnknownCountry(String, &'static str),
    /// Unknown gender.
    #[error("unknown gender {0:?} (expected male, female or other)")]
    UnknownGender(String),
}

impl QueryError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::EmptyName => "empty-name",
            QueryError::NameTooLong(_) => "name-too-long",
            QueryError::UnknownSchema(_) => "unknown-schema",
            QueryError::BadDate(_) => "bad-date",
            QueryError::UnknownCountry(..) => "unknown-country",
            QueryError::UnknownGender(_) => "unknown-gender",
        }
    }
}

/// A query as read from JSON or CSV input, before validation: every field a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct RawQuery {
    /// Caller's id.
    #[serde(default)]
    pub id: Option<String>,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// Schema name or `Any`.
    #[serde(default)]
    pub schema: Option<String>,
    /// Birth date.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Country.
    #[serde(default)]
    pub country: Option<String>,
    /// Nationality.
    #[serde(default)]
    pub nationality: Option<String>,
    /// Gender.
    #[serde(default)]
    pub gender: Option<String>,
    /// Identifier.
    #[serde(default)]
    pub id_number: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Parses a schema argument; `Any` (any case) or empty means no restriction.
pub fn parse_schema(s: &str) -> Result<Option<Schema>, QueryError> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("any") {
        return Ok(None);
    }
    t.parse::<Schema>()
        .map(Some)
        .map_err(|_| QueryError::UnknownSchema(t.to_owned()))
}

fn parse_country(s: &str, field: &'static str) -> Result<String, QueryError> {
    let lower = s.trim().to_ascii_lowercase();
    if lower.len() == 2 && country::is_code(&lower) {
        return Ok(lower);
    }
    country::code(s)
        .map(str::to_owned)
        .ok_or_else(|| QueryError::UnknownCountry(s.to_owned(), field))
}

fn parse_gender(s: &str) -> Result<String, QueryError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "m" | "male" | "man" => Ok("male".into()),
        "f" | "female" | "woman" => Ok("female".into()),
        "o" | "other" | "x" => Ok("other".into()),
        _ => Err(QueryError::UnknownGender(s.to_owned())),
    }
}

impl RawQuery {
    /// Validates every field.
    pub fn validate(&self) -> Result<Query, QueryError> {
        let name = non_empty(&self.name).ok_or(QueryError::EmptyName)?;
        let mut q = Query::new(name)?;
        q.id = self.id.clone();
        if let Some(s) = non_empty(&self.schema) {
            q.schema = parse_schema(s)?;
        }
        if let Some(d) = non_empty(&self.birth_date) {
            q.birth_date = Some(d.parse().map_err(|_| QueryError::BadDate(d.to_owned()))?);
        }
        if let Some(c) = non_empty(&self.country) {
            q.country = Some(parse_country(c, "country")?);
        }
        if let Some(c) = non_empty(&self.nationality) {
            q.nationality = Some(parse_country(c, "nationality")?);
        }
        if let Some(g) = non_empty(&self.gender) {
            q.gender = Some(parse_gender(g)?);
        }
        q.id_number = non_empty(&self.id_number).map(str::to_owned);
        Ok(q)
    }
}

impl Query {
    /// A name-only query; checks that the name is usable.
    pub fn new(name: &str) -> Result<Self, QueryError> {
        let n = name.chars().count();
        if n > MAX_QUERY_CHARS {
            return Err(QueryError::NameTooLong(n));
        }
        if !name.chars().any(char::is_alphanumeric) {
            return Err(QueryError::EmptyName);
        }
        Ok(Query {
            name: name.to_owned(),
            ..Query::default()
        })
    }
}

/// How to screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Score at or above which a result is a match.
    pub threshold: f64,
    /// At most this many results.
    pub limit: usize,
    /// Results below this score are not returned at all.
    pub min_score: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: DEFAULT_THRESHOLD,
            limit: 10,
            min_score: 0.5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_have_codes() {
        let bad = |f: fn(&mut RawQuery)| {
            let mut r = RawQuery {
                name: Some("Kim".into()),
                ..RawQuery::default()
            };
            f(&mut r);
            r.validate().unwrap_err().code()
        };
        assert_eq!(bad(|r| r.name = Some("  ".into())), "empty-name");
        assert_eq!(bad(|r| r.name = Some("x".repeat(10_000))), "name-too-long");
        assert_eq!(bad(|r| r.schema = Some("Planet".into())), "unknown-schema");
        assert_eq!(bad(|r| r.country = Some("zz".into())), "unknown-country");
        assert_eq!(bad(|r| r.birth_date = Some("yesterday".into())), "bad-date");
        assert_eq!(bad(|r| r.gender = Some("robot".into())), "unknown-gender");
    }

    #[test]
    fn valid_query() {
        let r = RawQuery {
            id: Some("q1".into()),
            name: Some("Kim Jong Un".into()),
            schema: Some("person".into()),
            birth_date: Some("1984-01-08".into()),
            country: Some("North Korea".into()),
            nationality: Some("KP".into()),
            gender: Some("M".into()),
            id_number: None,
        };
        let q = r.validate().unwrap();
        assert_eq!(q.country.as_deref(), Some("kp"));
        assert_eq!(q.nationality.as_deref(), Some("kp"));
        assert_eq!(q.gender.as_deref(), Some("male"));
        assert_eq!(q.schema, Some(Schema::Person));
    }
}
