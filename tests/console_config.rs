//! Themes and the config file through the real binary: mistakes are plain
//! errors naming file and line, exit 1, before the terminal is touched.

use std::process::{Command, Output};

fn opsdeck(args: &[&str], config: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .env("OPSDECK_CONFIG", config)
        .env("OPSDECK_DATA_DIR", config.with_file_name("data"))
        .output()
        .expect("run opsdeck")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_broken_theme_file_names_file_and_line_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, "").unwrap();
    let theme = dir.path().join("mine.yaml");
    std::fs::write(&theme, "# my colours\nok: green\ndown: {fg: gren}\n").unwrap();
    let output = opsdeck(
        &[
            "open",
            "playbooks/site-down.md",
            "--theme",
            theme.to_str().unwrap(),
        ],
        &config,
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("{}:3:", theme.display())),
        "names file and line: {err}"
    );
    assert!(err.contains("`gren` is not a colour"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unknown_theme_name_lists_the_bundled_ones() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, "").unwrap();
    let output = opsdeck(
        &["open", "playbooks/site-down.md", "--theme", "sepia"],
        &config,
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("dark, light, high-contrast"), "{err}");
}

#[test]
fn the_config_file_is_checked_too() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, "theme: light\ntheem: dark\n").unwrap();
    let output = opsdeck(&["open", "playbooks/site-down.md"], &config);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("config.yaml:2:1"), "{err}");
    assert!(err.contains("theem"), "{err}");

    std::fs::write(&config, "theme: broken.yaml\n").unwrap();
    std::fs::write(dir.path().join("broken.yaml"), "accent: [1, 2\n").unwrap();
    let output = opsdeck(&["open", "playbooks/site-down.md"], &config);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("broken.yaml:"),
        "a theme named in the config, relative to it: {err}"
    );
}

#[test]
fn key_binding_mistakes_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    for (text, line, says) in [
        ("keys:\n  note: m\n  hepl: h\n", 3, "hepl"),
        ("keys:\n  note: ctrl\n", 2, "is not a key"),
        ("keys:\n  note: x\n  help: [\"?\", x]\n", 3, "bound to both"),
        ("keys:\n  quit: []\n", 2, "at least one key"),
    ] {
        std::fs::write(&config, text).unwrap();
        let output = opsdeck(&["open", "playbooks/site-down.md"], &config);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{text}: {err}");
        assert!(
            err.contains(&format!("config.yaml:{line}:")),
            "{text}: line {line}: {err}"
        );
        assert!(err.contains(says), "{text}: {err}");
    }
}
