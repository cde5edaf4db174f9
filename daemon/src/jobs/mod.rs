//! Jobs: durable units of async work on a queue. The database row is the truth; enqueueing
//! commits the row (deduplicated by a partial unique index on live jobs' `dedupe_key`).
//! Workers claim them with a lease and a fencing token (`worker`); what an attempt means
//! for the job is decided in `outcome`.

pub mod outcome;
pub mod service;
pub mod worker;

pub use crate::model::jobs::{
    Claim, DlqBatchAudit, DlqQueueStats, Finish, FinishedAttempt, JobKind, JobQuery, JobRecord,
    JobRowChange, JobStatus, Next, QueueStats, RunOutcome, RunRecord, UnknownName,
};

pub use orch_core::api::jobs::JOB_STATUSES as STATUSES;
