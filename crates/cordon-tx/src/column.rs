//! Fixed-width little-endian columns that live either in memory or in a memory-mapped file.
//!
//! Values are decoded with `from_le_bytes` on access instead of casting the mapping to `&[T]`:
//! a mapping carries no alignment guarantee for `u128`, and the decode compiles to a plain load.

use std::fs::File;
use std::io::Write;
use std::marker::PhantomData;
use std::path::Path;

use crate::TxError;

/// A fixed-width value a column can hold.
pub trait Pod: Copy + Default {
    /// Width in bytes.
    const SIZE: usize;
    /// Decodes from exactly `SIZE` little-endian bytes.
    fn decode(b: &[u8]) -> Self;
    /// Appends the little-endian encoding.
    fn encode(self, out: &mut Vec<u8>);
}

macro_rules! pod {
    ($($t:ty),*) => {$(
        impl Pod for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            #[inline]
            fn decode(b: &[u8]) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(b);
                <$t>::from_le_bytes(a)
            }
            #[inline]
            fn encode(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
pod!(u8, u32, u64, i64, u128);

#[derive(Debug)]
enum Buf {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

/// A column of `T`, owned or memory-mapped.
#[derive(Debug)]
pub struct Column<T> {
    buf: Buf,
    len: usize,
    _t: PhantomData<T>,
}

impl<T: Pod> Column<T> {
    /// A column holding `values`.
    pub fn from_slice(values: &[T]) -> Self {
        let mut out = Vec::with_capacity(values.len() * T::SIZE);
        for v in values {
            v.encode(&mut out);
        }
        Column {
            buf: Buf::Owned(out),
            len: values.len(),
            _t: PhantomData,
        }
    }

    fn bytes(&self) -> &[u8] {
        match &self.buf {
            Buf::Owned(v) => v,
            Buf::Mapped(m) => m,
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Value `i`; out of range gives `T::default()` (stores are validated when opened, so this
    /// only guards against a bug turning into a panic).
    #[inline]
    pub fn get(&self, i: usize) -> T {
        let start = i.wrapping_mul(T::SIZE);
        self.bytes()
            .get(start..start.wrapping_add(T::SIZE))
            .map_or_else(T::default, T::decode)
    }

    /// All values, decoded.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.bytes().chunks_exact(T::SIZE).map(T::decode)
    }

    /// Bytes used (resident or mapped).
    pub fn byte_len(&self) -> usize {
        self.bytes().len()
    }

    /// Writes the column to `path`.
    pub fn write(&self, path: &Path) -> Result<(), TxError> {
        let mut f = File::create(path).map_err(|e| TxError::io(path, e))?;
        f.write_all(self.bytes())
            .map_err(|e| TxError::io(path, e))?;
        f.flush().map_err(|e| TxError::io(path, e))
    }

    /// Maps the column stored at `path`, checking it holds exactly `len` values.
    pub fn open(path: &Path, len: usize) -> Result<Self, TxError> {
        let f = File::open(path).map_err(|e| TxError::io(path, e))?;
        let size = f.metadata().map_err(|e| TxError::io(path, e))?.len();
        if size != (len as u64).saturating_mul(T::SIZE as u64) {
            return Err(TxError::Corrupt {
                path: path.into(),
                message: format!("{size} bytes, expected {len} values of {} bytes", T::SIZE),
            });
        }
        if len == 0 {
            return Ok(Column::from_slice(&[]));
        }
        Ok(Column {
            buf: Buf::Mapped(map(&f, path)?),
            len,
            _t: PhantomData,
        })
    }
}

#[allow(unsafe_code)]
fn map(f: &File, path: &Path) -> Result<memmap2::Mmap, TxError> {
    // SAFETY: the mapping is read-only, and `TxStore::save` never modifies a file in place: it
    // renames new files over the old names, so a mapped inode keeps its contents. A truncation
    // by some other program is the only way to invalidate it, which the store documentation
    // forbids.
    unsafe { memmap2::Mmap::map(f) }.map_err(|e| TxError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrips_through_a_mapped_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.bin");
        let c = Column::from_slice(&[1u128, u128::MAX, 7]);
        c.write(&p).unwrap();
        let m = Column::<u128>::open(&p, 3).unwrap();
        assert_eq!(m.iter().collect::<Vec<_>>(), vec![1, u128::MAX, 7]);
        assert_eq!(m.get(9), 0);
        assert!(Column::<u128>::open(&p, 4).is_err());
    }
}
