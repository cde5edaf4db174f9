//! Storage: one interface, two backends (Postgres and embedded SQLite), picked by the
//! `database_url` scheme. Only this module knows SQL.
//!
//! The interface is a set of per-resource traits (`RequestLogStore`, …) gathered by
//! [`Store`]. Resources whose SQL reads the same in both dialects are implemented once for
//! both backends (`shared/`); the others once per backend, one file per resource. The
//! conformance suite (`daemon/tests/it/conformance`) runs the same tests against both.
//! Operations that must be atomic across tables (an inbox row and its job, a mutation and
//! its audit row) are single store operations, so each backend owns its transaction.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use orch_core::audit::{AuditDraft, AuditKey, AuditRecord};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::model::connection_url::ConnectionUrl;
use crate::model::console_sessions::ConsoleSessionRecord;
use crate::model::events::{EventQuery, EventRecord, NewEvent};
use crate::model::idempotency::{ClaimOutcome, IdempotencyClaim, StoredResponse};
use crate::model::identity::{
    ApiKeyRecord, AuditQuery, ImpersonationQuery, ImpersonationRecord, OperatorRecord,
    TenantClientRecord,
};
use crate::model::inbox::{InboxQuery, InboxRecord, NewDelivery, Received};
use crate::model::jobs::{
    Claim, DlqBatchAudit, DlqQueueStats, Finish, JobQuery, JobRecord, QueueStats, RunRecord,
};
use crate::model::quotas::LiveJobCounts;
use crate::model::request_log::{RequestLogEntry, RequestLogQuery};
use crate::model::tenant_config::{
    ConfigPointer, ConfigProjection, ConfigVersionRecord, PointerMove,
};

pub mod migrations;
mod postgres;
mod shared;
mod sqlite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Which backend a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached (connection refused, pool timeout, I/O).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("not found")]
    NotFound,
    /// A uniqueness or state precondition failed.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("migration failed: {0}")]
    Migration(String),
    /// A value read back could not be decoded (corrupt or foreign data).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("storage error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match err {
            E::RowNotFound => StoreError::NotFound,
            E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::WorkerCrashed => {
                StoreError::Unavailable(err.to_string())
            }
            E::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.to_string()),
            E::ColumnDecode { .. } | E::Decode(_) => StoreError::Corrupt(err.to_string()),
            E::Migrate(m) => StoreError::Migration(m.to_string()),
            other => StoreError::Other(other.to_string()),
        }
    }
}

impl From<crate::model::jobs::UnknownName> for StoreError {
    /// A column holding a name this build does not know (a job status, …).
    fn from(err: crate::model::jobs::UnknownName) -> Self {
        StoreError::Corrupt(err.to_string())
    }
}

/// Applied and pending schema migrations of a database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MigrationStatus {
    pub applied: Vec<i64>,
    /// Known to this build, not yet applied.
    pub pending: Vec<i64>,
    /// Applied, but their SQL differs from this build's: an applied migration was edited.
    pub modified: Vec<i64>,
    /// Applied by a newer build this one does not know.
    pub unknown: Vec<i64>,
}

impl MigrationStatus {
    /// True when this build can run against the schema.
    pub fn is_current(&self) -> bool {
        self.pending.is_empty() && self.modified.is_empty()
    }
}

/// Pool settings shared by both backends.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// The key audit rows are sealed with. Without one, the store refuses to append audit
    /// rows — and so every audited mutation (no audit, no mutation) — instead of sealing
    /// with a key nobody can verify with later. `orchd migrate` and `check` need none.
    pub audit_key: Option<AuditKey>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            audit_key: None,
        }
    }
}

/// The request log: one row per API request, written in batches.
#[async_trait]
pub trait RequestLogStore {
    async fn insert_request_logs(&self, entries: &[RequestLogEntry]) -> Result<(), StoreError>;
    /// Newest first.
    async fn list_request_logs(
        &self,
        query: &RequestLogQuery,
    ) -> Result<Vec<RequestLogEntry>, StoreError>;
}

