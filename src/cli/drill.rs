//! `opsdeck drill [SCENARIO] [--serve DIR] [--list]`.

use crate::drill::scenarios::{self, SCENARIOS, Scenario};
use crate::drill::{lay_out, setup, start, summary};
use std::path::Path;

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
        broken: Default::default(),
        from_list: false,
    };
    let code = super::open::open(&playbook_path, options);
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
