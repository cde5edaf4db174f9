//! `GET /console/inbox` (the webhook inbox, filtered and paged like `GET /v1/admin/inbox`),
//! `GET /console/inbox/{id}` (one row: its fields, jobs, trace, the redacted request headers
//! and — for roles holding `payloads.read` only — the payload) and
//! `POST /console/inbox/{id}/replay`.
//!
//! Filters are GET parameters, so a filtered list is a bookmark; an empty field is no
//! filter. Everything the API decides (filter validation, the payload rule, who may replay
//! what, the audit rows) is `webhooks::inbox`'s, so a replay here writes the API's audit row,
//! marked `via: console`. A role without `payloads.read` gets a page without the payload in
//! it at all, not a hidden one.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use orch_core::api::inbox::{INBOX_STATUSES, InboxListQuery, InboxView};
use orch_core::api::list::PagedQuery;
use serde::Deserialize;
use uuid::Uuid;

use super::csrf::ConsolePost;
use super::error::ConsoleResult;
use super::forms::{audit_url, filter_form, list_url, post_form, reason};
use super::layout::Nav;
use super::query::ConsoleQuery;
use super::session::ConsoleOperator;
use super::view::{older_link, status_badge, trace_link, when};
use crate::http::admin::inbox::inbox_id;
use crate::http::extract::MIN_REASON_CHARS;
use crate::http::{AppError, AppState};
use crate::webhooks::inbox::{InboxService, ReplayBy, may_read_payloads, may_replay};

/// Payloads up to this size are also shown pretty-printed (larger ones raw only: parsing
/// and re-indenting megabytes for a page helps no one).
pub const PRETTY_MAX: usize = 256 * 1024;

/// `GET /console/inbox`: filters the service refuses are named on the page (400), the
/// filter form kept.
pub async fn list(
    State(state): State<AppState>,
    operator: ConsoleOperator,
    ConsoleQuery(params): ConsoleQuery<InboxListQuery>,
) -> ConsoleResult<Response> {
    let query = match InboxService::query(&params) {
        Ok(query) => query,
        Err(err) => {
            let message = match AppError::from(err) {
                AppError::Problem(p) => p.detail,
                other => other.to_string(),
            };
            let page = list_page(&operator, &params, Some(&message), None);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let page = state.inbox.list(&query).await.map_err(AppError::from)?;
    let older = page
        .next_cursor
        .clone()
        .map(|c| list_url("/console/inbox", &params.at(Some(c))))
        .transpose()?;
    let rows = Rows {
        items: &page.items,
        older: older.as_deref(),
    };
    Ok(list_page(&operator, &params, None, Some(rows)).into_response())
}

struct Rows<'a> {
    items: &'a [InboxView],
    older: Option<&'a str>,
}

fn list_page(
    operator: &ConsoleOperator,
    params: &InboxListQuery,
    error: Option<&str>,
    rows: Option<Rows<'_>>,
) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let status = params.status.as_deref();
    operator.page(
        Nav::Inbox,
        "Inbox",
        html! {
            h1 { "Inbox" }
            (filter_form("/console/inbox", "inbox-filters", html! {
                input name="tenant" placeholder="tenant" value=(value(&params.tenant));
                input name="provider" placeholder="provider" value=(value(&params.provider));
                select name="status" {
                    option value="" selected[status.is_none()] { "any status" }
                    @for s in INBOX_STATUSES {
                        option value=(s) selected[status == Some(s)] { (s) }
                    }
                }
                input name="type" placeholder="type: invoice.paid" value=(value(&params.event_type));
                input name="since" placeholder="since (RFC 3339)" value=(value(&params.since));
                input name="until" placeholder="until (RFC 3339)" value=(value(&params.until));
            }))
            @if let Some(error) = error {
                p.notice.error role="alert" { (error) }
            }
            @if let Some(rows) = rows {
                table #inbox .inbox {
                    thead {
                        tr {
                            th { "Received" }
                            th { "Tenant" }
                            th { "Provider" }
                            th { "Type" }
                            th { "Event id" }
                            th { "Status" }
                            th { "Row" }
                            th { "Trace" }
                        }
                    }
                    tbody {
                        @for row in rows.items {
                            tr.inbox-row data-id=(row.id) {
                                td.received { (when(row.received_at)) }
                                td.tenant { (row.tenant) }
                                td.provider { (row.provider) }
                                td.type { (row.event_type) }
                                td.event-id { code { (row.event_id) } }
                                td.status { (status_badge(&row.status)) }
                                td { a.detail href={ "/console/inbox/" (row.id) } { "details" } }
                                td { (trace_link(row.trace_id.as_deref())) }
                            }
                        }
                        @if rows.items.is_empty() {
                            tr.empty { td colspan="8" { "No matching inbox rows." } }
                        }
                    }
                }
                (older_link(rows.older))
            }
        },
    )
}

