//! `operators create | list | disable | rotate-key`, RBAC and the `--reason` rule.

use orchctl::Exit;
use serde_json::Value;

use super::support::{Orchctl, assert_never_printed, audit_rows};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn operators_end_to_end(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin_key = app.admin_key();
    let admin = Orchctl::new(&app, "admin");
    let login = admin.login(&admin_key).await.ok();

    // create: JSON is the API's object, key included (shown this once).
    let created = admin
        .run(&[
            "operators",
            "create",
            "bob",
            "--role",
            "support",
            "--reason",
            "new hire",
        ])
        .await
        .ok();
    let issued = created.json();
    assert_eq!(issued["operator"]["name"], "bob");
    assert_eq!(issued["operator"]["role"], "support");
    let bob_id = issued["operator"]["id"].as_str().unwrap().to_owned();
    let bob_key = issued["api_key"].as_str().unwrap().to_owned();
    assert!(bob_key.starts_with("orch_op_"), "{issued}");

    // create in table mode: the key, and a note that it is shown only once.
    let carol_created = admin
        .run(&[
            "operators",
            "create",
            "carol",
            "--role",
            "readonly",
            "--reason",
            "auditor",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert!(
        carol_created
            .stdout
            .contains("Created operator carol (readonly"),
        "{carol_created:#?}"
    );
    let carol_key = carol_created
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("API key: "))
        .unwrap()
        .to_owned();
    assert!(carol_key.starts_with("orch_op_"));
    assert!(
        carol_created.stderr.contains("shown only once"),
        "{carol_created:#?}"
    );
    let carol_id = carol_created
        .stdout
        .split(", ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap()
        .to_owned();

    // list: JSON page and table.
    let listed = admin.run(&["operators", "list"]).await.ok();
    let page = listed.json();
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    for name in ["admin", "bob", "carol"] {
        assert!(names.contains(&name), "{page}");
    }
    let table = admin.run(&["operators", "list", "-o", "table"]).await.ok();
    let bob_row = table.stdout.lines().find(|l| l.contains("bob")).unwrap();
    assert!(bob_row.contains(&bob_id) && bob_row.contains("support") && bob_row.contains("active"));

    // bob logs in with his own contexts file.
    let bob = Orchctl::new(&app, "bob");
    let bob_login = bob.login(&bob_key).await.ok();
    assert_eq!(bob_login.json()["operator"]["name"], "bob");
    let bob_token = bob.config_yaml()["contexts"][0]["token"]
        .as_str()
        .unwrap()
        .to_owned();

    // disable: his saved token stops working at once, and so does his key.
    let disabled = admin
        .run(&["operators", "disable", &bob_id, "--reason", "left the team"])
        .await
        .ok();
    assert!(disabled.json()["disabled_at"].is_string(), "{disabled:#?}");
    let refused = bob.run(&["whoami"]).await.exits(Exit::NotAuthenticated);
    assert!(
        refused.stderr.contains("code: unauthenticated"),
        "{refused:#?}"
    );
    bob.login(&bob_key).await.exits(Exit::NotAuthenticated);
    let table = admin.run(&["operators", "list", "-o", "table"]).await.ok();
    let bob_row = table.stdout.lines().find(|l| l.contains("bob")).unwrap();
    assert!(bob_row.contains("disabled"), "{table:#?}");

    // rotate-key: a new key that works; the old one no longer logs in.
    let rotated = admin
        .run(&[
            "operators",
            "rotate-key",
            &carol_id,
            "--reason",
            "scheduled rotation",
        ])
        .await
        .ok();
    let new_key = rotated.json()["api_key"].as_str().unwrap().to_owned();
    assert_ne!(new_key, carol_key);
    let carol = Orchctl::new(&app, "carol");
    carol.login(&carol_key).await.exits(Exit::NotAuthenticated);
    let carol_in = carol.login(&new_key).await.ok();
    assert_eq!(carol_in.json()["operator"]["name"], "carol");

    // Each mutation is in the audit log with its reason.
    let rows = audit_rows(&app).await;
    let reason_of = |action: &str, target: &str| -> Option<String> {
        rows.iter()
            .find(|r| r["action"] == action && r["target_id"] == target)
            .map(|r| r["reason"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        reason_of("operators.create", &bob_id).as_deref(),
        Some("new hire")
    );
    assert_eq!(
        reason_of("operators.disable", &bob_id).as_deref(),
        Some("left the team")
    );
    assert_eq!(
        reason_of("operators.rotate_key", &carol_id).as_deref(),
        Some("scheduled rotation")
    );

    // Secrets: the admin's key and bob's token never appear; bob's key only in its creation.
    let everything = [
        &login,
        &created,
        &carol_created,
        &listed,
        &table,
        &bob_login,
        &disabled,
        &refused,
        &rotated,
        &carol_in,
    ];
    assert_never_printed(&admin_key, &everything);
    assert_never_printed(&bob_token, &everything);
    assert_never_printed(&bob_key, &everything[2..]);
    app.stop().await;
}

async fn a_readonly_operator_is_forbidden(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let key = app.create_operator("rita", "readonly").await;
    let rita = Orchctl::new(&app, "rita");
    rita.login(&key).await.ok();

    let out = rita
        .run(&[
            "operators",
            "create",
            "mallory",
            "--role",
            "admin",
            "--reason",
            "promote myself",
        ])
        .await
        .exits(Exit::Forbidden);
    assert!(out.stdout.is_empty(), "{out:#?}");
    assert!(out.stderr.contains("Forbidden"), "{out:#?}");
    assert!(out.stderr.contains("code: forbidden"), "{out:#?}");
    assert!(out.stderr.contains("request_id: "), "{out:#?}");
    rita.run(&["operators", "list"])
        .await
        .exits(Exit::Forbidden);
    // Reading the audit log is allowed, and the denial is in it.
    let rows = rita
        .run(&["audit", "list", "--action", "operators.create"])
        .await
        .ok();
    assert!(
        rows.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["operator_name"] == "rita" && r["result"] == "denied"),
        "{rows:#?}"
    );
    app.stop().await;
}

async fn a_mutation_without_reason_off_a_terminal_sends_nothing(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    let bob_key = app.create_operator("bob", "support").await;
    let bob_id = admin.run(&["operators", "list"]).await.ok().json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "bob")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = audit_rows(&app).await;

    let attempts: [&[&str]; 5] = [
        &["operators", "create", "dave", "--role", "support", "-v"],
        &[
            "operators",
            "create",
            "dave",
            "--role",
            "support",
            "--reason",
            "  ",
            "-v",
        ],
        &["operators", "disable", &bob_id, "-v"],
        &["operators", "rotate-key", &bob_id, "-v"],
        // --yes never prompts either.
        &["operators", "disable", &bob_id, "--yes", "-v"],
    ];
    for args in attempts {
        let out = admin.run(args).await.exits(Exit::Usage);
        assert!(out.stderr.contains("--reason"), "{args:?}: {out:#?}");
        // -v lists every request sent: there is none.
        assert!(
            !out.stderr.contains(" -> "),
            "{args:?} sent a request: {out:#?}"
        );
        assert!(out.stdout.is_empty(), "{out:#?}");
    }
    let after = audit_rows(&app).await;
    assert_eq!(
        after.len(),
        before.len(),
        "no audit row may appear: {after:#?}"
    );
    // bob is still enabled and his key still works.
    Orchctl::new(&app, "bob").login(&bob_key).await.ok();
    app.stop().await;
}

async fn server_refusals_map_to_exit_codes(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    admin
        .run(&[
            "operators",
            "create",
            "erin",
            "--role",
            "billing",
            "--reason",
            "finance",
        ])
        .await
        .ok();
    // Same name again: 409 → 6.
    let dup = admin
        .run(&[
            "operators",
            "create",
            "erin",
            "--role",
            "billing",
            "--reason",
            "finance",
        ])
        .await
        .exits(Exit::Conflict);
    assert!(dup.stderr.contains("code: conflict"), "{dup:#?}");
    // A reason the server finds too short: 400 reason_required → 6.
    let short = admin
        .run(&[
            "operators",
            "create",
            "frank",
            "--role",
            "billing",
            "--reason",
            "x",
        ])
        .await
        .exits(Exit::Conflict);
    assert!(short.stderr.contains("code: reason_required"), "{short:#?}");
    // An operator that does not exist: 404 → 5.
    let missing = uuid::Uuid::now_v7().to_string();
    let out = admin
        .run(&["operators", "disable", &missing, "--reason", "cleanup"])
        .await
        .exits(Exit::NotFound);
    assert!(out.stderr.contains("code: not_found"), "{out:#?}");
    // Not an id at all: a usage error before anything is sent.
    admin
        .run(&["operators", "disable", "bob", "--reason", "cleanup"])
        .await
        .exits(Exit::Usage);
    // An unknown role is refused by the CLI itself.
    admin
        .run(&[
            "operators",
            "create",
            "gina",
            "--role",
            "root",
            "--reason",
            "why not",
        ])
        .await
        .exits(Exit::Usage);
    let names: Vec<Value> = admin.run(&["operators", "list"]).await.ok().json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].clone())
        .collect();
    assert!(!names.contains(&Value::from("frank")) && !names.contains(&Value::from("gina")));
    app.stop().await;
}

both_backends!(
    operators_end_to_end,
    a_readonly_operator_is_forbidden,
    a_mutation_without_reason_off_a_terminal_sends_nothing,
    server_refusals_map_to_exit_codes,
);
