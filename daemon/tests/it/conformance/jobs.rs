//! Job store operations, on both backends.

use std::sync::Arc;

use orch_core::audit::AuditDraft;
use orchd::jobs::{Finish, JobKind, JobQuery, JobRecord, JobStatus, Next, RunOutcome};
use orchd::store::{Store, StoreError};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::both_backends;
use crate::helpers::{Kind, TestDb};

async fn migrated(kind: Kind) -> Option<(TestDb, Arc<dyn Store>)> {
    let db = TestDb::new(kind).await?;
    let store = db.store().await;
    store.migrate().await.unwrap();
    Some((db, store))
}

/// A queued job due now (also used by the process tests to enqueue behind orchd's back).
pub(crate) fn job(tenant: &str, queue: &str, dedupe: Option<&str>) -> JobRecord {
    let now = OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap();
    JobRecord {
        id: Uuid::now_v7(),
        tenant_id: tenant.into(),
        queue: queue.into(),
        kind: JobKind::Execute,
        status: JobStatus::Queued,
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
            status: Some(JobStatus::Cancelled),
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

fn finish(outcome: &'static str, next: Next) -> Finish {
    Finish {
        outcome: outcome.parse().unwrap(),
        next,
        error_code: (outcome != "succeeded").then(|| "upstream_error".to_owned()),
        error_message: (outcome != "succeeded").then(|| "upstream answered 503".to_owned()),
        upstream_status: Some(if outcome == "succeeded" { 200 } else { 503 }),
        duration_ms: 12,
    }
}

/// The audit row builder DLQ batches take: `reason`, the changed ids in the diff.
pub(crate) fn dlq_audit(reason: &str) -> impl Fn(&[Uuid]) -> AuditDraft + Send + Sync + use<> {
    let reason = reason.to_owned();
    move |changed: &[Uuid]| {
        AuditDraft::new("alice", "admin", "dlq.test", &reason)
            .target("dlq", "test")
            .diff(json!({"job_ids": changed}), json!({"status": "changed"}))
    }
}

/// Makes the database refuse audit rows whose reason is `refused by test`, as a failing
/// audit insert would (a constraint on Postgres, a trigger on SQLite).
async fn refuse_audit_rows(db: &TestDb, kind: Kind) {
    use sqlx::Executor;
    match kind {
        Kind::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            pool.execute(
                "ALTER TABLE operator_audit_log ADD CONSTRAINT refuse_test_reason \
                 CHECK (reason <> 'refused by test')",
            )
            .await
            .unwrap();
            pool.close().await;
        }
        Kind::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            pool.execute(
                "CREATE TRIGGER refuse_test_reason BEFORE INSERT ON operator_audit_log \
                 WHEN NEW.reason = 'refused by test' BEGIN SELECT RAISE(ABORT, 'refused by test'); END",
            )
            .await
            .unwrap();
            pool.close().await;
        }
    }
}

