//! `GET /console/audit`: the operator audit log, newest first, read as
//! `GET /v1/admin/audit` reads it (`AuditService::page`, the same query type). Filters
//! (operator, action, tenant, `request_id`, since/until) are GET parameters, so a filtered
//! list is a link: pages that act link to `/console/audit?request_id=<their request's id>`
//! ([`super::forms::audit_url`]) to show the rows that action wrote. "Older" carries the
//! cursor with the filters.

use axum::extract::State;
use maud::{Markup, html};
use orch_core::api::audit::AuditListQuery;
use orch_core::api::list::{Page, PagedQuery};
use orch_core::audit::AuditRecord;

use super::error::ConsoleResult;
use super::forms::{audit_url, filter_form, list_url};
use super::layout::Nav;
use super::query::ConsoleQuery;
use super::session::ConsoleOperator;
use super::view::{older_link, when};
use crate::http::{AppError, AppState};

/// `GET /console/audit`: a cursor or time that is not one is a 400 page.
pub async fn page(
    State(state): State<AppState>,
    operator: ConsoleOperator,
    ConsoleQuery(query): ConsoleQuery<AuditListQuery>,
) -> ConsoleResult<Markup> {
    let page = state.audit.page(&query).await.map_err(AppError::from)?;
    let older = page
        .next_cursor
        .clone()
        .map(|c| list_url("/console/audit", &query.at(Some(c))))
        .transpose()?;
    Ok(operator.page(
        Nav::Audit,
        "Audit",
        audit_page(&query, &page, older.as_deref()),
    ))
}

fn audit_page(query: &AuditListQuery, page: &Page<AuditRecord>, older: Option<&str>) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        h1 { "Audit" }
        (filter_form("/console/audit", "audit-filters", html! {
            input name="operator" placeholder="operator" value=(value(&query.operator));
            input name="action" placeholder="action: dlq.replay" value=(value(&query.action));
            input name="tenant" placeholder="tenant" value=(value(&query.tenant));
            input.wide name="request_id" placeholder="request id" value=(value(&query.request_id));
            input name="since" placeholder="since (RFC 3339)" value=(value(&query.since));
            input name="until" placeholder="until (RFC 3339)" value=(value(&query.until));
        }))
        @if page.items.is_empty() {
            p.empty { "No matching audit rows." }
        } @else {
            table #audit .audit {
                thead {
                    tr {
                        th { "Time" } th { "Operator" } th { "Action" } th { "Target" }
                        th { "Tenant" } th { "Result" } th { "Reason" } th { "Via" }
                        th { "Request" }
                    }
                }
                tbody {
                    @for row in &page.items { (audit_row(row)) }
                }
            }
        }
        (older_link(older))
    }
}

fn audit_row(row: &AuditRecord) -> Markup {
    let target = match (&row.target_type, &row.target_id) {
        (Some(kind), Some(id)) => format!("{kind} {id}"),
        (Some(text), None) | (None, Some(text)) => text.clone(),
        (None, None) => "-".to_owned(),
    };
    let result = row.result.as_str();
    html! {
        tr data-seq=(row.seq) class={ "audit-row result-" (result) } {
            td.ts { (when(row.ts)) }
            td.operator { (row.operator_name) " " span.role { (row.operator_role) } }
            td.action { (row.action) }
            td.target { (target) }
            td.tenant { (row.tenant_id.as_deref().unwrap_or("-")) }
            td.result { (result) }
            td.reason { (row.reason) }
            td.via { (row.via_channel()) }
            td.request {
                @if let Some(id) = &row.request_id {
                    a href=(audit_url(id)) { code { (id) } }
                }
            }
        }
    }
}
