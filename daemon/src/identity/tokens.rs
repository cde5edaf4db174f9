//! Operator tokens: short-lived JWTs (`aud` = `orchd-operator`) signed by orchd's key,
//! issued in exchange for an API key.

use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use orch_core::rbac::Role;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::signing::SigningKey;

/// `iss` of every token orchd signs.
pub const ORCHD_ISSUER: &str = "orchd";
/// `aud` of operator tokens.
pub const OPERATOR_AUDIENCE: &str = "orchd-operator";
/// `aud` of tenant tokens.
pub const TENANT_AUDIENCE: &str = "orchd";
/// Clock skew tolerated on `exp`, `nbf` and `iat`.
pub const LEEWAY_S: u64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OperatorClaims {
    pub iss: String,
    /// The operator id.
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub name: String,
    pub role: Role,
    /// The API key this token was exchanged for; revoking the key revokes the token.
    pub key: Uuid,
}

/// Why a bearer token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("no bearer token")]
    Missing,
    #[error("invalid token: {0}")]
    Invalid(String),
    #[error("token audience not accepted")]
    WrongAudience,
}

impl OperatorClaims {
    pub fn operator_id(&self) -> Result<Uuid, TokenError> {
        Uuid::parse_str(&self.sub)
            .map_err(|_| TokenError::Invalid("sub is not an operator id".into()))
    }

    pub fn expires_at(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.exp).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

/// Signs an operator token valid for `ttl`.
pub fn issue_operator_token(
    key: &SigningKey,
    operator_id: Uuid,
    name: &str,
    role: Role,
    key_id: Uuid,
    ttl: Duration,
) -> Result<(String, OffsetDateTime), super::IdentityError> {
    let now = OffsetDateTime::now_utc();
    let expires_at = now + ttl;
    let claims = OperatorClaims {
        iss: ORCHD_ISSUER.to_owned(),
        sub: operator_id.to_string(),
        aud: OPERATOR_AUDIENCE.to_owned(),
        iat: now.unix_timestamp(),
        exp: expires_at.unix_timestamp(),
        jti: orch_core::ids::new_id().to_string(),
        name: name.to_owned(),
        role,
        key: key_id,
    };
    Ok((key.sign(&claims)?, expires_at))
}

/// Verifies signature, algorithm, issuer, audience and expiry of an operator token.
/// (Whether the operator and key are still active is checked against storage by the caller.)
pub fn verify_operator_token(key: &SigningKey, token: &str) -> Result<OperatorClaims, TokenError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| TokenError::Invalid("not a well-formed JWT".into()))?;
    if header.alg != Algorithm::HS256 {
        return Err(TokenError::Invalid(format!(
            "algorithm {:?} not accepted",
            header.alg
        )));
    }
    match header.kid.as_deref() {
        Some(kid) if kid == key.kid() => {}
        Some(kid) => {
            return Err(TokenError::Invalid(format!(
                "signed by another orchd key (kid {kid}, this node has {}); nodes must share auth.signing_key_ref",
                key.kid()
            )));
        }
        None => return Err(TokenError::Invalid("no kid".into())),
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[OPERATOR_AUDIENCE]);
    validation.set_issuer(&[ORCHD_ISSUER]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY_S;
    // Validate first (signature, expiry, audience) on a plain JSON value, then read the
    // operator claims: a tenant token here must say "wrong audience", not "bad shape".
    let claims = jsonwebtoken::decode::<serde_json::Value>(token, key.decoding_key(), &validation)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidAudience => TokenError::WrongAudience,
            ErrorKind::MissingRequiredClaim(c) if c == "aud" => TokenError::WrongAudience,
            ErrorKind::ExpiredSignature => TokenError::Invalid("expired".into()),
            other => TokenError::Invalid(format!("{other:?}")),
        })?
        .claims;
    serde_json::from_value(claims).map_err(|_| TokenError::Invalid("not an operator token".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::SecretValue;

    fn key(seed: char) -> SigningKey {
        SigningKey::from_secret(&SecretValue::new(seed.to_string().repeat(40))).unwrap()
    }

    #[test]
    fn round_trip() {
        let k = key('a');
        let id = Uuid::now_v7();
        let (token, exp) = issue_operator_token(
            &k,
            id,
            "alice",
            Role::Admin,
            Uuid::now_v7(),
            Duration::from_secs(900),
        )
        .unwrap();
        let claims = verify_operator_token(&k, &token).unwrap();
        assert_eq!(claims.operator_id().unwrap(), id);
        assert_eq!(claims.role, Role::Admin);
        assert_eq!(claims.exp, exp.unix_timestamp());
    }

    #[test]
    fn another_key_is_named() {
        let (token, _) = issue_operator_token(
            &key('a'),
            Uuid::now_v7(),
            "alice",
            Role::Admin,
            Uuid::now_v7(),
            Duration::from_secs(60),
        )
        .unwrap();
        let err = verify_operator_token(&key('b'), &token).unwrap_err();
        assert!(err.to_string().contains("another orchd key"), "{err}");
    }

    #[test]
    fn expired_tokens_are_refused() {
        let k = key('a');
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let claims = OperatorClaims {
            iss: ORCHD_ISSUER.into(),
            sub: Uuid::now_v7().to_string(),
            aud: OPERATOR_AUDIENCE.into(),
            iat: now - 1000,
            exp: now - 100,
            jti: "j".into(),
            name: "a".into(),
            role: Role::Readonly,
            key: Uuid::now_v7(),
        };
        let token = k.sign(&claims).unwrap();
        assert!(matches!(
            verify_operator_token(&k, &token),
            Err(TokenError::Invalid(_))
        ));
    }
}
