//! Mouse input: buttons, motion and the wheel. A press goes to the program as a mouse report
//! when it asked for them (and Shift is not held), else starts a selection (one, two or three
//! clicks: by cell, word or line; Ctrl or Alt: a block), pastes the primary selection
//! (middle button), switches tabs (the tab bar) or opens a link (Ctrl+click). The wheel
//! scrolls the view, or sends arrow keys on the alternate screen (mode 1007), or reports.
//!
//! Must not touch: PTYs and the loop (reports go out as `io::Command::Write`), the keyboard.

use std::time::{Duration, Instant};

use winit::dpi::PhysicalPosition;
use winit::event::{ElementState, MouseScrollDelta};
use winit::window::WindowId as WinitWindowId;

use super::App;
use super::input::{self, MouseAction, MouseButton, MouseInput};
use super::window::{self, Selection, SelectionKind, TabView, TermWindow};
use crate::io;
use crate::term::index::{Column, StablePoint, StableRow};
use crate::term::modes::{Modes, MouseTracking};

#[derive(Default)]
pub(super) struct MouseState {
    pos: PhysicalPosition<f64>,
    window: Option<WinitWindowId>,
    /// The button held for a drag, and whether it belongs to the program (reported).
    held: Option<(MouseButton, bool)>,
    selecting: bool,
    last_click: Option<(Instant, (usize, usize), u8)>,
    /// Where the selecting button went down (stable row, column, kind).
    press_cell: Option<(u64, usize, SelectionKind)>,
    /// Sub-line wheel movement carried over (touchpads).
    wheel_acc: f64,
}

impl App {
    /// Whether mouse events go to the program (it asked, and Shift is not held).
    fn mouse_reporting(
        &self,
        w: &TermWindow,
    ) -> Option<(MouseTracking, crate::term::modes::MouseEncoding)> {
        if self.mods.shift {
            return None;
        }
        let t = w.active_tab()?;
        let term = t.shared.term.lock().ok()?;
        let tracking = term.mouse_tracking();
        (tracking != MouseTracking::None).then(|| (tracking, term.mouse_encoding()))
    }

    fn report_mouse(&mut self, wid: WinitWindowId, action: MouseAction) -> bool {
        let Some(w) = self.windows.get(&wid) else { return false };
        let Some((tracking, encoding)) = self.mouse_reporting(w) else { return false };
        let Some((col, line)) = w.cell_at(self.mouse.pos) else { return true };
        let l = w.layout();
        let px = (
            (self.mouse.pos.x as f32 - l.x0).max(0.0) as u32,
            (self.mouse.pos.y as f32 - l.y0).max(0.0) as u32,
        );
        let event = MouseInput { action, col, line, px, mods: self.mods };
        if let Some(bytes) = input::encode_mouse(&event, tracking, encoding)
            && let Some(t) = w.active_tab()
        {
            let _ = self.sender.send(io::Command::Write { tab: t.id, bytes });
        }
        true
    }

