//! `GET /console/dlq` (seed 082): the dead-letter queues — each queue's depth and oldest
//! job, the dead jobs a filter selects (newest first, paged by cursor), and replay or purge
//! of the ticked jobs or of everything the filter matches.
//!
//! An action takes two POSTs. `/console/dlq/preview` runs the service's dry run (nothing
//! changes; only a refusal, for a role without the permission, is audited) and shows how many jobs match and what will happen; its
//! confirm form, with a required reason, posts to `/console/dlq/replay` or `/purge`, which
//! call the service `POST /v1/admin/dlq/*` calls with the same [`DlqOperator`], audited
//! `via: console`, then 303 back to the filtered page with the result and a link to the
//! action's audit rows (by request id).
//!
//! "Every job matching the filter" is pinned at the preview: the confirm form carries the
//! preview's time as the upper bound of the dead time (`pinned_until`, so a job dying
//! after the preview is not swept in) and the count it showed (`expected`); when the
//! confirm's dry run no longer matches that count, nothing is done and the answer is 409.
//!
//! Filters are GET parameters, so a filtered DLQ is a bookmark. The selection travels as
//! repeated `id` fields, which a struct cannot collect, so the POSTs read the raw pairs.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use orch_core::api::dlq::{DlqActionRequest, DlqFilter, DlqListQuery, DlqStatsResponse};
use orch_core::api::jobs::JobView;
use orch_core::api::list::{self, Cursor, Page};
use orch_core::config::model::QUEUES;
use orch_core::problem::ErrorCode;
use orch_core::rbac::Permission;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::csrf::ConsolePost;
use super::error::{ConsoleError, ConsoleResult};
use super::forms::{audit_url, console_url, csrf_field, filter_form, reason};
use super::layout::Nav;
use super::query::ConsoleQuery;
use super::session::{Authorized, ConsoleOperator};
use super::view::{older_link, timestamp};
use crate::http::extract::MIN_REASON_CHARS;
use crate::http::{AppError, AppState};
use crate::jobs::service::{DlqOperator, JobServiceError, MAX_SELECTED};

/// Dead jobs per page.
pub const PAGE: u32 = 100;

/// The page's GET parameters: the filter (an empty field means "any"), the cursor, and the
/// result of the action that redirected here.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    queue: Option<String>,
    tenant: Option<String>,
    connector: Option<String>,
    error_code: Option<String>,
    since: Option<String>,
    until: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
    count: Option<String>,
    request_id: Option<String>,
}

/// A form value, trimmed; blank is absent ("any").
fn given(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The names of the filter fields, as the page's forms and links carry them.
const FILTER_FIELDS: [&str; 6] = [
    "queue",
    "tenant",
    "connector",
    "error_code",
    "since",
    "until",
];

fn filter_field<'f>(filter: &'f mut DlqFilter, name: &str) -> Option<&'f mut Option<String>> {
    Some(match name {
        "queue" => &mut filter.queue,
        "tenant" => &mut filter.tenant,
        "connector" => &mut filter.connector,
        "error_code" => &mut filter.error_code,
        "since" => &mut filter.since,
        "until" => &mut filter.until,
        _ => return None,
    })
}

/// The filter's set fields, in [`FILTER_FIELDS`] order.
fn filter_pairs(filter: &DlqFilter) -> Vec<(&'static str, &str)> {
    let values = [
        &filter.queue,
        &filter.tenant,
        &filter.connector,
        &filter.error_code,
        &filter.since,
        &filter.until,
    ];
    FILTER_FIELDS
        .into_iter()
        .zip(values)
        .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
        .collect()
}

/// `/console/dlq` with `filter` and `extra` parameters.
fn dlq_url(filter: &DlqFilter, extra: &[(&str, &str)]) -> String {
    console_url(
        "/console/dlq",
        filter_pairs(filter)
            .into_iter()
            .chain(extra.iter().copied()),
    )
}

