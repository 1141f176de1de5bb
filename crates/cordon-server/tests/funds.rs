//! `GET /exposure/{address}` and `POST /trace` on the real Bybit 2025 trail: the same JSON as
//! the library (and so as `cordon exposure --json` / `cordon trace --json`), audit records,
//! errors, and a graph that appears, changes and breaks while the service runs.

use std::path::Path;

use cordon_trace::{ExposureQuery, Graph, Labels, TraceQuery, add_label_file};
use cordon_tx::{IngestOptions, TokenRegistry, TxStoreBuilder, ingest_csv};
use serde_json::{Value, json};

use crate::util::*;

const HOP1: &str = "0x47666fab8bd0ac7003bce3f5c3585383f09486e2";
const HOP2: &str = "0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e";
const HOP3: &str = "0xdd90071d52f20e85c89802e5dc1ec0a7b6475f92";
const HOP4: &str = "0xf302572594a68aa8f951fae64ed3ae7da41c72be";
const HOP5: &str = "0x327ffe25f330d2d809106ace581099ad1af9ba23";

/// Writes a graph directory as `cordon tx ingest` does: the first `hops` hop files of the
/// trail (per-address exports) and its labels, copied into `labels/`.
fn ingest_bybit(dir: &Path, hops: usize) -> usize {
    let d = shared_data().join("tx/bybit-2025-public-trail");
    let mut registry = TokenRegistry::with_defaults();
    let mut labels = Labels::new();
    add_label_file(&mut labels, &d.join("labels.csv"), Some(&mut registry)).unwrap();
    let mut b = TxStoreBuilder::new(registry);
    let files = [
        ("hop1_subset.csv", HOP1),
        ("hop2.csv", HOP2),
        ("hop3_subset.csv", HOP3),
        ("hop4_subset.csv", HOP4),
        ("hop5.csv", HOP5),
    ];
    for (file, owner) in files.iter().take(hops) {
        let opts = IngestOptions {
            chain: "eth".into(),
            owner: Some((*owner).into()),
        };
        ingest_csv(&mut b, &d.join(file), &opts).unwrap();
    }
    let store = b.build().unwrap();
    store.save(dir).unwrap();
    std::fs::create_dir_all(dir.join("labels")).unwrap();
    std::fs::copy(d.join("labels.csv"), dir.join("labels/0-labels.csv")).unwrap();
    store.len()
}

/// Points the symlink `link` at `target` atomically (a new link renamed over the old one), as
/// an operator swaps in a freshly ingested graph.
fn repoint(link: &Path, target: &Path) {
    let tmp = link.with_extension("new");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp).unwrap();
    std::fs::rename(&tmp, link).unwrap();
}

fn traced_fixture(hops: usize) -> (Fixture, tempfile::TempDir) {
    let g = tempfile::tempdir().unwrap();
    ingest_bybit(&g.path().join("v1"), hops);
    repoint(&g.path().join("tx"), &g.path().join("v1"));
    let tx = g.path().join("tx");
    let f = fixture_with(|c| c.tx_dir(Some(tx)));
    (f, g)
}

