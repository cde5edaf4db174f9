//! Impersonation: an operator acts as a tenant for a bounded time, with a reason. The token
//! is a tenant token with RFC 8693 `act` (the operator) and `imp` (this impersonation);
//! stopping or expiry takes effect on the token's next request. So does disabling the
//! operator or rotating its key: both stop the operator's running impersonations in their
//! own transaction, and the per-request check also refuses a disabled operator's token.

use std::sync::Arc;

use orch_core::api::impersonations::StartedImpersonation;
use orch_core::audit::AuditDraft;
use orch_core::rbac::Scope;
use time::OffsetDateTime;
use uuid::Uuid;

use super::IdentityError;
use super::tenant_tokens::{ActorClaim, TenantClaims, TenantTokenVerifier};
use super::tokens::{ORCHD_ISSUER, TENANT_AUDIENCE};
pub use crate::model::identity::{ImpersonationQuery, ImpersonationRecord};
use crate::store::{Store, StoreError};

/// Who starts an impersonation: the operator and the key it authenticated with (a later
/// rotation of that key ends the impersonation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Impersonator {
    pub operator_id: Uuid,
    pub key_id: Uuid,
}

#[derive(Clone)]
pub struct ImpersonationService {
    store: Arc<dyn Store>,
    tokens: Arc<TenantTokenVerifier>,
}

impl ImpersonationService {
    pub fn new(store: Arc<dyn Store>, tokens: Arc<TenantTokenVerifier>) -> Self {
        Self { store, tokens }
    }

    /// Records the impersonation (audited in the same transaction) and signs its token.
    /// `Inactive` if the operator was disabled or its key revoked in the meantime.
    pub async fn start(
        &self,
        by: Impersonator,
        tenant: &str,
        reason: &str,
        ttl_s: u64,
        scopes: Vec<Scope>,
        audit: impl FnOnce(&ImpersonationRecord) -> AuditDraft,
    ) -> Result<StartedImpersonation, IdentityError> {
        let Impersonator {
            operator_id,
            key_id,
        } = by;
        let now = OffsetDateTime::now_utc();
        let expires_at = now + time::Duration::seconds(i64::try_from(ttl_s).unwrap_or(900));
        let record = ImpersonationRecord {
            id: orch_core::ids::new_id(),
            operator_id,
            tenant_id: tenant.to_owned(),
            reason: reason.to_owned(),
            scopes,
            created_at: now,
            expires_at,
            stopped_at: None,
            stopped_by: None,
            stop_reason: None,
        };
        let claims = TenantClaims {
            iss: ORCHD_ISSUER.to_owned(),
            sub: Some(format!("operator:{operator_id}")),
            aud: vec![TENANT_AUDIENCE.to_owned()],
            iat: now.unix_timestamp(),
            exp: expires_at.unix_timestamp(),
            tenant: Some(tenant.to_owned()),
            scope: Some(Scope::to_claim(&record.scopes)),
            act: Some(ActorClaim {
                sub: operator_id.to_string(),
            }),
            imp: Some(record.id.to_string()),
            jti: Some(orch_core::ids::new_id().to_string()),
        };
        let token = self.tokens.issue(&claims)?;
        let draft = audit(&record);
        self.store
            .create_impersonation(&record, key_id, draft)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => IdentityError::Inactive,
                other => IdentityError::Store(other),
            })?;
        Ok(StartedImpersonation {
            id: record.id,
            token,
            expires_at,
            tenant: record.tenant_id,
            scopes: record.scopes,
        })
    }

    pub async fn get(&self, id: Uuid) -> Result<Option<ImpersonationRecord>, IdentityError> {
        Ok(self.store.get_impersonation(id).await?)
    }

    pub async fn list(
        &self,
        query: &ImpersonationQuery,
    ) -> Result<Vec<ImpersonationRecord>, IdentityError> {
        Ok(self.store.list_impersonations(query).await?)
    }

    pub async fn stop(
        &self,
        id: Uuid,
        by: Uuid,
        reason: &str,
        audit: AuditDraft,
    ) -> Result<(), IdentityError> {
        self.store
            .stop_impersonation(id, by, reason, OffsetDateTime::now_utc(), audit)
            .await?;
        Ok(())
    }

    /// Whether the impersonation a token names is still active (not stopped, not expired)
    /// and its operator still enabled. Read from storage on every request, so a stop on any
    /// node counts at once on all of them. The operator check covers rows that predate
    /// disable stopping them, at one more lookup on (rare) impersonated requests.
    pub async fn is_active(&self, id: Uuid) -> Result<bool, IdentityError> {
        let Some(record) = self
            .store
            .get_impersonation(id)
            .await?
            .filter(|r| r.is_active(OffsetDateTime::now_utc()))
        else {
            return Ok(false);
        };
        Ok(self
            .store
            .get_operator(record.operator_id)
            .await?
            .is_some_and(|o| o.disabled_at.is_none()))
    }
}