fn filter_hidden(filter: &DlqFilter) -> Markup {
    html! {
        @for (name, value) in filter_pairs(filter) {
            input type="hidden" name=(name) value=(value);
        }
    }
}

/// What a redirect after an action reports (`?done=replayed&count=2&request_id=…`).
struct Done {
    verb: &'static str,
    count: u64,
    request_id: Option<String>,
}

impl PageParams {
    fn filter(&mut self) -> DlqFilter {
        DlqFilter {
            queue: self.queue.take(),
            tenant: self.tenant.take(),
            connector: self.connector.take(),
            error_code: self.error_code.take(),
            since: self.since.take(),
            until: self.until.take(),
        }
    }

    fn done(&mut self) -> Option<Done> {
        let verb = match self.done.as_deref() {
            Some("replayed") => "Replayed",
            Some("purged") => "Purged",
            _ => return None,
        };
        Some(Done {
            verb,
            count: self.count.as_deref()?.parse().ok()?,
            request_id: self.request_id.take(),
        })
    }
}

/// `GET /console/dlq`.
pub async fn page(
    State(state): State<AppState>,
    operator: ConsoleOperator,
    ConsoleQuery(mut params): ConsoleQuery<PageParams>,
) -> ConsoleResult<Response> {
    let filter = params.filter();
    let done = params.done();
    let stats = state.jobs.dlq_stats().await.map_err(AppError::from)?;
    let query = DlqListQuery {
        cursor: params.cursor.take().map(Cursor::from),
        limit: Some(PAGE),
        ..DlqListQuery::new(filter.clone())
    };
    let view = View {
        stats: &stats,
        filter: &filter,
        done: done.as_ref(),
    };
    match state.jobs.dlq_list(&query).await {
        Ok(jobs) => Ok(dlq_page(&operator, &view, Ok(&jobs)).into_response()),
        // A filter the service refuses is named on the page, the filter form kept.
        Err(e @ (JobServiceError::Invalid { .. } | JobServiceError::UnknownQueue(_))) => {
            let page = dlq_page(&operator, &view, Err(&e.to_string()));
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

struct View<'a> {
    stats: &'a DlqStatsResponse,
    filter: &'a DlqFilter,
    done: Option<&'a Done>,
}

fn jobs_word(n: u64) -> &'static str {
    if n == 1 { "job" } else { "jobs" }
}

/// `3h 12m`: an age at a glance.
fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {}s", s / 60, s % 60),
        3600..86400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86400, s % 86400 / 3600),
    }
}

