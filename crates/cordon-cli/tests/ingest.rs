//! `cordon ingest`, `lists`, `show`, `export`, `diff` on real lists.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::util::{cordon, json, lists_dir};

fn schema_counts(lists: &Value, source: &str) -> BTreeMap<String, u64> {
    let row = lists
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["source"] == source))
        .unwrap_or_else(|| panic!("source {source} missing from `cordon lists`"));
    serde_json::from_value(row["current"]["schema_counts"].clone()).unwrap()
}

fn count(counts: &BTreeMap<String, u64>, schema: &str) -> u64 {
    counts.get(schema).copied().unwrap_or(0)
}

/// One full ingest serves several checks, because ingesting everything takes a while in debug
/// builds.
#[test]
fn full_ingest_matches_provenance_counts_and_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.redb");
    let report = json(&db, &["ingest", "--lists", lists_dir().to_str().unwrap()]);
    for s in report["sources"].as_array().unwrap() {
        assert_eq!(s["status"], "stored", "{s}");
    }
    let lists = json(&db, &["lists"]);

    // Counts stated in ../shared/data/lists/PROVENANCE.md.
    let sdn = schema_counts(&lists, "ofac-sdn");
    assert_eq!(count(&sdn, "Person"), 6_854);
    assert_eq!(count(&sdn, "Vessel"), 851);
    assert_eq!(count(&sdn, "Aircraft"), 376);
    assert_eq!(
        count(&sdn, "Organization") + count(&sdn, "Company") + count(&sdn, "LegalEntity"),
        6_884
    );
    let cons = schema_counts(&lists, "ofac-cons");
    assert_eq!(cons.values().sum::<u64>(), 442);
    let un = schema_counts(&lists, "un-sc");
    assert_eq!(count(&un, "Person"), 730);
    assert_eq!(
        count(&un, "Organization") + count(&un, "Company") + count(&un, "LegalEntity"),
        273
    );
    assert_eq!(schema_counts(&lists, "uk-sl").values().sum::<u64>(), 5_302);
    assert_eq!(schema_counts(&lists, "uk-yaml").values().sum::<u64>(), 370);
    assert_eq!(
        count(
            &schema_counts(&lists, "ofac-crypto-naughtylist"),
            "CryptoWallet"
        ),
        961 + 3
    );

    // Lazarus Group with its programme, aliases and Ethereum wallets as linked entities.
    let lazarus = json(&db, &["show", "ofac-27307"]);
    assert_eq!(lazarus["caption"], "LAZARUS GROUP");
    assert!(
        lazarus["properties"]["program"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "DPRK3")
    );
    // OFAC marks the Lazarus a.k.a.s as weak (quoted in the remarks).
    let aliases = lazarus["properties"]["weakAlias"].as_array().unwrap();
    assert!(aliases.iter().any(|a| a == "HIDDEN COBRA"), "{aliases:?}");
    let eth_wallets: Vec<&Value> = lazarus["linked"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["schema"] == "CryptoWallet" && w["properties"]["chain"][0] == "eth")
        .collect();
    assert!(eth_wallets.len() >= 8, "{} ETH wallets", eth_wallets.len());
    for w in &eth_wallets {
        assert_eq!(w["properties"]["holder"][0], "ofac-27307");
        assert!(w["id"].as_str().unwrap().starts_with("wallet-eth-0x"));
    }
    assert!(
        lazarus["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["source"] == "ofac-sdn")
    );

    // UN, EU, UK and Japan DPRK entries with their aliases, dates of birth and original-script
    // names.
    let ri = json(&db, &["show", "un-KPi.033"]);
    assert_eq!(ri["properties"]["birthDate"][0], "1964-07-17");
    assert_eq!(ri["properties"]["program"][0], "DPRK");
    let yun = json(&db, &["show", "eu-32017R1509-XIII.A-1"]);
    assert_eq!(yun["properties"]["birthDate"][0], "1944-10-13");
    assert_eq!(yun["properties"]["alias"][0], "Yun Ho-chin");
    let an = json(&db, &["show", "uk-DPR0001"]);
    let datasets = an["datasets"].as_array().unwrap();
    assert!(
        datasets.contains(&"uk-sl".into()) && datasets.contains(&"uk-yaml".into()),
        "{datasets:?}"
    );
    assert!(
        an["properties"]["alias"]
            .as_array()
            .unwrap()
            .contains(&"An Jong Hyok".into())
    );
    let jp_lazarus = json(&db, &["show", "jp-16-68"]);
    let names = jp_lazarus["properties"]["name"].as_array().unwrap();
    assert!(
        names.contains(&"ラザルス・グループ".into()) && names.contains(&"Lazarus Group".into())
    );
    assert!(
        jp_lazarus["linked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["schema"] == "CryptoWallet")
    );

    // Re-ingesting the same files changes nothing; forcing a new version changes no id.
    let again = json(&db, &["ingest", "--lists", lists_dir().to_str().unwrap()]);
    for s in again["sources"].as_array().unwrap() {
        assert_eq!(s["status"], "unchanged", "{s}");
    }
    let forced = json(
        &db,
        &[
            "ingest",
            "--force",
            "--lists",
            lists_dir().to_str().unwrap(),
        ],
    );
    for s in forced["sources"].as_array().unwrap() {
        assert_eq!(s["status"], "stored", "{s}");
        let diff = json(&db, &["diff", s["source"].as_str().unwrap()]);
        assert_eq!(
            (diff["from"].as_u64(), diff["to"].as_u64()),
            (Some(1), Some(2))
        );
        for part in ["added", "removed", "changed"] {
            assert_eq!(
                diff[part].as_array().unwrap().len(),
                0,
                "{}: {part}: {diff}",
                s["source"]
            );
        }
    }

    // Export: one FtM line per id.
    let out = cordon(&db)
        .args(["export", "--format", "ftm", "--source", "un-sc"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = out
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1_003);
    assert!(
        lines
            .iter()
            .all(|l| l["id"].as_str().unwrap().starts_with("un-"))
    );
}

fn un_xml() -> String {
    std::fs::read_to_string(lists_dir().join("un/consolidated.xml")).unwrap()
}

/// The `<INDIVIDUAL>…</INDIVIDUAL>` block holding a reference number.
fn individual_block<'a>(xml: &'a str, reference: &str) -> &'a str {
    let at = xml
        .find(&format!("<REFERENCE_NUMBER>{reference}</REFERENCE_NUMBER>"))
        .unwrap();
    let start = xml[..at].rfind("<INDIVIDUAL>").unwrap();
    let end = at + xml[at..].find("</INDIVIDUAL>").unwrap() + "</INDIVIDUAL>".len();
    &xml[start..end]
}

