use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of risk an attributed address carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Category {
    /// On a sanctions list (or attributed to a sanctions designation by a TagPack).
    Sanctioned,
    /// Attributed to the DPRK (Lazarus Group and its sub-groups, DPRK sanctions programmes).
    DprkAttributed,
    /// A mixer (Tornado Cash, Blender.io, Sinbad.io…).
    Mixer,
    /// A cross-chain bridge.
    Bridge,
    /// An exchange's own wallet.
    Exchange,
    /// Proceeds of a hack or theft.
    Theft,
    /// A scam or phishing operation.
    Scam,
    /// Ransomware.
    Ransomware,
    /// Anything else a TagPack names (see the hit's raw category and abuse).
    Other,
}

impl Category {
    /// The kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Sanctioned => "sanctioned",
            Category::DprkAttributed => "dprk-attributed",
            Category::Mixer => "mixer",
            Category::Bridge => "bridge",
            Category::Exchange => "exchange",
            Category::Theft => "theft",
            Category::Scam => "scam",
            Category::Ransomware => "ransomware",
            Category::Other => "other",
        }
    }

    /// Cordon categories for a GraphSense `category` or `abuse` value (`None` for neutral
    /// values such as `user`).
    pub fn from_graphsense(value: &str) -> Option<Category> {
        let v = value.trim().to_ascii_lowercase();
        Some(match v.as_str() {
            "sanction" | "sanctioned" | "sanctions" => Category::Sanctioned,
            "mixing_service" | "mixer" | "coinjoin" => Category::Mixer,
            "bridge" | "defi_bridge" => Category::Bridge,
            "exchange" | "otc_broker" | "broker" => Category::Exchange,
            "service_hack" | "hack" | "theft" | "hacker" => Category::Theft,
            "scam" | "phishing" | "ponzi_scheme" | "sextortion" | "honeypot" => Category::Scam,
            "ransomware" => Category::Ransomware,
            "user" | "" | "unknown" | "miner" | "wallet_service" | "payment_processor" => {
                return None;
            }
            _ => Category::Other,
        })
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// GraphSense's confidence levels (`src/tagpack/db/confidence.csv` in graphsense-tagpack-tool):
/// how the attribution was obtained, with a score out of 100.
pub const CONFIDENCE_LEVELS: [(&str, u8); 14] = [
    ("override", 100),
    ("ownership", 100),
    ("ledger_immanent", 100),
    ("manual_transaction", 90),
    ("service_api", 70),
    ("forensic_investigation", 70),
    ("authority_data", 60),
    ("trusted_provider", 50),
    ("service_data", 50),
    ("forensic", 50),
    ("untrusted_transaction", 40),
    ("web_crawl", 20),
    ("heuristic", 10),
    ("unknown", 5),
];

/// A confidence: the GraphSense level name and its score (`None` when the source gave no
/// level or one outside the taxonomy). The default is [`Confidence::unspecified`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confidence {
    /// The level's name (`authority_data`), or `unspecified`.
    pub name: String,
    /// Its score out of 100.
    pub level: Option<u8>,
}

impl Confidence {
    /// The confidence for a level name (case-insensitive).
    pub fn named(name: &str) -> Confidence {
        let lower = name.trim().to_ascii_lowercase();
        let level = CONFIDENCE_LEVELS
            .iter()
            .find(|(n, _)| *n == lower)
            .map(|(_, l)| *l);
        Confidence { name: lower, level }
    }

    /// No confidence given.
    pub fn unspecified() -> Confidence {
        Confidence {
            name: "unspecified".into(),
            level: None,
        }
    }

    /// The confidence a free-text column gives: [`Confidence::named`], or
    /// [`Confidence::unspecified`] when the text is empty.
    pub fn from_text(text: &str) -> Confidence {
        if text.trim().is_empty() {
            Confidence::unspecified()
        } else {
            Confidence::named(text)
        }
    }

    /// Sanctions lists are authority data in GraphSense's taxonomy.
    pub fn authority() -> Confidence {
        Confidence::named("authority_data")
    }
}

impl Default for Confidence {
    fn default() -> Self {
        Confidence::unspecified()
    }
}

/// GraphSense actor ids (and words in labels) that attribute an address to the DPRK.
pub(crate) const DPRK_ACTORS: [&str; 10] = [
    "lazarusgroup",
    "lazarus",
    "apt38",
    "bluenoroff",
    "andariel",
    "kimsuky",
    "tradertraitor",
    "dprk",
    "northkorea",
    "jadesleet",
];

/// Whether free text (an actor id, label or programme) attributes to the DPRK.
pub(crate) fn mentions_dprk(text: &str) -> bool {
    let folded: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    DPRK_ACTORS.iter().any(|a| folded.contains(a))
}

/// Whether a sanctions programme code is a DPRK programme (OFAC `DPRK`, `DPRK2`…`DPRK4`,
/// `DPRK-NKSPEA`; EU `EU-PRK`).
pub(crate) fn is_dprk_program(program: &str) -> bool {
    let p = program.trim().to_ascii_uppercase();
    p.starts_with("DPRK") || p.contains("NKSPEA") || p.ends_with("-PRK")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphsense_vocabulary() {
        assert_eq!(
            Category::from_graphsense("mixing_service"),
            Some(Category::Mixer)
        );
        assert_eq!(
            Category::from_graphsense("service_hack"),
            Some(Category::Theft)
        );
        assert_eq!(Category::from_graphsense("user"), None);
        assert_eq!(Confidence::named("Authority_Data").level, Some(60));
        assert_eq!(Confidence::named("made_up").level, None);
        assert!(mentions_dprk("Lazarus Group"));
        assert!(mentions_dprk("lazarusgroup"));
        assert!(!mentions_dprk("tornado"));
        assert!(is_dprk_program("DPRK3"));
        assert!(is_dprk_program("DPRK-NKSPEA"));
        assert!(!is_dprk_program("CYBER2"));
        assert!(!is_dprk_program("SDGT"));
    }
}
