//! Processed UK designation records, one YAML file per designation (ammitto/data-uk).
//!
//! The records restate the UK Sanctions List XML as YAML (`unique_id`, `names: {names: [...]}`,
//! `addresses`, `regime_name`, `date_designated`…), so they are read by the same code as the
//! XML ([`crate::uk_sl::UkRecord`]) and get the same ids, `uk-<unique_id>`.

use std::path::Path;

use cordon_model::{Diagnostic, Location};

use crate::uk_sl::{UkRecord, leaf, norm_key};
use crate::util::{XmlNode, head_text};
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourcePlan};

pub(crate) fn sniff(_path: &Path, head: &[u8]) -> Option<Detection> {
    let text = head_text(head)?;
    let has_key = |k: &str| text.lines().any(|l| l.starts_with(k));
    (has_key("unique_id:")
        && has_key("names:")
        && (has_key("regime_name:") || has_key("ofsi_group_id:")))
    .then(|| Detection {
        format: Format::UkYaml,
        source_id: "uk-yaml".into(),
        role: Role::Primary,
    })
}

pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut latest: Option<String> = None;
    for file in plan.files.iter().filter(|f| f.role == Role::Primary) {
        let bytes = file.bytes()?;
        let text = std::str::from_utf8(&bytes).map_err(|e| ListError::Encoding {
            location: file.loc().byte(e.valid_up_to() as u64),
            message: "YAML must be UTF-8".into(),
        })?;
        let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
            let mut loc = file.loc();
            if let Some(l) = e.location() {
                loc = loc.line(l.line() as u64).byte(l.index() as u64);
            }
            ListError::syntax(loc, format!("invalid YAML: {e}"))
        })?;
        let loc = file.loc();
        if !value.is_mapping() {
            sink.diagnostic(Diagnostic::error(
                "wrong-type",
                "a designation record must be a YAML mapping; skipped",
                loc,
            ));
            continue;
        }
        let node = to_node("record", &value, &loc, sink);
        if let Some(uid) = node.children.iter().find(|c| c.name == "uniqueid")
            && !uid.children.is_empty()
        {
            sink.diagnostic(Diagnostic::error(
                "wrong-type",
                "unique_id must be text; record skipped",
                loc.clone().field("unique_id"),
            ));
            continue;
        }
        if let Some(d) = node
            .children
            .iter()
            .find(|c| c.name == "lastupdated")
            .and_then(XmlNode::text)
            && latest.as_deref().is_none_or(|l| l < d)
        {
            latest = Some(d.to_owned());
        }
        if let Some(rec) = UkRecord::from_node(&node, None, &loc, sink) {
            sink.entity(rec.finish())?;
        }
    }
    Ok(ParseOutcome {
        // The records carry no list date; the newest `last_updated` is the best statement of it.
        publication_date: latest
            .and_then(|d| d.parse::<cordon_model::DateValue>().ok())
            .map(|d| d.to_string()),
        title: Some("UK designations (processed YAML records)".into()),
    })
}

/// Turns a YAML value into the tree [`UkRecord`] reads. Scalars become text; booleans (the
/// `sanctions_imposed_indicators` flags) carry nothing to keep; sequences become repeated children.
fn to_node(
    key: &str,
    value: &serde_yaml::Value,
    loc: &Location,
    sink: &mut dyn EntitySink,
) -> XmlNode {
    use serde_yaml::Value;
    match value {
        Value::String(s) => leaf(key, s),
        Value::Number(n) => leaf(key, &n.to_string()),
        Value::Null | Value::Bool(_) => leaf(key, ""),
        Value::Sequence(items) => XmlNode {
            name: norm_key(key),
            children: items.iter().map(|v| to_node(key, v, loc, sink)).collect(),
            ..XmlNode::default()
        },
        Value::Mapping(m) => XmlNode {
            name: norm_key(key),
            children: m
                .iter()
                .filter_map(|(k, v)| match k.as_str() {
                    Some(k) => Some(to_node(k, v, loc, sink)),
                    None => {
                        sink.diagnostic(Diagnostic::warning(
                            "wrong-type",
                            format!("mapping key {k:?} is not text; ignored"),
                            loc.clone(),
                        ));
                        None
                    }
                })
                .collect(),
            ..XmlNode::default()
        },
        Value::Tagged(t) => to_node(key, &t.value, loc, sink),
    }
}
