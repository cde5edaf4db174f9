//! Tenant tokens: bearer JWTs from the configured issuers (`auth.issuers`), or from orchd
//! itself (client credentials, impersonation). Each issuer has its own keys, algorithm
//! allow-list and the tenants it may speak for (`tenants`); `none` never verifies, and
//! header fields that point at keys (`jku`, `x5u`, `jwk`) are never followed — only `alg`
//! and `kid` are read from the header. `jwks_url` issuers keep their keys in a
//! [`JwksCache`](super::jwks::JwksCache).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use orch_core::api::impersonations::MAX_IMPERSONATION_TTL_S;
use orch_core::rbac::Scope;
use orch_core::tenant::{TenantPattern, TenantSlug};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::IdentityError;
use super::jwks::{JwksCache, JwksPolicy, KeyMiss};
use super::signing::SigningKey;
use super::tokens::{LEEWAY_S, ORCHD_ISSUER, TENANT_AUDIENCE, TokenError};
use crate::secrets;
use crate::settings::{AuthSettings, IssuerSettings, JwksSettings};

/// Who a verified tenant token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantPrincipal {
    pub tenant: String,
    pub scopes: Vec<Scope>,
    pub issuer: String,
    pub subject: Option<String>,
    pub expires_at: OffsetDateTime,
    pub impersonation: Option<ImpersonationRef>,
}

/// The operator acting as the tenant, from an impersonation token (`act`, `imp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImpersonationRef {
    pub id: Uuid,
    pub operator_id: Uuid,
}

/// The claims of a tenant token (orchd's own and external).
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct TenantClaims {
    pub iss: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    pub aud: Vec<String>,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<ActorClaim>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
}

/// RFC 8693 `act`: who is acting.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct ActorClaim {
    pub sub: String,
}

/// `aud` may be a string or a list.
#[derive(Deserialize)]
struct Peek {
    #[serde(default)]
    iss: Option<String>,
}

#[derive(Deserialize)]
struct WireClaims {
    iss: String,
    #[serde(default)]
    sub: Option<String>,
    exp: i64,
    iat: i64,
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    act: Option<ActorClaim>,
    #[serde(default)]
    imp: Option<String>,
}

enum IssuerKeys {
    /// One unnamed key: the token's `kid` is ignored.
    Single(Vec<(Algorithm, DecodingKey)>),
    /// Named keys (rotation): the `kid` must match one.
    Named(HashMap<String, Vec<(Algorithm, DecodingKey)>>),
    /// A JWKS document, fetched and cached until it expires; refetched (rate-limited) on
    /// an unknown `kid`.
    Jwks(JwksCache),
}

struct Issuer {
    audience: String,
    algorithms: Vec<Algorithm>,
    keys: IssuerKeys,
    /// The tenants this issuer may speak for; a verified token for any other is refused.
    tenants: Vec<TenantPattern>,
}

/// Verifies tenant bearer tokens.
pub struct TenantTokenVerifier {
    own: Arc<SigningKey>,
    issuers: HashMap<String, Issuer>,
    max_ttl_s: u64,
}

fn algorithm(name: &str) -> Result<Algorithm, IdentityError> {
    match name {
        "HS256" => Ok(Algorithm::HS256),
        "RS256" => Ok(Algorithm::RS256),
        "ES256" => Ok(Algorithm::ES256),
        "EdDSA" => Ok(Algorithm::EdDSA),
        other => Err(IdentityError::Token(format!(
            "algorithm {other:?} is not allowed"
        ))),
    }
}

/// Decoding keys for a PEM public key, one per allowed asymmetric algorithm it fits.
fn pem_keys(pem: &str, algorithms: &[Algorithm]) -> Vec<(Algorithm, DecodingKey)> {
    algorithms
        .iter()
        .filter_map(|alg| {
            let key = match alg {
                Algorithm::RS256 => DecodingKey::from_rsa_pem(pem.as_bytes()).ok(),
                Algorithm::ES256 => DecodingKey::from_ec_pem(pem.as_bytes()).ok(),
                Algorithm::EdDSA => DecodingKey::from_ed_pem(pem.as_bytes()).ok(),
                _ => None,
            };
            key.map(|k| (*alg, k))
        })
        .collect()
}

impl TenantTokenVerifier {
    /// Builds verifiers for every configured issuer; secret refs and PEM keys are resolved
    /// now, so a misconfigured issuer stops start-up with a message naming it.
    pub fn new(settings: &AuthSettings, own: Arc<SigningKey>) -> Result<Self, IdentityError> {
        let http = if settings.issuers.iter().any(|i| i.jwks_url.is_some()) {
            crate::tls::install_tls_provider();
            Some(jwks_client(&settings.jwks)?)
        } else {
            None
        };
        let mut issuers = HashMap::new();
        for cfg in &settings.issuers {
            issuers.insert(
                cfg.iss.clone(),
                Self::issuer(cfg, &settings.jwks, http.as_ref())?,
            );
        }
        Ok(Self {
            own,
            issuers,
            max_ttl_s: settings.max_token_ttl_s,
        })
    }

