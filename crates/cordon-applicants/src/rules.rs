//! Red-flag rules: one per advisory indicator that applicant records can test, with their
//! parameters from a user-editable YAML file (`rules/itworker-rules.yaml` is the default).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::ApplicantError;
use crate::ipdb::IpInfo;
use crate::record::{Applicant, parse_tz};

/// The default rules file, compiled in.
pub const DEFAULT_RULES: &str = include_str!("../../../rules/itworker-rules.yaml");

/// Indicators that fire on values shared with other records: the sharing that links accounts,
/// not a red flag of the account itself (see `link.raise_flagged`).
pub const SHARING_INDICATORS: [&str; 9] = [
    "IW-02", "IW-09", "IW-13", "IW-15", "IW-17", "IW-21", "IW-22", "IW-41", "IW-48",
];

/// Each rule's id, what it tests and the advisory it comes from (`docs/applicants.md`).
pub const RULES: [(&str, &str, &str); 27] = [
    (
        "IW-01",
        "logins from several countries in a short period",
        "US-2022; ROK-2022; FBI-2025",
    ),
    (
        "IW-02",
        "several accounts log in from one IP address",
        "US-2022; ROK-2022",
    ),
    (
        "IW-03",
        "logged in continuously for a day or more",
        "US-2022; ROK-2022",
    ),
    (
        "IW-05",
        "VPN, proxy or hosting IPs, or egress country differs from the claimed one",
        "US-2022; BfV-2024; Microsoft 2025",
    ),
    (
        "IW-06",
        "logins through an anonymiser favoured by DPRK IT workers (Astrill)",
        "Mandiant 2024 (vendor)",
    ),
    (
        "IW-09",
        "several accounts log in mainly from one residential /24 network (a laptop farm)",
        "FBI-2024; DOJ Chapman case",
    ),
    (
        "IW-10",
        "activity outside business hours of the claimed time zone",
        "US-2022 fact sheet; SEAL",
    ),
    (
        "IW-13",
        "one identity (name and birth date) on several accounts with different photos",
        "ROKUS-2023",
    ),
    (
        "IW-15",
        "profile photo reused across accounts",
        "BfV-2024; Microsoft 2025; ROK-2022",
    ),
    (
        "IW-17",
        "identity document used by another applicant",
        "FBI-2024; DOJ Hwa indictment",
    ),
    (
        "IW-18",
        "identity document from a country that is neither residence nor nationality",
        "SEAL (community)",
    ),
    (
        "IW-19",
        "Korean-language settings with a non-Korean claimed location",
        "ROKUS-2023",
    ),
    (
        "IW-20",
        "VoIP phone number or a number from another country",
        "ROK-2022; FBI-2025",
    ),
    (
        "IW-21",
        "phone number or e-mail shared with other applicants",
        "FBI-2025",
    ),
    (
        "IW-22",
        "résumé near-identical to other applicants'",
        "FBI-2025",
    ),
    (
        "IW-24",
        "résumé claims experience with a technology before it existed",
        "FBI-2025; DTEX (vendor)",
    ),
    (
        "IW-26",
        "account handed over: devices, network country and locale all change after the first logins",
        "ROK-2022; DOJ Didenko case",
    ),
    (
        "IW-28",
        "refuses to appear on camera",
        "ROKUS-2023; ROK-2022",
    ),
    (
        "IW-29",
        "repeatedly declines video, claiming technical problems",
        "ROK-2022",
    ),
    ("IW-36", "asks to be paid in cryptocurrency", "US-2022"),
    (
        "IW-37",
        "payout to a PRC/Hong Kong account while claiming to live elsewhere",
        "US-2022",
    ),
    (
        "IW-40",
        "payout account held by someone else",
        "DOJ Hwa and Knoot cases",
    ),
    (
        "IW-41",
        "payout account or wallet shared with other applicants",
        "SEAL; FBI-2025",
    ),
    (
        "IW-46",
        "wallet on a sanctions list",
        "OFAC SDN list; Treasury designations 2023-2025",
    ),
    (
        "IW-47",
        "equipment shipping address differs from the home address",
        "ROKUS-2023; FBI-2024; FBI-2025",
    ),
    (
        "IW-48",
        "several applicants ship to the same address",
        "DOJ Chapman case",
    ),
    ("IW-49", "equipment shipped abroad", "FBI-2024"),
];

macro_rules! rule_struct {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty = $default:expr),* $(,)? } weight = $w:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            /// Whether the rule runs.
            pub enabled: bool,
            /// Risk weight when it fires.
            pub weight: f64,
            $($(#[$fdoc])* pub $field: $ty,)*
        }
        impl Default for $name {
            fn default() -> Self {
                $name { enabled: true, weight: $w, $($field: $default,)* }
            }
        }
    };
}

rule_struct!(
    /// IW-01.
    Iw01 { /// Window length. 
    window_hours: u32 = 24, /// Countries within one window that fire.
    min_countries: usize = 2 } weight = 0.35);
rule_struct!(
    /// IW-02 and the shared-value rules: how many accounts sharing a value fire, and above
    /// which count a value is a hub (a corporate NAT) and is ignored.
    Iw02 { /// Accounts (this one included) that fire.
    min_accounts: usize = 2, /// Above this many accounts the value is a hub.
    max_accounts: usize = 20 } weight = 0.35);
rule_struct!(
    /// IW-09.
    Iw09 { /// Accounts (this one included) on one /24 that fire.
    min_accounts: usize = 3, /// Above this many accounts the network is a hub (an ISP pool, a campus) and is ignored.
    max_accounts: usize = 20 } weight = 0.30);
rule_struct!(
    /// IW-13.
    Iw13 { /// Photo hashes further apart than this many bits are different pictures.
    min_hamming: u32 = 12 } weight = 0.35);
rule_struct!(
    /// IW-24.
    Iw24 { /// Technologies and the year each became available (lower-case words as written in résumés).
    technologies: BTreeMap<String, i32> = default_technologies(), /// Claimed years beyond what was possible that fire.
    min_excess_years: i32 = 1 } weight = 0.25);
rule_struct!(
    /// IW-26.
    Iw26 { /// Logins needed to judge.
    min_logins: usize = 6, /// Share of the first logins that count as the verification period.
    early_share: f64 = 0.25 } weight = 0.30);
