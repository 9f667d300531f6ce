//! Screens: the primary and the alternate screen (modes 47/1047/1049), the cursor saved by
//! DECSC/1048 per screen, the kitty keyboard-flag stack per screen, and resizing both.

use crate::*;

/// The state each of the two screens keeps for itself: xterm gives the primary and the
/// alternate screen their own grid and their own DECSC slot, and kitty's keyboard protocol
/// gives each screen its own flag stack. The primary screen's grid keeps the scrollback; the
/// alternate's has none.
pub struct Screen {
    pub(crate) grid: Grid,
    /// What DECSC (or mode 1048, or 1049 on entering the alternate screen) saved here.
    pub(crate) saved_cursor: Option<SavedCursor>,
    /// Kitty keyboard protocol flags, pushed and popped per screen (bounded by
    /// `KEYBOARD_STACK_MAX`).
    pub(crate) keyboard_flags: Vec<u8>,
}

impl Screen {
    /// A blank screen of `cols` × `lines` keeping up to `history` lines of scrollback.
    pub(crate) fn new(cols: usize, lines: usize, history: usize) -> Self {
        Self {
            grid: Grid::new(cols, lines, history),
            saved_cursor: None,
            keyboard_flags: Vec::new(),
        }
    }

    /// The screen's grid.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }
}

impl Term {
    /// Resize, reflowing soft-wrapped lines of the primary screen when the width changes (the
    /// alternate screen is truncated, as xterm does).
    pub fn resize(&mut self, cols: usize, lines: usize) {
        let cols = cols.max(1);
        let lines = lines.max(1);
        if cols == self.cols() && lines == self.lines() {
            return;
        }
        let (primary, alternate) = if self.alt_active {
            (&mut self.inactive, &mut self.screen)
        } else {
            (&mut self.screen, &mut self.inactive)
        };
        // The primary screen's cursor: the live one, or the one saved by 1049 while the
        // alternate screen is up.
        let main_cursor = if self.alt_active {
            primary.saved_cursor.as_ref().map(|s| (s.point, s.pending_wrap)).unwrap_or_default()
        } else {
            (self.cursor.point, self.cursor.pending_wrap)
        };
        let (main_point, main_wrap) = if cols != primary.grid.cols() {
            reflow::reflow(&mut primary.grid, &mut self.tables, cols, lines, main_cursor)
        } else {
            let shift =
                primary.grid.resize_truncate(cols, lines, main_cursor.0.line, &mut self.tables);
            (shift_point(main_cursor.0, shift, lines, cols), main_cursor.1)
        };
        let alt_point = if self.alt_active { self.cursor.point } else { Point::default() };
        let alt_shift =
            alternate.grid.resize_truncate(cols, lines, alt_point.line, &mut self.tables);
        if self.alt_active {
            self.cursor.point = shift_point(self.cursor.point, alt_shift, lines, cols);
            self.cursor.pending_wrap = false;
            if let Some(s) = primary.saved_cursor.as_mut() {
                s.point = main_point;
                s.pending_wrap = main_wrap;
            }
        } else {
            self.cursor.point = main_point;
            self.cursor.pending_wrap = main_wrap;
            if let Some(s) = primary.saved_cursor.as_mut() {
                s.point = clamp_point(s.point, lines, cols);
                s.pending_wrap = false;
            }
        }
        if let Some(s) = alternate.saved_cursor.as_mut() {
            s.point = clamp_point(s.point, lines, cols);
        }
        self.tabs.resize(cols);
        self.margins = Margins::full(lines, cols);
    }

    /// Put the alternate screen on display (modes 47, 1047, 1049); `save_cursor` first saves
    /// the cursor in the primary screen (1049), `clear` blanks the alternate screen.
    pub(crate) fn enter_alt_screen(&mut self, save_cursor: bool, clear: bool) {
        if save_cursor {
            self.save_cursor();
        }
        if !self.alt_active {
            std::mem::swap(&mut self.screen, &mut self.inactive);
            self.alt_active = true;
            self.modes.insert(Modes::ALT_SCREEN);
        }
        if clear {
            let blank = self.erase_cell();
            let cols = self.cols();
            let tables = &mut self.tables;
            for line in 0..self.screen.grid.lines() {
                self.screen.grid.row_mut(Line(line)).reset(cols, blank, tables);
            }
        }
    }

