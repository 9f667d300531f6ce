//! Erasing and editing: ED/EL (and their selective forms DECSED/DECSEL), ECH, ICH/DCH,
//! DECALN — filling and shifting cells within a line while keeping wide characters whole and
//! side-table references counted.

use crate::*;

impl Term {
    /// Fill `line[from..to)` with `value` (clipped), keeping wide characters whole.
    pub(crate) fn fill_cells(
        &mut self,
        line: Line,
        from: usize,
        to: usize,
        value: Cell,
        kind: Erase,
    ) {
        let to = to.min(self.cols());
        if from >= to {
            return;
        }
        // Around ISO guarded cells xterm erases to written blanks (its checksums count them),
        // except the run after the last guarded cell up to the end of the line: that is cut
        // off, left empty, as a plain erase leaves it.
        let written = self.written_blank();
        let tail = if kind == Erase::Guarded && to == self.cols() {
            let row = self.screen.grid.row(line);
            (from..to)
                .rev()
                .find(|&i| self.tables.style(row.cells[i].style()).attrs.contains(Attrs::PROTECTED))
                .map_or(from, |i| i + 1)
        } else {
            to
        };
        self.split_wide_at(line, from);
        self.split_wide_at(line, to);
        let (grid, tables) = (&mut self.screen.grid, &mut self.tables);
        let row = grid.row_mut(line);
        if kind != Erase::All {
            for i in from..to {
                let old = row.cells[i];
                if tables.style(old.style()).attrs.contains(Attrs::PROTECTED) {
                    continue;
                }
                // DECSED/DECSEL/DECSERA erase characters but keep the cell's rendition; for
                // DECSED a cell that was empty stays empty (what xterm's checksums show). The
                // right half of a wide character goes with its left half (same style, so both
                // or neither are protected).
                let stays_empty = old.content() == Content::Empty && !old.is_spacer();
                let new = match kind {
                    Erase::Guarded if i >= tail => value,
                    Erase::Guarded => written,
                    Erase::UnprotectedWritten if stays_empty => old,
                    _ => value.restyled(old.style()),
                };
                retain_cell(new, tables);
                release_cell(old, tables);
                row.cells[i] = new;
                // Rows without the flag are skipped when references are released.
                if new.holds_refs() {
                    row.flags |= RowFlags::HAS_REFS;
                }
            }
            return;
        }
        fill(&mut row.cells[from..to], value, tables);
        if value.holds_refs() {
            row.flags |= RowFlags::HAS_REFS;
        }
        if from == 0 && to == row.cells.len() && !value.holds_refs() {
            row.flags.remove(RowFlags::HAS_REFS);
        }
    }

    /// Shift `line[col..=edge]` right by `n`, dropping what passes `edge`, blanking the gap.
    pub(crate) fn shift_right(&mut self, line: Line, col: usize, edge: usize, n: usize) {
        if col > edge {
            return;
        }
        let blank = self.written_blank();
        let n = n.min(edge + 1 - col);
        self.split_wide_at(line, col);
        self.split_wide_at(line, edge + 1);
        // The cells that will be pushed past the edge may start a wide pair that would be cut.
        self.split_wide_at(line, edge + 1 - n);
        let (grid, tables) = (&mut self.screen.grid, &mut self.tables);
        let row = grid.row_mut(line);
        let seg = &mut row.cells[col..=edge];
        let len = seg.len();
        release_cells(&seg[len - n..], tables);
        seg.copy_within(0..len - n, n);
        for c in &mut seg[..n] {
            retain_cell(blank, tables);
            *c = blank;
        }
        if blank.holds_refs() {
            row.flags |= RowFlags::HAS_REFS;
        }
    }

    /// Shift `line[col+n..=edge]` left to `col`, blanking the freed cells at the edge.
    pub(crate) fn shift_left(&mut self, line: Line, col: usize, edge: usize, n: usize) {
        if col > edge {
            return;
        }
        let blank = self.erase_cell();
        let n = n.min(edge + 1 - col);
        self.split_wide_at(line, col);
        self.split_wide_at(line, col + n);
        self.split_wide_at(line, edge + 1);
        let (grid, tables) = (&mut self.screen.grid, &mut self.tables);
        let row = grid.row_mut(line);
        let seg = &mut row.cells[col..=edge];
        let len = seg.len();
        release_cells(&seg[..n], tables);
        seg.copy_within(n..len, 0);
        for c in &mut seg[len - n..] {
            retain_cell(blank, tables);
            *c = blank;
        }
        if blank.holds_refs() {
            row.flags |= RowFlags::HAS_REFS;
        }
    }