fn ingest_un(db: &Path, dir: &Path, xml: &str) -> Value {
    std::fs::write(dir.join("consolidated.xml"), xml).unwrap();
    let out = cordon(db)
        .args(["ingest", "--json", "--lists"])
        .arg(dir)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn diff_reports_exactly_the_hand_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let lists = tmp.path().join("lists");
    std::fs::create_dir(&lists).unwrap();
    let db = tmp.path().join("c.redb");
    let original = un_xml();
    ingest_un(&db, &lists, &original);

    // Edit a copy: change one birth date, remove one person, add one person.
    let ri = individual_block(&original, "KPi.033");
    let jo = individual_block(&original, "KPi.034");
    let ri_edited = ri.replace("<DATE>1964-07-17</DATE>", "<DATE>1964-07-18</DATE>");
    assert_ne!(ri, ri_edited);
    let added = ri.replace("KPi.033", "KPi.999").replace(
        "<SECOND_NAME>WON HO</SECOND_NAME>",
        "<SECOND_NAME>TEST ADDED</SECOND_NAME>",
    );
    let edited = original
        .replace(ri, &format!("{ri_edited}\n{added}"))
        .replace(jo, "");
    let report = ingest_un(&db, &lists, &edited);
    assert_eq!(report["sources"][0]["status"], "stored");

    let diff = json(&db, &["diff", "un-sc"]);
    let ids = |part: &str| -> Vec<String> {
        diff[part]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("added"), ["un-KPi.999"]);
    assert_eq!(ids("removed"), ["un-KPi.034"]);
    assert_eq!(ids("changed"), ["un-KPi.033"]);
    let changes = diff["changed"][0]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["property"], "birthDate");
    assert_eq!(changes[0]["added"][0], "1964-07-18");
    assert_eq!(changes[0]["removed"][0], "1964-07-17");
}

#[test]
fn a_truncated_list_keeps_the_last_good_version_and_others_still_load() {
    let tmp = tempfile::tempdir().unwrap();
    let lists = tmp.path().join("lists");
    std::fs::create_dir_all(lists.join("uk")).unwrap();
    let db = tmp.path().join("c.redb");
    let original = un_xml();
    ingest_un(&db, &lists, &original);

    // A truncated download of the UN list next to a good UK file and a stray unknown file.
    let cut = original.len() / 2;
    let cut = (0..=cut)
        .rev()
        .find(|i| original.is_char_boundary(*i))
        .unwrap();
    std::fs::write(lists.join("consolidated.xml"), &original[..cut]).unwrap();
    std::fs::copy(
        lists_dir().join("uk/ammitto-data-uk-processed/dpr0001.yaml"),
        lists.join("uk/dpr0001.yaml"),
    )
    .unwrap();
    std::fs::write(lists.join("notes.bin"), b"\x00\x01garbage").unwrap();
    let out = cordon(&db)
        .args(["ingest", "--lists"])
        .arg(&lists)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed source must fail the command"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("consolidated.xml"),
        "error names the file: {stderr}"
    );
    assert!(
        stderr.contains("notes.bin"),
        "unknown file reported: {stderr}"
    );

    let lists_json = json(&db, &["lists"]);
    let un = lists_json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == "un-sc")
        .unwrap();
    assert_eq!(
        un["current"]["version"], 1,
        "the last good version stays current"
    );
    assert_eq!(un["current"]["entity_count"], 1_003);
    assert!(
        un["last_error"]["message"]
            .as_str()
            .unwrap()
            .contains("consolidated.xml")
    );
    assert!(
        lists_json
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["source"] == "uk-yaml" && r["current"]["entity_count"] == 1)
    );
    // Entities of the failed source are intact.
    assert_eq!(
        json(&db, &["show", "un-KPi.033"])["properties"]["birthDate"][0],
        "1964-07-17"
    );
}

#[test]
fn show_unknown_id_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.redb");
    let out = cordon(&db).args(["show", "no-such-id"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-id"));
}
