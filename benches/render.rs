//! Console speed, side by side with baselines in one run:
//!
//! * the time to draw a full 200×60 frame with 100,000 lines (some coloured,
//!   a search highlighted) in the output pane, on ratatui's TestBackend,
//!   against drawing one plain paragraph of the same visible text;
//! * the CPU an idle console uses over 10 s (`/proc/PID/stat`), in tmux, on
//!   the bundled site-down playbook with its health checks running, against
//!   `cat` waiting on the same kind of terminal.
//!
//! `cargo bench --bench render` (`OPSDECK_BENCH_SECS` shortens the idle run).
//! Results are printed as `BENCH` lines for `bench/run`.

mod common;

use common::tmux::Tmux;
use opsdeck::app::{Event, Key, KeyCode, Mode, State, update};
use opsdeck::ui::{Theme, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::Paragraph;
use std::time::{Duration, Instant};

const FRAME_TARGET_MS: f64 = 2.0;
const IDLE_TARGET_CPU: f64 = 1.0;
const LINES: usize = 100_000;
const FRAMES: usize = 2_000;

fn main() {
    frame_time();
    first_frame();
    idle_cpu();
}

/// From starting the console in a terminal to its first frame on screen,
/// against `cat` of the same playbook showing up in the same terminal.
fn first_frame() {
    let bin = env!("CARGO_BIN_EXE_opsdeck");
    let root = env!("CARGO_MANIFEST_DIR");
    let data = std::env::temp_dir().join(format!("opsdeck-bench-first-{}", std::process::id()));
    let until_shown = |name: &str, command: &str, text: &str| -> Option<Duration> {
        let start = Instant::now();
        let tmux = Tmux::start(name, command)?;
        tmux.until(Duration::from_secs(10), |screen| screen.contains(text))?;
        Some(start.elapsed())
    };
    let console = format!(
        "OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={} exec {bin} open {root}/playbooks/site-down.md",
        data.display()
    );
    let cat = format!("head -n 30 {root}/playbooks/site-down.md; sleep 10");
    let best = |name: &str, command: &str, text: &str| {
        (0..5)
            .filter_map(|_| until_shown(name, command, text))
            .min()
    };
    let (Some(ours), Some(base)) = (
        best("first", &console, "Steps 0/"),
        best("firstcat", &cat, "Site down"),
    ) else {
        eprintln!(
            "\n*** SKIPPED time to first frame: tmux is missing (apt-get install tmux) ***\n"
        );
        println!(
            "BENCH\ttime-to-first-frame\t-\t-\t-\t< 200 ms\tSKIPPED (tmux is missing: apt-get install tmux)"
        );
        return;
    };
    let (ours, base) = (ours.as_secs_f64() * 1000.0, base.as_secs_f64() * 1000.0);
    let verdict = if ours < 200.0 { "PASS" } else { "MISS" };
    println!(
        "first frame of the console: {ours:.0} ms (cat of the playbook: {base:.0} ms), in tmux"
    );
    println!(
        "BENCH\ttime-to-first-frame\t{ours:.0} ms\t{base:.0} ms (`head` of the playbook in the same terminal)\t{:.1}\t< 200 ms\t{verdict}",
        ours / base
    );
    let _ = std::fs::remove_dir_all(&data);
}

/// site-down at 200×60 with a finished run of 100,000 output lines and a search.
fn busy_state() -> State {
    let playbook = opsdeck::playbook::load(std::path::Path::new("playbooks/site-down.md"))
        .playbook
        .expect("playbooks/site-down.md parses");
    let mut state = State::new(playbook, "playbooks/site-down.md".into(), Mode::DryRun);
    update(
        &mut state,
        Event::Resize {
            width: 200,
            height: 60,
        },
    );
    for key in [
        Key::plain(KeyCode::Tab),
        Key::plain(KeyCode::Enter),
        Key::char('y'),
    ] {
        update(&mut state, Event::Key(key));
    }
    let run = state.output.current().expect("a dry run").id;
    let lines = (0..LINES)
        .map(|n| match n % 10 {
            0 => format!("\x1b[1;31mERROR\x1b[0m request {n} upstream timed out after 30s"),
            5 => format!(
                "\x1b[32mok\x1b[0m request {n} answered in \x1b[33m{}ms\x1b[0m",
                n % 900
            ),
            _ => format!("GET /api/orders/{n} 200 12ms user-agent=curl/8.5 host=web1.internal"),
        })
        .collect();
    update(&mut state, Event::Output { run, lines });
    for key in "/timed"
        .chars()
        .map(Key::char)
        .chain([Key::plain(KeyCode::Enter)])
    {
        update(&mut state, Event::Key(key));
    }
    // Scrolled up into the middle, where every visible line is parsed and searched.
    update(&mut state, Event::Key(Key::plain(KeyCode::PageUp)));
    state
}

fn frame_time() {
    let state = busy_state();
    let theme = Theme::dark();
    let mut console = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let visible: Vec<String> = state
        .output
        .current()
        .unwrap()
        .lines
        .iter()
        .take(60)
        .map(|l| opsdeck::terminal_text::sanitise(l, opsdeck::terminal_text::Keep::Text))
        .collect();
    let mut plain = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let (mut ours, mut base) = (Vec::with_capacity(FRAMES), Vec::with_capacity(FRAMES));
    // Interleaved, so machine noise hits both alike; the first frames warm up.
    for n in 0..FRAMES + 50 {
        let start = Instant::now();
        console.draw(|f| draw(f, &state, &theme)).unwrap();
        let console_time = start.elapsed();
        let start = Instant::now();
        plain
            .draw(|f| f.render_widget(Paragraph::new(visible.join("\n")), f.area()))
            .unwrap();
        if n >= 50 {
            ours.push(console_time);
            base.push(start.elapsed());
        }
    }
    let (p50, p99) = percentiles(&mut ours);
    let (base50, base99) = percentiles(&mut base);
    let verdict = if p99 < FRAME_TARGET_MS {
        "PASS"
    } else {
        "MISS"
    };
    println!(
        "frame 200x60, {LINES} output lines: p50 {p50:.3} ms, p99 {p99:.3} ms (plain paragraph p50 {base50:.3} ms, p99 {base99:.3} ms)"
    );
    // Like by like: p99 against the baseline's p99.
    println!(
        "BENCH\trender-frame-200x60-100k-lines\t{p99:.3} ms p99 ({p50:.3} p50)\t{base99:.3} ms p99 ({base50:.3} p50) (plain paragraph)\t{:.1}\t< {FRAME_TARGET_MS} ms p99\t{verdict}",
        p99 / base99
    );
}

fn percentiles(times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(times[times.len() / 2]),
        ms(times[times.len() * 99 / 100]),
    )
}

