//! `config validate | apply | diff | show | history | activate | rollback`: offline
//! validation with file:line:col problems, the apply → activate → rollback cycle, dry runs,
//! re-applies, and refusals that send nothing.

use std::path::Path;

use orchctl::{Env, Exit};
use serde_json::{Value, json};

use super::support::{Orchctl, Output, audit_rows};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

const EXAMPLE: &str = include_str!("../../../../examples/tenant-acme.yaml");

fn v2_text() -> String {
    EXAMPLE.replace("tolerance_s: 300", "tolerance_s: 120")
}

/// Replaces `from` by `to` in `text`, which must contain it.
#[track_caller]
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "{from:?} is not in the example any more"
    );
    text.replacen(from, to, 1)
}

/// The example with three problems: a dangling policy reference, a bad path template and an
/// unknown key.
fn invalid_text() -> String {
    let text = edit(
        EXAMPLE,
        "policy: external-default",
        "policy: external-defualt",
    );
    let text = edit(&text, "\"/v1/customers/{id}\"", "\"/v1/customers/{id\"");
    edit(
        &text,
        "    base_url: http://billing.internal:8000\n",
        "    base_url: http://billing.internal:8000\n    timeout_ms: 100\n",
    )
}

/// The `FILE:LINE:COL: path: ` prefix expected for the first occurrence of `needle` in
/// `text` (1-based line and column, as the validator reports them).
#[track_caller]
fn position(file: &str, text: &str, needle: &str, path: &str) -> String {
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, line)| line.find(needle).map(|col| (i + 1, col + 1)))
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    format!("{file}:{line}:{column}: {path}: ")
}

/// Writes `text` to `dir/name` and returns the path as given on the command line.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Asserts the command failed before sending anything: `-v` lists no request.
#[track_caller]
fn assert_nothing_sent(out: &Output) {
    assert!(!out.stderr.contains(" -> "), "a request was sent: {out:#?}");
    assert!(out.stdout.is_empty(), "{out:#?}");
}

/// An operator logged in with its own contexts file.
async fn logged_in(app: &TestApp, name: &str, role: &str) -> Orchctl {
    let key = app.create_operator(name, role).await;
    let cli = Orchctl::new(app, name);
    cli.login(&key).await.ok();
    cli
}

async fn admin(app: &TestApp) -> Orchctl {
    let admin = Orchctl::new(app, "admin");
    admin.login(&app.admin_key()).await.ok();
    admin
}

/// The active version of `tenant`, from `config show -o json`.
async fn active_version(cli: &Orchctl, tenant: &str) -> Value {
    cli.run(&["config", "show", tenant, "-o", "json"])
        .await
        .ok()
        .json()
}

/// `config history TENANT -o json`.
async fn history(cli: &Orchctl, tenant: &str) -> Value {
    cli.run(&["config", "history", tenant, "-o", "json"])
        .await
        .ok()
        .json()
}

