//! One terminal window: its winit window, GL target and renderer, fonts, the tabs it shows,
//! and per-tab view state (scrollback position, selection, search). Drawing happens here, on
//! demand: at most one frame per display refresh, held while a program is in a synchronized
//! update (mode 2026, up to 150 ms).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use winit::dpi::{PhysicalPosition, PhysicalSize};
use winit::window::Window;

use super::config::Config;
use super::scene::{self, Layout, Metrics, SceneInput, Span, rgba};
use crate::io::{self, TabId, TabShared};
use crate::render::fonts::Fonts;
use crate::render::gl::Gl;
use crate::render::surface::GlTarget;
use crate::render::{Renderer, Scene};
use crate::term::Term;
use crate::term::grid::RowFlags;
use crate::term::handler::{COLOR_BACKGROUND, COLOR_FOREGROUND};
use crate::term::modes::Modes;
use crate::term::style::Rgb;

/// How long a synchronized update may hold the frame.
const SYNC_TIMEOUT: Duration = Duration::from_millis(150);
/// Cursor blink half-period, and how long after the last key it keeps blinking.
pub const BLINK_INTERVAL: Duration = Duration::from_millis(530);
const BLINK_IDLE_STOP: Duration = Duration::from_secs(5);
const BELL_FLASH: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectionKind {
    Simple,
    Word,
    Line,
    Block,
}

/// A selection between two cells, rows numbered stably (`absolute + Grid::dropped`), so it
/// stays on its text while output scrolls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub kind: SelectionKind,
    pub anchor: (u64, usize),
    pub head: (u64, usize),
}

#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    /// Matches, stable rows.
    pub matches: Vec<(u64, usize, usize)>,
    pub current: usize,
}

pub struct TabView {
    pub id: TabId,
    pub shared: Arc<TabShared>,
    /// Lines scrolled back (0: following the output).
    pub display_offset: usize,
    pub selection: Option<Selection>,
    pub search: Option<Search>,
    pub title: String,
}

pub struct TermWindow {
    pub id: io::WindowId,
    // Field order is drop order: the renderer and the GL surface/context must go before the
    // X window they draw on (else GLXBadWindow).
    renderer: Option<Renderer>,
    target: GlTarget,
    pub window: Window,
    pub fonts: Fonts,
    pub tabs: Vec<TabView>,
    pub active: usize,
    scene: Scene,
    pub focused: bool,
    last_frame: Instant,
    /// A frame postponed until then (frame pacing or a synchronized update).
    pub redraw_at: Option<Instant>,
    sync_since: Option<Instant>,
    pub blink_on: bool,
    pub last_blink: Instant,
    pub last_input: Instant,
    pub bell_until: Option<Instant>,
    pub frames: u64,
    refresh: Duration,
    padding: f32,
    selection_color: crate::term::style::Rgb,
    /// The last geometry reported to the I/O thread.
    reported: Option<io::Geometry>,
    /// Text the input method is composing, drawn at the cursor until committed.
    pub preedit: Option<String>,
    /// Where the input method was last told the cursor is (pixels).
    ime_spot: Option<(i32, i32)>,
}

impl TermWindow {
    pub fn new(
        id: io::WindowId,
        window: Window,
        gl_config: &glutin::config::Config,
        fonts: Fonts,
        config: &Config,
    ) -> Result<TermWindow, String> {
        let target = GlTarget::new(&window, gl_config)?;
        let gl = Gl::new(target.loader());
        log::info!("window {}: {:?} {}", id.0, gl.api(), gl.describe());
        let renderer = Renderer::new(gl)?;
        let refresh = window
            .current_monitor()
            .and_then(|m| m.refresh_rate_millihertz())
            .filter(|&mhz| mhz >= 20_000)
            .map_or(Duration::from_micros(16_667), |mhz| {
                Duration::from_micros(1_000_000_000 / mhz as u64)
            });
        let now = Instant::now();
        Ok(TermWindow {
            id,
            padding: config.window.padding as f32 * window.scale_factor() as f32,
            window,
            target,
            renderer: Some(renderer),
            fonts,
            tabs: Vec::new(),
            active: 0,
            scene: Scene::default(),
            focused: true,
            last_frame: now - Duration::from_secs(1),
            redraw_at: None,
            sync_since: None,
            blink_on: true,
            last_blink: now,
            last_input: now,
            bell_until: None,
            frames: 0,
            refresh,
            selection_color: config.colors.selection.0,
            reported: None,
            preedit: None,
            ime_spot: None,
        })
    }

