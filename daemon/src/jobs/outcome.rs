//! What becomes of a job after one attempt: the decision is pure, so it is tested without a
//! worker, a store or an upstream.

use std::time::Duration;

use orch_core::config::model::Backoff;
use orch_core::policy::backoff;
use time::OffsetDateTime;

use super::{Finish, Next, RunOutcome};
use crate::executor::{Answer, ExecError};

/// How long a job waits for a concurrency slot before it looks again.
const CONCURRENCY_WAIT: Duration = Duration::from_millis(50);

/// The attempt being decided on.
pub struct AttemptContext {
    /// 1-based.
    pub attempt: i32,
    pub max_attempts: i32,
    pub backoff: Backoff,
    pub duration: Duration,
    pub now: OffsetDateTime,
    /// In `[0, 1)`, for the jitter.
    pub random: f64,
}

/// Decides the run's outcome and the job's next step from what the executor returned.
///
/// * 2xx/3xx → succeeded.
/// * 408, 429, 5xx, timeouts, unreachable upstreams and unavailable secrets are transient:
///   retried with backoff while attempts remain, then dead.
/// * Other 4xx and requests that cannot be built are permanent: dead at once.
/// * A rate limit, a full concurrency cap or an open breaker (before anything was sent)
///   throttle: the job waits and the attempt does not count.
pub fn decide(result: &Result<Answer, ExecError>, at: &AttemptContext) -> Finish {
    let duration_ms = i64::try_from(at.duration.as_millis()).unwrap_or(i64::MAX);
    let finish = |outcome: RunOutcome,
                  next: Next,
                  code: Option<&str>,
                  message: Option<String>,
                  status: Option<u16>| Finish {
        outcome,
        next,
        error_code: code.map(str::to_owned),
        error_message: message,
        upstream_status: status.map(i32::from),
        duration_ms,
    };
    let transient = |outcome: RunOutcome,
                     code: &str,
                     message: String,
                     status: Option<u16>,
                     wait: Option<Duration>| {
        let next = if at.attempt >= at.max_attempts {
            Next::Dead
        } else {
            let delay = retry_delay(at).max(wait.unwrap_or_default());
            Next::Retry {
                run_at: at.now + delay,
            }
        };
        finish(outcome, next, Some(code), Some(message), status)
    };
    let throttle = |outcome: RunOutcome, code: &str, message: String, wait: Duration| {
        // A little jitter so a throttled burst does not come back all at once.
        let wait = wait + wait.mul_f64(at.random * 0.2);
        finish(
            outcome,
            Next::Throttled {
                run_at: at.now + wait,
            },
            Some(code),
            Some(message),
            None,
        )
    };
    match result {
        Ok(answer) if answer.status < 400 => finish(
            RunOutcome::Succeeded,
            Next::Succeeded,
            None,
            None,
            Some(answer.status),
        ),
        Ok(answer) if answer.status == 408 || answer.status == 429 || answer.status >= 500 => {
            let wait = answer
                .headers
                .get("retry-after")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|s| Duration::from_secs(s.min(3600)));
            transient(
                RunOutcome::Failed,
                "upstream_error",
                format!("upstream answered {}", answer.status),
                Some(answer.status),
                wait,
            )
        }
        Ok(answer) => finish(
            RunOutcome::Failed,
            Next::Dead,
            Some("upstream_rejected"),
            Some(format!(
                "upstream answered {}; a client error is not retried",
                answer.status
            )),
            Some(answer.status),
        ),
        Err(ExecError::RateLimited { retry_after, .. }) => throttle(
            RunOutcome::Throttled,
            "rate_limited",
            "the tenant's rate limit is used up".to_owned(),
            *retry_after,
        ),
        Err(ExecError::ConcurrencyLimited { max }) => throttle(
            RunOutcome::Throttled,
            "concurrency_limited",
            format!("{max} calls already in flight"),
            CONCURRENCY_WAIT,
        ),
        Err(ExecError::CircuitOpen {
            retry_after,
            attempts: 0,
        }) => throttle(
            RunOutcome::Throttled,
            "circuit_open",
            "the circuit breaker is open".to_owned(),
            *retry_after,
        ),
        Err(err @ ExecError::CircuitOpen { retry_after, .. }) => transient(
            RunOutcome::Failed,
            "circuit_open",
            err.to_string(),
            None,
            Some(*retry_after),
        ),
        Err(err @ ExecError::Timeout { .. }) => {
            transient(RunOutcome::Timeout, "timeout", err.to_string(), None, None)
        }
        Err(err @ ExecError::Unreachable { .. }) => transient(
            RunOutcome::Failed,
            "upstream_unreachable",
            err.to_string(),
            None,
            None,
        ),
        Err(err @ ExecError::SecretUnavailable { .. }) => transient(
            RunOutcome::Failed,
            "secret_unavailable",
            err.to_string(),
            None,
            None,
        ),
        Err(err @ ExecError::UnknownConnector(_)) => finish(
            RunOutcome::Failed,
            Next::Dead,
            Some("unknown_connector"),
            Some(err.to_string()),
            None,
        ),
        Err(err @ ExecError::UnknownOperation { .. }) => finish(
            RunOutcome::Failed,
            Next::Dead,
            Some("unknown_operation"),
            Some(err.to_string()),
            None,
        ),
        // The same upstream would answer the same size again: not retried.
        Err(err @ ExecError::ResponseTooLarge { .. }) => finish(
            RunOutcome::Failed,
            Next::Dead,
            Some("upstream_response_too_large"),
            Some(err.to_string()),
            None,
        ),
        Err(err @ ExecError::BadRequest { .. }) => finish(
            RunOutcome::Failed,
            Next::Dead,
            Some("validation_failed"),
            Some(err.to_string()),
            None,
        ),
    }
}

