//! A playbook with a typo still opens, through the real binary: the parts
//! its errors affect are read-only and marked where they sit, the rest
//! runs; errors read cause first; only a playbook whose steps cannot be
//! read is refused; the library lists broken playbooks after good ones and
//! leaves the drills' playbooks out.

mod common;
mod tmux_support;

use common::run_opsdeck_env;
use std::path::Path;
use tmux_support::Tmux;

/// `htp:` for `http:` in a check, `prot:` for `port:` in a host entry.
const TYPOS: &str = r#"---
title: Broken one
hosts:
  web: {hosts: [web1.internal], prot: 2222}
checks:
  - {id: health, htp: "http://127.0.0.1:1/health"}
---
# Broken one

The shop returns errors.

## Look
```sh {id=look}
echo looking-here
```

```sh {id=far host=web}
uptime
```

## Fix
```sh {id=fix kind=remediate verify=health}
systemctl restart shop
```
"#;

fn opsdeck(dir: &Path, args: &[&str]) -> common::Output {
    let data = dir.join("data").display().to_string();
    run_opsdeck_env(
        dir,
        args,
        &[("OPSDECK_DATA_DIR", &data), ("OPSDECK_CONFIG", "/dev/null")],
    )
}

#[test]
fn check_says_the_misspelt_key_before_what_it_leads_to() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b1.md"), TYPOS).unwrap();
    let out = opsdeck(dir.path(), &["check", "b1.md"]);
    out.assert_exit(1);
    let text = format!("{}{}", out.stdout, out.stderr);
    let cause = text.find("unknown key `htp`").expect(&text);
    let effect = text.find("says nothing to probe").expect(&text);
    assert!(cause < effect, "the cause first:\n{text}");
    assert!(text.contains("did you mean `http`?"), "{text}");
}

#[test]
fn a_playbook_whose_steps_cannot_be_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.md"),
        "---\ntitle: [unclosed\n---\n# X\n",
    )
    .unwrap();
    let out = opsdeck(dir.path(), &["open", "bad.md"]);
    out.assert_exit(1);
    assert!(
        out.stderr.contains("its steps cannot be read"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_typo_opens_the_console_with_only_the_broken_parts_read_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b1.md"), TYPOS).unwrap();
    let script = format!(
        "cd {} && OPSDECK_DATA_DIR=data OPSDECK_CONFIG=/dev/null {} open b1.md; echo EXIT=$?; sleep 30",
        dir.path().display(),
        env!("CARGO_BIN_EXE_opsdeck")
    );
    let Some(tmux) = Tmux::start("broken", &script) else {
        return;
    };
    let screen = tmux.wait_for("[far]");
    for said in [
        "✖ This playbook has errors",
        "line 6: unknown key `htp` in a check",
        "The shop returns errors.",
        "✖ READ-ONLY: line 4: unknown key `prot`",
        "error(s): what they affect is read-only",
        "✖ not probed, the playbook errs:",
    ] {
        assert!(screen.contains(said), "{said} missing:\n{screen}");
    }
    let cause = screen.find("unknown key `htp`").unwrap();
    let effect = screen.find("says nothing to probe").unwrap();
    assert!(cause < effect, "the cause first:\n{screen}");

    // What no error touches runs as usual.
    tmux.keys(&["Tab", "Enter"]);
    tmux.wait_for("[look] on local");
    tmux.keys(&["y"]);
    tmux.wait_for("`look`: exit 0");

    // The command on the broken host entry is refused, and says why.
    tmux.keys(&["j", "Enter"]);
    let refused = tmux.wait_for("`far` will not run: the playbook has an error here");
    assert!(!refused.contains("Run diagnosis?"), "{refused}");

    // So is the one whose `verify` check is broken.
    tmux.keys(&["Escape"]);
    tmux.keys(&["j"]);
    tmux.wait_for("┌ Fix");
    tmux.keys(&["Tab", "Enter"]);
    let refused = tmux.wait_for("`fix` will not run");
    assert!(refused.contains("✖ READ-ONLY: line"), "{refused}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");
}

#[test]
fn the_library_lists_broken_playbooks_last_and_no_drills() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("playbooks");
    std::fs::create_dir_all(library.join("drills")).unwrap();
    std::fs::write(library.join("a-broken.md"), TYPOS).unwrap();
    std::fs::write(
        library.join("b-good.md"),
        "# Good one\n\n## Look\n```sh {id=look}\necho hi\n```\n",
    )
    .unwrap();
    std::fs::write(
        library.join("drills/c-drill.md"),
        "# Drill: practice\n\n## Look\n```sh {id=look}\necho hi\n```\n",
    )
    .unwrap();
    let out = opsdeck(dir.path(), &[] as &[&str]);
    out.assert_exit(0);
    let listed = &out.stdout;
    assert!(!listed.contains("c-drill.md"), "a drill listed:\n{listed}");
    let good = listed.find("b-good.md").expect(listed);
    let broken = listed.find("a-broken.md").expect(listed);
    assert!(good < broken, "broken after good:\n{listed}");
}
