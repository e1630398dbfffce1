//! The one way opsdeck starts `sh` for a script: commands (`exec::local`)
//! and `command:` health checks alike, so a script never reaches argv.

use tokio::process::Command;

/// `sh -c` this with the script in `OPSDECK_SCRIPT`: the variable is unset
/// on the script's first line, before any of it runs, so nothing the script
/// starts inherits it. `$0`, status and line numbers stay those of `sh -c SCRIPT`.
const RUN_SCRIPT: &str = r#"eval "unset OPSDECK_SCRIPT; $OPSDECK_SCRIPT""#;

/// `sh` set to run `script`, which stays out of argv.
pub fn sh_command(script: &str) -> Command {
    Command::from(blocking_sh_command(script))
}

/// [`sh_command`] for a blocking run (a command handed the terminal).
pub fn blocking_sh_command(script: &str) -> std::process::Command {
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(RUN_SCRIPT)
        .env("OPSDECK_SCRIPT", script);
    command
}
