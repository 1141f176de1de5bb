//! Attribution: address → category, name, source.
//!
//! Two CSV shapes are read: Cordon's `address,category,name,source[,confidence]` and the Bybit
//! trail's `address,kind,role,source` (roles in words, mapped to categories by keywords).
//! GraphSense TagPacks are parsed by `cordon-wallets`; anything implementing [`LabelSource`]
//! can be used.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use cordon_tx::{TokenRegistry, normalize_address};
use cordon_wallets::Confidence;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::TraceError;

/// What an attributed address is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// On a sanctions list.
    Sanctioned,
    /// Attributed to the DPRK (FBI, OFAC, analysts).
    Dprk,
    /// A mixer (Tornado Cash, Blender, Sinbad).
    Mixer,
    /// A bridge or cross-chain swap entry (THORChain, Wormhole).
    Bridge,
    /// Proceeds of a theft (exploiter addresses).
    Theft,
    /// An exchange (deposit or hot wallet).
    Exchange,
    /// A DEX router or pool: value continues through swaps.
    Dex,
    /// A victim of a theft.
    Victim,
    /// An address-poisoning look-alike.
    Poisoning,
    /// A token contract (legit or impersonating), not a counterparty.
    Token,
    /// Anything else worth naming.
    Other,
}

impl Category {
    /// Every category, in declaration order (`c as u8` indexes it).
    pub const ALL: [Category; 11] = [
        Category::Sanctioned,
        Category::Dprk,
        Category::Mixer,
        Category::Bridge,
        Category::Theft,
        Category::Exchange,
        Category::Dex,
        Category::Victim,
        Category::Poisoning,
        Category::Token,
        Category::Other,
    ];

    /// The category with index `i` in [`Category::ALL`].
    pub fn from_index(i: u8) -> Option<Category> {
        Category::ALL.get(usize::from(i)).copied()
    }

    /// Stable name.
    pub fn name(self) -> &'static str {
        match self {
            Category::Sanctioned => "sanctioned",
            Category::Dprk => "dprk",
            Category::Mixer => "mixer",
            Category::Bridge => "bridge",
            Category::Theft => "theft",
            Category::Exchange => "exchange",
            Category::Dex => "dex",
            Category::Victim => "victim",
            Category::Poisoning => "poisoning",
            Category::Token => "token",
            Category::Other => "other",
        }
    }

    /// Services absorb value: tracing stops there (funds leave the chain or lose identity).
    pub fn is_service(self) -> bool {
        matches!(
            self,
            Category::Mixer | Category::Bridge | Category::Exchange
        )
    }

    /// Categories an exposure report counts.
    pub fn is_risk(self) -> bool {
        matches!(
            self,
            Category::Sanctioned
                | Category::Dprk
                | Category::Mixer
                | Category::Bridge
                | Category::Theft
                | Category::Exchange
        )
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Category {
    type Err = TraceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "sanctioned" | "sanction" | "ofac" => Category::Sanctioned,
            "dprk" | "dprk-attributed" | "lazarus" => Category::Dprk,
            "mixer" | "mixing" | "coinjoin" => Category::Mixer,
            "bridge" => Category::Bridge,
            "theft" | "hack" | "stolen" | "exploiter" => Category::Theft,
            "exchange" | "cex" | "deposit" => Category::Exchange,
            "dex" | "swap" | "defi" => Category::Dex,
            "victim" => Category::Victim,
            "poisoning" => Category::Poisoning,
            "token" => Category::Token,
            "other" | "" => Category::Other,
            other => return Err(TraceError::UnknownCategory(other.into())),
        })
    }
}

/// One attribution, serialised as the wallet screening words it: `category`, `label`,
/// `source`, `confidence`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Category.
    pub category: Category,
    /// Name or role.
    #[serde(rename = "label", alias = "name")]
    pub name: String,
    /// Who says so.
    pub source: String,
    /// How the attribution was obtained (GraphSense's taxonomy; `unspecified` when the
    /// source does not say).
    #[serde(default)]
    pub confidence: Confidence,
}

/// The labels of those `addresses` that have one, by address: what a report carries so that
/// every address it names can be shown with its attribution.
pub fn labels_of<'a>(
    labels: &dyn LabelSource,
    addresses: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, Label> {
    let mut out = BTreeMap::new();
    for a in addresses {
        if !out.contains_key(a)
            && let Some(l) = labels.label(a)
        {
            out.insert(a.to_string(), l.clone());
        }
    }
    out
}

/// Anything that can attribute an address (a label table, TagPacks).
pub trait LabelSource {
    /// The label of `address` (canonical form), if any.
    fn label(&self, address: &str) -> Option<&Label>;
}

/// A simple in-memory label table.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    map: FxHashMap<String, Label>,
}

impl LabelSource for Labels {
    fn label(&self, address: &str) -> Option<&Label> {
        self.map.get(address)
    }
}

