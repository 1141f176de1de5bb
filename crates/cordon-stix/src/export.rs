//! Entities and findings → a STIX 2.1 bundle.

use std::collections::{BTreeMap, BTreeSet};

use cordon_address::Chain;
use cordon_model::{Entity, Schema, prop};
use serde_json::{Value, json};

use crate::ids::{sdo_id, value_sco_id};
use crate::{Bundle, Object, Tlp};

/// The extension Cordon defines for the `cryptocurrency-wallet` observable (a new SCO).
pub const WALLET_EXTENSION: &str = "extension-definition--f8d2c6b1-6c1e-5b3a-9f2e-0c2d1a7e4b11";

/// Cordon's fixed context objects: the IT-worker programme and Lazarus Group. Import skips them
/// (they are context, not watch-list entries) so export → import → export is stable.
pub const IT_WORKER_INTRUSION_SET: &str = "intrusion-set--0f3a8e7d-2b1c-5d4e-8f6a-9b0c1d2e3f40";
/// See [`IT_WORKER_INTRUSION_SET`].
pub const LAZARUS_THREAT_ACTOR: &str = "threat-actor--5c2e1f0a-9d8b-5a7c-b6e5-4d3c2b1a0f91";

/// The extension that defines Cordon's top-level properties (`x_cordon_entity_id`,
/// `x_cordon_schema`, `x_cordon_properties`, `x_cordon_wallets`): what an import needs to give
/// back the same entities. Other consumers may ignore them.
pub const CORDON_PROPERTIES_EXTENSION: &str =
    "extension-definition--3a5c8f1e-8b2d-5c4e-9f10-1b2c3d4e5f60";

/// Prefix of the `notes` values that carry designation references through an import.
pub const DESIGNATION_NOTE: &str = "designation: ";

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The producing organisation's name (the bundle's `identity`).
    pub producer: String,
    /// The TLP level marking every object.
    pub tlp: Tlp,
    /// `created`/`modified`/`valid_from` of every object, RFC 3339 with milliseconds
    /// (`2026-11-25T05:00:00.000Z`).
    pub timestamp: String,
    /// Source ids not cited as designation references (Cordon's own STIX imports: their
    /// original references travel in `notes`).
    pub exclude_datasets: BTreeSet<String>,
    /// Export every entity instead of only the DPRK-linked ones.
    pub all_entities: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            producer: "Cordon".to_owned(),
            tlp: Tlp::Amber,
            timestamp: "1970-01-01T00:00:00.000Z".to_owned(),
            exclude_datasets: BTreeSet::new(),
            all_entities: false,
        }
    }
}

/// Builds a bundle: collects objects once per id, in a stable order.
#[derive(Debug)]
pub struct BundleBuilder {
    opts: ExportOptions,
    producer_id: String,
    objects: BTreeMap<String, Object>,
    order: Vec<String>,
}

