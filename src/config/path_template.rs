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

/// Fills a template. Errors name the first missing placeholder.
pub fn render(template: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    for segment in parse(template)? {
        match segment {
            Segment::Literal(l) => out.push_str(&l),
            Segment::Param(p) => {
                let value = values
                    .get(&p)
                    .ok_or_else(|| format!("missing param {p:?}"))?;
                out.push_str(&encode_segment(value));
            }
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
