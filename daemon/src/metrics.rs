//! Prometheus metrics (`GET /metrics` on every node). Names and labels are the contract of
//! `API.md`; labels use route templates, never raw paths or ids. Durations are histograms
//! with explicit buckets.

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{Unit, describe_counter, describe_gauge, describe_histogram, gauge};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Seconds buckets for request, call and job durations.
const DURATION_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

pub const QUEUES: [&str; 4] = ["webhook", "critical", "default", "low"];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once and returns its handle (`None` if another
/// recorder was installed first, e.g. by an embedding program).
pub fn install() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &DURATION_BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            Some(handle)
        })
        .clone()
}

fn describe() {
    describe_counter!(
        "orch_http_requests_total",
        "API requests by route template, method and status"
    );
    describe_histogram!(
        "orch_http_request_duration_seconds",
        Unit::Seconds,
        "API request latency"
    );
    describe_counter!(
        "orch_connector_calls_total",
        "Connector calls by outcome (a call may take several attempts)"
    );
    describe_histogram!(
        "orch_connector_call_duration_seconds",
        Unit::Seconds,
        "Connector call duration, all attempts"
    );
    describe_counter!(
        "orch_connector_timeouts_total",
        "Connector timeouts by kind: connect, read, total"
    );
    describe_counter!("orch_connector_retries_total", "Connector retries");
    describe_gauge!(
        "orch_circuit_breaker_state",
        "Circuit breaker state: 0 closed, 1 open, 2 half-open"
    );
    describe_counter!(
        "orch_rate_limit_dropped_total",
        "Calls refused by a rate limit"
    );
    describe_gauge!("orch_queue_depth", "Queued jobs per queue");
    describe_gauge!(
        "orch_queue_oldest_age_seconds",
        "Age of the oldest queued job per queue"
    );
    describe_gauge!("orch_dlq_depth", "Dead jobs per queue");
    describe_counter!(
        "orch_jobs_total",
        "Finished job attempts by queue and outcome"
    );
    describe_histogram!(
        "orch_job_duration_seconds",
        Unit::Seconds,
        "Job attempt duration"
    );
    describe_counter!(
        "orch_dispatch_rebuilds_total",
        "Times dispatch was rebuilt from the database (start-up, Redis loss)"
    );
    describe_counter!(
        "orch_webhooks_total",
        "Webhooks received by provider, tenant and outcome"
    );
    describe_counter!(
        "orch_quota_exceeded_total",
        "Enqueues and webhooks refused by a tenant quota: max_queued_jobs or enqueue_rate"
    );
    // Queue gauges exist for every queue from start-up.
    for queue in QUEUES {
        gauge!("orch_queue_depth", "queue" => queue).set(0.0);
        gauge!("orch_queue_oldest_age_seconds", "queue" => queue).set(0.0);
        gauge!("orch_dlq_depth", "queue" => queue).set(0.0);
    }
}

/// Keeps histograms' windows moving; run in the background.
pub async fn upkeep(handle: PrometheusHandle, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tick.tick() => handle.run_upkeep(),
        }
    }
}
