//! `cordon taxii pull`: fetch a TAXII 2.1 collection (every page) into a watch-list.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use cordon_lists::{Role, SourceFile};
use serde_json::{Value, json};

use crate::Global;

/// What TAXII 2.1 resources are served as.
const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Fetch every object of a collection and store it as a watch-list (a new version when it
    /// changed; on any error the previous version stays).
    Pull(PullArgs),
}

#[derive(Debug, clap::Args)]
struct PullArgs {
    /// The server's discovery URL (`https://host/taxii2/`) or an API root URL.
    url: String,
    /// The collection: its id, alias or title.
    collection: String,
    /// The watch-list id [default: taxii-<collection alias or title>].
    #[arg(long = "as", value_name = "LIST-ID")]
    list_id: Option<String>,
    /// The API key (sent as `Authorization: Bearer`, or as the HTTP Basic password with
    /// --user).
    #[arg(long, env = "CORDON_TAXII_KEY", hide_env_values = true)]
    key: Option<String>,
    /// HTTP Basic user name (TAXII's baseline authentication); the password is --key.
    #[arg(long, env = "CORDON_TAXII_USER")]
    user: Option<String>,
    /// Objects per page asked of the server (it may send fewer).
    #[arg(long, default_value_t = 1000)]
    limit: usize,
    /// Also write the pulled objects here as a STIX bundle.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Store a new version even when the collection is unchanged.
    #[arg(long)]
    force: bool,
    /// Time limit per request, seconds.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Pull(a) => pull(global, a),
    }
}

/// A TAXII client: one agent, the credentials, and the limits on what it accepts.
struct Client {
    agent: ureq::Agent,
    auth: Option<String>,
}

/// One answer: the JSON body and the `X-TAXII-Date-Added-Last` header.
struct Answer {
    body: Value,
    date_added_last: Option<String>,
}

