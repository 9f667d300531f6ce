//! One terminal window: its winit window, GL target and renderer, fonts, the tabs it shows
//! (each a tree of panes, [`super::panes`]), and per-pane view state (scrollback position,
//! selection, search, title). Drawing happens here, on demand: at most one frame per display
//! refresh (per two while output floods), held while a program is in a synchronized update
//! (mode 2026, up to 150 ms). Each
//! visible pane is drawn into one scene at its rectangle (ARCHITECTURE.md, "Panes").

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use winit::dpi::{PhysicalPosition, PhysicalSize};
use winit::window::Window;

use super::config::Config;
use super::panes::{CellMetrics, PaneLayout, PanePlace, PaneTree, PxRect};
use super::scene::{self, Layout, Metrics, SceneInput, rgba};
use crate::io::{self, TabId, TabShared};
use crate::render::fonts::Fonts;
use crate::render::gl::Gl;
use crate::render::surface::GlTarget;
use crate::render::{Renderer, Scene};
use crate::term::handler::{COLOR_BACKGROUND, COLOR_FOREGROUND};
use crate::term::modes::Modes;
pub use crate::term::search::{Link, Search, find_all, link_under, prompt_rows};
pub use crate::term::selection::{
    Selection, SelectionKind, first_screen_row, selection_fingerprint, selection_spans,
    selection_text, selection_text_changed, word_bounds, word_extent,
};
use crate::term::style::Rgb;

/// How long a synchronized update may hold the frame.
const SYNC_TIMEOUT: Duration = Duration::from_millis(150);
/// While output floods (each frame a wholly new screen, so no line stays long enough to be
/// read or to scroll smoothly), frames come at this fraction of the display's rate: the CPU a
/// frame costs (all of it, with a software rasterizer) goes to parsing instead. The last
/// screen is always drawn: a frame postponed is never dropped.
const FLOOD_FRAME_DIVISOR: u32 = 2;
/// Input this recent paces frames at the full rate even during a flood.
const FLOOD_INPUT_GRACE: Duration = Duration::from_millis(250);

/// How long after the window resized a tab's panes their output counts as the programs'
/// repaint (a shell redrawing its prompt on SIGWINCH), not as activity to mark: opening the
/// second tab shows the tab bar, which resizes the first, and that tab was not marked for it.
pub const REPAINT_GRACE: Duration = Duration::from_millis(500);

/// Whether output scrolled at least a screen of `lines` between two frames, given the lines
/// that had left the screen by each (`before`, `now`: history plus lines dropped from it): the
/// new frame then shares no line with the last.
fn scrolled_a_screen(before: u64, now: u64, lines: usize) -> bool {
    now.saturating_sub(before) >= lines as u64
}

/// The least time from one frame to the next: the display's `refresh` period, or
/// [`FLOOD_FRAME_DIVISOR`] of them while the last frame showed a wholly new screen
/// (`flooding`) and no key came for [`FLOOD_INPUT_GRACE`] (`since_input`): typing shows at the
/// display's pace even while output floods (Ctrl+C's echo).
fn frame_period(refresh: Duration, flooding: bool, since_input: Duration) -> Duration {
    if flooding && since_input > FLOOD_INPUT_GRACE {
        refresh * FLOOD_FRAME_DIVISOR
    } else {
        refresh
    }
}

/// Cursor blink half-period, and how long after the last key it keeps blinking.
pub const BLINK_INTERVAL: Duration = Duration::from_millis(530);
const BLINK_IDLE_STOP: Duration = Duration::from_secs(5);
const BELL_FLASH: Duration = Duration::from_millis(100);
/// The line between two panes (premultiplied RGBA).
const DIVIDER_COLOR: [u8; 4] = [0x60, 0x60, 0x60, 255];
/// The configuration error banner's background (RGBA).
pub const BANNER_BACKGROUND: [u8; 4] = [0xb0, 0x20, 0x20, 255];

/// One pane's view: the terminal it shows and what the user did to its view. (Named for the
/// tab it was before panes: a tab of one pane has one.)
pub struct TabView {
    /// The pane's id (for a tab's first pane, the tab's id).
    pub id: TabId,
    pub shared: Arc<TabShared>,
    /// Lines scrolled back (0: following the output).
    pub display_offset: usize,
    /// The pane's history position when it was last drawn (history length plus the rows
    /// dropped off its front) and whether it was scrolled back then: lines that arrive while
    /// scrolled back push `display_offset` up by as many, so the view stays on the same
    /// text, as in xterm, Alacritty and kitty ([`keep_view`]).
    pub seen: (u64, bool),
    pub selection: Option<Selection>,
    /// The selection as the last frame saw it, and the screen it was on: output that rewrites
    /// its text, a switch between the screens or a new width clears the selection.
    pub selection_seen: Option<SelectionSeen>,
    pub search: Option<Search>,
    pub title: String,
    /// `Some(status)` once its program exited and the pane is held open (`panes.hold_exited`):
    /// the I/O thread has freed its PTY and forgotten its id; the view keeps the last screen
    /// (its `shared`) and a notice until the user dismisses it. `status` is the exit code,
    /// `None` when the program was killed by a signal or its status is unknown.
    pub exited: Option<Option<i32>>,
}

/// A selection as a frame saw it ([`forget_rewritten_selection`]).
#[derive(Debug, Clone)]
pub struct SelectionSeen {
    selection: Selection,
    /// On the alternate screen.
    alt: bool,
    /// The terminal's width in columns.
    cols: usize,
    /// The stable row of the screen's first line ([`first_screen_row`]).
    first_screen: u64,
    /// What its cells from `first_screen` on held ([`selection_fingerprint`]).
    cells: Vec<(u64, u64)>,
}

/// Clear `pane`'s selection when, since the last frame, output rewrote its text on the screen
/// (xterm gives the selection up when a write touches it; Alacritty and kitty clear it too),
/// the program switched screens (its rows then hold the other screen's text; Alacritty clears
/// it too) or the width changed (a reflow moves the text under it; Alacritty clears it when the
/// columns change); else remember what it holds now. A selection that itself changed (a drag)
/// is only remembered.
fn forget_rewritten_selection(pane: &mut TabView, term: &crate::term::Term) {
    let Some(selection) = pane.selection else {
        pane.selection_seen = None;
        return;
    };
    let dropped = term.grid().dropped();
    let first_screen = first_screen_row(term);
    // Compare from where the screen began at the last frame: a selected screen row that
    // output rewrote and scrolled into the history since is still compared.
    let seen = pane.selection_seen.as_ref().filter(|seen| seen.selection == selection);
    let from = seen.map_or(first_screen, |seen| seen.first_screen.min(first_screen));
    let spans = selection_spans(term, &selection, dropped);
    let now = SelectionSeen {
        selection,
        alt: term.is_alt_screen(),
        cols: term.cols(),
        first_screen,
        cells: selection_fingerprint(term, &spans, dropped, from),
    };
    let stale = seen.is_some_and(|seen| {
        seen.alt != now.alt
            || seen.cols != now.cols
            || selection_text_changed(&seen.cells, &now.cells)
    });
    if stale {
        pane.selection = None;
        pane.selection_seen = None;
    } else {
        pane.selection_seen = Some(now);
    }
}

