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

#[test]
fn reverse_wraparound_stops_at_the_top_line() {
    // DECSET 45 alone: BS at the left margin goes to the end of the line above...
    let mut t = T::new(10, 5);
    t.feed("\x1b[?45h\x1b[3;1H\x08");
    assert_eq!(t.cursor(), (1, 9));
    // ...CUB counts across lines...
    t.feed("\x1b[3;3H\x1b[4D");
    assert_eq!(t.cursor(), (1, 8));
    // ...but stops at the top line's left margin (current xterm, the DEC manuals).
    t.feed("\x1b[1;1H\x08\x08");
    assert_eq!(t.cursor(), (0, 0));
    t.feed("\x1b[2;3H\x1b[50D");
    assert_eq!(t.cursor(), (0, 0));
    // The scroll region's top line stops it too; below the region the screen's top does.
    t.feed("\x1b[3;4r\x1b[3;1H\x08");
    assert_eq!(t.cursor(), (2, 0));
    t.feed("\x1b[5;1H\x08");
    assert_eq!(t.cursor(), (3, 9));
    // Without autowrap there is no reverse wrap at all.
    t.feed("\x1b[r\x1b[?7l\x1b[3;1H\x08");
    assert_eq!(t.cursor(), (2, 0));
}

#[test]
fn extended_reverse_wraparound_wraps_top_to_bottom() {
    // 1045 (alone or with 45) also wraps from the top line to the bottom line.
    let mut t = T::new(10, 5);
    t.feed("\x1b[?1045h\x1b[1;1H\x08");
    assert_eq!(t.cursor(), (4, 9));
    t.feed("\x1b[?45h\x1b[1;2H\x1b[3D");
    assert_eq!(t.cursor(), (4, 8));
    // Within the scroll region: from its top line to its bottom line.
    t.feed("\x1b[2;4r\x1b[2;1H\x08");
    assert_eq!(t.cursor(), (3, 9));
    // Resetting 1045 leaves 45's behaviour: stop at the region's top.
    t.feed("\x1b[?1045l\x1b[2;1H\x08");
    assert_eq!(t.cursor(), (1, 0));
}

#[test]
fn reverse_wraparound_modes_are_reported() {
    let mut t = T::new(10, 5);
    t.feed("\x1b[?1045$p\x1b[?45$p");
    assert_eq!(t.replies(), "\x1b[?1045;2$y\x1b[?45;2$y");
    t.feed("\x1b[?1045h\x1b[?1045$p");
    assert_eq!(t.replies(), "\x1b[?1045;1$y");
    // DECSTR turns both off, as it does 45.
    t.feed("\x1b[?45h\x1b[!p\x1b[?1045$p\x1b[?45$p");
    assert_eq!(t.replies(), "\x1b[?1045;2$y\x1b[?45;2$y");
}