fn dlq_page(
    operator: &ConsoleOperator,
    view: &View<'_>,
    jobs: Result<&Page<JobView>, &str>,
) -> Markup {
    let filter = view.filter;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let can_replay = operator.can(Permission::DlqReplay);
    let can_purge = operator.can(Permission::DlqPurge);
    operator.page(
        Nav::Dlq,
        "Dead-letter queues",
        html! {
            h1 { "Dead-letter queues" }
            @if let Some(done) = view.done {
                p #dlq-result .notice.ok role="status" {
                    (done.verb) " " (done.count) " " (jobs_word(done.count)) "."
                    @if let Some(id) = &done.request_id {
                        " " a href=(audit_url(id)) { "Audit rows of this action" }
                    }
                }
            }
            table #dlq-stats .grid {
                thead { tr { th { "Queue" } th { "Depth" } th { "Oldest" } } }
                tbody {
                    @for q in &view.stats.queues {
                        tr data-queue=(q.queue) {
                            td.queue {
                                a href=(dlq_url(&DlqFilter { queue: Some(q.queue.clone()), ..DlqFilter::default() }, &[])) { (q.queue) }
                            }
                            td.depth { (q.depth) }
                            td.age {
                                @if q.depth > 0 { (age(q.oldest_age_seconds)) } @else { "-" }
                            }
                        }
                    }
                }
            }
            (filter_form("/console/dlq", "dlq-filters", html! {
                select name="queue" aria-label="queue" {
                    option value="" { "any queue" }
                    @for q in QUEUES {
                        option value=(q) selected[filter.queue.as_deref() == Some(q)] { (q) }
                    }
                }
                input name="tenant" placeholder="tenant" value=(value(&filter.tenant));
                input name="connector" placeholder="connector" value=(value(&filter.connector));
                input name="error_code" placeholder="error code" value=(value(&filter.error_code));
                input name="since" placeholder="dead since (RFC 3339)" value=(value(&filter.since));
                input name="until" placeholder="dead until (RFC 3339)" value=(value(&filter.until));
            }))
            @match jobs {
                Err(error) => { p.notice.error role="alert" { (error) } }
                Ok(page) => {
                    @if can_replay || can_purge {
                        form #dlq-form method="post" action="/console/dlq/preview" {
                            (csrf_field(&operator.csrf_token()))
                            (filter_hidden(filter))
                            div.dlq-actions {
                                label { input #pick-all type="checkbox"; " all on this page" }
                                span #pick-count .dim {}
                                label {
                                    input #scope-all type="checkbox" name="scope" value="all";
                                    " every job matching the filter, not just the ticked ones"
                                }
                                @if can_replay {
                                    button type="submit" name="action" value="replay" { "Replay…" }
                                }
                                @if can_purge {
                                    button.danger type="submit" name="action" value="purge" { "Purge…" }
                                }
                            }
                            (jobs_table(page, true))
                        }
                    } @else {
                        (jobs_table(page, false))
                    }
                    (older_link(page.next_cursor.as_ref().map(|next| dlq_url(filter, &[("cursor", next.as_str())])).as_deref()))
                }
            }
        },
    )
}

fn jobs_table(page: &Page<JobView>, pick: bool) -> Markup {
    html! {
        table #dlq-jobs .grid {
            thead {
                tr {
                    @if pick { th {} }
                    th { "Job" } th { "Tenant" } th { "Queue" } th { "Connector" }
                    th { "Error" } th { "Dead at (UTC)" } th { "Attempts" }
                }
            }
            tbody {
                @for job in &page.items {
                    tr.dead-job data-id=(job.id) {
                        @if pick {
                            td.pick-cell {
                                input.pick type="checkbox" name="id" value=(job.id) aria-label={ "select job " (job.id) };
                            }
                        }
                        td.job { a href={ "/console/jobs/" (job.id) } { (job.id) } }
                        td.tenant { (job.tenant) }
                        td.queue { (job.queue) }
                        td.connector {
                            (job.connector.as_deref().unwrap_or("-"))
                            @if let Some(op) = &job.operation { "." (op) }
                        }
                        td.error {
                            @if let Some(err) = &job.last_error {
                                span.code { (err.code.as_deref().unwrap_or("-")) }
                                @if let Some(msg) = &err.message { " " span.msg { (msg) } }
                            } @else { "-" }
                        }
                        td.dead-at { (timestamp(job.updated_at)) }
                        td.attempts { (job.attempts) "/" (job.max_attempts) }
                    }
                }
                @if page.items.is_empty() {
                    tr.empty { td colspan=(if pick { 8 } else { 7 }) { "No dead jobs match." } }
                }
            }
        }
    }
}

/// Replay or purge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Replay,
    Purge,
}

impl Action {
    fn parse(value: Option<&str>) -> Result<Self, ConsoleError> {
        match value {
            Some("replay") => Ok(Self::Replay),
            Some("purge") => Ok(Self::Purge),
            _ => Err(AppError::invalid_field("action", "must be replay or purge").into()),
        }
    }