    pub fn active_tab(&self) -> Option<&TabView> {
        self.tabs.get(self.active)
    }

    pub fn active_tab_mut(&mut self) -> Option<&mut TabView> {
        self.tabs.get_mut(self.active)
    }

    pub fn set_padding(&mut self, padding: u16) {
        self.padding = padding as f32 * self.window.scale_factor() as f32;
    }

    fn tab_bar_height(&self) -> f32 {
        if self.tabs.len() > 1 { self.fonts.cell_height as f32 + 4.0 } else { 0.0 }
    }

    pub fn layout(&self) -> Layout {
        let size = self.window.inner_size();
        let (cw, ch) = (self.fonts.cell_width as f32, self.fonts.cell_height as f32);
        let tab_bar = self.tab_bar_height();
        let cols = ((size.width as f32 - 2.0 * self.padding) / cw).floor().max(1.0) as usize;
        let lines =
            ((size.height as f32 - 2.0 * self.padding - tab_bar) / ch).floor().max(1.0) as usize;
        Layout {
            x0: self.padding,
            y0: self.padding + tab_bar,
            cell_w: cw,
            cell_h: ch,
            cols,
            lines,
            tab_bar,
            width: size.width as f32,
        }
    }

    /// The window size (inner, physical) that holds `cols × lines` cells.
    pub fn size_for(&self, cols: usize, lines: usize) -> PhysicalSize<u32> {
        let w = cols as f32 * self.fonts.cell_width as f32 + 2.0 * self.padding;
        let h = lines as f32 * self.fonts.cell_height as f32
            + 2.0 * self.padding
            + self.tab_bar_height();
        PhysicalSize::new(w.ceil() as u32, h.ceil() as u32)
    }

    /// The cell under a point in the window (clamped to the grid), if over the cells.
    pub fn cell_at(&self, pos: PhysicalPosition<f64>) -> Option<(usize, usize)> {
        let l = self.layout();
        let x = (pos.x as f32 - l.x0) / l.cell_w;
        let y = (pos.y as f32 - l.y0) / l.cell_h;
        if y < -0.01 && l.tab_bar > 0.0 && (pos.y as f32) < l.tab_bar {
            return None;
        }
        Some((
            x.max(0.0).min((l.cols - 1) as f32) as usize,
            y.max(0.0).min((l.lines - 1) as f32) as usize,
        ))
    }

    /// Which tab of the tab bar a point is on.
    pub fn tab_at(&self, pos: PhysicalPosition<f64>) -> Option<usize> {
        let l = self.layout();
        if l.tab_bar <= 0.0 || pos.y as f32 >= l.tab_bar || self.tabs.is_empty() {
            return None;
        }
        let tab_w = (l.width / self.tabs.len() as f32).floor().max(1.0);
        Some(((pos.x as f32 / tab_w) as usize).min(self.tabs.len() - 1))
    }

    /// Resize every tab to what the window holds; report the geometry to the I/O thread.
    pub fn sync_size(&mut self, io: &io::IoSender) {
        let l = self.layout();
        for tab in &self.tabs {
            let (cols, lines) = {
                let term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                (term.cols(), term.lines())
            };
            if (cols, lines) != (l.cols, l.lines) {
                let _ = io.send(io::Command::Resize {
                    tab: tab.id,
                    cols: l.cols as u16,
                    lines: l.lines as u16,
                });
            }
        }
        self.report(io);
    }

