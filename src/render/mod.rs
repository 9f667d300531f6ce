//! The GPU renderer: a glyph atlas texture (grows, then evicts when full), instanced quads,
//! one pass for backgrounds, one for glyphs, and one for what goes over text (decorations,
//! the cursor). Knows nothing of terminals: the window turns a terminal into a [`Scene`].
//!
//! Raw GL calls live in [`gl`]; fonts in [`fonts`]; procedural box drawing in [`boxdraw`].

pub mod boxdraw;
pub mod fonts;
pub mod gl;
pub mod surface;

use rustc_hash::FxHashMap;

use crossfont::BitmapBuffer;

use fonts::{Face, Fonts};
use gl::{Attrib, Gl, Instances, Program, Texture, Uniform};

const RECT_VERT: &str = include_str!("../../shaders/rect.vert");
const RECT_FRAG: &str = include_str!("../../shaders/rect.frag");
const GLYPH_VERT: &str = include_str!("../../shaders/glyph.vert");
const GLYPH_FRAG: &str = include_str!("../../shaders/glyph.frag");

const ATLAS_START: i32 = 1024;
const ATLAS_MAX: i32 = 4096;

/// What a glyph is, for the cache.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GlyphId {
    Char {
        c: char,
        face: Face,
        wide: bool,
    },
    /// A grapheme cluster (base + combining marks, or an emoji sequence).
    Cluster {
        text: Box<str>,
        face: Face,
        wide: bool,
    },
    /// A box-drawing, block, sextant or Powerline character drawn at the cell size
    /// ([`boxdraw::covers`]).
    Boxed {
        c: char,
    },
}

impl GlyphId {
    pub fn for_char(c: char, face: Face, wide: bool) -> GlyphId {
        if boxdraw::covers(c) { GlyphId::Boxed { c } } else { GlyphId::Char { c, face, wide } }
    }
}

/// A solid rectangle in pixels; `color` is premultiplied RGBA.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub color: [u8; 4],
}

/// A glyph to draw at a cell (x, y = the cell's top-left corner).
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphDraw {
    pub id: GlyphId,
    pub x: f32,
    pub y: f32,
    pub color: [u8; 4],
}

/// One frame's content.
#[derive(Debug, Default)]
pub struct Scene {
    /// Straight RGBA, 0..1.
    pub clear: [f32; 4],
    pub backgrounds: Vec<Rect>,
    pub glyphs: Vec<GlyphDraw>,
    pub overlay: Vec<Rect>,
}

#[derive(Debug, Clone, Copy)]
struct Cached {
    uv: [f32; 4],
    w: i32,
    h: i32,
    left: i32,
    top: i32,
    colored: bool,
}

struct Atlas {
    texture: Texture,
    x: i32,
    y: i32,
    row_height: i32,
}

enum Insert {
    At(i32, i32),
    Full,
}

impl Atlas {
    fn insert(&mut self, w: i32, h: i32) -> Insert {
        let (tw, th) = (self.texture.width, self.texture.height);
        if w > tw || h > th {
            return Insert::Full;
        }
        if self.x + w > tw {
            self.x = 0;
            self.y += self.row_height + 1;
            self.row_height = 0;
        }
        if self.y + h > th {
            return Insert::Full;
        }
        let at = (self.x, self.y);
        self.x += w + 1;
        self.row_height = self.row_height.max(h);
        Insert::At(at.0, at.1)
    }
}

pub struct Renderer {
    gl: Gl,
    rect_program: Program,
    glyph_program: Program,
    rect_viewport: Option<Uniform>,
    glyph_viewport: Option<Uniform>,
    glyph_atlas: Option<Uniform>,
    rects: Instances,
    glyphs: Instances,
    atlas: Option<Atlas>,
    cache: FxHashMap<GlyphId, Option<Cached>>,
    /// Atlas resets so far (growth or eviction), for tests and the log.
    pub atlas_resets: usize,
    /// The side the atlas grows to before it evicts.
    atlas_max: i32,
    scratch: Vec<u8>,
}

