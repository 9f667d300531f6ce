//! Cursor motion: CUP/CUU/…, DECSC/DECRC, origin mode.

use super::*;

#[test]
fn cursor_movement_sequences() {
    let mut t = T::new(20, 10);
    t.feed("\x1b[5;10H");
    assert_eq!(t.cursor(), (4, 9));
    t.feed("\x1b[2A");
    assert_eq!(t.cursor(), (2, 9));
    t.feed("\x1b[3B");
    assert_eq!(t.cursor(), (5, 9));
    t.feed("\x1b[4C");
    assert_eq!(t.cursor(), (5, 13));
    t.feed("\x1b[100D");
    assert_eq!(t.cursor(), (5, 0));
    t.feed("\x1b[2E");
    assert_eq!(t.cursor(), (7, 0));
    t.feed("\x1b[5G\x1b[F");
    assert_eq!(t.cursor(), (6, 0));
    t.feed("\x1b[3d");
    assert_eq!(t.cursor(), (2, 0));
    t.feed("\x1b[7`");
    assert_eq!(t.cursor(), (2, 6));
    t.feed("\x1b[2a\x1b[3e");
    assert_eq!(t.cursor(), (5, 8));
    t.feed("\x1b[99;99f");
    assert_eq!(t.cursor(), (9, 19));
    t.feed("\x1b[H");
    assert_eq!(t.cursor(), (0, 0));
}

#[test]
fn save_and_restore_cursor_with_attributes() {
    let mut t = T::new(20, 5);
    t.feed("\x1b[3;4H\x1b[1;31m\x1b7\x1b[m\x1b[H\x1b8X");
    assert_eq!(t.cursor(), (2, 4));
    let s = t.style_at(2, 3);
    assert!(s.attrs.contains(Attrs::BOLD));
    assert_eq!(s.fg, Color::indexed(1));
    // CSI s / CSI u do the same when DECLRMM is off.
    t.feed("\x1b[m\x1b[4;5H\x1b[s\x1b[H\x1b[u");
    assert_eq!(t.cursor(), (3, 4));
}

#[test]
fn origin_mode_is_relative_to_the_region() {
    let mut t = T::new(10, 10);
    t.feed("\x1b[3;6r\x1b[?6h");
    assert_eq!(t.cursor(), (2, 0), "DECOM homes to the region top");
    t.feed("\x1b[2;3H");
    assert_eq!(t.cursor(), (3, 2));
    t.feed("\x1b[20;1H");
    assert_eq!(t.cursor(), (5, 0), "clamped to the region");
    t.feed("\x1b[6n");
    assert_eq!(t.replies(), "\x1b[4;1R", "CPR relative to the origin");
}