/// Operators and their API keys. Every mutation takes the audit row it must write in the
/// same transaction; if the audit row cannot be written, nothing changes.
#[async_trait]
pub trait OperatorStore {
    /// Inserts an operator and its first key. `Conflict` if the name is taken.
    async fn create_operator(
        &self,
        operator: &OperatorRecord,
        key: &ApiKeyRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError>;
    async fn get_operator(&self, id: Uuid) -> Result<Option<OperatorRecord>, StoreError>;
    /// Oldest first.
    async fn list_operators(&self) -> Result<Vec<OperatorRecord>, StoreError>;
    async fn count_operators(&self) -> Result<u64, StoreError>;
    /// A key (revoked or not) by its public id, with its operator.
    async fn find_operator_key(
        &self,
        lookup_id: &str,
    ) -> Result<Option<(ApiKeyRecord, OperatorRecord)>, StoreError>;
    /// The operator, if it is enabled and `key_id` is one of its unrevoked keys.
    async fn active_operator(
        &self,
        operator_id: Uuid,
        key_id: Uuid,
    ) -> Result<Option<OperatorRecord>, StoreError>;
    /// Replaces a key's stored hash if it still is `old_hash` (a legacy hash upgraded after
    /// a successful check; not an operator action, so not audited). Whether it changed.
    async fn replace_operator_key_hash(
        &self,
        key_id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError>;
    /// Disables an enabled operator, revokes its keys and stops its running impersonations
    /// (`stopped_by` is the audit draft's operator). `NotFound` if there is no enabled
    /// operator with that id.
    async fn disable_operator(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError>;
    /// Adds `key`, revokes every other key of the operator and stops its running
    /// impersonations (they were started with a revoked key). `NotFound` if there is no
    /// enabled operator with that id.
    async fn rotate_operator_key(
        &self,
        operator_id: Uuid,
        key: &ApiKeyRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError>;
}

/// Operator console sessions (`identity/console_sessions.rs`). Sign-in and sign-out are
/// audited in the same transaction.
#[async_trait]
pub trait ConsoleSessionStore {
    /// Inserts a session and its audit row (`console.login`). `Conflict` if the id hash is
    /// taken.
    async fn create_console_session(
        &self,
        session: &ConsoleSessionRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError>;
    /// The unrevoked session with this id hash and its operator — `None` as well when the
    /// operator is disabled or the session's key revoked (rotated), so either ends every
    /// session of it at once. Expiry is the caller's check.
    async fn find_console_session(
        &self,
        id_hash: &str,
    ) -> Result<Option<(ConsoleSessionRecord, OperatorRecord)>, StoreError>;
    /// Moves an unrevoked session's `last_seen_at` forward to `at` (never back).
    async fn touch_console_session(
        &self,
        id_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Revokes an unrevoked session with its audit row (`console.logout`). `NotFound` if
    /// there is none.
    async fn revoke_console_session(
        &self,
        id_hash: &str,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError>;
    /// Deletes sessions that can never be valid again (revoked, past `expires_at` at `now`,
    /// or unused since `idle_before`); returns how many.
    async fn delete_ended_console_sessions(
        &self,
        now: OffsetDateTime,
        idle_before: OffsetDateTime,
    ) -> Result<u64, StoreError>;
}

/// The hash-chained operator audit log. Appends are serialised so the chain never forks.
#[async_trait]
pub trait AuditStore {
    /// Appends one row on its own.
    async fn append_audit(&self, draft: AuditDraft) -> Result<AuditRecord, StoreError>;
    /// Newest first, filtered.
    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError>;
    /// Rows with `seq > after_seq`, in chain order.
    async fn audit_chain(&self, after_seq: i64, limit: u32)
    -> Result<Vec<AuditRecord>, StoreError>;
}

/// Tenant clients (client credentials). Mutations are audited in the same transaction.
#[async_trait]
pub trait TenantClientStore {
    /// `Conflict` if the client id is taken.
    async fn create_tenant_client(
        &self,
        client: &TenantClientRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError>;
    /// The tenant's clients that are not deleted, oldest first.
    async fn list_tenant_clients(
        &self,
        tenant: &str,
    ) -> Result<Vec<TenantClientRecord>, StoreError>;
    /// A client by its `client_id`, deleted or not.
    async fn find_tenant_client(
        &self,
        client_id: &str,
    ) -> Result<Option<TenantClientRecord>, StoreError>;
    /// Replaces a client's stored secret hash if it still is `old_hash` (a legacy hash
    /// upgraded after a successful check; not audited). Whether it changed.
    async fn replace_tenant_client_secret_hash(
        &self,
        id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError>;
    /// Soft-deletes a client of `tenant`. `NotFound` if absent or already deleted.
    async fn delete_tenant_client(
        &self,
        tenant: &str,
        id: Uuid,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError>;
}

/// Impersonations. Start and stop are audited in the same transaction.
#[async_trait]
pub trait ImpersonationStore {
    /// Records an impersonation started with the operator's key `key_id`. `NotFound` unless
    /// the operator is enabled and that key unrevoked — checked under the operator's row
    /// lock, so a concurrent disable or rotation either sees this row (and stops it) or
    /// makes this call fail.
    async fn create_impersonation(
        &self,
        impersonation: &ImpersonationRecord,
        key_id: Uuid,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError>;
    async fn get_impersonation(&self, id: Uuid) -> Result<Option<ImpersonationRecord>, StoreError>;
    /// Newest first.
    async fn list_impersonations(
        &self,
        query: &ImpersonationQuery,
    ) -> Result<Vec<ImpersonationRecord>, StoreError>;
    /// Stops a running impersonation. `NotFound` if absent or already stopped.
    async fn stop_impersonation(
        &self,
        id: Uuid,
        stopped_by: Uuid,
        reason: &str,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError>;
}

/// Versioned tenant config: immutable versions with their projections, and the pointer.
/// Every write is audited in the same transaction.
#[async_trait]
pub trait ConfigStore {
    /// Stores a new version (its number must be the tenant's newest + 1, else `Conflict`)
    /// with its projection rows. With `activate`, also moves the pointer to it in the same
    /// transaction (the move's `from_version` is taken from the current pointer) and returns
    /// the new pointer.
    async fn create_config_version(
        &self,
        version: &ConfigVersionRecord,
        projection: &ConfigProjection,
        activate: Option<&PointerMove>,
        audit: AuditDraft,
    ) -> Result<Option<ConfigPointer>, StoreError>;
    async fn latest_config_version(
        &self,
        tenant: &str,
    ) -> Result<Option<ConfigVersionRecord>, StoreError>;
    async fn get_config_version(
        &self,
        tenant: &str,
        version: i32,
    ) -> Result<Option<ConfigVersionRecord>, StoreError>;
    /// Newest first; with `before`, only versions below it.
    async fn list_config_versions(
        &self,
        tenant: &str,
        before: Option<i32>,
        limit: u32,
    ) -> Result<Vec<ConfigVersionRecord>, StoreError>;
    async fn get_config_projection(
        &self,
        tenant: &str,
        version: i32,
    ) -> Result<ConfigProjection, StoreError>;
    async fn get_config_pointer(&self, tenant: &str) -> Result<Option<ConfigPointer>, StoreError>;
    /// Every tenant with an active version.
    async fn list_config_pointers(&self) -> Result<Vec<ConfigPointer>, StoreError>;
    /// Moves the pointer to `mv.to_version` if it still names `mv.from_version` (`None` =
    /// no pointer yet): `Conflict` if it moved meanwhile, `NotFound` if the version does not
    /// exist. Records the move in the pointer history.
    async fn move_config_pointer(
        &self,
        mv: &PointerMove,
        audit: AuditDraft,
    ) -> Result<ConfigPointer, StoreError>;
    /// Newest first.
    async fn config_pointer_history(
        &self,
        tenant: &str,
        limit: u32,
    ) -> Result<Vec<PointerMove>, StoreError>;
}

/// Idempotency keys of tenant endpoints.
#[async_trait]
pub trait IdempotencyStore {
    /// Claims a key atomically: inserts an in-flight row, or takes over a row whose TTL
    /// expired, or whose in-flight lease expired with the same fingerprint (the first
    /// request died). Otherwise returns what is there.
    async fn claim_idempotency_key(
        &self,
        claim: &IdempotencyClaim,
    ) -> Result<ClaimOutcome, StoreError>;
    /// Stores the response of a claimed key.
    async fn complete_idempotency_key(
        &self,
        tenant: &str,
        endpoint: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError>;
    /// Deletes an in-flight claim (nothing was sent; the key may be used again).
    async fn release_idempotency_key(
        &self,
        tenant: &str,
        endpoint: &str,
        key: &str,
    ) -> Result<(), StoreError>;
    /// Deletes keys past their TTL; returns how many.
    async fn purge_expired_idempotency_keys(&self, now: OffsetDateTime) -> Result<u64, StoreError>;
}

/// The event log.
#[async_trait]
pub trait EventStore {
    /// Appends events; their ids become visible to readers in increasing order (appends are
    /// serialised), so a reader resuming after id N never misses one committed later below N.
    async fn append_events(&self, events: &[NewEvent]) -> Result<Vec<i64>, StoreError>;
    /// With `after_id`: oldest first after it; otherwise newest first (before `before_id`).
    async fn list_events(&self, query: &EventQuery) -> Result<Vec<EventRecord>, StoreError>;
}

/// Jobs and their runs.
#[async_trait]
pub trait JobStore {
    /// Inserts a queued job, unless its `dedupe_key` names a live (queued or running) job of
    /// the tenant: then that job is returned and `false`.
    async fn enqueue_job(&self, job: &JobRecord) -> Result<(JobRecord, bool), StoreError>;
    async fn get_job(&self, id: Uuid) -> Result<Option<JobRecord>, StoreError>;
    /// Newest first.
    async fn list_jobs(&self, query: &JobQuery) -> Result<Vec<JobRecord>, StoreError>;
    /// In attempt order.
    async fn job_runs(&self, job_id: Uuid) -> Result<Vec<RunRecord>, StoreError>;
    /// The runs of each of `job_ids`: the newest `per_job` of a job (one throttled for hours
    /// has a run per try), in job id then attempt order. Unknown ids have none.
    async fn runs_of_jobs(
        &self,
        job_ids: &[Uuid],
        per_job: u32,
    ) -> Result<Vec<RunRecord>, StoreError>;
    /// `queued` → `cancelled` for the tenant's job: `NotFound` if there is none, `Conflict`
    /// if it is not queued.
    async fn cancel_job(
        &self,
        tenant: &str,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<JobRecord, StoreError>;
    /// Claims up to `limit` due jobs of `queue` for `worker` in one conditional update: each
    /// gets a lease until `lease_until`, its attempt count and fencing token bumped, and a
    /// run row. A job is claimed by one worker at a time.
    async fn claim_jobs(
        &self,
        queue: &str,
        worker: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Claim>, StoreError>;
    /// Claims those of `ids` that are still queued and due, as [`JobStore::claim_jobs`] does;
    /// ids that are not (already claimed, cancelled, rescheduled) are skipped — dispatch
    /// may hand out an id twice.
    async fn claim_jobs_by_id(
        &self,
        ids: &[Uuid],
        worker: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Vec<Claim>, StoreError>;
    /// Queued jobs of `queue` in `(run_at, id)` order after `after`, due by `due_before`
    /// if given: what dispatch is rebuilt from.
    async fn queued_job_tickets(
        &self,
        queue: &str,
        after: Option<(OffsetDateTime, Uuid)>,
        due_before: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<crate::model::dispatch::DispatchTicket>, StoreError>;
    /// Extends a lease; `false` if the claim is no longer this token's.
    async fn heartbeat_job(
        &self,
        id: Uuid,
        token: i64,
        lease_until: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Records how the attempt ended and moves the job on; `false` (and no change) if the
    /// claim is no longer this token's, so a stale worker cannot overwrite a newer attempt.
    async fn finish_job(
        &self,
        id: Uuid,
        token: i64,
        finish: &Finish,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = self
            .finish_jobs(&[crate::model::jobs::FinishedAttempt {
                job_id: id,
                token,
                finish: finish.clone(),
                at: now,
            }])
            .await?;
        Ok(done.first().copied().unwrap_or(false))
    }
    /// [`JobStore::finish_job`] for many attempts in one transaction (one commit for a
    /// batch of completions); the answer per attempt, in order.
    async fn finish_jobs(
        &self,
        batch: &[crate::model::jobs::FinishedAttempt],
    ) -> Result<Vec<bool>, StoreError>;
    /// Running jobs whose lease expired: their run is `crashed`; the job goes back on its
    /// queue, or dead if its attempts are used up. Returns the reclaimed jobs as they are now.
    async fn reclaim_expired_jobs(&self, now: OffsetDateTime)
    -> Result<Vec<JobRecord>, StoreError>;
    /// Per queue: queued jobs and the oldest due one's `run_at`. Every queue is listed.
    async fn queue_stats(&self, now: OffsetDateTime) -> Result<Vec<QueueStats>, StoreError>;
    /// Per queue: dead jobs and the oldest one's `dead_at`. Every queue is listed.
    async fn dlq_stats(&self) -> Result<Vec<DlqQueueStats>, StoreError>;
    /// Puts the given jobs that are still dead back on their queue: attempts reset, replay
    /// generation bumped (a new upstream idempotency key), runs kept; a dedupe key another
    /// live job holds by now is dropped from the replayed job. In the same transaction, when
    /// any job changed, the audit row `audit(replayed ids)`: both commit or neither does.
    /// Returns those replayed.
    async fn replay_dead_jobs(
        &self,
        ids: &[Uuid],
        now: OffsetDateTime,
        audit: &DlqBatchAudit,
    ) -> Result<Vec<Uuid>, StoreError>;
    /// Marks the given jobs that are still dead `purged` and deletes their payload and
    /// params; rows and runs stay. In the same transaction, when any job changed, the audit
    /// row `audit(purged ids)`. Returns those purged.
    async fn purge_dead_jobs(
        &self,
        ids: &[Uuid],
        now: OffsetDateTime,
        audit: &DlqBatchAudit,
    ) -> Result<Vec<Uuid>, StoreError>;
}

/// The webhook inbox: one row per provider event per tenant, and the jobs that process it.
/// A row's status follows its newest job: `finish_jobs` and `reclaim_expired_jobs` mark it
/// `processed` / `failed` and `replay_dead_jobs` puts it back to `received`, each in its
/// own transaction, so the two never disagree.
#[async_trait]
pub trait InboxStore {
    /// In one transaction: the inbox row (unique on provider, tenant and event id), the body
    /// (in the row, or in `payload_blobs` when longer than `inline_max`, with `payload_ref`
    /// naming it) and the job. A duplicate event id inserts nothing and returns the row that
    /// holds it, without a job.
    async fn receive_delivery(&self, delivery: &NewDelivery) -> Result<Received, StoreError>;
    /// A row with its job ids.
    async fn get_inbox(&self, id: Uuid) -> Result<Option<InboxRecord>, StoreError>;
    /// The raw body as received, wherever it is stored; `None` if there is no such row.
    async fn inbox_payload(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError>;
    /// Newest first, with job ids.
    async fn list_inbox(&self, query: &InboxQuery) -> Result<Vec<InboxRecord>, StoreError>;
    /// Puts the row of `job.inbox_id` back to `received` (note and `processed_at` cleared)
    /// and inserts `job`, with the audit row, in one transaction. `NotFound` without the
    /// row; `Conflict` while one of its jobs is still queued or running.
    async fn replay_inbox(
        &self,
        job: &JobRecord,
        audit: AuditDraft,
    ) -> Result<(InboxRecord, JobRecord), StoreError>;
    /// Sets a row's note (e.g. that no route matched its event type).
    async fn note_inbox(&self, id: Uuid, note: &str, at: OffsetDateTime) -> Result<(), StoreError>;
}

/// Live-job counts behind per-tenant quotas (`quotas.rs`). Database triggers keep them
/// in the same transaction as every insert and status change of a job, whatever the code
/// path (enqueue, delivery, finish, reclaim, cancel, replay).
#[async_trait]
pub trait QuotaStore {
    /// The tenant's live (queued or running) jobs of `kind`, per queue, read in one snapshot;
    /// with how many counter deltas were still waiting to be folded.
    async fn live_job_counts(&self, tenant: &str, kind: &str) -> Result<LiveJobCounts, StoreError>;
    /// Folds up to `limit` pending deltas into the counters (a no-op where there are none);
    /// returns how many it folded. Safe to run on several nodes at once.
    async fn fold_live_job_counts(&self, limit: u32) -> Result<u64, StoreError>;
}

/// Everything orchd stores, on one backend.
#[async_trait]
pub trait Store:
    RequestLogStore
    + OperatorStore
    + ConsoleSessionStore
    + AuditStore
    + TenantClientStore
    + ImpersonationStore
    + ConfigStore
    + IdempotencyStore
    + EventStore
    + JobStore
    + InboxStore
    + QuotaStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;
    /// One round trip to the database.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Applies pending migrations (serialised across nodes); returns the versions applied.
    async fn migrate(&self) -> Result<Vec<i64>, StoreError>;
    async fn migration_status(&self) -> Result<MigrationStatus, StoreError>;
    /// Closes the pool, waiting for checked-out connections.
    async fn close(&self);
}

/// Opens the store named by `url` (`postgres://…`, `postgresql://…` or `sqlite://…`).
/// Does not migrate.
pub async fn connect(
    url: &ConnectionUrl,
    options: &StoreOptions,
) -> Result<Arc<dyn Store>, StoreError> {
    match url.scheme() {
        Some("postgres" | "postgresql") => Ok(Arc::new(PgStore::connect(url, options).await?)),
        Some("sqlite") => Ok(Arc::new(SqliteStore::connect(url, options).await?)),
        _ => Err(StoreError::Other(format!(
            "unsupported database url {}: expected postgres:// or sqlite://",
            url.redacted()
        ))),
    }
}

/// Scopes are stored as a space-separated list.
fn scopes_from_text(text: &str) -> Vec<orch_core::rbac::Scope> {
    orch_core::rbac::Scope::parse_claim(text)
}

/// Per-queue counts with a row for every queue, empty ones included, in queue order:
/// `found` maps a queue to its count and oldest time.
fn every_queue<T>(
    mut found: std::collections::HashMap<String, (i64, Option<OffsetDateTime>)>,
    row: impl Fn(String, i64, Option<OffsetDateTime>) -> T,
) -> Vec<T> {
    orch_core::config::model::QUEUES
        .iter()
        .map(|q| {
            let (count, oldest) = found.remove(*q).unwrap_or((0, None));
            row((*q).to_owned(), count, oldest)
        })
        .collect()
}

fn queue_stats_for_every_queue(
    found: std::collections::HashMap<String, (i64, Option<OffsetDateTime>)>,
) -> Vec<QueueStats> {
    every_queue(found, |queue, depth, oldest_due| QueueStats {
        queue,
        depth,
        oldest_due,
    })
}

fn dlq_stats_for_every_queue(
    found: std::collections::HashMap<String, (i64, Option<OffsetDateTime>)>,
) -> Vec<DlqQueueStats> {
    every_queue(found, |queue, depth, oldest_dead_at| DlqQueueStats {
        queue,
        depth,
        oldest_dead_at,
    })
}

/// The audit key of a store, or the refusal to append without one.
fn require_audit_key(key: Option<&AuditKey>) -> Result<&AuditKey, StoreError> {
    key.ok_or_else(|| {
        StoreError::Other(
            "this store was opened without an audit key; it cannot append audit rows".into(),
        )
    })
}

fn rows_limit(limit: u32) -> i64 {
    i64::from(limit.clamp(1, orch_core::api::list::MAX_LIMIT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::jobs::JobStatus;

    #[test]
    fn an_unknown_name_read_back_is_a_corrupt_row() {
        let err: StoreError = "paused"
            .parse::<JobStatus>()
            .map_err(StoreError::from)
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Corrupt(m) if m == "unknown job status \"paused\""),
            "{err:?}"
        );
    }
}