    pub fn report(&mut self, io: &io::IoSender) {
        let l = self.layout();
        let size = self.window.inner_size();
        let x11_window = match raw_window_handle::HasWindowHandle::window_handle(&self.window)
            .map(|h| h.as_raw())
        {
            Ok(raw_window_handle::RawWindowHandle::Xlib(h)) => Some(h.window),
            Ok(raw_window_handle::RawWindowHandle::Xcb(h)) => Some(h.window.get() as u64),
            _ => None,
        };
        let geometry = io::Geometry {
            width: size.width,
            height: size.height,
            x0: l.x0,
            y0: l.y0,
            cell_width: l.cell_w,
            cell_height: l.cell_h,
            cols: l.cols,
            lines: l.lines,
            x11_window,
        };
        self.reported = Some(geometry);
        let _ = io.send(io::Command::WindowShown {
            window: self.id,
            geometry,
            active_tab: self.active_tab().map(|t| t.id),
        });
    }

    pub fn resized(&mut self, io: &io::IoSender) {
        self.target.resize(&self.window);
        self.sync_size(io);
        self.window.request_redraw();
    }

    /// New fonts (size change or scale factor): cached glyphs go, tabs are resized.
    pub fn set_fonts(&mut self, fonts: Fonts, io: &io::IoSender) {
        self.fonts = fonts;
        if self.target.make_current().is_ok()
            && let Some(r) = self.renderer.as_mut()
        {
            r.clear_glyphs();
        }
        self.sync_size(io);
        self.window.request_redraw();
    }

    pub fn update_title(&mut self) {
        let title = self
            .active_tab()
            .map(|t| if t.title.is_empty() { "uvterm".to_owned() } else { t.title.clone() })
            .unwrap_or_else(|| "uvterm".into());
        self.window.set_title(&title);
    }

