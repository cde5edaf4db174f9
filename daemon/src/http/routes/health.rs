//! `GET /healthz` (process up) and `GET /readyz` (dependencies reachable, schema current).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use orch_core::api::health::Health;

use crate::http::AppState;
use crate::readiness;

pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

/// Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(handle) => (
            StatusCode::OK,
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            handle.render(),
        )
            .into_response(),
        None => crate::http::AppError::Internal("no metrics recorder is installed".into())
            .into_response(),
    }
}

/// 200 when every part is ready; 503 naming the parts that are not.
/// The body carries fixed reasons only; the drivers' errors are logged here.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let (report, details) =
        readiness::check_with_details(state.store.as_ref(), state.redis.as_ref()).await;
    if report.is_ready() {
        (StatusCode::OK, Json(report)).into_response()
    } else {
        tracing::warn!(failed = ?report.failed(), details = ?details, "not ready");
        (StatusCode::SERVICE_UNAVAILABLE, Json(report)).into_response()
    }
}
