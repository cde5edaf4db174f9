//! The operator audit chain. Statements and decoding are shared (`store/shared/audit.rs`);
//! this file serialises appends across nodes with an advisory lock.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditKey, AuditRecord};
use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::PgStore;
use crate::model::identity::AuditQuery;
use crate::store::shared::{PgQuery, audit};
use crate::store::{AuditStore, StoreError};

/// Advisory lock key serialising chain appends across nodes ("orchaudt").
const AUDIT_LOCK_KEY: i64 = 0x6f72_6368_6175_6474;

/// Appends an audit row inside the caller's transaction. The transaction-scoped advisory
/// lock makes concurrent appends queue, so each sees the previous row's hash.
pub(super) async fn append_in_tx(
    conn: &mut PgConnection,
    key: &AuditKey,
    draft: AuditDraft,
) -> Result<AuditRecord, StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK_KEY)
        .execute(&mut *conn)
        .await?;
    let last = sqlx::query_as(audit::LAST_LINK)
        .fetch_optional(&mut *conn)
        .await?;
    let record = audit::seal_next(draft, key, last);
    audit::insert::<PgQuery>(&record)
        .execute(&mut *conn)
        .await?;
    Ok(record)
}

#[async_trait]
impl AuditStore for PgStore {
    async fn append_audit(&self, draft: AuditDraft) -> Result<AuditRecord, StoreError> {
        let mut tx = self.pool().begin().await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, draft).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q = audit::list::<QueryBuilder<Postgres>>(query);
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter().map(audit::decode).collect()
    }

    async fn audit_chain(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = audit::chain::<PgQuery>(after_seq, limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(audit::decode).collect()
    }
}
