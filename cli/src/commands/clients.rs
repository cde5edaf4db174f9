//! `orchctl clients create | list | delete`: OAuth2 client credentials for tenants without
//! their own token issuer (`clients.manage`, admin only).

use clap::{Args, Subcommand};
use orch_core::api::clients::{ClientView, CreateClientRequest, IssuedClient};
use orch_core::api::list::Page;

use crate::commands::args::collect_pages;
use orch_core::rbac::Scope;
use orch_core::tenant::TenantSlug;
use uuid::Uuid;

use crate::commands::args::{parse_tenant, scope_parser};
use crate::commands::views::scopes_text;
use crate::error::CliError;
use crate::output::{self, OutputFormat};
use crate::session::Ctx;

/// Create, list and delete a tenant's API clients (client credentials)
#[derive(Debug, Args)]
pub struct ClientsArgs {
    #[command(subcommand)]
    pub command: ClientsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// Create a client for a tenant and print its secret (shown only once)
    Create(CreateArgs),
    /// List a tenant's clients (never their secrets)
    List(ListArgs),
    /// Delete a client: its secret stops working at once
    ///
    /// Tokens the client was already issued keep working until they expire (at most
    /// auth.max_token_ttl_s, 15 minutes by default).
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The tenant the client acts for
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: TenantSlug,
    /// A name for the client, e.g. the service that uses it
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// The scopes its tokens may carry, comma-separated
    #[arg(
        long,
        value_name = "SCOPES",
        required = true,
        value_delimiter = ',',
        value_parser = scope_parser()
    )]
    pub scopes: Vec<Scope>,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The tenant whose clients to list
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: TenantSlug,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The client's id (the ID column of `orchctl clients list`, not its client_id)
    #[arg(value_parser = parse_client_id)]
    pub id: Uuid,
    /// The tenant the client belongs to (required: the API names clients per tenant)
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: TenantSlug,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// A client's id; its `client_id` (`orch_cl_…`) is a different thing and is told apart.
fn parse_client_id(text: &str) -> Result<Uuid, String> {
    Uuid::parse_str(text.trim()).map_err(|_| {
        if text.starts_with("orch_cl_") {
            "that is the client's client_id; pass its id (the ID column of `orchctl clients \
             list`)"
                .to_owned()
        } else {
            "expected the client's id, a UUID (see `orchctl clients list`)".to_owned()
        }
    })
}

pub async fn run(args: &ClientsArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        ClientsCommand::Create(create) => {
            let reason = ctx.reason(create.reason.as_deref(), "create a client")?;
            let session = ctx.session().await?;
            let request = CreateClientRequest {
                name: create.name.clone(),
                scopes: create.scopes.clone(),
                reason,
            };
            let issued = session
                .client
                .create_client(&create.tenant, &request)
                .await?;
            print_issued(ctx, &issued)
        }
        ClientsCommand::List(list) => {
            let session = ctx.session().await?;
            let all = collect_pages(
                true,
                None,
                ctx.io.is_terminal.then_some(&mut *ctx.io.stderr),
                async |cursor| {
                    session
                        .client
                        .list_clients(&list.tenant, cursor.as_ref())
                        .await
                },
            )
            .await?;
            print_list(ctx, &all)
        }
        ClientsCommand::Delete(delete) => {
            let reason = ctx.reason(delete.reason.as_deref(), "delete a client")?;
            let session = ctx.session().await?;
            session
                .client
                .delete_client(&delete.tenant, delete.id, &reason)
                .await?;
            match ctx.format() {
                OutputFormat::Table => output::write_line(
                    ctx.io.stdout,
                    &format!("Deleted client {} of tenant {}.", delete.id, delete.tenant),
                ),
                // The API answers 204 with no object to print; the exit status says it.
                OutputFormat::Json | OutputFormat::Yaml => Ok(()),
            }
        }
    }
}

/// Prints a new client: the API object as JSON/YAML, or the client, its client_id and its
/// secret with a note (on stderr) that the secret is shown only once.
fn print_issued(ctx: &mut Ctx<'_, '_>, issued: &IssuedClient) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let client = &issued.client;
            output::write_line(
                ctx.io.stdout,
                &format!(
                    "Created client {} ({}) for tenant {}, scopes {}.",
                    client.name,
                    client.id,
                    client.tenant,
                    scopes_text(&client.scopes)
                ),
            )?;
            output::write_line(ctx.io.stdout, &format!("Client ID: {}", client.client_id))?;
            output::write_line(
                ctx.io.stdout,
                &format!("Client secret: {}", issued.client_secret),
            )?;
            output::write_line(
                ctx.io.stderr,
                "Note: the client secret is shown only once and cannot be retrieved later; \
                 store it now (the tenant exchanges the client ID and secret for a token at \
                 POST /v1/auth/token).",
            )
        }
        format => output::write_data(ctx.io.stdout, format, issued),
    }
}

fn print_list(ctx: &mut Ctx<'_, '_>, page: &Page<ClientView>) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let mut table = output::table(["ID", "NAME", "CLIENT ID", "SCOPES", "CREATED"]);
            for client in &page.items {
                table.add_row(vec![
                    client.id.to_string(),
                    client.name.clone(),
                    client.client_id.clone(),
                    scopes_text(&client.scopes),
                    output::time(client.created_at),
                ]);
            }
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, page),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::cli::Cli;
    use crate::commands::Command;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["orchctl", "clients"].iter().chain(args))
    }

    #[test]
    fn scopes_are_comma_separated_and_checked() {
        let cli = parse(&[
            "create",
            "--tenant",
            "acme",
            "--name",
            "ci",
            "--scopes",
            "execute,jobs:read",
        ])
        .unwrap();
        let Command::Clients(ClientsArgs {
            command: ClientsCommand::Create(create),
        }) = cli.command
        else {
            panic!("not clients create");
        };
        assert_eq!(create.scopes, vec![Scope::Execute, Scope::JobsRead]);

        let err = parse(&[
            "create",
            "--tenant",
            "acme",
            "--name",
            "ci",
            "--scopes",
            "execute,jobs:admin",
        ])
        .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        assert!(err.to_string().contains("jobs:admin"), "{err}");
        // A scope list is required.
        let err = parse(&["create", "--tenant", "acme", "--name", "ci"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn tenants_and_ids_are_checked_before_anything_is_sent() {
        let err = parse(&["list", "--tenant", "Acme/../x"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        let err = parse(&["delete", "orch_cl_0123456789abcdef", "--tenant", "acme"]).unwrap_err();
        assert!(err.to_string().contains("client_id"), "{err}");
        // The tenant is required for delete.
        let id = Uuid::now_v7().to_string();
        let err = parse(&["delete", &id]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }
}
