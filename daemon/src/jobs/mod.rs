//! Jobs: durable units of async work on a queue. The database row is the truth; enqueueing
//! commits the row (deduplicated by a partial unique index on live jobs' `dedupe_key`).
//! Workers claim them with a lease and a fencing token (`worker`); what an attempt means
//! for the job is decided in `outcome`.

pub mod dispatch;
pub mod outcome;
pub mod service;
pub mod worker;

use orch_core::api::jobs::{EnqueuedJob, JobError, JobView, RunView};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

/// A job row.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    pub id: Uuid,
    pub tenant_id: String,
    pub queue: String,
    pub kind: String,
    pub status: String,
    pub connector: Option<String>,
    pub operation: Option<String>,
    pub params: Option<Value>,
    pub payload: Option<Value>,
    pub inbox_id: Option<Uuid>,
    pub config_version: Option<i32>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub replay_generation: i32,
    pub run_at: OffsetDateTime,
    pub dedupe_key: Option<String>,
    pub last_error_code: Option<String>,
    pub last_error_message: Option<String>,
    pub last_upstream_status: Option<i32>,
    pub trace_id: Option<String>,
    pub request_id: Option<String>,
    /// W3C trace context to continue in the worker.
    pub trace_carrier: Option<Value>,
    pub impersonated_by: Option<Uuid>,
    pub impersonation_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
    pub dead_at: Option<OffsetDateTime>,
}

/// One attempt of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub id: Uuid,
    pub job_id: Uuid,
    pub attempt: i32,
    pub worker_id: String,
    pub started_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
    pub duration_ms: Option<i64>,
    pub outcome: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub upstream_status: Option<i32>,
}

/// Filters of job lists (newest first; `before` is the paging cursor).
#[derive(Debug, Clone, Default)]
pub struct JobQuery {
    pub tenant: Option<String>,
    pub queue: Option<String>,
    pub status: Option<String>,
    pub connector: Option<String>,
    pub error_code: Option<String>,
    /// Dead at or after (DLQ filters).
    pub dead_since: Option<OffsetDateTime>,
    /// Dead before.
    pub dead_until: Option<OffsetDateTime>,
    /// Only these jobs (empty: no restriction).
    pub ids: Vec<Uuid>,
    pub before: Option<Uuid>,
    pub limit: u32,
}

/// One queue's backlog.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueStats {
    pub queue: String,
    /// Queued jobs, due or not.
    pub depth: i64,
    /// The `run_at` of the longest-waiting due job.
    pub oldest_due: Option<OffsetDateTime>,
}

/// One queue's dead-letter queue.
#[derive(Debug, Clone, PartialEq)]
pub struct DlqQueueStats {
    pub queue: String,
    pub depth: i64,
    pub oldest_dead_at: Option<OffsetDateTime>,
}

/// The audit row of one DLQ batch, built from the ids the batch actually changed (jobs a
/// worker or another operator changed meanwhile are not among them). The store calls it
/// inside the batch's transaction, so the rows and their audit row commit together.
pub type DlqBatchAudit = dyn Fn(&[Uuid]) -> orch_core::audit::AuditDraft + Send + Sync;

/// A job a worker holds: the lease is its own as long as `fencing_token` matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub job: JobRecord,
    pub fencing_token: i64,
    /// The attempt number this claim runs (1-based).
    pub attempt: i32,
}

/// How a claimed attempt ended, and what becomes of the job.
#[derive(Debug, Clone, PartialEq)]
pub struct Finish {
    /// The run's outcome: `succeeded`, `failed`, `timeout` or `throttled`.
    pub outcome: &'static str,
    pub next: Next,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub upstream_status: Option<i32>,
    pub duration_ms: i64,
}

/// An attempt to record: the job, the claim's fencing token, how it ended and when.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedAttempt {
    pub job_id: Uuid,
    pub token: i64,
    pub finish: Finish,
    pub at: OffsetDateTime,
}

/// The columns a finished attempt sets on its job row (both backends write the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobRowChange {
    pub status: &'static str,
    /// `None` keeps the row's `run_at`.
    pub run_at: Option<OffsetDateTime>,
    /// Added to `attempts`: -1 hands a throttled attempt back.
    pub attempts_delta: i32,
    pub dead_at: Option<OffsetDateTime>,
    pub finished_at: Option<OffsetDateTime>,
}

impl Next {
    pub fn row_change(self, now: OffsetDateTime) -> JobRowChange {
        let (status, run_at, attempts_delta, dead_at, finished_at) = match self {
            Next::Succeeded => ("succeeded", None, 0, None, Some(now)),
            Next::Retry { run_at } => ("queued", Some(run_at), 0, None, None),
            Next::Throttled { run_at } => ("queued", Some(run_at), -1, None, None),
            Next::Dead => ("dead", None, 0, Some(now), Some(now)),
        };
        JobRowChange {
            status,
            run_at,
            attempts_delta,
            dead_at,
            finished_at,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Succeeded,
    /// Back on the queue at `run_at` (a retry: the attempt counts).
    Retry {
        run_at: OffsetDateTime,
    },
    /// Back on the queue at `run_at` without using up an attempt (rate limit, open breaker).
    Throttled {
        run_at: OffsetDateTime,
    },
    Dead,
}

pub use orch_core::api::jobs::JOB_STATUSES as STATUSES;

impl JobRecord {
    pub fn enqueued(&self) -> EnqueuedJob {
        EnqueuedJob {
            id: self.id,
            status: self.status.clone(),
            queue: self.queue.clone(),
            tenant: self.tenant_id.clone(),
            created_at: self.created_at,
            run_at: self.run_at,
            trace_id: self.trace_id.clone(),
        }
    }

    pub fn view(&self, runs: &[RunRecord]) -> JobView {
        let last_error = (self.last_error_code.is_some() || self.last_error_message.is_some())
            .then(|| JobError {
                code: self.last_error_code.clone(),
                message: self.last_error_message.clone(),
                upstream_status: self
                    .last_upstream_status
                    .and_then(|s| u16::try_from(s).ok()),
            });
        JobView {
            id: self.id,
            tenant: self.tenant_id.clone(),
            queue: self.queue.clone(),
            kind: self.kind.clone(),
            status: self.status.clone(),
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            created_at: self.created_at,
            updated_at: self.updated_at,
            run_at: self.run_at,
            trace_id: self.trace_id.clone(),
            connector: self.connector.clone(),
            operation: self.operation.clone(),
            dedupe_key: self.dedupe_key.clone(),
            last_error,
            impersonated_by: self.impersonated_by,
            impersonation_id: self.impersonation_id,
            runs: runs.iter().map(RunRecord::view).collect(),
        }
    }
}

impl RunRecord {
    pub fn view(&self) -> RunView {
        RunView {
            attempt: self.attempt,
            worker: self.worker_id.clone(),
            started_at: self.started_at,
            finished_at: self.finished_at,
            duration_ms: self.duration_ms,
            outcome: self.outcome.clone(),
            error: (self.error_code.is_some() || self.error_message.is_some()).then(|| JobError {
                code: self.error_code.clone(),
                message: self.error_message.clone(),
                upstream_status: self.upstream_status.and_then(|s| u16::try_from(s).ok()),
            }),
        }
    }
}
