//! Circuit breaker, rate limit and concurrency cap on `/v1/execute`, against real local
//! upstreams; breakers and buckets shared between two nodes through Redis.

use std::time::{Duration, Instant};

use orch_core::problem::Problem;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp, eventually, redis_url, service_available};

fn config(up: &str) -> String {
    format!(
        r#"
tenant: acme
policies:
  breaking:
    timeouts: {{ connect_ms: 300, read_ms: 400, total_ms: 3000 }}
    retry: {{ max_attempts: 1 }}
    circuit_breaker: {{ failure_rate_threshold: 0.5, minimum_calls: 4, window_s: 30, open_s: 1, half_open_max_calls: 1 }}
  limited:
    retry: {{ max_attempts: 1 }}
    rate_limit: {{ per_second: 10, burst: 10, scope: tenant }}
  capped:
    timeouts: {{ connect_ms: 300, read_ms: 2000, total_ms: 800 }}
    retry: {{ max_attempts: 1 }}
    max_concurrency: 1
connectors:
  brk:
    base_url: {up}
    policy: breaking
    operations: {{ call: {{ method: GET, path: /script/brk }} }}
  lim:
    base_url: {up}
    policy: limited
    operations: {{ call: {{ method: GET, path: /echo/lim }} }}
  cap:
    base_url: {up}
    policy: capped
    operations: {{ slow: {{ method: GET, path: /hang }} }}
"#
    )
}

async fn call(app: &TestApp, token: &str, connector: &str, operation: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/execute"))
        .bearer_auth(token)
        .json(&json!({"connector": connector, "operation": operation}))
        .send()
        .await
        .unwrap()
}

async fn breakers(app: &TestApp, admin: &str) -> Value {
    app.client
        .get(app.url("/v1/admin/breakers?tenant=acme&connector=brk"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// After the threshold the next call fails fast without reaching the upstream; after
/// `open_s` one probe goes through and its success closes the breaker.
async fn the_breaker_opens_probes_and_closes(kind: Kind) {
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.activate_config("acme", &config(&up.base_url())).await;
    let token = app.tenant_token("acme", &["execute"]).await;
    let admin = app.admin_token().await;
    up.script("brk", &[500, 500, 500, 500]);
    for _ in 0..4 {
        let res = call(&app, &token, "brk", "call").await;
        assert_eq!(res.json::<Value>().await.unwrap()["status"], 500);
    }
    let res = call(&app, &token, "brk", "call").await;
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(res.json::<Problem>().await.unwrap().code, "circuit_open");
    assert_eq!(up.hits("brk"), 4, "an open breaker does not call out");
    assert_eq!(breakers(&app, &admin).await["items"][0]["state"], "open");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let res = call(&app, &token, "brk", "call").await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["status"],
        200,
        "the probe goes through"
    );
    assert_eq!(up.hits("brk"), 5);
    assert_eq!(breakers(&app, &admin).await["items"][0]["state"], "closed");

    // An operator reset closes an open breaker (audited with a reason).
    up.script("brk", &[500, 500, 500, 500]);
    for _ in 0..4 {
        call(&app, &token, "brk", "call").await;
    }
    assert_eq!(call(&app, &token, "brk", "call").await.status(), 503);
    let res = app
        .client
        .post(app.url("/v1/admin/breakers/reset"))
        .bearer_auth(&admin)
        .json(&json!({"tenant": "acme", "connector": "brk", "reason": "upstream fixed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["items"][0]["state"],
        "closed"
    );
    assert_eq!(call(&app, &token, "brk", "call").await.status(), 200);
    let audit: Value = app
        .client
        .get(app.url("/v1/admin/audit?action=breaker.reset"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"][0]["reason"], "upstream fixed");
    assert_eq!(audit["items"][0]["diff_json"]["before"]["state"], "open");
    app.stop().await;
}

/// Fires `n` calls at once (spread over `apps`) and counts the allowed ones.
async fn burst(apps: &[&TestApp], token: &str, n: usize) -> (usize, usize, Duration) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..n {
        let app = apps[i % apps.len()];
        let client = app.client.clone();
        let url = app.url("/v1/execute");
        let token = token.to_owned();
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"connector": "lim", "operation": "call"}))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let retry_after = res.headers().get("retry-after").is_some();
            let ratelimit = res.headers().get("ratelimit").is_some();
            (status, retry_after && ratelimit)
        }));
    }
    let (mut allowed, mut limited) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            (200, _) => allowed += 1,
            (429, true) => limited += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    (allowed, limited, started.elapsed())
}

fn assert_rate(allowed: usize, limited: usize, took: Duration) {
    // Burst 10, then 10 per second for as long as the burst took to arrive.
    let refill = (took.as_secs_f64() * 10.0).ceil() as usize;
    eprintln!("allowed {allowed}, limited {limited} in {took:?}");
    assert!(
        allowed >= 10 && allowed <= 10 + refill + 1,
        "allowed {allowed} in {took:?}"
    );
    assert_eq!(allowed + limited, 100);
}

