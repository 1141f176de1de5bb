use std::collections::{BTreeMap, BTreeSet, HashMap};

use cordon_address::{Address, AddressError, AddressKey, Chain, parse, parse_on};
use cordon_model::{Diagnostic, Entity, Location, Schema, prop};
use fold::fold_key;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::category::{Category, Confidence, is_dprk_program, mentions_dprk};
use crate::tagpack::{Tag, TagPack};

/// What is known about one list source: its id, stored version and the date its content is
/// as of (the list's publication date).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceInfo {
    /// The source id (`ofac-crypto-naughtylist`).
    pub id: String,
    /// The store's version of it.
    pub version: Option<u32>,
    /// ISO 8601 date the content is as of.
    pub as_of: Option<String>,
}

/// A delisting whose date no list file carries, named so that a derived "formerly listed"
/// can say when. It only ever refines the date: whether an address is formerly listed is
/// decided by the sources (see [`WalletIndexBuilder::build`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delisting {
    /// The authority whose sources it concerns (`ofac`).
    pub authority: &'static str,
    /// The holder's name, compared on lower-case letters and digits only.
    pub holder: &'static str,
    /// Date of the delisting.
    pub date: &'static str,
    /// Where it was published.
    pub reference: &'static str,
}

/// Delistings Cordon knows a date for.
pub const KNOWN_DELISTINGS: [Delisting; 1] = [Delisting {
    authority: "ofac",
    holder: "tornadocash",
    date: "2025-03-21",
    reference: "https://ofac.treasury.gov/recent-actions/20250321",
}];

/// Key family of spellings matched ignoring case (hashed, so the identity is compared).
const FOLD_FAMILY: u8 = 0x7f | 0x80;

/// Whether a hit comes from a sanctions list or a TagPack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A list's CryptoWallet entities.
    List,
    /// A GraphSense TagPack.
    Tagpack,
}

/// One source that supports a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    /// List source id, or TagPack file name.
    pub id: String,
    /// Stored version of the list source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// The date the source's content is as of (list publication date, TagPack `lastmod`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// How the source writes the address.
    pub listed_as: String,
    /// `case-folded` when the source's spelling does not validate (e.g. a lower-cased Base58
    /// address) and was matched ignoring case; `exact` otherwise.
    pub match_kind: MatchKind,
    /// Line in the TagPack file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// How a source's spelling matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchKind {
    /// Same canonical identity.
    Exact,
    /// The source's spelling is invalid but equal to the address ignoring case.
    CaseFolded,
}

/// Whether an attribution holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Validity {
    /// Listed in the newest source of its authority.
    Listed {
        /// Earliest listing date the sources give.
        #[serde(skip_serializing_if = "Option::is_none")]
        since: Option<String>,
    },
    /// Listed by older sources, absent from a newer source of the same authority.
    FormerlyListed {
        /// The newest source that still lists it.
        last_listed_in: String,
        /// That source's date (`None`: the source states no date).
        #[serde(skip_serializing_if = "Option::is_none")]
        last_listed_as_of: Option<String>,
        /// The oldest newer source that no longer lists it.
        absent_from: String,
        /// That source's date.
        #[serde(skip_serializing_if = "Option::is_none")]
        absent_as_of: Option<String>,
        /// The delisting date, when known ([`KNOWN_DELISTINGS`]).
        #[serde(skip_serializing_if = "Option::is_none")]
        delisted_on: Option<String>,
        /// Where the delisting was published.
        #[serde(skip_serializing_if = "Option::is_none")]
        delisting_reference: Option<String>,
    },
    /// A TagPack attribution, as of the pack's `lastmod`.
    Attributed {
        /// The TagPack's `lastmod`.
        #[serde(skip_serializing_if = "Option::is_none")]
        as_of: Option<String>,
    },
}

/// The entity that holds a listed wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// Entity id (`ofac-27307`).
    pub id: String,
    /// Its caption, when the entity is loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One reason an address is flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// List or TagPack.
    pub kind: SourceKind,
    /// For lists the authority (`ofac`, `un`, `eu`…); for TagPacks the file name.
    pub authority: String,
    /// Risk categories.
    pub categories: Vec<Category>,
    /// Attribution confidence (GraphSense taxonomy).
    pub confidence: Confidence,
    /// Whether it holds now.
    pub validity: Validity,
    /// The sources, oldest first.
    pub sources: Vec<SourceRef>,
    /// Listed holders.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub holders: Vec<Holder>,
    /// Sanctions programmes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// Chain the source lists it on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<Chain>,
    /// TagPack label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// TagPack actor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// TagPack source URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Hit {
    /// Whether the hit says the address is on a list now.
    pub fn is_listed(&self) -> bool {
        matches!(self.validity, Validity::Listed { .. })
    }
}

