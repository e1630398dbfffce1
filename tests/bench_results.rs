//! The figures in README.md and docs/exec.md are bench/RESULTS.md's, copied
//! by `bench/copy-results`, never typed by hand.

use std::process::Command;

#[test]
fn readme_and_docs_show_the_measured_results() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(format!("{root}/bench/copy-results"))
        .arg("--check")
        .output()
        .expect("run bash bench/copy-results --check");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