#[tokio::test]
async fn exposure_and_trace_answer_the_library_json_and_are_audited() {
    let (f, g) = traced_fixture(5);
    let graph = Graph::open(&g.path().join("tx"), &[]).unwrap();

    let r = f
        .get(&format!("/exposure/{HOP2}?max_hops=3&top=2"), &f.screen)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.headers["content-type"], "application/json");
    let want = graph
        .exposure(
            HOP2,
            &ExposureQuery {
                max_hops: 3,
                top: 2,
                ..ExposureQuery::default()
            },
        )
        .unwrap();
    assert_eq!(r.json(), serde_json::to_value(&want).unwrap());
    assert!(!want.entries.is_empty(), "the trail's hop 2 has exposure");
    // A checksummed (EIP-55) address finds the same lower-case graph address.
    let mixed = "0xA4B2Fd68593B6F34E51cB9eDB66E71C1B4Ab449e";
    if cordon_address::parse(mixed).is_ok() {
        let r = f
            .get(&format!("/exposure/{mixed}?max_hops=3&top=2"), &f.screen)
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }

    let body = json!({"from": HOP1});
    let r = f.post("/trace", &f.analyst, &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let report = graph
        .trace(&TraceQuery {
            from: HOP1.into(),
            ..TraceQuery::default()
        })
        .unwrap();
    let got = r.json();
    assert_eq!(got, serde_json::to_value(&report).unwrap());
    let sinks: Vec<&str> = got["trace"]["sinks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    assert!(sinks.len() > 2, "{sinks:?}");
    // Self-describing for a client that draws it: every step has its transaction, an ISO 8601
    // time, and exact base-unit amounts with the asset's decimals.
    let sink = &got["trace"]["sinks"][0];
    assert!(
        sink["first_seen"].as_str().unwrap().ends_with('Z'),
        "{sink}"
    );
    assert!(sink["decimals"].is_u64(), "{sink}");
    for step in sink["path"].as_array().unwrap() {
        assert!(
            step["tx_hash"].as_str().unwrap().starts_with("0x"),
            "{step}"
        );
        let t = step["time"].as_str().unwrap();
        assert!(t.parse::<jiff::Timestamp>().is_ok(), "{step}");
        assert!(
            step["amount_base"]
                .as_str()
                .unwrap()
                .parse::<u128>()
                .is_ok(),
            "{step}"
        );
        assert!(
            step["tainted_base"]
                .as_str()
                .unwrap()
                .parse::<u128>()
                .is_ok(),
            "{step}"
        );
        assert!(step["decimals"].is_u64(), "{step}");
    }

    let r = f
        .post(
            "/trace?format=dot",
            &f.analyst,
            &json!({"from": HOP1, "rule": "fifo"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/vnd.graphviz")
    );
    let fifo = graph
        .trace(&TraceQuery {
            from: HOP1.into(),
            rule: "fifo".into(),
            ..TraceQuery::default()
        })
        .unwrap();
    assert_eq!(r.text(), graph.dot(&fifo));

    // Tracing is an analyst's job; exposure is open to the screen role.
    f.post("/trace", &f.screen, &body)
        .await
        .assert_error(403, "forbidden");

    // Every answer is in the audit trail, with the graph it came from and a digest of the body.
    let mut records: Vec<Value> = Vec::new();
    cordon_server::read_verified(&f.service().audit(), |rec, _| {
        records.push(serde_json::to_value(rec).unwrap());
        Ok(())
    })
    .unwrap();
    let endpoints: Vec<&str> = records
        .iter()
        .map(|r| r["endpoint"].as_str().unwrap())
        .collect();
    assert!(endpoints.starts_with(&["exposure"]), "{endpoints:?}");
    assert_eq!(endpoints.iter().filter(|e| **e == "trace").count(), 2);
    let trace = records.iter().find(|r| r["endpoint"] == "trace").unwrap();
    assert_eq!(trace["key"], "analyst-1");
    assert_eq!(trace["query"]["trace"]["from"], HOP1);
    assert_eq!(trace["query"]["graph"]["transfers"], graph.store().len());
    assert_eq!(
        trace["results"]["response_sha256"].as_str().unwrap().len(),
        64
    );

    let c = f.get("/catalog", &f.screen).await.json();
    assert_eq!(c["transactions"]["graph"]["transfers"], graph.store().len());
    assert!(c["transactions"]["last_error"].is_null(), "{c}");
}

#[tokio::test]
async fn tracing_errors_are_json_with_stable_codes_naming_the_field() {
    let (f, _g) = traced_fixture(2);
    let unknown = "0x00000000219ab540356cbb839cbe05303d7705fa";
    let r = f.get(&format!("/exposure/{unknown}"), &f.screen).await;
    r.assert_error(404, "unknown-address");
    assert!(r.text().contains("unknown, not clean"), "{}", r.text());
    f.get(
        "/exposure/0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
        &f.screen,
    )
    .await
    .assert_error(400, "invalid-address");
    f.get(&format!("/exposure/{HOP2}?max_hops=99"), &f.screen)
        .await
        .assert_error(400, "invalid-parameter");
    f.get(&format!("/exposure/{HOP2}?direction=up"), &f.screen)
        .await
        .assert_error(400, "invalid-parameter");
    f.get(&format!("/exposure/{HOP2}?hops=2"), &f.screen)
        .await
        .assert_error(400, "unknown-parameter");
    let cases = [
        (
            json!({"from": HOP1, "rule": "magic"}),
            400,
            "invalid-rule",
            "rule",
        ),
        (
            json!({"from": HOP1, "asset": "NOPE"}),
            400,
            "unknown-asset",
            "asset",
        ),
        (json!({"from": unknown}), 404, "unknown-address", "from"),
        (json!({"rule": "fifo"}), 400, "missing-field", "from"),
        (
            json!({"from": HOP1, "max_hops": 0}),
            400,
            "invalid-type",
            "max_hops",
        ),
        (
            json!({"from": HOP1, "hops": 3}),
            400,
            "unknown-field",
            "hops",
        ),
    ];
    for (body, status, code, field) in cases {
        let r = f.post("/trace", &f.analyst, &body).await;
        r.assert_error(status, code);
        assert!(r.text().contains(field), "{body}: {}", r.text());
    }
    f.post_raw("/trace", &f.analyst, "{\"from\": ", "application/json")
        .await
        .assert_error(400, "invalid-json");
    f.post("/trace?format=svg", &f.analyst, &json!({"from": HOP1}))
        .await
        .assert_error(400, "invalid-parameter");
    // Refused requests leave no audit record; the service still answers.
    let v = cordon_server::read_verified(&f.service().audit(), |_, _| Ok(())).unwrap();
    assert_eq!(v.records, 0);
    let r = f.post("/trace", &f.analyst, &json!({"from": HOP1})).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn a_graph_that_appears_changes_or_breaks_is_handled_by_reloads() {
    let g = tempfile::tempdir().unwrap();
    let link = g.path().join("tx");
    let f = fixture_with(|c| c.tx_dir(Some(link.clone())));
    let exposure = format!("/exposure/{HOP2}?max_hops=2");
    f.get(&exposure, &f.screen)
        .await
        .assert_error(503, "no-transaction-graph");
    assert_eq!(
        f.get("/catalog", &f.screen).await.json()["transactions"]["graph"],
        Value::Null
    );

    // An operator ingests a graph and reloads: it is picked up.
    let n1 = ingest_bybit(&g.path().join("v1"), 2);
    repoint(&link, &g.path().join("v1"));
    let r = f.post_empty("/admin/reload", &f.admin).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let rep = r.json();
    assert_eq!(rep["transactions"]["status"], "loaded", "{rep}");
    assert_eq!(rep["transactions"]["graph"]["transfers"], n1);
    assert_eq!(f.get(&exposure, &f.screen).await.status, 200);
    let r = f.post_empty("/admin/reload", &f.admin).await;
    assert_eq!(r.json()["transactions"]["status"], "unchanged");

    // A re-ingest with more hops, swapped in by repointing the link: the new graph serves.
    let n2 = ingest_bybit(&g.path().join("v2"), 5);
    assert!(n2 > n1);
    repoint(&link, &g.path().join("v2"));
    let r = f.post_empty("/admin/reload", &f.admin).await;
    assert_eq!(r.json()["transactions"]["graph"]["transfers"], n2);
    let r = f.post("/trace", &f.analyst, &json!({"from": HOP1})).await;
    assert_eq!(r.status, 200, "{}", r.text());

    // A broken graph does not replace the good one; the catalog shows the error.
    let broken = g.path().join("v3");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("manifest.json"), "{\"format\": \"nonsense\"").unwrap();
    repoint(&link, &broken);
    let r = f.post_empty("/admin/reload", &f.admin).await;
    assert_eq!(r.json()["transactions"]["status"], "failed", "{}", r.text());
    let c = f.get("/catalog", &f.screen).await.json();
    assert_eq!(c["transactions"]["graph"]["transfers"], n2, "{c}");
    assert!(c["transactions"]["last_error"]["code"].is_string(), "{c}");
    assert!(
        !c.to_string().contains(broken.to_str().unwrap()),
        "no server path in the catalog: {c}"
    );
    assert_eq!(f.get(&exposure, &f.screen).await.status, 200);
}

/// `cordon tx ingest` into the directory the server maps (no new directory, no link): the
/// server answers from the graph it mapped until a reload opens the new one.
#[tokio::test]
async fn a_graph_ingested_over_the_one_serving_is_picked_up_by_the_next_reload() {
    let g = tempfile::tempdir().unwrap();
    let dir = g.path().join("tx");
    let n5 = ingest_bybit(&dir, 5);
    let f = fixture_with(|c| c.tx_dir(Some(dir.clone())));
    let trace = json!({"from": HOP1});
    let before = f.post("/trace", &f.analyst, &trace).await;
    assert_eq!(before.status, 200, "{}", before.text());
    // A smaller graph written over the mapped files: truncating them in place would make the
    // next read of the old mapping a SIGBUS.
    let n2 = ingest_bybit(&dir, 2);
    assert!(n2 < n5);
    let during = f.post("/trace", &f.analyst, &trace).await;
    assert_eq!(during.status, 200, "{}", during.text());
    let sinks = |r: &Reply| r.json()["trace"]["sinks"].clone();
    assert!(
        sinks(&before).as_array().is_some_and(|s| !s.is_empty()),
        "{}",
        before.text()
    );
    assert_eq!(
        sinks(&during),
        sinks(&before),
        "the mapped graph changed under the server"
    );
    let c = f.get("/catalog", &f.screen).await.json();
    assert_eq!(c["transactions"]["graph"]["transfers"], n5, "{c}");
    let r = f.post_empty("/admin/reload", &f.admin).await;
    assert_eq!(
        r.json()["transactions"]["graph"]["transfers"],
        n2,
        "{}",
        r.text()
    );
    let after = f.post("/trace", &f.analyst, &trace).await;
    assert_eq!(after.status, 200, "{}", after.text());
    assert_ne!(
        sinks(&after),
        sinks(&before),
        "the reload serves the new graph"
    );
}

#[tokio::test]
async fn a_service_without_a_graph_directory_says_so() {
    let f = fixture();
    let r = f.get(&format!("/exposure/{HOP2}"), &f.screen).await;
    r.assert_error(503, "no-transaction-graph");
    let r = f.post("/trace", &f.analyst, &json!({"from": HOP1})).await;
    r.assert_error(503, "no-transaction-graph");
    let c = f.get("/catalog", &f.screen).await.json();
    assert_eq!(c["transactions"]["configured"], false);
}