    /// The admin API's action, which decides the permission and names the audit rows.
    fn admin_action(self) -> &'static str {
        match self {
            Self::Replay => "dlq.replay",
            Self::Purge => "dlq.purge",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Self::Replay => "/console/dlq/replay",
            Self::Purge => "/console/dlq/purge",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Self::Replay => "Replay",
            Self::Purge => "Purge",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Self::Replay => "replayed",
            Self::Purge => "purged",
        }
    }

    fn effect(self) -> &'static str {
        match self {
            Self::Replay => {
                "Each goes back on its queue and runs again now, with a new upstream \
                 idempotency key; its earlier runs are kept. A job that is no longer dead by \
                 then is left alone."
            }
            Self::Purge => {
                "Each leaves the DLQ for good: its payload is deleted, its row and runs are \
                 kept for the record. This cannot be undone."
            }
        }
    }

    /// Runs the service call (a dry run or for real); how many jobs matched and changed.
    async fn run(
        self,
        state: &AppState,
        by: &DlqOperator<'_>,
        request: &DlqActionRequest,
    ) -> Result<(u64, u64), AppError> {
        Ok(match self {
            Self::Replay => {
                let r = state.jobs.replay_dead(by, request).await?;
                (r.matched, r.replayed)
            }
            Self::Purge => {
                let r = state.jobs.purge_dead(by, request).await?;
                (r.matched, r.purged)
            }
        })
    }
}

/// Which dead jobs an action applies to: the ticked ids, or (`scope=all`) everything the
/// filter matches, dead no later than `pinned_until` (the preview's time). The filter
/// travels either way, for the way back to the page.
#[derive(Debug, Default)]
struct Selection {
    ids: Vec<Uuid>,
    all: bool,
    filter: DlqFilter,
    pinned_until: Option<String>,
    /// The count the preview showed, which the confirm must still find.
    expected: Option<u64>,
}

impl Selection {
    /// Pins "all matching" to what is dead by `now`: the filter's own `until` if it is
    /// earlier (or does not read: the dry run names it), else `now`.
    fn pin(&mut self, now: OffsetDateTime) {
        if !self.all {
            return;
        }
        let keep_own = match self.filter.until.as_deref() {
            None => false,
            Some(own) => match list::parse_time("until", Some(own)) {
                Ok(Some(own)) => own <= now,
                _ => true,
            },
        };
        if !keep_own {
            self.pinned_until = now.format(&Rfc3339).ok();
        }
    }

    fn request(&self, reason: &str, dry_run: bool) -> DlqActionRequest {
        let (ids, filter) = if self.all {
            let mut filter = self.filter.clone();
            if let Some(until) = &self.pinned_until {
                filter.until = Some(until.clone());
            }
            (None, Some(filter))
        } else {
            (Some(self.ids.clone()), None)
        };
        DlqActionRequest {
            ids,
            filter,
            reason: reason.to_owned(),
            dry_run,
            limit: None,
        }
    }
}

/// An action form's fields, from the raw pairs.
#[derive(Debug, Default)]
struct ActionForm {
    action: Option<String>,
    reason: Option<String>,
    selection: Selection,
}

impl ActionForm {
    fn parse(pairs: &[(String, String)]) -> Result<Self, ConsoleError> {
        let mut form = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "id" => {
                    let id = Uuid::parse_str(value.trim()).map_err(|_| {
                        AppError::invalid_field("id", format!("{value:?} is not a job id"))
                    })?;
                    // Ticked twice (a resubmitted form) is still one job.
                    if !form.selection.ids.contains(&id) {
                        form.selection.ids.push(id);
                    }
                }
                "scope" => form.selection.all = value == "all",
                "pinned_until" => form.selection.pinned_until = given(value),
                "expected" => {
                    form.selection.expected = Some(value.trim().parse().map_err(|_| {
                        AppError::invalid_field("expected", format!("{value:?} is not a count"))
                    })?);
                }
                "action" => form.action = Some(value.clone()),
                "reason" => form.reason = Some(value.clone()),
                other => {
                    if let Some(field) = filter_field(&mut form.selection.filter, other) {
                        *field = given(value);
                    }
                }
            }
        }
        Ok(form)
    }

    /// The selection, unless it selects nothing.
    fn selection(self) -> Result<Selection, ConsoleError> {
        if !self.selection.all && self.selection.ids.is_empty() {
            return Err(AppError::invalid_field(
                "id",
                "tick at least one job, or choose every job matching the filter",
            )
            .into());
        }
        Ok(self.selection)
    }
}