#[derive(Debug)]
struct Slot {
    identity: Box<[u8]>,
    hits: Vec<Hit>,
}

/// Counts from building an index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Wallet entities read.
    pub list_wallets: usize,
    /// Their addresses that validated on their chain.
    pub list_addresses_valid: usize,
    /// Addresses that did not validate (screened case-insensitively only, see diagnostics).
    pub list_addresses_invalid: usize,
    /// TagPack tags read.
    pub tags: usize,
    /// Tags whose address did not validate (not screened).
    pub tags_invalid: usize,
    /// Distinct addresses in the index.
    pub addresses: usize,
}

/// An exact screening index over list wallets and TagPack tags.
///
/// Keys are [`AddressKey`]s (32 bytes, FxHash); a key hit on a hashed key is confirmed by
/// comparing the full identity, so a lookup never returns another address.
#[derive(Debug, Default)]
pub struct WalletIndex {
    map: FxHashMap<AddressKey, u32>,
    /// Whether any source spelling is indexed only ignoring case (then a second probe runs).
    has_folded: bool,
    slots: Vec<Slot>,
    stats: IndexStats,
}

impl WalletIndex {
    /// The hits for a parsed address (empty when none). Also finds sources whose own spelling
    /// of the address does not validate but equals it ignoring case.
    pub fn lookup(&self, address: &Address) -> Vec<&Hit> {
        let mut hits: Vec<&Hit> = self
            .lookup_key(address.key(), address.identity())
            .iter()
            .collect();
        if self.has_folded {
            let folded = fold_key(address.canonical());
            hits.extend(
                self.lookup_key(folded, address.canonical().to_ascii_lowercase().as_bytes()),
            );
        }
        hits
    }

    /// The hits stored under an exact key (the hot path: one hash probe).
    #[inline]
    pub fn lookup_key(&self, key: AddressKey, identity: &[u8]) -> &[Hit] {
        match self.map.get(&key).and_then(|&i| self.slots.get(i as usize)) {
            Some(slot) if !key.is_hashed() || *slot.identity == *identity => &slot.hits,
            _ => &[],
        }
    }

    /// Build statistics.
    pub fn stats(&self) -> &IndexStats {
        &self.stats
    }

    /// Number of distinct addresses.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Parses `input` and screens it.
    pub fn screen(&self, input: &str) -> Screening {
        match parse(input) {
            Ok(a) => {
                let hits: Vec<Hit> = self.lookup(&a).into_iter().cloned().collect();
                let status = ScreeningStatus::of(&hits);
                Screening {
                    input: input.to_owned(),
                    address: Some(a),
                    error: None,
                    status,
                    hits,
                }
            }
            Err(e) => Screening {
                input: input.to_owned(),
                address: None,
                error: Some(ErrorInfo {
                    code: e.code(),
                    message: e.to_string(),
                }),
                status: ScreeningStatus::Invalid,
                hits: Vec::new(),
            },
        }
    }
}

/// The outcome for one screened string.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    /// The input as given.
    pub input: String,
    /// The parsed address (chains, kind, checksum, canonical form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Why the input is not a valid address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// Summary.
    pub status: ScreeningStatus,
    /// Every hit.
    pub hits: Vec<Hit>,
}

/// An address error with its stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorInfo {
    /// Stable code (`bad-checksum`).
    pub code: &'static str,
    /// Human message.
    pub message: String,
}

/// Summary of a screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScreeningStatus {
    /// On a sanctions list now.
    Listed,
    /// Was on a list, no longer is; other attributions may still apply.
    FormerlyListed,
    /// Attributed by a TagPack only.
    Attributed,
    /// Valid address, no hit.
    NoHit,
    /// Not a valid address.
    Invalid,
}

impl ScreeningStatus {
    fn of(hits: &[Hit]) -> ScreeningStatus {
        let list = |f: fn(&Validity) -> bool| {
            hits.iter()
                .any(|h| h.kind == SourceKind::List && f(&h.validity))
        };
        if list(|v| matches!(v, Validity::Listed { .. })) {
            ScreeningStatus::Listed
        } else if list(|v| matches!(v, Validity::FormerlyListed { .. })) {
            ScreeningStatus::FormerlyListed
        } else if hits.is_empty() {
            ScreeningStatus::NoHit
        } else {
            ScreeningStatus::Attributed
        }
    }

    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScreeningStatus::Listed => "listed",
            ScreeningStatus::FormerlyListed => "formerly-listed",
            ScreeningStatus::Attributed => "attributed",
            ScreeningStatus::NoHit => "no-hit",
            ScreeningStatus::Invalid => "invalid",
        }
    }
}

