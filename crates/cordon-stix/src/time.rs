//! STIX and TAXII timestamps.

use jiff::{Timestamp, Unit};

/// A STIX `created`/`modified`/`valid_from` value: RFC 3339 UTC with exactly three fractional
/// digits (`2026-11-25T05:00:00.000Z`), the precision STIX 2.1 §3.2 asks of `created` and
/// `modified`.
pub fn stix_time(t: Timestamp) -> String {
    let t = t.round(Unit::Millisecond).unwrap_or(t);
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A TAXII `date_added` value: RFC 3339 UTC with microseconds, so that objects added in one
/// sync and in the next never share a value that `added_after` must tell apart.
pub fn taxii_time(t: Timestamp) -> String {
    let t = t.round(Unit::Microsecond).unwrap_or(t);
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Reads an RFC 3339 timestamp (any precision, `Z` or an offset).
pub fn parse_time(s: &str) -> Option<Timestamp> {
    s.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_have_fixed_precision() {
        let t = parse_time("2026-11-25T05:00:00Z").expect("parses");
        assert_eq!(stix_time(t), "2026-11-25T05:00:00.000Z");
        assert_eq!(taxii_time(t), "2026-11-25T05:00:00.000000Z");
        let t = parse_time("2026-11-25T14:00:00.1234567+09:00").expect("offset");
        assert_eq!(stix_time(t), "2026-11-25T05:00:00.123Z");
        assert_eq!(taxii_time(t), "2026-11-25T05:00:00.123457Z");
        assert!(parse_time("yesterday").is_none());
    }
}
