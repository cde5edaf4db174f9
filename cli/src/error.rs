//! The one error type of `orchctl`; each variant knows its exit status.

use std::io;

use crate::exit::Exit;

/// Why a command failed. `main` prints it on stderr as `error: …` and exits with
/// [`CliError::exit_code`].
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The invocation is wrong in a way clap cannot see, e.g. a mutating command without
    /// `--reason` when there is no terminal to prompt on.
    #[error("{0}")]
    Usage(String),
    /// No credentials, or the server rejected them.
    #[error("not authenticated: {0}")]
    NotAuthenticated(String),
    /// The operator's role does not allow the request.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The named resource does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The server refused the change: a conflict, or the input failed validation.
    #[error("{0}")]
    Conflict(String),
    /// The server could not be reached or said it is unavailable.
    #[error("server unavailable: {0}")]
    Unavailable(String),
    /// Local I/O failed; `context` says what orchctl was doing.
    #[error("{context}: {source}")]
    Io {
        context: &'static str,
        source: io::Error,
    },
}

impl CliError {
    /// The exit status this error ends the process with.
    pub fn exit_code(&self) -> Exit {
        match self {
            CliError::Usage(_) => Exit::Usage,
            CliError::NotAuthenticated(_) => Exit::NotAuthenticated,
            CliError::Forbidden(_) => Exit::Forbidden,
            CliError::NotFound(_) => Exit::NotFound,
            CliError::Conflict(_) => Exit::Conflict,
            CliError::Unavailable(_) => Exit::Unavailable,
            CliError::Io { .. } => Exit::Other,
        }
    }

    /// True when stdout was closed by the reader (`orchctl … | head`): not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// Wraps a failed write to stdout.
    pub fn stdout(source: io::Error) -> CliError {
        CliError::Io {
            context: "writing to stdout",
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::CliError;

    #[test]
    fn each_variant_maps_to_its_documented_exit_code() {
        let cases = [
            (CliError::Usage("x".into()), 2),
            (CliError::NotAuthenticated("x".into()), 3),
            (CliError::Forbidden("x".into()), 4),
            (CliError::NotFound("x".into()), 5),
            (CliError::Conflict("x".into()), 6),
            (CliError::Unavailable("x".into()), 7),
            (CliError::stdout(io::Error::other("disk full")), 1),
        ];
        for (err, code) in cases {
            assert_eq!(err.exit_code().code(), code, "{err:?}");
        }
    }

    #[test]
    fn only_a_broken_pipe_is_a_broken_pipe() {
        assert!(CliError::stdout(io::ErrorKind::BrokenPipe.into()).is_broken_pipe());
        assert!(!CliError::stdout(io::ErrorKind::PermissionDenied.into()).is_broken_pipe());
        assert!(!CliError::Usage("x".into()).is_broken_pipe());
    }
}
