//! Operators and their API keys. Statements and decoding are shared
//! (`store/shared/operators.rs`); this file runs them and locks the operator row on rotation.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{PgStore, audit::append_in_tx};
use crate::model::identity::{ApiKeyRecord, OperatorRecord};
use crate::store::shared::{PgQuery, operators};
use crate::store::{OperatorStore, StoreError};

#[async_trait]
impl OperatorStore for PgStore {
    async fn create_operator(
        &self,
        operator: &OperatorRecord,
        key: &ApiKeyRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.pool().begin().await?;
        operators::insert::<PgQuery>(operator)
            .execute(&mut *tx)
            .await?;
        operators::insert_key::<PgQuery>(key)
            .execute(&mut *tx)
            .await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn get_operator(&self, id: Uuid) -> Result<Option<OperatorRecord>, StoreError> {
        let row = operators::get::<PgQuery>(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(operators::decode_operator).transpose()
    }

    async fn list_operators(&self) -> Result<Vec<OperatorRecord>, StoreError> {
        let rows = operators::list::<PgQuery>().fetch_all(self.pool()).await?;
        rows.iter().map(operators::decode_operator).collect()
    }

    async fn count_operators(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(operators::COUNT)
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    async fn find_operator_key(
        &self,
        lookup_id: &str,
    ) -> Result<Option<(ApiKeyRecord, OperatorRecord)>, StoreError> {
        let row = operators::find_key::<PgQuery>(lookup_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(|r| Ok((operators::decode_key(r)?, operators::decode_operator(r)?)))
            .transpose()
    }

    async fn active_operator(
        &self,
        operator_id: Uuid,
        key_id: Uuid,
    ) -> Result<Option<OperatorRecord>, StoreError> {
        let row = operators::active::<PgQuery>(operator_id, key_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(operators::decode_operator).transpose()
    }

    async fn replace_operator_key_hash(
        &self,
        key_id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError> {
        let done = operators::replace_key_hash::<PgQuery>(key_id, old_hash, new_hash)
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
        let done = operators::disable::<PgQuery>(id, at)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        operators::revoke_keys::<PgQuery>(id, at)
            .execute(&mut *tx)
            .await?;
        operators::stop_impersonations_of::<PgQuery>(
            id,
            audit.operator_id,
            "operator disabled",
            at,
        )
        .execute(&mut *tx)
        .await?;
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
        operators::revoke_keys::<PgQuery>(operator_id, key.created_at)
            .execute(&mut *tx)
            .await?;
        operators::stop_impersonations_of::<PgQuery>(
            operator_id,
            audit.operator_id,
            "operator key rotated",
            key.created_at,
        )
        .execute(&mut *tx)
        .await?;
        operators::insert_key::<PgQuery>(key)
            .execute(&mut *tx)
            .await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }
}
