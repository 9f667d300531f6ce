//! The GPU renderer: a glyph atlas texture (grows, then evicts when full), instanced quads,
//! one pass for backgrounds, one for glyphs, and one for what goes over text (decorations,
//! the cursor). Knows nothing of terminals: the window turns a terminal into a [`Scene`].
//!
//! Text comes as runs ([`TextRun`]: a line's cells of one face between spaces), which the
//! renderer shapes through [`fonts::Fonts::shape`] (cached) and places on their cells: a
//! ligature is drawn across the cells it covers, an emoji sequence as one glyph.
//!
//! Raw GL calls live in [`gl`]; fonts in [`fonts`] (files from [`fontdb`]); procedural box
//! drawing in [`boxdraw`]; the box for a character no font has in [`missing`].

pub mod boxdraw;
pub mod fontdb;
pub mod fonts;
pub mod gl;
pub mod missing;
pub mod surface;

use std::ops::Range;

use rustc_hash::FxHashMap;

use fonts::{Face, Fonts, MISSING, Raster};
use gl::{Attrib, Gl, Instances, Program, Texture, Uniform};

const RECT_VERT: &str = include_str!("../../shaders/rect.vert");
const RECT_FRAG: &str = include_str!("../../shaders/rect.frag");
const GLYPH_VERT: &str = include_str!("../../shaders/glyph.vert");
const GLYPH_FRAG: &str = include_str!("../../shaders/glyph.frag");

const ATLAS_START: i32 = 1024;
const ATLAS_MAX: i32 = 4096;

/// A single glyph the scene asks for outside text runs (the tab bar, the search bar, the
/// input method's text, box drawing).
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

/// What the atlas caches: a glyph of a loaded font (with synthetic bold/italic bits), a
/// procedural box-drawing character, or the replacement box of a missing character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RasterKey {
    Glyph { font: u16, id: u32, synth: u8, wide: bool },
    Boxed { c: char },
    Missing { cp: u32, wide: bool },
}

/// A glyph placed for this frame.
#[derive(Debug, Clone, Copy)]
struct Placed {
    key: RasterKey,
    x: f32,
    y: f32,
    color: [u8; 4],
}

/// A run of text on one line in one face: the cells `cells` of [`Scene::run_cells`],
/// whose text is `text` of [`Scene::run_text`].
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub text: Range<usize>,
    pub cells: Range<usize>,
    pub face: Face,
    /// The line's top, in pixels.
    pub y: f32,
}

/// One cell of a run: where its text starts in [`Scene::run_text`], its left edge, whether
/// it is two cells wide, and its foreground colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunCell {
    pub byte: u32,
    pub x: f32,
    pub wide: bool,
    pub color: [u8; 4],
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

/// The lists of instances a frame draws, or one row's part of them: backgrounds, glyphs,
/// text runs to shape (with their text and cells) and overlay rectangles. A run's `text` and
/// `cells` index this same value's `run_text` and `run_cells`.
#[derive(Debug, Default, Clone)]
pub struct DrawLists {
    pub backgrounds: Vec<Rect>,
    pub glyphs: Vec<GlyphDraw>,
    /// Text to shape: runs index `run_text` and `run_cells` (one buffer each per frame, so
    /// building a scene allocates nothing once warm).
    pub runs: Vec<TextRun>,
    pub run_text: String,
    pub run_cells: Vec<RunCell>,
    pub overlay: Vec<Rect>,
}

impl DrawLists {
    /// Empty every list, keeping their capacity.
    pub fn clear(&mut self) {
        self.backgrounds.clear();
        self.glyphs.clear();
        self.runs.clear();
        self.run_text.clear();
        self.run_cells.clear();
        self.overlay.clear();
    }

    /// Where the next instances start in each list.
    pub fn ends(&self) -> RowStart {
        RowStart {
            backgrounds: self.backgrounds.len(),
            glyphs: self.glyphs.len(),
            runs: self.runs.len(),
            run_text: self.run_text.len(),
            run_cells: self.run_cells.len(),
            overlay: self.overlay.len(),
        }
    }

    /// Append `from`'s instances from `start` on (what [`DrawLists::ends`] said before they
    /// were made), moving the runs' text and cell indices from `from`'s places to ours.
    pub fn append_from(&mut self, from: &DrawLists, start: RowStart) {
        let (text_to, cells_to) = (self.run_text.len(), self.run_cells.len());
        let text = |i: usize| i + text_to - start.run_text;
        let cell = |i: usize| i + cells_to - start.run_cells;
        self.backgrounds.extend_from_slice(&from.backgrounds[start.backgrounds..]);
        self.glyphs.extend_from_slice(&from.glyphs[start.glyphs..]);
        self.run_text.push_str(&from.run_text[start.run_text..]);
        self.run_cells.extend(
            from.run_cells[start.run_cells..]
                .iter()
                .map(|c| RunCell { byte: text(c.byte as usize) as u32, ..*c }),
        );
        self.runs.extend(from.runs[start.runs..].iter().map(|r| TextRun {
            text: text(r.text.start)..text(r.text.end),
            cells: cell(r.cells.start)..cell(r.cells.end),
            face: r.face,
            y: r.y,
        }));
        self.overlay.extend_from_slice(&from.overlay[start.overlay..]);
    }
}

