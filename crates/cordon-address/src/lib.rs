//! Crypto-currency addresses: parse, validate and normalise them per chain.
//!
//! [`parse`] detects the candidate chains from an address's shape and checks its encoding and
//! checksum: Base58Check (Bitcoin, Litecoin, Bitcoin Cash legacy, Dogecoin, Dash, Zcash
//! transparent, Bitcoin Gold, Verge, Tron with version `0x41`), bech32/bech32m (BIP-173/350),
//! cashaddr, EVM hex with EIP-55, Monero's block-wise base58 with a Keccak checksum, Solana
//! base58 keys and XRP's own base58 alphabet. A checksum that does not match is an
//! [`AddressError`] with code `bad-checksum`, never a silent match; so is a mixed-case EVM
//! address whose case is not its EIP-55 checksum. [`parse_on`] additionally requires a chain.
//!
//! ```
//! use cordon_address::{Chain, Checksum, parse, parse_on};
//!
//! let a = parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")?;
//! assert!(a.chains().contains(&Chain::Eth));
//! assert_eq!(a.checksum(), Checksum::Verified);
//! assert_eq!(a.canonical(), "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
//!
//! let bad = parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").unwrap_err();
//! assert_eq!(bad.code(), "bad-checksum");
//!
//! let btc = parse_on(Chain::Btc, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")?;
//! assert_eq!(btc.canonical(), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
//! # Ok::<(), cordon_address::AddressError>(())
//! ```
//!
//! Which chain an address belongs to, and its canonical form.
//!
//! Sanctions lists write addresses with a ticker (`XBT`, `ETH`, `USDT`, `TRX`); tokens such as
//! USDT live on several chains, so the chain is decided from the ticker *and* the address's
//! shape. [`canonical`] gives the identity form used in wallet ids (`wallet-<chain>-<address>`):
//! lower case where the encoding is case-insensitive (hex EVM addresses, bech32), unchanged where
//! case carries information (Base58).
//!
//! ```
//! use cordon_address::{Chain, canonical};
//!
//! let chain = Chain::from_ticker("USDT", "TYDzsYUEpvnYmQk4zGP9sWWcTEd2MiAtW6");
//! assert_eq!(chain, Some(Chain::Trx));
//! let eth = Chain::from_ticker("ETH", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96").unwrap();
//! assert_eq!(canonical(eth, " 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 "),
//!            "0x098b716b8aaf21512996dc57eb0615e2383e2f96");
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod address;
mod codec;
mod error;

pub use address::{
    Address, AddressKey, Checksum, Encoding, Kind, MAX_ADDRESS_LEN, Network, parse, parse_on,
};
pub use error::AddressError;

/// A blockchain Cordon knows addresses of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Chain {
    /// Bitcoin.
    Btc,
    /// Ethereum (and tokens on it).
    Eth,
    /// Tron.
    Trx,
    /// Litecoin.
    Ltc,
    /// Bitcoin Cash.
    Bch,
    /// Bitcoin SV.
    Bsv,
    /// Bitcoin Gold.
    Btg,
    /// Dogecoin.
    Doge,
    /// Dash.
    Dash,
    /// Zcash (transparent addresses).
    Zec,
    /// Monero.
    Xmr,
    /// Solana.
    Sol,
    /// XRP Ledger.
    Xrp,
    /// Ethereum Classic.
    Etc,
    /// BNB Smart Chain.
    Bsc,
    /// Arbitrum.
    Arb,
    /// Verge.
    Xvg,
    /// Polygon PoS.
    Polygon,
    /// Optimism.
    Op,
    /// Base.
    Base,
    /// Avalanche C-Chain.
    Avax,
    /// BNB Beacon Chain (`bnb1…` bech32 accounts; BNB Smart Chain is [`Chain::Bsc`]).
    Bnb,
}

/// Every chain, in a stable order.
pub const ALL_CHAINS: [Chain; 22] = [
    Chain::Btc,
    Chain::Eth,
    Chain::Trx,
    Chain::Ltc,
    Chain::Bch,
    Chain::Bsv,
    Chain::Btg,
    Chain::Doge,
    Chain::Dash,
    Chain::Zec,
    Chain::Xmr,
    Chain::Sol,
    Chain::Xrp,
    Chain::Etc,
    Chain::Bsc,
    Chain::Arb,
    Chain::Xvg,
    Chain::Polygon,
    Chain::Op,
    Chain::Base,
    Chain::Avax,
    Chain::Bnb,
];

/// A chain name Cordon does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown chain {0:?}")]
pub struct UnknownChain(pub String);

