//! Tenant JWTs from configured issuers: what is accepted, and every refusal API.md names.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jsonwebtoken::Algorithm;
use orch_core::problem::Problem;
use orch_core::tenant::TenantPattern;
use orch_core::units::HumanDuration;
use orchd::settings::{IssuerSettings, NamedKey, Settings};
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::tokens::{fixture, mint, now, unsigned};
use crate::helpers::{Kind, TestApp, TestDb, eventually};

const HS_SECRET: &str = "an-hs256-secret-of-at-least-32-bytes!!";

/// A JWKS endpoint whose document, `Cache-Control` and response delay the test can change;
/// it counts the requests for the document, and `/redirect` points at the document.
struct JwksServer {
    addr: SocketAddr,
    state: Arc<JwksState>,
}

#[derive(Default)]
struct JwksState {
    document: Mutex<String>,
    cache_control: Mutex<Option<String>>,
    delay: Mutex<Duration>,
    /// Answer this status (no document) instead of the document.
    failing: Mutex<Option<u16>>,
    hits: AtomicUsize,
    redirect_hits: AtomicUsize,
}

impl JwksServer {
    async fn start(initial: &str) -> Self {
        let state = Arc::new(JwksState {
            document: Mutex::new(initial.to_owned()),
            ..JwksState::default()
        });
        let served = state.clone();
        let redirected = state.clone();
        let app = axum::Router::new()
            .route(
                "/jwks.json",
                axum::routing::get(move || {
                    let state = served.clone();
                    async move {
                        state.hits.fetch_add(1, Ordering::SeqCst);
                        let delay = *state.delay.lock().unwrap();
                        tokio::time::sleep(delay).await;
                        let failing = *state.failing.lock().unwrap();
                        if let Some(status) = failing {
                            let status = axum::http::StatusCode::from_u16(status).unwrap();
                            return axum::response::IntoResponse::into_response(status);
                        }
                        let mut headers = axum::http::HeaderMap::new();
                        headers.insert("content-type", "application/json".parse().unwrap());
                        if let Some(cc) = state.cache_control.lock().unwrap().clone() {
                            headers.insert("cache-control", cc.parse().unwrap());
                        }
                        let doc = state.document.lock().unwrap().clone();
                        axum::response::IntoResponse::into_response((headers, doc))
                    }
                }),
            )
            .route(
                "/redirect",
                axum::routing::get(move || {
                    redirected.redirect_hits.fetch_add(1, Ordering::SeqCst);
                    async { axum::response::Redirect::temporary("/jwks.json") }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, state }
    }

    fn publish(&self, doc: &str) {
        *self.state.document.lock().unwrap() = doc.to_owned();
    }

    fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
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
        tenants: Some(vec![TenantPattern::Any]),
    }
}

fn tenants(patterns: &[&str]) -> Option<Vec<TenantPattern>> {
    Some(
        patterns
            .iter()
            .map(|p| TenantPattern::parse(p).unwrap())
            .collect(),
    )
}

fn configure(s: &mut Settings, db: &TestDb, jwks: SocketAddr) {
    let secret_file = db.dir.path().join("hs-secret");
    std::fs::write(&secret_file, format!("{HS_SECRET}\n")).unwrap();
    // The test JWKS server speaks plain http; a new kid may refetch every second.
    s.auth.jwks.allow_insecure_http = true;
    s.auth.jwks.refetch_interval = HumanDuration(Duration::from_secs(1));
    s.auth.issuers = vec![
        IssuerSettings {
            secret_ref: Some(format!("file:{}", secret_file.display())),
            tenants: tenants(&["acme", "acme-*"]),
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

/// An issuer speaks only for the tenants it is bound to: a valid token from the `acme`
/// issuer naming `globex` is refused like any other invalid token.
async fn an_issuer_bound_to_acme_cannot_mint_for_globex(kind: Kind) {
    let Some((app, _jwks)) = spawn(kind).await else {
        return;
    };
    let hs = |tenant: &str| {
        let mut c = claims("https://hs.example");
        c["tenant"] = json!(tenant);
        mint(Algorithm::HS256, HS_SECRET, None, &c)
    };
    for tenant in ["acme", "acme-eu"] {
        let res = call(&app, &hs(tenant)).await;
        assert_eq!(res.status(), 200, "{tenant}");
        assert_eq!(res.json::<Value>().await.unwrap()["tenant"], tenant);
    }
    for tenant in ["globex", "acmeevil", "acme-"] {
        let res = call(&app, &hs(tenant)).await;
        assert_eq!(res.status(), 401, "{tenant}");
        assert!(
            res.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .contains(r#"error="invalid_token""#)
        );
        let p: Problem = res.json().await.unwrap();
        assert_eq!(p.code, "unauthenticated", "{tenant}: {:?}", p.detail);
    }
    // An issuer bound to `*` (here the RS issuer) still speaks for anyone.
    let mut c = claims("https://rs.example");
    c["tenant"] = json!("globex");
    let rs = mint(Algorithm::RS256, &fixture("rsa-private.pem"), None, &c);
    assert_eq!(call(&app, &rs).await.status(), 200);
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
    an_issuer_bound_to_acme_cannot_mint_for_globex,
);

/// The JWKS cache: expiry, refetch rate, redirects, transport and key types. These do not
/// depend on the storage backend, so they run on SQLite only.
mod jwks {
    use super::*;
    use crate::helpers::Kind;

    const ISS: &str = "https://jwks.example";

    /// An app with one `jwks_url` issuer at `path` on `server`.
    async fn spawn_jwks(
        server: &JwksServer,
        path: &str,
        adjust: impl FnOnce(&mut Settings) + Send + 'static,
    ) -> Option<TestApp> {
        let url = format!("http://{}{path}", server.addr);
        TestApp::spawn_with(Kind::Sqlite, move |s, _db| {
            s.auth.jwks.allow_insecure_http = true;
            s.auth.issuers = vec![IssuerSettings {
                jwks_url: Some(url),
                tenants: tenants(&["acme"]),
                ..issuer(ISS, &["ES256"])
            }];
            adjust(s);
        })
        .await
    }

    fn ec(kid: &str, private: &str) -> String {
        mint(Algorithm::ES256, &fixture(private), Some(kid), &claims(ISS))
    }

    fn secs(s: u64) -> HumanDuration {
        HumanDuration(Duration::from_secs(s))
    }

    /// A key the IdP removed stops verifying once the set's max-age has passed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_key_removed_from_the_jwks_stops_verifying_after_max_age() {
        let server = JwksServer::start(&fixture("jwks-ec1-ec2.json")).await;
        *server.state.cache_control.lock().unwrap() = Some("public, max-age=1".into());
        let Some(app) = spawn_jwks(&server, "/jwks.json", |s| {
            s.auth.jwks.min_ttl = secs(1);
        })
        .await
        else {
            return;
        };
        let ec1 = ec("ec-1", "ec-private.pem");
        let ec2 = ec("ec-2", "ec2-private.pem");
        assert_eq!(call(&app, &ec1).await.status(), 200);
        server.publish(&fixture("jwks-ec2.json"));
        let removed = eventually(Duration::from_secs(6), || async {
            call(&app, &ec1).await.status() == 401
        })
        .await;
        assert!(removed, "the removed key still verifies");
        let res = call(&app, &ec1).await;
        assert_eq!(res.json::<Problem>().await.unwrap().code, "unauthenticated");
        assert_eq!(call(&app, &ec2).await.status(), 200, "the remaining key");
        assert!(server.hits() >= 2, "the set was refetched");
        app.stop().await;
    }

    /// Tokens with random `kid`s cause at most one fetch per `refetch_interval`, and a
    /// token with a known `kid` verifies at once while that (slow) fetch is in flight.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn random_kids_cost_one_fetch_per_interval_and_never_stall_known_kids() {
        let server = JwksServer::start(&fixture("jwks-ec1.json")).await;
        let interval = Duration::from_secs(4);
        let Some(app) = spawn_jwks(&server, "/jwks.json", move |s| {
            s.auth.jwks.refetch_interval = HumanDuration(interval);
        })
        .await
        else {
            return;
        };
        let app = Arc::new(app);
        let ec1 = ec("ec-1", "ec-private.pem");
        assert_eq!(call(&app, &ec1).await.status(), 200);
        assert_eq!(server.hits(), 1);
        // Let the refetch allowance open again, then make the next fetch slow.
        tokio::time::sleep(interval + Duration::from_millis(100)).await;
        *server.state.delay.lock().unwrap() = Duration::from_secs(2);

        let flood = |n: usize| {
            (0..n)
                .map(|_| {
                    let app = app.clone();
                    let token = ec(&uuid::Uuid::new_v4().to_string(), "ec-private.pem");
                    tokio::spawn(async move { call(&app, &token).await.status() })
                })
                .collect::<Vec<_>>()
        };
        let first = flood(20);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(server.hits(), 2, "one refetch for the whole flood");
        let started = Instant::now();
        assert_eq!(call(&app, &ec1).await.status(), 200);
        let waited = started.elapsed();
        assert!(
            waited < Duration::from_secs(1),
            "a known kid waited {waited:?} for the JWKS fetch"
        );
        for task in first {
            assert_eq!(task.await.unwrap(), 401);
        }
        // Within the interval, unknown kids fail fast without another fetch.
        let started = Instant::now();
        for task in flood(20) {
            assert_eq!(task.await.unwrap(), 401);
        }
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "rate-limited unknown kids waited {:?}",
            started.elapsed()
        );
        assert_eq!(server.hits(), 2, "no fetch beyond one per interval");
        match Arc::try_unwrap(app) {
            Ok(app) => {
                app.stop().await;
            }
            Err(_) => panic!("a request task still holds the app"),
        }
    }

    /// When the refetch after expiry fails, the previous keys keep verifying for
    /// `stale_if_error` (an IdP outage is not a tenant outage) — and not at all with `0s`.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_refetch_keeps_the_keys_only_within_stale_if_error() {
        for (stale, expected) in [(30, 200), (0, 401)] {
            let server = JwksServer::start(&fixture("jwks-ec1.json")).await;
            *server.state.cache_control.lock().unwrap() = Some("max-age=1".into());
            let Some(app) = spawn_jwks(&server, "/jwks.json", move |s| {
                s.auth.jwks.min_ttl = secs(1);
                s.auth.jwks.stale_if_error = secs(stale);
            })
            .await
            else {
                return;
            };
            let ec1 = ec("ec-1", "ec-private.pem");
            assert_eq!(call(&app, &ec1).await.status(), 200);
            *server.state.failing.lock().unwrap() = Some(503);
            tokio::time::sleep(Duration::from_millis(1200)).await;
            let res = call(&app, &ec1).await;
            assert_eq!(res.status(), expected, "stale_if_error {stale}s");
            assert_eq!(server.hits(), 2, "the expired set was refetched");
            app.stop().await;
        }
    }

    /// A JWKS URL that redirects is not followed, even to a good key set.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_redirecting_jwks_url_is_not_followed() {
        let server = JwksServer::start(&fixture("jwks-ec1.json")).await;
        let Some(app) = spawn_jwks(&server, "/redirect", |_| {}).await else {
            return;
        };
        let res = call(&app, &ec("ec-1", "ec-private.pem")).await;
        assert_eq!(res.status(), 401);
        assert_eq!(res.json::<Problem>().await.unwrap().code, "unauthenticated");
        assert_eq!(server.state.redirect_hits.load(Ordering::SeqCst), 1);
        assert_eq!(server.hits(), 0, "the redirect was followed");
        app.stop().await;
    }

