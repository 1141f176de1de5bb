//! TAXII 2.1: discovery, API root, collections, paging, filters, delistings as revocations,
//! findings, keys and the TAXII error shape.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use cordon_server::{Keys, Role, TAXII_MEDIA_TYPE};
use serde_json::Value;

use crate::util::{FRONT, Fixture, PAK, fixture};

const OBJECTS: &str = "/taxii2/cordon/collections/dprk-lists/objects/";

async fn get(f: &Fixture, uri: &str, key: &str) -> crate::util::Reply {
    let r = f.send("GET", uri, Some(key), "", None).await;
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some(TAXII_MEDIA_TYPE),
        "{uri}: {}",
        r.text()
    );
    r
}

/// Every object of a collection, page by page (`limit` per page), following `next`.
async fn pull(f: &Fixture, collection: &str, key: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut objects = Vec::new();
    let mut next: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut uri = format!("/taxii2/cordon/collections/{collection}/objects/?limit={limit}");
        if let Some(n) = &next {
            uri.push_str(&format!("&next={n}"));
        }
        let r = get(f, &uri, key).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        pages += 1;
        let v = r.json();
        let page = v["objects"].as_array().cloned().unwrap_or_default();
        assert!(page.len() <= limit);
        if !page.is_empty() {
            assert!(r.headers.contains_key("x-taxii-date-added-first"));
            assert!(r.headers.contains_key("x-taxii-date-added-last"));
        }
        objects.extend(page);
        match v["next"].as_str() {
            Some(n) if v["more"] == true => next = Some(n.to_owned()),
            _ => break,
        }
    }
    (objects, pages)
}

