//! Exit statuses and stream discipline of the real binary.

use std::process::{Command, Stdio};

use crate::support::orchctl;

#[test]
fn version_prints_name_and_version() {
    let output = orchctl(&["--version"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let expected = format!("orchctl {}\n", env!("CARGO_PKG_VERSION"));
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    assert!(output.stderr.is_empty(), "{output:?}");
}

/// Runs `args`, expects exit status 2, nothing on stdout and a usage message on stderr.
fn assert_usage_error(args: &[&str], needle: &str) {
    let output = orchctl(args);
    assert_eq!(
        output.status.code(),
        Some(2),
        "orchctl {args:?}: {output:?}"
    );
    assert!(output.stdout.is_empty(), "orchctl {args:?}: {output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(needle),
        "orchctl {args:?}: stderr was {stderr:?}"
    );
}

#[test]
fn unknown_flag_is_a_usage_error() {
    assert_usage_error(&["--no-such-flag"], "unexpected argument '--no-such-flag'");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    assert_usage_error(
        &["no-such-command"],
        "unrecognized subcommand 'no-such-command'",
    );
}

#[test]
fn unknown_shell_is_a_usage_error() {
    assert_usage_error(
        &["completion", "nosuchshell"],
        "invalid value 'nosuchshell'",
    );
}

#[test]
fn bad_output_format_is_a_usage_error() {
    assert_usage_error(&["-o", "xml", "completion", "bash"], "invalid value 'xml'");
}

#[test]
fn no_subcommand_prints_help_on_stderr_as_a_usage_error() {
    assert_usage_error(&[], "Usage: orchctl [OPTIONS] <COMMAND>");
}

#[test]
fn closed_stdout_is_a_normal_exit() {
    // The read end is gone before the child starts, so its first write fails with EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_orchctl"))
        .args(["completion", "bash"])
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
}
