//! A 1 MB hostile playbook (an unclosed `<a…` of 400 KB, 40,000 `$NAMES`,
//! 200 KB of `{{`, 100 KB of credential-shaped text) against an ordinary
//! playbook of the same size (7,000 short steps), side by side: `opsdeck
//! check` of it, and `opsdeck exec` of one ordinary command in it. Scanning
//! must be linear, so the hostile file may cost no more than about twice the
//! ordinary one, and less than a second.
//!
//! `cargo bench --bench hostile_playbook`

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// One step whose fenced command holds `body`, then a short ordinary step.
fn playbook(body: &str) -> String {
    format!(
        "---\ntitle: Hostile\n---\n# Hostile\n\n## Look\nRead it.\n\n```sh {{id=look}}\necho looked\n```\n\n## Bulk\n```sh {{id=bulk}}\n{body}\n```\n"
    )
}

fn hostile() -> String {
    let mut body = String::new();
    body.push_str("echo <a");
    body.push_str(&"a".repeat(400_000));
    body.push('\n');
    for n in 0..40_000 {
        body.push_str(&format!("$N{n} "));
        if n % 20 == 19 {
            body.push('\n');
        }
    }
    body.push_str("echo ");
    body.push_str(&"{{".repeat(100_000));
    body.push('\n');
    for _ in 0..5_000 {
        body.push_str("AKIAABCDEFGHIJKLMNOP ");
    }
    playbook(&body)
}

/// An ordinary playbook of the same size: thousands of short steps, each
/// with one everyday diagnostic (a whole team's library in one file).
fn benign(len: usize) -> String {
    let mut text = String::from(
        "---\ntitle: Library\n---\n# Library\n\n## Look\nRead it.\n\n```sh {id=look}\necho looked\n```\n\n",
    );
    let mut n = 0;
    while text.len() < len {
        text.push_str(&format!(
            "## Step {n}\nCheck the service and read its log.\n\n```sh {{id=c{n}}}\njournalctl -u svc-{n} --since -15m | grep -i error | tail -n 50\n```\n\n"
        ));
        n += 1;
    }
    text
}

/// Best of `rounds` wall times of `opsdeck ARGS`; any exit but a panic or a
/// signal is fine (the hostile file has lint errors).
fn best(args: &[&str], data: &Path, rounds: usize) -> f64 {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
                .args(args)
                .env("OPSDECK_CONFIG", "/dev/null")
                .env("OPSDECK_DATA_DIR", data)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            let took = start.elapsed().as_secs_f64();
            assert!(
                status.code().is_some_and(|c| c != 101),
                "{args:?}: {status}"
            );
            took
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let hostile_text = hostile();
    let hostile_path = dir.path().join("hostile.md");
    let benign_path = dir.path().join("benign.md");
    std::fs::write(&hostile_path, &hostile_text).unwrap();
    std::fs::write(&benign_path, benign(hostile_text.len())).unwrap();
    let data = dir.path().join("data");
    let (h, b) = (
        hostile_path.to_str().unwrap(),
        benign_path.to_str().unwrap(),
    );
    let size = std::fs::metadata(&hostile_path).unwrap().len();
    println!(
        "hostile playbook: {size} bytes; benign: {} bytes",
        std::fs::metadata(&benign_path).unwrap().len()
    );
    for (name, hostile_args, benign_args) in [
        ("hostile-1mb-check", vec!["check", h], vec!["check", b]),
        (
            "hostile-1mb-exec",
            vec!["exec", h, "look"],
            vec!["exec", b, "look"],
        ),
    ] {
        let ours = best(&hostile_args, &data, 5);
        let baseline = best(&benign_args, &data, 5);
        let ratio = ours / baseline;
        let verdict = if ratio <= 2.0 && ours < 1.0 {
            "PASS"
        } else {
            "MISS"
        };
        println!(
            "BENCH {name}\t{:.0} ms\t{:.0} ms (benign playbook, same size)\t{ratio:.2}\t≤ 2 and < 1 s\t{verdict}",
            ours * 1000.0,
            baseline * 1000.0
        );
    }
}
