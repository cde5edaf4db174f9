use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use sqlx::Row;
use sqlx::postgres::PgRow;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{PgStore, audit::append_in_tx};
use crate::model::identity::{ApiKeyRecord, OperatorRecord};
use crate::store::{OperatorStore, StoreError};

const OPERATOR_COLUMNS: &str = "o.id, o.name, o.role, o.created_by, o.created_at, o.disabled_at";
const KEY_COLUMNS: &str = "k.id AS key_id, k.operator_id, k.key_prefix, k.key_hash, k.created_at AS key_created_at, k.revoked_at";

#[async_trait]
impl OperatorStore for PgStore {
    async fn create_operator(
        &self,
        operator: &OperatorRecord,
        key: &ApiKeyRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO operators (id, name, role, created_by, created_at, disabled_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(operator.id)
        .bind(&operator.name)
        .bind(operator.role.as_str())
        .bind(operator.created_by)
        .bind(operator.created_at)
        .bind(operator.disabled_at)
        .execute(&mut *tx)
        .await?;
        insert_key(&mut tx, key).await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn get_operator(&self, id: Uuid) -> Result<Option<OperatorRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OPERATOR_COLUMNS} FROM operators o WHERE o.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_operator).transpose()
    }

    async fn list_operators(&self) -> Result<Vec<OperatorRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OPERATOR_COLUMNS} FROM operators o ORDER BY o.created_at, o.id"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decode_operator).collect()
    }

    async fn count_operators(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM operators")
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    async fn find_operator_key(
        &self,
        lookup_id: &str,
    ) -> Result<Option<(ApiKeyRecord, OperatorRecord)>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OPERATOR_COLUMNS}, {KEY_COLUMNS} FROM operator_api_keys k \
             JOIN operators o ON o.id = k.operator_id WHERE k.key_prefix = $1"
        )))
        .bind(lookup_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref()
            .map(|r| Ok((decode_key(r)?, decode_operator(r)?)))
            .transpose()
    }

    async fn active_operator(
        &self,
        operator_id: Uuid,
        key_id: Uuid,
    ) -> Result<Option<OperatorRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OPERATOR_COLUMNS} FROM operators o JOIN operator_api_keys k ON k.operator_id = o.id \
             WHERE o.id = $1 AND k.id = $2 AND o.disabled_at IS NULL AND k.revoked_at IS NULL"
        )))
        .bind(operator_id)
        .bind(key_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_operator).transpose()
    }

    async fn replace_operator_key_hash(
        &self,
        key_id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE operator_api_keys SET key_hash = $3 WHERE id = $1 AND key_hash = $2",
        )
        .bind(key_id)
        .bind(old_hash)
        .bind(new_hash)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn disable_operator(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE operators SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE operator_api_keys SET revoked_at = $2 WHERE operator_id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        stop_impersonations_of(&mut tx, id, audit.operator_id, "operator disabled", at).await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn rotate_operator_key(
        &self,
        operator_id: Uuid,
        key: &ApiKeyRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.pool().begin().await?;
        let enabled: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM operators WHERE id = $1 AND disabled_at IS NULL FOR UPDATE",
        )
        .bind(operator_id)
        .fetch_optional(&mut *tx)
        .await?;
        if enabled.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE operator_api_keys SET revoked_at = $2 WHERE operator_id = $1 AND revoked_at IS NULL")
            .bind(operator_id)
            .bind(key.created_at)
            .execute(&mut *tx)
            .await?;
        stop_impersonations_of(
            &mut tx,
            operator_id,
            audit.operator_id,
            "operator key rotated",
            key.created_at,
        )
        .await?;
        insert_key(&mut tx, key).await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }
}

async fn insert_key(conn: &mut sqlx::PgConnection, key: &ApiKeyRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO operator_api_keys (id, operator_id, key_prefix, key_hash, created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(key.id)
    .bind(key.operator_id)
    .bind(&key.lookup_id)
    .bind(&key.key_hash)
    .bind(key.created_at)
    .bind(key.revoked_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends the operator's running impersonations, in the caller's transaction.
async fn stop_impersonations_of(
    conn: &mut sqlx::PgConnection,
    operator_id: Uuid,
    stopped_by: Option<Uuid>,
    reason: &str,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE impersonations SET stopped_at = $2, stopped_by = $3, stop_reason = $4 \
         WHERE operator_id = $1 AND stopped_at IS NULL AND expires_at > $2",
    )
    .bind(operator_id)
    .bind(at)
    .bind(stopped_by)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

fn decode_operator(row: &PgRow) -> Result<OperatorRecord, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(OperatorRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: role.parse().map_err(StoreError::Corrupt)?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        disabled_at: row.try_get("disabled_at")?,
    })
}

fn decode_key(row: &PgRow) -> Result<ApiKeyRecord, StoreError> {
    Ok(ApiKeyRecord {
        id: row.try_get("key_id")?,
        operator_id: row.try_get("operator_id")?,
        lookup_id: row.try_get("key_prefix")?,
        key_hash: row.try_get("key_hash")?,
        created_at: row.try_get("key_created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}
