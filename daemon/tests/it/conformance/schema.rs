//! Schema v0 invariants that later features rely on, checked with raw SQL on both
//! backends: every table exists, and the uniqueness rules behind guarantees 2 and 4 are
//! enforced by the database itself (not by check-then-insert).

use sqlx::{AssertSqlSafe, PgPool, SqlitePool};

use crate::both_backends;
use crate::helpers::{Kind, TestDb};

const TABLES: [&str; 18] = [
    "connectors",
    "policies",
    "secret_refs",
    "config_versions",
    "config_pointers",
    "config_pointer_history",
    "webhook_inbox",
    "payload_blobs",
    "jobs",
    "runs",
    "event_log",
    "request_log",
    "operator_audit_log",
    "operators",
    "operator_api_keys",
    "tenant_clients",
    "impersonations",
    "idempotency_keys",
];

enum Raw {
    Pg(PgPool),
    Lite(SqlitePool),
}

impl Raw {
    async fn migrated(kind: Kind) -> Option<(TestDb, Raw)> {
        let db = TestDb::new(kind).await?;
        let store = db.store().await;
        store.migrate().await.unwrap();
        store.close().await;
        let raw = match kind {
            Kind::Postgres => Raw::Pg(PgPool::connect(&db.url).await.unwrap()),
            Kind::Sqlite => Raw::Lite(SqlitePool::connect(&db.url).await.unwrap()),
        };
        Some((db, raw))
    }

    async fn exec(&self, sql: &str) -> Result<(), sqlx::Error> {
        let q = AssertSqlSafe(sql.to_owned());
        match self {
            Raw::Pg(p) => sqlx::query(q).execute(p).await.map(drop),
            Raw::Lite(p) => sqlx::query(q).execute(p).await.map(drop),
        }
    }

    async fn i64(&self, sql: &str) -> i64 {
        let q = AssertSqlSafe(sql.to_owned());
        match self {
            Raw::Pg(p) => sqlx::query_scalar(q).fetch_one(p).await.unwrap(),
            Raw::Lite(p) => sqlx::query_scalar(q).fetch_one(p).await.unwrap(),
        }
    }

    fn is_pg(&self) -> bool {
        matches!(self, Raw::Pg(_))
    }
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn uuid() -> String {
    orch_core::ids::new_id().to_string()
}

async fn every_table_of_schema_v0_exists(kind: Kind) {
    let Some((_db, raw)) = Raw::migrated(kind).await else {
        return;
    };
    for table in TABLES {
        let sql = if raw.is_pg() {
            format!(
                "SELECT count(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '{table}'"
            )
        } else {
            format!("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
        };
        assert_eq!(raw.i64(&sql).await, 1, "table {table} is missing");
    }
}

async fn inbox_is_unique_per_provider_tenant_and_event(kind: Kind) {
    let Some((_db, raw)) = Raw::migrated(kind).await else {
        return;
    };
    let insert = |tenant: &str| {
        format!(
            "INSERT INTO webhook_inbox (id, provider, tenant_id, event_id, event_type, payload_size, payload_sha256) \
             VALUES ('{}', 'stripe', '{tenant}', 'evt_1', 'invoice.paid', 2, 'x')",
            uuid()
        )
    };
    raw.exec(&insert("acme")).await.unwrap();
    let dup = raw.exec(&insert("acme")).await.unwrap_err();
    assert!(is_unique_violation(&dup), "{dup}");
    raw.exec(&insert("globex")).await.unwrap();
}

async fn dedupe_key_names_at_most_one_live_job(kind: Kind) {
    let Some((_db, raw)) = Raw::migrated(kind).await else {
        return;
    };
    let first = uuid();
    let insert = |id: &str| {
        format!(
            "INSERT INTO jobs (id, tenant_id, queue, kind, max_attempts, dedupe_key) \
             VALUES ('{id}', 'acme', 'default', 'execute', 3, 'order-42')"
        )
    };
    raw.exec(&insert(&first)).await.unwrap();
    let dup = raw.exec(&insert(&uuid())).await.unwrap_err();
    assert!(is_unique_violation(&dup), "{dup}");
    raw.exec(&format!(
        "UPDATE jobs SET status = 'succeeded' WHERE id = '{first}'"
    ))
    .await
    .unwrap();
    raw.exec(&insert(&uuid()))
        .await
        .expect("a finished job frees its dedupe key");
}

async fn a_claim_records_at_most_one_run(kind: Kind) {
    let Some((_db, raw)) = Raw::migrated(kind).await else {
        return;
    };
    let job = uuid();
    raw.exec(&format!(
        "INSERT INTO jobs (id, tenant_id, queue, kind, max_attempts) VALUES ('{job}', 'acme', 'low', 'execute', 3)"
    ))
    .await
    .unwrap();
    let run = |token: i64| {
        format!(
            "INSERT INTO runs (id, job_id, tenant_id, attempt, fencing_token, worker_id) \
             VALUES ('{}', '{job}', 'acme', 1, {token}, 'w1')",
            uuid()
        )
    };
    raw.exec(&run(1)).await.unwrap();
    let dup = raw.exec(&run(1)).await.unwrap_err();
    assert!(is_unique_violation(&dup), "{dup}");
    raw.exec(&run(2)).await.unwrap();
}

async fn event_log_ids_increase(kind: Kind) {
    let Some((_db, raw)) = Raw::migrated(kind).await else {
        return;
    };
    for i in 0..3 {
        raw.exec(&format!(
            "INSERT INTO event_log (kind, tenant_id, message) VALUES ('job.queued', 'acme', 'm{i}')"
        ))
        .await
        .unwrap();
    }
    let ordered = raw
        .i64("SELECT count(*) FROM event_log a JOIN event_log b ON a.message < b.message AND a.id < b.id")
        .await;
    assert_eq!(ordered, 3, "ids follow insertion order");
    assert!(raw.i64("SELECT min(id) FROM event_log").await > 0);
}

async fn status_and_queue_values_are_checked(kind: Kind) {
    let Some((_db, raw)) = Raw::migrated(kind).await else {
        return;
    };
    let bad_queue = raw
        .exec(&format!(
            "INSERT INTO jobs (id, tenant_id, queue, kind, max_attempts) VALUES ('{}', 'acme', 'urgent', 'execute', 3)",
            uuid()
        ))
        .await;
    assert!(bad_queue.is_err(), "unknown queue accepted");
    let bad_role = raw
        .exec(&format!(
            "INSERT INTO operators (id, name, role) VALUES ('{}', 'eve', 'root')",
            uuid()
        ))
        .await;
    assert!(bad_role.is_err(), "unknown role accepted");
}

both_backends!(
    every_table_of_schema_v0_exists,
    inbox_is_unique_per_provider_tenant_and_event,
    dedupe_key_names_at_most_one_live_job,
    a_claim_records_at_most_one_run,
    event_log_ids_increase,
    status_and_queue_values_are_checked,
);
