use async_trait::async_trait;
use sqlx::Row;
use time::OffsetDateTime;

use super::{SqliteStore, to_micros};
use crate::model::idempotency::{ClaimOutcome, ExistingKey, IdempotencyClaim, StoredResponse};
use crate::store::{IdempotencyStore, StoreError};

#[async_trait]
impl IdempotencyStore for SqliteStore {
    async fn claim_idempotency_key(
        &self,
        c: &IdempotencyClaim,
    ) -> Result<ClaimOutcome, StoreError> {
        // A write transaction (BEGIN IMMEDIATE) makes read-decide-write atomic.
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT fingerprint, state, lease_expires_at, expires_at, response_status, response_headers, response_body \
             FROM idempotency_keys WHERE tenant_id = ? AND endpoint = ? AND idempotency_key = ?",
        )
        .bind(&c.tenant)
        .bind(&c.endpoint)
        .bind(&c.key)
        .fetch_optional(&mut *tx)
        .await?;
        let now = to_micros(c.now);
        if let Some(row) = &row {
            let fingerprint: String = row.try_get("fingerprint")?;
            let state: String = row.try_get("state")?;
            let lease: Option<i64> = row.try_get("lease_expires_at")?;
            let expires: i64 = row.try_get("expires_at")?;
            let takeover = expires <= now
                || (state == "in_flight"
                    && lease.is_some_and(|l| l <= now)
                    && fingerprint == c.fingerprint);
            if !takeover {
                let response = if state == "completed" {
                    let status: Option<i64> = row.try_get("response_status")?;
                    let headers: Option<String> = row.try_get("response_headers")?;
                    let body: Option<Vec<u8>> = row.try_get("response_body")?;
                    Some(StoredResponse {
                        status: status.and_then(|s| u16::try_from(s).ok()).unwrap_or(500),
                        content_type: headers
                            .and_then(|h| serde_json::from_str::<serde_json::Value>(&h).ok())
                            .and_then(|h| {
                                h.get("content-type")
                                    .and_then(|v| v.as_str())
                                    .map(str::to_owned)
                            })
                            .unwrap_or_else(|| "application/json".to_owned()),
                        body: body.unwrap_or_default(),
                    })
                } else {
                    None
                };
                return Ok(ClaimOutcome::Existing(ExistingKey {
                    fingerprint,
                    response,
                }));
            }
        }
        sqlx::query(
            "INSERT OR REPLACE INTO idempotency_keys (tenant_id, endpoint, idempotency_key, fingerprint, state, \
             lease_expires_at, request_id, trace_id, created_at, expires_at) \
             VALUES (?, ?, ?, ?, 'in_flight', ?, ?, ?, ?, ?)",
        )
        .bind(&c.tenant)
        .bind(&c.endpoint)
        .bind(&c.key)
        .bind(&c.fingerprint)
        .bind(to_micros(c.lease_expires_at))
        .bind(&c.request_id)
        .bind(&c.trace_id)
        .bind(now)
        .bind(to_micros(c.expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ClaimOutcome::Claimed)
    }

    async fn complete_idempotency_key(
        &self,
        tenant: &str,
        endpoint: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE idempotency_keys SET state = 'completed', response_status = ?, response_headers = ?, \
             response_body = ?, completed_at = ?, lease_expires_at = NULL \
             WHERE tenant_id = ? AND endpoint = ? AND idempotency_key = ?",
        )
        .bind(i64::from(response.status))
        .bind(serde_json::json!({"content-type": response.content_type}).to_string())
        .bind(&response.body)
        .bind(to_micros(OffsetDateTime::now_utc()))
        .bind(tenant)
        .bind(endpoint)
        .bind(key)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release_idempotency_key(
        &self,
        tenant: &str,
        endpoint: &str,
        key: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE tenant_id = ? AND endpoint = ? AND idempotency_key = ? \
             AND state = 'in_flight'",
        )
        .bind(tenant)
        .bind(endpoint)
        .bind(key)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn purge_expired_idempotency_keys(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE expires_at <= ?")
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
