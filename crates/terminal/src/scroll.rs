//! Scrolling and margins: the scroll region (DECSTBM) and left/right margins (DECSLRM,
//! DECLRMM), IND/RI/DECBI/DECFI at the margins, SU/SD/SL/SR, IL/DL, and moving rows into the
//! scrollback.

use crate::*;

impl Term {
    /// The right edge the cursor wraps at: the right margin when the cursor is inside the
    /// margins, else the screen edge.
    #[inline]
    pub(crate) fn wrap_edge(&self) -> usize {
        if self.cursor.point.column.0 <= self.margins.right {
            self.margins.right
        } else {
            self.cols() - 1
        }
    }

    #[inline]
    pub(crate) fn in_lr_margins(&self) -> bool {
        let c = self.cursor.point.column.0;
        c >= self.margins.left && c <= self.margins.right
    }

    #[inline]
    pub(crate) fn in_tb_margins(&self) -> bool {
        let l = self.cursor.point.line.0;
        l >= self.margins.top && l <= self.margins.bottom
    }

    /// BS and CUB, as current xterm's `CursorBack` moves (and Ghostty's `cursorLeft`): with
    /// autowrap and reverse wraparound (45) set, moving left past the left margin continues
    /// at the right margin of the line above, counted within the margins, and stops at the
    /// left margin of the scroll region's top line (the screen's, outside the region), as the
    /// DEC manuals have it; with xterm's extended reverse wraparound (1045, alone or with 45)
    /// it continues from that top line at the bottom line instead. One step of the count is
    /// spent leaving the pending-wrap position. Without autowrap or either mode the cursor
    /// stops at the left margin. xterm 379 wraps top to bottom with 45 alone and does not know
    /// 1045 (`conformance.rs`, `REVERSE_WRAP`).
    pub(crate) fn cursor_back(&mut self, n: usize) {
        let extended = self.modes.contains(Modes::REVERSE_WRAP_EXTENDED | Modes::AUTOWRAP);
        let rev = extended || self.modes.contains(Modes::REVERSE_WRAP | Modes::AUTOWRAP);
        let mut n = n as i64;
        if rev && self.cursor.pending_wrap {
            n -= 1;
        }
        self.cursor.pending_wrap = false;
        let left = self.line_start() as i64;
        let p = self.cursor.point;
        let col = p.column.0 as i64 - n;
        if col >= left {
            self.cursor.point.column = Column(col as usize);
            return;
        }
        if !rev {
            self.cursor.point.column = Column(left as usize);
            return;
        }
        let m = self.margins;
        let (top, bottom) = if (m.top..=m.bottom).contains(&p.line.0) {
            (m.top, m.bottom)
        } else {
            (0, self.lines() - 1)
        };
        let in_row = (m.right as i64 - left + 1).max(1);
        let mut offset = in_row * (p.line.0 - top) as i64 + col - left;
        if offset < 0 {
            if !extended {
                // Reverse wraparound alone stops at the top line's left margin.
                self.cursor.point = Point::new(Line(top), Column(left as usize));
                return;
            }
            let length = in_row * (bottom - top + 1) as i64;
            offset += (-offset / length + 1) * length;
        }
        let line = top + (offset / in_row) as usize;
        self.cursor.point =
            Point::new(Line(line.min(bottom)), Column((offset % in_row + left) as usize));
    }

    /// Left margin to return to: the margin when the cursor is right of it, else column 0.
    pub(crate) fn line_start(&self) -> usize {
        if self.cursor.point.column.0 >= self.margins.left { self.margins.left } else { 0 }
    }

    pub(crate) fn index_no_wrap_reset(&mut self) {
        let line = self.cursor.point.line.0;
        if line == self.margins.bottom {
            if self.in_lr_margins() {
                self.scroll_up_region(self.margins.top, self.margins.bottom, 1);
            }
        } else if line + 1 < self.lines() {
            self.cursor.point.line = Line(line + 1);
        }
    }

