//! The one error type of `orchctl`; each variant knows its exit status.

use std::io;

use crate::client::{ClientError, ErrorResponse};
use crate::exit::Exit;

/// Why a command failed. It is printed on stderr as `error: …` and the process exits with
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
    /// The server refused the change: a conflict, or the input failed validation; also a
    /// check that failed (a broken audit chain).
    #[error("{0}")]
    Conflict(String),
    /// The server could not be reached or said it is unavailable.
    #[error("server unavailable: {0}")]
    Unavailable(String),
    /// The server answered with a redirect, which orchctl does not follow.
    #[error("{0}")]
    Redirected(String),
    /// orchd answered with an error status. The exit status follows the HTTP status
    /// ([`Exit::of_http_status`]); the message is the problem's title, detail, `code` and
    /// `request_id`.
    #[error("{0}")]
    Api(Box<ErrorResponse>),
    /// The contexts file cannot be used: unreadable, malformed, or readable by others.
    #[error("{0}")]
    Config(String),
    /// Something that should not happen: a response that is not what the API promises, a
    /// value that cannot be rendered.
    #[error("{0}")]
    Unexpected(String),
    /// Local I/O failed; `context` says what orchctl was doing.
    #[error("{context}: {source}")]
    Io {
        context: &'static str,
        source: io::Error,
    },
    /// The command of `impersonate start --exec` could not be started.
    #[error("cannot run {program}: {source}")]
    Exec { program: String, source: io::Error },
    /// The command of `impersonate start --exec` ended with this non-zero status; orchctl
    /// ends with it too, and prints nothing (the command has said what it had to say).
    #[error("the command exited with status {0}")]
    CommandExited(u8),
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
            CliError::Api(response) => Exit::of_http_status(response.status),
            // A 3xx is "other", as `Exit::of_http_status` has it: the request did not fail on
            // the server, the server is just elsewhere (or misconfigured).
            CliError::Config(_)
            | CliError::Redirected(_)
            | CliError::Unexpected(_)
            | CliError::Io { .. } => Exit::Other,
            // As shells do: 127 when there is no such command, 126 when it cannot be run.
            CliError::Exec { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                Exit::Command(127)
            }
            CliError::Exec { .. } => Exit::Command(126),
            CliError::CommandExited(code) => Exit::Command(*code),
        }
    }

    /// Whether the error speaks for itself and prints nothing: the exec'd command's status.
    pub fn is_silent(&self) -> bool {
        matches!(self, CliError::CommandExited(_))
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

    /// Wraps a failed prompt on the terminal.
    pub fn prompt(err: dialoguer::Error) -> CliError {
        let dialoguer::Error::IO(source) = err;
        CliError::Io {
            context: "reading from the terminal",
            source,
        }
    }
}

impl From<ClientError> for CliError {
    fn from(err: ClientError) -> CliError {
        match err {
            ClientError::Status(response) => CliError::Api(response),
            ClientError::Unavailable(message) => CliError::Unavailable(message),
            ClientError::InvalidServer(message) => CliError::Usage(message),
            ClientError::Redirected(message) => CliError::Redirected(message),
            ClientError::Unexpected(message) => CliError::Unexpected(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use orch_core::problem::{ErrorCode, Problem};

    use super::CliError;
    use crate::client::{ClientError, ErrorResponse};

    fn api(status: u16) -> CliError {
        CliError::Api(Box::new(ErrorResponse {
            status,
            problem: None,
            body: String::new(),
            request_id: "r".into(),
        }))
    }

    #[test]
    fn each_variant_maps_to_its_documented_exit_code() {
        let cases = [
            (CliError::Usage("x".into()), 2),
            (CliError::NotAuthenticated("x".into()), 3),
            (CliError::Forbidden("x".into()), 4),
            (CliError::NotFound("x".into()), 5),
            (CliError::Conflict("x".into()), 6),
            (CliError::Unavailable("x".into()), 7),
            (CliError::Config("x".into()), 1),
            (CliError::Redirected("x".into()), 1),
            (CliError::Unexpected("x".into()), 1),
            (CliError::stdout(io::Error::other("disk full")), 1),
            (api(401), 3),
            (api(403), 4),
            (api(404), 5),
            (api(400), 6),
            (api(409), 6),
            (api(422), 6),
            (api(503), 7),
            (api(500), 7),
            (api(418), 1),
            (CliError::CommandExited(42), 42),
            (
                CliError::Exec {
                    program: "nope".into(),
                    source: io::ErrorKind::NotFound.into(),
                },
                127,
            ),
            (
                CliError::Exec {
                    program: "/etc".into(),
                    source: io::ErrorKind::PermissionDenied.into(),
                },
                126,
            ),
        ];
        for (err, code) in cases {
            assert_eq!(err.exit_code().code(), code, "{err:?}");
        }
    }

    #[test]
    fn client_errors_keep_their_meaning() {
        let unavailable = CliError::from(ClientError::Unavailable("refused".into()));
        assert_eq!(unavailable.exit_code().code(), 7);
        let bad_url = CliError::from(ClientError::InvalidServer("no scheme".into()));
        assert_eq!(bad_url.exit_code().code(), 2);
        let problem = Problem::new(ErrorCode::Forbidden, "role readonly lacks permission");
        let denied = CliError::from(ClientError::Status(Box::new(ErrorResponse {
            status: 403,
            problem: Some(problem),
            body: String::new(),
            request_id: "req-1".into(),
        })));
        assert_eq!(denied.exit_code().code(), 4);
        let shown = denied.to_string();
        assert!(
            shown.contains("Forbidden: role readonly lacks permission"),
            "{shown}"
        );
        assert!(shown.contains("code: forbidden"), "{shown}");
        assert!(shown.contains("request_id: req-1"), "{shown}");
    }

    #[test]
    fn only_a_broken_pipe_is_a_broken_pipe() {
        assert!(CliError::stdout(io::ErrorKind::BrokenPipe.into()).is_broken_pipe());
        assert!(!CliError::stdout(io::ErrorKind::PermissionDenied.into()).is_broken_pipe());
        assert!(!CliError::Usage("x".into()).is_broken_pipe());
    }
}
