//! The one loop that owns the terminal: input, task events, clock and signals
//! in; effects out; draw when dirty, at most ~30 frames a second (a key or click at once).

mod effects;
mod health;
pub mod picker;
mod reload;

use crate::app::{self, Effect, Event, Mode, State};
use crate::config::Settings;
use crate::playbook::Playbook;
use crate::tui::{self, Input};
use crate::ui::{self, Theme};
use effects::Effects;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::sleep_until;

/// At most ~30 frames a second, however fast events arrive.
const FRAME: Duration = Duration::from_millis(33);

#[derive(Default)]
pub struct ConsoleOptions {
    pub mode: Mode,
    pub vars: BTreeMap<String, String>,
    /// Start a new incident even if one is open for this playbook.
    pub new_incident: bool,
    /// A rehearsal: the incident log is marked as a drill.
    pub drill: bool,
    /// Opened from an alert: its event (the incident's first after `opened`)
    /// and the text shown before the playbook.
    pub alert: Option<crate::alerts::open::FromAlert>,
    /// The playbook was read with errors: what they make read-only.
    pub broken: crate::plan::broken::Broken,
    /// Opened from the playbook list, which quitting goes back to.
    pub from_list: bool,
}

pub fn run_console(
    playbook: Playbook,
    path: PathBuf,
    options: ConsoleOptions,
    settings: Settings,
) -> std::io::Result<()> {
    // The loop runs on this thread (`block_on`); runs, probes and their
    // output files on two workers, so keys are answered while a command
    // floods output (and its file waits on the disk).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let theme = settings.theme;
    let mut vars = crate::plan::values::env_values(&playbook);
    vars.extend(options.vars);
    let secrets: Vec<String> = playbook
        .variables
        .iter()
        .filter(|(_, v)| v.secret)
        .filter_map(|(name, _)| vars.get(name).cloned())
        .collect();
    let title = playbook.title.clone();
    let checked = playbook.clone();
    let setup = app::state::Setup {
        vars,
        keymap: settings.keymap.clone(),
        output_budget: settings.output_budget,
        kube: crate::exec::kube_pin::pinned(&path, options.new_incident),
        broken: options.broken,
    };
    let mut state = State::set_up(playbook, path.display().to_string(), options.mode, setup);
    let mut notices = Vec::new();
    // Learn mode is a rehearsal: it never opens, let alone writes to, the live incident.
    let resumed = if options.new_incident || options.mode == crate::app::Mode::Learn {
        None
    } else {
        resume_open_incident(&path, &secrets, &mut notices)
    };
    if options.from_list {
        notices.push(Event::OpenedFromList);
    }
    let (first_event, claim) = match options.alert {
        Some(from) => {
            notices.push(Event::OpenedFromAlert {
                name: from.name,
                notice: from.notice,
                from_list: from.from_list,
            });
            (Some(from.entry), Some(from.claim))
        }
        None => (None, None),
    };
    if let Some(problem) = data_dir_problem() {
        notices.push(Event::Notice(format!(
            "INCIDENT LOG NOT WRITABLE: {problem}; set OPSDECK_DATA_DIR"
        )));
    }
    tui::set_mouse(settings.mouse);
    let mut terminal = tui::enter()?;
    let result = runtime.block_on(async {
        let (events_tx, events_rx) = mpsc::channel(256);
        // One SSH pool for commands and checks: a host's connection is shared.
        let ssh = crate::exec::ssh::SshPool::from_env();
        let mut sources = Sources {
            health: None,
            events_tx: events_tx.clone(),
            reloader: None,
            origin: Instant::now(),
            ssh: ssh.clone(),
            path: path.clone(),
        };
        notices.extend(sources.start_health(&checked));
        match reload::Reloader::start(&path) {
            Ok(reloader) => sources.reloader = Some(reloader),
            Err(error) => notices.push(Event::Notice(format!("live reload is off: {error}"))),
        }
        for notice in notices {
            app::update(&mut state, notice);
        }
        let mut effects = Effects::new(path, title, secrets, events_tx).with_ssh(ssh);
        effects.drill = options.drill;
        effects.claim = claim;
        // Opened from an alert: the incident starts now, the alert its first event.
        if let Some(entry) = first_event {
            for event in effects.apply(vec![crate::app::Effect::Record(entry)]) {
                app::update(&mut state, event);
            }
        }
        effects.notify = checked.notify.clone();
        effects.kube_pin = state.kube.clone();
        if let Some(log) = resumed {
            effects = effects.with_log(log);
        }
        // The keyboard goes back for the screen after this one (the list
        // that opened the console), so no second reader takes its keys.
        let mut input = tui::take_input();
        let ended = event_loop(
            &mut terminal,
            &mut input,
            state,
            &theme,
            effects,
            events_rx,
            sources,
        )
        .await;
        tui::return_input(input);
        ended
    });
    tui::leave();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Input>,
    mut state: State,
    theme: &Theme,
    mut effects: Effects,
    mut task_events: mpsc::Receiver<Event>,
    mut sources: Sources,
) -> std::io::Result<()> {
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    // Ctrl-C is a key in raw mode; SIGINT only comes from outside (`kill -INT`).
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let opened = sources.origin;
    let size = terminal.size()?;
    app::update(
        &mut state,
        Event::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let mut dirty = true;
    // A key or click was handled: its frame is drawn at once, not at the
    // next frame time (up to 33 ms later during a flood of output).
    let mut answered_input = false;
    let mut last_draw = Instant::now() - FRAME;

    loop {
        let next_frame = last_draw + FRAME;
        if dirty && (answered_input || Instant::now() >= next_frame) {
            terminal.draw(|frame| ui::draw(frame, &state, theme))?;
            last_draw = Instant::now();
            dirty = false;
            answered_input = false;
            panic_after_draw_test_hook();
        }
        let mut events = Vec::new();
        tokio::select! {
            input = rx.recv() => {
                let mut batch = vec![input];
                while let Ok(more) = rx.try_recv() {
                    batch.push(Some(more));
                }
                answered_input = true;
                for input in batch {
                    match input {
                        Some(Input::Key(key)) => events.push(Event::Key(key)),
                        // Hit-tested against the screen as last drawn, which is what was clicked.
                        Some(Input::Mouse(mouse)) => events.extend(mouse_event(&state, mouse)),
                        Some(Input::Resize(width, height)) => events.push(Event::Resize { width, height }),
                        Some(Input::Failed(err)) => return Err(std::io::Error::other(format!("reading the terminal failed: {err}"))),
                        None => return Ok(()),
                    }
                }
            }
            Some(event) = task_events.recv() => {
                events.push(event);
                // Drain what is waiting, bounded, so output never starves the keyboard.
                while events.len() < 64 {
                    match task_events.try_recv() {
                        Ok(event) => events.push(event),
                        Err(_) => break,
                    }
                }
            }
            event = next_change(&mut sources.reloader) => events.push(event),
            _ = clock.tick() => {
                events.push(Event::Tick { utc: utc_clock(), elapsed_secs: opened.elapsed().as_secs() });
            }
            _ = sleep_until(next_frame.into()), if dirty => {}
            _ = sigterm.recv() => return stopped_by_signal(),
            _ = sighup.recv() => return stopped_by_signal(),
            _ = sigint.recv() => return stopped_by_signal(),
        }
        let mut quit = false;
        while let Some(event) = (!events.is_empty()).then(|| events.remove(0)) {
            // Keys and clicks act on the screen as it is laid out now.
            if matches!(
                event,
                Event::Key(_) | Event::Click(_) | Event::Scroll { .. }
            ) {
                let measured = ui::measure(&state);
                app::update(&mut state, Event::Measured(measured));
            }
            let resized = matches!(event, Event::Resize { .. });
            let produced = app::update(&mut state, event);
            if resized {
                let measured = ui::measure(&state);
                app::update(&mut state, Event::Measured(measured));
            }
            for effect in &produced {
                if let Effect::RestartHealth(playbook) = effect {
                    events.extend(sources.start_health(playbook));
                }
            }
            quit |= produced.contains(&Effect::Quit);
            // Effects (log appends included) finish before the next frame is drawn.
            events.extend(effects.apply(produced));
            if std::mem::take(&mut effects.redraw_all) {
                terminal.clear()?;
            }
            dirty = true;
        }
        if quit {
            return Ok(());
        }
    }
}

/// Set when a signal ended the console, so a list that opened it (the
/// alerts picker) ends too instead of coming back.
static STOPPED_BY_SIGNAL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn stopped_by_signal() -> std::io::Result<()> {
    STOPPED_BY_SIGNAL.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}

/// Whether a signal (TERM, HUP, INT) ended the last console, rather than the responder.
pub fn ended_by_signal() -> bool {
    STOPPED_BY_SIGNAL.load(std::sync::atomic::Ordering::SeqCst)
}

/// Said at start, before anything needs recording: an incident log that
/// cannot be written must not be discovered in the middle of an outage.
fn data_dir_problem() -> Option<String> {
    use std::os::unix::fs::OpenOptionsExt;
    let Some(dir) = crate::incident::incidents_dir() else {
        return Some("no data directory".into());
    };
    // Created private, and refused when others can write to it, as the log does.
    if let Err(err) = crate::incident::store::ensure_private_base(&dir, "start the incident log") {
        return Some(format!("{err} ({})", err.hint()));
    }
    let probe = dir.join(format!(".write-test-{}", std::process::id()));
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&probe);
    match created {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            None
        }
        Err(err) => Some(format!("{}: {err}", dir.display())),
    }
}

