//! The console's one script and one stylesheet, compiled into the binary and served under
//! `/console/assets/` with the first hex digits of their SHA-256 in the file name, so they
//! can be cached for a year (`immutable`) while pages themselves are `no-store`.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One compiled-in file.
pub struct Asset {
    /// `/console/assets/<stem>.<hash>.<ext>`.
    pub url: String,
    content_type: &'static str,
    body: &'static str,
}

fn asset(stem: &str, ext: &str, content_type: &'static str, body: &'static str) -> Asset {
    let hash = hex::encode(Sha256::digest(body.as_bytes()));
    Asset {
        url: format!("/console/assets/{stem}.{}.{ext}", &hash[..12]),
        content_type,
        body,
    }
}

/// The script every console page loads.
pub static SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "console",
        "js",
        "text/javascript; charset=utf-8",
        include_str!("assets/console.js"),
    )
});

/// The stylesheet every console page loads.
pub static STYLE: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "console",
        "css",
        "text/css; charset=utf-8",
        include_str!("assets/console.css"),
    )
});

/// `GET /console/assets/{file}`: the asset whose hashed name this is, else 404 (an old hash
/// is not served: the page that named it is gone too).
pub async fn serve(Path(file): Path<String>) -> Response {
    let path = format!("/console/assets/{file}");
    let Some(asset) = [&*SCRIPT, &*STYLE].into_iter().find(|a| a.url == path) else {
        return (axum::http::StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
