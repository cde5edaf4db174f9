//! The SecretRef grammar (`CONFIG.md`): `env:NAME`, `file:/abs/path`, `docker:NAME`,
//! `vault:MOUNT/PATH#FIELD`. Only references are stored; values are resolved by the daemon.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    Env(String),
    File(String),
    Docker(String),
    Vault {
        mount: String,
        path: String,
        field: String,
    },
}

impl SecretRef {
    pub fn parse(reference: &str) -> Result<Self, String> {
        let (scheme, rest) = reference.split_once(':').ok_or_else(|| {
            "expected env:NAME, file:/path, docker:NAME or vault:MOUNT/PATH#FIELD".to_owned()
        })?;
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        };
        match scheme {
            "env" if name_ok(rest) => Ok(Self::Env(rest.to_owned())),
            "env" => Err("env: needs a variable name of letters, digits, '_', '-', '.'".to_owned()),
            "file" if rest.starts_with('/') && rest.len() > 1 && !rest.contains('\0') => {
                // An allow-list pattern such as `file:/run/orch/*` must mean what it says:
                // no segment may climb out of (or hide) the directory it names.
                if rest[1..]
                    .split('/')
                    .any(|seg| seg.is_empty() || seg == "." || seg == "..")
                {
                    return Err(
                        "file: needs a normalised absolute path (no '.', '..' or empty segments)"
                            .to_owned(),
                    );
                }
                Ok(Self::File(rest.to_owned()))
            }
            "file" => Err("file: needs an absolute path".to_owned()),
            "docker" if name_ok(rest) => Ok(Self::Docker(rest.to_owned())),
            "docker" => Err("docker: needs a secret name".to_owned()),
            "vault" => {
                let (location, field) = rest
                    .split_once('#')
                    .ok_or_else(|| "vault: needs MOUNT/PATH#FIELD".to_owned())?;
                let (mount, path) = location
                    .split_once('/')
                    .ok_or_else(|| "vault: needs MOUNT/PATH#FIELD".to_owned())?;
                let segment_ok = |s: &str| {
                    !s.is_empty()
                        && s.split('/').all(|p| {
                            !p.is_empty()
                                && p != ".."
                                && p != "."
                                // `%2e%2e` would reach Vault as `..` once decoded.
                                && p.bytes().all(|b| {
                                    b.is_ascii_graphic() && !matches!(b, b'#' | b'?' | b'%' | b'\\')
                                })
                        })
                };
                if !segment_ok(mount) || !segment_ok(path) || field.is_empty() {
                    return Err("vault: needs MOUNT/PATH#FIELD".to_owned());
                }
                Ok(Self::Vault {
                    mount: mount.to_owned(),
                    path: path.to_owned(),
                    field: field.to_owned(),
                })
            }
            other => Err(format!(
                "unknown scheme {other:?}: expected env, file, docker or vault"
            )),
        }
    }

    pub fn scheme(&self) -> &'static str {
        match self {
            Self::Env(_) => "env",
            Self::File(_) => "file",
            Self::Docker(_) => "docker",
            Self::Vault { .. } => "vault",
        }
    }
}

/// One entry of the daemon's SecretRef allow-list (`secrets.allowed_refs`): a ref with `*`
/// standing for any run of characters (`env:ACME_*`, `file:/run/orch/acme/*`, `vault:secret/acme/*`).
/// A pattern without `*` matches exactly that ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefPattern(String);

impl RefPattern {
    /// `pattern` for `tenant`: `{tenant}` is the slug, `{TENANT}` the slug as an environment
    /// variable name would spell it (upper case, `-` as `_`).
    pub fn for_tenant(pattern: &str, tenant: &str) -> String {
        pattern
            .replace("{tenant}", tenant)
            .replace("{TENANT}", &tenant.to_ascii_uppercase().replace('-', "_"))
    }

    /// A pattern must start with a known scheme; the rest is free text with `*` wildcards.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let (scheme, rest) = pattern
            .split_once(':')
            .ok_or_else(|| format!("{pattern:?} needs a scheme: env:, file:, docker: or vault:"))?;
        if !matches!(scheme, "env" | "file" | "docker" | "vault") {
            return Err(format!(
                "{pattern:?}: unknown scheme {scheme:?}: expected env, file, docker or vault"
            ));
        }
        if rest.is_empty() {
            return Err(format!("{pattern:?} names nothing after the scheme"));
        }
        Ok(Self(pattern.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `reference` (a ref that parsed) matches: `*` matches any run of characters,
    /// `/` included, everything else literally.
    pub fn matches(&self, reference: &str) -> bool {
        glob_match(self.0.as_bytes(), reference.as_bytes())
    }
}

/// `*`-only glob, iterative with one backtrack point (linear in practice, never exponential).
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(n) => write!(f, "env:{n}"),
            Self::File(p) => write!(f, "file:{p}"),
            Self::Docker(n) => write!(f, "docker:{n}"),
            Self::Vault { mount, path, field } => write!(f, "vault:{mount}/{path}#{field}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar() {
        assert_eq!(
            SecretRef::parse("env:ACME_KEY").unwrap(),
            SecretRef::Env("ACME_KEY".into())
        );
        assert_eq!(
            SecretRef::parse("file:/run/s").unwrap(),
            SecretRef::File("/run/s".into())
        );
        assert_eq!(
            SecretRef::parse("docker:stripe").unwrap(),
            SecretRef::Docker("stripe".into())
        );
        assert_eq!(
            SecretRef::parse("vault:secret/acme/billing#api_key").unwrap(),
            SecretRef::Vault {
                mount: "secret".into(),
                path: "acme/billing".into(),
                field: "api_key".into()
            }
        );
        for s in [
            "env:ACME_KEY",
            "file:/run/s",
            "docker:x",
            "vault:secret/a/b#f",
        ] {
            assert_eq!(SecretRef::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn malformed_refs() {
        for bad in [
            "",
            "ACME",
            "env:",
            "env:A B",
            "file:relative",
            "docker:a/b",
            "vault:secret",
            "vault:secret/x",
            "vault:secret/#f",
            "vault:/x#f",
            "vault:s/../x#f",
            "vault:secret/%2e%2e/sys#f",
            "vault:secret/a%2Fb#f",
            "vault:secret/a\\..#f",
            "file:/run/secrets/../orchd-data/signing.key",
            "file:/run/./x",
            "file:/run//x",
            "file:/run/x/",
            "http:x",
        ] {
            assert!(SecretRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn patterns() {
        let p = RefPattern::parse("env:ACME_*").unwrap();
        assert!(p.matches("env:ACME_KEY"));
        assert!(p.matches("env:ACME_"));
        assert!(!p.matches("env:GLOBEX_KEY"));
        assert!(!p.matches("file:/ACME_KEY"));
        let p = RefPattern::parse("file:/run/orch/*").unwrap();
        assert!(p.matches("file:/run/orch/acme/key"));
        assert!(!p.matches("file:/run/orchd/key"));
        let exact = RefPattern::parse("vault:secret/acme#k").unwrap();
        assert!(exact.matches("vault:secret/acme#k"));
        assert!(!exact.matches("vault:secret/acme#k2"));
        assert!(
            RefPattern::parse("vault:*a*b*c")
                .unwrap()
                .matches("vault:xaybzc")
        );
        assert!(
            !RefPattern::parse("vault:*a*b*c")
                .unwrap()
                .matches("vault:xaybz")
        );
        assert!(RefPattern::parse("*").is_err());
        assert!(RefPattern::parse("http:x").is_err());
        assert!(RefPattern::parse("env:").is_err());
    }
}
