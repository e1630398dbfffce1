//! The command line: parse arguments, dispatch, map outcomes to exit codes.
//! Every subcommand's body is a file here, a thin adapter from arguments to
//! the library and an exit code.

pub mod alerts;
pub mod alerts_claim;
pub mod alerts_open;
pub mod alerts_picker;
pub mod check;
pub mod drill;
pub mod exec;
pub mod health;
pub mod load;
pub mod log;
pub mod log_close;
pub mod open;
pub mod reference;
pub mod show;

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
    pub command: Option<CliCommand>,
    /// Colours of the picker (bare `opsdeck`): dark, light, high-contrast, or a theme file.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum CliCommand {
    /// Open the console on one playbook.
    Open {
        playbook: PathBuf,
        /// Show what would run, run nothing.
        #[arg(long)]
        dry_run: bool,
        /// Disable remediations.
        #[arg(long, conflicts_with = "dry_run")]
        read_only: bool,
        /// Learn a playbook safely: a dry run that explains each command and check.
        #[arg(long, conflicts_with_all = ["dry_run", "read_only"])]
        learn: bool,
        /// Fill a placeholder: `--var unit=shop-web` (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
        vars: Vec<(String, String)>,
        /// The alert being handled: its labels fill matching placeholders (`--alert namespace=prod`).
        #[arg(long = "alert", value_name = "LABEL=VALUE", value_parser = parse_var)]
        alert: Vec<(String, String)>,
        /// Start a new incident instead of resuming the open one of this playbook.
        #[arg(long)]
        new_incident: bool,
        /// Colours: dark (default), light, high-contrast, or a theme file.
        #[arg(long, value_name = "NAME|PATH")]
        theme: Option<String>,
    },
    /// Validate playbooks; prints `path:line:col: error: message` with a fix.
    Check {
        /// Files or directories (searched for .md, .yaml and .yml).
        #[arg(required_unless_present = "rules")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// `--deny warnings`: warnings fail the check too (for CI of playbook repositories).
        #[arg(long, value_enum)]
        deny: Option<Deny>,
        /// List the lint rules, why each exists, and how to silence one.
        #[arg(long)]
        rules: bool,
    },
    /// Write a commented playbook that passes `check --deny warnings` and teaches the format.
    New {
        /// The playbook's name; the file is NAME.md (or .yaml).
        name: String,
        #[arg(long, value_enum, default_value_t = NewFormat::Md)]
        format: NewFormat,
    },
    /// Run one command without the console, confirmed and logged like in it.
    Exec {
        playbook: PathBuf,
        command_id: String,
        /// Fill a placeholder: `--var unit=shop-web` (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
        vars: Vec<(String, String)>,
        /// The alert being handled: its labels fill matching placeholders (`--alert namespace=prod`).
        #[arg(long = "alert", value_name = "LABEL=VALUE", value_parser = parse_var)]
        alert: Vec<(String, String)>,
        /// Confirm a remediation without the typed prompt.
        #[arg(long)]
        yes: bool,
        /// Print what would run where, and run nothing.
        #[arg(long)]
        dry_run: bool,
        /// Refuse remediations.
        #[arg(long)]
        read_only: bool,
        /// Run on this one host of the command's host group (default: all of them).
        #[arg(long, value_name = "HOST")]
        host: Option<String>,
    },
    /// Rehearse: a simulated outage on 127.0.0.1 and its playbook.
    Drill {
        /// The scenario (default: bad-deploy); `--list` shows them all.
        #[arg(default_value = "bad-deploy")]
        scenario: String,
        /// List the scenarios.
        #[arg(long)]
        list: bool,
        /// Only run the simulated service, with its files in DIR (for scripted rehearsals).
        #[arg(long, value_name = "DIR")]
        serve: Option<PathBuf>,
    },
    /// The firing alerts from Alertmanager, with who holds each and its playbook;
    /// on a terminal, pick one to open its playbook.
    Alerts {
        /// Alertmanager's base URL (else OPSDECK_ALERTMANAGER_URL, else `alertmanager:` in the config file).
        #[arg(long, value_name = "URL")]
        alertmanager: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Claim an alert: a silence for its exact labels, created by you, naming the incident.
        #[arg(long, value_name = "FINGERPRINT", conflicts_with = "expire")]
        claim: Option<String>,
        /// How long the claim holds (with --claim): 30m, 2h (default), at most 7d.
        #[arg(long = "for", value_name = "DURATION", requires = "claim")]
        claim_for: Option<String>,
        /// Confirm the claim without the typed prompt.
        #[arg(long, requires = "claim")]
        yes: bool,
        /// Expire a silence (a claim) by its id.
        #[arg(long, value_name = "SILENCE_ID")]
        expire: Option<String>,
    },
    /// Read incident logs.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Run the playbook's health checks once (exit 0 nothing down, 2 something down), or `--watch`.
    Health {
        playbook: PathBuf,
        /// Run every check once and exit (the default).
        #[arg(long, conflicts_with = "watch")]
        once: bool,
        /// Keep checking and print each status change until interrupted.
        #[arg(long)]
        watch: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the parsed playbook model.
    Show {
        playbook: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a shell completion script: `opsdeck completions bash > /etc/bash_completion.d/opsdeck`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff): `opsdeck man > opsdeck.1`.
    Man,
}

