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

use crate::export::{IT_WORKER_INTRUSION_SET, LAZARUS_THREAT_ACTOR};
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

/// An observable and its indicator for an identifier (`kind` as Cordon's applicant fields
/// name it), indicating `actor`. Kinds without a STIX observable (phone, payout account,
/// address) give `None`; they stay in the finding's description.
fn observable(
    b: &mut BundleBuilder,
    kind: &str,
    value: &str,
    name: String,
    actor: &str,
) -> Option<String> {
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
        "ip" | "ip_net" | "login_ip" => {
            if value.contains(':') {
                "ipv6-addr"
            } else {
                "ipv4-addr"
            }
        }
        "wallet" | "payout_wallet" | "crypto_wallet" => "cryptocurrency-wallet",
        _ => return None,
    };
    let value = if stix == "cryptocurrency-wallet" {
        crate::export::wallet_spelling(value)
    } else {
        value.to_owned()
    };
    let value = value.as_str();
    let mut sco = Object::new(stix, value_sco_id(stix, value)).with("value", value);
    if stix == "cryptocurrency-wallet" {
        sco.set(
            "extensions",
            json!({ crate::export::WALLET_EXTENSION: {"extension_type": "new-sco"} }),
        );
    }
    let ind = b.observable(sco, "value", value, name);
    b.relate(&ind, "indicates", actor);
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
                IT_WORKER_INTRUSION_SET,
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
            IT_WORKER_INTRUSION_SET,
        ) {
            sight(b, &ind, 1, &format!("used by applicant record {id}"));
            continue;
        }
        // A name hit (an employer or a person on a list): the listed entity was sighted. Its
        // identity has the id the list export gives it, so an `all` bundle holds it once.
        let entity = h.get("entity").and_then(Value::as_str).unwrap_or("");
        let caption = h.get("caption").and_then(Value::as_str).unwrap_or(value);
        if entity.is_empty() || kind == "linked" {
            continue;
        }
        let refs: Vec<Value> = h
            .get("datasets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|ds| json!({"source_name": ds, "external_id": entity, "description": "designation"}))
            .collect();
        let ident = sdo_id("identity", entity);
        b.push(
            Object::new("identity", ident.clone())
                .with("name", caption)
                .with("identity_class", "organization")
                .with("external_references", Value::Array(refs)),
        );
        sight(
            b,
            &ident,
            1,
            &format!("{kind} {value:?} of applicant record {id} matches this listed entity"),
        );
    }
}

/// A trace: its source and every destination, as wallets indicating Lazarus Group (Cordon
/// traces thefts attributed to the DPRK; export only such traces).
fn trace(b: &mut BundleBuilder, t: &Value) {
    let source = t.get("source").and_then(Value::as_str).unwrap_or("");
    if source.is_empty() {
        return;
    }
    if let Some(ind) = observable(
        b,
        "wallet",
        source,
        format!("Source of traced stolen funds {source}"),
        LAZARUS_THREAT_ACTOR,
    ) {
        sight(b, &ind, 1, "source of a forward trace of stolen funds");
    }
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
            LAZARUS_THREAT_ACTOR,
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
