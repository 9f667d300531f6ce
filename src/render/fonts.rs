//! Fonts: the configured family in four faces (bold, italic and bold-italic from the family
//! itself, or from per-style families), found with fontconfig ([`super::fontdb`]), shaped
//! with harfrust and rasterized by glyph id with FreeType; the cell metrics.
//!
//! Text reaches here as runs of one face ([`Fonts::shape`]): each grapheme cluster gets the
//! first font that has all its characters (the colour emoji font first for clusters shown
//! as emoji, then the face's font, then fontconfig's sorted fallback list), consecutive
//! clusters of one font are shaped together (so ligatures form), and the result is cached
//! per (run text, face). A cluster no installed font has becomes a [`MISSING`] glyph: the
//! renderer draws a box with its code point (kitty's behaviour), never nothing.
//!
//! Synthetic bold (FreeType's outline embolden) and italic (its shear) are used only where
//! the family has no such face. Owns FreeType and font data; knows nothing of GL.

use freetype as ft;
use freetype::face::LoadFlag;
use harfrust::{Buffer, Direction, Feature, Script, ShapeOptions, ShapePlan, ShaperFont};
use rustc_hash::FxHashMap;
use unicode_segmentation::UnicodeSegmentation;

use super::fontdb::{self, Fallbacks, FontFile};

/// Bold and italic, as an index into the four faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Face {
    pub bold: bool,
    pub italic: bool,
}

impl Face {
    fn index(self) -> usize {
        self.bold as usize + 2 * self.italic as usize
    }
}

/// The font index of a glyph no installed font has (its `id` is then the code point).
pub const MISSING: u16 = u16::MAX;

/// At most this many OpenType feature settings in `font.features`.
pub const MAX_FEATURES: usize = 64;
/// Font files larger than this are refused (bytes): a bad path cannot exhaust memory.
const MAX_FONT_FILE: u64 = 512 << 20;
/// Shaped runs kept before the cache is cleared and starts over.
const SHAPE_CACHE_MAX: usize = 8192;
/// Font files kept loaded (the faces plus fallbacks actually used).
const MAX_LOADED_FONTS: usize = 256;

/// What the configuration says about fonts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FontSpec {
    /// The family of the regular face (fontconfig name, e.g. "DejaVu Sans Mono").
    pub family: String,
    /// Families for the other faces; `None`: the regular family in that style.
    pub bold_family: Option<String>,
    pub italic_family: Option<String>,
    pub bold_italic_family: Option<String>,
    /// OpenType feature settings in HarfBuzz's syntax (`"-calt"`, `"+ss01"`, `"zero"`).
    pub features: Vec<String>,
}

/// Parse feature settings (HarfBuzz's syntax, as `hb-shape --features` takes them); an
/// error names the one that is wrong. At most [`MAX_FEATURES`].
pub fn parse_features(list: &[String]) -> Result<Vec<Feature>, String> {
    if list.len() > MAX_FEATURES {
        return Err(format!("font.features: {} entries (at most {MAX_FEATURES})", list.len()));
    }
    list.iter()
        .map(|s| {
            s.parse::<Feature>().map_err(|_| {
                format!("font.features: {s:?} is not an OpenType feature (e.g. \"-calt\")")
            })
        })
        .collect()
}

/// One glyph of a shaped run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shaped {
    /// Index of the font in [`Fonts`], or [`MISSING`].
    pub font: u16,
    /// Glyph id in that font (for [`MISSING`]: the cluster's first code point).
    pub id: u32,
    /// Byte offset, in the run's text, of the grapheme cluster the glyph belongs to.
    pub cluster: u32,
    /// Pixels from the cluster's cell origin to the glyph's pen position (x right, y down).
    pub dx: f32,
    pub dy: f32,
    /// Synthetic bold (bit 0) and italic (bit 1) to apply when rasterizing.
    pub synth: u8,
}

/// One glyph as `hb-shape` prints it: (glyph id, cluster, x advance, x offset, y offset),
/// positions in font units.
pub type HbGlyph = (u32, u32, i32, i32, i32);

/// A rasterized glyph: coverage (`Mask`, one byte a pixel) or premultiplied RGBA (`Color`).
#[derive(Debug, Clone)]
pub struct Raster {
    pub width: i32,
    pub height: i32,
    /// Pixels from the pen position to the bitmap's left edge.
    pub left: i32,
    /// Pixels from the baseline up to the bitmap's top edge.
    pub top: i32,
    pub color: bool,
    pub data: Vec<u8>,
}

