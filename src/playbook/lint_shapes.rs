//! Shapes in command text that the lint rules look for.

use super::placeholders::neutralised;
use super::transcript::scan::{Role, Scan};
use crate::shell::danger::Finding;
use crate::shell::syntax::parse;

/// Why a command's text changes things, every reason in order (see
/// [`crate::shell::danger`]), its placeholders read as plain words.
pub fn changes_things(script: &str) -> Vec<Finding> {
    super::placeholders::template_findings(script)
}

/// Recognises credentials typed into a command: `password=hunter2`,
/// `Authorization: Bearer abc...`, AWS access key ids.
pub fn literal_secret(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    for key in [
        "password=",
        "passwd=",
        "pwd=",
        "token=",
        "secret=",
        "api_key=",
        "apikey=",
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(key) {
            let value_start = from + at + key.len();
            let value: String = text[value_start..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !"'\";&|".contains(*c))
                .collect();
            if looks_literal(&value) {
                return Some("a `key=value` credential");
            }
            from = value_start;
        }
    }
    if let Some(at) = lower.find("bearer ") {
        let token: String = text[at + 7..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
            .collect();
        if token.len() >= 16 && looks_literal(&token) {
            return Some("a bearer token");
        }
    }
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices("AKIA") {
        let key = &bytes[i..(i + 20).min(bytes.len())];
        if key.len() == 20
            && key
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Some("an AWS access key id");
        }
    }
    None
}

/// A value typed in, rather than `$VAR`, `{{var}}`, `<placeholder>` or `$(cmd)`.
fn looks_literal(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with('$')
        && !value.starts_with("{{")
        && !value.starts_with('<')
        && !value.starts_with('%')
}

/// `curl … | sh`, `wget -O- … | bash`: a download piped straight into a shell.
pub fn pipes_download_into_shell(script: &str) -> bool {
    script.lines().any(|line| {
        let mut stages = line.split('|').map(str::trim);
        let Some(first) = stages.next() else {
            return false;
        };
        let downloads = ["curl", "wget"]
            .iter()
            .any(|tool| first.split_whitespace().any(|w| w == *tool));
        downloads
            && stages.any(|stage| {
                let program = stage
                    .split_whitespace()
                    .find(|w| *w != "sudo")
                    .unwrap_or("");
                matches!(program, "sh" | "bash" | "zsh" | "dash" | "ksh")
            })
    })
}

/// Why `script` would not run as the shell command it looks like, and the
/// line (0-based) that shows it: rows a command printed, an unterminated
/// quote, only comments. Placeholders count as plain words.
pub fn not_shell(script: &str) -> Option<(usize, &'static str)> {
    let text = neutralised(script);
    let mut scan = Scan::default();
    let mut has_code = false;
    for (row, line) in text.lines().enumerate() {
        let role = scan.feed(line);
        let trimmed = line.trim();
        if trimmed.is_empty() || (role == Role::Code && trimmed.starts_with('#')) {
            continue;
        }
        has_code = true;
        if role == Role::Code && looks_like_output(trimmed) {
            return Some((row, "looks like sample output"));
        }
    }
    if !has_code {
        return Some((0, "only comments: nothing to run"));
    }
    if let Some(row) = scan.open_quote() {
        return Some((row, "unterminated quote"));
    }
    let parsed = parse(&text);
    if parsed.has_error() {
        let at = parsed.first_error().unwrap_or(0).min(text.len());
        let row = text[..at].matches('\n').count();
        let line = text.lines().nth(row).unwrap_or("").trim();
        let first = line.split_whitespace().next().unwrap_or("");
        let prose = first.len() > 1
            && first.starts_with(|c: char| c.is_ascii_uppercase())
            && first
                .trim_end_matches(':')
                .chars()
                .all(|c| c.is_ascii_alphabetic());
        return Some((
            row,
            if prose {
                "looks like sample output"
            } else {
                "not valid shell syntax"
            },
        ));
    }
    None
}

