//! A private tmux server for end-to-end tests of the real binary: start a
//! command in a pane (120×40 unless asked), send keys, wait (bounded) for text on screen.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// A private tmux server running one command in a 120×40 pane.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `script` in tmux, or returns None (loudly) when tmux is missing.
    pub fn start(name: &str, script: &str) -> Option<Tmux> {
        Tmux::start_sized(name, script, 120, 40)
    }

    /// Starts `script` in a `width`×`height` pane, or returns None (loudly)
    /// when tmux is missing.
    pub fn start_sized(name: &str, script: &str, width: u16, height: u16) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            let required = std::env::var("OPSDECK_REQUIRE_E2E").is_ok_and(|v| v == "1");
            assert!(!required, "tmux is not installed but OPSDECK_REQUIRE_E2E=1");
            eprintln!("\n*** SKIPPED {name}: tmux is not installed (apt-get install tmux) ***\n");
            return None;
        }
        let tmux = Tmux {
            socket: format!("opsdeck-{name}-{}", std::process::id()),
        };
        let status = tmux
            .cmd(&[
                "new-session",
                "-d",
                "-s",
                "app",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                script,
            ])
            .status()
            .expect("run tmux");
        assert!(status.success(), "tmux new-session failed");
        Some(tmux)
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut command = Command::new("tmux");
        command
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args);
        command
    }

    pub fn screen(&self) -> String {
        let output = self
            .cmd(&["capture-pane", "-p", "-t", "app"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "app"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status().unwrap().success());
        // Esc and the next key read together are one Alt+key: a pause lets
        // the console read a lone Esc, as a person's typing would.
        if keys.last() == Some(&"Escape") {
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Polls the pane until `text` shows up (bounded), failing with the last
    /// screen. A capture can catch a frame half drawn, so the screen is
    /// returned once two captures in a row agree (or, for a screen that keeps
    /// changing, the last one that shows `text`).
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut previous: Option<String> = None;
        let mut unsettled = 0;
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                if previous.as_deref() == Some(screen.as_str()) || unsettled >= 10 {
                    return screen;
                }
                unsettled += 1;
                previous = Some(screen);
                std::thread::sleep(Duration::from_millis(30));
                continue;
            }
            previous = None;
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Tmux {
    /// Polls the pane until `ready` holds for it (bounded), failing with
    /// `what` and the last screen.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting until {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last non-empty row: the console's status bar.
    pub fn status_line(screen: &str) -> &str {
        screen
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).status();
    }
}
