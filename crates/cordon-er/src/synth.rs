//! A seeded generator of applicant-like populations with planted worker rings and realistic
//! innocent sharing, for measuring ring detection and for scale tests.
//!
//! Rings (3–8 accounts run by one team under different fake identities) share, per member and
//! at random, payout accounts, laptops (device fingerprints), a laptop-farm IP and shipping
//! address, VoIP numbers, a résumé template with small edits and reused profile photos; they log
//! in during Korean working hours, often through VPN exits, sometimes with a Korean locale.
//! Innocent sharing: families (home address, home IP, surname, sometimes a landline, a family
//! PC or a joint account), staffing agencies (office phone, office IP, a house résumé format),
//! corporate NAT offices (one egress IP for everybody), popular résumé templates, VPN exits
//! used by many, and chance collisions of ISP /24 ranges and common names.
//!
//! Applicant `i` is a pure function of the seed and `i`, so a million applicants can be
//! streamed without being held in memory.

use std::net::Ipv4Addr;

use cordon_model::{Diagnostic, Location};

use crate::data::{Dataset, DatasetBuilder, KeyValue, RecordRef};
use crate::hash::{SplitMix, mix64};
use crate::ident::KeySpec;
use crate::normalize;

/// Population shape. Shares are of all applicants.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    /// Seed of everything.
    pub seed: u64,
    /// Number of applicants.
    pub applicants: usize,
    /// Share of applicants who are ring accounts.
    pub ring_share: f64,
    /// Share in families (2–4 members).
    pub family_share: f64,
    /// Share in staffing agencies (5–25 candidates).
    pub agency_share: f64,
    /// Share working behind a corporate NAT (offices of 10–150).
    pub office_share: f64,
    /// Share of innocents using one of the popular résumé templates.
    pub template_share: f64,
    /// Login events per applicant.
    pub logins: usize,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            seed: 1,
            applicants: 100_000,
            ring_share: 0.01,
            family_share: 0.15,
            agency_share: 0.03,
            office_share: 0.10,
            template_share: 0.10,
            logins: 20,
        }
    }
}

/// The kind of an innocent sharing group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKind {
    /// A household.
    Family,
    /// A staffing agency's candidates.
    Agency,
    /// Employees behind one corporate NAT.
    Office,
    /// Users of one popular résumé template.
    Template,
}

/// One login event.
#[derive(Debug, Clone, PartialEq)]
pub struct Login {
    /// Unix seconds.
    pub time: i64,
    /// Source address.
    pub ip: Ipv4Addr,
    /// Device fingerprint.
    pub device: String,
    /// Browser locale.
    pub locale: &'static str,
}

