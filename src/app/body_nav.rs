//! Moving in the step text. `j`/`k` walk its commands and the text scrolls
//! just enough to show the one selected; where no command is near (prose
//! above the first, below the last, or longer than a page between two) they
//! scroll a line instead, so every press moves something on screen. The
//! selected command is one on screen whenever any is, so Enter opens the
//! confirmation of a command the responder can see.

use super::state::State;

/// `j`/↓ with the step text focused.
pub fn down(state: &mut State) {
    let view = &state.viewport;
    if !view.known() {
        let count = state.current_commands().len();
        state.selected_command = (state.selected_command + 1).min(count.saturating_sub(1));
        return;
    }
    let scroll = scroll(state);
    let target = if view.command_visible(state.selected_command, scroll) {
        Some(state.selected_command + 1)
    } else {
        view.command_rows
            .iter()
            .position(|rows| rows.start >= scroll + view.body_height)
    };
    match target.and_then(|n| view.command_rows.get(n).map(|rows| (n, rows))) {
        // Within a page below the view: select it rather than crawl to it.
        Some((n, rows)) if rows.start < scroll + 2 * view.body_height => select(state, n),
        _ => scroll_by(state, 1),
    }
}

/// `k`/↑ with the step text focused.
pub fn up(state: &mut State) {
    let view = &state.viewport;
    if !view.known() {
        state.selected_command = state.selected_command.saturating_sub(1);
        return;
    }
    let scroll = scroll(state);
    let target = if view.command_visible(state.selected_command, scroll) {
        state.selected_command.checked_sub(1)
    } else {
        view.command_rows
            .iter()
            .rposition(|rows| rows.end <= scroll)
    };
    match target.and_then(|n| view.command_rows.get(n).map(|rows| (n, rows))) {
        Some((n, rows)) if rows.end + view.body_height > scroll => select(state, n),
        _ => scroll_by(state, -1),
    }
}

/// A page of the step text (PgDn/PgUp), down or up.
pub fn page(state: &mut State, down: bool) {
    let page = if state.viewport.known() {
        state.viewport.body_height.saturating_sub(1).max(1)
    } else {
        10
    };
    let page = page as isize;
    scroll_by(state, if down { page } else { -page });
}

/// Scrolls by `rows` (up when negative), never past the text's ends, and
/// moves the selection onto the screen if it scrolled away.
pub fn scroll_by(state: &mut State, rows: isize) {
    let wanted = scroll(state).saturating_add_signed(rows);
    set_scroll(state, wanted);
    follow_view(state);
}

/// Selects command `n` and scrolls just enough to show all of it (its
/// first rows when it is taller than the pane).
pub fn select(state: &mut State, n: usize) {
    state.selected_command = n;
    let view = &state.viewport;
    let Some(rows) = view.command_rows.get(n).cloned() else {
        return;
    };
    let scroll = scroll(state);
    let wanted = if rows.start < scroll {
        rows.start
    } else if rows.end > scroll + view.body_height {
        (rows.end - view.body_height).min(rows.start)
    } else {
        scroll
    };
    set_scroll(state, wanted);
}

/// After a new measure: the scroll within the text, the selection on screen.
pub fn fit(state: &mut State) {
    set_scroll(state, scroll(state));
    follow_view(state);
}

/// Whether Enter may act on the selected command: it is on screen, or
/// nothing has been measured yet.
pub fn selection_in_view(state: &State) -> bool {
    let view = &state.viewport;
    !view.known()
        || view.command_rows.is_empty()
        || view.command_visible(state.selected_command, scroll(state))
}

/// The selection scrolled off screen: the nearest command still on it.
fn follow_view(state: &mut State) {
    let view = &state.viewport;
    let scroll = scroll(state);
    if !view.known() || view.command_visible(state.selected_command, scroll) {
        return;
    }
    let visible: Vec<usize> = (0..view.command_rows.len())
        .filter(|n| view.command_visible(*n, scroll))
        .collect();
    let nearest = if visible
        .first()
        .is_some_and(|first| state.selected_command < *first)
    {
        visible.first()
    } else {
        visible.last()
    };
    if let Some(n) = nearest {
        state.selected_command = *n;
    }
}

fn scroll(state: &State) -> usize {
    state.body_scroll as usize
}

fn set_scroll(state: &mut State, rows: usize) {
    let rows = if state.viewport.known() {
        rows.min(state.viewport.body_max_scroll())
    } else {
        rows
    };
    state.body_scroll = rows.min(u16::MAX as usize) as u16;
}
