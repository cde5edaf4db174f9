//! Request extractors whose rejections are problem+json: `ApiJson` (415 / 413 /
//! `invalid_json` / `validation_failed` naming the field) and the `reason` rule of admin
//! mutations.

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use orch_core::api::list::Cursor;
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
        parse_query(parts.uri.query().unwrap_or_default()).map(ApiQuery)
    }
}

/// Reads a query string (without the `?`); errors name the parameter.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|err| {
        let field = err.path().to_string();
        AppError::invalid_field(
            if field == "." { "(query)" } else { &field },
            err.into_inner().to_string(),
        )
    })
}

/// The position a `?cursor=` names, as its list reads it; 400 `validation_failed` on
/// `cursor` for one no page of that list handed out.
pub fn parse_cursor<T: FromStr>(cursor: Option<&Cursor>) -> Result<Option<T>, AppError> {
    cursor
        .map(|c| {
            c.parse()
                .map_err(|e| AppError::invalid_field("cursor", e.to_string()))
        })
        .transpose()
}

/// An RFC 3339 time from a query parameter.
pub fn parse_time(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<time::OffsetDateTime>, AppError> {
    Ok(orch_core::api::list::parse_time(field, value)?)
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use orch_core::api::audit::AuditListQuery;
    use orch_core::api::breakers::BreakerListQuery;
    use orch_core::api::dlq::DlqListQuery;
    use orch_core::api::events::{EventListQuery, EventStreamQuery};
    use orch_core::api::impersonations::ImpersonationListQuery;
    use orch_core::api::inbox::InboxListQuery;
    use orch_core::api::jobs::{AdminJobListQuery, JobListQuery};
    use orch_core::api::list::{PageQuery, query_pairs};
    use serde::Serialize;

    use super::*;

    /// What orchctl sends (its pairs, URL-encoded as `url` does) reads back here as the
    /// same query: the list contract between the two, through the real decoder.
    fn round_trip<Q>(query: Q)
    where
        Q: Serialize + DeserializeOwned + PartialEq + Debug,
    {
        let text = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query_pairs(&query).unwrap())
            .finish();
        let back: Q = parse_query(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(back, query, "{text}");
    }

    fn some(text: &str) -> Option<String> {
        Some(text.to_owned())
    }

    #[test]
    fn every_list_query_reads_back_what_orchctl_sends() {
        let cursor = Some(Cursor::from("0193a0c4-5f7e-7c1a-9b2d-3e4f5a6b7c8d"));
        let since = some("2026-01-01T00:00:00+01:00");
        round_trip(PageQuery::default());
        round_trip(PageQuery {
            cursor: Some(Cursor::of(12)),
            limit: Some(3),
        });
        round_trip(AuditListQuery {
            operator: some("alice & bob"),
            action: some("operator.create"),
            tenant: some("acme"),
            since: since.clone(),
            until: some("2026-02-01T00:00:00Z"),
            request_id: some("req 01"),
            cursor: Some(Cursor::of(41)),
            limit: Some(10),
        });
        round_trip(BreakerListQuery {
            tenant: some("acme"),
            connector: some("stripe"),
        });
        round_trip(ImpersonationListQuery {
            tenant: some("acme"),
            active: Some(false),
            limit: Some(1),
        });
        round_trip(InboxListQuery {
            tenant: some("acme"),
            provider: some("stripe"),
            status: some("failed"),
            event_type: some("invoice.paid"),
            since: since.clone(),
            until: some("2026-02-01T00:00:00Z"),
            cursor: cursor.clone(),
            limit: Some(500),
        });
        round_trip(JobListQuery {
            status: some("queued"),
            queue: some("default"),
            limit: Some(2),
            cursor: cursor.clone(),
        });
        round_trip(AdminJobListQuery {
            tenant: some("acme"),
            queue: some("low"),
            status: some("dead"),
            cursor: cursor.clone(),
            limit: Some(5),
        });
        round_trip(DlqListQuery {
            queue: some("low"),
            tenant: some("acme"),
            connector: some("stripe"),
            error_code: some("upstream_5xx"),
            since: since.clone(),
            until: some("2026-02-01T00:00:00Z"),
            cursor,
            limit: Some(9),
        });
        round_trip(EventListQuery {
            tenant: some("acme"),
            connector: some("stripe"),
            trace_id: some("4bf92f3577b34da6a3ce929d0e0e4736"),
            kind: some("webhook.*"),
            since: since.clone(),
            cursor: Some(Cursor::of(99)),
            after_id: Some(7),
            limit: Some(100),
        });
        round_trip(EventStreamQuery {
            tenant: some("acme"),
            connector: some("stripe"),
            trace_id: some("4bf92f3577b34da6a3ce929d0e0e4736"),
            kind: some("job."),
            since,
            after_id: Some(0),
        });
    }

    #[test]
    fn a_bad_parameter_is_named() {
        let err = parse_query::<AuditListQuery>("limit=ten").unwrap_err();
        assert!(format!("{err:?}").contains("limit"), "{err:?}");
        assert!(parse_query::<BreakerListQuery>("colour=red").is_err());
        let err = parse_cursor::<i64>(Some(&Cursor::from("x"))).unwrap_err();
        assert!(
            format!("{err:?}").contains("not a cursor from this list"),
            "{err:?}"
        );
        assert_eq!(parse_cursor::<i64>(Some(&Cursor::of(5))).unwrap(), Some(5));
        assert_eq!(parse_cursor::<i64>(None).unwrap(), None);
    }
}
