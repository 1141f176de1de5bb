use crate::util::*;

#[tokio::test]
async fn list_changes_raise_new_and_vanished_alerts_for_affected_subjects_only() {
    let f = fixture();
    let jsonl = concat!(
        "{\"id\": \"cust-1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ri Chol Ho\"]}}\n",
        "{\"id\": \"cust-2\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Han Yong Su\"]}}\n",
    );
    let r = f
        .post_raw("/subjects", &f.analyst, jsonl, "application/x-ndjson")
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["subjects"][0]["hits"][0]["id"], "test-list-P-2");
    let csv = "id,schema,name,birthDate\ncust-3,Person,Pak Su Min,1980-01-01\ncust-4,Company,Example Frontier Trading,\n";
    let r = f.post_raw("/subjects", &f.analyst, csv, "text/csv").await;
    assert_eq!(r.status, 201, "{}", r.text());
    let r = f.get("/subjects", &f.analyst).await;
    assert_eq!(r.json()["subjects"].as_array().unwrap().len(), 4);
    // Baseline.
    let r = f.post_empty("/admin/rescreen", &f.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["alerts"].as_array().unwrap().len(), 0);
    // A hand-edited list version: RI Chol Ho is delisted, HAN Yong Su is listed.
    let han = "test-list,P-3,Person,HAN Yong Su,한용수,,kp,,,,,,,,,,TEST,2026-09-01,,";
    f.write_list(&[PAK, FRONT, han]);
    let r = f.post_empty("/admin/reload", &f.admin).await;
    let v = r.json();
    assert_eq!(v["swapped"], true, "{v}");
    let rs = &v["rescreen"];
    assert_eq!(rs["touched_entities"], 2, "{rs}");
    // cust-3 and cust-4 hit nothing the change touched: not screened again.
    assert_eq!(rs["rescreened"], 2, "{rs}");
    let r = f.get("/alerts", &f.analyst).await;
    let alerts = r.json()["alerts"].as_array().unwrap().clone();
    let mut got: Vec<(String, String, String)> = alerts
        .iter()
        .map(|a| {
            (
                a["subject"].as_str().unwrap().into(),
                a["entity_id"].as_str().unwrap().into(),
                a["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("cust-1".into(), "test-list-P-2".into(), "vanished".into()),
            ("cust-2".into(), "test-list-P-3".into(), "new".into()),
        ]
    );
    // Nothing changed: nothing re-screened.
    let r = f.post_empty("/admin/rescreen", &f.admin).await;
    assert_eq!(r.json()["rescreened"], 0);
    let r = f
        .post_raw(
            "/subjects",
            &f.analyst,
            "{\"schema\": \"Person\"}\n",
            "application/x-ndjson",
        )
        .await;
    assert_eq!(r.status, 400);
}
