//! Set-up shared by the bench binaries: a local upstream, and a tenant token on a running
//! orchd (bootstrap admin → operator token → config applied and activated → client →
//! client-credentials token).

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// Serves `router` on a free local port.
pub async fn serve_upstream(router: axum::Router) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding the upstream")?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(addr)
}

/// Activates `document` for `tenant` on the orchd at `base` (whose data dir is `data_dir`)
/// and returns a tenant token with `scopes`.
pub async fn tenant_token(
    http: &reqwest::Client,
    base: &str,
    data_dir: &Path,
    tenant: &str,
    document: &str,
    scopes: &[&str],
) -> anyhow::Result<String> {
    let key = std::fs::read_to_string(data_dir.join("bootstrap-admin.key"))
        .context("reading the bootstrap admin key")?;
    let admin: Value = http
        .post(format!("{base}/v1/auth/operator/token"))
        .json(&json!({"api_key": key.trim()}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let admin = text(&admin, "token")?;
    let applied = http
        .post(format!("{base}/v1/admin/tenants/{tenant}/config"))
        .bearer_auth(&admin)
        .json(&json!({"document": document, "reason": "benchmark", "activate": true}))
        .send()
        .await?;
    if !applied.status().is_success() {
        bail!(
            "applying the bench config failed: {}",
            applied.text().await?
        );
    }
    let client: Value = http
        .post(format!("{base}/v1/admin/tenants/{tenant}/clients"))
        .bearer_auth(&admin)
        .json(&json!({"name": "bench", "scopes": scopes, "reason": "benchmark"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token: Value = http
        .post(format!("{base}/v1/auth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": client["client"]["client_id"], "client_secret": client["client_secret"]}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    text(&token, "access_token")
}

fn text(v: &Value, field: &str) -> anyhow::Result<String> {
    v[field]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no {field:?} in {v}"))
}

/// A fresh Postgres database at `ORCH_TEST_POSTGRES_URL`'s server: (its URL, the admin URL
/// to drop it with, its name).
#[allow(
    dead_code,
    reason = "each bench binary compiles this module; not all use this"
)]
pub async fn fresh_postgres() -> anyhow::Result<(String, String, String)> {
    use sqlx::Executor;
    let base = std::env::var("ORCH_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".to_owned());
    let name = format!("orch_bench_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::PgPool::connect(&base).await?;
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await?;
    admin.close().await;
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (base.as_str(), String::new()),
    };
    let server = head.rsplit_once('/').map_or(head, |(s, _)| s);
    Ok((format!("{server}/{name}{query}"), base.clone(), name))
}
