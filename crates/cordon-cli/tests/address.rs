//! `cordon address` on the real OFAC lists and the DPRK TagPacks.

use std::path::Path;

use serde_json::Value;

use crate::util::{cordon, json, shared_data};

fn screen(db: &Path, extra: &[&str], addresses: &[&str]) -> (Value, i32) {
    let out = cordon(db)
        .arg("address")
        .arg("--json")
        .args(extra)
        .args(addresses)
        .output()
        .expect("run cordon");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code().unwrap_or(-1))
}

#[test]
fn tornado_cash_is_formerly_listed_and_lazarus_listed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.redb");
    let ofac = shared_data().join("lists/ofac");
    json(&db, &["ingest", "--lists", ofac.to_str().unwrap()]);
    let tagpacks = shared_data().join("tx/graphsense-tagpacks-dprk");
    let (v, code) = screen(
        &db,
        &["--tagpacks", tagpacks.to_str().unwrap()],
        &[
            "0x910Cbd523D972eb0a6f4cAe4618aD62622b39DbF",
            "0x098b716b8aaf21512996dc57eb0615e2383e2f96",
        ],
    );
    assert_eq!(code, 0);
    let tc = &v["results"][0];
    assert_eq!(tc["status"], "formerly-listed", "{tc:#}");
    let list_hit = tc["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "list")
        .expect("list hit");
    assert_eq!(list_hit["validity"]["status"], "formerly-listed");
    assert_eq!(list_hit["validity"]["delisted_on"], "2025-03-21");
    assert_eq!(list_hit["holders"][0]["name"], "TORNADO CASH");
    let lazarus = &v["results"][1];
    assert_eq!(lazarus["status"], "listed");
    assert_eq!(
        lazarus["address"]["canonical"],
        "0x098b716b8aaf21512996dc57eb0615e2383e2f96"
    );
    let cats = &lazarus["hits"][0]["categories"];
    assert!(
        cats.as_array()
            .unwrap()
            .iter()
            .any(|c| c == "dprk-attributed"),
        "{cats}"
    );
    assert!(v["index"]["tags"].as_u64().unwrap() > 600);
}

#[test]
fn an_address_dropped_by_a_new_version_is_formerly_listed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.redb");
    let lists = dir.path().join("lists");
    std::fs::create_dir(&lists).unwrap();
    let file = lists.join("sanctioned_addresses_ETH.txt");
    let kept = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
    let dropped = "0x910Cbd523D972eb0a6f4cAe4618aD62622b39DbF";
    std::fs::write(&file, format!("{kept}\n{dropped}\n")).unwrap();
    json(&db, &["ingest", "--lists", lists.to_str().unwrap()]);
    std::fs::write(&file, format!("{kept}\n")).unwrap();
    json(&db, &["ingest", "--lists", lists.to_str().unwrap()]);
    let (v, code) = screen(&db, &[], &[dropped, kept]);
    assert_eq!(code, 0);
    assert_eq!(v["results"][0]["status"], "formerly-listed", "{v:#}");
    let validity = &v["results"][0]["hits"][0]["validity"];
    assert_eq!(validity["last_listed_in"], "ofac-crypto-0xb10c@1");
    assert_eq!(validity["absent_from"], "ofac-crypto-0xb10c");
    assert_eq!(v["results"][1]["status"], "listed");
}

#[test]
fn bad_input_is_reported_with_codes_and_exit_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.redb");
    let long = "1".repeat(10_000);
    let (v, code) = screen(
        &db,
        &[],
        &[
            "",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            "0x5аAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            &long,
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        ],
    );
    assert_eq!(code, 1);
    // The store is empty: that is reported, so "no-hit" is not mistaken for clean.
    assert!(
        v["problems"][0]
            .as_str()
            .unwrap()
            .contains("no-list-wallets"),
        "{v:#}"
    );
    let codes: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["error"]["code"].as_str().unwrap_or("ok"))
        .collect();
    assert_eq!(
        codes,
        ["empty", "bad-checksum", "non-ascii", "too-long", "ok"]
    );
    assert_eq!(v["results"][4]["status"], "no-hit");
}

#[test]
fn tagpacks_alone_need_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let tagpacks = shared_data().join("tx/graphsense-tagpacks-dprk");
    let out = cordon(&dir.path().join("none.redb"))
        .args(["address", "--no-lists", "--tagpacks"])
        .arg(&tagpacks)
        .arg("0x098B716B8Aaf21512996dC57EB0615e2383E2f96")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ronin_bridge.yaml: theft"), "{text}");
    assert!(text.contains("status: attributed"), "{text}");
}
