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

/// Regression: an update with no list change and no monitored subject re-screened every entry
/// of every list ("34,349 touched entries" for 0 subjects, 32 s in a debug build).
#[tokio::test]
async fn nothing_is_rescreened_when_no_subject_is_monitored() {
    let f = fixture();
    let r = f.post_empty("/admin/reload", &f.admin).await;
    let v = r.json();
    assert_eq!(v["swapped"], false, "{v}");
    assert_eq!(v["rescreen"]["touched_entities"], 0, "{v}");
    assert_eq!(v["rescreen"]["rescreened"], 0, "{v}");
    // A real change, still with nobody monitored: nothing is diffed or screened.
    let han = "test-list,P-3,Person,HAN Yong Su,한용수,,kp,,,,,,,,,,TEST,2026-09-01,,";
    f.write_list(&[PAK, RI, FRONT, han]);
    let v = f.post_empty("/admin/reload", &f.admin).await.json();
    assert_eq!(v["swapped"], true, "{v}");
    assert_eq!(v["rescreen"]["changed_sources"][0], "test-list", "{v}");
    assert_eq!(v["rescreen"]["touched_entities"], 0, "{v}");
    assert_eq!(v["rescreen"]["rescreened"], 0, "{v}");
    // The first subject starts from the versions serving: the next change is diffed for it.
    let r = f
        .post_raw(
            "/subjects",
            &f.analyst,
            "{\"id\": \"cust-1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Han Yong Su\"]}}\n",
            "application/x-ndjson",
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    f.write_list(&[PAK, RI, FRONT]);
    let v = f.post_empty("/admin/reload", &f.admin).await.json();
    assert_eq!(v["rescreen"]["touched_entities"], 1, "{v}");
    assert_eq!(v["rescreen"]["rescreened"], 1, "{v}");
    assert_eq!(v["rescreen"]["alerts"][0]["kind"], "vanished", "{v}");
}

/// Regression: the first update after a start with nobody monitored said every source had
/// changed ("6 changed source(s)" on the Lists page), because `monitor.json` had no remembered
/// versions yet. With nothing monitored, the summary compares with what was serving.
#[tokio::test]
async fn the_first_reload_without_subjects_reports_only_sources_that_changed() {
    let f = fixture();
    let v = f.post_empty("/admin/reload", &f.admin).await.json();
    assert_eq!(v["swapped"], false, "{v}");
    assert_eq!(
        v["rescreen"]["changed_sources"],
        serde_json::json!([]),
        "{v}"
    );
    // A second source appears; the first one is unchanged and must not be named.
    let other = HEADER.replace("test-list", "other-list")
        + &RI.replace("test-list,P-2", "other-list,O-1")
        + "\n";
    std::fs::write(f.lists().join("other-list.csv"), other).unwrap();
    let v = f.post_empty("/admin/reload", &f.admin).await.json();
    assert_eq!(v["swapped"], true, "{v}");
    assert_eq!(
        v["rescreen"]["changed_sources"],
        serde_json::json!(["other-list"]),
        "{v}"
    );
    // A manual re-screen swaps nothing, so nothing changed.
    let v = f.post_empty("/admin/rescreen", &f.admin).await.json();
    assert_eq!(v["changed_sources"], serde_json::json!([]), "{v}");
}

/// Regression: a reload that finds no changed source re-screens nobody, including subjects
/// registered since the last re-screen (their registration recorded their hits).
#[tokio::test]
async fn a_reload_with_no_changed_source_rescreens_nothing() {
    let f = fixture();
    let jsonl = concat!(
        "{\"id\": \"cust-1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ri Chol Ho\"]}}\n",
        "{\"id\": \"cust-2\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Han Yong Su\"]}}\n",
    );
    let r = f
        .post_raw("/subjects", &f.analyst, jsonl, "application/x-ndjson")
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    for _ in 0..2 {
        let v = f.post_empty("/admin/reload", &f.admin).await.json();
        assert_eq!(v["swapped"], false, "{v}");
        let rs = &v["rescreen"];
        assert_eq!(rs["subjects"], 2, "{rs}");
        assert_eq!(rs["changed_sources"].as_array().unwrap().len(), 0, "{rs}");
        assert_eq!(rs["touched_entities"], 0, "{rs}");
        assert_eq!(rs["rescreened"], 0, "{rs}");
    }
    // A subject added to the file by another route has no baseline yet: it alone is screened.
    std::fs::OpenOptions::new()
        .append(true)
        .open(f.service().subjects())
        .and_then(|mut file| {
            std::io::Write::write_all(
                &mut file,
                b"{\"id\": \"cust-3\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Pak Su Min\"]}}\n",
            )
        })
        .unwrap();
    let v = f.post_empty("/admin/reload", &f.admin).await.json();
    assert_eq!(v["rescreen"]["rescreened"], 1, "{v}");
    assert_eq!(v["rescreen"]["touched_entities"], 0, "{v}");
}
