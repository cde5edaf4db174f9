//! End-to-end no-op jobs: `POST /v1/jobs` → worker claim → upstream call → finish, against a
//! local upstream that answers 200 at once. Prints figures; asserts nothing.
//!
//!   cargo bench -p orchd --bench jobs [-- JOBS CONCURRENCY [postgres]]
//!
//! 1. Throughput: JOBS jobs enqueued by 16 concurrent HTTP clients as fast as they go; jobs/s
//!    from the first enqueue until every job is `succeeded` (the upstream counts its calls,
//!    then the store is checked: nothing queued or running, every job succeeded).
//! 2. Latency: 500 jobs/s paced for 5 s; per job, from just before the enqueue request is
//!    sent to the upstream receiving the call that carries the job id as `Idempotency-Key`
//!    (the job is marked succeeded just after that), with the server-side breakdown read
//!    back from the store (job created, run claimed, job finished).
//!
//! orchd runs in-process with CONCURRENCY worker slots on the embedded backend (SQLite in a
//! temp dir), or with `postgres` on a fresh database at `ORCH_TEST_POSTGRES_URL` (default
//! `postgres://root@127.0.0.1:5432/test`) and Redis at `redis://127.0.0.1:6379`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

use orch_core::units::HumanDuration;
use orchd::jobs::{JobQuery, JobStatus};
use orchd::settings::{ConnectionUrl, Settings, WorkerSettings};
use orchd::startup::Application;
use orchd::store::Store;
use serde_json::{Value, json};
use sqlx::Executor;
use time::OffsetDateTime;
use uuid::Uuid;

const ENQUEUE_CLIENTS: usize = 16;
const PACED_RATE: u64 = 500;
const PACED_SECONDS: u64 = 5;
const TENANT: &str = "acme";

/// The upstream: counts calls and notes when each job's call arrived.
#[derive(Default)]
struct Upstream {
    hits: AtomicUsize,
    received: Mutex<HashMap<Uuid, OffsetDateTime>>,
}

async fn noop(
    axum::extract::State(up): axum::extract::State<Arc<Upstream>>,
    headers: axum::http::HeaderMap,
) -> axum::Json<Value> {
    let at = OffsetDateTime::now_utc();
    if let Some(id) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Uuid::parse_str(v).ok())
        && let Ok(mut received) = up.received.lock()
    {
        received.insert(id, at);
    }
    up.hits.fetch_add(1, Ordering::Relaxed);
    axum::Json(json!({"ok": true}))
}

fn ms(d: time::Duration) -> f64 {
    d.as_seconds_f64() * 1e3
}

/// p50 / p95 / p99 of `v` (sorted here), in ms.
fn pcts(v: &mut [f64]) -> [f64; 3] {
    v.sort_by(f64::total_cmp);
    [0.50, 0.95, 0.99].map(|p| {
        if v.is_empty() {
            return 0.0;
        }
        v[((v.len() as f64 - 1.0) * p).round() as usize]
    })
}

/// A job's request; the connector's policy makes one attempt and so does the job.
fn enqueue_request(client: &reqwest::Client, url: &str, token: &str) -> reqwest::RequestBuilder {
    client
        .post(url)
        .bearer_auth(token)
        .json(&json!({"connector": "noop", "operation": "ping", "max_attempts": 1}))
}

async fn enqueue_one(client: &reqwest::Client, url: &str, token: &str) -> Option<Uuid> {
    let r = enqueue_request(client, url, token).send().await.ok()?;
    if !r.status().is_success() {
        return None;
    }
    let body: Value = r.json().await.ok()?;
    body["id"].as_str().and_then(|s| Uuid::parse_str(s).ok())
}

