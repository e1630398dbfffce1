//! Live health: probes (http, tcp, command, prometheus, statuspage), a
//! scheduler that runs them, and each check's damped state.
//!
//! A source in the design's sense: it talks to the world and sends events
//! (`HealthEvent`) over a channel; it knows nothing of the screen.
//!
//! * pure, no tokio: `outcome` (one result), `state` (damping, history),
//!   `pacing` (intervals, jitter), `cert_expiry` (DER `notAfter`);
//! * probes: `probe` (trait, deadline and retry), `http_client`, `http`,
//!   `tcp`, `command`, `prometheus`, `statuspage`;
//! * running: `scheduler`; headless `opsdeck health`: `cli`, `report`.

pub mod alertmanager;
pub mod cert_expiry;
pub mod command;
pub mod http;
pub mod http_client;
pub mod outcome;
pub mod pacing;
pub mod probe;
pub mod prometheus;
pub mod remote;
pub mod report;
pub mod scheduler;
pub mod state;
pub mod statuspage;
pub mod tcp;

pub use outcome::{Failure, FailureKind, Outcome, Verdict};
pub use probe::{Probe, ProbeContext, run_checked};
pub use scheduler::{
    Change, HealthEvent, ProbeReport, ScheduledCheck, Scheduler, SchedulerSettings,
};
pub use state::{CheckState, Damping, Status, Transition};
