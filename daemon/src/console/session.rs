//! The signed-in operator of a console request: the session cookie, and the
//! [`ConsoleOperator`] extractor every console page takes (like `Actor` for the admin API),
//! with what pages ask of it — `can(permission)` to hide what the role lacks, `authorize`
//! to enforce it on a POST (auditing a denial, as the admin guard does), and `audit` for the
//! rows the same services write, marked `via: console`.
//!
//! The cookie authenticates `/console` only: the admin API reads nothing but a bearer token
//! (`http/auth.rs`), so a browser's cookie never authorises `/v1/*`.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use maud::Markup;
use orch_core::audit::AuditDraft;
use orch_core::rbac::Permission;
use time::OffsetDateTime;

use super::error::ConsoleError;
use super::layout::{self, Nav, Viewer};
use crate::http::AppState;
use crate::http::admin::ADMIN_ROUTES;
use crate::http::context::{Principal, RequestContext};
use crate::identity::console_sessions::{ConsoleSession, SessionId};
use crate::identity::operators::OperatorRecord;

/// The session cookie. `__Host-` makes the browser refuse it unless it is `Secure`, has
/// `Path=/` and no `Domain`, so no sibling host or plain-HTTP page can plant or read one.
pub const SESSION_COOKIE: &str = "__Host-orch_session";

/// The channel console actions are audited as (`AuditDraft::via`).
pub const VIA: &str = "console";

/// `Set-Cookie` for a new session, living no longer than the session can.
pub fn session_cookie(id: &SessionId, max_age: std::time::Duration) -> HeaderValue {
    cookie(SESSION_COOKIE, id.expose(), max_age.as_secs())
}