impl Renderer {
    pub fn new(gl: Gl) -> Result<Renderer, String> {
        // On failure, what was made so far is deleted here, on the context that is current.
        let rect_program = gl.program(RECT_VERT, RECT_FRAG)?;
        let glyph_program = match gl.program(GLYPH_VERT, GLYPH_FRAG) {
            Ok(p) => p,
            Err(e) => {
                gl.delete_program(rect_program);
                return Err(e);
            }
        };
        let f =
            |location, components, offset| Attrib { location, components, bytes: false, offset };
        let b = |location, offset| Attrib { location, components: 4, bytes: true, offset };
        let instances = gl.instances(20, &[f(0, 4, 0), b(1, 16)]).and_then(|rects| {
            match gl.instances(40, &[f(0, 4, 0), f(1, 4, 16), b(2, 32), b(3, 36)]) {
                Ok(glyphs) => Ok((rects, glyphs)),
                Err(e) => {
                    gl.delete_instances(rects);
                    Err(e)
                }
            }
        });
        let (rects, glyphs) = match instances {
            Ok(i) => i,
            Err(e) => {
                gl.delete_program(rect_program);
                gl.delete_program(glyph_program);
                return Err(e);
            }
        };
        // UVTERM_ATLAS_MAX_SIZE (pixels) shrinks the atlas to make eviction happen with few
        // glyphs: for tests, never needed otherwise.
        let atlas_max = std::env::var("UVTERM_ATLAS_MAX_SIZE")
            .ok()
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(ATLAS_MAX)
            .clamp(64, ATLAS_MAX)
            .min(gl.max_texture_size().max(64));
        let texture = match gl.texture(ATLAS_START.min(atlas_max), ATLAS_START.min(atlas_max)) {
            Ok(t) => t,
            Err(e) => {
                gl.delete_program(rect_program);
                gl.delete_program(glyph_program);
                gl.delete_instances(rects);
                gl.delete_instances(glyphs);
                return Err(e);
            }
        };
        Ok(Renderer {
            rect_viewport: gl.uniform(&rect_program, "viewport"),
            glyph_viewport: gl.uniform(&glyph_program, "viewport"),
            glyph_atlas: gl.uniform(&glyph_program, "atlas"),
            gl,
            rect_program,
            glyph_program,
            rects,
            glyphs,
            atlas: Some(Atlas { texture, x: 0, y: 0, row_height: 0 }),
            cache: FxHashMap::default(),
            atlas_resets: 0,
            atlas_max,
            scratch: Vec::new(),
        })
    }

    pub fn gl(&self) -> &Gl {
        &self.gl
    }

    /// Forget every cached glyph (fonts or cell size changed).
    pub fn clear_glyphs(&mut self) {
        self.cache.clear();
        if let Some(a) = self.atlas.as_mut() {
            a.x = 0;
            a.y = 0;
            a.row_height = 0;
        }
    }

    /// Draw `scene` into a `width × height` framebuffer.
    pub fn render(&mut self, fonts: &mut Fonts, scene: &Scene, width: u32, height: u32) {
        // Make sure every glyph of the frame is in the atlas; a reset (growth or eviction)
        // in the middle invalidates what was placed before, so start over once.
        for attempt in 0..2 {
            let resets = self.atlas_resets;
            for g in &scene.glyphs {
                if !self.cache.contains_key(&g.id) {
                    let cached = self.rasterize(fonts, &g.id);
                    self.cache.insert(g.id.clone(), cached);
                }
            }
            if self.atlas_resets == resets || attempt == 1 {
                break;
            }
        }
        let (w, h) = (width as f32, height as f32);
        self.gl.begin_frame(width as i32, height as i32, scene.clear);
        self.gl.use_program(&self.rect_program);
        if let Some(u) = &self.rect_viewport {
            self.gl.set_vec2(u, w, h);
        }
        // Backgrounds are opaque (cells, selection, cursor block): no blending.
        self.gl.set_blending(false);
        rect_bytes(&scene.backgrounds, &mut self.scratch);
        self.gl.draw_instances(&mut self.rects, &self.scratch, scene.backgrounds.len());
        self.gl.set_blending(true);

        self.scratch.clear();
        let mut count = 0;
        for g in &scene.glyphs {
            let Some(Some(c)) = self.cache.get(&g.id) else { continue };
            let x = g.x + c.left as f32;
            let y = g.y + fonts.baseline as f32 - c.top as f32;
            for v in [x, y, c.w as f32, c.h as f32] {
                self.scratch.extend_from_slice(&v.to_ne_bytes());
            }
            for v in c.uv {
                self.scratch.extend_from_slice(&v.to_ne_bytes());
            }
            self.scratch.extend_from_slice(&g.color);
            self.scratch.extend_from_slice(&[if c.colored { 255 } else { 0 }, 0, 0, 0]);
            count += 1;
        }
        if let Some(atlas) = &self.atlas {
            self.gl.use_program(&self.glyph_program);
            if let Some(u) = &self.glyph_viewport {
                self.gl.set_vec2(u, w, h);
            }
            if let Some(u) = &self.glyph_atlas {
                self.gl.set_int(u, 0);
            }
            self.gl.bind_texture(&atlas.texture);
            self.gl.draw_instances(&mut self.glyphs, &self.scratch, count);
        }

        self.gl.use_program(&self.rect_program);
        rect_bytes(&scene.overlay, &mut self.scratch);
        self.gl.draw_instances(&mut self.rects, &self.scratch, scene.overlay.len());
    }

