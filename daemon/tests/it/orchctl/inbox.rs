//! `inbox list | show | replay` and `webhooks send` against a real orchd: a signed 1 MiB
//! event sent with orchctl comes back byte-identical from `inbox show --payload`, only for
//! roles that may read payloads; a replay needs a reason and is audited.

use std::time::Duration;

use orchctl::Exit;

use super::support::{Orchctl, audit_rows};
use crate::api::webhooks::{Hooks, NEW_SECRET, event, row_becomes, start};
use crate::both_backends;
use crate::helpers::Kind;

async fn a_sent_event_is_listed_shown_byte_identical_and_replayed(kind: Kind) {
    let Some(Hooks { app, up }) = start(kind).await else {
        return;
    };
    let dir = app.db.dir.path().to_owned();
    let secret = dir.join("whsec_cli");
    std::fs::write(&secret, NEW_SECRET).unwrap();
    let secret_ref = format!("file:{}", secret.display());
    // A 1 MiB event, exactly as a file on disk.
    let mut body = event("evt_cli_big", "invoice.paid");
    body.truncate(body.len() - 1);
    body.extend_from_slice(br#","memo":""#);
    body.resize(1024 * 1024 - 2, b'z');
    body.extend_from_slice(b"\"}");
    let file = dir.join("event.json");
    std::fs::write(&file, &body).unwrap();

    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    let sent = admin
        .run(&[
            "webhooks",
            "send",
            "--tenant",
            "acme",
            "--secret-ref",
            &secret_ref,
            "-f",
            file.to_str().unwrap(),
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(sent["duplicate"], false, "{sent}");
    let id = sent["inbox_id"].as_str().unwrap().to_owned();
    row_becomes(&app, &id, "processed", Duration::from_secs(15)).await;
    assert_eq!(up.hits("echo"), 1);

    let list = admin
        .run(&[
            "inbox",
            "list",
            "--tenant",
            "acme",
            "--status",
            "processed",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["event_id"], "evt_cli_big");
    assert!(items[0].get("payload").is_none());
    let table = admin.run(&["inbox", "list", "-o", "table"]).await.ok();
    assert!(
        table.stdout.contains("evt_cli_big") && table.stdout.contains("processed"),
        "{table:?}"
    );

    // The body exactly as sent.
    let shown = admin.run(&["inbox", "show", &id, "--payload"]).await.ok();
    assert_eq!(shown.stdout.len(), body.len());
    assert!(
        shown.stdout.as_bytes() == body.as_slice(),
        "payload differs"
    );
    let object = admin
        .run(&["inbox", "show", &id, "--payload", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(
        object["payload"].as_str().unwrap().as_bytes(),
        body.as_slice()
    );
    let fields = admin.run(&["inbox", "show", &id, "-o", "table"]).await.ok();
    assert!(fields.stdout.contains("1048576 bytes"), "{fields:?}");
    // The request headers orchctl sent, the signature's values redacted.
    assert!(
        fields.stdout.contains("stripe-signature: t=")
            && fields.stdout.contains("v1=[redacted]")
            && fields.stdout.contains("content-type: application/json"),
        "{fields:?}"
    );

    // Readonly operators see the row, not the body.
    let key = app.create_operator("viewer", "readonly").await;
    let viewer = Orchctl::new(&app, "viewer");
    viewer.login(&key).await.ok();
    viewer.run(&["inbox", "show", &id, "-o", "json"]).await.ok();
    let denied = viewer
        .run(&["inbox", "show", &id, "--payload"])
        .await
        .exits(Exit::Forbidden);
    assert!(denied.stderr.contains("payloads.read"), "{denied:?}");
    assert!(!denied.stdout.contains("zzzz"));

    // Replay: a reason is required off a terminal; then a new job processes the row again.
    admin
        .run(&["inbox", "replay", &id])
        .await
        .exits(Exit::Usage);
    let replayed = admin
        .run(&[
            "inbox",
            "replay",
            &id,
            "--reason",
            "billing backfill",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(replayed["inbox"]["status"], "received");
    let row = row_becomes(&app, &id, "processed", Duration::from_secs(15)).await;
    assert_eq!(row["job_ids"].as_array().unwrap().len(), 2);
    assert_eq!(up.hits("echo"), 2);
    let audit = audit_rows(&app).await;
    assert!(
        audit
            .iter()
            .any(|r| r["action"] == "inbox.replay" && r["reason"] == "billing backfill"),
        "{audit:?}"
    );
    app.stop().await;
}

/// Sends the signed event `event_id` (`invoice.paid`) to tenant acme with `orchctl webhooks
/// send`; returns its inbox id.
async fn send_event(orchctl: &Orchctl, dir: &std::path::Path, event_id: &str) -> String {
    let secret = dir.join(format!("whsec_{event_id}"));
    std::fs::write(&secret, NEW_SECRET).unwrap();
    let file = dir.join(format!("{event_id}.json"));
    std::fs::write(&file, event(event_id, "invoice.paid")).unwrap();
    let sent = orchctl
        .run(&[
            "webhooks",
            "send",
            "--tenant",
            "acme",
            "--secret-ref",
            &format!("file:{}", secret.display()),
            "-f",
            file.to_str().unwrap(),
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(sent["duplicate"], false, "{sent}");
    sent["inbox_id"].as_str().unwrap().to_owned()
}

/// `orchctl events tail --kind webhook.*` shows an event sent with `orchctl webhooks send`
/// within a second of the send.
async fn a_sent_event_shows_in_events_tail_within_a_second(kind: Kind) {
    let Some(Hooks { app, up: _up }) = start(kind).await else {
        return;
    };
    let dir = app.db.dir.path().to_owned();
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    let sender = Orchctl::new(&app, "sender");
    sender.login(&app.admin_key()).await.ok();
    // --since: the tail reads the log from then on, so the event shows however the
    // connection races the send.
    let args = [
        "events",
        "tail",
        "--kind",
        "webhook.*",
        "--since",
        "10m",
        "-o",
        "json",
    ];
    let shown = admin
        .run_while(&args, |out, _err| async move {
            let sent_at = std::time::Instant::now();
            let inbox_id = send_event(&sender, &dir, "evt_tail_1").await;
            let seen = crate::helpers::eventually(Duration::from_secs(1), || {
                let out = out.clone();
                let inbox_id = inbox_id.clone();
                async move {
                    out.lines().iter().any(|l| {
                        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
                        v["kind"] == "webhook.received" && v["inbox_id"] == inbox_id.as_str()
                    })
                }
            })
            .await;
            (seen, sent_at.elapsed(), out.text())
        })
        .await
        .expect("tail runs until stopped");
    let (seen, took, text) = shown;
    eprintln!("webhook.received shown {took:?} after the send began");
    assert!(seen, "the sent event did not show within a second: {text}");
}

/// `orchctl trace` shows a delivery's whole story: the inbox row, its job, the job's runs and
/// the events, as a tree or as JSON; an unknown trace is "not found".
async fn trace_shows_a_webhook_its_job_and_runs(kind: Kind) {
    let Some(Hooks { app, up: _up }) = start(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    let inbox_id = send_event(&admin, app.db.dir.path(), "evt_trace_1").await;
    row_becomes(&app, &inbox_id, "processed", Duration::from_secs(15)).await;
    let row = admin
        .run(&["inbox", "show", &inbox_id, "-o", "json"])
        .await
        .ok()
        .json();
    let trace_id = row["trace_id"]
        .as_str()
        .expect("the row has a trace")
        .to_owned();

    // Events are written in batches: wait for the job's last one.
    let mut trace = serde_json::Value::Null;
    for _ in 0..50 {
        trace = admin
            .run(&["trace", &trace_id, "-o", "json"])
            .await
            .ok()
            .json();
        let kinds: Vec<&str> = trace["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["kind"].as_str())
            .collect();
        if kinds.contains(&"job.succeeded") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(trace["trace_id"], trace_id.as_str());
    assert_eq!(trace["inbox"][0]["id"], inbox_id.as_str(), "{trace}");
    let job = &trace["jobs"][0];
    assert_eq!(job["kind"], "webhook", "{trace}");
    assert_eq!(job["status"], "succeeded", "{trace}");
    assert_eq!(job["runs"][0]["outcome"], "succeeded", "{trace}");
    let kinds: Vec<&str> = trace["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"webhook.received") && kinds.contains(&"job.succeeded"),
        "{kinds:?}"
    );

    let tree = admin
        .run(&["trace", &trace_id, "-o", "table"])
        .await
        .ok()
        .stdout;
    eprintln!("{tree}");
    assert!(tree.starts_with(&format!("trace {trace_id}")), "{tree}");
    assert!(
        tree.contains("webhook stripe evt_trace_1 invoice.paid"),
        "{tree}"
    );
    assert!(
        tree.contains("│  └─ job ") || tree.contains("   └─ job "),
        "the job hangs under its delivery: {tree}"
    );
    assert!(tree.contains("run 1 · succeeded"), "{tree}");
    assert!(tree.contains("webhook.received"), "{tree}");

    admin
        .run(&["trace", "4bf92f3577b34da6a3ce929d0e0e4736"])
        .await
        .exits(Exit::NotFound);
    admin.run(&["trace", "nope"]).await.exits(Exit::Usage);
}

both_backends!(
    trace_shows_a_webhook_its_job_and_runs,
    a_sent_event_is_listed_shown_byte_identical_and_replayed,
    a_sent_event_shows_in_events_tail_within_a_second
);
