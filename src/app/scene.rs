//! From a terminal to a [`Scene`]: colours resolved against the palette, backgrounds merged
//! into runs, glyphs per cell, decorations (underline styles, strike, overline), the cursor
//! in its style, the selection and search highlights, and the tab bar. Pure: no GL here.

use crate::render::fonts::Face;
use crate::render::{GlyphDraw, GlyphId, Rect, RunCell, Scene, TextRun};
use crate::term::cell::Content;
use crate::term::handler::{COLOR_BACKGROUND, COLOR_CURSOR, COLOR_FOREGROUND};
use crate::term::index::Line;
use crate::term::modes::Modes;
use crate::term::style::{Attrs, Color, ColorKind, Rgb, Style, Underline};
use crate::term::{CursorShape, Palette, Term};
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};

/// Where cells are on screen, in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub x0: f32,
    pub y0: f32,
    pub cell_w: f32,
    pub cell_h: f32,
    pub cols: usize,
    pub lines: usize,
    /// Height of the tab bar above the cells (0 when hidden).
    pub tab_bar: f32,
    pub width: f32,
}

/// Narrowest a tab of the tab bar gets, in cells: room for a number and a short title.
pub const MIN_TAB_CELLS: f32 = 10.0;

/// Which tabs the tab bar shows: `shown` tabs starting at index `first`, each `tab_w`
/// physical pixels wide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TabStrip {
    pub first: usize,
    pub shown: usize,
    pub tab_w: f32,
}

/// Tabs the tab bar scrolled out of view ([`TabStrip`]): how many lie before the first tab it
/// shows and after the last, and whether one of each side's rang the bell since it was last
/// seen. The bar marks each side that hides tabs with an arrow in its end cell (red when one
/// of them rang), as a browser's tab strip shows its scroll arrows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HiddenTabs {
    pub before: usize,
    pub after: usize,
    pub bell_before: bool,
    pub bell_after: bool,
}

/// Lays out the tab bar for `count` tabs in `width` pixels: equal shares while each is at least
/// [`MIN_TAB_CELLS`] cells of `cell_w` wide, else as many tabs of that width as fit, starting
/// at `first` (what the bar showed last) and scrolled only as far as needed to show the
/// `active` tab, as a browser's tab strip scrolls. The cost of a frame's tab bar is then
/// bounded by the window's width, not by the number of tabs (1,000 tabs used to mean 1,000
/// two-pixel labels built every frame).
pub fn tab_strip(count: usize, active: usize, first: usize, width: f32, cell_w: f32) -> TabStrip {
    if count == 0 {
        return TabStrip { first: 0, shown: 0, tab_w: width.max(1.0) };
    }
    let min_w = (MIN_TAB_CELLS * cell_w).max(1.0);
    let fit = ((width / min_w) as usize).clamp(1, count);
    let active = active.min(count - 1);
    let first = first.min(active).max((active + 1).saturating_sub(fit)).min(count - fit);
    TabStrip { first, shown: fit, tab_w: (width / fit as f32).floor().max(1.0) }
}

impl Layout {
    /// The cell (column, line) under a point of the window (physical pixels), clamped to
    /// the grid: the padding around the cells belongs to the nearest cell, so a drag past an
    /// edge keeps selecting. `None` on the tab bar.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let col = (x as f32 - self.x0) / self.cell_w;
        let line = (y as f32 - self.y0) / self.cell_h;
        if line < -0.01 && self.tab_bar > 0.0 && (y as f32) < self.tab_bar {
            return None;
        }
        Some((
            col.max(0.0).min((self.cols - 1) as f32) as usize,
            line.max(0.0).min((self.lines - 1) as f32) as usize,
        ))
    }

    /// A point of the window as pixels from the top left corner of the cells (0 above or
    /// left of them): what SGR-pixel mouse reports (mode 1016) carry.
    pub fn pixel_at(&self, x: f64, y: f64) -> (u32, u32) {
        ((x as f32 - self.x0).max(0.0) as u32, (y as f32 - self.y0).max(0.0) as u32)
    }
}

/// Font metrics the decorations need (from [`crate::render::fonts::Fonts`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub underline_position: f32,
    pub underline_thickness: f32,
    pub strike_position: f32,
}

pub use crate::term::selection::Span;

pub struct SceneInput<'a> {
    pub term: &'a Term,
    pub layout: Layout,
    pub metrics: Metrics,
    /// Lines scrolled back from the bottom (0: the live screen).
    pub display_offset: usize,
    pub focused: bool,
    /// The blink phase allows drawing the cursor.
    pub cursor_on: bool,
    pub selection: &'a [Span],
    pub search: &'a [Span],
    /// The match Enter moves to, drawn brighter than the others: one span per row it covers.
    pub search_current: &'a [Span],
    /// The link under the pointer, underlined (where its text has no underline of its own):
    /// one span per row it covers.
    pub hover: &'a [Span],
    pub selection_color: Rgb,
    /// The tab bar's labels, numbers included, and which one is active: only the tabs
    /// [`tab_strip`] shows (empty when the bar is hidden).
    pub tabs: &'a [(String, bool)],
    /// Tabs the bar has no room for, before and after those it shows.
    pub hidden_tabs: HiddenTabs,
    /// The visual bell's flash.
    pub flash: bool,
    /// The resource overlay's lines, drawn over the cells (none: closed).
    pub overlay: &'a [String],
}

/// Backgrounds of search matches, and of the current one.
pub const SEARCH_MATCH: Rgb = Rgb::new(0xb0, 0x90, 0x20);
pub const SEARCH_CURRENT: Rgb = Rgb::new(0xff, 0x70, 0x10);

pub fn rgba(c: Rgb) -> [u8; 4] {
    [c.r, c.g, c.b, 255]
}

