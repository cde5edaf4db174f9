//! `orchctl config validate | apply | diff | show | history | activate | rollback`: a
//! tenant's versioned config document (`config.write` to apply, `config.activate` to move the
//! active version, `read` for the rest).
//!
//! `validate` runs offline with the validator orchd runs (`orch_core::config::validate`).
//! `apply` and `diff -f` check the document with it too before anything is sent, so an
//! invalid document never reaches the server. Problems are printed on stderr as
//! `FILE:LINE:COL: path: message`, one per line, and end the command with exit status 6.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use orch_core::api::config::{
    ActivateConfigRequest, ActiveConfigView, ApplyConfigRequest, ApplyConfigResponse,
    ConfigVersionView, PointerMoveView, RollbackConfigRequest, ValidateConfigResponse,
};
use orch_core::api::list::Cursor;
use orch_core::config::diff::{ChangeKind, ConfigDiff, diff};
use orch_core::config::{ConfigIssue, ValidDocument, validate};
use orch_core::problem::ErrorCode;
use orch_core::tenant::TenantSlug;
use serde::Serialize;
use serde_json::Value;

use crate::client::ClientError;
use crate::commands::args::parse_tenant;
use crate::error::CliError;
use crate::output;
use crate::output::OutputFormat;
use crate::session::{Ctx, Session, confirm};

/// What `-f -` reads from, named so in messages.
const STDIN_NAME: &str = "<stdin>";