/// One frame's content: its [`DrawLists`] (reached through `Deref`, as `scene.glyphs`), the
/// rows that made them and each row slot's instances as last built.
#[derive(Debug, Default)]
pub struct Scene {
    /// Straight RGBA, 0..1.
    pub clear: [f32; 4],
    pub lists: DrawLists,
    /// The terminal rows of this frame, in order: which instances of the lists above each
    /// one made, and its key. Anything that removes or reorders instances after the rows were
    /// built must [`Scene::forget_rows`] (the renderer then compares the frame whole).
    pub rows: Vec<RowMark>,
    /// Each row slot's instances as last built, kept from frame to frame so that a row whose
    /// key did not change is copied rather than built again ([`Scene::reuse_row`]).
    pub fragments: Vec<RowFragment>,
}

impl std::ops::Deref for Scene {
    type Target = DrawLists;
    fn deref(&self) -> &DrawLists {
        &self.lists
    }
}

impl std::ops::DerefMut for Scene {
    fn deref_mut(&mut self) -> &mut DrawLists {
        &mut self.lists
    }
}

/// One terminal row's part of a [`Scene`]: the ranges of the scene's lists its instances
/// occupy, and a key (a hash of everything they are made from: the row's cells and their
/// styles, the palette, its place and cell size, highlights and the cursor on it). Two rows
/// with equal keys have equal instances, so the renderer reuses the last frame's work for a
/// row whose key did not change and compares only the others (damage tracking, ARCHITECTURE.md
/// "Frames").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowMark {
    pub key: u64,
    pub backgrounds: Range<usize>,
    pub glyphs: Range<usize>,
    pub runs: Range<usize>,
    pub overlay: Range<usize>,
}

/// A row's instances as the scene builder last made them (runs' ranges relative to the
/// fragment's own text and cells), with the key they were made for (`None`: nothing kept).
#[derive(Debug, Default)]
pub struct RowFragment {
    pub key: Option<u64>,
    pub lists: DrawLists,
}

/// Where a row's instances start in each of a scene's lists ([`DrawLists::ends`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct RowStart {
    backgrounds: usize,
    glyphs: usize,
    runs: usize,
    run_text: usize,
    run_cells: usize,
    overlay: usize,
}

impl Scene {
    /// Empty every list (the kept row fragments stay) for a frame cleared to `clear`.
    pub fn reset(&mut self, clear: [f32; 4]) {
        self.lists.clear();
        self.rows.clear();
        self.clear = clear;
    }

    /// The instances made so far no longer match their row marks (some were removed or
    /// reordered): the renderer compares this frame whole.
    pub fn forget_rows(&mut self) {
        self.rows.clear();
    }

    /// Where the next row's instances start.
    pub fn row_start(&self) -> RowStart {
        self.lists.ends()
    }

    /// Append the fragment kept for the next row slot when it was made for `key`, and mark
    /// the row; false (nothing appended) when the row must be built.
    pub fn reuse_row(&mut self, key: u64) -> bool {
        let slot = self.rows.len();
        let Some(f) = self.fragments.get(slot).filter(|f| f.key == Some(key)) else {
            return false;
        };
        let start = self.lists.ends();
        self.lists.append_from(&f.lists, RowStart::default());
        self.mark_row(key, start);
        true
    }

    /// The row begun at `start` is built: mark it with `key` and keep a copy of it for its
    /// slot.
    pub fn end_row(&mut self, key: u64, start: RowStart) {
        let slot = self.rows.len();
        if self.fragments.len() <= slot {
            self.fragments.resize_with(slot + 1, RowFragment::default);
        }
        let f = &mut self.fragments[slot];
        f.key = Some(key);
        f.lists.clear();
        f.lists.append_from(&self.lists, start);
        self.mark_row(key, start);
    }

    fn mark_row(&mut self, key: u64, start: RowStart) {
        self.rows.push(RowMark {
            key,
            backgrounds: start.backgrounds..self.backgrounds.len(),
            glyphs: start.glyphs..self.glyphs.len(),
            runs: start.runs..self.runs.len(),
            overlay: start.overlay..self.overlay.len(),
        });
    }