    /// Scroll lines `top..=bottom` (within the left/right margins) up by `n`.
    pub(crate) fn scroll_up_region(&mut self, top: usize, bottom: usize, n: usize) {
        let n = n.min(bottom + 1 - top);
        if n == 0 {
            return;
        }
        let blank = self.erase_cell();
        let full_width = self.margins.left == 0 && self.margins.right == self.cols() - 1;
        if full_width {
            let full_screen = top == 0 && bottom == self.lines() - 1;
            let tables = &mut self.tables;
            let grid = &mut self.screen.grid;
            // Only the primary screen keeps a history.
            if full_screen && !self.alt_active {
                grid.scroll_up_into_history(n, blank, tables);
            } else {
                grid.scroll_rows_up(Line(top), Line(bottom), n, blank, tables);
            }
        } else {
            let (left, right) = (self.margins.left, self.margins.right);
            self.move_rect_rows(top, bottom, left, right, n, true, blank);
        }
    }

    /// Scroll lines `top..=bottom` (within the left/right margins) down by `n`.
    pub(crate) fn scroll_down_region(&mut self, top: usize, bottom: usize, n: usize) {
        let n = n.min(bottom + 1 - top);
        if n == 0 {
            return;
        }
        let blank = self.erase_cell();
        if self.margins.left == 0 && self.margins.right == self.cols() - 1 {
            let tables = &mut self.tables;
            let grid = &mut self.screen.grid;
            grid.scroll_rows_down(Line(top), Line(bottom), n, blank, tables);
        } else {
            let (left, right) = (self.margins.left, self.margins.right);
            self.move_rect_rows(top, bottom, left, right, n, false, blank);
        }
    }

