//! Dispatch: which job ids are ready to be claimed, per queue and tenant.
//!
//! The database row is the truth about a job; dispatch only carries ids, so pushing an id
//! twice, or an id whose job already ran, is harmless — a claim is a conditional update
//! that only succeeds on a queued, due job. Losing dispatch state (Redis `FLUSHALL`, a
//! restart without persistence, a worker that died between taking ids and claiming them)
//! costs latency, never jobs: the keeper (`keeper.rs`) rebuilds dispatch from the database
//! when the state is gone and re-pushes jobs that stay due for too long.
//!
//! Two implementations behind [`Dispatch`]: Redis (distributed mode, shared by every node)
//! and in-process (embedded mode). Both keep, per queue, one time-ordered set per tenant
//! and serve tenants round-robin, least recently served first, so one tenant's backlog
//! never blocks another tenant's jobs in the same queue.

pub mod keeper;
mod local;
mod redis;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};
use uuid::Uuid;

pub use local::LocalDispatch;
// The dispatch score: microseconds since the epoch (exact in a Redis f64 score until 2255).
use orch_core::units::unix_micros as score;
pub use redis::RedisDispatch;

pub use crate::model::dispatch::DispatchTicket;

/// Queues in priority order with their share of worker slots: `low` always gets some, so
/// it never starves behind a busy `critical`.
pub const QUEUE_WEIGHTS: [(&str, u32); 4] =
    [("critical", 8), ("webhook", 6), ("default", 3), ("low", 1)];

/// One cycle of slots in smooth weighted round-robin order (as nginx balances upstreams):
/// every queue appears as often as its weight, spread out, so the shares hold however few
/// slots free up at a time.
const SLOT_CYCLE: [usize; 18] = smooth_cycle();

const fn smooth_cycle() -> [usize; 18] {
    let mut cycle = [0; 18];
    let mut current = [0i32; 4];
    let total = 18;
    let mut slot = 0;
    while slot < 18 {
        let mut best = 0;
        let mut q = 0;
        while q < 4 {
            current[q] += QUEUE_WEIGHTS[q].1 as i32;
            if current[q] > current[best] {
                best = q;
            }
            q += 1;
        }
        current[best] -= total;
        cycle[slot] = best;
        slot += 1;
    }
    cycle
}

#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error("dispatch unavailable: {0}")]
    Unavailable(String),
}

/// How a push treats an id that is already waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushMode {
    /// Its time becomes the ticket's (a retry moved it).
    Replace,
    /// It keeps its time (a re-push by the keeper only fills gaps).
    IfAbsent,
}

/// The dispatch state, shared by a deployment's nodes or held in-process.
#[async_trait]
pub trait Dispatch: Send + Sync {
    /// Makes the tickets' ids claimable from their `run_at`.
    async fn push(
        &self,
        tickets: &[DispatchTicket],
        mode: PushMode,
        now: OffsetDateTime,
    ) -> Result<(), DispatchError>;

    /// Removes and returns up to `n` due ids of each `(queue, n)`, tenants served
    /// round-robin (least recently served first). Returns `(queue, id)` pairs.
    async fn take(
        &self,
        asks: &[(&str, u32)],
        now: OffsetDateTime,
    ) -> Result<Vec<(String, Uuid)>, DispatchError>;

    /// `true` once after the dispatch state was created or lost: the caller must rebuild it
    /// from the database. Marks the state as being rebuilt, so one node does it.
    async fn claim_rebuild(&self) -> Result<bool, DispatchError>;

    /// Until `stop`: notifies `wake` whenever another node pushed a due id (a hint; workers
    /// poll as well). Returns at once where every push is local.
    async fn follow_remote_pushes(&self, wake: Arc<Notify>, stop: watch::Receiver<bool>);
}

/// The node's handle: the shared dispatch state plus a local wake-up for this node's
/// workers.
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<dyn Dispatch>,
    wake: Arc<Notify>,
    /// Where the next round starts in [`SLOT_CYCLE`].
    cursor: Arc<AtomicUsize>,
}

