//! Cordon's record-linkage engine: finds records that belong to the same person, and says why.
//!
//! Two kinds of evidence are combined into one match weight per pair (log2 odds), and every
//! weight decomposes into [`Reason`]s:
//!
//! - **Fellegi–Sunter comparisons** of named fields ([`ComparisonSpec`]: exact, Jaro-Winkler,
//!   (Damerau-)Levenshtein, dates with transposed day/month, numbers, prefixes) with m and u
//!   probabilities per level, trained as Splink does ([`Model`]: λ from deterministic rules, u
//!   from seeded random pairs, m by EM over blocked pairs) and term-frequency adjustment of
//!   exact matches. Candidates come from [`BlockingRule`]s (union, each pair once).
//! - **Shared identifiers** ([`KeySpec`]: e-mail, phone, payout account, wallet, device, IP and
//!   network, address, photo hash within a Hamming distance, résumé near-duplicates by MinHash):
//!   a rare shared value weighs much more than a common one, and hub values are not used.
//!
//! [`link`] returns scored links above a threshold; [`cluster`] groups them (optionally refusing
//! to chain clusters through weak links) and keeps the links of each cluster, its bridges and
//! the links it held back: nothing is merged silently. [`metrics`] scores a clustering against
//! ground truth (pairwise and B-cubed).

//!
//! ```
//! use cordon_er::{
//!     BlockingRule, ClusterConfig, ComparisonSpec, DatasetBuilder, KeySpec, KeyValue,
//!     LinkConfig, Model, RecordRef, cluster, link,
//! };
//! use cordon_model::Location;
//!
//! let mut b = DatasetBuilder::new(&["name", "dob"]);
//! let payout = b.key_kind(KeySpec::exact("payout_account", 0.9, 1e-6, 20));
//! let rows = [
//!     ("a1", "jon smith", "19900102", "DE01"),
//!     ("a2", "john smith", "19900102", "DE01"),
//!     ("a3", "mary jones", "19751111", "FR77"),
//! ];
//! for (id, name, dob, acct) in rows {
//!     b.push(RecordRef {
//!         id: id.as_bytes(),
//!         source: 0,
//!         fields: &[Some(name.as_bytes()), Some(dob.as_bytes())],
//!         keys: &[(payout, KeyValue::Exact(acct.into()))],
//!         location: &Location::default(),
//!     });
//! }
//! let (ds, diagnostics) = b.finish();
//! assert!(diagnostics.is_empty());
//!
//! let model = Model::new(vec![ComparisonSpec::name("name"), ComparisonSpec::date("dob")])?;
//! let cfg = LinkConfig {
//!     blocking: vec![BlockingRule::on(&["dob"])],
//!     prior_weight: Some(-4.0),
//!     threshold: 0.0,
//!     ..LinkConfig::default()
//! };
//! let linkage = link(&ds, Some(&model), &cfg)?;
//! assert_eq!(linkage.links.len(), 1);
//! let l = &linkage.links[0];
//! assert_eq!((ds.id(l.a), ds.id(l.b)), ("a1", "a2"));
//! // The weight is the sum of its reasons.
//! let sum: f64 = l.reasons.iter().map(|r| r.counted_weight()).sum();
//! assert!((sum - l.weight).abs() < 1e-9);
//!
//! let c = cluster(ds.len(), &linkage.links, &ClusterConfig { threshold: 0.0, strong: None });
//! assert_eq!(c.clusters[0].members, vec![0, 1]);
//! # Ok::<(), cordon_er::ErError>(())
//! ```

mod blocking;
mod cluster;
mod compare;
mod data;
mod error;
mod explain;
mod hash;
mod ident;
mod link;
pub mod metrics;
mod model;
pub mod normalize;
mod population;
pub mod sim;
mod suspects;

pub use blocking::{BlockingRule, KeyPart, LinkType, RuleStats};
pub use cluster::{
    Cluster, ClusterConfig, Clustering, GroupEvidence, UnionFind, cluster, cluster_evidence,
};
pub use compare::{ComparisonSpec, LevelKind, LevelSpec};
pub use data::{Dataset, DatasetBuilder, KeyValue, Limits, RecordIx, RecordRef, text_minhash};
pub use error::ErError;
pub use explain::Reason;
pub use ident::{
    Hub, KeyMatch, KeySpec, MinHashSpec, SharedIndex, SharedValue, estimated_jaccard, minhash_bands,
};
pub use link::{FsUse, Link, LinkConfig, LinkStats, Linkage, link, probability};
pub use model::{EmSession, Model};
pub use population::{FieldCounts, Population};
pub use suspects::Suspects;
