//! Kubernetes: which commands talk to a cluster, which context they talk to,
//! and how they are held to it.
//!
//! A command that runs `kubectl`, `oc` or `helm` anywhere in it (`detect`)
//! runs against a context pinned when the incident starts (`pin`): the
//! responder's kubeconfig is read once, its contexts' names and API servers
//! are kept in the incident, and each run gets a private kubeconfig holding
//! only its context (`private`), passed in the `KUBECONFIG` environment
//! variable (`runner`). Switching context in another terminal moves nothing.
//!
//! `context` and `detect` are pure and used by the plan; the rest reads and
//! writes files.

pub mod context;
pub mod detect;
pub mod kubeconfig;
pub mod pin;
pub mod private;
pub mod runner;

pub use context::{KubeContext, KubeSnapshot, KubeTarget};
