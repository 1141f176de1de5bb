//! The console's HTTP behaviour: every file is served with its type, ETag and policy; a
//! revalidation gets 304; nothing outside the table is reachable; the assets reference no
//! remote origin. (The page itself is driven in Chromium by `cordon-cli`'s `console` test.)

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

fn app() -> Router {
    cordon_console::router()
}

async fn get(uri: &str, etag: Option<&str>) -> axum::response::Response {
    let mut req = Request::get(uri);
    if let Some(e) = etag {
        req = req.header(header::IF_NONE_MATCH, e);
    }
    app()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

fn assets_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets")
}

fn files_under(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            let rel = p.strip_prefix(assets_dir()).unwrap();
            out.push(rel.to_str().unwrap().replace('\\', "/"));
        }
    }
}

#[test]
fn every_file_under_assets_is_served_and_nothing_else() {
    let mut on_disk = Vec::new();
    files_under(&assets_dir(), &mut on_disk);
    on_disk.sort();
    let mut table: Vec<String> = cordon_console::ASSETS
        .iter()
        .map(|a| a.path.to_owned())
        .collect();
    table.sort();
    assert_eq!(on_disk, table);
}

#[tokio::test]
async fn index_and_files_have_type_etag_and_policy() {
    for (uri, ty) in [
        ("/", "text/html"),
        ("/console/app.js", "text/javascript"),
        ("/console/style.css", "text/css"),
        ("/console/vendor/cytoscape.esm.min.mjs", "text/javascript"),
        ("/console/favicon.svg", "image/svg+xml"),
    ] {
        let r = get(uri, None).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        let h = r.headers();
        assert!(
            h[header::CONTENT_TYPE].to_str().unwrap().starts_with(ty),
            "{uri}"
        );
        assert!(h.contains_key(header::ETAG), "{uri}");
        assert_eq!(h[header::CACHE_CONTROL], "no-cache");
        assert_eq!(
            h[header::CONTENT_SECURITY_POLICY],
            cordon_console::CONTENT_SECURITY_POLICY
        );
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}

#[tokio::test]
async fn revalidation_with_the_etag_is_not_modified() {
    let first = get("/console/app.js", None).await;
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    let again = get("/console/app.js", Some(&etag)).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let body = axum::body::to_bytes(again.into_body(), 1 << 20)
        .await
        .unwrap();
    assert!(body.is_empty());
    let other = get("/console/app.js", Some("\"deadbeef\", W/\"x\"")).await;
    assert_eq!(other.status(), StatusCode::OK);
    let listed = get("/console/app.js", Some(&format!("\"x\", {etag}"))).await;
    assert_eq!(listed.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn unknown_and_traversal_paths_are_json_404() {
    for uri in [
        "/console/nope.js",
        "/console/../Cargo.toml",
        "/console/%2e%2e/src/lib.rs",
        "/console/vendor/",
    ] {
        let r = get(uri, None).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
    }
}

#[test]
fn our_assets_load_nothing_from_another_origin() {
    // The vendored library is checked by its pinned hash (vendor/README.md), not here.
    for a in cordon_console::ASSETS
        .iter()
        .filter(|a| !a.path.starts_with("vendor/"))
    {
        let text = std::str::from_utf8(a.bytes).unwrap();
        let stripped = text.replace("http://www.w3.org/2000/svg", "");
        for bad in ["http://", "https://", "//cdn", "<script>", " style=\""] {
            assert!(!stripped.contains(bad), "{} contains {bad:?}", a.path);
        }
    }
}

#[test]
fn vendored_cytoscape_is_the_pinned_file() {
    use sha2::{Digest, Sha256};
    let (a, _) = cordon_console::asset("vendor/cytoscape.esm.min.mjs").unwrap();
    let readme =
        std::str::from_utf8(cordon_console::asset("vendor/README.md").unwrap().0.bytes).unwrap();
    let digest = hex::encode(Sha256::digest(a.bytes));
    assert!(
        readme.contains(&digest),
        "vendor/README.md does not pin {digest}"
    );
}