/// One address of one wallet entity from one source.
#[derive(Debug, Clone)]
struct ListRecord {
    key: AddressKey,
    identity: Vec<u8>,
    chains: Vec<Chain>,
    source: String,
    authority: String,
    listed_as: String,
    match_kind: MatchKind,
    holders: Vec<String>,
    programs: Vec<String>,
    listing_dates: Vec<String>,
}

/// Collects list wallets and TagPacks, then builds a [`WalletIndex`].
#[derive(Debug, Default)]
pub struct WalletIndexBuilder {
    sources: HashMap<String, SourceInfo>,
    names: HashMap<String, String>,
    holder_programs: HashMap<String, Vec<String>>,
    records: Vec<ListRecord>,
    invalid: Vec<ListRecord>,
    tags: Vec<(String, Tag)>,
    diagnostics: Vec<Diagnostic>,
    stats: IndexStats,
}

/// The authority of a source id: the part before the first `-` or `@` (`ofac-crypto-0xb10c` →
/// `ofac`).
pub fn authority_of(source: &str) -> &str {
    source.split(['-', '@']).next().unwrap_or(source)
}

fn norm_name(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl WalletIndexBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares a list source's version and date. Sources not declared take their date from
    /// the latest `listingDate` of their wallets, or have none.
    pub fn source(&mut self, info: SourceInfo) -> &mut Self {
        self.sources.insert(info.id.clone(), info);
        self
    }

    /// Adds entities from the lists: CryptoWallet entities are indexed; the others provide
    /// holder names and programmes.
    pub fn entities<'a>(&mut self, entities: impl IntoIterator<Item = &'a Entity>) -> &mut Self {
        let mut wallets = Vec::new();
        for e in entities {
            if e.schema == Schema::CryptoWallet {
                wallets.push(e);
            } else {
                self.names.insert(e.id.clone(), e.caption.clone());
                let programs = e.get(prop::PROGRAM).to_vec();
                if !programs.is_empty() {
                    self.holder_programs.insert(e.id.clone(), programs);
                }
            }
        }
        for w in wallets {
            self.wallet(w);
        }
        self
    }

    /// Adds the wallets of one stored version of a source under that source's identity
    /// (e.g. an older version `ofac-crypto-naughtylist@1`, so that an address dropped between
    /// two versions of one source is formerly listed). Non-wallet entities are ignored here.
    pub fn source_entities<'a>(
        &mut self,
        info: SourceInfo,
        entities: impl IntoIterator<Item = &'a Entity>,
    ) -> &mut Self {
        let id = info.id.clone();
        self.sources.insert(id.clone(), info);
        for e in entities {
            if e.schema == Schema::CryptoWallet {
                self.wallet_in(e, std::slice::from_ref(&id));
            }
        }
        self
    }

    fn wallet(&mut self, w: &Entity) {
        let mut sources: Vec<String> = w.datasets.clone();
        if let Some(p) = w
            .provenance
            .as_ref()
            .filter(|p| !sources.contains(&p.source))
        {
            sources.push(p.source.clone());
        }
        if sources.is_empty() {
            sources.push("unknown".into());
        }
        self.wallet_in(w, &sources);
    }

    fn wallet_in(&mut self, w: &Entity, sources: &[String]) {
        self.stats.list_wallets += 1;
        let chain: Option<Chain> = w.first(prop::CHAIN).and_then(|c| c.parse().ok());
        for raw in w.get(prop::PUBLIC_KEY) {
            let parsed = match chain {
                Some(c) => parse_on(c, raw),
                None => parse(raw),
            };
            // Filed under the wrong chain but valid: screened on the chains it is valid on.
            let parsed = match parsed {
                Err(e @ AddressError::WrongChain { .. }) => {
                    self.diagnostics.push(Diagnostic::warning(
                        "wrong-chain",
                        format!("{raw:?}: {e}; screened as such"),
                        Location::file(sources.join(",")).record(w.id.clone()),
                    ));
                    parse(raw)
                }
                other => other,
            };
            let (key, identity, chains, match_kind) = match &parsed {
                Ok(a) => (
                    a.key(),
                    a.identity().to_vec(),
                    a.chains().to_vec(),
                    MatchKind::Exact,
                ),
                Err(e) => {
                    self.diagnostics.push(Diagnostic::warning(
                        "bad-list-address",
                        format!(
                            "{raw:?} on {}: {e} [{}]; matched ignoring case only",
                            chain.map_or("an unknown chain", Chain::slug),
                            e.code()
                        ),
                        Location::file(sources.join(",")).record(w.id.clone()),
                    ));
                    let lower = raw.trim().to_ascii_lowercase();
                    (
                        fold_key(&lower),
                        lower.into_bytes(),
                        chain.into_iter().collect(),
                        MatchKind::CaseFolded,
                    )
                }
            };
            if parsed.is_ok() {
                self.stats.list_addresses_valid += 1;
            } else {
                self.stats.list_addresses_invalid += 1;
            }
            for s in sources {
                let rec = ListRecord {
                    key,
                    identity: identity.clone(),
                    chains: chains.clone(),
                    source: s.clone(),
                    authority: authority_of(s).to_owned(),
                    listed_as: raw.clone(),
                    match_kind,
                    holders: w.get(prop::HOLDER).to_vec(),
                    programs: w.get(prop::PROGRAM).to_vec(),
                    listing_dates: w.get(prop::LISTING_DATE).to_vec(),
                };
                if parsed.is_ok() {
                    self.records.push(rec);
                } else {
                    self.invalid.push(rec);
                }
            }
        }
    }

    /// Adds a TagPack's tags (tags whose address does not validate are counted, not indexed).
    pub fn tagpack(&mut self, pack: &TagPack) -> &mut Self {
        let file = pack
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| pack.path.display().to_string());
        for t in &pack.tags {
            self.stats.tags += 1;
            if t.parsed.is_ok() {
                self.tags.push((file.clone(), t.clone()));
            } else {
                self.stats.tags_invalid += 1;
            }
        }
        self
    }

    /// Problems found while adding entities (addresses that do not validate).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Builds the index.
    ///
    /// **Delisting rule.** Sources are grouped by authority ([`authority_of`]) and ordered by
    /// date (declared [`SourceInfo::as_of`], else the latest `listingDate` of their wallets;
    /// a source with neither is older than every dated one). An address is *formerly listed*
    /// by an authority when some source of that authority dated after the newest source that
    /// lists it covers the address's chain (lists at least one valid address on it) and does
    /// not list it, not even in a spelling equal ignoring case. Otherwise it is *listed*.
    /// [`KNOWN_DELISTINGS`] only supplies the date when the holder matches and the date falls
    /// between the two sources.
    pub fn build(mut self) -> WalletIndex {
        self.resolve_invalid();
        let dates = self.source_dates();
        let coverage = self.coverage();
        let mut groups: BTreeMap<(AddressKey, String), Vec<&ListRecord>> = BTreeMap::new();
        for r in self.records.iter().chain(&self.invalid) {
            groups
                .entry((r.key, r.authority.clone()))
                .or_default()
                .push(r);
        }
        let mut index = WalletIndex::default();
        let mut list_validity: HashMap<AddressKey, Validity> = HashMap::new();
        for ((key, authority), recs) in &groups {
            let hit = self.list_hit(authority, recs, &dates, &coverage);
            // Listed by any authority wins over formerly listed by another.
            if hit.is_listed() {
                list_validity.insert(*key, hit.validity.clone());
            } else {
                list_validity
                    .entry(*key)
                    .or_insert_with(|| hit.validity.clone());
            }
            let identity = recs.first().map(|r| r.identity.clone()).unwrap_or_default();
            index.push(*key, &identity, hit);
        }
        for (file, tag) in &self.tags {
            let Ok(a) = &tag.parsed else { continue };
            let hit = tag_hit(file, tag, list_validity.get(&a.key()));
            index.push(a.key(), a.identity(), hit);
        }
        index.has_folded = index.map.keys().any(|k| k.0[0] == FOLD_FAMILY);
        self.stats.addresses = index.slots.len();
        index.stats = self.stats;
        index
    }

    /// An invalid spelling that equals a valid address ignoring case joins that address.
    fn resolve_invalid(&mut self) {
        let by_folded: HashMap<String, (AddressKey, Vec<u8>)> = self
            .records
            .iter()
            .filter_map(|r| {
                let a = parse(&r.listed_as).ok()?;
                Some((
                    a.canonical().to_ascii_lowercase(),
                    (r.key, r.identity.clone()),
                ))
            })
            .collect();
        for r in &mut self.invalid {
            if let Some((k, id)) = by_folded.get(r.listed_as.trim().to_ascii_lowercase().as_str()) {
                r.key = *k;
                r.identity.clone_from(id);
            }
        }
    }

    fn source_dates(&self) -> HashMap<String, Option<String>> {
        let mut dates: HashMap<String, Option<String>> = HashMap::new();
        for r in self.records.iter().chain(&self.invalid) {
            let declared = self.sources.get(&r.source).and_then(|s| s.as_of.clone());
            let entry = dates.entry(r.source.clone()).or_insert(declared.clone());
            if declared.is_none() {
                let latest = r.listing_dates.iter().max().cloned();
                if latest > *entry {
                    *entry = latest;
                }
            }
        }
        dates
    }

    /// For each source: the chains it lists valid addresses on, and every key it lists.
    fn coverage(&self) -> HashMap<String, (BTreeSet<Chain>, BTreeSet<AddressKey>)> {
        let mut cov: HashMap<String, (BTreeSet<Chain>, BTreeSet<AddressKey>)> = HashMap::new();
        for r in &self.records {
            let e = cov.entry(r.source.clone()).or_default();
            e.0.extend(r.chains.iter().copied());
            e.1.insert(r.key);
        }
        for r in &self.invalid {
            cov.entry(r.source.clone()).or_default().1.insert(r.key);
        }
        cov
    }

    /// Whether `candidate` is a later version of a source whose every listing version is
    /// older: versions of one source are ordered by number even when undated.
    fn later_version(&self, candidate: &str, listing: &BTreeSet<&str>) -> bool {
        let base = |id: &str| id.split('@').next().unwrap_or(id).to_owned();
        let version = |id: &str| self.sources.get(id).and_then(|s| s.version);
        let cb = base(candidate);
        let Some(cv) = version(candidate) else {
            return false;
        };
        let same: Vec<Option<u32>> = listing
            .iter()
            .filter(|l| base(l) == cb)
            .map(|l| version(l))
            .collect();
        !same.is_empty() && same.iter().all(|v| v.is_some_and(|v| v < cv))
    }

    fn list_hit(
        &self,
        authority: &str,
        recs: &[&ListRecord],
        dates: &HashMap<String, Option<String>>,
        coverage: &HashMap<String, (BTreeSet<Chain>, BTreeSet<AddressKey>)>,
    ) -> Hit {
        let date_of = |s: &str| dates.get(s).cloned().flatten();
        let key = recs.first().map(|r| r.key);
        let chains: BTreeSet<Chain> = recs.iter().flat_map(|r| r.chains.iter().copied()).collect();
        let mut sources: Vec<SourceRef> = Vec::new();
        for r in recs {
            if sources
                .iter()
                .any(|s| s.id == r.source && s.listed_as == r.listed_as)
            {
                continue;
            }
            sources.push(SourceRef {
                id: r.source.clone(),
                version: self.sources.get(&r.source).and_then(|s| s.version),
                as_of: date_of(&r.source),
                listed_as: r.listed_as.clone(),
                match_kind: r.match_kind,
                line: None,
            });
        }
        sources.sort_by(|a, b| (&a.as_of, &a.id).cmp(&(&b.as_of, &b.id)));
        let newest = sources.last().map(|s| (s.id.clone(), s.as_of.clone()));
        let last_seen = newest.as_ref().and_then(|(_, d)| d.clone());
        let listing: BTreeSet<&str> = recs.iter().map(|r| r.source.as_str()).collect();
        // Newer sources of the same authority that cover the chain and do not list the key.
        let mut absent: Vec<(String, Option<String>)> = coverage
            .iter()
            .filter(|(id, _)| authority_of(id) == authority && !listing.contains(id.as_str()))
            .filter(|(id, (covered, keys))| {
                (date_of(id) > last_seen || self.later_version(id, &listing))
                    && covered.iter().any(|c| {
                        chains.contains(c) || (c.is_evm() && chains.iter().any(|x| x.is_evm()))
                    })
                    && key.is_none_or(|k| !keys.contains(&k))
            })
            .map(|(id, _)| (id.clone(), date_of(id)))
            .collect();
        absent.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        let mut holders: Vec<Holder> = Vec::new();
        let mut programs: BTreeSet<String> = BTreeSet::new();
        for r in recs {
            for h in &r.holders {
                if !holders.iter().any(|x| x.id == *h) {
                    holders.push(Holder {
                        id: h.clone(),
                        name: self.names.get(h).cloned(),
                    });
                }
                programs.extend(self.holder_programs.get(h).into_iter().flatten().cloned());
            }
            programs.extend(r.programs.iter().cloned());
        }
        let validity = match (absent.first(), newest) {
            (Some((gone_id, gone_date)), Some((last_id, last_date))) => {
                let known = KNOWN_DELISTINGS.iter().find(|d| {
                    d.authority == authority
                        && holders.iter().any(|h| {
                            h.name
                                .as_deref()
                                .is_some_and(|n| norm_name(n).contains(d.holder))
                        })
                        && last_date.as_deref().is_none_or(|l| d.date > l)
                        && gone_date.as_deref().is_none_or(|g| d.date <= g)
                });
                Validity::FormerlyListed {
                    last_listed_in: last_id,
                    last_listed_as_of: last_date,
                    absent_from: gone_id.clone(),
                    absent_as_of: gone_date.clone(),
                    delisted_on: known.map(|d| d.date.to_owned()),
                    delisting_reference: known.map(|d| d.reference.to_owned()),
                }
            }
            _ => Validity::Listed {
                since: recs
                    .iter()
                    .flat_map(|r| r.listing_dates.iter())
                    .min()
                    .cloned(),
            },
        };
        let mut categories = vec![Category::Sanctioned];
        let dprk = programs.iter().any(|p| is_dprk_program(p))
            || holders
                .iter()
                .any(|h| h.name.as_deref().is_some_and(mentions_dprk));
        if dprk {
            categories.push(Category::DprkAttributed);
        }
        Hit {
            kind: SourceKind::List,
            authority: authority.to_owned(),
            categories,
            confidence: Confidence::authority(),
            validity,
            sources,
            holders,
            programs: programs.into_iter().collect(),
            chain: chains.iter().next().copied(),
            label: None,
            actor: None,
            url: None,
        }
    }
}

