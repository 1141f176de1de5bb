//! Cordon's applicant screening: finds disguised DPRK IT workers among job and freelance
//! applicants, as the US, ROK and Japanese advisories ask hiring platforms to.
//!
//! A batch of [`Applicant`] records (JSON lines or CSV, read by [`read_records`]) goes through
//! one [`Screener`]:
//!
//! - **red-flag rules** ([`rules`]), one per advisory indicator that record data can test, each
//!   with its `IW-xx` id, its advisory, parameters from a YAML rules file and the evidence it
//!   fired on; IP facts come from a user-supplied [`IpDb`] (`.mmdb` or CSV ranges);
//! - **list screening** ([`ListIndex`]): names and work-history employers through the
//!   screening engine, e-mails, phones, websites and wallets exactly;
//! - **linked accounts** through `cordon-er`: shared identifiers weighted by rarity with hub
//!   caps, Fellegi–Sunter name/date comparisons, clusters with the reasons of each link; a
//!   cluster touching a listed identifier is raised as a whole; nothing is merged;
//! - a **risk report** per applicant and per cluster with the due-diligence actions the
//!   advisories recommend.
//!
//! ```
//! use cordon_applicants::{Format, ReadLimits, Rules, Screener, read_records};
//!
//! let input = r#"{"id": "a1", "names": ["Jon Smith"], "claimed_country": "US", "payout_accounts": [{"number": "TX1", "method": "crypto"}]}
//! {"id": "a2", "names": ["Mary Jones"], "claimed_country": "US", "payout_accounts": ["TX1"]}
//! "#;
//! let read = read_records(input.as_bytes(), Format::JsonLines, None, &ReadLimits::default());
//! let apps: Vec<_> = read.records.into_iter().map(|(_, a)| a).collect();
//! let screener = Screener::new(Rules::default_rules());
//! let batch = screener.screen_batch(&apps)?;
//! let a1 = &batch.applicants[0];
//! let fired: Vec<&str> = a1.indicators.iter().map(|i| i.id).collect();
//! assert!(fired.contains(&"IW-36") && fired.contains(&"IW-41"));
//! assert_eq!(a1.cluster, batch.applicants[1].cluster);
//! # Ok::<(), cordon_applicants::ApplicantError>(())
//! ```

mod error;
mod ipdb;
mod known;
mod linking;
mod lists;
mod phone;
mod record;
pub mod rules;
pub mod synth;

use cordon_er::RecordIx;
use rayon::prelude::*;
use serde::Serialize;

pub use cordon_er::Population;
pub use error::ApplicantError;
pub use ipdb::{IpDb, IpInfo};
pub use known::{KnownAccounts, KnownLinks};
pub use linking::{
    ClusterOut, LINK_FIELDS, LinkOut, Linked, applicant_comparisons, default_model,
    link_applicants, train_model,
};
pub use lists::{ListHit, ListIndex};
pub use phone::{PhoneFacts, e164, facts as phone_facts};
pub use record::{
    Address, Applicant, Employment, Format, IdDocument, Interview, Login, PayoutAccount,
    ReadLimits, ReadOutcome, parse_record, read_records, read_records_chunked, records_from_json,
};
pub use rules::{Context, Egress, Indicator, Rules, evaluate, evaluate_own, evaluate_shared};

/// The screening report of one applicant (one output line of `cordon applicants screen`).
#[derive(Debug, Clone, Serialize)]
pub struct ApplicantReport {
    /// The record id.
    pub id: String,
    /// 0–1 (see `docs/applicants.md` for the combination).
    pub risk: f64,
    /// `low`, `medium` or `high`.
    pub level: &'static str,
    /// Indicators that fired, with evidence.
    pub indicators: Vec<Indicator>,
    /// List hits.
    pub list_hits: Vec<ListHit>,
    /// The cluster of linked accounts it belongs to.
    pub cluster: Option<u32>,
    /// Due-diligence actions the advisories recommend for what was found.
    pub actions: Vec<&'static str>,
}

