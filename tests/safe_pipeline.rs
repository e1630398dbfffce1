//! The examples a hostile reviewer tried against `opsdeck exec`, tried again
//! as they were: each is now inert, refused, or asks for confirmation.

mod common;

use common::{Output, run_opsdeck_env};
use std::path::Path;

const PLAYBOOK: &str = r#"---
title: Hostile
service: shop
variables:
  db_password: {secret: true, description: the database password}
---
# Hostile

## Values
```sh {id=single}
echo '{{pattern}}'
```

```sh {id=double}
echo "msg: {{msg}}"
```

```sh {id=alert-ns}
echo "ns=<namespace>"
```

```sh {id=nested}
echo {{msg}} <pod>
```

```sh {id=by-word}
echo delete pod <job pod>
```

```sh {id=restart-unit}
echo restarting {{unit}}
```

## Destructive without kind
```sh {id=rm-file}
/bin/rm victim.txt
```

```sh {id=find-delete}
find . -name victim.txt -delete
```

```sh {id=truncate-log}
: > victim.txt
```

```sh {id=sed-in-place}
sed -i s/intact/changed/ victim.txt
```

```sh {id=rollout-undo}
kubectl rollout undo deploy/shop
```

```sh {id=flush-firewall}
iptables -F
```

```sh {id=flush-redis}
redis-cli FLUSHALL
```

```sh {id=prune-docker}
docker system prune -f
```

## Secrets
```sh {id=secret-env-form}
echo "pw=$DB_PASSWORD"
```

```sh {id=secret-angle-form}
echo pw=<db_password>
```

```sh {id=secret-template-form}
echo "pw={{db_password}}"
```

```sh {id=from-environment}
echo "connecting to $DATABASE_URL"
```
"#;

struct Fixture {
    dir: tempfile::TempDir,
    data: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pb.md"), PLAYBOOK).unwrap();
        std::fs::write(dir.path().join("victim.txt"), "intact\n").unwrap();
        Fixture {
            dir,
            data: tempfile::tempdir().unwrap(),
        }
    }

    fn exec(&self, args: &[&str]) -> Output {
        self.exec_env(args, &[])
    }

    fn exec_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let data = self.data.path().to_str().unwrap().to_string();
        let mut envs = vec![("OPSDECK_DATA_DIR", data.as_str())];
        envs.extend_from_slice(env);
        let mut all = vec!["exec", "pb.md"];
        all.extend_from_slice(args);
        run_opsdeck_env(self.dir.path(), all, &envs)
    }

    fn pwned(&self) -> bool {
        self.dir.path().join("pwned").exists()
    }

    fn victim(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join("victim.txt")).ok()
    }

    /// Every byte opsdeck wrote under its data dir: events and output files.
    fn everything_written(&self) -> String {
        let mut text = String::new();
        collect(self.data.path(), &mut text);
        text
    }
}

fn collect(dir: &Path, text: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, text);
        } else {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
}

#[test]
fn values_that_were_code_are_printed_as_data() {
    let f = Fixture::new();
    let out = f.exec(&["single", "--var", "pattern=$(touch pwned)"]);
    out.assert_exit(0);
    assert_eq!(out.stdout, "$(touch pwned)\n");
    let out = f.exec(&["double", "--var", "msg=$(touch pwned) `touch pwned` \"x"]);
    out.assert_exit(0);
    assert_eq!(out.stdout, "msg: $(touch pwned) `touch pwned` \"x\n");
    let out = f.exec(&["alert-ns", "--alert", "namespace=\";touch pwned;\""]);
    out.assert_exit(0);
    assert_eq!(out.stdout, "ns=\";touch pwned;\"\n");
    assert!(!f.pwned(), "a value ran as code");
}

#[test]
fn a_value_is_never_read_again_for_placeholders() {
    let f = Fixture::new();
    let out = f.exec(&["nested", "--var", "msg=a<pod>b", "--alert", "pod=;id;"]);
    out.assert_exit(0);
    assert_eq!(out.stdout, "a<pod>b ;id;\n");
}

#[test]
fn the_dry_run_shows_the_resolved_command_quoted_as_it_runs() {
    let f = Fixture::new();
    let out = f.exec(&["single", "--var", "pattern=$(touch pwned)", "--dry-run"]);
    out.assert_exit(0);
    assert!(
        out.stdout.contains("echo '$(touch pwned)'"),
        "{}",
        out.stdout
    );
    assert!(!f.pwned());
}

#[test]
fn an_alert_label_never_fills_a_placeholder_by_one_of_its_words() {
    let f = Fixture::new();
    let out = f.exec(&["by-word", "--alert", "job=kube-state-metrics"]);
    out.assert_exit(3);
    assert!(
        out.stderr.contains("no value for job_pod"),
        "{}",
        out.stderr
    );
}

#[test]
fn commands_that_change_things_need_yes_whatever_their_kind() {
    let f = Fixture::new();
    for id in [
        "rm-file",
        "find-delete",
        "truncate-log",
        "sed-in-place",
        "rollout-undo",
        "flush-firewall",
        "flush-redis",
        "prune-docker",
    ] {
        let out = f.exec(&[id]);
        out.assert_exit(3);
        assert!(
            out.stderr.contains("changes things"),
            "{id}: {}",
            out.stderr
        );
        assert_eq!(f.victim().as_deref(), Some("intact\n"), "{id} ran");
    }
    f.exec(&["sed-in-place", "--yes"]).assert_exit(0);
    assert_eq!(f.victim().as_deref(), Some("changed\n"), "--yes runs it");
    f.exec(&["rm-file", "--yes"]).assert_exit(0);
    assert_eq!(f.victim(), None);
}

