//! `/v1/admin/operators`: create, list, disable, rotate keys. Each mutation is audited in the
//! same transaction.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use orch_core::api::list::Page;
use orch_core::api::operators::{
    CreateOperatorRequest, IssuedOperatorKey, OperatorView, ReasonRequest,
};
use serde_json::json;
use uuid::Uuid;

use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::{AppError, Refine};
use crate::http::extract::{ApiJson, require_reason};
use crate::identity::operators::valid_name;

fn parse_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::not_found(format!("no operator {id:?}")))
}

pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(body): ApiJson<CreateOperatorRequest>,
) -> Result<(StatusCode, Json<IssuedOperatorKey>), AppError> {
    let reason = require_reason(&body.reason)?;
    if !valid_name(&body.name) {
        return Err(AppError::invalid_field(
            "name",
            "1–64 characters of letters, digits, '.', '_', '@', '-'",
        ));
    }
    let issued = state
        .operators
        .create(&body.name, body.role, Some(actor.operator.id), |op| {
            actor.audit(reason).target("operator", op.id).diff(
                serde_json::Value::Null,
                json!({"name": op.name, "role": op.role}),
            )
        })
        .await
        .or_conflict(format!("an operator named {:?} already exists", body.name))
        .or_not_found("no such enabled operator")?;
    tracing::info!(operator = %issued.operator.name, role = %issued.operator.role, "operator created");
    Ok((StatusCode::CREATED, Json(issued)))
}

pub async fn list(State(state): State<AppState>) -> Result<Json<Page<OperatorView>>, AppError> {
    let operators = state.operators.list().await?;
    Ok(Json(Page {
        items: operators.iter().map(|o| o.view()).collect(),
        next_cursor: None,
    }))
}

pub async fn disable(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<Json<OperatorView>, AppError> {
    let reason = require_reason(&body.reason)?;
    let id = parse_id(&id)?;
    let operator = state
        .operators
        .get(id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no operator {id}")))?;
    let draft = actor
        .audit(reason)
        .target("operator", id)
        .diff(json!({"disabled": false}), json!({"disabled": true}));
    state
        .operators
        .disable(id, draft)
        .await
        .or_conflict(format!(
            "an operator named {:?} already exists",
            operator.name
        ))
        .or_not_found("no such enabled operator")?;
    let updated = state
        .operators
        .get(id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no operator {id}")))?;
    Ok(Json(updated.view()))
}

pub async fn rotate_key(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<(StatusCode, Json<IssuedOperatorKey>), AppError> {
    let reason = require_reason(&body.reason)?;
    let id = parse_id(&id)?;
    let operator = state
        .operators
        .get(id)
        .await?
        .filter(|o| o.disabled_at.is_none())
        .ok_or_else(|| AppError::not_found(format!("no enabled operator {id}")))?;
    let draft = actor.audit(reason).target("operator", id).diff(
        json!({"keys": "previous keys"}),
        json!({"keys": "one new key; previous keys revoked"}),
    );
    let issued = state
        .operators
        .rotate_key(&operator, draft)
        .await
        .or_conflict(format!(
            "an operator named {:?} already exists",
            operator.name
        ))
        .or_not_found("no such enabled operator")?;
    Ok((StatusCode::CREATED, Json(issued)))
}
