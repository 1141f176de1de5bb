//! Digital-currency address extractions derived from OFAC's lists, and the wallet helpers the
//! OFAC parsers share.
//!
//! Three public projects restate the "Digital Currency Address" features of the SDN list:
//! meefs/ofac-naughtylist (`all_addresses.json` + `metadata.json`), thomasgregg's
//! crypto-sanctions-list (`sanctioned-addresses.json`, with lower-cased address keys) and
//! 0xB10C's per-ticker lists (`sanctioned_addresses_<TICKER>.json|txt`). Each address becomes a
//! CryptoWallet `wallet-<chain>-<canonical address>`; where the extraction names the OFAC
//! entity, `holder` is `ofac-<ent_num>`, which links the wallet to the SDN record.

// ListError carries a whole Location (file, line, byte, field) by the crate's contract; the
// size is the price of errors that name where the input is wrong.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cordon_address::Chain;
use cordon_model::{Diagnostic, Entity, Location, Schema, prop};
use serde_json::Value;

use crate::util;
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourceFile, SourcePlan};

pub(crate) fn sniff(path: &Path, head: &[u8]) -> Option<Detection> {
    let name = util::file_name_lower(path);
    let text = String::from_utf8_lossy(head);
    let det = |format: Format, source: &str, role: Role| {
        Some(Detection {
            format,
            source_id: source.to_owned(),
            role,
        })
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        if text.contains("\"entity_id\"") && text.contains("\"ofac_tickers\"") {
            return det(
                Format::OfacCryptoNaughtylist,
                "ofac-crypto-naughtylist",
                Role::Primary,
            );
        }
        if text.contains("\"ofac_tickers_found\"") || text.contains("\"source_xml_url\"") {
            return det(
                Format::OfacCryptoNaughtylist,
                "ofac-crypto-naughtylist",
                Role::Metadata,
            );
        }
        if text.contains("\"sdnListDate\"")
            || (text.contains("\"entries\"") && text.contains("\"Digital Currency Address - "))
        {
            return det(
                Format::OfacCryptoSanctionsList,
                "ofac-crypto-sanctions-list",
                Role::Primary,
            );
        }
        return None;
    }
    // 0xB10C: a bare list of addresses, alike to any other list of strings, so the file name
    // (which carries the ticker) decides.
    let ticker = b10c_ticker(path)?;
    Chain::from_ticker(&ticker, "0x")?;
    let role = if name.ends_with(".json") {
        if !trimmed.is_empty() && !trimmed.starts_with('[') {
            return None;
        }
        Role::Primary
    } else {
        Role::Metadata
    };
    det(Format::OfacCrypto0xB10C, "ofac-crypto-0xb10c", role)
}

/// `sanctioned_addresses_XBT.json` -> `XBT`.
fn b10c_ticker(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".json")
        .or_else(|| name.strip_suffix(".txt"))?;
    let t = stem.strip_prefix("sanctioned_addresses_")?;
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| t.to_ascii_uppercase())
}

pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    match plan.format {
        Format::OfacCryptoNaughtylist => naughtylist(plan, sink),
        Format::OfacCryptoSanctionsList => sanctions_list(plan, sink),
        _ => b10c(plan, sink),
    }
}

fn read_json(file: &SourceFile) -> Result<Value, ListError> {
    let bytes = file.bytes()?;
    if let Err(e) = std::str::from_utf8(&bytes) {
        return Err(ListError::Encoding {
            location: file.loc().byte(e.valid_up_to() as u64),
            message: "JSON must be UTF-8".into(),
        });
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        ListError::syntax(
            file.loc().line(e.line() as u64),
            format!("invalid JSON at column {}: {e}", e.column()),
        )
    })
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| scalar(Some(x))).collect(),
        other => scalar(other).into_iter().collect(),
    }
}

fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn naughtylist(plan: &SourcePlan, sink: &mut dyn EntitySink) -> Result<ParseOutcome, ListError> {
    let file = util::primary_file(plan, "all_addresses.json")?;
    let mut outcome = ParseOutcome {
        title: Some("OFAC digital currency addresses (ofac-naughtylist)".into()),
        ..Default::default()
    };
    if let Some(meta) = plan.files.iter().find(|f| f.role == Role::Metadata) {
        let m = read_json(meta)?;
        outcome.publication_date = scalar(m.get("last_updated")).map(|d| date_part(&d));
    }
    let doc = read_json(file)?;
    let Some(records) = doc.get("addresses").and_then(Value::as_array) else {
        return Err(ListError::syntax(
            file.loc().field("addresses"),
            "no \"addresses\" array",
        ));
    };
    let mut wallets = Wallets::default();
    for (i, r) in records.iter().enumerate() {
        let loc = file.loc().section(format!("addresses[{i}]"));
        let Some(address) = scalar(r.get("address")) else {
            sink.diagnostic(Diagnostic::warning(
                "missing-address",
                "record has no address; skipped",
                loc.field("address"),
            ));
            continue;
        };
        let holder = scalar(r.get("entity_id")).map(|n| format!("ofac-{n}"));
        let tickers = strings(r.get("ofac_tickers"));
        let chain_name = scalar(r.get("chain")).unwrap_or_default();
        // One wallet per chain: an EVM address listed as ETH and BSC is two wallets, as in
        // the SDN remarks.
        let mut placed: Vec<(Chain, &str)> = tickers
            .iter()
            .filter_map(|t| chain_for(t, &address).map(|c| (c, t.as_str())))
            .collect();
        if placed.is_empty()
            && let Ok(c) = chain_name.parse::<Chain>()
        {
            placed.push((c, tickers.first().map(String::as_str).unwrap_or(c.slug())));
        }
        if placed.is_empty() {
            sink.diagnostic(Diagnostic::warning(
                "unknown-chain",
                format!("no known chain for {address} (chain {chain_name:?}, tickers {tickers:?}); skipped"),
                loc.field("chain"),
            ));
            continue;
        }
        let programs = strings(r.get("programs"));
        let listed: Option<cordon_model::DateValue> =
            scalar(r.get("date_listed")).and_then(|d| d.parse().ok());
        for (chain, ticker) in placed {
            let Some(w) = wallets.add_on(chain, ticker, &address, holder.as_deref()) else {
                sink.diagnostic(Diagnostic::warning(
                    "bad-crypto-address",
                    format!("{address:?} is not an address; skipped"),
                    loc.clone().field("address"),
                ));
                break;
            };
            w.add_all(prop::PROGRAM, &programs);
            if let Some(d) = &listed {
                w.add_date(prop::LISTING_DATE, d);
            }
        }
    }
    wallets.emit_at(file.loc(), sink)?;
    Ok(outcome)
}

/// `2026-08-08T00:04:11Z` -> `2026-08-08`.
fn date_part(s: &str) -> String {
    s.split('T').next().unwrap_or(s).to_owned()
}

/// Whether the address's encoding carries information in letter case (Base58, Monero), so a
/// lower-cased copy is a different (usually invalid) address. Decided per chain, not by prefix
/// alone: a Tron address can start with `Tb1`, which is no bech32 testnet address.
fn case_matters(chain: Chain, address: &str) -> bool {
    let lower = address.trim().to_ascii_lowercase();
    let insensitive = chain.is_evm()
        || match chain.slug() {
            "btc" => lower.starts_with("bc1") || lower.starts_with("tb1"),
            "ltc" => lower.starts_with("ltc1"),
            "bch" => !(lower.starts_with('1') || lower.starts_with('3')),
            "bnb" => true,
            _ => false,
        };
    !insensitive
}

