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
        allowed_refs: [(
            "*".to_owned(),
            vec![
                "vault:secret/{tenant}/*".to_owned(),
                format!("file:{}/*", std::env::temp_dir().display()),
            ],
        )]
        .into(),
        ..SecretSettings::default()
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

async fn post_json(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn doc_with_refs(auth_ref: &str, signing_ref: &str) -> String {
    format!(
        "tenant: acme\nconnectors:\n  billing:\n    base_url: http://billing:8000\n    auth: {{ type: bearer, secret_ref: \"{auth_ref}\" }}\n    operations:\n      on_invoice: {{ method: POST, path: /hooks }}\nwebhooks:\n  stripe:\n    signing_secrets: [\"{signing_ref}\"]\n"
    )
}

/// `POST /v1/admin/config/validate` is open to readonly operators: it checks syntax only.
/// It reads no file (`/dev/zero` would never end), asks no Vault, and answers the same
/// whether a named file or variable exists or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_never_resolves_secrets() {
    let (addr, vault_hits) = vault_server().await;
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, move |s, db| {
        s.secrets = settings(db.dir.path(), Some(&addr), VAULT_TOKEN);
    })
    .await
    else {
        return;
    };
    let key = app.create_operator("ro", "readonly").await;
    let ro = app.operator_token(&key).await;
    let existing = app.db.dir.path().join("exists");
    std::fs::write(&existing, "x").unwrap();
    let mut answers = Vec::new();
    for file in [
        "/dev/zero".to_owned(),
        existing.display().to_string(),
        "/nonexistent/orch".to_owned(),
    ] {
        let doc = doc_with_refs("vault:secret/acme/billing#api_key", &format!("file:{file}"));
        let started = std::time::Instant::now();
        let (status, body) = post_json(
            &app,
            &ro,
            "/v1/admin/config/validate",
            json!({"document": doc}),
        )
        .await;
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["valid"], true, "{body}");
        answers.push(body["warnings"].clone());
    }
    assert!(answers.iter().all(|w| w == &json!([])), "{answers:?}");
    assert_eq!(
        vault_hits.load(Ordering::SeqCst),
        0,
        "validate called Vault"
    );
    // Percent-encoded traversal is refused by the grammar, before anything is asked.
    let (_, body) = post_json(
        &app,
        &ro,
        "/v1/admin/config/validate",
        json!({"document": doc_with_refs("vault:secret/%2e%2e/sys/raw#k", "env:ORCH_TEST_X")}),
    )
    .await;
    assert_eq!(body["valid"], false, "{body}");
    // With a tenant, refs outside the allow-list are errors (no lookup either).
    let (_, body) = post_json(
        &app,
        &ro,
        "/v1/admin/config/validate",
        json!({"document": doc_with_refs("env:PATH", "env:ORCH_TEST_X"), "tenant": "acme"}),
    )
    .await;
    assert_eq!(body["valid"], false, "{body}");
    assert!(body["errors"].to_string().contains("not allowed"), "{body}");
    app.stop().await;
}

