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
                                && p.bytes()
                                    .all(|b| b.is_ascii_graphic() && b != b'#' && b != b'?')
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
            "http:x",
        ] {
            assert!(SecretRef::parse(bad).is_err(), "{bad}");
        }
    }
}
