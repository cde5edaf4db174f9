use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SqliteStore, audit::append_in_tx, from_micros, parse_opt_uuid, parse_uuid, to_micros};
use crate::model::identity::{ApiKeyRecord, OperatorRecord};
use crate::store::{OperatorStore, StoreError};

const OPERATOR_COLUMNS: &str = "o.id, o.name, o.role, o.created_by, o.created_at, o.disabled_at";
const KEY_COLUMNS: &str = "k.id AS key_id, k.operator_id, k.key_prefix, k.key_hash, k.created_at AS key_created_at, k.revoked_at";

#[async_trait]
impl OperatorStore for SqliteStore {
    async fn create_operator(
        &self,
        operator: &OperatorRecord,
        key: &ApiKeyRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO operators (id, name, role, created_by, created_at, disabled_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(operator.id.to_string())
        .bind(&operator.name)
        .bind(operator.role.as_str())
        .bind(operator.created_by.map(|u| u.to_string()))
        .bind(to_micros(operator.created_at))
        .bind(operator.disabled_at.map(to_micros))
        .execute(&mut *tx)
        .await?;
        insert_key(&mut tx, key).await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn get_operator(&self, id: Uuid) -> Result<Option<OperatorRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OPERATOR_COLUMNS} FROM operators o WHERE o.id = ?"
        )))
        .bind(id.to_string())
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
             JOIN operators o ON o.id = k.operator_id WHERE k.key_prefix = ?"
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
             WHERE o.id = ? AND k.id = ? AND o.disabled_at IS NULL AND k.revoked_at IS NULL"
        )))
        .bind(operator_id.to_string())
        .bind(key_id.to_string())
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
        let done =
            sqlx::query("UPDATE operator_api_keys SET key_hash = ? WHERE id = ? AND key_hash = ?")
                .bind(new_hash)
                .bind(key_id.to_string())
                .bind(old_hash)
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
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE operators SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE operator_api_keys SET revoked_at = ? WHERE operator_id = ? AND revoked_at IS NULL")
            .bind(to_micros(at))
            .bind(id.to_string())
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
        let mut tx = self.begin_write().await?;
        let enabled: Option<String> =
            sqlx::query_scalar("SELECT id FROM operators WHERE id = ? AND disabled_at IS NULL")
                .bind(operator_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        if enabled.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE operator_api_keys SET revoked_at = ? WHERE operator_id = ? AND revoked_at IS NULL")
            .bind(to_micros(key.created_at))
            .bind(operator_id.to_string())
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

/// Ends the operator's running impersonations, in the caller's transaction.
async fn stop_impersonations_of(
    conn: &mut SqliteConnection,
    operator_id: Uuid,
    stopped_by: Option<Uuid>,
    reason: &str,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE impersonations SET stopped_at = ?1, stopped_by = ?2, stop_reason = ?3 \
         WHERE operator_id = ?4 AND stopped_at IS NULL AND expires_at > ?1",
    )
    .bind(to_micros(at))
    .bind(stopped_by.map(|u| u.to_string()))
    .bind(reason)
    .bind(operator_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_key(conn: &mut SqliteConnection, key: &ApiKeyRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO operator_api_keys (id, operator_id, key_prefix, key_hash, created_at, revoked_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(key.id.to_string())
    .bind(key.operator_id.to_string())
    .bind(&key.lookup_id)
    .bind(&key.key_hash)
    .bind(to_micros(key.created_at))
    .bind(key.revoked_at.map(to_micros))
    .execute(conn)
    .await?;
    Ok(())
}

fn decode_operator(row: &SqliteRow) -> Result<OperatorRecord, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(OperatorRecord {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        name: row.try_get("name")?,
        role: role.parse().map_err(StoreError::Corrupt)?,
        created_by: parse_opt_uuid(row.try_get("created_by")?)?,
        created_at: from_micros(row.try_get("created_at")?)?,
        disabled_at: row
            .try_get::<Option<i64>, _>("disabled_at")?
            .map(from_micros)
            .transpose()?,
    })
}

fn decode_key(row: &SqliteRow) -> Result<ApiKeyRecord, StoreError> {
    Ok(ApiKeyRecord {
        id: parse_uuid(&row.try_get::<String, _>("key_id")?)?,
        operator_id: parse_uuid(&row.try_get::<String, _>("operator_id")?)?,
        lookup_id: row.try_get("key_prefix")?,
        key_hash: row.try_get("key_hash")?,
        created_at: from_micros(row.try_get("key_created_at")?)?,
        revoked_at: row
            .try_get::<Option<i64>, _>("revoked_at")?
            .map(from_micros)
            .transpose()?,
    })
}
