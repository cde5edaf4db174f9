use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::PgStore;
use crate::jobs::{JobQuery, JobRecord, RunRecord};
use crate::store::{JobStore, StoreError, rows_limit};

const JOB_COLUMNS: &str = "id, tenant_id, queue, kind, status, connector, operation, params, payload, inbox_id, \
     config_version, attempts, max_attempts, replay_generation, run_at, dedupe_key, last_error_code, \
     last_error_message, last_upstream_status, trace_id, request_id, trace_carrier, impersonated_by, \
     impersonation_id, created_at, updated_at, finished_at, dead_at";
const RUN_COLUMNS: &str = "id, job_id, attempt, worker_id, started_at, finished_at, duration_ms, outcome, \
     error_code, error_message, upstream_status";

#[async_trait]
impl JobStore for PgStore {
    async fn enqueue_job(&self, j: &JobRecord) -> Result<(JobRecord, bool), StoreError> {
        // The partial unique index decides races; a dedupe hit returns the live job. If that
        // job finished between the two statements, insert again.
        for _ in 0..3 {
            let inserted = sqlx::query(sqlx::AssertSqlSafe(format!(
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
            .bind(&j.kind)
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
            .fetch_optional(self.pool())
            .await?;
            if let Some(row) = inserted {
                return Ok((decode_job(&row)?, true));
            }
            let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND dedupe_key = $2 \
                 AND status IN ('queued', 'running')"
            )))
            .bind(&j.tenant_id)
            .bind(&j.dedupe_key)
            .fetch_optional(self.pool())
            .await?;
            if let Some(row) = existing {
                return Ok((decode_job(&row)?, false));
            }
        }
        Err(StoreError::Conflict(
            "the dedupe key kept changing hands; retry".into(),
        ))
    }

    async fn get_job(&self, id: Uuid) -> Result<Option<JobRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_job).transpose()
    }

    async fn list_jobs(&self, q: &JobQuery) -> Result<Vec<JobRecord>, StoreError> {
        let mut b: QueryBuilder<Postgres> =
            QueryBuilder::new(format!("SELECT {JOB_COLUMNS} FROM jobs WHERE true"));
        if let Some(v) = &q.tenant {
            b.push(" AND tenant_id = ").push_bind(v);
        }
        if let Some(v) = &q.queue {
            b.push(" AND queue = ").push_bind(v);
        }
        if let Some(v) = &q.status {
            b.push(" AND status = ").push_bind(v);
        }
        if let Some(v) = q.before {
            b.push(" AND id < ").push_bind(v);
        }
        // Ids are UUIDv7: ordering by id is ordering by creation.
        b.push(" ORDER BY id DESC LIMIT ")
            .push_bind(rows_limit(q.limit));
        let rows = b.build().fetch_all(self.pool()).await?;
        rows.iter().map(decode_job).collect()
    }

    async fn job_runs(&self, job_id: Uuid) -> Result<Vec<RunRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE job_id = $1 ORDER BY attempt, started_at"
        )))
        .bind(job_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decode_run).collect()
    }

    async fn cancel_job(
        &self,
        tenant: &str,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<JobRecord, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = 'cancelled', updated_at = $3, finished_at = $3 \
             WHERE id = $1 AND tenant_id = $2 AND status = 'queued' RETURNING {JOB_COLUMNS}"
        )))
        .bind(id)
        .bind(tenant)
        .bind(at)
        .fetch_optional(self.pool())
        .await?;
        if let Some(row) = row {
            return decode_job(&row);
        }
        match self.get_job(id).await? {
            Some(j) if j.tenant_id == tenant => {
                Err(StoreError::Conflict(format!("the job is {}", j.status)))
            }
            _ => Err(StoreError::NotFound),
        }
    }
}

fn decode_job(row: &PgRow) -> Result<JobRecord, StoreError> {
    let json = |name: &str| -> Result<Option<serde_json::Value>, sqlx::Error> {
        Ok(row
            .try_get::<Option<Json<serde_json::Value>>, _>(name)?
            .map(|j| j.0))
    };
    Ok(JobRecord {
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        queue: row.try_get("queue")?,
        kind: row.try_get("kind")?,
        status: row.try_get("status")?,
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

fn decode_run(row: &PgRow) -> Result<RunRecord, StoreError> {
    Ok(RunRecord {
        id: row.try_get("id")?,
        job_id: row.try_get("job_id")?,
        attempt: row.try_get("attempt")?,
        worker_id: row.try_get("worker_id")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        duration_ms: row.try_get("duration_ms")?,
        outcome: row.try_get("outcome")?,
        error_code: row.try_get("error_code")?,
        error_message: row.try_get("error_message")?,
        upstream_status: row.try_get("upstream_status")?,
    })
}
