//! Console sessions (`ConsoleSessionStore`) on both backends: a session is found with its
//! operator only while the operator is enabled and its key unrevoked; sign-in and sign-out
//! commit with their audit rows.

use std::sync::Arc;
use std::time::Duration;

use orch_core::audit::AuditDraft;
use orch_core::rbac::Role;
use orchd::identity::console_sessions::ConsoleSessionRecord;
use orchd::identity::operators::{ApiKeyRecord, OperatorRecord};
use orchd::store::{Store, StoreError};
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

/// Now, at the microsecond resolution both backends keep.
fn now() -> OffsetDateTime {
    let n = OffsetDateTime::now_utc();
    n.replace_nanosecond(n.nanosecond() / 1000 * 1000).unwrap()
}

fn draft(action: &str) -> AuditDraft {
    AuditDraft::new("tester", "admin", action, "conformance").via("console")
}

/// An operator with one key, stored.
async fn operator_with_key(
    store: &Arc<dyn Store>,
    name: &str,
    lookup: &str,
) -> (OperatorRecord, ApiKeyRecord) {
    let op = OperatorRecord {
        id: Uuid::now_v7(),
        name: name.into(),
        role: Role::Support,
        created_by: None,
        created_at: now(),
        disabled_at: None,
    };
    let key = ApiKeyRecord {
        id: Uuid::now_v7(),
        operator_id: op.id,
        lookup_id: lookup.into(),
        key_hash: "sha256$test".into(),
        created_at: now(),
        revoked_at: None,
    };
    store
        .create_operator(
            &op,
            &key,
            AuditDraft::new("tester", "admin", "operators.create", "set-up"),
        )
        .await
        .unwrap();
    (op, key)
}

fn session(op: &OperatorRecord, key: &ApiKeyRecord, hash: &str) -> ConsoleSessionRecord {
    let t = now();
    ConsoleSessionRecord {
        id_hash: hash.into(),
        operator_id: op.id,
        key_id: key.id,
        created_at: t,
        last_seen_at: t,
        expires_at: t + Duration::from_secs(3600),
        revoked_at: None,
    }
}

async fn chain_length(store: &Arc<dyn Store>) -> usize {
    store.audit_chain(0, 10_000).await.unwrap().len()
}

async fn sessions_are_created_found_touched_and_revoked_with_audit(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let (alice, key) = operator_with_key(&store, "alice", "aaaaaaaaaaaa").await;
    let s = session(&alice, &key, "hash-1");
    let before = chain_length(&store).await;
    let row = store
        .create_console_session(&s, draft("console.login"))
        .await
        .unwrap();
    assert_eq!(row.action, "console.login");
    assert_eq!(row.diff_json.as_ref().unwrap()["via"], "console");
    assert_eq!(chain_length(&store).await, before + 1);

    let (found, op) = store.find_console_session("hash-1").await.unwrap().unwrap();
    assert_eq!(found, s);
    assert_eq!(op, alice);
    assert!(
        store
            .find_console_session("hash-2")
            .await
            .unwrap()
            .is_none()
    );

    // A duplicate id hash conflicts and writes no audit row.
    let err = store
        .create_console_session(&s, draft("console.login"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(chain_length(&store).await, before + 1);

    // Touch moves last_seen_at forward only.
    let later = s.last_seen_at + Duration::from_secs(40);
    store.touch_console_session("hash-1", later).await.unwrap();
    store
        .touch_console_session("hash-1", s.last_seen_at)
        .await
        .unwrap();
    let (found, _) = store.find_console_session("hash-1").await.unwrap().unwrap();
    assert_eq!(found.last_seen_at, later);

    // Revoking hides it; revoking again is NotFound and writes nothing.
    store
        .revoke_console_session("hash-1", now(), draft("console.logout"))
        .await
        .unwrap();
    assert!(
        store
            .find_console_session("hash-1")
            .await
            .unwrap()
            .is_none()
    );
    let err = store
        .revoke_console_session("hash-1", now(), draft("console.logout"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(chain_length(&store).await, before + 2, "login, logout");
}

async fn disabling_or_rotating_hides_the_operators_sessions(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let (alice, alice_key) = operator_with_key(&store, "alice", "aaaaaaaaaaaa").await;
    let (bob, bob_key) = operator_with_key(&store, "bob", "bbbbbbbbbbbb").await;
    for (op, key, hash) in [(&alice, &alice_key, "a"), (&bob, &bob_key, "b")] {
        store
            .create_console_session(&session(op, key, hash), draft("console.login"))
            .await
            .unwrap();
    }
    // Rotating alice's key ends her session; bob's stays.
    let new_key = ApiKeyRecord {
        id: Uuid::now_v7(),
        operator_id: alice.id,
        lookup_id: "cccccccccccc".into(),
        key_hash: "sha256$test".into(),
        created_at: now(),
        revoked_at: None,
    };
    store
        .rotate_operator_key(alice.id, &new_key, draft("operators.rotate_key"))
        .await
        .unwrap();
    assert!(store.find_console_session("a").await.unwrap().is_none());
    assert!(store.find_console_session("b").await.unwrap().is_some());
    // A session opened with the new key works until alice is disabled.
    store
        .create_console_session(&session(&alice, &new_key, "a2"), draft("console.login"))
        .await
        .unwrap();
    assert!(store.find_console_session("a2").await.unwrap().is_some());
    store
        .disable_operator(alice.id, now(), draft("operators.disable"))
        .await
        .unwrap();
    assert!(store.find_console_session("a2").await.unwrap().is_none());
    assert!(store.find_console_session("b").await.unwrap().is_some());
}

async fn ended_sessions_are_deleted(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let (alice, key) = operator_with_key(&store, "alice", "aaaaaaaaaaaa").await;
    let t = now();
    let mut live = session(&alice, &key, "live");
    live.last_seen_at = t;
    let mut idle = session(&alice, &key, "idle");
    idle.last_seen_at = t - Duration::from_secs(600);
    let mut old = session(&alice, &key, "old");
    old.expires_at = t - Duration::from_secs(1);
    let revoked = session(&alice, &key, "revoked");
    for s in [&live, &idle, &old, &revoked] {
        store
            .create_console_session(s, draft("console.login"))
            .await
            .unwrap();
    }
    store
        .revoke_console_session("revoked", t, draft("console.logout"))
        .await
        .unwrap();
    let deleted = store
        .delete_ended_console_sessions(t, t - Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(deleted, 3);
    assert!(store.find_console_session("live").await.unwrap().is_some());
    for gone in ["idle", "old"] {
        assert!(
            store.find_console_session(gone).await.unwrap().is_none(),
            "{gone}"
        );
    }
}

both_backends!(
    sessions_are_created_found_touched_and_revoked_with_audit,
    disabling_or_rotating_hides_the_operators_sessions,
    ended_sessions_are_deleted,
);
