//! The Kubernetes context on screen: `⎈ context/namespace` in the status
//! bar, and where a command would run in learn mode.

use crate::app::State;
use crate::playbook::model::Command;

/// ` ⎈ prod/payments ` (with ` read-only` when the config file says so), or
/// nothing for a playbook without Kubernetes commands.
pub fn status_text(state: &State) -> String {
    let Some(snapshot) = &state.kube else {
        return String::new();
    };
    // A cheap look at the words on every frame; the plan reads the command properly.
    let mentions = |run: &str| {
        run.split(|c: char| c.is_whitespace() || ";|&()`$".contains(c))
            .map(|word| word.rsplit('/').next().unwrap_or(word))
            .any(|word| crate::kube::detect::KUBE_PROGRAMS.contains(&word))
    };
    if !state.playbook.commands().any(|c| mentions(&c.run)) {
        return String::new();
    }
    let header = state.playbook.kube.as_ref();
    let context = header.and_then(|k| k.context.as_deref());
    let namespace = header.and_then(|k| k.namespace.as_deref());
    let mut text = format!(" {}", snapshot.status(context, namespace));
    let name = context.or(snapshot.current.as_deref()).unwrap_or("");
    if snapshot.read_only.iter().any(|c| c == name || c == "*") {
        text.push_str(" read-only");
    }
    text.push(' ');
    text
}

/// Learn mode: `in Kubernetes context `prod` (API server …), namespace `x``.
pub fn learn_line(state: &State, command: &Command) -> Option<String> {
    let snapshot = state.kube.as_ref()?;
    let script = crate::plan::placeholders::neutralised(&command.run);
    match crate::plan::kube_target(&state.playbook, command, &script, Some(snapshot)) {
        Ok(Some(target)) => Some(format!("⎈ would run in Kubernetes {}", target.describe())),
        Ok(None) => None,
        Err(refusal) => Some(format!("⎈ would be refused: {}", refusal.reason())),
    }
}
