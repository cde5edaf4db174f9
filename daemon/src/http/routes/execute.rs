//! `POST /v1/execute` (scope `execute`): one synchronous call through a connector operation
//! of the tenant's active config, under its policy. The work is
//! [`crate::executor::service`]'s.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use orch_core::api::execute::ExecuteRequest;
use orch_core::rbac::Scope;

use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::AppError;
use crate::http::extract::ApiJson;
use crate::http::idempotency::{idempotency_key, respond};
use crate::http::tenant_auth::TenantCaller;

pub async fn execute(
    State(state): State<AppState>,
    caller: TenantCaller,
    ctx: axum::Extension<RequestContext>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ExecuteRequest>,
) -> Result<Response, AppError> {
    caller.require(Scope::Execute)?;
    let key = idempotency_key(&headers)?;
    let outcome = state
        .execute
        .execute(caller.tenant(), body, key.as_deref(), caller.origin(&ctx))
        .await?;
    respond(&state.idempotency, outcome, |executed| match executed {
        Ok(answer) => Json(answer).into_response(),
        Err(err) => AppError::from(err).into_response(),
    })
    .await
}
