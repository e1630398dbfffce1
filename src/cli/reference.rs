//! `opsdeck completions SHELL` and `opsdeck man`: generated from the same
//! argument definitions as the parser, so they never drift from it.

use clap::CommandFactory;
use std::io::Write;

pub fn completions(shell: clap_complete::Shell) -> u8 {
    let mut command = super::Cli::command();
    clap_complete::generate(shell, &mut command, "opsdeck", &mut std::io::stdout());
    0
}

pub fn man() -> u8 {
    let mut page = Vec::new();
    if let Err(err) = clap_mangen::Man::new(super::Cli::command()).render(&mut page) {
        eprintln!("opsdeck man: cannot render the man page: {err}");
        return 1;
    }
    match std::io::stdout().write_all(&page) {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("opsdeck man: cannot write the man page: {err}");
            1
        }
    }
}
