//! `GET /v1/admin/events`: the event log, filtered and paged (newest first, or oldest first
//! after `after_id` for resuming), and `GET /v1/admin/events/stream`: every tenant's events
//! as SSE ([`crate::http::event_stream`]).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use orch_core::api::events::{EventFilter, EventView};
use orch_core::api::list::{Page, effective_limit};
use serde::Deserialize;

use crate::events::EventQuery;
use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::AppError;
use crate::http::event_stream::{self, StreamParams};
use crate::http::extract::{ApiQuery, parse_time};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventParams {
    tenant: Option<String>,
    connector: Option<String>,
    trace_id: Option<String>,
    kind: Option<String>,
    after_id: Option<i64>,
    /// RFC 3339: only events at or after this time.
    since: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

pub async fn stream(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<StreamParams>,
) -> Result<Response, AppError> {
    let (query, start) = params.into_query(&headers)?;
    let slot = state
        .streams
        .take(format!("operator:{}", actor.operator.id))?;
    event_stream::respond(&state, query, start, slot).await
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
    if p.after_id.is_some_and(|id| id < 0) {
        return Err(AppError::invalid_field(
            "after_id",
            "must be an event id (0 or more)",
        ));
    }
    let filter = EventFilter {
        tenant: p.tenant,
        connector: p.connector,
        trace_id: p.trace_id,
        kind: p.kind,
    }
    .normalized()
    .map_err(|e| AppError::invalid_field(&e.field, e.message))?;
    let query = EventQuery {
        tenant: filter.tenant,
        connector: filter.connector,
        trace_id: filter.trace_id,
        kind: filter.kind,
        since: parse_time("since", p.since.as_deref())?,
        after_id: p.after_id,
        before_id,
        limit,
    };
    Ok(Json(state.event_log.list(&query).await?))
}