    /// Rasterize and upload one glyph; `None` for glyphs with nothing to draw.
    fn rasterize(&mut self, fonts: &mut Fonts, id: &GlyphId) -> Option<Cached> {
        let (cw, ch) = (fonts.cell_width as i32, fonts.cell_height as i32);
        let (rgba, w, h, left, top, colored) = match id {
            GlyphId::Boxed { c } => {
                let mask = boxdraw::render(*c, cw as u32, ch as u32, fonts.underline_thickness)?;
                let rgba: Vec<u8> = mask.iter().flat_map(|&a| [255, 255, 255, a]).collect();
                (rgba, cw, ch, 0, fonts.baseline, false)
            }
            GlyphId::Char { c, face, wide } => {
                let g = fonts.glyph(*c, *face)?;
                glyph_bitmap(g, cw * if *wide { 2 } else { 1 }, ch, fonts.baseline)?
            }
            GlyphId::Cluster { text, face, wide } => {
                let mut chars = text.chars();
                let first = chars.next()?;
                // VS16 asks for the emoji form of a listed text-default base (❤️, not A️):
                // the core's one width rule decides.
                let emoji = uvterm_terminal::width::is_emoji_presentation(text);
                let base = match emoji.then(|| fonts.emoji_glyph(first)).flatten() {
                    Some(g) => g,
                    None => fonts.glyph(first, *face)?,
                };
                let mut parts = vec![base];
                if !matches!(parts[0].buffer, BitmapBuffer::Rgba(_)) {
                    for c in chars.filter(|c| *c != '\u{200D}' && *c != '\u{FE0F}') {
                        if let Some(g) = fonts.glyph(c, *face) {
                            parts.push(g);
                        }
                    }
                }
                let merged = merge(parts);
                glyph_bitmap(merged, cw * if *wide { 2 } else { 1 }, ch, fonts.baseline)?
            }
        };
        if w <= 0 || h <= 0 {
            return None;
        }
        let (x, y) = self.place(w, h)?;
        let atlas = self.atlas.as_ref()?;
        self.gl.upload(&atlas.texture, x, y, w, h, &rgba);
        let (tw, th) = (atlas.texture.width as f32, atlas.texture.height as f32);
        Some(Cached {
            uv: [x as f32 / tw, y as f32 / th, (x + w) as f32 / tw, (y + h) as f32 / th],
            w,
            h,
            left,
            top,
            colored,
        })
    }

    /// Find room in the atlas: grow it (up to `ATLAS_MAX`), else evict everything.
    fn place(&mut self, w: i32, h: i32) -> Option<(i32, i32)> {
        for _ in 0..2 {
            let atlas = self.atlas.as_mut()?;
            match atlas.insert(w, h) {
                Insert::At(x, y) => return Some((x, y)),
                Insert::Full => {
                    let size = atlas.texture.width;
                    let new_size = (size * 2).min(self.atlas_max).max(size);
                    self.atlas_resets += 1;
                    self.cache.clear();
                    if new_size != size {
                        log::info!("glyph atlas full: growing to {new_size}x{new_size}");
                        let texture = self.gl.texture(new_size, new_size).ok()?;
                        if let Some(old) = self.atlas.take() {
                            self.gl.delete_texture(old.texture);
                        }
                        self.atlas = Some(Atlas { texture, x: 0, y: 0, row_height: 0 });
                    } else {
                        log::info!(
                            "glyph atlas full at its largest ({size}px): evicting every glyph"
                        );
                        atlas.x = 0;
                        atlas.y = 0;
                        atlas.row_height = 0;
                    }
                }
            }
        }
        None
    }

    /// Delete every GL object. The context must be current (see [`gl`]).
    pub fn destroy(self) {
        let Renderer { gl, rect_program, glyph_program, rects, glyphs, atlas, .. } = self;
        gl.delete_program(rect_program);
        gl.delete_program(glyph_program);
        gl.delete_instances(rects);
        gl.delete_instances(glyphs);
        if let Some(a) = atlas {
            gl.delete_texture(a.texture);
        }
    }
}

