//! The command line: parse arguments, dispatch, map outcomes to exit codes.

use crate::commands;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "opsdeck",
    version,
    about = "A terminal console for ops playbooks"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the console on one playbook.
    Open { playbook: PathBuf },
    /// Validate playbooks; prints `path:line:col: error: message` with a fix.
    Check {
        /// Files or directories (searched for .md, .yaml and .yml).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the parsed playbook model.
    Show {
        playbook: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        None => commands::list_library(),
        Some(Command::Open { playbook }) => commands::open(&playbook),
        Some(Command::Check { paths, format }) => commands::check(&paths, format),
        Some(Command::Show { playbook, format }) => commands::show(&playbook, format),
    };
    ExitCode::from(code)
}
