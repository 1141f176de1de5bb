//! `POST /applicants/screen` and `POST /applicants/link` on the applicant fixtures of
//! cordon-applicants: the same JSON as the library's report lines (and so as
//! `cordon applicants screen|link`), bad records reported by line, audit records.

use std::path::PathBuf;

use cordon_applicants::{Format, IpDb, ListIndex, ReadLimits, Rules, Screener, read_records};
use serde_json::{Value, json};

use crate::util::*;

fn fixture_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../cordon-applicants/tests/fixtures")
        .join(name)
}

fn ipdb_fixture() -> Fixture {
    fixture_with(|c| c.applicant_files(None, vec![fixture_file("ipdb.mmdb")]))
}

/// The library's answer for the same records, lists and IP database.
fn library_screen(f: &Fixture, input: &[u8], format: Format) -> cordon_applicants::BatchReport {
    let mut ipdb = IpDb::new();
    ipdb.add_file(&fixture_file("ipdb.mmdb")).unwrap();
    let lists = ListIndex::build(f.state.snapshot().entities().to_vec());
    let screener = Screener::new(Rules::default_rules())
        .with_ipdb(ipdb)
        .with_lists(lists);
    let read = read_records(input, format, None, &ReadLimits::default());
    let apps: Vec<_> = read.records.into_iter().map(|(_, a)| a).collect();
    screener.screen_batch(&apps).unwrap()
}

