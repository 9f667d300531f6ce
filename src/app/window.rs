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
use crate::term::handler::{COLOR_BACKGROUND, COLOR_FOREGROUND};
use crate::term::modes::Modes;
pub use crate::term::search::{Search, find_all, link_at, prompt_rows};
pub use crate::term::selection::{
    Selection, SelectionKind, selection_spans, selection_text, word_bounds, word_extent,
};
use crate::term::style::Rgb;

/// How long a synchronized update may hold the frame.
const SYNC_TIMEOUT: Duration = Duration::from_millis(150);
/// Cursor blink half-period, and how long after the last key it keeps blinking.
pub const BLINK_INTERVAL: Duration = Duration::from_millis(530);
const BLINK_IDLE_STOP: Duration = Duration::from_secs(5);
const BELL_FLASH: Duration = Duration::from_millis(100);

pub struct TabView {
    pub id: TabId,
    pub shared: Arc<TabShared>,
    /// Lines scrolled back (0: following the output).
    pub display_offset: usize,
    pub selection: Option<Selection>,
    pub search: Option<Search>,
    pub title: String,
}

/// The largest window side (pixels) a program's resize request can produce: within what
/// every GL driver allocates (Mesa failed near 24000).
pub const MAX_PROGRAM_WINDOW_PX: u32 = 8192;

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
    /// Frames are presented by copying the redrawn rectangle, never swapped.
    present_region: bool,
    /// Text the input method is composing, drawn at the cursor until committed.
    pub preedit: Option<String>,
    /// Where the input method was last told the cursor is (pixels).
    ime_spot: Option<(i32, i32)>,
    /// The resource overlay, when open (Ctrl+Shift+M).
    pub overlay: Option<super::overlay::Overlay>,
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
        let mut renderer = Renderer::new(gl)?;
        // A software rasterizer (llvmpipe under Xvfb or without a GPU) presents by copying
        // pixels to the X server: there, send only the damaged rectangle (ARCHITECTURE.md,
        // "Frames"). A GPU keeps swapping (page flips, vsync).
        let software =
            ["llvmpipe", "softpipe", "swrast"].iter().any(|s| renderer.gl().describe().contains(s));
        let present_region = software && renderer.tracks_damage() && target.can_present_region();
        if present_region {
            renderer.keep_back_buffer();
        }
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
            present_region,
            preedit: None,
            ime_spot: None,
            overlay: None,
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

    /// `size` limited to [`MAX_PROGRAM_WINDOW_PX`] a side: a program must not be able to ask
    /// for a surface the X server or the GL driver cannot allocate (XTWINOPS 4 with
    /// 30000×30000 pixels ended the X connection under Mesa). Not the monitor's size: DECCOLM's
    /// 132 columns must fit on a small screen too, as in xterm.
    pub fn clamp_program_size(&self, size: PhysicalSize<u32>) -> PhysicalSize<u32> {
        PhysicalSize::new(
            size.width.clamp(1, MAX_PROGRAM_WINDOW_PX),
            size.height.clamp(1, MAX_PROGRAM_WINDOW_PX),
        )
    }

    /// The cell under a point in the window (clamped to the grid), if over the cells
    /// ([`Layout::cell_at`]).
    pub fn cell_at(&self, pos: PhysicalPosition<f64>) -> Option<(usize, usize)> {
        self.layout().cell_at(pos.x, pos.y)
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
        // XTWINOPS 13 reports these (xterm: the window's and the text area's origin on the
        // root window). Without a window manager the two corners coincide but for padding.
        let position = self.window.outer_position().map_or((0, 0), |p| (p.x, p.y));
        let inner = self.window.inner_position().map_or(position, |p| (p.x, p.y));
        let text_position = (inner.0 + l.x0.round() as i32, inner.1 + l.y0.round() as i32);
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
            position,
            text_position,
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
                        .filter_map(|m| {
                            let abs = m.row.0.checked_sub(dropped)? as usize;
                            Some(Span { row: abs, start: m.start, end: m.end })
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            let search_current = tab.search.as_ref().and_then(|s| {
                let m = s.matches.get(s.current)?;
                Some(Span {
                    row: m.row.0.checked_sub(dropped)? as usize,
                    start: m.start,
                    end: m.end,
                })
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
                overlay: self.overlay.as_ref().map_or(&[], |o| &o.lines),
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
        crate::trace::latency("scene built");
        if self.target.make_current().is_err() {
            return;
        }
        let size = self.window.inner_size();
        if let Some(r) = self.renderer.as_mut() {
            r.render(&mut self.fonts, &self.scene, size.width, size.height);
        }
        crate::trace::latency("frame rendered");
        if let Some(r) = self.renderer.as_ref() {
            log::debug!("frame {}: redrew {:?}", self.frames, r.last_redrawn());
        }
        self.window.pre_present_notify();
        let redrawn = self.renderer.as_ref().map(|r| r.last_changed());
        let (w, h) = (size.width as i32, size.height as i32);
        let presented = match redrawn {
            // Nothing changed (an expose, say): the whole kept frame again.
            Some(rect) if self.present_region => {
                self.target.present_region(rect.unwrap_or([0, 0, w, h]), w, h)
            }
            _ => self.target.swap().map(|()| true),
        };
        match presented {
            // The back buffer lost the frame it kept: the next one is drawn whole.
            Ok(false) if self.present_region => {
                if let Some(r) = self.renderer.as_mut() {
                    r.back_buffer_lost();
                }
            }
            Ok(_) => (),
            Err(e) => log::warn!("presenting a frame failed: {e}"),
        }
        crate::trace::latency("swapped");
        if self.frames == 0 {
            crate::trace::start("first frame swapped");
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
        self.scene.clear_text(y, x, x + w);
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
        self.scene.clear_text(y, f32::MIN, f32::MAX);
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

    /// Give back the renderer's kept frame (the window is not seen): GPU memory the size of
    /// the window, remade by the next frame.
    pub fn release_frame(&mut self) {
        if self.target.make_current().is_ok()
            && let Some(r) = self.renderer.as_mut()
        {
            r.release_frame();
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
}

/// A window gives its GL objects and context back however it goes: closed by the I/O thread,
/// dropped on a failed start, or at exit — before its first frame or after many, shown or
/// hidden. The objects are deleted with the context current; if it cannot be made current,
/// they are released with the context (counted in `render::gl::orphaned_objects`). Then
/// [`GlTarget`]'s drop releases and destroys the context, and the X/Wayland window goes last.
impl TermWindow {
    /// What this window's GL context holds now (objects and estimated GPU bytes).
    pub fn gpu_figures(&self) -> io::WindowGpu {
        self.renderer.as_ref().map_or_else(io::WindowGpu::default, |r| io::WindowGpu {
            gl_objects: r.gl().live_objects(),
            gpu_bytes_estimate: r.gl().gpu_bytes() as u64,
        })
    }
}

impl Drop for TermWindow {
    fn drop(&mut self) {
        let Some(renderer) = self.renderer.take() else { return };
        match self.target.make_current() {
            Ok(()) => renderer.destroy(),
            Err(e) => {
                log::warn!(
                    "window {}: cannot make its GL context current to close: {e}",
                    self.id.0
                );
                drop(renderer);
            }
        }
    }
}
