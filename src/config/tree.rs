//! A YAML (or JSON — a YAML 1.2 subset) document as a tree that remembers where every key
//! and value was written, so validation can point at `line:column`.

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A 1-based position in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    fn from_marker(m: &Marker) -> Self {
        Self {
            line: m.line(),
            column: m.col() + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Map(Vec<(Key, Node)>),
    Seq(Vec<Node>),
    Scalar(Scalar),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub pos: Pos,
}

/// A problem found while reading the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub pos: Pos,
}

impl Node {
    /// A short name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar(Scalar::Null) => "null",
            NodeKind::Scalar(Scalar::Bool(_)) => "a boolean",
            NodeKind::Scalar(Scalar::Int(_)) => "an integer",
            NodeKind::Scalar(Scalar::Float(_)) => "a number",
            NodeKind::Scalar(Scalar::Str(_)) => "a string",
        }
    }

    /// The value as JSON (mappings keep their key order).
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect::<Map<_, _>>(),
            ),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Scalar(Scalar::Null) => Value::Null,
            NodeKind::Scalar(Scalar::Bool(b)) => Value::Bool(*b),
            NodeKind::Scalar(Scalar::Int(i)) => Value::Number((*i).into()),
            NodeKind::Scalar(Scalar::Float(f)) => {
                Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            NodeKind::Scalar(Scalar::Str(s)) => Value::String(s.clone()),
        }
    }
}

/// Parses one document. An empty text is an empty mapping.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| SyntaxError {
        message: e.info().to_owned(),
        pos: Pos::from_marker(e.marker()),
    })?;
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root.unwrap_or(Node {
        kind: NodeKind::Map(Vec::new()),
        pos: Pos { line: 1, column: 1 },
    }))
}

/// Nodes a document may expand to, aliases counted at their full size: a few lines of
/// nested aliases ("billion laughs") would otherwise build gigabytes.
pub const MAX_NODES: usize = 100_000;
/// Nesting deeper than this is refused (the checks that walk the tree recurse).
pub const MAX_DEPTH: usize = 64;

enum Frame {
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Key, Node)>,
        pending_key: Option<Key>,
        size: usize,
    },
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
        size: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Anchored nodes with their size in nodes.
    anchors: std::collections::HashMap<usize, (Node, usize)>,
    /// Nodes built so far, aliases expanded.
    nodes: usize,
    error: Option<SyntaxError>,
}

impl Builder {
    fn fail(&mut self, pos: Pos, message: String) {
        if self.error.is_none() {
            self.error = Some(SyntaxError { message, pos });
        }
    }

    /// Counts `size` more nodes; false (and an error) past the limit.
    fn grow(&mut self, pos: Pos, size: usize) -> bool {
        self.nodes = self.nodes.saturating_add(size);
        if self.nodes > MAX_NODES {
            self.fail(
                pos,
                format!("the document expands to more than {MAX_NODES} nodes (aliases included)"),
            );
            return false;
        }
        true
    }