/// True when the tenant has no job queued or running.
async fn drained(store: &Arc<dyn Store>) -> anyhow::Result<bool> {
    for status in [JobStatus::Queued, JobStatus::Running] {
        let q = JobQuery {
            tenant: Some(TENANT.to_owned()),
            status: Some(status),
            limit: 1,
            ..JobQuery::default()
        };
        if !store.list_jobs(&q).await?.is_empty() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// How many of the tenant's jobs have `status` (pages through them).
async fn count(store: &Arc<dyn Store>, status: JobStatus) -> anyhow::Result<usize> {
    let mut n = 0;
    let mut before = None;
    loop {
        let page = store
            .list_jobs(&JobQuery {
                tenant: Some(TENANT.to_owned()),
                status: Some(status),
                before,
                limit: orch_core::api::list::MAX_LIMIT,
                ..JobQuery::default()
            })
            .await?;
        n += page.len();
        match page.last() {
            Some(last) if page.len() == orch_core::api::list::MAX_LIMIT as usize => {
                before = Some(last.id);
            }
            _ => return Ok(n),
        }
    }
}

/// Waits until the upstream saw `expected` calls and the store holds nothing queued or
/// running (checked at least every second, so jobs that never reach the upstream do not
/// hang the bench).
async fn wait_done(up: &Upstream, store: &Arc<dyn Store>, expected: usize) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(900);
    let mut checked = Instant::now();
    while Instant::now() < deadline {
        if up.hits.load(Ordering::Relaxed) >= expected || checked.elapsed() > Duration::from_secs(1)
        {
            checked = Instant::now();
            if drained(store).await? {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    println!("gave up waiting for the jobs to finish");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with('-')).collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let concurrency: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50);
    let postgres = args.iter().skip(1).any(|a| a == "postgres");

    let up = Arc::new(Upstream::default());
    let upstream = axum::Router::new()
        .route("/noop", axum::routing::post(noop))
        .with_state(up.clone());
    let up_addr = common::serve_upstream(upstream).await?;

    let dir = tempfile::tempdir()?;
    let mut settings = Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.path().to_owned(),
        worker: WorkerSettings {
            concurrency,
            poll_interval: HumanDuration(Duration::from_millis(50)),
            ..WorkerSettings::default()
        },
        shutdown_grace: HumanDuration(Duration::from_secs(5)),
        ..Settings::default()
    };
    let mut pg = None;
    if postgres {
        let (url, admin, name) = common::fresh_postgres().await?;
        settings.database_url = Some(ConnectionUrl::new(url));
        settings.redis_url = Some(ConnectionUrl::new("redis://127.0.0.1:6379"));
        settings.redis_prefix = format!("orch_bench_{}:", Uuid::new_v4().simple());
        pg = Some((admin, name));
    }
    let app = Application::build(settings).await?;
    let addr = app.local_addr();
    let store = app.state().store.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stop_rx.await;
    }));
    let base = format!("http://{addr}");
    let http = reqwest::Client::new();

    let doc = format!(
        "tenant: {TENANT}\npolicies:\n  bench:\n    retry: {{ max_attempts: 1 }}\nconnectors:\n  noop:\n    base_url: http://{up_addr}\n    policy: bench\n    operations:\n      ping: {{ method: POST, path: /noop }}\n"
    );
    let token = Arc::new(
        common::tenant_token(
            &http,
            &base,
            dir.path(),
            TENANT,
            &doc,
            &["jobs:write", "jobs:read"],
        )
        .await?,
    );
    let url = Arc::new(format!("{base}/v1/jobs"));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(ENQUEUE_CLIENTS * 4)
        .build()?;

    println!(
        "orch jobs benchmark: {n} no-op jobs, {concurrency} worker slots, {ENQUEUE_CLIENTS} enqueue clients, {} backend",
        if postgres {
            "postgres+redis"
        } else {
            "embedded (sqlite)"
        }
    );

    // 1. Throughput.
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..ENQUEUE_CLIENTS {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        let (next, errors) = (next.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                if enqueue_one(&client, &url, &token).await.is_none() {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let enqueued_in = started.elapsed();
    let done_at_enqueue_end = up.hits.load(Ordering::Relaxed);
    let errors = errors.load(Ordering::Relaxed);
    let accepted = n - errors;
    wait_done(&up, &store, accepted).await?;
    let total = started.elapsed();
    let hits = up.hits.load(Ordering::Relaxed);
    let drain = total.saturating_sub(enqueued_in);
    println!(
        "enqueue (POST /v1/jobs)      {:>8.0} jobs/s   ({accepted} in {:.2} s, {errors} errors; {done_at_enqueue_end} already run by then)",
        accepted as f64 / enqueued_in.as_secs_f64(),
        enqueued_in.as_secs_f64()
    );
    println!(
        "end to end (to succeeded)    {:>8.0} jobs/s   ({hits} upstream calls in {:.2} s; backlog drained after enqueue at {:.0} jobs/s)",
        hits as f64 / total.as_secs_f64(),
        total.as_secs_f64(),
        (hits - done_at_enqueue_end) as f64 / drain.as_secs_f64().max(1e-9)
    );
    let (succeeded, dead) = (
        count(&store, JobStatus::Succeeded).await?,
        count(&store, JobStatus::Dead).await?,
    );
    println!("store check                  {succeeded} succeeded, {dead} dead");

    // 2. Latency at a paced rate.
    let sent_total = (PACED_RATE * PACED_SECONDS) as usize;
    let hits_before = up.hits.load(Ordering::Relaxed);
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / PACED_RATE));
    let mut paced = tokio::task::JoinSet::new();
    let started = Instant::now();
    for _ in 0..sent_total {
        tick.tick().await;
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        paced.spawn(async move {
            let sent = OffsetDateTime::now_utc();
            let t = Instant::now();
            let id = enqueue_one(&client, &url, &token).await;
            (id, sent, t.elapsed())
        });
    }
    let pacing = started.elapsed();
    let mut sent = Vec::new();
    let mut http_ms = Vec::new();
    while let Some(r) = paced.join_next().await {
        let (id, at, took) = r?;
        if let Some(id) = id {
            sent.push((id, at));
            http_ms.push(took.as_secs_f64() * 1e3);
        }
    }
    wait_done(&up, &store, hits_before + sent.len()).await?;
    let received = up
        .received
        .lock()
        .map_err(|_| anyhow::anyhow!("the upstream's record was poisoned"))?
        .clone();
    let (mut to_upstream, mut to_created, mut to_claimed, mut to_call, mut to_finished) =
        (vec![], vec![], vec![], vec![], vec![]);
    for (id, at) in &sent {
        let Some(got) = received.get(id) else {
            continue;
        };
        to_upstream.push(ms(*got - *at));
        let (Ok(Some(job)), Ok(runs)) = (store.get_job(*id).await, store.job_runs(*id).await)
        else {
            continue;
        };
        let (Some(run), Some(finished)) = (runs.first(), job.finished_at) else {
            continue;
        };
        to_created.push(ms(job.created_at - *at));
        to_claimed.push(ms(run.started_at - job.created_at));
        to_call.push(ms(*got - run.started_at));
        to_finished.push(ms(finished - *got));
    }
    let [p50, p95, p99] = pcts(&mut to_upstream);
    let [h50, _, h99] = pcts(&mut http_ms);
    println!(
        "paced {PACED_RATE}/s for {:.1} s          enqueue→upstream receipt p50 {p50:>7.1} ms   p95 {p95:>7.1} ms   p99 {p99:>7.1} ms   ({} of {sent_total} jobs; POST /v1/jobs p50 {h50:.1} ms p99 {h99:.1} ms)",
        pacing.as_secs_f64(),
        to_upstream.len()
    );
    let p = |v: &mut Vec<f64>| {
        let [a, _, c] = pcts(v);
        format!("{a:.1}/{c:.1}")
    };
    println!(
        "  breakdown p50/p99 ms: send→row created {}, created→claimed {}, claimed→upstream {}, upstream→succeeded {}",
        p(&mut to_created),
        p(&mut to_claimed),
        p(&mut to_call),
        p(&mut to_finished)
    );

    let _ = stop_tx.send(());
    let _ = server.await;
    if let Some((admin, name)) = pg {
        let admin = sqlx::PgPool::connect(&admin).await?;
        let _ = admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .await;
        admin.close().await;
    }
    Ok(())
}
