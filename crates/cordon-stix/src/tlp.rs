//! Official TLP 2.0 marking definitions (OASIS cti-stix-common-objects).

use serde_json::{Value, json};

use crate::Object;

/// The extension that defines TLP 2.0 markings.
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// A Traffic Light Protocol 2.0 level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tlp {
    /// TLP:CLEAR — no limit on disclosure.
    Clear,
    /// TLP:GREEN — the community.
    Green,
    /// TLP:AMBER — the recipient's organisation and its clients.
    Amber,
    /// TLP:AMBER+STRICT — the recipient's organisation only.
    AmberStrict,
    /// TLP:RED — named recipients only.
    Red,
}

/// Every level, least restrictive first.
pub const ALL_TLP: [Tlp; 5] = [
    Tlp::Clear,
    Tlp::Green,
    Tlp::Amber,
    Tlp::AmberStrict,
    Tlp::Red,
];

impl Tlp {
    /// The official marking-definition id. Hard-coded from the OASIS list because public code
    /// (the `stix2` 0.1.1 crate among it) carries a wrong AMBER+STRICT id and TLP 1.0 ids.
    pub fn marking_id(self) -> &'static str {
        match self {
            Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }

    /// The `tlp_2_0` value (`clear`, `green`, `amber`, `amber+strict`, `red`), also the CLI name.
    pub fn name(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// Parses a CLI/MISP name (case-insensitive, with or without the `tlp:` prefix).
    pub fn parse(s: &str) -> Option<Tlp> {
        let s = s.trim().to_ascii_lowercase();
        let s = s.strip_prefix("tlp:").unwrap_or(&s);
        ALL_TLP.into_iter().find(|t| t.name() == s)
    }

    /// Which level an official marking id stands for.
    pub fn from_marking_id(id: &str) -> Option<Tlp> {
        ALL_TLP.into_iter().find(|t| t.marking_id() == id)
    }

    /// The marking-definition object, exactly as OASIS publishes it.
    pub fn marking_definition(self) -> Object {
        let label = format!("TLP:{}", self.name().to_ascii_uppercase());
        let mut ext = serde_json::Map::new();
        ext.insert(
            TLP2_EXTENSION.to_owned(),
            json!({"extension_type": "property-extension", "tlp_2_0": self.name()}),
        );
        Object::new("marking-definition", self.marking_id())
            .with("spec_version", "2.1")
            .with("created", "2022-10-01T00:00:00.000Z")
            .with("name", label)
            .with("extensions", Value::Object(ext))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_tlp2_ids_not_the_ones_public_code_gets_wrong() {
        let ids: Vec<&str> = ALL_TLP.iter().map(|t| t.marking_id()).collect();
        assert_eq!(
            ids,
            [
                "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
                "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
                "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
            ]
        );
        // stix2 0.1.1's AMBER+STRICT and the TLP 1.0 GREEN/AMBER/RED ids must never appear.
        for wrong in [
            "826578e1-40a3-4b26-bf02-f8e3c5d7f8a8",
            "34098fce-860f-48ae-8e50-ebd3cc5e41da",
            "f88d31f6-486f-44da-b317-01333bde0b82",
            "5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        ] {
            assert!(ids.iter().all(|id| !id.ends_with(wrong)), "{wrong}");
        }
    }

    #[test]
    fn names_round_trip() {
        for t in ALL_TLP {
            assert_eq!(Tlp::parse(t.name()), Some(t));
            assert_eq!(Tlp::from_marking_id(t.marking_id()), Some(t));
        }
        assert_eq!(Tlp::parse("TLP:AMBER+STRICT"), Some(Tlp::AmberStrict));
        assert_eq!(Tlp::parse("white"), None);
    }

    #[test]
    fn marking_definition_carries_the_extension() {
        let m = Tlp::AmberStrict.marking_definition();
        assert_eq!(m.str("name"), Some("TLP:AMBER+STRICT"));
        let v = serde_json::to_value(&m).unwrap_or_default();
        assert_eq!(v["extensions"][TLP2_EXTENSION]["tlp_2_0"], "amber+strict");
    }
}
