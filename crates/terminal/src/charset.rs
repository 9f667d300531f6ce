//! Character sets: G0–G3 designation, GL/GR invocation, single shifts, and the tables that map
//! 7-bit codes to Unicode for DEC special graphics, DEC supplemental, DEC technical, ISO Latin-1
//! and the national replacement character sets (NRCS).

/// One of the four designation slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CharsetIndex {
    #[default]
    G0,
    G1,
    G2,
    G3,
}

impl CharsetIndex {
    fn slot(self) -> usize {
        self as usize
    }
}

/// The character sets uvterm can designate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StandardCharset {
    #[default]
    Ascii,
    /// `0`: DEC special graphics (line drawing).
    DecSpecial,
    /// `A` as a 94-set: United Kingdom.
    Uk,
    /// `<` (and `%5`): DEC supplemental graphics.
    DecSupplemental,
    /// `>`: DEC technical.
    DecTechnical,
    /// `A` as a 96-set: ISO Latin-1 supplemental.
    Latin1,
    Dutch,
    Finnish,
    French,
    FrenchCanadian,
    German,
    Italian,
    NorwegianDanish,
    Portuguese,
    Spanish,
    Swedish,
    Swiss,
}

impl StandardCharset {
    /// True for the national replacement sets, which xterm honours only with DECNRCM set.
    pub fn is_nrcs(self) -> bool {
        !matches!(
            self,
            Self::Ascii
                | Self::DecSpecial
                | Self::Uk
                | Self::DecSupplemental
                | Self::DecTechnical
                | Self::Latin1
        )
    }

    /// The designation from an SCS sequence: `ESC I F` (with `I` one of `()*+` for 94-sets or
    /// `-./` for 96-sets, plus an optional second intermediate like `%`).
    pub fn from_scs(set96: bool, second: Option<u8>, fin: u8) -> Option<Self> {
        if set96 {
            return match (second, fin) {
                (None, b'A') => Some(Self::Latin1),
                _ => None,
            };
        }
        Some(match (second, fin) {
            (None, b'B') => Self::Ascii,
            (None, b'0') => Self::DecSpecial,
            (None, b'A') => Self::Uk,
            (None, b'<') | (Some(b'%'), b'5') => Self::DecSupplemental,
            (None, b'>') => Self::DecTechnical,
            (None, b'4') => Self::Dutch,
            (None, b'C' | b'5') => Self::Finnish,
            (None, b'R' | b'f') => Self::French,
            (None, b'Q' | b'9') => Self::FrenchCanadian,
            (None, b'K') => Self::German,
            (None, b'Y') => Self::Italian,
            (None, b'E' | b'6' | b'`') => Self::NorwegianDanish,
            (Some(b'%'), b'6') => Self::Portuguese,
            (None, b'Z') => Self::Spanish,
            (None, b'H' | b'7') => Self::Swedish,
            (None, b'=') => Self::Swiss,
            _ => return None,
        })
    }

    /// Map a printed 7-bit character through this set (other characters pass unchanged).
    pub fn map(self, c: char) -> char {
        let code = c as u32;
        if !(0x20..0x7f).contains(&code) {
            return c;
        }
        let b = code as u8;
        match self {
            Self::Ascii => c,
            Self::DecSpecial => dec_special(b).unwrap_or(c),
            Self::Uk => {
                if b == b'#' {
                    '£'
                } else {
                    c
                }
            }
            Self::DecSupplemental => dec_supplemental(b),
            Self::DecTechnical => dec_technical(b).unwrap_or(c),
            Self::Latin1 => char::from_u32(code + 0x80).unwrap_or(c),
            nrcs => nrcs_map(nrcs, b).unwrap_or(c),
        }
    }
}

fn dec_special(b: u8) -> Option<char> {
    const TABLE: [char; 32] = [
        ' ', '◆', '▒', '␉', '␌', '␍', '␊', '°', '±', '␤', '␋', '┘', '┐', '┌', '└', '┼', '⎺', '⎻',
        '─', '⎼', '⎽', '├', '┤', '┴', '┬', '│', '≤', '≥', 'π', '≠', '£', '·',
    ];
    (0x5f..=0x7e).contains(&b).then(|| TABLE[(b - 0x5f) as usize])
}

