//! A quota refusal as HTTP: 429 `quota_exceeded` with which quota (`quota`: `max_queued_jobs`
//! or `enqueue_rate`), its `limit`, the `allowance` (`api` or `webhooks`) and, for the rate,
//! `Retry-After`. Both `POST /v1/jobs` and the webhook ingress answer this way; 429 is also
//! a status Stripe retries.

use axum::http::header::RETRY_AFTER;
use orch_core::problem::ErrorCode;

use super::AppError;
use crate::quotas::QuotaError;

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
