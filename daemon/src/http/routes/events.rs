//! `GET /v1/events/stream` (scope `events:read`): the caller's own tenant's events as SSE.
//! A `tenant` filter naming another tenant is 403 `forbidden`; format and resume as in
//! [`crate::http::event_stream`].

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use orch_core::api::events::EventStreamQuery;
use orch_core::problem::ErrorCode;
use orch_core::rbac::Scope;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::event_stream::{self, StreamQuery as _};
use crate::http::extract::ApiQuery;
use crate::http::tenant_auth::TenantCaller;

pub async fn stream(
    State(state): State<AppState>,
    caller: TenantCaller,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<EventStreamQuery>,
) -> Result<Response, AppError> {
    caller.require(Scope::EventsRead)?;
    let (mut query, start) = params.into_query(&headers)?;
    let own = caller.tenant();
    if query.tenant.as_deref().is_some_and(|t| t != own) {
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "a tenant token only streams its own tenant's events",
        ));
    }
    query.tenant = Some(own.to_owned());
    let slot = state.streams.take(format!("tenant:{own}"))?;
    event_stream::respond(&state, query, start, slot).await
}
