//! Group commit for the service's append-only files: one writer thread takes every line that
//! concurrent requests have waiting, writes them with one `write` and one `fdatasync`, then
//! acknowledges each. A request awaits its acknowledgement before it answers, so what it was
//! answered is on disk, and a burst of requests costs one fsync instead of one each.
//!
//! After a failed write the writer refuses everything that follows: a file that may end in a
//! partial group gets nothing appended after it.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use crate::error::ServiceError;
use crate::util::{FileLock, cut_unfinished_line};

/// Most lines written with one fsync.
const MAX_GROUP: usize = 4096;

/// How a group of lines goes to disk; returns one number per line (the audit trail's `seq`).
pub(crate) trait GroupWrite: Send + 'static {
    fn write_group(&mut self, lines: &[String]) -> Result<Vec<u64>, ServiceError>;
}

struct Pending {
    line: String,
    reply: tokio::sync::oneshot::Sender<Result<u64, String>>,
}

#[derive(Debug, Default)]
struct WriterState {
    failed: Option<String>,
    records: u64,
    groups: u64,
}

/// The sending side of a writer thread; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct GroupCommit {
    tx: mpsc::Sender<Pending>,
    state: Arc<Mutex<WriterState>>,
}

impl GroupCommit {
    /// Starts the writer thread.
    pub(crate) fn start(
        name: &str,
        path: &Path,
        mut sink: impl GroupWrite,
    ) -> Result<GroupCommit, ServiceError> {
        let (tx, rx) = mpsc::channel::<Pending>();
        let state = Arc::new(Mutex::new(WriterState::default()));
        let st = Arc::clone(&state);
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || run(&mut sink, &rx, &st))
            .map_err(|e| ServiceError::io(path, e))?;
        Ok(GroupCommit { tx, state })
    }

    /// Queues a line and waits until it is on disk; the error is the write's.
    pub(crate) async fn append(&self, line: String) -> Result<u64, String> {
        let (reply, rx) = tokio::sync::oneshot::channel();
        self.tx
            .send(Pending { line, reply })
            .map_err(|_| "the writer has stopped".to_owned())?;
        rx.await
            .unwrap_or_else(|_| Err("the writer has stopped".into()))
    }

    /// [`GroupCommit::append`] from a thread that may block (not a runtime worker).
    pub(crate) fn append_blocking(&self, line: String) -> Result<u64, String> {
        let (reply, rx) = tokio::sync::oneshot::channel();
        self.tx
            .send(Pending { line, reply })
            .map_err(|_| "the writer has stopped".to_owned())?;
        rx.blocking_recv()
            .unwrap_or_else(|_| Err("the writer has stopped".into()))
    }

    /// The failed write that stopped the writer, if one did.
    pub(crate) fn failure(&self) -> Option<String> {
        self.state.lock().ok().and_then(|s| s.failed.clone())
    }

    /// Lines written and fsync groups since start.
    pub(crate) fn counts(&self) -> (u64, u64) {
        self.state
            .lock()
            .map(|s| (s.records, s.groups))
            .unwrap_or_default()
    }
}

fn run(sink: &mut impl GroupWrite, rx: &mpsc::Receiver<Pending>, state: &Mutex<WriterState>) {
    let mut lines: Vec<String> = Vec::new();
    let mut replies = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        while let Some(p) = next.take() {
            lines.push(p.line);
            replies.push(p.reply);
            if lines.len() < MAX_GROUP {
                next = rx.try_recv().ok();
            }
        }
        let failed = state.lock().ok().and_then(|s| s.failed.clone());
        let result = match failed {
            Some(f) => Err(f),
            None => sink.write_group(&lines).map_err(|e| {
                let msg = e.to_string();
                tracing::error!(error = %msg, "a service file cannot be written; its writer stops");
                if let Ok(mut s) = state.lock() {
                    s.failed = Some(msg.clone());
                }
                msg
            }),
        };
        match result {
            Ok(numbers) => {
                if let Ok(mut s) = state.lock() {
                    s.records += lines.len() as u64;
                    s.groups += 1;
                }
                for (r, n) in replies.drain(..).zip(numbers) {
                    let _ = r.send(Ok(n));
                }
            }
            Err(msg) => {
                for r in replies.drain(..) {
                    let _ = r.send(Err(msg.clone()));
                }
            }
        }
        lines.clear();
    }
}

/// Plain JSON lines (no chain): each line is numbered by its position in the file.
pub(crate) struct Lines {
    file: File,
    path: PathBuf,
    buf: Vec<u8>,
}

impl Lines {
    /// Opens a file for appending (created if missing).
    pub(crate) fn open(path: &Path) -> Result<Lines, ServiceError> {
        let file = crate::util::open_append(path)?;
        Ok(Lines {
            file,
            path: path.to_owned(),
            buf: Vec::new(),
        })
    }
}

impl GroupWrite for Lines {
    fn write_group(&mut self, lines: &[String]) -> Result<Vec<u64>, ServiceError> {
        self.buf.clear();
        for l in lines {
            self.buf.extend_from_slice(l.as_bytes());
            self.buf.push(b'\n');
        }
        // Under the lock that the CLI's appends take, after any fragment a crash left; one
        // write: with O_APPEND it lands whole after whatever another process appended.
        let _lock = FileLock::exclusive(&self.file, &self.path)?;
        cut_unfinished_line(&self.file, &self.path)?;
        (&self.file)
            .write_all(&self.buf)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| ServiceError::io(&self.path, e))?;
        Ok(vec![0; lines.len()])
    }
}
