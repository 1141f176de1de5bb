//! The one adapter to `cordon-er`: applicant records become a linkage dataset (names, birth
//! date and country for Fellegi–Sunter comparisons; identifiers as shared keys), linked and
//! clustered with the engine's reasons.

use cordon_er::synth::APPLICANT_FIELDS;
use cordon_er::{
    ClusterConfig, Clustering, ComparisonSpec, DatasetBuilder, FsUse, KeySpec, KeyValue,
    LinkConfig, LinkType, Linkage, Model, RecordRef, cluster, cluster_evidence, normalize,
};
use cordon_model::Location;
use serde::Serialize;

use crate::error::ApplicantError;
use crate::record::Applicant;
use crate::rules::LinkParams;

/// A link between two accounts, for review.
#[derive(Debug, Clone, Serialize)]
pub struct LinkOut {
    /// One record id.
    pub a: String,
    /// The other.
    pub b: String,
    /// Match weight (log2 odds; the sum of the counted reasons).
    pub score: f64,
    /// Why, one line per reason (`shared payout_account "…" (held by 2 records) +15.29`).
    pub reasons: Vec<String>,
}

/// A cluster of two or more records.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterOut {
    /// Cluster id (stable for a given input).
    pub cluster: u32,
    /// Member record ids.
    pub members: Vec<String>,
    /// Collective evidence in bits: per identifier group, the strongest value shared inside
    /// the cluster, summed (see `docs/applicants.md`).
    pub score: f64,
    /// The links that hold it together.
    pub links: Vec<LinkOut>,
}

