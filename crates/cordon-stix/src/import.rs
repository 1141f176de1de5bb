//! A STIX 2.1 bundle → watch-list entities.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cordon_address::Chain;
use cordon_model::{Diagnostic, Entity, Location, Schema, prop};

use crate::export::{DESIGNATION_NOTE, IT_WORKER_INTRUSION_SET, LAZARUS_THREAT_ACTOR};
use crate::object::CUSTOM_WALLET_TYPES;
use crate::{Bundle, Object};

/// What an import produced.
#[derive(Debug, Default)]
pub struct Imported {
    /// Entities, in bundle order (wallets after the entities that hold them).
    pub entities: Vec<Entity>,
    /// Skips and unmapped objects (per-type counts), never silent.
    pub diagnostics: Vec<Diagnostic>,
    /// The producer's name, from the identity most objects' `created_by_ref` points at.
    pub producer: Option<String>,
    /// The date the bundle is as of (`YYYY-MM-DD`): its latest report's `published`, else
    /// the latest `modified` of its objects.
    pub as_of: Option<String>,
}

/// The observable types whose value becomes an entity property.
const VALUE_TYPES: [&str; 3] = ["email-addr", "domain-name", "url"];

/// Converts a checked bundle into entities.
///
/// Mapping: `identity` (individual → Person, otherwise Organization), `threat-actor` and
/// `intrusion-set` (Organization) with names and aliases; wallet observables and
/// `[cryptocurrency-wallet:value = …]` patterns → CryptoWallet (`wallet-<chain>-<address>`,
/// holder from relationships); `email-addr`, `domain-name`, `url` observables and patterns →
/// `email`/`website` of the entity their indicator relates to, or a LegalEntity of their own.
/// The producer identity and Cordon's own context objects are not entries; every other object
/// type is counted in a diagnostic.
pub fn bundle_to_entities(bundle: &Bundle, path: &Path) -> Imported {
    let mut out = Imported::default();
    let objs: BTreeMap<&str, &Object> = bundle.objects.iter().map(|o| (o.id.as_str(), o)).collect();

    // Identities referenced as creators or sighters are producers, not entries.
    let mut creators: BTreeMap<&str, usize> = BTreeMap::new();
    let mut producers: BTreeSet<&str> = BTreeSet::new();
    for o in &bundle.objects {
        if let Some(c) = o.str("created_by_ref") {
            *creators.entry(c).or_default() += 1;
            producers.insert(c);
        }
        producers.extend(o.strs("where_sighted_refs"));
    }
    out.producer = creators
        .iter()
        .max_by_key(|(_, n)| **n)
        .and_then(|(id, _)| objs.get(id))
        .and_then(|o| o.str("name"))
        .map(str::to_owned);

    let withdrawn = withdrawn(bundle);

    let latest = |key: &str, kind: Option<&str>| {
        bundle
            .objects
            .iter()
            .filter(|o| kind.is_none_or(|k| o.kind == k))
            .filter_map(|o| o.str(key))
            .filter_map(crate::time::parse_time)
            .max()
    };
    out.as_of = latest("published", Some("report"))
        .or_else(|| latest("modified", None))
        .map(|t| {
            crate::time::stix_time(t)
                .get(..10)
                .unwrap_or_default()
                .to_owned()
        });

    // Neighbours through relationships, both directions.
    let mut links: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in bundle
        .objects
        .iter()
        .filter(|o| o.kind == "relationship" && !withdrawn.contains(o.id.as_str()))
    {
        if let (Some(s), Some(t)) = (o.str("source_ref"), o.str("target_ref")) {
            links.entry(s).or_default().push(t);
            links.entry(t).or_default().push(s);
        }
    }

    let mut entities: BTreeMap<String, Entity> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut entity_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut unmapped: BTreeMap<&str, usize> = BTreeMap::new();
    for o in &bundle.objects {
        if withdrawn.contains(o.id.as_str()) {
            continue;
        }
        let schema = match o.kind.as_str() {
            "identity" if producers.contains(o.id.as_str()) => continue,
            "identity" => match o
                .str("x_cordon_schema")
                .and_then(|s| s.parse::<Schema>().ok())
            {
                Some(s) if s != Schema::CryptoWallet => s,
                _ if o.str("identity_class") == Some("individual") => Schema::Person,
                _ => Schema::Organization,
            },
            "threat-actor" | "intrusion-set"
                if o.id != LAZARUS_THREAT_ACTOR && o.id != IT_WORKER_INTRUSION_SET =>
            {
                Schema::Organization
            }
            _ => continue,
        };
        let Some(name) = o.str("name") else {
            out.diagnostics.push(Diagnostic::warning(
                "stix-no-name",
                format!("{} has no name; skipped", o.id),
                Location::file(path).record(o.id.clone()).field("name"),
            ));
            continue;
        };
        let id = o
            .str("x_cordon_entity_id")
            .filter(|s| valid_entity_id(s))
            .map_or_else(|| o.id.clone(), str::to_owned);
        let mut e = Entity::new(id.clone(), schema);
        e.add(prop::NAME, name);
        for a in o.strs("aliases") {
            e.add(prop::ALIAS, a);
        }
        add_carried(&mut e, o);
        if let Some(d) = o.str("description") {
            e.add(prop::NOTES, d);
        }
        if let Some(serde_json::Value::Array(refs)) = o.props.get("external_references") {
            for r in refs {
                let name = r.get("source_name").and_then(|v| v.as_str()).unwrap_or("");
                let ext = r.get("external_id").and_then(|v| v.as_str()).unwrap_or("");
                if !name.is_empty() {
                    e.add(
                        prop::NOTES,
                        format!("{DESIGNATION_NOTE}{name} {ext}").trim_end(),
                    );
                }
                if let Some(url) = r.get("url").and_then(|v| v.as_str()) {
                    e.add(prop::SOURCE_URL, url);
                }
            }
        }
        entity_of.insert(o.id.as_str(), id.clone());
        if !entities.contains_key(&id) {
            order.push(id.clone());
        }
        entities.insert(id, e);
    }

    // Observables: from SCOs and from indicator patterns. Each is attached to the entities its
    // SCO or indicator is related to.
    let mut observed: Vec<Observed<'_>> = Vec::new();
    for o in &bundle.objects {
        if withdrawn.contains(o.id.as_str()) {
            continue;
        }
        let related = |id: &str| -> Vec<String> {
            let mut via: Vec<&str> = links.get(id).cloned().unwrap_or_default();
            // An SCO reaches its entity through the indicator based on it.
            for n in links.get(id).into_iter().flatten() {
                if objs.get(n).is_some_and(|x| x.kind == "indicator") {
                    via.extend(links.get(n).into_iter().flatten().copied());
                }
            }
            let mut v: Vec<String> = via
                .iter()
                .filter_map(|n| entity_of.get(n).cloned())
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let kind = o.kind.as_str();
        if CUSTOM_WALLET_TYPES.contains(&kind) || VALUE_TYPES.contains(&kind) {
            let Some(value) = o.str("value").or_else(|| o.str("address")) else {
                out.diagnostics.push(Diagnostic::warning(
                    "stix-no-value",
                    format!("{} has no value; skipped", o.id),
                    Location::file(path).record(o.id.clone()).field("value"),
                ));
                continue;
            };
            let kind = if VALUE_TYPES.contains(&kind) {
                kind
            } else {
                WALLET
            };
            observed.push(Observed {
                kind: kind.to_owned(),
                value: value.to_owned(),
                object: Some(o),
                related: related(&o.id),
                from: &o.id,
            });
            continue;
        }
        if kind == "indicator" {
            let pattern = o.str("pattern").unwrap_or("");
            let based_on_sco = links
                .get(o.id.as_str())
                .into_iter()
                .flatten()
                .any(|n| objs.get(n).is_some_and(|x| x.is_sco()));
            if based_on_sco {
                continue;
            }
            for (kind, value) in pattern_values(pattern) {
                observed.push(Observed {
                    kind,
                    value,
                    object: None,
                    related: related(&o.id),
                    from: &o.id,
                });
            }
            continue;
        }
        if !matches!(
            kind,
            "identity"
                | "threat-actor"
                | "intrusion-set"
                | "relationship"
                | "marking-definition"
                | "extension-definition"
        ) {
            *unmapped.entry(kind).or_default() += 1;
        }
    }
    for ob in observed {
        if ob.kind == WALLET {
            for w in wallet_entities(&ob, path, &mut out.diagnostics) {
                match entities.get_mut(&w.id) {
                    Some(e) => e.merge(&w),
                    None => {
                        order.push(w.id.clone());
                        entities.insert(w.id.clone(), w);
                    }
                }
            }
            continue;
        }
        let p = if ob.kind == "email-addr" {
            prop::EMAIL
        } else {
            prop::WEBSITE
        };
        if ob.related.is_empty() {
            // No entity to carry it: it stands on its own so screening by identifier finds it.
            let id = crate::ids::value_sco_id(&ob.kind, &ob.value);
            let mut e = entities.remove(&id).unwrap_or_else(|| {
                order.push(id.clone());
                Entity::new(id.clone(), Schema::LegalEntity)
            });
            e.add(p, &ob.value);
            e.caption.clone_from(&ob.value);
            entities.insert(id, e);
        }
        for r in &ob.related {
            if let Some(e) = entities.get_mut(r) {
                e.add(p, &ob.value);
            }
        }
    }
    if !withdrawn.is_empty() {
        out.diagnostics.push(Diagnostic::warning(
            "stix-revoked",
            format!(
                "{} object(s) revoked by their producer (or observables whose every indicator is revoked) not imported",
                withdrawn.len()
            ),
            Location::file(path).field("revoked"),
        ));
    }
    for (kind, n) in unmapped {
        out.diagnostics.push(Diagnostic::warning(
            "stix-unmapped-type",
            format!("{n} object(s) of type {kind} kept in the bundle but not mapped to entities"),
            Location::file(path).field("type"),
        ));
    }
    out.entities = order
        .into_iter()
        .filter_map(|id| entities.remove(&id))
        .collect();
    out
}

/// The wallet observable type every wallet spelling is read as.
const WALLET: &str = "cryptocurrency-wallet";

/// An observable value found in an SCO or an indicator's pattern.
struct Observed<'a> {
    /// `email-addr`, `domain-name`, `url` or [`WALLET`].
    kind: String,
    value: String,
    /// The SCO it came from (none for a pattern).
    object: Option<&'a Object>,
    /// Entities it is related to, directly or through its indicator.
    related: Vec<String>,
    /// The object id, for diagnostics.
    from: &'a str,
}