/// A TagPack hit. A tag that says "sanctioned" inherits the lists' verdict when the lists
/// know the address as formerly listed; without list data a known delisting of the actor or
/// label after the pack's `lastmod` makes it formerly listed too.
fn tag_hit(file: &str, tag: &Tag, list: Option<&Validity>) -> Hit {
    let sanctioned = tag.categories.contains(&Category::Sanctioned);
    let validity = match list {
        Some(v @ Validity::FormerlyListed { .. }) if sanctioned => v.clone(),
        _ if sanctioned => KNOWN_DELISTINGS
            .iter()
            .find(|d| {
                [tag.actor.as_deref(), tag.label.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|t| {
                        let n = norm_name(t);
                        n.contains(d.holder) || (n.len() >= 6 && d.holder.contains(&n))
                    })
                    && tag.lastmod.as_deref().is_none_or(|l| d.date > l)
            })
            .map_or(
                Validity::Attributed {
                    as_of: tag.lastmod.clone(),
                },
                |d| Validity::FormerlyListed {
                    last_listed_in: file.to_owned(),
                    last_listed_as_of: tag.lastmod.clone(),
                    absent_from: d.reference.to_owned(),
                    absent_as_of: Some(d.date.to_owned()),
                    delisted_on: Some(d.date.to_owned()),
                    delisting_reference: Some(d.reference.to_owned()),
                },
            ),
        _ => Validity::Attributed {
            as_of: tag.lastmod.clone(),
        },
    };
    Hit {
        kind: SourceKind::Tagpack,
        authority: file.to_owned(),
        categories: tag.categories.clone(),
        confidence: tag.confidence.clone(),
        validity,
        sources: vec![SourceRef {
            id: file.to_owned(),
            version: None,
            as_of: tag.lastmod.clone(),
            listed_as: tag.address.clone(),
            match_kind: MatchKind::Exact,
            line: tag.line,
        }],
        holders: Vec::new(),
        programs: Vec::new(),
        chain: tag.chain,
        label: tag.label.clone(),
        actor: tag.actor.clone(),
        url: tag.source.clone(),
    }
}