rule_struct!(
    /// IW-29.
    Iw29 { /// Declined video interviews that fire.
    min_declined: u32 = 2 } weight = 0.20);
rule_struct!(
    /// IW-03.
    Iw03 { /// Consecutive hourly bins with activity that fire.
    min_continuous_hours: u32 = 24 } weight = 0.30);
rule_struct!(
    /// IW-05.
    Iw05 { /// Logins needed to judge.
    min_logins: usize = 3, /// Share of logins through VPN/proxy/hosting that fires.
    min_anonymous_share: f64 = 0.3, /// Share of non-anonymous logins from another country than the claimed one that fires.
    min_foreign_share: f64 = 0.5 } weight = 0.20);
rule_struct!(
    /// IW-06.
    Iw06 { /// Provider names (case-insensitive substrings of the IP database's provider or organisation).
    providers: Vec<String> = vec!["astrill".into()], /// Logins through them that fire (one VPN login is not a red flag).
    min_logins: usize = 2, /// Share of the logins the IP database knows that fires.
    min_share: f64 = 0.2 } weight = 0.35);
rule_struct!(
    /// IW-10.
    Iw10 { /// Logins with a time needed to judge.
    min_logins: usize = 5, /// Local business hours start (hour, inclusive).
    business_start: u8 = 8, /// Local business hours end (hour, exclusive).
    business_end: u8 = 19, /// Share of logins outside business hours that fires.
    min_outside_share: f64 = 0.6 } weight = 0.30);
rule_struct!(
    /// A rule without parameters.
    Plain {} weight = 0.30);
rule_struct!(
    /// IW-19.
    Iw19 { /// Locale language prefixes.
    languages: Vec<String> = vec!["ko".into()], /// Claimed countries where these languages are normal.
    exempt_countries: Vec<String> = vec!["KR".into()] } weight = 0.30);
rule_struct!(
    /// IW-20.
    Iw20 { /// E.164 prefixes of VoIP ranges libphonenumber does not know (e.g. a provider's blocks).
    voip_prefixes: Vec<String> = Vec::new(), /// Also fire on a number from another country than the claimed one.
    foreign_number: bool = true } weight = 0.20);
rule_struct!(
    /// IW-21, IW-41, IW-48: a shared value fires below a hub cap.
    Shared { /// Above this many accounts the value is a hub (an agency's office phone) and is ignored.
    max_accounts: usize = 20 } weight = 0.45);
rule_struct!(
    /// IW-28.
    Iw28 { /// Declined video interviews tolerated.
    max_declined: u32 = 0 } weight = 0.25);
rule_struct!(
    /// IW-36.
    Iw36 { /// Payout methods that are crypto.
    crypto_methods: Vec<String> = vec!["crypto".into(), "usdt".into(), "btc".into(), "eth".into(), "wallet".into()] } weight = 0.25);
rule_struct!(
    /// IW-37.
    Iw37 { /// Payout countries that fire when not the claimed one.
    countries: Vec<String> = vec!["CN".into(), "HK".into()] } weight = 0.25);
rule_struct!(
    /// IW-40.
    Iw40 { /// Holder name scores below this (against every applicant name) fire.
    min_name_score: f64 = 0.70 } weight = 0.30);

/// Release years of technologies résumés name (IW-24): a claim of more years than have passed
/// since is impossible.
fn default_technologies() -> BTreeMap<String, i32> {
    [
        ("rust", 2015),
        ("kubernetes", 2014),
        ("swift", 2014),
        ("kotlin", 2016),
        ("flutter", 2017),
        ("typescript", 2012),
        ("react", 2013),
        ("vue", 2014),
        ("angular", 2016),
        ("docker", 2013),
        ("terraform", 2014),
        ("golang", 2012),
        ("solidity", 2015),
        ("ethereum", 2015),
        ("nextjs", 2016),
        ("svelte", 2016),
        ("graphql", 2015),
        ("tensorflow", 2015),
        ("pytorch", 2016),
        ("chatgpt", 2022),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Every rule's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RuleParams {
    #[serde(rename = "IW-01")]
    pub iw01: Iw01,
    #[serde(rename = "IW-02")]
    pub iw02: Iw02,
    #[serde(rename = "IW-03")]
    pub iw03: Iw03,
    #[serde(rename = "IW-05")]
    pub iw05: Iw05,
    #[serde(rename = "IW-06")]
    pub iw06: Iw06,
    #[serde(rename = "IW-09")]
    pub iw09: Iw09,
    #[serde(rename = "IW-10")]
    pub iw10: Iw10,
    #[serde(rename = "IW-13")]
    pub iw13: Iw13,
    #[serde(rename = "IW-15")]
    pub iw15: Plain,
    #[serde(rename = "IW-17")]
    pub iw17: Shared,
    #[serde(rename = "IW-18")]
    pub iw18: Plain,
    #[serde(rename = "IW-19")]
    pub iw19: Iw19,
    #[serde(rename = "IW-20")]
    pub iw20: Iw20,
    #[serde(rename = "IW-21")]
    pub iw21: Shared,
    #[serde(rename = "IW-22")]
    pub iw22: Plain,
    #[serde(rename = "IW-24")]
    pub iw24: Iw24,
    #[serde(rename = "IW-26")]
    pub iw26: Iw26,
    #[serde(rename = "IW-28")]
    pub iw28: Iw28,
    #[serde(rename = "IW-29")]
    pub iw29: Iw29,
    #[serde(rename = "IW-36")]
    pub iw36: Iw36,
    #[serde(rename = "IW-37")]
    pub iw37: Iw37,
    #[serde(rename = "IW-40")]
    pub iw40: Iw40,
    #[serde(rename = "IW-41")]
    pub iw41: Shared,
    #[serde(rename = "IW-46")]
    pub iw46: Plain,
    #[serde(rename = "IW-47")]
    pub iw47: Plain,
    #[serde(rename = "IW-48")]
    pub iw48: Shared,
    #[serde(rename = "IW-49")]
    pub iw49: Plain,
}

/// Risk level cut-offs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Levels {
    /// Risk at or above which the level is `medium`.
    pub medium: f64,
    /// Risk at or above which the level is `high`.
    pub high: f64,
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            medium: 0.4,
            high: 0.7,
        }
    }
}

