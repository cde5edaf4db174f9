//! The dispatch conformance suite: Redis and in-process dispatch behave the same.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use orchd::dispatch::{Dispatch, DispatchTicket, LocalDispatch, PushMode, RedisDispatch};
use orchd::redis::RedisClient;
use orchd::settings::ConnectionUrl;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::helpers::{redis_url, service_available};

/// Both implementations, the Redis one under a fresh prefix (returned for cleanup checks).
fn implementations() -> Vec<(&'static str, Arc<dyn Dispatch>, Option<RedisClient>)> {
    let mut out: Vec<(&'static str, Arc<dyn Dispatch>, Option<RedisClient>)> =
        vec![("local", Arc::new(LocalDispatch::default()), None)];
    if service_available("Redis", &redis_url()) {
        let prefix = format!("orch-test:{}:", Uuid::new_v4().simple());
        let client = RedisClient::new(&ConnectionUrl::new(redis_url()), &prefix).unwrap();
        out.push((
            "redis",
            Arc::new(RedisDispatch::new(client.clone())),
            Some(client),
        ));
    }
    out
}

fn ticket(queue: &str, tenant: &str, run_at: OffsetDateTime) -> DispatchTicket {
    DispatchTicket {
        queue: queue.to_owned(),
        tenant: tenant.to_owned(),
        id: orch_core::ids::new_id(),
        run_at,
    }
}

#[tokio::test]
async fn an_id_pushed_twice_is_taken_once() {
    let now = OffsetDateTime::now_utc();
    for (name, d, _) in implementations() {
        let t = ticket("default", "acme", now);
        d.push(std::slice::from_ref(&t), PushMode::Replace, now)
            .await
            .unwrap();
        d.push(std::slice::from_ref(&t), PushMode::Replace, now)
            .await
            .unwrap();
        d.push(std::slice::from_ref(&t), PushMode::IfAbsent, now)
            .await
            .unwrap();
        let taken = d.take(&[("default", 10)], now).await.unwrap();
        assert_eq!(taken, vec![("default".to_owned(), t.id)], "{name}");
        assert!(
            d.take(&[("default", 10)], now).await.unwrap().is_empty(),
            "{name}: taken ids are gone"
        );
    }
}

#[tokio::test]
async fn delayed_ids_wait_for_their_time_and_a_replace_moves_them() {
    let now = OffsetDateTime::now_utc();
    let later = now + Duration::from_secs(60);
    for (name, d, _) in implementations() {
        let delayed = ticket("low", "acme", later);
        let due = ticket("low", "acme", now);
        d.push(&[delayed.clone(), due.clone()], PushMode::Replace, now)
            .await
            .unwrap();
        let taken = d.take(&[("low", 10)], now).await.unwrap();
        assert_eq!(taken, vec![("low".to_owned(), due.id)], "{name}");
        // IfAbsent keeps the waiting time; Replace moves it.
        let moved = DispatchTicket {
            run_at: now,
            ..delayed.clone()
        };
        d.push(std::slice::from_ref(&moved), PushMode::IfAbsent, now)
            .await
            .unwrap();
        assert!(
            d.take(&[("low", 10)], now).await.unwrap().is_empty(),
            "{name}: IfAbsent must not move a waiting id"
        );
        d.push(std::slice::from_ref(&moved), PushMode::Replace, now)
            .await
            .unwrap();
        assert_eq!(
            d.take(&[("low", 10)], now).await.unwrap(),
            vec![("low".to_owned(), delayed.id)],
            "{name}"
        );
        assert_eq!(
            d.take(&[("low", 10)], later).await.unwrap(),
            vec![],
            "{name}"
        );
    }
}

#[tokio::test]
async fn tenants_in_one_queue_are_served_round_robin() {
    let now = OffsetDateTime::now_utc();
    for (name, d, _) in implementations() {
        // A has a large backlog pushed first; B arrives later with a few jobs.
        let a: Vec<DispatchTicket> = (0..200).map(|_| ticket("default", "a", now)).collect();
        let b: Vec<DispatchTicket> = (0..6).map(|_| ticket("default", "b", now)).collect();
        d.push(&a, PushMode::Replace, now).await.unwrap();
        d.push(&b, PushMode::Replace, now).await.unwrap();
        let tenant_of: HashMap<Uuid, &str> = a
            .iter()
            .map(|t| (t.id, "a"))
            .chain(b.iter().map(|t| (t.id, "b")))
            .collect();
        // One id at a time (one freed worker slot at a time): the tenants alternate.
        let mut order = Vec::new();
        for _ in 0..8 {
            let taken = d.take(&[("default", 1)], now).await.unwrap();
            assert_eq!(taken.len(), 1, "{name}");
            order.push(tenant_of[&taken[0].1]);
        }
        let b_served = order.iter().filter(|t| **t == "b").count();
        assert_eq!(
            b_served, 4,
            "{name}: one slot at a time alternates: {order:?}"
        );
        // A bigger take splits evenly while both have work, then fills from A.
        let taken = d.take(&[("default", 10)], now).await.unwrap();
        let b_now = taken.iter().filter(|(_, id)| tenant_of[id] == "b").count();
        assert_eq!(b_now, 2, "{name}: B's last two jobs come in this take");
        assert_eq!(taken.len(), 10, "{name}");
        // Within a tenant: due order.
        let rest = d.take(&[("default", 1000)], now).await.unwrap();
        assert_eq!(rest.len(), 200 - 4 - 8, "{name}");
    }
}

#[tokio::test]
async fn queues_are_separate_and_asks_are_honoured() {
    let now = OffsetDateTime::now_utc();
    for (name, d, _) in implementations() {
        let crit: Vec<DispatchTicket> = (0..5).map(|_| ticket("critical", "b", now)).collect();
        let low: Vec<DispatchTicket> = (0..5).map(|_| ticket("low", "a", now)).collect();
        d.push(&crit, PushMode::Replace, now).await.unwrap();
        d.push(&low, PushMode::Replace, now).await.unwrap();
        let taken = d
            .take(&[("critical", 3), ("low", 1), ("default", 4)], now)
            .await
            .unwrap();
        let per_queue = |q: &str| taken.iter().filter(|(tq, _)| tq == q).count();
        assert_eq!(per_queue("critical"), 3, "{name}");
        assert_eq!(per_queue("low"), 1, "{name}");
        assert_eq!(taken.len(), 4, "{name}");
    }
}

#[tokio::test]
async fn lost_state_is_claimed_for_rebuild_once() {
    for (name, d, redis) in implementations() {
        assert!(d.claim_rebuild().await.unwrap(), "{name}: new state");
        assert!(!d.claim_rebuild().await.unwrap(), "{name}: claimed once");
        if let Some(client) = redis {
            // What FLUSHALL does to this deployment: every key of the prefix is gone.
            delete_prefix(&client).await;
            assert!(d.claim_rebuild().await.unwrap(), "{name}: lost state");
        }
    }
}

/// Deletes every key under the client's prefix (this deployment's FLUSHALL; a real
/// FLUSHALL would also wipe the keys of tests running in parallel).
pub async fn delete_prefix(client: &RedisClient) {
    let mut conn = client.connection();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}*", client.prefix()))
        .query_async(&mut conn)
        .await
        .unwrap();
    if !keys.is_empty() {
        let _: i64 = redis::cmd("DEL")
            .arg(&keys)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
}
