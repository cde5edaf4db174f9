//! The one application error type: everything a handler can fail with becomes an
//! RFC 9457 `application/problem+json` response carrying the stable `code`, the request id
//! and the trace id. Internal causes are logged once, never sent to the caller.

use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use orch_core::problem::{ErrorCode, FieldError, PROBLEM_CONTENT_TYPE, Problem};
use serde_json::{Map, Value};

use super::context;
use crate::executor::ExecError;
use crate::executor::service::ExecuteError;
use crate::idempotency::IdempotencyError;
use crate::identity::IdentityError;
use crate::identity::limiter::Throttled;
use crate::identity::tokens::TokenError;
use crate::jobs::service::JobServiceError;
use crate::quotas::QuotaError;
use crate::resilience::reset::ResetError;
use crate::store::StoreError;
use crate::tenant_config::service::ConfigError;
use crate::traces::TraceError;
use crate::webhooks::inbox::InboxError;
use crate::webhooks::ingress::IngressError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A client-facing problem with its code, detail and code-specific members.
    #[error("{}: {}", .0.code, .0.detail)]
    Problem(Box<ProblemError>),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bug or an unexpected failure; the message is logged, not returned.
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Debug)]
pub struct ProblemError {
    pub code: ErrorCode,
    pub detail: String,
    pub extensions: Map<String, Value>,
    pub headers: Vec<(HeaderName, String)>,
}

impl AppError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Problem(Box::new(ProblemError {
            code,
            detail: detail.into(),
            extensions: Map::new(),
            headers: Vec::new(),
        }))
    }

    /// Adds a code-specific member to the problem body.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let Self::Problem(p) = &mut self {
            p.extensions.insert(key.to_owned(), value.into());
        }
        self
    }

    /// Adds a response header (e.g. `WWW-Authenticate`, `Retry-After`).
    pub fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        if let Self::Problem(p) = &mut self {
            p.headers.push((name, value.into()));
        }
        self
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, detail)
    }

    /// 400 `validation_failed` with one field error.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(ErrorCode::ValidationFailed, format!("{field}: {message}")).with(
            "errors",
            serde_json::to_value(vec![FieldError {
                field: field.to_owned(),
                message,
            }])
            .unwrap_or(Value::Null),
        )
    }

    fn to_problem(&self) -> (Problem, &[(HeaderName, String)]) {
        match self {
            AppError::Problem(p) => {
                let mut problem = Problem::new(p.code, p.detail.clone());
                for (k, v) in &p.extensions {
                    problem = problem.with_extension(k, v.clone());
                }
                (problem, &p.headers)
            }
            AppError::Store(StoreError::Unavailable(_)) => (
                Problem::new(
                    ErrorCode::StorageUnavailable,
                    "storage is unavailable; retry later",
                ),
                &[],
            ),
            AppError::Store(StoreError::NotFound) => {
                (Problem::new(ErrorCode::NotFound, "no such resource"), &[])
            }
            AppError::Store(StoreError::Conflict(_)) => (
                Problem::new(
                    ErrorCode::Conflict,
                    "the resource changed or already exists",
                ),
                &[],
            ),
            AppError::Store(_) | AppError::Internal(_) => (
                Problem::new(
                    ErrorCode::Internal,
                    "internal error; the request id locates it in the logs",
                ),
                &[],
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (mut problem, headers) = self.to_problem();
        match &self {
            AppError::Problem(_) => {}
            AppError::Store(StoreError::Unavailable(cause)) => {
                tracing::warn!(error = %cause, "storage unavailable");
            }
            other if problem.status >= 500 => tracing::error!(error = %other, "request failed"),
            _ => {}
        }
        if let Some(ctx) = context::current() {
            problem.request_id = Some(ctx.request_id.clone());
            problem.trace_id = Some(ctx.trace.trace_id.to_hex());
        }
        let mut response = problem_response(&problem);
        for (name, value) in headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                response.headers_mut().append(name.clone(), v);
            }
        }
        response
    }
}