    /// Put the primary screen back on display; `clear_alt` wipes the alternate screen first
    /// (1047), `restore_cursor` then restores the primary screen's saved cursor (1049).
    pub(crate) fn leave_alt_screen(&mut self, restore_cursor: bool, clear_alt: bool) {
        if self.alt_active {
            if clear_alt {
                let cols = self.cols();
                let tables = &mut self.tables;
                for line in 0..self.screen.grid.lines() {
                    self.screen.grid.row_mut(Line(line)).wipe(cols, tables);
                }
            }
            std::mem::swap(&mut self.screen, &mut self.inactive);
            self.alt_active = false;
            self.modes.remove(Modes::ALT_SCREEN);
        }
        if restore_cursor {
            self.restore_cursor();
        }
    }

    /// DECSC: save the cursor in the screen on display.
    pub(crate) fn save_cursor(&mut self) {
        self.screen.saved_cursor = Some(SavedCursor {
            point: self.cursor.point,
            pending_wrap: self.cursor.pending_wrap,
            pen: Style { link: LinkId::NONE, ..self.cursor.pen },
            charsets: self.cursor.charsets,
            origin: self.modes.contains(Modes::ORIGIN),
        });
    }

    /// DECRC: restore the cursor the screen on display saved.
    pub(crate) fn restore_cursor(&mut self) {
        let link = self.cursor.pen.link;
        match self.screen.saved_cursor.clone() {
            Some(s) => {
                self.set_pen(Style { link, ..s.pen });
                self.cursor.charsets = s.charsets;
                self.modes.set(Modes::ORIGIN, s.origin);
                let p = clamp_point(s.point, self.lines(), self.cols());
                self.cursor.point = p;
                self.cursor.pending_wrap = s.pending_wrap && p == s.point;
            }
            None => {
                // Nothing saved: home, default rendition, origin mode off (xterm).
                self.set_pen(Style { link, ..Style::default() });
                self.cursor.charsets = Charsets::new();
                self.modes.remove(Modes::ORIGIN);
                self.cursor.point = Point::default();
                self.cursor.pending_wrap = false;
            }
        }
    }

    pub(crate) fn push_keyboard_flags(&mut self, flags: u8) {
        let stack = &mut self.screen.keyboard_flags;
        if stack.len() >= KEYBOARD_STACK_MAX {
            stack.remove(0);
        }
        stack.push(flags & 0x1f);
    }

    pub(crate) fn pop_keyboard_flags(&mut self, n: usize) {
        let stack = &mut self.screen.keyboard_flags;
        let keep = stack.len().saturating_sub(n);
        stack.truncate(keep);
    }

    pub(crate) fn set_keyboard_flags(&mut self, flags: u8, mode: KeyboardFlagsMode) {
        let stack = &mut self.screen.keyboard_flags;
        let current = stack.last().copied().unwrap_or(0);
        let new = match mode {
            KeyboardFlagsMode::Replace => flags,
            KeyboardFlagsMode::Union => current | flags,
            KeyboardFlagsMode::Difference => current & !flags,
        } & 0x1f;
        match stack.last_mut() {
            Some(top) => *top = new,
            None => stack.push(new),
        }
    }
}

/// What DECSC saves.
#[derive(Debug, Clone)]
pub(crate) struct SavedCursor {
    pub(crate) point: Point,
    pub(crate) pending_wrap: bool,
    /// The pen without its hyperlink (links are not cursor state).
    pub(crate) pen: Style,
    pub(crate) charsets: Charsets,
    pub(crate) origin: bool,
}

pub(crate) fn clamp_point(p: Point, lines: usize, cols: usize) -> Point {
    Point::new(Line(p.line.0.min(lines - 1)), Column(p.column.0.min(cols - 1)))
}

pub(crate) fn shift_point(p: Point, shift: isize, lines: usize, cols: usize) -> Point {
    let line = (p.line.0 as isize + shift).clamp(0, lines as isize - 1) as usize;
    clamp_point(Point::new(Line(line), p.column), lines, cols)
}
