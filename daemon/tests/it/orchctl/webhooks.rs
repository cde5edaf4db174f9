//! `webhooks sign` (Stripe's test vector, secrets from a ref or stdin) and `webhooks send`
//! against a small local ingress that verifies with the orch-core verifier, as orchd will.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use orch_core::webhooks::stripe;
use orchctl::Exit;
use serde_json::json;
use time::OffsetDateTime;

use super::support::Orchctl;
use crate::helpers::{Kind, TestApp};

const SECRET: &str = "whsec_test_secret";
const BODY: &str = r#"{"id":"evt_test_webhook","object":"event"}"#;
const V1: &str = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";

/// What the fake ingress received: the tenant (or `-`) and the exact body.
type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A fake `/webhooks/stripe[/{tenant}]` that accepts only deliveries signed with `SECRET`.
async fn fake_ingress() -> (SocketAddr, Seen) {
    let seen = Seen::default();
    let app = axum::Router::new()
        .route("/webhooks/stripe", post(untenanted))
        .route("/webhooks/stripe/{tenant}", post(tenanted))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, seen)
}

async fn untenanted(State(seen): State<Seen>, headers: HeaderMap, body: Bytes) -> Response {
    receive(seen, "-".to_owned(), &headers, &body)
}

async fn tenanted(
    State(seen): State<Seen>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    receive(seen, tenant, &headers, &body)
}

fn receive(seen: Seen, tenant: String, headers: &HeaderMap, body: &[u8]) -> Response {
    let header = headers.get(stripe::HEADER).and_then(|v| v.to_str().ok());
    match stripe::verify(
        header,
        body,
        &[SECRET],
        OffsetDateTime::now_utc(),
        stripe::DEFAULT_TOLERANCE,
    ) {
        Ok(_) => {
            seen.lock().unwrap().push((tenant, body.to_vec()));
            axum::Json(json!({"received": true, "duplicate": false, "inbox_id": "0190b5a0-0000-7000-8000-000000000001"}))
                .into_response()
        }
        Err(err) => (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/problem+json")],
            json!({
                "type": format!("https://orch.dev/errors/{}", err.code()),
                "title": err.code().title(),
                "status": 400,
                "detail": err.to_string(),
                "code": err.code().as_str(),
            })
            .to_string(),
        )
            .into_response(),
    }
}

/// Writes the payload and secret files; returns their paths.
fn files(app: &TestApp) -> (String, String) {
    let dir = app.db.dir.path();
    let payload = dir.join("event.json");
    std::fs::write(&payload, BODY).unwrap();
    let secret = dir.join("whsec");
    std::fs::write(&secret, format!("{SECRET}\n")).unwrap();
    (
        payload.display().to_string(),
        format!("file:{}", secret.display()),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_sign_matches_stripe() {
    let Some(app) = TestApp::spawn(Kind::Sqlite).await else {
        return;
    };
    let (payload, secret_ref) = files(&app);
    let cli = Orchctl::new(&app, "signer");
    let signed = cli
        .run(&[
            "webhooks",
            "sign",
            "--secret-ref",
            &secret_ref,
            "-f",
            &payload,
            "--timestamp",
            "1492774577",
        ])
        .await
        .ok();
    assert_eq!(signed.stdout, format!("t=1492774577,v1={V1}\n"));
    assert!(signed.stderr.is_empty(), "{signed:#?}");

    // The secret on stdin, one trailing newline trimmed; without --timestamp, now.
    let signed = cli
        .run_with_stdin(
            &["webhooks", "sign", "--secret-stdin", "-f", &payload],
            &format!("{SECRET}\n"),
        )
        .await
        .ok();
    let header = signed.stdout.trim_end();
    let verified = stripe::verify(
        Some(header),
        BODY.as_bytes(),
        &[SECRET],
        OffsetDateTime::now_utc(),
        stripe::DEFAULT_TOLERANCE,
    );
    assert!(verified.is_ok(), "{header}: {verified:?}");
    assert!(!signed.all().contains(SECRET), "the secret was printed");

    // The payload on stdin, byte for byte (no newline added or removed).
    let signed = cli
        .run_with_stdin(
            &[
                "webhooks",
                "sign",
                "--secret-ref",
                &secret_ref,
                "-f",
                "-",
                "--timestamp",
                "1492774577",
            ],
            BODY,
        )
        .await
        .ok();
    assert_eq!(signed.stdout, format!("t=1492774577,v1={V1}\n"));

    // Usage errors: both from stdin, no secret at all, a ref orchctl cannot read.
    cli.run_with_stdin(&["webhooks", "sign", "--secret-stdin", "-f", "-"], "x")
        .await
        .exits(Exit::Usage);
    cli.run(&["webhooks", "sign", "-f", &payload])
        .await
        .exits(Exit::Usage);
    let vault = cli
        .run(&[
            "webhooks",
            "sign",
            "--secret-ref",
            "vault:kv/stripe#secret",
            "-f",
            &payload,
        ])
        .await
        .exits(Exit::Usage);
    assert!(vault.stderr.contains("--secret-stdin"), "{vault:#?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_send_posts_a_verifiable_delivery() {
    let Some(app) = TestApp::spawn(Kind::Sqlite).await else {
        return;
    };
    let (payload, secret_ref) = files(&app);
    let (addr, seen) = fake_ingress().await;
    let server = format!("http://{addr}");
    let cli = Orchctl::new(&app, "sender");

    let sent = cli
        .run(&[
            "webhooks",
            "send",
            "--server",
            &server,
            "--tenant",
            "acme",
            "-f",
            &payload,
            "--secret-ref",
            &secret_ref,
            "-o",
            "json",
        ])
        .await
        .ok();
    assert_eq!(sent.json()["received"], true, "{sent:#?}");
    let table = cli
        .run(&[
            "webhooks",
            "send",
            "--server",
            &server,
            "-f",
            &payload,
            "--secret-ref",
            &secret_ref,
            "-o",
            "table",
        ])
        .await
        .ok();
    assert!(
        table.stdout.contains("received:") && table.stdout.contains("true"),
        "{table:#?}"
    );
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            seen[0],
            ("acme".to_owned(), BODY.as_bytes().to_vec()),
            "the exact bytes"
        );
        assert_eq!(seen[1].0, "-", "no --tenant: the default tenant's endpoint");
    }

    // A wrong secret: the ingress answers 400 invalid_signature, orchctl exits 6.
    let wrong = app.db.dir.path().join("wrong");
    std::fs::write(&wrong, "whsec_wrong").unwrap();
    let refused = cli
        .run(&[
            "webhooks",
            "send",
            "--server",
            &server,
            "--tenant",
            "acme",
            "-f",
            &payload,
            "--secret-ref",
            &format!("file:{}", wrong.display()),
        ])
        .await
        .exits(Exit::Conflict);
    assert!(refused.stderr.contains("invalid_signature"), "{refused:#?}");
    assert_eq!(seen.lock().unwrap().len(), 2);

    // Nothing listening: exit 7.
    drop(seen);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    cli.run(&[
        "webhooks",
        "send",
        "--server",
        &format!("http://{closed}"),
        "-f",
        &payload,
        "--secret-ref",
        &secret_ref,
    ])
    .await
    .exits(Exit::Unavailable);
    app.stop().await;
}