impl Labels {
    /// An empty table.
    pub fn new() -> Self {
        Labels::default()
    }

    /// Adds or replaces a label.
    pub fn insert(&mut self, address: &str, label: Label) {
        self.map.insert(normalize_address(address), label);
    }

    /// Number of labelled addresses.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Label of `address` (any case for hex addresses).
    pub fn get(&self, address: &str) -> Option<&Label> {
        self.map.get(&normalize_address(address))
    }

    /// All labels.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Label)> {
        self.map.iter().map(|(a, l)| (a.as_str(), l))
    }

    /// Reads a label CSV. Token rows of the Bybit shape also feed `registry` (legit assets and
    /// known impersonators) when given.
    pub fn load_csv(
        &mut self,
        path: &Path,
        mut registry: Option<&mut TokenRegistry>,
    ) -> Result<usize, TraceError> {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| TraceError::Labels(format!("{}: {e}", path.display())))?;
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| TraceError::Labels(format!("{}: {e}", path.display())))?
            .iter()
            .map(str::to_ascii_lowercase)
            .collect();
        let col = |n: &str| header.iter().position(|h| h == n);
        let addr = col("address").ok_or_else(|| {
            TraceError::Labels(format!("{}: missing column \"address\"", path.display()))
        })?;
        let (cat, name, role, kind, source, confidence) = (
            col("category"),
            col("name"),
            col("role"),
            col("kind"),
            col("source"),
            col("confidence"),
        );
        if cat.is_none() && role.is_none() {
            return Err(TraceError::Labels(format!(
                "{}: need a \"category\" or \"role\" column",
                path.display()
            )));
        }
        let mut n = 0;
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| TraceError::Labels(format!("{}: {e}", path.display())))?;
            let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("");
            let address = get(Some(addr));
            let source = get(source).to_string();
            let confidence = Confidence::from_text(get(confidence));
            let label = if let Some(c) = cat {
                let category = get(Some(c)).parse().map_err(|e| {
                    TraceError::Labels(format!("{}: line {}: {e}", path.display(), i + 2))
                })?;
                Label {
                    category,
                    name: get(name).to_string(),
                    source,
                    confidence,
                }
            } else {
                let role = get(role);
                let category = category_of_role(get(kind), role);
                if category == Category::Token
                    && let Some(reg) = registry.as_deref_mut()
                {
                    if role.contains("impersonating") {
                        reg.add_impersonator("eth", address, role);
                    } else if role.contains("legitimate")
                        && let Some(sym) = role
                            .split('(')
                            .next()
                            .and_then(|s| s.split_whitespace().last())
                    {
                        reg.add_legit("eth", address, sym, 18);
                    }
                }
                Label {
                    category,
                    name: role.to_string(),
                    source,
                    confidence,
                }
            };
            self.insert(address, label);
            n += 1;
        }
        Ok(n)
    }
}

/// Maps a role written in words (the Bybit `labels.csv`) to a category.
pub fn category_of_role(kind: &str, role: &str) -> Category {
    let r = role.to_ascii_lowercase();
    if kind == "token" {
        Category::Token
    } else if r.contains("poisoning") || r.contains("lookalike") {
        Category::Poisoning
    } else if r.starts_with("victim") {
        Category::Victim
    } else if r.contains("anchor")
        || r.contains("attacker")
        || r.contains("exploiter")
        || r.contains("theft")
    {
        Category::Theft
    } else if r.contains("thorchain") || r.contains("bridge") {
        Category::Bridge
    } else if r.contains("dex") || r.contains("swap venue") || r.contains("uniswap") {
        Category::Dex
    } else if r.contains("mixer") || r.contains("tornado") {
        Category::Mixer
    } else if r.contains("exchange") || r.contains("deposit address") {
        Category::Exchange
    } else {
        Category::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_map_to_categories() {
        assert_eq!(
            category_of_role(
                "eoa",
                "reconvergence address; repeatedly deposits into THORChain (bridge exit)"
            ),
            Category::Bridge
        );
        assert_eq!(
            category_of_role("contract", "DODO Fee Route Proxy - swap venue"),
            Category::Dex
        );
        assert_eq!(
            category_of_role(
                "eoa",
                "hop1 anchor: direct theft recipient (401346.77 ETH swept here)"
            ),
            Category::Theft
        );
        assert_eq!(
            category_of_role(
                "eoa",
                "hop3 anchor: received 98048.79 ETH after DEX conversion"
            ),
            Category::Theft
        );
        assert_eq!(
            category_of_role("eoa", "received 15000 cmETH at hop1 (branch not followed)"),
            Category::Other
        );
        assert!("nonsense".parse::<Category>().is_err());
        for (i, c) in Category::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i);
            assert_eq!(Category::from_index(i as u8), Some(*c));
        }
    }
}
