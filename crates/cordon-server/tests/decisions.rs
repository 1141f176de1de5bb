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
    // As `cordon decide` does: the hash comes from what the audit trail shows was answered.
    let hash = cordon_server::seen_hash(&f.service().audit(), &subject, "test-list-P-2")
        .unwrap()
        .unwrap();
    cordon_server::Decisions::record(
        &f.service().decisions(),
        &cordon_server::Decision {
            time: "2026-11-25T00:00:00Z".into(),
            subject: subject.clone(),
            entity_id: "test-list-P-2".into(),
            verdict: cordon_server::Verdict::TrueMatch,
            note: "confirmed by passport".into(),
            by: "cli:alice".into(),
            entity_hash: hash,
        },
    )
    .unwrap();
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
