//! `cordon taxii pull` against Cordon's own `cordon serve` on loopback (started by the serve
//! tests' helper), with the real OFAC lists: the pulled collection is the served one, object
//! for object, over many pages; keys are enforced; the OASIS reference client reads it too.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::util::{cordon, json, shared_data, taxii_client_python};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// GET with a key; (status, body).
fn get(url: &str, key: Option<&str>) -> (u16, Value) {
    let mut req = agent()
        .get(url)
        .header("Accept", "application/taxii+json;version=2.1");
    if let Some(k) = key {
        req = req.header("Authorization", format!("Bearer {k}"));
    }
    let mut resp = req.call().expect("request");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, body)
}

#[test]
fn taxii_pull_from_cordon_serve_reproduces_the_collection_and_keys_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.redb");
    json(
        &db,
        &[
            "ingest",
            "--lists",
            shared_data().join("lists/ofac").to_str().unwrap(),
        ],
    );
    let key = crate::serve::key(&db, "partner-bank", "share");
    let server = crate::serve::Server::start(&db, &[]);
    let base = format!("http://{}", server.addr);
    let discovery = format!("{base}/taxii2/");
    let objects = format!("{base}/taxii2/cordon/collections/dprk-lists/objects/");

    // Unauthorised: no key, a wrong key (401), a write (403), all in TAXII's error shape.
    for bad in [None, Some("cordon_0000_0000")] {
        let (status, body) = get(&objects, bad);
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["http_status"], "401");
    }
    let resp = agent()
        .post(&objects)
        .header("Authorization", format!("Bearer {key}"))
        .header("Content-Type", "application/taxii+json;version=2.1")
        .send("{}")
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let client_db = dir.path().join("client.redb");
    let out = cordon(&client_db)
        .args(["taxii", "pull", &discovery, "dprk-lists"])
        .env_remove("CORDON_TAXII_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("HTTP 401"), "{err}");

    // The served collection, in the largest pages the server gives.
    let mut served: Vec<Value> = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            Some(n) => format!("{objects}?limit=1000&next={n}"),
            None => format!("{objects}?limit=1000"),
        };
        let (status, body) = get(&url, Some(&key));
        assert_eq!(status, 200, "{body}");
        served.extend(body["objects"].as_array().cloned().unwrap_or_default());
        match body["next"].as_str() {
            Some(n) if body["more"] == true => next = Some(n.to_owned()),
            _ => break,
        }
    }
    assert!(served.len() > 1000, "{} objects", served.len());

    // Pulled in pages of 97 (and with HTTP Basic, as generic TAXII clients do).
    let pulled_file = dir.path().join("pulled.json");
    let out = cordon(&client_db)
        .args([
            "taxii",
            "pull",
            &discovery,
            "dprk-lists",
            "--limit",
            "97",
            "--json",
            "--user",
            "partner-bank",
            "--key",
            &key,
            "-o",
        ])
        .arg(&pulled_file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let pages = served.len().div_ceil(97);
    assert!(err.contains(&format!("in {pages} page(s)")), "{err}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "stored", "{report:#}");
    assert_eq!(report["source"], "taxii-dprk-lists");
    let pulled: Value =
        serde_json::from_str(&std::fs::read_to_string(&pulled_file).unwrap()).unwrap();
    let pulled = pulled["objects"].as_array().unwrap();
    assert_eq!(pulled.len(), served.len());
    assert!(
        pulled == &served,
        "the pulled objects differ from the served ones"
    );

    // The pulled list screens: Lazarus Group's wallet, cited to the TAXII list.
    let hit = json(
        &client_db,
        &["address", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"],
    );
    let r = &hit["results"][0];
    assert_eq!(r["status"], "listed", "{r:#}");
    assert_eq!(
        r["hits"][0]["sources"][0]["id"], "taxii-dprk-lists",
        "{r:#}"
    );
    // The OASIS reference client reads the same collection, page by page, with HTTP Basic.
    if let Some(python) = taxii_client_python() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/taxii_interop.py");
        let out = Command::new(python)
            .arg(script)
            .args([
                discovery.as_str(),
                "partner-bank",
                &key,
                "dprk-lists",
                "250",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "taxii2-client failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
        let served_ids: Vec<&Value> = served.iter().map(|o| &o["id"]).collect();
        let client_ids: Vec<&Value> = seen["objects"].as_array().unwrap().iter().collect();
        assert_eq!(client_ids, served_ids);
        assert_eq!(seen["pages"], served.len().div_ceil(250));
        assert_eq!(seen["can_read"], true);
    }
    // Pulling again stores nothing new.
    let again = json(
        &client_db,
        &["taxii", "pull", &discovery, "dprk-lists", "--key", &key],
    );
    assert_eq!(again["status"], "unchanged", "{again:#}");
}
