//! The inbox admin API: a delivery's request headers are kept allow-listed and redacted (no
//! signature value in the row or any answer, visible to readonly operators), and lists take
//! tenant, provider, status, type and a received-at range, paged by cursor.

use serde_json::Value;
use sqlx::{Column as _, Row as _};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::api::webhooks::{Hooks, NEW_SECRET, admin_get, event, row_becomes, start};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

const AGENT: &str = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";

/// Posts `body` signed with the tenant's secret and a decoy second `v1` (as during a secret
/// roll), with headers orchd must not keep; returns the inbox id and both signature values.
async fn deliver(app: &TestApp, body: &[u8]) -> (String, [String; 2]) {
    let t = OffsetDateTime::now_utc().unix_timestamp();
    let real = orch_core::webhooks::stripe::signature_v1(NEW_SECRET.as_bytes(), t, body);
    let decoy = "d1".repeat(32);
    let res = app
        .client
        .post(app.url("/webhooks/stripe/acme"))
        .header("content-type", "application/json")
        .header("user-agent", AGENT)
        .header("authorization", "Bearer not-for-the-inbox")
        .header("cookie", "session=not-for-the-inbox")
        .header("stripe-signature", format!("t={t},v1={real},v1={decoy}"))
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let answer: Value = res.json().await.unwrap();
    let id = answer["inbox_id"].as_str().expect("accepted").to_owned();
    (id, [real, decoy])
}

/// Every column of the stored row, as text.
async fn raw_row(app: &TestApp, kind: Kind, id: &str) -> String {
    match kind {
        Kind::Postgres => {
            let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
            sqlx::query_scalar::<_, String>(
                "SELECT row_to_json(w)::text FROM webhook_inbox w WHERE id = $1::uuid",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
        Kind::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&app.db.url).await.unwrap();
            let row = sqlx::query("SELECT * FROM webhook_inbox WHERE id = ?")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
            (0..row.columns().len())
                .map(|i| {
                    let name = row.columns()[i].name().to_owned();
                    let text = row
                        .try_get::<Option<String>, _>(i)
                        .ok()
                        .flatten()
                        .or_else(|| {
                            row.try_get::<Option<Vec<u8>>, _>(i)
                                .ok()
                                .flatten()
                                .map(|b| String::from_utf8_lossy(&b).into_owned())
                        })
                        .or_else(|| {
                            row.try_get::<Option<i64>, _>(i)
                                .ok()
                                .flatten()
                                .map(|n| n.to_string())
                        })
                        .unwrap_or_default();
                    format!("{name}={text}")
                })
                .collect::<Vec<_>>()
                .join("|")
        }
    }
}

async fn request_headers_are_kept_redacted_and_shown_to_readonly(kind: Kind) {
    let Some(Hooks { app, up: _up }) = start(kind).await else {
        return;
    };
    let body = event("evt_headers", "invoice.paid");
    let (id, signatures) = deliver(&app, &body).await;
    row_becomes(&app, &id, "processed", std::time::Duration::from_secs(15)).await;

    let viewer = app.create_operator("viewer", "readonly").await;
    let viewer = app.operator_token(&viewer).await;
    let res = admin_get(&app, &viewer, &format!("/v1/admin/inbox/{id}")).await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let row: Value = serde_json::from_str(&text).unwrap();
    let headers = row["request_headers"].as_object().expect("kept headers");
    let names: Vec<&str> = headers.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "content-length",
            "content-type",
            "stripe-signature",
            "user-agent"
        ],
        "{row}"
    );
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["content-length"], body.len().to_string());
    assert_eq!(headers["user-agent"], AGENT);
    let t = row["request_headers"]["stripe-signature"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        t.starts_with("t=") && t.ends_with(",v1=[redacted],v1=[redacted]"),
        "{t}"
    );

    let list = admin_get(&app, &viewer, "/v1/admin/inbox")
        .await
        .text()
        .await
        .unwrap();
    let stored = raw_row(&app, kind, &id).await;
    assert!(
        stored.contains("[redacted]"),
        "the column is read: {stored}"
    );
    for (place, seen) in [
        ("the answer", &text),
        ("the list", &list),
        ("the row", &stored),
    ] {
        for signature in &signatures {
            assert!(
                !seen.contains(signature.as_str()),
                "a signature in {place}: {seen}"
            );
        }
        assert!(
            !seen.contains("not-for-the-inbox"),
            "a credential in {place}: {seen}"
        );
    }
    app.stop().await;
}

