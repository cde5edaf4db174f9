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
