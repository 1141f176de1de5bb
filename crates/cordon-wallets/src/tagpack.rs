//! GraphSense TagPack YAML (graphsense-tagpack-tool `src/tagpack/conf/tagpack_schema.yaml`).
//!
//! A TagPack is a YAML mapping: header fields, then `tags:`, a list of mappings each with an
//! `address`. Every header field except `tags` is inherited by every tag unless the tag sets
//! it itself. Cordon reads the fields that matter for screening and keeps the rest out.

use std::path::{Path, PathBuf};

use cordon_address::{Address, AddressError, Chain, parse, parse_on};
use cordon_model::{Diagnostic, Location};
use serde_yaml::{Mapping, Value};

use crate::WalletError;
use crate::category::{Category, Confidence, mentions_dprk};

/// Largest TagPack file read (GraphSense's biggest public packs are a few MB).
const MAX_FILE_BYTES: u64 = 64 << 20;

/// One tag with its header fields applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// The address as written (trimmed).
    pub address: String,
    /// The parsed address, or why it does not parse on its chain.
    pub parsed: Result<Address, cordon_address::AddressError>,
    /// The chain named by `network`/`currency`, when it names a known one.
    pub chain: Option<Chain>,
    /// `currency` as written (`BTC`, `ETH`, `USDT`).
    pub currency: Option<String>,
    /// `network` as written, when given.
    pub network: Option<String>,
    /// The tag's label.
    pub label: Option<String>,
    /// GraphSense `category` (`exchange`, `mixing_service`, `user`…).
    pub category: Option<String>,
    /// GraphSense `abuse` (`sanction`, `service_hack`…).
    pub abuse: Option<String>,
    /// Actor id (`lazarusgroup`, `tornado`…).
    pub actor: Option<String>,
    /// Confidence level.
    pub confidence: Confidence,
    /// Source URL or citation.
    pub source: Option<String>,
    /// `lastmod` date as written (`2022-08-10`).
    pub lastmod: Option<String>,
    /// `is_public`, default true.
    pub is_public: bool,
    /// `is_cluster_definer`.
    pub is_cluster_definer: bool,
    /// The Cordon categories derived from category, abuse, actor and source (see
    /// `docs/addresses.md`).
    pub categories: Vec<Category>,
    /// 1-based line of the tag in its file, when found.
    pub line: Option<u64>,
}

/// A parsed TagPack file.
#[derive(Debug, Clone, PartialEq)]
pub struct TagPack {
    /// The file.
    pub path: PathBuf,
    /// `title`.
    pub title: Option<String>,
    /// `creator`.
    pub creator: Option<String>,
    /// Every tag, valid address or not.
    pub tags: Vec<Tag>,
}

/// The fields a tag inherits from its header.
const INHERITED: [&str; 13] = [
    "currency",
    "network",
    "label",
    "category",
    "abuse",
    "actor",
    "confidence",
    "source",
    "lastmod",
    "is_public",
    "is_cluster_definer",
    "title",
    "description",
];

fn scalar(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

fn flag(v: Option<&Value>, default: bool) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "yes"),
        _ => default,
    }
}

