//! The webhook inbox: `GET /v1/admin/inbox` (filters: tenant, provider, status, type, since,
//! until), `GET /v1/admin/inbox/{id}[?payload=true]` (the raw body only for roles holding
//! `payloads.read`; others get 403, audited like any denial) and
//! `POST /v1/admin/inbox/{id}/replay` (`inbox.replay`, with a reason; billing replays the
//! Stripe inbox only).

use axum::Json;
use axum::extract::{Path, State};
use orch_core::api::inbox::{
    INBOX_STATUSES, InboxListQuery, InboxReplayRequest, InboxReplayResponse, InboxView,
};
use orch_core::api::list::{Page, effective_limit};
use orch_core::audit::AuditResult;
use orch_core::problem::ErrorCode;
use orch_core::rbac::{Permission, Role};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery, parse_cursor, parse_time, require_reason};
use crate::webhooks::inbox::Replay;
use crate::webhooks::{InboxQuery, STRIPE};

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<InboxListQuery>,
) -> Result<Json<Page<InboxView>>, AppError> {
    if let Some(s) = p.status.as_deref().filter(|s| !INBOX_STATUSES.contains(s)) {
        return Err(AppError::invalid_field(
            "status",
            format!("{s:?} is not one of {}", INBOX_STATUSES.join(", ")),
        ));
    }
    let before = parse_cursor::<Uuid>(p.cursor.as_ref())?;
    let query = InboxQuery {
        tenant: p.tenant,
        provider: p.provider,
        status: p.status,
        event_type: p.event_type,
        since: parse_time("since", p.since.as_deref())?,
        until: parse_time("until", p.until.as_deref())?,
        before,
        limit: effective_limit(p.limit),
        ..InboxQuery::default()
    };
    Ok(Json(state.inbox.list(&query).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowParams {
    #[serde(default)]
    payload: bool,
}

pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<ShowParams>,
) -> Result<Json<InboxView>, AppError> {
    if p.payload && !actor.operator.role.allows(Permission::PayloadsRead) {
        return Err(deny(&state, &actor, Permission::PayloadsRead, &id, "").await);
    }
    let id = inbox_id(&id)?;
    Ok(Json(state.inbox.show(id, p.payload).await?))
}

pub async fn replay(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InboxReplayRequest>,
) -> Result<Json<InboxReplayResponse>, AppError> {
    let reason = require_reason(&body.reason)?.to_owned();
    let id = inbox_id(&id)?;
    let row = state.inbox.get(id).await?;
    // Billing operators replay the Stripe inbox only.
    if actor.operator.role == Role::Billing && row.provider != STRIPE {
        return Err(deny(
            &state,
            &actor,
            Permission::InboxReplay,
            &id.to_string(),
            &reason,
        )
        .await);
    }
    let audit = actor
        .audit(&reason)
        .target("inbox", row.id)
        .tenant(&row.tenant_id)
        .diff(
            json!({"status": row.status, "job_ids": row.job_ids}),
            json!({"status": "received"}),
        );
    let answer = state
        .inbox
        .replay(
            &row,
            Replay {
                audit,
                operator: &actor.operator.name,
                reason: &reason,
                request_id: &actor.ctx.request_id,
                trace: &actor.ctx.trace,
            },
        )
        .await?;
    Ok(Json(answer))
}

fn inbox_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::not_found(format!("no inbox row {id:?}")))
}

/// 403 for what the route's own permission does not cover, audited as `denied`.
async fn deny(
    state: &AppState,
    actor: &Actor,
    permission: Permission,
    target: &str,
    reason: &str,
) -> AppError {
    tracing::warn!(role = %actor.operator.role, required_permission = %permission, "operator denied");
    let denied = actor
        .audit(reason)
        .permission(permission.as_str())
        .target("inbox", target)
        .result(AuditResult::Denied);
    if let Err(err) = state.audit.append(denied).await {
        tracing::error!(error = %err, "could not record a denied inbox call in the audit log");
    }
    AppError::new(
        ErrorCode::Forbidden,
        format!("role {} lacks permission {permission}", actor.operator.role),
    )
    .with("required_permission", permission.as_str())
}
