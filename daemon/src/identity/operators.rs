//! Operators: people and CI identities with one role each, authenticated by API keys that
//! are exchanged for short-lived tokens.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use orch_core::api::auth::OperatorTokenResponse;
use orch_core::api::operators::IssuedOperatorKey;
use orch_core::audit::AuditDraft;
use orch_core::rbac::Role;
use time::OffsetDateTime;
use uuid::Uuid;

use super::IdentityError;
use super::api_keys::{self, Checked, OPERATOR_KEY_PREFIX};
use super::limiter::{CredentialLimiter, Throttled};
use super::signing::SigningKey;
use super::tokens::{self, OperatorClaims, TokenError};
pub use crate::model::identity::{ApiKeyRecord, OperatorRecord};
use crate::store::{Store, StoreError};

/// Why an operator credential was refused.
#[derive(Debug, thiserror::Error)]
pub enum OperatorAuthError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("unknown or revoked API key")]
    BadKey,
    #[error("operator disabled or key revoked")]
    Inactive,
    #[error(transparent)]
    Throttled(#[from] Throttled),
    #[error(transparent)]
    Identity(#[from] IdentityError),
}

impl From<StoreError> for OperatorAuthError {
    fn from(e: StoreError) -> Self {
        Self::Identity(IdentityError::Store(e))
    }
}

/// Operator names: 1–64 of `[A-Za-z0-9._@-]`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'@' | b'-'))
}

/// The operator side of identity: creating, authenticating and managing operators.
#[derive(Clone)]
pub struct OperatorService {
    store: Arc<dyn Store>,
    key: Arc<SigningKey>,
    token_ttl: Duration,
    limiter: Arc<CredentialLimiter>,
}

