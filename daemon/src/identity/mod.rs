//! Identity and access: orchd's signing key, operator API keys and tokens, the bootstrap
//! admin, tenant tokens (own and external issuers), and the audit trail of operator actions.

pub mod api_keys;
pub mod audit;
pub mod bootstrap;
pub mod clients;
pub mod console_sessions;
pub mod impersonations;
pub mod jwks;
pub mod limiter;
pub mod operators;
pub mod signing;
pub mod tenant_tokens;
pub mod tokens;

use crate::secrets::SecretError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("signing key: {0}")]
    SigningKey(String),
    #[error("audit key: {0}")]
    AuditKey(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("token: {0}")]
    Token(String),
    #[error("key generation failed: {0}")]
    Hash(String),
    /// A list parameter that does not read (a bad time or cursor).
    #[error(transparent)]
    Invalid(#[from] orch_core::api::list::InvalidParam),
    /// The acting operator was disabled or its key revoked while the request ran.
    #[error("the operator is disabled or its key was revoked")]
    Inactive,
}
