//! One file per subcommand. Adding a command is a variant here, its arm in [`Command::run`]
//! and its own module holding the clap `Args` struct and a `run` function.
//!
//! A command module never imports another: what several share is in [`args`] (flags, value
//! parsers, paging) and [`views`] (objects more than one command prints), or outside
//! `commands/` (`output`, `client`, `session`).

use clap::Subcommand;

use crate::error::CliError;
use crate::session::Ctx;

pub mod args;
pub mod audit;
pub mod breakers;
pub mod clients;
pub mod completion;
pub mod config;
pub mod context;
pub mod dlq;
pub mod events;
pub mod impersonate;
pub mod inbox;
pub mod jobs;
pub mod login;
pub mod logout;
pub mod operators;
pub mod trace;
pub mod views;
pub mod webhooks;
pub mod whoami;

/// The subcommands of `orchctl`.
#[derive(Debug, Subcommand)]
pub enum Command {
    Login(login::LoginArgs),
    Logout(logout::LogoutArgs),
    Whoami(whoami::WhoamiArgs),
    Context(context::ContextArgs),
    Config(config::ConfigArgs),
    Operators(operators::OperatorsArgs),
    Clients(clients::ClientsArgs),
    Jobs(jobs::JobsArgs),
    Dlq(dlq::DlqArgs),
    Inbox(inbox::InboxArgs),
    Breakers(breakers::BreakersArgs),
    Impersonate(impersonate::ImpersonateArgs),
    Audit(audit::AuditArgs),
    Events(events::EventsArgs),
    Trace(trace::TraceArgs),
    Webhooks(webhooks::WebhooksArgs),
    Completion(completion::CompletionArgs),
}

impl Command {
    /// Runs the command, printing its data to `ctx.io.stdout`.
    pub async fn run(self, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
        match self {
            Command::Login(args) => login::run(&args, ctx).await,
            Command::Logout(args) => logout::run(&args, ctx),
            Command::Whoami(args) => whoami::run(&args, ctx).await,
            Command::Context(args) => context::run(&args, ctx),
            Command::Config(args) => config::run(&args, ctx).await,
            Command::Operators(args) => operators::run(&args, ctx).await,
            Command::Clients(args) => clients::run(&args, ctx).await,
            Command::Jobs(args) => jobs::run(&args, ctx).await,
            Command::Dlq(args) => dlq::run(&args, ctx).await,
            Command::Inbox(args) => inbox::run(&args, ctx).await,
            Command::Breakers(args) => breakers::run(&args, ctx).await,
            Command::Impersonate(args) => impersonate::run(&args, ctx).await,
            Command::Audit(args) => audit::run(&args, ctx).await,
            Command::Events(args) => events::run(&args, ctx).await,
            Command::Trace(args) => trace::run(&args, ctx).await,
            Command::Webhooks(args) => webhooks::run(&args, ctx).await,
            Command::Completion(args) => {
                completion::run(&args, (ctx.command_tree)(), ctx.io.stdout)
            }
        }
    }
}
