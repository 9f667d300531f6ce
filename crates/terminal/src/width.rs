//! The one rule for how many cells a character or grapheme cluster takes.
//!
//! Printing (`print.rs`) decides a cell's width once, with these functions, and stores it in
//! the grid (a wide cell plus its spacer); selection, search and reflow read that stored width
//! and the renderer asks [`is_emoji_presentation`] which glyph form to draw, so the core, the
//! renderer, selection, search and reflow cannot disagree.
//!
//! Widths come from the `unicode-width` crate (UAX #11 East Asian Width plus the emoji rules of
//! UTS #51). For VARIATION SELECTOR-16 (U+FE0F) it implements Unicode's
//! `emoji-variation-sequences.txt`: a base followed by VS16 is an *emoji presentation sequence*
//! (two cells) only when that file lists the base (❤ U+2764, the digits of keycaps, ☺ …);
//! after any other character (`A`, ☧ U+2627) VS16 is an ignorable selector and the width stays
//! one. This module owns no state and must not touch the grid.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// VARIATION SELECTOR-16: request emoji presentation of the preceding character.
pub const VS16: char = '\u{FE0F}';

/// The cells one character takes on its own: 0 (combining marks, joiners, selectors and other
/// zero-width characters), 1 or 2. Control characters count as 0.
#[inline]
pub fn char_width(c: char) -> usize {
    let cp = c as u32;
    if cp < 0x7f {
        return usize::from(c >= ' ');
    }
    // Fast paths for the blocks most non-ASCII text is made of, each uniform in Unicode's
    // East_Asian_Width and general category (the test `fast_paths_agree_with_unicode_width`
    // checks every code point against the table lookup below).
    match cp {
        // Latin-1 Supplement to Spacing Modifier Letters, but the soft hyphen.
        0xA0..=0x2FF if cp != 0xAD => return 1,
        // Combining Diacritical Marks.
        0x300..=0x36F => return 0,
        // CJK Unified Ideographs and Hangul Syllables.
        0x4E00..=0x9FFF | 0xAC00..=0xD7A3 => return 2,
        _ => (),
    }
    c.width().unwrap_or(0).min(2)
}

/// True when `base` followed by VS16 forms an emoji presentation sequence that Unicode lists
/// in `emoji-variation-sequences.txt` and `base` is narrow on its own, so that VS16 widens it
/// from one cell to two (❤ → ❤️). False for every other base (`A`, ☧, already-wide emoji).
pub fn vs16_widens(base: char) -> bool {
    if char_width(base) != 1 {
        return false;
    }
    let mut buf = [0u8; 8];
    let n = base.encode_utf8(&mut buf).len();
    let m = VS16.encode_utf8(&mut buf[n..]).len();
    match std::str::from_utf8(&buf[..n + m]) {
        Ok(s) => s.width() == 2,
        Err(_) => false,
    }
}

/// True when the grapheme cluster `text` begins with an emoji presentation sequence (a listed
/// base directly followed by VS16), so the renderer should draw its base from the colour emoji
/// font. `A️` (A + VS16) is not one and keeps its text glyph.
pub fn is_emoji_presentation(text: &str) -> bool {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(base), Some(VS16)) => {
            let mut buf = [0u8; 8];
            let n = base.encode_utf8(&mut buf).len();
            let m = VS16.encode_utf8(&mut buf[n..]).len();
            std::str::from_utf8(&buf[..n + m]).is_ok_and(|s| s.width() == 2)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vs16_widens_only_listed_bases() {
        assert!(vs16_widens('\u{2764}'), "❤ is listed in emoji-variation-sequences");
        assert!(vs16_widens('1'), "keycap digits are listed");
        assert!(!vs16_widens('A'));
        assert!(!vs16_widens('\u{2627}'), "☧ is not listed");
        assert!(!vs16_widens('\u{1F600}'), "already wide");
        assert!(!vs16_widens('\u{301}'), "zero-width");
    }

    #[test]
    fn emoji_presentation_needs_a_listed_base() {
        assert!(is_emoji_presentation("\u{2764}\u{FE0F}"));
        assert!(is_emoji_presentation("\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}"), "🏳️‍🌈");
        assert!(!is_emoji_presentation("A\u{FE0F}"));
        assert!(!is_emoji_presentation("\u{2627}\u{FE0F}"));
        assert!(!is_emoji_presentation("\u{2764}"));
        assert!(!is_emoji_presentation("\u{2764}\u{FE0E}"));
    }

    #[test]
    fn fast_paths_agree_with_unicode_width() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let table = if (c as u32) < 0x7f {
                usize::from(c >= ' ')
            } else {
                c.width().unwrap_or(0).min(2)
            };
            assert_eq!(char_width(c), table, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn char_widths() {
        assert_eq!(char_width('a'), 1);
        assert_eq!(char_width('\u{7}'), 0);
        assert_eq!(char_width('\u{4E00}'), 2);
        assert_eq!(char_width(VS16), 0);
    }
}