    /// Places a finished node of `size` nodes into its parent (or as the root).
    fn push(&mut self, node: Node, anchor: usize, size: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq {
                items, size: total, ..
            }) => {
                *total = total.saturating_add(size);
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                pending_key,
                size: total,
                ..
            }) => match pending_key.take() {
                Some(key) => {
                    *total = total.saturating_add(size);
                    if entries.iter().any(|(k, _)| k.name == key.name) {
                        let (name, pos) = (key.name.clone(), key.pos);
                        self.fail(pos, format!("duplicate key {name:?}"));
                    } else {
                        entries.push((key, node));
                    }
                }
                None => {
                    let pos = node.pos;
                    let name = match node.kind {
                        NodeKind::Scalar(Scalar::Str(s)) => s,
                        NodeKind::Scalar(Scalar::Int(i)) => i.to_string(),
                        NodeKind::Scalar(Scalar::Bool(b)) => b.to_string(),
                        NodeKind::Scalar(Scalar::Float(f)) => f.to_string(),
                        NodeKind::Scalar(Scalar::Null) => "null".to_owned(),
                        _ => {
                            self.fail(pos, "mapping keys must be plain values".to_owned());
                            return;
                        }
                    };
                    if let Some(Frame::Map { pending_key, .. }) = self.stack.last_mut() {
                        *pending_key = Some(Key { name, pos });
                    }
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        // After the first error nothing more is built (an expanding alias would still cost).
        if self.error.is_some() {
            return;
        }
        let pos = Pos::from_marker(&mark);
        let opens = matches!(ev, Event::MappingStart(..) | Event::SequenceStart(..));
        if opens && self.stack.len() >= MAX_DEPTH {
            self.fail(pos, format!("nesting deeper than {MAX_DEPTH} levels"));
            return;
        }
        match ev {
            Event::MappingStart(anchor, _) if self.grow(pos, 1) => self.stack.push(Frame::Map {
                pos,
                anchor,
                entries: Vec::new(),
                pending_key: None,
                size: 1,
            }),
            Event::SequenceStart(anchor, _) if self.grow(pos, 1) => self.stack.push(Frame::Seq {
                pos,
                anchor,
                items: Vec::new(),
                size: 1,
            }),
            Event::MappingEnd | Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Map {
                    pos,
                    anchor,
                    entries,
                    size,
                    ..
                }) => self.push(
                    Node {
                        kind: NodeKind::Map(entries),
                        pos,
                    },
                    anchor,
                    size,
                ),
                Some(Frame::Seq {
                    pos,
                    anchor,
                    items,
                    size,
                }) => self.push(
                    Node {
                        kind: NodeKind::Seq(items),
                        pos,
                    },
                    anchor,
                    size,
                ),
                None => {}
            },
            Event::Scalar(text, style, anchor, _) => {
                let scalar = if style == TScalarStyle::Plain {
                    plain_scalar(text)
                } else {
                    Scalar::Str(text)
                };
                if self.grow(pos, 1) {
                    self.push(
                        Node {
                            kind: NodeKind::Scalar(scalar),
                            pos,
                        },
                        anchor,
                        1,
                    );
                }
            }
            Event::Alias(id) => match self.anchors.get(&id).map(|(_, size)| *size) {
                // Counted before the clone: the limit is checked before the memory is spent.
                Some(size) => {
                    if self.grow(pos, size)
                        && let Some((mut node, _)) = self.anchors.get(&id).cloned()
                    {
                        node.pos = pos;
                        self.push(node, 0, size);
                    }
                }
                None => self.fail(pos, "alias to an unknown anchor".to_owned()),
            },
            _ => {}
        }
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn plain_scalar(text: String) -> Scalar {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    let t = text.as_str();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = t.parse::<i64>()
    {
        return Scalar::Int(i);
    }
    if let Some(hex) = t.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Scalar::Int(i);
    }
    if let Some(oct) = t.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Scalar::Int(i);
    }
    let looks_numeric = t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && t.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric && let Ok(f) = t.parse::<f64>() {
        return Scalar::Float(f);
    }
    Scalar::Str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_cannot_expand_without_bound() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let started = std::time::Instant::now();
        let err = parse(&doc).unwrap_err();
        assert!(err.message.contains("expands to more than"), "{err:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // A few small aliases are fine.
        assert!(parse("a: &x [1, 2]\nb: *x\nc: *x\n").is_ok());
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let err = parse(&deep).unwrap_err();
        assert!(err.message.contains("nesting deeper"), "{err:?}");
        let ok = format!("{}{}", "[".repeat(20), "]".repeat(20));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn positions_are_one_based_and_point_at_the_key() {
        let node = parse("tenant: acme\npolicies:\n  p1:\n    max_concurrency: 3\n").unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!()
        };
        assert_eq!(entries[0].0.pos, Pos { line: 1, column: 1 });
        assert_eq!(entries[1].0.pos, Pos { line: 2, column: 1 });
        let NodeKind::Map(policies) = &entries[1].1.kind else {
            panic!()
        };
        assert_eq!(policies[0].0.pos, Pos { line: 3, column: 3 });
        let NodeKind::Map(p1) = &policies[0].1.kind else {
            panic!()
        };
        assert_eq!(
            p1[0].1.pos,
            Pos {
                line: 4,
                column: 22
            }
        );
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let node =
            parse(r#"{a: 1, b: "1", c: 1.5, d: true, e: ~, f: text, g: "true", h: -3}"#).unwrap();
        assert_eq!(
            node.to_json(),
            serde_json::json!({"a": 1, "b": "1", "c": 1.5, "d": true, "e": null, "f": "text", "g": "true", "h": -3})
        );
    }

    #[test]
    fn json_parses_too() {
        let node = parse(r#"{"tenant": "acme", "connectors": {"x": {"operations": []}}}"#).unwrap();
        assert_eq!(
            node.to_json()["connectors"]["x"]["operations"],
            serde_json::json!([])
        );
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_have_positions() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 3, column: 1 });
        assert!(err.message.contains("duplicate"));
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.pos.line >= 1);
    }

    #[test]
    fn anchors_and_aliases_copy_values() {
        let node = parse("base: &b {x: 1}\ncopy: *b\n").unwrap();
        assert_eq!(node.to_json()["copy"], serde_json::json!({"x": 1}));
    }

    #[test]
    fn empty_text_is_an_empty_mapping() {
        assert_eq!(parse("").unwrap().to_json(), serde_json::json!({}));
    }
}
