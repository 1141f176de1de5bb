//! API keys: named, with a role, stored as salted sha256 hashes in an append-only file.
//!
//! A key is shown once, when it is created: `cordon_<id>_<secret>`. The file keeps the id, name,
//! role, a random salt and `sha256(salt ‖ secret)`; revoking appends a line. `cordon keys`
//! appends while the server runs, and the server re-reads the file when it grows.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ServiceError;
use crate::util::{append_line, now, read_jsonl};

/// What a key may do. Each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reading the TAXII collections only (a partner organisation's feed key).
    Share,
    /// Screening, search, entities, catalog; also the TAXII collections.
    Screen,
    /// Also decisions, subjects, alerts and the audit trail.
    Analyst,
    /// Also list reloads and re-screening.
    Admin,
}

impl Role {
    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Share => "share",
            Role::Screen => "screen",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = ServiceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "share" => Ok(Role::Share),
            "screen" => Ok(Role::Screen),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            _ => Err(ServiceError::Invalid(format!(
                "unknown role {s:?} (expected share, screen, analyst or admin)"
            ))),
        }
    }
}

/// A stored key (never the secret itself).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyInfo {
    /// Public id, the middle part of the token.
    pub id: String,
    /// A name for people and the audit trail (`kyc-backend`).
    pub name: String,
    /// The role.
    pub role: Role,
    /// When created.
    pub created: String,
    /// When revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<String>,
    #[serde(default)]
    salt: String,
    #[serde(default)]
    hash: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
enum KeyLine {
    Create(KeyInfo),
    Revoke { id: String, at: String },
}

/// The keys in effect, read from the key file.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    by_id: BTreeMap<String, KeyInfo>,
}

fn digest(salt: &str, secret: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(secret.as_bytes());
    h.finalize().into()
}

fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    let v: Vec<u8> = (0..bytes).map(|_| rng.random::<u8>()).collect();
    hex::encode(v)
}

impl Keys {
    /// Reads the key file (a missing file means no keys).
    pub fn load(path: &Path) -> Result<Keys, ServiceError> {
        let mut keys = Keys::default();
        for (line_no, line) in read_jsonl::<KeyLine>(path)? {
            match line {
                KeyLine::Create(k) => {
                    keys.by_id.insert(k.id.clone(), k);
                }
                KeyLine::Revoke { id, at } => match keys.by_id.get_mut(&id) {
                    Some(k) => k.revoked = Some(at),
                    None => {
                        return Err(ServiceError::Corrupt {
                            path: path.display().to_string(),
                            line: line_no,
                            message: format!("revokes unknown key {id}"),
                        });
                    }
                },
            }
        }
        Ok(keys)
    }

    /// Creates a key, appends it to the file and returns it with its token (shown once).
    pub fn create(path: &Path, name: &str, role: Role) -> Result<(KeyInfo, String), ServiceError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
            return Err(ServiceError::Invalid(
                "a key name is 1–100 printable characters".into(),
            ));
        }
        let existing = Keys::load(path)?;
        if existing.active().any(|k| k.name == name) {
            return Err(ServiceError::Invalid(format!(
                "an active key named {name:?} exists; revoke it first"
            )));
        }
        let id = random_hex(6);
        let secret = random_hex(16);
        let salt = random_hex(16);
        let info = KeyInfo {
            id: id.clone(),
            name: name.to_owned(),
            role,
            created: now(),
            revoked: None,
            hash: hex::encode(digest(&salt, &secret)),
            salt,
        };
        append_line(path, &KeyLine::Create(info.clone()))?;
        Ok((info, format!("cordon_{id}_{secret}")))
    }

    /// Revokes the active key with this name or id.
    pub fn revoke(path: &Path, name_or_id: &str) -> Result<KeyInfo, ServiceError> {
        let keys = Keys::load(path)?;
        let k = keys
            .active()
            .find(|k| k.id == name_or_id || k.name == name_or_id)
            .cloned()
            .ok_or_else(|| ServiceError::Invalid(format!("no active key {name_or_id:?}")))?;
        let at = now();
        append_line(
            path,
            &KeyLine::Revoke {
                id: k.id.clone(),
                at: at.clone(),
            },
        )?;
        Ok(KeyInfo {
            revoked: Some(at),
            ..k
        })
    }

    /// Every key, revoked ones included.
    pub fn all(&self) -> impl Iterator<Item = &KeyInfo> {
        self.by_id.values()
    }

    /// Keys not revoked.
    pub fn active(&self) -> impl Iterator<Item = &KeyInfo> {
        self.by_id.values().filter(|k| k.revoked.is_none())
    }

    /// The key a token belongs to, if it is valid and not revoked.
    pub fn authenticate(&self, token: &str) -> Option<&KeyInfo> {
        let rest = token.strip_prefix("cordon_")?;
        let (id, secret) = rest.split_once('_')?;
        let k = self.by_id.get(id)?;
        if k.revoked.is_some() {
            return None;
        }
        let want = hex::decode(&k.hash).ok()?;
        let got = digest(&k.salt, secret);
        // Compare in constant time so the hash cannot be guessed byte by byte.
        let diff = want
            .iter()
            .zip(got.iter())
            .fold(want.len() ^ got.len(), |acc, (a, b)| {
                acc | usize::from(a ^ b)
            });
        (diff == 0).then_some(k)
    }
}

/// Writes the key list as a table.
pub fn write_table(keys: &Keys, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<14} {:<24} {:<8} {:<22} revoked",
        "id", "name", "role", "created"
    )?;
    for k in keys.all() {
        writeln!(
            out,
            "{:<14} {:<24} {:<8} {:<22} {}",
            k.id,
            k.name,
            k.role.as_str(),
            k.created,
            k.revoked.as_deref().unwrap_or("-")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_key_authenticates_and_revoked_key_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.jsonl");
        let (info, token) = Keys::create(&path, "backend", Role::Analyst).unwrap();
        let keys = Keys::load(&path).unwrap();
        assert_eq!(keys.authenticate(&token).unwrap().name, "backend");
        assert!(keys.authenticate(&format!("{token}x")).is_none());
        assert!(keys.authenticate("cordon_nope_nope").is_none());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(token.rsplit('_').next().unwrap()),
            "secret stored"
        );
        Keys::revoke(&path, &info.name).unwrap();
        assert!(Keys::load(&path).unwrap().authenticate(&token).is_none());
    }
}
