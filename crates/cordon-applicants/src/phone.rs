//! Phone numbers: E.164 form, country and line type through the `phonenumber` crate (libphonenumber's metadata).

use phonenumber::country::Id;
use phonenumber::{Mode, Type};

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

fn parse(raw: &str, region: Option<&str>) -> Option<phonenumber::PhoneNumber> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 64 {
        return None;
    }
    let id = region.and_then(|r| r.parse::<Id>().ok());
    let n = phonenumber::parse(id, raw).ok()?;
    phonenumber::is_valid(&n).then_some(n)
}

/// The E.164 form of a valid number; numbers without a country code are read in `region`.
pub fn e164(raw: &str, region: Option<&str>) -> Option<String> {
    parse(raw, region).map(|n| n.format().mode(Mode::E164).to_string())
}

/// Country and line type of an E.164 number.
pub fn facts(e164: &str) -> Option<PhoneFacts> {
    let n = parse(e164, None)?;
    let country = n.country().id().map(|id| id.as_ref().to_ascii_uppercase());
    let voip = matches!(n.number_type(&phonenumber::metadata::DATABASE), Type::Voip);
    Some(PhoneFacts {
        e164: n.format().mode(Mode::E164).to_string(),
        country,
        voip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