impl From<ExecError> for AppError {
    fn from(err: ExecError) -> Self {
        match err {
            ExecError::UnknownConnector(c) => AppError::new(
                ErrorCode::UnknownConnector,
                format!("no connector {c:?} in the active config"),
            ),
            ExecError::UnknownOperation {
                connector,
                operation,
            } => AppError::new(
                ErrorCode::UnknownOperation,
                format!("connector {connector:?} has no operation {operation:?}"),
            ),
            ExecError::BadRequest { field, message } => AppError::invalid_field(&field, message),
            ExecError::SecretUnavailable { reference, message } => {
                tracing::warn!(secret_ref = %reference, why = %message, "secret unavailable");
                AppError::new(
                    ErrorCode::SecretUnavailable,
                    format!("SecretRef {reference} did not resolve: {message}"),
                )
                .with("secret_ref", reference)
            }
            ExecError::Timeout { kind, attempts, .. } => {
                tracing::warn!(timeout = kind.as_str(), attempts, "upstream timeout");
                AppError::new(
                    ErrorCode::UpstreamTimeout,
                    format!(
                        "the upstream did not answer in time ({} timeout)",
                        kind.as_str()
                    ),
                )
                .with("timeout", kind.as_str())
                .with("attempts", attempts)
            }
            ExecError::RateLimited {
                retry_after,
                per_second,
                burst,
            } => {
                let wait = retry_after.as_secs_f64().ceil().max(1.0) as u64;
                let window = (f64::from(burst) / per_second).ceil().max(1.0) as u64;
                tracing::info!(retry_after_s = wait, "rate limited");
                AppError::new(
                    ErrorCode::RateLimited,
                    format!("the rate limit of {per_second}/s (burst {burst}) is used up"),
                )
                .with("retry_after_s", wait)
                .with_header(RETRY_AFTER, wait.to_string())
                .with_header(
                    HeaderName::from_static("ratelimit-policy"),
                    format!("\"default\";q={burst};w={window}"),
                )
                .with_header(
                    HeaderName::from_static("ratelimit"),
                    format!("\"default\";r=0;t={wait}"),
                )
            }
            ExecError::ConcurrencyLimited { max } => AppError::new(
                ErrorCode::ConcurrencyLimited,
                format!("{max} calls to this connector are already in flight"),
            ),
            ExecError::CircuitOpen {
                retry_after,
                attempts,
            } => {
                let wait = retry_after.as_secs_f64().ceil().max(1.0) as u64;
                AppError::new(
                    ErrorCode::CircuitOpen,
                    "the connector's circuit breaker is open; nothing was sent",
                )
                .with("retry_after_s", wait)
                .with("attempts", attempts)
                .with_header(RETRY_AFTER, wait.to_string())
            }
            ExecError::Unreachable {
                message, attempts, ..
            } => {
                tracing::warn!(error = %message, attempts, "upstream unreachable");
                AppError::new(
                    ErrorCode::UpstreamUnreachable,
                    "the upstream could not be reached",
                )
                .with("attempts", attempts)
            }
            ExecError::ResponseTooLarge { limit, attempts } => AppError::new(
                ErrorCode::UpstreamResponseTooLarge,
                format!("the upstream answered with more than {limit} bytes (api.max_upstream_response_bytes)"),
            )
            .with("limit_bytes", limit)
            .with("attempts", attempts),
        }
    }
}

impl From<ExecuteError> for AppError {
    fn from(err: ExecuteError) -> Self {
        match err {
            ExecuteError::NoActiveConfig { .. } => {
                AppError::new(ErrorCode::UnknownConnector, err.to_string())
            }
            ExecuteError::ZeroTimeout => AppError::invalid_field("timeout_ms", "must be positive"),
            ExecuteError::Exec(e) => e.into(),
            ExecuteError::Idempotency(e) => e.into(),
            ExecuteError::Store(e) => AppError::Store(e),
        }
    }
}

