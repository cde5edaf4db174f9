use std::time::Duration;

use sqlx::{AssertSqlSafe, Executor, PgPool};

use super::{Orchd, orchd_command};
use crate::helpers::{postgres_url, service_available};

/// A fresh, empty Postgres database, dropped at the end.
pub(super) struct FreshDatabase {
    name: String,
    pub url: String,
}

impl FreshDatabase {
    pub async fn create() -> Option<Self> {
        let base = postgres_url();
        if !service_available("Postgres", &base) {
            return None;
        }
        let name = format!("orch_t_{}", uuid::Uuid::new_v4().simple());
        let admin = PgPool::connect(&base).await.unwrap();
        admin
            .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .unwrap();
        admin.close().await;
        let (prefix, _) = base.rsplit_once('/').unwrap();
        Some(Self {
            url: format!("{prefix}/{name}"),
            name,
        })
    }

    pub async fn drop_now(self) {
        let admin = PgPool::connect(&postgres_url()).await.unwrap();
        admin
            .execute(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .await
            .unwrap();
        admin.close().await;
    }
}

#[tokio::test]
async fn migrate_then_serve_on_an_empty_postgres_database() {
    let Some(db) = FreshDatabase::create().await else {
        return;
    };
    let cwd = tempfile::tempdir().unwrap();

    let out = orchd_command(cwd.path())
        .env("ORCHD_DATABASE_URL", &db.url)
        .arg("migrate")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let versions: Vec<i64> = orchd::store::migrations::POSTGRES
        .iter()
        .map(|m| m.version)
        .collect();
    assert!(
        stdout.contains(&format!("applied migrations {versions:?}")),
        "{stdout}"
    );

    let again = orchd_command(cwd.path())
        .env("ORCHD_DATABASE_URL", &db.url)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("schema is current"));

    let mut cmd = orchd_command(cwd.path());
    cmd.env("ORCHD_DATABASE_URL", &db.url)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let mut orchd = Orchd::spawn(cmd);
    let addr = orchd.wait_listening(Duration::from_secs(20));
    assert_eq!(
        crate::helpers::http()
            .get(format!("http://{addr}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert!(
        !cwd.path().join("orchd-data").join("orchd.db").exists(),
        "no SQLite file in Postgres mode"
    );
    orchd.sigterm();
    assert!(orchd.wait_exit(Duration::from_secs(15)).success());
    let started = orchd
        .lines()
        .iter()
        .any(|l| l.contains("\"backend\":\"postgres\""));
    assert!(started, "{:?}", orchd.lines());
    db.drop_now().await;
}

/// `serve` alone migrates an empty database too.
#[tokio::test]
async fn serve_migrates_an_empty_postgres_database() {
    let Some(db) = FreshDatabase::create().await else {
        return;
    };
    let cwd = tempfile::tempdir().unwrap();
    let mut cmd = orchd_command(cwd.path());
    cmd.env("ORCHD_DATABASE_URL", &db.url)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let mut orchd = Orchd::spawn(cmd);
    let addr = orchd.wait_listening(Duration::from_secs(20));
    assert_eq!(
        crate::helpers::http()
            .get(format!("http://{addr}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    orchd.sigterm();
    assert!(orchd.wait_exit(Duration::from_secs(15)).success());
    let pool = PgPool::connect(&db.url).await.unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'jobs'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(tables, 1);
    pool.close().await;
    db.drop_now().await;
}
