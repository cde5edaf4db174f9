//! Readiness: can this node serve? Storage reachable, schema current, Redis reachable
//! (when configured). Each part is checked concurrently with its own deadline.

use std::future::Future;
use std::time::{Duration, Instant};

use orch_core::api::health::{Readiness, ReadinessCheck};

use crate::redis::RedisClient;
use crate::store::Store;

/// How long one check may take before the part counts as down.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn check(store: &dyn Store, redis: Option<&RedisClient>) -> Readiness {
    let storage = timed("storage", async {
        store.ping().await.map_err(|e| e.to_string())
    });
    let migrations = timed("migrations", async {
        let status = store.migration_status().await.map_err(|e| e.to_string())?;
        if status.is_current() {
            Ok(())
        } else if !status.modified.is_empty() {
            Err(format!(
                "applied migrations were modified: {:?}",
                status.modified
            ))
        } else {
            Err(format!("pending migrations: {:?}", status.pending))
        }
    });
    let redis_check = async {
        match redis {
            Some(r) => {
                Some(timed("redis", async { r.ping().await.map_err(|e| e.to_string()) }).await)
            }
            None => None,
        }
    };
    let (storage, migrations, redis_check) = tokio::join!(storage, migrations, redis_check);
    let mut checks = vec![storage, migrations];
    checks.extend(redis_check);
    let report = Readiness::from_checks(checks);
    tracing::debug!(status = %report.status, checks = ?report.checks, "readiness checked");
    report
}

async fn timed(name: &str, check: impl Future<Output = Result<(), String>>) -> ReadinessCheck {
    let started = Instant::now();
    let outcome = match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {} ms", CHECK_TIMEOUT.as_millis())),
    };
    ReadinessCheck {
        name: name.to_owned(),
        ok: outcome.is_ok(),
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        error: outcome.err(),
    }
}
