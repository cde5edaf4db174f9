//! `orchctl audit list | verify | head`: read the operator audit log, check its keyed hash
//! chain, and anchor its head (`verify --expect-head` finds rows cut off the end, which a
//! chain alone cannot show).

use clap::{Args, Subcommand};
use orch_core::api::audit::{AuditHead, AuditListQuery, AuditVerifyResponse};
use orch_core::audit::{AuditAnchor, AuditRecord};
use time::OffsetDateTime;

use crate::commands::args::{PageArgs, TimeRangeArgs};
use crate::commands::views::print_page;
use crate::error::CliError;
use crate::output::{self, OutputFormat};
use crate::session::Ctx;

/// Read the operator audit log and verify its hash chain
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit rows, newest first
    List(ListArgs),
    /// Check the audit log's hash chain (exit status 6 when it is broken or cut)
    #[command(
        long_about = "Check the audit log's hash chain under the server's audit key \
        (exit status 6 when it is broken).\n\n\
        A chain whose newest rows were deleted is still a valid chain. To catch that, record \
        the head this command (or `orchctl audit head`, or the reconciler's `audit checkpoint` \
        log line) prints, and pass it later with --expect-head: the check fails when the chain \
        is shorter than the anchor or holds another row at that position."
    )]
    Verify(VerifyArgs),
    /// Print the chain's head (<count>:<hash>) to record as an anchor for verify --expect-head
    Head,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Also fail unless the chain still holds this earlier head (<count>:<hash>, as printed by
    /// `audit head`)
    #[arg(long, value_name = "COUNT:HASH", value_parser = AuditAnchor::parse)]
    pub expect_head: Option<AuditAnchor>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only rows of this operator (name)
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// Only rows of this action, e.g. operators.create
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
    /// Only rows about this tenant
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
    /// Only rows written by this request (its x-request-id)
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
    #[command(flatten)]
    pub time: TimeRangeArgs,
    #[command(flatten)]
    pub page: PageArgs,
}

pub async fn run(args: &AuditArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        AuditCommand::List(list) => list_rows(list, ctx).await,
        AuditCommand::Verify(verify_args) => verify(verify_args, ctx).await,
        AuditCommand::Head => head(ctx).await,
    }
}

async fn list_rows(args: &ListArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let (since, until) = args.time.to_rfc3339(OffsetDateTime::now_utc())?;
    let query = AuditListQuery {
        operator: args.operator.clone(),
        action: args.action.clone(),
        tenant: args.tenant.clone(),
        since,
        until,
        request_id: args.request_id.clone(),
        limit: args.page.limit,
        cursor: None,
    };
    let session = ctx.session().await?;
    // `audit list --all` has never drawn a row counter; it still does not.
    let rows = args
        .page
        .collect(None, &query, async |query| {
            session.client.list_audit(&query).await
        })
        .await?;
    let header = [
        "SEQ", "TIME", "OPERATOR", "ROLE", "ACTION", "RESULT", "TARGET", "TENANT", "REASON",
    ];
    print_page(ctx, &rows, header, row_cells)
}

fn row_cells(row: &AuditRecord) -> Vec<String> {
    let target = match (&row.target_type, &row.target_id) {
        (Some(kind), Some(id)) => format!("{kind}/{id}"),
        (Some(kind), None) => kind.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => "-".to_owned(),
    };
    vec![
        row.seq.to_string(),
        output::time(row.ts),
        row.operator_name.clone(),
        row.operator_role.clone(),
        row.action.clone(),
        row.result.as_str().to_owned(),
        target,
        output::or_dash(row.tenant_id.as_deref()),
        if row.reason.is_empty() {
            "-".to_owned()
        } else {
            row.reason.clone()
        },
    ]
}

async fn verify(args: &VerifyArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let session = ctx.session().await?;
    let expect = args.expect_head.as_ref().map(ToString::to_string);
    let report = session.client.verify_audit(expect.as_deref()).await?;
    match ctx.format() {
        OutputFormat::Table => {
            for line in verify_lines(&report) {
                output::write_line(ctx.io.stdout, &line)?;
            }
        }
        format => output::write_data(ctx.io.stdout, format, &report)?,
    }
    if report.ok {
        return Ok(());
    }
    let why = report
        .problem
        .clone()
        .unwrap_or_else(|| "the chain does not verify".to_owned());
    Err(CliError::Conflict(match report.first_bad_id {
        Some(id) => format!("the audit log's hash chain is broken at row {id}: {why}"),
        None => format!("the audit log fails the anchor: {why}"),
    }))
}

/// What `audit verify` prints on a terminal.
fn verify_lines(report: &AuditVerifyResponse) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(bad) = report.first_bad_id {
        lines.push(format!(
            "Audit chain BROKEN at row {bad} ({} rows checked).",
            report.checked
        ));
    } else {
        let unkeyed = match report.unkeyed_rows {
            0 => String::new(),
            n => format!(", {n} of them sealed without a key by an earlier version"),
        };
        lines.push(format!(
            "Audit chain OK: {} rows checked{unkeyed}.",
            report.checked
        ));
    }
    if let Some(anchor) = &report.anchor {
        let verdict = if anchor.matched { "holds" } else { "FAILS" };
        lines.push(format!(
            "Anchor {}:{} {verdict}.",
            anchor.count, anchor.hash
        ));
    }
    if let Some(problem) = &report.problem {
        lines.push(format!("Problem: {problem}"));
    }
    if let Some(head) = &report.head {
        lines.push(format!(
            "Head: {} (record it; check later with --expect-head)",
            head.anchor()
        ));
    }
    lines
}

async fn head(ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let session = ctx.session().await?;
    let head: AuditHead = session.client.audit_head().await?;
    match ctx.format() {
        OutputFormat::Table => {
            let table = output::fields([
                ("anchor", head.anchor()),
                ("count", head.count.to_string()),
                ("hash", head.hash.clone()),
                ("mac", head.mac.clone()),
                ("key id", head.key_id.clone()),
            ]);
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, &head),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::commands::args::{TimeArg, parse_time_arg};

    #[test]
    fn times_are_rfc3339_or_a_duration_ago() {
        let now = OffsetDateTime::from_unix_timestamp(1_893_456_000).unwrap();
        let ago = parse_time_arg("90m").unwrap();
        assert_eq!(ago, TimeArg::Ago(Duration::from_secs(5400)));
        assert_eq!(ago.to_rfc3339(now).unwrap(), "2029-12-31T22:30:00Z");
        let at = parse_time_arg("2026-01-31T12:00:00Z").unwrap();
        assert_eq!(at.to_rfc3339(now).unwrap(), "2026-01-31T12:00:00Z");
        assert!(parse_time_arg("yesterday").is_err());
    }

    #[test]
    fn a_broken_or_cut_chain_says_so() {
        let cut = AuditVerifyResponse {
            ok: false,
            checked: 3,
            first_bad_id: None,
            problem: Some("rows were deleted from its end".into()),
            head: None,
            unkeyed_rows: 0,
            anchor: Some(orch_core::api::audit::AnchorCheck {
                count: 5,
                hash: "hmac1:ab".into(),
                matched: false,
            }),
        };
        let lines = verify_lines(&cut);
        assert_eq!(lines[0], "Audit chain OK: 3 rows checked.");
        assert_eq!(lines[1], "Anchor 5:hmac1:ab FAILS.");
        assert!(lines[2].contains("deleted"), "{lines:?}");
    }
}
