//! Mouse input: buttons, motion and the wheel, each for the pane under the pointer (a press
//! focuses it; a press on a divider drags it; a held button's drag stays in the pane it went
//! down in). A press goes to the pane's program as a mouse report, with pane-relative cells,
//! when it asked for them (and Shift is not held), else starts a selection (one, two or three
//! clicks: by cell, word or line; Ctrl or Alt: a block), pastes the primary selection
//! (middle button), switches tabs (the tab bar) or opens a link (Ctrl+click). The wheel
//! scrolls the view, or sends arrow keys on the alternate screen (mode 1007), or reports.
//!
//! The decisions — the cell under a pixel ([`super::scene::Layout::cell_at`]), reported or
//! not ([`reporting`], Shift bypassing it), [`press_target`], [`click_count`] and
//! [`selection_kind`], [`motion`], [`drag_selection`], the wheel ([`wheel_steps`],
//! [`wheel_action`]) and screen lines to rows ([`stable_row`]) — are functions of plain values
//! and a core `Term`, unit-tested below without a window; the `App` methods only fetch their
//! inputs and carry the result out.
//!
//! Must not touch: PTYs and the loop (reports go out as `io::Command::Write`), the keyboard.

use std::time::{Duration, Instant};

use winit::dpi::PhysicalPosition;
use winit::event::{ElementState, MouseScrollDelta};
use winit::window::{CursorIcon, WindowId as WinitWindowId};

use super::App;
use super::input::Mods;
use super::input::{self, MouseAction, MouseButton, MouseInput};
use super::scene::Layout;
use super::window::{self, Selection, SelectionKind, TabView, TermWindow};
use crate::io::{self, TabId};
use crate::term::Term;
use crate::term::index::{Column, StablePoint, StableRow};
use crate::term::modes::{Modes, MouseEncoding, MouseTracking};

#[derive(Default)]
pub(super) struct MouseState {
    pos: PhysicalPosition<f64>,
    window: Option<WinitWindowId>,
    /// The button held for a drag, and whether it belongs to the program (reported).
    held: Option<(MouseButton, bool)>,
    selecting: bool,
    last_click: Option<LastClick>,
    /// Where the selecting button went down (stable row, column, kind).
    press_cell: Option<(u64, usize, SelectionKind)>,
    /// Sub-line wheel movement carried over (touchpads).
    wheel_acc: f64,
    /// The pane a held button went down in: its drag's reports and selection stay there.
    pane: Option<TabId>,
    /// The split whose divider is being dragged (its index in the tab's pane tree).
    divider: Option<usize>,
    /// The pointer shape last set, and on which window ([`App::update_hover`]).
    icon: Option<(WinitWindowId, CursorIcon)>,
}

impl App {
    /// The pane the pointer acts on, with its layout: while a button is held, the pane it
    /// went down in (reports and selection are confined to it, the cell clamped to its
    /// grid); else the pane under the pointer.
    fn pointer_pane(&self, w: &TermWindow, pos: PhysicalPosition<f64>) -> Option<(TabId, Layout)> {
        if self.mouse.held.is_some()
            && let Some(pane) = self.mouse.pane
            && let Some(l) = w.pane_layout_of(pane)
        {
            return Some((pane, l));
        }
        w.pane_at(pos)
    }

    /// Whether mouse events go to pane `pane`'s program ([`reporting`]).
    fn mouse_reporting(
        &self,
        w: &TermWindow,
        pane: TabId,
    ) -> Option<(MouseTracking, MouseEncoding)> {
        if self.mods.shift {
            return None;
        }
        // A held pane (its program exited) reports to nobody: the mouse selects.
        let t = w.pane(pane).filter(|t| t.live())?;
        let term = t.shared.term.lock().ok()?;
        reporting(&term, self.mods)
    }

    /// Report `action` to the program of the pane the pointer acts on, at its cell in that
    /// pane (pane-relative: the pane's top-left cell is column 1, line 1 on the wire).
    fn report_mouse(&mut self, wid: WinitWindowId, action: MouseAction) -> bool {
        let Some(w) = self.windows.get(&wid) else { return false };
        let Some((pane, l)) = self.pointer_pane(w, self.mouse.pos) else { return false };
        let Some((tracking, encoding)) = self.mouse_reporting(w, pane) else { return false };
        let Some((col, line)) = l.cell_at(self.mouse.pos.x, self.mouse.pos.y) else {
            return true;
        };
        let px = l.pixel_at(self.mouse.pos.x, self.mouse.pos.y);
        let event = MouseInput { action, col, line, px, mods: self.mods };
        if let Some(bytes) = input::encode_mouse(&event, tracking, encoding) {
            let _ = self.sender.send(io::Command::Write { tab: pane, bytes });
        }
        true
    }

