//! Job store operations, on both backends.

use std::sync::Arc;

use orchd::jobs::{JobQuery, JobRecord};
use orchd::store::{Store, StoreError};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::both_backends;
use crate::helpers::{Kind, TestDb};

async fn migrated(kind: Kind) -> Option<(TestDb, Arc<dyn Store>)> {
    let db = TestDb::new(kind).await?;
    let store = db.store().await;
    store.migrate().await.unwrap();
    Some((db, store))
}

fn job(tenant: &str, queue: &str, dedupe: Option<&str>) -> JobRecord {
    let now = OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap();
    JobRecord {
        id: Uuid::now_v7(),
        tenant_id: tenant.into(),
        queue: queue.into(),
        kind: "execute".into(),
        status: "queued".into(),
        connector: Some("stripe".into()),
        operation: Some("create_customer".into()),
        params: Some(json!({"id": "cus_1"})),
        payload: Some(json!({"email": "a@b.c"})),
        inbox_id: None,
        config_version: Some(3),
        attempts: 0,
        max_attempts: 5,
        replay_generation: 0,
        run_at: now,
        dedupe_key: dedupe.map(str::to_owned),
        last_error_code: None,
        last_error_message: None,
        last_upstream_status: None,
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        request_id: Some("req-1".into()),
        trace_carrier: Some(
            json!({"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}),
        ),
        impersonated_by: Some(Uuid::now_v7()),
        impersonation_id: Some(Uuid::now_v7()),
        created_at: now,
        updated_at: now,
        finished_at: None,
        dead_at: None,
    }
}

async fn jobs_round_trip_list_and_cancel(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let a = job("acme", "default", None);
    let (stored, created) = store.enqueue_job(&a).await.unwrap();
    assert!(created);
    assert_eq!(stored, a);
    assert_eq!(store.get_job(a.id).await.unwrap(), Some(a.clone()));
    let b = job("acme", "low", None);
    let c = job("globex", "default", None);
    store.enqueue_job(&b).await.unwrap();
    store.enqueue_job(&c).await.unwrap();

    let acme = store
        .list_jobs(&JobQuery {
            tenant: Some("acme".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        acme.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![b.id, a.id],
        "newest first"
    );
    let low = store
        .list_jobs(&JobQuery {
            queue: Some("low".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(low.len(), 1);
    let page2 = store
        .list_jobs(&JobQuery {
            before: Some(c.id),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page2.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![b.id, a.id]
    );

    let cancelled = store
        .cancel_job("acme", a.id, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(cancelled.status, "cancelled");
    assert!(cancelled.finished_at.is_some());
    assert!(matches!(
        store
            .cancel_job("acme", a.id, OffsetDateTime::now_utc())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        matches!(
            store
                .cancel_job("acme", c.id, OffsetDateTime::now_utc())
                .await,
            Err(StoreError::NotFound)
        ),
        "another tenant's job"
    );
    let q = store
        .list_jobs(&JobQuery {
            status: Some("cancelled".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(q.len(), 1);
    assert!(store.job_runs(a.id).await.unwrap().is_empty());
}

async fn a_dedupe_key_names_one_live_job(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let first = job("acme", "default", Some("order-42"));
    let (_, created) = store.enqueue_job(&first).await.unwrap();
    assert!(created);
    let (again, created) = store
        .enqueue_job(&job("acme", "default", Some("order-42")))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, first.id);
    // Other tenants have their own keys.
    let (_, created) = store
        .enqueue_job(&job("globex", "default", Some("order-42")))
        .await
        .unwrap();
    assert!(created);
    // Once the job is no longer live, the key is free.
    store
        .cancel_job("acme", first.id, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let (fresh, created) = store
        .enqueue_job(&job("acme", "default", Some("order-42")))
        .await
        .unwrap();
    assert!(created);
    assert_ne!(fresh.id, first.id);

    // Concurrent enqueues with one key: exactly one job.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .enqueue_job(&job("acme", "low", Some("burst")))
                .await
                .unwrap()
        }));
    }
    let mut ids = std::collections::HashSet::new();
    let mut created_count = 0;
    for t in tasks {
        let (j, created) = t.await.unwrap();
        ids.insert(j.id);
        created_count += usize::from(created);
    }
    assert_eq!((ids.len(), created_count), (1, 1));
}

both_backends!(
    jobs_round_trip_list_and_cancel,
    a_dedupe_key_names_one_live_job
);
