use std::process::ExitCode;

use orchctl::Exit;

fn main() -> ExitCode {
    let cli = match orchctl::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout, usage errors to stderr; a closed pipe is no news.
            let _ = err.print();
            return Exit::of_clap_error(&err).into();
        }
    };
    match orchctl::run(cli) {
        Ok(()) => Exit::Ok.into(),
        Err(err) if err.is_broken_pipe() => Exit::Ok.into(),
        Err(err) => {
            eprintln!("error: {err}");
            err.exit_code().into()
        }
    }
}
