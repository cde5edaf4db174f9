//! Operation path templates: `/v1/customers/{id}`. Placeholders are filled from `params`,
//! each value percent-encoded as one path segment.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Param(String),
}

/// Parses a template; errors say what is wrong with it.
pub fn parse(template: &str) -> Result<Vec<Segment>, String> {
    if !template.starts_with('/') {
        return Err("must start with '/'".to_owned());
    }
    if template.contains(['?', '#'])
        || template
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err("must be a plain path (no query, fragment, spaces)".to_owned());
    }
    let mut segments = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                segments.push(Segment::Literal(rest.to_owned()));
                break;
            }
            Some(i) if rest.as_bytes()[i] == b'}' => {
                return Err("'}' without a matching '{'".to_owned());
            }
            Some(i) => {
                if i > 0 {
                    segments.push(Segment::Literal(rest[..i].to_owned()));
                }
                let after = &rest[i + 1..];
                let end = after.find('}').ok_or_else(|| "unclosed '{'".to_owned())?;
                let name = &after[..end];
                let valid = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    return Err(format!(
                        "placeholder {{{name}}} must be a name of letters, digits and '_'"
                    ));
                }
                if segments
                    .iter()
                    .any(|s| matches!(s, Segment::Param(p) if p == name))
                {
                    return Err(format!("placeholder {{{name}}} appears twice"));
                }
                segments.push(Segment::Param(name.to_owned()));
                rest = &after[end + 1..];
            }
        }
    }
    Ok(segments)
}

/// The placeholder names of a template, in order.
pub fn params(template: &str) -> Vec<String> {
    parse(template)
        .map(|segs| {
            segs.into_iter()
                .filter_map(|s| match s {
                    Segment::Param(p) => Some(p),
                    Segment::Literal(_) => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Fills a template. Errors name the first missing placeholder, or a value that would change
/// the path's shape: `/` is encoded, and a segment a param made empty, `.` or `..` is
/// refused (URL parsers resolve dot segments — `%2e%2e` too — so `{"id": ".."}` would turn
/// `/v1/customers/{id}/refunds` into `/v1/refunds`).
pub fn render(template: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    // Per path segment of the output: whether a param contributed to it.
    let mut param_segments = vec![false];
    for segment in parse(template)? {
        match segment {
            Segment::Literal(l) => {
                out.push_str(&l);
                param_segments.extend(l.matches('/').map(|_| false));
            }
            Segment::Param(p) => {
                let value = values
                    .get(&p)
                    .ok_or_else(|| format!("missing param {p:?}"))?;
                out.push_str(&encode_segment(value));
                if let Some(last) = param_segments.last_mut() {
                    *last = true;
                }
            }
        }
    }
    for (rendered, from_param) in out.split('/').zip(&param_segments) {
        if *from_param && matches!(rendered, "" | "." | "..") {
            return Err(format!(
                "params may not make a path segment empty, \".\" or \"..\" (got {rendered:?})"
            ));
        }
    }
    Ok(out)
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders() {
        assert_eq!(
            params("/v1/customers/{id}/cards/{card_id}"),
            ["id", "card_id"]
        );
        let values = BTreeMap::from([("id".to_owned(), "cus 1/x".to_owned())]);
        assert_eq!(
            render("/v1/customers/{id}", &values).unwrap(),
            "/v1/customers/cus%201%2Fx"
        );
        assert!(
            render("/v1/{missing}", &values)
                .unwrap_err()
                .contains("missing")
        );
    }

    #[test]
    fn params_cannot_change_the_shape_of_the_path() {
        let render_with = |template: &str, pairs: &[(&str, &str)]| {
            let values = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            render(template, &values)
        };
        for bad in ["..", ".", ""] {
            assert!(
                render_with("/v1/customers/{id}/refunds", &[("id", bad)]).is_err(),
                "{bad:?}"
            );
        }
        assert!(render_with("/v1/{a}{b}/x", &[("a", "."), ("b", ".")]).is_err());
        // Encoded forms stay inside their segment.
        assert_eq!(
            render_with("/v1/customers/{id}/refunds", &[("id", "%2e%2e")]).unwrap(),
            "/v1/customers/%252e%252e/refunds"
        );
        assert_eq!(
            render_with("/v1/customers/{id}/refunds", &[("id", "../x")]).unwrap(),
            "/v1/customers/..%2Fx/refunds"
        );
        assert_eq!(
            render_with("/v1/files/{name}", &[("name", "a..b")]).unwrap(),
            "/v1/files/a..b"
        );
        assert_eq!(
            render_with("/v1/x.{ext}", &[("ext", ".")]).unwrap(),
            "/v1/x.."
        );
    }

    #[test]
    fn bad_templates() {
        for bad in [
            "v1/x",
            "/v1/{id",
            "/v1/id}",
            "/v1/{}",
            "/v1/{1a}",
            "/v1/{a-b}",
            "/v1/x?y=1",
            "/v1/{a}/{a}",
            "/v 1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