fn dlq_operator<'a>(
    operator: &'a ConsoleOperator,
    authorized: &Authorized<'_>,
    reason: &'a str,
) -> DlqOperator<'a> {
    DlqOperator::new(
        operator.operator(),
        reason,
        authorized.audit(reason),
        &operator.ctx.request_id,
        &operator.ctx.trace,
    )
}

/// `POST /console/dlq/preview`: the action's dry run and its confirm form.
pub async fn preview(
    State(state): State<AppState>,
    ConsolePost { operator, form }: ConsolePost<Vec<(String, String)>>,
) -> ConsoleResult<Response> {
    let form = ActionForm::parse(&form)?;
    let action = Action::parse(form.action.as_deref())?;
    let authorized = operator.authorize(&state, action.admin_action()).await?;
    let mut selection = form.selection()?;
    selection.pin(OffsetDateTime::now_utc());
    let by = dlq_operator(&operator, &authorized, "");
    let (matched, _) = action
        .run(&state, &by, &selection.request("", true))
        .await?;
    Ok(preview_page(&operator, action, &selection, matched).into_response())
}

fn describe(filter: &DlqFilter) -> String {
    let pairs = filter_pairs(filter);
    if pairs.is_empty() {
        return "in every queue (no filter)".to_owned();
    }
    let parts: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("matching {}", parts.join(", "))
}

fn preview_page(
    operator: &ConsoleOperator,
    action: Action,
    selection: &Selection,
    matched: u64,
) -> Markup {
    let back = dlq_url(&selection.filter, &[]);
    let title = format!("{} dead jobs?", action.verb());
    operator.page(
        Nav::Dlq,
        &title,
        html! {
            h1 { (title) }
            p.preview {
                strong #preview-matched { (matched) } " matched: "
                @if selection.all {
                    "every dead job " (describe(&selection.filter)) "."
                } @else {
                    "of the " (selection.ids.len()) " ticked " (jobs_word(selection.ids.len() as u64))
                    " (only those still dead count)."
                }
            }
            @if selection.all && matched >= MAX_SELECTED as u64 {
                p.notice role="alert" {
                    "One action selects at most " (MAX_SELECTED) " jobs; these are the newest. "
                    "Run it again for the rest."
                }
            }
            @if matched == 0 {
                p.notice { "Nothing to do: no selected job is dead." }
                p { a href=(back) { "Back to the DLQ" } }
            } @else {
                p { (action.effect()) }
                form #dlq-confirm method="post" action=(action.path()) {
                    (csrf_field(&operator.csrf_token()))
                    (filter_hidden(&selection.filter))
                    input type="hidden" name="expected" value=(matched);
                    @if selection.all {
                        input type="hidden" name="scope" value="all";
                        @if let Some(until) = &selection.pinned_until {
                            input type="hidden" name="pinned_until" value=(until);
                        }
                    } @else {
                        @for id in &selection.ids {
                            input type="hidden" name="id" value=(id);
                        }
                    }
                    p {
                        label for="reason" { "Reason (recorded in the audit log)" }
                        " "
                        input #reason .wide name="reason" required minlength=(MIN_REASON_CHARS) autocomplete="off";
                    }
                    p {
                        button #confirm type="submit" class=[(action == Action::Purge).then_some("danger")] {
                            (action.verb()) " " (matched) " " (jobs_word(matched))
                        }
                        " "
                        a href=(back) { "Cancel" }
                    }
                }
            }
        },
    )
}

