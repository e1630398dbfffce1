//! The command line's definitions (clap derive): every subcommand, flag and
//! value, so completions and the man page come from the same place.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
    /// The background keeper of SSH connections that `exec` starts itself.
    #[command(hide = true)]
    SshKeeper { socket: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum LogCommand {
    /// Every incident: id, state, events, start, title (`--format json`:
    /// full ids and every field).
    List {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
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
pub(super) fn with_alert(
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
