//! `command: CMD`: run it with `sh` as the local runner does (the script in
//! the environment, out of argv), judge its exit code and output.
//! A check with a remote `host` runs over SSH (`super::remote`) on every
//! host of the group; the worst host decides.

use super::outcome::{Failure, FailureKind, Outcome, Verdict, format_latency, snippet};
use super::probe::{Probe, ProbeFuture};
use super::remote::RemoteHost;
use crate::playbook::model::Expect;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt};

/// Output kept per stream; the rest is read and dropped so the child never blocks.
const MAX_OUTPUT: usize = 64 * 1024;

pub struct CommandProbe {
    script: String,
    /// A playbook host group; `None` or `local` runs here.
    host: Option<String>,
    expect: Expect,
    /// The SSH runners of `host`'s group and the run's timeout.
    remote: Option<(Vec<Arc<dyn RemoteHost>>, std::time::Duration)>,
}

impl CommandProbe {
    pub fn new(script: &str, host: Option<&str>, expect: Expect) -> CommandProbe {
        CommandProbe {
            script: script.to_string(),
            host: host
                .filter(|h| *h != crate::playbook::model::LOCAL)
                .map(str::to_string),
            expect,
            remote: None,
        }
    }

    /// Runs on these hosts over SSH, each run ended at `timeout`.
    pub fn with_remote(
        mut self,
        runners: Vec<Arc<dyn RemoteHost>>,
        timeout: std::time::Duration,
    ) -> CommandProbe {
        self.remote = Some((runners, timeout));
        self
    }

    async fn execute_remote(
        &self,
        runners: &[Arc<dyn RemoteHost>],
        timeout: std::time::Duration,
    ) -> Outcome {
        let start = Instant::now();
        let mut runs = tokio::task::JoinSet::new();
        for runner in runners {
            let (runner, script) = (runner.clone(), self.script.clone());
            runs.spawn(async move {
                let host = runner.host().to_string();
                (host, runner.run(&script, timeout).await)
            });
        }
        let mut outcomes = Vec::new();
        while let Some(joined) = runs.join_next().await {
            let Ok((host, ran)) = joined else { continue };
            let outcome = match ran {
                Ok(ran) => self.judge(ran.code, &ran.stdout, &ran.output, start.elapsed()),
                Err(why) => Outcome::down(
                    start.elapsed(),
                    Failure::new(FailureKind::Connect, self.asked(), why),
                ),
            };
            outcomes.push((host, outcome));
        }
        let worst = |v: Verdict| match v {
            Verdict::Down => 3,
            Verdict::Unknown => 2,
            Verdict::Degraded => 1,
            Verdict::Up => 0,
        };
        outcomes.sort_by_key(|(host, o)| (std::cmp::Reverse(worst(o.verdict)), host.clone()));
        let count = outcomes.len();
        let Some((host, mut outcome)) = outcomes.into_iter().next() else {
            let failure = Failure::new(
                FailureKind::Setup,
                self.asked(),
                "no host to run on".to_string(),
            );
            return Outcome::failed(Verdict::Unknown, start.elapsed(), failure);
        };
        outcome.summary = if count > 1 {
            format!("{host} (worst of {count}): {}", outcome.summary)
        } else {
            format!("{host}: {}", outcome.summary)
        };
        if let Some(failure) = &mut outcome.failure {
            failure.message = format!("on {host}: {}", failure.message);
        }
        outcome
    }

