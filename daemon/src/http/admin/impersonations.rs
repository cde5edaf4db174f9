//! `/v1/admin/impersonations`: act as a tenant for a bounded time, with a reason.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use orch_core::api::impersonations::{
    DEFAULT_IMPERSONATION_TTL_S, ImpersonationListQuery, ImpersonationView,
    MAX_IMPERSONATION_TTL_S, StartImpersonationRequest, StartedImpersonation,
};
use orch_core::api::list::{Page, effective_limit};
use orch_core::api::operators::ReasonRequest;
use orch_core::rbac::Scope;
use orch_core::tenant::TenantSlug;
use serde_json::json;
use uuid::Uuid;

use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::{AppError, Refine};
use crate::http::extract::{ApiJson, ApiQuery, require_reason};
use crate::identity::impersonations::{ImpersonationQuery, Impersonator};

pub async fn start(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(body): ApiJson<StartImpersonationRequest>,
) -> Result<(StatusCode, Json<StartedImpersonation>), AppError> {
    let reason = require_reason(&body.reason)?;
    let tenant = TenantSlug::parse(&body.tenant)
        .map_err(|e| AppError::invalid_field("tenant", e.to_string()))?;
    let ttl_s = body.ttl_s.unwrap_or(DEFAULT_IMPERSONATION_TTL_S);
    if !(1..=MAX_IMPERSONATION_TTL_S).contains(&ttl_s) {
        return Err(AppError::invalid_field(
            "ttl_s",
            format!("must be 1–{MAX_IMPERSONATION_TTL_S} seconds"),
        ));
    }
    let mut scopes = body.scopes.unwrap_or_else(|| Scope::ALL.to_vec());
    scopes.sort();
    scopes.dedup();
    let by = Impersonator {
        operator_id: actor.operator.id,
        key_id: actor.key_id,
    };
    let started = state
        .impersonations
        .start(by, tenant.as_str(), reason, ttl_s, scopes, |imp| {
            actor
                .audit(reason)
                .tenant(&imp.tenant_id)
                .target("impersonation", imp.id)
                .impersonation(Some(imp.id))
                .diff(
                    serde_json::Value::Null,
                    json!({"tenant": imp.tenant_id, "scopes": imp.scopes, "expires_at": imp.expires_at.unix_timestamp()}),
                )
        })
        .await
        .or_not_found("no running impersonation with that id")?;
    tracing::warn!(
        tenant = %started.tenant,
        impersonation_id = %started.id,
        ttl_s,
        "impersonation started"
    );
    state.events.record(
        actor
            .request_context()
            .event(
                "impersonation.started",
                format!("{} acts as {}", actor.operator.name, started.tenant),
            )
            .tenant(&started.tenant)
            .impersonation(Some(actor.operator.id), Some(started.id))
            .data(json!({"operator": actor.operator.name, "reason": reason, "ttl_s": ttl_s})),
    );
    Ok((StatusCode::CREATED, Json(started)))
}

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ImpersonationListQuery>,
) -> Result<Json<Page<ImpersonationView>>, AppError> {
    let items = state
        .impersonations
        .list(&ImpersonationQuery {
            tenant: params.tenant,
            active_only: params.active.unwrap_or(false),
            limit: effective_limit(params.limit),
        })
        .await?;
    Ok(Json(Page {
        items: items.iter().map(|i| i.view()).collect(),
        next_cursor: None,
    }))
}

pub async fn stop(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<Json<ImpersonationView>, AppError> {
    let reason = require_reason(&body.reason)?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| AppError::not_found(format!("no impersonation {id:?}")))?;
    let current = state
        .impersonations
        .get(id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no impersonation {id}")))?;
    if current.stopped_at.is_some() {
        return Err(AppError::new(
            orch_core::ErrorCode::Conflict,
            format!("impersonation {id} was already stopped"),
        ));
    }
    let draft = actor
        .audit(reason)
        .tenant(&current.tenant_id)
        .target("impersonation", id)
        .impersonation(Some(id))
        .diff(json!({"stopped": false}), json!({"stopped": true}));
    state
        .impersonations
        .stop(id, actor.operator.id, reason, draft)
        .await
        .or_not_found("no running impersonation with that id")?;
    let stopped = state
        .impersonations
        .get(id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no impersonation {id}")))?;
    tracing::warn!(impersonation_id = %id, "impersonation stopped");
    state.events.record(
        actor
            .request_context()
            .event(
                "impersonation.stopped",
                format!(
                    "{} stopped impersonating {}",
                    actor.operator.name, stopped.tenant_id
                ),
            )
            .tenant(&stopped.tenant_id)
            .impersonation(Some(stopped.operator_id), Some(id))
            .data(json!({"operator": actor.operator.name, "reason": reason})),
    );
    Ok(Json(stopped.view()))
}
