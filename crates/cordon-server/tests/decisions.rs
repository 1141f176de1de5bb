use serde_json::json;

use crate::util::*;

#[tokio::test]
async fn a_false_positive_is_suppressed_until_the_list_entry_changes() {
    let f = fixture();
    let q = one_query("Pak Su Min");
    let r = f.post("/match/default", &f.screen, &q).await;
    let v = r.json();
    let subject = v["responses"]["q1"]["subject"].as_str().unwrap().to_owned();
    assert_eq!(v["responses"]["q1"]["results"][0]["id"], "test-list-P-1");
    // The screen role may not decide.
    let d = json!({"subject": subject, "entity_id": "test-list-P-1", "verdict": "false_positive", "note": "different person: DOB 1999"});
    let r = f.post("/decisions", &f.screen, &d).await;
    assert_eq!(r.status, 403);
    let r = f.post("/decisions", &f.analyst, &d).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["by"], "analyst-1");
    // Same subject (names differ only in case and spacing): suppressed.
    let r = f
        .post("/match/default", &f.screen, &one_query("pak  su min"))
        .await;
    let q1 = r.json()["responses"]["q1"].clone();
    assert!(
        q1["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["id"] != "test-list-P-1"),
        "{q1}"
    );
    assert_eq!(q1["suppressed"][0]["id"], "test-list-P-1");
    // Another subject is not affected.
    let r = f.post("/match/default", &f.screen, &json!({"queries": {"q1": {"schema": "Person", "properties": {"name": ["Pak Su Min"], "birthDate": ["1980-01-01"]}}}})).await;
    assert_eq!(
        r.json()["responses"]["q1"]["results"][0]["id"],
        "test-list-P-1"
    );
    // The list entry changes (a new alias): the hit is back, with the earlier decision shown.
    let changed = PAK.replace("박수민", "박수민; Pak Soo Min");
    f.write_list(&[&changed, RI, FRONT]);
    let r = f.post_empty("/admin/reload", &f.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["swapped"], true);
    let r = f.post("/match/default", &f.screen, &q).await;
    let top = r.json()["responses"]["q1"]["results"][0].clone();
    assert_eq!(top["id"], "test-list-P-1");
    assert_eq!(top["decisions"][0]["verdict"], "false_positive");
    assert_eq!(top["decision_stale"], true);
}