    /// Draw now if allowed; otherwise remember when to.
    pub fn draw(&mut self) {
        let now = Instant::now();
        let next = self.last_frame + self.refresh;
        if now < next {
            self.redraw_at = Some(self.redraw_at.map_or(next, |t| t.min(next)));
            return;
        }
        self.redraw_at = None;
        let l = self.layout();
        let metrics = Metrics {
            underline_position: self.fonts.underline_position as f32,
            underline_thickness: self.fonts.underline_thickness as f32,
            strike_position: self.fonts.strike_position as f32,
        };
        let tabs: Vec<(String, bool)> = if self.tabs.len() > 1 {
            self.tabs.iter().enumerate().map(|(i, t)| (t.title.clone(), i == self.active)).collect()
        } else {
            Vec::new()
        };
        let flash = self.bell_until.is_some_and(|t| now < t);
        let cursor_on = self.blink_on || !self.focused;
        let Some(tab) = self.tabs.get(self.active) else { return };
        tab.shared.dirty.store(false, Ordering::Release);
        // The cursor's top-left corner and the default colours, for the input method.
        let mut ime = None;
        {
            let term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            if term.modes().contains(Modes::SYNC_OUTPUT) {
                let since = *self.sync_since.get_or_insert(now);
                if now < since + SYNC_TIMEOUT {
                    self.redraw_at = Some(since + SYNC_TIMEOUT);
                    return;
                }
            } else {
                self.sync_since = None;
            }
            let dropped = term.grid().dropped();
            let selection =
                tab.selection.map(|s| selection_spans(&term, &s, dropped)).unwrap_or_default();
            let search = tab
                .search
                .as_ref()
                .map(|s| {
                    s.matches
                        .iter()
                        .filter_map(|&(row, start, end)| {
                            let abs = row.checked_sub(dropped)? as usize;
                            Some(Span { row: abs, start, end })
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            let search_current = tab.search.as_ref().and_then(|s| {
                let &(row, start, end) = s.matches.get(s.current)?;
                Some(Span { row: row.checked_sub(dropped)? as usize, start, end })
            });
            let input = SceneInput {
                term: &term,
                layout: l,
                metrics,
                display_offset: tab.display_offset,
                focused: self.focused,
                cursor_on,
                selection: &selection,
                search: &search,
                search_current,
                selection_color: self.selection_color,
                tabs: &tabs,
                flash,
            };
            scene::build(&input, &mut self.scene);
            let p = term.cursor_point();
            if tab.display_offset == 0 && p.line.0 < l.lines && p.column.0 < l.cols {
                let palette = term.palette();
                ime = Some((
                    l.x0 + p.column.0 as f32 * l.cell_w,
                    l.y0 + p.line.0 as f32 * l.cell_h,
                    palette.0[COLOR_FOREGROUND],
                    palette.0[COLOR_BACKGROUND],
                ));
            }
        }
        if let Some(search) = &tab.search {
            let label = format!(
                "Search: {}  [{}/{}]",
                search.query,
                if search.matches.is_empty() { 0 } else { search.current + 1 },
                search.matches.len()
            );
            self.search_bar(&label, l);
        }
        if let Some((x, y, fg, bg)) = ime {
            if let Some(text) = self.preedit.clone() {
                self.preedit_overlay(&text, x, y, fg, bg, l);
            }
            let spot = (x as i32, y as i32);
            if self.ime_spot != Some(spot) {
                self.ime_spot = Some(spot);
                self.window.set_ime_cursor_area(
                    winit::dpi::PhysicalPosition::new(spot.0, spot.1),
                    winit::dpi::PhysicalSize::new(l.cell_w as u32, l.cell_h as u32),
                );
            }
        }
        if self.target.make_current().is_err() {
            return;
        }
        let size = self.window.inner_size();
        if let Some(r) = self.renderer.as_mut() {
            r.render(&mut self.fonts, &self.scene, size.width, size.height);
        }
        self.window.pre_present_notify();
        if let Err(e) = self.target.swap() {
            log::warn!("swap failed: {e}");
        }
        self.last_frame = Instant::now();
        self.frames += 1;
        crate::render::gl::frame_presented();
    }

    /// The input method's composition at the cursor, underlined, over whatever is there.
    fn preedit_overlay(&mut self, text: &str, x: f32, y: f32, fg: Rgb, bg: Rgb, l: Layout) {
        use unicode_width::UnicodeWidthChar;
        let cells: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
        let w = (cells as f32 * l.cell_w).min(l.x0 + l.cols as f32 * l.cell_w - x).max(0.0);
        self.scene.glyphs.retain(|g| g.y != y || g.x < x || g.x >= x + w);
        self.scene.backgrounds.push(crate::render::Rect { x, y, w, h: l.cell_h, color: rgba(bg) });
        let mut col = 0.0;
        for c in text.chars() {
            let width = c.width().unwrap_or(0) as f32;
            if width == 0.0 || x + (col + width) * l.cell_w > x + w + 0.5 {
                col += width;
                continue;
            }
            self.scene.glyphs.push(crate::render::GlyphDraw {
                id: crate::render::GlyphId::for_char(
                    c,
                    crate::render::fonts::Face { bold: false, italic: false },
                    width > 1.0,
                ),
                x: x + col * l.cell_w,
                y,
                color: rgba(fg),
            });
            col += width;
        }
        let thick = (l.cell_h / 16.0).round().max(1.0);
        self.scene.overlay.push(crate::render::Rect {
            x,
            y: y + l.cell_h - thick,
            w,
            h: thick,
            color: rgba(fg),
        });
    }

    /// The search bar on the last line: its background replaces that line's, and the text
    /// under it is not drawn.
    fn search_bar(&mut self, label: &str, l: Layout) {
        let y = l.y0 + (l.lines.saturating_sub(1)) as f32 * l.cell_h;
        self.scene.glyphs.retain(|g| g.y != y);
        self.scene.backgrounds.push(crate::render::Rect {
            x: 0.0,
            y,
            w: l.width,
            h: l.cell_h,
            color: [40, 40, 90, 255],
        });
        for (i, c) in label.chars().enumerate().take(l.cols) {
            if c == ' ' {
                continue;
            }
            self.scene.glyphs.push(crate::render::GlyphDraw {
                id: crate::render::GlyphId::for_char(
                    c,
                    crate::render::fonts::Face { bold: false, italic: false },
                    false,
                ),
                x: l.x0 + i as f32 * l.cell_w,
                y,
                color: [255, 255, 255, 255],
            });
        }
    }

    /// Advance the blink phase; true when a redraw is needed.
    pub fn tick_blink(&mut self, now: Instant, blinking: bool) -> bool {
        if !blinking || !self.focused || now.duration_since(self.last_input) > BLINK_IDLE_STOP {
            let changed = !self.blink_on;
            self.blink_on = true;
            return changed;
        }
        if now.duration_since(self.last_blink) >= BLINK_INTERVAL {
            self.blink_on = !self.blink_on;
            self.last_blink = now;
            return true;
        }
        false
    }

    /// When the next blink toggle is due, if blinking.
    pub fn next_blink(&self, blinking: bool) -> Option<Instant> {
        if !blinking || !self.focused || self.last_input.elapsed() > BLINK_IDLE_STOP {
            return None;
        }
        Some(self.last_blink + BLINK_INTERVAL)
    }

    pub fn ring_bell(&mut self) {
        self.bell_until = Some(Instant::now() + BELL_FLASH);
        self.window.request_redraw();
    }

    /// The framebuffer as RGBA (top row first), drawn fresh.
    pub fn capture(&mut self) -> Option<(u32, u32, Vec<u8>)> {
        self.last_frame = Instant::now() - Duration::from_secs(1);
        self.draw();
        if self.target.make_current().is_err() {
            return None;
        }
        let size = self.window.inner_size();
        let pixels = self.renderer.as_ref()?.read_pixels(size.width, size.height);
        Some((size.width, size.height, pixels))
    }

    /// Free the GL resources (with the context current) before the window goes.
    pub fn destroy(mut self) {
        if self.target.make_current().is_ok()
            && let Some(r) = self.renderer.take()
        {
            r.destroy();
        }
    }
}

/// The spans a selection covers, in absolute rows.
pub fn selection_spans(term: &Term, s: &Selection, dropped: u64) -> Vec<Span> {
    let cols = term.cols();
    let grid = term.grid();
    let total = grid.history_len() + grid.lines();
    let to_abs = |r: u64| r.checked_sub(dropped).map(|a| a as usize);
    let (mut a, mut b) = (s.anchor, s.head);
    if (b.0, b.1) < (a.0, a.1) {
        std::mem::swap(&mut a, &mut b);
    }
    let (Some(ar), Some(br)) = (to_abs(a.0), to_abs(b.0)) else { return Vec::new() };
    let br = br.min(total.saturating_sub(1));
    let mut out = Vec::new();
    match s.kind {
        SelectionKind::Block => {
            let (c0, c1) = (s.anchor.1.min(s.head.1), s.anchor.1.max(s.head.1));
            for row in ar..=br {
                out.push(Span { row, start: c0, end: c1 });
            }
        }
        SelectionKind::Line => {
            for row in ar..=br {
                out.push(Span { row, start: 0, end: cols - 1 });
            }
        }
        SelectionKind::Simple | SelectionKind::Word => {
            let (mut ar, mut br) = (ar, br);
            let (mut c0, mut c1) = (a.1, b.1);
            if s.kind == SelectionKind::Word {
                (ar, c0) = word_extent(term, ar, a.1).0;
                (br, c1) = word_extent(term, br, b.1).1;
            }
            for row in ar..=br {
                let start = if row == ar { c0 } else { 0 };
                let end = if row == br { c1 } else { cols - 1 };
                out.push(Span { row, start, end });
            }
        }
    }
    out
}

/// Characters that belong to a "word" for double-click selection (URLs and paths stay whole).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || "_-./~:@%+=?&#*$".contains(c)
}

fn cell_char(term: &Term, abs: usize, col: usize) -> char {
    // A wide character's right half belongs to its word.
    let row = term.grid().absolute_row(abs);
    if col > 0 && row.and_then(|r| r.cells().get(col)).is_some_and(|c| c.is_spacer()) {
        return cell_char(term, abs, col - 1);
    }
    term.grid()
        .absolute_row(abs)
        .and_then(|r| r.cells().get(col).copied())
        .and_then(|c| match c.content() {
            crate::term::cell::Content::Char(ch) => Some(ch),
            crate::term::cell::Content::Cluster(_) => Some('x'),
            crate::term::cell::Content::Empty => None,
        })
        .unwrap_or(' ')
}

/// The last column of a row that can hold text: the one before the padding a wrapped wide
/// character left in the last column (a leading spacer), else the last.
fn text_end(term: &Term, abs: usize) -> usize {
    let last = term.cols().saturating_sub(1);
    let padded = term
        .grid()
        .absolute_row(abs)
        .and_then(|r| r.cells().get(last).copied())
        .is_some_and(|c| c.is_leading_spacer());
    if padded { last.saturating_sub(1) } else { last }
}

/// The word around a cell, following soft wraps: its first and last (row, column).
pub fn word_extent(term: &Term, abs: usize, col: usize) -> ((usize, usize), (usize, usize)) {
    let grid = term.grid();
    let wrapped = |row: usize| grid.absolute_row(row).is_some_and(|r| r.is_wrapped());
    let (s, e) = word_bounds(term, abs, col);
    if !is_word_char(cell_char(term, abs, col)) {
        return ((abs, s), (abs, e));
    }
    let mut start = (abs, s);
    while start.1 == 0
        && start.0 > 0
        && wrapped(start.0 - 1)
        && is_word_char(cell_char(term, start.0 - 1, text_end(term, start.0 - 1)))
    {
        start = (start.0 - 1, word_bounds(term, start.0 - 1, text_end(term, start.0 - 1)).0);
    }
    let mut end = (abs, e);
    while end.1 == text_end(term, end.0)
        && wrapped(end.0)
        && is_word_char(cell_char(term, end.0 + 1, 0))
    {
        end = (end.0 + 1, word_bounds(term, end.0 + 1, 0).1);
    }
    (start, end)
}

/// The word around a cell within its row: `[start, end]` columns.
pub fn word_bounds(term: &Term, abs: usize, col: usize) -> (usize, usize) {
    let cols = term.cols();
    if !is_word_char(cell_char(term, abs, col)) {
        return (col, col);
    }
    let (mut s, mut e) = (col, col);
    while s > 0 && is_word_char(cell_char(term, abs, s - 1)) {
        s -= 1;
    }
    while e + 1 < cols && is_word_char(cell_char(term, abs, e + 1)) {
        e += 1;
    }
    (s, e)
}

/// The selected text: lines joined by `\n` (not where a line soft-wraps), trailing spaces cut.
pub fn selection_text(term: &Term, s: &Selection) -> String {
    let dropped = term.grid().dropped();
    let spans = selection_spans(term, s, dropped);
    let mut out = String::new();
    for (i, span) in spans.iter().enumerate() {
        let Some(row) = term.grid().absolute_row(span.row) else { continue };
        let mut line = String::new();
        for cell in row.cells().iter().take(span.end + 1).skip(span.start) {
            // A wide character's right half, and the padding a wide character that did not
            // fit left in the last column (a leading spacer): neither is in the output.
            if cell.is_spacer() || cell.is_leading_spacer() {
                continue;
            }
            match cell.content() {
                crate::term::cell::Content::Empty => line.push(' '),
                crate::term::cell::Content::Char(c) => line.push(c),
                crate::term::cell::Content::Cluster(id) => line.push_str(term.cluster(id)),
            }
        }
        let wrapped = row.flags().contains(RowFlags::WRAPPED) && s.kind != SelectionKind::Block;
        if wrapped && span.end + 1 >= row.cells().len() {
            out.push_str(&line);
        } else {
            out.push_str(line.trim_end());
            if i + 1 < spans.len() {
                out.push('\n');
            }
        }
    }
    out
}

/// Every case-insensitive occurrence of `query` in the history and screen: (stable row, start
/// column, end column). Wide characters count as their cells.
pub fn find_all(term: &Term, query: &str) -> Vec<(u64, usize, usize)> {
    let needle: Vec<char> = query.to_lowercase().chars().collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let grid = term.grid();
    let dropped = grid.dropped();
    let mut out = Vec::new();
    for (abs, row) in grid.all_rows().enumerate() {
        // (character, column) for the row.
        let chars: Vec<(char, usize)> = row
            .cells()
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_spacer() && !c.is_leading_spacer())
            .map(|(col, c)| {
                let ch = match c.content() {
                    crate::term::cell::Content::Char(ch) => ch.to_lowercase().next().unwrap_or(ch),
                    crate::term::cell::Content::Cluster(id) => {
                        term.cluster(id).chars().next().unwrap_or(' ')
                    }
                    crate::term::cell::Content::Empty => ' ',
                };
                (ch, col)
            })
            .collect();
        if chars.len() < needle.len() {
            continue;
        }
        for start in 0..=chars.len() - needle.len() {
            if chars[start..start + needle.len()].iter().map(|(c, _)| *c).eq(needle.iter().copied())
            {
                let end_cell = chars[start + needle.len() - 1].1;
                let end = if row.cells()[end_cell].is_wide() { end_cell + 1 } else { end_cell };
                out.push((abs as u64 + dropped, chars[start].1, end));
            }
        }
    }
    out
}

/// The absolute rows with a prompt mark (OSC 133 A), oldest first.
pub fn prompt_rows(term: &Term) -> Vec<usize> {
    term.grid()
        .all_rows()
        .enumerate()
        .filter(|(_, r)| r.flags().contains(RowFlags::PROMPT_START))
        .map(|(i, _)| i)
        .collect()
}

/// What a Ctrl+click may open: URLs detected in text start with one of these, and OSC 8
/// links must.
const URL_PREFIXES: [&str; 10] = [
    "https://",
    "http://",
    "file://",
    "ftp://",
    "sftp://",
    "ssh://",
    "git://",
    "gemini://",
    "gopher://",
    "mailto:",
];

fn openable(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    URL_PREFIXES.iter().any(|p| lower.starts_with(p)) && !uri.chars().any(char::is_control)
}

/// The link under a cell: its OSC 8 hyperlink, or a URL written in the text around it.
pub fn link_at(term: &Term, abs: usize, col: usize) -> Option<String> {
    let row = term.grid().absolute_row(abs)?;
    let cell = *row.cells().get(col)?;
    let style = term.style(cell.style());
    if let Some(link) = term.hyperlink(style.link) {
        // The program chose the target: hand only well-known schemes to the desktop.
        return openable(&link.uri).then(|| link.uri.to_string());
    }
    // A URL written in the text.
    let text: Vec<char> = (0..row.cells().len()).map(|c| cell_char(term, abs, c)).collect();
    let is_url_char = |c: char| !c.is_whitespace() && !"<>\"'`|".contains(c);
    let (mut s, mut e) = (col, col);
    if !is_url_char(text[col]) {
        return None;
    }
    while s > 0 && is_url_char(text[s - 1]) {
        s -= 1;
    }
    while e + 1 < text.len() && is_url_char(text[e + 1]) {
        e += 1;
    }
    let word: String = text[s..=e].iter().collect();
    let start = URL_PREFIXES.iter().filter_map(|p| word.find(p)).min()?;
    let url = word[start..].trim_end_matches(['.', ',', ')', ']', ';', ':', '!', '?']);
    (start + s <= col && url.len() > 8).then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::TermConfig;
    use crate::term::parser::Parser;

    fn term(bytes: &str, cols: usize, lines: usize) -> Term {
        let mut t = Term::new(cols, lines, TermConfig::default());
        t.advance(&mut Parser::new(), bytes.as_bytes());
        t
    }

    #[test]
    fn selection_text_joins_wrapped_lines_and_trims() {
        let t = term("hello wonderful world\r\nsecond   \r\n", 10, 5);
        let s = Selection { kind: SelectionKind::Simple, anchor: (0, 0), head: (3, 5) };
        assert_eq!(selection_text(&t, &s), "hello wonderful world\nsecond");
        let w = Selection { kind: SelectionKind::Word, anchor: (1, 2), head: (1, 2) };
        assert_eq!(selection_text(&t, &w), "wonderful", "a word across a soft wrap");
        let b = Selection { kind: SelectionKind::Block, anchor: (0, 1), head: (1, 3) };
        assert_eq!(selection_text(&t, &b), "ell\nrfu");
        let l = Selection { kind: SelectionKind::Line, anchor: (3, 2), head: (3, 2) };
        assert_eq!(selection_text(&t, &l), "second");
    }

    /// 79 `a` then `中文z` in 80 columns: `中` does not fit in the last column, which keeps a
    /// padding cell (a leading spacer) and wraps. The padding is not text: xterm copies the
    /// line without it, whatever the selection's kind, and words run across it.
    #[test]
    fn the_padding_a_wide_character_leaves_at_a_wrap_is_not_copied() {
        let a79 = "a".repeat(79);
        let mut t = term(&format!("{a79}中文z\r\nnext"), 80, 4);
        assert!(t.grid().absolute_row(0).unwrap().cells()[79].is_leading_spacer());
        let whole = format!("{a79}中文z");
        let s = Selection { kind: SelectionKind::Simple, anchor: (0, 0), head: (1, 4) };
        assert_eq!(selection_text(&t, &s), whole);
        let w = Selection { kind: SelectionKind::Word, anchor: (0, 3), head: (0, 3) };
        assert_eq!(selection_text(&t, &w), whole, "a word runs across the padding");
        let b = Selection { kind: SelectionKind::Block, anchor: (0, 0), head: (1, 79) };
        assert_eq!(selection_text(&t, &b), format!("{a79}\n中文z"), "a block: rows, no padding");
        assert_eq!(find_all(&t, "a 中").len(), 0, "search does not see the padding either");
        // Reflow joins the row without the padding, and splits it again with a new one.
        let row_of_a = |t: &Term| {
            let lines: Vec<String> = t.text(true).lines().map(str::to_owned).collect();
            let r = lines.iter().position(|l| l.starts_with("aaa")).unwrap_or(0);
            (r as u64 + t.grid().dropped(), r)
        };
        t.resize(100, 4);
        let (r, _) = row_of_a(&t);
        let s = Selection { kind: SelectionKind::Simple, anchor: (r, 0), head: (r, 99) };
        assert_eq!(selection_text(&t, &s), whole, "reflowed wider");
        t.resize(80, 4);
        let (r, abs) = row_of_a(&t);
        assert!(t.grid().absolute_row(abs).unwrap().cells()[79].is_leading_spacer());
        let s = Selection { kind: SelectionKind::Simple, anchor: (r, 0), head: (r + 1, 4) };
        assert_eq!(selection_text(&t, &s), whole, "reflowed back");
    }

    #[test]
    fn selection_survives_scrolling_output() {
        let mut t = Term::new(10, 3, TermConfig { scrollback_lines: 2, ..TermConfig::default() });
        let mut p = Parser::new();
        t.advance(&mut p, b"keep me\r\n");
        let dropped = t.grid().dropped();
        let s = Selection { kind: SelectionKind::Simple, anchor: (dropped, 0), head: (dropped, 6) };
        t.advance(&mut p, b"a\r\nb\r\nc\r\n");
        assert_eq!(selection_text(&t, &s), "keep me", "still on its text after scrolling");
        t.advance(&mut p, b"d\r\ne\r\nf\r\n");
        assert_eq!(selection_text(&t, &s), "", "its text left the history");
    }

    #[test]
    fn search_finds_in_history_and_screen() {
        let t = term("Needle one\r\nhay\r\nneedle two\r\n", 20, 2);
        let hits = find_all(&t, "NEEDLE");
        assert_eq!(hits.len(), 2);
        assert_eq!((hits[0].1, hits[0].2), (0, 5));
    }

    #[test]
    fn links_and_urls() {
        let t = term(
            "see https://example.com/a_b). \x1b]8;;http://x.org/\x1b\\link\x1b]8;;\x1b\\",
            60,
            2,
        );
        assert_eq!(link_at(&t, 0, 10).as_deref(), Some("https://example.com/a_b"));
        assert_eq!(link_at(&t, 0, 1), None);
        assert_eq!(link_at(&t, 0, 31).as_deref(), Some("http://x.org/"));
        let odd = term("\x1b]8;;javascript:alert(1)\x1b\\click\x1b]8;;\x1b\\", 20, 1);
        assert_eq!(link_at(&odd, 0, 1), None, "unknown schemes are not opened");
    }
}
