//! yente's response shapes, serialised straight from the engine's results and the snapshot's
//! entities: a screening answer is written once, with no intermediate JSON tree to build, copy
//! and drop (that was a fifth of a `/match` request's CPU).

use std::collections::BTreeMap;

use cordon_match::Explanation;
use serde::Serialize;

use crate::decisions::{Decision, Decisions, covered};
use crate::engine::{Filter, Hit, Snapshot, SubjectQuery};

/// What one query was answered with: its hits, each with its earlier decisions, and which of
/// them a decision suppresses.
#[derive(Debug)]
pub(crate) struct Answered {
    subject: String,
    hits: Vec<(Hit, Vec<Decision>, bool)>,
}

impl Answered {
    /// Screens `q` and looks up the decisions on each hit.
    pub(crate) fn screen(
        snap: &Snapshot,
        decisions: Option<&Decisions>,
        q: &SubjectQuery,
        threshold: f64,
        limit: usize,
        filter: &Filter,
    ) -> Answered {
        let subject = q.subject_key();
        let hits = snap
            .screen(q, threshold, limit, filter)
            .into_iter()
            .map(|h| {
                let (ds, suppressed) = match decisions {
                    Some(d) if !d.is_empty() => (
                        d.on(&subject, &h.result.id).to_vec(),
                        d.suppresses(&subject, &h.result.id, &h.entity_hash),
                    ),
                    _ => (Vec::new(), false),
                };
                (h, ds, suppressed)
            })
            .collect();
        Answered { subject, hits }
    }

    /// The subject key decisions refer to.
    pub(crate) fn subject(&self) -> &str {
        &self.subject
    }

    fn shown(&self) -> impl Iterator<Item = &(Hit, Vec<Decision>, bool)> {
        self.hits.iter().filter(|(_, _, suppressed)| !suppressed)
    }

    fn briefs(&self, suppressed: bool) -> Vec<Brief<'_>> {
        self.hits
            .iter()
            .filter(|(_, _, s)| *s == suppressed)
            .map(|(h, _, _)| Brief::of(h))
            .collect()
    }

    /// The results shown (not suppressed), in yente's result shape.
    pub(crate) fn results<'a>(&'a self, snap: &'a Snapshot) -> Vec<ResultOut<'a>> {
        self.shown()
            .map(|(h, ds, _)| ResultOut::new(snap, h, ds))
            .collect()
    }

    /// yente's per-query response, with Cordon's `subject` and `suppressed`.
    pub(crate) fn response<'a>(
        &'a self,
        snap: &'a Snapshot,
        q: &'a SubjectQuery,
    ) -> QueryResponse<'a> {
        let results = self.results(snap);
        QueryResponse {
            status: 200,
            total: Total::of(results.len()),
            results,
            query: QueryEcho {
                schema: &q.schema,
                properties: &q.properties,
            },
            subject: &self.subject,
            suppressed: self.briefs(true),
        }
    }

    /// The matches that no decision covers: what enters the review queue.
    pub(crate) fn to_review(&self) -> impl Iterator<Item = &Hit> {
        self.hits
            .iter()
            .filter(|(h, ds, _)| h.result.is_match && !covered(ds, &h.entity_hash))
            .map(|(h, _, _)| h)
    }

    /// What the audit trail keeps of the answer (`last_seen` reads it back).
    pub(crate) fn audited(&self) -> AuditedQuery<'_> {
        AuditedQuery {
            subject: &self.subject,
            results: self.briefs(false),
            suppressed: self.briefs(true),
        }
    }
}

/// A hit as the audit trail and the `suppressed` list record it.
#[derive(Debug, Serialize)]
pub(crate) struct Brief<'a> {
    id: &'a str,
    score: f64,
    #[serde(rename = "match")]
    is_match: bool,
    entity_hash: &'a str,
}

impl<'a> Brief<'a> {
    fn of(h: &'a Hit) -> Brief<'a> {
        Brief {
            id: &h.result.id,
            score: h.result.score,
            is_match: h.result.is_match,
            entity_hash: &h.entity_hash,
        }
    }
}

/// One query in the audit trail.
#[derive(Debug, Serialize)]
pub(crate) struct AuditedQuery<'a> {
    subject: &'a str,
    results: Vec<Brief<'a>>,
    suppressed: Vec<Brief<'a>>,
}

/// yente's `total`.
#[derive(Debug, Serialize)]
pub(crate) struct Total {
    value: usize,
    relation: &'static str,
}

impl Total {
    pub(crate) fn of(n: usize) -> Total {
        Total {
            value: n,
            relation: "eq",
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct QueryEcho<'a> {
    schema: &'a str,
    properties: &'a BTreeMap<String, Vec<String>>,
}

/// yente's per-query response.
#[derive(Debug, Serialize)]
pub(crate) struct QueryResponse<'a> {
    status: u16,
    results: Vec<ResultOut<'a>>,
    total: Total,
    query: QueryEcho<'a>,
    subject: &'a str,
    suppressed: Vec<Brief<'a>>,
}

#[derive(Debug, Serialize)]
struct Features {
    name: f64,
}

#[derive(Debug, Serialize)]
struct NameExplanation<'a> {
    score: f64,
    detail: String,
    query: &'a str,
    candidate: &'a str,
}

#[derive(Debug, Serialize)]
struct Explanations<'a> {
    name: NameExplanation<'a>,
}

static NO_PROPERTIES: BTreeMap<String, Vec<String>> = BTreeMap::new();

/// One result: yente's members first (`id` … `explanations`), then Cordon's.
#[derive(Debug, Serialize)]
pub(crate) struct ResultOut<'a> {
    id: &'a str,
    caption: &'a str,
    schema: &'static str,
    properties: &'a BTreeMap<String, Vec<String>>,
    datasets: &'a [String],
    referents: [&'a str; 0],
    target: bool,
    first_seen: Option<&'a str>,
    last_seen: Option<&'a str>,
    last_change: Option<&'a str>,
    score: f64,
    #[serde(rename = "match")]
    is_match: bool,
    features: Features,
    explanations: Explanations<'a>,
    explanation: &'a Explanation,
    matched_name: &'a str,
    query_name: &'a str,
    programs: &'a [String],
    entity_hash: &'a str,
    decisions: &'a [Decision],
    decision_stale: bool,
}

impl<'a> ResultOut<'a> {
    fn new(snap: &'a Snapshot, hit: &'a Hit, decisions: &'a [Decision]) -> ResultOut<'a> {
        let r = &hit.result;
        ResultOut {
            id: &r.id,
            caption: &r.caption,
            schema: r.schema.as_str(),
            properties: snap.entity(&r.id).map_or(&NO_PROPERTIES, |e| &e.properties),
            datasets: &r.datasets,
            referents: [],
            target: true,
            first_seen: None,
            last_seen: None,
            last_change: None,
            score: r.score,
            is_match: r.is_match,
            features: Features {
                name: r.explanation.name_score,
            },
            explanations: Explanations {
                name: NameExplanation {
                    score: r.explanation.name_score,
                    detail: r.explanation.rules.join(", "),
                    query: &r.query_name,
                    candidate: &r.matched_name,
                },
            },
            explanation: &r.explanation,
            matched_name: &r.matched_name,
            query_name: &r.query_name,
            programs: &r.programs,
            entity_hash: &hit.entity_hash,
            decisions,
            decision_stale: !decisions.is_empty() && !covered(decisions, &hit.entity_hash),
        }
    }
}
