use async_trait::async_trait;
use sqlx::postgres::PgRow;

use sqlx::{Postgres, QueryBuilder, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::PgStore;
use super::job_rows::{JOB_COLUMNS, decode_job, follow_jobs, insert_job};
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
impl JobStore for PgStore {
    async fn enqueue_job(&self, j: &JobRecord) -> Result<(JobRecord, bool), StoreError> {
        // The partial unique index decides races; a dedupe hit returns the live job. If that
        // job finished between the two statements, insert again.
        for _ in 0..3 {
            let inserted = {
                let mut conn = self.pool().acquire().await?;
                insert_job(&mut conn, j).await?
            };
            if let Some(job) = inserted {
                return Ok((job, true));
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
        if let Some(v) = q.status {
            b.push(" AND status = ").push_bind(v.as_str());
        }
        if let Some(v) = &q.connector {
            b.push(" AND connector = ").push_bind(v);
        }
        if let Some(v) = &q.error_code {
            b.push(" AND last_error_code = ").push_bind(v);
        }
        if let Some(v) = q.dead_since {
            b.push(" AND dead_at >= ").push_bind(v);
        }
        if let Some(v) = q.dead_until {
            b.push(" AND dead_at < ").push_bind(v);
        }
        if let Some(v) = &q.trace_id {
            b.push(" AND trace_id = ").push_bind(v);
        }
        if !q.ids.is_empty() {
            b.push(" AND id = ANY(").push_bind(q.ids.clone()).push(")");
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

    async fn runs_of_jobs(
        &self,
        job_ids: &[Uuid],
        per_job: u32,
    ) -> Result<Vec<RunRecord>, StoreError> {
        if job_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM (SELECT {RUN_COLUMNS}, row_number() OVER \
             (PARTITION BY job_id ORDER BY started_at DESC, id DESC) AS newest \
             FROM runs WHERE job_id = ANY($1)) r \
             WHERE newest <= $2 ORDER BY job_id, attempt, started_at"
        )))
        .bind(job_ids)
        .bind(i64::from(per_job))
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
    async fn claim_jobs(
        &self,
        queue: &str,
        worker: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Claim>, StoreError> {
        claim(self, Pick::Queue(queue, limit), worker, now, lease_until).await
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
        claim(self, Pick::Ids(ids), worker, now, lease_until).await
    }

    async fn queued_job_tickets(
        &self,
        queue: &str,
        after: Option<(OffsetDateTime, Uuid)>,
        due_before: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<DispatchTicket>, StoreError> {
        // Walks jobs_claim_idx (queue, run_at) WHERE status = 'queued'.
        let rows = sqlx::query(
            "SELECT id, tenant_id, run_at FROM jobs WHERE status = 'queued' AND queue = $1 \
             AND ($2::timestamptz IS NULL OR (run_at, id) > ($2, $3)) \
             AND ($4::timestamptz IS NULL OR run_at <= $4) ORDER BY run_at, id LIMIT $5",
        )
        .bind(queue)
        .bind(after.map(|(t, _)| t))
        .bind(after.map_or(Uuid::nil(), |(_, id)| id))
        .bind(due_before)
        .bind(i64::from(limit.max(1)))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DispatchTicket {
                    queue: queue.to_owned(),
                    tenant: row.try_get("tenant_id")?,
                    id: row.try_get("id")?,
                    run_at: row.try_get("run_at")?,
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
        heartbeat(self, id, token, lease_until).await
    }

    async fn finish_jobs(&self, batch: &[FinishedAttempt]) -> Result<Vec<bool>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        finish(self, batch).await
    }

    async fn reclaim_expired_jobs(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<JobRecord>, StoreError> {
        reclaim(self, now).await
    }

    async fn queue_stats(&self, now: OffsetDateTime) -> Result<Vec<QueueStats>, StoreError> {
        let rows = sqlx::query(
            "SELECT queue, count(*) AS depth, min(run_at) FILTER (WHERE run_at <= $1) AS oldest \
             FROM jobs WHERE status = 'queued' GROUP BY queue",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        let mut found = std::collections::HashMap::new();
        for row in &rows {
            let queue: String = row.try_get("queue")?;
            let depth: i64 = row.try_get("depth")?;
            let oldest: Option<OffsetDateTime> = row.try_get("oldest")?;
            found.insert(queue, (depth, oldest));
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
            let oldest: Option<OffsetDateTime> = row.try_get("oldest")?;
            found.insert(queue, (depth, oldest));
        }
        Ok(crate::store::dlq_stats_for_every_queue(found))
    }

    async fn replay_dead_jobs(
        &self,
        ids: &[Uuid],
        now: OffsetDateTime,
        audit: &DlqBatchAudit,
    ) -> Result<Vec<Uuid>, StoreError> {
        // One statement per job, so each sees the keys the previous ones took: a dedupe key
        // another live job holds by now is dropped from the replayed job instead of failing
        // the batch on the unique index.
        let mut tx = self.pool().begin().await?;
        let mut done = Vec::with_capacity(ids.len());
        for id in ids {
            let row = sqlx::query(
                "UPDATE jobs j SET status = 'queued', attempts = 0, replay_generation = j.replay_generation + 1, \
                 run_at = $2, dead_at = NULL, finished_at = NULL, updated_at = $2, \
                 dedupe_key = CASE WHEN EXISTS (SELECT 1 FROM jobs o WHERE o.tenant_id = j.tenant_id \
                   AND o.dedupe_key = j.dedupe_key AND o.status IN ('queued', 'running') AND o.id <> j.id) \
                   THEN NULL ELSE j.dedupe_key END \
                 WHERE j.id = $1 AND j.status = 'dead' RETURNING j.id, j.inbox_id, j.status, j.updated_at",
            )
            .bind(id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = row {
                // A replayed webhook job puts its inbox row back to `received`.
                let job: (Uuid, Option<Uuid>, JobStatus, OffsetDateTime) = (
                    row.try_get("id")?,
                    row.try_get("inbox_id")?,
                    row.try_get::<String, _>("status")?.parse()?,
                    row.try_get("updated_at")?,
                );
                follow_jobs(&mut tx, std::slice::from_ref(&job)).await?;
                done.push(job.0);
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
        let mut tx = self.pool().begin().await?;
        let rows = sqlx::query(
            "UPDATE jobs SET status = 'purged', payload = NULL, params = NULL, updated_at = $2 \
             WHERE id = ANY($1) AND status = 'dead' RETURNING id",
        )
        .bind(ids)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let done = rows
            .iter()
            .map(|r| Ok(r.try_get("id")?))
            .collect::<Result<Vec<Uuid>, StoreError>>()?;
        if !done.is_empty() {
            append_in_tx(&mut tx, self.audit_key()?, audit(&done)).await?;
        }
        tx.commit().await?;
        Ok(done)
    }
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
        outcome: row
            .try_get::<Option<String>, _>("outcome")?
            .map(|o| o.parse())
            .transpose()?,
        error_code: row.try_get("error_code")?,
        error_message: row.try_get("error_message")?,
        upstream_status: row.try_get("upstream_status")?,
    })
}

/// The job columns qualified for the claim's `UPDATE … FROM`.
fn qualified_job_columns() -> String {
    JOB_COLUMNS
        .split(", ")
        .map(|c| format!("j.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which jobs a claim takes.
enum Pick<'a> {
    /// The oldest due jobs of a queue (polling the database).
    Queue(&'a str, u32),
    /// These jobs, if they are still queued and due (ids taken from dispatch).
    Ids(&'a [Uuid]),
}

async fn claim(
    store: &PgStore,
    pick: Pick<'_>,
    worker: &str,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
) -> Result<Vec<Claim>, StoreError> {
    let mut tx = store.pool().begin().await?;
    // SKIP LOCKED: concurrent claimers take different rows instead of waiting.
    let picked = match pick {
        Pick::Queue(..) => {
            "SELECT id FROM jobs WHERE status = 'queued' AND queue = $1 AND run_at <= $2 \
             ORDER BY run_at, id LIMIT $3 FOR UPDATE SKIP LOCKED"
        }
        Pick::Ids(_) => {
            "SELECT id FROM jobs WHERE id = ANY($1) AND status = 'queued' AND run_at <= $2 \
             LIMIT $3 FOR UPDATE SKIP LOCKED"
        }
    };
    let sql = format!(
        "WITH picked AS ({picked}) \
         UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, fencing_token = j.fencing_token + 1, \
           lease_owner = $4, lease_expires_at = $5, heartbeat_at = $2, updated_at = $2 \
         FROM picked WHERE j.id = picked.id RETURNING {}, j.fencing_token AS token",
        qualified_job_columns()
    );
    let query = sqlx::query(sqlx::AssertSqlSafe(sql));
    let query = match pick {
        Pick::Queue(queue, limit) => query.bind(queue).bind(now).bind(i64::from(limit.max(1))),
        Pick::Ids(ids) => query.bind(ids).bind(now).bind(ids.len() as i64),
    };
    let rows = query
        .bind(worker)
        .bind(lease_until)
        .fetch_all(&mut *tx)
        .await?;
    let mut claims = Vec::with_capacity(rows.len());
    for row in &rows {
        let job = decode_job(row)?;
        let token: i64 = row.try_get("token")?;
        claims.push(Claim {
            attempt: job.attempts,
            fencing_token: token,
            job,
        });
    }
    if !claims.is_empty() {
        // One statement for every run row of the claim.
        let run_ids: Vec<Uuid> = claims.iter().map(|_| orch_core::ids::new_id()).collect();
        let job_ids: Vec<Uuid> = claims.iter().map(|c| c.job.id).collect();
        let tenants: Vec<&str> = claims.iter().map(|c| c.job.tenant_id.as_str()).collect();
        let attempts: Vec<i32> = claims.iter().map(|c| c.attempt).collect();
        let generations: Vec<i32> = claims.iter().map(|c| c.job.replay_generation).collect();
        let tokens: Vec<i64> = claims.iter().map(|c| c.fencing_token).collect();
        let traces: Vec<Option<&str>> = claims.iter().map(|c| c.job.trace_id.as_deref()).collect();
        sqlx::query(
            "INSERT INTO runs (id, job_id, tenant_id, attempt, replay_generation, fencing_token, worker_id, started_at, trace_id) \
             SELECT r.id, r.job_id, r.tenant_id, r.attempt, r.generation, r.token, $7, $8, r.trace_id \
             FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::bigint[], $9::text[]) \
               AS r(id, job_id, tenant_id, attempt, generation, token, trace_id)",
        )
        .bind(&run_ids)
        .bind(&job_ids)
        .bind(&tenants)
        .bind(&attempts)
        .bind(&generations)
        .bind(&tokens)
        .bind(worker)
        .bind(now)
        .bind(&traces)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(claims)
}

/// Records a batch of attempts in one transaction: one set-based update of the job rows
/// (each conditional on its fencing token), then the runs of those that still held it.
pub(super) async fn finish(
    store: &PgStore,
    batch: &[FinishedAttempt],
) -> Result<Vec<bool>, StoreError> {
    let n = batch.len();
    let mut ids = Vec::with_capacity(n);
    let mut tokens = Vec::with_capacity(n);
    let mut statuses = Vec::with_capacity(n);
    let mut run_ats = Vec::with_capacity(n);
    let mut deltas = Vec::with_capacity(n);
    let mut dead_ats = Vec::with_capacity(n);
    let mut finished_ats = Vec::with_capacity(n);
    let mut ats = Vec::with_capacity(n);
    let mut codes = Vec::with_capacity(n);
    let mut messages = Vec::with_capacity(n);
    let mut upstreams = Vec::with_capacity(n);
    let mut outcomes = Vec::with_capacity(n);
    let mut durations = Vec::with_capacity(n);
    for a in batch {
        let change: JobRowChange = a.finish.next.row_change(a.at);
        ids.push(a.job_id);
        tokens.push(a.token);
        statuses.push(change.status.as_str());
        run_ats.push(change.run_at);
        deltas.push(change.attempts_delta);
        dead_ats.push(change.dead_at);
        finished_ats.push(change.finished_at);
        ats.push(a.at);
        codes.push(a.finish.error_code.as_deref());
        messages.push(a.finish.error_message.as_deref());
        upstreams.push(a.finish.upstream_status);
        outcomes.push(a.finish.outcome.as_str());
        durations.push(a.finish.duration_ms);
    }
    let mut tx = store.pool().begin().await?;
    let updated: Vec<(Uuid, Option<Uuid>, String, OffsetDateTime)> = sqlx::query_as(
        "UPDATE jobs j SET status = u.status, run_at = COALESCE(u.run_at, j.run_at), attempts = j.attempts + u.delta, \
           dead_at = u.dead_at, finished_at = u.finished_at, lease_owner = NULL, lease_expires_at = NULL, \
           updated_at = u.at, last_error_code = COALESCE(u.code, j.last_error_code), \
           last_error_message = COALESCE(u.message, j.last_error_message), \
           last_upstream_status = COALESCE(u.upstream, j.last_upstream_status) \
         FROM UNNEST($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], $5::int[], $6::timestamptz[], \
           $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[], $11::int[]) \
           AS u(id, token, status, run_at, delta, dead_at, finished_at, at, code, message, upstream) \
         WHERE j.id = u.id AND j.fencing_token = u.token AND j.status = 'running' \
         RETURNING j.id, j.inbox_id, j.status, j.updated_at",
    )
    .bind(&ids)
    .bind(&tokens)
    .bind(&statuses)
    .bind(&run_ats)
    .bind(&deltas)
    .bind(&dead_ats)
    .bind(&finished_ats)
    .bind(&ats)
    .bind(&codes)
    .bind(&messages)
    .bind(&upstreams)
    .fetch_all(&mut *tx)
    .await?;
    let updated = updated
        .into_iter()
        .map(|(id, inbox, status, at)| Ok((id, inbox, status.parse()?, at)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    // A webhook job that ended takes its inbox row with it, in this transaction.
    follow_jobs(&mut tx, &updated).await?;
    let updated: std::collections::HashSet<Uuid> = updated.into_iter().map(|u| u.0).collect();
    let done: Vec<bool> = ids.iter().map(|id| updated.contains(id)).collect();
    // Of the attempts that held their token: throttled ones (no run kept) and the rest.
    let (gone, ran): (Vec<usize>, Vec<usize>) = (0..n)
        .filter(|&i| done[i])
        .partition(|&i| matches!(batch[i].finish.next, Next::Throttled { .. }));
    if !gone.is_empty() {
        // Nothing was sent: a throttled attempt leaves no run behind.
        let pick_ids: Vec<Uuid> = gone.iter().map(|&i| ids[i]).collect();
        let pick_tokens: Vec<i64> = gone.iter().map(|&i| tokens[i]).collect();
        sqlx::query(
            "DELETE FROM runs r USING UNNEST($1::uuid[], $2::bigint[]) AS u(id, token) \
             WHERE r.job_id = u.id AND r.fencing_token = u.token",
        )
        .bind(&pick_ids)
        .bind(&pick_tokens)
        .execute(&mut *tx)
        .await?;
    }
    if !ran.is_empty() {
        fn pick<T: Copy>(rows: &[usize], v: &[T]) -> Vec<T> {
            rows.iter().map(|&i| v[i]).collect()
        }
        sqlx::query(
            "UPDATE runs r SET finished_at = u.at, duration_ms = u.duration, outcome = u.outcome, \
               error_code = u.code, error_message = u.message, upstream_status = u.upstream \
             FROM UNNEST($1::uuid[], $2::bigint[], $3::timestamptz[], $4::bigint[], $5::text[], $6::text[], \
               $7::text[], $8::int[]) AS u(id, token, at, duration, outcome, code, message, upstream) \
             WHERE r.job_id = u.id AND r.fencing_token = u.token",
        )
        .bind(pick(&ran, &ids))
        .bind(pick(&ran, &tokens))
        .bind(pick(&ran, &ats))
        .bind(pick(&ran, &durations))
        .bind(pick(&ran, &outcomes))
        .bind(pick(&ran, &codes))
        .bind(pick(&ran, &messages))
        .bind(pick(&ran, &upstreams))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(done)
}

pub(super) async fn reclaim(
    store: &PgStore,
    now: OffsetDateTime,
) -> Result<Vec<JobRecord>, StoreError> {
    let mut tx = store.pool().begin().await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
           dead_at = CASE WHEN attempts >= max_attempts THEN $1 ELSE NULL END, \
           finished_at = CASE WHEN attempts >= max_attempts THEN $1 ELSE NULL END, \
           run_at = $1, lease_owner = NULL, lease_expires_at = NULL, updated_at = $1, \
           last_error_code = 'crashed', last_error_message = 'the worker stopped heartbeating; lease expired' \
         WHERE status = 'running' AND lease_expires_at < $1 RETURNING {JOB_COLUMNS}, fencing_token AS token"
    )))
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    let mut jobs = Vec::with_capacity(rows.len());
    for row in &rows {
        let job = decode_job(row)?;
        let (id, token): (Uuid, i64) = (job.id, row.try_get("token")?);
        follow_jobs(
            &mut tx,
            &[(job.id, job.inbox_id, job.status, job.updated_at)],
        )
        .await?;
        sqlx::query(
            "UPDATE runs SET finished_at = $3, outcome = 'crashed', error_code = 'crashed', \
             error_message = 'lease expired' WHERE job_id = $1 AND fencing_token = $2 AND finished_at IS NULL",
        )
        .bind(id)
        .bind(token)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        jobs.push(job);
    }
    tx.commit().await?;
    Ok(jobs)
}

pub(super) async fn heartbeat(
    store: &PgStore,
    id: Uuid,
    token: i64,
    lease_until: OffsetDateTime,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE jobs SET lease_expires_at = $3, heartbeat_at = now() WHERE id = $1 AND fencing_token = $2 AND status = 'running'",
    )
    .bind(id)
    .bind(token)
    .bind(lease_until)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}
