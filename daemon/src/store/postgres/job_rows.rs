//! Job rows inside a caller's transaction, shared by the job and inbox operations (both
//! insert jobs, and both move inbox rows along with their jobs): the columns, insert,
//! decode, and the inbox rows that follow their jobs.

use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::model::jobs::{JobRecord, JobStatus};
use crate::store::StoreError;

pub(super) const JOB_COLUMNS: &str = "id, tenant_id, queue, kind, status, connector, operation, params, payload, inbox_id, \
     config_version, attempts, max_attempts, replay_generation, run_at, dedupe_key, last_error_code, \
     last_error_message, last_upstream_status, trace_id, request_id, trace_carrier, impersonated_by, \
     impersonation_id, created_at, updated_at, finished_at, dead_at";

/// Inserts a queued job in the caller's transaction; `None` when its `dedupe_key` names a
/// live job of the tenant (the partial unique index decides).
pub(super) async fn insert_job(
    conn: &mut PgConnection,
    j: &JobRecord,
) -> Result<Option<JobRecord>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO jobs (id, tenant_id, queue, kind, status, connector, operation, params, payload, inbox_id, \
         config_version, attempts, max_attempts, replay_generation, run_at, dedupe_key, trace_id, request_id, \
         trace_carrier, impersonated_by, impersonation_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8, $9, $10, 0, $11, 0, $12, $13, $14, $15, $16, $17, $18, $19, $19) \
         ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') \
         DO NOTHING RETURNING {JOB_COLUMNS}"
    )))
    .bind(j.id)
    .bind(&j.tenant_id)
    .bind(&j.queue)
    .bind(j.kind.as_str())
    .bind(&j.connector)
    .bind(&j.operation)
    .bind(j.params.as_ref().map(Json))
    .bind(j.payload.as_ref().map(Json))
    .bind(j.inbox_id)
    .bind(j.config_version)
    .bind(j.max_attempts)
    .bind(j.run_at)
    .bind(&j.dedupe_key)
    .bind(&j.trace_id)
    .bind(&j.request_id)
    .bind(j.trace_carrier.as_ref().map(Json))
    .bind(j.impersonated_by)
    .bind(j.impersonation_id)
    .bind(j.created_at)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(decode_job).transpose()
}

pub(super) fn decode_job(row: &PgRow) -> Result<JobRecord, StoreError> {
    let json = |name: &str| -> Result<Option<serde_json::Value>, sqlx::Error> {
        Ok(row
            .try_get::<Option<Json<serde_json::Value>>, _>(name)?
            .map(|j| j.0))
    };
    Ok(JobRecord {
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        queue: row.try_get("queue")?,
        kind: row.try_get::<String, _>("kind")?.parse()?,
        status: row.try_get::<String, _>("status")?.parse()?,
        connector: row.try_get("connector")?,
        operation: row.try_get("operation")?,
        params: json("params")?,
        payload: json("payload")?,
        inbox_id: row.try_get("inbox_id")?,
        config_version: row.try_get("config_version")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        replay_generation: row.try_get("replay_generation")?,
        run_at: row.try_get("run_at")?,
        dedupe_key: row.try_get("dedupe_key")?,
        last_error_code: row.try_get("last_error_code")?,
        last_error_message: row.try_get("last_error_message")?,
        last_upstream_status: row.try_get("last_upstream_status")?,
        trace_id: row.try_get("trace_id")?,
        request_id: row.try_get("request_id")?,
        trace_carrier: json("trace_carrier")?,
        impersonated_by: row.try_get("impersonated_by")?,
        impersonation_id: row.try_get("impersonation_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        finished_at: row.try_get("finished_at")?,
        dead_at: row.try_get("dead_at")?,
    })
}

/// Moves inbox rows along with their jobs, inside the caller's job transaction: for each
/// `(job id, inbox id, job status, at)`, a `succeeded` job marks its row `processed`, a
/// `dead` one `failed`, a `queued` one (replayed) `received` — but only the row's newest
/// job speaks for it, and unchanged rows are not written.
pub(super) async fn follow_jobs(
    conn: &mut PgConnection,
    jobs: &[(Uuid, Option<Uuid>, JobStatus, OffsetDateTime)],
) -> Result<(), StoreError> {
    let mut job_ids = Vec::new();
    let mut inbox_ids = Vec::new();
    let mut statuses = Vec::new();
    let mut ats = Vec::new();
    for (job, inbox, status, at) in jobs {
        let Some(inbox) = inbox else { continue };
        let Some(to) = crate::model::inbox::inbox_status_of_job(*status) else {
            continue;
        };
        job_ids.push(*job);
        inbox_ids.push(*inbox);
        statuses.push(to);
        ats.push(*at);
    }
    if job_ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE webhook_inbox w SET status = u.status, \
           processed_at = CASE WHEN u.status = 'processed' THEN u.at ELSE NULL END, \
           note = CASE WHEN u.status = 'received' THEN NULL ELSE w.note END, updated_at = u.at \
         FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[]) AS u(job_id, inbox_id, status, at) \
         WHERE w.id = u.inbox_id AND w.status <> u.status \
           AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.inbox_id = u.inbox_id AND o.id > u.job_id)",
    )
    .bind(&job_ids)
    .bind(&inbox_ids)
    .bind(&statuses)
    .bind(&ats)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
