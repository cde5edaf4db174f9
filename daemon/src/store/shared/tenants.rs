//! Tenant clients and impersonations: statements and row decoding for both backends.

use orch_core::rbac::Scope;
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Filter, Statement, StoreRow};
use crate::model::identity::{ImpersonationQuery, ImpersonationRecord, TenantClientRecord};
use crate::store::{StoreError, rows_limit, scopes_from_text};

const CLIENT_COLUMNS: &str =
    "id, tenant_id, name, client_id, secret_hash, scopes, created_by, created_at, deleted_at";
const IMPERSONATION_COLUMNS: &str = "id, operator_id, tenant_id, reason, scopes, created_at, expires_at, \
     stopped_at, stopped_by, stop_reason";

pub(crate) fn insert_client<Q: Statement>(c: &TenantClientRecord) -> Q {
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

pub(crate) fn list_clients<Q: Statement>(tenant: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {CLIENT_COLUMNS} FROM tenant_clients WHERE tenant_id = $1 AND deleted_at IS NULL \
         ORDER BY created_at, id"
    )))
    .arg(tenant)
}

pub(crate) fn find_client<Q: Statement>(client_id: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {CLIENT_COLUMNS} FROM tenant_clients WHERE client_id = $1"
    )))
    .arg(client_id)
}

/// Swaps the secret hash if it is still `old_hash` (compare and set).
pub(crate) fn replace_secret_hash<Q: Statement>(id: Uuid, old_hash: &str, new_hash: &str) -> Q {
    Q::new("UPDATE tenant_clients SET secret_hash = $3 WHERE id = $1 AND secret_hash = $2")
        .arg(id)
        .arg(old_hash)
        .arg(new_hash)
}

pub(crate) fn delete_client<Q: Statement>(tenant: &str, id: Uuid, at: OffsetDateTime) -> Q {
    Q::new(
        "UPDATE tenant_clients SET deleted_at = $3 WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL",
    )
    .arg(id)
    .arg(tenant)
    .arg(at)
}

pub(crate) fn insert_impersonation<Q: Statement>(i: &ImpersonationRecord) -> Q {
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

pub(crate) fn get_impersonation<Q: Statement>(id: Uuid) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {IMPERSONATION_COLUMNS} FROM impersonations WHERE id = $1"
    )))
    .arg(id)
}

pub(crate) fn list_impersonations<B: Filter>(query: &ImpersonationQuery) -> B {
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

pub(crate) fn stop_impersonation<Q: Statement>(
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

pub(crate) fn decode_client(row: &impl StoreRow) -> Result<TenantClientRecord, StoreError> {
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

pub(crate) fn decode_impersonation(row: &impl StoreRow) -> Result<ImpersonationRecord, StoreError> {
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