/// A quota refusal: 429 `quota_exceeded` with which quota (`quota`: `max_queued_jobs` or
/// `enqueue_rate`), its `limit`, the `allowance` (`api` or `webhooks`) and, for the rate,
/// `Retry-After`. Both `POST /v1/jobs` and the webhook ingress answer this way; 429 is also
/// a status Stripe retries.
impl From<QuotaError> for AppError {
    fn from(err: QuotaError) -> Self {
        let detail = err.to_string();
        match err {
            QuotaError::MaxQueued {
                allowance,
                limit,
                live,
                queue,
            } => {
                let mut app = AppError::new(
                    ErrorCode::QuotaExceeded,
                    format!("{detail}; enqueue again once some have finished"),
                )
                .with("quota", "max_queued_jobs")
                .with("limit", limit)
                .with("queued", live)
                .with("allowance", allowance.as_str());
                if let Some(queue) = queue {
                    app = app.with("queue", queue);
                }
                app
            }
            QuotaError::Rate {
                allowance,
                per_second,
                burst,
                retry_after,
            } => {
                // Whole seconds, rounded up, at least 1: the header has no fractions.
                let wait = retry_after.as_secs_f64().ceil().max(1.0) as u64;
                AppError::new(ErrorCode::QuotaExceeded, detail)
                    .with("quota", "enqueue_rate")
                    .with("limit", per_second)
                    .with("burst", burst)
                    .with("allowance", allowance.as_str())
                    .with("retry_after_s", wait)
                    .with_header(RETRY_AFTER, wait.to_string())
            }
            QuotaError::Storage(e) => AppError::Store(e),
        }
    }
}

/// 400 `validation_failed` naming the list parameter.
impl From<orch_core::api::list::InvalidParam> for AppError {
    fn from(e: orch_core::api::list::InvalidParam) -> Self {
        AppError::invalid_field(e.field, e.message)
    }
}

