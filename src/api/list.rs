//! Paged lists: `?limit=` (default 50, max 500) and `?cursor=` →
//! `{"items": [...], "next_cursor": "..." | null}`.
//!
//! Each list's query string is one type (`…ListQuery`, next to the list's views) that
//! `orchctl` serialises with [`query_pairs`] and `orchd` deserialises from the URL, so the
//! parameter names are written once. The types refuse unknown parameters; their fields keep
//! the order orchd has always listed them in (the "expected one of" of that refusal).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Declares a query-string type: every field optional and left out of the query when unset,
/// unknown parameters refused. With `paged` first, the paging pair `limit` and `cursor` ends
/// it. A filter type can be followed by queries made of its fields and more
/// (`pub struct Q: Filter + { more fields } + paged;`), each with `new(filter)` and
/// `filter()`, so the filter's fields are written once. (A macro rather than
/// `#[serde(flatten)]`: flattening defeats `deny_unknown_fields` and leaves numbers in a
/// query string unparsed.)
macro_rules! query_type {
    (
        $(#[$meta:meta])* pub struct $filter:ident $fields:tt
        $($(#[$query_meta:meta])* pub struct $query:ident: $base:ident + $extra:tt $(+ $paged:ident)?;)+
    ) => {
        $crate::api::list::query_type! { $(#[$meta])* pub struct $filter $fields }
        $(
            $crate::api::list::query_type! {
                @derived [$(#[$query_meta])*] $query $filter $fields $extra $($paged)?
            }
        )+
    };
    (@derived [$($query_meta:tt)*] $query:ident $filter:ident
        { $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)* } { $($extra:tt)* } $($paged:ident)?
    ) => {
        $crate::api::list::query_type! {
            $($paged)?
            $($query_meta)*
            pub struct $query {
                $($(#[$field_meta])* pub $field: $ty,)*
                $($extra)*
            }
        }

        impl $query {
            /// The query of what `filter` selects, its other parameters unset.
            pub fn new(filter: $filter) -> Self {
                let $filter { $($field),* } = filter;
                Self {
                    $($field,)*
                    ..Self::default()
                }
            }

            /// The query's filter.
            pub fn filter(&self) -> $filter {
                $filter {
                    $($field: self.$field.clone(),)*
                }
            }
        }
    };
    (paged $(#[$meta:meta])* pub struct $name:ident {
        $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)*
    }) => {
        $crate::api::list::query_type! {
            $(#[$meta])*
            pub struct $name {
                $($(#[$field_meta])* pub $field: $ty,)*
                /// At most this many rows (default [`DEFAULT_LIMIT`](crate::api::list::DEFAULT_LIMIT)).
                pub limit: Option<u32>,
                /// Where the previous page ended: its `next_cursor`.
                pub cursor: Option<$crate::api::list::Cursor>,
            }
        }

        impl $crate::api::list::PagedQuery for $name {
            fn at(&self, cursor: Option<$crate::api::list::Cursor>) -> Self {
                Self {
                    cursor,
                    ..self.clone()
                }
            }
        }
    };
    ($(#[$meta:meta])* pub struct $name:ident {
        $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        // A schema too: `DlqFilter` is also a body member.
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
        #[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: $ty,
            )*
        }
    };
}
pub(crate) use query_type;

/// The names a `queue` parameter or field takes ([`crate::config::model::QUEUES`]), for the
/// OpenAPI document only: the wire type stays a string.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum QueueName {
    Webhook,
    Critical,
    Default,
    Low,
}

/// The statuses a job can have ([`crate::api::jobs::JOB_STATUSES`]), for the OpenAPI document.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum JobStatusName {
    Queued,
    Running,
    Succeeded,
    Dead,
    Cancelled,
    Purged,
}

/// The statuses of an inbox row ([`crate::api::inbox::INBOX_STATUSES`]), for the OpenAPI document.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum InboxStatusName {
    Received,
    Processed,
    Failed,
}

/// A list query that continues from a cursor (every `paged` [`query_type!`]).
pub trait PagedQuery: Clone {
    /// The same query, from `cursor` on.
    fn at(&self, cursor: Option<Cursor>) -> Self;
}

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

/// A page of a list endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// A plain string on the wire (`Cursor` is transparent).
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// The page of `rows` read with `limit` (already clamped, see [`effective_limit`]): a
    /// full page carries the cursor of its last row, since more may follow (the next page
    /// can then be empty); a shorter page is the last.
    pub fn from_rows(rows: Vec<T>, limit: u32, cursor_of: impl FnOnce(&T) -> Cursor) -> Self {
        let next_cursor = (rows.len() == limit as usize)
            .then(|| rows.last().map(cursor_of))
            .flatten();
        Page {
            items: rows,
            next_cursor,
        }
    }

    /// The same page with each item turned into something else (a stored row into its view).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// The opaque position a list continues from: what `next_cursor` said, sent back as
/// `?cursor=`. Its text is the list's business (an id, a sequence number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Cursor(String);

impl Cursor {
    /// The cursor of a row at `position` (its id, sequence number, version).
    pub fn of(position: impl fmt::Display) -> Self {
        Cursor(position.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The position back, as the list that made the cursor reads it; a cursor from another
    /// list (or made up) does not parse.
    pub fn parse<T: FromStr>(&self) -> Result<T, InvalidCursor> {
        self.0.parse().map_err(|_| InvalidCursor)
    }
}

impl From<String> for Cursor {
    fn from(text: String) -> Self {
        Cursor(text)
    }
}

impl From<&str> for Cursor {
    fn from(text: &str) -> Self {
        Cursor(text.to_owned())
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A cursor that no page of this list handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a cursor from this list")]
pub struct InvalidCursor;

/// A list parameter the list cannot read: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidParam {
    pub field: &'static str,
    pub message: String,
}

/// The RFC 3339 time of list parameter `field` (`since`, `until`), if given: the one parser
/// of the times every list filters by.
pub fn parse_time(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<time::OffsetDateTime>, InvalidParam> {
    value
        .map(|v| {
            time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).map_err(
                |_| InvalidParam {
                    field,
                    message: format!("{v:?} is not an RFC 3339 time"),
                },
            )
        })
        .transpose()
}

/// `?limit=&cursor=`: the query of lists that have no filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
}

/// Clamps a requested page size into `1..=MAX_LIMIT`, defaulting to `DEFAULT_LIMIT`.
pub fn effective_limit(requested: Option<u32>) -> u32 {
    requested.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// A query type that is not a flat record of text, numbers and booleans.
#[derive(Debug, thiserror::Error)]
#[error("cannot put {0} in a query string")]
pub struct QueryError(String);

/// The query parameters of `query` (a `…ListQuery`), in field order: text as is, numbers
/// and booleans as their text, absent fields left out — what `orchd` reads back with
/// `serde_urlencoded`. URL-encoding the pairs is the caller's business.
pub fn query_pairs<Q: Serialize>(query: &Q) -> Result<Vec<(String, String)>, QueryError> {
    let value = serde_json::to_value(query).map_err(|e| QueryError(e.to_string()))?;
    let Value::Object(fields) = value else {
        return Err(QueryError(format!("a {}", kind(&value))));
    };
    let mut pairs = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        let text = match value {
            Value::Null => continue,
            Value::String(text) => text,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => return Err(QueryError(format!("`{name}`, a {}", kind(&other)))),
        };
        pairs.push((name, text));
    }
    Ok(pairs)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use serde::de::value::MapDeserializer;
    use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
    use serde::forward_to_deserialize_any;

    use super::*;

    /// The query as `orchctl` sends it: `name=value` pairs joined by `&` (the test values
    /// need no percent-encoding), after checking the pairs read back as the same query
    /// (see [`read_pairs`]).
    pub(crate) fn wire<Q>(query: &Q) -> String
    where
        Q: Serialize + DeserializeOwned + PartialEq + fmt::Debug,
    {
        let pairs = query_pairs(query).unwrap();
        assert_eq!(&read_pairs::<Q>(&pairs), query, "{pairs:?}");
        pairs
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads query pairs back into `Q` as a query-string deserialiser does: every value is
    /// text, parsed by the field's type (`serde_urlencoded`'s rules, which orchd uses; it is
    /// checked against the same queries in orchd's `http::extract`).
    pub(crate) fn read_pairs<Q: DeserializeOwned>(pairs: &[(String, String)]) -> Q {
        let map = MapDeserializer::<_, de::value::Error>::new(
            pairs.iter().map(|(name, text)| (name.as_str(), Text(text))),
        );
        Q::deserialize(map).unwrap()
    }

    /// One query value.
    struct Text<'de>(&'de str);

    impl<'de> IntoDeserializer<'de, de::value::Error> for Text<'de> {
        type Deserializer = Self;
        fn into_deserializer(self) -> Self {
            self
        }
    }

    macro_rules! parsed {
        ($($method:ident => $visit:ident),* $(,)?) => {$(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                visitor.$visit(self.0.parse().map_err(de::Error::custom)?)
            }
        )*};
    }

    impl<'de> Deserializer<'de> for Text<'de> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            visitor.visit_borrowed_str(self.0)
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            visitor.visit_some(self)
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            visitor.visit_newtype_struct(self)
        }

        parsed!(
            deserialize_bool => visit_bool,
            deserialize_i32 => visit_i32,
            deserialize_i64 => visit_i64,
            deserialize_u32 => visit_u32,
            deserialize_u64 => visit_u64,
        );

        forward_to_deserialize_any! {
            i8 i16 i128 u8 u16 u128 f32 f64 char str string bytes byte_buf unit unit_struct
            seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }

    #[test]
    fn limits_are_clamped() {
        assert_eq!(effective_limit(None), 50);
        assert_eq!(effective_limit(Some(0)), 1);
        assert_eq!(effective_limit(Some(10_000)), 500);
        assert_eq!(effective_limit(Some(7)), 7);
    }

    #[test]
    fn a_full_page_carries_the_cursor_of_its_last_row() {
        let full = Page::from_rows(vec![3, 2], 2, |n| Cursor::of(n));
        assert_eq!(full.next_cursor.as_ref().map(Cursor::as_str), Some("2"));
        assert_eq!(serde_json::to_value(&full).unwrap()["next_cursor"], "2");
        let last = Page::from_rows(vec![1], 2, |n| Cursor::of(n));
        assert_eq!(last.next_cursor, None);
        let empty = Page::from_rows(Vec::<i64>::new(), 2, |n| Cursor::of(n));
        assert_eq!(empty.next_cursor, None);
        assert_eq!(full.map(|n| n * 10).items, vec![30, 20]);
    }

    #[test]
    fn cursors_are_plain_text_on_the_wire_and_parse_back() {
        let cursor = Cursor::of(42);
        assert_eq!(serde_json::to_value(&cursor).unwrap(), "42");
        assert_eq!(cursor.parse::<i64>(), Ok(42));
        assert_eq!(Cursor::from("x").parse::<i64>(), Err(InvalidCursor));
        assert_eq!(cursor.to_string(), "42");
    }

    #[test]
    fn page_query_round_trips() {
        assert_eq!(wire(&PageQuery::default()), "");
        let query = PageQuery {
            cursor: Some(Cursor::from("7")),
            limit: Some(20),
        };
        assert_eq!(wire(&query), "limit=20&cursor=7");
    }

    #[test]
    fn only_flat_records_make_a_query() {
        assert!(query_pairs(&[1, 2]).is_err());
        assert!(query_pairs(&serde_json::json!({"a": [1]})).is_err());
        let pairs = query_pairs(&serde_json::json!({"a": null, "b": true})).unwrap();
        assert_eq!(pairs, vec![("b".to_owned(), "true".to_owned())]);
    }
}