impl BundleBuilder {
    /// A builder with the producer identity, the TLP marking, the wallet extension and the
    /// programme context (intrusion-set attributed to Lazarus Group) already in place.
    pub fn new(opts: ExportOptions) -> Self {
        let producer_id = sdo_id("identity", &format!("producer|{}", opts.producer));
        let mut b = BundleBuilder {
            opts,
            producer_id,
            objects: BTreeMap::new(),
            order: Vec::new(),
        };
        let producer = Object::new("identity", b.producer_id.clone())
            .with("name", b.opts.producer.clone())
            .with("identity_class", "organization")
            .with("sectors", json!(["financial-services", "technology"]));
        b.push_sdo(producer);
        b.push_raw(b.opts.tlp.marking_definition());
        let ext = Object::new("extension-definition", WALLET_EXTENSION)
            .with("name", "cryptocurrency-wallet")
            .with(
                "description",
                "A cryptocurrency wallet address. Properties: value (the address, as listed; id-contributing), chains (Cordon chain slugs it is listed on: btc, eth, trx, …), currencies (tickers).",
            )
            .with("schema", "https://example.invalid/cordon/docs/sharing.md#cryptocurrency-wallet")
            .with("version", "1.0.0")
            .with("extension_types", json!(["new-sco"]));
        b.push_sdo(ext);
        let props = Object::new("extension-definition", CORDON_PROPERTIES_EXTENSION)
            .with("name", "cordon-entity")
            .with(
                "description",
                "Cordon's own view of a list entry, so that an import gives back the same entities: x_cordon_entity_id (the entity id), x_cordon_schema (FollowTheMoney schema), x_cordon_properties (other FtM properties, name to list of values), x_cordon_wallets (on a cryptocurrency-wallet: one {entity_id, properties} per wallet entity listing the address).",
            )
            .with("schema", "https://example.invalid/cordon/docs/sharing.md#cordon-properties")
            .with("version", "1.0.0")
            .with("extension_types", json!(["toplevel-property-extension"]))
            .with(
                "extension_properties",
                json!(["x_cordon_entity_id", "x_cordon_schema", "x_cordon_properties", "x_cordon_wallets"]),
            );
        b.push_sdo(props);
        let lazarus = Object::new("threat-actor", LAZARUS_THREAT_ACTOR)
            .with("name", "Lazarus Group")
            .with("threat_actor_types", json!(["nation-state"]))
            .with(
                "aliases",
                json!([
                    "HIDDEN COBRA",
                    "Guardians of Peace",
                    "APT38",
                    "Labyrinth Chollima"
                ]),
            );
        b.push_sdo(lazarus);
        let itw = Object::new("intrusion-set", IT_WORKER_INTRUSION_SET)
            .with("name", "DPRK IT workers")
            .with("description", "DPRK revenue-generation programme: IT workers under false identities at foreign companies.")
            .with("aliases", json!(["Famous Chollima", "Jasper Sleet", "UNC5267", "WageMole"]));
        b.push_sdo(itw);
        b.relate(
            IT_WORKER_INTRUSION_SET,
            "attributed-to",
            LAZARUS_THREAT_ACTOR,
        );
        b
    }

    /// The producer identity's id.
    pub fn producer_id(&self) -> &str {
        &self.producer_id
    }

    /// Adds an object; an object already present with the same id keeps its properties and
    /// gains the new one's others (a traced wallet that is also a listed wallet stays the
    /// listed one, with its chains and holders).
    fn push_raw(&mut self, o: Object) {
        match self.objects.get_mut(&o.id) {
            Some(existing) => {
                for (k, v) in o.props {
                    existing.props.entry(k).or_insert(v);
                }
            }
            None => {
                self.order.push(o.id.clone());
                self.objects.insert(o.id.clone(), o);
            }
        }
    }

    /// Adds an SDO/SRO with the common properties (spec_version, created, modified, creator,
    /// marking).
    pub fn push_sdo(&mut self, mut o: Object) {
        o.set("spec_version", "2.1");
        o.set("created", self.opts.timestamp.clone());
        o.set("modified", self.opts.timestamp.clone());
        if o.id != self.producer_id {
            o.set("created_by_ref", self.producer_id.clone());
        }
        o.set("object_marking_refs", json!([self.opts.tlp.marking_id()]));
        self.push_raw(o);
    }

    /// Adds an SCO (no created/modified; marking only).
    pub fn push_sco(&mut self, mut o: Object) {
        o.set("spec_version", "2.1");
        o.set("object_marking_refs", json!([self.opts.tlp.marking_id()]));
        self.push_raw(o);
    }

    /// Adds a relationship with a deterministic id.
    pub fn relate(&mut self, source: &str, kind: &str, target: &str) -> String {
        let id = sdo_id("relationship", &format!("{source}|{kind}|{target}"));
        let o = Object::new("relationship", id.clone())
            .with("relationship_type", kind)
            .with("source_ref", source)
            .with("target_ref", target);
        self.push_sdo(o);
        id
    }

