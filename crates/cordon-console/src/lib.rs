//! The analyst console: one web page, in Korean and English, for screening, review, lists,
//! wallet tracing and applicant clusters. It is plain HTML, CSS and ES modules (no build step)
//! that talk to the service's JSON API with the analyst's key; every file is compiled into the
//! binary, so `cordon serve` needs nothing on disk and nothing from the network.
//!
//! [`router`] answers `GET /` (the page) and `GET /console/<file>` (its modules, styles and the
//! vendored Cytoscape.js). The service merges it with one line:
//!
//! ```
//! let app: axum::Router = axum::Router::new().merge(cordon_console::router());
//! ```
//!
//! Every response carries a strong `ETag` (revalidated with `If-None-Match` → 304), `Cache-Control:
//! no-cache` (file names are not fingerprinted, so a browser must ask before reusing a copy) and
//! a Content-Security-Policy that allows this origin only: no CDN, no inline script, no frame.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

/// The path prefix of the console's files (the page itself is `/`).
pub const PREFIX: &str = "/console/";

/// The policy sent with every console file. `connect-src 'self'` keeps the page talking to its
/// own server only; `style-src` allows no inline `<style>` (Cytoscape styles nodes through the
/// canvas, not CSS); `frame-ancestors 'none'` stops click-jacking of the decision buttons.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One file built into the binary.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Path below [`PREFIX`] (`app.js`, `vendor/cytoscape.esm.min.mjs`).
    pub path: &'static str,
    /// `Content-Type` header value.
    pub content_type: &'static str,
    /// The file.
    pub bytes: &'static [u8],
}

macro_rules! assets {
    ($($path:literal => $ct:expr),* $(,)?) => {
        &[$(Asset {
            path: $path,
            content_type: $ct,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $path)),
        }),*]
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file of the console (a test checks that this is every file under `assets/`).
pub static ASSETS: &[Asset] = assets! {
    "index.html" => "text/html; charset=utf-8",
    "style.css" => "text/css; charset=utf-8",
    "favicon.svg" => "image/svg+xml",
    "app.js" => JS,
    "api.js" => JS,
    "dom.js" => JS,
    "i18n.js" => JS,
    "graph.js" => JS,
    "files.js" => JS,
    "screening.js" => JS,
    "explain.js" => JS,
    "review.js" => JS,
    "lists.js" => JS,
    "wallets.js" => JS,
    "applicants.js" => JS,
    "vendor/cytoscape.esm.min.mjs" => JS,
    "vendor/cytoscape-LICENSE.txt" => "text/plain; charset=utf-8",
    "vendor/README.md" => "text/markdown; charset=utf-8",
};

/// Strong ETags, computed once (sha256 of the bytes, first 16 bytes in hex).
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| format!("\"{}\"", hex::encode(&Sha256::digest(a.bytes)[..16])))
        .collect()
});

/// Looks a file up by its path below [`PREFIX`].
pub fn asset(path: &str) -> Option<(&'static Asset, &'static str)> {
    let i = ASSETS.iter().position(|a| a.path == path)?;
    Some((&ASSETS[i], ETAGS[i].as_str()))
}

/// The console's routes: `GET /` and `GET /console/{file}` (HEAD too). Generic over the
/// state so that any service router can merge it.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/console/{*path}", get(file))
}

async fn index(headers: HeaderMap) -> Response {
    serve("index.html", &headers)
}

async fn file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    serve(&path, &headers)
}

fn serve(path: &str, headers: &HeaderMap) -> Response {
    let Some((a, etag)) = asset(path) else {
        // The same JSON shape as every other error of the service.
        let body = r#"{"error":{"code":"not-found","message":"no such console file"}}"#;
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut resp = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, a.content_type)],
            a.bytes,
        )
            .into_response()
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_differ_per_file_and_are_quoted() {
        let (_, a) = asset("app.js").unwrap();
        let (_, b) = asset("api.js").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with('"') && a.ends_with('"') && a.len() == 34);
    }

    #[test]
    fn unknown_and_traversal_paths_are_not_found() {
        for p in [
            "",
            "../Cargo.toml",
            "vendor/../../src/lib.rs",
            "APP.JS",
            "app.js/",
        ] {
            assert!(asset(p).is_none(), "{p}");
        }
    }

    #[test]
    fn policy_names_no_remote_origin() {
        assert!(!CONTENT_SECURITY_POLICY.contains("http"));
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
        assert!(!CONTENT_SECURITY_POLICY.contains('*'));
    }
}
