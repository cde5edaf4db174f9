//! `orchctl logout`: forget the credentials of the current context (or `--context`).

use clap::Args;

use crate::config;
use crate::error::CliError;
use crate::output;
use crate::session::Ctx;

/// Remove the stored API key and token of the current context
#[derive(Debug, Args)]
#[command(
    long_about = "Remove the stored API key and token of the current context (or the \
    one named by --context). The context itself stays, so `orchctl login` can log in to the \
    same server again. The key stays valid on the server: an admin revokes it with \
    `orchctl operators rotate-key` or `orchctl operators disable`."
)]
pub struct LogoutArgs {}

pub fn run(_args: &LogoutArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let path = ctx.config_path()?;
    let mut file = config::load(&path)?;
    let Some(name) = ctx.selected_context_name(&file) else {
        return output::write_line(ctx.io.stderr, "Not logged in: no context is selected.");
    };
    let Some(context) = file.context_mut(&name) else {
        return Err(CliError::NotFound(format!(
            "there is no context named {name:?}; see `orchctl context list`"
        )));
    };
    if !context.has_credentials() {
        return output::write_line(
            ctx.io.stderr,
            &format!("Context {name:?} holds no credentials."),
        );
    }
    context.clear_credentials();
    config::save(&path, &file)?;
    output::write_line(
        ctx.io.stderr,
        &format!("Logged out: removed the credentials of context {name:?}."),
    )
}