/// List screening parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListParams {
    /// Name match score reported as a hit.
    pub name_threshold: f64,
    /// Risk weight of a name hit (× its score).
    pub name_weight: f64,
    /// Risk weight of an exact identifier on a list entry.
    pub identifier_weight: f64,
    /// Risk weight of a designated front in the work history.
    pub employer_weight: f64,
    /// Employer match score reported as a hit.
    pub employer_threshold: f64,
}

impl Default for ListParams {
    fn default() -> Self {
        ListParams {
            name_threshold: 0.85,
            name_weight: 0.6,
            identifier_weight: 0.95,
            employer_weight: 0.85,
            employer_threshold: 0.85,
        }
    }
}

/// Linkage parameters (see `docs/linkage.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkParams {
    /// Log2 prior odds.
    pub prior_weight: f64,
    /// Weak links never join two clusters.
    pub strong: f64,
    /// Collective evidence (bits) that raises a cluster.
    pub raise: f64,
    /// Collective evidence (bits) that raises a cluster with at least `flagged_members` members
    /// whose own red flags (not the shared-value ones) reach the `medium` level.
    pub raise_flagged: f64,
    /// See `raise_flagged`.
    pub flagged_members: usize,
    /// Risk weight of membership in a raised cluster.
    pub cluster_weight: f64,
    /// Records of the population a batch is drawn from (the platform's accounts): a value's
    /// rarity is its holders' share of this many records, or of the batch when larger.
    #[serde(alias = "min_population")]
    pub population: u64,
    /// Links weaker than this add nothing to a cluster's collective evidence.
    pub evidence_min: f64,
    /// Batches of at least this many records train their own name/date/address model (u by
    /// random sampling, m by EM); smaller ones use the compiled-in model.
    pub train_records: usize,
    /// Most pairs one EM session trains on (a seeded sample of the records beyond).
    pub em_pairs: usize,
    /// Share of a worker team's accounts whose own red flags reach `medium` (the rules'
    /// recall): two such accounts sharing a value that mostly flagged accounts hold gain
    /// evidence by how unlike chance that is (`docs/linkage.md` §Suspects).
    pub suspect_recall: f64,
}

impl Default for LinkParams {
    fn default() -> Self {
        LinkParams {
            prior_weight: -10.0,
            strong: 4.0,
            raise: 14.0,
            raise_flagged: 8.0,
            flagged_members: 2,
            cluster_weight: 0.6,
            population: 10_000,
            evidence_min: 2.0,
            train_records: 1_000,
            em_pairs: 500_000,
            suspect_recall: 0.8,
        }
    }
}

/// A whole rules file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Level cut-offs.
    pub levels: Levels,
    /// List screening.
    pub lists: ListParams,
    /// Linkage.
    pub link: LinkParams,
    /// Red-flag rules.
    pub rules: RuleParams,
}

impl Rules {
    /// The compiled-in defaults (`rules/itworker-rules.yaml`).
    pub fn default_rules() -> Rules {
        Rules::parse(DEFAULT_RULES, Path::new("<default rules>")).unwrap_or_default()
    }

    /// Parses a rules file's text.
    pub fn parse(text: &str, path: &Path) -> Result<Rules, ApplicantError> {
        let r: Rules = serde_yaml::from_str(text).map_err(|e| ApplicantError::Rules {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        r.check(path)?;
        Ok(r)
    }

    /// Reads a rules file.
    pub fn load(path: &Path) -> Result<Rules, ApplicantError> {
        let text = std::fs::read_to_string(path).map_err(|e| ApplicantError::Io {
            path: path.to_path_buf(),
            cause: e,
        })?;
        Rules::parse(&text, path)
    }

    fn check(&self, path: &Path) -> Result<(), ApplicantError> {
        let bad = |m: String| {
            Err(ApplicantError::Rules {
                path: path.to_path_buf(),
                message: m,
            })
        };
        let p = &self.rules;
        let weights = [
            ("IW-01", p.iw01.weight),
            ("IW-02", p.iw02.weight),
            ("IW-03", p.iw03.weight),
            ("IW-05", p.iw05.weight),
            ("IW-06", p.iw06.weight),
            ("IW-09", p.iw09.weight),
            ("IW-10", p.iw10.weight),
            ("IW-13", p.iw13.weight),
            ("IW-15", p.iw15.weight),
            ("IW-17", p.iw17.weight),
            ("IW-18", p.iw18.weight),
            ("IW-19", p.iw19.weight),
            ("IW-20", p.iw20.weight),
            ("IW-21", p.iw21.weight),
            ("IW-22", p.iw22.weight),
            ("IW-24", p.iw24.weight),
            ("IW-26", p.iw26.weight),
            ("IW-28", p.iw28.weight),
            ("IW-29", p.iw29.weight),
            ("IW-36", p.iw36.weight),
            ("IW-37", p.iw37.weight),
            ("IW-40", p.iw40.weight),
            ("IW-41", p.iw41.weight),
            ("IW-46", p.iw46.weight),
            ("IW-47", p.iw47.weight),
            ("IW-48", p.iw48.weight),
            ("IW-49", p.iw49.weight),
            ("link.cluster_weight", self.link.cluster_weight),
            ("lists.name_weight", self.lists.name_weight),
            ("lists.identifier_weight", self.lists.identifier_weight),
            ("lists.employer_weight", self.lists.employer_weight),
        ];
        for (id, w) in weights {
            if !(0.0..=1.0).contains(&w) {
                return bad(format!("{id}: weight {w} is not between 0 and 1"));
            }
        }
        if !(0.0..=1.0).contains(&self.link.suspect_recall) {
            return bad(format!(
                "link.suspect_recall: {} is not between 0 and 1",
                self.link.suspect_recall
            ));
        }
        if !(0.0 < self.levels.medium
            && self.levels.medium <= self.levels.high
            && self.levels.high <= 1.0)
        {
            return bad("levels: need 0 < medium <= high <= 1".into());
        }
        if p.iw10.business_start >= 24
            || p.iw10.business_end > 24
            || p.iw10.business_start >= p.iw10.business_end
        {
            return bad("IW-10: business hours must satisfy 0 <= start < end <= 24".into());
        }
        Ok(())
    }
}

/// One fired indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    /// `IW-xx`.
    pub id: &'static str,
    /// What it fired on.
    pub evidence: Value,
    /// Risk weight (not in the output line; documented in the rules file).
    #[serde(skip)]
    pub weight: f64,
}

/// What screening knows about one applicant beyond the record: IP facts and values it shares
/// with other records of the batch.
#[derive(Debug, Default, Clone)]
pub struct Context {
    /// IP database facts per distinct login IP.
    pub ip_facts: BTreeMap<IpAddr, IpInfo>,
    /// Per shared-value kind (`ip`, `ip_net`, `phone`, `email`, `payout_account`, `wallet`,
    /// `shipping_address`, `id_document`): the value and the other record ids holding it
    /// (outside the record's household), with the total number of holders.
    pub shared: Vec<(&'static str, String, Vec<String>, usize)>,
    /// Other records with a near-identical photo: id and Hamming distance.
    pub near_photos: Vec<(String, f64)>,
    /// Other records with a near-identical résumé: id and 1 − Jaccard.
    pub near_resumes: Vec<(String, f64)>,
    /// Wallets found on lists (address, list entity ids).
    pub listed_wallets: Vec<(String, Vec<String>)>,
    /// Other records with the same identity (name and birth date): id and the Hamming distance
    /// between the photos (`None` when either has none).
    pub same_identity: Vec<(String, Option<u32>)>,
}

/// Runs every enabled rule on one applicant, in the order of [`RULES`].
pub fn evaluate(a: &Applicant, ctx: &Context, rules: &Rules) -> Vec<Indicator> {
    let own = evaluate_own(a, ctx, rules);
    let shared = evaluate_shared(&Egress::of(a, ctx), ctx, rules);
    merge_indicators(own, shared)
}

/// The rules that read one record alone (with its IP facts and list hits): every rule but the
/// shared-value ones ([`SHARING_INDICATORS`]), in the order of [`RULES`]. They do not depend
/// on the batch, so screening runs them while reading.
pub fn evaluate_own(a: &Applicant, ctx: &Context, rules: &Rules) -> Vec<Indicator> {
    let p = &rules.rules;
    let mut out = Vec::new();
    let mut fire = |id: &'static str, weight: f64, evidence: Value| {
        out.push(Indicator {
            id,
            evidence,
            weight,
        });
    };
    let claimed = a.claimed_country.as_deref();
    // Timed, located logins.
    let mut located: Vec<(Timestamp, &str)> = a
        .logins
        .iter()
        .filter_map(|l| {
            let c = ctx.ip_facts.get(&l.ip?)?.country.as_deref()?;
            Some((l.time?, c))
        })
        .collect();
    located.sort_unstable();

