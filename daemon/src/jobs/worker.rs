//! The worker pool and the lease reaper.
//!
//! The database decides who runs what: a worker claims due jobs with one conditional update
//! (lease + fencing token), heartbeats while the call runs, and finishes with its token — a
//! worker that lost its lease can neither heartbeat nor finish. The reaper (reconciler role)
//! hands back jobs whose lease ran out, so a killed worker's jobs run again within a lease.
//! Workers take due job ids from dispatch (`dispatch/`: Redis or in-process, fair across
//! tenants) and claim them in the database; they look when a due job is pushed (on any
//! node) and every `worker.poll_interval` otherwise (delayed jobs and retries coming due).
//! While dispatch is unreachable they claim straight from the database, so work goes on.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use orch_core::config::model::{Backoff, Policy};
use orch_core::trace::TraceContext;
use serde_json::Value;
use time::OffsetDateTime;
use tokio::sync::{Notify, Semaphore, oneshot, watch};
use tokio::task::JoinHandle;
use tracing::Instrument;
use uuid::Uuid;

use super::outcome::{AttemptContext, decide};
use super::{Claim, Finish, FinishedAttempt, JobKind, JobRecord, JobStatus, Next, RunOutcome};
use crate::dispatch::{DispatchTicket, Dispatcher};
use crate::events::{EventWriter, NewEvent};
use crate::executor::{Answer, Call, ExecError, Executor};
use crate::store::Store;
use crate::tenant_config::active::{ActiveConfig, ActiveConfigs};
use crate::webhooks;
use crate::webhooks::process::{Processed, WebhookAttempt, outcome_event};

/// Claim rounds a pool runs at once: the next round starts while one commits.
const CLAIM_ROUNDS_IN_FLIGHT: usize = 2;

/// How long a job waits when its attempt could not be run for storage trouble.
const STORE_TROUBLE_WAIT: Duration = Duration::from_secs(1);

/// Everything a worker needs.
#[derive(Clone)]
pub struct Workers {
    pub store: Arc<dyn Store>,
    pub executor: Arc<Executor>,
    pub configs: ActiveConfigs,
    pub events: EventWriter,
    pub dispatch: Dispatcher,
    pub worker_id: String,
    pub concurrency: u32,
    pub lease: Duration,
    pub poll_interval: Duration,
    /// How long a stopping pool waits for running jobs.
    pub drain_grace: Duration,
    /// Set while dispatch is unreachable (logged once per outage).
    pub dispatch_down: Arc<AtomicBool>,
}

impl Workers {
    /// Runs the pool until `stop`; running jobs get `drain_grace` to finish before the
    /// returned task ends.
    pub fn spawn(self, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(async move {
            let slots = Arc::new(Semaphore::new(self.concurrency as usize));
            let finisher = Finisher::spawn(self.store.clone());
            let freed = Arc::new(Notify::new());
            let mut running = tokio::task::JoinSet::new();
            let mut claiming = tokio::task::JoinSet::new();
            // A second round starts while one is in flight only for this many free slots, so
            // rounds stay large under load.
            let batch_floor = (self.concurrency as usize / 4).max(1);
            // Set when a round found nothing: wait for a wake-up, a freed slot or the poll.
            let mut idle = false;
            tracing::info!(worker = %self.worker_id, concurrency = self.concurrency, "workers started");
            loop {
                if *stop.borrow() {
                    break;
                }
                let free = slots.available_permits();
                if !idle
                    && free > 0
                    && claiming.len() < CLAIM_ROUNDS_IN_FLIGHT
                    && (claiming.is_empty() || free >= batch_floor)
                    && let Ok(permits) = slots.clone().try_acquire_many_owned(free as u32)
                {
                    // The round holds its slots' permits, so rounds in flight never
                    // claim more jobs than there are slots.
                    let me = self.clone();
                    claiming.spawn(async move {
                        let claims = me.claim_round(free as u32).await.unwrap_or_else(|err| {
                            tracing::warn!(error = %err, "claiming jobs failed; retrying");
                            Vec::new()
                        });
                        (claims, permits)
                    });
                }
                while running.try_join_next().is_some() {}
                tokio::select! {
                    Some(done) = claiming.join_next(), if !claiming.is_empty() => {
                        let got = self.start_claimed(done, &mut running, &finisher, &freed);
                        // Work found: there may be more, look again at once.
                        idle = got == 0;
                    }
                    () = self.dispatch.woken(), if slots.available_permits() > 0 => idle = false,
                    () = freed.notified() => idle = false,
                    () = tokio::time::sleep(self.poll_interval) => idle = false,
                    _ = stop.changed() => {}
                }
            }
            // Claims in flight still run (they hold a lease and a run row already).
            while let Some(done) = claiming.join_next().await {
                self.start_claimed(done, &mut running, &finisher, &freed);
            }
            // Let running calls finish within the grace period; calls still running after it
            // are abandoned and their leases run out, so another attempt picks them up.
            let drain = async { while running.join_next().await.is_some() {} };
            if tokio::time::timeout(self.drain_grace, drain).await.is_err() {
                tracing::warn!(
                    abandoned = running.len(),
                    "jobs still running after the grace period; their leases will expire"
                );
                running.abort_all();
            }
            tracing::info!(worker = %self.worker_id, "workers stopped");
        })
    }

