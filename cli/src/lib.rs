//! `orchctl`, the operator CLI for orch: the clap definition, the commands, the typed HTTP
//! client and the exit-status table. `main.rs` only parses, builds the runtime, runs and maps
//! the outcome to an exit status.
//!
//! Architecture invariant: no business logic lives here beyond argument handling, credential
//! handling and output; every request goes through [`client::Client`].
//!
//! Tests run commands in-process with [`execute`]: the streams are in [`Io`] and the
//! environment in [`Env`], so they never touch the real terminal or process variables.

use std::ffi::OsString;

use clap::{CommandFactory as _, FromArgMatches as _};

pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod env;
pub mod error;
pub mod exit;
pub mod generated;
pub mod global;
pub mod output;
pub mod progress;
pub mod session;

pub use cli::Cli;
pub use client::install_crypto_provider;
pub use env::Env;
pub use error::CliError;
pub use exit::Exit;
pub use session::Io;

use crate::client::VerboseLog;
use crate::session::Ctx;

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

/// Runs the parsed command. With `-v`, one line per request (request id and timing) goes to
/// stderr when the command ends, whether it succeeded or not.
pub async fn run(cli: Cli, env: &Env, io: &mut Io<'_>) -> Result<(), CliError> {
    install_crypto_provider();
    let log = VerboseLog::new(cli.global.verbose);
    let outcome = {
        let mut ctx = Ctx {
            command_tree: Cli::command,
            global: &cli.global,
            env,
            io: &mut *io,
            log: log.clone(),
        };
        cli.command.run(&mut ctx).await
    };
    let flushed = io.stdout.flush().map_err(CliError::stdout);
    for line in log.drain() {
        // Diagnostics are best effort; a closed stderr must not hide the real outcome.
        let _ = writeln!(io.stderr, "{line}");
    }
    outcome.and(flushed)
}

/// Runs the parsed command and reports the outcome as `main` does: an error is printed on
/// stderr as `error: …`; a closed stdout is a normal end; the failure status of a command run
/// by `impersonate start --exec` is passed through silently. Returns the exit status.
pub async fn execute(cli: Cli, env: &Env, io: &mut Io<'_>) -> Exit {
    match run(cli, env, io).await {
        Ok(()) => Exit::Ok,
        Err(err) if err.is_broken_pipe() => Exit::Ok,
        Err(err) if err.is_silent() => err.exit_code(),
        Err(err) => {
            let _ = writeln!(io.stderr, "error: {err}");
            err.exit_code()
        }
    }
}