    fn issuer(
        cfg: &IssuerSettings,
        jwks: &JwksSettings,
        http: Option<&reqwest::Client>,
    ) -> Result<Issuer, IdentityError> {
        let named = |what: &str| IdentityError::Token(format!("issuer {:?}: {what}", cfg.iss));
        let algorithms = cfg
            .algorithms
            .iter()
            .map(|a| algorithm(a))
            .collect::<Result<Vec<_>, _>>()?;
        // Settings validation refuses these too; checked again because an issuer trusted
        // for no tenant, or for every tenant by accident, must never get this far.
        let tenants = match &cfg.tenants {
            Some(tenants) if !tenants.is_empty() => tenants.clone(),
            _ => return Err(named("`tenants` is required")),
        };
        let keys = if let Some(reference) = &cfg.secret_ref {
            if !algorithms.contains(&Algorithm::HS256) {
                return Err(named("secret_ref needs HS256 in algorithms"));
            }
            let secret = secrets::resolve(reference)?;
            IssuerKeys::Single(vec![(
                Algorithm::HS256,
                DecodingKey::from_secret(secret.expose().as_bytes()),
            )])
        } else if let Some(pem) = &cfg.public_key_pem {
            let keys = pem_keys(pem, &algorithms);
            if keys.is_empty() {
                return Err(named("public_key_pem fits none of its algorithms"));
            }
            IssuerKeys::Single(keys)
        } else if !cfg.keys.is_empty() {
            let mut named_keys = HashMap::new();
            for k in &cfg.keys {
                let keys = pem_keys(&k.public_key_pem, &algorithms);
                if keys.is_empty() {
                    return Err(named(&format!(
                        "key {:?} fits none of its algorithms",
                        k.kid
                    )));
                }
                named_keys.insert(k.kid.clone(), keys);
            }
            IssuerKeys::Named(named_keys)
        } else if let Some(url) = &cfg.jwks_url {
            if algorithms.contains(&Algorithm::HS256) {
                return Err(named("a jwks_url issuer cannot use HS256"));
            }
            let http = http.ok_or_else(|| named("no JWKS client"))?;
            IssuerKeys::Jwks(JwksCache::new(
                url.clone(),
                algorithms.clone(),
                JwksPolicy::from(jwks),
                http.clone(),
            ))
        } else {
            return Err(named("no key source"));
        };
        Ok(Issuer {
            audience: cfg
                .audience
                .clone()
                .unwrap_or_else(|| TENANT_AUDIENCE.to_owned()),
            algorithms,
            keys,
            tenants,
        })
    }

