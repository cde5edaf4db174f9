//! `login`, `logout`, `whoami`, `context`: the contexts file and the credentials in it.

use std::os::unix::fs::PermissionsExt as _;

use orchctl::Exit;
use orchctl::config;
use time::OffsetDateTime;

use super::support::{Orchctl, assert_never_printed};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn login_then_whoami_works(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin_key = app.admin_key();
    let cli = Orchctl::new(&app, "admin");

    let login = cli.login(&admin_key).await.ok();
    let me = login.json();
    assert_eq!(me["operator"]["name"], "admin");
    assert_eq!(me["operator"]["role"], "admin");
    assert!(login.stderr.contains("Logged in to"), "{login:#?}");

    // The key and the token are saved, privately, in a context that is now current.
    assert_eq!(cli.config_mode(), 0o600);
    let saved = cli.config_yaml();
    let context_name = format!("127.0.0.1:{}", app.addr.port());
    assert_eq!(saved["current_context"], context_name.as_str());
    let context = &saved["contexts"][0];
    assert_eq!(context["name"], context_name.as_str());
    assert_eq!(context["server"], app.url("").as_str());
    assert_eq!(context["api_key"], admin_key.as_str());
    let token = context["token"].as_str().unwrap().to_owned();
    assert!(context["expires_at"].is_string());

    let json = cli.run(&["whoami", "-o", "json"]).await.ok();
    let me = json.json();
    assert_eq!(me["operator"]["name"], "admin");
    assert!(
        me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "operators.manage"),
        "{me}"
    );
    assert!(me["token_expires_at"].is_string());

    let yaml = cli.run(&["whoami", "-o", "yaml"]).await.ok();
    let me: serde_json::Value = yaml_serde::from_str(&yaml.stdout).unwrap();
    assert_eq!(me["operator"]["role"], "admin");

    let table = cli.run(&["whoami", "-o", "table"]).await.ok();
    assert!(table.stdout.contains("operator:"), "{table:#?}");
    assert!(table.stdout.contains("admin"), "{table:#?}");
    assert!(table.stdout.contains(&context_name), "{table:#?}");

    // -v: one line per request, with its id and timing, on stderr only.
    let verbose = cli.run(&["whoami", "-v"]).await.ok();
    assert!(
        verbose.stderr.contains("GET /v1/admin/whoami -> 200 in "),
        "{verbose:#?}"
    );
    assert!(verbose.stderr.contains("(request id "), "{verbose:#?}");
    verbose.json();

    let contexts = cli.run(&["context", "list", "-o", "json"]).await.ok();
    let listed = contexts.json();
    assert_eq!(listed[0]["name"], context_name.as_str());
    assert_eq!(listed[0]["current"], true);
    assert_eq!(listed[0]["logged_in"], true);
    assert_eq!(listed[0]["operator"], "admin");

    // Neither the key nor the token is ever printed.
    for secret in [&admin_key, &token] {
        assert_never_printed(secret, &[&login, &json, &yaml, &table, &verbose, &contexts]);
    }
    app.stop().await;
}

async fn logout_forgets_the_credentials(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let cli = Orchctl::new(&app, "admin");
    cli.login(&app.admin_key()).await.ok();
    let out = cli.run(&["logout"]).await.ok();
    assert!(out.stderr.contains("Logged out"), "{out:#?}");
    assert_eq!(cli.config_mode(), 0o600);
    let context = &cli.config_yaml()["contexts"][0];
    assert!(context.get("api_key").is_none(), "{context}");
    assert!(context.get("token").is_none(), "{context}");
    // The context itself stays, so logging in again needs no --server.
    assert!(context["server"].is_string());

    let whoami = cli.run(&["whoami"]).await.exits(Exit::NotAuthenticated);
    assert!(whoami.stderr.contains("orchctl login"), "{whoami:#?}");
    assert!(whoami.stdout.is_empty(), "{whoami:#?}");

    cli.run_with_stdin(&["login", "--api-key-stdin"], &app.admin_key())
        .await
        .ok();
    cli.run(&["whoami"]).await.ok();
    app.stop().await;
}

async fn a_wrong_key_is_refused_and_nothing_saved(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let cli = Orchctl::new(&app, "someone");
    let wrong = "orch_op_this_key_does_not_exist_at_all";
    let out = cli.login(wrong).await.exits(Exit::NotAuthenticated);
    assert!(out.stderr.contains("code: unauthenticated"), "{out:#?}");
    assert!(out.stderr.contains("request_id: "), "{out:#?}");
    assert_never_printed(wrong, &[&out]);
    assert!(!cli.config.exists());
    app.stop().await;
}

async fn an_expiring_token_is_refreshed_from_the_key_and_saved(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let cli = Orchctl::new(&app, "admin");
    cli.login(&app.admin_key()).await.ok();

    // Make the saved token look as if it expires within the refresh margin (60 s).
    let mut file = config::load(&cli.config).unwrap();
    let soon = OffsetDateTime::now_utc() + time::Duration::seconds(30);
    let old_token = file.contexts[0].token.clone().unwrap();
    file.contexts[0].expires_at = Some(soon);
    config::save(&cli.config, &file).unwrap();

    let out = cli.run(&["whoami", "-v"]).await.ok();
    assert!(
        out.stderr.contains("POST /v1/auth/operator/token -> 200"),
        "the token should have been refreshed: {out:#?}"
    );
    let refreshed = config::load(&cli.config).unwrap();
    let context = &refreshed.contexts[0];
    assert_ne!(context.token.as_deref(), Some(old_token.as_str()));
    assert!(context.expires_at.unwrap() > soon);
    assert_eq!(cli.config_mode(), 0o600);

    // A fresh token is used as is: no exchange.
    let again = cli.run(&["whoami", "-v"]).await.ok();
    assert!(
        !again.stderr.contains("/v1/auth/operator/token"),
        "{again:#?}"
    );
    app.stop().await;
}