/// `validate` needs no server: no contexts file, nothing listening, nothing sent.
#[tokio::test]
async fn validate_is_offline_and_reports_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Orchctl {
        config: dir.path().join("none").join("config.yaml"),
        server: "http://127.0.0.1:9".to_owned(),
        env: Env::default(),
    };
    let bad_text = invalid_text();
    let bad = write(dir.path(), "bad.yaml", &bad_text);
    let good = write(dir.path(), "acme.yaml", EXAMPLE);

    // Every problem, each on its own FILE:LINE:COL line naming its path; exit 6.
    let out = cli
        .run(&["config", "validate", "-f", &bad, "-v", "-o", "table"])
        .await
        .exits(Exit::Conflict);
    assert!(out.stdout.is_empty(), "{out:#?}");
    assert!(!out.stderr.contains(" -> "), "a request was sent: {out:#?}");
    let expected = [
        position(
            &bad,
            &bad_text,
            "external-defualt",
            "connectors.stripe.policy",
        ),
        position(
            &bad,
            &bad_text,
            "\"/v1/customers/{id\"",
            "connectors.stripe.operations.get_customer.path",
        ),
        position(
            &bad,
            &bad_text,
            "timeout_ms",
            "connectors.billing.timeout_ms",
        ),
    ];
    let problem_lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with(&format!("{bad}:")))
        .collect();
    assert_eq!(problem_lines.len(), 3, "{out:#?}");
    for (line, prefix) in problem_lines.iter().zip(&expected) {
        assert!(line.starts_with(prefix.as_str()), "{prefix:?}: {out:#?}");
    }
    assert!(problem_lines[0].contains("external-defualt"), "{out:#?}");
    assert!(problem_lines[1].contains("path template"), "{out:#?}");
    assert!(problem_lines[2].contains("unknown key"), "{out:#?}");
    assert!(out.stderr.contains("3 problems"), "{out:#?}");

    // JSON (the default on a pipe): the object on stdout, the lines still on stderr.
    let out = cli
        .run(&["config", "validate", "-f", &bad])
        .await
        .exits(Exit::Conflict);
    let report = out.json();
    assert_eq!(report["valid"], false, "{report}");
    let paths: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "connectors.stripe.policy",
            "connectors.stripe.operations.get_customer.path",
            "connectors.billing.timeout_ms",
        ]
    );
    assert!(out.stderr.contains(&expected[0]), "{out:#?}");

    // The example is valid.
    let out = cli
        .run(&["config", "validate", "-f", &good, "-o", "table", "-v"])
        .await
        .ok();
    assert_eq!(out.stdout, format!("{good}: valid\n"));
    assert!(!out.stderr.contains(" -> "), "{out:#?}");
    let out = cli.run(&["config", "validate", "-f", &good]).await.ok();
    assert_eq!(out.json()["valid"], true, "{out:#?}");
    assert_eq!(out.json()["errors"], json!([]), "{out:#?}");

    // `-f -` reads stdin; --tenant checks the document's tenant key.
    cli.run_with_stdin(
        &["config", "validate", "-f", "-", "--tenant", "acme"],
        EXAMPLE,
    )
    .await
    .ok();
    let out = cli
        .run_with_stdin(
            &[
                "config", "validate", "-f", "-", "--tenant", "globex", "-o", "table",
            ],
            EXAMPLE,
        )
        .await
        .exits(Exit::Conflict);
    // At the value of the `tenant: acme` line.
    let line = EXAMPLE.lines().position(|l| l == "tenant: acme").unwrap() + 1;
    let tenant_line = format!("<stdin>:{line}:9: tenant: ");
    assert!(out.stderr.contains(&tenant_line), "{out:#?}");
    assert!(out.stderr.contains("\"globex\""), "{out:#?}");

    // A file that is not there is an error of its own, naming it.
    let missing = dir.path().join("missing.yaml");
    let out = cli
        .run(&["config", "validate", "-f", missing.to_str().unwrap()])
        .await
        .exits(Exit::Other);
    assert!(out.stderr.contains("missing.yaml"), "{out:#?}");
}

