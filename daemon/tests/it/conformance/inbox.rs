//! Webhook inbox store operations, on both backends: a delivery and its job in one
//! transaction, deduplicated by event id (also under concurrency), large bodies out of row,
//! lists, replay, and the row's status following its job through finish, reclaim and DLQ
//! replay.

use std::sync::Arc;

use orch_core::audit::AuditDraft;
use orchd::jobs::{Finish, JobQuery, Next};
use orchd::store::{Store, StoreError};
use orchd::webhooks::{InboxQuery, InboxRecord, NewDelivery, webhook_job};
use sha2::Digest;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::both_backends;
use crate::helpers::{Kind, TestDb};

const INLINE_MAX: usize = 1024;

async fn migrated(kind: Kind) -> Option<(TestDb, Arc<dyn Store>)> {
    let db = TestDb::new(kind).await?;
    let store = db.store().await;
    store.migrate().await.unwrap();
    Some((db, store))
}

fn now_us() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap()
}

fn delivery(tenant: &str, event_id: &str, event_type: &str, body: Vec<u8>) -> NewDelivery {
    let now = now_us();
    let record = InboxRecord {
        id: Uuid::now_v7(),
        provider: "stripe".into(),
        tenant_id: tenant.into(),
        event_id: event_id.into(),
        event_type: event_type.into(),
        status: "received".into(),
        payload_ref: None,
        payload_size: body.len() as i64,
        payload_sha256: hex::encode(sha2::Sha256::digest(&body)),
        signature_timestamp: Some(now.unix_timestamp()),
        note: None,
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        request_id: Some("req-1".into()),
        request_headers: None,
        received_at: now,
        processed_at: None,
        updated_at: now,
        job_ids: Vec::new(),
    };
    let job = webhook_job(
        &record,
        3,
        Some(
            serde_json::json!({"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}),
        ),
        now,
    );
    NewDelivery {
        record,
        payload: body,
        inline_max: INLINE_MAX,
        job,
    }
}

fn body(id: &str, kind: &str) -> Vec<u8> {
    format!(r#"{{"id":"{id}","object":"event","type":"{kind}"}}"#).into_bytes()
}

fn finish(outcome: &'static str, next: Next) -> Finish {
    Finish {
        outcome: outcome.parse().unwrap(),
        next,
        error_code: (outcome != "succeeded").then(|| "upstream_error".to_owned()),
        error_message: None,
        upstream_status: None,
        duration_ms: 3,
    }
}

async fn jobs_of(store: &Arc<dyn Store>, tenant: &str) -> usize {
    store
        .list_jobs(&JobQuery {
            tenant: Some(tenant.into()),
            limit: 500,
            ..JobQuery::default()
        })
        .await
        .unwrap()
        .len()
}

async fn a_delivery_and_its_job_commit_together_once(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let d = delivery(
        "acme",
        "evt_1",
        "invoice.paid",
        body("evt_1", "invoice.paid"),
    );
    let got = store.receive_delivery(&d).await.unwrap();
    assert!(!got.duplicate());
    let job = got.job.clone().unwrap();
    assert_eq!(
        (job.kind.as_str(), job.queue.as_str(), job.inbox_id),
        ("webhook", "webhook", Some(d.record.id))
    );
    assert_eq!(job.trace_id, d.record.trace_id);
    assert_eq!(job.request_id.as_deref(), Some("req-1"));
    assert_eq!(got.record.id, d.record.id);
    assert_eq!(got.record.job_ids, vec![job.id]);
    assert_eq!(got.record.status, "received");
    assert_eq!(got.record.payload_ref, None, "small bodies stay in the row");

    let stored = store.get_inbox(d.record.id).await.unwrap().unwrap();
    assert_eq!(stored, got.record);
    assert_eq!(
        store.inbox_payload(d.record.id).await.unwrap().unwrap(),
        d.payload
    );
    assert_eq!(store.get_job(job.id).await.unwrap().unwrap(), job);

    // The same event id again (re-signed, another request): the first row, no new job.
    let again = delivery(
        "acme",
        "evt_1",
        "invoice.paid",
        body("evt_1", "invoice.paid"),
    );
    let dup = store.receive_delivery(&again).await.unwrap();
    assert!(dup.duplicate());
    assert_eq!(dup.record.id, d.record.id);
    assert_eq!(dup.record.job_ids, vec![job.id]);
    assert!(store.get_inbox(again.record.id).await.unwrap().is_none());
    assert!(store.get_job(again.job.id).await.unwrap().is_none());
    assert_eq!(jobs_of(&store, "acme").await, 1);

    // Another tenant (or provider) may carry the same event id.
    let other = delivery("globex", "evt_1", "invoice.paid", body("evt_1", "x"));
    assert!(!store.receive_delivery(&other).await.unwrap().duplicate());
    assert!(store.get_inbox(Uuid::now_v7()).await.unwrap().is_none());
    assert!(store.inbox_payload(Uuid::now_v7()).await.unwrap().is_none());
}

async fn concurrent_duplicates_make_one_row_and_one_job(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let d = delivery(
                "acme",
                "evt_race",
                "charge.succeeded",
                body("evt_race", "c"),
            );
            store.receive_delivery(&d).await.unwrap()
        }));
    }
    let mut ids = std::collections::HashSet::new();
    let mut fresh = 0;
    for t in tasks {
        let got = t.await.unwrap();
        ids.insert(got.record.id);
        if !got.duplicate() {
            fresh += 1;
        }
    }
    assert_eq!((ids.len(), fresh), (1, 1));
    assert_eq!(jobs_of(&store, "acme").await, 1);
}

