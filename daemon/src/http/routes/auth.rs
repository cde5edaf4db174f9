//! Token endpoints: `POST /v1/auth/operator/token` (operator API key → operator token) and
//! `POST /v1/auth/token` (OAuth2 client credentials → tenant token).

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use orch_core::api::auth::{
    AccessTokenResponse, ClientCredentialsRequest, OperatorTokenRequest, OperatorTokenResponse,
};
use orch_core::problem::ErrorCode;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, parse_json};
use crate::identity::clients::ClientAuthError;
use crate::identity::operators::OperatorAuthError;

/// The peer's address (the TCP connection's: orchd trusts no forwarding header), for the
/// failure budget; `None` when the server was built without connect info.
pub struct PeerIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ci| ci.0.ip()),
        ))
    }
}

pub async fn operator_token(
    State(state): State<AppState>,
    PeerIp(ip): PeerIp,
    ApiJson(body): ApiJson<OperatorTokenRequest>,
) -> Result<Json<OperatorTokenResponse>, AppError> {
    match state.operators.exchange_key(&body.api_key, ip).await {
        Ok(token) => {
            tracing::info!(operator = %token.operator.name, "operator token issued");
            Ok(Json(token))
        }
        Err(
            OperatorAuthError::BadKey | OperatorAuthError::Inactive | OperatorAuthError::Token(_),
        ) => {
            tracing::warn!("operator token refused");
            Err(AppError::new(
                ErrorCode::Unauthenticated,
                "the API key is unknown, revoked, or its operator is disabled",
            ))
        }
        Err(OperatorAuthError::Throttled(t)) => {
            tracing::warn!(
                retry_after_s = t.retry_after.as_secs(),
                "operator token throttled"
            );
            Err(t.into())
        }
        Err(OperatorAuthError::Identity(e)) => Err(e.into()),
    }
}

/// OAuth2 client credentials (RFC 6749 §4.4), as a form or JSON. Errors are problem+json
/// with the OAuth error name in `error`.
pub async fn client_token(
    State(state): State<AppState>,
    PeerIp(ip): PeerIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AccessTokenResponse>, AppError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let req: ClientCredentialsRequest = if is_form {
        serde_urlencoded::from_bytes(&body).map_err(|e| {
            AppError::invalid_field("(form)", e.to_string()).with("error", "invalid_request")
        })?
    } else {
        parse_json(&body).map_err(|e| e.with("error", "invalid_request"))?
    };
    if req.grant_type != "client_credentials" {
        return Err(
            AppError::invalid_field("grant_type", "only client_credentials is supported")
                .with("error", "unsupported_grant_type"),
        );
    }
    match state
        .clients
        .exchange(&req.client_id, &req.client_secret, req.scope.as_deref(), ip)
        .await
    {
        Ok(token) => Ok(Json(token)),
        Err(ClientAuthError::InvalidClient) => {
            tracing::warn!(client_id = %req.client_id, "client credentials refused");
            Err(
                AppError::new(ErrorCode::Unauthenticated, "unknown client or wrong secret")
                    .with("error", "invalid_client")
                    .with_header(WWW_AUTHENTICATE, r#"Basic realm="orchd""#),
            )
        }
        Err(ClientAuthError::InvalidScope(scope)) => Err(AppError::invalid_field(
            "scope",
            format!("{scope:?} is not a scope of this client"),
        )
        .with("error", "invalid_scope")),
        Err(ClientAuthError::Throttled(t)) => {
            tracing::warn!(client_id = %req.client_id, retry_after_s = t.retry_after.as_secs(), "client credentials throttled");
            Err(t.into())
        }
        Err(ClientAuthError::Identity(e)) => Err(e.into()),
    }
}