    if p.iw01.enabled {
        let win = i64::from(p.iw01.window_hours) * 3600;
        let mut best: Option<(Timestamp, Vec<&str>)> = None;
        let mut lo = 0;
        for hi in 0..located.len() {
            let Some(&(t_hi, _)) = located.get(hi) else {
                break;
            };
            while located
                .get(lo)
                .is_some_and(|&(t, _)| t_hi.as_second() - t.as_second() > win)
            {
                lo += 1;
            }
            let mut cs: Vec<&str> = located
                .get(lo..=hi)
                .unwrap_or_default()
                .iter()
                .map(|x| x.1)
                .collect();
            cs.sort_unstable();
            cs.dedup();
            if cs.len() >= p.iw01.min_countries
                && best.as_ref().is_none_or(|b| cs.len() > b.1.len())
            {
                let start = located.get(lo).map_or(t_hi, |x| x.0);
                best = Some((start, cs));
            }
        }
        if let Some((start, cs)) = best {
            fire(
                "IW-01",
                p.iw01.weight,
                json!({
                    "summary": format!("logins from {} countries within {} h", cs.len(), p.iw01.window_hours),
                    "countries": cs, "window_start": start.to_string(),
                }),
            );
        }
    }

    if p.iw03.enabled {
        let mut hours: Vec<i64> = a
            .logins
            .iter()
            .filter_map(|l| Some(l.time?.as_second().div_euclid(3600)))
            .collect();
        hours.sort_unstable();
        hours.dedup();
        let (mut run, mut best, mut best_end) = (0u32, 0u32, 0i64);
        let mut prev: Option<i64> = None;
        for &h in &hours {
            run = if prev == Some(h - 1) { run + 1 } else { 1 };
            if run > best {
                best = run;
                best_end = h;
            }
            prev = Some(h);
        }
        if best >= p.iw03.min_continuous_hours {
            let start = Timestamp::from_second((best_end - i64::from(best) + 1) * 3600)
                .map(|t| t.to_string())
                .unwrap_or_default();
            fire(
                "IW-03",
                p.iw03.weight,
                json!({"summary": format!("active in {best} consecutive hours"), "hours": best, "from": start}),
            );
        }
    }

    let ip_logins: Vec<&IpInfo> = a
        .logins
        .iter()
        .filter_map(|l| ctx.ip_facts.get(&l.ip?))
        .collect();
    if p.iw05.enabled && ip_logins.len() >= p.iw05.min_logins {
        let anon = ip_logins
            .iter()
            .filter(|i| i.anonymous || i.hosting)
            .count();
        let anon_share = anon as f64 / ip_logins.len() as f64;
        let plain: Vec<&&IpInfo> = ip_logins
            .iter()
            .filter(|i| !i.anonymous && !i.hosting && i.country.is_some())
            .collect();
        let foreign: Vec<&str> = match claimed {
            Some(c) => plain
                .iter()
                .filter_map(|i| i.country.as_deref())
                .filter(|&x| x != c)
                .collect(),
            None => Vec::new(),
        };
        let foreign_share = if plain.is_empty() {
            0.0
        } else {
            foreign.len() as f64 / plain.len() as f64
        };
        if anon_share >= p.iw05.min_anonymous_share
            || (claimed.is_some() && !plain.is_empty() && foreign_share >= p.iw05.min_foreign_share)
        {
            let mut fc = foreign.clone();
            fc.sort_unstable();
            fc.dedup();
            fire(
                "IW-05",
                p.iw05.weight,
                json!({
                    "summary": format!("{anon} of {} logins via VPN/proxy/hosting; {} of {} others outside the claimed country", ip_logins.len(), foreign.len(), plain.len()),
                    "anonymous_share": round3(anon_share), "foreign_share": round3(foreign_share),
                    "egress_countries": fc, "claimed_country": claimed,
                }),
            );
        }
    }

