//! The query extractor every console page reads its GET filter with.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ConsoleError;
use crate::http::extract::parse_query;

/// A page's GET parameters as a filter form sends them: each value trimmed and an empty
/// field left out (it means "any"), then read like the API's query
/// ([`parse_query`]), so a repeated or malformed parameter is the console's 400 page, not
/// axum's plain text.
#[derive(Debug)]
pub struct ConsoleQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ConsoleQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let given = form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .filter(|(_, value)| !value.trim().is_empty());
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in given {
            query.append_pair(&name, value.trim());
        }
        Ok(ConsoleQuery(parse_query(&query.finish())?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_query_drops_blank_fields_and_refuses_repeats() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Q {
            a: Option<String>,
            b: Option<u32>,
        }
        async fn read(uri: &str) -> Result<Q, ConsoleError> {
            let (mut parts, ()) = axum::http::Request::get(uri).body(()).unwrap().into_parts();
            ConsoleQuery::<Q>::from_request_parts(&mut parts, &())
                .await
                .map(|q| q.0)
        }
        let q = read("/x?a=+hi+&b=").await.unwrap();
        assert_eq!((q.a.as_deref(), q.b), (Some("hi"), None));
        assert!(read("/x?a=1&a=2").await.is_err());
        assert!(read("/x?b=many").await.is_err());
        assert!(read("/x?c=1").await.is_err());
    }
}
