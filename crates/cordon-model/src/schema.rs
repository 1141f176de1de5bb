use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kind of thing an entity is, named as in FollowTheMoney.
///
/// FtM's schemata form a hierarchy: a Company is an Organization is a LegalEntity. Matching uses
/// [`Schema::can_match`] so that a query for an Organization also finds Companies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Schema {
    /// A natural person.
    Person,
    /// Any organisation: a government body, an armed group, a company.
    Organization,
    /// A registered business.
    Company,
    /// A person or an organisation, when the list does not say which.
    LegalEntity,
    /// A ship.
    Vessel,
    /// An aeroplane or helicopter.
    Aircraft,
    /// A crypto-currency address, linked to its holder.
    CryptoWallet,
}

/// A schema name that is not one of Cordon's schemata.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown schema {0:?} (expected one of Person, Organization, Company, LegalEntity, Vessel, Aircraft, CryptoWallet)"
)]
pub struct UnknownSchema(pub String);

impl Schema {
    /// Every schema, in a stable order.
    pub const ALL: [Schema; 7] = [
        Schema::Person,
        Schema::Organization,
        Schema::Company,
        Schema::LegalEntity,
        Schema::Vessel,
        Schema::Aircraft,
        Schema::CryptoWallet,
    ];

    /// The FtM name of the schema.
    pub fn as_str(self) -> &'static str {
        match self {
            Schema::Person => "Person",
            Schema::Organization => "Organization",
            Schema::Company => "Company",
            Schema::LegalEntity => "LegalEntity",
            Schema::Vessel => "Vessel",
            Schema::Aircraft => "Aircraft",
            Schema::CryptoWallet => "CryptoWallet",
        }
    }

    /// The schema's parent in the FtM hierarchy, if any.
    pub fn parent(self) -> Option<Schema> {
        match self {
            Schema::Company => Some(Schema::Organization),
            Schema::Organization | Schema::Person => Some(Schema::LegalEntity),
            _ => None,
        }
    }

    /// Whether `self` is `other` or a descendant of it.
    pub fn is_a(self, other: Schema) -> bool {
        let mut s = Some(self);
        while let Some(cur) = s {
            if cur == other {
                return true;
            }
            s = cur.parent();
        }
        false
    }

    /// Whether an entity of schema `self` can be the same real-world thing as one of `other`:
    /// one must be an ancestor of the other (a Company can be an Organization; a Person can be
    /// a LegalEntity; a Person can never be a Vessel).
    pub fn can_match(self, other: Schema) -> bool {
        self.is_a(other) || other.is_a(self)
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Schema {
    type Err = UnknownSchema;

    /// Parses FtM names case-insensitively, plus the list words for them (individual, entity,
    /// ship, organisation).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Ok(match lower.as_str() {
            "person" | "individual" | "natural person" => Schema::Person,
            "organization" | "organisation" => Schema::Organization,
            "company" => Schema::Company,
            "legalentity" | "legal entity" | "entity" | "thing" => Schema::LegalEntity,
            "vessel" | "ship" => Schema::Vessel,
            "aircraft" => Schema::Aircraft,
            "cryptowallet" | "crypto wallet" | "wallet" => Schema::CryptoWallet,
            _ => return Err(UnknownSchema(s.to_owned())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy() {
        assert!(Schema::Company.is_a(Schema::LegalEntity));
        assert!(Schema::Company.can_match(Schema::Organization));
        assert!(Schema::LegalEntity.can_match(Schema::Person));
        assert!(!Schema::Person.can_match(Schema::Vessel));
        assert!(!Schema::Person.can_match(Schema::Company));
    }

    #[test]
    fn parse_round_trip() {
        for s in Schema::ALL {
            assert_eq!(s.as_str().parse::<Schema>().unwrap(), s);
        }
        assert_eq!("Individual".parse::<Schema>().unwrap(), Schema::Person);
        assert!("Planet".parse::<Schema>().is_err());
    }
}