    /// Adds an observable and an indicator for it; returns the indicator id.
    pub fn observable(
        &mut self,
        sco: Object,
        value_path: &str,
        value: &str,
        name: String,
    ) -> String {
        let pattern = format!("[{}:{value_path} = '{}']", sco.kind, escape_pattern(value));
        let ind_id = sdo_id("indicator", &pattern);
        let ind = Object::new("indicator", ind_id.clone())
            .with("name", name)
            .with("description", format!("Listed indicator ({})", sco.kind))
            .with("pattern", pattern)
            .with("pattern_type", "stix")
            .with("valid_from", self.opts.timestamp.clone())
            .with("indicator_types", json!(["attribution"]));
        let sco_id = sco.id.clone();
        self.push_sco(sco);
        self.push_sdo(ind);
        self.relate(&ind_id, "based-on", &sco_id);
        ind_id
    }

    /// Adds the wallet entities that list one address (the same EVM account on several chains,
    /// or one address from several sources) as one `cryptocurrency-wallet` observable and its
    /// indicator.
    ///
    /// An observable's id is derived from its `value` alone (so that two producers who see one
    /// address share one object), which is why a group is one observable; each entity travels
    /// in `x_cordon_wallets` so that an import gives back the same entities.
    pub fn wallet_group(&mut self, group: &[&Entity], holder_refs: &BTreeMap<String, String>) {
        let Some(key) = group.first().and_then(|e| wallet_key(e)) else {
            return;
        };
        let spellings: BTreeSet<&str> = group
            .iter()
            .flat_map(|e| {
                e.get(prop::PUBLIC_KEY)
                    .iter()
                    .filter(|s| address_key(e.first(prop::CHAIN), s) == key)
                    .map(String::as_str)
            })
            .collect();
        let value = preferred_spelling(&spellings);
        let value = value.as_str();
        let chains: BTreeSet<&str> = group
            .iter()
            .flat_map(|e| e.get(prop::CHAIN))
            .map(String::as_str)
            .collect();
        let currencies: BTreeSet<&str> = group
            .iter()
            .flat_map(|e| e.get(prop::CURRENCY))
            .map(String::as_str)
            .collect();
        let wallets: Vec<Value> = group
            .iter()
            .map(|e| {
                let mut props = all_properties(e);
                // The entity's own spellings travel unless they are just the observable's.
                if e.get(prop::PUBLIC_KEY) == [value] {
                    props.remove(prop::PUBLIC_KEY);
                }
                json!({"entity_id": e.id, "properties": props})
            })
            .collect();
        let sco = Object::new(
            "cryptocurrency-wallet",
            value_sco_id("cryptocurrency-wallet", value),
        )
        .with("value", value)
        .with("chains", json!(chains))
        .with("currencies", json!(currencies))
        .with("x_cordon_wallets", Value::Array(wallets))
        .with(
            "extensions",
            json!({
                WALLET_EXTENSION: {"extension_type": "new-sco"},
                CORDON_PROPERTIES_EXTENSION: {"extension_type": "toplevel-property-extension"},
            }),
        );
        let ind = self.observable(sco, "value", value, format!("Wallet {value}"));
        if group.iter().any(|e| is_dprk(e)) {
            self.relate(&ind, "indicates", IT_WORKER_INTRUSION_SET);
        }
        let holders: BTreeSet<&String> = group
            .iter()
            .flat_map(|e| e.get(prop::HOLDER))
            .filter_map(|h| holder_refs.get(h))
            .collect();
        for hid in holders {
            self.relate(&ind, "related-to", hid);
        }
    }