fn rect_bytes(rects: &[Rect], out: &mut Vec<u8>) {
    out.clear();
    for r in rects {
        for v in [r.x, r.y, r.w, r.h] {
            out.extend_from_slice(&v.to_ne_bytes());
        }
        out.extend_from_slice(&r.color);
    }
}

/// Overlay several glyphs drawn at the same origin (a base and its combining marks).
fn merge(parts: Vec<crossfont::RasterizedGlyph>) -> crossfont::RasterizedGlyph {
    if parts.len() == 1 {
        return parts.into_iter().next().unwrap_or_default();
    }
    let left = parts.iter().map(|g| g.left).min().unwrap_or(0);
    let top = parts.iter().map(|g| g.top).max().unwrap_or(0);
    let right = parts.iter().map(|g| g.left + g.width).max().unwrap_or(0);
    let bottom = parts.iter().map(|g| g.top - g.height).min().unwrap_or(0);
    let (w, h) = ((right - left).max(0), (top - bottom).max(0));
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    for g in &parts {
        let BitmapBuffer::Rgb(src) = &g.buffer else { continue };
        for y in 0..g.height {
            for x in 0..g.width {
                let dx = g.left - left + x;
                let dy = top - g.top + y;
                for k in 0..3 {
                    let s = src.get(((y * g.width + x) * 3 + k) as usize).copied().unwrap_or(0);
                    let d = &mut rgb[((dy * w + dx) * 3 + k) as usize];
                    *d = (*d).max(s);
                }
            }
        }
    }
    crossfont::RasterizedGlyph {
        character: parts[0].character,
        width: w,
        height: h,
        top,
        left,
        advance: parts[0].advance,
        buffer: BitmapBuffer::Rgb(rgb),
    }
}

/// Turn a rasterized glyph into RGBA for the atlas: masks become white with coverage in
/// alpha; colour bitmaps (emoji) too large for their cells are scaled down and centred.
fn glyph_bitmap(
    g: crossfont::RasterizedGlyph,
    max_w: i32,
    cell_h: i32,
    baseline: i32,
) -> Option<(Vec<u8>, i32, i32, i32, i32, bool)> {
    let (w, h) = (g.width, g.height);
    if w <= 0 || h <= 0 {
        return None;
    }
    match g.buffer {
        BitmapBuffer::Rgb(src) => {
            let mut rgba = Vec::with_capacity((w * h * 4) as usize);
            for px in src.chunks_exact(3) {
                let a = px[0].max(px[1]).max(px[2]);
                rgba.extend_from_slice(&[255, 255, 255, a]);
            }
            Some((rgba, w, h, g.left, g.top, false))
        }
        BitmapBuffer::Rgba(src) => {
            let scale = (cell_h as f32 / h as f32).min(max_w as f32 / w as f32).min(1.0);
            let (sw, sh) = (
                ((w as f32 * scale).round() as i32).max(1),
                ((h as f32 * scale).round() as i32).max(1),
            );
            let rgba = if scale < 1.0 { downscale(&src, w, h, sw, sh) } else { src };
            let left = if scale < 1.0 { (max_w - sw) / 2 } else { g.left };
            let top = if scale < 1.0 { baseline - (cell_h - sh) / 2 } else { g.top };
            Some((rgba, sw, sh, left, top, true))
        }
    }
}

/// Box-filter an RGBA image down to `dw × dh`.
fn downscale(src: &[u8], w: i32, h: i32, dw: i32, dh: i32) -> Vec<u8> {
    let mut out = vec![0u8; (dw * dh * 4) as usize];
    for y in 0..dh {
        let (y0, y1) = (y * h / dh, ((y + 1) * h / dh).max(y * h / dh + 1));
        for x in 0..dw {
            let (x0, x1) = (x * w / dw, ((x + 1) * w / dw).max(x * w / dw + 1));
            let mut acc = [0u32; 4];
            let mut n = 0;
            for sy in y0..y1.min(h) {
                for sx in x0..x1.min(w) {
                    let i = ((sy * w + sx) * 4) as usize;
                    for (k, a) in acc.iter_mut().enumerate() {
                        *a += src.get(i + k).copied().unwrap_or(0) as u32;
                    }
                    n += 1;
                }
            }
            let o = ((y * dw + x) * 4) as usize;
            for k in 0..4 {
                out[o + k] = (acc[k] / n.max(1)) as u8;
            }
        }
    }
    out
}
