use std::time::Duration;

use super::{Orchd, orchd_command};

/// The README's first command: no settings at all (only a free port instead of 8080, so
/// tests can run in parallel) → creates the SQLite database under ./orchd-data, answers
/// /readyz 200, and exits cleanly on SIGTERM.
#[tokio::test]
async fn embedded_default_starts_serves_and_exits_cleanly_on_sigterm() {
    let cwd = tempfile::tempdir().unwrap();
    let mut cmd = orchd_command(cwd.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0"]);
    let started = std::time::Instant::now();
    let mut orchd = Orchd::spawn(cmd);
    let addr = orchd.wait_listening(Duration::from_secs(20));
    let res = crate::helpers::http()
        .get(format!("http://{addr}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    eprintln!("cold start to /readyz 200: {:?}", started.elapsed());
    assert!(
        cwd.path().join("orchd-data/orchd.db").is_file(),
        "the embedded database was not created under ./orchd-data"
    );

    orchd.sigterm();
    let status = orchd.wait_exit(Duration::from_secs(15));
    assert!(status.success(), "exit status {status}");
    let lines = orchd.lines();
    assert!(
        lines.iter().any(|l| l.contains("\"orchd stopped\"")),
        "{lines:?}"
    );
}

/// A restart on the same data dir keeps the database and applies nothing new.
#[tokio::test]
async fn restart_reuses_the_embedded_database() {
    let cwd = tempfile::tempdir().unwrap();
    for round in 0..2 {
        let mut cmd = orchd_command(cwd.path());
        cmd.args(["serve", "--listen", "127.0.0.1:0"]);
        let mut orchd = Orchd::spawn(cmd);
        let addr = orchd.wait_listening(Duration::from_secs(20));
        assert_eq!(
            crate::helpers::http()
                .get(format!("http://{addr}/readyz"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        orchd.sigterm();
        assert!(orchd.wait_exit(Duration::from_secs(15)).success());
        let applied = orchd
            .lines()
            .iter()
            .any(|l| l.contains("applied database migrations"));
        assert_eq!(applied, round == 0, "round {round}");
    }
}