impl WalletIndex {
    fn push(&mut self, key: AddressKey, identity: &[u8], hit: Hit) {
        let next = self.slots.len() as u32;
        let i = *self.map.entry(key).or_insert(next);
        if i == next {
            self.slots.push(Slot {
                identity: identity.into(),
                hits: Vec::new(),
            });
        }
        if let Some(slot) = self.slots.get_mut(i as usize) {
            slot.hits.push(hit);
        }
    }
}

mod fold {
    use cordon_address::AddressKey;

    /// The key for a spelling matched ignoring case: family 0x7f and a 64-bit FNV-1a pair
    /// over the lower-cased text, which is also kept as the identity and compared on a hit.
    pub(super) fn fold_key(text: &str) -> AddressKey {
        let lower = text.trim().to_ascii_lowercase();
        let mut k = [0u8; 32];
        k[0] = super::FOLD_FAMILY;
        let mut h1: u64 = 0xcbf2_9ce4_8422_2325;
        let mut h2: u64 = 0x8422_2325_cbf2_9ce4;
        for b in lower.bytes() {
            h1 = (h1 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            h2 = (h2 ^ u64::from(b)).wrapping_mul(0x1_0000_0000_01b3 + 2);
        }
        if let Some(d) = k.get_mut(1..9) {
            d.copy_from_slice(&h1.to_le_bytes());
        }
        if let Some(d) = k.get_mut(9..17) {
            d.copy_from_slice(&h2.to_le_bytes());
        }
        AddressKey(k)
    }
}

#[cfg(test)]
mod tests {
    use cordon_model::{Entity, Schema, prop};
    use proptest::prelude::*;

