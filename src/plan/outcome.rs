//! How a command ended on one host, as an exit code and in words, and the
//! summary of a fan-out (`3/4 ok`).

use std::time::Duration;

/// How a run ended on one host.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub duration: Duration,
    pub timed_out: bool,
    pub cancelled: bool,
}

impl Finished {
    /// `exit 2`, `timed out`, `cancelled`, `killed by signal 9`.
    pub fn said(&self) -> String {
        if self.timed_out {
            return "timed out".into();
        }
        if self.cancelled {
            return "cancelled".into();
        }
        match (self.exit_code, self.signal) {
            (Some(code), _) => format!("exit {code}"),
            (None, Some(signal)) => format!("killed by signal {signal}"),
            (None, None) => "no exit status".into(),
        }
    }

    /// [`Finished::said`] with how long it took: `exit 2 in 1.2s`.
    pub fn describe(&self) -> String {
        let secs = self.duration.as_secs_f64();
        let said = self.said();
        if self.exit_code.is_some() && !self.timed_out && !self.cancelled {
            format!("{said} in {secs:.1}s")
        } else {
            format!("{said} after {secs:.1}s")
        }
    }
}

/// A host's result: the run's end, or why it could not run (no connection, ...).
pub type HostResult = Result<Finished, String>;

/// ssh's own code for "could not connect", so scripts can tell it apart.
pub const EXIT_NO_CONNECTION: u8 = 255;

/// The command's own exit code; 128+N for a signal, 124 for a timeout (as timeout(1)).
pub fn exit_code(result: &HostResult) -> u8 {
    let Ok(finished) = result else {
        return EXIT_NO_CONNECTION;
    };
    if finished.timed_out {
        return 124;
    }
    match (finished.exit_code, finished.signal) {
        (Some(code), _) => code.clamp(0, 255) as u8,
        (None, Some(signal)) => (128 + signal).clamp(0, 255) as u8,
        (None, None) => 1,
    }
}

/// `exit 2`, `timed out`, `killed by signal 9`, or the connection error.
pub fn describe(result: &HostResult) -> String {
    match result {
        Err(error) => error.lines().next().unwrap_or("failed").to_string(),
        Ok(finished) => finished.said(),
    }
}

/// How the console said a host's run ended, for the incident log: `exit 2`,
/// `timed out`, or `could not run: REASON (exit 255)`, the code `exec` exits with.
pub fn said_for_log(result: &HostResult) -> String {
    match result {
        Ok(finished) => finished.said(),
        Err(error) => format!(
            "could not run: {} (exit {EXIT_NO_CONNECTION})",
            error.lines().next().unwrap_or("failed")
        ),
    }
}

/// The shell's code for "command not found".
pub const EXIT_NOT_FOUND: i32 = 127;

/// A run that ended with exit 127 because a program it runs is not
/// installed: the program's name, from the shell's own complaint in the
/// last lines (`sh: 1: oc: not found`, `bash: line 1: oc: command not found`).
pub fn missing_program(result: &HostResult, last_lines: &[String]) -> Option<String> {
    let Ok(finished) = result else { return None };
    if finished.exit_code != Some(EXIT_NOT_FOUND) {
        return None;
    }
    last_lines.iter().rev().find_map(|line| {
        let line = line.trim_end();
        let before = line
            .strip_suffix(": command not found")
            .or_else(|| line.strip_suffix(": not found"))?;
        let name = before.rsplit(": ").next()?.trim();
        let plausible = !name.is_empty()
            && name.len() <= 128
            && !name
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '`');
        plausible.then(|| name.to_string())
    })
}

/// `` `oc` is not installed on web1 (exit 127: not found on its PATH) ``
pub fn explain_missing(program: &str, host: &str) -> String {
    let here = if host == crate::plan::LOCAL {
        "here".to_string()
    } else {
        format!("on {host}")
    };
    format!("`{program}` is not installed {here} (exit 127: not found on its PATH)")
}

/// The fan-out's exit code: 0 only if every host succeeded, else the first
/// non-zero one in the host group's order.
pub fn overall_exit_code<'a>(results: impl IntoIterator<Item = &'a HostResult>) -> u8 {
    results
        .into_iter()
        .map(exit_code)
        .find(|code| *code != 0)
        .unwrap_or(0)
}

/// `3/4 ok; web3: exit 2`
pub fn summary<'a>(results: impl IntoIterator<Item = (&'a str, &'a HostResult)>) -> String {
    let mut total = 0;
    let mut failed = Vec::new();
    for (host, result) in results {
        total += 1;
        if exit_code(result) != 0 {
            failed.push(format!("{host}: {}", describe(result)));
        }
    }
    let mut line = format!("{}/{total} ok", total - failed.len());
    if !failed.is_empty() {
        line.push_str("; ");
        line.push_str(&failed.join("; "));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn exited(code: i32) -> HostResult {
        Ok(Finished {
            exit_code: Some(code),
            signal: None,
            duration: Duration::ZERO,
            timed_out: false,
            cancelled: false,
        })
    }

    #[test]
    fn exit_127_names_the_program_the_shell_did_not_find() {
        let lines = |l: &str| vec!["some output".to_string(), l.to_string()];
        let dash = lines("sh: 1: oc: not found");
        assert_eq!(missing_program(&exited(127), &dash).as_deref(), Some("oc"));
        let bash = lines("bash: line 1: kubectl: command not found");
        assert_eq!(
            missing_program(&exited(127), &bash).as_deref(),
            Some("kubectl")
        );
        assert_eq!(missing_program(&exited(1), &dash), None);
        assert_eq!(missing_program(&exited(127), &lines("no such thing")), None);
    }

    #[test]
    fn the_first_failure_in_host_order_decides_the_exit_code() {
        let results = [exited(0), exited(3), Err("no route".into()), exited(0)];
        assert_eq!(overall_exit_code(&results), 3);
        assert_eq!(overall_exit_code(&[exited(0), exited(0)]), 0);
        let hosts = ["a", "b", "c", "d"];
        assert_eq!(
            summary(hosts.into_iter().zip(&results)),
            "2/4 ok; b: exit 3; c: no route"
        );
    }
}