/// `?replayed=<job>&request_id=<id>`: set by the replay's redirect for the success notice.
#[derive(Debug, Default, Deserialize)]
pub struct DetailParams {
    replayed: Option<String>,
    request_id: Option<String>,
}

/// `GET /console/inbox/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    operator: ConsoleOperator,
    Path(id): Path<String>,
    ConsoleQuery(params): ConsoleQuery<DetailParams>,
) -> ConsoleResult<Markup> {
    let id = inbox_id(&id)?;
    // The API's payload rule: without `payloads.read` the payload is never read, so it
    // cannot reach the page.
    let with_payload = may_read_payloads(operator.operator().role);
    let row = state
        .inbox
        .show(id, with_payload)
        .await
        .map_err(AppError::from)?;
    let replayed = params
        .replayed
        .as_deref()
        .and_then(|j| Uuid::parse_str(j).ok());
    let notice = replayed.map(|job| Replayed {
        job,
        request_id: params.request_id.as_deref(),
    });
    Ok(detail_page(&operator, &row, with_payload, notice))
}

struct Replayed<'a> {
    job: Uuid,
    request_id: Option<&'a str>,
}

fn detail_page(
    operator: &ConsoleOperator,
    row: &InboxView,
    with_payload: bool,
    replayed: Option<Replayed<'_>>,
) -> Markup {
    let title = format!("Inbox {}", row.event_id);
    operator.page(
        Nav::Inbox,
        &title,
        html! {
            div.inbox-detail {
            p.crumbs { a href="/console/inbox" { "Inbox" } " / " code { (row.event_id) } }
            h1 { "Inbox row " code { (row.event_id) } }
            @if let Some(done) = replayed {
                p #replayed .notice.ok role="status" {
                    "Replayed: new job "
                    a.job href={ "/console/jobs/" (done.job) } { code { (done.job) } }
                    @if let Some(request_id) = done.request_id {
                        " · "
                        a.audit href=(audit_url(request_id)) { "audit rows of this request" }
                    }
                }
            }
            dl #inbox-fields .fields {
                dt { "Status" } dd.status { (status_badge(&row.status)) }
                dt { "Tenant" } dd.tenant { (row.tenant) }
                dt { "Provider" } dd.provider { (row.provider) }
                dt { "Type" } dd.type { (row.event_type) }
                dt { "Event id" } dd.event-id { code { (row.event_id) } }
                dt { "Received" } dd.received { (when(row.received_at)) }
                dt { "Processed" } dd.processed {
                    @match row.processed_at {
                        Some(at) => (when(at)),
                        None => "-",
                    }
                }
                dt { "Payload size" } dd.size { (row.payload_size) " bytes" }
                dt { "Trace" } dd.trace { (trace_link(row.trace_id.as_deref())) }
                @if let Some(note) = &row.note {
                    dt { "Note" } dd.note { (note) }
                }
                dt { "Jobs" }
                dd {
                    ul #inbox-jobs .jobs {
                        @for job in &row.job_ids {
                            li { a.job href={ "/console/jobs/" (job) } { code { (job) } } }
                        }
                        @if row.job_ids.is_empty() {
                            li.empty { "none" }
                        }
                    }
                }
            }
            section #headers {
                h2 { "Request headers" }
                @match &row.request_headers {
                    Some(headers) => {
                        table #request-headers .headers {
                            @for (name, value) in headers {
                                tr { th { code { (name) } } td { code { (value) } } }
                            }
                        }
                    }
                    None => p.dim { "Not kept for this delivery (received before orchd kept them)." }
                }
            }
            section #payload {
                h2 { "Payload" }
                @if with_payload {
                    (payload_view(row.payload.as_deref().unwrap_or_default()))
                } @else {
                    p #payload-hidden .notice {
                        "Your role may not read payloads (it lacks payloads.read)."
                    }
                }
            }
            @if may_replay(operator.operator().role, &row.provider) {
                section #replay {
                    h2 { "Replay" }
                    p.dim { "Puts the row back to received with a new webhook job. Audited with your reason." }
                    (post_form(&format!("/console/inbox/{}/replay", row.id), &operator.csrf_token(), "replay", html! {
                        label for="replay-reason" { "Reason" }
                        input #replay-reason type="text" name="reason" required minlength=(MIN_REASON_CHARS) autocomplete="off" placeholder="why replay it";
                        button #replay-submit type="submit" { "Replay" }
                    }))
                }
            }
            }
        },
    )
}

