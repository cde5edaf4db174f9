//! `GET /console/audit`: the operator audit log, newest first, read like
//! `GET /v1/admin/audit` (`state.audit.list`). Filters (operator, action, tenant and
//! `request_id`) are GET parameters, so a filtered list is a link: pages that act link to
//! `/console/audit?request_id=<their request's id>` to show the rows that action wrote.
//! Paging is by cursor (the oldest shown row's `seq`): "Older" carries `cursor=`.

use axum::extract::{Query, State};
use maud::{Markup, html};
use orch_core::api::list::{Cursor, DEFAULT_LIMIT, Page};
use orch_core::audit::{AuditRecord, VIA_KEY};
use serde::Deserialize;

use super::error::ConsoleResult;
use super::jobs::when;
use super::layout::Nav;
use super::session::ConsoleOperator;
use crate::http::{AppError, AppState};
use crate::identity::audit::AuditQuery;

/// The filters and cursor as the form and links send them: an empty field means "any".
#[derive(Debug, Default, Deserialize)]
pub struct AuditParams {
    operator: Option<String>,
    action: Option<String>,
    tenant: Option<String>,
    request_id: Option<String>,
    cursor: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The filters in force (trimmed, empty ones dropped), without the cursor.
#[derive(Debug, Default)]
struct Filters {
    operator: Option<String>,
    action: Option<String>,
    tenant: Option<String>,
    request_id: Option<String>,
}

impl Filters {
    fn of(params: &AuditParams) -> Self {
        Self {
            operator: given(&params.operator),
            action: given(&params.action),
            tenant: given(&params.tenant),
            request_id: given(&params.request_id),
        }
    }

    /// `/console/audit` with these filters and, if given, `cursor`.
    fn url(&self, cursor: Option<&Cursor>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("operator", &self.operator),
            ("action", &self.action),
            ("tenant", &self.tenant),
            ("request_id", &self.request_id),
        ] {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", cursor.as_str());
        }
        let query = query.finish();
        if query.is_empty() {
            "/console/audit".to_owned()
        } else {
            format!("/console/audit?{query}")
        }
    }
}

/// `GET /console/audit`: a cursor that is not one is a 400 page.
pub async fn page(
    State(state): State<AppState>,
    operator: ConsoleOperator,
    Query(params): Query<AuditParams>,
) -> ConsoleResult<Markup> {
    let filters = Filters::of(&params);
    let before_seq = given(&params.cursor)
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| AppError::invalid_field("cursor", "not a cursor of the audit list"))
        })
        .transpose()?;
    let limit = DEFAULT_LIMIT;
    let rows = state
        .audit
        .list(&AuditQuery {
            operator: filters.operator.clone(),
            action: filters.action.clone(),
            tenant: filters.tenant.clone(),
            request_id: filters.request_id.clone(),
            before_seq,
            limit,
            ..AuditQuery::default()
        })
        .await?;
    let page = Page::from_rows(rows, limit, |r| Cursor::of(r.seq));
    Ok(operator.page(Nav::Audit, "Audit", audit_page(&filters, &page)))
}

fn audit_page(filters: &Filters, page: &Page<AuditRecord>) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        h1 { "Audit" }
        form.filters method="get" action="/console/audit" {
            input name="operator" placeholder="operator" value=(value(&filters.operator));
            input name="action" placeholder="action: dlq.replay" value=(value(&filters.action));
            input name="tenant" placeholder="tenant" value=(value(&filters.tenant));
            input.wide name="request_id" placeholder="request id" value=(value(&filters.request_id));
            button type="submit" { "Filter" }
            a href="/console/audit" { "Clear" }
        }
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
        @if let Some(cursor) = &page.next_cursor {
            p.paging { a.older href=(filters.url(Some(cursor))) { "Older" } }
        }
    }
}

fn audit_row(row: &AuditRecord) -> Markup {
    let via = row
        .diff_json
        .as_ref()
        .and_then(|d| d.get(VIA_KEY))
        .and_then(|v| v.as_str())
        .unwrap_or("api");
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
            td.via { (via) }
            td.request {
                @if let Some(id) = &row.request_id {
                    a href=(Filters { request_id: Some(id.clone()), ..Filters::default() }.url(None)) {
                        code { (id) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_encode_them() {
        let filters = Filters::of(&AuditParams {
            operator: Some(" alice ".into()),
            action: Some(String::new()),
            request_id: Some("a&b".into()),
            ..AuditParams::default()
        });
        assert_eq!(
            filters.url(Some(&Cursor::of(41))),
            "/console/audit?operator=alice&request_id=a%26b&cursor=41"
        );
        assert_eq!(Filters::default().url(None), "/console/audit");
    }
}
