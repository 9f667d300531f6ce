//! SGR: attributes and colours, shared and freed styles.

use super::*;

#[test]
fn sgr_attributes_and_colours() {
    let mut t = T::new(20, 1);
    t.feed("\x1b[1;2;3;4;5;7;8;9;53mA\x1b[0mB\x1b[4:3;58:2::1:2:3;38;2;10;20;30;48:5:200mC");
    let a = t.style_at(0, 0);
    for f in [
        Attrs::BOLD,
        Attrs::DIM,
        Attrs::ITALIC,
        Attrs::BLINK,
        Attrs::INVERSE,
        Attrs::HIDDEN,
        Attrs::STRIKE,
        Attrs::OVERLINE,
    ] {
        assert!(a.attrs.contains(f), "{f:?}");
    }
    assert_eq!(a.underline, Underline::Single);
    assert!(t.style_at(0, 1).is_default());
    let c = t.style_at(0, 2);
    assert_eq!(c.underline, Underline::Curly);
    assert_eq!(c.underline_color, Color::rgb(1, 2, 3));
    assert_eq!(c.fg, Color::rgb(10, 20, 30));
    assert_eq!(c.bg, Color::indexed(200));
}

#[test]
fn styles_are_shared_and_freed() {
    let mut t = T::new(10, 2);
    t.feed("\x1b[31mabc\x1b[32mdef");
    assert_eq!(t.cell(0, 0).style(), t.cell(0, 2).style(), "one entry for one style");
    assert_eq!(t.term.tables().live().0, 2);
    t.feed("\x1b[m\x1b[2J");
    assert_eq!(t.term.tables().live().0, 0, "no cell refers to them: freed");
}
