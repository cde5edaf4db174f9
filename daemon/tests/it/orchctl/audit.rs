//! `audit list` (filters, paging), `audit verify` (exit 6 on a broken chain or a failed
//! `--expect-head` anchor) and `audit head`.

use orchctl::Exit;
use sqlx::{PgPool, SqlitePool};

use super::support::{Orchctl, audit_rows};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

/// Alters an audit row behind orchd's back.
async fn tamper_with_first_row(app: &TestApp, kind: Kind) {
    exec(
        app,
        kind,
        "UPDATE operator_audit_log SET reason = 'nothing to see here' WHERE seq = 1",
    )
    .await;
}

/// Runs SQL on orchd's database behind its back.
async fn exec(app: &TestApp, kind: Kind, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match kind {
        Kind::Postgres => {
            let pool = PgPool::connect(&app.db.url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Kind::Sqlite => {
            let pool = SqlitePool::connect(&app.db.url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

async fn audit_list_and_verify(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    for name in ["ann", "ben", "cat"] {
        admin
            .run(&[
                "operators",
                "create",
                name,
                "--role",
                "readonly",
                "--reason",
                "team grows",
            ])
            .await
            .ok();
    }
    let total = audit_rows(&app).await.len();
    assert!(total >= 3);

    let verified = admin.run(&["audit", "verify", "-o", "json"]).await.ok();
    let report = verified.json();
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["checked"].as_u64().unwrap() as usize, total);
    let table = admin.run(&["audit", "verify", "-o", "table"]).await.ok();
    assert!(table.stdout.starts_with("Audit chain OK"), "{table:#?}");

    // Filters go to the server.
    let created = admin
        .run(&[
            "audit",
            "list",
            "--action",
            "operators.create",
            "--operator",
            "admin",
        ])
        .await
        .ok()
        .json();
    let items = created["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{created}");
    assert!(items.iter().all(|r| r["action"] == "operators.create"));
    assert_eq!(items[0]["reason"], "team grows");
    let recent = admin
        .run(&["audit", "list", "--since", "1h"])
        .await
        .ok()
        .json();
    assert_eq!(recent["items"].as_array().unwrap().len(), total);
    let future = admin
        .run(&["audit", "list", "--since", "2999-01-01T00:00:00Z"])
        .await
        .ok()
        .json();
    assert!(future["items"].as_array().unwrap().is_empty());
    admin
        .run(&["audit", "list", "--since", "last tuesday"])
        .await
        .exits(Exit::Usage);

    // One page, then every page.
    let first = admin
        .run(&["audit", "list", "--limit", "1"])
        .await
        .ok()
        .json();
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = admin
        .run(&["audit", "list", "--limit", "1", "--cursor", &cursor])
        .await
        .ok()
        .json();
    assert_ne!(second["items"][0]["id"], first["items"][0]["id"]);
    let all = admin
        .run(&["audit", "list", "--limit", "1", "--all"])
        .await
        .ok()
        .json();
    let seqs: Vec<i64> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs.len(), total, "{all}");
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seqs:?}"
    );
    assert!(all["next_cursor"].is_null());
    let rows = admin
        .run(&["audit", "list", "--limit", "2", "-o", "table"])
        .await
        .ok();
    assert!(rows.stdout.starts_with("SEQ"), "{rows:#?}");
    assert!(
        rows.stderr.contains("--all"),
        "a hint about more pages: {rows:#?}"
    );

    // A broken chain: the report is printed, and the exit status is 6.
    tamper_with_first_row(&app, kind).await;
    let broken = admin
        .run(&["audit", "verify", "-o", "json"])
        .await
        .exits(Exit::Conflict);
    assert_eq!(broken.json()["ok"], false);
    assert!(broken.json()["first_bad_id"].is_string());
    assert!(broken.stderr.contains("broken"), "{broken:#?}");
    app.stop().await;
}

/// `audit head` prints an anchor; `audit verify --expect-head` fails (exit 6) once the
/// newest rows are deleted, though the shorter chain itself still verifies.
async fn verify_expect_head_catches_deleted_rows(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    for name in ["dan", "eli", "fay"] {
        admin
            .run(&[
                "operators",
                "create",
                name,
                "--role",
                "readonly",
                "--reason",
                "team grows",
            ])
            .await
            .ok();
    }
    let head = admin
        .run(&["audit", "head", "-o", "json"])
        .await
        .ok()
        .json();
    let anchor = format!(
        "{}:{}",
        head["count"].as_u64().unwrap(),
        head["hash"].as_str().unwrap()
    );
    let table = admin.run(&["audit", "head", "-o", "table"]).await.ok();
    assert!(table.stdout.contains(&anchor), "{table:#?}");
    let holds = admin
        .run(&["audit", "verify", "--expect-head", &anchor, "-o", "table"])
        .await
        .ok();
    assert!(holds.stdout.contains("holds"), "{holds:#?}");

    let count = head["count"].as_u64().unwrap();
    exec(
        &app,
        kind,
        &format!("DELETE FROM operator_audit_log WHERE seq > {}", count - 2),
    )
    .await;
    admin.run(&["audit", "verify"]).await.ok();
    let cut = admin
        .run(&["audit", "verify", "--expect-head", &anchor, "-o", "json"])
        .await
        .exits(Exit::Conflict);
    assert_eq!(cut.json()["ok"], false);
    assert_eq!(cut.json()["anchor"]["matched"], false);
    assert!(cut.stderr.contains("deleted"), "{cut:#?}");
    let table = admin
        .run(&["audit", "verify", "--expect-head", &anchor, "-o", "table"])
        .await
        .exits(Exit::Conflict);
    assert!(table.stdout.contains("FAILS"), "{table:#?}");

    admin
        .run(&["audit", "verify", "--expect-head", "not-an-anchor"])
        .await
        .exits(Exit::Usage);
    app.stop().await;
}

both_backends!(
    audit_list_and_verify,
    verify_expect_head_catches_deleted_rows
);