#[test]
fn a_secret_never_reaches_the_log_or_output_files_in_any_form() {
    let f = Fixture::new();
    let secret = "it's-a-s3cret-pw";
    for id in [
        "secret-env-form",
        "secret-angle-form",
        "secret-template-form",
    ] {
        let out = f.exec(&[id, "--var", &format!("db_password={secret}")]);
        out.assert_exit(0);
        assert!(
            out.stdout.contains(secret),
            "{id} ran with it: {}",
            out.stdout
        );
    }
    let url = "postgres://app:hunter2-env-pw@db1/shop";
    f.exec_env(&["from-environment"], &[("DATABASE_URL", url)])
        .assert_exit(0);
    let written = f.everything_written();
    assert!(
        written.contains("secret-template-form"),
        "the runs were recorded"
    );
    for form in [secret, r"it'\''s-a-s3cret-pw", "s3cret", "hunter2-env-pw"] {
        assert!(!written.contains(form), "`{form}` was written:\n{written}");
    }
}

#[test]
fn a_placeholder_where_no_quoting_is_safe_is_a_check_error_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# T\n\n## S\n```sh {id=expand}\necho ok\necho ${X:-{{v}}}\n```\n";
    std::fs::write(dir.path().join("pb.md"), text).unwrap();
    let out = run_opsdeck_env(dir.path(), ["check", "pb.md"], &[]);
    out.assert_exit(1);
    assert!(
        out.stdout.contains("pb.md:6:11: error:") && out.stdout.contains("unsafe-placeholder"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_value_that_is_not_utf8_is_a_clear_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let f = Fixture::new();
    let value = std::ffi::OsStr::from_bytes(b"pattern=\xff\xfe");
    let data = f.data.path().to_str().unwrap().to_string();
    let args: Vec<&std::ffi::OsStr> = ["exec", "pb.md", "single", "--var"]
        .iter()
        .map(std::ffi::OsStr::new)
        .chain([value])
        .collect();
    let out = run_opsdeck_env(f.dir.path(), args, &[("OPSDECK_DATA_DIR", data.as_str())]);
    out.assert_exit(2);
    assert!(out.stderr.contains("UTF-8"), "{}", out.stderr);
}

#[test]
fn an_unsafe_placeholder_in_a_transcript_is_reported_after_its_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# R\n\n## Look\n```console\n$ echo one\n$ echo ${X:-{{v}}}\n```\n";
    std::fs::write(dir.path().join("rb.md"), text).unwrap();
    let out = run_opsdeck_env(dir.path(), ["check", "rb.md"], &[]);
    out.assert_exit(1);
    assert!(out.stdout.contains("rb.md:6:13: error:"), "{}", out.stdout);
}

#[test]
fn what_an_ssh_config_runs_locally_is_named_by_check_and_shown_before_running() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ssh_config"),
        "Host web1\n  HostName 127.0.0.1\n  ProxyCommand sh -c 'touch pwned; nc %h %p'\n",
    )
    .unwrap();
    let text = "---\ntitle: P\nhosts:\n  web: {hosts: [web1], ssh_config: ssh_config}\n---\n# P\n\n## S\n```sh {id=up host=web}\nuptime\n```\n";
    std::fs::write(dir.path().join("pb.md"), text).unwrap();
    let check = run_opsdeck_env(dir.path(), ["check", "pb.md"], &[]);
    check.assert_exit(0);
    assert!(
        check.stdout.contains("ssh-config-runs-command")
            && check
                .stdout
                .contains("ProxyCommand sh -c 'touch pwned; nc %h %p'"),
        "{}",
        check.stdout
    );
    let data = dir.path().join("data").display().to_string();
    let dry = run_opsdeck_env(
        dir.path(),
        ["exec", "pb.md", "up", "--dry-run"],
        &[("OPSDECK_DATA_DIR", data.as_str())],
    );
    dry.assert_exit(0);
    assert!(
        dry.stdout
            .contains("connecting runs here: ProxyCommand sh -c 'touch pwned; nc %h %p'"),
        "{}",
        dry.stdout
    );
    assert!(
        !dir.path().join("pwned").exists(),
        "a dry run connects nowhere"
    );
}

#[test]
fn a_hostile_ssh_config_can_neither_hang_check_nor_hide_its_proxy_command() {
    let dir = tempfile::tempdir().unwrap();
    let text = |config: &str| {
        format!(
            "---\ntitle: P\nhosts:\n  web: {{hosts: [web1], ssh_config: {config}}}\n---\n# P\n\n## S\n```sh {{id=up host=web}}\nuptime\n```\n"
        )
    };
    // A FIFO nobody writes to: opening it for reading would block forever.
    let fifo = dir.path().join("fifo_config");
    let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    std::fs::write(dir.path().join("pb.md"), text("fifo_config")).unwrap();
    run_opsdeck_env(dir.path(), ["check", "pb.md"], &[]).assert_exit(0);
    // An invalid UTF-8 byte before the ProxyCommand.
    let mut config = b"Host web1\n  # \xff\n".to_vec();
    config.extend_from_slice(b"  ProxyCommand touch pwned\n");
    std::fs::write(dir.path().join("bad_config"), config).unwrap();
    std::fs::write(dir.path().join("pb.md"), text("bad_config")).unwrap();
    let check = run_opsdeck_env(dir.path(), ["check", "pb.md"], &[]);
    check.assert_exit(0);
    assert!(
        check.stdout.contains("ProxyCommand touch pwned"),
        "{}",
        check.stdout
    );
}
