//! Completion scripts and man pages under `completions/` match the clap definition.

use crate::support::{assert_files_fresh, orchctl, workspace_root};
use clap::CommandFactory as _;
use orchctl::cli::Cli;
use orchctl::commands::completion::CompletionShell;
use orchctl::generated;

#[test]
fn committed_completions_and_man_pages_are_fresh() {
    let dir = workspace_root().join("completions");
    let files: Vec<_> = generated::render_all(&Cli::command())
        .unwrap()
        .into_iter()
        .map(|(path, bytes)| (dir.join(path), bytes))
        .collect();
    assert_files_fresh(&files);
}

#[test]
fn completion_output_equals_the_committed_script_for_every_shell() {
    let shells = [
        ("bash", CompletionShell::Bash, "orchctl.bash"),
        ("zsh", CompletionShell::Zsh, "_orchctl"),
        ("fish", CompletionShell::Fish, "orchctl.fish"),
        ("powershell", CompletionShell::PowerShell, "_orchctl.ps1"),
    ];
    // Every shell the command accepts is checked here.
    assert_eq!(shells.len(), CompletionShell::ALL.len());
    for (arg, shell, file) in shells {
        let output = orchctl(&["completion", arg]);
        assert!(
            output.status.success(),
            "orchctl completion {arg}: {output:?}"
        );
        assert!(
            output.stderr.is_empty(),
            "orchctl completion {arg}: {output:?}"
        );
        // The in-memory rendering is what the freshness test compares to the committed file.
        assert_eq!(
            output.stdout,
            generated::completion(Cli::command(), shell),
            "{arg}"
        );
        let committed = workspace_root().join("completions").join(file);
        assert_files_fresh(&[(committed, output.stdout)]);
    }
}