/// The wallet entities an observed wallet stands for.
///
/// Cordon's own bundles list them in `x_cordon_wallets` (one per chain the address is listed
/// on, with every property). Otherwise one wallet per chain in `chains` (or `chain`), or on
/// the chain the address reads as; holders are the related entities.
fn wallet_entities(ob: &Observed<'_>, path: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Entity> {
    let loc = || {
        Location::file(path)
            .record(ob.from.to_owned())
            .field("value")
    };
    let carried = ob
        .object
        .and_then(|o| o.props.get("x_cordon_wallets"))
        .and_then(serde_json::Value::as_array)
        .filter(|a| !a.is_empty());
    if let Some(list) = carried {
        let mut out = Vec::new();
        for w in list {
            let Some(id) = w
                .get("entity_id")
                .and_then(serde_json::Value::as_str)
                .filter(|s| valid_entity_id(s))
            else {
                diags.push(Diagnostic::warning(
                    "stix-bad-wallet",
                    format!(
                        "{}: an x_cordon_wallets entry has no valid entity_id; skipped",
                        ob.from
                    ),
                    loc(),
                ));
                continue;
            };
            let mut e = Entity::new(id, Schema::CryptoWallet);
            let props = w.get("properties");
            // The entity's own spellings, when they travel, are the ones to keep.
            if props.and_then(|p| p.get(prop::PUBLIC_KEY)).is_none() {
                e.add(prop::PUBLIC_KEY, &ob.value);
            }
            if let Some(props) = props {
                add_properties(&mut e, props);
            }
            e.caption.clone_from(&ob.value);
            out.push(e);
        }
        return out;
    }
    let strs = |keys: [&str; 2]| -> Vec<&str> {
        ob.object
            .map(|o| keys.iter().flat_map(|k| o.strs(k)).collect())
            .unwrap_or_default()
    };
    let chains = strs(["chains", "chain"]);
    let currencies = strs(["currencies", "currency"]);
    let mut parsed = Vec::new();
    if chains.is_empty() {
        parsed.push(cordon_address::parse(&ob.value));
    }
    for c in &chains {
        match c.parse::<Chain>() {
            Ok(c) => parsed.push(cordon_address::parse_on(c, &ob.value)),
            Err(_) => diags.push(Diagnostic::warning(
                "stix-unknown-chain",
                format!(
                    "{}: chain {c:?} is not one Cordon knows; the address is read as it stands",
                    ob.from
                ),
                Location::file(path)
                    .record(ob.from.to_owned())
                    .field("chains"),
            )),
        }
    }
    if parsed.is_empty() {
        parsed.push(cordon_address::parse(&ob.value));
    }
    let mut out: Vec<Entity> = Vec::new();
    for p in parsed {
        let addr = match p {
            Ok(a) => a,
            Err(e) => {
                diags.push(Diagnostic::warning(
                    "stix-bad-wallet",
                    format!(
                        "{}: {:?} is not a valid address ({e}); skipped",
                        ob.from, ob.value
                    ),
                    loc(),
                ));
                continue;
            }
        };
        let mut w = Entity::new(addr.wallet_id(), Schema::CryptoWallet);
        w.add(prop::PUBLIC_KEY, &ob.value);
        w.add(prop::CHAIN, addr.chain().slug());
        for c in &currencies {
            w.add(prop::CURRENCY, c);
        }
        for h in &ob.related {
            w.add(prop::HOLDER, h);
        }
        w.caption.clone_from(&ob.value);
        if !out.iter().any(|x| x.id == w.id) {
            out.push(w);
        }
    }
    out
}