/// Validate, apply, diff, show and roll back a tenant's config
#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a config document offline, with the validator orchd runs
    #[command(
        long_about = "Check a config document offline, with the validator orchd runs: the \
            schema, the references between policies, connectors, operations and routes, path \
            templates and SecretRef syntax. Nothing is sent to a server.\n\n\
            Every problem is printed on stderr as FILE:LINE:COL: path: message and the exit \
            status is 6. A valid document prints `FILE: valid` (with -o json or -o yaml, an \
            object {valid, errors, warnings} instead) and exits 0. Whether SecretRefs resolve \
            is checked by the server only, on apply."
    )]
    Validate(ValidateArgs),
    /// Store a config document as a new version, optionally activating it
    #[command(
        long_about = "Store a config document as a new version of its tenant's config, \
            optionally activating it.\n\n\
            The document is validated locally first: an invalid one is reported as `config \
            validate` does and nothing is sent. Then the changes against the active version are \
            printed (on stdout as a table, on stderr with -o json or -o yaml) and, unless \
            --dry-run, the document is stored. A document equal to the newest version stores \
            nothing and reports that version. On a terminal, --activate asks to confirm unless \
            --yes."
    )]
    Apply(ApplyArgs),
    /// Show what would change: a document against the active version, or two versions
    #[command(after_long_help = "Examples:\n  \
            orchctl config diff -f tenant-acme.yaml\n  \
            orchctl config diff --tenant acme --from 3 --to 4")]
    Diff(DiffArgs),
    /// Show the active version of a tenant's config (or another version) with its document
    Show(ShowArgs),
    /// List a tenant's config versions and the moves of its active version
    History(HistoryArgs),
    /// Make a stored version the active one
    Activate(ActivateArgs),
    /// Make an earlier version active again (asks to confirm unless --yes)
    #[command(
        long_about = "Make an earlier version active again: --to N, or by default the version \
            that was active before the current one.\n\n\
            This changes what the tenant runs at once, so on a terminal it shows the move and \
            asks to confirm unless --yes; without a terminal --yes is required. Exit status 6 \
            when there is nothing to roll back to."
    )]
    Rollback(RollbackArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The document, YAML or JSON ('-' reads stdin)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,
    /// Also check that the document's `tenant` key names this tenant
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: Option<TenantSlug>,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The document, YAML or JSON ('-' reads stdin)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// The tenant to apply to [default: the document's `tenant` key, which must match]
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: Option<TenantSlug>,
    /// Also make the new version active (needs config.activate)
    #[arg(long)]
    pub activate: bool,
    /// Validate and print the changes only; store nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Compare this document (YAML or JSON, '-' reads stdin) with the active version
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        required_unless_present = "from",
        conflicts_with_all = ["from", "to"]
    )]
    pub file: Option<PathBuf>,
    /// The tenant [default with -f: the document's `tenant` key, which must match]
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: Option<TenantSlug>,
    /// Compare two stored versions: from this one…
    #[arg(
        long,
        value_name = "N",
        requires_all = ["to", "tenant"],
        value_parser = clap::value_parser!(i32).range(1..)
    )]
    pub from: Option<i32>,
    /// …to this one
    #[arg(
        long,
        value_name = "M",
        requires = "from",
        value_parser = clap::value_parser!(i32).range(1..)
    )]
    pub to: Option<i32>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The tenant
    #[arg(value_parser = parse_tenant)]
    pub tenant: TenantSlug,
    /// Show this version instead of the active one
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..))]
    pub version: Option<i32>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The tenant
    #[arg(value_parser = parse_tenant)]
    pub tenant: TenantSlug,
    /// List every version, not only the newest page
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct ActivateArgs {
    /// The tenant
    #[arg(value_parser = parse_tenant)]
    pub tenant: TenantSlug,
    /// The version to make active (see `orchctl config history`)
    #[arg(value_parser = clap::value_parser!(i32).range(1..))]
    pub version: i32,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The tenant
    #[arg(value_parser = parse_tenant)]
    pub tenant: TenantSlug,
    /// The version to make active [default: the one active before the current one]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..))]
    pub to: Option<i32>,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

pub async fn run(args: &ConfigArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        ConfigCommand::Validate(validate_args) => validate_file(validate_args, ctx),
        ConfigCommand::Apply(apply_args) => apply(apply_args, ctx).await,
        ConfigCommand::Diff(diff_args) => match (&diff_args.file, diff_args.from, diff_args.to) {
            (Some(file), _, _) => diff_file(file, diff_args.tenant.as_ref(), ctx).await,
            (None, Some(from), Some(to)) => {
                let Some(tenant) = &diff_args.tenant else {
                    return Err(CliError::Usage(
                        "config diff --from N --to M needs --tenant TENANT".into(),
                    ));
                };
                diff_versions(tenant, from, to, ctx).await
            }
            _ => Err(CliError::Usage(
                "config diff needs -f FILE, or --tenant TENANT --from N --to M".into(),
            )),
        },
        ConfigCommand::Show(show_args) => show(show_args, ctx).await,
        ConfigCommand::History(history_args) => history(history_args, ctx).await,
        ConfigCommand::Activate(activate_args) => activate(activate_args, ctx).await,
        ConfigCommand::Rollback(rollback_args) => rollback(rollback_args, ctx).await,
    }
}

/// A document as read, and the name its problems are reported under.
struct Document {
    name: String,
    text: String,
}

/// Reads `file`, or stdin for `-`.
fn read_document(file: &Path, ctx: &mut Ctx<'_, '_>) -> Result<Document, CliError> {
    if file.as_os_str() == "-" {
        let mut text = String::new();
        ctx.io
            .stdin
            .read_to_string(&mut text)
            .map_err(|source| CliError::Io {
                context: "reading the config document from stdin",
                source,
            })?;
        return Ok(Document {
            name: STDIN_NAME.to_owned(),
            text,
        });
    }
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|err| CliError::Io {
        context: "reading the config document",
        source: io::Error::new(err.kind(), format!("{name}: {err}")),
    })?;
    Ok(Document { name, text })
}

/// One problem as `FILE:LINE:COL: path: message` (`FILE: path: message` when the server
/// knows no position).
fn issue_line(file: &str, issue: &ConfigIssue) -> String {
    if issue.line == 0 {
        let path = if issue.path.is_empty() {
            "(document)"
        } else {
            &issue.path
        };
        format!("{file}: {path}: {}", issue.message)
    } else {
        format!("{file}:{issue}")
    }
}

