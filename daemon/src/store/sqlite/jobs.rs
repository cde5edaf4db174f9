use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use time::OffsetDateTime;
use uuid::Uuid;

use super::job_rows::{JOB_COLUMNS, decode_job, follow_job, insert_job};
use super::{SqliteStore, from_micros, parse_opt_uuid, parse_uuid, to_micros};
use crate::model::dispatch::DispatchTicket;
use crate::model::jobs::{
    Claim, DlqBatchAudit, DlqQueueStats, FinishedAttempt, JobQuery, JobRecord, JobRowChange,
    JobStatus, Next, QueueStats, RunRecord,
};
use crate::store::shared::append_in_tx;
use crate::store::{JobStore, StoreError, rows_limit};

const RUN_COLUMNS: &str = "id, job_id, attempt, worker_id, started_at, finished_at, duration_ms, outcome, \
     error_code, error_message, upstream_status";

#[async_trait]
impl JobStore for SqliteStore {
    async fn enqueue_job(&self, j: &JobRecord) -> Result<(JobRecord, bool), StoreError> {
        // One writer at a time: the dedupe check and the insert cannot interleave.
        let mut tx = self.begin_write().await?;
        if let Some(key) = &j.dedupe_key {
            let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = ? AND dedupe_key = ? AND status IN ('queued', 'running')"
            )))
            .bind(&j.tenant_id)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = existing {
                return Ok((decode_job(&row)?, false));
            }
        }
        let job = insert_job(&mut tx, j).await?;
        tx.commit().await?;
        Ok((job, true))
    }

    async fn get_job(&self, id: Uuid) -> Result<Option<JobRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_job).transpose()
    }

    async fn list_jobs(&self, q: &JobQuery) -> Result<Vec<JobRecord>, StoreError> {
        let mut b: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("SELECT {JOB_COLUMNS} FROM jobs WHERE 1 = 1"));
        if let Some(v) = &q.tenant {
            b.push(" AND tenant_id = ").push_bind(v.clone());
        }
        if let Some(v) = &q.queue {
            b.push(" AND queue = ").push_bind(v.clone());
        }
        if let Some(v) = q.status {
            b.push(" AND status = ").push_bind(v.as_str());
        }
        if let Some(v) = &q.connector {
            b.push(" AND connector = ").push_bind(v.clone());
        }
        if let Some(v) = &q.error_code {
            b.push(" AND last_error_code = ").push_bind(v.clone());
        }
        if let Some(v) = q.dead_since {
            b.push(" AND dead_at >= ").push_bind(to_micros(v));
        }
        if let Some(v) = q.dead_until {
            b.push(" AND dead_at < ").push_bind(to_micros(v));
        }
        if let Some(v) = &q.trace_id {
            b.push(" AND trace_id = ").push_bind(v.clone());
        }
        if !q.ids.is_empty() {
            b.push(" AND id IN (");
            let mut ids = b.separated(", ");
            for id in &q.ids {
                ids.push_bind(id.to_string());
            }
            b.push(")");
        }
        if let Some(v) = q.before {
            b.push(" AND id < ").push_bind(v.to_string());
        }
        b.push(" ORDER BY id DESC LIMIT ")
            .push_bind(rows_limit(q.limit));
        let rows = b.build().fetch_all(self.pool()).await?;
        rows.iter().map(decode_job).collect()
    }

    async fn job_runs(&self, job_id: Uuid) -> Result<Vec<RunRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE job_id = ? ORDER BY attempt, started_at"
        )))
        .bind(job_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decode_run).collect()
    }

    async fn runs_of_jobs(
        &self,
        job_ids: &[Uuid],
        per_job: u32,
    ) -> Result<Vec<RunRecord>, StoreError> {
        if job_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {RUN_COLUMNS} FROM (SELECT {RUN_COLUMNS}, row_number() OVER \
             (PARTITION BY job_id ORDER BY started_at DESC, id DESC) AS newest \
             FROM runs WHERE job_id IN ("
        ));
        let mut ids = b.separated(", ");
        for id in job_ids {
            ids.push_bind(id.to_string());
        }
        b.push(")) r WHERE newest <= ")
            .push_bind(i64::from(per_job))
            .push(" ORDER BY job_id, attempt, started_at");
        let rows = b.build().fetch_all(self.pool()).await?;
        rows.iter().map(decode_run).collect()
    }

    async fn cancel_job(
        &self,
        tenant: &str,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<JobRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = 'cancelled', updated_at = ?, finished_at = ? \
             WHERE id = ? AND tenant_id = ? AND status = 'queued' RETURNING {JOB_COLUMNS}"
        )))
        .bind(to_micros(at))
        .bind(to_micros(at))
        .bind(id.to_string())
        .bind(tenant)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
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

    async fn claim_jobs(
        &self,
        queue: &str,
        worker: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Claim>, StoreError> {
        // Most polls find nothing due: look without the write lock first, so idle queues do
        // not queue up behind enqueues and finishes for the single writer.
        let due: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'queued' AND queue = ? AND run_at <= ?)",
        )
        .bind(queue)
        .bind(to_micros(now))
        .fetch_one(self.pool())
        .await?;
        if !due {
            return Ok(Vec::new());
        }
        // One writer at a time: picking and taking the rows cannot interleave.
        let mut tx = self.begin_write().await?;
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM jobs WHERE status = 'queued' AND queue = ? AND run_at <= ? ORDER BY run_at, id LIMIT ?",
        )
        .bind(queue)
        .bind(to_micros(now))
        .bind(i64::from(limit.max(1)))
        .fetch_all(&mut *tx)
        .await?;
        let claims = claim_ids(&mut tx, &ids, worker, now, lease_until).await?;
        tx.commit().await?;
        Ok(claims)
    }

    async fn claim_jobs_by_id(
        &self,
        ids: &[Uuid],
        worker: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Vec<Claim>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let mut tx = self.begin_write().await?;
        let claims = claim_ids(&mut tx, &ids, worker, now, lease_until).await?;
        tx.commit().await?;
        Ok(claims)
    }

    async fn queued_job_tickets(
        &self,
        queue: &str,
        after: Option<(OffsetDateTime, Uuid)>,
        due_before: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<DispatchTicket>, StoreError> {
        let (after_at, after_id) = after.map_or((i64::MIN, String::new()), |(t, id)| {
            (to_micros(t), id.to_string())
        });
        let rows = sqlx::query(
            "SELECT id, tenant_id, run_at FROM jobs WHERE status = 'queued' AND queue = ? \
             AND (run_at > ? OR (run_at = ? AND id > ?)) AND run_at <= ? ORDER BY run_at, id LIMIT ?",
        )
        .bind(queue)
        .bind(after_at)
        .bind(after_at)
        .bind(after_id)
        .bind(due_before.map_or(i64::MAX, to_micros))
        .bind(i64::from(limit.max(1)))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DispatchTicket {
                    queue: queue.to_owned(),
                    tenant: row.try_get("tenant_id")?,
                    id: parse_uuid(row.try_get::<&str, _>("id")?)?,
                    run_at: from_micros(row.try_get("run_at")?)?,
                })
            })
            .collect()
    }

    async fn heartbeat_job(
        &self,
        id: Uuid,
        token: i64,
        lease_until: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE jobs SET lease_expires_at = ?, heartbeat_at = ? WHERE id = ? AND fencing_token = ? AND status = 'running'",
        )
        .bind(to_micros(lease_until))
        .bind(to_micros(OffsetDateTime::now_utc()))
        .bind(id.to_string())
        .bind(token)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish_jobs(&self, batch: &[FinishedAttempt]) -> Result<Vec<bool>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        // One write transaction for the batch: one turn of the single writer.
        let mut tx = self.begin_write().await?;
        let mut done = Vec::with_capacity(batch.len());
        for attempt in batch {
            done.push(finish_one(&mut tx, attempt).await?);
        }
        tx.commit().await?;
        Ok(done)
    }

    async fn reclaim_expired_jobs(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let at = to_micros(now);
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
               dead_at = CASE WHEN attempts >= max_attempts THEN ? ELSE NULL END, \
               finished_at = CASE WHEN attempts >= max_attempts THEN ? ELSE NULL END, \
               run_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, \
               last_error_code = 'crashed', last_error_message = 'the worker stopped heartbeating; lease expired' \
             WHERE status = 'running' AND lease_expires_at < ? RETURNING {JOB_COLUMNS}, fencing_token AS token"
        )))
        .bind(at)
        .bind(at)
        .bind(at)
        .bind(at)
        .bind(at)
        .fetch_all(&mut *tx)
        .await?;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in &rows {
            let job = decode_job(row)?;
            let token: i64 = row.try_get("token")?;
            if let Some(inbox) = job.inbox_id {
                follow_job(&mut tx, job.id, inbox, job.status, now).await?;
            }
            sqlx::query(
                "UPDATE runs SET finished_at = ?, outcome = 'crashed', error_code = 'crashed', \
                 error_message = 'lease expired' WHERE job_id = ? AND fencing_token = ? AND finished_at IS NULL",
            )
            .bind(at)
            .bind(job.id.to_string())
            .bind(token)
            .execute(&mut *tx)
            .await?;
            jobs.push(job);
        }
        tx.commit().await?;
        Ok(jobs)
    }

    async fn queue_stats(&self, now: OffsetDateTime) -> Result<Vec<QueueStats>, StoreError> {
        let rows = sqlx::query(
            "SELECT queue, count(*) AS depth, min(CASE WHEN run_at <= ? THEN run_at END) AS oldest \
             FROM jobs WHERE status = 'queued' GROUP BY queue",
        )
        .bind(to_micros(now))
        .fetch_all(self.pool())
        .await?;
        let mut found = std::collections::HashMap::new();
        for row in &rows {
            let queue: String = row.try_get("queue")?;
            let depth: i64 = row.try_get("depth")?;
            let oldest: Option<i64> = row.try_get("oldest")?;
            found.insert(queue, (depth, oldest.map(from_micros).transpose()?));
        }
        Ok(crate::store::queue_stats_for_every_queue(found))
    }

    async fn dlq_stats(&self) -> Result<Vec<DlqQueueStats>, StoreError> {
        let rows = sqlx::query(
            "SELECT queue, count(*) AS depth, min(dead_at) AS oldest FROM jobs WHERE status = 'dead' GROUP BY queue",
        )
        .fetch_all(self.pool())
        .await?;
        let mut found = std::collections::HashMap::new();
        for row in &rows {
            let queue: String = row.try_get("queue")?;
            let depth: i64 = row.try_get("depth")?;
            let oldest: Option<i64> = row.try_get("oldest")?;
            found.insert(queue, (depth, oldest.map(from_micros).transpose()?));
        }
        Ok(crate::store::dlq_stats_for_every_queue(found))
    }

    async fn replay_dead_jobs(
        &self,
        ids: &[Uuid],
        now: OffsetDateTime,
        audit: &DlqBatchAudit,
    ) -> Result<Vec<Uuid>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut done = Vec::new();
        for id in ids {
            let changed: Option<Option<String>> = sqlx::query_scalar(
                "UPDATE jobs SET status = 'queued', attempts = 0, replay_generation = replay_generation + 1, \
                 run_at = ?, dead_at = NULL, finished_at = NULL, updated_at = ?, \
                 dedupe_key = CASE WHEN EXISTS (SELECT 1 FROM jobs o WHERE o.tenant_id = jobs.tenant_id \
                   AND o.dedupe_key = jobs.dedupe_key AND o.status IN ('queued', 'running') AND o.id <> jobs.id) \
                   THEN NULL ELSE dedupe_key END \
                 WHERE id = ? AND status = 'dead' RETURNING inbox_id",
            )
            .bind(to_micros(now))
            .bind(to_micros(now))
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(inbox) = changed {
                // A replayed webhook job puts its inbox row back to `received`.
                if let Some(inbox) = parse_opt_uuid(inbox)? {
                    follow_job(&mut tx, *id, inbox, JobStatus::Queued, now).await?;
                }
                done.push(*id);
            }
        }
        if !done.is_empty() {
            append_in_tx(&mut tx, self.audit_key()?, audit(&done)).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    async fn purge_dead_jobs(
        &self,
        ids: &[Uuid],
        now: OffsetDateTime,
        audit: &DlqBatchAudit,
    ) -> Result<Vec<Uuid>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut done = Vec::new();
        for id in ids {
            let changed = sqlx::query(
                "UPDATE jobs SET status = 'purged', payload = NULL, params = NULL, updated_at = ? \
                 WHERE id = ? AND status = 'dead'",
            )
            .bind(to_micros(now))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
            if changed.rows_affected() == 1 {
                done.push(*id);
            }
        }
        if !done.is_empty() {
            append_in_tx(&mut tx, self.audit_key()?, audit(&done)).await?;
        }
        tx.commit().await?;
        Ok(done)
    }
}