/// The link on screen line `line`, column `col` of a view scrolled back `display_offset`
/// lines ([`link_under`]), if the cell is on the grid.
pub fn hovered_link(
    term: &crate::term::Term,
    display_offset: usize,
    line: usize,
    col: usize,
) -> Option<Link> {
    if line >= term.lines() || col >= term.cols() {
        return None;
    }
    link_under(term, super::mouse::view_row(term, display_offset, line), col)
}

/// The scroll-back offset that keeps a scrolled-back view on the same lines: `offset` plus the
/// lines that went into the history since the last frame (`total` against `seen`, each the
/// history length plus the rows dropped off its front), capped at the history's length.
/// Applies only when the view was scrolled back at that frame too: a view that follows the
/// output (offset 0) keeps following it, and an offset the user just chose is taken as is.
pub fn keep_view(offset: usize, seen: (u64, bool), total: u64, history: usize) -> usize {
    let (before, was_back) = seen;
    if offset == 0 || !was_back {
        return offset.min(history);
    }
    let grown = usize::try_from(total.saturating_sub(before)).unwrap_or(usize::MAX);
    offset.saturating_add(grown).min(history)
}

impl TabView {
    /// Whether the pane's program runs: it takes input and is sized and reported.
    pub fn live(&self) -> bool {
        self.exited.is_none()
    }

    /// The notice a held pane shows on its last line.
    pub fn exit_notice(&self) -> Option<String> {
        self.exited.map(|status| match status {
            Some(s) => format!("[process exited with status {s} - Enter closes]"),
            None => "[process exited - Enter closes]".to_owned(),
        })
    }
}

/// One tab: its panes, their layout tree and which one has the keyboard.
pub struct TabGroup {
    /// The tab's id (its first pane's, kept after that pane closes).
    pub id: TabId,
    pub tree: PaneTree,
    /// Every pane of the tree (in the order they opened).
    pub panes: Vec<TabView>,
    /// The pane with the keyboard focus (always one of `panes`).
    pub focused: TabId,
    /// The pane layout last reported to the I/O thread (focused, zoomed, geometry).
    reported: Option<(TabId, bool, Vec<io::PaneGeometry>)>,
    /// A bell rang in one of its panes while the tab was not shown (a mark in the tab bar
    /// until it is).
    pub bell: bool,
    /// Output arrived in one of its panes while the tab was not shown (a mark in the tab
    /// bar until it is).
    pub activity: bool,
    /// When the window last resized one of its panes (see [`REPAINT_GRACE`]).
    resized_at: Option<Instant>,
    /// Output came while hidden within [`REPAINT_GRACE`] of a resize and was not marked; at
    /// this time the panes' `dirty` flags are cleared, so that output still coming then (no
    /// repaint any more) sends an event and marks the tab ([`TabGroup::rearm_due`]).
    rearm_at: Option<Instant>,
}

impl TabGroup {
    /// The window stopped showing this tab. Output its panes got after the last frame that
    /// showed them was never seen (their `dirty` flags are still set): it marks the tab. The
    /// flags are cleared, so that the next output, which sends no event while a flag is set,
    /// marks it too.
    pub fn no_longer_shown(&mut self, now: Instant) {
        let mut unseen = false;
        for pane in &self.panes {
            unseen |= pane.shared.dirty.swap(false, Ordering::AcqRel);
        }
        if unseen {
            self.hidden_output(now);
        }
    }

    /// Output arrived in a pane of this tab while it is not shown: mark it, unless the
    /// output came within [`REPAINT_GRACE`] of a resize (then look again once it is over).
    /// True when the mark is new (the tab bar needs drawing).
    pub fn hidden_output(&mut self, now: Instant) -> bool {
        if self.activity {
            return false;
        }
        if let Some(end) = self.resized_at.map(|t| t + REPAINT_GRACE).filter(|&end| now < end) {
            self.rearm_at = Some(end);
            return false;
        }
        self.activity = true;
        true
    }

    /// When [`TabGroup::rearm_due`] has work to do, if ever.
    pub fn rearm_at(&self) -> Option<Instant> {
        self.rearm_at
    }

    /// The repaint grace that held back a mark is over: clear the panes' `dirty` flags, so
    /// that the next output sends an event (and marks the tab if it is still hidden).
    pub fn rearm_due(&mut self, now: Instant) {
        if self.rearm_at.is_some_and(|t| t <= now) {
            self.rearm_at = None;
            for pane in &self.panes {
                pane.shared.dirty.store(false, Ordering::Release);
            }
        }
    }

    /// A tab of one pane.
    pub fn new(id: TabId, pane: TabView) -> TabGroup {
        TabGroup {
            id,
            tree: PaneTree::new(pane.id),
            focused: pane.id,
            panes: vec![pane],
            reported: None,
            bell: false,
            activity: false,
            resized_at: None,
            rearm_at: None,
        }
    }

    pub fn pane(&self, id: TabId) -> Option<&TabView> {
        self.panes.iter().find(|p| p.id == id)
    }

    pub fn pane_mut(&mut self, id: TabId) -> Option<&mut TabView> {
        self.panes.iter_mut().find(|p| p.id == id)
    }

    pub fn focused_pane(&self) -> Option<&TabView> {
        self.pane(self.focused).or_else(|| self.panes.first())
    }

    /// Whether some pane of the tab still runs its program.
    pub fn has_live_pane(&self) -> bool {
        self.panes.iter().any(TabView::live)
    }

    /// The pane requests about "the focused pane" name to the I/O thread (a split, the
    /// directory a new tab inherits): the focused pane while it runs, else (it is
    /// held) the tab's first running pane; the tab's id, which the I/O thread resolves to its
    /// focused pane, when none runs.
    pub fn live_target(&self) -> TabId {
        self.pane(self.focused)
            .filter(|p| p.live())
            .or_else(|| self.panes.iter().find(|p| p.live()))
            .map_or(self.id, |p| p.id)
    }

    /// Take pane `id` out of the tree and the views (its neighbour takes its space and, if it
    /// had the keyboard, the focus) and give back its terminal's memory. Returns whether it
    /// was there. Nothing is asked of the I/O thread: this is for a pane it already closed.
    pub fn remove_pane(&mut self, id: TabId) -> bool {
        use super::panes::Removed;
        if let Removed::Removed { neighbour } = self.tree.remove(id)
            && self.focused == id
        {
            self.focused = neighbour;
        }
        let Some(i) = self.panes.iter().position(|p| p.id == id) else { return false };
        io::release_tab(self.panes.remove(i).shared);
        if self.pane(self.focused).is_none()
            && let Some(first) = self.panes.first()
        {
            self.focused = first.id;
        }
        true
    }

    /// The title the tab bar and the window show: the focused pane's.
    pub fn title(&self) -> &str {
        self.focused_pane().map_or("", |p| p.title.as_str())
    }
}

/// The tab bar's marks before a background tab's title: a bell rang, output arrived.
pub const BELL_MARK: &str = "! ";
pub const ACTIVITY_MARK: &str = "\u{2022} ";

