//! Modes and screens: 47/1047/1049, DECRQM, mode state, cursor styles, LNM.

use super::*;

#[test]
fn alternate_screen_1049_saves_cursor_and_clears() {
    let mut t = T::new(10, 3);
    t.feed("main\x1b[2;3H\x1b[?1049h");
    assert!(t.term.is_alt_screen());
    assert_eq!(t.screen(), ["", "", ""]);
    t.feed("\x1b[Halt");
    t.feed("\x1b[?1049l");
    assert!(!t.term.is_alt_screen());
    assert_eq!(t.screen(), ["main", "", ""]);
    assert_eq!(t.cursor(), (1, 2));
    // Entering again shows a cleared alternate screen.
    t.feed("\x1b[?1049h");
    assert_eq!(t.screen(), ["", "", ""]);
}

#[test]
fn alternate_screen_47_and_1047() {
    let mut t = T::new(10, 2);
    t.feed("main\x1b[?47hxx\x1b[?47l");
    assert_eq!(t.line(0), "main");
    t.feed("\x1b[?47h");
    assert_eq!(t.line(0), "    xx", "47 does not clear");
    t.feed("\x1b[?1047l\x1b[?1047h");
    assert_eq!(t.line(0), "", "1047 clears on leaving");
}

#[test]
fn decrqm_replies() {
    let mut t = T::new(10, 2);
    t.feed("\x1b[?2004h\x1b[?2004$p\x1b[?25$p\x1b[?1049$p\x1b[?9999$p\x1b[4$p\x1b[?2026$p");
    assert_eq!(
        t.replies(),
        "\x1b[?2004;1$y\x1b[?25;1$y\x1b[?1049;2$y\x1b[?9999;0$y\x1b[4;2$y\x1b[?2026;2$y"
    );
    t.feed("\x1b[?1006h\x1b[?1002h\x1b[?1006$p\x1b[?1002$p\x1b[?1000$p");
    assert_eq!(t.replies(), "\x1b[?1006;1$y\x1b[?1002;1$y\x1b[?1000;2$y");
    assert_eq!(t.term.mouse_tracking(), MouseTracking::ButtonMotion);
    assert_eq!(t.term.mouse_encoding(), MouseEncoding::Sgr);
}

#[test]
fn modes_track_state() {
    let mut t = T::new(10, 2);
    t.feed("\x1b[?1h\x1b=\x1b[?25l\x1b[?1004h\x1b[?2026h");
    let m = t.term.modes();
    assert!(m.contains(Modes::APP_CURSOR | Modes::APP_KEYPAD | Modes::FOCUS_EVENTS));
    assert!(m.contains(Modes::SYNC_OUTPUT));
    assert!(!m.contains(Modes::SHOW_CURSOR));
    t.feed("\x1b[?1l\x1b>\x1b[?2026l");
    assert!(!t.term.modes().intersects(Modes::APP_CURSOR | Modes::APP_KEYPAD | Modes::SYNC_OUTPUT));
}

#[test]
fn cursor_styles() {
    let mut t = T::new(10, 2);
    t.feed("\x1b[5 q");
    assert_eq!(t.term.cursor_style(), CursorStyle { shape: CursorShape::Beam, blinking: true });
    t.feed("\x1b[4 q");
    assert_eq!(
        t.term.cursor_style(),
        CursorStyle { shape: CursorShape::Underline, blinking: false }
    );
    t.feed("\x1b[0 q");
    assert_eq!(t.term.cursor_style(), CursorStyle::default());
}

#[test]
fn linefeed_newline_mode() {
    let mut t = T::new(10, 3);
    t.feed("\x1b[20hab\ncd");
    assert_eq!(t.screen(), ["ab", "cd", ""]);
}