fn resolve(color: Color, palette: &Palette, default: usize, bold: bool) -> Rgb {
    match color.kind() {
        ColorKind::Default => palette.0[default],
        // xterm's boldColors: bold text in the eight normal colours is drawn bright.
        ColorKind::Indexed(n) if bold && n < 8 => palette.0[n as usize + 8],
        ColorKind::Indexed(n) => palette.0[n as usize],
        ColorKind::Rgb(c) => c,
    }
}

fn dim(c: Rgb) -> Rgb {
    Rgb::new((c.r as u16 * 2 / 3) as u8, (c.g as u16 * 2 / 3) as u8, (c.b as u16 * 2 / 3) as u8)
}

/// The (foreground, background) a cell is drawn with.
pub fn cell_colors(style: &Style, palette: &Palette, reverse_video: bool) -> (Rgb, Rgb) {
    let (dfg, dbg) = if reverse_video {
        (COLOR_BACKGROUND, COLOR_FOREGROUND)
    } else {
        (COLOR_FOREGROUND, COLOR_BACKGROUND)
    };
    let bold = style.attrs.contains(Attrs::BOLD);
    let mut fg = resolve(style.fg, palette, dfg, bold);
    let mut bg = resolve(style.bg, palette, dbg, false);
    if style.attrs.contains(Attrs::DIM) {
        fg = dim(fg);
    }
    if style.attrs.contains(Attrs::INVERSE) {
        std::mem::swap(&mut fg, &mut bg);
    }
    if style.attrs.contains(Attrs::HIDDEN) {
        fg = bg;
    }
    (fg, bg)
}

fn in_spans(spans: &[Span], row: usize, col: usize) -> bool {
    spans.iter().any(|s| s.contains(row, col))
}

/// One terminal's whole frame: [`begin`], its [`cells`], then the window's [`chrome`].
pub fn build(input: &SceneInput<'_>, scene: &mut Scene) {
    begin(input.term, scene);
    cells(input, scene);
    chrome(input, scene);
}

/// The colour a terminal's default background is drawn in (its palette's, swapped under
/// DECSCNM reverse video).
pub fn default_background(term: &Term) -> Rgb {
    let reverse_video = term.modes().contains(Modes::REVERSE_VIDEO);
    term.palette().0[if reverse_video { COLOR_FOREGROUND } else { COLOR_BACKGROUND }]
}

/// Start a frame: empty `scene`, cleared to `term`'s default background.
pub fn begin(term: &Term, scene: &mut Scene) {
    let bg = default_background(term);
    scene.reset([bg.r as f32 / 255.0, bg.g as f32 / 255.0, bg.b as f32 / 255.0, 1.0]);
}

/// What every row of one call of [`cells`] shares, hashed once: the start of each row's key.
fn frame_key(input: &SceneInput<'_>, reverse_video: bool) -> u64 {
    let l = input.layout;
    let m = input.metrics;
    let mut h = FxHasher::default();
    for v in [l.x0, l.cell_w, l.cell_h, m.underline_position, m.underline_thickness] {
        h.write_u32(v.to_bits());
    }
    h.write_u32(m.strike_position.to_bits());
    h.write_usize(l.cols);
    h.write_u8(reverse_video as u8);
    input.term.palette().0.hash(&mut h);
    input.selection_color.hash(&mut h);
    h.finish()
}

/// A cell's part of its row's key: its content and width flags (a cluster's text, whose id
/// may be reused), and what its style looks like (an id may be reused for another style once
/// its cells are gone, so the style's fields are hashed, not the id).
fn cell_key(
    h: &mut FxHasher,
    term: &Term,
    cell: crate::term::cell::Cell,
    last: &mut (u32, u64, u64),
) {
    let flags = (cell.is_wide() as u64) << 33 | (cell.is_spacer() as u64) << 34;
    match cell.content() {
        Content::Empty => h.write_u64(flags),
        Content::Char(c) => h.write_u64(flags | 1 << 32 | c as u64),
        Content::Cluster(id) => {
            h.write_u64(flags | 2 << 32);
            h.write(term.cluster(id).as_bytes());
        }
    }
    let id = cell.style().0;
    if id != last.0 {
        let st = term.style(cell.style());
        *last = (
            id,
            (st.fg.packed() as u64) << 32 | st.bg.packed() as u64,
            (st.underline_color.packed() as u64) << 32
                | (st.attrs.bits() as u64) << 8
                | st.underline as u64,
        );
    }
    h.write_u64(last.1);
    h.write_u64(last.2);
}

