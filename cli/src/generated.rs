//! Files generated from the clap definition and committed under `completions/`: one
//! completion script per shell and the man pages. The integration test regenerates them and
//! fails on drift (`ORCH_BLESS=1 cargo nextest run -p orchctl` rewrites them).

use std::path::PathBuf;

use clap_complete::Generator as _;

use clap::ValueEnum;

/// The name the scripts complete and the man pages document.
pub const BIN_NAME: &str = "orchctl";

/// The shells `orchctl completion` supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    #[value(name = "powershell")]
    PowerShell,
}

impl CompletionShell {
    /// Every supported shell.
    pub const ALL: [CompletionShell; 4] = [
        CompletionShell::Bash,
        CompletionShell::Zsh,
        CompletionShell::Fish,
        CompletionShell::PowerShell,
    ];

    /// The clap_complete generator for this shell.
    pub fn generator(self) -> clap_complete::Shell {
        match self {
            CompletionShell::Bash => clap_complete::Shell::Bash,
            CompletionShell::Zsh => clap_complete::Shell::Zsh,
            CompletionShell::Fish => clap_complete::Shell::Fish,
            CompletionShell::PowerShell => clap_complete::Shell::PowerShell,
        }
    }
}

/// The completion script for `shell` of the command tree `cli` (`Cli::command()`), as
/// `orchctl completion SHELL` prints it.
pub fn completion(mut cli: clap::Command, shell: CompletionShell) -> Vec<u8> {
    let mut script = Vec::new();
    // Rendering into memory: clap_complete panics when its writer fails, a Vec never does.
    clap_complete::generate(shell.generator(), &mut cli, BIN_NAME, &mut script);
    script
}

/// Every generated file as (path relative to `completions/`, contents), in a stable order.
///
/// Fails only if rendering a man page fails, which it does not for in-memory output.
pub fn render_all(cli: &clap::Command) -> std::io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in CompletionShell::ALL {
        let name = shell.generator().file_name(BIN_NAME);
        files.push((PathBuf::from(name), completion(cli.clone(), shell)));
    }
    for (name, page) in man_pages(cli.clone())? {
        files.push((PathBuf::from("man").join(name), page));
    }
    Ok(files)
}

/// One man page for `orchctl` and one for each visible subcommand, nested ones included
/// (`orchctl-completion.1`), named as `clap_mangen::generate_to` would name them.
fn man_pages(cli: clap::Command) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn render(
        cmd: &clap::Command,
        source: &str,
        pages: &mut Vec<(String, Vec<u8>)>,
    ) -> std::io::Result<()> {
        let man = clap_mangen::Man::new(cmd.clone()).source(source);
        let mut page = Vec::new();
        man.render(&mut page)?;
        pages.push((man.get_filename(), page));
        for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            render(sub, source, pages)?;
        }
        Ok(())
    }

    // `orchctl help` needs no page of its own; building fills in the pages' display names.
    let mut cmd = cli.bin_name(BIN_NAME).disable_help_subcommand(true);
    cmd.build();
    let source = format!("{BIN_NAME} {}", env!("CARGO_PKG_VERSION"));
    let mut pages = Vec::new();
    render(&cmd, &source, &mut pages)?;
    // clap_mangen files `after_long_help` under EXTRA; on the root page that text is the
    // exit-status table, which man pages conventionally call EXIT STATUS.
    if let Some((_, root)) = pages.first_mut() {
        let page = String::from_utf8_lossy(root).replacen(
            ".SH EXTRA\nExit status:\n",
            ".SH \"EXIT STATUS\"\n",
            1,
        );
        *root = page.into_bytes();
    }
    Ok(pages)
}
