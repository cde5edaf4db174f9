//! `orchctl whoami`: the operator the credentials belong to (`GET /v1/admin/whoami`).

use clap::Args;

use crate::commands::views;
use crate::error::CliError;
use crate::session::Ctx;

/// Show the operator you are authenticated as, its role and permissions
#[derive(Debug, Args)]
pub struct WhoamiArgs {}

pub async fn run(_args: &WhoamiArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let session = ctx.session().await?;
    let me = session.client.whoami().await?;
    views::print_whoami(
        ctx,
        &me,
        session.client.server(),
        session.context.as_deref(),
    )
}
