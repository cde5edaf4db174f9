//! `orchctl`, the operator CLI for orch: the clap definition, the commands and the
//! exit-status table. `main.rs` only parses, runs and maps the outcome to an exit status.
//!
//! Architecture invariant: no business logic lives here beyond argument handling and
//! output; requests go through the typed client in `orch-core`.

use std::ffi::OsString;
use std::io::{self, Write as _};

use clap::{CommandFactory as _, FromArgMatches as _};

pub mod cli;
pub mod commands;
pub mod error;
pub mod exit;
pub mod generated;

pub use cli::Cli;
pub use error::CliError;
pub use exit::Exit;

/// Parses the command line. `--no-color` also turns off colour in clap's own help and
/// errors, which are printed before the flag could otherwise be read.
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let mut cmd = Cli::command();
    if args.iter().any(|arg| arg == "--no-color") {
        cmd = cmd.color(clap::ColorChoice::Never);
    }
    let matches = cmd.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches(&matches).map_err(|err| err.format(&mut cmd))
}

/// Runs the parsed command with stdout as its data stream.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let mut stdout = io::stdout().lock();
    cli.command.run(&cli.global, &mut stdout)?;
    stdout.flush().map_err(CliError::stdout)
}
