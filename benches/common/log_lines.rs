//! Log-like lines for the output benchmarks: RFC 3339 timestamps,
//! `level=… msg="…" user=… duration=…ms`, SGR colours on a fifth of them,
//! a `password=` pair in every 10,000, a secret's value in every 100,000.

/// The generator: `awk -v n=LINES -v secret=S -f gen.awk`.
pub const GENERATOR: &str = r#"BEGIN {
  split("alice bob carol dave erin frank", users, " ");
  split("GET /api/orders|POST /api/cart|GET /api/catalog/search|DELETE /api/session|PUT /api/profile", paths, "|");
  for (i = 0; i < n; i++) {
    s = i % 86400;
    ts = sprintf("2026-11-22T%02d:%02d:%02d.%03dZ", int(s / 3600), int(s / 60) % 60, s % 60, i % 1000);
    if (i % 50 == 0) level = "error"; else if (i % 7 == 0) level = "warn"; else level = "info";
    if (i % 5 == 0) level = (level == "info" ? "\033[32m" : "\033[1;31m") level "\033[0m";
    line = ts " level=" level " msg=\"" paths[i % 5 + 1] "/" i % 9973 " answered " (200 + i % 3) "\" user=" users[i % 6 + 1] " duration=" i % 997 "ms";
    if (i % 10000 == 0) line = line " password=hunter2-" i;
    if (i % 100000 == 1) line = line " auth=" secret;
    print line;
  }
}"#;
