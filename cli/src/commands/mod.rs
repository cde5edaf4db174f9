//! One file per subcommand. Adding a command is a variant here, its arm in [`Command::run`]
//! and its own module holding the clap `Args` struct and a `run` function.

use std::io::Write;

use clap::Subcommand;

use crate::cli::GlobalArgs;
use crate::error::CliError;

pub mod completion;

/// The subcommands of `orchctl`.
#[derive(Debug, Subcommand)]
pub enum Command {
    Completion(completion::CompletionArgs),
}

impl Command {
    /// Runs the command, printing its data to `out`.
    pub fn run(self, _global: &GlobalArgs, out: &mut dyn Write) -> Result<(), CliError> {
        match self {
            Command::Completion(args) => completion::run(&args, out),
        }
    }
}
