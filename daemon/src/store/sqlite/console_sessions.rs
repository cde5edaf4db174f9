//! Console sessions. Statements and decoding are shared (`store/shared/console_sessions.rs`);
//! this file runs them in `BEGIN IMMEDIATE` write transactions with their audit row.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use time::OffsetDateTime;

use super::{SqliteStore, audit::append_in_tx};
use crate::model::console_sessions::ConsoleSessionRecord;
use crate::model::identity::OperatorRecord;
use crate::store::shared::{SqliteQuery, console_sessions};
use crate::store::{ConsoleSessionStore, StoreError};

#[async_trait]
impl ConsoleSessionStore for SqliteStore {
    async fn create_console_session(
        &self,
        session: &ConsoleSessionRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        console_sessions::insert::<SqliteQuery>(session)
            .execute(&mut *tx)
            .await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn find_console_session(
        &self,
        id_hash: &str,
    ) -> Result<Option<(ConsoleSessionRecord, OperatorRecord)>, StoreError> {
        let row = console_sessions::find_live::<SqliteQuery>(id_hash)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(console_sessions::decode_live).transpose()
    }

    async fn touch_console_session(
        &self,
        id_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        console_sessions::touch::<SqliteQuery>(id_hash, at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn revoke_console_session(
        &self,
        id_hash: &str,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = console_sessions::revoke::<SqliteQuery>(id_hash, at)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn delete_ended_console_sessions(
        &self,
        now: OffsetDateTime,
        idle_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let done = console_sessions::delete_ended::<SqliteQuery>(now, idle_before)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
