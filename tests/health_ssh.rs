//! `command` checks with a `host`: run over SSH on every host of the group,
//! through one pooled connection per host, against a real sshd.

mod common;
mod ssh_support;

use common::run_opsdeck_env;

fn playbook(dir: &std::path::Path, group: &str, checks: &str) -> std::path::PathBuf {
    let path = dir.join("db.md");
    std::fs::write(
        &path,
        format!("---\ntitle: Database\nhosts:\n  db: {group}\nchecks:\n{checks}---\n# Database\n\n## Look\n\n```bash\necho hi\n```\n"),
    )
    .unwrap();
    path
}

fn health(path: &std::path::Path) -> common::Output {
    run_opsdeck_env(
        path.parent().unwrap(),
        [
            "health",
            path.to_str().unwrap(),
            "--once",
            "--format",
            "json",
        ],
        &[
            ("OPSDECK_CONFIG", "/dev/null"),
            ("OPSDECK_SSH_CONNECT_TIMEOUT", "5s"),
        ],
    )
}

fn check<'a>(doc: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    doc.as_array()
        .or_else(|| doc["checks"].as_array())
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {doc}"))
}

#[test]
fn a_command_check_on_a_host_group_runs_over_ssh_on_every_host() {
    let Some(sshd) = ssh_support::start_or_skip("a_command_check_on_a_host_group") else {
        return;
    };
    let config = sshd.ssh_config(&["db1", "db2"]);
    let dir = tempfile::tempdir().unwrap();
    let path = playbook(
        dir.path(),
        &format!("{{hosts: [db1, db2], ssh_config: {}}}", config.display()),
        "  - {id: alive, command: 'echo alive-$((40+2))', host: db}\n  - {id: broken, command: 'echo sad >&2; exit 3', host: db}\n",
    );
    let out = health(&path);
    out.assert_exit(2);
    let doc: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let alive = check(&doc, "alive");
    assert_eq!(alive["status"], "up", "{alive}");
    assert!(
        alive.to_string().contains("alive-42"),
        "ran remotely by sh: {alive}"
    );
    assert!(
        alive.to_string().contains("worst of 2"),
        "on both hosts: {alive}"
    );
    let broken = check(&doc, "broken");
    assert_eq!(broken["status"], "down", "{broken}");
    assert!(broken.to_string().contains("exit 3"), "{broken}");
    assert_eq!(
        sshd.accepted_logins(),
        2,
        "one connection per host, shared by both checks:\n{}",
        sshd.log_text()
    );
}

#[test]
fn a_changed_host_key_is_down_and_says_so() {
    let Some(sshd) = ssh_support::start_or_skip("a_changed_host_key_is_down") else {
        return;
    };
    let wrong = sshd.wrong_known_hosts();
    let dir = tempfile::tempdir().unwrap();
    let path = playbook(
        dir.path(),
        &format!(
            "{{hosts: [127.0.0.1], port: {}, user: root, identity_file: {}, known_hosts: {}}}",
            sshd.port,
            sshd.client_key.display(),
            wrong.display()
        ),
        "  - {id: alive, command: 'echo alive', host: db}\n",
    );
    let out = health(&path);
    out.assert_exit(2);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let alive = check(&doc, "alive");
    assert_eq!(alive["status"], "down", "{alive}");
    let text = alive.to_string().to_lowercase();
    assert!(text.contains("host key"), "{alive}");
    assert_eq!(
        sshd.accepted_logins(),
        0,
        "nothing ran on a host with a changed key"
    );
}
