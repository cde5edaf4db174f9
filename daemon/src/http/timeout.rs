//! The request deadline (`http.request_timeout`): receiving the body and producing the
//! response must fit in it, else 503 `request_timeout` (problem+json, inside the request
//! context so it carries the request id). This is what stops a client that sends its
//! headers and then trickles the body.
//!
//! Exempt: the event streams, which are long-lived by design (they end on disconnect or at
//! shutdown). `/v1/execute` gets the deadline for its body only: the call it makes has its
//! own total deadline (the connector policy's `total_ms`, up to an hour), and cutting it
//! here would drop an upstream call in flight and lose its outcome.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use orch_core::problem::ErrorCode;
use orch_core::units::ByteSize;

use super::error::AppError;

/// Paths that stream for as long as the client listens.
pub const STREAM_PATHS: [&str; 3] = [
    "/v1/admin/events/stream",
    "/v1/events/stream",
    "/console/events/stream",
];

/// Paths whose handler enforces its own deadline once the body is in.
const OWN_DEADLINE_PATHS: [&str; 1] = ["/v1/execute"];

/// What the middleware needs: the deadline and the API body limit (for buffering bodies of
/// routes with their own deadline).
#[derive(Debug, Clone, Copy)]
pub struct RequestDeadline {
    pub timeout: Duration,
    pub body_limit: ByteSize,
}

pub async fn middleware(State(d): State<RequestDeadline>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if STREAM_PATHS.contains(&path) {
        return next.run(req).await;
    }
    if OWN_DEADLINE_PATHS.contains(&path) {
        let (parts, body) = req.into_parts();
        let bytes = match tokio::time::timeout(d.timeout, read_body(body, d.body_limit)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(err)) => return err.into_response(),
            Err(_) => return timed_out(d.timeout),
        };
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    match tokio::time::timeout(d.timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => timed_out(d.timeout),
    }
}

/// The whole body, refused (413) as soon as it passes `limit`.
async fn read_body(body: Body, limit: ByteSize) -> Result<Bytes, AppError> {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            AppError::new(ErrorCode::InvalidJson, "the request body could not be read")
        })?;
        if (buf.len() + chunk.len()) as u64 > limit.bytes() {
            return Err(AppError::new(
                ErrorCode::PayloadTooLarge,
                format!("the body exceeds the limit of {limit}"),
            )
            .with("limit_bytes", limit.bytes()));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

fn timed_out(timeout: Duration) -> Response {
    tracing::warn!(
        timeout_ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        "request timed out"
    );
    AppError::new(
        ErrorCode::RequestTimeout,
        format!(
            "the request did not complete within {} ms",
            timeout.as_millis()
        ),
    )
    .into_response()
}
