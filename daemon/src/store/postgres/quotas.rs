//! Live-job counts: `job_live_counts` plus the deltas the triggers of migration 3 append to
//! `job_live_deltas` (insert-only, so enqueues and finishes never wait on a hot counter row).

use async_trait::async_trait;
use sqlx::Row;

use super::PgStore;
use crate::model::quotas::LiveJobCounts;
use crate::store::{QuotaStore, StoreError};

#[async_trait]
impl QuotaStore for PgStore {
    async fn live_job_counts(&self, tenant: &str, kind: &str) -> Result<LiveJobCounts, StoreError> {
        // One statement, so one snapshot: a fold commits the delete of its deltas and the
        // update of the counters together, and this sees either both or neither.
        let rows = sqlx::query(
            "SELECT queue, sum(n)::bigint AS live, sum(pending)::bigint AS pending FROM ( \
               SELECT queue, live AS n, 0 AS pending FROM job_live_counts \
                 WHERE tenant_id = $1 AND kind = $2 \
               UNION ALL \
               SELECT queue, delta AS n, 1 AS pending FROM job_live_deltas \
                 WHERE tenant_id = $1 AND kind = $2 \
             ) s GROUP BY queue ORDER BY queue",
        )
        .bind(tenant)
        .bind(kind)
        .fetch_all(self.pool())
        .await?;
        let mut counts = LiveJobCounts::default();
        for row in &rows {
            let queue: String = row.try_get("queue")?;
            let live: i64 = row.try_get("live")?;
            let pending: i64 = row.try_get("pending")?;
            counts.per_queue.push((queue, live));
            counts.pending_deltas += u64::try_from(pending).unwrap_or(0);
        }
        Ok(counts)
    }

    async fn fold_live_job_counts(&self, limit: u32) -> Result<u64, StoreError> {
        // SKIP LOCKED: concurrent folds take disjoint deltas and never wait on each other;
        // the counters are then updated in key order, so two folds cannot deadlock.
        let folded: i64 = sqlx::query_scalar(
            "WITH gone AS ( \
               DELETE FROM job_live_deltas WHERE id IN ( \
                 SELECT id FROM job_live_deltas ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) \
               RETURNING tenant_id, kind, queue, delta), \
             summed AS ( \
               SELECT tenant_id, kind, queue, sum(delta)::bigint AS delta, count(*) AS n \
               FROM gone GROUP BY tenant_id, kind, queue), \
             applied AS ( \
               INSERT INTO job_live_counts (tenant_id, kind, queue, live) \
               SELECT tenant_id, kind, queue, delta FROM summed ORDER BY tenant_id, kind, queue \
               ON CONFLICT (tenant_id, kind, queue) \
               DO UPDATE SET live = job_live_counts.live + excluded.live) \
             SELECT coalesce(sum(n), 0)::bigint FROM summed",
        )
        .bind(i64::from(limit.max(1)))
        .fetch_one(self.pool())
        .await?;
        Ok(u64::try_from(folded).unwrap_or(0))
    }
}
