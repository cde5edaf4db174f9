//! The contexts file: `~/.config/orchctl/config.yaml` (or `--config` / `ORCHCTL_CONFIG`),
//! like kubectl's contexts. Each context names a server and the operator credentials for it:
//! the API key and the short-lived token last exchanged for it.
//!
//! The file holds secrets, so it is written with mode 0600 (a temporary file created 0600,
//! then renamed over the old one) and refused when group or others may read it.

use std::fmt;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::env::Env;
use crate::error::CliError;

/// Written at the top of the file.
const HEADER: &str =
    "# orchctl contexts. This file holds operator credentials: keep it mode 0600.\n";

/// The whole contexts file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The context used when neither `--context` nor `ORCHCTL_CONTEXT` names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_context: Option<String>,
    #[serde(default)]
    pub contexts: Vec<Context>,
}

/// One server and the credentials for it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    pub name: String,
    pub server: String,
    /// The name of the operator the key belongs to, for `context list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The operator API key; the token is refreshed from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// The last operator token exchanged for the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// When `token` expires.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_at: Option<OffsetDateTime>,
}

impl Context {
    /// A context for `server` without credentials.
    pub fn new(name: &str, server: &str) -> Context {
        Context {
            name: name.to_owned(),
            server: server.to_owned(),
            operator: None,
            api_key: None,
            token: None,
            expires_at: None,
        }
    }

    /// Whether any credential is stored.
    pub fn has_credentials(&self) -> bool {
        self.api_key.is_some() || self.token.is_some()
    }

    /// Forgets the key and the token.
    pub fn clear_credentials(&mut self) {
        self.api_key = None;
        self.token = None;
        self.expires_at = None;
    }

    /// The stored token if it is still valid for more than `margin` after `now`.
    pub fn fresh_token(&self, now: OffsetDateTime, margin: time::Duration) -> Option<&str> {
        match (&self.token, self.expires_at) {
            (Some(token), Some(expires_at)) if expires_at - margin > now => Some(token),
            _ => None,
        }
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |set: bool| if set { "***" } else { "none" };
        f.debug_struct("Context")
            .field("name", &self.name)
            .field("server", &self.server)
            .field("operator", &self.operator)
            .field("api_key", &hidden(self.api_key.is_some()))
            .field("token", &hidden(self.token.is_some()))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl ConfigFile {
    /// The context called `name`.
    pub fn context(&self, name: &str) -> Option<&Context> {
        self.contexts.iter().find(|c| c.name == name)
    }

    /// The context called `name`, mutably.
    pub fn context_mut(&mut self, name: &str) -> Option<&mut Context> {
        self.contexts.iter_mut().find(|c| c.name == name)
    }

    /// Adds `context`, or replaces the one with the same name in place.
    pub fn upsert(&mut self, context: Context) {
        match self.context_mut(&context.name) {
            Some(existing) => *existing = context,
            None => self.contexts.push(context),
        }
    }
}

/// The contexts file to use: `--config`/`ORCHCTL_CONFIG`, else
/// `$XDG_CONFIG_HOME/orchctl/config.yaml`, else `~/.config/orchctl/config.yaml`.
pub fn resolve_path(explicit: Option<&Path>, env: &Env) -> Result<PathBuf, CliError> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    let base = match (&env.xdg_config_home, &env.home) {
        (Some(xdg), _) => xdg.clone(),
        (None, Some(home)) => home.join(".config"),
        (None, None) => {
            return Err(CliError::Config(
                "cannot find the contexts file: HOME is not set; pass --config FILE".into(),
            ));
        }
    };
    Ok(base.join("orchctl").join("config.yaml"))
}

/// Reads the contexts file; a missing file is an empty one. Refuses a file that group or
/// others may read, since it holds credentials.
pub fn load(path: &Path) -> Result<ConfigFile, CliError> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(e) => return Err(config_io("cannot open", path, &e)),
    };
    let metadata = file
        .metadata()
        .map_err(|e| config_io("cannot inspect", path, &e))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(CliError::Config(format!(
            "the contexts file {} holds credentials but is readable by others (mode {mode:04o}); \
             run `chmod 600 {}` and try again",
            path.display(),
            path.display(),
        )));
    }
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| config_io("cannot read", path, &e))?;
    if text.trim().is_empty() {
        return Ok(ConfigFile::default());
    }
    yaml_serde::from_str(&text).map_err(|e| {
        CliError::Config(format!(
            "the contexts file {} is not valid: {e}",
            path.display()
        ))
    })
}

