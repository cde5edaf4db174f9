//! The keyed audit chain on both backends: seals under the audit key, rows of earlier
//! versions (unkeyed) still verify, and what someone with only database access can do —
//! edit and rehash, cut the tail, swap the key — is caught by `verify` or by an anchor.

use std::sync::Arc;

use orch_core::audit::{AuditAnchor, AuditDraft, AuditKey, AuditRecord, KEYED_SEAL_PREFIX};
use orchd::identity::audit::AuditService;
use orchd::identity::operators::{ApiKeyRecord, OperatorRecord};
use orchd::store::Store;
use sqlx::{AssertSqlSafe, PgPool, SqlitePool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::both_backends;
use crate::helpers::{Kind, TestDb, test_audit_key};

/// A store sealing with the test key, its audit service, and raw SQL on the same database.
struct Fixture {
    db: TestDb,
    store: Arc<dyn Store>,
    audit: AuditService,
    kind: Kind,
}

impl Fixture {
    async fn new(kind: Kind) -> Option<Fixture> {
        let db = TestDb::new(kind).await?;
        let store = db.store().await;
        store.migrate().await.unwrap();
        let audit = AuditService::new(store.clone(), test_audit_key());
        Some(Fixture {
            db,
            store,
            audit,
            kind,
        })
    }

    async fn append(&self, n: usize) {
        for i in 0..n {
            let draft = AuditDraft::new("tester", "admin", &format!("test.{i}"), "conformance")
                .diff(serde_json::json!(null), serde_json::json!({"n": i}));
            self.store.append_audit(draft).await.unwrap();
        }
    }

    async fn chain(&self) -> Vec<AuditRecord> {
        self.store.audit_chain(0, 10_000).await.unwrap()
    }

    /// Changes rows behind orchd's back, as someone with write access to the database.
    async fn exec(&self, sql: &str) {
        let q = AssertSqlSafe(sql.to_owned());
        match self.kind {
            Kind::Postgres => {
                let pool = PgPool::connect(&self.db.url).await.unwrap();
                sqlx::query(q).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Kind::Sqlite => {
                let pool = SqlitePool::connect(&self.db.url).await.unwrap();
                sqlx::query(q).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    /// Rewrites `row`'s reason, prev_hash and hash in place.
    async fn rewrite(&self, row: &AuditRecord) {
        self.exec(&format!(
            "UPDATE operator_audit_log SET reason = '{}', prev_hash = '{}', hash = '{}' \
             WHERE seq = {}",
            row.reason.replace('\'', "''"),
            row.prev_hash,
            row.hash,
            row.seq
        ))
        .await;
    }
}

fn other_key() -> AuditKey {
    AuditKey::new(b"another-audit-key-of-another-install-42").unwrap()
}

async fn rows_are_sealed_with_the_key_and_fail_under_another(kind: Kind) {
    let Some(f) = Fixture::new(kind).await else {
        return;
    };
    f.append(5).await;
    let chain = f.chain().await;
    assert!(
        chain.iter().all(|r| r.hash.starts_with(KEYED_SEAL_PREFIX)),
        "{chain:?}"
    );
    let report = f.audit.verify(None).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.checked, 5);
    assert_eq!(report.unkeyed_rows, 0);
    let head = report.head.unwrap();
    assert_eq!(
        (head.count, head.hash.as_str()),
        (5, chain[4].hash.as_str())
    );
    assert_eq!(head, f.audit.head().await.unwrap());
    assert!(test_audit_key().verify_head_mac(head.count, &head.hash, &head.mac));

    // The same rows under another key: the first row already fails.
    let elsewhere = AuditService::new(f.store.clone(), other_key());
    let report = elsewhere.verify(None).await.unwrap();
    assert!(!report.ok, "{report:?}");
    assert_eq!(report.first_bad_id, Some(chain[0].id));
    assert!(
        report.problem.as_deref().unwrap().contains("another key"),
        "{report:?}"
    );
    assert_ne!(elsewhere.head().await.unwrap().key_id, head.key_id);
}

/// Someone who can write the database edits a row and recomputes the unkeyed hash of it and
/// of every row after it (what the old chain could not tell from the real thing).
async fn an_edited_row_rehashed_without_the_key_fails(kind: Kind) {
    let Some(f) = Fixture::new(kind).await else {
        return;
    };
    f.append(4).await;
    let mut rows = f.chain().await;
    rows[1].reason = "nothing to see here".into();
    for i in 1..rows.len() {
        rows[i].prev_hash = rows[i - 1].hash.clone();
        rows[i].hash = rows[i].unkeyed_hash();
        f.rewrite(&rows[i]).await;
    }
    let report = f.audit.verify(None).await.unwrap();
    assert!(!report.ok, "{report:?}");
    assert_eq!(report.first_bad_id, Some(rows[1].id));
    assert!(report.head.is_none());

    // Dressed up as a keyed seal under a key of the forger's own: caught the same way.
    for i in 1..rows.len() {
        rows[i].prev_hash = rows[i - 1].hash.clone();
        rows[i].hash = rows[i].keyed_seal(&other_key());
        f.rewrite(&rows[i]).await;
    }
    let report = f.audit.verify(None).await.unwrap();
    assert_eq!(report.first_bad_id, Some(rows[1].id), "{report:?}");
}

/// Rows sealed by an earlier version (unkeyed) stay verifiable, new rows after them are
/// keyed, and the first keyed row pins the old prefix.
async fn unkeyed_rows_of_earlier_versions_still_verify(kind: Kind) {
    let Some(f) = Fixture::new(kind).await else {
        return;
    };
    f.append(3).await;
    // Turn the three rows into what an older orchd wrote: unkeyed hashes.
    let mut rows = f.chain().await;
    for i in 0..rows.len() {
        if i > 0 {
            rows[i].prev_hash = rows[i - 1].hash.clone();
        }
        rows[i].hash = rows[i].unkeyed_hash();
        f.rewrite(&rows[i]).await;
    }
    f.append(2).await;
    let chain = f.chain().await;
    assert_eq!(chain[3].prev_hash, chain[2].hash);
    assert!(chain[3].hash.starts_with(KEYED_SEAL_PREFIX));
    let report = f.audit.verify(None).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!((report.checked, report.unkeyed_rows), (5, 3));

    // Rewriting the old prefix (unkeyed, so recomputable) breaks the first keyed row.
    rows[0].reason = "rewritten history".into();
    for i in 0..rows.len() {
        if i > 0 {
            rows[i].prev_hash = rows[i - 1].hash.clone();
        }
        rows[i].hash = rows[i].unkeyed_hash();
        f.rewrite(&rows[i]).await;
    }
    let mut first_keyed = chain[3].clone();
    first_keyed.prev_hash = rows[2].hash.clone();
    f.rewrite(&first_keyed).await;
    let report = f.audit.verify(None).await.unwrap();
    assert_eq!(report.first_bad_id, Some(chain[3].id), "{report:?}");
}

/// Deleting the newest rows leaves a valid (shorter) chain; only an anchor recorded before
/// shows it, and still does after new rows refill the count.
async fn a_cut_tail_fails_the_anchor(kind: Kind) {
    let Some(f) = Fixture::new(kind).await else {
        return;
    };
    f.append(5).await;
    let head = f.audit.head().await.unwrap();
    let anchor = AuditAnchor::parse(&head.anchor()).unwrap();
    let report = f.audit.verify(Some(&anchor)).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert!(report.anchor.unwrap().matched);

    f.exec("DELETE FROM operator_audit_log WHERE seq > 3").await;
    let plain = f.audit.verify(None).await.unwrap();
    assert!(plain.ok, "a cut chain is still a valid chain: {plain:?}");
    let report = f.audit.verify(Some(&anchor)).await.unwrap();
    assert!(!report.ok, "{report:?}");
    assert!(!report.anchor.as_ref().unwrap().matched);
    assert!(
        report.problem.as_deref().unwrap().contains("deleted"),
        "{report:?}"
    );

    f.append(2).await;
    let report = f.audit.verify(Some(&anchor)).await.unwrap();
    assert!(!report.ok, "{report:?}");
    assert!(
        report.problem.as_deref().unwrap().contains("rewritten"),
        "{report:?}"
    );
}

/// The reconciler's checkpoints: each checks what was appended since the previous one, and
/// that the previous head is still there.
async fn checkpoints_follow_the_chain_and_catch_a_cut(kind: Kind) {
    let Some(f) = Fixture::new(kind).await else {
        return;
    };
    let empty = f.audit.checkpoint(None).await.unwrap().unwrap();
    assert_eq!(empty.count, 0);
    f.append(3).await;
    let first = f.audit.checkpoint(None).await.unwrap().unwrap();
    assert_eq!(first.count, 3);
    let previous = AuditAnchor::parse(&first.anchor()).unwrap();
    f.append(2).await;
    let second = f.audit.checkpoint(Some(&previous)).await.unwrap().unwrap();
    assert_eq!(second.count, 5);
    let previous = AuditAnchor::parse(&second.anchor()).unwrap();
    f.exec("DELETE FROM operator_audit_log WHERE seq > 4").await;
    let problem = f
        .audit
        .checkpoint(Some(&previous))
        .await
        .unwrap()
        .unwrap_err();
    assert!(problem.contains("deleted"), "{problem}");
}

/// A store opened without a key appends no audit row, and so makes no audited change.
async fn a_store_without_a_key_refuses_audited_writes(kind: Kind) {
    let Some(f) = Fixture::new(kind).await else {
        return;
    };
    let keyless = f.db.store_with_audit_key(None).await;
    let draft = AuditDraft::new("tester", "admin", "test.x", "conformance");
    assert!(keyless.append_audit(draft.clone()).await.is_err());
    let op = OperatorRecord {
        id: Uuid::now_v7(),
        name: "eve".into(),
        role: orch_core::rbac::Role::Admin,
        created_by: None,
        created_at: OffsetDateTime::now_utc(),
        disabled_at: None,
    };
    let key = ApiKeyRecord {
        id: Uuid::now_v7(),
        operator_id: op.id,
        lookup_id: "eve0001".into(),
        key_hash: "$argon2id$test".into(),
        created_at: OffsetDateTime::now_utc(),
        revoked_at: None,
    };
    assert!(keyless.create_operator(&op, &key, draft).await.is_err());
    assert!(keyless.list_operators().await.unwrap().is_empty());
    assert!(f.chain().await.is_empty());
}

both_backends!(
    rows_are_sealed_with_the_key_and_fail_under_another,
    an_edited_row_rehashed_without_the_key_fails,
    unkeyed_rows_of_earlier_versions_still_verify,
    a_cut_tail_fails_the_anchor,
    checkpoints_follow_the_chain_and_catch_a_cut,
    a_store_without_a_key_refuses_audited_writes,
);
