//! Versioned tenant config. Statements and decoding are shared (`store/shared/configs.rs`);
//! this file runs them and locks the pointer row with `FOR UPDATE`.

use async_trait::async_trait;
use orch_core::audit::AuditDraft;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{PgStore, audit::append_in_tx};
use crate::model::tenant_config::{
    ConfigPointer, ConfigProjection, ConfigVersionRecord, PointerMove,
};
use crate::store::shared::{PgQuery, configs};
use crate::store::{ConfigStore, StoreError};

#[async_trait]
impl ConfigStore for PgStore {
    async fn create_config_version(
        &self,
        v: &ConfigVersionRecord,
        projection: &ConfigProjection,
        activate: Option<&PointerMove>,
        audit: AuditDraft,
    ) -> Result<Option<ConfigPointer>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let newest: Option<i32> = sqlx::query_scalar(configs::NEWEST_VERSION)
            .bind(&v.tenant_id)
            .fetch_one(&mut *tx)
            .await?;
        configs::check_next(v, newest)?;
        configs::insert_version::<PgQuery>(v)
            .execute(&mut *tx)
            .await?;
        for insert in configs::insert_projection::<PgQuery>(v, projection) {
            insert.execute(&mut *tx).await?;
        }
        let pointer = match activate {
            Some(mv) => {
                let current = current_version(&mut tx, &v.tenant_id).await?;
                let mv = PointerMove {
                    from_version: current,
                    ..mv.clone()
                };
                Some(set_pointer(&mut tx, &mv, v.id).await?)
            }
            None => None,
        };
        append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(pointer)
    }

    async fn latest_config_version(
        &self,
        tenant: &str,
    ) -> Result<Option<ConfigVersionRecord>, StoreError> {
        let row = configs::latest_version::<PgQuery>(tenant)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(configs::decode_version).transpose()
    }

    async fn get_config_version(
        &self,
        tenant: &str,
        version: i32,
    ) -> Result<Option<ConfigVersionRecord>, StoreError> {
        let row = configs::version::<PgQuery>(tenant, version)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(configs::decode_version).transpose()
    }

    async fn list_config_versions(
        &self,
        tenant: &str,
        before: Option<i32>,
        limit: u32,
    ) -> Result<Vec<ConfigVersionRecord>, StoreError> {
        let rows = configs::versions::<PgQuery>(tenant, before, limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(configs::decode_version).collect()
    }

    async fn get_config_projection(
        &self,
        tenant: &str,
        version: i32,
    ) -> Result<ConfigProjection, StoreError> {
        let policies = configs::policies::<PgQuery>(tenant, version)
            .fetch_all(self.pool())
            .await?;
        let connectors = configs::connectors::<PgQuery>(tenant, version)
            .fetch_all(self.pool())
            .await?;
        let secret_refs = configs::secret_refs::<PgQuery>(tenant, version)
            .fetch_all(self.pool())
            .await?;
        Ok(ConfigProjection {
            policies: policies
                .iter()
                .map(configs::decode_policy)
                .collect::<Result<_, _>>()?,
            connectors: connectors
                .iter()
                .map(configs::decode_connector)
                .collect::<Result<_, _>>()?,
            secret_refs: secret_refs
                .iter()
                .map(configs::decode_secret_ref)
                .collect::<Result<_, _>>()?,
        })
    }

    async fn get_config_pointer(&self, tenant: &str) -> Result<Option<ConfigPointer>, StoreError> {
        let row = configs::pointer::<PgQuery>(tenant)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(configs::decode_pointer).transpose()
    }

    async fn list_config_pointers(&self) -> Result<Vec<ConfigPointer>, StoreError> {
        let rows = configs::pointers::<PgQuery>()
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(configs::decode_pointer).collect()
    }

    async fn move_config_pointer(
        &self,
        mv: &PointerMove,
        audit: AuditDraft,
    ) -> Result<ConfigPointer, StoreError> {
        let mut tx = self.pool().begin().await?;
        let target: Option<Uuid> = sqlx::query_scalar(configs::VERSION_ID)
            .bind(&mv.tenant_id)
            .bind(mv.to_version)
            .fetch_optional(&mut *tx)
            .await?;
        let target = target.ok_or(StoreError::NotFound)?;
        let current = current_version(&mut tx, &mv.tenant_id).await?;
        configs::check_from(mv, current)?;
        let pointer = set_pointer(&mut tx, mv, target).await?;
        append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(pointer)
    }

    async fn config_pointer_history(
        &self,
        tenant: &str,
        limit: u32,
    ) -> Result<Vec<PointerMove>, StoreError> {
        let rows = configs::history::<PgQuery>(tenant, limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(configs::decode_move).collect()
    }
}

/// The active version, locking the pointer row for the rest of the transaction.
async fn current_version(conn: &mut PgConnection, tenant: &str) -> Result<Option<i32>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT active_version FROM config_pointers WHERE tenant_id = $1 FOR UPDATE",
    )
    .bind(tenant)
    .fetch_optional(conn)
    .await?)
}

async fn set_pointer(
    conn: &mut PgConnection,
    mv: &PointerMove,
    version_id: Uuid,
) -> Result<ConfigPointer, StoreError> {
    let row = configs::upsert_pointer::<PgQuery>(mv, version_id)
        .fetch_one(&mut *conn)
        .await?;
    configs::insert_move::<PgQuery>(mv)
        .execute(&mut *conn)
        .await?;
    configs::decode_pointer(&row)
}
