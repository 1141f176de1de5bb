//! The OFAC lists: sdn.csv (2024, undated), the 0xB10C extraction (2024-09, undated) and the two
//! 2026 extractions, which no longer list Tornado Cash.

use std::sync::OnceLock;

use cordon_lists::{CollectSink, parse_source, plan};
use cordon_wallets::{
    Category, MatchKind, ScreeningStatus, SourceInfo, Validity, WalletIndex, WalletIndexBuilder,
};

use crate::shared;

fn index() -> &'static WalletIndex {
    static INDEX: OnceLock<WalletIndex> = OnceLock::new();
    INDEX.get_or_init(build)
}

fn build() -> WalletIndex {
    let (plans, _) = plan(&shared().join("lists/ofac"));
    let mut b = WalletIndexBuilder::new();
    let mut all = Vec::new();
    for p in &plans {
        let mut sink = CollectSink::default();
        let Ok(outcome) = parse_source(p, &mut sink) else {
            continue;
        };
        eprintln!(
            "{} {:?} {}",
            p.source_id,
            outcome.publication_date,
            sink.entities.len()
        );
        b.source(SourceInfo {
            id: p.source_id.clone(),
            version: Some(1),
            as_of: outcome.publication_date,
        });
        all.extend(sink.entities);
    }
    b.entities(&all);
    b.build()
}

#[test]
fn tornado_cash_is_formerly_listed_with_its_delisting_date() {
    let index = index();
    // 0xB10C (2024-09) lists it without a holder: formerly listed, but no holder to date it.
    let r = index.screen("0x8589427373D6D84E98730D7795D8f6f8731FDA16");
    assert_eq!(r.status, ScreeningStatus::FormerlyListed, "{r:#?}");
    match &r.hits[0].validity {
        Validity::FormerlyListed {
            last_listed_in,
            delisted_on,
            ..
        } => {
            assert_eq!(last_listed_in, "ofac-crypto-0xb10c");
            assert_eq!(*delisted_on, None);
        }
        v => panic!("{v:?}"),
    }
    // sdn.csv (2024-05) lists this one for the TORNADO CASH entity: the date is known.
    let r = index.screen("0x910Cbd523D972eb0a6f4cAe4618aD62622b39DbF");
    assert_eq!(r.status, ScreeningStatus::FormerlyListed, "{r:#?}");
    let h = &r.hits[0];
    match &h.validity {
        Validity::FormerlyListed {
            absent_from,
            absent_as_of,
            delisted_on,
            ..
        } => {
            assert_eq!(absent_from, "ofac-crypto-naughtylist");
            assert_eq!(absent_as_of.as_deref(), Some("2026-08-08"));
            assert_eq!(delisted_on.as_deref(), Some("2025-03-21"), "{h:#?}");
        }
        v => panic!("{v:?}"),
    }
    assert!(
        h.holders.iter().any(|x| x
            .name
            .as_deref()
            .is_some_and(|n| n.to_ascii_uppercase().contains("TORNADO"))),
        "{h:#?}"
    );
}

#[test]
fn lazarus_wallet_is_listed_and_dprk_attributed() {
    let index = index();
    let r = index.screen("0x098B716B8Aaf21512996dC57EB0615e2383E2f96");
    assert_eq!(r.status, ScreeningStatus::Listed, "{r:#?}");
    let h = &r.hits[0];
    assert!(h.categories.contains(&Category::DprkAttributed), "{h:#?}");
    assert!(h.sources.iter().any(|s| s.id == "ofac-crypto-naughtylist"));
}

#[test]
fn lower_cased_extraction_counts_as_presence_not_as_delisting() {
    // crypto-sanctions-list (2026-08-20, the newest) lower-cases Base58 addresses; that must
    // neither make every Base58 address "formerly listed" nor match a different address.
    let index = index();
    let r = index.screen("125W5ek3DT6Zqy5S2iPt4FHQdNMCbZA3FU");
    assert_eq!(r.status, ScreeningStatus::Listed, "{r:#?}");
    let h = &r.hits[0];
    assert!(
        h.sources
            .iter()
            .any(|s| s.id == "ofac-crypto-sanctions-list" && s.match_kind == MatchKind::CaseFolded),
        "{h:#?}"
    );
}
