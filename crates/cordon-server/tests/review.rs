use serde_json::{Value, json};

use crate::util::*;

async fn open_items(f: &Fixture) -> Vec<Value> {
    let r = f.get("/review", &f.analyst).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["items"].as_array().unwrap().clone()
}

fn subject_of(r: &Reply) -> String {
    r.json()["responses"]["q1"]["subject"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_match_opens_one_shared_item_until_a_decision_closes_it() {
    let f = fixture();
    let r = f
        .post("/match/default", &f.screen, &one_query("Pak Su Min"))
        .await;
    let subject = subject_of(&r);
    let seq = r.json()["audit_seq"].as_u64().unwrap();
    // Screened again (also written differently) and a name that matches nothing: no new item.
    f.post("/match/default", &f.screen, &one_query("Pak Su Min"))
        .await;
    f.post("/match/default", &f.screen, &one_query("pak  su min"))
        .await;
    f.post("/match/default", &f.screen, &one_query("Nobody At All"))
        .await;
    let items = open_items(&f).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item["status"], "open");
    assert_eq!(item["subject"], subject.as_str());
    assert_eq!(item["entity_id"], "test-list-P-1");
    assert_eq!(item["origin"], "screening");
    assert_eq!(item["key"], "kyc-backend");
    assert_eq!(item["audit_seq"], seq);
    assert_eq!(item["query"]["properties"]["name"], json!(["Pak Su Min"]));
    assert_eq!(item["entity_changed"], false);
    // The queue is for analysts.
    f.get("/review", &f.screen)
        .await
        .assert_error(403, "forbidden");
    // A decision closes the item for everybody.
    let d = json!({"subject": subject, "entity_id": "test-list-P-1", "verdict": "false_positive", "note": "born 1999"});
    let r = f.post("/decisions", &f.analyst, &d).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let decision_seq = r.json()["audit_seq"].as_u64().unwrap();
    assert!(open_items(&f).await.is_empty());
    let r = f.get("/review?status=closed", &f.admin).await;
    let closed = r.json()["items"][0].clone();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closed"]["reason"], "decision");
    assert_eq!(closed["closed"]["verdict"], "false_positive");
    assert_eq!(closed["closed"]["by"], "analyst-1");
    assert_eq!(closed["closed"]["audit_seq"], decision_seq);
    // Decided: screening it again opens nothing.
    f.post("/match/default", &f.screen, &one_query("Pak Su Min"))
        .await;
    assert!(open_items(&f).await.is_empty());
    let file = std::fs::read_to_string(f.service().review()).unwrap();
    let events: Vec<&str> = file
        .lines()
        .map(|l| {
            if l.contains("\"event\":\"open\"") {
                "open"
            } else {
                "close"
            }
        })
        .collect();
    assert_eq!(events, ["open", "close"], "{file}");
    // The list entry changes: the decision no longer covers the hit, which comes back.
    f.write_list(&[&PAK.replace("박수민", "박수민; Pak Soo Min"), RI, FRONT]);
    assert_eq!(
        f.post_empty("/admin/reload", &f.admin).await.json()["swapped"],
        true
    );
    f.post("/match/default", &f.screen, &one_query("Pak Su Min"))
        .await;
    let items = open_items(&f).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_ne!(items[0]["entity_hash"], closed["entity_hash"]);
    let r = f.get("/review?status=closed", &f.analyst).await;
    assert_eq!(r.json()["items"][0]["entity_changed"], true);
}

#[tokio::test]
async fn the_queue_filters_pages_and_survives_a_restart() {
    let f = fixture();
    let mut subjects = Vec::new();
    for name in ["Pak Su Min", "RI Chol Ho", "Example Frontier Trading"] {
        let q = json!({"queries": {"q1": {"schema": "Thing", "properties": {"name": [name]}}}});
        let r = f.post("/match/default", &f.screen, &q).await;
        assert_eq!(r.status, 200);
        subjects.push(subject_of(&r));
    }
    let r = f.get("/review?limit=2", &f.analyst).await;
    let v = r.json();
    assert_eq!(
        (v["total"].as_u64(), v["open"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(v["items"][0]["subject"], subjects[0].as_str());
    let r = f.get("/review?limit=2&offset=2", &f.analyst).await;
    assert_eq!(r.json()["items"][0]["subject"], subjects[2].as_str());
    let r = f.get("/review?order=newest&limit=1", &f.analyst).await;
    assert_eq!(r.json()["items"][0]["subject"], subjects[2].as_str());
    let r = f
        .get(&format!("/review?subject={}", subjects[1]), &f.analyst)
        .await;
    assert_eq!(r.json()["total"], 1);
    assert_eq!(r.json()["items"][0]["entity_id"], "test-list-P-2");
    let r = f.get("/review?since=2999-01-01", &f.analyst).await;
    assert_eq!(r.json()["total"], 0);
    let r = f
        .get(
            "/review?since=2000-01-01&origin=screening&status=all",
            &f.analyst,
        )
        .await;
    assert_eq!(r.json()["total"], 3);
    for bad in [
        "/review?status=maybe",
        "/review?limit=0",
        "/review?limit=501",
        "/review?offset=-1",
        "/review?since=yesterday",
        "/review?origin=email",
    ] {
        f.get(bad, &f.analyst)
            .await
            .assert_error(400, "invalid-parameter");
    }
    f.get("/review?colour=red", &f.analyst)
        .await
        .assert_error(400, "unknown-parameter");
    // A write cut off by a crash is not an item; a restart reads the same queue.
    std::fs::OpenOptions::new()
        .append(true)
        .open(f.service().review())
        .and_then(|mut file| {
            std::io::Write::write_all(&mut file, b"{\"event\":\"open\",\"id\":\"x")
        })
        .unwrap();
    let again = restarted(&f);
    let r = again.get("/review", &f.analyst).await;
    assert_eq!(r.json()["total"], 3, "{}", r.text());
    assert_eq!(r.json()["items"][0]["subject"], subjects[0].as_str());
}

/// A second service over the same service directory, as after a restart (the store stays with
/// the first; the snapshot is the same entities).
fn restarted(f: &Fixture) -> Fixture2 {
    let snap = f.state.snapshot();
    let snapshot =
        cordon_server::Snapshot::from_parts(snap.entities().to_vec(), snap.sources.clone(), 1);
    let state = cordon_server::AppState::with_snapshot(
        snapshot,
        cordon_server::Config::default().service_dir(f.service().root()),
    )
    .unwrap();
    Fixture2 {
        app: cordon_server::app(state),
    }
}

struct Fixture2 {
    app: axum::Router,
}

impl Fixture2 {
    async fn get(&self, uri: &str, key: &str) -> Reply {
        let req = axum::http::Request::builder()
            .uri(uri)
            .header("authorization", format!("Bearer {key}"))
            .body(axum::body::Body::empty())
            .unwrap();
        call(&self.app, req).await
    }
}

#[tokio::test]
async fn registrations_and_alerts_open_items_the_cli_and_delistings_close_them() {
    let f = fixture();
    let jsonl = concat!(
        "{\"id\": \"cust-1\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Ri Chol Ho\"]}}\n",
        "{\"id\": \"cust-2\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Han Yong Su\"]}}\n",
        "{\"id\": \"cust-3\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Pak Su Min\"]}}\n",
    );
    let r = f
        .post_raw("/subjects", &f.analyst, jsonl, "application/x-ndjson")
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let seq = r.json()["audit_seq"].as_u64().unwrap();
    let items = open_items(&f).await;
    assert_eq!(items.len(), 2, "{items:?}");
    let by_monitored = |items: &[Value], id: &str| {
        items
            .iter()
            .find(|i| i["monitored"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no item for {id}: {items:?}"))
    };
    let ri = by_monitored(&items, "cust-1");
    assert_eq!(ri["origin"], "registration");
    assert_eq!(ri["entity_id"], "test-list-P-2");
    assert_eq!(ri["key"], "analyst-1");
    assert_eq!(ri["audit_seq"], seq);
    // `cordon decide` on cust-3's hit: the audit record, the decision, the close line; the
    // server reads the line.
    let pak = by_monitored(&items, "cust-3");
    let subject = pak["subject"].as_str().unwrap();
    let seen = cordon_server::last_seen(&f.service().audit(), subject, "test-list-P-1")
        .unwrap()
        .expect("the registration's answer is in the trail");
    let d = cordon_server::Decision {
        time: "2026-12-05T10:00:00Z".into(),
        subject: subject.to_owned(),
        entity_id: "test-list-P-1".into(),
        verdict: cordon_server::Verdict::TrueMatch,
        note: "same passport".into(),
        by: "cli:alice".into(),
        entity_hash: seen.entity_hash,
        audit_seq: None,
    }
    .record_from_cli(&f.service(), &seen.lists)
    .unwrap();
    assert!(cordon_server::close_from_cli(&f.service(), &d).unwrap());
    f.state.refresh_files().unwrap();
    let items = open_items(&f).await;
    assert_eq!(items.len(), 1, "{items:?}");
    // A new list version: HAN Yong Su is listed (an alert, queued), RI Chol Ho delisted (his
    // open item closes: there is nothing left to decide on).
    let han = "test-list,P-3,Person,HAN Yong Su,한용수,,kp,,,,,,,,,,TEST,2026-09-01,,";
    f.write_list(&[PAK, FRONT, han]);
    let v = f.post_empty("/admin/reload", &f.admin).await.json();
    assert_eq!(v["swapped"], true, "{v}");
    let items = open_items(&f).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let alert = &items[0];
    assert_eq!(alert["origin"], "alert");
    assert_eq!(alert["monitored"], "cust-2");
    assert_eq!(alert["entity_id"], "test-list-P-3");
    assert_eq!(alert["key"], "rescreen");
    let alerts = f.get("/alerts", &f.analyst).await.json()["alerts"].clone();
    let new = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "new")
        .unwrap()
        .clone();
    assert_eq!(new["subject_key"], alert["subject"]);
    let r = f.get("/review?status=closed&subject=", &f.analyst).await;
    let closed = r.json()["items"].as_array().unwrap().clone();
    let reasons: Vec<(&str, &str)> = closed
        .iter()
        .map(|i| {
            (
                i["entity_id"].as_str().unwrap(),
                i["closed"]["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [("test-list-P-2", "removed"), ("test-list-P-1", "decision")]
    );
}

/// A crash after a decision and before its close line: a start closes the item from the
/// decision.
#[tokio::test]
async fn an_item_whose_close_line_a_crash_lost_is_closed_on_start() {
    let f = fixture();
    let r = f
        .post("/match/default", &f.screen, &one_query("RI Chol Ho"))
        .await;
    let subject = subject_of(&r);
    let d = json!({"subject": subject, "entity_id": "test-list-P-2", "verdict": "true_match", "note": "passport"});
    assert_eq!(f.post("/decisions", &f.analyst, &d).await.status, 201);
    let path = f.service().review();
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.contains("\"event\":\"close\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, kept).unwrap();
    assert!(
        cordon_server::Review::load(&path)
            .unwrap()
            .is_open(&subject, "test-list-P-2")
    );
    let again = restarted(&f);
    let r = again.get("/review?status=all", &f.analyst).await;
    let item = r.json()["items"][0].clone();
    assert_eq!(item["status"], "closed", "{item}");
    assert_eq!(item["closed"]["verdict"], "true_match");
    assert!(
        !cordon_server::Review::load(&path)
            .unwrap()
            .is_open(&subject, "test-list-P-2")
    );
}

/// Closes `item` with a decision and checks that nothing stays open.
async fn decide_closes(f: &Fixture, item: &Value) {
    let d = json!({"subject": item["subject"], "entity_id": item["entity_id"],
        "verdict": "true_match", "note": "confirmed"});
    let r = f.post("/decisions", &f.analyst, &d).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(open_items(f).await.is_empty());
    let r = f.get("/review?status=closed", &f.analyst).await;
    let closed = &r.json()["items"][0];
    assert_eq!(closed["id"], item["id"], "{closed}");
    assert_eq!(closed["closed"]["verdict"], "true_match", "{closed}");
}

#[tokio::test]
async fn a_listed_wallet_screened_by_address_opens_an_item_on_its_holder() {
    let f = fixture();
    let listed = "0x1111111111111111111111111111111111111111";
    let r = f
        .post(
            "/screen/address",
            &f.screen,
            &json!({"addresses": [listed, "0x2222222222222222222222222222222222222222", "garbage"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let seq = v["audit_seq"].as_u64().unwrap();
    let subject = v["results"][0]["subject"].as_str().unwrap().to_owned();
    assert!(v["results"][1]["subject"].is_string(), "{v}");
    assert!(v["results"][2].get("subject").is_none(), "{v}");
    // The same address again, alone: the item is already open.
    let r = f
        .post("/screen/address", &f.screen, &json!({"address": listed}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let items = open_items(&f).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item["origin"], "address");
    assert_eq!(item["subject"], subject.as_str());
    assert_eq!(item["entity_id"], "test-list-P-1");
    assert_eq!(item["caption"], "PAK Su Min");
    assert_eq!(item["score"], 1.0);
    assert_eq!(item["key"], "kyc-backend");
    assert_eq!(item["audit_seq"], seq);
    assert_eq!(item["query"]["schema"], "CryptoWallet");
    assert_eq!(item["query"]["properties"]["publicKey"][0], listed);
    let r = f.get("/review?origin=address", &f.analyst).await;
    assert_eq!(r.json()["total"], 1, "{}", r.text());
    assert_eq!(
        f.get("/review?origin=screening", &f.analyst).await.json()["total"],
        0
    );
    decide_closes(&f, item).await;
    // Decided on this content: screening the address again opens nothing.
    f.post("/screen/address", &f.screen, &json!({"address": listed}))
        .await;
    assert!(open_items(&f).await.is_empty());
    // The subject's history: its three screenings and the decision.
    let r = f
        .get(&format!("/audit?subject={subject}"), &f.analyst)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let endpoints: Vec<String> = r
        .text()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["endpoint"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        endpoints,
        ["address", "address", "decision", "address"],
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn an_applicants_list_hits_open_items_and_a_decision_closes_them() {
    let f = fixture();
    // a1 holds PAK Su Min's wallet; n1 hits nothing.
    let batch = json!([
        {"id": "a1", "names": ["Jon Rivers"], "wallets": ["0x1111111111111111111111111111111111111111"]},
        {"id": "n1", "names": ["Maria Lopez"], "emails": ["maria.lopez@example.org"]}
    ]);
    let r = f.post("/applicants/screen", &f.screen, &batch).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let seq = r.json()["audit_seq"].as_u64().unwrap();
    let items = open_items(&f).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item["origin"], "applicant");
    assert_eq!(item["applicant"], "a1");
    assert_eq!(item["entity_id"], "test-list-P-1");
    assert_eq!(item["audit_seq"], seq);
    assert_eq!(item["key"], "kyc-backend");
    assert_eq!(item["query"]["properties"]["name"], json!(["Jon Rivers"]));
    assert_eq!(
        item["query"]["properties"]["publicKey"],
        json!(["0x1111111111111111111111111111111111111111"]),
        "{item}"
    );
    // The same applicant again, alone: already open.
    let r = f.post("/applicants/screen", &f.screen, &batch[0]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(open_items(&f).await.len(), 1);
    assert_eq!(
        f.get("/review?origin=applicant", &f.analyst).await.json()["total"],
        1
    );
    decide_closes(&f, item).await;
    f.post("/applicants/screen", &f.screen, &batch[0]).await;
    assert!(open_items(&f).await.is_empty());
    let r = f
        .get(
            &format!("/audit?subject={}", item["subject"].as_str().unwrap()),
            &f.analyst,
        )
        .await;
    assert_eq!(r.text().lines().count(), 4, "{}", r.text());
    // Another caller's record with the same id is another person: its own item.
    let other = json!({"id": "a1", "names": ["Ana Park"], "wallets": ["0x1111111111111111111111111111111111111111"]});
    f.post("/applicants/screen", &f.screen, &other).await;
    let items = open_items(&f).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_ne!(items[0]["subject"], item["subject"]);
}
