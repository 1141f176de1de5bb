use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{DateValue, Schema, prop};

/// Where an entity came from: which source, and which stored version of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The source id, e.g. `ofac-sdn`, `un-sc`, `uk-sl`.
    pub source: String,
    /// The store's version number of that source (1, 2, …).
    pub version: u32,
    /// The version's content hash (sha256 over its files), to cite in an audit.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content_hash: String,
}

/// One listed thing: a person, organisation, vessel, aircraft or wallet.
///
/// Serialises as FtM JSON (`id`, `schema`, `caption`, `properties`, `datasets`) plus Cordon's
/// `provenance`. Property values are kept trimmed, non-empty and free of duplicates, in the order
/// the list gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable id, the same on every ingest of the same source record (`ofac-27307`).
    pub id: String,
    /// What kind of thing this is.
    pub schema: Schema,
    /// A display name: the first `name`, set automatically.
    #[serde(default)]
    pub caption: String,
    /// FtM property name → values.
    #[serde(default, deserialize_with = "exact::properties")]
    pub properties: BTreeMap<String, Vec<String>>,
    /// The source ids this entity was read from.
    #[serde(default, deserialize_with = "exact::strings")]
    pub datasets: Vec<String>,
    /// Set by the store when the entity is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

impl Entity {
    /// A new entity with no properties.
    pub fn new(id: impl Into<String>, schema: Schema) -> Self {
        Entity {
            id: id.into(),
            schema,
            caption: String::new(),
            properties: BTreeMap::new(),
            datasets: Vec::new(),
            provenance: None,
        }
    }

    /// Adds a value to a property. Whitespace is collapsed; empty values, the `-0-` placeholder
    /// and duplicates are ignored. The first `name` becomes the caption.
    pub fn add(&mut self, prop: &str, value: impl AsRef<str>) {
        let value = collapse_whitespace(value.as_ref());
        if value.is_empty() || value == "-0-" {
            return;
        }
        if prop == prop::NAME && self.caption.is_empty() {
            self.caption.clone_from(&value);
        }
        let values = self.properties.entry(prop.to_owned()).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }

    /// Adds every value of an iterator.
    pub fn add_all<I, S>(&mut self, prop: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for v in values {
            self.add(prop, v);
        }
    }

    /// Adds a date, stored in its canonical form.
    pub fn add_date(&mut self, prop: &str, date: &DateValue) {
        self.add(prop, date.to_string());
    }

