//! RFC 9457 problem details and the stable error codes of the API contract.
//!
//! The server renders every error as a [`Problem`]; the CLI parses it back and maps its
//! `code` to an exit code. `code` values are part of the contract: never rename one.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Media type of error responses.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// Base of the `type` URI; the code is appended.
pub const PROBLEM_TYPE_BASE: &str = "https://orch.dev/errors/";

macro_rules! error_codes {
    ($($variant:ident => ($code:literal, $status:literal, $title:literal),)+) => {
        /// Every stable error code, with its HTTP status and title.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The stable `code` string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }

            /// The HTTP status this code is answered with.
            pub fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)+
                }
            }

            /// A short, fixed, human-readable summary.
            pub fn title(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $title,)+
                }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(ErrorCode::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    // Generic request problems.
    InvalidJson => ("invalid_json", 400, "Malformed JSON"),
    ValidationFailed => ("validation_failed", 400, "Validation failed"),
    ReasonRequired => ("reason_required", 400, "A reason is required"),
    InvalidIdempotencyKey => ("invalid_idempotency_key", 400, "Invalid Idempotency-Key"),
    UnknownQueue => ("unknown_queue", 400, "Unknown queue"),
    InvalidConfig => ("invalid_config", 400, "Invalid config document"),
    InvalidSignature => ("invalid_signature", 400, "Invalid webhook signature"),
    TimestampOutOfTolerance => ("timestamp_out_of_tolerance", 400, "Webhook timestamp out of tolerance"),
    InvalidPayload => ("invalid_payload", 400, "Invalid webhook payload"),
    Unauthenticated => ("unauthenticated", 401, "Authentication required"),
    InvalidAudience => ("invalid_audience", 401, "Token audience not accepted"),
    InsufficientScope => ("insufficient_scope", 403, "Insufficient scope"),
    Forbidden => ("forbidden", 403, "Forbidden"),
    NotFound => ("not_found", 404, "Not found"),
    UnknownConnector => ("unknown_connector", 404, "Unknown connector"),
    UnknownOperation => ("unknown_operation", 404, "Unknown operation"),
    UnknownTenant => ("unknown_tenant", 404, "Unknown tenant"),
    MethodNotAllowed => ("method_not_allowed", 405, "Method not allowed"),
    IdempotencyKeyInUse => ("idempotency_key_in_use", 409, "Idempotency key in use"),
    Conflict => ("conflict", 409, "Conflict"),
    PayloadTooLarge => ("payload_too_large", 413, "Payload too large"),
    UnsupportedMediaType => ("unsupported_media_type", 415, "Unsupported media type"),
    IdempotencyKeyReused => ("idempotency_key_reused", 422, "Idempotency key reused with another request"),
    SecretUnavailable => ("secret_unavailable", 424, "Secret unavailable"),
    RateLimited => ("rate_limited", 429, "Rate limited"),
    ConcurrencyLimited => ("concurrency_limited", 429, "Concurrency limit reached"),
    QuotaExceeded => ("quota_exceeded", 429, "Tenant quota exceeded"),
    Internal => ("internal", 500, "Internal error"),
    UpstreamUnreachable => ("upstream_unreachable", 502, "Upstream unreachable"),
    UpstreamResponseTooLarge => ("upstream_response_too_large", 502, "Upstream response too large"),
    CircuitOpen => ("circuit_open", 503, "Circuit open"),
    StorageUnavailable => ("storage_unavailable", 503, "Storage unavailable"),
    RequestTimeout => ("request_timeout", 503, "Request timed out"),
    UpstreamTimeout => ("upstream_timeout", 504, "Upstream timeout"),
}

impl ErrorCode {
    /// The problem `type` URI for this code.
    pub fn type_uri(self) -> String {
        format!("{PROBLEM_TYPE_BASE}{}", self.as_str())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An RFC 9457 problem document with orch's extension members.
///
/// `code` is kept as a string so a client can carry codes added by a newer server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Code-specific members (`errors`, `required_permission`, `timeout`, …).
    #[serde(flatten)]
    pub extensions: Map<String, Value>,
}

impl Problem {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            type_uri: code.type_uri(),
            title: code.title().to_owned(),
            status: code.status(),
            detail: Some(detail.into()),
            code: code.as_str().to_owned(),
            request_id: None,
            trace_id: None,
            extensions: Map::new(),
        }
    }

    /// Adds a code-specific member. Reserved member names are not overwritten.
    pub fn with_extension(mut self, key: &str, value: impl Into<Value>) -> Self {
        const RESERVED: [&str; 7] = [
            "type",
            "title",
            "status",
            "detail",
            "code",
            "request_id",
            "trace_id",
        ];
        if !RESERVED.contains(&key) {
            self.extensions.insert(key.to_owned(), value.into());
        }
        self
    }

    /// The known code, if this server's code is one this build knows.
    pub fn error_code(&self) -> Option<ErrorCode> {
        ErrorCode::from_code(&self.code)
    }
}

