use orchd::store::Backend;

use crate::both_backends;

/// Every embedded version, in order (both backends have the same).
fn versions() -> Vec<i64> {
    orchd::store::migrations::POSTGRES
        .iter()
        .map(|m| m.version)
        .collect()
}
use crate::helpers::{Kind, TestDb};

async fn fresh_database_reports_every_migration_pending(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else {
        return;
    };
    let store = db.store().await;
    store.ping().await.unwrap();
    let status = store.migration_status().await.unwrap();
    assert!(status.applied.is_empty(), "{status:?}");
    assert_eq!(status.pending, versions());
    assert!(!status.is_current());
    store.close().await;
}

async fn migrate_applies_once_and_is_idempotent(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else {
        return;
    };
    let store = db.store().await;
    assert_eq!(
        store.backend(),
        match kind {
            Kind::Postgres => Backend::Postgres,
            Kind::Sqlite => Backend::Sqlite,
        }
    );
    assert_eq!(store.migrate().await.unwrap(), versions());
    assert_eq!(store.migrate().await.unwrap(), Vec::<i64>::new());
    let status = store.migration_status().await.unwrap();
    assert!(status.is_current(), "{status:?}");
    assert_eq!(status.applied, versions());
    store.close().await;
}

async fn concurrent_migrations_do_not_conflict(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else {
        return;
    };
    let a = db.store().await;
    let b = db.store().await;
    let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
    let mut applied = ra.unwrap();
    applied.extend(rb.unwrap());
    applied.sort_unstable();
    assert_eq!(
        applied,
        versions(),
        "exactly one node applies each migration"
    );
    assert!(a.migration_status().await.unwrap().is_current());
    a.close().await;
    b.close().await;
}

both_backends!(
    fresh_database_reports_every_migration_pending,
    migrate_applies_once_and_is_idempotent,
    concurrent_migrations_do_not_conflict,
);
