//! Bearer authentication for the operator API: the per-route guard that verifies the
//! token, checks the route's permission (recording denials in the audit log), and hands
//! the handler an [`Actor`].

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use orch_core::audit::AuditDraft;
use orch_core::problem::ErrorCode;
use orch_core::rbac::Permission;
use time::OffsetDateTime;
use uuid::Uuid;

use super::AppState;
use super::context::{Principal, RequestContext};
use super::error::AppError;
pub use super::error::{missing_token, refused_token};
use crate::identity::operators::{OperatorAuthError, OperatorRecord};
use crate::identity::tokens::TokenError;

/// One admin route: what it needs and how its actions are named in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRoute {
    pub method: Method,
    pub path: &'static str,
    pub permission: Permission,
    pub action: &'static str,
}

/// The authenticated operator of an admin request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub operator: OperatorRecord,
    /// The API key the operator's token was exchanged for.
    pub key_id: Uuid,
    pub token_expires_at: OffsetDateTime,
    pub route: AdminRoute,
    pub ctx: RequestContext,
}

impl Actor {
    /// The request's correlation, for events.
    pub fn request_context(&self) -> &RequestContext {
        &self.ctx
    }

    /// An audit draft for this request's action, attributed and correlated.
    pub fn audit(&self, reason: &str) -> AuditDraft {
        self.ctx
            .operator_audit(&self.operator, self.route.action, reason)
            .permission(self.route.permission.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .ok_or_else(|| AppError::Internal("admin handler mounted without its guard".into()))
    }
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Guards one admin route: authenticate, authorise, then run the handler with an `Actor`.
pub async fn operator_guard(
    State((state, route)): State<(AppState, AdminRoute)>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(token) = bearer(req.headers()) else {
        return missing_token().into_response();
    };
    let (claims, operator) = match state.operators.authenticate(token).await {
        Ok(ok) => ok,
        Err(OperatorAuthError::Token(e)) => return refused_token(&e).into_response(),
        Err(OperatorAuthError::Inactive | OperatorAuthError::BadKey) => {
            return refused_token(&TokenError::Invalid(
                "the operator is disabled or its key was revoked".into(),
            ))
            .into_response();
        }
        Err(OperatorAuthError::Identity(e)) => return AppError::from(e).into_response(),
        // Only the key exchange has a failure budget; a token check never spends it.
        Err(e @ OperatorAuthError::Throttled(_)) => {
            return AppError::Internal(e.to_string()).into_response();
        }
    };
    let Some(ctx) = req.extensions().get::<RequestContext>().cloned() else {
        return AppError::Internal("admin route without a request context".into()).into_response();
    };
    ctx.authenticated(Principal::Operator {
        id: operator.id,
        name: operator.name.clone(),
    });
    let actor = Actor {
        operator,
        key_id: claims.key,
        token_expires_at: claims.expires_at(),
        route,
        ctx,
    };
    let required = actor.route.permission;
    if !actor.operator.role.allows(required) {
        state
            .audit
            .record_denial(&actor.operator, required, actor.audit(""))
            .await;
        return AppError::new(
            ErrorCode::Forbidden,
            format!("role {} lacks permission {required}", actor.operator.role),
        )
        .with("required_permission", required.as_str())
        .into_response();
    }
    req.extensions_mut().insert(actor);
    next.run(req).await
}
