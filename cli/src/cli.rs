//! The clap definition: global flags and the subcommand enum.
//!
//! Completions, man pages and the `--help` snapshot are all rendered from [`Cli::command`]
//! (via `clap::CommandFactory`), so this file is the single source for all of them.

use clap::Parser;

use crate::commands::Command;
use crate::exit::Exit;
use crate::global::GlobalArgs;

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

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use clap::{CommandFactory as _, Parser as _};

    use super::Cli;
    use crate::output::{OutputFormat, color_enabled};

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
