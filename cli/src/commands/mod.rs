//! One file per subcommand. Adding a command is a variant here, its arm in [`Command::run`]
//! and its own module holding the clap `Args` struct and a `run` function.

use clap::Subcommand;

use crate::error::CliError;
use crate::session::Ctx;

pub mod audit;
pub mod completion;
pub mod context;
pub mod login;
pub mod logout;
pub mod operators;
pub mod whoami;

/// The subcommands of `orchctl`.
#[derive(Debug, Subcommand)]
pub enum Command {
    Login(login::LoginArgs),
    Logout(logout::LogoutArgs),
    Whoami(whoami::WhoamiArgs),
    Context(context::ContextArgs),
    Operators(operators::OperatorsArgs),
    Audit(audit::AuditArgs),
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
            Command::Operators(args) => operators::run(&args, ctx).await,
            Command::Audit(args) => audit::run(&args, ctx).await,
            Command::Completion(args) => completion::run(&args, ctx.io.stdout),
        }
    }
}
