//! `cordon applicants screen` and `cordon applicants link` end to end on a small fixture,
//! with the real OFAC list ingested.

use std::path::PathBuf;

use serde_json::Value;

use crate::util::{cordon, lists_dir};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../cordon-applicants/tests/fixtures")
        .join(name)
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn applicants_screen_and_link_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.redb");
    cordon(&db)
        .args([
            "ingest",
            "--lists",
            lists_dir().join("ofac").to_str().unwrap(),
        ])
        .assert()
        .success();
    let out = dir.path().join("screen.jsonl");
    let run = cordon(&db)
        .args(["applicants", "screen", "--input"])
        .arg(fixture("applicants.jsonl"))
        .arg("--output")
        .arg(&out)
        .arg("--ipdb")
        .arg(fixture("ipdb.mmdb"))
        .output()
        .unwrap();
    // Three bad lines are rejected (exit 1) and reported with their line numbers.
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    for want in [
        ":4 ",
        "missing-id",
        ":5 ",
        "duplicate-id",
        ":6 ",
        "bad-ip",
        "bad-date",
        "bad-email",
    ] {
        assert!(err.contains(want), "{want} not in {err}");
    }
    let rows = lines(&out);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["r1", "r2", "n1", "bad"]);
    for r in &rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 7, "{keys:?}");
        for k in [
            "id",
            "risk",
            "level",
            "indicators",
            "list_hits",
            "cluster",
            "actions",
        ] {
            assert!(r.get(k).is_some(), "{k} missing in {r}");
        }
    }
    let r1 = &rows[0];
    assert_eq!(r1["level"], "high");
    let fired: Vec<&str> = r1["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    for id in [
        "IW-01", "IW-05", "IW-06", "IW-10", "IW-15", "IW-19", "IW-21", "IW-28", "IW-40", "IW-41",
        "IW-47", "IW-48",
    ] {
        assert!(fired.contains(&id), "{id} not in {fired:?}");
    }
    assert!(
        r1["list_hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "employer"
                && h["caption"]
                    .as_str()
                    .unwrap()
                    .to_uppercase()
                    .contains("YANBIAN SILVERSTAR")),
        "{}",
        r1["list_hits"]
    );
    // r2 is linked to r1 and inherits the listed member's hit.
    assert_eq!(rows[1]["cluster"], r1["cluster"]);
    assert!(
        rows[1]["list_hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "linked")
    );
    assert_eq!(rows[2]["level"], "low");
    assert!(rows[2]["cluster"].is_null());

    let links = dir.path().join("links.jsonl");
    cordon(&db)
        .args(["applicants", "link", "--input"])
        .arg(fixture("applicants.csv"))
        .arg("--output")
        .arg(&links)
        .assert()
        .success();
    let clusters = lines(&links);
    assert_eq!(clusters.len(), 1);
    let c = &clusters[0];
    assert_eq!(c["members"], serde_json::json!(["c1", "c2"]));
    let reasons = c["links"][0]["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().contains("payout_account")),
        "{reasons:?}"
    );
    assert!(c["score"].as_f64().unwrap() > 0.0);

    // Statistics of one batch judge the next: saved by `link`, read by `screen`.
    let stats = dir.path().join("population.json");
    cordon(&db)
        .args(["applicants", "link", "--input"])
        .arg(fixture("applicants.csv"))
        .arg("--output")
        .arg(dir.path().join("links2.jsonl"))
        .arg("--save-population")
        .arg(&stats)
        .assert()
        .success();
    let saved: Value = serde_json::from_slice(&std::fs::read(&stats).unwrap()).unwrap();
    assert_eq!(saved["records"], 2);
    assert!(saved["keys"]["payout_account"].is_object(), "{saved}");
    let out2 = dir.path().join("screen2.jsonl");
    cordon(&db)
        .args(["applicants", "screen", "--no-lists", "--input"])
        .arg(fixture("applicants.csv"))
        .arg("--output")
        .arg(&out2)
        .arg("--population")
        .arg(&stats)
        .assert()
        .success();
    assert_eq!(lines(&out2).len(), 2);
    let bad = dir.path().join("not-stats.json");
    std::fs::write(&bad, "[1, 2]").unwrap();
    let run = cordon(&db)
        .args(["applicants", "screen", "--no-lists", "--input"])
        .arg(fixture("applicants.csv"))
        .arg("--output")
        .arg(&out2)
        .arg("--population")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("not population statistics"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn applicants_link_one_new_record_to_known_accounts() {
    // The fixture's accounts are known (c1 and c2 share a payout account); a sign-up using it
    // too joins their cluster, and a line that is not a record is reported with its line.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.redb");
    let new = dir.path().join("new.jsonl");
    let record = serde_json::json!({"id": "signup-1", "names": ["Someone Else"],
        "payout_accounts": ["PAYO 4411 9087"]});
    std::fs::write(&new, format!("{record}\nnot json\n")).unwrap();
    let out = dir.path().join("links.jsonl");
    let run = cordon(&db)
        .args(["applicants", "link", "--input"])
        .arg(&new)
        .arg("--known")
        .arg(fixture("applicants.csv"))
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("new.jsonl:2"), "{stderr}");
    let clusters = lines(&out);
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    assert_eq!(
        clusters[0]["members"],
        serde_json::json!(["signup-1", "c1", "c2"])
    );
    let reasons = clusters[0]["links"].to_string();
    assert!(
        reasons.contains("signup-1") && reasons.contains("payout_account"),
        "{reasons}"
    );
}

#[test]
fn regression_unreadable_rules_file_says_its_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the rules file should be: reading it fails with "Is a directory".
    let run = cordon(&dir.path().join("db.redb"))
        .args(["applicants", "screen", "--no-lists", "--input"])
        .arg(fixture("applicants.jsonl"))
        .arg("--output")
        .arg(dir.path().join("out.jsonl"))
        .arg("--rules")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    let cause = std::io::Error::from_raw_os_error(21).to_string();
    assert_eq!(err.matches(cause.as_str()).count(), 1, "{err}");
}

#[test]
fn applicant_screening_is_recorded_in_the_audit_trail() {
    // As the service records `/applicants/screen`: ids, subject keys, risk, indicators, list
    // hits and clusters, and not the records (no e-mail address reaches the trail).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.redb");
    let out = dir.path().join("screen.jsonl");
    cordon(&db)
        .args(["applicants", "screen", "--no-lists", "--input"])
        .arg(fixture("applicants.jsonl"))
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    let reports = lines(&out);
    let trail = lines(&dir.path().join("db.service/audit.jsonl"));
    let rec = trail.last().expect("a record");
    assert_eq!(rec["endpoint"], "cli.applicants.screen");
    // The line without an id and the repeated id; the rest is screened and recorded.
    assert_eq!(rec["query"]["rejected"], 2);
    let audited = rec["results"]["applicants"].as_array().unwrap();
    assert_eq!(audited.len(), reports.len());
    for (a, r) in audited.iter().zip(&reports) {
        assert_eq!(a["id"], r["id"]);
        assert_eq!(a["level"], r["level"]);
        assert!(a["subject"].as_str().is_some_and(|s| s.len() == 16), "{a}");
    }
    assert!(!rec.to_string().contains("alex.kim.dev@gmail.com"));
    cordon(&db).args(["audit", "verify"]).assert().success();
}
