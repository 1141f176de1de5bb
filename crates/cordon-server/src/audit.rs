//! The audit trail: one JSON line per screening request, hash-chained, fsync'd before the
//! answer leaves the server.
//!
//! Each line is a JSON object whose last member is `"hash"`. The hash is the sha256 of the
//! line's *body*, the same bytes with `,"hash":"…"` removed, and the body carries `seq` (1, 2, …)
//! and `prev`, the previous line's hash (64 zeros for the first). Editing, removing or
//! reordering any line therefore breaks the chain at that line. Only the server appends; a
//! reader (`cordon audit export`) reads complete lines only, so it is safe while the server
//! runs. A line without its final newline is a write the crash interrupted: it was never
//! acknowledged (the answer waits for the fsync), so opening the log cuts it off.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ServiceError;
use crate::journal::{GroupCommit, GroupWrite};
use crate::util::FileLock;

/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The length of the suffix `,"hash":"<64 hex>"}`.
const HASH_SUFFIX_LEN: usize = 9 + 64 + 2;

/// A list version a screening used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRef {
    /// The store's version number of the source.
    pub version: u32,
    /// The version's content hash (sha256 over its files).
    pub sha256: String,
}

/// The list versions a record names: each source's version and content hash.
pub fn list_refs(
    sources: &[cordon_store::SourceVersion],
) -> std::collections::BTreeMap<String, ListRef> {
    sources
        .iter()
        .map(|s| {
            (
                s.source.clone(),
                ListRef {
                    version: s.version,
                    sha256: s.content_hash.clone(),
                },
            )
        })
        .collect()
}

/// What a request adds to the audit trail (the writer adds `seq`, `prev` and `hash`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When the request was screened (RFC 3339, UTC).
    pub time: String,
    /// The request id (also in the logs and the `x-request-id` header).
    pub request_id: String,
    /// The API key's name (`anonymous` when access control is off).
    pub key: String,
    /// `match`, `search`, `address`, `subjects`.
    pub endpoint: String,
    /// The dataset path segment, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// List versions in effect.
    pub lists: std::collections::BTreeMap<String, ListRef>,
    /// The request as understood (queries, parameters).
    pub query: serde_json::Value,
    /// What was answered: per query, each result's id, score, match flag and entity hash.
    pub results: serde_json::Value,
}

/// An [`AuditEntry`] to append with the request's parts borrowed: the service serialises its
/// answers into the trail without copying them into an [`AuditEntry`] first. The members and
/// their order are [`AuditEntry`]'s, which reads the line back.
#[derive(Debug, Serialize)]
pub(crate) struct NewEntry<'a, Q, R> {
    pub(crate) time: String,
    pub(crate) request_id: &'a str,
    pub(crate) key: &'a str,
    pub(crate) endpoint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) dataset: Option<&'a str>,
    pub(crate) lists: &'a std::collections::BTreeMap<String, ListRef>,
    pub(crate) query: Q,
    pub(crate) results: R,
}

/// The JSON object of a new entry, for [`AuditLog::append_payload`].
pub(crate) fn entry_payload<Q: Serialize, R: Serialize>(
    e: &NewEntry<'_, Q, R>,
) -> Result<String, serde_json::Error> {
    serde_json::to_string(e)
}

/// One verified line of the audit trail.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// The previous record's hash.
    pub prev: String,
    /// The entry.
    #[serde(flatten)]
    pub entry: AuditEntry,
}

/// The append side of the audit trail: a writer thread that groups the pending records of
/// concurrent requests into one write and one fsync, then acknowledges each (group commit).
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
    writer: GroupCommit,
}

