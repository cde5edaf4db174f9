//! Operators, their API keys, tenant clients and impersonations as stored, and the audit
//! log's filters.

use orch_core::api::auth::OperatorSummary;
use orch_core::api::clients::ClientView;
use orch_core::api::impersonations::ImpersonationView;
use orch_core::api::operators::OperatorView;
use orch_core::rbac::{Role, Scope};
use time::OffsetDateTime;
use uuid::Uuid;

/// An operator row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRecord {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
}

/// An operator API key row (the hash only).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: Uuid,
    pub operator_id: Uuid,
    pub lookup_id: String,
    pub key_hash: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for ApiKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyRecord")
            .field("id", &self.id)
            .field("operator_id", &self.operator_id)
            .field("lookup_id", &self.lookup_id)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

impl OperatorRecord {
    pub fn view(&self) -> OperatorView {
        OperatorView {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
            created_at: self.created_at,
            disabled_at: self.disabled_at,
            created_by: self.created_by,
        }
    }

    pub fn summary(&self) -> OperatorSummary {
        OperatorSummary {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct TenantClientRecord {
    pub id: Uuid,
    pub tenant_id: String,
    pub name: String,
    pub client_id: String,
    pub secret_hash: String,
    pub scopes: Vec<Scope>,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub deleted_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for TenantClientRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantClientRecord")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("deleted_at", &self.deleted_at)
            .finish_non_exhaustive()
    }
}

impl TenantClientRecord {
    pub fn view(&self) -> ClientView {
        ClientView {
            id: self.id,
            tenant: self.tenant_id.clone(),
            name: self.name.clone(),
            client_id: self.client_id.clone(),
            scopes: self.scopes.clone(),
            created_at: self.created_at,
            created_by: self.created_by,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpersonationRecord {
    pub id: Uuid,
    pub operator_id: Uuid,
    pub tenant_id: String,
    pub reason: String,
    pub scopes: Vec<Scope>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub stopped_at: Option<OffsetDateTime>,
    pub stopped_by: Option<Uuid>,
    pub stop_reason: Option<String>,
}

impl ImpersonationRecord {
    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        self.stopped_at.is_none() && self.expires_at > now
    }

    pub fn view(&self) -> ImpersonationView {
        ImpersonationView {
            id: self.id,
            operator_id: self.operator_id,
            tenant: self.tenant_id.clone(),
            reason: self.reason.clone(),
            scopes: self.scopes.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            stopped_at: self.stopped_at,
            stopped_by: self.stopped_by,
            stop_reason: self.stop_reason.clone(),
            active: self.is_active(OffsetDateTime::now_utc()),
        }
    }
}

/// Filters for listing impersonations (newest first).
#[derive(Debug, Clone, Default)]
pub struct ImpersonationQuery {
    pub tenant: Option<String>,
    pub active_only: bool,
    pub limit: u32,
}

/// Filters of `GET /v1/admin/audit` (newest first).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// An operator id or name.
    pub operator: Option<String>,
    pub action: Option<String>,
    pub tenant: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    /// Only rows of this request id (what one request wrote).
    pub request_id: Option<String>,
    /// Only rows older than this chain position (the page cursor).
    pub before_seq: Option<i64>,
    pub limit: u32,
}
