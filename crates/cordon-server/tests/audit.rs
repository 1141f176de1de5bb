use std::io::Write;

use cordon_server::{AuditEntry, AuditLog, ExportFormat, ServiceError, export, read_verified};
use serde_json::json;

use crate::util::*;

#[tokio::test]
async fn every_answered_request_is_in_the_chain_and_export_verifies() {
    let f = fixture();
    let mut seqs = Vec::new();
    for name in ["박수민", "RI Chol Ho", "Nobody At All"] {
        let r = f.post("/match/default", &f.screen, &one_query(name)).await;
        assert_eq!(r.status, 200);
        seqs.push(r.json()["audit_seq"].as_u64().unwrap());
    }
    let mut lines = Vec::new();
    let v = read_verified(&f.service().audit(), |rec, _| {
        lines.push(rec.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!(v.records, 3);
    assert_eq!(lines.iter().map(|r| r.seq).collect::<Vec<_>>(), seqs);
    let first = &lines[0].entry;
    assert_eq!(first.key, "kyc-backend");
    assert_eq!(first.endpoint, "match");
    assert_eq!(first.lists["test-list"].version, 1);
    assert_eq!(first.results["q1"]["results"][0]["id"], "test-list-P-1");
    assert!(first.results["q1"]["results"][0]["score"].is_number());
    // The HTTP export is the same chain; CSV has a header and one row per record.
    let r = f.get("/audit", &f.analyst).await;
    assert_eq!(r.text().lines().count(), 3);
    assert_eq!(r.headers["x-audit-head"].to_str().unwrap(), v.head);
    let r = f.get("/audit?format=csv", &f.analyst).await;
    let mut csv = csv::Reader::from_reader(r.bytes.as_slice());
    assert_eq!(csv.records().count(), 3);
    let r = f.get("/audit?since=2999-01-01", &f.analyst).await;
    assert_eq!(r.text(), "");
}

#[tokio::test]
async fn editing_or_removing_a_record_is_detected_at_that_line() {
    let f = fixture();
    for _ in 0..4 {
        f.post("/match/default", &f.screen, &one_query("Pak Su Min"))
            .await;
    }
    let path = f.service().audit();
    let original = std::fs::read_to_string(&path).unwrap();
    // A score lowered by hand.
    let lines: Vec<&str> = original.lines().collect();
    let edited = lines[2].replacen("\"score\":", "\"score\":0.1,\"x\":", 1);
    assert_ne!(edited, lines[2]);
    let mut text: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    text[2] = edited;
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
    match read_verified(&path, |_, _| Ok(())) {
        Err(ServiceError::AuditTampered { line, .. }) => assert_eq!(line, 3),
        other => panic!("tampering not detected: {other:?}"),
    }
    let r = f.get("/audit", &f.analyst).await;
    r.assert_error(409, "audit-tampered");
    // A record removed (with its hash recomputed would still break the next prev).
    let mut text: Vec<&str> = original.lines().collect();
    text.remove(1);
    std::fs::write(&path, text.join("\n") + "\n").unwrap();
    match read_verified(&path, |_, _| Ok(())) {
        Err(ServiceError::AuditTampered { line, .. }) => assert_eq!(line, 2),
        other => panic!("removal not detected: {other:?}"),
    }
}

fn entry(n: u64) -> AuditEntry {
    AuditEntry {
        time: "2026-11-25T00:00:00Z".into(),
        request_id: format!("r{n}"),
        key: "k".into(),
        endpoint: "match".into(),
        dataset: None,
        lists: Default::default(),
        query: json!({"n": n}),
        results: json!({}),
    }
}

#[tokio::test]
async fn a_write_cut_off_by_a_crash_is_removed_on_open_and_the_chain_continues() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    {
        let log = AuditLog::open(&path).unwrap();
        for n in 0..3 {
            log.append(&entry(n)).await.unwrap();
        }
    }
    // Half a record with no newline: the crash came before the fsync, so it was never answered.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"{\"seq\":4,\"prev\":\"abc").unwrap();
    drop(f);
    let log = AuditLog::open(&path).unwrap();
    assert_eq!(log.append(&entry(9)).await.unwrap(), 4);
    let v = read_verified(&path, |_, _| Ok(())).unwrap();
    assert_eq!((v.records, v.torn_bytes), (4, 0));
    let mut out = Vec::new();
    export(&path, &Default::default(), ExportFormat::Jsonl, &mut out).unwrap();
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_form_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path).unwrap();
    let mut tasks = Vec::new();
    for n in 0..400 {
        let log = log.clone();
        tasks.push(tokio::spawn(
            async move { log.append(&entry(n)).await.unwrap() },
        ));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=400).collect::<Vec<u64>>());
    assert_eq!(read_verified(&path, |_, _| Ok(())).unwrap().records, 400);
    let (records, groups) = log.counts();
    assert_eq!(records, 400);
    assert!(groups <= 400);
}
