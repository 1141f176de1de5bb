//! A STIX bundle's indicators as a MISP event (core format JSON).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::import::pattern_values;
use crate::{Bundle, Object, Tlp};

/// The `coin-address` object template of MISP/misp-objects (uuid and version of the template
/// whose attributes are used here: `address` (btc), `address-xmr`, `address-crypto`, `symbol`).
const COIN_ADDRESS_TEMPLATE: (&str, &str) = ("d0e6997e-78da-4815-a6a1-cfc1c1cb8a46", "7");

/// The MISP event for a bundle: one attribute per e-mail, domain and URL indicator, one
/// `coin-address` object per wallet (address typed `btc` or `xmr` where MISP has a type for
/// the chain, with its currency symbols), tagged with the TLP level. Attribute and object
/// uuids are the indicators' uuids, so the same bundle always gives the same event.
/// `date` is `YYYY-MM-DD`.
pub fn misp_event(bundle: &Bundle, info: &str, date: &str, tlp: Tlp) -> Value {
    let wallets: BTreeMap<&str, &Object> = bundle
        .objects
        .iter()
        .filter(|o| crate::CUSTOM_WALLET_TYPES.contains(&o.kind.as_str()))
        .filter_map(|o| Some((o.str("value")?, o)))
        .collect();
    let mut attributes = Vec::new();
    let mut objects = Vec::new();
    for o in bundle.objects.iter().filter(|o| o.kind == "indicator") {
        let comment = o.str("name").unwrap_or("");
        let uuid = o.id.trim_start_matches("indicator--");
        for (kind, value) in pattern_values(o.str("pattern").unwrap_or("")) {
            let (t, category) = match kind.as_str() {
                "email-addr" => ("email-src", "Payload delivery"),
                "domain-name" => ("domain", "Network activity"),
                "url" => ("url", "Network activity"),
                _ => {
                    objects.push(coin_address(
                        uuid,
                        &value,
                        wallets.get(value.as_str()),
                        comment,
                    ));
                    continue;
                }
            };
            attributes.push(json!({"type": t, "category": category, "value": value, "to_ids": true, "comment": comment, "uuid": uuid}));
        }
    }
    json!({"Event": {
        "info": info,
        "date": date,
        "threat_level_id": "1",
        "analysis": "2",
        "distribution": if tlp == Tlp::Clear { "3" } else { "0" },
        "published": false,
        "uuid": bundle.id.trim_start_matches("bundle--"),
        "Attribute": attributes,
        "Object": objects,
        "Tag": [{"name": format!("tlp:{}", tlp.name())}],
    }})
}

fn coin_address(uuid: &str, value: &str, sco: Option<&&Object>, comment: &str) -> Value {
    let chains: Vec<&str> = sco.map(|o| o.strs("chains")).unwrap_or_default();
    let (relation, kind) = if chains.iter().all(|c| *c == "btc") && !chains.is_empty() {
        ("address", "btc")
    } else if chains.iter().all(|c| *c == "xmr") && !chains.is_empty() {
        ("address-xmr", "xmr")
    } else {
        ("address-crypto", "text")
    };
    let mut attrs = vec![
        json!({"object_relation": relation, "type": kind, "category": "Financial fraud", "value": value, "to_ids": true, "comment": comment}),
    ];
    for symbol in sco.map(|o| o.strs("currencies")).unwrap_or_default() {
        attrs.push(json!({"object_relation": "symbol", "type": "text", "category": "Other", "value": symbol, "to_ids": false, "disable_correlation": true}));
    }
    json!({
        "name": "coin-address",
        "meta-category": "financial",
        "template_uuid": COIN_ADDRESS_TEMPLATE.0,
        "template_version": COIN_ADDRESS_TEMPLATE.1,
        "uuid": uuid,
        "comment": comment,
        "Attribute": attrs,
    })
}