fn print_issues(
    out: &mut dyn Write,
    file: &str,
    issues: &[ConfigIssue],
    prefix: &str,
) -> Result<(), CliError> {
    for issue in issues {
        output::write_line(out, &format!("{prefix}{}", issue_line(file, issue)))?;
    }
    Ok(())
}

/// The error that ends a command whose document failed validation (exit status 6).
fn invalid(file: &str, problems: usize) -> CliError {
    let plural = if problems == 1 { "" } else { "s" };
    CliError::Conflict(format!(
        "{file} is not a valid config document ({problems} problem{plural})"
    ))
}

/// Validates the document locally; an invalid one is reported on stderr and is an error.
fn check_document(
    ctx: &mut Ctx<'_, '_>,
    doc: &Document,
    tenant: Option<&TenantSlug>,
) -> Result<ValidDocument, CliError> {
    match validate(&doc.text, tenant.map(TenantSlug::as_str)) {
        Ok(valid) => Ok(valid),
        Err(issues) => {
            print_issues(ctx.io.stderr, &doc.name, &issues, "")?;
            Err(invalid(&doc.name, issues.len()))
        }
    }
}

/// `--tenant`, else the valid document's `tenant` key.
fn document_tenant(
    given: Option<&TenantSlug>,
    valid: &ValidDocument,
) -> Result<TenantSlug, CliError> {
    match given {
        Some(tenant) => Ok(tenant.clone()),
        None => parse_tenant(&valid.config.tenant).map_err(CliError::Unexpected),
    }
}

/// Where notes that go with the data are printed: stdout for a table, stderr when stdout
/// carries JSON or YAML for a script.
fn notes<'c>(ctx: &'c mut Ctx<'_, '_>) -> &'c mut dyn Write {
    match ctx.format() {
        OutputFormat::Table => &mut *ctx.io.stdout,
        OutputFormat::Json | OutputFormat::Yaml => &mut *ctx.io.stderr,
    }
}

/// A diff for people: one line per change, `(no changes)`, and the first version as one line
/// instead of the whole document on one line.
fn diff_text(change: &ConfigDiff) -> String {
    if change.is_empty() {
        return "(no changes)\n".to_owned();
    }
    let (whole, rest): (Vec<_>, Vec<_>) = change
        .changes
        .iter()
        .cloned()
        .partition(|c| c.path.is_empty() && c.kind == ChangeKind::Added);
    let mut text = String::new();
    if !whole.is_empty() {
        text.push_str("+ (the whole document: no version is active yet)\n");
    }
    if !rest.is_empty() {
        text.push_str(&ConfigDiff { changes: rest }.render());
    }
    text
}

fn write_diff(out: &mut dyn Write, header: &str, change: &ConfigDiff) -> Result<(), CliError> {
    output::write_line(out, header)?;
    out.write_all(diff_text(change).as_bytes())
        .map_err(CliError::stdout)
}

fn validate_file(args: &ValidateArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let doc = read_document(&args.file, ctx)?;
    let (report, outcome) = match validate(&doc.text, args.tenant.as_ref().map(TenantSlug::as_str))
    {
        Ok(valid) => (
            ValidateConfigResponse {
                valid: true,
                errors: Vec::new(),
                warnings: valid.warnings,
            },
            Ok(()),
        ),
        Err(errors) => {
            let problems = errors.len();
            (
                ValidateConfigResponse {
                    valid: false,
                    errors,
                    warnings: Vec::new(),
                },
                Err(invalid(&doc.name, problems)),
            )
        }
    };
    print_issues(ctx.io.stderr, &doc.name, &report.errors, "")?;
    print_issues(ctx.io.stderr, &doc.name, &report.warnings, "warning: ")?;
    match ctx.format() {
        OutputFormat::Table if report.valid => {
            output::write_line(ctx.io.stdout, &format!("{}: valid", doc.name))?;
        }
        OutputFormat::Table => {}
        format => output::write_data(ctx.io.stdout, format, &report)?,
    }
    outcome
}