    use super::*;

    const TC: &str = "0x910Cbd523D972eb0a6f4cAe4618aD62622b39DbF";
    const OTHER_ETH: &str = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
    const BTC: &str = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2";

    fn wallet(source: &str, chain: &str, address: &str, holder: Option<&str>) -> Entity {
        let mut w = Entity::new(format!("w-{source}-{address}"), Schema::CryptoWallet);
        w.add(prop::PUBLIC_KEY, address);
        w.add(prop::CHAIN, chain);
        if let Some(h) = holder {
            w.add(prop::HOLDER, h);
        }
        w.add_dataset(source);
        w
    }

    fn dated(b: &mut WalletIndexBuilder, id: &str, date: Option<&str>) {
        b.source(SourceInfo {
            id: id.into(),
            version: Some(3),
            as_of: date.map(Into::into),
        });
    }

    fn validity(index: &WalletIndex, address: &str) -> Validity {
        let r = index.screen(address);
        r.hits
            .iter()
            .find(|h| h.kind == SourceKind::List)
            .map(|h| h.validity.clone())
            .unwrap_or_else(|| panic!("no list hit for {address}: {r:?}"))
    }

    #[test]
    fn absent_from_a_newer_source_of_the_same_authority_is_formerly_listed() {
        let mut holder = Entity::new("ofac-39796", Schema::Organization);
        holder.add(prop::NAME, "TORNADO CASH");
        holder.add(prop::PROGRAM, "CYBER2");
        let entities = [
            holder,
            wallet("ofac-old", "eth", TC, Some("ofac-39796")),
            wallet("ofac-new", "eth", OTHER_ETH, None),
        ];
        let mut b = WalletIndexBuilder::new();
        dated(&mut b, "ofac-new", Some("2026-08-08"));
        b.entities(&entities);
        let index = b.build();
        assert_eq!(
            validity(&index, TC),
            Validity::FormerlyListed {
                last_listed_in: "ofac-old".into(),
                last_listed_as_of: None,
                absent_from: "ofac-new".into(),
                absent_as_of: Some("2026-08-08".into()),
                delisted_on: Some("2025-03-21".into()),
                delisting_reference: Some(KNOWN_DELISTINGS[0].reference.into()),
            }
        );
        assert!(validity(&index, OTHER_ETH) == Validity::Listed { since: None });
        let hit = &index.screen(TC).hits[0];
        assert_eq!(hit.holders[0].name.as_deref(), Some("TORNADO CASH"));
        assert_eq!(hit.programs, ["CYBER2"]);
        assert_eq!(hit.sources[0].version, None, "ofac-old was not declared");
        assert_eq!(index.screen(OTHER_ETH).hits[0].sources[0].version, Some(3));
    }

