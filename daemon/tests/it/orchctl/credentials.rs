//! Credentials from the environment (`ORCHCTL_TOKEN`, `ORCHCTL_API_KEY`), injected through
//! `orchctl::Env`, and a server that cannot be reached.

use orchctl::config::{self, Context};
use orchctl::{Env, Exit};
use time::OffsetDateTime;

use super::support::{Orchctl, Recorder, assert_never_printed};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn a_ready_token_from_the_environment_is_used(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let key = app.create_operator("ci-bot", "support").await;
    let token = app.operator_token(&key).await;
    let mut cli = Orchctl::new(&app, "ci");
    cli.env = Env {
        token: Some(token.clone()),
        ..Env::default()
    };
    let out = cli
        .run(&["--server", &cli.server, "whoami", "-v"])
        .await
        .ok();
    assert_eq!(out.json()["operator"]["name"], "ci-bot");
    // Used as is: no key exchange, nothing saved.
    assert!(!out.stderr.contains("/v1/auth/operator/token"), "{out:#?}");
    assert!(!cli.config.exists());
    // Without a server there is nowhere to send it.
    let nowhere = cli.run(&["whoami"]).await.exits(Exit::Usage);
    assert!(nowhere.stderr.contains("--server"), "{nowhere:#?}");
    // A bad token is refused by the server.
    cli.env.token = Some("not-a-real-token-at-all-0123456789".into());
    let refused = cli
        .run(&["--server", &cli.server, "whoami"])
        .await
        .exits(Exit::NotAuthenticated);
    assert_never_printed(&token, &[&out, &nowhere, &refused]);
    assert_never_printed(&key, &[&out, &nowhere, &refused]);
    app.stop().await;
}

async fn an_api_key_from_the_environment_is_exchanged_each_run(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let key = app.create_operator("deployer", "admin").await;
    let mut cli = Orchctl::new(&app, "ci");
    cli.env = Env {
        api_key: Some(key.clone()),
        ..Env::default()
    };
    let mut outputs = Vec::new();
    for _ in 0..2 {
        let out = cli
            .run(&["--server", &cli.server, "whoami", "-v"])
            .await
            .ok();
        assert_eq!(out.json()["operator"]["name"], "deployer");
        assert!(
            out.stderr.contains("POST /v1/auth/operator/token -> 200"),
            "{out:#?}"
        );
        outputs.push(out);
    }
    // Mutations work the same way; nothing is written to disk.
    let created = cli
        .run(&[
            "--server",
            &cli.server,
            "operators",
            "create",
            "helper",
            "--role",
            "readonly",
            "--reason",
            "pipeline",
        ])
        .await
        .ok();
    assert_eq!(created.json()["operator"]["name"], "helper");
    assert!(!cli.config.exists());
    // ORCHCTL_TOKEN wins over ORCHCTL_API_KEY.
    cli.env.token = Some(app.admin_token().await);
    let first = cli.run(&["--server", &cli.server, "whoami"]).await.ok();
    assert_eq!(first.json()["operator"]["name"], "admin");
    outputs.push(first);
    let refs: Vec<&_> = outputs.iter().collect();
    assert_never_printed(&key, &refs);
    app.stop().await;
}

/// `--server` naming another server than the context's: neither the context's token nor,
/// on a refresh, its API key is sent there; the command exits 3 and says why.
async fn stored_credentials_never_go_to_another_server(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let key = app.admin_key();
    let mut cli = Orchctl::new(&app, "admin");
    let login = cli.login(&key).await.ok();
    let token = config::load(&cli.config).unwrap().contexts[0]
        .token
        .clone()
        .unwrap();
    let other = Recorder::start(200, None).await;

    // A fresh token: not sent.
    let fresh = cli
        .run(&["--server", &other.url, "whoami"])
        .await
        .exits(Exit::NotAuthenticated);
    assert!(
        fresh.stderr.contains("is not the server of context"),
        "{fresh:#?}"
    );
    assert!(fresh.stderr.contains("nothing was sent"), "{fresh:#?}");
    // A token about to expire: the key is not sent to get a new one either (nor for a
    // mutation, after the flag).
    let mut file = config::load(&cli.config).unwrap();
    file.contexts[0].expires_at = Some(OffsetDateTime::now_utc() + time::Duration::seconds(5));
    config::save(&cli.config, &file).unwrap();
    let refresh = cli
        .run(&[
            "operators",
            "create",
            "x",
            "--role",
            "readonly",
            "--reason",
            "test",
            "--server",
            &other.url,
        ])
        .await
        .exits(Exit::NotAuthenticated);
    assert!(
        other.requests().is_empty(),
        "stored credentials went to another server: {:?}",
        other.requests()
    );

    // A context saved for that server is pointed at.
    let mut file = config::load(&cli.config).unwrap();
    file.upsert(Context::new("elsewhere", &other.url));
    config::save(&cli.config, &file).unwrap();
    let named = cli
        .run(&["--server", &format!("{}/", other.url), "whoami"])
        .await
        .exits(Exit::NotAuthenticated);
    assert!(
        named.stderr.contains("--context \"elsewhere\""),
        "{named:#?}"
    );

    // The context's own server, spelled differently, gets them (and refreshes the token).
    let own = cli
        .run(&["--server", &format!("{}/", app.url("")), "whoami", "-v"])
        .await
        .ok();
    assert_eq!(own.json()["operator"]["name"], "admin");
    assert!(
        own.stderr.contains("POST /v1/auth/operator/token -> 200"),
        "{own:#?}"
    );

    // Credentials given for the call go where the call goes.
    cli.env.token = Some("a-token-given-for-this-call-0123".into());
    cli.run(&["--server", &other.url, "whoami"]).await;
    let seen = other.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some("Bearer a-token-given-for-this-call-0123")
    );
    for secret in [&key, &token] {
        assert_never_printed(secret, &[&login, &fresh, &refresh, &named, &own]);
    }
    app.stop().await;
}