/// A line a command printed rather than one typed: `NAME   READY   STATUS`,
/// `Warning  FailedScheduling  3m53s  …`, `web-1   1/1   Running`, `Name:  x`.
fn looks_like_output(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some(&first) = words.first() else {
        return false;
    };
    if first
        .split_once('=')
        .is_some_and(|(name, _)| !name.is_empty())
    {
        return false;
    }
    // `Name:`, `Events:`, `metadata:`, `- name: x`, `"status": "Bound",`.
    let key = first.strip_suffix(':').unwrap_or("");
    if key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        return true;
    }
    if first == "-"
        || (first.starts_with('"') && (first.ends_with("\":") || first.ends_with("\",")))
    {
        return true;
    }
    // A log line: `Oct 18 19:39:36 host unit[42]: …`, klog's `I0412 10:02:11.5 …`.
    const MONTHS: &[&str] = &[
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Mon",
        "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
    ];
    let clock = |w: &&str| {
        let parts: Vec<&str> = w.split(':').collect();
        parts.len() == 3 && parts[..2].iter().all(|p| p.len() == 2 && is_number(p))
    };
    let klog =
        first.len() == 5 && first.starts_with(['I', 'W', 'E', 'F']) && is_number(&first[1..]);
    if (MONTHS.contains(&first) || klog) && words.iter().take(4).any(clock) {
        return true;
    }
    let gaps = column_gaps(line);
    let caps = |w: &str| {
        w.len() >= 2
            && w.chars().any(|c| c.is_ascii_uppercase())
            && w.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "_-%()/.".contains(c))
    };
    if caps(first) && words.len() >= 2 && (gaps >= 1 || words.iter().all(|w| caps(w))) {
        return true;
    }
    // `57m   Normal   Started`, `2 of 3 members are available`: no program
    // is named with a digit first.
    if first.starts_with(|c: char| c.is_ascii_digit()) && !first.contains(['>', '<', '&']) {
        return true;
    }
    let plain = !words.iter().any(|w| w.starts_with('-'))
        && !line.contains(['|', ';', '&', '$', '`', '>', '<', '\\']);
    gaps >= 2
        && plain
        && (first.starts_with(|c: char| c.is_ascii_uppercase())
            || words[1..].iter().any(|w| table_cell(w)))
}

/// Runs of two blanks or more (or a tab) between words: table columns.
fn column_gaps(line: &str) -> usize {
    let text = line.trim();
    let mut gaps = 0;
    let mut run = String::new();
    for c in text.chars() {
        if c == ' ' || c == '\t' {
            run.push(c);
        } else {
            if run.len() >= 2 || run.contains('\t') {
                gaps += 1;
            }
            run.clear();
        }
    }
    gaps
}

