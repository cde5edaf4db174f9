//! The environment variables orchctl reads that are not clap flags, read once at the entry
//! point ([`Env::from_process`]) and passed down, so tests inject values instead of setting
//! process variables (which edition 2024 makes `unsafe`).
//!
//! `ORCHCTL_SERVER`, `ORCHCTL_CONTEXT` and `ORCHCTL_CONFIG` are clap `env` defaults of the
//! global flags. The credentials below are deliberately not flags: a secret on the command
//! line shows up in `ps` and shell history.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

/// A ready operator token (skips the contexts file and the key exchange).
pub const TOKEN_VAR: &str = "ORCHCTL_TOKEN";
/// An operator API key, exchanged for a short-lived token on each run (nothing is saved).
pub const API_KEY_VAR: &str = "ORCHCTL_API_KEY";

/// What orchctl takes from the environment besides its flags.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// `ORCHCTL_TOKEN`.
    pub token: Option<String>,
    /// `ORCHCTL_API_KEY`.
    pub api_key: Option<String>,
    /// `HOME`: the default contexts file is `~/.config/orchctl/config.yaml`.
    pub home: Option<PathBuf>,
    /// `XDG_CONFIG_HOME`, which takes the place of `~/.config` when set.
    pub xdg_config_home: Option<PathBuf>,
}

impl Env {
    /// Reads the variables of this process. Empty values count as unset.
    pub fn from_process() -> Env {
        Env {
            token: text(std::env::var_os(TOKEN_VAR)),
            api_key: text(std::env::var_os(API_KEY_VAR)),
            home: path(std::env::var_os("HOME")),
            xdg_config_home: path(std::env::var_os("XDG_CONFIG_HOME")),
        }
    }
}

fn text(value: Option<OsString>) -> Option<String> {
    value
        .and_then(|v| v.into_string().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn path(value: Option<OsString>) -> Option<PathBuf> {
    value.filter(|v| !v.is_empty()).map(PathBuf::from)
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |set: bool| if set { "***" } else { "unset" };
        f.debug_struct("Env")
            .field("token", &hidden(self.token.is_some()))
            .field("api_key", &hidden(self.api_key.is_some()))
            .field("home", &self.home)
            .field("xdg_config_home", &self.xdg_config_home)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Env;

    #[test]
    fn debug_hides_credentials() {
        let env = Env {
            token: Some("tok-secret".into()),
            api_key: Some("orch_op_secret".into()),
            ..Env::default()
        };
        let shown = format!("{env:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }

    #[test]
    fn empty_values_count_as_unset() {
        assert_eq!(super::text(Some("".into())), None);
        assert_eq!(super::text(Some("  ".into())), None);
        assert_eq!(super::text(Some(" k ".into())), Some("k".to_owned()));
        assert_eq!(super::path(Some("".into())), None);
    }
}
