//! Cross-site request forgery defence for every console POST, in two independent layers:
//!
//! 1. **Origin.** `Sec-Fetch-Site` must be `same-origin` when the browser sends it (all
//!    current ones do, to HTTPS and localhost origins); otherwise `Origin` must equal
//!    `console.public_origin`. A request with neither is refused.
//! 2. **Synchronizer token.** The form's hidden `_csrf` field (`forms::csrf_field`) must be
//!    the token of the session (an HMAC keyed by the session id), compared in constant time.
//!    The sign-in form has no session yet: its token belongs to a short-lived random value in
//!    its own `__Host-` cookie, so a forged sign-in fails the same way.
//!
//! [`ConsolePost`] applies both (and the session check) before a handler runs; a refusal
//! changes nothing. No console GET changes state.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::header::ORIGIN;
use serde::de::DeserializeOwned;

use super::error::ConsoleError;
use super::forms::CSRF_FIELD;
use super::session::ConsoleOperator;
use crate::http::{AppError, AppState};

/// Layer 1: the request comes from the console's own pages.
pub fn check_origin(headers: &HeaderMap, public_origin: &str) -> Result<(), ConsoleError> {
    if let Some(site) = headers.get("sec-fetch-site") {
        return if site.as_bytes() == b"same-origin" {
            Ok(())
        } else {
            Err(ConsoleError::CrossSite("Sec-Fetch-Site is not same-origin"))
        };
    }
    match headers.get(ORIGIN) {
        Some(origin) if origin.as_bytes() == public_origin.as_bytes() => Ok(()),
        Some(_) => Err(ConsoleError::CrossSite(
            "Origin is not the console's (console.public_origin)",
        )),
        None => Err(ConsoleError::CrossSite("neither Sec-Fetch-Site nor Origin")),
    }
}

/// A urlencoded form body: its token field, and the other fields (still encoded) for
/// [`parse_fields`] once the token is checked.
pub fn split_form(body: &[u8]) -> (Option<String>, String) {
    let mut token = None;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(body) {
        if key == CSRF_FIELD {
            token.get_or_insert_with(|| value.into_owned());
        } else {
            rest.append_pair(&key, &value);
        }
    }
    (token, rest.finish())
}

/// The form's fields as `T`; 400 naming the problem.
pub fn parse_fields<T: DeserializeOwned>(fields: &str) -> Result<T, ConsoleError> {
    serde_urlencoded::from_str(fields)
        .map_err(|e| AppError::invalid_field("(form)", e.to_string()).into())
}

/// Layer 2 for a form checked against `verify`.
pub fn require_token(
    token: Option<&str>,
    verify: impl FnOnce(&str) -> bool,
) -> Result<(), ConsoleError> {
    match token {
        Some(token) if verify(token) => Ok(()),
        Some(_) => Err(ConsoleError::CrossSite("the form token is wrong")),
        None => Err(ConsoleError::CrossSite("the form has no token")),
    }
}

/// The extractor of every console POST handler: origin checked, session valid, token
/// right, then the form's other fields as `T` (a struct of `String`/`Option<String>`
/// fields; unknown fields are ignored unless `T` denies them).
pub struct ConsolePost<T> {
    pub operator: ConsoleOperator,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for ConsolePost<T> {
    type Rejection = ConsoleError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        check_origin(&parts.headers, &state.console_origin)?;
        let operator = ConsoleOperator::from_request_parts(&mut parts, state).await?;
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| AppError::invalid_field("(body)", e.body_text()))?;
        let (token, fields) = split_form(&body);
        require_token(token.as_deref(), |t| operator.session_id().verify_csrf(t))?;
        Ok(Self {
            form: parse_fields(&fields)?,
            operator,
        })
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn fetch_metadata_wins_then_origin_decides() {
        let me = "https://orch.example.com";
        assert!(check_origin(&headers(&[("sec-fetch-site", "same-origin")]), me).is_ok());
        for site in ["cross-site", "same-site", "none"] {
            let h = headers(&[
                ("sec-fetch-site", site),
                ("origin", "https://orch.example.com"),
            ]);
            assert!(check_origin(&h, me).is_err(), "{site}");
        }
        assert!(check_origin(&headers(&[("origin", "https://orch.example.com")]), me).is_ok());
        assert!(check_origin(&headers(&[("origin", "https://evil.example")]), me).is_err());
        assert!(check_origin(&headers(&[("origin", "null")]), me).is_err());
        assert!(check_origin(&headers(&[]), me).is_err());
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Reason {
        reason: String,
    }

    #[test]
    fn the_token_is_split_from_the_fields() {
        let (token, fields) = split_form(b"_csrf=abc&reason=a+b%26c");
        assert_eq!(token.as_deref(), Some("abc"));
        assert_eq!(
            parse_fields::<Reason>(&fields).unwrap(),
            Reason {
                reason: "a b&c".into()
            }
        );
        let (token, _) = split_form(b"reason=x");
        assert_eq!(token, None);
        let (_, fields) = split_form(b"_csrf=abc");
        assert!(parse_fields::<Reason>(&fields).is_err());
        assert!(require_token(None, |_| true).is_err());
        assert!(require_token(Some("t"), |_| false).is_err());
        assert!(require_token(Some("t"), |t| t == "t").is_ok());
    }
}
