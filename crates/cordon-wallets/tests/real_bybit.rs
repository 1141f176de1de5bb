//! The Bybit 2025 trail: every address in it parses, and address-poisoning look-alikes of a
//! flagged address never hit.

use cordon_model::{Entity, Schema, prop};
use cordon_wallets::{ScreeningStatus, WalletIndexBuilder};

use crate::shared;

fn labels() -> Vec<(String, String)> {
    let path = shared().join("tx/bybit-2025-public-trail/labels.csv");
    let text = std::fs::read_to_string(&path).expect("labels.csv");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.splitn(3, ',');
            let address = f.next()?.to_owned();
            let _kind = f.next()?;
            Some((address, f.next()?.to_owned()))
        })
        .collect()
}

#[test]
fn every_trail_address_parses() {
    let dir = shared().join("tx/bybit-2025-public-trail");
    let mut n = 0;
    for name in [
        "hop1_subset.csv",
        "hop2.csv",
        "hop3_subset.csv",
        "hop4_subset.csv",
        "hop5.csv",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).expect("hop file");
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            // hash, timestamp, to, …, contract (column 7)
            let (Some(hash), Some(to)) = (cols.first(), cols.get(2)) else {
                continue;
            };
            let a = cordon_address::parse(to).unwrap_or_else(|e| panic!("{name}: {to}: {e}"));
            assert!(a.chains().contains(&cordon_address::Chain::Eth));
            // A transaction hash is never taken for an address.
            assert!(cordon_address::parse(hash).is_err(), "{hash}");
            n += 1;
        }
    }
    assert!(n > 100, "{n}");
    assert!(
        labels()
            .iter()
            .all(|(a, _)| cordon_address::parse(a).is_ok())
    );
}

#[test]
fn poisoning_look_alikes_never_hit() {
    let labels = labels();
    let anchor = "0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e";
    let mut w = Entity::new("wallet-eth-anchor", Schema::CryptoWallet);
    w.add(prop::PUBLIC_KEY, anchor);
    w.add(prop::CHAIN, "eth");
    w.add_dataset("internal-bybit");
    let mut b = WalletIndexBuilder::new();
    b.entities([&w]);
    let index = b.build();
    assert_eq!(index.screen(anchor).status, ScreeningStatus::Listed);
    let look_alikes: Vec<&str> = labels
        .iter()
        .filter(|(_, role)| role.contains("poisoning lookalike of 0xa4b2fd"))
        .map(|(a, _)| a.as_str())
        .collect();
    assert_eq!(look_alikes.len(), 3);
    for a in look_alikes {
        assert_eq!(&a[..6], &anchor[..6]);
        assert_eq!(&a[a.len() - 4..], &anchor[anchor.len() - 4..]);
        assert_eq!(index.screen(a).status, ScreeningStatus::NoHit, "{a}");
    }
}
