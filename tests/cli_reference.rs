//! `opsdeck completions` and `opsdeck man` come from the parser's own
//! definitions: bash loads the script and completes subcommands from it,
//! and the man page lists every subcommand.

use std::process::Command;

fn opsdeck(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bash_completes_subcommands_from_the_generated_script() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("opsdeck.bash");
    std::fs::write(&script, opsdeck(&["completions", "bash"])).unwrap();
    // Load it as a user's shell would, then ask it to complete `opsdeck e`.
    let probe = format!(
        "source {}; COMP_WORDS=(opsdeck e); COMP_CWORD=1; COMP_LINE='opsdeck e'; COMP_POINT=9; _opsdeck opsdeck e opsdeck; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = Command::new("bash").args(["-c", &probe]).output().unwrap();
    let offered = String::from_utf8_lossy(&out.stdout);
    assert!(
        offered.lines().any(|l| l == "exec"),
        "bash offered: {offered}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn zsh_and_fish_scripts_name_the_subcommands() {
    for shell in ["zsh", "fish"] {
        let script = opsdeck(&["completions", shell]);
        for sub in ["exec", "health", "log", "drill"] {
            assert!(script.contains(sub), "{shell} script lacks `{sub}`");
        }
    }
}

#[test]
fn the_man_page_lists_every_subcommand() {
    let page = opsdeck(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH opsdeck 1"),
        "{}",
        &page[..200]
    );
    for sub in ["open", "check", "show", "exec", "health", "drill", "log"] {
        assert!(
            page.contains(&format!("opsdeck\\-{sub}")),
            "the man page lacks `{sub}`"
        );
    }
}