fn dec_supplemental(b: u8) -> char {
    // DEC supplemental graphics is ISO Latin-1's upper half with a few differences.
    match b {
        0x28 => '¤',
        0x57 => 'Œ',
        0x5d => 'Ÿ',
        0x77 => 'œ',
        0x7d => 'ÿ',
        _ => char::from_u32(b as u32 + 0x80).unwrap_or(b as char),
    }
}

fn dec_technical(b: u8) -> Option<char> {
    const TABLE: [char; 94] = [
        '⎷', '┌', '─', '⌠', '⌡', '│', '⎡', '⎣', '⎤', '⎦', '⎛', '⎝', '⎞', '⎠', '⎨',
        '⎬', // 0x21-0x30
        '⎲', '⎳', '╲', '╱', '⌝', '⌟', '⟩', '?', '?', '?', '?', '≤', '≠', '≥',
        '∫', // 0x31-0x3f
        '∴', '∝', '∞', '÷', 'Δ', '∇', 'Φ', 'Γ', '∼', '≃', 'Θ', '×', 'Λ', '⇔', '⇒',
        '≡', // 0x40-0x4f
        'Π', 'Ψ', '?', 'Σ', '?', '?', '√', 'Ω', 'Ξ', 'Υ', '⊂', '⊃', '∩', '∪', '∧',
        '∨', // 0x50-0x5f
        '¬', 'α', 'β', 'χ', 'δ', 'ε', 'φ', 'γ', 'η', 'ι', 'θ', 'κ', 'λ', '?', 'ν',
        '∂', // 0x60-0x6f
        'π', 'ψ', 'ρ', 'σ', 'τ', '?', 'ƒ', 'ω', 'ξ', 'υ', 'ζ', '←', '↑', '→',
        '↓', // 0x70-0x7e
    ];
    (0x21..=0x7e).contains(&b).then(|| TABLE[(b - 0x21) as usize]).filter(|&c| c != '?')
}

fn nrcs_map(set: StandardCharset, b: u8) -> Option<char> {
    use StandardCharset::*;
    // Positions an NRCS may replace: # @ [ \ ] ^ _ ` { | } ~
    let table: &[(u8, char)] = match set {
        Dutch => &[
            (b'#', '£'),
            (b'@', '¾'),
            (b'[', 'ĳ'),
            (b'\\', '½'),
            (b']', '|'),
            (b'{', '¨'),
            (b'|', 'f'),
            (b'}', '¼'),
            (b'~', '´'),
        ],
        Finnish => &[
            (b'[', 'Ä'),
            (b'\\', 'Ö'),
            (b']', 'Å'),
            (b'^', 'Ü'),
            (b'`', 'é'),
            (b'{', 'ä'),
            (b'|', 'ö'),
            (b'}', 'å'),
            (b'~', 'ü'),
        ],
        French => &[
            (b'#', '£'),
            (b'@', 'à'),
            (b'[', '°'),
            (b'\\', 'ç'),
            (b']', '§'),
            (b'{', 'é'),
            (b'|', 'ù'),
            (b'}', 'è'),
            (b'~', '¨'),
        ],
        FrenchCanadian => &[
            (b'@', 'à'),
            (b'[', 'â'),
            (b'\\', 'ç'),
            (b']', 'ê'),
            (b'^', 'î'),
            (b'`', 'ô'),
            (b'{', 'é'),
            (b'|', 'ù'),
            (b'}', 'è'),
            (b'~', 'û'),
        ],
        German => &[
            (b'@', '§'),
            (b'[', 'Ä'),
            (b'\\', 'Ö'),
            (b']', 'Ü'),
            (b'{', 'ä'),
            (b'|', 'ö'),
            (b'}', 'ü'),
            (b'~', 'ß'),
        ],
        Italian => &[
            (b'#', '£'),
            (b'@', '§'),
            (b'[', '°'),
            (b'\\', 'ç'),
            (b']', 'é'),
            (b'`', 'ù'),
            (b'{', 'à'),
            (b'|', 'ò'),
            (b'}', 'è'),
            (b'~', 'ì'),
        ],
        NorwegianDanish => &[
            (b'@', 'Ä'),
            (b'[', 'Æ'),
            (b'\\', 'Ø'),
            (b']', 'Å'),
            (b'^', 'Ü'),
            (b'`', 'ä'),
            (b'{', 'æ'),
            (b'|', 'ø'),
            (b'}', 'å'),
            (b'~', 'ü'),
        ],
        Portuguese => {
            &[(b'[', 'Ã'), (b'\\', 'Ç'), (b']', 'Õ'), (b'{', 'ã'), (b'|', 'ç'), (b'}', 'õ')]
        }
        Spanish => &[
            (b'#', '£'),
            (b'@', '§'),
            (b'[', '¡'),
            (b'\\', 'Ñ'),
            (b']', '¿'),
            (b'{', '°'),
            (b'|', 'ñ'),
            (b'}', 'ç'),
        ],
        Swedish => &[
            (b'@', 'É'),
            (b'[', 'Ä'),
            (b'\\', 'Ö'),
            (b']', 'Å'),
            (b'^', 'Ü'),
            (b'`', 'é'),
            (b'{', 'ä'),
            (b'|', 'ö'),
            (b'}', 'å'),
            (b'~', 'ü'),
        ],
        Swiss => &[
            (b'#', 'ù'),
            (b'@', 'à'),
            (b'[', 'é'),
            (b'\\', 'ç'),
            (b']', 'ê'),
            (b'^', 'î'),
            (b'_', 'è'),
            (b'`', 'ô'),
            (b'{', 'ä'),
            (b'|', 'ö'),
            (b'}', 'ü'),
            (b'~', 'û'),
        ],
        _ => return None,
    };
    table.iter().find(|(k, _)| *k == b).map(|(_, v)| *v)
}

