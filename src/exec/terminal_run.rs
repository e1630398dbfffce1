//! Commands that need a terminal (`interactive=true`, `kubectl exec -it`,
//! `oc rsh`, `kubectl edit`): run on the real terminal (here, or on an SSH
//! host through `ssh -tt`), stdin, stdout and stderr inherited, nothing read or kept of what is typed or shown. Only the
//! start, the end and the exit code are recorded.
//!
//! While the command has the terminal, Ctrl-C and Ctrl-\ are for it: opsdeck
//! ignores SIGINT and SIGQUIT (the command gets them back at their defaults)
//! and restores its own handlers afterwards. The timeout still holds.

use super::Finished;
use crate::plan::{Plan, Target};
use std::io::IsTerminal;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::time::{Duration, Instant};

/// Between SIGTERM at the timeout and SIGKILL.
const KILL_GRACE: Duration = Duration::from_secs(2);

/// Whether this process has a terminal to hand over.
pub fn have_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Runs the plan's script on this terminal, on the plan's host number
/// `host` (this machine, or an SSH host with a pty), and waits for it (its
/// timeout at most).
pub fn run_on_terminal(plan: &Plan, host: usize) -> Result<Finished, String> {
    let started = Instant::now();
    let mut kube = None;
    let mut command = match plan.targets.get(host) {
        Some(Target::Ssh(target)) => super::terminal_ssh::command(target, &plan.script)?,
        Some(Target::Local) | None => {
            let mut command = crate::shell::spawn::blocking_sh_command(&plan.script);
            // The pinned context's private kubeconfig, checked as for any Kubernetes run.
            if let Some(target) = &plan.kube {
                let config = crate::kube::private::prepare(target)?;
                command.env("KUBECONFIG", config.path());
                kube = Some(config);
            }
            command
        }
        Some(Target::Prometheus) => {
            return Err("a Prometheus query does not run on a terminal".into());
        }
    };
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGQUIT, libc::SIG_DFL);
            Ok(())
        });
    }
    let ignored = IgnoredSignals::new();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start sh: {e}"))?;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(format!("lost the command: {e}")),
        }
        if !timed_out && started.elapsed() >= plan.timeout {
            timed_out = true;
            stop(&mut child);
            break child.wait().map_err(|e| e.to_string())?;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(ignored);
    drop(kube);
    Ok(Finished {
        exit_code: status.code(),
        signal: status.signal(),
        duration: started.elapsed(),
        timed_out,
        cancelled: false,
    })
}

fn stop(child: &mut std::process::Child) {
    let pid = child.id() as i32;
    // SAFETY: kill(2) on our own child; no memory is touched.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let asked = Instant::now();
    while asked.elapsed() < KILL_GRACE {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
}

/// SIGINT and SIGQUIT ignored while it lives; the previous handlers after.
struct IgnoredSignals {
    previous: [(i32, libc::sigaction); 2],
}

impl IgnoredSignals {
    fn new() -> IgnoredSignals {
        let ignore = |signal: i32| {
            // SAFETY: sigaction with a zeroed struct set to SIG_IGN; the old one is kept.
            unsafe {
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = libc::SIG_IGN;
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(signal, &new, &mut old);
                (signal, old)
            }
        };
        IgnoredSignals {
            previous: [ignore(libc::SIGINT), ignore(libc::SIGQUIT)],
        }
    }
}

impl Drop for IgnoredSignals {
    fn drop(&mut self) {
        for (signal, old) in &self.previous {
            // SAFETY: puts back the handler sigaction returned.
            unsafe {
                libc::sigaction(*signal, old, std::ptr::null_mut());
            }
        }
    }
}
