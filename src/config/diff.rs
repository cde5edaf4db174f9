//! A structured, human-readable diff between two config versions, computed on their
//! canonical forms (so layout and key order never show up as changes).

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One changed place in the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// Every change between two versions, in document order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigDiff {
    pub changes: Vec<Change>,
}

impl ConfigDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// One line per change: `+ path: value`, `- path: value`, `~ path: before → after`.
    pub fn render(&self) -> String {
        if self.changes.is_empty() {
            return "no changes\n".to_owned();
        }
        let mut out = String::new();
        for c in &self.changes {
            let show = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
            let line = match c.kind {
                ChangeKind::Added => format!("+ {}: {}", c.path, show(&c.after)),
                ChangeKind::Removed => format!("- {}: {}", c.path, show(&c.before)),
                ChangeKind::Changed => {
                    format!("~ {}: {} → {}", c.path, show(&c.before), show(&c.after))
                }
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

/// Differences from `before` to `after` (`Value::Null` as `before` means "nothing yet").
pub fn diff(before: &Value, after: &Value) -> ConfigDiff {
    let mut changes = Vec::new();
    walk("", before, after, &mut changes);
    ConfigDiff { changes }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(path: &str, before: &Value, after: &Value, out: &mut Vec<Change>) {
    if before == after {
        return;
    }
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let p = child(path, key);
                match (b.get(key), a.get(key)) {
                    (Some(bv), Some(av)) => walk(&p, bv, av, out),
                    (Some(bv), None) => out.push(Change {
                        path: p,
                        kind: ChangeKind::Removed,
                        before: Some(bv.clone()),
                        after: None,
                    }),
                    (None, Some(av)) => out.push(Change {
                        path: p,
                        kind: ChangeKind::Added,
                        before: None,
                        after: Some(av.clone()),
                    }),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(b), Value::Array(a)) if b.len() == a.len() => {
            for (i, (bv, av)) in b.iter().zip(a).enumerate() {
                walk(&format!("{path}[{i}]"), bv, av, out);
            }
        }
        (Value::Null, _) if path.is_empty() => out.push(Change {
            path: String::new(),
            kind: ChangeKind::Added,
            before: None,
            after: Some(after.clone()),
        }),
        _ => out.push(Change {
            path: path.to_owned(),
            kind: ChangeKind::Changed,
            before: Some(before.clone()),
            after: Some(after.clone()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reports_added_removed_and_changed_paths() {
        let before = json!({"tenant": "acme", "connectors": {"a": {"base_url": "http://x"}, "b": {"base_url": "http://b"}}});
        let after = json!({"tenant": "acme", "connectors": {"a": {"base_url": "http://y"}, "c": {"base_url": "http://c"}}});
        let d = diff(&before, &after);
        let summary: Vec<(String, ChangeKind)> =
            d.changes.iter().map(|c| (c.path.clone(), c.kind)).collect();
        assert_eq!(
            summary,
            [
                ("connectors.a.base_url".to_owned(), ChangeKind::Changed),
                ("connectors.b".to_owned(), ChangeKind::Removed),
                ("connectors.c".to_owned(), ChangeKind::Added),
            ]
        );
        let text = d.render();
        assert!(
            text.contains(r#"~ connectors.a.base_url: "http://x" → "http://y""#),
            "{text}"
        );
        assert!(text.contains("- connectors.b:"));
        assert!(text.contains("+ connectors.c:"));
    }

    #[test]
    fn identical_documents_have_no_diff() {
        let v = json!({"a": [1, {"b": 2}]});
        assert!(diff(&v, &v).is_empty());
        assert_eq!(diff(&v, &v).render(), "no changes\n");
    }

    #[test]
    fn list_items_are_compared_in_place() {
        let d = diff(
            &json!({"r": [{"q": "a"}, {"q": "b"}]}),
            &json!({"r": [{"q": "a"}, {"q": "c"}]}),
        );
        assert_eq!(d.changes[0].path, "r[1].q");
    }

    #[test]
    fn a_first_version_is_all_added() {
        let d = diff(&Value::Null, &json!({"tenant": "acme"}));
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].kind, ChangeKind::Added);
    }
}
