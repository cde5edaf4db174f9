//! `/v1/execute` throughput and added latency, against a local upstream, compared in the
//! same run with calling that upstream directly. Prints figures; asserts nothing.
//!
//!   cargo bench -p orchd --bench execute [-- SECONDS CONCURRENCY]
//!
//! orchd runs in-process on the embedded backend (SQLite in a temp dir) with JSON logs off.

use std::time::{Duration, Instant};

mod common;

use orchd::settings::Settings;
use orchd::startup::Application;
use serde_json::json;

struct Figures {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Figures {
    fn pct(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i]
    }

    fn print(&self, name: &str) {
        println!(
            "{name:<28} {:>8.0} req/s   p50 {:>7.3} ms   p95 {:>7.3} ms   p99 {:>7.3} ms   errors {}",
            self.requests as f64 / self.elapsed.as_secs_f64(),
            self.pct(0.50).as_secs_f64() * 1e3,
            self.pct(0.95).as_secs_f64() * 1e3,
            self.pct(0.99).as_secs_f64() * 1e3,
            self.errors
        );
    }
}

/// Runs `concurrency` loops for `duration`, each sending the request `make` builds.
async fn load<F>(duration: Duration, concurrency: usize, make: F) -> anyhow::Result<Figures>
where
    F: Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + Clone + 'static,
{
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, make) = (client.clone(), make.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            while started.elapsed() < duration {
                let t = Instant::now();
                match make(&client).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut figures = Figures {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
    };
    for t in tasks {
        let (l, e) = t.await?;
        figures.errors += e;
        figures.latencies.extend(l);
    }
    figures.elapsed = started.elapsed();
    figures.requests = figures.latencies.len();
    figures.latencies.sort();
    Ok(figures)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with('-')).collect();
    let seconds: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let concurrency: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(16);
    let duration = Duration::from_secs(seconds);

    // The upstream: a tiny JSON endpoint.
    let upstream = axum::Router::new().route(
        "/v1/customers/{id}",
        axum::routing::get(
            |axum::extract::Path(id): axum::extract::Path<String>| async move {
                axum::Json(json!({"id": id, "object": "customer"}))
            },
        ),
    );
    let up_addr = common::serve_upstream(upstream).await?;

    let dir = tempfile::tempdir()?;
    let settings = Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.path().to_owned(),
        ..Settings::default()
    };
    let app = Application::build(settings).await?;
    let addr = app.local_addr();
    tokio::spawn(app.run_until(std::future::pending()));
    let base = format!("http://{addr}");
    let http = reqwest::Client::new();

    let doc = format!(
        "tenant: acme\nconnectors:\n  stripe:\n    base_url: http://{up_addr}\n    operations:\n      get_customer: {{ method: GET, path: \"/v1/customers/{{id}}\" }}\n"
    );
    let token = common::tenant_token(&http, &base, dir.path(), "acme", &doc, &["execute"]).await?;

    println!(
        "orch /v1/execute benchmark: {seconds} s per run, {concurrency} concurrent clients, embedded backend"
    );
    let direct_url = format!("http://{up_addr}/v1/customers/cus_1");
    let direct = load(duration, concurrency, move |c| c.get(&direct_url)).await?;
    direct.print("upstream directly");
    let execute_url = format!("{base}/v1/execute");
    let body =
        json!({"connector": "stripe", "operation": "get_customer", "params": {"id": "cus_1"}});
    let through = load(duration, concurrency, move |c| {
        c.post(&execute_url).bearer_auth(&token).json(&body)
    })
    .await?;
    through.print("through /v1/execute");
    println!(
        "added latency: p50 {:.3} ms, p95 {:.3} ms",
        (through.pct(0.5).as_secs_f64() - direct.pct(0.5).as_secs_f64()) * 1e3,
        (through.pct(0.95).as_secs_f64() - direct.pct(0.95).as_secs_f64()) * 1e3
    );
    Ok(())
}
