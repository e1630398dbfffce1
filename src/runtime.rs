//! The one loop that owns the terminal: input, clock and signals in; draw when dirty.

use crate::app::{self, Effect, Event, Mode, State};
use crate::playbook::Playbook;
use crate::tui::{self, Input};
use crate::ui::{self, Theme};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::sleep_until;

/// At most ~30 frames a second, however fast events arrive.
const FRAME: Duration = Duration::from_millis(33);

pub fn run_console(playbook: Playbook, path: PathBuf) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let theme = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        Theme::monochrome()
    } else {
        Theme::dark()
    };
    let state = State::new(playbook, path.display().to_string(), Mode::Live);
    let mut terminal = tui::enter()?;
    let result = runtime.block_on(event_loop(&mut terminal, state, &theme));
    tui::leave();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    mut state: State,
    theme: &Theme,
) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    tui::spawn_input_thread(tx);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let opened = Instant::now();
    let size = terminal.size()?;
    app::update(
        &mut state,
        Event::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;

    loop {
        let next_frame = last_draw + FRAME;
        if dirty && Instant::now() >= next_frame {
            terminal.draw(|frame| ui::draw(frame, &state, theme))?;
            last_draw = Instant::now();
            dirty = false;
        }
        let mut effects = Vec::new();
        tokio::select! {
            input = rx.recv() => {
                let mut batch = vec![input];
                while let Ok(more) = rx.try_recv() {
                    batch.push(Some(more));
                }
                for input in batch {
                    match input {
                        Some(Input::Key(key)) => effects.extend(app::update(&mut state, Event::Key(key))),
                        Some(Input::Resize(width, height)) => effects.extend(app::update(&mut state, Event::Resize { width, height })),
                        Some(Input::Failed(err)) => return Err(std::io::Error::other(format!("reading the terminal failed: {err}"))),
                        None => return Ok(()),
                    }
                }
                dirty = true;
            }
            _ = clock.tick() => {
                app::update(&mut state, Event::Tick { utc: utc_clock(), elapsed_secs: opened.elapsed().as_secs() });
                dirty = true;
            }
            _ = sleep_until(next_frame.into()), if dirty => {}
            _ = sigterm.recv() => return Ok(()),
            _ = sighup.recv() => return Ok(()),
        }
        if effects.contains(&Effect::Quit) {
            return Ok(());
        }
    }
}

/// `HH:MM:SS` in UTC.
fn utc_clock() -> String {
    let stamp = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    stamp.get(11..19).unwrap_or("--:--:--").to_string()
}
