//! Keeps dispatch in step with the database: rebuilds it when it is new or was lost (Redis
//! `FLUSHALL` or restart, or a fresh in-process dispatcher) and re-pushes queued jobs that
//! stay due for too long (an id taken by a worker that died before claiming it, a push that
//! failed after its commit). Pushes here never move an id that is already waiting.

use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Dispatcher, PushMode, QUEUE_WEIGHTS};
use crate::store::{Store, StoreError};

/// Rows read per page while rebuilding or sweeping.
const PAGE: u32 = 1_000;
/// How long a job may stay due before the sweep re-pushes it.
const OVERDUE: Duration = Duration::from_secs(5);
/// How often the sweep runs.
const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// The most a sweep re-pushes per queue (oldest first); the rest come in later sweeps.
const SWEEP_MAX: u32 = 5_000;

/// Checks dispatch every `interval` until `stop`.
pub fn spawn_keeper(
    dispatcher: Dispatcher,
    store: Arc<dyn Store>,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut rebuild_pending = false;
        let mut last_sweep = Instant::now();
        loop {
            if !rebuild_pending {
                match dispatcher.state().claim_rebuild().await {
                    Ok(claimed) => rebuild_pending = claimed,
                    Err(err) => tracing::warn!(error = %err, "checking dispatch state failed"),
                }
            }
            if rebuild_pending {
                let started = Instant::now();
                match rebuild(&dispatcher, store.as_ref()).await {
                    Ok(count) => {
                        rebuild_pending = false;
                        last_sweep = Instant::now();
                        tracing::info!(
                            jobs = count,
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "dispatch rebuilt from the database"
                        );
                        metrics::counter!("orch_dispatch_rebuilds_total").increment(1);
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "rebuilding dispatch failed; retrying")
                    }
                }
            } else if last_sweep.elapsed() >= SWEEP_EVERY {
                last_sweep = Instant::now();
                if let Err(err) = sweep(&dispatcher, store.as_ref()).await {
                    tracing::warn!(error = %err, "re-dispatching overdue jobs failed");
                }
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                _ = stop.changed() => return,
            }
        }
    })
}

/// Pushes every queued job. Returns how many.
pub async fn rebuild(dispatcher: &Dispatcher, store: &dyn Store) -> Result<u64, RebuildError> {
    let mut count = 0;
    for (queue, _) in QUEUE_WEIGHTS {
        count += push_queued(dispatcher, store, queue, None, u32::MAX).await?;
    }
    dispatcher.wake();
    Ok(count)
}

/// Re-pushes jobs due for longer than [`OVERDUE`]. Returns how many.
pub async fn sweep(dispatcher: &Dispatcher, store: &dyn Store) -> Result<u64, RebuildError> {
    let due_before = OffsetDateTime::now_utc() - OVERDUE;
    let mut count = 0;
    for (queue, _) in QUEUE_WEIGHTS {
        count += push_queued(dispatcher, store, queue, Some(due_before), SWEEP_MAX).await?;
    }
    if count > 0 {
        dispatcher.wake();
    }
    Ok(count)
}

async fn push_queued(
    dispatcher: &Dispatcher,
    store: &dyn Store,
    queue: &str,
    due_before: Option<OffsetDateTime>,
    max: u32,
) -> Result<u64, RebuildError> {
    let mut after = None;
    let mut count = 0u64;
    loop {
        let page = store
            .queued_job_tickets(queue, after, due_before, PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.run_at, last.id));
        dispatcher
            .state()
            .push(&page, PushMode::IfAbsent, OffsetDateTime::now_utc())
            .await?;
        count += page.len() as u64;
        if page.len() < PAGE as usize || count >= u64::from(max) {
            break;
        }
    }
    Ok(count)
}

#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Dispatch(#[from] super::DispatchError),
}
