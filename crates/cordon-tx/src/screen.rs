//! Recognising transfers that must never carry taint: failed and zero-value transfers,
//! impersonating tokens and address-poisoning look-alikes.
//!
//! Attackers flood a victim's history with worthless transfers so that an analyst (or an engine
//! that ranks by displayed amount) follows the fake: a token contract named `ЕТН` in Cyrillic,
//! an ERC-20 called plain `ETH`, a fake `stETH` moving 554,882 "units", or a counterparty whose
//! address shares the first and last characters of a real one. Each exclusion is a bit in
//! [`Exclusion`] with a human-readable reason kept beside the transfer.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Why a transfer is excluded from taint propagation (a bit set; several can apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Exclusion(pub u8);

impl Exclusion {
    /// Not excluded.
    pub const NONE: Exclusion = Exclusion(0);
    /// The transaction reverted (`is_error=1`, `status=0`).
    pub const FAILED: Exclusion = Exclusion(1);
    /// Moves nothing (contract calls, poisoning "zero transfers").
    pub const ZERO_VALUE: Exclusion = Exclusion(2);
    /// The token contract impersonates another asset.
    pub const IMPERSONATING_TOKEN: Exclusion = Exclusion(4);
    /// The counterparty imitates a genuine counterparty's address.
    pub const POISONING_LOOKALIKE: Exclusion = Exclusion(8);

    /// True when no reason applies.
    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    /// True when `other`'s bits are set.
    pub fn contains(self, other: Exclusion) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// Adds `other`'s bits.
    pub fn insert(&mut self, other: Exclusion) {
        self.0 |= other.0;
    }

    /// Stable names of the reasons set (`failed`, `zero_value`, `impersonating_token`,
    /// `poisoning_lookalike`).
    pub fn names(self) -> Vec<&'static str> {
        [
            (Self::FAILED, "failed"),
            (Self::ZERO_VALUE, "zero_value"),
            (Self::IMPERSONATING_TOKEN, "impersonating_token"),
            (Self::POISONING_LOOKALIKE, "poisoning_lookalike"),
        ]
        .into_iter()
        .filter(|(e, _)| self.contains(*e))
        .map(|(_, n)| n)
        .collect()
    }
}

/// What the registry says about an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "reason", rename_all = "snake_case")]
pub enum AssetVerdict {
    /// The chain's native asset.
    Native,
    /// A token contract known to be the real asset.
    Legit,
    /// A token nobody claims it imitates; it keeps its own ledger.
    Unknown,
    /// A token imitating another asset; the reason names how.
    Impersonating(String),
}

/// Known real token contracts, per chain, and known impersonators.
#[derive(Debug, Clone, Default)]
pub struct TokenRegistry {
    // (chain, contract) -> (symbol, decimals)
    by_contract: FxHashMap<(String, String), (String, u8)>,
    // (chain, upper-case symbol) -> contract
    by_symbol: FxHashMap<(String, String), String>,
    // (chain, contract) -> reason
    fakes: FxHashMap<(String, String), String>,
}

/// The native asset's symbol and decimals per chain slug.
pub fn native_asset(chain: &str) -> Option<(&'static str, u8)> {
    Some(match chain {
        "eth" => ("ETH", 18),
        "btc" => ("BTC", 8),
        "trx" => ("TRX", 6),
        "ltc" => ("LTC", 8),
        "bch" => ("BCH", 8),
        "doge" => ("DOGE", 8),
        "bsc" => ("BNB", 18),
        "matic" | "polygon" => ("POL", 18),
        "arb" | "op" | "base" => ("ETH", 18),
        _ => return None,
    })
}

impl TokenRegistry {
    /// A registry with the main Ethereum assets (stablecoins, WETH, the liquid-staking tokens of
    /// the Bybit theft).
    pub fn with_defaults() -> Self {
        let mut r = TokenRegistry::default();
        for (sym, contract, dec) in [
            ("USDT", "0xdac17f958d2ee523a2206206994597c13d831ec7", 6),
            ("USDC", "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", 6),
            ("DAI", "0x6b175474e89094c44da98b954eedeac495271d0f", 18),
            ("WETH", "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2", 18),
            ("stETH", "0xae7ab96520de3a18e5e111b5eaab095312d7fe84", 18),
            ("mETH", "0xd5f7838f5c461feff7fe49ea5ebaf7728bb0adfa", 18),
            ("cmETH", "0xe6829d9a7ee3040e1276fa75293bde931859e8fa", 18),
        ] {
            r.add_legit("eth", contract, sym, dec);
        }
        r.add_legit("trx", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "USDT", 6);
        r
    }

    /// Registers a real token contract.
    pub fn add_legit(&mut self, chain: &str, contract: &str, symbol: &str, decimals: u8) {
        let c = norm_contract(contract);
        self.by_symbol
            .insert((chain.into(), symbol.to_uppercase()), c.clone());
        self.by_contract
            .insert((chain.into(), c), (symbol.into(), decimals));
    }

    /// Registers a known impersonating contract (e.g. from a label table).
    pub fn add_impersonator(&mut self, chain: &str, contract: &str, reason: &str) {
        self.fakes
            .insert((chain.into(), norm_contract(contract)), reason.into());
    }

    /// Decimals of a known token, if registered.
    pub fn decimals(&self, chain: &str, contract: &str) -> Option<u8> {
        self.by_contract
            .get(&(chain.into(), norm_contract(contract)))
            .map(|(_, d)| *d)
    }

