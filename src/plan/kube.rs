//! The context a Kubernetes command runs against: the command's `context=`,
//! else the playbook's `kube: {context}`, else the current context pinned
//! when the incident started; looked up in the pinned snapshot (data handed
//! in by the caller, see `crate::exec::kube_pin`).

use super::{Danger, Refusal, Request};
use crate::kube::{KubeSnapshot, KubeTarget, detect};
use crate::playbook::Playbook;
use crate::playbook::model::Command;

/// The command's Kubernetes target, `None` when it runs no `kubectl`, `oc`
/// or `helm` or runs on another host (whose own kubeconfig applies).
pub fn kube_target(
    playbook: &Playbook,
    command: &Command,
    script: &str,
    snapshot: Option<&KubeSnapshot>,
) -> Result<Option<KubeTarget>, Refusal> {
    if !command.host.is_local() || command.lang == "promql" || !detect::is_kube(script) {
        return Ok(None);
    }
    let Some(snapshot) = snapshot else {
        return Ok(None);
    };
    let refused = |reason: String| Err(Refusal::Kube { reason });
    let header = playbook.kube.as_ref();
    let named = command
        .context
        .as_deref()
        .or(header.and_then(|k| k.context.as_deref()));
    let file = snapshot
        .kubeconfig
        .as_ref()
        .map_or("no kubeconfig".into(), |p| p.display().to_string());
    if let Some(problem) = &snapshot.problem {
        return refused(format!("it runs kubectl, oc or helm and {problem}"));
    }
    let Some(name) = named.or(snapshot.current.as_deref()) else {
        return refused(format!(
            "it runs kubectl, oc or helm, the playbook names no context and {file} had no current-context when the incident started; add `kube: {{context: NAME}}` to the playbook"
        ));
    };
    let Some(context) = snapshot.context(name) else {
        let known: Vec<&str> = snapshot.contexts.iter().map(|c| c.name.as_str()).collect();
        return refused(format!(
            "the context `{name}` was not in {file} when the incident started (its contexts: {})",
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        ));
    };
    let namespace = header
        .and_then(|k| k.namespace.clone())
        .or_else(|| context.namespace.clone())
        .unwrap_or_else(|| "default".into());
    Ok(Some(KubeTarget {
        context: context.name.clone(),
        server: context.server.clone(),
        namespace,
        kubeconfig: snapshot.kubeconfig.clone().unwrap_or_default(),
    }))
}

/// The command's Kubernetes target, and in a dry run why a live run would
/// be refused. What reaches into the cluster (`exec`, `rsh`, …) counts as a
/// change there: `danger` is raised to say so.
pub(super) fn resolve(
    request: &Request,
    command: &Command,
    script: &str,
    danger: &mut Danger,
) -> Result<(Option<KubeTarget>, Option<String>), Refusal> {
    let kube = match kube_target(request.playbook, command, script, request.kube) {
        Ok(kube) => kube,
        // A dry run shows what would run, and says why it would not.
        Err(Refusal::Kube { reason }) if request.mode.runs_nothing() => {
            return Ok((None, Some(reason)));
        }
        Err(Refusal::Kube { reason }) => {
            return Err(Refusal::Kube {
                reason: match danger {
                    Danger::Changes { why, .. } => {
                        format!("it changes things ({why}), and {reason}")
                    }
                    Danger::Reads => reason,
                },
            });
        }
        Err(refusal) => return Err(refusal),
    };
    if kube.is_some()
        && !danger.changes()
        && let Some(why) = detect::reaches_in(script)
    {
        *danger = Danger::Changes {
            rule: "kubernetes".into(),
            why,
        };
    }
    Ok((kube, None))
}

/// Refuses a change on a context the config file marks read-only.
pub(super) fn read_only_context(
    request: &Request,
    danger: &Danger,
    kube: Option<&KubeTarget>,
) -> Result<(), Refusal> {
    let (Danger::Changes { why, .. }, Some(target)) = (danger, kube) else {
        return Ok(());
    };
    let marked = request
        .kube
        .is_some_and(|s| s.read_only.iter().any(|c| *c == target.context || c == "*"));
    if !marked {
        return Ok(());
    }
    Err(Refusal::Kube {
        reason: format!(
            "it changes things ({why}) and the config file marks context `{}` read-only",
            target.context
        ),
    })
}