/// The wait before the next attempt: the connector policy's backoff, equal jitter so a
/// retry never comes back immediately.
fn retry_delay(at: &AttemptContext) -> Duration {
    let base = Duration::from_millis(at.backoff.base_ms.max(1));
    let max = Duration::from_millis(at.backoff.max_ms.max(at.backoff.base_ms).max(1));
    backoff::delay(
        u32::try_from(at.attempt).unwrap_or(1),
        base,
        max,
        orch_core::config::model::Jitter::Equal,
        base,
        at.random,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::Value;

    use super::*;
    use crate::executor::TimeoutKind;

    fn ctx(attempt: i32, max_attempts: i32) -> AttemptContext {
        AttemptContext {
            attempt,
            max_attempts,
            backoff: Backoff {
                base_ms: 1_000,
                max_ms: 60_000,
                jitter: orch_core::config::model::Jitter::Full,
            },
            duration: Duration::from_millis(7),
            now: OffsetDateTime::UNIX_EPOCH,
            random: 0.5,
        }
    }

    fn answer(status: u16, retry_after: Option<&str>) -> Result<Answer, ExecError> {
        let mut headers = BTreeMap::new();
        if let Some(r) = retry_after {
            headers.insert("retry-after".to_owned(), r.to_owned());
        }
        Ok(Answer {
            status,
            headers,
            body: Value::Null,
            attempts: 1,
            duration: Duration::from_millis(7),
            attempt_log: Vec::new(),
        })
    }

    #[test]
    fn success_finishes_the_job() {
        let f = decide(&answer(201, None), &ctx(1, 3));
        assert_eq!((f.outcome.as_str(), f.next), ("succeeded", Next::Succeeded));
        assert_eq!(f.upstream_status, Some(201));
        assert_eq!(f.duration_ms, 7);
    }

    #[test]
    fn server_errors_retry_with_growing_backoff_then_die() {
        let first = decide(&answer(503, None), &ctx(1, 3));
        let second = decide(&answer(503, None), &ctx(2, 3));
        let (Next::Retry { run_at: a }, Next::Retry { run_at: b }) = (first.next, second.next)
        else {
            panic!("expected retries: {first:?} {second:?}");
        };
        // Equal jitter at 0.5: 750 ms after the first attempt, 1.5 s after the second.
        assert_eq!(
            a - OffsetDateTime::UNIX_EPOCH,
            time::Duration::milliseconds(750)
        );
        assert_eq!(
            b - OffsetDateTime::UNIX_EPOCH,
            time::Duration::milliseconds(1500)
        );
        let last = decide(&answer(503, None), &ctx(3, 3));
        assert_eq!(last.next, Next::Dead);
        assert_eq!(last.error_code.as_deref(), Some("upstream_error"));
        assert_eq!(last.upstream_status, Some(503));
    }

    #[test]
    fn retry_after_stretches_the_wait() {
        let f = decide(&answer(429, Some("30")), &ctx(1, 3));
        assert_eq!(
            f.next,
            Next::Retry {
                run_at: OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(30)
            }
        );
        assert!(matches!(
            decide(&answer(408, None), &ctx(1, 3)).next,
            Next::Retry { .. }
        ));
    }

    #[test]
    fn client_errors_and_bad_requests_die_at_once() {
        for status in [400, 401, 404, 422] {
            let f = decide(&answer(status, None), &ctx(1, 5));
            assert_eq!(f.next, Next::Dead, "{status}");
            assert_eq!(f.error_code.as_deref(), Some("upstream_rejected"));
        }
        let bad = Err(ExecError::BadRequest {
            field: "params.id".into(),
            message: "missing".into(),
        });
        let f = decide(&bad, &ctx(1, 5));
        assert_eq!(
            (f.next, f.error_code.as_deref()),
            (Next::Dead, Some("validation_failed"))
        );
    }

    #[test]
    fn rate_limits_and_open_breakers_throttle_without_using_an_attempt() {
        let limited = Err(ExecError::RateLimited {
            retry_after: Duration::from_millis(100),
            per_second: 20.0,
            burst: 20,
        });
        // Even on the last attempt: throttling never kills a job.
        let f = decide(&limited, &ctx(3, 3));
        assert_eq!(f.outcome, "throttled");
        assert_eq!(
            f.next,
            Next::Throttled {
                run_at: OffsetDateTime::UNIX_EPOCH + time::Duration::milliseconds(110)
            }
        );
        let open = Err(ExecError::CircuitOpen {
            retry_after: Duration::from_secs(5),
            attempts: 0,
        });
        assert!(matches!(
            decide(&open, &ctx(3, 3)).next,
            Next::Throttled { .. }
        ));
        let full = Err(ExecError::ConcurrencyLimited { max: 2 });
        assert!(matches!(
            decide(&full, &ctx(3, 3)).next,
            Next::Throttled { .. }
        ));
        // A breaker that opened after something was sent: that attempt counted.
        let opened_midway = Err(ExecError::CircuitOpen {
            retry_after: Duration::from_secs(5),
            attempts: 2,
        });
        assert_eq!(decide(&opened_midway, &ctx(3, 3)).next, Next::Dead);
    }

    #[test]
    fn timeouts_are_their_own_outcome() {
        let t = Err(ExecError::Timeout {
            kind: TimeoutKind::Total,
            attempts: 1,
            maybe_sent: true,
        });
        let f = decide(&t, &ctx(1, 2));
        assert_eq!(f.outcome, "timeout");
        assert!(matches!(f.next, Next::Retry { .. }));
    }
}