    /// Forget the text of line `y` between `x0` and `x1` (pixels), splitting runs that
    /// cross the span: what an overlay drawn over the cells (preedit, search bar) hides.
    pub fn clear_text(&mut self, y: f32, x0: f32, x1: f32) {
        self.forget_rows();
        let lists = &mut self.lists;
        lists.glyphs.retain(|g| g.y != y || g.x < x0 || g.x >= x1);
        let mut kept = Vec::with_capacity(lists.runs.len());
        for run in lists.runs.drain(..) {
            if run.y != y {
                kept.push(run);
                continue;
            }
            // Consecutive cells outside the span become runs of their own.
            let mut start: Option<usize> = None;
            for i in run.cells.clone().chain(std::iter::once(run.cells.end)) {
                let outside = i < run.cells.end && {
                    let x = lists.run_cells[i].x;
                    x < x0 || x >= x1
                };
                match (outside, start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        let end_byte = if i < run.cells.end {
                            lists.run_cells[i].byte as usize
                        } else {
                            run.text.end
                        };
                        kept.push(TextRun {
                            text: lists.run_cells[s].byte as usize..end_byte,
                            cells: s..i,
                            face: run.face,
                            y,
                        });
                        start = None;
                    }
                    _ => {}
                }
            }
        }
        lists.runs = kept;
    }
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
    cache: FxHashMap<RasterKey, Option<Cached>>,
    /// One group's glyphs, resolved from runs and single glyphs (reused from group to group).
    placed: Vec<Placed>,
    /// Atlas resets so far (growth or eviction), for tests and the log.
    pub atlas_resets: usize,
    /// Bumped whenever a glyph's place in the atlas may have changed (a reset, new fonts):
    /// a group's instance bytes made under another generation are not reused.
    generation: u64,
    /// This frame's groups (rows and what lies between them), in drawing order; after the
    /// frame, the last frame's.
    groups: Vec<Group>,
    /// The side the atlas grows to before it evicts.
    atlas_max: i32,
    /// The largest window side the driver draws into (pixels; [`gl::Gl::max_drawable_side`]).
    pub max_drawable_side: u32,
    /// The instances drawn this frame: backgrounds, glyphs, overlay (the groups' bytes that
    /// meet the redrawn rectangle, in order).
    scratch: Vec<u8>,
    /// One run's shaped glyphs, reused from frame to frame.
    shaped: Vec<fonts::Shaped>,
    glyph_bytes: Vec<u8>,
    overlay_bytes: Vec<u8>,
    /// Damage tracking: the frame persists between frames and only what changed is drawn.
    damage: Damage,
}