#[derive(Subcommand, Debug)]
pub enum LogCommand {
    /// Every incident: id, state, events, start, title.
    List,
    /// One incident's timeline.
    Show { id: String },
    /// Check the hash chain and the head kept beside it: say where the chain
    /// breaks and how many events are missing.
    Verify {
        id: String,
        /// A chain head kept elsewhere (from the webhook or an export): the
        /// log must contain an event with this hash, so a rewritten log fails.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
    /// End an incident: records who, when, the summary and the mitigation.
    Close {
        id: String,
        /// One line for the postmortem: what fixed it.
        #[arg(long, value_name = "TEXT")]
        summary: Option<String>,
        /// Also expire the silences this incident claimed (a terminal is asked otherwise).
        #[arg(long)]
        expire_silences: bool,
    },
    /// A postmortem skeleton (md) or the events (json).
    Export {
        id: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
        format: ExportFormat,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
}

/// `--var`s, then the alert's labels under their own prefix.
fn with_alert(
    vars: Vec<(String, String)>,
    alert: Vec<(String, String)>,
) -> std::collections::BTreeMap<String, String> {
    let labels = alert.into_iter().map(|(k, v)| {
        (
            format!(
                "{}{}",
                crate::plan::values::ALERT_PREFIX,
                k.to_ascii_lowercase()
            ),
            v,
        )
    });
    vars.into_iter().chain(labels).collect()
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NewFormat {
    Md,
    Yaml,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(
        cli.command,
        Some(
            CliCommand::Open { .. }
                | CliCommand::Exec { .. }
                | CliCommand::Health { .. }
                | CliCommand::Drill { .. }
        )
    ) {
        restore_default_sigpipe();
    }
    let code = match cli.command {
        None => open::pick(cli.theme.as_deref()),
        Some(CliCommand::Open {
            playbook,
            dry_run,
            read_only,
            learn,
            vars,
            alert,
            new_incident,
            theme,
        }) => {
            let mode = if learn {
                crate::app::Mode::Learn
            } else if dry_run {
                crate::app::Mode::DryRun
            } else if read_only {
                crate::app::Mode::ReadOnly
            } else {
                crate::app::Mode::Live
            };
            let options = crate::runtime::ConsoleOptions {
                mode,
                vars: with_alert(vars, alert),
                new_incident,
                drill: false,
                alert: None,
            };
            open::open_with_theme(&playbook, options, theme.as_deref())
        }
        Some(CliCommand::Check { rules: true, .. }) => crate::playbook::scaffold::print_rules(),
        Some(CliCommand::Check {
            paths,
            format,
            deny,
            ..
        }) => check::check(&paths, format, deny.is_some()),
        Some(CliCommand::New { name, format }) => {
            crate::playbook::scaffold::write_new(&name, format == NewFormat::Yaml)
        }
        Some(CliCommand::Show { playbook, format }) => show::show(&playbook, format),
        Some(CliCommand::Exec {
            playbook,
            command_id,
            vars,
            alert,
            yes,
            dry_run,
            read_only,
            host,
        }) => {
            let options = crate::exec::headless::ExecOptions {
                vars: with_alert(vars, alert),
                yes,
                dry_run,
                read_only,
                host,
            };
            exec::exec(&playbook, &command_id, &options)
        }
        Some(CliCommand::Health {
            playbook,
            once,
            watch,
            format,
        }) => health::run(&playbook, once, watch, format == Format::Json),
        Some(CliCommand::Drill {
            scenario,
            list,
            serve,
        }) => match (list, serve) {
            (true, _) => drill::list(),
            (false, Some(dir)) => drill::serve_only(&scenario, &dir),
            (false, None) => drill::run(&scenario),
        },
        Some(CliCommand::Alerts {
            alertmanager,
            format,
            claim,
            claim_for,
            yes,
            expire,
        }) => alerts::run(alerts::AlertsArgs {
            alertmanager,
            json: format == Format::Json,
            claim,
            claim_for,
            yes,
            expire,
        }),
        Some(CliCommand::Log { command }) => match command {
            LogCommand::List => log::list(),
            LogCommand::Show { id } => log::show(&id),
            LogCommand::Verify { id, head } => log::verify(&id, head.as_deref()),
            LogCommand::Export { id, format } => log::export(&id, format == ExportFormat::Json),
            LogCommand::Close {
                id,
                summary,
                expire_silences,
            } => log_close::run(&id, summary.as_deref(), expire_silences),
        },
        Some(CliCommand::Completions { shell }) => reference::completions(shell),
        Some(CliCommand::Man) => reference::man(),
    };
    ExitCode::from(code)
}

/// Printing commands end quietly when their reader goes away (`opsdeck check | head`),
/// as Unix tools do, instead of failing on a broken pipe. The console and `exec`
/// keep SIGPIPE ignored: they must finish recording what they ran.
fn restore_default_sigpipe() {
    // SAFETY: resetting a signal disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