    pub(super) fn mouse_moved(&mut self, wid: WinitWindowId, pos: PhysicalPosition<f64>) {
        let old_pos = self.mouse.pos;
        self.mouse.pos = pos;
        self.mouse.window = Some(wid);
        if let Some(index) = self.mouse.divider {
            // Dragging a divider: both sides' programs get their new sizes (SIGWINCH).
            let Some(w) = self.windows.get_mut(&wid) else { return };
            let (area, m) = (w.area(), w.cell_metrics());
            let moved = w
                .active_group_mut()
                .is_some_and(|g| g.tree.drag_divider(index, pos.x as f32, pos.y as f32, area, m));
            if moved {
                w.sync_size(&self.sender);
                w.window.request_redraw();
            }
            return;
        }
        self.update_hover(wid);
        let Some(w) = self.windows.get(&wid) else { return };
        let Some((pane, l)) = self.pointer_pane(w, pos) else { return };
        let old = l.cell_at(old_pos.x, old_pos.y);
        let cell = l.cell_at(pos.x, pos.y);
        let entered = self.mouse.held.is_none() && w.pane_at(old_pos).map(|p| p.0) != Some(pane);
        match motion(self.mouse.held, self.mouse.selecting, cell != old || entered) {
            Motion::Report(button) => {
                self.report_mouse(wid, MouseAction::Motion(button));
            }
            Motion::Select => {
                let Some(w) = self.windows.get_mut(&wid) else { return };
                let Some((col, line)) = cell else { return };
                let Some(t) = w.pane_mut(pane) else { return };
                let head = stable_point(tab_stable_row(t, line), col);
                t.selection = drag_selection(t.selection, self.mouse.press_cell, head);
                w.window.request_redraw();
            }
            Motion::Nothing => (),
        }
    }

    /// After the pointer moved or a modifier changed: the link under the pointer (drawn
    /// underlined; a redraw when it changed) and the pointer's shape — a divider's resize
    /// arrows, a hand over a link while Ctrl is held (a click opens it), else the default.
    /// Nothing is hovered while a button is held.
    pub(super) fn update_hover(&mut self, wid: WinitWindowId) {
        let pos = self.mouse.pos;
        let held = self.mouse.held.is_some() || self.mouse.divider.is_some();
        let Some(w) = self.windows.get_mut(&wid) else { return };
        let divider = if held { None } else { w.divider_at(pos).map(|d| d.1) };
        w.hover = if held || divider.is_some() || self.mouse.window != Some(wid) {
            None
        } else {
            w.pane_at(pos)
                .and_then(|(pane, l)| l.cell_at(pos.x, pos.y).map(|(col, line)| (pane, line, col)))
        };
        let link = w.hover.and_then(|(pane, line, col)| {
            let t = w.pane(pane)?;
            let term = t.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            window::hovered_link(&term, t.display_offset, line, col).map(|l| (pane, l))
        });
        if link != w.hover_link {
            w.hover_link = link;
            w.window.request_redraw();
        }
        let icon = match divider {
            Some(super::panes::Axis::Horizontal) => CursorIcon::ColResize,
            Some(super::panes::Axis::Vertical) => CursorIcon::RowResize,
            None if self.mods.ctrl && w.hover_link.is_some() => CursorIcon::Pointer,
            None => CursorIcon::Default,
        };
        if self.mouse.icon != Some((wid, icon)) {
            self.mouse.icon = Some((wid, icon));
            w.window.set_cursor(icon);
        }
    }

    /// The window the pointer is in, if any.
    pub(super) fn mouse_window(&self) -> Option<WinitWindowId> {
        self.mouse.window
    }

    /// The pointer left window `wid`: nothing of it is hovered any more.
    pub(super) fn mouse_left(&mut self, wid: WinitWindowId) {
        if self.mouse.window == Some(wid) {
            self.mouse.window = None;
        }
        self.update_hover(wid);
    }

