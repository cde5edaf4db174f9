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

/// Which tenants an issuer may speak for (`auth.issuers[].tenants`): an exact slug, a
/// prefix glob `prefix-*`, or `*` for any tenant.
///
/// A prefix glob must end in `-*`: the `-` is a segment boundary, so `acme-*` matches
/// `acme-eu` but neither `acme` nor `acmeevil` — a glob can never reach a tenant that merely
/// starts with the same letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TenantPattern {
    Any,
    Exact(TenantSlug),
    /// The text before the `*`, ending in `-`.
    Prefix(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid tenant pattern {0:?}: expected a tenant slug (`acme`), a prefix glob ending in `-*` (`acme-*`) or `*`"
)]
pub struct InvalidTenantPattern(pub String);

impl TenantPattern {
    pub fn parse(s: &str) -> Result<Self, InvalidTenantPattern> {
        let bad = || InvalidTenantPattern(s.chars().take(80).collect());
        if s == "*" {
            return Ok(Self::Any);
        }
        if let Some(prefix) = s.strip_suffix('*') {
            // The prefix must itself look like the start of a slug and end at a `-`.
            if prefix.len() < 2 || !prefix.ends_with('-') || !is_valid_slug(prefix) {
                return Err(bad());
            }
            return Ok(Self::Prefix(prefix.to_owned()));
        }
        TenantSlug::parse(s).map(Self::Exact).map_err(|_| bad())
    }

    /// Whether `tenant` (already a valid slug) is covered by this pattern.
    pub fn matches(&self, tenant: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Exact(slug) => slug.as_str() == tenant,
            Self::Prefix(prefix) => tenant.len() > prefix.len() && tenant.starts_with(prefix),
        }
    }
}

impl fmt::Display for TenantPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("*"),
            Self::Exact(slug) => f.write_str(slug.as_str()),
            Self::Prefix(prefix) => write!(f, "{prefix}*"),
        }
    }
}

impl Serialize for TenantPattern {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TenantPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TenantPattern::parse(&s).map_err(serde::de::Error::custom)
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

    #[test]
    fn tenant_patterns_parse_and_match() {
        let any = TenantPattern::parse("*").unwrap();
        assert!(any.matches("acme") && any.matches("globex"));
        let exact = TenantPattern::parse("acme").unwrap();
        assert!(exact.matches("acme"));
        assert!(!exact.matches("acme-eu") && !exact.matches("globex"));
        let prefix = TenantPattern::parse("acme-*").unwrap();
        assert!(prefix.matches("acme-eu") && prefix.matches("acme-eu-1"));
        // The `-` is a boundary: neither the bare prefix nor a look-alike matches.
        assert!(!prefix.matches("acme") && !prefix.matches("acme-") && !prefix.matches("acmeevil"));
        for (text, pattern) in [("*", &any), ("acme", &exact), ("acme-*", &prefix)] {
            assert_eq!(pattern.to_string(), text);
        }
    }

    #[test]
    fn bad_tenant_patterns_are_refused() {
        for s in [
            "", "acme*", "-*", "a*cme", "**", "*-acme", "Acme-*", "acme-*-*", "ac me",
        ] {
            assert!(TenantPattern::parse(s).is_err(), "{s}");
        }
    }
}
