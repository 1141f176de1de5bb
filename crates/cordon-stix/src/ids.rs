//! Deterministic STIX identifiers.

use serde_json::Value;
use uuid::Uuid;

/// The namespace STIX 2.1 §2.9 fixes for cyber-observable ids.
pub const SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);

/// Cordon's own namespace for SDO/SRO ids (a fixed value chosen once; never change it), so
/// that exporting the same entities twice yields the same ids and consumers can de-duplicate.
pub const CORDON_NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_3c2e_5a8d_5f4e_9d1a_3e0b_7c55_21aa);

/// The id of a cyber observable: `<type>--UUIDv5(SCO_NAMESPACE, JCS(contributing))`.
///
/// `contributing` holds the type's id-contributing properties (e.g. `{"value": …}`). serde_json
/// without `preserve_order` keeps object keys sorted and writes no whitespace, which is the JSON
/// Canonicalization Scheme for the string- and integer-valued properties STIX uses here.
pub fn sco_id(kind: &str, contributing: &Value) -> String {
    let canonical = contributing.to_string();
    format!(
        "{kind}--{}",
        Uuid::new_v5(&SCO_NAMESPACE, canonical.as_bytes())
    )
}

/// The id of a cyber observable whose only id-contributing property is `value`.
pub fn value_sco_id(kind: &str, value: &str) -> String {
    sco_id(kind, &serde_json::json!({ "value": value }))
}

/// A deterministic SDO/SRO id: `<type>--UUIDv5(CORDON_NAMESPACE, "<type>|<key>")`.
pub fn sdo_id(kind: &str, key: &str) -> String {
    let name = format!("{kind}|{key}");
    format!(
        "{kind}--{}",
        Uuid::new_v5(&CORDON_NAMESPACE, name.as_bytes())
    )
}

/// Whether `id` is `<type>--<uuid>` for the given type.
pub fn is_valid_id(id: &str) -> bool {
    match id.split_once("--") {
        Some((kind, uuid)) => {
            !kind.is_empty()
                && kind
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && Uuid::parse_str(uuid).is_ok()
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_vectors_from_the_sharing_doc() {
        assert_eq!(
            value_sco_id("email-addr", "applicant@example.com"),
            "email-addr--eba39f2c-8070-5747-bef1-9cf483e9f7e7"
        );
        assert_eq!(
            value_sco_id("ipv4-addr", "198.51.100.7"),
            "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db"
        );
        assert_eq!(
            value_sco_id("domain-name", "example.com"),
            "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"
        );
        assert_eq!(
            value_sco_id("url", "https://github.com/example-dev"),
            "url--e4a4dd2e-f007-5448-8712-8938d6a8bd9d"
        );
        assert_eq!(
            sco_id(
                "user-account",
                &serde_json::json!({"account_login": "dev_js0125"})
            ),
            "user-account--2572d4f6-cb11-598a-ad10-9e91dd45112a"
        );
    }

    #[test]
    fn sdo_ids_are_stable_and_valid() {
        let a = sdo_id("identity", "ofac-27307");
        assert_eq!(a, sdo_id("identity", "ofac-27307"));
        assert_ne!(a, sdo_id("identity", "ofac-27308"));
        assert!(is_valid_id(&a));
        assert!(!is_valid_id("identity--not-a-uuid"));
        assert!(!is_valid_id("nodashes"));
    }
}