fn sanctions_list(plan: &SourcePlan, sink: &mut dyn EntitySink) -> Result<ParseOutcome, ListError> {
    let file = util::primary_file(plan, "sanctioned-addresses.json")?;
    let doc = read_json(file)?;
    let mut outcome = ParseOutcome {
        title: Some("OFAC digital currency addresses (crypto-sanctions-list)".into()),
        ..Default::default()
    };
    // `08/20/2026`: OFAC's US month-first date.
    outcome.publication_date = doc
        .pointer("/metadata/sdnListDate")
        .and_then(Value::as_str)
        .and_then(|d| {
            let mut p = d.split('/');
            let (m, day, y) = (p.next()?, p.next()?, p.next()?);
            let v: cordon_model::DateValue = format!("{y}-{m:0>2}-{day:0>2}").parse().ok()?;
            Some(v.to_string())
        });
    let Some(map) = doc.get("addresses").and_then(Value::as_object) else {
        return Err(ListError::syntax(
            file.loc().field("addresses"),
            "no \"addresses\" object",
        ));
    };
    let mut wallets = Wallets::default();
    let mut lost_case: Vec<String> = Vec::new();
    for (key, r) in map {
        let loc = file.loc().section(format!("addresses.{key}"));
        let ty = scalar(r.get("type")).unwrap_or_default();
        let Some(ticker) = ty
            .strip_prefix("Digital Currency Address - ")
            .map(str::trim)
        else {
            sink.diagnostic(Diagnostic::warning(
                "unknown-type",
                format!("type {ty:?} is not a digital currency address; skipped"),
                loc.field("type"),
            ));
            continue;
        };
        let entries = r
            .get("entries")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // The keys were lower-cased by the extraction. Recover the real spelling if any field
        // of the record still has it; never guess it.
        let original = entries
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|o| o.values())
            .filter_map(Value::as_str)
            .find(|s| s.eq_ignore_ascii_case(key) && *s != key.as_str());
        let address = original.unwrap_or(key);
        let Some(chain) = chain_for(ticker, address) else {
            sink.diagnostic(Diagnostic::warning(
                "unknown-chain",
                format!("ticker {ticker:?} names no known chain; {key} skipped"),
                loc.field("type"),
            ));
            continue;
        };
        let case_lost = original.is_none()
            && case_matters(chain, address)
            && address.to_ascii_lowercase() == *address;
        let holders: Vec<String> = entries
            .iter()
            .filter_map(|e| scalar(e.get("uid")))
            .map(|u| format!("ofac-{u}"))
            .collect();
        let Some(w) = wallets.add_on(chain, ticker, address, None) else {
            sink.diagnostic(Diagnostic::warning(
                "bad-crypto-address",
                format!("{key:?} is not an address; skipped"),
                loc,
            ));
            continue;
        };
        for h in &holders {
            w.add(prop::HOLDER, h);
        }
        for e in &entries {
            for p in scalar(e.get("program")).unwrap_or_default().split(',') {
                w.add(prop::PROGRAM, p.trim());
            }
        }
        if case_lost {
            w.add(
                prop::NOTES,
                "The source lower-cased this address and its encoding is case-sensitive: the real address differs in case.",
            );
            lost_case.push(key.clone());
        }
    }
    if !lost_case.is_empty() {
        sink.diagnostic(Diagnostic::warning(
            "address-case-lost",
            format!(
                "{} addresses are case-sensitive (Base58 and similar) but the file lower-cases them and keeps no original spelling; kept as given, so their wallet ids will not match the same address from other sources. E.g. {}",
                lost_case.len(),
                lost_case.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
            ),
            file.loc().field("addresses"),
        ));
    }
    wallets.emit_at(file.loc(), sink)?;
    Ok(outcome)
}

