//! Console sessions, on either backend; sign-in and sign-out commit with their audit row.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

use super::operators::decode_operator;
use super::{SqlBackend, Statement, StoreRow};
use crate::model::console_sessions::ConsoleSessionRecord;
use crate::model::identity::OperatorRecord;
use crate::store::{ConsoleSessionStore, StoreError};

#[async_trait]
impl<B: SqlBackend> ConsoleSessionStore for B {
    async fn create_console_session(
        &self,
        session: &ConsoleSessionRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.transaction().await?;
        tx.execute(insert(session)).await?;
        tx.commit_audited(self.audit_key()?, audit).await
    }

    async fn find_console_session(
        &self,
        id_hash: &str,
    ) -> Result<Option<(ConsoleSessionRecord, OperatorRecord)>, StoreError> {
        let mut conn = self.conn().await?;
        conn.optional(find_live(id_hash), decode_live).await
    }

    async fn touch_console_session(
        &self,
        id_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        conn.execute(touch(id_hash, at)).await?;
        Ok(())
    }

    async fn revoke_console_session(
        &self,
        id_hash: &str,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.transaction().await?;
        if tx.execute(revoke(id_hash, at)).await? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit_audited(self.audit_key()?, audit).await
    }

    async fn delete_ended_console_sessions(
        &self,
        now: OffsetDateTime,
        idle_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut conn = self.conn().await?;
        conn.execute(delete_ended(now, idle_before)).await
    }
}

/// What `decode_operator` reads (the names its own statements select).
const OPERATOR_COLUMNS: &str = "o.id, o.name, o.role, o.created_by, o.created_at, o.disabled_at";
const SESSION_COLUMNS: &str = "s.id_hash, s.operator_id AS session_operator_id, s.key_id, \
     s.created_at AS session_created_at, s.last_seen_at, s.expires_at, s.revoked_at";

fn insert<Q: Statement>(s: &ConsoleSessionRecord) -> Q {
    Q::new(
        "INSERT INTO console_sessions \
         (id_hash, operator_id, key_id, created_at, last_seen_at, expires_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .arg(s.id_hash.as_str())
    .arg(s.operator_id)
    .arg(s.key_id)
    .arg(s.created_at)
    .arg(s.last_seen_at)
    .arg(s.expires_at)
    .arg(s.revoked_at)
}

/// The unrevoked session with its operator, only while the operator is enabled and the
/// session's key unrevoked: one read answers "is this still someone who may act".
fn find_live<Q: Statement>(id_hash: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {SESSION_COLUMNS}, {OPERATOR_COLUMNS} FROM console_sessions s \
         JOIN operators o ON o.id = s.operator_id \
         JOIN operator_api_keys k ON k.id = s.key_id AND k.operator_id = s.operator_id \
         WHERE s.id_hash = $1 AND s.revoked_at IS NULL \
         AND o.disabled_at IS NULL AND k.revoked_at IS NULL"
    )))
    .arg(id_hash)
}

/// Moves `last_seen_at` forward, never back.
fn touch<Q: Statement>(id_hash: &str, at: OffsetDateTime) -> Q {
    Q::new(
        "UPDATE console_sessions SET last_seen_at = $2 \
         WHERE id_hash = $1 AND revoked_at IS NULL AND last_seen_at < $2",
    )
    .arg(id_hash)
    .arg(at)
}

fn revoke<Q: Statement>(id_hash: &str, at: OffsetDateTime) -> Q {
    Q::new("UPDATE console_sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL")
        .arg(id_hash)
        .arg(at)
}

/// Sessions that can never be valid again: revoked, past their absolute end, or idle since
/// before `idle_before`.
fn delete_ended<Q: Statement>(now: OffsetDateTime, idle_before: OffsetDateTime) -> Q {
    Q::new(
        "DELETE FROM console_sessions \
         WHERE revoked_at IS NOT NULL OR expires_at <= $1 OR last_seen_at <= $2",
    )
    .arg(now)
    .arg(idle_before)
}

fn decode_live(row: &impl StoreRow) -> Result<(ConsoleSessionRecord, OperatorRecord), StoreError> {
    let session = ConsoleSessionRecord {
        id_hash: row.get("id_hash")?,
        operator_id: row.get("session_operator_id")?,
        key_id: row.get("key_id")?,
        created_at: row.get("session_created_at")?,
        last_seen_at: row.get("last_seen_at")?,
        expires_at: row.get("expires_at")?,
        revoked_at: row.get("revoked_at")?,
    };
    Ok((session, decode_operator(row)?))
}
