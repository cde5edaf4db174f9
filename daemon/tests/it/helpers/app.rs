//! `TestApp::spawn`: orchd in-process on port 0 with its own database and Redis prefix.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use orch_core::units::HumanDuration;
use orchd::request_log::RequestLogWriter;
use orchd::settings::{ConnectionUrl, Settings};
use orchd::startup::Application;
use orchd::store::Store;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::{Kind, TestDb};

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub request_log: RequestLogWriter,
    pub redis_prefix: String,
    pub redis: Option<orchd::redis::RedisClient>,
    /// The app's shared state, for checks that look inside this node.
    pub state: orchd::http::AppState,
    pub db: TestDb,
    stop: oneshot::Sender<()>,
    handle: JoinHandle<()>,
}

impl TestApp {
    /// orchd on a fresh database of `kind` (Postgres with Redis: distributed mode; SQLite
    /// alone: embedded mode); `None` when a service is unavailable outside CI.
    pub async fn spawn(kind: Kind) -> Option<Self> {
        Self::spawn_with(kind, |_, _| {}).await
    }

    /// Like `spawn`, with a chance to adjust settings (the `TestDb` is passed for URLs).
    pub async fn spawn_with(
        kind: Kind,
        adjust: impl FnOnce(&mut Settings, &TestDb),
    ) -> Option<Self> {
        let db = TestDb::new(kind).await?;
        let redis_prefix = format!("orch-test:{}:", uuid::Uuid::new_v4().simple());
        let mut settings = Settings {
            listen: "127.0.0.1:0".to_owned(),
            // Below the temp dir, so secret files the tests write beside it are not orchd's own.
            data_dir: db.dir.path().join("data"),
            database_url: Some(ConnectionUrl::new(db.url.clone())),
            redis_prefix: redis_prefix.clone(),
            shutdown_grace: HumanDuration(Duration::from_secs(5)),
            ..Settings::default()
        };
        // Postgres means distributed mode: Redis carries dispatch, limits, breakers and
        // config notifications (fails under CI when Redis is down, like Postgres).
        if kind == Kind::Postgres {
            if !super::service_available("Redis", &super::redis_url()) {
                return None;
            }
            settings.redis_url = Some(ConnectionUrl::new(super::redis_url()));
        }
        settings.storage.max_connections = 4;
        settings.storage.acquire_timeout = HumanDuration(Duration::from_secs(5));
        settings.storage.request_log_flush = HumanDuration(Duration::from_millis(50));
        // Tests keep tenant secrets in temp files and ORCH_TEST_* variables.
        settings
            .secrets
            .allowed_refs
            .entry("*".to_owned())
            .or_default()
            .extend([
                "env:ORCH_TEST_*".to_owned(),
                format!("file:{}/*", std::env::temp_dir().display()),
            ]);
        adjust(&mut settings, &db);
        settings.validate().expect("test settings are valid");

        let app = Application::build(settings).await.expect("orchd starts");
        let addr = app.local_addr();
        let store = app.state().store.clone();
        let request_log = app.state().request_log.clone();
        let redis = app.state().redis.clone();
        let state = app.state().clone();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            app.run_until(async {
                let _ = stop_rx.await;
            })
            .await
            .expect("orchd ran cleanly");
        });
        Some(Self {
            addr,
            client: super::http(),
            store,
            request_log,
            redis_prefix,
            redis,
            state,
            db,
            stop: stop_tx,
            handle,
        })
    }

    /// orchd's `data_dir` (generated keys live there).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.db.dir.path().join("data")
    }

    /// The bootstrap admin's API key (written by orchd on a fresh database).
    pub fn admin_key(&self) -> String {
        let path = self.data_dir().join("bootstrap-admin.key");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("no bootstrap key at {}: {e}", path.display()))
            .trim()
            .to_owned()
    }

    /// Exchanges an operator API key for a token.
    pub async fn operator_token(&self, api_key: &str) -> String {
        let res = self
            .client
            .post(self.url("/v1/auth/operator/token"))
            .json(&serde_json::json!({ "api_key": api_key }))
            .send()
            .await
            .expect("token request");
        assert_eq!(res.status(), 200, "token exchange failed");
        let body: serde_json::Value = res.json().await.expect("token body");
        body["token"].as_str().expect("token").to_owned()
    }

    /// A token of the bootstrap admin.
    pub async fn admin_token(&self) -> String {
        self.operator_token(&self.admin_key()).await
    }

    /// Creates an operator with `role` (as the bootstrap admin); returns its API key.
    pub async fn create_operator(&self, name: &str, role: &str) -> String {
        let admin = self.admin_token().await;
        let res = self
            .client
            .post(self.url("/v1/admin/operators"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({ "name": name, "role": role, "reason": "test set-up" }))
            .send()
            .await
            .expect("create operator");
        assert_eq!(res.status(), 201, "create operator {name}");
        let body: serde_json::Value = res.json().await.expect("operator body");
        body["api_key"].as_str().expect("api_key").to_owned()
    }

    /// A tenant token with `scopes`, through a client-credentials client made for it.
    pub async fn tenant_token(&self, tenant: &str, scopes: &[&str]) -> String {
        let admin = self.admin_token().await;
        let res = self
            .client
            .post(self.url(&format!("/v1/admin/tenants/{tenant}/clients")))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"name": "test-client", "scopes": scopes, "reason": "test set-up"}))
            .send()
            .await
            .expect("create client");
        assert_eq!(res.status(), 201, "create client");
        let created: serde_json::Value = res.json().await.expect("client body");
        let res = self
            .client
            .post(self.url("/v1/auth/token"))
            .json(&serde_json::json!({
                "grant_type": "client_credentials",
                "client_id": created["client"]["client_id"],
                "client_secret": created["client_secret"],
            }))
            .send()
            .await
            .expect("token request");
        assert_eq!(res.status(), 200, "client token");
        let body: serde_json::Value = res.json().await.expect("token body");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// Applies and activates a config document as the bootstrap admin.
    pub async fn activate_config(&self, tenant: &str, document: &str) {
        let admin = self.admin_token().await;
        let res = self
            .client
            .post(self.url(&format!("/v1/admin/tenants/{tenant}/config")))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"document": document, "reason": "test set-up", "activate": true}))
            .send()
            .await
            .expect("apply config");
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        assert!(status.is_success(), "apply config: {status} {body}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches orchd")
    }

    /// Graceful shutdown, as on SIGTERM; waits until orchd has stopped and hands back the
    /// database for checks after shutdown. (Merely dropping a `TestApp` also stops it: the
    /// stop channel closes.)
    pub async fn stop(self) -> TestDb {
        let _ = self.stop.send(());
        self.handle.await.expect("orchd task");
        self.db
    }
}
