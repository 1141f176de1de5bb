//! The one adapter to `cordon-er`: applicant records become a linkage dataset (names, birth
//! date and home address for Fellegi–Sunter comparisons; identifiers as shared keys) judged
//! against the population the batch comes from, linked and clustered with the engine's reasons.

use std::net::IpAddr;

use cordon_er::{
    BlockingRule, ClusterConfig, Clustering, ComparisonSpec, Dataset, DatasetBuilder, FsUse, Hub,
    KeySpec, KeyValue, Limits, LinkConfig, LinkType, Linkage, Model, Population, RecordIx,
    RecordRef, Suspects, cluster, cluster_evidence, normalize,
};
use cordon_model::Location;
use rayon::prelude::*;
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
    /// Identifier values too common to link anybody (VPN exits, corporate NATs), largest first.
    pub hubs: Vec<Hub>,
}

/// Field names of the linkage dataset, compared by the applicant model.
pub const LINK_FIELDS: [&str; 4] = ["given_name", "surname", "date_of_birth", "address"];

/// The Fellegi–Sunter comparisons of applicants: names with term-frequency adjustment, birth
/// dates, and home addresses that are similar but not equal (equal ones are the shared
/// `home_address` identifier, so they are not counted twice).
pub fn applicant_comparisons() -> Vec<ComparisonSpec> {
    vec![
        ComparisonSpec::name("given_name").tf(),
        ComparisonSpec::name("surname").tf(),
        ComparisonSpec::date("date_of_birth"),
        ComparisonSpec::name("address").named("address"),
    ]
}

/// Trains the applicant model on a dataset with [`LINK_FIELDS`], as Splink recommends: λ from
/// a deterministic rule (same names and birth date, recall 0.7), u from seeded random pairs
/// (exact levels from the value counts of the population), m by EM on pairs blocked on the
/// birth date and then on both names (round robin: each session estimates the comparisons its
/// rule does not block on; at most `max_em_pairs` pairs each, sampled).
pub fn train_model(ds: &Dataset, max_em_pairs: usize, seed: u64) -> Result<Model, ApplicantError> {
    let mut model = Model::new(applicant_comparisons())?;
    model.estimate_lambda(
        ds,
        LinkType::Dedupe,
        &[BlockingRule::on(&[
            "given_name",
            "surname",
            "date_of_birth",
        ])],
        0.7,
    )?;
    model.estimate_u(ds, LinkType::Dedupe, 200_000, seed)?;
    for rule in [
        BlockingRule::on(&["date_of_birth"]),
        BlockingRule::on(&["given_name", "surname"]),
    ] {
        model.estimate_m_em_sampled(ds, LinkType::Dedupe, &rule, 25, max_em_pairs, seed)?;
    }
    discount_equal_addresses(&mut model);
    Ok(model)
}

/// Equal home addresses are counted by the `home_address` identifier (in the `place` group,
/// with a household's sharing in its u floor); the comparison only adds similar ones, so its
/// exact level gets m = u (weight 0; the m of its levels then no longer sum to 1).
fn discount_equal_addresses(model: &mut Model) {
    let Some(ci) = model.comparisons.iter().position(|c| c.field == "address") else {
        return;
    };
    if let (Some(m), Some(u)) = (model.m.get_mut(ci), model.u.get(ci))
        && let (Some(m0), Some(&u0)) = (m.first_mut(), u.first())
    {
        *m0 = u0;
    }
    if let Some(c) = model.comparisons.get_mut(ci) {
        c.tf_adjust = false;
    }
}

/// The model used for batches too small to train on: [`train_model`] run on FEBRL dataset3
/// (`cargo run -p cordon-applicants --example applicant_model`; `docs/applicants.md`).
const DEFAULT_MODEL: &str = include_str!("applicant_model.json");

/// The compiled-in applicant model (see [`DEFAULT_MODEL`]).
pub fn default_model() -> Result<Model, ApplicantError> {
    let model: Model = serde_json::from_str(DEFAULT_MODEL).map_err(|e| {
        ApplicantError::Linkage(cordon_er::ErError::Config(format!(
            "compiled-in applicant model: {e}"
        )))
    })?;
    if model.comparisons != applicant_comparisons_trained() {
        return Err(ApplicantError::Linkage(cordon_er::ErError::Config(
            "compiled-in applicant model does not match the applicant comparisons".into(),
        )));
    }
    Ok(model)
}