    /// Move the cells of columns `left..=right` of rows `top..=bottom` up (or down) by `n`
    /// rows, blanking the rows uncovered. Used when left/right margins are set.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn move_rect_rows(
        &mut self,
        top: usize,
        bottom: usize,
        left: usize,
        right: usize,
        n: usize,
        up: bool,
        blank: Cell,
    ) {
        for line in top..=bottom {
            self.split_wide_at(Line(line), left);
            self.split_wide_at(Line(line), right + 1);
        }
        let tables = &mut self.tables;
        let grid = &mut self.screen.grid;
        let height = bottom + 1 - top;
        let n = n.min(height);
        // Drop the references of the rows that are scrolled out.
        let gone: Vec<usize> =
            if up { (top..top + n).collect() } else { (bottom + 1 - n..=bottom).collect() };
        for line in &gone {
            release_cells(&grid.row(Line(*line)).cells()[left..=right], tables);
        }
        let moves: Vec<(usize, usize)> = if up {
            (top..top + height - n).map(|dst| (dst + n, dst)).collect()
        } else {
            (top + n..=bottom).rev().map(|dst| (dst - n, dst)).collect()
        };
        for (src, dst) in moves {
            let seg: Vec<Cell> = grid.row(Line(src)).cells()[left..=right].to_vec();
            let src_refs = grid.row(Line(src)).flags().contains(RowFlags::HAS_REFS);
            let row = grid.row_mut(Line(dst));
            row.cells[left..=right].copy_from_slice(&seg);
            if src_refs {
                row.flags |= RowFlags::HAS_REFS;
            }
        }
        let cleared: Vec<usize> =
            if up { (bottom + 1 - n..=bottom).collect() } else { (top..top + n).collect() };
        for line in cleared {
            let row = grid.row_mut(Line(line));
            for c in &mut row.cells[left..=right] {
                retain_cell(blank, tables);
                *c = blank;
            }
            if blank.holds_refs() {
                row.flags |= RowFlags::HAS_REFS;
            }
        }
    }

    pub(crate) fn reset_margins(&mut self) {
        self.margins =
            Margins { top: 0, bottom: self.lines() - 1, left: 0, right: self.cols() - 1 };
    }

    /// DECIC / DECBI: insert `n` blank columns at `col` in every line of the scroll region.
    pub(crate) fn insert_columns_at(&mut self, col: usize, n: usize) {
        let (top, bottom, right) = (self.margins.top, self.margins.bottom, self.margins.right);
        for line in top..=bottom {
            self.shift_right(Line(line), col, right, n);
        }
    }

    /// DECDC / DECFI: delete `n` columns at `col` in every line of the scroll region.
    pub(crate) fn delete_columns_at(&mut self, col: usize, n: usize) {
        let (top, bottom, right) = (self.margins.top, self.margins.bottom, self.margins.right);
        for line in top..=bottom {
            self.shift_left(Line(line), col, right, n);
        }
    }

    pub(crate) fn reverse_index(&mut self) {
        let line = self.cursor.point.line.0;
        if line == self.margins.top {
            if self.in_lr_margins() {
                self.scroll_down_region(self.margins.top, self.margins.bottom, 1);
            }
        } else if line > 0 {
            self.cursor.point.line = Line(line - 1);
        }
        self.cursor.pending_wrap = false;
    }

    pub(crate) fn back_index(&mut self) {
        let col = self.cursor.point.column.0;
        if col == self.margins.left && self.in_tb_margins() {
            self.insert_columns_at(self.margins.left, 1);
        } else if col > 0 {
            self.cursor.point.column = Column(col - 1);
        }
        self.cursor.pending_wrap = false;
    }

    pub(crate) fn forward_index(&mut self) {
        let col = self.cursor.point.column.0;
        if col == self.margins.right && self.in_tb_margins() {
            self.delete_columns_at(self.margins.left, 1);
        } else if col + 1 < self.cols() {
            self.cursor.point.column = Column(col + 1);
        }
        self.cursor.pending_wrap = false;
    }

    pub(crate) fn insert_lines(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        if !self.in_tb_margins() || !self.in_lr_margins() {
            return;
        }
        let line = self.cursor.point.line.0;
        self.scroll_down_region(line, self.margins.bottom, n);
        self.cursor.point.column = Column(self.margins.left);
    }

    pub(crate) fn delete_lines(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        if !self.in_tb_margins() || !self.in_lr_margins() {
            return;
        }
        let line = self.cursor.point.line.0;
        let blank = self.erase_cell();
        let full_width = self.margins.left == 0 && self.margins.right == self.cols() - 1;
        if full_width {
            let bottom = self.margins.bottom;
            let tables = &mut self.tables;
            let grid = &mut self.screen.grid;
            grid.scroll_rows_up(Line(line), Line(bottom), n, blank, tables);
        } else {
            let (l, r, b) = (self.margins.left, self.margins.right, self.margins.bottom);
            self.move_rect_rows(line, b, l, r, n, true, blank);
        }
        self.cursor.point.column = Column(self.margins.left);
    }

    pub(crate) fn set_scroll_region(&mut self, top: Option<usize>, bottom: Option<usize>) {
        let top = top.unwrap_or(1).saturating_sub(1);
        let bottom = bottom.unwrap_or(self.lines()).min(self.lines()).saturating_sub(1);
        if top >= bottom {
            return;
        }
        self.margins.top = top;
        self.margins.bottom = bottom;
        self.home_cursor();
    }

    pub(crate) fn set_lr_margins(&mut self, left: Option<usize>, right: Option<usize>) {
        if !self.modes.contains(Modes::LR_MARGINS) {
            // Without DECLRMM, `CSI s` is SCOSC.
            self.save_cursor();
            return;
        }
        let left = left.unwrap_or(1).saturating_sub(1);
        let right = right.unwrap_or(self.cols()).min(self.cols()).saturating_sub(1);
        if left >= right {
            return;
        }
        self.margins.left = left;
        self.margins.right = right;
        self.home_cursor();
    }
}

/// Scroll region and left/right margins, inclusive, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Margins {
    pub(crate) top: usize,
    pub(crate) bottom: usize,
    pub(crate) left: usize,
    pub(crate) right: usize,
}