    pub(super) fn mouse_button(
        &mut self,
        wid: WinitWindowId,
        state: ElementState,
        button: winit::event::MouseButton,
    ) {
        let b = match button {
            winit::event::MouseButton::Left => MouseButton::Left,
            winit::event::MouseButton::Middle => MouseButton::Middle,
            winit::event::MouseButton::Right => MouseButton::Right,
            _ => return,
        };
        let pressed = state == ElementState::Pressed;
        // Tab bar clicks switch tabs; a middle click closes the tab (asking first when
        // something runs, `confirm_close`).
        if pressed
            && b == MouseButton::Middle
            && let Some(w) = self.windows.get(&wid)
            && let Some(i) = w.tab_at(self.mouse.pos)
            && let Some(tab) = w.tabs.get(i).map(|t| t.id)
        {
            let window = w.id;
            self.close_checked(window, Some(super::confirm::CloseTarget { id: tab, pane: false }));
            return;
        }
        if pressed
            && let Some(w) = self.windows.get_mut(&wid)
            && let Some(i) = w.tab_at(self.mouse.pos)
        {
            w.active = i;
            w.update_title();
            w.sync_size(&self.sender);
            w.window.request_redraw();
            return;
        }
        if pressed {
            // A press on a divider starts dragging it.
            if b == MouseButton::Left
                && let Some(w) = self.windows.get(&wid)
                && let Some((index, _)) = w.divider_at(self.mouse.pos)
            {
                self.mouse.divider = Some(index);
                return;
            }
            // A press in a pane gives it the keyboard, and goes on to it.
            let Some(w) = self.windows.get_mut(&wid) else { return };
            let Some((pane, _)) = w.pane_at(self.mouse.pos) else { return };
            w.focus_pane(pane, &self.sender);
            self.mouse.pane = Some(pane);
            // Ctrl+click opens a link.
            if b == MouseButton::Left
                && self.mods.ctrl
                && let Some(url) = self.link_under_mouse(wid)
            {
                open_url(&url);
                return;
            }
            let reporting = self.windows.get(&wid).and_then(|w| self.mouse_reporting(w, pane));
            let target = press_target(b, reporting.is_some());
            self.mouse.held = Some((b, target == Press::Report));
            match target {
                Press::Report => {
                    self.report_mouse(wid, MouseAction::Press(b));
                }
                Press::Select => self.start_selection(wid),
                Press::PastePrimary => self.paste(wid, true),
                Press::Nothing => (),
            }
        } else {
            if self.mouse.divider.take().is_some() {
                return;
            }
            if let Some((held, true)) = self.mouse.held {
                self.report_mouse(wid, MouseAction::Release(held));
            }
            self.mouse.held = None;
            let pane = self.mouse.pane.take();
            if self.mouse.selecting {
                self.mouse.selecting = false;
                // The X11 way: what is selected is the primary selection.
                let text = self.windows.get(&wid).and_then(|w| {
                    let t = w.pane(pane?)?;
                    let s = t.selection?;
                    let term = t.shared.term.lock().ok()?;
                    Some(window::selection_text(&term, &s))
                });
                if let Some(text) = text.filter(|t| !t.is_empty()) {
                    self.set_clipboard(&text, true);
                }
            }
        }
    }

    fn link_under_mouse(&self, wid: WinitWindowId) -> Option<String> {
        let w = self.windows.get(&wid)?;
        let (pane, l) = w.pane_at(self.mouse.pos)?;
        let (col, line) = l.cell_at(self.mouse.pos.x, self.mouse.pos.y)?;
        let t = w.pane(pane)?;
        let term = t.shared.term.lock().ok()?;
        window::hovered_link(&term, t.display_offset, line, col).map(|l| l.target)
    }

