//! Running the built binary in a fixed environment, and comparing against committed files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The command that rewrites every committed snapshot and generated file.
pub const BLESS_COMMAND: &str = "ORCH_BLESS=1 cargo nextest run -p orchctl";

/// `orchctl` with `args`, run to completion with no terminal on any stream and an environment
/// that cannot change its output (width, colour, env defaults).
pub fn orchctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orchctl"))
        .args(args)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("ORCHCTL_SERVER")
        .env_remove("ORCHCTL_CONTEXT")
        .stdin(Stdio::null())
        .output()
        .expect("run orchctl")
}

/// The workspace root (the parent of `cli/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ has a parent")
        .to_path_buf()
}

fn blessing() -> bool {
    std::env::var_os("ORCH_BLESS").is_some_and(|value| value == "1")
}

/// Compares each `(path, expected bytes)` with the file on disk. With `ORCH_BLESS=1` stale
/// files are rewritten; otherwise the test fails listing every stale file.
pub fn assert_files_fresh(files: &[(PathBuf, Vec<u8>)]) {
    let stale: Vec<&(PathBuf, Vec<u8>)> = files
        .iter()
        .filter(|(path, expected)| std::fs::read(path).ok().as_ref() != Some(expected))
        .collect();
    if stale.is_empty() {
        return;
    }
    if blessing() {
        for (path, expected) in stale {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).unwrap();
            }
            std::fs::write(path, expected).unwrap();
            eprintln!("blessed {}", path.display());
        }
        return;
    }
    let root = workspace_root();
    let names: Vec<String> = stale
        .iter()
        .map(|(path, _)| {
            let shown = path.strip_prefix(&root).unwrap_or(path);
            format!("  {}", shown.display())
        })
        .collect();
    panic!(
        "{} file(s) differ from what the clap definition generates:\n{}\n\
         Review the change, then refresh them with:\n  {BLESS_COMMAND}",
        names.len(),
        names.join("\n"),
    );
}
