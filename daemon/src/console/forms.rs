//! What the console's forms share: the synchronizer token every POST form carries
//! (`csrf.rs` checks what comes back), the GET filter forms and the links that keep a
//! filter ([`console_url`]), and the reason a mutation needs ([`reason`]). Pages read
//! what the filter forms send with `query::ConsoleQuery`.

use maud::{Markup, html};
use orch_core::problem::ErrorCode;
use serde::Serialize;

use crate::http::AppError;
use crate::http::extract::require_reason;

/// The form field holding the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// The hidden token field, for a hand-built form.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(token); }
}

/// A POST form to `action` carrying the token, around `fields` (inputs and the submit
/// button). `class` styles it (`"inline"` for a button in a line of text).
pub fn post_form(action: &str, token: &str, class: &str, fields: Markup) -> Markup {
    html! {
        form method="post" action=(action) class=(class) {
            (csrf_field(token))
            (fields)
        }
    }
}

/// A page's GET filter form to `path`: `fields`, then "Filter" and a "Clear" link.
pub fn filter_form(path: &str, id: &str, fields: Markup) -> Markup {
    html! {
        form.filters id=(id) method="get" action=(path) {
            (fields)
            button type="submit" { "Filter" }
            a href=(path) { "Clear" }
        }
    }
}

/// `path` with `pairs` as its query (none: the bare path).
pub fn console_url<'a>(path: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(pairs);
    let query = query.finish();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// `path` with a list query (a `…ListQuery`: absent fields left out) as its query.
pub fn list_url<Q: Serialize>(path: &str, query: &Q) -> Result<String, AppError> {
    let pairs =
        orch_core::api::list::query_pairs(query).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(console_url(
        path,
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ))
}

/// The audit rows one request wrote: what a page links to after an action.
pub fn audit_url(request_id: &str) -> String {
    console_url("/console/audit", [("request_id", request_id)])
}

/// The reason a console mutation carries (at least [`MIN_REASON_CHARS`] characters,
/// trimmed), as the API requires it.
///
/// [`MIN_REASON_CHARS`]: crate::http::extract::MIN_REASON_CHARS
pub fn reason(text: &str) -> Result<&str, AppError> {
    if text.trim().is_empty() {
        return Err(AppError::new(
            ErrorCode::ReasonRequired,
            "a reason is required",
        ));
    }
    require_reason(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_their_pairs() {
        assert_eq!(console_url("/console/dlq", []), "/console/dlq");
        assert_eq!(
            console_url("/console/dlq", [("queue", "low"), ("error_code", "a&b")]),
            "/console/dlq?queue=low&error_code=a%26b"
        );
        assert_eq!(audit_url("req 1"), "/console/audit?request_id=req+1");
    }
}