/// The payload pretty-printed (when it is small JSON) and raw, each with a copy button;
/// both escaped as text.
fn payload_view(raw: &str) -> Markup {
    let pretty = (raw.len() <= PRETTY_MAX)
        .then(|| serde_json::from_str::<serde_json::Value>(raw).ok())
        .flatten()
        .and_then(|v| serde_json::to_string_pretty(&v).ok());
    html! {
        @if let Some(pretty) = pretty {
            div.payload-head {
                h3 { "Pretty" }
                button.copy type="button" data-copy-target="payload-pretty" { "Copy" }
            }
            pre #payload-pretty .payload { (pretty) }
        }
        div.payload-head {
            h3 { "Raw, as received" }
            button.copy type="button" data-copy-target="payload-raw" { "Copy" }
        }
        pre #payload-raw .payload { (raw) }
    }
}

/// The replay form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct ReplayForm {
    #[serde(default)]
    reason: String,
}

/// `POST /console/inbox/{id}/replay`: the API's replay (same rule, same audit row,
/// `via: console`), then back to the row with the new job and the request id.
pub async fn replay(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ConsolePost { operator, form }: ConsolePost<ReplayForm>,
) -> ConsoleResult<Response> {
    let authorized = operator.authorize(&state, "inbox.replay").await?;
    let reason = reason(&form.reason)?;
    let id = inbox_id(&id)?;
    let answer = state
        .inbox
        .replay_by(
            id,
            ReplayBy {
                operator: operator.operator(),
                audit: authorized.audit(reason),
                reason,
                request_id: &operator.ctx.request_id,
                trace: &operator.ctx.trace,
            },
        )
        .await
        .map_err(AppError::from)?;
    let back = form_urlencoded::Serializer::new(String::new())
        .append_pair("replayed", &answer.job_id.to_string())
        .append_pair("request_id", &operator.ctx.request_id)
        .finish();
    Ok(Redirect::to(&format!("/console/inbox/{id}?{back}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_is_text_in_both_views() {
        let raw = r#"{"note":"</script><img src=x onerror=alert(1)>"}"#;
        let html = payload_view(raw).into_string();
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("id=\"payload-pretty\""), "{html}");
        assert!(html.contains("data-copy-target=\"payload-raw\""), "{html}");
        let not_json = payload_view("<b>").into_string();
        assert!(!not_json.contains("payload-pretty") && !not_json.contains("<b>"));
    }
}