fn b10c(plan: &SourcePlan, sink: &mut dyn EntitySink) -> Result<ParseOutcome, ListError> {
    // Per ticker: the JSON file (read) and the TXT file (the same list; used as a check).
    let mut by_ticker: BTreeMap<String, (Option<&SourceFile>, Option<&SourceFile>)> =
        BTreeMap::new();
    for f in &plan.files {
        let Some(t) = b10c_ticker(&f.path) else {
            continue;
        };
        let slot = by_ticker.entry(t).or_default();
        if util::file_name_lower(&f.path).ends_with(".json") {
            slot.0 = Some(f);
        } else {
            slot.1 = Some(f);
        }
    }
    let mut wallets = Wallets::default();
    for (ticker, (json, txt)) in &by_ticker {
        let from_txt = txt.map(read_txt).transpose()?;
        let (file, list) = match json {
            Some(j) => {
                let v = read_json(j)?;
                let Some(a) = v.as_array() else {
                    return Err(ListError::syntax(
                        j.loc(),
                        "expected a JSON array of addresses",
                    ));
                };
                let list: Vec<(String, u64)> = a
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| scalar(Some(x)).map(|s| (s, i as u64 + 1)))
                    .collect();
                (*j, list)
            }
            None => match (txt, from_txt.clone()) {
                (Some(t), Some(l)) => (*t, l),
                _ => continue,
            },
        };
        if let (Some(t), Some(other), Some(_)) = (txt, &from_txt, json) {
            let a: BTreeSet<&str> = list.iter().map(|(s, _)| s.as_str()).collect();
            let b: BTreeSet<&str> = other.iter().map(|(s, _)| s.as_str()).collect();
            if a != b {
                sink.diagnostic(Diagnostic::warning(
                    "companion-mismatch",
                    format!(
                        "the .txt and .json lists for {ticker} differ ({} only in json, {} only in txt); the json is used",
                        a.difference(&b).count(),
                        b.difference(&a).count()
                    ),
                    t.loc(),
                ));
            }
        }
        for (address, n) in &list {
            if wallets.add(ticker, address, None).is_none() {
                sink.diagnostic(Diagnostic::warning(
                    "bad-crypto-address",
                    format!("{address:?} is not a {ticker} address; skipped"),
                    file.loc().line(*n),
                ));
            }
        }
    }
    let dir = plan
        .files
        .first()
        .and_then(|f| f.path.parent())
        .map(Location::file)
        .unwrap_or_default();
    wallets.emit_at(dir, sink)?;
    Ok(ParseOutcome {
        publication_date: None,
        title: Some("OFAC digital currency addresses (0xB10C)".into()),
    })
}

/// One address per line; blank lines and `#` comments are skipped.
fn read_txt(file: &SourceFile) -> Result<Vec<(String, u64)>, ListError> {
    let bytes = file.bytes()?;
    let text = std::str::from_utf8(&bytes).map_err(|e| ListError::Encoding {
        location: file.loc().byte(e.valid_up_to() as u64),
        message: "address list must be UTF-8".into(),
    })?;
    Ok(text
        .lines()
        .enumerate()
        .map(|(i, l)| (l.trim().to_owned(), i as u64 + 1))
        .filter(|(l, _)| !l.is_empty() && !l.starts_with('#'))
        .collect())
}

/// Decodes a text file: UTF-8 when valid (a leading BOM is dropped), otherwise Windows-1252,
/// the superset of Latin-1 that older list exports (OFAC's legacy CSVs) use. In the second case
/// a warning names the first byte that is not UTF-8, so the analyst knows the text was guessed.
pub(crate) fn decode_text<'a>(
    bytes: &'a [u8],
    path: &Path,
    sink: &mut dyn EntitySink,
) -> std::borrow::Cow<'a, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) => {
            sink.diagnostic(Diagnostic::warning(
                "not-utf8",
                "not valid UTF-8; decoded as Windows-1252 (Latin-1)",
                Location::file(path).byte(e.valid_up_to() as u64),
            ));
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            text
        }
    }
}

/// The chain of an address written with a list's ticker: [`Chain::from_ticker`], plus two
/// cases lists produce that it does not place: USDT on the Omni layer (Bitcoin addresses) and
/// Tron token addresses that an extraction lower-cased (`t…`).
pub(crate) fn chain_for(ticker: &str, address: &str) -> Option<Chain> {
    let t = ticker.trim();
    let address = address.trim();
    Chain::from_ticker(t, address)
        .or_else(|| {
            let omni = t.eq_ignore_ascii_case("USDT")
                && (address.starts_with('1') || address.starts_with('3'));
            omni.then_some(Chain::Btc)
        })
        .or_else(|| {
            let upper = address.get(..1)?.to_ascii_uppercase() + address.get(1..)?;
            Chain::from_ticker(t, &upper).filter(|c| *c == Chain::Trx)
        })
}

