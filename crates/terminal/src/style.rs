//! Cell styles: colours and attributes, stored once in the style table and referenced by id.

use super::tables::LinkId;

/// A colour as the program asked for it, packed in 4 bytes (kind in the top byte) so styles
/// compare and hash as plain integers; resolved against the palette when drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(transparent)]
pub struct Color(u32);

/// A [`Color`] unpacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorKind {
    /// The terminal's default foreground or background (depends on where it is used).
    Default,
    /// One of the 256 palette entries.
    Indexed(u8),
    /// A direct (truecolor) value.
    Rgb(Rgb),
}

impl Color {
    pub const DEFAULT: Color = Color(0);

    #[inline]
    pub const fn indexed(n: u8) -> Color {
        Color(1 << 24 | n as u32)
    }

    #[inline]
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color(2 << 24 | (r as u32) << 16 | (g as u32) << 8 | b as u32)
    }

    #[inline]
    pub const fn kind(self) -> ColorKind {
        match self.0 >> 24 {
            0 => ColorKind::Default,
            1 => ColorKind::Indexed(self.0 as u8),
            _ => ColorKind::Rgb(Rgb {
                r: (self.0 >> 16) as u8,
                g: (self.0 >> 8) as u8,
                b: self.0 as u8,
            }),
        }
    }

    #[inline]
    pub const fn is_default(self) -> bool {
        self.0 == 0
    }

    /// The 4-byte packed form (kind in the top byte), for hashing.
    #[inline]
    pub const fn packed(self) -> u32 {
        self.0
    }
}

impl From<ColorKind> for Color {
    fn from(kind: ColorKind) -> Self {
        match kind {
            ColorKind::Default => Color::DEFAULT,
            ColorKind::Indexed(n) => Color::indexed(n),
            ColorKind::Rgb(c) => Color::rgb(c.r, c.g, c.b),
        }
    }
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

/// Everything about how a cell looks apart from its character: 20 bytes of plain integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

impl std::hash::Hash for Style {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64((self.fg.0 as u64) << 32 | self.bg.0 as u64);
        state.write_u64((self.underline_color.0 as u64) << 32 | self.link.0 as u64);
        state.write_u32((self.attrs.bits() as u32) << 8 | self.underline as u32);
    }
}
