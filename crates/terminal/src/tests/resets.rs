//! Resets: RIS and DECSTR.

use super::*;

#[test]
fn ris_resets_everything() {
    let mut t = T::new(10, 3);
    t.feed("\x1b[31mtext\x1b[2;3r\x1b[?1049h\x1b[?2004h\x1bc");
    assert_eq!(t.screen(), ["", "", ""]);
    assert!(!t.term.is_alt_screen());
    assert!(!t.term.modes().contains(Modes::BRACKETED_PASTE));
    assert_eq!(t.cursor(), (0, 0));
    t.feed("x");
    assert!(t.style_at(0, 0).is_default());
}

#[test]
fn decstr_soft_reset() {
    let mut t = T::new(10, 5);
    t.feed("\x1b[?6h\x1b[4h\x1b[?7l\x1b[2;4r\x1b[1m\x1b[?25l\x1b(0\x1b[!p");
    let m = t.term.modes();
    assert!(!m.contains(Modes::ORIGIN) && !m.contains(Modes::INSERT));
    assert!(m.contains(Modes::AUTOWRAP | Modes::SHOW_CURSOR));
    t.feed("\x1b[Hq");
    assert_eq!(t.line(0), "q", "charsets reset");
    assert!(t.style_at(0, 0).is_default());
    t.feed("\x1bP$qr\x1b\\");
    assert_eq!(t.replies(), "\x1bP1$r1;5r\x1b\\");
}
