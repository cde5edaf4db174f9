//! Tenant config: apply, validate, show, versions, diff, activate, rollback, history.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use orch_core::api::config::{
    ActivateConfigRequest, ActiveConfigView, ApplyConfigRequest, ApplyConfigResponse,
    ConfigDiffView, ConfigPointerView, ConfigVersionView, PointerMoveView, RollbackConfigRequest,
    ServedConfig, ValidateConfigRequest, ValidateConfigResponse,
};
use orch_core::api::list::{Cursor, Page, PageQuery, effective_limit};
use orch_core::problem::ErrorCode;
use orch_core::rbac::Permission;
use orch_core::tenant::TenantSlug;
use serde::Deserialize;

use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery, parse_cursor, require_reason};
use crate::tenant_config::records::{ConfigPointer, ConfigVersionRecord, PointerMove};
use crate::tenant_config::service::Applied;

fn tenant_slug(t: &str) -> Result<TenantSlug, AppError> {
    TenantSlug::parse(t).map_err(|e| AppError::invalid_field("tenant", e.to_string()))
}

fn version_view(v: &ConfigVersionRecord, active: bool, with_document: bool) -> ConfigVersionView {
    ConfigVersionView {
        tenant: v.tenant_id.clone(),
        version: v.version,
        checksum: v.checksum.clone(),
        author: v.author.clone(),
        author_operator_id: v.author_operator_id,
        reason: v.reason.clone(),
        created_at: v.created_at,
        active,
        document: with_document.then(|| v.document.clone()),
        document_format: with_document.then(|| v.document_format.clone()),
        config: with_document.then(|| v.canonical.clone()),
    }
}

pub fn pointer_view(p: &ConfigPointer) -> ConfigPointerView {
    ConfigPointerView {
        tenant: p.tenant_id.clone(),
        active_version: p.active_version,
        generation: p.generation,
        updated_by: p.updated_by.clone(),
        reason: p.reason.clone(),
        updated_at: p.updated_at,
    }
}

fn move_view(m: &PointerMove) -> PointerMoveView {
    PointerMoveView {
        id: m.id,
        action: m.action.clone(),
        from_version: m.from_version,
        to_version: m.to_version,
        operator_id: m.operator_id,
        operator: m.operator_name.clone(),
        reason: m.reason.clone(),
        request_id: m.request_id.clone(),
        at: m.created_at,
    }
}

/// `POST /v1/admin/tenants/{t}/config`.
pub async fn apply(
    State(state): State<AppState>,
    actor: Actor,
    Path(tenant): Path<String>,
    ApiJson(body): ApiJson<ApplyConfigRequest>,
) -> Result<(StatusCode, Json<ApplyConfigResponse>), AppError> {
    let tenant = tenant_slug(&tenant)?;
    let reason = require_reason(&body.reason)?;
    if body.activate && !actor.operator.role.allows(Permission::ConfigActivate) {
        return Err(
            AppError::new(ErrorCode::Forbidden, "activating needs config.activate")
                .with("required_permission", Permission::ConfigActivate.as_str()),
        );
    }
    if body.dry_run {
        let preview = state
            .configs
            .preview(tenant.as_str(), &body.document)
            .await?;
        return Ok((
            StatusCode::OK,
            Json(ApplyConfigResponse {
                version: preview.version,
                checksum: preview.checksum,
                active: false,
                created: false,
                dry_run: true,
                diff: preview.diff,
                warnings: preview.warnings,
            }),
        ));
    }
    let applied = state
        .configs
        .apply(
            tenant.as_str(),
            &body.document,
            body.activate,
            actor.audit(reason),
        )
        .await?;
    record_applied(&state, &actor, tenant.as_str(), &applied);
    let status = if applied.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(ApplyConfigResponse {
            version: applied.version.version,
            checksum: applied.version.checksum,
            active: applied.active,
            created: applied.created,
            dry_run: false,
            diff: applied.diff,
            warnings: applied.warnings,
        }),
    ))
}

/// `config.created` (and `config.activated`) for a version `apply` stored.
fn record_applied(state: &AppState, actor: &Actor, tenant: &str, applied: &Applied) {
    if !applied.created {
        return;
    }
    tracing::info!(tenant = %tenant, version = applied.version.version, activated = applied.active, "config version created");
    let ctx = actor.request_context();
    state.events.record(
        ctx.event("config.created", format!("version {} created", applied.version.version))
            .tenant(tenant)
            .data(serde_json::json!({"version": applied.version.version, "activated": applied.active, "operator": actor.operator.name})),
    );
    if applied.active {
        state.events.record(
            ctx.event("config.activated", format!("version {} active", applied.version.version))
                .tenant(tenant)
                .data(serde_json::json!({"version": applied.version.version, "operator": actor.operator.name})),
        );
    }
}

/// `POST /v1/admin/config/validate`: nothing is stored.
pub async fn validate(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ValidateConfigRequest>,
) -> Result<Json<ValidateConfigResponse>, AppError> {
    let tenant = body.tenant.as_deref().map(tenant_slug).transpose()?;
    let out = match state
        .configs
        .validate(&body.document, tenant.as_ref().map(TenantSlug::as_str))
    {
        Ok(doc) => ValidateConfigResponse {
            valid: true,
            errors: Vec::new(),
            warnings: doc.warnings,
        },
        Err(errors) => ValidateConfigResponse {
            valid: false,
            errors,
            warnings: Vec::new(),
        },
    };
    Ok(Json(out))
}

