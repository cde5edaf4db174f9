//! Property tests over untrusted input: the `Stripe-Signature` parser and verifier and the
//! config document parser/validator answer every input with a value or an error, never a
//! panic, and keep their promises on the inputs they accept. Cases: `ORCH_FUZZ_CASES`
//! (default 512 per property), so CI spends a bounded time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use orch_core::config::validate;
use orch_core::webhooks::stripe::{SignatureHeader, sign, verify};
use proptest::prelude::*;
use proptest::test_runner::Config;
use time::OffsetDateTime;

const EXAMPLE: &str = include_str!("../examples/tenant-acme.yaml");

fn config() -> Config {
    let cases = std::env::var("ORCH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Header elements that look like Stripe's, and some that almost do.
fn header_element() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,20}".prop_map(|t| format!("t={t}")),
        "[0-9a-f]{0,70}".prop_map(|v| format!("v1={v}")),
        "[0-9a-zA-Z]{0,10}".prop_map(|v| format!("v0={v}")),
        Just("t=-1".to_owned()),
        Just("t=99999999999999999999999".to_owned()),
        Just("=x".to_owned()),
        Just(" t = 1 ".to_owned()),
        "\\PC{0,12}",
    ]
}

fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(header_element(), 0..8).prop_map(|parts| parts.join(",")),
        any::<String>(),
    ]
}

/// Tokens that stress a YAML/JSON parser when dropped into a valid document.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\n    - ",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "'",
    "\"",
    "#",
    "|",
    ">",
    "\t",
    "~",
    "null",
    "99999999999999999999",
    "-1",
    "1e999",
    "0x",
    "\u{0}",
    "\u{feff}",
    "é",
    "%",
    "---\n",
    "...\n",
    "? ",
    ",",
    "{{id}}",
    "env:",
    "vault:",
];

fn mutated_example() -> impl Strategy<Value = String> {
    let edits = proptest::collection::vec(
        (
            any::<prop::sample::Index>(),
            0..TOKENS.len(),
            0usize..4,
            any::<bool>(),
        ),
        1..6,
    );
    edits.prop_map(|edits| {
        let mut chars: Vec<char> = EXAMPLE.chars().collect();
        for (at, token, delete, insert) in edits {
            let at = at.index(chars.len() + 1);
            let end = (at + delete).min(chars.len());
            chars.drain(at..end);
            if insert {
                for (i, c) in TOKENS[token].chars().enumerate() {
                    chars.insert(at + i, c);
                }
            }
        }
        chars.into_iter().collect()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn stripe_signature_headers_never_panic(h in header(), body in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(parsed) = SignatureHeader::parse(&h) {
            prop_assert!(parsed.timestamp >= 0);
        }
        let now = OffsetDateTime::now_utc();
        let _ = verify(Some(&h), &body, &[b"whsec_test".as_slice()], now, Duration::from_secs(300));
        let _ = verify(Some(&h), &body, &[] as &[&[u8]], now, Duration::from_secs(300));
    }

    #[test]
    fn what_is_signed_verifies(secret in proptest::collection::vec(any::<u8>(), 1..48),
                               body in proptest::collection::vec(any::<u8>(), 0..256),
                               t in 0i64..4_000_000_000) {
        let header = sign(&secret, t, &body);
        let now = OffsetDateTime::from_unix_timestamp(t).unwrap();
        let ok = verify(Some(&header), &body, &[secret.as_slice()], now, Duration::from_secs(300));
        prop_assert!(ok.is_ok(), "{header}: {ok:?}");
        let mut tampered = body.clone();
        tampered.push(b'!');
        prop_assert!(verify(Some(&header), &tampered, &[secret.as_slice()], now, Duration::from_secs(300)).is_err());
    }

    #[test]
    fn config_documents_of_any_text_never_panic(text in any::<String>(), tenant in proptest::option::of("[a-z]{1,8}")) {
        let _ = validate(&text, tenant.as_deref());
    }

    #[test]
    fn mutated_example_documents_never_panic(text in mutated_example()) {
        if let Ok(doc) = validate(&text, None) {
            // What validates has a canonical form that validates again to the same checksum.
            let canonical = serde_json::to_string(&doc.config.canonical()).unwrap();
            let again = validate(&canonical, None);
            prop_assert!(again.is_ok(), "{canonical}: {again:?}");
            prop_assert_eq!(again.unwrap().config.checksum(), doc.config.checksum());
            let _ = doc.config.secret_refs();
        }
    }
}