/// A generated applicant (a subset of the applicant record format of issue 6).
#[derive(Debug, Clone, PartialEq)]
pub struct Applicant {
    /// Record id.
    pub id: String,
    /// Given name.
    pub given_name: String,
    /// Surname.
    pub surname: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// ISO country claimed.
    pub claimed_country: &'static str,
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Phone numbers (E.164).
    pub phones: Vec<String>,
    /// Home address.
    pub home_address: String,
    /// Where equipment is shipped, when different from home.
    pub shipping_address: Option<String>,
    /// Payout accounts.
    pub payout_accounts: Vec<String>,
    /// Login events.
    pub logins: Vec<Login>,
    /// Résumé text.
    pub resume: String,
    /// Profile photo perceptual hash.
    pub photo_phash: Option<u64>,
    /// Ground truth: the ring this account belongs to.
    pub ring: Option<u32>,
    /// Ground truth: innocent groups this applicant belongs to.
    pub groups: Vec<(GroupKind, u32)>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Role {
    /// Ring or family or agency (exclusive), as (tag, id): 0 none, 1 ring, 2 family, 3 agency.
    main: (u8, u32),
    office: Option<u32>,
    template: Option<u32>,
}

/// Generates applicants deterministically from a [`SynthConfig`].
#[derive(Debug, Clone)]
pub struct Generator {
    cfg: SynthConfig,
    roles: Vec<Role>,
    rings: Vec<Vec<u32>>,
    groups: Vec<(GroupKind, Vec<u32>)>,
}

const TEMPLATES: u32 = 20;
const VPN_EXITS: u64 = 300;

const GIVEN: [&str; 48] = [
    "james",
    "mary",
    "john",
    "patricia",
    "robert",
    "jennifer",
    "michael",
    "linda",
    "william",
    "elizabeth",
    "david",
    "barbara",
    "richard",
    "susan",
    "joseph",
    "jessica",
    "thomas",
    "sarah",
    "charles",
    "karen",
    "daniel",
    "nancy",
    "matthew",
    "lisa",
    "anthony",
    "betty",
    "mark",
    "margaret",
    "donald",
    "sandra",
    "steven",
    "ashley",
    "paul",
    "kimberly",
    "andrew",
    "emily",
    "joshua",
    "donna",
    "kenneth",
    "michelle",
    "kevin",
    "carol",
    "brian",
    "amanda",
    "george",
    "melissa",
    "timothy",
    "deborah",
];
const SURNAMES: [&str; 48] = [
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "hernandez",
    "lopez",
    "gonzalez",
    "wilson",
    "anderson",
    "thomas",
    "taylor",
    "moore",
    "jackson",
    "martin",
    "lee",
    "perez",
    "thompson",
    "white",
    "harris",
    "sanchez",
    "clark",
    "ramirez",
    "lewis",
    "robinson",
    "walker",
    "young",
    "allen",
    "king",
    "wright",
    "scott",
    "torres",
    "nguyen",
    "hill",
    "flores",
    "green",
    "adams",
    "nelson",
    "baker",
    "hall",
    "rivera",
    "campbell",
    "mitchell",
];
const STREETS: [&str; 16] = [
    "main st",
    "oak ave",
    "pine rd",
    "maple dr",
    "cedar ln",
    "elm st",
    "park ave",
    "lake rd",
    "hill st",
    "river rd",
    "sunset blvd",
    "washington st",
    "church st",
    "mill rd",
    "spring st",
    "ridge rd",
];
const CITIES: [&str; 16] = [
    "springfield",
    "riverside",
    "franklin",
    "greenville",
    "bristol",
    "clinton",
    "fairview",
    "salem",
    "madison",
    "georgetown",
    "arlington",
    "ashland",
    "dover",
    "oxford",
    "jackson",
    "burlington",
];
const SYLLABLES: [&str; 32] = [
    "ka", "lo", "mi", "ne", "ru", "ta", "vo", "xe", "pi", "da", "so", "fe", "gu", "ha", "ji", "ko",
    "la", "me", "no", "pa", "qu", "ri", "se", "ti", "ul", "ve", "wa", "yo", "ze", "bi", "co", "de",
];

/// A pseudo-word from a number (vocabulary of 32^3).
fn word(n: u64, out: &mut String) {
    for k in 0..3 {
        out.push_str(SYLLABLES[((n >> (5 * k)) & 31) as usize]);
    }
}

fn pick<T: Copy>(rng: &mut SplitMix, xs: &[T]) -> T {
    xs[rng.below(xs.len() as u64) as usize]
}

/// Skewed pick (first entries much more common), like real surname frequencies.
fn pick_skewed<T: Copy>(rng: &mut SplitMix, xs: &[T]) -> T {
    let u = rng.below(1 << 20) as f64 / f64::from(1u32 << 20);
    xs[((u * u * u) * xs.len() as f64) as usize % xs.len()]
}

fn public_ip(h: u64) -> Ipv4Addr {
    // First octet 11..=222: avoids private and reserved ranges.
    let a = 11 + (h % 212) as u8;
    Ipv4Addr::new(
        a,
        (h >> 8) as u8,
        (h >> 16) as u8,
        1 + ((h >> 24) % 254) as u8,
    )
}

impl Generator {
    /// Plans group memberships (the applicants themselves are generated on demand).
    pub fn new(cfg: SynthConfig) -> Self {
        let n = cfg.applicants;
        let mut rng = SplitMix::new(mix64(cfg.seed ^ 0x9A11));
        let mut perm: Vec<u32> = (0..n as u32).collect();
        for i in (1..perm.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            perm.swap(i, j);
        }
        let mut roles = vec![Role::default(); n];
        let mut rings = Vec::new();
        let mut groups = Vec::new();
        let mut next = 0usize;
        let take = |size: usize, next: &mut usize| -> Option<Vec<u32>> {
            if *next + size > perm.len() {
                return None;
            }
            let g = perm.get(*next..*next + size)?.to_vec();
            *next += size;
            Some(g)
        };
        let quota = |share: f64| (share * n as f64) as usize;
        let mut used = 0;
        while used < quota(cfg.ring_share) {
            let size = 3 + rng.below(6) as usize;
            let Some(g) = take(size, &mut next) else {
                break;
            };
            for &m in &g {
                roles[m as usize].main = (1, rings.len() as u32);
            }
            used += size;
            rings.push(g);
        }
        for (kind, tag, share, lo, hi) in [
            (GroupKind::Family, 2u8, cfg.family_share, 2u64, 4u64),
            (GroupKind::Agency, 3, cfg.agency_share, 5, 25),
        ] {
            let mut used = 0;
            while used < quota(share) {
                let size = (lo + rng.below(hi - lo + 1)) as usize;
                let Some(g) = take(size, &mut next) else {
                    break;
                };
                for &m in &g {
                    roles[m as usize].main = (tag, groups.len() as u32);
                }
                used += size;
                groups.push((kind, g));
            }
        }
        // Offices and templates overlap with everything but rings.
        let innocents: Vec<u32> = perm
            .iter()
            .copied()
            .filter(|&i| roles[i as usize].main.0 != 1)
            .collect();
        let mut k = 0usize;
        let mut used = 0;
        while used < quota(cfg.office_share) && k < innocents.len() {
            let size = (10 + rng.below(141)) as usize;
            let g: Vec<u32> = innocents.iter().skip(k).take(size).copied().collect();
            k += size;
            used += g.len();
            for &m in &g {
                roles[m as usize].office = Some(groups.len() as u32);
            }
            groups.push((GroupKind::Office, g));
        }
        let mut template_members: Vec<Vec<u32>> = vec![Vec::new(); TEMPLATES as usize];
        for &i in &innocents {
            let h = mix64(cfg.seed ^ 0x7E3A ^ u64::from(i).wrapping_mul(0x51));
            if (h % 10_000) as f64 / 10_000.0 < cfg.template_share {
                template_members[((h >> 20) % u64::from(TEMPLATES)) as usize].push(i);
            }
        }
        for t in template_members {
            for &m in &t {
                roles[m as usize].template = Some(groups.len() as u32);
            }
            groups.push((GroupKind::Template, t));
        }
        Generator {
            cfg,
            roles,
            rings,
            groups,
        }
    }

