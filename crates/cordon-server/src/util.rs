//! Small file helpers shared by the service's append-only files.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ServiceError;

/// The current time, RFC 3339 UTC with microseconds.
pub(crate) fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Microsecond)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Appends one JSON line with a single write (atomic for other appenders) and fsyncs it.
pub(crate) fn append_line<T: Serialize>(path: &Path, value: &T) -> Result<(), ServiceError> {
    let mut line = serde_json::to_vec(value).map_err(|e| ServiceError::io(path, e))?;
    line.push(b'\n');
    append_bytes(path, &line)
}

/// Opens one of the service's append-only files (created if missing), readable too so that a
/// torn tail can be found and cut.
pub(crate) fn open_append(path: &Path) -> Result<File, ServiceError> {
    OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(|e| ServiceError::io(path, e))
}

/// Appends bytes with one write and fsyncs, under the file's lock, after cutting an unfinished
/// last line that a crash left (see [`cut_unfinished_line`]).
pub(crate) fn append_bytes(path: &Path, bytes: &[u8]) -> Result<(), ServiceError> {
    let f = open_append(path)?;
    let _lock = FileLock::exclusive(&f, path)?;
    cut_unfinished_line(&f, path)?;
    (&f).write_all(bytes)
        .and_then(|()| f.sync_data())
        .map_err(|e| ServiceError::io(path, e))
}

/// An exclusive advisory lock on one of the service's files, held while a process appends to it
/// (the server and the CLI both write them). Released on drop.
pub(crate) struct FileLock<'a>(&'a File);

impl<'a> FileLock<'a> {
    pub(crate) fn exclusive(file: &'a File, path: &Path) -> Result<FileLock<'a>, ServiceError> {
        file.lock().map_err(|e| ServiceError::io(path, e))?;
        Ok(FileLock(file))
    }
}

impl Drop for FileLock<'_> {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Cuts the bytes after the last newline: a write a crash interrupted, which nobody was
/// acknowledged for. Appending after them would glue the next line to the fragment and make
/// both unreadable. Call with the file lock held; returns how many bytes were cut.
pub(crate) fn cut_unfinished_line(file: &File, path: &Path) -> Result<u64, ServiceError> {
    let io = |e| ServiceError::io(path, e);
    let len = file.metadata().map_err(io)?.len();
    let mut last = [0u8; 1];
    if len == 0 || (file.read_exact_at(&mut last, len - 1).is_ok() && last[0] == b'\n') {
        return Ok(0);
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut end = len;
    let keep = loop {
        let start = end.saturating_sub(buf.len() as u64);
        let chunk = buf.get_mut(..(end - start) as usize).unwrap_or_default();
        file.read_exact_at(chunk, start).map_err(io)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            break start + i as u64 + 1;
        }
        if start == 0 {
            break 0;
        }
        end = start;
    };
    tracing::warn!(
        file = %path.display(),
        bytes = len - keep,
        "cutting an unfinished line (a write interrupted by a crash; never acknowledged)"
    );
    file.set_len(keep)
        .and_then(|()| file.sync_data())
        .map_err(io)?;
    Ok(len - keep)
}

/// Reads the complete lines of a JSON-lines file from byte `offset`; returns the values with
/// their line numbers and the offset after the last complete line. A missing file is empty.
pub(crate) fn read_jsonl_from<T: DeserializeOwned>(
    path: &Path,
    offset: u64,
    first_line: u64,
) -> Result<(Vec<(u64, T)>, u64), ServiceError> {
    use std::io::{Seek, SeekFrom};
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(ServiceError::io(path, e)),
    };
    f.seek(SeekFrom::Start(offset))
        .map_err(|e| ServiceError::io(path, e))?;
    let mut r = BufReader::new(f);
    let mut out = Vec::new();
    let mut pos = offset;
    let mut line_no = first_line;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .map_err(|e| ServiceError::io(path, e))?;
        if n == 0 || buf.last() != Some(&b'\n') {
            break;
        }
        pos += n as u64;
        line_no += 1;
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let v = serde_json::from_slice(&buf).map_err(|e| ServiceError::Corrupt {
            path: path.display().to_string(),
            line: line_no,
            message: e.to_string(),
        })?;
        out.push((line_no, v));
    }
    Ok((out, pos))
}

/// Reads all complete lines of a JSON-lines file.
pub(crate) fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<(u64, T)>, ServiceError> {
    read_jsonl_from(path, 0, 0).map(|(v, _)| v)
}

/// Writes a file atomically (temporary file, fsync, rename).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ServiceError> {
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp).map_err(|e| ServiceError::io(&tmp, e))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| ServiceError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| ServiceError::io(path, e))
}
