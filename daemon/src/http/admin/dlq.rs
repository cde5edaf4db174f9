//! The dead-letter queues: `GET /v1/admin/dlq`, `GET /v1/admin/dlq/stats`,
//! `POST /v1/admin/dlq/replay`, `POST /v1/admin/dlq/purge`. Selection, batches and their
//! audit rows are [`crate::jobs::service`]'s.

use axum::Json;
use axum::extract::State;
use orch_core::api::dlq::{
    DlqActionRequest, DlqListQuery, DlqPurgeResponse, DlqReplayResponse, DlqStatsResponse,
};
use orch_core::api::jobs::JobView;
use orch_core::api::list::Page;

use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery, require_reason};
use crate::jobs::service::DlqOperator;

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<DlqListQuery>,
) -> Result<Json<Page<JobView>>, AppError> {
    Ok(Json(state.jobs.dlq_list(&p).await?))
}

pub async fn stats(State(state): State<AppState>) -> Result<Json<DlqStatsResponse>, AppError> {
    Ok(Json(state.jobs.dlq_stats().await?))
}

pub async fn replay(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(body): ApiJson<DlqActionRequest>,
) -> Result<Json<DlqReplayResponse>, AppError> {
    let reason = require_reason(&body.reason)?;
    let by = operator(&actor, reason);
    Ok(Json(state.jobs.replay_dead(&by, &body).await?))
}

pub async fn purge(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(body): ApiJson<DlqActionRequest>,
) -> Result<Json<DlqPurgeResponse>, AppError> {
    let reason = require_reason(&body.reason)?;
    let by = operator(&actor, reason);
    Ok(Json(state.jobs.purge_dead(&by, &body).await?))
}

fn operator<'a>(actor: &'a Actor, reason: &'a str) -> DlqOperator<'a> {
    DlqOperator::new(
        &actor.operator,
        reason,
        actor.audit(reason),
        &actor.ctx.request_id,
        &actor.ctx.trace,
    )
}
