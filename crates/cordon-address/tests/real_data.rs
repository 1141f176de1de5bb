//! Every address in the OFAC extractions and the GraphSense TagPacks, parsed on its chain.

use std::path::PathBuf;

use cordon_address::{Chain, parse, parse_on};

fn shared() -> PathBuf {
    std::env::var_os("CORDON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").into())
}

/// (address, ticker) pairs of the naughtylist extraction.
fn naughtylist() -> Vec<(String, String)> {
    let path = shared().join("lists/ofac/crypto/ofac-naughtylist/all_addresses.json");
    let text = std::fs::read_to_string(&path).expect("naughtylist present");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["addresses"]
        .as_array()
        .expect("addresses")
        .iter()
        .map(|a| {
            let addr = a["address"].as_str().unwrap_or_default().to_owned();
            let ticker = a["ofac_tickers"][0].as_str().unwrap_or_default().to_owned();
            (addr, ticker)
        })
        .collect()
}

#[test]
fn ofac_naughtylist_addresses_validate_on_their_chain() {
    let all = naughtylist();
    assert!(all.len() > 900, "{}", all.len());
    let mut bad = Vec::new();
    for (addr, ticker) in &all {
        let Some(chain) = Chain::from_ticker(ticker, addr) else {
            bad.push(format!("{ticker} {addr}: unknown ticker"));
            continue;
        };
        if let Err(e) = parse_on(chain, addr) {
            bad.push(format!("{ticker} {addr}: {} {e}", e.code()));
        }
    }
    // What OFAC publishes is almost entirely valid; the exceptions are real data problems
    // that the parser must name, not hide: a Tron address filed under XBT, a Monero address
    // with an 'l' (not in base58), and a 64-hex string filed under XMR.
    let expected = [
        "XBT TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq: wrong-chain",
        "XMR 45ezvPejNsKYntjhyyeb7fbfzilsxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo: bad-character",
        "XMR 5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320: looks-like-hash",
    ];
    bad.sort();
    let mut want: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    let got: Vec<String> = bad
        .iter()
        .map(|b| b.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(got, want, "{bad:#?}");
}

#[test]
fn lower_cased_base58_from_an_extraction_is_rejected() {
    // crypto-sanctions-list lower-cases its keys; a lower-cased Base58 address is not the
    // address, and must not validate.
    let all = naughtylist();
    let (btc, _) = all
        .iter()
        .find(|(a, t)| t == "XBT" && a.starts_with('1'))
        .expect("a P2PKH address");
    assert!(parse(btc).is_ok());
    assert_eq!(
        parse(&btc.to_ascii_lowercase()).unwrap_err().code(),
        "bad-checksum"
    );
}

#[test]
fn tagpack_addresses_validate() {
    let dir = shared().join("tx/graphsense-tagpacks-dprk");
    let mut n = 0;
    let mut bad = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tagpack dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("- address:") else {
                continue;
            };
            let addr = rest.trim().trim_matches('\'');
            n += 1;
            if let Err(e) = parse(addr) {
                let file = path
                    .file_name()
                    .and_then(|f| f.to_str())
                    .unwrap_or_default();
                bad.push(format!("{file} {} {addr}", e.code()));
            }
        }
    }
    assert!(n > 650, "{n}");
    // The INTERPOL scrape in ofac.yaml truncated two Monero addresses to 67 characters and
    // kept OFAC's 64-hex XMR entry.
    bad.sort();
    assert_eq!(
        bad,
        [
            "ofac.yaml bad-length 49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZ",
            "ofac.yaml bad-length 884Bz8UH63aYsjVdkfWfScRYWZGGNbjFL7pztqvWNSrtYT4reFSwyvkCj9KEGUtheHh",
            "ofac.yaml looks-like-hash 5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320",
        ]
    );
}
