//! Scrolling and editing: regions, history, SU/SD/IL/DL, ICH/DCH/ECH, ED/EL, tab stops, REP,
//! DECALN.

use super::*;

#[test]
fn scroll_region_and_index() {
    let mut t = T::new(5, 5);
    t.feed("1\r\n2\r\n3\r\n4\r\n5");
    t.feed("\x1b[2;4r\x1b[4;1H\n");
    assert_eq!(t.screen(), ["1", "3", "4", "", "5"]);
    t.feed("\x1b[2;1H\x1bM");
    assert_eq!(t.screen(), ["1", "", "3", "4", "5"]);
    assert_eq!(t.term.main_grid().history_len(), 0, "region scrolls never reach history");
}

#[test]
fn full_screen_scroll_goes_to_history() {
    let mut t = T::new(5, 3);
    t.feed("1\r\n2\r\n3\r\n4\r\n5");
    assert_eq!(t.screen(), ["3", "4", "5"]);
    assert_eq!(t.term.text(true), "1\n2\n3\n4\n5\n");
}

#[test]
fn scrollback_is_bounded_and_grows_with_use() {
    let config = TermConfig { scrollback_lines: 100, ..TermConfig::default() };
    let mut t = T::with_config(10, 5, config);
    assert_eq!(t.term.main_grid().history_len(), 0);
    let before = t.term.heap_bytes();
    for i in 0..50 {
        t.feed(format!("{i}\r\n"));
    }
    assert_eq!(t.term.main_grid().history_len(), 46);
    assert!(t.term.heap_bytes() > before);
    for i in 0..500 {
        t.feed(format!("{i}\r\n"));
    }
    assert_eq!(t.term.main_grid().history_len(), 100);
    let text = t.term.text(true);
    assert!(text.starts_with("396\n"), "oldest kept line: {}", &text[..20]);
}

#[test]
fn su_sd_il_dl() {
    let mut t = T::new(3, 4);
    t.feed("a\r\nb\r\nc\r\nd");
    t.feed("\x1b[S");
    assert_eq!(t.screen(), ["b", "c", "d", ""]);
    t.feed("\x1b[2T");
    assert_eq!(t.screen(), ["", "", "b", "c"]);
    t.feed("\x1b[3;1H\x1b[L");
    assert_eq!(t.screen(), ["", "", "", "b"]);
    t.feed("\x1b[1;1H\x1b[2M");
    assert_eq!(t.screen(), ["", "b", "", ""]);
}

#[test]
fn ich_dch_ech() {
    let mut t = T::new(8, 1);
    t.feed("abcdefgh\x1b[1;3H\x1b[2@");
    assert_eq!(t.line(0), "ab  cdef");
    t.feed("\x1b[3P");
    assert_eq!(t.line(0), "abdef");
    t.feed("\x1b[2X");
    assert_eq!(t.line(0), "ab  f");
    assert_eq!(t.cursor(), (0, 2));
}

#[test]
fn erase_display_and_line_variants() {
    let fill = "abcde\r\nfghij\r\nklmno";
    let mut t = T::new(5, 3);
    t.feed(fill).feed("\x1b[2;3H\x1b[K");
    assert_eq!(t.screen(), ["abcde", "fg", "klmno"]);
    t.feed("\x1b[1K");
    assert_eq!(t.screen(), ["abcde", "", "klmno"]);
    let mut t = T::new(5, 3);
    t.feed(fill).feed("\x1b[2;3H\x1b[2K");
    assert_eq!(t.screen(), ["abcde", "", "klmno"]);
    let mut t = T::new(5, 3);
    t.feed(fill).feed("\x1b[2;3H\x1b[J");
    assert_eq!(t.screen(), ["abcde", "fg", ""]);
    let mut t = T::new(5, 3);
    t.feed(fill).feed("\x1b[2;3H\x1b[1J");
    assert_eq!(t.screen(), ["", "   ij", "klmno"]);
    let mut t = T::new(5, 3);
    t.feed(fill).feed("\x1b[2J");
    assert_eq!(t.screen(), ["", "", ""]);
    assert_eq!(t.cursor(), (2, 4), "ED 2 does not move the cursor");
}

#[test]
fn ed3_clears_scrollback_only() {
    let mut t = T::new(5, 2);
    t.feed("1\r\n2\r\n3\r\n4");
    assert_eq!(t.term.main_grid().history_len(), 2);
    t.feed("\x1b[3J");
    assert_eq!(t.term.main_grid().history_len(), 0);
    assert_eq!(t.screen(), ["3", "4"]);
}

#[test]
fn erase_uses_background_colour() {
    let mut t = T::new(5, 2);
    t.feed("\x1b[44m\x1b[2J\x1b[m");
    assert_eq!(t.style_at(1, 4).bg, Color::indexed(4));
    assert!(t.style_at(1, 4).attrs.is_empty());
}

#[test]
fn tab_stops() {
    let mut t = T::new(30, 1);
    t.feed("\tA");
    assert_eq!(t.cursor(), (0, 9));
    t.feed("\r\x1b[3C\x1bH\r\t");
    assert_eq!(t.cursor(), (0, 3), "new stop at column 3");
    t.feed("\x1b[2I");
    assert_eq!(t.cursor(), (0, 16));
    t.feed("\x1b[Z");
    assert_eq!(t.cursor(), (0, 8));
    t.feed("\x1b[g\x1b[Z");
    assert_eq!(t.cursor(), (0, 3), "stop at 8 cleared");
    t.feed("\x1b[3g\r\t");
    assert_eq!(t.cursor(), (0, 29), "no stops: to the last column");
    t.feed("\x1b[?5W\r\t");
    assert_eq!(t.cursor(), (0, 8), "DECST8C restores every 8");
}

#[test]
fn rep_and_decaln() {
    let mut t = T::new(6, 2);
    t.feed("x\x1b[3b");
    assert_eq!(t.line(0), "xxxx");
    t.feed("\x1b#8");
    assert_eq!(t.screen(), ["EEEEEE", "EEEEEE"]);
    assert_eq!(t.cursor(), (0, 0));
}

#[test]
fn huge_rep_is_bounded() {
    let mut t = T::new(10, 3);
    // 1 + 65535 characters: 6553 full rows and 6 more.
    t.feed("a\x1b[65535b");
    assert_eq!(t.screen(), ["aaaaaaaaaa", "aaaaaaaaaa", "aaaaaa"]);
    assert_eq!(t.cursor(), (2, 6));
    let mut t = T::new(10, 3);
    t.feed("\x1b[?7lb\x1b[65535b");
    assert_eq!(t.screen(), ["bbbbbbbbbb", "", ""]);
}

#[test]
fn a_guarded_erase_in_colour_marks_its_row_as_holding_references() {
    // SPA (C1 0x96) starts an ISO guarded area, so ECH erases cell by cell; the cells it
    // writes carry the background colour's style, and the row must say it holds references
    // (rows without the flag are skipped when references are released: a proptest found the
    // style leaked when the terminal was dropped).
    let mut t = T::new(5, 9);
    t.feed(b"\x1b[48;5;200m\x96\x1b[X\r");
    assert!(t.term.verify_invariants().is_ok(), "{:?}", t.term.verify_invariants());
    t.term.release_everything();
    assert_eq!(t.term.tables.live(), (0, 0, 0));
}