    if p.iw06.enabled {
        let named = |info: &IpInfo| {
            [info.provider.as_deref(), info.org.as_deref()]
                .iter()
                .flatten()
                .any(|n| {
                    let n = n.to_lowercase();
                    p.iw06
                        .providers
                        .iter()
                        .any(|pr| !pr.is_empty() && n.contains(&pr.to_lowercase()))
                })
        };
        let via = ip_logins.iter().filter(|i| named(i)).count();
        let share = via as f64 / ip_logins.len().max(1) as f64;
        if via >= p.iw06.min_logins && share >= p.iw06.min_share {
            let found: Vec<String> = ctx
                .ip_facts
                .iter()
                .filter(|(_, info)| named(info))
                .map(|(ip, info)| {
                    format!(
                        "{ip} ({})",
                        info.provider
                            .as_deref()
                            .or(info.org.as_deref())
                            .unwrap_or("")
                    )
                })
                .collect();
            fire(
                "IW-06",
                p.iw06.weight,
                json!({"summary": format!("{via} of {} logins through a named anonymiser", ip_logins.len()),
                    "share": round3(share), "ips": found}),
            );
        }
    }

    if p.iw10.enabled
        && let Some(tz) = a.claimed_timezone.as_deref().and_then(parse_tz)
    {
        let times: Vec<Timestamp> = a.logins.iter().filter_map(|l| l.time).collect();
        if times.len() >= p.iw10.min_logins {
            let outside = times
                .iter()
                .filter(|t| {
                    let h = t.to_zoned(tz.clone()).hour();
                    !(i16::from(p.iw10.business_start)..i16::from(p.iw10.business_end))
                        .contains(&(h as i16))
                })
                .count();
            let share = outside as f64 / times.len() as f64;
            if share >= p.iw10.min_outside_share {
                // The whole-hour UTC offset that centres business hours on the activity's
                // circular mean hour.
                let (sx, sy) = times.iter().fold((0.0f64, 0.0f64), |(x, y), t| {
                    let h = t.as_second().rem_euclid(86_400) as f64 / 3600.0;
                    let a = h / 24.0 * std::f64::consts::TAU;
                    (x + a.cos(), y + a.sin())
                });
                let mean_utc =
                    sy.atan2(sx).rem_euclid(std::f64::consts::TAU) / std::f64::consts::TAU * 24.0;
                let centre = f64::from(p.iw10.business_start + p.iw10.business_end) / 2.0;
                let mut best = (centre - mean_utc).round() as i64;
                if best > 14 {
                    best -= 24;
                } else if best < -12 {
                    best += 24;
                }
                fire(
                    "IW-10",
                    p.iw10.weight,
                    json!({
                        "summary": format!("{outside} of {} logins outside {}:00-{}:00 in {}; activity fits UTC{best:+}", times.len(), p.iw10.business_start, p.iw10.business_end, a.claimed_timezone.as_deref().unwrap_or("")),
                        "outside_share": round3(share), "claimed_timezone": a.claimed_timezone, "best_fit_utc_offset": best,
                    }),
                );
            }
        }
    }

    if p.iw18.enabled {
        let ip_countries: Vec<&str> = ip_logins
            .iter()
            .filter_map(|i| i.country.as_deref())
            .collect();
        let ip_major = majority(&ip_countries);
        for d in &a.id_documents {
            let Some(dc) = d.country.as_deref() else {
                continue;
            };
            let known = [claimed, a.nationality.as_deref()];
            if known.iter().any(Option::is_some)
                && !known.contains(&Some(dc))
                && ip_major.is_some_and(|m| Some(m) != claimed)
            {
                fire(
                    "IW-18",
                    p.iw18.weight,
                    json!({
                        "summary": format!("{} issued by {dc}, claimed residence {}, nationality {}, logins mostly from {}", d.doc_type.as_deref().unwrap_or("document"), claimed.unwrap_or("?"), a.nationality.as_deref().unwrap_or("?"), ip_major.unwrap_or("?")),
                        "document_country": dc,
                    }),
                );
                break;
            }
        }
    }

    if p.iw19.enabled
        && let Some(c) = claimed
        && !p
            .iw19
            .exempt_countries
            .iter()
            .any(|e| e.eq_ignore_ascii_case(c))
    {
        let mut locales: Vec<&str> = a
            .logins
            .iter()
            .filter_map(|l| l.locale.as_deref())
            .filter(|loc| {
                let lang = loc.split(['-', '_', ',', ';']).next().unwrap_or("").trim();
                p.iw19
                    .languages
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(lang))
            })
            .collect();
        let n = locales.len();
        locales.sort_unstable();
        locales.dedup();
        if n > 0 {
            fire(
                "IW-19",
                p.iw19.weight,
                json!({"summary": format!("{n} login(s) with locale {} while claiming {c}", locales.join(", ")), "locales": locales, "logins": n, "claimed_country": c}),
            );
        }
    }

    if p.iw20.enabled {
        let mut ev = Vec::new();
        for ph in &a.phones {
            let facts = crate::phone::facts(ph);
            let voip = facts.as_ref().is_some_and(|f| f.voip)
                || p.iw20
                    .voip_prefixes
                    .iter()
                    .any(|x| !x.is_empty() && ph.starts_with(x.as_str()));
            let country = facts.as_ref().and_then(|f| f.country.clone());
            let foreign = p.iw20.foreign_number
                && claimed.is_some()
                && country.is_some()
                && country.as_deref() != claimed;
            if voip || foreign {
                ev.push(json!({"phone": ph, "voip": voip, "country": country}));
            }
        }
        if !ev.is_empty() {
            fire(
                "IW-20",
                p.iw20.weight,
                json!({"summary": format!("{} VoIP or foreign number(s)", ev.len()), "phones": ev}),
            );
        }
    }