fn decode_run(row: &SqliteRow) -> Result<RunRecord, StoreError> {
    Ok(RunRecord {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        job_id: parse_uuid(&row.try_get::<String, _>("job_id")?)?,
        attempt: row.try_get("attempt")?,
        worker_id: row.try_get("worker_id")?,
        started_at: from_micros(row.try_get("started_at")?)?,
        finished_at: row
            .try_get::<Option<i64>, _>("finished_at")?
            .map(from_micros)
            .transpose()?,
        duration_ms: row.try_get("duration_ms")?,
        outcome: row
            .try_get::<Option<String>, _>("outcome")?
            .map(|o| o.parse())
            .transpose()?,
        error_code: row.try_get("error_code")?,
        error_message: row.try_get("error_message")?,
        upstream_status: row.try_get("upstream_status")?,
    })
}

/// Takes the given jobs that are still queued and due: lease, attempt, fencing token and a
/// run row each. The caller holds the write lock.
async fn claim_ids(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    ids: &[String],
    worker: &str,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
) -> Result<Vec<Claim>, StoreError> {
    let mut claims = Vec::with_capacity(ids.len());
    for id in ids {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, fencing_token = fencing_token + 1, \
             lease_owner = ?, lease_expires_at = ?, heartbeat_at = ?, updated_at = ? \
             WHERE id = ? AND status = 'queued' AND run_at <= ? RETURNING {JOB_COLUMNS}, fencing_token AS token"
        )))
        .bind(worker)
        .bind(to_micros(lease_until))
        .bind(to_micros(now))
        .bind(to_micros(now))
        .bind(id)
        .bind(to_micros(now))
        .fetch_optional(&mut **tx)
        .await?;
        let Some(row) = row else { continue };
        let job = decode_job(&row)?;
        let token: i64 = row.try_get("token")?;
        sqlx::query(
            "INSERT INTO runs (id, job_id, tenant_id, attempt, replay_generation, fencing_token, worker_id, started_at, trace_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(orch_core::ids::new_id().to_string())
        .bind(job.id.to_string())
        .bind(&job.tenant_id)
        .bind(job.attempts)
        .bind(job.replay_generation)
        .bind(token)
        .bind(worker)
        .bind(to_micros(now))
        .bind(&job.trace_id)
        .execute(&mut **tx)
        .await?;
        claims.push(Claim {
            attempt: job.attempts,
            fencing_token: token,
            job,
        });
    }
    Ok(claims)
}

