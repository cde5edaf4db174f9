use std::process::Output;

use super::orchd_command;

fn run(cwd: &std::path::Path, args: &[&str]) -> Output {
    orchd_command(cwd).args(args).output().expect("orchd runs")
}

#[test]
fn version_prints_the_package_version() {
    let cwd = tempfile::tempdir().unwrap();
    let out = run(cwd.path(), &["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("orchd {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn malformed_settings_exit_nonzero_naming_the_key() {
    let cwd = tempfile::tempdir().unwrap();
    let cases = [
        ("worker:\n  concurrency: lots\n", "worker.concurrency"),
        ("listne: 127.0.0.1:1\n", "listne"),
        ("listen: not-an-address\n", "listen"),
        (
            "webhooks:\n  max_body_bytes: 5 parsecs\n",
            "webhooks.max_body_bytes",
        ),
        ("log: [unclosed\n", "log"),
        (
            "audit:\n  hmac_key_ref: vault:secret/orch#audit\n",
            "audit.hmac_key_ref",
        ),
        (
            "audit:\n  checkpoint_interval: 10ms\n",
            "audit.checkpoint_interval",
        ),
    ];
    for (yaml, key) in cases {
        let file = cwd.path().join("orchd.yaml");
        std::fs::write(&file, yaml).unwrap();
        let out = run(cwd.path(), &["--config", "orchd.yaml", "serve"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{yaml:?}: {stderr}");
        assert!(
            stderr.contains(key),
            "{yaml:?}: message does not name {key}: {stderr}"
        );
        assert!(
            !cwd.path().join("orchd-data").exists(),
            "nothing is created with bad settings"
        );
    }
}

#[test]
fn a_missing_settings_file_is_named() {
    let cwd = tempfile::tempdir().unwrap();
    let out = run(cwd.path(), &["--config", "nope.yaml", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.yaml"));
}

#[test]
fn bad_environment_values_name_the_variable() {
    let cwd = tempfile::tempdir().unwrap();
    let out = orchd_command(cwd.path())
        .env("ORCHD_WORKER_CONCURRENCY", "many")
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ORCHD_WORKER_CONCURRENCY"));
}

#[test]
fn check_reports_each_part() {
    let cwd = tempfile::tempdir().unwrap();
    let out = run(cwd.path(), &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("settings: ok"), "{stdout}");
    assert!(stdout.contains("storage (sqlite://"), "{stdout}");
    assert!(stdout.contains("redis: not configured"), "{stdout}");
}

#[test]
fn check_fails_when_storage_is_unreachable() {
    let cwd = tempfile::tempdir().unwrap();
    let out = orchd_command(cwd.path())
        .env(
            "ORCHD_DATABASE_URL",
            "postgres://orch:hunter2@127.0.0.1:1/orch",
        )
        .arg("check")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("storage"), "{stdout}");
    assert!(stdout.contains("FAILED"), "{stdout}");
    assert!(
        !stdout.contains("hunter2") && !stderr.contains("hunter2"),
        "the password leaked: {stdout}{stderr}"
    );
}