/// Reads `x_cordon_properties` (see the exporter).
fn add_carried(e: &mut Entity, o: &Object) {
    if let Some(m) = o.props.get("x_cordon_properties") {
        add_properties(e, m);
    }
}

/// Adds a `{property: [values]}` map: known FtM properties only.
fn add_properties(e: &mut Entity, m: &serde_json::Value) {
    let Some(m) = m.as_object() else {
        return;
    };
    for (k, v) in m {
        let Some((name, _)) = prop::ALL.iter().find(|(n, _)| n == k) else {
            continue;
        };
        for s in v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str())
        {
            e.add(name, s);
        }
    }
}

/// Objects that are no longer in force: those marked `revoked` (a delisting, for a sanctions
/// producer) and observables whose every `based-on` indicator is revoked.
fn withdrawn(bundle: &Bundle) -> BTreeSet<&str> {
    let mut out: BTreeSet<&str> = bundle
        .objects
        .iter()
        .filter(|o| o.props.get("revoked") == Some(&serde_json::Value::Bool(true)))
        .map(|o| o.id.as_str())
        .collect();
    let mut indicators_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in &bundle.objects {
        if o.kind == "relationship"
            && o.str("relationship_type") == Some("based-on")
            && let (Some(s), Some(t)) = (o.str("source_ref"), o.str("target_ref"))
        {
            indicators_of.entry(t).or_default().push(s);
        }
    }
    let orphaned: Vec<&str> = indicators_of
        .into_iter()
        .filter(|(_, inds)| inds.iter().all(|i| out.contains(i)))
        .map(|(sco, _)| sco)
        .collect();
    out.extend(orphaned);
    out
}