impl AuditLog {
    /// Opens (or creates) the log, cuts a torn last line, checks the last record's own hash
    /// and starts the writer thread.
    pub fn open(path: &Path) -> Result<AuditLog, ServiceError> {
        Ok(AuditLog {
            path: path.to_owned(),
            writer: GroupCommit::start("audit-writer", path, ChainedFile::open(path)?)?,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends an entry and waits until it is on disk; returns its `seq`.
    pub async fn append(&self, entry: &AuditEntry) -> Result<u64, ServiceError> {
        let payload = serde_json::to_string(entry)
            .map_err(|e| ServiceError::AuditUnavailable(e.to_string()))?;
        self.append_payload(payload).await
    }

    /// Appends an entry already serialised as a JSON object (see [`entry_payload`]).
    pub(crate) async fn append_payload(&self, payload: String) -> Result<u64, ServiceError> {
        self.writer
            .append(payload)
            .await
            .map_err(ServiceError::AuditUnavailable)
    }

    /// Whether a write has failed (the service then answers no screening).
    pub fn failure(&self) -> Option<String> {
        self.writer.failure()
    }

    /// Records written and fsync groups since start.
    pub fn counts(&self) -> (u64, u64) {
        self.writer.counts()
    }
}

/// Where the chain ends: the last record's `seq` and hash, and the file's length after it.
struct Chain {
    seq: u64,
    prev: String,
    len: u64,
}

impl Chain {
    /// Continues the chain after records another process (`cordon decide`) appended since this
    /// writer's last write; called with the file lock held.
    fn resync(&mut self, file: &File, path: &Path) -> Result<(), ServiceError> {
        let len = file
            .metadata()
            .map_err(|e| ServiceError::io(path, e))?
            .len();
        if len != self.len {
            let (seq, prev) = recover_tail(path, file)?;
            self.seq = seq;
            self.prev = prev;
            self.len = file
                .metadata()
                .map_err(|e| ServiceError::io(path, e))?
                .len();
        }
        Ok(())
    }
}

/// The audit trail as the group-commit writer sees it: each group is chained after the last
/// record on disk and written under the file lock.
struct ChainedFile {
    file: File,
    path: PathBuf,
    chain: Chain,
    buf: Vec<u8>,
}

impl ChainedFile {
    /// Opens (or creates) the trail, cuts a torn last line and checks the last record's own
    /// hash: the chain continues from there.
    fn open(path: &Path) -> Result<ChainedFile, ServiceError> {
        let file = crate::util::open_append(path)?;
        let (seq, prev, len) = {
            // `cordon decide` may be appending at this moment.
            let _lock = FileLock::exclusive(&file, path)?;
            let (seq, prev) = recover_tail(path, &file)?;
            let len = file
                .metadata()
                .map_err(|e| ServiceError::io(path, e))?
                .len();
            (seq, prev, len)
        };
        if let Some(dir) = path.parent()
            && let Ok(d) = File::open(dir)
        {
            // Make the file's creation itself durable.
            let _ = d.sync_all();
        }
        Ok(ChainedFile {
            file,
            path: path.to_owned(),
            chain: Chain { seq, prev, len },
            buf: Vec::with_capacity(1 << 20),
        })
    }
}

impl GroupWrite for ChainedFile {
    /// Chains a group after the last record on disk and writes it with one `write` and one
    /// `fdatasync`, under the file lock; returns each record's `seq`. On an error the chain is
    /// left as it was (and the writer stops).
    fn write_group(&mut self, payloads: &[String]) -> Result<Vec<u64>, ServiceError> {
        let (file, path) = (&self.file, self.path.as_path());
        let _lock = FileLock::exclusive(file, path)?;
        self.chain.resync(file, path)?;
        self.buf.clear();
        let (mut seq, mut prev) = (self.chain.seq, self.chain.prev.clone());
        let mut seqs = Vec::with_capacity(payloads.len());
        for p in payloads {
            seq += 1;
            let (line, hash) = chain_line(seq, &prev, p);
            prev = hash;
            self.buf.extend_from_slice(line.as_bytes());
            self.buf.push(b'\n');
            seqs.push(seq);
        }
        let mut out = file;
        out.write_all(&self.buf)
            .and_then(|()| file.sync_data())
            .map_err(|e| ServiceError::io(path, e))?;
        self.chain.seq = seq;
        self.chain.prev = prev;
        self.chain.len += self.buf.len() as u64;
        Ok(seqs)
    }
}

/// Appends one record from a process other than the server (`cordon decide`), safely while
/// the server runs: under the trail's file lock, after the last complete record, whoever
/// wrote it. Returns its `seq`.
pub(crate) fn append_locked(path: &Path, payload: &str) -> Result<u64, ServiceError> {
    let mut seqs = ChainedFile::open(path)?.write_group(&[payload.to_owned()])?;
    seqs.pop()
        .ok_or_else(|| ServiceError::AuditUnavailable("a record was not written".into()))
}

/// What a record made by another process (`cordon screen`, `cordon applicants screen`)
/// names besides its query and results.
#[derive(Debug, Clone, Copy)]
pub struct CliRecord<'a> {
    /// The list versions screened against.
    pub lists: &'a std::collections::BTreeMap<String, ListRef>,
    /// Who asked (`cli:$USER`).
    pub key: &'a str,
    /// `cli.screen`, `cli.screen.batch` …
    pub endpoint: &'a str,
}

/// The audit trail as a process other than the server appends to it, one record at a time,
/// each on disk before the call returns. The chain's head is kept between appends (a batch's
/// record is ~700 kB: reading it back before every append was the writer's largest cost);
/// opening checks the last record's own hash, as the server does, and an append after a
/// record another process wrote (the server, `cordon decide`) reads that record's head
/// first. Safe while the server runs: every append is under the trail's file lock.
pub struct CliAppender {
    sink: ChainedFile,
}

impl std::fmt::Debug for CliAppender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CliAppender")
            .field("path", &self.sink.path)
            .field("seq", &self.sink.chain.seq)
            .finish()
    }
}

