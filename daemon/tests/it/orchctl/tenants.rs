//! `clients create | list | delete` and `impersonate start | stop | list`: tenant client
//! credentials and impersonation tokens, checked by using them on the tenant API.

use orchctl::Exit;
use serde_json::{Value, json};

use super::support::{Orchctl, Output, assert_never_printed, audit_rows};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

/// `POST /v1/auth/token` with client credentials (JSON): the status and the body.
async fn client_token(app: &TestApp, client_id: &str, client_secret: &str) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/v1/auth/token"))
        .json(&json!({
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// `GET /v1/whoami` with a tenant token: the status and the body.
async fn tenant_whoami(app: &TestApp, token: &str) -> (u16, Value) {
    let res = app
        .client
        .get(app.url("/v1/whoami"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Asserts the command failed before sending anything: `-v` lists no request.
#[track_caller]
fn assert_nothing_sent(out: &Output) {
    assert!(!out.stderr.contains(" -> "), "a request was sent: {out:#?}");
    assert!(out.stdout.is_empty(), "{out:#?}");
}

/// An operator logged in with its own contexts file, and its id.
async fn logged_in(app: &TestApp, name: &str, role: &str) -> (Orchctl, String) {
    let key = app.create_operator(name, role).await;
    let cli = Orchctl::new(app, name);
    cli.login(&key).await.ok();
    let id = cli.run(&["whoami"]).await.ok().json()["operator"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (cli, id)
}

async fn clients_end_to_end(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();

    // create (JSON): the API's object, secret included this once.
    let created = admin
        .run(&[
            "clients",
            "create",
            "--tenant",
            "acme",
            "--name",
            "billing-sync",
            "--scopes",
            "jobs:read,execute",
            "--reason",
            "new integration",
        ])
        .await
        .ok();
    let issued = created.json();
    assert_eq!(issued["client"]["tenant"], "acme", "{issued}");
    assert_eq!(issued["client"]["name"], "billing-sync", "{issued}");
    assert_eq!(issued["client"]["scopes"], json!(["execute", "jobs:read"]));
    let id = issued["client"]["id"].as_str().unwrap().to_owned();
    let client_id = issued["client"]["client_id"].as_str().unwrap().to_owned();
    let secret = issued["client_secret"].as_str().unwrap().to_owned();
    assert!(client_id.starts_with("orch_cl_"), "{issued}");
    assert!(secret.starts_with("orch_cs_"), "{issued}");

    // create (table): the secret on stdout, and a note on stderr that it is shown once.
    let second = admin
        .run(&[
            "clients",
            "create",
            "--tenant",
            "acme",
            "--name",
            "reporting",
            "--scopes",
            "events:read",
            "--reason",
            "dashboards",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert!(
        second.stdout.contains("Created client reporting (")
            && second.stdout.contains("tenant acme"),
        "{second:#?}"
    );
    let second_secret = second
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("Client secret: "))
        .unwrap()
        .to_owned();
    let second_client_id = second
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("Client ID: "))
        .unwrap()
        .to_owned();
    assert!(second_secret.starts_with("orch_cs_"), "{second:#?}");
    assert!(second.stderr.contains("shown only once"), "{second:#?}");

    // list: both clients, never a secret.
    let listed = admin
        .run(&["clients", "list", "--tenant", "acme"])
        .await
        .ok();
    let items = listed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{listed:#?}");
    assert!(items.iter().all(|c| c.get("client_secret").is_none()));
    let first = items.iter().find(|c| c["id"] == id.as_str()).unwrap();
    assert_eq!(first["client_id"], client_id.as_str());
    let table = admin
        .run(&["clients", "list", "--tenant", "acme", "-o", "table"])
        .await
        .ok();
    let row = table
        .stdout
        .lines()
        .find(|l| l.contains("billing-sync"))
        .unwrap();
    assert!(
        row.contains(&id) && row.contains(&client_id) && row.contains("execute,jobs:read"),
        "{table:#?}"
    );
    // Another tenant's list is its own.
    let other = admin
        .run(&["clients", "list", "--tenant", "globex"])
        .await
        .ok();
    assert_eq!(other.json()["items"], json!([]), "{other:#?}");

    // The credentials work: a tenant token for acme with the client's scopes.
    let (status, body) = client_token(&app, &client_id, &secret).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    let access_token = body["access_token"].as_str().unwrap().to_owned();
    let (status, me) = tenant_whoami(&app, &access_token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["tenant"], "acme");
    assert_eq!(me["scopes"], json!(["execute", "jobs:read"]));
    assert_eq!(me["impersonated_by"], Value::Null);

    // delete names the tenant: under another tenant the client is not found, and still works.
    let wrong = admin
        .run(&[
            "clients", "delete", &id, "--tenant", "globex", "--reason", "cleanup",
        ])
        .await
        .exits(Exit::NotFound);
    assert!(wrong.stderr.contains("code: not_found"), "{wrong:#?}");
    assert_eq!(client_token(&app, &client_id, &secret).await.0, 200);

    // delete (JSON: 204, nothing to print): the secret is refused at once.
    let deleted = admin
        .run(&[
            "clients",
            "delete",
            &id,
            "--tenant",
            "acme",
            "--reason",
            "integration retired",
        ])
        .await
        .ok();
    assert!(deleted.stdout.is_empty(), "{deleted:#?}");
    let (status, body) = client_token(&app, &client_id, &secret).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"], "invalid_client", "{body}");
    // Deleting it again: 404 → 5.
    admin
        .run(&[
            "clients",
            "delete",
            &id,
            "--tenant",
            "acme",
            "--reason",
            "integration retired",
        ])
        .await
        .exits(Exit::NotFound);
    // The other client is untouched; delete it in table mode.
    assert_eq!(
        client_token(&app, &second_client_id, &second_secret)
            .await
            .0,
        200
    );
    let second_id = admin
        .run(&["clients", "list", "--tenant", "acme"])
        .await
        .ok()
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deleted_table = admin
        .run(&[
            "clients",
            "delete",
            &second_id,
            "--tenant",
            "acme",
            "--reason",
            "dashboards moved",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert_eq!(
        deleted_table.stdout,
        format!("Deleted client {second_id} of tenant acme.\n")
    );
    assert_eq!(
        client_token(&app, &second_client_id, &second_secret)
            .await
            .0,
        401
    );
    let empty = admin
        .run(&["clients", "list", "--tenant", "acme"])
        .await
        .ok();
    assert_eq!(empty.json()["items"], json!([]), "{empty:#?}");

    // Each change is in the audit log with its reason and tenant.
    let rows = audit_rows(&app).await;
    for (action, reason) in [
        ("clients.create", "new integration"),
        ("clients.create", "dashboards"),
        ("clients.delete", "integration retired"),
        ("clients.delete", "dashboards moved"),
    ] {
        assert!(
            rows.iter().any(|r| r["action"] == action
                && r["reason"] == reason
                && r["tenant_id"] == "acme"
                && r["result"] == "ok"),
            "no {action} row for {reason:?}: {rows:#?}"
        );
    }

    // The secrets appear only in the output of their own creation.
    let after_creation = [&listed, &table, &other, &wrong, &deleted, &deleted_table];
    assert_never_printed(&secret, &after_creation);
    assert_never_printed(&secret, &[&second]);
    assert_never_printed(&second_secret, &after_creation);
    assert_never_printed(&second_secret, &[&created]);
    assert_never_printed(&access_token, &after_creation);
    app.stop().await;
}

async fn clients_refusals(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    let before = audit_rows(&app).await;
    let some_id = uuid::Uuid::now_v7().to_string();

    // Refused by orchctl itself, each naming what is wrong, before anything is sent.
    let attempts: [(&[&str], &str); 7] = [
        (
            &[
                "clients",
                "create",
                "--tenant",
                "acme",
                "--name",
                "x",
                "--scopes",
                "execute,jobs:admin",
                "--reason",
                "testing",
                "-v",
            ],
            "jobs:admin",
        ),
        (
            &[
                "clients", "create", "--tenant", "acme", "--name", "x", "--scopes", "", "--reason",
                "testing", "-v",
            ],
            "--scopes",
        ),
        (
            &[
                "clients", "create", "--tenant", "acme", "--name", "x", "--scopes", "execute", "-v",
            ],
            "--reason",
        ),
        (
            &[
                "clients",
                "create",
                "--tenant",
                "Acme Corp",
                "--name",
                "x",
                "--scopes",
                "execute",
                "--reason",
                "testing",
                "-v",
            ],
            "tenant",
        ),
        (
            &["clients", "delete", &some_id, "--reason", "testing", "-v"],
            "--tenant",
        ),
        (
            &[
                "clients", "delete", &some_id, "--tenant", "acme", "-y", "-v",
            ],
            "--reason",
        ),
        (
            &[
                "clients",
                "delete",
                "orch_cl_0123456789abcdef",
                "--tenant",
                "acme",
                "--reason",
                "testing",
                "-v",
            ],
            "client_id",
        ),
    ];
    for (args, needle) in attempts {
        let out = admin.run(args).await.exits(Exit::Usage);
        assert!(out.stderr.contains(needle), "{args:?}: {out:#?}");
        assert_nothing_sent(&out);
    }
    assert_eq!(audit_rows(&app).await.len(), before.len());
    let none = admin
        .run(&["clients", "list", "--tenant", "acme"])
        .await
        .ok();
    assert_eq!(none.json()["items"], json!([]));

    // The server's own checks map to exit codes: a reason too short is 400 → 6.
    let short = admin
        .run(&[
            "clients", "create", "--tenant", "acme", "--name", "x", "--scopes", "execute",
            "--reason", "x",
        ])
        .await
        .exits(Exit::Conflict);
    assert!(short.stderr.contains("code: reason_required"), "{short:#?}");

    // clients.manage is admin only, listing included.
    let (support, _) = logged_in(&app, "sam", "support").await;
    let denied = support
        .run(&[
            "clients", "create", "--tenant", "acme", "--name", "x", "--scopes", "execute",
            "--reason", "testing",
        ])
        .await
        .exits(Exit::Forbidden);
    assert!(denied.stderr.contains("code: forbidden"), "{denied:#?}");
    assert!(denied.stdout.is_empty(), "{denied:#?}");
    support
        .run(&["clients", "list", "--tenant", "acme"])
        .await
        .exits(Exit::Forbidden);
    app.stop().await;
}

async fn impersonation_end_to_end(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let (sam, sam_id) = logged_in(&app, "sam", "support").await;

    // start on a pipe, without -o: the token alone on stdout; id and expiry on stderr.
    let started = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "--reason",
            "ticket 42",
            "--ttl",
            "10m",
            "--scopes",
            "jobs:read,events:read",
        ])
        .await
        .ok();
    let token = started.stdout.trim_end_matches('\n').to_owned();
    assert_eq!(started.stdout, format!("{token}\n"), "{started:#?}");
    assert!(
        !token.contains(char::is_whitespace) && token.len() > 40,
        "{started:#?}"
    );
    assert!(started.stderr.contains("expires at"), "{started:#?}");
    assert!(!started.stderr.contains(&token), "{started:#?}");

    // The token is a tenant token for acme that names sam and the impersonation.
    let (status, me) = tenant_whoami(&app, &token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["tenant"], "acme");
    assert_eq!(me["scopes"], json!(["jobs:read", "events:read"]));
    assert_eq!(me["impersonated_by"], sam_id.as_str());
    let imp_id = me["impersonation_id"].as_str().unwrap().to_owned();
    assert!(started.stderr.contains(&imp_id), "{started:#?}");
    // It lives 10 minutes.
    let expires = time::OffsetDateTime::parse(
        me["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let left = expires - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::minutes(9) && left <= time::Duration::minutes(10),
        "{me}"
    );

    // -o table is the token alone too; -o json and -o yaml are the whole object.
    let table = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "--reason",
            "ticket 43",
            "-o",
            "table",
        ])
        .await
        .ok();
    let table_token = table.stdout.trim_end().to_owned();
    assert_eq!(table.stdout.lines().count(), 1, "{table:#?}");
    assert_eq!(tenant_whoami(&app, &table_token).await.0, 200);
    let as_json = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "--reason",
            "ticket 44",
            "-o",
            "json",
        ])
        .await
        .ok();
    let object = as_json.json();
    assert_eq!(object["tenant"], "acme");
    // Without --scopes: every tenant scope.
    assert_eq!(
        object["scopes"],
        json!(["execute", "jobs:write", "jobs:read", "events:read"])
    );
    assert!(object["token"].is_string() && object["expires_at"].is_string());
    let json_id = object["id"].as_str().unwrap().to_owned();
    let as_yaml = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "--reason",
            "ticket 45",
            "-o",
            "yaml",
        ])
        .await
        .ok();
    let yaml: Value = yaml_serde::from_str(&as_yaml.stdout).unwrap();
    assert_eq!(yaml["tenant"], "acme", "{as_yaml:#?}");

    // list: the running impersonations of acme, newest first.
    let listed = sam
        .run(&["impersonate", "list", "--tenant", "acme", "--active"])
        .await
        .ok();
    let items = listed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 4, "{listed:#?}");
    assert_eq!(items[3]["id"], imp_id.as_str(), "{listed:#?}");
    assert!(
        items
            .iter()
            .all(|i| i["active"] == true && i["operator_id"] == sam_id.as_str())
    );
    assert!(
        items.iter().all(|i| i.get("token").is_none()),
        "{listed:#?}"
    );
    let elsewhere = sam
        .run(&["impersonate", "list", "--tenant", "globex"])
        .await
        .ok();
    assert_eq!(elsewhere.json()["items"], json!([]));

    // stop: the stopped impersonation is printed, and its token is refused at once.
    let stopped = sam
        .run(&["impersonate", "stop", &imp_id, "--reason", "ticket closed"])
        .await
        .ok();
    let view = stopped.json();
    assert_eq!(view["id"], imp_id.as_str());
    assert_eq!(view["active"], false);
    assert_eq!(view["stop_reason"], "ticket closed");
    assert_eq!(view["stopped_by"], sam_id.as_str());
    assert!(view["stopped_at"].is_string(), "{view}");
    let (status, body) = tenant_whoami(&app, &token).await;
    assert_eq!(status, 401, "{body}");
    // The others still work.
    assert_eq!(tenant_whoami(&app, &table_token).await.0, 200);
    // Stopping it again: it is already stopped → conflict (6).
    sam.run(&["impersonate", "stop", &imp_id, "--reason", "ticket closed"])
        .await
        .exits(Exit::Conflict);
    // stop in table mode.
    let stopped_table = sam
        .run(&[
            "impersonate",
            "stop",
            &json_id,
            "--reason",
            "ticket closed",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert!(
        stopped_table
            .stdout
            .starts_with(&format!("Stopped impersonation {json_id} of tenant acme.")),
        "{stopped_table:#?}"
    );
    assert!(
        stopped_table.stdout.contains("ticket closed"),
        "{stopped_table:#?}"
    );

    // list --active no longer shows them; the full list does, as stopped.
    let active = sam.run(&["impersonate", "list", "--active"]).await.ok();
    let active_ids: Vec<Value> = active.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(active_ids.len(), 2, "{active:#?}");
    assert!(!active_ids.contains(&Value::from(imp_id.as_str())));
    let all = sam.run(&["impersonate", "list", "-o", "table"]).await.ok();
    let row = all.stdout.lines().find(|l| l.contains(&imp_id)).unwrap();
    assert!(
        row.contains("stopped") && row.contains("ticket 42"),
        "{all:#?}"
    );

    // Audited with the reasons.
    let rows = audit_rows(&app).await;
    let reason_of = |action: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r["action"] == action && r["target_id"] == imp_id.as_str())
            .map(|r| r["reason"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(reason_of("impersonation.start"), ["ticket 42"]);
    assert_eq!(reason_of("impersonation.stop"), ["ticket closed"]);

    // The tokens appear only in the output of their own start.
    let later = [&listed, &elsewhere, &stopped, &stopped_table, &active, &all];
    for secret in [&token, &table_token] {
        assert_never_printed(secret, &later);
    }
    assert_never_printed(&token, &[&table, &as_json, &as_yaml]);
    app.stop().await;
}

async fn impersonate_exec_runs_the_command_with_the_token(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let (sam, sam_id) = logged_in(&app, "sam", "support").await;
    let dir = app.db.dir.path().to_owned();
    let token_file = dir.join("token");
    let id_file = dir.join("impersonation-id");
    let token_path = token_file.to_str().unwrap();
    let id_path = id_file.to_str().unwrap();

    // The command gets the token and the id in its environment; orchctl prints neither.
    let ran = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "--reason",
            "debug a stuck job",
            "--scopes",
            "jobs:read",
            "--exec",
            "sh",
            "-c",
            r#"test -n "$ORCH_TOKEN" && printf %s "$ORCH_TOKEN" > "$1" && printf %s "$ORCH_IMPERSONATION_ID" > "$2""#,
            "sh",
            token_path,
            id_path,
        ])
        .await
        .ok();
    assert!(ran.stdout.is_empty(), "{ran:#?}");
    let token = std::fs::read_to_string(&token_file).unwrap();
    let imp_id = std::fs::read_to_string(&id_file).unwrap();
    assert!(ran.stderr.contains(&imp_id), "{ran:#?}");
    assert_never_printed(&token, &[&ran]);
    let (status, me) = tenant_whoami(&app, &token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["impersonation_id"], imp_id.as_str());
    assert_eq!(me["impersonated_by"], sam_id.as_str());
    assert_eq!(me["scopes"], json!(["jobs:read"]));

    // As in the brief: a check that succeeds is exit 0.
    sam.run(&[
        "impersonate",
        "start",
        "acme",
        "--reason",
        "debug a stuck job",
        "--exec",
        "sh",
        "-c",
        r#"test -n "$ORCH_TOKEN" && echo ok"#,
    ])
    .await
    .ok();

    // The command's exit status is orchctl's, with nothing added on stderr.
    let failed = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "--reason",
            "debug a stuck job",
            "--exec",
            "sh",
            "-c",
            "exit 3",
        ])
        .await
        .exits(Exit::Command(3));
    assert_eq!(failed.exit.code(), 3);
    assert!(!failed.stderr.contains("error"), "{failed:#?}");
    assert!(failed.stdout.is_empty(), "{failed:#?}");
    // An empty token would fail the command's own check.
    let checked = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "--reason",
            "debug a stuck job",
            "--exec",
            "sh",
            "-c",
            r#"test -z "$ORCH_TOKEN""#,
        ])
        .await;
    assert_eq!(checked.exit.code(), 1, "{checked:#?}");

    // A command that does not exist: 127, as in a shell, and said so.
    let missing = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "--reason",
            "debug a stuck job",
            "--exec",
            "/nonexistent/orch-test-command",
        ])
        .await
        .exits(Exit::Command(127));
    assert!(missing.stderr.contains("cannot run"), "{missing:#?}");

    // Without --reason off a terminal nothing is started and the command never runs.
    std::fs::remove_file(&token_file).unwrap();
    let no_reason = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "-v",
            "--exec",
            "sh",
            "-c",
            r#"printf %s "$ORCH_TOKEN" > "$1""#,
            "sh",
            token_path,
        ])
        .await
        .exits(Exit::Usage);
    assert!(no_reason.stderr.contains("--reason"), "{no_reason:#?}");
    assert_nothing_sent(&no_reason);
    assert!(!token_file.exists());

    // Every start is one impersonation of sam's; the first is still running.
    let listed = sam
        .run(&["impersonate", "list", "--tenant", "acme"])
        .await
        .ok();
    let items = listed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 5, "{listed:#?}");
    assert!(
        items
            .iter()
            .any(|i| i["id"] == imp_id.as_str() && i["active"] == true)
    );
    app.stop().await;
}