    pub(crate) fn erase_display(&mut self, mode: EraseMode, selective: bool) {
        // xterm's selective ED (DECSED) leaves written blanks; plain ED leaves empty cells.
        let blank = if selective { self.written_blank() } else { self.erase_cell() };
        let kind = if selective && !self.iso_protect {
            Erase::UnprotectedWritten
        } else {
            self.plain_erase()
        };
        let cols = self.cols();
        let p = self.cursor.point;
        match mode {
            EraseMode::Below => {
                self.fill_cells(p.line, p.column.0, cols, blank, kind);
                for line in p.line.0 + 1..self.lines() {
                    self.fill_cells(Line(line), 0, cols, blank, kind);
                    if !selective {
                        self.grid_mut().row_mut(Line(line)).flags.remove(RowFlags::WRAPPED);
                    }
                }
                if !selective {
                    self.grid_mut().row_mut(p.line).flags.remove(RowFlags::WRAPPED);
                }
            }
            EraseMode::Above => {
                for line in 0..p.line.0 {
                    self.fill_cells(Line(line), 0, cols, blank, kind);
                    if !selective {
                        self.grid_mut().row_mut(Line(line)).flags.remove(RowFlags::WRAPPED);
                    }
                }
                let written = self.written_blank();
                self.fill_cells(p.line, 0, p.column.0 + 1, written, kind);
            }
            EraseMode::All => {
                for line in 0..self.lines() {
                    self.fill_cells(Line(line), 0, cols, blank, kind);
                    if !selective {
                        self.grid_mut().row_mut(Line(line)).flags.remove(RowFlags::WRAPPED);
                    }
                }
            }
            EraseMode::Saved => {
                if !selective && !self.alt_active {
                    self.screen.grid.clear_history(&mut self.tables);
                }
            }
        }
        self.cursor.pending_wrap = false;
    }

    pub(crate) fn insert_blank(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        if !self.in_lr_margins() {
            return;
        }
        let (line, col) = (self.cursor.point.line, self.cursor.point.column.0);
        let edge = self.margins.right.0;
        self.shift_right(line, col, edge, n);
    }

    pub(crate) fn delete_chars(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        if !self.in_lr_margins() {
            return;
        }
        let (line, col) = (self.cursor.point.line, self.cursor.point.column.0);
        let edge = self.margins.right.0;
        self.shift_left(line, col, edge, n);
    }

    pub(crate) fn erase_chars(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        let (line, col) = (self.cursor.point.line, self.cursor.point.column.0);
        let blank = self.written_blank();
        let kind = self.plain_erase();
        self.fill_cells(line, col, col.saturating_add(n), blank, kind);
    }

    /// How ED, EL and ECH erase: everything, unless the program last chose ISO protection
    /// (SPA) over DEC protection (DECSCA) — then guarded cells stay, as in xterm.
    fn plain_erase(&self) -> Erase {
        if self.iso_protect { Erase::Guarded } else { Erase::All }
    }

    pub(crate) fn erase_line(&mut self, mode: EraseMode, selective: bool) {
        let blank = self.erase_cell();
        let kind =
            if selective && !self.iso_protect { Erase::Unprotected } else { self.plain_erase() };
        let p = self.cursor.point;
        let cols = self.cols();
        match mode {
            EraseMode::Below => self.fill_cells(p.line, p.column.0, cols, blank, kind),
            EraseMode::Above => {
                let written = self.written_blank();
                self.fill_cells(p.line, 0, p.column.0 + 1, written, kind)
            }
            EraseMode::All => self.fill_cells(p.line, 0, cols, blank, kind),
            EraseMode::Saved => return,
        }
        if !selective && mode != EraseMode::Above {
            self.grid_mut().row_mut(p.line).flags.remove(RowFlags::WRAPPED);
        }
        self.cursor.pending_wrap = false;
    }

    pub(crate) fn decaln(&mut self) {
        self.reset_margins();
        self.set_pen(Style { link: self.cursor.pen.link, ..Style::default() });
        let cols = self.cols();
        let e = Cell::with_char('E', StyleId::DEFAULT, false);
        for line in 0..self.lines() {
            self.fill_cells(Line(line), 0, cols, e, Erase::All);
            self.grid_mut().row_mut(Line(line)).flags.remove(RowFlags::WRAPPED);
        }
        self.set_cursor(Line(0), Column(0));
    }
}

/// Which cells an erasure touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Erase {
    /// Every cell (ED, EL, ECH, DECERA).
    All,
    /// Cells not protected by DECSCA (DECSEL, DECSERA).
    Unprotected,
    /// Unprotected cells that hold something (DECSED: empty cells stay empty).
    UnprotectedWritten,
    /// Cells outside ISO guarded areas (ED, EL, ECH after SPA): erased as `All` erases.
    Guarded,
}