impl Chain {
    /// The slug used in ids and JSON (`btc`, `eth`, …).
    pub fn slug(self) -> &'static str {
        match self {
            Chain::Btc => "btc",
            Chain::Eth => "eth",
            Chain::Trx => "trx",
            Chain::Ltc => "ltc",
            Chain::Bch => "bch",
            Chain::Bsv => "bsv",
            Chain::Btg => "btg",
            Chain::Doge => "doge",
            Chain::Dash => "dash",
            Chain::Zec => "zec",
            Chain::Xmr => "xmr",
            Chain::Sol => "sol",
            Chain::Xrp => "xrp",
            Chain::Etc => "etc",
            Chain::Bsc => "bsc",
            Chain::Arb => "arb",
            Chain::Xvg => "xvg",
            Chain::Polygon => "polygon",
            Chain::Op => "op",
            Chain::Base => "base",
            Chain::Avax => "avax",
            Chain::Bnb => "bnb",
        }
    }

    /// Whether the chain uses Ethereum-style hex addresses (case-insensitive identity).
    pub fn is_evm(self) -> bool {
        Chain::EVM.contains(&self)
    }

    /// The EVM chains, Ethereum first: one hex address is the same account on all of them.
    pub const EVM: [Chain; 8] = [
        Chain::Eth,
        Chain::Etc,
        Chain::Bsc,
        Chain::Arb,
        Chain::Polygon,
        Chain::Op,
        Chain::Base,
        Chain::Avax,
    ];

    /// The chain for a list's ticker and address. Token tickers (USDT, USDC) are placed by the
    /// address's shape: the first candidate chain of [`parse`] (`0x…` on Ethereum, `T…` on
    /// Tron, `1…`/`3…` on Bitcoin for Omni USDT); an invalid address by its prefix alone.
    pub fn from_ticker(ticker: &str, address: &str) -> Option<Chain> {
        let address = address.trim();
        let t = ticker.trim().to_ascii_uppercase();
        Some(match t.as_str() {
            "XBT" | "BTC" | "BITCOIN" => Chain::Btc,
            "ETH" | "ETHEREUM" => Chain::Eth,
            "TRX" | "TRON" => Chain::Trx,
            "LTC" | "LITECOIN" => Chain::Ltc,
            "BCH" | "BITCOIN_CASH" => Chain::Bch,
            "BSV" => Chain::Bsv,
            "BTG" => Chain::Btg,
            "DOGE" | "DOGECOIN" => Chain::Doge,
            "DASH" => Chain::Dash,
            "ZEC" | "ZCASH" => Chain::Zec,
            "XMR" | "MONERO" => Chain::Xmr,
            "SOL" | "SOLANA" => Chain::Sol,
            "XRP" | "RIPPLE" => Chain::Xrp,
            "ETC" => Chain::Etc,
            "BNB" if address.to_ascii_lowercase().starts_with("bnb1") => Chain::Bnb,
            "BSC" | "BNB" => Chain::Bsc,
            "ARB" | "ARBITRUM" => Chain::Arb,
            "XVG" | "VERGE" => Chain::Xvg,
            "MATIC" | "POL" | "POLYGON" => Chain::Polygon,
            "OP" | "OPTIMISM" => Chain::Op,
            "BASE" => Chain::Base,
            "AVAX" | "AVALANCHE" => Chain::Avax,
            _ => {
                if let Ok(a) = parse(address) {
                    a.chain()
                } else if address.starts_with("0x") || address.starts_with("0X") {
                    Chain::Eth
                } else if address.starts_with('T') && address.len() == 34 {
                    Chain::Trx
                } else {
                    return None;
                }
            }
        })
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for Chain {
    type Err = UnknownChain;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        ALL_CHAINS
            .into_iter()
            .find(|c| c.slug() == lower)
            .or_else(|| Chain::from_ticker(&lower, ""))
            .ok_or_else(|| UnknownChain(s.to_owned()))
    }
}

/// The canonical identity form of an address on a chain.
///
/// A valid address gets [`Address::canonical`]. A string that does not validate on `chain`
/// (lists do contain typos and lower-cased Base58) still gets a stable form, by the same case
/// rules, so that its wallet id does not change between ingests; [`parse_on`] says why it is
/// invalid.
pub fn canonical(chain: Chain, address: &str) -> String {
    if let Ok(a) = parse_on(chain, address) {
        return a.canonical().to_owned();
    }
    let a = address.trim();
    let lower = a.to_ascii_lowercase();
    let bech32_hrps = ["bc1", "tb1", "ltc1", "bitcoincash:", "bchtest:"];
    if chain.is_evm() || bech32_hrps.iter().any(|h| lower.starts_with(h)) {
        lower
    } else if chain == Chain::Bch
        && !a.contains(':')
        && (lower.starts_with('q') || lower.starts_with('p'))
    {
        format!("bitcoincash:{lower}")
    } else {
        a.to_owned()
    }
}

/// The wallet entity id for an address: `wallet-<chain>-<canonical address>`.
pub fn wallet_id(chain: Chain, address: &str) -> String {
    format!("wallet-{}-{}", chain.slug(), canonical(chain, address))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod chain_tests {
    use super::*;

    #[test]
    fn tickers_and_ids() {
        let eth = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
        assert_eq!(Chain::from_ticker("USDT", eth), Some(Chain::Eth));
        assert_eq!(
            wallet_id(Chain::Eth, eth),
            "wallet-eth-0x098b716b8aaf21512996dc57eb0615e2383e2f96"
        );
        assert_eq!(
            canonical(Chain::Btc, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"),
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
        );
        assert_eq!(
            canonical(Chain::Btc, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
        );
        assert_eq!("bitcoin".parse::<Chain>(), Ok(Chain::Btc));
        assert!("nochain".parse::<Chain>().is_err());
    }
}
