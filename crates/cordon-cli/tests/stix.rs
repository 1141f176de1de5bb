//! `cordon stix export|import` end to end on the real lists: the round trip, the OASIS
//! validator over every kind of bundle at every TLP, a shared bundle screened by names, wallets
//! and applicants, and bad bundles that must leave the store as it was.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{cordon, json, real_lists_store, shared_data, stix_validator};

const TLPS: [&str; 5] = ["clear", "green", "amber", "amber+strict", "red"];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn applicant_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../cordon-applicants/tests/fixtures")
        .join(name)
}

/// Runs `cordon …`, asserts the exit code, returns standard error.
fn run(db: &Path, args: &[&str], code: i32) -> String {
    let out = cordon(db).args(args).output().expect("run cordon");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "cordon {args:?}: {err}\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    err
}

/// The `modified` of a bundle's objects (every Cordon object has the export's timestamp).
fn timestamp(bundle: &str) -> String {
    let v: Value = serde_json::from_str(bundle).expect("bundle JSON");
    v["objects"]
        .as_array()
        .and_then(|o| o.iter().find_map(|o| o["modified"].as_str()))
        .expect("a modified timestamp")
        .to_owned()
}

#[test]
fn export_import_export_is_byte_identical_apart_from_timestamps_on_the_real_lists() {
    let dir = tempfile::tempdir().unwrap();
    let db = real_lists_store(dir.path());
    let first = dir.path().join("first.json");
    let second = dir.path().join("second.json");
    let f = first.to_str().unwrap();
    let err = run(
        &db,
        &["stix", "export", "--tlp", "amber+strict", "-o", f],
        0,
    );
    assert!(err.contains("TLP:AMBER+STRICT"), "{err}");
    let b1 = std::fs::read_to_string(&first).unwrap();
    // The DPRK-linked entities of every list, with their wallets (OFAC's Lazarus Group among
    // them) and designation references.
    assert!(b1.matches("\"type\": \"identity\"").count() > 500);
    assert!(b1.matches("\"type\": \"cryptocurrency-wallet\"").count() > 100);
    assert!(b1.contains("\"value\": \"0x098B716B8Aaf21512996dC57EB0615e2383E2f96\""));
    for source in ["ofac-sdn", "un-sc", "eu-journal", "uk-sl", "jp-mof"] {
        assert!(
            b1.contains(&format!("\"source_name\": \"{source}\"")),
            "{source} cited"
        );
    }
    // Exporting again gives the same bytes (the timestamp is the lists' latest ingest).
    let again = dir.path().join("again.json");
    run(
        &db,
        &[
            "stix",
            "export",
            "--tlp",
            "amber+strict",
            "-o",
            again.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(b1, std::fs::read_to_string(&again).unwrap());

    let imported = json(&db, &["stix", "import", f, "--as", "shared-dprk"]);
    assert_eq!(imported["status"], "stored", "{imported:#}");
    assert_eq!(imported["warning_count"], 0, "{imported:#}");
    run(
        &db,
        &[
            "stix",
            "export",
            "--tlp",
            "amber+strict",
            "--source",
            "shared-dprk",
            "-o",
            second.to_str().unwrap(),
        ],
        0,
    );
    let b2 = std::fs::read_to_string(&second).unwrap();
    let (t1, t2) = (timestamp(&b1), timestamp(&b2));
    assert_ne!(t1, t2, "the re-export is dated by the import");
    let b2 = b2.replace(&t2, &t1);
    if b1 != b2 {
        let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        std::fs::write(keep.join("stix-roundtrip-1.json"), &b1).unwrap();
        std::fs::write(keep.join("stix-roundtrip-2.json"), &b2).unwrap();
        panic!(
            "bundles differ; see {}/stix-roundtrip-{{1,2}}.json",
            keep.display()
        );
    }
}

/// Findings as Cordon writes them: applicant clusters and reports on the applicant fixture,
/// and a trace on the real Bybit trail; with one traced destination.
fn findings(db: &Path, dir: &Path) -> (Vec<PathBuf>, String) {
    let link = dir.join("link.jsonl");
    let screen = dir.join("screen.jsonl");
    let input = applicant_fixture("applicants.jsonl");
    let input = input.to_str().unwrap();
    // The fixture has two bad lines on purpose: exit 1, the rest written.
    run(
        db,
        &[
            "applicants",
            "link",
            "--input",
            input,
            "--output",
            link.to_str().unwrap(),
        ],
        1,
    );
    let ipdb = applicant_fixture("ipdb.mmdb");
    run(
        db,
        &[
            "applicants",
            "screen",
            "--input",
            input,
            "--output",
            screen.to_str().unwrap(),
            "--ipdb",
            ipdb.to_str().unwrap(),
        ],
        1,
    );
    let graph = dir.join("graph");
    crate::tx::ingest_bybit(db, &graph);
    let hop1 = "0x47666fab8bd0ac7003bce3f5c3585383f09486e2";
    let out = cordon(db)
        .args(["trace", "--from", hop1, "--json", "--graph"])
        .arg(&graph)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace = dir.join("trace.json");
    std::fs::write(&trace, &out.stdout).unwrap();
    let traced: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sink = traced["trace"]["sinks"][0]["address"]
        .as_str()
        .expect("the trace reaches a destination");
    // Observables carry an address's display form (EIP-55 for EVM addresses).
    let sink = cordon_address::parse(sink)
        .expect("a valid address")
        .display_form();
    (vec![link, screen, trace], sink)
}

#[test]
fn every_exported_bundle_passes_the_oasis_validator_at_every_tlp() {
    let dir = tempfile::tempdir().unwrap();
    let db = real_lists_store(dir.path());
    let (found, sink) = findings(&db, dir.path());
    let mut bundles = Vec::new();
    for what in ["lists", "findings", "all"] {
        for tlp in TLPS {
            let out = dir
                .path()
                .join(format!("{what}-{}.json", tlp.replace('+', "-")));
            let mut args = vec!["stix", "export", "--what", what, "--tlp", tlp, "-o"];
            args.push(out.to_str().unwrap());
            if what != "lists" {
                for f in &found {
                    args.extend(["--findings", f.to_str().unwrap()]);
                }
            }
            run(&db, &args, 0);
            let text = std::fs::read_to_string(&out).unwrap();
            let marking = cordon_stix::Tlp::parse(tlp).unwrap().marking_id();
            assert!(text.contains(marking), "{what} {tlp}");
            if what != "lists" {
                // Applicant clusters, a listed employer, traced destinations.
                assert!(text.contains("\"type\": \"grouping\""), "{what}");
                assert!(text.contains("\"type\": \"sighting\""), "{what}");
                assert!(text.contains("YANBIAN SILVERSTAR"), "{what}");
                assert!(text.contains(&sink), "{what}: traced destination {sink}");
            }
            bundles.push(out);
        }
    }
    let Some(validator) = stix_validator() else {
        return;
    };
    // Warnings fail too, except two that are deliberate: {103} ids are UUIDv5 (deterministic,
    // so exports de-duplicate and round-trip) and {202} indicators are based on observables.
    let out = std::process::Command::new(&validator)
        .args(["--strict", "-d", "103,202"])
        .args(&bundles)
        .output()
        .expect("run stix2_validator");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stix2-validator rejected a bundle:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        report.matches("STIX JSON: Valid").count(),
        bundles.len(),
        "{report}"
    );
}

#[test]
fn misp_export_has_tlp_tag_coin_addresses_and_email_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let db = real_lists_store(dir.path());
    let out = dir.path().join("event.json");
    run(
        &db,
        &[
            "stix",
            "export",
            "--format",
            "misp",
            "--tlp",
            "green",
            "-o",
            out.to_str().unwrap(),
        ],
        0,
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let event = &v["Event"];
    assert_eq!(event["Tag"][0]["name"], "tlp:green");
    let lazarus = event["Object"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["Attribute"][0]["value"] == "0x098B716B8Aaf21512996dC57EB0615e2383E2f96")
        .expect("Lazarus Group's wallet as a coin-address");
    assert_eq!(lazarus["name"], "coin-address");
    assert_eq!(lazarus["Attribute"][0]["object_relation"], "address-crypto");
    let btc = event["Object"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["Attribute"][0]["object_relation"] == "address")
        .expect("a Bitcoin wallet typed btc");
    assert_eq!(btc["Attribute"][0]["type"], "btc");
    assert!(
        event["Attribute"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["type"] == "email-src"
                && a["value"].as_str().is_some_and(|v| v.ends_with(".kp"))),
        "listed .kp e-mail addresses"
    );
}

/// The issue's acceptance test: a bundle that adds a wallet and a person makes `cordon
/// address`, `cordon screen` and applicant screening report them, citing the bundle.
#[test]
fn an_imported_bundle_adds_a_wallet_and_a_person_that_every_screening_reports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.redb");
    let ofac = shared_data().join("lists/ofac");
    json(&db, &["ingest", "--lists", ofac.to_str().unwrap()]);
    let wallet = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4";
    let before = json(&db, &["address", wallet]);
    assert_eq!(before["results"][0]["status"], "no-hit", "{before:#}");

    let bundle = fixture("rok-mofa-2026.json");
    let report = json(
        &db,
        &[
            "stix",
            "import",
            bundle.to_str().unwrap(),
            "--as",
            "rok-mofa",
        ],
    );
    assert_eq!(report["status"], "stored", "{report:#}");
    assert_eq!(report["entity_count"], 4, "{report:#}");
    assert_eq!(report["publication_date"], "2026-03-10");
    // Unknown and unmapped types are kept (the bundle is archived) and reported.
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("x-rok-sanctions-round"), "{warnings}");
    assert!(warnings.contains("type report"), "{warnings}");
    assert!(Path::new(report["archived"].as_str().unwrap()).is_file());

    let after = json(
        &db,
        &[
            "address",
            wallet,
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ],
    );
    for (i, holder) in ["RYANG Su Gyong", "Chollima Blockchain Trading Co."]
        .iter()
        .enumerate()
    {
        let r = &after["results"][i];
        assert_eq!(r["status"], "listed", "{r:#}");
        let hit = &r["hits"][0];
        assert_eq!(hit["sources"][0]["id"], "rok-mofa", "{hit:#}");
        assert_eq!(hit["holders"][0]["name"], *holder, "{hit:#}");
    }

    let screened = json(&db, &["screen", "Ryang Su Gyong"]);
    let top = &screened["results"][0];
    assert_eq!(top["match"], true, "{screened:#}");
    assert_eq!(top["caption"], "RYANG Su Gyong");
    assert_eq!(top["datasets"], serde_json::json!(["rok-mofa"]));

    let applicants = dir.path().join("applicants.jsonl");
    std::fs::write(
        &applicants,
        format!(
            "{{\"id\": \"a1\", \"names\": [\"Sam Lee\"], \"emails\": [\"ryang.sg@silibank.net.kp\"], \"wallets\": [\"{wallet}\"]}}\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("screened.jsonl");
    run(
        &db,
        &[
            "applicants",
            "screen",
            "--input",
            applicants.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
        0,
    );
    let line: Value = serde_json::from_str(
        std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let hits = line["list_hits"].as_array().expect("list hits");
    for kind in ["email", "wallet"] {
        let h = hits
            .iter()
            .find(|h| h["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind} hit in {line:#}"));
        assert_eq!(h["datasets"], serde_json::json!(["rok-mofa"]), "{h:#}");
    }
    assert_eq!(line["level"], "high", "{line:#}");
}

/// Bad bundles: each is refused with an error naming the file (and line where there is one),
/// and the watch-list keeps its last good version, still screened.
#[test]
fn a_bad_import_leaves_the_previous_version_intact() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.redb");
    let good = fixture("rok-mofa-2026.json");
    let first = json(
        &db,
        &["stix", "import", good.to_str().unwrap(), "--as", "rok-mofa"],
    );
    assert_eq!(first["version"], 1);
    let text = std::fs::read_to_string(&good).unwrap();
    let bad = |name: &str, content: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    };
    let truncated = bad("truncated.json", &text[..text.len() / 2]);
    let spec20 = bad(
        "spec20.json",
        &text.replacen(
            "\"type\": \"bundle\",",
            "\"type\": \"bundle\", \"spec_version\": \"2.0\",",
            1,
        ),
    );
    let dup = {
        let mut v: Value = serde_json::from_str(&text).unwrap();
        let objs = v["objects"].as_array_mut().unwrap();
        let mut twin = objs[2].clone();
        twin["name"] = "Someone Else".into();
        objs.push(twin);
        bad("duplicate.json", &v.to_string())
    };
    let empty = bad(
        "empty.json",
        r#"{"type": "bundle", "id": "bundle--7c1d2a4e-3f5b-4c6d-8e9f-0a1b2c3d4e5f", "objects": []}"#,
    );
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let cases: [(&PathBuf, &str); 5] = [
        (&truncated, "stix-invalid-json"),
        (&spec20, "spec_version"),
        (&dup, "stix-conflicting-duplicate"),
        (&empty, "no entities"),
        (&huge, "stix-too-large"),
    ];
    for (file, want) in cases {
        let out = cordon(&db)
            .args(["stix", "import"])
            .arg(file)
            .args(["--as", "rok-mofa", "--json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", file.display());
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["status"], "failed", "{report:#}");
        let message = report["message"].as_str().unwrap_or_default();
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(message.contains(name), "{message}");
        assert!(
            message.contains(want) || report["code"].as_str() == Some(want),
            "{want} in {report:#}"
        );
        if want == "stix-invalid-json" {
            // `<file>: [stix-invalid-json] <line>:<column>: …`
            let at = message.split("] ").nth(1).unwrap_or_default();
            let line = at.split(':').next().unwrap_or_default();
            assert!(line.parse::<u32>().is_ok_and(|l| l > 1), "{message}");
        }
    }
    let lists = json(&db, &["lists"]);
    let src = lists
        .as_array()
        .and_then(|a| a.iter().find(|s| s["source"] == "rok-mofa"))
        .unwrap_or_else(|| panic!("{lists:#}"));
    assert_eq!(src["current"]["version"], 1, "{src:#}");
    assert_eq!(src["latest"], 1, "{src:#}");
    let last = src["last_error"]["message"].as_str().unwrap_or_default();
    assert!(
        last.contains("[stix-too-large] bundle is 104857600 bytes"),
        "the last failure is recorded: {src:#}"
    );
    let hit = json(
        &db,
        &["address", "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4"],
    );
    assert_eq!(hit["results"][0]["status"], "listed", "{hit:#}");

    // A list of another format is never replaced by a bundle.
    let err = run(
        &db,
        &[
            "stix",
            "import",
            good.to_str().unwrap(),
            "--as",
            "rok-mofa-2",
        ],
        0,
    );
    assert!(!err.contains("error"), "{err}");
    let ofac = shared_data().join("lists/ofac/crypto/0xB10C");
    json(&db, &["ingest", "--lists", ofac.to_str().unwrap()]);
    let err = run(
        &db,
        &[
            "stix",
            "import",
            good.to_str().unwrap(),
            "--as",
            "ofac-crypto-0xb10c",
        ],
        2,
    );
    assert!(err.contains("not a shared bundle"), "{err}");
}
