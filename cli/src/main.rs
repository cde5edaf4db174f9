use std::io::{self, IsTerminal as _};
use std::process::ExitCode;

use orchctl::{Env, Exit, Io};

fn main() -> ExitCode {
    let cli = match orchctl::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout, usage errors to stderr; a closed pipe is no news.
            let _ = err.print();
            return Exit::of_clap_error(&err).into();
        }
    };
    let env = Env::from_process();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return Exit::Other.into();
        }
    };
    let mut stdout = io::stdout();
    let mut stderr = io::stderr();
    let mut stdin = io::stdin();
    let mut streams = Io {
        is_terminal: stdin.is_terminal() && stderr.is_terminal(),
        stdout_is_terminal: stdout.is_terminal(),
        stdout: &mut stdout,
        stderr: &mut stderr,
        stdin: &mut stdin,
    };
    runtime
        .block_on(orchctl::execute(cli, &env, &mut streams))
        .into()
}
