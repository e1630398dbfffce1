//! The persistent remote shell: a small POSIX `sh` loop that runs one
//! command per request, framed by a random nonce (the Mitogen idea, in sh).
//!
//! Request on stdin:   `NONCE\n` script lines `NONCE\n`
//! Reply on stdout:    `NONCE P pid\n` output... `NONCE X code\n`
//! Reply on stderr:    output... `NONCE X\n`
//!
//! Each command runs in its own `sh`, in its own session and process group
//! (`setsid`, so a cancel reaches its children), with stdin from /dev/null
//! and SIGINT restored (a background job of `sh` starts with it ignored).
//! As locally, the script reaches that `sh` in `OPSDECK_SCRIPT`, never in
//! argv (which every user can read), and is `eval`ed with the variable unset
//! and no positional parameters, so it runs as `sh -c SCRIPT` would.
//! When it ends, whatever is left of its group is killed, as locally.

/// Passed to the remote login shell as `sh -c DRIVER`.
pub const DRIVER: &str = r#"S=; command -v setsid >/dev/null 2>&1 && S=setsid
E=; env --default-signal=INT true >/dev/null 2>&1 && E='env --default-signal=INT,QUIT'
while IFS= read -r n; do
  s=; ok=
  while IFS= read -r l; do
    if [ "$l" = "$n" ]; then ok=1; break; fi
    s="$s$l
"
  done
  [ -n "$ok" ] || exit 0
  OPSDECK_SCRIPT="$s" $S $E sh -c 'printf "%s P %s\n" "$1" "$$"; set --; eval "unset OPSDECK_SCRIPT; $OPSDECK_SCRIPT"' sh "$n" </dev/null &
  p=$!
  wait "$p" 2>/dev/null; c=$?
  [ -n "$S" ] && kill -s KILL -- "-$p" 2>/dev/null
  printf '%s X %s\n' "$n" "$c"
  printf '%s X\n' "$n" >&2
done
"#;

/// A fresh marker no command output will contain by chance.
pub fn nonce() -> String {
    format!("@opsdeck-{:032x}", fastrand::u128(..))
}

/// The request that runs `script`; `None` if the script cannot be sent
/// (a NUL byte, which `sh` cannot hold, or a line equal to the nonce).
pub fn request(nonce: &str, script: &str) -> Option<String> {
    if script.contains('\0') || script.lines().any(|line| line == nonce) {
        return None;
    }
    let mut text = String::with_capacity(script.len() + 2 * nonce.len() + 3);
    text.push_str(nonce);
    text.push('\n');
    text.push_str(script);
    if !script.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(nonce);
    text.push('\n');
    Some(text)
}

/// The shell command that signals a command's process group (or the
/// command alone where `setsid` was missing).
pub fn kill_command(pid: i32, signal: &str) -> String {
    format!("kill -s {signal} -- -{pid} 2>/dev/null || kill -s {signal} {pid} 2>/dev/null; true")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_frames_the_script_between_nonces() {
        assert_eq!(request("N", "echo hi").unwrap(), "N\necho hi\nN\n");
        assert_eq!(request("N", "a\nb\n").unwrap(), "N\na\nb\nN\n");
        assert!(request("N", "x\nN\ny").is_none());
        assert!(request("N", "nul\0").is_none());
        assert_ne!(nonce(), nonce());
    }
}
