use serde_json::json;

use crate::util::*;

#[tokio::test]
async fn match_answers_in_yente_shape_and_finds_hangul_name() {
    let f = fixture();
    let r = f
        .post("/match/default", &f.screen, &one_query("박수민"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let q1 = &v["responses"]["q1"];
    assert_eq!(q1["status"], 200);
    let top = &q1["results"][0];
    assert_eq!(top["id"], "test-list-P-1");
    assert_eq!(top["schema"], "Person");
    assert_eq!(top["match"], true);
    assert!(top["score"].as_f64().unwrap() >= 0.7);
    assert!(top["properties"]["name"].is_array());
    assert!(top["explanations"]["name"]["score"].is_number());
    assert_eq!(
        q1["total"]["value"],
        q1["results"].as_array().unwrap().len()
    );
    assert_eq!(q1["query"]["schema"], "Person");
    assert!(r.headers.get("x-audit-seq").is_some());
    assert!(r.headers.get("x-request-id").is_some());
}

#[tokio::test]
async fn match_filters_by_dataset_threshold_limit_and_excluded_ids() {
    let f = fixture();
    let q = one_query("Pak Su Min");
    let r = f
        .post("/match/test-list?threshold=0.99&limit=1", &f.screen, &q)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let res = r.json()["responses"]["q1"]["results"].clone();
    assert!(res.as_array().unwrap().len() <= 1);
    let r = f
        .post(
            "/match/default?exclude_entity_ids=test-list-P-1",
            &f.screen,
            &q,
        )
        .await;
    let ids: Vec<String> = r.json()["responses"]["q1"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!ids.contains(&"test-list-P-1".to_owned()));
    let r = f
        .post("/match/default?exclude_dataset=test-list", &f.screen, &q)
        .await;
    assert_eq!(r.json()["responses"]["q1"]["total"]["value"], 0);
    let total = |r: &Reply| r.json()["responses"]["q1"]["total"]["value"].clone();
    let r = f
        .post("/match/default?include_dataset=test-list", &f.screen, &q)
        .await;
    assert_eq!(
        r.json()["responses"]["q1"]["results"][0]["id"],
        "test-list-P-1"
    );
    for bad in [
        "include_dataset=nope",
        "exclude_dataset=nope",
        "changed_since=yesterday",
    ] {
        f.post(&format!("/match/default?{bad}"), &f.screen, &q)
            .await
            .assert_error(400, "invalid-parameter");
    }
    // changed_since: the list version was ingested now, so a past date keeps it and a future
    // one filters it out.
    let r = f
        .post("/match/default?changed_since=2000-01-01", &f.screen, &q)
        .await;
    assert_ne!(total(&r), 0, "{}", r.text());
    let r = f
        .post(
            "/match/default?changed_since=2999-01-01T00:00:00Z",
            &f.screen,
            &q,
        )
        .await;
    assert_eq!(total(&r), 0, "{}", r.text());
    let r = f.post("/match/no-such-list", &f.screen, &q).await;
    r.assert_error(404, "unknown-dataset");
    let r = f.post("/match/default?threshold=7", &f.screen, &q).await;
    r.assert_error(400, "invalid-parameter");
    let r = f.post("/match/default?treshold=0.5", &f.screen, &q).await;
    r.assert_error(400, "unknown-parameter");
}

#[tokio::test]
async fn a_batch_of_100_queries_is_answered_and_101_is_refused() {
    let f = fixture();
    let mut queries = serde_json::Map::new();
    for i in 0..100 {
        let name = if i % 2 == 0 {
            "리철호"
        } else {
            "Somebody Else"
        };
        queries.insert(
            format!("q{i}"),
            json!({"schema": "Person", "properties": {"name": [name]}}),
        );
    }
    let r = f
        .post(
            "/match/default",
            &f.screen,
            &json!({"queries": queries.clone()}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["responses"].as_object().unwrap().len(), 100);
    assert_eq!(v["responses"]["q0"]["results"][0]["id"], "test-list-P-2");
    queries.insert(
        "q100".into(),
        json!({"schema": "Person", "properties": {"name": ["x"]}}),
    );
    let r = f
        .post("/match/default", &f.screen, &json!({"queries": queries}))
        .await;
    r.assert_error(400, "too-many-queries");
}

#[tokio::test]
async fn bad_input_gets_a_json_error_with_a_stable_code() {
    let f = fixture();
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"{\"queries\": {".to_vec(), 400, "invalid-json"),
        (b"[1,2]".to_vec(), 400, "invalid-type"),
        (br#"{"queries": []}"#.to_vec(), 400, "invalid-type"),
        (br#"{"quries": {}}"#.to_vec(), 400, "unknown-field"),
        (br#"{"queries": {"q": {"schema": "Planet", "properties": {"name": ["x"]}}}}"#.to_vec(), 400, "unknown-schema"),
        (br#"{"queries": {"q": {"schema": "Person", "properties": {"nmae": ["x"]}}}}"#.to_vec(), 400, "unknown-property"),
        (br#"{"queries": {"q": {"schema": "Person", "properties": {"name": [42]}}}}"#.to_vec(), 400, "invalid-type"),
        (br#"{"queries": {"q": {"schema": "Person", "properties": {"name": ["x"], "birthDate": ["yesterday"]}}}}"#.to_vec(), 400, "bad-date"),
        (br#"{"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1980"]}}}}"#.to_vec(), 400, "missing-name"),
        (b"{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"\xff\xfe\"]}}}}".to_vec(), 400, "invalid-utf8"),
    ];
    for (body, status, code) in cases {
        let r = f
            .post_raw(
                "/match/default",
                &f.screen,
                body.clone(),
                "application/json",
            )
            .await;
        assert_eq!(
            (r.status.as_u16(), r.code().as_str()),
            (status, code),
            "body {}: {}",
            String::from_utf8_lossy(&body),
            r.text()
        );
        assert!(!r.json()["error"]["message"].as_str().unwrap().is_empty());
    }
    // A service that has refused bad input still answers good input.
    let r = f
        .post("/match/default", &f.screen, &one_query("RI Chol Ho"))
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn ten_megabyte_body_and_thousand_queries_are_refused() {
    let f = fixture();
    let big = format!(
        "{{\"queries\": {{\"q\": {{\"schema\": \"Person\", \"properties\": {{\"name\": [\"{}\"]}}}}}}}}",
        "a".repeat(10 * 1024 * 1024)
    );
    let r = f
        .post_raw("/match/default", &f.screen, big, "application/json")
        .await;
    r.assert_error(413, "body-too-large");
    let mut queries = serde_json::Map::new();
    for i in 0..1000 {
        queries.insert(
            format!("q{i}"),
            json!({"schema": "Person", "properties": {"name": ["Kim"]}}),
        );
    }
    let r = f
        .post("/match/default", &f.screen, &json!({"queries": queries}))
        .await;
    r.assert_error(400, "too-many-queries");
}

#[tokio::test]
async fn access_control_answers_401_and_403_as_json() {
    let f = fixture();
    let q = one_query("Pak Su Min").to_string();
    let r = f
        .send(
            "POST",
            "/match/default",
            None,
            q.clone(),
            Some("application/json"),
        )
        .await;
    r.assert_error(401, "unauthorized");
    let r = f
        .post_raw(
            "/match/default",
            "cordon_bad_key",
            q.clone(),
            "application/json",
        )
        .await;
    r.assert_error(401, "unauthorized");
    let r = f.get("/audit", &f.screen).await;
    r.assert_error(403, "forbidden");
    let r = f.post_empty("/admin/reload", &f.analyst).await;
    r.assert_error(403, "forbidden");
    let r = f.get("/audit", &f.analyst).await;
    assert_eq!(r.status, 200);
    // X-Api-Key works too.
    let resp = {
        use tower::ServiceExt;
        let req = axum::http::Request::builder()
            .method("GET")
            .uri("/catalog")
            .header("x-api-key", &f.screen)
            .body(axum::body::Body::empty())
            .unwrap();
        f.app.clone().oneshot(req).await.unwrap()
    };
    assert_eq!(resp.status(), 200);
    // A revoked key stops working once the service re-reads the key file.
    cordon_server::Keys::revoke(&f.service().keys(), "kyc-backend").unwrap();
    f.state.refresh_files().unwrap();
    let r = f
        .post_raw("/match/default", &f.screen, q, "application/json")
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn open_endpoints_health_ready_metrics_openapi() {
    let f = fixture();
    let r = f.get_open("/healthz").await;
    assert_eq!(r.json()["status"], "ok");
    let r = f.get_open("/readyz").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["entities"], 4, "3 records and the wallet of one");
    f.post("/match/default", &f.screen, &one_query("Pak Su Min"))
        .await;
    let r = f.get_open("/metrics").await;
    let text = r.text();
    assert!(
        text.contains("cordon_http_requests_total{route=\"/match/{dataset}\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("cordon_audit_records_written 1"));
    let r = f.get_open("/openapi.json").await;
    let v = r.json();
    for p in [
        "/match/{dataset}",
        "/search/{dataset}",
        "/entities/{id}",
        "/screen/address",
        "/catalog",
        "/audit",
        "/decisions",
        "/subjects",
        "/alerts",
        "/admin/reload",
        "/exposure/{address}",
        "/trace",
        "/applicants/screen",
        "/applicants/link",
    ] {
        assert!(v["paths"][p].is_object(), "missing {p}");
    }
    let r = f.get_open("/nope").await;
    r.assert_error(404, "not-found");
    let r = f.send("DELETE", "/healthz", None, "", None).await;
    r.assert_error(405, "method-not-allowed");
}

#[tokio::test]
async fn search_entities_address_and_catalog() {
    let f = fixture();
    let r = f
        .get("/search/default?q=%EB%A6%AC%EC%B2%A0%ED%98%B8", &f.screen)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["results"][0]["id"], "test-list-P-2");
    let r = f.get("/search/default", &f.screen).await;
    r.assert_error(400, "missing-parameter");
    let r = f.get("/entities/test-list-C-1", &f.screen).await;
    assert_eq!(r.json()["schema"], "Company");
    let r = f.get("/entities/nope", &f.screen).await;
    r.assert_error(404, "not-found");
    let r = f.post("/screen/address", &f.screen, &json!({"addresses": ["0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222", "garbage"]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["results"][0]["status"], "listed", "{v}");
    assert_ne!(v["results"][1]["status"], "listed");
    let r = f
        .post("/screen/address", &f.screen, &json!({"addresses": [1]}))
        .await;
    r.assert_error(400, "invalid-type");
    let r = f.get("/catalog", &f.screen).await;
    let v = r.json();
    assert_eq!(v["datasets"][0]["name"], "test-list");
    assert_eq!(v["datasets"][0]["version"], 1);
    assert_eq!(v["datasets"][0]["entity_count"], 4);
    assert!(v["datasets"][0]["last_success"].is_string());
}

#[tokio::test]
async fn a_path_segment_that_is_not_utf8_gets_a_json_error() {
    let f = fixture();
    f.get("/entities/%FF%FE", &f.screen)
        .await
        .assert_error(400, "invalid-utf8");
    f.get("/search/%C3%28?q=x", &f.screen)
        .await
        .assert_error(400, "invalid-utf8");
    f.post("/match/%FF", &f.screen, &one_query("Ri Chol Ho"))
        .await
        .assert_error(400, "invalid-utf8");
    f.get("/exposure/%FF", &f.screen)
        .await
        .assert_error(400, "invalid-utf8");
    // And in the query string.
    f.post(
        "/match/default?limit=%FF",
        &f.screen,
        &one_query("Ri Chol Ho"),
    )
    .await
    .assert_error(400, "invalid-parameter");
}

#[tokio::test]
async fn me_names_the_caller_and_its_role() {
    let f = fixture();
    for (key, role) in [
        (&f.screen, "screen"),
        (&f.analyst, "analyst"),
        (&f.admin, "admin"),
    ] {
        let r = f.get("/me", key).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(v["role"], role);
        assert_eq!(v["auth"], true);
        assert!(v["name"].as_str().is_some_and(|n| !n.is_empty()));
    }
    let r = f.get("/me", "cordon_0_wrong").await;
    r.assert_error(401, "unauthorized");
}

#[tokio::test]
async fn console_page_is_served_without_a_key_and_api_paths_keep_their_errors() {
    let f = fixture();
    let r = f.get_open("/").await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("/console/app.js"));
    assert!(r.headers.contains_key("content-security-policy"));
    let r = f.get_open("/console/app.js").await;
    assert_eq!(r.status, 200);
    // The console does not shadow the API's own 404 and 401.
    let r = f.get_open("/no-such-endpoint").await;
    r.assert_error(404, "not-found");
    let r = f.get_open("/catalog").await;
    assert_eq!(r.status, 401);
}