    /// Starts the jobs a claim round got, each with one of the round's slot permits; the
    /// permits of slots it could not fill go back. Returns how many started.
    fn start_claimed(
        &self,
        done: Result<(Vec<Claim>, tokio::sync::OwnedSemaphorePermit), tokio::task::JoinError>,
        running: &mut tokio::task::JoinSet<()>,
        finisher: &Finisher,
        freed: &Arc<Notify>,
    ) -> usize {
        let (claims, mut permits) = match done {
            Ok(done) => done,
            Err(err) => {
                tracing::error!(error = %err, "a claim round failed");
                return 0;
            }
        };
        let mut started = 0;
        for claim in claims {
            // A round never claims more than its permits; a missing one is a bug, and the
            // job's lease returns it to the queue.
            let Some(permit) = permits.split(1) else {
                tracing::error!(job_id = %claim.job.id, "a claim without a free slot; its lease will expire");
                continue;
            };
            let me = self.clone();
            let freed = freed.clone();
            let finisher = finisher.clone();
            running.spawn(async move {
                me.run(claim, &finisher).await;
                drop(permit);
                freed.notify_one();
            });
            started += 1;
        }
        started
    }

    /// Claims up to `free` jobs: ids from dispatch (by queue weight, fair across tenants),
    /// each claimed in the database only if it is still queued and due.
    async fn claim_round(&self, free: u32) -> Result<Vec<Claim>, crate::store::StoreError> {
        let now = OffsetDateTime::now_utc();
        let lease_until = now + self.lease;
        match self.dispatch.take_round(free, now).await {
            Ok(taken) => {
                if self.dispatch_down.swap(false, Ordering::Relaxed) {
                    tracing::info!("dispatch reachable again");
                }
                if taken.is_empty() {
                    return Ok(Vec::new());
                }
                let ids: Vec<Uuid> = taken.into_iter().map(|(_, id)| id).collect();
                self.store
                    .claim_jobs_by_id(&ids, &self.worker_id, now, lease_until)
                    .await
            }
            Err(err) => {
                if !self.dispatch_down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %err, "dispatch unreachable; claiming from the database until it is back");
                }
                let mut claims = Vec::new();
                for (queue, n) in self.dispatch.shares(free) {
                    claims.extend(
                        self.store
                            .claim_jobs(queue, &self.worker_id, now, lease_until, n)
                            .await?,
                    );
                }
                Ok(claims)
            }
        }
    }

    /// Runs one claimed attempt to its end.
    async fn run(&self, claim: Claim, finisher: &Finisher) {
        let job = &claim.job;
        let trace = trace_of(job.trace_carrier.as_ref());
        let span = tracing::info_span!(
            "job",
            job_id = %job.id,
            tenant = %job.tenant_id,
            queue = %job.queue,
            attempt = claim.attempt,
            trace_id = %trace.trace_id.to_hex(),
            request_id = job.request_id.as_deref().unwrap_or(""),
        );
        self.run_in_span(&claim, &trace, finisher)
            .instrument(span)
            .await;
    }

    /// One attempt from claim to finish, by kind: run it while heartbeating the lease, then
    /// decide, record and announce what it means for the job. Only the webhook arm touches
    /// the inbox (its row moves with the job when the attempt is recorded).
    async fn run_in_span(&self, claim: &Claim, trace: &TraceContext, finisher: &Finisher) {
        let job = &claim.job;
        self.events.record(
            job_event(job, "job.started", format!("attempt {} of {}", claim.attempt, job.max_attempts))
                .data(serde_json::json!({"queue": job.queue, "attempt": claim.attempt, "worker": self.worker_id})),
        );
        let started = Instant::now();
        match job.kind {
            JobKind::Execute => {
                let attempt = self.execute(claim, trace).await;
                self.finish(claim, attempt, started, finisher).await;
            }
            JobKind::Webhook => {
                let attempt = self.process_webhook(claim, trace).await;
                if let Some(finish) = self.finish(claim, attempt, started, finisher).await {
                    self.announce_inbox(job, &finish).await;
                }
            }
        }
    }

    /// An `execute` job: its connector operation through the executor.
    async fn execute(&self, claim: &Claim, trace: &TraceContext) -> Attempt {
        let job = &claim.job;
        let active = match self.active_config(job).await {
            Ok(active) => active,
            Err(ended) => return ended,
        };
        let connector = job.connector.clone().unwrap_or_default();
        let operation = job.operation.clone().unwrap_or_default();
        let backoff = active
            .config
            .connectors
            .get(&connector)
            .and_then(|c| c.policy.as_ref())
            .and_then(|p| active.config.policies.get(p))
            .map_or_else(
                || Policy::default().retry.backoff,
                |p| p.retry.backoff.clone(),
            );
        let params = match params_of(job.params.as_ref()) {
            Ok(p) => p,
            Err(err) => return Attempt::Done(Err(err), backoff),
        };
        let idempotency_key = if job.replay_generation == 0 {
            job.id.to_string()
        } else {
            format!("{}:r{}", job.id, job.replay_generation)
        };
        let request_id = request_id_of(job);
        let exec = self.executor.execute(Call {
            tenant: &job.tenant_id,
            config: &active.config,
            connector: &connector,
            operation: &operation,
            params,
            payload: job.payload.clone(),
            // Tell the upstream which job and attempt this is (as Stripe tells webhook
            // receivers); the idempotency key stays the same across attempts.
            headers: BTreeMap::new(),
            orch_headers: vec![
                ("orch-job-id", job.id.to_string()),
                ("orch-job-attempt", claim.attempt.to_string()),
            ],
            timeout: None,
            idempotency_key: Some(idempotency_key),
            trace,
            request_id: &request_id,
        });
        let exec = async { Attempt::Done(exec.await, backoff) };
        self.heartbeating(claim, exec).await
    }

    /// A `webhook` job: the tenant's routes for its event (`webhooks/process.rs`).
    async fn process_webhook(&self, claim: &Claim, trace: &TraceContext) -> Attempt {
        let job = &claim.job;
        let active = match self.active_config(job).await {
            Ok(active) => active,
            Err(ended) => return ended,
        };
        let request_id = request_id_of(job);
        let routes = webhooks::process::run(WebhookAttempt {
            store: &self.store,
            executor: &self.executor,
            config: &active.config,
            config_version: active.version,
            job,
            attempt: claim.attempt,
            trace,
            request_id: &request_id,
        });
        let routes = async {
            match routes.await {
                Processed::Done(result, backoff) => Attempt::Done(result, backoff),
                Processed::StoreTrouble(message) => Attempt::StoreTrouble(message),
            }
        };
        self.heartbeating(claim, routes).await
    }

    /// The tenant's active config, or how the attempt ends without one.
    async fn active_config(&self, job: &JobRecord) -> Result<Arc<ActiveConfig>, Attempt> {
        match self.configs.get(&job.tenant_id).await {
            Ok(Some(active)) => Ok(active),
            Ok(None) => Err(Attempt::Done(
                Err(ExecError::UnknownConnector(
                    job.connector.clone().unwrap_or_default(),
                )),
                Backoff::default(),
            )),
            Err(err) => Err(Attempt::StoreTrouble(format!(
                "the tenant config could not be loaded: {err}"
            ))),
        }
    }

    /// Runs `work` while heartbeating the claim's lease; a lost lease abandons it.
    async fn heartbeating(
        &self,
        claim: &Claim,
        work: impl std::future::Future<Output = Attempt>,
    ) -> Attempt {
        let job = &claim.job;
        tokio::pin!(work);
        let mut heartbeat = tokio::time::interval(self.lease / 3);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        heartbeat.tick().await;
        loop {
            tokio::select! {
                attempt = &mut work => return attempt,
                _ = heartbeat.tick() => {
                    let until = OffsetDateTime::now_utc() + self.lease;
                    match self.store.heartbeat_job(job.id, claim.fencing_token, until).await {
                        Ok(true) => {}
                        Ok(false) => return Attempt::LeaseLost,
                        Err(err) => tracing::warn!(error = %err, "heartbeat failed; retrying"),
                    }
                }
            }
        }
    }
    /// Decides what the attempt means for the job (`outcome.rs`), records it with the
    /// claim's token, puts a retry back in dispatch, and counts and announces the result.
    /// `None` when the attempt is not this worker's to record any more (lost lease) or
    /// recording failed: the reaper then hands the job to another attempt.
    async fn finish(
        &self,
        claim: &Claim,
        attempt: Attempt,
        started: Instant,
        finisher: &Finisher,
    ) -> Option<Finish> {
        let job = &claim.job;
        let finish = match attempt {
            Attempt::Done(result, backoff) => decide(
                &result,
                &AttemptContext {
                    attempt: claim.attempt,
                    max_attempts: job.max_attempts,
                    backoff,
                    duration: started.elapsed(),
                    now: OffsetDateTime::now_utc(),
                    random: crate::executor::random_unit(),
                },
            ),
            Attempt::StoreTrouble(message) => Finish {
                // Not the job's fault: it waits without using up an attempt.
                outcome: RunOutcome::Throttled,
                next: Next::Throttled {
                    run_at: OffsetDateTime::now_utc() + STORE_TROUBLE_WAIT,
                },
                error_code: Some("storage_unavailable".to_owned()),
                error_message: Some(message),
                upstream_status: None,
                duration_ms: 0,
            },
            Attempt::LeaseLost => {
                tracing::warn!(
                    "lease lost while the call ran; the reaper hands the job to another attempt"
                );
                return None;
            }
        };
        match finisher
            .record(FinishedAttempt {
                job_id: job.id,
                token: claim.fencing_token,
                finish: finish.clone(),
                at: OffsetDateTime::now_utc(),
            })
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!("lease lost before the attempt was recorded; its result is dropped");
                return None;
            }
            Err(err) => {
                // The lease runs out and the reaper hands the job back: at least once.
                tracing::error!(error = %err, "recording the attempt failed");
                return None;
            }
        }
        if let Next::Retry { run_at } | Next::Throttled { run_at } = finish.next {
            self.dispatch
                .push_committed(&[DispatchTicket {
                    run_at,
                    ..DispatchTicket::of(job)
                }])
                .await;
        }
        let queue = job.queue.clone();
        metrics::histogram!("orch_job_duration_seconds", "queue" => queue.clone())
            .record(started.elapsed().as_secs_f64());
        let error = finish.error_message.clone().unwrap_or_default();
        let mut data = serde_json::json!({
            "queue": job.queue,
            "attempt": claim.attempt,
            "outcome": finish.outcome,
            "error_code": finish.error_code,
            "upstream_status": finish.upstream_status,
            "duration_ms": finish.duration_ms,
        });
        let (label, recorded) = match finish.next {
            Next::Succeeded => {
                tracing::info!("job succeeded");
                (
                    JobStatus::Succeeded.as_str(),
                    Some(job_event(
                        job,
                        "job.succeeded",
                        format!("succeeded on attempt {}", claim.attempt),
                    )),
                )
            }
            Next::Retry { run_at } => {
                tracing::info!(error = %error, "job attempt failed; retry scheduled");
                if let Value::Object(map) = &mut data {
                    map.insert("retry_at".to_owned(), Value::from(rfc3339(run_at)));
                }
                (
                    "retried",
                    Some(job_event(job, "job.retry_scheduled", error)),
                )
            }
            Next::Throttled { .. } => (RunOutcome::Throttled.as_str(), None),
            Next::Dead => {
                tracing::warn!(error = %error, "job dead");
                (
                    JobStatus::Dead.as_str(),
                    Some(job_event(job, "job.dead", error)),
                )
            }
        };
        metrics::counter!("orch_jobs_total", "queue" => queue, "outcome" => label).increment(1);
        if let Some(e) = recorded {
            self.events.record(e.data(data));
        }
        Some(finish)
    }

    /// A webhook job that ended: its inbox row's `webhook.processed` / `webhook.failed`.
    async fn announce_inbox(&self, job: &JobRecord, finish: &Finish) {
        let message = match finish.next {
            Next::Succeeded => "processed".to_owned(),
            _ => finish.error_message.clone().unwrap_or_default(),
        };
        let status = finish.next.status();
        if let Some(e) = outcome_event(self.store.as_ref(), job, status, &message).await {
            self.events.record(e);
        }
    }
}