    if p.iw24.enabled
        && let Some(text) = a.resume.as_deref()
    {
        let now = a.logins.iter().filter_map(|l| l.time).max().map_or_else(
            || jiff::Zoned::now().year(),
            |t| t.to_zoned(jiff::tz::TimeZone::UTC).year(),
        );
        let claims = technology_claims(text, &p.iw24.technologies);
        let hits: Vec<Value> = claims
            .iter()
            .filter_map(|(tech, years)| {
                let since = *p.iw24.technologies.get(tech)?;
                let possible = i32::from(now) - since;
                (*years - possible >= p.iw24.min_excess_years).then(|| {
                    json!({"technology": tech, "claimed_years": years, "available_since": since, "possible_years": possible})
                })
            })
            .collect();
        if !hits.is_empty() {
            fire(
                "IW-24",
                p.iw24.weight,
                json!({"summary": format!("{} claim(s) of experience with a technology before it existed", hits.len()), "claims": hits}),
            );
        }
    }

    if p.iw26.enabled {
        let mut timed: Vec<&crate::record::Login> =
            a.logins.iter().filter(|l| l.time.is_some()).collect();
        if timed.len() >= p.iw26.min_logins {
            timed.sort_by_key(|l| l.time);
            let k = ((timed.len() as f64 * p.iw26.early_share).ceil() as usize)
                .clamp(1, timed.len() - 1);
            let (early, late) = timed.split_at(k);
            let set = |ls: &[&crate::record::Login],
                       f: &dyn Fn(&crate::record::Login) -> Option<String>|
             -> Vec<String> {
                let mut v: Vec<String> = ls.iter().filter_map(|l| f(l)).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let device = |l: &crate::record::Login| l.device.clone();
            let locale = |l: &crate::record::Login| l.locale.clone();
            let country = |l: &crate::record::Login| ctx.ip_facts.get(&l.ip?)?.country.clone();
            let changed = |f: &dyn Fn(&crate::record::Login) -> Option<String>| {
                let (x, y) = (set(early, f), set(late, f));
                (!x.is_empty() && !y.is_empty() && x.iter().all(|v| !y.contains(v)))
                    .then_some((x, y))
            };
            if let Some((d0, d1)) = changed(&device) {
                let loc = changed(&locale);
                let cty = changed(&country);
                if loc.is_some() || cty.is_some() {
                    fire(
                        "IW-26",
                        p.iw26.weight,
                        json!({"summary": format!("after the first {k} logins: new devices{}{}", if loc.is_some() { ", new locale" } else { "" }, if cty.is_some() { ", new network country" } else { "" }),
                            "devices_before": d0, "devices_after": d1,
                            "locales": loc.map(|(x, y)| json!({"before": x, "after": y})),
                            "countries": cty.map(|(x, y)| json!({"before": x, "after": y}))}),
                    );
                }
            }
        }
    }

    if p.iw28.enabled
        && let Some(i) = &a.interview
        && (i.camera_on == Some(false) || i.video_declined > p.iw28.max_declined)
    {
        fire(
            "IW-28",
            p.iw28.weight,
            json!({"summary": "camera off or video interviews declined", "camera_on": i.camera_on, "video_declined": i.video_declined}),
        );
    }
    if p.iw29.enabled
        && let Some(i) = &a.interview
        && i.video_declined >= p.iw29.min_declined
    {
        fire(
            "IW-29",
            p.iw29.weight,
            json!({"summary": format!("declined {} video interviews", i.video_declined), "video_declined": i.video_declined}),
        );
    }
    if p.iw36.enabled {
        let crypto: Vec<&str> = a
            .payout_accounts
            .iter()
            .filter(|x| {
                x.method.as_deref().is_some_and(|m| {
                    p.iw36
                        .crypto_methods
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(m))
                })
            })
            .map(|x| x.number.as_str())
            .collect();
        if !crypto.is_empty() || !a.wallets.is_empty() {
            fire(
                "IW-36",
                p.iw36.weight,
                json!({"summary": "asks to be paid in cryptocurrency", "payout_accounts": crypto, "wallets": a.wallets}),
            );
        }
    }
    if p.iw37.enabled {
        let hits: Vec<Value> = a
            .payout_accounts
            .iter()
            .filter_map(|x| {
                let c = x.country.as_deref()?;
                (p.iw37.countries.iter().any(|k| k.eq_ignore_ascii_case(c)) && Some(c) != claimed)
                    .then(|| json!({"number": x.number, "country": c}))
            })
            .collect();
        if !hits.is_empty() {
            fire(
                "IW-37",
                p.iw37.weight,
                json!({"summary": format!("payout to {} account(s) in {} while claiming {}", hits.len(), p.iw37.countries.join("/"), claimed.unwrap_or("?")), "accounts": hits}),
            );
        }
    }
    if p.iw40.enabled && !a.names.is_empty() {
        let hits: Vec<Value> = a
            .payout_accounts
            .iter()
            .filter_map(|x| {
                let h = x.holder.as_deref()?;
                let best = a
                    .names
                    .iter()
                    .map(|n| {
                        cordon_match::compare(h, n, Some(cordon_model::Schema::Person)).name_score
                    })
                    .fold(0.0, f64::max);
                (best < p.iw40.min_name_score).then(
                    || json!({"number": x.number, "holder": h, "best_name_score": round3(best)}),
                )
            })
            .collect();
        if !hits.is_empty() {
            fire(
                "IW-40",
                p.iw40.weight,
                json!({"summary": "payout account held by someone else", "accounts": hits}),
            );
        }
    }
    if p.iw46.enabled && !ctx.listed_wallets.is_empty() {
        fire(
            "IW-46",
            p.iw46.weight,
            json!({"summary": "wallet on a sanctions list",
            "wallets": ctx.listed_wallets.iter().map(|(w, ids)| json!({"wallet": w, "entities": ids})).collect::<Vec<_>>()}),
        );
    }
    let home: Vec<String> = a
        .addresses
        .iter()
        .filter(|x| x.kind == "home")
        .filter_map(|x| cordon_er::normalize::address(&x.text))
        .collect();
    let shipping: Vec<&crate::record::Address> = a
        .addresses
        .iter()
        .filter(|x| x.kind == "shipping")
        .collect();
    if p.iw47.enabled && !home.is_empty() {
        let diff: Vec<&str> = shipping
            .iter()
            .filter(|s| cordon_er::normalize::address(&s.text).is_some_and(|n| !home.contains(&n)))
            .map(|s| s.text.as_str())
            .collect();
        if !diff.is_empty() {
            fire(
                "IW-47",
                p.iw47.weight,
                json!({"summary": "equipment to be shipped to an address other than home", "shipping": diff}),
            );
        }
    }
    if p.iw49.enabled
        && let Some(c) = claimed
    {
        let abroad: Vec<Value> = shipping
            .iter()
            .filter_map(|s| {
                let sc = s.country.as_deref()?;
                (sc != c).then(|| json!({"address": s.text, "country": sc}))
            })
            .collect();
        if !abroad.is_empty() {
            fire(
                "IW-49",
                p.iw49.weight,
                json!({"summary": format!("equipment to be shipped outside {c}"), "shipping": abroad}),
            );
        }
    }
    out
}