impl Client {
    fn new(args: &PullArgs) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(args.timeout.max(1))))
            .http_status_as_error(false)
            .build()
            .into();
        let auth = match (&args.user, &args.key) {
            (Some(u), k) => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{u}:{}", k.as_deref().unwrap_or("")))
            )),
            (None, Some(k)) => Some(format!("Bearer {k}")),
            (None, None) => None,
        };
        Client { agent, auth }
    }

    fn get(&self, url: &str) -> anyhow::Result<Answer> {
        let mut req = self.agent.get(url).header("Accept", TAXII_MEDIA_TYPE);
        if let Some(a) = &self.auth {
            req = req.header("Authorization", a);
        }
        let mut resp = req.call().with_context(|| format!("GET {url}"))?;
        let status = resp.status();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let date_added_last = header("x-taxii-date-added-last");
        let limit = cordon_stix::MAX_BUNDLE_BYTES;
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .with_context(|| format!("GET {url}: reading the answer (at most {limit} bytes)"))?;
        let body: Option<Value> = serde_json::from_slice(&bytes).ok();
        if !status.is_success() {
            let (title, description) = body
                .as_ref()
                .map(|b| {
                    (
                        b["title"].as_str().unwrap_or("").to_owned(),
                        b["description"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .unwrap_or_default();
            let hint = match status.as_u16() {
                401 => " (give the API key with --key or $CORDON_TAXII_KEY; --user for HTTP Basic)",
                403 => " (the key may not do this)",
                _ => "",
            };
            bail!(
                "GET {url}: HTTP {} {title}{}{description}{hint}",
                status.as_u16(),
                if description.is_empty() { "" } else { ": " }
            );
        }
        if !content_type.starts_with("application/taxii+json")
            && !content_type.starts_with("application/json")
        {
            bail!("GET {url}: not a TAXII 2.1 answer (content type {content_type:?})");
        }
        let body = body.with_context(|| format!("GET {url}: the answer is not JSON"))?;
        Ok(Answer {
            body,
            date_added_last,
        })
    }
}

/// `base` + `path`, where `path` may be absolute, host-relative (`/taxii2/…`) or relative.
fn resolve(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_owned();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    let authority = rest.split('/').next().unwrap_or(rest);
    if path.starts_with('/') {
        format!("{scheme}://{authority}{path}")
    } else {
        let dir = base.rsplit_once('/').map_or(base, |(d, _)| d);
        format!("{dir}/{path}")
    }
}

fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn pull(global: &Global, args: &PullArgs) -> anyhow::Result<ExitCode> {
    if !(1..=100_000).contains(&args.limit) {
        bail!("--limit must be between 1 and 100000");
    }
    let client = Client::new(args);
    let start = with_slash(&args.url);
    let first = client.get(&start)?;
    // A discovery resource names API roots; an API root names versions.
    let root = if first.body.get("api_roots").is_some() {
        let chosen = first.body["default"]
            .as_str()
            .or_else(|| first.body["api_roots"].get(0).and_then(Value::as_str))
            .with_context(|| format!("{start}: the server names no API root"))?;
        with_slash(&resolve(&start, chosen))
    } else if first.body.get("versions").is_some() {
        start.clone()
    } else {
        bail!("{start}: neither a TAXII discovery resource nor an API root");
    };
    let listing = client.get(&format!("{root}collections/"))?;
    let collections = listing.body["collections"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let wanted = &args.collection;
    let Some(collection) = collections.iter().find(|c| {
        [&c["id"], &c["alias"], &c["title"]]
            .iter()
            .any(|v| v.as_str() == Some(wanted.as_str()))
    }) else {
        let names: Vec<String> = collections
            .iter()
            .map(|c| {
                format!(
                    "{} ({})",
                    c["id"].as_str().unwrap_or("?"),
                    c["alias"].as_str().or(c["title"].as_str()).unwrap_or("")
                )
            })
            .collect();
        bail!(
            "{root}: no collection {wanted:?}; the server has: {}",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        );
    };
    let id = collection["id"]
        .as_str()
        .context("the collection has no id")?
        .to_owned();
    if collection["can_read"] == false {
        bail!("collection {wanted}: the server does not let this key read it (can_read is false)");
    }
    let objects_url = format!("{root}collections/{}/objects/", encode(&id));

    let mut objects: Vec<Value> = Vec::new();
    let mut total_bytes = 0usize;
    let mut pages = 0usize;
    let mut cursor: Option<(&str, String)> = None;
    let mut seen_pages = std::collections::BTreeSet::new();
    loop {
        let mut url = format!("{objects_url}?limit={}", args.limit);
        if let Some((k, v)) = &cursor {
            url.push_str(&format!("&{k}={}", encode(v)));
        }
        let page = client.get(&url)?;
        pages += 1;
        total_bytes += page.body.to_string().len();
        if total_bytes as u64 > cordon_stix::MAX_BUNDLE_BYTES {
            bail!(
                "collection {wanted} is larger than {} bytes; a watch-list takes one bundle of at most that size",
                cordon_stix::MAX_BUNDLE_BYTES
            );
        }
        let got = page.body["objects"].as_array().cloned().unwrap_or_default();
        let Some(first_id) = got.first().map(|o| o["id"].to_string()) else {
            break;
        };
        objects.extend(got);
        if page.body["more"] != true {
            break;
        }
        // TAXII 2.1 pages with `next`; servers that do not, page with `added_after`.
        let next = match (page.body["next"].as_str(), page.date_added_last) {
            (Some(n), _) => ("next", n.to_owned()),
            (None, Some(last)) => ("added_after", last),
            (None, None) => {
                bail!("{url}: more objects, but neither next nor X-TAXII-Date-Added-Last")
            }
        };
        // A cursor may stay the same (a server-side session, as medallion keeps); the same
        // cursor giving the same page again would never end.
        if !seen_pages.insert((next.clone(), first_id)) {
            bail!(
                "{url}: the server sends the same page again for cursor {:?}",
                next.1
            );
        }
        cursor = Some(next);
    }
    let key: Vec<String> = objects
        .iter()
        .map(|o| {
            format!(
                "{}@{}",
                o["id"].as_str().unwrap_or(""),
                o["modified"].as_str().unwrap_or("")
            )
        })
        .collect();
    let bundle = json!({
        "type": "bundle",
        "id": cordon_stix::ids::sdo_id("bundle", &key.join(",")),
        "objects": objects,
    });
    let mut bytes = serde_json::to_vec_pretty(&bundle)?;
    bytes.push(b'\n');
    let title = collection["alias"]
        .as_str()
        .or(collection["title"].as_str())
        .unwrap_or(&id);
    eprintln!(
        "pulled {} objects in {pages} page(s) from {objects_url} ({title})",
        bundle["objects"].as_array().map_or(0, Vec::len)
    );
    if let Some(out) = &args.output {
        crate::stix::write_output(out, &bytes)?;
        eprintln!("bundle written to {}", out.display());
    }
    let list_id = match &args.list_id {
        Some(l) => l.clone(),
        None => format!("taxii-{}", crate::stix::slug(title)),
    };
    let file = SourceFile::in_memory(format!("taxii-{id}.json"), Role::Primary, bytes);
    crate::stix::ingest_bundle(global, &list_id, file, args.force, args.json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_like_a_browser() {
        let d = "http://127.0.0.1:8080/taxii2/";
        assert_eq!(
            resolve(d, "/taxii2/cordon/"),
            "http://127.0.0.1:8080/taxii2/cordon/"
        );
        assert_eq!(resolve(d, "https://other/api/"), "https://other/api/");
        assert_eq!(resolve(d, "api1/"), "http://127.0.0.1:8080/taxii2/api1/");
        assert_eq!(
            encode("2026-01-01T00:00:00.1Z"),
            "2026-01-01T00%3A00%3A00.1Z"
        );
        assert_eq!(with_slash("http://h/taxii2"), "http://h/taxii2/");
    }
}
