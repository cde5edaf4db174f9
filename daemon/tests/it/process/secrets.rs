use std::time::Duration;

use serde_json::{Value, json};

use super::{Orchd, orchd_command};

/// Keys and tokens never reach the log, even at debug level: the bootstrap key, a token
/// exchanged for it, a newly created operator's key and a client secret.
#[tokio::test]
async fn no_key_or_token_in_any_log_line() {
    let cwd = tempfile::tempdir().unwrap();
    let mut cmd = orchd_command(cwd.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "debug");
    let mut orchd = Orchd::spawn(cmd);
    let addr = orchd.wait_listening(Duration::from_secs(20));
    let base = format!("http://{addr}");
    let client = crate::helpers::http();

    let bootstrap_key = std::fs::read_to_string(cwd.path().join("orchd-data/bootstrap-admin.key"))
        .unwrap()
        .trim()
        .to_owned();
    let token: Value = client
        .post(format!("{base}/v1/auth/operator/token"))
        .json(&json!({"api_key": bootstrap_key}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let created: Value = client
        .post(format!("{base}/v1/admin/operators"))
        .bearer_auth(&token)
        .json(&json!({"name": "ci", "role": "admin", "reason": "pipeline"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_key = created["api_key"].as_str().unwrap().to_owned();
    let client_created: Value = client
        .post(format!("{base}/v1/admin/tenants/acme/clients"))
        .bearer_auth(&token)
        .json(&json!({"name": "svc", "scopes": ["execute"], "reason": "onboarding"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = client_created["client_secret"].as_str().unwrap().to_owned();
    let tenant_token: Value = client
        .post(format!("{base}/v1/auth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": client_created["client"]["client_id"], "client_secret": secret}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tenant_token = tenant_token["access_token"].as_str().unwrap().to_owned();
    let who = client
        .get(format!("{base}/v1/whoami"))
        .bearer_auth(&tenant_token)
        .send()
        .await
        .unwrap();
    assert_eq!(who.status(), 200);
    // A refused key must not be echoed either.
    let _ = client
        .post(format!("{base}/v1/auth/operator/token"))
        .json(&json!({"api_key": format!("{new_key}x")}))
        .send()
        .await
        .unwrap();

    orchd.sigterm();
    assert!(orchd.wait_exit(Duration::from_secs(15)).success());
    let lines = orchd.lines();
    assert!(lines.len() > 10, "debug logging produced lines");
    let signing_key = std::fs::read_to_string(cwd.path().join("orchd-data/signing.key")).unwrap();
    for secret_value in [
        &bootstrap_key,
        &token,
        &new_key,
        &secret,
        &tenant_token,
        signing_key.trim(),
    ] {
        // For a JWT look for its signature: the header is the same for every token.
        let needle = match secret_value.rsplit_once('.') {
            Some((_, signature)) if secret_value.matches('.').count() == 2 => signature,
            _ => secret_value,
        };
        assert!(needle.len() >= 20);
        for line in &lines {
            assert!(!line.contains(needle), "a secret reached the log: {line}");
        }
    }
}
