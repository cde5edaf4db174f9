//! `orchctl dlq list | stats | show | replay | purge`: the dead-letter queue — jobs that used
//! up their attempts. Reading needs `read`; replaying needs `dlq.replay` and purging
//! `dlq.purge`.
//!
//! `replay` and `purge` take job ids, or `--all` with filters. Before a destructive action
//! (every purge; a replay of more than 10 jobs or of `--all`) the server is asked, with
//! `dry_run`, how many jobs match, and the operator confirms that number unless `--yes`;
//! without a terminal `--yes` is required. Selections larger than one chunk (500 jobs) are
//! acted on a chunk per request (each audited), with a progress bar on a terminal.

use clap::builder::PossibleValuesParser;
use clap::{ArgGroup, Args, Subcommand};
use orch_core::api::dlq::{
    DlqActionRequest, DlqFilter, DlqListQuery, DlqPurgeResponse, DlqReplayResponse,
    DlqStatsResponse,
};
use orch_core::config::model::QUEUES;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::commands::args::{PageArgs, TenantArg, TimeRangeArgs, help_of};
use crate::commands::views::{print_job, print_jobs};
use crate::error::CliError;
use crate::output::{self, OutputFormat};
use crate::progress::Progress;
use crate::session::{Ctx, confirm};

/// A replay of more jobs than this asks to confirm.
pub const CONFIRM_REPLAY_ABOVE: usize = 10;

/// Jobs per request when a bulk action works through a large selection.
pub const BULK_CHUNK: u32 = 500;

/// List, inspect, replay and purge dead jobs
#[derive(Debug, Args)]
pub struct DlqArgs {
    #[command(subcommand)]
    pub command: DlqCommand,
}

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// List dead jobs, newest first
    List(ListArgs),
    /// Show the depth and the oldest dead job of each queue
    Stats,
    /// Show one dead job with its runs
    Show(ShowArgs),
    /// Queue dead jobs again (more than 10, or --all, asks to confirm unless --yes)
    Replay(ActionArgs),
    /// Delete dead jobs and their payloads (asks to confirm unless --yes)
    Purge(ActionArgs),
}

/// Which dead jobs: the filters shared by `list` and the bulk actions.
#[derive(Debug, Args)]
#[command(mut_args(help_of(&[
    ("tenant", "Only dead jobs of this tenant"),
    (
        "since",
        "Only jobs dead at or after this time: \
         RFC 3339, or a duration ago such as 10m, 24h, 7d",
    ),
    (
        "until",
        "Only jobs dead before this time: \
         RFC 3339, or a duration ago such as 10m, 24h, 7d",
    ),
])))]
pub struct FilterArgs {
    /// Only dead jobs of this queue
    #[arg(long, value_name = "QUEUE", value_parser = PossibleValuesParser::new(QUEUES))]
    pub queue: Option<String>,
    #[command(flatten)]
    pub tenant: TenantArg,
    /// Only dead jobs of this connector
    #[arg(long, value_name = "CONNECTOR")]
    pub connector: Option<String>,
    /// Only dead jobs whose last error has this code, e.g. upstream_5xx
    #[arg(long, value_name = "CODE")]
    pub error_code: Option<String>,
    #[command(flatten)]
    pub time: TimeRangeArgs,
}

impl FilterArgs {
    fn any(&self) -> bool {
        self.queue.is_some()
            || self.tenant.tenant.is_some()
            || self.connector.is_some()
            || self.error_code.is_some()
            || self.time.any()
    }

    /// The API's filter, times resolved against `now`.
    fn to_filter(&self, now: OffsetDateTime) -> Result<DlqFilter, CliError> {
        let (since, until) = self.time.to_rfc3339(now)?;
        Ok(DlqFilter {
            queue: self.queue.clone(),
            tenant: self.tenant.query(),
            connector: self.connector.clone(),
            error_code: self.error_code.clone(),
            since,
            until,
        })
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub page: PageArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The job's id
    pub id: Uuid,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("selector").required(true).args(["ids", "all"])))]
pub struct ActionArgs {
    /// The dead jobs, by id
    #[arg(value_name = "ID")]
    pub ids: Vec<Uuid>,
    /// Every dead job the filters match (every dead job without filters)
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Only count the matching dead jobs; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Jobs per request for large selections
    #[arg(long, value_name = "N", default_value_t = BULK_CHUNK, hide = true,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub chunk_size: u32,
}

