use std::time::Duration;

use orch_core::api::health::{Health, Readiness};

use crate::both_backends;
use crate::helpers::{
    Kind, TcpProxy, TestApp, eventually, host_port, redis_url, service_available,
};

async fn healthz_answers(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: Health = res.json().await.unwrap();
    assert_eq!(body.status, "ok");
    assert_eq!(body.version, env!("CARGO_PKG_VERSION"));
    app.stop().await;
}

async fn readyz_checks_storage_and_migrations(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: Readiness = res.json().await.unwrap();
    assert_eq!(body.status, "ready");
    let names: Vec<&str> = body.checks.iter().map(|c| c.name.as_str()).collect();
    // Distributed mode (the Postgres suites) also checks Redis.
    let expected: &[&str] = match kind {
        Kind::Postgres => &["storage", "migrations", "redis"],
        Kind::Sqlite => &["storage", "migrations"],
    };
    assert_eq!(names, expected);
    app.stop().await;
}

async fn readyz_checks_redis_when_configured(kind: Kind) {
    let redis = redis_url();
    if !service_available("Redis", &redis) {
        return;
    }
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(redis.clone()));
    })
    .await
    else {
        return;
    };
    let body: Readiness = app.get("/readyz").await.json().await.unwrap();
    assert!(body.is_ready(), "{body:?}");
    assert!(body.checks.iter().any(|c| c.name == "redis" && c.ok));
    // Each test app has its own key namespace on the shared Redis.
    let client = app.redis.as_ref().unwrap();
    assert_eq!(client.prefix(), app.redis_prefix);
    assert_eq!(
        client.key("q:default"),
        format!("{}q:default", app.redis_prefix)
    );
    app.stop().await;
}

/// Redis goes away (through a proxy) → 503 naming redis; it comes back → 200, no restart.
async fn readyz_follows_redis_down_and_up(kind: Kind) {
    let redis = redis_url();
    if !service_available("Redis", &redis) {
        return;
    }
    let proxy = TcpProxy::start(&host_port(&redis)).await;
    let via_proxy = format!("redis://{}", proxy.addr);
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(via_proxy.clone()));
    })
    .await
    else {
        return;
    };
    assert_eq!(app.get("/readyz").await.status(), 200);

    proxy.stop();
    let down = eventually(Duration::from_secs(15), || async {
        let res = app.get("/readyz").await;
        if res.status() != 503 {
            return false;
        }
        let body: Readiness = res.json().await.unwrap();
        body.failed() == ["redis"]
    })
    .await;
    assert!(down, "readyz did not report redis down");

    proxy.resume().await;
    let up = eventually(Duration::from_secs(15), || async {
        app.get("/readyz").await.status() == 200
    })
    .await;
    assert!(up, "readyz did not recover when redis came back");
    app.stop().await;
}

both_backends!(
    healthz_answers,
    readyz_checks_storage_and_migrations,
    readyz_checks_redis_when_configured,
    readyz_follows_redis_down_and_up,
);

/// Postgres goes away (through a proxy) → 503 naming storage; back → 200, no restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_follows_postgres_down_and_up() {
    let Some(db) = crate::helpers::TestDb::new(Kind::Postgres).await else {
        return;
    };
    // Migrate directly, so the app's own connection can go through the proxy.
    let store = db.store().await;
    store.migrate().await.unwrap();
    store.close().await;
    let proxy = TcpProxy::start(&host_port(&db.url)).await;
    let via_proxy = db.url_via(&proxy.addr.to_string());
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, |s, _| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(via_proxy.clone()));
    })
    .await
    else {
        return;
    };
    assert_eq!(app.get("/readyz").await.status(), 200);

    proxy.stop();
    let down = eventually(Duration::from_secs(15), || async {
        let res = app.get("/readyz").await;
        if res.status() != 503 {
            return false;
        }
        let body: Readiness = res.json().await.unwrap();
        body.failed().contains(&"storage")
    })
    .await;
    assert!(down, "readyz did not report storage down");

    proxy.resume().await;
    let up = eventually(Duration::from_secs(15), || async {
        app.get("/readyz").await.status() == 200
    })
    .await;
    assert!(up, "readyz did not recover when Postgres came back");
    app.stop().await;
    drop(db);
}

