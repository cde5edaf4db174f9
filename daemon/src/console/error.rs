//! What a console request can fail with, answered as an HTML page (never problem+json) in
//! the console's layout, with the request id to find it in the logs. Service errors arrive
//! as [`AppError`] (each converts by `From` in `http/error.rs`), so the status and the
//! caller-facing detail are the API's.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use orch_core::rbac::Permission;

use super::layout::bare;
use crate::http::AppError;
use crate::http::context;
use crate::identity::IdentityError;
use crate::store::StoreError;

pub type ConsoleResult<T> = Result<T, ConsoleError>;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No valid session: a page redirects to the sign-in page (which returns to `next`).
    #[error("sign in first")]
    SignIn { next: Option<String> },
    /// No valid session on a request a redirect cannot help (the live stream): 401.
    #[error("no valid console session")]
    Unauthenticated,
    /// A POST that did not come from the console itself (origin) or lacks its token.
    #[error("refused cross-site request: {0}")]
    CrossSite(&'static str),
    /// The operator's role lacks the permission (the denial is audited).
    #[error("role lacks permission {0}")]
    Forbidden(Permission),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for ConsoleError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

impl From<IdentityError> for ConsoleError {
    fn from(e: IdentityError) -> Self {
        Self::App(e.into())
    }
}

/// `/console/login`, returning to `next` afterwards when it is a console page.
pub fn sign_in_url(next: Option<&str>) -> String {
    match next.filter(|n| is_console_path(n)) {
        Some(next) => format!(
            "/console/login?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("next", next)
                .finish()
        ),
        None => "/console/login".to_owned(),
    }
}

/// Whether `target` is a path of this console (so a `next` cannot send the browser
/// elsewhere: no scheme, no `//host`, no backslash tricks).
pub fn is_console_path(target: &str) -> bool {
    (target == "/console" || target.starts_with("/console/"))
        && !target.contains(['\\', '\r', '\n'])
        && !target.starts_with("//")
}

fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let request_id = context::current().map(|c| c.request_id);
    let page = bare(
        title,
        html! {
            div.error-page {
                h1 { (status.as_u16()) " · " (title) }
                p.notice.error { (detail) }
                @if let Some(id) = request_id {
                    p { "Request id: " code { (id) } }
                }
                p { a href="/console/events" { "Back to the console" } }
            }
        },
    );
    (status, page).into_response()
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        match self {
            ConsoleError::SignIn { next } => {
                Redirect::to(&sign_in_url(next.as_deref())).into_response()
            }
            ConsoleError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "no valid console session; sign in again",
            )
                .into_response(),
            ConsoleError::CrossSite(why) => {
                tracing::warn!(why, "console request refused as cross-site");
                error_page(
                    StatusCode::FORBIDDEN,
                    "Refused",
                    &format!(
                        "This request did not come from the console: {why}. Reload the page and try again."
                    ),
                )
            }
            ConsoleError::Forbidden(permission) => error_page(
                StatusCode::FORBIDDEN,
                "Not allowed",
                &format!("Your role lacks the permission {permission}."),
            ),
            ConsoleError::App(err) => {
                let detail = match &err {
                    AppError::Problem(p) => p.detail.clone(),
                    _ => "Something went wrong on the server.".to_owned(),
                };
                // The API's own rendering logs internal causes once and decides the status.
                let api = err.into_response();
                let status = api.status();
                let mut page = error_page(
                    status,
                    status.canonical_reason().unwrap_or("Error"),
                    &detail,
                );
                if let Some(retry) = api.headers().get(header::RETRY_AFTER) {
                    page.headers_mut()
                        .insert(header::RETRY_AFTER, retry.clone());
                }
                page
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_inside_the_console() {
        for ok in [
            "/console",
            "/console/events?kind=job.*",
            "/console/traces/abc",
        ] {
            assert!(is_console_path(ok), "{ok}");
        }
        for bad in [
            "",
            "/",
            "//evil.example/console/",
            "https://evil.example/console/",
            "/consolex",
            "/console/\\evil",
            "/v1/admin/whoami",
        ] {
            assert!(!is_console_path(bad), "{bad}");
        }
        assert_eq!(sign_in_url(Some("https://evil")), "/console/login");
        assert_eq!(
            sign_in_url(Some("/console/events?kind=job.*")),
            "/console/login?next=%2Fconsole%2Fevents%3Fkind%3Djob.*"
        );
    }
}