    /// Number of applicants.
    pub fn len(&self) -> usize {
        self.roles.len()
    }

    /// True when there is no applicant.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }

    /// Planted rings (applicant indices).
    pub fn rings(&self) -> &[Vec<u32>] {
        &self.rings
    }

    /// Innocent sharing groups (applicant indices).
    pub fn groups(&self) -> &[(GroupKind, Vec<u32>)] {
        &self.groups
    }

    fn h(&self, tag: u64, a: u64, b: u64) -> u64 {
        mix64(mix64(self.cfg.seed ^ tag.wrapping_mul(0x9E37_79B9)) ^ a.wrapping_mul(0xA24B) ^ b)
    }

    fn resume(&self, base: Option<u64>, edit: f64, rng: &mut SplitMix) -> String {
        let mut s = String::with_capacity(1400);
        for k in 0..150u64 {
            let w = match base {
                Some(b) if rng.below(10_000) as f64 >= edit * 10_000.0 => mix64(b ^ k),
                _ => rng.next_u64(),
            };
            word(w % 32_768, &mut s);
            s.push(' ');
        }
        s
    }

    fn address(&self, h: u64) -> String {
        format!(
            "{} {}, {}",
            1 + h % 9_999,
            STREETS[((h >> 16) % 16) as usize],
            CITIES[((h >> 24) % 16) as usize]
        )
    }

