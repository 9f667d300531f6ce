//! The compact 8-byte cell.
//!
//! # Layout
//!
//! ```text
//!  bit 31  30   29   28 ........................ 0      31 ............ 0
//! +------+----+----+-------------------------------+   +----------------+
//! |SPACER|WIDE|CLUS|  codepoint, or cluster id     |   |    style id    |
//! +------+----+----+-------------------------------+   +----------------+
//!                 content: u32                             style: u32
//! ```
//!
//! * `content == 0` is an empty cell (shown as a space, copied as a space).
//! * `CLUS` set: the low 29 bits are an id in the grapheme-cluster table (a base character
//!   with combining marks, a ZWJ sequence…); clear: they are a Unicode scalar value.
//! * `WIDE`: this cell holds a double-width character; the next cell is its `SPACER`.
//! * `SPACER`: the right half of a wide character; it has no content of its own.
//! * `WIDE|SPACER` together: a *leading* spacer — the padding left in the last column when a
//!   wide character did not fit and wrapped to the next row (reflow drops it).
//! * `style` is an id in the style table ([`super::style`]); 0 is the default style and is not
//!   reference counted. A style entry carries the colours, attributes and the hyperlink id.
//!
//! Everything that does not fit in 8 bytes (colours, hyperlinks, clusters) lives once in a
//! side table and is referenced by id. Each reference held by a cell counts as one reference
//! on the entry; the [`super::tables::SideTables`] free an entry when its count drops to zero.
//! Only code in `grid.rs` and `mod.rs` writes cells, always through the helpers that keep those
//! counts exact (see `SideTables::verify` used by the tests).

/// An id in the style table. 0 is the default style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct StyleId(pub u32);

impl StyleId {
    pub const DEFAULT: StyleId = StyleId(0);
}

/// An id in the grapheme-cluster table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClusterId(pub u32);

const VALUE_MASK: u32 = (1 << 29) - 1;
const CLUSTER: u32 = 1 << 29;
const WIDE: u32 = 1 << 30;
const SPACER: u32 = 1 << 31;

/// One cell of the grid: 8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct Cell {
    content: u32,
    style: StyleId,
}

const _: () = assert!(std::mem::size_of::<Cell>() == 8);

/// What a cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Empty,
    Char(char),
    Cluster(ClusterId),
}

impl Cell {
    /// The empty cell with the default style.
    pub const BLANK: Cell = Cell { content: 0, style: StyleId::DEFAULT };

    #[inline]
    pub const fn blank(style: StyleId) -> Cell {
        Cell { content: 0, style }
    }

    #[inline]
    pub const fn with_char(c: char, style: StyleId, wide: bool) -> Cell {
        Cell { content: c as u32 | if wide { WIDE } else { 0 }, style }
    }

    #[inline]
    pub const fn with_cluster(id: ClusterId, style: StyleId, wide: bool) -> Cell {
        Cell { content: (id.0 & VALUE_MASK) | CLUSTER | if wide { WIDE } else { 0 }, style }
    }

    /// The same content with another style.
    #[inline]
    pub const fn restyled(self, style: StyleId) -> Cell {
        Cell { content: self.content, style }
    }

    /// The right half of a wide character.
    #[inline]
    pub const fn spacer(style: StyleId) -> Cell {
        Cell { content: SPACER, style }
    }

    /// The padding cell left at the end of a row when a wide character wrapped.
    #[inline]
    pub const fn leading_spacer() -> Cell {
        Cell { content: SPACER | WIDE, style: StyleId::DEFAULT }
    }

    #[inline]
    pub fn content(self) -> Content {
        if self.content & CLUSTER != 0 {
            Content::Cluster(ClusterId(self.content & VALUE_MASK))
        } else {
            match self.content & VALUE_MASK {
                0 => Content::Empty,
                v => char::from_u32(v).map_or(Content::Empty, Content::Char),
            }
        }
    }