struct Loaded {
    file: FontFile,
    hb: harfrust::Font,
    ft: ft::Face,
    /// Pixels per font unit at the configured size.
    scale: f32,
    /// Shape plans made for this font (with [`Fonts`]' features), one per direction and
    /// script met: HarfBuzz's plan cache. A plan costs about twice the shaping of an
    /// 80-character run, and every new run (a key typed into a word) is shaped.
    plans: Vec<(Direction, Option<Script>, ShapePlan)>,
}

/// At most this many shape plans are kept per font (a font meets few scripts; past this,
/// they are dropped and made again).
const PLANS_MAX: usize = 16;

#[derive(Debug, Clone, Copy)]
struct Slot {
    font: usize,
    synth: u8,
}

pub struct Fonts {
    library: ft::Library,
    loaded: Vec<Loaded>,
    faces: [Slot; 4],
    /// The colour emoji font, once looked for (None inside: there is none).
    emoji: Option<Option<usize>>,
    fallbacks: Option<Fallbacks>,
    /// Fallback list position → loaded font (None: it failed to load).
    fallback_loaded: FxHashMap<usize, Option<usize>>,
    features: Vec<Feature>,
    /// Shaped runs per face (indexed like `faces`), keyed by the run's text.
    shape_cache: [FxHashMap<Box<str>, Box<[Shaped]>>; 4],
    buffer: Option<Buffer>,
    pixel_size: f32,
    pub spec: FontSpec,
    pub points: f32,
    pub scale: f32,
    pub cell_width: u32,
    pub cell_height: u32,
    /// Distance from the cell top to the baseline, in pixels.
    pub baseline: i32,
    pub underline_position: i32,
    pub underline_thickness: u32,
    pub strike_position: i32,
}

/// Characters that are emoji unless asked otherwise (two cells wide, in the pictograph and
/// symbol blocks): a good stand-in for Unicode's Emoji_Presentation property.
pub fn emoji_presentation(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    let cp = c as u32;
    (matches!(cp, 0x1F000..=0x1FAFF) || matches!(cp, 0x2300..=0x2BFF)) && c.width() == Some(2)
}

/// A cluster drawn from the colour emoji font first: emoji presentation (VS16, a default
/// emoji, a ZWJ sequence, a skin-tone modifier, a flag's regional indicators, a keycap).
fn wants_emoji(cluster: &str) -> bool {
    let mut chars = cluster.chars();
    let Some(base) = chars.next() else { return false };
    if cluster.contains('\u{FE0E}') {
        return false;
    }
    emoji_presentation(base)
        || matches!(base as u32, 0x1F1E6..=0x1F1FF)
        // VS16 asks for the emoji form only after a base Unicode lists for it (❤️, not A️):
        // the core's one width rule decides.
        || uvterm_terminal::width::is_emoji_presentation(cluster)
        || cluster.chars().any(|c| {
            matches!(c as u32, 0x20E3 | 0x1F3FB..=0x1F3FF)
                || (c == '\u{200D}' && emoji_presentation(base))
        })
}

