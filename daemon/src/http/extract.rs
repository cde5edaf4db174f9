//! Request extractors whose rejections are problem+json: `ApiJson` (415 / 413 /
//! `invalid_json` / `validation_failed` naming the field) and the `reason` rule of admin
//! mutations.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use orch_core::problem::ErrorCode;
use serde::de::DeserializeOwned;

use super::error::AppError;

/// A JSON body. Content type must be JSON; errors name the offending field.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(AppError::new(
                ErrorCode::UnsupportedMediaType,
                "send the body as application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::new(
                    ErrorCode::PayloadTooLarge,
                    "the body exceeds the size limit",
                )
            } else {
                AppError::new(ErrorCode::InvalidJson, rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON text: syntax errors are `invalid_json`, shape errors `validation_failed`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => de
            .end()
            .map(|()| value)
            .map_err(|e| AppError::new(ErrorCode::InvalidJson, format!("malformed JSON: {e}"))),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if inner.is_data() {
                let field = if path == "." { String::new() } else { path };
                let field = if field.is_empty() {
                    missing_field(&inner.to_string()).unwrap_or_default()
                } else {
                    field
                };
                Err(AppError::invalid_field(
                    if field.is_empty() { "(body)" } else { &field },
                    inner.to_string(),
                ))
            } else {
                Err(AppError::new(
                    ErrorCode::InvalidJson,
                    format!("malformed JSON: {inner}"),
                ))
            }
        }
    }
}

/// `missing field `reason`` → `reason`.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next().map(str::to_owned)
}

/// Shortest accepted `reason` of an admin mutation.
pub const MIN_REASON_CHARS: usize = 3;

/// Every admin mutation carries a reason of at least three characters.
pub fn require_reason(reason: &str) -> Result<&str, AppError> {
    let trimmed = reason.trim();
    if trimmed.chars().count() < MIN_REASON_CHARS {
        return Err(AppError::new(
            ErrorCode::ReasonRequired,
            format!("say why: `reason` needs at least {MIN_REASON_CHARS} characters"),
        ));
    }
    Ok(trimmed)
}

/// Query-string parameters; a malformed query is `validation_failed`.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|err| {
                let field = err.path().to_string();
                AppError::invalid_field(
                    if field == "." { "(query)" } else { &field },
                    err.into_inner().to_string(),
                )
            })
    }
}

/// An RFC 3339 time from a query parameter.
pub fn parse_time(
    field: &str,
    value: Option<&str>,
) -> Result<Option<time::OffsetDateTime>, AppError> {
    value
        .map(|v| {
            time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).map_err(
                |_| AppError::invalid_field(field, format!("{v:?} is not an RFC 3339 time")),
            )
        })
        .transpose()
}