    #[test]
    fn a_newer_source_without_the_chain_or_of_another_authority_delists_nothing() {
        let entities = [
            wallet("ofac-old", "eth", TC, None),
            wallet("ofac-btc-only", "btc", BTC, None),
            wallet("uk-new", "eth", OTHER_ETH, None),
        ];
        let mut b = WalletIndexBuilder::new();
        dated(&mut b, "ofac-old", Some("2024-01-01"));
        dated(&mut b, "ofac-btc-only", Some("2026-01-01"));
        dated(&mut b, "uk-new", Some("2026-01-01"));
        b.entities(&entities);
        let index = b.build();
        assert_eq!(
            validity(&index, TC),
            Validity::Listed { since: None },
            "a BTC-only source says nothing about ETH; a UK source nothing about OFAC"
        );
    }

    #[test]
    fn known_delisting_date_is_used_only_inside_the_derived_interval() {
        let mut holder = Entity::new("h", Schema::Organization);
        holder.add(prop::NAME, "Tornado Cash");
        let entities = [
            holder,
            wallet("ofac-a", "eth", TC, Some("h")),
            wallet("ofac-b", "eth", OTHER_ETH, None),
        ];
        let mut b = WalletIndexBuilder::new();
        // Both sources predate the delisting: the absence cannot be that delisting.
        dated(&mut b, "ofac-a", Some("2023-01-01"));
        dated(&mut b, "ofac-b", Some("2024-01-01"));
        b.entities(&entities);
        let index = b.build();
        match validity(&index, TC) {
            Validity::FormerlyListed { delisted_on, .. } => assert_eq!(delisted_on, None),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn listing_dates_date_an_undeclared_source() {
        let mut old = wallet("ofac-x", "eth", TC, None);
        old.add(prop::LISTING_DATE, "2022-08-08");
        let mut new = wallet("ofac-y", "eth", OTHER_ETH, None);
        new.add(prop::LISTING_DATE, "2023-04-24");
        let mut b = WalletIndexBuilder::new();
        b.entities([&old, &new]);
        let index = b.build();
        match validity(&index, TC) {
            Validity::FormerlyListed {
                last_listed_as_of,
                absent_as_of,
                ..
            } => {
                assert_eq!(last_listed_as_of.as_deref(), Some("2022-08-08"));
                assert_eq!(absent_as_of.as_deref(), Some("2023-04-24"));
            }
            v => panic!("{v:?}"),
        }
        assert_eq!(
            validity(&index, OTHER_ETH),
            Validity::Listed {
                since: Some("2023-04-24".into())
            }
        );
    }

    #[test]
    fn lower_cased_spelling_is_presence_and_a_case_folded_match() {
        let entities = [
            wallet("ofac-old", "btc", BTC, None),
            wallet("ofac-new", "btc", &BTC.to_ascii_lowercase(), None),
            wallet(
                "ofac-new",
                "btc",
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                None,
            ),
        ];
        let mut b = WalletIndexBuilder::new();
        dated(&mut b, "ofac-old", Some("2024-01-01"));
        dated(&mut b, "ofac-new", Some("2026-01-01"));
        b.entities(&entities);
        assert_eq!(b.diagnostics().len(), 1);
        let index = b.build();
        assert_eq!(index.stats().list_addresses_invalid, 1);
        let r = index.screen(BTC);
        assert_eq!(r.status, ScreeningStatus::Listed, "{r:?}");
        let kinds: Vec<MatchKind> = r.hits[0].sources.iter().map(|s| s.match_kind).collect();
        assert_eq!(kinds, [MatchKind::Exact, MatchKind::CaseFolded]);
    }

    #[test]
    fn dropped_between_two_versions_of_one_source_is_formerly_listed() {
        let v1 = [
            wallet("ofac-x", "eth", TC, None),
            wallet("ofac-x", "eth", OTHER_ETH, None),
        ];
        let v2 = [wallet("ofac-x", "eth", OTHER_ETH, None)];
        let mut b = WalletIndexBuilder::new();
        b.source_entities(
            SourceInfo {
                id: "ofac-x@1".into(),
                version: Some(1),
                as_of: Some("2024-09-27".into()),
            },
            &v1,
        );
        b.source_entities(
            SourceInfo {
                id: "ofac-x".into(),
                version: Some(2),
                as_of: Some("2025-06-01".into()),
            },
            &v2,
        );
        let index = b.build();
        match validity(&index, TC) {
            Validity::FormerlyListed {
                last_listed_in,
                absent_from,
                ..
            } => {
                assert_eq!(
                    (last_listed_in.as_str(), absent_from.as_str()),
                    ("ofac-x@1", "ofac-x")
                );
            }
            v => panic!("{v:?}"),
        }
        assert_eq!(index.screen(OTHER_ETH).status, ScreeningStatus::Listed);
    }

    #[test]
    fn undated_versions_of_one_source_are_ordered_by_number() {
        let v1 = [
            wallet("x", "eth", TC, None),
            wallet("x", "eth", OTHER_ETH, None),
        ];
        let v2 = [wallet("x", "eth", OTHER_ETH, None)];
        let mut b = WalletIndexBuilder::new();
        b.source_entities(
            SourceInfo {
                id: "ofac-x@1".into(),
                version: Some(1),
                as_of: None,
            },
            &v1,
        );
        b.source_entities(
            SourceInfo {
                id: "ofac-x".into(),
                version: Some(2),
                as_of: None,
            },
            &v2,
        );
        let index = b.build();
        assert_eq!(index.screen(TC).status, ScreeningStatus::FormerlyListed);
        assert_eq!(index.screen(OTHER_ETH).status, ScreeningStatus::Listed);
    }

    #[test]
    fn cashaddr_query_finds_the_legacy_listing() {
        let entities = [wallet(
            "ofac-x",
            "bch",
            "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
            None,
        )];
        let mut b = WalletIndexBuilder::new();
        b.entities(&entities);
        let index = b.build();
        let r = index.screen("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a");
        assert_eq!(r.status, ScreeningStatus::Listed);
    }

    fn evm(bytes: &[u8; 20]) -> String {
        let mut s = String::from("0x");
        for b in bytes {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    proptest! {
        #[test]
        fn lookups_are_exact(listed in proptest::collection::btree_set(any::<[u8; 20]>(), 1..40), probe in any::<[u8; 20]>()) {
            let entities: Vec<Entity> = listed.iter().map(|a| wallet("ofac-x", "eth", &evm(a), None)).collect();
            let mut b = WalletIndexBuilder::new();
            b.entities(&entities);
            let index = b.build();
            prop_assert_eq!(index.len(), listed.len());
            for a in &listed {
                prop_assert_eq!(index.screen(&evm(a)).status, ScreeningStatus::Listed);
            }
            let expected = if listed.contains(&probe) { ScreeningStatus::Listed } else { ScreeningStatus::NoHit };
            prop_assert_eq!(index.screen(&evm(&probe)).status, expected);
        }

        #[test]
        fn screen_never_panics(s in "\\PC{0,300}") {
            let index = WalletIndexBuilder::new().build();
            let r = index.screen(&s);
            prop_assert!(r.hits.is_empty());
        }
    }
}