/// The designations, the invoked GL/GR sets and a pending single shift. Saved by DECSC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Charsets {
    sets: [StandardCharset; 4],
    gl: CharsetIndex,
    gr: CharsetIndex,
    single_shift: Option<CharsetIndex>,
}

impl Charsets {
    /// The initial state: ASCII everywhere, G0 in GL, G2 in GR (as xterm starts).
    pub fn new() -> Self {
        Self { gr: CharsetIndex::G2, ..Self::default() }
    }

    /// True when printing needs no mapping at all (the common case, checked per character).
    #[inline]
    pub fn is_identity(&self) -> bool {
        self.single_shift.is_none() && self.sets[self.gl.slot()] == StandardCharset::Ascii
    }

    pub fn designate(&mut self, index: CharsetIndex, set: StandardCharset) {
        self.sets[index.slot()] = set;
    }

    pub fn invoke(&mut self, index: CharsetIndex, gr: bool) {
        if gr {
            self.gr = index;
        } else {
            self.gl = index;
        }
    }

    pub fn single_shift(&mut self, index: CharsetIndex) {
        self.single_shift = Some(index);
    }

    pub fn designation(&self, index: CharsetIndex) -> StandardCharset {
        self.sets[index.slot()]
    }

    pub fn gl(&self) -> CharsetIndex {
        self.gl
    }

    pub fn gr(&self) -> CharsetIndex {
        self.gr
    }

    /// Map a printed character through the invoked set (consuming a single shift).
    #[inline]
    pub fn map(&mut self, c: char, nrcs_enabled: bool) -> char {
        let index = self.single_shift.take().unwrap_or(self.gl);
        let set = self.sets[index.slot()];
        if set.is_nrcs() && !nrcs_enabled {
            return c;
        }
        set.map(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dec_special_graphics_draws_boxes() {
        let s = StandardCharset::DecSpecial;
        let mapped: String = "lqkxmj".chars().map(|c| s.map(c)).collect();
        assert_eq!(mapped, "┌─┐│└┘");
        assert_eq!(s.map('A'), 'A');
    }

    #[test]
    fn single_shift_applies_once() {
        let mut cs = Charsets::new();
        cs.designate(CharsetIndex::G2, StandardCharset::DecSpecial);
        cs.single_shift(CharsetIndex::G2);
        assert_eq!(cs.map('q', false), '─');
        assert_eq!(cs.map('q', false), 'q');
        assert!(cs.is_identity());
    }

    #[test]
    fn nrcs_needs_decnrcm() {
        let mut cs = Charsets::new();
        cs.designate(CharsetIndex::G0, StandardCharset::German);
        assert_eq!(cs.map('[', false), '[');
        assert_eq!(cs.map('[', true), 'Ä');
        assert_eq!(StandardCharset::Uk.map('#'), '£');
        assert_eq!(StandardCharset::Latin1.map('A'), 'Á');
        assert_eq!(StandardCharset::DecTechnical.map('D'), 'Δ');
    }
}
