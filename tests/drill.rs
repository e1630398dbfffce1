//! Every drill can be solved end to end, headless: the simulated service is
//! down, a wrong turn does not fix it, the playbook's fix does.

mod common;

use common::run_opsdeck_env;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Service {
    child: Child,
    dir: std::path::PathBuf,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = std::fs::write(self.dir.join("stop"), "");
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline && self.child.try_wait().ok().flatten().is_none() {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(scenario: &str, dir: &Path) -> Service {
    let child = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["drill", scenario, "--serve"])
        .arg(dir)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let service = Service {
        child,
        dir: dir.to_path_buf(),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !dir.join("playbook.md").exists() {
        assert!(Instant::now() < deadline, "the drill service did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    service
}

fn health(dir: &Path, data: &str) -> i32 {
    let out = run_opsdeck_env(
        dir,
        ["health", "playbook.md", "--once"],
        &[("OPSDECK_DATA_DIR", data)],
    );
    out.status.code().unwrap_or(-1)
}

fn exec(dir: &Path, data: &str, command: &str) -> common::Output {
    let var = format!("drill_dir={}", dir.display());
    run_opsdeck_env(
        dir,
        ["exec", "playbook.md", command, "--yes", "--var", &var],
        &[("OPSDECK_DATA_DIR", data)],
    )
}

fn solve(scenario: &str, diagnose: &str, fix: &str) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("drill");
    let data = work.path().join("data").display().to_string();
    let _service = serve(scenario, &dir);
    let deadline = Instant::now() + Duration::from_secs(10);
    while health(&dir, &data) != 2 {
        assert!(
            Instant::now() < deadline,
            "{scenario}: the service never showed its fault"
        );
    }
    exec(&dir, &data, diagnose).assert_exit(0);
    exec(&dir, &data, "restart-app").assert_exit(0);
    assert_eq!(
        health(&dir, &data),
        2,
        "{scenario}: a restart of the app must not fix it"
    );
    exec(&dir, &data, fix).assert_exit(0);
    assert_eq!(
        health(&dir, &data),
        0,
        "{scenario}: the playbook's fix did not clear the fault"
    );
}

#[test]
fn bad_deploy_is_fixed_by_the_rollback() {
    solve("bad-deploy", "deploys", "rollback");
}

#[test]
fn slow_dependency_is_fixed_by_restarting_the_cache() {
    solve("slow-dependency", "cache-state", "restart-cache");
}

#[test]
fn disk_full_is_fixed_by_removing_the_core_dump() {
    solve("disk-full", "usage", "remove-dump");
}

#[test]
fn drill_list_names_at_least_three_scenarios_and_an_unknown_one_is_refused() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::run_opsdeck_in(here, ["drill", "--list"]);
    out.assert_exit(0);
    for name in ["bad-deploy", "slow-dependency", "disk-full"] {
        assert!(out.stdout.contains(name), "{}", out.stdout);
    }
    let out = common::run_opsdeck_in(here, ["drill", "no-such-drill"]);
    out.assert_exit(1);
    assert!(out.stderr.contains("bad-deploy"), "{}", out.stderr);
}
