//! `opsdeck drill`: a simulated outage on 127.0.0.1 and its playbook, so a
//! newcomer can diagnose and fix a real (if small) broken service safely.

pub mod scenarios;
pub mod service;
pub mod summary;

use scenarios::{SCENARIOS, Scenario};
use std::path::Path;

/// The bundled drill playbooks, so a drill works from any directory.
fn playbook_text(scenario: &Scenario) -> &'static str {
    match scenario.name {
        "bad-deploy" => include_str!("../../playbooks/drills/bad-deploy.md"),
        "slow-dependency" => include_str!("../../playbooks/drills/slow-dependency.md"),
        _ => include_str!("../../playbooks/drills/disk-full.md"),
    }
}

pub fn list() -> u8 {
    println!("Drills (run one with `opsdeck drill NAME`):");
    for s in SCENARIOS {
        println!("  {:<16} {}", s.name, s.summary);
    }
    0
}

fn scenario_or_explain(name: &str) -> Option<&'static Scenario> {
    let found = scenarios::find(name);
    if found.is_none() {
        let names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
        eprintln!(
            "opsdeck drill: no scenario `{name}`; there are: {}",
            names.join(", ")
        );
    }
    found
}

/// A drill's directory, removed (with what the drill wrote) when dropped.
pub struct DrillDir {
    dir: tempfile::TempDir,
}

impl DrillDir {
    /// A fresh private directory (0700) under the temp dir with a random
    /// name, made by this call: never one that was there already (a name
    /// someone could guess and plant first, as a symlink). Removed on drop.
    pub fn create(scenario: &Scenario) -> std::io::Result<DrillDir> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::Builder::new()
            .prefix(&format!("opsdeck-drill-{}-", scenario.name))
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir()?;
        Ok(DrillDir { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// The drill's directory with the fault in place and its playbook beside it.
pub fn setup(scenario: &'static Scenario) -> Result<DrillDir, String> {
    let dir = DrillDir::create(scenario).map_err(|e| {
        format!(
            "cannot create a private directory under {}: {e}",
            std::env::temp_dir().display()
        )
    })?;
    lay_out(scenario, dir.path())?;
    Ok(dir)
}

fn lay_out(scenario: &'static Scenario, dir: &Path) -> Result<(), String> {
    service::prepare(dir, scenario)
        .map_err(|e| format!("cannot prepare {}: {e}", dir.display()))?;
    std::fs::write(dir.join("playbook.md"), playbook_text(scenario))
        .map_err(|e| format!("cannot write the playbook: {e}"))
}

/// Starts the service on a laid-out directory; the caller stops it by
/// removing the directory or writing `stop` into it.
fn start(scenario: &'static Scenario, dir: &Path) -> Result<std::thread::JoinHandle<()>, String> {
    // Bind first so a busy port is a clear error, not a silent thread death.
    std::net::TcpListener::bind(("127.0.0.1", scenario.port)).map_err(|e| {
        format!(
            "port 127.0.0.1:{} is not free ({e}); is another drill running?",
            scenario.port
        )
    })?;
    let dir = dir.to_path_buf();
    Ok(std::thread::spawn(move || {
        if let Err(err) = service::serve(dir, scenario) {
            eprintln!("opsdeck drill: the simulated service stopped: {err}");
        }
    }))
}

/// `opsdeck drill SCENARIO`: start the outage, open its playbook, then sum up.
pub fn run(name: &str) -> u8 {
    let Some(scenario) = scenario_or_explain(name) else {
        return 1;
    };
    let started = std::time::SystemTime::now();
    let drill = match setup(scenario) {
        Ok(drill) => drill,
        Err(err) => {
            eprintln!("opsdeck drill: {err}");
            return 1;
        }
    };
    let dir = drill.path();
    let service = match start(scenario, dir) {
        Ok(handle) => handle,
        Err(err) => {
            eprintln!("opsdeck drill: {err}");
            return 1;
        }
    };
    let playbook_path = dir.join("playbook.md");
    let vars = [("drill_dir".to_string(), dir.display().to_string())].into();
    let options = crate::runtime::ConsoleOptions {
        mode: crate::app::Mode::Live,
        vars,
        new_incident: true,
        drill: true,
        alert: None,
    };
    let code = crate::commands::open(&playbook_path, options);
    println!(
        "{}",
        summary::summarize(scenario, dir, &playbook_path, started)
    );
    let _ = std::fs::write(dir.join("stop"), "");
    let _ = service.join();
    drop(drill);
    code
}

/// `opsdeck drill SCENARIO --serve DIR`: only the simulated service, for
/// scripted rehearsals and tests that drive the playbook with `opsdeck exec`.
pub fn serve_only(name: &str, dir: &Path) -> u8 {
    let Some(scenario) = scenario_or_explain(name) else {
        return 1;
    };
    match lay_out(scenario, dir).and_then(|()| start(scenario, dir)) {
        Ok(handle) => {
            println!(
                "serving {} on http://127.0.0.1:{}/health; playbook {}",
                scenario.name,
                scenario.port,
                dir.join("playbook.md").display()
            );
            let _ = handle.join();
            0
        }
        Err(err) => {
            eprintln!("opsdeck drill: {err}");
            1
        }
    }
}
