//! The confirmation dialog: what will run where, and the rules that keep a
//! restart from running by accident.

use super::event::{Key, KeyCode};
use crate::plan::Plan;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Button {
    Cancel,
    Run,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    /// Exactly what will run where; shown as it is (secrets as dots).
    pub plan: Box<Plan>,
    pub typed: String,
    /// Focus starts on Cancel, so a stray Enter cancels.
    pub focus: Button,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ConfirmOutcome {
    Pending,
    Cancelled,
    Confirmed,
}

impl Confirm {
    pub fn new(plan: Box<Plan>) -> Confirm {
        Confirm {
            plan,
            typed: String::new(),
            focus: Button::Cancel,
        }
    }

    /// The plan changes things: its target must be typed.
    pub fn needs_typing(&self) -> bool {
        self.plan.type_to_confirm.is_some()
    }

    pub fn typed_matches(&self) -> bool {
        self.plan.type_to_confirm.as_deref() == Some(self.typed.as_str())
    }

    /// Applies one key. Held (auto-repeated) keys are ignored entirely.
    pub fn on_key(&mut self, key: Key) -> ConfirmOutcome {
        if key.repeat {
            return ConfirmOutcome::Pending;
        }
        match key.code {
            KeyCode::Esc => ConfirmOutcome::Cancelled,
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Left | KeyCode::Right => {
                self.focus = match self.focus {
                    Button::Cancel => Button::Run,
                    Button::Run => Button::Cancel,
                };
                ConfirmOutcome::Pending
            }
            // Half-typed target: Enter neither runs nor drops the dialog, so the
            // next letters cannot fall through to the console's shortcuts.
            KeyCode::Enter
                if self.needs_typing() && !self.typed.is_empty() && !self.typed_matches() =>
            {
                ConfirmOutcome::Pending
            }
            KeyCode::Enter => match self.focus {
                Button::Cancel => ConfirmOutcome::Cancelled,
                Button::Run if !self.needs_typing() || self.typed_matches() => {
                    ConfirmOutcome::Confirmed
                }
                Button::Run => ConfirmOutcome::Pending,
            },
            _ if self.needs_typing() => {
                self.edit(key);
                ConfirmOutcome::Pending
            }
            KeyCode::Char('y') if !key.ctrl => ConfirmOutcome::Confirmed,
            KeyCode::Char('n' | 'q') => ConfirmOutcome::Cancelled,
            _ => ConfirmOutcome::Pending,
        }
    }

    /// A remediation's target is typed into the dialog; when it matches,
    /// focus moves to Run so the next Enter runs it.
    fn edit(&mut self, key: Key) {
        match key.code {
            KeyCode::Char(c) if !key.ctrl => self.typed.push(c),
            KeyCode::Backspace => {
                self.typed.pop();
            }
            _ => {}
        }
        self.focus = if self.typed_matches() {
            Button::Run
        } else {
            Button::Cancel
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Danger;
    use crate::playbook::model::Kind;

    fn dialog(kind: Kind) -> Confirm {
        let changes = kind == Kind::Remediate;
        Confirm::new(Box::new(Plan {
            command_id: "restart".into(),
            script: "systemctl restart shop".into(),
            shown: "systemctl restart shop".into(),
            host_group: "web".into(),
            hosts: vec!["web1".into(), "web2".into()],
            targets: Vec::new(),
            danger: if changes {
                Danger::Changes {
                    rule: "service-control".into(),
                    why: "restarts a service".into(),
                }
            } else {
                Danger::Reads
            },
            type_to_confirm: changes.then(|| "web".into()),
            secrets: Vec::new(),
            ssh_config_runs: Vec::new(),
            timeout: std::time::Duration::from_secs(5),
            kube: None,
            interactive: false,
            kube_refusal: None,
        }))
    }

    #[test]
    fn a_diagnosis_runs_on_one_deliberate_y_but_enter_starts_on_cancel() {
        assert_eq!(
            dialog(Kind::Diagnose).on_key(Key::char('y')),
            ConfirmOutcome::Confirmed
        );
        assert_eq!(
            dialog(Kind::Diagnose).on_key(Key::plain(KeyCode::Enter)),
            ConfirmOutcome::Cancelled
        );
        let held = Key {
            repeat: true,
            ..Key::char('y')
        };
        assert_eq!(dialog(Kind::Diagnose).on_key(held), ConfirmOutcome::Pending);
    }

    #[test]
    fn a_remediation_needs_the_target_typed_and_y_does_nothing() {
        let mut d = dialog(Kind::Remediate);
        assert_eq!(d.on_key(Key::char('y')), ConfirmOutcome::Pending);
        d.on_key(Key::plain(KeyCode::Backspace));
        assert_eq!(d.on_key(Key::plain(KeyCode::Tab)), ConfirmOutcome::Pending);
        assert_eq!(
            d.on_key(Key::plain(KeyCode::Enter)),
            ConfirmOutcome::Pending,
            "Run without the target typed"
        );
        d.on_key(Key::plain(KeyCode::Tab));
        for c in "web".chars() {
            d.on_key(Key::char(c));
        }
        assert_eq!(d.focus, Button::Run);
        assert_eq!(
            d.on_key(Key::plain(KeyCode::Enter)),
            ConfirmOutcome::Confirmed
        );
    }

    #[test]
    fn held_keys_never_type_the_target() {
        let mut d = dialog(Kind::Remediate);
        d.on_key(Key::char('w'));
        for c in "eb".chars() {
            d.on_key(Key {
                repeat: true,
                ..Key::char(c)
            });
        }
        assert_eq!(d.typed, "w");
        assert_eq!(
            d.on_key(Key::plain(KeyCode::Enter)),
            ConfirmOutcome::Pending,
            "half-typed: stays open"
        );
        assert_eq!(
            d.on_key(Key::plain(KeyCode::Esc)),
            ConfirmOutcome::Cancelled
        );
    }
}
