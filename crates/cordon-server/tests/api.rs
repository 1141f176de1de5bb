use serde_json::json;

use crate::util::*;

#[tokio::test]
async fn match_answers_in_yente_shape_and_finds_hangul_name() {
    let f = fixture();
    let r = post_json(&f.app, "/match/default", &f.screen, &one_query("박수민")).await;
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
    let r = post_json(
        &f.app,
        "/match/test-list?threshold=0.99&limit=1",
        &f.screen,
        &q,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let res = r.json()["responses"]["q1"]["results"].clone();
    assert!(res.as_array().unwrap().len() <= 1);
    let r = post_json(
        &f.app,
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
    let r = post_json(
        &f.app,
        "/match/default?exclude_dataset=test-list",
        &f.screen,
        &q,
    )
    .await;
    assert_eq!(r.json()["responses"]["q1"]["total"]["value"], 0);
    let r = post_json(&f.app, "/match/no-such-list", &f.screen, &q).await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (404, "unknown-dataset")
    );
    let r = post_json(&f.app, "/match/default?threshold=7", &f.screen, &q).await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (400, "invalid-parameter")
    );
    let r = post_json(&f.app, "/match/default?treshold=0.5", &f.screen, &q).await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (400, "unknown-parameter")
    );
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
    let r = post_json(
        &f.app,
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
    let r = post_json(
        &f.app,
        "/match/default",
        &f.screen,
        &json!({"queries": queries}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (400, "too-many-queries")
    );
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
        let r = call(
            &f.app,
            "POST",
            "/match/default",
            Some(&f.screen),
            body.clone(),
            Some("application/json"),
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
    let r = post_json(
        &f.app,
        "/match/default",
        &f.screen,
        &one_query("RI Chol Ho"),
    )
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
    let r = call(
        &f.app,
        "POST",
        "/match/default",
        Some(&f.screen),
        big,
        Some("application/json"),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (413, "body-too-large")
    );
    let mut queries = serde_json::Map::new();
    for i in 0..1000 {
        queries.insert(
            format!("q{i}"),
            json!({"schema": "Person", "properties": {"name": ["Kim"]}}),
        );
    }
    let r = post_json(
        &f.app,
        "/match/default",
        &f.screen,
        &json!({"queries": queries}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (400, "too-many-queries")
    );
}

#[tokio::test]
async fn access_control_answers_401_and_403_as_json() {
    let f = fixture();
    let q = one_query("Pak Su Min").to_string();
    let r = call(
        &f.app,
        "POST",
        "/match/default",
        None,
        q.clone(),
        Some("application/json"),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (401, "unauthorized")
    );
    let r = call(
        &f.app,
        "POST",
        "/match/default",
        Some("cordon_bad_key"),
        q.clone(),
        Some("application/json"),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (401, "unauthorized")
    );
    let r = call(&f.app, "GET", "/audit", Some(&f.screen), "", None).await;
    assert_eq!((r.status.as_u16(), r.code().as_str()), (403, "forbidden"));
    let r = call(&f.app, "POST", "/admin/reload", Some(&f.analyst), "", None).await;
    assert_eq!((r.status.as_u16(), r.code().as_str()), (403, "forbidden"));
    let r = call(&f.app, "GET", "/audit", Some(&f.analyst), "", None).await;
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
    let r = call(
        &f.app,
        "POST",
        "/match/default",
        Some(&f.screen),
        q,
        Some("application/json"),
    )
    .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn open_endpoints_health_ready_metrics_openapi() {
    let f = fixture();
    let r = call(&f.app, "GET", "/healthz", None, "", None).await;
    assert_eq!(r.json()["status"], "ok");
    let r = call(&f.app, "GET", "/readyz", None, "", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["entities"], 4, "3 records and the wallet of one");
    post_json(
        &f.app,
        "/match/default",
        &f.screen,
        &one_query("Pak Su Min"),
    )
    .await;
    let r = call(&f.app, "GET", "/metrics", None, "", None).await;
    let text = r.text();
    assert!(
        text.contains("cordon_http_requests_total{route=\"/match/{dataset}\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("cordon_audit_records_written 1"));
    let r = call(&f.app, "GET", "/openapi.json", None, "", None).await;
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
    ] {
        assert!(v["paths"][p].is_object(), "missing {p}");
    }
    let r = call(&f.app, "GET", "/nope", None, "", None).await;
    assert_eq!((r.status.as_u16(), r.code().as_str()), (404, "not-found"));
    let r = call(&f.app, "DELETE", "/healthz", None, "", None).await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (405, "method-not-allowed")
    );
}

#[tokio::test]
async fn search_entities_address_and_catalog() {
    let f = fixture();
    let r = call(
        &f.app,
        "GET",
        "/search/default?q=%EB%A6%AC%EC%B2%A0%ED%98%B8",
        Some(&f.screen),
        "",
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["results"][0]["id"], "test-list-P-2");
    let r = call(&f.app, "GET", "/search/default", Some(&f.screen), "", None).await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (400, "missing-parameter")
    );
    let r = call(
        &f.app,
        "GET",
        "/entities/test-list-C-1",
        Some(&f.screen),
        "",
        None,
    )
    .await;
    assert_eq!(r.json()["schema"], "Company");
    let r = call(&f.app, "GET", "/entities/nope", Some(&f.screen), "", None).await;
    assert_eq!((r.status.as_u16(), r.code().as_str()), (404, "not-found"));
    let r = post_json(&f.app, "/screen/address", &f.screen, &json!({"addresses": ["0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222", "garbage"]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["results"][0]["status"], "listed", "{v}");
    assert_ne!(v["results"][1]["status"], "listed");
    let r = post_json(
        &f.app,
        "/screen/address",
        &f.screen,
        &json!({"addresses": [1]}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (400, "invalid-type")
    );
    let r = call(&f.app, "GET", "/catalog", Some(&f.screen), "", None).await;
    let v = r.json();
    assert_eq!(v["datasets"][0]["name"], "test-list");
    assert_eq!(v["datasets"][0]["version"], 1);
    assert_eq!(v["datasets"][0]["entity_count"], 4);
    assert!(v["datasets"][0]["last_success"].is_string());
}

#[tokio::test]
async fn me_names_the_caller_and_its_role() {
    let f = fixture();
    for (key, role) in [
        (&f.screen, "screen"),
        (&f.analyst, "analyst"),
        (&f.admin, "admin"),
    ] {
        let r = call(&f.app, "GET", "/me", Some(key), "", None).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(v["role"], role);
        assert_eq!(v["auth"], true);
        assert!(v["name"].as_str().is_some_and(|n| !n.is_empty()));
    }
    let r = call(&f.app, "GET", "/me", Some("cordon_0_wrong"), "", None).await;
    assert_eq!(
        (r.status.as_u16(), r.code().as_str()),
        (401, "unauthorized")
    );
}

#[tokio::test]
async fn console_page_is_served_without_a_key_and_api_paths_keep_their_errors() {
    let f = fixture();
    let r = call(&f.app, "GET", "/", None, "", None).await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("/console/app.js"));
    assert!(r.headers.contains_key("content-security-policy"));
    let r = call(&f.app, "GET", "/console/app.js", None, "", None).await;
    assert_eq!(r.status, 200);
    // The console does not shadow the API's own 404 and 401.
    let r = call(&f.app, "GET", "/no-such-endpoint", None, "", None).await;
    assert_eq!((r.status.as_u16(), r.code().as_str()), (404, "not-found"));
    let r = call(&f.app, "GET", "/catalog", None, "", None).await;
    assert_eq!(r.status, 401);
}
