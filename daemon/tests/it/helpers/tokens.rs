//! Minting tenant JWTs for tests with the fixture keys in `daemon/tests/fixtures/keys`.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::Value;

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Signs `claims` with `alg` and the given key material (HMAC secret, or a private PEM).
pub fn mint(alg: Algorithm, key: &str, kid: Option<&str>, claims: &Value) -> String {
    let encoding = match alg {
        Algorithm::HS256 => EncodingKey::from_secret(key.as_bytes()),
        Algorithm::RS256 => EncodingKey::from_rsa_pem(key.as_bytes()).unwrap(),
        Algorithm::ES256 => EncodingKey::from_ec_pem(key.as_bytes()).unwrap(),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(key.as_bytes()).unwrap(),
        other => panic!("{other:?} not used in tests"),
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &encoding).unwrap()
}

/// An unsigned token (`alg: none`), which must never verify.
pub fn unsigned(claims: &Value) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.",
        b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(serde_json::to_vec(claims).unwrap())
    )
}
