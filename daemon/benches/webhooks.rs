//! Webhook ingress throughput: accepted Stripe deliveries per second (verify + dedupe +
//! commit of inbox row and job + enqueue) at concurrency 32, next to the raw single-row
//! INSERT rate of the same database in the same run. Prints figures; asserts nothing.
//!
//!   cargo bench -p orchd --bench webhooks [-- EVENTS [sqlite|postgres]]
//!
//! Per backend (both unless one is named; Postgres with Redis dispatch, on a fresh database
//! at `ORCH_TEST_POSTGRES_URL`, default `postgres://root@127.0.0.1:5432/test`):
//! 1. `POST /webhooks/stripe/acme` over HTTP by 32 clients, each event a new id freshly
//!    signed (a 1.3 KB `invoice.paid`), orchd with the `api` role only (jobs stay queued);
//! 2. the same through the ingress service in-process (no HTTP), 32 tasks;
//! 3. raw single-row INSERTs of a same-sized row into a scratch table, 32 tasks on a pool of
//!    32 connections (autocommit, the backend's orchd settings: WAL + synchronous=NORMAL on
//!    SQLite); for Postgres also `pgbench -c 32` with a one-INSERT script when `pgbench` is
//!    on the PATH.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use orch_core::trace::TraceContext;
use orch_core::units::HumanDuration;
use orch_core::webhooks::stripe;
use orchd::settings::{ConnectionUrl, Roles, Settings};
use orchd::startup::Application;
use orchd::webhooks::ingress::Delivery;
use sqlx::Executor;
use uuid::Uuid;

// Shared with the other benches; this one needs no upstream.
#[allow(dead_code)]
mod common;

const CONCURRENCY: usize = 32;
const TENANT: &str = "acme";
const SECRET: &str = "whsec_bench_secret";
const EVENT: &str = include_str!("../../examples/stripe/invoice.paid.json");

/// The example event with a fresh id, compacted (about 1.3 KB).
fn event_body(id: &str) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_str(EVENT).unwrap_or_default();
    v["id"] = serde_json::Value::from(id);
    serde_json::to_vec(&v).unwrap_or_default()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Runs `n` jobs of `work(i)` on CONCURRENCY tasks; returns (ok count, elapsed).
