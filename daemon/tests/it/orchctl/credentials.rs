//! Credentials from the environment (`ORCHCTL_TOKEN`, `ORCHCTL_API_KEY`), injected through
//! `orchctl::Env`, and a server that cannot be reached.

use orchctl::{Env, Exit};

use super::support::{Orchctl, assert_never_printed};
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

both_backends!(
    a_ready_token_from_the_environment_is_used,
    an_api_key_from_the_environment_is_exchanged_each_run,
);

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