/// Writes the contexts file atomically with mode 0600, creating its directory (0700).
pub fn save(path: &Path, config: &ConfigFile) -> Result<(), CliError> {
    let yaml = yaml_serde::to_string(config)
        .map_err(|e| CliError::Unexpected(format!("cannot render the contexts file: {e}")))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(|e| config_io("cannot create the directory of", path, &e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.yaml".to_owned());
    let temp = dir.join(format!(
        ".{file_name}.{}.{}.tmp",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let written = write_new_private(&temp, format!("{HEADER}{yaml}").as_bytes())
        .and_then(|()| fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(config_io("cannot write", path, &e));
    }
    Ok(())
}

/// Creates `path` (which must not exist) with mode 0600 and writes `bytes` durably.
fn write_new_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn config_io(what: &str, path: &Path, err: &io::Error) -> CliError {
    CliError::Config(format!(
        "{what} the contexts file {}: {err}",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    /// 2030-01-01T00:00:00Z.
    fn in_2030() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_893_456_000).unwrap()
    }

    fn sample() -> ConfigFile {
        let mut prod = Context::new("prod", "https://orch.example");
        prod.operator = Some("alice".into());
        prod.api_key = Some("orch_op_secret_key".into());
        prod.token = Some("eyJ.secret.token".into());
        prod.expires_at = Some(in_2030());
        ConfigFile {
            current_context: Some("prod".into()),
            contexts: vec![prod, Context::new("dev", "http://127.0.0.1:8080")],
        }
    }

    #[test]
    fn saves_with_mode_0600_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/orchctl/config.yaml");
        save(&path, &sample()).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load(&path).unwrap(), sample());
        // Saving again replaces the file and leaves no temporary file behind.
        save(&path, &ConfigFile::default()).unwrap();
        assert_eq!(load(&path).unwrap(), ConfigFile::default());
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["config.yaml"]);
    }

    #[test]
    fn a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load(&dir.path().join("none.yaml")).unwrap();
        assert_eq!(loaded, ConfigFile::default());
    }

    #[test]
    fn refuses_a_file_others_can_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        save(&path, &sample()).unwrap();
        for mode in [0o640, 0o604, 0o644] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let err = load(&path).unwrap_err();
            assert_eq!(err.exit_code().code(), 1, "{err}");
            let shown = err.to_string();
            assert!(shown.contains("chmod 600"), "{shown}");
            assert!(!shown.contains("secret"), "{shown}");
        }
    }

    #[test]
    fn malformed_files_are_config_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        write_new_private(&path, b"contexts: {not: [a list").unwrap();
        let err = load(&path).unwrap_err();
        assert!(matches!(err, CliError::Config(_)), "{err:?}");
    }

    #[test]
    fn debug_hides_the_key_and_the_token() {
        let shown = format!("{:?}", sample());
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("alice"), "{shown}");
    }

    #[test]
    fn a_token_is_fresh_until_a_minute_before_it_expires() {
        let mut context = Context::new("x", "http://x");
        let now = in_2030();
        let margin = time::Duration::seconds(60);
        assert_eq!(context.fresh_token(now, margin), None);
        context.token = Some("t".into());
        context.expires_at = Some(now + time::Duration::seconds(61));
        assert_eq!(context.fresh_token(now, margin), Some("t"));
        context.expires_at = Some(now + time::Duration::seconds(60));
        assert_eq!(context.fresh_token(now, margin), None);
    }

    #[test]
    fn default_path_prefers_xdg_then_home() {
        let env = Env {
            home: Some("/home/op".into()),
            ..Env::default()
        };
        assert_eq!(
            resolve_path(None, &env).unwrap(),
            PathBuf::from("/home/op/.config/orchctl/config.yaml")
        );
        let env = Env {
            xdg_config_home: Some("/xdg".into()),
            ..env
        };
        assert_eq!(
            resolve_path(None, &env).unwrap(),
            PathBuf::from("/xdg/orchctl/config.yaml")
        );
        let explicit = Path::new("/tmp/c.yaml");
        assert_eq!(resolve_path(Some(explicit), &env).unwrap(), explicit);
        assert!(resolve_path(None, &Env::default()).is_err());
    }
}