/// Entity ids Cordon accepts from a bundle's `x_cordon_entity_id`.
fn valid_entity_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// `(type, value)` of every `<type>:value = '<v>'` comparison in a STIX pattern, for the types
/// Cordon maps. Other comparisons are ignored (the indicator is still counted as read).
pub fn pattern_values(pattern: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(colon) = rest.find(":value") {
        let before = rest.get(..colon).unwrap_or("");
        let kind: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let after = rest.get(colon + ":value".len()..).unwrap_or("");
        let after_eq = after.trim_start().strip_prefix('=').map(str::trim_start);
        rest = after;
        let Some(q) = after_eq.and_then(|s| s.strip_prefix('\'')) else {
            continue;
        };
        let mut value = String::new();
        let mut chars = q.chars();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(n) = chars.next() {
                        value.push(n);
                    }
                }
                '\'' => {
                    closed = true;
                    break;
                }
                c => value.push(c),
            }
        }
        rest = chars.as_str();
        let kind = if CUSTOM_WALLET_TYPES.contains(&kind.as_str()) {
            "cryptocurrency-wallet".to_owned()
        } else {
            kind
        };
        if closed && (VALUE_TYPES.contains(&kind.as_str()) || kind == "cryptocurrency-wallet") {
            out.push((kind, value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_values_reads_mapped_comparisons_and_escapes() {
        let v = pattern_values(
            "[email-addr:value = 'a\\'b@example.com'] OR [x-crypto-wallet:value='0xabc'] AND [ipv4-addr:value = '1.2.3.4']",
        );
        assert_eq!(
            v,
            [
                ("email-addr".to_owned(), "a'b@example.com".to_owned()),
                ("cryptocurrency-wallet".to_owned(), "0xabc".to_owned())
            ]
        );
        assert!(pattern_values("[email-addr:value = 'unterminated").is_empty());
        assert!(pattern_values("").is_empty());
    }
}
