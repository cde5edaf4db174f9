//! Operators and their API keys, on either backend. A key rotation locks the operator row
//! (`Dialect::FOR_UPDATE`), so it serialises with disables and new impersonations.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Dialect, SqlBackend, Statement, StoreRow};
use crate::model::identity::{ApiKeyRecord, OperatorRecord};
use crate::store::{OperatorStore, StoreError};

const OPERATOR_COLUMNS: &str = "o.id, o.name, o.role, o.created_by, o.created_at, o.disabled_at";
const KEY_COLUMNS: &str = "k.id AS key_id, k.operator_id, k.key_prefix, k.key_hash, k.created_at AS key_created_at, k.revoked_at";

#[async_trait]
impl<B: SqlBackend> OperatorStore for B {
    async fn create_operator(
        &self,
        operator: &OperatorRecord,
        key: &ApiKeyRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.transaction().await?;
        tx.execute(insert(operator)).await?;
        tx.execute(insert_key(key)).await?;
        tx.commit_audited(self.audit_key()?, audit).await
    }

    async fn get_operator(&self, id: Uuid) -> Result<Option<OperatorRecord>, StoreError> {
        let mut conn = self.conn().await?;
        conn.optional(get(id), decode_operator).await
    }

    async fn list_operators(&self) -> Result<Vec<OperatorRecord>, StoreError> {
        let mut conn = self.conn().await?;
        conn.all(list(), decode_operator).await
    }

    async fn count_operators(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn().await?;
        let n: i64 = conn.one(count(), |r| r.get("n")).await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    async fn find_operator_key(
        &self,
        lookup_id: &str,
    ) -> Result<Option<(ApiKeyRecord, OperatorRecord)>, StoreError> {
        let decode = |r: &_| Ok((decode_key(r)?, decode_operator(r)?));
        let mut conn = self.conn().await?;
        conn.optional(find_key(lookup_id), decode).await
    }

    async fn active_operator(
        &self,
        operator_id: Uuid,
        key_id: Uuid,
    ) -> Result<Option<OperatorRecord>, StoreError> {
        let q = active(operator_id, key_id);
        let mut conn = self.conn().await?;
        conn.optional(q, decode_operator).await
    }

    async fn replace_operator_key_hash(
        &self,
        key_id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError> {
        let q = replace_key_hash(key_id, old_hash, new_hash);
        let mut conn = self.conn().await?;
        Ok(conn.execute(q).await? > 0)
    }

    async fn disable_operator(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.transaction().await?;
        if tx.execute(disable(id, at)).await? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.execute(revoke_keys(id, at)).await?;
        let reason = "operator disabled";
        tx.execute(stop_impersonations_of(id, audit.operator_id, reason, at))
            .await?;
        tx.commit_audited(self.audit_key()?, audit).await
    }

    async fn rotate_operator_key(
        &self,
        operator_id: Uuid,
        key: &ApiKeyRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.transaction().await?;
        if !tx.exists(enabled(operator_id, B::Db::FOR_UPDATE)).await? {
            return Err(StoreError::NotFound);
        }
        let at = key.created_at;
        tx.execute(revoke_keys(operator_id, at)).await?;
        let reason = "operator key rotated";
        tx.execute(stop_impersonations_of(
            operator_id,
            audit.operator_id,
            reason,
            at,
        ))
        .await?;
        tx.execute(insert_key(key)).await?;
        tx.commit_audited(self.audit_key()?, audit).await
    }
}

fn count<Q: Statement>() -> Q {
    Q::new("SELECT count(*) AS n FROM operators")
}

/// The operator if it is enabled; `lock` is appended to the `SELECT`.
pub(super) fn enabled<Q: Statement>(id: Uuid, lock: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT id FROM operators WHERE id = $1 AND disabled_at IS NULL{lock}"
    )))
    .arg(id)
}

