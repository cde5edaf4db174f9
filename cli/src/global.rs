//! The flags every subcommand accepts (`--server`, `--output`, …), apart from the clap
//! definition in `cli.rs` so that what reads them (`session.rs`, the commands) does not
//! depend on the definition of every command.

use std::io::{self, IsTerminal as _};
use std::path::PathBuf;

use clap::Args;

use crate::output::{OutputFormat, color_enabled};

/// Flags accepted by every subcommand, before or after its name.
///
/// Environment values stay out of `--help` so the help text does not depend on the shell it
/// runs in. Credentials (`ORCHCTL_TOKEN`, `ORCHCTL_API_KEY`) are not flags at all: they are
/// read once into [`crate::env::Env`], so a secret never sits on a command line.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Base URL of the orchd API [default: the context's]; a context's credentials are only sent to its own server
    #[arg(
        long,
        global = true,
        env = "ORCHCTL_SERVER",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub server: Option<String>,

    /// Context to use from the config file instead of the current one
    #[arg(
        long,
        global = true,
        env = "ORCHCTL_CONTEXT",
        hide_env_values = true,
        value_name = "NAME"
    )]
    pub context: Option<String>,

    /// Contexts file [default: ~/.config/orchctl/config.yaml]
    #[arg(
        long,
        global = true,
        env = "ORCHCTL_CONFIG",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    /// Output format [default: table on a terminal, json otherwise]
    #[arg(short, long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// Never colour output (also when NO_COLOR is set and not empty)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Never prompt: answer yes to confirmations (a missing --reason is then an error)
    #[arg(short, long, global = true)]
    pub yes: bool,

    /// Show request ids and timings on stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

impl GlobalArgs {
    /// Whether to colour what goes to stdout.
    pub fn color(&self) -> bool {
        color_enabled(
            self.no_color,
            std::env::var_os("NO_COLOR").as_deref(),
            io::stdout().is_terminal(),
        )
    }
}
