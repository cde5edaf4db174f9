//! Live-job counts behind tenant quotas, on both backends: every job transition moves them
//! (enqueue, dedupe hit, claim, retry, finish, cancel, reclaim, dead, DLQ replay, purge,
//! webhook delivery, inbox replay), folding never changes them, and concurrent enqueues and
//! folds lose nothing.

use std::sync::Arc;

use orch_core::audit::AuditDraft;
use orchd::jobs::{Finish, Next, RunOutcome};
use orchd::store::Store;
use orchd::webhooks::{InboxRecord, NewDelivery, webhook_job};
use sqlx::SqlSafeStr;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::jobs::job;
use crate::both_backends;
use crate::helpers::{Kind, TestDb};

async fn migrated(kind: Kind) -> Option<(TestDb, Arc<dyn Store>)> {
    let db = TestDb::new(kind).await?;
    let store = db.store().await;
    store.migrate().await.unwrap();
    Some((db, store))
}

/// `(total, [(queue, live)])` of the tenant's jobs of `kind`.
async fn live(store: &Arc<dyn Store>, tenant: &str, kind: &str) -> (u64, Vec<(String, i64)>) {
    let c = store.live_job_counts(tenant, kind).await.unwrap();
    let per_queue = c
        .per_queue
        .iter()
        .filter(|(_, n)| *n != 0)
        .cloned()
        .collect();
    (c.total(), per_queue)
}

fn finish(next: Next) -> Finish {
    Finish {
        outcome: if next == Next::Succeeded {
            RunOutcome::Succeeded
        } else {
            RunOutcome::Failed
        },
        next,
        error_code: None,
        error_message: None,
        upstream_status: None,
        duration_ms: 1,
    }
}