async fn large_bodies_are_stored_out_of_row(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let mut big = body("evt_big", "invoice.paid");
    big.truncate(big.len() - 1);
    big.extend_from_slice(format!(r#","pad":"{}"}}"#, "é".repeat(INLINE_MAX)).as_bytes());
    let d = delivery("acme", "evt_big", "invoice.paid", big.clone());
    let got = store.receive_delivery(&d).await.unwrap();
    let reference = got.record.payload_ref.clone().expect("payload_ref");
    assert!(reference.starts_with("blob:"), "{reference}");
    assert_eq!(got.record.payload_size, big.len() as i64);
    assert_eq!(
        store.inbox_payload(d.record.id).await.unwrap().unwrap(),
        big
    );
    // Exactly at the limit: still in the row.
    let mut edge = body("evt_edge", "x");
    edge.resize(INLINE_MAX, b' ');
    let d = delivery("acme", "evt_edge", "x", edge.clone());
    let got = store.receive_delivery(&d).await.unwrap();
    assert_eq!(got.record.payload_ref, None);
    assert_eq!(
        store.inbox_payload(d.record.id).await.unwrap().unwrap(),
        edge
    );
}

async fn inbox_lists_filter_and_page(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let a = delivery(
        "acme",
        "evt_a",
        "invoice.paid",
        body("evt_a", "invoice.paid"),
    );
    let b = delivery(
        "acme",
        "evt_b",
        "charge.failed",
        body("evt_b", "charge.failed"),
    );
    let c = delivery(
        "globex",
        "evt_c",
        "invoice.paid",
        body("evt_c", "invoice.paid"),
    );
    for d in [&a, &b, &c] {
        store.receive_delivery(d).await.unwrap();
    }
    let ids = |rows: Vec<InboxRecord>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let q = |f: fn(&mut InboxQuery)| {
        let mut q = InboxQuery {
            limit: 10,
            ..InboxQuery::default()
        };
        f(&mut q);
        q
    };
    let all = store.list_inbox(&q(|_| {})).await.unwrap();
    assert_eq!(
        ids(all.clone()),
        vec![c.record.id, b.record.id, a.record.id]
    );
    assert!(all.iter().all(|r| r.job_ids.len() == 1));
    let acme = store
        .list_inbox(&q(|q| q.tenant = Some("acme".into())))
        .await
        .unwrap();
    assert_eq!(ids(acme), vec![b.record.id, a.record.id]);
    let paid = store
        .list_inbox(&q(|q| q.event_type = Some("invoice.paid".into())))
        .await
        .unwrap();
    assert_eq!(ids(paid), vec![c.record.id, a.record.id]);
    assert!(
        store
            .list_inbox(&q(|q| q.provider = Some("github".into())))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .list_inbox(&q(|q| q.status = Some("received".into())))
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        store
            .list_inbox(&q(|q| q.status = Some("processed".into())))
            .await
            .unwrap()
            .is_empty()
    );
    let mut page = q(|_| {});
    page.limit = 2;
    let first = store.list_inbox(&page).await.unwrap();
    assert_eq!(ids(first.clone()), vec![c.record.id, b.record.id]);
    page.before = first.last().map(|r| r.id);
    assert_eq!(
        ids(store.list_inbox(&page).await.unwrap()),
        vec![a.record.id]
    );
    let later = store
        .list_inbox(&InboxQuery {
            since: Some(OffsetDateTime::now_utc() + Duration::minutes(1)),
            limit: 10,
            ..InboxQuery::default()
        })
        .await
        .unwrap();
    assert!(later.is_empty());
    let earlier = store
        .list_inbox(&InboxQuery {
            until: Some(OffsetDateTime::now_utc() + Duration::minutes(1)),
            limit: 10,
            ..InboxQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(earlier.len(), 3);
}

/// The kept request headers come back as stored (and absent where none were kept); lists
/// take a received-at range, a trace and a set of ids.
async fn headers_round_trip_and_lists_take_a_time_range_a_trace_and_ids(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let t = now_us();
    let mut rows = Vec::new();
    for (i, hours_ago) in [3, 2, 1].into_iter().enumerate() {
        let id = format!("evt_{i}");
        let mut d = delivery("acme", &id, "invoice.paid", body(&id, "invoice.paid"));
        d.record.received_at = t - Duration::hours(hours_ago);
        d.record.trace_id = Some(format!("{:032x}", i + 1));
        d.job.trace_id = d.record.trace_id.clone();
        if i == 0 {
            d.record.request_headers = Some(
                [
                    ("content-type", "application/json"),
                    ("stripe-signature", "t=1492774577,v1=[redacted]"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            );
        }
        store.receive_delivery(&d).await.unwrap();
        rows.push(d.record);
    }
    let got = store.get_inbox(rows[0].id).await.unwrap().unwrap();
    assert_eq!(got.request_headers, rows[0].request_headers);
    assert_eq!(got.received_at, rows[0].received_at);
    let plain = store.get_inbox(rows[1].id).await.unwrap().unwrap();
    assert_eq!(plain.request_headers, None);

    let list = |q: InboxQuery| {
        let store = store.clone();
        async move {
            store
                .list_inbox(&InboxQuery { limit: 10, ..q })
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    let (a, b, c) = (rows[0].id, rows[1].id, rows[2].id);
    // since is inclusive, until exclusive.
    let at = |hours: i64| Some(t - Duration::hours(hours));
    assert_eq!(
        list(InboxQuery {
            since: at(2),
            ..Default::default()
        })
        .await,
        vec![c, b]
    );
    assert_eq!(
        list(InboxQuery {
            until: at(2),
            ..Default::default()
        })
        .await,
        vec![a]
    );
    assert_eq!(
        list(InboxQuery {
            since: at(3),
            until: at(1),
            ..Default::default()
        })
        .await,
        vec![b, a]
    );
    let trace = rows[1].trace_id.clone();
    assert_eq!(
        list(InboxQuery {
            trace_id: trace,
            ..Default::default()
        })
        .await,
        vec![b]
    );
    assert_eq!(
        list(InboxQuery {
            ids: vec![a, c, Uuid::now_v7()],
            ..Default::default()
        })
        .await,
        vec![c, a]
    );
    let listed = store
        .list_inbox(&InboxQuery {
            ids: vec![a],
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        listed[0].request_headers, rows[0].request_headers,
        "lists carry them too"
    );
}

async fn inbox_status_follows_its_job(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let t = OffsetDateTime::now_utc() + Duration::seconds(1);
    let lease = t + Duration::seconds(30);
    let status = |id: Uuid| {
        let store = store.clone();
        async move { store.get_inbox(id).await.unwrap().unwrap() }
    };

    // Succeeded → processed (with processed_at); a retry on the way leaves it received.
    let ok = delivery(
        "acme",
        "evt_ok",
        "invoice.paid",
        body("evt_ok", "invoice.paid"),
    );
    let ok_job = store.receive_delivery(&ok).await.unwrap().job.unwrap();
    let c = store
        .claim_jobs("webhook", "w", t, lease, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(c.job.id, ok_job.id);
    let retry = finish("failed", Next::Retry { run_at: t });
    assert!(
        store
            .finish_job(c.job.id, c.fencing_token, &retry, t)
            .await
            .unwrap()
    );
    assert_eq!(status(ok.record.id).await.status, "received");
    let c = store
        .claim_jobs("webhook", "w", t, lease, 1)
        .await
        .unwrap()
        .remove(0);
    let done = finish("succeeded", Next::Succeeded);
    assert!(
        store
            .finish_job(c.job.id, c.fencing_token, &done, t)
            .await
            .unwrap()
    );
    let row = status(ok.record.id).await;
    assert_eq!(row.status, "processed");
    assert!(row.processed_at.is_some());

    // Dead → failed; a DLQ replay puts it back to received; dead again → failed.
    let bad = delivery(
        "acme",
        "evt_bad",
        "invoice.paid",
        body("evt_bad", "invoice.paid"),
    );
    let bad_job = store.receive_delivery(&bad).await.unwrap().job.unwrap();
    let c = store
        .claim_jobs("webhook", "w", t, lease, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(c.job.id, bad_job.id);
    let dead = finish("failed", Next::Dead);
    assert!(
        store
            .finish_job(c.job.id, c.fencing_token, &dead, t)
            .await
            .unwrap()
    );
    assert_eq!(status(bad.record.id).await.status, "failed");
    assert_eq!(
        store
            .replay_dead_jobs(&[bad_job.id], t, &super::jobs::dlq_audit("replay"))
            .await
            .unwrap(),
        vec![bad_job.id]
    );
    let row = status(bad.record.id).await;
    assert_eq!((row.status.as_str(), row.processed_at), ("received", None));

    // Dead by lease reclaim → failed (the replayed job has attempts left: use them up).
    let mut reclaimed = 0;
    for i in 0..3 {
        let at = t + Duration::seconds(i);
        let c = store.claim_jobs("webhook", "w", at, at, 1).await.unwrap();
        assert_eq!(c.len(), 1);
        reclaimed += store
            .reclaim_expired_jobs(at + Duration::milliseconds(500))
            .await
            .unwrap()
            .len();
    }
    assert_eq!(reclaimed, 3);
    assert_eq!(
        store.get_job(bad_job.id).await.unwrap().unwrap().status,
        "dead"
    );
    assert_eq!(status(bad.record.id).await.status, "failed");

    // An inbox replay: back to received with a new job, audited, in one transaction.
    let replay = webhook_job(&status(bad.record.id).await, 3, None, now_us());
    let audit_before = store.audit_chain(0, 1000).await.unwrap().len();
    let (row, job) = store
        .replay_inbox(
            &replay,
            AuditDraft::new("tester", "admin", "inbox.replay", "upstream fixed"),
        )
        .await
        .unwrap();
    assert_eq!(job.id, replay.id);
    assert_eq!(row.status, "received");
    assert_eq!(row.job_ids, vec![bad_job.id, replay.id]);
    assert_eq!(
        store.audit_chain(0, 1000).await.unwrap().len(),
        audit_before + 1
    );
    // The old job's fate no longer speaks for the row; while the new one is live, no replay.
    let again = webhook_job(&row, 3, None, now_us());
    assert!(matches!(
        store
            .replay_inbox(
                &again,
                AuditDraft::new("tester", "admin", "inbox.replay", "twice")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    let mut missing = again.clone();
    missing.inbox_id = Some(Uuid::now_v7());
    assert!(matches!(
        store
            .replay_inbox(
                &missing,
                AuditDraft::new("tester", "admin", "inbox.replay", "nope")
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.audit_chain(0, 1000).await.unwrap().len(),
        audit_before + 1,
        "refused replays change nothing"
    );
    let late = t + Duration::seconds(5);
    let c = store
        .claim_jobs("webhook", "w", late, late + Duration::seconds(30), 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(c.job.id, replay.id);
    assert!(
        store
            .finish_job(c.job.id, c.fencing_token, &done, t)
            .await
            .unwrap()
    );
    assert_eq!(status(bad.record.id).await.status, "processed");

    // Notes.
    store
        .note_inbox(ok.record.id, "no route matched", t)
        .await
        .unwrap();
    assert_eq!(
        status(ok.record.id).await.note.as_deref(),
        Some("no route matched")
    );
}

both_backends!(
    a_delivery_and_its_job_commit_together_once,
    concurrent_duplicates_make_one_row_and_one_job,
    large_bodies_are_stored_out_of_row,
    inbox_lists_filter_and_page,
    headers_round_trip_and_lists_take_a_time_range_a_trace_and_ids,
    inbox_status_follows_its_job,
);