    /// Adds one list entity (not a wallet: see [`BundleBuilder::wallet_group`]) and its
    /// indicators.
    pub fn entity(&mut self, e: &Entity) {
        let dprk = is_dprk(e);
        let id = sdo_id("identity", &e.id);
        let class = if e.schema == Schema::Person {
            "individual"
        } else {
            "organization"
        };
        let mut refs: BTreeMap<String, Value> = BTreeMap::new();
        for ds in &e.datasets {
            if !self.opts.exclude_datasets.contains(ds) {
                refs.insert(
                    ds.clone(),
                    json!({"source_name": ds, "external_id": e.id, "description": "designation"}),
                );
            }
        }
        for note in e.get(prop::NOTES) {
            if let Some(r) = note.strip_prefix(DESIGNATION_NOTE) {
                let (name, ext) = r.split_once(' ').unwrap_or((r, ""));
                refs.insert(
                    name.to_owned(),
                    json!({"source_name": name, "external_id": ext, "description": "designation"}),
                );
            }
        }
        let ident = Object::new("identity", id.clone())
            .with("name", e.first(prop::NAME).unwrap_or(&e.caption))
            .with("identity_class", class)
            .with(
                "external_references",
                Value::Array(refs.into_values().collect()),
            )
            .with("x_cordon_entity_id", e.id.clone())
            .with("x_cordon_schema", e.schema.to_string())
            .with("x_cordon_properties", carried_properties(e))
            .with(
                "extensions",
                json!({CORDON_PROPERTIES_EXTENSION: {"extension_type": "toplevel-property-extension"}}),
            );
        self.push_sdo(ident);
        for email in e.get(prop::EMAIL) {
            let sco = Object::new("email-addr", value_sco_id("email-addr", email))
                .with("value", email.clone());
            let ind = self.observable(sco, "value", email, format!("Email {email}"));
            self.relate(&ind, "related-to", &id);
            if dprk {
                self.relate(&ind, "indicates", IT_WORKER_INTRUSION_SET);
            }
        }
        for site in e.get(prop::WEBSITE) {
            let kind = if site.contains("://") {
                "url"
            } else {
                "domain-name"
            };
            let sco = Object::new(kind, value_sco_id(kind, site)).with("value", site.clone());
            let ind = self.observable(sco, "value", site, format!("Website {site}"));
            self.relate(&ind, "related-to", &id);
            if dprk {
                self.relate(&ind, "indicates", IT_WORKER_INTRUSION_SET);
            }
        }
    }

    /// Adds list entities: the DPRK-linked ones (or all, per [`ExportOptions::all_entities`])
    /// with the wallets they hold and the holders of those wallets. Entities are taken in id
    /// order so the output is stable; wallets come last, one observable per address.
    pub fn entities(&mut self, entities: &[Entity]) {
        let all = self.opts.all_entities;
        let mut sorted: Vec<&Entity> = entities.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let chosen: BTreeSet<&str> = sorted
            .iter()
            .filter(|e| all || is_dprk(e))
            .map(|e| e.id.as_str())
            .collect();
        // A wallet is exported when it or its holder is chosen; its holder goes with it.
        let mut wanted: BTreeSet<&str> = chosen.clone();
        for e in &sorted {
            if e.schema == Schema::CryptoWallet
                && (chosen.contains(e.id.as_str())
                    || e.get(prop::HOLDER)
                        .iter()
                        .any(|h| chosen.contains(h.as_str())))
            {
                wanted.insert(&e.id);
                wanted.extend(e.get(prop::HOLDER).iter().map(String::as_str));
            }
        }
        let holder_refs: BTreeMap<String, String> = sorted
            .iter()
            .filter(|e| e.schema != Schema::CryptoWallet && wanted.contains(e.id.as_str()))
            .map(|e| (e.id.clone(), sdo_id("identity", &e.id)))
            .collect();
        let mut groups: Vec<Vec<&Entity>> = Vec::new();
        let mut group_of: BTreeMap<String, usize> = BTreeMap::new();
        for e in sorted.iter().filter(|e| wanted.contains(e.id.as_str())) {
            if e.schema != Schema::CryptoWallet {
                self.entity(e);
                continue;
            }
            let Some(key) = wallet_key(e) else { continue };
            let next = groups.len();
            let i = *group_of.entry(key).or_insert(next);
            if i == next {
                groups.push(Vec::new());
            }
            if let Some(g) = groups.get_mut(i) {
                g.push(e);
            }
        }
        for g in &groups {
            self.wallet_group(g, &holder_refs);
        }
    }

    /// Adds a finished object built by the caller (findings) with the common properties.
    pub fn push(&mut self, o: Object) {
        if o.is_sco() {
            self.push_sco(o);
        } else {
            self.push_sdo(o);
        }
    }

