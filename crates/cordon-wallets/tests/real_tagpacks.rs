//! The eight DPRK-related GraphSense TagPacks shipped under `tx/graphsense-tagpacks-dprk/`.

use cordon_wallets::{
    Category, ScreeningStatus, SourceKind, Validity, WalletIndex, WalletIndexBuilder, read_tagpack,
};

use crate::shared;

fn index() -> (WalletIndex, Vec<cordon_model::Diagnostic>) {
    let dir = shared().join("tx/graphsense-tagpacks-dprk");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tagpack dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 8);
    let mut diags = Vec::new();
    let mut b = WalletIndexBuilder::new();
    for p in &paths {
        let pack = read_tagpack(p, &mut diags).expect("tagpack parses");
        b.tagpack(&pack);
    }
    (b.build(), diags)
}

#[test]
fn every_tag_is_read_and_bad_addresses_are_reported() {
    let (index, diags) = index();
    let s = index.stats();
    // 21 + 6 + 6 + 39 + 45 + 2 + 572 + 8 tags (PROVENANCE.md).
    assert_eq!(s.tags, 699);
    let bad: Vec<_> = diags
        .iter()
        .filter(|d| d.code == "bad-address")
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(s.tags_invalid, 3, "{bad:#?}");
    let bad: Vec<_> = diags.iter().filter(|d| d.code == "bad-address").collect();
    assert_eq!(bad.len(), 3, "{bad:#?}");
    assert!(bad.iter().all(|d| d.location.line.is_some()));
    // OFAC files this Tron address under XBT; it is still screened, as Tron.
    assert!(diags.iter().any(|d| d.code == "wrong-chain"));
    let r = index.screen("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq");
    assert_eq!(r.hits.len(), 1);
}

#[test]
fn lazarus_address_is_sanctioned_and_dprk_attributed() {
    let (index, _) = index();
    let r = index.screen("134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak");
    assert_eq!(r.status, ScreeningStatus::Attributed);
    let h = r
        .hits
        .iter()
        .find(|h| h.authority == "lazarus.yaml")
        .expect("lazarus.yaml hit");
    assert!(h.categories.contains(&Category::Sanctioned));
    assert!(h.categories.contains(&Category::DprkAttributed));
    assert_eq!(h.confidence.level, Some(60));
    assert_eq!(h.sources[0].as_of.as_deref(), Some("2022-04-15"));
    assert_eq!(h.kind, SourceKind::Tagpack);
}

#[test]
fn ronin_exploiter_is_theft_and_bybit_is_an_exchange() {
    let (index, _) = index();
    // Queried in lower case: EVM identity ignores case.
    let r = index.screen("0x098b716b8aaf21512996dc57eb0615e2383e2f96");
    let ronin = r
        .hits
        .iter()
        .find(|h| h.authority == "ronin_bridge.yaml")
        .expect("ronin hit");
    assert_eq!(ronin.categories, [Category::Theft]);
    assert_eq!(ronin.label.as_deref(), Some("Ronin bridge exploiter"));
    let b = index.screen("bc1q2qqqt87kh33s0er58akh7v9cwjgd83z5smh9rp");
    assert_eq!(b.hits.len(), 1);
    assert_eq!(b.hits[0].categories, [Category::Exchange]);
}

#[test]
fn tornado_cash_tag_is_formerly_sanctioned() {
    let (index, _) = index();
    // The pack writes this address with a trailing space.
    let r = index.screen("0x8589427373D6D84E98730D7795D8f6f8731FDA16");
    let h = r
        .hits
        .iter()
        .find(|h| h.authority == "tornado_cash.yaml")
        .expect("tornado hit");
    assert!(h.categories.contains(&Category::Mixer));
    match &h.validity {
        Validity::FormerlyListed { delisted_on, .. } => {
            assert_eq!(delisted_on.as_deref(), Some("2025-03-21"));
        }
        v => panic!("expected formerly listed, got {v:?}"),
    }
}

#[test]
fn a_one_character_typo_never_matches() {
    let (index, _) = index();
    let r = index.screen("134r8iHv69xdT6p5qVKTsHrcUEuBVZAYaK");
    assert_eq!(r.status, ScreeningStatus::Invalid);
    assert_eq!(r.error.as_ref().map(|e| e.code), Some("bad-checksum"));
    let r = index.screen("134r8iHv69xdT6p5qVKTsHrcUEuBVZAYак");
    assert_eq!(r.error.as_ref().map(|e| e.code), Some("non-ascii"));
}