/// A tab's title in the tab bar, after its mark: [`BELL_MARK`] when a bell rang while it was
/// not shown, else [`ACTIVITY_MARK`] when output arrived meanwhile.
pub fn tab_label(title: &str, bell: bool, activity: bool) -> String {
    let mark = if bell {
        BELL_MARK
    } else if activity {
        ACTIVITY_MARK
    } else {
        ""
    };
    format!("{mark}{title}")
}

/// `rect` without the part that lies in the band of box `cut` (x, y, width, height in pixels)
/// when it overlaps that box: the part above and the part below the box's lines.
fn cut_row(rect: crate::render::Rect, cut: Option<[f32; 4]>) -> Vec<crate::render::Rect> {
    let Some([left, top, width, height]) = cut else { return vec![rect] };
    let bottom = top + height;
    let apart = rect.x >= left + width || rect.x + rect.w <= left;
    if apart || rect.y >= bottom || rect.y + rect.h <= top {
        return vec![rect];
    }
    let mut parts = Vec::with_capacity(2);
    if rect.y < top {
        parts.push(crate::render::Rect { h: top - rect.y, ..rect });
    }
    if rect.y + rect.h > bottom {
        parts.push(crate::render::Rect { y: bottom, h: rect.y + rect.h - bottom, ..rect });
    }
    parts
}

/// The largest window side (pixels) uvterm asks the window system for, from a program's
/// resize request or from the configured size: within what every GL driver allocates (Mesa
/// failed near 24000; llvmpipe draws nothing past 16384) and what X11 can describe (winit
/// panics past 65535).
pub const MAX_WINDOW_PX: u32 = 8192;

/// `size` limited to [`MAX_WINDOW_PX`] a side (and at least 1): a program must not be able to
/// ask for a surface the X server or the GL driver cannot allocate (XTWINOPS 4 with
/// 30000×30000 pixels ended the X connection under Mesa), nor a configuration for a window
/// that stays black. Not the monitor's size: DECCOLM's 132 columns must fit on a small screen
/// too, as in xterm.
pub fn clamp_window_size(size: PhysicalSize<u32>) -> PhysicalSize<u32> {
    PhysicalSize::new(size.width.clamp(1, MAX_WINDOW_PX), size.height.clamp(1, MAX_WINDOW_PX))
}

