//! The one application error type: everything a handler can fail with becomes an
//! RFC 9457 `application/problem+json` response carrying the stable `code`, the request id
//! and the trace id. Internal causes are logged once, never sent to the caller.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use orch_core::problem::{ErrorCode, PROBLEM_CONTENT_TYPE, Problem};
use serde_json::{Map, Value};

use super::context;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A client-facing problem with its code, detail and code-specific members.
    #[error("{code}: {detail}")]
    Problem {
        code: ErrorCode,
        detail: String,
        extensions: Map<String, Value>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bug or an unexpected failure; the message is logged, not returned.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Problem {
            code,
            detail: detail.into(),
            extensions: Map::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let Self::Problem { extensions, .. } = &mut self {
            extensions.insert(key.to_owned(), value.into());
        }
        self
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, detail)
    }

    fn to_problem(&self) -> Problem {
        match self {
            AppError::Problem {
                code,
                detail,
                extensions,
            } => {
                let mut p = Problem::new(*code, detail.clone());
                for (k, v) in extensions {
                    p = p.with_extension(k, v.clone());
                }
                p
            }
            AppError::Store(StoreError::Unavailable(_)) => Problem::new(
                ErrorCode::StorageUnavailable,
                "storage is unavailable; retry later",
            ),
            AppError::Store(StoreError::NotFound) => {
                Problem::new(ErrorCode::NotFound, "no such resource")
            }
            AppError::Store(StoreError::Conflict(_)) => Problem::new(
                ErrorCode::Conflict,
                "the resource changed or already exists",
            ),
            AppError::Store(_) | AppError::Internal(_) => Problem::new(
                ErrorCode::Internal,
                "internal error; the request id locates it in the logs",
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut problem = self.to_problem();
        match &self {
            AppError::Problem { .. } => {}
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
        problem_response(&problem)
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
