//! Per-tenant queue quotas: one tenant must not be able to flood the shared queues and stall
//! everyone else's jobs and webhooks. Two limits per allowance, checked before anything is
//! stored:
//!
//! - **max queued jobs**: the tenant's live jobs — status `queued` (due, scheduled for later,
//!   waiting for a retry) or `running` (claimed, not finished). Succeeded, dead, cancelled and
//!   purged jobs do not count: the DLQ has its own retention. Optionally also per queue.
//! - **enqueue rate**: a token bucket per tenant, on the shared rate limiter
//!   (`resilience::rate_limit`: a Redis Lua bucket in distributed mode, in process otherwise).
//!
//! The API (`POST /v1/jobs`, jobs of kind `execute`) and the webhook ingress (jobs of kind
//! `webhook`) have separate allowances, so a tenant flooding its own API queue never makes
//! its Stripe deliveries bounce. Operator replays (DLQ, inbox) are not checked: they are
//! deliberate, audited acts on jobs that already existed; they do count once live.
//!
//! Live counts come from counters the database maintains in the same transaction as every
//! job insert and status change (migration 3), so a check is one indexed read, not a count
//! over the backlog. The check precedes the insert and is not part of its transaction:
//! enqueues of one tenant racing at the limit can each see room, so the limit can be
//! overshot by at most the number of that tenant's enqueues in flight at once, minus one
//! (each holds a store connection, so at most `storage.max_connections` per node; the rate
//! bucket caps them too). It never undershoots: a job counts from the commit that created it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::model::jobs::JobKind;
pub use crate::model::quotas::LiveJobCounts;
use crate::resilience::rate_limit::RateLimiter;
use crate::settings::{QuotaSettings, TenantQuota};
use crate::store::{Store, StoreError};

/// Pending counter deltas (Postgres) above which a read starts a fold in the background.
const FOLD_AT: u64 = 512;
/// Deltas folded per statement; a fold runs a few of these.
const FOLD_BATCH: u32 = 5000;
/// The reconciler folds this often whatever the reads do: with quotas off nothing reads
/// the counters, and the deltas must not pile up.
pub const FOLD_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);
const FOLD_ROUNDS: u32 = 20;

/// Which allowance a request draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    /// `POST /v1/jobs`: jobs of kind `execute`.
    Api,
    /// Verified Stripe deliveries: jobs of kind `webhook`.
    Webhooks,
}

impl Allowance {
    pub fn as_str(self) -> &'static str {
        match self {
            Allowance::Api => "api",
            Allowance::Webhooks => "webhooks",
        }
    }

    /// The job kind this allowance counts.
    fn job_kind(self) -> JobKind {
        match self {
            Allowance::Api => JobKind::Execute,
            Allowance::Webhooks => JobKind::Webhook,
        }
    }
}

/// Which quota refused: the `quota` field of the problem and label of
/// `orch_quota_exceeded_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quota {
    MaxQueuedJobs,
    EnqueueRate,
}