pub struct TermWindow {
    pub id: io::WindowId,
    // Field order is drop order: the renderer and the GL surface/context must go before the
    // X window they draw on (else GLXBadWindow).
    renderer: Option<Renderer>,
    target: GlTarget,
    pub window: Window,
    pub fonts: Fonts,
    /// The tabs, in tab bar order.
    pub tabs: Vec<TabGroup>,
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
    /// The pane that rang the bell (its rectangle flashes; none: the whole window).
    pub bell_pane: Option<TabId>,
    pub frames: u64,
    refresh: Duration,
    /// The last frame showed a wholly new screen in every visible pane (output scrolled at
    /// least a screen's height since the frame before): a flood, paced at
    /// [`FLOOD_FRAME_DIVISOR`] times the refresh period.
    flooding: bool,
    /// The tab the last frame showed ([`TermWindow::draw`] marks it when it is left with
    /// output not yet drawn).
    shown_tab: Option<TabId>,
    /// The pane and cell (screen line, column) the pointer is over while no button is held:
    /// the link there is drawn underlined (found again each frame, so it follows output).
    pub hover: Option<(TabId, usize, usize)>,
    /// The link the last frame underlined, or the pointer found since (its pane and cells).
    pub hover_link: Option<(TabId, Link)>,
    padding: f32,
    selection_color: crate::term::style::Rgb,
    /// `panes.dim_unfocused` (0..=1).
    dim_unfocused: f32,
    /// `panes.divider`, scaled (pixels).
    divider: f32,
    /// `panes.divider` as configured (logical pixels).
    divider_logical: u16,
    /// The last geometry reported to the I/O thread.
    reported: Option<io::Geometry>,
    /// Frames are presented by copying the redrawn rectangle, never swapped.
    present_region: bool,
    /// The window is larger than the driver draws and that was logged (see `draw`).
    too_large_warned: bool,
    /// Text the input method is composing, drawn at the cursor until committed.
    pub preedit: Option<String>,
    /// Where the input method was last told the cursor is (pixels).
    ime_spot: Option<(i32, i32)>,
    /// The resource overlay, when open (Ctrl+Shift+M).
    pub overlay: Option<super::overlay::Overlay>,
    /// The in-window prompt (close? / tab name), when open: it takes every key.
    pub prompt: Option<super::confirm::Prompt>,
    /// A configuration that was not applied: its first problem, on the top line.
    pub banner: Option<String>,
    /// Opacity of the default background (`window.opacity`, 0-1).
    opacity: f32,
    /// The first tab the tab bar showed last ([`scene::tab_strip`]): the strip scrolls only
    /// when the active tab leaves it, so a clicked tab stays under the pointer.
    tab_first: usize,
    /// The window's inner size as last asked of the window system, until something may
    /// have changed it ([`TermWindow::forget_size`]). On X11 every `Window::inner_size` is a
    /// round trip to the server (GetGeometry), and a frame needs the size several times:
    /// ~70 µs of each echo's frame went to them.
    size: std::cell::Cell<Option<PhysicalSize<u32>>>,
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
        let divider = (config.panes.divider as f32 * window.scale_factor() as f32).round().max(1.0);
        Ok(TermWindow {
            id,
            padding: config.window.padding as f32 * window.scale_factor() as f32,
            target,
            renderer: Some(renderer),
            window,
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
            bell_pane: None,
            frames: 0,
            refresh,
            flooding: false,
            shown_tab: None,
            hover: None,
            hover_link: None,
            selection_color: config.colors.selection.0,
            dim_unfocused: config.panes.dim_unfocused,
            divider,
            divider_logical: config.panes.divider,
            reported: None,
            present_region,
            too_large_warned: false,
            preedit: None,
            ime_spot: None,
            overlay: None,
            prompt: None,
            banner: None,
            opacity: config.window.opacity,
            tab_first: 0,
            size: std::cell::Cell::new(None),
        })
    }

    /// The focused pane of the tab on display: where keys, search, paste and scrolling go.
    pub fn active_tab(&self) -> Option<&TabView> {
        self.tabs.get(self.active)?.focused_pane()
    }

    pub fn active_tab_mut(&mut self) -> Option<&mut TabView> {
        let g = self.tabs.get_mut(self.active)?;
        let focused = g.focused;
        g.pane_mut(focused)
    }

    pub fn active_group(&self) -> Option<&TabGroup> {
        self.tabs.get(self.active)
    }

    pub fn active_group_mut(&mut self) -> Option<&mut TabGroup> {
        self.tabs.get_mut(self.active)
    }

    /// Any pane of any tab of this window.
    pub fn pane(&self, id: TabId) -> Option<&TabView> {
        self.tabs.iter().find_map(|g| g.pane(id))
    }

    pub fn pane_mut(&mut self, id: TabId) -> Option<&mut TabView> {
        self.tabs.iter_mut().find_map(|g| g.pane_mut(id))
    }

    /// The index of the tab holding pane `id`.
    pub fn group_of(&self, id: TabId) -> Option<usize> {
        self.tabs.iter().position(|g| g.pane(id).is_some())
    }

    /// Every pane of every tab.
    pub fn panes(&self) -> impl Iterator<Item = &TabView> {
        self.tabs.iter().flat_map(|g| g.panes.iter())
    }

    /// Whether pane `id` is on screen now (in the tab on display, not hidden by a zoom).
    pub fn pane_visible(&self, id: TabId) -> bool {
        self.active_group()
            .is_some_and(|g| g.pane(id).is_some() && g.tree.zoomed().is_none_or(|z| z == id))
    }

    /// The tab area (physical pixels): the window less the padding and the tab bar.
    pub fn area(&self) -> PxRect {
        let size = self.inner_size();
        let tab_bar = self.tab_bar_height();
        PxRect {
            x: self.padding,
            y: self.padding + tab_bar,
            w: (size.width as f32 - 2.0 * self.padding).max(0.0),
            h: (size.height as f32 - 2.0 * self.padding - tab_bar).max(0.0),
        }
    }

    /// Cell and divider sizes for [`PaneTree::layout`].
    pub fn cell_metrics(&self) -> CellMetrics {
        CellMetrics {
            cell_w: self.fonts.cell_width as f32,
            cell_h: self.fonts.cell_height as f32,
            divider: self.divider,
        }
    }

    /// The layout of the tab on display (empty without one).
    pub fn pane_layout(&self) -> PaneLayout {
        self.active_group()
            .map_or_else(PaneLayout::default, |g| g.tree.layout(self.area(), self.cell_metrics()))
    }

    /// A pane's [`Layout`] from its place: its cells' origin and size.
    pub fn layout_of(&self, place: &PanePlace) -> Layout {
        Layout {
            x0: place.rect.x,
            y0: place.rect.y,
            cols: place.cols,
            lines: place.lines,
            ..self.layout()
        }
    }

    /// The visible pane under a point, with its layout; the padding, dividers and blank rest
    /// belong to the nearest pane. `None` on the tab bar or without a tab.
    pub fn pane_at(&self, pos: PhysicalPosition<f64>) -> Option<(TabId, Layout)> {
        if self.tab_at(pos).is_some() {
            return None;
        }
        let layout = self.pane_layout();
        let place = layout.pane_at(pos.x as f32, pos.y as f32)?;
        Some((place.pane, self.layout_of(place)))
    }

    /// The layout of a visible pane.
    pub fn pane_layout_of(&self, id: TabId) -> Option<Layout> {
        let layout = self.pane_layout();
        Some(self.layout_of(layout.place(id)?))
    }

    /// The divider under a point (within a few pixels): the split's index.
    pub fn divider_at(&self, pos: PhysicalPosition<f64>) -> Option<(usize, super::panes::Axis)> {
        let slop = (self.divider * 2.0).max(3.0);
        let layout = self.pane_layout();
        layout.divider_at(pos.x as f32, pos.y as f32, slop).map(|s| (s.index, s.axis))
    }

    /// Give pane `id` of the tab on display the keyboard (a click, a focus key), telling the
    /// programs that asked (mode 1004) that focus left one pane and entered the other, as
    /// kitty does. Returns whether focus moved.
    pub fn focus_pane(&mut self, id: TabId, io: &io::IoSender) -> bool {
        let window_focused = self.focused;
        let Some(g) = self.tabs.get_mut(self.active) else { return false };
        if g.focused == id || g.pane(id).is_none() {
            return false;
        }
        let old = g.focused;
        g.focused = id;
        if window_focused {
            for (pane, bytes) in [(old, &b"\x1b[O"[..]), (id, &b"\x1b[I"[..])] {
                let wants = g.pane(pane).is_some_and(|p| {
                    p.live()
                        && p.shared
                            .term
                            .lock()
                            .is_ok_and(|t| t.modes().contains(Modes::FOCUS_EVENTS))
                });
                if wants {
                    let _ = io.send(io::Command::Write { tab: pane, bytes: bytes.to_vec() });
                }
            }
        }
        self.update_title();
        self.report(io);
        self.window.request_redraw();
        true
    }

    /// Close held pane `id` (its program exited under `panes.hold_exited`): the neighbour
    /// takes its space, and the new layout goes to the I/O thread, which already forgot the
    /// pane. When it was its tab's last pane the tab goes too (the I/O thread removed the
    /// tab when the tab's last program exited). Returns whether `id` was a held pane here.
    pub fn dismiss_held(&mut self, id: TabId, io: &io::IoSender) -> bool {
        let Some(g) = self.group_of(id) else { return false };
        if self.tabs[g].pane(id).is_none_or(TabView::live) {
            return false;
        }
        self.tabs[g].remove_pane(id);
        if self.tabs[g].panes.is_empty() {
            self.tabs.remove(g);
            if self.active >= self.tabs.len() {
                self.active = self.tabs.len().saturating_sub(1);
            } else if g < self.active {
                self.active -= 1;
            }
        }
        self.update_title();
        self.sync_size(io);
        self.window.request_redraw();
        true
    }

    /// The padding (and the divider) at the window's current scale factor.
    /// A reloaded `[panes]`: divider width and the fading of unfocused panes.
    pub fn set_panes(&mut self, panes: &super::config::PanesConfig) {
        self.divider_logical = panes.divider;
        self.dim_unfocused = panes.dim_unfocused;
    }

    pub fn set_padding(&mut self, padding: u16) {
        let scale = self.window.scale_factor() as f32;
        self.divider = (self.divider_logical as f32 * scale).round().max(1.0);
        self.padding = padding as f32 * self.window.scale_factor() as f32;
    }

    fn tab_bar_height(&self) -> f32 {
        if self.tabs.len() > 1 { self.fonts.cell_height as f32 + 4.0 } else { 0.0 }
    }

    pub fn layout(&self) -> Layout {
        let size = self.inner_size();
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

    /// The cell under a point in the window (clamped to the grid), if over the cells
    /// ([`Layout::cell_at`]).
    pub fn cell_at(&self, pos: PhysicalPosition<f64>) -> Option<(usize, usize)> {
        self.layout().cell_at(pos.x, pos.y)
    }

    /// Which tab of the tab bar a point is on (the tabs [`scene::tab_strip`] shows).
    pub fn tab_at(&self, pos: PhysicalPosition<f64>) -> Option<usize> {
        let l = self.layout();
        if l.tab_bar <= 0.0 || pos.y as f32 >= l.tab_bar || self.tabs.is_empty() {
            return None;
        }
        let strip =
            scene::tab_strip(self.tabs.len(), self.active, self.tab_first, l.width, l.cell_w);
        let i = ((pos.x as f32 / strip.tab_w) as usize).min(strip.shown.saturating_sub(1));
        Some((strip.first + i).min(self.tabs.len() - 1))
    }

    /// Resize every visible pane of every tab to the size its place in the window holds (a
    /// pane hidden by a zoom keeps its size); report the geometry to the I/O thread.
    pub fn sync_size(&mut self, io: &io::IoSender) {
        let (area, m) = (self.area(), self.cell_metrics());
        let now = Instant::now();
        for g in &mut self.tabs {
            let mut resized = false;
            for place in g.tree.layout(area, m).panes {
                // A held pane has no PTY left to size.
                let Some(pane) = g.pane(place.pane).filter(|p| p.live()) else { continue };
                let (cols, lines) = {
                    let term = pane.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                    (term.cols(), term.lines())
                };
                if (cols, lines) != (place.cols, place.lines) {
                    let _ = io.send(io::Command::Resize {
                        tab: pane.id,
                        cols: place.cols.min(u16::MAX as usize) as u16,
                        lines: place.lines.min(u16::MAX as usize) as u16,
                    });
                    resized = true;
                }
            }
            if resized {
                g.resized_at = Some(now);
            }
        }
        self.report(io);
    }

    /// Tell the I/O thread how each tab's panes are laid out (`msg list`), for the tabs whose
    /// layout, focus or zoom changed since last told.
    fn report_panes(&mut self, io: &io::IoSender) {
        let (area, m) = (self.area(), self.cell_metrics());
        for g in &mut self.tabs {
            let panes: Vec<io::PaneGeometry> = g
                .tree
                .layout(area, m)
                .panes
                .iter()
                // A held pane is no longer the I/O thread's (it rejects a layout naming it).
                .filter(|p| g.pane(p.pane).is_some_and(TabView::live))
                .map(|p| io::PaneGeometry {
                    pane: p.pane,
                    cols: p.cols.min(u16::MAX as usize) as u16,
                    lines: p.lines.min(u16::MAX as usize) as u16,
                    x: p.rect.x.max(0.0).round() as u32,
                    y: p.rect.y.max(0.0).round() as u32,
                    width: p.rect.w.max(0.0).round() as u32,
                    height: p.rect.h.max(0.0).round() as u32,
                })
                .collect();
            // The focus reported is a live pane's: a held pane's focus is the UI's alone.
            let focused = if g.pane(g.focused).is_some_and(TabView::live) {
                Some(g.focused)
            } else {
                panes
                    .first()
                    .map(|p| p.pane)
                    .or_else(|| g.panes.iter().find(|p| p.live()).map(|p| p.id))
            };
            let Some(focused) = focused else { continue };
            let now = (focused, g.tree.zoomed().is_some(), panes);
            if g.reported.as_ref() == Some(&now) {
                continue;
            }
            let _ = io.send(io::Command::PaneLayout {
                tab: g.id,
                focused: now.0,
                zoomed: now.1,
                panes: now.2.clone(),
            });
            g.reported = Some(now);
        }
    }

    pub fn report(&mut self, io: &io::IoSender) {
        let l = self.layout();
        let size = self.inner_size();
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
            fullscreen: self.window.fullscreen().is_some(),
        };
        self.reported = Some(geometry);
        let _ = io.send(io::Command::WindowShown {
            window: self.id,
            geometry,
            active_tab: self.active_group().map(|g| g.id),
        });
        self.report_panes(io);
    }

    /// Fullscreen on (`Some(true)`), off or toggled (`None`): borderless on the window's
    /// monitor (F11, `msg fullscreen`, XTWINOPS 10). Reported to the I/O thread at once for
    /// `list` (a window manager's resize follows as `Resized`).
    pub fn set_fullscreen(&mut self, on: Option<bool>, io: &io::IoSender) {
        let on = on.unwrap_or(self.window.fullscreen().is_none());
        self.window.set_fullscreen(on.then_some(winit::window::Fullscreen::Borderless(None)));
        self.forget_size();
        self.report(io);
    }

    /// The window's inner size (physical pixels), asked of the window system once after
    /// each change ([`TermWindow::forget_size`]).
    pub fn inner_size(&self) -> PhysicalSize<u32> {
        self.size.get().unwrap_or_else(|| {
            let size = self.window.inner_size();
            self.size.set(Some(size));
            size
        })
    }

    /// The window's size may have changed (a `Resized` event, a new scale factor, or a
    /// size, maximize, minimize or fullscreen request of ours): ask again next time.
    pub fn forget_size(&self) {
        self.size.set(None);
    }

    /// Ask the window system for an inner size of `size` physical pixels (already clamped:
    /// [`clamp_window_size`]). On Wayland winit applies it at once and sends no `Resized`
    /// event for it (`request_inner_size` answers the new size), so the surface, the grid and
    /// the PTYs follow here; on X11 they follow the `Resized` event that the server's
    /// configure brings.
    pub fn request_size(&mut self, size: PhysicalSize<u32>, io: &io::IoSender) {
        if self.window.request_inner_size(size).is_some() {
            self.resized(io);
        } else {
            self.forget_size();
        }
    }

    pub fn resized(&mut self, io: &io::IoSender) {
        self.forget_size();
        self.target.resize(&self.window);
        if self.present_region {
            // Mesa's software GLX asks the X server for a drawable's size only after a swap,
            // and frames presented by rectangle are never swapped: the first frame at the new
            // size would be drawn into the old buffer (shifted by the change in height, and
            // kept by the partial redraws after it). A swap now shows the last frame again
            // and makes the next one find the new size; that one is drawn whole.
            if self.target.make_current().is_ok()
                && let Err(e) = self.target.swap()
            {
                log::warn!("presenting before a resize failed: {e}");
            }
            if let Some(r) = self.renderer.as_mut() {
                r.back_buffer_lost();
            }
        }
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

    /// The window's title: the focused pane's of the tab on display.
    /// A reloaded configuration's selection colour and background opacity.
    pub fn set_look(&mut self, selection: Rgb, opacity: f32) {
        self.selection_color = selection;
        self.opacity = opacity.clamp(0.0, 1.0);
    }

    pub fn update_title(&mut self) {
        let title = self
            .active_tab()
            .map(|t| if t.title.is_empty() { "uvterm".to_owned() } else { t.title.clone() })
            .unwrap_or_else(|| "uvterm".into());
        self.window.set_title(&title);
    }

    /// Draw now if allowed; otherwise remember when to. Every visible pane of the tab on
    /// display goes into one scene at its rectangle; then the dividers, the dimming of the
    /// panes without focus, the search bar and the input method's text of the focused pane,
    /// and the window's chrome.
    pub fn draw(&mut self) {
        let now = Instant::now();
        let period = frame_period(self.refresh, self.flooding, now.duration_since(self.last_input));
        let next = self.last_frame + period;
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
        // The tab shown by the last frame, when another is shown now: output its panes got
        // after that frame was never seen, so it marks the tab; and their `dirty` flags are
        // cleared, so that the next output (which sends no event while a flag is set) marks
        // it too.
        let shown = self.tabs.get(self.active).map(|g| g.id);
        if self.shown_tab != shown {
            if let Some(left) =
                self.shown_tab.and_then(|id| self.tabs.iter_mut().find(|g| g.id == id))
            {
                left.no_longer_shown(Instant::now());
            }
            self.shown_tab = shown;
        }
        // The tab on display has been seen: its marks go.
        if let Some(t) = self.tabs.get_mut(self.active) {
            t.bell = false;
            t.activity = false;
        }
        let mut hidden_tabs = scene::HiddenTabs::default();
        let tabs: Vec<(String, bool)> = if self.tabs.len() > 1 {
            let strip =
                scene::tab_strip(self.tabs.len(), self.active, self.tab_first, l.width, l.cell_w);
            self.tab_first = strip.first;
            let end = strip.first + strip.shown;
            hidden_tabs = scene::HiddenTabs {
                before: strip.first,
                after: self.tabs.len().saturating_sub(end),
                bell_before: self.tabs.iter().take(strip.first).any(|g| g.bell),
                bell_after: self.tabs.iter().skip(end).any(|g| g.bell),
            };
            self.tabs
                .iter()
                .enumerate()
                .skip(strip.first)
                .take(strip.shown)
                .map(|(i, g)| {
                    let title = tab_label(g.title(), g.bell, g.activity);
                    let label = if title.is_empty() {
                        format!("{}", i + 1)
                    } else {
                        format!("{}: {title}", i + 1)
                    };
                    (label, i == self.active)
                })
                .collect()
        } else {
            Vec::new()
        };
        let flash = self.bell_until.is_some_and(|t| now < t);
        let cursor_on = self.blink_on || !self.focused;
        let layout = self.pane_layout();
        // One look at each visible pane's terminal: scrolled-back views stay on their lines
        // while output arrives, and a synchronized update (mode 2026) in any of them holds
        // the frame.
        let mut syncing = false;
        let mut whole_screens = !layout.panes.is_empty();
        if let Some(group) = self.tabs.get_mut(self.active) {
            for place in &layout.panes {
                let Some(pane) = group.pane_mut(place.pane) else { continue };
                let shared = pane.shared.clone();
                let (total, history) = {
                    let (term, sync) = match shared.term.lock() {
                        Ok(t) => {
                            let sync = t.modes().contains(Modes::SYNC_OUTPUT);
                            (t, sync)
                        }
                        Err(p) => (p.into_inner(), false),
                    };
                    syncing |= sync;
                    forget_rewritten_selection(pane, &term);
                    let grid = term.grid();
                    let total = grid.history_len() as u64 + grid.dropped();
                    whole_screens &= scrolled_a_screen(pane.seen.0, total, term.lines());
                    (total, grid.history_len())
                };
                pane.display_offset = keep_view(pane.display_offset, pane.seen, total, history);
                pane.seen = (total, pane.display_offset > 0);
            }
        }
        let Some(group) = self.tabs.get(self.active) else { return };
        let Some(focused) = group.focused_pane() else { return };
        if syncing {
            let since = *self.sync_since.get_or_insert(now);
            if now < since + SYNC_TIMEOUT {
                self.redraw_at = Some(since + SYNC_TIMEOUT);
                return;
            }
        } else {
            self.sync_since = None;
        }
        self.flooding = whole_screens;
        let several = layout.panes.len() > 1;
        // The prompt's line (close? / name), which dividers and fades leave alone.
        let prompt_row = self.prompt.as_ref().map(|p| super::confirm::bounds(&p.text(), l).0);
        // The focused pane's terminal sets the clear colour and the chrome's colours.
        let focused_dropped = {
            let term = focused.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            scene::begin(&term, &mut self.scene);
            term.grid().dropped()
        };
        // The cursor's top-left corner and the default colours, for the input method.
        let mut ime = None;
        let mut focused_layout = l;
        // Held panes' exit notices, drawn over their last line after the cells.
        let mut notices = Vec::new();
        for place in &layout.panes {
            let Some(pane) = group.pane(place.pane) else { continue };
            pane.shared.dirty.store(false, Ordering::Release);
            let is_focused = pane.id == focused.id;
            let pl = Layout {
                x0: place.rect.x,
                y0: place.rect.y,
                cols: place.cols,
                lines: place.lines,
                ..l
            };
            let term = pane.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            let dropped = term.grid().dropped();
            let selection =
                pane.selection.map(|s| selection_spans(&term, &s, dropped)).unwrap_or_default();
            let cols = term.cols();
            let search = pane
                .search
                .as_ref()
                .map(|s| s.matches.iter().flat_map(|m| m.spans(cols, dropped)).collect::<Vec<_>>())
                .unwrap_or_default();
            let search_current = pane
                .search
                .as_ref()
                .and_then(|s| s.matches.get(s.current))
                .map(|m| m.spans(cols, dropped))
                .unwrap_or_default();
            // The link under the pointer, where it is now.
            let hover = self
                .hover
                .filter(|h| h.0 == pane.id)
                .and_then(|(_, line, col)| hovered_link(&term, pane.display_offset, line, col));
            let hover_spans = hover.as_ref().map_or(&[][..], |l| &l.spans[..]);
            let input = SceneInput {
                term: &term,
                layout: pl,
                metrics,
                display_offset: pane.display_offset,
                // The cursor is solid only in the focused pane of a focused window (hollow
                // elsewhere, as kitty draws it).
                focused: self.focused && is_focused,
                cursor_on: cursor_on || !is_focused,
                selection: &selection,
                search: &search,
                search_current: &search_current,
                hover: hover_spans,
                selection_color: self.selection_color,
                tabs: &[],
                hidden_tabs: scene::HiddenTabs::default(),
                flash: false,
                overlay: &[],
            };
            scene::cells(&input, &mut self.scene);
            if let Some(link) = hover {
                self.hover_link = Some((pane.id, link));
            } else if self.hover_link.as_ref().is_some_and(|h| h.0 == pane.id) {
                self.hover_link = None;
            }
            if several && !is_focused && self.dim_unfocused > 0.0 {
                // Faded towards the pane's background: its colour over it at that opacity
                // (premultiplied). Not over the prompt's line, which stays whole.
                let bg = scene::default_background(&term);
                let a = self.dim_unfocused;
                let pm = |c: u8| (c as f32 * a).round() as u8;
                let fade = crate::render::Rect {
                    x: place.rect.x,
                    y: place.rect.y,
                    w: place.rect.w,
                    h: place.rect.h,
                    color: [pm(bg.r), pm(bg.g), pm(bg.b), (a * 255.0).round() as u8],
                };
                self.scene.overlay.extend(cut_row(fade, prompt_row));
            }
            if flash && several && self.bell_pane == Some(pane.id) {
                self.scene.overlay.push(crate::render::Rect {
                    x: place.rect.x,
                    y: place.rect.y,
                    w: place.rect.w,
                    h: place.rect.h,
                    color: [64, 64, 64, 64],
                });
            }
            if let Some(notice) = pane.exit_notice() {
                notices.push((notice, pl));
            }
            if is_focused {
                focused_layout = pl;
                let p = term.cursor_point();
                if pane.display_offset == 0 && p.line.0 < pl.lines && p.column.0 < pl.cols {
                    let palette = term.palette();
                    ime = Some((
                        pl.x0 + p.column.0 as f32 * pl.cell_w,
                        pl.y0 + p.line.0 as f32 * pl.cell_h,
                        palette.0[COLOR_FOREGROUND],
                        palette.0[COLOR_BACKGROUND],
                    ));
                }
            }
        }
        for split in &layout.splits {
            let d = split.divider;
            let divider =
                crate::render::Rect { x: d.x, y: d.y, w: d.w, h: d.h, color: DIVIDER_COLOR };
            self.scene.backgrounds.extend(cut_row(divider, prompt_row));
        }
        {
            let term = focused.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            let input = SceneInput {
                term: &term,
                layout: l,
                metrics,
                display_offset: 0,
                focused: self.focused,
                cursor_on,
                selection: &[],
                search: &[],
                search_current: &[],
                hover: &[],
                selection_color: self.selection_color,
                tabs: &tabs,
                hidden_tabs,
                // With several panes the bell flashes its own pane (above).
                flash: flash
                    && (!several
                        || self
                            .bell_pane
                            .is_none_or(|b| !layout.panes.iter().any(|p| p.pane == b))),
                overlay: self.overlay.as_ref().map_or(&[], |o| &o.lines),
            };
            scene::chrome(&input, &mut self.scene);
        }
        if let Some(search) = &focused.search {
            let (shown, total) = search.counter(focused_dropped);
            let label = format!("Search: {}  [{shown}/{total}]", search.query);
            self.search_bar(&label, focused_layout);
        }
        for (notice, pl) in &notices {
            self.search_bar(notice, *pl);
        }
        if let Some(prompt) = &self.prompt {
            super::confirm::draw(&mut self.scene, &prompt.text(), l);
        }
        if let Some(banner) = self.banner.clone() {
            self.banner_line(&banner, l);
        }
        if self.opacity < 1.0 {
            // Premultiplied: the compositor blends the window over what is behind it.
            let a = self.opacity;
            let c = self.scene.clear;
            self.scene.clear = [c[0] * a, c[1] * a, c[2] * a, a];
        }
        if let Some((x, y, fg, bg)) = ime {
            if let Some(text) = self.preedit.clone() {
                self.preedit_overlay(&text, x, y, fg, bg, focused_layout);
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
        crate::trace::latency("made current");
        let size = self.inner_size();
        // A window the driver cannot draw into (a window manager or a user made it larger
        // than GL's largest viewport): no frame until it is smaller again, rather than a
        // crash inside the driver.
        let max = self.renderer.as_ref().map_or(u32::MAX, |r| r.max_drawable_side);
        if size.width > max || size.height > max {
            if !self.too_large_warned {
                log::warn!(
                    "window {}x{} is larger than the GL driver draws ({max} pixels a side): \
                     not drawn until it is smaller",
                    size.width,
                    size.height
                );
                self.too_large_warned = true;
            }
            return;
        }
        self.too_large_warned = false;
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
        let (x0, x1) = (l.x0, l.x0 + l.cols as f32 * l.cell_w);
        self.scene.clear_text(y, x0, x1);
        self.scene.backgrounds.push(crate::render::Rect {
            x: x0,
            y,
            w: x1 - x0,
            h: l.cell_h,
            color: [40, 40, 90, 255],
        });
        self.bar_text(label, l, y);
    }

    /// A bar's text (search bar, configuration banner): white, one cell a character from the
    /// layout's left edge on line `y`, cut to its width; spaces and controls draw nothing.
    fn bar_text(&mut self, text: &str, l: Layout, y: f32) {
        for (i, c) in text.chars().enumerate().take(l.cols) {
            if c == ' ' || c.is_control() {
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

    /// The configuration error banner on the first line, drawn like the search bar (white on
    /// red), cut to the window's width.
    fn banner_line(&mut self, text: &str, l: Layout) {
        let y = l.y0;
        self.scene.clear_text(y, f32::MIN, f32::MAX);
        // What is drawn over the cells (cursors, the fade of unfocused panes, underlines)
        // stays off the banner: it is drawn after the text and would cover or dim it.
        let cut = Some([0.0, y, l.width, l.cell_h]);
        let overlay = std::mem::take(&mut self.scene.overlay);
        self.scene.overlay = overlay.into_iter().flat_map(|r| cut_row(r, cut)).collect();
        self.scene.backgrounds.push(crate::render::Rect {
            x: 0.0,
            y,
            w: l.width,
            h: l.cell_h,
            color: BANNER_BACKGROUND,
        });
        let text = text.lines().next().unwrap_or("");
        self.bar_text(text, l, y);
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

    /// The visual bell: pane `pane` (or the whole window) flashes briefly.
    pub fn ring_bell(&mut self, pane: Option<TabId>) {
        self.bell_pane = pane;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_tabs_show_a_bell_before_activity() {
        assert_eq!(tab_label("vim", false, false), "vim");
        assert_eq!(tab_label("make", false, true), "\u{2022} make");
        assert_eq!(tab_label("make", true, true), "! make", "the bell is the stronger mark");
        assert_eq!(tab_label("", true, false), "! ");
    }

    fn view(id: u64) -> TabView {
        let shared = Arc::new(io::TabShared {
            id: TabId(id),
            window: io::WindowId(1),
            term: std::sync::Mutex::new(crate::term::Term::new(
                10,
                4,
                crate::term::TermConfig::default(),
            )),
            dirty: std::sync::atomic::AtomicBool::new(false),
            ui: io::UiEvents::default(),
        });
        TabView {
            id: TabId(id),
            shared,
            display_offset: 0,
            seen: (0, false),
            selection: None,
            selection_seen: None,
            search: None,
            title: String::new(),
            exited: None,
        }
    }

    /// `bytes` through a real parser into `pane`'s terminal, then one frame's selection check.
    fn frame_after(pane: &mut TabView, bytes: &[u8]) {
        let shared = pane.shared.clone();
        let mut term = shared.term.lock().unwrap();
        term.advance(&mut crate::term::parser::Parser::new(), bytes);
        forget_rewritten_selection(pane, &term);
    }

    #[test]
    fn a_selection_goes_when_its_text_its_screen_or_the_width_changes() {
        use crate::term::index::{Column, StablePoint, StableRow};
        let at = |row, col| StablePoint::new(StableRow(row), Column(col));
        let select = |pane: &mut TabView| {
            pane.selection =
                Some(Selection { kind: SelectionKind::Simple, anchor: at(0, 0), head: at(0, 3) });
            frame_after(pane, b"");
        };
        let mut pane = view(1);
        frame_after(&mut pane, b"abcdefg\r\nhij");
        select(&mut pane);
        frame_after(&mut pane, b"\x1b[2;1HXYZ\x1b[1;6Hq");
        assert!(pane.selection.is_some(), "output beside it leaves it alone");
        frame_after(&mut pane, b"\x1b[1;2HB");
        assert!(pane.selection.is_none(), "rewritten");
        // Made on the alternate screen, then back to the primary: its rows hold other text
        // there (history, with the primary screen scrolled: output never rewrites history).
        frame_after(&mut pane, b"\r\n1\r\n2\r\n3\r\n4\r\n5");
        frame_after(&mut pane, b"\x1b[?1049h\x1b[Halt text");
        select(&mut pane);
        frame_after(&mut pane, b"\x1b[?1049l");
        assert!(pane.selection.is_none(), "the screen switched");
        select(&mut pane);
        pane.shared.term.lock().unwrap().resize(12, 4);
        frame_after(&mut pane, b"");
        assert!(pane.selection.is_none(), "the width changed");
        select(&mut pane);
        pane.shared.term.lock().unwrap().resize(12, 6);
        frame_after(&mut pane, b"");
        assert!(pane.selection.is_some(), "a new height alone keeps it");
        // Scrolled into the history by output between two frames: kept while its text is
        // the same, cleared when that output rewrote it first.
        let mut pane = view(3);
        frame_after(&mut pane, b"abcdefg");
        select(&mut pane);
        frame_after(&mut pane, b"\x1b[4;1H\n\n\n\n\n");
        assert!(pane.selection.is_some(), "scrolling alone keeps it");
        let mut pane = view(4);
        frame_after(&mut pane, b"abcdefg");
        select(&mut pane);
        frame_after(&mut pane, b"\x1b[1;2HB\x1b[4;1H\n\n\n\n\n");
        assert!(pane.selection.is_none(), "rewritten, then scrolled off the screen");
    }

    #[test]
    fn a_scrolled_back_view_stays_on_its_lines_while_output_arrives() {
        // Following the output: stays at the bottom however much arrives.
        assert_eq!(keep_view(0, (100, false), 150, 150), 0);
        // Scrolled back 10 at the last frame; 5 lines arrived: 15 back shows the same text.
        assert_eq!(keep_view(10, (100, true), 105, 105), 15);
        // Lines that arrived while the history was full and dropped its oldest rows count too;
        // the offset never passes the history's length (the view stops at its top).
        assert_eq!(keep_view(10, (1000, true), 1005, 1000), 15);
        assert_eq!(keep_view(995, (1000, true), 1010, 1000), 1000);
        // An offset the user just set (not scrolled back at the last frame) is taken as is.
        assert_eq!(keep_view(7, (100, false), 120, 120), 7);
        // A history that shrank (cleared, a smaller scrollback limit) caps the offset.
        assert_eq!(keep_view(50, (100, true), 100, 20), 20);
    }

    #[test]
    fn a_held_pane_shows_its_status_and_removing_it_frees_its_terminal() {
        let mut held = view(2);
        assert!(held.live() && held.exit_notice().is_none());
        held.exited = Some(Some(3));
        assert!(!held.live());
        assert_eq!(
            held.exit_notice().as_deref(),
            Some("[process exited with status 3 - Enter closes]")
        );
        held.exited = Some(None);
        assert_eq!(held.exit_notice().as_deref(), Some("[process exited - Enter closes]"));
        let terminal = Arc::downgrade(&held.shared);
        let mut g = TabGroup::new(TabId(1), view(1));
        assert!(g.tree.split(TabId(1), TabId(2), super::super::panes::Axis::Horizontal, false));
        g.panes.push(held);
        g.focused = TabId(2);
        assert!(g.has_live_pane());
        assert_eq!(g.live_target(), TabId(1), "requests name the running pane");
        assert!(g.remove_pane(TabId(2)));
        assert_eq!(g.focused, TabId(1), "the neighbour takes the focus");
        assert!(g.tree.contains(TabId(1)) && !g.tree.contains(TabId(2)));
        assert!(terminal.upgrade().is_none(), "its terminal's memory was given back");
        assert!(!g.remove_pane(TabId(2)), "not twice");
    }

    #[test]
    fn a_flood_halves_the_frame_rate_until_a_key_comes() {
        let refresh = Duration::from_micros(16_667);
        let long_ago = Duration::from_secs(3);
        assert_eq!(frame_period(refresh, false, long_ago), refresh);
        assert_eq!(frame_period(refresh, true, long_ago), refresh * 2);
        // A key typed during the flood (Ctrl+C) is shown at the display's pace.
        assert_eq!(frame_period(refresh, true, Duration::from_millis(10)), refresh);
        assert_eq!(frame_period(refresh, true, FLOOD_INPUT_GRACE), refresh);
    }

    #[test]
    fn only_a_whole_new_screen_counts_as_a_flood() {
        assert!(!scrolled_a_screen(100, 100, 40), "nothing scrolled");
        assert!(!scrolled_a_screen(100, 139, 40), "one line of the last frame is still there");
        assert!(scrolled_a_screen(100, 140, 40));
        assert!(scrolled_a_screen(100, 5_000, 40));
        // `clear` of the history (ED 3) lowers the count: that is no flood.
        assert!(!scrolled_a_screen(5_000, 10, 40));
    }

    /// Found by the new-user test: a tab left while it flooded never got its activity mark,
    /// as its `dirty` flag stayed set from the frames that showed it, and no event came.
    #[test]
    fn a_tab_left_with_output_not_yet_drawn_is_marked_and_rearmed() {
        let now = Instant::now();
        let mut quiet = TabGroup::new(TabId(1), view(1));
        quiet.no_longer_shown(now);
        assert!(!quiet.activity, "nothing arrived after its last frame");
        let mut busy = TabGroup::new(TabId(2), view(2));
        busy.panes[0].shared.dirty.store(true, Ordering::Release);
        busy.no_longer_shown(now);
        assert!(busy.activity, "output after its last frame marks it");
        assert!(
            !busy.panes[0].shared.dirty.load(Ordering::Acquire),
            "its flag is cleared, so the next output sends an event"
        );
    }

    /// Found by the new-user test: opening a second tab showed the tab bar, which resized the
    /// first tab, and the shell's repaint of its prompt marked it.
    #[test]
    fn a_repaint_answering_a_resize_is_no_activity_but_output_after_it_is() {
        let t0 = Instant::now();
        let mut g = TabGroup::new(TabId(1), view(1));
        g.resized_at = Some(t0);
        let dirty = |g: &TabGroup| g.panes[0].shared.dirty.load(Ordering::Acquire);
        // The repaint: its event came (the flag is set) within the grace.
        g.panes[0].shared.dirty.store(true, Ordering::Release);
        assert!(!g.hidden_output(t0 + Duration::from_millis(50)), "a repaint is not marked");
        assert!(!g.activity);
        assert_eq!(g.rearm_at(), Some(t0 + REPAINT_GRACE));
        g.rearm_due(t0 + Duration::from_millis(100));
        assert!(dirty(&g), "the flag stays set during the grace (no event per read)");
        g.rearm_due(t0 + REPAINT_GRACE);
        assert!(!dirty(&g), "rearmed once the grace is over");
        assert_eq!(g.rearm_at(), None);
        // Output after the grace marks it, once.
        assert!(g.hidden_output(t0 + REPAINT_GRACE + Duration::from_millis(1)));
        assert!(g.activity);
        assert!(!g.hidden_output(t0 + REPAINT_GRACE + Duration::from_millis(2)));
        // Leaving a tab with a repaint not yet drawn: no mark either.
        let mut left = TabGroup::new(TabId(2), view(2));
        left.resized_at = Some(t0);
        left.panes[0].shared.dirty.store(true, Ordering::Release);
        left.no_longer_shown(t0 + Duration::from_millis(10));
        assert!(!left.activity);
        assert_eq!(left.rearm_at(), Some(t0 + REPAINT_GRACE));
    }
}
