//! Store operations of identity and audit, on both backends.

use std::sync::Arc;

use orch_core::audit::{AuditDraft, AuditResult, ChainVerifier};
use orch_core::rbac::{Role, Scope};
use orchd::identity::audit::AuditQuery;
use orchd::identity::clients::TenantClientRecord;
use orchd::identity::impersonations::{ImpersonationQuery, ImpersonationRecord};
use orchd::identity::operators::{ApiKeyRecord, OperatorRecord};
use orchd::store::{Store, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::both_backends;
use crate::helpers::{Kind, TestDb, test_audit_key};

async fn migrated(kind: Kind) -> Option<(TestDb, Arc<dyn Store>)> {
    let db = TestDb::new(kind).await?;
    let store = db.store().await;
    store.migrate().await.unwrap();
    Some((db, store))
}

fn now() -> OffsetDateTime {
    let n = OffsetDateTime::now_utc();
    n.replace_nanosecond(n.nanosecond() / 1000 * 1000).unwrap()
}

fn operator(name: &str, role: Role) -> OperatorRecord {
    OperatorRecord {
        id: Uuid::now_v7(),
        name: name.into(),
        role,
        created_by: None,
        created_at: now(),
        disabled_at: None,
    }
}

fn key_for(op: &OperatorRecord, lookup: &str) -> ApiKeyRecord {
    ApiKeyRecord {
        id: Uuid::now_v7(),
        operator_id: op.id,
        lookup_id: lookup.into(),
        key_hash: "sha256$test".into(),
        created_at: now(),
        revoked_at: None,
    }
}

fn draft(action: &str) -> AuditDraft {
    AuditDraft::new("tester", "admin", action, "conformance")
}

async fn chain_length(store: &Arc<dyn Store>) -> usize {
    store.audit_chain(0, 10_000).await.unwrap().len()
}

async fn operators_create_find_disable_rotate(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let alice = operator("alice", Role::Support);
    let k1 = key_for(&alice, "aaaaaaaaaaaa");
    store
        .create_operator(&alice, &k1, draft("operators.create"))
        .await
        .unwrap();
    assert_eq!(store.count_operators().await.unwrap(), 1);
    assert_eq!(
        store.get_operator(alice.id).await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(store.list_operators().await.unwrap(), vec![alice.clone()]);
    let (found_key, found_op) = store
        .find_operator_key("aaaaaaaaaaaa")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found_key.id, k1.id);
    assert_eq!(found_op.id, alice.id);
    assert!(
        store
            .find_operator_key("bbbbbbbbbbbb")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .active_operator(alice.id, k1.id)
            .await
            .unwrap()
            .is_some()
    );

    // A duplicate name conflicts and writes no audit row.
    let before = chain_length(&store).await;
    let dup = operator("alice", Role::Admin);
    let err = store
        .create_operator(
            &dup,
            &key_for(&dup, "cccccccccccc"),
            draft("operators.create"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(chain_length(&store).await, before);

    // Rotation revokes the old key.
    let k2 = key_for(&alice, "dddddddddddd");
    store
        .rotate_operator_key(alice.id, &k2, draft("operators.rotate_key"))
        .await
        .unwrap();
    assert!(
        store
            .active_operator(alice.id, k1.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .active_operator(alice.id, k2.id)
            .await
            .unwrap()
            .is_some()
    );
    let (old, _) = store
        .find_operator_key("aaaaaaaaaaaa")
        .await
        .unwrap()
        .unwrap();
    assert!(old.revoked_at.is_some());

    // Disabling stops every key; doing it twice, or rotating a disabled operator, is NotFound.
    store
        .disable_operator(alice.id, now(), draft("operators.disable"))
        .await
        .unwrap();
    assert!(
        store
            .active_operator(alice.id, k2.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .get_operator(alice.id)
            .await
            .unwrap()
            .unwrap()
            .disabled_at
            .is_some()
    );
    assert!(matches!(
        store
            .disable_operator(alice.id, now(), draft("operators.disable"))
            .await,
        Err(StoreError::NotFound)
    ));
    let k3 = key_for(&alice, "eeeeeeeeeeee");
    assert!(matches!(
        store
            .rotate_operator_key(alice.id, &k3, draft("operators.rotate_key"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(chain_length(&store).await, 3, "create, rotate, disable");
}

async fn audit_appends_form_one_verifiable_chain(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let mut tasks = Vec::new();
    for i in 0..30 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let d = draft(&format!("test.{}", i % 3))
                .tenant(if i % 2 == 0 { "acme" } else { "globex" })
                .result(if i == 7 {
                    AuditResult::Denied
                } else {
                    AuditResult::Ok
                })
                .diff(
                    serde_json::json!({"n": i}),
                    serde_json::json!({"n": i + 1, "nested": {"b": 1, "a": 2}}),
                );
            store.append_audit(d).await.unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let chain = store.audit_chain(0, 1000).await.unwrap();
    assert_eq!(chain.len(), 30);
    let mut verifier = ChainVerifier::new(test_audit_key());
    for row in &chain {
        verifier
            .check(row)
            .unwrap_or_else(|broken| panic!("chain broken at {broken:?}"));
    }
    // Paging the chain resumes exactly after a position.
    let tail = store.audit_chain(chain[9].seq, 5).await.unwrap();
    assert_eq!(
        tail.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![11, 12, 13, 14, 15]
    );

    let acme = store
        .list_audit(&AuditQuery {
            tenant: Some("acme".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(acme.len(), 15);
    assert!(acme.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    let action = store
        .list_audit(&AuditQuery {
            action: Some("test.1".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(action.len(), 10);
    let page = store
        .list_audit(&AuditQuery {
            before_seq: Some(5),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![4, 3, 2, 1]
    );
    let by_name = store
        .list_audit(&AuditQuery {
            operator: Some("tester".into()),
            limit: 3,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_name.len(), 3);
    let future = store
        .list_audit(&AuditQuery {
            since: Some(now() + time::Duration::hours(1)),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(future.is_empty());
    // Rows read back carry the same content the hash covers.
    let denied = chain
        .iter()
        .find(|r| r.result == AuditResult::Denied)
        .unwrap();
    assert!(denied.seal_matches(&test_audit_key()), "{denied:?}");
}

fn client(tenant: &str, client_id: &str) -> TenantClientRecord {
    TenantClientRecord {
        id: Uuid::now_v7(),
        tenant_id: tenant.into(),
        name: "svc".into(),
        client_id: client_id.into(),
        secret_hash: "sha256$test".into(),
        scopes: vec![Scope::Execute, Scope::JobsRead],
        created_by: Some(Uuid::now_v7()),
        created_at: now(),
        deleted_at: None,
    }
}

async fn tenant_clients_are_scoped_and_soft_deleted(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let a = client("acme", "orch_cl_a");
    let b = client("globex", "orch_cl_b");
    store
        .create_tenant_client(&a, draft("clients.create"))
        .await
        .unwrap();
    store
        .create_tenant_client(&b, draft("clients.create"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_tenant_client(&client("acme", "orch_cl_a"), draft("clients.create"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.list_tenant_clients("acme").await.unwrap(),
        vec![a.clone()]
    );
    assert_eq!(
        store.find_tenant_client("orch_cl_b").await.unwrap(),
        Some(b.clone())
    );
    // Another tenant's client cannot be deleted through this tenant.
    assert!(matches!(
        store
            .delete_tenant_client("acme", b.id, now(), draft("clients.delete"))
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .delete_tenant_client("acme", a.id, now(), draft("clients.delete"))
        .await
        .unwrap();
    assert!(store.list_tenant_clients("acme").await.unwrap().is_empty());
    assert!(
        store
            .find_tenant_client("orch_cl_a")
            .await
            .unwrap()
            .unwrap()
            .deleted_at
            .is_some()
    );
    assert!(matches!(
        store
            .delete_tenant_client("acme", a.id, now(), draft("clients.delete"))
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn impersonations_start_list_and_stop(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let op = operator("sam", Role::Support);
    let key = key_for(&op, "ffffffffffff");
    store
        .create_operator(&op, &key, draft("operators.create"))
        .await
        .unwrap();
    let record = |tenant: &str, expires_in: i64| ImpersonationRecord {
        id: Uuid::now_v7(),
        operator_id: op.id,
        tenant_id: tenant.into(),
        reason: "ticket".into(),
        scopes: vec![Scope::JobsRead],
        created_at: now(),
        expires_at: now() + time::Duration::seconds(expires_in),
        stopped_at: None,
        stopped_by: None,
        stop_reason: None,
    };
    let live = record("acme", 600);
    let expired = record("acme", -1);
    store
        .create_impersonation(&live, key.id, draft("impersonation.start"))
        .await
        .unwrap();
    store
        .create_impersonation(&expired, key.id, draft("impersonation.start"))
        .await
        .unwrap();
    assert_eq!(
        store.get_impersonation(live.id).await.unwrap(),
        Some(live.clone())
    );
    let active = store
        .list_impersonations(&ImpersonationQuery {
            active_only: true,
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        active.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![live.id]
    );
    let all = store
        .list_impersonations(&ImpersonationQuery {
            tenant: Some("acme".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    store
        .stop_impersonation(live.id, op.id, "done", now(), draft("impersonation.stop"))
        .await
        .unwrap();
    let stopped = store.get_impersonation(live.id).await.unwrap().unwrap();
    assert_eq!(stopped.stop_reason.as_deref(), Some("done"));
    assert_eq!(stopped.stopped_by, Some(op.id));
    assert!(matches!(
        store
            .stop_impersonation(live.id, op.id, "again", now(), draft("impersonation.stop"))
            .await,
        Err(StoreError::NotFound)
    ));
}

fn impersonation(op: &OperatorRecord, expires_in: i64) -> ImpersonationRecord {
    ImpersonationRecord {
        id: Uuid::now_v7(),
        operator_id: op.id,
        tenant_id: "acme".into(),
        reason: "ticket".into(),
        scopes: vec![Scope::JobsRead],
        created_at: now(),
        expires_at: now() + time::Duration::seconds(expires_in),
        stopped_at: None,
        stopped_by: None,
        stop_reason: None,
    }
}

async fn disable_and_rotation_end_running_impersonations(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let admin_id = Uuid::now_v7();
    let by_admin = |action: &str| draft(action).operator(admin_id);
    let op = operator("sam", Role::Support);
    let k1 = key_for(&op, "111111111111");
    store
        .create_operator(&op, &k1, draft("operators.create"))
        .await
        .unwrap();
    let running = impersonation(&op, 600);
    let expired = impersonation(&op, -1);
    for i in [&running, &expired] {
        store
            .create_impersonation(i, k1.id, draft("impersonation.start"))
            .await
            .unwrap();
    }

    // Rotation ends what the old key started; expired rows are left as they were.
    let k2 = key_for(&op, "222222222222");
    store
        .rotate_operator_key(op.id, &k2, by_admin("operators.rotate_key"))
        .await
        .unwrap();
    let after = store.get_impersonation(running.id).await.unwrap().unwrap();
    assert!(after.stopped_at.is_some());
    assert_eq!(after.stopped_by, Some(admin_id));
    assert_eq!(after.stop_reason.as_deref(), Some("operator key rotated"));
    assert_eq!(
        store.get_impersonation(expired.id).await.unwrap(),
        Some(expired.clone())
    );

    // A start with the revoked key is refused, and writes no audit row.
    let before = chain_length(&store).await;
    let late = impersonation(&op, 600);
    assert!(matches!(
        store
            .create_impersonation(&late, k1.id, draft("impersonation.start"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.get_impersonation(late.id).await.unwrap(), None);
    assert_eq!(chain_length(&store).await, before);

    // Disabling ends what the current key started, and only the operator's own;
    // nothing can start afterwards.
    let second = impersonation(&op, 600);
    store
        .create_impersonation(&second, k2.id, draft("impersonation.start"))
        .await
        .unwrap();
    let other = operator("ann", Role::Support);
    let other_key = key_for(&other, "333333333333");
    store
        .create_operator(&other, &other_key, draft("operators.create"))
        .await
        .unwrap();
    let theirs = impersonation(&other, 600);
    store
        .create_impersonation(&theirs, other_key.id, draft("impersonation.start"))
        .await
        .unwrap();
    store
        .disable_operator(op.id, now(), by_admin("operators.disable"))
        .await
        .unwrap();
    let after = store.get_impersonation(second.id).await.unwrap().unwrap();
    assert!(after.stopped_at.is_some());
    assert_eq!(after.stopped_by, Some(admin_id));
    assert_eq!(after.stop_reason.as_deref(), Some("operator disabled"));
    assert_eq!(
        store
            .get_impersonation(running.id)
            .await
            .unwrap()
            .unwrap()
            .stop_reason
            .as_deref(),
        Some("operator key rotated"),
        "an earlier stop is not overwritten"
    );
    assert_eq!(
        store.get_impersonation(theirs.id).await.unwrap(),
        Some(theirs.clone())
    );
    assert!(matches!(
        store
            .create_impersonation(
                &impersonation(&op, 600),
                k2.id,
                draft("impersonation.start")
            )
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn legacy_hashes_are_replaced_only_if_unchanged(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let op = operator("old", Role::Admin);
    let mut key = key_for(&op, "555555555555");
    key.key_hash = "$argon2id$legacy".into();
    store
        .create_operator(&op, &key, draft("operators.create"))
        .await
        .unwrap();
    let before = chain_length(&store).await;
    assert!(
        !store
            .replace_operator_key_hash(key.id, "$argon2id$other", "sha256$new")
            .await
            .unwrap()
    );
    assert!(
        store
            .replace_operator_key_hash(key.id, "$argon2id$legacy", "sha256$new")
            .await
            .unwrap()
    );
    let (found, _) = store
        .find_operator_key("555555555555")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.key_hash, "sha256$new");
    assert!(
        !store
            .replace_operator_key_hash(key.id, "$argon2id$legacy", "sha256$again")
            .await
            .unwrap(),
        "a second upgrade of the same row does nothing"
    );

    let mut c = client("acme", "orch_cl_legacy");
    c.secret_hash = "$argon2id$legacy".into();
    store
        .create_tenant_client(&c, draft("clients.create"))
        .await
        .unwrap();
    let before_client = chain_length(&store).await;
    assert!(
        !store
            .replace_tenant_client_secret_hash(c.id, "$argon2id$other", "sha256$new")
            .await
            .unwrap()
    );
    assert!(
        store
            .replace_tenant_client_secret_hash(c.id, "$argon2id$legacy", "sha256$new")
            .await
            .unwrap()
    );
    let found = store
        .find_tenant_client("orch_cl_legacy")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.secret_hash, "sha256$new");
    // Re-hashing is not an operator action: no audit rows.
    assert_eq!(chain_length(&store).await, before_client);
    assert_eq!(before_client, before + 1);
}

both_backends!(
    operators_create_find_disable_rotate,
    disable_and_rotation_end_running_impersonations,
    legacy_hashes_are_replaced_only_if_unchanged,
    audit_appends_form_one_verifiable_chain,
    tenant_clients_are_scoped_and_soft_deleted,
    impersonations_start_list_and_stop,
);
