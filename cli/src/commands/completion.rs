//! `orchctl completion SHELL`: print a shell completion script.

use std::io::Write;

use clap::{Args, ValueEnum};

use crate::error::CliError;
use crate::generated;

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

/// The shells `orchctl completion` supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    #[value(name = "powershell")]
    PowerShell,
}

impl CompletionShell {
    /// Every supported shell.
    pub const ALL: [CompletionShell; 4] = [
        CompletionShell::Bash,
        CompletionShell::Zsh,
        CompletionShell::Fish,
        CompletionShell::PowerShell,
    ];

    /// The clap_complete generator for this shell.
    pub fn generator(self) -> clap_complete::Shell {
        match self {
            CompletionShell::Bash => clap_complete::Shell::Bash,
            CompletionShell::Zsh => clap_complete::Shell::Zsh,
            CompletionShell::Fish => clap_complete::Shell::Fish,
            CompletionShell::PowerShell => clap_complete::Shell::PowerShell,
        }
    }
}

/// Writes the script; the bytes are exactly those committed under `completions/`.
pub fn run(args: &CompletionArgs, out: &mut dyn Write) -> Result<(), CliError> {
    out.write_all(&generated::completion(args.shell))
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
        let err = run(&args, &mut ClosedPipe).unwrap_err();
        assert!(err.is_broken_pipe(), "{err:?}");
    }
}