    fn start_selection(&mut self, wid: WinitWindowId) {
        let now = Instant::now();
        let Some(w) = self.windows.get_mut(&wid) else { return };
        let Some(pane) = self.mouse.pane else { return };
        let Some(l) = w.pane_layout_of(pane) else { return };
        let Some((col, line)) = l.cell_at(self.mouse.pos.x, self.mouse.pos.y) else { return };
        let clicks = click_count(self.mouse.last_click, now, (col, line));
        self.mouse.last_click = Some((now, (col, line), clicks));
        let kind = selection_kind(clicks, self.mods);
        // One selection in the window: the other panes' go.
        if let Some(g) = w.active_group_mut() {
            for p in g.panes.iter_mut().filter(|p| p.id != pane) {
                p.selection = None;
            }
        }
        let Some(t) = w.pane_mut(pane) else { return };
        let stable = tab_stable_row(t, line);
        // A click that is not a double or triple click only clears (a Ctrl+click on no link
        // too); a drag from here selects (see `mouse_moved`).
        t.selection = selects_on_press(kind).then_some(Selection {
            kind,
            anchor: stable_point(stable, col),
            head: stable_point(stable, col),
        });
        self.mouse.press_cell = Some((stable, col, kind));
        self.mouse.selecting = true;
        w.window.request_redraw();
    }

    /// The wheel scrolls (or reports to) the pane under the pointer.
    pub(super) fn wheel(&mut self, wid: WinitWindowId, delta: MouseScrollDelta) {
        let Some(w) = self.windows.get(&wid) else { return };
        let lines = wheel_lines(delta, w.fonts.cell_height as f64);
        let steps = wheel_steps(&mut self.mouse.wheel_acc, lines);
        if steps == 0 {
            return;
        }
        let Some((pane, _)) = self.pointer_pane(w, self.mouse.pos) else { return };
        let Some(t) = w.pane(pane) else { return };
        let live = t.live();
        let action = {
            let Ok(term) = t.shared.term.lock() else { return };
            wheel_action(&term, self.mods, steps, t.display_offset)
        };
        match action {
            Wheel::Report { button, count } => {
                let held = self.mouse.pane;
                self.mouse.pane = Some(pane);
                for _ in 0..count {
                    self.report_mouse(wid, MouseAction::Press(button));
                }
                self.mouse.pane = held;
            }
            Wheel::Keys(bytes) => {
                if live {
                    let _ = self.sender.send(io::Command::Write { tab: pane, bytes });
                }
            }
            Wheel::Scroll(offset) => {
                let Some(w) = self.windows.get_mut(&wid) else { return };
                if let Some(t) = w.pane_mut(pane) {
                    t.display_offset = offset;
                }
                w.window.request_redraw();
            }
        }
    }
}

/// The stable number of the row on screen line `line` of a tab's view ([`stable_row`]).
fn tab_stable_row(t: &TabView, line: usize) -> u64 {
    let term = t.shared.term.lock().unwrap_or_else(|p| p.into_inner());
    stable_row(&term, t.display_offset, line)
}

/// A selection end: the cell at `col` of stable row `row`.
fn stable_point(row: u64, col: usize) -> StablePoint {
    StablePoint::new(StableRow(row), Column(col))
}

/// Open a URL with xdg-open, without leaving a child behind (the shell exits at once).
fn open_url(url: &str) {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let status = std::process::Command::new("sh")
            .args(["-c", "xdg-open \"$1\" >/dev/null 2>&1 &", "sh", &url])
            .status();
        if let Err(e) = status {
            log::warn!("cannot open {url}: {e}");
        }
    });
}

/// Presses of the left button this close together, on the same cell, count as one more
/// click: two select a word, three a line, a fourth starts over.
const MULTI_CLICK: Duration = Duration::from_millis(400);

/// A selecting press: when, on which cell (column, line), and its click count (1 to 3).
pub(super) type LastClick = (Instant, (usize, usize), u8);

/// Whether the program gets mouse events, and their encoding: it asked for them (modes 9,
/// 1000, 1002, 1003) and Shift is not held — Shift keeps selection for the user, as in xterm.
pub(super) fn reporting(term: &Term, mods: Mods) -> Option<(MouseTracking, MouseEncoding)> {
    if mods.shift {
        return None;
    }
    let tracking = term.mouse_tracking();
    (tracking != MouseTracking::None).then(|| (tracking, term.mouse_encoding()))
}

/// What a press on the cells (not the tab bar, not a Ctrl+click on a link) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Press {
    /// Goes to the program as a mouse report (and so do its motion and release).
    Report,
    /// Starts a selection (left button).
    Select,
    /// Pastes the primary selection (middle button), the X11 way.
    PastePrimary,
    Nothing,
}

