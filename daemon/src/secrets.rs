//! SecretRef resolution (`CONFIG.md`): `env:NAME`, `file:/abs/path`, `docker:NAME`.
//! Values are wrapped in [`SecretValue`], which never prints or serialises its content;
//! errors name the reference, never a value.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("secret ref {reference:?} is malformed: {message}")]
    Malformed { reference: String, message: String },
    #[error("secret ref {reference:?} did not resolve: {message}")]
    Unavailable { reference: String, message: String },
}

/// A resolved secret. `Debug` shows `***`; there is no `Display` or `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that must use it (signing, comparing, sending).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(***)")
    }
}

/// Where `docker:` refs are mounted.
const DOCKER_SECRETS_DIR: &str = "/run/secrets";

/// Resolves a SecretRef now.
pub fn resolve(reference: &str) -> Result<SecretValue, SecretError> {
    let malformed = |message: &str| SecretError::Malformed {
        reference: reference.to_owned(),
        message: message.to_owned(),
    };
    let unavailable = |message: String| SecretError::Unavailable {
        reference: reference.to_owned(),
        message,
    };
    let (scheme, rest) = reference
        .split_once(':')
        .ok_or_else(|| malformed("expected env:, file:, docker: or vault:"))?;
    match scheme {
        "env" => {
            if rest.is_empty() {
                return Err(malformed("empty variable name"));
            }
            std::env::var(rest)
                .map(SecretValue)
                .map_err(|_| unavailable(format!("environment variable {rest} is not set")))
        }
        "file" | "docker" => {
            let path = if scheme == "file" {
                if !rest.starts_with('/') {
                    return Err(malformed("file: needs an absolute path"));
                }
                PathBuf::from(rest)
            } else {
                if rest.is_empty() || rest.contains('/') {
                    return Err(malformed("docker: needs a secret name"));
                }
                PathBuf::from(DOCKER_SECRETS_DIR).join(rest)
            };
            let text = std::fs::read_to_string(&path).map_err(|e| {
                unavailable(format!("cannot read {}: {}", path.display(), e.kind()))
            })?;
            let trimmed = text.strip_suffix('\n').unwrap_or(&text);
            let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
            Ok(SecretValue(trimmed.to_owned()))
        }
        "vault" => Err(unavailable(
            "vault: refs are resolved by the config service (not available for daemon settings)"
                .to_owned(),
        )),
        _ => Err(malformed("expected env:, file:, docker: or vault:")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_refs_trim_one_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        std::fs::write(&path, "s3cret\n\n").unwrap();
        let v = resolve(&format!("file:{}", path.display())).unwrap();
        assert_eq!(v.expose(), "s3cret\n");
    }

    #[test]
    fn errors_name_the_ref_not_the_value() {
        let err = resolve("env:ORCH_TEST_SURELY_UNSET_VAR").unwrap_err();
        assert!(err.to_string().contains("env:ORCH_TEST_SURELY_UNSET_VAR"));
        assert!(matches!(
            resolve("file:relative"),
            Err(SecretError::Malformed { .. })
        ));
        assert!(matches!(
            resolve("nope"),
            Err(SecretError::Malformed { .. })
        ));
    }

    #[test]
    fn debug_hides_the_value() {
        assert_eq!(
            format!("{:?}", SecretValue::new("s3cret")),
            "SecretValue(***)"
        );
    }
}
