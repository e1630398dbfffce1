//! Which scripts talk to a cluster, and what in them needs the context typed
//! or a terminal. Read from the command itself: every program it runs,
//! through pipes, `$(…)`, `xargs`, `watch`, `sudo` and `sh -c`.

use crate::shell::danger::{Run, programs};

/// The programs that talk to a Kubernetes API server.
pub const KUBE_PROGRAMS: &[&str] = &["kubectl", "oc", "helm"];

/// Every `kubectl`, `oc` or `helm` the script runs.
pub fn kube_runs(script: &str) -> Vec<Run> {
    programs(script)
        .into_iter()
        .filter(|run| KUBE_PROGRAMS.contains(&run.program.as_str()))
        .collect()
}

pub fn is_kube(script: &str) -> bool {
    !kube_runs(script).is_empty()
}

/// Sub-commands that reach into a container or node: not changes by the
/// danger table (`kubectl exec p -- cat f` only reads), but a shell there can
/// change anything, so the context is typed for them too.
const REACH_IN: &[&str] = &["exec", "rsh", "debug", "attach", "cp", "port-forward"];

/// Why a Kubernetes command reaches into the cluster beyond what the danger
/// table says, if it does: `` `kubectl exec` runs a process in a container``.
pub fn reaches_in(script: &str) -> Option<String> {
    kube_runs(script).into_iter().find_map(|run| {
        let sub = run.positionals.first()?;
        (run.program != "helm" && REACH_IN.contains(&sub.as_str())).then(|| {
            format!(
                "`{} {sub}` runs a process inside the cluster, where it can change anything",
                run.program
            )
        })
    })
}

/// Whether a Kubernetes command wants a terminal: `exec -it`, `rsh`,
/// `debug` (with `-it`), `edit`, `attach -it`.
pub fn needs_terminal(script: &str) -> bool {
    kube_runs(script).into_iter().any(|run| {
        let sub = run.positionals.first().map(String::as_str);
        let tty = run.has("-t") || run.has("--tty");
        match sub {
            Some("edit" | "rsh") => run.program != "helm",
            Some("exec" | "debug" | "attach" | "run") => tty && run.program != "helm",
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_commands_are_found_wherever_they_stand() {
        for script in [
            "kubectl get pods",
            "/usr/bin/kubectl get pods",
            "echo x | kubectl apply -f -",
            "pods=$(kubectl get pods -o name)",
            "echo pod/a | xargs kubectl delete",
            "watch kubectl get pods",
            "sudo -E oc get nodes",
            "sh -c 'helm list'",
            "timeout 5 kubectl version",
        ] {
            assert!(is_kube(script), "{script}");
        }
        for script in [
            "echo kubectl",
            "grep kubectl notes.txt",
            "curl http://x",
            "# kubectl get pods",
        ] {
            assert!(!is_kube(script), "{script}");
        }
    }

    #[test]
    fn reaching_into_a_container_is_named() {
        assert!(reaches_in("kubectl exec p -- cat /etc/hosts").is_some());
        assert!(reaches_in("oc rsh api-1").is_some());
        assert!(reaches_in("kubectl -n x get pods").is_none());
    }

    #[test]
    fn terminal_commands_are_known() {
        assert!(needs_terminal("kubectl exec -it p -- sh"));
        assert!(needs_terminal("oc rsh api-1"));
        assert!(needs_terminal("kubectl edit deploy/x"));
        assert!(!needs_terminal("kubectl exec p -- ls"));
        assert!(!needs_terminal("kubectl logs p"));
    }
}
