//! `GET /v1/admin/jobs/{id}` and `GET /v1/admin/jobs?tenant=&queue=&status=`: any tenant.

use axum::Json;
use axum::extract::{Path, State};
use orch_core::api::jobs::JobView;
use orch_core::api::list::Page;
use serde::Deserialize;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiQuery;
use crate::jobs::service::job_query;

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobView>, AppError> {
    Ok(Json(state.jobs.get(None, &id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    tenant: Option<String>,
    status: Option<String>,
    queue: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Page<JobView>>, AppError> {
    let query = job_query(p.tenant, p.status, p.queue, p.limit, p.cursor)?;
    Ok(Json(state.jobs.list(&query).await?))
}
