//! Live-job counts: `job_live_counts`, updated in place by the triggers of migration 3
//! (SQLite has one writer, so the counter rows cannot be contended).

use async_trait::async_trait;
use sqlx::Row;

use super::SqliteStore;
use crate::model::quotas::LiveJobCounts;
use crate::store::{QuotaStore, StoreError};

#[async_trait]
impl QuotaStore for SqliteStore {
    async fn live_job_counts(&self, tenant: &str, kind: &str) -> Result<LiveJobCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT queue, live FROM job_live_counts WHERE tenant_id = ? AND kind = ? ORDER BY queue",
        )
        .bind(tenant)
        .bind(kind)
        .fetch_all(self.pool())
        .await?;
        let mut counts = LiveJobCounts::default();
        for row in &rows {
            counts
                .per_queue
                .push((row.try_get("queue")?, row.try_get("live")?));
        }
        Ok(counts)
    }

    async fn fold_live_job_counts(&self, _limit: u32) -> Result<u64, StoreError> {
        // Nothing to fold: the triggers update the counters in place.
        Ok(0)
    }
}