/// Damage tracking (see ARCHITECTURE.md, "Frames"): the renderer draws into a framebuffer
/// it keeps (`frame`), so a frame redraws only the rectangle where this frame's instances
/// differ from the last one's, scissored, and then copies the kept frame to the window.
/// Off (`UVTERM_DAMAGE=0`, or no offscreen framebuffer from the driver): every frame is
/// drawn whole into the window's back buffer, as before.
struct Damage {
    enabled: bool,
    frame: Option<gl::Framebuffer>,
    /// The window's back buffer keeps the last frame (it is presented by copying rectangles
    /// of it, never swapped): no offscreen frame is needed. Its size, to see a resize.
    back_buffer: Option<(i32, i32)>,
    /// The last frame's clear colour.
    last_clear: [f32; 4],
    /// The kept frame is new (or lost its content): the next frame is drawn whole.
    fresh: bool,
    /// `last` describes what the window shows (false after the kept frame was given back).
    front_known: bool,
    /// Where the last frame differs from the one before it, as the window shows it: what
    /// must be presented (x, y, w, h; top-left origin), `None`: nothing.
    changed: Option<[i32; 4]>,
    /// The rectangle the last frame redrew (x, y, w, h; top-left origin), `None`: nothing.
    redrawn: Option<[i32; 4]>,
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
            max_drawable_side: gl.max_drawable_side(),
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
            placed: Vec::new(),
            atlas_resets: 0,
            generation: 0,
            groups: Vec::new(),
            atlas_max,
            scratch: Vec::new(),
            shaped: Vec::new(),
            glyph_bytes: Vec::new(),
            overlay_bytes: Vec::new(),
            damage: Damage {
                enabled: std::env::var("UVTERM_DAMAGE").map_or(true, |v| v != "0"),
                frame: None,
                back_buffer: None,
                last_clear: [0.0; 4],
                fresh: true,
                front_known: false,
                changed: None,
                redrawn: None,
            },
        })
    }

    /// The rectangle the last frame redrew (x, y, w, h in window pixels, top-left origin),
    /// `None` when nothing changed; the whole window without damage tracking.
    pub fn last_redrawn(&self) -> Option<[i32; 4]> {
        self.damage.redrawn
    }

    /// Whether frames are drawn only where they changed (damage tracking is on).
    pub fn tracks_damage(&self) -> bool {
        self.damage.enabled
    }

    /// From now on the window's back buffer keeps the last frame: the window presents
    /// rectangles of it and never swaps ([`surface::GlTarget::present_region`]), so frames
    /// are drawn into it directly and no offscreen frame is kept.
    pub fn keep_back_buffer(&mut self) {
        self.release_frame();
        self.damage.back_buffer = Some((0, 0));
    }

    /// Give the kept frame back (the window is hidden or its tab is not shown): the next
    /// frame makes a new one and is drawn and presented whole.
    pub fn release_frame(&mut self) {
        if let Some(fb) = self.damage.frame.take() {
            self.gl.delete_framebuffer(fb);
        }
        self.damage.fresh = true;
        self.damage.front_known = false;
    }

    /// The back buffer no longer holds the last frame (a swap that does not preserve it):
    /// the next frame is drawn whole, and still presented only where it changed.
    pub fn back_buffer_lost(&mut self) {
        self.damage.fresh = true;
    }

    /// Where the last frame differs from what the window showed before it (x, y, w, h in
    /// window pixels, top-left origin): what must be presented; `None` when nothing.
    pub fn last_changed(&self) -> Option<[i32; 4]> {
        self.damage.changed
    }

    /// Whether a kept frame for a `width × height` window exists (made, or remade at a new
    /// size, as needed; drawn whole when new); false without damage tracking.
    fn kept_frame(&mut self, width: i32, height: i32) -> bool {
        if !self.damage.enabled {
            return false;
        }
        if let Some(size) = self.damage.back_buffer.as_mut() {
            if *size != (width, height) {
                *size = (width, height);
                self.damage.fresh = true;
                self.damage.front_known = false;
            }
            return true;
        }
        if self.damage.frame.as_ref().is_some_and(|f| f.size() != (width, height)) {
            self.release_frame();
        }
        if self.damage.frame.is_none() {
            self.damage.front_known = false;
            match self.gl.framebuffer(width, height) {
                Ok(fb) => {
                    self.damage.frame = Some(fb);
                    self.damage.fresh = true;
                }
                Err(e) => {
                    log::warn!("no offscreen frame ({e}): drawing every frame whole");
                    self.damage.enabled = false;
                    return false;
                }
            }
        }
        true
    }

    pub fn gl(&self) -> &Gl {
        &self.gl
    }

    /// Forget every cached glyph (fonts or cell size changed).
    pub fn clear_glyphs(&mut self) {
        self.cache.clear();
        self.generation += 1;
        if let Some(a) = self.atlas.as_mut() {
            a.x = 0;
            a.y = 0;
            a.row_height = 0;
        }
    }

    /// Turn a group's runs and single glyphs into its placed glyphs (`self.placed`): runs are
    /// shaped (cached in [`Fonts`]) and each glyph goes to the cell of its cluster.
    fn resolve(
        &mut self,
        fonts: &mut Fonts,
        scene: &Scene,
        glyphs: Range<usize>,
        runs: Range<usize>,
    ) {
        let mut placed = std::mem::take(&mut self.placed);
        placed.clear();
        for g in &scene.glyphs[glyphs] {
            let mut utf8 = [0u8; 4];
            let (text, face, wide) = match &g.id {
                GlyphId::Boxed { c } => {
                    let key = RasterKey::Boxed { c: *c };
                    placed.push(Placed { key, x: g.x, y: g.y, color: g.color });
                    continue;
                }
                GlyphId::Char { c, face, wide } => (&*c.encode_utf8(&mut utf8), *face, *wide),
                GlyphId::Cluster { text, face, wide } => (&**text, *face, *wide),
            };
            for s in fonts.shape(text, face) {
                placed.push(Placed {
                    key: key_of(s, wide),
                    x: g.x + s.dx,
                    y: g.y + s.dy,
                    color: g.color,
                });
            }
        }
        for run in &scene.runs[runs] {
            let (Some(text), Some(cells)) =
                (scene.run_text.get(run.text.clone()), scene.run_cells.get(run.cells.clone()))
            else {
                continue;
            };
            if cells.is_empty() {
                continue;
            }
            // A copy (into a buffer kept between frames): the loop asks `fonts` about fonts.
            let mut shaped = std::mem::take(&mut self.shaped);
            shaped.clear();
            shaped.extend_from_slice(fonts.shape(text, run.face));
            for (k, s) in shaped.iter().enumerate() {
                let at = run.text.start + s.cluster as usize;
                let i = cells.partition_point(|c| c.byte as usize <= at).saturating_sub(1);
                let cell = cells[i];
                // A colour glyph the shaper made of two narrow cells' clusters (a flag's two
                // regional indicators, each one cell as in xterm) is drawn across both.
                let next = shaped[k + 1..]
                    .iter()
                    .map(|n| n.cluster)
                    .find(|&c| c != s.cluster)
                    .map_or(run.text.end, |c| run.text.start + c as usize);
                let end = cells.partition_point(|c| (c.byte as usize) < next);
                let wide = cell.wide || (end >= i + 2 && fonts.is_emoji_font(s.font));
                placed.push(Placed {
                    key: key_of(s, wide),
                    x: cell.x + s.dx,
                    y: run.y + s.dy,
                    color: cell.color,
                });
            }
            self.shaped = shaped;
        }
        self.placed = placed;
    }

    /// Build `group`'s instances from its parts of `scene`: resolve and rasterize its
    /// glyphs, write its instance bytes, hash each instance (sorted) and find their bounds.
    fn build_group(
        &mut self,
        fonts: &mut Fonts,
        scene: &Scene,
        spec: &GroupSpec,
        group: &mut Group,
    ) {
        self.resolve(fonts, scene, spec.glyphs.clone(), spec.runs.clone());
        // The generation the group's glyphs were looked up under: a reset while they are
        // rasterized drops the ones placed before it, so the group must not pass for current.
        let generation = self.generation;
        for i in 0..self.placed.len() {
            let key = self.placed[i].key;
            if !self.cache.contains_key(&key) {
                let cached = self.rasterize(fonts, key);
                self.cache.insert(key, cached);
            }
        }
        group.key = spec.key;
        group.generation = generation;
        group.bytes.iter_mut().for_each(Vec::clear);
        for r in &scene.backgrounds[spec.backgrounds.clone()] {
            rect_bytes(r, &mut group.bytes[0]);
        }
        for g in &self.placed {
            let Some(Some(c)) = self.cache.get(&g.key) else { continue };
            let x = (g.x + c.left as f32).round();
            let y = (g.y + fonts.baseline as f32 - c.top as f32).round();
            let out = &mut group.bytes[1];
            for v in [x, y, c.w as f32, c.h as f32] {
                out.extend_from_slice(&v.to_ne_bytes());
            }
            for v in c.uv {
                out.extend_from_slice(&v.to_ne_bytes());
            }
            out.extend_from_slice(&g.color);
            out.extend_from_slice(&[if c.colored { 255 } else { 0 }, 0, 0, 0]);
        }
        for r in &scene.overlay[spec.overlay.clone()] {
            rect_bytes(r, &mut group.bytes[2]);
        }
        group.hash();
    }

    /// This frame's groups in `self.groups`, each built or (a row whose key and glyph
    /// generation did not change) taken over from the last frame; and the bounds of the
    /// instances that are in one frame and not in the other (`None`: none).
    fn build_frame(&mut self, fonts: &mut Fonts, scene: &Scene) -> Option<[f32; 4]> {
        let specs = group_specs(scene);
        // Glyphs rasterized on the way may reset the atlas, which changes the bytes of
        // every group made before: then the frame is made again, every group built.
        let mut last = std::mem::take(&mut self.groups);
        let mut now: Vec<Group> = Vec::with_capacity(specs.len());
        // Rows are taken over only where the frame has the same groups as the last.
        let same_shape = specs.len() == last.len();
        for attempt in 0..FRAME_ATTEMPTS {
            let generation = self.generation;
            now.clear();
            for (i, spec) in specs.iter().enumerate() {
                let reuse = attempt == 0
                    && same_shape
                    && spec.key.is_some()
                    && last.get(i).is_some_and(|g| g.key == spec.key && g.generation == generation);
                if reuse {
                    // Equal keys: equal instances; the last frame's group is not needed for
                    // the comparison below.
                    let mut g = std::mem::take(&mut last[i]);
                    g.reused = true;
                    now.push(g);
                } else {
                    let mut g = Group::default();
                    self.build_group(fonts, scene, spec, &mut g);
                    now.push(g);
                }
            }
            if self.generation == generation {
                break;
            }
        }
        let mut bounds = Bounds::default();
        if now.len() == last.len() {
            // The same groups (rows and gaps between them): compare each with its own.
            for (a, b) in last.iter().zip(&now) {
                if !b.reused {
                    diff(&a.hashes, &b.hashes, &mut bounds);
                }
            }
        } else {
            // Another shape (a pane more or less, a bar over the rows): compare whole.
            let all = |groups: &[Group]| {
                let mut v: Vec<(u64, [f32; 4])> =
                    groups.iter().flat_map(|g| g.hashes.iter().copied()).collect();
                v.sort_unstable_by_key(|e| e.0);
                v
            };
            diff(&all(&last), &all(&now), &mut bounds);
        }
        log::debug!(
            "frame of {} groups, {} rows kept",
            now.len(),
            now.iter().filter(|g| g.reused).count()
        );
        for g in &mut now {
            g.reused = false;
        }
        self.groups = now;
        bounds.get()
    }

    /// Draw `scene` into a `width × height` framebuffer.
    pub fn render(&mut self, fonts: &mut Fonts, scene: &Scene, width: u32, height: u32) {
        let differs = self.build_frame(fonts, scene);
        crate::trace::latency("instances built");
        let (wi, hi) = (width as i32, height as i32);
        let kept = self.kept_frame(wi, hi);
        let region = if kept {
            self.changed(differs, scene.clear, wi, hi)
        } else {
            self.damage.changed = Some([0, 0, wi, hi]);
            Some([0, 0, wi, hi])
        };
        self.damage.redrawn = region;
        if let Some(fb) = self.damage.frame.as_ref().filter(|_| kept) {
            self.gl.bind_framebuffer(Some(fb));
        }
        if let Some(rect) = region {
            // Only the groups that reach into the rectangle: the others' pixels are outside
            // the scissor anyway.
            let [rx, ry, rw, rh] = rect.map(|v| v as f32);
            let meets = |b: &Option<[f32; 4]>| {
                b.is_some_and(|[x0, y0, x1, y1]| {
                    x0 <= rx + rw + 1.0 && x1 >= rx - 1.0 && y0 <= ry + rh + 1.0 && y1 >= ry - 1.0
                })
            };
            let mut out = [
                std::mem::take(&mut self.scratch),
                std::mem::take(&mut self.glyph_bytes),
                std::mem::take(&mut self.overlay_bytes),
            ];
            out.iter_mut().for_each(Vec::clear);
            // A part of the frame is cleared by an opaque rectangle drawn first with the
            // backgrounds, not by glClear: a scissored clear is a draw of its own in
            // software renderers (Mesa's llvmpipe: ~120 µs of a one-cell frame).
            if kept {
                let color = scene.clear.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8);
                rect_bytes(&Rect { x: rx, y: ry, w: rw, h: rh, color }, &mut out[0]);
            }
            for g in self.groups.iter().filter(|g| meets(&g.bounds)) {
                for (o, b) in out.iter_mut().zip(&g.bytes) {
                    o.extend_from_slice(b);
                }
            }
            let [bg, glyphs, overlay] = out;
            self.scratch = bg;
            self.glyph_bytes = glyphs;
            self.overlay_bytes = overlay;
            crate::trace::latency("instances gathered");
            self.gl.scissor(kept.then_some(rect), hi);
            self.draw((!kept).then_some(scene.clear), width, height);
            self.gl.scissor(None, hi);
        }
        if let Some(fb) = self.damage.frame.as_ref().filter(|_| kept) {
            self.gl.blit_to_window(fb);
        }
    }

    /// The instances gathered for this frame (limited by the scissor): backgrounds, glyphs,
    /// overlay; over the frame cleared to `clear` first, if given.
    fn draw(&mut self, clear: Option<[f32; 4]>, width: u32, height: u32) {
        let (w, h) = (width as f32, height as f32);
        self.gl.begin_frame(width as i32, height as i32, clear);
        self.gl.use_program(&self.rect_program);
        if let Some(u) = &self.rect_viewport {
            self.gl.set_vec2(u, w, h);
        }
        // Backgrounds are opaque (cells, selection, cursor block): no blending.
        self.gl.set_blending(false);
        self.gl.draw_instances(&mut self.rects, &self.scratch, self.scratch.len() / RECT_STRIDE);
        self.gl.set_blending(true);
        if let Some(atlas) = &self.atlas {
            self.gl.use_program(&self.glyph_program);
            if let Some(u) = &self.glyph_viewport {
                self.gl.set_vec2(u, w, h);
            }
            if let Some(u) = &self.glyph_atlas {
                self.gl.set_int(u, 0);
            }
            self.gl.bind_texture(&atlas.texture);
            let n = self.glyph_bytes.len() / GLYPH_STRIDE;
            self.gl.draw_instances(&mut self.glyphs, &self.glyph_bytes, n);
        }
        self.gl.use_program(&self.rect_program);
        let n = self.overlay_bytes.len() / RECT_STRIDE;
        self.gl.draw_instances(&mut self.rects, &self.overlay_bytes, n);
    }

    /// What the window must show anew: the whole window when the clear colour changed or
    /// nothing is known of what it shows, else the pixels around `differs` (the bounds of
    /// the instances in one frame only); `None` when nothing changed. Returns what to redraw
    /// of the kept frame: that, or all of it when it is new.
    fn changed(
        &mut self,
        differs: Option<[f32; 4]>,
        clear: [f32; 4],
        width: i32,
        height: i32,
    ) -> Option<[i32; 4]> {
        let d = &mut self.damage;
        let changed = if !d.front_known || d.last_clear != clear {
            Some([0, 0, width, height])
        } else {
            differs.map(|[bx0, by0, bx1, by1]| {
                // Whole pixels around the box, inside the window.
                let x0 = (bx0.floor() as i32 - 1).clamp(0, width);
                let y0 = (by0.floor() as i32 - 1).clamp(0, height);
                let x1 = (bx1.ceil() as i32 + 1).clamp(0, width);
                let y1 = (by1.ceil() as i32 + 1).clamp(0, height);
                [x0, y0, x1 - x0, y1 - y0]
            })
        };
        d.last_clear = clear;
        d.front_known = true;
        d.changed = changed.filter(|r| r[2] > 0 && r[3] > 0);
        // The kept frame is redrawn where the window changes, or whole when it is new.
        if std::mem::take(&mut d.fresh) { Some([0, 0, width, height]) } else { d.changed }
    }

    /// Rasterize and upload one glyph; `None` for glyphs with nothing to draw.
    fn rasterize(&mut self, fonts: &mut Fonts, key: RasterKey) -> Option<Cached> {
        let (cw, ch) = (fonts.cell_width as i32, fonts.cell_height as i32);
        let (rgba, w, h, left, top, colored) = match key {
            RasterKey::Boxed { c } => {
                let mask = boxdraw::render(c, cw as u32, ch as u32, fonts.underline_thickness)?;
                let rgba: Vec<u8> = mask.iter().flat_map(|&a| [255, 255, 255, a]).collect();
                (rgba, cw, ch, 0, fonts.baseline, false)
            }
            RasterKey::Missing { cp, wide } => {
                let w = cw * if wide { 2 } else { 1 };
                let mask = missing::render(cp, w as u32, ch as u32, fonts.underline_thickness)?;
                let rgba: Vec<u8> = mask.iter().flat_map(|&a| [255, 255, 255, a]).collect();
                (rgba, w, ch, 0, fonts.baseline, false)
            }
            RasterKey::Glyph { font, id, synth, wide } => {
                let g = fonts.rasterize(font, id, synth)?;
                glyph_bitmap(g, cw * if wide { 2 } else { 1 }, ch, fonts.baseline)?
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
                    self.generation += 1;
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
        let Renderer { gl, rect_program, glyph_program, rects, glyphs, atlas, damage, .. } = self;
        if let Some(fb) = damage.frame {
            gl.delete_framebuffer(fb);
        }
        gl.delete_program(rect_program);
        gl.delete_program(glyph_program);
        gl.delete_instances(rects);
        gl.delete_instances(glyphs);
        if let Some(a) = atlas {
            gl.delete_texture(a.texture);
        }
    }
}

/// Bytes of one rectangle instance (`RECT_STRIDE`): x, y, w, h, then RGBA.
fn rect_bytes(r: &Rect, out: &mut Vec<u8>) {
    for v in [r.x, r.y, r.w, r.h] {
        out.extend_from_slice(&v.to_ne_bytes());
    }
    out.extend_from_slice(&r.color);
}

/// How often a frame is built before it is drawn as it is. An atlas reset (growth or
/// eviction) while it is built starts it over, every group built anew; a frame whose glyphs
/// fit an empty atlas is whole by the second attempt. A frame that does not fit is drawn
/// without the glyphs that did not, and its groups keep the generation they were built
/// under, so the next frame builds them again.
const FRAME_ATTEMPTS: usize = 3;

/// Bytes of a rectangle instance and of a glyph instance.
const RECT_STRIDE: usize = 20;
const GLYPH_STRIDE: usize = 40;

/// What one group of a frame is made of: a terminal row (with its key) or the instances
/// between two rows (no key: compared every frame), as ranges of the scene's lists.
#[derive(Debug, Default)]
struct GroupSpec {
    key: Option<u64>,
    backgrounds: Range<usize>,
    glyphs: Range<usize>,
    runs: Range<usize>,
    overlay: Range<usize>,
}

/// The groups of `scene` in drawing order: before each row, what lies between it and the
/// row before (or the start); the row; after the last row, the rest. Concatenated, each
/// list's instances come in the scene's order. Row marks that do not fit the lists (out of
/// order, out of bounds) are ignored: the frame is then one group.
fn group_specs(scene: &Scene) -> Vec<GroupSpec> {
    let lens = [scene.backgrounds.len(), scene.glyphs.len(), scene.runs.len(), scene.overlay.len()];
    fn ranges(m: &RowMark) -> [&Range<usize>; 4] {
        [&m.backgrounds, &m.glyphs, &m.runs, &m.overlay]
    }
    let mut at = [0usize; 4];
    let mut valid = true;
    for m in &scene.rows {
        for (k, r) in ranges(m).into_iter().enumerate() {
            valid &= r.start >= at[k] && r.start <= r.end && r.end <= lens[k];
            at[k] = r.end;
        }
    }
    let gap = |from: [usize; 4], to: [usize; 4]| GroupSpec {
        key: None,
        backgrounds: from[0]..to[0],
        glyphs: from[1]..to[1],
        runs: from[2]..to[2],
        overlay: from[3]..to[3],
    };
    if !valid {
        return vec![gap([0; 4], lens)];
    }
    let mut specs = Vec::with_capacity(scene.rows.len() * 2 + 1);
    let mut at = [0usize; 4];
    for m in &scene.rows {
        let start = ranges(m).map(|r| r.start);
        specs.push(gap(at, start));
        specs.push(GroupSpec {
            key: Some(m.key),
            backgrounds: m.backgrounds.clone(),
            glyphs: m.glyphs.clone(),
            runs: m.runs.clone(),
            overlay: m.overlay.clone(),
        });
        at = ranges(m).map(|r| r.end);
    }
    specs.push(gap(at, lens));
    specs
}

/// One group's instances as drawn: their bytes (backgrounds, glyphs, overlay), a hash of
/// each instance with its bounds (x, y, w, h), sorted by hash, and the bounds of them all
/// (x0, y0, x1, y1; `None`: no instance).
#[derive(Debug, Default)]
struct Group {
    key: Option<u64>,
    generation: u64,
    bytes: [Vec<u8>; 3],
    hashes: Vec<(u64, [f32; 4])>,
    bounds: Option<[f32; 4]>,
    /// Taken over from the last frame unchanged (during [`Renderer::build_frame`] only).
    reused: bool,
}

impl Group {
    /// Hash every instance of `bytes` and gather their bounds.
    fn hash(&mut self) {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let hasher = BuildHasherDefault::<rustc_hash::FxHasher>::default();
        self.hashes.clear();
        let mut bounds = Bounds::default();
        for (tag, stride) in [(0u8, RECT_STRIDE), (1, GLYPH_STRIDE), (2, RECT_STRIDE)] {
            for chunk in self.bytes[tag as usize].chunks_exact(stride) {
                let hash = hasher.hash_one((tag, chunk));
                let f = |i: usize| {
                    f32::from_ne_bytes([chunk[i], chunk[i + 1], chunk[i + 2], chunk[i + 3]])
                };
                let b = [f(0), f(4), f(8), f(12)];
                bounds.grow(&b);
                self.hashes.push((hash, b));
            }
        }
        self.hashes.sort_unstable_by_key(|e| e.0);
        self.bounds = bounds.get();
    }
}

/// A bounding box grown by rectangles (x, y, w, h).
struct Bounds {
    min: [f32; 2],
    max: [f32; 2],
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds { min: [f32::MAX; 2], max: [f32::MIN; 2] }
    }
}

