//! Versioned config store operations, on both backends.

use std::sync::Arc;

use orch_core::audit::AuditDraft;
use orch_core::config::validate;
use orchd::store::{Store, StoreError};
use orchd::tenant_config::records::{ConfigProjection, ConfigVersionRecord, PointerMove};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::both_backends;
use crate::helpers::{Kind, TestDb};

const EXAMPLE: &str = include_str!("../../../../examples/tenant-acme.yaml");

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

fn version(tenant: &str, n: i32, text: &str) -> (ConfigVersionRecord, ConfigProjection) {
    let doc = validate(text, Some(tenant)).unwrap();
    let record = ConfigVersionRecord {
        id: Uuid::now_v7(),
        tenant_id: tenant.into(),
        version: n,
        document: text.into(),
        document_format: doc.format.as_str().into(),
        canonical: doc.config.canonical(),
        checksum: doc.config.checksum(),
        author_operator_id: Some(Uuid::now_v7()),
        author: "alice".into(),
        reason: format!("version {n}"),
        request_id: Some("req".into()),
        trace_id: None,
        created_at: now(),
    };
    (record, ConfigProjection::of(&doc.config))
}

fn mv(tenant: &str, from: Option<i32>, to: i32, action: &str) -> PointerMove {
    PointerMove {
        id: Uuid::now_v7(),
        tenant_id: tenant.into(),
        action: action.into(),
        from_version: from,
        to_version: to,
        operator_id: None,
        operator_name: "alice".into(),
        reason: format!("{action} {to}"),
        request_id: None,
        trace_id: None,
        created_at: now(),
    }
}

fn audit() -> AuditDraft {
    AuditDraft::new("alice", "admin", "config.test", "conformance")
}

async fn versions_are_numbered_stored_and_listed(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let v2_text = EXAMPLE.replace("tolerance_s: 300", "tolerance_s: 120");
    let (v1, p1) = version("acme", 1, EXAMPLE);
    let (v2, p2) = version("acme", 2, &v2_text);
    assert!(
        store
            .create_config_version(&v1, &p1, None, audit())
            .await
            .unwrap()
            .is_none()
    );
    store
        .create_config_version(&v2, &p2, None, audit())
        .await
        .unwrap();
    // A number that is not next conflicts (racing applies, skipped numbers).
    let (again, pa) = version("acme", 2, EXAMPLE);
    assert!(matches!(
        store
            .create_config_version(&again, &pa, None, audit())
            .await,
        Err(StoreError::Conflict(_))
    ));
    let (skip, ps) = version("acme", 9, EXAMPLE);
    assert!(matches!(
        store.create_config_version(&skip, &ps, None, audit()).await,
        Err(StoreError::Conflict(_))
    ));
    // Another tenant numbers from 1.
    let (g1, pg) = version(
        "globex",
        1,
        &EXAMPLE.replace("tenant: acme", "tenant: globex"),
    );
    store
        .create_config_version(&g1, &pg, None, audit())
        .await
        .unwrap();

    assert_eq!(
        store.latest_config_version("acme").await.unwrap(),
        Some(v2.clone())
    );
    assert_eq!(
        store.get_config_version("acme", 1).await.unwrap(),
        Some(v1.clone())
    );
    assert_eq!(store.get_config_version("acme", 3).await.unwrap(), None);
    let listed = store.list_config_versions("acme", None, 10).await.unwrap();
    assert_eq!(
        listed.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert_eq!(
        store
            .list_config_versions("acme", Some(2), 10)
            .await
            .unwrap(),
        vec![v1.clone()]
    );

    let projection = store.get_config_projection("acme", 1).await.unwrap();
    assert_eq!(projection.policies.len(), 2);
    assert_eq!(projection.connectors.len(), 2);
    let stripe = projection
        .connectors
        .iter()
        .find(|c| c.name == "stripe")
        .unwrap();
    assert_eq!(stripe.auth_type, "bearer");
    assert_eq!(stripe.policy_name.as_deref(), Some("external-default"));
    let mut refs: Vec<&str> = projection
        .secret_refs
        .iter()
        .map(|r| r.reference.as_str())
        .collect();
    refs.sort();
    assert_eq!(
        refs,
        [
            "env:ORCH_ACME_STRIPE_KEY",
            "env:ORCH_ACME_STRIPE_WHSEC",
            "file:/run/secrets/acme_whsec_old",
            "vault:secret/acme/billing#api_key"
        ]
    );
}

async fn the_pointer_moves_only_from_where_it_is(kind: Kind) {
    let Some((_db, store)) = migrated(kind).await else {
        return;
    };
    let (v1, p1) = version("acme", 1, EXAMPLE);
    let (v2, p2) = version(
        "acme",
        2,
        &EXAMPLE.replace("tolerance_s: 300", "tolerance_s: 60"),
    );
    store
        .create_config_version(&v1, &p1, None, audit())
        .await
        .unwrap();
    store
        .create_config_version(&v2, &p2, None, audit())
        .await
        .unwrap();
    assert_eq!(store.get_config_pointer("acme").await.unwrap(), None);

    let first = store
        .move_config_pointer(&mv("acme", None, 1, "activate"), audit())
        .await
        .unwrap();
    assert_eq!((first.active_version, first.generation), (1, 1));
    assert_eq!(first.config_version_id, v1.id);
    // Stale expectations and missing versions are refused.
    assert!(matches!(
        store
            .move_config_pointer(&mv("acme", None, 2, "activate"), audit())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .move_config_pointer(&mv("acme", Some(1), 7, "activate"), audit())
            .await,
        Err(StoreError::NotFound)
    ));
    let second = store
        .move_config_pointer(&mv("acme", Some(1), 2, "activate"), audit())
        .await
        .unwrap();
    assert_eq!((second.active_version, second.generation), (2, 2));
    let back = store
        .move_config_pointer(&mv("acme", Some(2), 1, "rollback"), audit())
        .await
        .unwrap();
    assert_eq!((back.active_version, back.generation), (1, 3));

    // Creating with activation moves it in the same transaction, from where it was.
    let (v3, p3) = version(
        "acme",
        3,
        &EXAMPLE.replace("tolerance_s: 300", "tolerance_s: 30"),
    );
    let moved = store
        .create_config_version(&v3, &p3, Some(&mv("acme", None, 3, "activate")), audit())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((moved.active_version, moved.generation), (3, 4));

    let history = store.config_pointer_history("acme", 10).await.unwrap();
    let moves: Vec<(String, Option<i32>, i32)> = history
        .iter()
        .map(|m| (m.action.clone(), m.from_version, m.to_version))
        .collect();
    assert_eq!(
        moves,
        [
            ("activate".to_owned(), Some(1), 3),
            ("rollback".to_owned(), Some(2), 1),
            ("activate".to_owned(), Some(1), 2),
            ("activate".to_owned(), None, 1),
        ]
    );
    assert_eq!(history[1].reason, "rollback 1");
    let pointers = store.list_config_pointers().await.unwrap();
    assert_eq!(pointers.len(), 1);
    assert_eq!(pointers[0].tenant_id, "acme");
    // Every write above was audited: 3 creates (one with its move) + 3 moves.
    assert_eq!(store.audit_chain(0, 100).await.unwrap().len(), 6);
    // Versions were never modified by the moves.
    assert_eq!(store.get_config_version("acme", 1).await.unwrap(), Some(v1));
}

both_backends!(
    versions_are_numbered_stored_and_listed,
    the_pointer_moves_only_from_where_it_is
);
