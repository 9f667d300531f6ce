//! OSC: titles, colours, hyperlinks, clipboard, working directory, prompt marks.

use super::*;

#[test]
fn titles_and_title_stack() {
    let mut t = T::new(10, 2);
    t.feed("\x1b]0;first\x07");
    assert_eq!(t.term.title(), "first");
    assert_eq!(t.term.icon_name(), "first");
    t.feed("\x1b[22t\x1b]2;second\x1b\\");
    assert_eq!(t.term.title(), "second");
    t.feed("\x1b[23t");
    assert_eq!(t.term.title(), "first");
    assert!(t.term.take_events().contains(&TermEvent::TitleChanged));
    t.feed("\x1b]2;a;b;c\x07");
    assert_eq!(t.term.title(), "a;b;c");
}

#[test]
fn window_position_move_and_report() {
    let mut t = T::new(10, 2);
    t.feed("\x1b[3;100;50t");
    assert!(
        t.term.take_events().contains(&TermEvent::Window(WindowRequest::Move { x: 100, y: 50 }))
    );
    t.feed("\x1b[13t");
    assert_eq!(t.replies(), "\x1b[3;0;0t", "no embedder position yet");
    t.term.set_window_position((100, 50), (104, 54));
    t.feed("\x1b[13t\x1b[13;2t");
    assert_eq!(t.replies(), "\x1b[3;100;50t\x1b[3;104;54t");
}

#[test]
fn title_modes_and_partial_title_stack() {
    let mut t = T::new(10, 2);
    t.feed("\x1b[>0t\x1b]2;414243\x07");
    assert_eq!(t.term.title(), "ABC", "set in hex");
    t.feed("\x1b]2;not hex\x07");
    assert_eq!(t.term.title(), "ABC", "invalid hex is ignored");
    t.feed("\x1b[>0T\x1b]1;icon\x07\x1b[22;1t\x1b]0;x\x07\x1b[23;2t");
    assert_eq!((t.term.title(), t.term.icon_name()), ("x", "x"), "no title was pushed");
    t.feed("\x1b[22;1t\x1b[23;1t");
    assert_eq!(t.term.icon_name(), "x");
}

#[test]
fn title_report_is_refused() {
    let mut t = T::new(10, 2);
    t.feed("\x1b]2;\x1b[31mevil\x07\x1b[21t\x1b[20t");
    assert_eq!(t.replies(), "", "CSI 21 t never echoes the title by default");
}

#[test]
fn color_set_query_reset() {
    let mut t = T::new(10, 2);
    t.feed("\x1b]4;1;rgb:12/34/56\x07\x1b]4;1;?\x07");
    assert_eq!(t.replies(), "\x1b]4;1;rgb:1212/3434/5656\x07");
    t.feed("\x1b]11;#102030\x1b\\\x1b]11;?\x1b\\");
    assert_eq!(t.replies(), "\x1b]11;rgb:1010/2020/3030\x1b\\", "answered in the query's form");
    assert_eq!(t.term.palette().0[COLOR_BACKGROUND], Rgb::new(0x10, 0x20, 0x30));
    t.feed("\x1b]104;1\x07\x1b]111\x07");
    let defaults = Palette::default();
    assert_eq!(t.term.palette().0[1], defaults.0[1]);
    assert_eq!(t.term.palette().0[COLOR_BACKGROUND], defaults.0[COLOR_BACKGROUND]);
}

#[test]
fn hyperlinks_are_stored_once_and_freed() {
    let mut t = T::new(20, 2);
    t.feed("\x1b]8;id=x;http://a.example/\x1b\\link\x1b]8;;\x1b\\ plain");
    let link = t.style_at(0, 0).link;
    assert_ne!(link, LinkId::NONE);
    assert_eq!(t.style_at(0, 3).link, link);
    assert_eq!(t.style_at(0, 5).link, LinkId::NONE);
    assert_eq!(
        &*t.term.hyperlink(link).map(|l| l.uri.clone()).unwrap_or_default(),
        "http://a.example/"
    );
    t.feed("\x1b[2J");
    assert_eq!(t.term.tables().live().1, 0, "link freed with its last cell");
}

