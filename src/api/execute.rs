//! `POST /v1/execute`: one synchronous call through a connector operation, under its policy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExecuteRequest {
    pub connector: String,
    pub operation: String,
    /// Fill the path template's placeholders (strings, numbers or booleans).
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, crate::api::execute::ParamValue>))]
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
    /// The request body, encoded as the operation says (json or form).
    #[serde(default)]
    pub payload: Option<Value>,
    /// Extra request headers (cannot replace the connector's authentication).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Shortens the policy's total deadline (never lengthens it).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// 200 whenever an upstream HTTP response was received, whatever its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExecuteResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    /// JSON when the upstream sent JSON, else the body as text.
    pub body: Value,
    pub attempts: u32,
    pub duration_ms: u64,
    pub request_id: String,
    pub trace_id: String,
}

/// A path-template value: a string, number or boolean (the OpenAPI document's view of
/// `params`' values; on the wire they stay JSON values and are checked by the server).
#[cfg(feature = "openapi")]
pub struct ParamValue;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ParamValue {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([
                Type::String,
                Type::Number,
                Type::Boolean,
            ]))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ParamValue {}