pub async fn run(args: &DlqArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        DlqCommand::List(list) => {
            let query = DlqListQuery {
                limit: list.page.limit,
                ..DlqListQuery::new(list.filter.to_filter(OffsetDateTime::now_utc())?)
            };
            let session = ctx.session().await?;
            let jobs = list
                .page
                .collect(
                    ctx.io.is_terminal.then_some(&mut *ctx.io.stderr),
                    &query,
                    async |query| session.client.list_dlq(&query).await,
                )
                .await?;
            print_jobs(ctx, &jobs)
        }
        DlqCommand::Stats => {
            let session = ctx.session().await?;
            let stats = session.client.dlq_stats().await?;
            print_stats(ctx, &stats)
        }
        DlqCommand::Show(show) => {
            let session = ctx.session().await?;
            let job = session.client.get_job(show.id).await?;
            print_job(ctx, &job)
        }
        DlqCommand::Replay(action) => act(Action::Replay, action, ctx).await,
        DlqCommand::Purge(action) => act(Action::Purge, action, ctx).await,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Replay,
    Purge,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Replay => "replay",
            Action::Purge => "purge",
        }
    }

    /// Whether the action asks to confirm: every purge, a replay of `--all` or of more than
    /// [`CONFIRM_REPLAY_ABOVE`] ids.
    fn needs_confirmation(self, args: &ActionArgs) -> bool {
        match self {
            Action::Purge => true,
            Action::Replay => args.all || args.ids.len() > CONFIRM_REPLAY_ABOVE,
        }
    }

    /// The question asked before acting on `matched` jobs.
    /// What the progress bar says.
    fn label(self) -> &'static str {
        match self {
            Action::Replay => "replaying",
            Action::Purge => "purging",
        }
    }

    fn question(self, matched: u64) -> String {
        let jobs = if matched == 1 { "job" } else { "jobs" };
        match self {
            Action::Replay => format!("Replay {matched} dead {jobs}?"),
            Action::Purge => format!("Purge {matched} dead {jobs} (payloads are deleted)?"),
        }
    }
}

/// The request of a replay or purge: by ids, or (`--all`) by filter.
fn action_request(args: &ActionArgs, reason: String) -> Result<DlqActionRequest, CliError> {
    if !args.all && args.filter.any() {
        return Err(CliError::Usage(
            "the filters (--queue, --tenant, --connector, --error-code, --since, --until) \
             select jobs with --all; they cannot narrow a list of ids"
                .into(),
        ));
    }
    let (ids, filter) = if args.all {
        (
            None,
            Some(args.filter.to_filter(OffsetDateTime::now_utc())?),
        )
    } else {
        (Some(args.ids.clone()), None)
    };
    Ok(DlqActionRequest {
        ids,
        filter,
        reason,
        dry_run: true,
        limit: None,
    })
}

