//! Stripe webhook signatures (`Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`).
//!
//! The signed string is `"{t}.{raw body bytes}"`, HMAC-SHA256 keyed with the whole secret
//! string (`whsec_…` as bytes, not decoded), lowercase hex. A delivery is accepted when any
//! `v1` matches any configured secret (during a roll Stripe sends one `v1` per active
//! secret), compared in constant time, and `t` is within the tolerance on **both** sides of
//! now (Stripe's SDKs accept any future `t`; we do not). Other schemes (`v0`, …) are ignored.
//! The signature is checked before the timestamp, so `timestamp_out_of_tolerance` is only
//! ever reported for a delivery that was really signed with one of the secrets.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::problem::ErrorCode;

/// The request header that carries the signature.
pub const HEADER: &str = "Stripe-Signature";

/// Stripe's default tolerance between `t` and now.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The only scheme that is verified.
const SCHEME: &str = "v1";

type HmacSha256 = Hmac<Sha256>;

/// Why a delivery's signature was refused. Each variant maps to a stable error code of the
/// webhook ingress ([`SignatureError::code`]); the `Display` text is safe to show the caller
/// (it never contains a secret or an expected signature).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    MissingHeader,
    #[error("the Stripe-Signature header is malformed: {0}")]
    MalformedHeader(&'static str),
    #[error("the Stripe-Signature header has no v1 signature")]
    NoV1Signature,
    #[error("no v1 signature matches the payload with any configured signing secret")]
    NoMatch,
    #[error(
        "the timestamp is {skew_s} s away from now, more than the tolerance of {tolerance_s} s"
    )]
    TimestampOutOfTolerance { skew_s: u64, tolerance_s: u64 },
}

impl SignatureError {
    /// The API error code this refusal is answered with.
    pub fn code(&self) -> ErrorCode {
        match self {
            SignatureError::TimestampOutOfTolerance { .. } => ErrorCode::TimestampOutOfTolerance,
            SignatureError::MissingHeader
            | SignatureError::MalformedHeader(_)
            | SignatureError::NoV1Signature
            | SignatureError::NoMatch => ErrorCode::InvalidSignature,
        }
    }
}

/// A parsed `Stripe-Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// `t`: unix seconds when Stripe signed the delivery.
    pub timestamp: i64,
    /// Every `v1` value, in header order, as sent (not necessarily valid hex).
    pub v1: Vec<String>,
}

impl SignatureHeader {
    /// Parses the header. Exactly one `t` (a non-negative integer) is required; `v1` may repeat;
    /// other schemes are skipped. Fails on an element without `=`, an empty key, or a missing,
    /// repeated or non-numeric `t`. A header without any `v1` parses (verification refuses it
    /// with [`SignatureError::NoV1Signature`]).
    pub fn parse(header: &str) -> Result<Self, SignatureError> {
        let mut timestamp = None;
        let mut v1 = Vec::new();
        for item in header.split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (key, value) = item.split_once('=').ok_or(SignatureError::MalformedHeader(
                "an element is not key=value",
            ))?;
            match key.trim() {
                "" => return Err(SignatureError::MalformedHeader("an element has no key")),
                "t" => {
                    if timestamp.is_some() {
                        return Err(SignatureError::MalformedHeader("t appears more than once"));
                    }
                    let value = value.trim();
                    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(SignatureError::MalformedHeader("t is not a unix timestamp"));
                    }
                    let t = value.parse::<i64>().map_err(|_| {
                        SignatureError::MalformedHeader("t is not a unix timestamp")
                    })?;
                    timestamp = Some(t);
                }
                SCHEME => v1.push(value.trim().to_owned()),
                _ => {}
            }
        }
        let timestamp = timestamp.ok_or(SignatureError::MalformedHeader("t is missing"))?;
        Ok(Self { timestamp, v1 })
    }
}

/// A delivery whose signature was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The header's `t`.
    pub timestamp: i64,
    /// Which of the configured secrets matched (its index), e.g. to log that an old secret of a
    /// roll is still in use.
    pub secret_index: usize,
}

/// Verifies a delivery over the exact bytes received.
///
/// `header` is the `Stripe-Signature` value (`None` when absent), `secrets` every active
/// signing secret. Fails with [`SignatureError::MissingHeader`], `MalformedHeader`,
/// `NoV1Signature`, `NoMatch` (also when `secrets` is empty) or, for a correctly signed
/// delivery, `TimestampOutOfTolerance` when `|now - t| > tolerance`.
pub fn verify<S: AsRef<[u8]>>(
    header: Option<&str>,
    body: &[u8],
    secrets: &[S],
    now: OffsetDateTime,
    tolerance: Duration,
) -> Result<Verified, SignatureError> {
    let header = header.ok_or(SignatureError::MissingHeader)?;
    let parsed = SignatureHeader::parse(header)?;
    if parsed.v1.is_empty() {
        return Err(SignatureError::NoV1Signature);
    }
    // Values that are not 32 bytes of hex can never match; they are skipped, not errors, as a
    // future Stripe may send other lengths under a new scheme name only.
    let candidates: Vec<[u8; 32]> = parsed
        .v1
        .iter()
        .filter_map(|v| {
            let mut out = [0u8; 32];
            hex::decode_to_slice(v, &mut out).ok().map(|()| out)
        })
        .collect();
    let secret_index = secrets
        .iter()
        .position(|secret| {
            let mac = signed_mac(secret.as_ref(), parsed.timestamp, body);
            // `verify_slice` compares in constant time.
            candidates
                .iter()
                .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
        })
        .ok_or(SignatureError::NoMatch)?;
    let skew_s = now.unix_timestamp().abs_diff(parsed.timestamp);
    let tolerance_s = tolerance.as_secs();
    if skew_s > tolerance_s {
        return Err(SignatureError::TimestampOutOfTolerance {
            skew_s,
            tolerance_s,
        });
    }
    Ok(Verified {
        timestamp: parsed.timestamp,
        secret_index,
    })
}

