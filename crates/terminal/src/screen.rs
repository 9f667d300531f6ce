//! Screens: the primary and the alternate screen (modes 47/1047/1049), the cursor saved by
//! DECSC/1048 per screen, the kitty keyboard-flag stack per screen, and resizing both.

use crate::*;

impl Term {
    /// Resize, reflowing soft-wrapped lines of the main screen when the width changes.
    pub fn resize(&mut self, cols: usize, lines: usize) {
        let cols = cols.max(1);
        let lines = lines.max(1);
        if cols == self.cols() && lines == self.lines() {
            return;
        }
        let old_cols = self.cols();
        // The main screen's cursor: the live one, or the one saved by 1049 while the
        // alternate screen is up.
        let main_cursor = if self.alt_active {
            self.saved[0].as_ref().map(|s| (s.point, s.pending_wrap)).unwrap_or_default()
        } else {
            (self.cursor.point, self.cursor.pending_wrap)
        };
        let (main_point, main_wrap) = if cols != old_cols {
            reflow::reflow(&mut self.main, &mut self.tables, cols, lines, main_cursor)
        } else {
            let shift =
                self.main.resize_truncate(cols, lines, main_cursor.0.line, &mut self.tables);
            (shift_point(main_cursor.0, shift, lines, cols), main_cursor.1)
        };
        let alt_point = if self.alt_active { self.cursor.point } else { Point::default() };
        let alt_shift = self.alt.resize_truncate(cols, lines, alt_point.line, &mut self.tables);
        if self.alt_active {
            self.cursor.point = shift_point(self.cursor.point, alt_shift, lines, cols);
            self.cursor.pending_wrap = false;
            if let Some(s) = self.saved[0].as_mut() {
                s.point = main_point;
                s.pending_wrap = main_wrap;
            }
            if let Some(s) = self.saved[1].as_mut() {
                s.point = clamp_point(s.point, lines, cols);
            }
        } else {
            self.cursor.point = main_point;
            self.cursor.pending_wrap = main_wrap;
            if let Some(s) = self.saved[0].as_mut() {
                s.point = clamp_point(s.point, lines, cols);
                s.pending_wrap = false;
            }
            if let Some(s) = self.saved[1].as_mut() {
                s.point = clamp_point(s.point, lines, cols);
            }
        }
        self.tabs.resize(cols, false);
        for c in old_cols..cols {
            self.tabs[c] = c % 8 == 0 && c != 0;
        }
        self.margins = Margins { top: 0, bottom: lines - 1, left: 0, right: cols - 1 };
        self.dirty = true;
    }

    /// Change the scrollback limit at run time.
    pub fn set_scrollback(&mut self, lines: usize) {
        self.config.scrollback_lines = lines;
        self.main.set_max_history(lines, &mut self.tables);
    }

    pub(crate) fn enter_alt_screen(&mut self, save_cursor: bool, clear: bool) {
        if save_cursor {
            self.save_cursor_slot(0);
        }
        if !self.alt_active {
            self.alt_active = true;
            self.modes.insert(Modes::ALT_SCREEN);
        }
        if clear {
            let blank = self.erase_cell();
            let cols = self.cols();
            let tables = &mut self.tables;
            for line in 0..self.alt.lines() {
                self.alt.row_mut(Line(line)).reset(cols, blank, tables);
            }
        }
        self.dirty = true;
    }

    pub(crate) fn leave_alt_screen(&mut self, restore_cursor: bool, clear_alt: bool) {
        if self.alt_active {
            if clear_alt {
                let cols = self.cols();
                let tables = &mut self.tables;
                for line in 0..self.alt.lines() {
                    self.alt.row_mut(Line(line)).wipe(cols, tables);
                }
            }
            self.alt_active = false;
            self.modes.remove(Modes::ALT_SCREEN);
        }
        if restore_cursor {
            self.restore_cursor_slot(0);
        }
        self.dirty = true;
    }

    pub(crate) fn save_cursor_slot(&mut self, slot: usize) {
        self.saved[slot] = Some(SavedCursor {
            point: self.cursor.point,
            pending_wrap: self.cursor.pending_wrap,
            pen: Style { link: LinkId::NONE, ..self.cursor.pen },
            charsets: self.cursor.charsets,
            origin: self.modes.contains(Modes::ORIGIN),
        });
    }

    pub(crate) fn restore_cursor_slot(&mut self, slot: usize) {
        let link = self.cursor.pen.link;
        match self.saved[slot].clone() {
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
        self.dirty = true;
    }

    pub(crate) fn push_keyboard_flags(&mut self, flags: u8) {
        let stack = &mut self.keyboard_flags[self.alt_active as usize];
        if stack.len() >= KEYBOARD_STACK_MAX {
            stack.remove(0);
        }
        stack.push(flags & 0x1f);
    }

    pub(crate) fn pop_keyboard_flags(&mut self, n: usize) {
        let stack = &mut self.keyboard_flags[self.alt_active as usize];
        let keep = stack.len().saturating_sub(n);
        stack.truncate(keep);
    }

    pub(crate) fn set_keyboard_flags(&mut self, flags: u8, mode: KeyboardFlagsMode) {
        let stack = &mut self.keyboard_flags[self.alt_active as usize];
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