async fn act(action: Action, args: &ActionArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let verb = action.verb();
    let reason = ctx.reason(args.reason.as_deref(), &format!("{verb} dead jobs"))?;
    let mut request = action_request(args, reason)?;
    let confirm_first = !args.dry_run && action.needs_confirmation(args);
    if confirm_first && !ctx.global.yes && !ctx.io.is_terminal {
        return Err(CliError::Usage(format!(
            "dlq {verb} of these jobs asks to confirm, but there is no terminal to ask on; \
             pass --yes to {verb} without asking, or --dry-run to count them"
        )));
    }
    let session = ctx.session().await?;
    let mut matched = None;
    if args.dry_run || (confirm_first && ctx.can_prompt()) {
        // The dry run counts the jobs: the answer itself, or the number to confirm.
        let count = match action {
            Action::Replay => {
                let preview = session.client.replay_dlq(&request).await?;
                if args.dry_run {
                    return print_replayed(ctx, &preview);
                }
                preview.matched
            }
            Action::Purge => {
                let preview = session.client.purge_dlq(&request).await?;
                if args.dry_run {
                    return print_purged(ctx, &preview);
                }
                preview.matched
            }
        };
        // Nothing matches: nothing to confirm, and the real request changes nothing.
        if count > 0 && !confirm(&action.question(count))? {
            return output::write_line(ctx.io.stderr, "Cancelled: nothing was changed.");
        }
        matched = Some(count);
    }
    request.dry_run = false;
    let size = args.chunk_size as usize;
    let mut tally = Tally::default();
    match request.ids.clone() {
        Some(ids) => {
            let progress = Progress::new(
                action.label(),
                ids.len() as u64,
                ctx.io.is_terminal && ids.len() > size,
            );
            let mut sent = 0;
            for slice in ids.chunks(size) {
                let mut chunk = request.clone();
                chunk.ids = Some(slice.to_vec());
                tally.act(action, &session.client, &chunk).await?;
                sent += slice.len() as u64;
                progress.set(ctx.io.stderr, sent);
            }
            progress.finish(ctx.io.stderr);
        }
        None => {
            // Each request takes up to a chunk of the jobs still dead, so the next finds
            // the rest; stop at the counted total (jobs dying meanwhile wait for the next
            // action) or when a request finds none.
            let total = match matched {
                Some(m) => m,
                None => {
                    let mut count = request.clone();
                    count.dry_run = true;
                    Tally::default()
                        .act(action, &session.client, &count)
                        .await?
                }
            };
            let progress = Progress::new(
                action.label(),
                total,
                ctx.io.is_terminal && total > size as u64,
            );
            let mut done = 0;
            while done < total {
                let mut chunk = request.clone();
                chunk.limit = Some(u32::try_from((total - done).min(size as u64)).unwrap_or(1));
                let acted = tally.act(action, &session.client, &chunk).await?;
                done += acted;
                progress.set(ctx.io.stderr, done);
                if acted == 0 {
                    break;
                }
            }
            progress.finish(ctx.io.stderr);
        }
    }
    match action {
        Action::Replay => print_replayed(ctx, &tally.replayed()),
        Action::Purge => print_purged(ctx, &tally.purged()),
    }
}

/// The most job ids a replay answer lists.
const MAX_LISTED_IDS: usize = 1_000;

/// The answers of a bulk action's requests, added up.
#[derive(Default)]
struct Tally {
    matched: u64,
    changed: u64,
    job_ids: Vec<Uuid>,
}

impl Tally {
    /// Sends one request; returns how many jobs it matched.
    async fn act(
        &mut self,
        action: Action,
        client: &crate::client::Client,
        request: &DlqActionRequest,
    ) -> Result<u64, CliError> {
        let (matched, changed, ids) = match action {
            Action::Replay => {
                let a = client.replay_dlq(request).await?;
                (a.matched, a.replayed, a.job_ids)
            }
            Action::Purge => {
                let a = client.purge_dlq(request).await?;
                (a.matched, a.purged, Vec::new())
            }
        };
        self.matched += matched;
        self.changed += changed;
        let room = MAX_LISTED_IDS.saturating_sub(self.job_ids.len());
        self.job_ids.extend(ids.into_iter().take(room));
        Ok(matched)
    }

    fn replayed(self) -> DlqReplayResponse {
        DlqReplayResponse {
            matched: self.matched,
            replayed: self.changed,
            job_ids: self.job_ids,
            dry_run: false,
        }
    }

    fn purged(self) -> DlqPurgeResponse {
        DlqPurgeResponse {
            matched: self.matched,
            purged: self.changed,
            dry_run: false,
        }
    }
}

fn print_replayed(
    ctx: &mut Ctx<'_, '_>,
    answer: &orch_core::api::dlq::DlqReplayResponse,
) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let line = if answer.dry_run {
                format!(
                    "Dry run: {} dead job(s) match; nothing was replayed.",
                    answer.matched
                )
            } else {
                format!(
                    "Replayed {} of {} matching dead job(s).",
                    answer.replayed, answer.matched
                )
            };
            output::write_line(ctx.io.stdout, &line)?;
            for id in &answer.job_ids {
                output::write_line(ctx.io.stdout, &format!("  {id}"))?;
            }
            Ok(())
        }
        format => output::write_data(ctx.io.stdout, format, answer),
    }
}

fn print_purged(
    ctx: &mut Ctx<'_, '_>,
    answer: &orch_core::api::dlq::DlqPurgeResponse,
) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let line = if answer.dry_run {
                format!(
                    "Dry run: {} dead job(s) match; nothing was purged.",
                    answer.matched
                )
            } else {
                format!(
                    "Purged {} of {} matching dead job(s).",
                    answer.purged, answer.matched
                )
            };
            output::write_line(ctx.io.stdout, &line)
        }
        format => output::write_data(ctx.io.stdout, format, answer),
    }
}

