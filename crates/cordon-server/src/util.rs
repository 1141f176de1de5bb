//! Small file helpers shared by the service's append-only files.

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
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

/// Appends bytes with one write and fsyncs.
pub(crate) fn append_bytes(path: &Path, bytes: &[u8]) -> Result<(), ServiceError> {
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| ServiceError::io(path, e))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_data())
        .map_err(|e| ServiceError::io(path, e))
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
