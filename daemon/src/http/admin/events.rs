//! `GET /v1/admin/events`: the event log, filtered and paged (newest first, or oldest first
//! after `after_id` for resuming).

use axum::Json;
use axum::extract::State;
use orch_core::api::events::EventView;
use orch_core::api::list::{Page, effective_limit};
use serde::Deserialize;

use crate::events::EventQuery;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::extract::ApiQuery;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventParams {
    tenant: Option<String>,
    connector: Option<String>,
    trace_id: Option<String>,
    kind: Option<String>,
    after_id: Option<i64>,
    limit: Option<u32>,
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<EventParams>,
) -> Result<Json<Page<EventView>>, AppError> {
    let limit = effective_limit(p.limit);
    let before_id = p
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| AppError::invalid_field("cursor", "not a cursor from this list"))
        })
        .transpose()?;
    let query = EventQuery {
        tenant: p.tenant,
        connector: p.connector,
        trace_id: p.trace_id,
        kind: p.kind,
        after_id: p.after_id,
        before_id,
        limit,
    };
    let items: Vec<EventView> = state
        .store
        .list_events(&query)
        .await?
        .iter()
        .map(|e| e.view())
        .collect();
    // Newest-first pages continue below the last id; resumes use `after_id` instead.
    let next_cursor = (query.after_id.is_none() && items.len() == limit as usize)
        .then(|| items.last().map(|e| e.id.to_string()))
        .flatten();
    Ok(Json(Page { items, next_cursor }))
}