/// The result of linking a batch.
#[derive(Debug)]
pub struct Linked {
    /// Clusters of two or more records.
    pub clusters: Vec<ClusterOut>,
    /// Per record (input order): index into `clusters`.
    pub cluster_of: Vec<Option<usize>>,
    /// Per record: (other record, kind, distance) for near-identical photos and résumés.
    pub near: Vec<Vec<(usize, &'static str, f64)>>,
}

/// Extra key kinds this crate adds to the engine's applicant defaults.
fn key_specs() -> Vec<KeySpec> {
    let mut v = KeySpec::applicant_defaults();
    if !v.iter().any(|k| k.name == "wallet") {
        v.push(KeySpec::exact("wallet", 0.8, 1e-6, 20));
    }
    v
}

/// Splits a full name into (given, surname): the last word is the surname.
fn split_name(n: &str) -> (String, String) {
    let n = n.trim().to_lowercase();
    match n.rsplit_once(char::is_whitespace) {
        Some((g, s)) => (g.trim().to_owned(), s.to_owned()),
        None => (String::new(), n),
    }
}

/// Links and clusters applicants.
pub fn link_applicants(apps: &[Applicant], p: &LinkParams) -> Result<Linked, ApplicantError> {
    let mut b = DatasetBuilder::new(&APPLICANT_FIELDS);
    let specs = key_specs();
    let kinds: Vec<(String, u16)> = specs
        .into_iter()
        .map(|s| {
            let name = s.name.clone();
            (name, b.key_kind(s))
        })
        .collect();
    let kind = |name: &str| kinds.iter().find(|k| k.0 == name).map(|k| k.1);
    let (
        k_email,
        k_phone,
        k_payout,
        k_wallet,
        k_device,
        k_home,
        k_ship,
        k_ip,
        k_net,
        k_handle,
        k_doc,
        k_photo,
        k_resume,
    ) = (
        kind("email"),
        kind("phone"),
        kind("payout_account"),
        kind("wallet"),
        kind("device"),
        kind("home_address"),
        kind("shipping_address"),
        kind("ip"),
        kind("ip_net"),
        kind("handle"),
        kind("id_document"),
        kind("photo"),
        kind("resume"),
    );
    b.reserve(apps.len());
    let mut keys: Vec<(u16, KeyValue)> = Vec::with_capacity(32);
    // Dataset index → input index (the builder may refuse a record).
    let mut input_of: Vec<usize> = Vec::with_capacity(apps.len());
    for (ai, a) in apps.iter().enumerate() {
        keys.clear();
        let mut push = |k: Option<u16>, v: KeyValue| {
            if let Some(k) = k {
                keys.push((k, v));
            }
        };
        for e in &a.emails {
            if let Some(v) = normalize::email(e) {
                push(k_email, KeyValue::Exact(v));
            }
        }
        for ph in &a.phones {
            push(k_phone, KeyValue::Exact(ph.clone()));
        }
        for x in &a.payout_accounts {
            if let Some(v) = normalize::account(&x.number) {
                push(k_payout, KeyValue::Exact(v));
            }
        }
        for w in &a.wallets {
            push(k_wallet, KeyValue::Exact(wallet_key(w)));
        }
        for ad in &a.addresses {
            if let Some(v) = normalize::address(&ad.text) {
                let k = if ad.kind == "shipping" {
                    k_ship
                } else if ad.kind == "home" {
                    k_home
                } else {
                    None
                };
                push(k, KeyValue::Exact(v));
            }
        }
        let mut ips: Vec<std::net::IpAddr> = a.logins.iter().filter_map(|l| l.ip).collect();
        ips.sort_unstable();
        ips.dedup();
        for ip in ips {
            if let Some((one, net)) = normalize::ip_keys(&ip.to_string()) {
                push(k_ip, KeyValue::Exact(one));
                push(k_net, KeyValue::Exact(net));
            }
        }
        let mut devices: Vec<&str> = a
            .logins
            .iter()
            .filter_map(|l| l.device.as_deref())
            .collect();
        devices.sort_unstable();
        devices.dedup();
        for d in devices {
            push(k_device, KeyValue::Exact(d.to_owned()));
        }
        for h in &a.handles {
            let h = h.trim().trim_start_matches('@').to_lowercase();
            if !h.is_empty() {
                push(k_handle, KeyValue::Exact(h));
            }
        }
        for d in &a.id_documents {
            if let Some(n) = d.number.as_deref().and_then(normalize::account) {
                push(
                    k_doc,
                    KeyValue::Exact(format!("{}:{n}", d.country.as_deref().unwrap_or(""))),
                );
            }
        }
        if let Some(h) = a.photo_phash {
            push(k_photo, KeyValue::Bits(h));
        }
        if let Some(r) = &a.resume {
            push(k_resume, KeyValue::Text(r.as_bytes().to_vec()));
        }
        let (given, surname) = a.names.first().map(|n| split_name(n)).unwrap_or_default();
        let dob = a.date_of_birth.map(|d| d.to_string()).unwrap_or_default();
        let country = a.claimed_country.as_deref().unwrap_or("").to_owned();
        let opt = |s: &str| (!s.is_empty()).then(|| s.as_bytes().to_vec());
        let fields_owned = [opt(&given), opt(&surname), opt(&dob), opt(&country)];
        let fields: Vec<Option<&[u8]>> = fields_owned.iter().map(|f| f.as_deref()).collect();
        if b.push(RecordRef {
            id: a.id.as_bytes(),
            source: 0,
            fields: &fields,
            keys: &keys,
            location: &Location::default(),
        })
        .is_some()
        {
            input_of.push(ai);
        }
    }
    // A value's rarity is its share of all records (term frequency): in a batch of three, two
    // records sharing a payout account would make it "common". Keyless placeholder records
    // (never candidates: they hold no identifier) stand in for the population the batch comes
    // from, up to `min_population`.
    for i in apps.len()..p.min_population {
        let id = format!("\u{0}pad{i}");
        let none: [Option<&[u8]>; 4] = [None; 4];
        b.push(RecordRef {
            id: id.as_bytes(),
            source: 0,
            fields: &none,
            keys: &[],
            location: &Location::default(),
        });
    }
    let input = |rec: u32| input_of.get(rec as usize).copied();
    let (ds, _diags) = b.finish();
    let mut model = Model::new(vec![
        ComparisonSpec::name("given_name").tf(),
        ComparisonSpec::name("surname").tf(),
        ComparisonSpec::date("date_of_birth"),
    ])?;
    if apps.len() >= 2 {
        model.estimate_u(&ds, LinkType::Dedupe, 200_000, 0xA991)?;
    }
    let cfg = LinkConfig {
        blocking: Vec::new(),
        fs: FsUse::PositiveOnly,
        identifiers: true,
        prior_weight: Some(p.prior_weight),
        threshold: 0.0,
        ..LinkConfig::default()
    };
    let linkage: Linkage = cordon_er::link(&ds, Some(&model), &cfg)?;
    let clustering: Clustering = cluster(
        ds.len(),
        &linkage.links,
        &ClusterConfig {
            threshold: 0.0,
            strong: Some(p.strong),
        },
    );
    let mut cluster_of = vec![None; apps.len()];
    let mut clusters = Vec::with_capacity(clustering.clusters.len());
    for c in &clustering.clusters {
        if c.members.len() < 2 {
            continue;
        }
        let score: f64 = cluster_evidence(&ds, c, &linkage.links, p.evidence_min)
            .iter()
            .map(|g| g.weight)
            .sum();
        let links = c
            .links
            .iter()
            .filter_map(|&li| linkage.links.get(li))
            .map(|l| LinkOut {
                a: ds.id(l.a).to_owned(),
                b: ds.id(l.b).to_owned(),
                score: (l.weight * 100.0).round() / 100.0,
                reasons: l.reasons.iter().map(ToString::to_string).collect(),
            })
            .collect();
        let ix = clusters.len();
        for &m in &c.members {
            if let Some(slot) = input(m).and_then(|i| cluster_of.get_mut(i)) {
                *slot = Some(ix);
            }
        }
        clusters.push(ClusterOut {
            cluster: u32::try_from(ix).unwrap_or(u32::MAX),
            members: c.members.iter().map(|&m| ds.id(m).to_owned()).collect(),
            score: (score * 100.0).round() / 100.0,
            links,
        });
    }
    let mut near: Vec<Vec<(usize, &'static str, f64)>> = vec![Vec::new(); apps.len()];
    for l in &linkage.links {
        for r in &l.reasons {
            if let cordon_er::Reason::NearIdentifier { kind, distance, .. } = r {
                let k: &'static str = match kind.as_str() {
                    "photo" => "photo",
                    "resume" => "resume",
                    _ => continue,
                };
                let (Some(ia), Some(ib)) = (input(l.a), input(l.b)) else {
                    continue;
                };
                if let Some(v) = near.get_mut(ia) {
                    v.push((ib, k, *distance));
                }
                if let Some(v) = near.get_mut(ib) {
                    v.push((ia, k, *distance));
                }
            }
        }
    }
    Ok(Linked {
        clusters,
        cluster_of,
        near,
    })
}

/// A wallet's comparison key: hex (EVM) addresses are case-insensitive, others exact.
pub(crate) fn wallet_key(w: &str) -> String {
    let w = w.trim();
    if w.starts_with("0x") || w.starts_with("0X") {
        w.to_ascii_lowercase()
    } else {
        w.to_owned()
    }
}
