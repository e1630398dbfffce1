//! `opsdeck check` over 1,000 generated playbooks against `cat` reading the
//! same files, side by side: what validating a whole library costs.
//!
//! `cargo bench --bench check_library`

use std::process::Command;
use std::time::Instant;

fn playbook(n: usize) -> String {
    format!(
        "---\ntitle: Playbook {n}\nservice: svc-{n}\nescalation: [{{name: Lead, contact: x}}]\nhosts: {{web: [web1, web2]}}\nchecks:\n  - {{id: home, http: \"https://svc-{n}.example.com/health\", timeout: 5s}}\n---\n# Playbook {n}\n\n## Look\nRead the log.\n\n```sh {{id=logs host=web}}\njournalctl -u svc-{n} --since -15m | tail -n 50\n```\n\n## Fix\n```sh {{id=restart host=web kind=remediate verify=home}}\nsudo systemctl restart svc-{n}\n```\n"
    )
}

fn time(mut command: Command) -> f64 {
    let start = Instant::now();
    let status = command
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(
        status.success() || status.code() == Some(0),
        "{command:?}: {status}"
    );
    start.elapsed().as_secs_f64()
}

fn main() {
    let dir = std::env::temp_dir().join(format!("opsdeck-bench-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for n in 0..1000 {
        let path = dir.join(format!("pb-{n:04}.md"));
        std::fs::write(&path, playbook(n)).unwrap();
        files.push(path);
    }
    let binary = env!("CARGO_BIN_EXE_opsdeck");
    let (mut ours, mut cat) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        let mut check = Command::new(binary);
        check.arg("check").arg(&dir);
        ours = ours.min(time(check));
        let mut read = Command::new("cat");
        read.args(&files);
        cat = cat.min(time(read));
    }
    let check_one = || {
        let mut c = Command::new(binary);
        c.arg("check").arg(&files[0]);
        c
    };
    let one = (0..10).map(|_| time(check_one())).fold(f64::MAX, f64::min);
    let baseline_start = (0..10)
        .map(|_| time(Command::new("true")))
        .fold(f64::MAX, f64::min);
    println!(
        "check of 1,000 playbooks: {:.0} ms (best of 5); cat of the same files: {:.1} ms",
        ours * 1000.0,
        cat * 1000.0
    );
    println!(
        "check of one playbook (startup included): {:.1} ms; `true`: {:.1} ms",
        one * 1000.0,
        baseline_start * 1000.0
    );
    let verdict = if ours < 1.0 { "PASS" } else { "MISS" };
    println!(
        "BENCH check-1000-playbooks\t{:.0} ms\t{:.1} ms (cat)\t{:.1}\t< 1 s\t{verdict}",
        ours * 1000.0,
        cat * 1000.0,
        ours / cat
    );
    let verdict = if one < 0.1 { "PASS" } else { "MISS" };
    println!(
        "BENCH startup-check-one\t{:.1} ms\t{:.1} ms (true)\t{:.1}\t< 100 ms\t{verdict}",
        one * 1000.0,
        baseline_start * 1000.0,
        one / baseline_start
    );
    let _ = std::fs::remove_dir_all(&dir);
}