/// `GET /v1/admin/tenants/{t}/config`: the active version.
pub async fn show(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
) -> Result<Json<ActiveConfigView>, AppError> {
    let tenant = tenant_slug(&tenant)?;
    let pointer = state
        .configs
        .pointer(tenant.as_str())
        .await?
        .ok_or_else(|| AppError::not_found(format!("tenant {tenant} has no active config")))?;
    let version = state
        .configs
        .version(tenant.as_str(), pointer.active_version)
        .await?
        .ok_or_else(|| AppError::not_found(format!("tenant {tenant} has no active config")))?;
    // What this node serves (loading it now if it had not yet): after a move elsewhere it
    // shows the old version until the change notification arrives.
    let served = state
        .configs
        .active_configs()
        .get(tenant.as_str())
        .await?
        .map(|a| ServedConfig {
            version: a.version,
            generation: a.generation,
            loaded_at: a.loaded_at,
        });
    Ok(Json(ActiveConfigView {
        version: version_view(&version, true, true),
        pointer: pointer_view(&pointer),
        served_by_this_node: served,
    }))
}

/// `GET /v1/admin/tenants/{t}/config/versions`: newest first.
pub async fn versions(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    ApiQuery(params): ApiQuery<PageQuery>,
) -> Result<Json<Page<ConfigVersionView>>, AppError> {
    let tenant = tenant_slug(&tenant)?;
    let limit = effective_limit(params.limit);
    let before = parse_cursor::<i32>(params.cursor.as_ref())?;
    let active = state
        .configs
        .pointer(tenant.as_str())
        .await?
        .map(|p| p.active_version);
    let items: Vec<ConfigVersionView> = state
        .configs
        .versions(tenant.as_str(), before, limit)
        .await?
        .iter()
        .map(|v| version_view(v, Some(v.version) == active, false))
        .collect();
    Ok(Json(Page::from_rows(items, limit, |v| {
        Cursor::of(v.version)
    })))
}

/// `GET /v1/admin/tenants/{t}/config/versions/{n}`: one version with its document.
pub async fn version(
    State(state): State<AppState>,
    Path((tenant, n)): Path<(String, String)>,
) -> Result<Json<ConfigVersionView>, AppError> {
    let tenant = tenant_slug(&tenant)?;
    let n: i32 = n
        .parse()
        .map_err(|_| AppError::not_found(format!("no config version {n:?}")))?;
    let v = state
        .configs
        .version(tenant.as_str(), n)
        .await?
        .ok_or_else(|| AppError::not_found(format!("tenant {tenant} has no config version {n}")))?;
    let active = state
        .configs
        .pointer(tenant.as_str())
        .await?
        .map(|p| p.active_version);
    Ok(Json(version_view(&v, Some(n) == active, true)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiffParams {
    from: i32,
    to: i32,
}

/// `GET /v1/admin/tenants/{t}/config/diff?from=&to=`.
pub async fn diff(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    ApiQuery(params): ApiQuery<DiffParams>,
) -> Result<Json<ConfigDiffView>, AppError> {
    let tenant = tenant_slug(&tenant)?;
    let diff = state
        .configs
        .diff(tenant.as_str(), params.from, params.to)
        .await?;
    Ok(Json(ConfigDiffView {
        from: params.from,
        to: params.to,
        text: diff.render(),
        diff,
    }))
}

/// `POST /v1/admin/tenants/{t}/config/activate`.
pub async fn activate(
    State(state): State<AppState>,
    actor: Actor,
    Path(tenant): Path<String>,
    ApiJson(body): ApiJson<ActivateConfigRequest>,
) -> Result<Json<ConfigPointerView>, AppError> {
    let tenant = tenant_slug(&tenant)?;
    let reason = require_reason(&body.reason)?;
    let pointer = state
        .configs
        .activate(tenant.as_str(), body.version, actor.audit(reason))
        .await?;
    tracing::info!(tenant = %tenant, version = pointer.active_version, "config activated");
    state.events.record(
        actor
            .request_context()
            .event("config.activated", format!("version {} active", pointer.active_version))
            .tenant(tenant.as_str())
            .data(serde_json::json!({"version": pointer.active_version, "operator": actor.operator.name, "reason": reason})),
    );
    Ok(Json(pointer_view(&pointer)))
}

/// `POST /v1/admin/tenants/{t}/config/rollback`.
pub async fn rollback(
    State(state): State<AppState>,
    actor: Actor,
    Path(tenant): Path<String>,
    ApiJson(body): ApiJson<RollbackConfigRequest>,
) -> Result<Json<ConfigPointerView>, AppError> {
    let tenant = tenant_slug(&tenant)?;
    let reason = require_reason(&body.reason)?;
    let pointer = state
        .configs
        .rollback(tenant.as_str(), body.to_version, actor.audit(reason))
        .await?;
    tracing::warn!(tenant = %tenant, version = pointer.active_version, "config rolled back");
    state.events.record(
        actor
            .request_context()
            .event("config.rolled_back", format!("rolled back to version {}", pointer.active_version))
            .tenant(tenant.as_str())
            .data(serde_json::json!({"version": pointer.active_version, "operator": actor.operator.name, "reason": reason})),
    );
    Ok(Json(pointer_view(&pointer)))
}

/// `GET /v1/admin/tenants/{t}/config/history`: pointer moves, newest first.
pub async fn history(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
) -> Result<Json<Page<PointerMoveView>>, AppError> {
    let tenant = tenant_slug(&tenant)?;
    let moves = state.configs.history(tenant.as_str(), 500).await?;
    Ok(Json(Page {
        items: moves.iter().map(move_view).collect(),
        next_cursor: None,
    }))
}

/// `GET /v1/admin/tenants`: tenants with an active config.
pub async fn tenants(
    State(state): State<AppState>,
) -> Result<Json<Page<ConfigPointerView>>, AppError> {
    let pointers = state.configs.pointers().await?;
    Ok(Json(Page {
        items: pointers.iter().map(pointer_view).collect(),
        next_cursor: None,
    }))
}