/// `GET /v1/admin/inbox` with `query`, as the admin.
async fn list(app: &TestApp, token: &str, query: &[(&str, &str)]) -> (u16, Value) {
    let url = reqwest::Url::parse_with_params(&app.url("/v1/admin/inbox"), query).unwrap();
    let res = app.client.get(url).bearer_auth(token).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn lists_filter_by_every_field_and_a_time_range_and_page(kind: Kind) {
    let Some(Hooks { app, up: _up }) = start(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let mut sent = Vec::new();
    for (event_id, kind) in [
        ("evt_l1", "invoice.paid"),
        ("evt_l2", "customer.created"),
        ("evt_l3", "invoice.paid"),
    ] {
        sent.push(deliver(&app, &event(event_id, kind)).await.0);
        // Distinct received-at times, so the range below splits them.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    for id in &sent {
        row_becomes(&app, id, "processed", std::time::Duration::from_secs(15)).await;
    }
    let newest_first: Vec<String> = sent.iter().rev().cloned().collect();
    let (_, all) = list(&app, &admin, &[]).await;
    assert_eq!(ids(&all), newest_first);

    let (_, acme) = list(&app, &admin, &[("tenant", "acme"), ("provider", "stripe")]).await;
    assert_eq!(ids(&acme), newest_first);
    let (_, globex) = list(&app, &admin, &[("tenant", "globex")]).await;
    assert!(ids(&globex).is_empty());
    let (_, github) = list(&app, &admin, &[("provider", "github")]).await;
    assert!(ids(&github).is_empty());
    let (_, paid) = list(
        &app,
        &admin,
        &[("type", "invoice.paid"), ("status", "processed")],
    )
    .await;
    assert_eq!(ids(&paid), vec![sent[2].clone(), sent[0].clone()]);
    let (_, waiting) = list(&app, &admin, &[("status", "received")]).await;
    assert!(ids(&waiting).is_empty());

    // since is inclusive, until exclusive: the middle row's time splits the three.
    let middle = all["items"][1]["received_at"].as_str().unwrap().to_owned();
    OffsetDateTime::parse(&middle, &Rfc3339).unwrap();
    let (_, since) = list(&app, &admin, &[("since", &middle)]).await;
    assert_eq!(ids(&since), vec![sent[2].clone(), sent[1].clone()]);
    let (_, until) = list(&app, &admin, &[("until", &middle)]).await;
    assert_eq!(ids(&until), vec![sent[0].clone()]);
    let (_, both) = list(&app, &admin, &[("since", &middle), ("until", &middle)]).await;
    assert!(ids(&both).is_empty());

    // One row a page, by cursor, newest first, until a page carries no cursor.
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..5 {
        let mut query = vec![("limit", "1".to_owned())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, page) = list(&app, &admin, &query).await;
        assert_eq!(status, 200, "{page}");
        paged.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(paged, newest_first);

    for (field, bad) in [
        ("status", "lost"),
        ("since", "yesterday"),
        ("cursor", "nope"),
    ] {
        let (status, problem) = list(&app, &admin, &[(field, bad)]).await;
        assert_eq!(status, 400, "{field}: {problem}");
        assert_eq!(problem["code"], "validation_failed", "{problem}");
    }
    app.stop().await;
}

both_backends!(
    request_headers_are_kept_redacted_and_shown_to_readonly,
    lists_filter_by_every_field_and_a_time_range_and_page,
);
