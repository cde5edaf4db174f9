//! SecretRef resolution against real sources: the environment, files, a Docker secrets
//! directory, and a local HTTP server speaking the Vault KV v2 API.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use orch_core::units::HumanDuration;
use orchd::secrets::{SecretError, SecretResolver};
use orchd::settings::SecretSettings;
use serde_json::{Value, json};

use crate::helpers::{Kind, TestApp};

const VAULT_TOKEN: &str = "test-root-token";
const VAULT_VALUE: &str = "v4ult-api-key-value";

/// A Vault KV v2 stand-in: `GET /v1/{mount}/data/{path}` with `X-Vault-Token`.
async fn vault_server() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/v1/{mount}/data/{*path}",
        axum::routing::get(move |Path((mount, path)): Path<(String, String)>, headers: HeaderMap| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                if headers.get("x-vault-token").and_then(|v| v.to_str().ok()) != Some(VAULT_TOKEN) {
                    return (StatusCode::FORBIDDEN, axum::Json(json!({"errors": ["permission denied"]})));
                }
                if mount == "secret" && path == "acme/billing" {
                    (
                        StatusCode::OK,
                        axum::Json(json!({"data": {"data": {"api_key": VAULT_VALUE}, "metadata": {"version": 3}}})),
                    )
                } else {
                    (StatusCode::NOT_FOUND, axum::Json(json!({"errors": []})))
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), hits)
}

fn settings(dir: &std::path::Path, vault: Option<&str>, token: &str) -> SecretSettings {
    let token_file = dir.join("vault-token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    SecretSettings {
        docker_dir: dir.join("docker"),
        vault_addr: vault.map(str::to_owned),
        vault_token_ref: Some(format!("file:{}", token_file.display())),
        cache_ttl: HumanDuration(std::time::Duration::from_secs(60)),
    }
}

fn unavailable_message(err: SecretError) -> String {
    match err {
        SecretError::Unavailable { reference, message } => format!("{reference}: {message}"),
        other => panic!("expected unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn vault_refs_resolve_over_kv_v2_and_are_cached() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, hits) = vault_server().await;
    let resolver = SecretResolver::new(&settings(dir.path(), Some(&addr), VAULT_TOKEN));
    let value = resolver
        .resolve("vault:secret/acme/billing#api_key")
        .await
        .unwrap();
    assert_eq!(value.expose(), VAULT_VALUE);
    assert_eq!(format!("{value:?}"), "SecretValue(***)");
    resolver
        .resolve("vault:secret/acme/billing#api_key")
        .await
        .unwrap();
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the second read came from the cache"
    );

    let missing_field = resolver
        .resolve("vault:secret/acme/billing#nope")
        .await
        .unwrap_err();
    let msg = unavailable_message(missing_field);
    assert!(
        msg.contains("vault:secret/acme/billing#nope") && msg.contains("no field"),
        "{msg}"
    );
    assert!(!msg.contains(VAULT_VALUE));
    let missing_path =
        unavailable_message(resolver.resolve("vault:secret/other#x").await.unwrap_err());
    assert!(
        msg.contains("vault:") && missing_path.contains("404"),
        "{missing_path}"
    );
}

#[tokio::test]
async fn a_wrong_vault_token_or_no_vault_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _) = vault_server().await;
    let wrong = SecretResolver::new(&settings(dir.path(), Some(&addr), "not-the-token"));
    let msg = unavailable_message(
        wrong
            .resolve("vault:secret/acme/billing#api_key")
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("403"), "{msg}");
    assert!(!msg.contains("not-the-token"), "the token leaked: {msg}");
    let none = SecretResolver::new(&settings(dir.path(), None, VAULT_TOKEN));
    let msg = unavailable_message(
        none.resolve("vault:secret/acme/billing#api_key")
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("VAULT_ADDR"), "{msg}");
}

#[tokio::test]
async fn env_file_and_docker_refs_resolve_and_missing_ones_name_the_ref() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docker")).unwrap();
    std::fs::write(dir.path().join("docker/stripe_key"), "sk_docker\n").unwrap();
    let file = dir.path().join("whsec");
    std::fs::write(&file, "whsec_from_file\n").unwrap();
    let resolver = SecretResolver::new(&settings(dir.path(), None, VAULT_TOKEN));
    assert!(
        !resolver
            .resolve("env:PATH")
            .await
            .unwrap()
            .expose()
            .is_empty()
    );
    assert_eq!(
        resolver
            .resolve(&format!("file:{}", file.display()))
            .await
            .unwrap()
            .expose(),
        "whsec_from_file"
    );
    assert_eq!(
        resolver
            .resolve("docker:stripe_key")
            .await
            .unwrap()
            .expose(),
        "sk_docker"
    );
    for missing in [
        "env:ORCH_SURELY_UNSET_VARIABLE",
        "docker:absent",
        "file:/nonexistent/orch",
    ] {
        let msg = unavailable_message(resolver.resolve(missing).await.unwrap_err());
        assert!(msg.starts_with(missing), "{msg}");
    }
}

/// Applying a config stores only references: the resolved values appear nowhere in what
/// the API returns or the database keeps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_configs_hold_references_never_values() {
    let (addr, _) = vault_server().await;
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, move |s, db| {
        s.secrets = settings(db.dir.path(), Some(&addr), VAULT_TOKEN);
    })
    .await
    else {
        return;
    };
    let whsec = app.db.dir.path().join("whsec");
    std::fs::write(&whsec, "whsec_file_value_123").unwrap();
    let doc = format!(
        "tenant: acme\nconnectors:\n  billing:\n    base_url: http://billing:8000\n    auth: {{ type: header, name: X-Api-Key, secret_ref: \"vault:secret/acme/billing#api_key\" }}\n    operations:\n      on_invoice: {{ method: POST, path: /hooks }}\nwebhooks:\n  stripe:\n    signing_secrets: [\"file:{}\"]\n",
        whsec.display()
    );
    let admin = app.admin_token().await;
    let res = app
        .client
        .post(app.url("/v1/admin/tenants/acme/config"))
        .bearer_auth(&admin)
        .json(&json!({"document": doc, "reason": "with secrets", "activate": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let applied: Value = res.json().await.unwrap();
    assert!(
        applied["warnings"].as_array().unwrap().is_empty(),
        "both refs resolve: {applied}"
    );
    let shown: Value = app
        .client
        .get(app.url("/v1/admin/tenants/acme/config"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let audit: Value = app
        .client
        .get(app.url("/v1/admin/audit"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let projection = app.store.get_config_projection("acme", 1).await.unwrap();
    let mut db_file = std::fs::read(app.db.dir.path().join("orchd.db")).unwrap_or_default();
    db_file.extend(std::fs::read(app.db.dir.path().join("orchd.db-wal")).unwrap_or_default());
    for value in [VAULT_VALUE, "whsec_file_value_123"] {
        assert!(!shown.to_string().contains(value));
        assert!(!audit.to_string().contains(value));
        assert!(!format!("{projection:?}").contains(value));
        assert!(
            !String::from_utf8_lossy(&db_file).contains(value),
            "{value} is in the database file"
        );
    }
    assert!(
        shown
            .to_string()
            .contains("vault:secret/acme/billing#api_key")
    );
    app.stop().await;
}