/// Reads a TagPack file; tag-level problems go to `diagnostics`, file-level ones are errors.
pub fn read_tagpack(
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<TagPack, WalletError> {
    let io = |e: std::io::Error| WalletError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(WalletError::TooLarge {
            path: path.to_owned(),
            bytes: len,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| WalletError::Encoding {
        path: path.to_owned(),
        byte: e.valid_up_to() as u64,
    })?;
    parse_tagpack(path, text, diagnostics)
}

/// Parses TagPack text (`path` names it in errors).
pub fn parse_tagpack(
    path: &Path,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<TagPack, WalletError> {
    let doc: Value = serde_yaml::from_str(text).map_err(|e| WalletError::Yaml {
        path: path.to_owned(),
        line: e.location().map(|l| l.line() as u64),
        column: e.location().map(|l| l.column() as u64),
        message: e.to_string(),
    })?;
    let structure = |field: &str, message: &str| WalletError::Structure {
        path: path.to_owned(),
        field: field.to_owned(),
        message: message.to_owned(),
    };
    let Value::Mapping(header) = doc else {
        return Err(structure("", "a TagPack is a YAML mapping"));
    };
    let tags = match header.get("tags") {
        Some(Value::Sequence(t)) => t,
        Some(_) => return Err(structure("tags", "must be a list")),
        None => return Err(structure("tags", "missing")),
    };
    let lines = tag_lines(text, tags.len());
    let file_loc = Location::file(path);
    let mut out = Vec::with_capacity(tags.len());
    for (i, t) in tags.iter().enumerate() {
        let line = lines.as_ref().and_then(|l| l.get(i).copied());
        let loc = || {
            let l = file_loc.clone().section(format!("tags[{i}]"));
            match line {
                Some(n) => l.line(n),
                None => l,
            }
        };
        let Value::Mapping(tag) = t else {
            diagnostics.push(Diagnostic::warning(
                "bad-tag",
                "tag is not a mapping; skipped",
                loc(),
            ));
            continue;
        };
        let Some(address) = scalar(tag.get("address")) else {
            diagnostics.push(Diagnostic::warning(
                "missing-address",
                "tag has no address; skipped",
                loc().field("address"),
            ));
            continue;
        };
        let field = |name: &str| scalar(tag.get(name)).or_else(|| inherited(&header, name));
        let confidence = match field("confidence") {
            Some(c) => {
                let c = Confidence::named(&c);
                if c.level.is_none() {
                    diagnostics.push(Diagnostic::warning(
                        "unknown-confidence",
                        format!("confidence {:?} is not a GraphSense level", c.name),
                        loc().field("confidence"),
                    ));
                }
                c
            }
            None => Confidence::unspecified(),
        };
        let currency = field("currency");
        let network = field("network");
        let chain = network
            .as_deref()
            .and_then(|n| Chain::from_ticker(n, &address))
            .or_else(|| {
                currency
                    .as_deref()
                    .and_then(|c| Chain::from_ticker(c, &address))
            });
        let parsed = match chain {
            Some(c) => parse_on(c, &address),
            None => parse(&address),
        };
        // A valid address filed under the wrong currency is still screened, on the chains it
        // is valid on: missing a sanctioned wallet over a clerical error is worse.
        let parsed = match parsed {
            Err(e @ AddressError::WrongChain { .. }) => {
                diagnostics.push(Diagnostic::warning(
                    "wrong-chain",
                    format!("{address:?}: {e}; screened as such"),
                    loc().field("currency"),
                ));
                parse(&address)
            }
            other => other,
        };
        if let Err(e) = &parsed {
            diagnostics.push(Diagnostic::warning(
                "bad-address",
                format!("{address:?}: {e} [{}]; not screened", e.code()),
                loc().field("address"),
            ));
        }
        let mut tag = Tag {
            address,
            parsed,
            chain,
            currency,
            network,
            label: field("label"),
            category: field("category"),
            abuse: field("abuse"),
            actor: field("actor"),
            confidence,
            source: field("source"),
            lastmod: field("lastmod"),
            is_public: flag(
                tag.get("is_public").or_else(|| header.get("is_public")),
                true,
            ),
            is_cluster_definer: flag(
                tag.get("is_cluster_definer")
                    .or_else(|| header.get("is_cluster_definer")),
                false,
            ),
            categories: Vec::new(),
            line,
        };
        tag.categories = derive_categories(&tag, scalar(header.get("title")).as_deref());
        out.push(tag);
    }
    Ok(TagPack {
        path: path.to_owned(),
        title: scalar(header.get("title")),
        creator: scalar(header.get("creator")),
        tags: out,
    })
}

fn inherited(header: &Mapping, name: &str) -> Option<String> {
    INHERITED
        .contains(&name)
        .then(|| scalar(header.get(name)))
        .flatten()
}

/// The line of each tag, found by the `- ` that starts each item of the `tags:` list; `None`
/// when the count does not agree with the parsed list (flow-style YAML and the like).
fn tag_lines(text: &str, count: usize) -> Option<Vec<u64>> {
    let mut in_tags = false;
    let mut indent = None;
    let mut lines = Vec::with_capacity(count);
    for (n, line) in text.lines().enumerate() {
        if !in_tags {
            in_tags = line.trim_end() == "tags:";
            continue;
        }
        let content = line.trim_start();
        let this_indent = line.len() - content.len();
        if content.starts_with("- ") || content == "-" {
            if indent.is_none() {
                indent = Some(this_indent);
            }
            if indent == Some(this_indent) {
                lines.push(n as u64 + 1);
            }
        } else if !content.is_empty() && !content.starts_with('#') && this_indent == 0 {
            break;
        }
    }
    (lines.len() == count).then_some(lines)
}

/// Cordon categories of a tag. The rule (documented in `docs/addresses.md`): GraphSense
/// `category` and `abuse` map through [`Category::from_graphsense`]; `sanctioned` is added when
/// abuse is `sanction`, or when the confidence is `authority_data` and the source is the US
/// Treasury, or when the label or title speaks of a sanctions list; `dprk-attributed` when the
/// actor, label or title names a DPRK actor (Lazarus, BlueNoroff, Andariel, APT38, …).
fn derive_categories(tag: &Tag, title: Option<&str>) -> Vec<Category> {
    let mut cats: Vec<Category> = [tag.category.as_deref(), tag.abuse.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(Category::from_graphsense)
        .collect();
    let treasury = tag
        .source
        .as_deref()
        .is_some_and(|s| s.contains("treasury.gov"));
    let says_sanction = [tag.label.as_deref(), title]
        .into_iter()
        .flatten()
        .any(|t| t.to_ascii_lowercase().contains("sanction"));
    if (tag.confidence.name == "authority_data" && treasury) || says_sanction {
        cats.push(Category::Sanctioned);
    }
    let dprk = [tag.actor.as_deref(), tag.label.as_deref(), title]
        .into_iter()
        .flatten()
        .any(mentions_dprk);
    if dprk {
        cats.push(Category::DprkAttributed);
    }
    cats.sort();
    cats.dedup();
    cats
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = "title: Test pack
creator: Someone
confidence: authority_data
category: mixing_service
currency: ETH
lastmod: 2022-08-10
source: https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808
actor: tornado
is_public: true
tags:
- address: '0x8589427373D6D84E98730D7795D8f6f8731FDA16 '
- address: '0x722122dF12D4e14e13Ac3b6895a86e84145b6967'
  label: overridden
  confidence: ownership
- address: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2
  currency: BTC
  category: exchange
  source: https://example.org
- address: '0x722122dF12D4e14e13Ac3b6895a86e84145b6968'
";

    #[test]
    fn header_fields_are_inherited_and_overridden() {
        let mut d = Vec::new();
        let p = parse_tagpack(Path::new("t.yaml"), PACK, &mut d).unwrap();
        assert_eq!(p.tags.len(), 4);
        let t0 = &p.tags[0];
        assert_eq!(t0.address, "0x8589427373D6D84E98730D7795D8f6f8731FDA16");
        assert!(t0.parsed.is_ok());
        assert_eq!(t0.confidence.level, Some(60));
        assert_eq!(t0.lastmod.as_deref(), Some("2022-08-10"));
        assert_eq!(t0.categories, [Category::Sanctioned, Category::Mixer]);
        assert_eq!(t0.line, Some(11));
        let t1 = &p.tags[1];
        assert_eq!(t1.label.as_deref(), Some("overridden"));
        assert_eq!(t1.confidence.name, "ownership");
        let t2 = &p.tags[2];
        assert_eq!(t2.chain, Some(Chain::Btc));
        assert_eq!(t2.categories, [Category::Exchange]);
        // A wrong EIP-55 checksum is reported with its tag's line, and not screened.
        assert!(p.tags[3].parsed.is_err());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "bad-address");
        assert_eq!(d[0].location.line, Some(19));
    }

    #[test]
    fn structural_errors_name_the_file_and_field() {
        let mut d = Vec::new();
        let e = parse_tagpack(Path::new("x.yaml"), "title: a\n", &mut d).unwrap_err();
        assert_eq!(e.code(), "tagpack-structure");
        assert!(e.to_string().contains("x.yaml"), "{e}");
        let e = parse_tagpack(Path::new("x.yaml"), "tags: [\n", &mut d).unwrap_err();
        assert_eq!(e.code(), "tagpack-yaml");
        let e = parse_tagpack(Path::new("x.yaml"), "- a\n- b\n", &mut d).unwrap_err();
        assert_eq!(e.code(), "tagpack-structure");
        let p = parse_tagpack(Path::new("x.yaml"), "tags:\n- label: x\n- 7\n", &mut d).unwrap();
        assert!(p.tags.is_empty());
        assert_eq!(d.len(), 2);
    }

    proptest::proptest! {
        #![proptest_config(cordon_testkit::proptest_cases(256))]

        // Any text is a TagPack, a list of diagnostics or an error, never a panic (the
        // `fuzz/` target `tagpack_yaml` explores the same without bounds).
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
            let _ = parse_tagpack(Path::new("f.yaml"), &text, &mut Vec::new());
        }

        // Damage to a real pack: a character replaced anywhere keeps the parser total.
        #[test]
        fn damaged_packs_never_panic(at in 0usize..PACK.len(), c in proptest::char::any()) {
            let mut text: Vec<char> = PACK.chars().collect();
            let at = at % text.len();
            text[at] = c;
            let text: String = text.into_iter().collect();
            let _ = parse_tagpack(Path::new("f.yaml"), &text, &mut Vec::new());
        }
    }
}