/// The comparisons as [`train_model`] leaves them.
fn applicant_comparisons_trained() -> Vec<ComparisonSpec> {
    let mut m = Model::new(applicant_comparisons()).map(|m| m.comparisons);
    if let Ok(c) = m.as_mut()
        && let Some(a) = c.iter_mut().find(|c| c.field == "address")
    {
        a.tf_adjust = false;
    }
    m.unwrap_or_default()
}

/// Identifier kinds registered in a builder.
struct Kinds {
    email: u16,
    phone: u16,
    payout: u16,
    wallet: u16,
    device: u16,
    home: u16,
    shipping: u16,
    ip: u16,
    ip_net: u16,
    handle: u16,
    document: u16,
    photo: u16,
    resume: u16,
}

impl Kinds {
    fn register(b: &mut DatasetBuilder) -> Kinds {
        let specs = KeySpec::applicant_defaults();
        let mut kind = |name: &str| {
            let spec = specs
                .iter()
                .find(|k| k.name == name)
                .cloned()
                // Every name below is one of the defaults; a missing one links nothing.
                .unwrap_or_else(|| KeySpec::exact(name, 0.5, 1.0, 0));
            b.key_kind(spec)
        };
        Kinds {
            email: kind("email"),
            phone: kind("phone"),
            payout: kind("payout_account"),
            wallet: kind("wallet"),
            device: kind("device"),
            home: kind("home_address"),
            shipping: kind("shipping_address"),
            ip: kind("ip"),
            ip_net: kind("ip_net"),
            handle: kind("handle"),
            document: kind("id_document"),
            photo: kind("photo"),
            resume: kind("resume"),
        }
    }

    /// An applicant's identifiers as normalised keys (distinct login IPs, networks and
    /// devices); a pure function, so batches prepare keys in parallel.
    fn keys(&self, a: &Applicant) -> Vec<(u16, KeyValue)> {
        let mut keys: Vec<(u16, KeyValue)> = Vec::with_capacity(24);
        let mut exact = |k: u16, v: String| keys.push((k, KeyValue::Exact(v)));
        for e in &a.emails {
            if let Some(v) = normalize::email(e) {
                exact(self.email, v);
            }
        }
        for ph in &a.phones {
            exact(self.phone, ph.clone());
        }
        for x in &a.payout_accounts {
            if let Some(v) = normalize::account(&x.number) {
                exact(self.payout, v);
            }
        }
        for w in &a.wallets {
            exact(self.wallet, wallet_key(w));
        }
        for ad in &a.addresses {
            let kind = match ad.kind.as_str() {
                "home" => self.home,
                "shipping" => self.shipping,
                _ => continue,
            };
            if let Some(v) = normalize::address(&ad.text) {
                exact(kind, v);
            }
        }
        let mut ips: Vec<IpAddr> = a.logins.iter().filter_map(|l| l.ip).collect();
        ips.sort_unstable();
        ips.dedup();
        for ip in ips {
            let (one, net) = normalize::ip_keys_of(ip);
            exact(self.ip, one);
            exact(self.ip_net, net);
        }
        let mut devices: Vec<&str> = a
            .logins
            .iter()
            .filter_map(|l| l.device.as_deref())
            .collect();
        devices.sort_unstable();
        devices.dedup();
        for d in devices {
            exact(self.device, d.to_owned());
        }
        for h in &a.handles {
            let h = h.trim().trim_start_matches('@').to_lowercase();
            if !h.is_empty() {
                exact(self.handle, h);
            }
        }
        for d in &a.id_documents {
            if let Some(n) = d.number.as_deref().and_then(normalize::account) {
                exact(
                    self.document,
                    format!("{}:{n}", d.country.as_deref().unwrap_or("")),
                );
            }
        }
        if let Some(h) = a.photo_phash {
            keys.push((self.photo, KeyValue::Bits(h)));
        }
        if let Some(r) = &a.resume {
            keys.push((self.resume, KeyValue::Text(r.as_bytes().to_vec())));
        }
        keys
    }
}

/// The compared fields of an applicant, in [`LINK_FIELDS`] order.
fn fields(a: &Applicant) -> [Option<Vec<u8>>; 4] {
    let (given, surname) = a.names.first().map(|n| split_name(n)).unwrap_or_default();
    let home = a
        .addresses
        .iter()
        .find(|x| x.kind == "home")
        .and_then(|x| normalize::address(&x.text));
    let some = |s: String| (!s.is_empty()).then(|| s.into_bytes());
    [
        some(given),
        some(surname),
        a.date_of_birth.map(|d| d.to_string().into_bytes()),
        home.map(String::into_bytes),
    ]
}