/// Records one attempt inside the caller's write transaction; `false` if the token is stale.
async fn finish_one(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    a: &FinishedAttempt,
) -> Result<bool, StoreError> {
    let f = &a.finish;
    let JobRowChange {
        status,
        run_at,
        attempts_delta,
        dead_at,
        finished_at,
    } = f.next.row_change(a.at);
    let id = a.job_id.to_string();
    let done = sqlx::query(
        "UPDATE jobs SET status = ?, run_at = COALESCE(?, run_at), attempts = attempts + ?, dead_at = ?, \
         finished_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, \
         last_error_code = COALESCE(?, last_error_code), last_error_message = COALESCE(?, last_error_message), \
         last_upstream_status = COALESCE(?, last_upstream_status) \
         WHERE id = ? AND fencing_token = ? AND status = 'running' RETURNING inbox_id",
    )
    .bind(status.as_str())
    .bind(run_at.map(to_micros))
    .bind(attempts_delta)
    .bind(dead_at.map(to_micros))
    .bind(finished_at.map(to_micros))
    .bind(to_micros(a.at))
    .bind(&f.error_code)
    .bind(&f.error_message)
    .bind(f.upstream_status)
    .bind(&id)
    .bind(a.token)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = done else {
        return Ok(false);
    };
    // A webhook job that ended takes its inbox row with it, in this transaction.
    if let Some(inbox) = parse_opt_uuid(row.try_get("inbox_id")?)? {
        follow_job(tx, a.job_id, inbox, status, a.at).await?;
    }
    if matches!(f.next, Next::Throttled { .. }) {
        // Nothing was sent: a throttled attempt leaves no run behind.
        sqlx::query("DELETE FROM runs WHERE job_id = ? AND fencing_token = ?")
            .bind(&id)
            .bind(a.token)
            .execute(&mut **tx)
            .await?;
        return Ok(true);
    }
    sqlx::query(
        "UPDATE runs SET finished_at = ?, duration_ms = ?, outcome = ?, error_code = ?, error_message = ?, \
         upstream_status = ? WHERE job_id = ? AND fencing_token = ?",
    )
    .bind(to_micros(a.at))
    .bind(f.duration_ms)
    .bind(f.outcome.as_str())
    .bind(&f.error_code)
    .bind(&f.error_message)
    .bind(f.upstream_status)
    .bind(&id)
    .bind(a.token)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}
