use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Executor, PgPool};

use super::{Orchd, orchd_command};
use crate::helpers::{http, postgres_url, redis_url, service_available};

const EXAMPLE: &str = include_str!("../../../../examples/tenant-acme.yaml");

/// Two orchd processes on one Postgres and Redis: a version activated through one is served
/// by the other within a second (the periodic recheck is set to a minute, so this is the
/// change notification at work).
#[tokio::test]
async fn two_processes_see_an_activation_within_a_second() {
    let base = postgres_url();
    if !service_available("Postgres", &base) || !service_available("Redis", &redis_url()) {
        return;
    }
    let name = format!("orch_t_{}", uuid::Uuid::new_v4().simple());
    let admin = PgPool::connect(&base).await.unwrap();
    admin
        .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    let db_url = format!("{prefix}/{name}");
    let redis_prefix = format!("orch-test:{}:", uuid::Uuid::new_v4().simple());

    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let config = dirs[0].path().join("orchd.yaml");
    std::fs::write(&config, "config:\n  recheck_interval: 60s\n").unwrap();
    let mut nodes = Vec::new();
    for dir in &dirs {
        let mut cmd = orchd_command(dir.path());
        cmd.env("ORCHD_DATABASE_URL", &db_url)
            .env("ORCHD_REDIS_URL", redis_url())
            .env("ORCHD_REDIS_PREFIX", &redis_prefix)
            // Both nodes must sign and accept the same operator tokens.
            .env(
                "ORCHD_SIGNING_KEY_REF",
                format!("file:{}", dirs[0].path().join("key").display()),
            )
            .args([
                "--config",
                config.to_str().unwrap(),
                "serve",
                "--listen",
                "127.0.0.1:0",
            ]);
        std::fs::write(
            dirs[0].path().join("key"),
            "a-shared-signing-key-of-at-least-32-bytes",
        )
        .unwrap();
        let mut node = Orchd::spawn(cmd);
        let addr = node.wait_listening(Duration::from_secs(20));
        nodes.push((node, format!("http://{addr}")));
    }
    let client = http();
    // Whichever node bootstrapped wrote the admin key into its own data dir.
    let key = dirs
        .iter()
        .find_map(|d| std::fs::read_to_string(d.path().join("orchd-data/bootstrap-admin.key")).ok())
        .expect("one node bootstrapped the admin")
        .trim()
        .to_owned();
    let token: Value = client
        .post(format!("{}/v1/auth/operator/token", nodes[0].1))
        .json(&json!({"api_key": key}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let post = |url: String, body: Value| {
        let client = client.clone();
        let token = token.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let (a, b) = (nodes[0].1.clone(), nodes[1].1.clone());
    assert_eq!(
        post(
            format!("{a}/v1/admin/tenants/acme/config"),
            json!({"document": EXAMPLE, "reason": "first version", "activate": true})
        )
        .await,
        201
    );
    let v2 = EXAMPLE.replace("tolerance_s: 300", "tolerance_s: 120");
    assert_eq!(
        post(
            format!("{a}/v1/admin/tenants/acme/config"),
            json!({"document": v2, "reason": "second version"})
        )
        .await,
        201
    );
    let served_on_b = || {
        let client = client.clone();
        let token = token.clone();
        let b = b.clone();
        async move {
            let v: Value = client
                .get(format!("{b}/v1/admin/tenants/acme/config"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["served_by_this_node"]["version"].as_i64()
        }
    };
    assert_eq!(served_on_b().await, Some(1), "B loads and serves v1");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let started = Instant::now();
    assert_eq!(
        post(
            format!("{a}/v1/admin/tenants/acme/config/activate"),
            json!({"version": 2, "reason": "roll out v2"})
        )
        .await,
        200
    );
    loop {
        if served_on_b().await == Some(2) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "node B still serves v1 after 1 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "activation served by the other process after {:?}",
        started.elapsed()
    );

    for (node, _) in &mut nodes {
        node.sigterm();
        assert!(node.wait_exit(Duration::from_secs(15)).success());
    }
    admin
        .execute(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .await
        .unwrap();
}