/// One field-level problem of a `validation_failed` error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The problem document and its code enum in OpenAPI (`orchd`'s `/openapi.json`). Written by
/// hand: `code` is a `String` here (so a client can carry newer codes), but the server only
/// ever sends [`ErrorCode::ALL`], and the extensions are an open map.
#[cfg(feature = "openapi")]
mod openapi {
    use std::borrow::Cow;

    use utoipa::openapi::schema::{
        AllOfBuilder, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
    };
    use utoipa::openapi::{Ref, RefOr};
    use utoipa::{PartialSchema, ToSchema};

    use super::{ErrorCode, FieldError, Problem};
    use crate::config::ConfigIssue;

    impl PartialSchema for ErrorCode {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(
                    "The stable error code; `type` is `https://orch.dev/errors/<code>`.",
                ))
                .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
                .into()
        }
    }

    impl ToSchema for ErrorCode {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("ErrorCode")
        }
    }

    fn text(description: &str) -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
    }

    impl PartialSchema for Problem {
        fn schema() -> RefOr<Schema> {
            let errors = ArrayBuilder::new()
                .items(
                    // `validation_failed` lists fields, `invalid_config` document places.
                    OneOfBuilder::new()
                        .item(Ref::from_schema_name(FieldError::name()))
                        .item(Ref::from_schema_name(ConfigIssue::name())),
                )
                .description(Some(
                    "`validation_failed`: the fields; `invalid_config`: the document's issues.",
                ));
            ObjectBuilder::new()
                .description(Some(
                    "RFC 9457 problem details with orch's members; code-specific members may follow.",
                ))
                .property(
                    "type",
                    text("`https://orch.dev/errors/<code>`")
                        .format(Some(SchemaFormat::Custom("uri".into()))),
                )
                .required("type")
                .property("title", text("A fixed summary of the code."))
                .required("title")
                .property(
                    "status",
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(400))
                        .maximum(Some(599)),
                )
                .required("status")
                .property("detail", text("What went wrong, for people."))
                .property(
                    "code",
                    AllOfBuilder::new().item(Ref::from_schema_name(ErrorCode::name())),
                )
                .required("code")
                .property("request_id", text("The request's `X-Request-Id`."))
                .property("trace_id", text("The request's W3C trace id."))
                .property("errors", errors)
                .property(
                    "required_permission",
                    text("`forbidden` from the operator API: the permission the role lacks."),
                )
                .property(
                    "timeout",
                    text("`upstream_timeout`: which deadline passed.")
                        .enum_values(Some(["connect", "read", "total"])),
                )
                .property(
                    "retry_after_s",
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0))
                        .description(Some("With `Retry-After`: seconds to wait.")),
                )
                .property(
                    "error",
                    text("`POST /v1/auth/token`: the OAuth 2.0 error (RFC 6749 §5.2)."),
                )
                .into()
        }
    }

    impl ToSchema for Problem {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("Problem")
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.push((ErrorCode::name().into_owned(), ErrorCode::schema()));
            schemas.push((FieldError::name().into_owned(), FieldError::schema()));
            schemas.push((ConfigIssue::name().into_owned(), ConfigIssue::schema()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(*code));
            assert!((400..600).contains(&code.status()));
        }
    }

    #[test]
    fn contract_statuses() {
        assert_eq!(ErrorCode::NotFound.status(), 404);
        assert_eq!(ErrorCode::PayloadTooLarge.status(), 413);
        assert_eq!(ErrorCode::CircuitOpen.status(), 503);
        assert_eq!(ErrorCode::IdempotencyKeyReused.status(), 422);
        assert_eq!(ErrorCode::SecretUnavailable.status(), 424);
        assert_eq!(ErrorCode::QuotaExceeded.status(), 429);
        assert_eq!(ErrorCode::QuotaExceeded.as_str(), "quota_exceeded");
    }

    #[test]
    fn problem_serializes_flat_with_extensions() {
        let p = Problem::new(ErrorCode::Forbidden, "nope")
            .with_extension("required_permission", "dlq.purge")
            .with_extension("code", "hijack");
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["type"], "https://orch.dev/errors/forbidden");
        assert_eq!(v["code"], "forbidden");
        assert_eq!(v["status"], 403);
        assert_eq!(v["required_permission"], "dlq.purge");
        let back: Problem = serde_json::from_value(v).unwrap();
        assert_eq!(back, p);
    }
}
