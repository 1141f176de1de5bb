//! A STIX bundle's indicators as a MISP event (core format JSON).

use serde_json::{Value, json};

use crate::import::pattern_values;
use crate::{Bundle, Tlp};

/// The MISP event for a bundle: one attribute per indicator value (email, domain, url, wallet as
/// a `coin-address` object), tagged with the TLP level. `date` is `YYYY-MM-DD`.
pub fn misp_event(bundle: &Bundle, info: &str, date: &str, tlp: Tlp) -> Value {
    let mut attributes = Vec::new();
    let mut objects = Vec::new();
    for o in bundle.objects.iter().filter(|o| o.kind == "indicator") {
        let comment = o.str("name").unwrap_or("");
        for (kind, value) in pattern_values(o.str("pattern").unwrap_or("")) {
            let (t, category) = match kind.as_str() {
                "email-addr" => ("email-src", "Payload delivery"),
                "domain-name" => ("domain", "Network activity"),
                "url" => ("url", "Network activity"),
                _ => {
                    objects.push(json!({
                        "name": "coin-address",
                        "meta-category": "financial",
                        "uuid": o.id.trim_start_matches("indicator--"),
                        "Attribute": [{"object_relation": "address-crypto", "type": "text", "category": "Financial fraud", "value": value, "to_ids": true, "comment": comment}],
                    }));
                    continue;
                }
            };
            attributes.push(json!({"type": t, "category": category, "value": value, "to_ids": true, "comment": comment, "uuid": o.id.trim_start_matches("indicator--")}));
        }
    }
    json!({"Event": {
        "info": info,
        "date": date,
        "threat_level_id": "1",
        "analysis": "2",
        "distribution": if tlp == Tlp::Clear { "3" } else { "0" },
        "uuid": bundle.id.trim_start_matches("bundle--"),
        "Attribute": attributes,
        "Object": objects,
        "Tag": [{"name": format!("tlp:{}", tlp.name())}],
    }})
}
