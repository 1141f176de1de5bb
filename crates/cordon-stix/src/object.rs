//! The STIX objects Cordon reads and writes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;

use cordon_model::{Diagnostic, Location};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::StixError;
use crate::ids::is_valid_id;

/// Bundles above this size are refused rather than loaded into memory (the import reads the whole
/// bundle to resolve references); TAXII pages and advisories are far smaller.
pub const MAX_BUNDLE_BYTES: u64 = 64 * 1024 * 1024;

/// One STIX object: its `type` and `id`, and every other property as JSON, in sorted order.
///
/// One shape for every type keeps unknown and custom objects (and `x_` properties) intact on a
/// round trip; typed accessors read the properties Cordon maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Object {
    /// The STIX type (`identity`, `indicator`, `email-addr`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// `<type>--<uuid>`.
    pub id: String,
    /// All other properties.
    #[serde(flatten)]
    pub props: BTreeMap<String, Value>,
}

impl Object {
    /// An object with only `type` and `id`.
    pub fn new(kind: &str, id: impl Into<String>) -> Self {
        Object {
            kind: kind.to_owned(),
            id: id.into(),
            props: BTreeMap::new(),
        }
    }

    /// Sets a property (builder style); empty strings and empty lists are left out.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.set(key, value);
        self
    }

    /// Sets a property; empty strings and empty lists are left out.
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        let empty = match &value {
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Null => true,
            _ => false,
        };
        if !empty {
            self.props.insert(key.to_owned(), value);
        }
    }

    /// A string property.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.props.get(key).and_then(Value::as_str)
    }

    /// A list-of-strings property (a single string counts as a list of one).
    pub fn strs(&self, key: &str) -> Vec<&str> {
        match self.props.get(key) {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(s)) => vec![s.as_str()],
            _ => Vec::new(),
        }
    }

    /// Whether this is a STIX Cyber-observable Object (SCOs have no `created`).
    pub fn is_sco(&self) -> bool {
        SCO_TYPES.contains(&self.kind.as_str()) || CUSTOM_WALLET_TYPES.contains(&self.kind.as_str())
    }
}

/// The STIX 2.1 cyber-observable types.
pub const SCO_TYPES: [&str; 18] = [
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

/// Wallet observable types read on import: the extension form Cordon writes, and the custom
/// `x-` form other producers use.
pub const CUSTOM_WALLET_TYPES: [&str; 3] = [
    "cryptocurrency-wallet",
    "x-crypto-wallet",
    "x-cryptocurrency-wallet",
];

/// A STIX 2.1 bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    /// Always `bundle`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `bundle--<uuid>`.
    pub id: String,
    /// The objects, in order.
    #[serde(default)]
    pub objects: Vec<Object>,
}

impl Bundle {
    /// A bundle of `objects`.
    pub fn new(id: impl Into<String>, objects: Vec<Object>) -> Self {
        Bundle {
            kind: "bundle".to_owned(),
            id: id.into(),
            objects,
        }
    }

    /// Serialises as pretty JSON with a trailing newline (stable: keys are sorted).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The object with this id.
    pub fn get(&self, id: &str) -> Option<&Object> {
        self.objects.iter().find(|o| o.id == id)
    }
}

/// A bundle read and checked by [`read_bundle`], with what was skipped and why.
#[derive(Debug, Clone)]
pub struct CheckedBundle {
    /// The bundle, minus the objects that were skipped.
    pub bundle: Bundle,
    /// Skipped objects, dangling references, unknown types (counts), duplicates.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and checks a bundle file. See [`parse_bundle`].
pub fn read_bundle(path: &Path) -> Result<CheckedBundle, StixError> {
    let io = |e: std::io::Error| StixError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_BUNDLE_BYTES {
        return Err(StixError::TooLarge {
            path: path.to_owned(),
            size,
            limit: MAX_BUNDLE_BYTES,
        });
    }
    let mut data = Vec::new();
    // The file may grow while it is read: never read past the limit.
    file.take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(io)?;
    parse_bundle(path, &data)
}

/// Parses and checks a bundle.
///
/// Errors (nothing is imported): over [`MAX_BUNDLE_BYTES`], invalid JSON, not a bundle, a
/// `spec_version` other than 2.1 on the bundle, two objects with one id and one `modified` but
/// different content. Skips with a diagnostic: objects without a valid `type`/`id`, objects
/// with another `spec_version`, relationships and sightings whose references are not in the
/// bundle, older versions of an object (the latest `modified` wins), exact duplicates. Objects of
/// types Cordon does not map are kept and counted per type.
pub fn parse_bundle(path: &Path, data: &[u8]) -> Result<CheckedBundle, StixError> {
    if data.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(StixError::TooLarge {
            path: path.to_owned(),
            size: data.len() as u64,
            limit: MAX_BUNDLE_BYTES,
        });
    }
    let value: Value = serde_json::from_slice(data).map_err(|e| StixError::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let not_bundle = |field: &str, message: String| StixError::NotABundle {
        path: path.to_owned(),
        field: field.to_owned(),
        message,
    };
    let Value::Object(mut top) = value else {
        return Err(not_bundle("", "the top level is not a JSON object".into()));
    };
    if top.get("type").and_then(Value::as_str) != Some("bundle") {
        return Err(not_bundle("type", "type is not \"bundle\"".into()));
    }
    if let Some(v) = top.get("spec_version") {
        // STIX 2.0 bundles carry spec_version; 2.1 bundles must not, but a "2.1" is harmless.
        if v.as_str() != Some("2.1") {
            return Err(not_bundle(
                "spec_version",
                format!("spec_version is {v}, Cordon reads STIX 2.1 only"),
            ));
        }
    }
    let id = top
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| id.starts_with("bundle--") && is_valid_id(id))
        .ok_or_else(|| not_bundle("id", "missing or malformed bundle id".into()))?
        .to_owned();
    let raw = match top.remove("objects") {
        Some(Value::Array(a)) => a,
        None => Vec::new(),
        Some(_) => return Err(not_bundle("objects", "objects is not a list".into())),
    };

