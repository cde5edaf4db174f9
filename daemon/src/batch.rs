//! Writing rows off the request path, in batches: callers hand items to a bounded channel
//! (no await, no database round trip); one task writes them when a batch fills or every
//! `flush_every`. If storage is down the batch is kept and retried; past a cap the oldest
//! items are dropped and counted, so an outage cannot grow memory without bound.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::store::StoreError;

/// Items waiting in the channel before `record` starts dropping.
const CHANNEL_CAPACITY: usize = 16_384;
/// Items kept for retry while storage is failing.
const RETRY_CAP: usize = 65_536;

/// Where a batch goes.
#[async_trait]
pub trait BatchSink<T>: Send + Sync + 'static {
    /// What the items are called in log lines.
    fn name(&self) -> &'static str;
    async fn write(&self, batch: &[T]) -> Result<(), StoreError>;
}

/// Cheap to clone; `record` never blocks.
pub struct BatchWriter<T> {
    tx: mpsc::Sender<Command<T>>,
    dropped: Arc<AtomicU64>,
}

impl<T> Clone for BatchWriter<T> {
    fn clone(&self) -> Self {
        Self {
            tx: self.tx.clone(),
            dropped: self.dropped.clone(),
        }
    }
}

enum Command<T> {
    Record(Box<T>),
    Flush(oneshot::Sender<()>),
}

/// The background writer; `shutdown` drains and writes what is buffered.
pub struct BatchTask {
    handle: JoinHandle<()>,
    stop: oneshot::Sender<()>,
}

impl<T: Clone + Send + Sync + 'static> BatchWriter<T> {
    pub fn spawn(
        sink: Arc<dyn BatchSink<T>>,
        batch_size: usize,
        flush_every: Duration,
    ) -> (Self, BatchTask) {
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let (stop_tx, stop_rx) = oneshot::channel();
        let dropped = Arc::new(AtomicU64::new(0));
        let worker = Batcher {
            sink,
            batch_size: batch_size.max(1),
            pending: VecDeque::new(),
            dropped: dropped.clone(),
        };
        let handle = tokio::spawn(worker.run(rx, stop_rx, flush_every));
        (
            Self { tx, dropped },
            BatchTask {
                handle,
                stop: stop_tx,
            },
        )
    }

    /// Queues an item. When the queue is full the item is dropped and counted.
    pub fn record(&self, item: T) {
        if self.tx.try_send(Command::Record(Box::new(item))).is_err() {
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

    /// Items dropped because the queue or the retry buffer was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl BatchTask {
    /// Stops accepting items, writes what is buffered, and waits for the writer.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        if let Err(err) = self.handle.await {
            tracing::error!(error = %err, "batch writer ended abnormally");
        }
    }
}

struct Batcher<T> {
    sink: Arc<dyn BatchSink<T>>,
    batch_size: usize,
    pending: VecDeque<T>,
    dropped: Arc<AtomicU64>,
}

impl<T: Clone + Send + Sync + 'static> Batcher<T> {
    async fn run(
        mut self,
        mut rx: mpsc::Receiver<Command<T>>,
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
                items = self.pending.len(),
                kind = self.sink.name(),
                "rows not written at shutdown (storage unavailable)"
            );
        }
    }

    async fn handle(&mut self, cmd: Command<T>) {
        match cmd {
            Command::Record(item) => {
                if self.pending.len() >= RETRY_CAP {
                    self.pending.pop_front();
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
                self.pending.push_back(*item);
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

    /// Writes pending items in batches; on failure keeps them for the next tick.
    async fn write_pending(&mut self) {
        while !self.pending.is_empty() {
            let n = self.pending.len().min(self.batch_size);
            let batch: Vec<T> = self.pending.iter().take(n).cloned().collect();
            match self.sink.write(&batch).await {
                Ok(()) => {
                    self.pending.drain(..n);
                }
                Err(err) => {
                    tracing::warn!(
                        error = %err,
                        kind = self.sink.name(),
                        buffered = self.pending.len(),
                        "batch write failed; will retry"
                    );
                    return;
                }
            }
        }
    }
}
