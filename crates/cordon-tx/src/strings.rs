//! The address and transaction-hash tables: every string once, in one buffer that is exactly
//! the `addresses.txt` / `hashes.txt` file (one string per line, the line number is the id),
//! with a hash table of ids for lookups.
//!
//! A `Vec<String>` plus a `HashMap<String, u32>` holds each string twice with two allocations
//! and costs ≈ 175 bytes per 42-character address (1.75 GB at 10^7 addresses); this costs the
//! string, 8 bytes of offset and ≈ 5 bytes of index.

use std::hash::BuildHasher;
use std::ops::Range;
use std::path::Path;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::TxError;

#[derive(Default)]
pub(crate) struct StringTable {
    /// The strings, each followed by `\n`.
    text: String,
    /// Position of each string's `\n`.
    ends: Vec<u64>,
    /// Ids by hash of their string (empty when the table is not `indexed`).
    index: HashTable<u32>,
}

impl std::fmt::Debug for StringTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StringTable")
            .field("len", &self.ends.len())
            .field("bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

fn span(ends: &[u64], id: usize) -> Option<Range<usize>> {
    let end = usize::try_from(*ends.get(id)?).ok()?;
    let start = match id.checked_sub(1) {
        Some(p) => usize::try_from(ends[p]).ok()? + 1,
        None => 0,
    };
    Some(start..end)
}

fn lookup<'a>(text: &'a str, ends: &[u64], id: u32) -> Option<&'a str> {
    text.get(span(ends, id as usize)?)
}

impl StringTable {
    /// Number of strings.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// String `id`.
    pub(crate) fn get(&self, id: u32) -> Option<&str> {
        lookup(&self.text, &self.ends, id)
    }

    /// The id of `s` (indexed tables only).
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        let (text, ends) = (&self.text, &self.ends);
        self.index
            .find(hash(s), |&id| lookup(text, ends, id) == Some(s))
            .copied()
    }

    /// All strings in id order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|i| self.get(i).unwrap_or(""))
    }

    /// The id of `s`, added if new. A line break cannot be stored (it would shift every later
    /// id when the table is read back).
    pub(crate) fn intern(&mut self, s: &str) -> Result<u32, TxError> {
        if let Some(id) = self.find(s) {
            return Ok(id);
        }
        if s.contains(['\n', '\r']) {
            return Err(TxError::Capacity(format!(
                "{s:?}: an address or hash with a line break cannot be stored"
            )));
        }
        let id = u32::try_from(self.ends.len())
            .ok()
            .filter(|&i| i != u32::MAX)
            .ok_or_else(|| TxError::Capacity("more than 2^32 - 1 distinct strings".into()))?;
        self.text.push_str(s);
        self.ends.push(self.text.len() as u64);
        self.text.push('\n');
        let StringTable { text, ends, index } = self;
        index.insert_unique(hash(s), id, |&i| hash(lookup(text, ends, i).unwrap_or("")));
        Ok(id)
    }

    /// Reads a table written by [`StringTable::write`], checking it has `expect` strings.
    /// `indexed` builds the lookup index (addresses); hashes are only read by id.
    pub(crate) fn read(path: &Path, expect: usize, indexed: bool) -> Result<Self, TxError> {
        let mut text = std::fs::read_to_string(path).map_err(|e| TxError::io(path, e))?;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let ends: Vec<u64> = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i as u64)
            .collect();
        if ends.len() != expect {
            return Err(TxError::Corrupt {
                path: path.into(),
                message: format!("{} lines, manifest says {expect}", ends.len()),
            });
        }
        let mut index = HashTable::new();
        if indexed {
            index.reserve(ends.len(), |&i| hash(lookup(&text, &ends, i).unwrap_or("")));
            for id in 0..ends.len() as u32 {
                let h = hash(lookup(&text, &ends, id).unwrap_or(""));
                index.insert_unique(h, id, |&i| hash(lookup(&text, &ends, i).unwrap_or("")));
            }
        }
        Ok(StringTable { text, ends, index })
    }

    /// Writes the table: the buffer is the file.
    pub(crate) fn write(&self, path: &Path) -> Result<(), TxError> {
        std::fs::write(path, &self.text).map_err(|e| TxError::io(path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_finds_and_reads_back() {
        let mut t = StringTable::default();
        assert_eq!(t.intern("0xaa").unwrap(), 0);
        assert_eq!(t.intern("").unwrap(), 1);
        assert_eq!(t.intern("bc1q").unwrap(), 2);
        assert_eq!(t.intern("0xaa").unwrap(), 0);
        assert_eq!(t.find("bc1q"), Some(2));
        assert_eq!(t.find("nope"), None);
        assert_eq!(t.get(1), Some(""));
        assert_eq!(t.get(3), None);
        assert!(t.intern("a\nb").is_err());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.txt");
        t.write(&p).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "0xaa\n\nbc1q\n");
        let back = StringTable::read(&p, 3, true).unwrap();
        assert_eq!(back.iter().collect::<Vec<_>>(), ["0xaa", "", "bc1q"]);
        assert_eq!(back.find("bc1q"), Some(2));
        assert_eq!(StringTable::read(&p, 3, false).unwrap().find("bc1q"), None);
        assert_eq!(
            StringTable::read(&p, 4, true).unwrap_err().code(),
            "tx.corrupt"
        );
    }
}
