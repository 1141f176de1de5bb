//! THORChain swap memos: where value deposited into THORChain's router or vault comes out.
//!
//! A deposit carries a memo naming the swap's outbound asset and destination
//! (`SWAP:BTC.BTC:bc1q…:LIMIT`, shortened to `=:b:bc1q…` or `s:…`). A trace that ends at a
//! bridge sink links each tainted deposit with such a memo to its outbound chain and address,
//! so the investigation can continue on the other chain. Only swap memos name an outbound
//! address; liquidity, loan and other memos are not links.

use serde::Serialize;

/// The outbound side of a THORChain swap, read from a deposit memo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SwapMemo {
    /// THORChain chain code (`BTC`, `ETH`, `LTC`, `BCH`, `DOGE`, `GAIA`, `AVAX`, `BSC`, ...).
    pub chain: String,
    /// Outbound asset in THORChain notation (`BTC.BTC`, `ETH.USDT-0XDAC17…`).
    pub asset: String,
    /// Destination address as written in the memo.
    pub address: String,
    /// `ok` when the address parses and its checksum verifies (cordon-address), else the
    /// error code (`bad-checksum`, `unknown-format`, …).
    pub address_check: String,
}

/// Asset shorthands THORChain accepts in memos (docs: "Asset Notation", shortened assets).
const SHORT: &[(&str, &str)] = &[
    ("a", "AVAX.AVAX"),
    ("b", "BTC.BTC"),
    ("c", "BCH.BCH"),
    ("d", "DOGE.DOGE"),
    ("e", "ETH.ETH"),
    ("g", "GAIA.ATOM"),
    ("l", "LTC.LTC"),
    ("r", "THOR.RUNE"),
    ("s", "BSC.BNB"),
];

/// Parses a THORChain swap memo. `None` for anything that is not a swap with a destination.
pub fn parse_swap_memo(memo: &str) -> Option<SwapMemo> {
    let mut parts = memo.trim().split(':');
    let op = parts.next()?.trim();
    if !(op.eq_ignore_ascii_case("swap") || op == "=" || op.eq_ignore_ascii_case("s")) {
        return None;
    }
    let raw_asset = parts.next()?.trim();
    let asset = SHORT
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(raw_asset))
        .map_or_else(|| raw_asset.to_ascii_uppercase(), |(_, a)| (*a).to_string());
    // Layer-1 `CHAIN.SYMBOL`, synth `CHAIN/SYMBOL`, trade `CHAIN~SYMBOL`.
    let chain = asset.split(['.', '/', '~']).next()?.to_string();
    if chain.is_empty() || chain.len() == asset.len() {
        return None;
    }
    // Newer memos may append a refund address: `dest/refund`.
    let address = parts.next()?.trim().split('/').next()?.trim().to_string();
    if address.is_empty() {
        return None;
    }
    let address_check = match cordon_address::parse(&address) {
        Ok(_) => "ok".to_string(),
        Err(e) => e.code().to_string(),
    };
    Some(SwapMemo {
        chain,
        asset,
        address,
        address_check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_memos_give_the_outbound_chain_and_address() {
        let m =
            parse_swap_memo("=:BTC.BTC:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4:0/1/0").unwrap();
        assert_eq!(
            (m.chain.as_str(), m.asset.as_str(), m.address_check.as_str()),
            ("BTC", "BTC.BTC", "ok")
        );
        let m = parse_swap_memo("SWAP:b:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4").unwrap();
        assert_eq!(m.asset, "BTC.BTC");
        let m = parse_swap_memo(
            "s:ETH.USDT-0xdAC17F958D2ee523a2206206994597C13D831ec7:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        )
        .unwrap();
        assert_eq!(m.chain, "ETH");
        assert_eq!(m.address_check, "ok");
    }

    #[test]
    fn a_wrong_checksum_in_the_memo_is_reported_not_hidden() {
        let m = parse_swap_memo("=:e:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").unwrap();
        assert_eq!(m.address_check, "bad-checksum");
    }

    #[test]
    fn non_swap_memos_are_not_links() {
        for memo in [
            "",
            "ADD:BTC.BTC:thor1xyz",
            "+:ETH.ETH",
            "=:BTC.BTC",
            "=:BTC.BTC:",
            "=:NOCHAIN:bc1q",
            "hello",
        ] {
            assert_eq!(parse_swap_memo(memo), None, "{memo:?}");
        }
    }
}
