//! Workers run queued jobs through the executor against a real local upstream: success,
//! retries with backoff into the DLQ, permanent failures dead at once, throttling that never
//! uses up an attempt, the per tenant+connector concurrency cap, and job events.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp};

fn config(up: &str) -> String {
    format!(
        r#"
tenant: acme
policies:
  quick:
    retry: {{ max_attempts: 1, backoff: {{ base_ms: 20, max_ms: 50 }} }}
  limited:
    retry: {{ max_attempts: 1 }}
    rate_limit: {{ per_second: 20, burst: 5, scope: tenant }}
  capped:
    retry: {{ max_attempts: 1 }}
    max_concurrency: 2
connectors:
  api:
    base_url: {up}
    policy: quick
    operations:
      ok: {{ method: POST, path: /echo/ok }}
      flaky: {{ method: POST, path: /script/flaky }}
      down: {{ method: POST, path: /script/down }}
      rejects: {{ method: POST, path: /script/rejects }}
      missing_param: {{ method: POST, path: "/echo/{{id}}" }}
  lim:
    base_url: {up}
    policy: limited
    operations: {{ call: {{ method: POST, path: /echo/lim }} }}
  cap:
    base_url: {up}
    policy: capped
    operations: {{ call: {{ method: POST, path: /slow/cap }} }}
"#
    )
}

