//! `orchctl operators create | list | disable | rotate-key`: manage operators and their API
//! keys (`operators.manage`, admin only).

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use clap::{Args, Subcommand};
use orch_core::api::list::Page;

use crate::commands::args::collect_pages;
use orch_core::api::operators::{CreateOperatorRequest, IssuedOperatorKey, OperatorView};
use orch_core::rbac::Role;
use uuid::Uuid;

use crate::error::CliError;
use crate::output;
use crate::output::OutputFormat;
use crate::session::Ctx;

/// Create, list and disable operators, and rotate their API keys
#[derive(Debug, Args)]
pub struct OperatorsArgs {
    #[command(subcommand)]
    pub command: OperatorsCommand,
}

#[derive(Debug, Subcommand)]
pub enum OperatorsCommand {
    /// Create an operator and print its API key (shown only once)
    Create(CreateArgs),
    /// List operators
    List,
    /// Disable an operator: its keys and tokens stop working at once
    Disable(TargetArgs),
    /// Issue a new API key for an operator (shown only once) and revoke its older keys
    RotateKey(TargetArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The operator's name (letters, digits, '.', '_', '@', '-')
    pub name: String,
    /// The operator's role
    #[arg(long, value_name = "ROLE", value_parser = role_parser())]
    pub role: Role,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The operator's id (see `orchctl operators list`)
    pub id: Uuid,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// The roles, listed for `--help` and completion.
fn role_parser() -> impl clap::builder::TypedValueParser<Value = Role> {
    PossibleValuesParser::new(Role::ALL.map(Role::as_str)).try_map(|name| name.parse::<Role>())
}

pub async fn run(args: &OperatorsArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        OperatorsCommand::Create(create) => {
            let reason = ctx.reason(create.reason.as_deref(), "create an operator")?;
            let session = ctx.session().await?;
            let request = CreateOperatorRequest {
                name: create.name.clone(),
                role: create.role,
                reason,
            };
            let issued = session.client.create_operator(&request).await?;
            print_issued(ctx, &issued, "Created")
        }
        OperatorsCommand::List => {
            let session = ctx.session().await?;
            let all = collect_pages(
                true,
                None,
                ctx.io.is_terminal.then_some(&mut *ctx.io.stderr),
                async |cursor| session.client.list_operators(cursor.as_ref()).await,
            )
            .await?;
            print_list(ctx, &all)
        }
        OperatorsCommand::Disable(target) => {
            let reason = ctx.reason(target.reason.as_deref(), "disable an operator")?;
            let session = ctx.session().await?;
            let operator = session.client.disable_operator(target.id, &reason).await?;
            match ctx.format() {
                OutputFormat::Table => output::write_line(
                    ctx.io.stdout,
                    &format!(
                        "Disabled operator {} ({}, {}).",
                        operator.name, operator.role, operator.id
                    ),
                ),
                format => output::write_data(ctx.io.stdout, format, &operator),
            }
        }
        OperatorsCommand::RotateKey(target) => {
            let reason = ctx.reason(target.reason.as_deref(), "rotate an operator's key")?;
            let session = ctx.session().await?;
            let issued = session
                .client
                .rotate_operator_key(target.id, &reason)
                .await?;
            print_issued(ctx, &issued, "Issued a new key for")
        }
    }
}

/// Prints an issued key: the API object as JSON/YAML, or the operator and the key with a
/// note (on stderr) that it is shown only once.
fn print_issued(
    ctx: &mut Ctx<'_, '_>,
    issued: &IssuedOperatorKey,
    verb: &str,
) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let operator = &issued.operator;
            output::write_line(
                ctx.io.stdout,
                &format!(
                    "{verb} operator {} ({}, {}).",
                    operator.name, operator.role, operator.id
                ),
            )?;
            output::write_line(ctx.io.stdout, &format!("API key: {}", issued.api_key))?;
            output::write_line(
                ctx.io.stderr,
                "Note: the API key is shown only once and cannot be retrieved later; store \
                 it now (the operator logs in with `orchctl login`).",
            )
        }
        format => output::write_data(ctx.io.stdout, format, issued),
    }
}

fn print_list(ctx: &mut Ctx<'_, '_>, page: &Page<OperatorView>) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let mut table = output::table(["ID", "NAME", "ROLE", "STATUS", "CREATED"]);
            for operator in &page.items {
                let status = match operator.disabled_at {
                    Some(at) => format!("disabled {}", output::time(at)),
                    None => "active".to_owned(),
                };
                table.add_row(vec![
                    operator.id.to_string(),
                    operator.name.clone(),
                    operator.role.to_string(),
                    status,
                    output::time(operator.created_at),
                ]);
            }
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, page),
    }
}