/// Add one terminal's cells, decorations and cursor to `scene`, placed by `input.layout`
/// (its origin `x0, y0` is the terminal's pane's top-left corner, in window pixels; only its
/// `cols × lines` cells are drawn, so a pane never draws outside its rectangle). A pane whose
/// default background differs from the frame's clear colour gets its rectangle filled first.
pub fn cells(input: &SceneInput<'_>, scene: &mut Scene) {
    let term = input.term;
    let grid = term.grid();
    let palette = term.palette();
    let reverse_video = term.modes().contains(Modes::REVERSE_VIDEO);
    let default_bg = default_background(term);
    let l = input.layout;
    let clear = scene.clear.map(|c| (c * 255.0).round() as u8);
    if [default_bg.r, default_bg.g, default_bg.b] != [clear[0], clear[1], clear[2]] {
        scene.backgrounds.push(Rect {
            x: l.x0,
            y: l.y0,
            w: l.cols as f32 * l.cell_w,
            h: l.lines as f32 * l.cell_h,
            color: rgba(default_bg),
        });
    }
    let m = input.metrics;
    let history = grid.history_len();
    let offset = input.display_offset.min(history);
    let first_abs = history - offset;
    let frame = frame_key(input, reverse_video);
    // The block cursor's cell shows its character in the cell's background colour: the
    // cursor's (line, column) when it is drawn as a block (see [`cursor`]).
    let cursor_at = term.cursor_point();
    let shows_cursor = term.modes().contains(Modes::SHOW_CURSOR) && offset == 0 && input.cursor_on;
    let block = (shows_cursor
        && input.focused
        && term.cursor_style().shape == CursorShape::Block
        && cursor_at.line.0 < l.lines
        && cursor_at.column.0 < l.cols)
        .then_some((cursor_at.line.0, cursor_at.column.0));
    let mut selection = Vec::new();
    let mut search = Vec::new();

    for line in 0..l.lines.min(grid.lines()) {
        let abs = first_abs + line;
        let Some(row) = grid.absolute_row(abs) else { continue };
        let y = l.y0 + line as f32 * l.cell_h;
        let cells = row.cells();
        let cells = &cells[..cells.len().min(l.cols)];
        // The highlights on this row only.
        selection.clear();
        selection.extend(input.selection.iter().filter(|s| s.row == abs));
        search.clear();
        search.extend(input.search.iter().filter(|s| s.row == abs));
        let current = input.search_current.iter().find(|s| s.row == abs).copied();
        let hover = input.hover.iter().find(|s| s.row == abs).copied();
        // Text runs break at the cursor's cell (below).
        let cursor_col = (offset == 0 && cursor_at.line.0 == line).then_some(cursor_at.column.0);
        let block_col = block.filter(|b| b.0 == line).map(|b| b.1);
        // The row's key: everything its instances are made of.
        let mut h = FxHasher::default();
        h.write_u64(frame);
        h.write_u32(y.to_bits());
        for s in selection.iter().chain(&search).chain(current.as_slice()).chain(hover.as_slice()) {
            h.write_usize(s.start.0);
            h.write_usize(s.end.0);
        }
        h.write_usize(
            selection.len() << 16
                | search.len() << 2
                | (current.is_some() as usize) << 1
                | hover.is_some() as usize,
        );
        h.write_usize(cursor_col.map_or(usize::MAX, |c| c));
        h.write_usize(block_col.map_or(usize::MAX, |c| c));
        h.write_usize(cells.len());
        let mut last_style = (u32::MAX, 0, 0);
        for &cell in cells {
            cell_key(&mut h, term, cell, &mut last_style);
        }
        let key = h.finish();
        if scene.reuse_row(key) {
            continue;
        }
        let start = scene.row_start();
        // Background runs.
        let mut run: Option<(usize, Rgb)> = None;
        for col in 0..=cells.len() {
            let bg = if col < cells.len() {
                let cell = cells[col];
                let style = term.style(cell.style());
                let (_, mut bg) = cell_colors(&style, palette, reverse_video);
                if in_spans(&selection, abs, col) {
                    bg = input.selection_color;
                } else if current.is_some_and(|s| in_spans(&[s], abs, col)) {
                    bg = SEARCH_CURRENT;
                } else if in_spans(&search, abs, col) {
                    bg = SEARCH_MATCH;
                }
                Some(bg)
            } else {
                None
            };
            match (run, bg) {
                // The run goes on.
                (Some((_, c)), Some(b)) if c == b => {}
                (prev, next) => {
                    if let Some((start, c)) = prev
                        && c != default_bg
                    {
                        scene.backgrounds.push(Rect {
                            x: l.x0 + start as f32 * l.cell_w,
                            y,
                            w: (col - start) as f32 * l.cell_w,
                            h: l.cell_h,
                            color: rgba(c),
                        });
                    }
                    run = next.map(|b| (col, b));
                }
            }
        }
        // Text runs and decorations. A run is the cells of one face between spaces; the
        // cursor's cell is a run of its own, so a ligature under the cursor breaks and the
        // cursor shows the characters (kitty's behaviour).
        let mut open = false;
        for (col, cell) in cells.iter().enumerate() {
            if cell.is_spacer() {
                continue;
            }
            let style = term.style(cell.style());
            let (mut fg, _) = cell_colors(&style, palette, reverse_video);
            if in_spans(&selection, abs, col) {
                fg = palette.0[COLOR_FOREGROUND];
            }
            // Decorations keep the text's colour; the character under a block cursor is
            // drawn in the cell's background colour.
            let text_fg =
                if block_col == Some(col) { cell_colors(&style, palette, false).1 } else { fg };
            let x = l.x0 + col as f32 * l.cell_w;
            let face = Face {
                bold: style.attrs.contains(Attrs::BOLD),
                italic: style.attrs.contains(Attrs::ITALIC),
            };
            let wide = cell.is_wide();
            let w = l.cell_w * if wide { 2.0 } else { 1.0 };
            decorations(&style, palette, fg, x, y, w, l, m, &mut scene.overlay);
            if style.underline == Underline::None && hover.is_some_and(|s| s.contains(abs, col)) {
                scene.overlay.push(underline_rect(fg, x, y, w, l, m));
            }
            let hidden = style.attrs.contains(Attrs::HIDDEN);
            let text_start = scene.run_text.len();
            match cell.content() {
                _ if hidden => {}
                Content::Empty | Content::Char(' ') => {}
                Content::Char(c) => {
                    let id = GlyphId::for_char(c, face, wide);
                    if matches!(id, GlyphId::Boxed { .. }) {
                        scene.glyphs.push(GlyphDraw { id, x, y, color: rgba(text_fg) });
                    } else {
                        scene.run_text.push(c);
                    }
                }
                Content::Cluster(id) => scene.run_text.push_str(term.cluster(id)),
            }
            if scene.run_text.len() == text_start {
                open = false;
                continue;
            }
            let at_cursor = cursor_col == Some(col);
            let joins = open && !at_cursor && scene.runs.last().is_some_and(|r| r.face == face);
            if !joins {
                let cells = scene.run_cells.len();
                scene.runs.push(TextRun {
                    text: text_start..text_start,
                    cells: cells..cells,
                    face,
                    y,
                });
            }
            scene.run_cells.push(RunCell {
                byte: text_start as u32,
                x,
                wide,
                color: rgba(text_fg),
            });
            let (text_end, cells_end) = (scene.run_text.len(), scene.run_cells.len());
            if let Some(r) = scene.runs.last_mut() {
                r.text.end = text_end;
                r.cells.end = cells_end;
            }
            // The cursor's run ends with its cell.
            open = !at_cursor;
        }
        scene.end_row(key, start);
    }

    // The cursor, on the live screen only.
    if shows_cursor {
        cursor(input, scene);
    }
}