/// One output line of the CLI, as a JSON value.
fn line(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Value {
    let mut buf = Vec::new();
    write(&mut buf).unwrap();
    serde_json::from_slice(&buf).unwrap()
}

#[tokio::test]
async fn a_batch_gets_the_cli_report_lines_and_bad_lines_are_reported() {
    let f = ipdb_fixture();
    let input = std::fs::read(fixture_file("applicants.jsonl")).unwrap();
    let r = f
        .post_raw(
            "/applicants/screen",
            &f.screen,
            input.clone(),
            "application/x-ndjson",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let want = library_screen(&f, &input, Format::JsonLines);
    let reports = v["reports"].as_array().unwrap();
    assert_eq!(reports.len(), want.applicants.len());
    for (got, want) in reports.iter().zip(&want.applicants) {
        assert_eq!(*got, line(|b| want.write_line(b)));
    }
    let ids: Vec<&str> = reports.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["r1", "r2", "n1", "bad"]);
    assert_eq!(reports[0]["cluster"], reports[1]["cluster"]);
    assert!(!reports[0]["actions"].as_array().unwrap().is_empty());
    let clusters = v["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), want.clusters.len());
    assert_eq!(clusters[0]["members"], json!(["r1", "r2"]));
    // Lines 4 and 5 are rejected, each named by its line; line 6's problems are warnings.
    let rejected: Vec<(u64, &str)> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["location"]["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(rejected.contains(&(4, "missing-id")), "{rejected:?}");
    assert!(rejected.contains(&(5, "duplicate-id")), "{rejected:?}");
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "bad-email"),
        "{}",
        v["warnings"]
    );

    // The audit trail keeps the ids, the outcome and the body's digest, not the records.
    let mut recs = Vec::new();
    cordon_server::read_verified(&f.service().audit(), |rec, _| {
        recs.push(serde_json::to_value(rec).unwrap());
        Ok(())
    })
    .unwrap();
    let rec = &recs[0];
    assert_eq!(rec["endpoint"], "applicants.screen");
    assert_eq!(rec["query"]["records"], json!(["r1", "r2", "n1", "bad"]));
    assert_eq!(rec["query"]["rejected"], 2);
    assert_eq!(rec["query"]["body_bytes"], input.len());
    assert_eq!(rec["results"]["applicants"][0]["id"], "r1");
    assert!(!rec.to_string().contains("alex.kim.dev@gmail.com"));
}

#[tokio::test]
async fn one_applicant_gets_one_report_with_its_list_hit() {
    let f = ipdb_fixture();
    // The wallet of the fictional list's PAK Su Min.
    let one = json!({"id": "a1", "names": ["Jon Rivers"], "claimed_country": "US",
        "wallets": ["0x1111111111111111111111111111111111111111"]});
    let r = f.post("/applicants/screen", &f.screen, &one).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let report = &v["report"];
    assert_eq!(report["id"], "a1");
    assert!(
        report["list_hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["entity"] == "test-list-P-1"),
        "{report}"
    );
    assert_ne!(report["level"], "low", "{report}");
    let want = library_screen(&f, one.to_string().as_bytes(), Format::JsonLines);
    assert_eq!(*report, line(|b| want.applicants[0].write_line(b)));
    assert!(v["audit_seq"].as_u64().is_some());
    assert!(r.headers.get("x-audit-seq").is_some());
}

#[tokio::test]
async fn link_answers_the_cli_cluster_lines_for_json_csv_and_arrays() {
    let f = fixture();
    let csv = std::fs::read(fixture_file("applicants.csv")).unwrap();
    let r = f
        .post_raw("/applicants/link", &f.analyst, csv.clone(), "text/csv")
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let read = read_records(&csv[..], Format::Csv, None, &ReadLimits::default());
    let apps: Vec<_> = read.records.into_iter().map(|(_, a)| a).collect();
    let linked = Screener::new(Rules::default_rules()).link(&apps).unwrap();
    let clusters = v["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), linked.clusters.len());
    for (got, want) in clusters.iter().zip(&linked.clusters) {
        assert_eq!(*got, line(|b| want.write_line(b)));
    }
    assert_eq!(clusters[0]["members"], json!(["c1", "c2"]));

    let batch = json!([
        {"id": "x1", "names": ["A One"], "payout_accounts": ["ACCT-77-1234"]},
        {"id": "x2", "names": ["B Two"], "payout_accounts": ["ACCT-77-1234"]},
    ]);
    let r = f.post("/applicants/link", &f.analyst, &batch).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["clusters"][0]["members"], json!(["x1", "x2"]));
    f.post("/applicants/link", &f.analyst, &batch[0])
        .await
        .assert_error(400, "not-a-batch");
    f.post("/applicants/link", &f.screen, &batch)
        .await
        .assert_error(403, "forbidden");
}

#[tokio::test]
async fn bad_applicant_bodies_get_json_errors_and_nothing_else_is_affected() {
    let f = fixture_with(|mut c| {
        c.max_applicant_body = 64 * 1024;
        c.max_applicants = 3;
        c
    });
    let post = |body: Vec<u8>, ct: &'static str| {
        let f = &f;
        async move { f.post_raw("/applicants/screen", &f.screen, body, ct).await }
    };
    post(b"{\"id\": ".to_vec(), "application/json")
        .await
        .assert_error(400, "invalid-json");
    post(b"42".to_vec(), "application/json")
        .await
        .assert_error(400, "invalid-type");
    post(b"[]".to_vec(), "application/json")
        .await
        .assert_error(400, "empty-input");
    post(b"[{\"names\": [\"no id\"]}]".to_vec(), "application/json")
        .await
        .assert_error(400, "invalid-input");
    post(b"{\"id\": \"\xff\"}".to_vec(), "application/json")
        .await
        .assert_error(400, "invalid-utf8");
    post(vec![b' '; 65 * 1024], "application/json")
        .await
        .assert_error(413, "body-too-large");
    let four = json!([{"id": "1"}, {"id": "2"}, {"id": "3"}, {"id": "4"}]);
    post(four.to_string().into_bytes(), "application/json")
        .await
        .assert_error(400, "too-many-records");
    f.post("/applicants/screen?fast=1", &f.screen, &json!({"id": "1"}))
        .await
        .assert_error(400, "unknown-parameter");
    // Invalid UTF-8 on one JSON line rejects that line only.
    let r = post(
        b"{\"id\": \"ok\", \"names\": [\"Ann Lee\"]}\n{\"id\": \"\xff\xfe\"}\n".to_vec(),
        "application/x-ndjson",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["reports"].as_array().unwrap().len(), 1);
    assert_eq!(v["rejected"][0]["location"]["line"], 2, "{v}");
    // Only the answered request is in the audit trail.
    let a = cordon_server::read_verified(&f.service().audit(), |_, _| Ok(())).unwrap();
    assert_eq!(a.records, 1);
}

/// A service whose platform accounts are `accounts` (the file must outlive the service).
fn accounts_fixture(accounts: &std::path::Path) -> Fixture {
    let accounts = accounts.to_owned();
    fixture_with(move |c| c.applicant_accounts(Some(accounts)))
}

fn audit_records(f: &Fixture) -> Vec<Value> {
    let mut recs = Vec::new();
    cordon_server::read_verified(&f.service().audit(), |rec, _| {
        recs.push(serde_json::to_value(rec).unwrap());
        Ok(())
    })
    .unwrap();
    recs
}

#[tokio::test]
async fn a_sign_up_is_linked_to_the_known_accounts_it_shares_a_person_with() {
    // The fixture's accounts are the platform's (c1 and c2 share a payout account); a sign-up
    // paying out to it too is linked to both, as `cordon applicants link --known` links it.
    let f = accounts_fixture(&fixture_file("applicants.csv"));
    let signup = json!({"id": "signup-1", "names": ["Someone Else"],
        "payout_accounts": ["PAYO 4411 9087"]});
    let r = f.post("/applicants/screen", &f.screen, &signup).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let links = v["known_links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{v}");
    assert_eq!(links[0]["members"], json!(["signup-1", "c1", "c2"]));

    let screener = Screener::new(Rules::default_rules());
    let csv = std::fs::read(fixture_file("applicants.csv")).unwrap();
    let known = read_records(&csv[..], Format::Csv, None, &ReadLimits::default());
    let known = screener
        .known_accounts(known.records.into_iter().map(|(_, a)| a).collect())
        .unwrap();
    let new = read_records(
        signup.to_string().as_bytes(),
        Format::JsonLines,
        None,
        &ReadLimits::default(),
    );
    let new: Vec<_> = new.records.into_iter().map(|(_, a)| a).collect();
    let want = screener.link_to_known(&new, &known).unwrap();
    assert_eq!(links[0], line(|b| want.clusters[0].write_line(b)));

    let rec = audit_records(&f).pop().unwrap();
    assert_eq!(
        rec["results"]["known_links"][0]["members"],
        json!(["signup-1", "c1", "c2"])
    );

    // Nothing shared: no link. A known account screened again is not its own link.
    let stranger = json!({"id": "signup-2", "names": ["Nobody Known"],
        "payout_accounts": ["ZZZ-0000-1111"]});
    let r = f.post("/applicants/screen", &f.screen, &stranger).await;
    assert_eq!(r.json()["known_links"], json!([]), "{}", r.text());
    let again = json!({"id": "c1", "names": ["Alex Kim"], "payout_accounts": ["PAYO-4411-9087"]});
    let r = f.post("/applicants/screen", &f.screen, &again).await;
    let links = r.json()["known_links"].clone();
    assert_eq!(links[0]["members"], json!(["c1", "c2"]), "{links}");

    let catalog = f.get("/catalog", &f.analyst).await.json();
    assert_eq!(catalog["applicant_accounts"]["accounts"], 2, "{catalog}");
}

#[tokio::test]
async fn without_an_accounts_file_known_links_is_null() {
    let f = fixture();
    let one = json!({"id": "a1", "names": ["Jon Rivers"]});
    let r = f.post("/applicants/screen", &f.screen, &one).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["known_links"], Value::Null);
    let catalog = f.get("/catalog", &f.analyst).await.json();
    assert_eq!(catalog["applicant_accounts"]["configured"], false);
}