/// apply v1 --activate, apply v2 (the diff names the change), activate v2, rollback → v1
/// active again; history shows every move with its reason.
async fn config_apply_activate_rollback(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = admin(&app).await;
    let dir = app.db.dir.path();
    let v1 = write(dir, "acme-v1.yaml", EXAMPLE);
    let v2 = write(dir, "acme-v2.yaml", &v2_text());

    // Nothing active yet: show is 404 (5); a local diff says everything is new.
    admin
        .run(&["config", "show", "acme"])
        .await
        .exits(Exit::NotFound);
    let out = admin
        .run(&["config", "diff", "-f", &v1, "-o", "table"])
        .await
        .ok();
    assert!(
        out.stdout.contains("acme has no active version"),
        "{out:#?}"
    );
    assert!(out.stdout.contains("+ (the whole document"), "{out:#?}");

    // v1, activated at once; the diff goes to stderr beside the JSON object.
    let out = admin
        .run(&[
            "config",
            "apply",
            "-f",
            &v1,
            "--reason",
            "onboard acme",
            "--activate",
        ])
        .await
        .ok();
    let applied = out.json();
    assert_eq!(applied["version"], 1, "{applied}");
    assert_eq!(applied["created"], true, "{applied}");
    assert_eq!(applied["active"], true, "{applied}");
    assert_eq!(applied["dry_run"], false, "{applied}");
    assert!(
        out.stderr
            .contains("Changes against the active config of acme:"),
        "{out:#?}"
    );
    assert_eq!(active_version(&admin, "acme").await["version"], 1);

    // v2, not activated: the printed diff names the one change.
    let out = admin
        .run(&[
            "config",
            "apply",
            "-f",
            &v2,
            "--reason",
            "shorter tolerance",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert!(
        out.stdout
            .contains("~ webhooks.stripe.tolerance_s: 300 → 120"),
        "{out:#?}"
    );
    assert!(
        out.stdout.contains("acme: version 2 created, not active"),
        "{out:#?}"
    );
    assert!(
        out.stderr.contains("orchctl config activate acme 2"),
        "{out:#?}"
    );
    assert_eq!(active_version(&admin, "acme").await["version"], 1);

    // Diffs: the file against the active version (local), and two stored versions.
    let out = admin.run(&["config", "diff", "-f", &v2]).await.ok();
    let local = out.json();
    assert_eq!(local["tenant"], "acme", "{local}");
    assert_eq!(local["from"], 1, "{local}");
    assert_eq!(
        local["changes"],
        json!([{"path": "webhooks.stripe.tolerance_s", "kind": "changed", "before": 300, "after": 120}])
    );
    let out = admin
        .run(&[
            "config", "diff", "--tenant", "acme", "--from", "1", "--to", "2", "-o", "table",
        ])
        .await
        .ok();
    assert!(
        out.stdout
            .contains("~ webhooks.stripe.tolerance_s: 300 → 120"),
        "{out:#?}"
    );
    let out = admin
        .run(&[
            "config", "diff", "--tenant", "acme", "--from", "2", "--to", "2",
        ])
        .await
        .ok();
    assert_eq!(out.json()["changes"], json!([]), "{out:#?}");

    // activate v2.
    let out = admin
        .run(&[
            "config",
            "activate",
            "acme",
            "2",
            "--reason",
            "tighten tolerance",
        ])
        .await
        .ok();
    assert_eq!(out.json()["active_version"], 2, "{out:#?}");
    let active = active_version(&admin, "acme").await;
    assert_eq!(active["version"], 2, "{active}");
    assert_eq!(active["config"]["webhooks"]["stripe"]["tolerance_s"], 120);

    // rollback --yes: v1 active again.
    let out = admin
        .run(&[
            "config",
            "rollback",
            "acme",
            "--reason",
            "webhooks failing",
            "--yes",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert!(
        out.stdout.contains("acme: rolled back, version 1 active"),
        "{out:#?}"
    );
    let active = active_version(&admin, "acme").await;
    assert_eq!(active["version"], 1, "{active}");
    assert_eq!(active["active"], true, "{active}");
    assert_eq!(active["pointer"]["reason"], "webhooks failing", "{active}");
    assert_eq!(active["config"]["webhooks"]["stripe"]["tolerance_s"], 300);
    assert_eq!(active["document"], EXAMPLE, "{active}");

    // history: both versions (newest first) and every move with its reason.
    let history = admin
        .run(&["config", "history", "acme", "-o", "json"])
        .await
        .ok()
        .json();
    let versions: Vec<(i64, bool, String)> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["active"].as_bool().unwrap(),
                v["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            (2, false, "shorter tolerance".to_owned()),
            (1, true, "onboard acme".to_owned()),
        ]
    );
    let moves: Vec<(String, Value, i64, String)> = history["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["action"].as_str().unwrap().to_owned(),
                m["from_version"].clone(),
                m["to_version"].as_i64().unwrap(),
                m["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            (
                "rollback".to_owned(),
                json!(2),
                1,
                "webhooks failing".to_owned()
            ),
            (
                "activate".to_owned(),
                json!(1),
                2,
                "tighten tolerance".to_owned()
            ),
            (
                "activate".to_owned(),
                Value::Null,
                1,
                "onboard acme".to_owned()
            ),
        ]
    );

    // The same, for people.
    let table = admin
        .run(&["config", "history", "acme", "-o", "table"])
        .await
        .ok();
    assert!(table.stdout.starts_with("Versions:\nVERSION"), "{table:#?}");
    let rollback_row = table
        .stdout
        .lines()
        .find(|l| l.contains("rollback"))
        .unwrap_or_else(|| panic!("{table:#?}"));
    assert!(
        rollback_row.contains("2 → 1")
            && rollback_row.contains("webhooks failing")
            && rollback_row.contains("admin"),
        "{table:#?}"
    );
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.contains("- → 1") && l.contains("onboard acme")),
        "{table:#?}"
    );

    // show --version N: metadata lines, then the stored document.
    let shown = admin
        .run(&["config", "show", "acme", "--version", "2", "-o", "table"])
        .await
        .ok();
    let (meta, document) = shown.stdout.split_once("\n\n").unwrap();
    assert!(
        meta.lines()
            .any(|l| l.starts_with("version:") && l.ends_with(" 2"))
    );
    assert!(
        meta.lines()
            .any(|l| l.starts_with("active:") && l.ends_with(" no"))
    );
    assert!(meta.contains("shorter tolerance"), "{shown:#?}");
    assert_eq!(document, v2_text());
    let shown = admin
        .run(&["config", "show", "acme", "--version", "2"])
        .await
        .ok();
    assert_eq!(shown.json()["document"], v2_text().as_str());
    admin
        .run(&["config", "show", "acme", "--version", "7"])
        .await
        .exits(Exit::NotFound);
    app.stop().await;
}