async fn drive<F, Fut>(n: usize, work: F) -> (usize, Duration)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let work = Arc::new(work);
    let next = Arc::new(AtomicUsize::new(0));
    let ok = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (work, next, ok) = (work.clone(), next.clone(), ok.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                if work(i).await {
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    (ok.load(Ordering::Relaxed), started.elapsed())
}

fn line(what: &str, ok: usize, n: usize, took: Duration) {
    println!(
        "  {what:<44} {:>8.0} /s   ({ok} of {n} in {:.2} s)",
        ok as f64 / took.as_secs_f64().max(1e-9),
        took.as_secs_f64()
    );
}

async fn bench(n: usize, postgres: bool) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("whsec"), SECRET)?;
    let mut settings = Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.path().to_owned(),
        roles: Roles {
            api: true,
            worker: false,
            reconciler: false,
        },
        shutdown_grace: HumanDuration(Duration::from_secs(5)),
        ..Settings::default()
    };
    settings.storage.max_connections = CONCURRENCY as u32;
    let mut pg = None;
    if postgres {
        let (url, admin, name) = common::fresh_postgres().await?;
        settings.database_url = Some(ConnectionUrl::new(url.clone()));
        settings.redis_url = Some(ConnectionUrl::new("redis://127.0.0.1:6379"));
        settings.redis_prefix = format!("orch_bench_{}:", Uuid::new_v4().simple());
        pg = Some((admin, name, url));
    }
    let db_url = settings.effective_database_url();
    let app = Application::build(settings).await?;
    let addr = app.local_addr();
    let state = app.state().clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stop_rx.await;
    }));
    let base = format!("http://{addr}");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY * 2)
        .build()?;
    let doc = format!(
        "tenant: {TENANT}\nwebhooks:\n  stripe:\n    signing_secrets: [\"file:{}\"]\n",
        dir.path().join("whsec").display()
    );
    common::tenant_token(&http, &base, dir.path(), TENANT, &doc, &["jobs:read"]).await?;
    println!(
        "{} backend, {n} events per run, concurrency {CONCURRENCY}:",
        if postgres {
            "postgres+redis"
        } else {
            "embedded sqlite"
        }
    );

    // 1. Over HTTP.
    let url = Arc::new(format!("{base}/webhooks/stripe/{TENANT}"));
    let run = Uuid::new_v4().simple().to_string();
    let client = http.clone();
    let (ok, took) = drive(n, move |i| {
        let (client, url) = (client.clone(), url.clone());
        let body = event_body(&format!("evt_http_{run}_{i}"));
        async move {
            let sig = stripe::sign(SECRET.as_bytes(), now(), &body);
            client
                .post(url.as_str())
                .header("content-type", "application/json")
                .header(stripe::HEADER, sig)
                .body(body)
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
        }
    })
    .await;
    line("accepted webhooks, HTTP (POST /webhooks/…)", ok, n, took);

    // 2. The ingress service in-process.
    let ingress = state.ingress.clone();
    let run = Uuid::new_v4().simple().to_string();
    let (ok, took) = drive(n, move |i| {
        let ingress = ingress.clone();
        let body = event_body(&format!("evt_svc_{run}_{i}"));
        async move {
            let sig = stripe::sign(SECRET.as_bytes(), now(), &body);
            let trace = TraceContext::new_root();
            ingress
                .receive_stripe(&Delivery {
                    tenant: TENANT,
                    signature: Some(&sig),
                    headers: &[
                        ("content-type", "application/json"),
                        ("stripe-signature", &sig),
                    ],
                    body: &body,
                    request_id: "bench",
                    trace: &trace,
                })
                .await
                .is_ok_and(|r| !r.duplicate)
        }
    })
    .await;
    line("accepted webhooks, in-process ingress", ok, n, took);
    let _ = stop_tx.send(());
    let _ = server.await;

    // 3. Raw single-row INSERTs into the same database.
    let row = event_body("evt_raw");
    if let Some((admin, name, url)) = &pg {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(CONCURRENCY as u32)
            .connect(url)
            .await?;
        pool.execute("CREATE TABLE bench_raw (id uuid PRIMARY KEY, body bytea NOT NULL)")
            .await?;
        let p = pool.clone();
        let (ok, took) = drive(n, move |_| {
            let (p, row) = (p.clone(), row.clone());
            async move {
                sqlx::query("INSERT INTO bench_raw (id, body) VALUES ($1, $2)")
                    .bind(Uuid::now_v7())
                    .bind(row)
                    .execute(&p)
                    .await
                    .is_ok()
            }
        })
        .await;
        line("raw single-row INSERT, sqlx", ok, n, took);
        pool.close().await;
        pgbench(url, &event_body("evt_pgbench"));
        let admin = sqlx::PgPool::connect(admin).await?;
        let _ = admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .await;
        admin.close().await;
    } else {
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(db_url.expose())?
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10));
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(CONCURRENCY as u32)
            .connect_with(options)
            .await?;
        pool.execute("CREATE TABLE bench_raw (id TEXT PRIMARY KEY, body BLOB NOT NULL)")
            .await?;
        let p = pool.clone();
        let (ok, took) = drive(n, move |_| {
            let (p, row) = (p.clone(), row.clone());
            async move {
                sqlx::query("INSERT INTO bench_raw (id, body) VALUES (?, ?)")
                    .bind(Uuid::now_v7().to_string())
                    .bind(row)
                    .execute(&p)
                    .await
                    .is_ok()
            }
        })
        .await;
        line("raw single-row INSERT, sqlx", ok, n, took);
        pool.close().await;
    }
    Ok(())
}

/// `pgbench -c 32` for 5 s with a one-INSERT script, if pgbench is installed.
fn pgbench(url: &str, row: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let script = dir.path().join("insert.sql");
    let sql = format!(
        "INSERT INTO bench_raw (id, body) VALUES (gen_random_uuid(), '\\x{}'::bytea);\n",
        hex::encode(row)
    );
    if std::fs::write(&script, sql).is_err() {
        return;
    }
    // pgbench takes a libpq URL without our search_path options.
    let url = url.split('?').next().unwrap_or(url);
    let out = std::process::Command::new("pgbench")
        .args(["-n", "-c", "32", "-j", "2", "-T", "5", "-f"])
        .arg(&script)
        .arg(url)
        .output();
    match out {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let tps = text
                .lines()
                .find(|l| l.starts_with("tps"))
                .unwrap_or("no tps line");
            println!(
                "  {:<44} {tps}",
                "raw single-row INSERT, pgbench -c 32 -T 5"
            );
        }
        Ok(out) => println!(
            "  pgbench failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(_) => println!("  pgbench is not installed; skipped"),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with('-')).collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let only = args
        .iter()
        .skip(1)
        .find(|a| *a == "sqlite" || *a == "postgres");
    println!("orch webhook ingress benchmark");
    if only.is_none_or(|a| a == "sqlite") {
        bench(n, false).await?;
    }
    if only.is_none_or(|a| a == "postgres") {
        bench(n, true).await?;
    }
    Ok(())
}