    /// A symmetric (`oct`) key published in a JWKS never verifies an HS256 token, and a
    /// `jwks_url` issuer cannot even be configured with HS256.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_oct_key_in_the_jwks_cannot_verify_an_hs256_token() {
        use base64::Engine as _;
        let mut set: Value = serde_json::from_str(&fixture("jwks-ec1.json")).unwrap();
        set["keys"].as_array_mut().unwrap().push(json!({
            "kty": "oct",
            "kid": "shared",
            "alg": "HS256",
            "k": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(HS_SECRET),
        }));
        let server = JwksServer::start(&set.to_string()).await;

        let mut with_hs = Settings::default();
        with_hs.auth.jwks.allow_insecure_http = true;
        with_hs.auth.issuers = vec![IssuerSettings {
            jwks_url: Some(format!("http://{}/jwks.json", server.addr)),
            ..issuer(ISS, &["ES256", "HS256"])
        }];
        let err = with_hs.validate().unwrap_err().to_string();
        assert!(err.contains("`auth.issuers[0].algorithms`"), "{err}");

        let Some(app) = spawn_jwks(&server, "/jwks.json", |_| {}).await else {
            return;
        };
        let hs = mint(Algorithm::HS256, HS_SECRET, Some("shared"), &claims(ISS));
        let res = call(&app, &hs).await;
        assert_eq!(res.status(), 401);
        assert_eq!(res.json::<Problem>().await.unwrap().code, "unauthenticated");
        // The asymmetric key of the same set still works.
        assert_eq!(
            call(&app, &ec("ec-1", "ec-private.pem")).await.status(),
            200
        );
        app.stop().await;
    }

    /// `http://` JWKS URLs are a settings error unless the development switch is on.
    #[test]
    fn plain_http_jwks_urls_need_the_dev_switch() {
        let mut s = Settings::default();
        s.auth.issuers = vec![IssuerSettings {
            jwks_url: Some("http://idp.example/jwks.json".into()),
            ..issuer(ISS, &["ES256"])
        }];
        let err = s.validate().unwrap_err().to_string();
        assert!(err.contains("`auth.issuers[0].jwks_url`"), "{err}");
        assert!(err.contains("allow_insecure_http"), "{err}");
        s.auth.jwks.allow_insecure_http = true;
        s.validate().unwrap();
        s.auth.jwks.allow_insecure_http = false;
        s.auth.issuers[0].jwks_url = Some("https://idp.example/jwks.json".into());
        s.validate().unwrap();
    }

    /// An issuer without `tenants` is a settings error naming the key.
    #[test]
    fn issuers_without_tenants_are_refused() {
        let mut s = Settings::default();
        s.auth.issuers = vec![IssuerSettings {
            public_key_pem: Some(fixture("rsa-public.pem")),
            tenants: None,
            ..issuer("https://rs.example", &["RS256"])
        }];
        let err = s.validate().unwrap_err().to_string();
        assert!(err.contains("`auth.issuers[0].tenants`"), "{err}");
        assert!(err.contains("is required"), "{err}");
    }
}