/// The risk report of one cluster of linked accounts.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterReport {
    /// Members, links and collective evidence.
    #[serde(flatten)]
    pub cluster: ClusterOut,
    /// Highest member risk.
    pub risk: f64,
    /// Its level.
    pub level: &'static str,
    /// Whether the cluster is raised (evidence at or above `link.raise`, or a listed member).
    pub raised: bool,
    /// Members with a direct list hit.
    pub listed_members: Vec<String>,
}

impl ApplicantReport {
    /// Writes the report as one line of `cordon applicants screen` output (the HTTP service
    /// answers with the same JSON object).
    pub fn write_line(&self, w: impl std::io::Write) -> std::io::Result<()> {
        json_line(self, w)
    }
}

impl ClusterOut {
    /// Writes the cluster as one line of `cordon applicants link` output (the HTTP service
    /// answers with the same JSON object).
    pub fn write_line(&self, w: impl std::io::Write) -> std::io::Result<()> {
        json_line(self, w)
    }
}

pub(crate) fn json_line(v: &impl Serialize, mut w: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer(&mut w, v)?;
    w.write_all(b"\n")
}

/// A screened batch.
#[derive(Debug)]
pub struct BatchReport {
    /// One report per input record, in input order.
    pub applicants: Vec<ApplicantReport>,
    /// One report per cluster of two or more records.
    pub clusters: Vec<ClusterReport>,
}

/// Rules, IP database and lists: everything screening needs.
#[derive(Debug)]
pub struct Screener {
    rules: Rules,
    ipdb: IpDb,
    lists: Option<ListIndex>,
    population: Option<Population>,
}

/// Other record ids listed in one piece of shared-value evidence.
const MAX_LISTED_OTHERS: usize = 10;

impl Screener {
    /// A screener with no IP database and no lists.
    pub fn new(rules: Rules) -> Self {
        Screener {
            rules,
            ipdb: IpDb::new(),
            lists: None,
            population: None,
        }
    }

    /// Judges rarity against the statistics of the population batches come from (saved from
    /// the platform's records with [`Screener::population_of`]) instead of the rules'
    /// `link.population` size.
    #[must_use]
    pub fn with_population(mut self, population: Population) -> Self {
        self.population = Some(population);
        self
    }

    /// The statistics of a set of records (their size and how many hold each identifier and
    /// name value, as hashes), to judge later batches against.
    pub fn population_of(&self, apps: &[Applicant]) -> Result<Population, ApplicantError> {
        let given = self.population.as_ref();
        let (ds, _, _) = linking::dataset(apps, linking::population(&self.rules.link, given));
        let mut p = Population::from_dataset(&ds);
        if let Some(earlier) = given {
            p.records = p.records.max(earlier.records);
        }
        Ok(p)
    }

    /// Indexes the accounts of earlier batches (the platform's records) so that new
    /// applicants can be linked to them one at a time ([`Screener::link_to_known`]). Rarity is
    /// then judged against their statistics, in a population of at least `link.population`
    /// records (as a batch is) or this screener's population when larger.
    pub fn known_accounts(&self, records: Vec<Applicant>) -> Result<KnownAccounts, ApplicantError> {
        let mut population = self.population_of(&records)?;
        population.records = population.records.max(self.rules.link.population);
        Ok(KnownAccounts::new(records, population))
    }

    /// Links new applicants (one, on a sign-up path) to known accounts and to each other: the
    /// clusters holding a new applicant, with the reasons of every link. Only the known
    /// accounts that share an identifier value with a new applicant (or a near-identical photo
    /// or résumé) take part, so one applicant costs a few index look-ups and a small linkage,
    /// not a pass over the population.
    pub fn link_to_known(
        &self,
        new: &[Applicant],
        known: &KnownAccounts,
    ) -> Result<KnownLinks, ApplicantError> {
        known.link(new, &self.rules.link)
    }

    /// Uses an IP database.
    #[must_use]
    pub fn with_ipdb(mut self, ipdb: IpDb) -> Self {
        self.ipdb = ipdb;
        self
    }

    /// Screens against lists.
    #[must_use]
    pub fn with_lists(mut self, lists: ListIndex) -> Self {
        self.lists = Some(lists);
        self
    }