/// `POST /console/dlq/replay`.
pub async fn replay(
    State(state): State<AppState>,
    post: ConsolePost<Vec<(String, String)>>,
) -> ConsoleResult<Response> {
    act(&state, post, Action::Replay).await
}

/// `POST /console/dlq/purge`.
pub async fn purge(
    State(state): State<AppState>,
    post: ConsolePost<Vec<(String, String)>>,
) -> ConsoleResult<Response> {
    act(&state, post, Action::Purge).await
}

/// The confirmed action: the same service call and audit as the admin API's, then back to
/// the filtered page with the result.
async fn act(
    state: &AppState,
    ConsolePost { operator, form }: ConsolePost<Vec<(String, String)>>,
    action: Action,
) -> ConsoleResult<Response> {
    let authorized = operator.authorize(state, action.admin_action()).await?;
    let mut form = ActionForm::parse(&form)?;
    let text = form.reason.take().unwrap_or_default();
    let reason = reason(&text)?;
    let selection = form.selection()?;
    let by = dlq_operator(&operator, &authorized, reason);
    if let Some(expected) = selection.expected {
        // What was previewed must still be what is acted on (see the module docs).
        let (matched, _) = action
            .run(state, &by, &selection.request(reason, true))
            .await?;
        if matched != expected {
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!(
                    "{matched} dead {} match now, not the {expected} the preview showed: \
                     nothing was done; preview again",
                    jobs_word(matched)
                ),
            )
            .into());
        }
    }
    let (_, changed) = action
        .run(state, &by, &selection.request(reason, false))
        .await?;
    let count = changed.to_string();
    let to = dlq_url(
        &selection.filter,
        &[
            ("done", action.done()),
            ("count", &count),
            ("request_id", &operator.ctx.request_id),
        ],
    );
    Ok(Redirect::to(&to).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(body: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn the_form_collects_repeated_ids_and_the_filter() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        let form = ActionForm::parse(&pairs(&format!(
            "action=replay&id={a}&id={b}&id={a}&queue=low&tenant=+&reason=why"
        )))
        .unwrap();
        assert_eq!(form.action.as_deref(), Some("replay"));
        assert_eq!(form.reason.as_deref(), Some("why"));
        let selection = form.selection().unwrap();
        assert_eq!(selection.ids, [a, b]);
        assert_eq!(selection.filter.queue.as_deref(), Some("low"));
        assert_eq!(selection.filter.tenant, None);
        let request = selection.request("r", true);
        assert_eq!(request.ids, Some(vec![a, b]));
        assert_eq!(request.filter, None);
        assert!(request.dry_run);

        let all = ActionForm::parse(&pairs("scope=all&queue=low"))
            .unwrap()
            .selection()
            .unwrap();
        let request = all.request("r", false);
        assert_eq!(request.ids, None);
        assert_eq!(request.filter.and_then(|f| f.queue).as_deref(), Some("low"));

        assert!(ActionForm::parse(&pairs("id=nope")).is_err());
        assert!(
            ActionForm::parse(&pairs("action=replay"))
                .unwrap()
                .selection()
                .is_err()
        );
    }

    #[test]
    fn urls_keep_the_filter() {
        let filter = DlqFilter {
            queue: Some("low".into()),
            error_code: Some("a&b".into()),
            ..DlqFilter::default()
        };
        assert_eq!(dlq_url(&DlqFilter::default(), &[]), "/console/dlq");
        assert_eq!(
            dlq_url(&filter, &[("done", "replayed")]),
            "/console/dlq?queue=low&error_code=a%26b&done=replayed"
        );
    }

    #[test]
    fn ages_read_at_a_glance() {
        assert_eq!(age(-3), "0s");
        assert_eq!(age(59), "59s");
        assert_eq!(age(61), "1m 1s");
        assert_eq!(age(3 * 3600 + 12 * 60), "3h 12m");
        assert_eq!(age(2 * 86400 + 3600), "2d 1h");
    }
}
