//! `orchctl completion SHELL`: print a shell completion script.

use std::io::Write;

use clap::Args;

use crate::error::CliError;
use crate::generated;
pub use crate::generated::CompletionShell;

/// Print the completion script for SHELL to stdout
#[derive(Debug, Args)]
#[command(long_about = "Print the completion script for SHELL to stdout.\n\n\
    bash:        source <(orchctl completion bash)\n\
    zsh:         orchctl completion zsh > \"${fpath[1]}/_orchctl\"\n\
    fish:        orchctl completion fish > ~/.config/fish/completions/orchctl.fish\n\
    powershell:  orchctl completion powershell | Out-String | Invoke-Expression")]
pub struct CompletionArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// Writes the script; the bytes are exactly those committed under `completions/`.
pub fn run(
    args: &CompletionArgs,
    command_tree: clap::Command,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    out.write_all(&generated::completion(command_tree, args.shell))
        .map_err(CliError::stdout)
}

#[cfg(test)]
mod tests {
    use std::io::{self, Write};

    use super::{CompletionArgs, CompletionShell, run};

    /// A reader that has gone away, like `head` after its first lines.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_stdout_is_reported_as_a_broken_pipe() {
        let args = CompletionArgs {
            shell: CompletionShell::Bash,
        };
        let tree = <crate::cli::Cli as clap::CommandFactory>::command();
        let err = run(&args, tree, &mut ClosedPipe).unwrap_err();
        assert!(err.is_broken_pipe(), "{err:?}");
    }
}
