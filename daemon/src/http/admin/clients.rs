//! `/v1/admin/tenants/{t}/clients`: client credentials for a tenant (secret shown once).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use orch_core::api::clients::{ClientView, CreateClientRequest, IssuedClient};
use orch_core::api::list::Page;
use orch_core::api::operators::ReasonRequest;
use orch_core::tenant::TenantSlug;
use serde_json::json;
use uuid::Uuid;

use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::{AppError, Refine};
use crate::http::extract::{ApiJson, require_reason};

fn tenant_slug(t: &str) -> Result<TenantSlug, AppError> {
    TenantSlug::parse(t).map_err(|e| AppError::invalid_field("tenant", e.to_string()))
}

pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Path(tenant): Path<String>,
    ApiJson(body): ApiJson<CreateClientRequest>,
) -> Result<(StatusCode, Json<IssuedClient>), AppError> {
    let reason = require_reason(&body.reason)?;
    let tenant = tenant_slug(&tenant)?;
    if body.name.trim().is_empty() || body.name.len() > 128 {
        return Err(AppError::invalid_field("name", "1–128 characters"));
    }
    if body.scopes.is_empty() {
        return Err(AppError::invalid_field("scopes", "name at least one scope"));
    }
    let issued = state
        .clients
        .create(
            tenant.as_str(),
            body.name.trim(),
            body.scopes,
            actor.operator.id,
            |c| {
                actor
                    .audit(reason)
                    .tenant(&c.tenant_id)
                    .target("tenant_client", c.id)
                    .diff(
                        serde_json::Value::Null,
                        json!({"name": c.name, "client_id": c.client_id, "scopes": c.scopes}),
                    )
            },
        )
        .await
        .or_not_found("no such client")?;
    Ok((StatusCode::CREATED, Json(issued)))
}

pub async fn list(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
) -> Result<Json<Page<ClientView>>, AppError> {
    let tenant = tenant_slug(&tenant)?;
    let clients = state.clients.list(tenant.as_str()).await?;
    Ok(Json(Page {
        items: clients.iter().map(|c| c.view()).collect(),
        next_cursor: None,
    }))
}

pub async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    Path((tenant, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<StatusCode, AppError> {
    let reason = require_reason(&body.reason)?;
    let tenant = tenant_slug(&tenant)?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::not_found(format!("no client {id:?}")))?;
    let draft = actor
        .audit(reason)
        .tenant(tenant.as_str())
        .target("tenant_client", id)
        .diff(json!({"deleted": false}), json!({"deleted": true}));
    state
        .clients
        .delete(tenant.as_str(), id, draft)
        .await
        .or_not_found("no such client")?;
    Ok(StatusCode::NO_CONTENT)
}