/// Splits a full name into (given, surname): the last word is the surname.
fn split_name(n: &str) -> (String, String) {
    let n = n.trim().to_lowercase();
    match n.rsplit_once(char::is_whitespace) {
        Some((g, s)) => (g.trim().to_owned(), s.to_owned()),
        None => (String::new(), n),
    }
}

/// A linked batch with the dataset behind it (for the screening rules).
#[derive(Debug)]
pub(crate) struct LinkRun {
    /// The linkage dataset.
    pub(crate) ds: Dataset,
    /// Per input record: its dataset record (`None` if the engine refused it).
    pub(crate) record_of: Vec<Option<RecordIx>>,
    /// Dataset record → input record.
    pub(crate) input_of: Vec<usize>,
    /// The linkage result for output.
    pub(crate) linked: Linked,
}

/// Records per chunk whose keys are prepared in parallel before being pushed.
pub(crate) const CHUNK: usize = 16_384;

/// An applicant's linkage keys and compared fields, prepared (in parallel) before the record
/// is pushed.
pub(crate) type Prepared = (Vec<(u16, KeyValue)>, [Option<Vec<u8>>; 4]);

/// The linkage dataset of a batch, built chunk by chunk as the records stream past.
pub(crate) struct LinkInput {
    builder: DatasetBuilder,
    kinds: Kinds,
    /// Dataset record → input record.
    input_of: Vec<usize>,
    /// Input records seen.
    inputs: usize,
}

impl LinkInput {
    /// An empty dataset judged against `population`.
    pub(crate) fn new(population: Population) -> LinkInput {
        let mut builder = DatasetBuilder::new(&LINK_FIELDS).with_population(population);
        let kinds = Kinds::register(&mut builder);
        LinkInput {
            builder,
            kinds,
            input_of: Vec::new(),
            inputs: 0,
        }
    }

    /// The identifier kinds, in the index order of [`LinkInput::prepare`]'s keys.
    pub(crate) fn key_kinds(&self) -> Vec<KeySpec> {
        self.builder.key_kinds().to_vec()
    }

    /// The size limits of the dataset (a résumé's signature depends on them).
    pub(crate) fn limits(&self) -> &Limits {
        self.builder.limits()
    }

    /// A record's keys and fields (a pure function: chunks prepare them in parallel).
    pub(crate) fn prepare(&self, a: &Applicant) -> Prepared {
        (self.kinds.keys(a), fields(a))
    }

    /// Pushes the next records of the input, with their prepared keys and fields.
    pub(crate) fn push(&mut self, apps: &[Applicant], prepared: &[Prepared]) {
        let records: Vec<(&str, &Prepared)> =
            apps.iter().map(|a| a.id.as_str()).zip(prepared).collect();
        self.push_prepared(&records);
    }

    /// Pushes the next records of the input as (id, prepared keys and fields): all that
    /// linkage reads of a record.
    pub(crate) fn push_prepared(&mut self, records: &[(&str, &Prepared)]) {
        let loc = Location::default();
        let field_refs: Vec<[Option<&[u8]>; 4]> = records
            .iter()
            .map(|(_, (_, f))| std::array::from_fn(|i| f.get(i).and_then(|v| v.as_deref())))
            .collect();
        let recs: Vec<RecordRef<'_>> = records
            .iter()
            .zip(&field_refs)
            .map(|((id, (keys, _)), fields)| RecordRef {
                id: id.as_bytes(),
                source: 0,
                fields,
                keys,
                location: &loc,
            })
            .collect();
        self.builder.reserve(recs.len());
        for (i, r) in self.builder.push_batch(&recs).into_iter().enumerate() {
            if r.is_some() {
                self.input_of.push(self.inputs + i);
            }
        }
        self.inputs += records.len();
    }

    /// The dataset, and per dataset record its input record.
    pub(crate) fn finish(self) -> (Dataset, Vec<usize>, usize) {
        (self.builder.finish().0, self.input_of, self.inputs)
    }
}

/// The linkage dataset of a whole batch.
pub(crate) fn dataset(apps: &[Applicant], population: Population) -> (Dataset, Vec<usize>, usize) {
    let mut input = LinkInput::new(population);
    for chunk in apps.chunks(CHUNK) {
        let prepared: Vec<Prepared> = chunk.par_iter().map(|a| input.prepare(a)).collect();
        input.push(chunk, &prepared);
    }
    input.finish()
}