impl CliAppender {
    /// Opens (or creates) the trail, cutting a torn last line (a write a crash interrupted).
    pub fn open(path: &Path) -> Result<CliAppender, ServiceError> {
        Ok(CliAppender {
            sink: ChainedFile::open(path)?,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.sink.path
    }

    /// Appends the record of a screening and waits until it is on disk. `results` holds per
    /// query its `subject` key and each result's `id`, `score`, `match` and `entity_hash`, as
    /// the service records a `/match` query, so that `cordon decide` and `/audit?subject=`
    /// find it. Returns its `seq`.
    pub fn append<Q: Serialize, R: Serialize>(
        &mut self,
        rec: &CliRecord<'_>,
        query: Q,
        results: R,
    ) -> Result<u64, ServiceError> {
        let payload = self.payload(rec, query, results)?;
        self.append_payload(payload)
    }

    /// [`CliAppender::append`] with `results` already serialised (a JSON value, written as it
    /// is): a batch's workers serialise each line's part of the record in parallel, and the
    /// writer only joins them. The caller vouches that `results` is one JSON value; `cordon
    /// audit verify` reads every record back whole.
    pub fn append_raw<Q: Serialize>(
        &mut self,
        rec: &CliRecord<'_>,
        query: Q,
        results: &str,
    ) -> Result<u64, ServiceError> {
        let head = self.payload(rec, query, ())?;
        // `results` is the entry's last member: its placeholder is the end of the object.
        let head = head.strip_suffix("null}").ok_or_else(|| {
            ServiceError::AuditUnavailable("an audit entry does not end with its results".into())
        })?;
        let mut payload = String::with_capacity(head.len() + results.len() + 1);
        payload.push_str(head);
        payload.push_str(results);
        payload.push('}');
        self.append_payload(payload)
    }

    /// The JSON object of a record, not yet chained.
    fn payload<Q: Serialize, R: Serialize>(
        &self,
        rec: &CliRecord<'_>,
        query: Q,
        results: R,
    ) -> Result<String, ServiceError> {
        entry_payload(&NewEntry {
            time: crate::util::now(),
            request_id: &format!("cli-{}", std::process::id()),
            key: rec.key,
            endpoint: rec.endpoint,
            dataset: None,
            lists: rec.lists,
            query,
            results,
        })
        .map_err(|e| ServiceError::io(&self.sink.path, e))
    }

    fn append_payload(&mut self, payload: String) -> Result<u64, ServiceError> {
        let mut seqs = self.sink.write_group(&[payload])?;
        seqs.pop()
            .ok_or_else(|| ServiceError::AuditUnavailable("a record was not written".into()))
    }
}

/// Builds one chained line from an entry's JSON object; returns the line and its hash.
fn chain_line(seq: u64, prev: &str, payload: &str) -> (String, String) {
    let inner = payload.strip_prefix('{').unwrap_or(payload);
    let sep = if inner.starts_with('}') { "" } else { "," };
    let body = format!("{{\"seq\":{seq},\"prev\":\"{prev}\"{sep}{inner}");
    let hash = hex::encode(Sha256::digest(body.as_bytes()));
    let mut line = body;
    line.pop();
    line.push_str(",\"hash\":\"");
    line.push_str(&hash);
    line.push_str("\"}");
    (line, hash)
}

/// Splits a line into its body and the hash it claims; `None` if it has no hash suffix.
fn split_line(line: &str) -> Option<(String, &str)> {
    if line.len() < HASH_SUFFIX_LEN + 2 {
        return None;
    }
    let cut = line.len() - HASH_SUFFIX_LEN;
    let (head, tail) = (line.get(..cut)?, line.get(cut..)?);
    let hash = tail.strip_prefix(",\"hash\":\"")?.strip_suffix("\"}")?;
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((format!("{head}}}"), hash))
}

/// A line's body (the line without its hash member) once its hash is checked, and the hash.
fn hashed_body(line: &str) -> Result<(String, String), String> {
    let (body, claimed) = split_line(line).ok_or("no hash at the end of the line")?;
    let actual = hex::encode(Sha256::digest(body.as_bytes()));
    if actual != claimed {
        return Err(format!(
            "the record's hash {claimed} does not match its content ({actual})"
        ));
    }
    Ok((body, actual))
}

/// Checks one line on its own: its hash matches its body, and the body is a record.
fn check_line(line: &str) -> Result<(AuditRecord, String), String> {
    let (body, hash) = hashed_body(line)?;
    let rec: AuditRecord =
        serde_json::from_str(&body).map_err(|e| format!("not an audit record: {e}"))?;
    Ok((rec, hash))
}

/// What appending after a line needs of it: its `seq` and hash, once the hash is checked. The
/// entry is not built (a batch's record can hold megabytes); `verify` reads it whole.
fn check_line_head(line: &str) -> Result<(u64, String), String> {
    #[derive(Deserialize)]
    struct Head {
        seq: u64,
    }
    let (body, hash) = hashed_body(line)?;
    let head: Head =
        serde_json::from_str(&body).map_err(|e| format!("not an audit record: {e}"))?;
    Ok((head.seq, hash))
}

fn recover_tail(path: &Path, file: &File) -> Result<(u64, String), ServiceError> {
    let mut file = file;
    let len = file
        .seek(SeekFrom::End(0))
        .map_err(|e| ServiceError::io(path, e))?;
    if len == 0 {
        return Ok((0, GENESIS.to_owned()));
    }
    // Read back far enough to hold the last complete line.
    let mut window: u64 = 1 << 16;
    loop {
        let start = len.saturating_sub(window);
        file.seek(SeekFrom::Start(start))
            .map_err(|e| ServiceError::io(path, e))?;
        let mut tail = Vec::new();
        file.take(len - start)
            .read_to_end(&mut tail)
            .map_err(|e| ServiceError::io(path, e))?;
        let complete_end = tail.iter().rposition(|&b| b == b'\n').map(|i| i + 1);
        let Some(end) = complete_end else {
            if start == 0 {
                // Only a torn first line.
                truncate(path, file, 0)?;
                return Ok((0, GENESIS.to_owned()));
            }
            window *= 4;
            continue;
        };
        if (end as u64) < (len - start) {
            let keep = start + end as u64;
            tracing::warn!(
                file = %path.display(),
                bytes = len - keep,
                "cutting an unfinished audit line (a write interrupted by a crash; never acknowledged)"
            );
            truncate(path, file, keep)?;
        }
        let body = tail.get(..end.saturating_sub(1)).unwrap_or_default();
        let line_start = body.iter().rposition(|&b| b == b'\n').map(|i| i + 1);
        let Some(ls) = line_start.or(if start == 0 { Some(0) } else { None }) else {
            window *= 4;
            continue;
        };
        let last = std::str::from_utf8(body.get(ls..).unwrap_or_default()).map_err(|_| {
            ServiceError::AuditTampered {
                path: path.display().to_string(),
                line: 0,
                message: "the last record is not UTF-8".into(),
            }
        })?;
        let (seq, hash) = check_line_head(last).map_err(|m| ServiceError::AuditTampered {
            path: path.display().to_string(),
            line: 0,
            message: format!("last record: {m}"),
        })?;
        return Ok((seq, hash));
    }
}

fn truncate(path: &Path, file: &File, len: u64) -> Result<(), ServiceError> {
    let mut file = file;
    file.set_len(len)
        .and_then(|()| file.sync_data())
        .map_err(|e| ServiceError::io(path, e))?;
    file.seek(SeekFrom::End(0))
        .map_err(|e| ServiceError::io(path, e))?;
    Ok(())
}

/// The result of verifying a whole audit trail.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Records checked.
    pub records: u64,
    /// The last record's hash (the chain head; keep it elsewhere to detect truncation).
    pub head: String,
    /// Bytes after the last newline (an unfinished write), ignored.
    pub torn_bytes: u64,
}

/// Reads the complete lines of an audit trail, verifying the chain, and calls `f` with each
/// record and its raw line. Stops at the first line that does not verify.
pub fn read_verified(
    path: &Path,
    mut f: impl FnMut(&AuditRecord, &str) -> Result<(), ServiceError>,
) -> Result<Verification, ServiceError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Verification {
                records: 0,
                head: GENESIS.into(),
                torn_bytes: 0,
            });
        }
        Err(e) => return Err(ServiceError::io(path, e)),
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut prev = GENESIS.to_owned();
    let mut expect = 1u64;
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    let tampered = |line: u64, message: String| ServiceError::AuditTampered {
        path: path.display().to_string(),
        line,
        message,
    };
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| ServiceError::io(path, e))?;
        if n == 0 {
            break;
        }
        if buf.last() != Some(&b'\n') {
            return Ok(Verification {
                records: expect - 1,
                head: prev,
                torn_bytes: n as u64,
            });
        }
        line_no += 1;
        buf.pop();
        let line =
            std::str::from_utf8(&buf).map_err(|e| tampered(line_no, format!("not UTF-8: {e}")))?;
        let (rec, hash) = check_line(line).map_err(|m| tampered(line_no, m))?;
        if rec.seq != expect {
            return Err(tampered(
                line_no,
                format!(
                    "sequence {} where {expect} was expected (a record was removed or moved)",
                    rec.seq
                ),
            ));
        }
        if rec.prev != prev {
            return Err(tampered(
                line_no,
                "prev does not match the previous record's hash (a record was removed, moved or edited)".into(),
            ));
        }
        f(&rec, line)?;
        prev = hash;
        expect += 1;
    }
    Ok(Verification {
        records: expect - 1,
        head: prev,
        torn_bytes: 0,
    })
}