both_backends!(
    a_ready_token_from_the_environment_is_used,
    an_api_key_from_the_environment_is_exchanged_each_run,
    stored_credentials_never_go_to_another_server,
);

/// A server answering a redirect: orchctl does not follow it, so neither the API key of a
/// login nor a context's token (nor its key, on a refresh) reaches the redirect's target;
/// the command exits 1 naming the target.
#[tokio::test]
async fn a_redirect_never_carries_credentials_to_its_target() {
    let key = "orch_op_0123456789abcdef_redirected_key";
    let token = "a-saved-token-that-must-stay-home-0123";
    for status in [307, 308, 302] {
        let target = Recorder::start(200, None).await;
        let redirector = Recorder::start(status, Some(&target.url)).await;
        let dir = tempfile::tempdir().unwrap();
        let cli = Orchctl {
            config: dir.path().join("config.yaml"),
            server: redirector.url.clone(),
            env: Env::default(),
        };
        let login = cli.login(key).await.exits(Exit::Other);
        assert!(login.stderr.contains("redirect"), "{login:#?}");
        assert!(login.stderr.contains(&target.url), "{login:#?}");
        assert!(!cli.config.exists(), "{login:#?}");

        // A saved context of the redirecting server: its token, then (expired) its key.
        let mut context = Context::new("redirecting", &redirector.url);
        context.api_key = Some(key.into());
        context.token = Some(token.into());
        context.expires_at = Some(OffsetDateTime::now_utc() + time::Duration::hours(1));
        let mut file = config::ConfigFile {
            current_context: Some("redirecting".into()),
            contexts: vec![context],
        };
        config::save(&cli.config, &file).unwrap();
        let whoami = cli.run(&["whoami"]).await.exits(Exit::Other);
        let tail = cli.run(&["events", "tail"]).await.exits(Exit::Other);
        file.contexts[0].expires_at = Some(OffsetDateTime::now_utc());
        config::save(&cli.config, &file).unwrap();
        let refresh = cli.run(&["whoami"]).await.exits(Exit::Other);

        // The named server got the login (its key, as asked), then the stored token.
        let asked = redirector.requests();
        assert_eq!(asked.len(), 4, "{asked:?}");
        assert_eq!(
            (asked[0].method.as_str(), asked[0].path.as_str()),
            ("POST", "/v1/auth/operator/token")
        );
        assert!(asked[0].body.contains(key), "{asked:?}");
        assert_eq!(
            asked[1].authorization.as_deref(),
            Some(format!("Bearer {token}").as_str())
        );
        assert!(
            target.requests().is_empty(),
            "HTTP {status} was followed: {:?}",
            target.requests()
        );
        assert_never_printed(key, &[&login, &whoami, &tail, &refresh]);
        assert_never_printed(token, &[&login, &whoami, &tail, &refresh]);
    }
}

/// Nothing listens: exit 7, with the server named.
#[tokio::test]
async fn an_unreachable_server_exits_7() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let cli = Orchctl {
        config: dir.path().join("config.yaml"),
        server: format!("http://127.0.0.1:{port}"),
        env: Env {
            token: Some("some-token-that-goes-nowhere-0123".into()),
            ..Env::default()
        },
    };
    let out = cli
        .run(&["--server", &cli.server, "whoami", "-v"])
        .await
        .exits(Exit::Unavailable);
    assert!(out.stderr.contains("server unavailable"), "{out:#?}");
    assert!(
        out.stderr.contains(&format!("127.0.0.1:{port}")),
        "{out:#?}"
    );
    assert!(
        out.stderr.contains("GET /v1/admin/whoami -> failed after"),
        "{out:#?}"
    );
    let login = cli
        .run_with_stdin(
            &["login", "--server", &cli.server, "--api-key-stdin"],
            "orch_op_x",
        )
        .await
        .exits(Exit::Unavailable);
    assert!(!cli.config.exists(), "{login:#?}");
}