    /// Applicant `i` (panics never; an index out of range gives an applicant without roles).
    pub fn applicant(&self, i: usize) -> Applicant {
        let role = self.roles.get(i).copied().unwrap_or_default();
        let iu = i as u64;
        let mut rng = SplitMix::new(self.h(1, iu, 0));
        let mut given = pick(&mut rng, &GIVEN).to_owned();
        let mut surname = pick_skewed(&mut rng, &SURNAMES).to_owned();
        let year = 1960 + rng.below(45);
        let dob = format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
        let own = |tag: u64| self.h(tag, iu, 7);
        let mut emails = vec![format!(
            "{given}.{surname}{}@mail{}.com",
            own(2) % 1_000_000,
            own(3) % 50
        )];
        let mut phones = Vec::new();
        if rng.below(10) < 7 {
            phones.push(format!("+1{}", 2_000_000_000 + own(4) % 7_999_999_999));
        }
        let mut home = self.address(own(5));
        let mut shipping = None;
        let mut payout = vec![format!("US{:016}", own(6) % 10_000_000_000_000_000)];
        let mut devices = vec![format!("dev-{:012x}", own(7) & 0xFFFF_FFFF_FFFF)];
        let mut home_ip = public_ip(own(8));
        let mut extra_ips: Vec<Ipv4Addr> = Vec::new();
        let mut photo = (rng.below(10) < 8).then(|| own(9));
        let mut resume_base: Option<(u64, f64)> = None;
        let mut claimed = "US";
        let mut vpn_rate = 0.05;
        let mut korean_hours = false;
        let mut korean_locale = 0.0;
        let mut ring = None;
        let mut groups = Vec::new();
        match role.main {
            (1, r) => {
                ring = Some(r);
                let rh = |tag: u64, k: u64| self.h(100 + tag, u64::from(r), k);
                let ring_size = self.rings.get(r as usize).map_or(0, Vec::len);
                claimed = pick(&mut rng, &["US", "US", "CA", "GB"]);
                korean_hours = true;
                korean_locale = 0.3;
                vpn_rate = 0.4;
                // Every account uses two to four of the team's artifacts, chosen at random.
                // Teams funnel pay into few accounts: most members use the team's.
                let mut uses = [false; 7];
                uses[0] = rng.below(100) < 60;
                let k = 2 + rng.below(3) as usize;
                let mut chosen = usize::from(uses[0]);
                while chosen < k {
                    let t = rng.below(7) as usize;
                    if !uses[t] {
                        uses[t] = true;
                        chosen += 1;
                    }
                }
                if uses[0] {
                    payout = vec![format!(
                        "US{:016}",
                        rh(1, rng.below(1 + (ring_size > 4) as u64)) % 10_000_000_000_000_000
                    )];
                }
                if uses[1] {
                    devices = vec![format!(
                        "dev-{:012x}",
                        rh(2, rng.below(3)) & 0xFFFF_FFFF_FFFF
                    )];
                }
                if uses[2] {
                    phones = vec![format!(
                        "+1{}",
                        2_000_000_000 + rh(3, rng.below(2)) % 7_999_999_999
                    )];
                }
                if uses[3] {
                    resume_base = Some((rh(4, 0), 0.005));
                }
                if uses[4] {
                    photo = Some(rh(5, rng.below(2)) ^ (1u64 << rng.below(64)));
                }
                if uses[5] {
                    shipping = Some(self.address(rh(6, 0)));
                }
                if uses[6] {
                    extra_ips.push(public_ip(rh(7, 0)));
                }
                if rng.below(100) < 20 {
                    // An operator reuses a variant of another identity's name.
                    given = pick(&mut rng, &GIVEN).to_owned();
                    surname = SURNAMES[(rh(8, 0) % 48) as usize].to_owned();
                }
            }
            (2, f) => {
                groups.push((GroupKind::Family, f));
                let fh = |tag: u64| self.h(200 + tag, u64::from(f), 0);
                surname = SURNAMES[(fh(1) % 48) as usize].to_owned();
                home = self.address(fh(2));
                home_ip = public_ip(fh(3));
                if rng.below(100) < 40 {
                    phones.push(format!("+1{}", 2_000_000_000 + fh(4) % 7_999_999_999));
                }
                if rng.below(100) < 30 {
                    devices.push(format!("dev-{:012x}", fh(5) & 0xFFFF_FFFF_FFFF));
                }
                if rng.below(100) < 15 {
                    payout.push(format!("US{:016}", fh(6) % 10_000_000_000_000_000));
                }
                emails.truncate(1);
            }
            (3, a) => {
                groups.push((GroupKind::Agency, a));
                let ah = |tag: u64| self.h(300 + tag, u64::from(a), 0);
                if rng.below(100) < 60 {
                    phones.push(format!("+1{}", 2_000_000_000 + ah(1) % 7_999_999_999));
                }
                if rng.below(100) < 50 {
                    extra_ips.push(public_ip(ah(2)));
                }
                resume_base = Some((ah(3), 0.08));
            }
            _ => {}
        }
        if let Some(o) = role.office {
            groups.push((GroupKind::Office, o));
            extra_ips.push(public_ip(self.h(400, u64::from(o), 0)));
        }
        if let Some(t) = role.template {
            groups.push((GroupKind::Template, t));
            if resume_base.is_none() {
                resume_base = Some((self.h(500, u64::from(t), 0), 0.05));
            }
        }
        let resume = match resume_base {
            Some((b, edit)) => self.resume(Some(b), edit, &mut rng),
            None => self.resume(None, 1.0, &mut rng),
        };
        let mut logins = Vec::with_capacity(self.cfg.logins);
        let start = 1_750_000_000i64 + (own(10) % 10_000_000) as i64;
        for k in 0..self.cfg.logins {
            let day = start + k as i64 * 86_400;
            let hour = if korean_hours {
                rng.below(9) as i64 // 09:00–18:00 KST = 00:00–09:00 UTC
            } else {
                13 + rng.below(10) as i64
            };
            let ip = if (rng.below(1000) as f64) < vpn_rate * 1000.0 {
                public_ip(self.h(600, rng.below(VPN_EXITS), 0))
            } else if !extra_ips.is_empty() && rng.below(2) == 0 {
                extra_ips[rng.below(extra_ips.len() as u64) as usize]
            } else if rng.below(10) == 0 {
                public_ip(rng.next_u64())
            } else {
                home_ip
            };
            let locale = if (rng.below(1000) as f64) < korean_locale * 1000.0 {
                "ko-KR"
            } else {
                "en-US"
            };
            logins.push(Login {
                time: day + hour * 3600 + rng.below(3600) as i64,
                ip,
                device: devices[rng.below(devices.len() as u64) as usize].clone(),
                locale,
            });
        }
        Applicant {
            id: format!("app-{i:07}"),
            given_name: given,
            surname,
            date_of_birth: dob,
            claimed_country: claimed,
            emails,
            phones,
            home_address: home,
            shipping_address: shipping,
            payout_accounts: payout,
            logins,
            resume,
            photo_phash: photo,
            ring,
            groups,
        }
    }
}

/// Field names of applicant datasets built by [`ApplicantKeys::push`].
pub const APPLICANT_FIELDS: [&str; 4] = ["given_name", "surname", "date_of_birth", "country"];

/// Identifier kinds registered in a builder, for pushing applicants.
#[derive(Debug, Clone)]
pub struct ApplicantKeys {
    email: u16,
    phone: u16,
    payout: u16,
    device: u16,
    home: u16,
    shipping: u16,
    ip: u16,
    ip_net: u16,
    photo: u16,
    resume: u16,
}

impl ApplicantKeys {
    /// Registers [`KeySpec::applicant_defaults`] in a builder made with [`APPLICANT_FIELDS`].
    pub fn register(b: &mut DatasetBuilder) -> Self {
        let mut ix = |name: &str| {
            let spec = KeySpec::applicant_defaults()
                .into_iter()
                .find(|k| k.name == name)
                .unwrap_or_else(|| KeySpec::exact(name, 0.5, 1e-3, 20));
            b.key_kind(spec)
        };
        ApplicantKeys {
            email: ix("email"),
            phone: ix("phone"),
            payout: ix("payout_account"),
            device: ix("device"),
            home: ix("home_address"),
            shipping: ix("shipping_address"),
            ip: ix("ip"),
            ip_net: ix("ip_net"),
            photo: ix("photo"),
            resume: ix("resume"),
        }
    }

