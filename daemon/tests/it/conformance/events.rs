//! Event log store operations, on both backends — including the ordering guarantee readers
//! rely on to resume: an id seen means every lower id is already visible.

use std::sync::Arc;
use std::time::Duration;

use orchd::events::{EventQuery, NewEvent};
use orchd::store::Store;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Kind, TestDb};

async fn migrated(kind: Kind) -> Option<(TestDb, Arc<dyn Store>)> {
    let db = TestDb::new(kind).await?;
    let store = db.store().await;
    store.migrate().await.unwrap();
    Some((db, store))
}

fn event(kind: &str, tenant: &str, connector: &str) -> NewEvent {
    NewEvent::new(kind, format!("{kind} for {tenant}"))
        .tenant(tenant)
        .connector(connector, Some("op"))
        .correlation(Some("req-1"), Some("4bf92f3577b34da6a3ce929d0e0e4736"))
        .data(json!({"status": 201, "nested": {"a": [1, 2]}}))
}

async fn events_round_trip_and_filter(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let events = vec![
        event("execute.succeeded", "acme", "stripe"),
        event("execute.failed", "acme", "billing"),
        event("breaker.opened", "acme", "billing"),
        event("execute.succeeded", "globex", "stripe"),
    ];
    let ids = store.append_events(&events).await.unwrap();
    assert_eq!(ids.len(), 4);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));

    let all = store
        .list_events(&EventQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|e| e.id).collect::<Vec<_>>(),
        ids.iter().rev().copied().collect::<Vec<_>>(),
        "newest first"
    );
    let mut stored = all.last().unwrap().event.clone();
    stored.ts = events[0].ts;
    assert_eq!(stored.kind, "execute.succeeded");
    assert_eq!(stored.data, events[0].data);
    assert_eq!(stored.trace_id, events[0].trace_id);

    let q = |f: fn(&mut EventQuery)| {
        let mut query = EventQuery {
            limit: 10,
            ..Default::default()
        };
        f(&mut query);
        query
    };
    let kinds = |list: Vec<orchd::events::EventRecord>| {
        list.into_iter().map(|e| e.event.kind).collect::<Vec<_>>()
    };
    assert_eq!(
        kinds(
            store
                .list_events(&q(|q| q.kind = Some("execute.".into())))
                .await
                .unwrap()
        )
        .len(),
        3
    );
    assert_eq!(
        kinds(
            store
                .list_events(&q(|q| q.kind = Some("breaker.*".into())))
                .await
                .unwrap()
        ),
        ["breaker.opened"]
    );
    assert_eq!(
        store
            .list_events(&q(|q| q.kind = Some("execute".into())))
            .await
            .unwrap()
            .len(),
        0,
        "exact match"
    );
    assert_eq!(
        store
            .list_events(&q(|q| q.tenant = Some("globex".into())))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .list_events(&q(|q| q.connector = Some("billing".into())))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store
            .list_events(&q(
                |q| q.trace_id = Some("4bf92f3577b34da6a3ce929d0e0e4736".into())
            ))
            .await
            .unwrap()
            .len(),
        4
    );
    let resumed = store
        .list_events(&EventQuery {
            after_id: Some(ids[1]),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        resumed.iter().map(|e| e.id).collect::<Vec<_>>(),
        ids[2..].to_vec(),
        "oldest first after the id"
    );
    let back = store
        .list_events(&EventQuery {
            before_id: Some(ids[2]),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        back.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![ids[1], ids[0]]
    );
}

/// Concurrent writers; a reader resuming from the last id it saw never misses an event.
async fn resuming_readers_miss_nothing_under_concurrent_writers(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let mut writers = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..40 {
                ids.extend(
                    store
                        .append_events(&[event("job.queued", &format!("t{w}"), &format!("c{i}"))])
                        .await
                        .unwrap(),
                );
            }
            ids
        }));
    }
    let reader = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut after = 0;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
            while seen.len() < 160 && tokio::time::Instant::now() < deadline {
                let page = store
                    .list_events(&EventQuery {
                        after_id: Some(after),
                        limit: 500,
                        ..Default::default()
                    })
                    .await
                    .unwrap();
                for e in page {
                    assert!(e.id > after, "ids went backwards");
                    after = e.id;
                    seen.push(e.id);
                }
            }
            seen
        })
    };
    let mut written = Vec::new();
    for w in writers {
        written.extend(w.await.unwrap());
    }
    let seen = reader.await.unwrap();
    written.sort_unstable();
    assert_eq!(seen, written, "the reader missed or duplicated events");
}

/// `since` keeps events at or after a time, and combines with `after_id`.
async fn since_filters_by_time(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let t0 = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap();
    let at = |secs: i64, kind: &str| {
        let mut e = event(kind, "acme", "stripe");
        e.ts = t0 + time::Duration::seconds(secs);
        e
    };
    let ids = store
        .append_events(&[at(-60, "a.old"), at(0, "a.edge"), at(30, "a.new")])
        .await
        .unwrap();
    let kinds = |query: EventQuery| {
        let store = store.clone();
        async move {
            store
                .list_events(&query)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.event.kind)
                .collect::<Vec<_>>()
        }
    };
    let since = EventQuery {
        since: Some(t0),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(kinds(since.clone()).await, ["a.new", "a.edge"]);
    assert_eq!(
        kinds(EventQuery {
            after_id: Some(ids[1]),
            ..since
        })
        .await,
        ["a.new"]
    );
}

both_backends!(
    since_filters_by_time,
    events_round_trip_and_filter,
    resuming_readers_miss_nothing_under_concurrent_writers
);