    /// The lists, when screening against them.
    pub fn lists(&self) -> Option<&ListIndex> {
        self.lists.as_ref()
    }

    /// The rules in force.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Screens one applicant on its own (no batch to link against).
    pub fn screen_one(&self, a: &Applicant) -> Result<ApplicantReport, ApplicantError> {
        let mut b = self.screen_batch(std::slice::from_ref(a))?;
        b.applicants
            .pop()
            .ok_or(ApplicantError::Linkage(cordon_er::ErError::Config(
                "empty batch".into(),
            )))
    }

    /// Links the batch only (`cordon applicants link`): the same clusters as screening finds
    /// (the red flags of each record take part in linking; see [`Screener::screen_batch`]).
    pub fn link(&self, apps: &[Applicant]) -> Result<Linked, ApplicantError> {
        Ok(self
            .read_and_link(apps.chunks(linking::CHUNK), &mut |_| {})?
            .0
            .linked)
    }

    /// Screens a batch: rules, lists, linkage, reports.
    pub fn screen_batch(&self, apps: &[Applicant]) -> Result<BatchReport, ApplicantError> {
        self.screen_batch_with(apps, &mut |_| {})
    }

    /// [`Screener::screen_batch`], calling `on_phase` as each phase starts (`records`,
    /// `training`, `linking`, `clustering`, `rules`, `reports`): for progress display and
    /// per-phase timing.
    pub fn screen_batch_with(
        &self,
        apps: &[Applicant],
        on_phase: &mut dyn FnMut(&'static str),
    ) -> Result<BatchReport, ApplicantError> {
        self.screen_stream(apps.chunks(linking::CHUNK), on_phase)
    }

    /// Screens a batch that arrives in chunks (read from a file, generated), in input order:
    /// each chunk's records are screened by the rules that read one record, and their linkage
    /// keys are taken, in parallel; then the chunk is dropped. Only what the batch-wide steps
    /// need of each record stays (its findings, login addresses and photo hash), so a batch
    /// need not fit in memory as records. The same reports as [`Screener::screen_batch_with`].
    pub fn screen_stream<C: AsRef<[Applicant]>>(
        &self,
        chunks: impl IntoIterator<Item = C>,
        on_phase: &mut dyn FnMut(&'static str),
    ) -> Result<BatchReport, ApplicantError> {
        let (run, seen) = self.read_and_link(chunks, on_phase)?;
        on_phase("rules");
        let r = &self.rules;
        // Values held by more accounts than every shared-value rule's cap are hubs to them all.
        let rp = &r.rules;
        let holders_max = [
            rp.iw02.max_accounts,
            rp.iw21.max_accounts,
            rp.iw41.max_accounts,
            rp.iw48.max_accounts,
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        let shared = run.ds.shared_values(holders_max);
        // A value shared only inside a household (same home address) is what households do
        // (a home IP, a landline, a joint account): it fires no shared-value rule, as it
        // weighs little in linking.
        // The linkage dataset's `address` field is the normalised home address, interned.
        let address_field = LINK_FIELDS
            .iter()
            .position(|f| *f == "address")
            .unwrap_or(3);
        let household = |x: RecordIx, y: RecordIx| {
            let (a, b) = (
                run.ds.value_code(x, address_field),
                run.ds.value_code(y, address_field),
            );
            a != 0 && a == b
        };
        let shared_of = |i: usize| -> Vec<(&'static str, String, Vec<String>, usize)> {
            let Some(rec) = run.record_of.get(i).copied().flatten() else {
                return Vec::new();
            };
            shared
                .of(&run.ds, rec)
                .filter_map(|v| {
                    let kind = shared_kind(v.kind)?;
                    let others: Vec<RecordIx> = v.holders().filter(|&h| h != rec).collect();
                    let outside = others.iter().filter(|&&h| !household(rec, h)).count();
                    // Holders beyond the batch (population statistics) are of unknown
                    // households.
                    if outside == 0 && v.records == others.len() + 1 {
                        return None;
                    }
                    let ids = others
                        .iter()
                        .take(MAX_LISTED_OTHERS)
                        .map(|&h| run.ds.id(h).to_owned())
                        .collect();
                    Some((kind, v.value.to_owned(), ids, v.records))
                })
                .collect()
        };
        // Records with one identity (name and birth date), for IW-13.
        let identity = |rec: RecordIx| -> Option<[u32; 3]> {
            let k = [0, 1, 2].map(|f| run.ds.value_code(rec, f));
            k.iter().all(|&c| c != 0).then_some(k)
        };
        let mut by_identity: rustc_hash::FxHashMap<[u32; 3], Vec<RecordIx>> =
            rustc_hash::FxHashMap::default();
        if r.rules.iw13.enabled {
            for rec in 0..run.ds.len() as RecordIx {
                if let Some(k) = identity(rec) {
                    by_identity.entry(k).or_default().push(rec);
                }
            }
        }
        let same_identity = |i: usize| -> Vec<(String, Option<u32>)> {
            let Some(rec) = run.record_of.get(i).copied().flatten() else {
                return Vec::new();
            };
            let Some(group) = identity(rec).and_then(|k| by_identity.get(&k)) else {
                return Vec::new();
            };
            let photo = |r: RecordIx| {
                run.input_of
                    .get(r as usize)
                    .and_then(|&j| seen.get(j)?.photo)
            };
            group
                .iter()
                .filter(|&&o| o != rec)
                .take(MAX_LISTED_OTHERS)
                .map(|&o| {
                    let d = photo(rec).zip(photo(o)).map(|(x, y)| (x ^ y).count_ones());
                    (run.ds.id(o).to_owned(), d)
                })
                .collect()
        };
        let linked = &run.linked;
        let id_of = |i: usize| seen.get(i).map(|s| s.id.clone()).unwrap_or_default();
        let shared_found: Vec<Vec<Indicator>> = (0..seen.len())
            .into_par_iter()
            .map(|i| {
                let mut ctx = Context {
                    shared: shared_of(i),
                    same_identity: same_identity(i),
                    ..Context::default()
                };
                for &(other, kind, d) in linked.near.get(i).map(Vec::as_slice).unwrap_or_default() {
                    match kind {
                        "photo" => ctx.near_photos.push((id_of(other), d)),
                        _ => ctx.near_resumes.push((id_of(other), d)),
                    }
                }
                let egress = seen.get(i).map(|s| &s.egress);
                rules::evaluate_shared(egress.unwrap_or(&rules::Egress::default()), &ctx, r)
            })
            .collect();

        // Clusters: raised by evidence or by a member holding a listed identifier (then every
        // member is told). A name that resembles a listed person's is that member's own hit:
        // common names would otherwise raise whole families.
        let mut listed: Vec<Vec<String>> = vec![Vec::new(); linked.clusters.len()];
        for (i, s) in seen.iter().enumerate() {
            if let Some(c) = linked.cluster_of.get(i).copied().flatten()
                && s.hits.iter().any(ListHit::is_identifier)
                && let Some(slot) = listed.get_mut(c)
            {
                slot.push(s.id.clone());
            }
        }
        // Members whose own red flags (not the sharing that links them) reach `medium`: linked
        // accounts that each look wrong on their own are a combination the advisories ask to
        // review, even when what links them is weaker.
        let mut flagged = vec![0usize; linked.clusters.len()];
        for (i, s) in seen.iter().enumerate() {
            if s.suspect
                && let Some(slot) = linked
                    .cluster_of
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|c| flagged.get_mut(c))
            {
                *slot += 1;
            }
        }
        let raised: Vec<bool> = linked
            .clusters
            .iter()
            .zip(&listed)
            .zip(&flagged)
            .map(|((c, l), &f)| {
                c.score >= r.link.raise
                    || !l.is_empty()
                    || (c.score >= r.link.raise_flagged && f >= r.link.flagged_members)
            })
            .collect();

        on_phase("reports");
        let mut reports: Vec<ApplicantReport> = Vec::with_capacity(seen.len());
        for (i, (s, shared_found)) in seen.into_iter().zip(shared_found).enumerate() {
            let Seen {
                id, own, mut hits, ..
            } = s;
            let indicators = rules::merge_indicators(own, shared_found);
            let cix = linked.cluster_of.get(i).copied().flatten();
            let mut keep = 1.0;
            for ind in &indicators {
                keep *= 1.0 - ind.weight;
            }
            if let Some(c) = cix {
                if !hits.iter().any(ListHit::is_identifier)
                    && let Some(members) = listed.get(c)
                {
                    for m in members {
                        hits.push(ListHit {
                            kind: "linked",
                            value: m.clone(),
                            entity: String::new(),
                            caption: format!("linked account {m} has a list hit"),
                            score: 1.0,
                            datasets: Vec::new(),
                            programs: Vec::new(),
                            via: Some(m.clone()),
                            weight: r.lists.identifier_weight,
                        });
                    }
                }
                if raised.get(c).copied().unwrap_or(false) {
                    keep *= 1.0 - r.link.cluster_weight;
                }
            }
            for h in &hits {
                keep *= 1.0 - h.weight;
            }
            let risk = rules::round3((1.0 - keep).clamp(0.0, 1.0));
            let in_raised = cix.is_some_and(|c| raised.get(c).copied().unwrap_or(false));
            let actions = actions(&indicators, &hits, in_raised);
            reports.push(ApplicantReport {
                id,
                risk,
                level: level(risk, r),
                indicators,
                list_hits: hits,
                cluster: cix.and_then(|c| linked.clusters.get(c)).map(|c| c.cluster),
                actions,
            });
        }
        let linked = run.linked;
        let mut cluster_risk = vec![0.0f64; linked.clusters.len()];
        for (rep, c) in reports.iter().zip(&linked.cluster_of) {
            if let Some(slot) = c.and_then(|c| cluster_risk.get_mut(c)) {
                *slot = slot.max(rep.risk);
            }
        }
        let mut clusters = Vec::with_capacity(linked.clusters.len());
        for ((ci, c), risk) in linked.clusters.into_iter().enumerate().zip(cluster_risk) {
            clusters.push(ClusterReport {
                cluster: c,
                risk,
                level: level(risk, r),
                raised: raised.get(ci).copied().unwrap_or(false),
                listed_members: listed.get(ci).cloned().unwrap_or_default(),
            });
        }
        Ok(BatchReport {
            applicants: reports,
            clusters,
        })
    }

    /// Reads the chunks (the rules that read one record, list screening and linkage keys, in
    /// parallel per chunk), then links the batch with each record's own red flags.
    fn read_and_link<C: AsRef<[Applicant]>>(
        &self,
        chunks: impl IntoIterator<Item = C>,
        on_phase: &mut dyn FnMut(&'static str),
    ) -> Result<(linking::LinkRun, Vec<Seen>), ApplicantError> {
        on_phase("records");
        let r = &self.rules;
        let mut input =
            linking::LinkInput::new(linking::population(&r.link, self.population.as_ref()));
        let mut seen: Vec<Seen> = Vec::new();
        for chunk in chunks {
            let chunk = chunk.as_ref();
            let read: Vec<(Seen, linking::Prepared)> = chunk
                .par_iter()
                .map(|a| (self.screen_own(a), input.prepare(a)))
                .collect();
            let (found, prepared): (Vec<Seen>, Vec<linking::Prepared>) = read.into_iter().unzip();
            input.push(chunk, &prepared);
            seen.extend(found);
        }
        let (ds, input_of, inputs) = input.finish();
        let suspects: Vec<bool> = seen.iter().map(|s| s.suspect).collect();
        let run = linking::link_dataset(ds, input_of, inputs, &r.link, Some(&suspects), on_phase)?;
        Ok((run, seen))
    }

    /// What one record shows on its own: list hits and the rules that read it alone, and what
    /// the batch-wide rules will need of it.
    fn screen_own(&self, a: &Applicant) -> Seen {
        let r = &self.rules;
        let (hits, listed_wallets) = match &self.lists {
            Some(l) => l.screen(a, &r.lists),
            None => (Vec::new(), Vec::new()),
        };
        let mut ctx = Context {
            listed_wallets,
            ..Context::default()
        };
        if !self.ipdb.is_empty() {
            for l in &a.logins {
                if let Some(ip) = l.ip {
                    ctx.ip_facts
                        .entry(ip)
                        .or_insert_with(|| self.ipdb.lookup(ip));
                }
            }
        }
        let own = rules::evaluate_own(a, &ctx, r);
        let own_risk = 1.0 - own.iter().fold(1.0, |keep, x| keep * (1.0 - x.weight));
        Seen {
            id: a.id.clone(),
            suspect: own_risk >= r.levels.medium,
            egress: if r.rules.iw09.enabled {
                rules::Egress::of(a, &ctx)
            } else {
                rules::Egress::default()
            },
            own,
            hits,
            photo: a.photo_phash,
        }
    }
}

/// What screening keeps of a record once its chunk has passed.
#[derive(Debug)]
struct Seen {
    id: String,
    /// The rules that read the record alone.
    own: Vec<Indicator>,
    /// Whether those reach `medium` on their own (a suspect for linking, a flagged member for
    /// raising).
    suspect: bool,
    hits: Vec<ListHit>,
    /// For IW-09.
    egress: rules::Egress,
    /// For IW-13.
    photo: Option<u64>,
}

fn level(risk: f64, r: &Rules) -> &'static str {
    if risk >= r.levels.high {
        "high"
    } else if risk >= r.levels.medium {
        "medium"
    } else {
        "low"
    }
}

/// Due-diligence actions, as the advisories word them (`docs/applicants.md` §Actions).
pub const ACTIONS: [(&str, &str); 8] = [
    (
        "list",
        "Stop: do not hire or pay before compliance review; a listed party may make any payment a sanctions violation. Report to the FBI/IC3 (US) or the police/MOFA (ROK).",
    ),
    (
        "identity",
        "Verify identity documents and references directly, and run background checks yourself rather than relying on a staffing company.",
    ),
    (
        "video",
        "Hold a live video interview with the camera on and identity shown; ask about the claimed location; onboard in person where possible.",
    ),
    (
        "duplicates",
        "Cross-check HR systems for other applicants with the same résumé content, phone numbers and e-mails.",
    ),
    (
        "payment",
        "Do not pay in cryptocurrency; confirm the payout account is in the worker's own name; watch for payment-method changes.",
    ),
    (
        "shipping",
        "Ship equipment only to the address on the identity documents; watch for address changes.",
    ),
    (
        "access",
        "Restrict remote-desktop tools and local admin rights; monitor remote-access traffic and logins from VPN or hosting networks.",
    ),
    (
        "linked",
        "Review the linked accounts together (their links and reasons are in the link report); nothing was merged.",
    ),
];

fn actions(ind: &[Indicator], hits: &[ListHit], linked: bool) -> Vec<&'static str> {
    let mut want: Vec<&str> = Vec::new();
    if !hits.is_empty() {
        want.push("list");
    }
    for i in ind {
        let keys: &[&str] = match i.id {
            "IW-01" | "IW-02" | "IW-03" | "IW-05" | "IW-06" | "IW-10" => &["video", "access"],
            "IW-09" => &["shipping", "access"],
            "IW-13" | "IW-15" | "IW-17" | "IW-21" | "IW-22" => &["duplicates", "identity"],
            "IW-18" | "IW-19" | "IW-20" | "IW-26" => &["identity", "video"],
            "IW-24" => &["identity"],
            "IW-28" | "IW-29" => &["video"],
            "IW-36" | "IW-37" | "IW-40" | "IW-41" | "IW-46" => &["payment"],
            "IW-47" | "IW-48" | "IW-49" => &["shipping"],
            _ => &["identity"],
        };
        want.extend_from_slice(keys);
    }
    if linked {
        want.push("linked");
    }
    ACTIONS
        .iter()
        .filter(|(k, _)| want.contains(k))
        .map(|(_, text)| *text)
        .collect()
}

/// The identifier kinds the shared-value rules read (IW-02, 21, 41, 48).
fn shared_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "ip" => "ip",
        "email" => "email",
        "phone" => "phone",
        "payout_account" => "payout_account",
        "wallet" => "wallet",
        "shipping_address" => "shipping_address",
        "ip_net" => "ip_net",
        "id_document" => "id_document",
        _ => return None,
    })
}
