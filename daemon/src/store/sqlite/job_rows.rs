//! Job rows inside a caller's write transaction, shared by the job and inbox operations
//! (both insert jobs, and both move inbox rows along with their jobs): the columns, insert,
//! decode, and the inbox row that follows its job.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{from_micros, parse_opt_uuid, parse_uuid, to_micros};
use crate::model::jobs::{JobRecord, JobStatus};
use crate::store::StoreError;

pub(super) const JOB_COLUMNS: &str = "id, tenant_id, queue, kind, status, connector, operation, params, payload, inbox_id, \
     config_version, attempts, max_attempts, replay_generation, run_at, dedupe_key, last_error_code, \
     last_error_message, last_upstream_status, trace_id, request_id, trace_carrier, impersonated_by, \
     impersonation_id, created_at, updated_at, finished_at, dead_at";

fn json_text(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref().map(serde_json::Value::to_string)
}

/// Inserts a queued job inside the caller's write transaction (no dedupe check).
pub(super) async fn insert_job(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    j: &JobRecord,
) -> Result<JobRecord, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO jobs (id, tenant_id, queue, kind, status, connector, operation, params, payload, inbox_id, \
         config_version, attempts, max_attempts, replay_generation, run_at, dedupe_key, trace_id, request_id, \
         trace_carrier, impersonated_by, impersonation_id, created_at, updated_at) \
         VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {JOB_COLUMNS}"
    )))
    .bind(j.id.to_string())
    .bind(&j.tenant_id)
    .bind(&j.queue)
    .bind(j.kind.as_str())
    .bind(&j.connector)
    .bind(&j.operation)
    .bind(json_text(&j.params))
    .bind(json_text(&j.payload))
    .bind(j.inbox_id.map(|u| u.to_string()))
    .bind(j.config_version)
    .bind(j.max_attempts)
    .bind(to_micros(j.run_at))
    .bind(&j.dedupe_key)
    .bind(&j.trace_id)
    .bind(&j.request_id)
    .bind(json_text(&j.trace_carrier))
    .bind(j.impersonated_by.map(|u| u.to_string()))
    .bind(j.impersonation_id.map(|u| u.to_string()))
    .bind(to_micros(j.created_at))
    .bind(to_micros(j.created_at))
    .fetch_one(&mut **tx)
    .await?;
    decode_job(&row)
}

pub(super) fn decode_job(row: &SqliteRow) -> Result<JobRecord, StoreError> {
    let json = |name: &str| -> Result<Option<serde_json::Value>, StoreError> {
        row.try_get::<Option<String>, _>(name)?
            .map(|t| {
                serde_json::from_str(&t)
                    .map_err(|e| StoreError::Corrupt(format!("jobs.{name}: {e}")))
            })
            .transpose()
    };
    let time = |name: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<i64>, _>(name)?
            .map(from_micros)
            .transpose()
    };
    Ok(JobRecord {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        tenant_id: row.try_get("tenant_id")?,
        queue: row.try_get("queue")?,
        kind: row.try_get::<String, _>("kind")?.parse()?,
        status: row.try_get::<String, _>("status")?.parse()?,
        connector: row.try_get("connector")?,
        operation: row.try_get("operation")?,
        params: json("params")?,
        payload: json("payload")?,
        inbox_id: parse_opt_uuid(row.try_get("inbox_id")?)?,
        config_version: row.try_get("config_version")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        replay_generation: row.try_get("replay_generation")?,
        run_at: from_micros(row.try_get("run_at")?)?,
        dedupe_key: row.try_get("dedupe_key")?,
        last_error_code: row.try_get("last_error_code")?,
        last_error_message: row.try_get("last_error_message")?,
        last_upstream_status: row.try_get("last_upstream_status")?,
        trace_id: row.try_get("trace_id")?,
        request_id: row.try_get("request_id")?,
        trace_carrier: json("trace_carrier")?,
        impersonated_by: parse_opt_uuid(row.try_get("impersonated_by")?)?,
        impersonation_id: parse_opt_uuid(row.try_get("impersonation_id")?)?,
        created_at: from_micros(row.try_get("created_at")?)?,
        updated_at: from_micros(row.try_get("updated_at")?)?,
        finished_at: time("finished_at")?,
        dead_at: time("dead_at")?,
    })
}

/// Moves an inbox row along with its job, inside the caller's write transaction:
/// `succeeded` → `processed`, `dead` → `failed`, `queued` (replayed) → `received`. Only the
/// row's newest job speaks for it, and an unchanged row is not written.
pub(super) async fn follow_job(
    conn: &mut SqliteConnection,
    job_id: Uuid,
    inbox_id: Uuid,
    job_status: JobStatus,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let Some(to) = crate::model::inbox::inbox_status_of_job(job_status) else {
        return Ok(());
    };
    sqlx::query(
        "UPDATE webhook_inbox SET status = ?1, \
           processed_at = CASE WHEN ?1 = 'processed' THEN ?2 ELSE NULL END, \
           note = CASE WHEN ?1 = 'received' THEN NULL ELSE note END, updated_at = ?2 \
         WHERE id = ?3 AND status <> ?1 \
           AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.inbox_id = ?3 AND o.id > ?4)",
    )
    .bind(to)
    .bind(to_micros(at))
    .bind(inbox_id.to_string())
    .bind(job_id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
