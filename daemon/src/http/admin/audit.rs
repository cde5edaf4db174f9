//! `/v1/admin/audit`, `/v1/admin/audit/verify` and `/v1/admin/audit/head`.

use axum::Json;
use axum::extract::State;
use orch_core::api::audit::{AuditHead, AuditVerifyResponse};
use orch_core::api::list::{Page, effective_limit};
use orch_core::audit::{AuditAnchor, AuditRecord};
use serde::Deserialize;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::{ApiQuery, parse_time};
use crate::identity::audit::AuditQuery;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    operator: Option<String>,
    action: Option<String>,
    tenant: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<Page<AuditRecord>>, AppError> {
    let limit = effective_limit(params.limit);
    let before_seq = params
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| AppError::invalid_field("cursor", "not a cursor from this list"))
        })
        .transpose()?;
    let query = AuditQuery {
        operator: params.operator,
        action: params.action,
        tenant: params.tenant,
        since: parse_time("since", params.since.as_deref())?,
        until: parse_time("until", params.until.as_deref())?,
        before_seq,
        limit,
    };
    let items = state.audit.list(&query).await?;
    let next_cursor = (items.len() == limit as usize)
        .then(|| items.last().map(|r| r.seq.to_string()))
        .flatten();
    Ok(Json(Page { items, next_cursor }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyParams {
    /// `<count>:<hash>`: an anchor recorded earlier that the chain must still hold.
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