/// Test hook, not a feature: `OPSDECK_PANIC_AFTER_DRAW=1` panics once the
/// first frame is on screen, so the end-to-end tests can check that a panic
/// (a bug, which no input may trigger) still gives the terminal back.
fn panic_after_draw_test_hook() {
    if std::env::var_os("OPSDECK_PANIC_AFTER_DRAW").is_some_and(|v| v == "1") {
        panic!("OPSDECK_PANIC_AFTER_DRAW=1: test panic after the first frame");
    }
}

/// What feeds the loop besides the keyboard and the clock.
struct Sources {
    /// Dropped when the loop ends (or the checks change), which stops every check.
    health: Option<crate::health::Scheduler>,
    events_tx: mpsc::Sender<Event>,
    reloader: Option<reload::Reloader>,
    /// The console's start: the clock and probe times count from it.
    origin: Instant,
    ssh: crate::exec::ssh::SshPool,
    path: PathBuf,
}

impl Sources {
    /// (Re)starts the playbook's checks; the old ones stop first. What went
    /// wrong comes back as a notice for the core.
    fn start_health(&mut self, playbook: &Playbook) -> Option<Event> {
        self.health = None;
        let remote =
            crate::exec::remote_checks::SshHosts::of(playbook, &self.path, self.ssh.clone());
        match health::start(playbook, self.origin, self.events_tx.clone(), remote) {
            Ok(scheduler) => {
                self.health = scheduler;
                None
            }
            Err(error) => Some(Event::Notice(format!("health checks not started: {error}"))),
        }
    }
}

