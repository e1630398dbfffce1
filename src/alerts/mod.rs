//! Alertmanager: the firing alerts, the playbook that answers each, and
//! silences as the team's claim on an alert. The `opsdeck alerts`
//! subcommand and its picker are `cli::alerts*`.
//!
//! The protocol is `alertmanager`; this module is the flow on top of it:
//! which playbook answers an alert, claiming it into an incident, and what
//! the console is opened with.

/// The protocol, under the names this flow has always used.
pub use crate::alertmanager::{client, listing, model, silences};

pub mod claim;
pub mod matching;
pub mod open;

/// Label matchers are part of the playbook format (`alerts:`, checks).
pub use crate::playbook::matchers;