async fn contexts_can_be_switched(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let bob_key = app.create_operator("bob", "support").await;
    let cli = Orchctl::new(&app, "shared");
    cli.run_with_stdin(
        &[
            "login",
            "--server",
            &cli.server,
            "--context",
            "as-admin",
            "--api-key-stdin",
        ],
        &app.admin_key(),
    )
    .await
    .ok();
    cli.run_with_stdin(
        &[
            "login",
            "--server",
            &cli.server,
            "--context",
            "as-bob",
            "--api-key-stdin",
        ],
        &bob_key,
    )
    .await
    .ok();
    // The last login is current.
    assert_eq!(
        cli.run(&["whoami"]).await.ok().json()["operator"]["name"],
        "bob"
    );
    let listed = cli.run(&["context", "list"]).await.ok().json();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["as-admin", "as-bob"]);

    cli.run(&["context", "use", "as-admin"]).await.ok();
    assert_eq!(
        cli.run(&["whoami"]).await.ok().json()["operator"]["name"],
        "admin"
    );
    // --context picks another context for one command.
    let one_off = cli.run(&["--context", "as-bob", "whoami"]).await.ok();
    assert_eq!(one_off.json()["operator"]["name"], "bob");
    assert_eq!(cli.config_yaml()["current_context"], "as-admin");

    cli.run(&["context", "use", "nope"])
        .await
        .exits(Exit::NotFound);
    cli.run(&["--context", "nope", "whoami"])
        .await
        .exits(Exit::NotAuthenticated);
    let table = cli.run(&["context", "list", "-o", "table"]).await.ok();
    assert!(table.stdout.contains("as-bob"), "{table:#?}");
    assert_never_printed(&bob_key, &[&table, &one_off]);
    app.stop().await;
}

both_backends!(
    login_then_whoami_works,
    logout_forgets_the_credentials,
    a_wrong_key_is_refused_and_nothing_saved,
    an_expiring_token_is_refreshed_from_the_key_and_saved,
    contexts_can_be_switched,
);

/// A contexts file others can read is refused before anything is sent.
#[tokio::test]
async fn a_group_readable_contexts_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Orchctl {
        config: dir.path().join("config.yaml"),
        // Nothing listens here; the command must fail before trying.
        server: "http://127.0.0.1:9".to_owned(),
        env: orchctl::Env::default(),
    };
    let key = "orch_op_secret_key_in_a_readable_file";
    std::fs::write(
        &cli.config,
        format!(
            "current_context: prod\ncontexts:\n- name: prod\n  server: {}\n  api_key: {key}\n",
            cli.server
        ),
    )
    .unwrap();
    for mode in [0o640, 0o644, 0o604] {
        std::fs::set_permissions(&cli.config, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = cli.run(&["whoami", "-v"]).await.exits(Exit::Other);
        assert!(out.stderr.contains("chmod 600"), "{out:#?}");
        assert!(
            !out.stderr.contains(" -> "),
            "nothing may be sent: {out:#?}"
        );
        assert_never_printed(key, &[&out]);
    }
    // Once private, it is read (and the unreachable server is reported as such).
    std::fs::set_permissions(&cli.config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = cli.run(&["whoami"]).await.exits(Exit::Unavailable);
    assert!(out.stderr.contains("server unavailable"), "{out:#?}");
    assert_never_printed(key, &[&out]);
}

/// No contexts file at all: not logged in.
#[tokio::test]
async fn without_credentials_commands_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Orchctl {
        config: dir.path().join("config.yaml"),
        server: "http://127.0.0.1:9".to_owned(),
        env: orchctl::Env::default(),
    };
    for args in [
        &["whoami"][..],
        &["operators", "list"],
        &["audit", "verify"],
    ] {
        let out = cli.run(args).await.exits(Exit::NotAuthenticated);
        assert!(out.stderr.contains("orchctl login"), "{args:?}: {out:#?}");
    }
    assert!(!cli.config.exists());
}

/// Without a terminal, login needs --api-key-stdin: a usage error otherwise, and an empty
/// key on stdin is one too.
#[tokio::test]
async fn login_without_a_terminal_needs_the_key_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Orchctl {
        config: dir.path().join("config.yaml"),
        server: "http://127.0.0.1:9".to_owned(),
        env: orchctl::Env::default(),
    };
    let out = cli
        .run(&["login", "--server", &cli.server])
        .await
        .exits(Exit::Usage);
    assert!(out.stderr.contains("--api-key-stdin"), "{out:#?}");
    let empty = cli
        .run_with_stdin(&["login", "--server", &cli.server, "--api-key-stdin"], "\n")
        .await
        .exits(Exit::Usage);
    assert!(empty.stderr.contains("empty"), "{empty:#?}");
    let no_server = cli
        .run_with_stdin(&["login", "--api-key-stdin"], "orch_op_x")
        .await
        .exits(Exit::Usage);
    assert!(no_server.stderr.contains("--server"), "{no_server:#?}");
    let bad_server = cli
        .run_with_stdin(
            &["login", "--server", "ftp://x", "--api-key-stdin"],
            "orch_op_x",
        )
        .await
        .exits(Exit::Usage);
    assert!(bad_server.stderr.contains("http"), "{bad_server:#?}");
    assert!(!cli.config.exists());
}
