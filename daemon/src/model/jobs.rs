//! Jobs and their runs as the store keeps them, the list filters, and what a finished
//! attempt writes back.

use orch_core::api::jobs::{EnqueuedJob, JobError, JobView, RunView};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

/// A name read back (from the database or a request) that is not one of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownName {
    /// What was being named (`job status`, …).
    pub what: &'static str,
    pub value: String,
}

/// A closed set of names stored as lowercase text: `as_str`, parsing (an unknown name is an
/// [`UnknownName`], never a panic), `Display`, serde as the text, and comparison with `&str`
/// so code and tests can still say `job.status == "dead"`.
macro_rules! named {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        what: $what,
                        value: s.to_owned(),
                    }),
                }
            }
        }

        impl TryFrom<&str> for $name {
            type Error = UnknownName;

            fn try_from(s: &str) -> Result<Self, UnknownName> {
                s.parse()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

named!(
    /// Where a job is in its life (the `jobs.status` column).
    JobStatus, "job status", {
        /// Waiting for its `run_at` and a worker.
        Queued => "queued",
        /// Claimed by a worker holding the lease.
        Running => "running",
        Succeeded => "succeeded",
        /// Out of attempts or failed permanently: in the dead-letter queue.
        Dead => "dead",
        /// Cancelled by its tenant while queued.
        Cancelled => "cancelled",
        /// Removed from the dead-letter queue by an operator (the row stays).
        Purged => "purged",
    }
);

named!(
    /// What a job does (the `jobs.kind` column).
    JobKind, "job kind", {
        /// A connector operation enqueued through `/v1/jobs`.
        Execute => "execute",
        /// A verified webhook delivery to route (`webhooks/process.rs`).
        Webhook => "webhook",
    }
);

named!(
    /// How one attempt ended (the `runs.outcome` column).
    RunOutcome, "run outcome", {
        Succeeded => "succeeded",
        Failed => "failed",
        /// The connector call ran out of time.
        Timeout => "timeout",
        /// The worker stopped heartbeating and its lease expired.
        Crashed => "crashed",
        /// Not run for a rate limit, a full concurrency cap, an open breaker or storage
        /// trouble; the attempt is handed back.
        Throttled => "throttled",
        Cancelled => "cancelled",
    }
);

/// A job row.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    pub id: Uuid,
    pub tenant_id: String,
    pub queue: String,
    pub kind: JobKind,
    pub status: JobStatus,
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
    pub outcome: Option<RunOutcome>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub upstream_status: Option<i32>,
}

/// Filters of job lists (newest first; `before` is the paging cursor).
#[derive(Debug, Clone, Default)]
pub struct JobQuery {
    pub tenant: Option<String>,
    pub queue: Option<String>,
    pub status: Option<JobStatus>,
    pub connector: Option<String>,
    pub error_code: Option<String>,
    /// Dead at or after (DLQ filters).
    pub dead_since: Option<OffsetDateTime>,
    /// Dead before.
    pub dead_until: Option<OffsetDateTime>,
    /// Only jobs of this trace (the request that made them).
    pub trace_id: Option<String>,
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
    pub outcome: RunOutcome,
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
    pub status: JobStatus,
    /// `None` keeps the row's `run_at`.
    pub run_at: Option<OffsetDateTime>,
    /// Added to `attempts`: -1 hands a throttled attempt back.
    pub attempts_delta: i32,
    pub dead_at: Option<OffsetDateTime>,
    pub finished_at: Option<OffsetDateTime>,
}

impl Next {
    /// The job's status after this step.
    pub fn status(self) -> JobStatus {
        match self {
            Next::Succeeded => JobStatus::Succeeded,
            Next::Retry { .. } | Next::Throttled { .. } => JobStatus::Queued,
            Next::Dead => JobStatus::Dead,
        }
    }

    pub fn row_change(self, now: OffsetDateTime) -> JobRowChange {
        let (run_at, attempts_delta, dead_at, finished_at) = match self {
            Next::Succeeded => (None, 0, None, Some(now)),
            Next::Retry { run_at } => (Some(run_at), 0, None, None),
            Next::Throttled { run_at } => (Some(run_at), -1, None, None),
            Next::Dead => (None, 0, Some(now), Some(now)),
        };
        JobRowChange {
            status: self.status(),
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

impl JobRecord {
    pub fn enqueued(&self) -> EnqueuedJob {
        EnqueuedJob {
            id: self.id,
            status: self.status.as_str().to_owned(),
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
            kind: self.kind.as_str().to_owned(),
            status: self.status.as_str().to_owned(),
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
            outcome: self.outcome.map(|o| o.as_str().to_owned()),
            upstream_status: self.upstream_status.and_then(|s| u16::try_from(s).ok()),
            error: (self.error_code.is_some() || self.error_message.is_some()).then(|| JobError {
                code: self.error_code.clone(),
                message: self.error_message.clone(),
                upstream_status: self.upstream_status.and_then(|s| u16::try_from(s).ok()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_the_api_list() {
        let names: Vec<&str> = JobStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, orch_core::api::jobs::JOB_STATUSES);
    }

    #[test]
    fn names_round_trip_and_unknown_ones_are_errors() {
        for s in JobStatus::ALL {
            assert_eq!(s.as_str().parse::<JobStatus>(), Ok(*s));
            assert_eq!(serde_json::to_value(s).ok(), Some(s.as_str().into()));
        }
        for k in JobKind::ALL {
            assert_eq!(JobKind::try_from(k.as_str()), Ok(*k));
        }
        for o in RunOutcome::ALL {
            assert_eq!(o.to_string().parse::<RunOutcome>(), Ok(*o));
        }
        assert_eq!(
            "exploded".parse::<RunOutcome>(),
            Err(UnknownName {
                what: "run outcome",
                value: "exploded".to_owned()
            })
        );
        assert!("Queued".parse::<JobStatus>().is_err());
        assert!(JobKind::Webhook == "webhook" && JobStatus::Dead != "queued");
    }
}
