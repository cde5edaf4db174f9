use orch_core::api::audit::{AuditHead, AuditVerifyResponse};
use orch_core::audit::{AuditKey, AuditRecord};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, PgPool, SqlitePool};

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn exec_raw(app: &TestApp, kind: Kind, sql: &str) {
    match kind {
        Kind::Postgres => {
            let pool = PgPool::connect(&app.db.url).await.unwrap();
            sqlx::query(AssertSqlSafe(sql.to_owned()))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
        Kind::Sqlite => {
            let pool = SqlitePool::connect(&app.db.url).await.unwrap();
            sqlx::query(AssertSqlSafe(sql.to_owned()))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
}

async fn verify(app: &TestApp, token: &str) -> AuditVerifyResponse {
    app.client
        .get(app.url("/v1/admin/audit/verify"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Many concurrent audited mutations never fork the chain; altering one row is caught there.
async fn concurrent_writers_keep_one_chain_and_tampering_is_found(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let client = app.client.clone();
        let url = app.url("/v1/admin/operators");
        let admin = admin.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(&admin)
                .json(&json!({"name": format!("op{i}"), "role": "readonly", "reason": "load test"}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 201);
    }

    let report = verify(&app, &admin).await;
    assert!(report.ok, "{report:?}");
    assert_eq!(report.checked, 25, "bootstrap + 24 creates");

    let page: Value = app
        .client
        .get(app.url("/v1/admin/audit?action=operators.create&limit=5"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let victim: AuditRecord = serde_json::from_value(page["items"][2].clone()).unwrap();
    exec_raw(
        &app,
        kind,
        &format!(
            "UPDATE operator_audit_log SET reason = 'nothing to see' WHERE seq = {}",
            victim.seq
        ),
    )
    .await;
    let report = verify(&app, &admin).await;
    assert!(!report.ok);
    assert_eq!(report.first_bad_id, Some(victim.id));
    app.stop().await;
}

/// If the audit row cannot be written, the mutation does not happen.
async fn an_unwritable_audit_log_blocks_the_mutation(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let trigger = match kind {
        Kind::Postgres => {
            exec_raw(
                &app,
                kind,
                "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'audit log is read-only'; END $$",
            )
            .await;
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON operator_audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
        }
        Kind::Sqlite => {
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON operator_audit_log \
             BEGIN SELECT RAISE(ABORT, 'audit log is read-only'); END"
        }
    };
    exec_raw(&app, kind, trigger).await;
    let res = app
        .client
        .post(app.url("/v1/admin/operators"))
        .bearer_auth(&admin)
        .json(&json!({"name": "eve", "role": "admin", "reason": "should not exist"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
    let operators = app.store.list_operators().await.unwrap();
    assert!(
        operators.iter().all(|o| o.name != "eve"),
        "the operator was created without its audit row"
    );
    app.stop().await;
}

async fn audit_list_filters_and_pages(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    for i in 0..5 {
        let res = app
            .client
            .post(app.url("/v1/admin/operators"))
            .bearer_auth(&admin)
            .json(&json!({"name": format!("p{i}"), "role": "readonly", "reason": format!("reason {i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = "/v1/admin/audit?operator=admin&action=operators.create&limit=2".to_owned();
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = app
            .client
            .get(app.url(&url))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["reason"].as_str().unwrap().to_owned());
            assert!(item["diff_json"]["after"]["name"].is_string());
            assert_eq!(item["required_permission"], "operators.manage");
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["reason 4", "reason 3", "reason 2", "reason 1", "reason 0"]
    );
    let bad = app
        .client
        .get(app.url("/v1/admin/audit?since=yesterday"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    app.stop().await;
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

/// `GET /v1/admin/audit/head` (read permission) gives an anchor; `verify?expect_head=` fails
/// once rows are cut off the end, which the chain alone cannot show.
async fn the_head_anchors_the_chain_against_a_cut_tail(kind: Kind) {
    let key_text = "an-audit-key-from-a-secret-ref-0123456789";
    let Some(app) = TestApp::spawn_with(kind, |settings, db| {
        let path = db.dir.path().join("audit.key");
        std::fs::write(&path, key_text).unwrap();
        settings.audit.hmac_key_ref = Some(format!("file:{}", path.display()));
    })
    .await
    else {
        return;
    };
    let admin = app.admin_token().await;
    for i in 0..4 {
        let res = app
            .client
            .post(app.url("/v1/admin/operators"))
            .bearer_auth(&admin)
            .json(&json!({"name": format!("h{i}"), "role": "readonly", "reason": "anchor test"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let reader_key = app.create_operator("reader", "readonly").await;
    let reader = app.operator_token(&reader_key).await;
    let (status, head) = get_json(&app, &reader, "/v1/admin/audit/head").await;
    assert_eq!(status, 200, "{head}");
    let head: AuditHead = serde_json::from_value(head).unwrap();
    assert_eq!(head.count, 6, "bootstrap + 4 + reader");
    let key = AuditKey::new(key_text.as_bytes()).unwrap();
    assert_eq!(head.key_id, key.id(), "the key of audit.hmac_key_ref seals");
    assert!(key.verify_head_mac(head.count, &head.hash, &head.mac));
    let anchor = head.anchor();
    let with_anchor = format!("/v1/admin/audit/verify?expect_head={}", urlencode(&anchor));

    let (_, report) = get_json(&app, &reader, &with_anchor).await;
    let report: AuditVerifyResponse = serde_json::from_value(report).unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.head.as_ref().unwrap().anchor(), anchor);

    exec_raw(&app, kind, "DELETE FROM operator_audit_log WHERE seq > 4").await;
    assert!(
        verify(&app, &admin).await.ok,
        "a cut chain is still a chain"
    );
    let (_, report) = get_json(&app, &admin, &with_anchor).await;
    let report: AuditVerifyResponse = serde_json::from_value(report).unwrap();
    assert!(!report.ok, "{report:?}");
    assert!(!report.anchor.unwrap().matched);
    assert!(report.problem.unwrap().contains("deleted"));

    let (status, bad) = get_json(&app, &admin, "/v1/admin/audit/verify?expect_head=7").await;
    assert_eq!(status, 400, "{bad}");
    assert_eq!(bad["code"], "validation_failed", "{bad}");
    app.stop().await;
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

both_backends!(
    the_head_anchors_the_chain_against_a_cut_tail,
    concurrent_writers_keep_one_chain_and_tampering_is_found,
    an_unwritable_audit_log_blocks_the_mutation,
    audit_list_filters_and_pages,
);