/// Calls `f` with each record in the last `max_bytes` of the trail whose own hash verifies,
/// oldest first, without verifying the chain (start-up uses it to find what a crash may have
/// interrupted; `read_verified` is the check of the whole chain).
pub(crate) fn tail_records(
    path: &Path,
    max_bytes: u64,
    mut f: impl FnMut(AuditRecord),
) -> Result<(), ServiceError> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(ServiceError::io(path, e)),
    };
    let len = file
        .seek(SeekFrom::End(0))
        .map_err(|e| ServiceError::io(path, e))?;
    let start = len.saturating_sub(max_bytes);
    file.seek(SeekFrom::Start(start))
        .map_err(|e| ServiceError::io(path, e))?;
    let mut reader = BufReader::new(file);
    let mut buf = Vec::new();
    let mut first = start > 0;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| ServiceError::io(path, e))?;
        if n == 0 || buf.last() != Some(&b'\n') {
            return Ok(());
        }
        if std::mem::take(&mut first) {
            continue; // the window starts inside a line
        }
        buf.pop();
        if let Ok(line) = std::str::from_utf8(&buf)
            && let Ok((rec, _)) = check_line(line)
        {
            f(rec);
        }
    }
}

/// Parses an RFC 3339 time or a date (`2026-11-25`, taken as midnight UTC).
pub fn parse_since(s: &str) -> Result<jiff::Timestamp, ServiceError> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    s.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            ServiceError::Invalid(format!(
                "cannot read time {s:?} (expected e.g. 2026-11-25 or 2026-11-25T08:00:00Z)"
            ))
        })
}