/// Where a press of `button` goes, `reporting` telling whether the program gets the mouse
/// ([`reporting`]).
pub(super) fn press_target(button: MouseButton, reporting: bool) -> Press {
    match button {
        _ if reporting => Press::Report,
        MouseButton::Left => Press::Select,
        MouseButton::Middle => Press::PastePrimary,
        _ => Press::Nothing,
    }
}

/// The click count of a selecting press on `cell` at `now`, after `last`: one more (1, 2,
/// 3, then 1 again) when on the same cell within [`MULTI_CLICK`], else 1.
pub(super) fn click_count(last: Option<LastClick>, now: Instant, cell: (usize, usize)) -> u8 {
    match last {
        Some((t, c, n)) if now.duration_since(t) < MULTI_CLICK && c == cell => n % 3 + 1,
        _ => 1,
    }
}

/// What a selection started by a press of `clicks` clicks covers: a word (2), a line (3),
/// else a block with Ctrl or Alt held, else the cells dragged over.
pub(super) fn selection_kind(clicks: u8, mods: Mods) -> SelectionKind {
    match clicks {
        2 => SelectionKind::Word,
        3 => SelectionKind::Line,
        _ if mods.ctrl || mods.alt => SelectionKind::Block,
        _ => SelectionKind::Simple,
    }
}

/// Whether a press selects at once: a double click's word and a triple click's line do; a
/// drag (plain, or a block with Ctrl or Alt) selects only once it leaves the pressed cell
/// ([`drag_selection`]), so a click leaves no one-cell selection behind.
pub(super) fn selects_on_press(kind: SelectionKind) -> bool {
    matches!(kind, SelectionKind::Word | SelectionKind::Line)
}

/// What moving the pointer to another position does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Motion {
    /// A motion report, with the button held (the program decides by its tracking mode
    /// whether it wants it: [`input::encode_mouse`]).
    Report(Option<MouseButton>),
    /// Extend the selection being made.
    Select,
    Nothing,
}

/// Where a pointer motion goes: `held` is the button down and whether the program got its
/// press, `selecting` whether a selection is being dragged, `moved_cell` whether the motion
/// crossed into another cell (reports are per cell, not per pixel).
pub(super) fn motion(
    held: Option<(MouseButton, bool)>,
    selecting: bool,
    moved_cell: bool,
) -> Motion {
    match held {
        Some((button, true)) => {
            if moved_cell {
                Motion::Report(Some(button))
            } else {
                Motion::Nothing
            }
        }
        _ if selecting => Motion::Select,
        None if moved_cell => Motion::Report(None),
        _ => Motion::Nothing,
    }
}

/// The selection after a drag to `head`: an existing selection follows the pointer; with
/// none yet (a single click only clears), one starts once the pointer leaves the pressed
/// cell `press` (stable row, column, kind).
pub(super) fn drag_selection(
    current: Option<Selection>,
    press: Option<(u64, usize, SelectionKind)>,
    head: StablePoint,
) -> Option<Selection> {
    match (current, press) {
        (Some(s), _) => Some(Selection { head, ..s }),
        (None, Some((row, col, kind))) => {
            let anchor = stable_point(row, col);
            (anchor != head).then_some(Selection { kind, anchor, head })
        }
        (None, None) => None,
    }
}

/// Lines one wheel event moves: three per notch, or the pixels a touchpad moved over the
/// cell height. Positive: up (away from the user), as winit has it.
pub(super) fn wheel_lines(delta: MouseScrollDelta, cell_height: f64) -> f64 {
    match delta {
        MouseScrollDelta::LineDelta(_, y) => y as f64 * 3.0,
        MouseScrollDelta::PixelDelta(p) => p.y / cell_height,
    }
}

/// Whole lines to move now, adding `lines` to `acc` and keeping the fraction there for the
/// next event (touchpads send fractions of a line).
pub(super) fn wheel_steps(acc: &mut f64, lines: f64) -> i32 {
    *acc += lines;
    let steps = acc.trunc() as i32;
    *acc -= steps as f64;
    steps
}

/// What a wheel movement of `steps` lines (non-zero; positive: up) does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Wheel {
    /// Report `count` presses of the wheel button (one per three lines, rounded up).
    Report { button: MouseButton, count: u32 },
    /// Send the program these bytes: one cursor key per line (alternate scroll, mode 1007).
    Keys(Vec<u8>),
    /// Scroll the view back to this display offset (within the history).
    Scroll(usize),
}

