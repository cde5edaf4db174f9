//! The exit-status table of `orchctl`, in one place.
//!
//! Scripts branch on these numbers, so they are part of the CLI contract (CLI.md): never
//! renumber a variant, only add new ones at the end.

use std::fmt::Write as _;
use std::process::ExitCode;

/// How `orchctl` ends; [`Exit::code`] is the process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Exit {
    /// 0: the command did what was asked (also `--help`, `--version`, a closed stdout pipe).
    Ok,
    /// 1: any failure not covered below (I/O, unexpected responses).
    Other,
    /// 2: the invocation was wrong: unknown flag, bad value, missing `--reason` off a terminal.
    Usage,
    /// 3: no credentials, or the server rejected them.
    NotAuthenticated,
    /// 4: authenticated, but the operator's role does not allow this.
    Forbidden,
    /// 5: the named resource does not exist.
    NotFound,
    /// 6: the server refused the change: a conflict, or the input failed validation.
    Conflict,
    /// 7: the server could not be reached or answered that it is unavailable.
    Unavailable,
    /// The exit status of the command run by `impersonate start --exec`, passed through
    /// as is (126 or 127 when it could not be run at all, as shells do). Not in [`Exit::ALL`]:
    /// its numbers are the command's, not orchctl's.
    Command(u8),
}

impl Exit {
    /// Every exit status of orchctl's own, in numeric order.
    pub const ALL: [Exit; 8] = [
        Exit::Ok,
        Exit::Other,
        Exit::Usage,
        Exit::NotAuthenticated,
        Exit::Forbidden,
        Exit::NotFound,
        Exit::Conflict,
        Exit::Unavailable,
    ];

    /// The process exit status.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Other => 1,
            Exit::Usage => 2,
            Exit::NotAuthenticated => 3,
            Exit::Forbidden => 4,
            Exit::NotFound => 5,
            Exit::Conflict => 6,
            Exit::Unavailable => 7,
            Exit::Command(code) => code,
        }
    }

    /// A few words for the EXIT STATUS section of `--help` and the man page.
    pub const fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "ok",
            Exit::Other => "other error",
            Exit::Usage => "usage error",
            Exit::NotAuthenticated => "not authenticated",
            Exit::Forbidden => "forbidden",
            Exit::NotFound => "not found",
            Exit::Conflict => "conflict or validation failed",
            Exit::Unavailable => "server unavailable",
            Exit::Command(_) => "the exit status of the command run by --exec",
        }
    }

    /// The exit status for a clap parse outcome: `--help` and `--version` print to stdout and
    /// succeed; everything else clap reports is a usage error.
    pub fn of_clap_error(err: &clap::Error) -> Exit {
        if err.use_stderr() {
            Exit::Usage
        } else {
            Exit::Ok
        }
    }

    /// The exit status for an HTTP error status from orchd: 401 → 3, 403 → 4, 404 → 5,
    /// 400/409/422 (conflict, validation) → 6, 5xx (unavailable, internal) → 7, else 1.
    pub const fn of_http_status(status: u16) -> Exit {
        match status {
            401 => Exit::NotAuthenticated,
            403 => Exit::Forbidden,
            404 => Exit::NotFound,
            400 | 409 | 422 => Exit::Conflict,
            500..=599 => Exit::Unavailable,
            _ => Exit::Other,
        }
    }

    /// The exit-status table as shown at the end of `orchctl --help`.
    pub fn help_section() -> String {
        let mut text = String::from("Exit status:\n");
        for exit in Exit::ALL {
            // Writing to a String cannot fail.
            let _ = writeln!(text, "  {}  {}", exit.code(), exit.meaning());
        }
        text
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes_match_the_documented_table() {
        let documented = [
            (Exit::Ok, 0),
            (Exit::Other, 1),
            (Exit::Usage, 2),
            (Exit::NotAuthenticated, 3),
            (Exit::Forbidden, 4),
            (Exit::NotFound, 5),
            (Exit::Conflict, 6),
            (Exit::Unavailable, 7),
        ];
        for (exit, code) in documented {
            assert_eq!(exit.code(), code, "{exit:?}");
        }
    }

    #[test]
    fn http_statuses_map_to_the_documented_codes() {
        let cases = [
            (400, 6),
            (401, 3),
            (403, 4),
            (404, 5),
            (405, 1),
            (409, 6),
            (413, 1),
            (422, 6),
            (429, 1),
            (500, 7),
            (502, 7),
            (503, 7),
            (504, 7),
        ];
        for (status, code) in cases {
            assert_eq!(Exit::of_http_status(status).code(), code, "{status}");
        }
    }

    #[test]
    fn all_lists_every_code_once_in_order() {
        let codes: Vec<u8> = Exit::ALL.iter().map(|exit| exit.code()).collect();
        assert_eq!(codes, (0..=7).collect::<Vec<u8>>());
    }

    #[test]
    fn a_command_status_is_passed_through() {
        assert_eq!(Exit::Command(3).code(), 3);
        assert_eq!(Exit::Command(255).code(), 255);
        assert_ne!(Exit::Command(3), Exit::NotAuthenticated);
    }
}
