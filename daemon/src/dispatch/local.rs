//! In-process dispatch (embedded mode): the same per-queue, per-tenant ordering as the
//! Redis scripts, behind a mutex. It starts empty; the keeper fills it from the database.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use super::{Dispatch, DispatchError, DispatchTicket, PushMode, score};

#[derive(Default)]
pub struct LocalDispatch {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    queues: HashMap<String, QueueState>,
    built: bool,
}

#[derive(Default)]
struct QueueState {
    /// Bumped each time a tenant is served; a tenant's ticket orders it in the rotation.
    ticket: u64,
    tenants: HashMap<String, u64>,
    jobs: HashMap<String, TenantJobs>,
}

#[derive(Default)]
struct TenantJobs {
    by_time: BTreeSet<(i64, Uuid)>,
    at: HashMap<Uuid, i64>,
}

impl TenantJobs {
    fn insert(&mut self, id: Uuid, at: i64, mode: PushMode) {
        if let Some(old) = self.at.get(&id).copied() {
            if mode == PushMode::IfAbsent {
                return;
            }
            self.by_time.remove(&(old, id));
        }
        self.at.insert(id, at);
        self.by_time.insert((at, id));
    }

    /// Removes and returns up to `n` ids due by `now`, earliest first.
    fn pop_due(&mut self, now: i64, n: usize) -> Vec<Uuid> {
        let due: Vec<(i64, Uuid)> = self
            .by_time
            .iter()
            .take_while(|(at, _)| *at <= now)
            .take(n)
            .copied()
            .collect();
        for entry in &due {
            self.by_time.remove(entry);
            self.at.remove(&entry.1);
        }
        due.into_iter().map(|(_, id)| id).collect()
    }
}

impl QueueState {
    fn take(&mut self, n: u32, now: i64) -> Vec<Uuid> {
        let mut left = n as usize;
        let mut out = Vec::new();
        let mut order: Vec<(u64, String)> = self
            .tenants
            .iter()
            .map(|(t, ticket)| (*ticket, t.clone()))
            .collect();
        order.sort();
        let mut active: Vec<String> = order.into_iter().map(|(_, t)| t).collect();
        while left > 0 && !active.is_empty() {
            let per = (left / active.len()).max(1);
            let mut still = Vec::new();
            for tenant in active {
                if left == 0 {
                    break;
                }
                let Some(jobs) = self.jobs.get_mut(&tenant) else {
                    self.tenants.remove(&tenant);
                    continue;
                };
                let ids = jobs.pop_due(now, per.min(left));
                if ids.is_empty() {
                    if jobs.at.is_empty() {
                        self.jobs.remove(&tenant);
                        self.tenants.remove(&tenant);
                    }
                    continue;
                }
                left -= ids.len();
                self.ticket += 1;
                self.tenants.insert(tenant.clone(), self.ticket);
                if ids.len() == per {
                    still.push(tenant);
                }
                out.extend(ids);
            }
            active = still;
        }
        out
    }
}

#[async_trait]
impl Dispatch for LocalDispatch {
    async fn push(
        &self,
        tickets: &[DispatchTicket],
        mode: PushMode,
        _now: OffsetDateTime,
    ) -> Result<(), DispatchError> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        for t in tickets {
            let queue = state.queues.entry(t.queue.clone()).or_default();
            let ticket = queue.ticket;
            queue.tenants.entry(t.tenant.clone()).or_insert(ticket);
            queue
                .jobs
                .entry(t.tenant.clone())
                .or_default()
                .insert(t.id, score(t.run_at), mode);
        }
        Ok(())
    }

    async fn take(
        &self,
        asks: &[(&str, u32)],
        now: OffsetDateTime,
    ) -> Result<Vec<(String, Uuid)>, DispatchError> {
        let now = score(now);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = Vec::new();
        for (queue, n) in asks {
            if let Some(q) = state.queues.get_mut(*queue) {
                out.extend(
                    q.take(*n, now)
                        .into_iter()
                        .map(|id| ((*queue).to_owned(), id)),
                );
            }
        }
        Ok(out)
    }

    async fn claim_rebuild(&self) -> Result<bool, DispatchError> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(!std::mem::replace(&mut state.built, true))
    }

    async fn follow_remote_pushes(&self, _wake: Arc<Notify>, _stop: watch::Receiver<bool>) {
        // Every push is local and wakes the workers directly.
    }
}
