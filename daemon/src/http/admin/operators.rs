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
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, require_reason};
use crate::identity::IdentityError;
use crate::identity::operators::valid_name;
use crate::store::StoreError;

fn identity_error(err: IdentityError, name: &str) -> AppError {
    match err {
        IdentityError::Store(StoreError::Conflict(_)) => AppError::new(
            orch_core::ErrorCode::Conflict,
            format!("an operator named {name:?} already exists"),
        ),
        IdentityError::Store(StoreError::NotFound) => {
            AppError::not_found("no such enabled operator")
        }
        IdentityError::Store(e) => AppError::Store(e),
        other => AppError::Internal(other.to_string()),
    }
}

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
        .map_err(|e| identity_error(e, &body.name))?;
    tracing::info!(operator = %issued.operator.name, role = %issued.operator.role, "operator created");
    Ok((StatusCode::CREATED, Json(issued)))
}

pub async fn list(State(state): State<AppState>) -> Result<Json<Page<OperatorView>>, AppError> {
    let operators = state
        .operators
        .list()
        .await
        .map_err(|e| identity_error(e, ""))?;
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
        .await
        .map_err(|e| identity_error(e, ""))?
        .ok_or_else(|| AppError::not_found(format!("no operator {id}")))?;
    let draft = actor
        .audit(reason)
        .target("operator", id)
        .diff(json!({"disabled": false}), json!({"disabled": true}));
    state
        .operators
        .disable(id, draft)
        .await
        .map_err(|e| identity_error(e, &operator.name))?;
    let updated = state
        .operators
        .get(id)
        .await
        .map_err(|e| identity_error(e, ""))?
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
        .await
        .map_err(|e| identity_error(e, ""))?
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
        .map_err(|e| identity_error(e, &operator.name))?;
    Ok((StatusCode::CREATED, Json(issued)))
}