/// `1/1`, `3m53s`, `12d`, `Running`, `True`: a cell of `kubectl get` output.
fn table_cell(word: &str) -> bool {
    const STATES: &[&str] = &[
        "Running",
        "Pending",
        "Completed",
        "Succeeded",
        "Failed",
        "Error",
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ContainerCreating",
        "Terminating",
        "Bound",
        "Available",
        "Ready",
        "NotReady",
        "True",
        "False",
        "Unknown",
        "Active",
        "Normal",
        "Warning",
    ];
    if STATES.contains(&word) {
        return true;
    }
    let ratio = word
        .split_once('/')
        .is_some_and(|(a, b)| is_number(a) && is_number(b));
    let digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let age = digits.len() < word.len()
        && !digits.is_empty()
        && digits
            .split(|c: char| c.is_ascii_digit())
            .all(|unit| ["", "ms", "s", "m", "h", "d", "w", "y"].contains(&unit));
    ratio || age
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_piped_into_a_shell_are_found() {
        assert!(pipes_download_into_shell(
            "curl -fsSL https://x/install.sh | sh"
        ));
        assert!(pipes_download_into_shell(
            "wget -qO- https://x | sudo bash -s"
        ));
        assert!(!pipes_download_into_shell(
            "curl -s https://x/health | jq .status"
        ));
        assert!(!pipes_download_into_shell("echo hi | sh"));
    }

    #[test]
    fn changing_commands_are_found_through_wiki_placeholders() {
        let rules =
            |script: &str| -> Vec<&str> { changes_things(script).iter().map(|f| f.rule).collect() };
        assert_eq!(rules("sudo systemctl restart nginx"), ["service-control"]);
        assert_eq!(
            rules("kubectl delete pod -n <namespace> '<pod name>'"),
            ["kubernetes"]
        );
        assert!(rules("kubectl logs -n <namespace> <pod> --tail=100").is_empty());
        assert!(rules("systemctl status nginx; grep stopped log").is_empty());
        assert!(rules("df -h | sort").is_empty());
    }

    #[test]
    fn text_that_is_not_shell_is_told_with_its_line_and_why() {
        let why = |script: &str| not_shell(script);
        let sample = Some((1, "looks like sample output"));
        assert_eq!(
            why(
                "kubectl get events\nWarning  FailedScheduling  3m53s  default-scheduler  0/3 nodes are available"
            ),
            sample
        );
        assert_eq!(why("oc get pods\nNAME    READY   STATUS"), sample);
        assert_eq!(
            why("oc get pods\nweb-7f9c   1/1     Running   0   3d"),
            sample
        );
        assert_eq!(why("oc get pv\nweb   <none>   Bound"), sample);
        assert_eq!(why("kubectl describe pod x\nName:         x"), sample);
        assert_eq!(why("oc get ev\n57m   Normal   Started"), sample);
        assert_eq!(why("oc get etcd\n2 of 3 members are available"), sample);
        assert_eq!(
            why(
                "systemctl restart chronyd\nOct 18 19:39:36 ip-10-0-1-2 chronyd[2055]: System clock wrong"
            ),
            sample
        );
        assert_eq!(
            why("oc logs x\nI0412 10:02:11.512   1 leaderelection.go:248] attempting"),
            sample
        );
        assert_eq!(why("ls 2>/dev/null\n2>&1 ls"), None);
        assert_eq!(
            why("x\nError from server (NotFound): pods \"x\" not found"),
            sample
        );
        assert_eq!(why("echo ok\necho \"abc"), Some((1, "unterminated quote")));
        assert_eq!(
            why("# only a note\n\n# and another"),
            Some((0, "only comments: nothing to run"))
        );
        assert_eq!(why("if true; then"), Some((0, "not valid shell syntax")));
    }

    #[test]
    fn shell_is_shell() {
        for script in [
            "kubectl get pods -n <namespace> -o wide",
            "oc get nodes -o template --template='{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'",
            "ps aux | awk '{print $NF}'",
            "docker inspect --format '{{.State.Status}}' web",
            "cat <<EOF\nNAME   READY   STATUS\nEOF",
            "kubectl get pods \\\n  -n web   -o wide",
            "echo \"it's\"  # it's fine",
            "for p in a b; do\n  echo $p\ndone",
            "curl -s http://localhost:9090/api/v1/targets | jq '.data.activeTargets[] | select(.health != \"up\")'",
        ] {
            assert_eq!(not_shell(script), None, "{script}");
        }
    }

    #[test]
    fn literal_credentials_are_spotted_but_placeholders_are_not() {
        assert!(literal_secret("psql 'password=hunter2 host=db'").is_some());
        assert!(literal_secret("curl -H 'Authorization: Bearer abcdefghijklmnopqrstu'").is_some());
        assert!(literal_secret("aws --key AKIAABCDEFGHIJKLMNOP").is_some());
        assert!(literal_secret("psql password=$PGPASSWORD").is_none());
        assert!(literal_secret("curl -H 'Authorization: Bearer {{token}}'").is_none());
    }
}