    /// The cell's character if it holds a single scalar value.
    #[inline]
    pub fn char(self) -> Option<char> {
        match self.content() {
            Content::Char(c) => Some(c),
            _ => None,
        }
    }

    #[inline]
    pub fn cluster(self) -> Option<ClusterId> {
        match self.content() {
            Content::Cluster(id) => Some(id),
            _ => None,
        }
    }

    #[inline]
    pub const fn style(self) -> StyleId {
        self.style
    }

    /// The left half of a wide character.
    #[inline]
    pub const fn is_wide(self) -> bool {
        self.content & (WIDE | SPACER) == WIDE
    }

    /// The right half of a wide character.
    #[inline]
    pub const fn is_spacer(self) -> bool {
        self.content & (WIDE | SPACER) == SPACER
    }

    /// Padding before a wide character that wrapped to the next row.
    #[inline]
    pub const fn is_leading_spacer(self) -> bool {
        self.content & (WIDE | SPACER) == WIDE | SPACER
    }

    /// True for a cell with no character (empty, or any spacer), whatever its style.
    #[inline]
    pub const fn is_empty(self) -> bool {
        self.content & !(SPACER | WIDE) == 0
    }

    /// True when the cell holds nothing and uses the default style: the state of a fresh row.
    #[inline]
    pub const fn is_default(self) -> bool {
        self.content == 0 && self.style.0 == 0
    }

    /// True when the cell references a side-table entry that is reference counted.
    #[inline]
    pub const fn holds_refs(self) -> bool {
        self.style.0 != 0 || self.content & CLUSTER != 0
    }

    #[inline]
    pub(crate) fn set_style(&mut self, style: StyleId) {
        self.style = style;
    }

    #[inline]
    pub(crate) fn set_wide(&mut self, wide: bool) {
        if wide {
            self.content |= WIDE;
        } else {
            self.content &= !WIDE;
        }
    }

    /// The cell's two words as stored: (content with its flags, style id). For the history
    /// codec, which writes cells out and reads them back unchanged.
    #[inline]
    pub(crate) const fn to_bits(self) -> (u32, u32) {
        (self.content, self.style.0)
    }

    /// A cell from the words [`Cell::to_bits`] gave.
    #[inline]
    pub(crate) const fn from_bits(content: u32, style: u32) -> Cell {
        Cell { content, style: StyleId(style) }
    }

    /// Replace the content with a cluster id, keeping the wide flag and style.
    #[inline]
    pub(crate) fn set_cluster(&mut self, id: ClusterId) {
        self.content = (self.content & WIDE) | CLUSTER | (id.0 & VALUE_MASK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Cell>(), 8);
    }

    #[test]
    fn content_round_trips() {
        let c = Cell::with_char('é', StyleId(7), false);
        assert_eq!(c.content(), Content::Char('é'));
        assert_eq!(c.style(), StyleId(7));
        assert!(!c.is_wide());
        let w = Cell::with_char('中', StyleId::DEFAULT, true);
        assert!(w.is_wide());
        assert_eq!(w.char(), Some('中'));
        let max = Cell::with_char('\u{10FFFF}', StyleId(u32::MAX), false);
        assert_eq!(max.char(), Some('\u{10FFFF}'));
        assert_eq!(max.style(), StyleId(u32::MAX));
        let g = Cell::with_cluster(ClusterId(12345), StyleId(1), true);
        assert_eq!(g.cluster(), Some(ClusterId(12345)));
        assert!(g.is_wide());
        assert!(g.holds_refs());
        let s = Cell::spacer(StyleId::DEFAULT);
        assert!(s.is_spacer() && s.is_empty() && !s.is_wide());
        let l = Cell::leading_spacer();
        assert!(l.is_leading_spacer() && !l.is_wide() && !l.is_spacer() && l.is_empty());
        assert!(Cell::BLANK.is_default() && !Cell::BLANK.holds_refs());
    }
}
