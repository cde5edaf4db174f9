//! `/v1/admin/audit`, `/v1/admin/audit/verify` and `/v1/admin/audit/head`.

use axum::Json;
use axum::extract::State;
use orch_core::api::audit::{AuditHead, AuditListQuery, AuditVerifyResponse};
use orch_core::api::list::{Cursor, Page, effective_limit};
use orch_core::audit::{AuditAnchor, AuditRecord};
use serde::Deserialize;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::{ApiQuery, parse_cursor, parse_time};
use crate::identity::audit::AuditQuery;

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditListQuery>,
) -> Result<Json<Page<AuditRecord>>, AppError> {
    let limit = effective_limit(params.limit);
    let query = AuditQuery {
        before_seq: parse_cursor(params.cursor.as_ref())?,
        since: parse_time("since", params.since.as_deref())?,
        until: parse_time("until", params.until.as_deref())?,
        operator: params.operator,
        action: params.action,
        tenant: params.tenant,
        request_id: params.request_id,
        limit,
    };
    let items = state.audit.list(&query).await?;
    Ok(Json(Page::from_rows(items, limit, |r| Cursor::of(r.seq))))
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