/// Sends an apply; a server-side `invalid_config` answer has its problems printed as
/// `FILE:LINE:COL: …` lines too.
async fn send_apply(
    ctx: &mut Ctx<'_, '_>,
    session: &Session,
    tenant: &TenantSlug,
    request: &ApplyConfigRequest,
    file: &str,
) -> Result<ApplyConfigResponse, CliError> {
    match session.client.apply_config(tenant, request).await {
        Ok(response) => Ok(response),
        Err(err) => {
            if let Some(issues) = server_issues(&err) {
                print_issues(ctx.io.stderr, file, &issues, "")?;
            }
            Err(err.into())
        }
    }
}

/// The problems of an `invalid_config` answer.
fn server_issues(err: &ClientError) -> Option<Vec<ConfigIssue>> {
    let ClientError::Status(response) = err else {
        return None;
    };
    let problem = response.problem.as_ref()?;
    if problem.code != ErrorCode::InvalidConfig.as_str() {
        return None;
    }
    let errors = problem.extensions.get("errors")?;
    serde_json::from_value(errors.clone()).ok()
}

async fn apply(args: &ApplyArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let doc = read_document(&args.file, ctx)?;
    let valid = check_document(ctx, &doc, args.tenant.as_ref())?;
    let tenant = document_tenant(args.tenant.as_ref(), &valid)?;
    let reason = ctx.reason(args.reason.as_deref(), "apply a config")?;
    let session = ctx.session().await?;
    // The dry run asks for activation too, so a role that may not activate is refused
    // before anything is shown or confirmed.
    let mut request = ApplyConfigRequest {
        document: doc.text.clone(),
        reason,
        activate: args.activate,
        dry_run: true,
    };
    let preview = send_apply(ctx, &session, &tenant, &request, &doc.name).await?;
    write_diff(
        notes(ctx),
        &format!("Changes against the active config of {tenant}:"),
        &preview.diff,
    )?;
    if args.dry_run {
        print_issues(ctx.io.stderr, &doc.name, &preview.warnings, "warning: ")?;
        return print_applied(ctx, &tenant, &preview);
    }
    if args.activate && !preview.diff.is_empty() && ctx.can_prompt() {
        let prompt = format!("Apply {} to {tenant} and activate it now?", doc.name);
        if !confirm(&prompt)? {
            return output::write_line(ctx.io.stderr, "Cancelled: nothing was applied.");
        }
    }
    request.dry_run = false;
    let applied = send_apply(ctx, &session, &tenant, &request, &doc.name).await?;
    print_issues(ctx.io.stderr, &doc.name, &applied.warnings, "warning: ")?;
    print_applied(ctx, &tenant, &applied)
}

/// The answer to an apply: the API object, or one line for people.
fn print_applied(
    ctx: &mut Ctx<'_, '_>,
    tenant: &TenantSlug,
    applied: &ApplyConfigResponse,
) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let state = if applied.active {
                "active"
            } else {
                "not active"
            };
            let line = if applied.dry_run {
                format!("{tenant}: dry run, nothing stored")
            } else if applied.created {
                format!("{tenant}: version {} created, {state}", applied.version)
            } else {
                format!("{tenant}: version {} unchanged, {state}", applied.version)
            };
            output::write_line(ctx.io.stdout, &line)?;
            if !applied.dry_run && !applied.active {
                output::write_line(
                    ctx.io.stderr,
                    &format!(
                        "Activate it with `orchctl config activate {tenant} {} --reason …`.",
                        applied.version
                    ),
                )?;
            }
            Ok(())
        }
        format => output::write_data(ctx.io.stdout, format, applied),
    }
}

/// A document compared with the active version, computed locally.
#[derive(Debug, Serialize)]
struct FileDiffView<'a> {
    tenant: &'a str,
    /// The active version, or none when nothing is active.
    from: Option<i32>,
    /// The document's name (`<stdin>` for `-f -`).
    document: &'a str,
    #[serde(flatten)]
    diff: &'a ConfigDiff,
    text: String,
}