    pub(super) fn mouse_moved(&mut self, wid: WinitWindowId, pos: PhysicalPosition<f64>) {
        let old = self.windows.get(&wid).and_then(|w| w.cell_at(self.mouse.pos));
        self.mouse.pos = pos;
        self.mouse.window = Some(wid);
        let Some(w) = self.windows.get(&wid) else { return };
        let cell = w.cell_at(pos);
        if let Some((button, true)) = self.mouse.held {
            if cell != old {
                self.report_mouse(wid, MouseAction::Motion(Some(button)));
            }
            return;
        }
        if self.mouse.selecting {
            let Some(w) = self.windows.get_mut(&wid) else { return };
            let Some((col, line)) = cell else { return };
            let Some(t) = w.tabs.get_mut(w.active) else { return };
            let stable = stable_row(t, line);
            match t.selection.as_mut() {
                Some(s) => s.head = stable_point(stable, col),
                None => {
                    if let Some((row, c, kind)) = self.mouse.press_cell
                        && (row, c) != (stable, col)
                    {
                        let (anchor, head) = (stable_point(row, c), stable_point(stable, col));
                        t.selection = Some(Selection { kind, anchor, head });
                    }
                }
            }
            w.window.request_redraw();
            return;
        }
        if cell != old && self.mouse.held.is_none() {
            self.report_mouse(wid, MouseAction::Motion(None));
        }
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
        // Tab bar clicks switch tabs.
        if pressed
            && let Some(w) = self.windows.get_mut(&wid)
            && let Some(i) = w.tab_at(self.mouse.pos)
        {
            w.active = i;
            w.update_title();
            w.report(&self.sender);
            w.window.request_redraw();
            return;
        }
        if pressed {
            // Ctrl+click opens a link.
            if b == MouseButton::Left
                && self.mods.ctrl
                && let Some(url) = self.link_under_mouse(wid)
            {
                open_url(&url);
                return;
            }
            if self.report_mouse(wid, MouseAction::Press(b)) {
                self.mouse.held = Some((b, true));
                return;
            }
            self.mouse.held = Some((b, false));
            match b {
                MouseButton::Left => self.start_selection(wid),
                MouseButton::Middle => self.paste(wid, true),
                _ => (),
            }
        } else {
            if let Some((held, true)) = self.mouse.held {
                self.report_mouse(wid, MouseAction::Release(held));
            }
            self.mouse.held = None;
            if self.mouse.selecting {
                self.mouse.selecting = false;
                // The X11 way: what is selected is the primary selection.
                let text = self.windows.get(&wid).and_then(|w| {
                    let t = w.active_tab()?;
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
        let (col, line) = w.cell_at(self.mouse.pos)?;
        let t = w.active_tab()?;
        let term = t.shared.term.lock().ok()?;
        let history = term.grid().history_len();
        let abs = history - t.display_offset.min(history) + line;
        window::link_at(&term, abs, col)
    }

    fn start_selection(&mut self, wid: WinitWindowId) {
        let now = Instant::now();
        let Some(w) = self.windows.get_mut(&wid) else { return };
        let Some((col, line)) = w.cell_at(self.mouse.pos) else { return };
        let clicks = match self.mouse.last_click {
            Some((t, cell, n))
                if now.duration_since(t) < Duration::from_millis(400) && cell == (col, line) =>
            {
                n % 3 + 1
            }
            _ => 1,
        };
        self.mouse.last_click = Some((now, (col, line), clicks));
        let kind = match clicks {
            2 => SelectionKind::Word,
            3 => SelectionKind::Line,
            _ if self.mods.ctrl || self.mods.alt => SelectionKind::Block,
            _ => SelectionKind::Simple,
        };
        let Some(t) = w.tabs.get_mut(w.active) else { return };
        let stable = stable_row(t, line);
        // A plain click only clears; a drag from here selects (see `mouse_moved`).
        t.selection = (kind != SelectionKind::Simple).then_some(Selection {
            kind,
            anchor: stable_point(stable, col),
            head: stable_point(stable, col),
        });
        self.mouse.press_cell = Some((stable, col, kind));
        self.mouse.selecting = true;
        w.window.request_redraw();
    }

    pub(super) fn wheel(&mut self, wid: WinitWindowId, delta: MouseScrollDelta) {
        let Some(w) = self.windows.get(&wid) else { return };
        let lines = match delta {
            MouseScrollDelta::LineDelta(_, y) => y as f64 * 3.0,
            MouseScrollDelta::PixelDelta(p) => p.y / w.fonts.cell_height as f64,
        };
        self.mouse.wheel_acc += lines;
        let steps = self.mouse.wheel_acc.trunc() as i32;
        self.mouse.wheel_acc -= steps as f64;
        if steps == 0 {
            return;
        }
        let button = if steps > 0 { MouseButton::WheelUp } else { MouseButton::WheelDown };
        if self.mouse_reporting(w).is_some() {
            for _ in 0..steps.unsigned_abs().div_ceil(3) {
                self.report_mouse(wid, MouseAction::Press(button));
            }
            return;
        }
        let Some(t) = w.active_tab() else { return };
        let (alt_scroll, app_cursor, history) = {
            let Ok(term) = t.shared.term.lock() else { return };
            (
                term.is_alt_screen() && term.modes().contains(Modes::ALTERNATE_SCROLL),
                term.modes().contains(Modes::APP_CURSOR),
                term.grid().history_len(),
            )
        };
        if alt_scroll {
            let arrow: &[u8] = match (steps > 0, app_cursor) {
                (true, true) => b"\x1bOA",
                (true, false) => b"\x1b[A",
                (false, true) => b"\x1bOB",
                (false, false) => b"\x1b[B",
            };
            let bytes = arrow.repeat(steps.unsigned_abs() as usize);
            let id = t.id;
            let _ = self.sender.send(io::Command::Write { tab: id, bytes });
            return;
        }
        let Some(w) = self.windows.get_mut(&wid) else { return };
        if let Some(t) = w.tabs.get_mut(w.active) {
            t.display_offset =
                (t.display_offset as i64 + steps as i64).clamp(0, history as i64) as usize;
        }
        w.window.request_redraw();
    }
}

/// The stable number of the row on screen line `line` of a tab's view.
fn stable_row(t: &TabView, line: usize) -> u64 {
    let term = t.shared.term.lock().unwrap_or_else(|p| p.into_inner());
    let grid = term.grid();
    let history = grid.history_len();
    (history - t.display_offset.min(history) + line) as u64 + grid.dropped()
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
