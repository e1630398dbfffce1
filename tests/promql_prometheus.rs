//! PromQL blocks and `prometheus` checks against a real Prometheus on
//! 127.0.0.1 scraping an exporter the test runs: values, a query error and
//! an empty result.

mod common;
mod prometheus_support;

const METRICS: &str = "# TYPE shop_errors_total counter\nshop_errors_total{route=\"/cart\"} 7\nshop_errors_total{route=\"/home\"} 0\n# TYPE shop_ready gauge\nshop_ready 1\n";

fn write(dir: &std::path::Path, prometheus: &str) -> std::path::PathBuf {
    let path = dir.join("shop.md");
    std::fs::write(
        &path,
        format!(
            "---\ntitle: Shop\nprometheus: {prometheus}\nchecks:\n  - {{id: ready, prometheus: 'shop_ready', expect: {{above: 0}}}}\n  - {{id: errors, prometheus: 'shop_errors_total', expect: {{below: 1}}}}\n  - {{id: broken, prometheus: 'sum(('}}\n  - {{id: nothing, prometheus: 'shop_missing_metric'}}\n---\n# Shop\n\n## Errors by route\n\n```promql {{id=errors-by-route}}\nsum by (route) (shop_errors_total)\n```\n\n## A typo\n\n```promql {{id=typo}}\nsum by (route (shop_errors_total)\n```\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn checks_and_promql_blocks_read_a_real_prometheus() {
    let Some(prometheus) = prometheus_support::start_or_skip("checks_and_promql_blocks", METRICS)
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &prometheus.url());
    let data = dir.path().join("data").display().to_string();
    let env = [
        ("OPSDECK_CONFIG", "/dev/null"),
        ("OPSDECK_DATA_DIR", data.as_str()),
    ];

    let health = common::run_opsdeck_env(
        dir.path(),
        [
            "health",
            path.to_str().unwrap(),
            "--once",
            "--format",
            "json",
        ],
        &env,
    );
    health.assert_exit(2);
    let doc: serde_json::Value = serde_json::from_str(&health.stdout).unwrap();
    let check = |id: &str| {
        doc.as_array()
            .or_else(|| doc["checks"].as_array())
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id}: {doc}"))
            .clone()
    };
    assert_eq!(check("ready")["status"], "up", "{doc}");
    let errors = check("errors");
    assert_eq!(errors["status"], "down", "{errors}");
    assert!(
        errors.to_string().contains("/cart"),
        "names the series: {errors}"
    );
    let broken = check("broken");
    assert_eq!(broken["status"], "down", "{broken}");
    assert!(
        broken.to_string().contains("parse error"),
        "Prometheus' own words: {broken}"
    );
    let nothing = check("nothing");
    assert_eq!(nothing["status"], "unknown", "an empty result: {nothing}");
    assert!(nothing.to_string().contains("no series"), "{nothing}");

    let run = common::run_opsdeck_env(
        dir.path(),
        ["exec", path.to_str().unwrap(), "errors-by-route"],
        &env,
    );
    run.assert_exit(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("route=\"/cart\""))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.trim_start().starts_with('7'), "{line}");

    let typo = common::run_opsdeck_env(dir.path(), ["exec", path.to_str().unwrap(), "typo"], &env);
    assert_ne!(typo.status.code(), Some(0), "{}", typo.stdout);
    assert!(
        format!("{}{}", typo.stdout, typo.stderr).contains("parse error"),
        "{}{}",
        typo.stdout,
        typo.stderr
    );
}
