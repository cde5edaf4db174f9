//! The tenant jobs API: `POST /v1/jobs` (scope `jobs:write`, `Idempotency-Key`, `dedupe_key`),
//! `GET /v1/jobs/{id}` and `GET /v1/jobs` (`jobs:read`), `POST /v1/jobs/{id}/cancel`
//! (`jobs:write`, only queued jobs). A tenant only ever sees its own jobs. Enqueues are
//! subject to the tenant's quotas (`crate::quotas`): 429 `quota_exceeded` beyond them.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use orch_core::api::jobs::{EnqueueJobRequest, JobView};
use orch_core::api::list::{Page, effective_limit};
use orch_core::config::model::QUEUES;
use orch_core::problem::ErrorCode;
use orch_core::rbac::Scope;
use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::routes::execute::{idempotency_key, replay};
use crate::http::tenant_auth::TenantCaller;
use crate::idempotency::{Begin, StoredResponse};
use crate::jobs::dispatch::DispatchTicket;
use crate::jobs::{JobKind, JobQuery, JobRecord, JobStatus, STATUSES};
use crate::store::StoreError;

const ENDPOINT: &str = "POST /v1/jobs";
/// Attempts when the request does not say.
const DEFAULT_MAX_ATTEMPTS: u32 = 5;
const MAX_DEDUPE_KEY_LEN: usize = 200;

pub async fn enqueue(
    State(state): State<AppState>,
    caller: TenantCaller,
    ctx: axum::Extension<RequestContext>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EnqueueJobRequest>,
) -> Result<Response, AppError> {
    caller.require(Scope::JobsWrite)?;
    let key = idempotency_key(&headers)?;
    let tenant = caller.tenant();
    if !QUEUES.contains(&body.queue.as_str()) {
        return Err(AppError::new(
            ErrorCode::UnknownQueue,
            format!(
                "no queue {:?}: use one of {}",
                body.queue,
                QUEUES.join(", ")
            ),
        ));
    }
    let max_attempts = body.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS);
    if !(1..=100).contains(&max_attempts) {
        return Err(AppError::invalid_field("max_attempts", "must be 1–100"));
    }
    if body
        .dedupe_key
        .as_ref()
        .is_some_and(|k| k.is_empty() || k.len() > MAX_DEDUPE_KEY_LEN)
    {
        return Err(AppError::invalid_field(
            "dedupe_key",
            "must be 1–200 characters",
        ));
    }
    let active = state.configs.active_configs().get(tenant).await?;
    let connector = active
        .as_ref()
        .and_then(|a| a.config.connectors.get(&body.connector))
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::UnknownConnector,
                format!("no connector {:?} in the active config", body.connector),
            )
        })?;
    if !connector.operations.contains_key(&body.operation) {
        return Err(AppError::new(
            ErrorCode::UnknownOperation,
            format!(
                "connector {:?} has no operation {:?}",
                body.connector, body.operation
            ),
        ));
    }
    let guard = match &key {
        Some(k) => {
            let source = serde_json::to_value(&body).unwrap_or(Value::Null);
            let correlation = (
                Some(ctx.request_id.clone()),
                Some(ctx.trace.trace_id.to_hex()),
            );
            match state
                .idempotency
                .begin(
                    tenant,
                    ENDPOINT,
                    k,
                    &source,
                    Duration::from_secs(30),
                    correlation,
                )
                .await?
            {
                Begin::Proceed(g) => Some(g),
                Begin::Replay(stored) => return Ok(replay(stored)),
                Begin::InUse => {
                    return Err(AppError::new(
                        ErrorCode::IdempotencyKeyInUse,
                        "a request with this Idempotency-Key is still in flight",
                    ));
                }
                Begin::Reused => {
                    return Err(AppError::new(
                        ErrorCode::IdempotencyKeyReused,
                        "this Idempotency-Key was used with another request body",
                    ));
                }
            }
        }
        None => None,
    };
    // After the idempotency check, so a replayed response is never refused; a refusal
    // releases the key (nothing was enqueued). A request whose dedupe key names a live job
    // is refused too while the tenant is over: the check comes before the insert decides.
    if let Err(refused) = state.quotas.admit_job(tenant, &body.queue).await {
        if let Some(g) = guard {
            let _ = state.idempotency.release(g).await;
        }
        return Err(refused.into());
    }
    let now = OffsetDateTime::now_utc();
    let job = JobRecord {
        id: orch_core::ids::new_id(),
        tenant_id: tenant.to_owned(),
        queue: body.queue.clone(),
        kind: JobKind::Execute,
        status: JobStatus::Queued,
        connector: Some(body.connector.clone()),
        operation: Some(body.operation.clone()),
        params: Some(serde_json::to_value(&body.params).unwrap_or(Value::Null)),
        payload: body.payload.clone(),
        inbox_id: None,
        config_version: active.as_ref().map(|a| a.version),
        attempts: 0,
        max_attempts: i32::try_from(max_attempts).unwrap_or(DEFAULT_MAX_ATTEMPTS as i32),
        replay_generation: 0,
        run_at: body.run_at.unwrap_or(now).max(now),
        dedupe_key: body.dedupe_key.clone(),
        last_error_code: None,
        last_error_message: None,
        last_upstream_status: None,
        trace_id: Some(ctx.trace.trace_id.to_hex()),
        request_id: Some(ctx.request_id.clone()),
        trace_carrier: serde_json::to_value(ctx.trace.to_carrier()).ok(),
        impersonated_by: caller.0.impersonation.map(|i| i.operator_id),
        impersonation_id: caller.0.impersonation.map(|i| i.id),
        created_at: now,
        updated_at: now,
        finished_at: None,
        dead_at: None,
    };
    let result = state.store.enqueue_job(&job).await;
    let (stored, created) = match result {
        Ok(ok) => ok,
        Err(err) => {
            if let Some(g) = guard {
                let _ = state.idempotency.release(g).await;
            }
            return Err(err.into());
        }
    };
    if created {
        state
            .dispatch
            .push_committed(&[DispatchTicket::of(&stored)])
            .await;
        tracing::info!(job_id = %stored.id, queue = %stored.queue, "job queued");
        state.events.record(
            ctx.event("job.queued", format!("{} job on {}", stored.kind, stored.queue))
                .tenant(tenant)
                .connector(&body.connector, Some(&body.operation))
                .impersonation(stored.impersonated_by, stored.impersonation_id)
                .job(stored.id)
                .data(serde_json::json!({"queue": stored.queue, "run_at": stored.run_at.unix_timestamp()})),
        );
    }
    let status = if created {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    let response = (status, Json(stored.enqueued())).into_response();
    let Some(guard) = guard else {
        return Ok(response);
    };
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| AppError::Internal(format!("buffering the response: {e}")))?;
    state
        .idempotency
        .complete(
            guard,
            &StoredResponse {
                status: parts.status.as_u16(),
                content_type: "application/json".to_owned(),
                body: bytes.to_vec(),
            },
        )
        .await?;
    Ok(Response::from_parts(parts, axum::body::Body::from(bytes)))
}

