//! Tenant clients and impersonations, on either backend. Starting an impersonation checks
//! that its operator and key are live.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use orch_core::rbac::Scope;
use sqlx::{AssertSqlSafe, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Dialect, Filter, SqlBackend, Statement, StoreRow, operators};
use crate::model::identity::{ImpersonationQuery, ImpersonationRecord, TenantClientRecord};
use crate::store::{
    ImpersonationStore, StoreError, TenantClientStore, rows_limit, scopes_from_text,
};

const CLIENT_COLUMNS: &str =
    "id, tenant_id, name, client_id, secret_hash, scopes, created_by, created_at, deleted_at";
const IMPERSONATION_COLUMNS: &str = "id, operator_id, tenant_id, reason, scopes, created_at, expires_at, \
     stopped_at, stopped_by, stop_reason";

#[async_trait]
impl<B: SqlBackend> TenantClientStore for B {
    async fn create_tenant_client(
        &self,
        c: &TenantClientRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.transaction().await?;
        tx.execute(insert_client(c)).await?;
        tx.commit_audited(self.audit_key()?, audit).await
    }

    async fn list_tenant_clients(
        &self,
        tenant: &str,
    ) -> Result<Vec<TenantClientRecord>, StoreError> {
        let mut conn = self.conn().await?;
        conn.all(list_clients(tenant), decode_client).await
    }

    async fn find_tenant_client(
        &self,
        client_id: &str,
    ) -> Result<Option<TenantClientRecord>, StoreError> {
        let q = find_client(client_id);
        let mut conn = self.conn().await?;
        conn.optional(q, decode_client).await
    }

    async fn replace_tenant_client_secret_hash(
        &self,
        id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError> {
        let q = replace_secret_hash(id, old_hash, new_hash);
        let mut conn = self.conn().await?;
        Ok(conn.execute(q).await? > 0)
    }

    async fn delete_tenant_client(
        &self,
        tenant: &str,
        id: Uuid,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.transaction().await?;
        if tx.execute(delete_client(tenant, id, at)).await? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit_audited(self.audit_key()?, audit).await
    }
}

#[async_trait]
impl<B: SqlBackend> ImpersonationStore for B {
    async fn create_impersonation(
        &self,
        i: &ImpersonationRecord,
        key_id: Uuid,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.transaction().await?;
        // On Postgres `FOR SHARE` waits for a disable or rotation in flight (both lock the
        // row for update) and blocks the next one until this commits; the key is read by a
        // second statement so it sees what such a rotation committed. On SQLite the write
        // transaction serialises them.
        let live = tx
            .exists(operators::enabled(i.operator_id, B::Db::FOR_SHARE))
            .await?
            && tx.exists(live_key(key_id, i.operator_id)).await?;
        if !live {
            return Err(StoreError::NotFound);
        }
        tx.execute(insert_impersonation(i)).await?;
        tx.commit_audited(self.audit_key()?, audit).await
    }

    async fn get_impersonation(&self, id: Uuid) -> Result<Option<ImpersonationRecord>, StoreError> {
        let q = get_impersonation(id);
        let mut conn = self.conn().await?;
        conn.optional(q, decode_impersonation).await
    }

    async fn list_impersonations(
        &self,
        query: &ImpersonationQuery,
    ) -> Result<Vec<ImpersonationRecord>, StoreError> {
        let mut q = list_impersonations::<QueryBuilder<B::Db>>(query);
        let mut conn = self.conn().await?;
        conn.all(q.build(), decode_impersonation).await
    }

    async fn stop_impersonation(
        &self,
        id: Uuid,
        stopped_by: Uuid,
        reason: &str,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.transaction().await?;
        if tx
            .execute(stop_impersonation(id, stopped_by, reason, at))
            .await?
            == 0
        {
            return Err(StoreError::NotFound);
        }
        tx.commit_audited(self.audit_key()?, audit).await
    }
}

/// The key if it is the operator's and unrevoked.
fn live_key<Q: Statement>(key_id: Uuid, operator_id: Uuid) -> Q {
    Q::new(
        "SELECT id FROM operator_api_keys WHERE id = $1 AND operator_id = $2 AND revoked_at IS NULL",
    )
    .arg(key_id)
    .arg(operator_id)
}

fn insert_client<Q: Statement>(c: &TenantClientRecord) -> Q {
    Q::new(
        "INSERT INTO tenant_clients (id, tenant_id, name, client_id, secret_hash, scopes, created_by, created_at, deleted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .arg(c.id)
    .arg(&c.tenant_id)
    .arg(&c.name)
    .arg(&c.client_id)
    .arg(&c.secret_hash)
    .arg(Scope::to_claim(&c.scopes))
    .arg(c.created_by)
    .arg(c.created_at)
    .arg(c.deleted_at)
}

fn list_clients<Q: Statement>(tenant: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {CLIENT_COLUMNS} FROM tenant_clients WHERE tenant_id = $1 AND deleted_at IS NULL \
         ORDER BY created_at, id"
    )))
    .arg(tenant)
}