    /// Normalises an applicant's identifiers into keys (distinct login IPs and devices) and
    /// pushes the record.
    pub fn push(&self, b: &mut DatasetBuilder, a: &Applicant) -> Option<u32> {
        let keys = self.keys(a);
        let fields = Self::fields(a);
        b.push(RecordRef {
            id: a.id.as_bytes(),
            source: 0,
            fields: &fields,
            keys: &keys,
            location: &Location::default(),
        })
    }

    /// The field values of an applicant, in [`APPLICANT_FIELDS`] order.
    pub fn fields(a: &Applicant) -> [Option<&[u8]>; 4] {
        [
            Some(a.given_name.as_bytes()),
            Some(a.surname.as_bytes()),
            Some(a.date_of_birth.as_bytes()),
            Some(a.claimed_country.as_bytes()),
        ]
    }

    /// An applicant's identifiers as normalised keys (distinct login IPs, /24s and devices); a
    /// pure function, so callers can prepare keys in parallel and use
    /// [`DatasetBuilder::push_batch`].
    pub fn keys(&self, a: &Applicant) -> Vec<(u16, KeyValue)> {
        let mut keys: Vec<(u16, KeyValue)> = Vec::with_capacity(16);
        for e in &a.emails {
            if let Some(v) = normalize::email(e) {
                keys.push((self.email, KeyValue::Exact(v)));
            }
        }
        for p in &a.phones {
            if let Some(v) = normalize::phone_e164(p) {
                keys.push((self.phone, KeyValue::Exact(v)));
            }
        }
        for p in &a.payout_accounts {
            if let Some(v) = normalize::account(p) {
                keys.push((self.payout, KeyValue::Exact(v)));
            }
        }
        if let Some(v) = normalize::address(&a.home_address) {
            keys.push((self.home, KeyValue::Exact(v)));
        }
        if let Some(v) = a.shipping_address.as_deref().and_then(normalize::address) {
            keys.push((self.shipping, KeyValue::Exact(v)));
        }
        let mut ips: Vec<Ipv4Addr> = a.logins.iter().map(|l| l.ip).collect();
        ips.sort_unstable();
        ips.dedup();
        for ip in ips {
            let o = ip.octets();
            keys.push((self.ip, KeyValue::Exact(ip.to_string())));
            keys.push((
                self.ip_net,
                KeyValue::Exact(format!("{}.{}.{}.0/24", o[0], o[1], o[2])),
            ));
        }
        let mut devices: Vec<&str> = a.logins.iter().map(|l| l.device.as_str()).collect();
        devices.sort_unstable();
        devices.dedup();
        for d in devices {
            keys.push((self.device, KeyValue::Exact(d.to_owned())));
        }
        if let Some(p) = a.photo_phash {
            keys.push((self.photo, KeyValue::Bits(p)));
        }
        keys.push((self.resume, KeyValue::Text(a.resume.as_bytes().to_vec())));
        keys
    }
}

/// Generates the whole population into a dataset (records in applicant order), generating
/// and preparing keys in parallel chunks.
pub fn dataset(generator: &Generator) -> (Dataset, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let mut b = DatasetBuilder::new(&APPLICANT_FIELDS);
    let keys = ApplicantKeys::register(&mut b);
    b.reserve(generator.len());
    let loc = Location::default();
    let n = generator.len();
    for start in (0..n).step_by(20_000) {
        let end = (start + 20_000).min(n);
        let chunk: Vec<(Applicant, Vec<(u16, KeyValue)>)> = (start..end)
            .into_par_iter()
            .map(|i| {
                let a = generator.applicant(i);
                let k = keys.keys(&a);
                (a, k)
            })
            .collect();
        let fields: Vec<[Option<&[u8]>; 4]> = chunk
            .iter()
            .map(|(a, _)| ApplicantKeys::fields(a))
            .collect();
        let recs: Vec<RecordRef<'_>> = chunk
            .iter()
            .zip(&fields)
            .map(|((a, k), f)| RecordRef {
                id: a.id.as_bytes(),
                source: 0,
                fields: f,
                keys: k,
                location: &loc,
            })
            .collect();
        b.push_batch(&recs);
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_planted() {
        let cfg = SynthConfig {
            applicants: 2_000,
            ..SynthConfig::default()
        };
        let g1 = Generator::new(cfg.clone());
        let g2 = Generator::new(cfg);
        assert_eq!(g1.applicant(17), g2.applicant(17));
        assert!(!g1.rings().is_empty());
        let ring = &g1.rings()[0];
        for &m in ring {
            assert_eq!(g1.applicant(m as usize).ring, Some(0));
        }
        assert!(g1.groups().iter().any(|g| g.0 == GroupKind::Family));
        let a = g1.applicant(3);
        assert_eq!(a.logins.len(), 20);
        assert!(normalize::email(&a.emails[0]).is_some());
    }
}
