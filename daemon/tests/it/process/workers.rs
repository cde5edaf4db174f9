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
    let client = http();
    let key = std::fs::read_to_string(cwd.path().join("orchd-data/bootstrap-admin.key"))
        .unwrap()
        .trim()
        .to_owned();
    let token: Value = client
        .post(format!("http://{addr}/v1/auth/operator/token"))
        .json(&json!({"api_key": key}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let doc = format!(
        "tenant: acme\npolicies:\n  patient:\n    timeouts: {{ connect_ms: 1000, read_ms: 60000, total_ms: 60000 }}\n    retry: {{ max_attempts: 1 }}\nconnectors:\n  api:\n    base_url: {}\n    policy: patient\n    operations:\n      call: {{ method: POST, path: {path} }}\n",
        up.base_url()
    );
    let res = client
        .post(format!("http://{addr}/v1/admin/tenants/acme/config"))
        .bearer_auth(&token)
        .json(&json!({"document": doc, "reason": "worker process test", "activate": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());

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
        .map(|r| (r.attempt, r.outcome.clone().unwrap_or_default()))
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