/// Where a wheel movement of `steps` lines goes for a terminal in `term`'s state whose view
/// is scrolled back `display_offset` lines: to the program as reports when it asked
/// ([`reporting`]), as Up/Down keys on the alternate screen with mode 1007 (xterm's
/// alternateScroll; SS3 forms under DECCKM), else to the scrollback.
pub(super) fn wheel_action(term: &Term, mods: Mods, steps: i32, display_offset: usize) -> Wheel {
    let button = if steps > 0 { MouseButton::WheelUp } else { MouseButton::WheelDown };
    if reporting(term, mods).is_some() {
        return Wheel::Report { button, count: steps.unsigned_abs().div_ceil(3) };
    }
    let modes = term.modes();
    if term.is_alt_screen() && modes.contains(Modes::ALTERNATE_SCROLL) {
        let arrow: &[u8] = match (steps > 0, modes.contains(Modes::APP_CURSOR)) {
            (true, true) => b"\x1bOA",
            (true, false) => b"\x1b[A",
            (false, true) => b"\x1bOB",
            (false, false) => b"\x1b[B",
        };
        return Wheel::Keys(arrow.repeat(steps.unsigned_abs() as usize));
    }
    let history = term.grid().history_len();
    Wheel::Scroll((display_offset as i64 + steps as i64).clamp(0, history as i64) as usize)
}

/// The absolute row (0: the oldest history row kept) on screen line `line` of a view
/// scrolled back `display_offset` lines.
pub(super) fn view_row(term: &Term, display_offset: usize, line: usize) -> usize {
    let history = term.grid().history_len();
    history - display_offset.min(history) + line
}