    /// Verifies a tenant token and returns who it speaks for. Whether an impersonation is
    /// still active is checked by the caller against storage.
    pub async fn verify(&self, token: &str) -> Result<TenantPrincipal, TokenError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| TokenError::Invalid("not a well-formed JWT".into()))?;
        let peek: Peek = jsonwebtoken::dangerous::insecure_decode_claims(token)
            .map_err(|e| TokenError::Invalid(format!("malformed claims: {e}")))?;
        let iss = peek
            .iss
            .ok_or_else(|| TokenError::Invalid("no iss".into()))?;

        let own = iss == ORCHD_ISSUER;
        let jwks_key;
        let mut tenants: &[TenantPattern] = &[];
        let (key, audience): (&DecodingKey, &str) = if own {
            if header.alg != Algorithm::HS256 || header.kid.as_deref() != Some(self.own.kid()) {
                return Err(TokenError::Invalid(format!(
                    "not signed by this orchd's key (kid {:?}, this node has {})",
                    header.kid,
                    self.own.kid()
                )));
            }
            (self.own.decoding_key(), TENANT_AUDIENCE)
        } else {
            let issuer = self
                .issuers
                .get(&iss)
                .ok_or_else(|| TokenError::Invalid(format!("unknown issuer {iss:?}")))?;
            if !issuer.algorithms.contains(&header.alg) {
                return Err(TokenError::Invalid(format!(
                    "algorithm {:?} is not allowed for issuer {iss:?}",
                    header.alg
                )));
            }
            let key = match &issuer.keys {
                IssuerKeys::Single(keys) => pick(keys, header.alg),
                IssuerKeys::Named(by_kid) => {
                    let kid = header
                        .kid
                        .as_deref()
                        .ok_or_else(|| TokenError::Invalid("no kid".into()))?;
                    let keys = by_kid
                        .get(kid)
                        .ok_or_else(|| TokenError::Invalid(format!("no key has kid {kid:?}")))?;
                    pick(keys, header.alg)
                }
                IssuerKeys::Jwks(cache) => {
                    let kid = header
                        .kid
                        .as_deref()
                        .ok_or_else(|| TokenError::Invalid("no kid".into()))?;
                    jwks_key = cache
                        .key(kid, header.alg)
                        .await
                        .map_err(|miss| match miss {
                            KeyMiss::UnknownKid => {
                                TokenError::Invalid(format!("no key has kid {kid:?}"))
                            }
                            KeyMiss::Unavailable => TokenError::Invalid(
                                "the issuer's keys are unavailable (JWKS fetch failed)".into(),
                            ),
                        })?;
                    Some(jwks_key.as_ref())
                }
            }
            .ok_or_else(|| TokenError::Invalid("no key for this algorithm".into()))?;
            tenants = &issuer.tenants;
            (key, issuer.audience.as_str())
        };

        let mut validation = Validation::new(header.alg);
        validation.set_audience(&[audience]);
        validation.set_issuer(&[iss.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
        validation.leeway = LEEWAY_S;
        validation.validate_nbf = true;
        let claims = jsonwebtoken::decode::<serde_json::Value>(token, key, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidAudience => TokenError::WrongAudience,
                ErrorKind::MissingRequiredClaim(c) if c == "aud" => TokenError::WrongAudience,
                ErrorKind::ExpiredSignature => TokenError::Invalid("expired".into()),
                ErrorKind::ImmatureSignature => TokenError::Invalid("not valid yet (nbf)".into()),
                ErrorKind::InvalidSignature => TokenError::Invalid("bad signature".into()),
                ErrorKind::MissingRequiredClaim(c) => {
                    TokenError::Invalid(format!("missing claim {c}"))
                }
                other => TokenError::Invalid(format!("{other:?}")),
            })?
            .claims;
        let claims: WireClaims = serde_json::from_value(claims)
            .map_err(|e| TokenError::Invalid(format!("claims: {e}")))?;

        let now = OffsetDateTime::now_utc().unix_timestamp();
        if claims.iat > now + LEEWAY_S as i64 {
            return Err(TokenError::Invalid("issued in the future".into()));
        }
        let impersonation = match (&claims.imp, &claims.act) {
            (None, None) => None,
            (Some(imp), Some(act)) if own => Some(ImpersonationRef {
                id: Uuid::parse_str(imp)
                    .map_err(|_| TokenError::Invalid("imp is not an id".into()))?,
                operator_id: Uuid::parse_str(&act.sub)
                    .map_err(|_| TokenError::Invalid("act.sub is not an operator id".into()))?,
            }),
            _ => {
                return Err(TokenError::Invalid(
                    "act/imp are only accepted from orchd's own impersonation tokens".into(),
                ));
            }
        };
        let max_ttl = if impersonation.is_some() {
            MAX_IMPERSONATION_TTL_S
        } else {
            self.max_ttl_s
        };
        let ttl = claims.exp.saturating_sub(claims.iat);
        if ttl < 0 || ttl as u64 > max_ttl {
            return Err(TokenError::Invalid(format!(
                "lifetime {ttl} s exceeds the maximum of {max_ttl} s"
            )));
        }
        let tenant = claims
            .tenant
            .ok_or_else(|| TokenError::Invalid("missing claim tenant".into()))?;
        TenantSlug::parse(&tenant).map_err(|e| TokenError::Invalid(e.to_string()))?;
        // An issuer speaks only for the tenants it is configured for: a valid signature
        // from one tenant's IdP must not open another tenant's data. orchd's own tokens
        // carry the tenant orchd put there.
        if !own && !tenants.iter().any(|p| p.matches(&tenant)) {
            tracing::warn!(
                issuer = %iss,
                tenant = %tenant,
                "tenant token refused: the issuer is not allowed to speak for this tenant"
            );
            return Err(TokenError::Invalid(format!(
                "issuer {iss:?} may not speak for tenant {tenant:?}"
            )));
        }
        Ok(TenantPrincipal {
            tenant,
            scopes: claims
                .scope
                .as_deref()
                .map(Scope::parse_claim)
                .unwrap_or_default(),
            issuer: claims.iss,
            subject: claims.sub,
            expires_at: OffsetDateTime::from_unix_timestamp(claims.exp)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
            impersonation,
        })
    }

    /// Signs a tenant token as orchd (client credentials, impersonation).
    pub fn issue(&self, claims: &TenantClaims) -> Result<String, IdentityError> {
        self.own.sign(claims)
    }

    pub fn max_ttl_s(&self) -> u64 {
        self.max_ttl_s
    }
}

/// The one client every JWKS fetch uses: no redirects (a redirect could point the key
/// fetch anywhere), https only unless the development switch is on, a short deadline.
fn jwks_client(settings: &JwksSettings) -> Result<reqwest::Client, IdentityError> {
    let timeout = settings.timeout.as_duration();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .https_only(!settings.allow_insecure_http)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(3)))
        .user_agent(concat!("orchd/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| IdentityError::Token(format!("JWKS http client: {e}")))
}

fn pick(keys: &[(Algorithm, DecodingKey)], alg: Algorithm) -> Option<&DecodingKey> {
    keys.iter().find(|(a, _)| *a == alg).map(|(_, k)| k)
}
