use async_trait::async_trait;
use sqlx::Row;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::PgStore;
use crate::model::idempotency::{ClaimOutcome, ExistingKey, IdempotencyClaim, StoredResponse};
use crate::store::{IdempotencyStore, StoreError};

#[async_trait]
impl IdempotencyStore for PgStore {
    async fn claim_idempotency_key(
        &self,
        c: &IdempotencyClaim,
    ) -> Result<ClaimOutcome, StoreError> {
        // One statement: insert, or take over only when allowed; no row back = someone holds it.
        let claimed = sqlx::query(
            "INSERT INTO idempotency_keys (tenant_id, endpoint, idempotency_key, fingerprint, state, lease_expires_at, \
             request_id, trace_id, created_at, expires_at) VALUES ($1, $2, $3, $4, 'in_flight', $5, $6, $7, $8, $9) \
             ON CONFLICT (tenant_id, endpoint, idempotency_key) DO UPDATE SET \
               fingerprint = EXCLUDED.fingerprint, state = 'in_flight', lease_expires_at = EXCLUDED.lease_expires_at, \
               response_status = NULL, response_headers = NULL, response_body = NULL, completed_at = NULL, \
               request_id = EXCLUDED.request_id, trace_id = EXCLUDED.trace_id, created_at = EXCLUDED.created_at, \
               expires_at = EXCLUDED.expires_at \
             WHERE idempotency_keys.expires_at <= $8 \
                OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.lease_expires_at <= $8 \
                    AND idempotency_keys.fingerprint = EXCLUDED.fingerprint) \
             RETURNING 1 AS claimed",
        )
        .bind(&c.tenant)
        .bind(&c.endpoint)
        .bind(&c.key)
        .bind(&c.fingerprint)
        .bind(c.lease_expires_at)
        .bind(&c.request_id)
        .bind(&c.trace_id)
        .bind(c.now)
        .bind(c.expires_at)
        .fetch_optional(self.pool())
        .await?;
        if claimed.is_some() {
            return Ok(ClaimOutcome::Claimed);
        }
        let row = sqlx::query(
            "SELECT fingerprint, state, response_status, response_headers, response_body FROM idempotency_keys \
             WHERE tenant_id = $1 AND endpoint = $2 AND idempotency_key = $3",
        )
        .bind(&c.tenant)
        .bind(&c.endpoint)
        .bind(&c.key)
        .fetch_optional(self.pool())
        .await?;
        // Released between our two statements: try again once.
        let Some(row) = row else {
            return Err(StoreError::Conflict("the key changed hands; retry".into()));
        };
        let state: String = row.try_get("state")?;
        let response = if state == "completed" {
            let status: Option<i32> = row.try_get("response_status")?;
            let headers: Option<Json<serde_json::Value>> = row.try_get("response_headers")?;
            let body: Option<Vec<u8>> = row.try_get("response_body")?;
            Some(StoredResponse {
                status: status.and_then(|s| u16::try_from(s).ok()).unwrap_or(500),
                content_type: headers
                    .and_then(|h| {
                        h.0.get("content-type")
                            .and_then(|v| v.as_str())
                            .map(str::to_owned)
                    })
                    .unwrap_or_else(|| "application/json".to_owned()),
                body: body.unwrap_or_default(),
            })
        } else {
            None
        };
        Ok(ClaimOutcome::Existing(ExistingKey {
            fingerprint: row.try_get("fingerprint")?,
            response,
        }))
    }

    async fn complete_idempotency_key(
        &self,
        tenant: &str,
        endpoint: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE idempotency_keys SET state = 'completed', response_status = $4, response_headers = $5, \
             response_body = $6, completed_at = $7, lease_expires_at = NULL \
             WHERE tenant_id = $1 AND endpoint = $2 AND idempotency_key = $3",
        )
        .bind(tenant)
        .bind(endpoint)
        .bind(key)
        .bind(i32::from(response.status))
        .bind(Json(serde_json::json!({"content-type": response.content_type})))
        .bind(&response.body)
        .bind(OffsetDateTime::now_utc())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn release_idempotency_key(
        &self,
        tenant: &str,
        endpoint: &str,
        key: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND endpoint = $2 AND idempotency_key = $3 \
             AND state = 'in_flight'",
        )
        .bind(tenant)
        .bind(endpoint)
        .bind(key)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn purge_expired_idempotency_keys(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE expires_at <= $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