fn find_client<Q: Statement>(client_id: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {CLIENT_COLUMNS} FROM tenant_clients WHERE client_id = $1"
    )))
    .arg(client_id)
}

/// Swaps the secret hash if it is still `old_hash` (compare and set).
fn replace_secret_hash<Q: Statement>(id: Uuid, old_hash: &str, new_hash: &str) -> Q {
    Q::new("UPDATE tenant_clients SET secret_hash = $3 WHERE id = $1 AND secret_hash = $2")
        .arg(id)
        .arg(old_hash)
        .arg(new_hash)
}

fn delete_client<Q: Statement>(tenant: &str, id: Uuid, at: OffsetDateTime) -> Q {
    Q::new(
        "UPDATE tenant_clients SET deleted_at = $3 WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL",
    )
    .arg(id)
    .arg(tenant)
    .arg(at)
}

fn insert_impersonation<Q: Statement>(i: &ImpersonationRecord) -> Q {
    Q::new(
        "INSERT INTO impersonations (id, operator_id, tenant_id, reason, scopes, created_at, expires_at, \
         stopped_at, stopped_by, stop_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .arg(i.id)
    .arg(i.operator_id)
    .arg(&i.tenant_id)
    .arg(&i.reason)
    .arg(Scope::to_claim(&i.scopes))
    .arg(i.created_at)
    .arg(i.expires_at)
    .arg(i.stopped_at)
    .arg(i.stopped_by)
    .arg(&i.stop_reason)
}

fn get_impersonation<Q: Statement>(id: Uuid) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {IMPERSONATION_COLUMNS} FROM impersonations WHERE id = $1"
    )))
    .arg(id)
}

fn list_impersonations<B: Filter>(query: &ImpersonationQuery) -> B {
    let mut q = B::new(format!(
        "SELECT {IMPERSONATION_COLUMNS} FROM impersonations WHERE true"
    ));
    if let Some(t) = &query.tenant {
        q.sql(" AND tenant_id = ").arg(t);
    }
    if query.active_only {
        q.sql(" AND stopped_at IS NULL AND expires_at > ")
            .arg(OffsetDateTime::now_utc());
    }
    q.sql(" ORDER BY created_at DESC, id DESC LIMIT ")
        .arg(rows_limit(query.limit));
    q
}

fn stop_impersonation<Q: Statement>(
    id: Uuid,
    stopped_by: Uuid,
    reason: &str,
    at: OffsetDateTime,
) -> Q {
    Q::new(
        "UPDATE impersonations SET stopped_at = $2, stopped_by = $3, stop_reason = $4 \
         WHERE id = $1 AND stopped_at IS NULL",
    )
    .arg(id)
    .arg(at)
    .arg(stopped_by)
    .arg(reason)
}

fn decode_client(row: &impl StoreRow) -> Result<TenantClientRecord, StoreError> {
    Ok(TenantClientRecord {
        id: row.get("id")?,
        tenant_id: row.get("tenant_id")?,
        name: row.get("name")?,
        client_id: row.get("client_id")?,
        secret_hash: row.get("secret_hash")?,
        scopes: scopes_from_text(&row.get::<String>("scopes")?),
        created_by: row.get("created_by")?,
        created_at: row.get("created_at")?,
        deleted_at: row.get("deleted_at")?,
    })
}

fn decode_impersonation(row: &impl StoreRow) -> Result<ImpersonationRecord, StoreError> {
    Ok(ImpersonationRecord {
        id: row.get("id")?,
        operator_id: row.get("operator_id")?,
        tenant_id: row.get("tenant_id")?,
        reason: row.get("reason")?,
        scopes: scopes_from_text(&row.get::<String>("scopes")?),
        created_at: row.get("created_at")?,
        expires_at: row.get("expires_at")?,
        stopped_at: row.get("stopped_at")?,
        stopped_by: row.get("stopped_by")?,
        stop_reason: row.get("stop_reason")?,
    })
}
