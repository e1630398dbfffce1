//! The core: pure state and `update`. No terminal, no tokio, no filesystem.
mod body_nav;
pub mod closing;
pub mod confirm;
pub mod details;
pub mod event;
mod flow;
pub mod health;
pub mod keymap;
mod keyspec;
mod learn;
mod mouse;
pub mod output_scroll;
pub mod picker;
pub mod reload;
pub mod resume;
pub mod runs;
pub mod search;
pub mod state;
pub mod update;
pub mod values;
pub mod verify;
pub mod viewport;

pub use event::{Effect, Event, Key, KeyCode};
pub use state::{Focus, Mode, State, StepStatus};
pub use update::update;
