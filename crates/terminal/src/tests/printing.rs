//! Printing: wrap and pending wrap, wide characters, clusters, charsets, insert mode.

use super::*;

#[test]
fn prints_and_wraps_with_pending_wrap() {
    let mut t = T::new(5, 3);
    t.feed("abcde");
    assert_eq!(t.cursor(), (0, 4), "cursor stays on the last column");
    assert!(t.term.cursor().pending_wrap);
    t.feed("f");
    assert_eq!(t.screen(), ["abcde", "f", ""]);
    assert!(t.term.grid().row(Line(0)).is_wrapped());
    assert_eq!(t.cursor(), (1, 1));
}

#[test]
fn cursor_motion_cancels_pending_wrap() {
    let mut t = T::new(5, 3);
    t.feed("abcde\x1b[D").feed("X");
    assert_eq!(t.screen(), ["abcXe", "", ""]);
    let mut t = T::new(5, 3);
    t.feed("abcde\r").feed("X");
    assert_eq!(t.screen(), ["Xbcde", "", ""]);
}

#[test]
fn no_autowrap_overwrites_last_column() {
    let mut t = T::new(5, 2);
    t.feed("\x1b[?7labcdefg");
    assert_eq!(t.screen(), ["abcdg", ""]);
    assert_eq!(t.cursor(), (0, 4));
}

#[test]
fn wide_characters_and_the_right_margin() {
    let mut t = T::new(5, 3);
    t.feed("中文");
    assert_eq!(t.line(0), "中文");
    assert!(t.cell(0, 0).is_wide() && t.cell(0, 1).is_spacer());
    assert_eq!(t.cursor(), (0, 4));
    // Does not fit in the last column: padding stays, the character wraps.
    t.feed("字");
    assert_eq!(t.screen(), ["中文", "字", ""]);
    assert!(t.cell(0, 4).is_leading_spacer());
    assert!(t.term.grid().row(Line(0)).is_wrapped());
}

#[test]
fn overwriting_half_of_a_wide_character_blanks_the_other_half() {
    let mut t = T::new(6, 2);
    t.feed("中文\x1b[1;2HX");
    assert_eq!(t.line(0), " X文");
    t.feed("\x1b[1;3HY");
    assert_eq!(t.line(0), " XY");
}

#[test]
fn combining_marks_stay_with_their_base() {
    let mut t = T::new(10, 2);
    t.feed("e\u{301}a\u{308}\u{323}x");
    assert_eq!(t.line(0), "e\u{301}a\u{308}\u{323}x");
    assert_eq!(t.cursor(), (0, 3));
    assert!(matches!(t.cell(0, 0).content(), Content::Cluster(_)));
    // A mark after a wrap-pending last column joins that last cell.
    let mut t = T::new(3, 2);
    t.feed("abc\u{301}");
    assert_eq!(t.screen(), ["abc\u{301}", ""]);
}

#[test]
fn zwj_sequences_form_one_cluster() {
    let mut t = T::new(10, 2);
    t.feed("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}x");
    assert_eq!(t.line(0), "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}x");
    assert_eq!(t.cursor(), (0, 3), "one wide cell plus x");
}

/// A skin-tone modifier joins the emoji before it (UAX #29: Extend): 👍🏽 is one cluster of
/// two cells, and so is a modified ZWJ sequence (👩🏽‍💻); a modifier alone is its own swatch.
#[test]
fn emoji_modifiers_join_their_base() {
    let mut t = T::new(10, 2);
    t.feed("\u{1F44D}\u{1F3FD}x");
    assert_eq!(t.line(0), "\u{1F44D}\u{1F3FD}x");
    assert_eq!(t.cursor(), (0, 3), "one wide cell plus x");
    t.feed("\r\n\u{1F469}\u{1F3FD}\u{200D}\u{1F4BB}y \u{1F3FD}z");
    assert_eq!(t.line(1), "\u{1F469}\u{1F3FD}\u{200D}\u{1F4BB}y \u{1F3FD}z");
    assert_eq!(t.cursor(), (1, 7), "2 + y + space + a lone 2-cell swatch + z");
}

#[test]
fn variation_selector_16_widens() {
    let mut t = T::new(10, 2);
    t.feed("\u{2764}\u{FE0F}x");
    assert!(t.cell(0, 0).is_wide());
    assert_eq!(t.line(0), "\u{2764}\u{FE0F}x");
    assert_eq!(t.cursor(), (0, 3));
}

/// VS16 after a base that `emoji-variation-sequences.txt` does not list is an ignorable
/// selector: `A️bc` stays on one line of 3 columns, as in xterm 379 (tests/xterm/vs16.py),
/// while ❤️ takes two cells (Unicode's emoji presentation sequence, as kitty, Ghostty and
/// WezTerm draw it; xterm 379 keeps it one cell).
#[test]
fn variation_selector_16_widens_only_listed_bases() {
    let mut t = T::new(3, 2);
    t.feed("A\u{FE0F}bc");
    assert_eq!(t.screen(), ["A\u{FE0F}bc", ""]);
    assert!(!t.cell(0, 0).is_wide());
    assert!(matches!(t.cell(0, 0).content(), Content::Cluster(_)));
    assert_eq!(t.cursor(), (0, 2), "pending wrap on the last column, not the next line");
    let mut t = T::new(3, 2);
    t.feed("\u{2627}\u{FE0F}bc");
    assert_eq!(t.screen(), ["\u{2627}\u{FE0F}bc", ""], "☧ is not listed either");
    let mut t = T::new(3, 2);
    t.feed("\u{2764}\u{FE0F}bc");
    assert!(t.cell(0, 0).is_wide());
    assert!(t.cell(0, 1).is_spacer());
    assert_eq!(t.screen(), ["\u{2764}\u{FE0F}b", "c"], "❤️ takes two cells, c wraps");
}

#[test]
fn dec_special_graphics_and_shifts() {
    let mut t = T::new(10, 2);
    t.feed("\x1b(0lqk\x1b(Bq");
    assert_eq!(t.line(0), "┌─┐q");
    let mut t = T::new(10, 2);
    t.feed("\x1b)0a\x0eqx\x0fq");
    assert_eq!(t.line(0), "a─│q");
}

#[test]
fn insert_mode_shifts_right() {
    let mut t = T::new(6, 1);
    t.feed("abcdef\r\x1b[4hXY\x1b[4l");
    assert_eq!(t.line(0), "XYabcd");
}

#[test]
fn del_is_ignored() {
    let mut t = T::new(6, 1);
    t.feed("a\x7fb");
    assert_eq!(t.line(0), "ab");
}
