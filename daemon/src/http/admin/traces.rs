//! `GET /v1/admin/traces/{trace_id}`: one trace's deliveries, jobs with their runs, and
//! events ([`crate::traces`]); 400 for an id that is not a trace id, 404 for a trace with
//! nothing recorded.

use axum::Json;
use axum::extract::{Path, State};
use orch_core::api::traces::TraceView;

use crate::http::AppState;
use crate::http::error::AppError;

pub async fn get(
    State(state): State<AppState>,
    Path(trace_id): Path<String>,
) -> Result<Json<TraceView>, AppError> {
    Ok(Json(state.traces.get(&trace_id).await?))
}
