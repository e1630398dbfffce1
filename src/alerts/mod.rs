//! Alertmanager: the firing alerts (`opsdeck alerts`), the playbook that
//! answers each, and silences as the team's claim on an alert.
//!
//! Everything Alertmanager sends is hostile: bodies are cut at
//! `client::MAX_BODY` bytes, every string is sanitised and capped where it
//! enters (`model`), and a malformed answer is an error that says so.

pub mod claim;
pub mod cli;
pub mod client;
pub mod matchers;
pub mod matching;
pub mod model;
pub mod open;
pub mod picker;
pub mod silences;