/// A failure of an identity service. A missing or taken row is the store's generic 404/409
/// unless the handler names it ([`Refine`]).
impl From<IdentityError> for AppError {
    fn from(err: IdentityError) -> Self {
        match err {
            IdentityError::Store(e) => AppError::Store(e),
            IdentityError::Invalid(e) => e.into(),
            // Disabled or rotated while this request ran: the caller's token is no longer good.
            IdentityError::Inactive => refused_token(&TokenError::Invalid(
                "the operator is disabled or its key was revoked".into(),
            )),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// 429 `rate_limited` for a source (or id) over its failure budget at the token endpoints.
impl From<Throttled> for AppError {
    fn from(t: Throttled) -> Self {
        let wait = t.retry_after.as_secs().max(1);
        AppError::new(
            ErrorCode::RateLimited,
            format!("too many failed attempts; retry in {wait} s"),
        )
        .with("retry_after_s", wait)
        .with_header(RETRY_AFTER, wait.to_string())
    }
}

impl From<ConfigError> for AppError {
    fn from(err: ConfigError) -> Self {
        match err {
            ConfigError::Invalid(issues) => {
                let summary = issues.first().map(|i| i.to_string()).unwrap_or_default();
                AppError::new(
                    ErrorCode::InvalidConfig,
                    format!("{} problem(s); first: {summary}", issues.len()),
                )
                .with("errors", serde_json::to_value(issues).unwrap_or_default())
            }
            ConfigError::NotFound(m) => AppError::not_found(m),
            ConfigError::Conflict(m) => AppError::new(ErrorCode::Conflict, m),
            ConfigError::Store(e) => AppError::Store(e),
        }
    }
}

impl From<InboxError> for AppError {
    fn from(err: InboxError) -> Self {
        match err {
            InboxError::NotFound(id) => AppError::not_found(format!("no inbox row {id}")),
            busy @ InboxError::Busy(_) => AppError::new(ErrorCode::Conflict, busy.to_string()),
            InboxError::Invalid { field, message } => AppError::invalid_field(field, message),
            denied @ InboxError::Forbidden { permission, .. } => {
                AppError::new(ErrorCode::Forbidden, denied.to_string())
                    .with("required_permission", permission.as_str())
            }
            InboxError::Store(e) => e.into(),
        }
    }
}

impl From<TraceError> for AppError {
    fn from(err: TraceError) -> Self {
        match err {
            invalid @ TraceError::InvalidId => {
                AppError::invalid_field("trace_id", invalid.to_string())
            }
            missing @ TraceError::NotFound(_) => AppError::not_found(missing.to_string()),
            TraceError::Store(e) => e.into(),
        }
    }
}

/// A refused webhook delivery: each refusal knows its code.
impl From<IngressError> for AppError {
    fn from(error: IngressError) -> Self {
        let error = match error {
            // Same body and headers as a refused `POST /v1/jobs` (storage failures: 503).
            IngressError::Quota(quota) => return quota.into(),
            other => other,
        };
        let code = error.code();
        let detail = match &error {
            // The cause is logged; the caller learns only that it should retry.
            IngressError::Storage(_) => "storage is unavailable; retry later".to_owned(),
            other => other.to_string(),
        };
        let mut app = AppError::new(code, detail);
        if let IngressError::TooLarge { limit } = error {
            app = app.with("limit_bytes", limit);
        }
        app
    }
}

/// Names what the store's generic "missing" or "taken" meant for one call: the code stays
/// (404 `not_found`, 409 `conflict`), the detail becomes the handler's.
pub trait Refine<T> {
    fn or_not_found(self, detail: impl Into<String>) -> Result<T, AppError>;
    fn or_conflict(self, detail: impl Into<String>) -> Result<T, AppError>;
}

impl<T, E: Into<AppError>> Refine<T> for Result<T, E> {
    fn or_not_found(self, detail: impl Into<String>) -> Result<T, AppError> {
        self.map_err(|e| match e.into() {
            AppError::Store(StoreError::NotFound) => AppError::not_found(detail),
            other => other,
        })
    }

    fn or_conflict(self, detail: impl Into<String>) -> Result<T, AppError> {
        self.map_err(|e| match e.into() {
            AppError::Store(StoreError::Conflict(_)) => AppError::new(ErrorCode::Conflict, detail),
            other => other,
        })
    }
}

impl From<ResetError> for AppError {
    fn from(err: ResetError) -> Self {
        match err {
            ResetError::Audit(e) => AppError::Store(e),
            ResetError::ThisNodeOnly => {
                AppError::new(ErrorCode::StorageUnavailable, err.to_string())
            }
        }
    }
}

impl From<IdempotencyError> for AppError {
    fn from(err: IdempotencyError) -> Self {
        match err {
            IdempotencyError::InUse => {
                AppError::new(ErrorCode::IdempotencyKeyInUse, err.to_string())
            }
            IdempotencyError::Reused => {
                AppError::new(ErrorCode::IdempotencyKeyReused, err.to_string())
            }
            IdempotencyError::Fingerprint(_) => AppError::Internal(err.to_string()),
            IdempotencyError::Store(e) => AppError::Store(e),
        }
    }
}

impl From<JobServiceError> for AppError {
    fn from(err: JobServiceError) -> Self {
        let detail = err.to_string();
        match err {
            JobServiceError::Invalid { field, message } => AppError::invalid_field(field, message),
            JobServiceError::UnknownQueue(_) => AppError::new(ErrorCode::UnknownQueue, detail),
            JobServiceError::UnknownConnector(_) => {
                AppError::new(ErrorCode::UnknownConnector, detail)
            }
            JobServiceError::UnknownOperation { .. } => {
                AppError::new(ErrorCode::UnknownOperation, detail)
            }
            JobServiceError::NotFound(_) => AppError::not_found(detail),
            JobServiceError::NotCancellable(_) => AppError::new(ErrorCode::Conflict, detail),
            JobServiceError::Forbidden(_) => AppError::new(ErrorCode::Forbidden, detail),
            JobServiceError::Idempotency(e) => e.into(),
            JobServiceError::Quota(e) => e.into(),
            JobServiceError::Store(e) => AppError::Store(e),
        }
    }
}

/// Renders a problem document with its status and media type.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_else(|_| {
        br#"{"type":"https://orch.dev/errors/internal","title":"Internal error","status":500,"code":"internal"}"#.to_vec()
    });
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
    );
    response
}