async fn the_rate_limit_holds_under_a_burst(kind: Kind) {
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.activate_config("acme", &config(&up.base_url())).await;
    let token = app.tenant_token("acme", &["execute"]).await;
    let (allowed, limited, took) = burst(&[&app], &token, 100).await;
    assert_rate(allowed, limited, took);
    assert_eq!(
        up.hits("echo"),
        allowed,
        "limited calls never reach the upstream"
    );
    app.stop().await;
}

async fn the_concurrency_cap_refuses_extra_calls(kind: Kind) {
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.activate_config("acme", &config(&up.base_url())).await;
    let token = app.tenant_token("acme", &["execute"]).await;
    let first = {
        let client = app.client.clone();
        let url = app.url("/v1/execute");
        let token = token.clone();
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"connector": "cap", "operation": "slow"}))
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    assert!(eventually(Duration::from_secs(5), || async { up.hits("hang") == 1 }).await);
    let second = call(&app, &token, "cap", "slow").await;
    assert_eq!(second.status(), 429);
    assert_eq!(
        second.json::<Problem>().await.unwrap().code,
        "concurrency_limited"
    );
    assert_eq!(first.await.unwrap(), 504);
    app.stop().await;
}

both_backends!(
    the_breaker_opens_probes_and_closes,
    the_rate_limit_holds_under_a_burst,
    the_concurrency_cap_refuses_extra_calls,
);

/// Two nodes sharing Redis: one bucket for both, and a breaker opened on one is open on the
/// other within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_buckets_and_breakers() {
    if !service_available("Redis", &redis_url()) {
        return;
    }
    let up = Upstream::start().await;
    let Some(a) = TestApp::spawn_with(Kind::Postgres, |s, _| {
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(redis_url()));
    })
    .await
    else {
        return;
    };
    let (db, prefix, key_dir) = (a.db.url.clone(), a.redis_prefix.clone(), a.data_dir());
    let Some(b) = TestApp::spawn_with(Kind::Postgres, move |s, _| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(db.clone()));
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(redis_url()));
        s.redis_prefix = prefix.clone();
        // Accept A's tokens: share its signing key.
        s.auth.signing_key_ref = Some(format!("file:{}", key_dir.join("signing.key").display()));
    })
    .await
    else {
        return;
    };
    a.activate_config("acme", &config(&up.base_url())).await;
    let token = a.tenant_token("acme", &["execute"]).await;

    let (allowed, limited, took) = burst(&[&a, &b], &token, 100).await;
    assert_rate(allowed, limited, took);

    up.script("brk", &[500, 500, 500, 500]);
    for _ in 0..4 {
        call(&a, &token, "brk", "call").await;
    }
    assert_eq!(call(&a, &token, "brk", "call").await.status(), 503);
    let started = Instant::now();
    let open_on_b = eventually(Duration::from_secs(1), || async {
        call(&b, &token, "brk", "call").await.status() == 503
    })
    .await;
    assert!(open_on_b, "node B did not see the open breaker within 1 s");
    eprintln!(
        "breaker open on the other node after {:?}",
        started.elapsed()
    );
    assert_eq!(up.hits("brk"), 4, "node B did not call out either");
    b.stop().await;
    a.stop().await;
}

/// A reset is audited before it happens; when the other nodes cannot be told (Redis is
/// gone), a second row with result `failed` says the reset reached this node only, and the
/// operator is answered 503 to retry. With Redis back, the retry succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_other_nodes_miss_is_audited_as_failed() {
    if !service_available("Redis", &redis_url()) {
        return;
    }
    let proxy = crate::helpers::TcpProxy::start(&crate::helpers::host_port(&redis_url())).await;
    let via_proxy = format!("redis://{}", proxy.addr);
    let Some(app) = TestApp::spawn_with(Kind::Postgres, |s, _| {
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(via_proxy.clone()));
    })
    .await
    else {
        return;
    };
    let admin = app.admin_token().await;
    let reset = || async {
        app.client
            .post(app.url("/v1/admin/breakers/reset"))
            .bearer_auth(&admin)
            .json(&json!({"tenant": "acme", "connector": "brk", "reason": "upstream fixed"}))
            .send()
            .await
            .unwrap()
    };
    let rows = || async {
        let audit: Value = app
            .client
            .get(app.url("/v1/admin/audit?action=breaker.reset"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        audit["items"].as_array().unwrap().clone()
    };

    proxy.stop();
    let res = reset().await;
    assert_eq!(res.status(), 503);
    let problem: Problem = res.json().await.unwrap();
    assert_eq!(problem.code, "storage_unavailable", "{problem:?}");
    let audit = rows().await;
    assert_eq!(audit.len(), 2, "{audit:#?}");
    // Newest first: the failure, then the reset as it was committed to.
    assert_eq!(audit[0]["result"], "failed", "{audit:#?}");
    assert_eq!(
        audit[0]["diff_json"]["after"]["nodes"], "this node only",
        "{audit:#?}"
    );
    assert_eq!(audit[1]["result"], "ok", "{audit:#?}");
    assert_eq!(audit[0]["request_id"], audit[1]["request_id"]);

    proxy.resume().await;
    let retried = eventually(Duration::from_secs(15), || async {
        reset().await.status() == 200
    })
    .await;
    assert!(retried, "the reset did not succeed once Redis was back");
    let audit = rows().await;
    assert_eq!(audit[0]["result"], "ok", "{audit:#?}");
    app.stop().await;
}
