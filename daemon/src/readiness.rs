//! Readiness: can this node serve? Storage reachable, schema current, Redis reachable
//! (when configured). Each part is checked concurrently with its own deadline.
//!
//! `/readyz` is unauthenticated, so a failed check says only a short, fixed reason
//! (`unavailable`, `timeout`, `migrations pending`, …). Driver errors can carry host names,
//! ports, database and user names, so the detail is returned apart from the report, for
//! the log, never for the response.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use orch_core::api::health::{Readiness, ReadinessCheck};

use crate::redis::RedisClient;
use crate::store::Store;

/// How long one check may take before the part counts as down.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The reason a dependency could not be reached.
pub const UNAVAILABLE: &str = "unavailable";
/// The reason a check did not answer within [`CHECK_TIMEOUT`].
pub const TIMEOUT: &str = "timeout";
pub const MIGRATIONS_PENDING: &str = "migrations pending";
pub const MIGRATIONS_MODIFIED: &str = "applied migrations modified";

/// Why a part is not ready: the public reason and the detail for the log.
struct Failure {
    reason: &'static str,
    detail: String,
}

impl Failure {
    fn unavailable(err: impl std::fmt::Display) -> Self {
        Self {
            reason: UNAVAILABLE,
            detail: err.to_string(),
        }
    }
}

/// The report and the detail of each failed part by name: for the log (`/readyz`) and the
/// operator's terminal (`orchd check`), never for the response. The detail may name hosts,
/// ports, databases and users.
pub async fn check_with_details(
    store: &dyn Store,
    redis: Option<&RedisClient>,
) -> (Readiness, BTreeMap<String, String>) {
    let storage = timed("storage", async {
        store.ping().await.map_err(Failure::unavailable)
    });
    let migrations = timed("migrations", async {
        let status = store
            .migration_status()
            .await
            .map_err(Failure::unavailable)?;
        if status.is_current() {
            Ok(())
        } else if !status.modified.is_empty() {
            Err(Failure {
                reason: MIGRATIONS_MODIFIED,
                detail: format!("applied migrations were modified: {:?}", status.modified),
            })
        } else {
            Err(Failure {
                reason: MIGRATIONS_PENDING,
                detail: format!("pending migrations: {:?}", status.pending),
            })
        }
    });
    let redis_check = async {
        match redis {
            Some(r) => Some(
                timed("redis", async {
                    r.ping().await.map_err(Failure::unavailable)
                })
                .await,
            ),
            None => None,
        }
    };
    let (storage, migrations, redis_check) = tokio::join!(storage, migrations, redis_check);
    let mut checks = vec![storage, migrations];
    checks.extend(redis_check);
    let mut details = BTreeMap::new();
    let checks = checks
        .into_iter()
        .map(|(check, detail)| {
            if let Some(detail) = detail {
                details.insert(check.name.clone(), detail);
            }
            check
        })
        .collect();
    let report = Readiness::from_checks(checks);
    tracing::debug!(status = %report.status, checks = ?report.checks, "readiness checked");
    (report, details)
}

async fn timed(
    name: &'static str,
    check: impl Future<Output = Result<(), Failure>>,
) -> (ReadinessCheck, Option<String>) {
    let started = Instant::now();
    let outcome = match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(result) => result,
        Err(_) => Err(Failure {
            reason: TIMEOUT,
            detail: format!("no answer within {} ms", CHECK_TIMEOUT.as_millis()),
        }),
    };
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (error, detail) = match outcome {
        Ok(()) => (None, None),
        Err(f) => (Some(f.reason.to_owned()), Some(f.detail)),
    };
    let check = ReadinessCheck {
        name: name.to_owned(),
        ok: error.is_none(),
        latency_ms,
        error,
    };
    (check, detail)
}
