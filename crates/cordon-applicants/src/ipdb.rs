//! IP facts (country, ASN, VPN/hosting/proxy flags, anonymiser provider) from a user-supplied
//! database: MaxMind-format `.mmdb` files (GeoIP2/GeoLite2 Country, ASN and Anonymous IP field
//! names) or CSV ranges (columns in `docs/applicants.md`). Several files can be combined; the
//! first that knows a fact wins.

use std::net::IpAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::ApplicantError;

/// What the database says about one address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IpInfo {
    /// ISO alpha-2 country, upper case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Autonomous system number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asn: Option<u32>,
    /// Autonomous system organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// A VPN exit, public proxy or Tor exit.
    pub anonymous: bool,
    /// A hosting / VPS provider.
    pub hosting: bool,
    /// The anonymiser's name (`Astrill`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

impl IpInfo {
    fn fill(&mut self, other: IpInfo) {
        if self.country.is_none() {
            self.country = other.country;
        }
        if self.asn.is_none() {
            self.asn = other.asn;
        }
        if self.org.is_none() {
            self.org = other.org;
        }
        self.anonymous |= other.anonymous;
        self.hosting |= other.hosting;
        if self.provider.is_none() {
            self.provider = other.provider;
        }
    }
}

#[derive(Debug, Deserialize, Default)]
struct MmdbCountry<'a> {
    #[serde(borrow)]
    iso_code: Option<&'a str>,
}

/// The GeoIP2 field names Cordon reads (all optional, so one struct reads Country, ASN and
/// Anonymous IP databases).
#[derive(Debug, Deserialize, Default)]
struct MmdbRecord<'a> {
    #[serde(borrow)]
    country: Option<MmdbCountry<'a>>,
    #[serde(borrow)]
    registered_country: Option<MmdbCountry<'a>>,
    autonomous_system_number: Option<u32>,
    #[serde(borrow)]
    autonomous_system_organization: Option<&'a str>,
    is_anonymous_vpn: Option<bool>,
    is_public_proxy: Option<bool>,
    is_tor_exit_node: Option<bool>,
    is_residential_proxy: Option<bool>,
    is_hosting_provider: Option<bool>,
    #[serde(borrow)]
    provider_name: Option<&'a str>,
}

#[derive(Debug)]
enum Source {
    Mmdb(maxminddb::Reader<Vec<u8>>),
    /// Sorted, non-overlapping `[start, end]` ranges (IPv4 as IPv4-mapped IPv6).
    Ranges(Vec<(u128, u128, IpInfo)>),
}

/// IP databases, queried in order.
#[derive(Debug, Default)]
pub struct IpDb {
    sources: Vec<Source>,
}