    /// The bundle. Its id is derived from the object ids, so the same content gives the same id.
    pub fn finish(self) -> Bundle {
        let key: String = self.order.join(",");
        let id = sdo_id("bundle", &key);
        let mut objects = self.objects;
        let objs = self
            .order
            .iter()
            .filter_map(|id| objects.remove(id))
            .collect();
        Bundle::new(id, objs)
    }
}

/// Properties of an identity that travel as `x_cordon_properties`: everything but what the
/// bundle carries in its own objects (the name, e-mail and website indicators, designation
/// references), so export → import → export loses nothing.
fn carried_properties(e: &Entity) -> Value {
    let skip = [prop::EMAIL, prop::WEBSITE];
    let mut m = serde_json::Map::new();
    for (k, values) in &e.properties {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let vals: Vec<&String> = values
            .iter()
            .filter(|v| !(k == prop::NOTES && v.starts_with(DESIGNATION_NOTE)))
            .filter(|v| !(k == prop::NAME && Some(v.as_str()) == e.first(prop::NAME)))
            .collect();
        if !vals.is_empty() {
            m.insert(k.clone(), json!(vals));
        }
    }
    if m.is_empty() {
        Value::Null
    } else {
        Value::Object(m)
    }
}

/// Every property of an entity, as JSON lists.
fn all_properties(e: &Entity) -> serde_json::Map<String, Value> {
    e.properties
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect()
}

/// What identifies an address across spellings and chains: its canonical form on the wallet's
/// chain (lower case for hex and bech32, so one EVM account on several chains is one address),
/// or the spelling itself when neither the chain nor the address can be read.
fn address_key(chain: Option<&str>, spelling: &str) -> String {
    match chain.and_then(|c| c.parse::<Chain>().ok()) {
        Some(c) => cordon_address::canonical(c, spelling),
        None => cordon_address::parse(spelling)
            .map_or_else(|_| spelling.to_owned(), |a| a.canonical().to_owned()),
    }
}

/// The address a wallet entity lists first, as an [`address_key`].
fn wallet_key(e: &Entity) -> Option<String> {
    let first = e.first(prop::PUBLIC_KEY)?;
    Some(address_key(e.first(prop::CHAIN), first))
}

/// The spelling an observable carries: the address's display form (EIP-55 mixed case for EVM
/// addresses, the canonical form otherwise), whichever way lists write it (an extraction that
/// lower-cases EVM addresses, OFAC's own lower-case or EIP-55 spellings), so that list wallets
/// and traced or applicant wallets meet in one observable. Chosen from the set of spellings,
/// never by input order; an address that does not parse keeps its first spelling.
fn preferred_spelling(spellings: &BTreeSet<&str>) -> String {
    spellings
        .iter()
        .find_map(|s| cordon_address::parse(s).ok())
        .map(|a| a.display_form())
        .or_else(|| spellings.first().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

/// The spelling an observable of a wallet seen in findings carries (see [`preferred_spelling`]).
pub(crate) fn wallet_spelling(value: &str) -> String {
    preferred_spelling(&BTreeSet::from([value]))
}

/// Escapes a value for a single-quoted STIX pattern string.
pub fn escape_pattern(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\'', "\\'")
}

/// Whether an entity belongs to the DPRK programmes (programme, country or nationality).
pub fn is_dprk(e: &Entity) -> bool {
    e.get(prop::PROGRAM).iter().any(|p| {
        let p = p.to_ascii_uppercase();
        p.contains("DPRK")
            || p.contains("NORTH KOREA")
            || p.contains("KOREA, NORTH")
            || p.contains("KPI")
    }) || [prop::COUNTRY, prop::NATIONALITY, prop::CITIZENSHIP]
        .iter()
        .any(|k| e.get(k).iter().any(|c| c == "kp"))
}

/// Exports list entities: the DPRK-linked ones (or all, per the options) with the wallets they
/// hold. See [`BundleBuilder::entities`].
pub fn export_entities(entities: &[Entity], opts: ExportOptions) -> Bundle {
    let mut b = BundleBuilder::new(opts);
    b.entities(entities);
    b.finish()
}