#[tokio::test]
async fn a_reload_reads_a_changed_accounts_file_and_a_broken_one_keeps_the_last_good() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.jsonl");
    std::fs::write(
        &accounts,
        "{\"id\": \"k1\", \"names\": [\"Old Account\"], \"payout_accounts\": [\"ACCT-1-1111\"]}\n",
    )
    .unwrap();
    let f = accounts_fixture(&accounts);
    let signup = json!({"id": "s1", "names": ["New Person"], "payout_accounts": ["ACCT-2-2222"],
        "emails": ["ring.member@example.org"]});
    let r = f.post("/applicants/screen", &f.screen, &signup).await;
    assert_eq!(r.json()["known_links"], json!([]));

    // The platform writes its accounts again: one more shares the sign-up's payout account,
    // and one line is broken (reported, left out; the rest is read).
    std::fs::write(
        &accounts,
        "{\"id\": \"k1\", \"names\": [\"Old Account\"], \"payout_accounts\": [\"ACCT-1-1111\"]}\n\
         not a record\n\
         {\"id\": \"k2\", \"names\": [\"Other Name\"], \"payout_accounts\": [\"ACCT-2-2222\"], \"emails\": [\"ring.member@example.org\"]}\n",
    )
    .unwrap();
    let report = f.state.reload().await;
    assert_eq!(
        report.applicant_accounts.as_ref().unwrap()["status"],
        "loaded"
    );
    assert_eq!(report.applicant_accounts.as_ref().unwrap()["rejected"], 1);
    let r = f.post("/applicants/screen", &f.screen, &signup).await;
    assert_eq!(
        r.json()["known_links"][0]["members"],
        json!(["s1", "k2"]),
        "{}",
        r.text()
    );

    // The file is gone: the reload says so and the last good accounts keep serving.
    std::fs::remove_file(&accounts).unwrap();
    let report = f.state.reload().await;
    assert_eq!(
        report.applicant_accounts.as_ref().unwrap()["status"],
        "failed"
    );
    let r = f.post("/applicants/screen", &f.screen, &signup).await;
    assert_eq!(r.json()["known_links"][0]["members"], json!(["s1", "k2"]));
    let catalog = f.get("/catalog", &f.analyst).await.json();
    let status = &catalog["applicant_accounts"];
    assert_eq!(status["accounts"], 2, "{status}");
    assert_eq!(status["last_error"]["code"], "io", "{status}");
    assert!(
        !status.to_string().contains("accounts.jsonl"),
        "no server paths: {status}"
    );
}

#[test]
fn a_missing_accounts_file_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cordon.redb");
    let store = cordon_store::Store::open(&db).unwrap();
    let config = cordon_server::Config::default()
        .applicant_accounts(Some(dir.path().join("no-such-accounts.jsonl")));
    let err = cordon_server::AppState::open(store, config).unwrap_err();
    assert_eq!(err.code(), "io");
    assert!(err.to_string().contains("no-such-accounts.jsonl"), "{err}");
}