    async fn execute(&self) -> Outcome {
        let start = Instant::now();
        if let Some((runners, timeout)) = &self.remote {
            return self.execute_remote(runners, *timeout).await;
        }
        if let Some(host) = &self.host {
            return Outcome::failed(
                Verdict::Unknown,
                start.elapsed(),
                Failure::new(
                    FailureKind::Setup,
                    self.asked(),
                    format!(
                        "runs on `{host}` over SSH, and these checks were started without SSH hosts"
                    ),
                ),
            );
        }
        let mut command = crate::shell::spawn::sh_command(&self.script);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so a timeout kills what it started too.
            .process_group(0)
            .kill_on_drop(true);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) => {
                return Outcome::down(
                    start.elapsed(),
                    Failure::new(
                        FailureKind::Setup,
                        self.asked(),
                        format!("cannot start sh: {err}"),
                    ),
                );
            }
        };
        let group = child.id().map(GroupKiller);
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let (out, err, status) =
            tokio::join!(read_capped(stdout), read_capped(stderr), child.wait());
        // Finished normally: nothing left to kill, and the id may be reused soon.
        std::mem::forget(group);
        let latency = start.elapsed();
        let output = format!("{out}{err}");
        let code = match status {
            Ok(status) => status.code(),
            Err(err) => {
                return Outcome::down(
                    latency,
                    Failure::new(FailureKind::Setup, self.asked(), format!("lost sh: {err}")),
                );
            }
        };
        self.judge(code, &out, &output, latency)
    }

    fn judge(
        &self,
        code: Option<i32>,
        stdout: &str,
        output: &str,
        latency: std::time::Duration,
    ) -> Outcome {
        let fail = |verdict, message: String| {
            Outcome::failed(
                verdict,
                latency,
                Failure::new(FailureKind::Unexpected, self.asked(), message)
                    .answered(snippet(output, 200)),
            )
        };
        let expected = self.expect.exit_code.unwrap_or(0);
        if code != Some(expected) {
            let got = code.map_or("killed by a signal".to_string(), |c| format!("exit {c}"));
            let first = first_line(output);
            let said = if first.is_empty() {
                String::new()
            } else {
                format!(": {first}")
            };
            return fail(
                Verdict::Down,
                format!("{got}, expected exit {expected}{said}"),
            );
        }
        if let Some(needle) = &self.expect.output_contains
            && !output.contains(needle.as_str())
        {
            return fail(Verdict::Down, format!("output does not contain `{needle}`"));
        }
        if let Some(max) = self.expect.max_latency
            && latency > max
        {
            return fail(
                Verdict::Degraded,
                format!(
                    "slow: took {}, over {}",
                    format_latency(latency),
                    format_latency(max)
                ),
            );
        }
        let first = first_line(stdout);
        let summary = if first.is_empty() {
            format!("exit {expected} in {}", format_latency(latency))
        } else {
            first
        };
        Outcome::up(latency, summary)
    }
}

fn first_line(text: &str) -> String {
    snippet(
        text.lines().find(|l| !l.trim().is_empty()).unwrap_or(""),
        80,
    )
}

/// Reads a stream to its end, keeping the first `MAX_OUTPUT` bytes.
async fn read_capped(stream: Option<impl AsyncRead + Unpin>) -> String {
    let Some(mut stream) = stream else {
        return String::new();
    };
    let mut kept = Vec::new();
    let mut buffer = [0u8; 8192];
    while let Ok(n) = stream.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        let room = MAX_OUTPUT.saturating_sub(kept.len());
        kept.extend_from_slice(&buffer[..n.min(room)]);
    }
    String::from_utf8_lossy(&kept).into_owned()
}

/// Kills the command's whole process group when the probe is dropped at its
/// deadline, so a hung check does not leave its processes behind.
struct GroupKiller(u32);

impl Drop for GroupKiller {
    fn drop(&mut self) {
        if let Ok(pgid) = libc::pid_t::try_from(self.0) {
            // SAFETY: kill(2) with a negative pid signals that process group;
            // it touches no memory of ours.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }
}

impl Probe for CommandProbe {
    fn asked(&self) -> String {
        match &self.host {
            Some(host) => format!("sh -c {:?} on {host}", self.script),
            None => format!("sh -c {:?}", self.script),
        }
    }

    fn run(&self) -> ProbeFuture<'_> {
        Box::pin(self.execute())
    }
}