/// The most attempts one finishing transaction records.
const FINISH_BATCH: usize = 128;

/// Records finished attempts in batches: whatever finished while the previous batch was
/// committing goes into the next one (group commit), so a busy pool pays one commit per
/// batch instead of one per job, and an idle one adds no delay.
#[derive(Clone)]
struct Finisher {
    tx: tokio::sync::mpsc::Sender<(FinishedAttempt, oneshot::Sender<Result<bool, String>>)>,
}

impl Finisher {
    /// The task ends when every handle is dropped.
    fn spawn(store: Arc<dyn Store>) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(
            FinishedAttempt,
            oneshot::Sender<Result<bool, String>>,
        )>(FINISH_BATCH * 4);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < FINISH_BATCH {
                    match rx.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let (attempts, waiters): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
                match store.finish_jobs(&attempts).await {
                    Ok(done) => {
                        for (waiter, ok) in waiters.into_iter().zip(done) {
                            let _ = waiter.send(Ok(ok));
                        }
                    }
                    Err(err) => {
                        let message = err.to_string();
                        for waiter in waiters {
                            let _ = waiter.send(Err(message.clone()));
                        }
                    }
                }
            }
        });
        Self { tx }
    }

    /// Records one attempt; `Ok(false)` if its claim is no longer this token's.
    async fn record(&self, attempt: FinishedAttempt) -> Result<bool, String> {
        let (done_tx, done_rx) = oneshot::channel();
        self.tx
            .send((attempt, done_tx))
            .await
            .map_err(|_| "the finisher stopped".to_owned())?;
        done_rx
            .await
            .map_err(|_| "the finisher stopped".to_owned())?
    }
}

