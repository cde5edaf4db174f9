//! Body size limits: a declared `Content-Length` over the limit is refused before the body
//! is read (413 `payload_too_large`); extractors enforce the same limit on streamed bodies.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use orch_core::problem::ErrorCode;
use orch_core::units::ByteSize;

use super::error::AppError;

pub async fn refuse_oversized(State(limit): State<ByteSize>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(len) if len > limit.bytes() => AppError::new(
            ErrorCode::PayloadTooLarge,
            format!("the body is {len} bytes; the limit is {limit}"),
        )
        .with("limit_bytes", limit.bytes())
        .into_response(),
        _ => next.run(req).await,
    }
}