impl Bounds {
    fn grow(&mut self, b: &[f32; 4]) {
        self.min = [self.min[0].min(b[0]), self.min[1].min(b[1])];
        self.max = [self.max[0].max(b[0] + b[2]), self.max[1].max(b[1] + b[3])];
    }

    /// x0, y0, x1, y1; `None` when nothing grew it.
    fn get(&self) -> Option<[f32; 4]> {
        (self.min[0] <= self.max[0]).then_some([self.min[0], self.min[1], self.max[0], self.max[1]])
    }
}

/// Grow `bounds` by every instance in one of two hash-sorted lists and not in the other.
fn diff(last: &[(u64, [f32; 4])], now: &[(u64, [f32; 4])], bounds: &mut Bounds) {
    let (mut i, mut j) = (0, 0);
    loop {
        match (last.get(i), now.get(j)) {
            (Some(a), Some(b)) if a.0 == b.0 => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a.0 < b.0 => {
                bounds.grow(&a.1);
                i += 1;
            }
            (Some(_), Some(b)) => {
                bounds.grow(&b.1);
                j += 1;
            }
            (Some(a), None) => {
                bounds.grow(&a.1);
                i += 1;
            }
            (None, Some(b)) => {
                bounds.grow(&b.1);
                j += 1;
            }
            (None, None) => break,
        }
    }
}