    /// Classifies an asset: native (`contract` is `None`), legit, unknown or impersonating.
    pub fn classify(&self, chain: &str, symbol: &str, contract: Option<&str>) -> AssetVerdict {
        let Some(contract) = contract.filter(|c| !c.trim().is_empty()) else {
            return AssetVerdict::Native;
        };
        let key = (chain.to_string(), norm_contract(contract));
        if let Some(reason) = self.fakes.get(&key) {
            return AssetVerdict::Impersonating(format!("listed impersonator: {reason}"));
        }
        if self.by_contract.contains_key(&key) {
            return AssetVerdict::Legit;
        }
        let folded = fold_confusables(symbol);
        if !symbol.is_ascii() {
            return AssetVerdict::Impersonating(format!(
                "symbol {symbol:?} uses non-ASCII look-alike characters (reads as {folded:?})"
            ));
        }
        let upper = folded.to_uppercase();
        if let Some((native, _)) = native_asset(chain)
            && upper == native
        {
            return AssetVerdict::Impersonating(format!(
                "token contract {} claims the native symbol {native}, which has no contract",
                key.1
            ));
        }
        if let Some(real) = self.by_symbol.get(&(chain.to_string(), upper)) {
            return AssetVerdict::Impersonating(format!(
                "symbol {symbol:?} belongs to contract {real}, not {}",
                key.1
            ));
        }
        AssetVerdict::Unknown
    }
}

fn norm_contract(c: &str) -> String {
    let c = c.trim();
    if c.starts_with("0x") || c.starts_with("0X") {
        c.to_ascii_lowercase()
    } else {
        c.to_string()
    }
}

/// Maps Cyrillic/Greek/full-width look-alikes to ASCII and drops display truncation (`…`,
/// `...`) and invisible characters, so `ЕТН...` reads as `ETH`.
pub fn fold_confusables(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        let c = match ch {
            'А' | 'Α' | 'Ａ' => 'A',
            'В' | 'Β' | 'Ｂ' => 'B',
            'С' | 'Ｃ' | 'Ϲ' => 'C',
            'Е' | 'Ε' | 'Ｅ' => 'E',
            'Н' | 'Η' | 'Ｈ' => 'H',
            'І' | 'Ι' | 'Ｉ' => 'I',
            'К' | 'Κ' | 'Ｋ' => 'K',
            'М' | 'Μ' | 'Ｍ' => 'M',
            'Ν' | 'Ｎ' => 'N',
            'О' | 'Ο' | 'Ｏ' => 'O',
            'Р' | 'Ρ' | 'Ｐ' => 'P',
            'Ѕ' | 'Ｓ' => 'S',
            'Т' | 'Τ' | 'Ｔ' => 'T',
            'Х' | 'Χ' | 'Ｘ' => 'X',
            'У' | 'Υ' | 'Ｙ' => 'Y',
            'Ζ' | 'Ｚ' => 'Z',
            'а' | 'α' => 'a',
            'е' | 'ε' => 'e',
            'о' | 'ο' => 'o',
            'р' | 'ρ' => 'p',
            'с' | 'ϲ' => 'c',
            'у' => 'y',
            'х' => 'x',
            'ѕ' => 's',
            'і' => 'i',
            'т' => 't',
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '…' => continue,
            c => c,
        };
        out.push(c);
    }
    out.trim().trim_end_matches('.').trim().to_string()
}

/// The key two addresses share when one poisons the other: the first 6 and last 4 characters
/// (case-insensitive), as wallets truncate addresses to `0xa4b2…449e`. `None` for addresses too
/// short to truncate.
pub fn lookalike_key(addr: &str) -> Option<(String, String)> {
    let a = addr.trim();
    if a.len() < 14 || !a.is_ascii() {
        return None;
    }
    let lower = a.to_ascii_lowercase();
    Some((lower[..6].to_string(), lower[lower.len() - 4..].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_impersonating_tokens() {
        let r = TokenRegistry::with_defaults();
        assert_eq!(r.classify("eth", "ETH", None), AssetVerdict::Native);
        assert_eq!(
            r.classify(
                "eth",
                "stETH",
                Some("0xAE7AB96520DE3A18E5E111B5EAAB095312D7FE84")
            ),
            AssetVerdict::Legit
        );
        // Cyrillic Е, Т, Н with display truncation.
        assert!(matches!(
            r.classify(
                "eth",
                "ЕТН...",
                Some("0x2a120e7f2f1d8ffd173ed17aa5089f11206b5177")
            ),
            AssetVerdict::Impersonating(_)
        ));
        // Clean ASCII "ETH" as an ERC-20.
        assert!(matches!(
            r.classify(
                "eth",
                "ETH",
                Some("0x2f22686d82dded300c975e63b62efbe824c9d236")
            ),
            AssetVerdict::Impersonating(_)
        ));
        // A stETH from the wrong contract.
        assert!(matches!(
            r.classify(
                "eth",
                "stETH",
                Some("0xee33058e9fceb8ebece8bdb0e70fcb257595c562")
            ),
            AssetVerdict::Impersonating(_)
        ));
        assert_eq!(
            r.classify(
                "eth",
                "PEPE",
                Some("0x6982508145454ce325ddbe47a25d4ec3d2311933")
            ),
            AssetVerdict::Unknown
        );
    }

    #[test]
    fn lookalike_key_uses_prefix_and_suffix() {
        assert_eq!(
            lookalike_key("0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e"),
            lookalike_key("0xA4B24033F4C6D70133E4557C2C32A3FB693E449E")
        );
        assert_eq!(lookalike_key("0x12"), None);
    }
}
