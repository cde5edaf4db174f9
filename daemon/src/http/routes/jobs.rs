//! The tenant jobs API: `POST /v1/jobs` (scope `jobs:write`, `Idempotency-Key`, `dedupe_key`),
//! `GET /v1/jobs/{id}` and `GET /v1/jobs` (`jobs:read`), `POST /v1/jobs/{id}/cancel`
//! (`jobs:write`, only queued jobs). A tenant only ever sees its own jobs. Enqueues are
//! subject to the tenant's quotas (`crate::quotas`): 429 `quota_exceeded` beyond them. The
//! work is [`crate::jobs::service`]'s.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use orch_core::api::jobs::{EnqueueJobRequest, JobListQuery, JobView};
use orch_core::api::list::Page;
use orch_core::rbac::Scope;

use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::idempotency::{idempotency_key, respond};
use crate::http::tenant_auth::TenantCaller;
use crate::jobs::service::tenant_job_query;

pub async fn enqueue(
    State(state): State<AppState>,
    caller: TenantCaller,
    ctx: axum::Extension<RequestContext>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EnqueueJobRequest>,
) -> Result<Response, AppError> {
    caller.require(Scope::JobsWrite)?;
    let key = idempotency_key(&headers)?;
    let outcome = state
        .jobs
        .enqueue(caller.tenant(), body, key.as_deref(), caller.origin(&ctx))
        .await?;
    respond(&state.idempotency, outcome, |enqueued| {
        let status = if enqueued.created {
            StatusCode::ACCEPTED
        } else {
            StatusCode::OK
        };
        (status, Json(enqueued.job)).into_response()
    })
    .await
}

pub async fn get(
    State(state): State<AppState>,
    caller: TenantCaller,
    Path(id): Path<String>,
) -> Result<Json<JobView>, AppError> {
    caller.require(Scope::JobsRead)?;
    Ok(Json(state.jobs.get(Some(caller.tenant()), &id).await?))
}

pub async fn list(
    State(state): State<AppState>,
    caller: TenantCaller,
    ApiQuery(p): ApiQuery<JobListQuery>,
) -> Result<Json<Page<JobView>>, AppError> {
    caller.require(Scope::JobsRead)?;
    let query = tenant_job_query(caller.tenant(), p)?;
    Ok(Json(state.jobs.list(&query).await?))
}

pub async fn cancel(
    State(state): State<AppState>,
    caller: TenantCaller,
    ctx: axum::Extension<RequestContext>,
    Path(id): Path<String>,
) -> Result<Json<JobView>, AppError> {
    caller.require(Scope::JobsWrite)?;
    let job = state
        .jobs
        .cancel(caller.tenant(), &id, caller.origin(&ctx))
        .await?;
    Ok(Json(job))
}