/// A DLQ batch and its audit row commit together: when the audit row cannot be written,
/// no job changes; when it can, it names exactly the jobs that changed; a batch that
/// changes nothing writes none.
async fn dlq_batches_commit_with_their_audit_row(kind: Kind) {
    let Some((db, store)) = migrated(kind).await else {
        return;
    };
    let t = OffsetDateTime::now_utc() + Duration::seconds(1);
    let mut dead = Vec::new();
    for _ in 0..3 {
        let mut j = job("acme", "low", None);
        j.max_attempts = 1;
        store.enqueue_job(&j).await.unwrap();
        let c = store
            .claim_jobs("low", "w", t, t + Duration::seconds(30), 1)
            .await
            .unwrap()
            .remove(0);
        assert!(
            store
                .finish_job(c.job.id, c.fencing_token, &finish("failed", Next::Dead), t)
                .await
                .unwrap()
        );
        dead.push(c.job.id);
    }
    refuse_audit_rows(&db, kind).await;
    let unchanged = |what: &'static str| {
        let store = store.clone();
        let dead = dead.clone();
        async move {
            for id in &dead {
                let j = store.get_job(*id).await.unwrap().unwrap();
                assert_eq!(
                    (j.status.as_str(), j.replay_generation, j.payload.is_some()),
                    ("dead", 0, true),
                    "{what} changed a job without its audit row"
                );
            }
            assert!(store.audit_chain(0, 10).await.unwrap().is_empty(), "{what}");
        }
    };
    let refused = store
        .replay_dead_jobs(&dead, t, &dlq_audit("refused by test"))
        .await;
    assert!(refused.is_err(), "{refused:?}");
    unchanged("a refused replay").await;
    let refused = store
        .purge_dead_jobs(&dead, t, &dlq_audit("refused by test"))
        .await;
    assert!(refused.is_err(), "{refused:?}");
    unchanged("a refused purge").await;

    // Audited: the jobs change and the row names them.
    let replayed = store
        .replay_dead_jobs(&dead[..2], t, &dlq_audit("upstream fixed"))
        .await
        .unwrap();
    assert_eq!(replayed, dead[..2]);
    let purged = store
        .purge_dead_jobs(&dead, t, &dlq_audit("cleanup"))
        .await
        .unwrap();
    assert_eq!(purged, dead[2..], "only the job still dead");
    let rows = store.audit_chain(0, 10).await.unwrap();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let named = |i: usize| -> Vec<Uuid> {
        serde_json::from_value(rows[i].diff_json.as_ref().unwrap()["before"]["job_ids"].clone())
            .unwrap()
    };
    assert_eq!(
        (rows[0].reason.as_str(), named(0)),
        ("upstream fixed", dead[..2].to_vec())
    );
    assert_eq!(
        (rows[1].reason.as_str(), named(1)),
        ("cleanup", dead[2..].to_vec())
    );
    for id in &dead[..2] {
        assert_eq!(store.get_job(*id).await.unwrap().unwrap().status, "queued");
    }
    assert_eq!(
        store.get_job(dead[2]).await.unwrap().unwrap().status,
        "purged"
    );

    // Nothing left to change: no audit row.
    assert!(
        store
            .purge_dead_jobs(&dead, t, &dlq_audit("again"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.audit_chain(0, 10).await.unwrap().len(), 2);
}

async fn concurrent_claimers_never_share_a_job(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let mut all = std::collections::HashSet::new();
    for _ in 0..40 {
        let j = job("acme", "default", None);
        all.insert(j.id);
        store.enqueue_job(&j).await.unwrap();
    }
    let other = job("acme", "low", None);
    store.enqueue_job(&other).await.unwrap();
    let now = OffsetDateTime::now_utc() + Duration::seconds(1);
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let got = store
                    .claim_jobs(
                        "default",
                        &format!("w{w}"),
                        now,
                        now + Duration::seconds(30),
                        3,
                    )
                    .await
                    .unwrap();
                if got.is_empty() {
                    return mine;
                }
                mine.extend(got);
            }
        }));
    }
    let mut seen = std::collections::HashSet::new();
    for t in tasks {
        for c in t.await.unwrap() {
            assert!(seen.insert(c.job.id), "job {} claimed twice", c.job.id);
            assert_eq!(c.attempt, 1);
            assert_eq!(c.job.status, "running");
        }
    }
    assert_eq!(seen, all, "every due job of the queue claimed once");
    assert_eq!(
        store.get_job(other.id).await.unwrap().unwrap().status,
        "queued",
        "other queues untouched"
    );
}