#[test]
fn osc52_store_allowed_read_refused() {
    let mut t = T::new(10, 2);
    t.feed("\x1b]52;c;aGVsbG8=\x07\x1b]52;c;?\x07");
    let events = t.term.take_events();
    assert!(
        events.contains(&TermEvent::ClipboardStore { selection: b'c', data: b"hello".to_vec() })
    );
    assert!(!events.iter().any(|e| matches!(e, TermEvent::ClipboardLoad { .. })));
    assert_eq!(t.replies(), "");
}

#[test]
fn osc7_and_osc133() {
    let mut t = T::new(10, 3);
    t.feed("\x1b]7;file://host/tmp/a%20b\x07");
    assert_eq!(t.term.working_directory(), Some("/tmp/a b"));
    assert_eq!(t.term.working_directory_host(), "host");
    t.feed("\x1b]7;file:///srv\x07");
    assert_eq!((t.term.working_directory(), t.term.working_directory_host()), (Some("/srv"), ""));
    t.feed("\x1b]7;/opt\x07");
    assert_eq!((t.term.working_directory(), t.term.working_directory_host()), (Some("/opt"), ""));
    t.feed("\x1b]133;A\x07$ \x1b]133;B\x07ls\r\n\x1b]133;C\x07out");
    assert!(t.term.grid().row(Line(0)).flags().contains(RowFlags::PROMPT_START));
    assert!(t.term.grid().row(Line(1)).flags().contains(RowFlags::OUTPUT_START));
}

fn notes(t: &mut T) -> Vec<(NotifyProtocol, String, String)> {
    t.term
        .take_events()
        .into_iter()
        .filter_map(|e| match e {
            TermEvent::Notification { protocol, title, body } => Some((protocol, title, body)),
            _ => None,
        })
        .collect()
}

#[test]
fn notifications_by_osc_9_777_and_kitty_99() {
    let mut t = T::new(10, 2);
    t.feed("\x1b]9;build done\x07\x1b]9;4;1;50\x07");
    assert_eq!(notes(&mut t), [(NotifyProtocol::Osc9, "".into(), "build done".into())]);
    t.feed("\x1b]777;notify;Title;Body;more\x1b\\\x1b]777;other;x\x07");
    assert_eq!(notes(&mut t), [(NotifyProtocol::Osc777, "Title".into(), "Body;more".into())]);
    // kitty: chunks (d=0) are joined; p=body; e=1 is base64 ("aGk=" is "hi").
    t.feed("\x1b]99;i=7:d=0;Hel\x1b\\\x1b]99;i=7:d=0;lo\x1b\\\x1b]99;i=7:p=body:e=1;aGk=\x1b\\");
    assert_eq!(notes(&mut t), [(NotifyProtocol::Kitty, "Hello".into(), "hi".into())]);
    // Icons, buttons and the like are not text: ignored.
    t.feed("\x1b]99;p=icon;abc\x1b\\");
    assert!(notes(&mut t).is_empty());
    // Bounded: a huge body is cut to NOTIFY_TEXT_MAX bytes.
    t.feed(format!("\x1b]9;{}\x07", "x".repeat(10_000)));
    assert_eq!(notes(&mut t)[0].2.len(), crate::osc::NOTIFY_TEXT_MAX);
}

#[test]
fn osc_133_marks_carry_the_exit_status() {
    let mut t = T::new(10, 2);
    t.feed("\x1b]133;A\x07\x1b]133;C\x07\x1b]133;D;7\x07\x1b]133;D\x07");
    let marks: Vec<(PromptMark, Option<i32>)> = t
        .term
        .take_events()
        .into_iter()
        .filter_map(|e| match e {
            TermEvent::SemanticPrompt { mark, exit_status } => Some((mark, exit_status)),
            _ => None,
        })
        .collect();
    assert_eq!(
        marks,
        [
            (PromptMark::PromptStart, None),
            (PromptMark::OutputStart, None),
            (PromptMark::CommandEnd, Some(7)),
            (PromptMark::CommandEnd, None),
        ]
    );
}
