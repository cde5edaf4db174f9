//! Tenant slugs: `[a-z0-9][a-z0-9-]{0,62}`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// A validated tenant slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantSlug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid tenant slug {0:?}: expected [a-z0-9][a-z0-9-]{{0,62}}")]
pub struct InvalidTenantSlug(pub String);

impl TenantSlug {
    pub fn parse(s: &str) -> Result<Self, InvalidTenantSlug> {
        if is_valid_slug(s) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidTenantSlug(s.chars().take(80).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_valid_slug(s: &str) -> bool {
    let bytes = s.as_bytes();
    match bytes.first() {
        Some(first) if first.is_ascii_lowercase() || first.is_ascii_digit() => {}
        _ => return false,
    }
    bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TenantSlug {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TenantSlug::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_slugs() {
        for s in ["a", "acme", "acme-eu-1", "0abc", &"a".repeat(63)] {
            assert!(TenantSlug::parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn rejects_invalid_slugs() {
        for s in [
            "",
            "-acme",
            "Acme",
            "ac_me",
            "ac me",
            "acmé",
            &"a".repeat(64),
        ] {
            assert!(TenantSlug::parse(s).is_err(), "{s}");
        }
    }
}