/// How a claimed attempt ended, before deciding what it means for the job.
enum Attempt {
    Done(Result<Answer, ExecError>, Backoff),
    LeaseLost,
    StoreTrouble(String),
}

/// An event about `job`, with its tenant, connector, correlation and impersonation.
fn job_event(job: &JobRecord, kind: &str, message: String) -> NewEvent {
    let connector = job.connector.as_deref().unwrap_or_default();
    let operation = job.operation.as_deref().unwrap_or_default();
    NewEvent::new(kind, message)
        .tenant(&job.tenant_id)
        .connector(connector, Some(operation))
        .correlation(job.request_id.as_deref(), job.trace_id.as_deref())
        .impersonation(job.impersonated_by, job.impersonation_id)
        .job(job.id)
        .with_inbox(job.inbox_id)
}

/// The request id calls of a job carry: the enqueueing request's, else the job's id.
fn request_id_of(job: &JobRecord) -> String {
    job.request_id.clone().unwrap_or_else(|| job.id.to_string())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn trace_of(carrier: Option<&Value>) -> TraceContext {
    carrier
        .and_then(|c| serde_json::from_value::<HashMap<String, String>>(c.clone()).ok())
        .map_or_else(TraceContext::new_root, |c| TraceContext::from_carrier(&c))
}

/// A job's params as the executor takes them (none stored: none sent).
fn params_of(params: Option<&Value>) -> Result<BTreeMap<String, String>, ExecError> {
    match params {
        Some(Value::Object(map)) => crate::executor::params_from_json(map),
        _ => Ok(BTreeMap::new()),
    }
}

/// How often the reconciler refreshes the queue and DLQ gauges.
const GAUGE_INTERVAL: Duration = Duration::from_secs(2);

/// Sets `orch_queue_depth`, `orch_queue_oldest_age_seconds` and `orch_dlq_depth`.
async fn update_queue_gauges(store: &dyn Store) -> Result<(), crate::store::StoreError> {
    let now = OffsetDateTime::now_utc();
    for q in store.queue_stats(now).await? {
        let age = q
            .oldest_due
            .map_or(0.0, |t| (now - t).as_seconds_f64().max(0.0));
        metrics::gauge!("orch_queue_depth", "queue" => q.queue.clone()).set(q.depth as f64);
        metrics::gauge!("orch_queue_oldest_age_seconds", "queue" => q.queue).set(age);
    }
    for d in store.dlq_stats().await? {
        metrics::gauge!("orch_dlq_depth", "queue" => d.queue).set(d.depth as f64);
    }
    Ok(())
}

/// Hands back jobs whose lease expired, every `interval`, until `stop`; keeps the queue
/// gauges current.
pub fn spawn_reaper(
    store: Arc<dyn Store>,
    events: EventWriter,
    dispatch: Dispatcher,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_gauges: Option<Instant> = None;
        loop {
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                _ = stop.changed() => return,
            }
            if last_gauges.is_none_or(|t| t.elapsed() >= GAUGE_INTERVAL) {
                last_gauges = Some(Instant::now());
                if let Err(err) = update_queue_gauges(store.as_ref()).await {
                    tracing::warn!(error = %err, "reading queue depths failed");
                }
            }
            let jobs = match store.reclaim_expired_jobs(OffsetDateTime::now_utc()).await {
                Ok(jobs) => jobs,
                Err(err) => {
                    tracing::warn!(error = %err, "reclaiming expired leases failed");
                    continue;
                }
            };
            if jobs.is_empty() {
                continue;
            }
            tracing::warn!(
                count = jobs.len(),
                "reclaimed jobs whose worker stopped heartbeating"
            );
            let requeued: Vec<DispatchTicket> = jobs
                .iter()
                .filter(|j| j.status == JobStatus::Queued)
                .map(DispatchTicket::of)
                .collect();
            dispatch.push_committed(&requeued).await;
            for job in jobs {
                let (kind, label) = if job.status == JobStatus::Dead {
                    ("job.dead", JobStatus::Dead.as_str())
                } else {
                    ("job.retry_scheduled", RunOutcome::Crashed.as_str())
                };
                metrics::counter!("orch_jobs_total", "queue" => job.queue.clone(), "outcome" => label)
                    .increment(1);
                let mut e = NewEvent::new(kind, "the worker stopped heartbeating; lease expired")
                    .tenant(&job.tenant_id)
                    .correlation(job.request_id.as_deref(), job.trace_id.as_deref())
                    .job(job.id)
                    .data(serde_json::json!({"queue": job.queue, "attempt": job.attempts, "outcome": RunOutcome::Crashed}));
                if let Some(c) = &job.connector {
                    e = e.connector(c, job.operation.as_deref());
                }
                events.record(e.with_inbox(job.inbox_id));
                // A reclaimed webhook job's inbox row moved with it; announce where to.
                if job.kind == JobKind::Webhook
                    && let Some(e) = outcome_event(
                        store.as_ref(),
                        &job,
                        job.status,
                        "the worker stopped heartbeating; lease expired",
                    )
                    .await
                {
                    events.record(e);
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn params_render_scalars_and_refuse_structures() {
        let p = params_of(Some(&json!({"id": "cus_1", "n": 3, "live": true}))).unwrap();
        assert_eq!(p["id"], "cus_1");
        assert_eq!(p["n"], "3");
        assert_eq!(p["live"], "true");
        assert!(matches!(
            params_of(Some(&json!({"x": [1]}))),
            Err(ExecError::BadRequest { .. })
        ));
        assert!(params_of(None).unwrap().is_empty());
    }

    #[test]
    fn a_job_continues_its_trace() {
        let carrier =
            json!({"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"});
        let t = trace_of(Some(&carrier));
        assert_eq!(t.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
