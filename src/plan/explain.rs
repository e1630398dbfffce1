//! What a command does, in words, for one without an `explain`: the
//! programs it runs, what the danger classifier says it changes (or the
//! files it reads), and where it runs. Learn mode shows it under each
//! command, so a newcomer never reads "no `explain` given".

use super::danger::Danger;
use crate::playbook::Playbook;
use crate::playbook::model::Command;
use crate::playbook::placeholders::neutralised;
use crate::shell::danger::programs;

/// Programs named before "and N more".
const MAX_PROGRAMS: usize = 4;
/// Files named before "…".
const MAX_FILES: usize = 3;

/// `runs `journalctl`, `tail`; reads /var/log/syslog; on web1, web2`
pub fn explain(command: &Command, playbook: &Playbook, danger: &Danger) -> String {
    let hosts = super::group_hosts(playbook, command).join(", ");
    let place = if command.host.is_local() {
        "on this machine".to_string()
    } else {
        format!("on {hosts} over SSH")
    };
    if command.lang == "promql" {
        let server = playbook
            .prometheus
            .as_deref()
            .unwrap_or("the playbook's Prometheus");
        return format!("asks {server} a PromQL query; reads only");
    }
    let script = neutralised(&command.run);
    let runs = programs(&script);
    let mut names: Vec<&str> = Vec::new();
    for run in &runs {
        if !names.contains(&run.program.as_str()) {
            names.push(&run.program);
        }
    }
    let programs = match names.len() {
        0 => "runs shell text".to_string(),
        n => {
            let shown: Vec<String> = names
                .iter()
                .take(MAX_PROGRAMS)
                .map(|p| format!("`{p}`"))
                .collect();
            let more = n.saturating_sub(MAX_PROGRAMS);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("runs {}{more}", shown.join(", "))
        }
    };
    let effect = match danger {
        // The author's `kind=remediate` says that it changes things; the
        // classifier, when it knows the command, says what.
        Danger::Changes { why, .. } => {
            let known = crate::shell::danger::classify(&script).map(|f| f.why);
            format!("CHANGES things: {}", known.as_deref().unwrap_or(why))
        }
        Danger::Reads => reads(&runs),
    };
    format!("{programs}; {effect}; {place}")
}

/// `reads /var/log/syslog, /etc/nginx/nginx.conf` or `reads only`.
fn reads(runs: &[crate::shell::danger::Run]) -> String {
    let mut files: Vec<&str> = Vec::new();
    for run in runs {
        for arg in &run.positionals {
            let path_like = arg.starts_with('/') || arg.starts_with("~/") || arg.starts_with("./");
            if path_like && !files.contains(&arg.as_str()) {
                files.push(arg);
            }
        }
    }
    if files.is_empty() {
        return "reads only: nothing in it is known to change things".into();
    }
    let more = if files.len() > MAX_FILES { ", …" } else { "" };
    let shown: Vec<&str> = files.into_iter().take(MAX_FILES).collect();
    format!("reads {}{more} (changes nothing known)", shown.join(", "))
}