/// Whether a record's time is at or after `since`.
fn at_or_after(rec: &AuditRecord, since: Option<jiff::Timestamp>) -> bool {
    match since {
        None => true,
        Some(t) => rec
            .entry
            .time
            .parse::<jiff::Timestamp>()
            .is_ok_and(|rt| rt >= t),
    }
}

/// The subject keys a record is about: the queries of a screening (`/match`, `/search`), the
/// addresses of `/screen/address`, the applicants of `/applicants/screen`, the subjects
/// registered for monitoring, the subject of a decision.
pub fn subjects_of(rec: &AuditRecord) -> impl Iterator<Item = &str> {
    let decision = rec.entry.query.get("subject");
    let answered: Box<dyn Iterator<Item = &serde_json::Value>> = match &rec.entry.results {
        serde_json::Value::Object(m) => match m.get("applicants") {
            Some(serde_json::Value::Array(a)) => Box::new(a.iter()),
            _ => Box::new(m.values()),
        },
        serde_json::Value::Array(a) => Box::new(a.iter()),
        _ => Box::new(std::iter::empty()),
    };
    decision
        .into_iter()
        .chain(answered.filter_map(|v| v.get("subject")))
        .filter_map(serde_json::Value::as_str)
}

/// Which records an export keeps; the whole chain is verified whatever it keeps.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Records at or after this time.
    pub since: Option<jiff::Timestamp>,
    /// Records about this subject key (screenings, registrations and decisions).
    pub subject: Option<String>,
}

