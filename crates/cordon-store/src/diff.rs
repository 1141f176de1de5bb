use std::collections::BTreeSet;

use cordon_model::Entity;
use serde::Serialize;

use crate::{Store, StoreError};

/// An entity named in a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRef {
    /// The entity id.
    pub id: String,
    /// Its caption.
    pub caption: String,
    /// Its schema.
    pub schema: String,
}

/// How one property changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyChange {
    /// The property name (or `schema` / `caption`).
    pub property: String,
    /// Values only in the newer version.
    pub added: Vec<String>,
    /// Values only in the older version.
    pub removed: Vec<String>,
}

/// An entity present in both versions with different content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityChange {
    /// The entity.
    #[serde(flatten)]
    pub entity: EntityRef,
    /// What changed.
    pub changes: Vec<PropertyChange>,
}

/// What changed in a source between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// The source.
    pub source: String,
    /// The older version.
    pub from: u32,
    /// The newer version.
    pub to: u32,
    /// Entities only in `to`.
    pub added: Vec<EntityRef>,
    /// Entities only in `from`.
    pub removed: Vec<EntityRef>,
    /// Entities in both whose content differs.
    pub changed: Vec<EntityChange>,
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// Every entity id the diff touches (added, removed or changed): what a re-screen must look at.
    pub fn touched_ids(&self) -> impl Iterator<Item = &str> {
        self.added
            .iter()
            .chain(&self.removed)
            .map(|e| e.id.as_str())
            .chain(self.changed.iter().map(|c| c.entity.id.as_str()))
    }
}

fn entity_ref(e: &Entity) -> EntityRef {
    EntityRef {
        id: e.id.clone(),
        caption: e.caption.clone(),
        schema: e.schema.to_string(),
    }
}

/// The property-level differences between two records of one entity.
pub(crate) fn entity_changes(old: &Entity, new: &Entity) -> Vec<PropertyChange> {
    let mut out = Vec::new();
    if old.schema != new.schema {
        out.push(PropertyChange {
            property: "schema".into(),
            added: vec![new.schema.to_string()],
            removed: vec![old.schema.to_string()],
        });
    }
    let props: BTreeSet<&String> = old.properties.keys().chain(new.properties.keys()).collect();
    for p in props {
        let (a, b) = (old.get(p), new.get(p));
        let added: Vec<String> = b.iter().filter(|v| !a.contains(v)).cloned().collect();
        let removed: Vec<String> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
        if !added.is_empty() || !removed.is_empty() {
            out.push(PropertyChange {
                property: p.clone(),
                added,
                removed,
            });
        }
    }
    out
}

impl Store {
    /// What changed in `source` between versions `from` and `to`. Both default: `to` to the
    /// current version, `from` to the version before `to`.
    pub fn diff(
        &self,
        source: &str,
        from: Option<u32>,
        to: Option<u32>,
    ) -> Result<Diff, StoreError> {
        let state = self
            .source_state(source)?
            .ok_or_else(|| StoreError::UnknownSource(source.to_owned()))?;
        let to = match to.or(state.current) {
            Some(t) => t,
            None => {
                return Err(StoreError::UnknownVersion {
                    source_id: source.to_owned(),
                    version: 0,
                });
            }
        };
        let from = from.unwrap_or(to.saturating_sub(1));
        // Validate both exist (version 0 means "nothing": diff against an empty list).
        for v in [from, to] {
            if v != 0 {
                self.version(source, v)?;
            }
        }
        let load = |v: u32| {
            if v == 0 {
                Ok(Vec::new())
            } else {
                self.entities(source, v)
            }
        };
        let (old, new) = (load(from)?, load(to)?);
        let mut diff = Diff {
            source: source.to_owned(),
            from,
            to,
            added: Vec::new(),
            removed: Vec::new(),
            changed: Vec::new(),
        };
        // Both sides are ordered by id: a merge join.
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            match (old.get(i), new.get(j)) {
                (Some(o), Some(n)) if o.id == n.id => {
                    let changes = entity_changes(o, n);
                    if !changes.is_empty() {
                        diff.changed.push(EntityChange {
                            entity: entity_ref(n),
                            changes,
                        });
                    }
                    i += 1;
                    j += 1;
                }
                (Some(o), Some(n)) if o.id < n.id => {
                    diff.removed.push(entity_ref(o));
                    i += 1;
                }
                (Some(o), None) => {
                    diff.removed.push(entity_ref(o));
                    i += 1;
                }
                (_, Some(n)) => {
                    diff.added.push(entity_ref(n));
                    j += 1;
                }
                (None, None) => break,
            }
        }
        Ok(diff)
    }
}

#[cfg(test)]
mod tests {
    use cordon_model::{Schema, prop};

    use crate::store::tests::{entity, store_with};

    #[test]
    fn reports_exactly_the_edits() {
        let (_dir, store) = store_with(
            "src",
            &[
                vec![
                    entity("a", "Alpha"),
                    entity("b", "Beta"),
                    entity("c", "Gamma"),
                ],
                {
                    let mut b = entity("b", "Beta");
                    b.add(prop::ALIAS, "Bêta");
                    b.schema = Schema::Company;
                    vec![b, entity("c", "Gamma"), entity("d", "Delta")]
                },
            ],
        );
        let d = store.diff("src", None, None).unwrap();
        assert_eq!((d.from, d.to), (1, 2));
        assert_eq!(
            d.added.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["d"]
        );
        assert_eq!(
            d.removed.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["a"]
        );
        assert_eq!(d.changed.len(), 1);
        let c = &d.changed[0];
        assert_eq!(c.entity.id, "b");
        let props: Vec<&str> = c.changes.iter().map(|p| p.property.as_str()).collect();
        assert_eq!(props, ["schema", "alias"]);
        assert_eq!(c.changes[1].added, ["Bêta"]);
        let touched: Vec<&str> = d.touched_ids().collect();
        assert_eq!(touched, ["d", "a", "b"]);
    }

    #[test]
    fn diff_from_nothing_lists_everything_as_added() {
        let (_dir, store) = store_with("src", &[vec![entity("a", "Alpha")]]);
        let d = store.diff("src", None, None).unwrap();
        assert_eq!(d.from, 0);
        assert_eq!(d.added.len(), 1);
        assert!(store.diff("nope", None, None).is_err());
        assert!(store.diff("src", Some(7), None).is_err());
    }
}
