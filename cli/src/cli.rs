//! The clap definition: global flags and the subcommand enum.
//!
//! Completions, man pages and the `--help` snapshot are all rendered from [`Cli::command`]
//! (via `clap::CommandFactory`), so this file is the single source for all of them.

use std::ffi::OsStr;
use std::io::{self, IsTerminal as _};
use std::path::PathBuf;

use clap::{Args, Parser, ValueEnum};

use crate::commands::Command;
use crate::exit::Exit;

/// orchctl — operate an orch deployment from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "orchctl",
    version,
    about = "Operate an orch deployment from the command line",
    long_about = "Operate an orch deployment from the command line.\n\n\
        orchctl is the operator CLI for orchd, a thin client over its HTTP API. Data goes to \
        stdout (a table on a terminal, JSON on a pipe; see --output); diagnostics, prompts and \
        progress go to stderr.\n\n\
        Credentials: ORCHCTL_TOKEN (a ready operator token) if set, else ORCHCTL_API_KEY \
        (exchanged for a short-lived token on each run), else the context saved by \
        `orchctl login` in the contexts file (see --config). A context's credentials are sent \
        only to that context's own server, never to another --server, and no request follows \
        a redirect.",
    after_long_help = Exit::help_section(),
    arg_required_else_help = true,
    // Wide terminals get readable lines; the `--help` snapshot test pins COLUMNS as well.
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted by every subcommand, before or after its name.
///
/// Environment values stay out of `--help` so the help text does not depend on the shell it
/// runs in. Credentials (`ORCHCTL_TOKEN`, `ORCHCTL_API_KEY`) are not flags at all: they are
/// read once into [`crate::Env`], so a secret never sits on a command line.
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

/// How data is printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people
    Table,
    /// The API's own objects, for scripts
    Json,
    /// The API's own objects, as YAML
    Yaml,
}

impl OutputFormat {
    /// `explicit` if given; otherwise `table` for a terminal and `json` for a pipe or file.
    pub fn resolve(explicit: Option<OutputFormat>, stdout_is_terminal: bool) -> OutputFormat {
        match explicit {
            Some(format) => format,
            None if stdout_is_terminal => OutputFormat::Table,
            None => OutputFormat::Json,
        }
    }
}

/// Colour only on a terminal, and never with `--no-color` or a non-empty `NO_COLOR`
/// (<https://no-color.org>: set and not empty, whatever its value).
pub fn color_enabled(no_color_flag: bool, no_color_env: Option<&OsStr>, is_terminal: bool) -> bool {
    let env_disables = no_color_env.is_some_and(|value| !value.is_empty());
    is_terminal && !no_color_flag && !env_disables
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use clap::{CommandFactory as _, Parser as _};

    use super::{Cli, OutputFormat, color_enabled};

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn output_defaults_to_table_on_a_terminal_and_json_elsewhere() {
        assert_eq!(OutputFormat::resolve(None, true), OutputFormat::Table);
        assert_eq!(OutputFormat::resolve(None, false), OutputFormat::Json);
        let yaml = Some(OutputFormat::Yaml);
        assert_eq!(OutputFormat::resolve(yaml, true), OutputFormat::Yaml);
        assert_eq!(OutputFormat::resolve(yaml, false), OutputFormat::Yaml);
    }

    #[test]
    fn no_color_flag_and_non_empty_env_disable_colour() {
        assert!(color_enabled(false, None, true));
        assert!(color_enabled(false, Some(OsStr::new("")), true));
        assert!(!color_enabled(true, None, true));
        assert!(!color_enabled(false, Some(OsStr::new("1")), true));
        assert!(!color_enabled(false, Some(OsStr::new("0")), true));
        assert!(!color_enabled(false, None, false));
    }

    #[test]
    fn global_flags_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "orchctl",
            "completion",
            "bash",
            "-o",
            "yaml",
            "--no-color",
            "-y",
            "-v",
            "--server",
            "https://orch.example",
            "--context",
            "prod",
            "--config",
            "/tmp/orchctl.yaml",
        ])
        .unwrap();
        assert_eq!(cli.global.output, Some(OutputFormat::Yaml));
        assert!(cli.global.no_color && cli.global.yes && cli.global.verbose);
        assert_eq!(cli.global.server.as_deref(), Some("https://orch.example"));
        assert_eq!(cli.global.context.as_deref(), Some("prod"));
        assert_eq!(
            cli.global.config.as_deref(),
            Some(std::path::Path::new("/tmp/orchctl.yaml"))
        );
    }
}