/// What the shared-value rules need of a record besides the batch context: its login
/// addresses, with how many logins each and whether the IP database calls it a VPN, proxy or
/// hosting address (IW-09). Small enough to keep for every record of a large batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Egress {
    ips: Vec<EgressIp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EgressIp {
    ip: IpAddr,
    logins: u32,
    anonymous: bool,
}

impl Egress {
    /// The login addresses of a record, with the IP facts of `ctx`.
    pub fn of(a: &Applicant, ctx: &Context) -> Egress {
        let mut ips: Vec<IpAddr> = a.logins.iter().filter_map(|l| l.ip).collect();
        ips.sort_unstable();
        let mut out: Vec<EgressIp> = Vec::new();
        for ip in ips {
            match out.last_mut() {
                Some(last) if last.ip == ip => last.logins += 1,
                _ => out.push(EgressIp {
                    ip,
                    logins: 1,
                    anonymous: ctx
                        .ip_facts
                        .get(&ip)
                        .is_some_and(|i| i.anonymous || i.hosting),
                }),
            }
        }
        Egress { ips: out }
    }
}

/// The shared-value rules ([`SHARING_INDICATORS`]): what a record shares with others of the
/// batch (`ctx.shared`, near photos and résumés, same identity), in the order of [`RULES`].
pub fn evaluate_shared(egress: &Egress, ctx: &Context, rules: &Rules) -> Vec<Indicator> {
    let p = &rules.rules;
    let mut out = Vec::new();
    let mut fire = |id: &'static str, weight: f64, evidence: Value| {
        out.push(Indicator {
            id,
            evidence,
            weight,
        });
    };

    if p.iw02.enabled {
        let hits: Vec<Value> = ctx
            .shared
            .iter()
            .filter(|s| s.0 == "ip")
            .filter(|s| s.3 >= p.iw02.min_accounts && s.3 <= p.iw02.max_accounts)
            .map(|s| json!({"ip": s.1, "accounts": s.3, "others": s.2}))
            .collect();
        if !hits.is_empty() {
            fire(
                "IW-02",
                p.iw02.weight,
                json!({"summary": format!("{} login IP(s) shared with other accounts", hits.len()), "ips": hits}),
            );
        }
    }

    if p.iw09.enabled
        && ctx
            .shared
            .iter()
            .any(|s| s.0 == "ip_net" && s.3 >= p.iw09.min_accounts && s.3 <= p.iw09.max_accounts)
    {
        // Each address's network, once.
        let nets: Vec<(&EgressIp, String)> = egress
            .ips
            .iter()
            .map(|e| (e, cordon_er::normalize::ip_keys_of(e.ip).1))
            .collect();
        let total: u32 = egress.ips.iter().map(|e| e.logins).sum();
        // A hosted laptop logs in from the farm: the network is the account's main egress (at
        // least half of its logins), not an address it used once.
        let main_egress = |net: &str| {
            let on: u32 = nets
                .iter()
                .filter(|(_, n)| n == net)
                .map(|(e, _)| e.logins)
                .sum();
            2 * on >= total
        };
        // A network some of whose logins come through a VPN or a hosting provider is not a
        // home connection.
        let anonymous_net = |net: &str| nets.iter().any(|(e, n)| n == net && e.anonymous);
        // One address shared by the accounts is IW-02's evidence; IW-09 is several hosts of one
        // network, so it does not count the same sharing twice.
        let shared_address_in = |net: &str| {
            ctx.shared.iter().any(|x| {
                x.0 == "ip"
                    && x.3 <= p.iw02.max_accounts
                    && nets
                        .iter()
                        .any(|(e, n)| n == net && e.ip.to_string() == x.1)
            })
        };
        let hits: Vec<Value> = ctx
            .shared
            .iter()
            .filter(|s| s.0 == "ip_net" && s.3 >= p.iw09.min_accounts && s.3 <= p.iw09.max_accounts)
            .filter(|s| main_egress(&s.1) && !anonymous_net(&s.1) && !shared_address_in(&s.1))
            .map(|s| json!({"network": s.1, "accounts": s.3, "others": s.2}))
            .collect();
        if !hits.is_empty() {
            fire(
                "IW-09",
                p.iw09.weight,
                json!({"summary": format!("{} residential network(s) shared with {} or more accounts", hits.len(), p.iw09.min_accounts - 1), "networks": hits}),
            );
        }
    }

    if p.iw13.enabled {
        let others: Vec<Value> = ctx
            .same_identity
            .iter()
            .filter(|(_, d)| d.is_some_and(|d| d > p.iw13.min_hamming))
            .map(|(id, d)| json!({"id": id, "photo_hamming": d}))
            .collect();
        if !others.is_empty() {
            fire(
                "IW-13",
                p.iw13.weight,
                json!({"summary": format!("same name and birth date as {} other account(s) with a different photo", others.len()), "others": others}),
            );
        }
    }

    if p.iw15.enabled && !ctx.near_photos.is_empty() {
        fire(
            "IW-15",
            p.iw15.weight,
            json!({"summary": format!("profile photo near-identical to {} other account(s)", ctx.near_photos.len()),
            "others": ctx.near_photos.iter().map(|(id, d)| json!({"id": id, "hamming": d})).collect::<Vec<_>>()}),
        );
    }

    if p.iw22.enabled && !ctx.near_resumes.is_empty() {
        fire(
            "IW-22",
            p.iw22.weight,
            json!({"summary": format!("résumé near-identical to {} other applicant(s)", ctx.near_resumes.len()),
            "others": ctx.near_resumes.iter().map(|(id, d)| json!({"id": id, "jaccard": round3(1.0 - d)})).collect::<Vec<_>>()}),
        );
    }
    // Identifier values shared with other accounts, within each rule's cap (a value held by
    // more accounts is a hub to that rule).
    type SharedRule = (
        bool,
        &'static str,
        f64,
        &'static [&'static str],
        usize,
        fn(usize) -> String,
    );
    let shared_value_rules: [SharedRule; 4] = [
        (
            p.iw17.enabled,
            "IW-17",
            p.iw17.weight,
            &["id_document"],
            p.iw17.max_accounts,
            |_| "identity document also used by another applicant".into(),
        ),
        (
            p.iw21.enabled,
            "IW-21",
            p.iw21.weight,
            &["phone", "email"],
            p.iw21.max_accounts,
            |n| format!("{n} phone/e-mail value(s) shared with other applicants"),
        ),
        (
            p.iw41.enabled,
            "IW-41",
            p.iw41.weight,
            &["payout_account", "wallet"],
            p.iw41.max_accounts,
            |n| format!("{n} payout account/wallet value(s) shared with other applicants"),
        ),
        (
            p.iw48.enabled,
            "IW-48",
            p.iw48.weight,
            &["shipping_address"],
            p.iw48.max_accounts,
            |_| "shipping address shared with other applicants".into(),
        ),
    ];
    for (enabled, id, weight, kinds, max, summary) in shared_value_rules {
        let v: Vec<Value> = ctx
            .shared
            .iter()
            .filter(|s| enabled && kinds.contains(&s.0) && s.3 >= 2 && s.3 <= max)
            .map(|s| json!({"kind": s.0, "value": s.1, "accounts": s.3, "others": s.2}))
            .collect();
        if !v.is_empty() {
            fire(
                id,
                weight,
                json!({"summary": summary(v.len()), "shared": v}),
            );
        }
    }
    merge_indicators(out, Vec::new())
}

