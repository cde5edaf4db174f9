//! A worker process killed with `kill -9` mid-call: its lease runs out, the reconciler of
//! the next process hands the job back, and it runs again — the crashed attempt recorded,
//! nothing lost, no attempt number run twice.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use orchd::jobs::JobRecord;
use orchd::settings::ConnectionUrl;
use orchd::store::{self, Store, StoreOptions};
use serde_json::{Value, json};
use tempfile::TempDir;

use super::{Orchd, orchd_command};
use crate::helpers::http;
use crate::helpers::upstream::Upstream;

fn serve(cwd: &Path, settings: &Path) -> Orchd {
    let mut cmd = orchd_command(cwd);
    cmd.args([
        "--config",
        settings.to_str().unwrap(),
        "serve",
        "--listen",
        "127.0.0.1:0",
    ]);
    Orchd::spawn(cmd)
}

/// The bootstrap admin's token from a process serving at `addr` out of `cwd`.
async fn admin_token(addr: std::net::SocketAddr, cwd: &Path) -> String {
    let key = std::fs::read_to_string(cwd.join("orchd-data/bootstrap-admin.key"))
        .unwrap()
        .trim()
        .to_owned();
    let token: Value = http()
        .post(format!("http://{addr}/v1/auth/operator/token"))
        .json(&json!({"api_key": key}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["token"].as_str().unwrap().to_owned()
}

/// Applies and activates tenant `acme`'s config `doc`.
async fn activate(addr: std::net::SocketAddr, admin: &str, doc: &str) {
    let res = http()
        .post(format!("http://{addr}/v1/admin/tenants/acme/config"))
        .bearer_auth(admin)
        .json(&json!({"document": doc, "reason": "worker process test", "activate": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
}

/// Starts orchd in a fresh directory with `settings_yaml`, activates a config whose
/// operation `call` goes to `path` on `up`, and enqueues one job for it behind orchd's back.
async fn running_with_a_job(
    up: &Upstream,
    settings_yaml: &str,
    path: &str,
) -> (Orchd, TempDir, PathBuf, Arc<dyn Store>, JobRecord) {
    let cwd = tempfile::tempdir().unwrap();
    let settings = cwd.path().join("orchd.yaml");
    std::fs::write(&settings, settings_yaml).unwrap();
    let mut first = serve(cwd.path(), &settings);
    let addr = first.wait_listening(Duration::from_secs(20));
    let token = admin_token(addr, cwd.path()).await;
    let doc = format!(
        "tenant: acme\npolicies:\n  patient:\n    timeouts: {{ connect_ms: 1000, read_ms: 60000, total_ms: 60000 }}\n    retry: {{ max_attempts: 1 }}\nconnectors:\n  api:\n    base_url: {}\n    policy: patient\n    operations:\n      call: {{ method: POST, path: {path} }}\n",
        up.base_url()
    );
    activate(addr, &token, &doc).await;

    // Enqueue straight into the embedded database the process uses.
    let url = format!(
        "sqlite://{}",
        cwd.path().join("orchd-data/orchd.db").display()
    );
    let store = store::connect(&ConnectionUrl::new(url), &StoreOptions::default())
        .await
        .unwrap();
    let mut job = crate::conformance::jobs::job("acme", "default", None);
    job.connector = Some("api".into());
    job.operation = Some("call".into());
    job.params = Some(json!({}));
    job.max_attempts = 3;
    store.enqueue_job(&job).await.unwrap();
    (first, cwd, settings, store, job)
}

async fn wait_for_hits(up: &Upstream, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while up.hits(name) == 0 {
        assert!(Instant::now() < deadline, "the worker never called {name}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_job_is_reclaimed_and_runs_again() {
    let up = Upstream::start().await;
    let (mut first, cwd, settings, store, job) = running_with_a_job(
        &up,
        "worker:\n  lease: 1s\n  poll_interval: 50ms\n  reclaim_interval: 200ms\n",
        "/hang-once/k",
    )
    .await;
    // The first process takes the job and hangs in the call; then it dies.
    wait_for_hits(&up, "k").await;
    first.kill9();
    let killed_at = Instant::now();

    let mut second = serve(cwd.path(), &settings);
    second.wait_listening(Duration::from_secs(20));
    let deadline = Instant::now() + Duration::from_secs(20);
    let done = loop {
        let j = store.get_job(job.id).await.unwrap().unwrap();
        if j.status == "succeeded" || j.status == "dead" {
            break j;
        }
        assert!(
            Instant::now() < deadline,
            "job not finished after the kill: {j:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    eprintln!(
        "kill -9 → job done on the next process: {:?}",
        killed_at.elapsed()
    );
    assert_eq!(done.status, "succeeded");
    assert_eq!(done.attempts, 2);
    let runs = store.job_runs(job.id).await.unwrap();
    let outcomes: Vec<_> = runs
        .iter()
        .map(|r| {
            (
                r.attempt,
                r.outcome.map(|o| o.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![(1, "crashed".to_owned()), (2, "succeeded".to_owned())]
    );
    assert_ne!(
        runs[0].worker_id, runs[1].worker_id,
        "another process ran it"
    );
    assert_eq!(up.hits("k"), 2);
    // Both attempts carried the job's one idempotency key.
    assert_eq!(up.keys("k"), vec![job.id.to_string(); 2]);
    second.sigterm();
    assert!(second.wait_exit(Duration::from_secs(15)).success());
}

/// SIGTERM while a job hangs upstream: orchd waits `shutdown_grace` for it, then exits
/// cleanly and leaves the job to its lease (it runs again on the next start).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_forever_for_a_hanging_job() {
    let up = Upstream::start().await;
    let (first, _cwd, _settings, store, job) =
        running_with_a_job(&up, "shutdown_grace: 1s\nworker:\n  lease: 1s\n", "/hang").await;
    let mut first = first;
    wait_for_hits(&up, "hang").await;
    let began = Instant::now();
    first.sigterm();
    assert!(first.wait_exit(Duration::from_secs(10)).success());
    assert!(
        began.elapsed() < Duration::from_secs(8),
        "{:?}",
        began.elapsed()
    );
    let left = store.get_job(job.id).await.unwrap().unwrap();
    assert_eq!(left.status, "running", "left to its lease, not marked done");
}

/// 2,000 jobs over three orchd processes in distributed mode (Postgres + Redis), with
/// worker processes killed with `kill -9` several times mid-run and restarted. Afterwards
/// every job ended as its script says, none is lost, and no attempt of a job reached the
/// upstream twice (each attempt one run, one worker).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_jobs_survive_repeated_kill_9() {
    use futures_util::StreamExt;
    use sqlx::Row;

    let Some(db) = super::postgres::FreshDatabase::create().await else {
        return;
    };
    if !crate::helpers::service_available("Redis", &crate::helpers::redis_url()) {
        return;
    }
    let up = Upstream::start().await;
    let cwd = tempfile::tempdir().unwrap();
    let settings = cwd.path().join("orchd.yaml");
    std::fs::write(
        &settings,
        format!(
            "database_url: {}\nredis_url: {}\nredis_prefix: \"orch-test:{}:\"\nshutdown_grace: 1s\n\
             log:\n  level: \"warn,orchd::startup=info\"\nworker:\n  concurrency: 16\n  lease: 1s\n  poll_interval: 100ms\n  reclaim_interval: 250ms\n",
            db.url,
            crate::helpers::redis_url(),
            uuid::Uuid::new_v4().simple()
        ),
    )
    .unwrap();
    let mut api = serve(cwd.path(), &settings);
    let addr = api.wait_listening(Duration::from_secs(20));
    let client = http();
    let admin = admin_token(addr, cwd.path()).await;
    let doc = format!(
        "tenant: acme\npolicies:\n  once:\n    timeouts: {{ connect_ms: 1000, read_ms: 10000, total_ms: 10000 }}\n    retry: {{ max_attempts: 1, backoff: {{ base_ms: 50, max_ms: 200 }} }}\nconnectors:\n  api:\n    base_url: {}\n    policy: once\n    operations:\n      call: {{ method: POST, path: /job }}\n",
        up.base_url()
    );
    activate(addr, &admin, &doc).await;
    let created: Value = client
        .post(format!("http://{addr}/v1/admin/tenants/acme/clients"))
        .bearer_auth(&admin)
        .json(&json!({"name": "loader", "scopes": ["jobs:write"], "reason": "kill -9 test"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token: Value = client
        .post(format!("http://{addr}/v1/auth/token"))
        .json(&json!({
            "grant_type": "client_credentials",
            "client_id": created["client"]["client_id"],
            "client_secret": created["client_secret"],
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();

    // Two more worker processes on the same database and Redis.
    let mut workers: Vec<Orchd> = (0..2)
        .map(|_| {
            let mut w = serve(cwd.path(), &settings);
            w.wait_listening(Duration::from_secs(20));
            w
        })
        .collect();

    // Enqueue 2,000 jobs through the API process: 1 in 10 rejected (dead at once), 1 in 10
    // flaky (fails its first attempt), the rest succeed.
    const JOBS: usize = 2_000;
    let script = |i: usize| match i % 10 {
        0 => "reject",
        1 => "flaky",
        _ => "ok",
    };
    let enqueue = futures_util::stream::iter(0..JOBS)
        .map(|i| {
            let (client, token) = (client.clone(), token.clone());
            async move {
                let res = client
                    .post(format!("http://{addr}/v1/jobs"))
                    .bearer_auth(&token)
                    .json(
                        &json!({"queue": "default", "connector": "api", "operation": "call",
                        "max_attempts": 5, "payload": {"script": script(i)}}),
                    )
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>();

    // Meanwhile kill -9 a worker process every 700 ms, five times, restarting it each time.
    let kills = async {
        let mut killed = 0;
        while killed < 5 {
            tokio::time::sleep(Duration::from_millis(700)).await;
            let victim = &mut workers[killed % 2];
            victim.kill9();
            killed += 1;
            *victim = serve(cwd.path(), &settings);
            victim.wait_listening(Duration::from_secs(20));
        }
        killed
    };
    let (_, killed) = tokio::join!(enqueue, kills);
    assert_eq!(killed, 5);

    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let open: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM jobs WHERE status NOT IN ('succeeded', 'dead')",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if open == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{open} jobs never finished");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every job ended as its script says.
    let rows = sqlx::query(
        "SELECT payload->>'script' AS script, status, count(*) AS n FROM jobs GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let outcome: Vec<(String, String, i64)> = rows
        .iter()
        .map(|r| (r.get("script"), r.get("status"), r.get("n")))
        .collect();
    assert_eq!(
        outcome,
        vec![
            ("flaky".to_owned(), "succeeded".to_owned(), 200),
            ("ok".to_owned(), "succeeded".to_owned(), 1_600),
            ("reject".to_owned(), "dead".to_owned(), 200),
        ],
        "nothing lost, nothing misfiled"
    );
    // Runs: attempts of a job are 1..=n, each once; kills left crashed runs behind.
    let dup_runs: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT job_id, attempt FROM runs GROUP BY 1, 2 HAVING count(*) > 1) d",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(dup_runs, 0, "an attempt number recorded twice");
    let gaps: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs j WHERE attempts <> (SELECT count(*) FROM runs r WHERE r.job_id = j.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(gaps, 0, "every attempt has its run");
    let crashed: i64 = sqlx::query_scalar("SELECT count(*) FROM runs WHERE outcome = 'crashed'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM runs")
        .fetch_one(&pool)
        .await
        .unwrap();
    // The upstream's view: no (job, attempt) twice, and one call per run.
    let calls = up.job_calls.lock().unwrap().clone();
    let mut seen = std::collections::HashSet::new();
    for (job, attempt) in &calls {
        assert!(
            seen.insert((job.clone(), *attempt)),
            "attempt {attempt} of job {job} reached the upstream twice"
        );
    }
    // Each call belongs to a run; each run that finished made its call (a crashed run may
    // have died between its claim and its request).
    let run_rows = sqlx::query("SELECT job_id::text AS job, attempt, outcome FROM runs")
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut by_attempt = std::collections::HashMap::new();
    for r in &run_rows {
        let (job, attempt, outcome): (String, i32, Option<String>) =
            (r.get("job"), r.get("attempt"), r.get("outcome"));
        by_attempt.insert((job, attempt as u32), outcome.unwrap_or_default());
    }
    for call in &seen {
        assert!(
            by_attempt.contains_key(call),
            "a call without a run: {call:?}"
        );
    }
    for (attempt, outcome) in &by_attempt {
        if outcome != "crashed" {
            assert!(
                seen.contains(attempt),
                "run {attempt:?} ({outcome}) never called"
            );
        }
    }
    eprintln!(
        "{JOBS} jobs, {killed} kill -9s: {runs} runs, {crashed} crashed and re-run, {} upstream calls",
        calls.len()
    );
    assert!(crashed > 0, "the kills landed mid-call");

    api.sigterm();
    for w in &mut workers {
        w.sigterm();
    }
    assert!(api.wait_exit(Duration::from_secs(15)).success());
    for w in &mut workers {
        w.wait_exit(Duration::from_secs(15));
    }
    pool.close().await;
    db.drop_now().await;
}
