//! The request log: one row per API request, written off the hot path.
//!
//! Handlers hand rows to a bounded channel (no await, no database round trip); one task
//! writes them in batches — when a batch fills or every `flush_every`. If storage is down
//! the batch is kept and retried; past a cap the oldest rows are dropped and counted, so a
//! database outage cannot grow memory without bound.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::store::Store;

/// One API request as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLogEntry {
    pub id: Uuid,
    pub ts: OffsetDateTime,
    pub method: String,
    /// The route template (`/v1/jobs/{id}`), never a raw path with ids.
    pub route: Option<String>,
    pub path: String,
    pub status: u16,
    pub duration_us: u64,
    pub tenant_id: Option<String>,
    pub operator_id: Option<Uuid>,
    pub impersonated_by: Option<Uuid>,
    pub impersonation_id: Option<Uuid>,
    pub request_id: String,
    pub trace_id: String,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Filters for reading the request log back (newest first).
#[derive(Debug, Clone, Default)]
pub struct RequestLogQuery {
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub tenant_id: Option<String>,
    pub limit: u32,
}

/// Rows waiting in the channel before `record` starts dropping.
const CHANNEL_CAPACITY: usize = 16_384;
/// Rows kept for retry while storage is failing.
const RETRY_CAP: usize = 65_536;

/// Cheap to clone; `record` never blocks.
#[derive(Clone)]
pub struct RequestLogWriter {
    tx: mpsc::Sender<Command>,
    dropped: Arc<AtomicU64>,
}

enum Command {
    Record(Box<RequestLogEntry>),
    Flush(oneshot::Sender<()>),
}

/// The background writer; `shutdown` drains and writes what is buffered.
pub struct RequestLogTask {
    handle: JoinHandle<()>,
    stop: oneshot::Sender<()>,
}

impl RequestLogWriter {
    pub fn spawn(
        store: Arc<dyn Store>,
        batch_size: usize,
        flush_every: Duration,
    ) -> (Self, RequestLogTask) {
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let (stop_tx, stop_rx) = oneshot::channel();
        let dropped = Arc::new(AtomicU64::new(0));
        let worker = Batcher {
            store,
            batch_size: batch_size.max(1),
            pending: VecDeque::new(),
            dropped: dropped.clone(),
        };
        let handle = tokio::spawn(worker.run(rx, stop_rx, flush_every));
        (
            Self { tx, dropped },
            RequestLogTask {
                handle,
                stop: stop_tx,
            },
        )
    }

    /// Queues a row. When the queue is full the row is dropped and counted.
    pub fn record(&self, entry: RequestLogEntry) {
        if self.tx.try_send(Command::Record(Box::new(entry))).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Writes everything queued so far; returns once it is stored (or failed and kept).
    pub async fn flush(&self) {
        let (done_tx, done_rx) = oneshot::channel();
        if self.tx.send(Command::Flush(done_tx)).await.is_ok() {
            let _ = done_rx.await;
        }
    }

    /// Rows dropped because the queue or the retry buffer was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl RequestLogTask {
    /// Stops accepting rows, writes what is buffered, and waits for the writer.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        if let Err(err) = self.handle.await {
            tracing::error!(error = %err, "request log writer ended abnormally");
        }
    }
}

struct Batcher {
    store: Arc<dyn Store>,
    batch_size: usize,
    pending: VecDeque<RequestLogEntry>,
    dropped: Arc<AtomicU64>,
}

impl Batcher {
    async fn run(
        mut self,
        mut rx: mpsc::Receiver<Command>,
        mut stop: oneshot::Receiver<()>,
        flush_every: Duration,
    ) {
        let mut tick = tokio::time::interval(flush_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(cmd) => self.handle(cmd).await,
                    None => break,
                },
                _ = tick.tick() => self.write_pending().await,
                _ = &mut stop => {
                    rx.close();
                    while let Some(cmd) = rx.recv().await {
                        self.handle(cmd).await;
                    }
                    break;
                }
            }
        }
        self.write_pending().await;
        if !self.pending.is_empty() {
            tracing::warn!(
                rows = self.pending.len(),
                "request log rows not written at shutdown (storage unavailable)"
            );
        }
    }

    async fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::Record(entry) => {
                if self.pending.len() >= RETRY_CAP {
                    self.pending.pop_front();
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
                self.pending.push_back(*entry);
                if self.pending.len() >= self.batch_size {
                    self.write_pending().await;
                }
            }
            Command::Flush(done) => {
                self.write_pending().await;
                let _ = done.send(());
            }
        }
    }

    /// Writes pending rows in batches; on failure keeps them for the next tick.
    async fn write_pending(&mut self) {
        while !self.pending.is_empty() {
            let n = self.pending.len().min(self.batch_size);
            let batch: Vec<RequestLogEntry> = self.pending.iter().take(n).cloned().collect();
            match self.store.insert_request_logs(&batch).await {
                Ok(()) => {
                    self.pending.drain(..n);
                }
                Err(err) => {
                    tracing::warn!(
                        error = %err,
                        buffered = self.pending.len(),
                        "request log write failed; will retry"
                    );
                    return;
                }
            }
        }
    }
}
