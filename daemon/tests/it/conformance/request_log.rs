use orch_core::ids::new_id;
use orchd::request_log::{RequestLogEntry, RequestLogQuery};
use time::OffsetDateTime;

use crate::both_backends;
use crate::helpers::{Kind, TestDb};

/// Times are stored with microsecond precision on both backends.
fn now_us() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap()
}

fn entry(request_id: &str, status: u16) -> RequestLogEntry {
    RequestLogEntry {
        id: new_id(),
        ts: now_us(),
        method: "POST".into(),
        route: Some("/v1/jobs/{id}/cancel".into()),
        path: "/v1/jobs/0190/cancel".into(),
        status,
        duration_us: 1234,
        tenant_id: Some("acme".into()),
        operator_id: Some(new_id()),
        impersonated_by: Some(new_id()),
        impersonation_id: Some(new_id()),
        request_id: request_id.into(),
        trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
        client_ip: Some("127.0.0.1".into()),
        user_agent: Some("orchctl/0.1.0".into()),
    }
}

async fn migrated(kind: Kind) -> Option<(TestDb, std::sync::Arc<dyn orchd::store::Store>)> {
    let db = TestDb::new(kind).await?;
    let store = db.store().await;
    store.migrate().await.unwrap();
    Some((db, store))
}

async fn request_log_round_trips_every_field(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let full = entry("req-1", 201);
    let sparse = RequestLogEntry {
        route: None,
        tenant_id: None,
        operator_id: None,
        impersonated_by: None,
        impersonation_id: None,
        client_ip: None,
        user_agent: None,
        ..entry("req-2", 404)
    };
    store
        .insert_request_logs(&[full.clone(), sparse.clone()])
        .await
        .unwrap();
    for expected in [full, sparse] {
        let got = store
            .list_request_logs(&RequestLogQuery {
                request_id: Some(expected.request_id.clone()),
                limit: 10,
                ..RequestLogQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(got, vec![expected]);
    }
    store.close().await;
}

async fn request_log_insert_is_idempotent_per_id(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let e = entry("req-dup", 200);
    store
        .insert_request_logs(std::slice::from_ref(&e))
        .await
        .unwrap();
    store
        .insert_request_logs(std::slice::from_ref(&e))
        .await
        .unwrap();
    let got = store
        .list_request_logs(&RequestLogQuery {
            request_id: Some("req-dup".into()),
            limit: 10,
            ..RequestLogQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(got.len(), 1);
    store.close().await;
}

async fn request_log_lists_newest_first_with_filters_and_limit(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let base = now_us();
    let mut rows = Vec::new();
    for i in 0..5i64 {
        let mut e = entry(&format!("req-{i}"), 200);
        e.ts = base + time::Duration::milliseconds(i);
        e.tenant_id = Some(if i % 2 == 0 { "acme" } else { "globex" }.into());
        rows.push(e);
    }
    store.insert_request_logs(&rows).await.unwrap();
    let acme = store
        .list_request_logs(&RequestLogQuery {
            tenant_id: Some("acme".into()),
            limit: 10,
            ..RequestLogQuery::default()
        })
        .await
        .unwrap();
    let ids: Vec<&str> = acme.iter().map(|e| e.request_id.as_str()).collect();
    assert_eq!(ids, ["req-4", "req-2", "req-0"]);
    let two = store
        .list_request_logs(&RequestLogQuery {
            trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
            limit: 2,
            ..RequestLogQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(two[0].request_id, "req-4");
    store.close().await;
}

async fn request_log_writes_batches_larger_than_one_statement(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let rows: Vec<RequestLogEntry> = (0..2500).map(|_| entry("bulk", 200)).collect();
    store.insert_request_logs(&rows).await.unwrap();
    let got = store
        .list_request_logs(&RequestLogQuery {
            request_id: Some("bulk".into()),
            limit: 500,
            ..RequestLogQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(got.len(), 500, "the page is capped at the list maximum");
    store.close().await;
}

both_backends!(
    request_log_round_trips_every_field,
    request_log_insert_is_idempotent_per_id,
    request_log_lists_newest_first_with_filters_and_limit,
    request_log_writes_batches_larger_than_one_statement,
);