async fn diff_file(
    file: &Path,
    tenant: Option<&TenantSlug>,
    ctx: &mut Ctx<'_, '_>,
) -> Result<(), CliError> {
    let doc = read_document(file, ctx)?;
    let valid = check_document(ctx, &doc, tenant)?;
    let tenant = document_tenant(tenant, &valid)?;
    let session = ctx.session().await?;
    let active = match session.client.active_config(&tenant).await {
        Ok(active) => Some(active),
        // Nothing active: everything in the document is new.
        Err(ClientError::Status(response)) if response.status == 404 => None,
        Err(err) => return Err(err.into()),
    };
    let before = active
        .as_ref()
        .and_then(|a| a.version.config.clone())
        .unwrap_or(Value::Null);
    let change = diff(&before, &valid.config.canonical());
    let from = active.as_ref().map(|a| a.version.version);
    match ctx.format() {
        OutputFormat::Table => {
            let header = match from {
                Some(version) => {
                    format!(
                        "Changes from the active version ({version}) of {tenant} to {}:",
                        doc.name
                    )
                }
                None => format!(
                    "{tenant} has no active version; {} would be all new:",
                    doc.name
                ),
            };
            write_diff(ctx.io.stdout, &header, &change)
        }
        format => {
            let view = FileDiffView {
                tenant: tenant.as_str(),
                from,
                document: &doc.name,
                diff: &change,
                text: change.render(),
            };
            output::write_data(ctx.io.stdout, format, &view)
        }
    }
}

async fn diff_versions(
    tenant: &TenantSlug,
    from: i32,
    to: i32,
    ctx: &mut Ctx<'_, '_>,
) -> Result<(), CliError> {
    let session = ctx.session().await?;
    let view = session.client.config_diff(tenant, from, to).await?;
    match ctx.format() {
        OutputFormat::Table => write_diff(
            ctx.io.stdout,
            &format!("Changes from version {from} to version {to} of {tenant}:"),
            &view.diff,
        ),
        format => output::write_data(ctx.io.stdout, format, &view),
    }
}

async fn show(args: &ShowArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let session = ctx.session().await?;
    match args.version {
        Some(version) => {
            let view = session.client.config_version(&args.tenant, version).await?;
            match ctx.format() {
                OutputFormat::Table => print_version(ctx, &view, None),
                format => output::write_data(ctx.io.stdout, format, &view),
            }
        }
        None => {
            let active = session.client.active_config(&args.tenant).await?;
            match ctx.format() {
                OutputFormat::Table => print_version(ctx, &active.version, Some(&active)),
                format => output::write_data(ctx.io.stdout, format, &active),
            }
        }
    }
}

