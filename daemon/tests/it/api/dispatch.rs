//! Dispatch end to end: ids pushed twice run once, tenants and queues are served fairly,
//! and losing Redis's dispatch state costs seconds, not jobs.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use orchd::dispatch::DispatchTicket;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp};

fn config(tenant: &str, up: &str) -> String {
    format!(
        r#"
tenant: {tenant}
policies:
  once:
    retry: {{ max_attempts: 1 }}
connectors:
  api:
    base_url: {up}
    policy: once
    operations:
      slow: {{ method: POST, path: /slow/{tenant} }}
      fast: {{ method: POST, path: /echo/{tenant} }}
"#
    )
}

struct Setup {
    app: TestApp,
    up: Upstream,
    acme: String,
    globex: String,
}

/// orchd with `concurrency` worker slots and two tenants calling the same upstream.
async fn start(kind: Kind, concurrency: u32) -> Option<Setup> {
    let up = Upstream::start().await;
    let app = TestApp::spawn_with(kind, |s, _| s.worker.concurrency = concurrency).await?;
    app.activate_config("acme", &config("acme", &up.base_url()))
        .await;
    app.activate_config("globex", &config("globex", &up.base_url()))
        .await;
    let scopes = ["jobs:write", "jobs:read"];
    let acme = app.tenant_token("acme", &scopes).await;
    let globex = app.tenant_token("globex", &scopes).await;
    Some(Setup {
        app,
        up,
        acme,
        globex,
    })
}

