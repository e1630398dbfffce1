//! Alertmanager's v2 API, read as hostile: bodies are cut at
//! `client::MAX_BODY` bytes, every string is sanitised and capped where it
//! enters (`model`), and a malformed answer is an error that says so. The
//! alerts, their groups (`listing`) and silences (`silences`).

pub mod client;
pub mod listing;
pub mod model;
pub mod silences;