/// A version's metadata as `field: value` lines, then its document as stored.
fn print_version(
    ctx: &mut Ctx<'_, '_>,
    view: &ConfigVersionView,
    active: Option<&ActiveConfigView>,
) -> Result<(), CliError> {
    let mut rows = vec![
        ("tenant", view.tenant.clone()),
        ("version", view.version.to_string()),
        ("active", yes_no(view.active).to_owned()),
        ("checksum", view.checksum.clone()),
        ("author", view.author.clone()),
        ("reason", view.reason.clone()),
        ("created", output::time(view.created_at)),
        ("format", output::or_dash(view.document_format.as_deref())),
    ];
    if let Some(active) = active {
        let pointer = &active.pointer;
        rows.push(("activated by", pointer.updated_by.clone()));
        rows.push(("activated", output::time(pointer.updated_at)));
        rows.push(("activation reason", pointer.reason.clone()));
        rows.push(("generation", pointer.generation.to_string()));
        let served = active.served_by_this_node.as_ref().map(|s| {
            format!(
                "version {} (generation {}, loaded {})",
                s.version,
                s.generation,
                output::time(s.loaded_at)
            )
        });
        rows.push(("served by this node", output::or_dash(served)));
    }
    output::write_table(ctx.io.stdout, &output::fields(rows))?;
    if let Some(document) = &view.document {
        output::write_line(ctx.io.stdout, "")?;
        ctx.io
            .stdout
            .write_all(document.as_bytes())
            .map_err(CliError::stdout)?;
        if !document.ends_with('\n') {
            output::write_line(ctx.io.stdout, "")?;
        }
    }
    Ok(())
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// `config history -o json|yaml`.
#[derive(Debug, Serialize)]
struct HistoryView {
    /// Newest first.
    versions: Vec<ConfigVersionView>,
    /// Moves of the active-version pointer, newest first.
    moves: Vec<PointerMoveView>,
}

async fn history(args: &HistoryArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let session = ctx.session().await?;
    let mut versions = Vec::new();
    let mut cursor: Option<Cursor> = None;
    let more = loop {
        let page = session
            .client
            .config_versions(&args.tenant, cursor.as_ref())
            .await?;
        versions.extend(page.items);
        match page.next_cursor {
            // A server that hands back the cursor it was given would loop forever.
            Some(next)
                if args.all && cursor.as_ref().map(Cursor::as_str) != Some(next.as_str()) =>
            {
                cursor = Some(next);
            }
            next => break next.filter(|_| !args.all),
        }
    };
    let moves = session.client.config_history(&args.tenant).await?.items;
    let view = HistoryView { versions, moves };
    match ctx.format() {
        OutputFormat::Table => {
            output::write_line(ctx.io.stdout, "Versions:")?;
            let mut table = output::table(["VERSION", "ACTIVE", "AUTHOR", "REASON", "CREATED"]);
            for version in &view.versions {
                table.add_row(vec![
                    version.version.to_string(),
                    yes_no(version.active).to_owned(),
                    version.author.clone(),
                    version.reason.clone(),
                    output::time(version.created_at),
                ]);
            }
            output::write_table(ctx.io.stdout, &table)?;
            output::write_line(ctx.io.stdout, "")?;
            output::write_line(ctx.io.stdout, "Moves of the active version:")?;
            let mut table = output::table(["AT", "ACTION", "FROM → TO", "OPERATOR", "REASON"]);
            for moved in &view.moves {
                table.add_row(vec![
                    output::time(moved.at),
                    moved.action.clone(),
                    format!(
                        "{} → {}",
                        output::or_dash(moved.from_version),
                        moved.to_version
                    ),
                    moved.operator.clone(),
                    moved.reason.clone(),
                ]);
            }
            output::write_table(ctx.io.stdout, &table)?;
        }
        format => output::write_data(ctx.io.stdout, format, &view)?,
    }
    if more.is_some() {
        output::write_line(
            ctx.io.stderr,
            "More versions: pass --all to list every one.",
        )?;
    }
    Ok(())
}

async fn activate(args: &ActivateArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let reason = ctx.reason(args.reason.as_deref(), "activate a config version")?;
    let session = ctx.session().await?;
    let request = ActivateConfigRequest {
        version: args.version,
        reason,
    };
    let pointer = session
        .client
        .activate_config(&args.tenant, &request)
        .await?;
    match ctx.format() {
        OutputFormat::Table => output::write_line(
            ctx.io.stdout,
            &format!(
                "{}: version {} active (generation {})",
                pointer.tenant, pointer.active_version, pointer.generation
            ),
        ),
        format => output::write_data(ctx.io.stdout, format, &pointer),
    }
}

async fn rollback(args: &RollbackArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let reason = ctx.reason(args.reason.as_deref(), "roll back a config")?;
    if !ctx.global.yes && !ctx.io.is_terminal {
        return Err(CliError::Usage(
            "config rollback changes the tenant's active config and asks to confirm, but there \
             is no terminal to ask on; pass --yes to roll back without asking"
                .into(),
        ));
    }
    let session = ctx.session().await?;
    if ctx.can_prompt() {
        let active = session.client.active_config(&args.tenant).await?;
        let current = active.version.version;
        let target = match args.to {
            Some(version) => format!("version {version}"),
            None => {
                let moves = session.client.config_history(&args.tenant).await?.items;
                match previous_version(&moves, current) {
                    Some(version) => {
                        format!("version {version} (the version active before the current one)")
                    }
                    None => "the version active before the current one".to_owned(),
                }
            }
        };
        output::write_line(
            ctx.io.stderr,
            &format!(
                "Rolling back {}: the active version goes from {current} to {target}.",
                args.tenant
            ),
        )?;
        if !confirm("Roll back?")? {
            return output::write_line(ctx.io.stderr, "Cancelled: nothing was changed.");
        }
    }
    let request = RollbackConfigRequest {
        reason,
        to_version: args.to,
    };
    let pointer = session
        .client
        .rollback_config(&args.tenant, &request)
        .await?;
    match ctx.format() {
        OutputFormat::Table => output::write_line(
            ctx.io.stdout,
            &format!(
                "{}: rolled back, version {} active (generation {})",
                pointer.tenant, pointer.active_version, pointer.generation
            ),
        ),
        format => output::write_data(ctx.io.stdout, format, &pointer),
    }
}

/// The version that was active before `current` became active, from the newest-first moves:
/// only shown to people before they confirm; the server decides.
fn previous_version(moves: &[PointerMoveView], current: i32) -> Option<i32> {
    moves
        .iter()
        .find(|m| m.to_version == current)
        .and_then(|m| m.from_version)
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;
    use orch_core::config::diff::Change;
    use serde_json::json;

    use super::*;
    use crate::cli::Cli;
    use crate::commands::Command;

    fn diff_args(args: &[&str]) -> Result<DiffArgs, clap::Error> {
        let cli = Cli::try_parse_from(["orchctl", "config", "diff"].iter().chain(args))?;
        match cli.command {
            Command::Config(ConfigArgs {
                command: ConfigCommand::Diff(diff),
            }) => Ok(diff),
            other => panic!("not config diff: {other:?}"),
        }
    }

    #[test]
    fn diff_takes_a_file_or_two_versions_of_a_tenant() {
        let by_file = diff_args(&["-f", "acme.yaml"]).unwrap();
        assert_eq!(by_file.file, Some(PathBuf::from("acme.yaml")));
        let by_versions = diff_args(&["--tenant", "acme", "--from", "1", "--to", "2"]).unwrap();
        assert_eq!((by_versions.from, by_versions.to), (Some(1), Some(2)));
        assert!(diff_args(&[]).is_err());
        assert!(
            diff_args(&["--from", "1", "--to", "2"]).is_err(),
            "no tenant"
        );
        assert!(
            diff_args(&["--tenant", "acme", "--from", "1"]).is_err(),
            "no --to"
        );
        assert!(
            diff_args(&[
                "-f", "a.yaml", "--tenant", "acme", "--from", "1", "--to", "2"
            ])
            .is_err()
        );
        assert!(diff_args(&["--tenant", "acme", "--from", "0", "--to", "2"]).is_err());
    }

    #[test]
    fn issues_name_the_file_and_the_position() {
        let issue = ConfigIssue {
            path: "connectors.billing.policy".into(),
            line: 12,
            column: 13,
            message: "no policy named \"nope\"".into(),
        };
        assert_eq!(
            issue_line("acme.yaml", &issue),
            "acme.yaml:12:13: connectors.billing.policy: no policy named \"nope\""
        );
        let unplaced = ConfigIssue {
            line: 0,
            column: 0,
            ..issue
        };
        assert_eq!(
            issue_line("acme.yaml", &unplaced),
            "acme.yaml: connectors.billing.policy: no policy named \"nope\""
        );
    }

    #[test]
    fn diffs_read_well() {
        assert_eq!(diff_text(&ConfigDiff::default()), "(no changes)\n");
        let first = diff(&Value::Null, &json!({"tenant": "acme"}));
        assert_eq!(
            diff_text(&first),
            "+ (the whole document: no version is active yet)\n"
        );
        let change = ConfigDiff {
            changes: vec![Change {
                path: "webhooks.stripe.tolerance_s".into(),
                kind: ChangeKind::Changed,
                before: Some(json!(300)),
                after: Some(json!(120)),
            }],
        };
        assert_eq!(
            diff_text(&change),
            "~ webhooks.stripe.tolerance_s: 300 → 120\n"
        );
    }
}