    /// All values of a property (empty when absent).
    pub fn get(&self, prop: &str) -> &[String] {
        self.properties.get(prop).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first value of a property.
    pub fn first(&self, prop: &str) -> Option<&str> {
        self.get(prop).first().map(String::as_str)
    }

    /// Whether the property has at least one value.
    pub fn has(&self, prop: &str) -> bool {
        !self.get(prop).is_empty()
    }

    /// Every name the entity is known by, with the property it came from, strongest first.
    pub fn names(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        prop::NAME_PROPS
            .into_iter()
            .flat_map(move |p| self.get(p).iter().map(move |v| (p, v.as_str())))
    }

    /// Birth dates that parse; values that do not are skipped.
    pub fn birth_dates(&self) -> Vec<DateValue> {
        self.get(prop::BIRTH_DATE)
            .iter()
            .filter_map(|d| d.parse().ok())
            .collect()
    }

    /// Records the source id in `datasets` (once).
    pub fn add_dataset(&mut self, source: &str) {
        if !self.datasets.iter().any(|d| d == source) {
            self.datasets.push(source.to_owned());
        }
    }

    /// Merges another record of the same entity (same id) into this one: property values are
    /// unioned, datasets too. The caption and schema of `self` win unless `self` is a
    /// LegalEntity and the other is more specific.
    pub fn merge(&mut self, other: &Entity) {
        if self.schema == Schema::LegalEntity && other.schema != Schema::LegalEntity {
            self.schema = other.schema;
        }
        for (p, values) in &other.properties {
            self.add_all(p, values);
        }
        for d in &other.datasets {
            self.add_dataset(d);
        }
        if self.caption.is_empty() {
            self.caption.clone_from(&other.caption);
        }
    }

    /// Sets the caption from the first name if none was set explicitly.
    pub fn finish(&mut self) {
        if self.caption.is_empty() {
            let first = self.names().next().map(|(_, n)| n.to_owned());
            self.caption = first.unwrap_or_default();
        }
    }
}

/// Trims and collapses runs of whitespace (including no-break spaces) to one ASCII space.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    // Most values are already clean; copying them once is the common path.
    let mut prev_space = true;
    let mut clean = true;
    for c in s.chars() {
        let space = c.is_whitespace();
        if space && (prev_space || c != ' ') {
            clean = false;
            break;
        }
        prev_space = space;
    }
    let clean = clean && !prev_space;
    if clean {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c == '\u{a0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Reading lists of values into vectors of their own length. Serde grows a vector it reads by
/// pushing, to four values at the first: an entity's properties mostly hold one value, so three
/// quarters of every value vector of the lists held in memory were empty slots (~20 MB of the
/// ~80 MB all lists' entities take).
mod exact {
    use std::collections::BTreeMap;
    use std::fmt;

    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

    pub(super) fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_seq(Strings)
    }

    pub(super) fn properties<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, Vec<String>>, D::Error> {
        d.deserialize_map(Properties)
    }

    struct Strings;

    impl<'de> Visitor<'de> for Strings {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of strings")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let Some(first) = seq.next_element::<String>()? else {
                return Ok(Vec::new());
            };
            let Some(second) = seq.next_element::<String>()? else {
                return Ok(vec![first]);
            };
            let mut out = vec![first, second];
            while let Some(v) = seq.next_element()? {
                out.push(v);
            }
            out.shrink_to_fit();
            Ok(out)
        }
    }

    /// A property's values, read by [`Strings`].
    struct Values(Vec<String>);

    impl<'de> Deserialize<'de> for Values {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            strings(d).map(Values)
        }
    }

    struct Properties;

    impl<'de> Visitor<'de> for Properties {
        type Value = BTreeMap<String, Vec<String>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of property names to lists of strings")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, Values(v))) = map.next_entry::<String, Values>()? {
                out.insert(k, v);
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_normalises_and_dedupes() {
        let mut e = Entity::new("x", Schema::Person);
        e.add(prop::NAME, "  KIM   Jong\u{a0}Un ");
        e.add(prop::NAME, "KIM Jong Un");
        e.add(prop::ALIAS, "-0-");
        e.add(prop::ALIAS, "");
        assert_eq!(e.get(prop::NAME), ["KIM Jong Un"]);
        assert_eq!(e.caption, "KIM Jong Un");
        assert!(!e.has(prop::ALIAS));
    }

    proptest::proptest! {
        #[test]
        fn collapse_whitespace_is_idempotent_and_clean(s in "\\PC{0,30}") {
            let once = collapse_whitespace(&s);
            proptest::prop_assert_eq!(collapse_whitespace(&once), once.clone());
            proptest::prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
            proptest::prop_assert!(once.chars().all(|c| c == ' ' || !c.is_whitespace()));
        }
    }

    #[test]
    fn ftm_json_shape() {
        let mut e = Entity::new("un-KPi.033", Schema::Person);
        e.add(prop::NAME, "KIM Jong Un");
        e.add_dataset("un-sc");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["schema"], "Person");
        assert_eq!(v["properties"]["name"][0], "KIM Jong Un");
        let back: Entity = serde_json::from_value(v).unwrap();
        assert_eq!(back, e);
    }

    /// The shape serde's own derive reads, to hold the exact-length reading to it.
    #[derive(Deserialize)]
    struct PlainEntity {
        #[serde(default)]
        properties: BTreeMap<String, Vec<String>>,
        #[serde(default)]
        datasets: Vec<String>,
    }

    #[test]
    fn read_values_fill_their_vectors_and_equal_serdes_own_reading() {
        for json in [
            r#"{"id":"a","schema":"Person","properties":{"name":["A"],"alias":["B","C"],"notes":["1","2","3","4","5"],"x":[]},"datasets":["un-sc"]}"#,
            r#"{"id":"a","schema":"Person","properties":{"name":["A"],"name":["Z","Y"]},"datasets":[]}"#,
            r#"{"id":"a","schema":"Person"}"#,
        ] {
            let e: Entity = serde_json::from_str(json).unwrap();
            let plain: PlainEntity = serde_json::from_str(json).unwrap();
            assert_eq!(e.properties, plain.properties, "{json}");
            assert_eq!(e.datasets, plain.datasets, "{json}");
            for v in e.properties.values().chain([&e.datasets]) {
                assert_eq!(v.capacity(), v.len(), "{json}");
            }
        }
    }

    #[test]
    fn values_that_are_not_lists_of_strings_are_refused() {
        for json in [
            r#"{"id":"a","schema":"Person","properties":{"name":"A"}}"#,
            r#"{"id":"a","schema":"Person","properties":{"name":[1]}}"#,
            r#"{"id":"a","schema":"Person","properties":[]}"#,
            r#"{"id":"a","schema":"Person","datasets":["a",null]}"#,
        ] {
            assert!(serde_json::from_str::<Entity>(json).is_err(), "{json}");
            assert!(serde_json::from_str::<PlainEntity>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn merge_unions() {
        let mut a = Entity::new("uk-DPR0001", Schema::LegalEntity);
        a.add(prop::NAME, "AN Jong Hyuk");
        let mut b = Entity::new("uk-DPR0001", Schema::Person);
        b.add(prop::NAME, "AN Jong Hyok");
        b.add_dataset("uk-processed");
        a.merge(&b);
        assert_eq!(a.schema, Schema::Person);
        assert_eq!(a.get(prop::NAME).len(), 2);
        assert_eq!(a.datasets, ["uk-processed"]);
    }
}