async fn claims_respect_run_at_and_record_a_run(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    let mut later = job("acme", "default", None);
    later.run_at = now + Duration::minutes(5);
    store.enqueue_job(&later).await.unwrap();
    let lease = now + Duration::seconds(30);
    assert!(
        store
            .claim_jobs("default", "w1", now, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let claims = store
        .claim_jobs("default", "w1", now + Duration::minutes(6), lease, 10)
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    let c = &claims[0];
    assert_eq!((c.job.id, c.attempt, c.job.attempts), (later.id, 1, 1));
    let runs = store.job_runs(later.id).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].attempt, runs[0].worker_id.as_str()), (1, "w1"));
    assert!(runs[0].finished_at.is_none());
    // A running job is not claimed again.
    assert!(
        store
            .claim_jobs("default", "w2", now + Duration::minutes(7), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_stale_fencing_token_cannot_finish_or_heartbeat(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let j = job("acme", "default", None);
    store.enqueue_job(&j).await.unwrap();
    let t0 = OffsetDateTime::now_utc() + Duration::seconds(1);
    let first = store
        .claim_jobs("default", "w1", t0, t0 + Duration::seconds(5), 1)
        .await
        .unwrap()
        .remove(0);
    assert!(
        store
            .heartbeat_job(j.id, first.fencing_token, t0 + Duration::seconds(10))
            .await
            .unwrap()
    );
    // The worker goes silent; its lease runs out and the reaper hands the job back.
    let t1 = t0 + Duration::seconds(11);
    let reclaimed = store.reclaim_expired_jobs(t1).await.unwrap();
    assert_eq!(
        reclaimed.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![j.id]
    );
    let back = store.get_job(j.id).await.unwrap().unwrap();
    assert_eq!(back.status, "queued");
    assert_eq!(back.last_error_code.as_deref(), Some("crashed"));
    let second = store
        .claim_jobs("default", "w2", t1, t1 + Duration::seconds(30), 1)
        .await
        .unwrap()
        .remove(0);
    assert!(second.fencing_token > first.fencing_token);
    assert_eq!(second.attempt, 2);

    // The first worker wakes up: its token is stale, nothing it says counts.
    assert!(
        !store
            .heartbeat_job(j.id, first.fencing_token, t1 + Duration::seconds(60))
            .await
            .unwrap()
    );
    assert!(
        !store
            .finish_job(
                j.id,
                first.fencing_token,
                &finish("succeeded", Next::Succeeded),
                t1
            )
            .await
            .unwrap()
    );
    assert_eq!(
        store.get_job(j.id).await.unwrap().unwrap().status,
        "running"
    );

    assert!(
        store
            .finish_job(
                j.id,
                second.fencing_token,
                &finish("succeeded", Next::Succeeded),
                t1
            )
            .await
            .unwrap()
    );
    let done = store.get_job(j.id).await.unwrap().unwrap();
    assert_eq!(done.status, "succeeded");
    assert!(done.finished_at.is_some());
    let runs = store.job_runs(j.id).await.unwrap();
    let outcomes: Vec<_> = runs.iter().map(|r| (r.attempt, r.outcome)).collect();
    assert!(
        outcomes.contains(&(1, Some(RunOutcome::Crashed))),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&(2, Some(RunOutcome::Succeeded))),
        "{outcomes:?}"
    );
    // Finishing twice is refused too.
    assert!(
        !store
            .finish_job(
                j.id,
                second.fencing_token,
                &finish("succeeded", Next::Succeeded),
                t1
            )
            .await
            .unwrap()
    );
}

async fn retries_throttles_and_dead_letters(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let mut j = job("acme", "default", None);
    j.max_attempts = 2;
    store.enqueue_job(&j).await.unwrap();
    let t = OffsetDateTime::now_utc() + Duration::seconds(1);
    let lease = t + Duration::seconds(30);

    // Throttled: back on the queue later, the attempt handed back.
    let c = store
        .claim_jobs("default", "w", t, lease, 1)
        .await
        .unwrap()
        .remove(0);
    let later = t + Duration::seconds(2);
    assert!(
        store
            .finish_job(
                j.id,
                c.fencing_token,
                &finish("throttled", Next::Throttled { run_at: later }),
                t
            )
            .await
            .unwrap()
    );
    let after = store.get_job(j.id).await.unwrap().unwrap();
    assert_eq!((after.status.as_str(), after.attempts), ("queued", 0));
    assert!(
        store
            .claim_jobs("default", "w", t, lease, 1)
            .await
            .unwrap()
            .is_empty(),
        "not before run_at"
    );

    // A failed attempt retries and counts.
    let c = store
        .claim_jobs("default", "w", later, lease, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(c.attempt, 1);
    let retry_at = later + Duration::seconds(4);
    assert!(
        store
            .finish_job(
                j.id,
                c.fencing_token,
                &finish("failed", Next::Retry { run_at: retry_at }),
                later
            )
            .await
            .unwrap()
    );
    let after = store.get_job(j.id).await.unwrap().unwrap();
    assert_eq!((after.status.as_str(), after.attempts), ("queued", 1));
    assert_eq!(after.last_upstream_status, Some(503));
    assert_eq!(after.last_error_code.as_deref(), Some("upstream_error"));

    // The last attempt crashes: with attempts used up, the reaper dead-letters it.
    let c = store
        .claim_jobs("default", "w", retry_at, retry_at, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(c.attempt, 2);
    let reclaimed = store
        .reclaim_expired_jobs(retry_at + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(
        reclaimed.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![j.id]
    );
    let dead = store.get_job(j.id).await.unwrap().unwrap();
    assert_eq!(reclaimed[0], dead, "the reclaimed job as it is now");
    assert_eq!(dead.status, "dead");
    assert!(dead.dead_at.is_some());
    let runs = store.job_runs(j.id).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| r.attempt).collect::<Vec<_>>(),
        vec![1, 2],
        "a throttled attempt leaves no run"
    );
    assert!(runs.iter().all(|r| r.finished_at.is_some()));

    // Dead by decision of the worker.
    let k = job("acme", "default", None);
    store.enqueue_job(&k).await.unwrap();
    let c = store
        .claim_jobs("default", "w", t, lease, 1)
        .await
        .unwrap()
        .remove(0);
    assert!(
        store
            .finish_job(k.id, c.fencing_token, &finish("failed", Next::Dead), t)
            .await
            .unwrap()
    );
    assert_eq!(store.get_job(k.id).await.unwrap().unwrap().status, "dead");
    // Nothing left to reclaim.
    assert!(
        store
            .reclaim_expired_jobs(t + Duration::hours(1))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn dead_jobs_replay_and_purge(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let t = OffsetDateTime::now_utc() + Duration::seconds(1);
    let lease = t + Duration::seconds(30);
    let mut dead = Vec::new();
    for queue in ["low", "low", "webhook"] {
        let mut j = job("acme", queue, None);
        j.max_attempts = 1;
        store.enqueue_job(&j).await.unwrap();
        let c = store
            .claim_jobs(queue, "w", t, lease, 1)
            .await
            .unwrap()
            .remove(0);
        assert!(
            store
                .finish_job(j.id, c.fencing_token, &finish("failed", Next::Dead), t)
                .await
                .unwrap()
        );
        dead.push(j);
    }
    let live = job("acme", "low", None);
    store.enqueue_job(&live).await.unwrap();
    let mut later = job("acme", "critical", None);
    later.run_at = t + Duration::hours(1);
    store.enqueue_job(&later).await.unwrap();
    let queued = store.queue_stats(t).await.unwrap();
    let q: Vec<_> = queued
        .iter()
        .map(|s| (s.queue.as_str(), s.depth, s.oldest_due.is_some()))
        .collect();
    assert_eq!(
        q,
        vec![
            ("webhook", 0, false),
            ("critical", 1, false),
            ("default", 0, false),
            ("low", 1, true)
        ],
        "a job not yet due counts in depth but not in age"
    );

    let stats = store.dlq_stats().await.unwrap();
    let depth: Vec<_> = stats.iter().map(|s| (s.queue.as_str(), s.depth)).collect();
    assert_eq!(
        depth,
        vec![("webhook", 1), ("critical", 0), ("default", 0), ("low", 2)]
    );
    assert!(
        stats
            .iter()
            .all(|s| (s.depth > 0) == s.oldest_dead_at.is_some())
    );
    let filtered = store
        .list_jobs(&JobQuery {
            status: Some(JobStatus::Dead),
            connector: Some("stripe".into()),
            error_code: Some("upstream_error".into()),
            dead_since: Some(t - Duration::seconds(1)),
            dead_until: Some(t + Duration::seconds(1)),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(filtered.len(), 3);
    let none = store
        .list_jobs(&JobQuery {
            status: Some(JobStatus::Dead),
            dead_since: Some(t + Duration::seconds(1)),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.is_empty());

    let by_ids = store
        .list_jobs(&JobQuery {
            status: Some(JobStatus::Dead),
            ids: vec![dead[0].id, live.id, dead[2].id],
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut got: Vec<_> = by_ids.iter().map(|j| j.id).collect();
    got.sort();
    let mut want = vec![dead[0].id, dead[2].id];
    want.sort();
    assert_eq!(got, want, "only the listed ids, and only dead ones");

    // Replay only touches jobs that are still dead.
    let replayed = store
        .replay_dead_jobs(&[dead[0].id, live.id], t, &dlq_audit("replay"))
        .await
        .unwrap();
    assert_eq!(replayed, vec![dead[0].id]);
    let back = store.get_job(dead[0].id).await.unwrap().unwrap();
    assert_eq!(
        (back.status.as_str(), back.attempts, back.replay_generation),
        ("queued", 0, 1)
    );
    assert!(back.dead_at.is_none());
    assert_eq!(
        store.job_runs(dead[0].id).await.unwrap().len(),
        1,
        "history kept"
    );

    let mut purged = store
        .purge_dead_jobs(
            &[dead[0].id, dead[1].id, dead[2].id],
            t,
            &dlq_audit("purge"),
        )
        .await
        .unwrap();
    purged.sort();
    let mut expected = vec![dead[1].id, dead[2].id];
    expected.sort();
    assert_eq!(purged, expected);
    let gone = store.get_job(dead[1].id).await.unwrap().unwrap();
    assert_eq!(gone.status, "purged");
    assert_eq!((gone.payload, gone.params), (None, None));
    assert_eq!(store.job_runs(dead[1].id).await.unwrap().len(), 1);
    assert!(
        store
            .dlq_stats()
            .await
            .unwrap()
            .iter()
            .all(|s| s.depth == 0)
    );
}

/// The console's DLQ page shows each queue's depth and how long its oldest dead job has
/// waited: the stats name the earliest `dead_at` of the queue, not any.
async fn dlq_stats_name_each_queues_oldest_dead_job(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let base = job("acme", "low", None).run_at + Duration::seconds(1);
    // Out of order on purpose: the first to die is not the first enqueued.
    for (queue, died_after_s) in [("low", 20), ("low", 0), ("low", 10), ("default", 5)] {
        let mut j = job("acme", queue, None);
        j.max_attempts = 1;
        store.enqueue_job(&j).await.unwrap();
        let at = base + Duration::seconds(died_after_s);
        let c = store
            .claim_jobs(queue, "w", at, at + Duration::seconds(30), 1)
            .await
            .unwrap()
            .remove(0);
        assert!(
            store
                .finish_job(j.id, c.fencing_token, &finish("failed", Next::Dead), at)
                .await
                .unwrap()
        );
    }
    let stats = store.dlq_stats().await.unwrap();
    let rows: Vec<_> = stats
        .iter()
        .map(|s| (s.queue.as_str(), s.depth, s.oldest_dead_at))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("webhook", 0, None),
            ("critical", 0, None),
            ("default", 1, Some(base + Duration::seconds(5))),
            ("low", 3, Some(base)),
        ]
    );
}

/// What a trace reads: its jobs by trace id, and the newest runs of each of them.
async fn jobs_of_a_trace_and_their_newest_runs(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let t = job("acme", "low", None).run_at + Duration::seconds(1);
    let a = job("acme", "low", None);
    let b = job("acme", "default", None);
    let mut other = job("acme", "low", None);
    other.trace_id = Some("0af7651916cd43dd8448eb211c80319c".into());
    for j in [&a, &b, &other] {
        store.enqueue_job(j).await.unwrap();
    }
    // a: three attempts, each retried; b: one that succeeds.
    for i in 0..3 {
        let at = t + Duration::seconds(i);
        let c = store
            .claim_jobs_by_id(&[a.id], "w", at, at + Duration::seconds(30))
            .await
            .unwrap()
            .remove(0);
        let retry = finish("failed", Next::Retry { run_at: at });
        assert!(
            store
                .finish_job(a.id, c.fencing_token, &retry, at)
                .await
                .unwrap()
        );
    }
    let c = store
        .claim_jobs_by_id(&[b.id], "w", t, t + Duration::seconds(30))
        .await
        .unwrap()
        .remove(0);
    let done = finish("succeeded", Next::Succeeded);
    assert!(
        store
            .finish_job(b.id, c.fencing_token, &done, t)
            .await
            .unwrap()
    );

    let traced = store
        .list_jobs(&JobQuery {
            trace_id: other.trace_id.clone(),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        traced.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![other.id]
    );

    let runs = store
        .runs_of_jobs(&[b.id, a.id, other.id, Uuid::now_v7()], 2)
        .await
        .unwrap();
    let mut want = vec![(a.id, 2), (a.id, 3), (b.id, 1)];
    want.sort_by_key(|(id, attempt)| (*id, *attempt));
    let got: Vec<(Uuid, i32)> = runs.iter().map(|r| (r.job_id, r.attempt)).collect();
    assert_eq!(
        got, want,
        "the newest two of a, b's one, none of the others"
    );
    let first = runs.iter().find(|r| r.job_id == b.id).unwrap();
    assert_eq!(first, &store.job_runs(b.id).await.unwrap()[0]);
    assert!(store.runs_of_jobs(&[], 2).await.unwrap().is_empty());
}

async fn replay_drops_a_dedupe_key_a_live_job_holds(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let t = OffsetDateTime::now_utc() + Duration::seconds(1);
    // Two jobs with one key die in turn (the key is free again once a job is not live).
    let mut dead = Vec::new();
    for _ in 0..2 {
        let mut j = job("acme", "low", Some("order-7"));
        j.max_attempts = 1;
        let (_, created) = store.enqueue_job(&j).await.unwrap();
        assert!(created);
        let c = store
            .claim_jobs("low", "w", t, t + Duration::seconds(30), 1)
            .await
            .unwrap()
            .remove(0);
        assert!(
            store
                .finish_job(j.id, c.fencing_token, &finish("failed", Next::Dead), t)
                .await
                .unwrap()
        );
        dead.push(j.id);
    }
    // Replaying both: the first takes the key back, the second runs without it.
    let replayed = store
        .replay_dead_jobs(&dead, t, &dlq_audit("replay"))
        .await
        .unwrap();
    assert_eq!(replayed, dead);
    let first = store.get_job(dead[0]).await.unwrap().unwrap();
    let second = store.get_job(dead[1]).await.unwrap().unwrap();
    assert_eq!(first.dedupe_key.as_deref(), Some("order-7"));
    assert_eq!(second.dedupe_key, None);
    assert_eq!(second.status, "queued");
    // The key still names one live job.
    let (again, created) = store
        .enqueue_job(&job("acme", "low", Some("order-7")))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, dead[0]);
}

/// Dispatch hands out ids, possibly twice: claiming by id takes each queued, due job once
/// and skips the rest.
async fn claims_by_id_take_each_due_job_once(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    let mut ids = Vec::new();
    for _ in 0..30 {
        let j = job("acme", "default", None);
        ids.push(j.id);
        store.enqueue_job(&j).await.unwrap();
    }
    let mut delayed = job("acme", "default", None);
    delayed.run_at = now + Duration::minutes(5);
    store.enqueue_job(&delayed).await.unwrap();
    let cancelled = job("acme", "default", None);
    store.enqueue_job(&cancelled).await.unwrap();
    store.cancel_job("acme", cancelled.id, now).await.unwrap();
    // After the enqueues: every job is due by then however slowly they went in.
    let at = OffsetDateTime::now_utc() + Duration::seconds(1);
    let lease = at + Duration::seconds(30);
    // Eight claimers race over the same ids (each list also names the delayed, cancelled
    // and an unknown job).
    let mut asks = ids.clone();
    asks.extend([delayed.id, cancelled.id, Uuid::now_v7()]);
    let mut tasks = Vec::new();
    for w in 0..8 {
        let (store, asks) = (store.clone(), asks.clone());
        tasks.push(tokio::spawn(async move {
            store
                .claim_jobs_by_id(&asks, &format!("w{w}"), at, lease)
                .await
                .unwrap()
        }));
    }
    let mut seen = std::collections::HashSet::new();
    for t in tasks {
        for c in t.await.unwrap() {
            assert!(seen.insert(c.job.id), "job {} claimed twice", c.job.id);
            assert_eq!((c.attempt, c.job.status.as_str()), (1, "running"));
            assert_eq!(store.job_runs(c.job.id).await.unwrap().len(), 1);
        }
    }
    assert_eq!(seen, ids.iter().copied().collect(), "each due job once");
    assert_eq!(
        store.get_job(delayed.id).await.unwrap().unwrap().status,
        "queued",
        "not due yet"
    );
    let later = now + Duration::minutes(6);
    let got = store
        .claim_jobs_by_id(&[delayed.id], "w1", later, later + Duration::seconds(30))
        .await
        .unwrap();
    assert_eq!(got.len(), 1);
    assert!(
        store
            .claim_jobs_by_id(&[], "w1", later, later)
            .await
            .unwrap()
            .is_empty()
    );
}

/// What dispatch is rebuilt from: queued jobs in due order, paged, optionally only overdue.
async fn queued_job_tickets_page_in_due_order(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    // Due times relative to one instant (micro-second precise, as stored), however slowly
    // the rows go in.
    let now = job("acme", "low", None).run_at;
    let mut expected = Vec::new();
    for i in 0..7i64 {
        let mut j = job(if i % 2 == 0 { "acme" } else { "globex" }, "low", None);
        j.run_at = now + Duration::seconds(10 * (3 - i));
        store.enqueue_job(&j).await.unwrap();
        expected.push((j.run_at, j.id, j.tenant_id.clone()));
    }
    expected.sort();
    let done = job("acme", "low", None);
    store.enqueue_job(&done).await.unwrap();
    store.cancel_job("acme", done.id, now).await.unwrap();
    store
        .enqueue_job(&job("acme", "critical", None))
        .await
        .unwrap();
    let mut got = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .queued_job_tickets("low", after, None, 3)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.run_at, last.id));
        got.extend(page.into_iter().map(|t| {
            assert_eq!(t.queue, "low");
            (t.run_at, t.id, t.tenant)
        }));
    }
    assert_eq!(got, expected, "every queued low job once, in due order");
    let overdue = store
        .queued_job_tickets("low", None, Some(now - Duration::seconds(5)), 100)
        .await
        .unwrap();
    let want: Vec<Uuid> = expected
        .iter()
        .filter(|(at, _, _)| *at <= now - Duration::seconds(5))
        .map(|(_, id, _)| *id)
        .collect();
    assert_eq!(overdue.iter().map(|t| t.id).collect::<Vec<_>>(), want);
    assert_eq!(want.len(), 3);
}

/// A batch of finishes in one transaction: each attempt counts only with its own current
/// token, and the answers come back in order.
async fn finishing_in_batches_checks_each_token(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let jobs: Vec<JobRecord> = (0..4).map(|_| job("acme", "default", None)).collect();
    for j in &jobs {
        store.enqueue_job(j).await.unwrap();
    }
    let t = OffsetDateTime::now_utc() + Duration::seconds(1);
    let lease = t + Duration::seconds(30);
    let ids: Vec<Uuid> = jobs.iter().map(|j| j.id).collect();
    let mut claims = store.claim_jobs_by_id(&ids, "w", t, lease).await.unwrap();
    claims.sort_by_key(|c| ids.iter().position(|id| *id == c.job.id));
    assert_eq!(claims.len(), 4);
    let later = t + Duration::seconds(5);
    let attempt = |i: usize, token: i64, f: Finish| orchd::jobs::FinishedAttempt {
        job_id: claims[i].job.id,
        token,
        finish: f,
        at: t,
    };
    let done = store
        .finish_jobs(&[
            attempt(
                0,
                claims[0].fencing_token,
                finish("succeeded", Next::Succeeded),
            ),
            attempt(
                1,
                claims[1].fencing_token + 1,
                finish("succeeded", Next::Succeeded),
            ),
            attempt(
                2,
                claims[2].fencing_token,
                finish("throttled", Next::Throttled { run_at: later }),
            ),
            attempt(
                3,
                claims[3].fencing_token,
                finish("failed", Next::Retry { run_at: later }),
            ),
        ])
        .await
        .unwrap();
    assert_eq!(done, vec![true, false, true, true]);
    let status = |i: usize| {
        let store = store.clone();
        let id = ids[i];
        async move {
            let j = store.get_job(id).await.unwrap().unwrap();
            let runs = store.job_runs(id).await.unwrap();
            (
                j.status,
                j.attempts,
                runs.len(),
                runs.first().and_then(|r| r.outcome),
            )
        }
    };
    assert_eq!(
        status(0).await,
        (JobStatus::Succeeded, 1, 1, Some(RunOutcome::Succeeded))
    );
    assert_eq!(
        status(1).await,
        (JobStatus::Running, 1, 1, None),
        "a stale token changes nothing"
    );
    assert_eq!(
        status(2).await,
        (JobStatus::Queued, 0, 0, None),
        "throttled: attempt and run handed back"
    );
    assert_eq!(
        status(3).await,
        (JobStatus::Queued, 1, 1, Some(RunOutcome::Failed))
    );
    assert!(store.finish_jobs(&[]).await.unwrap().is_empty());
}

both_backends!(
    dlq_batches_commit_with_their_audit_row,
    finishing_in_batches_checks_each_token,
    claims_by_id_take_each_due_job_once,
    queued_job_tickets_page_in_due_order,
    jobs_round_trip_list_and_cancel,
    a_dedupe_key_names_one_live_job,
    concurrent_claimers_never_share_a_job,
    claims_respect_run_at_and_record_a_run,
    a_stale_fencing_token_cannot_finish_or_heartbeat,
    retries_throttles_and_dead_letters,
    dead_jobs_replay_and_purge,
    dlq_stats_name_each_queues_oldest_dead_job,
    jobs_of_a_trace_and_their_newest_runs,
    replay_drops_a_dedupe_key_a_live_job_holds
);