/// Crypto-currency addresses found while parsing one source, merged by wallet id (the same
/// address can be listed for two holders or under two tickers) and emitted once at the end.
/// Memory grows with the number of distinct addresses, which lists count in thousands.
#[derive(Debug, Default)]
pub(crate) struct Wallets {
    by_id: std::collections::BTreeMap<String, Entity>,
    /// Addresses that do not validate on their chain: (address, why).
    invalid: Vec<(String, String)>,
}

impl Wallets {
    /// Records `address` written with `ticker`, held by `holder` (an entity id). Returns the
    /// wallet entity to add more properties to, or `None` when the ticker names no known chain
    /// or the text cannot be an address (the caller reports it).
    pub(crate) fn add(
        &mut self,
        ticker: &str,
        address: &str,
        holder: Option<&str>,
    ) -> Option<&mut Entity> {
        let chain = chain_for(ticker, address)?;
        self.add_on(chain, ticker, address, holder)
    }

    /// As [`Wallets::add`], with the chain already known.
    pub(crate) fn add_on(
        &mut self,
        chain: Chain,
        ticker: &str,
        address: &str,
        holder: Option<&str>,
    ) -> Option<&mut Entity> {
        let address = address.trim();
        let plausible = (16..=128).contains(&address.len())
            && address
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':');
        if !plausible {
            return None;
        }
        let id = cordon_address::wallet_id(chain, address);
        if !self.by_id.contains_key(&id)
            && let Err(e) = cordon_address::parse_on(chain, address)
        {
            // Kept: a list's typo (or a remark cut mid-address) is still what the list says,
            // and its wallet id is stable. The warning and the note say it is not valid.
            self.invalid.push((address.to_owned(), e.to_string()));
            let mut w = Entity::new(id.clone(), Schema::CryptoWallet);
            w.caption = address.to_owned();
            w.add(prop::CHAIN, chain.slug());
            w.add(
                prop::NOTES,
                format!("Not a valid {} address: {e}", chain.slug()),
            );
            self.by_id.insert(id.clone(), w);
        }
        let wallet = self.by_id.entry(id).or_insert_with_key(|id| {
            let mut w = Entity::new(id.clone(), Schema::CryptoWallet);
            w.caption = address.to_owned();
            w.add(prop::CHAIN, chain.slug());
            w
        });
        wallet.add(prop::PUBLIC_KEY, address);
        wallet.add(prop::CURRENCY, ticker.trim().to_ascii_uppercase());
        if let Some(h) = holder {
            wallet.add(prop::HOLDER, h);
        }
        Some(wallet)
    }

    /// How many distinct wallets were recorded.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Sends every wallet to the sink, in id order (see [`Wallets::emit_at`]).
    #[allow(dead_code)] // for parsers that have no single file to name (jp_mof uses it)
    pub(crate) fn emit(self, sink: &mut dyn EntitySink) -> Result<(), ListError> {
        self.emit_at(Location::default(), sink)
    }

    /// Sends every wallet to the sink, in id order, after one warning (at `loc`, the file the
    /// addresses came from) for all the addresses that do not validate on their chain.
    pub(crate) fn emit_at(self, loc: Location, sink: &mut dyn EntitySink) -> Result<(), ListError> {
        if !self.invalid.is_empty() {
            let examples: Vec<String> = self
                .invalid
                .iter()
                .take(5)
                .map(|(a, why)| format!("{a} ({why})"))
                .collect();
            sink.diagnostic(Diagnostic::warning(
                "invalid-address",
                format!(
                    "{} addresses do not validate on their chain; kept as listed, with a note. E.g. {}",
                    self.invalid.len(),
                    examples.join("; ")
                ),
                loc,
            ));
        }
        self.by_id.into_values().try_for_each(|w| sink.entity(w))
    }
}