/// The `v1` signature (lowercase hex) of `body` at `timestamp` with `secret`.
pub fn signature_v1(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    hex::encode(signed_mac(secret, timestamp, body).finalize().into_bytes())
}

/// The `Stripe-Signature` header value Stripe would send: `t=<timestamp>,v1=<hex>`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},{SCHEME}={}",
        signature_v1(secret, timestamp, body)
    )
}

/// What stands in for a signature value wherever a `Stripe-Signature` header is kept.
pub const REDACTED: &str = "[redacted]";

/// Longest scheme name kept by [`redact_header`]; longer keys are not Stripe's.
const MAX_KEPT_KEY: usize = 16;
/// Elements kept by [`redact_header`]; Stripe sends a handful.
const MAX_KEPT_ELEMENTS: usize = 16;

/// The `Stripe-Signature` header as it may be stored and shown to operators: `t=` (when
/// it is a timestamp) is kept, every other element's value becomes [`REDACTED`], so one sees
/// when and with which schemes a delivery was signed but never a signature, which would be
/// an oracle for the secret. Keys that are not short alphanumeric names, elements without
/// `=` and anything past the first 16 elements are redacted whole; nothing of the input's
/// values survives but a numeric `t`.
pub fn redact_header(header: &str) -> String {
    let mut kept: Vec<String> = Vec::new();
    for item in header.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if kept.len() == MAX_KEPT_ELEMENTS {
            kept.push(REDACTED.to_owned());
            break;
        }
        let element = match item.split_once('=') {
            Some(("t", value))
                if !value.is_empty()
                    && value.len() <= 20
                    && value.bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("t={value}")
            }
            Some((key, _))
                if !key.is_empty()
                    && key.len() <= MAX_KEPT_KEY
                    && key.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                format!("{key}={REDACTED}")
            }
            _ => REDACTED.to_owned(),
        };
        kept.push(element);
    }
    kept.join(",")
}

