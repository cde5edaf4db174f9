//! `/v1/admin/audit`, `/v1/admin/audit/verify` and `/v1/admin/audit/head`.

use axum::Json;
use axum::extract::State;
use orch_core::api::audit::{AuditHead, AuditListQuery, AuditVerifyResponse};
use orch_core::api::list::Page;
use orch_core::audit::{AuditAnchor, AuditRecord};
use serde::Deserialize;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiQuery;

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditListQuery>,
) -> Result<Json<Page<AuditRecord>>, AppError> {
    Ok(Json(state.audit.page(&params).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VerifyParams {
    /// `<count>:<hash>`: an anchor recorded earlier that the chain must still hold.
    #[param(pattern = r"^\s*([1-9][0-9]{0,18}:(hmac1:)?[0-9a-f]{64}|0:0{64})\s*$")]
    expect_head: Option<String>,
}

pub async fn verify(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<VerifyParams>,
) -> Result<Json<AuditVerifyResponse>, AppError> {
    let expect = params
        .expect_head
        .as_deref()
        .map(|text| {
            AuditAnchor::parse(text)
                .map_err(|message| AppError::invalid_field("expect_head", message))
        })
        .transpose()?;
    Ok(Json(state.audit.verify(expect.as_ref()).await?))
}

pub async fn head(State(state): State<AppState>) -> Result<Json<AuditHead>, AppError> {
    Ok(Json(state.audit.head().await?))
}
