//! Tenant clients (OAuth2 client credentials) for tenants without their own issuer:
//! `client_id` + a secret stored only as a hash, exchanged for a short-lived tenant token
//! signed by orchd.

use std::net::IpAddr;
use std::sync::Arc;

use orch_core::api::auth::AccessTokenResponse;
use orch_core::api::clients::IssuedClient;
use orch_core::audit::AuditDraft;
use orch_core::rbac::Scope;
use time::OffsetDateTime;
use uuid::Uuid;

use super::IdentityError;
use super::api_keys::{self, Checked};
use super::limiter::{CredentialLimiter, Throttled};
use super::tenant_tokens::{TenantClaims, TenantTokenVerifier};
use super::tokens::{ORCHD_ISSUER, TENANT_AUDIENCE};
pub use crate::model::identity::TenantClientRecord;
use crate::store::Store;

pub const CLIENT_SECRET_PREFIX: &str = "orch_cs_";
pub const CLIENT_ID_PREFIX: &str = "orch_cl_";

/// Why a client-credentials request was refused (RFC 6749 §5.2 error names).
#[derive(Debug, thiserror::Error)]
pub enum ClientAuthError {
    #[error("invalid_client")]
    InvalidClient,
    #[error("invalid_scope: {0}")]
    InvalidScope(String),
    #[error(transparent)]
    Throttled(#[from] Throttled),
    #[error(transparent)]
    Identity(#[from] IdentityError),
}

#[derive(Clone)]
pub struct ClientService {
    store: Arc<dyn Store>,
    tokens: Arc<TenantTokenVerifier>,
    limiter: Arc<CredentialLimiter>,
}

impl ClientService {
    pub fn new(
        store: Arc<dyn Store>,
        tokens: Arc<TenantTokenVerifier>,
        limiter: Arc<CredentialLimiter>,
    ) -> Self {
        Self {
            store,
            tokens,
            limiter,
        }
    }

    pub async fn create(
        &self,
        tenant: &str,
        name: &str,
        scopes: Vec<Scope>,
        created_by: Uuid,
        audit: impl FnOnce(&TenantClientRecord) -> AuditDraft,
    ) -> Result<IssuedClient, IdentityError> {
        let secret = api_keys::generate(CLIENT_SECRET_PREFIX)?;
        let mut id_bytes = [0u8; 8];
        getrandom::fill(&mut id_bytes).map_err(|e| IdentityError::Hash(e.to_string()))?;
        let mut scopes = scopes;
        scopes.sort();
        scopes.dedup();
        let record = TenantClientRecord {
            id: orch_core::ids::new_id(),
            tenant_id: tenant.to_owned(),
            name: name.to_owned(),
            client_id: format!("{CLIENT_ID_PREFIX}{}", hex::encode(id_bytes)),
            secret_hash: secret.hash.clone(),
            scopes,
            created_by: Some(created_by),
            created_at: OffsetDateTime::now_utc(),
            deleted_at: None,
        };
        let draft = audit(&record);
        self.store.create_tenant_client(&record, draft).await?;
        Ok(IssuedClient {
            client: record.view(),
            client_secret: secret.plaintext,
        })
    }

    pub async fn list(&self, tenant: &str) -> Result<Vec<TenantClientRecord>, IdentityError> {
        Ok(self.store.list_tenant_clients(tenant).await?)
    }

    pub async fn delete(
        &self,
        tenant: &str,
        id: Uuid,
        audit: AuditDraft,
    ) -> Result<(), IdentityError> {
        self.store
            .delete_tenant_client(tenant, id, OffsetDateTime::now_utc(), audit)
            .await?;
        Ok(())
    }

    /// Whether a client still exists (tokens it received stop working when it is deleted).
    pub async fn is_active(&self, client_id: &str) -> Result<bool, IdentityError> {
        Ok(self
            .store
            .find_tenant_client(client_id)
            .await?
            .is_some_and(|c| c.deleted_at.is_none()))
    }

    /// The client-credentials grant: checks the secret and narrows scopes to what was asked.
    /// `client_ip` is the caller's address, for the failure budget: `Throttled` once it (or,
    /// for a legacy hash, the client) has failed too often, before any lookup or hashing.
    pub async fn exchange(
        &self,
        client_id: &str,
        client_secret: &str,
        scope: Option<&str>,
        client_ip: Option<IpAddr>,
    ) -> Result<AccessTokenResponse, ClientAuthError> {
        let mut attempt = self.limiter.begin(client_ip)?;
        // An unknown client costs one indexed lookup and no hashing: a SHA-256 check of a
        // known one is just as fast, so there is no timing difference to hide.
        let client = self
            .store
            .find_tenant_client(client_id)
            .await
            .map_err(IdentityError::from)?
            .filter(|c| c.deleted_at.is_none())
            .ok_or(ClientAuthError::InvalidClient)?;
        let checked =
            api_keys::check(&mut attempt, client_id, client_secret, &client.secret_hash).await?;
        let Checked::Match { rehashed } = checked else {
            return Err(ClientAuthError::InvalidClient);
        };
        attempt.succeeded();
        if let Some(new_hash) = rehashed {
            // The secret was right; failing to store the new hash only means Argon2 again
            // next time, so it does not fail the grant.
            match self
                .store
                .replace_tenant_client_secret_hash(client.id, &client.secret_hash, &new_hash)
                .await
            {
                Ok(_) => tracing::info!(client_id, "legacy client secret hash replaced"),
                Err(e) => {
                    tracing::warn!(client_id, error = %e, "could not replace a legacy secret hash");
                }
            }
        }
        let scopes = match scope.map(str::trim).filter(|s| !s.is_empty()) {
            None => client.scopes.clone(),
            Some(asked) => {
                let mut granted = Vec::new();
                for word in asked.split_whitespace() {
                    let s = Scope::parse(word)
                        .filter(|s| client.scopes.contains(s))
                        .ok_or_else(|| ClientAuthError::InvalidScope(word.to_owned()))?;
                    granted.push(s);
                }
                granted.sort();
                granted.dedup();
                granted
            }
        };
        let ttl = self.tokens.max_ttl_s();
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let claims = TenantClaims {
            iss: ORCHD_ISSUER.to_owned(),
            sub: Some(client.client_id.clone()),
            aud: vec![TENANT_AUDIENCE.to_owned()],
            iat: now,
            exp: now + i64::try_from(ttl).unwrap_or(900),
            tenant: Some(client.tenant_id.clone()),
            scope: Some(Scope::to_claim(&scopes)),
            act: None,
            imp: None,
            jti: Some(orch_core::ids::new_id().to_string()),
        };
        let access_token = self.tokens.issue(&claims)?;
        Ok(AccessTokenResponse {
            access_token,
            token_type: "Bearer".to_owned(),
            expires_in: ttl,
            scope: Scope::to_claim(&scopes),
        })
    }
}