/// User plus system CPU time of a process, in seconds.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // SAFETY: sysconf only reads a constant of the system.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Some(ticks / per_second)
}

fn idle_cpu() {
    let seconds: u64 = std::env::var("OPSDECK_BENCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let dir = std::env::temp_dir().join(format!("opsdeck-bench-idle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The bundled site-down playbook, its health checks (HTTP, TCP, a
    // command over SSH, a status page) running on their intervals.
    let playbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("playbooks/site-down.md");
    let console = format!(
        "OPSDECK_CONFIG=/dev/null OPSDECK_DATA_DIR={} exec {} open {}",
        dir.join("data").display(),
        env!("CARGO_BIN_EXE_opsdeck"),
        playbook.display()
    );
    let (Some(ours), Some(base)) = (
        Tmux::start("console", &console),
        Tmux::start("cat", "exec cat"),
    ) else {
        eprintln!("\n*** SKIPPED idle CPU: tmux is missing (apt-get install tmux) ***\n");
        println!(
            "BENCH\tidle-cpu-site-down-checks\t-\t-\t-\t< {IDLE_TARGET_CPU} %\tSKIPPED (tmux is missing: apt-get install tmux)"
        );
        return;
    };
    std::thread::sleep(Duration::from_millis(1500));
    let (Some(pid), Some(base_pid)) = (ours.pid(), base.pid()) else {
        println!(
            "BENCH\tidle-cpu-site-down-checks\t-\t-\t-\t< {IDLE_TARGET_CPU} %\tFAILED (no pid)"
        );
        return;
    };
    let before = (cpu_seconds(pid), cpu_seconds(base_pid));
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs(seconds));
    let wall = start.elapsed().as_secs_f64();
    let after = (cpu_seconds(pid), cpu_seconds(base_pid));
    let percent = |b: Option<f64>, a: Option<f64>| Some((a? - b?) / wall * 100.0);
    let (Some(cpu), Some(base_cpu)) = (percent(before.0, after.0), percent(before.1, after.1))
    else {
        println!(
            "BENCH\tidle-cpu-site-down-checks\t-\t-\t-\t< {IDLE_TARGET_CPU} %\tFAILED (the console exited)"
        );
        return;
    };
    let verdict = if cpu < IDLE_TARGET_CPU {
        "PASS"
    } else {
        "MISS"
    };
    println!(
        "idle console over {seconds} s, site-down's checks running: {cpu:.2} % CPU (cat: {base_cpu:.2} %)"
    );
    println!(
        "BENCH\tidle-cpu-site-down-checks\t{cpu:.2} % over {seconds} s\t{base_cpu:.2} % (cat)\t-\t< {IDLE_TARGET_CPU} %\t{verdict}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