impl OperatorService {
    pub fn new(
        store: Arc<dyn Store>,
        key: Arc<SigningKey>,
        token_ttl: Duration,
        limiter: Arc<CredentialLimiter>,
    ) -> Self {
        Self {
            store,
            key,
            token_ttl,
            limiter,
        }
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// Creates an operator with a first API key; the audit row is written in the same
    /// transaction. Returns the key (shown once).
    pub async fn create(
        &self,
        name: &str,
        role: Role,
        created_by: Option<Uuid>,
        audit: impl FnOnce(&OperatorRecord) -> AuditDraft,
    ) -> Result<IssuedOperatorKey, IdentityError> {
        let now = OffsetDateTime::now_utc();
        let operator = OperatorRecord {
            id: orch_core::ids::new_id(),
            name: name.to_owned(),
            role,
            created_by,
            created_at: now,
            disabled_at: None,
        };
        let generated = api_keys::generate(OPERATOR_KEY_PREFIX)?;
        let key = ApiKeyRecord {
            id: orch_core::ids::new_id(),
            operator_id: operator.id,
            lookup_id: generated.lookup_id.clone(),
            key_hash: generated.hash.clone(),
            created_at: now,
            revoked_at: None,
        };
        let draft = audit(&operator);
        self.store.create_operator(&operator, &key, draft).await?;
        Ok(IssuedOperatorKey {
            operator: operator.view(),
            key_id: key.id,
            api_key: generated.plaintext,
        })
    }

    /// Exchanges an API key for a short-lived operator token. `client_ip` is the caller's
    /// address, for the failure budget: `Throttled` once it (or, for a legacy hash, the
    /// key's id) has failed too often, before any lookup or hashing.
    pub async fn exchange_key(
        &self,
        api_key: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<OperatorTokenResponse, OperatorAuthError> {
        let (key, operator) = self.verify_key(api_key, client_ip).await?;
        let (token, expires_at) = tokens::issue_operator_token(
            &self.key,
            operator.id,
            &operator.name,
            operator.role,
            key.id,
            self.token_ttl,
        )?;
        Ok(OperatorTokenResponse {
            token,
            expires_at,
            operator: operator.summary(),
        })
    }

    /// Checks an API key (the one check behind both the token exchange and the console
    /// sign-in): the key and its enabled operator, within `client_ip`'s failure budget.
    pub async fn verify_key(
        &self,
        api_key: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<(ApiKeyRecord, OperatorRecord), OperatorAuthError> {
        let mut attempt = self.limiter.begin(client_ip)?;
        let lookup =
            api_keys::lookup_id(OPERATOR_KEY_PREFIX, api_key).ok_or(OperatorAuthError::BadKey)?;
        // An unknown id costs one indexed lookup and no hashing: there is no timing
        // difference worth hiding, since a SHA-256 check of a known id is just as fast.
        let (key, operator) = self
            .store
            .find_operator_key(lookup)
            .await?
            .ok_or(OperatorAuthError::BadKey)?;
        let rehashed = match api_keys::check(&mut attempt, lookup, api_key, &key.key_hash).await? {
            Checked::Match { rehashed } => rehashed,
            Checked::Mismatch => return Err(OperatorAuthError::BadKey),
        };
        if key.revoked_at.is_some() {
            return Err(OperatorAuthError::BadKey);
        }
        if operator.disabled_at.is_some() {
            return Err(OperatorAuthError::Inactive);
        }
        attempt.succeeded();
        if let Some(new_hash) = rehashed {
            // The key was right; failing to store the new hash only means Argon2 again next
            // time, so it does not fail the check.
            match self
                .store
                .replace_operator_key_hash(key.id, &key.key_hash, &new_hash)
                .await
            {
                Ok(_) => tracing::info!(key_id = %key.id, "legacy operator key hash replaced"),
                Err(e) => {
                    tracing::warn!(key_id = %key.id, error = %e, "could not replace a legacy key hash");
                }
            }
        }
        Ok((key, operator))
    }

    /// Verifies an operator token and that its operator and key are still active, so
    /// disabling an operator or rotating its key takes effect on the next request.
    pub async fn authenticate(
        &self,
        token: &str,
    ) -> Result<(OperatorClaims, OperatorRecord), OperatorAuthError> {
        let claims = tokens::verify_operator_token(&self.key, token)?;
        let operator = self
            .store
            .active_operator(claims.operator_id()?, claims.key)
            .await?
            .ok_or(OperatorAuthError::Inactive)?;
        Ok((claims, operator))
    }

    pub async fn count(&self) -> Result<u64, IdentityError> {
        Ok(self.store.count_operators().await?)
    }

    pub async fn list(&self) -> Result<Vec<OperatorRecord>, IdentityError> {
        Ok(self.store.list_operators().await?)
    }

    pub async fn get(&self, id: Uuid) -> Result<Option<OperatorRecord>, IdentityError> {
        Ok(self.store.get_operator(id).await?)
    }

    /// Disables an operator: its keys and tokens stop working at once.
    pub async fn disable(&self, id: Uuid, audit: AuditDraft) -> Result<(), IdentityError> {
        self.store
            .disable_operator(id, OffsetDateTime::now_utc(), audit)
            .await?;
        Ok(())
    }

    /// Issues a new key and revokes every other key of the operator.
    pub async fn rotate_key(
        &self,
        operator: &OperatorRecord,
        audit: AuditDraft,
    ) -> Result<IssuedOperatorKey, IdentityError> {
        let generated = api_keys::generate(OPERATOR_KEY_PREFIX)?;
        let key = ApiKeyRecord {
            id: orch_core::ids::new_id(),
            operator_id: operator.id,
            lookup_id: generated.lookup_id.clone(),
            key_hash: generated.hash.clone(),
            created_at: OffsetDateTime::now_utc(),
            revoked_at: None,
        };
        self.store
            .rotate_operator_key(operator.id, &key, audit)
            .await?;
        Ok(IssuedOperatorKey {
            operator: operator.view(),
            key_id: key.id,
            api_key: generated.plaintext,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names() {
        for ok in ["alice", "ci-bot", "a.b_c@example.com"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "has space", "semi;colon", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
