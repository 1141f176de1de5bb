//! A seeded generator of applicant populations with planted worker rings and realistic innocent
//! sharing, in the applicant record format, for measuring ring detection and scale through the
//! whole screening pipeline (`examples/applicant_bench.rs`).
//!
//! **Rings** (3–8 accounts run by one team under different fake identities): every account
//! uses two to four of the team's artifacts, at random — payout accounts (held by a
//! facilitator, sometimes in China or Hong Kong, sometimes a crypto wallet), laptops (device
//! fingerprints), VoIP numbers, a résumé template with small edits, reused profile photos with a
//! bit flipped, a laptop-farm shipping address (sometimes abroad) and the farm's IP range (one
//! /24, different hosts). They work Korean office hours (evenings and nights in the claimed
//! time zone; some teams also a night shift), log in through VPN exits 40 % of the time (mostly
//! Astrill's), some accounts with a Korean browser locale, and often keep the camera off.
//!
//! **Innocent sharing**: families (home address, home IP, surname, sometimes a landline, a
//! family PC or a joint account held by a spouse), staffing agencies (office phone, office IP,
//! a house résumé format), corporate NAT offices (one egress IP for everybody), popular résumé
//! templates, VPN exits used by many, and the noise the advisories warn about: privacy-minded
//! VPN users, Korean-speaking applicants abroad, foreign or VoIP phone numbers, shipping to an
//! office, cameras off.
//!
//! Applicant `i` is a pure function of the seed and `i`, so a million can be generated in
//! parallel or streamed.

use std::net::{IpAddr, Ipv4Addr};

use cordon_model::PartialDate;
use jiff::Timestamp;

use crate::record::{Address, Applicant, Interview, Login, PayoutAccount};

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

/// What an applicant really is (not part of the record).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Truth {
    /// The ring the account belongs to.
    pub ring: Option<u32>,
    /// Innocent groups the applicant belongs to.
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
/// VPN exit addresses shared by everybody who uses a VPN.
const VPN_EXITS: u64 = 300;
/// Every third exit belongs to the anonymiser the advisories name (Astrill).
const ASTRILL_EVERY: u64 = 3;
/// Logins start at 2025-06-15 (northern summer: the offsets below include daylight saving).
const START: i64 = 1_750_000_000;

/// Claimed countries of residence with their time zones and summer UTC offsets (hours).
const HOMES: [(&str, &str, i64); 7] = [
    ("US", "America/New_York", -4),
    ("US", "America/Chicago", -5),
    ("US", "America/Denver", -6),
    ("US", "America/Los_Angeles", -7),
    ("CA", "America/Toronto", -4),
    ("CA", "America/Vancouver", -7),
    ("GB", "Europe/London", 1),
];

const GIVEN: [&str; 48] = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Margaret",
    "Donald",
    "Sandra",
    "Steven",
    "Ashley",
    "Paul",
    "Kimberly",
    "Andrew",
    "Emily",
    "Joshua",
    "Donna",
    "Kenneth",
    "Michelle",
    "Kevin",
    "Carol",
    "Brian",
    "Amanda",
    "George",
    "Melissa",
    "Timothy",
    "Deborah",
];
const SURNAMES: [&str; 48] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
];
const STREETS: [&str; 16] = [
    "Main St",
    "Oak Ave",
    "Pine Rd",
    "Maple Dr",
    "Cedar Ln",
    "Elm St",
    "Park Ave",
    "Lake Rd",
    "Hill St",
    "River Rd",
    "Sunset Blvd",
    "Washington St",
    "Church St",
    "Mill Rd",
    "Spring St",
    "Ridge Rd",
];
const CITIES: [&str; 16] = [
    "Springfield",
    "Riverside",
    "Franklin",
    "Greenville",
    "Bristol",
    "Clinton",
    "Fairview",
    "Salem",
    "Madison",
    "Georgetown",
    "Arlington",
    "Ashland",
    "Dover",
    "Oxford",
    "Jackson",
    "Burlington",
];
/// Area codes libphonenumber accepts, per claimed country.
const US_AREAS: [u64; 16] = [
    201, 206, 212, 303, 305, 312, 404, 415, 503, 512, 617, 702, 713, 773, 818, 919,
];
const CA_AREAS: [u64; 4] = [416, 604, 514, 613];
const SYLLABLES: [&str; 32] = [
    "ka", "lo", "mi", "ne", "ru", "ta", "vo", "xe", "pi", "da", "so", "fe", "gu", "ha", "ji", "ko",
    "la", "me", "no", "pa", "qu", "ri", "se", "ti", "ul", "ve", "wa", "yo", "ze", "bi", "co", "de",
];