    let mut diags = Vec::new();
    let loc = |i: usize, field: &str| {
        Location::file(path)
            .record(format!("objects[{i}]"))
            .field(field)
    };
    let mut objects: Vec<Object> = Vec::with_capacity(raw.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, v) in raw.into_iter().enumerate() {
        let obj: Object = match serde_json::from_value(v) {
            Ok(o) => o,
            Err(e) => {
                diags.push(Diagnostic::warning(
                    "stix-bad-object",
                    format!("skipped: {e}"),
                    loc(i, "type"),
                ));
                continue;
            }
        };
        if !obj.id.starts_with(&format!("{}--", obj.kind)) || !is_valid_id(&obj.id) {
            diags.push(Diagnostic::warning(
                "stix-bad-id",
                format!("skipped: id {:?} is not {}--<uuid>", obj.id, obj.kind),
                loc(i, "id"),
            ));
            continue;
        }
        match obj.props.get("spec_version") {
            Some(v) if v.as_str() != Some("2.1") => {
                diags.push(Diagnostic::warning(
                    "stix-spec-version",
                    format!("skipped {}: spec_version {v} is not 2.1", obj.id),
                    loc(i, "spec_version"),
                ));
                continue;
            }
            None if !obj.is_sco() && !obj.kind.starts_with("x-") => {
                diags.push(Diagnostic::warning(
                    "stix-spec-version",
                    format!("{}: no spec_version; read as 2.1", obj.id),
                    loc(i, "spec_version"),
                ));
            }
            _ => {}
        }
        if let Some(&prev) = by_id.get(&obj.id) {
            let Some(old) = objects.get_mut(prev) else {
                continue;
            };
            if *old == obj {
                diags.push(Diagnostic::warning(
                    "stix-duplicate",
                    format!("{}: exact duplicate skipped", obj.id),
                    loc(i, "id"),
                ));
                continue;
            }
            let (m_old, m_new) = (
                old.str("modified").unwrap_or("").to_owned(),
                obj.str("modified").unwrap_or("").to_owned(),
            );
            // RFC 3339 UTC timestamps in STIX's fixed format order correctly as strings.
            if m_old == m_new {
                return Err(StixError::ConflictingDuplicate {
                    path: path.to_owned(),
                    index: i,
                    id: obj.id,
                    modified: m_new,
                });
            }
            diags.push(Diagnostic::warning(
                "stix-older-version",
                format!(
                    "{}: versions modified {m_old} and {m_new}; the later one is kept",
                    obj.id
                ),
                loc(i, "modified"),
            ));
            if m_new > m_old {
                *old = obj;
            }
            continue;
        }
        by_id.insert(obj.id.clone(), objects.len());
        objects.push(obj);
    }

    // Relationships and sightings whose ends are not in the bundle cannot be mapped.
    let ids: BTreeSet<String> = objects.iter().map(|o| o.id.clone()).collect();
    let mut kept = Vec::with_capacity(objects.len());
    for o in objects {
        let refs: Vec<&str> = match o.kind.as_str() {
            "relationship" => vec![
                o.str("source_ref").unwrap_or(""),
                o.str("target_ref").unwrap_or(""),
            ],
            "sighting" => vec![o.str("sighting_of_ref").unwrap_or("")],
            _ => Vec::new(),
        };
        if let Some(missing) = refs.iter().find(|r| !ids.contains(**r)) {
            diags.push(Diagnostic::warning(
                "stix-dangling-ref",
                format!(
                    "{} skipped: refers to {missing:?}, which is not in the bundle",
                    o.id
                ),
                Location::file(path)
                    .record(o.id.clone())
                    .field("source_ref/target_ref"),
            ));
            continue;
        }
        kept.push(o);
    }
    Ok(CheckedBundle {
        bundle: Bundle::new(id, kept),
        diagnostics: diags,
    })
}
