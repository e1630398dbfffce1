//! The picker of bare `opsdeck`: pure state and keys, and its screen.

mod screen_support;
use opsdeck::app::picker::{Picker, PickerEntry, PickerOutcome};
use opsdeck::app::{Key, KeyCode};
use opsdeck::ui::{Theme, draw_picker};
use std::path::Path;

const LIBRARY: &str = "tests/fixtures/library";

fn library() -> Picker {
    let mut files: Vec<_> = std::fs::read_dir(LIBRARY)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let entries = files
        .iter()
        .map(|file| {
            let path = file.display().to_string();
            PickerEntry::from_parsed(&path, &opsdeck::plan::check::load(Path::new(&path)))
        })
        .collect();
    Picker::library(entries, vec![LIBRARY.into()])
}

fn type_text(picker: &mut Picker, text: &str) {
    for c in text.chars() {
        assert_eq!(picker.update(Key::char(c)), PickerOutcome::Stay);
    }
}

fn titles(picker: &Picker) -> Vec<&str> {
    picker
        .hits
        .iter()
        .map(|hit| picker.entries[hit.entry].title.as_str())
        .collect()
}

#[test]
fn every_file_is_listed_broken_ones_last_with_their_first_error() {
    let picker = library();
    assert_eq!(
        titles(&picker),
        vec!["Disk full", "Order queue backlog", "Site down", "Broken"]
    );
    assert_eq!(picker.selected, 0, "a good playbook is selected first");
    let broken = &picker.entries[3];
    let error = broken.error.as_deref().unwrap();
    assert!(
        error.starts_with("4:") && error.contains("unknown key `htp`"),
        "line:col first, the cause first: {error}"
    );
    assert!(
        broken.openable,
        "its steps read: it opens read-only where broken"
    );
    let site = &picker.entries[2];
    assert_eq!(site.service.as_deref(), Some("shop-web"));
    assert_eq!(site.steps.len(), 3);
    assert_eq!(site.checks.len(), 2);
}

#[test]
fn typing_filters_by_title_service_and_file_name() {
    let mut picker = library();
    type_text(&mut picker, "disk");
    assert_eq!(titles(&picker), vec!["Disk full"], "by title");

    let mut picker = library();
    type_text(&mut picker, "order-worker");
    assert_eq!(titles(&picker), vec!["Order queue backlog"], "by service");

    let mut picker = library();
    type_text(&mut picker, "yaml");
    assert_eq!(titles(&picker), vec!["Order queue backlog"], "by file name");

    let mut picker = library();
    type_text(&mut picker, "shop web");
    assert_eq!(titles(&picker), vec!["Site down"], "terms match anywhere");
    assert!(
        !picker.hits[0].positions.is_empty(),
        "positions to highlight"
    );

    type_text(&mut picker, "zzz");
    assert!(picker.hits.is_empty());
    assert_eq!(
        picker.update(Key::plain(KeyCode::Enter)),
        PickerOutcome::Stay
    );
}

#[test]
fn enter_opens_the_selected_playbook_but_not_one_whose_steps_cannot_be_read() {
    let mut picker = library();
    picker.update(Key::plain(KeyCode::Down));
    assert_eq!(
        picker.update(Key::plain(KeyCode::Enter)),
        PickerOutcome::Open(format!("{LIBRARY}/queue-backlog.yaml"))
    );
    let unreadable = PickerEntry::from_parsed(
        "bad.md",
        &opsdeck::playbook::parse(
            b"---\n: [\n---\n# X\n",
            opsdeck::playbook::Form::Markdown,
            "bad",
        ),
    );
    assert!(!unreadable.openable);
    let mut only_bad = Picker::library(vec![unreadable], Vec::new());
    assert_eq!(
        only_bad.update(Key::plain(KeyCode::Enter)),
        PickerOutcome::Stay
    );
    assert!(only_bad.message.as_deref().unwrap().contains("cannot open"));
    picker.update(Key::plain(KeyCode::End));
    picker.update(Key::plain(KeyCode::Down));
    assert_eq!(picker.selected, 3, "never past the last");
}

#[test]
fn q_quits_on_an_empty_filter_and_is_typed_otherwise_esc_clears_then_quits() {
    assert_eq!(library().update(Key::char('q')), PickerOutcome::Quit);
    assert_eq!(library().update(Key::ctrl('c')), PickerOutcome::Quit);
    let mut picker = library();
    type_text(&mut picker, "bq");
    assert_eq!(picker.query, "bq");
    picker.update(Key::plain(KeyCode::Backspace));
    assert_eq!(picker.query, "b");
    assert_eq!(picker.update(Key::plain(KeyCode::Esc)), PickerOutcome::Stay);
    assert_eq!(picker.query, "");
    assert_eq!(picker.hits.len(), 4);
    assert_eq!(picker.update(Key::plain(KeyCode::Esc)), PickerOutcome::Quit);
}

fn screen(picker: &Picker, width: u16, height: u16) -> String {
    screen_support::render(width, height, |frame| {
        draw_picker(frame, picker, &Theme::dark())
    })
}

#[test]
fn the_picker_screen_with_a_filter_and_a_preview() {
    let mut picker = library();
    type_text(&mut picker, "site");
    assert_eq!(titles(&picker), vec!["Site down"]);
    let screen = screen(&picker, 100, 20);
    assert!(screen.contains("Was there a recent deploy?"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_picker_previews_an_invalid_playbook_with_its_error() {
    let mut picker = library();
    picker.update(Key::plain(KeyCode::End));
    let screen = screen(&picker, 100, 20);
    assert!(
        screen.contains("This playbook has errors; it opens"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn an_empty_library_says_where_it_looked() {
    let picker = Picker::new(Vec::new(), vec!["playbooks".into()]);
    let screen = screen(&picker, 80, 12);
    assert!(screen.contains("No playbooks found"), "{screen}");
    insta::assert_snapshot!(screen);
}