/// The window's own parts over the cells: the tab bar, the resource overlay and the visual
/// bell's flash over the whole window (`input.term` gives their colours).
pub fn chrome(input: &SceneInput<'_>, scene: &mut Scene) {
    let l = input.layout;
    let palette = input.term.palette();
    if !input.tabs.is_empty() && l.tab_bar > 0.0 {
        tab_bar(input, scene);
    }
    super::overlay::draw(input.overlay, l, rgba(palette.0[COLOR_FOREGROUND]), scene);
    if input.flash {
        scene.overlay.push(Rect {
            x: 0.0,
            y: 0.0,
            w: l.width,
            h: l.y0 + l.lines as f32 * l.cell_h + l.y0,
            color: [64, 64, 64, 64],
        });
    }
}

/// A single underline in `color` under the cell (or wide cell, `w` pixels) at `x, y`: at the
/// font's underline position, its thickness (at least a pixel), kept inside the cell.
fn underline_rect(color: Rgb, x: f32, y: f32, w: f32, l: Layout, m: Metrics) -> Rect {
    let t = m.underline_thickness.max(1.0);
    let uy = (y + m.underline_position).min(y + l.cell_h - t);
    Rect { x, y: uy, w, h: t, color: rgba(color) }
}

#[allow(clippy::too_many_arguments)]
fn decorations(
    style: &Style,
    palette: &Palette,
    fg: Rgb,
    x: f32,
    y: f32,
    w: f32,
    l: Layout,
    m: Metrics,
    out: &mut Vec<Rect>,
) {
    let t = m.underline_thickness.max(1.0);
    if style.underline != Underline::None {
        let color = if style.underline_color.is_default() {
            fg
        } else {
            resolve(style.underline_color, palette, COLOR_FOREGROUND, false)
        };
        let c = rgba(color);
        let uy = (y + m.underline_position).min(y + l.cell_h - t);
        match style.underline {
            Underline::Single => out.push(underline_rect(color, x, y, w, l, m)),
            Underline::Double => {
                let up = (uy - 2.0 * t).max(y);
                out.push(Rect { x, y: up, w, h: t, color: c });
                out.push(Rect { x, y: uy, w, h: t, color: c });
            }
            Underline::Curly => {
                // One wave per cell, drawn column by column.
                let amp = (t * 1.5).max(1.0);
                let base = (uy - amp).max(y);
                let n = w.round() as i32;
                for i in 0..n {
                    let phase = i as f32 / l.cell_w * std::f32::consts::TAU;
                    let dy = ((phase.sin() + 1.0) * amp).round();
                    out.push(Rect { x: x + i as f32, y: base + dy, w: 1.0, h: t, color: c });
                }
            }
            Underline::Dotted => {
                let mut i = 0.0;
                while i < w {
                    out.push(Rect { x: x + i, y: uy, w: t.min(w - i), h: t, color: c });
                    i += 2.0 * t;
                }
            }
            Underline::Dashed => {
                let dash = (l.cell_w * 0.375).max(1.0);
                let mut i = 0.0;
                while i < w {
                    out.push(Rect { x: x + i, y: uy, w: dash.min(w - i), h: t, color: c });
                    i += dash * 2.0;
                }
            }
            Underline::None => (),
        }
    }
    if style.attrs.contains(Attrs::STRIKE) {
        out.push(Rect { x, y: y + m.strike_position - t / 2.0, w, h: t, color: rgba(fg) });
    }
    if style.attrs.contains(Attrs::OVERLINE) {
        out.push(Rect { x, y, w, h: t, color: rgba(fg) });
    }
}

fn cursor(input: &SceneInput<'_>, scene: &mut Scene) {
    let term = input.term;
    let l = input.layout;
    let p = term.cursor_point();
    if p.line.0 >= l.lines || p.column.0 >= l.cols {
        return;
    }
    let row = term.grid().row(Line(p.line.0));
    let cell = row.cells()[p.column.0];
    let wide = cell.is_wide();
    let x = l.x0 + p.column.0 as f32 * l.cell_w;
    let y = l.y0 + p.line.0 as f32 * l.cell_h;
    let w = l.cell_w * if wide { 2.0 } else { 1.0 };
    let palette = term.palette();
    let color = rgba(palette.0[COLOR_CURSOR]);
    let thick = (l.cell_w / 8.0).round().max(1.0);
    let style = term.cursor_style();
    if !input.focused {
        // Hollow box when the window is not focused.
        for r in [
            Rect { x, y, w, h: thick, color },
            Rect { x, y: y + l.cell_h - thick, w, h: thick, color },
            Rect { x, y, w: thick, h: l.cell_h, color },
            Rect { x: x + w - thick, y, w: thick, h: l.cell_h, color },
        ] {
            scene.overlay.push(r);
        }
        return;
    }
    match style.shape {
        // The character under it is drawn in the cell's background colour by `cells`.
        CursorShape::Block => scene.backgrounds.push(Rect { x, y, w, h: l.cell_h, color }),
        CursorShape::Beam => scene.overlay.push(Rect { x, y, w: thick, h: l.cell_h, color }),
        CursorShape::Underline => {
            scene.overlay.push(Rect { x, y: y + l.cell_h - thick, w, h: thick, color })
        }
    }
}

