//! `orchctl login`: exchange an operator API key for a token, and save both in a context
//! that becomes the current one.

use clap::Args;

use crate::client::parse_server;
use crate::commands::views;
use crate::config::{self, Context};
use crate::error::CliError;
use crate::session::Ctx;

/// Log in to an orchd server with an operator API key and save it as a context
#[derive(Debug, Args)]
#[command(long_about = "Log in to an orchd server with an operator API key.\n\n\
    The key is exchanged for a short-lived token to check it; both are saved (mode 0600) in \
    the contexts file as the context named by --context (default: the server's host and \
    port), which becomes the current context. The token is refreshed from the key when it \
    expires.\n\n\
    The server is --server, else that of the context being logged in again. On a terminal \
    the key is asked for without echo; elsewhere pass it on stdin with --api-key-stdin.")]
pub struct LoginArgs {
    /// Read the API key from stdin instead of prompting for it
    #[arg(long)]
    pub api_key_stdin: bool,
}

pub async fn run(args: &LoginArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let path = ctx.config_path()?;
    let file = config::load(&path)?;
    let known = ctx
        .selected_context_name(&file)
        .and_then(|name| file.context(&name).cloned());
    let (name, server) = match (&ctx.global.server, &ctx.global.context, known) {
        (Some(server), Some(name), _) => (name.clone(), server.clone()),
        (Some(server), None, _) => (default_context_name(server)?, server.clone()),
        (None, _, Some(context)) => (context.name, context.server),
        (None, _, None) => {
            return Err(CliError::Usage(
                "which server? pass --server URL (or set ORCHCTL_SERVER)".into(),
            ));
        }
    };
    let server = server.trim().trim_end_matches('/').to_owned();
    let client = ctx.client(&server)?;

    let api_key = read_api_key(args, ctx, &server)?;
    let issued = client.operator_token(&api_key).await?;
    let authenticated = client.with_token(issued.token.clone());
    let me = authenticated.whoami().await?;

    let mut context = Context::new(&name, &server);
    context.operator = Some(issued.operator.name.clone());
    context.api_key = Some(api_key);
    context.token = Some(issued.token);
    context.expires_at = Some(issued.expires_at);
    ctx.save_context(context)?;

    views::print_whoami(ctx, &me, &server, Some(&name))?;
    let note = format!(
        "Logged in to {server} as {} ({}); context {name:?} is now current ({}).",
        me.operator.name,
        me.operator.role,
        path.display()
    );
    let _ = crate::output::write_line(ctx.io.stderr, &note);
    Ok(())
}

/// The API key: from stdin with `--api-key-stdin`, else asked for on a terminal.
fn read_api_key(args: &LoginArgs, ctx: &mut Ctx<'_, '_>, server: &str) -> Result<String, CliError> {
    let key = if args.api_key_stdin {
        let mut text = String::new();
        ctx.io
            .stdin
            .read_to_string(&mut text)
            .map_err(|source| CliError::Io {
                context: "reading the API key from stdin",
                source,
            })?;
        text
    } else if ctx.can_prompt() {
        ctx.prompt_secret(&format!("Operator API key for {server}"))?
    } else {
        return Err(CliError::Usage(
            "no terminal to ask for the API key on: pipe it in with --api-key-stdin".into(),
        ));
    };
    let key = key.trim().to_owned();
    if key.is_empty() {
        return Err(CliError::Usage("the API key is empty".into()));
    }
    Ok(key)
}

/// `host[:port]` of the server URL: the name a context gets when `--context` is not given.
fn default_context_name(server: &str) -> Result<String, CliError> {
    let url = parse_server(server)?;
    let host = url.host_str().unwrap_or("orchd");
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::default_context_name;

    #[test]
    fn contexts_are_named_after_the_server() {
        assert_eq!(
            default_context_name("https://orch.example.com/").unwrap(),
            "orch.example.com"
        );
        assert_eq!(
            default_context_name("http://127.0.0.1:8080").unwrap(),
            "127.0.0.1:8080"
        );
        assert!(default_context_name("not a url").is_err());
    }
}
