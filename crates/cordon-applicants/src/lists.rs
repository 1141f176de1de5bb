//! The one adapter to the list screening engines: applicant names and employers through
//! `cordon-match`, wallets through `cordon-wallets`, and exact e-mails, phone numbers and
//! websites that list entries carry.

use std::sync::Arc;

use cordon_match::{Matcher, Options, Query};
use cordon_model::{DateValue, Entity, Schema, prop};
use cordon_wallets::{ScreeningStatus, WalletIndex, WalletIndexBuilder};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::record::Applicant;
use crate::rules::{ListParams, round3};

/// One list hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListHit {
    /// `name`, `employer`, `email`, `phone`, `website`, `wallet`, or `linked` (another
    /// member of the applicant's cluster has a hit).
    pub kind: &'static str,
    /// The applicant's value that hit.
    pub value: String,
    /// The list entity.
    pub entity: String,
    /// Its display name.
    pub caption: String,
    /// Match score (1.0 for exact identifiers).
    pub score: f64,
    /// Lists it is on.
    pub datasets: Vec<String>,
    /// Sanctions programmes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// For `linked`: the cluster member whose hit this is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// Risk weight (not in the output line).
    #[serde(skip)]
    pub weight: f64,
}

impl ListHit {
    /// Whether the hit is an identifier on a list entry (e-mail, phone, website, wallet) or a
    /// designated front in the work history, rather than a resembling name: such a hit raises
    /// the applicant's whole cluster of linked accounts.
    pub fn is_identifier(&self) -> bool {
        matches!(
            self.kind,
            "email" | "phone" | "website" | "wallet" | "employer"
        )
    }
}

/// The lists, indexed for applicant screening.
#[derive(Debug)]
pub struct ListIndex {
    /// Shared with whoever else screens the same list version (the service's snapshot).
    matcher: Arc<Matcher>,
    wallets: Arc<WalletIndex>,
    /// Normalised e-mail / E.164 phone / website host → entity indices.
    exact: FxHashMap<(&'static str, String), Vec<u32>>,
}

/// A website reduced to its host without `www.`, lower case.
pub(crate) fn website_host(raw: &str) -> Option<String> {
    let s = raw.trim().to_lowercase();
    let s = s.split_once("://").map_or(s.as_str(), |(_, r)| r);
    let host = s.split(['/', '?', '#']).next()?.split('@').next_back()?;
    let host = host
        .split(':')
        .next()?
        .trim_start_matches("www.")
        .trim_end_matches('.');
    (host.contains('.') && !host.contains(char::is_whitespace)).then(|| host.to_owned())
}

impl ListIndex {
    /// Indexes list entities (e.g. `Store::current_entities()`).
    pub fn build(entities: Vec<Entity>) -> ListIndex {
        let mut wb = WalletIndexBuilder::new();
        wb.entities(entities.iter());
        let wallets = wb.build();
        ListIndex::shared(Arc::new(Matcher::build(entities)), Arc::new(wallets))
    }

    /// Indexes the lists over a matcher and wallet index built already (and kept by the caller
    /// for its own screening): only the exact e-mail, phone and website lookups are built.
    /// The wallet index should be built from the matcher's entities.
    pub fn shared(matcher: Arc<Matcher>, wallets: Arc<WalletIndex>) -> ListIndex {
        let mut exact: FxHashMap<(&'static str, String), Vec<u32>> = FxHashMap::default();
        for (i, e) in matcher.entities().iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            for v in e.get(prop::EMAIL) {
                if let Some(n) = cordon_er::normalize::email(v) {
                    exact.entry(("email", n)).or_default().push(i);
                }
            }
            for v in e.get(prop::PHONE) {
                // Lists write international numbers without the `+` ("982188526300").
                let digits: String = v.chars().filter(char::is_ascii_digit).collect();
                let international = (digits.len() >= 8 && !v.trim_start().starts_with(['+', '0']))
                    .then(|| crate::phone::e164(&format!("+{digits}"), None))
                    .flatten();
                if let Some(n) = crate::phone::e164(v, None).or(international) {
                    exact.entry(("phone", n)).or_default().push(i);
                }
            }
            for v in e.get(prop::WEBSITE) {
                if let Some(n) = website_host(v) {
                    exact.entry(("website", n)).or_default().push(i);
                }
            }
        }
        ListIndex {
            matcher,
            wallets,
            exact,
        }
    }

    /// Number of list entities.
    pub fn len(&self) -> usize {
        self.matcher.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.matcher.is_empty()
    }

    fn entity_hit(&self, kind: &'static str, value: &str, ix: u32, weight: f64) -> Option<ListHit> {
        let e = self.matcher.entities().get(ix as usize)?;
        Some(ListHit {
            kind,
            value: value.to_owned(),
            entity: e.id.clone(),
            caption: e.caption.clone(),
            score: 1.0,
            datasets: e.datasets.clone(),
            programs: e.get(prop::PROGRAM).to_vec(),
            via: None,
            weight,
        })
    }

