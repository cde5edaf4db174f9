//! Flags several commands share, as clap `Args` to `#[command(flatten)]`, their value
//! parsers, and paging through a list. A command that lists something other than "rows"
//! words the shared flags' help itself with [`help_of`] (see `events`).
//!
//! Nothing here imports a command module: commands share code through this module (and
//! `output`, `client`, `views`), never through each other.

use std::time::Duration;

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use clap::{Arg, Args};
use orch_core::api::list::{Cursor, MAX_LIMIT, Page, PagedQuery};
use orch_core::rbac::Scope;
use orch_core::tenant::TenantSlug;
use orch_core::units::HumanDuration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::client::ClientError;
use crate::error::CliError;

// Plain comments, not doc comments, on these structs: a flattened struct's doc comment
// would become the `about` of the command it is flattened into.

// `--limit`, `--cursor`, `--all`: one page of a list, or every page from one on.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// Rows per page (1–500; the server's default is 50)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_LIMIT)))]
    pub limit: Option<u32>,
    /// Start at this page (the `next_cursor` of an earlier page)
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<Cursor>,
    /// Follow `next_cursor` through every page
    #[arg(long)]
    pub all: bool,
}

impl PageArgs {
    /// The page of `query` at `--cursor` and, with `--all`, every page after it (see
    /// [`collect_pages`]).
    pub async fn collect<Q: PagedQuery, T>(
        &self,
        progress: Option<&mut dyn std::io::Write>,
        query: &Q,
        mut fetch: impl AsyncFnMut(Q) -> Result<Page<T>, ClientError>,
    ) -> Result<Page<T>, CliError> {
        collect_pages(self.all, self.cursor.clone(), progress, async |cursor| {
            fetch(query.at(cursor)).await
        })
        .await
    }
}

// `--tenant TENANT`, optional: only what belongs to one tenant.
#[derive(Debug, Args)]
pub struct TenantArg {
    /// Only rows of this tenant
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: Option<TenantSlug>,
}

impl TenantArg {
    /// The slug as the API's queries carry it.
    pub fn query(&self) -> Option<String> {
        self.tenant.as_ref().map(|t| t.as_str().to_owned())
    }
}

// `--since TIME`, `--until TIME`: a time window, each end a time or a duration ago.
#[derive(Debug, Args)]
pub struct TimeRangeArgs {
    /// Only rows at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d
    #[arg(long, value_name = "TIME", value_parser = parse_time_arg)]
    pub since: Option<TimeArg>,
    /// Only rows before this time: RFC 3339, or a duration ago such as 10m, 24h, 7d
    #[arg(long, value_name = "TIME", value_parser = parse_time_arg)]
    pub until: Option<TimeArg>,
}

impl TimeRangeArgs {
    /// Whether either end is given.
    pub fn any(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }

    /// Both ends as RFC 3339, durations resolved against the same `now`.
    pub fn to_rfc3339(
        &self,
        now: OffsetDateTime,
    ) -> Result<(Option<String>, Option<String>), CliError> {
        Ok((
            self.since.map(|t| t.to_rfc3339(now)).transpose()?,
            self.until.map(|t| t.to_rfc3339(now)).transpose()?,
        ))
    }
}

/// A point in time given on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeArg {
    At(OffsetDateTime),
    Ago(Duration),
}

impl TimeArg {
    /// RFC 3339, resolving a duration ago against `now`.
    pub fn to_rfc3339(self, now: OffsetDateTime) -> Result<String, CliError> {
        let at = match self {
            TimeArg::At(at) => at,
            TimeArg::Ago(ago) => now - ago,
        };
        at.format(&Rfc3339)
            .map_err(|e| CliError::Usage(format!("cannot use that time: {e}")))
    }
}

/// For `#[command(mut_args(help_of(&[(id, help), …])))]`: the command's own help for shared
/// flags, changed in place — `mut_arg` would move each flag to the end of the command,
/// which reorders the generated completions.
pub fn help_of(texts: &'static [(&'static str, &'static str)]) -> impl FnMut(Arg) -> Arg {
    move |arg| match texts.iter().find(|(id, _)| arg.get_id().as_str() == *id) {
        Some((_, help)) => arg.help(*help),
        None => arg,
    }
}

/// An RFC 3339 time, or a duration ago (`10m`, `24h`, `7d`).
pub fn parse_time_arg(text: &str) -> Result<TimeArg, String> {
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(TimeArg::At(at));
    }
    HumanDuration::parse(text)
        .map(|d| TimeArg::Ago(d.as_duration()))
        .map_err(|_| {
            "expected an RFC 3339 time (2026-01-31T12:00:00Z) or a duration ago (10m, 24h, 7d)"
                .to_owned()
        })
}

/// A tenant slug, checked before anything is sent.
pub fn parse_tenant(text: &str) -> Result<TenantSlug, String> {
    TenantSlug::parse(text).map_err(|e| e.to_string())
}

/// The tenant scopes, listed for `--help` and completion; anything else is a usage error.
pub fn scope_parser() -> impl clap::builder::TypedValueParser<Value = Scope> {
    PossibleValuesParser::new(Scope::ALL.map(Scope::as_str))
        .try_map(|name| Scope::parse(&name).ok_or_else(|| format!("unknown scope {name:?}")))
}

/// Fetches the page at `first` and, when `all`, every page after it, following
/// `next_cursor`; the result keeps the last page's `next_cursor`. With `progress` (a
/// terminal) and `all`, counts the rows fetched so far on it.
pub async fn collect_pages<T>(
    all: bool,
    first: Option<Cursor>,
    progress: Option<&mut dyn std::io::Write>,
    mut fetch: impl AsyncFnMut(Option<Cursor>) -> Result<Page<T>, ClientError>,
) -> Result<Page<T>, CliError> {
    let mut rows = Page {
        items: Vec::new(),
        next_cursor: None,
    };
    let mut cursor = first;
    // Paging through everything can take a while: count the rows on a terminal.
    let mut counter = crate::progress::Counter::new(progress.filter(|_| all), "rows fetched:");
    loop {
        let page = fetch(cursor.clone()).await?;
        rows.items.extend(page.items);
        counter.set(rows.items.len());
        rows.next_cursor = page.next_cursor;
        match &rows.next_cursor {
            // A server that hands back the cursor it was given would loop forever.
            Some(next) if all && cursor.as_ref().map(Cursor::as_str) != Some(next.as_str()) => {
                cursor = Some(next.clone());
            }
            _ => break,
        }
    }
    counter.finish();
    Ok(rows)
}
