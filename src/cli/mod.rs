//! The command line: parse arguments, dispatch, map outcomes to exit codes.
//! Every subcommand's body is a file here, a thin adapter from arguments to
//! the library and an exit code.

pub mod alerts;
pub mod alerts_claim;
pub mod alerts_open;
pub mod alerts_picker;
pub mod args;
pub mod check;
pub mod drill;
pub mod exec;
pub mod health;
pub mod load;
pub mod log;
pub mod log_close;
pub mod log_list;
pub mod open;
pub mod reference;
pub mod show;

pub use args::*;
use clap::Parser;
use std::process::ExitCode;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(
        cli.command,
        Some(
            CliCommand::Open { .. }
                | CliCommand::Exec { .. }
                | CliCommand::Health { .. }
                | CliCommand::Drill { .. }
                | CliCommand::SshKeeper { .. }
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
                broken: Default::default(),
                from_list: false,
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
        Some(CliCommand::SshKeeper { socket }) => crate::exec::keeper::server::serve(&socket),
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
            LogCommand::List { format } => log_list::run(format == Format::Json),
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