impl Quota {
    pub fn as_str(self) -> &'static str {
        match self {
            Quota::MaxQueuedJobs => "max_queued_jobs",
            Quota::EnqueueRate => "enqueue_rate",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QuotaError {
    /// The tenant has `limit` live jobs or more (in `queue`, for a per-queue cap).
    #[error("{} live {} jobs{}: the quota is {limit}", .live, .allowance.job_kind(), .queue.as_ref().map(|q| format!(" on queue {q}")).unwrap_or_default())]
    MaxQueued {
        allowance: Allowance,
        limit: u64,
        live: u64,
        queue: Option<String>,
    },
    /// The tenant's enqueue bucket is empty; a token is back after `retry_after`.
    #[error("the enqueue rate of {per_second}/s (burst {burst}) is used up")]
    Rate {
        allowance: Allowance,
        per_second: f64,
        burst: u32,
        retry_after: Duration,
    },
    /// The live count could not be read (nothing was stored either).
    #[error(transparent)]
    Storage(#[from] StoreError),
}

impl QuotaError {
    /// The quota that refused; `None` for a storage failure.
    pub fn quota(&self) -> Option<Quota> {
        match self {
            QuotaError::MaxQueued { .. } => Some(Quota::MaxQueuedJobs),
            QuotaError::Rate { .. } => Some(Quota::EnqueueRate),
            QuotaError::Storage(_) => None,
        }
    }
}

/// Checks quotas before an enqueue; cheap to clone.
#[derive(Clone)]
pub struct QuotaService {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    limiter: RateLimiter,
    default: TenantQuota,
    /// Tenants with overrides, already merged over the default.
    tenants: HashMap<String, TenantQuota>,
    /// One fold at a time per node.
    folding: AtomicBool,
}

impl QuotaService {
    pub fn new(store: Arc<dyn Store>, limiter: RateLimiter, settings: &QuotaSettings) -> Self {
        let tenants = settings
            .tenants
            .keys()
            .map(|t| (t.clone(), settings.for_tenant(t)))
            .collect();
        Self {
            inner: Arc::new(Inner {
                store,
                limiter,
                default: settings.default.clone(),
                tenants,
                folding: AtomicBool::new(false),
            }),
        }
    }

    /// May `tenant` enqueue one more API job on `queue`? Refusals are counted and logged.
    pub async fn admit_job(&self, tenant: &str, queue: &str) -> Result<(), QuotaError> {
        let q = self.limits(tenant);
        let queue_cap = q
            .max_queued_jobs_per_queue
            .get(queue)
            .copied()
            .filter(|c| *c > 0)
            .map(|c| (queue, c));
        self.admit(
            tenant,
            Allowance::Api,
            (q.enqueue_per_second, q.enqueue_burst),
            q.max_queued_jobs,
            queue_cap,
        )
        .await
    }

    /// May `tenant` store one more webhook delivery (and its job)?
    pub async fn admit_webhook(&self, tenant: &str) -> Result<(), QuotaError> {
        let w = &self.limits(tenant).webhooks;
        self.admit(
            tenant,
            Allowance::Webhooks,
            (w.per_second, w.burst),
            w.max_queued_jobs,
            None,
        )
        .await
    }

    fn limits(&self, tenant: &str) -> &TenantQuota {
        self.inner
            .tenants
            .get(tenant)
            .unwrap_or(&self.inner.default)
    }

    async fn admit(
        &self,
        tenant: &str,
        allowance: Allowance,
        (per_second, burst): (f64, u32),
        max: u64,
        queue_cap: Option<(&str, u64)>,
    ) -> Result<(), QuotaError> {
        // The rate first: it costs no database read, so a flood beyond it never reaches
        // the database at all.
        if per_second > 0.0 {
            let key = format!("quota:{}:{tenant}", allowance.as_str());
            let decision = self.inner.limiter.take(&key, per_second, burst).await;
            if !decision.allowed {
                return Err(refused(
                    tenant,
                    QuotaError::Rate {
                        allowance,
                        per_second,
                        burst,
                        retry_after: decision.retry_after,
                    },
                ));
            }
        }
        if max == 0 && queue_cap.is_none() {
            return Ok(());
        }
        let counts = self
            .inner
            .store
            .live_job_counts(tenant, allowance.job_kind().as_str())
            .await?;
        if counts.pending_deltas >= FOLD_AT {
            self.fold_in_background();
        }
        let live = counts.total();
        if max > 0 && live >= max {
            return Err(refused(
                tenant,
                QuotaError::MaxQueued {
                    allowance,
                    limit: max,
                    live,
                    queue: None,
                },
            ));
        }
        if let Some((queue, cap)) = queue_cap {
            let live = counts.queue(queue);
            if live >= cap {
                return Err(refused(
                    tenant,
                    QuotaError::MaxQueued {
                        allowance,
                        limit: cap,
                        live,
                        queue: Some(queue.to_owned()),
                    },
                ));
            }
        }
        Ok(())
    }

    /// Folds pending counter deltas every `interval` until `stop` (reconciler role).
    pub fn spawn_folder(
        &self,
        interval: std::time::Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        let quotas = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(interval) => {}
                    _ = stop.changed() => return,
                }
                quotas.fold_in_background();
            }
        })
    }

    /// Folds pending counter deltas off the request path, one fold at a time per node, so
    /// the reads stay short.
    fn fold_in_background(&self) {
        if self
            .inner
            .folding
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        let inner = self.inner.clone();
        tokio::spawn(async move {
            // Cleared even if the fold panics, so folding is never switched off for good.
            struct Done(Arc<Inner>);
            impl Drop for Done {
                fn drop(&mut self) {
                    self.0.folding.store(false, Ordering::Release);
                }
            }
            let done = Done(inner);
            for _ in 0..FOLD_ROUNDS {
                match done.0.store.fold_live_job_counts(FOLD_BATCH).await {
                    Ok(n) if n >= u64::from(FOLD_BATCH) => {}
                    Ok(_) => break,
                    Err(err) => {
                        tracing::warn!(error = %err, "folding live job counts failed; the next read retries");
                        break;
                    }
                }
            }
        });
    }
}

/// Counts and logs a refusal on its way out.
fn refused(tenant: &str, error: QuotaError) -> QuotaError {
    if let Some(quota) = error.quota() {
        metrics::counter!(
            "orch_quota_exceeded_total",
            "tenant" => tenant.to_owned(),
            "quota" => quota.as_str()
        )
        .increment(1);
        tracing::info!(tenant, quota = quota.as_str(), error = %error, "quota exceeded");
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_per_queue() {
        let c = LiveJobCounts {
            per_queue: vec![("default".into(), 3), ("low".into(), 4)],
            pending_deltas: 0,
        };
        assert_eq!(c.total(), 7);
        assert_eq!(c.queue("low"), 4);
        assert_eq!(c.queue("critical"), 0);
        // A transiently negative sum (never expected) is read as empty, not as huge.
        let odd = LiveJobCounts {
            per_queue: vec![("default".into(), -1)],
            pending_deltas: 0,
        };
        assert_eq!(odd.total(), 0);
    }

    #[test]
    fn refusals_name_their_quota() {
        let e = QuotaError::MaxQueued {
            allowance: Allowance::Api,
            limit: 3,
            live: 3,
            queue: Some("low".into()),
        };
        assert_eq!(e.quota(), Some(Quota::MaxQueuedJobs));
        assert_eq!(
            e.to_string(),
            "3 live execute jobs on queue low: the quota is 3"
        );
        let e = QuotaError::Rate {
            allowance: Allowance::Webhooks,
            per_second: 2.0,
            burst: 4,
            retry_after: Duration::from_millis(500),
        };
        assert_eq!(e.quota().map(Quota::as_str), Some("enqueue_rate"));
        assert!(QuotaError::Storage(StoreError::NotFound).quota().is_none());
    }
}
