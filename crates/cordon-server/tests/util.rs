//! A service over a small fictional list in a temporary directory, and a request helper.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use cordon_server::{AppState, Config, Keys, Role, ServiceDir, app};
use cordon_store::{IngestOptions, Store, ingest_dir};
use serde_json::Value;
use tower::ServiceExt;

/// `../shared/data` beside the repository (override with `CORDON_SHARED_DATA`).
pub(crate) fn shared_data() -> PathBuf {
    if let Ok(p) = std::env::var("CORDON_SHARED_DATA") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

pub(crate) const HEADER: &str = "# list_id: test-list\n# title: Test list (fictional)\n# publication_date: 2026-08-01\nlist_id,record_id,schema,name,aliases,birth_date,nationality,country,gender,id_number,passport_number,address,email,phone,website,wallets,program,listing_date,notes,source_url\n";

pub(crate) const PAK: &str = "test-list,P-1,Person,PAK Su Min,박수민,1980-01-01,kp,,male,,,,,,,eth:0x1111111111111111111111111111111111111111,TEST,2026-01-01,,";
pub(crate) const RI: &str =
    "test-list,P-2,Person,RI Chol Ho,리철호,1975,kp,,male,,,,,,,,TEST,2026-01-01,,";
pub(crate) const FRONT: &str =
    "test-list,C-1,Company,Example Frontier Trading Co. Ltd.,,,,cn,,,,,,,,,TEST,2026-01-01,,";

pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) state: AppState,
    pub(crate) app: Router,
    pub(crate) screen: String,
    pub(crate) analyst: String,
    pub(crate) admin: String,
}

impl Fixture {
    pub(crate) fn lists(&self) -> PathBuf {
        self.dir.path().join("lists")
    }

    pub(crate) fn service(&self) -> ServiceDir {
        self.state.dir().clone()
    }

    pub(crate) fn write_list(&self, rows: &[&str]) {
        write_list(&self.lists(), rows);
    }
}

pub(crate) fn write_list(dir: &Path, rows: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut text = HEADER.to_owned();
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(dir.join("test-list.csv"), text).unwrap();
}

pub(crate) fn fixture() -> Fixture {
    fixture_with(|c| c)
}

pub(crate) fn fixture_with(f: impl FnOnce(Config) -> Config) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("lists");
    write_list(&lists, &[PAK, RI, FRONT]);
    let db = dir.path().join("cordon.redb");
    let store = Store::open(&db).unwrap();
    let report = ingest_dir(&store, &lists, &IngestOptions::default());
    assert!(!report.has_failures(), "{report:?}");
    let sd = ServiceDir::for_db(&db);
    sd.create().unwrap();
    let (_, screen) = Keys::create(&sd.keys(), "kyc-backend", Role::Screen).unwrap();
    let (_, analyst) = Keys::create(&sd.keys(), "analyst-1", Role::Analyst).unwrap();
    let (_, admin) = Keys::create(&sd.keys(), "ops", Role::Admin).unwrap();
    let config = f(Config::default().lists_dir(Some(lists)));
    let state = AppState::open(store, config).unwrap();
    // The transaction graph and the applicant index are prepared in the background.
    state.wait_prepared();
    let app = app(state.clone());
    Fixture {
        dir,
        state,
        app,
        screen,
        analyst,
        admin,
    }
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) bytes: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The error code of a JSON error body.
    pub(crate) fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl Reply {
    /// Asserts a JSON error with this status and code.
    #[track_caller]
    pub(crate) fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status.as_u16(), self.code().as_str()),
            (status, code),
            "{}",
            self.text()
        );
        assert!(
            !self.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "an error without a message: {}",
            self.text()
        );
    }
}

impl Fixture {
    /// Any request.
    pub(crate) async fn send(
        &self,
        method: &str,
        uri: &str,
        key: Option<&str>,
        body: impl Into<Body>,
        content_type: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        call(&self.app, req.body(body.into()).unwrap()).await
    }

    /// `GET` with a key.
    pub(crate) async fn get(&self, uri: &str, key: &str) -> Reply {
        self.send("GET", uri, Some(key), "", None).await
    }

    /// `GET` without a key.
    pub(crate) async fn get_open(&self, uri: &str) -> Reply {
        self.send("GET", uri, None, "", None).await
    }

    /// `POST` of a JSON value.
    pub(crate) async fn post(&self, uri: &str, key: &str, body: &Value) -> Reply {
        self.post_raw(uri, key, body.to_string(), "application/json")
            .await
    }

    /// `POST` of a body with its content type.
    pub(crate) async fn post_raw(
        &self,
        uri: &str,
        key: &str,
        body: impl Into<Body>,
        content_type: &str,
    ) -> Reply {
        self.send("POST", uri, Some(key), body, Some(content_type))
            .await
    }

    /// `POST` with no body.
    pub(crate) async fn post_empty(&self, uri: &str, key: &str) -> Reply {
        self.send("POST", uri, Some(key), "", None).await
    }
}

pub(crate) fn one_query(name: &str) -> Value {
    serde_json::json!({"queries": {"q1": {"schema": "Person", "properties": {"name": [name]}}}})
}

/// Sends a request to an app and reads the whole answer.
pub(crate) async fn call(app: &Router, req: Request<Body>) -> Reply {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Reply {
        status,
        headers,
        bytes,
    }
}
