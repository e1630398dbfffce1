//! opsdeck: a terminal console for ops playbooks.
//!
//! sources (`playbook`) → core (`app`, pure) → run (`runtime`, `tui`, `cli`), drawn by `ui`.
pub mod alertmanager;
pub mod alerts;
pub mod app;
pub mod cli;
pub mod config;
pub mod drill;
pub mod exec;
pub mod health;
pub mod incident;
pub mod kube;
pub mod library;
pub mod plan;
pub mod playbook;
pub mod runtime;
pub mod shell;
pub mod terminal_text;
pub mod tui;
pub mod ui;
pub mod yaml_file;