fn job_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::not_found(format!("no job {id:?}")))
}

/// The tenant's job, or 404 (also for another tenant's job).
async fn own_job(state: &AppState, tenant: &str, id: Uuid) -> Result<JobRecord, AppError> {
    state
        .store
        .get_job(id)
        .await?
        .filter(|j| j.tenant_id == tenant)
        .ok_or_else(|| AppError::not_found(format!("no job {id}")))
}

pub async fn get(
    State(state): State<AppState>,
    caller: TenantCaller,
    Path(id): Path<String>,
) -> Result<Json<JobView>, AppError> {
    caller.require(Scope::JobsRead)?;
    let job = own_job(&state, caller.tenant(), job_id(&id)?).await?;
    let runs = state.store.job_runs(job.id).await?;
    Ok(Json(job.view(&runs)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    status: Option<String>,
    queue: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

/// Parses the shared list filters; `tenant` scopes the list.
pub fn job_query(
    tenant: Option<String>,
    status: Option<String>,
    queue: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
) -> Result<JobQuery, AppError> {
    let status = status
        .map(|s| {
            s.parse::<JobStatus>().map_err(|_| {
                AppError::invalid_field(
                    "status",
                    format!("{s:?} is not one of {}", STATUSES.join(", ")),
                )
            })
        })
        .transpose()?;
    if let Some(q) = queue.as_deref().filter(|q| !QUEUES.contains(q)) {
        return Err(AppError::new(
            ErrorCode::UnknownQueue,
            format!("no queue {q:?}"),
        ));
    }
    let before = cursor
        .as_deref()
        .map(|c| {
            Uuid::parse_str(c)
                .map_err(|_| AppError::invalid_field("cursor", "not a cursor from this list"))
        })
        .transpose()?;
    Ok(JobQuery {
        tenant,
        queue,
        status,
        before,
        limit: effective_limit(limit),
        ..JobQuery::default()
    })
}

/// A page of jobs with its cursor.
pub async fn job_page(state: &AppState, query: &JobQuery) -> Result<Page<JobView>, AppError> {
    let jobs = state.store.list_jobs(query).await?;
    let next_cursor = (jobs.len() == query.limit as usize)
        .then(|| jobs.last().map(|j| j.id.to_string()))
        .flatten();
    Ok(Page {
        items: jobs.iter().map(|j| j.view(&[])).collect(),
        next_cursor,
    })
}

pub async fn list(
    State(state): State<AppState>,
    caller: TenantCaller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Page<JobView>>, AppError> {
    caller.require(Scope::JobsRead)?;
    let query = job_query(
        Some(caller.tenant().to_owned()),
        p.status,
        p.queue,
        p.limit,
        p.cursor,
    )?;
    Ok(Json(job_page(&state, &query).await?))
}

pub async fn cancel(
    State(state): State<AppState>,
    caller: TenantCaller,
    ctx: axum::Extension<RequestContext>,
    Path(id): Path<String>,
) -> Result<Json<JobView>, AppError> {
    caller.require(Scope::JobsWrite)?;
    let id = job_id(&id)?;
    let job = state
        .store
        .cancel_job(caller.tenant(), id, OffsetDateTime::now_utc())
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::not_found(format!("no job {id}")),
            StoreError::Conflict(m) => AppError::new(
                ErrorCode::Conflict,
                format!("only queued jobs can be cancelled: {m}"),
            ),
            other => other.into(),
        })?;
    state.events.record(
        ctx.event("job.cancelled", "job cancelled")
            .tenant(caller.tenant())
            .job(job.id)
            .impersonation(
                caller.0.impersonation.map(|i| i.operator_id),
                caller.0.impersonation.map(|i| i.id),
            ),
    );
    let runs = state.store.job_runs(job.id).await?;
    Ok(Json(job.view(&runs)))
}
