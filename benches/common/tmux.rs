//! A private tmux server running one command in a 200×60 pane, for the
//! benchmarks that watch a real terminal.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux(String);

impl Tmux {
    /// `None` when tmux is missing or cannot start.
    pub fn start(name: &str, command: &str) -> Option<Tmux> {
        let socket = format!("opsdeck-bench-{name}-{}", std::process::id());
        let ok = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "60",
                command,
            ])
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmux(socket))
    }

    pub fn socket(&self) -> &str {
        &self.0
    }

    pub fn pid(&self) -> Option<u32> {
        let out = Command::new("tmux")
            .args(["-L", &self.0, "display-message", "-p", "#{pane_pid}"])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }

    /// The pane's text as shown now.
    pub fn screen(&self) -> String {
        Command::new("tmux")
            .args(["-L", &self.0, "capture-pane", "-p"])
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
            .unwrap_or_default()
    }

    pub fn keys(&self, keys: &[&str]) {
        let _ = Command::new("tmux")
            .args(["-L", &self.0, "send-keys"])
            .args(keys)
            .status();
    }

    /// Polls the screen until `shown(screen)` holds; the time it took, or
    /// `None` after `limit`.
    pub fn until(&self, limit: Duration, shown: impl Fn(&str) -> bool) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if shown(&self.screen()) {
                return Some(start.elapsed());
            }
        }
        None
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.0, "kill-server"])
            .status();
    }
}
