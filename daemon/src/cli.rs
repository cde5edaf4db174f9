//! `orchd` command line: `serve`, `migrate`, `check`, `--version`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::settings::Overrides;

#[derive(Debug, Parser)]
#[command(
    name = "orchd",
    version,
    about = "orch daemon: tenant HTTP API, Stripe webhook ingress, workers and reconciler",
    long_about = "orch daemon: tenant HTTP API, Stripe webhook ingress, workers and reconciler.\n\n\
                  Settings come from defaults, then the --config file, then ORCHD_* environment \
                  variables, then flags. With no settings it runs embedded: SQLite under \
                  ./orchd-data and in-process dispatch."
)]
pub struct Cli {
    /// Settings file (YAML).
    #[arg(
        long,
        short = 'c',
        env = "ORCHD_CONFIG",
        global = true,
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub overrides: OverrideArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon until SIGTERM or Ctrl-C (applies pending migrations first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Validate settings and check connectivity to storage (and Redis), then exit.
    Check,
    /// Create an admin operator and print its API key on stdout (for scripted set-ups).
    BootstrapAdmin {
        /// Name of the new operator.
        #[arg(long, default_value = "admin")]
        name: String,
    },
}

/// Flags that override settings keys; each also reads its environment variable.
#[derive(Debug, Clone, Args)]
pub struct OverrideArgs {
    /// Address to bind [key: listen].
    #[arg(long, env = "ORCHD_LISTEN", global = true, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Data directory [key: data_dir].
    #[arg(long, env = "ORCHD_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// postgres://… or sqlite://… [key: database_url].
    #[arg(
        long,
        env = "ORCHD_DATABASE_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// redis://… [key: redis_url].
    #[arg(
        long,
        env = "ORCHD_REDIS_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub redis_url: Option<String>,
    /// Prefix for every Redis key [key: redis_prefix].
    #[arg(long, env = "ORCHD_REDIS_PREFIX", global = true, value_name = "PREFIX")]
    pub redis_prefix: Option<String>,
    /// Comma-separated roles: api,worker,reconciler [key: roles].
    #[arg(long, env = "ORCHD_ROLES", global = true, value_name = "ROLES")]
    pub roles: Option<String>,
    /// Worker slots [key: worker.concurrency].
    #[arg(
        long,
        env = "ORCHD_WORKER_CONCURRENCY",
        global = true,
        value_name = "N"
    )]
    pub worker_concurrency: Option<String>,
    /// json or pretty [key: log.format].
    #[arg(long, env = "ORCHD_LOG_FORMAT", global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Log filter, e.g. info or orchd=debug [key: log.level].
    #[arg(long, env = "RUST_LOG", global = true, value_name = "FILTER")]
    pub log_level: Option<String>,
    /// OTLP endpoint [key: otel.endpoint].
    #[arg(
        long,
        env = "OTEL_EXPORTER_OTLP_ENDPOINT",
        global = true,
        value_name = "URL"
    )]
    pub otel_endpoint: Option<String>,
    /// Vault address for vault: SecretRefs [key: secrets.vault_addr].
    #[arg(long, env = "VAULT_ADDR", global = true, value_name = "URL")]
    pub vault_addr: Option<String>,
    /// SecretRef of the token signing key [key: auth.signing_key_ref].
    #[arg(long, env = "ORCHD_SIGNING_KEY_REF", global = true, value_name = "REF")]
    pub signing_key_ref: Option<String>,
}

impl From<OverrideArgs> for Overrides {
    fn from(a: OverrideArgs) -> Self {
        Self {
            listen: a.listen,
            data_dir: a.data_dir,
            database_url: a.database_url,
            redis_url: a.redis_url,
            redis_prefix: a.redis_prefix,
            roles: a.roles,
            worker_concurrency: a.worker_concurrency,
            log_format: a.log_format,
            log_level: a.log_level,
            otel_endpoint: a.otel_endpoint,
            signing_key_ref: a.signing_key_ref,
            vault_addr: a.vault_addr,
            vault_token_in_env: std::env::var_os("VAULT_TOKEN").is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