fn tab_bar(input: &SceneInput<'_>, scene: &mut Scene) {
    let l = input.layout;
    let palette = input.term.palette();
    let n = input.tabs.len() as f32;
    let tab_w = (l.width / n).floor().max(1.0);
    let fg = palette.0[COLOR_FOREGROUND];
    let bar = Rgb::new(0x20, 0x20, 0x20);
    let active_bg = Rgb::new(0x44, 0x44, 0x44);
    scene.backgrounds.push(Rect { x: 0.0, y: 0.0, w: l.width, h: l.tab_bar, color: rgba(bar) });
    let max_chars = ((tab_w / l.cell_w) as usize).saturating_sub(2);
    for (i, (title, active)) in input.tabs.iter().enumerate() {
        let x = i as f32 * tab_w;
        if *active {
            scene.backgrounds.push(Rect {
                x,
                y: 0.0,
                w: tab_w,
                h: l.tab_bar,
                color: rgba(active_bg),
            });
        }
        scene.backgrounds.push(Rect {
            x: x + tab_w - 1.0,
            y: 0.0,
            w: 1.0,
            h: l.tab_bar,
            color: [80, 80, 80, 255],
        });
        let label = title;
        let ty = ((l.tab_bar - l.cell_h) / 2.0).max(0.0);
        for (k, c) in label.chars().take(max_chars).enumerate() {
            if c == ' ' || c.is_control() {
                continue;
            }
            scene.glyphs.push(GlyphDraw {
                id: GlyphId::for_char(c, Face { bold: *active, italic: false }, false),
                x: x + l.cell_w * (k + 1) as f32,
                y: ty,
                color: rgba(fg),
            });
        }
    }
    // The end cells of the first and last tabs are padding (labels start one cell in and
    // stop one cell short): the arrows for hidden tabs go there.
    let hidden = input.hidden_tabs;
    let bell = palette.0[1];
    let ty = ((l.tab_bar - l.cell_h) / 2.0).max(0.0);
    // The last tab's last whole cell: after its label, before its divider.
    let last_x = ((n - 1.0) * tab_w + ((tab_w / l.cell_w).floor() - 1.0) * l.cell_w).max(0.0);
    for (count, rang, c, x) in [
        (hidden.before, hidden.bell_before, '\u{2039}', 0.0),
        (hidden.after, hidden.bell_after, '\u{203A}', last_x),
    ] {
        if count > 0 {
            scene.glyphs.push(GlyphDraw {
                id: GlyphId::for_char(c, Face { bold: true, italic: false }, false),
                x,
                y: ty,
                color: rgba(if rang { bell } else { fg }),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::TermConfig;
    use crate::term::index::Column;
    use crate::term::parser::Parser;

    fn term(bytes: &str) -> Term {
        let mut t = Term::new(10, 3, TermConfig::default());
        t.advance(&mut Parser::new(), bytes.as_bytes());
        t
    }

    fn input(t: &Term) -> SceneInput<'_> {
        SceneInput {
            term: t,
            layout: Layout {
                x0: 2.0,
                y0: 2.0,
                cell_w: 8.0,
                cell_h: 16.0,
                cols: 10,
                lines: 3,
                tab_bar: 0.0,
                width: 84.0,
            },
            metrics: Metrics {
                underline_position: 14.0,
                underline_thickness: 1.0,
                strike_position: 8.0,
            },
            display_offset: 0,
            focused: true,
            cursor_on: true,
            selection: &[],
            search: &[],
            search_current: &[],
            hover: &[],
            selection_color: Rgb::new(1, 2, 3),
            tabs: &[],
            hidden_tabs: HiddenTabs::default(),
            overlay: &[],
            flash: false,
        }
    }

    #[test]
    fn backgrounds_merge_into_runs_and_glyphs_get_their_colours() {
        let t = term("\x1b[41;32mabc\x1b[0m d");
        let mut s = Scene::default();
        build(&input(&t), &mut s);
        let red = rgba(t.palette().0[1]);
        let runs: Vec<&Rect> = s.backgrounds.iter().filter(|r| r.color == red).collect();
        assert_eq!(runs.len(), 1, "one merged run: {:?}", s.backgrounds);
        assert_eq!((runs[0].x, runs[0].w), (2.0, 24.0));
        let green = rgba(t.palette().0[2]);
        assert_eq!(s.run_cells.iter().filter(|g| g.color == green).count(), 3);
        assert_eq!(s.run_cells.len(), 4, "a, b, c, d; spaces draw nothing");
        assert_eq!(run_texts(&s), ["abc", "d"], "runs end at spaces, not at colour changes");
    }

    fn run_texts(s: &Scene) -> Vec<&str> {
        s.runs.iter().map(|r| &s.run_text[r.text.clone()]).collect()
    }

    #[test]
    fn runs_split_at_faces_and_the_cursor_cell_is_its_own_run() {
        let t = term("a->b\x1b[1m=>\x1b[0m!=\x1b[3G");
        let mut s = Scene::default();
        build(&input(&t), &mut s);
        assert_eq!(run_texts(&s), ["a-", ">", "b", "=>", "!="], "cursor at column 2");
        let bold = s.runs.iter().find(|r| &s.run_text[r.text.clone()] == "=>").unwrap();
        assert!(bold.face.bold);
        let cells = &s.run_cells[s.runs[0].cells.clone()];
        assert_eq!((cells[0].x, cells[1].x, cells[1].byte), (2.0, 10.0, 1));
        // The block cursor draws the character under it in the background colour.
        let bg = rgba(t.palette().0[COLOR_BACKGROUND]);
        assert_eq!(s.run_cells[s.runs[1].cells.start].color, bg);
    }

    #[test]
    fn clusters_are_one_cell_of_a_run_and_overlays_split_runs() {
        let t = term("x\u{1F44D}\u{1F3FD}yz\r\n");
        let mut s = Scene::default();
        build(&input(&t), &mut s);
        assert_eq!(run_texts(&s), ["x\u{1F44D}\u{1F3FD}yz"]);
        // However the core splits the sequence into cells, the run holds all of it, so the
        // shaper sees the whole sequence.
        let cells = &s.run_cells[s.runs[0].cells.clone()];
        assert!(cells[1].wide && !cells[0].wide);
        assert_eq!((cells[1].x, cells[1].byte), (10.0, 1));
        let y = cells.iter().position(|c| s.run_text[c.byte as usize..].starts_with('y'));
        let y = cells[y.expect("a cell for y")].x;
        // An overlay over the thumb leaves the text before and after it.
        s.clear_text(2.0, 10.0, y);
        assert_eq!(run_texts(&s), ["x", "yz"]);
    }

    #[test]
    fn bold_brightens_inverse_swaps_hidden_hides() {
        let p = Palette::default();
        let bold = Style { fg: Color::indexed(1), attrs: Attrs::BOLD, ..Style::default() };
        assert_eq!(cell_colors(&bold, &p, false).0, p.0[9]);
        let inv = Style { fg: Color::indexed(2), attrs: Attrs::INVERSE, ..Style::default() };
        assert_eq!(cell_colors(&inv, &p, false), (p.0[COLOR_BACKGROUND], p.0[2]));
        let hid = Style { attrs: Attrs::HIDDEN, ..Style::default() };
        let (fg, bg) = cell_colors(&hid, &p, false);
        assert_eq!(fg, bg);
    }

    #[test]
    fn cursor_styles_and_unfocused_hollow() {
        let mut t = term("ab");
        let mut s = Scene::default();
        build(&input(&t), &mut s);
        let cursor = rgba(t.palette().0[COLOR_CURSOR]);
        assert!(
            s.backgrounds.iter().any(|r| r.color == cursor && r.x == 18.0 && r.w == 8.0),
            "block at column 2"
        );
        t.advance(&mut Parser::new(), b"\x1b[6 q");
        build(&input(&t), &mut s);
        assert!(s.overlay.iter().any(|r| r.color == cursor && r.w == 1.0 && r.h == 16.0), "beam");
        let mut i = input(&t);
        i.focused = false;
        build(&i, &mut s);
        assert_eq!(s.overlay.iter().filter(|r| r.color == cursor).count(), 4, "hollow box");
        t.advance(&mut Parser::new(), b"\x1b[?25l");
        build(&input(&t), &mut s);
        assert!(!s.overlay.iter().chain(&s.backgrounds).any(|r| r.color == cursor), "hidden");
    }

    #[test]
    fn underline_styles_and_colour() {
        let t = term("\x1b[4:3;58:2::255:0:0mx\x1b[4:2my\x1b[0;9mz");
        let mut s = Scene::default();
        build(&input(&t), &mut s);
        let red = [255, 0, 0, 255];
        let curly: Vec<&Rect> = s.overlay.iter().filter(|r| r.color == red && r.x < 10.0).collect();
        assert_eq!(curly.len(), 8, "one column rect per pixel of the cell");
        let ys: std::collections::HashSet<i32> = curly.iter().map(|r| r.y as i32).collect();
        assert!(ys.len() > 1, "the wave moves");
        let double: Vec<&Rect> =
            s.overlay.iter().filter(|r| r.x == 10.0 && r.color == red).collect();
        assert_eq!(double.len(), 2, "double underline keeps the underline colour");
        assert!(s.overlay.iter().any(|r| r.x == 18.0 && r.y == 2.0 + 8.0 - 0.5), "strike");
    }

    /// A hovered link's cells get a single underline in their text colour; a cell with an
    /// underline of its own keeps only that one; a row's reused instances notice the hover.
    #[test]
    fn a_hovered_link_is_underlined_in_its_text_colour() {
        let t = term("ab\x1b[4:3mc\x1b[0;32md");
        let span = [Span { row: 0, start: Column(0), end: Column(3) }];
        let mut s = Scene::default();
        build(&input(&t), &mut s);
        let plain = s.overlay.len();
        let hovered = SceneInput { hover: &span, ..input(&t) };
        build(&hovered, &mut s);
        let added: Vec<Rect> = s.overlay[..].to_vec();
        assert_eq!(added.len(), plain + 3, "a, b and d; c keeps its curly underline");
        let fg = rgba(t.palette().0[COLOR_FOREGROUND]);
        let green = rgba(t.palette().0[2]);
        let at = |x: f32| added.iter().find(|r| r.x == x && r.h == 1.0 && r.w == 8.0).copied();
        assert_eq!(at(2.0).map(|r| (r.y, r.color)), Some((16.0, fg)), "at the underline position");
        assert_eq!(at(26.0).map(|r| r.color), Some(green), "in the text's colour");
        build(&input(&t), &mut s);
        assert_eq!(s.overlay.len(), plain, "gone with the hover");
    }

    #[test]
    fn box_drawing_uses_the_procedural_glyphs() {
        let t = term("\x1b(0lqk\x1b(B");
        let mut s = Scene::default();
        build(&input(&t), &mut s);
        assert!(s.glyphs.iter().all(|g| matches!(g.id, GlyphId::Boxed { .. })));
    }

    #[test]
    fn scrolled_back_view_shows_history_and_no_cursor() {
        let mut t = Term::new(10, 2, TermConfig::default());
        t.advance(&mut Parser::new(), b"one\r\ntwo\r\nthree");
        let mut i = input(&t);
        i.layout.lines = 2;
        i.display_offset = 1;
        let mut s = Scene::default();
        build(&i, &mut s);
        let first: Vec<&str> =
            s.runs.iter().filter(|r| r.y == 2.0).map(|r| &s.run_text[r.text.clone()]).collect();
        assert_eq!(first, ["one"], "'one' from the history on the first line");
        let cursor = rgba(t.palette().0[COLOR_CURSOR]);
        assert!(!s.backgrounds.iter().any(|r| r.color == cursor));
    }

    #[test]
    fn a_pane_draws_at_its_origin_inside_its_cells_and_fills_a_differing_background() {
        // Two panes in one scene: the first clears the frame, the second (another default
        // background, OSC 11) sits at (100, 50) and fills its own 10 × 3 cells.
        let a = term("left");
        let mut b = term("\x1b]11;rgb:10/20/30\x07right-pane-text-that-overflows");
        b.advance(&mut Parser::new(), b"");
        let mut s = Scene::default();
        begin(&a, &mut s);
        cells(&input(&a), &mut s);
        let before = s.backgrounds.len();
        let mut i = input(&b);
        i.layout.x0 = 100.0;
        i.layout.y0 = 50.0;
        cells(&i, &mut s);
        let fill = s.backgrounds[before];
        assert_eq!((fill.x, fill.y, fill.w, fill.h), (100.0, 50.0, 80.0, 48.0));
        assert_eq!(fill.color, [0x10, 0x20, 0x30, 255]);
        // Every cell of the second pane lies inside its rectangle.
        let second: Vec<&RunCell> = s.run_cells.iter().filter(|c| c.x >= 100.0).collect();
        assert!(!second.is_empty());
        assert!(second.iter().all(|c| c.x + 8.0 <= 180.0), "no cell beyond 10 columns");
        assert!(s.runs.iter().filter(|r| r.y >= 50.0).all(|r| r.y + 16.0 <= 98.0));
        assert_eq!(run_texts(&s)[0], "left", "the first pane's text stays");
        // The same background as the frame: no fill.
        let mut s2 = Scene::default();
        begin(&a, &mut s2);
        let mut j = input(&a);
        j.layout.x0 = 100.0;
        cells(&j, &mut s2);
        assert!(s2.backgrounds.iter().all(|r| r.x != 100.0 || r.w != 80.0));
    }

    /// Build `input` into `kept` (which keeps its row fragments from earlier frames) and into
    /// a fresh scene: the two must be equal, list by list; and how many rows were reused.
    fn same_as_fresh(input: &SceneInput<'_>, kept: &mut Scene) -> usize {
        let before: Vec<Option<u64>> = kept.fragments.iter().map(|f| f.key).collect();
        build(input, kept);
        let mut fresh = Scene::default();
        build(input, &mut fresh);
        assert_eq!(kept.backgrounds, fresh.backgrounds);
        assert_eq!(kept.glyphs, fresh.glyphs);
        assert_eq!(kept.runs, fresh.runs);
        assert_eq!(kept.run_text, fresh.run_text);
        assert_eq!(kept.run_cells, fresh.run_cells);
        assert_eq!(kept.overlay, fresh.overlay);
        assert_eq!(kept.rows, fresh.rows, "the same row marks");
        kept.rows.iter().zip(&before).filter(|(m, k)| **k == Some(m.key)).count()
    }

    #[test]
    fn reused_rows_equal_rows_built_anew() {
        let mut t = term("\x1b[31mred\x1b[0m plain\r\n\x1b[4mline\x1b[0m two");
        let mut kept = Scene::default();
        assert_eq!(same_as_fresh(&input(&t), &mut kept), 0, "nothing kept at first");
        assert_eq!(same_as_fresh(&input(&t), &mut kept), 3, "nothing changed: every row kept");
        // The cursor moves: its old line and its new one are built again.
        t.advance(&mut Parser::new(), b"\x1b[1;2H");
        assert_eq!(same_as_fresh(&input(&t), &mut kept), 1);
        // A style id reused for another style (every red cell gone, then blue written where
        // they were): the cells' ids are the same, their look is not.
        let red = t.grid().row(Line(0)).cells()[0].style();
        t.advance(
            &mut Parser::new(),
            b"\x1b[2J\x1b[H\x1b[34mred\x1b[0m plain\x1b[2;1H\x1b[4mline\x1b[0m two\x1b[1;2H",
        );
        assert_eq!(t.grid().row(Line(0)).cells()[0].style(), red, "the id was reused");
        assert_eq!(same_as_fresh(&input(&t), &mut kept), 2, "the blue row is built again");
        // Selection, search matches and the current match change the rows they are on.
        let sel = [Span { row: 1, start: Column(0), end: Column(3) }];
        let mut i = input(&t);
        i.selection = &sel;
        assert_eq!(same_as_fresh(&i, &mut kept), 2);
        i.search = &sel;
        i.search_current = &sel[..1];
        assert_eq!(same_as_fresh(&i, &mut kept), 2);
        // Unfocused (no block: the character under the cursor keeps its colour), another
        // palette, another place: rows built again.
        fn unfocused(t: &Term) -> SceneInput<'_> {
            SceneInput { focused: false, ..input(t) }
        }
        assert_eq!(
            same_as_fresh(&unfocused(&t), &mut kept),
            1,
            "the cursor's row and the selected one"
        );
        t.advance(&mut Parser::new(), b"\x1b]4;1;rgb:12/34/56\x07");
        assert_eq!(same_as_fresh(&unfocused(&t), &mut kept), 0, "the palette is in every key");
        let mut i = unfocused(&t);
        i.layout.y0 = 20.0;
        assert_eq!(same_as_fresh(&i, &mut kept), 0);
        // Scrolled back: the rows show other lines.
        t.advance(&mut Parser::new(), b"\x1b[3;1H\n\n\n");
        let back = SceneInput { display_offset: 1, ..input(&t) };
        same_as_fresh(&back, &mut kept);
        same_as_fresh(&input(&t), &mut kept);
    }

    #[test]
    fn the_tab_strip_shares_the_width_until_tabs_get_narrow_then_scrolls_to_the_active_tab() {
        // 8-pixel cells: a tab is at least 80 pixels, 12 fit in 960.
        assert_eq!(tab_strip(3, 1, 0, 960.0, 8.0), TabStrip { first: 0, shown: 3, tab_w: 320.0 });
        assert_eq!(tab_strip(12, 0, 0, 960.0, 8.0), TabStrip { first: 0, shown: 12, tab_w: 80.0 });
        // 1,000 tabs: 12 shown; the strip stays put while the active tab is on it…
        assert_eq!(tab_strip(1000, 5, 0, 960.0, 8.0).first, 0);
        assert_eq!(tab_strip(1000, 11, 0, 960.0, 8.0).first, 0);
        assert_eq!(tab_strip(1000, 494, 490, 960.0, 8.0).first, 490);
        // …and scrolls just far enough when it leaves, either way, clamped at both ends.
        assert_eq!(tab_strip(1000, 12, 0, 960.0, 8.0).first, 1);
        assert_eq!(tab_strip(1000, 500, 0, 960.0, 8.0).first, 489);
        assert_eq!(tab_strip(1000, 3, 490, 960.0, 8.0).first, 3);
        assert_eq!(tab_strip(1000, 999, 0, 960.0, 8.0).first, 988);
        assert_eq!(tab_strip(20, 19, 999, 960.0, 8.0).first, 8);
        for active in [0, 1, 5, 6, 7, 500, 993, 994, 998, 999] {
            for first in [0, 6, 495, 999] {
                let s = tab_strip(1000, active, first, 960.0, 8.0);
                assert!((s.first..s.first + s.shown).contains(&active), "{active}: {s:?}");
                assert!(s.first + s.shown <= 1000);
            }
        }
        // A window narrower than one tab still shows the active one; none shows nothing.
        assert_eq!(tab_strip(5, 4, 0, 30.0, 8.0), TabStrip { first: 4, shown: 1, tab_w: 30.0 });
        assert_eq!(tab_strip(0, 0, 0, 960.0, 8.0).shown, 0);
        assert_eq!(tab_strip(5, 99, 0, 960.0, 8.0).shown, 5);
    }

    #[test]
    fn the_tab_bar_marks_the_sides_that_hide_tabs() {
        let t = term("x");
        let tabs = [("2: b".to_owned(), false), ("3: c".to_owned(), true)];
        // Two 40-pixel tabs of five 8-pixel cells in an 80-pixel bar.
        let with = |hidden: HiddenTabs| {
            let mut i = input(&t);
            i.layout.tab_bar = 20.0;
            i.layout.y0 = 22.0;
            i.layout.width = 80.0;
            i.tabs = &tabs;
            i.hidden_tabs = hidden;
            let mut s = Scene::default();
            build(&i, &mut s);
            s.glyphs
                .iter()
                .filter(|g| {
                    g.y < 20.0 && matches!(g.id, GlyphId::Char { c: '\u{2039}' | '\u{203A}', .. })
                })
                .map(|g| (g.id.clone(), g.x, g.color))
                .collect::<Vec<_>>()
        };
        assert!(with(HiddenTabs::default()).is_empty(), "every tab shown: no arrow");
        let fg = rgba(t.palette().0[COLOR_FOREGROUND]);
        let red = rgba(t.palette().0[1]);
        let both = with(HiddenTabs { before: 1, after: 7, bell_before: false, bell_after: true });
        let arrow = |c| GlyphId::for_char(c, Face { bold: true, italic: false }, false);
        // The left arrow in the first tab's first cell, the right one in the last tab's last
        // cell (32..40, after its label's cells 1..=3), red for the side where a tab rang.
        assert_eq!(both, vec![(arrow('\u{2039}'), 0.0, fg), (arrow('\u{203A}'), 72.0, red)]);
        let labels_end = 40.0 + 8.0 * 4.0;
        assert!(both[1].1 >= labels_end, "the arrow leaves the label's cells alone");
        let right = with(HiddenTabs { after: 1, ..HiddenTabs::default() });
        assert_eq!(right, vec![(arrow('\u{203A}'), 72.0, fg)], "only the side that hides tabs");
    }

    #[test]
    fn points_map_to_cells_clamped_to_the_grid_and_the_tab_bar_to_none() {
        // 2 px padding, a 20 px tab bar, 8 × 16 cells, 10 × 3 of them.
        let l = Layout {
            x0: 2.0,
            y0: 22.0,
            cell_w: 8.0,
            cell_h: 16.0,
            cols: 10,
            lines: 3,
            tab_bar: 20.0,
            width: 84.0,
        };
        assert_eq!(l.cell_at(2.0, 22.0), Some((0, 0)), "the first cell's corner");
        assert_eq!(l.cell_at(9.9, 37.9), Some((0, 0)), "still the first cell");
        assert_eq!(l.cell_at(10.0, 38.0), Some((1, 1)));
        assert_eq!(l.cell_at(81.0, 69.0), Some((9, 2)), "the last cell");
        assert_eq!(l.cell_at(500.0, 500.0), Some((9, 2)), "beyond the grid: the nearest cell");
        assert_eq!(l.cell_at(0.0, 21.0), Some((0, 0)), "the padding: the nearest cell");
        assert_eq!(l.cell_at(30.0, 10.0), None, "on the tab bar");
        let no_bar = Layout { y0: 2.0, tab_bar: 0.0, ..l };
        assert_eq!(no_bar.cell_at(30.0, 0.0), Some((3, 0)), "no tab bar: the top padding");
        assert_eq!(l.pixel_at(10.5, 40.0), (8, 18));
        assert_eq!(l.pixel_at(0.0, 0.0), (0, 0), "above and left of the cells: 0");
    }
}