/// The stable number (counting rows trimmed from the history too, so it survives scrolling)
/// of the row on screen line `line` of a view scrolled back `display_offset` lines.
pub(super) fn stable_row(term: &Term, display_offset: usize, line: usize) -> u64 {
    view_row(term, display_offset, line) as u64 + term.grid().dropped()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::TermConfig;
    use crate::term::parser::Parser;

    /// A 10 × 3 terminal after `bytes`.
    fn term_with(config: TermConfig, bytes: &str) -> Term {
        let mut t = Term::new(10, 3, config);
        t.advance(&mut Parser::new(), bytes.as_bytes());
        t
    }

    fn term(bytes: &str) -> Term {
        term_with(TermConfig::default(), bytes)
    }

    /// `n` numbered lines of output: 0, 1, … n - 1.
    fn lines(n: usize) -> String {
        (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join("\r\n")
    }

    const SHIFT: Mods = Mods { shift: true, alt: false, ctrl: false, logo: false };
    const CTRL: Mods = Mods { shift: false, alt: false, ctrl: true, logo: false };
    const ALT: Mods = Mods { shift: false, alt: true, ctrl: false, logo: false };
    const NONE: Mods = Mods { shift: false, alt: false, ctrl: false, logo: false };

    #[test]
    fn a_press_is_reported_only_when_the_program_asked_and_shift_is_not_held() {
        let plain = term("");
        assert_eq!(reporting(&plain, NONE), None);
        assert_eq!(press_target(MouseButton::Left, false), Press::Select);
        assert_eq!(press_target(MouseButton::Middle, false), Press::PastePrimary);
        assert_eq!(press_target(MouseButton::Right, false), Press::Nothing);

        let tracking = term("\x1b[?1002h\x1b[?1006h");
        assert_eq!(
            reporting(&tracking, NONE),
            Some((MouseTracking::ButtonMotion, MouseEncoding::Sgr))
        );
        assert_eq!(reporting(&tracking, CTRL), reporting(&tracking, NONE), "Ctrl is reported");
        assert_eq!(reporting(&tracking, SHIFT), None, "Shift bypasses reporting");
        for b in [MouseButton::Left, MouseButton::Middle, MouseButton::Right] {
            assert_eq!(press_target(b, true), Press::Report, "{b:?}");
        }
        let off = term("\x1b[?1002h\x1b[?1002l");
        assert_eq!(reporting(&off, NONE), None, "tracking reset");
    }

    #[test]
    fn clicks_on_one_cell_count_to_three_and_start_over() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(click_count(None, t0, (3, 1)), 1);
        assert_eq!(click_count(Some((t0, (3, 1), 1)), t0 + ms(200), (3, 1)), 2);
        assert_eq!(click_count(Some((t0, (3, 1), 2)), t0 + ms(200), (3, 1)), 3);
        assert_eq!(click_count(Some((t0, (3, 1), 3)), t0 + ms(200), (3, 1)), 1, "a fourth");
        assert_eq!(click_count(Some((t0, (3, 1), 1)), t0 + ms(200), (4, 1)), 1, "another cell");
        assert_eq!(click_count(Some((t0, (3, 1), 1)), t0 + MULTI_CLICK, (3, 1)), 1, "too late");
    }

    #[test]
    fn two_clicks_select_a_word_three_a_line_and_ctrl_or_alt_a_block() {
        assert_eq!(selection_kind(1, NONE), SelectionKind::Simple);
        assert_eq!(selection_kind(1, SHIFT), SelectionKind::Simple);
        assert_eq!(selection_kind(1, CTRL), SelectionKind::Block);
        assert_eq!(selection_kind(1, ALT), SelectionKind::Block);
        assert_eq!(selection_kind(2, CTRL), SelectionKind::Word, "the count wins");
        assert_eq!(selection_kind(3, NONE), SelectionKind::Line);
    }

    #[test]
    fn motion_reports_per_cell_while_the_program_holds_the_button_else_extends_a_selection() {
        let left = MouseButton::Left;
        assert_eq!(motion(Some((left, true)), false, true), Motion::Report(Some(left)));
        assert_eq!(motion(Some((left, true)), false, false), Motion::Nothing, "same cell");
        assert_eq!(motion(Some((left, false)), true, false), Motion::Select);
        assert_eq!(motion(Some((MouseButton::Right, false)), false, true), Motion::Nothing);
        assert_eq!(motion(None, false, true), Motion::Report(None), "any-motion tracking");
        assert_eq!(motion(None, false, false), Motion::Nothing);
    }

    #[test]
    fn a_drag_starts_a_selection_once_it_leaves_the_pressed_cell_then_moves_its_head() {
        let at = |row, col| stable_point(row, col);
        let press = Some((5, 2, SelectionKind::Simple));
        assert_eq!(drag_selection(None, press, at(5, 2)), None, "still on the pressed cell");
        let s = drag_selection(None, press, at(6, 0));
        assert_eq!(
            s,
            Some(Selection { kind: SelectionKind::Simple, anchor: at(5, 2), head: at(6, 0) })
        );
        let s = drag_selection(s, press, at(4, 9));
        assert_eq!(s.map(|s| (s.anchor, s.head)), Some((at(5, 2), at(4, 9))), "anchor stays");
        let word = Selection { kind: SelectionKind::Word, anchor: at(1, 1), head: at(1, 1) };
        assert_eq!(drag_selection(Some(word), None, at(2, 3)).map(|s| s.kind), Some(word.kind));
        assert_eq!(drag_selection(None, None, at(0, 0)), None);
        // A Ctrl+click (a block's press) selects nothing until it drags; found by the
        // new-user test: a Ctrl+click on no link left a one-cell block.
        let ctrl = Mods { ctrl: true, ..Mods::default() };
        assert_eq!(selection_kind(1, ctrl), SelectionKind::Block);
        assert!(
            !selects_on_press(SelectionKind::Block) && !selects_on_press(SelectionKind::Simple)
        );
        assert!(selects_on_press(SelectionKind::Word) && selects_on_press(SelectionKind::Line));
        let block = Some((5, 2, SelectionKind::Block));
        assert_eq!(drag_selection(None, block, at(5, 2)), None);
        assert_eq!(
            drag_selection(None, block, at(7, 4)).map(|s| s.kind),
            Some(SelectionKind::Block)
        );
    }

    #[test]
    fn wheel_fractions_carry_over_to_whole_lines() {
        use winit::dpi::PhysicalPosition;
        assert_eq!(wheel_lines(MouseScrollDelta::LineDelta(0.0, 1.0), 16.0), 3.0);
        assert_eq!(wheel_lines(MouseScrollDelta::LineDelta(0.0, -2.0), 16.0), -6.0);
        let half = wheel_lines(MouseScrollDelta::PixelDelta(PhysicalPosition::new(0.0, 8.0)), 16.0);
        assert_eq!(half, 0.5);
        let mut acc = 0.0;
        assert_eq!(wheel_steps(&mut acc, half), 0);
        assert_eq!(wheel_steps(&mut acc, half), 1, "two halves make a line");
        assert_eq!(acc, 0.0);
        assert_eq!(wheel_steps(&mut acc, -2.5), -2);
        assert_eq!(wheel_steps(&mut acc, -0.5), -1);
    }

    #[test]
    fn the_wheel_scrolls_the_history_and_stays_within_it() {
        let t = term(&lines(10)); // 3 lines on screen, 7 in the history
        assert_eq!(t.grid().history_len(), 7);
        assert_eq!(wheel_action(&t, NONE, 5, 0), Wheel::Scroll(5));
        assert_eq!(wheel_action(&t, NONE, 5, 5), Wheel::Scroll(7), "no further than the top");
        assert_eq!(wheel_action(&t, NONE, -5, 3), Wheel::Scroll(0), "no further than live");
        let alt = term(&(lines(10) + "\x1b[?1049h"));
        assert_eq!(wheel_action(&alt, NONE, 3, 0), Wheel::Scroll(0), "no 1007: no history");
    }

    #[test]
    fn the_wheel_on_the_alternate_screen_with_1007_sends_cursor_keys() {
        let t = term("\x1b[?1049h\x1b[?1007h");
        assert_eq!(wheel_action(&t, NONE, 3, 0), Wheel::Keys(b"\x1b[A\x1b[A\x1b[A".to_vec()));
        assert_eq!(wheel_action(&t, NONE, -2, 0), Wheel::Keys(b"\x1b[B\x1b[B".to_vec()));
        let app_cursor = term("\x1b[?1049h\x1b[?1007h\x1b[?1h");
        assert_eq!(wheel_action(&app_cursor, NONE, 1, 0), Wheel::Keys(b"\x1bOA".to_vec()));
        assert_eq!(wheel_action(&app_cursor, NONE, -1, 0), Wheel::Keys(b"\x1bOB".to_vec()));
        let primary = term(&(lines(10) + "\x1b[?1007h"));
        assert_eq!(wheel_action(&primary, NONE, 1, 0), Wheel::Scroll(1), "primary: scrollback");
    }

    #[test]
    fn the_wheel_is_reported_once_per_three_lines_unless_shift_is_held() {
        let t = term(&(lines(10) + "\x1b[?1049h\x1b[?1007h\x1b[?1000h"));
        let up = MouseButton::WheelUp;
        let down = MouseButton::WheelDown;
        assert_eq!(wheel_action(&t, NONE, 3, 0), Wheel::Report { button: up, count: 1 });
        assert_eq!(wheel_action(&t, NONE, 4, 0), Wheel::Report { button: up, count: 2 });
        assert_eq!(wheel_action(&t, NONE, -1, 0), Wheel::Report { button: down, count: 1 });
        assert_eq!(
            wheel_action(&t, SHIFT, 1, 0),
            Wheel::Keys(b"\x1b[A".to_vec()),
            "Shift: not reported; alternate scroll applies"
        );
    }

    #[test]
    fn screen_lines_map_to_rows_that_survive_scrolling_and_trimming() {
        let t = term(&lines(5)); // history: 0 1; screen: 2 3 4
        assert_eq!(view_row(&t, 0, 0), 2);
        assert_eq!(view_row(&t, 1, 0), 1, "scrolled back one line");
        assert_eq!(view_row(&t, 99, 2), 2, "scrolled back past the top: the top");
        assert_eq!(stable_row(&t, 0, 2), 4);

        // Two lines of history kept: older rows are dropped, stable numbers go on counting.
        let small = TermConfig { scrollback_lines: 2, ..TermConfig::default() };
        let t = term_with(small, &lines(40));
        assert!(t.grid().dropped() > 0, "rows were trimmed");
        assert_eq!(stable_row(&t, 0, 2), 39, "the 40th line printed");
        assert_eq!(
            stable_row(&t, t.grid().history_len(), 0),
            40 - 3 - t.grid().history_len() as u64
        );
    }
}
