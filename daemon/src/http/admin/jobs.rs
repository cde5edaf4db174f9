//! `GET /v1/admin/jobs/{id}` and `GET /v1/admin/jobs?tenant=&queue=&status=`: any tenant.

use axum::Json;
use axum::extract::{Path, State};
use orch_core::api::jobs::{AdminJobListQuery, JobView};
use orch_core::api::list::Page;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiQuery;
use crate::jobs::service::admin_job_query;

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobView>, AppError> {
    Ok(Json(state.jobs.get(None, &id).await?))
}

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<AdminJobListQuery>,
) -> Result<Json<Page<JobView>>, AppError> {
    let query = admin_job_query(p)?;
    Ok(Json(state.jobs.list(&query).await?))
}