/// 401 without a token (RFC 6750 §3.1: no error code).
pub fn missing_token() -> AppError {
    AppError::new(
        ErrorCode::Unauthenticated,
        "send Authorization: Bearer <token>",
    )
    .with_header(WWW_AUTHENTICATE, r#"Bearer realm="orchd""#)
}

/// 401 for a token that was presented and refused.
pub fn refused_token(err: &TokenError) -> AppError {
    match err {
        TokenError::Missing => missing_token(),
        TokenError::WrongAudience => AppError::new(
            ErrorCode::InvalidAudience,
            "the token's audience is not accepted here",
        )
        .with_header(
            WWW_AUTHENTICATE,
            r#"Bearer realm="orchd", error="invalid_token""#,
        ),
        TokenError::Invalid(why) => {
            AppError::new(ErrorCode::Unauthenticated, format!("invalid token: {why}")).with_header(
                WWW_AUTHENTICATE,
                r#"Bearer realm="orchd", error="invalid_token""#,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_and_detail(err: &AppError) -> (String, String) {
        let (problem, _) = err.to_problem();
        (problem.code, problem.detail.unwrap_or_default())
    }

    #[test]
    fn refine_names_only_the_store_outcome_it_is_about() {
        let missing: Result<(), StoreError> = Err(StoreError::NotFound);
        let err = missing.or_conflict("taken").or_not_found("no such client");
        let (code, detail) = code_and_detail(&err.unwrap_err());
        assert_eq!(code, ErrorCode::NotFound.as_str());
        assert_eq!(detail, "no such client");

        let taken: Result<(), StoreError> = Err(StoreError::Conflict("unique".into()));
        let err = taken.or_conflict("an operator named \"a\" already exists");
        let (code, detail) = code_and_detail(&err.unwrap_err());
        assert_eq!(code, ErrorCode::Conflict.as_str());
        assert_eq!(detail, "an operator named \"a\" already exists");

        let down: Result<(), StoreError> = Err(StoreError::Unavailable("gone".into()));
        let err = down.or_not_found("no such client").unwrap_err();
        assert_eq!(
            code_and_detail(&err).0,
            ErrorCode::StorageUnavailable.as_str()
        );
    }

    #[test]
    fn job_service_errors_keep_their_codes() {
        let cases = [
            (
                JobServiceError::UnknownQueue("no queue \"x\"".into()),
                ErrorCode::UnknownQueue,
            ),
            (
                JobServiceError::NotCancellable("running".into()),
                ErrorCode::Conflict,
            ),
            (
                JobServiceError::Idempotency(IdempotencyError::InUse),
                ErrorCode::IdempotencyKeyInUse,
            ),
            (
                JobServiceError::Idempotency(IdempotencyError::Reused),
                ErrorCode::IdempotencyKeyReused,
            ),
            (
                JobServiceError::Invalid {
                    field: "limit",
                    message: "at least 1".into(),
                },
                ErrorCode::ValidationFailed,
            ),
        ];
        for (err, code) in cases {
            assert_eq!(code_and_detail(&AppError::from(err)).0, code.as_str());
        }
    }
}