    /// Every hit of one applicant's fields; wallets on lists are also returned apart (IW-46).
    pub fn screen(
        &self,
        a: &Applicant,
        p: &ListParams,
    ) -> (Vec<ListHit>, Vec<(String, Vec<String>)>) {
        let mut hits = Vec::new();
        let opts = Options {
            threshold: p.name_threshold,
            limit: 3,
            min_score: p.name_threshold,
        };
        for name in &a.names {
            let Ok(mut q) = Query::new(name) else {
                continue;
            };
            q.schema = Some(Schema::Person);
            q.birth_date = a.date_of_birth.map(DateValue::Exact);
            q.nationality = a.nationality.as_deref().map(str::to_lowercase);
            for r in self.matcher.screen(&q, &opts) {
                if r.is_match {
                    hits.push(ListHit {
                        kind: "name",
                        value: name.clone(),
                        entity: r.id,
                        caption: r.caption,
                        score: r.score,
                        datasets: r.datasets,
                        programs: r.programs,
                        via: None,
                        weight: p.name_weight * r.score,
                    });
                }
            }
        }
        let emp_opts = Options {
            threshold: p.employer_threshold,
            limit: 3,
            min_score: p.employer_threshold,
        };
        for job in &a.employment {
            let Ok(mut q) = Query::new(&job.employer) else {
                continue;
            };
            q.schema = Some(Schema::Organization);
            for r in self.matcher.screen(&q, &emp_opts) {
                if r.is_match {
                    hits.push(ListHit {
                        kind: "employer",
                        value: job.employer.clone(),
                        entity: r.id,
                        caption: r.caption,
                        score: r.score,
                        datasets: r.datasets,
                        programs: r.programs,
                        via: None,
                        weight: p.employer_weight * r.score,
                    });
                }
            }
        }
        let mut lookup = |kind: &'static str, norm: Option<String>, raw: &str| {
            if let Some(n) = norm
                && let Some(ixs) = self.exact.get(&(kind, n))
            {
                for &ix in ixs {
                    if let Some(h) = self.entity_hit(kind, raw, ix, p.identifier_weight) {
                        hits.push(h);
                    }
                }
            }
        };
        for e in &a.emails {
            lookup("email", cordon_er::normalize::email(e), e);
        }
        for ph in &a.phones {
            lookup("phone", Some(ph.clone()), ph);
        }
        let sites = a
            .websites
            .iter()
            .chain(a.employment.iter().filter_map(|j| j.website.as_ref()));
        for w in sites {
            lookup("website", website_host(w), w);
        }
        let mut listed_wallets = Vec::new();
        let payout_wallets = a.payout_accounts.iter().map(|x| &x.number);
        for w in a.wallets.iter().chain(payout_wallets) {
            let s = self.wallets.screen(w);
            if s.status != ScreeningStatus::Listed {
                continue;
            }
            let mut ids = Vec::new();
            for h in s.hits.iter().filter(|h| h.is_listed()) {
                for holder in &h.holders {
                    ids.push(holder.id.clone());
                    hits.push(ListHit {
                        kind: "wallet",
                        value: w.clone(),
                        entity: holder.id.clone(),
                        caption: holder.name.clone().unwrap_or_default(),
                        score: 1.0,
                        datasets: h.sources.iter().map(|s| s.id.clone()).collect(),
                        programs: h.programs.clone(),
                        via: None,
                        weight: p.identifier_weight,
                    });
                }
            }
            if ids.is_empty() {
                ids.push(String::new());
            }
            listed_wallets.push((w.clone(), ids));
        }
        for h in &mut hits {
            h.score = round3(h.score);
        }
        hits.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.entity.cmp(&y.entity)));
        hits.dedup_by(|x, y| x.kind == y.kind && x.entity == y.entity && x.value == y.value);
        (hits, listed_wallets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_hosts() {
        assert_eq!(
            website_host("https://www.Example.com/about?x=1").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            website_host("example.com:8080").as_deref(),
            Some("example.com")
        );
        assert_eq!(website_host("not a site"), None);
    }

    #[test]
    fn a_shared_matcher_answers_as_a_built_one() {
        let mut person = Entity::new("p1", Schema::Person);
        person.add(prop::NAME, "PAK Su Min");
        person.add(prop::EMAIL, "pak.sumin@example.com");
        person.datasets.push("test".into());
        let entities = vec![person];
        let built = ListIndex::build(entities.clone());
        let mut wb = WalletIndexBuilder::new();
        wb.entities(entities.iter());
        let matcher = Arc::new(Matcher::build(entities));
        let shared = ListIndex::shared(Arc::clone(&matcher), Arc::new(wb.build()));
        // The caller's matcher is used, not copied.
        assert_eq!(Arc::strong_count(&matcher), 2);
        let a = Applicant {
            id: "a".into(),
            names: vec!["Pak Su Min".into()],
            emails: vec!["Pak.Sumin@example.com".into()],
            ..Applicant::default()
        };
        let p = ListParams::default();
        let (hits, _) = shared.screen(&a, &p);
        assert_eq!(hits, built.screen(&a, &p).0);
        let kinds: Vec<&str> = hits.iter().map(|h| h.kind).collect();
        assert_eq!(kinds, ["email", "name"], "{hits:?}");
    }
}