/// Enqueues `n` copies of `body`, 16 requests at a time; returns the job ids.
async fn enqueue_many(app: &TestApp, token: &str, body: Value, n: usize) -> Vec<String> {
    futures_util::stream::iter(0..n)
        .map(|_| {
            let body = body.clone();
            async move {
                let res = app
                    .client
                    .post(app.url("/v1/jobs"))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
                res.json::<Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        })
        .buffer_unordered(16)
        .collect()
        .await
}

/// Queues `n` jobs of `tenant` behind the API's back (store + dispatch, as the API does):
/// a fast way to build a large backlog.
async fn backlog(app: &TestApp, tenant: &str, queue: &str, operation: &str, n: usize) {
    let jobs: Vec<orchd::jobs::JobRecord> = (0..n)
        .map(|_| {
            let mut j = crate::conformance::jobs::job(tenant, queue, None);
            j.connector = Some("api".into());
            j.operation = Some(operation.into());
            j.params = None;
            j.payload = None;
            j.max_attempts = 1;
            j.impersonated_by = None;
            j.impersonation_id = None;
            j
        })
        .collect();
    let store = &app.store;
    futures_util::stream::iter(jobs.iter())
        .map(|j| async move { store.enqueue_job(j).await.unwrap() })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    let tickets: Vec<DispatchTicket> = jobs.iter().map(DispatchTicket::of).collect();
    app.state.dispatch.push_committed(&tickets).await;
}

async fn job(app: &TestApp, token: &str, id: &str) -> Value {
    app.client
        .get(app.url(&format!("/v1/jobs/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits until every job succeeded; each must have run exactly once.
async fn all_succeed_once(app: &TestApp, token: &str, ids: &[String], within: Duration) {
    let deadline = Instant::now() + within;
    for id in ids {
        loop {
            let j = job(app, token, id).await;
            match j["status"].as_str() {
                Some("succeeded") => {
                    assert_eq!(j["runs"].as_array().unwrap().len(), 1, "one run: {j}");
                    break;
                }
                Some("queued" | "running") => {}
                _ => panic!("job {id} did not succeed: {j}"),
            }
            assert!(Instant::now() < deadline, "job {id} did not finish: {j}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

async fn queued_in(app: &TestApp, queue: &str) -> i64 {
    let stats = app
        .store
        .queue_stats(OffsetDateTime::now_utc())
        .await
        .unwrap();
    stats.iter().find(|q| q.queue == queue).unwrap().depth
}

async fn an_id_dispatched_again_runs_once(kind: Kind) {
    let Some(s) = start(kind, 4).await else {
        return;
    };
    let ids = enqueue_many(
        &s.app,
        &s.acme,
        json!({"queue": "default", "connector": "api", "operation": "slow"}),
        1,
    )
    .await;
    let record = s
        .app
        .store
        .get_job(ids[0].parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let again = DispatchTicket {
        run_at: OffsetDateTime::now_utc(),
        ..DispatchTicket::of(&record)
    };
    // Pushed again while queued or running (the upstream answers after 50 ms) …
    for _ in 0..5 {
        s.app
            .state
            .dispatch
            .push_committed(std::slice::from_ref(&again))
            .await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    all_succeed_once(&s.app, &s.acme, &ids, Duration::from_secs(10)).await;
    // … and after it finished.
    for _ in 0..3 {
        s.app
            .state
            .dispatch
            .push_committed(std::slice::from_ref(&again))
            .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(s.up.hits("acme"), 1, "the upstream saw the job once");
    let j = job(&s.app, &s.acme, &ids[0]).await;
    assert_eq!(
        (j["attempts"].as_i64(), j["runs"].as_array().unwrap().len()),
        (Some(1), 1),
        "{j}"
    );
    s.app.stop().await;
}

async fn a_critical_burst_starts_before_a_large_low_backlog(kind: Kind) {
    let Some(s) = start(kind, 4).await else {
        return;
    };
    // Tenant acme: 5,000 low jobs against a 50 ms upstream (4 slots: ~80/s).
    backlog(&s.app, "acme", "low", "slow", 5_000).await;
    let left_before = queued_in(&s.app, "low").await;
    // Tenant globex: a burst of critical jobs.
    let began = Instant::now();
    let burst = enqueue_many(
        &s.app,
        &s.globex,
        json!({"queue": "critical", "connector": "api", "operation": "fast"}),
        50,
    )
    .await;
    all_succeed_once(&s.app, &s.globex, &burst, Duration::from_secs(20)).await;
    let took = began.elapsed();
    let left_after = queued_in(&s.app, "low").await;
    eprintln!("critical burst of 50 done in {took:?}; low backlog {left_before} → {left_after}");
    assert!(
        left_after >= 4_000,
        "the burst finished while most of the low backlog still waits ({left_after} left)"
    );
    assert!(took < Duration::from_secs(5), "the burst waited {took:?}");
    s.app.stop().await;
}

async fn tenants_in_one_queue_do_not_wait_for_each_other(kind: Kind) {
    let Some(s) = start(kind, 4).await else {
        return;
    };
    // acme queues 1,000 slow default jobs (~12 s of work on 4 slots) …
    backlog(&s.app, "acme", "default", "slow", 1_000).await;
    // … then globex queues 20 in the same queue: they are served alongside, not after.
    let began = Instant::now();
    let theirs = enqueue_many(
        &s.app,
        &s.globex,
        json!({"queue": "default", "connector": "api", "operation": "fast"}),
        20,
    )
    .await;
    all_succeed_once(&s.app, &s.globex, &theirs, Duration::from_secs(20)).await;
    let took = began.elapsed();
    let left = queued_in(&s.app, "default").await;
    eprintln!("globex's 20 jobs done in {took:?}; acme still has {left} queued");
    assert!(
        left >= 600,
        "globex finished while acme's backlog still waits ({left} left)"
    );
    assert!(took < Duration::from_secs(4), "globex waited {took:?}");
    s.app.stop().await;
}

both_backends!(
    an_id_dispatched_again_runs_once,
    a_critical_burst_starts_before_a_large_low_backlog,
    tenants_in_one_queue_do_not_wait_for_each_other
);

/// Redis loses its dispatch state (what `FLUSHALL` or a restart without persistence does
/// to this deployment's keys) with jobs queued and delayed: all of them still run, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_redis_dispatch_state_costs_seconds_not_jobs() {
    let Some(s) = start(Kind::Postgres, 4).await else {
        return;
    };
    let redis = s.app.redis.clone().expect("distributed mode has Redis");
    let slow = json!({"queue": "default", "connector": "api", "operation": "slow"});
    let mut ids = enqueue_many(&s.app, &s.acme, slow, 200).await;
    let due = OffsetDateTime::now_utc() + Duration::from_millis(1500);
    let delayed = json!({"queue": "low", "connector": "api", "operation": "fast",
        "run_at": due.format(&time::format_description::well_known::Rfc3339).unwrap()});
    let delayed_ids = enqueue_many(&s.app, &s.acme, delayed, 20).await;
    assert!(
        crate::helpers::eventually(Duration::from_secs(10), || async {
            s.up.hits("acme") >= 20
        })
        .await
    );
    crate::dispatch::delete_prefix(&redis).await;
    let lost_at = Instant::now();
    let seen = s.up.hits("acme");
    // Calls in flight at the loss finish; the next new call needs rebuilt dispatch.
    assert!(
        crate::helpers::eventually(Duration::from_secs(10), || async {
            s.up.hits("acme") > seen
        })
        .await,
        "work resumed"
    );
    let recovery = lost_at.elapsed();
    eprintln!("dispatch recovered {recovery:?} after its Redis keys were deleted");
    assert!(
        recovery < Duration::from_secs(3),
        "recovery took {recovery:?}"
    );
    ids.extend(delayed_ids);
    all_succeed_once(&s.app, &s.acme, &ids, Duration::from_secs(30)).await;
    assert_eq!(s.up.hits("acme"), 200);
    assert_eq!(s.up.hits("echo"), 20, "the delayed jobs ran once each");
    s.app.stop().await;
}

/// Redis unreachable (stopped, restarting): workers claim straight from the database, so
/// jobs keep running; when it is back, dispatch is used again and nothing ran twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_keep_running_while_redis_is_unreachable() {
    let redis = crate::helpers::redis_url();
    if !crate::helpers::service_available("Redis", &redis) {
        return;
    }
    let proxy = crate::helpers::TcpProxy::start(&crate::helpers::host_port(&redis)).await;
    let via_proxy = format!("redis://{}", proxy.addr);
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn_with(Kind::Postgres, |s, _| {
        s.worker.concurrency = 4;
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(via_proxy.clone()));
    })
    .await
    else {
        return;
    };
    app.activate_config("acme", &config("acme", &up.base_url()))
        .await;
    let token = app.tenant_token("acme", &["jobs:write", "jobs:read"]).await;
    let fast = json!({"queue": "default", "connector": "api", "operation": "fast"});
    let before = enqueue_many(&app, &token, fast.clone(), 10).await;
    all_succeed_once(&app, &token, &before, Duration::from_secs(10)).await;

    proxy.stop();
    let during = enqueue_many(&app, &token, fast.clone(), 20).await;
    all_succeed_once(&app, &token, &during, Duration::from_secs(15)).await;

    proxy.resume().await;
    let after = enqueue_many(&app, &token, fast, 10).await;
    all_succeed_once(&app, &token, &after, Duration::from_secs(15)).await;
    // Jobs pushed to Redis before it went away and run from the database meanwhile are
    // skipped when their ids come back: still one call each.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(up.hits("echo"), 40);
    app.stop().await;
}