/// The HMAC state after absorbing `"{t}.{body}"`.
fn signed_mac(secret: &[u8], timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    // FACTS.md test vector.
    const SECRET: &str = "whsec_test_secret";
    const T: i64 = 1_492_774_577;
    const BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
    const V1: &str = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";

    fn at(t: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(t).unwrap()
    }

    fn check(
        header: Option<&str>,
        body: &[u8],
        secrets: &[&str],
        now: i64,
    ) -> Result<Verified, SignatureError> {
        verify(header, body, secrets, at(now), DEFAULT_TOLERANCE)
    }

    #[test]
    fn test_vector_signs_and_verifies() {
        assert_eq!(signature_v1(SECRET.as_bytes(), T, BODY), V1);
        assert_eq!(sign(SECRET.as_bytes(), T, BODY), format!("t={T},v1={V1}"));
        let header = format!("t={T},v1={V1}");
        let ok = check(Some(&header), BODY, &[SECRET], T).unwrap();
        assert_eq!(
            ok,
            Verified {
                timestamp: T,
                secret_index: 0
            }
        );
    }

    #[test]
    fn any_v1_may_match_and_other_schemes_are_ignored() {
        let other = "0".repeat(64);
        let header = format!(
            "t={T},v1={other},v1={V1},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"
        );
        assert!(check(Some(&header), BODY, &[SECRET], T).is_ok());
        // Junk in another scheme or a non-hex v1 does not make the header invalid.
        let header = format!("t={T},v1=not-hex,v9=?,v1={V1}");
        assert!(check(Some(&header), BODY, &[SECRET], T).is_ok());
    }

    #[test]
    fn any_configured_secret_may_match_during_a_roll() {
        let header = format!("t={T},v1={V1}");
        let ok = check(Some(&header), BODY, &["whsec_new", SECRET], T).unwrap();
        assert_eq!(ok.secret_index, 1);
    }

    #[test]
    fn tampered_body_is_refused() {
        let header = format!("t={T},v1={V1}");
        let tampered = br#"{"id":"evt_test_webhook","object":"event" }"#;
        assert_eq!(
            check(Some(&header), tampered, &[SECRET], T),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn wrong_secret_or_no_secret_is_refused() {
        let header = format!("t={T},v1={V1}");
        let err = check(Some(&header), BODY, &["whsec_other"], T).unwrap_err();
        assert_eq!(err, SignatureError::NoMatch);
        assert_eq!(err.code(), ErrorCode::InvalidSignature);
        assert_eq!(
            check(Some(&header), BODY, &[], T),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn signature_over_another_timestamp_is_refused() {
        // Same v1, but t moved forward by a second: the signed string differs.
        let header = format!("t={},v1={V1}", T + 1);
        assert_eq!(
            check(Some(&header), BODY, &[SECRET], T),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn missing_header_and_missing_v1() {
        let err = check(None, BODY, &[SECRET], T).unwrap_err();
        assert_eq!(err, SignatureError::MissingHeader);
        assert_eq!(err.code(), ErrorCode::InvalidSignature);
        let err = check(Some(&format!("t={T},v0={V1}")), BODY, &[SECRET], T).unwrap_err();
        assert_eq!(err, SignatureError::NoV1Signature);
        assert_eq!(err.code(), ErrorCode::InvalidSignature);
    }

    #[test]
    fn stale_and_future_timestamps_are_refused_beyond_tolerance() {
        let header = sign(SECRET.as_bytes(), T, BODY);
        // Exactly at the tolerance on either side: accepted.
        assert!(check(Some(&header), BODY, &[SECRET], T + 300).is_ok());
        assert!(check(Some(&header), BODY, &[SECRET], T - 300).is_ok());
        let stale = check(Some(&header), BODY, &[SECRET], T + 301).unwrap_err();
        assert_eq!(
            stale,
            SignatureError::TimestampOutOfTolerance {
                skew_s: 301,
                tolerance_s: 300
            }
        );
        assert_eq!(stale.code(), ErrorCode::TimestampOutOfTolerance);
        let future = check(Some(&header), BODY, &[SECRET], T - 301).unwrap_err();
        assert_eq!(future.code(), ErrorCode::TimestampOutOfTolerance);
        // A custom tolerance.
        let wide = verify(
            Some(&header),
            BODY,
            &[SECRET],
            at(T + 3600),
            Duration::from_secs(3600),
        );
        assert!(wide.is_ok());
    }

    #[test]
    fn an_unsigned_stale_delivery_is_a_signature_error_not_a_timestamp_error() {
        let header = format!("t={},v1={}", T - 10_000, "0".repeat(64));
        assert_eq!(
            check(Some(&header), BODY, &[SECRET], T),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn malformed_headers() {
        for header in [
            "",
            "garbage",
            &format!("v1={V1}"),
            &format!("t=,v1={V1}"),
            &format!("t=abc,v1={V1}"),
            &format!("t=-5,v1={V1}"),
            &format!("t=1e9,v1={V1}"),
            &format!("t={T},t={T},v1={V1}"),
            &format!("t={T},={V1}"),
            &format!("t={T},v1"),
            "t=99999999999999999999999,v1=00",
        ] {
            let err = check(Some(header), BODY, &[SECRET], T).unwrap_err();
            assert!(
                matches!(err, SignatureError::MalformedHeader(_)),
                "{header:?} gave {err:?}"
            );
            assert_eq!(err.code(), ErrorCode::InvalidSignature);
        }
        // Whitespace around elements is tolerated.
        assert!(check(Some(&format!(" t={T} , v1={V1} ")), BODY, &[SECRET], T).is_ok());
    }

    #[test]
    fn parse_keeps_every_v1_in_order() {
        let parsed = SignatureHeader::parse("t=12,v1=aa,v0=bb,v1=cc").unwrap();
        assert_eq!(
            parsed,
            SignatureHeader {
                timestamp: 12,
                v1: vec!["aa".into(), "cc".into()]
            }
        );
    }

    #[test]
    fn errors_never_show_the_expected_signature() {
        let header = format!("t={T},v1={}", "0".repeat(64));
        let err = check(Some(&header), BODY, &[SECRET], T).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(V1) && !shown.contains(SECRET));
    }

    #[test]
    fn redacted_headers_keep_the_timestamp_and_no_signature() {
        let header = format!("t={T},v1={V1},v0={}", "ab".repeat(32));
        let redacted = redact_header(&header);
        assert_eq!(redacted, format!("t={T},v1=[redacted],v0=[redacted]"));
        assert!(!redacted.contains(V1) && !redacted.contains("abab"));
        // Whatever arrives, only a numeric t survives.
        for (input, want) in [
            ("", ""),
            (" t=12 , v1=aa ", "t=12,v1=[redacted]"),
            ("t=12x,v1=aa", "t=[redacted],v1=[redacted]"),
            ("v1aa,=bb", "[redacted],[redacted]"),
            ("weird key=aa,t=", "[redacted],t=[redacted]"),
            ("v1=aa=bb", "v1=[redacted]"),
        ] {
            assert_eq!(redact_header(input), want, "{input}");
        }
        let many = vec!["v1=aa"; 40].join(",");
        assert_eq!(redact_header(&many).split(',').count(), 17);
        assert!(!redact_header(&many).contains("aa"));
    }
}
