//! Request bodies (json, form with Stripe-style brackets, none) and response envelopes.

use std::collections::BTreeMap;

use orch_core::config::model::BodyEncoding;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::ExecError;

/// The body to send and its content type; `None` for `none` or no payload.
pub fn body(
    encoding: BodyEncoding,
    payload: Option<&Value>,
) -> Result<Option<(&'static str, Vec<u8>)>, ExecError> {
    let Some(payload) = payload.filter(|p| !p.is_null()) else {
        return Ok(None);
    };
    match encoding {
        BodyEncoding::None => Ok(None),
        BodyEncoding::Json => Ok(Some((
            "application/json",
            serde_json::to_vec(payload).unwrap_or_default(),
        ))),
        BodyEncoding::Form => {
            let Value::Object(map) = payload else {
                return Err(ExecError::BadRequest {
                    field: "payload".into(),
                    message: "a form body needs a JSON object".into(),
                });
            };
            let mut pairs = Vec::new();
            for (k, v) in map {
                flatten(k.clone(), v, &mut pairs);
            }
            let text = serde_urlencoded::to_string(&pairs).map_err(|e| ExecError::BadRequest {
                field: "payload".into(),
                message: e.to_string(),
            })?;
            Ok(Some((
                "application/x-www-form-urlencoded",
                text.into_bytes(),
            )))
        }
    }
}

/// `{"metadata": {"k": "v"}, "items": [{"price": "p"}]}` → `metadata[k]=v`, `items[0][price]=p`.
fn flatten(prefix: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(format!("{prefix}[{k}]"), v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(format!("{prefix}[{i}]"), v, out);
            }
        }
        Value::Null => out.push((prefix, String::new())),
        Value::String(s) => out.push((prefix, s.clone())),
        other => out.push((prefix, other.to_string())),
    }
}

/// Response headers worth returning (first value of each; hop-by-hop ones dropped).
pub fn response_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    const HOP_BY_HOP: [&str; 6] = [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
    ];
    let mut out = BTreeMap::new();
    for (name, value) in headers {
        if HOP_BY_HOP.contains(&name.as_str()) || out.contains_key(name.as_str()) {
            continue;
        }
        if let Ok(v) = value.to_str() {
            out.insert(name.as_str().to_owned(), v.to_owned());
        }
    }
    out
}

/// JSON when the upstream says so (and it parses), else the text.
pub fn response_body(headers: &HeaderMap, bytes: &[u8]) -> Value {
    let is_json = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    if is_json && let Ok(v) = serde_json::from_slice(bytes) {
        return v;
    }
    if bytes.is_empty() {
        return Value::Null;
    }
    Value::String(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn form_bodies_use_brackets() {
        let payload = json!({"email": "a@b.c", "metadata": {"plan": "pro"}, "items": [{"price": "p1"}], "n": 3});
        let (ct, bytes) = body(BodyEncoding::Form, Some(&payload)).unwrap().unwrap();
        assert_eq!(ct, "application/x-www-form-urlencoded");
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "email=a%40b.c&metadata%5Bplan%5D=pro&items%5B0%5D%5Bprice%5D=p1&n=3"
        );
        assert!(body(BodyEncoding::Form, Some(&json!([1]))).is_err());
        assert!(body(BodyEncoding::None, Some(&payload)).unwrap().is_none());
    }
}
