//! Idempotency key store operations, on both backends.

use std::sync::Arc;

use orchd::idempotency::{ClaimOutcome, ExistingKey, IdempotencyClaim, StoredResponse};
use orchd::store::Store;
use time::{Duration, OffsetDateTime};

use crate::both_backends;
use crate::helpers::{Kind, TestDb};

async fn migrated(kind: Kind) -> Option<(TestDb, Arc<dyn Store>)> {
    let db = TestDb::new(kind).await?;
    let store = db.store().await;
    store.migrate().await.unwrap();
    Some((db, store))
}

fn claim(key: &str, fingerprint: &str, now: OffsetDateTime) -> IdempotencyClaim {
    IdempotencyClaim {
        tenant: "acme".into(),
        endpoint: "POST /v1/execute".into(),
        key: key.into(),
        fingerprint: fingerprint.into(),
        lease_expires_at: now + Duration::seconds(60),
        expires_at: now + Duration::hours(24),
        request_id: Some("r".into()),
        trace_id: None,
        now,
    }
}

fn response() -> StoredResponse {
    StoredResponse {
        status: 200,
        content_type: "application/json".into(),
        body: br#"{"status":201}"#.to_vec(),
    }
}

async fn keys_are_claimed_completed_released_and_expire(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    assert_eq!(
        store
            .claim_idempotency_key(&claim("k1", "fp-a", now))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    // While in flight: the same or another body sees it, without a response.
    let in_flight = ClaimOutcome::Existing(ExistingKey {
        fingerprint: "fp-a".into(),
        response: None,
    });
    assert_eq!(
        store
            .claim_idempotency_key(&claim("k1", "fp-a", now))
            .await
            .unwrap(),
        in_flight
    );
    assert_eq!(
        store
            .claim_idempotency_key(&claim("k1", "fp-b", now))
            .await
            .unwrap(),
        in_flight
    );
    // Scoped by tenant and endpoint.
    let mut other = claim("k1", "fp-a", now);
    other.endpoint = "POST /v1/jobs".into();
    assert_eq!(
        store.claim_idempotency_key(&other).await.unwrap(),
        ClaimOutcome::Claimed
    );

    store
        .complete_idempotency_key("acme", "POST /v1/execute", "k1", &response())
        .await
        .unwrap();
    assert_eq!(
        store
            .claim_idempotency_key(&claim("k1", "fp-a", now))
            .await
            .unwrap(),
        ClaimOutcome::Existing(ExistingKey {
            fingerprint: "fp-a".into(),
            response: Some(response())
        })
    );
    // A completed key is not released.
    store
        .release_idempotency_key("acme", "POST /v1/execute", "k1")
        .await
        .unwrap();
    assert!(matches!(
        store
            .claim_idempotency_key(&claim("k1", "fp-a", now))
            .await
            .unwrap(),
        ClaimOutcome::Existing(_)
    ));

    // Released in-flight keys can be claimed again, by any body.
    store
        .claim_idempotency_key(&claim("k2", "fp-a", now))
        .await
        .unwrap();
    store
        .release_idempotency_key("acme", "POST /v1/execute", "k2")
        .await
        .unwrap();
    assert_eq!(
        store
            .claim_idempotency_key(&claim("k2", "fp-b", now))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );

    // A dead request's lease: taken over by the same body only.
    let later = now + Duration::seconds(120);
    assert!(matches!(
        store
            .claim_idempotency_key(&claim("k2", "fp-a", later))
            .await
            .unwrap(),
        ClaimOutcome::Existing(_)
    ));
    assert_eq!(
        store
            .claim_idempotency_key(&claim("k2", "fp-b", later))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );

    // Past the TTL everything is forgotten.
    let tomorrow = now + Duration::hours(25);
    assert_eq!(
        store
            .claim_idempotency_key(&claim("k1", "fp-z", tomorrow))
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    let purged = store
        .purge_expired_idempotency_keys(now + Duration::days(3))
        .await
        .unwrap();
    assert!(purged >= 2, "{purged}");
}

async fn concurrent_claims_give_exactly_one_winner(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store.claim_idempotency_key(&claim("race", "fp", now)).await
        }));
    }
    let mut winners = 0;
    for t in tasks {
        if t.await.unwrap().unwrap() == ClaimOutcome::Claimed {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}

both_backends!(
    keys_are_claimed_completed_released_and_expire,
    concurrent_claims_give_exactly_one_winner
);