/// Merges two lists of indicators into the order of [`RULES`].
pub(crate) fn merge_indicators(mut a: Vec<Indicator>, b: Vec<Indicator>) -> Vec<Indicator> {
    let rank = |id: &str| RULES.iter().position(|r| r.0 == id).unwrap_or(RULES.len());
    a.extend(b);
    a.sort_by_key(|i| rank(i.id));
    a
}

/// (technology, years) for each "N years … TECHNOLOGY" phrase of a text: a number, then
/// "years" within three words, then a known technology within eight, in one clause.
fn technology_claims(text: &str, technologies: &BTreeMap<String, i32>) -> Vec<(String, i32)> {
    // ASCII words as slices of the text, with "|" for clause punctuation: a claim does not run
    // past a comma or into the next number ("12 years of C++, 5 years of Rust").
    let bytes = text.as_bytes();
    // Most texts never say "yr"/"year": one pass over the bytes settles that.
    let says_years = bytes
        .windows(2)
        .any(|w| w[0] | 0x20 == b'y' && matches!(w[1] | 0x20, b'e' | b'r'));
    if !says_years {
        return Vec::new();
    }
    let mut words: Vec<&str> = Vec::with_capacity(bytes.len() / 5);
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate().take(2_000_000) {
        if b.is_ascii_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            words.push(text.get(s..i).unwrap_or(""));
        }
        if matches!(b, b',' | b';' | b'.' | b':' | b'(' | b')' | b'\n') {
            words.push("|");
        }
    }
    if let Some(s) = start {
        words.push(text.get(s..bytes.len().min(2_000_000)).unwrap_or(""));
    }
    let lower = |w: &str| -> Option<String> {
        (w.len() <= 32 && technologies.keys().any(|k| k.eq_ignore_ascii_case(w)))
            .then(|| w.to_ascii_lowercase())
    };
    let mut out: Vec<(String, i32)> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Ok(n) = w.parse::<i32>() else { continue };
        if !(1..=60).contains(&n) {
            continue;
        }
        let Some(y) = (i + 1..(i + 4).min(words.len())).find(|&j| {
            words.get(j).is_some_and(|t| {
                ["year", "years", "yr", "yrs"]
                    .iter()
                    .any(|y| y.eq_ignore_ascii_case(t))
            })
        }) else {
            continue;
        };
        if let Some(tech) = words
            .get(y + 1..(y + 9).min(words.len()))
            .unwrap_or_default()
            .iter()
            .take_while(|t| **t != "|" && t.parse::<i32>().is_err())
            .find_map(|t| lower(t))
            && !out.iter().any(|(t, m)| *t == tech && *m >= n)
        {
            out.retain(|(t, _)| *t != tech);
            out.push((tech, n));
        }
    }
    out
}

fn majority<'a>(xs: &[&'a str]) -> Option<&'a str> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for x in xs {
        *counts.entry(x).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(k, n)| (n, std::cmp::Reverse(k)))
        .map(|(k, _)| k)
}

pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_file_parses_and_covers_every_rule() {
        let r = Rules::parse(DEFAULT_RULES, Path::new("default")).unwrap();
        assert_eq!(r.rules.iw06.providers, vec!["astrill".to_owned()]);
        let text = DEFAULT_RULES;
        for (id, _, _) in RULES {
            assert!(
                text.contains(&format!("{id}:")),
                "{id} missing from the default rules file"
            );
        }
    }

    #[test]
    fn typo_in_rules_file_is_an_error() {
        let e =
            Rules::parse("rules:\n  IW-01: { wieght: 0.3 }\n", Path::new("r.yaml")).unwrap_err();
        assert_eq!(e.code(), "bad-rules");
        assert!(e.to_string().contains("wieght"));
        assert!(Rules::parse("rules:\n  IW-01: { weight: 3 }\n", Path::new("r.yaml")).is_err());
    }
}