/// A dry run stores nothing; applying the same document again reports the existing version.
async fn config_dry_run_and_reapply_store_nothing_new(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = admin(&app).await;
    let dir = app.db.dir.path();
    let v1 = write(dir, "acme-v1.yaml", EXAMPLE);
    let v2 = write(dir, "acme-v2.yaml", &v2_text());

    // --dry-run (with --activate too): the diff and the would-be answer, nothing stored.
    let out = admin
        .run(&[
            "config",
            "apply",
            "-f",
            &v1,
            "--reason",
            "preview",
            "--activate",
            "--dry-run",
        ])
        .await
        .ok();
    let preview = out.json();
    assert_eq!(preview["dry_run"], true, "{preview}");
    assert_eq!(preview["created"], false, "{preview}");
    assert_eq!(preview["active"], false, "{preview}");
    assert!(out.stderr.contains("+ (the whole document"), "{out:#?}");
    assert_eq!(
        history(&admin, "acme").await,
        json!({"versions": [], "moves": []})
    );
    admin
        .run(&["config", "show", "acme"])
        .await
        .exits(Exit::NotFound);

    // Stored for real (not activated), then the same file again: no new version.
    let first = admin
        .run(&["config", "apply", "-f", &v1, "--reason", "store v1"])
        .await
        .ok()
        .json();
    assert_eq!(
        (
            first["version"].clone(),
            first["created"].clone(),
            first["active"].clone()
        ),
        (json!(1), json!(true), json!(false))
    );
    let again = admin
        .run(&[
            "config",
            "apply",
            "-f",
            &v1,
            "--reason",
            "store v1 again",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert!(
        again
            .stdout
            .contains("acme: version 1 unchanged, not active"),
        "{again:#?}"
    );
    let again = admin
        .run(&["config", "apply", "-f", &v1, "--reason", "store v1 again"])
        .await
        .ok()
        .json();
    assert_eq!(
        (again["version"].clone(), again["created"].clone()),
        (json!(1), json!(false))
    );
    let after = history(&admin, "acme").await;
    assert_eq!(after["versions"].as_array().unwrap().len(), 1, "{after}");
    assert_eq!(after["moves"], json!([]), "{after}");

    // A dry run of a new document shows its diff and still stores nothing.
    let out = admin
        .run(&[
            "config",
            "apply",
            "-f",
            &v2,
            "--reason",
            "preview v2",
            "--dry-run",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert!(
        out.stdout.contains("acme: dry run, nothing stored"),
        "{out:#?}"
    );
    let after = history(&admin, "acme").await;
    assert_eq!(after["versions"].as_array().unwrap().len(), 1, "{after}");

    // The same file from stdin, activating: the existing version becomes active.
    let out = admin
        .run_with_stdin(
            &[
                "config",
                "apply",
                "-f",
                "-",
                "--reason",
                "go live",
                "--activate",
            ],
            EXAMPLE,
        )
        .await
        .ok();
    let activated = out.json();
    assert_eq!(
        (
            activated["version"].clone(),
            activated["created"].clone(),
            activated["active"].clone()
        ),
        (json!(1), json!(false), json!(true))
    );
    assert_eq!(active_version(&admin, "acme").await["version"], 1);
    let out = admin
        .run(&["config", "diff", "-f", &v1, "-o", "table"])
        .await
        .ok();
    assert!(out.stdout.contains("(no changes)"), "{out:#?}");
    app.stop().await;
}

/// Refusals: no --yes off a terminal, no --reason, a readonly role, an invalid document,
/// nothing to roll back to.
async fn config_refusals(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = admin(&app).await;
    let rita = logged_in(&app, "rita", "readonly").await;
    let dir = app.db.dir.path();
    let v1 = write(dir, "acme-v1.yaml", EXAMPLE);
    let v2 = write(dir, "acme-v2.yaml", &v2_text());
    let bad_text = invalid_text();
    let bad = write(dir, "bad.yaml", &bad_text);
    for (file, reason) in [(&v1, "onboard acme"), (&v2, "shorter tolerance")] {
        admin
            .run(&[
                "config",
                "apply",
                "-f",
                file,
                "--reason",
                reason,
                "--activate",
            ])
            .await
            .ok();
    }
    assert_eq!(active_version(&admin, "acme").await["version"], 2);

    // rollback asks to confirm: without --yes and without a terminal it is a usage error,
    // before anything is sent; so are missing reasons.
    let before = audit_rows(&app).await.len();
    let attempts: [(&[&str], &str); 4] = [
        (
            &[
                "config",
                "rollback",
                "acme",
                "--reason",
                "webhooks failing",
                "-v",
            ],
            "--yes",
        ),
        (&["config", "rollback", "acme", "--yes", "-v"], "--reason"),
        (&["config", "activate", "acme", "1", "-v"], "--reason"),
        (
            &["config", "apply", "-f", &v1, "--activate", "-v"],
            "--reason",
        ),
    ];
    for (args, needle) in attempts {
        let out = admin.run(args).await.exits(Exit::Usage);
        assert!(out.stderr.contains(needle), "{args:?}: {out:#?}");
        assert_nothing_sent(&out);
    }
    assert_eq!(active_version(&admin, "acme").await["version"], 2);
    assert_eq!(audit_rows(&app).await.len(), before);

    // An invalid document: its problems as FILE:LINE:COL lines, exit 6, nothing sent.
    let out = admin
        .run(&[
            "config",
            "apply",
            "-f",
            &bad,
            "--reason",
            "broken",
            "--activate",
            "-v",
        ])
        .await
        .exits(Exit::Conflict);
    assert_nothing_sent(&out);
    for (needle, path) in [
        ("external-defualt", "connectors.stripe.policy"),
        ("timeout_ms", "connectors.billing.timeout_ms"),
    ] {
        let prefix = position(&bad, &bad_text, needle, path);
        assert!(out.stderr.contains(&prefix), "{prefix:?}: {out:#?}");
    }
    // …and so is a document for another tenant.
    let out = admin
        .run(&[
            "config", "apply", "-f", &v1, "--tenant", "globex", "--reason", "wrong", "-v",
        ])
        .await
        .exits(Exit::Conflict);
    assert_nothing_sent(&out);
    assert!(out.stderr.contains(": tenant: "), "{out:#?}");
    let out = admin
        .run(&["config", "diff", "-f", &bad, "-v"])
        .await
        .exits(Exit::Conflict);
    assert_nothing_sent(&out);
    assert_eq!(
        audit_rows(&app).await.len(),
        before,
        "an audit row was written"
    );
    assert_eq!(
        admin
            .run(&["config", "history", "acme", "-o", "json"])
            .await
            .ok()
            .json()["versions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // A readonly operator may read but not apply (4) or roll back (4).
    let out = rita
        .run(&["config", "apply", "-f", &v1, "--reason", "just looking"])
        .await
        .exits(Exit::Forbidden);
    assert!(out.stdout.is_empty(), "{out:#?}");
    assert!(out.stderr.contains("code: forbidden"), "{out:#?}");
    rita.run(&[
        "config",
        "rollback",
        "acme",
        "--reason",
        "just looking",
        "--yes",
    ])
    .await
    .exits(Exit::Forbidden);
    assert_eq!(active_version(&rita, "acme").await["version"], 2);

    // Nowhere to go: the only version ever activated (409 → 6); a version already active;
    // a tenant with nothing active (5); a version that does not exist (5).
    let globex = write(
        dir,
        "globex.yaml",
        // Each tenant names its own secrets (the default allow-list).
        &EXAMPLE.replace("acme", "globex").replace("ACME", "GLOBEX"),
    );
    admin
        .run(&[
            "config",
            "apply",
            "-f",
            &globex,
            "--reason",
            "onboard globex",
            "--activate",
        ])
        .await
        .ok();
    let out = admin
        .run(&["config", "rollback", "globex", "--reason", "undo", "--yes"])
        .await
        .exits(Exit::Conflict);
    assert!(out.stderr.contains("code: conflict"), "{out:#?}");
    admin
        .run(&[
            "config", "rollback", "acme", "--to", "2", "--reason", "again", "--yes",
        ])
        .await
        .exits(Exit::Conflict);
    admin
        .run(&["config", "rollback", "initech", "--reason", "undo", "--yes"])
        .await
        .exits(Exit::NotFound);
    admin
        .run(&["config", "activate", "acme", "9", "--reason", "typo"])
        .await
        .exits(Exit::NotFound);
    assert_eq!(active_version(&admin, "acme").await["version"], 2);
    assert_eq!(active_version(&admin, "globex").await["version"], 1);
    app.stop().await;
}

both_backends!(
    config_apply_activate_rollback,
    config_dry_run_and_reapply_store_nothing_new,
    config_refusals,
);