/// SplitMix64 finaliser (the generator's only source of randomness).
const fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded SplitMix64 sequence.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }

    /// True with probability `p` (per mille resolution).
    fn chance(&mut self, p: f64) -> bool {
        (self.below(1000) as f64) < p * 1000.0
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// Skewed pick (first entries much more common), like real surname frequencies.
    fn pick_skewed<T: Copy>(&mut self, xs: &[T]) -> T {
        let u = self.below(1 << 20) as f64 / f64::from(1u32 << 20);
        xs[((u * u * u) * xs.len() as f64) as usize % xs.len()]
    }
}

/// A pseudo-word from a number (vocabulary of 32^3).
fn word(n: u64, out: &mut String) {
    for k in 0..3 {
        out.push_str(SYLLABLES[((n >> (5 * k)) & 31) as usize]);
    }
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

/// A valid phone number of a country (`h` picks it; the first of a few candidates that
/// libphonenumber accepts).
fn phone(country: &str, h: u64) -> String {
    let mut h = h;
    let mut candidate = phone_candidate(country, h);
    for _ in 0..16 {
        if crate::phone::e164(&candidate, None).is_some() {
            break;
        }
        h = mix64(h);
        candidate = phone_candidate(country, h);
    }
    candidate
}

fn phone_candidate(country: &str, h: u64) -> String {
    let line = h % 10_000;
    let exchange = 200 + (h >> 16) % 800;
    // N11 exchanges are service codes, not subscriber numbers.
    let exchange = if exchange % 100 == 11 {
        exchange + 1
    } else {
        exchange
    };
    match country {
        "GB" => format!("+447{}{:08}", 4 + (h >> 40) % 6, (h >> 8) % 100_000_000),
        "CA" => format!(
            "+1{}{exchange}{line:04}",
            CA_AREAS[((h >> 32) % CA_AREAS.len() as u64) as usize]
        ),
        _ => format!(
            "+1{}{exchange}{line:04}",
            US_AREAS[((h >> 32) % US_AREAS.len() as u64) as usize]
        ),
    }
}

/// A UK VoIP number (+44 56: libphonenumber's VoIP range).
fn voip_phone(h: u64) -> String {
    format!("+4456{:08}", h % 100_000_000)
}

impl Generator {
    /// Plans group memberships (the applicants themselves are generated on demand).
    pub fn new(cfg: SynthConfig) -> Self {
        let n = cfg.applicants;
        let mut rng = Rng(mix64(cfg.seed ^ 0x9A11));
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

    /// What applicant `i` really is.
    pub fn truth(&self, i: usize) -> Truth {
        let role = self.roles.get(i).copied().unwrap_or_default();
        let mut t = Truth::default();
        match role.main {
            (1, r) => t.ring = Some(r),
            (2, f) => t.groups.push((GroupKind::Family, f)),
            (3, a) => t.groups.push((GroupKind::Agency, a)),
            _ => {}
        }
        if let Some(o) = role.office {
            t.groups.push((GroupKind::Office, o));
        }
        if let Some(tp) = role.template {
            t.groups.push((GroupKind::Template, tp));
        }
        t
    }

    /// The IP database the generator's networks imply, as CSV ranges (`docs/applicants.md`):
    /// the VPN exits (every third one Astrill's) as anonymous hosting addresses.
    pub fn ip_database_csv(&self) -> String {
        let mut out = String::from("network,country,asn,org,vpn,hosting,provider\n");
        for k in 0..VPN_EXITS {
            let ip = public_ip(self.h(600, k, 0));
            let (org, provider) = if k % ASTRILL_EVERY == 0 {
                ("Astrill VPN", "Astrill")
            } else {
                ("Example VPN Hosting", "")
            };
            let country = ["NL", "SG", "JP", "DE"][(k % 4) as usize];
            out.push_str(&format!(
                "{ip}/32,{country},{},{org},1,1,{provider}\n",
                64_600 + k
            ));
        }
        out
    }

    fn h(&self, tag: u64, a: u64, b: u64) -> u64 {
        mix64(mix64(self.cfg.seed ^ tag.wrapping_mul(0x9E37_79B9)) ^ a.wrapping_mul(0xA24B) ^ b)
    }

    fn resume(base: Option<u64>, edit: f64, rng: &mut Rng) -> String {
        let mut s = String::with_capacity(1400);
        for k in 0..150u64 {
            let w = match base {
                Some(b) if rng.below(10_000) as f64 >= edit * 10_000.0 => mix64(b ^ k),
                _ => rng.next_u64(),
            };
            if k > 0 {
                s.push(' ');
            }
            word(w % 32_768, &mut s);
        }
        s
    }

    fn address(h: u64) -> String {
        format!(
            "{} {}, {}",
            1 + h % 9_999,
            STREETS[((h >> 16) % 16) as usize],
            CITIES[((h >> 24) % 16) as usize]
        )
    }

    /// Applicant `i` (an index out of range gives an applicant without roles).
    pub fn applicant(&self, i: usize) -> Applicant {
        let role = self.roles.get(i).copied().unwrap_or_default();
        let iu = i as u64;
        let mut rng = Rng(self.h(1, iu, 0));
        let own = |tag: u64| self.h(tag, iu, 7);
        let mut given = rng.pick(&GIVEN);
        let mut surname = rng.pick_skewed(&SURNAMES);
        let dob = PartialDate::new(
            1960 + rng.below(45) as u16,
            Some(1 + rng.below(12) as u8),
            Some(1 + rng.below(28) as u8),
        );
        let (country, tz, offset) = match role.main {
            // A household lives in one place.
            (2, f) => HOMES[(self.h(207, u64::from(f), 0) % HOMES.len() as u64) as usize],
            _ if rng.chance(0.8) => rng.pick(&HOMES[..4]),
            _ => rng.pick(&HOMES[4..]),
        };
        let mut phones = Vec::new();
        if rng.chance(0.7) {
            phones.push(if rng.chance(0.02) {
                // An immigrant's home-country mobile.
                phone("GB", own(4))
            } else {
                phone(country, own(4))
            });
        }
        let mut home = Self::address(own(5));
        let mut shipping: Option<(String, Option<&str>)> = None;
        let mut payout = vec![PayoutAccount {
            number: format!("US{:016}", own(6) % 10_000_000_000_000_000),
            method: Some("bank".into()),
            country: Some(country.into()),
            holder: None,
        }];
        let mut wallets = Vec::new();
        let mut devices = vec![format!("dev-{:012x}", own(7) & 0xFFFF_FFFF_FFFF)];
        let mut home_ip = public_ip(own(8));
        let mut extra_ips: Vec<Ipv4Addr> = Vec::new();
        let mut photo = rng.chance(0.8).then(|| own(9));
        let mut resume_base: Option<(u64, f64)> = None;
        let mut vpn_rate = if rng.chance(0.03) { 0.6 } else { 0.05 };
        let mut korean_locale = if rng.chance(0.01) { 1.0 } else { 0.0 };
        let mut camera_off = rng.chance(0.03);
        let mut korean_hours = false;
        if rng.chance(0.03) {
            shipping = Some((Self::address(own(11)), Some(country)));
        }
        match role.main {
            (1, r) => {
                let rh = |tag: u64, k: u64| self.h(100 + tag, u64::from(r), k);
                let ring_size = self.rings.get(r as usize).map_or(0, Vec::len);
                korean_hours = true;
                korean_locale = if rng.chance(0.35) { 0.3 } else { 0.0 };
                vpn_rate = 0.4;
                camera_off = rng.chance(0.4);
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
                    let which = rng.below(1 + u64::from(ring_size > 4));
                    let acct = rh(1, which);
                    payout = vec![if acct % 5 == 0 {
                        // Paid in crypto to the team's wallet.
                        let wallet = format!("0x{:016x}{:024x}", acct, rh(9, which) as u128);
                        wallets.push(wallet.clone());
                        PayoutAccount {
                            number: wallet,
                            method: Some("crypto".into()),
                            country: None,
                            holder: None,
                        }
                    } else {
                        let abroad = acct % 7 == 0;
                        let bank_country = if abroad {
                            ["CN", "HK"][(acct % 2) as usize]
                        } else {
                            country
                        };
                        PayoutAccount {
                            number: format!("{bank_country}{:016}", acct % 10_000_000_000_000_000),
                            method: Some("bank".into()),
                            country: Some(bank_country.into()),
                            // Half the teams' accounts are in a facilitator's name.
                            holder: (acct % 2 == 0).then(|| {
                                format!(
                                    "{} {}",
                                    GIVEN[(acct >> 8) as usize % 48],
                                    SURNAMES[(acct >> 16) as usize % 48]
                                )
                            }),
                        }
                    }];
                }
                if uses[1] {
                    devices = vec![format!(
                        "dev-{:012x}",
                        rh(2, rng.below(3)) & 0xFFFF_FFFF_FFFF
                    )];
                }
                if uses[2] {
                    let line = rh(3, rng.below(2));
                    phones = vec![if line % 2 == 0 {
                        voip_phone(line)
                    } else {
                        phone(country, line)
                    }];
                }
                if uses[3] {
                    resume_base = Some((rh(4, 0), 0.005));
                }
                if uses[4] {
                    photo = Some(rh(5, rng.below(2)) ^ (1u64 << rng.below(64)));
                }
                if uses[5] {
                    let farm = rh(6, 0);
                    let abroad = farm % 10 == 0;
                    shipping = Some((
                        Self::address(farm),
                        Some(if abroad { "CN" } else { country }),
                    ));
                }
                if uses[6] {
                    // The laptop farm's range: one /24, a host per laptop.
                    let farm = public_ip(rh(7, 0)).octets();
                    let host = 1 + (rh(7, 1 + rng.below(4)) % 254) as u8;
                    extra_ips.push(Ipv4Addr::new(farm[0], farm[1], farm[2], host));
                }
                if rng.below(100) < 20 {
                    // An operator reuses a variant of another identity's name.
                    given = rng.pick(&GIVEN);
                    surname = SURNAMES[(rh(8, 0) % 48) as usize];
                }
            }
            (2, f) => {
                let fh = |tag: u64| self.h(200 + tag, u64::from(f), 0);
                surname = SURNAMES[(fh(1) % 48) as usize];
                home = Self::address(fh(2));
                home_ip = public_ip(fh(3));
                if rng.chance(0.4) {
                    phones.push(phone(country, fh(4)));
                }
                if rng.chance(0.3) {
                    devices.push(format!("dev-{:012x}", fh(5) & 0xFFFF_FFFF_FFFF));
                }
                if rng.chance(0.15) {
                    // A joint account, held by one of the household.
                    payout.push(PayoutAccount {
                        number: format!("US{:016}", fh(6) % 10_000_000_000_000_000),
                        method: Some("bank".into()),
                        country: Some(country.into()),
                        holder: Some(format!("{} {surname}", GIVEN[(fh(8) % 48) as usize])),
                    });
                }
                if fh(9) % 100 < 2 {
                    // A Korean-speaking household abroad.
                    korean_locale = 1.0;
                }
            }
            (3, a) => {
                let ah = |tag: u64| self.h(300 + tag, u64::from(a), 0);
                if rng.chance(0.6) {
                    phones.push(phone(country, ah(1)));
                }
                if rng.chance(0.5) {
                    extra_ips.push(public_ip(ah(2)));
                }
                resume_base = Some((ah(3), 0.08));
            }
            _ => {}
        }
        if let Some(t) = role.template
            && resume_base.is_none()
        {
            resume_base = Some((self.h(500, u64::from(t), 0), 0.05));
        }
        let resume = match resume_base {
            Some((b, edit)) => Self::resume(Some(b), edit, &mut rng),
            None => Self::resume(None, 1.0, &mut rng),
        };
        if let Some(o) = role.office {
            extra_ips.push(public_ip(self.h(400, u64::from(o), 0)));
        }
        let mut logins = Vec::with_capacity(self.cfg.logins);
        // Midnight UTC of the first day.
        let start = (START + (own(10) % 10_000_000) as i64).div_euclid(86_400) * 86_400;
        let night_shift = korean_hours && rng.chance(0.3);
        for k in 0..self.cfg.logins {
            let day = start + k as i64 * 86_400;
            let utc_hour = if korean_hours {
                // 09:00-18:00 in Pyongyang (UTC+9) is 00:00-09:00 UTC; a night shift
                // covers the evening too.
                if night_shift && rng.chance(0.4) {
                    10 + rng.below(5) as i64
                } else {
                    rng.below(9) as i64
                }
            } else {
                // Local business hours, some evenings.
                let local = if rng.chance(0.85) {
                    8 + rng.below(11) as i64
                } else {
                    19 + rng.below(4) as i64
                };
                (local - offset).rem_euclid(24)
            };
            let ip = if rng.chance(vpn_rate) {
                // Teams favour the anonymiser the advisories name.
                let exit = if korean_hours && rng.chance(0.8) {
                    ASTRILL_EVERY * rng.below(VPN_EXITS / ASTRILL_EVERY)
                } else {
                    rng.below(VPN_EXITS)
                };
                public_ip(self.h(600, exit, 0))
            } else if !extra_ips.is_empty() && rng.below(2) == 0 {
                extra_ips[rng.below(extra_ips.len() as u64) as usize]
            } else if rng.below(10) == 0 {
                public_ip(rng.next_u64())
            } else {
                home_ip
            };
            let locale = if rng.chance(korean_locale) {
                "ko-KR"
            } else if country == "GB" {
                "en-GB"
            } else {
                "en-US"
            };
            logins.push(Login {
                time: Timestamp::from_second(day + utc_hour * 3600 + rng.below(3600) as i64).ok(),
                ip: Some(IpAddr::V4(ip)),
                user_agent: None,
                device: Some(devices[rng.below(devices.len() as u64) as usize].clone()),
                locale: Some(locale.to_owned()),
            });
        }
        let mut addresses = vec![Address {
            kind: "home".into(),
            text: home,
            country: Some(country.into()),
        }];
        if let Some((text, c)) = shipping {
            addresses.push(Address {
                kind: "shipping".into(),
                text,
                country: c.map(str::to_owned),
            });
        }
        Applicant {
            id: format!("app-{i:07}"),
            names: vec![format!("{given} {surname}")],
            date_of_birth: dob,
            claimed_country: Some(country.into()),
            claimed_timezone: Some(tz.into()),
            emails: vec![format!(
                "{}.{}{}@mail{}.com",
                given.to_lowercase(),
                surname.to_lowercase(),
                own(2) % 1_000_000,
                own(3) % 50
            )],
            phones,
            addresses,
            payout_accounts: payout,
            wallets,
            logins,
            resume: Some(resume),
            photo_phash: photo,
            interview: camera_off.then_some(Interview {
                camera_on: Some(false),
                video_declined: 0,
            }),
            ..Applicant::default()
        }
    }
}