/// The atlas key of a shaped glyph drawn in a cell that is `wide` or not.
fn key_of(s: &fonts::Shaped, wide: bool) -> RasterKey {
    if s.font == MISSING {
        RasterKey::Missing { cp: s.id, wide }
    } else {
        RasterKey::Glyph { font: s.font, id: s.id, synth: s.synth, wide }
    }
}

/// Turn a rasterized glyph into RGBA for the atlas: masks become white with coverage in
/// alpha; colour bitmaps (emoji) too large for their cells are scaled down and centred.
fn glyph_bitmap(
    g: Raster,
    max_w: i32,
    cell_h: i32,
    baseline: i32,
) -> Option<(Vec<u8>, i32, i32, i32, i32, bool)> {
    let (w, h) = (g.width, g.height);
    if w <= 0 || h <= 0 {
        return None;
    }
    if !g.color {
        let rgba = g.data.iter().flat_map(|&a| [255, 255, 255, a]).collect();
        return Some((rgba, w, h, g.left, g.top, false));
    }
    let scale = (cell_h as f32 / h as f32).min(max_w as f32 / w as f32).min(1.0);
    let (sw, sh) =
        (((w as f32 * scale).round() as i32).max(1), ((h as f32 * scale).round() as i32).max(1));
    let rgba = if scale < 1.0 { downscale(&g.data, w, h, sw, sh) } else { g.data };
    let left = if scale < 1.0 { (max_w - sw) / 2 } else { g.left };
    let top = if scale < 1.0 { baseline - (cell_h - sh) / 2 } else { g.top };
    Some((rgba, sw, sh, left, top, true))
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