/// Characters a font need not have for a cluster to be drawn with it (the shaper handles
/// them): joiners and variation selectors.
fn ignorable(c: char) -> bool {
    matches!(c as u32, 0x200C | 0x200D | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

impl Fonts {
    /// Load the faces of `spec` at `points` for a display with HiDPI factor `scale`. Errors
    /// (no font at all, an unreadable file, a bad feature) are messages for the user.
    pub fn new(spec: &FontSpec, points: f32, scale: f32) -> Result<Fonts, String> {
        let features = parse_features(&spec.features)?;
        let points = if points.is_finite() { points.clamp(1.0, 200.0) } else { 11.0 };
        let scale = if scale.is_finite() { scale.clamp(0.25, 8.0) } else { 1.0 };
        // Points at 96 dpi, as crossfont and Alacritty size fonts.
        let pixel_size = points * scale * 96.0 / 72.0;
        let library = ft::Library::init().map_err(|e| format!("FreeType: {e}"))?;
        let mut fonts = Fonts {
            library,
            loaded: Vec::new(),
            faces: [Slot { font: 0, synth: 0 }; 4],
            emoji: None,
            fallbacks: None,
            fallback_loaded: FxHashMap::default(),
            features,
            shape_cache: Default::default(),
            buffer: Some(Buffer::new()),
            pixel_size,
            spec: spec.clone(),
            points,
            scale,
            cell_width: 1,
            cell_height: 1,
            baseline: 1,
            underline_position: 1,
            underline_thickness: 1,
            strike_position: 1,
        };
        for (i, (bold, italic)) in
            [(false, false), (true, false), (false, true), (true, true)].into_iter().enumerate()
        {
            let family = match i {
                1 => spec.bold_family.as_deref(),
                2 => spec.italic_family.as_deref(),
                3 => spec.bold_italic_family.as_deref(),
                _ => None,
            }
            .unwrap_or(&spec.family);
            let file = fontdb::match_font(family, bold, italic)
                .ok_or_else(|| format!("font {family:?}: fontconfig has no font for it"))?;
            let file_bold = file.bold;
            let font = match fonts.load(file) {
                Ok(f) => f,
                // A style's file that cannot be read falls back to the regular face,
                // made bold/italic synthetically.
                Err(e) if i > 0 => {
                    log::warn!("{e}; using the regular face");
                    fonts.faces[i] = Slot { font: fonts.faces[0].font, synth: i as u8 };
                    continue;
                }
                Err(e) => return Err(e),
            };
            // fontconfig's 90-synthetic.conf reports a roman face matched for italic as
            // oblique (slant 110): the font's own style flags say whether it is italic.
            let own_italic =
                fonts.loaded[font].ft.style_flags().contains(ft::face::StyleFlag::ITALIC);
            let synth = (bold && !file_bold) as u8 | (((italic && !own_italic) as u8) << 1);
            fonts.faces[i] = Slot { font, synth };
        }
        fonts.metrics()?;
        Ok(fonts)
    }

    /// Cell size, baseline and decoration positions from the regular face (the formulas
    /// crossfont uses, so cells keep their size).
    fn metrics(&mut self) -> Result<(), String> {
        let face = &self.loaded[self.faces[0].font].ft;
        let m = face.size_metrics().ok_or("font metrics: the regular face has no size")?;
        let px = |v: ft::ffi::FT_Pos| v as f32 / 64.0;
        let ascent = px(m.ascender);
        let descent = px(m.descender);
        let height = px(m.height).max(ascent - descent);
        let width = match face.load_char('0' as usize, LoadFlag::TARGET_LIGHT) {
            Ok(()) => px(face.glyph().metrics().horiAdvance),
            Err(_) => px(m.max_advance),
        };
        let x_scale = m.x_scale as f32 / 65536.0;
        let mut underline_position = px((face.underline_position() as f32 * x_scale) as i64);
        let mut underline_thickness = px((face.underline_thickness() as f32 * x_scale) as i64);
        if underline_position == 0.0 {
            underline_thickness = (descent.abs() / 5.0).round();
            underline_position = descent / 2.0;
        }
        self.cell_width = width.round().max(1.0) as u32;
        self.cell_height = height.round().max(1.0) as u32;
        self.baseline = (self.cell_height as f32 + descent).round() as i32;
        self.underline_position = (self.baseline as f32 - underline_position).round() as i32;
        self.underline_thickness = underline_thickness.round().max(1.0) as u32;
        // crossfont reads OS/2's strikeout; half the x-height above the baseline is close.
        self.strike_position = (self.baseline as f32 - ascent * 0.3).round() as i32;
        Ok(())
    }

    /// Load a font file (once per path and index) for shaping and rasterizing.
    fn load(&mut self, file: FontFile) -> Result<usize, String> {
        if let Some(i) =
            self.loaded.iter().position(|l| l.file.path == file.path && l.file.index == file.index)
        {
            return Ok(i);
        }
        if self.loaded.len() >= MAX_LOADED_FONTS {
            return Err(format!("more than {MAX_LOADED_FONTS} font files in use"));
        }
        let shown = file.path.display().to_string();
        let size = std::fs::metadata(&file.path).map_err(|e| format!("font {shown}: {e}"))?.len();
        if size > MAX_FONT_FILE {
            return Err(format!("font {shown}: {size} bytes is too large"));
        }
        let bytes = std::fs::read(&file.path).map_err(|e| format!("font {shown}: {e}"))?;
        let hb = harfrust::Font::new(bytes, file.index)
            .ok_or_else(|| format!("font {shown}: not a font file harfrust can read"))?;
        let mut ft = self
            .library
            .new_face(&file.path, file.index as isize)
            .map_err(|e| format!("font {shown}: FreeType: {e}"))?;
        if ft.is_scalable() {
            ft.set_char_size((self.pixel_size * 64.0).round() as isize, 0, 0, 0)
                .map_err(|e| format!("font {shown}: size: {e}"))?;
        } else if ft.has_fixed_sizes() {
            // Bitmap-only (Noto Color Emoji's CBDT): the first strike, scaled to the cell
            // when drawn.
            // SAFETY: the face is live and has at least one fixed size (checked above).
            let err = unsafe { ft::ffi::FT_Select_Size(ft.raw_mut() as *mut _, 0) };
            if err != 0 {
                return Err(format!("font {shown}: no usable bitmap size (FreeType {err})"));
            }
        }
        let upem = hb.units_per_em().max(1) as f32;
        let scale = match ft.size_metrics() {
            Some(m) if !ft.is_scalable() => m.y_ppem as f32 / upem,
            _ => self.pixel_size / upem,
        };
        self.loaded.push(Loaded { file, hb, ft, scale, plans: Vec::new() });
        Ok(self.loaded.len() - 1)
    }

    /// Whether a face is drawn with synthetic (bold, italic): only where its family has no
    /// such face.
    pub fn synthetic(&self, face: Face) -> (bool, bool) {
        let s = self.faces[face.index()].synth;
        (s & 1 != 0, s & 2 != 0)
    }

    /// The path of a loaded font (for tests and messages).
    pub fn font_path(&self, font: u16) -> Option<&std::path::Path> {
        self.loaded.get(font as usize).map(|l| l.file.path.as_path())
    }

    /// True when `font` is the colour emoji font.
    pub fn is_emoji_font(&self, font: u16) -> bool {
        self.emoji == Some(Some(font as usize))
    }

    fn emoji_font(&mut self) -> Option<usize> {
        if let Some(e) = self.emoji {
            return e;
        }
        let found = fontdb::match_font("emoji", false, false)
            .filter(|f| f.color)
            .and_then(|f| self.load(f).map_err(|e| log::warn!("emoji font: {e}")).ok());
        self.emoji = Some(found);
        found
    }

    fn covers(&self, font: usize, cluster: &str) -> bool {
        let charmap = self.loaded[font].hb.charmap();
        cluster.chars().filter(|c| !ignorable(*c)).all(|c| charmap.map_unicode(c).is_some())
    }

    /// The font for one grapheme cluster in a face: `None` when no installed font has it.
    fn font_for(&mut self, cluster: &str, face: Face) -> Option<usize> {
        let slot = self.faces[face.index()];
        if wants_emoji(cluster)
            && let Some(e) = self.emoji_font()
            && self.covers(e, cluster)
        {
            return Some(e);
        }
        for f in [slot.font, self.faces[0].font] {
            if self.covers(f, cluster) {
                return Some(f);
            }
        }
        if self.fallbacks.is_none() {
            self.fallbacks = Fallbacks::sorted(&self.spec.family);
        }
        let n = self.fallbacks.as_ref().map_or(0, |f| f.len());
        for i in 0..n {
            let has = self.fallbacks.as_ref().is_some_and(|list| {
                cluster.chars().filter(|c| !ignorable(*c)).all(|c| list.has_char(i, c))
            });
            if !has {
                continue;
            }
            let font = match self.fallback_loaded.get(&i) {
                Some(f) => *f,
                None => {
                    let file = self.fallbacks.as_ref().and_then(|l| l.file(i));
                    let f = file.and_then(|f| {
                        self.load(f).map_err(|e| log::warn!("fallback font: {e}")).ok()
                    });
                    self.fallback_loaded.insert(i, f);
                    f
                }
            };
            if let Some(f) = font
                && self.covers(f, cluster)
            {
                return Some(f);
            }
        }
        None
    }

    /// Shape a run of text in one face (cached per text and face). Runs are what a line
    /// holds between spaces and style changes; the glyphs come back in visual order with
    /// each one's grapheme cluster (a byte offset into `text`).
    pub fn shape(&mut self, text: &str, face: Face) -> &[Shaped] {
        if !self.shape_cache[face.index()].contains_key(text) {
            let shaped: Box<[Shaped]> = self.shape_uncached(text, face).into();
            let cache = &mut self.shape_cache[face.index()];
            if cache.len() >= SHAPE_CACHE_MAX {
                cache.clear();
            }
            cache.insert(text.into(), shaped);
        }
        &self.shape_cache[face.index()][text]
    }

    fn shape_uncached(&mut self, text: &str, face: Face) -> Vec<Shaped> {
        let mut out = Vec::with_capacity(text.len());
        // Consecutive clusters of one font, shaped together.
        let mut group: Option<(usize, usize, usize)> = None; // (font, start, end)
        let clusters: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
        for (start, cluster) in clusters {
            let font = self.font_for(cluster, face);
            match (font, group) {
                (Some(f), Some((g, s, _))) if f == g => group = Some((g, s, start + cluster.len())),
                _ => {
                    if let Some((g, s, e)) = group.take() {
                        self.shape_group(&text[s..e], s, g, face, &mut out);
                    }
                    match font {
                        Some(f) => group = Some((f, start, start + cluster.len())),
                        None => {
                            let cp = cluster.chars().next().map_or(0xFFFD, |c| c as u32);
                            out.push(Shaped {
                                font: MISSING,
                                id: cp,
                                cluster: start as u32,
                                dx: 0.0,
                                dy: 0.0,
                                synth: 0,
                            });
                        }
                    }
                }
            }
        }
        if let Some((g, s, e)) = group {
            self.shape_group(&text[s..e], s, g, face, &mut out);
        }
        out
    }

    fn shape_group(
        &mut self,
        text: &str,
        offset: usize,
        font: usize,
        face: Face,
        out: &mut Vec<Shaped>,
    ) {
        let slot = self.faces[face.index()];
        let synth = if font == slot.font { slot.synth } else { 0 };
        let loaded = &mut self.loaded[font];
        let mut buffer = self.buffer.take().unwrap_or_default();
        buffer.clear();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let (direction, script) = (buffer.direction(), buffer.script());
        let known = loaded.plans.iter().position(|p| p.0 == direction && p.1 == script);
        let plan = match known {
            Some(i) => i,
            None => {
                if loaded.plans.len() >= PLANS_MAX {
                    loaded.plans.clear();
                }
                let plan = ShapePlan::new(&loaded.hb, direction, script, None, &self.features);
                loaded.plans.push((direction, script, plan));
                loaded.plans.len() - 1
            }
        };
        let shaper = ShaperFont::new(&loaded.hb);
        let options =
            ShapeOptions::new().features(&self.features).plan(Some(&loaded.plans[plan].2));
        let result = harfrust::shape(&shaper, &mut buffer, options);
        if let Err(e) = result {
            log::warn!("shaping {text:?}: {e:?}");
        } else {
            let s = loaded.scale;
            let mut pen = 0i32;
            let mut cluster_pen = 0i32;
            let mut last_cluster = u32::MAX;
            for (info, pos) in buffer.glyph_infos().iter().zip(buffer.glyph_positions()) {
                if info.cluster != last_cluster {
                    last_cluster = info.cluster;
                    cluster_pen = pen;
                }
                out.push(Shaped {
                    font: font as u16,
                    id: info.glyph_id,
                    cluster: info.cluster + offset as u32,
                    dx: (pen - cluster_pen + pos.x_offset) as f32 * s,
                    dy: -(pos.y_offset as f32) * s,
                    synth,
                });
                pen += pos.x_advance;
            }
        }
        self.buffer = Some(buffer);
    }

    /// Shape `text` with the font file at `path` in font units, for comparison with
    /// `hb-shape`: (glyph id, cluster, x advance, x offset, y offset) per glyph.
    pub fn shape_file(
        path: &std::path::Path,
        index: u32,
        text: &str,
        features: &[String],
    ) -> Result<Vec<HbGlyph>, String> {
        let features = parse_features(features)?;
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let font = harfrust::Font::new(bytes, index).ok_or("not a font")?;
        let shaper = ShaperFont::new(&font);
        let mut buffer = Buffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        harfrust::shape(&shaper, &mut buffer, ShapeOptions::new().features(&features))
            .map_err(|e| format!("{e:?}"))?;
        Ok(buffer
            .glyph_infos()
            .iter()
            .zip(buffer.glyph_positions())
            .map(|(i, p)| (i.glyph_id, i.cluster, p.x_advance, p.x_offset, p.y_offset))
            .collect())
    }

    /// Rasterize glyph `id` of loaded font `font` (with synthetic bold/italic bits).
    /// `None` for a glyph with nothing to draw, or one FreeType cannot load.
    pub fn rasterize(&mut self, font: u16, id: u32, synth: u8) -> Option<Raster> {
        let loaded = self.loaded.get(font as usize)?;
        let face = &loaded.ft;
        let flags = if face.is_scalable() {
            LoadFlag::COLOR | LoadFlag::TARGET_LIGHT
        } else {
            LoadFlag::COLOR
        };
        face.load_glyph(id, flags).ok()?;
        let slot = face.raw().glyph;
        if slot.is_null() {
            return None;
        }
        if synth & 1 != 0 && face.is_scalable() {
            // SAFETY: slot is the face's live glyph slot, holding the glyph just loaded.
            unsafe { ft::ffi::FT_GlyphSlot_Embolden(slot) };
        }
        if synth & 2 != 0 && face.is_scalable() {
            // SAFETY: as above.
            unsafe { ft::ffi::FT_GlyphSlot_Oblique(slot) };
        }
        let glyph = face.glyph();
        glyph.render_glyph(ft::RenderMode::Normal).ok()?;
        let bitmap = glyph.bitmap();
        let (w, h, pitch) = (bitmap.width(), bitmap.rows(), bitmap.pitch());
        if w <= 0 || h <= 0 {
            return None;
        }
        let src = bitmap.buffer();
        let row = |y: i32| -> &[u8] {
            let start = if pitch >= 0 { y * pitch } else { (h - 1 - y) * -pitch };
            src.get(start.max(0) as usize..).unwrap_or(&[])
        };
        let (color, data) = match bitmap.pixel_mode().ok()? {
            ft::bitmap::PixelMode::Gray => {
                let mut data = Vec::with_capacity((w * h) as usize);
                for y in 0..h {
                    let r = row(y);
                    data.extend((0..w as usize).map(|x| r.get(x).copied().unwrap_or(0)));
                }
                (false, data)
            }
            ft::bitmap::PixelMode::Mono => {
                let mut data = Vec::with_capacity((w * h) as usize);
                for y in 0..h {
                    let r = row(y);
                    data.extend((0..w as usize).map(|x| {
                        let byte = r.get(x / 8).copied().unwrap_or(0);
                        if byte & (0x80 >> (x % 8)) != 0 { 255 } else { 0 }
                    }));
                }
                (false, data)
            }
            ft::bitmap::PixelMode::Bgra => {
                let mut data = Vec::with_capacity((w * h * 4) as usize);
                for y in 0..h {
                    let r = row(y);
                    for x in 0..w as usize {
                        let p = r.get(x * 4..x * 4 + 4).unwrap_or(&[0, 0, 0, 0]);
                        // FreeType's BGRA is premultiplied, as the atlas keeps colour.
                        data.extend_from_slice(&[p[2], p[1], p[0], p[3]]);
                    }
                }
                (true, data)
            }
            _ => return None,
        };
        Some(Raster {
            width: w,
            height: h,
            left: glyph.bitmap_left(),
            top: glyph.bitmap_top(),
            color,
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_parse_and_bad_ones_are_named() {
        let ok = parse_features(&["-calt".into(), "liga=0".into(), "+ss01".into()]);
        assert_eq!(ok.map(|f| f.len()), Ok(3));
        let bad = parse_features(&["not a feature!".into()]).unwrap_err();
        assert!(bad.contains("not a feature!"), "{bad}");
        let many = vec!["-calt".to_string(); MAX_FEATURES + 1];
        assert!(parse_features(&many).is_err());
    }

    #[test]
    fn emoji_sequences_prefer_the_colour_font() {
        assert!(wants_emoji("👍🏽"));
        assert!(wants_emoji("🇫🇷"));
        assert!(wants_emoji("1\u{FE0F}\u{20E3}"));
        assert!(wants_emoji("❤\u{FE0F}"));
        assert!(!wants_emoji("❤\u{FE0E}"));
        assert!(!wants_emoji("a"));
    }
}