/// The population a batch is judged against: the statistics given, or the rules' size.
pub(crate) fn population(p: &LinkParams, given: Option<&Population>) -> Population {
    given
        .cloned()
        .unwrap_or_else(|| Population::of_size(p.population))
}

/// Links and clusters applicants, judging rarity against a population of `p.population`
/// records (or the batch, when larger).
pub fn link_applicants(apps: &[Applicant], p: &LinkParams) -> Result<Linked, ApplicantError> {
    let (ds, input_of, inputs) = dataset(apps, population(p, None));
    Ok(link_dataset(ds, input_of, inputs, p, None, &mut |_| {})?.linked)
}

/// Trains, links and clusters a dataset. `suspects` (per input record) are records whose own
/// red flags reach review level: pairs of them gain from sharing values that mostly suspects
/// hold (`cordon_er::Suspects`; batches of at least `p.train_records` records, where the share
/// of suspects means something).
pub(crate) fn link_dataset(
    ds: Dataset,
    input_of: Vec<usize>,
    inputs: usize,
    p: &LinkParams,
    suspects: Option<&[bool]>,
    on_phase: &mut dyn FnMut(&'static str),
) -> Result<LinkRun, ApplicantError> {
    let mut record_of = vec![None; inputs];
    for (rec, &i) in input_of.iter().enumerate() {
        if let Some(slot) = record_of.get_mut(i) {
            *slot = Some(rec as RecordIx);
        }
    }
    on_phase("training");
    let model = if ds.len() >= p.train_records {
        train_model(&ds, p.em_pairs, 0xA991)?
    } else {
        let mut m = default_model()?;
        // The exact levels' u from the population's counts when known; fuzzy levels keep the
        // default model's shares (a small batch has too few pairs to estimate them).
        if ds.len() >= 2 {
            m.estimate_u(&ds, LinkType::Dedupe, 10_000, 0xA991)?;
        }
        m
    };
    let suspects = suspects
        .filter(|_| ds.len() >= p.train_records)
        .map(|flags| {
            let by_record: Vec<bool> = input_of
                .iter()
                .map(|&i| flags.get(i).copied().unwrap_or(false))
                .collect();
            // Records of one household (one home address) are not independent.
            let address = LINK_FIELDS
                .iter()
                .position(|f| *f == "address")
                .unwrap_or(3);
            let households: Vec<u32> = (0..ds.len() as RecordIx)
                .map(|r| ds.value_code(r, address))
                .collect();
            // Suspicion alone never links: it adds at most what the prior takes away.
            Suspects::new(by_record, p.suspect_recall, -p.prior_weight).with_units(households)
        });
    let cfg = LinkConfig {
        blocking: Vec::new(),
        fs: FsUse::PositiveOnly,
        identifiers: true,
        prior_weight: Some(p.prior_weight),
        threshold: 0.0,
        suspects,
        ..LinkConfig::default()
    };
    on_phase("linking");
    let linkage: Linkage = cordon_er::link(&ds, Some(&model), &cfg)?;
    on_phase("clustering");
    let clustering: Clustering = cluster(
        ds.len(),
        &linkage.links,
        &ClusterConfig {
            threshold: 0.0,
            strong: Some(p.strong),
        },
    );
    let input = |rec: RecordIx| input_of.get(rec as usize).copied();
    let mut cluster_of = vec![None; inputs];
    let mut clusters = Vec::with_capacity(clustering.clusters.len());
    for c in &clustering.clusters {
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
                score: round2(l.weight),
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
            score: round2(score),
            links,
        });
    }
    let mut near: Vec<Vec<(usize, &'static str, f64)>> = vec![Vec::new(); inputs];
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
    Ok(LinkRun {
        linked: Linked {
            clusters,
            cluster_of,
            near,
            hubs: linkage.hubs,
        },
        ds,
        record_of,
        input_of,
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiled_in_model_matches_the_comparisons() {
        let m = default_model().expect("default model");
        assert_eq!(m.comparisons.len(), LINK_FIELDS.len());
        // Equal addresses weigh nothing here: the shared home_address identifier counts them.
        let ci = m
            .comparisons
            .iter()
            .position(|c| c.field == "address")
            .expect("address");
        assert!((m.m[ci][0] - m.u[ci][0]).abs() < 1e-12);
        // Names agreeing exactly are evidence, disagreeing counter-evidence.
        assert!(m.m[1][0] > 10.0 * m.u[1][0], "{:?} {:?}", m.m[1], m.u[1]);
        assert!(m.m[1][4] < m.u[1][4]);
    }
}