async fn impersonation_refusals(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let (rita, _) = logged_in(&app, "rita", "readonly").await;
    let (sam, _) = logged_in(&app, "sam", "support").await;
    let before = audit_rows(&app).await;

    // Refused by orchctl before anything is sent.
    let attempts: [(&[&str], &str); 5] = [
        (
            &[
                "impersonate",
                "start",
                "acme",
                "--reason",
                "ticket 1",
                "--ttl",
                "2h",
                "-v",
            ],
            "at most 1h",
        ),
        (
            &[
                "impersonate",
                "start",
                "acme",
                "--reason",
                "ticket 1",
                "--ttl",
                "500ms",
                "-v",
            ],
            "whole seconds",
        ),
        (
            &[
                "impersonate",
                "start",
                "acme",
                "--reason",
                "ticket 1",
                "--scopes",
                "jobs:read,admin",
                "-v",
            ],
            "admin",
        ),
        (&["impersonate", "start", "acme", "-v"], "--reason"),
        (
            &[
                "impersonate",
                "stop",
                &uuid::Uuid::now_v7().to_string(),
                "-v",
            ],
            "--reason",
        ),
    ];
    for (args, needle) in attempts {
        let out = sam.run(args).await.exits(Exit::Usage);
        assert!(out.stderr.contains(needle), "{args:?}: {out:#?}");
        assert_nothing_sent(&out);
    }
    assert_eq!(audit_rows(&app).await.len(), before.len());

    // A readonly operator may not impersonate (4), with or without --exec, but may list.
    let denied = rita
        .run(&["impersonate", "start", "acme", "--reason", "just looking"])
        .await
        .exits(Exit::Forbidden);
    assert!(denied.stdout.is_empty(), "{denied:#?}");
    assert!(denied.stderr.contains("code: forbidden"), "{denied:#?}");
    let marker = app.db.dir.path().join("ran");
    let marker_path = marker.to_str().unwrap();
    rita.run(&[
        "impersonate",
        "start",
        "acme",
        "--reason",
        "just looking",
        "--exec",
        "touch",
        marker_path,
    ])
    .await
    .exits(Exit::Forbidden);
    assert!(!marker.exists(), "the command ran without an impersonation");
    let listed = rita.run(&["impersonate", "list"]).await.ok();
    assert_eq!(listed.json()["items"], json!([]));
    // …nor stop one.
    let started = sam
        .run(&[
            "impersonate",
            "start",
            "acme",
            "--reason",
            "ticket 7",
            "-o",
            "json",
        ])
        .await
        .ok();
    let id = started.json()["id"].as_str().unwrap().to_owned();
    rita.run(&["impersonate", "stop", &id, "--reason", "not mine"])
        .await
        .exits(Exit::Forbidden);
    let token = started.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(tenant_whoami(&app, &token).await.0, 200);
    // The denials are in the audit log.
    let rows = audit_rows(&app).await;
    let denials = rows
        .iter()
        .filter(|r| r["operator_name"] == "rita" && r["result"] == "denied")
        .count();
    assert_eq!(denials, 3, "{rows:#?}");
    app.stop().await;
}

both_backends!(
    clients_end_to_end,
    clients_refusals,
    impersonation_end_to_end,
    impersonate_exec_runs_the_command_with_the_token,
    impersonation_refusals,
);