/// What `/readyz` may say about a failed part: a short, fixed reason.
const REASONS: [&str; 4] = [
    "unavailable",
    "timeout",
    "migrations pending",
    "applied migrations modified",
];

/// Asserts a 503 `/readyz` body names `part` with a fixed reason and carries none of
/// `secrets` nor driver text.
async fn assert_not_ready_without_detail(app: &TestApp, part: &str, secrets: &[&str]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let (body, report) = loop {
        let res = app.get("/readyz").await;
        let status = res.status();
        let body = res.text().await.unwrap();
        let report: Readiness = serde_json::from_str(&body).unwrap();
        if status == 503 && report.failed().contains(&part) {
            break (body, report);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "readyz did not report {part} down: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for check in report.checks.iter().filter(|c| !c.ok) {
        let reason = check.error.as_deref().unwrap_or_default();
        assert!(REASONS.contains(&reason), "{}: {reason:?}", check.name);
    }
    let lower = body.to_lowercase();
    for needle in
        secrets
            .iter()
            .copied()
            .chain(["127.0.0.1", "os error", "refused", "communicating", "pool"])
    {
        assert!(
            !lower.contains(&needle.to_lowercase()),
            "/readyz leaks {needle:?}: {body}"
        );
    }
}

/// Label values of every sample: short identifiers (route templates, slugs, outcomes),
/// never an error message.
fn assert_no_error_text_in_labels(text: &str) {
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some(labels) = line.split_once('{').and_then(|(_, r)| r.rsplit_once('}')) else {
            continue;
        };
        for value in labels.0.split(',').filter_map(|kv| kv.split_once('=')) {
            let value = value.1.trim_matches('"');
            let ok = value.len() <= 80
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-./{}*:+".contains(c));
            assert!(ok, "a label value that is not an identifier: {line}");
        }
    }
}

/// A Redis that cannot be reached (a password in the URL, a closed port): `/readyz` says
/// `unavailable` — not the address, the password or the driver's error — and `/metrics`
/// carries no error text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_and_metrics_leak_no_error_text_about_redis() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("redis://:hunter2-orch-secret@127.0.0.1:{closed}/");
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, |s, _| {
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(url.clone()));
    })
    .await
    else {
        return;
    };
    let port = format!(":{closed}");
    assert_not_ready_without_detail(
        &app,
        "redis",
        &[
            "hunter2-orch-secret",
            &port,
            "redis://",
            "redis unavailable",
        ],
    )
    .await;
    // Some errors of other kinds, so the metrics have something to (not) say about them.
    let _ = app.get("/v1/nowhere").await;
    let _ = app
        .client
        .post(app.url("/webhooks/stripe/nobody"))
        .body("{}")
        .send()
        .await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert_no_error_text_in_labels(&metrics);
    assert!(!metrics.contains("hunter2-orch-secret"));
    app.stop().await;
}

/// Postgres goes away (a proxy stops): `/readyz` says `unavailable` for storage, with
/// neither the proxy's address, the database password nor the driver's error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_leaks_no_error_text_about_storage() {
    let Some(db) = crate::helpers::TestDb::new(Kind::Postgres).await else {
        return;
    };
    let store = db.store().await;
    store.migrate().await.unwrap();
    store.close().await;
    let proxy = TcpProxy::start(&host_port(&db.url)).await;
    // Local Postgres trusts its clients, so a password in the URL is carried, not checked.
    let via_proxy = db
        .url_via(&proxy.addr.to_string())
        .replacen("root@", "root:pg-secret-pw@", 1);
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, |s, _| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(via_proxy.clone()));
    })
    .await
    else {
        return;
    };
    assert_eq!(app.get("/readyz").await.status(), 200);
    proxy.stop();
    let port = format!(":{}", proxy.addr.port());
    let schema = db.schema.clone().unwrap_or_default();
    assert_not_ready_without_detail(&app, "storage", &["pg-secret-pw", &port, &schema]).await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert_no_error_text_in_labels(&metrics);
    // Back, so shutdown does not wait on connection attempts.
    proxy.resume().await;
    app.stop().await;
    drop(db);
}