impl Dispatcher {
    pub fn new(inner: Arc<dyn Dispatch>) -> Self {
        Self {
            inner,
            wake: Arc::new(Notify::new()),
            cursor: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Redis when distributed, in-process otherwise.
    pub fn for_deployment(redis: Option<&crate::redis::RedisClient>) -> Self {
        match redis {
            Some(r) => Self::new(Arc::new(RedisDispatch::new(r.clone()))),
            None => Self::new(Arc::new(LocalDispatch::default())),
        }
    }

    pub fn state(&self) -> &Arc<dyn Dispatch> {
        &self.inner
    }

    /// Pushes tickets of jobs whose rows are committed. A failure is logged, not returned:
    /// the job is safe in the database and the keeper re-pushes it.
    pub async fn push_committed(&self, tickets: &[DispatchTicket]) {
        if tickets.is_empty() {
            return;
        }
        let now = OffsetDateTime::now_utc();
        if let Err(err) = self.inner.push(tickets, PushMode::Replace, now).await {
            tracing::warn!(error = %err, count = tickets.len(), "dispatching jobs failed; the keeper re-dispatches them");
        }
        if tickets.iter().any(|t| t.run_at <= now) {
            self.wake.notify_one();
        }
    }

    /// Takes up to `free` due ids across the queues by weight; shares a queue leaves unused
    /// go to the queues that filled theirs.
    pub async fn take_round(
        &self,
        free: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<(String, Uuid)>, DispatchError> {
        if free == 0 {
            return Ok(Vec::new());
        }
        let asks = self.shares(free);
        let mut taken = self.inner.take(&asks, now).await?;
        let remaining = free.saturating_sub(taken.len() as u32);
        if remaining == 0 {
            return Ok(taken);
        }
        let hungry: Vec<&str> = asks
            .iter()
            .filter(|(q, n)| taken.iter().filter(|(tq, _)| tq == q).count() as u32 == *n)
            .map(|(q, _)| *q)
            .collect();
        if hungry.is_empty() {
            return Ok(taken);
        }
        // The leftover goes to hungry queues in priority order, each as much as it has.
        let mut left = remaining;
        for queue in hungry {
            if left == 0 {
                break;
            }
            let more = self.inner.take(&[(queue, left)], now).await?;
            left = left.saturating_sub(more.len() as u32);
            taken.extend(more);
        }
        Ok(taken)
    }

    /// The queues' shares of the next `free` slots; successive calls continue the weighted
    /// cycle, so every queue gets its share however few slots free up at a time.
    pub fn shares(&self, free: u32) -> Vec<(&'static str, u32)> {
        let start = self.cursor.fetch_add(free as usize, Ordering::Relaxed);
        weighted_shares(free, start)
    }

    /// Wakes this node's workers when another node pushes due work, until `stop`.
    pub fn spawn_remote_wakeups(&self, stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        let (inner, wake) = (self.inner.clone(), self.wake.clone());
        tokio::spawn(async move { inner.follow_remote_pushes(wake, stop).await })
    }

    /// Wakes this node's workers.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Resolves when this node pushed a due id or [`Dispatcher::wake`] was called.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}

/// The queues' shares of `free` slots, the slots taken in [`SLOT_CYCLE`] order from
/// position `start`; in priority order, queues without a slot left out.
pub fn weighted_shares(free: u32, start: usize) -> Vec<(&'static str, u32)> {
    let mut counts = [0u32; 4];
    for i in 0..free as usize {
        counts[SLOT_CYCLE[(start + i) % SLOT_CYCLE.len()]] += 1;
    }
    QUEUE_WEIGHTS
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|((q, _), n)| (*q, n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_follow_weights_and_never_exceed_free() {
        assert_eq!(
            weighted_shares(18, 0),
            vec![("critical", 8), ("webhook", 6), ("default", 3), ("low", 1)]
        );
        for free in 1..200 {
            let asks = weighted_shares(free, 7);
            assert_eq!(asks.iter().map(|(_, n)| n).sum::<u32>(), free);
        }
    }

    #[test]
    fn low_gets_its_share_even_one_slot_at_a_time() {
        let mut served = std::collections::HashMap::new();
        for round in 0..180 {
            for (q, n) in weighted_shares(1, round) {
                *served.entry(q).or_insert(0) += n;
            }
        }
        assert_eq!(served["critical"], 80);
        assert_eq!(served["webhook"], 60);
        assert_eq!(served["default"], 30);
        assert_eq!(served["low"], 10);
    }
}
