//! Wallet screening: exact lookups of crypto-currency addresses against the wallets on
//! sanctions lists and in GraphSense TagPacks.
//!
//! A [`WalletIndexBuilder`] takes the lists' entities (CryptoWallet entities with `publicKey`,
//! `chain`, `holder`, `program`, `listingDate`; the other entities name the holders) and
//! TagPack files ([`read_tagpack`]), and builds a [`WalletIndex`] keyed by each address's
//! compact canonical key ([`cordon_address::AddressKey`]). A lookup reports every [`Hit`]:
//! categories (sanctioned, DPRK-attributed, mixer, bridge, exchange, theft…), confidence,
//! sources with their dates, the holder, and [`Validity`]: an address that an older source
//! lists but a newer source of the same authority no longer does is *formerly listed*, not
//! listed (the rule is on [`WalletIndexBuilder::build`] and in `docs/addresses.md`).
//!
//! ```
//! use cordon_model::{Entity, Schema, prop};
//! use cordon_wallets::{ScreeningStatus, SourceInfo, WalletIndexBuilder};
//!
//! let addr = "0x8589427373D6D84E98730D7795D8f6f8731FDA16";
//! let mut old = Entity::new("wallet-eth-old", Schema::CryptoWallet);
//! old.add(prop::PUBLIC_KEY, addr);
//! old.add(prop::CHAIN, "eth");
//! old.add_dataset("ofac-old");
//! let mut other = Entity::new("wallet-eth-other", Schema::CryptoWallet);
//! other.add(prop::PUBLIC_KEY, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96");
//! other.add(prop::CHAIN, "eth");
//! other.add_dataset("ofac-new");
//!
//! let mut b = WalletIndexBuilder::new();
//! b.source(SourceInfo { id: "ofac-old".into(), as_of: Some("2024-09-27".into()), ..Default::default() });
//! b.source(SourceInfo { id: "ofac-new".into(), as_of: Some("2026-08-08".into()), ..Default::default() });
//! b.entities([&old, &other]);
//! let index = b.build();
//!
//! assert_eq!(index.screen(addr).status, ScreeningStatus::FormerlyListed);
//! assert_eq!(index.screen("0x098b716b8aaf21512996dc57eb0615e2383e2f96").status, ScreeningStatus::Listed);
//! assert_eq!(index.screen("0x098B716B8Aaf21512996dC57EB0615e2383E2f97").status, ScreeningStatus::Invalid);
//! ```

mod category;
mod error;
mod index;
mod tagpack;

pub use category::{CONFIDENCE_LEVELS, Category, Confidence};
pub use error::WalletError;
pub use index::{
    Delisting, ErrorInfo, Hit, Holder, IndexStats, KNOWN_DELISTINGS, MatchKind, Screening,
    ScreeningStatus, SourceInfo, SourceKind, SourceRef, Validity, WalletIndex, WalletIndexBuilder,
    authority_of,
};
pub use tagpack::{Tag, TagPack, parse_tagpack, read_tagpack};
