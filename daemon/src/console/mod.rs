//! The operator web console under `/console`: server-rendered HTML (maud, escaped by
//! default), one compiled-in script and stylesheet, no build step. It is a second face of
//! the admin API, not a second implementation: pages read through the same services, and
//! mutations call the same service functions with the same audit drafts, marked
//! `via: console`.
//!
//! Invariants:
//! - The session cookie authenticates `/console` only; `/v1/*` stays bearer-only.
//! - Every POST checks the origin and a synchronizer token before its handler runs
//!   (`csrf.rs`, through [`csrf::ConsolePost`]); no GET changes state.
//! - Every response carries the strict CSP, `nosniff`, `Referrer-Policy: same-origin` and
//!   (pages) `Cache-Control: no-store` (`headers.rs`). No inline script or style exists.
//! - Text reaches the page escaped (maud) or, in `console.js`, through `textContent` only.
//!
//! Adding a page: a file here with a handler taking [`session::ConsoleOperator`] (GET) or
//! [`csrf::ConsolePost`] (POST), rendering with `operator.page(Nav::…, title, content)`;
//! hide buttons with `operator.can(Permission::…)`, enforce with
//! `operator.authorize(&state, "<admin action>")` and pass `authorized.audit(reason)` to
//! the service; build forms with [`forms::post_form`] and read GET filters with
//! [`query::ConsoleQuery`] (a list's own query type where there is one); show times,
//! statuses, trace links and the pager with [`view`]. Then one `.route(…)` line in
//! [`router`]. Errors are [`error::ConsoleError`] (service errors via `AppError`).

use axum::Router;
use axum::middleware;
use axum::routing::{any, get, post};

use crate::http::{AppError, AppState};
use crate::settings::Settings;

pub mod assets;
pub mod audit;
pub mod csrf;
pub mod dlq;
pub mod error;
pub mod events;
pub mod forms;
pub mod headers;
pub mod inbox;
pub mod jobs;
pub mod layout;
pub mod login;
pub mod query;
pub mod session;
pub mod traces;
pub mod view;

/// The console's routes (none when `console.enabled` is off), each response under the
/// security headers. Mounted by `startup.rs` into `http::router`, inside its request
/// context, limits and deadline.
pub fn router(settings: &Settings) -> Router<AppState> {
    if !settings.console.enabled {
        return Router::new();
    }
    Router::new()
        .route("/console", get(login::home))
        .route("/console/", get(login::home))
        .route("/console/login", get(login::form).post(login::sign_in))
        .route("/console/logout", post(login::sign_out))
        .route("/console/dlq", get(dlq::page))
        .route("/console/dlq/preview", post(dlq::preview))
        .route("/console/dlq/replay", post(dlq::replay))
        .route("/console/dlq/purge", post(dlq::purge))
        .route("/console/events", get(events::page))
        .route("/console/events/stream", get(events::stream))
        .route("/console/inbox", get(inbox::list))
        .route("/console/inbox/{id}", get(inbox::detail))
        .route("/console/inbox/{id}/replay", post(inbox::replay))
        .route("/console/traces/{trace_id}", get(traces::page))
        .route("/console/jobs/{id}", get(jobs::page))
        .route("/console/audit", get(audit::page))
        .route("/console/assets/{file}", get(assets::serve))
        .route("/console/{*rest}", any(not_found))
        .layer(middleware::from_fn(headers::security_headers))
}

async fn not_found(uri: axum::http::Uri) -> error::ConsoleError {
    AppError::not_found(format!("no console page at {}", uri.path())).into()
}