fn ids(objects: &[Value]) -> BTreeSet<String> {
    objects
        .iter()
        .filter_map(|o| o["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn discovery_api_root_and_collections_are_taxii_resources() {
    let f = fixture();
    let d = get(&f, "/taxii2/", &f.screen).await.json();
    assert_eq!(d["default"], "/taxii2/cordon/");
    let root = get(&f, "/taxii2/cordon/", &f.screen).await.json();
    assert_eq!(root["versions"][0], TAXII_MEDIA_TYPE);
    let cs = get(&f, "/taxii2/cordon/collections/", &f.screen)
        .await
        .json();
    let aliases: Vec<&str> = cs["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["alias"].as_str().unwrap())
        .collect();
    assert_eq!(aliases, ["dprk-lists", "findings"]);
    let c = &cs["collections"][0];
    assert_eq!(c["can_read"], true);
    assert_eq!(c["can_write"], false);
    // A collection answers to its id and its alias.
    let by_id = get(
        &f,
        &format!("/taxii2/cordon/collections/{}/", c["id"].as_str().unwrap()),
        &f.screen,
    )
    .await;
    assert_eq!(by_id.json()["alias"], "dprk-lists");
    let missing = get(&f, "/taxii2/cordon/collections/nope/", &f.screen).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["http_status"], "404");
}

#[tokio::test]
async fn requests_without_a_valid_key_get_401_and_writes_403_in_the_taxii_error_shape() {
    let f = fixture();
    for key in [None, Some("cordon_nope_nope")] {
        let r = f.send("GET", OBJECTS, key, "", None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let v = r.json();
        assert_eq!(v["http_status"], "401");
        assert_eq!(v["title"], "Unauthorized");
        assert!(
            r.headers
                .get("www-authenticate")
                .and_then(|h| h.to_str().ok())
                .is_some_and(|h| h.starts_with("Basic")),
            "{:?}",
            r.headers
        );
    }
    let revoked = Keys::create(&f.service().keys(), "old-partner", Role::Share).unwrap();
    Keys::revoke(&f.service().keys(), "old-partner").unwrap();
    f.state.refresh_files().unwrap();
    let r = f.send("GET", OBJECTS, Some(&revoked.1), "", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // A partner's share key reads the feed and nothing else.
    let (_, share) = Keys::create(&f.service().keys(), "partner", Role::Share).unwrap();
    f.state.refresh_files().unwrap();
    assert_eq!(get(&f, OBJECTS, &share).await.status, StatusCode::OK);
    let r = f
        .post(
            "/match/default",
            &share,
            &crate::util::one_query("PAK Su Min"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The collections are read-only.
    let r = f
        .send(
            "POST",
            OBJECTS,
            Some(&f.admin),
            "{}",
            Some(TAXII_MEDIA_TYPE),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["http_status"], "403");
    // HTTP Basic, TAXII's baseline, with the key as password.
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("partner:{share}"));
    let req = axum::http::Request::builder()
        .uri(OBJECTS)
        .header("authorization", format!("Basic {basic}"))
        .header("accept", TAXII_MEDIA_TYPE)
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = tower::ServiceExt::oneshot(f.app.clone(), req)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // A client that accepts only another media type.
    let req = axum::http::Request::builder()
        .uri(OBJECTS)
        .header("authorization", format!("Bearer {share}"))
        .header("accept", "application/taxii+json;version=2.0")
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = tower::ServiceExt::oneshot(f.app.clone(), req)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn pages_reproduce_the_collection_and_filters_select_by_type_and_id() {
    let f = fixture();
    let (whole, pages) = pull(&f, "dprk-lists", &f.screen, 1000).await;
    assert_eq!(pages, 1);
    // The two DPRK persons, PAK's wallet and its indicator, and the fixed context objects;
    // the Chinese front company is not DPRK-linked.
    let text = serde_json::to_string(&whole).unwrap();
    assert!(text.contains("PAK Su Min") && text.contains("RI Chol Ho"));
    assert!(!text.contains("Example Frontier Trading"));
    assert!(text.contains("0x1111111111111111111111111111111111111111"));
    let (paged, pages) = pull(&f, "dprk-lists", &f.screen, 3).await;
    assert!(pages > 3, "{pages} pages");
    assert_eq!(
        paged, whole,
        "pages of 3 give the same objects in the same order"
    );

    let r = get(
        &f,
        &format!("{OBJECTS}?match[type]=indicator,identity"),
        &f.screen,
    )
    .await;
    let objs = r.json()["objects"].as_array().cloned().unwrap();
    assert!(
        objs.iter()
            .all(|o| o["type"] == "indicator" || o["type"] == "identity")
    );
    let one = objs.iter().find(|o| o["name"] == "PAK Su Min").unwrap();
    let id = one["id"].as_str().unwrap();
    let r = get(&f, &format!("{OBJECTS}?match[id]={id}"), &f.screen).await;
    assert_eq!(r.json()["objects"].as_array().unwrap().len(), 1);
    let r = get(&f, &format!("{OBJECTS}{id}/"), &f.screen).await;
    assert_eq!(r.json()["objects"][0]["id"], id);
    let v = get(&f, &format!("{OBJECTS}{id}/versions/"), &f.screen)
        .await
        .json();
    assert_eq!(v["versions"].as_array().unwrap().len(), 1);
    let m = get(
        &f,
        "/taxii2/cordon/collections/dprk-lists/manifest/",
        &f.screen,
    )
    .await
    .json();
    assert_eq!(m["objects"].as_array().unwrap().len(), whole.len());
    let bad = get(&f, &format!("{OBJECTS}?next=999999"), &f.screen).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = get(&f, &format!("{OBJECTS}?added_after=yesterday"), &f.screen).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.json()["description"]
            .as_str()
            .unwrap()
            .contains("added_after")
    );
}

#[tokio::test]
async fn a_delisting_reaches_added_after_clients_as_revoked_objects() {
    let f = fixture();
    let first = get(&f, OBJECTS, &f.screen).await;
    let last = first.headers["x-taxii-date-added-last"]
        .to_str()
        .unwrap()
        .to_owned();
    let (before, _) = pull(&f, "dprk-lists", &f.screen, 1000).await;
    // RI is delisted and the service reloads its lists.
    f.write_list(&[PAK, FRONT]);
    let r = f
        .send("POST", "/admin/reload", Some(&f.admin), "", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let since = get(&f, &format!("{OBJECTS}?added_after={last}"), &f.screen).await;
    let changed = since.json()["objects"].as_array().cloned().unwrap();
    assert!(!changed.is_empty());
    assert!(changed.iter().all(|o| o["revoked"] == true), "{changed:#?}");
    assert!(changed.iter().any(|o| o["name"] == "RI Chol Ho"));
    // The revoked versions are later versions of the same objects.
    let (after, _) = pull(&f, "dprk-lists", &f.screen, 1000).await;
    assert_eq!(ids(&after), ids(&before));
    let ri = after.iter().find(|o| o["name"] == "RI Chol Ho").unwrap();
    assert!(ri["modified"].as_str() > ri["created"].as_str());
    let all = get(
        &f,
        &format!(
            "{OBJECTS}?match[version]=all&match[id]={}",
            ri["id"].as_str().unwrap()
        ),
        &f.screen,
    )
    .await;
    assert_eq!(all.json()["objects"].as_array().unwrap().len(), 2);
    // Nothing changes without a change.
    let since = get(
        &f,
        &format!(
            "{OBJECTS}?added_after={}",
            since.headers["x-taxii-date-added-last"].to_str().unwrap()
        ),
        &f.screen,
    )
    .await;
    assert!(since.json()["objects"].is_null(), "{}", since.text());
}

#[tokio::test]
async fn findings_files_are_served_and_every_read_is_audited() {
    let f = fixture();
    let dir = f.service().findings();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("clusters.jsonl"),
        r#"{"cluster":0,"members":["r1","r2"],"score":45.2,"links":[{"a":"r1","b":"r2","score":35.2,"reasons":["shared email \"dev@example.com\" (held by 2 records) +6.1"]}]}
"#,
    )
    .unwrap();
    let (objects, _) = pull(&f, "findings", &f.screen, 1000).await;
    let types: BTreeSet<&str> = objects.iter().filter_map(|o| o["type"].as_str()).collect();
    for t in ["grouping", "sighting", "indicator", "email-addr"] {
        assert!(types.contains(t), "{t} in {types:?}");
    }
    let audit = std::fs::read_to_string(f.service().audit()).unwrap();
    let reads: Vec<Value> = audit
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["endpoint"] == "taxii-objects")
        .collect();
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0]["key"], "kyc-backend");
    assert_eq!(reads[0]["dataset"], "findings");
    assert_eq!(reads[0]["results"]["objects"], objects.len());
}
