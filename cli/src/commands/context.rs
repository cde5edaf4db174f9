//! `orchctl context list | use NAME`: the contexts of the contexts file.

use clap::{Args, Subcommand};
use serde::Serialize;
use time::OffsetDateTime;

use crate::config;
use crate::error::CliError;
use crate::output;
use crate::output::OutputFormat;
use crate::session::Ctx;

/// List the saved contexts or switch between them
#[derive(Debug, Args)]
pub struct ContextArgs {
    #[command(subcommand)]
    pub command: ContextCommand,
}

#[derive(Debug, Subcommand)]
pub enum ContextCommand {
    /// List the contexts (never their credentials)
    List,
    /// Make NAME the current context
    Use {
        /// The context to use from now on
        name: String,
    },
}

/// A context as listed: what it points at, never its credentials.
#[derive(Debug, Serialize)]
pub struct ContextView {
    pub name: String,
    pub current: bool,
    pub server: String,
    pub operator: Option<String>,
    pub logged_in: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub token_expires_at: Option<OffsetDateTime>,
}

pub fn run(args: &ContextArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        ContextCommand::List => list(ctx),
        ContextCommand::Use { name } => use_context(ctx, name),
    }
}

fn list(ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let file = config::load(&ctx.config_path()?)?;
    let current = ctx.selected_context_name(&file);
    let views: Vec<ContextView> = file
        .contexts
        .iter()
        .map(|c| ContextView {
            name: c.name.clone(),
            current: current.as_deref() == Some(c.name.as_str()),
            server: c.server.clone(),
            operator: c.operator.clone(),
            logged_in: c.has_credentials(),
            token_expires_at: c.expires_at,
        })
        .collect();
    match ctx.format() {
        OutputFormat::Table => {
            if views.is_empty() {
                return output::write_line(
                    ctx.io.stderr,
                    "No contexts yet; run `orchctl login --server URL`.",
                );
            }
            let mut table = output::table(["CURRENT", "NAME", "SERVER", "OPERATOR", "LOGGED IN"]);
            for view in &views {
                table.add_row(vec![
                    if view.current { "*" } else { "" }.to_owned(),
                    view.name.clone(),
                    view.server.clone(),
                    output::or_dash(view.operator.as_deref()),
                    if view.logged_in { "yes" } else { "no" }.to_owned(),
                ]);
            }
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, &views),
    }
}

fn use_context(ctx: &mut Ctx<'_, '_>, name: &str) -> Result<(), CliError> {
    let path = ctx.config_path()?;
    let mut file = config::load(&path)?;
    if file.context(name).is_none() {
        return Err(CliError::NotFound(format!(
            "there is no context named {name:?}; see `orchctl context list`"
        )));
    }
    file.current_context = Some(name.to_owned());
    config::save(&path, &file)?;
    output::write_line(ctx.io.stderr, &format!("Switched to context {name:?}."))
}
