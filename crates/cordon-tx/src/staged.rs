//! Replacing a store directory's files without disturbing readers of the old ones.
//!
//! A server maps the column files of the store it serves. Truncating one of them in place (what
//! `File::create` does) makes the server's next read of a mapped page past the new end a
//! SIGBUS. So a save writes every file under a temporary name, fsyncs it, and only then renames
//! them over the old names: a rename gives the name a new inode, and the old inode lives on,
//! unchanged, while it is mapped. The manifest is removed before the first rename and written
//! last, so a store opened while the files are being swapped is refused (no manifest) instead
//! of mixing old and new columns. If anything fails before the renames, the temporary files are
//! removed and the previous store is untouched.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::TxError;

/// The suffix of a file written but not yet renamed into place.
const STAGING_SUFFIX: &str = ".saving";

/// Files written under temporary names, renamed into place by [`Staged::commit`].
#[derive(Debug)]
pub(crate) struct Staged {
    dir: PathBuf,
    files: Vec<StagedFile>,
    committed: bool,
}

#[derive(Debug)]
struct StagedFile {
    tmp: PathBuf,
    target: PathBuf,
    synced: bool,
}

impl Staged {
    pub(crate) fn new(dir: &Path) -> Staged {
        Staged {
            dir: dir.to_owned(),
            files: Vec::new(),
            committed: false,
        }
    }

    /// The temporary name of the file `name`, for a caller that writes it over time (and
    /// may read it back before the commit); the commit fsyncs it. The same name gives the
    /// same path.
    pub(crate) fn stage(&mut self, name: &str) -> PathBuf {
        let target = self.dir.join(name);
        if let Some(f) = self.files.iter().find(|f| f.target == target) {
            return f.tmp.clone();
        }
        let tmp = self.dir.join(format!("{name}{STAGING_SUFFIX}"));
        self.files.push(StagedFile {
            tmp: tmp.clone(),
            target,
            synced: false,
        });
        tmp
    }

    /// Writes the file `name` under its temporary name with `write`, then fsyncs it.
    pub(crate) fn file(
        &mut self,
        name: &str,
        write: impl FnOnce(&Path) -> Result<(), TxError>,
    ) -> Result<(), TxError> {
        let tmp = self.stage(name);
        write(&tmp)?;
        sync(&tmp)?;
        if let Some(f) = self.files.iter_mut().find(|f| f.tmp == tmp) {
            f.synced = true;
        }
        Ok(())
    }

    /// Swaps the written files in, then writes the manifest `manifest_name` with `manifest`.
    pub(crate) fn commit(mut self, manifest_name: &str, manifest: &[u8]) -> Result<(), TxError> {
        for f in self.files.iter_mut().filter(|f| !f.synced) {
            sync(&f.tmp)?;
            f.synced = true;
        }
        let mpath = self.dir.join(manifest_name);
        let mtmp = self.stage(manifest_name);
        File::create(&mtmp)
            .and_then(|mut f| {
                f.write_all(manifest)?;
                f.sync_all()
            })
            .map_err(|e| TxError::io(&mtmp, e))?;
        match std::fs::remove_file(&mpath) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(TxError::io(&mpath, e)),
        }
        // From here on the directory holds no manifest until the last rename: a failure leaves
        // a directory that is refused, never one that mixes versions.
        self.committed = true;
        for f in &self.files {
            std::fs::rename(&f.tmp, &f.target).map_err(|e| TxError::io(&f.target, e))?;
        }
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| TxError::io(&self.dir, e))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            for f in &self.files {
                let _ = std::fs::remove_file(&f.tmp);
            }
        }
    }
}

fn sync(path: &Path) -> Result<(), TxError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| TxError::io(path, e))
}