#[tokio::test]
async fn a_true_match_is_shown_and_decisions_from_the_cli_file_are_read() {
    let f = fixture();
    let r = f
        .post("/match/default", &f.screen, &one_query("RI Chol Ho"))
        .await;
    let subject = r.json()["responses"]["q1"]["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    // As `cordon decide` does: the hash comes from what the audit trail shows was answered,
    // and the decision goes into the audit trail and then the decisions file.
    let seen = cordon_server::last_seen(&f.service().audit(), &subject, "test-list-P-2")
        .unwrap()
        .unwrap();
    assert_eq!(seen.lists["test-list"].version, 1);
    let d = cordon_server::Decision {
        time: "2026-11-25T00:00:00Z".into(),
        subject: subject.clone(),
        entity_id: "test-list-P-2".into(),
        verdict: cordon_server::Verdict::TrueMatch,
        note: "confirmed by passport".into(),
        by: "cli:alice".into(),
        entity_hash: seen.entity_hash,
        audit_seq: None,
    }
    .record_from_cli(&f.service(), &seen.lists)
    .unwrap();
    assert_eq!(d.audit_seq, Some(seen.audit_seq + 1));
    f.state.refresh_files().unwrap();
    let r = f
        .post("/match/default", &f.screen, &one_query("RI Chol Ho"))
        .await;
    let top = r.json()["responses"]["q1"]["results"][0].clone();
    assert_eq!(top["decisions"][0]["verdict"], "true_match");
    assert_eq!(top["decision_stale"], false);
    let r = f
        .get(&format!("/decisions?subject={subject}"), &f.analyst)
        .await;
    assert_eq!(r.json()["decisions"].as_array().unwrap().len(), 1);
    let r = f
        .post(
            "/decisions",
            &f.analyst,
            &json!({"subject": subject, "entity_id": "test-list-P-2", "verdict": "maybe"}),
        )
        .await;
    r.assert_error(400, "invalid-verdict");
}

/// Who decided what: every decision is a record of the hash-chained audit trail, written before
/// it is answered, and a subject's trail holds its screenings and its decisions only.
#[tokio::test]
async fn decisions_are_in_the_audit_chain_and_the_trail_filters_by_subject() {
    let f = fixture();
    let r = f
        .post("/match/default", &f.screen, &one_query("Pak Su Min"))
        .await;
    let subject = r.json()["responses"]["q1"]["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another subject's screening, which the subject's trail must not show.
    f.post("/match/default", &f.screen, &one_query("RI Chol Ho"))
        .await;
    let d = json!({"subject": subject, "entity_id": "test-list-P-1", "verdict": "false_positive", "note": "born 1999, not the listed person"});
    let r = f.post("/decisions", &f.analyst, &d).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let seq = r.json()["audit_seq"].as_u64().unwrap();
    assert_eq!(r.headers["x-audit-seq"].to_str().unwrap(), seq.to_string());
    // The record: who, when, subject, entry, the entry's hash and the list versions, verdict, note.
    let mut recs = Vec::new();
    cordon_server::read_verified(&f.service().audit(), |rec, _| {
        recs.push(rec.clone());
        Ok(())
    })
    .unwrap();
    let rec = recs.iter().find(|r| r.seq == seq).unwrap();
    assert_eq!(rec.entry.endpoint, "decision");
    assert_eq!(rec.entry.key, "analyst-1");
    assert_eq!(rec.entry.query["subject"], subject.as_str());
    assert_eq!(rec.entry.query["entity_id"], "test-list-P-1");
    assert_eq!(rec.entry.query["verdict"], "false_positive");
    assert_eq!(rec.entry.query["note"], "born 1999, not the listed person");
    assert_eq!(rec.entry.lists["test-list"].version, 1);
    let hash = f
        .state
        .snapshot()
        .entity_hash("test-list-P-1")
        .unwrap()
        .to_owned();
    assert_eq!(rec.entry.results["entity_hash"], hash.as_str());
    let back = cordon_server::Decision::from_audit(rec).unwrap();
    assert_eq!(back.audit_seq, Some(seq));
    assert_eq!(back.note, "born 1999, not the listed person");
    // The decisions file names the record.
    let r = f
        .get(&format!("/decisions?subject={subject}"), &f.analyst)
        .await;
    assert_eq!(r.json()["decisions"][0]["audit_seq"], seq);
    // The subject's trail: its screening, the decision, then a screening that hides the hit.
    f.post("/match/default", &f.screen, &one_query("pak su min"))
        .await;
    let r = f
        .get(&format!("/audit?subject={subject}"), &f.analyst)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let lines: Vec<serde_json::Value> = r
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let endpoints: Vec<&str> = lines
        .iter()
        .map(|l| l["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(endpoints, ["match", "decision", "match"], "{}", r.text());
    assert_eq!(
        lines[2]["results"]["q1"]["suppressed"][0]["id"],
        "test-list-P-1"
    );
    assert!(r.headers.contains_key("x-audit-head"));
    // CSV keeps the same rows; an empty subject is refused.
    let r = f
        .get(&format!("/audit?subject={subject}&format=csv"), &f.analyst)
        .await;
    assert_eq!(
        csv::Reader::from_reader(r.bytes.as_slice())
            .records()
            .count(),
        3
    );
    f.get("/audit?subject=", &f.analyst)
        .await
        .assert_error(400, "invalid-parameter");
}

/// `cordon decide` appends to the audit trail while the server writes it: one chain, no seq
/// used twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn decisions_from_the_cli_and_server_screenings_share_one_chain() {
    let f = std::sync::Arc::new(fixture());
    let r = f
        .post("/match/default", &f.screen, &one_query("RI Chol Ho"))
        .await;
    let subject = r.json()["responses"]["q1"]["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    let seen = cordon_server::last_seen(&f.service().audit(), &subject, "test-list-P-2")
        .unwrap()
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for _ in 0..25 {
                let r = f
                    .post("/match/default", &f.screen, &one_query("Pak Su Min"))
                    .await;
                assert_eq!(r.status, 200);
                seqs.push(r.json()["audit_seq"].as_u64().unwrap());
            }
            seqs
        }));
    }
    let dir = f.service();
    let cli = std::thread::spawn(move || {
        (0..20)
            .map(|i| {
                cordon_server::Decision {
                    time: format!("2026-11-25T00:00:{i:02}Z"),
                    subject: subject.clone(),
                    entity_id: "test-list-P-2".into(),
                    verdict: cordon_server::Verdict::TrueMatch,
                    note: format!("check {i}"),
                    by: "cli:alice".into(),
                    entity_hash: seen.entity_hash.clone(),
                    audit_seq: None,
                }
                .record_from_cli(&dir, &seen.lists)
                .unwrap()
                .audit_seq
                .unwrap()
            })
            .collect::<Vec<u64>>()
    });
    let mut seqs = cli.join().unwrap();
    for t in tasks {
        seqs.extend(t.await.unwrap());
    }
    seqs.sort_unstable();
    let n = seqs.len();
    seqs.dedup();
    assert_eq!(seqs.len(), n, "a seq was given twice");
    let v = cordon_server::read_verified(&f.service().audit(), |_, _| Ok(())).unwrap();
    assert_eq!(v.records, 1 + 100 + 20);
}

/// A crash between a decision's audit record and its line in the decisions file: the next
/// start adds the line, so the decision takes effect as it was answered.
#[tokio::test]
async fn a_decision_the_trail_has_and_the_index_lacks_is_restored_on_start() {
    let f = fixture();
    let r = f
        .post("/match/default", &f.screen, &one_query("RI Chol Ho"))
        .await;
    let subject = r.json()["responses"]["q1"]["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = json!({"subject": subject, "entity_id": "test-list-P-2", "verdict": "true_match", "note": "passport matches"});
    let r = f.post("/decisions", &f.analyst, &d).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let seq = r.json()["audit_seq"].as_u64().unwrap();
    // The crash: the decisions file lost its last line.
    let path = f.service().decisions();
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: String = text
        .lines()
        .rev()
        .skip(1)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, kept).unwrap();
    let mut ds = cordon_server::Decisions::load(&path).unwrap();
    assert!(ds.on(&subject, "test-list-P-2").is_empty());
    assert_eq!(ds.reconcile(&f.service()).unwrap(), 1);
    let restored = ds.on(&subject, "test-list-P-2");
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0].audit_seq, Some(seq));
    assert_eq!(restored[0].by, "analyst-1");
    assert_eq!(restored[0].note, "passport matches");
    // Idempotent: nothing is added twice.
    let mut again = cordon_server::Decisions::load(&path).unwrap();
    assert_eq!(again.reconcile(&f.service()).unwrap(), 0);
    assert_eq!(again.len(), 1);
}
