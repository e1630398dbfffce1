//! Kubernetes: which commands talk to a cluster, which context they talk to,
//! and how they are held to it.
//!
//! A command that runs `kubectl`, `oc` or `helm` anywhere in it (`detect`)
//! runs against a context pinned when the incident starts (`exec::kube_pin`): the
//! responder's kubeconfig is read once, its contexts' names and API servers
//! are kept in the incident, and each run gets a private kubeconfig holding
//! only its context (`private`), passed in the `KUBECONFIG` environment
//! variable (`exec::kube_runner`). Switching context in another terminal moves nothing.
//!
//! `context` and `detect` are pure and used by the plan; `kubeconfig` and
//! `private` read and write the files. Pinning in an incident and the
//! runner are the run layer's: `exec::kube_pin`, `exec::kube_runner`.

pub mod context;
pub mod detect;
pub mod kubeconfig;
pub mod private;

pub use context::{KubeContext, KubeSnapshot, KubeTarget};
