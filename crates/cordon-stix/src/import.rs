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

    // Neighbours through relationships, both directions.
    let mut links: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in bundle.objects.iter().filter(|o| o.kind == "relationship") {
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
    #[allow(clippy::type_complexity)] // (type, value, chain, entity id, related, from)
    let mut observed: Vec<(
        String,
        String,
        Option<String>,
        Option<String>,
        Vec<String>,
        &str,
    )> = Vec::new();
    for o in &bundle.objects {
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
                continue;
            };
            let k = if VALUE_TYPES.contains(&kind) {
                kind
            } else {
                "cryptocurrency-wallet"
            };
            observed.push((
                k.to_owned(),
                value.to_owned(),
                o.str("chain").map(str::to_owned),
                o.str("x_cordon_entity_id").map(str::to_owned),
                related(&o.id),
                o.id.as_str(),
            ));
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
            for (k, v) in pattern_values(pattern) {
                observed.push((k, v, None, None, related(&o.id), o.id.as_str()));
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
    for (kind, value, chain, entity_id, related, from) in observed {
        if kind == "cryptocurrency-wallet" {
            let parsed = match chain.as_deref().map(str::parse::<Chain>) {
                Some(Ok(c)) => cordon_address::parse_on(c, &value),
                _ => cordon_address::parse(&value),
            };
            let addr = match parsed {
                Ok(a) => a,
                Err(e) => {
                    out.diagnostics.push(Diagnostic::warning(
                        "stix-bad-wallet",
                        format!("{from}: {value:?} is not a valid address ({e}); skipped"),
                        Location::file(path).record(from.to_owned()).field("value"),
                    ));
                    continue;
                }
            };
            let id = entity_id
                .filter(|s| valid_entity_id(s))
                .unwrap_or_else(|| addr.wallet_id());
            let mut w = entities.remove(&id).unwrap_or_else(|| {
                order.push(id.clone());
                Entity::new(id.clone(), Schema::CryptoWallet)
            });
            w.add(prop::PUBLIC_KEY, &value);
            w.add(prop::CHAIN, addr.chain().slug());
            if let Some(o) = objs.get(from) {
                add_carried(&mut w, o);
                for c in o.strs("currency") {
                    w.add(prop::CURRENCY, c);
                }
            }
            for h in &related {
                w.add(prop::HOLDER, h);
            }
            entities.insert(id, w);
            continue;
        }
        let p = if kind == "email-addr" {
            prop::EMAIL
        } else {
            prop::WEBSITE
        };
        if related.is_empty() {
            // No entity to carry it: it stands on its own so screening by identifier finds it.
            let id = crate::ids::value_sco_id(&kind, &value);
            let mut e = entities.remove(&id).unwrap_or_else(|| {
                order.push(id.clone());
                Entity::new(id.clone(), Schema::LegalEntity)
            });
            e.add(p, &value);
            e.caption = value.clone();
            entities.insert(id, e);
        }
        for r in related {
            if let Some(e) = entities.get_mut(&r) {
                e.add(p, &value);
            }
        }
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

/// Reads `x_cordon_properties` (see the exporter): known FtM properties only.
fn add_carried(e: &mut Entity, o: &Object) {
    let Some(serde_json::Value::Object(m)) = o.props.get("x_cordon_properties") else {
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