/// A click or wheel turn, as the pane, step or command under the pointer.
fn mouse_event(state: &State, mouse: tui::Mouse) -> Option<Event> {
    let screen = ratatui::layout::Rect::new(0, 0, state.size.0, state.size.1);
    match mouse {
        tui::Mouse::Click { column, row } => {
            ui::hit_test(state, screen, column, row).map(Event::Click)
        }
        tui::Mouse::Wheel { column, row, down } => {
            match ui::hit_test(state, screen, column, row)? {
                app::event::Hit::Pane(pane) => Some(Event::Scroll { pane, down }),
                app::event::Hit::Step(_) => Some(Event::Scroll {
                    pane: app::Focus::Steps,
                    down,
                }),
                app::event::Hit::Command(_) => Some(Event::Scroll {
                    pane: app::Focus::Body,
                    down,
                }),
            }
        }
    }
}

/// The next reload of the playbook file, or never when nobody watches it.
async fn next_change(reloader: &mut Option<reload::Reloader>) -> Event {
    match reloader {
        Some(reloader) => reloader.next().await,
        None => std::future::pending().await,
    }
}

/// The open incident of this playbook (after a crash or a hand-over) goes on:
/// its step progress is replayed and new events are appended to it.
fn resume_open_incident(
    path: &std::path::Path,
    secrets: &[String],
    notices: &mut Vec<Event>,
) -> Option<crate::incident::IncidentLog> {
    use crate::incident::{self, IncidentLog, redact::Redactor};
    let base = incident::incidents_dir()?;
    let canonical = std::fs::canonicalize(path).ok()?.display().to_string();
    let open = incident::list::open_for(&base, &canonical)?;
    let replayed = incident::replay(&open.dir.join(incident::store::EVENTS_FILE)).ok()?;
    let log = IncidentLog::resume(&open.dir, Redactor::new(secrets.to_vec())).ok()?;
    notices.push(Event::Resumed {
        id: open.id,
        events: open.events,
        entries: replayed.entries().cloned().collect(),
        torn: replayed.torn_tail.is_some(),
    });
    Some(log)
}

/// `HH:MM:SS` in UTC.
fn utc_clock() -> String {
    let stamp = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    stamp.get(11..19).unwrap_or("--:--:--").to_string()
}
