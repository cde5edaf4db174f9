//! `orchctl whoami`: the operator the credentials belong to (`GET /v1/admin/whoami`).

use clap::Args;
use orch_core::api::auth::WhoAmI;

use crate::cli::OutputFormat;
use crate::error::CliError;
use crate::output;
use crate::session::Ctx;

/// Show the operator you are authenticated as, its role and permissions
#[derive(Debug, Args)]
pub struct WhoamiArgs {}

pub async fn run(_args: &WhoamiArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let session = ctx.session().await?;
    let me = session.client.whoami().await?;
    print(
        ctx,
        &me,
        session.client.server(),
        session.context.as_deref(),
    )
}

/// Prints `me`: the API object as JSON/YAML, or a field list naming the server and context.
pub fn print(
    ctx: &mut Ctx<'_, '_>,
    me: &WhoAmI,
    server: &str,
    context: Option<&str>,
) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let permissions: Vec<&str> = me.permissions.iter().map(|p| p.as_str()).collect();
            let table = output::fields([
                ("operator", me.operator.name.clone()),
                ("id", me.operator.id.to_string()),
                ("role", me.operator.role.to_string()),
                ("permissions", permissions.join(", ")),
                ("token expires", output::time(me.token_expires_at)),
                ("server", server.trim_end_matches('/').to_owned()),
                ("context", output::or_dash(context)),
            ]);
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, me),
    }
}
