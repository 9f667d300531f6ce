//! Fonts: the configured family in four faces through crossfont (fontconfig finds fallback
//! fonts for characters the family lacks: CJK, emoji, symbols), and the cell metrics.

use crossfont::{
    FontDesc, FontKey, GlyphKey, Rasterize, RasterizedGlyph, Rasterizer, Size, Slant, Style, Weight,
};

/// Bold and italic, as an index into the four faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Face {
    pub bold: bool,
    pub italic: bool,
}

pub struct Fonts {
    rasterizer: Rasterizer,
    faces: [FontKey; 4],
    size: Size,
    pub family: String,
    pub points: f32,
    pub scale: f32,
    pub cell_width: u32,
    pub cell_height: u32,
    /// Distance from the cell top to the baseline, in pixels.
    pub baseline: i32,
    pub underline_position: i32,
    pub underline_thickness: u32,
    pub strike_position: i32,
    /// The colour emoji font, once looked for (None inside: there is none).
    emoji: Option<Option<FontKey>>,
}

/// Characters that are emoji unless asked otherwise (two cells wide, in the pictograph and
/// symbol blocks): a good stand-in for Unicode's Emoji_Presentation property.
pub fn emoji_presentation(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    let cp = c as u32;
    (matches!(cp, 0x1F000..=0x1FAFF) || matches!(cp, 0x2300..=0x2BFF)) && c.width() == Some(2)
}

impl Fonts {
    /// Load `family` at `points` for a display with HiDPI factor `scale`.
    pub fn new(family: &str, points: f32, scale: f32) -> Result<Fonts, String> {
        let mut rasterizer = Rasterizer::new().map_err(|e| format!("font rasterizer: {e}"))?;
        let size = Size::new(points * scale);
        let load = |r: &mut Rasterizer, slant, weight| {
            r.load_font(&FontDesc::new(family, Style::Description { slant, weight }), size)
        };
        let regular = load(&mut rasterizer, Slant::Normal, Weight::Normal)
            .map_err(|e| format!("font {family:?}: {e}"))?;
        let bold = load(&mut rasterizer, Slant::Normal, Weight::Bold).unwrap_or(regular);
        let italic = load(&mut rasterizer, Slant::Italic, Weight::Normal).unwrap_or(regular);
        let bold_italic = load(&mut rasterizer, Slant::Italic, Weight::Bold).unwrap_or(bold);
        // Metrics are only right once a glyph has been loaded (crossfont).
        let _ = rasterizer.get_glyph(GlyphKey { character: 'm', font_key: regular, size });
        let m = rasterizer.metrics(regular, size).map_err(|e| format!("font metrics: {e}"))?;
        let cell_width = m.average_advance.round().max(1.0) as u32;
        let cell_height = m.line_height.round().max(1.0) as u32;
        let baseline = (cell_height as f32 + m.descent).round() as i32;
        Ok(Fonts {
            rasterizer,
            faces: [regular, bold, italic, bold_italic],
            size,
            family: family.to_owned(),
            points,
            scale,
            cell_width,
            cell_height,
            baseline,
            underline_position: (baseline as f32 - m.underline_position).round() as i32,
            underline_thickness: m.underline_thickness.round().max(1.0) as u32,
            strike_position: (baseline as f32 - m.strikeout_position).round() as i32,
            emoji: None,
        })
    }

    /// Rasterize one character in a face (fallback fonts are used when needed). Characters
    /// shown as emoji by default come from the colour emoji font first: fontconfig's own
    /// fallback order would find a monochrome outline in a text font (DejaVu Sans has many).
    pub fn glyph(&mut self, c: char, face: Face) -> Option<RasterizedGlyph> {
        if emoji_presentation(c)
            && let Some(g) = self.emoji_glyph(c)
        {
            return Some(g);
        }
        let font_key = self.faces[face.bold as usize + 2 * face.italic as usize];
        self.rasterizer.get_glyph(GlyphKey { character: c, font_key, size: self.size }).ok()
    }

    /// `c` from the colour emoji font (fontconfig's `emoji` family), if there is one and it
    /// has `c` in colour.
    pub fn emoji_glyph(&mut self, c: char) -> Option<RasterizedGlyph> {
        let key = *self.emoji.get_or_insert_with(|| {
            let desc = FontDesc::new(
                "emoji",
                Style::Description { slant: Slant::Normal, weight: Weight::Normal },
            );
            self.rasterizer.load_font(&desc, self.size).ok()
        });
        let g =
            self.rasterizer.get_glyph(GlyphKey { character: c, font_key: key?, size: self.size });
        g.ok().filter(|g| matches!(g.buffer, crossfont::BitmapBuffer::Rgba(_)))
    }
}