/// Apply refuses SecretRefs outside `secrets.allowed_refs` and orchd's own secrets even
/// where a pattern would allow them; a symlink into `data_dir` is caught when read, so
/// orchd's files never reach an upstream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_refuses_refs_the_allow_list_does_not_allow() {
    let up = crate::helpers::upstream::Upstream::start().await;
    let keys = tempfile::tempdir().unwrap();
    let signing = keys.path().join("signing.key");
    std::fs::write(&signing, "k".repeat(40)).unwrap();
    let signing_ref = format!("file:{}", signing.display());
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, {
        let signing_ref = signing_ref.clone();
        move |s, _| s.auth.signing_key_ref = Some(signing_ref)
    })
    .await
    else {
        return;
    };
    let admin = app.admin_token().await;
    let whsec = app.db.dir.path().join("whsec");
    std::fs::write(&whsec, "whsec_ok").unwrap();
    let whsec_ref = format!("file:{}", whsec.display());
    let bootstrap = app.data_dir().join("bootstrap-admin.key");
    for refused in [
        "env:PATH".to_owned(),
        "env:ORCHD_DATABASE_URL".to_owned(),
        "file:/etc/passwd".to_owned(),
        signing_ref.clone(),
        format!("file:{}", bootstrap.display()),
        "vault:secret/globex/billing#k".to_owned(),
    ] {
        let (status, body) = post_json(
            &app,
            &admin,
            "/v1/admin/tenants/acme/config",
            json!({"document": doc_with_refs(&refused, &whsec_ref), "reason": "testing", "activate": true}),
        )
        .await;
        assert_eq!(status, 400, "{refused}: {body}");
        assert_eq!(body["code"], "invalid_config", "{body}");
        assert!(body.to_string().contains("not allowed"), "{body}");
    }
    // Lexically allowed, but a link to orchd's own key file: refused when read, at apply…
    let link = app.db.dir.path().join("innocent");
    std::os::unix::fs::symlink(&bootstrap, &link).unwrap();
    let linked = doc_with_refs(&format!("file:{}", link.display()), &whsec_ref);
    let (status, body) = post_json(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": linked, "reason": "testing"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("orchd's own files"), "{body}");
    // …and at call time, when the link appears after the apply.
    let link = app.db.dir.path().join("later");
    let doc = format!(
        "tenant: acme\nconnectors:\n  api:\n    base_url: {}\n    auth: {{ type: bearer, secret_ref: \"file:{}\" }}\n    operations:\n      leak: {{ method: GET, path: /script/leak }}\n",
        up.base_url(),
        link.display()
    );
    let (status, body) = post_json(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": doc, "reason": "testing", "activate": true}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    std::os::unix::fs::symlink(&bootstrap, &link).unwrap();
    let token = app.tenant_token("acme", &["execute"]).await;
    let (status, body) = post_json(
        &app,
        &token,
        "/v1/execute",
        json!({"connector": "api", "operation": "leak"}),
    )
    .await;
    assert_eq!(status, 424, "{body}");
    assert_eq!(up.hits("leak"), 0, "the upstream was called");
    app.stop().await;
}

/// An empty signing secret would let anyone sign: refused at apply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_secrets_are_refused_at_apply() {
    let Some(app) = TestApp::spawn(Kind::Sqlite).await else {
        return;
    };
    let admin = app.admin_token().await;
    let empty = app.db.dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let (status, body) = post_json(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({
            "document": doc_with_refs("env:ORCH_TEST_SURELY_UNSET", &format!("file:{}", empty.display())),
            "reason": "testing",
        }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("empty value"), "{body}");
    app.stop().await;
}

/// A version stored while the allow-list was wider does not come back into use after it
/// was narrowed: activate and rollback check it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activate_checks_the_allow_list_again() {
    let Some(first) = TestApp::spawn_with(Kind::Sqlite, |s, _| {
        s.secrets
            .allowed_refs
            .insert("acme".to_owned(), vec!["env:LEGACY_*".to_owned()]);
    })
    .await
    else {
        return;
    };
    let admin = first.admin_token().await;
    let (status, body) = post_json(
        &first,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": doc_with_refs("env:LEGACY_KEY", "env:ORCH_TEST_WHSEC"), "reason": "testing"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let admin_key = first.admin_key();
    let db = first.stop().await;
    let url = db.url.clone();
    let data = db.dir.path().join("data");
    let Some(second) = TestApp::spawn_with(Kind::Sqlite, move |s, _| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(url));
        s.data_dir = data;
    })
    .await
    else {
        return;
    };
    let admin = second.operator_token(&admin_key).await;
    let (status, body) = post_json(
        &second,
        &admin,
        "/v1/admin/tenants/acme/config/activate",
        json!({"version": 1, "reason": "testing"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("env:LEGACY_KEY"), "{body}");
    second.stop().await;
    drop(db);
}

/// orchd's own files are its user's alone: data_dir 0700, the SQLite file and journals 0600.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_dir_and_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, |s, db| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(format!(
            "sqlite://{}",
            db.dir.path().join("data/orchd.db").display()
        )));
    })
    .await
    else {
        return;
    };
    // Something is written, so the journal exists too.
    let _ = app.admin_token().await;
    let mode = |p: std::path::PathBuf| {
        std::fs::metadata(&p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    assert_eq!(mode(app.data_dir()), 0o700);
    assert_eq!(mode(app.data_dir().join("orchd.db")), 0o600);
    assert_eq!(mode(app.data_dir().join("orchd.db-wal")), 0o600);
    assert_eq!(mode(app.data_dir().join("bootstrap-admin.key")), 0o600);
    app.stop().await;
}
