//! Bearer authentication for the tenant API: `TenantCaller` verifies the token (an
//! operator token here is refused as the wrong audience), refuses a stopped or expired
//! impersonation, and checks scopes per handler.

use axum::extract::FromRequestParts;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::request::Parts;
use orch_core::problem::ErrorCode;
use orch_core::rbac::Scope;

use super::AppState;
use super::auth::{bearer, missing_token, refused_token};
use super::context::{Principal, RequestContext};
use super::error::AppError;
use crate::events::origin::Origin;
use crate::identity::clients::CLIENT_ID_PREFIX;
use crate::identity::tenant_tokens::TenantPrincipal;
use crate::identity::tokens::{ORCHD_ISSUER, TokenError};

/// The tenant service (or impersonating operator) making a request.
#[derive(Debug, Clone)]
pub struct TenantCaller(pub TenantPrincipal);

impl TenantCaller {
    /// The request as the services see it: its correlation and any impersonation.
    pub fn origin<'a>(&self, ctx: &'a RequestContext) -> Origin<'a> {
        Origin {
            request_id: &ctx.request_id,
            trace: &ctx.trace,
            impersonated_by: self.0.impersonation.map(|i| i.operator_id),
            impersonation_id: self.0.impersonation.map(|i| i.id),
        }
    }

    /// 403 `insufficient_scope` unless the token carries `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), AppError> {
        if self.0.scopes.contains(&scope) {
            return Ok(());
        }
        Err(AppError::new(
            ErrorCode::InsufficientScope,
            format!("this call needs scope {scope}"),
        )
        .with("required_scope", scope.as_str())
        .with_header(
            WWW_AUTHENTICATE,
            format!(r#"Bearer error="insufficient_scope", scope="{scope}""#),
        ))
    }

    pub fn tenant(&self) -> &str {
        &self.0.tenant
    }
}

impl FromRequestParts<AppState> for TenantCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or_else(missing_token)?;
        let principal = state
            .tenant_tokens
            .verify(token)
            .await
            .map_err(|e| refused_token(&e))?;
        if let Some(imp) = principal.impersonation {
            let active = state.impersonations.is_active(imp.id).await?;
            if !active {
                return Err(refused_token(&TokenError::Invalid(
                    "the impersonation was stopped or has expired".into(),
                )));
            }
        }
        // Tokens orchd issued to a client stop working when the client is deleted.
        if principal.issuer == ORCHD_ISSUER
            && principal.impersonation.is_none()
            && let Some(client_id) = principal
                .subject
                .as_deref()
                .filter(|s| s.starts_with(CLIENT_ID_PREFIX))
        {
            let active = state.clients.is_active(client_id).await?;
            if !active {
                return Err(refused_token(&TokenError::Invalid(
                    "the client was deleted".into(),
                )));
            }
        }
        if let Some(ctx) = parts.extensions.get::<RequestContext>() {
            ctx.authenticated(Principal::Tenant {
                tenant: principal.tenant.clone(),
                impersonated_by: principal.impersonation.map(|i| i.operator_id),
                impersonation_id: principal.impersonation.map(|i| i.id),
            });
        }
        Ok(Self(principal))
    }
}
