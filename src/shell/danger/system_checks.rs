//! The table's own tests for init scripts, HTTP requests, addresses and
//! routes, kernel settings and mounts.

use super::options::Args;
use super::table::SERVICE_ACTIONS;
use super::walk::Invocation;

/// `/etc/init.d/nginx restart`.
pub(super) fn init_script(invocation: &Invocation, args: &Args) -> Option<String> {
    let is_init = ["/etc/init.d/", "/etc/rc.d/init.d/", "/etc/rc.d/"]
        .iter()
        .any(|dir| invocation.path.starts_with(dir));
    let action = args.positional(0)?;
    (is_init && SERVICE_ACTIONS.contains(&action)).then(|| format!("{} {action}", invocation.path))
}

/// `curl -X DELETE URL` (also PUT and PATCH). A POST may only ask a question
/// (a search, a GraphQL query), so it does not count.
pub(super) fn http_method(_: &Invocation, args: &Args) -> Option<String> {
    let method = args
        .values(&["-X", "--request"])
        .map(str::to_ascii_uppercase)
        .find(|m| matches!(m.as_str(), "DELETE" | "PUT" | "PATCH"))?;
    Some(format!("curl -X {method}"))
}

/// `ip link set eth0 down`, `ip route add …`, `ip addr flush dev eth0`.
pub(super) fn ip_change(_: &Invocation, args: &Args) -> Option<String> {
    const VERBS: &[&str] = &[
        "add", "del", "delete", "change", "replace", "set", "flush", "append", "prepend",
    ];
    let object = args.positional(0)?;
    let verb = args
        .positionals
        .iter()
        .skip(1)
        .find(|w| VERBS.contains(&w.text.as_str()))?;
    Some(format!("ip {object} {}", verb.text))
}

/// `sysctl -w k=v`, `sysctl k=v`, `sysctl -p` (not `sysctl -a` or `sysctl k`).
pub(super) fn sysctl_write(_: &Invocation, args: &Args) -> Option<String> {
    if let Some(option) = ["-w", "--write", "-p", "--load", "--system"]
        .iter()
        .find(|o| args.has(o))
    {
        return Some(format!("sysctl {option}"));
    }
    let setting = args.positionals.iter().find(|w| w.text.contains('='))?;
    Some(format!("sysctl {}", setting.text))
}

/// `mount DEV DIR`, `mount -o remount,rw /`, `mount -a`; not `mount` or `mount -t nfs`, which list.
pub(super) fn mounts(_: &Invocation, args: &Args) -> Option<String> {
    if args.has("-a") || args.has("--all") {
        return Some("mount -a".into());
    }
    let first = args.positional(0)?;
    Some(format!("mount {first}"))
}