fn print_stats(ctx: &mut Ctx<'_, '_>, stats: &DlqStatsResponse) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let mut table = output::table(["QUEUE", "DEPTH", "OLDEST DEAD AT", "OLDEST AGE"]);
            for queue in &stats.queues {
                table.add_row(vec![
                    queue.queue.clone(),
                    queue.depth.to_string(),
                    output::or_dash(queue.oldest_dead_at.map(output::time)),
                    if queue.oldest_dead_at.is_some() {
                        age(queue.oldest_age_seconds)
                    } else {
                        "-".to_owned()
                    },
                ]);
            }
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, stats),
    }
}

/// An age in seconds, in its largest whole unit and the next: `45s`, `3m20s`, `2h5m`, `3d4h`.
fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3_600 => format!("{}m{}s", s / 60, s % 60),
        3_600..86_400 => format!("{}h{}m", s / 3_600, s % 3_600 / 60),
        _ => format!("{}d{}h", s / 86_400, s % 86_400 / 3_600),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::cli::Cli;
    use crate::commands::Command;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["orchctl", "dlq"].iter().chain(args))
    }

    fn action(args: &[&str]) -> ActionArgs {
        match parse(args).unwrap().command {
            Command::Dlq(DlqArgs {
                command: DlqCommand::Replay(a) | DlqCommand::Purge(a),
            }) => a,
            other => panic!("not a dlq action: {other:?}"),
        }
    }

    const ID: &str = "0190f1e2-0000-7000-8000-000000000001";

    #[test]
    fn actions_take_ids_or_all_with_filters() {
        let by_id = action(&["replay", ID, "--reason", "fixed"]);
        let request = action_request(&by_id, "fixed".into()).unwrap();
        assert_eq!(request.ids, Some(vec![Uuid::parse_str(ID).unwrap()]));
        assert_eq!(request.filter, None);
        assert!(request.dry_run, "the first request is always a dry run");

        let all = action(&[
            "purge", "--all", "--queue", "low", "--tenant", "acme", "--since", "1h",
        ]);
        let request = action_request(&all, "r".into()).unwrap();
        assert_eq!(request.ids, None);
        let filter = request.filter.unwrap();
        assert_eq!(filter.queue.as_deref(), Some("low"));
        assert_eq!(filter.tenant.as_deref(), Some("acme"));
        assert!(filter.since.unwrap().ends_with('Z'));
        assert_eq!(filter.until, None);

        // Ids and filters do not mix: --all selects by filter.
        let mixed = action(&["replay", ID, "--queue", "low"]);
        assert!(matches!(
            action_request(&mixed, "r".into()),
            Err(CliError::Usage(_))
        ));
        let err = parse(&["purge", ID, "--all"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
        let err = parse(&["purge", "--reason", "r"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        use clap::error::ErrorKind::{InvalidValue, ValueValidation};
        for (bad, kind) in [
            (&["purge", "nope"][..], ValueValidation),
            (&["replay", "--all", "--queue", "nope"], InvalidValue),
            (&["list", "--since", "yesterday"], ValueValidation),
        ] {
            assert_eq!(parse(bad).unwrap_err().kind(), kind, "{bad:?}");
        }
    }

    #[test]
    fn purges_and_big_replays_ask_to_confirm() {
        let one = action(&["replay", ID]);
        assert!(!Action::Replay.needs_confirmation(&one));
        assert!(Action::Purge.needs_confirmation(&one));
        let ids: Vec<String> = (1..=11)
            .map(|n| format!("0190f1e2-0000-7000-8000-{n:012}"))
            .collect();
        let mut args = vec!["replay"];
        args.extend(ids.iter().map(String::as_str).take(10));
        assert!(!Action::Replay.needs_confirmation(&action(&args)));
        args.push(&ids[10]);
        assert!(Action::Replay.needs_confirmation(&action(&args)));
        assert!(Action::Replay.needs_confirmation(&action(&["replay", "--all"])));
        assert_eq!(Action::Replay.question(12), "Replay 12 dead jobs?");
        assert_eq!(
            Action::Purge.question(1),
            "Purge 1 dead job (payloads are deleted)?"
        );
    }

    #[test]
    fn ages_are_short() {
        assert_eq!(age(0), "0s");
        assert_eq!(age(200), "3m20s");
        assert_eq!(age(7_500), "2h5m");
        assert_eq!(age(273_600), "3d4h");
    }
}
