//! Signing in and out: `GET/POST /console/login` (an operator API key → a session cookie),
//! `POST /console/logout`, and `GET /console` (to the events page). Sign-ins go through the
//! same key check and per-address failure budget as `POST /v1/auth/operator/token`; each
//! attempt that is not throttled is audited as `console.login` (key id only, never the key),
//! sign-out as `console.logout`.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use orch_core::audit::{AuditDraft, AuditResult};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::csrf::{ConsolePost, check_origin, parse_fields, require_token, split_form};
use super::error::{ConsoleError, ConsoleResult, is_console_path};
use super::forms::csrf_field;
use super::layout::bare;
use super::session::{
    SESSION_COOKIE, VIA, cookie, expired_cookie, read_cookie, session_cookie, set_cookie,
};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::routes::auth::PeerIp;
use crate::identity::console_sessions::{SessionId, SignInError};

/// Holds the random value the sign-in form's token is made from (no session exists yet).
pub const LOGIN_COOKIE: &str = "__Host-orch_login";
/// How long a sign-in form stays usable.
const LOGIN_FORM_TTL_S: u64 = 1800;
/// Where a sign-in without a (valid) `next` lands.
const HOME: &str = "/console/events";

/// `GET /console`.
pub async fn home() -> Redirect {
    Redirect::to(HOME)
}

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

fn landing(next: Option<&str>) -> &str {
    next.filter(|n| is_console_path(n)).unwrap_or(HOME)
}

/// `GET /console/login`: the form (or, with a valid session, straight on).
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<NextParam>,
) -> ConsoleResult<Response> {
    if let Some(id) = read_cookie(&headers, SESSION_COOKIE).and_then(SessionId::parse)
        && state
            .console_sessions
            .resolve(&id, OffsetDateTime::now_utc())
            .await?
            .is_some()
    {
        return Ok(Redirect::to(landing(params.next.as_deref())).into_response());
    }
    let seed = SessionId::generate()?;
    let mut response = login_page(&seed, params.next.as_deref(), None).into_response();
    set_cookie(
        response.headers_mut(),
        cookie(LOGIN_COOKIE, seed.expose(), LOGIN_FORM_TTL_S),
    );
    Ok(response)
}

fn login_page(seed: &SessionId, next: Option<&str>, error: Option<&str>) -> Markup {
    bare(
        "Sign in",
        html! {
            div.login {
                h1 { "Sign in to orch" }
                @if let Some(error) = error {
                    p.notice.error role="alert" { (error) }
                }
                form method="post" action="/console/login" {
                    (csrf_field(&seed.csrf_token()))
                    @if let Some(next) = next.filter(|n| is_console_path(n)) {
                        input type="hidden" name="next" value=(next);
                    }
                    label for="api_key" { "Operator API key" }
                    input #api_key type="password" name="api_key" autocomplete="off"
                        spellcheck="false" required autofocus placeholder="orch_op_…";
                    button type="submit" { "Sign in" }
                }
                p.hint { "Use the key from " code { "orchctl operators create" } " or the bootstrap admin's key file in the data directory." }
            }
        },
    )
}

#[derive(Deserialize)]
struct SignInForm {
    api_key: String,
    next: Option<String>,
}

/// `POST /console/login`.
pub async fn sign_in(
    State(state): State<AppState>,
    PeerIp(ip): PeerIp,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    body: Bytes,
) -> ConsoleResult<Response> {
    check_origin(&headers, &state.console_origin)?;
    let seed = read_cookie(&headers, LOGIN_COOKIE).and_then(SessionId::parse);
    let (token, fields) = split_form(&body);
    require_token(token.as_deref(), |t| {
        seed.as_ref().is_some_and(|seed| seed.verify_csrf(t))
    })?;
    let Some(seed) = seed else {
        return Err(ConsoleError::CrossSite("the form has no token"));
    };
    let form: SignInForm = parse_fields(&fields)?;
    let correlation = (
        Some(ctx.request_id.clone()),
        Some(ctx.trace.trace_id.to_hex()),
    );
    let signed_in = state
        .console_sessions
        .sign_in(form.api_key.trim(), ip, |operator, key| {
            AuditDraft::new(&operator.name, operator.role.as_str(), "console.login", "")
                .operator(operator.id)
                .target("operator_api_key", key.id)
                .correlation(correlation.0.clone(), correlation.1.clone())
                .via(VIA)
        })
        .await;
    match signed_in {
        Ok((id, session)) => {
            tracing::info!(operator = %session.operator.name, key_id = %session.key_id, "console sign-in");
            let mut response = Redirect::to(landing(form.next.as_deref())).into_response();
            let max_age = state.console_sessions.limits().max_age;
            set_cookie(response.headers_mut(), session_cookie(&id, max_age));
            set_cookie(response.headers_mut(), expired_cookie(LOGIN_COOKIE));
            Ok(response)
        }
        Err(SignInError::Refused { key_id }) => {
            tracing::warn!(
                key_id = key_id.as_deref().unwrap_or("-"),
                "console sign-in refused"
            );
            // The key's public id part when it had one; the key itself never.
            let refused = AuditDraft::new("anonymous", "none", "console.login", "")
                .result(AuditResult::Denied)
                .diff(Value::Null, json!({ "key_lookup_id": key_id }))
                .correlation(correlation.0, correlation.1)
                .via(VIA);
            if let Err(err) = state.audit.append(refused).await {
                tracing::error!(error = %err, "could not record a refused console sign-in");
            }
            let page = login_page(
                &seed,
                form.next.as_deref(),
                Some("That key is unknown, revoked, or its operator is disabled."),
            );
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(SignInError::Throttled(t)) => {
            tracing::warn!(
                retry_after_s = t.retry_after.as_secs(),
                "console sign-in throttled"
            );
            Err(ConsoleError::App(t.into()))
        }
        Err(SignInError::Identity(e)) => Err(e.into()),
    }
}

/// No fields besides the token.
#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /console/logout`: revokes the session (audited), clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    ConsolePost { operator, .. }: ConsolePost<NoFields>,
) -> ConsoleResult<Response> {
    state
        .console_sessions
        .sign_out(&operator.session, operator.audit("console.logout", ""))
        .await?;
    tracing::info!(operator = %operator.operator().name, "console sign-out");
    let mut response = Redirect::to("/console/login").into_response();
    set_cookie(response.headers_mut(), expired_cookie(SESSION_COOKIE));
    Ok(response)
}
