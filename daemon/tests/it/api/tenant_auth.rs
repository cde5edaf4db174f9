//! Tenant JWTs from configured issuers: what is accepted, and every refusal API.md names.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jsonwebtoken::Algorithm;
use orch_core::problem::Problem;
use orchd::settings::{IssuerSettings, NamedKey, Settings};
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::tokens::{fixture, mint, now, unsigned};
use crate::helpers::{Kind, TestApp, TestDb, eventually};

const HS_SECRET: &str = "an-hs256-secret-of-at-least-32-bytes!!";

/// A JWKS endpoint whose document the test can change.
struct JwksServer {
    addr: SocketAddr,
    document: Arc<Mutex<String>>,
}

impl JwksServer {
    async fn start(initial: &str) -> Self {
        let document = Arc::new(Mutex::new(initial.to_owned()));
        let served = document.clone();
        let app = axum::Router::new().route(
            "/jwks.json",
            axum::routing::get(move || {
                let doc = served.lock().unwrap().clone();
                async move { ([("content-type", "application/json")], doc) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, document }
    }

    fn publish(&self, doc: &str) {
        *self.document.lock().unwrap() = doc.to_owned();
    }
}

fn issuer(iss: &str, algs: &[&str]) -> IssuerSettings {
    IssuerSettings {
        iss: iss.to_owned(),
        audience: None,
        algorithms: algs.iter().map(|a| (*a).to_owned()).collect(),
        secret_ref: None,
        public_key_pem: None,
        keys: Vec::new(),
        jwks_url: None,
    }
}

fn configure(s: &mut Settings, db: &TestDb, jwks: SocketAddr) {
    let secret_file = db.dir.path().join("hs-secret");
    std::fs::write(&secret_file, format!("{HS_SECRET}\n")).unwrap();
    s.auth.issuers = vec![
        IssuerSettings {
            secret_ref: Some(format!("file:{}", secret_file.display())),
            ..issuer("https://hs.example", &["HS256"])
        },
        IssuerSettings {
            public_key_pem: Some(fixture("rsa-public.pem")),
            ..issuer("https://rs.example", &["RS256"])
        },
        IssuerSettings {
            public_key_pem: Some(fixture("ed-public.pem")),
            ..issuer("https://ed.example", &["EdDSA"])
        },
        IssuerSettings {
            keys: vec![NamedKey {
                kid: "ec-1".into(),
                public_key_pem: fixture("ec-public.pem"),
            }],
            ..issuer("https://keys.example", &["ES256"])
        },
        IssuerSettings {
            jwks_url: Some(format!("http://{jwks}/jwks.json")),
            ..issuer("https://jwks.example", &["ES256"])
        },
    ];
}

fn claims(iss: &str) -> Value {
    let t = now();
    json!({"iss": iss, "aud": ["orchd"], "iat": t, "exp": t + 300, "tenant": "acme", "scope": "execute jobs:read", "sub": "svc"})
}

async fn call(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .get(app.url("/v1/whoami"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn spawn(kind: Kind) -> Option<(TestApp, JwksServer)> {
    let jwks = JwksServer::start(&fixture("jwks-ec1.json")).await;
    let addr = jwks.addr;
    let app = TestApp::spawn_with(kind, move |s, db| configure(s, db, addr)).await?;
    Some((app, jwks))
}

async fn every_issuer_kind_is_accepted(kind: Kind) {
    let Some((app, _jwks)) = spawn(kind).await else {
        return;
    };
    let tokens = [
        mint(
            Algorithm::HS256,
            HS_SECRET,
            None,
            &claims("https://hs.example"),
        ),
        mint(
            Algorithm::RS256,
            &fixture("rsa-private.pem"),
            Some("ignored"),
            &claims("https://rs.example"),
        ),
        mint(
            Algorithm::EdDSA,
            &fixture("ed-private.pem"),
            None,
            &claims("https://ed.example"),
        ),
        mint(
            Algorithm::ES256,
            &fixture("ec-private.pem"),
            Some("ec-1"),
            &claims("https://keys.example"),
        ),
        mint(
            Algorithm::ES256,
            &fixture("ec-private.pem"),
            Some("ec-1"),
            &claims("https://jwks.example"),
        ),
    ];
    for token in tokens {
        let res = call(&app, &token).await;
        assert_eq!(res.status(), 200);
        let me: Value = res.json().await.unwrap();
        assert_eq!(me["tenant"], "acme");
        assert_eq!(me["scopes"], json!(["execute", "jobs:read"]));
    }
    app.stop().await;
}

/// Each refusal API.md lists, with its documented code.
async fn bad_tokens_are_refused_with_the_documented_code(kind: Kind) {
    let Some((app, _jwks)) = spawn(kind).await else {
        return;
    };
    let t = now();
    let rs_public = fixture("rsa-public.pem");
    let hs = |c: Value| mint(Algorithm::HS256, HS_SECRET, None, &c);
    let mut base = claims("https://hs.example");
    let with = |base: &Value, k: &str, v: Value| {
        let mut c = base.clone();
        c[k] = v;
        c
    };
    let without = |base: &Value, k: &str| {
        let mut c = base.clone();
        c.as_object_mut().unwrap().remove(k);
        c
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("alg none", unsigned(&base), "unauthenticated"),
        (
            "HS256 signed with the RS issuer's public key",
            mint(
                Algorithm::HS256,
                &rs_public,
                None,
                &claims("https://rs.example"),
            ),
            "unauthenticated",
        ),
        (
            "wrong aud",
            hs(with(&base, "aud", json!(["someone-else"]))),
            "invalid_audience",
        ),
        ("missing aud", hs(without(&base, "aud")), "invalid_audience"),
        (
            "unknown iss",
            hs(with(&base, "iss", json!("https://evil.example"))),
            "unauthenticated",
        ),
        (
            "expired",
            hs(with(
                &with(&base, "iat", json!(t - 600)),
                "exp",
                json!(t - 120),
            )),
            "unauthenticated",
        ),
        (
            "nbf in the future",
            hs(with(&base, "nbf", json!(t + 600))),
            "unauthenticated",
        ),
        (
            "ttl above the maximum",
            hs(with(&base, "exp", json!(t + 3600))),
            "unauthenticated",
        ),
        (
            "missing tenant",
            hs(without(&base, "tenant")),
            "unauthenticated",
        ),
        (
            "tenant not a slug",
            hs(with(&base, "tenant", json!("Not A Slug"))),
            "unauthenticated",
        ),
        ("missing exp", hs(without(&base, "exp")), "unauthenticated"),
        ("missing iat", hs(without(&base, "iat")), "unauthenticated"),
        (
            "a kid no key has",
            mint(
                Algorithm::ES256,
                &fixture("ec-private.pem"),
                Some("ec-9"),
                &claims("https://keys.example"),
            ),
            "unauthenticated",
        ),
        (
            "issuer A's token signed with issuer B's key",
            mint(
                Algorithm::ES256,
                &fixture("ec2-private.pem"),
                Some("ec-1"),
                &claims("https://keys.example"),
            ),
            "unauthenticated",
        ),
        (
            "impersonation claims from an outside issuer",
            hs(with(
                &with(&base, "imp", json!(uuid::Uuid::now_v7().to_string())),
                "act",
                json!({"sub": uuid::Uuid::now_v7().to_string()}),
            )),
            "unauthenticated",
        ),
    ];
    base["scope"] = json!("execute");
    for (what, token, code) in cases {
        let res = call(&app, &token).await;
        assert_eq!(res.status(), 401, "{what}");
        let challenge = res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            challenge.contains(r#"error="invalid_token""#),
            "{what}: {challenge}"
        );
        let p: Problem = res.json().await.unwrap();
        assert_eq!(p.code, code, "{what}: {:?}", p.detail);
    }
    let none = app.get("/v1/whoami").await;
    assert_eq!(none.status(), 401);
    assert_eq!(
        none.headers()["www-authenticate"],
        r#"Bearer realm="orchd""#
    );
    app.stop().await;
}

/// A key published later in the JWKS works within seconds (refetch on unknown kid).
async fn a_newly_published_jwks_key_is_picked_up(kind: Kind) {
    let Some((app, jwks)) = spawn(kind).await else {
        return;
    };
    let ec1 = mint(
        Algorithm::ES256,
        &fixture("ec-private.pem"),
        Some("ec-1"),
        &claims("https://jwks.example"),
    );
    assert_eq!(call(&app, &ec1).await.status(), 200);
    let ec2 = mint(
        Algorithm::ES256,
        &fixture("ec2-private.pem"),
        Some("ec-2"),
        &claims("https://jwks.example"),
    );
    assert_eq!(call(&app, &ec2).await.status(), 401, "not published yet");
    jwks.publish(&fixture("jwks-ec1-ec2.json"));
    let works = eventually(Duration::from_secs(15), || async {
        call(&app, &ec2).await.status() == 200
    })
    .await;
    assert!(works, "the new key was not fetched");
    app.stop().await;
}

/// Tokens are not interchangeable: operator tokens fail on tenant routes, tenant tokens on
/// admin routes.
async fn operator_and_tenant_tokens_do_not_cross(kind: Kind) {
    let Some((app, _jwks)) = spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let res = call(&app, &admin).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Problem>().await.unwrap().code,
        "invalid_audience"
    );

    let tenant = mint(
        Algorithm::HS256,
        HS_SECRET,
        None,
        &claims("https://hs.example"),
    );
    let res = app
        .client
        .get(app.url("/v1/admin/whoami"))
        .bearer_auth(&tenant)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    app.stop().await;
}

both_backends!(
    every_issuer_kind_is_accepted,
    bad_tokens_are_refused_with_the_documented_code,
    a_newly_published_jwks_key_is_picked_up,
    operator_and_tenant_tokens_do_not_cross,
);