fn insert<Q: Statement>(operator: &OperatorRecord) -> Q {
    Q::new(
        "INSERT INTO operators (id, name, role, created_by, created_at, disabled_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .arg(operator.id)
    .arg(&operator.name)
    .arg(operator.role.as_str())
    .arg(operator.created_by)
    .arg(operator.created_at)
    .arg(operator.disabled_at)
}

fn insert_key<Q: Statement>(key: &ApiKeyRecord) -> Q {
    Q::new(
        "INSERT INTO operator_api_keys (id, operator_id, key_prefix, key_hash, created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .arg(key.id)
    .arg(key.operator_id)
    .arg(&key.lookup_id)
    .arg(&key.key_hash)
    .arg(key.created_at)
    .arg(key.revoked_at)
}

fn get<Q: Statement>(id: Uuid) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {OPERATOR_COLUMNS} FROM operators o WHERE o.id = $1"
    )))
    .arg(id)
}

fn list<Q: Statement>() -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {OPERATOR_COLUMNS} FROM operators o ORDER BY o.created_at, o.id"
    )))
}

/// The key with this lookup id and its operator, in one row.
fn find_key<Q: Statement>(lookup_id: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {OPERATOR_COLUMNS}, {KEY_COLUMNS} FROM operator_api_keys k \
         JOIN operators o ON o.id = k.operator_id WHERE k.key_prefix = $1"
    )))
    .arg(lookup_id)
}

/// The operator, if it and the key are both live.
fn active<Q: Statement>(operator_id: Uuid, key_id: Uuid) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {OPERATOR_COLUMNS} FROM operators o JOIN operator_api_keys k ON k.operator_id = o.id \
         WHERE o.id = $1 AND k.id = $2 AND o.disabled_at IS NULL AND k.revoked_at IS NULL"
    )))
    .arg(operator_id)
    .arg(key_id)
}

/// Swaps the key hash if it is still `old_hash` (compare and set).
fn replace_key_hash<Q: Statement>(key_id: Uuid, old_hash: &str, new_hash: &str) -> Q {
    Q::new("UPDATE operator_api_keys SET key_hash = $3 WHERE id = $1 AND key_hash = $2")
        .arg(key_id)
        .arg(old_hash)
        .arg(new_hash)
}

fn disable<Q: Statement>(id: Uuid, at: OffsetDateTime) -> Q {
    Q::new("UPDATE operators SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL")
        .arg(id)
        .arg(at)
}

fn revoke_keys<Q: Statement>(operator_id: Uuid, at: OffsetDateTime) -> Q {
    Q::new(
        "UPDATE operator_api_keys SET revoked_at = $2 WHERE operator_id = $1 AND revoked_at IS NULL",
    )
    .arg(operator_id)
    .arg(at)
}

/// Ends the operator's running impersonations.
fn stop_impersonations_of<Q: Statement>(
    operator_id: Uuid,
    stopped_by: Option<Uuid>,
    reason: &str,
    at: OffsetDateTime,
) -> Q {
    Q::new(
        "UPDATE impersonations SET stopped_at = $2, stopped_by = $3, stop_reason = $4 \
         WHERE operator_id = $1 AND stopped_at IS NULL AND expires_at > $2",
    )
    .arg(operator_id)
    .arg(at)
    .arg(stopped_by)
    .arg(reason)
}

pub(super) fn decode_operator(row: &impl StoreRow) -> Result<OperatorRecord, StoreError> {
    let role: String = row.get("role")?;
    Ok(OperatorRecord {
        id: row.get("id")?,
        name: row.get("name")?,
        role: role.parse().map_err(StoreError::Corrupt)?,
        created_by: row.get("created_by")?,
        created_at: row.get("created_at")?,
        disabled_at: row.get("disabled_at")?,
    })
}

fn decode_key(row: &impl StoreRow) -> Result<ApiKeyRecord, StoreError> {
    Ok(ApiKeyRecord {
        id: row.get("key_id")?,
        operator_id: row.get("operator_id")?,
        lookup_id: row.get("key_prefix")?,
        key_hash: row.get("key_hash")?,
        created_at: row.get("key_created_at")?,
        revoked_at: row.get("revoked_at")?,
    })
}
