//! Findings (the JSON that `cordon applicants link|screen` and `cordon trace --json` write) →
//! sightings, indicators and groupings in a bundle.
//!
//! Only the JSON is read, never the producing crates, so their internals can change freely as
//! long as the fields below stay: clusters `{cluster, members, links: [{reasons}]}`, applicant
//! reports `{id, level, list_hits: [{kind, value}]}`, traces `{trace: {source, sinks: [{address,
//! asset, hops}]}}`.

use std::path::Path;

use cordon_model::{Diagnostic, Location};
use serde_json::{Value, json};

use crate::export::IT_WORKER_INTRUSION_SET;
use crate::ids::{sdo_id, value_sco_id};
use crate::{BundleBuilder, Object, StixError};

/// Adds every finding in `data` (JSON lines or one or more JSON documents) to the builder.
/// Values that are neither are reported, not fatal.
pub fn add_findings(
    b: &mut BundleBuilder,
    path: &Path,
    data: &[u8],
) -> Result<Vec<Diagnostic>, StixError> {
    let mut diags = Vec::new();
    let stream = serde_json::Deserializer::from_slice(data).into_iter::<Value>();
    for (i, item) in stream.enumerate() {
        let n = i + 1;
        let v = item.map_err(|e| StixError::Json {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let loc = || Location::file(path).record(format!("document {n}"));
        if v.get("members").is_some() && v.get("links").is_some() {
            cluster(b, &v);
        } else if v.get("list_hits").is_some() {
            applicant(b, &v);
        } else if let Some(t) = v.get("trace") {
            trace(b, t);
        } else {
            diags.push(Diagnostic::warning(
                "stix-unknown-finding",
                "neither an applicant cluster, an applicant report nor a trace; skipped",
                loc(),
            ));
        }
    }
    Ok(diags)
}

fn sight(b: &mut BundleBuilder, indicator: &str, count: u64, what: &str) {
    let id = sdo_id("sighting", &format!("{indicator}|{what}"));
    let s = Object::new("sighting", id)
        .with("sighting_of_ref", indicator)
        .with("where_sighted_refs", json!([b.producer_id()]))
        .with("count", count)
        .with("description", what);
    b.push(s);
}

/// An observable for a shared identifier (`kind` as Cordon's applicant fields name it).
fn observable(b: &mut BundleBuilder, kind: &str, value: &str, name: String) -> Option<String> {
    let stix = match kind {
        "email" => "email-addr",
        "website" | "url" | "github" | "linkedin" | "portfolio" => {
            if value.contains("://") {
                "url"
            } else {
                "domain-name"
            }
        }
        "domain" => "domain-name",
        "wallet" | "payout_wallet" | "crypto_wallet" | "address" => "cryptocurrency-wallet",
        _ => return None,
    };
    let mut sco = Object::new(stix, value_sco_id(stix, value)).with("value", value);
    if stix == "cryptocurrency-wallet" {
        sco.set(
            "extensions",
            json!({ crate::export::WALLET_EXTENSION: {"extension_type": "new-sco"} }),
        );
    }
    let ind = b.observable(sco, "value", value, name);
    b.relate(&ind, "indicates", IT_WORKER_INTRUSION_SET);
    Some(ind)
}

fn cluster(b: &mut BundleBuilder, v: &Value) {
    let members = v
        .get("members")
        .and_then(Value::as_array)
        .map_or(0, Vec::len) as u64;
    let cid = v.get("cluster").map(Value::to_string).unwrap_or_default();
    let mut refs = vec![IT_WORKER_INTRUSION_SET.to_owned()];
    let mut reasons = Vec::new();
    for link in v
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for r in link
            .get("reasons")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(r) = r.as_str() else { continue };
            reasons.push(r.to_owned());
            // `shared <field> "<value>" (held by N records) +w`
            let Some(rest) = r.strip_prefix("shared ") else {
                continue;
            };
            let Some((field, rest)) = rest.split_once(" \"") else {
                continue;
            };
            let Some((value, _)) = rest.split_once('"') else {
                continue;
            };
            if let Some(ind) = observable(
                b,
                field,
                value,
                format!("Shared {field} in applicant cluster {cid}"),
            ) {
                sight(
                    b,
                    &ind,
                    members,
                    &format!("shared by {members} applicant accounts in cluster {cid}"),
                );
                refs.push(ind);
            }
        }
    }
    reasons.sort();
    reasons.dedup();
    refs.sort();
    refs.dedup();
    let g = Object::new(
        "grouping",
        sdo_id("grouping", &format!("cluster|{cid}|{}", refs.join(","))),
    )
    .with(
        "name",
        format!("Applicant cluster {cid} ({members} accounts)"),
    )
    .with("context", "suspicious-activity")
    .with("description", reasons.join("\n"))
    .with("object_refs", json!(refs));
    b.push(g);
}

fn applicant(b: &mut BundleBuilder, v: &Value) {
    let id = v.get("id").and_then(Value::as_str).unwrap_or("");
    for h in v
        .get("list_hits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(kind), Some(value)) = (
            h.get("kind").and_then(Value::as_str),
            h.get("value").and_then(Value::as_str),
        ) else {
            continue;
        };
        if let Some(ind) = observable(
            b,
            kind,
            value,
            format!("Listed {kind} used by an applicant"),
        ) {
            sight(b, &ind, 1, &format!("used by applicant record {id}"));
        }
    }
}

fn trace(b: &mut BundleBuilder, t: &Value) {
    let source = t.get("source").and_then(Value::as_str).unwrap_or("");
    for s in t
        .get("sinks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(addr) = s.get("address").and_then(Value::as_str) else {
            continue;
        };
        let hops = s.get("hops").and_then(Value::as_u64).unwrap_or(0);
        if let Some(ind) = observable(
            b,
            "wallet",
            addr,
            format!("Traced destination of funds from {source}"),
        ) {
            sight(
                b,
                &ind,
                1,
                &format!("funds traced from {source} in {hops} hops"),
            );
        }
    }
}
