//! Normalisers for identifier keys, so that equal identifiers compare equal. Each returns
//! `None` for a malformed value (the caller reports it and carries on).

use std::net::IpAddr;

/// Lower-cased, trimmed e-mail; for Gmail, dots and `+tags` in the local part are dropped
/// (Gmail ignores them, and they are a common way to open many accounts on one mailbox).
pub fn email(raw: &str) -> Option<String> {
    let s = raw.trim().to_lowercase();
    let (local, domain) = s.rsplit_once('@')?;
    if local.is_empty()
        || domain.is_empty()
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || s.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let domain = if domain == "googlemail.com" {
        "gmail.com"
    } else {
        domain
    };
    if domain == "gmail.com" {
        let local = local.split('+').next().unwrap_or(local).replace('.', "");
        if local.is_empty() {
            return None;
        }
        return Some(format!("{local}@{domain}"));
    }
    Some(format!("{local}@{domain}"))
}

/// A phone number in E.164 form (`+` and 8 to 15 digits). Formatting (spaces, dashes, dots,
/// brackets) is removed; a leading `00` becomes `+`. Numbers without a country code are
/// rejected rather than guessed.
pub fn phone_e164(raw: &str) -> Option<String> {
    let s = raw.trim();
    let (plus, rest) = if let Some(r) = s.strip_prefix('+') {
        (true, r)
    } else if let Some(r) = s.strip_prefix("00") {
        (true, r)
    } else {
        (false, s)
    };
    if !plus {
        return None;
    }
    let mut digits = String::with_capacity(16);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            _ => return None,
        }
    }
    if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
        return None;
    }
    Some(format!("+{digits}"))
}

/// The keys of an IP address: the address itself and its network (`/24` for IPv4, `/48` for
/// IPv6), as canonical text.
pub fn ip_keys(raw: &str) -> Option<(String, String)> {
    raw.trim().parse().ok().map(ip_keys_of)
}

/// The keys of a parsed IP address (see [`ip_keys`]).
pub fn ip_keys_of(ip: IpAddr) -> (String, String) {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (v4.to_string(), format!("{}.{}.{}.0/24", o[0], o[1], o[2]))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            (
                v6.to_string(),
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]),
            )
        }
    }
}

/// A postal address folded for exact comparison: lower case, letters and digits only, single
/// spaces.
pub fn address(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    let t = out.trim_end().to_owned();
    (!t.is_empty()).then_some(t)
}

/// An account number (IBAN, bank account, payment handle): upper case, separators removed.
pub fn account(raw: &str) -> Option<String> {
    let s: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.'))
        .flat_map(char::to_uppercase)
        .collect();
    (!s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "@_:/".contains(c))).then_some(s)
}

/// A 64-bit perceptual hash written as 16 hex digits (an optional `0x` is accepted).
pub fn phash(raw: &str) -> Option<u64> {
    let s = raw.trim();
    let s = s.strip_prefix("0x").unwrap_or(s);
    if s.len() != 16 {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_fold_gmail_aliases() {
        assert_eq!(
            email(" J.Doe+jobs@GoogleMail.com ").as_deref(),
            Some("jdoe@gmail.com")
        );
        assert_eq!(email("a.b@corp.io").as_deref(), Some("a.b@corp.io"));
        assert_eq!(email("not-an-email"), None);
        assert_eq!(email("a@b"), None);
    }

    #[test]
    fn phones_need_a_country_code() {
        assert_eq!(
            phone_e164("+1 (415) 555-0100").as_deref(),
            Some("+14155550100")
        );
        assert_eq!(
            phone_e164("0044 20 7946 0000").as_deref(),
            Some("+442079460000")
        );
        assert_eq!(phone_e164("415 555 0100"), None);
        assert_eq!(phone_e164("+1 555 CALL"), None);
    }

    #[test]
    fn ips_give_host_and_network() {
        assert_eq!(
            ip_keys("203.0.113.7"),
            Some(("203.0.113.7".into(), "203.0.113.0/24".into()))
        );
        assert_eq!(ip_keys("999.1.1.1"), None);
        assert_eq!(
            ip_keys("2001:db8::1").map(|k| k.1),
            Some("2001:db8:0::/48".into())
        );
    }

    #[test]
    fn addresses_accounts_and_hashes() {
        assert_eq!(
            address("12, Main St.  Apt 4").as_deref(),
            Some("12 main st apt 4")
        );
        assert_eq!(account("de89 3704-0044").as_deref(), Some("DE8937040044"));
        assert_eq!(phash("0xffffffffffffffff"), Some(u64::MAX));
        assert_eq!(phash("xyz"), None);
    }
}