impl ExportFilter {
    fn keeps(&self, rec: &AuditRecord, line: &str) -> bool {
        at_or_after(rec, self.since)
            && self.subject.as_deref().is_none_or(|s| {
                // Most records do not name the subject at all: a substring test rules them out
                // before their members are looked at.
                line.contains(s) && subjects_of(rec).any(|x| x == s)
            })
    }
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The verified lines as they are stored.
    Jsonl,
    /// One row per record: seq, time, key, endpoint, dataset, lists, query, results, hash.
    Csv,
}

/// Writes the records `filter` keeps to `out`, verifying the whole chain up to them. Returns
/// the verification; on a broken chain the export stops with an error at that line.
pub fn export(
    path: &Path,
    filter: &ExportFilter,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<Verification, ServiceError> {
    let io = |e: std::io::Error| ServiceError::Io {
        path: "<output>".into(),
        message: e.to_string(),
    };
    let csv_err = |e: csv::Error| ServiceError::Io {
        path: "<output>".into(),
        message: e.to_string(),
    };
    if format == ExportFormat::Jsonl {
        return read_verified(path, |rec, line| {
            if filter.keeps(rec, line) {
                out.write_all(line.as_bytes()).map_err(io)?;
                out.write_all(b"\n").map_err(io)?;
            }
            Ok(())
        });
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "seq",
        "time",
        "request_id",
        "key",
        "endpoint",
        "dataset",
        "lists",
        "query",
        "results",
        "prev",
        "hash",
    ])
    .map_err(csv_err)?;
    let v = read_verified(path, |rec, line| {
        if !filter.keeps(rec, line) {
            return Ok(());
        }
        let lists = rec
            .entry
            .lists
            .iter()
            .map(|(k, v)| format!("{k}@{}", v.version))
            .collect::<Vec<_>>()
            .join(" ");
        let hash = split_line(line)
            .map(|(_, h)| h.to_owned())
            .unwrap_or_default();
        w.write_record([
            rec.seq.to_string(),
            rec.entry.time.clone(),
            rec.entry.request_id.clone(),
            rec.entry.key.clone(),
            rec.entry.endpoint.clone(),
            rec.entry.dataset.clone().unwrap_or_default(),
            lists,
            rec.entry.query.to_string(),
            rec.entry.results.to_string(),
            rec.prev.clone(),
            hash,
        ])
        .map_err(csv_err)
    })?;
    w.flush().map_err(io)?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_line_splits_back_to_its_body() {
        let (line, hash) = chain_line(1, GENESIS, r#"{"a":1}"#);
        let (body, h) = split_line(&line).unwrap();
        assert_eq!(h, hash);
        assert_eq!(body, format!(r#"{{"seq":1,"prev":"{GENESIS}","a":1}}"#));
    }

    fn cli_record(lists: &std::collections::BTreeMap<String, ListRef>) -> CliRecord<'_> {
        CliRecord {
            lists,
            key: "k",
            endpoint: "e",
        }
    }

    #[test]
    fn raw_results_make_the_record_serialised_results_make() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (raw, typed) = (dir.path().join("raw.jsonl"), dir.path().join("typed.jsonl"));
        let lists = list_refs(&[]);
        let rec = cli_record(&lists);
        let results =
            serde_json::json!([{"line": 1, "subject": "s", "results": [["e", 0.5, false, "h"]]}]);
        CliAppender::open(&raw)
            .and_then(|mut a| a.append_raw(&rec, serde_json::json!({"a": 1}), &results.to_string()))
            .expect("raw append");
        CliAppender::open(&typed)
            .and_then(|mut a| a.append(&rec, serde_json::json!({"a": 1}), &results))
            .expect("typed append");
        let entry = |p: &Path| {
            let text = std::fs::read_to_string(p).expect("read");
            let (rec, _) = check_line(text.trim_end()).expect("a valid record");
            (rec.entry.query, rec.entry.results, rec.entry.endpoint)
        };
        assert_eq!(entry(&raw), entry(&typed));
    }

    /// Verifies the whole trail; the line where it breaks, if it does.
    fn broken_at(path: &Path) -> Option<u64> {
        match read_verified(path, |_, _| Ok(())) {
            Ok(_) => None,
            Err(ServiceError::AuditTampered { line, .. }) => Some(line),
            Err(e) => panic!("not a verification error: {e}"),
        }
    }

    #[test]
    fn regression_a_run_s_appends_chain_verifies_and_a_tampered_middle_record_breaks_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.jsonl");
        let lists = list_refs(&[]);
        let rec = cli_record(&lists);
        let mut a = CliAppender::open(&path).expect("open");
        let seqs: Vec<u64> = (0..4)
            .map(|i| {
                a.append_raw(&rec, serde_json::json!({"chunk": i}), &format!("[{i}]"))
                    .expect("append")
            })
            .collect();
        assert_eq!(seqs, [1, 2, 3, 4]);
        let v = read_verified(&path, |_, _| Ok(())).expect("the chain verifies");
        assert_eq!((v.records, v.torn_bytes), (4, 0));
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, text.replacen("\"chunk\":1", "\"chunk\":7", 1)).expect("write");
        assert_eq!(broken_at(&path), Some(2));
    }

    #[test]
    fn regression_an_append_after_another_process_s_record_chains_after_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.jsonl");
        let lists = list_refs(&[]);
        let rec = cli_record(&lists);
        let mut a = CliAppender::open(&path).expect("open");
        a.append(&rec, "first", "r").expect("append");
        // Another process (the server, `cordon decide`, a second `cordon screen`) appends
        // between two of this run's appends.
        let mut other = CliAppender::open(&path).expect("open");
        assert_eq!(other.append(&rec, "second", "r").expect("append"), 2);
        assert_eq!(a.append(&rec, "third", "r").expect("append"), 3);
        assert_eq!(broken_at(&path), None);
    }

    #[test]
    fn regression_a_record_torn_by_a_crash_is_cut_when_the_trail_is_opened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.jsonl");
        let lists = list_refs(&[]);
        let rec = cli_record(&lists);
        CliAppender::open(&path)
            .and_then(|mut a| a.append(&rec, "q", "r"))
            .expect("append");
        let mut f = crate::util::open_append(&path).expect("open");
        f.write_all(br#"{"seq":2,"prev":"#).expect("torn write");
        assert_eq!(
            read_verified(&path, |_, _| Ok(()))
                .expect("verifies")
                .records,
            1
        );
        let mut a = CliAppender::open(&path).expect("open");
        assert_eq!(a.append(&rec, "q", "r").expect("append"), 2);
        let v = read_verified(&path, |_, _| Ok(())).expect("verifies");
        assert_eq!((v.records, v.torn_bytes), (2, 0));
    }

    #[test]
    fn split_line_rejects_short_and_unhashed_lines() {
        assert!(split_line("{}").is_none());
        assert!(split_line(&format!("{{\"x\":\"{}\"}}", "a".repeat(100))).is_none());
    }
}
