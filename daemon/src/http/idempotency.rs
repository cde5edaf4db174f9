//! `Idempotency-Key` over HTTP: reading the header, answering with a stored response, and
//! keeping a fresh response for replays. The claim itself is [`crate::idempotency`]'s.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use orch_core::problem::ErrorCode;

use crate::http::error::AppError;
use crate::idempotency::{Guard, IdempotencyService, Keyed, StoredResponse};

/// Longest `Idempotency-Key` accepted (Stripe's limit).
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// The `Idempotency-Key` header: a structured-field string (`"abc"`) or a bare token.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(raw) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let invalid = |why: &str| AppError::new(ErrorCode::InvalidIdempotencyKey, why.to_owned());
    let text = raw
        .to_str()
        .map_err(|_| invalid("Idempotency-Key must be printable ASCII"))?
        .trim();
    let key = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN {
        return Err(invalid("Idempotency-Key must be 1–255 characters"));
    }
    if !key.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(invalid("Idempotency-Key must be printable ASCII"));
    }
    Ok(Some(key.to_owned()))
}

/// The response to a keyed service call: the stored one for a replay, else `render`'s,
/// kept for replays when the service left a claim pending.
pub async fn respond<T>(
    idempotency: &IdempotencyService,
    outcome: Keyed<T>,
    render: impl FnOnce(T) -> Response,
) -> Result<Response, AppError> {
    match outcome {
        Keyed::Replay(stored) => Ok(replay(stored)),
        Keyed::Fresh { value, pending } => keep(idempotency, pending, render(value)).await,
    }
}

/// The stored outcome of an earlier request with the same key and body.
pub fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    if let Ok(v) = HeaderValue::from_str(&stored.content_type) {
        response.headers_mut().insert(CONTENT_TYPE, v);
    }
    response.headers_mut().insert(
        HeaderName::from_static("idempotency-replayed"),
        HeaderValue::from_static("true"),
    );
    response
}

/// Stores `response` under the pending claim (none: sent as it is). The body is buffered
/// because the same bytes go to the store and to the caller.
async fn keep(
    idempotency: &IdempotencyService,
    pending: Option<Guard>,
    response: Response,
) -> Result<Response, AppError> {
    let Some(guard) = pending else {
        return Ok(response);
    };
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| AppError::Internal(format!("buffering the response: {e}")))?;
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    idempotency
        .complete(
            guard,
            &StoredResponse {
                status: parts.status.as_u16(),
                content_type,
                body: bytes.to_vec(),
            },
        )
        .await?;
    Ok(Response::from_parts(parts, axum::body::Body::from(bytes)))
}