async fn enqueue(app: &TestApp, token: &str, body: Value) -> String {
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

async fn settled(app: &TestApp, token: &str, id: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let last = job(app, token, id).await;
        if matches!(last["status"].as_str(), Some("succeeded" | "dead")) {
            return last;
        }
        assert!(Instant::now() < deadline, "job {id} did not settle: {last}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn start(kind: Kind) -> Option<(TestApp, Upstream, String)> {
    let up = Upstream::start().await;
    let app = TestApp::spawn(kind).await?;
    app.activate_config("acme", &config(&up.base_url())).await;
    let token = app.tenant_token("acme", &["jobs:write", "jobs:read"]).await;
    Some((app, up, token))
}

async fn a_job_runs_once_with_its_own_idempotency_key(kind: Kind) {
    let Some((app, up, token)) = start(kind).await else {
        return;
    };
    let res = app
        .client
        .post(app.url("/v1/jobs"))
        .bearer_auth(&token)
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .json(&json!({"queue": "default", "connector": "api", "operation": "ok", "payload": {"n": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = settled(&app, &token, &id, Duration::from_secs(10)).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["attempts"], 1);
    let runs = done["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["outcome"], "succeeded");
    assert_eq!(runs[0]["attempt"], 1);
    assert!(runs[0]["finished_at"].is_string());
    assert_eq!(up.hits("echo"), 1);
    // The key forwarded upstream is the job's own; the trace continues the enqueuer's.
    assert_eq!(up.keys("echo"), vec![id.clone()]);
    let traceparent = up.header("echo", "traceparent").unwrap();
    assert!(
        traceparent.contains("4bf92f3577b34da6a3ce929d0e0e4736"),
        "{traceparent}"
    );

    // job.started and job.succeeded are in the event log, tied to the job.
    let admin = app.admin_token().await;
    let deadline = Instant::now() + Duration::from_secs(5);
    let kinds = loop {
        let page: Value = app
            .client
            .get(app.url("/v1/admin/events?tenant=acme&kind=job.*"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let kinds: Vec<String> = page["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|e| e["job_id"] == id.as_str())
            .filter_map(|e| e["kind"].as_str().map(str::to_owned))
            .collect();
        let seen =
            kinds.iter().any(|k| k == "job.succeeded") && kinds.iter().any(|k| k == "job.started");
        if seen || Instant::now() > deadline {
            break kinds;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        kinds.iter().any(|k| k == "job.succeeded") && kinds.iter().any(|k| k == "job.started"),
        "{kinds:?}"
    );
    app.stop().await;
}

async fn transient_failures_retry_then_land_in_the_dlq(kind: Kind) {
    let Some((app, up, token)) = start(kind).await else {
        return;
    };
    // Two 503s then success: the third attempt succeeds, all with one key.
    up.script("flaky", &[503, 503]);
    let flaky = enqueue(
        &app,
        &token,
        json!({"queue": "critical", "connector": "api", "operation": "flaky", "max_attempts": 5}),
    )
    .await;
    // Always down: dead after max_attempts, with its last error.
    up.script("down", &[503; 10]);
    let down = enqueue(
        &app,
        &token,
        json!({"queue": "low", "connector": "api", "operation": "down", "max_attempts": 3}),
    )
    .await;

    let ok = settled(&app, &token, &flaky, Duration::from_secs(15)).await;
    assert_eq!(ok["status"], "succeeded", "{ok}");
    assert_eq!(ok["attempts"], 3);
    let outcomes: Vec<_> = ok["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["attempt"].as_i64().unwrap(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (1, "failed".into()),
            (2, "failed".into()),
            (3, "succeeded".into())
        ]
    );
    assert_eq!(ok["runs"][0]["error"]["upstream_status"], 503);
    assert_eq!(
        up.keys("flaky"),
        vec![flaky.clone(); 3],
        "one key across attempts"
    );

    let dead = settled(&app, &token, &down, Duration::from_secs(15)).await;
    assert_eq!(dead["status"], "dead", "{dead}");
    assert_eq!(dead["attempts"], 3);
    assert_eq!(dead["runs"].as_array().unwrap().len(), 3);
    assert_eq!(dead["last_error"]["code"], "upstream_error");
    assert_eq!(dead["last_error"]["upstream_status"], 503);
    assert_eq!(up.hits("down"), 3);
    app.stop().await;
}

async fn permanent_failures_die_at_once(kind: Kind) {
    let Some((app, up, token)) = start(kind).await else {
        return;
    };
    up.script("rejects", &[422]);
    let rejected = enqueue(
        &app,
        &token,
        json!({"queue": "default", "connector": "api", "operation": "rejects", "max_attempts": 5}),
    )
    .await;
    let missing = enqueue(
        &app,
        &token,
        json!({"queue": "default", "connector": "api", "operation": "missing_param", "max_attempts": 5}),
    )
    .await;
    let r = settled(&app, &token, &rejected, Duration::from_secs(10)).await;
    assert_eq!(
        (r["status"].as_str(), r["attempts"].as_i64()),
        (Some("dead"), Some(1)),
        "{r}"
    );
    assert_eq!(r["last_error"]["code"], "upstream_rejected");
    assert_eq!(r["last_error"]["upstream_status"], 422);
    let m = settled(&app, &token, &missing, Duration::from_secs(10)).await;
    assert_eq!(
        (m["status"].as_str(), m["attempts"].as_i64()),
        (Some("dead"), Some(1)),
        "{m}"
    );
    assert_eq!(m["last_error"]["code"], "validation_failed");
    assert_eq!(up.hits("rejects"), 1);
    app.stop().await;
}

async fn throttled_jobs_wait_instead_of_failing(kind: Kind) {
    let Some((app, up, token)) = start(kind).await else {
        return;
    };
    // 200 jobs against 20 calls/s (burst 5), one attempt each: all succeed, none retried,
    // and it takes about (200 - 5) / 20 ≈ 10 s.
    let began = Instant::now();
    let mut ids = Vec::new();
    for _ in 0..200 {
        ids.push(
            enqueue(
                &app,
                &token,
                json!({"queue": "default", "connector": "lim", "operation": "call", "max_attempts": 1}),
            )
            .await,
        );
    }
    for id in &ids {
        let j = settled(&app, &token, id, Duration::from_secs(60)).await;
        assert_eq!(j["status"], "succeeded", "{j}");
        assert_eq!(j["attempts"], 1);
        assert_eq!(j["runs"].as_array().unwrap().len(), 1, "{j}");
    }
    let took = began.elapsed();
    eprintln!("200 jobs at 20 calls/s took {took:?}");
    assert_eq!(up.hits("echo"), 200);
    assert!(
        took >= Duration::from_millis(9_000) && took <= Duration::from_secs(20),
        "about 10 s at 20 calls/s: {took:?}"
    );

    // max_concurrency: 2 — the upstream never sees more than two calls of the tenant at once.
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(
            enqueue(
                &app,
                &token,
                json!({"queue": "default", "connector": "cap", "operation": "call", "max_attempts": 1}),
            )
            .await,
        );
    }
    for id in &ids {
        let j = settled(&app, &token, id, Duration::from_secs(30)).await;
        assert_eq!(j["status"], "succeeded", "{j}");
        assert_eq!(j["runs"].as_array().unwrap().len(), 1, "{j}");
    }
    assert_eq!(up.hits("cap"), 12);
    assert_eq!(up.max_inflight("cap"), 2);
    app.stop().await;
}

both_backends!(
    a_job_runs_once_with_its_own_idempotency_key,
    transient_failures_retry_then_land_in_the_dlq,
    permanent_failures_die_at_once,
    throttled_jobs_wait_instead_of_failing
);