fn key(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

impl IpDb {
    /// An empty database (knows nothing; IP rules do not fire).
    pub fn new() -> Self {
        IpDb::default()
    }

    /// Whether no source was added.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Adds a file: `.mmdb` is read as MaxMind DB, anything else as CSV ranges.
    pub fn add_file(&mut self, path: &Path) -> Result<(), ApplicantError> {
        let is_mmdb = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("mmdb"));
        if is_mmdb {
            let reader =
                maxminddb::Reader::open_readfile(path).map_err(|e| ApplicantError::IpDb {
                    path: path.to_path_buf(),
                    line: None,
                    message: e.to_string(),
                })?;
            self.sources.push(Source::Mmdb(reader));
            Ok(())
        } else {
            let file = std::fs::File::open(path).map_err(|e| ApplicantError::Io {
                path: path.to_path_buf(),
                cause: e,
            })?;
            self.add_csv(std::io::BufReader::new(file), path)
        }
    }

    /// Adds CSV ranges: header with `network` (CIDR) or `start`,`end`; optional `country`,
    /// `asn`, `org`, `vpn`, `hosting`, `provider`.
    pub fn add_csv(
        &mut self,
        input: impl std::io::Read,
        path: &Path,
    ) -> Result<(), ApplicantError> {
        let err = |line: Option<u64>, message: String| ApplicantError::IpDb {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| err(Some(1), e.to_string()))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (network, start, end) = (col("network"), col("start"), col("end"));
        if network.is_none() && (start.is_none() || end.is_none()) {
            return Err(err(
                Some(1),
                "the header needs `network` or `start` and `end`".into(),
            ));
        }
        let (country, asn, org, vpn, hosting, provider) = (
            col("country"),
            col("asn"),
            col("org"),
            col("vpn"),
            col("hosting"),
            col("provider"),
        );
        let flag = |s: Option<&str>| {
            matches!(
                s.map(str::trim),
                Some("1" | "true" | "yes" | "TRUE" | "Yes")
            )
        };
        let mut ranges = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| err(e.position().map(csv::Position::line), e.to_string()))?;
            let line = rec.position().map(csv::Position::line);
            let get = |c: Option<usize>| {
                c.and_then(|c| rec.get(c))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let (lo, hi) = if let Some(net) = get(network) {
                cidr(net).ok_or_else(|| err(line, format!("bad network {net:?}")))?
            } else {
                let (Some(s), Some(e)) = (get(start), get(end)) else {
                    return Err(err(line, "missing start or end".into()));
                };
                let s: IpAddr = s
                    .parse()
                    .map_err(|_| err(line, format!("bad start address {s:?}")))?;
                let e: IpAddr = e
                    .parse()
                    .map_err(|_| err(line, format!("bad end address {e:?}")))?;
                if key(s) > key(e) {
                    return Err(err(line, "start is after end".into()));
                }
                (key(s), key(e))
            };
            let asn = match get(asn) {
                Some(a) => Some(
                    a.trim_start_matches("AS")
                        .parse::<u32>()
                        .map_err(|_| err(line, format!("bad asn {a:?}")))?,
                ),
                None => None,
            };
            ranges.push((
                lo,
                hi,
                IpInfo {
                    country: get(country).map(str::to_ascii_uppercase),
                    asn,
                    org: get(org).map(str::to_owned),
                    anonymous: flag(get(vpn)),
                    hosting: flag(get(hosting)),
                    provider: get(provider).map(str::to_owned),
                },
            ));
        }
        ranges.sort_by_key(|r| (r.0, r.1));
        for w in ranges.windows(2) {
            if let [a, b] = w
                && b.0 <= a.1
            {
                return Err(err(
                    None,
                    "ranges overlap; each address must be in one row".into(),
                ));
            }
        }
        self.sources.push(Source::Ranges(ranges));
        Ok(())
    }

    /// What the sources know about an address (empty when nothing).
    pub fn lookup(&self, ip: IpAddr) -> IpInfo {
        let mut info = IpInfo::default();
        for s in &self.sources {
            match s {
                Source::Mmdb(reader) => {
                    let rec = reader
                        .lookup(ip)
                        .ok()
                        .and_then(|r| r.decode::<MmdbRecord<'_>>().ok().flatten());
                    if let Some(r) = rec {
                        let country = r
                            .country
                            .and_then(|c| c.iso_code)
                            .or_else(|| r.registered_country.and_then(|c| c.iso_code));
                        info.fill(IpInfo {
                            country: country.map(str::to_ascii_uppercase),
                            asn: r.autonomous_system_number,
                            org: r.autonomous_system_organization.map(str::to_owned),
                            anonymous: r.is_anonymous_vpn.unwrap_or(false)
                                || r.is_public_proxy.unwrap_or(false)
                                || r.is_tor_exit_node.unwrap_or(false)
                                || r.is_residential_proxy.unwrap_or(false),
                            hosting: r.is_hosting_provider.unwrap_or(false),
                            provider: r.provider_name.map(str::to_owned),
                        });
                    }
                }
                Source::Ranges(ranges) => {
                    let k = key(ip);
                    let i = ranges.partition_point(|r| r.0 <= k);
                    if let Some((_, hi, found)) = i.checked_sub(1).and_then(|i| ranges.get(i))
                        && k <= *hi
                    {
                        info.fill(found.clone());
                    }
                }
            }
        }
        info
    }
}

/// The first and last address of a CIDR block.
fn cidr(s: &str) -> Option<(u128, u128)> {
    let (addr, len) = s.split_once('/')?;
    let ip: IpAddr = addr.trim().parse().ok()?;
    let len: u32 = len.trim().parse().ok()?;
    let (k, bits) = match ip {
        IpAddr::V4(_) => (key(ip), len.checked_add(96)?),
        IpAddr::V6(_) => (key(ip), len),
    };
    if bits > 128 {
        return None;
    }
    let host = if bits == 0 {
        u128::MAX
    } else {
        u128::MAX.checked_shr(bits).unwrap_or(0)
    };
    Some((k & !host, k | host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_ranges_by_cidr_and_start_end() {
        let csv = "network,start,end,country,asn,org,vpn,hosting,provider\n\
                   10.0.0.0/8,,,US,64500,Example ISP,0,0,\n\
                   ,203.0.113.0,203.0.113.127,SG,64501,Astrill VPN,1,1,Astrill\n";
        let mut db = IpDb::new();
        db.add_csv(csv.as_bytes(), Path::new("t.csv")).unwrap();
        let a = db.lookup("10.1.2.3".parse().unwrap());
        assert_eq!(a.country.as_deref(), Some("US"));
        assert!(!a.anonymous);
        let b = db.lookup("203.0.113.5".parse().unwrap());
        assert!(b.anonymous && b.hosting);
        assert_eq!(b.provider.as_deref(), Some("Astrill"));
        assert_eq!(
            db.lookup("203.0.113.200".parse().unwrap()),
            IpInfo::default()
        );
    }

    #[test]
    fn overlapping_ranges_are_refused() {
        let csv = "network,country\n10.0.0.0/8,US\n10.1.0.0/16,DE\n";
        let mut db = IpDb::new();
        assert!(db.add_csv(csv.as_bytes(), Path::new("t.csv")).is_err());
    }
}
