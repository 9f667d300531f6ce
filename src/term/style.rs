//! Cell styles: colours and attributes, stored once in the style table and referenced by id.

use super::tables::LinkId;

/// A colour as the program asked for it; resolved against the palette when drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Color {
    /// The terminal's default foreground or background (depends on where it is used).
    #[default]
    Default,
    /// One of the 256 palette entries.
    Indexed(u8),
    /// A direct (truecolor) value.
    Rgb(Rgb),
}

/// An 8-bit-per-channel colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Rgb {
    pub const fn new(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b }
    }
}

/// The underline kinds of SGR 4:x.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Underline {
    #[default]
    None = 0,
    Single = 1,
    Double = 2,
    Curly = 3,
    Dotted = 4,
    Dashed = 5,
}

bitflags::bitflags! {
    /// Boolean SGR attributes (plus DECSCA protection, which DECSC saves with them).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Attrs: u16 {
        const BOLD          = 1 << 0;
        const DIM           = 1 << 1;
        const ITALIC        = 1 << 2;
        const BLINK         = 1 << 3;
        const RAPID_BLINK   = 1 << 4;
        const INVERSE       = 1 << 5;
        const HIDDEN        = 1 << 6;
        const STRIKE        = 1 << 7;
        const OVERLINE      = 1 << 8;
        /// DECSCA: protected from selective erase (DECSED/DECSEL/DECSERA).
        const PROTECTED     = 1 << 9;
    }
}

/// Everything about how a cell looks apart from its character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Style {
    pub fg: Color,
    pub bg: Color,
    pub underline_color: Color,
    pub attrs: Attrs,
    pub underline: Underline,
    /// The OSC 8 hyperlink the cell belongs to (`LinkId::NONE` for none).
    pub link: LinkId,
}

impl Style {
    /// True when drawing a cell with this style differs from the default only by its character.
    pub fn is_default(&self) -> bool {
        *self == Style::default()
    }

    /// The style used for cells erased while this style is the pen (xterm's
    /// background-colour-erase): only the background colour survives.
    pub fn erase_style(&self) -> Style {
        Style { bg: self.bg, ..Style::default() }
    }
}