fn delivery(tenant: &str, event_id: &str) -> NewDelivery {
    let now = OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap();
    let body = format!(r#"{{"id":"{event_id}","type":"invoice.paid"}}"#).into_bytes();
    let record = InboxRecord {
        id: Uuid::now_v7(),
        provider: "stripe".into(),
        tenant_id: tenant.into(),
        event_id: event_id.into(),
        event_type: "invoice.paid".into(),
        status: "received".into(),
        payload_ref: None,
        payload_size: body.len() as i64,
        payload_sha256: "00".repeat(32),
        signature_timestamp: None,
        note: None,
        trace_id: None,
        request_id: None,
        received_at: now,
        processed_at: None,
        updated_at: now,
        job_ids: Vec::new(),
    };
    let job = webhook_job(&record, 1, None, now);
    NewDelivery {
        record,
        payload: body,
        inline_max: 1024,
        job,
    }
}

async fn fold_all(store: &Arc<dyn Store>) {
    while store.fold_live_job_counts(2).await.unwrap() > 0 {}
}

async fn live_counts_follow_every_transition(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let t = OffsetDateTime::now_utc() + Duration::seconds(1);
    let lease = t + Duration::seconds(30);
    assert_eq!(live(&store, "acme", "execute").await, (0, vec![]));

    let mut ids = Vec::new();
    for _ in 0..3 {
        let j = job("acme", "default", None);
        store.enqueue_job(&j).await.unwrap();
        ids.push(j.id);
    }
    let mut low = job("acme", "low", Some("once"));
    low.max_attempts = 1;
    store.enqueue_job(&low).await.unwrap();
    // A dedupe hit inserts nothing, so it counts nothing.
    let (_, created) = store
        .enqueue_job(&job("acme", "low", Some("once")))
        .await
        .unwrap();
    assert!(!created);
    store
        .enqueue_job(&job("globex", "default", None))
        .await
        .unwrap();
    assert_eq!(
        live(&store, "acme", "execute").await,
        (4, vec![("default".into(), 3), ("low".into(), 1)])
    );
    assert_eq!(live(&store, "globex", "execute").await.0, 1);
    assert_eq!(live(&store, "acme", "webhook").await.0, 0);

    // Claimed (running) is still live; a retry puts it back, still live; success ends it.
    let c = store
        .claim_jobs_by_id(&ids[..2], "w", t, lease)
        .await
        .unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(live(&store, "acme", "execute").await.0, 4);
    let retry = Next::Retry {
        run_at: t + Duration::seconds(5),
    };
    assert!(
        store
            .finish_job(c[0].job.id, c[0].fencing_token, &finish(retry), t)
            .await
            .unwrap()
    );
    assert!(
        store
            .finish_job(c[1].job.id, c[1].fencing_token, &finish(Next::Succeeded), t)
            .await
            .unwrap()
    );
    assert_eq!(live(&store, "acme", "execute").await.0, 3);

    // Cancelled ends it.
    store.cancel_job("acme", ids[2], t).await.unwrap();
    assert_eq!(
        live(&store, "acme", "execute").await,
        (2, vec![("default".into(), 1), ("low".into(), 1)])
    );

    // A lease that expires with no attempts left: reclaimed as dead, no longer live.
    let c = store
        .claim_jobs_by_id(&[low.id], "w", t, t + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(c.len(), 1);
    let reclaimed = store
        .reclaim_expired_jobs(t + Duration::seconds(10))
        .await
        .unwrap();
    assert_eq!(reclaimed[0].status, "dead");
    assert_eq!(live(&store, "acme", "execute").await.0, 1);

    // A DLQ replay makes it live again; purging a dead job changes nothing.
    assert_eq!(
        store
            .replay_dead_jobs(&[low.id], t, &super::jobs::dlq_audit("replay"))
            .await
            .unwrap(),
        vec![low.id]
    );
    assert_eq!(live(&store, "acme", "execute").await.0, 2);
    let c = store
        .claim_jobs_by_id(&[low.id], "w", t + Duration::seconds(1), lease)
        .await
        .unwrap();
    assert!(
        store
            .finish_job(low.id, c[0].fencing_token, &finish(Next::Dead), t)
            .await
            .unwrap()
    );
    assert_eq!(live(&store, "acme", "execute").await.0, 1);
    store
        .purge_dead_jobs(&[low.id], t, &super::jobs::dlq_audit("purge"))
        .await
        .unwrap();
    assert_eq!(live(&store, "acme", "execute").await.0, 1);

    // Webhook jobs count apart, a duplicate delivery adds nothing, an inbox replay does.
    let d = delivery("acme", "evt_1");
    let got = store.receive_delivery(&d).await.unwrap();
    assert!(
        store
            .receive_delivery(&delivery("acme", "evt_1"))
            .await
            .unwrap()
            .duplicate()
    );
    assert_eq!(
        live(&store, "acme", "webhook").await,
        (1, vec![("webhook".into(), 1)])
    );
    assert_eq!(live(&store, "acme", "execute").await.0, 1);
    let wj = got.job.unwrap();
    let c = store
        .claim_jobs_by_id(&[wj.id], "w", t, lease)
        .await
        .unwrap();
    assert!(
        store
            .finish_job(wj.id, c[0].fencing_token, &finish(Next::Succeeded), t)
            .await
            .unwrap()
    );
    assert_eq!(live(&store, "acme", "webhook").await.0, 0);
    let again = webhook_job(&got.record, 1, None, t);
    store
        .replay_inbox(
            &again,
            AuditDraft::new("tester", "admin", "inbox.replay", "test"),
        )
        .await
        .unwrap();
    assert_eq!(live(&store, "acme", "webhook").await.0, 1);

    // Folding moves deltas into the counters without changing any count.
    let before = (
        live(&store, "acme", "execute").await,
        live(&store, "acme", "webhook").await,
        live(&store, "globex", "execute").await,
    );
    fold_all(&store).await;
    let after = (
        live(&store, "acme", "execute").await,
        live(&store, "acme", "webhook").await,
        live(&store, "globex", "execute").await,
    );
    assert_eq!(before, after);
    assert_eq!(
        store
            .live_job_counts("acme", "execute")
            .await
            .unwrap()
            .pending_deltas,
        0
    );
    assert_eq!(store.fold_live_job_counts(100).await.unwrap(), 0);
}

async fn concurrent_enqueues_and_folds_lose_nothing(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .enqueue_job(&job(
                    "acme",
                    if i % 2 == 0 { "default" } else { "low" },
                    None,
                ))
                .await
                .unwrap();
            if i % 5 == 0 {
                store.fold_live_job_counts(7).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        live(&store, "acme", "execute").await,
        (40, vec![("default".into(), 20), ("low".into(), 20)])
    );
    fold_all(&store).await;
    assert_eq!(live(&store, "acme", "execute").await.0, 40);
}

/// Upgrading a database that already holds jobs: migration 3 counts the live ones.
async fn the_migration_counts_jobs_that_already_exist(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else {
        return;
    };
    let list = match kind {
        Kind::Postgres => orchd::store::migrations::POSTGRES,
        Kind::Sqlite => orchd::store::migrations::SQLITE,
    };
    let before = sqlx::migrate::Migrator::with_migrations(
        list.iter()
            .filter(|m| m.version < 3)
            .map(|m| {
                sqlx::migrate::Migration::new(
                    m.version,
                    m.description.into(),
                    sqlx::migrate::MigrationType::Simple,
                    sqlx::AssertSqlSafe(m.sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    );
    // Opening the store creates the SQLite file (it does not migrate).
    let store = db.store().await;
    match kind {
        Kind::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            before.run(&pool).await.unwrap();
            pool.close().await;
        }
        Kind::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            before.run(&pool).await.unwrap();
            pool.close().await;
        }
    }
    let t = OffsetDateTime::now_utc() + Duration::seconds(1);
    for queue in ["default", "default", "low"] {
        store.enqueue_job(&job("acme", queue, None)).await.unwrap();
    }
    let done = job("acme", "default", None);
    store.enqueue_job(&done).await.unwrap();
    store.cancel_job("acme", done.id, t).await.unwrap();
    let later: Vec<i64> = list.iter().map(|m| m.version).filter(|v| *v >= 3).collect();
    assert_eq!(store.migrate().await.unwrap(), later);
    assert_eq!(
        live(&store, "acme", "execute").await,
        (3, vec![("default".into(), 2), ("low".into(), 1)])
    );
    // And from then on the triggers keep it.
    store.enqueue_job(&job("acme", "low", None)).await.unwrap();
    assert_eq!(live(&store, "acme", "execute").await.0, 4);
}

/// The quota service folds a backlog of deltas it reads, off the request path.
async fn a_quota_check_folds_a_backlog_of_deltas(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..80 {
                store
                    .enqueue_job(&job("acme", "default", None))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let quotas = orchd::quotas::QuotaService::new(
        store.clone(),
        orchd::resilience::rate_limit::RateLimiter::new(None),
        &orchd::settings::QuotaSettings::default(),
    );
    quotas.admit_job("acme", "default").await.unwrap();
    assert!(
        crate::helpers::eventually(std::time::Duration::from_secs(10), || async {
            store
                .live_job_counts("acme", "execute")
                .await
                .unwrap()
                .pending_deltas
                == 0
        })
        .await,
        "folded"
    );
    assert_eq!(live(&store, "acme", "execute").await.0, 640);
}

both_backends!(
    a_quota_check_folds_a_backlog_of_deltas,
    live_counts_follow_every_transition,
    concurrent_enqueues_and_folds_lose_nothing,
    the_migration_counts_jobs_that_already_exist,
);