/// `Set-Cookie` with the console's attributes: HttpOnly (no script reads it), Secure,
/// SameSite=Strict (never sent on a cross-site request), `Path=/`, no `Domain`.
pub fn cookie(name: &str, value: &str, max_age_s: u64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age_s}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` deleting cookie `name`.
pub fn expired_cookie(name: &str) -> HeaderValue {
    cookie(name, "", 0)
}

/// The value of cookie `name` in the request, if any.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// Adds a `Set-Cookie` header to a response's headers.
pub fn set_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

/// The operator signed in to this console request. Extracting it checks the session (idle
/// and absolute expiry, operator enabled, key current); without one a page redirects to
/// the sign-in page.
#[derive(Debug, Clone)]
pub struct ConsoleOperator {
    /// Who is signed in, with which key, until when.
    pub session: ConsoleSession,
    /// The request's correlation (request id, trace), for events and audit rows.
    pub ctx: RequestContext,
    id: SessionId,
}

impl ConsoleOperator {
    pub fn operator(&self) -> &OperatorRecord {
        &self.session.operator
    }

    /// Whether the operator's role holds `permission` — for showing only what it may do;
    /// the POST handler still calls [`ConsoleOperator::authorize`].
    pub fn can(&self, permission: Permission) -> bool {
        self.session.operator.role.allows(permission)
    }

    /// This session's synchronizer token, for forms (`forms::post_form`).
    pub fn csrf_token(&self) -> String {
        self.id.csrf_token()
    }

    pub(super) fn session_id(&self) -> &SessionId {
        &self.id
    }

    /// The page shell for this operator (`layout::page`).
    pub fn page(&self, nav: Nav, title: &str, content: Markup) -> Markup {
        layout::page(
            &Viewer {
                name: &self.session.operator.name,
                role: self.session.operator.role.as_str(),
                csrf_token: self.csrf_token(),
            },
            nav,
            title,
            content,
        )
    }

    /// An audit draft for `action`, attributed, correlated and marked `via: console`.
    pub fn audit(&self, action: &str, reason: &str) -> AuditDraft {
        self.ctx
            .operator_audit(&self.session.operator, action, reason)
            .via(VIA)
    }

    /// Before a mutation: the admin API's route for `action` (its name in `ADMIN_ROUTES`,
    /// e.g. `"dlq.replay"`) decides the permission, so the console needs exactly what the
    /// API needs and audits under the same action. Lacking it: the denial is audited and
    /// the answer is a 403 page.
    pub async fn authorize(
        &self,
        state: &AppState,
        action: &'static str,
    ) -> Result<Authorized<'_>, ConsoleError> {
        let Some(route) = ADMIN_ROUTES.iter().find(|r| r.action == action) else {
            return Err(crate::http::AppError::Internal(format!(
                "console action {action:?} is not an admin route"
            ))
            .into());
        };
        let authorized = Authorized {
            operator: self,
            action,
            permission: route.permission,
        };
        if self.can(route.permission) {
            return Ok(authorized);
        }
        let draft = authorized.audit("");
        state
            .audit
            .record_denial(&self.session.operator, route.permission, draft)
            .await;
        Err(ConsoleError::Forbidden(route.permission))
    }
}

/// A live stream re-checks its session at least this often (and at least twice per idle
/// timeout, so an open tail keeps its session alive while the page is shown).
pub const STREAM_RECHECK: std::time::Duration = std::time::Duration::from_secs(30);

impl ConsoleOperator {
    /// Resolves once this session is no longer valid (signed out, expired, operator
    /// disabled, key rotated), checking every [`STREAM_RECHECK`] at most: a long-lived
    /// response (the live tail) ends on it. A failed check (storage down) keeps waiting.
    pub fn session_ended(&self, state: &AppState) -> impl Future<Output = ()> + Send + 'static {
        let sessions = state.console_sessions.clone();
        let id = self.id.clone();
        let every = STREAM_RECHECK.min(sessions.limits().idle_timeout / 2);
        async move {
            loop {
                tokio::time::sleep(every).await;
                match sessions.resolve(&id, OffsetDateTime::now_utc()).await {
                    Ok(Some(_)) => {}
                    Ok(None) => return,
                    Err(err) => {
                        tracing::warn!(error = %err, "could not re-check a console session; keeping its stream");
                    }
                }
            }
        }
    }
}

/// A console action the operator may take (from [`ConsoleOperator::authorize`]).
pub struct Authorized<'a> {
    operator: &'a ConsoleOperator,
    action: &'static str,
    permission: Permission,
}

impl Authorized<'_> {
    /// The audit draft to hand the service: the admin route's action and permission,
    /// `via: console`.
    pub fn audit(&self, reason: &str) -> AuditDraft {
        self.operator
            .audit(self.action, reason)
            .permission(self.permission.as_str())
    }
}

impl FromRequestParts<AppState> for ConsoleOperator {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let sign_in = || ConsoleError::SignIn {
            next: (parts.method == axum::http::Method::GET)
                .then(|| parts.uri.path_and_query().map(|p| p.as_str().to_owned()))
                .flatten(),
        };
        let Some(id) = read_cookie(&parts.headers, SESSION_COOKIE).and_then(SessionId::parse)
        else {
            return Err(sign_in());
        };
        let Some(session) = state
            .console_sessions
            .resolve(&id, OffsetDateTime::now_utc())
            .await?
        else {
            return Err(sign_in());
        };
        let Some(ctx) = parts.extensions.get::<RequestContext>().cloned() else {
            return Err(crate::http::AppError::Internal(
                "console route without a request context".into(),
            )
            .into());
        };
        ctx.authenticated(Principal::Operator {
            id: session.operator.id,
            name: session.operator.name.clone(),
        });
        Ok(Self { session, ctx, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_have_the_host_prefix_attributes() {
        let v = cookie(SESSION_COOKIE, "abc", 60);
        let text = v.to_str().unwrap();
        for part in [
            "__Host-orch_session=abc",
            "Path=/",
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
            "Max-Age=60",
        ] {
            assert!(text.contains(part), "{text}");
        }
        assert!(!text.contains("Domain"), "{text}");
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; __Host-orch_session=xyz; b=2"),
        );
        assert_eq!(read_cookie(&h, SESSION_COOKIE), Some("xyz"));
        assert_eq!(read_cookie(&h, "orch_session"), None);
        assert_eq!(read_cookie(&h, "b"), Some("2"));
    }
}
