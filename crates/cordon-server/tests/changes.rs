use serde_json::json;

use crate::util::*;

fn ids(v: &serde_json::Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_source_diff_names_added_removed_and_changed_entries_with_their_properties() {
    let f = fixture();
    // Versions are stored with their time to the second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let between = jiff::Timestamp::now();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // Version 2: RI Chol Ho delisted, HAN Yong Su listed, PAK Su Min gains an alias.
    let han = "test-list,P-3,Person,HAN Yong Su,한용수,,kp,,,,,,,,,,TEST,2026-09-01,,";
    f.write_list(&[&PAK.replace("박수민", "박수민; Pak Soo Min"), FRONT, han]);
    let r = f.post_empty("/admin/reload", &f.admin).await;
    assert_eq!(r.json()["swapped"], true, "{}", r.text());

    let r = f.get("/catalog/test-list/changes", &f.screen).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!((v["from"].as_u64(), v["to"].as_u64()), (Some(1), Some(2)));
    assert_eq!(v["serving"], 2);
    assert_eq!(v["counts"], json!({"added": 1, "removed": 1, "changed": 1}));
    assert_eq!(ids(&v["added"]), ["test-list-P-3"]);
    assert_eq!(ids(&v["removed"]), ["test-list-P-2"]);
    assert_eq!(ids(&v["changed"]), ["test-list-P-1"]);
    assert_eq!(v["removed"][0]["caption"], "RI Chol Ho");
    let change = v["changed"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["added"]
                .as_array()
                .unwrap()
                .contains(&json!("Pak Soo Min"))
        })
        .unwrap_or_else(|| panic!("the new alias is not named: {v}"));
    assert_eq!(change["removed"], json!([]));
    assert_eq!(v["versions"]["to"]["version"], 2);
    // Three listed people and companies, and PAK Su Min's wallet.
    assert_eq!(v["versions"]["from"]["entity_count"], 4);

    // The first version against nothing: everything added; one kind, one page.
    let v = f
        .get(
            "/catalog/test-list/changes?from=0&to=1&kind=added&limit=2&offset=1",
            &f.screen,
        )
        .await
        .json();
    assert_eq!(v["counts"]["added"], 4);
    assert_eq!(v["versions"]["from"], serde_json::Value::Null);
    assert_eq!(ids(&v["added"]).len(), 2);
    assert!(v.get("removed").is_none() && v.get("changed").is_none());

    // Across sources, since a time: what changed after it, and what was already there.
    let v = f
        .get(&format!("/changes?since={between}"), &f.screen)
        .await
        .json();
    let sources = v["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1, "{v}");
    assert_eq!(
        (sources[0]["from"].as_u64(), sources[0]["to"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(
        sources[0]["counts"],
        json!({"added": 1, "removed": 1, "changed": 1})
    );
    let v = f.get("/changes?since=2000-01-01", &f.screen).await.json();
    assert_eq!(v["sources"][0]["from"], 0);
    assert_eq!(v["sources"][0]["counts"]["added"], 4);
    let v = f
        .get("/changes?since=2999-01-01&limit=5", &f.screen)
        .await
        .json();
    assert_eq!(v["sources"], json!([]));
    assert_eq!(
        v["unchanged"],
        json!([{"source": "test-list", "version": 2}])
    );
}

#[tokio::test]
async fn bad_change_requests_get_clear_errors() {
    let f = fixture();
    for (uri, status, code) in [
        ("/catalog/no-such-list/changes", 404, "unknown-source"),
        ("/catalog/test-list/changes?to=9", 404, "unknown-version"),
        (
            "/catalog/test-list/changes?from=7&to=1",
            400,
            "invalid-parameter",
        ),
        (
            "/catalog/test-list/changes?from=latest",
            400,
            "invalid-parameter",
        ),
        (
            "/catalog/test-list/changes?kind=moved",
            400,
            "invalid-parameter",
        ),
        (
            "/catalog/test-list/changes?limit=0",
            400,
            "invalid-parameter",
        ),
        (
            "/catalog/test-list/changes?limit=1001",
            400,
            "invalid-parameter",
        ),
        (
            "/catalog/test-list/changes?colour=red",
            400,
            "unknown-parameter",
        ),
        ("/changes", 400, "missing-parameter"),
        ("/changes?since=yesterday", 400, "invalid-parameter"),
    ] {
        f.get(uri, &f.screen).await.assert_error(status, code);
    }
    f.get_open("/changes?since=2000-01-01")
        .await
        .assert_error(401, "unauthorized");
    // Nothing changed yet: a source's only version against the one before it (none).
    let v = f.get("/catalog/test-list/changes", &f.screen).await.json();
    assert_eq!((v["from"].as_u64(), v["to"].as_u64()), (Some(0), Some(1)));
}
